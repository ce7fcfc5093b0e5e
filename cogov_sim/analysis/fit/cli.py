"""``cogov-sim-fit``: your own street, from its files to a calibrated model.

    cogov-sim-fit world COMPOUNDS [--staffing F] [--save NAME]   # build, map, save a preset
    cogov-sim-fit template LOG [--nyc311] [--out mapping.yaml]   # a mapping to fill in
    cogov-sim-fit orders LOG --mapping M --world W               # read a log: counts, bad rows
    cogov-sim-fit report LOG --mapping M --world W [--seeds 8]   # the log beside the model
    cogov-sim-fit calibrate LOG --mapping M --world W            # fit the model to the log

``--world`` is a world preset built from files (``example_street``, or one saved with
``world --save``) or a compounds file. ``docs/own_street.md`` walks through them
on the example street. Exit status 2 for bad input, with the reason.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from cogov_sim.analysis.fit.report import FitError

PROG = "cogov-sim-fit"


def world_params(
    world: str, staffing: str | None = None, cell: float | None = None, name: str | None = None
) -> dict:
    """Dotted config keys of ``--world``: a preset's keys, or a compounds file's."""
    from cogov_sim.core.config import world_presets

    presets = world_presets()
    if world in presets and not presets[world].get("compounds"):
        known = ", ".join(k for k, v in presets.items() if v.get("compounds")) or "none yet"
        raise FitError(
            f"--world {world!r} is a generated world; the fit tools take a world built from "
            f"files: a compounds file, or a preset made from one ({known})"
        )
    if world in presets:
        if staffing or cell:
            raise FitError("--staffing and --cell-metres go with a compounds file, not a preset")
        return {f"world.{k}": v for k, v in presets[world].items()}
    path = Path(world)
    if not path.is_file() and not world.startswith("pkg:"):
        known = ", ".join(k for k, v in presets.items() if "compounds" in v) or "none"
        raise FitError(
            f"--world {world!r} is neither a world preset built from files ({known}) nor a "
            "compounds file"
        )
    out = {"world.name": name or path.stem, "world.compounds": str(path.resolve())}
    if staffing:
        out["world.staffing"] = str(Path(staffing).resolve())
    if cell:
        out["world.cell_metres"] = float(cell)
    return out


def _sets(pairs: list[str]) -> dict:
    out = {}
    for p in pairs or []:
        key, eq, value = p.partition("=")
        if not eq:
            raise FitError(f"--set {p!r}: write key=value")
        out[key.strip()] = yaml.safe_load(value)
    return out


def cmd_world(args) -> None:
    from cogov_sim.analysis.fit.worldmap import describe, draw
    from cogov_sim.core.config import user_world_dir
    from cogov_sim.core.model import CoGovModel

    if args.save:
        from importlib import resources

        folder = resources.files("cogov_sim.conf") / "world"
        builtin = {e.name[: -len(".yaml")] for e in folder.iterdir() if e.name.endswith(".yaml")}
        if not args.save.replace("_", "").replace("-", "").isalnum():
            raise FitError(f"--save {args.save!r}: a preset name is letters, digits, - and _")
        if args.save in builtin:
            raise FitError(f"--save {args.save!r}: a built-in world has that name")
    params = world_params(args.compounds, args.staffing, args.cell_metres, args.save)
    model = CoGovModel(**params, steps=1, seed=args.seed)
    print(describe(model))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = draw(model, out / "world.png")
    print(f"map: {path}")
    if args.save:
        name = args.save
        folder = user_world_dir()
        folder.mkdir(parents=True, exist_ok=True)
        data = {"name": name, **{k.split(".", 1)[1]: v for k, v in params.items()}}
        data["name"] = name
        target = folder / f"{name}.yaml"
        replaced = target.is_file()
        target.write_text(
            f"# A world built from files, saved by {PROG} world --save {name}\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        print(
            f"saved: {target}{' (replacing the earlier one)' if replaced else ''} "
            f"(cogov-sim world={name}, the app's world list, {PROG} ... --world {name})"
        )


def cmd_template(args) -> None:
    from cogov_sim.analysis.fit.orders import template

    text = template(args.log, nyc311=args.nyc311)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"mapping template: {args.out} (give every category a type or ignore)")
    else:
        sys.stdout.write(text)


def _load(args):
    from cogov_sim.analysis.fit.orders import load_mapping, read_orders
    from cogov_sim.analysis.fit.report import world_model

    params = {**world_params(args.world), **_sets(args.set)}
    mapping = load_mapping(args.mapping, nyc311=args.nyc311)
    world = world_model(params).world
    orders = read_orders(args.log, mapping, world)
    return params, mapping, orders


def _print_orders(orders) -> None:
    bad = {k: v for k, v in orders.bad.items() if v}
    print(
        f"{orders.rows:,} rows: {len(orders.frame):,} orders used over {orders.days} days from "
        f"{orders.start.date()}, {orders.ignored:,} ignored by the mapping, "
        f"{sum(bad.values()):,} bad, {orders.no_place:,} without a place"
    )
    for k, v in bad.items():
        print(f"  bad rows, {k}: {v:,}")
    counts = orders.frame["type"].value_counts()
    for t, n in counts.items():
        print(f"  {t}: {n:,}")


def cmd_orders(args) -> None:
    _, _, orders = _load(args)
    _print_orders(orders)


def _few_seeds(seeds: int) -> None:
    if seeds < 5:
        print(
            f"{PROG}: warning: the model's intervals and verdicts come from {seeds} seed(s): "
            "with fewer than 5 they are hardly intervals (use --seeds 8 or more)",
            file=sys.stderr,
        )


def cmd_report(args) -> None:
    from cogov_sim.analysis.fit.report import report

    _few_seeds(args.seeds)
    params, mapping, orders = _load(args)
    _print_orders(orders)
    res = report(params, orders, mapping, args.out, seeds=args.seeds, jobs=args.jobs)
    print((Path(args.out) / "fit.md").read_text(encoding="utf-8"))
    print(f"report: {Path(args.out) / 'fit.md'} (中文: fit.zh.md), figures: "
          + ", ".join(p.name for p in res["figures"]))  # fmt: skip


def cmd_calibrate(args) -> None:
    from cogov_sim.analysis.fit.calibrate import calibrate

    _few_seeds(args.seeds)
    params, mapping, orders = _load(args)
    _print_orders(orders)
    res = calibrate(
        params,
        orders,
        mapping,
        args.out,
        simulations=args.simulations,
        draws=args.draws,
        seed=args.seed,
        jobs=args.jobs,
        check_seeds=args.seeds,
    )
    print(res["parameters"].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print()
    print("distance to the log (mean absolute log ratio), uncalibrated -> calibrated:")
    for r in res["comparison"].itertuples(index=False):
        print(
            f"  {r.statistics} statistics ({r.n}): {r.uncalibrated:.3f} -> {r.calibrated:.3f}, "
            f"{r.closer} closer"
        )
    print(
        f"calibrated parameters: {Path(args.out) / 'calibrated' / 'median.yaml'} "
        f"(cogov-sim -cd {args.out} +calibrated=median ...)"
    )


def _log_args(p) -> None:
    p.add_argument("log", help="the work-order log (CSV)")
    p.add_argument(
        "--mapping", help="the mapping file (YAML; required; cogov-sim-fit template makes one)"
    )
    p.add_argument("--nyc311", action="store_true", help="the log is NYC 311's export")
    p.add_argument(
        "--world", required=True, help="a world preset built from files, or a compounds file"
    )
    p.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="a config value (repeatable)"
    )


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("world", help="build a world from a compounds file; map it; save it")
    p.add_argument("compounds", help="compounds file (CSV or GeoJSON), or a world preset")
    p.add_argument("--staffing", help="staffing file (CSV: role, unit, value)")
    p.add_argument("--cell-metres", type=float, help="cell side in metres (default: from areas)")
    p.add_argument("--save", metavar="NAME", help="save as a world preset NAME")
    p.add_argument("--out", default=".", help="folder for world.png (default: here)")
    p.add_argument("--seed", type=int, default=0, help="the run's seed (residents' draws)")
    p.set_defaults(func=cmd_world)
    p = sub.add_parser("template", help="a mapping file made from a log's columns and categories")
    p.add_argument("log", help="the work-order log (CSV)")
    p.add_argument("--nyc311", action="store_true", help="the log is NYC 311's export")
    p.add_argument("--out", help="write it here (default: print it)")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("orders", help="read a log against a world: counts and bad rows")
    _log_args(p)
    p.set_defaults(func=cmd_orders)
    p = sub.add_parser("report", help="the log's statistics beside the model's")
    _log_args(p)
    p.add_argument("--seeds", type=int, default=8, help="model runs (default 8)")
    p.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    p.add_argument("--out", default="fit", help="output folder (default: fit)")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("calibrate", help="calibrate the model to the log (posterior)")
    _log_args(p)
    p.add_argument("--simulations", type=int, default=160, help="prior runs (default 160)")
    p.add_argument("--draws", type=int, default=500, help="posterior draws (default 500)")
    p.add_argument("--seeds", type=int, default=8, help="runs of each check (default 8)")
    p.add_argument("--seed", type=int, default=0, help="seed of the prior's Sobol points")
    p.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    p.add_argument("--out", default="fit-calibration", help="output folder (resumes there)")
    p.set_defaults(func=cmd_calibrate)
    return ap


def main(argv: list[str] | None = None) -> int:
    from cogov_sim.analysis.fit.orders import OrdersError
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.world_file import WorldFileError

    args = parser().parse_args(argv)
    if args.func in (cmd_orders, cmd_report, cmd_calibrate) and not args.mapping:
        print(
            f"{PROG}: --mapping is required: the log's categories in the model's types "
            f"({PROG} template LOG makes one to fill in)",
            file=sys.stderr,
        )
        return 2
    try:
        args.func(args)
    except (OrdersError, FitError, WorldFileError, ConfigError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"{PROG}: {exc.name or exc} is not installed: calibrate needs the 'explore' "
              "extra (pip install 'cogov-sim[explore]')", file=sys.stderr)  # fmt: skip
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
