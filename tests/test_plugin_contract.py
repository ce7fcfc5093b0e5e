"""The mechanism plug-in contract: mechanisms change actors, routing and information;
processes produce outcomes; the config that runs is the config that was saved."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from omegaconf import OmegaConf

from cogov_sim.core.errors import ContractError
from cogov_sim.core.issues import Channel, EventKind, IssueState, IssueType, register_channel
from cogov_sim.core.mechanisms import MECHANISMS, Mechanism
from cogov_sim.core.mechanisms.base import Sightings
from cogov_sim.core.mechanisms.registry import builtin
from cogov_sim.core.model import CoGovModel
from cogov_sim.results.writing import config_hash
from tests.conftest import small

PKG = Path(__file__).resolve().parent.parent / "cogov_sim" / "core"
CORE = [PKG / "model.py", PKG / "outcomes.py", *sorted((PKG / "processes").glob("*.py"))]
CORE += sorted((PKG / "actors").glob("*.py"))


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PKG)))
def test_core_modules_name_no_mechanism(path):
    text = path.read_text(encoding="utf-8")
    named = [n for n in builtin() if re.search(rf"\b{n}\b", text)]
    assert named == [], f"{path.name} names mechanisms {named}"
    assert "policy" not in re.findall(r"model\.(\w+)", text)


class _WritesSatisfaction(Mechanism):
    name = "writes_satisfaction"

    def begin_step(self, model):
        model.residents.satisfaction[:10] = 1.0


class _WritesTrustInSetup(Mechanism):
    name = "writes_trust"

    def setup(self, model):
        model.residents.trust += 0.1


class _WritesParticipation(Mechanism):
    name = "writes_participation"

    def after_handle(self, model):
        model.residents.last_part[:5] = model.day


class _ClosesIssues(Mechanism):
    name = "closes_issues"

    def after_dispatch(self, model, ids):
        from cogov_sim.core.issues import EventKind, IssueState

        model.transition(ids, IssueState.RESOLVED, EventKind.RESOLVE, model.day_end)


class _WritesConfig(Mechanism):
    name = "writes_config"

    def setup(self, model):
        model.cfg.workers.find_prob = 1.0


def _model_with(cls, **kw):
    """A small model whose mechanism list is ``cls`` (bypassing the registry)."""
    from cogov_sim.core.mechanisms.base import MechanismSet

    m = CoGovModel(**small(steps=10, **kw))
    m.mechanisms = MechanismSet(m, [cls()])
    return m


@pytest.mark.parametrize(
    "cls", [_WritesSatisfaction, _WritesTrustInSetup, _WritesParticipation], ids=lambda c: c.name
)
def test_a_mechanism_that_writes_an_outcome_fails_naming_the_hook_and_the_field(cls):
    m = _model_with(cls)
    field = {
        "writes_satisfaction": ("begin_step", "residents.satisfaction"),
        "writes_trust": ("setup", "residents.trust"),
        "writes_participation": ("after_handle", "residents.last_part"),
    }[cls.name]
    with pytest.raises(ContractError) as exc:
        m.mechanisms.setup()
        m.run(10)
    assert str(exc.value).startswith(
        f"mechanism {cls.name!r} in hook {field[0]!r} wrote {field[1]}: "
    )


class _RebindsSatisfaction(Mechanism):
    name = "rebinds_satisfaction"

    def begin_step(self, model):
        model.residents.satisfaction = model.residents.satisfaction + 0.01


class _RebindsIssues(Mechanism):
    name = "rebinds_issues"

    def after_handle(self, model):
        model.issues = type(model.issues)()


@pytest.mark.parametrize(
    ("cls", "hook", "field"),
    [
        (_RebindsSatisfaction, "begin_step", "residents.satisfaction"),
        (_RebindsIssues, "after_handle", "issues"),
    ],
    ids=["an array", "a store"],
)
def test_a_mechanism_that_rebinds_an_outcome_field_fails_and_the_field_is_put_back(
    cls, hook, field
):
    m = _model_with(cls)
    owner = m.residents if field.startswith("residents") else m
    before = getattr(owner, field.rpartition(".")[2])
    with pytest.raises(ContractError) as exc:
        m.run(3)
    assert str(exc.value).startswith(f"mechanism {cls.name!r} in hook {hook!r} rebound {field}:")
    assert getattr(owner, field.rpartition(".")[2]) is before


class _PushesStart(Mechanism):
    name = "pushes_start"

    def after_dispatch(self, model, ids):
        model.issues.t_available[ids] += 48.0


class _CutsHours(Mechanism):
    name = "cuts_hours"

    def after_dispatch(self, model, ids):
        model.issues.hours_needed[ids] = 0.0


@pytest.mark.parametrize(
    ("cls", "field"),
    [(_PushesStart, "issues.t_available"), (_CutsHours, "issues.hours_needed")],
    ids=["t_available", "hours_needed"],
)
def test_a_mechanism_that_writes_an_issue_field_fails_naming_it(cls, field):
    m = _model_with(cls)
    with pytest.raises(ContractError) as exc:
        m.run(10)
    assert str(exc.value).startswith(
        f"mechanism {cls.name!r} in hook 'after_dispatch' wrote {field}"
    )


class _SchedulesLater(Mechanism):
    name = "schedules_later"

    def after_dispatch(self, model, ids):
        iss = model.issues
        model.schedule(ids, t_available=iss.t_available[ids] + 48.0)


class _SchedulesBeforeReport(Mechanism):
    name = "schedules_early"

    def after_dispatch(self, model, ids):
        model.schedule(ids, t_available=model.issues.t_report[ids] - 1.0)


def test_schedule_is_the_lever_on_an_issues_start_and_it_delays_the_response():
    base = _model_with(Mechanism)
    later = _model_with(_SchedulesLater)
    base.run(10)
    later.run(10)
    assert later.summary()["response_hours_mean"] > base.summary()["response_hours_mean"] + 24


def test_schedule_refuses_a_start_before_the_report():
    m = _model_with(_SchedulesBeforeReport)
    with pytest.raises(ContractError, match="before it was reported"):
        m.run(10)


def test_a_mechanism_that_moves_issues_through_their_lifecycle_fails():
    m = _model_with(_ClosesIssues)
    with pytest.raises(ContractError) as exc:
        m.run(10)
    assert str(exc.value).startswith(
        "mechanism 'closes_issues' in hook 'after_dispatch' tried to change the state of issues"
    )


class Triage(Mechanism):
    """A plug-in that reuses the built-in name 'triage'."""

    name = "triage"


def test_an_import_path_mechanism_reusing_a_built_in_name_is_refused():
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.mechanisms.registry import resolve

    with pytest.raises(ConfigError) as exc:
        resolve("tests.test_plugin_contract:Triage")
    assert str(exc.value) == (
        "invalid value for 'mechanisms': 'tests.test_plugin_contract:Triage' (allowed: a "
        "mechanism whose name is not already taken ('triage' is "
        "cogov_sim.core.mechanisms.triage:Triage); give Triage a name of its own)"
    )


RIDERS = register_channel("riders")


class _Riders(Mechanism):
    """Delivery riders trained as reporters: a channel of the plug-in's own."""

    name = "riders"

    def discover(self, model, ids):
        iss = model.issues
        found = ids[iss.itype[ids] == IssueType.URBAN_MATTER][:5]
        t = np.maximum(iss.t_occur[found], model.day_start + 12.0)
        return Sightings(found, t, t, RIDERS, np.ones(found.size, dtype=bool))


