"""``cogov-sim-class``: a played class from its export file, replayed and debriefed.

``cogov-sim-class replay FILE`` rebuilds the class's street from the file's setup,
seed and decisions, checks that every round ends exactly as the file recorded (bit
for bit), and writes the debrief page and figure next to it (or to ``--out``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="cogov-sim-class",
        description="Replay a participatory class from its export (the teacher's "
        "'Download the debrief' zip) and write its debrief.",
        epilog="Classes are played in the app: cogov-sim-viz, then /class (docs/class.md).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rp = sub.add_parser("replay", help="rebuild the class's street from its file and check it")
    rp.add_argument("file", type=Path, help="the class's export (.zip) or its class.json")
    rp.add_argument("--out", type=Path, help="folder for debrief.html and debrief.png "
                    "(default: FILE's name without .zip, plus -debrief)")  # fmt: skip
    rp.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")

    from cogov_sim.frontends.play.game import ClassError
    from cogov_sim.frontends.play.pictures import debrief_png
    from cogov_sim.frontends.play.record import (
        ReplayError,
        class_record,
        debrief_html,
        read_record,
        replay,
    )

    try:
        saved = read_record(args.file)
        print(f"replaying class {saved.get('code', '?')}: {len(saved['rounds'])} rounds of "
              f"{saved['setup'].get('days_per_round')} days ...", flush=True)  # fmt: skip
        game = replay(saved)
    except (ReplayError, ClassError, KeyError, TypeError) as exc:
        print(f"cogov-sim-class: {args.file}: {exc}", file=sys.stderr)
        sys.exit(1)
    out = args.out or args.file.with_name(args.file.stem.removesuffix(".json") + "-debrief")
    out.mkdir(parents=True, exist_ok=True)
    record = class_record(game)
    record["players"], record["code"] = saved.get("players", []), saved.get("code", "")
    for r, s in zip(record["rounds"], saved["rounds"], strict=True):
        r["by"] = s.get("by", {})
    (out / "debrief.png").write_bytes(debrief_png(record, args.lang))
    (out / "debrief.html").write_text(
        debrief_html(record, args.lang, image="debrief.png"), encoding="utf-8"
    )
    if game.rounds:
        last = game.rounds[-1].digest[:16]
        print(f"every round's digest equals the file's: the class's street is reproduced bit "
              f"for bit (last {last})")  # fmt: skip
    else:
        print("no rounds played")
    print(f"debrief: {out / 'debrief.html'}")


if __name__ == "__main__":  # pragma: no cover
    main()
