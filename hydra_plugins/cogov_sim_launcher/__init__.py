"""cogov-sim's submitit launchers: hydra-submitit-launcher's, submitting only missing runs.

Hydra instantiates launcher plug-ins only from the ``hydra_plugins`` namespace, hence
this package beside ``cogov_sim``. ``configs/hydra/launcher/slurm.yaml`` points its
``_target_`` here (for submitit's local executor, set
``hydra.launcher._target_=hydra_plugins.cogov_sim_launcher.LocalLauncher``). The one
change to the plug-in's
launchers: with ``resume=true``, runs whose folder holds complete results are not
submitted (:func:`cogov_sim.frontends.sweep.resume.split_finished`), so a resumed SLURM sweep
is one array job of the missing runs only, keeping their job numbers and folders.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, filter_overrides
from hydra_plugins.hydra_submitit_launcher.config import BaseQueueConf
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    BaseSubmititLauncher,
)
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    LocalLauncher as _LocalLauncher,
)
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    SlurmLauncher as _SlurmLauncher,
)
from omegaconf import OmegaConf

log = logging.getLogger(__name__)


class _SubmitMissing(BaseSubmititLauncher):
    """``launch`` as in hydra-submitit-launcher 1.2, over the runs still to do only."""

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        from cogov_sim.frontends.sweep.resume import split_finished

        assert self.config is not None and self.hydra_context is not None
        jobs = list(enumerate(job_overrides, start=initial_job_idx))
        assert jobs
        todo, returns = split_finished(self.hydra_context, self.config, jobs)
        if todo:
            returns.update(zip([num for num, _ in todo], self._submit(todo), strict=True))
        return [returns[num] for num, _ in jobs]

    def _submit(self, jobs: list[tuple[int, list[str]]]) -> list[JobReturn]:
        """Submit ``jobs`` (job number, overrides) as one array and wait for their returns."""
        import submitit  # lazy, as in the plug-in: plug-in discovery stays fast

        assert self.config is not None
        init_keys = {"max_num_timeout"}
        init_params: dict[str, Any] = {"folder": self.params["submitit_folder"]}
        init_params.update(
            {f"{self._EXECUTOR}_{k}": v for k, v in self.params.items() if k in init_keys}
        )
        executor = submitit.AutoExecutor(cluster=self._EXECUTOR, **init_params)
        base = set(OmegaConf.structured(BaseQueueConf).keys())
        executor.update_parameters(
            **{
                k if k in base else f"{self._EXECUTOR}_{k}": v
                for k, v in self.params.items()
                if k not in init_keys | {"submitit_folder"}
            }
        )
        log.info(f"Submitit '{self._EXECUTOR}' sweep output dir : {self.config.hydra.sweep.dir}")
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        if "mode" in self.config.hydra.sweep:
            os.chmod(sweep_dir, mode=int(str(self.config.hydra.sweep.mode), 8))
        params = []
        for num, overrides in jobs:
            log.info(f"\t#{num} : {' '.join(filter_overrides(overrides))}")
            params.append(
                (overrides, "hydra.sweep.dir", num, f"job_id_for_{num}", Singleton.get_state())
            )
        submitted = executor.map_array(self, *zip(*params, strict=True))
        return [job.results()[0] for job in submitted]


class SlurmLauncher(_SubmitMissing, _SlurmLauncher):
    """hydra-submitit-launcher's SLURM launcher; a resumed sweep submits missing runs only."""


class LocalLauncher(_SubmitMissing, _LocalLauncher):
    """hydra-submitit-launcher's local launcher; a resumed sweep submits missing runs only."""
