"""Parameter spaces for sensitivity analysis and calibration, read from YAML.

A space file declares ``parameters`` (config keys with ``low`` and ``high``),
the ``outcomes`` to analyse and fixed ``overrides`` for every run (see
``analysis/space_default.yaml``). :func:`load_space` checks every entry and
fails with a message naming it: an unknown key, a key whose value is not a
number, bounds that are not numbers, ``low >= high``, a range outside what the
key allows, an unknown outcome.
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


def parse_parameter(e, where: str, schema=None) -> Parameter:
    """One ``{name, low, high}`` entry, checked against the config: the key exists, is
    a number, and both bounds are allowed values (``where`` prefixes the message)."""
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
    return Parameter(name, low, high, integer)


def load_space(path: str | os.PathLike) -> Space:

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
