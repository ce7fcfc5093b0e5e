"""cogov-sim's launchers (issue #32: sweeps at the speed of the model).

Hydra instantiates launcher plug-ins only from the ``hydra_plugins`` namespace, hence
this package beside ``cogov_sim``. The presets in ``configs/hydra/launcher/`` point
their ``_target_`` here:

- :class:`PoolLauncher` (``local``, the default of ``-m``): worker processes forked from
  the sweep's own once the modules a run needs are imported; each runs jobs until the
  sweep ends.
- :class:`SlurmLauncher` (``slurm``) and :class:`LocalLauncher`
  (``cogov_submitit_local``): hydra-submitit-launcher's, with two changes. **Resume**:
  with ``resume=true``, runs whose folder holds complete results are not submitted
  (:func:`cogov_sim.frontends.sweep.resume.split_finished`), so a resumed sweep is one
  array job of the missing runs only, keeping their job numbers and folders.
  **Packing**: ``runs_per_task`` runs share one array task, one after the other in one
  Python process, so a cluster pays Python's start and the imports once per task, not
  once per run; each run still writes its own folder.
- :class:`RayLauncher` (``ray_cluster``; defined when hydra-ray-launcher, the ``ray``
  extra, is installed): hydra-ray-launcher's, sending Hydra's state to its long-lived
  workers once per sweep, not with every job.

Every process that composes or runs jobs uses
:mod:`cogov_sim.frontends.sweep.fast_hydra` (a sweep's jobs composed once per shape).
A run that cannot finish because its worker or task ended (killed, out of memory, out
of time) or that Hydra could not start gets an ``error.json`` in its folder; the sweep
goes on to its results table, which lists it as failed, and ``resume=true`` runs it
again. The submitit launchers' settings (``runs_per_task`` among them) are
:mod:`cogov_sim.frontends.sweep.launcher_conf`.
"""

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, JobStatus, filter_overrides
from hydra.plugins.launcher import Launcher
from hydra_plugins.hydra_submitit_launcher.config import BaseQueueConf
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    BaseSubmititLauncher,
)
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    LocalLauncher as _LocalLauncher,
)
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    SlurmLauncher as _SlurmLauncher,
)
from omegaconf import OmegaConf

log = logging.getLogger(__name__)


