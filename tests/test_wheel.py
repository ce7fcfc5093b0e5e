"""The wheel: built from the repository, installed into a fresh venv, run outside the tree.

The configs (``configs/``, ``experiments/``) and parameter spaces (``analysis/``)
sit at the top of the repository and must install with the package; the code
finds them through the package (Hydra's ``pkg://``), never through the source
tree. This test builds the wheel from a copy of the files the build needs (so
no stale ``build/`` folder of the checkout leaks into it), installs it into a
new venv and runs the commands from a folder outside the source tree.

The new venv borrows the dependencies of the running interpreter through a
``.pth`` file naming its site-packages folders (none that holds a ``cogov_sim``).
A ``.pth`` line only adds a folder to ``sys.path``; the ``.pth`` files inside
that folder are not run, so the editable install of the checkout (a ``.pth``
hook in ``.venv``) stays off, and the new venv's own site-packages comes first:
the test asserts that every ``cogov_sim`` module it imports is the wheel's.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

#: What the build reads: pyproject.toml names the readme and the licence file.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "cogov_sim", "configs", "experiments")
BUILD_INPUTS += ("analysis", "hydra_plugins")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _run(cmd: list[str], cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
        f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    )
    return proc


def _expected_files() -> set[str]:
    """The wheel's paths of every module and data file of the checkout."""
    want = {
        f"cogov_sim/{p.relative_to(ROOT / 'cogov_sim')}" for p in ROOT.glob("cogov_sim/**/*.py")
    }
    want |= {
        f"cogov_sim/{p.relative_to(ROOT / 'cogov_sim')}"
        for p in ROOT.glob("cogov_sim/data/**/*")
        if p.is_file()
    }
    want |= {
        f"cogov_sim/frontends/viz/{p.name}" for p in ROOT.glob("cogov_sim/frontends/viz/*.vue")
    }  # the app's
    want |= {
        f"cogov_sim/frontends/play/static/{p.name}"
        for p in ROOT.glob("cogov_sim/frontends/play/static/*")
        if p.suffix in (".html", ".js", ".css")
    }  # the class's pages
    conf = ROOT / "configs"
    want |= {f"cogov_sim/conf/{p.relative_to(conf)}" for p in conf.rglob("*") if p.is_file()}
    want |= {f"cogov_sim/conf/experiment/{p.name}" for p in ROOT.glob("experiments/*.yaml")}
    want |= {f"cogov_sim/analysis_spaces/{p.name}" for p in ROOT.glob("analysis/*")}
    return {w for w in want if "__pycache__" not in w}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if int(metadata.version("setuptools").split(".")[0]) < 77:
        pytest.fail("building the wheel offline needs setuptools>=77 (the dev extra has it)")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, symlinks=True, ignore=IGNORE)
        else:
            shutil.copy2(path, src / name)
    dist = tmp / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "-w",
            dist,
            src,
        ],
        tmp,
        dict(os.environ),
    )
    (built,) = dist.glob("cogov_sim-*.whl")
    return built


def test_the_wheel_holds_every_module_config_and_parameter_space(wheel):
    names = {n for n in zipfile.ZipFile(wheel).namelist() if not n.endswith("/")}
    inside = {n for n in names if n.startswith("cogov_sim/")}
    missing = _expected_files() - inside
    assert not missing, f"not in the wheel: {sorted(missing)}"
    stray = {n for n in inside - _expected_files() if n.endswith(".py")}
    assert not stray, f"modules in the wheel that the checkout does not have: {sorted(stray)}"
    assert "cogov_sim/conf/experiment/smoke.yaml" in names
    assert "cogov_sim/analysis_spaces/space_default.yaml" in names
    assert "hydra_plugins/cogov_sim_launcher/__init__.py" in names  # the SLURM launcher


