"""Plain Python entry points: no Hydra knowledge needed.

- :func:`run` runs one composed config and, given a folder, writes the run's
  results there (``summary.json``, ``timeseries.parquet``, ``events.parquet``,
  ``outcomes.png``, ``map.png``). ``cogov-sim`` is a thin Hydra shell over it.
- :func:`simulate` is the function for notebooks, SALib and EMA Workbench:
  dotted config keys in, a dict of outcomes out.
"""

from __future__ import annotations

import copy
import logging
import math
import numbers
import re
import sys
import threading
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from cogov_sim.core.config import is_complete, make_config
from cogov_sim.frontends.hydra_setup import (
    CONFIG_MODULE,
    CONFIG_NAME,
    check_overrides,
    config_dir,
    register_configs,
    register_user_configs,
)
from cogov_sim.results.runfolder import apply_sample

#: The installed config tree (``configs/`` in a checkout), for reading its files.
CONFIG_DIR = config_dir()

log = logging.getLogger(__name__)

#: Hydra's global state is one per process: one composition at a time.
_COMPOSE_LOCK = threading.RLock()


def compose(overrides: list[str] | None = None, **params) -> DictConfig:
    """Compose the Hydra config tree with overrides, without running Hydra's app.

    Thread-safe, and the caller's own Hydra state (``GlobalHydra``, e.g. of a Hydra app
    or of ``hydra.initialize``) is put back as it was.

    Args:
        overrides: Hydra override strings, e.g. ``["world=classroom", "seed=3"]``.
        **params: dotted keys and values, e.g. ``**{"world.width": 40}``; any Python
            value (strings with commas, brackets or quotes included) is quoted for
            Hydra's override grammar.

    Raises:
        ConfigError: an unknown key (with the nearest known keys), a value of the wrong
            type or an unknown option of a config group (with the allowed ones).
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.singleton import Singleton
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    ov = _override_list(overrides) + [f"{k}={_fmt(v)}" for k, v in params.items()]
    key = tuple(ov)
    with _COMPOSE_LOCK:
        cached = _COMPOSED.get(key)
        if cached is None:
            register_configs(ov)
            register_user_configs()
            caller = Singleton._instances.pop(GlobalHydra, None)
            try:
                with initialize_config_module(config_module=CONFIG_MODULE, version_base=None):
                    cfg = hydra_compose(config_name=CONFIG_NAME, overrides=ov)
            except (HydraException, OmegaConfBaseException) as exc:
                raise _compose_error(ov, exc) from None
            finally:
                Singleton._instances.pop(GlobalHydra, None)
                if caller is not None:
                    Singleton._instances[GlobalHydra] = caller
            cached = make_config(cfg)
            if len(_COMPOSED) >= _COMPOSED_MAX:
                _COMPOSED.pop(next(iter(_COMPOSED)))
            _COMPOSED[key] = cached
        return copy.deepcopy(cached)


#: Configs composed by Hydra, by their overrides (the config tree does not change while
#: a process runs); :func:`compose` hands out copies.
_COMPOSED: dict[tuple[str, ...], DictConfig] = {}
_COMPOSED_MAX = 64


def _group_keys() -> frozenset[str]:
    """The top-level keys that select a config group (``world``, ``preset``...)."""
    return frozenset(p.name for p in CONFIG_DIR.iterdir() if p.is_dir()) | {"hydra"}


def _override_list(overrides) -> list[str]:
    """The override strings of ``overrides``: a list of them, one string, or None.

    Raises:
        TypeError: anything else, saying what is expected."""
    if overrides is None:
        return []
    if isinstance(overrides, str):
        return [overrides]
    if isinstance(overrides, (list, tuple)) and all(isinstance(o, str) for o in overrides):
        return list(overrides)
    raise TypeError(
        "overrides are Hydra override strings, e.g. ['world=classroom', 'seed=3'] "
        f"(or one string), not {overrides!r}; dotted values go as keywords, e.g. "
        "simulate(['world=classroom'], **{'world.density': 0.9})"
    )


def _compose_values(overrides: list[str] | None, params: dict) -> DictConfig:
    """:func:`compose`, with the dotted values of ``params`` set on the composed config
    instead of passed through Hydra: one Hydra composition per set of ``overrides``, not
    per call. Anything this path cannot take (a group choice, a mechanism named by
    import path, a bad key or value) goes through :func:`compose`, which gives the error
    the command line gives."""
    from omegaconf.errors import OmegaConfBaseException

    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.mechanisms.registry import known

    groups = _group_keys()
    fast = {k: v for k, v in params.items() if k.split(".")[0] not in groups}
    named = fast.get("mechanisms")
    if not fast or (
        named is not None
        and not (isinstance(named, (list, tuple)) and all(str(n) in known() for n in named))
    ):
        return compose(overrides, **params)
    cfg = compose(overrides, **{k: v for k, v in params.items() if k not in fast})
    try:
        for k, v in fast.items():
            if OmegaConf.select(cfg, k, default=_MISSING) is _MISSING:
                raise ConfigError(k, "a known key", v, unknown=True)
            OmegaConf.update(cfg, k, v, merge=not isinstance(v, (list, tuple)))
    except (ConfigError, OmegaConfBaseException):
        return compose(overrides, **params)
    return cfg


_MISSING = object()


def _compose_error(overrides: list[str], exc: Exception):
    """The :class:`ConfigError` of a failed composition: the first override the schema
    rejects, or the unknown option of a group, else Hydra's own message."""
    from hydra.errors import MissingConfigException

    from cogov_sim.core.errors import ConfigError

    check_overrides(overrides)  # raises the ConfigError of a bad key or value
    if isinstance(exc, MissingConfigException):
        missing = str(getattr(exc, "missing_cfg_file", "") or "")
        group, _, option = missing.rpartition("/")
        options = getattr(exc, "options", None)
        if group and options:
            return ConfigError(group, "one of " + ", ".join(map(str, options)), option)
    text = str(exc).strip().splitlines()
    key = getattr(exc, "full_key", None) or "overrides"
    err = ConfigError(key, text[0] if text else type(exc).__name__, overrides)
    err.args = (f"invalid configuration: {' '.join(text) or type(exc).__name__}",)
    return err


