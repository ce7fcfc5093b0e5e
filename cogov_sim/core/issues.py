"""Governance issues (事件) and the event log, both columnar.

An issue moves through the closed loop 发现—上报—分流—处置—反馈—考核
(discover, report, triage, handle, feedback, review). Its state is one
:class:`IssueState` at any time; every transition is appended to the
:class:`EventLog` with its time in hours, so that every outcome can be
recomputed from the log.

Both tables are structures of numpy arrays that grow by doubling, so that the
hot path appends and updates in bulk.
"""

from __future__ import annotations

import re
from enum import IntEnum

import numpy as np
import pandas as pd

from cogov_sim.core.errors import ContractError


class IssueType(IntEnum):
    NEIGHBOUR_DISPUTE = 0  # 邻里纠纷
    PROPERTY_DISPUTE = 1  # 物业纠纷
    FACILITY_FAULT = 2  # 设施故障
    SAFETY_HAZARD = 3  # 安全隐患
    SERVICE_NEED = 4  # 民生需求
    COLLECTIVE_MATTER = 5  # 公共事务
    URBAN_MATTER = 6  # 城市管理小事件: street occupation, rubbish, minor environment problems

    @property
    def key(self) -> str:
        return ISSUE_KEYS[self]


ISSUE_KEYS = (
    "neighbour_dispute",
    "property_dispute",
    "facility_fault",
    "safety_hazard",
    "service_need",
    "collective_matter",
    "urban_matter",
)
DISPUTES = (IssueType.NEIGHBOUR_DISPUTE, IssueType.PROPERTY_DISPUTE)
#: Light matters: the many small events a grid worker finds and handles on the spot
#: (自处置). Case outcomes (closure, response, discovery lag...) are over the other
#: types, the registered cases (流转事件); light matters have outcomes of their own.
LIGHT_TYPES = (IssueType.URBAN_MATTER,)  # numbered after every case type


class IssueState(IntEnum):
    LATENT = 0  # occurred, not yet discovered
    REPORTED = 1  # in a queue, awaiting triage and dispatch
    ASSIGNED = 2  # dispatched to a handler
    RESOLVED = 3  # terminal: fixed
    FAILED = 4  # terminal: closed without being fixed (or lost in transfer)
    ESCALATED = 5  # terminal: a dispute grown into a criminal matter (民转刑)


OPEN_STATES = (IssueState.LATENT, IssueState.REPORTED, IssueState.ASSIGNED)
TERMINAL_STATES = (IssueState.RESOLVED, IssueState.FAILED, IssueState.ESCALATED)


class HandlerKind(IntEnum):
    NONE = -1
    RESIDENT_SELF = 0
    MEDIATOR = 1
    GRID_WORKER = 2
    PROPERTY_FIRM = 3
    NGO = 4
    PARTY_BRANCH = 5
    DEPARTMENT = 6


#: Handler kinds that count as "zone level or below" for grid_level_share.
ZONE_LEVEL = (
    HandlerKind.RESIDENT_SELF,
    HandlerKind.MEDIATOR,
    HandlerKind.GRID_WORKER,
    HandlerKind.PROPERTY_FIRM,
    HandlerKind.NGO,
)


class Channel(IntEnum):
    NONE = -1
    RESIDENT = 0  # the household reports it (worker, hotline or app)
    WORKER = 1  # the zone's grid worker finds it on patrol
    PLATFORM = 2  # a sensor / the platform detects it
    PARTY = 3  # a party member (or the party branch's staff) on a household visit finds it
    NGO = 4  # a social worker on a contracted home visit finds it
    HOTLINE = 5  # the household reports it to the 12345 hotline
    CALLBACK = 6  # a callback finds the problem not fixed and reopens it


#: report channels whose household waits for the issue: it reported it itself, or a
#: callback reopened it (complaints, callbacks and handling priority read this)
WAITING_CHANNELS = (int(Channel.RESIDENT), int(Channel.HOTLINE), int(Channel.CALLBACK))

#: report channels that plug-ins registered (codes follow the built-in ones, in order)
_EXTRA_CHANNELS: list[str] = []
_CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def register_channel(name: str) -> int:
    """Register a report channel of a plug-in's own (e.g. ``"riders"``) and return its
    code, for :attr:`cogov_sim.core.mechanisms.base.Sightings.channel`. The event log
    names it (``events.parquet``'s ``channel`` column); the same name always gets the
    same code in a process. A built-in name (``resident``, ``worker``, ``platform``,
    ``party``) is refused: use :class:`Channel` for those."""
    key = str(name)
    builtin = {m.name.lower() for m in Channel if int(m) >= 0}
    if not _CHANNEL_NAME.match(key):
        raise ValueError(f"a report channel's name is a lower-case identifier, not {name!r}")
    if key in builtin:
        raise ValueError(
            f"report channel {key!r} is built in: use Channel.{key.upper()} instead of "
            "registering it"
        )
    if key not in _EXTRA_CHANNELS:
        if len(builtin) + len(_EXTRA_CHANNELS) >= 127:
            raise ValueError("no room for another report channel (at most 127)")
        _EXTRA_CHANNELS.append(key)
    return len(builtin) + _EXTRA_CHANNELS.index(key)


