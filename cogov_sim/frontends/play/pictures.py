"""The console's map and the debrief's figure, drawn with matplotlib as PNG bytes.

Drawn on a ``Figure`` with its own Agg canvas, never through ``pyplot``: the server
draws for many pages at once, from several threads, and pyplot's state is global.
Chinese text is set with the font family per text, not through ``rcParams``.
"""

from __future__ import annotations

import io

import numpy as np

from cogov_sim.frontends.play import figures as fig
from cogov_sim.frontends.play.labels import figure_name, t


def _figure(size):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig_ = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(fig_)
    return fig_


def _font(lang: str) -> dict:
    """Keyword arguments that set a text's font: one with Chinese glyphs for ``zh``."""
    if lang != "zh":
        return {}
    from cogov_sim.results.fonts import cjk_font

    font = cjk_font()
    return {"fontfamily": [font, "sans-serif"]} if font else {}


def map_png(game, lang: str = "en", role=None) -> bytes:
    """The street by grid zone: its households' mean satisfaction in the class's street
    minus the baseline's (green better, red worse), with the communities' borders and
    numbers (a cell without a household shows its nearest household's zone). With a
    ``role`` (a student's own map), the rest of the street is greyed: a community's
    roles see their community, a firm its compounds' cells, the office everything."""
    from scipy.ndimage import distance_transform_edt

    with game.lock:
        w = game.model.world
        diff = game.model.residents.satisfaction - game.baseline.residents.satisfaction
        per_zone = np.bincount(w.zone, weights=diff, minlength=w.n_zones) / np.maximum(
            np.bincount(w.zone, minlength=w.n_zones), 1
        )
        zone = np.full((w.height, w.width), -1)
        zone[w.y, w.x] = w.zone
        _, (iy, ix) = distance_transform_edt(zone < 0, return_indices=True)
        zone = zone[iy, ix]
        img = per_zone[zone]
        comm = w.zone_community[zone]
        focus = None
        if role is not None and role.kind == "firm":
            focus = np.zeros((w.height, w.width), dtype=bool)
            focus[w.y, w.x] = w.firm == role.owner
        elif role is not None and role.kind != "office":
            focus = comm == role.community
        centres = [(w.x[w.community == c].mean(), w.y[w.community == c].mean())
                   for c in range(w.n_communities)]  # fmt: skip
    fig_ = _figure((5.2, 5.2 * w.height / max(w.width, 1) + 0.5))
    ax = fig_.subplots()
    lim = max(float(np.nanmax(np.abs(img))) if np.isfinite(img).any() else 0.0, 0.02)
    im = ax.imshow(img, cmap="RdYlGn", vmin=-lim, vmax=lim, interpolation="nearest")
    if focus is not None:
        ax.imshow(np.where(focus, np.nan, 1.0), cmap="Greys", vmin=0, vmax=1.4, alpha=0.75,
                  interpolation="nearest")  # fmt: skip
    ax.contour(comm, levels=np.arange(-0.5, w.n_communities), colors="k", linewidths=0.8)
    for c, (x, y) in enumerate(centres):
        ax.text(x, y, str(c + 1), ha="center", va="center", fontsize=13,
                bbox={"boxstyle": "circle", "fc": "white", "alpha": 0.8})  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(t("map" if role is None else "your_part", lang), fontsize=10, **_font(lang))
    fig_.colorbar(im, ax=ax, fraction=0.046, pad=0.02)
    return _png(fig_)


def debrief_png(record: dict, lang: str = "en") -> bytes:
    """The street's outcomes round by round, class (solid) against baseline (dashed)."""
    keys = list(fig.STREET)
    fig_ = _figure((11, 5.5))
    axes = fig_.subplots(2, 3)
    font = _font(lang)
    x = [r["number"] for r in record["rounds"]]
    for ax, key in zip(axes.ravel()[: len(keys)], keys, strict=True):
        cls = [_nan(r["figures"]["street"][key]) for r in record["rounds"]]
        base = [_nan(r["baseline"]["street"][key]) for r in record["rounds"]]
        ax.plot(x, cls, "o-", color="#1565c0", label=t("class", lang))
        ax.plot(x, base, "s--", color="#777", label=t("baseline", lang))
        ax.set_title(figure_name(key, lang), fontsize=10, **font)
        if x:
            ax.set_xticks(x)
        ax.set_xlabel(t("round", lang), **font)
        ax.grid(alpha=0.3)
    legend = {"family": font["fontfamily"]} if font else {}
    axes.ravel()[0].legend(prop={"size": 8, **legend})
    fig_.tight_layout()
    return _png(fig_)


def _nan(v):
    return float("nan") if v is None else v


def _png(fig_) -> bytes:
    buf = io.BytesIO()
    fig_.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.1)
    return buf.getvalue()
