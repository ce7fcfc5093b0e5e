"""Mesa's model, agent, data-collector and grid classes, without the rest of Mesa.

``import mesa`` runs Mesa's package ``__init__``, which imports every part of Mesa:
the experimental continuous space (SciPy's spatial module), the network space
(networkx), the batch runner and more, about 0.3 s of a process's start that a model
run never uses (``benchmarks/bench_startup.py``). Until something else imports Mesa,
this module registers the ``mesa`` package without running its ``__init__`` and imports
only the submodules the model needs. The package completes itself (runs its
``__init__``) the first time any other name of it is asked for, so ``import mesa;
mesa.batch_run``, ``mesa.__version__`` and ``from mesa.visualization import
SolaraViz`` work as ever.
"""

from __future__ import annotations

import importlib.util
import sys
import threading

_lock = threading.RLock()


def _lean_package() -> None:
    """Register ``mesa`` without running its ``__init__`` (unless already imported)."""
    with _lock:
        if "mesa" in sys.modules:
            return
        spec = importlib.util.find_spec("mesa")
        if spec is None or spec.loader is None:
            raise ImportError("No module named 'mesa' (pip install mesa)")
        package = importlib.util.module_from_spec(spec)

        def complete(name: str):
            """Run Mesa's ``__init__`` in the package, then answer from it."""
            with _lock:
                if package.__dict__.get("__getattr__") is complete:
                    del package.__dict__["__getattr__"]
                    try:
                        spec.loader.exec_module(package)
                    except BaseException:
                        package.__getattr__ = complete  # the next look tries again
                        raise
            try:
                return package.__dict__[name]
            except KeyError:
                raise AttributeError(f"module 'mesa' has no attribute {name!r}") from None

        package.__getattr__ = complete
        sys.modules["mesa"] = package


_lean_package()

from mesa.agent import Agent  # noqa: E402
from mesa.datacollection import DataCollector  # noqa: E402
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid  # noqa: E402
from mesa.model import Model  # noqa: E402

__all__ = ["Agent", "CellAgent", "DataCollector", "Model", "OrthogonalMooreGrid"]
