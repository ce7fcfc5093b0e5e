"""Hydra's work around each job of a sweep, done faster with the same results.

**Composition.** A sweep's job configs are composed once per shape, not once per job.

Hydra composes every job of a sweep from scratch: the defaults list, every config
file merged, the overrides applied (``ConfigLoaderImpl.load_sweep_config``), and the
basic sweeper does it twice per job (once to check the batch, once to launch it):
about 0.1-0.2 s a job, a fifth of a street-year's model time.

Most sweeps vary values (``seed=0,1,2``, ``world.density=0.8,0.9``), not the shape
of the config. :func:`load_sweep_config` composes each *shape* once through Hydra: the
config of a job's other overrides (config-group choices, ``hydra.*`` overrides,
additions and deletions), without its values. It keeps that config (pickled) and makes
every job of the shape from a fresh copy with the job's values applied by Hydra's own
override code (``ConfigLoaderImpl._apply_overrides_to_config``), which is the order
Hydra itself follows (defaults list, then values), and sets what Hydra derives from the
overrides (``hydra.overrides.task``, ``hydra.job.override_dirname``). The result equals
Hydra's own composition (``tests/test_sweep_speed.py`` compares the two, dict values
included).

**Validation.** Before launching a batch, Hydra's sweepers compose every job once to
find a bad override early (``Sweeper.validate_batch_is_legal``), and throw the configs
away. :func:`validate_batch_is_legal` does the same check; a job whose values are all
plain (no dict, which would merge into what an earlier job left) is applied to one
scratch copy of its shape instead of a fresh copy.

**Records.** Hydra writes each job's ``.hydra/config.yaml``, ``hydra.yaml`` and
``overrides.yaml`` with ``OmegaConf.to_yaml`` (PyYAML's pure-Python emitter, about
5 ms a file); :func:`to_yaml` gives the same text through PyYAML's C emitter with
OmegaConf's own representer of strings, in a fifth of the time. It writes the run's
own ``config.yaml`` too (:func:`cogov_sim.frontends.api.run`).

:func:`install` puts the three in place of Hydra's functions; ``cogov-sim``'s command
and its launchers install them in every process that composes or runs a sweep's jobs
(the main process and its forked workers, submitit's tasks, Ray's workers).
"""

from __future__ import annotations

import copy
import pickle
import threading
from collections import OrderedDict

#: Shapes kept per process (each a composed config of a few hundred kB).
MAX_SHAPES = 32

_cache: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()
_original = None


def install() -> None:
    """Use :func:`load_sweep_config` for every Hydra config loader of this process,
    :func:`validate_batch_is_legal` for every sweeper and :func:`to_yaml` for the
    records of Hydra's jobs (idempotent)."""
    global _original, _original_save
    import hydra.core.utils as hydra_utils
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra.plugins.sweeper import Sweeper

    with _lock:
        if _original is None:
            _original = ConfigLoaderImpl.load_sweep_config
            ConfigLoaderImpl.load_sweep_config = load_sweep_config
            _original_save = hydra_utils._save_config
            hydra_utils._save_config = _save_config
            _originals["validate"] = Sweeper.validate_batch_is_legal
            Sweeper.validate_batch_is_legal = validate_batch_is_legal


def uninstall() -> None:
    """Put Hydra's own functions back (for comparisons and tests)."""
    global _original, _original_save
    import hydra.core.utils as hydra_utils
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra.plugins.sweeper import Sweeper

    with _lock:
        if _original is not None:
            ConfigLoaderImpl.load_sweep_config = _original
            hydra_utils._save_config = _original_save
            Sweeper.validate_batch_is_legal = _originals.pop("validate")
            _original = _original_save = None
        _cache.clear()
        _scratch.clear()


def clear() -> None:
    """Forget the composed shapes (at the start of a multirun: the config files, the
    ConfigStore or the environment may have changed since the last one)."""
    with _lock:
        _cache.clear()
        _scratch.clear()


_originals: dict = {}
#: per shape, the config the validation applies plain values to (then thrown away)
_scratch: dict = {}
_validating = threading.local()


def validate_batch_is_legal(self, batch) -> None:
    """``Sweeper.validate_batch_is_legal`` with the scratch copies (module docstring)."""
    _validating.on = True
    try:
        _originals["validate"](self, batch)
    finally:
        _validating.on = False


_original_save = None
_DUMPER = None


