"""Resume for launchers that submit a whole sweep at once (SLURM and local submitit).

With ``resume=true``, the ``_job`` of :mod:`cogov_sim.frontends.cli` skips a run whose folder holds
complete results; on a cluster that still costs an array task per finished run (queue
time, a Python start-up, an allocation). :func:`split_finished` lets the launcher leave
them out of the submission: it composes each run's config as its job would, checks its
folder with the same test as the job
(:func:`cogov_sim.results.runfolder.completed`: same config hash,
version and code revision), and returns the runs still to do together with a completed
``JobReturn`` for each finished one. The launchers are in
``hydra_plugins/cogov_sim_launcher`` (Hydra loads launcher plug-ins only from there).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)


def split_finished(
    hydra_context, config, jobs: Sequence[tuple[int, Sequence[str]]]
) -> tuple[list[tuple[int, list[str]]], dict[int, object]]:
    """Split ``jobs`` (job number, overrides) into those to submit and those already done.

    Without ``resume=true`` in the sweep's config every job is to do and nothing is
    composed. A finished job gets a ``JobReturn`` (status completed, no value) and goes
    through the ``on_job_end`` callbacks as a job that ran, so the sweep's progress
    count includes it.
    """
    jobs = [(int(num), list(overrides)) for num, overrides in jobs]
    if not config.get("resume", False):
        return jobs, {}
    from hydra.core.utils import JobReturn, JobStatus
    from omegaconf import OmegaConf, open_dict

    from cogov_sim.results.runfolder import completed
    from cogov_sim.results.sweep.manifest import _subdir

    sweep_dir = Path(str(config.hydra.sweep.dir))
    template = OmegaConf.to_container(config.hydra.sweep, resolve=False).get("subdir")
    todo: list[tuple[int, list[str]]] = []
    done: dict[int, object] = {}
    for num, overrides in jobs:
        # A run folder without results needs no composing to know it is to do (most of
        # a sweep killed early): a config takes Hydra some tens of milliseconds.
        sub = _subdir(str(template), num) if template is not None else None
        if sub is not None and not (sweep_dir / sub / "summary.json").exists():
            todo.append((num, overrides))
            continue
        sweep_config = hydra_context.config_loader.load_sweep_config(config, overrides)
        with open_dict(sweep_config.hydra):
            sweep_config.hydra.job.num = num
            subdir = str(OmegaConf.select(sweep_config, "hydra.sweep.subdir"))
            folder = sweep_dir / subdir
            sweep_config.hydra.runtime.output_dir = str(folder.absolute())
        if not sweep_config.get("resume", False):
            todo.append((num, overrides))
            continue
        complete, _why = completed(sweep_config, str(folder))  # the job logs why it re-runs
        if not complete:
            todo.append((num, overrides))
            continue
        log.info("cogov-sim: skipped %s: complete results exist for this config", folder)
        task_cfg = copy.deepcopy(sweep_config)
        with open_dict(task_cfg):
            del task_cfg["hydra"]
        ret = JobReturn(
            overrides=overrides,
            cfg=task_cfg,
            hydra_cfg=sweep_config,
            working_dir=str(folder),
            task_name=str(sweep_config.hydra.job.name),
            status=JobStatus.COMPLETED,
        )
        hydra_context.callbacks.on_job_end(config=sweep_config, job_return=ret)
        done[num] = ret
    if done:
        log.info(
            "cogov-sim sweep: resume: %d of %d runs complete, submitting %d",
            len(done),
            len(jobs),
            len(todo),
        )
    return todo, done
