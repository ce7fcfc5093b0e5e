"""A run writes complete, consistent results; an interrupted write leaves none."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cogov_sim import outcomes
from cogov_sim.api import compose, run
from cogov_sim.outcomes import SUMMARY_KEYS
from cogov_sim.results import AtomicWriter

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
    again = outcomes.summarize(events, saved["state"])
    for key, value in saved["outcomes"].items():
        if value is None:
            continue
        assert again[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert record["outcomes"]["closure_rate"] == saved["outcomes"]["closure_rate"]


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
    from cogov_sim import plots

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
    assert "world: classroom, district, street" in proc.stdout
    assert "+experiment: " in proc.stdout and "mechanism_comparison" in proc.stdout
    assert "legal_mediators" in proc.stdout and "steps = 365" in proc.stdout
    # ranges, units and meanings come from the fields' metadata
    assert "  world.density = 0.85   a share in [0.01, 1] [share]   share of cells" in proc.stdout
    assert "mechanism_params.red_property.hours_factor = 1.3   a factor in [0, 100]" in (
        proc.stdout
    )
