"""The teaching app's logic without a browser: settings, side-by-side runs, frames, export."""

from __future__ import annotations

import io
import subprocess
import sys
from urllib.parse import parse_qs

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf
from PIL import Image

from cogov_sim.core.checks import validate
from cogov_sim.core.config import default_config
from cogov_sim.core.issues import ISSUE_KEYS, IssueState
from cogov_sim.core.mechanisms import FULL_PACKAGE, MECHANISMS
from cogov_sim.frontends.viz.export import Recorder, record_classroom
from cogov_sim.frontends.viz.labels import (
    CHARTS,
    ISSUE_LABELS,
    KEY_PARAMS,
    PALETTES,
    PRESETS,
    TEXT,
    VARIABLES,
    t,
)
from cogov_sim.frontends.viz.render import (
    ChartRenderer,
    FrameMaker,
    MapRenderer,
    cjk_font,
    figure_language,
    map_data,
    snapshot,
)
from cogov_sim.frontends.viz.session import ClassroomRun, Settings, SettingsError, preset_mechanisms

SMALL = Settings(size=30)


# ------------------------------------------------------------------ labels, params
def test_every_label_has_english_and_chinese():
    for key, entry in TEXT.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"] and entry["zh"], key
    assert tuple(ISSUE_LABELS) == ISSUE_KEYS
    for name, cls in MECHANISMS.items():
        assert cls.title_en and cls.title_zh, name


def test_every_mechanism_has_sliders_inside_the_schema_ranges_around_its_default():
    assert set(KEY_PARAMS) == set(MECHANISMS)
    defaults = default_config()
    for name, params in KEY_PARAMS.items():
        assert params, name
        for kp in params:
            default = OmegaConf.select(defaults, kp.dotted)
            assert default is not None, kp.dotted
            assert kp.lo <= default <= kp.hi, kp.dotted
            # On the slider's grid: a slider snaps its value to the grid when it appears,
            # which would change the run (0.97 on a 0.1 grid became 1.0).
            steps = (default - kp.lo) / kp.step
            assert abs(steps - round(steps)) < 1e-9, f"{kp.dotted}: {default} off the grid"
            for end in (kp.lo, kp.hi):
                value = int(end) if isinstance(default, int) else float(end)
                validate(_with(kp, value))


def _with(kp, value):
    cfg = Settings(mechanisms=(kp.mechanism,)).config()
    OmegaConf.update(cfg, kp.dotted, value)
    return cfg


def test_presets_switch_on_the_mechanisms_of_their_config_files():
    assert preset_mechanisms("none") == ()
    assert list(preset_mechanisms("full_package")) == FULL_PACKAGE
    assert preset_mechanisms("emergency_baseline") == ("emergency",)
    assert set(PRESETS) == {"none", "full_package", "emergency_baseline", "emergency_party"}


# ----------------------------------------------------------------------- settings
def test_a_control_change_with_a_bad_value_raises_a_message_naming_it():
    s = Settings(mechanisms=("integrated_grid",))
    with pytest.raises(SettingsError) as e:
        s.replace("mechanism_params.integrated_grid.small_threshold", 7)
    assert str(e.value) == (
        "invalid value for 'mechanism_params.integrated_grid.small_threshold': 7 "
        "(allowed: a number in [0, 1])"
    )
    with pytest.raises(SettingsError, match=r"^invalid value for 'seed': 'abc' \(allowed: a numb"):
        s.replace("seed", "abc")
    with pytest.raises(SettingsError, match=r"'size': 9999 \(allowed: an integer in \[20, 80\]\)"):
        s.replace("size", 9999)
    with pytest.raises(SettingsError, match="unknown mechanism 'nope'"):
        s.replace("mechanism:nope", True)
    with pytest.raises(SettingsError, match=r"'seed': nan \(allowed: a finite number\)"):
        s.replace("seed", float("nan"))


def test_toggling_mechanisms_keeps_their_order_and_presets_replace_the_set():
    s = Settings().replace("mechanism:red_property", True).replace("mechanism:integrated_grid", 1)
    assert s.mechanisms == ("red_property", "integrated_grid")
    assert s.replace("mechanism:red_property", "off").mechanisms == ("integrated_grid",)
    assert s.replace("mechanism:red_property", "on").mechanisms == s.mechanisms
    # A preset's order is its config file's, so the app runs what `cogov-sim preset=...` runs.
    assert s.replace("preset", "emergency_party").mechanisms == (
        "emergency",
        "dual_registration",
        "household_linkage",
    )


