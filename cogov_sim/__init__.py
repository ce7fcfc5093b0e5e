"""cogov-sim: an agent-based simulator of multi-actor co-governance in Chinese
grassroots (community) governance, on Mesa and Hydra."""

from __future__ import annotations

from cogov_sim._version import __version__

__all__ = ["CoGovModel", "ConfigError", "Mechanism", "__version__", "param", "simulate"]


def __getattr__(name):
    # Lazy imports keep `import cogov_sim` (and `cogov-sim --help`) fast.
    if name == "CoGovModel":
        from cogov_sim.core.model import CoGovModel

        return CoGovModel
    if name == "simulate":
        from cogov_sim.frontends.api import simulate

        return simulate
    if name == "ConfigError":
        from cogov_sim.core.errors import ConfigError

        return ConfigError
    if name == "Mechanism":
        from cogov_sim.core.mechanisms.base import Mechanism

        return Mechanism
    if name == "param":
        from cogov_sim.core.params import param

        return param
    raise AttributeError(name)