class _SubmitMissing(BaseSubmititLauncher):
    """``launch`` as in hydra-submitit-launcher 1.2, over the runs still to do only,
    ``runs_per_task`` of them in each array task."""

    def __init__(self, runs_per_task: int = 1, **params: Any) -> None:
        if isinstance(runs_per_task, bool) or not isinstance(runs_per_task, int):
            raise ValueError(
                f"hydra.launcher.runs_per_task must be a whole number >= 1, not {runs_per_task!r}"
            )
        if runs_per_task < 1:
            raise ValueError(
                f"hydra.launcher.runs_per_task must be a whole number >= 1, not {runs_per_task}"
            )
        super().__init__(**params)
        self.runs_per_task = runs_per_task

    def __call__(self, *args: Any, **kwargs: Any) -> JobReturn:
        """One run, in a task's process: as the plug-in's, composing through the cache."""
        from cogov_sim.frontends.sweep.fast_hydra import install

        install()
        return super().__call__(*args, **kwargs)

    def run_packed(self, runs: list[tuple]) -> list[JobReturn]:
        """The runs of one packed array task, one after the other in this process (Hydra's
        state set once, the jobs composed through the cache); a run whose job cannot even
        start (Hydra's own error) is recorded as failed (its ``error.json``) and the next
        one runs."""
        import submitit
        from hydra.core.utils import run_job, setup_globals
        from omegaconf import open_dict

        from cogov_sim.frontends.sweep.fast_hydra import install

        install()
        assert self.hydra_context is not None and self.config is not None
        began = time.time()
        Singleton.set_state(runs[0][4])
        returns = []
        for overrides, job_dir_key, num, _, _ in runs:
            try:  # the plug-in's __call__, without setting Hydra's state again
                setup_globals()
                sweep_config = self.hydra_context.config_loader.load_sweep_config(
                    self.config, overrides
                )
                with open_dict(sweep_config.hydra.job) as job:
                    job.id = submitit.JobEnvironment().job_id
                    sweep_config.hydra.job.num = num
                ret = run_job(
                    hydra_context=self.hydra_context,
                    task_function=self.task_function,
                    config=sweep_config,
                    job_dir_key=job_dir_key,
                    job_subdir_key="hydra.sweep.subdir",
                )
                returns.append(_slim(ret))
            except Exception as exc:  # noqa: BLE001 - isolate each run of the task
                log.exception("cogov-sim: run %s of a packed task could not start", num)
                why = f"{type(exc).__name__}: {exc}"
                returns.append(_lost(self, num, overrides, why, began))
        return returns

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        from cogov_sim.frontends.sweep.resume import split_finished

        assert self.config is not None and self.hydra_context is not None
        jobs = list(enumerate(job_overrides, start=initial_job_idx))
        assert jobs
        todo, returns = split_finished(self.hydra_context, self.config, jobs)
        if todo:
            returns.update(zip([num for num, _ in todo], self._submit(todo), strict=True))
        return [returns[num] for num, _ in jobs]

    def _submit(self, jobs: list[tuple[int, list[str]]]) -> list[JobReturn]:
        """Submit ``jobs`` (job number, overrides) as one array and wait for their returns."""
        import submitit  # lazy, as in the plug-in: plug-in discovery stays fast

        assert self.config is not None
        init_keys = {"max_num_timeout"}
        init_params: dict[str, Any] = {"folder": self.params["submitit_folder"]}
        init_params.update(
            {f"{self._EXECUTOR}_{k}": v for k, v in self.params.items() if k in init_keys}
        )
        executor = submitit.AutoExecutor(cluster=self._EXECUTOR, **init_params)
        base = set(OmegaConf.structured(BaseQueueConf).keys())
        executor.update_parameters(
            **{
                k if k in base else f"{self._EXECUTOR}_{k}": v
                for k, v in self.params.items()
                if k not in init_keys | {"submitit_folder"}
            }
        )
        log.info(f"Submitit '{self._EXECUTOR}' sweep output dir : {self.config.hydra.sweep.dir}")
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        if "mode" in self.config.hydra.sweep:
            os.chmod(sweep_dir, mode=int(str(self.config.hydra.sweep.mode), 8))
        params = []
        began = time.time()
        state = Singleton.get_state()  # once (a deep copy of Hydra's state: ~40 ms)
        for num, overrides in jobs:
            log.info(f"\t#{num} : {' '.join(filter_overrides(overrides))}")
            params.append((overrides, "hydra.sweep.dir", num, f"job_id_for_{num}", state))
        per = self.runs_per_task
        if per == 1:
            tasks = [[p] for p in params]
            submitted = executor.map_array(self, *zip(*params, strict=True))
        else:
            tasks = [params[i : i + per] for i in range(0, len(params), per)]
            log.info(f"{len(params)} runs packed in {len(tasks)} array tasks of up to {per}")
            submitted = executor.map_array(self.run_packed, tasks)
        _load_results_modules()  # while the tasks run
        _wait(submitted)
        returns: list[JobReturn] = []
        for job, task in zip(submitted, tasks, strict=True):
            try:
                result = job.results()[0]
                returns.extend([result] if per == 1 else result)
            except Exception as exc:  # noqa: BLE001 - the task failed or ended early
                why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                log.error(f"cogov-sim: a task of {len(task)} run(s) failed or ended early: {why}")
                reason = f"its task failed or ended before the run finished: {why}"
                returns.extend(_lost(self, p[2], p[0], reason, began) for p in task)
        return returns


#: seconds between two looks for the tasks' results (submitit's own wait: 1 s)
POLL_SECONDS = 0.25


def _wait(jobs) -> None:
    """Wait until every submitit job is done. One job is looked at at a time, in order,
    every :data:`POLL_SECONDS` (a look is a few file-system calls on the shared sweep
    folder, and the scheduler's state at most as often as submitit allows): an array of
    thousands of tasks costs the file system no more than one."""
    pending = list(jobs)
    while pending:
        if pending[0].done():
            pending.pop(0)
        else:
            time.sleep(POLL_SECONDS)


