"""The teaching app's info panel of each mechanism: complete, bilingual, faithful to the
patterns file, and strict about names."""

from __future__ import annotations

import math
import re

import pytest

from cogov_sim.mechanisms import MECHANISMS
from cogov_sim.patterns import load_patterns
from cogov_sim.viz.labels import LANGUAGES
from cogov_sim.viz.mechanism_info import FIELD_LABELS, FIELDS, MECHANISM_INFO, mechanism_info

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
