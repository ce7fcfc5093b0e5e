"""Registry of policy mechanisms: config name -> class (in brief section 6 order)."""

from __future__ import annotations

from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.mechanisms.deliberation import Deliberation
from cogov_sim.mechanisms.dual_registration import DualRegistration
from cogov_sim.mechanisms.emergency import Emergency
from cogov_sim.mechanisms.household_linkage import HouseholdLinkage
from cogov_sim.mechanisms.integrated_grid import IntegratedGrid
from cogov_sim.mechanisms.legal_mediators import LegalMediators
from cogov_sim.mechanisms.performance_review import PerformanceReview
from cogov_sim.mechanisms.points_incentive import PointsIncentive
from cogov_sim.mechanisms.professional_workers import ProfessionalWorkers
from cogov_sim.mechanisms.red_property import RedProperty
from cogov_sim.mechanisms.risk_grading import RiskGrading
from cogov_sim.mechanisms.smart_dispatch import SmartDispatch
from cogov_sim.mechanisms.social_linkage import SocialLinkage
from cogov_sim.mechanisms.triage import Triage
from cogov_sim.mechanisms.whistle_response import WhistleResponse

MECHANISMS: dict[str, type[Mechanism]] = {
    cls.name: cls
    for cls in (
        IntegratedGrid,
        WhistleResponse,
        DualRegistration,
        HouseholdLinkage,
        RedProperty,
        PointsIncentive,
        Deliberation,
        Triage,
        SmartDispatch,
        LegalMediators,
        SocialLinkage,
        RiskGrading,
        ProfessionalWorkers,
        PerformanceReview,
        Emergency,
    )
}

#: The full policy package: every mechanism except the emergency scenario.
FULL_PACKAGE: list[str] = [name for name in MECHANISMS if name != "emergency"]


def build_mechanisms(cfg) -> list[Mechanism]:
    """Instantiate the mechanisms named in ``cfg.mechanisms``, in that order."""
    return [MECHANISMS[name](getattr(cfg.mechanism_params, name)) for name in cfg.mechanisms]


__all__ = ["FULL_PACKAGE", "MECHANISMS", "Mechanism", "build_mechanisms"]
