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

#: each lever's unit, as a student reads it (shares are shown as %)
LEVER_UNITS = {
    "patrol_hours": ("h/day", "小时/天"),
    "push_up": ("", ""),
    "visits_per_year": ("/household/year", "次/户/年"),
    "activities_per_month": ("/month", "次/月"),
    "repair_delay_hours": ("h", "小时"),
    "visits_per_month": ("/household/month", "次/户/月"),
    "service_level": ("× contract", "倍合同"),
    "department_hours": ("h/day", "小时/天"),
    "ngo_hours": ("h/day each", "小时/天/个"),
}
LEVER_SHARES = ("reinvest", "volunteer_share")

#: a line under each lever: what it trades off
LEVER_HELP = {
    "patrol_hours": (
        "Of the workers' 4 hours a day: patrol finds problems early; the rest handles cases.",
        "网格员每天4小时：巡查能早发现问题，其余时间办理案件。",
    ),
    "push_up": (
        "Problems your workers find, up to this severity (0 minor, 1 grave), they fix "
        "themselves; above it they go to the department.",
        "网格员自己发现的问题，严重度（0轻微—1严重）不超过此值的自行处置，超过的上报部门。",
    ),
    "visits_per_year": (
        "Staff visits build trust and find problems, and take the branch's hours.",
        "入户走访增进信任、发现问题，占用党委工时。",
    ),
    "activities_per_month": (
        "Each invites about 8% of households; those who come give volunteer hours, and "
        "organising them takes the branch's hours.",
        "每次邀请约8%的住户；参加者贡献志愿时长，组织活动占用党委工时。",
    ),
    "council": (
        "Collective matters go to a residents' council you convene: slower, better accepted.",
        "公共事务交由议事会协商：较慢，但更易被接受。",
    ),
    "reinvest": (
        "Fees pay staff; the margin is profit unless you put it into staff hours "
        "(from next month's bill).",
        "物业费支付人工；利润部分可投入人手（自下月起生效）。",
    ),
    "service_level": (
        "Routine cleaning and upkeep, as far as your staff hours allow; the rest goes to repairs.",
        "日常保洁与维护（在人手允许范围内）；其余工时用于维修。",
    ),
    "repair_delay_hours": (
        "How soon a repair or property dispute is taken up.",
        "报修或物业纠纷多快开始处理。",
    ),
    "visits_per_month": (
        "Visits find vulnerable residents' needs early, and take your hours.",
        "探访能及早发现困难群众的需求，占用机构工时。",
    ),
    "volunteer_share": (
        "Volunteers from the community's activities add to your hours.",
        "社区活动的志愿者可补充机构工时。",
    ),
    "department_hours": (
        "Paid department staff sent to this street, from the budget.",
        "从预算中增派的部门人员工时。",
    ),
    "department_focus": (
        "The department whose queue gets them.",
        "增派到哪个部门的队列。",
    ),
    "ngo_hours": (
        "Service hours bought from each of the street's NGOs, from the budget.",
        "从预算中向街道每个社会组织购买的服务时长。",
    ),
}

#: figures shown as percentages
SHARES = (
    "closure_rate", "satisfaction", "participation", "worker_utilisation",
    "party_utilisation", "trust", "property_satisfaction", "quality", "fees_paid_share",
    "ngo_utilisation", "vulnerable_satisfaction", "department_utilisation",
)  # fmt: skip

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
    "in_force_now": ("in force now", "当前生效"),
    "colon": (": ", "："),
    "points": ("pts", "个百分点"),
    "yuan": ("yuan", "元"),
    "department": ("department", "部门"),
    "you_are_ready": ("You are ready: waiting for the others.", "你已准备好，等待其他人。"),
    "watching_free": ("You are watching. These roles are free:", "你在旁观。以下角色空缺："),
    "unsent": (
        "Not sent yet: press Send, or I'm ready (it sends too).",
        "尚未提交：请点“提交决定”，或直接点“我准备好了”（会一并提交）。",
    ),
    "over_budget": ("over the budget", "超出预算"),
    "figures_help": (
        "class: your street as the class plays it; baseline: the same street and seed with "
        "no one deciding. Green: better than the baseline by more than 1%; red: worse.",
        "课堂：全班共同决策下的街区；基线：同一街区、同一种子、无人决策。绿色：比基线好1%以上；红色：更差。",
    ),
    "console_elsewhere": (
        "This browser does not hold this class's teacher key. Open the console from the "
        "browser that opened the class, or with its console link (Show console link).",
        "本浏览器没有该课堂的教师密钥。请在开设课堂的浏览器中打开控制台，或使用控制台链接（“显示控制台链接”）。",
    ),
    "console_link": ("Show console link (for another device)", "显示控制台链接（用于其他设备）"),
    "confirm_skip": (
        "Run this round now, with the decisions sent so far?",
        "立即运行本轮（按已提交的决定）？",
    ),
    "confirm_rewind": ("Undo the last round played?", "撤销上一轮？"),
    "roles_count": ("roles on offer", "个开放角色"),
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
    "change": ("Decision", "决定"),
    "headline": (
        "The role's figure: class / baseline (gain, + better)",
        "角色指标：课堂 / 基线（提升，+为更好）",
    ),
    "street_sat": (
        "Street satisfaction, class − baseline (points)",
        "街区满意度：课堂−基线（百分点）",
    ),
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
        "lever_units": {k: v[i] for k, v in LEVER_UNITS.items()},
        "lever_help": {k: v[i] for k, v in LEVER_HELP.items()},
        "lever_shares": list(LEVER_SHARES),
        "shares": list(SHARES),
    }
