"""The live teaching app: a Solara page (Mesa's visualisation stack) over cogov-sim.

Start it with ``cogov-sim-viz`` (:mod:`cogov_sim.frontends.viz.server`). The page is our
own Solara component rather than Mesa 3.3's ``SolaraViz``: SolaraViz drives one
model with a fixed parameter list and English-only labels, while a class needs
the baseline and the chosen mechanisms stepping side by side, sliders that
follow the mechanisms switched on, and a language switch. It keeps Mesa's
controls (Reset, ▶/❚❚, Step and the "Step: N" counter) so it behaves like any
Mesa app.

Every browser session builds its own run in :func:`Page` (state lives in the
session's component tree, never at module level), so two tabs never step each
other's model. Every control change goes through
:meth:`cogov_sim.frontends.viz.session.Settings.replace`, which rejects bad values with a
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
import solara.lab

from cogov_sim.core.mechanisms import MECHANISMS
from cogov_sim.frontends.viz.export import FORMATS, record_classroom
from cogov_sim.frontends.viz.feed import Frame, ViewFeed
from cogov_sim.frontends.viz.labels import (
    PALETTES,
    PRESETS,
    VARIABLES,
    mechanism_label,
    mechanism_sliders,
    t,
)
from cogov_sim.frontends.viz.memory import release_soon
from cogov_sim.frontends.viz.server import prepare_server_process
from cogov_sim.frontends.viz.session import (
    SEED_RANGE,
    SIZE_RANGE,
    ClassroomRun,
    Message,
    Settings,
    SettingsError,
    app_worlds,
)

# In Solara's server: assets from this machine only, no cookie warning per page, and the
# "serving on" line once the port is bound (cogov_sim.frontends.viz.server).
prepare_server_process()


def page_connection():
    """A check of whether a page of the current session is still connected.

    A run playing in a page that went away without closing (a laptop lid shut, the
    network lost) would otherwise go on stepping until the session is forgotten
    (``--forget-after``), taking server time from the pages still open. Outside a
    Solara server (no session) the check always answers True."""
    from solara.server import kernel_context

    try:
        context = kernel_context.get_current_context()
    except Exception:  # noqa: BLE001 - no session: nothing to watch
        return lambda: True

    def connected() -> bool:
        try:  # a snapshot without the session's lock, as Solara reads it itself
            statuses = tuple(getattr(context, "page_status", {}).values())
        except RuntimeError:  # a page connected or left meanwhile: ask again next day
            return True
        return not statuses or kernel_context.PageStatus.CONNECTED in statuses

    return connected


def _on_session_start():
    """Each browser session's memory goes back to the system when it closes."""
    return release_soon


solara.lab.on_kernel_start(_on_session_start)

