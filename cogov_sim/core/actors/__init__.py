"""Actor sets: each kind of actor owns its arrays and its vectorised behaviour.

- :class:`Residents` — households: satisfaction, trust, participation, feedback;
- :class:`GridWorkers` — patrol and find issues;
- :class:`PropertyFirms` — quality, property satisfaction, fees;
- :class:`PartyBranches`, :class:`NGOs`, :class:`Departments`,
  :class:`Mediators`, :class:`Parties` — handler groups;
- :class:`Handlers` — the capacity of every handler in one index space, and the
  performance review.

Mesa agent objects (:mod:`cogov_sim.core.agents`) are views onto these sets.
"""

from cogov_sim.core.actors.community import Departments, Mediators, NGOs, Parties, PartyBranches
from cogov_sim.core.actors.firms import PropertyFirms
from cogov_sim.core.actors.handlers import KIND_OF_GROUP, HandlerGroup, Handlers, ReviewRule
from cogov_sim.core.actors.residents import NEVER, Residents
from cogov_sim.core.actors.workers import GridWorkers

__all__ = [
    "KIND_OF_GROUP",
    "NEVER",
    "NGOs",
    "Departments",
    "GridWorkers",
    "HandlerGroup",
    "Handlers",
    "Mediators",
    "Parties",
    "PartyBranches",
    "PropertyFirms",
    "Residents",
    "ReviewRule",
]
