"""The front ends: the Python API, the command line, the Hydra set-up, sweeps and the
teaching app."""