def _lost(
    launcher: Any, num: int, overrides: Sequence[str], reason: str, since: float
) -> JobReturn:
    """A run that did not finish because its process or task ended (or Hydra could not
    start it). Unless the run wrote its own record since ``since`` (the launch's start:
    its results, or its own ``error.json``, which is kept), its folder gets an
    ``error.json`` with ``reason`` (an earlier sweep's results there are removed: they
    are not this run's), the sweep's progress counts it, and it is returned as a
    completed job, so that the sweep goes on to its results table, which lists it as
    failed (``resume=true`` runs it again): a failed job would stop Hydra's sweeper
    before the table."""
    from cogov_sim.results.runfolder import write_error

    cfg, folder = _job_config(launcher, num, overrides)
    ret = JobReturn(overrides=list(overrides), working_dir=str(folder))
    ret.status = JobStatus.COMPLETED
    ret.return_value = None
    if any(_newer(folder / name, since) for name in ("summary.json", "error.json")):
        return ret  # the run recorded its own end (and its progress was counted)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").unlink(missing_ok=True)
    write_error(str(folder), RuntimeError(reason))
    subdir = None if cfg is None else OmegaConf.select(cfg, "hydra.output_subdir")
    if subdir is not None and not (folder / subdir / "overrides.yaml").exists():
        # a run that never started: the record of its overrides, as Hydra writes it, so
        # that the results table knows the folder for this sweep's run
        from cogov_sim.frontends.sweep.fast_hydra import to_yaml

        (folder / subdir).mkdir(parents=True, exist_ok=True)
        (folder / subdir / "overrides.yaml").write_text(
            to_yaml(cfg.hydra.overrides.task), encoding="utf-8"
        )
    if cfg is not None:
        try:
            launcher.hydra_context.callbacks.on_job_end(config=cfg, job_return=ret)
        except Exception:  # noqa: BLE001 - the count is best effort; the table is not
            log.debug("cogov-sim: progress of a lost run not counted", exc_info=True)
    return ret


def _newer(path: Path, since: float) -> bool:
    try:
        return path.stat().st_mtime >= since - 1.0  # (a file system's coarse clock)
    except OSError:
        return False


def _job_config(launcher: Any, num: int, overrides: Sequence[str]) -> tuple[Any, Path]:
    """Run ``num``'s config (None if it does not compose) and its folder
    (``hydra.sweep.dir``/``hydra.sweep.subdir``)."""
    from omegaconf import open_dict

    sweep = Path(str(launcher.config.hydra.sweep.dir))
    try:
        cfg = launcher.hydra_context.config_loader.load_sweep_config(
            launcher.config, list(overrides)
        )
        with open_dict(cfg):
            cfg.hydra.job.num = num
            cfg.hydra.job.id = f"job_id_for_{num}"
            folder = sweep / str(OmegaConf.select(cfg, "hydra.sweep.subdir"))
            cfg.hydra.runtime.output_dir = str(folder.absolute())
        return cfg, folder
    except Exception:  # noqa: BLE001 - a job that does not compose: the default folder
        return None, sweep / str(num)


class SlurmLauncher(_SubmitMissing, _SlurmLauncher):
    """hydra-submitit-launcher's SLURM launcher; a resumed sweep submits missing runs
    only; ``runs_per_task`` runs per array task."""


class LocalLauncher(_SubmitMissing, _LocalLauncher):
    """hydra-submitit-launcher's local launcher; a resumed sweep submits missing runs
    only; ``runs_per_task`` runs per task."""


#: The launcher whose jobs this process's forked workers run (set before they fork).
_POOL_LAUNCHER: "PoolLauncher | None" = None

#: Modules a run uses, imported once in the sweep's process before its workers fork.
_RUN_MODULES = (
    "cogov_sim.frontends.api",
    "cogov_sim.core.model",
    "cogov_sim.core.outcomes",
    "cogov_sim.results.writing",
    "cogov_sim.results.timeseries",
    "cogov_sim.results.runfolder",
)


