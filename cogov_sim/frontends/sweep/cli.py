"""The ``cogov-sim-aggregate PATH`` command: :func:`~cogov_sim.results.sweep.collect.aggregate`
on any sweep folder (also one copied back from a cluster, or one still incomplete).

Exit codes: 0 every run complete; 1 tables written, but some runs failed, are missing
or unreadable (``failures.csv`` lists them); 2 no sweep folder, no runs, or a baseline
that is not in the sweep."""

from __future__ import annotations

import argparse
import sys

from cogov_sim.results.sweep.collect import aggregate


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="cogov-sim-aggregate",
        description="Collect a sweep folder into runs.parquet, scenarios.csv and figures.",
    )
    ap.add_argument("path", help="the sweep folder (hydra.sweep.dir)")
    ap.add_argument("--baseline", help="overrides of the baseline scenario, e.g. 'mechanisms=[]'")
    ap.add_argument("--no-figures", action="store_true")
    ap.add_argument(
        "--markdown",
        metavar="FILE",
        help="also write the scenarios' key outcomes and effects as a Markdown table",
    )
    args = ap.parse_args(argv)
    from cogov_sim.frontends.hydra_setup import console_logging

    console_logging()
    try:
        report = aggregate(args.path, args.baseline, figures=not args.no_figures)
    except (FileNotFoundError, ValueError) as exc:
        print(f"cogov-sim-aggregate: error: {exc}", file=sys.stderr)
        sys.exit(2)
    if args.markdown:
        import pandas as pd

        from cogov_sim.results.sweep.tables import scenario_markdown

        table = pd.read_csv(f"{args.path}/scenarios.csv")
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(scenario_markdown(table))
        print(f"cogov-sim-aggregate: {args.markdown}")
    if report["ok"] < report["runs"]:
        sys.exit(1)  # some runs failed, are missing or unreadable: failures.csv lists them


if __name__ == "__main__":
    main()
