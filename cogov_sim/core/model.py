"""CoGovModel: one street (街道) of multi-actor co-governance, on Mesa.

Process overview and scheduling (one step = one day; see docs/ODD.md). Every
phase and every mechanism hook is called from :meth:`CoGovModel.step`, in order:

    start of day (overtime, organising, routine service, the outside streets'
    cases) -> begin_step hook -> callbacks -> occur -> patrol (uniform;
    patrol_targets hook) -> home visits -> discover (residents, workers, visits;
    discover hook) -> dispatch (route hook) -> after_dispatch hook -> handle ->
    after_handle hook -> escalate -> residents feel (feedback) -> callbacks chosen
    -> firms serve (monthly hook, billing) -> handlers are reviewed -> residents
    participate -> collect

Each kind of actor is an actor set that owns its arrays and behaviour
(:mod:`cogov_sim.core.actors`): ``model.residents``, ``model.workers``,
``model.firms``, ``model.ngos``, ``model.party``, ``model.departments``, with
every handler's capacity in ``model.handlers``. Issues live in a columnar
``IssueTable`` and every state transition in the ``EventLog``. Mechanisms are
plug-ins called at named hooks (:mod:`cogov_sim.core.mechanisms.base`); the
model names none of them. All randomness comes from ``model.rng``, one numpy
Generator seeded from the config's ``seed``.

The lattice is a Mesa discrete space (``model.grid``, an
``OrthogonalMooreGrid``) holding one ``Resident`` agent per household and the
grid workers; it is built on first use, so that batch runs of a district do
not pay for 100,000 agent objects they never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property, partial

import numpy as np
from omegaconf import DictConfig, OmegaConf

from cogov_sim.core import outcomes
from cogov_sim.core._mesa import DataCollector, Model, OrthogonalMooreGrid
from cogov_sim.core.actors import (
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
from cogov_sim.core.agents import NGO, Department, GridWorker, PartyBranch, PropertyFirm, Resident
from cogov_sim.core.checks import validate
from cogov_sim.core.config import is_complete, make_config
from cogov_sim.core.errors import ContractError
from cogov_sim.core.issues import (
    EVENTS_PER_ISSUE,
    ISSUE_COLUMNS,
    ISSUE_KEYS,
    LIGHT_TYPES,
    EventKind,
    EventLog,
    IssueState,
    IssueTable,
)
from cogov_sim.core.mechanisms.base import MechanismSet
from cogov_sim.core.mechanisms.registry import resolve
from cogov_sim.core.params import freeze
from cogov_sim.core.places import rate_factors
from cogov_sim.core.processes import (
    callbacks,
    discovery,
    dispatch,
    escalation,
    handling,
    occurrence,
    visits,
)
from cogov_sim.core.world import build_world


@dataclass
class Day:
    """What today's phases hand on to the later ones: one record per day
    (``model.today``), renewed at the start of each day.

    Attributes:
        number: the day (0-based).
        issues_at_start: issues in the table when the day began (occurrence follows).
        closed: the issues closed so far today, in the order they closed.
        complaints: the issues that drew a hotline complaint or petition today.
        timeliness: how timely each closed issue was (aligned with ``closed``; set by
            feedback).
        scores: the outcome score of each closed issue (aligned with ``closed``; set
            by feedback, read by the review).
        surveyed: whether each closed issue's household will be called back (aligned
            with ``closed``; set by callbacks, read by the review).
        visited: the households visited at home today (NGO and party rounds), and
            ``visit_channel`` the report channel of each visit.
    """

    number: int = -1
    issues_at_start: int = 0
    closed: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    complaints: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    timeliness: np.ndarray = field(default_factory=lambda: np.empty(0))
    scores: np.ndarray = field(default_factory=lambda: np.empty(0))
    surveyed: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    visited: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    visit_channel: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int8))


#: the event kinds a mechanism's hook may log (records that move no issue and that no
#: outcome counts as the processes' work)
HOOK_EVENT_KINDS = frozenset({int(EventKind.WHISTLE)})


class Ledger:
    """Funds spent beyond handlers' wages (points, platforms, purchases), by item."""

    def __init__(self):
        self.by_item: dict[str, float] = {}
        #: spending is booked only in the outcome window (after the warm-up)
        self.counting = True

    def spend(self, item: str, yuan: float) -> None:
        if self.counting:
            self.by_item[item] = self.by_item.get(item, 0.0) + float(yuan)

    @property
    def total(self) -> float:
        return float(sum(self.by_item.values()))


