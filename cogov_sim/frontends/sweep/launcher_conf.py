"""The settings of cogov-sim's launchers (``hydra_plugins/cogov_sim_launcher``) in
Hydra's ConfigStore: the plug-ins' own, with ``runs_per_task`` for submitit's.

Stored by :func:`cogov_sim.frontends.hydra_setup.register_configs`, so that every way
of composing (the command, the Python API, a sweep's worker) knows
``hydra/launcher=cogov_slurm`` (the base of ``configs/hydra/launcher/slurm.yaml``) and
``cogov_submitit_local``. (``local.yaml``, the forked local launcher, and
``ray_cluster.yaml``, hydra-ray-launcher's settings, need no node of their own.)
"""

from dataclasses import dataclass

from hydra.core.config_store import ConfigStore
from hydra_plugins.hydra_submitit_launcher.config import LocalQueueConf, SlurmQueueConf

PLUGIN = "hydra_plugins.cogov_sim_launcher"


@dataclass
class CogovSlurmConf(SlurmQueueConf):
    """The SLURM launcher's settings, with ``runs_per_task`` (runs per array task)."""

    _target_: str = f"{PLUGIN}.SlurmLauncher"
    runs_per_task: int = 1


@dataclass
class CogovSubmititLocalConf(LocalQueueConf):
    """submitit's local launcher's settings, with ``runs_per_task``."""

    _target_: str = f"{PLUGIN}.LocalLauncher"
    runs_per_task: int = 1


_DONE = False


def register() -> None:
    """Store the two nodes in the ConfigStore's ``hydra/launcher`` group (idempotent)."""
    global _DONE
    if _DONE:
        return
    store = ConfigStore.instance()
    for name, node in (
        ("cogov_slurm", CogovSlurmConf),
        ("cogov_submitit_local", CogovSubmititLocalConf),
    ):
        store.store(group="hydra/launcher", name=name, node=node, provider="cogov_sim")
    _DONE = True
