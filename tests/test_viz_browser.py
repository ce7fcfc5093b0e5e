"""The teaching app in a real browser: Playwright driving Debian's Chromium.

One app server per test module (per xdist worker); every test opens its own
browser context, so every test is a new session with its own model. Every
request the page makes is checked: anything not addressed to 127.0.0.1 is
blocked and recorded, and a test fails if there was any (the app must work
offline). Screenshots go to ``build/screenshots/``.
"""

from __future__ import annotations

import base64
import io
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from conftest import ROOT, require_chromium
from PIL import Image
from viz_server import viz_app, viz_server

pytestmark = [pytest.mark.browser]
SHOTS = ROOT / "build" / "screenshots"
TIMEOUT = 30_000  # ms; the first page of a fresh server builds the model and its renderers


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("viz") / "server.log"


@pytest.fixture(scope="module")
def local_app(server_log):
    require_chromium()
    with viz_app(server_log) as app:
        yield app


@pytest.fixture(scope="module")
def app_url(local_app):
    return local_app.url


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far (Linux)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class AppPage:
    """A page of the app with its console errors and off-machine requests recorded."""

    def __init__(self, page, url: str):
        self.page = page
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.set_default_timeout(TIMEOUT)
        self.url = url

    def open(self, query: str = "", counter: str = "Step: 0") -> AppPage:
        self.page.goto(self.url + query)
        self.page.get_by_text(counter, exact=True).wait_for()
        return self

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def step(self, n: int) -> None:
        start = self.steps()
        for i in range(n):
            self.button("Step").click()
            self.page.get_by_text(f"Step: {start + i + 1}", exact=True).wait_for()

    def steps(self) -> int:
        text = self.page.locator(".cogov-steps").inner_text()
        return int(text.rsplit(" ", 1)[-1].rstrip("步").strip())

    def pixels(self, selector: str) -> np.ndarray:
        """The pixels the page draws on the canvas ``selector``, once it shows this day."""
        selector += f'[data-day="{self.steps()}"]'
        url = self.page.locator(selector).first.evaluate("(c) => c.toDataURL('image/png')")
        png = base64.b64decode(url.split(",", 1)[1])
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.external == [], f"requests leaving the machine: {self.external}"


@pytest.fixture
def app(page, app_url):
    return AppPage(page, app_url)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and int(np.abs(a - b).max()) == 0


def test_page_loads_offline_with_no_console_errors_and_saves_a_screenshot(app):
    app.open()
    for name in ("Reset", "Play", "Step"):
        assert app.button(name).is_visible()
    assert app.page.locator(".cogov-map canvas").count() == 2  # side by side by default
    assert app.page.locator(".cogov-charts canvas").count() == 1
    path = app.shot("app_loaded")
    assert path.stat().st_size > 10_000
    app.assert_clean()


