"""The EMA Workbench connector (cogov_sim.analysis.ema): declarations, runs, NaN, seeds,
notebook."""

from __future__ import annotations

import json
import math
import pickle
import re
import sys
import warnings
from functools import partial

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

from ema_workbench import (  # noqa: E402
    BooleanParameter,
    IntegerParameter,
    Model,
    Policy,
    RealParameter,
    ReplicatorModel,
    ScalarOutcome,
    Scenario,
    SequentialEvaluator,
    perform_experiments,
)

from cogov_sim.analysis import ema  # noqa: E402
from cogov_sim.analysis.space import load_space  # noqa: E402
from cogov_sim.analysis.space_files import resolve_space  # noqa: E402
from cogov_sim.core.mechanisms.registry import known  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

NOTEBOOK = ROOT / "docs" / "notebooks" / "ema_workbench.ipynb"
DOC = ROOT / "docs" / "ema.md"

#: A small space (quick to load and to run): one real and one integer parameter.
SMALL_SPACE = """\
parameters:
  - name: workers.find_prob
    low: 0.3
    high: 0.8
  - name: steps
    low: 20
    high: 30
    default_outside: "short runs keep the tests quick"
outcomes: [closure_rate, response_hours_mean, satisfaction_mean]
overrides: [world=classroom]
"""


