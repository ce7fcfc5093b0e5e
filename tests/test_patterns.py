"""The patterns file and the pattern report."""

from __future__ import annotations

import pandas as pd
import pytest

from cogov_sim.analysis.pattern_report import main, report
from cogov_sim.analysis.patterns import PatternError, evaluate, load_patterns
from cogov_sim.core.mechanisms import MECHANISMS

GOOD = """
patterns:
  - id: p1
    mechanism: integrated_grid
    outcome: closure_rate
    direction: up
    baseline: 0.7
    treated: 0.9
    where: here
    claim: it rose
"""


def test_package_patterns_file_has_the_twelve_reported_patterns():
    pats = load_patterns()
    assert len(pats) == 12
    assert {p.mechanism for p in pats} <= set(MECHANISMS)
    fees = next(p for p in pats if p.id == "red_property_fees")
    assert fees.reported_change == pytest.approx(0.25)
    closure = next(p for p in pats if p.id == "integrated_grid_closure")
    assert closure.reported_change == pytest.approx(0.22)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mechanism", "magic_grid", "pattern 'p1': unknown mechanism 'magic_grid'"),
        ("outcome", "happiness", "pattern 'p1': unknown outcome 'happiness'"),
        ("direction", "sideways", "pattern 'p1': 'direction' must be 'up' or 'down'"),
        ("treated", "'high'", "pattern 'p1': 'treated' must be a number or null"),
    ],
)
def test_bad_pattern_entry_fails_naming_the_entry_and_field(tmp_path, field, value, message):
    bad = tmp_path / "bad.yaml"
    lines = [
        ln if not ln.strip().startswith(f"{field}:") else f"    {field}: {value}"
        for ln in GOOD.splitlines()
    ]
    bad.write_text("\n".join(lines))
    with pytest.raises(PatternError, match=message):
        load_patterns(bad)


def test_unreadable_patterns_file_is_reported(tmp_path):
    with pytest.raises(PatternError, match="cannot read patterns file"):
        load_patterns(tmp_path / "missing.yaml")


def test_verdicts_follow_direction_and_magnitude_rules(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(GOOD)
    pats = load_patterns(f)
    seeds = [0, 1, 2, 3]

    def results(treated):
        out = {}
        for s, (b, t) in enumerate(zip([0.70, 0.71, 0.69, 0.70], treated, strict=True)):
            out[((), s)] = {"closure_rate": b}
            out[(("integrated_grid",), s)] = {"closure_rate": t}
        return out

    match = evaluate(pats, results([0.90, 0.91, 0.89, 0.90]), seeds).iloc[0]
    assert match.verdict == "match" and match.model_change == pytest.approx(0.2)
    small = evaluate(pats, results([0.75, 0.76, 0.74, 0.75]), seeds).iloc[0]
    assert small.verdict == "direction only"
    wrong = evaluate(pats, results([0.60, 0.61, 0.59, 0.60]), seeds).iloc[0]
    assert wrong.verdict == "fails" and not wrong.direction_holds


def test_report_writes_table_csv_and_figure(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(GOOD)
    df = report(
        f,
        seeds=3,
        world="classroom",
        steps=40,
        jobs=1,
        out=tmp_path / "out",
        progress=False,
        decompose_seeds=2,
    )
    assert list(df["id"]) == ["p1"]
    for name in ("patterns.csv", "patterns.md", "patterns.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    csv = pd.read_csv(tmp_path / "out" / "patterns.csv")
    assert {"model_baseline", "model_treated", "model_change_lo", "verdict"} <= set(csv.columns)
    text = (tmp_path / "out" / "patterns.md").read_text()
    assert "| `p1` |" in text
    # every pattern's effect decomposed by pathway, in the report and beside it
    assert "What each pattern's effect comes through" in text
    dec = pd.read_csv(tmp_path / "out" / "decomposition.csv")
    assert set(dec["outcome"]) == {"closure_rate"} and len(dec) == 7


def test_command_exits_with_a_clear_error_for_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("patterns: 3\n")
    with pytest.raises(SystemExit) as exc:
        main(["--patterns", str(bad), "--seeds", "2"])
    assert exc.value.code == 2
    assert "expected a top-level 'patterns:' list" in capsys.readouterr().err