@pytest.fixture(scope="module")
def trapped_app(tmp_path_factory):
    """A server of its own whose every outbound HTTP(S) request goes to a local trap: the
    proxy variables of its environment name a socket here that records each connection
    and closes it (a fetch fails at once, and loudly in the record). Yields (address,
    the recorded connections' first bytes)."""
    require_chromium()
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(64)
    calls: list[bytes] = []

    def record():
        while True:
            try:
                conn, _ = trap.accept()
            except OSError:  # closed at the end
                return
            with conn:
                conn.settimeout(2)
                try:
                    calls.append(conn.recv(200) or b"(nothing sent)")
                except OSError:
                    calls.append(b"(nothing sent)")

    threading.Thread(target=record, daemon=True).start()
    proxy = f"http://127.0.0.1:{trap.getsockname()[1]}"
    env = {k: proxy for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
    env = {**env, **{k.lower(): v for k, v in env.items()}}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    log = tmp_path_factory.mktemp("viz_trapped") / "server.log"
    try:
        with viz_server(log, env=env) as url:
            yield url, calls
    finally:
        trap.close()


def test_the_server_serves_only_its_own_assets_and_never_calls_out(page, trapped_app):
    """Solara's server fetched any asset it did not hold from a public CDN (about 7 s a
    request with no internet, a server thread held meanwhile): now 404 at once, and
    nothing leaves the machine, neither from the server nor from the page."""
    url, calls = trapped_app
    own = url + "_solara/cdn/requirejs@2.3.6/require.js"
    with urllib.request.urlopen(own, timeout=10) as r:  # its own assets are served
        assert r.status == 200 and len(r.read()) > 1000
    for path in (
        "nope@1.0.0/x.js",
        "requirejs@2.3.6/not-there.js",
        "left-pad",  # a bare package name: its main file
        "@widgetti/solara-vuetify-app@10.1.1/missing.css",
        "..%2F..%2F..%2Fetc/passwd",
    ):
        t0 = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(url + "_solara/cdn/" + path, timeout=30)
        took = time.monotonic() - t0
        assert answer.value.code == 404, path
        assert took < 1.0, f"{path}: {took:.1f} s"
    app = AppPage(page, url).open()
    app.step(1)
    app.assert_clean()
    assert calls == [], f"the server called out: {calls}"


def test_stepping_n_times_redraws_chart_and_map_and_reset_brings_back_the_first_map(app):
    app.open()
    map0 = app.pixels(".cogov-map-treatment canvas")
    chart0 = app.pixels(".cogov-charts canvas")
    app.step(4)
    assert app.steps() == 4
    # The views redraw apart from the step counter: wait for them too.
    app.page.get_by_text("day 4 ·", exact=False).wait_for()
    assert not _same(app.pixels(".cogov-charts canvas"), chart0)
    assert not _same(app.pixels(".cogov-map-treatment canvas"), map0)
    app.shot("app_stepped")
    app.button("Reset").click()
    app.page.get_by_text("Step: 0", exact=True).wait_for()
    # The same seed rebuilds the same street: the map and charts are the first ones again.
    assert _same(app.pixels(".cogov-map-treatment canvas"), map0)
    assert _same(app.pixels(".cogov-charts canvas"), chart0)
    app.assert_clean()


def test_play_advances_until_pause_stops_it(app):
    app.open()
    app.button("Play").click()
    app.page.wait_for_function(
        "() => parseInt(document.querySelector('.cogov-steps').innerText.split(' ').pop()) >= 3"
    )
    app.button("Pause").click()
    app.button("Play").wait_for()
    time.sleep(0.5)  # a step in flight when pause was pressed may still land
    paused_at = app.steps()
    assert paused_at >= 3
    time.sleep(1.5)
    assert app.steps() == paused_at
    app.assert_clean()


def test_toggling_a_mechanism_restarts_the_run_with_its_sliders_and_title(app):
    app.open()
    app.step(2)
    treatment_title = app.page.locator(".cogov-map-treatment").inner_text()
    assert "Integrated grid" not in treatment_title
    app.page.locator(".cogov-mechanisms").get_by_text("Integrated grid", exact=True).click()
    app.page.get_by_text("worker hours x: 1.5", exact=True).wait_for()  # value always shown
    app.page.get_by_text("Step: 0", exact=True).wait_for()
    # (the title comes with the new run's scene, which may land just after the counter)
    app.page.locator(".cogov-map-treatment").get_by_text("Integrated grid").wait_for()
    app.page.locator(".cogov-mechanisms").get_by_text("Integrated grid", exact=True).click()
    app.page.get_by_text("worker hours x: 1.5", exact=True).wait_for(state="detached")
    app.assert_clean()


def test_side_by_side_maps_start_equal_and_differ_after_steps(app):
    app.open("?preset=full_package&seed=7")
    base0 = app.pixels(".cogov-map-baseline canvas")
    treat0 = app.pixels(".cogov-map-treatment canvas")
    assert _same(base0, treat0)  # same seed, same street, nothing has happened yet
    app.step(8)
    assert not _same(
        app.pixels(".cogov-map-baseline canvas"), app.pixels(".cogov-map-treatment canvas")
    )
    app.shot("app_side_by_side")
    app.assert_clean()


def test_language_switch_relabels_controls_and_mechanisms_in_chinese(app):
    app.open()
    app.button("中文").click()
    app.page.get_by_text("第 0 步", exact=True).wait_for()
    for name in ("单步", "重置"):
        assert app.button(name).is_visible()
    # (the mechanism list is relabelled in a later render than the step counter)
    label = app.page.locator(".cogov-mechanisms").get_by_text("全科网格 / 多网合一")
    label.wait_for(state="visible")
    assert label.is_visible()
    app.button("单步").click()
    app.page.get_by_text("第 1 步", exact=True).wait_for()
    app.shot("app_chinese")
    app.button("EN").click()
    app.page.get_by_text("Step: 1", exact=True).wait_for()  # the run goes on
    app.assert_clean()


def test_each_browser_session_steps_its_own_model(browser, app_url):
    a = AppPage(browser.new_context().new_page(), app_url).open()
    b = AppPage(browser.new_context().new_page(), app_url).open()
    a.step(3)
    b.page.reload()
    b.page.get_by_text("Step: 0", exact=True).wait_for()
    b.step(1)
    assert a.steps() == 3
    assert b.steps() == 1
    a.assert_clean()
    b.assert_clean()


def test_a_run_playing_in_a_page_that_lost_its_connection_pauses(browser, app_url, server_log):
    """A laptop lid shut mid-play: no close message reaches the server (the page's
    beacon is silenced here), the connection drops, and the run stops stepping instead
    of taking server time until the session is forgotten."""
    context = browser.new_context()
    app = AppPage(context.new_page(), app_url).open("?seed=41")
    app.page.evaluate("() => { navigator.sendBeacon = () => true; }")  # the close message
    app.button("Play").click()
    app.page.wait_for_function(
        "() => parseInt(document.querySelector('.cogov-steps').innerText.split(' ').pop()) >= 2"
    )
    app.assert_clean()
    before = server_log.read_text().count("lost its connection; its run paused")
    app.page.close()
    deadline = time.monotonic() + 20
    while server_log.read_text().count("lost its connection; its run paused") == before:
        assert time.monotonic() < deadline, "the run went on playing after its page went away"
        time.sleep(0.2)
    context.close()


def test_bad_page_address_parameters_are_reported_and_do_not_break_the_app(app, app_url):
    app.open(
        "?seed=abc&size=9999&preset=nope&mechanisms=foo&lang=xx&integrated_grid.small_threshold=7"
    )
    warnings = app.page.locator(".v-alert").all_inner_texts()
    text = " ".join(warnings)
    for key in ("seed", "size", "preset", "mechanisms", "lang", "integrated_grid.small_threshold"):
        assert f"{key}:" in text
    app.step(1)
    # The server still serves fresh sessions.
    AppPage(app.page.context.new_page(), app_url).open().assert_clean()


def test_an_address_with_thousands_of_unknown_keys_is_cheap_and_warns_in_a_few_lines(
    app, local_app
):
    """Issue #33: 3,000 unknown keys cost the server seconds (a warning on the page each)."""
    app.open()  # the server's first page (model and renderers built once) is not counted
    query = "?" + "&".join(f"junk{i}=1" for i in range(3000)) + "&seed=7"
    before = _cpu_seconds(local_app.pid)
    app.open(query)
    app.page.get_by_text("2,995 more unknown settings ignored", exact=False).wait_for()
    spent = _cpu_seconds(local_app.pid) - before
    warnings = app.page.locator(".v-alert").all_inner_texts()
    assert len(warnings) == 6, warnings  # five named, the rest counted
    assert "junk0: unknown setting 'junk0'" in warnings[0]
    assert app.page.get_by_label("Seed (0-4294967295)").input_value() == "7"  # still read
    assert spent < 3.0, f"{spent:.1f} s of server CPU for one page"
    app.assert_clean()


def test_export_gif_downloads_an_animation_of_the_steps_taken(app):
    app.open()
    app.step(3)
    app.button("Make GIF").click()
    link = app.page.locator(".cogov-download").get_by_text("Download cogov-sim-seed42-day3.gif")
    link.wait_for(timeout=60_000)
    app.page.get_by_role("button", name="Make GIF").and_(app.page.locator(":enabled")).wait_for()
    with app.page.expect_download(timeout=60_000) as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    assert data[:6] == b"GIF89a"
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == 3
    app.assert_clean()


# --------------------------------------------------------- a lesson (issue #16)
@pytest.fixture
def sized_page(browser, app_url):
    """Open pages in browser contexts of a given window size; close them at the end (each
    holds a live session of the shared server)."""
    contexts = []

    def open_page(width, height, **options) -> AppPage:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        return AppPage(context.new_page(), app_url)

    yield open_page
    for context in contexts:
        context.close()


def _box(app: AppPage, selector: str) -> dict:
    box = app.page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_on_a_projector_both_maps_the_numbers_and_the_charts_are_in_view(sized_page, size, lang):
    width, height = size
    app = sized_page(width, height)
    counter = "Step: 0" if lang == "en" else "第 0 步"
    app.open(f"?preset=full_package&lang={lang}", counter=counter)
    for selector in (
        ".cogov-map-baseline canvas",
        ".cogov-map-treatment canvas",
        ".cogov-numbers table",
        ".cogov-charts canvas",
    ):
        box = _box(app, selector)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    # Nothing beside or below them to scroll to for the key views, and no sideways scroll.
    assert app.page.evaluate("document.documentElement.scrollWidth") <= width
    app.shot(f"app_{width}x{height}_{lang}")
    app.assert_clean()


#: Every visible control's box (sliders, buttons, checkboxes with their labels), each
#: slider label's overflow, and the horizontal overflow of the sidebar and its cards.
MEASURE_CONTROLS = """() => {
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const name = (e) => (e.innerText || e.getAttribute('aria-label') || e.className || '')
      .trim().slice(0, 50);
  const narrow = [], spilt = [], wide = [];
  const controls = document.querySelectorAll(
      '.v-slider, button, .v-input--checkbox .v-input__slot');
  for (const e of controls) {
    if (!shown(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.width < 44) {
      const input = e.closest('.v-input');
      narrow.push([name(input || e), Math.round(r.width)]);
    }
  }
  for (const input of document.querySelectorAll('.v-input__slider')) {
    const label = input.querySelector('.v-label');
    if (!label || !shown(label)) continue;
    const l = label.getBoundingClientRect(), b = input.getBoundingClientRect();
    if (label.scrollHeight > label.clientHeight + 1 || l.bottom > b.bottom + 1)
      spilt.push(name(label));
  }
  const boxes = document.querySelectorAll(
      '.v-navigation-drawer__content, .v-card, .cogov-settings-inline, html');
  for (const e of boxes) {
    if (shown(e) && e.scrollWidth > e.clientWidth + 1)
      wide.push([name(e).slice(0, 30), e.scrollWidth, e.clientWidth]);
  }
  return {narrow, spilt, wide};
}"""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720), (390, 844)])
def test_every_control_is_wide_enough_and_nothing_spills_sideways(sized_page, size, lang):
    """Issue #33: with every mechanism on, key-parameter sliders were 0-40 px wide (a
    click set them to their minimum), slider labels ran into the next heading, the GIF's
    download button overflowed its card (and the Chinese sidebar scrolled sideways),
    and on a phone the settings were behind an unlabelled icon."""
    from cogov_sim.core.mechanisms import MECHANISMS

    width, height = size
    app = sized_page(width, height)
    counter = "Step: 0" if lang == "en" else "第 0 步"
    app.open(f"?mechanisms={','.join(MECHANISMS)}&lang={lang}&size=20", counter=counter)
    seed = "Seed (0-4294967295)" if lang == "en" else "随机种子 (0-4294967295)"
    if width < 700:  # a phone: the settings open from a button that says so
        app.page.locator(".cogov-bar-controls").wait_for()  # the phone layout is in place
        app.page.get_by_label(seed).wait_for(state="hidden")
        app.button("Settings" if lang == "en" else "设置").click()
    app.page.get_by_label(seed).wait_for()
    app.page.get_by_label(seed).scroll_into_view_if_needed()
    assert app.page.get_by_label(seed).is_visible()
    # A GIF to download: its button is the widest control of the sidebar.
    app.button("Step" if lang == "en" else "单步").first.click()
    app.page.get_by_text("Step: 1" if lang == "en" else "第 1 步", exact=True).first.wait_for()
    app.button("Make GIF" if lang == "en" else "生成 GIF").click()
    app.page.locator(".cogov-download button, .cogov-download .v-btn").first.wait_for(
        timeout=60_000
    )
    found = app.page.evaluate(MEASURE_CONTROLS)
    assert found["narrow"] == [], f"controls under 44 px wide: {found['narrow']}"
    assert found["spilt"] == [], f"slider labels spilling out of their control: {found['spilt']}"
    assert found["wide"] == [], f"overflowing sideways (scrollWidth, clientWidth): {found['wide']}"
    app.shot(f"app_controls_{width}x{height}_{lang}")
    app.assert_clean()


