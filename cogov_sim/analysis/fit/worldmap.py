"""A world built from files, described and drawn in the user's own coordinates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cogov_sim.core.world import HOUSING_TYPES


def describe(model) -> str:
    """What was built: sizes, the cell, and every default the files left to the model."""
    w = model.world
    src = w.source
    if src is None:
        return f"a generated world: {w.n:,} households, {w.n_zones} grids"
    hh = np.bincount(w.housing, minlength=len(HOUSING_TYPES))
    staff = model.workers.staff
    lines = [
        f"{w.n:,} households in {len(src.compound_ids)} compounds, {w.n_zones} grids, "
        f"{w.n_communities} communities, {w.n_firms} property firms",
        f"lattice {w.width} x {w.height} cells of {src.cell_metres:.1f} m "
        f"({src.coordinates}; origin {src.origin[0]:.0f}, {src.origin[1]:.0f} m"
        + (
            f", projected about {src.projection_centre[0]:.5f} E {src.projection_centre[1]:.5f} N)"
            if src.projection_centre
            else ")"
        ),
        "households by housing type: "
        + ", ".join(f"{t} {int(n):,}" for t, n in zip(HOUSING_TYPES, hh, strict=True)),
        f"grid workers {staff.sum():.1f} ({w.n / max(staff.sum(), 1e-9):.0f} households each); "
        f"mediators' hours {model.mediators.hours.sum():.0f}/day, NGOs' "
        f"{model.ngos.hours.sum():.0f}, party branches' {model.party.hours.sum():.0f}",
    ]
    lines += [f"default: {d}" for d in src.defaults]
    return "\n".join(lines)


def draw(model, path) -> Path:
    """Housing types by cell, grid boundaries (black) and compound ids, in projected
    metres: the axes line up with the user's own maps."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from cogov_sim.results.plots import HOUSING_COLOURS, HOUSING_LABELS, boundary_segments

    w = model.world
    src = w.source
    s = src.cell_metres if src else 1.0
    ox, oy = src.origin if src else (0.0, 0.0)
    img = np.full((w.height, w.width), np.nan)
    img[w.y, w.x] = w.housing
    cmap = ListedColormap([HOUSING_COLOURS[t] for t in HOUSING_TYPES]).with_extremes(bad="#f2f2f2")
    fig = Figure(figsize=(8.0, 8.0 * w.height / max(w.width, 1) + 0.8))
    ax = fig.subplots()
    extent = (ox, ox + w.width * s, oy, oy + w.height * s)
    ax.imshow(img, origin="lower", cmap=cmap, vmin=-0.5, vmax=len(HOUSING_TYPES) - 0.5,
              extent=extent, interpolation="nearest")  # fmt: skip
    segs = [
        [
            (ox + (a[0] + 0.5) * s, oy + (a[1] + 0.5) * s),
            (ox + (b[0] + 0.5) * s, oy + (b[1] + 0.5) * s),
        ]
        for a, b in boundary_segments(w.zone_of_cell)
    ]
    ax.add_collection(LineCollection(segs, colors="k", linewidths=0.8))
    if src is not None:
        for b, cid in enumerate(src.compound_ids):
            at = w.block == b
            if at.any():
                ax.text(ox + (w.x[at].mean() + 0.5) * s, oy + (w.y[at].mean() + 0.5) * s, cid,
                        ha="center", va="center", fontsize=6)  # fmt: skip
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.legend(
        handles=[Patch(color=HOUSING_COLOURS[t], label=HOUSING_LABELS[t]) for t in HOUSING_TYPES],
        loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, fontsize=7, frameon=False,
    )  # fmt: skip
    ax.set_title(f"{model.cfg.world.name}: housing types, grids (lines), compounds", fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    return path
