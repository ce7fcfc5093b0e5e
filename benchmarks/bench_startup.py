"""Start-up costs: a whole process, and the fixed overhead of ``simulate()``.

    python benchmarks/bench_startup.py [--repeat 3]

Prints, against the targets of issue #15 (item 6):

- CPU seconds (user + system, the process and its children) of
  ``cogov-sim world=classroom steps=1`` (target <= 1.5 s) and of the default street
  run with its figures (target <= 3 s), best of ``--repeat``;
- the fixed overhead of ``simulate()`` after the first call: the median time of a
  one-day classroom call minus the median time of the same model built from a config
  composed beforehand (``CoGovModel(cfg).run(); summary()``), over 10 calls
  (target <= 50 ms);
- the import time of ``cogov_sim.frontends.api`` in a fresh interpreter;
- for a process that needs the model only (issue #32, item 3: a sweep's worker, a
  script that builds ``CoGovModel`` itself): the import time of
  ``cogov_sim.core.model`` and the CPU seconds of a whole process that runs the
  default street for one day without Hydra, best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def child_cpu(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def process_cpu(args: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "cogov_sim", *args, f"hydra.run.dir={tmp}/run"]
            best = min(best, child_cpu(cmd))
    return best


def simulate_overhead(calls: int = 10) -> tuple[float, float, float]:
    from cogov_sim import simulate
    from cogov_sim.core.model import CoGovModel
    from cogov_sim.frontends.api import compose

    simulate(["world=classroom"], steps=1, seed=0)  # the first call pays the imports
    configs = [compose(["world=classroom"], steps=1, seed=i + 1) for i in range(calls)]
    sim, direct = [], []
    for i in range(calls):
        t = time.perf_counter()
        simulate(["world=classroom"], steps=1, seed=i + 1)
        sim.append(time.perf_counter() - t)
        t = time.perf_counter()
        m = CoGovModel(configs[i])  # the model alone, from a config built beforehand
        m.run()
        m.summary()
        direct.append(time.perf_counter() - t)
    s, d = statistics.median(sim), statistics.median(direct)
    return s, d, s - d


def import_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); import cogov_sim.frontends.api; "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


MODEL_ONLY = (
    "from cogov_sim.core.config import make_config; "
    "from cogov_sim.core.model import CoGovModel; "
    "CoGovModel(make_config({'steps': 1})).run(1)"
)


def model_only_cpu(repeat: int) -> float:
    return min(child_cpu([sys.executable, "-c", MODEL_ONLY]) for _ in range(repeat))


def model_import_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); import cogov_sim.core.model; "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    classroom = process_cpu(["world=classroom", "steps=1"], args.repeat)
    street = process_cpu([], args.repeat)
    sim, direct, overhead = simulate_overhead()
    imp = min(import_seconds() for _ in range(args.repeat))
    model_imp = min(model_import_seconds() for _ in range(args.repeat))
    model_cpu = model_only_cpu(args.repeat)
    rows = [
        (
            "process CPU, cogov-sim world=classroom steps=1",
            f"{classroom:.2f} s",
            "<= 1.5 s",
            classroom <= 1.5,
        ),
        (
            "process CPU, default street run with figures",
            f"{street:.2f} s",
            "<= 3 s",
            street <= 3.0,
        ),
        (
            "simulate() fixed overhead after the first call",
            f"{1000 * overhead:.0f} ms ({1000 * sim:.0f} ms call, {1000 * direct:.0f} ms model)",
            "<= 50 ms",
            overhead <= 0.05,
        ),
        ("import cogov_sim.frontends.api (fresh interpreter)", f"{imp:.2f} s", "", None),
        ("import cogov_sim.core.model (fresh interpreter)", f"{model_imp:.2f} s", "", None),
        ("process CPU, the model alone: street, 1 day, no Hydra", f"{model_cpu:.2f} s", "", None),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target, ok in rows:
        mark = "" if ok is None else ("  met" if ok else "  NOT met")
        print(f"{name:<{width}}  {value:>34}  {target:>8}{mark}")


if __name__ == "__main__":
    main()
