"""Automatic calibration to reported patterns, with optuna.

``cogov-sim-calibrate`` searches the parameters of a space file
(:mod:`cogov_sim.analysis.space`) for values that reproduce a set of patterns (the
package's own ``cogov_sim/data/patterns.yaml`` by default, or a user's file
in the same format). Each trial runs, for every seed, the baseline and each
pattern's mechanism (as the pattern report does) and scores

    loss = sum_p w_p * ((model_p - target_p) / scale_p)^2 / sum_p w_p

where, for a pattern that reports a change, ``model_p`` is the model's mean
change over seeds and ``target_p`` the reported change (scale: its size), and
for a pattern that reports only the level after the reform, the model's mean
treated value and the reported one; ``w_p`` is the pattern's ``weight``
(default 1). The sampler is optuna's TPE, seeded.

Writes into ``OUT``: ``calibrated/best.yaml`` — a config delta usable in any
run or experiment (``cogov-sim -cd OUT +calibrated=best``) —,
``best_overrides.txt`` (the same as command-line overrides), ``trials.csv``
and ``fit.md`` / ``fit.csv``: the fit pattern by pattern with the best values.

On a cluster, ``--storage sqlite:///PATH/calib.db`` (on a shared file system)
lets several jobs running the same command, each with its own ``--seed``, add
their trials to one optuna study; each job reports the best so far.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import pandas as pd
import yaml

from cogov_sim.analysis.patterns import (
    Pattern,
    PatternError,
    evaluate,
    load_patterns,
    markdown_table,
)
from cogov_sim.analysis.patterns import run_scenarios as _run_scenarios
from cogov_sim.analysis.space import Space, SpaceError, load_space
from cogov_sim.analysis.space_files import resolve_space


def overrides_to_params(overrides: list[str]) -> dict:
    """Dotted model parameters from a space's fixed overrides (``world=NAME`` expands)."""
    from cogov_sim.core.config import WORLD_PRESETS

    params: dict = {}
    for ov in overrides:
        key, _, value = ov.partition("=")
        key = key.lstrip("+")
        if key == "world":
            if value not in WORLD_PRESETS:
                raise SpaceError(f"unknown world {value!r} in overrides")
            params.update({f"world.{k}": v for k, v in WORLD_PRESETS[value].items()})
        elif key in ("preset", "experiment") or key.startswith("hydra"):
            raise SpaceError(
                f"override {ov!r} is not supported in calibration; use "
                "mechanisms=[...] or dotted keys"
            )
        else:
            params[key] = yaml.safe_load(value)
    return params


def pattern_loss(table: pd.DataFrame, patterns: list[Pattern]) -> float:
    """Weighted mean squared relative error of the model against the patterns."""
    weights = {p.id: p.weight for p in patterns}
    total, wsum = 0.0, 0.0
    for r in table.itertuples():
        w = weights.get(r.id, 1.0)
        if r.reported_change is not None and not pd.isna(r.reported_change):
            err = (r.model_change - r.reported_change) / max(abs(r.reported_change), 1e-9)
        else:
            err = (r.model_treated - r.reported_treated) / max(abs(r.reported_treated), 1e-9)
        if math.isnan(err):
            err = 10.0  # an outcome the run cannot compute is a bad fit
        total += w * err * err
        wsum += w
    return total / wsum if wsum else math.nan


