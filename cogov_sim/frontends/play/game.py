"""One class playing one street: its players, roles, rounds, decisions and baseline.

No web and no UI here (:mod:`cogov_sim.frontends.play.web` serves it; tests drive it
directly). A :class:`ClassGame` holds two models of the same street and seed: the
class's, where the players' decisions act through
:class:`~cogov_sim.core.mechanisms.class_play.ClassPlay`, and the automatic baseline,
where nobody decides. Both run a warm-up (``warmup_days``) before round 1, then
``days_per_round`` days per round, together.

Rules of play:

- A player joins with a display name and gets the first free role in the class's
  order (:func:`~cogov_sim.core.mechanisms.class_play.class_roles`), or watches when
  every role is taken; a watcher may take a role that is (or becomes) free. A
  player's secret token identifies them: a page that comes back with it keeps
  its role.
- A player decides only for their own role (a decision for another is refused
  with :class:`NotYours`); a bad value is refused with the lever's range, the
  round goes on.
- A round ends when every connected player with a role is ready (a page that has
  not been heard from for :data:`CONNECTED_SECONDS` does not hold the class up; its
  player keeps the role), when the teacher's timer runs out, or when the teacher
  skips it. What a role did not decide stays as it
  was (the last decision, or the street's own setting).
- The teacher can pause (the timer stops), resume, extend the timer, skip, and
  rewind: the street goes back to the start of the round before, rebuilt by
  replaying the decisions before it (the same seed and decisions give the same
  street, bit for bit).

Every state change happens under the game's lock; reads take it too, so a page
never sees half a round.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from cogov_sim.core.issues import ISSUE_COLUMNS
from cogov_sim.core.mechanisms.class_play import (
    ROLE_KINDS,
    SPEC,
    DecisionError,
    Role,
)
from cogov_sim.core.model import CoGovModel
from cogov_sim.frontends.play import figures as fig


class ClassError(ValueError):
    """Bad input from a page or an action the class's state does not allow: the message
    is shown to the person who sent it."""


class NotYours(ClassError):
    """A request for a role or a class that the sender does not hold (a forged or stale
    request): refused."""


#: display names: letters, digits, spaces and a few signs, 1-24 characters
NAME = re.compile(r"^[\w .'\-·]{1,24}$")

STATES = ("lobby", "deciding", "paused", "finished")

#: a page polls every second; one not heard from for this long counts as gone
CONNECTED_SECONDS = 10.0


@dataclass
class ClassSetup:
    """What the teacher chooses when opening a class."""

    world: str = "street"
    seed: int = 1
    mechanisms: tuple[str, ...] = ()
    rounds: int = 6
    days_per_round: int = 30
    warmup_days: int = 90
    kinds: tuple[str, ...] = ROLE_KINDS
    #: roles of the first this many communities are offered (0: of every community)
    communities: int = 0
    round_seconds: float = 180.0
    budget_yuan_month: float = 60000.0
    #: the class agreed that its decisions be kept (anonymised) for research
    research: bool = False

    def check(self) -> ClassSetup:
        """Self, with a ClassError naming the first bad field."""
        from cogov_sim.core.config import world_presets
        from cogov_sim.core.mechanisms import MECHANISMS

        worlds = world_presets()
        if self.world not in worlds:
            raise ClassError(f"world {self.world!r} is not one of {', '.join(sorted(worlds))}")
        checks = (
            ("seed", self.seed, 0, 2**31 - 1),
            ("rounds", self.rounds, 1, 24),
            ("days_per_round", self.days_per_round, 1, 91),
            ("warmup_days", self.warmup_days, 0, 365),
            ("communities", self.communities, 0, 1000),
        )
        for name, v, lo, hi in checks:
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ClassError(f"{name} must be a whole number in [{lo}, {hi}], not {v!r}")
        if not (isinstance(self.round_seconds, (int, float)) and 10 <= self.round_seconds <= 3600):
            raise ClassError(f"round_seconds must be in [10, 3600], not {self.round_seconds!r}")
        if not (
            isinstance(self.budget_yuan_month, (int, float)) and 0 <= self.budget_yuan_month <= 1e8
        ):
            raise ClassError(
                f"budget_yuan_month must be in [0, 1e8], not {self.budget_yuan_month!r}"
            )
        bad = [m for m in self.mechanisms if m not in MECHANISMS]
        if bad:
            raise ClassError(f"no mechanism {bad[0]!r} (known: {', '.join(MECHANISMS)})")
        kinds = tuple(self.kinds)
        if not kinds:
            raise ClassError("choose at least one kind of role to offer")
        if any(k not in ROLE_KINDS for k in kinds):
            raise ClassError(f"roles on offer must be among {', '.join(ROLE_KINDS)}, not {kinds!r}")
        self.kinds = tuple(k for k in ROLE_KINDS if k in kinds)
        self.mechanisms = tuple(self.mechanisms)
        return self

    def config(self) -> dict:
        """The street's config (the class's and the baseline's)."""
        return {
            "world": self.world,
            "seed": int(self.seed),
            "steps": self.warmup_days + self.rounds * self.days_per_round,
            "outcomes": {"warmup_days": self.warmup_days},
            "mechanisms": [*self.mechanisms, SPEC],
            "mechanism_params": {"class_play": {"budget_yuan_month": self.budget_yuan_month}},
        }

    @classmethod
    def from_dict(cls, d: dict) -> ClassSetup:
        if not isinstance(d, dict):
            raise ClassError("a class's setup is a mapping of field to value")
        unknown = sorted(set(d) - set(cls.__dataclass_fields__))
        if unknown:
            raise ClassError(
                f"no setting {unknown[0]!r} (settings: {', '.join(cls.__dataclass_fields__)})"
            )
        d = dict(d)
        for k in ("mechanisms", "kinds"):
            if k in d:
                if not isinstance(d[k], (list, tuple)):
                    raise ClassError(f"{k} must be a list")
                d[k] = tuple(d[k])
        return cls(**d).check()