def test_a_plugin_registers_a_report_channel_that_the_event_log_names(tmp_path):
    from cogov_sim.results.events import read_events, write_events

    assert register_channel("riders") == RIDERS and RIDERS > max(Channel)
    m = _model_with(_Riders)
    m.run(30)
    path = tmp_path / "events.parquet"
    write_events(m, path)
    df = read_events(path)
    by_riders = df[df["channel"] == "riders"]
    assert len(by_riders) > 0 and set(by_riders["kind"]) == {"discover", "report"}


@pytest.mark.parametrize("name", ["party", "Riders!", ""])
def test_a_report_channel_needs_a_new_lower_case_name(name):
    with pytest.raises(ValueError):
        register_channel(name)


def test_a_mechanism_that_writes_the_config_fails():
    m = _model_with(_WritesConfig)
    with pytest.raises(AttributeError, match="configuration is frozen"):
        m.mechanisms.setup()


def test_outcome_arrays_are_writable_again_after_each_hook():
    m = CoGovModel(**small(steps=5, mechanisms=list(MECHANISMS)))
    m.run()
    assert all(a.flags.writeable for a in m.outcome_arrays())


@pytest.mark.parametrize("mechs", [[n] for n in MECHANISMS] + [list(MECHANISMS)], ids=str)
def test_every_mechanism_runs_under_the_guard_and_leaves_the_config_unchanged(mechs):
    m = CoGovModel(**small(steps=40, mechanisms=mechs))
    before = config_hash(m.config)
    frozen = OmegaConf.to_container(m.config)
    m.run()
    assert config_hash(m.config) == before
    assert OmegaConf.to_container(m.config) == frozen
    assert list(m.config.mechanisms) == mechs
    assert m.summary()["cost_hours"] > 0


