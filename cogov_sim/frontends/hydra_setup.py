"""Where Hydra finds cogov-sim's configs, and the typed schema it checks them against.

The configs sit at the top of the repository (``configs/``, whose
``experiment`` group is a link to ``experiments/``) and install with the
package as ``cogov_sim.conf`` (``[tool.setuptools.package-dir]`` in
``pyproject.toml``): the same files in a checkout (the editable install maps
the package onto the folder) and in an installed wheel. Hydra reads them
through its ``pkg://`` search path, never through a path into the source tree.

Both the command line (:mod:`cogov_sim.frontends.cli`) and the Python API
(:mod:`cogov_sim.frontends.api`) take the config location, the schema registration, the
``cogov_uid`` resolver of the run folders' names (registered on import, so
before Hydra composes anything), the check of overrides against the schema
(:func:`check_overrides`) and the console logging of the commands from here.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
from importlib import resources
from pathlib import Path

from omegaconf import OmegaConf

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
    from cogov_sim.frontends.sweep import launcher_conf

    launcher_conf.register()  # the launchers' settings (configs/hydra/launcher/)
    specs = mechanisms_in_overrides(overrides)
    if _REGISTERED == specs:
        return
    from hydra.core.config_store import ConfigStore

    from cogov_sim.core.config import Config, default_config
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.mechanisms.registry import known, resolve

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


def register_user_configs() -> None:
    """Make Hydra search the user's own config tree after the package's, so that worlds
    saved with ``cogov-sim-fit world --save NAME`` compose as ``world=NAME``
    (:func:`cogov_sim.core.config.user_config_dir`). Idempotent."""
    from hydra.core.config_search_path import ConfigSearchPath
    from hydra.core.plugins import Plugins
    from hydra.plugins.search_path_plugin import SearchPathPlugin

    global _USER_PLUGIN
    if _USER_PLUGIN is not None:
        return

    class UserConfigSearchPath(SearchPathPlugin):
        def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
            from cogov_sim.core.config import user_config_dir

            folder = user_config_dir()
            if folder.is_dir():
                search_path.append(provider="cogov-sim-user", path=f"file://{folder}")

    Plugins.instance().register(UserConfigSearchPath)
    _USER_PLUGIN = UserConfigSearchPath


_USER_PLUGIN = None


def register_launchers() -> None:
    """Make Hydra know cogov-sim's launchers (``hydra_plugins/cogov_sim_launcher``).

    Hydra finds plug-ins by walking the ``hydra_plugins`` namespace package, which sees
    them in an installed wheel but not through an editable install's import hook; so
    they are registered by hand too. The scan runs first: were the module imported
    before it, the scan would execute it again and register other class objects.
    """
    from hydra.core.plugins import Plugins

    plugins = Plugins.instance()
    import hydra_plugins.cogov_sim_launcher as launchers

    for name in ("SlurmLauncher", "LocalLauncher", "PoolLauncher", "RayLauncher"):
        clazz = getattr(launchers, name, None)  # RayLauncher: with the ray extra only
        if clazz is not None:
            plugins.register(clazz)
    register_user_configs()


def config_dir() -> Path:
    """The folder of the installed config tree (in a checkout: ``configs/``)."""
    return Path(str(resources.files(CONFIG_MODULE)))


def group_options(group: str) -> list[str]:
    """The options of a config group, e.g. ``world`` or ``hydra/launcher``, sorted (the
    user's saved worlds among the ``world`` group's, :func:`user_config_dir`)."""
    from cogov_sim.core.config import user_config_dir

    names = {p.stem for p in (config_dir() / group).glob("*.yaml")}
    names |= {p.stem for p in (user_config_dir() / group).glob("*.yaml")}
    return sorted(names)


# ------------------------------------------------------------------ unique run folders
def _uid() -> str:
    """Six random hex digits: the suffix that makes a run or sweep folder unique."""
    return secrets.token_hex(3)


# ``${cogov_uid:}`` in ``hydra.run.dir`` and ``hydra.sweep.dir`` (configs/config.yaml).
# Cached like Hydra's ``${now:...}``: a config resolves it once, and Hydra copies the
# cache into every job's config of a sweep, so the sweep and its jobs agree on the folder.
OmegaConf.register_new_resolver("cogov_uid", _uid, use_cache=True, replace=True)


def _ray_object_store(address) -> int | None:
    """The Ray launcher's ``object_store_memory``: none when joining a running cluster
    (``ray.init(address=...)`` refuses one), else the plugin's own 75 MB for a local Ray
    (hydra-ray-launcher sets it only when the key is absent; configs/hydra/launcher/)."""
    return None if address else 78643200


OmegaConf.register_new_resolver("cogov_ray_object_store", _ray_object_store, replace=True)


# ------------------------------------------------------------------ overrides vs schema
_GROUPS = {"world", "preset", "experiment", "calibrated"}


def _override_values(ov) -> list:
    """The values an override sets: one, or each choice of a discrete sweep."""
    if ov.is_sweep_override():
        if not ov.is_discrete_sweep():
            return []  # an interval: a sweeper samples it, checked when a run starts
        values = list(ov.sweep_iterator())
        # a long range() is one type from end to end: its ends stand for it
        return values if len(values) <= 100 else [values[0], values[-1]]
    return [ov.value()]


def check_overrides(overrides, schema=None) -> None:
    """Check command-line style overrides against the typed schema, before Hydra composes.

    Hydra rejects an unknown key or a wrong type too, but in its own words, without
    the allowed values or near keys, and ``+key=value`` bypasses its check of the key.
    Groups (``world=...``), Hydra's own keys and deletions are left to Hydra.

    Raises:
        ConfigError: the first unknown key (with the nearest known keys), or the first
            value of the wrong type (with what the key allows).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import DictConfig
    from omegaconf.errors import OmegaConfBaseException

    from cogov_sim.core.config import (
        allowed_keys,
        check_world_name,
        default_config,
        value_error,
    )
    from cogov_sim.core.errors import ConfigError

    try:
        parsed = OverridesParser.create().parse_overrides([str(o) for o in overrides])
    except Exception:  # a syntax error: Hydra reports it in its own words
        return
    if schema is None:
        schema = default_config(_extra_mechanisms(parsed))
    for ov in parsed:
        key = ov.key_or_group
        if key.startswith("hydra") or key in _GROUPS or "@" in key or ov.is_delete():
            continue
        node = schema
        for part in key.split("."):
            if not isinstance(node, DictConfig) or part not in node:
                raise ConfigError(key, allowed_keys(key, schema), unknown=True)
            node = node._get_node(part)
        try:
            values = _override_values(ov)
        except Exception:  # a grammar function Hydra evaluates itself
            continue
        for value in values:
            if isinstance(value, str) and "${" in value:
                continue  # an interpolation: resolved later
            try:
                OmegaConf.update(schema, key, value, merge=True)
            except (OmegaConfBaseException, ValueError, TypeError):
                raise value_error(key, value, schema) from None
    keys = {ov.key_or_group for ov in parsed}
    if "world.name" in keys and not keys & (_GROUPS | {"world.width", "world.height"}):
        # the default world group (street) with only its label changed
        check_world_name(schema.world.name, schema.world.width, schema.world.height)


