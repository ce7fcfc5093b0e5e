"""Your own street: a world from a community's records, its work-order log beside the
model's, and a calibration to that log (``cogov-sim-fit``, ``docs/own_street.md``)."""