LANG_BUTTONS = {"en": "EN", "zh": "中文"}
#: Windows narrower than this get the phone layout.
NARROW_PX = 700
#: The layout: the maps take the height left after the app bar, titles, legend and
#: charts (--cogov-chrome), so at 1280x720 and up both maps and the charts are in view
#: together; beside them, the table of numbers. A phone stacks everything.
CSS = """
.cogov-lang, .cogov-present { color: white !important; border-color: white !important; }
.cogov-lang { min-width: 72px; }
.cogov-bar-controls { display: flex; align-items: center; gap: 6px; margin-right: 8px; }
.cogov-bar-steps { margin: 0 12px; white-space: nowrap; }
.cogov-map-title {
  height: 2.6em; font-weight: bold; font-size: 0.9em; line-height: 1.3em; overflow: hidden;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;  /* 2 lines */
}
.cogov-stage { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
.cogov-map {
  --cogov-chrome: 510px;  /* app bar, map titles, legend, chart header and charts */
  width: min(calc((100% - 300px) / 2), calc((100vh - var(--cogov-chrome)) * 1.1));
  min-width: 220px;
}
.cogov-single .cogov-map {
  width: min(calc(100% - 300px), calc((100vh - var(--cogov-chrome)) * 1.1));
}
.cogov-map canvas, .cogov-charts canvas { display: block; width: 100%; height: auto; }
.cogov-numbers { flex: 1 1 280px; min-width: 260px; max-width: 460px; font-size: 0.8em; }
.cogov-numbers table { border-collapse: collapse; width: 100%; }
.cogov-numbers th, .cogov-numbers td { padding: 1px 4px; border-bottom: 1px solid #ddd; }
.cogov-numbers caption { text-align: left; }
.cogov-numbers td { text-align: right; font-variant-numeric: tabular-nums; }
.cogov-numbers th[scope=row] { text-align: left; font-weight: normal; }
.cogov-better { color: #1b6e3a; font-weight: bold; }
.cogov-worse { color: #a3261d; font-weight: bold; }
.cogov-summary { margin-top: 6px; line-height: 1.35em; }
.cogov-charts { max-width: 1100px; }
.cogov-busy-box { pointer-events: none; opacity: 0.55; }
.cogov-link {
  width: 100%; font-size: 0.8em; border: 1px solid #bbb; padding: 2px 4px; margin-top: 4px;
}
.cogov-info { font-size: 0.85em; }
.cogov-info p { margin: 2px 0 6px 0; }
.cogov-legend { color: #333; }
.cogov-glyph { font-size: 1.25em; -webkit-text-stroke: 0.7px #222; paint-order: stroke fill; }
/* Sliders: the label on a line of its own, above a track as wide as the card. Beside
   the track, a long label (or a Chinese one) squeezed it to a few pixels or none in the
   320 px sidebar, where a click set the slider to its minimum, and a label wrapped onto
   the next heading. */
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-input__slot > .v-label {
  flex: 1 1 100%; max-width: 100%; height: auto !important; white-space: normal;
  line-height: 1.3em !important; margin: 0 0 2px 0 !important;
}
.v-input__slider .v-slider { flex: 1 1 100%; min-width: 120px; }
/* The download button names its file: it wraps inside its card instead of overflowing
   it (and, in Chinese, making the sidebar scroll sideways). */
.cogov-download .v-btn {
  max-width: 100%; height: auto !important; min-height: 36px; padding: 6px 10px !important;
  text-transform: none;
}
.cogov-download .v-btn__content {
  white-space: normal; flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; text-align: left;
}
.cogov-settings-inline { margin-bottom: 10px; }
/* A narrower sidebar than Solara's 400 px leaves the maps room at 1366 x 768. */
.v-navigation-drawer { min-width: 320px !important; width: 320px !important; }
.v-navigation-drawer .v-card { margin-bottom: 8px !important; }
.v-navigation-drawer .v-card__title { padding: 8px 12px; font-size: 1.1em; }
*:focus-visible { outline: 3px solid #e65100 !important; outline-offset: 2px; }
@media (max-width: 700px) {
  .cogov-map, .cogov-single .cogov-map { width: 100%; }
  .cogov-numbers { max-width: none; }
  .v-toolbar .v-btn { min-width: 44px !important; padding: 0 8px !important; }
  .cogov-bar-steps { display: none; }  /* the day is under the charts */
  .v-toolbar__title { display: none; }  /* room for the buttons */
}
"""


@solara.component_vue("page_state.vue")
def PageState(lang: str, query: str, event_width=None):
    """The page's <html lang> and address follow the settings (the address without a new
    history entry), so a reload or a shared link restores them; ``event_width`` hears the
    window's width."""


@solara.component_vue("classroom_view.vue")
def ClassroomView(scene: dict, day: dict | None = None, event_need_history=None):
    """The maps, the numbers and the charts, drawn in the browser from ``scene`` (per run
    and colouring) and ``day`` (:mod:`cogov_sim.frontends.viz.feed`); ``event_need_history`` hears a
    browser whose outcome series lost track."""


@solara.component_vue("step_counter.vue")
def StepCounterView(kind: str, text: str = ""):
    """ "Step: N", a widget of its own so that a new day can set its text directly."""


class LiveViews:
    """The widgets that a new day updates directly: the view's ``day`` and the step
    counters' text. Setting a widget's value sends one small message; a re-render of the
    components that show them (Solara's way) walks the whole page and cost about as much
    server time as the model step itself, which, with a class playing at once, was the
    limit (issue #16).

    These values are never given to the widgets' elements: a render sets every value its
    element was given again, even an unchanged element's, which would put an old day back
    on the page. The widgets get them when they appear (``use_effect``) and from here."""

    def __init__(self):
        self.view = None
        self.counters: dict[int, tuple[object, str]] = {}  # id -> (widget, language)
        self.latest: Frame | None = None  # the last frame sent
        self.restart = lambda: None  # the page's answer to a view that lost its series

    def show(self, frame: Frame) -> None:
        """Send ``frame``'s day to the view and its step to the counters."""
        self.latest = frame
        view = self.view
        if view is not None:
            view.day = frame.day
        self.steps(frame.steps)

    def need_history(self, _=None) -> None:
        self.restart()

    def steps(self, n: int) -> None:
        for widget, lang in list(self.counters.values()):
            widget.text = t("step_counter", lang, n=n)


