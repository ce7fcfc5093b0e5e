"""``python -m cogov_sim`` runs the Hydra command line app."""

from cogov_sim.frontends.cli import main

if __name__ == "__main__":
    main()