def test_page_address_sets_the_run_and_reports_each_bad_parameter():
    s, warnings = Settings.from_query(
        {
            "preset": ["full_package"],
            "seed": ["3"],
            "size": ["40"],
            "lang": ["zh"],
            "side_by_side": ["0"],
            "integrated_grid.small_threshold": ["0.4"],
        }
    )
    assert warnings == []
    assert (s.seed, s.size, s.lang, s.side_by_side) == (3, 40, "zh", False)
    assert list(s.mechanisms) == FULL_PACKAGE
    assert s.param("mechanism_params.integrated_grid.small_threshold") == 0.4

    s, warnings = Settings.from_query(
        {"seed": "abc", "size": "9999", "preset": "nope", "mechanisms": "foo", "colour": "x"}
    )
    assert s == Settings()
    assert [w.split(":")[0] for w in warnings] == ["preset", "mechanisms", "seed", "size", "colour"]
    assert warnings[-1] == "colour: unknown setting 'colour'"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    preset=st.sampled_from(list(PRESETS)),
    toggles=st.lists(st.sampled_from(list(MECHANISMS)), max_size=5),
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(20, 80),
    flags=st.tuples(st.booleans(), st.booleans()),
    variable=st.sampled_from(list(VARIABLES)),
    palette=st.sampled_from(list(PALETTES)),
    lang=st.sampled_from(["en", "zh"]),
    # 0.6 is the default, 0.4567 and 1/3 lie off the slider's grid (they snap to it)
    threshold=st.one_of(st.none(), st.sampled_from([0.2, 0.45, 0.6, 0.8, 0.4567, 1 / 3])),
)
def test_settings_round_trip_through_the_page_address(
    preset, toggles, seed, size, flags, variable, palette, lang, threshold
):
    # Issue #16, item 4: the address follows the controls, and a reload restores them.
    s = Settings().replace("preset", preset)
    for name in toggles:
        s = s.replace(f"mechanism:{name}", name not in s.mechanisms)
    s = s.replace("seed", seed).replace("size", size).replace("side_by_side", flags[0])
    s = s.replace("zoom", flags[1]).replace("variable", variable).replace("palette", palette)
    s = s.replace("lang", lang)
    if threshold is not None:
        s = s.replace("mechanism_params.integrated_grid.small_threshold", threshold)
    back, warnings = Settings.from_query(parse_qs(s.to_query(), keep_blank_values=True))
    assert warnings == []
    assert back == s


def test_a_key_parameter_set_back_to_its_default_leaves_no_trace_in_the_address():
    key = "mechanism_params.integrated_grid.worker_hours_factor"
    s = Settings().replace("mechanism:integrated_grid", True)
    moved = s.replace(key, 3.0)
    assert "worker_hours_factor=3.0" in moved.to_query()
    back = moved.replace(key, s.param(key))
    assert back == s and "worker_hours_factor" not in back.to_query()


def test_a_page_address_value_off_the_slider_grid_snaps_to_it_as_the_slider_would():
    s, warnings = Settings.from_query(
        {"mechanisms": "integrated_grid", "integrated_grid.worker_hours_factor": "1.6666666"}
    )
    assert warnings == []
    key = "mechanism_params.integrated_grid.worker_hours_factor"
    from cogov_sim.frontends.viz.labels import KEY_PARAM_BY_DOTTED

    kp = KEY_PARAM_BY_DOTTED[key]
    steps = (s.param(key) - kp.lo) / kp.step
    assert abs(steps - round(steps)) < 1e-9 and abs(s.param(key) - 1.6666666) <= kp.step / 2
    assert Settings.from_query(parse_qs(s.to_query()))[0] == s  # the link gives this run


def test_the_default_settings_have_an_empty_page_address():
    assert Settings().to_query() == ""
    assert Settings().replace("seed", 7).to_query() == "seed=7"


def test_setting_messages_name_the_key_in_english_and_in_chinese():
    with pytest.raises(SettingsError) as err:
        Settings().replace("seed", "abc")
    assert str(err.value) == "invalid value for 'seed': 'abc' (allowed: a number)"
    assert err.value.text("zh") == "“seed”的值无效：'abc'（允许：一个数）"
    _, warnings = Settings.from_query({"size": "9", "preset": "nope"})
    assert [w.text("zh") for w in warnings] == [
        f"preset: 未知的情景预设 'nope'（可选：{', '.join(PRESETS)}）",
        "size: “size”的值无效：'9'（允许：[20, 80] 内的整数）",
    ]
    assert warnings[1] == "size: invalid value for 'size': '9' (allowed: an integer in [20, 80])"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "preset",
                "mechanisms",
                "seed",
                "size",
                "side_by_side",
                "variable",
                "lang",
                "integrated_grid.small_threshold",
                "emergency.start_day",
                "x",
            ]
        ),
        st.one_of(
            st.text(max_size=12),
            st.integers(-(10**12), 10**12).map(str),
            st.floats(allow_nan=True, allow_infinity=True).map(str),
        ),
    )
)
def test_no_page_address_can_make_settings_that_fail_to_build(query):
    s, warnings = Settings.from_query(query)
    validate(s.config())  # raises ConfigError on any bad value
    assert set(s.mechanisms) <= set(MECHANISMS)
    assert 20 <= s.size <= 80 and s.lang in ("en", "zh")
    assert all(w.split(":", 1)[0] in query for w in warnings)


