"""The participatory class: students play the street's actors on their own devices.

- :mod:`.game` -- one class: players, roles, rounds, decisions, the baseline;
- :mod:`.registry` -- the server's classes, by join code, and their timers;
- :mod:`.figures` -- what each role and the console see after a round;
- :mod:`.record` -- the debrief: export, replay from the file, the debrief page;
- :mod:`.pictures` -- the console's map and the debrief's figure (matplotlib);
- :mod:`.web` -- the pages and the JSON API, served by ``cogov-sim-viz``;
- :mod:`.labels` -- every word the pages show, in English and Chinese.

The model side is :mod:`cogov_sim.core.mechanisms.class_play`.
"""
