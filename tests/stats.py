"""Paired-difference confidence intervals for mechanism tests (see cogov_sim.results.stats)."""

from cogov_sim.results.stats import mean_ci, paired_ci

__all__ = ["mean_ci", "paired_ci"]
