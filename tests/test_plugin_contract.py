"""The mechanism plug-in contract: mechanisms change actors, routing and information;
processes produce outcomes; the config that runs is the config that was saved."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from omegaconf import OmegaConf

from cogov_sim.mechanisms import MECHANISMS, Mechanism
from cogov_sim.mechanisms.registry import builtin
from cogov_sim.model import CoGovModel
from cogov_sim.results import config_hash
from tests.conftest import small

PKG = Path(__file__).resolve().parent.parent / "cogov_sim"
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
        from cogov_sim.issues import EventKind, IssueState

        model.transition(ids, IssueState.RESOLVED, EventKind.RESOLVE, model.day_end)


class _WritesConfig(Mechanism):
    name = "writes_config"

    def setup(self, model):
        model.cfg.workers.find_prob = 1.0


def _model_with(cls, **kw):
    """A small model whose mechanism list is ``cls`` (bypassing the registry)."""
    from cogov_sim.mechanisms.base import MechanismSet

    m = CoGovModel(**small(steps=10, **kw))
    m.mechanisms = MechanismSet(m, [cls()])
    return m


@pytest.mark.parametrize(
    "cls", [_WritesSatisfaction, _WritesTrustInSetup, _WritesParticipation], ids=lambda c: c.name
)
def test_a_mechanism_that_writes_an_outcome_fails(cls):
    m = _model_with(cls)
    with pytest.raises(ValueError, match="read-only"):
        m.mechanisms.setup()
        m.run(10)


def test_a_mechanism_that_moves_issues_through_their_lifecycle_fails():
    m = _model_with(_ClosesIssues)
    with pytest.raises(RuntimeError, match="mechanisms change actors"):
        m.run(10)


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
    from cogov_sim.params import param_infos

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
    from cogov_sim.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        CoGovModel(**small(mechanisms=["red_property"]), **{
            "mechanism_params.red_property.hours_factor": 200.0
        })  # fmt: skip
    assert str(exc.value) == (
        "invalid value for 'mechanism_params.red_property.hours_factor': 200.0 "
        "(allowed: a factor in [0, 100])"
    )


def test_unknown_key_names_the_nearest_known_keys():
    from cogov_sim.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        CoGovModel(**{"workers.find_prb": 0.5})
    assert "did you mean 'find_prob'?" in str(exc.value)


def test_integrated_grid_routing_lives_in_its_route_hook():
    """Without the hook, the integrated grid keeps its capacity but the worker gets no
    more reports than under silos: routing is the mechanism's, not the core's."""
    from cogov_sim.issues import HandlerKind, IssueType
    from cogov_sim.mechanisms.integrated_grid import IntegratedGrid

    class NoRoute(IntegratedGrid):
        def route(self, model, ids, kind, target):
            return None

    def worker_share(cls):
        from cogov_sim.mechanisms.base import MechanismSet

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
