"""Grid workers (网格员): one per zone, patrolling and finding issues.

Rules: each day the zone's worker patrols ``patrol_hours * cells_per_patrol_hour``
households; a share ``uniform_patrol_share`` of the visits is drawn uniformly
from the zone's households and mechanisms' ``patrol_targets`` hooks place the
rest (e.g. risk grading). In a patrolled cell the worker finds a latent issue
of type ``k`` with probability ``find_prob * coverage[k]`` (coverage 1 for the
types of its silo's remit, ``workers.silo_coverage`` for the others), and
reports it after a uniform delay of up to ``report_delay_hours``; the report
gets type or place wrong with probability
``report_error_k * (1 - training) * tools * (1 + workload_effect * u)``, where
``u`` is the worker's utilisation of the day before (hours used / hours on
duty, patrol included): accuracy follows from training, tools, workload and
the type of issue. It handles small issues (see dispatch).

Fields a mechanism may change (levers): ``hours_per_day``, ``staff_factor``
(pooled staff of merged grids, a multiplier of the worker's hours),
``patrol_hours``, ``cells_per_patrol_hour``, ``find_prob``, ``coverage``
(one per issue type), ``training``, ``tools`` (error factor of the workers'
equipment, 1 without a mobile terminal), ``report_delay_hours``,
``skill_level``, ``uniform_patrol_share``, ``small_threshold``. The handler
capacity follows them (:meth:`GridWorkers.sync_capacity`, after every
mechanism's setup). ``patrol_hours`` and ``small_threshold`` may also be an
array with one value per zone (a class's grid teams decide them zone by zone,
:mod:`cogov_sim.core.mechanisms.class_play`); the patrol's and dispatch's rules
are then applied zone by zone, and the targeted visits that ``patrol_targets``
hooks place are the street's mean per zone.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.actors.handlers import HandlerGroup
from cogov_sim.core.issues import ISSUE_KEYS
from cogov_sim.core.places import rate_factors
from cogov_sim.core.world import HOUSING_TYPES


def staff_by_zone(cfg, world) -> np.ndarray:
    """Grid workers per zone. The street's staff is one worker per
    ``households_per_grid`` households of each housing type (200 in urban villages,
    300 in ordinary communities); ``workers.staffing`` shares it among zones by their
    households' expected work (``workload``: issue rates of the worker's types times
    hours, by housing type) or by their households (``households``)."""
    ht = world.housing.astype(np.int64)
    per_grid = np.array([getattr(cfg.housing, t).households_per_grid for t in HOUSING_TYPES])
    total = float(np.sum(1.0 / per_grid[ht]))
    if cfg.workers.staffing == "households":
        load = np.ones(world.n)
    else:
        ic = cfg.issues
        remit = set(cfg.workers.remit) | {"urban_matter"}
        hours = np.array(
            [
                getattr(ic, k).rate * getattr(ic, k).base_hours if k in remit else 0.0
                for k in ISSUE_KEYS
            ]
        )
        load = (rate_factors(cfg.housing) @ hours)[ht]
    by_zone = np.bincount(world.zone, weights=load, minlength=world.n_zones)
    return total * by_zone / max(by_zone.sum(), 1e-12)


class GridWorkers(HandlerGroup):
    """The zones' grid workers: levers, capacity and the daily patrol."""

    group = "worker"

    def __init__(self, handlers, cfg, world):
        super().__init__(handlers)
        wc = cfg.workers
        self.world = world
        self.hours_per_day = wc.hours_per_day
        self.staff_factor = 1.0
        self.patrol_hours = wc.patrol_hours
        self.cells_per_patrol_hour = wc.cells_per_patrol_hour
        self.find_prob = wc.find_prob
        self.in_remit = np.array([k in wc.remit for k in ISSUE_KEYS])
        #: find factor per issue type (1 inside the silo's remit)
        self.coverage = np.where(self.in_remit, 1.0, wc.silo_coverage)
        self.training = wc.training
        self.tools = 1.0
        self.workload_effect = wc.workload_effect
        self.report_error = np.array([getattr(cfg.issues, k).report_error for k in ISSUE_KEYS])
        self.report_delay_hours = wc.report_delay_hours
        self.skill_level = wc.skill
        #: severity up to which the worker handles a report it found itself (silo)
        self.small_threshold = wc.small_threshold
        self.uniform_patrol_share = 1.0
        #: an all-round worker (integrated grid) handles a wrongly recorded case as what it
        #: is, without sending it back
        self.all_round = False
        #: paid overtime a worker may add on a busy day, a share of its hours
        self.overtime_share = wc.overtime_share
        #: workers per zone: the street's staff, shared by households or by workload
        self.staff = staff_by_zone(cfg, world)
        self.patrolled_today = np.empty(0, dtype=np.int64)
        #: households seen from the street today (within one cell of a patrolled one)
        self.seen_today = np.zeros(world.n, dtype=bool)
        self.sync_capacity()

    def sync_capacity(self) -> None:
        """Write the workers' hours, patrol hours and skill into the handler arrays."""
        self.hours = self.hours_per_day * self.staff * self.staff_factor
        self.reserved = self.patrol_hours
        self.skill = self.skill_level

    def add_overtime(self) -> None:
        """Start of day: a worker whose zone ended yesterday with more work waiting than
        today's handling hours adds paid overtime, up to ``overtime_share`` of its hours."""
        h = self.handlers
        sl = self.slice
        free = h.cap_today[sl] - h.used_today[sl]
        extra = np.clip(h.backlog[sl] - free, 0.0, self.overtime_share * h.hours[sl])
        if extra.any():
            h.cap_today[sl] += extra
            h.staff_today[sl] += extra

    def report_accuracy(self, itype: np.ndarray, zone: np.ndarray) -> np.ndarray:
        """Probability that the zone workers' reports of issues of types ``itype`` are right."""
        u = self.handlers.util_yesterday[self.index(zone)]
        err = (
            self.report_error[itype]
            * (1.0 - self.training)
            * self.tools
            * (1.0 + self.workload_effect * u)
        )
        return 1.0 - np.clip(err, 0.0, 1.0)

    @property
    def visits_per_zone(self) -> int:
        """Patrol visits per zone per day (the street's mean, rounded, when patrol hours
        differ by zone)."""
        return int(round(float(np.mean(self.patrol_hours)) * self.cells_per_patrol_hour))

    def uniform_patrol(self, model) -> tuple[np.ndarray, int] | None:
        """Draw today's uniform patrol visits of every zone: their households and the
        visits per zone left for targeting (None when the workers do not patrol)."""
        if np.ndim(self.patrol_hours):
            return self._uniform_patrol_by_zone(model)
        w, rng = self.world, model.rng
        per_zone = self.visits_per_zone
        if per_zone <= 0:
            self.patrolled_today = np.empty(0, dtype=np.int64)
            return None
        uniform = int(round(per_zone * self.uniform_patrol_share))
        size = np.diff(w.zone_start)
        zones = np.flatnonzero(size > 0)
        u = rng.random((zones.size, uniform))
        pos = w.zone_start[zones][:, None] + (u * size[zones][:, None]).astype(np.int64)
        return w.zone_order[pos.ravel()].astype(np.int64), per_zone - uniform

    def _uniform_patrol_by_zone(self, model) -> tuple[np.ndarray, int] | None:
        """:meth:`uniform_patrol` with patrol hours per zone: each zone's own number of
        uniform visits (the same draws, in the same order, as the street-wide rule when
        every zone has the same hours)."""
        w, rng = self.world, model.rng
        hours = np.broadcast_to(np.asarray(self.patrol_hours, dtype=np.float64), (w.n_zones,))
        visits = np.round(hours * self.cells_per_patrol_hour).astype(np.int64)
        if not visits.any():
            self.patrolled_today = np.empty(0, dtype=np.int64)
            return None
        uniform = np.round(visits * self.uniform_patrol_share).astype(np.int64)
        size = np.diff(w.zone_start)
        zones = np.flatnonzero(size > 0)
        n = uniform[zones]
        z = np.repeat(zones, n)
        u = rng.random(z.size)
        pos = w.zone_start[z] + (u * size[z]).astype(np.int64)
        targeted = int(round(float(np.mean(visits - uniform))))
        return w.zone_order[pos].astype(np.int64), targeted

    def patrol(self, model, hh: np.ndarray, extra: list[np.ndarray]) -> np.ndarray:
        """Today's patrol: the uniform visits ``hh`` and the targeted ones ``extra``
        (mechanisms' ``patrol_targets``); return the patrolled households."""
        if extra:
            hh = np.concatenate([hh, *extra])
        model.residents.last_patrol[hh] = model.day
        self.patrolled_today = hh
        self.seen_today = self._street_view(hh)
        return hh

    def _street_view(self, hh: np.ndarray) -> np.ndarray:
        """Households within one cell (Moore) of the patrolled households ``hh``."""
        w = self.world
        grid = np.zeros(w.height * w.width, dtype=bool)
        grid[w.cell_index[hh]] = True
        grid = grid.reshape(w.height, w.width)
        seen = grid.copy()
        seen[1:, :] |= grid[:-1, :]
        seen[:-1, :] |= grid[1:, :]
        row = seen.copy()
        seen[:, 1:] |= row[:, :-1]
        seen[:, :-1] |= row[:, 1:]
        return seen.ravel()[w.cell_index]
