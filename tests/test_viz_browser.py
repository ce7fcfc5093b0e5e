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
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from conftest import ROOT, require_chromium
from PIL import Image
from viz_server import viz_server

pytestmark = [pytest.mark.browser]
SHOTS = ROOT / "build" / "screenshots"
TIMEOUT = 30_000  # ms; the first page of a fresh server builds the model and its renderers


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    with viz_server(tmp_path_factory.mktemp("viz") / "server.log") as url:
        yield url


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
        """The pixels of the image the page shows in ``selector`` (fetched from the page)."""
        b64 = self.page.locator(selector).first.evaluate(
            """async (img) => {
                const data = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
                let s = "";
                for (let i = 0; i < data.length; i += 8192) {
                    s += String.fromCharCode(...data.subarray(i, i + 8192));
                }
                return btoa(s);
            }"""
        )
        png = base64.b64decode(b64)
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
    for name in ("Reset", "▶", "Step"):
        assert app.button(name).is_visible()
    assert app.page.locator(".cogov-map img").count() == 2  # side by side by default
    assert app.page.locator(".cogov-charts img").count() == 1
    path = app.shot("app_loaded")
    assert path.stat().st_size > 10_000
    app.assert_clean()


def test_stepping_n_times_redraws_chart_and_map_and_reset_brings_back_the_first_map(app):
    app.open()
    map0 = app.pixels(".cogov-map-treatment img")
    chart0 = app.pixels(".cogov-charts img")
    app.step(4)
    assert app.steps() == 4
    assert app.page.get_by_text("day 4 ·", exact=False).is_visible()
    assert not _same(app.pixels(".cogov-charts img"), chart0)
    assert not _same(app.pixels(".cogov-map-treatment img"), map0)
    app.shot("app_stepped")
    app.button("Reset").click()
    app.page.get_by_text("Step: 0", exact=True).wait_for()
    # The same seed rebuilds the same street: the map and charts are the first ones again.
    assert _same(app.pixels(".cogov-map-treatment img"), map0)
    assert _same(app.pixels(".cogov-charts img"), chart0)
    app.assert_clean()


def test_play_advances_until_pause_stops_it(app):
    app.open()
    app.button("▶").click()
    app.page.wait_for_function(
        "() => parseInt(document.querySelector('.cogov-steps').innerText.split(' ').pop()) >= 3"
    )
    app.button("❚❚").click()
    app.button("▶").wait_for()
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
    app.page.get_by_text("worker hours x", exact=True).wait_for()
    app.page.get_by_text("Step: 0", exact=True).wait_for()
    assert "Integrated grid" in app.page.locator(".cogov-map-treatment").inner_text()
    app.page.locator(".cogov-mechanisms").get_by_text("Integrated grid", exact=True).click()
    app.page.get_by_text("worker hours x", exact=True).wait_for(state="detached")
    app.assert_clean()


def test_side_by_side_maps_start_equal_and_differ_after_steps(app):
    app.open("?preset=full_package&seed=7")
    base0 = app.pixels(".cogov-map-baseline img")
    treat0 = app.pixels(".cogov-map-treatment img")
    assert _same(base0, treat0)  # same seed, same street, nothing has happened yet
    app.step(8)
    assert not _same(app.pixels(".cogov-map-baseline img"), app.pixels(".cogov-map-treatment img"))
    app.shot("app_side_by_side")
    app.assert_clean()


def test_language_switch_relabels_controls_and_mechanisms_in_chinese(app):
    app.open()
    app.button("中文").click()
    app.page.get_by_text("第 0 步", exact=True).wait_for()
    for name in ("单步", "重置"):
        assert app.button(name).is_visible()
    assert app.page.locator(".cogov-mechanisms").get_by_text("全科网格 / 多网合一").is_visible()
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
