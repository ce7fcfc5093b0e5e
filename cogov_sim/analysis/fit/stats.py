"""The same statistics of a work-order log and of the model's own orders on that world.

The model's orders (:func:`model_orders`) are its issues *reported* through the
channels the log holds (a hotline log holds residents' and hotline reports; a grid
platform's, every channel), created at the report and closed at the closure
(resolved or closed unresolved) if that came before the end of the window — so both
sides are censored alike at the window's end. ``reopened`` is an issue closed as
resolved that was not fixed (a false closure) and was reported again by the window's
end (the model's return is an order of its own too, where a log may flag the one row
重办: the model's reopened orders count twice where the log's count once). The model's first day
of the window is given the log's first weekday, so weekdays line up.

Statistics (:func:`statistics`), each one number:

- ``rate_<type>`` and ``rate_all``: orders per 1,000 households a year;
- ``weekend_share``: share created on Saturday or Sunday (no weekly cycle: 2/7);
- ``office_hours_share``: share created between 08:00 and 18:00;
- ``dispersion``: variance / mean of the daily counts of all orders (Poisson: 1);
- ``close_p50_<type>``, ``close_p90_<type>``: quantiles of hours from creation to
  closure of closed orders;
- ``closure_rate``: share of orders closed by the window's end (a closure after it
  counts as open, in the log as in the model);
- ``reopened_share``: share reopened;
- ``moran_i``: Moran's I of orders per household by grid (the world's grid
  contiguity, row-standardised);
- ``compound_cv``: coefficient of variation of orders per household across compounds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cogov_sim.core.issues import ISSUE_KEYS, IssueState
from cogov_sim.core.places import moran_pairs

#: statistics that are computed per issue type
PER_TYPE = ("rate", "close_p50", "close_p90")
#: the least closed orders of a type for its quantiles to be reported
MIN_CLOSED = 20


def model_orders(
    model, channels: list[int], start_day: int, days: int, start_weekday: int
) -> pd.DataFrame:
    """The model's issues reported through ``channels`` in the ``days`` from ``start_day``
    (after the warm-up) as a work-order frame (the columns of
    :class:`cogov_sim.analysis.fit.orders.Orders`)."""
    iss = model.issues
    n = iss.n
    t0 = 24.0 * start_day
    t_end = t0 + 24.0 * days
    t_rep = iss.t_report[:n]
    sel = ~np.isnan(t_rep) & (t_rep >= t0) & (t_rep < t_end)
    sel &= np.isin(iss.channel[:n], channels)
    ids = np.flatnonzero(sel)
    created = t_rep[ids] - t0
    closed_state = iss.state[ids] >= IssueState.RESOLVED
    t_close = iss.t_close[ids]
    closed = np.where(closed_state & (t_close <= t_end), t_close - t0, np.nan)
    hh = iss.hh[ids]
    return pd.DataFrame(
        {
            "type": np.array(ISSUE_KEYS, dtype=object)[iss.itype[ids].astype(np.int64)],
            "created_h": created,
            "closed_h": closed,
            "reopened": _came_back(iss, ids, t_end),
            "compound": model.world.block[hh].astype(np.int64),
            "zone": iss.zone[ids].astype(np.int64),
            "weekday": ((start_weekday + (created // 24.0).astype(np.int64)) % 7),
            "hour": created % 24.0,
        }
    )


def _came_back(iss, ids: np.ndarray, t_end: float) -> np.ndarray:
    """Closed as resolved without being fixed, and reported again by the window's end."""
    child = iss.child[ids]
    has = child >= 0
    back = np.zeros(ids.size, dtype=bool)
    t = iss.t_report[child[has]]
    back[has] = ~np.isnan(t) & (t <= t_end)
    return back


