"""docs/explore.md shows the worked example's real files, and its figures were drawn
from the tables beside them."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from cogov_sim.analysis.explore.report import fill, sha256, sources_of
from tests.conftest import ROOT

DOC = ROOT / "docs" / "explore.md"
FOLDER = ROOT / "docs" / "explore"


def test_explore_page_shows_the_worked_example_files():
    doc = DOC.read_text(encoding="utf-8")
    assert "<!-- include: " in doc
    assert fill(doc, FOLDER) == doc, "run: python -m cogov_sim.analysis.explore.report --write"


@pytest.mark.parametrize("png", re.findall(r"\]\(explore/([\w/.-]+\.png)\)", DOC.read_text()))
def test_every_explore_figure_was_drawn_from_the_table_beside_it(png):
    path = FOLDER / png
    sources = sources_of(path)
    assert sources, f"{png} names no source table"
    for name, digest in sources.items():
        assert sha256(path.parent / name) == digest, f"{png} was drawn from another {name}"


def test_explore_tables_are_rendered_from_their_csv_files():
    from cogov_sim.analysis.calibration.posterior import predictive_markdown
    from cogov_sim.analysis.explore.effects import markdown

    effects = pd.read_csv(FOLDER / "effects" / "effects.csv")
    assert markdown(effects) in (FOLDER / "effects" / "effects.md").read_text()
    pred = pd.read_csv(FOLDER / "calibration" / "predictive.csv")
    assert predictive_markdown(pred) in (FOLDER / "calibration" / "predictive.md").read_text()
    front = pd.read_csv(FOLDER / "optimise" / "pareto.csv")
    text = (FOLDER / "optimise" / "pareto.md").read_text()
    assert all(f"| {p} |" in text for p in front.package)


def test_worked_example_fits_every_pattern_and_no_validation_item():
    from cogov_sim.analysis.patterns import load_patterns

    meta = json.loads((FOLDER / "calibration" / "calibration.json").read_text())
    assert [t["id"] for t in meta["targets"]] == [p.id for p in load_patterns()]
    pred = pd.read_csv(FOLDER / "calibration" / "predictive.csv")
    validation = set(pred.loc[pred.item == "validation", "id"])
    assert validation and not validation & {t["id"] for t in meta["targets"]}
    assert not validation & set(pred.loc[pred.used_in_fit, "id"])
    # every pattern left out of the fit lies outside the prior simulations (training.csv)
    training = pd.read_csv(FOLDER / "calibration" / "training.csv")
    for t in meta["targets"]:
        col = training[f"stat.{t['id']}"].dropna()
        inside = col.min() <= t["reported"] <= col.max()
        assert (t["id"] in meta["fitted"]) == inside, t["id"]
    assert meta["overrides"] == ["world=street", "steps=365"]  # the default street


def test_explore_page_has_no_placeholder_left():
    assert not re.search(r"^[A-Z_]{5,}$", DOC.read_text(), re.M)
