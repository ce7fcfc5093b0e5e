"""The plug-in interface of policy mechanisms.

A mechanism is a class with

- class attributes that describe it: ``name`` (its config name), ``title_zh``,
  ``title_en``, ``pattern`` (the id in ``patterns.yaml`` it is calibrated to),
  ``expected``, ``limitations``, ``scenario`` (True for a scenario such as a
  flood rather than a policy: the app keeps it on in its baseline) and
  ``Params``, a dataclass of its parameters made with
  :func:`cogov_sim.core.params.param` (range, unit, meaning, slider);
- hooks named after the phases of :meth:`cogov_sim.core.model.CoGovModel.step`.
  The model calls each active mechanism's hook at that phase, in the order
  the mechanisms are listed in the config. Every hook defaults to nothing.

What a mechanism may change: actors (the documented fields of the actor sets:
``model.residents``, ``model.workers``, ``model.firms``, ``model.ngos``,
``model.party``, ``model.departments``, ``model.handlers``), capacities,
routing (the ``route`` hook), information (the ``discover`` hook returns what
its actors found; the discovery process reports it) and incentives, and it may
spend funds (``model.ledger.spend``). What it may not change: outcome-bearing
state — residents' satisfaction, trust, participation history, points, fees,
property satisfaction, the firms' fee ledgers and any issue's state or close
time. Those arrays are read-only while a hook runs, and an issue state change
from a hook raises: processes produce outcomes, mechanisms never write them.
Mechanisms also never write the config (it is frozen).
"""

from __future__ import annotations

import linecache
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from cogov_sim.core.errors import ContractError
from cogov_sim.core.issues import IssueState, channel_names
from cogov_sim.core.mechanisms import pathways

if TYPE_CHECKING:  # pragma: no cover
    from cogov_sim.core.model import CoGovModel


@dataclass
class NoParams:
    """A mechanism without parameters."""


@dataclass
class Sightings:
    """Latent issues that a mechanism's actors found today, for the discovery process to
    report: issue ids, the hour found, the hour reported, the report channel
    (:class:`cogov_sim.core.issues.Channel`) and whether the report is accurate."""

    ids: np.ndarray
    t_found: np.ndarray
    t_report: np.ndarray
    channel: int
    accurate: np.ndarray


