"""cogov-sim: an agent-based simulator of multi-actor co-governance in Chinese
grassroots (community) governance, on Mesa and Hydra."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["CoGovModel", "__version__", "simulate"]


def __getattr__(name):
    # Lazy imports keep `import cogov_sim` (and `cogov-sim --help`) fast.
    if name == "CoGovModel":
        from cogov_sim.model import CoGovModel

        return CoGovModel
    if name == "simulate":
        from cogov_sim.api import simulate

        return simulate
    raise AttributeError(name)
