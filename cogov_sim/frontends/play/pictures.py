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
    minus the baseline's (green better, red worse, on the scale drawn at the right),
    with the communities' borders and numbers (a cell without a household shows its
    nearest household's zone). With a ``role`` (a student's own map), the rest of the
    street is greyed: a community's roles see their community, a firm its compounds'
    cells, the office everything. Drawn as pixels (a few milliseconds: every page
    asks for its map when a round ends); the pages give its title in their language
    (``lang`` is not used)."""
    from matplotlib import colormaps
    from PIL import Image, ImageDraw, ImageFont

    with game.lock:
        w = game.model.world
        diff = game.model.residents.satisfaction - game.baseline.residents.satisfaction
        per_zone = np.bincount(w.zone, weights=diff, minlength=w.n_zones) / np.maximum(
            np.bincount(w.zone, minlength=w.n_zones), 1
        )
        zone = _zone_raster(game)
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
    lim = max(float(np.nanmax(np.abs(img))) if np.isfinite(img).any() else 0.0, 0.02)
    cmap = colormaps["RdYlGn"]
    rgb = cmap(np.clip((img + lim) / (2 * lim), 0, 1))[..., :3]
    if focus is not None:  # the rest of the street, greyed
        rgb = np.where(focus[..., None], rgb, 0.35 * rgb + 0.65 * 0.55)
    k = max(1, 480 // max(w.width, w.height))  # pixels per cell
    pix = np.repeat(np.repeat((rgb * 255).astype(np.uint8), k, axis=0), k, axis=1)
    border = np.zeros(comm.shape, dtype=bool)
    border[:, 1:] |= comm[:, 1:] != comm[:, :-1]
    border[1:, :] |= comm[1:, :] != comm[:-1, :]
    edge = np.repeat(np.repeat(border, k, axis=0), k, axis=1)
    pix[edge] = (20, 20, 20)
    h, wd = pix.shape[:2]
    bar, pad = 16, 64  # the colour scale at the right, and room for its labels
    canvas = Image.new("RGB", (wd + bar + pad, max(h, 200)), "white")
    canvas.paste(Image.fromarray(pix), (0, 0))
    ramp = (cmap(np.linspace(1, 0, h))[:, :3] * 255).astype(np.uint8)
    canvas.paste(Image.fromarray(np.repeat(ramp[:, None, :], bar, axis=1)), (wd + 8, 0))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=max(12, k * 4))
    small = ImageFont.load_default(size=12)
    for y, v in ((0, lim), (h // 2, 0.0), (h - 12, -lim)):
        draw.text((wd + bar + 12, y), f"{v:+.3f}" if v else "0", fill="black", font=small)
    for c, (x, y) in enumerate(centres):
        cx, cy, r = (x + 0.5) * k, (y + 0.5) * k, max(10, k * 3)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill="white", outline="black")
        draw.text((cx, cy), str(c + 1), fill="black", font=font, anchor="mm")
    buf = io.BytesIO()
    canvas.save(buf, format="PNG")
    return buf.getvalue()


def _zone_raster(game) -> np.ndarray:
    """The zone of every cell of the lattice (a cell without a household: its nearest
    household's zone); fixed for a class, so kept on it."""
    raster = getattr(game, "_zone_raster", None)
    if raster is None:
        from scipy.ndimage import distance_transform_edt

        w = game.model.world
        zone = np.full((w.height, w.width), -1)
        zone[w.y, w.x] = w.zone
        _, (iy, ix) = distance_transform_edt(zone < 0, return_indices=True)
        raster = game._zone_raster = zone[iy, ix]
    return raster


def debrief_png(record: dict, lang: str = "en", wide: bool = True) -> bytes:
    """The street's outcomes round by round, class (solid) against baseline (dashed):
    three columns for the debrief page (``wide``), two for the console's narrow column.
    Shares are in per cent, and the axes show plain values (no offset), so that a
    difference in the fourth digit does not look like a result."""
    from matplotlib.ticker import ScalarFormatter

    from cogov_sim.frontends.play.labels import SHARES

    keys = list(fig.STREET)
    fig_ = _figure((11, 5.5) if wide else (5.6, 6.6))
    axes = fig_.subplots(2, 3) if wide else fig_.subplots(3, 2)
    font = _font(lang)
    x = [r["number"] for r in record["rounds"]]
    for ax, key in zip(axes.ravel()[: len(keys)], keys, strict=True):
        scale = 100.0 if key in SHARES else 1.0
        cls = [_nan(r["figures"]["street"][key]) * scale for r in record["rounds"]]
        base = [_nan(r["baseline"]["street"][key]) * scale for r in record["rounds"]]
        ax.plot(x, cls, "o-", color="#1565c0", label=t("class", lang))
        ax.plot(x, base, "s--", color="#777", label=t("baseline", lang))
        title = figure_name(key, lang) + (" (%)" if scale == 100.0 else "")
        ax.set_title(title, fontsize=10, **font)
        plain = ScalarFormatter(useOffset=False)
        plain.set_scientific(False)
        ax.yaxis.set_major_formatter(plain)
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