class Mechanism:
    """Base class of every mechanism; see the module docstring for the contract."""

    name: ClassVar[str] = ""
    title_zh: ClassVar[str] = ""
    title_en: ClassVar[str] = ""
    #: id of the pattern in ``cogov_sim/data/patterns.yaml`` it is calibrated to
    pattern: ClassVar[str] = ""
    #: expected effect, one or two sentences (docs/mechanisms.md)
    expected: ClassVar[str] = ""
    #: known limitations (docs/mechanisms.md)
    limitations: ClassVar[str] = ""
    #: the teaching app's info panel: language ("en", "zh") -> field ("practice", "rule",
    #: "look_for", "pattern") -> text; what is missing is made from the attributes above
    #: (:func:`cogov_sim.frontends.viz.mechanism_info.mechanism_info`)
    info: ClassVar[dict[str, dict[str, str]]] = {}
    #: a scenario (e.g. a flood), not a policy: not in the full package; the app's
    #: baseline keeps it on
    scenario: ClassVar[bool] = False
    #: the parameters: a dataclass whose fields are made with ``cogov_sim.core.params.param``
    Params: ClassVar[type] = NoParams

    def __init__(self, params=None) -> None:
        self.params = self.Params() if params is None else params

    def setup(self, model: CoGovModel) -> None:
        """After the world and actors are built, before the first step."""

    def begin_step(self, model: CoGovModel) -> None:
        """At the start of each day (occurrence rates are reset to 1 just before)."""

    def patrol_targets(self, model: CoGovModel, per_zone: int) -> np.ndarray | None:
        """Households to patrol today beyond the uniform draws (``per_zone`` visits per zone).

        Only discovered history may guide it (what the grid system knows)."""
        return None

    def discover(self, model: CoGovModel, ids: np.ndarray) -> Sightings | None:
        """Which of the still latent issues ``ids`` this mechanism's actors find today.

        The mechanism must not use what its actors could not observe: it may test
        an issue's household, place, type or occurrence time against its own
        visits or sensors, never select on anything else."""
        return None

    def route(
        self, model: CoGovModel, ids: np.ndarray, kind: np.ndarray, target: np.ndarray
    ) -> None:
        """Triage: may change the handler kind and handler index of reported issues ``ids``
        in place (``kind`` and ``target`` are aligned with ``ids``)."""

    def after_dispatch(self, model: CoGovModel, ids: np.ndarray) -> None:
        """After issues ``ids`` were assigned to handlers today (may reschedule them)."""

    def after_handle(self, model: CoGovModel) -> None:
        """After handling; ``model.closed_today`` holds the issues closed so far today."""

    def monthly(self, model: CoGovModel) -> None:
        """Before the monthly billing and property-firm review (on billing days of a
        street that has managed compounds; none without them)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params})"


#: where a ContractError points a mechanism instead
LEVERS = (
    "change actors, capacities, routing, information or incentives through the levers "
    "of docs/extending.md (CoGovModel.schedule for an open issue's start and hours)"
)

HOOKS = (
    "setup",
    "begin_step",
    "patrol_targets",
    "discover",
    "route",
    "after_dispatch",
    "after_handle",
    "monthly",
)


class MechanismSet:
    """The active mechanisms of one model, called phase by phase.

    Each call runs the hook of every mechanism that overrides it, in config order,
    with the model's outcome-bearing arrays read-only.
    """

    def __init__(self, model: CoGovModel, mechanisms: list[Mechanism]):
        self.model = model
        self.items = list(mechanisms)
        self._fields = None
        #: the pathways switched off (``pathways_off``, a decomposition; pathways.py)
        self.off = tuple(getattr(model.cfg, "pathways_off", ()) or ())
        skipped = {h for p in self.off for h in pathways.HOOKS.get(p, ())}
        self._by_hook = {
            hook: [
                m
                for m in self.items
                if getattr(type(m), hook) is not getattr(Mechanism, hook) and hook not in skipped
            ]
            for hook in HOOKS
        }

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.items]

    def get(self, name: str) -> Mechanism | None:
        """The active mechanism called ``name``, or None."""
        for m in self.items:
            if m.name == name:
                return m
        return None

    @contextmanager
    def locked(self):
        """Outcome-bearing arrays (and every issue column) read-only and issue transitions
        refused while a phase's hooks run (once per phase: a flag costs a microsecond and
        there are some fifty arrays)."""
        model = self.model
        locked = [a for a in model.outcome_arrays() if a.flags.writeable]
        for a in locked:
            a.setflags(write=False)
        table, was = model.issues, model.issues.read_only
        table.read_only = True
        model._in_hook += 1
        try:
            yield
        finally:
            model._in_hook -= 1
            table.read_only = was
            for a in locked:
                a.setflags(write=True)

    @contextmanager
    def watched(self, mechanism: Mechanism | None, hook: str):
        """One hook of one mechanism, inside :meth:`locked`: a write to a read-only array
        or a rebound outcome-bearing field raises :class:`~cogov_sim.core.errors.
        ContractError` naming the mechanism, the hook and the field (a rebound field is
        put back first)."""
        model = self.model
        if self._fields is None:  # the sets and stores are fixed for a run; today is not
            self._fields = [f for f in model.outcome_fields() if f[1] is not model.today]
        today = [(f"today.{f}", model.today, f) for f in model.DAY_FIELDS]
        bound = [(label, owner, attr, getattr(owner, attr)) for label, owner, attr in
                 (*self._fields, *today)]  # fmt: skip
        where = (mechanism.name if mechanism is not None else "?", hook or "?")
        outer = getattr(model, "_hook_where", None)
        model._hook_where = where
        try:
            yield
        except ValueError as exc:
            if "read-only" not in str(exc):
                raise
            fields = _fields_in_failing_line(exc, model.outcome_labels())
            what = " or ".join(fields) if fields else "a read-only array (" + str(exc) + ")"
            raise ContractError(
                f"mechanism {where[0]!r} in hook {where[1]!r} wrote {what}: outcome-bearing "
                "state is the processes' to change; " + LEVERS
            ) from None
        finally:
            model._hook_where = outer
        rebound = [label for label, owner, attr, obj in bound if getattr(owner, attr) is not obj]
        if rebound:
            for _label, owner, attr, obj in bound:
                if getattr(owner, attr) is not obj:
                    object.__setattr__(owner, attr, obj)
            raise ContractError(
                f"mechanism {where[0]!r} in hook {where[1]!r} rebound {', '.join(rebound)}: "
                "outcome-bearing fields may be neither written nor replaced by a mechanism; "
                + LEVERS
            )

    @contextmanager
    def guard(self, mechanism: Mechanism | None = None, hook: str = ""):
        """One hook of one mechanism under the whole contract (:meth:`locked` and
        :meth:`watched`)."""
        with self.locked(), self.watched(mechanism, hook):
            yield

    @contextmanager
    def _pathways_kept(self):
        """With pathways switched off, undo what the mechanisms change in their levers
        during a phase of hooks (the processes never run inside one)."""
        if not self.off:
            yield
            return
        before = pathways.snapshot(self.model, self.off)
        try:
            yield
        finally:
            pathways.restore(before)

    def _each(self, hook: str, *args) -> None:
        ms = self._by_hook[hook]
        if not ms:
            return
        with self._pathways_kept(), self.locked():
            for m in ms:
                with self.watched(m, hook):
                    getattr(m, hook)(self.model, *args)

    def setup(self) -> None:
        self._each("setup")
        if self.off:
            self.model.handlers.hours_locked = "hours" in self.off

    def begin_step(self) -> None:
        self._each("begin_step")

    def route(self, ids, kind, target) -> None:
        self._each("route", ids, kind, target)

    def after_dispatch(self, ids) -> None:
        self._each("after_dispatch", ids)

    def after_handle(self) -> None:
        self._each("after_handle")

    def monthly(self) -> None:
        self._each("monthly")

    def patrol_targets(self, per_zone: int) -> list[np.ndarray]:
        out = []
        ms = self._by_hook["patrol_targets"]
        if not ms:
            return out
        with self._pathways_kept(), self.locked():
            for m in ms:
                with self.watched(m, "patrol_targets"):
                    extra = m.patrol_targets(self.model, per_zone)
                if extra is not None and len(extra):
                    out.append(np.asarray(extra, dtype=np.int64))
        return out

    def discover(self, ids: np.ndarray, report) -> None:
        """Each mechanism in turn looks at the issues still latent; ``report(sightings)``
        (the discovery process) reports what it found before the next one looks."""
        iss = self.model.issues
        for m in self._by_hook["discover"]:
            if ids.size == 0:
                break
            with self._pathways_kept(), self.guard(m, "discover"):
                found = m.discover(self.model, ids)
            if found is not None and len(found.ids):
                report(_checked(found, self.model, m))
                ids = ids[iss.state[ids] == IssueState.LATENT]


def _fields_in_failing_line(exc: BaseException, labels: list[str]) -> list[str]:
    """The outcome-bearing fields named in the source line where ``exc`` was raised (the
    hook's own line: the deepest frame outside numpy)."""
    tb, line = exc.__traceback__, ""
    while tb is not None:
        code = tb.tb_frame.f_code
        if "numpy" not in code.co_filename:
            line = linecache.getline(code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    target = re.split(r"(?<![=!<>])=(?!=)", line, maxsplit=1)[0]
    names = {label.rpartition(".")[2]: label for label in labels}
    return [label for attr, label in names.items() if re.search(rf"\b{attr}\b", target)]


def _checked(s: Sightings, model, mechanism) -> Sightings:
    """``s`` as the discovery process may report it: each issue once, still latent
    (every latent issue is among those the hook was shown), found after it arose and
    within today, reported no earlier than found.

    Raises:
        ContractError: naming the mechanism and what is wrong."""
    where = f"mechanism {mechanism.name!r} in hook 'discover'"
    ids = np.asarray(s.ids, dtype=np.int64)
    n = ids.size
    t_found = np.broadcast_to(np.asarray(s.t_found, dtype=np.float64), (n,))
    t_report = np.broadcast_to(np.asarray(s.t_report, dtype=np.float64), (n,))
    accurate = np.broadcast_to(np.asarray(s.accurate, dtype=bool), (n,))
    if np.unique(ids).size != n:
        raise ContractError(f"{where} returned an issue more than once in its Sightings")
    shown = (ids >= 0) & (ids < model.issues.n)
    if not shown.all() or not np.all(model.issues.state[ids] == IssueState.LATENT):
        raise ContractError(
            f"{where} returned issues it was not shown: Sightings.ids must be among the "
            "latent issues the hook was given"
        )
    earliest = np.maximum(model.issues.t_occur[ids], model.day_start)
    if not (np.all(t_found >= earliest) and np.all(t_found <= model.day_end)):
        raise ContractError(
            f"{where} dated a find before its issue arose or outside today: Sightings."
            "t_found must lie in [max(t_occur, model.day_start), model.day_end] (hours "
            "from the start of day 0)"
        )
    if not 0 <= int(s.channel) < len(channel_names()):
        raise ContractError(
            f"{where} reported on channel {s.channel!r}, which is neither built in "
            "(cogov_sim.core.issues.Channel) nor registered (register_channel)"
        )
    if not np.all(t_report >= t_found):
        raise ContractError(f"{where} reported an issue before it was found (t_report < t_found)")
    return Sightings(ids, t_found, t_report, int(s.channel), accurate)
