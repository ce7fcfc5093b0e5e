"""cogov-sim's Hydra config tree, installed as the package ``cogov_sim.conf``.

Hydra's ``pkg://`` search path needs this file; see ``cogov_sim/frontends/hydra_setup.py``.
"""
