"""The pattern report (``cogov-sim-patterns``): model vs reported effect of each mechanism.

It runs, for every pattern of a patterns file (the package's own
``cogov_sim/data/patterns.yaml`` by default), the baseline and the scenario with the
pattern's mechanism on, over the same seeds, and writes ``patterns.csv``,
``patterns.md`` (a table) and ``patterns.png`` (a figure); beside them the untouched
validation list (:mod:`cogov_sim.analysis.holdout`), outcomes by housing type and,
given a calibration folder, the posterior predictive check. The verdicts are those
of :func:`cogov_sim.analysis.patterns.evaluate`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import pandas as pd

from cogov_sim.analysis import holdout
from cogov_sim.analysis.patterns import (
    PatternError,
    constraints_table,
    evaluate,
    figure,
    load_patterns,
    markdown_table,
    run_scenarios,
)


def housing_table(results: dict, seeds: list[int]) -> str:
    """Outcomes by housing type for the baseline and each mechanism run (means over
    seeds): issues per household per year, and the share of cases resolved within the
    deadline from when they arose (the fairness of places)."""
    from cogov_sim.core.world import HOUSING_TYPES

    scenarios = sorted({sc for sc, _ in results}, key=lambda sc: (len(sc), sc))
    head = ["scenario"]
    head += [f"issues/hh·yr {t}" for t in HOUSING_TYPES]
    head += [f"closure from occurrence {t}" for t in HOUSING_TYPES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for sc in scenarios:
        runs = [results[(sc, s)] for s in seeds if (sc, s) in results]

        def mean(key, runs=runs):
            vals = [r[key] for r in runs if r.get(key) is not None and not math.isnan(r[key])]
            return sum(vals) / len(vals) if vals else math.nan

        cells = [", ".join(sc) or "baseline"]
        cells += [f"{mean(f'issues_per_1000_{t}') / 1000:.1f}" for t in HOUSING_TYPES]
        cells += [f"{mean(f'closure_from_occurrence_{t}'):.2f}" for t in HOUSING_TYPES]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(
    patterns_path=None,
    seeds: int = 20,
    world: str = "street",
    steps: int = 365,
    jobs: int | None = None,
    out: str | os.PathLike = "patterns_report",
    progress: bool = True,
    posterior: str | os.PathLike | None = None,
    posterior_draws: int = 20,
    decompose_seeds: int = 6,
) -> pd.DataFrame:
    """Run every pattern and write ``patterns.csv``, ``patterns.md`` and ``patterns.png``.

    With ``posterior`` (a folder of ``cogov-sim-explore calibrate``), also the posterior
    predictive interval of every pattern and validation item: ``posterior_draws`` draws,
    one new seed each, at this report's scale (``posterior_predictive.csv`` and a section
    of ``patterns.md``).

    With ``decompose_seeds`` >= 2, every pattern's effect is also decomposed by pathway
    (:mod:`cogov_sim.analysis.decompose`; ``decomposition.csv``, ``decomposition.png``
    and a section of ``patterns.md``)."""
    from cogov_sim.core.config import WORLD_PRESETS

    if world not in WORLD_PRESETS:
        raise PatternError(f"unknown world {world!r} (known: {', '.join(WORLD_PRESETS)})")
    if seeds < 2:
        raise PatternError(f"seeds must be at least 2 for confidence intervals, not {seeds}")
    patterns = load_patterns(patterns_path)
    if posterior is not None:  # read it now, not after the whole report
        from cogov_sim.analysis.calibration.posterior import Posterior

        posterior = Posterior.load(posterior)
        posterior.draws(posterior_draws)  # enough draws?
    params = {f"world.{k}": v for k, v in WORLD_PRESETS[world].items()}
    params["steps"] = steps
    seed_list = list(range(seeds))
    jobs = jobs or os.cpu_count() or 1
    held = holdout.load()
    results = run_scenarios(patterns, seed_list, params, jobs, progress, holdout.scenarios(held))
    df = evaluate(patterns, results, seed_list)
    val = holdout.evaluate(held, results, seed_list)
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    df.to_csv(outdir / "patterns.csv", index=False)
    val.to_csv(outdir / "validation.csv", index=False)
    head = (
        f"Scale: {world}, {steps} days, {seeds} seeds (0-{seeds - 1}), paired by seed. "
        f"{(df.verdict == 'match').sum()} of {len(df)} patterns match; "
        f"the direction holds for {int(df.direction_holds.sum())} of {len(df)}.\n\n"
    )
    text = (
        head
        + markdown_table(df)
        + "\n\n**Parameters each pattern constrains** (set by calibration to it; no parameter"
        " is set to the value of its pattern):\n\n" + constraints_table(patterns) + "\n"
        "\n**Validation list** (reported effects the model was never fitted to, untuned; "
        f"{(val.verdict == 'consistent').sum()} of {(val.verdict != 'not comparable').sum()} "
        "comparable items consistent):\n\n" + holdout.markdown_table(val) + "\n"
        "\n**By housing type** (means over seeds; closure from occurrence counts every "
        "case that arose, reported or not, resolved within its deadline):\n\n"
        + housing_table(results, seed_list)
        + "\n"
    )
    if decompose_seeds >= 2:
        text += "\n" + _decomposition_section(
            patterns, decompose_seeds, params, jobs, progress, outdir
        )
    if posterior is not None:
        text += "\n" + _posterior_section(
            patterns, held, posterior, posterior_draws, params, jobs, progress, outdir
        )
    (outdir / "patterns.md").write_text(text, encoding="utf-8")
    figure(df, outdir / "patterns.png")
    return df


def _decomposition_section(patterns, seeds, params, jobs, progress, outdir) -> str:
    """Each pattern's mechanism decomposed on the pattern's outcome."""
    from cogov_sim.analysis import decompose as dec

    by_mech: dict[str, list[str]] = {}
    for p in patterns:
        outs = by_mech.setdefault(p.mechanism, [])
        if p.outcome not in outs:
            outs.append(p.outcome)
    frames = [
        dec.decompose([m], outs, list(range(seeds)), params, jobs=jobs, progress=progress)
        for m, outs in by_mech.items()
    ]
    df = pd.concat(frames, ignore_index=True)
    df.to_csv(outdir / "decomposition.csv", index=False)
    dec.figure(df, outdir / "decomposition.png")
    lines = [
        f"{r.mechanism}: `{r.outcome}` mostly through **{r.pathway}** ({100 * r.share:.0f}%)"
        for r in dec.main_pathway(df).itertuples()
    ]
    return (
        f"**What each pattern's effect comes through** ({seeds} seeds; the share of the "
        "effect lost when one pathway is switched off, 95% bootstrap interval over seeds; "
        "`rest`: what the pathways do only together; `cogov-sim-explore decompose`):\n\n"
        + dec.markdown(df)
        + "\n"
        + "\n".join(f"- {line}" for line in lines)
        + "\n\n![Pathway shares](figures/decomposition.png)\n"
    )


def _posterior_section(patterns, held, posterior, draws, params, jobs, progress, outdir) -> str:
    from cogov_sim.analysis.calibration.posterior import (
        Posterior,
        holdout_targets,
        pattern_targets,
        predictive_markdown,
        predictive_summary,
        predictive_table,
        run_predictive,
    )

    post = posterior if isinstance(posterior, Posterior) else Posterior.load(posterior)
    targets = pattern_targets(patterns) + holdout_targets(held)
    x = run_predictive(post.draws(draws), params, targets, jobs, progress)
    fitted = post.meta.get("fitted")  # None (older folders): every pattern
    table = predictive_table(targets, x, None, fitted=None if fitted is None else set(fitted))
    table.to_csv(outdir / "posterior_predictive.csv", index=False)
    scale = {k: v for k, v in post.base.items() if params.get(k, v) != v}
    warn = (
        f" The posterior was fitted at other settings ({scale}) than this report's."
        if scale
        else ""
    )
    return (
        f"**Posterior predictive** ({draws} draws of the posterior in `{post.folder}`, one new "
        f"seed each; {predictive_summary(table)}).{warn}\n\n" + predictive_markdown(table) + "\n"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="cogov-sim-patterns",
        description="Run every reported pattern (baseline vs mechanism over seeds) and write "
        "a table and a figure of model vs reported values.",
    )
    ap.add_argument("--patterns", help="a patterns file (default: the package's own)")
    ap.add_argument("--seeds", type=int, default=20, help="seeds per scenario (default 20)")
    ap.add_argument("--world", default="street", help="classroom, street or district")
    ap.add_argument("--steps", type=int, default=365, help="days per run (default 365)")
    ap.add_argument("--jobs", type=int, default=None, help="parallel processes (default: CPUs)")
    ap.add_argument("--out", default="patterns_report", help="output folder")
    ap.add_argument(
        "--posterior",
        default=None,
        help="a calibration folder (cogov-sim-explore calibrate): add posterior predictive "
        "intervals beside the reported values",
    )
    ap.add_argument("--posterior-draws", type=int, default=20, help="posterior draws (default 20)")
    ap.add_argument(
        "--decompose-seeds",
        type=int,
        default=6,
        help="seeds of the decomposition of every pattern's effect by pathway (0: none; default 6)",
    )
    args = ap.parse_args(argv)
    try:
        df = report(
            args.patterns,
            args.seeds,
            args.world,
            args.steps,
            args.jobs,
            args.out,
            posterior=args.posterior,
            posterior_draws=args.posterior_draws,
            decompose_seeds=args.decompose_seeds,
        )
    except (PatternError, ValueError) as exc:
        print(f"cogov-sim-patterns: error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(markdown_table(df))
    print(
        f"\n{(df.verdict == 'match').sum()} of {len(df)} patterns match; "
        f"written: {args.out}/patterns.csv, patterns.md, patterns.png"
    )


if __name__ == "__main__":
    main()