def to_yaml(cfg) -> str:
    """``OmegaConf.to_yaml(cfg)``: the same text, through PyYAML's C emitter when PyYAML
    has one (else OmegaConf's own function)."""
    global _DUMPER
    import yaml
    from omegaconf import OmegaConf

    if not hasattr(yaml, "CDumper"):
        return OmegaConf.to_yaml(cfg)
    if _DUMPER is None:
        from omegaconf._utils import OmegaConfDumper

        class _CDumper(yaml.CDumper):
            """PyYAML's C dumper with OmegaConf's representer of strings."""

        _CDumper.add_representer(str, OmegaConfDumper.str_representer)
        _DUMPER = _CDumper
    data = OmegaConf.to_container(cfg, resolve=False, enum_to_str=True)
    return yaml.dump(
        data, default_flow_style=False, allow_unicode=True, sort_keys=False, Dumper=_DUMPER
    )


def _save_config(cfg, filename: str, output_dir) -> None:
    """``hydra.core.utils._save_config`` through :func:`to_yaml`."""
    output_dir.mkdir(parents=True, exist_ok=True)
    with open(str(output_dir / filename), "w", encoding="utf-8") as file:
        file.write(to_yaml(cfg))


def _is_value(loader, ov) -> bool:
    """Whether an override only sets a value (no group choice, no Hydra setting, no
    addition or deletion): the kind a copy of a composed config can take."""
    if ov.is_hydra_override() or ov.is_add() or ov.is_delete() or ov.is_force_add():
        return False
    if ov.package is not None or ov.is_sweep_override():
        return False
    # a key that names a config group chooses an option of it (Hydra's defaults list)
    return not loader.repository.group_exists(ov.key_or_group)


def _edits_config(loader, ov) -> bool:
    """Whether an override adds or deletes a config key (``+a.b=1``, ``~a.b``), as
    opposed to choosing a config group's option (``+experiment=smoke``)."""
    if not (ov.is_add() or ov.is_delete() or ov.is_force_add()):
        return False
    return ov.is_hydra_override() is False and not loader.repository.group_exists(ov.key_or_group)


def _keep(cfg):
    """A composed config kept as a template: pickled (a copy then costs a third of a
    deepcopy), or a deep copy when it does not pickle (a process where Hydra has
    re-imported its plug-ins, as submitit's tasks do, holds two classes of one name)."""
    try:
        return pickle.dumps(cfg, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return copy.deepcopy(cfg)


def _copy(template):
    """A fresh config from a template of :func:`_keep`."""
    if isinstance(template, bytes):
        return pickle.loads(template)
    return copy.deepcopy(template)


def load_sweep_config(self, master_config, sweep_overrides):
    """``ConfigLoaderImpl.load_sweep_config``, composing once per shape of overrides."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf, open_dict

    parsed = OverridesParser.create().parse_overrides(list(sweep_overrides))
    if any(_edits_config(self, ov) for ov in parsed):
        # a key added or deleted in the config: Hydra applies it in order with the
        # values, so the job is composed by Hydra, whole
        return _original(self, master_config, sweep_overrides)
    is_value = [_is_value(self, ov) for ov in parsed]
    values = [ov for ov, v in zip(parsed, is_value, strict=True) if v]
    others = [ov.input_line for ov, v in zip(parsed, is_value, strict=True) if not v]
    shape = (
        # the loader's search path, not the loader: a Ray task gets its own copy of it
        str(self.config_search_path),
        master_config.hydra.job.config_name,
        tuple(OmegaConf.to_container(master_config.hydra.overrides.hydra)),
        tuple(others),
    )
    with _lock:
        template = _cache.get(shape)
        if template is not None:
            _cache.move_to_end(shape)
    if template is None:
        # Hydra's own composition of the shape: the job's overrides without its values
        composed = _original(self, master_config, others)
        template = _keep(composed)
        with _lock:
            _cache[shape] = template
            while len(_cache) > MAX_SHAPES:
                _cache.popitem(last=False)
    if getattr(_validating, "on", False) and not any(isinstance(ov.value(), dict) for ov in values):
        # only checked, then thrown away: plain values set, whatever was there before
        with _lock:
            scratch = _scratch.get(shape)
            if scratch is None:
                scratch = _scratch[shape] = _copy(template)
        ConfigLoaderImpl._apply_overrides_to_config(values, scratch)
        return scratch
    cfg = _copy(template)
    ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
    # what Hydra derives from the job's own overrides (_load_configuration_impl)
    app = [ov for ov in parsed if not ov.is_hydra_override()]
    dirname = cfg.hydra.job.config.override_dirname
    with open_dict(cfg.hydra):
        cfg.hydra.overrides.task = [ov.input_line for ov in app]
        cfg.hydra.job.override_dirname = get_overrides_dirname(
            overrides=app,
            kv_sep=dirname.kv_sep,
            item_sep=dirname.item_sep,
            exclude_keys=dirname.exclude_keys,
        )
    OmegaConf.copy_cache(from_config=master_config, to_config=cfg)
    return cfg