def _extra_mechanisms(parsed) -> tuple:
    """Mechanism classes named by import path in a ``mechanisms=[...]`` override."""
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.mechanisms.registry import known, resolve

    out = []
    for ov in parsed:
        if ov.key_or_group != "mechanisms":
            continue
        try:
            values = _override_values(ov)
        except Exception:
            continue
        for value in values:
            for name in value if isinstance(value, list) else [value]:
                if isinstance(name, str) and name not in known():
                    try:
                        out.append(resolve(name))
                    except ConfigError:
                        pass  # validation reports it with the known names
    return tuple(dict.fromkeys(out))


# ------------------------------------------------------------------ console logging
#: The logger of the line naming a run's results folder: on standard output.
RESULTS_LOGGER = "cogov_sim.results.writing"


class ConsoleHandler(logging.Handler):
    """The bare messages of cogov-sim's loggers on the console, as the commands print them:
    ``cogov_sim.results.writing`` on standard output, everything else on standard error (looked
    up at each message, so that redirected or captured streams get them)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        stream = sys.stdout if record.name == RESULTS_LOGGER else sys.stderr
        try:
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - logging must not raise
            self.handleError(record)


class _NotOurs(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith("cogov_sim")


_NOT_OURS = _NotOurs()


def console_logging() -> None:
    """Show cogov-sim's messages on the console as plain lines (the commands call this).

    Messages of the ``cogov_sim`` loggers go to a :class:`ConsoleHandler` and still
    propagate to the root logger, whose file handlers (Hydra's per-job ``.log`` file)
    record them; the root's console handlers skip them, so each shows once, unformatted.
    Idempotent; run again after Hydra reconfigures logging (at each job's start). The
    library itself (``simulate``, ``run``, ``aggregate``) adds no handler.
    """
    log = logging.getLogger("cogov_sim")
    if not any(isinstance(h, ConsoleHandler) for h in log.handlers):
        log.addHandler(ConsoleHandler())
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    consoles = (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
    for h in logging.getLogger().handlers:
        if (
            isinstance(h, logging.StreamHandler)
            and not isinstance(h, logging.FileHandler)
            and getattr(h, "stream", None) in consoles
            and _NOT_OURS not in h.filters
        ):
            h.addFilter(_NOT_OURS)