def test_presentation_mode_hides_the_sidebar_and_keeps_play_and_step_in_the_bar(sized_page):
    app = sized_page(1366, 768).open()
    assert app.page.locator(".cogov-steps").is_visible()
    app.button("Presentation mode").click()
    app.page.locator(".cogov-steps").wait_for(state="detached")  # the sidebar is gone
    bar = app.page.locator(".cogov-bar-controls")
    bar.get_by_role("button", name="Step", exact=True).click()
    bar.get_by_text("Step: 1", exact=True).wait_for()
    assert bar.get_by_role("button", name="Play", exact=True).is_visible()
    assert _box(app, ".cogov-map-baseline canvas")["x"] < 100  # the maps take the room
    app.shot("app_presentation")
    app.button("Presentation mode").click()
    app.page.get_by_text("Step: 1", exact=True).wait_for()  # back, the run goes on
    app.assert_clean()


def test_the_address_follows_the_controls_and_a_reload_restores_them(app):
    app.open()
    app.page.locator(".cogov-mechanisms").get_by_text("Integrated grid", exact=True).click()
    app.page.get_by_text("worker hours x: 1.5", exact=True).wait_for()
    seed = app.page.get_by_label("Seed (0-4294967295)")
    seed.fill("7")
    seed.press("Enter")
    app.page.get_by_text("Zoom chart axes to the data", exact=True).click()
    # (The address is replaced in place, which Playwright's page.url may not see yet.)
    query = "?mechanisms=integrated_grid&seed=7&zoom=true"
    app.page.wait_for_function(f"location.search === {query!r}")
    app.page.reload()
    app.page.get_by_text("Step: 0", exact=True).wait_for()
    assert app.page.evaluate("location.search") == query
    app.page.get_by_text("worker hours x: 1.5", exact=True).wait_for()  # the mechanism is on
    assert app.page.get_by_label("Seed (0-4294967295)").input_value() == "7"
    assert app.page.get_by_role("checkbox", name="Zoom chart axes to the data").is_checked()
    assert app.page.get_by_role("checkbox", name="Integrated grid").is_checked()
    app.assert_clean()


