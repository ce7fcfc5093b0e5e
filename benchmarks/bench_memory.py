"""Peak memory of one run against its size: the data behind ``validation.memory_estimate``.

Runs each size in a fresh process (``cogov_sim.frontends.api.run`` with every output
written, as the command line does) and prints its peak resident set size
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``) beside the estimate, so the
formula's coefficients can be refitted after the model changes:

    python benchmarks/bench_memory.py                       # the default sizes
    python benchmarks/bench_memory.py --size 200x200x100    # width x height x steps
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

CHILD = """
import json, resource, sys
from cogov_sim.frontends.api import run
from cogov_sim.core.config import make_config
w, h, steps, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
cfg = make_config(**{"world.width": w, "world.height": h, "steps": steps,
                     "output.progress": False, "output.table": False})
rec = run(cfg, out)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"n_households": rec["n_households"], "peak": peak}))
"""

SIZES = ("50x50x365", "110x110x365", "200x200x100", "200x200x365", "345x345x60", "345x345x365")


def measure(width: int, height: int, steps: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(width), str(height), str(steps), out],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    from cogov_sim.core.checks import memory_estimate
    from cogov_sim.core.config import make_config

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", action="append", help="WIDTHxHEIGHTxSTEPS (repeatable)")
    args = ap.parse_args()
    print(f"{'size':>14} {'households':>10} {'peak MB':>8} {'estimate MB':>11}")
    for size in args.size or SIZES:
        w, h, steps = (int(x) for x in size.split("x"))
        got = measure(w, h, steps)
        est = memory_estimate(make_config(**{"world.width": w, "world.height": h, "steps": steps}))
        print(
            f"{size:>14} {got['n_households']:>10} {got['peak'] / 2**20:>8.0f} {est / 2**20:>11.0f}"
        )


if __name__ == "__main__":
    main()
