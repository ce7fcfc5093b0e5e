"""Places that differ: housing types' issue rates, and the statistics of hot spots.

Housing types (``cogov_sim.core.world.HOUSING_TYPES``) differ in who lives there
(``cogov_sim.core.actors.Residents``) and in how often things go wrong: each type
has a relative rate per group of issue types (``housing.<type>.*_factor``).
The factors are scaled so that the street's reference mix of types
(:data:`REFERENCE_SHARES`) has exactly the configured rates
``issues.<type>.rate`` per eligible household (property disputes: per managed
household): the rates stay calibrated to the reported figures, and
a world with more old estates or urban villages has more faults and hazards.

Hot spots are measured on issues per zone (every issue that occurred, found or
not: an outcome is the researcher's view, not an actor's):

- Moran's I with queen contiguity on the lattice of zones, row-standardised,
  and a one-sided permutation p-value (``permutations`` random relabellings
  from a generator seeded by the run's seed; ``(1 + #{I_perm >= I}) / (1 +
  permutations)``);
- persistence: Spearman's rank correlation of zone counts between consecutive
  quarters (91-day blocks), averaged.

The well-kept library for these is PySAL (``esda`` with ``libpysal``). It
installs cleanly, but was not used: its permutation test draws from NumPy's
global random state with no way to pass a generator (this project keeps one
stream per run and never touches the global one), importing it takes about
2.8 s (longer than a whole street run), and it brings geopandas, shapely,
pyproj, scikit-learn and requests. The 30 lines below are checked against
esda's values for four lattices in ``tests/test_places.py``.
"""

from __future__ import annotations

import math

import numpy as np

from cogov_sim.core.issues import ISSUE_KEYS
from cogov_sim.core.world import HOUSING_TYPES

#: The street's mix of housing types (shares of compounds) at which the configured
#: issue rates hold: the default street's shares.
REFERENCE_SHARES = {"old_estate": 0.30, "commodity": 0.45, "rental": 0.15, "urban_village": 0.10}

#: Which factor of a housing type scales each issue type's rate (None: no factor;
#: service needs follow the share of vulnerable households instead).
FACTOR_OF = {
    "neighbour_dispute": "dispute_factor",
    "property_dispute": "dispute_factor",
    "facility_fault": "fault_factor",
    "safety_hazard": "hazard_factor",
    "service_need": None,
    "collective_matter": "collective_factor",
    "urban_matter": "urban_factor",
}

#: Days per quarter for hot-spot persistence.
QUARTER_DAYS = 91


def rate_factors(housing) -> np.ndarray:
    """``(len(HOUSING_TYPES), len(ISSUE_KEYS))`` rate multipliers, scaled so that at the
    reference mix the mean over each type's *eligible* households is 1 (property
    disputes arise only in managed compounds, whose share differs by housing type)."""
    ref = np.array([REFERENCE_SHARES[t] for t in HOUSING_TYPES])
    managed = np.array([float(getattr(housing, t).managed) for t in HOUSING_TYPES])
    out = np.ones((len(HOUSING_TYPES), len(ISSUE_KEYS)))
    for k, key in enumerate(ISSUE_KEYS):
        name = FACTOR_OF[key]
        if name is None:
            continue
        f = np.array([float(getattr(getattr(housing, t), name)) for t in HOUSING_TYPES])
        weight = ref * managed if key == "property_dispute" else ref
        mean = float(weight @ f) / float(weight.sum()) if weight.sum() > 0 else 0.0
        out[:, k] = f / mean if mean > 0 else 0.0
    return out


