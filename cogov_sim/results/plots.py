"""Figures of one run: key outcomes over time, and the map of the street.

Drawn on bare :class:`matplotlib.figure.Figure` objects (PNG through the Agg canvas that
``savefig`` picks), never through pyplot: no global figure manager, no backend chosen
for the caller's process, and a run's start-up is spared pyplot's import.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from cogov_sim.core.world import HOUSING_TYPES

PANELS = (
    ("closure_rate", "Closure rate", True),
    ("dispute_resolution_rate", "Dispute resolution rate", True),
    ("response_hours_mean", "Response time, mean (hours)", False),
    ("participation_rate", "Participation (last 30 days)", True),
    ("satisfaction_mean", "Resident satisfaction and trust", True),
    ("property_satisfaction", "Property satisfaction and fees", True),
)


def outcomes_figure(ts, path, record=None) -> None:
    """Six panels of key outcomes against day; write a PNG to ``path``."""
    fig = Figure(figsize=(13, 7))
    axes = fig.subplots(2, 3, sharex=True)
    day = ts["day"].to_numpy() + 1
    for ax, (key, title, share) in zip(axes.ravel(), PANELS, strict=True):
        ax.plot(day, ts[key], color="#b2182b", lw=1.8, label=key.replace("_", " "))
        if key == "satisfaction_mean":
            ax.plot(day, ts["trust_mean"], color="#2166ac", lw=1.5, label="trust")
            ax.legend(loc="lower right", fontsize=8)
        if key == "property_satisfaction":
            ax.plot(
                day,
                ts["fee_collection_rate"],
                color="#1b7837",
                lw=1.5,
                label="fee collection (cumulative)",
            )
            ax.legend(loc="lower right", fontsize=8)
        ax.set_title(title, fontsize=10)
        if share:
            ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("day")
    if record is not None:
        mech = ", ".join(record["mechanisms"]) or "baseline (traditional governance)"
        fig.suptitle(
            f"cogov-sim — {record['world']}, {record['n_households']:,} households, "
            f"seed {record['seed']} — {mech}",
            fontsize=11,
        )
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")


def boundary_segments(labels: np.ndarray) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Line segments between horizontally or vertically adjacent cells with different labels
    (cell (row r, column c) spans [c - 0.5, c + 0.5] x [r - 0.5, r + 0.5])."""
    segs = []
    rr, cc = np.nonzero(labels[:, :-1] != labels[:, 1:])
    segs += [((c + 0.5, r - 0.5), (c + 0.5, r + 0.5)) for r, c in zip(rr, cc, strict=True)]
    rr, cc = np.nonzero(labels[:-1, :] != labels[1:, :])
    segs += [((c - 0.5, r + 0.5), (c + 0.5, r + 0.5)) for r, c in zip(rr, cc, strict=True)]
    return segs


def satisfaction_grid(model, variable: str = "satisfaction") -> np.ndarray:
    w = model.world
    grid = np.full((w.height, w.width), np.nan)
    grid[w.y, w.x] = getattr(model.residents, variable)
    return grid


#: Map colours of the housing types (colour-blind-safe, Okabe-Ito).
HOUSING_COLOURS = {
    "old_estate": "#E69F00",
    "commodity": "#56B4E9",
    "rental": "#CC79A7",
    "urban_village": "#D55E00",
}
HOUSING_LABELS = {
    "old_estate": "old estate",
    "commodity": "commodity housing",
    "rental": "rental-heavy block",
    "urban_village": "urban village",
}


def zone_grid(values: np.ndarray, shape) -> np.ndarray:
    """Values per zone as an image: over the zone tiling (``shape`` = rows, columns) as a
    ``rows x cols`` array, or, for zones of any shape (a world from files), over the
    lattice (``shape`` = each cell's zone, -1 where no household lives; NaN there)."""
    values = np.asarray(values, dtype=float)
    if isinstance(shape, np.ndarray) and shape.ndim == 2:
        return np.where(shape >= 0, values[np.maximum(shape, 0)], np.nan)
    rows, cols = int(shape[0]), int(shape[1])
    return values.reshape(rows, cols)


