"""Labels of the teaching app and its exported animations, in English and Chinese.

Also the curated "key parameters" of each mechanism that the app shows as
sliders: a teaching range inside the schema's allowed range (a test checks
that), a step, and a label in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cogov_sim.core.mechanisms import MECHANISMS

LANGUAGES = ("en", "zh")

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "cogov-sim: co-governance in a classroom", "zh": "cogov-sim：基层共治课堂演示"},
    "language": {"en": "Language", "zh": "语言"},
    "scenario": {"en": "Scenario preset", "zh": "情景预设"},
    "mechanisms": {"en": "Mechanisms", "zh": "治理机制"},
    "parameters": {"en": "Key parameters", "zh": "关键参数"},
    "no_parameters": {"en": "Switch a mechanism on to tune it.", "zh": "开启机制后可调节其参数。"},
    "seed": {"en": "Seed", "zh": "随机种子"},
    "size": {"en": "Lattice side (households)", "zh": "网格边长 (户)"},
    "world": {"en": "Street", "zh": "街区"},
    "colour_by": {"en": "Colour residents by", "zh": "居民着色"},
    "side_by_side": {"en": "Side by side with baseline", "zh": "与基线并排对比"},
    "controls": {"en": "Run", "zh": "运行"},
    "step": {"en": "Step", "zh": "单步"},
    "reset": {"en": "Reset", "zh": "重置"},
    "speed": {"en": "Days per second", "zh": "每秒天数"},
    "step_counter": {"en": "Step: {n}", "zh": "第 {n} 步"},
    "day_counter": {"en": "day {n}", "zh": "第 {n} 天"},
    "households": {"en": "households", "zh": "户"},
    "baseline": {"en": "Baseline (scenario without policy mechanisms)", "zh": "基线（无治理机制）"},
    "treatment": {"en": "With the chosen mechanisms", "zh": "启用所选机制"},
    "single": {"en": "The street", "zh": "街区"},
    "outcomes": {"en": "Outcomes", "zh": "治理成效"},
    "baseline_short": {"en": "Baseline", "zh": "基线"},
    "treatment_short": {"en": "Mechanisms", "zh": "所选机制"},
    "single_short": {"en": "The street", "zh": "街区"},
    "export": {"en": "Export for slides", "zh": "导出动画"},
    "export_gif": {"en": "Make GIF", "zh": "生成 GIF"},
    "export_mp4": {"en": "Make MP4", "zh": "生成 MP4"},
    "export_ready": {"en": "Download {name}", "zh": "下载 {name}"},
    "export_busy": {"en": "Rendering frame {i} of {n}", "zh": "正在渲染第 {i}/{n} 帧"},
    "export_empty": {
        "en": "Step the model first: there is nothing to export yet.",
        "zh": "请先运行模型：还没有可导出的内容。",
    },
    "settings_error": {"en": "Setting not applied", "zh": "设置未生效"},
    "url_warning": {"en": "Ignored in the page address", "zh": "网址参数已忽略"},
    "finished": {"en": "The run reached its last day.", "zh": "已运行到最后一天。"},
    "legend_worker": {"en": "grid worker", "zh": "网格员"},
    "legend_party": {"en": "party branch", "zh": "社区党委"},
    "legend_firm": {"en": "property firm", "zh": "物业公司"},
    "legend_ngo": {"en": "NGO", "zh": "社会组织"},
    "legend_latent": {"en": "hollow: not yet discovered", "zh": "空心：尚未发现"},
    "palette": {"en": "Map colours", "zh": "地图配色"},
    "about": {"en": "About this mechanism", "zh": "机制说明"},
    "zoom": {"en": "Zoom chart axes to the data", "zh": "图表纵轴按数据缩放"},
    "show_difference": {
        "en": "Show the difference (mechanisms − baseline)",
        "zh": "显示差值（所选机制 − 基线）",
    },
    "difference": {
        "en": "Difference: with the chosen mechanisms − baseline",
        "zh": "差值：启用所选机制 − 基线",
    },
    "difference_caption": {
        "en": "Map: each household's {variable} with the mechanisms minus in the baseline "
        "in percentage points (orange: higher, purple: lower; beyond ±{limit} shown as "
        "±{limit}). "
        "Charts: mechanisms minus baseline (0: no difference).",
        "zh": "地图：每户在所选机制下与基线下的{variable}之差，单位为百分点（橙：更高，紫：更低；"
        "超出 ±{limit} 按 ±{limit} 显示）。图表：所选机制减基线（0 表示无差别）。",
    },
    "zoomed": {"en": "zoomed: axes do not start at 0", "zh": "已缩放：纵轴不从 0 开始"},
    "copy_link": {"en": "Copy link", "zh": "复制链接"},
    "copied": {"en": "Link copied", "zh": "链接已复制"},
    "link": {"en": "Link to these settings", "zh": "当前设置的链接"},
    "busy": {"en": "Building the model…", "zh": "正在构建模型…"},
    "present": {"en": "Presentation mode", "zh": "演示模式"},
    # opens the participatory class (cogov_sim.frontends.play): /class
    "class_play": {"en": "Play as a class", "zh": "课堂角色扮演"},
    "settings": {"en": "Settings", "zh": "设置"},  # a phone's button that shows them
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "table_outcome": {"en": "Outcome", "zh": "指标"},
    "table_difference": {"en": "Difference", "zh": "差值"},
    "table_caption": {
        "en": "Key outcomes so far (day {n})",
        "zh": "截至第 {n} 天的关键指标",
    },
    "frame_info": {"en": "frame {ms} ms", "zh": "渲染 {ms} 毫秒"},
    "step_failed": {"en": "step failed: {error}", "zh": "单步运行失败：{error}"},
    "map_alt": {
        "en": "Map of the street ({role}), residents coloured by {variable}, day {n}",
        "zh": "街区地图（{role}），居民按{variable}着色，第 {n} 天",
    },
    "chart_alt": {
        "en": "Charts of five outcomes over time, day 1 to {n}",
        "zh": "五项指标随时间变化的图表，第 1 至 {n} 天",
    },
    "map_caption": {
        "en": "Thick lines: communities; black: grid zones; grey: managed compounds.",
        "zh": "粗线：社区；黑线：网格；灰线：物业小区。",
    },
}

#: Map colour schemes for satisfaction and trust: cividis (blue to yellow) reads the same
#: for the common red-green colour blindnesses; "classic" is the earlier red-yellow-green.
PALETTES: dict[str, dict[str, str]] = {
    "cividis": {"en": "colour-blind safe (cividis)", "zh": "色盲友好（cividis）"},
    "classic": {"en": "classic red-yellow-green", "zh": "经典红黄绿"},
}

VARIABLES: dict[str, dict[str, str]] = {
    "satisfaction": {"en": "satisfaction", "zh": "满意度"},
    "trust": {"en": "trust", "zh": "信任"},
    "participation": {"en": "took part in the last 30 days", "zh": "近 30 天参与"},
    "housing": {"en": "housing type", "zh": "住房类型"},
}

#: Housing types on the map (the colour bar's labels).
HOUSING_NAMES: dict[str, dict[str, str]] = {
    "old_estate": {"en": "old estate", "zh": "老旧小区"},
    "commodity": {"en": "commodity housing", "zh": "商品房小区"},
    "rental": {"en": "rental-heavy", "zh": "出租/群租房"},
    "urban_village": {"en": "urban village", "zh": "城中村"},
}

PRESETS: dict[str, dict[str, str]] = {
    "none": {"en": "Traditional governance (none)", "zh": "传统治理（无）"},
    "full_package": {"en": "Full policy package", "zh": "全套政策"},
    "emergency_baseline": {"en": "Flood, traditional", "zh": "洪灾，传统治理"},
    "emergency_party": {"en": "Flood, party volunteers", "zh": "洪灾，党员志愿队"},
}

ISSUE_LABELS: dict[str, dict[str, str]] = {
    "neighbour_dispute": {"en": "neighbour dispute", "zh": "邻里纠纷"},
    "property_dispute": {"en": "property dispute", "zh": "物业纠纷"},
    "facility_fault": {"en": "facility fault", "zh": "设施故障"},
    "safety_hazard": {"en": "safety hazard", "zh": "安全隐患"},
    "service_need": {"en": "service need", "zh": "民生需求"},
    "collective_matter": {"en": "collective matter", "zh": "公共事务"},
    "urban_matter": {"en": "urban matter (light)", "zh": "城市管理小事件"},
}

#: (timeseries column, label, scale) of the live charts.
CHARTS: tuple[tuple[str, dict[str, str], float], ...] = (
    ("dispute_resolution_rate", {"en": "dispute resolution (%)", "zh": "纠纷化解率 (%)"}, 100.0),
    ("closure_rate", {"en": "on-time closure (%)", "zh": "按时办结率 (%)"}, 100.0),
    ("response_hours_mean", {"en": "response time (h)", "zh": "响应时间 (小时)"}, 1.0),
    ("participation_rate", {"en": "participation (%)", "zh": "参与率 (%)"}, 100.0),
    ("satisfaction_mean", {"en": "satisfaction (%)", "zh": "满意度 (%)"}, 100.0),
)


@dataclass(frozen=True)
class KeyParam:
    """One slider: ``mechanism_params.<mechanism>.<key>`` over [lo, hi] by ``step``."""

    mechanism: str
    key: str
    lo: float
    hi: float
    step: float
    en: str
    zh: str
    default: float | None = None  # the mechanism's default (its Params field's)

    @property
    def dotted(self) -> str:
        return f"mechanism_params.{self.mechanism}.{self.key}"

    @property
    def integer(self) -> bool:
        return float(self.step).is_integer() and float(self.lo).is_integer()


def key_params(mechanisms=None) -> dict[str, tuple[KeyParam, ...]]:
    """The sliders of each mechanism: its parameters whose ``param`` metadata has a
    ``slider`` (range and step) and a ``label`` (English, Chinese). ``mechanisms`` maps
    the names the app uses (a mechanism's name or import path) to classes; a slider sets
    ``mechanism_params.<Class.name>.<key>``."""
    from cogov_sim.core.params import param_infos

    out = {}
    for name, cls in (MECHANISMS if mechanisms is None else mechanisms).items():
        sliders = []
        for key, info in param_infos(cls.Params).items():
            if info.slider is None:
                continue
            lo, hi, step = info.slider
            en, zh = info.label or (info.meaning or key, info.meaning or key)
            sliders.append(KeyParam(cls.name, key, lo, hi, step, en, zh, info.default))
        out[name] = tuple(sliders)
    return out


KEY_PARAMS: dict[str, tuple[KeyParam, ...]] = key_params()

KEY_PARAM_BY_DOTTED: dict[str, KeyParam] = {
    p.dotted: p for params in KEY_PARAMS.values() for p in params
}


@cache
def mechanism_sliders(name: str) -> tuple[KeyParam, ...]:
    """The sliders of mechanism ``name``: a built-in or installed one, or an import path
    ``package.module:Class`` (which must resolve)."""
    if name in KEY_PARAMS:
        return KEY_PARAMS[name]
    from cogov_sim.core.mechanisms import resolve

    return key_params({name: resolve(name)})[name]


def key_param(dotted: str, mechanisms=()) -> KeyParam | None:
    """The slider of dotted key ``dotted``: one of the built-in and installed mechanisms,
    or of the mechanisms ``mechanisms`` (names or import paths); None when there is none."""
    kp = KEY_PARAM_BY_DOTTED.get(dotted)
    if kp is not None:
        return kp
    for name in mechanisms:
        if name in KEY_PARAMS:
            continue
        for kp in mechanism_sliders(name):
            if kp.dotted == dotted:
                return kp
    return None


def t(key: str, lang: str, **fmt) -> str:
    """The label ``key`` in ``lang`` (English when the language is unknown)."""
    entry = TEXT[key]
    text = entry.get(lang, entry["en"])
    return text.format(**fmt) if fmt else text


def mechanism_label(name: str, lang: str) -> str:
    from cogov_sim.core.mechanisms import resolve

    cls = resolve(name)
    return cls.title_zh if lang == "zh" else cls.title_en