@solara.component_vue("copy_link.vue")
def CopyLink(query: str, label: str, copied: str, linkLabel: str):  # noqa: N803 - a Vue prop
    """A "copy link" button and the link itself, selectable."""


def _first_run(query: str) -> tuple[ClassroomRun, list[str]]:
    """The session's first run, from the page address (bad parameters are ignored)."""
    settings, warnings = Settings.from_query(parse_qs(query or "", keep_blank_values=True))
    try:
        return ClassroomRun(settings), warnings
    except SettingsError as exc:
        return ClassroomRun(Settings(lang=settings.lang)), [*warnings, exc.message]


@solara.component
def Page():
    router = solara.use_router()
    maker = solara.use_memo(ViewFeed, [])
    live = solara.use_memo(LiveViews, [])

    def start():
        first, warnings = _first_run(router.search)
        return first, warnings, _draw(maker, first, first.settings)

    first, url_warnings, first_frame = solara.use_memo(start, [])
    run = solara.use_reactive(first)
    settings = solara.use_reactive(first.settings)
    # The frame whose scene (the run and its colouring) the view shows: set when the scene
    # changes; the days in between go to the view directly (LiveViews).
    frame = solara.use_reactive(first_frame)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    error = solara.use_reactive(None)
    busy = solara.use_reactive(False)  # a new run is being built: controls wait
    ended = solara.use_reactive(False)  # the run reached its last day (redraws the controls)
    present = solara.use_reactive(False)  # presentation mode: no sidebar
    narrow = solara.use_reactive(False)  # a phone: one column, charts stacked
    # What the background build reads: plain values, not reactive ones (a thread of our
    # own has no page context to read those in), updated by the handlers.
    pending = solara.use_memo(
        lambda: {"target": None, "narrow": False, "building": False, "lock": threading.Lock()},
        [],
    )
    lang = settings.value.lang

    def show() -> None:
        """Send the current state to the view. A day of the same scene goes to the view's
        widget directly, without a render of the page."""
        push(_draw(maker, run.value, settings.value, narrow.value))
        if run.value.finished != ended.value:
            ended.set(run.value.finished)

    def push(f: Frame) -> None:
        live.latest = f
        if f.layout is not frame.value.layout:
            frame.set(f)  # a new scene: the view renders with it
        live.show(f)

    def on_width(width) -> None:
        is_narrow = int(width) < NARROW_PX
        if is_narrow != narrow.value:
            pending["narrow"] = is_narrow
            narrow.set(is_narrow)
            if is_narrow:
                present.set(True)  # the sidebar would cover the page: open it from the bar
            show()

    def rebuild(new: Settings) -> None:
        """Replace the run (a change of model settings, or Reset), in the background: the
        page shows that it is busy and its controls wait, instead of freezing. A change
        made meanwhile (a key typed into a field) is not lost: the build starts again
        for the settings as they are once it is done."""
        playing.set(False)
        ended.set(False)
        settings.set(new)
        with pending["lock"]:
            pending["target"] = new
            if pending["building"]:
                return  # the running build picks the new settings up
            pending["building"] = True
        busy.set(True)
        old = run.value

        def done(restore: Settings | None = None) -> bool:
            """Under the lock: finished, unless the settings changed meanwhile. The flag
            and the busy state are cleared here, together, so a change that comes later
            starts a build of its own and nothing clears its flags."""
            with pending["lock"]:
                if restore is not None:
                    pending["target"] = restore
                elif pending["target"].model_key() != target.model_key():
                    return False
                pending["building"] = False
                busy.set(False)
                return True

        def work() -> None:
            nonlocal target
            current = old  # the run on the page
            with old.lock:  # let a step in flight finish
                pass
            while True:
                with pending["lock"]:
                    target = pending["target"]
                try:
                    fresh = ClassroomRun(target)
                    run.set(fresh)
                    current = fresh
                    with pending["lock"]:
                        shown = pending["target"]
                    fresh_frame = _draw(maker, fresh, shown, pending["narrow"])
                    live.latest = fresh_frame
                    frame.set(fresh_frame)  # a new run: a new scene
                    live.show(fresh_frame)
                    error.set(None)
                except Exception as exc:  # noqa: BLE001 - shown on the page, the old run stays
                    if not isinstance(exc, SettingsError):
                        traceback.print_exc()
                    error.set(exc.message if isinstance(exc, SettingsError) else str(exc))
                    settings.set(current.settings)
                    done(restore=current.settings)
                    return
                if done():
                    return

        target = new
        threading.Thread(target=work, daemon=True).start()

    def change(name: str, value) -> None:
        try:
            new = settings.value.replace(name, value)
            error.set(None)
        except SettingsError as exc:
            error.set(exc.message)
            return
        if pending["building"] or new.model_key() != run.value.settings.model_key():
            rebuild(new)
        else:
            settings.set(new)
            show()

    def do_step() -> bool:
        if busy.value:
            return False
        try:
            run.value.step()
        except Exception as exc:  # a model error must not take the page down
            traceback.print_exc()
            error.set(t("step_failed", settings.value.lang, error=exc))
            return False
        show()
        return True

    def do_reset() -> None:
        error.set(None)
        rebuild(settings.value)

    def play_loop(cancel: threading.Event) -> None:
        # Step, draw, then wait out the rest of the period: drawing is the brake, so
        # the page never falls behind the model. A page that lost its connection pauses
        # its run: back, it finds the run where it stopped.
        connected = page_connection()
        while playing.value and not cancel.is_set():
            if not connected():
                playing.set(False)
                print(
                    f"cogov-sim-viz: a page lost its connection; its run paused at step "
                    f"{run.value.steps}",
                    flush=True,
                )
                break
            t0 = time.perf_counter()
            if run.value.finished or not do_step():
                playing.set(False)
                break
            cancel.wait(max(0.0, 1.0 / speed.value - (time.perf_counter() - t0)))

    solara.use_thread(play_loop, dependencies=[playing.value, run.value], intrusive_cancel=False)

    s = settings.value
    _ = ended.value  # read, so that the controls follow the run's end (Step, "finished")
    solara.Title("cogov-sim")
    solara.Style(CSS)
    PageState(lang=lang, query=s.to_query(), event_width=on_width)
    with solara.AppBar():
        solara.AppBarTitle(t("title", lang))
        solara.v.Spacer()
        if present.value:  # the run's controls, for the class to see it move
            with solara.Div(classes=["cogov-bar-controls"]):
                PlayButtons(run.value, live, playing, do_step, busy.value, lang, bar=True)
        if narrow.value:  # a phone: the settings show above the page, from a named button
            solara.Button(
                t("settings", lang),
                icon_name="mdi-tune",
                on_click=lambda: present.set(not present.value),
                outlined=True,
                classes=["cogov-present", "cogov-settings-toggle"],
                attributes={"aria-expanded": "false" if present.value else "true"},
            )
        else:
            solara.Button(
                t("present", lang),
                icon_name="mdi-projector-screen",
                on_click=lambda: present.set(not present.value),
                outlined=True,
                classes=["cogov-present", "cogov-present-toggle"],
                attributes={"aria-pressed": "true" if present.value else "false"},
            )
        if not (narrow.value or present.value):  # the participatory class (not on the projector)
            solara.Button(
                t("class_play", lang),
                icon_name="mdi-account-group",
                outlined=True,
                classes=["cogov-present", "cogov-class-link"],
                href=f"/class?lang={lang}",
                target="_blank",
            )
        # One button naming the other language: 中文 while in English, EN while in Chinese.
        other = "zh" if lang == "en" else "en"
        solara.Button(
            LANG_BUTTONS[other],
            on_click=lambda: change("lang", other),
            outlined=True,
            classes=["cogov-lang"],
            attributes={"lang": "zh-CN" if other == "zh" else "en"},
            disabled=busy.value,
        )

    def settings_panel() -> None:
        Controls(run.value, s, live, playing, speed, do_step, do_reset, busy.value)
        with solara.Div(classes=["cogov-busy-box"] if busy.value else []):
            ScenarioCard(s, change)
            MechanismCard(s, change)
            ParameterCard(s, change)
            ExportCard(run.value, s)  # inside: no export of a run being replaced
        with solara.Card(t("link", lang)):
            CopyLink(
                query=s.to_query(),
                label=t("copy_link", lang),
                copied=t("copied", lang),
                linkLabel=t("link", lang),
            )

    if not present.value:
        if narrow.value:  # a phone: above the page (a drawer would cover it)
            with solara.Div(classes=["cogov-settings-inline"]):
                settings_panel()
        else:
            with solara.Sidebar():
                settings_panel()

    for w in url_warnings:
        solara.Warning(f"{t('url_warning', lang)}: {_say(w, lang)}", dense=True)
    if error.value:
        solara.Error(
            f"{t('settings_error', lang)}: {_say(error.value, lang)}",
            dense=True,
            classes=["cogov-error"],
        )
    if busy.value:
        solara.Info(t("busy", lang), dense=True, classes=["cogov-busy"])

    # The frame goes down as a reactive value, read only by the parts that show it: a new
    # day re-renders the views and the step counters, not the whole page and its sidebar.
    def need_history() -> None:
        maker.restart_series()
        show()

    live.restart = need_history
    Views(frame, live)


