"""``python -m cogov_sim.sweep PATH`` is ``cogov-sim-aggregate PATH``."""

from cogov_sim.sweep.cli import main

if __name__ == "__main__":
    main()