# ------------------------------------------------------------------- side by side
def test_side_by_side_baseline_is_the_same_street_without_policy_mechanisms():
    s = SMALL.replace("preset", "emergency_party")
    run = ClassroomRun(s)
    assert [role for role, _ in run.models] == ["baseline", "treatment"]
    assert list(run.baseline.config.mechanisms) == ["emergency"]  # the flood stays on
    assert list(run.treatment.config.mechanisms) == list(s.mechanisms)
    np.testing.assert_array_equal(run.baseline.world.zone, run.treatment.world.zone)
    maps, _ = snapshot(run.models, "satisfaction")
    np.testing.assert_array_equal(maps[0][1].values, maps[1][1].values)
    run.step(30)
    assert run.steps == 30
    assert run.baseline.day == run.treatment.day == 29


def test_baseline_of_a_pair_matches_a_run_of_its_own():
    pair = ClassroomRun(SMALL.replace("preset", "full_package"))
    alone = ClassroomRun(Settings(size=30, side_by_side=False))
    pair.step(20)
    alone.step(20)
    assert [r for r, _ in alone.models] == ["single"]
    a = pair.baseline.datacollector.model_vars["satisfaction_mean"]
    b = alone.treatment.datacollector.model_vars["satisfaction_mean"]
    assert a == b


def test_full_package_moves_the_treatment_away_from_the_baseline():
    run = ClassroomRun(SMALL.replace("preset", "full_package"))
    run.step(30)
    maps, _ = snapshot(run.models, "satisfaction")
    assert not np.array_equal(maps[0][1].values, maps[1][1].values, equal_nan=True)


# ------------------------------------------------------------------------ frames
def test_map_shows_every_open_issue_hollow_until_discovered():
    run = ClassroomRun(Settings(size=30, side_by_side=False))
    run.step(25)
    m = run.treatment
    d = map_data(m, "satisfaction")
    ids = m.open_ids[m.issues.state[m.open_ids] <= IssueState.ASSIGNED]
    assert d.issue_x.size == ids.size > 0
    assert d.issue_latent.sum() == np.count_nonzero(m.issues.state[ids] == IssueState.LATENT)
    assert np.isnan(d.values).sum() == m.world.width * m.world.height - m.n_households
    part = map_data(m, "participation").values
    assert set(np.unique(part[~np.isnan(part)])) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="unknown map variable 'wealth'"):
        map_data(m, "wealth")


def test_layered_map_matches_a_full_redraw_of_the_same_figure():
    run = ClassroomRun(Settings(size=40, side_by_side=False))
    run.step(40)
    d = map_data(run.treatment, "satisfaction")
    fast = MapRenderer(run.treatment.world).rgba(d)[:, :, :3].astype(int)
    full = MapRenderer(run.treatment.world)
    full.artists.update(d)
    for artist in [full.artists.image, *(sc for sc, _ in full.artists.issues)]:
        artist.set_animated(False)
    for artist in full.artists.static:
        artist.set_visible(True)
    full.fig.canvas.draw()
    slow = np.asarray(full.fig.canvas.buffer_rgba())[:, :, :3].astype(int)
    diff = np.abs(fast - slow)
    # Layer order differs only where a boundary crosses an issue marker; antialiased
    # edges may differ by a few levels.
    assert np.mean(diff.max(axis=2) > 24) < 0.002
    assert diff.mean() < 0.5


def test_blitted_charts_match_a_full_redraw():
    run = ClassroomRun(Settings(size=30))
    fast = ChartRenderer(["baseline", "treatment"])
    for _ in range(12):
        run.step(3)
        _, charts = snapshot(run.models, "satisfaction")
        image = fast.rgba(charts)
    slow = []
    for fig, artists in fast.panels:
        for line in artists.lines.values():
            line.set_animated(False)
        fig.canvas.draw()
        slow.append(np.asarray(fig.canvas.buffer_rgba()))
    diff = np.abs(image.astype(int) - np.hstack(slow).astype(int))
    # Identical but for a few antialiased pixels where the two lines cross.
    assert np.count_nonzero(diff) < 1e-4 * diff.size
    assert diff.max() <= 16  # antialiasing where lines cross differs by a few levels