def calibrate(
    space: Space,
    patterns: list[Pattern],
    trials: int,
    seeds: int,
    out: Path,
    jobs: int | None = None,
    seed: int = 0,
    progress: bool = True,
    storage: str | None = None,
    study_name: str | None = None,
) -> dict:
    """Run the optuna search; write the outputs; return the best values and loss.

    With ``storage`` (an optuna storage URL), trials join the study ``study_name``
    there, shared with other processes running the same search."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    base = overrides_to_params(space.overrides)
    seed_list = list(range(seeds))
    jobs = jobs or os.cpu_count() or 1

    def objective(trial) -> float:
        values = {}
        for p in space.parameters:
            if p.integer:
                values[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high))
            else:
                values[p.name] = trial.suggest_float(p.name, p.low, p.high)
        results = _run_scenarios(patterns, seed_list, {**base, **values}, jobs, progress=False)
        loss = pattern_loss(evaluate(patterns, results, seed_list), patterns)
        if progress:
            print(
                f"cogov-sim-calibrate: trial {trial.number + 1}/{trials} loss {loss:.4g}",
                file=sys.stderr,
                flush=True,
            )
        return loss

    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        storage=storage,
        study_name=study_name,
        load_if_exists=storage is not None,
    )
    study.optimize(objective, n_trials=trials)
    best = dict(study.best_params)
    out.mkdir(parents=True, exist_ok=True)
    study.trials_dataframe().to_csv(out / "trials.csv", index=False)
    results = _run_scenarios(patterns, seed_list, {**base, **best}, jobs, progress=False)
    fit = evaluate(patterns, results, seed_list)
    fit.to_csv(out / "fit.csv", index=False)
    head = (
        f"Calibrated values ({trials} trials, {seeds} seeds, loss "
        f"{study.best_value:.4g}):\n\n"
        + "\n".join(f"- `{k}` = {v:.6g}" for k, v in best.items())
        + "\n\n"
    )
    (out / "fit.md").write_text(head + markdown_table(fit) + "\n", encoding="utf-8")
    write_config(best, out, study.best_value)
    return {"best": best, "loss": study.best_value, "fit": fit}


def write_config(best: dict, out: Path, loss: float, name: str = "best", what: str = "") -> Path:
    """``OUT/calibrated/NAME.yaml``: a global config delta with the calibrated values
    (and ``OUT/NAME_overrides.txt``, the same as command-line overrides)."""
    nested: dict = {}
    for key, value in best.items():
        node = nested
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    folder = out / "calibrated"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    how = what or f"cogov-sim-calibrate (loss {loss:.4g})"
    text = (
        "# @package _global_\n"
        f"# Calibrated: {how}. Use it in any run:\n"
        f"#   cogov-sim -cd {out} +calibrated={name} [other overrides]\n"
        + yaml.safe_dump(nested, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    (out / f"{name}_overrides.txt").write_text(
        "\n".join(f"{k}={v}" for k, v in best.items()) + "\n", encoding="utf-8"
    )
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="cogov-sim-calibrate", description=__doc__.split("\n")[0])
    ap.add_argument(
        "--space",
        required=True,
        help="parameter space (what to tune): a file, or the name of a packaged space, "
        "e.g. space_calibration or analysis/space_calibration.yaml",
    )
    ap.add_argument("--patterns", default=None, help="patterns file (default: the package's)")
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--seeds", type=int, default=3, help="seeds averaged per trial")
    ap.add_argument("--jobs", type=int, default=None, help="parallel processes (default: CPUs)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the optuna sampler")
    ap.add_argument("--out", default="calibration")
    ap.add_argument(
        "--storage",
        default=None,
        help="optuna storage URL shared by workers, e.g. sqlite:///calib.db on a "
        "shared file system: start the same command as several cluster jobs "
        "(different --seed) and they fill one study",
    )
    ap.add_argument("--study", default="cogov-sim", help="study name in --storage")
    args = ap.parse_args(argv)
    try:
        if args.trials < 1 or args.seeds < 2:
            raise SpaceError("need --trials >= 1 and --seeds >= 2")
        space = load_space(resolve_space(args.space))
        patterns = load_patterns(args.patterns)
        res = calibrate(
            space,
            patterns,
            args.trials,
            args.seeds,
            Path(args.out),
            args.jobs,
            args.seed,
            storage=args.storage,
            study_name=args.study if args.storage else None,
        )
    except (SpaceError, PatternError) as exc:
        print(f"cogov-sim-calibrate: error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(markdown_table(res["fit"]))
    print(
        "\nbest: "
        + ", ".join(f"{k}={v:.6g}" for k, v in res["best"].items())
        + f" (loss {res['loss']:.4g}); written to {args.out}/"
    )


if __name__ == "__main__":
    main()
