"""Server time per day of the teaching app at classroom scale (60 x 60 lattice), before
and after the maps and charts moved to the browser, and the export's frame time.

"Server-drawn" (before, issue #16) is what the app drew after each step until the
drawing moved to the browser: every model's map (PNG) and the outcome charts (PNG),
from copying the data out of the models to encoded images (``FrameMaker``; still what
tests compare the browser's map with). "Browser-drawn" (now) is what the server does
per day instead: the day's arrays and numbers for the browser (``ViewFeed``: a colour
index per household, the open issues, the new outcome points, the numbers table). The
model step itself is timed separately. Cases: one model, and the
side-by-side pair (baseline + full policy package). Each case steps through
``--days`` days after one warm-up frame (which builds the renderers, reported
on its own) and reports the median, 90th percentile and maximum frame time.
The requirement is a frame in at most 300 ms.

Also timed: one frame of the GIF/MP4 export (all maps, charts, titles and
legend in one figure), and sending nothing else: no browser is involved, so
this is the server's share of a frame.

Usage:
    python benchmarks/bench_render.py            # 60 x 60, 200 days
    python benchmarks/bench_render.py --size 80 --days 100

Writes ``benchmarks/results/bench_render.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BUDGET_MS = 300.0


def measure(side_by_side: bool, size: int, days: int) -> dict:
    from cogov_sim.frontends.viz.feed import ViewFeed
    from cogov_sim.frontends.viz.render import FrameMaker, FrameRenderer
    from cogov_sim.frontends.viz.session import ClassroomRun, Settings

    settings = Settings(size=size, side_by_side=side_by_side).replace("preset", "full_package")
    run = ClassroomRun(settings)
    maker = FrameMaker()
    t0 = time.perf_counter()
    maker.frame(run, "satisfaction", "en")
    first = 1000 * (time.perf_counter() - t0)
    feed = ViewFeed()
    t0 = time.perf_counter()
    feed.frame(run, settings)
    first_feed = 1000 * (time.perf_counter() - t0)
    frames, steps, days_ms = [], [], []
    for _ in range(days):
        t0 = time.perf_counter()
        run.step()
        steps.append(1000 * (time.perf_counter() - t0))
        frames.append(maker.frame(run, "satisfaction", "en").ms)
        t0 = time.perf_counter()
        feed.frame(run, settings)
        days_ms.append(1000 * (time.perf_counter() - t0))
    export = FrameRenderer(run.models, settings.mechanisms)
    export.rgb(run.models)
    t0 = time.perf_counter()
    for _ in range(5):
        export.rgb(run.models)
    f = np.array(frames)
    return {
        "case": "side by side" if side_by_side else "one model",
        "households": int(run.treatment.n_households),
        "models": len(run.models),
        "first_frame_ms": first,
        "frame_median_ms": float(np.median(f)),
        "frame_p90_ms": float(np.percentile(f, 90)),
        "frame_max_ms": float(f.max()),
        "within_budget_share": float(np.mean(f <= BUDGET_MS)),
        "step_median_ms": float(np.median(steps)),
        "browser_first_ms": first_feed,
        "browser_day_median_ms": float(np.median(days_ms)),
        "browser_day_max_ms": float(np.max(days_ms)),
        "export_frame_ms": 1000 * (time.perf_counter() - t0) / 5,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=60, help="lattice side (default 60)")
    parser.add_argument("--days", type=int, default=200, help="frames per case (default 200)")
    args = parser.parse_args()
    rows = [measure(sbs, args.size, args.days) for sbs in (False, True)]
    print(
        f"Server time per day at {args.size} x {args.size}, {args.days} days per case; "
        f"server-drawn frames (before; budget {BUDGET_MS:.0f} ms):"
    )
    head = ("case", "households", "first", "median", "p90", "max", "<=300ms", "step", "export")
    print("{:<13}{:>11}{:>8}{:>8}{:>8}{:>8}{:>9}{:>7}{:>8}".format(*head))
    for r in rows:
        print(
            f"{r['case']:<13}{r['models']:>2} x {r['households']:>6,}"
            f"{r['first_frame_ms']:>8.0f}{r['frame_median_ms']:>8.0f}{r['frame_p90_ms']:>8.0f}"
            f"{r['frame_max_ms']:>8.0f}{100 * r['within_budget_share']:>8.1f}%"
            f"{r['step_median_ms']:>7.1f}{r['export_frame_ms']:>8.0f}"
        )
    print("(ms; 'step' is one model step of all models, 'export' one GIF/MP4 frame)")
    print("Browser-drawn (now): the server's part of a day, without the model step:")
    print("{:<13}{:>8}{:>8}{:>8}{:>16}".format("case", "first", "median", "max", "was (median)"))
    for r in rows:
        print(
            f"{r['case']:<13}{r['browser_first_ms']:>8.0f}{r['browser_day_median_ms']:>8.1f}"
            f"{r['browser_day_max_ms']:>8.1f}{r['frame_median_ms']:>16.0f}"
        )
    print("(ms; 'first' builds the scene: the map's fixed layers as PNG, once per run)")
    out = HERE / "results" / "bench_render.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {"machine": platform.platform(), "size": args.size, "days": args.days, "rows": rows},
            indent=2,
        )
    )
    print(f"written: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
