"""The ``cogov-sim`` command: a thin Hydra shell over :func:`cogov_sim.frontends.api.run`.

Exit codes: 0 done; 1 a run failed (a sweep: any of its runs; the one-line summary
names ``failures.csv``) or Hydra reported an error; 2 a bad configuration or a sweep
folder in use by another sweep.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from cogov_sim.frontends.hydra_setup import (
    CONFIG_NAME,
    CONFIG_PATH,
    RESULTS_LOGGER,
    check_overrides,
    console_logging,
    group_options,
    register_configs,
    register_launchers,
)

# register_configs stays importable from here (older callers and tests use it).
from cogov_sim.frontends.sweep.lifeline import watch_sweep
from cogov_sim.results.runfolder import completed, write_error

log = logging.getLogger(__name__)


def _job(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from cogov_sim.core.checks import ConfigError
    from cogov_sim.core.world_file import WorldFileError
    from cogov_sim.frontends.api import run

    console_logging()  # again: Hydra has just configured this job's logging
    hc = HydraConfig.get()
    out = hc.runtime.output_dir
    multirun = hc.mode == RunMode.MULTIRUN
    if multirun:
        watch_sweep()  # a local worker ends with its sweep (kill -9 included)
    if cfg.resume:
        complete, why = completed(cfg, out)
        if complete:
            log.info("cogov-sim: skipped %s: complete results exist for this config", out)
            return
        if why:
            log.info("cogov-sim: re-running %s: %s", out, why)
    # This run replaces whatever an earlier run left here: only a fresh success
    # writes summary.json again, only a fresh failure error.json.
    (Path(out) / "error.json").unlink(missing_ok=True)
    (Path(out) / "summary.json").unlink(missing_ok=True)
    for stale in Path(out).glob(".*.tmp-*"):  # left by a run killed while writing
        stale.unlink(missing_ok=True)
    try:
        run(cfg, out, progress=cfg.output.progress, table=cfg.output.table and not multirun)
        if not multirun:
            logging.getLogger(RESULTS_LOGGER).info("results: %s", out)
    except (ConfigError, WorldFileError) as exc:  # a bad value, or a world's file
        log.error("cogov-sim: error: %s", exc)
        if not multirun:
            sys.exit(2)
        write_error(out, exc)
    except Exception as exc:  # one failed run must not kill a sweep
        if not multirun:
            raise
        log.exception("cogov-sim: run %s failed", out)
        write_error(out, exc)


#: (kept under its old name: the launchers and tests call it from here)
_write_error = write_error


#: flags that point Hydra at the user's own config tree (with or without "=value")
_OWN_CONFIG_FLAGS = {"--config-dir", "-cd", "--config-path", "-cp", "--config-name", "-cn"}

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
#: Hydra's own flags that the pre-check leaves alone entirely.
_HYDRA_COMMANDS = ("--shell-completion", "-sc", "--hydra-help", "--info", "-i", "--cfg", "-c")


def precheck(argv: list[str]) -> str | None:
    """Return the error message of the first problem of a command line, before Hydra
    makes any folder: an override Hydra's grammar cannot read (with how to write it), an
    unknown option of a config group, an unknown key or a value of the wrong type
    (:func:`cogov_sim.frontends.hydra_setup.check_overrides`), and for a single run the
    whole config's ranges and cross-key checks. Group sweeps and the user's own config
    trees (``-cd``, ``hydra.searchpath``) are left to Hydra.

    Hydra itself rejects unknown keys and wrong types too, but its message does not list
    the allowed keys or values, and ``+key=value`` bypasses it; this check names both.
    """
    from cogov_sim.core.errors import ConfigError

    args, skip, own_configs = [], False, False
    for a in argv:
        if skip:
            skip = False
            continue
        flag = a.partition("=")[0]
        if flag in _OWN_CONFIG_FLAGS:  # the user's own config tree: Hydra checks it
            own_configs = True
        if a in _FLAGS_WITH_VALUE:
            skip = True
            continue
        if a.startswith("-") or "=" not in a:
            continue
        own_configs = own_configs or a.startswith(("hydra.searchpath", "+hydra.searchpath"))
        args.append(a)
    syntax = _syntax_error(args)
    if syntax:
        return f"cogov-sim: error: {syntax}"
    try:
        if not own_configs:
            _check_groups(args)
        check_overrides(args)
        if not own_configs and not ({"-m", "--multirun"} & set(argv)):
            _check_whole_config(args)
    except ConfigError as exc:
        return f"cogov-sim: error: {exc}"
    return None


def _syntax_error(args: list[str]) -> str | None:
    """What is wrong with the first override Hydra's grammar cannot read, and how to
    write it (quoting, ASCII digits)."""
    import unicodedata

    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    for a in args:
        try:
            parser.parse_overrides([a])
        except Exception as exc:  # noqa: BLE001 - Hydra's grammar errors have many types
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            key, _, value = a.partition("=")
            ascii_value = unicodedata.normalize("NFKC", value)
            if ascii_value != value and ascii_value.isascii():
                hint = f"it has full-width characters: type them as ASCII ({key}={ascii_value})"
            elif value.startswith("["):
                hint = (
                    f"a list is written [a,b], with no empty item ({key}=[] for none), "
                    f"and quoted for the shell: '{key}=[a,b]'"
                )
            else:
                hint = (
                    "quote a value with spaces, commas, brackets or non-ASCII letters, and "
                    f"the whole override for the shell: '{key}=\"{value}\"'"
                )
            return f"cannot read the override {a!r} ({reason}); {hint}"
    return None


def _check_groups(args: list[str]) -> None:
    """An unknown option of a config group (``world=village``) named with the known ones."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from cogov_sim.core.errors import ConfigError

    parser = OverridesParser.create()
    for a in args:
        key, _, value = a.partition("=")
        group = key.lstrip("+~")
        if group not in ("world", "preset", "experiment") or not value:
            continue
        ov = parser.parse_override(a)
        if ov.is_sweep_override() or not isinstance(ov.value(), str):
            continue  # a sweep or a function over options (-m world=classroom,street)
        known = group_options(group)
        if ov.value() not in known:
            raise ConfigError(group, f"one of {', '.join(known)}", ov.value())