def test_mechanism_order_is_the_config_order():
    m = CoGovModel(**small(steps=1, mechanisms=["triage", "integrated_grid"]))
    assert m.mechanisms.names == ["triage", "integrated_grid"]


def test_each_mechanism_has_documented_parameters_with_ranges():
    from cogov_sim.core.params import param_infos

    for name, cls in MECHANISMS.items():
        infos = param_infos(cls.Params)
        fields = cls.Params.__dataclass_fields__
        assert set(infos) == set(fields), f"{name}: fields without param() metadata"
        for key, info in infos.items():
            assert info.meaning, f"{name}.{key} has no meaning"
            assert info.lo <= info.default <= info.hi, f"{name}.{key} default out of range"
            if info.slider is not None:
                lo, hi, step = info.slider
                assert info.lo <= lo < hi <= info.hi and step > 0, f"{name}.{key} slider"
                assert info.label is not None


def test_an_out_of_range_value_is_refused_with_the_range_from_the_field():
    from cogov_sim.core.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        CoGovModel(**small(mechanisms=["red_property"]), **{
            "mechanism_params.red_property.service_level": 200.0
        })  # fmt: skip
    assert str(exc.value) == (
        "invalid value for 'mechanism_params.red_property.service_level': 200.0 "
        "(allowed: a factor in [0, 5])"
    )


def test_unknown_key_names_the_nearest_known_keys():
    from cogov_sim.core.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        CoGovModel(**{"workers.find_prb": 0.5})
    assert "did you mean 'find_prob'?" in str(exc.value)


def test_integrated_grid_routing_lives_in_its_route_hook():
    """Without the hook, the integrated grid keeps its capacity but the worker gets no
    more reports than under silos: routing is the mechanism's, not the core's."""
    from cogov_sim.core.issues import HandlerKind, IssueType
    from cogov_sim.core.mechanisms.integrated_grid import IntegratedGrid

    class NoRoute(IntegratedGrid):
        def route(self, model, ids, kind, target):
            return None

    def worker_share(cls):
        from cogov_sim.core.mechanisms.base import MechanismSet

        m = CoGovModel(**small(steps=120, seed=5))
        m.mechanisms = MechanismSet(m, [cls()])
        m.mechanisms.setup()
        m.workers.sync_capacity()
        m.run()
        iss = m.issues
        case = iss.itype[: iss.n] < IssueType.URBAN_MATTER  # light matters are the worker's
        hk = iss.handler_kind[: iss.n][case]
        return np.mean(hk == HandlerKind.GRID_WORKER)

    assert worker_share(IntegratedGrid) > worker_share(NoRoute) + 0.1


