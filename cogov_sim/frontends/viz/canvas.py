"""What the browser needs to draw a classroom run itself: arrays, not pictures.

The app's maps and charts are drawn in the browser, on ``<canvas>`` elements
(``classroom_view.vue``), so the server does no drawing or image encoding per
day: a day costs the model step and a few kilobytes of data. No Solara here.

- :func:`map_layers`, once per run and colouring: the map's fixed layers as PNG
  data addresses (the frame and colour bar; the boundaries and actors on a
  transparent layer, laid over the cells and issues), drawn by the same
  matplotlib figure as :class:`~cogov_sim.frontends.viz.render.MapRenderer`, the pixel box
  of the lattice in them, the households' cells and a 256-colour table.
- :func:`map_day`, every day: one byte per household (its colour's index in that
  table) and three bytes per open issue (x, y, type * 2 + undiscovered), each in
  base64; issues in type order, as the server-drawn map layers them.
- :class:`SeriesFeed`: the outcome series, sent as the points the browser has
  not had yet (a new run or a browser that lost track starts from the first day).
"""

from __future__ import annotations

import base64
import io

import numpy as np

from cogov_sim.core.issues import IssueState
from cogov_sim.frontends.viz.labels import CHARTS
from cogov_sim.frontends.viz.render import (
    ISSUE_STYLE,
    NO_HOUSEHOLD,
    MapData,
    MapRenderer,
    colormap,
    difference_colormap,
    difference_shades,
    household_values,
)

#: Colours in a map's table; an index is ``min(int(value * N_COLOURS), N_COLOURS - 1)``,
#: which is how a matplotlib colour map bins a value in [0, 1].
N_COLOURS = 256


def _b64(data: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(data, dtype=np.uint8).tobytes()).decode("ascii")


def _png_url(rgba: np.ndarray) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def colour_table(variable: str, palette: str = "cividis", difference: bool = False) -> np.ndarray:
    """(256, 3) uint8: the colour of each cell index (see :data:`N_COLOURS`)."""
    cmap = difference_colormap() if difference else colormap(variable, palette)
    centres = (np.arange(N_COLOURS) + 0.5) / N_COLOURS
    return np.round(cmap(centres)[:, :3] * 255).astype(np.uint8)


def colour_index(values: np.ndarray) -> np.ndarray:
    """The colour-table index of each value in [0, 1] (NaN and values outside clipped)."""
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    return np.clip((v * N_COLOURS).astype(np.int64), 0, N_COLOURS - 1).astype(np.uint8)


def map_layers(
    world, variable: str, palette: str = "cividis", px: int = 460, difference: bool = False
) -> dict:
    """The fixed part of a map (see the module's docstring); JSON-ready. ``difference``:
    the map of mechanisms minus baseline."""
    r = MapRenderer(world, variable, px=px, palette=palette, difference=difference)
    layers = r.layers()
    x0, y0, w, h = layers["box"]
    # Marker size as matplotlib draws it: scatter's s is in points squared.
    dpi = r.fig.dpi
    s = 2400.0 / max(world.width, world.height) * 1.8
    return {
        "width": int(layers["background"].shape[1]),
        "height": int(layers["background"].shape[0]),
        "box": [float(x0), float(y0), float(w), float(h)],
        "cols": int(world.width),
        "rows": int(world.height),
        "background": _png_url(layers["background"]),
        "overlay": _png_url(layers["overlay"]),
        "hh_x": _b64(world.x),
        "hh_y": _b64(world.y),
        "colours": colour_table(variable, palette, difference).ravel().tolist(),
        "empty": NO_HOUSEHOLD,
        "issue_styles": [[m, c] for m, c in ISSUE_STYLE],
        "marker_px": float(np.sqrt(s) * dpi / 72.0),
        "marker_lw": float(1.4 * dpi / 72.0),
    }