def zone_layout(world):
    """What :func:`zone_grid` needs of a world: its tiling's shape, or its zone map."""
    if world.zone_shape is not None:
        return world.zone_shape
    return np.where(world.cell_hh >= 0, world.zone_of_cell, -1)


def draw_zone_values(ax, fig, values, shape, label: str, diverging: bool = False):
    """Zones coloured by ``values`` (per zone, row-major); diverging around 0 when asked."""
    grid = zone_grid(values, shape)
    if diverging:
        lim = float(np.nanmax(np.abs(grid))) or 1.0
        im = ax.imshow(grid, cmap="PuOr_r", vmin=-lim, vmax=lim, origin="lower")
    else:
        im = ax.imshow(grid, cmap="viridis", vmin=0, origin="lower", interpolation="nearest")
    fig.colorbar(im, ax=ax, fraction=0.04, label=label)
    ax.set_xticks([])
    ax.set_yticks([])
    return im


def map_figure(model, path, variable: str = "satisfaction") -> None:
    """Three maps of the street: housing types, a resident variable by household (with
    community, zone and compound boundaries), and issues per zone (hot spots)."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    w = model.world
    size = min(7.0, max(4.0, w.width / 20))
    fig = Figure(figsize=(3 * size + 3.5, size * w.height / w.width + 0.9))
    axes = fig.subplots(1, 3)
    lw = max(0.4, 60.0 / max(w.width, w.height))
    community = w.zone_community[w.zone_of_cell]

    def boundaries(ax):
        segs = boundary_segments(w.compound_of_cell)
        ax.add_collection(LineCollection(segs, colors="#333333", linewidths=0.4 * lw, alpha=0.6))
        ax.add_collection(
            LineCollection(boundary_segments(w.zone_of_cell), colors="black", linewidths=lw)
        )
        ax.add_collection(
            LineCollection(boundary_segments(community), colors="black", linewidths=2.2 * lw)
        )
        ax.set_xticks([])
        ax.set_yticks([])

    ax = axes[0]
    housing = np.full((w.height, w.width), np.nan)
    housing[w.y, w.x] = w.housing
    cmap = ListedColormap([HOUSING_COLOURS[t] for t in HOUSING_TYPES]).with_extremes(bad="#f2f2f2")
    ax.imshow(
        housing,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(HOUSING_TYPES) - 0.5,
        origin="lower",
        interpolation="nearest",
    )
    boundaries(ax)
    ax.legend(
        handles=[Patch(color=HOUSING_COLOURS[t], label=HOUSING_LABELS[t]) for t in HOUSING_TYPES],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=2,
        fontsize=7,
        frameon=False,
    )
    ax.set_title("housing types", fontsize=10)

    ax = axes[1]
    grid = satisfaction_grid(model, variable)
    cmap = matplotlib.colormaps["cividis"].with_extremes(bad="#f2f2f2")
    im = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, interpolation="nearest", origin="lower")
    boundaries(ax)
    fig.colorbar(im, ax=ax, fraction=0.04, label=f"resident {variable}")
    ax.set_title(f"{variable} on day {model.day + 1}", fontsize=10)

    ax = axes[2]
    n = model.issues.n
    counts = np.bincount(model.issues.zone[:n], minlength=w.n_zones).astype(float)
    per_hh = np.bincount(w.zone, minlength=w.n_zones)
    years = max(model.day + 1, 1) / 365.0
    rate = np.where(per_hh > 0, counts / np.maximum(per_hh, 1) / years, np.nan)
    draw_zone_values(ax, fig, rate, zone_layout(w), "issues per household per year")
    ax.set_title("issues per zone (hot spots)", fontsize=10)
    fig.suptitle(
        f"The street on day {model.day + 1}: communities (thick lines), zones, compounds (grey)",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100, format="png")
