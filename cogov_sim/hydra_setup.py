"""Where Hydra finds cogov-sim's configs, and the typed schema it checks them against.

The configs sit at the top of the repository (``configs/``, whose
``experiment`` group is a link to ``experiments/``) and install with the
package as ``cogov_sim.conf`` (``[tool.setuptools.package-dir]`` in
``pyproject.toml``): the same files in a checkout (the editable install maps
the package onto the folder) and in an installed wheel. Hydra reads them
through its ``pkg://`` search path, never through a path into the source tree.

Both the command line (:mod:`cogov_sim.cli`) and the Python API
(:mod:`cogov_sim.api`) take the config location and the schema registration
from here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The package holding the config tree (``configs/`` of the repository).
CONFIG_MODULE = "cogov_sim.conf"
#: Hydra's search path of the config tree, for ``hydra.main(config_path=...)``.
CONFIG_PATH = f"pkg://{CONFIG_MODULE}"
#: The primary config (``configs/config.yaml``).
CONFIG_NAME = "config"

_REGISTERED = False


def register_configs() -> None:
    """Register the typed schema in Hydra's ConfigStore as ``schema`` (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    from hydra.core.config_store import ConfigStore

    from cogov_sim.config import Config

    ConfigStore.instance().store(name="schema", node=Config)
    _REGISTERED = True


def config_dir() -> Path:
    """The folder of the installed config tree (in a checkout: ``configs/``)."""
    return Path(str(resources.files(CONFIG_MODULE)))


def group_options(group: str) -> list[str]:
    """The options of a config group, e.g. ``world`` or ``hydra/launcher``, sorted."""
    folder = config_dir() / group
    return sorted(p.stem for p in folder.glob("*.yaml"))