@pytest.mark.parametrize("zoom", [False, True])
def test_share_charts_run_from_0_to_100_unless_zoom_is_asked_for_and_marked(zoom):
    # Issue #16, item 2: a gap under a point must not look dramatic by default.
    run = ClassroomRun(SMALL.replace("preset", "full_package"))
    renderer = ChartRenderer(["baseline", "treatment"], zoom=zoom)
    for _ in range(10):
        run.step(4)
        renderer.rgba(snapshot(run.models, "satisfaction")[1])
    for (_fig, artists), (key, _label, scale) in zip(renderer.panels, CHARTS, strict=True):
        (ax,) = artists.axes
        lo, hi = ax.get_ylim()
        assert ax.get_title().endswith("↕") == zoom, key
        if zoom:  # fitted to the data, not to 0-100
            ys = np.concatenate(
                [np.asarray(ln.get_ydata(), float) for ln in artists.lines.values()]
            )
            ys = ys[np.isfinite(ys)]
            span = ys.max() - ys.min()
            assert lo <= ys.min() and hi >= ys.max(), key
            # at least 10 units tall, refitted when the data fill under a third of it
            assert hi - lo <= 3 * 1.3 * max(span, 10.0) + 1e-9, key
            assert (lo, hi) != (-1.5, 101.5), key
        elif scale == 100.0:
            assert (lo, hi) == (-1.5, 101.5), key
            assert list(ax.get_yticks()) == [0, 25, 50, 75, 100], key
        else:
            top = np.nanmax(np.concatenate([line.get_ydata() for line in ax.get_lines()]))
            assert lo == 0.0 and hi > top, key


def test_the_numbers_table_shows_each_models_latest_values_and_their_difference():
    from cogov_sim.frontends.viz.summary import outcome_rows, plain_summary

    run = ClassroomRun(SMALL.replace("preset", "full_package"))
    run.step(40)
    frame = FrameMaker().frame(run, "satisfaction", "en")
    rows = {row.key: row for row in outcome_rows(frame.values, "en")}
    assert set(rows) == {key for key, _, _ in CHARTS}
    closure = {
        role: float(np.asarray(m.datacollector.model_vars["closure_rate"])[-1])
        for role, m in run.models
    }
    row = rows["closure_rate"]
    assert row.values == {r: f"{100 * v:.1f}%" for r, v in closure.items()}
    d = 100 * (closure["treatment"] - closure["baseline"])
    assert row.difference == f"{'+' if d > 0 else '−'}{abs(d):.1f} points"
    assert row.better is (d > 0)
    text = plain_summary(frame.values, frame.steps, "en")
    assert text.startswith("By day 40, with the chosen mechanisms: ")
    assert f"on-time closure {abs(d):.1f} points {'higher' if d > 0 else 'lower'}" in text
    zh = plain_summary(frame.values, frame.steps, "zh")
    assert zh.startswith("截至第 40 天，启用所选机制后：") and "个百分点" in zh


def test_the_summary_of_a_single_map_lists_its_values_without_differences():
    from cogov_sim.frontends.viz.summary import outcome_rows, plain_summary

    run = ClassroomRun(Settings(size=30, side_by_side=False))
    run.step(5)
    frame = FrameMaker().frame(run, "satisfaction", "zh")
    assert all(row.difference == "" for row in outcome_rows(frame.values, "zh"))
    assert plain_summary(frame.values, frame.steps, "zh").startswith("截至第 5 天：")
    assert plain_summary(frame.values, 0, "en").startswith("Day 0: nothing has happened yet")


def test_frames_are_identical_for_identical_settings():
    a, b = ClassroomRun(SMALL), ClassroomRun(SMALL)
    a.step(10)
    b.step(10)
    fa = FrameMaker().frame(a, "trust", "en")
    fb = FrameMaker().frame(b, "trust", "en")
    assert fa.steps == fb.steps == 10
    assert fa.maps == fb.maps
    assert fa.chart == fb.chart


def test_chinese_figure_labels_need_a_cjk_font_and_fall_back_to_english():
    assert figure_language("en") == "en"
    if cjk_font() is None:
        assert figure_language("zh") == "en"
        pytest.skip("no CJK font installed (make test installs fonts-wqy-microhei as root)")
    assert figure_language("zh") == "zh"
    axes = ChartRenderer(["single"], "zh").panels[0][1].axes
    assert axes[0].get_title() == "纠纷化解率 (%)"


def test_labels_fall_back_to_english_for_an_unknown_language():
    assert t("step", "fr") == "Step"
    assert t("step_counter", "zh", n=3) == "第 3 步"


# ------------------------------------------------------------------------ export
def test_classroom_export_writes_one_gif_frame_per_recorded_day():
    calls = []
    data = record_classroom(SMALL, 6, "gif", every=2, progress=lambda i, n: calls.append((i, n)))
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert gif.info["duration"] == 120  # 8 frames per second: 125 ms, stored in 1/100 s