@dataclass
class Player:
    token: str
    name: str
    role: str | None
    joined: float
    seen: float
    decided: int = 0  # decisions sent


@dataclass
class RoundRecord:
    """One round played: the decisions applied at its start and the figures at its end."""

    number: int
    day: int  # the round's first day
    decisions: dict[str, dict]
    by: dict[str, str]  # role -> the player (name) who decided it
    ready: list[str]
    how: str  # "ready", "timer", "skipped"
    figures: dict = field(default_factory=dict)
    baseline: dict = field(default_factory=dict)
    digest: str = ""


def world_digest(model) -> str:
    """A fingerprint of a model's state: every issue column and event, the residents'
    states, the handlers' capacities, queues and books, the firms' money and quality,
    the departments' outside queue, the ledger, and the random stream's position."""
    h = hashlib.sha256()
    n = model.issues.n
    for name in ISSUE_COLUMNS:
        h.update(np.ascontiguousarray(getattr(model.issues, name)[:n]).tobytes())
    ev = model.events
    for name in sorted(ev._cols):
        h.update(np.ascontiguousarray(ev._cols[name][: ev.n]).tobytes())
    r = model.residents
    for a in (r.satisfaction, r.trust, r.property_sat, r.last_part, r.points):
        h.update(np.ascontiguousarray(a).tobytes())
    hd = model.handlers
    for a in (hd.used_total, hd.cap_total, hd.paid_total, hd.hours, hd.reserved, hd.backlog):
        h.update(np.ascontiguousarray(a).tobytes())
    f = model.firms
    for a in (f.quality, f.paid, f.billed, f.oversight, f.service_level):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(np.ascontiguousarray(model.departments.out_rem).tobytes())
    h.update(repr(sorted(model.ledger.by_item.items())).encode())
    h.update(repr(model.rng.bit_generator.state).encode())
    h.update(str(model.day).encode())
    return h.hexdigest()


