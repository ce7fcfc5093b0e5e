"""Many runs of the model in parallel, for the exploration commands.

A :class:`Case` is one run: the mechanisms switched on, the seed and the dotted
parameters (a space's fixed overrides plus one point of the space). Cases run in
worker processes (Mesa forces the 'spawn' start method, so the worker is this
module's top-level function) and come back in the order given, so a result never
depends on the number of workers.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

log = logging.getLogger("cogov_sim.analysis.explore")


@dataclass(frozen=True)
class Case:
    mechanisms: tuple[str, ...]
    seed: int
    params: tuple[tuple[str, object], ...]

    @classmethod
    def make(cls, mechanisms: Iterable[str], seed: int, params: dict) -> Case:
        return cls(tuple(mechanisms), int(seed), tuple(sorted(params.items())))


def run_case(case: Case) -> dict:
    """The summary of one run (outcomes by name; undefined ones are NaN)."""
    from cogov_sim.core.model import CoGovModel

    model = CoGovModel(**dict(case.params), seed=case.seed, mechanisms=list(case.mechanisms))
    model.run()
    return {k: (float("nan") if v is None else v) for k, v in model.summary().items()}


def default_jobs() -> int:
    return os.cpu_count() or 1


def run_cases(
    cases: Sequence[Case],
    jobs: int | None = None,
    label: str = "runs",
    progress: bool = True,
    on_result: Callable[[int, dict], None] | None = None,
) -> list[dict]:
    """Run ``cases`` on ``jobs`` processes; the summaries in the order of ``cases``.

    ``on_result(i, summary)`` is called as each result arrives, in order (to save
    finished work before a long batch ends)."""
    jobs = jobs or default_jobs()
    n = len(cases)
    out: list[dict] = []
    bar = task = None
    if progress and sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task(label, total=n)

    def tick(i: int) -> None:
        if bar is not None:
            bar.update(task, completed=i + 1)
        elif progress and ((i + 1) % max(1, n // 10) == 0 or i + 1 == n):
            log.info("%s: %d/%d runs", label, i + 1, n)
            print(f"cogov-sim-explore: {label}: {i + 1}/{n} runs", file=sys.stderr, flush=True)

    try:
        if jobs > 1 and n > 1:
            with ProcessPoolExecutor(max_workers=min(jobs, n)) as pool:
                for i, summary in enumerate(pool.map(run_case, cases, chunksize=1)):
                    out.append(summary)
                    if on_result is not None:
                        on_result(i, summary)
                    tick(i)
        else:
            for i, case in enumerate(cases):
                out.append(run_case(case))
                if on_result is not None:
                    on_result(i, out[-1])
                tick(i)
    finally:
        if bar is not None:
            bar.stop()
    return out