def test_copy_link_puts_the_address_of_these_settings_on_the_clipboard(sized_page):
    app = sized_page(1366, 768, permissions=["clipboard-read", "clipboard-write"])
    app.open("?seed=9&size=30")
    app.button("Copy link").click()
    app.button("Link copied").wait_for()
    copied = app.page.evaluate("navigator.clipboard.readText()")
    assert copied == app.url + "?seed=9&size=30"
    assert app.page.locator(".cogov-link").input_value() == copied
    app.assert_clean()


def test_the_chinese_page_has_no_english_left_in_controls_and_messages(app):
    import re

    app.open("?lang=zh&preset=full_package&seed=abc", counter="第 0 步")
    assert app.page.evaluate("document.documentElement.lang") == "zh-CN"
    app.page.locator(".cogov-info-integrated_grid summary").click()  # an info panel, open
    app.page.get_by_label("随机种子 (0-4294967295)").fill("")
    app.page.get_by_label("随机种子 (0-4294967295)").press("Enter")  # an empty seed: refused
    app.page.locator(".cogov-error").wait_for()
    text = app.page.evaluate("document.body.innerText")
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    # Names that stay as they are: the app, file formats, the colour scale, and the
    # setting's key and value that the messages quote.
    allowed = {"cogov", "sim", "GIF", "MP4", "cividis", "seed", "abc", "true", "false"}
    assert words <= allowed, f"English in the Chinese page: {sorted(words - allowed)}"
    assert "“seed”的值无效" in text
    app.shot("app_chinese_info")
    app.assert_clean()