def _say(message, lang: str) -> str:
    """A message in the page's language (a Message knows its Chinese; other text is as is)."""
    return message.text(lang) if isinstance(message, Message) else str(message)


def _draw(maker: ViewFeed, run: ClassroomRun, s: Settings, narrow: bool = False) -> Frame:
    # A phone stacks the charts, so their labels stay readable.
    return maker.frame(run, s, narrow)


@solara.component
def PlayButtons(run, live, playing, do_step, busy: bool, lang: str, bar: bool = False):
    """Play/Pause and Step, named in words for screen readers (the labels are symbols)."""
    name = t("pause", lang) if playing.value else t("play", lang)
    classes = ["cogov-present"] if bar else []
    with solara.Row(gap="6px", style={"align-items": "center", "background": "transparent"}):
        solara.Button(
            label="❚❚" if playing.value else "▶",
            color=None if bar else "primary",
            outlined=bar,
            on_click=lambda: playing.set(not playing.value),
            disabled=run.finished or busy,
            attributes={"aria-label": name, "title": name},
            classes=classes,
        )
        solara.Button(
            label=t("step", lang),
            color=None if bar else "primary",
            outlined=bar,
            on_click=do_step,
            disabled=playing.value or run.finished or busy,
            classes=classes,
        )
        if bar:
            StepCounter(run, live, lang, "cogov-bar-steps")


