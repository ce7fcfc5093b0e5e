"""Small statistics helpers: means and t-based confidence intervals."""

from __future__ import annotations

import math

import numpy as np


def mean_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval of ``values`` (NaNs dropped)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if n == 1:
        return m, math.nan, math.nan
    # Student's t quantile from scipy.special (a third of scipy.stats' import time)
    from scipy.special import stdtrit

    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(n))
    return m, m - half, m + half


def paired_ci(treated, baseline, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and confidence interval of ``treated - baseline`` over paired seeds."""
    t = np.asarray(treated, dtype=float)
    b = np.asarray(baseline, dtype=float)
    return mean_ci(t - b, level)
