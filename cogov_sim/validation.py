"""Range checks of a composed configuration, run before anything is built or written.

Hydra's structured configs already reject a wrong type or an unknown key at
composition time. Here every value is checked against its allowed range, and
cross-key constraints (households per zone against the size of the world,
mechanism names against the registry) are checked, so that a bad input fails
with one message that names the key, the value and what is allowed.
"""

from __future__ import annotations

import math
from fnmatch import fnmatch

from omegaconf import DictConfig, ListConfig

from cogov_sim.issues import ISSUE_KEYS

INF = math.inf


class ConfigError(ValueError):
    """A configuration value is invalid. The message names the key and the allowed values."""

    def __init__(self, key: str, allowed: str, value: object = None, unknown: bool = False):
        self.key = key
        self.allowed = allowed
        self.value = value
        if unknown:
            msg = f"unknown configuration key '{key}' (allowed: {allowed})"
        else:
            msg = f"invalid value for '{key}': {value!r} (allowed: {allowed})"
        super().__init__(msg)

    @classmethod
    def from_omegaconf(cls, exc: Exception) -> ConfigError:
        from omegaconf.errors import ConfigAttributeError, ConfigKeyError

        key = getattr(exc, "full_key", None) or "?"
        if isinstance(exc, (ConfigKeyError, ConfigAttributeError)):
            return cls(key, _allowed_keys(key), unknown=True)
        text = str(exc).split("\n")[0]
        err = cls(key, text)
        err.args = (f"invalid configuration at '{key}': {text}",)
        return err


def _allowed_keys(key: str) -> str:
    """The keys the schema allows beside ``key``."""
    from cogov_sim.config import default_config

    parent = key.rsplit(".", 1)[0] if "." in key else ""
    node = default_config()
    for part in [p for p in parent.split(".") if p]:
        if not isinstance(node, DictConfig) or part not in node:
            node = None
            break
        node = node[part]
    if isinstance(node, DictConfig):
        where = f"under '{parent}'" if parent else "at the top level"
        return f"keys {where}: " + ", ".join(str(k) for k in node.keys())
    return "a key of the schema in cogov_sim/config.py"