def _quote(text: str) -> str:
    """``text`` as a quoted string of Hydra's override grammar (any character allowed)."""
    body = re.sub(r"(\\*)'", lambda m: m.group(1) * 2 + "\\'", text)
    body = re.sub(r"(\\+)$", lambda m: m.group(1) * 2, body)
    return f"'{body}'"


def _fmt(value) -> str:
    """A Python value as the value of a Hydra override: lists, dicts, booleans, None and
    numbers in Hydra's grammar, strings quoted (so commas, brackets, ``=`` and quotes in
    them are text, not grammar)."""
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_fmt(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool) or type(value).__name__ == "bool_":  # numpy's too
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))  # nan, inf and 1e-05 are Hydra floats as they print
    if isinstance(value, Path):
        value = str(value)
    return _quote(str(value))


def run(
    cfg: DictConfig,
    output_dir: str | Path | None = None,
    *,
    progress: bool = False,
    table: bool = False,
) -> dict:
    """Run one scenario; return its summary record (outcomes, size, timing, provenance).

    Args:
        cfg: a composed config (any partial config is completed with defaults).
        output_dir: where to write results; nothing is written when None.
        progress: show a progress bar (or progress lines when not on a terminal).
        table: print the summary table.

    Raises:
        ConfigError: a bad value, before anything is built or written.
    """
    from cogov_sim.core import outcomes as oc
    from cogov_sim.core.model import CoGovModel
    from cogov_sim.frontends.sweep.fast_hydra import to_yaml
    from cogov_sim.results.timeseries import write_timeseries
    from cogov_sim.results.writing import AtomicWriter, summary_record, write_json

    cfg = apply_sample(cfg if is_complete(cfg) else make_config(cfg))  # (never mutated here)
    t0 = time.perf_counter()
    model = CoGovModel(cfg)  # validates the config first, before building anything
    steps = int(cfg.steps)
    recorder = _recorder(model, cfg, output_dir)
    if progress:
        _run_with_progress(model, steps, recorder)
    else:
        model.run(steps, progress=recorder)
    # the model alone: built and run (the animation's frames not counted)
    model_seconds = time.perf_counter() - t0 - (recorder.seconds if recorder else 0.0)
    state = oc.final_state(model)
    summary = oc.summarize(model.events.columns(), state, oc.issue_place(model))
    # Wall time of the simulation: the animation's rendering is not part of it.
    wall = time.perf_counter() - t0 - (recorder.seconds if recorder else 0.0)
    record = summary_record(summary, state, model.config, wall, model_seconds)
    if table:
        print_table(record)
    if output_dir is not None:
        writer = AtomicWriter(output_dir)
        try:
            ts = model.timeseries()
            writer.write("timeseries.parquet", lambda p: write_timeseries(ts, p))
            if cfg.output.events:
                from cogov_sim.results.events import write_events

                writer.write("events.parquet", lambda p: write_events(model, p))
            if cfg.output.figures:
                from cogov_sim.results import plots

                writer.write("outcomes.png", lambda p: plots.outcomes_figure(ts, p, record))
                writer.write("map.png", lambda p: plots.map_figure(model, p))
            if recorder is not None:
                writer.write(recorder.path.name, lambda p: recorder.finish(p))
            writer.write(
                "config.yaml", lambda p: Path(p).write_text(to_yaml(model.config), encoding="utf-8")
            )
            writer.write("summary.json", lambda p: write_json(p, record))
            writer.check()
            writer.commit()
        except BaseException:
            writer.abort()
            if recorder is not None:
                recorder.cleanup()
            raise
    return record


