"""Paired-difference confidence intervals for mechanism tests (see cogov_sim.stats)."""

from cogov_sim.stats import mean_ci, paired_ci

__all__ = ["mean_ci", "paired_ci"]