def queen_weights(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Queen-contiguity neighbour pairs ``(i, j)`` of a ``rows x cols`` lattice in
    row-major order (each pair in both directions)."""
    cells = np.arange(rows * cols)
    r, c = np.divmod(cells, cols)
    i, j = [], []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            rr, cc = r + dy, c + dx
            ok = (rr >= 0) & (rr < rows) & (cc >= 0) & (cc < cols)
            i.append(cells[ok])
            j.append((rr * cols + cc)[ok])
    return np.concatenate(i), np.concatenate(j)


def moran(values, rows: int, cols: int, permutations: int = 999, seed: int = 0) -> dict:
    """Moran's I of ``values`` on a ``rows x cols`` lattice (queen contiguity,
    row-standardised): ``I``, its expectation ``EI`` under no autocorrelation, the
    normal-approximation variance ``VI_norm`` and two-sided ``p_norm`` (as esda's), and
    the one-sided permutation p-value ``p_sim`` (NaN without permutations or variance)."""
    y = np.asarray(values, dtype=np.float64)
    if y.size < 3 or rows * cols != y.size:
        return {"I": np.nan, "EI": np.nan, "VI_norm": np.nan, "p_norm": np.nan, "p_sim": np.nan}
    i, j = queen_weights(rows, cols)
    return moran_pairs(y, i, j, permutations, seed)


def moran_pairs(values, i: np.ndarray, j: np.ndarray, permutations: int = 999, seed: int = 0):
    """Moran's I of ``values`` for the neighbour pairs ``(i, j)`` (both directions),
    row-standardised; the same fields as :func:`moran`. A unit without neighbours (an
    island) has no row: it counts in the mean and the variance only."""
    y = np.asarray(values, dtype=np.float64)
    n = y.size
    out = {"I": np.nan, "EI": np.nan, "VI_norm": np.nan, "p_norm": np.nan, "p_sim": np.nan}
    if n < 3 or i.size == 0:
        return out
    deg = np.bincount(i, minlength=n).astype(np.float64)
    w = 1.0 / deg[i]  # row-standardised: each row sums to 1, the weights to n
    z = y - y.mean()
    den = float(z @ z)
    if den == 0:
        return out
    s0 = float(w.sum())
    stat = n / s0 * float((w * z[i] * z[j]).sum()) / den
    ei = -1.0 / (n - 1)
    # Normality variance (Cliff and Ord): s1 over pairs, s2 over rows and columns.
    s1 = 0.5 * float(((w + 1.0 / deg[j]) ** 2).sum())
    s2 = float(((np.where(deg > 0, 1.0, 0.0) + np.bincount(j, weights=w, minlength=n)) ** 2).sum())
    vi = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    out.update(I=stat, EI=ei, VI_norm=vi)
    if vi > 0:
        # 2 * (1 - Phi(|z|)), as scipy.stats.norm.sf computes it (no SciPy import here)
        out["p_norm"] = float(math.erfc(abs(stat - ei) / np.sqrt(vi) / math.sqrt(2.0)))
    if permutations > 0:
        rng = np.random.default_rng(seed)
        larger = 0
        for a in range(0, permutations, 100):  # in batches: memory stays small
            k = min(100, permutations - a)
            zp = z[np.argsort(rng.random((k, n)), axis=1)]  # k relabellings
            sims = n / s0 * (w * zp[:, i] * zp[:, j]).sum(axis=1) / den
            larger += int(np.count_nonzero(sims >= stat))
        out["p_sim"] = (1 + larger) / (1 + permutations)
    return out


def average_ranks(a: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties given their mean rank (``scipy.stats.rankdata``'s "average")."""
    a = np.asarray(a)
    order = np.argsort(a, kind="mergesort")
    inverse = np.empty(a.size, dtype=np.intp)
    inverse[order] = np.arange(a.size)
    s = a[order]
    first = np.r_[True, s[1:] != s[:-1]]
    dense = np.cumsum(first)[inverse]
    count = np.r_[np.nonzero(first)[0], a.size]
    return 0.5 * (count[dense] + count[dense - 1] + 1)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (Pearson's of the average ranks), as SciPy's
    ``spearmanr`` without its import (about 1 s of CPU, in every run's summary)."""
    return float(np.corrcoef(average_ranks(a), average_ranks(b))[0, 1])


def persistence(zone: np.ndarray, t_occur: np.ndarray, n_zones: int, steps: int) -> float:
    """Mean Spearman rank correlation of issues per zone between consecutive quarters
    (NaN with fewer than two full quarters)."""
    quarters = int(steps // QUARTER_DAYS)
    if quarters < 2 or n_zones < 3:
        return np.nan
    q = (t_occur // (24.0 * QUARTER_DAYS)).astype(np.int64)
    ok = q < quarters
    counts = np.zeros((quarters, n_zones))
    np.add.at(counts, (q[ok], zone[ok]), 1.0)
    rs = []
    for a, b in zip(counts[:-1], counts[1:], strict=True):
        if a.std() > 0 and b.std() > 0:
            rs.append(spearman(a, b))
    return float(np.mean(rs)) if rs else np.nan


def prediction_accuracy(
    zone: np.ndarray, t_occur: np.ndarray, t_discover: np.ndarray, n_zones: int, steps: int
) -> float:
    """How well the grid system's knowledge predicts next quarter's high-dispute zones.

    For each pair of consecutive quarters, the zones in the top quarter by disputes
    *discovered* in the first quarter (what the grid knows) are predicted to be the top
    quarter by disputes that *occur* in the next; accuracy is the share of zones
    classified correctly (high or not), averaged over pairs. Chance is about 0.625.
    NaN with fewer than two quarters or four zones."""
    quarters = int(steps // QUARTER_DAYS)
    if quarters < 2 or n_zones < 4:
        return np.nan
    q_len = 24.0 * QUARTER_DAYS
    found = ~np.isnan(t_discover)
    qd = np.where(found, t_discover // q_len, -1).astype(np.int64)
    qo = (t_occur // q_len).astype(np.int64)
    top = max(1, n_zones // 4)
    accs = []
    for q in range(quarters - 1):
        known = np.bincount(zone[qd == q], minlength=n_zones)
        actual = np.bincount(zone[qo == q + 1], minlength=n_zones)
        # Ties broken by zone index (stable), the same for prediction and truth.
        pred = np.zeros(n_zones, dtype=bool)
        pred[np.argsort(-known, kind="stable")[:top]] = True
        true = np.zeros(n_zones, dtype=bool)
        true[np.argsort(-actual, kind="stable")[:top]] = True
        accs.append(float(np.mean(pred == true)))
    return float(np.mean(accs))