def test_the_numbers_on_screen_are_those_of_the_same_run_computed_here(app):
    from urllib.parse import parse_qs

    from cogov_sim.frontends.viz.render import FrameMaker
    from cogov_sim.frontends.viz.session import ClassroomRun, Settings
    from cogov_sim.frontends.viz.summary import outcome_rows

    query = "preset=full_package&seed=7&size=30"
    app.open("?" + query)
    app.step(6)
    cells = app.page.locator(".cogov-numbers tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.children].map(c => c.innerText.trim()))"
    )
    run = ClassroomRun(Settings.from_query(parse_qs(query))[0])
    run.step(6)
    frame = FrameMaker().frame(run, "satisfaction", "en")
    expected = [
        [row.label, row.values["baseline"], row.values["treatment"], row.difference]
        for row in outcome_rows(frame.values, "en")
    ]
    assert cells == expected
    app.assert_clean()


def test_a_new_run_shows_that_it_is_busy_and_its_controls_wait(app):
    app.open("?size=80")
    # Record what the page shows while the model is rebuilt (too quick to catch by polling).
    app.page.evaluate(
        """() => { window.sawBusy = false; window.stepDisabled = false;
        new MutationObserver(() => {
            if (document.querySelector('.cogov-busy')) {
                window.sawBusy = true;
                const step = [...document.querySelectorAll('button')]
                    .find(b => b.innerText.trim().toUpperCase() === 'STEP');
                if (step && step.disabled) window.stepDisabled = true;
            }
        }).observe(document.body, {childList: true, subtree: true, attributes: true}); }"""
    )
    app.step(2)
    app.page.locator(".cogov-mechanisms").get_by_text("Issue triage", exact=True).click()
    app.page.get_by_text("Step: 0", exact=True).wait_for()
    app.page.locator(".cogov-busy").wait_for(state="detached")
    assert app.page.evaluate("window.sawBusy"), "no busy state while the run was rebuilt"
    assert app.page.evaluate("window.stepDisabled"), "Step could be clicked while rebuilding"
    app.step(1)  # and the new run steps
    app.assert_clean()


