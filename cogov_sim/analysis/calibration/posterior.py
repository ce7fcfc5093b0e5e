"""Calibration with uncertainty: a posterior over the shared parameters, from all patterns.

``cogov-sim-explore calibrate`` fits the parameters of a space file (by default
``space_posterior``: seven shared parameters, none a mechanism's own knob) jointly
to every pattern of a patterns file, by **neural posterior estimation** (NPE,
with the ``sbi`` library):

1. draw ``N`` parameter points from the prior (uniform over the space's ranges;
   a scrambled Sobol sequence from the run's seed: more simulations extend it);
2. simulate each point once (seed ``i`` for point ``i``): the baseline and every
   pattern's mechanism, the same seed for all of them; its *summary statistics*
   are, per pattern, the model's change (mechanism minus baseline) where the
   report gives a change, else the model's level with the mechanism on;
3. train a conditional density estimator (a masked autoregressive flow) on the
   pairs (parameters, statistics) and condition it on the reported values: the
   posterior. Seed noise is part of the fit (each point is one noisy run), so the
   posterior's width is what the patterns, as reported, can and cannot pin down;
4. check it: run ``D`` posterior draws (new seeds) and report, per pattern and per
   validation item, the posterior predictive interval beside the reported value and
   the prior predictive interval (from step 2). The validation items are never
   part of the statistics of step 3.

Every simulation is written as it finishes (``simulations/sim-NNNNN.json``), so a
killed calibration resumes where it stopped; files written for another space,
patterns file, world or version are refused, not mixed in.

The library: ``sbi`` (maintained, releases several times a year, one PyTorch
dependency pinned to a CPU build) was chosen over ``pyabc`` (its sampling draws
from NumPy's global random state, it pulls dask/distributed/redis and a
``cloudpickle`` that conflicts with the Ray launcher) and over ABC in general
(many more simulations for the same posterior: each of ours is a year of a street
under 11 scenarios). PyTorch's random state is forked and seeded from ``--seed``,
so a calibration is reproducible and leaves the caller's state alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cogov_sim.analysis.explore.report import save
from cogov_sim.analysis.explore.runs import Case, run_cases
from cogov_sim.analysis.space import Space

log = logging.getLogger("cogov_sim.analysis.explore")

#: the seed offset of posterior predictive runs (far from the training seeds 0..N-1)
CHECK_SEED0 = 1_000_000
#: central interval of the predictive checks
INTERVAL = 0.90


class CalibrationError(ValueError):
    """A calibration cannot run or cannot be read; the message says why."""


@dataclass(frozen=True)
class Target:
    """One summary statistic: a pattern's reported change or level."""

    id: str
    mechanism: str  # "none" for the baseline
    outcome: str
    kind: str  # "change" | "level" | "relative"
    reported: float
    used_in_fit: bool = True

    @property
    def scenario(self) -> tuple[str, ...]:
        return () if self.mechanism == "none" else (self.mechanism,)


def pattern_targets(patterns) -> list[Target]:
    out = []
    for p in patterns:
        rc = p.reported_change
        if rc is not None:
            out.append(Target(p.id, p.mechanism, p.outcome, "change", float(rc)))
        else:
            out.append(Target(p.id, p.mechanism, p.outcome, "level", float(p.treated)))
    return out


def holdout_targets(items) -> list[Target]:
    """The validation list's comparable items (never used in the fit)."""
    return [
        Target(h.id, h.mechanism, h.outcome, h.kind, h.reported, used_in_fit=False)
        for h in items
        if h.outcome is not None
    ]


def statistic(t: Target, results: dict[tuple[str, ...], dict]) -> float:
    """The model's value of ``t`` from one seed's summaries by scenario."""
    treated = results[t.scenario].get(t.outcome, math.nan)
    treated = math.nan if treated is None else float(treated)
    if t.kind == "level":
        return treated
    base = results[()].get(t.outcome, math.nan)
    base = math.nan if base is None else float(base)
    if t.kind == "change":
        return treated - base
    return treated / base - 1.0 if base else math.nan


def scenarios_of(targets: list[Target]) -> list[tuple[str, ...]]:
    return [()] + sorted({t.scenario for t in targets} - {()})


