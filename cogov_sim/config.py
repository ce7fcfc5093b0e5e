"""Typed configuration schema of cogov-sim.

Every tunable number of the model is a field here, with its default. The schema
is registered in Hydra's ``ConfigStore`` by :mod:`cogov_sim.cli`, so a typo or
a wrong type fails when the configuration is composed, with the key named; the
ranges are checked by :func:`cogov_sim.validation.validate` before a run
starts. This module needs only OmegaConf, never Hydra, so the model runs
without Hydra.

Units: rates are per eligible household per year; times are hours; shares and
probabilities are in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import DictConfig, OmegaConf


@dataclass
class WorldConfig:
    """Layout of the street (街道): lattice, zones (网格), communities, compounds."""

    name: str = "street"  # label of the scale preset (classroom, street, district)
    width: int = 110  # lattice columns
    height: int = 110  # lattice rows
    density: float = 0.85  # share of cells holding a household
    households_per_zone: int = 250  # 网格: 200-300 households
    zones_per_community: int = 8  # consecutive zones forming one community (社区)
    compound_size: int = 10  # side, in cells, of a residential compound (小区)
    managed_share: float = 0.6  # share of compounds served by a property firm
    compounds_per_firm: int = 4  # managed compounds served by one property firm
    party_member_share: float = 0.08  # share of households with a party member (党员)
    vulnerable_share: float = 0.12  # elderly alone, disabled, low income
    n_departments: int = 7  # line departments = the silos of traditional grids


@dataclass
class ResidentConfig:
    satisfaction_mean: float = 0.6  # initial mean satisfaction (Beta)
    trust_mean: float = 0.55  # initial mean trust in local institutions (Beta)
    civic_mean: float = 0.29  # mean civic propensity (Beta)
    legal_literacy_mean: float = 0.33  # mean legal literacy (Beta)
    concentration: float = 8.0  # Beta concentration of the initial attributes
    satisfaction_rate: float = 0.3  # pull of an own issue's outcome on satisfaction
    neighbour_rate: float = 0.05  # pull of a Moore neighbour's issue outcome
    satisfaction_drift: float = 0.002  # daily drift back to a resident's own baseline
    trust_rate: float = 0.02  # daily pull of trust toward satisfaction
    contact_trust: float = 0.003  # trust gained from a visit (patrol, party member)
    complaint_penalty: float = 0.05  # satisfaction lost at each hotline complaint
    report_trust_floor: float = 0.3  # reporting propensity at zero trust (share of max)
    resident_report_accuracy: float = 0.7  # a resident report has type and place right
    vulnerable_report_factor: float = 0.4  # vulnerable households report less


@dataclass
class IssueTypeConfig:
    rate: float = 0.05  # per eligible household per year
    severity_a: float = 2.0  # Beta shape a of initial severity
    severity_b: float = 5.0  # Beta shape b of initial severity
    base_hours: float = 2.0  # handler hours at severity 0.5
    deadline_hours: float = 72.0  # from report, for closure_rate and escalation
    expected_hours: float = 48.0  # residents' expectation of a response
    self_report: float = 0.2  # daily probability that the resident reports it
    home_department: int = 0  # silo that owns this type in traditional governance
    difficulty: float = 1.0  # failure = (1 - skill) * (0.5 + severity) * difficulty


def _it(**kw) -> IssueTypeConfig:
    return IssueTypeConfig(**kw)


@dataclass
class IssuesConfig:
    neighbour_dispute: IssueTypeConfig = field(
        default_factory=lambda: _it(
            rate=0.03,
            base_hours=3.0,
            deadline_hours=240.0,
            difficulty=1.9,
            expected_hours=48.0,
            self_report=0.25,
            home_department=0,
        )
    )
    property_dispute: IssueTypeConfig = field(
        default_factory=lambda: _it(
            rate=0.08,
            base_hours=2.0,
            deadline_hours=240.0,
            difficulty=1.5,
            expected_hours=48.0,
            self_report=0.4,
            home_department=4,
        )
    )
    facility_fault: IssueTypeConfig = field(
        default_factory=lambda: _it(
            rate=0.06,
            severity_b=6.0,
            base_hours=2.0,
            deadline_hours=240.0,
            expected_hours=48.0,
            self_report=0.15,
            home_department=1,
        )
    )
    safety_hazard: IssueTypeConfig = field(
        default_factory=lambda: _it(
            rate=0.02,
            severity_b=4.0,
            base_hours=3.0,
            deadline_hours=120.0,
            expected_hours=24.0,
            self_report=0.08,
            home_department=2,
        )
    )
    service_need: IssueTypeConfig = field(
        default_factory=lambda: _it(
            rate=0.5,
            base_hours=2.0,
            deadline_hours=168.0,
            expected_hours=48.0,
            self_report=0.1,
            home_department=3,
        )
    )
    collective_matter: IssueTypeConfig = field(
        default_factory=lambda: _it(
            rate=0.01,
            severity_b=3.0,
            base_hours=8.0,
            deadline_hours=720.0,
            expected_hours=336.0,
            self_report=0.3,
            home_department=4,
        )
    )
    worsen_per_day: float = 0.005  # severity growth of an undiscovered issue
    neglect_effect: float = 1.0  # faults/hazards: rate x (1 + effect * neglect share)
    neglect_days: int = 60  # days without patrol at which neglect saturates
    need_lapse_days: int = 30  # an undiscovered service need lapses (unmet) after this
    max_attempts: int = 3  # failed handling attempts before an issue closes as failed
    reopen_delay_hours: float = 24.0  # wait before a failed attempt is retried
    hours_noise: float = 0.3  # lognormal sigma of the hours an issue needs


@dataclass
class WorkerConfig:
    """网格员: part-time, siloed by default."""

    hours_per_day: float = 4.0  # working hours per day (patrol included)
    patrol_hours: float = 2.0  # hours per day spent patrolling
    cells_per_patrol_hour: float = 15.0  # households visited per patrol hour
    find_prob: float = 0.5  # finds an issue in a patrolled cell
    silo_coverage: float = 0.4  # find factor for types outside the worker's silo
    report_accuracy: float = 0.85  # a worker report has type and place right
    report_delay_hours: float = 4.0  # max delay from finding to report (uniform)
    skill: float = 0.8  # handling skill
    small_threshold: float = 0.3  # severity up to which the worker handles on the spot
    remit: list[str] = field(  # issue types of the worker's own silo
        default_factory=lambda: ["neighbour_dispute", "safety_hazard"]
    )


@dataclass
class DepartmentConfig:
    """职能部门: slow by default."""

    hours_per_day: float = 16.0  # handling hours per day, per department
    skill: float = 0.85  # handling skill
    response_delay_hours: float = 168.0  # mean of an exponential delay before work starts
    misroute_prob: float = 0.1  # an accurate report sent to the wrong silo
    misroute_inaccurate: float = 0.4  # extra misroute probability of an inaccurate report
    transfer_hours: float = 0.5  # handler time to find out an issue is not theirs
    transfer_delay_hours: float = 48.0  # queue delay after a transfer
    drop_prob: float = 0.1  # a transferred issue is lost


@dataclass
class FirmConfig:
    """物业公司."""

    quality_mean: float = 0.6  # initial mean service quality (also the reference)
    quality_sd: float = 0.05  # spread of initial quality between firms
    hours_per_day: float = 6.0  # handling hours per day, per firm
    skill_base: float = 0.3  # skill = skill_base + skill_quality * quality
    skill_quality: float = 0.8  # skill gained per unit of quality
    response_delay_hours: float = 24.0  # mean exponential delay before work starts
    quality_adjust: float = 0.2  # monthly pull of quality toward its target
    income_effect: float = 0.3  # target quality rises with fee collection
    property_sat_rate: float = 0.02  # daily pull of property satisfaction toward quality
    fee_slope: float = 6.0  # logistic slope of fee payment in property satisfaction
    fee_midpoint: float = 0.55  # property satisfaction at which half pay
    billing_days: int = 30  # days between bills (and firm reviews)


@dataclass
class NGOConfig:
    """社会组织 / 社工: one per community by default."""

    hours_per_day: float = 6.0  # handling hours per day, per NGO
    skill: float = 0.85  # handling skill
    response_delay_hours: float = 24.0  # mean exponential delay before work starts


@dataclass
class PartyConfig:
    """社区党委: one per community."""

    hours_per_day: float = 4.0  # staff hours per day, per party branch
    skill: float = 0.8  # handling skill
    volunteer_share: float = 0.05  # share of yesterday's volunteer hours at its disposal
    topdown_execution: float = 0.6  # a top-down collective decision is carried out


@dataclass
class ParticipationConfig:
    intercept: float = -5.27  # logit of daily participation of an average resident
    civic: float = 2.0  # logit coefficient of civic propensity
    trust: float = 1.5  # logit coefficient of trust
    neighbours: float = 2.0  # logit coefficient of the share of neighbours taking part
    incentive: float = 1.0  # logit coefficient of incentive value (points)
    time_cost: float = 1.0  # logit coefficient of the cost of time
    party_member: float = 1.0  # logit bonus of party members
    hours_per_activity: float = 2.0  # volunteer hours per activity
    window_days: int = 30  # "recent" participation and disputes
    contagion: float = 2.0  # dispute multiplier per share of neighbours with a recent dispute
    cohesion_effect: float = 2.0  # dispute multiplier exp(-k * (participating neighbours - ref))
    cohesion_reference: float = 0.19  # participation share at which cohesion is neutral


@dataclass
class EscalationConfig:
    hotline_prob: float = 0.35  # at each passed deadline of an open reported issue
    petition_after: int = 2  # complaints before the next becomes a petition
    dispute_growth_per_day: float = 0.004  # severity growth of an open dispute
    literacy_damping: float = 0.5  # legal literacy slows dispute growth
    criminal_threshold: float = 0.9  # 民转刑
    recur_prob: float = 0.5  # a dispute closed unresolved flares up again
    recur_severity_step: float = 0.15  # severity added when it flares up


@dataclass
class ReviewConfig:
    """考核: handlers are reviewed and adapt their effort."""

    period_days: int = 30  # days between reviews
    weight_closure: float = 0.4  # review weight of on-time closure
    weight_response: float = 0.3  # review weight of timeliness
    weight_satisfaction: float = 0.3  # review weight of residents' outcome score
    target_score: float = 0.7  # score at which effort stays unchanged
    effort_gain: float = 0.3  # effort change per unit of score below target
    max_effort_change: float = 0.2  # bound of the effort change
    gaming_threshold: float = 0.5  # closure weight share above which handlers game it
    gaming_max: float = 0.8  # false-closure probability of a failed attempt at weight 1


@dataclass
class OutcomeConfig:
    weight_satisfaction: float = 0.4  # efficiency index weight of satisfaction
    weight_disposal: float = 0.3  # efficiency index weight of closure rate
    weight_innovation: float = 0.3  # efficiency index weight of participation
    wage_worker: float = 40.0  # yuan per hour
    wage_department: float = 80.0  # yuan per hour
    wage_firm: float = 35.0  # yuan per hour
    wage_ngo: float = 45.0  # yuan per hour
    wage_party: float = 50.0  # yuan per hour


@dataclass
class IntegratedGridParams:
    """全科网格: see :mod:`cogov_sim.mechanisms.integrated_grid`."""

    worker_hours_factor: float = 1.5  # merged grids pool staff: worker hours x factor
    small_threshold: float = 0.6  # severity up to which the worker handles any report
    coverage: float = 1.0  # find factor for types outside the old silo


@dataclass
class WhistleResponseParams:
    """街乡吹哨、部门报到: see :mod:`cogov_sim.mechanisms.whistle_response`."""

    response_deadline_hours: float = 24.0  # a whistled department starts within this
    severity_threshold: float = 0.0  # least severity of a whistled issue
    whistles_per_day: int = 10  # per community
    party_hours_per_whistle: float = 0.25  # party branch hours per whistle


@dataclass
class RedPropertyParams:
    """红色物业: see :mod:`cogov_sim.mechanisms.red_property`."""

    oversight_quality: float = 0.28  # added to each firm's quality target
    response_delay_factor: float = 0.4  # firm response delay x factor
    hours_factor: float = 1.3  # firm hours x factor


@dataclass
class DualRegistrationParams:
    """双报到: see :mod:`cogov_sim.mechanisms.dual_registration`."""

    register_share: float = 0.8  # share of resident party members who register
    hours_per_member_week: float = 2.0  # service hours per registered member per week
    unit_hours_per_day: float = 4.0  # hours of registered workplace party organisations
    small_threshold: float = 0.35  # severity up to which the party branch takes an issue
    participation_bonus: float = 0.5  # logit bonus of registered members' participation


@dataclass
class HouseholdLinkageParams:
    """党员联户: see :mod:`cogov_sim.mechanisms.household_linkage`."""

    households_per_member: int = 8  # households linked to each party member (5-10)
    visits_per_week: float = 1.0  # visits to each linked household
    find_prob: float = 0.9  # a visit finds a latent issue of the household
    report_accuracy: float = 0.95  # a party member's report is accurate


@dataclass
class PointsIncentiveParams:
    """积分制 / 时间银行: see :mod:`cogov_sim.mechanisms.points_incentive`."""

    points_value: float = 0.97  # value of the points for one activity (enters the logit)
    points_per_activity: float = 10.0  # points earned per activity
    yuan_per_point: float = 0.5  # redemption cost to the community
    report_boost: float = 0.2  # reporting an issue also earns points: reporting x (1 + boost)
    bank_share: float = 0.3  # share of banked volunteer hours spent on small requests


@dataclass
class DeliberationParams:
    """协商议事会 / 民生微实事: see :mod:`cogov_sim.mechanisms.deliberation`."""

    meeting_interval_days: int = 14  # the council meets every this many days
    execution_prob: float = 0.92  # a deliberated decision is carried out
    hours_per_matter: float = 2.0  # party branch hours to prepare a matter
    participants_radius: int = 1  # households within this Chebyshev radius take part
    satisfaction_bonus: float = 0.05  # satisfaction gained by participants


@dataclass
class TriageParams:
    """三事分流: see :mod:`cogov_sim.mechanisms.triage`."""

    private_threshold: float = 0.2  # disputes up to this severity go to the parties
    small_threshold: float = 0.5  # issues up to this severity stay in the community
    self_skill: float = 0.6  # the parties settling it themselves, with mediation advice


@dataclass
class SmartDispatchParams:
    """一网统管 / 智能派单: see :mod:`cogov_sim.mechanisms.smart_dispatch`."""

    detect_prob: float = 0.3  # daily detection of a latent fault or hazard by sensors/AI
    detection_accuracy: float = 0.95  # a platform report is accurate
    detection_bias: float = 0.0  # relative loss of detection at vulnerable households
    digital_literacy: float = 0.8  # of grid workers and handlers
    delay_cut: float = 0.7  # response delays x (1 - delay_cut * digital_literacy)
    yuan_per_household_year: float = 5.0  # platform running cost


@dataclass
class LegalMediatorsParams:
    """法律明白人 / 人民调解: see :mod:`cogov_sim.mechanisms.legal_mediators`."""

    mediators_per_community: int = 4  # trained residents per community (3-5)
    hours_each_per_day: float = 1.5
    skill: float = 0.95
    max_severity: float = 0.8  # neighbour disputes up to this severity go to mediators
    literacy_gain: float = 0.1  # legal literacy gained by mediators' neighbours


@dataclass
class SocialLinkageParams:
    """五社联动: see :mod:`cogov_sim.mechanisms.social_linkage`."""

    ngo_hours_factor: float = 2.0  # more NGO capacity (purchase of services, funds)
    ngo_skill: float = 0.89  # professional social workers
    volunteer_share: float = 0.1  # share of the volunteer pool the NGO can use
    mediation_max_severity: float = 0.7  # neighbour disputes up to this go to the NGO
    funds_leverage: float = 0.3  # share of NGO cost covered by charitable funds


@dataclass
class RiskGradingParams:
    """五色分级: see :mod:`cogov_sim.mechanisms.risk_grading`."""

    risk_share: float = 0.5  # share of patrol visits that follow risk
    window_days: int = 60  # issue history that sets a cell's risk
    neighbourhood: int = 1  # risky cells include their Moore neighbours


@dataclass
class ProfessionalWorkersParams:
    """专职网格员: see :mod:`cogov_sim.mechanisms.professional_workers`."""

    hours_per_day: float = 8.0
    patrol_hours: float = 4.0
    find_prob: float = 0.8
    report_accuracy: float = 0.987
    report_delay_hours: float = 1.0
    skill: float = 0.9
    wage_factor: float = 1.5  # full-time certified workers cost more per hour


@dataclass
class PerformanceReviewParams:
    """考核: see :mod:`cogov_sim.mechanisms.performance_review`."""

    weight_closure: float = 0.2
    weight_response: float = 0.3
    weight_satisfaction: float = 0.5
    effort_gain: float = 0.6  # handlers respond more strongly to the review


@dataclass
class EmergencyParams:
    """应急: see :mod:`cogov_sim.mechanisms.emergency`."""

    start_day: int = 120
    duration_days: int = 10
    surge_factor: float = 15.0  # faults, hazards and service needs x factor
    party_response_share: float = 0.5  # share of registered volunteers mobilised
    volunteer_hours_each: float = 3.0  # hours per mobilised party member per day
    max_severity: float = 0.7  # issues up to this severity handled by volunteer teams


@dataclass
class MechanismParams:
    integrated_grid: IntegratedGridParams = field(default_factory=IntegratedGridParams)
    whistle_response: WhistleResponseParams = field(default_factory=WhistleResponseParams)
    red_property: RedPropertyParams = field(default_factory=RedPropertyParams)
    dual_registration: DualRegistrationParams = field(default_factory=DualRegistrationParams)
    household_linkage: HouseholdLinkageParams = field(default_factory=HouseholdLinkageParams)
    points_incentive: PointsIncentiveParams = field(default_factory=PointsIncentiveParams)
    deliberation: DeliberationParams = field(default_factory=DeliberationParams)
    triage: TriageParams = field(default_factory=TriageParams)
    smart_dispatch: SmartDispatchParams = field(default_factory=SmartDispatchParams)
    legal_mediators: LegalMediatorsParams = field(default_factory=LegalMediatorsParams)
    social_linkage: SocialLinkageParams = field(default_factory=SocialLinkageParams)
    risk_grading: RiskGradingParams = field(default_factory=RiskGradingParams)
    professional_workers: ProfessionalWorkersParams = field(
        default_factory=ProfessionalWorkersParams
    )
    performance_review: PerformanceReviewParams = field(default_factory=PerformanceReviewParams)
    emergency: EmergencyParams = field(default_factory=EmergencyParams)


@dataclass
class OutputConfig:
    figures: bool = True  # write outcomes.png and map.png
    events: bool = True  # write events.parquet
    progress: bool = True  # show progress while running
    table: bool = True  # print the summary table
    animation: str = "none"  # none, gif or mp4: write animation.<fmt> of the map and charts
    animation_every: int = 5  # days between animation frames
    animation_fps: int = 8  # animation frames per second
    animation_variable: str = "satisfaction"  # map colour: satisfaction, trust, participation


@dataclass
class SweepConfig:
    baseline: str = ""  # overrides of the baseline scenario for effects, e.g. "mechanisms=[]"


@dataclass
class SampleConfig:
    file: str = ""  # a samples.csv of a sensitivity analysis (one row per sample)
    index: int = -1  # the row whose parameter values this run uses


@dataclass
class Config:
    """Root configuration. Canonical keys: seed, steps, world.*, mechanisms."""

    seed: int = 42  # the run's one random stream
    steps: int = 365  # days
    mechanisms: list[str] = field(default_factory=list)  # policy mechanisms switched on
    world: WorldConfig = field(default_factory=WorldConfig)
    residents: ResidentConfig = field(default_factory=ResidentConfig)
    issues: IssuesConfig = field(default_factory=IssuesConfig)
    workers: WorkerConfig = field(default_factory=WorkerConfig)
    departments: DepartmentConfig = field(default_factory=DepartmentConfig)
    firms: FirmConfig = field(default_factory=FirmConfig)
    ngos: NGOConfig = field(default_factory=NGOConfig)
    party: PartyConfig = field(default_factory=PartyConfig)
    participation: ParticipationConfig = field(default_factory=ParticipationConfig)
    escalation: EscalationConfig = field(default_factory=EscalationConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    outcomes: OutcomeConfig = field(default_factory=OutcomeConfig)
    mechanism_params: MechanismParams = field(default_factory=MechanismParams)
    output: OutputConfig = field(default_factory=OutputConfig)
    sweep: SweepConfig = field(default_factory=SweepConfig)
    resume: bool = False  # skip a run whose complete results exist for the same config
    sample: SampleConfig = field(default_factory=SampleConfig)


WORLD_PRESETS: dict[str, dict] = {
    "classroom": {"name": "classroom", "width": 50, "height": 50},
    "street": {"name": "street", "width": 110, "height": 110},
    "district": {"name": "district", "width": 345, "height": 345},
}


def default_config() -> DictConfig:
    """The schema's defaults as a structured (typed, closed) OmegaConf config."""
    return OmegaConf.structured(Config)