def test_pictures_and_buttons_have_names_and_the_page_has_its_language(app):
    app.open()
    assert app.page.evaluate("document.documentElement.lang") == "en"
    pictures = app.page.get_by_role("img")
    names = [pictures.nth(i).get_attribute("aria-label") for i in range(pictures.count())]
    assert sum("Map of the street" in (n or "") for n in names) == 2
    assert sum("Charts of five outcomes" in (n or "") for n in names) == 1
    assert app.button("Play").is_visible()
    app.page.keyboard.press("Tab")
    outline = app.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    app.button("中文").click()
    app.page.get_by_text("第 0 步", exact=True).wait_for()
    assert app.page.evaluate("document.documentElement.lang") == "zh-CN"
    assert app.button("播放").is_visible()
    app.assert_clean()


def test_on_a_phone_the_page_is_one_column_with_readable_charts(sized_page):
    app = sized_page(390, 844)
    app.page.goto(app.url)
    app.page.locator(".cogov-numbers").wait_for()
    app.page.locator(".cogov-bar-controls").wait_for()  # no sidebar over the page
    maps = [_box(app, f".cogov-map-{role} canvas") for role in ("baseline", "treatment")]
    assert all(m["width"] >= 300 for m in maps)
    assert maps[1]["y"] > maps[0]["y"] + maps[0]["height"] - 1  # stacked
    # The five charts one below the other (2.5 times as tall as wide; drawn once the page
    # has said how wide it is).
    app.page.wait_for_function(
        "() => { const i = document.querySelector('.cogov-charts canvas');"
        " return i && i.height > 2 * i.width; }"
    )
    assert app.page.evaluate("document.documentElement.scrollWidth") <= 390
    app.shot("app_phone")
    app.assert_clean()


