"""The six actor types as Mesa agents.

State shared by many agents lives in the actor sets' numpy arrays
(:mod:`cogov_sim.core.actors`: ``model.residents``, ``model.handlers``...), updated
in bulk by the sets' own methods and the phases of :mod:`cogov_sim.core.processes`.
Each agent object is a view onto its row: reading an attribute reads the
array, so agents, the data collector and the app always see the same state.
Residents and grid workers are ``CellAgent``s of ``model.grid`` (a Mesa
``OrthogonalMooreGrid``), built when the grid is first used.

- Resident (居民): a household in a cell; satisfaction, trust, civic
  propensity, legal literacy, party membership, vulnerability, points,
  recent participation.
- GridWorker (网格员): one per zone; patrols, finds and reports issues,
  handles small ones within its hours.
- PartyBranch (社区党委): one per community; whistles departments, takes
  collective decisions, mobilises volunteers.
- PropertyFirm (物业公司): serves compounds; quality, fees, handles
  property issues.
- NGO (社会组织): one per community; serves vulnerable residents' needs.
- Department (职能部门): non-spatial line departments, one per silo.
"""

from __future__ import annotations

import itertools
import weakref

import numpy as np

from cogov_sim.core._mesa import Agent, CellAgent

DEPARTMENT_NAMES = (
    "comprehensive governance",
    "urban management",
    "emergency management",
    "civil affairs",
    "housing",
    "market regulation",
    "health",
)


class _WeakIds(weakref.WeakKeyDictionary):
    """The per-model counters of agents' ``unique_id``, held weakly.

    Mesa 3.3's ``Agent._ids`` is a class-level ``defaultdict`` keyed by the model: it
    keeps every model ever built alive, with all its arrays (about 25 MB for a street
    year), in any long-lived process — a sweep's worker processes, the app's server.
    Our agents share this one instead: the same numbering, dropped with the model."""

    def __getitem__(self, model):
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


_AGENT_IDS = _WeakIds()


class Resident(CellAgent):
    """A household (居民户) in its cell of ``model.grid``: a view onto row ``idx`` of the
    residents' arrays (``agent.satisfaction``, ``agent.trust``...).

    Built with ``model.grid`` on first use; households do not move.
    """

    _ids = _AGENT_IDS

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    @property
    def pos(self) -> tuple[int, int]:
        w = self.model.world
        return int(w.x[self.idx]), int(w.y[self.idx])

    @pos.setter
    def pos(self, value) -> None:  # Mesa's Agent.__init__ sets pos = None; the lattice is fixed
        pass

    @property
    def zone(self) -> int:
        return int(self.model.world.zone[self.idx])

    def __getattr__(self, name):
        # Only called when normal lookup fails: read the resident arrays.
        if name in ("model", "idx") or not _is_resident_array(self, name):
            raise AttributeError(name)
        return getattr(self.model.residents, name)[self.idx].item()

    def __setattr__(self, name, value):
        # A resident's state lives in the model's arrays: a write here would change a
        # copy the model never reads, so it is refused rather than silently lost.
        if name not in ("model", "idx") and _is_resident_array(self, name):
            raise AttributeError(
                f"Resident.{name} is a read-only view onto model.residents.{name}[{self.idx}]: "
                "the model's processes change it, and a mechanism changes actors through "
                "the levers of docs/extending.md"
            )
        super().__setattr__(name, value)

    @property
    def is_party_member(self) -> bool:
        return bool(self.model.residents.party[self.idx])

    @property
    def is_vulnerable(self) -> bool:
        return bool(self.model.residents.vulnerable[self.idx])

    def participated_recently(self) -> bool:
        r = self.model.residents
        return bool(
            self.model.day - r.last_part[self.idx] < self.model.cfg.participation.window_days
        )


def _is_resident_array(agent, name: str) -> bool:
    model = agent.__dict__.get("model")
    if model is None or "idx" not in agent.__dict__:
        return False
    arr = getattr(model.residents, name, None)
    return isinstance(arr, np.ndarray) and arr.shape[:1] == (model.n_households,)


class _HandlerAgent(Agent):
    group = ""
    _ids = _AGENT_IDS

    def __init__(self, model, owner: int):
        super().__init__(model)
        self.owner = owner
        self.h = model.handlers.offset[self.group] + owner

    @property
    def hours_per_day(self) -> float:
        hs = self.model.handlers
        return float(hs.hours[self.h] * hs.effort[self.h] + hs.extra[self.h])

    @property
    def hours_used_today(self) -> float:
        return float(self.model.handlers.used_today[self.h])

    @property
    def skill(self) -> float:
        return float(self.model.handlers.skill[self.h])

    @property
    def review_score(self) -> float:
        return float(self.model.handlers.review_score[self.h])

    def open_issues(self) -> np.ndarray:
        """Ids of the open issues assigned to this handler."""
        iss = self.model.issues
        ids = self.model.open_ids
        return ids[(iss.handler[ids] == self.h) & (iss.state[ids] == 2)]


class GridWorker(_HandlerAgent, CellAgent):
    """网格员 of one zone; in ``model.grid`` at the cell nearest its households' centre."""

    group = "worker"

    @property
    def zone(self) -> int:
        return self.owner

    @property
    def pos(self) -> tuple[int, int]:
        """Centre of the zone's households."""
        w = self.model.world
        sl = w.zone_order[w.zone_start[self.owner] : w.zone_start[self.owner + 1]]
        if sl.size == 0:
            return (0, 0)
        return int(np.median(w.x[sl])), int(np.median(w.y[sl]))

    @pos.setter
    def pos(self, value) -> None:  # Mesa's Agent.__init__ sets pos = None
        pass


class PartyBranch(_HandlerAgent):
    """社区党委 of one community."""

    group = "party"

    @property
    def community(self) -> int:
        return self.owner


class PropertyFirm(_HandlerAgent):
    """物业公司 serving a few compounds."""

    group = "firm"

    @property
    def quality(self) -> float:
        return float(self.model.firms.quality[self.owner])

    @property
    def fee_collection_rate(self) -> float:
        firms = self.model.firms
        billed = firms.billed[self.owner]
        return float(firms.paid[self.owner] / billed) if billed else float("nan")


class NGO(_HandlerAgent):
    """社会组织 / 社工 serving one community."""

    group = "ngo"


class Department(_HandlerAgent):
    """职能部门 (non-spatial)."""

    group = "department"

    @property
    def title(self) -> str:
        deps = self.model.departments
        name = DEPARTMENT_NAMES[self.owner % deps.n_silos]
        streets = deps.n // deps.n_silos
        return name if streets == 1 else f"{name}, street {self.owner // deps.n_silos + 1}"
