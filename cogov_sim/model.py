"""CoGovModel: one street (街道) of multi-actor co-governance, on Mesa.

Process overview and scheduling (one step = one day; see docs/ODD.md):

    occur -> discover -> dispatch -> handle -> escalate -> feedback
          -> property market -> review -> participate -> collect

Residents' state lives in numpy arrays (``model.residents``), handlers'
capacity in ``model.handlers``, issues in a columnar ``IssueTable`` and every
state transition in the ``EventLog``. The six actor types are Mesa agents that
are views onto those arrays. All randomness comes from ``model.rng``, one
numpy Generator seeded from the config's ``seed``.
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np
from omegaconf import DictConfig, OmegaConf

from cogov_sim import outcomes
from cogov_sim.agents import NGO, Department, GridWorker, PartyBranch, PropertyFirm, Resident
from cogov_sim.config import make_config
from cogov_sim.handlers import Handlers
from cogov_sim.issues import (
    ISSUE_KEYS,
    EventKind,
    EventLog,
    HandlerKind,
    IssueState,
    IssueTable,
)
from cogov_sim.mechanisms import build_mechanisms
from cogov_sim.processes import (
    discovery,
    dispatch,
    escalation,
    feedback,
    handling,
    occurrence,
    participation,
    property_market,
    review,
)
from cogov_sim.validation import validate
from cogov_sim.world import build_world

NEVER = -(10**6)


class Residents(SimpleNamespace):
    """Per-household state arrays (length N)."""


class CoGovModel(mesa.Model):
    """The co-governance model of one street.

    Args:
        cfg: a config (typed or partial dict); defaults fill what is missing.
        **dotted: dotted-key overrides, e.g. ``**{"world.width": 40}``.
    """

    def __init__(self, cfg: DictConfig | dict | None = None, **dotted):
        cfg = make_config(cfg, **dotted)
        validate(cfg)
        super().__init__(rng=int(cfg.seed))
        #: the composed, validated config (OmegaConf), for provenance
        self.config = cfg
        #: the same config as plain dataclasses: fast attribute access on the hot path
        self.cfg = OmegaConf.to_object(cfg)
        self.day = -1
        self.world = build_world(cfg.world, self.rng)
        self.n_households = self.world.n
        self.policy = SimpleNamespace(
            integrated=False,
            worker_small_threshold=cfg.workers.small_threshold,
            worker_coverage=cfg.workers.silo_coverage,
            report_boost=1.0,
            incentive_value=0.0,
            time_cost=0.0,
            execution_prob=cfg.party.topdown_execution,
            rate_multiplier=np.ones(6),
            patrol_uniform_share=1.0,
            points_per_activity=0.0,
            no_misroute=False,  # the platform routes every report to the right silo
            logit_bonus=0.0,  # extra participation logit (scalar or per household)
            party_volunteer_share=cfg.party.volunteer_share,
            ngo_volunteer_share=0.0,
            deliberated_execution=None,  # execution probability of council decisions
            wage_factor={},  # HandlerKind -> multiplier of its wage
            emergency_window=None,  # (start hour, end hour) of an emergency
        )
        self.patrolled_today = np.empty(0, dtype=np.int64)
        self._init_residents()
        self._init_handlers()
        self._init_issue_params()
        self.issues = IssueTable(capacity=max(1024, self.n_households // 2))
        self.events = EventLog(capacity=max(4096, self.n_households * 2))
        self.open_ids = np.empty(0, dtype=np.int64)
        self.closed_today = np.empty(0, dtype=np.int64)
        self.scores_today = np.empty(0)
        self.complaints_today = np.empty(0, dtype=np.int64)
        self.volunteer_hours = np.zeros(self.world.n_communities)
        self.volunteer_hours_total = 0.0
        self.extra_funds = 0.0  # yuan spent by mechanisms (points, platform, purchases)
        self.participations_total = 0
        self._init_agents()
        self.mechanisms = build_mechanisms(self.cfg)
        for m in self.mechanisms:
            m.setup(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={k: (lambda m, k=k: m._obs[k]) for k in outcomes.TIMESERIES_KEYS}
        )
        self._obs: dict[str, float] = {}

    # ------------------------------------------------------------------ setup
    def _init_residents(self) -> None:
        cfg, rng, n = self.cfg, self.rng, self.n_households
        rc = cfg.residents
        k = rc.concentration

        def beta(mean):
            mean = min(max(mean, 1e-3), 1 - 1e-3)
            return rng.beta(mean * k, (1 - mean) * k, n)

        sat = beta(rc.satisfaction_mean)
        self.residents = Residents(
            satisfaction=sat,
            sat_base=sat.copy(),
            trust=beta(rc.trust_mean),
            civic=beta(rc.civic_mean),
            literacy=beta(rc.legal_literacy_mean),
            party=rng.random(n) < cfg.world.party_member_share,
            vulnerable=rng.random(n) < cfg.world.vulnerable_share,
            points=np.zeros(n),
            last_part=np.full(n, NEVER, dtype=np.int64),
            last_dispute=np.full(n, NEVER, dtype=np.int64),
            last_patrol=np.zeros(n, dtype=np.int64),
            property_sat=np.full(n, np.nan),
            fees_billed=np.zeros(n, dtype=np.int32),
            fees_paid=np.zeros(n, dtype=np.int32),
        )
        managed = self.world.firm >= 0
        self.managed_idx = np.flatnonzero(managed)
        self.vulnerable_idx = np.flatnonzero(self.residents.vulnerable)

    def _init_handlers(self) -> None:
        cfg, w, rng = self.cfg, self.world, self.rng
        nf = w.n_firms
        h = Handlers(
            {
                "worker": w.n_zones,
                "firm": nf,
                "ngo": w.n_communities,
                "party": w.n_communities,
                "department": cfg.world.n_departments,
                "mediator": w.n_communities,
                "self": 1,
            }
        )
        wc = cfg.workers
        s = h.slice("worker")
        h.hours[s], h.reserved[s], h.skill[s] = wc.hours_per_day, wc.patrol_hours, wc.skill
        fc = cfg.firms
        self.firm_quality = np.clip(rng.normal(fc.quality_mean, fc.quality_sd, nf), 0.05, 0.95)
        self.firm_oversight = np.zeros(nf)
        self.firm_billed = np.zeros(nf)
        self.firm_paid = np.zeros(nf)
        s = h.slice("firm")
        h.hours[s], h.delay[s] = fc.hours_per_day, fc.response_delay_hours
        h.skill[s] = np.clip(fc.skill_base + fc.skill_quality * self.firm_quality, 0, 1)
        s = h.slice("ngo")
        h.hours[s], h.skill[s], h.delay[s] = (
            cfg.ngos.hours_per_day,
            cfg.ngos.skill,
            cfg.ngos.response_delay_hours,
        )
        s = h.slice("party")
        h.hours[s], h.skill[s] = cfg.party.hours_per_day, cfg.party.skill
        s = h.slice("department")
        dc = cfg.departments
        h.hours[s], h.skill[s], h.delay[s] = dc.hours_per_day, dc.skill, dc.response_delay_hours
        self.handlers = h
        if self.managed_idx.size:
            q = self.firm_quality[w.firm[self.managed_idx]]
            self.residents.property_sat[self.managed_idx] = np.clip(
                q + rng.normal(0, 0.05, q.size), 0, 1
            )

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
        self.it_in_remit = np.array([k in self.cfg.workers.remit for k in ISSUE_KEYS])

    def _init_agents(self) -> None:
        w = self.world
        for i in range(self.n_households):
            Resident(self, i)
        for z in range(w.n_zones):
            GridWorker(self, z)
        for c in range(w.n_communities):
            PartyBranch(self, c)
            NGO(self, c)
        for f in range(w.n_firms):
            PropertyFirm(self, f)
        for d in range(self.cfg.world.n_departments):
            Department(self, d)

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
        self.handlers.start_day()
        self.closed_today = np.empty(0, dtype=np.int64)
        self.complaints_today = np.empty(0, dtype=np.int64)
        for m in self.mechanisms:
            m.begin_step(self)
        occurrence.occur(self)
        discovery.discover(self)
        dispatch.dispatch(self)
        handling.handle(self)
        for m in self.mechanisms:
            m.after_handle(self)
        escalation.escalate(self)
        feedback.feedback(self)
        property_market.update(self)
        review.review(self)
        participation.participate(self)
        self.handlers.end_day()
        self._compact_open()
        self._obs = outcomes.step_observables(self)
        self.datacollector.collect(self)

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
        """Move issues ``ids`` to ``to_state`` at times ``t`` and log it."""
        if len(ids) == 0:
            return
        iss = self.issues
        self.log_events(ids, kind, state_to=int(to_state), t=t, **kw)
        iss.state[ids] = to_state
        if to_state in (IssueState.RESOLVED, IssueState.FAILED, IssueState.ESCALATED):
            iss.t_close[ids] = t
            self.closed_today = np.concatenate([self.closed_today, ids])

    def execution_prob(self, ids: np.ndarray) -> np.ndarray:
        """Probability that the collective decisions on issues ``ids`` are carried out:
        ``policy.deliberated_execution`` for a council (party branch) decision when a
        deliberation council exists, ``party.topdown_execution`` otherwise."""
        p = np.full(len(ids), float(self.policy.execution_prob))
        if self.policy.deliberated_execution is not None:
            council = self.issues.handler_kind[ids] == HandlerKind.PARTY_BRANCH
            p[council] = self.policy.deliberated_execution
        return p

    # -------------------------------------------------------------- results
    def summary(self) -> dict[str, float]:
        """Run outcomes (brief section 7), computed from the event log and agent state."""
        return outcomes.summarize(self.events.to_frame(), outcomes.final_state(self))

    def timeseries(self):
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return df
