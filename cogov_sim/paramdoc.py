"""The parameter table of docs/ODD.md, generated from the typed schema.

Every config key with its default, allowed values and meaning (the comment on
its field in :mod:`cogov_sim.config`). ``python -m cogov_sim.paramdoc --write``
refreshes the table between the markers in ``docs/ODD.md``; a test checks it
is current, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import argparse
import inspect
import re
from fnmatch import fnmatch
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from cogov_sim import config as config_module
from cogov_sim.config import default_config

START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"
ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
_FIELD = re.compile(r"^\s+(\w+):\s*[^=]+=.*?#\s*(.+)$")


def _comments() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, cls in inspect.getmembers(config_module, inspect.isclass):
        if cls.__module__ != config_module.__name__:
            continue
        fields = {}
        for line in inspect.getsource(cls).splitlines():
            m = _FIELD.match(line)
            if m:
                fields[m.group(1)] = m.group(2).strip()
        out[name] = fields
    return out


def _allowed(key: str, value) -> str:
    from cogov_sim.validation import _RANGES

    if isinstance(value, bool):
        return "true / false"
    if key == "mechanisms":
        from cogov_sim.mechanisms import MECHANISMS

        return "list of: " + ", ".join(MECHANISMS)
    if key == "workers.remit":
        return "list of issue types"
    if isinstance(value, str):
        return "text"
    for pattern, _lo, _hi, desc in _RANGES:
        if fnmatch(key, pattern):
            return desc
    return ""


def rows() -> list[tuple[str, str, str, str]]:
    comments = _comments()
    out = []

    def walk(node: DictConfig, prefix: str) -> None:
        cls = OmegaConf.get_type(node)
        doc = comments.get(cls.__name__, {}) if cls else {}
        for k in node.keys():
            child = node._get_node(k)
            key = f"{prefix}{k}"
            if isinstance(child, DictConfig):
                walk(child, key + ".")
                continue
            value = OmegaConf.to_container(child) if hasattr(child, "_content") else node[k]
            if isinstance(value, list):
                shown = "[" + ", ".join(map(str, value)) + "]"
            else:
                shown = str(value)
            out.append((key, shown, _allowed(key, value), doc.get(k, "")))

    walk(default_config(), "")
    return out


def table() -> str:
    lines = ["| key | default | allowed | meaning |", "|---|---|---|---|"]
    for key, default, allowed, meaning in rows():
        lines.append(f"| `{key}` | {default} | {allowed} | {meaning} |")
    return "\n".join(lines)


def render(text: str) -> str:
    """``text`` with the table between the markers replaced by the current one."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> None:
    ap = argparse.ArgumentParser(description="Print or refresh the ODD parameter table.")
    ap.add_argument("--write", action="store_true", help=f"update {ODD} in place")
    args = ap.parse_args()
    if args.write:
        ODD.write_text(render(ODD.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"updated {ODD}")
    else:
        print(table())


if __name__ == "__main__":
    main()
