"""Range checks of a composed configuration, run before anything is built or written.

Hydra's structured configs already reject a wrong type or an unknown key at
composition time. Here every number is checked against the range its field
declares (:func:`cogov_sim.params.param` metadata, beside the field), and
cross-key constraints (households per zone against the size of the world,
mechanism names against the registry) are checked, so that a bad input fails
with one message that names the key, the value and what is allowed.
"""

from __future__ import annotations

import math

from omegaconf import DictConfig, ListConfig, OmegaConf

from cogov_sim.config import allowed_keys
from cogov_sim.errors import ConfigError
from cogov_sim.issues import ISSUE_KEYS
from cogov_sim.params import param_infos

__all__ = ["ConfigError", "allowed_keys", "iter_params", "validate"]


def iter_params(node: DictConfig, prefix: str = ""):
    """Yield ``(dotted key, ParamInfo, value)`` for every ranged number of a typed config."""
    cls = OmegaConf.get_type(node)
    infos = param_infos(cls) if cls is not None and cls is not dict else {}
    for k in node.keys():
        child = node._get_node(k)
        key = f"{prefix}{k}"
        if isinstance(child, DictConfig):
            yield from iter_params(child, key + ".")
        elif k in infos:
            yield key, infos[k], child._value()


def validate(cfg: DictConfig) -> None:
    """Check every value of a composed config against its allowed range.

    Raises:
        ConfigError: the first bad value, with its key and allowed range.
    """
    from cogov_sim.mechanisms.registry import resolve

    for key, info, value in iter_params(cfg):
        if not info.check(value):
            raise ConfigError(key, info.allowed, value)

    names = [str(n) for n in cfg.mechanisms]
    classes = [resolve(n) for n in names]
    if len({c.name for c in classes}) != len(classes):
        raise ConfigError("mechanisms", "each mechanism at most once", names)
    for cls in classes:
        if cls.name not in cfg.mechanism_params:
            raise ConfigError(
                f"mechanism_params.{cls.name}", "a section made by make_config", "missing"
            )
    for t in cfg.workers.remit:
        if t not in ISSUE_KEYS:
            raise ConfigError("workers.remit", "issue types: " + ", ".join(ISSUE_KEYS), t)
    if isinstance(cfg.mechanisms, ListConfig) is False and not isinstance(cfg.mechanisms, list):
        raise ConfigError("mechanisms", "a list of mechanism names", cfg.mechanisms)

    out = cfg.output
    if out.animation not in ("none", "gif", "mp4"):
        raise ConfigError("output.animation", "none, gif or mp4", out.animation)
    if out.animation_variable not in ("satisfaction", "trust", "participation"):
        raise ConfigError(
            "output.animation_variable",
            "satisfaction, trust or participation",
            out.animation_variable,
        )

    w = cfg.world
    expected = w.width * w.height * w.density
    if w.households_per_zone > expected:
        raise ConfigError(
            "world.households_per_zone",
            f"at most the world's expected households, width*height*density = {expected:.0f}",
            w.households_per_zone,
        )
    if cfg.workers.patrol_hours > cfg.workers.hours_per_day:
        raise ConfigError(
            "workers.patrol_hours",
            f"at most workers.hours_per_day = {cfg.workers.hours_per_day}",
            cfg.workers.patrol_hours,
        )
    total = sum(
        cfg.outcomes[k] for k in ("weight_satisfaction", "weight_disposal", "weight_innovation")
    )
    if total <= 0:
        raise ConfigError("outcomes.weight_*", "weights with a positive sum", total)
    for cls in classes:
        check = getattr(cls, "check_params", None)
        if check is not None:
            check(cfg.mechanism_params[cls.name])
    _ = math  # ranges use math.isnan through ParamInfo.check