def statistics(
    frame: pd.DataFrame, days: int, world, types: list[str], roles=("closed", "reopened")
) -> dict[str, float]:
    """The statistics of a work-order frame over ``days`` on ``world``, for the model
    issue types ``types`` (those the log's mapping uses); those needing a role the log
    lacks (``closed``, ``reopened``) are NaN."""
    frame = frame[frame["type"].isin(types)]
    n_hh = world.n
    per = 1000.0 / n_hh / (days / 365.0)
    out: dict[str, float] = {"rate_all": len(frame) * per}
    # closed within the window (a log extracted later has closures after it: censored
    # as the model's are)
    closed_h = frame["closed_h"].to_numpy(dtype=float)
    closed_h = np.where(closed_h <= 24.0 * days, closed_h, np.nan)
    wait = closed_h - frame["created_h"].to_numpy(dtype=float)
    for t in types:
        at = (frame["type"] == t).to_numpy()
        out[f"rate_{t}"] = int(at.sum()) * per
        w = wait[at & np.isfinite(wait)]
        ok = w.size >= MIN_CLOSED
        out[f"close_p50_{t}"] = float(np.quantile(w, 0.5)) if ok else math.nan
        out[f"close_p90_{t}"] = float(np.quantile(w, 0.9)) if ok else math.nan
    nrow = max(len(frame), 1)
    out["weekend_share"] = float(frame["weekday"].isin([5, 6]).sum()) / nrow
    h = frame["hour"].to_numpy()
    out["office_hours_share"] = float(((h >= 8) & (h < 18)).sum()) / nrow
    day = (frame["created_h"].to_numpy() // 24.0).astype(np.int64)
    daily = np.bincount(day[(day >= 0) & (day < days)], minlength=days).astype(float)
    out["dispersion"] = float(daily.var() / daily.mean()) if daily.mean() > 0 else math.nan
    out["closure_rate"] = float(np.isfinite(closed_h).sum()) / nrow
    out["reopened_share"] = float(np.asarray(frame["reopened"], dtype=bool).sum()) / nrow
    if "closed" not in roles:
        for k in list(out):
            if k.startswith("close_") or k == "closure_rate":
                out[k] = math.nan
    if "reopened" not in roles:
        out["reopened_share"] = math.nan
    z = frame["zone"].to_numpy()
    hh_zone = np.bincount(world.zone, minlength=world.n_zones).astype(float)
    by_zone = np.bincount(z[z >= 0], minlength=world.n_zones) / np.maximum(hh_zone, 1)
    if world.zone_pairs is not None:
        i, j = world.zone_pairs
        out["moran_i"] = float(moran_pairs(by_zone, i, j, permutations=0)["I"])
    else:
        out["moran_i"] = math.nan
    c = frame["compound"].to_numpy()
    nb = int(world.block_housing.size)
    hh_c = np.bincount(world.block, minlength=nb).astype(float)
    by_c = np.bincount(c[c >= 0], minlength=nb) / np.maximum(hh_c, 1)
    out["compound_cv"] = float(by_c.std() / by_c.mean()) if by_c.mean() > 0 else math.nan
    return out


def per_compound(frame: pd.DataFrame, days: int, world) -> np.ndarray:
    """Orders per 1,000 households a year in each compound."""
    nb = int(world.block_housing.size)
    c = frame["compound"].to_numpy()
    hh_c = np.bincount(world.block, minlength=nb).astype(float)
    return np.bincount(c[c >= 0], minlength=nb) / np.maximum(hh_c, 1) * 1000.0 / (days / 365.0)


def per_zone(frame: pd.DataFrame, days: int, world) -> np.ndarray:
    """Orders per 1,000 households a year in each grid (zone)."""
    z = frame["zone"].to_numpy()
    hh = np.bincount(world.zone, minlength=world.n_zones).astype(float)
    counts = np.bincount(z[z >= 0], minlength=world.n_zones)
    return counts / np.maximum(hh, 1) * 1000.0 / (days / 365.0)


def profiles(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Shares of orders by weekday (7, Monday first) and by hour of the day (24)."""
    n = max(len(frame), 1)
    wk = np.bincount(frame["weekday"].to_numpy().astype(np.int64), minlength=7)[:7] / n
    hr = np.bincount(np.floor(frame["hour"].to_numpy()).astype(np.int64) % 24, minlength=24) / n
    return wk, hr