class _FrameHook:
    """``model.run`` progress callback that captures an animation frame every few days."""

    def __init__(self, model, cfg):
        import tempfile

        from cogov_sim.frontends.viz.export import Recorder

        self.models = [("single", model)]
        self.every = int(cfg.output.animation_every)
        self._tmp = tempfile.TemporaryDirectory(prefix="cogov-sim-animation-")
        self.path = path = Path(self._tmp.name) / f"animation.{cfg.output.animation}"
        self.recorder = Recorder(
            self.models,
            list(cfg.mechanisms),
            path,
            fps=cfg.output.animation_fps,
            variable=cfg.output.animation_variable,
        )

    @property
    def seconds(self) -> float:
        return self.recorder.seconds

    def __call__(self, i: int, n: int) -> None:
        if i % self.every == 0 or i == n:
            self.recorder.capture(self.models)

    def finish(self, target) -> None:
        import shutil

        try:
            shutil.move(str(self.recorder.close()), str(target))
        finally:
            self.cleanup()

    def cleanup(self) -> None:
        self._tmp.cleanup()


def _recorder(model, cfg, output_dir) -> _FrameHook | None:
    """The animation hook of a run that asked for one (``output.animation``), else None."""
    if cfg.output.animation == "none" or output_dir is None:
        return None
    return _FrameHook(model, cfg)


def _run_with_progress(model, steps: int, hook=None) -> None:
    if sys.stderr.isatty():
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("day {task.completed}/{task.total}"),
            TimeRemainingColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task("run", total=steps)

            def tick_bar(i, n):
                if hook is not None:
                    hook(i, n)
                bar.update(task, completed=i)

            model.run(steps, progress=tick_bar)
    else:
        marks = {max(1, round(steps * f)) for f in (0.25, 0.5, 0.75, 1.0)}

        def tick(i, n):
            if hook is not None:
                hook(i, n)
            if i in marks:
                log.info("cogov-sim: day %d/%d", i, n)

        model.run(steps, progress=tick)