def test_the_canvas_map_shows_each_household_in_the_colour_of_the_server_drawn_map(app):
    """The browser draws the map from colour indices; the colours at the households'
    cells are those of the same day drawn by matplotlib (MapRenderer)."""
    from urllib.parse import parse_qs

    from cogov_sim.frontends.viz.canvas import map_layers
    from cogov_sim.frontends.viz.render import MapRenderer, map_data
    from cogov_sim.frontends.viz.session import ClassroomRun, Settings

    query = "seed=5&size=30&side_by_side=false"
    app.open("?" + query)
    app.step(5)
    shown = app.pixels(".cogov-map-single canvas")
    run = ClassroomRun(Settings.from_query(parse_qs(query))[0])
    run.step(5)
    m = run.treatment
    renderer = MapRenderer(m.world)
    drawn = renderer.rgba(map_data(m, "satisfaction"))[:, :, :3].astype(int)
    assert shown.shape == drawn.shape
    layers = map_layers(m.world, "satisfaction")
    x0, y0, w, h = layers["box"]
    cols, rows = m.world.width, m.world.height
    clear = renderer.layers()["overlay"][:, :, 3] == 0  # no boundary or actor on top
    issue_cells = set(
        zip(
            map_data(m, "satisfaction").issue_x.astype(int),
            map_data(m, "satisfaction").issue_y.astype(int),
            strict=True,
        )
    )
    compared = agree = 0
    for x, y in zip(m.world.x, m.world.y, strict=True):
        if any(abs(x - ix) <= 1 and abs(y - iy) <= 1 for ix, iy in issue_cells):
            continue  # a marker may cover the cell
        px = int(x0 + (x + 0.5) * w / cols)
        py = int(y0 + (rows - 1 - y + 0.5) * h / rows)
        if not clear[py, px]:
            continue
        compared += 1
        agree += int(np.abs(shown[py, px] - drawn[py, px]).max() <= 6)
    assert compared > 0.3 * m.n_households
    assert agree / compared > 0.98, (agree, compared)
    app.assert_clean()


