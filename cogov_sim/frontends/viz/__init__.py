"""The teaching app and animation export.

- :mod:`cogov_sim.frontends.viz.session`: settings and the side-by-side run (no UI imports);
- :mod:`cogov_sim.frontends.viz.render`: map and chart frames with matplotlib (no Solara);
- :mod:`cogov_sim.frontends.viz.export`: GIF/MP4 of any run;
- :mod:`cogov_sim.frontends.viz.canvas`, :mod:`cogov_sim.frontends.viz.feed`: what the browser
  draws the maps and charts from (a scene per run, a few bytes a day; no Solara);
- :mod:`cogov_sim.frontends.viz.app`: the Solara page; :mod:`cogov_sim.frontends.viz.server`:
  ``cogov-sim-viz``;
  :mod:`cogov_sim.frontends.viz.memory`: closed sessions' memory back to the system;
  :mod:`cogov_sim.frontends.viz.local`: the app served in the background, with Chromium's flags
  (tests, benchmarks).

Nothing here is imported by the model or the command line unless asked for
(``output.animation`` imports the renderer).
"""
