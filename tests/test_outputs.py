"""A run writes complete, consistent results; an interrupted write leaves none."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cogov_sim.core import outcomes
from cogov_sim.core.outcomes import SUMMARY_KEYS
from cogov_sim.frontends.api import compose, run
from cogov_sim.results.events import recompute_outcomes
from cogov_sim.results.writing import AtomicWriter

FILES = ("summary.json", "timeseries.parquet", "events.parquet", "outcomes.png", "map.png")


def test_cli_run_writes_every_result_file_and_a_readable_table(cli, tmp_path):
    out = tmp_path / "run"
    proc = cli("world=classroom", "steps=40", "seed=2", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    assert "Closure rate" in proc.stdout and "Dispute resolution rate" in proc.stdout
    assert "day 40/40" in proc.stderr  # progress lines when not on a terminal
    s = json.loads((out / "summary.json").read_text())
    for key in (
        "n_households",
        "steps",
        "wall_seconds",
        "seed",
        "config_hash",
        "version",
        "git_revision",
        "mechanisms",
    ):
        assert key in s
    assert s["steps"] == 40 and s["seed"] == 2 and s["n_households"] > 1500
    assert set(SUMMARY_KEYS) <= set(s["outcomes"])
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 40 and set(outcomes.TIMESERIES_KEYS) <= set(ts.columns)
    assert list(ts["day"]) == list(range(40))
    assert (out / "outcomes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_is_recomputable_from_saved_event_log(tmp_path):
    cfg = compose(["world=classroom", "steps=60", "mechanisms=[whistle_response]"])
    record = run(cfg, tmp_path)
    saved = json.loads((tmp_path / "summary.json").read_text())
    events = pd.read_parquet(tmp_path / "events.parquet")
    again = recompute_outcomes(events, saved["state"])
    for key, value in saved["outcomes"].items():
        if value is None:
            continue
        assert again[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert record["outcomes"]["closure_rate"] == saved["outcomes"]["closure_rate"]


def test_summary_from_log_columns_equals_summary_from_frame_in_any_chunk_size(monkeypatch):
    """The issue rebuild reads the log in chunks of rows (a city's log is large): the
    chunk boundaries must not change a single outcome, and the model's column views
    must give what a saved DataFrame gives."""
    from cogov_sim.core.model import CoGovModel

    m = CoGovModel(**{"world.width": 30, "world.height": 30, "steps": 90, "seed": 4})
    m.run()
    state, place = outcomes.final_state(m), outcomes.issue_place(m)
    whole = outcomes.summarize(m.events.to_frame(), state, place)
    monkeypatch.setattr(outcomes, "_CHUNK", 97)
    chunked = outcomes.summarize(m.events.columns(), state, place)
    assert whole["hotspot_moran_i"] == whole["hotspot_moran_i"]  # defined (not NaN)
    assert m.events.n > 20 * 97  # many chunks, boundaries inside issues' lives
    assert chunked.keys() == whole.keys()
    for key, value in whole.items():
        assert chunked[key] == pytest.approx(value, nan_ok=True, rel=0, abs=0), key


def test_saved_event_log_explains_itself_and_round_trips_to_the_models_codes(tmp_path):
    import numpy as np
    import pyarrow.parquet as pq

    from cogov_sim.core.model import CoGovModel
    from cogov_sim.results import events as eventio

    m = CoGovModel(
        **{
            "world.width": 30,
            "world.height": 30,
            "steps": 60,
            "seed": 2,
            "mechanisms": ["whistle_response", "performance_review"],
        }
    )
    m.run()
    path = tmp_path / "events.parquet"
    eventio.write_events(m, path)
    schema = pq.read_schema(path)
    assert schema.names == [c.name for c in eventio.COLUMNS]
    assert schema.field("t_hours").metadata[b"unit"] == b"hours"
    assert all(b"meaning" in schema.field(n).metadata for n in schema.names)
    ev = eventio.read_events(path)
    assert list(ev["kind"].cat.categories) == eventio.KINDS
    assert set(ev["issue_type"].dropna().unique()) <= set(eventio.ISSUE_TYPES)
    occ = ev[ev["kind"] == "occur"]
    assert occ["handler"].isna().all() and occ["state_from"].isna().all()
    assert occ["severity"].notna().all() and ev.loc[ev["kind"] != "occur", "severity"].isna().all()
    hh = ev["household"].to_numpy()
    assert (ev["x"].to_numpy() == m.world.x[hh]).all()
    assert (ev["zone"].to_numpy() == m.world.zone[hh]).all()
    assert (hh == m.issues.hh[ev["issue"].to_numpy()]).all()
    back = eventio.log_columns(ev)
    for name, col in m.events.columns().items():
        assert np.array_equal(back[name], col), name


def test_outputs_doc_tables_match_the_saved_columns(tmp_path):
    from cogov_sim.core.outcomes import TIMESERIES_KEYS, TIMESERIES_MEANING
    from cogov_sim.results import events as eventio

    text = eventio.DOC.read_text(encoding="utf-8")
    assert eventio.render(text) == text, "run: python -m cogov_sim.results.events --write"
    assert set(TIMESERIES_MEANING) == set(TIMESERIES_KEYS)
    for c in eventio.COLUMNS:
        assert f"| `{c.name}` |" in text


def test_failed_write_leaves_no_result_files(tmp_path):
    writer = AtomicWriter(tmp_path)
    writer.write("timeseries.parquet", lambda p: p.write_bytes(b"data"))

    def boom(path):
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        try:
            writer.write("summary.json", boom)
        except RuntimeError:
            writer.abort()
            raise
    writer.abort()
    assert not any(tmp_path.iterdir()), list(tmp_path.iterdir())


def test_run_error_during_output_removes_temporary_files(tmp_path, monkeypatch):
    from cogov_sim.results import plots

    def broken(*a, **k):
        raise RuntimeError("plotting failed")

    monkeypatch.setattr(plots, "map_figure", broken)
    cfg = compose(["world=classroom", "steps=5"])
    with pytest.raises(RuntimeError, match="plotting failed"):
        run(cfg, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_help_lists_groups_mechanisms_and_defaults(cli):
    proc = cli("--help")
    assert proc.returncode == 0
    assert "world: classroom, district, example_street, street" in proc.stdout
    assert "+experiment: " in proc.stdout and "mechanism_comparison" in proc.stdout
    assert "legal_mediators" in proc.stdout and "steps = 365" in proc.stdout
    # ranges, units and meanings come from the fields' metadata
    assert "  world.density = 0.85   a share in [0.01, 1] [share]   share of cells" in proc.stdout
    assert "mechanism_params.red_property.service_level = 2.0   a factor in [0, 5]" in (proc.stdout)


def _small_model(steps=30):
    from cogov_sim.core.model import CoGovModel

    m = CoGovModel(**{"world.width": 30, "world.height": 30, "steps": steps, "seed": 3})
    m.run()
    return m


def test_timeseries_file_carries_each_columns_meaning_and_unit_and_round_trips(tmp_path):
    import pyarrow.parquet as pq

    from cogov_sim.results.timeseries import read_timeseries, write_timeseries

    ts = _small_model().timeseries()
    assert ts["closure_rate"].isna().any()  # undefined on the first days
    path = tmp_path / "timeseries.parquet"
    write_timeseries(ts, path)
    schema = pq.read_schema(path)
    assert schema.names == list(outcomes.TIMESERIES_KEYS)
    for name in schema.names:
        meaning, unit = outcomes.TIMESERIES_MEANING[name]
        meta = schema.field(name).metadata
        assert meta[b"meaning"] == meaning.encode(), name
        assert meta.get(b"unit", b"") == unit.encode(), name
    assert schema.field("escalations").metadata[b"unit"] == b"per 1,000 households"
    assert b"docs/outputs.md" in schema.metadata[b"cogov_sim"]
    # undefined is a null in the file (SQL's avg leaves it out), NaN in pandas
    table = pq.read_table(path)
    assert table.column("closure_rate").null_count == int(ts["closure_rate"].isna().sum())
    pd.testing.assert_frame_equal(read_timeseries(path), ts)
    pd.testing.assert_frame_equal(pd.read_parquet(path), ts)


def test_timeseries_column_without_a_meaning_is_refused(tmp_path):
    from cogov_sim.results.timeseries import write_timeseries

    ts = pd.DataFrame({"day": [0, 1], "mystery": [1.0, 2.0]})
    with pytest.raises(ValueError, match="mystery"):
        write_timeseries(ts, tmp_path / "timeseries.parquet")
    assert not (tmp_path / "timeseries.parquet").exists()


def test_a_run_writes_its_timeseries_with_meanings_and_units(tmp_path):
    """Needs cogov_sim/frontends/api.py to write timeseries.parquet with
    cogov_sim.results.timeseries.write_timeseries."""
    import pyarrow.parquet as pq

    run(compose(["world=classroom", "steps=5", "output.figures=false"]), tmp_path)
    schema = pq.read_schema(tmp_path / "timeseries.parquet")
    assert schema.field("response_hours_mean").metadata[b"unit"] == b"hours"
    assert all(b"meaning" in schema.field(n).metadata for n in schema.names)


#: The event log's columns that are null where they do not apply, by type.
NULLABLE_INTEGERS = ("handler", "parent")
NULLABLE_BOOLEANS = ("accurate", "success", "false_closure")


def test_event_log_integers_and_booleans_read_as_such_in_pandas_and_pyarrow(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cogov_sim.results import events as eventio

    m = _small_model(60)
    path = tmp_path / "events.parquet"
    eventio.write_events(m, path)
    schema = pq.read_schema(path)
    types = {
        "float64": pa.float64(),
        "int32": pa.int32(),
        "bool": pa.bool_(),
        "category": pa.dictionary(pa.int8(), pa.string()),
    }
    for c in eventio.COLUMNS:
        assert schema.field(c.name).type == types[c.type], c.name
    for name in NULLABLE_INTEGERS + NULLABLE_BOOLEANS:
        assert eventio.COLUMNS_BY_NAME[name].nullable, name
        assert pq.read_table(path, columns=[name]).column(name).null_count > 0, name

    for df in (pd.read_parquet(path), eventio.read_events(path)):  # plain pandas, and ours
        for name in NULLABLE_INTEGERS:
            assert str(df[name].dtype) == "Int32", name
        for name in NULLABLE_BOOLEANS:
            assert str(df[name].dtype) == "boolean", name
        assert str(df["day"].dtype) == "int32" and str(df["vulnerable"].dtype) == "bool"
        assert isinstance(df["kind"].dtype, pd.CategoricalDtype)
        assert str(df["severity"].dtype) == "float64"
        assert df["handler"].isna().any() and df["handler"].dropna().ge(0).all()
        assert df.loc[df["kind"] == "attempt", "success"].notna().all()
        back = eventio.log_columns(df)
        for name, col in m.events.columns().items():
            assert (back[name] == col).all(), name

    arrow = pd.read_parquet(path, dtype_backend="pyarrow")  # as docs/outputs.md shows
    assert str(arrow["handler"].dtype) == "int32[pyarrow]"
    assert str(arrow["success"].dtype) == "bool[pyarrow]"

    # a log written before it carried its pandas metadata reads with the same types
    old = tmp_path / "old.parquet"
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({b"cogov_sim": b"event log"}), old)
    assert str(pd.read_parquet(old)["handler"].dtype) == "float64"  # what pandas did
    again = eventio.read_events(old)
    assert str(again["handler"].dtype) == "Int32" and str(again["success"].dtype) == "boolean"
    pd.testing.assert_frame_equal(again, eventio.read_events(path))


def test_event_log_types_in_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    from cogov_sim.results import events as eventio

    path = tmp_path / "events.parquet"
    eventio.write_events(_small_model(30), path)
    described = dict(
        (row[0], row[1]) for row in duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    )
    for name in NULLABLE_INTEGERS + ("day", "issue", "household"):
        assert described[name] == "INTEGER", name
    for name in NULLABLE_BOOLEANS + ("vulnerable",):
        assert described[name] == "BOOLEAN", name
    assert described["kind"] == "VARCHAR" and described["t_hours"] == "DOUBLE"
