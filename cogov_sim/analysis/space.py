"""Parameter spaces for sensitivity analysis and calibration, read from YAML.

A space file declares ``parameters`` (config keys with ``low`` and ``high``),
the ``outcomes`` to analyse and fixed ``overrides`` for every run (see
``analysis/space_default.yaml``). :func:`load_space` checks every entry and
fails with a message naming it: an unknown key, a key whose value is not a
number, bounds that are not numbers, ``low >= high``, a range outside what the
key allows (its ``[lo, hi]`` in :func:`cogov_sim.core.params.param_infos`), a
range that leaves out the key's current default, an unknown outcome.

A range must contain the parameter's current default (the schema's value), so
that a space cannot silently go on exploring around a default that has since
moved (``departments.response_delay_hours`` was 168 h, then 4 h: a space over
72-240 h no longer varies the model around its default). A range that leaves
the default out on purpose says why, in the entry's ``default_outside``::

    - name: departments.response_delay_hours
      low: 72.0
      high: 240.0
      default_outside: "departments as slow as before version 0.3 (168 h)"
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cogov_sim.analysis.listfile import read_list_file


class SpaceError(ValueError):
    """A parameter-space file is invalid; the message names the entry."""


@dataclass
class Parameter:
    name: str
    low: float
    high: float
    integer: bool = False


@dataclass
class Space:
    parameters: list[Parameter]
    outcomes: list[str]
    overrides: list[str] = field(default_factory=list)
    path: str = ""

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def problem(self) -> dict:
        """The SALib problem dict."""
        return {
            "num_vars": len(self.parameters),
            "names": self.names,
            "bounds": [[p.low, p.high] for p in self.parameters],
        }

    def values(self, row) -> dict:
        """Dotted config values of one sample row (integers rounded)."""
        return {
            p.name: (int(round(float(v))) if p.integer else float(v))
            for p, v in zip(self.parameters, row, strict=True)
        }


def param_info(schema, name: str):
    """The :class:`~cogov_sim.core.params.ParamInfo` (allowed range, unit) of the dotted
    config key ``name``, or None when its field declares none."""
    from omegaconf import DictConfig, OmegaConf

    from cogov_sim.core.params import param_infos

    parent = schema
    *path, leaf = name.split(".")
    for part in path:
        if not isinstance(parent, DictConfig) or part not in parent:
            return None
        parent = parent._get_node(part)
    if not isinstance(parent, DictConfig):
        return None
    cls = OmegaConf.get_type(parent)
    if cls is None or cls is dict:
        return None
    return param_infos(cls).get(leaf)


def parse_parameter(e, where: str, schema=None) -> Parameter:
    """One ``{name, low, high[, default_outside]}`` entry, checked against the config:
    the key exists, is a number, the range lies within the key's allowed ``[lo, hi]``
    and both bounds are allowed values, and the range contains the key's current
    default unless ``default_outside`` says why it leaves it out (``where`` prefixes
    the message, e.g. ``"analysis/space.yaml: parameter #3"``)."""
    from omegaconf import OmegaConf

    from cogov_sim.core.checks import ConfigError, validate
    from cogov_sim.core.config import default_config

    schema = schema if schema is not None else default_config()
    if not isinstance(e, dict) or not isinstance(e.get("name"), str):
        raise SpaceError(f"{where}: expected 'name', 'low' and 'high'")
    name = e["name"]
    where = f"{where.rsplit(':', 1)[0]}: parameter '{name}'"
    current = OmegaConf.select(schema, name, default="__missing__")
    if current == "__missing__" or OmegaConf.is_config(current):
        raise SpaceError(f"{where}: unknown configuration key")
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise SpaceError(f"{where}: not a number (its value is {current!r})")
    bounds = []
    for b in ("low", "high"):
        v = e.get(b)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise SpaceError(f"{where}: '{b}' must be a number, not {v!r}")
        bounds.append(float(v))
    low, high = bounds
    if low >= high:
        raise SpaceError(f"{where}: low ({low:g}) must be below high ({high:g})")
    integer = isinstance(current, int)
    for v in (low, high):
        try:
            cfg = default_config()
            OmegaConf.update(cfg, name, int(round(v)) if integer else v)
            validate(cfg)
        except ConfigError as exc:
            raise SpaceError(f"{where}: bound {v:g} is out of range: {exc}") from None
    # (validate checks each bound; this names the allowed range of the whole)
    info = param_info(schema, name)
    unit = f" {info.unit}" if info is not None and info.unit else ""
    if info is not None and not (info.lo <= low and high <= info.hi):
        raise SpaceError(
            f"{where}: range [{low:g}, {high:g}]{unit} is not within the allowed "
            f"[{info.lo:g}, {info.hi:g}] ({info.allowed})"
        )
    reason = e.get("default_outside")
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        raise SpaceError(
            f"{where}: 'default_outside' must say why the range leaves the default out, "
            f"not {reason!r}"
        )
    contains = low <= current <= high
    if not contains and reason is None:
        raise SpaceError(
            f"{where}: range [{low:g}, {high:g}]{unit} does not contain its default "
            f"{current:g}{unit}: put the range around the default, or say why it leaves "
            f"it out in the entry's 'default_outside: <reason>'"
        )
    if contains and reason is not None:
        raise SpaceError(
            f"{where}: 'default_outside' is given, but the range [{low:g}, {high:g}]{unit} "
            f"contains the default {current:g}{unit}: remove it"
        )
    return Parameter(name, low, high, integer)


def load_space(path: str | os.PathLike) -> Space:
    """The parameter space of the YAML file ``path``, every entry checked.

    Raises:
        SpaceError: naming the file and the entry (and, for a range that leaves the
            default out, the range and the default).
    """
    from cogov_sim.core.config import default_config
    from cogov_sim.core.outcomes import SUMMARY_KEYS

    p, data, entries = read_list_file(path, "parameters", "parameter space", SpaceError)
    schema = default_config()
    params, seen = [], set()
    for i, e in enumerate(entries):
        par = parse_parameter(e, f"{p}: parameter #{i + 1}", schema)
        if par.name in seen:
            raise SpaceError(f"{p}: parameter '{par.name}': listed twice")
        seen.add(par.name)
        params.append(par)
    if not params:
        raise SpaceError(f"{p}: no parameters")
    outcomes = data.get("outcomes") or ["closure_rate"]
    for o in outcomes:
        if o not in SUMMARY_KEYS:
            raise SpaceError(f"{p}: outcome {o!r} is not a run outcome (e.g. closure_rate)")
    overrides = [str(x) for x in (data.get("overrides") or [])]
    return Space(params, list(outcomes), overrides, str(p))