# ------------------------------------------------------------------ the prior
def prior_points(space: Space, n: int, seed: int) -> np.ndarray:
    """The first ``n`` points of a scrambled Sobol sequence over the space (integers
    rounded). A prefix: asking for more points later keeps the first ``n``, so a
    calibration can be extended with more simulations."""
    import warnings

    from scipy.stats import qmc

    sobol = qmc.Sobol(d=len(space.parameters), scramble=True, seed=np.random.default_rng(seed))
    with warnings.catch_warnings():  # balance needs a power of 2; a prefix is still uniform
        warnings.simplefilter("ignore", UserWarning)
        unit = sobol.random(n)
    low = np.array([p.low for p in space.parameters])
    high = np.array([p.high for p in space.parameters])
    theta = low + unit * (high - low)
    for j, p in enumerate(space.parameters):
        if p.integer:
            theta[:, j] = np.round(theta[:, j])
    return theta


# --------------------------------------------------------------- simulations
@dataclass
class Setup:
    """What a calibration's simulations depend on; a resumed run must match it."""

    space: dict  # parameters with bounds, overrides
    base: dict  # the fixed dotted parameters (the space's overrides)
    patterns: list[dict]
    version: str
    seed: int

    def key(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _sim_path(out: Path, i: int) -> Path:
    return out / "simulations" / f"sim-{i:05d}.json"


def simulate(
    out: Path,
    setup: Setup,
    space: Space,
    theta: np.ndarray,
    scenarios: list[tuple[str, ...]],
    jobs: int | None,
    progress: bool = True,
) -> list[dict]:
    """Run (or read back) simulation ``i`` for every row of ``theta``; their records."""
    key = setup.key()
    folder = out / "simulations"
    folder.mkdir(parents=True, exist_ok=True)
    records: dict[int, dict] = {}
    for i in range(len(theta)):
        path = _sim_path(out, i)
        if not path.is_file():
            continue
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            log.warning("unreadable %s: simulated again", path)
            continue
        if rec.get("setup") != key:
            raise CalibrationError(
                f"{path} belongs to another calibration (different space, patterns, world, "
                "seed or version): use a new --out folder, or delete its simulations/"
            )
        want = space.values(theta[i])
        if set(rec.get("theta", {})) != set(want) or any(
            not math.isclose(float(rec["theta"][k]), float(v), rel_tol=1e-9, abs_tol=1e-12)
            for k, v in want.items()
        ):
            raise CalibrationError(
                f"{path} was simulated at other parameter values than this calibration draws "
                "(another library version's sequence?): use a new --out folder"
            )
        records[i] = rec
    todo = [i for i in range(len(theta)) if i not in records]
    if records:
        log.info("resuming: %d simulations done, %d to run", len(records), len(todo))
        print(
            f"cogov-sim-explore: resuming: {len(records)} simulations done, {len(todo)} to run",
            flush=True,
        )
    cases, owner = [], []
    for i in todo:
        values = space.values(theta[i])
        for sc in scenarios:
            cases.append(Case.make(sc, i, {**setup.base, **values}))
            owner.append((i, sc))
    pending: dict[int, dict] = {}

    def store(k: int, summary: dict) -> None:
        i, sc = owner[k]
        got = pending.setdefault(i, {})
        got["+".join(sc) or "baseline"] = summary
        if len(got) == len(scenarios):
            rec = {
                "setup": key,
                "index": i,
                "seed": i,
                "theta": space.values(theta[i]),
                "summaries": pending.pop(i),
            }
            tmp = _sim_path(out, i).with_suffix(".tmp")
            tmp.write_text(json.dumps(rec, default=_jsonable), encoding="utf-8")
            tmp.replace(_sim_path(out, i))
            records[i] = rec

    run_cases(cases, jobs, label="simulations", progress=progress, on_result=store)
    return [records[i] for i in range(len(theta))]


def _jsonable(v):
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    raise TypeError(f"not JSON: {type(v)}")


def summaries_by_scenario(rec: dict) -> dict[tuple[str, ...], dict]:
    out = {}
    for name, summ in rec["summaries"].items():
        sc = () if name == "baseline" else tuple(name.split("+"))
        out[sc] = {k: (math.nan if v is None else v) for k, v in summ.items()}
    return out


def statistics_matrix(records: list[dict], targets: list[Target]) -> np.ndarray:
    x = np.full((len(records), len(targets)), np.nan)
    for i, rec in enumerate(records):
        res = summaries_by_scenario(rec)
        for j, t in enumerate(targets):
            if t.scenario in res and () in res:
                x[i, j] = statistic(t, res)
    return x


def reachable(x: np.ndarray, x_obs: np.ndarray) -> np.ndarray:
    """Per statistic: does its reported value lie within the simulated [min, max]?"""
    out = np.zeros(len(x_obs), dtype=bool)
    for j, v in enumerate(x_obs):
        col = x[:, j][np.isfinite(x[:, j])]
        out[j] = bool(col.size) and col.min() <= v <= col.max()
    return out


def _finite_min_max(col: np.ndarray) -> tuple[float, float]:
    col = col[np.isfinite(col)]
    return (float(col.min()), float(col.max())) if col.size else (math.nan, math.nan)


def check_base(base: dict) -> None:
    """The fixed parameters of every run: no ``seed`` or ``mechanisms`` (set per run),
    and valid values (checked now, not in the first worker)."""
    from cogov_sim.core.checks import validate
    from cogov_sim.core.config import make_config

    for key, what in (
        ("seed", "every run has its own seed"),
        ("mechanisms", "the command chooses the mechanisms of each run"),
    ):
        if key in base:
            raise CalibrationError(f"'{key}=' cannot be an override here: {what}")
    validate(make_config(None, **base))


# ----------------------------------------------------------------------- fit
class LossTracker:
    """sbi's tracker protocol, keeping the losses per epoch (instead of sbi's default,
    TensorBoard files in the working folder)."""

    log_dir = None

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def log_metric(self, name: str, value: float, step: int | None = None) -> None:
        self.rows.append({"metric": name, "value": float(value), "step": step})

    def log_metrics(self, metrics: dict, step: int | None = None) -> None:
        for k, v in metrics.items():
            self.log_metric(k, v, step)

    def log_params(self, params: dict) -> None:
        pass

    def add_figure(self, name: str, figure, step: int | None = None) -> None:
        pass

    def flush(self) -> None:
        pass


def fit(
    theta: np.ndarray,
    x: np.ndarray,
    x_obs: np.ndarray,
    space: Space,
    seed: int,
    draws: int,
    out: Path | None = None,
) -> tuple[np.ndarray, dict]:
    """Train NPE on (theta, x), condition on ``x_obs``; ``draws`` posterior samples."""
    import torch
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn
    from sbi.utils import BoxUniform

    ok = np.isfinite(x).all(axis=1)
    if ok.sum() < 20:
        raise CalibrationError(
            f"only {int(ok.sum())} of {len(x)} simulations have every statistic defined; "
            "NPE needs at least 20 (more --simulations, or a longer horizon)"
        )
    low = torch.tensor([p.low for p in space.parameters], dtype=torch.float32)
    high = torch.tensor([p.high for p in space.parameters], dtype=torch.float32)
    for j, p in enumerate(space.parameters):  # an integer's range covers its rounding
        if p.integer:
            low[j] -= 0.5
            high[j] += 0.5
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        prior = BoxUniform(low=low, high=high)
        # A small flow: a few hundred simulations cannot train sbi's default (5 x 50).
        estimator = posterior_nn("maf", hidden_features=32, num_transforms=3)
        tracker = LossTracker()
        inference = NPE(
            prior=prior, density_estimator=estimator, show_progress_bars=False, tracker=tracker
        )
        inference.append_simulations(
            torch.tensor(theta[ok], dtype=torch.float32),
            torch.tensor(x[ok], dtype=torch.float32),
        )
        with contextlib.redirect_stdout(io.StringIO()):  # sbi prints "converged after N epochs"
            net = inference.train(
                training_batch_size=min(50, int(ok.sum())), show_train_summary=False
            )
        posterior = inference.build_posterior(net)
        samples = posterior.sample(
            (draws,), x=torch.tensor(x_obs, dtype=torch.float32), show_progress_bars=False
        )
    samples = samples.numpy().astype(float)
    for j, p in enumerate(space.parameters):
        if p.integer:
            samples[:, j] = np.clip(np.round(samples[:, j]), p.low, p.high)
    summary = getattr(inference, "_summary", {}) or {}
    epochs = summary.get("epochs_trained") or []
    best = summary.get("best_validation_loss") or []
    info = {
        "simulations_used": int(ok.sum()),
        "simulations_dropped_undefined": int((~ok).sum()),
        "epochs": int(epochs[-1]) if epochs else 0,
        "best_validation_loss": float(best[-1]) if best else math.nan,
    }
    if out is not None and tracker.rows:
        pd.DataFrame(tracker.rows).to_csv(out / "training_loss.csv", index=False)
    return samples, info


def contraction(samples: np.ndarray, space: Space) -> list[float]:
    """Per parameter, 1 - posterior variance / prior (uniform) variance: 0 = learnt
    nothing, 1 = pinned down."""
    out = []
    for j, p in enumerate(space.parameters):
        prior_var = (p.high - p.low) ** 2 / 12.0
        out.append(float(1.0 - np.var(samples[:, j]) / prior_var))
    return out


# ------------------------------------------------------------ the predictive
def predictive_table(
    targets: list[Target],
    post_x: np.ndarray,
    prior_x: np.ndarray | None,
    level: float = INTERVAL,
    fitted: set[str] | None = None,
) -> pd.DataFrame:
    """Per target: reported value; posterior (and prior) predictive median and interval.

    ``fitted``: the ids of the statistics the posterior was fitted to (default: every
    pattern). A pattern left out (unreachable) and a validation item are marked, and a
    validation item with the same statistic as a fitted pattern says so (it is then
    not an independent check)."""
    a = (1.0 - level) / 2.0
    patterns = [t for t in targets if t.used_in_fit]
    fitted = {t.id for t in patterns} if fitted is None else set(fitted)
    same = {(t.scenario, t.outcome, t.kind): t.id for t in patterns if t.id in fitted}
    rows = []
    for j, t in enumerate(targets):
        col = post_x[:, j]
        col = col[np.isfinite(col)]
        lo, med, hi = np.quantile(col, [a, 0.5, 1 - a]) if col.size else (math.nan,) * 3
        if t.used_in_fit:
            item = "pattern"
            note = "" if t.id in fitted else "unreachable: outside every prior simulation"
        else:
            item = "validation"
            twin = same.get((t.scenario, t.outcome, t.kind))
            note = f"same statistic as {twin}" if twin else ""
        row = {
            "id": t.id,
            "item": item,
            "used_in_fit": t.id in fitted,
            "note": note,
            "mechanism": t.mechanism,
            "outcome": t.outcome,
            "kind": t.kind,
            "reported": t.reported,
            "posterior_median": med,
            "posterior_lo": lo,
            "posterior_hi": hi,
            "draws": int(col.size),
            "inside": bool(lo <= t.reported <= hi) if col.size else False,
        }
        if prior_x is not None and j < prior_x.shape[1]:
            pc = prior_x[:, j]
            pc = pc[np.isfinite(pc)]
            if pc.size:
                plo, pmed, phi = np.quantile(pc, [a, 0.5, 1 - a])
                row.update(prior_median=pmed, prior_lo=plo, prior_hi=phi)
        rows.append(row)
    return pd.DataFrame(rows)


def predictive_summary(table: pd.DataFrame) -> str:
    """One line: how many reported values lie inside their posterior predictive interval."""
    pat = table[table.item == "pattern"]
    fit = pat[pat.used_in_fit]
    val = table[table.item == "validation"]
    notes = val.note.fillna("").astype(str)
    indep = val[notes == ""]
    return (
        f"reported value inside the posterior predictive {INTERVAL:.0%} interval: "
        f"{int(fit.inside.sum())}/{len(fit)} fitted patterns"
        + (
            f" ({len(pat) - len(fit)} unreachable, not fitted: "
            f"{int(pat[~pat.used_in_fit].inside.sum())} inside)"
            if len(pat) > len(fit)
            else ""
        )
        + f", {int(indep.inside.sum())}/{len(indep)} independent validation items"
        + (
            f" (+{len(val) - len(indep)} sharing a fitted statistic)"
            if len(val) > len(indep)
            else ""
        )
    )


def _role(r) -> str:
    if r.used_in_fit:
        return "yes"
    note = "" if pd.isna(r.note) else str(r.note)
    if r.item == "pattern":
        return "no: unreachable"
    return f"no: validation{'; ' + note if note else ''}"


def predictive_markdown(table: pd.DataFrame, level: float = INTERVAL) -> str:
    pct = f"{level:.0%}"
    lines = [
        f"| item | in fit | mechanism | outcome | reported | posterior predictive median "
        f"[{pct}] | prior predictive [{pct}] | reported inside |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        what = {"level": "", "change": " (change)", "relative": " (relative change)"}[r.kind]
        prior = (
            f"[{r.prior_lo:.3g}, {r.prior_hi:.3g}]"
            if hasattr(r, "prior_lo") and not pd.isna(r.prior_lo)
            else "–"
        )
        lines.append(
            f"| `{r.id}` | {_role(r)} | {r.mechanism} | "
            f"`{r.outcome}`{what} | {r.reported:.3g} | {r.posterior_median:.3g} "
            f"[{r.posterior_lo:.3g}, {r.posterior_hi:.3g}] | {prior} | "
            f"{'yes' if r.inside else 'no'} |"
        )
    return "\n".join(lines)


def run_predictive(
    draws: list[dict],
    base: dict,
    targets: list[Target],
    jobs: int | None,
    progress: bool = True,
) -> np.ndarray:
    """The statistics of ``targets`` for each posterior draw (one new seed per draw)."""
    scenarios = scenarios_of(targets)
    cases, owner = [], []
    for j, values in enumerate(draws):
        for sc in scenarios:
            cases.append(Case.make(sc, CHECK_SEED0 + j, {**base, **values}))
            owner.append((j, sc))
    summaries = run_cases(cases, jobs, label="posterior predictive", progress=progress)
    per: dict[int, dict] = {}
    for (j, sc), summ in zip(owner, summaries, strict=True):
        per.setdefault(j, {})[sc] = summ
    x = np.full((len(draws), len(targets)), np.nan)
    for j in range(len(draws)):
        for k, t in enumerate(targets):
            x[j, k] = statistic(t, per[j])
    return x


# --------------------------------------------------------------- the posterior
@dataclass
class Posterior:
    """A calibration folder read back: the draws and what they were fitted with."""

    folder: Path
    meta: dict
    samples: pd.DataFrame

    @classmethod
    def load(cls, folder: str | Path) -> Posterior:
        folder = Path(folder)
        meta_path = folder / "calibration.json"
        post_path = folder / "posterior.csv"
        if not meta_path.is_file() or not post_path.is_file():
            raise CalibrationError(
                f"{folder} is not a calibration folder (no calibration.json and posterior.csv; "
                "make one with cogov-sim-explore calibrate)"
            )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            samples = pd.read_csv(post_path)
        except (OSError, ValueError) as exc:
            raise CalibrationError(f"cannot read the calibration in {folder}: {exc}") from None
        return cls(folder, meta, samples)

    @property
    def names(self) -> list[str]:
        return [p["name"] for p in self.meta["parameters"]]

    @property
    def base(self) -> dict:
        """The fixed parameters the posterior was fitted under (world, horizon)."""
        return dict(self.meta["base"])

    def draws(self, n: int) -> list[dict]:
        """The first ``n`` posterior draws (independent samples) as dotted parameters."""
        if n < 1:
            raise CalibrationError(f"the number of posterior draws must be at least 1, not {n}")
        if n > len(self.samples):
            raise CalibrationError(
                f"asked for {n} posterior draws; {self.folder} has {len(self.samples)}"
            )
        ints = {p["name"] for p in self.meta["parameters"] if p["integer"]}
        out = []
        for row in self.samples.head(n).itertuples(index=False):
            d = dict(zip(self.samples.columns, row, strict=True))
            out.append({k: (int(round(v)) if k in ints else float(v)) for k, v in d.items()})
        return out

    def median(self) -> dict:
        ints = {p["name"] for p in self.meta["parameters"] if p["integer"]}
        med = self.samples.median()
        return {k: (int(round(v)) if k in ints else float(v)) for k, v in med.items()}


# ------------------------------------------------------------------- figures
def posterior_figure(
    samples: np.ndarray, space: Space, defaults: dict, path: Path, source: Path | None = None
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k = len(space.parameters)
    cols = min(4, k)
    rows = math.ceil(k / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    for j, p in enumerate(space.parameters):
        ax = axes[j // cols][j % cols]
        ax.hist(samples[:, j], bins=25, range=(p.low, p.high), color="#0072B2", alpha=0.8)
        ax.axhline(len(samples) / 25, color="#999999", lw=1, ls="--", label="prior")
        if p.name in defaults:
            ax.axvline(defaults[p.name], color="#D55E00", lw=1.5, label="default")
        ax.set_xlim(p.low, p.high)
        ax.set_title(p.name, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for j in range(k, rows * cols):
        axes[j // cols][j % cols].axis("off")
    axes[0][0].legend(fontsize=7, loc="upper right")
    fig.suptitle("cogov-sim posterior: marginals over the prior range", fontsize=10)
    fig.tight_layout()
    save(fig, path, *([source] if source else []))
    plt.close(fig)


_SPAN = (-1.5, 2.5)


def _clip(v: float) -> float:
    return float(min(max(v, _SPAN[0] + 0.05), _SPAN[1] - 0.05))


def predictive_figure(
    table: pd.DataFrame, path: Path, level: float = INTERVAL, source: Path | None = None
) -> None:
    """Per item, the reported value, the posterior and prior predictive intervals,
    each scaled by the prior predictive range so that items share one axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(table)
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * n + 1.4))
    for i, r in enumerate(table.itertuples()):
        y = n - 1 - i
        plo = getattr(r, "prior_lo", math.nan)
        phi = getattr(r, "prior_hi", math.nan)
        if pd.isna(plo) or pd.isna(phi) or phi <= plo:
            span = [v for v in (r.posterior_lo, r.posterior_hi, r.reported) if np.isfinite(v)]
            plo, phi = min(span), max(span)
            if phi <= plo:
                phi = plo + 1.0
        else:
            ax.plot([0, 1], [y, y], color="#BBBBBB", lw=6, solid_capstyle="butt")

        def sc(v, lo=plo, hi=phi):
            return (v - lo) / (hi - lo)

        colour = {"pattern": "#0072B2", "validation": "#009E73"}[r.item]
        if not r.used_in_fit and r.item == "pattern":
            colour = "#CC79A7"
        ax.plot([_clip(sc(r.posterior_lo)), _clip(sc(r.posterior_hi))], [y, y], color=colour, lw=3)
        ax.plot(_clip(sc(r.posterior_median)), y, "o", color=colour, ms=4)
        pos = sc(r.reported)
        if _clip(pos) == pos:
            ax.plot(pos, y, "D", color="#D55E00", ms=6, mfc="none", mew=1.5)
        else:  # far outside: an arrow at the edge, with the value
            edge = _clip(pos)
            ax.annotate(
                f"reported {r.reported:.3g}",
                (edge + (-0.1 if edge > 0 else 0.1), y),
                fontsize=6,
                color="#D55E00",
                ha="right" if edge > 0 else "left",
                va="center",
            )
            ax.plot(edge, y, ">" if edge > 0 else "<", color="#D55E00", ms=7)
    ax.set_yticks(range(n))
    ax.set_yticklabels(
        [
            r.id
            + {"pattern": "" if r.used_in_fit else " (unreachable)", "validation": " (validation)"}[
                r.item
            ]
            for r in table.itertuples()
        ][::-1],
        fontsize=7,
    )
    ax.set_xlim(*_SPAN)
    ax.set_xlabel("position within the prior predictive interval (0 = its low end, 1 = high)")
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color="#BBBBBB", lw=6, label=f"prior predictive {level:.0%}"),
        Line2D([], [], color="#0072B2", lw=3, label=f"posterior predictive {level:.0%} (fit)"),
        Line2D(
            [], [], color="#CC79A7", lw=3, label="posterior predictive (unreachable, not fitted)"
        ),
        Line2D([], [], color="#009E73", lw=3, label="posterior predictive (validation)"),
        Line2D([], [], color="#D55E00", marker="D", mfc="none", ls="", label="reported"),
    ]
    ax.legend(handles=handles, fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    save(fig, path, *([source] if source else []))
    plt.close(fig)


# ------------------------------------------------------------------ pipeline
def calibrate(
    space: Space,
    patterns,
    holdout_items,
    out: Path,
    simulations: int,
    draws: int = 2000,
    check_draws: int = 20,
    seed: int = 0,
    jobs: int | None = None,
    progress: bool = True,
    patterns_path: str = "",
    keep_unreachable: bool = False,
) -> dict:
    """The whole pipeline; writes the calibration folder and returns its metadata.

    A pattern whose reported value lies outside every prior simulation is *unreachable*:
    NPE would have to extrapolate to it (condition on statistics far from all it was
    trained on), so it is left out of the fit (kept with ``keep_unreachable``), said
    so, and still shown in the predictive check."""
    from cogov_sim._version import __version__
    from cogov_sim.analysis.calibration.point import overrides_to_params
    from cogov_sim.core.config import default_config

    if simulations < 20:
        raise CalibrationError(f"--simulations must be at least 20, not {simulations}")
    if draws < 1:
        raise CalibrationError(f"--draws must be at least 1, not {draws}")
    if not 0 <= check_draws <= draws:
        raise CalibrationError(f"--check-draws must be between 0 and --draws ({draws})")
    targets = pattern_targets(patterns)
    validation = holdout_targets(holdout_items)
    base = overrides_to_params(space.overrides)
    check_base(base)
    setup = Setup(
        space={
            "parameters": [asdict(p) for p in space.parameters],
            "overrides": space.overrides,
        },
        base=base,
        patterns=[asdict(t) for t in targets],
        version=__version__,
        seed=seed,
    )
    out.mkdir(parents=True, exist_ok=True)
    theta = prior_points(space, simulations, seed)
    records = simulate(out, setup, space, theta, scenarios_of(targets), jobs, progress)
    x = statistics_matrix(records, targets)
    x_obs = np.array([t.reported for t in targets])
    reach = reachable(x, x_obs)
    use = reach if not keep_unreachable else np.ones(len(targets), dtype=bool)
    for t, ok, col in zip(targets, reach, x.T, strict=True):
        if not ok:
            col = col[np.isfinite(col)]
            span = f"{col.min():.4g} to {col.max():.4g}" if col.size else "never defined"
            print(
                f"cogov-sim-explore: pattern {t.id}: reported {t.reported:.4g} lies outside "
                f"every prior simulation ({span}): "
                + ("kept in the fit (--keep-unreachable)" if keep_unreachable else "not fitted"),
                file=sys.stderr,
                flush=True,
            )
    if use.sum() == 0:
        raise CalibrationError("no pattern's reported value lies within the prior simulations")
    samples, info = fit(theta, x[:, use], x_obs[use], space, seed, draws, out)
    fitted = {t.id for t, u in zip(targets, use, strict=True) if u}
    names = space.names
    pd.DataFrame(samples, columns=names).to_csv(out / "posterior.csv", index=False)
    training = pd.DataFrame(theta, columns=names)
    for j, t in enumerate(targets):
        training[f"stat.{t.id}"] = x[:, j]
    training.insert(0, "seed", range(len(theta)))
    training.to_csv(out / "training.csv", index=False)

    from omegaconf import OmegaConf

    cfg = default_config()
    defaults = {n: OmegaConf.select(cfg, n) for n in names}
    cont = contraction(samples, space)
    meta = {
        "method": "neural posterior estimation (sbi NPE, masked autoregressive flow)",
        "version": __version__,
        "seed": seed,
        "space": space.path,
        "patterns": patterns_path or "cogov_sim/data/patterns.yaml",
        "parameters": [
            {
                **asdict(p),
                "default": defaults[p.name],
                "posterior_mean": float(samples[:, j].mean()),
                "posterior_sd": float(samples[:, j].std()),
                "posterior_q05": float(np.quantile(samples[:, j], 0.05)),
                "posterior_q95": float(np.quantile(samples[:, j], 0.95)),
                "contraction": cont[j],
            }
            for j, p in enumerate(space.parameters)
        ],
        "base": base,
        "overrides": space.overrides,
        "targets": [asdict(t) for t in targets],
        "observed": x_obs.tolist(),
        "fitted": [t.id for t in targets if t.id in fitted],
        "unreachable": [
            {
                "id": t.id,
                "reported": t.reported,
                "simulated_min": _finite_min_max(x[:, j])[0],
                "simulated_max": _finite_min_max(x[:, j])[1],
                "fitted": t.id in fitted,
            }
            for j, t in enumerate(targets)
            if not reach[j]
        ],
        "simulations": simulations,
        "draws": draws,
        "check_draws": check_draws,
        **info,
    }
    (out / "calibration.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
    (out / "space.yaml").write_text(
        yaml.safe_dump(
            {
                "parameters": [
                    {"name": p.name, "low": p.low, "high": p.high} for p in space.parameters
                ],
                "outcomes": space.outcomes,
                "overrides": space.overrides,
            },
            sort_keys=False,
        )
    )
    from cogov_sim.analysis.calibration.point import write_config

    post = Posterior(out, meta, pd.DataFrame(samples, columns=names))
    write_config(post.median(), out, math.nan, name="median", what="posterior median")
    posterior_figure(samples, space, defaults, out / "posterior.png", out / "posterior.csv")

    table = None
    for stale in ("predictive.csv", "predictive.md", "predictive.png"):
        (out / stale).unlink(missing_ok=True)  # never a check of an earlier posterior
    if check_draws > 0:
        all_targets = targets + validation
        post_x = run_predictive(post.draws(check_draws), base, all_targets, jobs, progress)
        prior_x = statistics_matrix(records, all_targets)
        table = predictive_table(all_targets, post_x, prior_x, fitted=fitted)
        table.to_csv(out / "predictive.csv", index=False)
        (out / "predictive.md").write_text(
            _predictive_head(meta) + predictive_markdown(table) + "\n", encoding="utf-8"
        )
        predictive_figure(table, out / "predictive.png", source=out / "predictive.csv")
    return {"meta": meta, "samples": samples, "predictive": table}


def _predictive_head(meta: dict) -> str:
    rows = "\n".join(
        f"| `{p['name']}` | {p['low']:g} – {p['high']:g} | {p['default']:g} | "
        f"{p['posterior_mean']:.3g} ± {p['posterior_sd']:.2g} | "
        f"[{p['posterior_q05']:.3g}, {p['posterior_q95']:.3g}] | {p['contraction']:.2f} |"
        for p in meta["parameters"]
    )
    return (
        f"Posterior from {meta['simulations_used']} simulations "
        f"({meta['method']}), seed {meta['seed']}, overrides "
        f"`{' '.join(meta['overrides'])}`.\n\n"
        "| parameter | prior range | default | posterior mean ± sd | 90% interval | "
        "contraction |\n|---|---|---|---|---|---|\n"
        f"{rows}\n\n"
        + _unreachable_text(meta)
        + f"Posterior predictive check ({meta['check_draws']} draws, one new seed each) beside "
        "the reported values. Validation items were never fitted; one with the same statistic "
        "as a fitted pattern is not an independent check, and says so.\n\n"
    )


def _unreachable_text(meta: dict) -> str:
    out = [u for u in meta.get("unreachable", []) if not u["fitted"]]
    if not out:
        return ""
    items = "; ".join(
        f"`{u['id']}` (reported {u['reported']:.3g}, simulated {u['simulated_min']:.3g} to "
        f"{u['simulated_max']:.3g})"
        for u in out
    )
    return (
        f"Not fitted, because the reported value lies outside every prior simulation (the "
        f"shared parameters cannot reach it): {items}.\n\n"
    )
