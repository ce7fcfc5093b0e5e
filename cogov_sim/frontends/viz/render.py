"""Frames of a classroom run: the map of each model and the outcome charts, drawn with
matplotlib's Agg canvas (no Solara here).

A renderer builds its figure once (lattice, boundaries, actors) and on every
frame only swaps the data of its artists, which keeps a 60x60 frame well under
the 300 ms budget (``benchmarks/bench_render.py``). Data is copied out of the
models under the run's lock (:func:`snapshot`) and drawn outside it.

- :class:`MapRenderer`: one model's lattice, residents coloured by a variable,
  zone/compound/community boundaries, grid workers, party branches, property
  firms and NGOs, and open issues as markers by type (hollow while undiscovered).
- :class:`ChartRenderer`: five live outcome panels, one line per model.
- :class:`FrameRenderer`: both in one titled frame, for GIF/MP4 export.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg", force=False)
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FixedLocator, MaxNLocator  # noqa: E402

from cogov_sim.core.issues import ISSUE_KEYS, IssueState  # noqa: E402
from cogov_sim.frontends.viz.labels import (  # noqa: E402
    CHARTS,
    HOUSING_NAMES,
    ISSUE_LABELS,
    PALETTES,
    TEXT,
    VARIABLES,
    mechanism_label,
    t,
)
from cogov_sim.results.fonts import CJK_FAMILIES, cjk_font  # noqa: E402, F401
from cogov_sim.results.plots import boundary_segments  # noqa: E402

#: (marker, colour) of each issue type, in ISSUE_KEYS order.
ISSUE_STYLE = (
    ("X", "#d62728"),  # neighbour dispute
    ("P", "#9467bd"),  # property dispute
    ("s", "#7f7f7f"),  # facility fault
    ("^", "#ff7f0e"),  # safety hazard
    ("o", "#17becf"),  # service need
    ("D", "#8c564b"),  # collective matter
    (".", "#bcbd22"),  # urban matter (light)
)
#: (legend key, marker, face colour) of the actors.
ACTOR_STYLE = {
    "worker": ("legend_worker", "v", "#1f77b4"),
    "party": ("legend_party", "*", "#e41a1c"),
    "firm": ("legend_firm", "h", "#6a3d9a"),
    "ngo": ("legend_ngo", "p", "#ff7f00"),
}
ROLE_STYLE = {
    "baseline": ("#555555", "--"),
    "treatment": ("#1a9850", "-"),
    "single": ("#1a9850", "-"),
    # mechanisms - baseline: the orange end of the difference map's scale
    "difference": ("#b35806", "-"),
}
#: Room above 100 % and below 0 on a share's axis (percentage points).
PAD = 1.5
#: Cells without a household.
NO_HOUSEHOLD = "#e8e8e8"


def figure_language(lang: str) -> str:
    """The language figures can be labelled in: Chinese needs a CJK font, else English."""
    return "zh" if lang == "zh" and cjk_font() else "en"


def _family() -> list[str]:
    cjk = cjk_font()
    return [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"]


# --------------------------------------------------------------- snapshots
@dataclass
class MapData:
    values: np.ndarray  # (height, width), NaN where there is no household
    issue_x: np.ndarray
    issue_y: np.ndarray
    issue_type: np.ndarray
    issue_latent: np.ndarray
    day: int


def household_values(model, variable: str) -> np.ndarray:
    """The value a map colours each household by, in [0, 1], in household order."""
    w, r = model.world, model.residents
    if variable == "participation":
        return (model.day - r.last_part < model.cfg.participation.window_days).astype(float)
    if variable == "housing":
        return w.housing / (len(HOUSING_NAMES) - 1.0)  # 0, 1/3, 2/3, 1: one colour each
    if variable in VARIABLES:
        return np.asarray(getattr(r, variable), dtype=float)
    raise ValueError(f"unknown map variable {variable!r} (allowed: {', '.join(VARIABLES)})")


def map_data(model, variable: str) -> MapData:
    """Copy what a map shows out of ``model`` (call under the run's lock)."""
    w = model.world
    grid = np.full((w.height, w.width), np.nan)
    grid[w.y, w.x] = household_values(model, variable)
    ids = model.open_ids
    iss = model.issues
    open_ = ids[iss.state[ids] <= IssueState.ASSIGNED]
    hh = iss.hh[open_]
    return MapData(
        values=grid,
        issue_x=w.x[hh].astype(float),
        issue_y=w.y[hh].astype(float),
        issue_type=iss.itype[open_].copy(),
        issue_latent=iss.state[open_] == IssueState.LATENT,
        day=int(model.day + 1),
    )


def chart_data(model) -> dict[str, np.ndarray]:
    """Copy the outcome time series of ``model`` (call under the run's lock)."""
    mv = model.datacollector.model_vars
    return {key: np.asarray(mv.get(key, ()), dtype=float) for key, _, _ in CHARTS}


def latest_values(data: dict[str, np.ndarray]) -> dict[str, float]:
    """The last value of each chart series (NaN before there is one)."""
    return {key: float(y[-1]) if y.size else float("nan") for key, y in data.items()}


def snapshot(models, variable: str, lock=None):
    """Maps and charts of ``models``, a list of (role, model), copied under ``lock``."""
    with lock or contextlib.nullcontext():
        maps = [(role, map_data(m, variable)) for role, m in models]
        charts = [(role, chart_data(m)) for role, m in models]
    return maps, charts


def actor_positions(world) -> dict[str, np.ndarray]:
    """(k, 2) x/y of each actor type: workers at their zone's centre, party branches and NGOs
    at their community's centre (NGOs set off by two cells), firms at their households' centre."""

    def centres(labels, n):
        out = np.zeros((n, 2))
        for i in range(n):
            sel = labels == i
            if sel.any():
                out[i] = np.median(world.x[sel]), np.median(world.y[sel])
        return out

    community = centres(world.community, world.n_communities)
    ngo = community + np.array([2.0, -2.0])
    return {
        "worker": centres(world.zone, world.n_zones),
        "party": community,
        "firm": centres(world.firm, world.n_firms),
        "ngo": np.clip(ngo, 0, [world.width - 1, world.height - 1]),
    }


# ----------------------------------------------------------------- drawing
def colormap(variable: str, palette: str = "cividis"):
    """The map's colours: satisfaction and trust in ``palette`` (cividis, blue to yellow,
    safe for red-green colour blindness; or the classic red-yellow-green), participation
    (0/1) white to green (not blue: grid workers are blue markers), housing by type."""
    if variable == "housing":
        from matplotlib.colors import ListedColormap

        from cogov_sim.results.plots import HOUSING_COLOURS

        return ListedColormap([HOUSING_COLOURS[k] for k in HOUSING_NAMES]).with_extremes(
            bad=NO_HOUSEHOLD
        )
    if palette not in PALETTES:
        raise ValueError(f"unknown palette {palette!r} (allowed: {', '.join(PALETTES)})")
    name = (
        "Greens" if variable == "participation" else "RdYlGn" if palette == "classic" else "cividis"
    )
    return matplotlib.colormaps[name].with_extremes(bad=NO_HOUSEHOLD)


#: The difference map's scale: mechanisms minus baseline, shown from -limit to +limit.
DIFFERENCE_LIMIT = {"satisfaction": 0.25, "trust": 0.25, "participation": 1.0, "housing": 1.0}


def difference_colormap():
    """Purple (lower) - white - orange (higher): a diverging scale that reads the same for
    the common red-green colour blindnesses."""
    return matplotlib.colormaps["PuOr_r"].with_extremes(bad=NO_HOUSEHOLD)


def difference_shades(values: np.ndarray, variable: str) -> np.ndarray:
    """Differences (mechanisms - baseline) as map values in [0, 1]: 0.5 is no difference,
    0 and 1 are -limit and +limit (and beyond)."""
    limit = DIFFERENCE_LIMIT[variable]
    return (np.clip(np.asarray(values, dtype=float) / limit, -1.0, 1.0) + 1.0) / 2.0


class _MapArtists:
    """The artists of one map on ``ax``; :meth:`update` swaps their data."""

    def __init__(
        self,
        ax,
        world,
        variable: str,
        *,
        palette: str = "cividis",
        marker_scale: float = 1.0,
        animated: bool = False,
        cmap=None,
    ):
        self.ax = ax
        cmap = cmap or colormap(variable, palette)
        self.image = ax.imshow(
            np.full((world.height, world.width), np.nan),
            cmap=cmap,
            vmin=0,
            vmax=1,
            interpolation="nearest",
            origin="lower",
            animated=animated,
        )
        lw = max(0.4, 60.0 / max(world.width, world.height))
        community = world.zone_community[world.zone_of_cell]
        self.static = [
            ax.add_collection(
                LineCollection(
                    boundary_segments(world.compound_of_cell), colors="#555555", linewidths=0.5 * lw
                )
            ),
            ax.add_collection(
                LineCollection(boundary_segments(world.zone_of_cell), colors="black", linewidths=lw)
            ),
            ax.add_collection(
                LineCollection(boundary_segments(community), colors="black", linewidths=2.4 * lw)
            ),
        ]
        s = marker_scale * 2400.0 / max(world.width, world.height)
        positions = actor_positions(world)
        for key, (_, marker, colour) in ACTOR_STYLE.items():
            xy = positions[key]
            size = s * (3.2 if key == "party" else 2.0)
            self.static.append(
                ax.scatter(
                    xy[:, 0],
                    xy[:, 1],
                    s=size,
                    marker=marker,
                    c=colour,
                    edgecolors="white",
                    linewidths=0.8,
                    zorder=4,
                )
            )
        self.issues = []
        for marker, colour in ISSUE_STYLE:
            sc = ax.scatter(
                [],
                [],
                s=s * 1.8,
                marker=marker,
                facecolors=colour,
                edgecolors=colour,
                linewidths=1.4,
                zorder=3,
                animated=animated,
            )
            self.issues.append((sc, colour))
        ax.set_xlim(-0.5, world.width - 0.5)
        ax.set_ylim(-0.5, world.height - 0.5)
        ax.set_xticks([])
        ax.set_yticks([])

    def update(self, data: MapData) -> None:
        self.image.set_data(data.values)
        for k, (sc, colour) in enumerate(self.issues):
            sel = data.issue_type == k
            sc.set_offsets(np.column_stack([data.issue_x[sel], data.issue_y[sel]]))
            faces = np.tile(to_rgba(colour), (int(sel.sum()), 1))
            faces[data.issue_latent[sel], 3] = 0.0  # hollow: not yet discovered
            sc.set_facecolors(faces)


class _ChartArtists:
    """Five outcome panels on ``axes``; one line per role.

    Value axes start at 0, and shares run 0-100 (%), so a gap looks as large as it is;
    with ``zoom`` they fit the data instead (at least 10 units tall) and say so.
    With ``blit``, the axes are drawn only when their limits change (limits move
    with some slack: x doubles, y grows past the data or shrinks when the data
    fills under a third of it) and otherwise only the lines are drawn over a
    cached background, which makes a chart frame a few milliseconds.
    """

    def __init__(
        self, axes, roles, lang: str, *, blit: bool = False, charts=CHARTS, zoom: bool = False
    ):
        """A role ``difference`` (mechanisms - baseline, alone) gets axes symmetric about
        a zero line, at least 10 points (or hours) either side, as in the app's view."""
        self.axes = axes
        self.zoom = zoom
        self.difference = "difference" in roles
        self.charts = charts
        self.lines = {}
        self.blit = blit
        self.background = None
        self.limits: dict[str, tuple[float, float, float]] = {}
        family = _family()
        for ax, (key, label, scale) in zip(axes, charts, strict=True):
            title = label[lang] + (" ↕" if zoom else "")  # ↕: a zoomed axis
            ax.set_title(title, fontsize=9, family=family)
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            ax.ticklabel_format(axis="y", useOffset=False)
            ax.grid(alpha=0.3)
            if self.difference:
                ax.axhline(0.0, color="#333333", linewidth=1.0, zorder=2.5)
                ax.set_ylim(-13.0, 13.0)
            elif scale == 100.0 and not zoom:
                ax.yaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
                ax.set_ylim(-PAD, 100 + PAD)
            else:
                ax.set_ylim(0, 100 if scale == 100.0 else 48)  # until there is data
            for role in roles:
                colour, style = ROLE_STYLE[role]
                # Above the frame (zorder 2.5), as blitting draws them anyway: a line at
                # 0 or 100 % touches it.
                (line,) = ax.plot(
                    [], [], color=colour, linestyle=style, linewidth=1.6, animated=blit, zorder=2.6
                )
                self.lines[(role, key)] = line

    def update(self, charts: list[tuple[str, dict]]) -> None:
        for ax, (key, _, scale) in zip(self.axes, self.charts, strict=True):
            lo, hi, n = np.inf, -np.inf, 1
            for role, data in charts:
                y = data[key] * scale
                self.lines[(role, key)].set_data(np.arange(1, y.size + 1), y)
                n = max(n, y.size)
                finite = y[np.isfinite(y)]
                if finite.size:
                    lo, hi = min(lo, finite.min()), max(hi, finite.max())
            x0, y0, y1 = self.limits.get(key, (0.0, np.nan, np.nan))
            xmax = x0 if n <= x0 else float(max(20, 2 ** int(np.ceil(np.log2(n)))))
            if self.difference:
                m = max(abs(lo), abs(hi), 10.0) if np.isfinite(lo) else 10.0
                if not (np.isfinite(y1) and m <= y1 and m > y1 / 3):
                    y0, y1 = -1.3 * m, 1.3 * m
            elif np.isfinite(lo) and not self.zoom:
                # From 0; shares to 100 %, hours to above the highest value (with slack).
                # (Shares get 1.5 points either side, so that a line at 0 or 100 % shows
                # whole, not cut in half by the frame; the ticks stay 0-100.)
                top = 100.0 if scale == 100.0 else max(hi, 10.0)
                if not (np.isfinite(y1) and top <= y1 and (scale == 100.0 or top > y1 / 3)):
                    y0, y1 = (-PAD, 100.0 + PAD) if scale == 100.0 else (0.0, 1.3 * top)
            elif np.isfinite(lo):
                # At least 10 units (percentage points, hours) tall: a flat line stays a
                # flat line instead of showing rounding noise.
                span = max(hi - lo, 10.0)
                stale = not (y0 <= lo and hi <= y1) or span < (y1 - y0) / 3
                if stale:
                    y0, y1 = lo - 0.15 * span, hi + 0.15 * span
            if (xmax, y0, y1) != self.limits.get(key):
                self.limits[key] = (xmax, y0, y1)
                ax.set_xlim(0, xmax)
                if np.isfinite(y0):
                    ax.set_ylim(y0, y1)
                self.background = None

    def draw(self, canvas) -> None:
        """Draw the figure (the background only when its limits changed, with ``blit``)."""
        if not self.blit:
            canvas.draw()
            return
        if self.background is None:
            canvas.draw()
            self.background = canvas.copy_from_bbox(canvas.figure.bbox)
        else:
            canvas.restore_region(self.background)
        for line in self.lines.values():
            line.axes.draw_artist(line)


def _encode(rgba: np.ndarray) -> bytes:
    """PNG bytes, encoded fast (zlib level 1: about 5x quicker than the default for a
    slightly larger file; these images go over a local socket)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="png", compress_level=1)
    return buf.getvalue()


class MapRenderer:
    """One model's map as a PNG (``px`` pixels tall, no text but the colour-bar ticks).

    Drawn in layers: the frame and colour bar are a cached background, the
    boundaries and actors a cached transparent overlay; a frame draws only the
    residents' colours and the issue markers, then lays the overlay on top.
    """

    def __init__(
        self,
        world,
        variable: str = "satisfaction",
        px: int = 460,
        palette: str = "cividis",
        difference: bool = False,
    ):
        """``difference``: the map of mechanisms minus baseline (:func:`difference_shades`),
        in the diverging colours, its colour bar from -limit to +limit."""
        dpi = 100
        self.fig = Figure(figsize=(px / dpi * 1.1, px / dpi), dpi=dpi)
        canvas = FigureCanvasAgg(self.fig)
        ax = self.fig.add_axes((0.01, 0.01, 0.86, 0.98))
        cmap = difference_colormap() if difference else None
        self.artists = _MapArtists(ax, world, variable, palette=palette, animated=True, cmap=cmap)
        cax = self.fig.add_axes((0.89, 0.1, 0.03, 0.8))
        self.fig.colorbar(self.artists.image, cax=cax)
        cax.tick_params(labelsize=8)
        if difference:
            limit = DIFFERENCE_LIMIT[variable]
            cax.set_yticks([0, 0.25, 0.5, 0.75, 1])
            # In percentage points, like the table's differences.
            points = np.linspace(-100 * limit, 100 * limit, 5)
            cax.set_yticklabels([f"{v:+.0f}" if v else "0" for v in points])
        elif variable == "housing":  # categories: the page's legend names the colours
            cax.set_yticks([])
        # Overlay: only the static artists (and the axes frame) on a transparent canvas.
        self.fig.patch.set_alpha(0.0)
        ax.patch.set_alpha(0.0)
        cax.set_visible(False)
        canvas.draw()
        self._overlay_rgba = np.asarray(canvas.buffer_rgba()).copy()
        overlay = self._overlay_rgba.astype(np.uint16)
        self._alpha = overlay[:, :, 3:4]
        self._overlay = overlay[:, :, :3] * self._alpha
        # Background: everything but the static and the animated artists.
        self.fig.patch.set_alpha(1.0)
        ax.patch.set_alpha(1.0)
        cax.set_visible(True)
        for a in self.artists.static:
            a.set_visible(False)
        canvas.draw()
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._background_rgba = np.asarray(canvas.buffer_rgba()).copy()

    def layers(self) -> dict:
        """The fixed layers, for a map drawn elsewhere (the browser): ``background`` (RGBA:
        frame and colour bar), ``overlay`` (RGBA with transparency: boundaries and actors,
        laid over the cells and issues) and ``box``, the lattice's pixel box in them
        (x, y from the top left, width, height)."""
        bb = self.artists.ax.get_window_extent()
        height = self._background_rgba.shape[0]
        return {
            "background": self._background_rgba,
            "overlay": self._overlay_rgba,
            "box": (bb.x0, height - bb.y1, bb.width, bb.height),
        }

    def rgba(self, data: MapData) -> np.ndarray:
        self.artists.update(data)
        canvas, ax = self.fig.canvas, self.artists.ax
        canvas.restore_region(self._background)
        ax.draw_artist(self.artists.image)
        for sc, _ in self.artists.issues:
            ax.draw_artist(sc)
        out = np.asarray(canvas.buffer_rgba()).copy()
        rgb = out[:, :, :3].astype(np.uint16)
        out[:, :, :3] = (self._overlay + rgb * (255 - self._alpha)) // 255
        return out

    def png(self, data: MapData) -> bytes:
        return _encode(self.rgba(data))


class ChartRenderer:
    """The five outcome panels as one PNG; one line per model.

    Each panel is its own small figure with a cached background (see
    :class:`_ChartArtists`), so a change of one panel's limits redraws only that
    panel; the panels are laid out as arrays, ``columns`` to a row (5: one row; 1: a
    phone's column).
    """

    def __init__(
        self,
        roles,
        lang: str = "en",
        px: tuple[int, int] | None = None,
        zoom: bool = False,
        columns: int = 5,
    ):
        """``px``: the size of one row of ``columns`` panels (default: 1000 x 205 for a
        row of five, 380 x 190 for a phone's column of one)."""
        dpi, lang = 100, figure_language(lang)
        px = px or ((1000, 205) if columns > 1 else (380, 190))
        self.columns = columns
        w = px[0] / columns
        self.panels = []
        for chart in CHARTS:
            fig = Figure(figsize=(w / dpi, px[1] / dpi), dpi=dpi)
            FigureCanvasAgg(fig)
            # A fixed layout: constrained layout would cost ~0.4 s on every frame.
            ax = fig.add_axes((0.2, 0.12, 0.76, 0.74))
            artists = _ChartArtists([ax], roles, lang, blit=True, charts=(chart,), zoom=zoom)
            self.panels.append((fig, artists))

    def rgba(self, charts) -> np.ndarray:
        parts = []
        for fig, artists in self.panels:
            artists.update(charts)
            artists.draw(fig.canvas)
            parts.append(np.asarray(fig.canvas.buffer_rgba()))
        rows = [parts[i : i + self.columns] for i in range(0, len(parts), self.columns)]
        blank = np.full_like(parts[0], 255)
        return np.vstack([np.hstack(r + [blank] * (self.columns - len(r))) for r in rows])

    def png(self, charts) -> bytes:
        return _encode(self.rgba(charts))


def _difference_of(maps, charts, variable: str):
    """The snapshot of a baseline and a treatment as their difference (treatment minus
    baseline): one map of :func:`difference_shades` without issue markers, and one series
    per outcome."""
    (_, base), (_, treat) = maps
    empty = np.zeros(0)
    diff_map = MapData(
        values=difference_shades(treat.values - base.values, variable),  # NaN: no household
        issue_x=empty,
        issue_y=empty,
        issue_type=np.zeros(0, dtype=int),
        issue_latent=np.zeros(0, dtype=bool),
        day=treat.day,
    )
    (_, base_c), (_, treat_c) = charts
    diff_charts = {key: treat_c[key] - base_c[key] for key in treat_c}
    return [("difference", diff_map)], [("difference", diff_charts)]


class FrameRenderer:
    """Maps and charts in one titled frame (RGB array), for GIF/MP4 export.

    With ``difference`` (``models`` a baseline and a treatment), what the app's difference
    view shows: one map of each household's value with the mechanisms minus in the
    baseline (diverging colours, no issue markers) and one chart line per outcome, the
    mechanisms minus the baseline."""

    def __init__(
        self,
        models,
        mechanisms,
        variable: str = "satisfaction",
        lang: str = "en",
        palette: str = "cividis",
        zoom: bool = False,
        difference: bool = False,
    ):
        self.lang = lang = figure_language(lang)
        self.variable = variable
        roles = [role for role, _ in models]
        if difference:
            if roles != ["baseline", "treatment"]:
                raise ValueError(f"a difference needs a baseline and a treatment, not {roles}")
            roles = ["difference"]
        self.difference = difference
        world = models[0][1].world
        n = len(roles)
        W, H, side, gap = max(10.5, 4.8 * n + 1.4), 7.4, 4.3, 0.35
        self.fig = Figure(figsize=(W, H), dpi=100)
        FigureCanvasAgg(self.fig)
        family = _family()
        self.maps = []
        left = (W - (n * side + (n - 1) * gap) - 0.6) / 2
        for i, role in enumerate(roles):
            x = (left + i * (side + gap)) / W
            ax = self.fig.add_axes((x, 0.355, side / W, side / H))
            cmap = difference_colormap() if difference else None
            self.maps.append(
                _MapArtists(ax, world, variable, palette=palette, marker_scale=0.8, cmap=cmap)
            )
            label = t(role, lang)
            if role != "baseline":
                mechs = list(mechanisms)
                if mechs:
                    label += ": " + ", ".join(mechanism_label(m, lang) for m in mechs[:3])
                    label += " ..." if len(mechs) > 3 else ""
            ax.set_title(label, fontsize=9, family=family)
        x = (left + n * side + (n - 1) * gap + 0.15) / W
        self.colour_bar = cax = self.fig.add_axes((x, 0.40, 0.18 / W, 0.5))
        self.fig.colorbar(self.maps[0].image, cax=cax)
        cax.tick_params(labelsize=7)
        cax.set_ylabel(VARIABLES[variable][lang], fontsize=8, family=family)
        if difference:  # in percentage points, like the app's difference map
            limit = DIFFERENCE_LIMIT[variable]
            cax.set_yticks([0, 0.25, 0.5, 0.75, 1])
            points = np.linspace(-100 * limit, 100 * limit, 5)
            cax.set_yticklabels([f"{v:+.0f}" if v else "0" for v in points])
        elif variable == "housing":
            k = len(HOUSING_NAMES)
            cax.set_yticks([(i + 0.5) / k for i in range(k)])
            cax.set_yticklabels(
                [HOUSING_NAMES[h][lang] for h in HOUSING_NAMES], fontsize=7, family=family
            )
        self.title = self.fig.text(0.01, 0.975, "", fontsize=13, family=family)
        chart_axes = [self.fig.add_axes((0.045 + i * 0.193, 0.05, 0.15, 0.18)) for i in range(5)]
        self.charts = _ChartArtists(chart_axes, roles, lang, zoom=zoom)
        handles = [
            Line2D([], [], marker=m, color=c, linestyle="", markersize=6) for m, c in ISSUE_STYLE
        ] + [
            Line2D([], [], marker=mk, color=c, linestyle="", markersize=7)
            for _, mk, c in ACTOR_STYLE.values()
        ]
        handles.append(
            Line2D([], [], marker="o", color="#555555", markerfacecolor="none", linestyle="")
        )
        names = [ISSUE_LABELS[k][lang] for k in ISSUE_KEYS] + [
            TEXT[key][lang] for key, _, _ in ACTOR_STYLE.values()
        ]
        names.append(t("legend_latent", lang))
        self.fig.legend(
            handles,
            names,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.335),
            ncol=5,
            fontsize=7,
            frameon=False,
            prop={"family": family, "size": 7},
        )

    def rgb(self, models, lock=None) -> np.ndarray:
        """The frame of ``models`` (same roles as at construction) as an RGB array."""
        maps, charts = snapshot(models, self.variable, lock)
        if self.difference:
            maps, charts = _difference_of(maps, charts, self.variable)
        for artists, (_, data) in zip(self.maps, maps, strict=True):
            artists.update(data)
        self.charts.update(charts)
        self.title.set_text(t("day_counter", self.lang, n=maps[-1][1].day))
        self.fig.canvas.draw()
        return np.asarray(self.fig.canvas.buffer_rgba())[:, :, :3].copy()


@dataclass
class Frame:
    """What the app shows at one step: a PNG per model, the charts PNG, and its cost."""

    steps: int
    maps: list[tuple[str, bytes]]
    chart: bytes
    ms: float
    #: role -> outcome -> its latest value (what the charts' lines end at)
    values: dict[str, dict[str, float]] = field(default_factory=dict)


class FrameMaker:
    """Makes the app's frames, keeping one set of renderers per (run, variable, language).

    Thread-safe: the play loop and the page's handlers may both ask for a frame.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._key = None
        self._run = None
        self._maps: list[MapRenderer] = []
        self._chart: ChartRenderer | None = None

    def frame(
        self,
        run,
        variable: str,
        lang: str,
        palette: str = "cividis",
        zoom: bool = False,
        columns: int = 5,
    ) -> Frame:
        with self._lock:
            t0 = time.perf_counter()
            key = (variable, lang, palette, zoom, columns)
            if run is not self._run or key != self._key:
                self._run = run
                self._maps = [
                    MapRenderer(m.world, variable, palette=palette) for _, m in run.models
                ]
                roles = [role for role, _ in run.models]
                self._chart = ChartRenderer(roles, lang, zoom=zoom, columns=columns)
                self._key = key
            maps, charts = snapshot(run.models, variable, run.lock)
            pngs = [(role, r.png(d)) for r, (role, d) in zip(self._maps, maps, strict=True)]
            chart = self._chart.png(charts)
            values = {role: latest_values(data) for role, data in charts}
            ms = 1000 * (time.perf_counter() - t0)
            return Frame(maps[-1][1].day, pngs, chart, ms, values)
