"""Figures of one run: key outcomes over time, and the map of the street."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

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
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
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
    plt.close(fig)


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


def map_figure(model, path, variable: str = "satisfaction") -> None:
    """The lattice coloured by a resident variable, with zone and compound boundaries."""
    w = model.world
    grid = satisfaction_grid(model, variable)
    size = min(12.0, max(5.0, w.width / 12))
    fig, ax = plt.subplots(figsize=(size + 1.5, size * w.height / w.width))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#dddddd")
    im = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, interpolation="nearest", origin="lower")
    from matplotlib.collections import LineCollection

    lw = max(0.5, 80.0 / max(w.width, w.height))
    segs = boundary_segments(w.compound_of_cell)
    ax.add_collection(LineCollection(segs, colors="#333333", linewidths=0.5 * lw, alpha=0.8))
    ax.add_collection(
        LineCollection(boundary_segments(w.zone_of_cell), colors="black", linewidths=1.2 * lw)
    )
    community = w.zone_community[w.zone_of_cell]
    ax.add_collection(
        LineCollection(boundary_segments(community), colors="black", linewidths=2.5 * lw)
    )
    fig.colorbar(im, ax=ax, fraction=0.04, label=f"resident {variable}")
    ax.set_title(
        f"{variable} on day {model.day + 1}: communities (thick), zones (black),"
        " managed compounds (grey)",
        fontsize=10,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=100, format="png")
    plt.close(fig)