def test_the_installed_wheel_runs_outside_the_source_tree(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, dict(os.environ))
    python = venv / "bin" / "python"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "HYDRA_FULL_ERROR")
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PYTHONNOUSERSITE="1",
        MPLBACKEND="Agg",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    # Install first (pip of this interpreter, run by the new one): nothing else is visible yet.
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        tmp_path,
        env,
    )
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.strip()
    )
    # The dependencies: this interpreter's site folders, but none that holds a cogov_sim.
    deps = [
        p
        for p in dict.fromkeys([*sys.path, *sysconfig.get_paths().values()])
        if Path(p).name in ("site-packages", "dist-packages")
        and Path(p).is_dir()
        and not (Path(p) / "cogov_sim").exists()
    ]
    (site / "_cogov_test_deps.pth").write_text("".join(f"{d}\n" for d in deps))

    work = tmp_path / "work"  # outside the source tree, with nothing in it
    work.mkdir()

    # Every cogov_sim module is the wheel's; the editable install's finder is off.
    probe = (
        "import importlib, importlib.metadata as md, json, sys, cogov_sim, cogov_sim.conf, "
        "cogov_sim.analysis_spaces, cogov_sim.frontends.api, cogov_sim.frontends.sweep, "
        "cogov_sim.analysis.sensitivity; "
        "mods = {n: m.__file__ for n, m in sys.modules.items() if n.startswith('cogov_sim')}; "
        "print(json.dumps({'mods': mods, 'finders': [repr(f) for f in sys.meta_path], "
        "'dist': str(md.distribution('cogov-sim').locate_file(''))}))"
    )
    info = json.loads(_run([python, "-c", probe], work, env).stdout)
    assert len(info["mods"]) > 5
    for name, file in info["mods"].items():
        assert Path(file).is_relative_to(site), f"{name} imported from {file}, not the wheel"
    assert not any("editable" in f.lower() for f in info["finders"]), info["finders"]
    assert Path(info["dist"]).resolve() == site.resolve()

    # Hydra's plug-in scan finds the installed wheel's launchers by itself.
    scan = (
        "import json, sys; from hydra.core.plugins import Plugins; "
        "from hydra.plugins.launcher import Launcher; "
        "found = [f'{c.__module__}.{c.__name__}' for c in Plugins.instance().discover(Launcher)]; "
        "print(json.dumps([found, sys.modules['hydra_plugins.cogov_sim_launcher'].__file__]))"
    )
    found, plugin_file = json.loads(_run([python, "-c", scan], work, env).stdout)
    assert "hydra_plugins.cogov_sim_launcher.SlurmLauncher" in found
    assert Path(plugin_file).is_relative_to(site)

    # The command's help lists the config groups of the installed tree.
    help_text = _run(["cogov-sim", "--help"], work, env).stdout
    assert "smoke" in help_text and "classroom" in help_text

    # One run.
    _run(["cogov-sim", "world=classroom", "steps=5", "output.figures=false"], work, env)
    (summary,) = work.glob("outputs/**/summary.json")
    record = json.loads(summary.read_text())
    assert record["steps"] == 5 and record["world"] == "classroom"

    # The Python API.
    code = (
        "import json; from cogov_sim import simulate; "
        "out = simulate(['world=classroom'], steps=5); print(out['closure_rate']); "
        "print(json.dumps(out))"
    )
    lines = _run([python, "-c", code], work, env).stdout.strip().splitlines()
    out = json.loads(lines[-1])
    # NaN (JSON: NaN) when no case is due within 5 days
    assert lines[-2] == str(out["closure_rate"])
    assert out["steps"] == 5 and out["n_households"] > 0
    assert math.isnan(out["closure_rate"]) or 0.0 <= out["closure_rate"] <= 1.0

    # A sweep of two runs, and its table (the Hydra callback of the installed config).
    sweep = work / "sweep"
    _run(
        ["cogov-sim", "-m", "world=classroom", "steps=3", "seed=1,2", f"hydra.sweep.dir={sweep}"],
        work,
        env,
    )
    assert len(list(sweep.glob("*/summary.json"))) == 2
    runs = pd.read_parquet(sweep / "runs.parquet")
    assert sorted(runs["seed"]) == [1, 2] and (runs["status"] == "ok").all()
    assert (sweep / "scenarios.csv").exists()

    # The shipped example street, built from the wheel's own data files, and its log.
    fit = _run(["cogov-sim-fit", "world", "example_street", "--out", "street"], work, env).stdout
    assert "6,902 households in 30 compounds" in fit and (work / "street" / "world.png").is_file()
    orders = _run(
        ["cogov-sim-fit", "orders", str(site / "cogov_sim/data/nyc311_sample.csv"), "--nyc311",
         "--mapping", str(site / "cogov_sim/data/nyc311_mapping.yaml"),
         "--world", str(site / "cogov_sim/data/nyc311_blocks.csv")],
        work,
        env,
    ).stdout  # fmt: skip
    assert orders.startswith("60 rows: 54 orders used")

    # A class of one round, its pages from the wheel, and its export replayed by the command.
    play = (
        "import json, pathlib; from cogov_sim.frontends.play.game import ClassGame, ClassSetup; "
        "from cogov_sim.frontends.play.record import export_zip; "
        "from cogov_sim.frontends.play.web import STATIC; "
        "g = ClassGame(ClassSetup(world='classroom', warmup_days=5, days_per_round=5, "
        "rounds=1), 'WHEEL1'); p = g.join('A'); g.control('start'); "
        "g.decide(p.token, 'office', {'ngo_hours': 2.0}); g.set_ready(p.token); "
        "pathlib.Path('class.zip').write_bytes(export_zip(g)); "
        "print(json.dumps([str(STATIC), sorted(x.name for x in STATIC.iterdir())]))"
    )
    out = _run([python, "-c", play], work, env).stdout
    static, pages = json.loads(out.strip().splitlines()[-1])
    assert Path(static).is_relative_to(site)
    assert {"student.html", "teacher.html", "student.js", "teacher.js", "class.css"} <= set(pages)
    replayed = _run(["cogov-sim-class", "replay", "class.zip"], work, env).stdout
    assert "reproduced bit for bit" in replayed
    assert (work / "class-debrief" / "debrief.html").is_file()

    # A sensitivity design over the packaged default space (no checkout here).
    _run(["cogov-sim-sensitivity", "sample", "--n", "2", "--out", "sens"], work, env)
    meta = json.loads((work / "sens" / "analysis.json").read_text())
    assert Path(meta["space"]).is_relative_to(site), meta["space"]
    assert len(pd.read_csv(work / "sens" / "samples.csv")) == meta["samples"] > 0
