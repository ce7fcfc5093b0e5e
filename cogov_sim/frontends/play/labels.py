"""Every word the class's pages show, in English and Chinese.

The pages get these through the API (``/api/class/labels?lang=zh``), so the words
live in one place; :func:`role_name` and :func:`t` serve the debrief, made here.
"""

from __future__ import annotations

LANGS = ("en", "zh")

KINDS = {
    "office": ("Street office", "街道办"),
    "grid": ("Grid team", "网格员团队"),
    "secretary": ("Community secretary", "社区书记"),
    "firm": ("Property firm", "物业公司"),
    "ngo": ("Social organisation (NGO)", "社会组织"),
}

LEVERS = {
    "patrol_hours": (
        "Patrol hours a day (the rest handles cases)",
        "每日巡查小时（其余时间办理案件）",
    ),
    "push_up": (
        "Handle own finds up to severity (above: send up)",
        "自行处置的严重度上限（以上上报）",
    ),
    "visits_per_year": ("Home visits per household per year", "每户每年入户走访次数"),
    "activities_per_month": (
        "Volunteer & party-member activities a month",
        "每月志愿及党员活动次数",
    ),
    "council": ("Deliberation council for collective matters", "公共事务议事会"),
    "reinvest": ("Share of the margin spent on staff (not profit)", "利润中投入人手的比例"),
    "service_level": ("Routine service (× contract)", "日常服务水平（合同倍数）"),
    "repair_delay_hours": ("Hours before a repair is taken up", "报修响应时间（小时）"),
    "visits_per_month": ("Visits per vulnerable household a month", "每月探访困难户次数"),
    "volunteer_share": ("Share of volunteer hours taken on", "吸纳志愿服务时长比例"),
    "department_hours": ("Department hours a day added", "增派部门工时（每日）"),
    "department_focus": ("Department that gets them", "增派给哪个部门"),
    "ngo_hours": ("Service hours a day bought from each NGO", "向每个社会组织购买服务（小时/日）"),
}

FIGURES = {
    "closure_rate": ("Cases reported this round and resolved", "本轮报告案件办结率"),
    "response_hours": ("Mean hours to resolve a case", "平均办结时长（小时）"),
    "satisfaction": ("Residents' satisfaction", "居民满意度"),
    "participation": ("Residents taking part", "居民参与率"),
    "open_cases": ("Open cases", "在办案件"),
    "cost_yuan": ("Cost: paid hours and spending (yuan)", "成本：人工及支出（元）"),
    "found_by_workers": ("Issues found on patrol", "巡查发现问题"),
    "worker_utilisation": ("Workers' hours used", "网格员工时利用率"),
    "party_utilisation": ("Party branch hours used", "党委工时利用率"),
    "collective_closed": ("Collective matters settled", "公共事务办结"),
    "trust": ("Residents' trust", "居民信任"),
    "property_satisfaction": ("Satisfaction with the firm", "物业满意度"),
    "quality": ("Service quality", "服务质量"),
    "fees_paid_share": ("Fees paid", "物业费收缴率"),
    "firm_hours": ("Staff hours a day (paid by fees)", "员工工时/日（物业费支付）"),
    "repair_hours": ("Mean hours to close a repair", "维修平均办结时长"),
    "margin_yuan": ("Margin: fees less staff wages (yuan)", "利润：物业费减人工（元）"),
    "needs_found": ("Service needs found", "发现民生需求"),
    "need_response_hours": ("Mean hours to meet a need", "需求平均办结时长"),
    "ngo_utilisation": ("NGO hours used", "社会组织工时利用率"),
    "vulnerable_satisfaction": ("Vulnerable residents' satisfaction", "困难群众满意度"),
    "department_utilisation": ("Department hours used", "部门工时利用率"),
}