class ClassGame:
    """One class: see the module docstring."""

    def __init__(self, setup: ClassSetup, code: str, clock=time.monotonic):
        self.setup = setup.check()
        self.code = code
        self.teacher_key = secrets.token_urlsafe(18)
        self.created = time.time()
        self.clock = clock
        self.lock = threading.RLock()
        self.players: dict[str, Player] = {}
        self.state = "lobby"
        self.rounds: list[RoundRecord] = []
        self.pending: dict[str, dict] = {}
        self.by: dict[str, str] = {}
        self.ready: set[str] = set()
        self.deadline = float("inf")
        self.left_when_paused = 0.0
        #: seconds the last round took to advance (the models' days and the figures)
        self.advance_seconds = float("nan")
        #: a counter that changes with every state change (pages poll it)
        self.version = 0
        #: called with the game when its last round has been played (the registry keeps
        #: a research copy of a class that agreed to it); a failure is reported, and the
        #: class stays finished
        self.on_finish = None
        #: the thread running ``on_finish``, once started
        self.ending: threading.Thread | None = None
        #: the last round that failed and was undone (shown on the console)
        self.error = ""
        self._build(())

    # -------------------------------------------------------------- models
    def _build(self, decisions: tuple[RoundRecord, ...]) -> None:
        cfg = self.setup.config()
        self.model = CoGovModel(cfg)
        self.baseline = CoGovModel(cfg)
        for _ in range(self.setup.warmup_days):
            self.model.step()
            self.baseline.step()
        self.play = self.model.mechanisms.get("class_play")
        n = self.setup.communities
        self.roles: list[Role] = [
            r
            for r in self.play.roles.values()
            if r.kind in self.setup.kinds and (n == 0 or r.community < n)
        ]
        self.role_by_id = {r.id: r for r in self.roles}
        for rec in decisions:
            self._play_round(rec)

    def _play_round(self, rec: RoundRecord) -> None:
        """Run one round with its decisions; fill its figures and digest."""
        start = time.perf_counter()
        m, b = self.model, self.baseline
        if rec.decisions:
            self.play.plan(m, m.day + 1, rec.decisions)
        rec.day = m.day + 1
        since_m, since_b = fig.Tally(m), fig.Tally(b)
        for _ in range(self.setup.days_per_round):
            m.step()
            b.step()
        rec.figures = fig.round_figures(m, since_m, self.roles)
        rec.baseline = fig.round_figures(b, since_b, self.roles)
        rec.digest = world_digest(m)
        self.advance_seconds = time.perf_counter() - start

    # ------------------------------------------------------------- players
    def join(self, name: str) -> Player:
        """A new player: the first free role, or a watcher."""
        name = " ".join(str(name or "").split())
        if not NAME.match(name):
            raise ClassError(
                "enter a display name of 1 to 24 letters, digits, spaces or .'-· "
                f"(got {name[:30]!r})"
            )
        with self.lock:
            if self.state == "finished":
                raise ClassError("this class has finished; ask the teacher for the debrief")
            free = self.free_roles()
            now = self.clock()
            p = Player(secrets.token_urlsafe(18), name, free[0] if free else None, now, now)
            self.players[p.token] = p
            self._changed()
            return p

    def free_roles(self) -> list[str]:
        held = {p.role for p in self.players.values()}
        return [r.id for r in self.roles if r.id not in held]

    def player(self, token: str) -> Player:
        p = self.players.get(str(token or ""))
        if p is None:
            raise NotYours("this page is not (or no longer) a player of this class: join again")
        p.seen = self.clock()
        return p

    def take_role(self, token: str, role_id: str) -> Player:
        """A watcher (or a player changing role before round 1) takes a free role."""
        with self.lock:
            p = self.player(token)
            if role_id not in self.role_by_id:
                raise ClassError(f"no role {role_id!r} in this class")
            if role_id not in self.free_roles():
                raise ClassError(f"role {role_id!r} is taken")
            if p.role is not None and self.state != "lobby":
                raise ClassError("a player keeps their role once the class has started")
            p.role = role_id
            self._changed()
            return p

    # ----------------------------------------------------------- decisions
    def decide(self, token: str, role_id: str, values: dict) -> dict:
        """Player ``token``'s decision for their role ``role_id`` this round."""
        with self.lock:
            p = self.player(token)
            if p.role != role_id:
                mine = p.role or "no role (watching)"
                raise NotYours(f"this page plays {mine}; it cannot decide for {role_id!r}")
            if self.state not in ("lobby", "deciding", "paused"):
                raise ClassError("the class has finished: decisions are closed")
            try:
                clean = self.play.clean(
                    self.model, role_id, {**self.pending.get(role_id, {}), **values}
                )
            except DecisionError as exc:
                raise ClassError(str(exc)) from None
            self.pending[role_id] = clean
            self.by[role_id] = p.name
            p.decided += 1
            self._changed()
            return clean

    def set_ready(self, token: str, ready: bool = True) -> bool:
        """Mark a player's role ready (or not); the round advances when every player
        with a role is ready. Returns whether the round advanced."""
        with self.lock:
            p = self.player(token)
            if p.role is None:
                raise ClassError("watchers have no decisions to be ready with")
            if self.state != "deciding":
                raise ClassError(f"no round is open for decisions (the class is {self.state})")
            (self.ready.add if ready else self.ready.discard)(p.role)
            self._changed()
            if self._all_ready():
                self._advance("ready")
                return True
            return False

    def _all_ready(self) -> bool:
        """Every connected player with a role is ready (and someone is)."""
        now = self.clock()
        held = {
            q.role
            for q in self.players.values()
            if q.role is not None and now - q.seen < CONNECTED_SECONDS
        }
        return bool(self.ready) and held <= self.ready

    # -------------------------------------------------------- the teacher
    def control(self, action: str, seconds: float = 60.0, role: str = "") -> None:
        """The teacher's ``start``, ``pause``, ``resume``, ``extend`` (by ``seconds``),
        ``skip``, ``rewind`` and ``release`` (``role``: its player watches, and the role is
        free for another; what it decided stays in force)."""
        with self.lock:
            if action == "release":
                holder = [p for p in self.players.values() if p.role == role]
                if not holder:
                    raise ClassError(f"no player holds role {role!r}")
                holder[0].role = None
                self.ready.discard(role)
            elif action == "start":
                self._need("lobby", action)
                self.state = "deciding"
                self.deadline = self.clock() + self.setup.round_seconds
            elif action == "pause":
                self._need("deciding", action)
                self.left_when_paused = max(self.deadline - self.clock(), 0.0)
                self.state = "paused"
            elif action == "resume":
                self._need("paused", action)
                self.state = "deciding"
                self.deadline = self.clock() + self.left_when_paused
            elif action == "extend":
                if not (isinstance(seconds, (int, float)) and 0 < seconds <= 3600):
                    raise ClassError(f"extend by 1 to 3600 seconds, not {seconds!r}")
                self._need(("deciding", "paused"), action)
                self.deadline += seconds
                self.left_when_paused += seconds
            elif action == "skip":
                self._need(("deciding", "paused"), action)
                self._advance("skipped")
            elif action == "rewind":
                if not self.rounds:
                    raise ClassError("there is no round to rewind: round 1 has not been played")
                keep = tuple(self.rounds[:-1])
                undone = self.rounds[-1]
                self._build(keep)
                self.rounds = list(keep)
                self.pending = {k: dict(v) for k, v in undone.decisions.items()}
                self.by = dict(undone.by)
                self.ready = set()
                self.state = "paused"
                self.left_when_paused = self.setup.round_seconds
            else:
                raise ClassError(
                    f"unknown action {action!r} (start, pause, resume, extend, skip, rewind, "
                    "release)"
                )
            self._changed()

    def _need(self, states, action: str) -> None:
        states = (states,) if isinstance(states, str) else states
        if self.state not in states:
            raise ClassError(f"cannot {action}: the class is {self.state}")

    def tick(self) -> bool:
        """Advance the round if its timer ran out, or if every player still connected
        is ready; whether it did."""
        if not self.lock.acquire(blocking=False):  # busy (a round, a rewind): next tick
            return False
        try:
            if self.state != "deciding":
                return False
            if self.clock() >= self.deadline:
                self._advance("timer")
                return True
            if self._all_ready():
                self._advance("ready")
                return True
            return False
        finally:
            self.lock.release()

    def _advance(self, how: str) -> None:
        rec = RoundRecord(
            number=len(self.rounds) + 1,
            day=self.model.day + 1,
            decisions={k: dict(v) for k, v in self.pending.items()},
            by=dict(self.by),
            ready=sorted(self.ready),
            how=how,
        )
        try:
            self._play_round(rec)
        except Exception as exc:
            # The streets may have run part of the round: put them back where the rounds
            # played left them, keep the decisions, and pause for the teacher.
            self._build(tuple(self.rounds))
            self.state = "paused"
            self.left_when_paused = self.setup.round_seconds
            self.error = f"round {rec.number} failed and was undone: {exc!r}"
            self._changed()
            raise ClassError(self.error + "; the class is paused") from exc
        self.error = ""
        self.rounds.append(rec)
        self.pending, self.by, self.ready = {}, {}, set()
        if len(self.rounds) >= self.setup.rounds:
            self.state = "finished"
            self.deadline = float("inf")
            if self.on_finish is not None:  # after this lock is released, on its own thread
                self.ending = threading.Thread(target=self._finish, name="cogov-class-end")
                self.ending.daemon = True
                self.ending.start()
        else:
            self.state = "deciding"
            self.deadline = self.clock() + self.setup.round_seconds
        self._changed()

    def _finish(self) -> None:
        try:
            self.on_finish(self)
        except Exception:  # noqa: BLE001 - the class's end never fails for it
            import traceback

            traceback.print_exc()

    def _changed(self) -> None:
        self.version += 1

    # --------------------------------------------------------------- views
    def seconds_left(self) -> float | None:
        if self.state == "deciding":
            return max(self.deadline - self.clock(), 0.0)
        if self.state == "paused":
            return self.left_when_paused
        return None

    def levers(self, role_id: str) -> list[dict]:
        cur = {**self.play.current[role_id], **self.pending.get(role_id, {})}
        out = []
        for lv in self.play.role_levers[role_id]:
            out.append(
                {
                    **asdict(lv),
                    "value": cur[lv.name],
                    "in_force": self.play.current[role_id][lv.name],
                }
            )
        return out

    def series(self, who: str, key: str) -> dict:
        """Figure ``key`` of ``who`` (``street`` or a role) round by round, class and
        baseline."""
        return {
            "class": [_num(r.figures.get(who, {}).get(key)) for r in self.rounds],
            "baseline": [_num(r.baseline.get(who, {}).get(key)) for r in self.rounds],
        }

    def _busy(self) -> dict | None:
        """A page's view while the class's lock is held (a round or a rewind running):
        None once the lock is taken (release it after the view), else a short view that
        says so, so that a page's poll never waits on the streets."""
        if self.lock.acquire(timeout=0.2):
            return None
        return {"code": self.code, "state": "busy", "busy": True, "version": self.version}

    def student_view(self, token: str) -> dict:
        busy = self._busy()
        if busy is not None:
            self.player(token)  # a stranger learns nothing, busy or not
            return busy
        try:
            return self._student_view(token)
        finally:
            self.lock.release()

    def _student_view(self, token: str) -> dict:
        """(With the game's lock held by the caller.)"""
        p = self.player(token)
        view = self._common()
        view["me"] = {"name": p.name, "role": p.role}
        if p.role is None:
            view["free_roles"] = self.free_roles() if self.state != "finished" else []
            return view
        r = self.role_by_id[p.role]
        view["role"] = {"id": r.id, "kind": r.kind, "community": r.community, "owner": r.owner}
        view["levers"] = self.levers(r.id)
        if r.kind == "office":
            plan = {lv["name"]: lv["value"] for lv in view["levers"]}
            view["cost_yuan_month"] = self.play.cost(self.model, plan)
            view["budget_yuan_month"] = self.play.params.budget_yuan_month
            view["price_yuan_month"] = self.play.prices(self.model)
        view["decided"] = r.id in self.pending
        view["ready"] = r.id in self.ready
        last = self.rounds[-1] if self.rounds else None
        view["figures"] = (
            {
                k: {
                    "class": _num(last.figures[r.id][k]),
                    "baseline": _num(last.baseline[r.id][k]),
                    "better": b,
                }
                for k, b in fig.ROLE[r.kind].items()
            }
            if last
            else {}
        )
        view["headline"] = fig.HEADLINE[r.kind]
        view["headline_series"] = self.series(r.id, fig.HEADLINE[r.kind])
        return view

    def console_view(self) -> dict:
        busy = self._busy()
        if busy is not None:
            return busy
        try:
            return self._console_view()
        finally:
            self.lock.release()

    def _console_view(self) -> dict:
        """(With the game's lock held by the caller.)"""
        view = self._common()
        now = self.clock()
        view["players"] = [
            {
                "name": p.name,
                "role": p.role,
                "connected": now - p.seen < CONNECTED_SECONDS,
                "decided": p.role in self.pending if p.role else False,
                "ready": p.role in self.ready if p.role else False,
            }
            for p in sorted(self.players.values(), key=lambda q: q.joined)
        ]
        view["free_roles"] = self.free_roles()
        view["roles"] = [asdict(r) for r in self.roles]
        view["street"] = {k: self.series("street", k) for k in fig.STREET}
        view["better"] = fig.STREET
        view["leaderboard"] = self.leaderboard()
        view["advance_seconds"] = _num(self.advance_seconds)
        view["setup"] = asdict(self.setup)
        view["error"] = self.error
        return view

    def _common(self) -> dict:
        return {
            "code": self.code,
            "state": self.state,
            "round": len(self.rounds) + (0 if self.state == "finished" else 1),
            "rounds": self.setup.rounds,
            "played": len(self.rounds),
            "days_per_round": self.setup.days_per_round,
            "day": int(self.model.day),
            "seconds_left": self.seconds_left(),
            "version": self.version,
            "players": len(self.players),
        }

    def leaderboard(self) -> dict:
        """Roles ranked by their headline figure's gain over the baseline in the last
        round, and communities by their residents' satisfaction gain."""
        if not self.rounds:
            return {"roles": [], "communities": []}
        last = self.rounds[-1]
        holders = {p.role: p.name for p in self.players.values() if p.role}
        rows = []
        for r in self.roles:
            if r.id not in holders:  # a role no one plays is the street's noise
                continue
            key = fig.HEADLINE[r.kind]
            v, b = last.figures[r.id][key], last.baseline[r.id][key]
            rows.append(
                {
                    "role": r.id,
                    "player": holders.get(r.id, ""),
                    "figure": key,
                    "class": _num(v),
                    "baseline": _num(b),
                    "gain": _num(fig.gain(fig.ROLE[r.kind], key, v, b)),
                }
            )
        rows.sort(key=lambda x: np.inf if x["gain"] is None else -x["gain"])
        w = self.model.world
        comm = []
        n = self.setup.communities or w.n_communities
        for c in range(min(n, w.n_communities)):  # the communities in play
            homes = w.community == c
            v = float(self.model.residents.satisfaction[homes].mean())
            b = float(self.baseline.residents.satisfaction[homes].mean())
            comm.append({"community": c, "class": v, "baseline": b, "gain": v - b})
        comm.sort(key=lambda x: -x["gain"])
        return {"roles": rows, "communities": comm}


def _num(x):
    """A JSON-safe number (None for NaN or missing)."""
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None
