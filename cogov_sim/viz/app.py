"""The live teaching app: a Solara page (Mesa's visualisation stack) over cogov-sim.

Start it with ``cogov-sim-viz`` (:mod:`cogov_sim.viz.server`). The page is our
own Solara component rather than Mesa 3.3's ``SolaraViz``: SolaraViz drives one
model with a fixed parameter list and English-only labels, while a class needs
the baseline and the chosen mechanisms stepping side by side, sliders that
follow the mechanisms switched on, and a language switch. It keeps Mesa's
controls (Reset, ▶/❚❚, Step and the "Step: N" counter) so it behaves like any
Mesa app.

Every browser session builds its own run in :func:`Page` (state lives in the
session's component tree, never at module level), so two tabs never step each
other's model. Every control change goes through
:meth:`cogov_sim.viz.session.Settings.replace`, which rejects bad values with a
message shown on the page: a malformed slider message or page address cannot
reach the model.

Offline: no ``solara.Markdown`` here. It loads KaTeX, which the
``solara-assets`` package (1.58.1) does not ship, so the page would log 404s
with no internet; text uses ``solara.Text`` and ``solara.HTML``.
"""

from __future__ import annotations

import threading
import time
import traceback
from urllib.parse import parse_qs

import solara

from cogov_sim.mechanisms import MECHANISMS
from cogov_sim.viz.export import FORMATS, record_classroom
from cogov_sim.viz.labels import (
    HOUSING_NAMES,
    ISSUE_LABELS,
    KEY_PARAMS,
    PRESETS,
    TEXT,
    VARIABLES,
    mechanism_label,
    t,
)
from cogov_sim.viz.render import (
    ACTOR_STYLE,
    ISSUE_STYLE,
    ROLE_STYLE,
    Frame,
    FrameMaker,
    cjk_font,
)
from cogov_sim.viz.session import (
    SEED_RANGE,
    SIZE_RANGE,
    ClassroomRun,
    Settings,
    SettingsError,
)

LANG_BUTTONS = {"en": "EN", "zh": "中文"}
CSS = """
.cogov-lang { color: white !important; border-color: white !important; min-width: 72px; }
.cogov-map-title { min-height: 3em; font-weight: bold; }
"""
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


def _first_run(query: str) -> tuple[ClassroomRun, list[str]]:
    """The session's first run, from the page address (bad parameters are ignored)."""
    settings, warnings = Settings.from_query(parse_qs(query or "", keep_blank_values=True))
    try:
        return ClassroomRun(settings), warnings
    except SettingsError as exc:
        return ClassroomRun(Settings(lang=settings.lang)), [*warnings, str(exc)]


@solara.component
def Page():
    router = solara.use_router()
    maker = solara.use_memo(FrameMaker, [])

    def start():
        first, warnings = _first_run(router.search)
        s = first.settings
        return first, warnings, maker.frame(first, s.variable, s.lang)

    first, url_warnings, first_frame = solara.use_memo(start, [])
    run = solara.use_reactive(first)
    settings = solara.use_reactive(first.settings)
    frame = solara.use_reactive(first_frame)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    error = solara.use_reactive(None)
    lang = settings.value.lang

    def show() -> None:
        """Draw the current state. Frames are drawn here, outside the page's render, so a
        render only swaps images and the page keeps up while playing."""
        s = settings.value
        frame.set(maker.frame(run.value, s.variable, s.lang))

    def rebuild(new: Settings) -> None:
        """Replace the run (a change of model settings, or Reset)."""
        playing.set(False)
        with run.value.lock:  # let a step in flight finish
            pass
        run.set(ClassroomRun(new))
        settings.set(new)
        show()

    def change(name: str, value) -> None:
        try:
            new = settings.value.replace(name, value)
            if new.model_key() != run.value.settings.model_key():
                rebuild(new)
            else:
                settings.set(new)
                show()
            error.set(None)
        except SettingsError as exc:
            error.set(str(exc))

    def do_step() -> bool:
        try:
            run.value.step()
        except Exception as exc:  # a model error must not take the page down
            traceback.print_exc()
            error.set(f"step failed: {exc}")
            return False
        show()
        return True

    def do_reset() -> None:
        error.set(None)
        rebuild(settings.value)

    def play_loop(cancel: threading.Event) -> None:
        # Step, draw, then wait out the rest of the period: drawing is the brake, so
        # the page never falls behind the model.
        while playing.value and not cancel.is_set():
            t0 = time.perf_counter()
            if run.value.finished or not do_step():
                playing.set(False)
                break
            cancel.wait(max(0.0, 1.0 / speed.value - (time.perf_counter() - t0)))

    solara.use_thread(play_loop, dependencies=[playing.value, run.value], intrusive_cancel=False)

    solara.Title("cogov-sim")
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(t("title", lang))
        solara.v.Spacer()
        # One button naming the other language: 中文 while in English, EN while in Chinese.
        other = "zh" if lang == "en" else "en"
        solara.Button(
            LANG_BUTTONS[other],
            on_click=lambda: change("lang", other),
            outlined=True,
            classes=["cogov-lang"],
        )

    with solara.Sidebar():
        Controls(run.value, settings.value, frame.value, playing, speed, do_step, do_reset)
        ScenarioCard(settings.value, change)
        MechanismCard(settings.value, change)
        ParameterCard(settings.value, change)
        ExportCard(run.value, settings.value, frame.value.steps)

    for w in url_warnings:
        solara.Warning(f"{t('url_warning', lang)}: {w}", dense=True)
    if error.value:
        solara.Error(
            f"{t('settings_error', lang)}: {error.value}", dense=True, classes=["cogov-error"]
        )
    Views(run.value, settings.value, frame.value)