def channel_names() -> list[str]:
    """The report channels' names by code: the built-in ones, then those registered."""
    return [m.name.lower() for m in sorted(Channel, key=int) if int(m) >= 0] + list(_EXTRA_CHANNELS)


class EventKind(IntEnum):
    """Kinds of event-log rows. ``parent`` is set on OCCUR rows of a recurring
    dispute (-1 otherwise). ``value`` means, by kind: OCCUR severity;
    DISCOVER 1 if the report is accurate else 0; REPORT the deadline (hours);
    ATTEMPT 1 if the handling attempt succeeded else 0; DECIDE 1 if the
    collective decision was carried out; RESOLVE 1 for a false closure (closed
    as resolved to meet a closure target, not fixed); others 0."""

    OCCUR = 0  # -> LATENT
    DISCOVER = 1  # LATENT -> LATENT, channel set
    REPORT = 2  # LATENT -> REPORTED
    DISPATCH = 3  # REPORTED -> ASSIGNED
    TRANSFER = 4  # ASSIGNED -> REPORTED (wrong silo) or -> FAILED (lost)
    ATTEMPT = 5  # a handling attempt completed (no transition by itself)
    REOPEN = 6  # ASSIGNED -> ASSIGNED after a failed attempt
    RESOLVE = 7  # ASSIGNED -> RESOLVED
    FAIL = 8  # ASSIGNED -> FAILED
    CRIMINAL = 9  # open -> ESCALATED
    HOTLINE = 10  # complaint to the 12345 hotline (no transition)
    PETITION = 11  # petition (信访) (no transition)
    WHISTLE = 12  # the community whistles a department (no transition)
    DECIDE = 13  # a collective decision is taken (no transition)
    VISIT = 14  # a department's site visit done; the remedy follows later (no transition)
    CALLBACK = 15  # the household is called back after closure (value 1: satisfied)


_ISSUE_COLUMNS: dict[str, tuple[type, object]] = {
    "itype": (np.int8, -1),
    "hh": (np.int32, -1),
    "zone": (np.int32, -1),
    "community": (np.int32, -1),
    "firm": (np.int32, -1),
    "vulnerable": (np.bool_, False),
    "severity": (np.float64, 0.0),
    "state": (np.int8, -1),
    "t_occur": (np.float64, np.nan),
    "t_discover": (np.float64, np.nan),
    "t_report": (np.float64, np.nan),
    "t_available": (np.float64, np.nan),
    "t_close": (np.float64, np.nan),
    "deadline": (np.float64, np.nan),
    "next_check": (np.float64, np.inf),
    "hours_needed": (np.float64, 0.0),
    "hours_spent": (np.float64, 0.0),
    "handler": (np.int32, -1),
    "handler_kind": (np.int8, -1),
    "channel": (np.int8, -1),
    "accurate": (np.bool_, True),
    "misrouted": (np.bool_, False),
    "attempts": (np.int16, 0),
    "complaints": (np.int16, 0),
    "transfers": (np.int16, 0),
    "whistled": (np.bool_, False),
    "parent": (np.int32, -1),  # the issue this one recurs from, or -1
    "false_closure": (np.bool_, False),  # closed as resolved without being fixed
    "burden": (np.float64, 0.0),  # satisfaction its household has lost to it while open
    "stage": (np.int8, 0),  # 1: a department case awaiting its site visit, else 0
    "rtype": (np.int8, -1),  # the type the report gives (the truth when accurate)
    "rseverity": (np.float64, 0.0),  # the severity the report gives (an estimate)
    "child": (np.int32, -1),  # the issue that a false closure of this one left behind
    "tractable": (np.bool_, True),  # a dispute that can be settled by agreement
}


#: the issue table's columns, in order
ISSUE_COLUMNS: tuple[str, ...] = tuple(_ISSUE_COLUMNS)