class _BadSightings(Mechanism):
    """Returns Sightings broken in one way, chosen by ``how``."""

    name = "bad_sightings"
    how = ""

    def discover(self, model, ids):
        iss = model.issues
        if self.how == "not shown":
            done = np.flatnonzero(iss.state[: iss.n] >= IssueState.REPORTED)[:1]
            if done.size == 0:
                return None
            pick = done
        else:
            pick = ids[:2]
            if pick.size < 2:
                return None
            if self.how == "twice":
                pick = np.array([pick[0], pick[0]])
        t = np.maximum(iss.t_occur[pick], model.day_start) + 1.0
        t_found = t - 500.0 if self.how == "before it arose" else t
        t_report = t - 0.5 if self.how == "reported before found" else t + 1.0
        return Sightings(pick, t_found, t_report, int(Channel.PARTY), np.ones(pick.size, bool))


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("twice", "returned an issue more than once"),
        ("not shown", "returned issues it was not shown"),
        ("before it arose", "dated a find before its issue arose"),
        ("reported before found", "reported an issue before it was found"),
    ],
)
def test_sightings_that_would_corrupt_the_log_are_refused(how, says):
    cls = type(f"_Bad_{how.replace(' ', '_')}", (_BadSightings,), {"how": how})
    m = _model_with(cls)
    with pytest.raises(ContractError) as exc:
        m.run(10)
    assert str(exc.value).startswith(f"mechanism 'bad_sightings' in hook 'discover' {says}")


class _RewritesDue(Mechanism):
    name = "rewrites_due"

    def route(self, model, ids, kind, target):
        ids[0] = 0  # the issues to route are the model's, not the hook's


class _LogsAResolve(Mechanism):
    name = "logs_a_resolve"

    def after_handle(self, model):
        ids = model.open_ids[:3]
        if ids.size:
            model.log_events(ids, EventKind.RESOLVE, t=model.day_end)


class _EmptiesOpenIssues(Mechanism):
    name = "empties_open_issues"

    def begin_step(self, model):
        model.open_ids = model.open_ids[:0]


class _ForgetsTodaysClosures(Mechanism):
    name = "forgets_todays_closures"

    def after_handle(self, model):
        model.today.closed = model.today.closed[:0]


class _AddsAnIssue(Mechanism):
    name = "adds_an_issue"

    def begin_step(self, model):
        model.issues.add(hh=np.array([0]))


@pytest.mark.parametrize(
    ("cls", "says"),
    [
        (_RewritesDue, "in hook 'route' wrote a read-only array"),
        (_LogsAResolve, "in hook 'after_handle' logged a RESOLVE event"),
        (_EmptiesOpenIssues, "in hook 'begin_step' rebound open_ids"),
        (_ForgetsTodaysClosures, "in hook 'after_handle' rebound today.closed"),
        (_AddsAnIssue, "issues arise from the occurrence process, not from a hook"),
    ],
    ids=lambda v: v.name if isinstance(v, type) else "",
)
def test_the_model_s_own_records_are_out_of_a_hook_s_reach(cls, says):
    """Found by a review: a hook could route other issues than those due, log fake
    resolutions, empty the open issues or today's closures, or add issues."""
    m = _model_with(cls)
    with pytest.raises(ContractError, match=re.escape(says)):
        m.run(10)


class _BackdatesAFind(_BadSightings):
    name = "bad_sightings"
    how = "backdated"

    def discover(self, model, ids):
        iss = model.issues
        old = ids[iss.t_occur[ids] < model.day_start - 24.0][:1]
        if old.size == 0:
            return None
        t = iss.t_occur[old] + 1.0  # found before today
        return Sightings(old, t, t + 1.0, int(Channel.PARTY), np.ones(1, bool))


class _UnknownChannel(_BadSightings):
    how = "unknown channel"

    def discover(self, model, ids):
        pick = ids[:1]
        if pick.size == 0:
            return None
        t = np.maximum(model.issues.t_occur[pick], model.day_start) + 1.0
        return Sightings(pick, t, t + 1.0, 99, np.ones(1, bool))


@pytest.mark.parametrize(
    ("cls", "says"),
    [
        (_BackdatesAFind, "dated a find before its issue arose or outside today"),
        (_UnknownChannel, "reported on channel 99, which is neither built in"),
    ],
    ids=["backdated", "unknown channel"],
)
def test_sightings_dated_before_today_or_on_an_unknown_channel_are_refused(cls, says):
    m = _model_with(cls)
    with pytest.raises(ContractError, match=says):
        m.run(30)