def open_issues(model) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x, y, type and undiscovered flag of every open issue, in type order (stable)."""
    ids = model.open_ids
    iss = model.issues
    open_ = ids[iss.state[ids] <= IssueState.ASSIGNED]
    order = np.argsort(iss.itype[open_], kind="stable")
    open_ = open_[order]
    hh = iss.hh[open_]
    w = model.world
    latent = iss.state[open_] == IssueState.LATENT
    return w.x[hh], w.y[hh], iss.itype[open_], latent


def map_day(model, variable: str) -> dict:
    """One day of one map: ``cells`` and ``issues`` in base64 (call under the run's lock)."""
    x, y, kind, latent = open_issues(model)
    issues = np.column_stack([x, y, kind.astype(np.int64) * 2 + latent]).astype(np.uint8)
    return {
        "cells": _b64(colour_index(household_values(model, variable))),
        "issues": _b64(issues.ravel()),
    }


def difference_day(baseline, treatment, variable: str) -> dict:
    """One day of the difference map: each household's value with the mechanisms minus in
    the baseline (same street, same households), as colour indices; no issue markers (an
    issue is one run's). Call under the run's lock."""
    d = household_values(treatment, variable) - household_values(baseline, variable)
    return {"cells": _b64(colour_index(difference_shades(d, variable))), "issues": ""}


def decode_map_day(day: dict) -> tuple[np.ndarray, np.ndarray]:
    """The cells (uint8, one per household) and issues ((k, 3) uint8) of :func:`map_day`."""
    cells = np.frombuffer(base64.b64decode(day["cells"]), dtype=np.uint8)
    issues = np.frombuffer(base64.b64decode(day["issues"]), dtype=np.uint8).reshape(-1, 3)
    return cells, issues


def map_data_of_day(world, day: dict, table: np.ndarray) -> MapData:
    """The :class:`MapData` a day's bytes stand for (cell values at their colour's centre):
    what the browser draws, for comparison with the server-drawn map."""
    cells, issues = decode_map_day(day)
    grid = np.full((world.height, world.width), np.nan)
    grid[world.y, world.x] = (cells.astype(float) + 0.5) / N_COLOURS
    return MapData(
        values=grid,
        issue_x=issues[:, 0].astype(float),
        issue_y=issues[:, 1].astype(float),
        issue_type=issues[:, 2] // 2,
        issue_latent=(issues[:, 2] % 2).astype(bool),
        day=-1,
    )


class SeriesFeed:
    """The outcome series of a run's models, sent as what the browser has not had yet.

    :meth:`tail` returns ``{"from": k, "series": {role: {outcome: [values from day k]}}}``
    and remembers what it sent; :meth:`restart` makes the next tail start from the first
    day (a new run, or a browser whose series do not end where the tail starts). Values
    are shares (0-1) or hours, rounded to 6 digits; NaN (no value yet) is sent as None.
    """

    def __init__(self):
        self.sent = 0

    def restart(self) -> None:
        self.sent = 0

    def tail(self, models) -> dict:
        start = self.sent
        series, n = {}, start
        for role, model in models:
            mv = model.datacollector.model_vars
            out = {}
            for key, _, _ in CHARTS:
                values = mv.get(key, ())
                n = len(values)
                out[key] = [
                    None if v is None or not np.isfinite(v) else round(float(v), 6)
                    for v in values[start:]
                ]
            series[role] = out
        self.sent = n
        return {"from": start, "series": series}


def latest_values(models) -> dict[str, dict[str, float]]:
    """role -> variable -> its latest value (NaN before there is one): the charted outcomes,
    as the charts end, and the processes the summary explains them by
    (:data:`cogov_sim.frontends.viz.summary.CHANNELS`)."""
    from cogov_sim.frontends.viz.summary import CHANNEL_KEYS

    keys = [key for key, _, _ in CHARTS] + list(CHANNEL_KEYS)
    out = {}
    for role, model in models:
        mv = model.datacollector.model_vars
        out[role] = {key: float(mv[key][-1]) if mv.get(key) else float("nan") for key in keys}
    return out
