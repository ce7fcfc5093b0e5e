"""Figures that name the tables they were drawn from.

Every exploration figure is saved with a PNG text field ``Source`` listing the
tables it was drawn from and their SHA-256, so a figure in the documentation can be
checked against the table beside it (``tests/test_explore_docs.py``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def save(fig, path: Path, *sources: Path) -> None:
    """Save ``fig`` as PNG at ``path`` with the names and digests of ``sources``."""
    tag = ";".join(f"{Path(s).name}={sha256(s)}" for s in sources)
    fig.savefig(path, dpi=100, metadata={"Source": tag} if tag else None)


def sources_of(png: str | Path) -> dict[str, str]:
    """The ``{table name: sha256}`` a figure was drawn from (empty if untagged)."""
    from PIL import Image

    with Image.open(png) as im:
        text = im.text.get("Source", "") if hasattr(im, "text") else ""
    return dict(part.split("=", 1) for part in text.split(";") if "=" in part)


_BLOCK = re.compile(
    r"(<!-- include: (?P<name>[\w./-]+)(?P<fenced> fenced)? -->\n)(?P<body>.*?)"
    r"(?P<end><!-- end include -->)",
    re.S,
)


def fill(doc: str, folder: str | Path) -> str:
    """``doc`` with every ``<!-- include: FILE -->`` ... ``<!-- end include -->`` block
    replaced by the text of ``folder/FILE`` (the worked example's tables);
    ``<!-- include: FILE fenced -->`` puts it in a text block (a command's output)."""
    folder = Path(folder)

    def repl(m: re.Match) -> str:
        text = (folder / m.group("name")).read_text(encoding="utf-8").rstrip("\n")
        if m.group("fenced"):
            text = f"```text\n{text}\n```"
        return f"{m.group(1)}{text}\n{m.group('end')}"

    return _BLOCK.sub(repl, doc)


def main(argv: list[str] | None = None) -> None:
    """``python -m cogov_sim.analysis.explore.report --write``: refresh docs/explore.md's tables
    from docs/explore/ (after copying a new worked example there)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m cogov_sim.analysis.explore.report")
    ap.add_argument("--doc", default="docs/explore.md")
    ap.add_argument("--folder", default="docs/explore")
    ap.add_argument("--write", action="store_true", help="rewrite the doc (else: check it)")
    args = ap.parse_args(argv)
    doc = Path(args.doc)
    old = doc.read_text(encoding="utf-8")
    new = fill(old, args.folder)
    if args.write:
        doc.write_text(new, encoding="utf-8")
        print(f"{doc}: {'updated' if new != old else 'already in sync'}")
    elif new != old:
        raise SystemExit(
            f"{doc} is out of date: run python -m cogov_sim.analysis.explore.report --write"
        )


if __name__ == "__main__":
    main()
