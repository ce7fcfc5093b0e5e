"""Labels of the teaching app and its exported animations, in English and Chinese.

Also the curated "key parameters" of each mechanism that the app shows as
sliders: a teaching range inside the schema's allowed range (a test checks
that), a step, and a label in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass

from cogov_sim.mechanisms import MECHANISMS

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
    "map_caption": {
        "en": "Thick lines: communities; black: grid zones; grey: managed compounds.",
        "zh": "粗线：社区；黑线：网格；灰线：物业小区。",
    },
}

VARIABLES: dict[str, dict[str, str]] = {
    "satisfaction": {"en": "satisfaction", "zh": "满意度"},
    "trust": {"en": "trust", "zh": "信任"},
    "participation": {"en": "took part in the last 30 days", "zh": "近 30 天参与"},
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

    @property
    def dotted(self) -> str:
        return f"mechanism_params.{self.mechanism}.{self.key}"

    @property
    def integer(self) -> bool:
        return float(self.step).is_integer() and float(self.lo).is_integer()


def _kp(mech, key, lo, hi, step, en, zh):
    return KeyParam(mech, key, lo, hi, step, en, zh)


KEY_PARAMS: dict[str, tuple[KeyParam, ...]] = {
    "integrated_grid": (
        _kp(
            "integrated_grid",
            "worker_hours_factor",
            1.0,
            3.0,
            0.1,
            "worker hours x",
            "网格员工时倍数",
        ),
        _kp(
            "integrated_grid",
            "small_threshold",
            0.0,
            1.0,
            0.05,
            "worker handles up to severity",
            "网格员就地处置严重度上限",
        ),
    ),
    "whistle_response": (
        _kp(
            "whistle_response",
            "response_deadline_hours",
            4,
            168,
            4,
            "department responds within (h)",
            "部门报到时限 (小时)",
        ),
        _kp(
            "whistle_response",
            "whistles_per_day",
            0,
            30,
            1,
            "whistles per community per day",
            "每社区每日吹哨数",
        ),
    ),
    "dual_registration": (
        _kp(
            "dual_registration",
            "register_share",
            0.0,
            1.0,
            0.05,
            "party members who register",
            "报到党员比例",
        ),
        _kp(
            "dual_registration",
            "hours_per_member_week",
            0.0,
            8.0,
            0.5,
            "hours per member per week",
            "每名党员每周服务小时",
        ),
    ),
    "household_linkage": (
        _kp(
            "household_linkage",
            "households_per_member",
            1,
            20,
            1,
            "households per party member",
            "每名党员联系户数",
        ),
        _kp(
            "household_linkage",
            "visits_per_week",
            0.0,
            7.0,
            0.5,
            "visits per household per week",
            "每户每周走访次数",
        ),
    ),
    "red_property": (
        _kp(
            "red_property",
            "oversight_quality",
            0.0,
            0.5,
            0.02,
            "oversight: firm quality +",
            "党建监督提升物业质量",
        ),
        _kp(
            "red_property",
            "response_delay_factor",
            0.1,
            1.0,
            0.05,
            "firm response delay x",
            "物业响应延迟倍数",
        ),
    ),
    "points_incentive": (
        _kp(
            "points_incentive",
            "points_value",
            0.0,
            3.0,
            0.1,
            "value of points (logit)",
            "积分价值 (参与倾向)",
        ),
        _kp("points_incentive", "report_boost", 0.0, 1.0, 0.05, "reporting boost", "上报积分加成"),
    ),
    "deliberation": (
        _kp(
            "deliberation",
            "meeting_interval_days",
            1,
            60,
            1,
            "council meets every (days)",
            "议事会间隔 (天)",
        ),
        _kp(
            "deliberation", "execution_prob", 0.0, 1.0, 0.02, "decisions carried out", "决议执行率"
        ),
    ),
    "triage": (
        _kp(
            "triage",
            "private_threshold",
            0.0,
            0.5,
            0.02,
            "private matters up to severity",
            "私事分流严重度上限",
        ),
        _kp(
            "triage",
            "small_threshold",
            0.0,
            1.0,
            0.05,
            "small matters up to severity",
            "小事分流严重度上限",
        ),
    ),
    "smart_dispatch": (
        _kp(
            "smart_dispatch",
            "detect_prob",
            0.0,
            1.0,
            0.05,
            "daily detection by sensors/AI",
            "传感/AI 每日发现概率",
        ),
        _kp(
            "smart_dispatch",
            "detection_bias",
            0.0,
            1.0,
            0.05,
            "detection loss at vulnerable homes",
            "弱势户发现偏差",
        ),
    ),
    "legal_mediators": (
        _kp(
            "legal_mediators",
            "mediators_per_community",
            1,
            10,
            1,
            "mediators per community",
            "每社区调解员人数",
        ),
        _kp(
            "legal_mediators",
            "max_severity",
            0.0,
            1.0,
            0.05,
            "mediate disputes up to severity",
            "调解纠纷严重度上限",
        ),
    ),
    "social_linkage": (
        _kp("social_linkage", "ngo_hours_factor", 1.0, 4.0, 0.1, "NGO hours x", "社会组织工时倍数"),
        _kp(
            "social_linkage",
            "mediation_max_severity",
            0.0,
            1.0,
            0.05,
            "NGO mediates up to severity",
            "社会组织调解严重度上限",
        ),
    ),
    "risk_grading": (
        _kp(
            "risk_grading",
            "risk_share",
            0.0,
            1.0,
            0.05,
            "patrols that follow risk",
            "按风险巡查比例",
        ),
    ),
    "professional_workers": (
        _kp(
            "professional_workers",
            "hours_per_day",
            4.0,
            12.0,
            0.5,
            "worker hours per day",
            "网格员每日工时",
        ),
        _kp(
            "professional_workers",
            "find_prob",
            0.0,
            1.0,
            0.05,
            "patrol finds an issue",
            "巡查发现概率",
        ),
    ),
    "performance_review": (
        _kp(
            "performance_review",
            "weight_closure",
            0.0,
            1.0,
            0.05,
            "review weight of closure",
            "考核办结权重",
        ),
        _kp(
            "performance_review",
            "weight_satisfaction",
            0.0,
            1.0,
            0.05,
            "review weight of satisfaction",
            "考核满意度权重",
        ),
    ),
    "emergency": (
        _kp("emergency", "start_day", 0, 365, 5, "flood starts on day", "洪灾开始日"),
        _kp("emergency", "surge_factor", 1.0, 30.0, 1.0, "issue surge x", "事件激增倍数"),
    ),
}

KEY_PARAM_BY_DOTTED: dict[str, KeyParam] = {
    p.dotted: p for params in KEY_PARAMS.values() for p in params
}


def t(key: str, lang: str, **fmt) -> str:
    """The label ``key`` in ``lang`` (English when the language is unknown)."""
    entry = TEXT[key]
    text = entry.get(lang, entry["en"])
    return text.format(**fmt) if fmt else text


def mechanism_label(name: str, lang: str) -> str:
    cls = MECHANISMS[name]
    return cls.title_zh if lang == "zh" else cls.title_en