class IssueTable:
    """Columnar store of issues; row index = issue id.

    Each column (``table.state``, ``table.t_close``, ...) reads as a view of the rows
    in use (length ``n``); writing through it writes the table. Room for more rows is
    reserved once (uninitialised, so the system commits memory only as rows are added)."""

    read_only = False  # (for tables pickled before the attribute existed)

    def __init__(self, capacity: int = 1024):
        self.n = 0
        #: while True (a mechanism's hook runs), columns read as read-only views and the
        #: buffers are not handed out: a write fails where it is made
        self.read_only = False
        self._cap = max(16, capacity)
        self._data = {
            name: np.empty(self._cap, dtype=dtype) for name, (dtype, _) in _ISSUE_COLUMNS.items()
        }

    def __len__(self) -> int:
        return self.n

    def storage(self, name: str) -> np.ndarray:
        """The whole buffer of column ``name`` (rows in use and reserved room): the
        processes' way to write; refused while the table is read-only."""
        if self.read_only:
            raise ContractError(
                f"the issue table's buffer {name!r} is the processes' to write; a "
                "mechanism changes an open issue's start and hours with CoGovModel.schedule"
            )
        return self._data[name]

    def _grow(self, need: int) -> None:
        cap = max(self._cap, 16)
        while cap < need:
            cap *= 2
        for name, (dtype, _fill) in _ISSUE_COLUMNS.items():
            new = np.empty(cap, dtype=dtype)
            new[: self.n] = self._data[name][: self.n]
            self._data[name] = new
        self._cap = cap

    def add(self, **cols: np.ndarray) -> np.ndarray:
        """Append issues given as equal-length columns; return their ids.

        Raises:
            ContractError: while the table is read-only (a mechanism's hook)."""
        if self.read_only:
            raise ContractError("issues arise from the occurrence process, not from a hook")
        k = len(next(iter(cols.values())))
        unknown = set(cols) - _ISSUE_COLUMNS.keys()
        if unknown:
            raise KeyError(f"unknown issue columns: {sorted(unknown)}")
        if self.n + k > self._cap:
            self._grow(self.n + k)
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        sl = slice(self.n, self.n + k)
        for name, (_dtype, fill) in _ISSUE_COLUMNS.items():
            self._data[name][sl] = cols[name] if name in cols else fill
        self.n += k
        return ids

    def column(self, name: str) -> np.ndarray:
        view = self._data[name][: self.n]
        if self.read_only:
            view.setflags(write=False)
        return view

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: self.column(name) for name in _ISSUE_COLUMNS})

    def __getstate__(self) -> dict:
        # Only the rows in use: the reserved room is neither data nor worth pickling.
        state = self.__dict__.copy()
        state["_data"] = {k: v[: self.n].copy() for k, v in self._data.items()}
        state["_cap"] = self.n  # the buffers' length: the next add grows them
        return state


def _issue_column(name: str) -> property:
    def get(self):
        view = self._data[name][: self.n]
        if self.read_only:
            view.setflags(write=False)
        return view

    return property(get, doc=f"issue column {name!r} (rows in use)")


for _name in _ISSUE_COLUMNS:
    setattr(IssueTable, _name, _issue_column(_name))


_EVENT_COLUMNS: dict[str, type] = {
    "t": np.float64,
    "step": np.int32,
    "issue": np.int32,
    "kind": np.int8,
    "state_from": np.int8,
    "state_to": np.int8,
    "itype": np.int8,
    "vulnerable": np.bool_,
    "handler_kind": np.int8,
    "handler": np.int32,
    "channel": np.int8,
    "value": np.float64,
    "parent": np.int32,
}


#: Events per issue over its life, about (occurrence, discovery, report, dispatch,
#: attempt, closure): the event log's room is reserved from it.
EVENTS_PER_ISSUE = 6.2


class EventLog:
    """Append-only columnar event log. Each row is one event of one issue."""

    def __init__(self, capacity: int = 4096):
        self.n = 0
        self._cap = max(16, capacity)
        self._cols = {k: np.zeros(self._cap, dtype=d) for k, d in _EVENT_COLUMNS.items()}

    def __len__(self) -> int:
        return self.n

    def append(
        self,
        *,
        t,
        step,
        issue,
        kind,
        state_from,
        state_to,
        itype,
        vulnerable,
        handler_kind=-1,
        handler=-1,
        channel=-1,
        value=0.0,
        parent=-1,
    ) -> None:
        """Append one row per element of ``issue``; scalars are broadcast."""
        issue = np.asarray(issue)
        k = issue.shape[0]
        if k == 0:
            return
        if self.n + k > self._cap:
            cap = max(self._cap, 16)
            while cap < self.n + k:
                cap *= 2
            for name, arr in self._cols.items():
                new = np.zeros(cap, dtype=arr.dtype)
                new[: self.n] = arr[: self.n]
                self._cols[name] = new
            self._cap = cap
        sl = slice(self.n, self.n + k)
        c = self._cols
        c["t"][sl] = t
        c["step"][sl] = step
        c["issue"][sl] = issue
        c["kind"][sl] = kind
        c["state_from"][sl] = state_from
        c["state_to"][sl] = state_to
        c["itype"][sl] = itype
        c["vulnerable"][sl] = vulnerable
        c["handler_kind"][sl] = handler_kind
        c["handler"][sl] = handler
        c["channel"][sl] = channel
        c["value"][sl] = value
        c["parent"][sl] = parent
        self.n += k

    def column(self, name: str) -> np.ndarray:
        return self._cols[name][: self.n]

    def __getstate__(self) -> dict:
        return {
            "n": self.n,
            "_cap": self.n,
            "_cols": {k: v.copy() for k, v in self.columns().items()},
        }

    def columns(self) -> dict[str, np.ndarray]:
        """Every column, as views of the rows logged so far (no copy)."""
        return {k: v[: self.n] for k, v in self._cols.items()}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({k: v[: self.n] for k, v in self._cols.items()})
