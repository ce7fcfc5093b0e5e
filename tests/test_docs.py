"""The documentation matches the code."""

from __future__ import annotations

import re

from cogov_sim.core.mechanisms import MECHANISMS
from cogov_sim.core.outcomes import SUMMARY_KEYS
from cogov_sim.docgen import params as paramdoc
from tests.conftest import ROOT

ODD = ROOT / "docs" / "ODD.md"
README = ROOT / "README.md"


def test_odd_parameter_table_is_generated_from_the_current_schema():
    text = ODD.read_text(encoding="utf-8")
    assert paramdoc.render(text) == text, "run: python -m cogov_sim.docgen.params --write"


def test_odd_sections_are_all_present_and_in_order():
    text = ODD.read_text(encoding="utf-8")
    heads = [
        "## 1. Purpose and patterns",
        "## 2. Entities, state variables and scales",
        "## 3. Process overview and scheduling",
        "## 4. Design concepts",
        "## 5. Initialization",
        "## 6. Input data",
        "## 7. Submodels",
    ]
    pos = [text.index(h) for h in heads]
    assert pos == sorted(pos)


def test_odd_defines_every_summary_outcome_and_every_mechanism():
    text = ODD.read_text(encoding="utf-8")
    for key in SUMMARY_KEYS:
        assert f"`{key}`" in text or key in text, key
    for name in MECHANISMS:
        assert f"`{name}`" in text, name


def test_mechanisms_doc_is_generated_from_the_current_code():
    from cogov_sim.docgen import mechanisms as mechdoc

    text = (ROOT / "docs" / "mechanisms.md").read_text(encoding="utf-8")
    assert text == mechdoc.render(), "run: python -m cogov_sim.docgen.mechanisms --write"
    for name in MECHANISMS:
        assert f"— `{name}`" in text


def test_readme_mentions_only_files_that_exist():
    text = README.read_text(encoding="utf-8")
    for path in re.findall(r"\]\(((?!http)[^)#]+)\)", text):
        assert (ROOT / path).exists(), path


def test_tutorial_tables_come_from_the_current_model():
    from cogov_sim.frontends.viz import tutorial

    text = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    assert text == tutorial.render(), "run: python -m cogov_sim.frontends.viz.tutorial --write"
    for sc in tutorial.SCENARIOS:
        assert (ROOT / "docs" / "figures" / f"tutorial_{sc.slug}.png").exists()


def test_readme_lists_every_command_of_the_package():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    text = README.read_text(encoding="utf-8")
    for name in scripts:
        assert name in text, name
