"""CoGovModel: one street (街道) of multi-actor co-governance, on Mesa.

Process overview and scheduling (one step = one day; see docs/ODD.md):

    occur -> discover (patrol) -> dispatch -> handle -> escalate
          -> residents feel (feedback) -> firms serve (property market)
          -> handlers are reviewed -> residents participate -> collect

Each kind of actor is an actor set that owns its arrays and behaviour
(:mod:`cogov_sim.actors`): ``model.residents``, ``model.workers``,
``model.firms``, ``model.ngos``, ``model.party``, ``model.departments``, with
every handler's capacity in ``model.handlers``. Issues live in a columnar
``IssueTable`` and every state transition in the ``EventLog``. Mechanisms are
plug-ins called at named hooks (:mod:`cogov_sim.mechanisms.base`); the
model names none of them. All randomness comes from ``model.rng``, one numpy
Generator seeded from the config's ``seed``.

The lattice is a Mesa discrete space (``model.grid``, an
``OrthogonalMooreGrid``) holding one ``Resident`` agent per household and the
grid workers; it is built on first use, so that batch runs of a district do
not pay for 100,000 agent objects they never read.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cached_property, partial

import mesa
import numpy as np
from omegaconf import DictConfig, OmegaConf

from cogov_sim import outcomes
from cogov_sim.actors import (
    Departments,
    GridWorkers,
    Handlers,
    Mediators,
    NGOs,
    Parties,
    PartyBranches,
    PropertyFirms,
    Residents,
    ReviewRule,
)
from cogov_sim.agents import NGO, Department, GridWorker, PartyBranch, PropertyFirm, Resident
from cogov_sim.config import is_complete, make_config
from cogov_sim.issues import (
    EVENTS_PER_ISSUE,
    ISSUE_KEYS,
    LIGHT_TYPES,
    EventKind,
    EventLog,
    IssueState,
    IssueTable,
)
from cogov_sim.mechanisms.base import MechanismSet
from cogov_sim.mechanisms.registry import resolve
from cogov_sim.params import freeze
from cogov_sim.places import rate_factors
from cogov_sim.processes import discovery, dispatch, escalation, handling, occurrence
from cogov_sim.validation import validate
from cogov_sim.world import build_world


class Ledger:
    """Funds spent beyond handlers' wages (points, platforms, purchases), by item."""

    def __init__(self):
        self.by_item: dict[str, float] = {}

    def spend(self, item: str, yuan: float) -> None:
        self.by_item[item] = self.by_item.get(item, 0.0) + float(yuan)

    @property
    def total(self) -> float:
        return float(sum(self.by_item.values()))


def observable(model, key: str) -> float:
    """One of the day's observables: a DataCollector reporter (picklable as a partial)."""
    return model._obs[key]


