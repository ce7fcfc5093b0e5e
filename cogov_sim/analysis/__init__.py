"""Analysis on top of the model: the pattern report and the untouched validation list,
calibration (a fast point fit or the posterior), sensitivity analysis, parameter spaces,
the EMA Workbench connector and the exploration tools (effects, discovery, packages)."""
