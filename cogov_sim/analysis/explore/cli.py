"""``cogov-sim-explore``: calibrate -> effects -> discover -> optimise.

Each step writes a table and a figure into its ``--out`` folder; the later steps
take the calibration folder (``--posterior``) to include parameter uncertainty.
See ``docs/explore.md`` for a worked example on the default street.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from cogov_sim.analysis.explore import ExploreError, merge_overrides
from cogov_sim.analysis.space import SpaceError

PROG = "cogov-sim-explore"


def _need_explore_extra(exc: ImportError) -> ExploreError:
    return ExploreError(
        f"{exc.name or exc} is not installed: this command needs the 'explore' extra "
        "(pip install 'cogov-sim[explore]')"
    )


# ------------------------------------------------------------------ commands
def cmd_calibrate(args) -> None:
    from cogov_sim.analysis import holdout
    from cogov_sim.analysis.calibration.posterior import calibrate, predictive_summary
    from cogov_sim.analysis.patterns import load_patterns
    from cogov_sim.analysis.space import load_space
    from cogov_sim.analysis.space_files import resolve_space

    space = load_space(resolve_space(args.space))
    space.overrides = merge_overrides(space.overrides, args.overrides)
    patterns = load_patterns(args.patterns)
    items = holdout.load(args.validation) if args.validation != "none" else []
    out = Path(args.out)
    result = calibrate(
        space,
        patterns,
        items,
        out,
        simulations=args.simulations,
        draws=args.draws,
        check_draws=args.check_draws,
        seed=args.seed,
        jobs=args.jobs,
        patterns_path=args.patterns or "",
        keep_unreachable=args.keep_unreachable,
    )
    meta = result["meta"]
    for p in meta["parameters"]:
        print(
            f"{p['name']}: {p['posterior_mean']:.4g} ± {p['posterior_sd']:.2g} "
            f"(prior {p['low']:g}–{p['high']:g}, contraction {p['contraction']:.2f})"
        )
    table = result["predictive"]
    if table is not None:
        print(predictive_summary(table))
    print(f"written: {out}/posterior.csv, posterior.png, predictive.md, predictive.png")


def cmd_effects(args) -> None:
    from cogov_sim.analysis.explore.effects import run_effects

    out = Path(args.out)
    table = run_effects(
        posterior=args.posterior,
        mechanisms=args.mechanisms,
        outcomes=args.outcomes,
        draws=args.draws,
        seeds=args.seeds,
        overrides=args.overrides,
        out=out,
        jobs=args.jobs,
    )
    for r in table.itertuples():
        print(
            f"{r.mechanism:22s} {r.outcome:26s} {r.effect:+.3g} "
            f"[{r.expected_lo:+.3g}, {r.expected_hi:+.3g}] expected, "
            f"[{r.total_lo:+.3g}, {r.total_hi:+.3g}] one street-year; "
            f"{r.share_parameters:.0%} of the variance from parameters"
        )
    print(f"written: {out}/effects.csv, effects.md, effects.png")


def cmd_discover(args) -> None:
    from cogov_sim.analysis.explore.discover import run_discover

    out = Path(args.out)
    result = run_discover(
        space=args.space,
        mechanism=args.mechanism,
        outcome=args.outcome,
        condition=args.condition,
        samples=args.samples,
        seeds=args.seeds,
        out=out,
        launcher=args.launcher,
        posterior=args.posterior,
        threshold=args.threshold,
        seed=args.seed,
        extra=args.overrides,
        resume=args.resume,
    )
    print(result["message"])
    files = "scenarios.csv, box.md" + (
        ", boxes.csv, tradeoff.png, box.png" if result.get("boxes") is not None else ""
    )
    print(f"written: {out}/{files}")


def cmd_optimise(args) -> None:
    from cogov_sim.analysis.explore.optimise import run_optimise

    out = Path(args.out)
    result = run_optimise(
        levers=args.levers,
        trials=args.trials,
        seeds=args.seeds,
        draws=args.draws,
        posterior=args.posterior,
        budget=args.budget,
        prefer=args.prefer,
        robust=args.robust,
        out=out,
        seed=args.seed,
        jobs=args.jobs,
        extra=args.overrides,
    )
    print(result["message"])
    print(f"written: {out}/pareto.csv, pareto.md, pareto.png, trials.csv")


def cmd_decompose(args) -> None:
    from cogov_sim.analysis.calibration.point import overrides_to_params
    from cogov_sim.analysis.decompose import DecomposeError, decompose, main_pathway, write

    try:
        params = overrides_to_params(args.overrides)
        df = decompose(
            args.mechanisms,
            args.outcomes,
            list(range(args.seeds)),
            params=params,
            jobs=args.jobs,
        )
    except DecomposeError as exc:
        raise ExploreError(str(exc)) from None
    out = Path(args.out)
    write(df, out)
    for r in main_pathway(df).itertuples():
        print(f"{r.mechanism}: {r.outcome} mostly through {r.pathway} ({100 * r.share:.0f}%)")
    print(f"written: {out}/decomposition.csv, decomposition.md, decomposition.png")


# ---------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)

    def common(p, out_default: str) -> None:
        p.add_argument("--out", default=out_default, help="output folder (default: %(default)s)")
        p.add_argument("--jobs", type=int, default=None, help="processes (default: CPUs)")
        p.add_argument("--seed", type=int, default=0, help="seed of the sampler (default: 0)")
        p.add_argument(
            "overrides",
            nargs="*",
            help="config overrides for every run, replacing the space's (e.g. world=classroom "
            "steps=180)",
        )

    p = sub.add_parser("calibrate", help="posterior over shared parameters (sbi NPE)")
    p.add_argument("--space", default="space_posterior", help="parameters and their prior ranges")
    p.add_argument("--patterns", default=None, help="patterns file (default: the package's)")
    p.add_argument(
        "--validation",
        default=None,
        help="validation list checked, never fitted (default: the package's; 'none' to skip)",
    )
    p.add_argument("--simulations", type=int, default=128, help="prior simulations (>= 20)")
    p.add_argument(
        "--keep-unreachable",
        action="store_true",
        help="fit also the patterns whose reported value lies outside every prior simulation "
        "(default: left out, and said so)",
    )
    p.add_argument("--draws", type=int, default=2000, help="posterior samples saved")
    p.add_argument(
        "--check-draws", type=int, default=20, help="posterior draws run for the predictive check"
    )
    common(p, "explore/calibration")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("effects", help="mechanism effects with parameter and seed uncertainty")
    p.add_argument("--posterior", default=None, help="calibration folder (default: none)")
    p.add_argument("--mechanisms", nargs="+", default=None, help="default: the patterns' ones")
    p.add_argument(
        "--outcomes",
        nargs="+",
        default=["closure_rate", "dispute_resolution_rate", "fairness_gap", "participation_rate"],
    )
    p.add_argument("--draws", type=int, default=10, help="posterior draws")
    p.add_argument("--seeds", type=int, default=3, help="seeds per draw")
    common(p, "explore/effects")
    p.set_defaults(func=cmd_effects)

    p = sub.add_parser("discover", help="scenario discovery with PRIM")
    p.add_argument("--space", default="space_default", help="uncertainties and their ranges")
    p.add_argument("--mechanism", required=True, help="the mechanism whose effect is examined")
    p.add_argument("--outcome", default="closure_rate")
    p.add_argument(
        "--condition",
        required=True,
        help="when a case counts, e.g. 'change < 0.10' (change, treated, baseline or relative; "
        "<, <=, >, >=)",
    )
    p.add_argument("--samples", type=int, default=64, help="points of the space (scrambled Sobol)")
    p.add_argument("--seeds", type=int, default=2, help="seeds per point")
    p.add_argument("--threshold", type=float, default=0.8, help="PRIM's density threshold")
    p.add_argument("--launcher", default=None, help="hydra/launcher: local, slurm, ray_cluster")
    p.add_argument("--posterior", default=None, help="calibration folder: its median as defaults")
    p.add_argument("--resume", action="store_true", help="keep finished runs of --out")
    common(p, "explore/discover")
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser(
        "decompose", help="what a mechanism's effect comes through: one pathway off at a time"
    )
    p.add_argument(
        "--mechanisms",
        nargs="+",
        required=True,
        help="a mechanism, or several (a package): decomposed together",
    )
    p.add_argument(
        "--outcomes",
        nargs="+",
        default=["closure_rate", "response_hours_mean", "satisfaction_mean"],
    )
    p.add_argument("--seeds", type=int, default=6, help="seeds 0..N-1 (default: %(default)s)")
    common(p, "explore/decompose")
    p.set_defaults(func=cmd_decompose)

    p = sub.add_parser("optimise", help="policy packages under a budget (NSGA-II)")
    p.add_argument("--levers", default="levers_default", help="levers file (mechanisms, knobs)")
    p.add_argument("--trials", type=int, default=48)
    p.add_argument("--seeds", type=int, default=2, help="seeds per evaluation")
    p.add_argument("--draws", type=int, default=2, help="posterior draws per evaluation")
    p.add_argument("--posterior", default=None, help="calibration folder (default: none)")
    p.add_argument(
        "--budget", type=float, default=None, help="extra yuan per year the package may cost"
    )
    p.add_argument("--prefer", default="closure_rate", help="objective that picks within budget")
    p.add_argument(
        "--robust",
        choices=("mean", "p10"),
        default="mean",
        help="objective over seeds and draws: the mean, or the 10th percentile (worst case)",
    )
    common(p, "explore/optimise")
    p.set_defaults(func=cmd_optimise)
    return ap


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args = build_parser().parse_args(argv)
    from cogov_sim.analysis.calibration.posterior import CalibrationError
    from cogov_sim.analysis.patterns import PatternError
    from cogov_sim.core.checks import ConfigError

    try:
        args.func(args)
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] in ("sbi", "torch", "ema_workbench"):
            print(f"{PROG}: error: {_need_explore_extra(exc)}", file=sys.stderr)
            sys.exit(2)
        raise
    except (ExploreError, CalibrationError, SpaceError, PatternError, ConfigError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        sys.exit(2)


def effects_main(argv: list[str] | None = None) -> None:
    """``cogov-sim-effects``: the same as ``cogov-sim-explore effects``."""
    main(["effects", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
