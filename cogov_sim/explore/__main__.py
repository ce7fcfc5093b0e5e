from cogov_sim.explore.cli import main

main()