def test_the_difference_view_shows_one_map_and_difference_lines_and_a_reload_keeps_it(app):
    app.open("?preset=full_package&seed=7")
    app.step(6)
    chart_two_lines = app.pixels(".cogov-charts canvas")
    app.page.get_by_text("Show the difference (mechanisms − baseline)", exact=True).click()
    app.page.wait_for_function("location.search.includes('difference=true')")
    app.page.locator('.cogov-map-difference canvas[data-day="6"]').wait_for()
    assert app.page.locator(".cogov-map-baseline").count() == 0  # one map, not two
    assert (
        "Difference: with the chosen mechanisms"
        in app.page.locator(".cogov-map-title").inner_text()
    )
    assert "percentage points" in app.page.locator(".cogov-legend").inner_text()
    difference = app.pixels(".cogov-map-difference canvas")
    assert not _same(app.pixels(".cogov-charts canvas"), chart_two_lines)
    # The difference's line colour is drawn; the baseline's grey dashes are not.
    chart = app.pixels(".cogov-charts canvas")
    orange = np.all(np.abs(chart - np.array([0xB3, 0x58, 0x06])) <= 30, axis=2)
    assert orange.sum() > 50
    app.step(2)
    assert not _same(app.pixels(".cogov-map-difference canvas"), difference)
    app.shot("app_difference")
    app.page.reload()
    app.page.get_by_text("Step: 0", exact=True).wait_for()
    app.page.locator('.cogov-map-difference canvas[data-day="0"]').wait_for()
    app.assert_clean()


@pytest.fixture(scope="module")
def plugin_app_url(tmp_path_factory, life_circle_site):
    """A server of its own with the example plug-in (examples/life_circle) installed."""
    require_chromium()
    _, env = life_circle_site
    log = tmp_path_factory.mktemp("viz_plugin") / "server.log"
    with viz_server(log, env={"PYTHONPATH": env["PYTHONPATH"]}) as url:
        yield url


@pytest.mark.slow
def test_an_installed_plugin_is_ticked_played_and_explained_in_its_info_panel(
    browser, plugin_app_url
):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        app = AppPage(context.new_page(), plugin_app_url).open()
        app.page.locator(".cogov-mechanisms").get_by_text(
            "15-minute life circle", exact=True
        ).click()
        app.page.get_by_text("stations per community: 2", exact=True).wait_for()  # its slider
        app.page.wait_for_function("location.search === '?mechanisms=life_circle'")
        app.page.get_by_text("Step: 0", exact=True).wait_for()
        # (the title comes with the new run's scene, which may land just after the counter)
        app.page.locator(".cogov-map-treatment").get_by_text("15-minute life circle").wait_for()
        app.button("Play").click()
        steps = "parseInt(document.querySelector('.cogov-steps').innerText.split(' ').pop())"
        app.page.wait_for_function(f"() => {steps} >= 3")  # the step counter advances
        app.button("Pause").click()
        app.button("Play").wait_for()
        assert app.steps() >= 3
        panel = app.page.locator(".cogov-info-life_circle")
        panel.locator("summary").click()
        text = panel.inner_text()
        for expected in (
            "In practice",
            "15-minute life circle (十五分钟生活圈): an example mechanism",
            "More NGO hours close to home",  # the rule: its `expected`
            "Compare the maps and charts with the baseline.",
            "Not calibrated to a reported figure.",
        ):
            assert expected in text, (expected, text)
        app.shot("app_plugin_info")
        app.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_example_street_from_files_plays_in_the_app_at_1366x768(sized_page, lang):
    """A world built from files (issue #30) is chosen in the scenario card, drawn in both
    maps and stepped, in English and in Chinese."""
    app = sized_page(1366, 768)
    counter = "Step: 0" if lang == "en" else "第 0 步"
    app.open(f"?world=example_street&lang={lang}", counter=counter)
    label = "example street (from files)" if lang == "en" else "示例街道（来自文件）"
    app.page.get_by_text(label, exact=True).first.wait_for()
    for selector in (".cogov-map-baseline canvas", ".cogov-map-treatment canvas"):
        box = _box(app, selector)
        assert box["width"] > 100 and box["y"] + box["height"] <= 768, (selector, box)
    if lang == "en":
        before = app.pixels(".cogov-map-treatment canvas")
        app.step(1)
        assert not _same(before, app.pixels(".cogov-map-treatment canvas"))
    else:
        app.button("单步").click()
        app.page.get_by_text("第 1 步", exact=True).wait_for()
        app.page.locator('.cogov-map-treatment canvas[data-day="1"]').first.wait_for()
    app.shot(f"app_example_street_{lang}")
    app.assert_clean()
