"""The teaching app's info panel of each mechanism: complete, bilingual, faithful to the
patterns file, read from the mechanism class (``info``, with fallbacks for a plug-in that
has none), and strict about names."""

from __future__ import annotations

import math
import re
import sys

import pytest
from conftest import ROOT

from cogov_sim.analysis.patterns import load_patterns
from cogov_sim.core.mechanisms import Mechanism
from cogov_sim.core.mechanisms.registry import builtin
from cogov_sim.frontends.viz.labels import LANGUAGES
from cogov_sim.frontends.viz.mechanism_info import FIELD_LABELS, FIELDS, mechanism_info

#: The built-in mechanisms (an installed plug-in may have no texts of its own).
MECHANISMS = builtin()
#: name -> language -> field -> text: each built-in mechanism's own ``info``.
MECHANISM_INFO = {name: cls.info for name, cls in MECHANISMS.items()}

#: Latin words of four or more letters allowed in a Chinese text (acronyms); keep it tiny.
ALLOWED_LATIN_IN_ZH: frozenset[str] = frozenset()
#: Room in the app's sidebar panel for one English text.
MAX_EN_CHARS = 350
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(m.replace(",", "")) for m in NUMBER.findall(text)]


def _quotes(text: str, value: float) -> bool:
    """``text`` states ``value`` as it is (168 h) or as a percentage (0.748 as 74.8%)."""
    return any(
        math.isclose(n, value, rel_tol=1e-9) or math.isclose(n, 100 * value, rel_tol=1e-9)
        for n in _numbers(text)
    )


def test_every_mechanism_has_every_info_field_in_english_and_chinese():
    assert list(MECHANISM_INFO) == list(MECHANISMS)
    assert FIELDS == ("practice", "rule", "look_for", "pattern")
    assert set(FIELD_LABELS) == set(FIELDS)
    for field, label in FIELD_LABELS.items():
        assert set(label) == set(LANGUAGES) and all(label.values()), field
    for name, entry in MECHANISM_INFO.items():
        assert set(entry) == set(LANGUAGES), name
        for lang, texts in entry.items():
            assert set(texts) == set(FIELDS), (name, lang)
            for field, text in texts.items():
                assert isinstance(text, str) and text.strip(), (name, lang, field)


def test_english_info_texts_fit_the_sidebar_panel():
    for name, entry in MECHANISM_INFO.items():
        for field, text in entry["en"].items():
            assert len(text) <= MAX_EN_CHARS, (name, field, len(text))


def test_chinese_info_texts_are_chinese():
    for name, entry in MECHANISM_INFO.items():
        for field, text in entry["zh"].items():
            assert CJK.search(text), (name, field)
            english = set(LATIN_WORD.findall(text)) - ALLOWED_LATIN_IN_ZH
            assert not english, (name, field, sorted(english))


def test_info_patterns_quote_the_figures_of_the_patterns_file():
    patterns = {p.id: p for p in load_patterns()}
    checked = 0
    for name, cls in MECHANISMS.items():
        named = {cls.pattern, *getattr(cls, "patterns", ())} - {""}
        named |= {p.id for p in patterns.values() if p.mechanism == name}
        text = MECHANISM_INFO[name]["en"]["pattern"]
        for pid in sorted(named):
            p = patterns[pid]
            figures = [v for v in (p.baseline, p.treated, p.change) if v is not None]
            assert figures, pid
            assert any(_quotes(text, v) for v in figures), (name, pid, figures, text)
            checked += 1
    assert checked == len(patterns)


def test_info_of_a_mechanism_without_a_pattern_says_it_is_not_calibrated():
    calibrated = {p.mechanism for p in load_patterns()}
    for name, cls in MECHANISMS.items():
        text = MECHANISM_INFO[name]["en"]["pattern"]
        if cls.pattern or name in calibrated:
            assert "not calibrated" not in text.lower(), name
        else:
            assert "not calibrated to a reported figure" in text.lower(), name
            assert "未按试点数据校准" in MECHANISM_INFO[name]["zh"]["pattern"], name


def test_an_unknown_mechanism_name_is_refused_with_the_allowed_names():
    with pytest.raises(KeyError) as err:
        mechanism_info("no_such_mechanism", "en")
    message = str(err.value)
    assert "no_such_mechanism" in message
    for name in MECHANISMS:
        assert name in message


def test_info_falls_back_to_english_for_an_unknown_language():
    assert mechanism_info("triage", "fr") == MECHANISM_INFO["triage"]["en"]
    assert mechanism_info("triage", "zh") == MECHANISM_INFO["triage"]["zh"]
    assert list(mechanism_info("emergency", "en")) == list(FIELDS)


def test_info_is_a_copy_that_callers_cannot_change_at_the_source():
    texts = mechanism_info("red_property", "en")
    texts["rule"] = "changed"
    assert MECHANISM_INFO["red_property"]["en"]["rule"] != "changed"


@pytest.fixture
def life_circle(monkeypatch):
    """The example plug-in (no ``info``), importable by its import path."""
    loaded = "cogov_life_circle" in sys.modules  # (as an installed plug-in: keep it)
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "life_circle"))
    yield "cogov_life_circle:LifeCircle"
    if not loaded:
        sys.modules.pop("cogov_life_circle", None)


def test_a_plugin_without_info_gets_fallback_texts_in_both_languages(life_circle):
    from cogov_life_circle import LifeCircle

    assert LifeCircle.info == {}
    en = mechanism_info(life_circle, "en")
    assert list(en) == list(FIELDS)
    assert en["practice"].startswith("15-minute life circle")  # title and docstring
    assert "example mechanism" in en["practice"]
    assert en["rule"] == LifeCircle.expected
    assert en["look_for"] == "Compare the maps and charts with the baseline."
    assert en["pattern"] == "Not calibrated to a reported figure."
    zh = mechanism_info(life_circle, "zh")
    assert zh["practice"].startswith("十五分钟生活圈：")
    assert zh["rule"] == LifeCircle.expected
    assert CJK.search(zh["look_for"]) and CJK.search(zh["pattern"])
    assert "未按试点数据校准" in zh["pattern"]
    assert mechanism_info(life_circle, "fr") == en
    with pytest.raises(KeyError, match="cogov_life_circle:NoSuchClass"):
        mechanism_info("cogov_life_circle:NoSuchClass", "en")


def test_a_partial_info_is_completed_field_by_field_and_a_pattern_id_is_named(monkeypatch):
    class Partial(Mechanism):
        """Street lamps (路灯): more light at night.

        Rules in the model: none."""

        name = "street_lamps_info_test"
        title_zh = "路灯"
        title_en = "Street lamps"
        pattern = "lamps_pattern"
        expected = "Fewer hazards at night."
        info = {"en": {"look_for": "Watch the hazards."}}

    module = type(sys)("street_lamps_info_test")
    module.Partial = Partial
    monkeypatch.setitem(sys.modules, module.__name__, module)
    en = mechanism_info("street_lamps_info_test:Partial", "en")
    zh = mechanism_info("street_lamps_info_test:Partial", "zh")
    assert en == {
        "practice": "Street lamps (路灯): more light at night.",
        "rule": "Fewer hazards at night.",
        "look_for": "Watch the hazards.",
        "pattern": "Calibrated to the pattern 'lamps_pattern' (cogov_sim/data/patterns.yaml).",
    }
    assert zh["practice"] == "路灯：Street lamps (路灯): more light at night."
    assert zh["look_for"] == "将地图和图表与基线对比。"
    assert "lamps_pattern" in zh["pattern"]
