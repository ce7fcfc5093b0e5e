"""``python -m cogov_sim.frontends.sweep PATH`` is ``cogov-sim-aggregate PATH``."""

from cogov_sim.frontends.sweep.cli import main

if __name__ == "__main__":
    main()