class PoolLauncher(Launcher):
    """Local parallel runs in worker processes forked from the sweep's own process.

    The default of ``-m`` (``configs/hydra/launcher/local.yaml``). Everything a run
    needs is in place before the workers fork: the modules (imported once, shared
    copy-on-write), Hydra's state and the composed shape of the sweep's jobs
    (:mod:`cogov_sim.frontends.sweep.fast_hydra`). A worker gets a job's number and
    overrides only, composes it from the cache, runs it through Hydra's ``run_job``
    (the run's folder and ``.hydra`` records as with any launcher) and returns a small
    record. Workers live for the whole sweep and leave Ctrl-C to the sweep's process,
    which stops them and the runs not yet started.

    A worker that dies (killed, out of memory) breaks the pool: Python's executor then
    stops the other workers too. The run whose worker died is failed (``error.json``,
    listed in the results table; ``resume=true`` runs it again); the runs the others
    had started, and those not started, run again in a new pool (a run is given at most
    two pools). Needs ``fork``: Linux, and macOS (where Python's default is ``spawn``,
    because some of the system's frameworks are not safe across ``fork``; a run uses
    none of them); on Windows use ``hydra/launcher=joblib``.
    """

    def __init__(self, n_jobs: int = -1) -> None:
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0:
            raise ValueError(
                f"hydra.launcher.n_jobs must be a whole number: the workers (-1: one per "
                f"core), not {n_jobs!r}"
            )
        self.n_jobs = n_jobs
        self.config = None
        self.hydra_context = None
        self.task_function = None

    def setup(self, *, hydra_context: Any, task_function: Any, config: Any) -> None:
        self.config = config
        self.hydra_context = hydra_context
        self.task_function = task_function

    def workers(self, jobs: int) -> int:
        """Workers for ``jobs`` jobs: ``n_jobs`` as joblib reads it (-1: one per CPU this
        process may use, a container's CPU quota included)."""
        from joblib import cpu_count

        cores = cpu_count()
        n = cores + 1 + self.n_jobs if self.n_jobs < 0 else self.n_jobs
        return max(1, min(n, jobs))

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        import importlib
        import multiprocessing
        import tempfile

        from hydra.core.utils import configure_log, setup_globals

        from cogov_sim.frontends.sweep.fast_hydra import install

        global _POOL_LAUNCHER, _POOL_STARTS
        if "fork" not in multiprocessing.get_all_start_methods():
            raise RuntimeError(
                "the local launcher forks its workers, which this system cannot do; "
                "use hydra/launcher=joblib"
            )
        setup_globals()
        assert self.config is not None and self.hydra_context is not None
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        jobs = [(initial_job_idx + i, list(ov)) for i, ov in enumerate(job_overrides)]
        if not jobs:
            return []
        install()
        for name in _RUN_MODULES:  # imported once, here, not in every worker
            importlib.import_module(name)
        try:  # the first job's shape composed here, so that every worker's copy has it
            self.hydra_context.config_loader.load_sweep_config(self.config, jobs[0][1])
        except Exception:  # noqa: BLE001 - that job fails in its worker, on its own
            log.debug("cogov-sim: the first job does not compose", exc_info=True)
        n = self.workers(len(jobs))
        log.info(f"cogov-sim: launching {len(jobs)} jobs on {n} forked workers in {sweep_dir}")
        returns: dict[int, JobReturn] = {}
        lost_once: set[int] = set()  # started in a pool that broke under them
        todo, ahead = jobs, True
        with tempfile.TemporaryDirectory(prefix="cogov-sim-pool-") as starts:
            _POOL_LAUNCHER, _POOL_STARTS = self, Path(starts)
            try:
                while todo:
                    began, done = time.time(), len(returns)
                    broken, deaths = self._round(todo, n, returns, ahead)
                    ahead = False
                    started = {num for num, _ in broken if _start_pid(num) is not None}
                    stuck = broken and len(returns) == done and not started
                    todo = []
                    for num, ov in broken:
                        if stuck:  # a pool that ran nothing: no new one would do better
                            why = "no worker process could start it"
                        elif num in started and (_start_pid(num) in deaths or num in lost_once):
                            why = "its worker process died (killed, or out of memory)"
                        else:  # not started, or stopped by the executor: run it again
                            if num in started:
                                lost_once.add(num)
                            todo.append((num, ov))
                            continue
                        log.error(f"cogov-sim: run {num} lost: {why}")
                        returns[num] = _lost(self, num, ov, why, began)
            finally:
                _POOL_LAUNCHER = _POOL_STARTS = None
        return [returns[num] for num, _ in jobs]

    def _round(self, todo, n, returns, ahead) -> tuple[list, set[int]]:
        """Run ``todo`` in one pool of ``n`` forked workers; the jobs lost with a broken
        pool, and the process ids of its workers that died of something other than the
        executor's own SIGTERM (the one that broke it)."""
        import multiprocessing
        import signal
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        for num, _ in todo:  # a start record is of this round only
            _POOL_STARTS.joinpath(str(num)).unlink(missing_ok=True)
        pool = ProcessPoolExecutor(
            min(n, len(todo)),
            mp_context=multiprocessing.get_context("fork"),
            initializer=_ignore_interrupts,
        )
        broken: list = []
        try:
            futures = [(pool.submit(_pool_job, num, ov), num, ov) for num, ov in todo]
            if ahead:  # while the workers run: what the results table needs
                _load_results_modules()
            for future, num, ov in futures:
                try:
                    returns[num] = future.result()
                except BrokenProcessPool:
                    broken.append((num, ov))
        except BaseException:
            # Ctrl-C, or anything unforeseen: stop the workers and the runs not started
            _stop(pool)
            raise
        deaths = set()
        if broken:
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.join(timeout=5)
                if proc.exitcode not in (None, 0, -signal.SIGTERM):
                    deaths.add(proc.pid)
            pool.shutdown(wait=True)  # no thread of the old pool left when forking again
        else:
            # every run is back: the workers end while the results table is made
            pool.shutdown(wait=False, cancel_futures=True)
        return broken, deaths


