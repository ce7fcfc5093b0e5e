"""Where mechanisms are found: built in, installed plug-ins, or an import path.

A mechanism is named in ``mechanisms=[...]`` by

- its ``name`` when it is built in (``cogov_sim/core/mechanisms/<name>.py``) or
  registered by an installed package under the entry-point group
  ``cogov_sim.mechanisms`` (``name = "package.module:Class"``);
- an import path ``package.module:Class`` otherwise.

Its parameters are then set under ``mechanism_params.<Class.name>``. See
``docs/extending.md``.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import warnings
from functools import cache

from cogov_sim.core.errors import ConfigError
from cogov_sim.core.mechanisms.base import Mechanism

ENTRY_POINT_GROUP = "cogov_sim.mechanisms"

#: The built-in catalogue, in the order of the brief (section 6).
BUILTIN_MODULES = (
    "integrated_grid",
    "whistle_response",
    "dual_registration",
    "household_linkage",
    "red_property",
    "points_incentive",
    "deliberation",
    "triage",
    "smart_dispatch",
    "legal_mediators",
    "social_linkage",
    "risk_grading",
    "professional_workers",
    "performance_review",
    "closed_loop",
    "emergency",
)

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_class(cls, spec: str = "") -> type:
    """Check that ``cls`` is a usable mechanism class; return it."""
    where = f" ({spec})" if spec else ""
    if not (isinstance(cls, type) and issubclass(cls, Mechanism)):
        raise ConfigError(
            "mechanisms", "a subclass of cogov_sim.core.mechanisms.Mechanism", f"{cls!r}{where}"
        )
    if not _NAME.match(cls.name or ""):
        raise ConfigError(
            "mechanisms",
            "a mechanism class whose 'name' is a lower-case identifier",
            f"{cls.__name__}.name={cls.name!r}{where}",
        )
    if not dataclasses.is_dataclass(cls.Params):
        raise ConfigError(
            "mechanisms", "a mechanism class whose 'Params' is a dataclass", f"{cls.__name__}"
        )
    return cls


def _classes_in(module) -> list[type]:
    return [
        v
        for v in vars(module).values()
        if isinstance(v, type)
        and issubclass(v, Mechanism)
        and v is not Mechanism
        and v.__module__ == module.__name__
    ]


@cache
def builtin() -> dict[str, type]:
    """The built-in mechanisms, name -> class, in catalogue order."""
    out = {}
    for mod in BUILTIN_MODULES:
        (cls,) = _classes_in(importlib.import_module(f"cogov_sim.core.mechanisms.{mod}"))
        out[cls.name] = cls
    return out


@cache
def plugins() -> dict[str, type]:
    """Mechanisms registered by installed packages (entry-point group
    ``cogov_sim.mechanisms``).

    A plug-in that fails to load is skipped with a warning naming it.
    """
    from importlib.metadata import entry_points

    out = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = check_class(ep.load(), ep.value)
        except Exception as exc:  # a broken plug-in must not break the tool
            warnings.warn(
                f"cogov-sim: mechanism plug-in {ep.name!r} ({ep.value}) not loaded: {exc}",
                stacklevel=2,
            )
            continue
        if cls.name in builtin():
            warnings.warn(
                f"cogov-sim: plug-in {ep.value} uses the built-in name {cls.name!r}; skipped",
                stacklevel=2,
            )
            continue
        out[cls.name] = cls
    return out


def known() -> dict[str, type]:
    """Built-in and installed mechanisms, name -> class."""
    return {**builtin(), **plugins()}


def _known_text() -> str:
    return (
        "a list of known mechanisms: "
        + ", ".join(known())
        + (", or import paths 'package.module:Class'")
    )


@cache
def _import(spec: str) -> type:
    module, _, attr = spec.partition(":")
    try:
        obj = importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError("mechanisms", _known_text(), f"{spec} ({exc})") from None
    for part in attr.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise ConfigError(
                "mechanisms", _known_text(), f"{spec} (no '{attr}' in {module})"
            ) from None
    cls = check_class(obj, spec)
    taken = known().get(cls.name)
    if taken is not None and taken is not cls:
        # its parameters would be read from the other mechanism's section
        raise ConfigError(
            "mechanisms",
            f"a mechanism whose name is not already taken ({cls.name!r} is "
            f"{taken.__module__}:{taken.__qualname__}); give {cls.__qualname__} a name of "
            "its own",
            spec,
        )
    return cls


def resolve(spec: str) -> type:
    """The mechanism class named by ``spec`` (a known name or ``package.module:Class``).

    Raises:
        ConfigError: unknown name, or an import path that does not load a mechanism.
    """
    spec = str(spec)
    cls = known().get(spec)
    if cls is not None:
        return cls
    if ":" in spec:
        return _import(spec)
    raise ConfigError("mechanisms", _known_text(), spec)
