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

import re
from importlib import resources
from pathlib import Path

#: The package holding the config tree (``configs/`` of the repository).
CONFIG_MODULE = "cogov_sim.conf"
#: Hydra's search path of the config tree, for ``hydra.main(config_path=...)``.
CONFIG_PATH = f"pkg://{CONFIG_MODULE}"
#: The primary config (``configs/config.yaml``).
CONFIG_NAME = "config"

_REGISTERED: tuple | None = None

#: ``package.module:Class`` in the value of a ``mechanisms=`` override
_IMPORT_PATH = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


def mechanisms_in_overrides(overrides) -> tuple[str, ...]:
    """The import paths named in ``mechanisms=...`` overrides (sweeps included)."""
    out = []
    for ov in overrides:
        key, _, value = str(ov).lstrip("+~").partition("=")
        if key.strip() == "mechanisms":
            out += _IMPORT_PATH.findall(value)
    return tuple(dict.fromkeys(out))


def register_configs(overrides=()) -> None:
    """Register the typed schema in Hydra's ConfigStore as ``schema``.

    Mechanisms named by import path in ``overrides`` get their parameter sections
    in the schema, so ``mechanism_params.<name>.<key>=...`` needs no ``+``.
    Idempotent for the same set of such mechanisms.
    """
    global _REGISTERED
    specs = mechanisms_in_overrides(overrides)
    if _REGISTERED == specs:
        return
    from hydra.core.config_store import ConfigStore

    from cogov_sim.config import Config, default_config
    from cogov_sim.errors import ConfigError
    from cogov_sim.mechanisms.registry import known, resolve

    extra = []
    for spec in specs:
        if spec not in known():
            try:
                extra.append(resolve(spec))
            except ConfigError:
                pass  # validation reports it, with the known names
    node = default_config(tuple(extra)) if extra else Config
    ConfigStore.instance().store(name="schema", node=node)
    _REGISTERED = specs


def config_dir() -> Path:
    """The folder of the installed config tree (in a checkout: ``configs/``)."""
    return Path(str(resources.files(CONFIG_MODULE)))


def group_options(group: str) -> list[str]:
    """The options of a config group, e.g. ``world`` or ``hydra/launcher``, sorted."""
    folder = config_dir() / group
    return sorted(p.stem for p in folder.glob("*.yaml"))