def observable(model, key: str) -> float:
    """One of the day's observables: a DataCollector reporter (picklable as a partial)."""
    return model._obs[key]


class CoGovModel(Model):
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
        #: the first day that outcomes count (the warm-up before it is left out)
        self.window_start = outcomes.window_start(self.cfg)
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
        #: what today's phases hand on to the later ones (:class:`Day`)
        self.today = Day()
        self.complaints_total = 0
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
        self.datacollector = DataCollector(
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
                "department": cfg.world.n_departments
                * Departments.teams_per_silo(cfg, w.n_streets),
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
        self.mediators = Mediators(h, cfg)
        #: the callback desk (回访): who is called back after closure
        self.callbacks = callbacks.CallbackDesk(cfg)
        h.retry_delay[:] = cfg.issues.reopen_delay_hours
        self.mediators.retry_delay = 24.0 * cfg.mediators.session_interval_days
        self.parties = Parties(h)
        if w.source is not None:
            self._apply_staffing(w.source)

    def _apply_staffing(self, src) -> None:
        """A world from files: the staffing file's figures replace the config's where given
        (grid workers per grid, committee members, NGO and party hours per community,
        department hours)."""
        cfg = self.cfg
        if src.zone_staff is not None and np.isfinite(src.zone_staff).any():
            given = np.isfinite(src.zone_staff)
            self.workers.staff = np.where(given, src.zone_staff, self.workers.staff)
            self.workers.sync_capacity()
        for role, group, scale in (
            ("mediators", self.mediators, cfg.mediators.hours_each_per_day),
            ("ngo_hours", self.ngos, 1.0),
            ("party_hours", self.party, 1.0),
        ):
            v = src.community_staff.get(role)
            if v is not None and np.isfinite(v).any():
                group.hours = np.where(np.isfinite(v), v * scale, group.hours)
        if np.isfinite(src.department_hours):
            self.departments.hours = src.department_hours
            self.departments.teams = np.maximum(1.0, self.departments.hours / 16.0)

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
    def grid(self) -> OrthogonalMooreGrid:
        """The lattice as a Mesa discrete space, with a ``Resident`` agent per household
        and each zone's ``GridWorker`` in the cell nearest its households' centre.

        Built on first use (about 1 s per 100,000 households)."""

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

    #: the actor sets and stores whose outcome-bearing fields hooks may not rebind
    OUTCOME_OWNERS = ("residents", "firms", "handlers")

    #: the model's own records of the day and of open issues, which processes read
    DAY_FIELDS = ("closed", "complaints", "timeliness", "scores", "surveyed")

    def outcome_fields(self) -> list[tuple[str, object, str]]:
        """Every rebindable field that outcomes are computed from, as (label, owner,
        attribute): the model's actor sets and stores themselves, its lists of open
        issues and today's record, and each set's ``OUTCOME_FIELDS``. A mechanism's hook
        that rebinds one fails."""
        own = (*self.OUTCOME_OWNERS, "issues", "events", "today", "open_ids", "case_ids")
        out = [(name, self, name) for name in own]
        out += [(f"today.{f}", self.today, f) for f in self.DAY_FIELDS]
        for name in self.OUTCOME_OWNERS:
            owner = getattr(self, name)
            out += [(f"{name}.{f}", owner, f) for f in owner.OUTCOME_FIELDS]
        return out

    def outcome_arrays(self) -> list[np.ndarray]:
        """Every array that outcomes are computed from; read-only while mechanisms act.

        Every column of the issue table is outcome-bearing too; the table itself reads
        as read-only while a hook runs (``issues.read_only``): a mechanism changes when an
        issue can start, how many hours it needs and whether it was whistled only through
        :meth:`schedule`."""
        today = self.today
        return [
            *self.residents.outcome_arrays(),
            *self.firms.outcome_arrays(),
            *self.handlers.outcome_arrays(),
            self.open_ids,
            self.case_ids,
            *(getattr(today, f) for f in self.DAY_FIELDS),
        ]

    def outcome_labels(self) -> list[str]:
        """Names of the outcome-bearing arrays and issue columns (for error messages)."""
        return [
            *(f"residents.{f}" for f in self.residents.OUTCOME_FIELDS),
            *(f"firms.{f}" for f in self.firms.OUTCOME_FIELDS),
            *(f"handlers.{f}" for f in self.handlers.OUTCOME_FIELDS),
            "open_ids",
            "case_ids",
            *(f"today.{f}" for f in self.DAY_FIELDS),
            *(f"issues.{name}" for name in ISSUE_COLUMNS),
        ]

    def schedule(self, ids, *, t_available=None, hours_needed=None, whistled=None) -> None:
        """The mechanisms' lever on open issues ``ids``: when work on each can start
        (``t_available``, hours from day 0, not before its report), the handler hours it
        needs (``hours_needed``, >= 0) and whether it was whistled (``whistled``).
        Scalars or arrays aligned with ``ids``.

        Raises:
            ContractError: an issue that is not open (reported or assigned), a start
                before the report, or negative hours.
        """
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        iss = self.issues
        st = iss.state[ids]
        if not np.all((st == IssueState.REPORTED) | (st == IssueState.ASSIGNED)):
            raise ContractError(
                f"{self._hook_name()}: schedule() is for open issues (reported or assigned)"
            )
        values = {}
        if t_available is not None:
            t = np.broadcast_to(np.asarray(t_available, dtype=np.float64), ids.shape)
            if np.any(~(t >= iss.t_report[ids])):
                raise ContractError(
                    f"{self._hook_name()}: schedule() may not start work on an issue before "
                    "it was reported (t_available < t_report)"
                )
            values["t_available"] = t
        if hours_needed is not None:
            h = np.broadcast_to(np.asarray(hours_needed, dtype=np.float64), ids.shape)
            if np.any(~(h >= 0)):
                raise ContractError(f"{self._hook_name()}: schedule() needs hours_needed >= 0")
            values["hours_needed"] = h
        if whistled is not None:
            values["whistled"] = np.broadcast_to(np.asarray(whistled, dtype=bool), ids.shape)
        was, iss.read_only = iss.read_only, False
        try:
            for name, v in values.items():
                iss.storage(name)[ids] = v
        finally:
            iss.read_only = was

    def _hook_name(self) -> str:
        where = getattr(self, "_hook_where", None)
        return f"mechanism {where[0]!r} in hook {where[1]!r}" if where else "the model"

    def __setstate__(self, state) -> None:
        # Unpickled arrays may sit on immutable buffers; the hook guard needs to toggle
        # their WRITEABLE flag, so give every actor-set array its own memory.
        self.__dict__.update(state)
        self.__dict__.pop("_occurrence_groups", None)  # a cache: rebuilt on first use
        for obj in (self, self.today, self.residents, self.firms, self.handlers):
            for k, v in vars(obj).items():
                if isinstance(v, np.ndarray) and not v.flags.owndata:
                    setattr(obj, k, np.array(v))
        data = self.issues._data
        for k, v in data.items():
            if not v.flags.owndata:
                data[k] = np.array(v)

    # ------------------------------------------------------------- schedule
    @property
    def counting(self) -> bool:
        """Whether today is in the outcome window (after the warm-up)."""
        return self.day >= self.window_start

    @property
    def day_start(self) -> float:
        return 24.0 * self.day

    @property
    def day_end(self) -> float:
        return 24.0 * (self.day + 1)

    def step(self) -> None:
        """One day: the ODD's process overview, phase by phase."""
        self.day += 1
        self.today = Day(self.day, self.issues.n)
        self.ledger.counting = self.departments.counting = self.counting
        self.handlers.start_day()
        self.workers.add_overtime()
        self.party.organise(self)
        self.firms.set_aside_routine(self)
        self.departments.arrive(self)
        self.rate_multiplier[:] = 1.0
        self.residents.contacted[:] = False
        self.mechanisms.begin_step()
        callbacks.call_back(self)
        occurrence.occur(self)
        # discover: patrols (uniform, then where mechanisms point), residents and workers,
        # then the mechanisms' own actors
        drawn = self.workers.uniform_patrol(self)
        if drawn is not None:
            uniform, targeted = drawn
            self.workers.patrol(self, uniform, self.mechanisms.patrol_targets(targeted))
        visits.visit(self)
        latent = discovery.discover(self)
        latent.setflags(write=False)  # what the hooks are shown, not theirs to change
        self.mechanisms.discover(latent, partial(discovery.report_sightings, self))
        # dispatch (分流): the baseline's routes, then the mechanisms' re-routing
        due = dispatch.due(self)
        if due.size:
            due.setflags(write=False)  # hooks route these issues, they do not choose them
            kind, target = dispatch.default_route(self, due)
            base_kind, base_target = kind.copy(), target.copy()
            self.mechanisms.route(due, kind, target)
            # a route to a handler with no hours on duty falls back to the baseline's
            h = self.handlers
            idle = h.hours[target] * h.effort[target] + h.extra[target] <= 0
            kind[idle], target[idle] = base_kind[idle], base_target[idle]
            dispatch.assign(self, due, kind, target)
            self.mechanisms.after_dispatch(due)
        handling.handle(self)
        self.mechanisms.after_handle()
        escalation.escalate(self)
        self.residents.feel(self)
        callbacks.choose(self)
        self.firms.serve(self)
        if self.firms.billing_day(self.day):
            self.mechanisms.monthly()
            self.firms.bill(self)
        self.handlers.review(self)
        self.residents.participate(self)
        self.handlers.end_day(self.counting)
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
        """Append one event per issue in ``ids`` (defaults read from the issue table).

        From a mechanism's hook only a record that moves nothing may be logged (a
        whistle): kinds in :data:`HOOK_EVENT_KINDS`, with no state given.

        Raises:
            ContractError: any other event from a hook."""
        if self._in_hook and (
            int(kind) not in HOOK_EVENT_KINDS or state_from is not None or state_to is not None
        ):
            raise ContractError(
                f"{self._hook_name()} logged a {EventKind(int(kind)).name} event: a mechanism "
                "may log only records that move no issue (WHISTLE); the processes log the rest"
            )
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
            ContractError: when called from a mechanism's hook (processes move issues).
        """
        if self._in_hook:
            raise ContractError(
                f"{self._hook_name()} tried to change the state of issues: mechanisms change "
                "actors, routing and information; processes move issues through their "
                "lifecycle"
            )
        if len(ids) == 0:
            return
        iss = self.issues
        self.log_events(ids, kind, state_to=int(to_state), t=t, **kw)
        iss.state[ids] = to_state
        if to_state in (IssueState.RESOLVED, IssueState.FAILED, IssueState.ESCALATED):
            iss.t_close[ids] = t
            self.today.closed = np.concatenate([self.today.closed, ids])

    @property
    def closed_today(self) -> np.ndarray:
        """The issues closed so far today (``model.today.closed``), for mechanisms'
        ``after_handle`` hooks."""
        return self.today.closed

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
