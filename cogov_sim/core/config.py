"""Typed configuration schema of cogov-sim.

Every tunable number of the core model is a field here, made with
:func:`cogov_sim.core.params.param`, so that its allowed range, unit and meaning sit
beside its default; each mechanism's parameters are a ``Params`` dataclass in
the mechanism's own module, gathered under ``mechanism_params.<name>``. The
schema is registered in Hydra's ``ConfigStore``, so a typo or a wrong type
fails when the configuration is composed, with the key named; the ranges are
checked by :func:`cogov_sim.core.checks.validate` before a run starts. This
module needs only OmegaConf, never Hydra, so the model runs without Hydra.

A composed config is never changed after it is validated: the model freezes
its copy (:func:`cogov_sim.core.params.freeze`) and keeps run-time actor parameters
in its actor sets.

Units: rates are per eligible household per year; times are hours; shares and
probabilities are in [0, 1].
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.nodes import BooleanNode, FloatNode, IntegerNode, StringNode

from cogov_sim.core.errors import ConfigError
from cogov_sim.core.mechanisms.registry import known, resolve
from cogov_sim.core.params import (
    Frozen,
    days,
    factor,
    hours,
    integer,
    param,
    param_infos,
    share,
    wage,
)


@dataclass
class WorldConfig(Frozen):
    """Layout of the street (街道): lattice, zones (网格), communities, compounds."""

    name: str = "street"  # label of the scale preset (classroom, street, district)
    width: int = integer(110, 3, 5000, "lattice columns")
    height: int = integer(110, 3, 5000, "lattice rows")
    density: float = param(
        0.85, 0.01, 1.0, "a share in [0.01, 1]", "share of cells holding a household", unit="share"
    )
    households_per_zone: int = integer(250, 10, 100000, "网格: 200-300 households")
    zones_per_community: int = param(
        8, 1, 10000, "an integer >= 1", "consecutive zones forming one community (社区)"
    )
    communities_per_street: int = param(
        5,
        1,
        10000,
        "an integer >= 1",
        "consecutive communities forming one street (街道); each street has its own "
        "line departments' staff (a district of ten streets has ten times the staff)",
    )
    compound_size: int = param(
        10, 1, 5000, "an integer >= 1", "side, in cells, of a residential compound (小区)"
    )
    compounds_per_firm: int = param(
        4, 1, 10000, "an integer >= 1", "managed compounds served by one property firm"
    )
    share_old_estate: float = share(
        0.30, "share of compounds that are old estates (老旧小区); the four shares sum to 1"
    )
    share_commodity: float = share(
        0.45, "share of compounds that are commodity-housing compounds (商品房小区)"
    )
    share_rental: float = share(
        0.15, "share of compounds that are rental-heavy blocks (出租/群租房)"
    )
    share_urban_village: float = share(0.10, "share of compounds in urban villages (城中村)")
    housing_patch: int = param(
        4,
        1,
        1000,
        "an integer >= 1",
        "housing types come in square patches of this many compounds a side "
        "(neighbourhoods built at one time)",
    )
    housing_mixing: float = share(
        0.10, "share of compounds whose type is drawn anew, not their patch's"
    )
    compounds: str = ""  # a compounds file (CSV or GeoJSON): lay the world out from it
    staffing: str = ""  # a staffing file (CSV: role, unit, value) for a world from files
    cell_metres: float = param(
        0.0,
        0.0,
        1000.0,
        "metres in [0, 1000] (0: from the compounds' areas)",
        "side of a lattice cell in metres, for a world from a compounds file; 0 sizes it so "
        "the compounds' polygons hold their households at the world's density",
        unit="m",
    )
    n_departments: int = param(
        7,
        7,
        7,
        "7 (the silos: one per issue-owning department)",
        "line departments = the silos of traditional grids",
    )


@dataclass
class HousingTypeConfig(Frozen):
    """One kind of neighbourhood: who lives there and what goes wrong (ODD 3.2)."""

    managed: float = share(
        0.5, "probability that a compound of this type is served by a property firm"
    )
    vulnerable_share: float = share(
        0.12, "mean share of vulnerable households (elderly alone, disabled, low income)"
    )
    party_member_share: float = share(0.08, "share of households with a party member (党员)")
    civic_shift: float = param(
        0.0,
        -1.0,
        1.0,
        "a shift in [-1, 1]",
        "added to residents.civic_mean for households of this type",
    )
    tenure_years: float = param(
        8.0,
        0.1,
        100.0,
        "a number of years in [0.1, 100]",
        "mean years a household has lived here (exponential)",
        unit="years",
    )
    households_per_grid: float = param(
        250.0,
        10.0,
        100000.0,
        "a number of households in [10, 100000]",
        "households one grid worker serves in this kind of neighbourhood (the report: about "
        "300 in ordinary communities, 200 in urban villages); sets the street's staff",
    )
    dispute_factor: float = param(
        1.0,
        0.0,
        20.0,
        "a rate factor in [0, 20]",
        "relative rate of neighbour and property disputes",
    )
    fault_factor: float = param(
        1.0, 0.0, 20.0, "a rate factor in [0, 20]", "relative rate of facility faults"
    )
    hazard_factor: float = param(
        1.0, 0.0, 20.0, "a rate factor in [0, 20]", "relative rate of safety hazards"
    )
    urban_factor: float = param(
        1.0,
        0.0,
        20.0,
        "a rate factor in [0, 20]",
        "relative rate of light urban-management matters",
    )
    collective_factor: float = param(
        1.0, 0.0, 20.0, "a rate factor in [0, 20]", "relative rate of collective matters"
    )


def _ht(**kw) -> HousingTypeConfig:
    return HousingTypeConfig(**kw)


@dataclass
class HousingConfig(Frozen):
    """住房类型: the four kinds of neighbourhood (assumptions in ODD 3.2). Rate factors
    are relative: they are scaled so that the street's reference mix (30% old estates,
    45% commodity housing, 15% rentals, 10% urban villages) has the issue rates of
    ``issues.<type>.rate``; a world with more old estates has more faults."""

    old_estate: HousingTypeConfig = field(
        default_factory=lambda: _ht(
            households_per_grid=250.0,
            managed=0.3,
            vulnerable_share=0.23,
            party_member_share=0.12,
            civic_shift=0.06,
            tenure_years=20.0,
            dispute_factor=1.2,
            fault_factor=1.8,
            hazard_factor=1.5,
            urban_factor=0.9,
            collective_factor=1.3,
        )
    )
    commodity: HousingTypeConfig = field(
        default_factory=lambda: _ht(
            households_per_grid=300.0,
            managed=1.0,
            vulnerable_share=0.06,
            party_member_share=0.08,
            civic_shift=-0.02,
            tenure_years=8.0,
            dispute_factor=0.9,
            fault_factor=0.6,
            hazard_factor=0.6,
            urban_factor=0.6,
            collective_factor=1.0,
        )
    )
    rental: HousingTypeConfig = field(
        default_factory=lambda: _ht(
            households_per_grid=200.0,
            managed=0.5,
            vulnerable_share=0.07,
            party_member_share=0.03,
            civic_shift=-0.10,
            tenure_years=1.5,
            dispute_factor=1.5,
            fault_factor=1.2,
            hazard_factor=1.8,
            urban_factor=1.6,
            collective_factor=0.6,
        )
    )
    urban_village: HousingTypeConfig = field(
        default_factory=lambda: _ht(
            households_per_grid=200.0,
            managed=0.0,
            vulnerable_share=0.14,
            party_member_share=0.05,
            civic_shift=-0.05,
            tenure_years=6.0,
            dispute_factor=1.3,
            fault_factor=1.4,
            hazard_factor=2.2,
            urban_factor=2.2,
            collective_factor=0.8,
        )
    )
    vulnerable_concentration: float = param(
        8.0,
        0.1,
        10000.0,
        "a Beta concentration in [0.1, 10000]",
        "how alike compounds of a type are in their share of vulnerable households "
        "(low: vulnerable households cluster in some compounds)",
    )


@dataclass
class ResidentConfig(Frozen):
    satisfaction_mean: float = share(0.6, "initial mean satisfaction (Beta)")
    trust_mean: float = share(0.55, "initial mean trust in local institutions (Beta)")
    civic_mean: float = share(0.29, "mean civic propensity (Beta)")
    legal_literacy_mean: float = share(0.33, "mean legal literacy (Beta)")
    concentration: float = param(
        8.0,
        0.5,
        1000.0,
        "a Beta concentration in [0.5, 1000]",
        "Beta concentration of the initial attributes",
    )
    satisfaction_rate: float = share(
        0.3, "pull of a closed property dispute's outcome on property satisfaction"
    )
    burden_per_day: float = share(
        0.005, "satisfaction an open problem costs its household per day, per unit of severity"
    )
    neighbour_burden: float = share(
        0.2, "share of a problem's daily cost that each Moore neighbour bears (they see it)"
    )
    restore_share: float = share(
        0.7, "share of a problem's accumulated cost restored when it is resolved in time"
    )
    fail_penalty: float = share(
        0.05,
        "satisfaction lost when a problem is closed unresolved (twice that when it turns criminal)",
    )
    satisfaction_drift: float = share(0.01, "daily drift back to a resident's own baseline")
    trust_rate: float = share(0.02, "daily pull of trust toward satisfaction")
    contact_trust: float = share(0.003, "trust gained from a visit (patrol, party member)")
    complaint_penalty: float = share(0.05, "satisfaction lost at each hotline complaint")
    report_trust_floor: float = share(0.3, "reporting propensity at zero trust (share of max)")
    resident_report_accuracy: float = share(0.7, "a resident report has type and place right")
    hotline_share: float = share(
        0.4,
        "share of residents' own reports made to the 12345 hotline rather than to the "
        "community or grid worker (the hotline dispatches them to the street's handlers)",
    )
    vulnerable_report_factor: float = factor(0.4, "vulnerable households report less", unit="")


@dataclass
class IssueTypeConfig(Frozen):
    report_error: float = share(
        0.3, "error of an untrained reporter: a report gets type or place wrong"
    )
    rate: float = param(
        0.05,
        0.0,
        365.0,
        "a rate per household per year in [0, 365]",
        "per eligible household per year",
    )
    severity_a: float = param(
        2.0,
        0.05,
        100.0,
        "a Beta shape in [0.05, 100]",
        "Beta shape a of initial severity",
    )
    severity_b: float = param(
        5.0,
        0.05,
        100.0,
        "a Beta shape in [0.05, 100]",
        "Beta shape b of initial severity",
    )
    base_hours: float = hours(2.0, "handler hours at severity 0.5")
    deadline_hours: float = hours(72.0, "from report, for closure_rate and escalation")
    expected_hours: float = hours(48.0, "residents' expectation of a response")
    self_report: float = share(0.2, "daily probability that the resident reports it")
    home_department: int = param(
        0,
        0,
        6,
        "a department index in [0, 6]",
        "silo that owns this type in traditional governance",
    )
    difficulty: float = param(
        1.0,
        0.0,
        10.0,
        "a difficulty factor in [0, 10]",
        "failure = (1 - skill) * (0.5 + severity) * difficulty",
    )
    street_visible: bool = False  # seen from the street: a patrol sees it within one cell


#: The columns of the issue-type table: the fields of :class:`IssueTypeConfig`.
ISSUE_TYPE_COLUMNS = (
    "rate",
    "severity_a",
    "severity_b",
    "base_hours",
    "deadline_hours",
    "expected_hours",
    "self_report",
    "home_department",
    "difficulty",
    "report_error",
    "street_visible",
)

#: The issue types (brief section 5), one row each: the defaults of
#: ``issues.<type>.<column>`` (columns as in :data:`ISSUE_TYPE_COLUMNS`; what each
#: column means is in :class:`IssueTypeConfig`).
# fmt: off
ISSUE_TYPE_TABLE: dict[str, tuple] = {
    #                    rate  sev_a sev_b base_h deadl. expect. self_r dept diff. rep_e street
    "neighbour_dispute": (0.03, 2.0, 5.0, 3.0,  240.0, 48.0,  0.25, 0, 1.9, 0.3, False),
    "property_dispute":  (0.08, 2.0, 5.0, 2.0,  240.0, 48.0,  0.4,  4, 1.5, 0.3, False),
    "facility_fault":    (0.06, 2.0, 6.0, 2.0,  240.0, 48.0,  0.15, 1, 1.0, 0.3, False),
    "safety_hazard":     (0.02, 2.0, 4.0, 3.0,  120.0, 24.0,  0.08, 2, 1.0, 0.3, False),
    "service_need":      (0.5,  2.0, 5.0, 2.0,  168.0, 48.0,  0.1,  3, 1.0, 0.3, False),
    "urban_matter":      (11.8, 1.5, 9.0, 0.25, 48.0,  24.0,  0.01, 1, 0.3, 0.2, True),
    "collective_matter": (0.01, 2.0, 3.0, 8.0,  720.0, 336.0, 0.3,  4, 1.0, 0.3, False),
}
# fmt: on


def _issue_type(key: str):
    """The config field of issue type ``key``, its defaults from :data:`ISSUE_TYPE_TABLE`."""
    row = dict(zip(ISSUE_TYPE_COLUMNS, ISSUE_TYPE_TABLE[key], strict=True))
    return field(default_factory=lambda: IssueTypeConfig(**row))


@dataclass
class IssuesConfig(Frozen):
    # one section per issue type, from ISSUE_TYPE_TABLE
    neighbour_dispute: IssueTypeConfig = _issue_type("neighbour_dispute")
    property_dispute: IssueTypeConfig = _issue_type("property_dispute")
    facility_fault: IssueTypeConfig = _issue_type("facility_fault")
    safety_hazard: IssueTypeConfig = _issue_type("safety_hazard")
    service_need: IssueTypeConfig = _issue_type("service_need")
    urban_matter: IssueTypeConfig = _issue_type("urban_matter")
    collective_matter: IssueTypeConfig = _issue_type("collective_matter")
    worsen_per_day: float = param(
        0.005,
        0.0,
        1.0,
        "a severity increment per day in [0, 1]",
        "severity growth of an undiscovered issue",
        unit="/day",
    )
    neglect_effect: float = share(
        1.0, "faults/hazards: rate x (1 + effect * neglect share)", unit=""
    )
    neglect_days: int = days(60, "days without patrol at which neglect saturates")
    need_lapse_days: int = days(30, "an undiscovered service need lapses (unmet) after this")
    dispute_intractable: float = share(
        0.2,
        "a dispute nobody can settle by agreement: with probability dispute_intractable x "
        "(0.5 + severity) x (1 - 0.5 x the household's legal literacy), drawn when it "
        "arises; every attempt on it fails and it ends referred on (FAILED)",
    )
    max_attempts: int = integer(
        3, 1, 100, "failed handling attempts before an issue closes as failed"
    )
    reopen_delay_hours: float = hours(24.0, "wait before a failed attempt is retried")
    hours_noise: float = param(
        0.3,
        0.0,
        3.0,
        "a lognormal sigma in [0, 3]",
        "lognormal sigma of the hours an issue needs",
        unit="h",
    )


@dataclass
class WorkerConfig(Frozen):
    """网格员: part-time, siloed by default."""

    hours_per_day: float = hours(4.0, "working hours per day (patrol included)")
    patrol_hours: float = hours(2.0, "hours per day spent patrolling")
    cells_per_patrol_hour: float = param(
        15.0, 0.0, 10000.0, "a non-negative number", "households visited per patrol hour"
    )
    find_prob: float = share(0.5, "finds an issue in a patrolled cell")
    silo_coverage: float = share(0.4, "find factor for types outside the worker's silo")
    training: float = share(
        0.6,
        "training of the workers: report error = error_k x (1 - training) x tools x "
        "(1 + workload_effect x utilisation)",
    )
    workload_effect: float = factor(
        0.5, "report error rises with the worker's utilisation of the day before", hi=10.0, unit=""
    )
    report_delay_hours: float = hours(4.0, "max delay from finding to report (uniform)")
    skill: float = share(0.8, "handling skill", unit="")
    small_threshold: float = share(
        0.3, "severity up to which the worker handles on the spot", unit="severity"
    )
    staffing: str = "workload"  # workload or households: how the street's workers are shared
    overtime_share: float = param(
        0.25,
        0.0,
        2.0,
        "a share of daily hours in [0, 2]",
        "paid overtime a worker adds (at most this share of its hours) on a day that starts "
        "with more work waiting than its hours",
        unit="share",
    )
    remit: list[str] = field(  # issue types of the worker's own silo
        default_factory=lambda: ["neighbour_dispute", "safety_hazard", "urban_matter"]
    )


@dataclass
class DepartmentConfig(Frozen):
    """职能部门: slow by default."""

    hours_per_day: float = hours(16.0, "handling hours per day, per department")
    skill: float = share(0.85, "handling skill", unit="")
    response_delay_hours: float = hours(
        4.0, "mean of an exponential travel and scheduling delay before work starts"
    )
    streets_per_team: int = integer(
        10,
        1,
        1000,
        "streets a district department's team serves: this world's streets and, for the "
        "rest, streets outside the model whose cases arrive as other_cases_per_day",
    )
    other_cases_per_day: float = param(
        0.36,
        0.0,
        10000.0,
        "a rate in cases per day in [0, 10000]",
        "cases a team receives per day from each street outside the model (Poisson; "
        "every silo alike: the other streets' transport, market or housing matters)",
        unit="/day",
    )
    other_case_hours: float = hours(3.0, "mean handler hours of another street's case")
    visit_hours: float = hours(
        1.5,
        "a department case starts with a site visit of this many hours (travel and "
        "inspection); the remedy follows after remedy_lag_days",
    )
    remedy_lag_days: float = param(
        5.0,
        0.0,
        365.0,
        "a number of days in [0, 365]",
        "mean (exponential) elapsed days from a department's site visit to the start of "
        "its remedy: crews, materials, a second department's consent",
        unit="days",
    )
    misroute_prob: float = share(
        0.1, "an accurate report sent to the wrong silo (traditional intake only)"
    )
    transfer_hours: float = hours(0.5, "handler time to find out an issue is not theirs")
    transfer_delay_hours: float = hours(48.0, "queue delay after a transfer")
    drop_prob: float = share(0.1, "a transferred issue is lost")


@dataclass
class FirmConfig(Frozen):
    """物业公司: staff paid from the fees collected; routine service and repairs."""

    quality_mean: float = share(
        0.6, "initial mean service quality (also the reference of the property-dispute rate)"
    )
    quality_sd: float = share(0.05, "spread of initial quality between firms")
    fee_yuan_month: float = param(
        150.0,
        0.0,
        100000.0,
        "a number of yuan in [0, 100000]",
        "property fee per managed household per month (about 1.5-2.5 yuan per m2 of an 80 m2 flat)",
        unit="yuan",
    )
    staff_share: float = share(
        0.45,
        "share of the fees collected that a firm spends on staff hours (the rest: "
        "materials, utilities, overhead and a normal margin)",
    )
    skim_share: float = share(
        0.25,
        "share of the fees collected that a firm keeps beyond a normal margin; oversight "
        "(an owners' committee auditing the accounts) turns it back into staff hours",
    )
    service_hours_per_household: float = param(
        0.06,
        0.0,
        24.0,
        "hours per managed household per day in [0, 24]",
        "routine service the contract sets (cleaning, security, upkeep); a firm delivers "
        "it from its staff hours before repairs and disputes, as far as its hours allow",
        unit="h",
    )
    quality_half: float = param(
        0.35,
        0.01,
        100.0,
        "a ratio in [0.01, 100]",
        "quality target = r / (r + quality_half), r the routine service delivered "
        "against the contract's standard over the last month",
    )
    skill_base: float = share(0.3, "skill = skill_base + skill_quality * quality")
    skill_quality: float = share(0.8, "skill gained per unit of quality")
    response_delay_hours: float = hours(24.0, "mean exponential delay before work starts")
    quality_adjust: float = share(0.35, "monthly pull of quality toward its target")
    property_sat_rate: float = share(0.02, "daily pull of property satisfaction toward quality")
    fee_slope: float = param(
        6.0,
        0.0,
        100.0,
        "a slope in [0, 100]",
        "logistic slope of fee payment in property satisfaction",
    )
    fee_midpoint: float = share(0.55, "property satisfaction at which half pay")
    billing_days: int = days(30, "days between bills (and firm reviews)")


@dataclass
class NGOConfig(Frozen):
    """社会组织 / 社工: one per community by default."""

    hours_per_day: float = hours(
        12.0, "staff hours per day, per NGO (a community social-work station of 1-2 workers)"
    )
    skill: float = share(0.85, "handling skill", unit="")
    response_delay_hours: float = hours(24.0, "mean exponential delay before work starts")
    visits_per_household_month: float = param(
        0.75,
        0.0,
        30.0,
        "visits per month in [0, 30]",
        "contracted home visits to each vulnerable household of the community (elderly "
        "living alone, disabled, low income), made in turn as far as the hours allow",
        unit="/month",
    )
    hours_per_visit: float = hours(1.0, "hours of one home visit, travel included")
    visit_find_prob: float = share(
        0.9, "a home visit finds a latent problem of the household (a need, a fault...)"
    )


@dataclass
class MediatorConfig(Frozen):
    """人民调解委员会: the community's people's mediation committee."""

    members_per_community: int = integer(
        3, 0, 1000, "mediators on the community's committee (3-5 is the national norm)"
    )
    hours_each_per_day: float = hours(1.0, "hours each mediator gives per day")
    skill: float = share(
        0.6,
        "a session's skill: it fails with probability (1 - skill) * (0.5 + severity) * difficulty",
        unit="",
    )
    convene_days: float = param(
        3.0,
        0.0,
        365.0,
        "a number of days in [0, 365]",
        "mean (exponential) days from taking a dispute to the first session with both parties",
        unit="days",
    )
    session_interval_days: float = param(
        5.0,
        0.0,
        365.0,
        "a number of days in [0, 365]",
        "days between sessions when one ends without agreement; after issues.max_attempts "
        "sessions without agreement the dispute is referred on (FAILED)",
        unit="days",
    )


@dataclass
class PartyConfig(Frozen):
    """社区党委: one per community."""

    hours_per_day: float = hours(4.0, "staff hours per day, per party branch")
    skill: float = share(0.8, "handling skill", unit="")
    hours_per_participant: float = hours(
        0.05, "staff hours of organising per resident taking part in an activity"
    )
    visits_per_household_year: float = param(
        1.0,
        0.0,
        365.0,
        "visits per year in [0, 365]",
        "home visits (入户走访) the branch's staff make to each household of the community, "
        "in turn, as far as the hours allow",
        unit="/year",
    )
    hours_per_visit: float = hours(0.5, "hours of one home visit")
    visit_find_prob: float = share(0.5, "a home visit finds a latent problem of the household")
    volunteer_share: float = share(0.05, "share of yesterday's volunteer hours at its disposal")
    acceptance_intercept: float = param(
        -0.55,
        -20.0,
        20.0,
        "a logistic coefficient in [-20, 20]",
        "logit of a collective decision being carried out when none of the affected "
        "households took part",
    )
    acceptance_participation: float = param(
        7.0,
        0.0,
        50.0,
        "a logistic coefficient in [0, 50]",
        "logit gained per share of affected households who took part in community "
        "activity in the last window_days",
    )
    acceptance_radius: int = param(
        1,
        0,
        10,
        "an integer radius in [0, 10]",
        "households within this Chebyshev radius of a collective matter are affected by it",
    )


@dataclass
class ParticipationConfig(Frozen):
    intercept: float = param(
        -5.27,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "logit of daily participation of an average resident",
    )
    civic: float = param(
        2.0,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "logit coefficient of civic propensity",
    )
    trust: float = param(
        1.5, -100.0, 100.0, "a logistic coefficient in [-100, 100]", "logit coefficient of trust"
    )
    neighbours: float = param(
        2.0,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "logit coefficient of the share of neighbours taking part",
    )
    incentive: float = param(
        1.0,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "logit coefficient of incentive value (points)",
    )
    time_cost: float = param(
        1.0,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "logit coefficient of the cost of time",
    )
    invitation: float = param(
        4.0,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "logit bonus of a household invited to an activity today (e.g. a council meeting)",
    )
    party_member: float = param(
        1.0, -100.0, 100.0, "a logistic coefficient in [-100, 100]", "logit bonus of party members"
    )
    tenure: float = param(
        0.3,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "logit coefficient of log(1 + years lived there), centred at 2 (about 6 years): "
        "long-standing residents take part more",
    )
    hours_per_activity: float = hours(2.0, "volunteer hours per activity")
    window_days: int = days(30, "'recent' participation and disputes")
    contagion: float = param(
        2.0,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "dispute multiplier per share of neighbours with a recent dispute",
    )
    cohesion_effect: float = param(
        2.0,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "dispute multiplier exp(-k * (participating neighbours - ref))",
    )
    cohesion_reference: float = param(
        0.19,
        -100.0,
        100.0,
        "a logistic coefficient in [-100, 100]",
        "participation share at which cohesion is neutral",
    )


@dataclass
class EscalationConfig(Frozen):
    hotline_prob: float = share(0.35, "at each passed deadline of an open reported issue")
    petition_after: int = param(
        2, 1, 1000, "an integer >= 1", "complaints before the next becomes a petition"
    )
    dispute_growth_per_day: float = param(
        0.004,
        0.0,
        1.0,
        "a severity increment per day in [0, 1]",
        "severity growth of an open dispute",
        unit="/day",
    )
    literacy_damping: float = share(0.5, "legal literacy slows dispute growth")
    criminal_threshold: float = param(
        0.9, 0.0, 1.0, "a severity in [0, 1]", "民转刑", unit="severity"
    )
    recur_prob: float = share(0.5, "a dispute closed unresolved flares up again")
    recur_severity_step: float = share(0.15, "severity added when it flares up", unit="severity")


@dataclass
class CallbackConfig(Frozen):
    """回访: the loop closes with the resident (processes/callbacks.py)."""

    survey_share: float = share(
        0.1,
        "share of closed issues that households wait for (other than hotline requests, "
        "which are always called back) that a third party's survey calls back",
    )


@dataclass
class ReviewConfig(Frozen):
    """考核: handlers are reviewed and lean their care per case toward what it weighs
    (never their paid hours)."""

    period_days: int = days(30, "days between reviews")
    weight_closure: float = param(
        0.4, 0.0, 1.0, "a weight in [0, 1]", "review weight of on-time closure"
    )
    weight_response: float = param(
        0.3, 0.0, 1.0, "a weight in [0, 1]", "review weight of timeliness"
    )
    weight_satisfaction: float = param(
        0.3, 0.0, 1.0, "a weight in [0, 1]", "review weight of residents' outcome score"
    )
    target_score: float = share(
        0.7, "score below which a handler leans harder toward what the review weighs"
    )
    effort_gain: float = param(
        0.3,
        0.0,
        10.0,
        "a number in [0, 10]",
        "how much harder a handler leans per unit of score below target",
    )
    max_effort_change: float = param(
        0.2,
        0.0,
        0.9,
        "a share in [0, 0.9]",
        "largest thoroughness: hours per case x (1 + t), failures x (1 - t)",
        unit="share",
    )
    gaming_threshold: float = share(
        0.5, "closure weight share above which handlers game it", unit="severity"
    )
    gaming_max: float = share(0.8, "false-closure probability of a failed attempt at weight 1")


@dataclass
class OutcomeConfig(Frozen):
    coverage_days: int = days(
        30,
        "vulnerable_coverage: a vulnerable household counts as covered when a service "
        "reached it (a home visit, a need met) within this many days",
    )
    warmup_days: int = days(
        90,
        "days at the start of a run that outcomes leave out (the street settles into its "
        "steady state), when the run is at least twice as long; a shorter run (a class, a "
        "test) counts from day 0. The summary states its window (window_start_day)",
        lo=0,
        hi=100000,
    )
    need_standard_hours: float = param(
        72.0,
        1.0,
        100000.0,
        "a positive number of hours",
        "the service standard for vulnerable residents' needs: met within this many hours "
        "of arising (service_need_met_rate)",
        unit="h",
    )
    hotspot_permutations: int = integer(
        999,
        0,
        100000,
        "random relabellings of zones for the permutation p-value of Moran's I (hotspot_p)",
    )
    weight_satisfaction: float = param(
        0.4, 0.0, 1.0, "a weight in [0, 1]", "efficiency index weight of satisfaction"
    )
    weight_disposal: float = param(
        0.3, 0.0, 1.0, "a weight in [0, 1]", "efficiency index weight of closure rate"
    )
    weight_innovation: float = param(
        0.3, 0.0, 1.0, "a weight in [0, 1]", "efficiency index weight of participation"
    )
    wage_worker: float = wage(40.0, "yuan per hour")
    wage_department: float = wage(80.0, "yuan per hour")
    wage_firm: float = wage(35.0, "yuan per hour")
    wage_ngo: float = wage(45.0, "yuan per hour")
    wage_party: float = wage(50.0, "yuan per hour")


@dataclass
class OutputConfig(Frozen):
    figures: bool = True  # write outcomes.png and map.png
    events: bool = True  # write events.parquet
    progress: bool = True  # show progress while running
    table: bool = True  # print the summary table
    animation: str = "none"  # none, gif or mp4: write animation.<fmt> of the map and charts
    animation_every: int = days(5, "days between animation frames", hi=100000)
    animation_fps: int = integer(8, 1, 60, "animation frames per second")
    animation_variable: str = "satisfaction"  # map colour: satisfaction, trust, participation


@dataclass
class SweepConfig(Frozen):
    baseline: str = ""  # overrides of the baseline scenario for effects, e.g. "mechanisms=[]"


@dataclass
class SampleConfig(Frozen):
    file: str = ""  # a samples.csv of a sensitivity analysis (one row per sample)
    index: int = param(
        -1,
        -1,
        1000000000,
        "a row of the samples file (-1: none)",
        "the row whose parameter values this run uses",
    )


@dataclass
class ModelConfig(Frozen):
    """The model's parameters: everything that decides what a run computes (and so its
    config hash). Canonical keys: seed, steps, world.*, mechanisms."""

    seed: int = integer(42, 0, 4294967295, "the run's one random stream")
    steps: int = days(365, "days", hi=100000)
    mechanisms: list[str] = field(default_factory=list)  # policy mechanisms switched on
    #: the mechanisms' pathways switched off (a decomposition of their effect):
    #: hours, information, routing, behaviour, money, skill (core/mechanisms/pathways.py)
    pathways_off: list[str] = field(default_factory=list)
    world: WorldConfig = field(default_factory=WorldConfig)
    housing: HousingConfig = field(default_factory=HousingConfig)
    residents: ResidentConfig = field(default_factory=ResidentConfig)
    issues: IssuesConfig = field(default_factory=IssuesConfig)
    workers: WorkerConfig = field(default_factory=WorkerConfig)
    departments: DepartmentConfig = field(default_factory=DepartmentConfig)
    firms: FirmConfig = field(default_factory=FirmConfig)
    ngos: NGOConfig = field(default_factory=NGOConfig)
    mediators: MediatorConfig = field(default_factory=MediatorConfig)
    party: PartyConfig = field(default_factory=PartyConfig)
    participation: ParticipationConfig = field(default_factory=ParticipationConfig)
    escalation: EscalationConfig = field(default_factory=EscalationConfig)
    callbacks: CallbackConfig = field(default_factory=CallbackConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    outcomes: OutcomeConfig = field(default_factory=OutcomeConfig)
    #: one typed section per mechanism, ``mechanism_params.<name>``: each mechanism's
    #: ``Params`` dataclass (see :func:`mechanism_params_schema`)
    mechanism_params: Any = field(default_factory=lambda: mechanism_params_schema()())


@dataclass
class Config(ModelConfig):
    """Root configuration: the model's parameters (:class:`ModelConfig`) and the run's
    options, which change how a run is written or resumed, never what it computes."""

    output: OutputConfig = field(default_factory=OutputConfig)
    sweep: SweepConfig = field(default_factory=SweepConfig)
    resume: bool = False  # skip a run whose complete results exist for the same config
    resume_any_version: bool = False  # resume keeps results of another version or git revision
    sample: SampleConfig = field(default_factory=SampleConfig)


#: the model's parameters, by top-level key (a config hash reads these alone)
MODEL_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ModelConfig))


@functools.cache
def world_presets() -> dict[str, dict]:
    """The world presets, name -> world keys: the config tree's ``world`` group
    (``configs/world/*.yaml``, installed as ``cogov_sim.conf``), their one source, and
    the worlds a user saved from their own files (``user_world_dir()``; a saved world
    never hides a built-in one of the same name)."""
    folder = resources.files("cogov_sim.conf") / "world"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out[entry.name[: -len(".yaml")]] = yaml.safe_load(entry.read_text(encoding="utf-8"))
    own = user_world_dir()
    if own.is_dir():
        for entry in sorted(own.glob("*.yaml")):
            if entry.stem not in out:
                data = yaml.safe_load(entry.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    out[entry.stem] = data
    return out


def user_config_dir():
    """The user's own config tree (Hydra searches it after the package's): its ``world``
    folder holds the worlds saved with ``cogov-sim-fit world --save``. It is
    ``$COGOV_SIM_HOME/configs``, by default ``~/.cogov-sim/configs``."""
    import os
    from pathlib import Path

    home = os.environ.get("COGOV_SIM_HOME") or "~/.cogov-sim"
    return Path(home).expanduser() / "configs"


def user_world_dir():
    """Where ``cogov-sim-fit world --save NAME`` writes ``NAME.yaml``."""
    return user_config_dir() / "world"


@functools.cache
def mechanism_params_schema(extra: tuple = ()) -> type:
    """A dataclass with one field per known mechanism (and per class in ``extra``), typed
    by the mechanism's ``Params`` dataclass: the schema of ``mechanism_params``.

    The schema with ``extra`` classes subclasses the one without, so that a config
    composed with the known mechanisms merges into it."""
    if extra:
        base = mechanism_params_schema()
        names = {f.name for f in dataclasses.fields(base)}
        fields = [
            (cls.name, cls.Params, field(default_factory=cls.Params))
            for cls in extra
            if cls.name not in names
        ]
        return dataclasses.make_dataclass("MechanismParamsPlus", fields, bases=(base,))
    fields = [
        (name, cls.Params, field(default_factory=cls.Params)) for name, cls in known().items()
    ]
    cls = dataclasses.make_dataclass("MechanismParams", fields, bases=(Frozen,))
    cls.__module__ = __name__
    return cls


def default_config(extra: tuple = ()) -> DictConfig:
    """The schema's defaults as a structured (typed, closed) OmegaConf config.

    Args:
        extra: mechanism classes beyond the known ones (named by import path in
            ``mechanisms``) whose parameter sections the schema should have.
    """
    return copy.deepcopy(_default_template(tuple(extra)))


@functools.cache
def _default_template(extra: tuple) -> DictConfig:
    # Built once per set of extra mechanisms and never handed out (copies are: a copy
    # costs a fifth of building the structured config again).
    cfg = OmegaConf.structured(Config)
    if extra:
        cfg.mechanism_params = OmegaConf.structured(mechanism_params_schema(extra))
    return cfg


def allowed_keys(key: str, schema: DictConfig | None = None) -> str:
    """The keys the schema allows beside ``key``, nearest matches first."""
    import difflib

    parent, _, leaf = key.rpartition(".")
    node = default_config() if schema is None else schema
    for part in [p for p in parent.split(".") if p]:
        if not isinstance(node, DictConfig) or part not in node:
            node = None
            break
        node = node[part]
    if isinstance(node, DictConfig):
        where = f"under '{parent}'" if parent else "at the top level"
        keys = [str(k) for k in node.keys()]
        near = difflib.get_close_matches(leaf, keys, n=3)
        hint = f"did you mean {' or '.join(repr(k) for k in near)}? " if near else ""
        return f"{hint}keys {where}: " + ", ".join(keys)
    return "a key of the schema in cogov_sim/core/config.py"


def config_error_from_omegaconf(exc: Exception, schema: DictConfig | None = None) -> ConfigError:
    """A :class:`ConfigError` naming the key of an OmegaConf error."""
    from omegaconf.errors import ConfigAttributeError, ConfigKeyError

    key = getattr(exc, "full_key", None) or "?"
    if isinstance(exc, (ConfigKeyError, ConfigAttributeError)):
        return ConfigError(key, allowed_keys(key, schema), unknown=True)
    text = str(exc).split("\n")[0]
    err = ConfigError(key, text)
    err.args = (f"invalid configuration at '{key}': {text}",)
    return err


def _check_known_keys(data, schema: DictConfig, prefix: str = "") -> None:
    """Raise ConfigError for the first key of ``data`` that the schema does not have."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        full = f"{prefix}{key}"
        if key not in schema:
            raise ConfigError(full, allowed_keys(full), unknown=True)
        sub = schema._get_node(key)
        if isinstance(sub, DictConfig):
            _check_known_keys(value, sub, full + ".")


def _named_mechanisms(cfg, dotted: dict) -> list:
    names = dotted.get("mechanisms")
    if names is None and cfg is not None:
        names = cfg.get("mechanisms") if hasattr(cfg, "get") else None
    if names is None or isinstance(names, str):
        return []
    return [str(n) for n in names]


def _allowed_value(key: str, node, info) -> str:
    """What a key accepts, in words: its range, or its type."""
    if info is not None:
        return info.allowed
    if key == "mechanisms":
        from cogov_sim.core.mechanisms.registry import known

        return "a list of mechanism names: " + ", ".join(known()) + ", or import paths"
    if isinstance(node, BooleanNode):
        return "true or false"
    if isinstance(node, IntegerNode):
        return "an integer"
    if isinstance(node, FloatNode):
        return "a number"
    if isinstance(node, StringNode):
        return "text"
    if isinstance(node, ListConfig):
        return "a list, e.g. [a,b]"
    return "a value of the schema's type (cogov_sim/core/config.py)"


def value_error(key: str, value, schema=None):
    """The :class:`~cogov_sim.core.errors.ConfigError` of a value ``key`` cannot take (wrong type):
    the key, the value and what the key allows (its range, or its type)."""
    node = default_config() if schema is None else schema
    parent = node
    parts = key.split(".")
    for part in parts[:-1]:
        if not isinstance(parent, DictConfig) or part not in parent:
            return ConfigError(key, _allowed_value(key, None, None), value)
        parent = parent._get_node(part)
    leaf = parent._get_node(parts[-1]) if isinstance(parent, DictConfig) else None
    cls = OmegaConf.get_type(parent) if isinstance(parent, DictConfig) else None
    infos = param_infos(cls) if cls is not None and cls is not dict else {}
    return ConfigError(key, _allowed_value(key, leaf, infos.get(parts[-1])), value)


def _world_preset(name: str) -> dict:
    presets = world_presets()
    if name not in presets:
        raise ConfigError(
            "world", "a world preset (" + ", ".join(presets) + ") or a mapping of world keys", name
        )
    return dict(presets[name])


def _expand_world_preset(dotted: dict) -> dict:
    """``world="classroom"`` as the preset's keys; ``world.name`` naming a preset alone
    (no size given with it) refused with the preset's way, so that it never silently
    builds a world of another size under the preset's name."""
    out = dict(dotted)
    if isinstance(out.get("world"), str):
        out["world"] = _world_preset(out["world"])
    return out


def check_world_name(name, width, height) -> None:
    """Refuse a world labelled with a preset's name but of another size (``world.name``
    is a label: setting it alone never builds the preset).

    Raises:
        ConfigError: naming the way to choose the preset."""
    preset = world_presets().get(str(name))
    if (
        preset is not None
        and "width" in preset
        and (int(width), int(height)) != (preset["width"], preset["height"])
    ):
        raise ConfigError(
            "world.name",
            f"a label of the world; to build the {name!r} preset name it as a world: "
            f"world={name} on the command line, world={name!r} in Python (a world of "
            f"your own size under a preset's name needs world.width and world.height)",
            name,
        )


def is_complete(cfg) -> bool:
    """A typed config of the schema (as :func:`make_config` returns), without Hydra's node."""
    return (
        isinstance(cfg, DictConfig)
        and OmegaConf.get_type(cfg) is Config
        and OmegaConf.get_type(cfg, "mechanism_params") is mechanism_params_schema()
        and "hydra" not in cfg
    )


def make_config(cfg: DictConfig | dict | None = None, **dotted) -> DictConfig:
    """Merge a partial config and dotted overrides onto the typed schema.

    Mechanisms named by import path (``pkg.module:Class``) in ``mechanisms`` get
    their ``Params`` section under ``mechanism_params.<Class.name>``.

    Args:
        cfg: a (possibly partial) config; unknown keys and wrong types raise
            :class:`cogov_sim.core.errors.ConfigError` naming the key.
        **dotted: overrides as dotted keys, e.g. ``**{"world.width": 40}``.

    Returns:
        A typed config: every section with its defaults.
    """
    from omegaconf.errors import OmegaConfBaseException

    dotted = _expand_world_preset(dotted)
    if isinstance(cfg, dict) and isinstance(cfg.get("world"), str):
        cfg = {**cfg, "world": _world_preset(cfg["world"])}
    extra = tuple(resolve(n) for n in _named_mechanisms(cfg, dotted) if n not in known())
    if is_complete(cfg) and not dotted and not extra:
        # Already typed and complete (made here): a copy, not a merge onto the schema
        # again (which costs about ten times more: simulate() goes through here twice).
        return copy.deepcopy(cfg)
    base = default_config(extra)
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
                raise ConfigError(key, allowed_keys(key, base), value, unknown=True)
            try:
                OmegaConf.update(base, node_key, value, merge=True)
            except (OmegaConfBaseException, ValueError, TypeError):
                # the same error as the command line's and simulate()'s
                raise value_error(key, value, base) from None
    except OmegaConfBaseException as exc:
        raise config_error_from_omegaconf(exc, base) from None
    if "world.name" in dotted and not {"world.width", "world.height"} & dotted.keys():
        check_world_name(base.world.name, base.world.width, base.world.height)
    return base


def __getattr__(name: str):
    # The generated schema of mechanism_params is found by name, so that configs pickle
    # (Hydra's launchers send them to other processes).
    if name == "MechanismParams":
        return mechanism_params_schema()
    if name == "WORLD_PRESETS":
        return world_presets()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