@solara.component
def Controls(run, settings, frame, playing, speed, do_step, do_reset):
    lang = settings.lang
    with solara.Card(t("controls", lang)):
        with solara.Row(justify="space-between"):
            solara.Button(label=t("reset", lang), color="primary", on_click=do_reset)
            solara.Button(
                label="❚❚" if playing.value else "▶",
                color="primary",
                on_click=lambda: playing.set(not playing.value),
                disabled=run.finished,
            )
            solara.Button(
                label=t("step", lang),
                color="primary",
                on_click=do_step,
                disabled=playing.value or run.finished,
            )
        solara.Text(t("step_counter", lang, n=frame.steps), classes=["cogov-steps"])
        if run.finished:
            solara.Info(t("finished", lang), dense=True)
        solara.SliderInt(t("speed", lang), value=speed, min=1, max=20)


@solara.component
def ScenarioCard(settings: Settings, change):
    lang = settings.lang
    with solara.Card(t("scenario", lang)):
        solara.Select(
            t("scenario", lang),
            value=PRESETS[settings.preset][lang],
            values=[PRESETS[p][lang] for p in PRESETS],
            on_value=lambda v: change("preset", _key_of(PRESETS, v, lang)),
        )
        solara.InputInt(
            f"{t('seed', lang)} ({SEED_RANGE[0]}-{SEED_RANGE[1]})",
            value=settings.seed,
            on_value=lambda v: change("seed", v),
            continuous_update=False,
        )
        solara.SliderInt(
            t("size", lang),
            value=settings.size,
            min=SIZE_RANGE[0],
            max=SIZE_RANGE[1],
            step=5,
            on_value=lambda v: change("size", v),
        )
        solara.Select(
            t("colour_by", lang),
            value=VARIABLES[settings.variable][lang],
            values=[VARIABLES[v][lang] for v in VARIABLES],
            on_value=lambda v: change("variable", _key_of(VARIABLES, v, lang)),
        )
        solara.Checkbox(
            label=t("side_by_side", lang),
            value=settings.side_by_side,
            on_value=lambda v: change("side_by_side", v),
        )


def _key_of(table: dict, label, lang: str):
    """The key whose label in ``lang`` is ``label`` (the label itself when none is)."""
    return next((k for k, v in table.items() if v[lang] == label), label)


@solara.component
def MechanismCard(settings: Settings, change):
    lang = settings.lang
    with solara.Card(t("mechanisms", lang), classes=["cogov-mechanisms"]):
        for name in MECHANISMS:
            solara.Checkbox(
                label=mechanism_label(name, lang),
                value=name in settings.mechanisms,
                on_value=lambda v, name=name: change(f"mechanism:{name}", v),
            )


@solara.component
def ParameterCard(settings: Settings, change):
    lang = settings.lang
    with solara.Card(t("parameters", lang)):
        if not settings.mechanisms:
            solara.Text(t("no_parameters", lang))
        for name in settings.mechanisms:
            solara.Text(mechanism_label(name, lang), style={"font-weight": "bold"})
            for kp in KEY_PARAMS[name]:
                label = kp.zh if lang == "zh" else kp.en
                slider = solara.SliderInt if kp.integer else solara.SliderFloat
                slider(
                    label,
                    value=settings.param(kp.dotted),
                    min=kp.lo,
                    max=kp.hi,
                    step=kp.step,
                    on_value=lambda v, d=kp.dotted: change(d, v),
                )