@solara.component
def StepCounter(run: ClassroomRun, live: LiveViews, lang: str, cls: str):
    """ "Step: N" (the only part of the controls that changes every day: a new day sets
    its text directly, see LiveViews)."""
    el = StepCounterView(kind=cls)

    def register():
        widget = solara.get_widget(el)
        latest = live.latest
        widget.text = t("step_counter", lang, n=latest.steps if latest else run.steps)
        live.counters[id(widget)] = (widget, lang)
        return lambda: live.counters.pop(id(widget), None)

    solara.use_effect(register, [lang])


@solara.component
def Controls(run, settings, live, playing, speed, do_step, do_reset, busy: bool):
    lang = settings.lang
    with solara.Card(t("controls", lang)):
        with solara.Row(justify="space-between"):
            solara.Button(label=t("reset", lang), color="primary", on_click=do_reset, disabled=busy)
            PlayButtons(run, live, playing, do_step, busy, lang)
        StepCounter(run, live, lang, "cogov-steps")
        if run.finished:
            solara.Info(t("finished", lang), dense=True)
        # Up to what a classroom run reaches (about 6 days per second alone on a core).
        solara.SliderInt(f"{t('speed', lang)}: {speed.value}", value=speed, min=1, max=6)


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
        # Text, not solara.InputInt: its own message for a bad entry is English only;
        # Settings.replace checks the value and says what is wrong in the page's language.
        # Every keystroke counts (continuous_update): a field that waits for Enter loses
        # what was typed whenever the page redraws meanwhile (e.g. a run being rebuilt);
        # the rebuilds of quick keystrokes fold into one.
        solara.InputText(
            f"{t('seed', lang)} ({SEED_RANGE[0]}-{SEED_RANGE[1]})",
            value=str(settings.seed),
            on_value=lambda v: change("seed", v.strip()),
            continuous_update=True,
        )
        worlds = app_worlds()
        if len(worlds) > 1:
            solara.Select(
                t("world", lang),
                value=worlds.get(settings.world, worlds["classroom"])[lang],
                values=[w[lang] for w in worlds.values()],
                on_value=lambda v: change("world", _key_of(worlds, v, lang)),
            )
        if settings.world == "classroom":
            solara.SliderInt(
                f"{t('size', lang)}: {settings.size}",
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
        if settings.side_by_side:
            solara.Checkbox(
                label=t("show_difference", lang),
                value=settings.difference,
                on_value=lambda v: change("difference", v),
            )
        if settings.variable in ("satisfaction", "trust"):
            solara.Select(
                t("palette", lang),
                value=PALETTES[settings.palette][lang],
                values=[PALETTES[p][lang] for p in PALETTES],
                on_value=lambda v: change("palette", _key_of(PALETTES, v, lang)),
            )
        solara.Checkbox(
            label=t("zoom", lang),
            value=settings.zoom,
            on_value=lambda v: change("zoom", v),
        )


def _key_of(table: dict, label, lang: str):
    """The key whose label in ``lang`` is ``label`` (the label itself when none is)."""
    return next((k for k, v in table.items() if v[lang] == label), label)


@solara.component
def MechanismCard(settings: Settings, change):
    lang = settings.lang
    with solara.Card(t("mechanisms", lang), classes=["cogov-mechanisms"]):
        # the built-in and installed ones, then any import path the address switched on
        extra = [m for m in settings.mechanisms if m not in MECHANISMS]
        for name in [*MECHANISMS, *extra]:
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
            MechanismInfo(name, lang)
            for kp in mechanism_sliders(name):
                label = kp.zh if lang == "zh" else kp.en
                value = settings.param(kp.dotted)
                slider = solara.SliderInt if kp.integer else solara.SliderFloat
                slider(
                    f"{label}: {_number(value)}",  # the value always in view, not only dragged
                    value=value,
                    min=kp.lo,
                    max=kp.hi,
                    step=kp.step,
                    on_value=lambda v, d=kp.dotted: change(d, v),
                )


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@solara.component
def MechanismInfo(name: str, lang: str):
    """What the mechanism is, what it changes in the model, what to look for and the
    pattern it is calibrated to (the mechanism's ``info``, see
    cogov_sim/frontends/viz/mechanism_info.py), folded by default."""
    import html
    import re

    from cogov_sim.frontends.viz.mechanism_info import FIELD_LABELS, FIELDS, mechanism_info

    info = mechanism_info(name, lang)
    body = "".join(
        f"<b>{html.escape(FIELD_LABELS[f][lang])}</b><p>{html.escape(info[f])}</p>" for f in FIELDS
    )
    summary = html.escape(t("about", lang))
    solara.HTML(
        tag="details",
        unsafe_innerHTML=f"<summary>{summary}</summary>{body}",
        # (an import path's ':' and '.' would need escaping in a CSS selector)
        classes=["cogov-info", "cogov-info-" + re.sub(r"[^\w-]", "-", name)],
    )


@solara.component
def ExportCard(run: ClassroomRun, settings: Settings):
    lang = settings.lang
    result = solara.use_reactive(None)  # (filename, bytes)
    progress = solara.use_reactive(None)
    failure = solara.use_reactive(None)

    def export(fmt: str) -> None:
        days = run.steps
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
def Views(frame_state, live: LiveViews):
    """The maps of each model, the table of numbers beside them and the outcome charts,
    drawn in the browser (``classroom_view.vue``); each picture has a text alternative.
    Renders when the scene changes; the days in between go to the widget directly."""
    frame = frame_state.value
    el = ClassroomView(scene=frame.layout, event_need_history=live.need_history)

    def register():
        widget = solara.get_widget(el)
        latest = live.latest
        widget.day = latest.day if latest is not None else frame.day
        live.view = widget

        def forget():
            if live.view is widget:
                live.view = None

        return forget

    solara.use_effect(register, [])
