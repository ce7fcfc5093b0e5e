from cogov_sim.analysis.explore.cli import main

main()