@pytest.fixture(autouse=True)
def seeded_sampling():
    """EMA Workbench samples with numpy's global stream: seed it, so the designs (and the
    tests) are the same every time, and give it back as it was."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(20240601)  # noqa: NPY002
    yield
    np.random.set_state(state)  # noqa: NPY002


@pytest.fixture
def small_space(tmp_path):
    path = tmp_path / "space_small.yaml"
    path.write_text(SMALL_SPACE, encoding="utf-8")
    return path


def _run(model, scenarios, policies):
    with SequentialEvaluator(model) as evaluator:
        return perform_experiments(
            model, scenarios=scenarios, policies=policies, evaluator=evaluator
        )


def test_model_declares_the_space_parameters_every_policy_mechanism_and_the_outcomes():
    space = load_space(resolve_space("space_default"))
    model = ema.make_model("space_default")

    assert isinstance(model, Model) and not isinstance(model, ReplicatorModel)
    assert [u.name for u in model.uncertainties] == [
        p.name.replace(".", "__") for p in space.parameters
    ]
    for p, u in zip(space.parameters, model.uncertainties, strict=True):
        assert isinstance(u, RealParameter)
        assert (u.lower_bound, u.upper_bound) == (p.low, p.high)
        assert ema.config_key(u.name) == p.name
    policies = [n for n, cls in known().items() if not cls.scenario]
    assert "emergency" not in policies
    assert [lever.name for lever in model.levers] == [f"mechanism__{n}" for n in policies]
    assert all(isinstance(lever, BooleanParameter) for lever in model.levers)
    assert [o.name for o in model.outcomes] == space.outcomes
    assert [o.kind for o in model.outcomes] == [
        ScalarOutcome.MAXIMIZE,  # closure_rate
        ScalarOutcome.MINIMIZE,  # response_hours_mean
        ScalarOutcome.MAXIMIZE,  # dispute_resolution_rate
        ScalarOutcome.MAXIMIZE,  # participation_rate
        ScalarOutcome.MAXIMIZE,  # satisfaction_mean
        ScalarOutcome.MAXIMIZE,  # property_satisfaction
    ]
    # the space's overrides world=classroom, steps=365, and the seed
    assert {c.name: c.value for c in model.constants} == {
        "world__name": "classroom",
        "world__width": 50,
        "world__height": 50,
        "steps": 365,
        "seed": 0,
    }
    # every name is a Python identifier (EMA Workbench 3 requires it)
    for group in (model.uncertainties, model.levers, model.outcomes, model.constants):
        assert all(x.name.isidentifier() for x in group)


def test_integer_key_becomes_an_integer_parameter_and_an_override_fixes_a_parameter(
    small_space,
):
    model = ema.make_model(small_space, mechanisms=[], overrides=["workers.find_prob=0.5"])
    (steps,) = model.uncertainties
    assert isinstance(steps, IntegerParameter)
    assert (steps.name, steps.lower_bound, steps.upper_bound) == ("steps", 20, 30)
    assert {c.name: c.value for c in model.constants}["workers__find_prob"] == 0.5
    assert len(model.levers) == 0


def test_scenario_mechanism_named_is_a_boolean_uncertainty_not_a_lever(small_space):
    model = ema.make_model(small_space, mechanisms=["triage", "emergency"])
    assert [u.name for u in model.uncertainties] == [
        "workers__find_prob",
        "steps",
        "mechanism__emergency",
    ]
    assert isinstance(model.uncertainties["mechanism__emergency"], BooleanParameter)
    assert [lever.name for lever in model.levers] == ["mechanism__triage"]


def test_mechanisms_switched_on_by_overrides_are_constants_not_levers(small_space):
    model = ema.make_model(small_space, overrides=["mechanisms=[triage]"])
    assert {c.name: c.value for c in model.constants}["mechanisms"] == ("triage",)
    assert "mechanism__triage" not in [lever.name for lever in model.levers]
    with pytest.raises(ValueError, match="switched on by the overrides"):
        ema.make_model(small_space, mechanisms=["triage"], overrides=["mechanisms=[triage]"])


def test_unknown_outcome_raises_a_value_error_naming_it_and_the_nearest_names(small_space):
    with pytest.raises(ValueError) as err:
        ema.make_model(small_space, outcomes=["closure_rate", "closure_rat"])
    assert str(err.value) == (
        "unknown outcome 'closure_rat': not a run outcome (cogov_sim.core.outcomes.SUMMARY_KEYS); "
        "did you mean closure_rate, closure_rate_all, light_closure_rate?"
    )
    with pytest.raises(ValueError) as err:
        ema.make_model(small_space, outcomes=["zzz"])
    assert str(err.value) == (
        "unknown outcome 'zzz': not a run outcome (cogov_sim.core.outcomes.SUMMARY_KEYS)"
    )


def test_bad_constants_and_arguments_fail_when_the_model_is_built(small_space):
    with pytest.raises(ValueError, match="workers.hours_per_day"):
        ema.make_model(small_space, overrides=["workers.hours_per_day=-1"])
    with pytest.raises(ValueError, match="replications"):
        ema.make_model(small_space, replications=0)
    with pytest.raises(ValueError, match="own seed"):
        ema.make_model(small_space, replications=2, overrides=["seed=3"])
    with pytest.raises(ValueError, match="letters and digits"):
        ema.make_model(small_space, name="cogov-sim")


def test_model_pickles_with_a_module_level_function_for_spawned_workers(small_space):
    model = ema.make_model(small_space, mechanisms=["triage"])
    assert isinstance(model.function, partial)
    assert model.function.func is ema.run_experiment
    copy = pickle.loads(pickle.dumps(model))
    assert copy.function.func is ema.run_experiment
    assert copy.function.keywords == {"switches": (("mechanism__triage", "triage"),)}


def test_perform_experiments_gives_finite_outcomes_one_per_experiment(small_space):
    model = ema.make_model(small_space, mechanisms=["integrated_grid", "smart_dispatch"])
    experiments, outcomes = _run(model, scenarios=3, policies=2)
    assert len(experiments) == 6
    assert {"workers__find_prob", "steps", "mechanism__integrated_grid"} <= set(experiments)
    assert set(outcomes) == {"closure_rate", "response_hours_mean", "satisfaction_mean"}
    for name, values in outcomes.items():
        assert not np.ma.is_masked(values), name
        assert values.shape == (6,), name
        assert np.isfinite(values).all(), (name, values)


def test_undefined_outcome_comes_back_nan_and_the_batch_completes(small_space):
    # In a one-day run no issue is resolved by a line department yet.
    model = ema.make_model(
        small_space,
        mechanisms=[],
        overrides=["steps=1"],
        outcomes=["department_response_hours", "satisfaction_mean"],
    )
    _, outcomes = _run(model, scenarios=2, policies=0)
    assert np.isnan(outcomes["department_response_hours"]).all()
    assert np.isfinite(outcomes["satisfaction_mean"]).all()


def test_summary_value_none_comes_back_nan_never_none(small_space, monkeypatch):
    from cogov_sim.core.model import CoGovModel

    summary = CoGovModel.summary

    def with_none(self):
        return {**summary(self), "closure_rate": None}

    monkeypatch.setattr(CoGovModel, "summary", with_none)
    model = ema.make_model(small_space, mechanisms=[], overrides=["steps=3"])
    _, outcomes = _run(model, scenarios=2, policies=0)
    assert np.isnan(outcomes["closure_rate"]).all()
    assert np.isfinite(outcomes["satisfaction_mean"]).all()
    # and straight from the model's function
    classroom = {"world__name": "classroom", "world__width": 50, "world__height": 50}
    result = ema.run_experiment(**classroom, steps=2)
    assert math.isnan(result["closure_rate"])
    assert all(isinstance(v, float) for v in result.values())


def test_run_experiment_maps_names_back_and_switches_mechanisms_in_declared_order(
    monkeypatch,
):
    import cogov_sim.core.model

    calls = []

    class Fake:
        def __init__(self, **kwargs):
            calls.append(kwargs)

        def run(self):
            pass

        def summary(self):
            return {"closure_rate": 0.5, "issues_open": 3, "steps": 2}

    monkeypatch.setattr(cogov_sim.core.model, "CoGovModel", Fake)
    out = ema.run_experiment(
        switches=(
            ("mechanism__triage", "triage"),
            ("mechanism__integrated_grid", "integrated_grid"),
        ),
        **{
            "mechanism__integrated_grid": np.bool_(True),
            "workers__find_prob": np.float64(0.5),
            "mechanism__triage": True,
            "mechanism__smart_dispatch": False,
            "mechanisms": ("deliberation",),
            "world__name": "classroom",
            "seed": 7,
        },
    )
    (kwargs,) = calls
    assert kwargs == {
        "workers.find_prob": 0.5,
        "world.name": "classroom",
        "seed": 7,
        "mechanisms": ["deliberation", "triage", "integrated_grid"],
    }
    assert type(kwargs["workers.find_prob"]) is float
    assert out["closure_rate"] == 0.5 and out["issues_open"] == 3.0
    assert math.isnan(out["dispute_resolution_rate"])  # missing from the summary


def test_same_seed_gives_identical_outcomes_and_another_seed_differs(small_space):
    scenarios = [Scenario("a", workers__find_prob=0.4, steps=25)]
    policies = [Policy("grid", mechanism__integrated_grid=True)]
    outs = []
    for seed in (0, 0, 1):
        model = ema.make_model(
            small_space, mechanisms=["integrated_grid"], overrides=[f"seed={seed}"]
        )
        outs.append(_run(model, scenarios, policies)[1])
    for name in outs[0]:
        np.testing.assert_array_equal(outs[0][name], outs[1][name])
    assert any(not np.array_equal(outs[0][n], outs[2][n]) for n in outs[0])


def test_replicator_model_averages_the_outcomes_of_the_single_seed_runs(small_space):
    scenarios = [
        Scenario("a", workers__find_prob=0.4, steps=25),
        Scenario("b", workers__find_prob=0.7, steps=20),
    ]
    policies = [Policy("on", mechanism__triage=True)]
    rep = ema.make_model(small_space, mechanisms=["triage"], replications=2)
    assert isinstance(rep, ReplicatorModel)
    assert rep.replications == [{"seed": 0}, {"seed": 1}]
    assert "seed" not in [c.name for c in rep.constants]
    assert all(o.function is ema.nanmean for o in rep.outcomes)
    _, mean = _run(rep, scenarios, policies)
    single = [
        _run(
            ema.make_model(small_space, mechanisms=["triage"], overrides=[f"seed={s}"]),
            scenarios,
            policies,
        )[1]
        for s in (0, 1)
    ]
    for name, values in mean.items():
        per_seed = np.stack([single[0][name], single[1][name]])
        assert np.isfinite(per_seed).all(), name
        np.testing.assert_allclose(values, per_seed.mean(axis=0), rtol=1e-12)
    # the seeds differ, so the mean is not just one of them
    assert not np.array_equal(single[0]["response_hours_mean"], single[1]["response_hours_mean"])


def test_nanmean_skips_undefined_seeds_and_is_nan_without_warning_when_none_is_defined():
    assert ema.nanmean([1.0, math.nan, 3.0]) == 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(ema.nanmean([math.nan, math.nan]))


def test_every_direction_names_a_run_outcome():
    from cogov_sim.core.outcomes import SUMMARY_KEYS

    assert set(ema.DIRECTIONS) <= set(SUMMARY_KEYS)
    assert ema.outcome_kind("issues_occurred") == ScalarOutcome.INFO
    assert ema.outcome_kind("cost_funds") == ScalarOutcome.MINIMIZE


@pytest.mark.slow
def test_notebook_runs_the_multiprocessing_evaluator_and_its_checks_pass(tmp_path, monkeypatch):
    import nbclient
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager

    # The kernel 'python3' must be this interpreter (the venv's, with cogov_sim), whatever
    # other kernel specs the machine has: a spec first on JUPYTER_PATH says so.
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (cogov-sim tests)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "store the notebook with its outputs cleared"
    )
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    ).execute()

    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    last = "".join(o.get("text", "") for o in code[-1].outputs if o.output_type == "stream")
    assert "ok: 8 experiments, 3 finite outcomes each" in last
    assert list(work.iterdir()) == []  # nothing written where it ran


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.drop")  # EMA's PRIM
def test_docs_examples_run_as_written():
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 4
    build, by_hand, prim_example, parallel = blocks
    assert "MultiprocessingEvaluator" in parallel  # the notebook test runs that one
    ns: dict = {}
    exec(build, ns)
    assert ns["model"].outcomes.keys() == {"closure_rate", "response_hours_mean"}
    exec(by_hand, ns)
    exec(prim_example, ns)
    assert len(ns["experiments"]) == 40
    assert np.isfinite(ns["outcomes"]["response_hours_mean"]).all()
