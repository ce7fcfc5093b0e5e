"""``cogov-sim-map``: issues per zone of a saved run, or the difference between two.

    cogov-sim-map RUN                      # issues per household per year, by zone
    cogov-sim-map RUN OTHER                # RUN minus OTHER, zone by zone
    cogov-sim-map RUN --kind cases         # registered cases only (no light matters)
    cogov-sim-map RUN OTHER --out diff.png

``RUN`` and ``OTHER`` are run folders (with ``summary.json`` and
``events.parquet``). Two runs compared must have the same world (the same zone
tiling); with the same seed they have the same places, so the difference map
shows what the mechanism changed where. Exit status 2 for a bad folder or
mismatched worlds, with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

KINDS = ("all", "cases", "light")


class MapError(ValueError):
    """A run folder that cannot be mapped (missing files, different worlds)."""


def zone_rates(folder: Path, kind: str = "all") -> tuple[np.ndarray, object, dict]:
    """Issues per household per year in each zone of a saved run, the zone layout
    (the tiling's shape, or a world from files' zone map: ``plots.zone_layout``) and
    the run's record."""
    import pyarrow.parquet as pq

    from cogov_sim.core.issues import ISSUE_KEYS, LIGHT_TYPES
    from cogov_sim.results import plots

    folder = Path(folder)
    summary, events = folder / "summary.json", folder / "events.parquet"
    for f in (summary, events):
        if not f.is_file():
            raise MapError(f"{folder}: no {f.name} (is it a finished run with output.events?)")
    record = json.loads(summary.read_text(encoding="utf-8"))
    state = record.get("state", {})
    shape = state.get("zone_shape")
    if not shape and not state.get("n_zones"):
        raise MapError(f"{folder}: summary.json has no zone_shape (a run before version 0.4)")
    table = pq.read_table(events, columns=["kind", "zone", "issue_type", "household"])
    ev = table.to_pandas()
    occ = ev[ev["kind"] == "occur"]
    light = occ["issue_type"].isin([ISSUE_KEYS[int(t)] for t in LIGHT_TYPES])
    if kind == "cases":
        occ = occ[~light]
    elif kind == "light":
        occ = occ[light]
    world = _world(record)
    layout = plots.zone_layout(world)
    n_zones = world.n_zones
    counts = np.bincount(occ["zone"].to_numpy(), minlength=n_zones).astype(float)
    households = np.bincount(world.zone, minlength=n_zones).astype(float)
    years = max(int(record["steps"]), 1) / 365.0
    return counts / np.maximum(households, 1) / years, layout, record


def _world(record: dict):
    """The run's world, rebuilt from its config (the layout is deterministic)."""
    from cogov_sim.core.config import make_config
    from cogov_sim.core.model import CoGovModel

    cfg = make_config(record["config"])
    return CoGovModel(make_config(cfg, steps=1)).world


def figure(folder, other=None, kind: str = "all", out=None) -> Path:
    """Write the map (or the difference map) and return its path."""
    from matplotlib.figure import Figure

    from cogov_sim.results import plots

    rate, shape, rec = zone_rates(Path(folder), kind)
    label = {"all": "issues", "cases": "cases", "light": "light matters"}[kind]
    fig = Figure(figsize=(6.5, 5.5))
    ax = fig.subplots()
    if other is None:
        plots.draw_zone_values(ax, fig, rate, shape, f"{label} per household per year")
        title = (
            f"{label} per zone: {Path(folder).name} ({', '.join(rec['mechanisms']) or 'baseline'})"
        )
        default = Path(folder) / f"zones_{kind}.png"
    else:
        rate_b, shape_b, rec_b = zone_rates(Path(other), kind)
        if isinstance(shape, np.ndarray) or isinstance(shape_b, np.ndarray):
            if not np.array_equal(np.asarray(shape), np.asarray(shape_b)):
                raise MapError("different worlds: their zone maps differ")
        elif tuple(shape_b) != tuple(shape):
            raise MapError(f"different worlds: zone tilings {shape} and {shape_b}")
        plots.draw_zone_values(
            ax,
            fig,
            rate - rate_b,
            shape,
            f"difference, {label} per household per year",
            diverging=True,
        )
        names = [", ".join(r["mechanisms"]) or "baseline" for r in (rec, rec_b)]
        title = f"{label} per zone: {names[0]} minus {names[1]}"
        if rec.get("seed") != rec_b.get("seed"):
            title += f" (seeds {rec.get('seed')} and {rec_b.get('seed')}: places differ too)"
        default = Path(folder) / f"zones_{kind}_minus_{Path(other).name}.png"
    ax.set_title(title, fontsize=9)
    path = Path(out) if out else default
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="cogov-sim-map", description="Issues per zone of a run, or the difference of two."
    )
    ap.add_argument("run", help="a run folder (summary.json, events.parquet)")
    ap.add_argument("other", nargs="?", help="a second run folder: map RUN minus OTHER")
    ap.add_argument("--kind", choices=KINDS, default="all", help="which issues (default: all)")
    ap.add_argument("--out", help="where to write the PNG (default: in RUN's folder)")
    args = ap.parse_args(argv)
    try:
        path = figure(args.run, args.other, args.kind, args.out)
    except MapError as exc:
        print(f"cogov-sim-map: {exc}", file=sys.stderr)
        return 2
    print(f"map: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