class CoGovModel(mesa.Model):
    """The co-governance model of one street.

    Args:
        cfg: a config (typed or partial dict); defaults fill what is missing.
        **kwargs: dotted-key overrides, e.g. ``**{"world.width": 40}``; Mesa's
            tools may pass top-level keys (``seed=3``, ``steps=30``) the same way.
    """

    def __init__(self, cfg: DictConfig | dict | None = None, **kwargs):
        # A complete typed config is read, not copied (it is neither changed nor kept).
        typed = cfg if is_complete(cfg) and not kwargs else make_config(cfg, **kwargs)
        validate(typed)
        super().__init__(rng=int(typed.seed))
        #: the composed, validated config, read-only: exactly what runs and is saved
        #: (plain containers, so that the model pickles)
        self.config = OmegaConf.create(OmegaConf.to_container(typed))
        OmegaConf.set_readonly(self.config, True)
        #: the same config as frozen dataclasses: fast attribute access on the hot path
        self.cfg = OmegaConf.to_object(typed)
        mp = self.cfg.mechanism_params  # a generated dataclass: keep its sections in a dict
        object.__setattr__(
            self.cfg, "mechanism_params", {f.name: getattr(mp, f.name) for f in fields(mp)}
        )
        freeze(self.cfg)
        self.day = -1
        self.world = build_world(self.cfg.world, self.rng, self.cfg.housing)
        self.n_households = self.world.n
        self._in_hook = 0
        self.residents = Residents(self.cfg, self.world, self.rng)
        self._init_handlers()
        self._init_issue_params()
        # Room for the expected flow and a half more: the tables' pages are taken from
        # the system only as rows are written, so reserving room costs no memory, while
        # growing a full table would copy it and briefly hold it twice.
        expected = self.n_households * float(self.it_rate.sum()) * max(self.cfg.steps, 1) / 365
        self.issues = IssueTable(capacity=int(1.5 * expected) + 1024)
        self.events = EventLog(capacity=int(1.5 * EVENTS_PER_ISSUE * expected) + 4096)
        self.open_ids = np.empty(0, dtype=np.int64)
        #: ids of the registered cases (every type but light matters), in order
        self.case_ids = np.empty(0, dtype=np.int64)
        self.issues_at_day_start = 0
        self.complaints_total = 0
        self.closed_today = np.empty(0, dtype=np.int64)
        self.scores_today = np.empty(0)
        self.timeliness_today = np.empty(0)
        self.complaints_today = np.empty(0, dtype=np.int64)
        self.volunteer_hours = np.zeros(self.world.n_communities)
        self.volunteer_hours_total = 0.0
        #: funds spent by mechanisms (points, platform, purchases)
        self.ledger = Ledger()
        #: named periods (start hour, end hour), e.g. a flood; outcomes report the mean
        #: response to issues occurring in each as ``<name>_response_hours``
        self.windows: dict[str, tuple[float, float]] = {}
        #: multiplier of each issue type's occurrence rate today (reset to 1 every day)
        self.rate_multiplier = np.ones(len(ISSUE_KEYS))
        self.participations_total = 0
        self._init_agents()
        classes = [resolve(spec) for spec in self.cfg.mechanisms]
        self.mechanisms = MechanismSet(
            self, [cls(self.cfg.mechanism_params[cls.name]) for cls in classes]
        )
        self.mechanisms.setup()
        self.workers.sync_capacity()
        self._obs: dict[str, float] = outcomes.step_observables(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={k: partial(observable, key=k) for k in outcomes.TIMESERIES_KEYS}
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ setup
    def _init_handlers(self) -> None:
        cfg, w = self.cfg, self.world
        h = Handlers(
            {
                "worker": w.n_zones,
                "firm": w.n_firms,
                "ngo": w.n_communities,
                "party": w.n_communities,
                "department": cfg.world.n_departments * w.n_streets,
                "mediator": w.n_communities,
                "self": 1,
            },
            review=ReviewRule.from_config(cfg.review),
        )
        self.handlers = h
        self.workers = GridWorkers(h, cfg, w)
        self.firms = PropertyFirms(h, cfg, w, self.residents, self.rng)
        self.ngos = NGOs(h, cfg)
        self.party = PartyBranches(h, cfg)
        self.departments = Departments(h, cfg, w)
        self.mediators = Mediators(h)
        self.parties = Parties(h)

    def _init_issue_params(self) -> None:
        ic = self.cfg.issues
        types = [getattr(ic, k) for k in ISSUE_KEYS]
        self.it_rate = np.array([t.rate for t in types])
        self.it_sev_a = np.array([t.severity_a for t in types])
        self.it_sev_b = np.array([t.severity_b for t in types])
        self.it_hours = np.array([t.base_hours for t in types])
        self.it_deadline = np.array([t.deadline_hours for t in types])
        self.it_expected = np.array([t.expected_hours for t in types])
        self.it_self_report = np.array([t.self_report for t in types])
        self.it_difficulty = np.array([t.difficulty for t in types])
        self.it_home = np.array([t.home_department for t in types], dtype=np.int64)
        self.it_street_visible = np.array([t.street_visible for t in types])
        #: rate multiplier of each issue type in each housing type (places.rate_factors)
        self.it_housing_factor = rate_factors(self.cfg.housing)

    def _init_agents(self) -> None:
        """The handlers' Mesa agents (few); residents' agents are built with ``grid``."""
        w = self.world
        self.worker_agents = [GridWorker(self, z) for z in range(w.n_zones)]
        for c in range(w.n_communities):
            PartyBranch(self, c)
            NGO(self, c)
        for f in range(w.n_firms):
            PropertyFirm(self, f)
        for d in range(self.departments.n):
            Department(self, d)

    @cached_property
    def grid(self) -> mesa.discrete_space.OrthogonalMooreGrid:
        """The lattice as a Mesa discrete space, with a ``Resident`` agent per household
        and each zone's ``GridWorker`` in the cell nearest its households' centre.

        Built on first use (about 1 s per 100,000 households)."""
        from mesa.discrete_space import OrthogonalMooreGrid

        w = self.world
        grid = OrthogonalMooreGrid((w.width, w.height), torus=False, random=self.random)
        for i in range(self.n_households):
            a = Resident(self, i)
            a.cell = grid[(int(w.x[i]), int(w.y[i]))]
        for a in self.worker_agents:
            a.cell = grid[a.pos]
        return grid

    def resident_agent(self, i: int) -> Resident:
        """The Mesa agent of household ``i`` (builds ``grid`` on first use)."""
        w = self.world
        (agent,) = [
            a for a in self.grid[(int(w.x[i]), int(w.y[i]))].agents if isinstance(a, Resident)
        ]
        return agent

    def outcome_arrays(self) -> list[np.ndarray]:
        """Every array that outcomes are computed from; read-only while mechanisms act."""
        iss = self.issues
        return [
            *self.residents.outcome_arrays(),
            *self.firms.outcome_arrays(),
            *self.handlers.outcome_arrays(),
            # the buffers, not views: views taken during a hook inherit read-only
            iss.storage("state"),
            iss.storage("t_close"),
            iss.storage("false_closure"),
        ]

    def __setstate__(self, state) -> None:
        # Unpickled arrays may sit on immutable buffers; the hook guard needs to toggle
        # their WRITEABLE flag, so give every actor-set array its own memory.
        self.__dict__.update(state)
        self.__dict__.pop("_occurrence_groups", None)  # a cache: rebuilt on first use
        for obj in (self.residents, self.firms, self.handlers):
            for k, v in vars(obj).items():
                if isinstance(v, np.ndarray) and not v.flags.owndata:
                    setattr(obj, k, np.array(v))
        data = self.issues._data
        for k, v in data.items():
            if not v.flags.owndata:
                data[k] = np.array(v)

    # ------------------------------------------------------------- schedule
    @property
    def day_start(self) -> float:
        return 24.0 * self.day

    @property
    def day_end(self) -> float:
        return 24.0 * (self.day + 1)

    def step(self) -> None:
        """One day: the ODD's process overview, phase by phase."""
        self.day += 1
        self.issues_at_day_start = self.issues.n
        self.handlers.start_day()
        self.departments.start_day(self.day)
        self.closed_today = np.empty(0, dtype=np.int64)
        self.complaints_today = np.empty(0, dtype=np.int64)
        self.rate_multiplier[:] = 1.0
        self.residents.contacted[:] = False
        self.mechanisms.begin_step()
        occurrence.occur(self)
        discovery.discover(self)
        dispatch.dispatch(self)
        handling.handle(self)
        self.mechanisms.after_handle()
        escalation.escalate(self)
        self.residents.feel(self)
        self.firms.serve(self)
        self.handlers.review(self)
        self.residents.participate(self)
        self.handlers.end_day()
        self._compact_open()
        self._obs = outcomes.step_observables(self)
        self.datacollector.collect(self)
        if self.day + 1 >= self.cfg.steps:
            self.running = False

    def run(self, steps: int | None = None, progress=None) -> None:
        """Run ``steps`` days (default: ``cfg.steps``); ``progress(i, n)`` is called each day."""
        n = int(self.cfg.steps if steps is None else steps)
        for i in range(n):
            self.step()
            if progress is not None:
                progress(i + 1, n)

    # ----------------------------------------------------------- utilities
    def _compact_open(self) -> None:
        ids = self.open_ids
        self.open_ids = ids[self.issues.state[ids] <= IssueState.ASSIGNED]

    def add_open(self, ids: np.ndarray) -> None:
        self.open_ids = np.concatenate([self.open_ids, ids])
        cases = ids[self.issues.itype[ids] < min(LIGHT_TYPES)]
        if cases.size:
            self.case_ids = np.concatenate([self.case_ids, cases])

    def log_events(
        self,
        ids,
        kind,
        *,
        state_from=None,
        state_to=None,
        t=None,
        handler_kind=None,
        handler=None,
        channel=-1,
        value=0.0,
        parent=-1,
    ) -> None:
        """Append one event per issue in ``ids`` (defaults read from the issue table)."""
        iss = self.issues
        st = iss.state[ids]
        self.events.append(
            t=self.day_end if t is None else t,
            step=self.day,
            issue=ids,
            kind=int(kind),
            state_from=st if state_from is None else state_from,
            state_to=st if state_to is None else state_to,
            itype=iss.itype[ids],
            vulnerable=iss.vulnerable[ids],
            handler_kind=iss.handler_kind[ids] if handler_kind is None else handler_kind,
            handler=iss.handler[ids] if handler is None else handler,
            channel=channel,
            value=value,
            parent=parent,
        )

    def transition(self, ids, to_state: IssueState, kind: EventKind, t, **kw) -> None:
        """Move issues ``ids`` to ``to_state`` at times ``t`` and log it.

        Raises:
            RuntimeError: when called from a mechanism's hook (processes move issues).
        """
        if self._in_hook:
            raise RuntimeError(
                "a mechanism tried to change the state of issues: mechanisms change actors, "
                "routing and information; processes move issues through their lifecycle"
            )
        if len(ids) == 0:
            return
        iss = self.issues
        self.log_events(ids, kind, state_to=int(to_state), t=t, **kw)
        iss.state[ids] = to_state
        if to_state in (IssueState.RESOLVED, IssueState.FAILED, IssueState.ESCALATED):
            iss.t_close[ids] = t
            self.closed_today = np.concatenate([self.closed_today, ids])

    # -------------------------------------------------------------- results
    def summary(self) -> dict[str, float]:
        """Run outcomes (brief section 7), computed from the event log and agent state."""
        return outcomes.summarize(
            self.events.columns(), outcomes.final_state(self), outcomes.issue_place(self)
        )

    def timeseries(self):
        """One row per day of the key outcomes (the DataCollector's table, without the
        initial row of day -1)."""
        df = self.datacollector.get_model_vars_dataframe()
        return df.iloc[1:].reset_index(drop=True)
