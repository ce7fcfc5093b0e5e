"""Your own street: a world from a compounds file, a work-order log read against it, the
fit report, and the privacy of the log's personal columns (issue #30)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov_sim.analysis.fit import cli
from cogov_sim.analysis.fit.orders import (
    BAD_KINDS,
    OrdersError,
    load_mapping,
    read_orders,
    template,
)
from cogov_sim.analysis.fit.report import report, world_model
from cogov_sim.core.model import CoGovModel
from cogov_sim.core.places import moran, moran_pairs, queen_weights
from cogov_sim.core.world_file import WorldFileError, points_in_rings, read_compounds
from cogov_sim.docgen import example_street

DATA = Path(__file__).resolve().parents[1] / "cogov_sim" / "data"
EXAMPLE = DATA / "example_street"
EXAMPLE_WORLD = {
    "world.name": "example_street",
    "world.compounds": "pkg:example_street/compounds.geojson",
    "world.staffing": "pkg:example_street/staffing.csv",
}


@pytest.fixture(scope="module")
def example_model():
    return world_model(EXAMPLE_WORLD)


def test_example_street_files_are_exactly_what_their_script_makes():
    assert example_street.main([]) == 0


def test_every_compounds_households_are_placed_and_inside_its_boundary_when_it_has_room(
    example_model,
):
    w = example_model.world
    src = w.source
    feats = json.loads((EXAMPLE / "compounds.geojson").read_text(encoding="utf-8"))["features"]
    want = [f["properties"]["households"] for f in feats]
    assert np.bincount(w.block, minlength=len(want)).tolist() == want
    comps, _, _ = read_compounds(EXAMPLE / "compounds.geojson")
    mx, my = src.metres(w.x, w.y)
    for b, c in enumerate(comps):
        at = w.block == b
        inside = points_in_rings(mx[at], my[at], c.rings + c.holes)
        outside = int((~inside).sum())
        assert outside == src.overflow.get(c.id, 0), c.id
    # one household a cell, and the grids and communities are the file's
    assert len(set(zip(w.x.tolist(), w.y.tolist(), strict=True))) == w.n
    grids = {f["properties"]["grid"] for f in feats}
    assert sorted(src.grid_ids) == sorted(grids)
    assert src.community_ids == ["东湖社区", "西园社区", "南塘社区"]


def test_the_staffing_file_sets_every_handler_it_names(example_model):
    m = example_model
    staff = pd.read_csv(EXAMPLE / "staffing.csv")
    workers = staff[staff.role == "grid_workers"].set_index("unit")["value"]
    ids = m.world.source.grid_ids
    assert [m.workers.staff[ids.index(g)] for g in workers.index] == workers.tolist()
    med = staff[staff.role == "mediators"].set_index("unit")["value"]
    per = m.cfg.mediators.hours_each_per_day
    comm = m.world.source.community_ids
    assert [m.mediators.hours[comm.index(c)] for c in med.index] == (med * per).tolist()
    for role, group in (("ngo_hours", m.ngos), ("party_hours", m.party)):
        hours = staff[staff.role == role].set_index("unit")["value"]
        assert [group.hours[comm.index(c)] for c in hours.index] == hours.tolist()
    dept = float(staff[staff.role == "department_hours"]["value"].iloc[0])
    assert dept != m.cfg.departments.hours_per_day  # the file's own figure, not the default
    assert np.all(m.departments.hours == dept)


def _csv(tmp_path, text, name="compounds.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_grids_drawn_by_workload_give_urban_villages_smaller_grids(tmp_path):
    rows = ["compound_id,households,housing_type,x,y"]
    for k in range(6):
        rows.append(f"U{k},400,urban_village,{k * 300},0")
        rows.append(f"C{k},600,commodity,{k * 300},600")
    path = _csv(tmp_path, "\n".join(rows) + "\n")
    m = CoGovModel(steps=1, seed=0, **{"world.compounds": str(path)})
    w = m.world
    assert "grid: drawn by workload" in " ".join(w.source.defaults)
    sizes = np.bincount(w.zone)
    village = np.isin(np.arange(w.n_zones), w.zone[w.housing == 3])
    assert sizes[village].mean() == pytest.approx(200, rel=0.15)
    assert sizes[~village].mean() == pytest.approx(300, rel=0.15)


def test_a_run_on_a_world_from_files_repeats_exactly_with_the_same_seed():
    a = CoGovModel(steps=40, seed=3, **EXAMPLE_WORLD)
    b = CoGovModel(steps=40, seed=3, **EXAMPLE_WORLD)
    a.run()
    b.run()
    assert a.summary() == b.summary()
    assert a.summary()["hotspot_moran_i"] == a.summary()["hotspot_moran_i"]  # defined


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("compound_id,households,x,y\nA,abc,0,0\n", "row 2: households must be a number"),
        (
            "compound_id,households,x,y\nA,0,0,0\n",
            "households must be a number in [1, 1000000], not '0'",
        ),
        ("compound_id,households,housing_type,x,y\nA,10,castle,0,0\n", "housing_type 'castle'"),
        ("compound_id,households,grid,x,y\nA,10,g1,0,0\nB,10,,90,90\n", "grid is given for 1 of 2"),
        ("compound_id,households\nA,10\n", "needs x and y (projected metres) or lon and lat"),
        ("compound_id,households,x,y\nA,10,0,0\nA,10,50,50\n", "compound_id 'A' appears twice"),
        (
            "compound_id,households,x,y\nA,10,120.15,30.27\nB,10,120.16,30.28\n",
            "the compounds span 0.01 units: these look like degrees, not metres",
        ),
    ],
)
def test_a_bad_compounds_file_names_the_row_and_the_problem(tmp_path, text, message):
    path = _csv(tmp_path, text)
    with pytest.raises(WorldFileError, match=re.escape(message)):
        CoGovModel(steps=1, **{"world.compounds": str(path)})


def test_a_staffing_row_for_an_unknown_grid_is_refused_by_name(tmp_path):
    comp = _csv(tmp_path, "compound_id,households,grid,x,y\nA,50,g1,0,0\n")
    staff = _csv(tmp_path, "role,unit,value\ngrid_workers,g9,2\n", "staff.csv")
    with pytest.raises(WorldFileError, match="staff.csv, row 2: grid 'g9' is not a grid"):
        CoGovModel(steps=1, **{"world.compounds": str(comp), "world.staffing": str(staff)})


def test_moran_on_pairs_is_the_textbook_statistic_with_an_island():
    """Against a dense, row-standardised weight matrix written out here: zones 0-1-2-3 in
    a row, zone 4 an island (no neighbour)."""
    v = np.array([1.0, 2.0, 4.0, 8.0, 3.0])
    pairs = [(0, 1), (1, 2), (2, 3)]
    i = np.array([a for a, b in pairs] + [b for a, b in pairs])
    j = np.array([b for a, b in pairs] + [a for a, b in pairs])
    w = np.zeros((5, 5))
    w[i, j] = 1.0
    rows = w.sum(axis=1, keepdims=True)
    w = np.divide(w, rows, out=np.zeros_like(w), where=rows > 0)
    z = v - v.mean()
    want = 5 / w.sum() * (z @ w @ z) / (z @ z)
    got = moran_pairs(v, i, j, permutations=0)
    assert got["I"] == pytest.approx(want, rel=1e-12)
    assert got["EI"] == pytest.approx(-1 / 4)
    # on a tiling, the lattice's queen weights give the same as the pairs
    q = queen_weights(3, 4)
    u = np.arange(12.0) ** 1.5
    assert moran(u, 3, 4, permutations=0)["I"] == moran_pairs(u, *q, permutations=0)["I"]


# ------------------------------------------------------------------ work orders
LOG_HEAD = (
    "工单编号,受理时间,办结时间,诉求类别,来电人,联系电话,详细地址,诉求内容,经度,纬度,所属小区"
)


def _log(tmp_path, rows: list[str]) -> Path:
    return _csv(tmp_path, LOG_HEAD + "\n" + "\n".join(rows) + "\n", "log.csv")


def _mapping(tmp_path) -> Path:
    text = (EXAMPLE / "mapping.yaml").read_text(encoding="utf-8")
    text = text.replace("  dispatched: 派单时间\n", "").replace("  status: 办理状态\n", "")
    text = text.replace("  reopened: 是否重办\n", "").replace("closed_status: [已办结]\n", "")
    return _csv(tmp_path, text, "mapping.yaml")


SECRET = ("张秘密", "13900001111", "秘密路88号", "不应出现的诉求文字")


def _good(i, day=2, cat="邻里纠纷", lon="", lat="", compound="C01"):
    return (
        f"G{i},2025-01-{day:02d} 09:00:00,2025-01-{day + 1:02d} 10:00:00,{cat},"
        f"{SECRET[0]},{SECRET[1]},{SECRET[2]},{SECRET[3]},{lon},{lat},{compound}"
    )


def test_bad_rows_are_counted_by_kind_and_the_rest_are_used(tmp_path, example_model):
    rows = [_good(i) for i in range(10)]
    rows += [
        "B1,not a time,,邻里纠纷,,,,,,,C01",
        "B2,2025-01-05 09:00:00,2025-01-99 00:00:00,邻里纠纷,,,,,,,C01",
        "B3,2025-01-05 09:00:00,2025-01-04 09:00:00,邻里纠纷,,,,,,,C01",
        "B4,2025-01-05 09:00:00,,,,,,,,,C01",
        "B5,2025-01-05 09:00:00,,外星人投诉,,,,,,,C01",
        "B6,2025-01-05 09:00:00,,邻里纠纷,,,,,121.5,31.2,",
        "B7,2025-01-05 09:00:00,,邻里纠纷,,,,,,,NOPE",
        "G1,2025-01-05 09:00:00,,邻里纠纷,,,,,,,C01",
        "B9,2025-01-05 09:00:00,,咨询建议,,,,,,,C01",
    ]
    orders = read_orders(
        _log(tmp_path, rows), load_mapping(_mapping(tmp_path)), example_model.world
    )
    assert orders.bad == {
        "unparseable_created": 1,
        "unparseable_closed": 1,
        "closed_before_created": 1,
        "no_category": 1,
        "unknown_category": 1,
        "unmapped_category": 0,
        "outside_area": 1,
        "unknown_compound": 1,
        "duplicate_id": 1,
    }
    assert orders.ignored == 1
    assert len(orders.frame) == 10
    assert set(orders.bad_table()["kind"]) == set(BAD_KINDS)


def test_no_personal_column_reaches_the_orders_or_any_output(tmp_path, example_model):
    rows = [_good(i, day=1 + i % 28) for i in range(60)]
    mapping = load_mapping(_mapping(tmp_path))
    orders = read_orders(_log(tmp_path, rows), mapping, example_model.world)
    assert set(orders.frame.columns) == {
        "type", "created_h", "closed_h", "reopened", "compound", "zone", "weekday", "hour"
    }  # fmt: skip
    assert not any(s in orders.frame.to_string() for s in SECRET)
    out = tmp_path / "fit"
    report(EXAMPLE_WORLD, orders, mapping, out, seeds=1, figures=False)
    files = list(out.iterdir())
    assert {f.name for f in files} >= {"fit.csv", "fit.md", "fit.zh.md", "bad_rows.csv"}
    for f in files:
        text = f.read_text(encoding="utf-8")
        for s in (*SECRET, "来电人", "联系电话", "详细地址", "诉求内容"):
            assert s not in text, (f.name, s)


@pytest.mark.parametrize("role", ["category", "id", "compound"])
def test_a_mapping_that_reads_a_personal_column_is_refused_whatever_its_role(tmp_path, role):
    text = "columns:\n  created: 受理时间\n  category: 诉求类别\n"
    text += f"  {role}: 联系电话\n"
    with pytest.raises(OrdersError, match="'联系电话', which looks like a personal or free-text"):
        load_mapping(_csv(tmp_path, text, "m.yaml"))


def test_a_category_that_yaml_reads_as_a_number_must_be_quoted(tmp_path):
    text = "columns:\n  created: t\n  category: c\ncategories:\n  0101: urban_matter\n"
    with pytest.raises(OrdersError, match="a category key was read by YAML as a number \\(65\\)"):
        load_mapping(_csv(tmp_path, text, "m.yaml"))


def test_a_log_without_closing_times_leaves_closure_statistics_undefined(tmp_path):
    from cogov_sim.analysis.fit.stats import statistics

    log = _csv(
        tmp_path,
        "t,c,box\n" + "".join(f"2025-03-0{d}T09:00:00+08:00,邻里纠纷,C01\n" for d in range(1, 8)),
        "log.csv",
    )
    m = _csv(tmp_path, "columns:\n  created: t\n  category: c\n  compound: box\n"
             "categories:\n  邻里纠纷: neighbour_dispute\n", "m.yaml")  # fmt: skip
    world = world_model(EXAMPLE_WORLD).world
    orders = read_orders(log, load_mapping(m), world)
    assert orders.days == 7 and len(orders.frame) == 7
    assert set(orders.frame["hour"]) == {9.0}  # the wall time the log gives, zone dropped
    st = statistics(orders.frame, orders.days, world, ["neighbour_dispute"], orders.roles)
    assert np.isnan(st["closure_rate"]) and np.isnan(st["reopened_share"])
    assert st["rate_neighbour_dispute"] > 0


def test_the_nyc311_sample_loads_through_the_adapter():
    mapping = load_mapping(DATA / "nyc311_mapping.yaml", nyc311=True)
    world = world_model(cli.world_params(str(DATA / "nyc311_blocks.csv"))).world
    orders = read_orders(DATA / "nyc311_sample.csv", mapping, world)
    assert orders.rows == 60
    assert orders.bad["unparseable_created"] == 1
    assert len(orders.frame) + sum(orders.bad.values()) == 60
    assert 0 < orders.frame["closed_h"].isna().sum() <= 6  # the open requests (6 in the file)
    assert set(orders.frame["type"]) == {
        "neighbour_dispute", "property_dispute", "facility_fault", "urban_matter"
    }  # fmt: skip


def test_the_template_guesses_the_columns_and_lists_every_category():
    text = template(EXAMPLE / "work_orders.csv")
    assert "  created: 受理时间" in text and "  category: 诉求类别" in text
    assert "来电人" not in text and "联系电话" not in text
    log = pd.read_csv(EXAMPLE / "work_orders.csv", usecols=["诉求类别"], dtype=str)
    for cat in log["诉求类别"].dropna().unique():
        assert f"\n  {cat}:" in text


def test_the_fit_cli_refuses_a_log_without_a_mapping(capsys):
    assert cli.main(["report", str(EXAMPLE / "work_orders.csv"), "--world", "example_street"]) == 2
    assert "--mapping is required" in capsys.readouterr().err


def test_a_saved_world_is_a_preset_for_the_model_hydra_and_the_fit_tool(tmp_path, monkeypatch):
    from cogov_sim.core import config
    from cogov_sim.frontends import api
    from cogov_sim.frontends.hydra_setup import group_options

    monkeypatch.setenv("COGOV_SIM_HOME", str(tmp_path / "home"))
    config.world_presets.cache_clear()
    try:
        assert (
            cli.main(
                [
                    "world",
                    str(EXAMPLE / "compounds.geojson"),
                    "--staffing",
                    str(EXAMPLE / "staffing.csv"),
                    "--save",
                    "my_street",
                    "--out",
                    str(tmp_path),
                ]
            )
            == 0
        )
        config.world_presets.cache_clear()
        assert "my_street" in group_options("world")
        cfg = api.compose(["world=my_street"])
        assert cfg.world.compounds.endswith("compounds.geojson")
        m = CoGovModel(steps=1, world="my_street")
        assert m.world.n == world_model(EXAMPLE_WORLD).world.n
        assert (tmp_path / "world.png").is_file()
    finally:
        config.world_presets.cache_clear()


# ------------------------------------------------------------------ calibration
@pytest.mark.slow
def test_calibration_to_the_log_brings_the_model_closer_on_the_fitted_statistics(tmp_path):
    """A reduced calibration (the log's first 120 days, 96 simulations): the calibrated
    model sits closer to the log than the uncalibrated one on the statistics fitted."""
    from cogov_sim.analysis.fit.calibrate import calibrate

    mapping = load_mapping(EXAMPLE / "mapping.yaml")
    log = pd.read_csv(EXAMPLE / "work_orders.csv", dtype=str)
    short = tmp_path / "log.csv"
    log[log["受理时间"] < "2025-05-01"].to_csv(short, index=False)
    orders = read_orders(short, mapping, world_model(EXAMPLE_WORLD).world)
    assert orders.days == 120
    res = calibrate(
        EXAMPLE_WORLD, orders, mapping, tmp_path / "cal", simulations=96, draws=200,
        jobs=2, check_seeds=4, figures=False,
    )  # fmt: skip
    fitted = res["comparison"].set_index("statistics").loc["fitted"]
    assert fitted["calibrated"] < fitted["uncalibrated"]
    assert (tmp_path / "cal" / "calibrated" / "median.yaml").is_file()
    sims = tmp_path / "cal" / "simulations.jsonl"
    assert sims.read_text().count("\n") == 96
    # asked again, it resumes: the saved simulations are used, none is run again
    calibrate(
        EXAMPLE_WORLD, orders, mapping, tmp_path / "cal", simulations=96, draws=200,
        jobs=1, check_seeds=1, figures=False,
    )  # fmt: skip
    assert sims.read_text().count("\n") == 96


# ------------------------------------------------------------------ the tutorial's run
DOC = Path(__file__).resolve().parents[1] / "docs" / "own_street.md"
RUN = DOC.parent / "own_street"


def test_the_own_street_page_shows_the_files_of_its_run():
    from cogov_sim.analysis.explore.report import fill

    doc = DOC.read_text(encoding="utf-8")
    assert doc.count("<!-- include: ") >= 6
    assert fill(doc, RUN) == doc, (
        "run: python -m cogov_sim.analysis.explore.report --doc docs/own_street.md "
        "--folder docs/own_street --write"
    )
    for png in ("world.png", "fit/rates.png", "fit/profiles.png", "fit/closure.png"):
        assert (RUN / png).is_file() and f"own_street/{png}" in doc


def test_the_fit_tables_are_rendered_from_their_csv_files():
    from cogov_sim.analysis.fit.calibrate import comparison_markdown, parameters_markdown
    from cogov_sim.analysis.fit.report import markdown, page

    for folder in (
        RUN / "fit",
        RUN / "calibration" / "check",
        RUN / "calibration" / "uncalibrated",
    ):
        tab = pd.read_csv(folder / "fit.csv")
        meta = json.loads((folder / "fit.json").read_text(encoding="utf-8"))
        for lang, name in (("en", "fit.md"), ("zh", "fit.zh.md")):
            text = (folder / name).read_text(encoding="utf-8")
            assert text == page(meta, tab, lang)
            assert markdown(tab, lang) in text
    cal = RUN / "calibration"
    assert (cal / "before_after.md").read_text() == comparison_markdown(
        pd.read_csv(cal / "before_after.csv")
    )
    assert (cal / "parameters.md").read_text() == parameters_markdown(
        pd.read_csv(cal / "parameters.csv")
    )


def test_the_calibrated_example_street_sits_closer_to_its_log():
    tab = pd.read_csv(RUN / "calibration" / "before_after.csv").set_index("statistics")
    assert tab.loc["fitted", "calibrated"] < tab.loc["fitted", "uncalibrated"]


def test_the_app_offers_and_plays_the_example_street():
    from cogov_sim.frontends.viz import feed
    from cogov_sim.frontends.viz.session import ClassroomRun, Settings, app_worlds

    assert app_worlds()["example_street"]["zh"] == "示例街道（来自文件）"
    settings, warnings = Settings.from_query({"world": "example_street", "lang": "zh"})
    assert warnings == [] and settings.to_query() == "world=example_street&lang=zh"
    run = ClassroomRun(settings)
    for _ in range(5):
        run.step()
    assert run.treatment.world.n == world_model(EXAMPLE_WORLD).world.n
    assert run.treatment.day == 4 and run.baseline.day == 4
    frame = feed.ViewFeed().frame(run, settings)
    assert frame.steps == 5
    assert frame.layout["map"]["cols"] == run.treatment.world.width == 153
    assert set(frame.day["maps"]) == {"baseline", "treatment"}
    _, bad = Settings.from_query({"world": "atlantis"})
    assert "atlantis" in bad[0].text("en")


def test_a_compounds_list_with_chinese_headers_builds_the_same_world(tmp_path):
    en = _csv(
        tmp_path,
        "compound_id,households,housing_type,lon,lat\n"
        "A,300,old_estate,120.150,30.270\nB,250,commodity,120.154,30.271\n",
        "en.csv",
    )
    zh = _csv(
        tmp_path,
        "小区编号,户数,住房类型,经度,纬度\nA,300,老旧小区,120.150,30.270\nB,250,商品房,120.154,30.271\n",
        "zh.csv",
    )
    a = CoGovModel(steps=1, **{"world.compounds": str(en)}).world
    b = CoGovModel(steps=1, **{"world.compounds": str(zh)}).world
    assert a.n == b.n == 550
    assert np.array_equal(a.housing, b.housing) and np.array_equal(a.zone, b.zone)


def test_a_saved_world_whose_file_moved_fails_in_one_line(tmp_path, monkeypatch):
    from cogov_sim.core import config
    from tests.conftest import run_cli

    comp = _csv(tmp_path, "compound_id,households,x,y\nA,120,0,0\nB,90,200,0\n")
    monkeypatch.setenv("COGOV_SIM_HOME", str(tmp_path / "home"))
    config.world_presets.cache_clear()
    try:
        assert cli.main(["world", str(comp), "--save", "tiny", "--out", str(tmp_path)]) == 0
    finally:
        config.world_presets.cache_clear()
    comp.rename(tmp_path / "moved.csv")
    proc = run_cli(["world=tiny", "steps=2", "output.figures=false"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "cogov-sim: error: compounds file" in proc.stderr and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_fit_tools_refuse_a_generated_world_and_name_the_ones_they_take(capsys):
    code = cli.main(
        ["orders", str(EXAMPLE / "work_orders.csv"), "--mapping", str(EXAMPLE / "mapping.yaml"),
         "--world", "street"]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "--world 'street' is a generated world" in err and "example_street" in err