def _check_whole_config(args: list[str]) -> None:
    """Compose and validate a single run's config before Hydra makes its output folder,
    so that a bad one writes nothing (a sweep checks each run as it starts)."""
    from cogov_sim.core.checks import validate
    from cogov_sim.core.config import make_config
    from cogov_sim.frontends.api import compose
    from cogov_sim.results.runfolder import apply_sample

    validate(apply_sample(make_config(compose(args))))


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
    from cogov_sim.core.mechanisms import MECHANISMS
    from cogov_sim.docgen.params import rows

    lines = []
    for group in ("world", "preset", "experiment", "hydra/launcher"):
        opts = group_options(group)
        if group == "hydra/launcher":
            opts = sorted(
                {*opts, "basic", "joblib", "cogov_submitit_local", "submitit_slurm", "ray"}
            )
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
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `cogov-sim --help | head`: the reader has enough
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _hydra_command(argv: list[str]) -> bool:
    """True for Hydra's own commands (shell completion, its help, config printing)."""
    return any(a.partition("=")[0] in _HYDRA_COMMANDS for a in argv)


def main() -> None:
    """Entry point of ``cogov-sim`` and ``python -m cogov_sim``."""
    argv = sys.argv[1:]
    if not _hydra_command(argv) and any(a in ("--help", "-h") for a in argv):
        print_help()
        return
    import hydra

    from cogov_sim.frontends.sweep import callback
    from cogov_sim.frontends.sweep.fast_hydra import clear, install

    install()  # a sweep's jobs composed once per shape, not once each
    clear()  # (nothing kept from an earlier multirun of this process)
    register_configs(argv)
    register_launchers()
    if not _hydra_command(argv):
        msg = precheck(argv)
        if msg:
            print(msg, file=sys.stderr)
            sys.exit(2)
    app = hydra.main(version_base=None, config_path=CONFIG_PATH, config_name=CONFIG_NAME)(_job)
    callback.LAST_SWEEP = None
    try:
        app()
    finally:
        callback.release()  # the sweep folder's lock, had the sweep crashed
    done = callback.LAST_SWEEP
    if done is not None and (done.failed or done.error):
        sys.exit(1)  # the callback has said why, with the failures.csv to read


if __name__ == "__main__":
    main()