def test_a_gif_made_in_the_difference_view_shows_the_difference_map_and_lines():
    """Issue #33: "Show the difference" on, the GIF showed the side-by-side maps."""
    from matplotlib.colors import to_rgb

    from cogov_sim.frontends.viz.feed import DIFFERENCE_STYLE  # the app's difference line
    from cogov_sim.frontends.viz.render import ROLE_STYLE, difference_colormap

    both = Settings(size=30, preset="full_package", seed=7)
    difference = both.replace("difference", True)

    def last_frame(s: Settings) -> np.ndarray:
        gif = Image.open(io.BytesIO(record_classroom(s, 6, "gif", every=3)))
        gif.seek(gif.n_frames - 1)
        return np.asarray(gif.convert("RGB")).astype(int)

    def pixels_of(frame, colour) -> int:
        rgb = np.array([round(255 * v) for v in to_rgb(colour)])
        return int(np.all(frame == rgb, axis=2).sum())

    plain, shown = last_frame(both), last_frame(difference)
    orange, green = DIFFERENCE_STYLE[0], ROLE_STYLE["treatment"][0]
    assert pixels_of(shown, orange) > 100  # the difference lines, one per chart
    assert pixels_of(plain, orange) == 0
    assert pixels_of(shown, green) < pixels_of(plain, green) / 5  # no mechanisms' lines
    # The map's colours are those of the difference scale (purple-white-orange), not cividis.
    scale = np.array(
        [[round(255 * v) for v in difference_colormap()(i / 255)[:3]] for i in range(256)]
    )
    near = lambda frame: int(  # noqa: E731 - pixels within 6 of a colour of the scale
        (np.abs(frame.reshape(-1, 1, 3) - scale[None, ::8]).max(axis=2).min(axis=1) <= 6).sum()
    )
    assert near(shown) > 2 * near(plain)


@pytest.mark.parametrize("palette", ["cividis", "classic"])
def test_the_gif_keeps_the_apps_exact_colours_of_markers_legend_and_colour_bar(tmp_path, palette):
    # Issue #16: a palette adapted to each frame turned firms grey, workers teal and
    # banded the colour bar. Every pixel the figure draws in a style colour must keep it.
    from matplotlib.colors import to_rgb

    from cogov_sim.frontends.viz.render import ACTOR_STYLE, ISSUE_STYLE

    run = ClassroomRun(Settings(size=30, palette=palette).replace("preset", "full_package"))
    run.step(20)
    rec = Recorder(run.models, run.settings.mechanisms, tmp_path / "a.gif", palette=palette)
    rec.capture(run.models, run.lock)
    rgb = rec.renderer.rgb(run.models, run.lock).astype(int)  # the frame, as the MP4 gets it
    gif = np.asarray(Image.open(rec.close()).convert("RGB")).astype(int)
    assert gif.shape == rgb.shape
    styles = {"actor " + k: c for k, (_, _, c) in ACTOR_STYLE.items()}
    styles |= {f"issue {k}": c for k, (_, c) in zip(ISSUE_KEYS, ISSUE_STYLE, strict=True)}
    for name, colour in styles.items():
        exact = np.all(rgb == np.round(255 * np.array(to_rgb(colour))).astype(int), axis=2)
        assert exact.sum() >= 10, f"{name} ({colour}) is not in the frame"
        wrong = np.any(gif[exact] != rgb[exact], axis=1)
        assert not wrong.any(), f"{name} {colour}: {wrong.sum()} of {exact.sum()} pixels changed"
    # The colour bar's continuous scale within a few levels of each colour: no bands.
    box = rec.renderer.colour_bar.get_window_extent()
    h = rgb.shape[0]
    rows = slice(int(h - box.y1) + 2, int(h - box.y0) - 2)
    cols = slice(int(box.x0) + 2, int(box.x1) - 2)
    error = np.abs(gif[rows, cols] - rgb[rows, cols]).max(axis=2)
    assert error.size > 500 and error.max() <= 6, f"colour bar off by up to {error.max()}"


def test_classroom_export_writes_a_playable_mp4(tmp_path):
    import imageio_ffmpeg

    data = record_classroom(Settings(size=30, side_by_side=False), 5, "mp4", fps=5)
    path = tmp_path / "run.mp4"
    path.write_bytes(data)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    assert meta["fps"] == 5
    assert sum(1 for _ in reader) == 5
    w, h = meta["size"]
    assert w % 2 == 0 and h % 2 == 0


