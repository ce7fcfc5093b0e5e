"""Policy mechanisms as plug-ins (see :mod:`cogov_sim.core.mechanisms.base` for the contract).

``MECHANISMS`` maps the config name of every built-in and installed mechanism
to its class, in catalogue order; :func:`resolve` also accepts an import path
``package.module:Class``.
"""

from __future__ import annotations

from cogov_sim.core.mechanisms.base import Mechanism, MechanismSet, Sightings
from cogov_sim.core.mechanisms.registry import builtin, known, resolve

MECHANISMS: dict[str, type[Mechanism]] = known()

#: The full policy package: every built-in mechanism that is a policy, not a scenario.
FULL_PACKAGE: list[str] = [name for name, cls in builtin().items() if not cls.scenario]


__all__ = [
    "FULL_PACKAGE",
    "MECHANISMS",
    "Mechanism",
    "MechanismSet",
    "Sightings",
    "known",
    "resolve",
]
