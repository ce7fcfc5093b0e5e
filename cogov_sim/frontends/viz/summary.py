"""The app's numbers: a table of key outcomes so far and a plain-language summary.

Pure functions of the latest chart values of each model (``Frame.values``), so the
browser shows the numbers the charts draw, and tests check them without a browser.
Shares are shown in percent and their differences in percentage points; response
time in hours. "Better" is up for every outcome but response time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cogov_sim.frontends.viz.labels import CHARTS

#: Differences smaller than this (points, or hours) are called "about the same".
SAME = {"response_hours_mean": 0.5}
SAME_POINTS = 0.5
#: Outcomes where lower is better.
LOWER_IS_BETTER = {"response_hours_mean"}

_UNITS = {
    "en": {"pct": "%", "pts": "points", "h": "h"},
    "zh": {"pct": "%", "pts": "个百分点", "h": "小时"},
}
_SUMMARY = {
    "en": {
        "start": "Day 0: nothing has happened yet. Step or play to compare.",
        "by": "By day {n}, with the chosen mechanisms: ",
        "single": "By day {n}: ",
        "more": "{what} {diff} higher ({a} vs {b})",
        "less": "{what} {diff} lower ({a} vs {b})",
        "same": "{what} about the same ({a} vs {b})",
        "value": "{what} {a}",
        "sep": "; ",
        "end": ".",
        "noisy": " One street and one seed: try other seeds before drawing conclusions.",
        "because": " Mostly because ",
        "and": " and ",
    },
    "zh": {
        "start": "第 0 天：尚未发生任何事件。请单步或播放以比较。",
        "by": "截至第 {n} 天，启用所选机制后：",
        "single": "截至第 {n} 天：",
        "more": "{what}高 {diff}（{a} 对 {b}）",
        "less": "{what}低 {diff}（{a} 对 {b}）",
        "same": "{what}基本持平（{a} 对 {b}）",
        "value": "{what} {a}",
        "sep": "；",
        "end": "。",
        "noisy": "这只是一个街区、一个随机种子：下结论前请换几个种子试试。",
        "because": "主要原因：",
        "and": "，",
    },
}


#: The processes an outcome difference comes through (model variables, not outcomes): how
#: many issues wait for each kind of handler, how loaded the grid workers are, how much
#: volunteers give. (key, unit, {lang: (wording when lower, wording when higher)}).
CHANNELS: tuple[tuple[str, str, dict[str, tuple[str, str]]], ...] = (
    (
        "queue_worker",
        "count",
        {
            "en": ("fewer issues wait for grid workers", "more issues wait for grid workers"),
            "zh": ("等待网格员处理的事件更少", "等待网格员处理的事件更多"),
        },
    ),
    (
        "utilisation_worker",
        "share",
        {
            "en": ("grid workers' hours are less loaded", "grid workers' hours are more loaded"),
            "zh": ("网格员工时占用更低", "网格员工时占用更高"),
        },
    ),
    (
        "queue_department",
        "count",
        {
            "en": (
                "fewer issues wait for line departments",
                "more issues wait for line departments",
            ),
            "zh": ("等待职能部门处理的事件更少", "等待职能部门处理的事件更多"),
        },
    ),
    (
        "open_issues",
        "count",
        {
            "en": ("fewer issues are open", "more issues are open"),
            "zh": ("未办结事件更少", "未办结事件更多"),
        },
    ),
    (
        "volunteer_hours",
        "hours",
        {
            "en": ("volunteers give fewer hours a day", "volunteers give more hours a day"),
            "zh": ("每日志愿服务时长更少", "每日志愿服务时长更多"),
        },
    ),
)
#: A channel counts when it differs by at least this share of the larger value (with a
#: floor per unit, so that 1 vs 2 waiting issues is not "half as many").
CHANNEL_SHARE = 0.25
CHANNEL_FLOOR = {"count": 10.0, "share": 0.1, "hours": 10.0}
CHANNEL_KEYS = tuple(key for key, _, _ in CHANNELS)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    values: dict[str, str]  # role -> formatted value
    difference: str  # treatment - baseline, formatted; "" without a baseline
    better: bool | None  # whether the difference is an improvement; None: no or no clear one


def _lang(lang: str) -> str:
    return lang if lang in _UNITS else "en"


def _fmt(scale: float, value: float, lang: str) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    u = _UNITS[_lang(lang)]
    if scale == 100.0:
        return f"{100 * value:.1f}{u['pct']}"
    return f"{value:.1f} {u['h']}"


def _diff(scale: float, d: float, lang: str) -> str:
    if d is None or not math.isfinite(d):
        return "–"
    u = _UNITS[_lang(lang)]
    size = round(abs(100 * d if scale == 100.0 else d), 1)
    sign = "±" if size == 0 else "+" if d > 0 else "−"
    return f"{sign}{size:.1f} {u['pts'] if scale == 100.0 else u['h']}"


def _same(key: str, scale: float, d: float) -> bool:
    size = abs(d) * (100.0 if scale == 100.0 else 1.0)
    return size < SAME.get(key, SAME_POINTS)


def outcome_rows(values: dict[str, dict[str, float]], lang: str) -> list[Row]:
    """One row per chart outcome: each model's latest value, and the treatment's difference
    from the baseline when both are shown."""
    rows = []
    for key, label, scale in CHARTS:
        shown = {role: _fmt(scale, v.get(key), lang) for role, v in values.items()}
        difference, better = "", None
        if "baseline" in values and "treatment" in values:
            a, b = values["treatment"].get(key), values["baseline"].get(key)
            d = (a - b) if a is not None and b is not None else float("nan")
            difference = _diff(scale, d, lang)
            if math.isfinite(d) and not _same(key, scale, d):
                better = (d < 0) if key in LOWER_IS_BETTER else (d > 0)
        rows.append(Row(key, _short(label, lang), shown, difference, better))
    return rows


def plain_summary(values: dict[str, dict[str, float]], day: int, lang: str) -> str:
    """What happened so far, in a sentence or two (``lang``: en or zh)."""
    text = _SUMMARY[_lang(lang)]
    if day < 1:
        return text["start"]
    parts = []
    if "baseline" in values and "treatment" in values:
        head, differs = text["by"].format(n=day), False
        for key, label, scale in CHARTS:
            a, b = values["treatment"].get(key), values["baseline"].get(key)
            if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
                continue
            what = _short(label, lang)
            d = a - b
            fa, fb = _fmt(scale, a, lang), _fmt(scale, b, lang)
            if _same(key, scale, d):
                parts.append(text["same"].format(what=what, a=fa, b=fb))
            else:
                word = "more" if d > 0 else "less"
                diff = _diff(scale, d, lang).lstrip("+−±")
                parts.append(text[word].format(what=what, diff=diff, a=fa, b=fb))
                differs = True
        why = because(values, lang) if differs else ""
        return head + text["sep"].join(parts) + text["end"] + why + text["noisy"]
    (only,) = values.values()
    for key, label, scale in CHARTS:
        a = only.get(key)
        if a is not None and math.isfinite(a):
            parts.append(text["value"].format(what=_short(label, lang), a=_fmt(scale, a, lang)))
    return text["single"].format(n=day) + text["sep"].join(parts) + text["end"]


def because(values: dict[str, dict[str, float]], lang: str, most: int = 2) -> str:
    """A sentence naming the processes that differ most between the two models (at most
    ``most``): where the outcomes' differences come through. Empty without both models,
    without the process variables (:data:`CHANNELS`), or when none differs enough."""
    if "baseline" not in values or "treatment" not in values:
        return ""
    text, lang = _SUMMARY[_lang(lang)], _lang(lang)
    found = []
    for key, unit, words in CHANNELS:
        a, b = values["treatment"].get(key), values["baseline"].get(key)
        if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
            continue
        size = abs(a - b) / max(abs(a), abs(b), CHANNEL_FLOOR[unit])
        if size >= CHANNEL_SHARE:
            wording = words[lang][1 if a > b else 0]
            pair = f"{_unit(unit, a, lang)} {'对' if lang == 'zh' else 'vs'} {_unit(unit, b, lang)}"
            brackets = ("（", "）") if lang == "zh" else (" (", ")")
            found.append((size, f"{wording}{brackets[0]}{pair}{brackets[1]}"))
    if not found:
        return ""
    found.sort(key=lambda f: -f[0])
    return text["because"] + text["and"].join(w for _, w in found[:most]) + text["end"]


def _unit(unit: str, value: float, lang: str) -> str:
    if unit == "share":
        return f"{100 * value:.0f}%"
    if unit == "hours":
        return f"{value:.0f} {_UNITS[lang]['h']}"
    return f"{value:.0f}"


def _short(label: dict[str, str], lang: str) -> str:
    """A chart title without its unit: "on-time closure (%)" -> "on-time closure"."""
    return label.get(_lang(lang), label["en"]).split(" (")[0].strip()
