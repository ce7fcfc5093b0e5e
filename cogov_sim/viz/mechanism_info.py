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

The numbers in ``rule`` are the mechanisms' defaults; the app's sliders change
some of them. Texts are plain and short (at most about 350 characters in
English) so that each fits a sidebar panel. :func:`mechanism_info` returns the
four texts of one mechanism in one language.
"""

from __future__ import annotations

#: The fields of a mechanism's info panel, in display order.
FIELDS = ("practice", "rule", "look_for", "pattern")

#: The heading of each field in the panel.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "practice": {"en": "In practice", "zh": "实践中"},
    "rule": {"en": "In the model", "zh": "模型中"},
    "look_for": {"en": "What to look for", "zh": "观察要点"},
    "pattern": {"en": "Reported pattern", "zh": "试点数据"},
}

#: name -> language -> field -> text, for every mechanism of the catalogue, in its order.
MECHANISM_INFO: dict[str, dict[str, dict[str, str]]] = {
    "integrated_grid": {
        "en": {
            "practice": (
                "The separate grids of several departments (often seven: comprehensive "
                "governance, urban management, party building ...) are merged into one grid, "
                "with one worker per zone who takes every kind of issue."
            ),
            "rule": (
                "The zone's grid worker gets the pooled staff of the merged grids (1.5x hours) "
                "and notices every issue type; reports no longer go to the wrong department. "
                "The worker takes the neighbour disputes, faults and hazards up to a set "
                "severity that would have gone to a department."
            ),
            "look_for": (
                "Follow a fault ■ or a hazard ▲: on the baseline map it waits days for its "
                "department, on the treatment map it is usually gone the next day. On-time "
                "closure rises and response time falls within the first month; satisfaction "
                "barely moves at classroom scale."
            ),
            "pattern": (
                "Qinhuai district, Nanjing: merging seven grids into one raised the closure "
                "rate of events from 74.8% to 96.8% (+22 points). A national assessment: over "
                "90% of problems are solved at grid level. The model is calibrated to the "
                "first figure and checked against the second."
            ),
        },
        "zh": {
            "practice": (
                "全科网格（多网合一）：把综治、城管、党建等多个部门各自的网格（常见为七网）"
                "合并为一张网，每个网格由一名网格员受理所有类型的事件。"
            ),
            "rule": (
                "网格员汇集了各网的人手（工时×1.5），能发现各类事件；报告不再被派错部门。"
                "严重度在上限以内、原本要交给部门的邻里纠纷、设施故障和安全隐患，改由网格员"
                "就地处置。"
            ),
            "look_for": (
                "盯住一个设施故障■或安全隐患▲：基线地图上它要等部门好几天，启用机制的地图上"
                "通常第二天就消失。按时办结率和响应时间在第一个月内就拉开差距；课堂规模下"
                "满意度几乎不变。"
            ),
            "pattern": (
                "南京市秦淮区：七网合一后，事件办结率由 74.8% 升至 96.8%（提高 22 个百分点）。"
                "全国评估：90% 以上的问题在网格内解决。模型按第一项数据校准，并用第二项检验。"
            ),
        },
    },
    "whistle_response": {
        "en": {
            "practice": (
                "When an issue is beyond its powers, the street or community 'whistles' the "
                "line department, which must report to the street and respond within a "
                "deadline, e.g. 24-48 hours, instead of days."
            ),
            "rule": (
                "Each day the community party branch whistles departments for newly assigned "
                "department cases, most severe first (up to 10 a day, as its hours allow). A "
                "whistled department sends staff that day, whatever its rota, and starts the "
                "case within the deadline (24 h by default)."
            ),
            "look_for": (
                "Watch response time and on-time closure: both separate from the baseline "
                "within weeks. Cases that wait days for their department on the baseline map "
                "are taken up within a day or so on the treatment map. Try the deadline "
                "slider at 168 h."
            ),
            "pattern": (
                "Chaoyang district, Beijing: 'whistle and report' cut the response to 12345 "
                "hotline complaints from 7 days (168 h) to 24 hours. The model matches the "
                "size of the cut, not the levels: its departments are slower to begin with."
            ),
        },
        "zh": {
            "practice": (
                "街乡吹哨、部门报到：街道或社区遇到自身无权解决的问题，就向职能部门“吹哨”，"
                "部门须到街道“报到”，在时限（如 24–48 小时）内响应，而不是拖上好几天。"
            ),
            "rule": (
                "社区党委每天为新派给部门的案件吹哨，越严重越优先（每天最多 10 次，视党委"
                "工时而定）。被吹哨的部门当天派人到街道，不必等轮值日，并在时限内"
                "（默认 24 小时）开始处置。"
            ),
            "look_for": (
                "看响应时间和按时办结率：几周内就与基线明显拉开。基线地图上要等部门好几天的"
                "案件，在启用机制的地图上一两天内就有人处理。可把“部门报到时限”滑块调到 "
                "168 小时试试。"
            ),
            "pattern": (
                "北京市朝阳区：“吹哨报到”使 12345 热线投诉的响应时间由 7 天（168 小时）"
                "缩短到 24 小时。模型再现的是缩短的幅度而非具体水平：模型中的部门起点更慢。"
            ),
        },
    },
    "dual_registration": {
        "en": {
            "practice": (
                "Party members register with the community where they live, and workplace "
                "party organisations with the community nearby; both serve there with "
                "volunteer hours and help with small issues."
            ),
            "rule": (
                "80% of resident party members register, each giving 2 h a week to the "
                "community party branch, plus the hours of workplace organisations; the branch "
                "takes small faults and hazards. Registered members are more inclined to take "
                "part, and can be mobilised in a flood."
            ),
            "look_for": (
                "Response time falls and participation edges up; on its own the effect is "
                "modest. Its main show is the flood: choose the preset 'Flood, party "
                "volunteers' and compare the markers on the two maps during the surge."
            ),
            "pattern": (
                "Not calibrated to a reported figure: the report gives no number for it. The "
                "model only checks the expected direction: faster response and more "
                "participation."
            ),
        },
        "zh": {
            "practice": (
                "双报到：党员到居住地社区报到，机关企事业单位党组织到所在地社区报到，"
                "在社区提供志愿服务、帮助解决小事。"
            ),
            "rule": (
                "80% 的在册党员到社区报到，每人每周为社区党委服务 2 小时，再加上单位党组织的"
                "工时；党委据此处置轻微的设施故障和安全隐患。报到党员更愿意参与社区活动，"
                "洪灾时可被动员。"
            ),
            "look_for": (
                "响应时间有所下降，参与率略有上升；单独开启时效果温和。它的主要作用在洪灾中"
                "体现：选择“洪灾，党员志愿队”预设，比较洪灾期间两张地图上的事件标记。"
            ),
            "pattern": (
                "未按试点数据校准：报告中没有相应数字。模型只检验预期方向：响应更快、参与更多。"
            ),
        },
    },
    "household_linkage": {
        "en": {
            "practice": (
                "Each party member is linked to 5-10 nearby households and checks on them "
                "regularly, so that the needs of vulnerable residents are found early."
            ),
            "rule": (
                "Each party member is linked to 8 households of their zone, vulnerable ones "
                "first, and visits each about once a week. A visit finds most hidden problems "
                "of that household and reports them within two hours; it also counts as a "
                "contact, which builds trust in the model's feedback rule."
            ),
            "look_for": (
                "Colour residents by trust: linked households gain a little. Fewer hollow "
                "markers linger at vulnerable households. The charts move little: the "
                "calibrated outcome, coverage of vulnerable residents' needs, is not among "
                "them."
            ),
            "pattern": (
                "Tianxin district, Changsha: linking each party member to 5-10 households "
                "raised service coverage of special (vulnerable) groups from 76% to 99%."
            ),
        },
        "zh": {
            "practice": (
                "党员联户：每名党员联系 5–10 户邻近居民并定期走访，及早发现困难群体的需求。"
            ),
            "rule": (
                "每名党员联系本网格内 8 户，困难户优先，约每周走访一次。走访能发现该户大部分"
                "尚未上报的问题，并在两小时内上报；走访也算一次联系，在模型的反馈规则中会"
                "提升信任。"
            ),
            "look_for": (
                "按“信任”着色：被联系的住户信任略有上升。困难户处的空心标记较少长期存在。"
                "五张图表变化不大：校准的指标（困难群体需求覆盖率）不在其中。"
            ),
            "pattern": (
                "长沙市天心区：每名党员联系 5–10 户后，特殊群体服务覆盖率由 76% 升至 99%。"
            ),
        },
    },
    "red_property": {
        "en": {
            "practice": (
                "Party organisations are set up inside property firms, and the community "
                "oversees the firms: better service and responsiveness, fewer resident-firm "
                "disputes, higher fee collection."
            ),
            "rule": (
                "Party oversight raises each property firm's quality target; firms respond "
                "faster (delay x0.4) and work more hours (x1.3). Fewer property disputes, "
                "higher property satisfaction and more fees paid then follow from the model's "
                "own rules, not from the mechanism."
            ),
            "look_for": (
                "Slow, and mostly off the charts: property satisfaction and fee collection, "
                "the calibrated outcomes, are not among the five charts, and the satisfaction "
                "map hardly changes. Watch property-dispute markers ✚ in the managed compounds "
                "(grey lines) become rarer over the months."
            ),
            "pattern": (
                "Beijing, Shenzhen and other cities: party-led property management raised "
                "satisfaction with property services from 62% to 89%, and fee collection rose "
                "by more than 25 percentage points."
            ),
        },
        "zh": {
            "practice": (
                "红色物业：在物业服务企业中建立党组织，由社区党组织监督物业，提升服务质量和"
                "响应速度，减少业主与物业的纠纷，提高物业费收缴率。"
            ),
            "rule": (
                "党建监督提高每家物业公司的服务质量目标；物业响应更快（延迟×0.4）、工时更多"
                "（×1.3）。物业纠纷减少、物业满意度和缴费率上升，都由模型自身的规则产生，"
                "而不是机制直接设定。"
            ),
            "look_for": (
                "见效慢，且主要不在图表上：校准的物业满意度和缴费率不在五张图表之中，满意度"
                "地图也几乎不变。可观察物业小区（灰线）内的物业纠纷标记✚在几个月里逐渐减少。"
            ),
            "pattern": (
                "北京、深圳等城市：红色物业使物业服务满意度由 62% 升至 89%，物业费收缴率"
                "提高 25 个百分点以上。"
            ),
        },
    },
    "points_incentive": {
        "en": {
            "practice": (
                "Residents earn points for volunteering, reporting problems and joining "
                "deliberation, redeemable for goods, services or fee credits; a time bank "
                "stores volunteer hours for small requests."
            ),
            "rule": (
                "Points make taking part more attractive to every resident and reporting more "
                "likely; the community pays 0.5 yuan per point. The time bank gives the party "
                "branch more volunteer hours. Fewer neighbour disputes can follow only through "
                "more neighbours taking part, never directly."
            ),
            "look_for": (
                "The fastest effect in the app: colour residents by participation and watch it "
                "spread from neighbour to neighbour; the participation chart climbs within the "
                "first month. Neighbour disputes ✖ become rarer over the months."
            ),
            "pattern": (
                "Zigui county, Hubei: a points scheme redeemable for goods and services raised "
                "the share of residents taking part from 19% to 73%."
            ),
        },
        "zh": {
            "practice": (
                "积分制与时间银行：居民参加志愿服务、反映问题、参与议事可获得积分，兑换物品、"
                "服务或抵扣物业费；时间银行存储志愿服务时长，用于居民的小需求。"
            ),
            "rule": (
                "积分提高了每位居民参与的意愿，也让居民更愿意反映问题；社区每积分支付 0.5 元。"
                "时间银行让社区党委多了可调配的志愿工时。邻里纠纷减少只能通过更多邻居参与"
                "这一途径产生，而非直接设定。"
            ),
            "look_for": (
                "课堂上见效最快的机制：按“近 30 天参与”着色，看参与从邻居传到邻居；参与率"
                "图表在第一个月内就明显上升。邻里纠纷标记✖在几个月里逐渐减少。"
            ),
            "pattern": ("湖北省秭归县：可兑换物品和服务的积分制，使居民参与率由 19% 升至 73%。"),
        },
    },
    "deliberation": {
        "en": {
            "practice": (
                "Collective matters such as parking, lifts in old buildings or renovation are "
                "decided by residents' consultation and vote rather than from the top down: "
                "slower to decide, but better accepted and carried out."
            ),
            "rule": (
                "Collective matters go to the community's council, convened by the party "
                "branch every 14 days, instead of the housing department. While a matter "
                "waits, the households around it are invited to take part; a decision is "
                "carried out more often the more of them took part."
            ),
            "look_for": (
                "Watch the collective-matter markers ◆: they wait for the next council "
                "meeting, so response time does not fall and may rise. Participation rises a "
                "little around them. The calibrated outcome, decisions carried out, is not on "
                "the charts."
            ),
            "pattern": (
                "Nanjing's 'livelihood deliberation halls': residents' deliberation produced "
                "12,000 resolutions in a year (e.g. lifts in old estates), 92% of them "
                "carried out."
            ),
        },
        "zh": {
            "practice": (
                "协商议事会（民生微实事）：停车、老楼加装电梯、小区改造等公共事务由居民协商、"
                "表决决定，而不是自上而下决定：决策慢一些，但更被接受、更能落实。"
            ),
            "rule": (
                "公共事务不再交给住建部门，而是提交社区议事会，由社区党委召集，每 14 天开一次"
                "会。事项等待期间，周边住户会被邀请参与；参与的住户越多，决议越容易落实。"
            ),
            "look_for": (
                "留意公共事务标记◆：它们要等下一次议事会，所以响应时间不会下降，甚至可能上升。"
                "事项周边的参与略有增加。校准的指标（决议落实率）不在图表上。"
            ),
            "pattern": (
                "南京“民生议事堂”：一年内居民协商形成 12,000 项决议（如老旧小区加装电梯），"
                "落实率 92%。"
            ),
        },
    },
    "triage": {
        "en": {
            "practice": (
                "Big matters go to government, small matters to the community, private "
                "matters to the parties themselves (with mediation), so that not everything "
                "flows up to overloaded departments."
            ),
            "rule": (
                "Minor neighbour disputes are settled by the parties themselves; other "
                "disputes, faults and hazards below a severity threshold go to the zone's grid "
                "worker, small collective matters to the party branch. Only big matters still "
                "go to the departments."
            ),
            "look_for": (
                "Response time falls and on-time closure rises within weeks, as departments "
                "are relieved. Watch satisfaction and trust too: in the model they slip a "
                "little below the baseline over the months, a trade-off worth discussing."
            ),
            "pattern": (
                "Not calibrated to a reported figure. The model only checks the expected "
                "direction: a larger share of issues resolved at grid level."
            ),
        },
        "zh": {
            "practice": (
                "三事分流：大事政府办，小事社区办，私事自己办（辅以调解），避免所有事情都推给"
                "不堪重负的职能部门。"
            ),
            "rule": (
                "轻微的邻里纠纷由当事人自行协商解决；其余严重度不高的纠纷、设施故障和安全隐患"
                "交给本网格网格员，较小的公共事务交给社区党委；只有大事仍交给部门。"
            ),
            "look_for": (
                "部门负担减轻，响应时间几周内下降，按时办结率上升。也请留意满意度和信任：模型"
                "中它们在几个月里会略低于基线，这一取舍值得课堂讨论。"
            ),
            "pattern": ("未按试点数据校准。模型只检验预期方向：在网格层面解决的事件比例上升。"),
        },
    },
    "smart_dispatch": {
        "en": {
            "practice": (
                "One digital platform receives all reports, detects some problems "
                "automatically (sensors, AI) and sends each work order to the right handler at "
                "once; its gain depends on the staff's digital literacy."
            ),
            "rule": (
                "Sensors detect some hidden faults and hazards each day; every report reaches "
                "the right department, and residents also report through an app. The waits "
                "of departments, firms and NGOs and grid workers' report delays shrink by 56% "
                "(a 70% cut x 80% digital literacy). It costs 5 yuan per household a year."
            ),
            "look_for": (
                "Response time falls steeply and on-time closure rises within the first "
                "month. Hollow faults ■ and hazards ▲ turn solid sooner, as the sensors find "
                "them. Satisfaction barely moves at classroom scale."
            ),
            "pattern": (
                "Chaoyang district, Beijing: a smart work-order system cut event handling "
                "time from 72 to 8 hours. The model matches the size of the fall, from its own "
                "slower baseline: the 72 h are another district's starting point."
            ),
        },
        "zh": {
            "practice": (
                "一网统管（智能派单）：一个平台受理所有报告，借助传感器和 AI 自动发现部分问题，"
                "并把工单立即派给对口的处置者；效果取决于工作人员的数字素养。"
            ),
            "rule": (
                "传感器每天发现部分尚未上报的设施故障和安全隐患；每个报告都派到对口部门，"
                "居民也可通过手机应用上报。部门、物业和社会组织的等待时间以及网格员的上报延迟"
                "缩短 56%（削减 70% × 数字素养 80%）。平台每户每年花费 5 元。"
            ),
            "look_for": (
                "响应时间大幅下降，按时办结率在第一个月内上升。空心的设施故障■和安全隐患▲"
                "更快变成实心，因为传感器发现了它们。课堂规模下满意度几乎不变。"
            ),
            "pattern": (
                "北京市朝阳区：智能工单系统把事件处置时间由 72 小时缩短到 8 小时。模型再现的是"
                "缩短的幅度，起点是模型自身较慢的基线：72 小时是另一个区的起点。"
            ),
        },
    },
    "legal_mediators": {
        "en": {
            "practice": (
                "A few residents per community (3-5) are trained as 'legal-literate persons' "
                "and mediate neighbour disputes before they escalate (people's mediation)."
            ),
            "rule": (
                "The 4 most legally literate residents of each community become mediators, "
                "1.5 h a day each, with high skill; their neighbours learn from them, which "
                "slows how disputes grow. Neighbour disputes, all but the most severe, go to "
                "them instead of departments or grid workers."
            ),
            "look_for": (
                "Watch the neighbour-dispute markers ✖: they are settled within hours. "
                "Dispute resolution nears 100% and response time falls, but a classroom "
                "street has few disputes, so the dispute chart jumps with each case."
            ),
            "pattern": (
                "A national programme: training 3-5 legal-literate residents per community "
                "raised the success rate of mediation to 89%."
            ),
        },
        "zh": {
            "practice": (
                "法律明白人（人民调解）：每个社区培养 3–5 名懂法的居民，在邻里纠纷激化之前"
                "进行调解。"
            ),
            "rule": (
                "每个社区法律素养最高的 4 名居民担任调解员，每人每天 1.5 小时，调解能力强；"
                "他们的邻居也学到法律知识，纠纷激化因此变慢。除最严重者外，邻里纠纷都交给"
                "他们调解，而不是部门或网格员。"
            ),
            "look_for": (
                "观察邻里纠纷标记✖：几小时内就被化解。纠纷化解率趋近 100%，响应时间下降；"
                "但课堂街区纠纷很少，纠纷化解率图表会随每个案件跳动。"
            ),
            "pattern": ("全国性项目：每个社区培养 3–5 名法律明白人后，调解成功率达到 89%。"),
        },
    },
    "social_linkage": {
        "en": {
            "practice": (
                "Five parties - the community, social workers, social organisations, "
                "volunteers and charitable funds - work together under the community to meet "
                "residents' needs and mediate disputes."
            ),
            "rule": (
                "The community NGO gets twice the hours and a little more skill (professional "
                "social workers), can draw on the volunteer pool, and charitable funds cover "
                "30% of its cost. Neighbour disputes below a severity threshold go to its "
                "social workers."
            ),
            "look_for": (
                "Effects are modest: service-need ● and dispute ✖ markers clear a little "
                "faster, and response time falls somewhat. The calibrated outcome, mediation "
                "success, is not among the charts."
            ),
            "pattern": (
                "National figure: community social organisations taking part in mediating "
                "disputes reached an 81% success rate."
            ),
        },
        "zh": {
            "practice": (
                "五社联动：社区、社会工作者、社会组织、社区志愿者和社会慈善资源在社区统筹下"
                "联动，满足居民需求、调解纠纷。"
            ),
            "rule": (
                "社区社会组织工时翻倍，有专业社工、能力略有提高，可调用部分志愿者，慈善资金承担其 "
                "30% 的成本。严重度在上限以内的邻里纠纷交给社会组织的社工调解。"
            ),
            "look_for": (
                "效果温和：民生需求●和邻里纠纷✖标记消失得稍快，响应时间有所下降。校准的指标"
                "（调解成功率）不在图表上。"
            ),
            "pattern": ("全国数据：社区社会组织参与纠纷调解，成功率达到 81%。"),
        },
    },
    "risk_grading": {
        "en": {
            "practice": (
                "Places are graded in five colours by their recent record of problems, and "
                "inspection follows risk: red places get more patrol visits than green ones."
            ),
            "rule": (
                "Each compound is graded by the problems discovered there in the last 60 "
                "days, per household (never by problems nobody has found). Half of the grid "
                "workers' patrol visits go to compounds in proportion to their grade; the rest "
                "stay uniform."
            ),
            "look_for": (
                "Hardly visible at classroom scale: patrols shift only a little towards the "
                "compounds where problems were found (colour by housing type to see old "
                "estates and urban villages), problems there are found a few hours sooner at "
                "most, and the charts stay close to the baseline."
            ),
            "pattern": (
                "Not calibrated to a reported figure. Longgang, Shenzhen reports 81% accuracy "
                "in predicting high-dispute areas; the model's simple forecast from discovered "
                "disputes is compared with it, untuned, and falls short."
            ),
        },
        "zh": {
            "practice": (
                "五色分级：按近期问题记录把区域分为五种颜色（红色风险最高、绿色最低），巡查"
                "跟着风险走：红色区域比绿色区域走访更多。"
            ),
            "rule": (
                "每个小区按近 60 天在此发现的问题数（按户平均）评级，从不依据无人发现的问题。"
                "网格员一半的巡查按评级比例分配到各小区，其余仍均匀巡查。"
            ),
            "look_for": (
                "课堂规模下几乎看不出差别：巡查只略微向发现过问题的小区倾斜（按“住房类型”"
                "着色可看到老旧小区和城中村），那里的问题最多早发现几个小时，图表与基线基本"
                "一致。"
            ),
            "pattern": (
                "未按试点数据校准。深圳市龙岗区报告高发纠纷区域预测准确率为 81%；模型仅用已"
                "发现的纠纷做简单预测，未经调参与之比较，结果偏低。"
            ),
        },
    },
    "professional_workers": {
        "en": {
            "practice": (
                "Certified full-time grid workers replace part-timers: more working hours, "
                "more problems discovered and more accurate reports."
            ),
            "rule": (
                "Grid workers work 8 h a day instead of 4 (half on patrol), notice more of "
                "what they pass, report within an hour and handle cases with more skill. Their "
                "training makes their reports more accurate; their hours cost 1.5x a "
                "part-timer's."
            ),
            "look_for": (
                "Count the hollow markers: far fewer problems stay undiscovered, so the "
                "treatment map shows fewer markers. Colour by trust: it rises a little. "
                "On-time closure rises and response time falls somewhat."
            ),
            "pattern": (
                "Longgang district, Shenzhen: certified full-time grid workers reported "
                "events with 98.7% accuracy. In the model accuracy follows from training and "
                "workload; it is not set to that figure."
            ),
        },
        "zh": {
            "practice": (
                "专职网格员：以持证的专职网格员取代兼职人员，工作时间更长，发现问题更多，"
                "上报更准确。"
            ),
            "rule": (
                "网格员每天工作 8 小时（原为 4 小时），其中 4 小时巡查，巡查中发现问题的概率"
                "更高，一小时内上报，处置能力更强；培训使上报更准确；其工时成本是兼职人员的 "
                "1.5 倍。"
            ),
            "look_for": (
                "数一数空心标记：未被发现的问题少得多，启用机制的地图上标记明显更少。按“信任”"
                "着色：信任略有上升。按时办结率上升，响应时间有所下降。"
            ),
            "pattern": (
                "深圳市龙岗区：持证专职网格员上报事件的准确率达 98.7%。模型中准确率由培训和"
                "工作负荷决定，并非直接设为该数值。"
            ),
        },
    },
    "performance_review": {
        "en": {
            "practice": (
                "Handlers are reviewed on a weighted mix of on-time closure, speed and "
                "residents' satisfaction. Heavy weight on closure alone can reward closing "
                "cases on paper without solving them."
            ),
            "rule": (
                "Sets the review weights (closure 0.2, speed 0.3, satisfaction 0.5) and how "
                "strongly handlers react: below target they work more hours, above it fewer. "
                "When closure has more than half of all weight, handlers close some failed "
                "cases as solved, and those problems come back."
            ),
            "look_for": (
                "At the defaults the charts change little; satisfaction may even slip. Then "
                "set the satisfaction weight to 0 and the closure weight to 1: false closures "
                "send the same problems back as new hollow markers, and closure looks good "
                "while satisfaction falls."
            ),
            "pattern": (
                "Not calibrated to a reported figure. The model only checks the expected "
                "direction: closure-heavy weights bring more repeat complaints."
            ),
        },
        "zh": {
            "practice": (
                "考核：按办结率、响应速度和居民满意度的加权组合考核处置者。只看办结率，可能"
                "导致“纸面办结”，问题并未解决。"
            ),
            "rule": (
                "设定考核权重（办结 0.2、时效 0.3、满意度 0.5）及处置者对考核的反应强度："
                "低于目标者增加工时，高于目标者减少。若办结权重超过总权重的一半，处置者会把"
                "部分未解决的案件报为办结，问题随后重新出现。"
            ),
            "look_for": (
                "默认设置下图表变化不大，满意度甚至可能略降。把“考核满意度权重”调到 0、"
                "“考核办结权重”调到 1：虚假办结使同样的问题以新的空心标记重新出现，办结率"
                "看起来不错，满意度却下降。"
            ),
            "pattern": ("未按试点数据校准。模型只检验预期方向：偏重办结率的考核使重复投诉增加。"),
        },
    },
    "emergency": {
        "en": {
            "practice": (
                "Not a policy but a scenario: a flood brings a surge of problems for some "
                "days, and the question is how fast the community responds, e.g. with "
                "party-member volunteer teams."
            ),
            "rule": (
                "From day 120 (by default), for 10 days, faults, hazards and service needs "
                "occur 15x as often. Half of the party members, and every member registered "
                "by dual registration, form volunteer teams, 3 h a day each, which take such "
                "issues, all but the most severe, while they have hours."
            ),
            "look_for": (
                "The flood hits both maps, as the baseline keeps scenarios on: alone it shows "
                "no difference. Add dual registration and household linkage (preset 'Flood, "
                "party volunteers'), step to day 118 and play slowly: fewer markers pile up on "
                "the treatment map."
            ),
            "pattern": (
                "Not calibrated to a reported figure: it is a test scenario. The model only "
                "checks that party volunteer teams shorten the response to issues that arise "
                "during the flood."
            ),
        },
        "zh": {
            "practice": (
                "应急：这不是一项政策，而是一个情景。洪灾在几天内带来大量问题，考察社区响应"
                "有多快，例如党员志愿队能否顶上。"
            ),
            "rule": (
                "从第 120 天（默认）起持续 10 天，设施故障、安全隐患和民生需求的发生频率为"
                "平时的 15 倍。一半党员以及所有双报到党员组成志愿队，每人每天 3 小时，在工时"
                "允许时处置除最严重者外的这类事件。"
            ),
            "look_for": (
                "洪灾同时出现在两张地图上，因为基线保留情景；单独开启时两边没有差别。再开启"
                "双报到和党员联户（预设“洪灾，党员志愿队”），运行到第 118 天后慢速播放："
                "启用机制的地图上堆积的标记更少。"
            ),
            "pattern": (
                "未按试点数据校准：这是一个检验情景。模型只检验党员志愿队能缩短洪灾期间"
                "所发生事件的响应时间。"
            ),
        },
    },
}


def mechanism_info(name: str, lang: str) -> dict[str, str]:
    """The info panel texts (field -> text, in :data:`FIELDS` order) of mechanism ``name``
    in ``lang`` (English when the language is unknown).

    Raises:
        KeyError: ``name`` is not a mechanism of the catalogue; the message names the
            allowed ones.
    """
    entry = MECHANISM_INFO.get(name)
    if entry is None:
        raise KeyError(f"unknown mechanism {name!r} (allowed: {', '.join(MECHANISM_INFO)})")
    texts = entry.get(lang, entry["en"])
    return {field: texts[field] for field in FIELDS}
