"""Calibration to the reported patterns, one concept in two modes.

- :mod:`~cogov_sim.analysis.calibration.point` (``cogov-sim-calibrate``): a fast
  point fit with optuna (TPE) of the parameters each pattern constrains; writes the
  best overrides as a config.
- :mod:`~cogov_sim.analysis.calibration.posterior` (``cogov-sim-explore calibrate``):
  the posterior of the shared parameters by neural posterior estimation (sbi, the
  ``explore`` extra), with a predictive check beside the patterns and the untouched
  validation list. It reuses the point fit's parameter handling.

Both read the patterns from :mod:`cogov_sim.analysis.patterns` and never the
validation list (:mod:`cogov_sim.analysis.holdout`).
"""
