"""The ``cogov-sim`` command: a thin Hydra shell over :func:`cogov_sim.api.run`."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

# register_configs stays importable from here (older callers and tests use it).
from cogov_sim.hydra_setup import CONFIG_NAME, CONFIG_PATH, group_options, register_configs


def _job(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from cogov_sim.api import run
    from cogov_sim.validation import ConfigError

    hc = HydraConfig.get()
    out = hc.runtime.output_dir
    multirun = hc.mode == RunMode.MULTIRUN
    if cfg.resume and _complete(cfg, out):
        print(f"cogov-sim: skipped {out}: complete results exist for this config", file=sys.stderr)
        return
    # This run replaces whatever an earlier run left here: only a fresh success
    # writes summary.json again, only a fresh failure error.json.
    (Path(out) / "error.json").unlink(missing_ok=True)
    (Path(out) / "summary.json").unlink(missing_ok=True)
    for stale in Path(out).glob(".*.tmp-*"):  # left by a run killed while writing
        stale.unlink(missing_ok=True)
    try:
        run(cfg, out, progress=cfg.output.progress, table=cfg.output.table and not multirun)
        if not multirun:
            print(f"results: {out}")
    except ConfigError as exc:
        print(f"cogov-sim: error: {exc}", file=sys.stderr)
        if not multirun:
            sys.exit(2)
        _write_error(out, exc)
    except Exception as exc:  # one failed run must not kill a sweep
        if not multirun:
            raise
        traceback.print_exc()
        _write_error(out, exc)


def _complete(cfg, folder: str) -> bool:
    """True when ``folder`` holds a complete summary.json of the same config (hash)."""
    from cogov_sim.config import make_config
    from cogov_sim.results import config_hash

    path = Path(folder) / "summary.json"
    if not path.exists():
        return False
    try:
        done = json.loads(path.read_text()).get("config_hash")
        from cogov_sim.api import apply_sample

        return done == config_hash(apply_sample(make_config(cfg)))
    except (OSError, ValueError):
        return False


def _write_error(folder: str, exc: BaseException) -> None:
    path = Path(folder) / "error.json"
    path.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}, indent=2) + "\n")


_FLAGS_WITH_VALUE = {
    "--config-dir",
    "-cd",
    "--config-name",
    "-cn",
    "--config-path",
    "-cp",
    "--experimental-rerun",
    "--info",
    "-i",
}
_GROUPS = {"world", "preset", "experiment", "calibrated"}


def _extra_mechanisms(parsed) -> tuple:
    """Mechanism classes named by import path in a ``mechanisms=[...]`` override."""
    from cogov_sim.errors import ConfigError
    from cogov_sim.mechanisms.registry import known, resolve

    out = []
    for ov in parsed:
        if ov.key_or_group != "mechanisms":
            continue
        try:
            value = ov.value()
        except Exception:  # a sweep over lists: check each choice
            continue
        values = value if isinstance(value, list) else [value]
        for name in values:
            if isinstance(name, str) and name not in known():
                try:
                    out.append(resolve(name))
                except ConfigError:
                    pass  # validation reports it with the known names
    return tuple(out)


def precheck(argv: list[str]) -> str | None:
    """Return an error message for the first override naming a key the schema lacks.

    Hydra itself rejects unknown keys too, but its message does not list the
    allowed keys, and ``+key=value`` bypasses it; this check names both.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from cogov_sim.config import allowed_keys, default_config

    args, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in _FLAGS_WITH_VALUE:
            skip = True
            continue
        if a.startswith("-") or "=" not in a:
            continue
        args.append(a)
    try:
        parsed = OverridesParser.create().parse_overrides(args)
    except Exception:  # let Hydra report syntax errors in its own words
        return None
    schema = default_config(_extra_mechanisms(parsed))
    for ov in parsed:
        key = ov.key_or_group
        if key.startswith("hydra") or key in _GROUPS or "@" in key or ov.is_delete():
            continue
        node = schema
        for part in key.split("."):
            if not hasattr(node, "keys") or part not in node:
                return (
                    f"cogov-sim: error: unknown configuration key '{key}' "
                    f"(allowed: {allowed_keys(key, schema)})"
                )
            node = node[part]
    return None


HELP = """cogov-sim: agent-based simulator of multi-actor co-governance in Chinese
grassroots governance (one street; one step = one day).

usage: cogov-sim [--multirun|-m] [key=value ...] [group=option ...]

  cogov-sim                                   the default street scenario, 365 days
  cogov-sim world=classroom 'mechanisms=[integrated_grid,red_property]' seed=3
  cogov-sim -m +experiment=mechanism_comparison      a sweep (see docs/experiments.md)

== Configuration groups ==
{groups}
== Mechanisms (mechanisms=[...]; also any 'package.module:Class') ==
{mechanisms}

== Config: key = default   allowed [unit]   meaning (also docs/ODD.md, section 7.12) ==
{config}
Other commands: cogov-sim-aggregate PATH, cogov-sim-patterns.
Hydra's own options: cogov-sim --hydra-help.
"""


def print_help() -> None:
    """The app's help, without composing every config group (which Hydra's help does)."""
    from cogov_sim.mechanisms import MECHANISMS
    from cogov_sim.paramdoc import rows

    lines = []
    for group in ("world", "preset", "experiment", "hydra/launcher"):
        opts = group_options(group)
        if group == "hydra/launcher":
            opts = sorted({*opts, "basic", "joblib", "submitit_local", "submitit_slurm", "ray"})
        prefix = "+" if group == "experiment" else ""
        lines.append(f"{prefix}{group}: {', '.join(opts)}")
    config = []
    for key, default, allowed, unit, meaning in rows():
        unit = f" [{unit}]" if unit else ""
        config.append(f"  {key} = {default}   {allowed}{unit}   {meaning}")
    mechs = [f"  {name:22s} {cls.title_zh} / {cls.title_en}" for name, cls in MECHANISMS.items()]
    text = HELP.format(
        groups="\n".join(lines) + "\n",
        mechanisms="\n".join(mechs),
        config="\n".join(config) + "\n",
    )
    print(text)


def main() -> None:
    """Entry point of ``cogov-sim`` and ``python -m cogov_sim``."""
    if any(a in ("--help", "-h") for a in sys.argv[1:]):
        print_help()
        return
    import hydra

    register_configs(sys.argv[1:])
    msg = precheck(sys.argv[1:])
    if msg:
        print(msg, file=sys.stderr)
        sys.exit(2)
    app = hydra.main(version_base=None, config_path=CONFIG_PATH, config_name=CONFIG_NAME)(_job)
    app()


if __name__ == "__main__":
    main()