def test_export_refuses_bad_formats_rates_and_empty_runs(tmp_path):
    run = ClassroomRun(SMALL)
    with pytest.raises(ValueError, match=r"^cannot write an animation to 'a.avi' \(allowed: a "):
        Recorder(run.models, (), tmp_path / "a.avi")
    with pytest.raises(ValueError, match=r"^invalid frame rate 0 \(allowed: an integer in"):
        Recorder(run.models, (), tmp_path / "a.gif", fps=0)
    with pytest.raises(ValueError, match="^no frames to write"):
        Recorder(run.models, (), tmp_path / "a.gif").close()
    with pytest.raises(ValueError, match="^nothing to export"):
        record_classroom(SMALL, 0)


def test_any_command_line_run_can_write_an_animation(tmp_path):
    from cogov_sim.frontends.api import run

    cfg = Settings(size=30).config()
    OmegaConf.update(cfg, "steps", 9)
    OmegaConf.update(cfg, "output.animation", "gif")
    OmegaConf.update(cfg, "output.animation_every", 4)
    OmegaConf.update(cfg, "output.animation_variable", "trust")
    record = run(cfg, tmp_path)
    gif = Image.open(tmp_path / "animation.gif")
    assert gif.n_frames == 3  # days 4, 8 and the last day, 9
    assert record["steps"] == 9
    assert not list(tmp_path.glob("*.tmp*"))


def test_a_bad_animation_option_fails_before_the_run_with_the_allowed_values(cli):
    r = cli("world=classroom", "output.animation=avi")
    assert r.returncode != 0
    assert "invalid value for 'output.animation': 'avi' (allowed: none, gif or mp4)" in r.stderr


