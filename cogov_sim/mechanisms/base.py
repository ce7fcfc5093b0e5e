"""The plug-in interface of policy mechanisms.

A mechanism is an object with hooks named after the phases of
:meth:`cogov_sim.model.CoGovModel.step`. The model calls each active
mechanism's hook at that phase, in the order the mechanisms are listed in the
config. A mechanism changes actors (their hours, skill, quality, oversight),
routing rules or the handling of particular issues; it never writes an outcome.
In ``setup`` it may change the model's own copy of actor parameters
(``model.cfg.workers`` etc.) and the handler arrays.
Every hook defaults to doing nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from cogov_sim.model import CoGovModel


class Mechanism:
    """Base class. Subclasses set ``name``, ``title_zh``, ``title_en`` and ``pattern``."""

    name: ClassVar[str] = ""
    title_zh: ClassVar[str] = ""
    title_en: ClassVar[str] = ""
    #: id of the pattern in ``cogov_sim/data/patterns.yaml`` it is calibrated to
    pattern: ClassVar[str] = ""
    #: expected effect, one or two sentences (docs/mechanisms.md)
    expected: ClassVar[str] = ""
    #: known limitations (docs/mechanisms.md)
    limitations: ClassVar[str] = ""

    def __init__(self, params) -> None:
        self.params = params

    def setup(self, model: CoGovModel) -> None:
        """After the world and actors are built, before the first step."""

    def begin_step(self, model: CoGovModel) -> None:
        """At the start of each day."""

    def patrol_targets(self, model: CoGovModel, per_zone: int) -> np.ndarray | None:
        """Households to patrol today beyond the uniform draws (``per_zone`` visits per zone)."""
        return None

    def discover(self, model: CoGovModel, ids: np.ndarray) -> None:
        """May discover and report some of the still latent issues ``ids``."""

    def route(
        self, model: CoGovModel, ids: np.ndarray, kind: np.ndarray, target: np.ndarray
    ) -> None:
        """Triage: may change the handler kind and index of issues ``ids`` in place."""

    def after_dispatch(self, model: CoGovModel, ids: np.ndarray) -> None:
        """After issues ``ids`` were assigned to handlers today."""

    def after_handle(self, model: CoGovModel) -> None:
        """After handling; ``model.closed_today`` holds the issues closed so far today."""

    def monthly(self, model: CoGovModel) -> None:
        """Before the monthly billing and property-firm review."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params})"