@solara.component
def ExportCard(run: ClassroomRun, settings: Settings, steps: int):
    lang = settings.lang
    result = solara.use_reactive(None)  # (filename, bytes)
    progress = solara.use_reactive(None)
    failure = solara.use_reactive(None)

    def export(fmt: str) -> None:
        days = steps
        if days < 1:
            failure.set(t("export_empty", lang))
            return
        failure.set(None)
        result.set(None)

        def work():
            try:
                data = record_classroom(
                    settings,
                    days,
                    fmt,
                    every=max(1, days // 120),
                    progress=lambda i, n: progress.set((i, n)),
                )
            except Exception as exc:  # noqa: BLE001 - shown on the page
                traceback.print_exc()
                progress.set(None)
                failure.set(str(exc))
                return
            progress.set(None)
            result.set((f"cogov-sim-seed{settings.seed}-day{days}.{fmt}", data))

        threading.Thread(target=work, daemon=True).start()

    with solara.Card(t("export", lang)):
        with solara.Row():
            for fmt in FORMATS:
                solara.Button(
                    label=t(f"export_{fmt}", lang),
                    on_click=lambda fmt=fmt: export(fmt),
                    disabled=progress.value is not None,
                    outlined=True,
                )
        # Each part in its own container, so that one appearing or going never remounts
        # another (a remounted download button would lose the click that asked for it).
        with solara.Column(classes=["cogov-download"]):
            if result.value is not None:
                name, data = result.value
                mime = "image/gif" if name.endswith(".gif") else "video/mp4"
                solara.FileDownload(
                    data, filename=name, label=t("export_ready", lang, name=name), mime_type=mime
                )
        with solara.Column():
            if progress.value is not None:
                i, n = progress.value
                solara.ProgressLinear(value=100 * i / max(1, n))
                solara.Text(t("export_busy", lang, i=i, n=n))
            if failure.value:
                solara.Warning(failure.value, dense=True)


@solara.component
def Views(run: ClassroomRun, settings: Settings, frame: Frame):
    """The map of each model and the outcome charts (drawn by :class:`FrameMaker`)."""
    lang, variable = settings.lang, settings.variable
    roles = [role for role, _ in frame.maps]
    with solara.Row(style={"flex-wrap": "wrap", "gap": "12px"}):
        for role, png in frame.maps:
            with solara.Column(classes=[f"cogov-map cogov-map-{role}"], style={"width": "480px"}):
                solara.Text(_map_title(role, settings), classes=["cogov-map-title"])
                solara.Image(png, width="100%")
    Legend(lang, variable)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<b>{t('outcomes', lang)}</b> — " + _role_key(roles, lang),
    )
    with solara.Div(classes=["cogov-charts"]):
        solara.Image(frame.chart, width="100%")
    if lang == "zh" and cjk_font() is None:
        solara.Text("(No Chinese font found for matplotlib: chart titles are in English.)")
    solara.Text(
        f"{t('day_counter', lang, n=frame.steps)} · {len(frame.maps)} × "
        f"{run.treatment.n_households:,} {t('households', lang)} · frame {frame.ms:.0f} ms",
        classes=["cogov-frame-info"],
        style={"color": "#777", "font-size": "0.8em"},
    )


def _map_title(role: str, settings: Settings) -> str:
    lang, mechs = settings.lang, settings.mechanisms
    title = t(role, lang)
    if role == "baseline" or not mechs:
        return title
    names = [mechanism_label(m, lang) for m in mechs[:TITLE_NAMES]]
    if len(mechs) > TITLE_NAMES:
        names.append(f"+{len(mechs) - TITLE_NAMES}")
    return f"{title} ({len(mechs)}): " + ", ".join(names)


def _role_key(roles, lang: str) -> str:
    names = {"baseline": "baseline", "treatment": "treatment", "single": "single"}
    parts = []
    for role in roles:
        colour, style = ROLE_STYLE[role]
        dash = "- - -" if style == "--" else "——"
        parts.append(f'<span style="color:{colour}">{dash}</span> {t(names[role], lang)}')
    return " · ".join(parts)


@solara.component
def Legend(lang: str, variable: str):
    items = [
        (MARKER_GLYPH[m], c, ISSUE_LABELS[k][lang])
        for (m, c), k in zip(ISSUE_STYLE, ISSUE_LABELS, strict=True)
    ] + [(MARKER_GLYPH[m], c, TEXT[key][lang]) for key, m, c in ACTOR_STYLE.values()]
    html = " &nbsp; ".join(
        f'<span style="color:{c}; font-size:1.1em">{g}</span>&nbsp;{label}' for g, c, label in items
    )
    swatches = ""
    if variable == "housing":  # a categorical colouring needs its key
        from cogov_sim.plots import HOUSING_COLOURS

        swatches = ": " + " &nbsp; ".join(
            f'<span style="background:{HOUSING_COLOURS[k]}; padding:0 0.7em">&nbsp;</span>'
            f"&nbsp;{HOUSING_NAMES[k][lang]}"
            for k in HOUSING_NAMES
        )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"{html} &nbsp; ({t('legend_latent', lang)})<br>"
            f"{t('map_caption', lang)} {t('colour_by', lang)}: {VARIABLES[variable][lang]}"
            f"{swatches}."
        ),
        style={"font-size": "0.85em"},
        classes=["cogov-legend"],
    )