def test_the_model_and_the_command_line_never_import_the_app():
    code = (
        "import sys; from cogov_sim.frontends.api import run, compose; "
        "from cogov_sim.core.model import "
        "CoGovModel; CoGovModel({'world': {'width': 20, 'height': 20, "
        "'households_per_zone': 100}}).step(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('solara', 'reacton', "
        "'ipywidgets', 'matplotlib') or m.startswith('cogov_sim.frontends.viz')]; print(bad); "
        "sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_viz_server_binds_to_this_machine_by_default():
    from cogov_sim.frontends.viz.server import build_command

    cmd = build_command("127.0.0.1", 8765)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd
    r = subprocess.run(
        [sys.executable, "-m", "cogov_sim.frontends.viz.server", "--help"],
        capture_output=True,
        text=True,
    )
    assert "default 127.0.0.1" in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "cogov_sim.frontends.viz.server", "--port", "0"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert "invalid port 0 (allowed: 1-65535)" in r.stderr


def test_viz_server_on_a_taken_port_fails_at_once_in_one_line():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run(
            [sys.executable, "-m", "cogov_sim.frontends.viz.server", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 1
    assert "serving on" not in r.stdout + r.stderr
    assert r.stderr.strip().splitlines() == [
        f"cogov-sim-viz: cannot serve on http://127.0.0.1:{port}/: port {port} is in use "
        "(another server? choose one with --port)"
    ]


def test_viz_server_says_serving_on_once_it_answers_and_no_cookie_warning_per_page(tmp_path):
    """Issue #33: "serving on" came before the port was bound (and on a taken port), and
    every page load printed Solara's 11-line warning about the session cookie."""
    import os
    import signal
    import socket
    import time
    import urllib.request

    from cogov_sim.frontends.viz.local import free_port

    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "VSCODE_PID"}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cogov_sim.frontends.viz.server", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "serving on" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        socket.create_connection(("127.0.0.1", port), timeout=5).close()  # already bound
        for _ in range(2):  # two page loads
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
                assert r.status == 200
        time.sleep(0.5)
        text = log.read_text()
        assert text.count(f"cogov-sim-viz: serving on http://127.0.0.1:{port}/") == 1
        assert "samesite" not in text.lower() and "Warning" not in text, text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_a_vanished_pages_session_is_freed_after_minutes_not_solaras_day():
    from solara.util import parse_timedelta

    from cogov_sim.frontends.viz.server import FORGET_AFTER_MINUTES, session_env

    assert parse_timedelta(session_env()["SOLARA_KERNEL_CULL_TIMEOUT"]) == 60 * FORGET_AFTER_MINUTES
    assert parse_timedelta(session_env(0.5)["SOLARA_KERNEL_CULL_TIMEOUT"]) == 30
    r = subprocess.run(
        [sys.executable, "-m", "cogov_sim.frontends.viz.server", "--forget-after", "0"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert "invalid --forget-after 0 (allowed: minutes above 0)" in r.stderr


def test_the_map_can_show_housing_types_in_four_distinct_colours():
    import matplotlib.colors as mcolors

    from cogov_sim.core.model import CoGovModel
    from cogov_sim.core.world import HOUSING_TYPES
    from cogov_sim.frontends.viz.render import colormap, map_data
    from cogov_sim.results.plots import HOUSING_COLOURS

    m = CoGovModel(**{"world.width": 50, "world.height": 50}, seed=1)
    data = map_data(m, "housing")
    vals = data.values[~np.isnan(data.values)]
    assert set(np.round(np.unique(vals), 6)) <= {0.0, 0.333333, 0.666667, 1.0}
    cmap = colormap("housing")
    for code, kind in enumerate(HOUSING_TYPES):
        rgba = cmap(code / (len(HOUSING_TYPES) - 1))
        assert mcolors.to_hex(rgba) == HOUSING_COLOURS[kind].lower(), kind


# ------------------------------------------------- what the browser draws from (#16)
def test_the_browsers_map_data_decodes_to_the_models_cells_and_open_issues():
    from cogov_sim.frontends.viz.canvas import N_COLOURS, decode_map_day, map_day

    run = ClassroomRun(Settings(size=30, side_by_side=False))
    run.step(30)
    m = run.treatment
    cells, issues = decode_map_day(map_day(m, "satisfaction"))
    # One colour index per household: the bin of its satisfaction, as a colour map bins it.
    assert cells.shape == (m.n_households,)
    want = np.minimum((m.residents.satisfaction * N_COLOURS).astype(int), N_COLOURS - 1)
    assert np.array_equal(cells, want)
    # Every open issue once, at its household's cell, hollow exactly while undiscovered.
    d = map_data(m, "satisfaction")
    assert issues.shape == (d.issue_x.size, 3) and issues.shape[0] > 0
    got = sorted(map(tuple, issues.tolist()))
    kinds = d.issue_type.astype(int) * 2 + d.issue_latent
    expected = sorted(zip(d.issue_x.astype(int), d.issue_y.astype(int), kinds, strict=True))
    assert got == [tuple(int(v) for v in e) for e in expected]
    assert list(issues[:, 2] // 2) == sorted(issues[:, 2] // 2)  # in type order, as drawn


def test_the_browsers_map_data_draws_the_same_picture_as_the_server_drawn_map():
    from cogov_sim.frontends.viz.canvas import colour_table, map_data_of_day, map_day

    run = ClassroomRun(Settings(size=30, side_by_side=False))
    run.step(20)
    m = run.treatment
    day = map_day(m, "satisfaction")
    table = colour_table("satisfaction")
    direct = MapRenderer(m.world).rgba(map_data(m, "satisfaction"))[:, :, :3].astype(int)
    via = MapRenderer(m.world).rgba(map_data_of_day(m.world, day, table))[:, :, :3].astype(int)
    # The same colours but for values within one of 256 bins of a bin's edge.
    assert np.mean(np.abs(direct - via).max(axis=2) > 8) < 0.001


def test_a_day_sends_only_the_outcome_points_the_browser_has_not_had():
    from cogov_sim.frontends.viz.feed import ViewFeed

    run = ClassroomRun(SMALL)
    feed = ViewFeed()
    first = feed.frame(run, SMALL)
    n0 = len(run.treatment.datacollector.model_vars["closure_rate"])  # collected at the start
    assert first.day["from"] == 0 and len(first.day["series"]["treatment"]["closure_rate"]) == n0
    run.step(3)
    f = feed.frame(run, SMALL)
    assert f.layout is first.layout  # the scene stays: not sent again
    assert f.day["from"] == n0 and len(f.day["series"]["treatment"]["closure_rate"]) == 3
    run.step(2)
    f = feed.frame(run, SMALL)
    assert f.day["from"] == n0 + 3 and len(f.day["series"]["baseline"]["closure_rate"]) == 2
    expected = run.treatment.datacollector.model_vars["participation_rate"][n0 + 3 :]
    assert f.day["series"]["treatment"]["participation_rate"] == pytest.approx(expected, abs=1e-6)
    feed.restart_series()  # a browser that lost track gets everything again
    assert feed.frame(run, SMALL).day["from"] == 0
    # A new colouring is a new scene, and a new run too (with a new run number).
    zh = dataclasses_replace(SMALL, lang="zh")
    assert feed.frame(run, zh).layout is not f.layout
    other = ClassroomRun(SMALL)
    g = feed.frame(other, SMALL)
    assert g.day["run"] == g.layout["run"] != f.day["run"]
    assert g.day["from"] == 0


def dataclasses_replace(settings, **changes):
    import dataclasses

    return dataclasses.replace(settings, **changes)


def test_a_day_of_the_view_costs_the_server_no_drawing():
    """The per-day payload is arrays and text: a few kilobytes, no image in it."""
    import json

    from cogov_sim.frontends.viz.feed import ViewFeed

    s = Settings().replace("preset", "full_package")
    run = ClassroomRun(s)
    feed = ViewFeed()
    feed.frame(run, s)
    run.step(30)
    feed.frame(run, s)
    run.step()
    day = json.dumps(feed.frame(run, s).day)
    assert "data:image" not in day
    assert len(day) < 20_000


def test_the_difference_map_colours_each_household_by_mechanisms_minus_baseline():
    from cogov_sim.frontends.viz.canvas import colour_index, decode_map_day, difference_day
    from cogov_sim.frontends.viz.render import DIFFERENCE_LIMIT, difference_shades

    run = ClassroomRun(Settings(size=30).replace("preset", "full_package"))
    base, treat = run.pair()
    cells, issues = decode_map_day(difference_day(base, treat, "participation"))
    assert issues.size == 0  # an issue is one run's: none on the difference
    assert set(cells) == {128}  # day 0: no household differs (the middle of the scale)
    run.step(40)
    cells, _ = decode_map_day(difference_day(base, treat, "participation"))
    d = (treat.day - treat.residents.last_part < treat.cfg.participation.window_days).astype(
        float
    ) - (base.day - base.residents.last_part < base.cfg.participation.window_days)
    assert np.array_equal(cells, colour_index(difference_shades(d, "participation")))
    assert cells.max() > 128 and cells.min() < 128  # some gained, some lost
    assert difference_shades(np.array([-1.0, 0.0, 0.1, 1.0]), "satisfaction").tolist() == [
        0.0,
        0.5,
        0.5 + 0.1 / DIFFERENCE_LIMIT["satisfaction"] / 2,
        1.0,  # beyond the limit: at its end
    ]


def test_the_difference_view_needs_the_baseline_and_is_its_own_scene():
    from cogov_sim.frontends.viz.feed import ViewFeed

    s = SMALL.replace("difference", True)
    assert s.shows_difference and Settings.from_query({"difference": "true"})[0].difference
    run = ClassroomRun(s)
    feed = ViewFeed()
    f = feed.frame(run, s)
    assert [m["role"] for m in f.layout["maps"]] == ["difference"]
    assert list(f.day["maps"]) == ["difference"] and f.layout["chart"]["difference"]
    g = feed.frame(run, SMALL)  # back to the two maps: a new scene, the same run
    assert [m["role"] for m in g.layout["maps"]] == ["baseline", "treatment"]
    assert g.day["run"] == f.day["run"]
    alone = Settings(size=30, side_by_side=False, difference=True)
    assert not alone.shows_difference
    h = ViewFeed().frame(ClassroomRun(alone), alone)
    assert [m["role"] for m in h.layout["maps"]] == ["single"]
    with pytest.raises(ValueError, match="not side by side"):
        ClassroomRun(alone).pair()


def test_the_summary_names_the_processes_that_differ_most():
    from cogov_sim.frontends.viz.summary import because

    def values(**pairs):
        return {
            "treatment": {k: a for k, (a, _) in pairs.items()},
            "baseline": {k: b for k, (_, b) in pairs.items()},
        }

    text = because(
        values(queue_worker=(0, 35), utilisation_worker=(0.54, 0.89), open_issues=(60, 70)),
        "en",
    )
    assert text == (
        " Mostly because fewer issues wait for grid workers (0 vs 35) and grid workers' "
        "hours are less loaded (54% vs 89%)."
    )
    zh = because(values(volunteer_hours=(168, 26)), "zh")
    assert zh == "主要原因：每日志愿服务时长更多（168 小时 对 26 小时）。"
    # Small counts are not "half as many"; nothing to name, nothing said.
    assert because(values(queue_worker=(2, 4), open_issues=(100, 90)), "en") == ""
    assert because({"single": {"queue_worker": 3.0}}, "en") == ""


def test_the_apps_summary_explains_a_difference_by_the_models_own_processes():
    import re

    from cogov_sim.frontends.viz.feed import ViewFeed

    s = Settings().replace("preset", "full_package")
    run = ClassroomRun(s)
    run.step(120)
    text = re.sub("<[^>]+>", " ", ViewFeed().frame(run, s).day["numbers"])
    assert "Mostly because" in text
    # The numbers it names are the models' own, at the same day.
    base, treat = run.pair()
    for key, words in (("volunteer_hours", "volunteers give"), ("queue_worker", "issues wait")):
        if words in text:
            a = treat.datacollector.model_vars[key][-1]
            b = base.datacollector.model_vars[key][-1]
            assert f"{a:.0f}" in text.split(words, 1)[1][:60]
            assert f"{b:.0f}" in text.split(words, 1)[1][:60]
    # Without mechanisms the two models are one: no difference, nothing to explain.
    same = ClassroomRun(Settings())
    same.step(60)
    assert "Mostly because" not in ViewFeed().frame(same, Settings()).day["numbers"]
