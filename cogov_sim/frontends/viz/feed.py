"""What the app sends its browser view (``classroom_view.vue``): a layout per run and
colouring, and a small payload per day. No Solara here, so tests read it directly.

:class:`ViewFeed` keeps one session's layout (rebuilt only when the run, the map's
colouring, the language, the chart zoom or the page's width class change) and its
place in the outcome series, so that a day sends only what is new.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass

from cogov_sim.frontends.viz.canvas import (
    SeriesFeed,
    difference_day,
    latest_values,
    map_day,
    map_layers,
)
from cogov_sim.frontends.viz.labels import (
    CHARTS,
    HOUSING_NAMES,
    ISSUE_LABELS,
    PALETTES,
    TEXT,
    VARIABLES,
    mechanism_label,
    t,
)
from cogov_sim.frontends.viz.render import ACTOR_STYLE, DIFFERENCE_LIMIT, ISSUE_STYLE, ROLE_STYLE
from cogov_sim.frontends.viz.summary import outcome_rows, plain_summary

#: Mechanism names listed in a map's title; more are counted.
TITLE_NAMES = 3
MARKER_GLYPH = {
    "X": "✖",
    "P": "✚",
    "s": "■",
    "^": "▲",
    "o": "●",
    "D": "◆",
    ".": "•",
    "v": "▼",
    "*": "★",
    "h": "⬢",
    "p": "⬟",
}
#: The difference's line in the charts (the orange end of the difference map's scale).
DIFFERENCE_STYLE = ("#b35806", False)
FONT = '"DejaVu Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'


@dataclass
class Frame:
    """One day of the view: the (cached) layout, the day's payload and its cost."""

    steps: int
    layout: dict
    day: dict
    values: dict[str, dict[str, float]]
    ms: float