def _check_known_keys(data, schema: DictConfig, prefix: str = "") -> None:
    """Raise ConfigError for the first key of ``data`` that the schema does not have."""
    from cogov_sim.validation import ConfigError, _allowed_keys

    if not isinstance(data, dict):
        return
    for key, value in data.items():
        full = f"{prefix}{key}"
        if key not in schema:
            raise ConfigError(full, _allowed_keys(full), unknown=True)
        sub = schema._get_node(key)
        if isinstance(sub, DictConfig):
            _check_known_keys(value, sub, full + ".")


def make_config(cfg: DictConfig | dict | None = None, **dotted) -> DictConfig:
    """Merge a partial config and dotted overrides onto the typed schema.

    Args:
        cfg: a (possibly partial) config; unknown keys and wrong types raise
            :class:`cogov_sim.validation.ConfigError` naming the key.
        **dotted: overrides as dotted keys, e.g. ``**{"world.width": 40}``.

    Returns:
        A typed, read-only-structured config.
    """
    from omegaconf.errors import OmegaConfBaseException

    from cogov_sim.validation import ConfigError

    base = default_config()
    try:
        if cfg is not None:
            if not isinstance(cfg, DictConfig):
                cfg = OmegaConf.create(cfg)
            cfg = OmegaConf.masked_copy(cfg, [k for k in cfg.keys() if k != "hydra"])
            _check_known_keys(OmegaConf.to_container(cfg), base)
            base = OmegaConf.merge(base, cfg)
        for key, value in dotted.items():
            node_key = key
            if OmegaConf.select(base, node_key, default="__missing__") == "__missing__":
                raise ConfigError(key, "a known configuration key", value, unknown=True)
            OmegaConf.update(base, node_key, value, merge=True)
    except OmegaConfBaseException as exc:
        raise ConfigError.from_omegaconf(exc) from None
    return base