KEY_OUTCOMES = (
    ("dispute_resolution_rate", "Dispute resolution rate", "{:.1%}"),
    ("closure_rate", "Closure rate, cases (办结率)", "{:.1%}"),
    ("closure_rate_standardised", "Closure rate, cases, by type (fixed mix)", "{:.1%}"),
    ("light_closure_rate", "Closure rate, light matters", "{:.1%}"),
    ("response_hours_mean", "Response time, cases, mean (h)", "{:.1f}"),
    ("response_hours_p90", "Response time, cases, p90 (h)", "{:.1f}"),
    ("light_response_hours", "Response time, light matters (h)", "{:.1f}"),
    ("discovery_lag_hours", "Discovery lag (h)", "{:.1f}"),
    ("neighbour_disputes_per_1000", "Neighbour disputes /1000 hh/yr", "{:.1f}"),
    ("property_disputes_per_1000", "Property disputes /1000 hh/yr", "{:.1f}"),
    ("criminal_escalations_per_1000", "Criminal escalations /1000 hh/yr", "{:.2f}"),
    ("hotline_requests_per_1000", "Hotline requests /1000 hh/yr", "{:.1f}"),
    ("escalation_rate", "Complaints+petitions /1000 hh/yr", "{:.1f}"),
    ("complaints_light_share", "Complaints about light matters", "{:.1%}"),
    ("participation_rate", "Participation (30 days)", "{:.1%}"),
    ("satisfaction_mean", "Satisfaction", "{:.3f}"),
    ("trust_mean", "Trust", "{:.3f}"),
    ("grid_level_share", "Resolved at grid level", "{:.1%}"),
    ("vulnerable_coverage", "Vulnerable households reached (30 days)", "{:.1%}"),
    ("fairness_gap", "Fairness gap, from occurrence (pts)", "{:+.1%}"),
    ("hotspot_moran_i", "Hot spots: Moran's I of issues/zone", "{:.2f}"),
    ("property_satisfaction", "Property satisfaction", "{:.3f}"),
    ("fee_collection_rate", "Fee collection", "{:.1%}"),
    ("mediation_success_rate", "Mediated disputes settled", "{:.1%}"),
    ("mediation_days_p50", "Days to a mediated settlement, median", "{:.1f}"),
    ("report_accuracy", "Report accuracy", "{:.1%}"),
    ("worker_reports_per_day", "Reports collected per grid worker per day", "{:.1f}"),
    ("worker_events_per_day", "Matters handled per grid worker per day", "{:.1f}"),
    ("utilisation_worker", "Hours in use: grid workers", "{:.1%}"),
    ("utilisation_department", "Hours in use: departments", "{:.1%}"),
    ("utilisation_firm", "Hours in use: property firms", "{:.1%}"),
    ("utilisation_ngo", "Hours in use: NGOs", "{:.1%}"),
    ("utilisation_party", "Hours in use: party branches", "{:.1%}"),
    ("utilisation_mediator", "Hours in use: mediation committees", "{:.1%}"),
    ("callback_satisfaction", "Satisfied when called back", "{:.1%}"),
    ("department_response_hours", "Department response (h)", "{:.1f}"),
    ("cost_per_resolved_issue", "Cost per resolved issue (yuan)", "{:,.0f}"),
    ("efficiency_index", "Efficiency index", "{:.3f}"),
)


def print_table(record: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    mech = ", ".join(record["mechanisms"]) or "none (traditional governance)"
    start = int(record["outcomes"].get("window_start_day", 0) or 0)
    window = f"outcomes over days {start}-{record['steps'] - 1}" + (
        f" (after a {start}-day warm-up)" if start else ""
    )
    title = (
        f"cogov-sim: {record['world']} scale, {record['n_households']:,} households, "
        f"{record['steps']} days, seed {record['seed']}\nmechanisms: {mech}\n{window}"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("outcome")
    table.add_column("value", justify="right")
    out = record["outcomes"]
    for key, label, fmt in KEY_OUTCOMES:
        v = out.get(key)
        table.add_row(label, "n/a" if v is None else fmt.format(v))
    table.add_row("Wall time (s)", f"{record['wall_seconds']:.2f}")
    Console(width=100).print(table)


def simulate(overrides: list[str] | None = None, **params) -> dict[str, float]:
    """Run one scenario and return its outcomes, with ``n_households`` and ``steps``.

    Args:
        overrides: Hydra-style overrides, e.g. ``["world=classroom", "mechanisms=[red_property]"]``.
        **params: dotted config keys, e.g. ``simulate(**{"world.width": 40, "seed": 3})``.

    Returns:
        The outcomes by name; an undefined one (e.g. a response time with no closed
        issue) is ``math.nan``, never None.

    Raises:
        ConfigError: a bad key or value, naming the key, the value and the allowed
            values or the nearest known keys (the same error as the command line's).

    Thread-safe; the caller's Hydra state is left alone.

    Example:
        >>> from cogov_sim import simulate
        >>> out = simulate(["world=classroom"], steps=30, seed=1)
        >>> 0 <= out["closure_rate"] <= 1
        True
    """
    cfg = _compose_values(_override_list(overrides), params)
    record = run(cfg)
    # An undefined outcome (no case to average over) is NaN, never None: numeric tools
    # (EMA Workbench, SALib, pandas) take NaN. The JSON files keep null.
    return {k: math.nan if v is None else v for k, v in record["outcomes"].items()}