# (pattern on the dotted key, low, high, description). First match wins.
_RANGES: list[tuple[str, float, float, str]] = [
    ("seed", 0, 2**32 - 1, "an integer in [0, 4294967295]"),
    ("sample.index", -1, 10**9, "a row of the samples file (-1: none)"),
    ("steps", 1, 100_000, "an integer in [1, 100000] (days)"),
    ("world.width", 3, 5000, "an integer in [3, 5000]"),
    ("world.height", 3, 5000, "an integer in [3, 5000]"),
    ("world.density", 0.01, 1.0, "a share in [0.01, 1]"),
    ("world.households_per_zone", 10, 100_000, "an integer in [10, 100000]"),
    ("world.zones_per_community", 1, 10_000, "an integer >= 1"),
    ("world.compound_size", 1, 5000, "an integer >= 1"),
    ("world.compounds_per_firm", 1, 10_000, "an integer >= 1"),
    ("world.n_departments", 7, 7, "7 (the silos: one per issue-owning department)"),
    ("issues.*.rate", 0.0, 365.0, "a rate per household per year in [0, 365]"),
    ("issues.*.severity_a", 0.05, 100.0, "a Beta shape in [0.05, 100]"),
    ("issues.*.severity_b", 0.05, 100.0, "a Beta shape in [0.05, 100]"),
    ("issues.*.home_department", 0, 6, "a department index in [0, 6]"),
    ("issues.*.difficulty", 0.0, 10.0, "a difficulty factor in [0, 10]"),
    ("issues.max_attempts", 1, 100, "an integer in [1, 100]"),
    ("issues.hours_noise", 0.0, 3.0, "a lognormal sigma in [0, 3]"),
    ("*.criminal_threshold", 0.0, 1.0, "a severity in [0, 1]"),
    ("*.petition_after", 1, 1000, "an integer >= 1"),
    ("*.start_day", 0, 100_000, "a day index in [0, 100000]"),
    ("*_days", 1, 10_000, "an integer number of days in [1, 10000]"),
    ("*.households_per_member", 1, 100, "an integer number of households in [1, 100]"),
    ("*.mediators_per_community", 1, 100, "an integer in [1, 100]"),
    ("*.participants_radius", 0, 10, "an integer radius in [0, 10]"),
    ("*.neighbourhood", 0, 10, "an integer radius in [0, 10]"),
    ("*.visits_per_week", 0.0, 7.0, "visits per week in [0, 7]"),
    ("*.points_value", 0.0, 100.0, "a logit value in [0, 100]"),
    ("*.points_per_activity", 0.0, 1e6, "a non-negative number of points"),
    ("*.yuan_per_*", 0.0, 1e6, "a non-negative amount of yuan"),
    ("*.report_boost", 0.0, 10.0, "a relative boost in [0, 10]"),
    ("*.whistles_per_day", 0, 100_000, "an integer >= 0"),
    ("*.concentration", 0.5, 1000.0, "a Beta concentration in [0.5, 1000]"),
    ("*_factor", 0.0, 100.0, "a factor in [0, 100]"),
    ("*.max_effort_change", 0.0, 0.9, "a share in [0, 0.9]"),
    ("*worsen_per_day", 0.0, 1.0, "a severity increment per day in [0, 1]"),
    ("*growth_per_day", 0.0, 1.0, "a severity increment per day in [0, 1]"),
    ("*hours*", 0.0, 10_000.0, "a non-negative number of hours"),
    ("*cells_per_patrol_hour", 0.0, 10_000.0, "a non-negative number"),
    ("participation.*", -100.0, 100.0, "a logistic coefficient in [-100, 100]"),
    ("firms.fee_slope", 0.0, 100.0, "a slope in [0, 100]"),
    ("firms.income_effect", 0.0, 10.0, "a number in [0, 10]"),
    ("*.effort_gain", 0.0, 10.0, "a number in [0, 10]"),
    ("outcomes.wage_*", 0.0, 1e6, "a non-negative wage (yuan per hour)"),
    ("outcomes.weight_*", 0.0, 1.0, "a weight in [0, 1]"),
    ("review.weight_*", 0.0, 1.0, "a weight in [0, 1]"),
    # Everything else that is a number is a probability, share, rate of
    # adjustment, quality or skill: [0, 1].
    ("*", 0.0, 1.0, "a probability or share in [0, 1]"),
]


def _leaves(node, prefix=""):
    if isinstance(node, DictConfig):
        for k in node.keys():
            yield from _leaves(node._get_node(k), f"{prefix}{k}.")
    else:
        yield prefix[:-1], node


def validate(cfg: DictConfig) -> None:
    """Check every value of a composed config against its allowed range.

    Raises:
        ConfigError: the first bad value, with its key and allowed range.
    """
    from cogov_sim.mechanisms import MECHANISMS

    for key, node in _leaves(cfg):
        if key.startswith(("output.", "hydra")) or key in ("world.name", "mechanisms"):
            continue
        value = node._value() if hasattr(node, "_value") else node
        if isinstance(node, ListConfig) or isinstance(value, (list, ListConfig)):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        for pattern, lo, hi, desc in _RANGES:
            if fnmatch(key, pattern):
                if not (lo <= value <= hi) or (isinstance(value, float) and math.isnan(value)):
                    raise ConfigError(key, desc, value)
                break

    names = list(cfg.mechanisms)
    for name in names:
        if name not in MECHANISMS:
            raise ConfigError(
                "mechanisms", "a list of known mechanisms: " + ", ".join(MECHANISMS), name
            )
    if len(set(names)) != len(names):
        raise ConfigError("mechanisms", "each mechanism at most once", names)
    for t in cfg.workers.remit:
        if t not in ISSUE_KEYS:
            raise ConfigError("workers.remit", "issue types: " + ", ".join(ISSUE_KEYS), t)

    out = cfg.output
    if out.animation not in ("none", "gif", "mp4"):
        raise ConfigError("output.animation", "none, gif or mp4", out.animation)
    if not 1 <= out.animation_every <= 100_000:
        raise ConfigError(
            "output.animation_every", "an integer in [1, 100000] (days)", out.animation_every
        )
    if not 1 <= out.animation_fps <= 60:
        raise ConfigError("output.animation_fps", "an integer in [1, 60]", out.animation_fps)
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
