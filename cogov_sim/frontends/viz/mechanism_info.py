"""The info panel of each mechanism in the teaching app, in English and Chinese.

A teacher projecting the app to a class switches a mechanism on and reads out
four short texts about it:

- ``practice``: the Chinese governance practice the mechanism models;
- ``rule``: what it changes in the model. Mechanisms change actors,
  capacities, routing, information and incentives, never outcomes: the texts
  say what the mechanism sets, and that the effects come from the model's own
  rules (docs/mechanisms.md, the mechanism modules);
- ``look_for``: what to watch in the app (the maps, the markers of open
  issues, hollow while undiscovered, and the five charts, the baseline beside
  the treatment), including when an effect is slow, small or off the charts at
  classroom scale;
- ``pattern``: the figure reported for pilot districts that the mechanism is
  calibrated to (``cogov_sim/data/patterns.yaml``), or that it has none.

The texts live with each mechanism, in its class attribute ``info`` (language ->
field -> text; see :class:`cogov_sim.core.mechanisms.base.Mechanism`), so a
plug-in brings its own. A field a mechanism leaves out is made from its other
attributes: ``practice`` from its title and docstring, ``rule`` from ``expected``,
``look_for`` a generic hint and ``pattern`` its pattern id or that it has none.

The numbers in ``rule`` are the mechanisms' defaults; the app's sliders change
some of them. Texts are plain and short (at most about 350 characters in
English) so that each fits a sidebar panel. :func:`mechanism_info` returns the
four texts of one mechanism in one language.
"""

from __future__ import annotations

import inspect
import sys

#: The fields of a mechanism's info panel, in display order.
FIELDS = ("practice", "rule", "look_for", "pattern")

#: The heading of each field in the panel.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "practice": {"en": "In practice", "zh": "实践中"},
    "rule": {"en": "In the model", "zh": "模型中"},
    "look_for": {"en": "What to look for", "zh": "观察要点"},
    "pattern": {"en": "Reported pattern", "zh": "试点数据"},
}

#: The texts of a field a mechanism does not describe itself, per language.
GENERIC: dict[str, dict[str, str]] = {
    "en": {
        "rule": "The mechanism does not describe its rules.",
        "look_for": "Compare the maps and charts with the baseline.",
        "pattern": "Not calibrated to a reported figure.",
        "pattern_id": "Calibrated to the pattern '{id}' (cogov_sim/data/patterns.yaml).",
    },
    "zh": {
        "rule": "该机制未说明其规则。",
        "look_for": "将地图和图表与基线对比。",
        "pattern": "未按试点数据校准。",
        "pattern_id": "按试点数据“{id}”校准（cogov_sim/data/patterns.yaml）。",
    },
}


def _first_paragraph(cls) -> str:
    """The first paragraph of the class's own docstring (its module's when it has none),
    on one line."""
    doc = cls.__dict__.get("__doc__") or getattr(sys.modules.get(cls.__module__), "__doc__", "")
    paragraph = inspect.cleandoc(doc or "").split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def _fallback(cls, lang: str) -> dict[str, str]:
    """The texts of a mechanism that has no ``info`` of its own in ``lang`` ("en" or "zh")."""
    doc = _first_paragraph(cls)
    title = (cls.title_zh if lang == "zh" else cls.title_en) or cls.name
    if not doc:
        practice = title
    elif lang != "zh" and doc.startswith(title):
        practice = doc
    else:
        practice = f"{title}{'：' if lang == 'zh' else ': '}{doc}"
    texts = GENERIC[lang]
    return {
        "practice": practice,
        "rule": cls.expected or texts["rule"],
        "look_for": texts["look_for"],
        "pattern": texts["pattern_id"].format(id=cls.pattern) if cls.pattern else texts["pattern"],
    }


def _mechanism_class(name: str) -> type:
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.mechanisms.registry import known, resolve

    cls = known().get(name)
    if cls is None and ":" in name:
        try:
            cls = resolve(name)
        except ConfigError:
            cls = None
    if cls is None:
        raise KeyError(
            f"unknown mechanism {name!r} (allowed: {', '.join(known())}, "
            "or an import path 'package.module:Class')"
        )
    return cls


def mechanism_info(name: str, lang: str) -> dict[str, str]:
    """The info panel texts (field -> text, in :data:`FIELDS` order) of mechanism ``name``
    (a built-in or installed mechanism's name, or an import path ``package.module:Class``)
    in ``lang`` (English when the language is unknown): the class's ``info``, each field
    it lacks made from its other attributes.

    Raises:
        KeyError: ``name`` names no mechanism; the message names the allowed ones.
    """
    cls = _mechanism_class(name)
    info = cls.info or {}
    if lang not in info and lang not in GENERIC:
        lang = "en"
    own = info.get(lang) or {}
    fallback = _fallback(cls, lang if lang in GENERIC else "en")
    return {field: own.get(field) or fallback[field] for field in FIELDS}