#: The launcher whose jobs this process's forked workers run, and the folder where
#: each job records which worker started it (set before they fork).
_POOL_STARTS: Path | None = None


def _start_pid(num: int) -> int | None:
    try:
        return int(_POOL_STARTS.joinpath(str(num)).read_text())
    except (OSError, ValueError, AttributeError):
        return None


def _ignore_interrupts() -> None:
    """A forked worker leaves Ctrl-C to the sweep's process (which stops it)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool) -> None:
    """End a pool at once: no queued job starts, the running ones are killed."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # (shutdown clears it)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except (OSError, AttributeError):
            pass


def _load_results_modules() -> None:
    """Import what the sweep's results table and figures need (pandas' Parquet, the
    tables, matplotlib), in the sweep's own process, which waits while its workers run:
    the table then starts at once when the last run ends."""
    import importlib

    try:
        import matplotlib

        matplotlib.use("Agg")
        for name in ("matplotlib.pyplot", "cogov_sim.results.sweep.collect", "scipy.special"):
            importlib.import_module(name)
    except Exception:  # noqa: BLE001 - only a head start: the table imports them itself
        log.debug("cogov-sim: could not load the results modules ahead", exc_info=True)


def _pool_job(num: int, overrides: list[str]) -> JobReturn:
    """One job in a forked worker: composed, run through Hydra's ``run_job``, returned
    as a record small enough to send back (no configs; an error as its text)."""
    began = time.time()
    if _POOL_STARTS is not None:  # which worker runs it, should the worker die
        _POOL_STARTS.joinpath(str(num)).write_text(str(os.getpid()))
    try:
        return _pool_run(num, overrides)
    except Exception as exc:  # noqa: BLE001 - Hydra's own errors: this run fails, not the pool
        log.exception("cogov-sim: run %s could not start", num)
        return _lost(_POOL_LAUNCHER, num, overrides, f"{type(exc).__name__}: {exc}", began)
    except SystemExit as exc:  # a run's sys.exit ends the run, not the worker
        return _lost(_POOL_LAUNCHER, num, overrides, f"SystemExit: {exc.code}", began)


def _pool_run(num: int, overrides: list[str]) -> JobReturn:
    from hydra.core.utils import run_job, setup_globals
    from omegaconf import open_dict

    launcher = _POOL_LAUNCHER
    assert launcher is not None and launcher.hydra_context is not None
    setup_globals()
    sweep_config = launcher.hydra_context.config_loader.load_sweep_config(
        launcher.config, overrides
    )
    with open_dict(sweep_config):
        sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{num}"
        sweep_config.hydra.job.num = num
    ret = run_job(  # (sets Hydra's config for the job itself)
        hydra_context=launcher.hydra_context,
        task_function=launcher.task_function,
        config=sweep_config,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )
    return _slim(ret)


def _slim(ret: JobReturn) -> JobReturn:
    """A job's return without its configs (which need not pickle once Hydra has
    re-imported its plug-ins in this process), an error as its text: small and safe to
    send back to the sweep's process."""
    small = JobReturn(
        overrides=ret.overrides,
        working_dir=ret.working_dir,
        task_name=ret.task_name,
        status=ret.status,
    )
    value = ret._return_value
    if isinstance(value, BaseException):
        value = RuntimeError(f"{type(value).__name__}: {value}")
    small._return_value = value
    return small


try:  # the ``ray`` extra: hydra-ray-launcher
    from hydra_plugins.hydra_ray_launcher.ray_launcher import RayLauncher as _RayLauncher
