"""cogov-sim's parameter spaces, installed as the package ``cogov_sim.analysis_spaces``.

See ``cogov_sim/analysis/space_files.py``.
"""