UI = {
    "title": ("A class plays the street", "课堂角色扮演：共治街区"),
    "join_title": ("Join a class", "加入课堂"),
    "code": ("Class code", "课堂代码"),
    "name": ("Your display name", "你的昵称"),
    "join": ("Join", "加入"),
    "round": ("Round", "轮次"),
    "your_role": ("Your role", "你的角色"),
    "community": ("community", "社区"),
    "watching": ("You are watching: every role is taken.", "所有角色已满，你在旁观。"),
    "take": ("Take this role", "担任此角色"),
    "decide": ("Send decision", "提交决定"),
    "ready": ("I'm ready", "我准备好了"),
    "not_ready": ("Not ready yet", "还没准备好"),
    "sent": ("Decision sent.", "已提交。"),
    "in_force": ("in force", "现行"),
    "your_figures": ("Your figures, last round", "你的指标（上一轮）"),
    "class": ("class", "课堂"),
    "baseline": ("baseline", "基线"),
    "figure": ("Figure", "指标"),
    "lobby": ("Waiting for the teacher to start.", "等待老师开始。"),
    "deciding": ("Decide, then press ready.", "做出决定后点击“准备好了”。"),
    "paused": ("Paused by the teacher.", "老师已暂停。"),
    "finished": ("The class has finished. Thank you!", "课堂结束，谢谢参与！"),
    "advancing": ("The street is running the round...", "本轮模拟运行中……"),
    "lost": ("Connection lost, retrying...", "连接中断，正在重试……"),
    "budget": ("Cost a month / budget", "每月成本 / 预算"),
    "open_class": ("Open a class", "开设课堂"),
    "world": ("Street", "街区"),
    "seed": ("Seed", "随机种子"),
    "rounds": ("Rounds", "轮数"),
    "days_per_round": ("Days per round", "每轮天数"),
    "round_seconds": ("Seconds per round", "每轮秒数"),
    "roles_offered": ("Roles on offer", "开放角色"),
    "communities": ("Communities in play (0: all)", "参与的社区数（0为全部）"),
    "mechanisms": ("The street's mechanisms (fixed for the class)", "街区已有机制（本课固定）"),
    "research": (
        "The class agrees to keep its decisions for research (anonymised)",
        "同意匿名保存本课决定用于研究",
    ),
    "start": ("Start", "开始"),
    "pause": ("Pause", "暂停"),
    "resume": ("Resume", "继续"),
    "extend": ("+60 s", "+60秒"),
    "skip": ("Skip to next round", "跳到下一轮"),
    "rewind": ("Rewind a round", "回退一轮"),
    "players": ("Players", "参与者"),
    "role": ("Role", "角色"),
    "your_part": (
        "Your part of the street: satisfaction, class minus baseline",
        "你负责的区域：满意度（课堂减基线）",
    ),
    "decided": ("decided", "已决定"),
    "is_ready": ("ready", "已准备"),
    "offline": ("offline", "离线"),
    "free_roles": ("Free roles", "空缺角色"),
    "outcomes": ("The street: class against baseline", "街区：课堂与基线对比"),
    "leaderboard": ("Leaderboard (last round, against baseline)", "排行榜（上一轮，相对基线）"),
    "by_role": ("By role", "按角色"),
    "by_community": ("By community (residents' satisfaction)", "按社区（居民满意度）"),
    "gain": ("gain", "提升"),
    "export": ("Download the debrief (zip)", "下载复盘数据（zip）"),
    "close": ("Close the class", "结束并关闭课堂"),
    "close_confirm": (
        "Close the class? Its street and players are forgotten (download the debrief first).",
        "关闭课堂？街区和参与者将被清除（请先下载复盘数据）。",
    ),
    "release": ("Free this role (its player watches)", "释放该角色（其参与者改为旁观）"),
    "debrief": ("Debrief", "复盘"),
    "join_at": ("Students join at", "学生加入地址"),
    "local_only": (
        "This server listens on this machine only: start it with "
        "cogov-sim-viz --host 0.0.0.0 so that phones can join.",
        "服务器仅在本机监听：请用 cogov-sim-viz --host 0.0.0.0 启动，手机才能加入。",
    ),
    "player": ("Player", "参与者"),
    "change": ("decision", "决定"),
    "headline": ("the role's figure: class / baseline", "角色指标：课堂 / 基线"),
    "street_sat": ("street satisfaction gain", "街区满意度变化"),
    "debrief_intro": (
        "Each decision took effect at the start of its round. The figures are the "
        "round's own, for the role's part of the street, against the automatic "
        "baseline (the same street and seed, no one deciding). A round's difference "
        "comes from every decision in force, so read a role's own figure first.",
        "每个决定在该轮开始时生效。指标为该轮、该角色负责部分的结果，与自动基线"
        "（同一街区、同一种子、无人决策）对比。一轮的差异来自当时所有生效的决定，"
        "请先看角色自己的指标。",
    ),
    "no_decisions": ("No one changed anything this round.", "本轮无人更改。"),
    "lang": ("中文", "EN"),
    "map": ("Satisfaction: class minus baseline", "满意度：课堂减基线"),
}


def t(key: str, lang: str = "en") -> str:
    """The text of UI word ``key`` in ``lang``."""
    en, zh = UI[key]
    return zh if lang == "zh" else en


def _pick(table: dict, key: str, lang: str) -> str:
    en, zh = table.get(key, (key, key))
    return zh if lang == "zh" else en


def role_name(role_id: str, lang: str = "en") -> str:
    """``grid-2`` -> "Grid team, community 3" (communities are counted from 1)."""
    kind, _, c = role_id.partition("-")
    name = _pick(KINDS, kind, lang)
    if not c:
        return name
    return f"{name}，社区{int(c) + 1}" if lang == "zh" else f"{name}, community {int(c) + 1}"


def lever_name(key: str, lang: str = "en") -> str:
    return _pick(LEVERS, key, lang)


def figure_name(key: str, lang: str = "en") -> str:
    return _pick(FIGURES, key, lang)


def bundle(lang: str) -> dict:
    """Every label in ``lang``, for the pages."""
    i = 1 if lang == "zh" else 0
    return {
        "lang": "zh" if lang == "zh" else "en",
        "kinds": {k: v[i] for k, v in KINDS.items()},
        "levers": {k: v[i] for k, v in LEVERS.items()},
        "figures": {k: v[i] for k, v in FIGURES.items()},
        "ui": {k: v[i] for k, v in UI.items()},
    }