except ImportError:  # pragma: no cover - without the extra there is no Ray launcher
    _RayLauncher = None


if _RayLauncher is not None:

    class RayLauncher(_RayLauncher):
        """hydra-ray-launcher's launcher, with long-lived workers that read each sweep's
        Hydra state once.

        The plug-in sends every job Hydra's whole state (a deep copy made per job in the
        sweep's process: ~40 ms each) and the Hydra context, and each job sets that state
        again in its worker. Here they go to Ray's object store once per sweep; a worker
        sets the state once per sweep (however many of its jobs it runs), composes each
        job from its overrides through the cache, and sends back a small record. The
        workers themselves are the preset's long-lived ones (``max_calls: 0``): each
        imports cogov-sim once. A Ray this launch connected to (or started) is shut down
        when its runs are back, not at the process's exit, where it takes a second more.
        """

        def launch(
            self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
        ) -> Sequence[JobReturn]:
            import secrets

            import ray
            from hydra.core.utils import configure_log, setup_globals
            from hydra_plugins.hydra_ray_launcher._launcher_util import start_ray

            setup_globals()
            assert self.config is not None and self.hydra_context is not None
            configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
            sweep_dir = Path(str(self.config.hydra.sweep.dir))
            sweep_dir.mkdir(parents=True, exist_ok=True)
            log.info(f"Ray launcher: {len(job_overrides)} jobs, sweep output dir {sweep_dir}")
            # as the plug-in: a local Ray in CI needs a small object store
            self.ray_cfg.init.setdefault("object_store_memory", 78643200)
            ours = not ray.is_initialized()  # a Ray this launch connects to (or starts)
            start_ray(self.ray_cfg.init)
            try:
                return self._run(ray, secrets.token_hex(8), job_overrides, initial_job_idx)
            finally:
                if ours:
                    ray.shutdown()

        def _run(self, ray, token, job_overrides, initial_job_idx) -> list[JobReturn]:
            began = time.time()
            state = (Singleton.get_state(), self.hydra_context, self.config, self.task_function)
            shared = ray.put(state)
            remote = OmegaConf.to_container(self.ray_cfg.remote, resolve=True) or {}
            job = ray.remote(**remote)(_ray_job) if remote else ray.remote(_ray_job)
            refs = []
            jobs = [(initial_job_idx + i, list(ov)) for i, ov in enumerate(job_overrides)]
            for num, overrides in jobs:
                log.info(f"\t#{num} : {' '.join(filter_overrides(overrides))}")
                # (in a list: Ray hands the worker the reference, not the object, so that
                # a worker fetches and unpickles it once per launch, not once per job)
                refs.append(job.remote(token, [shared], num, list(overrides)))
            _load_results_modules()  # while the workers run
            returns = []
            for ref, (num, overrides) in zip(refs, jobs, strict=True):
                try:
                    returns.append(ray.get(ref))
                except Exception as exc:  # noqa: BLE001 - its worker died, or Hydra's error
                    why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                    log.error(f"cogov-sim: run {num} lost: {why}")
                    reason = f"its Ray task failed: {why}"
                    returns.append(_lost(self, num, overrides, reason, began))
            return returns


#: The launch whose Hydra state this Ray worker holds: (its token, its shared objects).
_RAY_LAUNCH: tuple[str, tuple] | None = None


def _ray_job(token: str, shared: list, num: int, overrides: list[str]) -> JobReturn:
    """One job in a Ray worker (:class:`RayLauncher`)."""
    global _RAY_LAUNCH
    import ray
    from hydra.core.utils import run_job, setup_globals
    from omegaconf import open_dict

    from cogov_sim.frontends.sweep.fast_hydra import install

    install()
    if _RAY_LAUNCH is None or _RAY_LAUNCH[0] != token:
        objects = ray.get(shared[0])
        Singleton.set_state(objects[0])
        _RAY_LAUNCH = (token, objects)
    _, hydra_context, config, task_function = _RAY_LAUNCH[1]
    setup_globals()
    sweep_config = hydra_context.config_loader.load_sweep_config(config, overrides)
    with open_dict(sweep_config):
        sweep_config.hydra.job.id = f"job_id_for_{num}"
        sweep_config.hydra.job.num = num
    ret = run_job(
        hydra_context=hydra_context,
        task_function=task_function,
        config=sweep_config,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )
    return _slim(ret)
