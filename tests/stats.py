"""Paired-difference confidence intervals for mechanism tests."""

from __future__ import annotations

import numpy as np
from scipy import stats


def paired_ci(treated, baseline, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval of treated - baseline over paired seeds."""
    d = np.asarray(treated, dtype=float) - np.asarray(baseline, dtype=float)
    n = d.size
    mean = float(d.mean())
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * d.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half