class ViewFeed:
    """One browser session's view of its run. Thread-safe (the play loop and the page's
    handlers may both ask for a frame)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key = None
        self._layout: dict | None = None
        self._series = SeriesFeed()
        self._run = None
        self._runs = 0  # a number per run shown, so the browser knows a new one

    def restart_series(self) -> None:
        """The next frame sends the whole outcome series (the browser lost track)."""
        with self._lock:
            self._series.restart()

    def frame(self, run, settings, narrow: bool = False) -> Frame:
        with self._lock:
            t0 = time.perf_counter()
            key = (settings.variable, settings.lang, settings.palette, settings.zoom, narrow)
            key += (settings.shows_difference,)
            if run is not self._run or key != self._key:
                if run is not self._run:
                    self._runs += 1
                    self._run = run
                self._layout = build_layout(run, settings, narrow, self._runs)
                self._key = key
                self._series.restart()
            with run.lock:
                if settings.shows_difference:
                    maps = {"difference": difference_day(*run.pair(), settings.variable)}
                else:
                    maps = {role: map_day(m, settings.variable) for role, m in run.models}
                tail = self._series.tail(run.models)
                values = latest_values(run.models)
                steps = run.steps
            lang = settings.lang
            numbers = numbers_html(values, steps, lang)
            ms = 1000 * (time.perf_counter() - t0)
            info = (
                f"{t('day_counter', lang, n=steps)} · {len(run.models)} × "
                f"{run.treatment.n_households:,} {t('households', lang)} · "
                + t("frame_info", lang, ms=f"{ms:.0f}")
            )
            day = {
                "run": self._runs,
                "steps": steps,
                "maps": maps,
                **tail,
                "numbers": numbers,
                "info": info,
            }
            return Frame(steps, self._layout, day, values, ms)


def build_layout(run, settings, narrow: bool, run_id: int) -> dict:
    lang, variable = settings.lang, settings.variable
    roles = [role for role, _ in run.models]
    world = run.treatment.world
    columns = 1 if narrow else 5
    width, panel_height = (380, 190) if narrow else (1000, 205)
    difference = settings.shows_difference
    shown = ["difference"] if difference else roles
    maps = [
        {
            "role": role,
            "title": t("difference", lang) if difference else map_title(role, settings),
            "alt": t(
                "map_alt", lang, role=t(role, lang), variable=VARIABLES[variable][lang], n="{n}"
            ),
        }
        for role in shown
    ]
    mark = " ↕" if settings.zoom else ""  # a zoomed axis
    zoomed = f" — <i>{html.escape(t('zoomed', lang))}</i>" if settings.zoom else ""
    legend = legend_html(lang, variable, settings.palette, issues=not difference)
    if difference:
        limit = f"{100 * DIFFERENCE_LIMIT[variable]:g}"
        caption = t("difference_caption", lang, variable=VARIABLES[variable][lang], limit=limit)
        legend += "<br>" + html.escape(caption)
    styles = {r: [ROLE_STYLE[r][0], ROLE_STYLE[r][1] == "--"] for r in roles}
    styles["difference"] = list(DIFFERENCE_STYLE)
    return {
        "run": run_id,
        "single": len(shown) == 1,
        "maps": maps,
        "map": map_layers(world, variable, settings.palette, difference=difference),
        "legend": legend,
        "header": f"<b>{html.escape(t('outcomes', lang))}</b> — " + role_key(shown, lang) + zoomed,
        "chart_alt": t("chart_alt", lang, n="{n}"),
        "chart": {
            "roles": roles,
            "difference": difference,
            "styles": styles,
            "panels": [
                {"key": key, "title": label.get(lang, label["en"]) + mark, "scale": scale}
                for key, label, scale in CHARTS
            ],
            "zoom": bool(settings.zoom),
            "columns": columns,
            "width": width,
            "panel_height": panel_height,
            "height": panel_height * (len(CHARTS) if columns == 1 else 1),
            "title_font": f"12px {FONT}",
            "tick_font": f"10px {FONT}",
        },
    }


def numbers_html(values: dict, steps: int, lang: str) -> str:
    """The table of key outcomes per model and, side by side, their difference (green:
    better, red: worse), then a plain summary."""
    roles = list(values)
    rows = outcome_rows(values, lang)
    diff = "baseline" in roles and "treatment" in roles
    head = "".join(f'<th scope="col">{html.escape(t(f"{r}_short", lang))}</th>' for r in roles)
    if diff:
        head += f'<th scope="col">{html.escape(t("table_difference", lang))}</th>'
    body = []
    for row in rows:
        cells = "".join(f"<td>{row.values[r]}</td>" for r in roles)
        if diff:
            cls = {True: "cogov-better", False: "cogov-worse"}.get(row.better, "")
            cells += f'<td class="{cls}">{row.difference}</td>'
        body.append(f'<tr><th scope="row">{html.escape(row.label)}</th>{cells}</tr>')
    caption = html.escape(t("table_caption", lang, n=steps))
    summary = html.escape(plain_summary(values, steps, lang))
    return (
        f"<table><caption><b>{caption}</b></caption>"
        f'<thead><tr><th scope="col">{html.escape(t("table_outcome", lang))}</th>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table>"
        f'<div class="cogov-summary" aria-live="polite">{summary}</div>'
    )


def map_title(role: str, settings) -> str:
    lang, mechs = settings.lang, settings.mechanisms
    title = t(role, lang)
    if role == "baseline" or not mechs:
        return title
    names = [mechanism_label(m, lang) for m in mechs[:TITLE_NAMES]]
    if len(mechs) > TITLE_NAMES:
        names.append(f"+{len(mechs) - TITLE_NAMES}")
    return f"{title} ({len(mechs)}): " + ", ".join(names)


def role_key(roles, lang: str) -> str:
    parts = []
    for role in roles:
        colour, style = DIFFERENCE_STYLE if role == "difference" else ROLE_STYLE[role]
        dash = "- - -" if style == "--" else "——"
        parts.append(f'<span style="color:{colour}">{dash}</span> {html.escape(t(role, lang))}')
    return " · ".join(parts)


def legend_html(lang: str, variable: str, palette: str = "cividis", issues: bool = True) -> str:
    """The maps' key; ``issues``: with the issue markers (the difference map has none)."""
    items = [
        (MARKER_GLYPH[m], c, ISSUE_LABELS[k][lang])
        for (m, c), k in zip(ISSUE_STYLE, ISSUE_LABELS, strict=True)
        if issues
    ] + [(MARKER_GLYPH[m], c, TEXT[key][lang]) for key, m, c in ACTOR_STYLE.values()]
    # A dark outline on every glyph: light marker colours (olive, cyan, orange) alone
    # stand out from the white page by less than 3:1.
    glyphs = " &nbsp; ".join(
        f'<span class="cogov-glyph" style="color:{c}" aria-hidden="true">{g}</span>&nbsp;{label}'
        for g, c, label in items
    )
    swatches = ""
    scheme = f" ({PALETTES[palette][lang]})" if variable in ("satisfaction", "trust") else ""
    if variable == "housing":  # a categorical colouring needs its key
        from cogov_sim.results.plots import HOUSING_COLOURS

        swatches = ": " + " &nbsp; ".join(
            f'<span style="background:{HOUSING_COLOURS[k]}; padding:0 0.7em">&nbsp;</span>'
            f"&nbsp;{HOUSING_NAMES[k][lang]}"
            for k in HOUSING_NAMES
        )
    latent = f" &nbsp; ({t('legend_latent', lang)})" if issues else ""
    return (
        f"{glyphs}{latent}<br>"
        f"{t('map_caption', lang)} {t('colour_by', lang)}: {VARIABLES[variable][lang]}"
        f"{scheme}{swatches}."
    )
