"""Registry of policy mechanisms: config name -> class."""

from __future__ import annotations

from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.mechanisms.integrated_grid import IntegratedGrid
from cogov_sim.mechanisms.red_property import RedProperty
from cogov_sim.mechanisms.whistle_response import WhistleResponse

MECHANISMS: dict[str, type[Mechanism]] = {
    cls.name: cls for cls in (IntegratedGrid, WhistleResponse, RedProperty)
}


def build_mechanisms(cfg) -> list[Mechanism]:
    """Instantiate the mechanisms named in ``cfg.mechanisms``, in that order."""
    out = []
    for name in cfg.mechanisms:
        cls = MECHANISMS[name]
        out.append(cls(getattr(cfg.mechanism_params, name)))
    return out


__all__ = ["MECHANISMS", "Mechanism", "build_mechanisms"]
