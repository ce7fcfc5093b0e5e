"""Parameters that carry their own metadata: range, unit, meaning, slider.

Every tunable number of cogov-sim is a dataclass field made with :func:`param`.
Its metadata drives range validation (:mod:`cogov_sim.core.checks`), the
parameter table of ``docs/ODD.md`` (:mod:`cogov_sim.docgen.params`), ``--help`` and
the teaching app's sliders, so that a parameter is described in one place,
beside the code that uses it. A mechanism's parameters are a ``Params``
dataclass in the mechanism's own module.

This module imports nothing from cogov-sim but the error type.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

INF = math.inf


def param(
    default,
    lo: float,
    hi: float,
    allowed: str,
    meaning: str,
    *,
    unit: str = "",
    slider: tuple[float, float, float] | None = None,
    label: tuple[str, str] | None = None,
):
    """A dataclass field with its allowed range and documentation.

    Args:
        default: the default value.
        lo, hi: the allowed closed range (validated before a run).
        allowed: the range in words, as error messages and docs show it.
        meaning: what the parameter is, one line.
        unit: its unit (``h``, ``days``, ``share``, ``yuan`` ...), or empty.
        slider: ``(lo, hi, step)`` of the teaching app's slider, when the app offers one;
            it must lie inside ``[lo, hi]``.
        label: ``(English, Chinese)`` label of the slider.
    """
    md = {"lo": lo, "hi": hi, "allowed": allowed, "meaning": meaning, "unit": unit}
    if slider is not None:
        md["slider"] = tuple(slider)
    if label is not None:
        md["label"] = tuple(label)
    return field(default=default, metadata=md)


# The common kinds of parameter, each with its range stated once: the allowed text
# (error messages, docs, --help) is derived from the range, never restated by hand.


def share(default, meaning: str, *, unit: str = "share", **kw):
    """A probability or share, in [0, 1]."""
    return param(default, 0.0, 1.0, "a probability or share in [0, 1]", meaning, unit=unit, **kw)


def hours(default, meaning: str, *, hi: float = 10000.0, **kw):
    """A non-negative number of hours (at most ``hi``)."""
    return param(default, 0.0, hi, "a non-negative number of hours", meaning, unit="h", **kw)


def factor(default, meaning: str, *, hi: float = 100.0, unit: str = "×", **kw):
    """A non-negative multiplier, in [0, hi]."""
    return param(default, 0.0, hi, f"a factor in [0, {hi:g}]", meaning, unit=unit, **kw)


def days(default, meaning: str, *, lo: int = 1, hi: int = 10000, **kw):
    """A whole number of days, in [lo, hi]."""
    allowed = f"an integer number of days in [{lo}, {hi}]"
    return param(default, lo, hi, allowed, meaning, unit="days", **kw)


def integer(default, lo: int, hi: int, meaning: str, **kw):
    """A whole number in [lo, hi]."""
    return param(default, lo, hi, f"an integer in [{lo}, {hi}]", meaning, **kw)


def yuan(default, meaning: str, *, hi: float = 1000000.0, **kw):
    """A non-negative amount of money (yuan)."""
    return param(default, 0.0, hi, "a non-negative amount of yuan", meaning, unit="yuan", **kw)


def wage(default, meaning: str, *, hi: float = 1000000.0, **kw):
    """A non-negative wage, yuan per hour."""
    allowed = "a non-negative wage (yuan per hour)"
    return param(default, 0.0, hi, allowed, meaning, unit="yuan", **kw)


@dataclass(frozen=True)
class ParamInfo:
    """The metadata of one parameter (a field made with :func:`param`)."""

    name: str
    type: type
    default: object
    lo: float
    hi: float
    allowed: str
    meaning: str
    unit: str = ""
    slider: tuple[float, float, float] | None = None
    label: tuple[str, str] | None = None

    def check(self, value) -> bool:
        """True when ``value`` lies in the allowed range."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if isinstance(value, float) and math.isnan(value):
            return False
        return self.lo <= value <= self.hi


def _type_of(f: dataclasses.Field) -> type:
    t = f.type
    if isinstance(t, str):
        t = {"int": int, "float": float, "bool": bool, "str": str}.get(t, object)
    return t


def param_infos(cls) -> dict[str, ParamInfo]:
    """The :class:`ParamInfo` of every field of dataclass ``cls`` made with :func:`param`."""
    out = {}
    for f in dataclasses.fields(cls):
        md = f.metadata
        if "lo" not in md:
            continue
        out[f.name] = ParamInfo(
            name=f.name,
            type=_type_of(f),
            default=f.default,
            lo=md["lo"],
            hi=md["hi"],
            allowed=md["allowed"],
            meaning=md["meaning"],
            unit=md.get("unit", ""),
            slider=md.get("slider"),
            label=md.get("label"),
        )
    return out


def freeze(obj) -> None:
    """Make a tree of config dataclasses read-only (see :class:`Frozen`)."""
    if isinstance(obj, Frozen):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, list):
                object.__setattr__(obj, f.name, tuple(value))
            freeze(value)
        object.__setattr__(obj, "_frozen", True)
    elif isinstance(obj, dict):
        for v in obj.values():
            freeze(v)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            freeze(getattr(obj, f.name))


class Frozen:
    """Mixin of config dataclasses: after :func:`freeze`, any attribute write raises.

    The config a model runs is the config that was validated, saved and hashed:
    run-time actor parameters live in the actor sets, never in the config.
    """

    _frozen = False

    def __setattr__(self, name, value):
        if self._frozen:
            raise AttributeError(
                f"the configuration is frozen: cannot set '{name}' of "
                f"{type(self).__name__} (change an actor set's field instead)"
            )
        object.__setattr__(self, name, value)
