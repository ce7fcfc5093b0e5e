"""The model core: the street, its actors, the issue lifecycle, mechanisms and outcomes.

Everything a run needs and nothing more: this package imports no other part of
cogov_sim (a test holds it to that). Results and I/O (:mod:`cogov_sim.results`),
analysis (:mod:`cogov_sim.analysis`), the front ends (:mod:`cogov_sim.frontends`)
and the doc generators (:mod:`cogov_sim.docgen`) build on it.
"""
