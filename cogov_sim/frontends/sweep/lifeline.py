"""A sweep's workers die with it.

A local parallel sweep runs its jobs in joblib (loky) worker processes, children of
the sweep's main process. Killed with ``kill -9``, the main process cannot stop them:
they went on for many minutes under PID 1, finishing runs into a folder whose lock a
new sweep could already have taken. So the sweep names itself in the environment its
workers inherit (:func:`mark_sweep`), and a worker that runs a job watches its parent
(:func:`watch_sweep`): when the sweep process is gone it exits at once.

Only a direct child of the sweep's process watches: a run started by a scheduler on
another machine (SLURM), or by Ray, has another parent and is left alone.
"""

from __future__ import annotations

import os
import threading

#: the environment variable naming the sweep's main process
SWEEP_PID = "COGOV_SIM_SWEEP_PID"

#: seconds between two looks at the parent
POLL_SECONDS = 0.5

#: exit status of a worker whose sweep died (as if killed by SIGKILL)
ORPHANED = 137

_watching = False
_lock = threading.Lock()


def mark_sweep() -> None:
    """Name this process as a sweep's main process for the workers it will start."""
    os.environ[SWEEP_PID] = str(os.getpid())


def watch_sweep() -> bool:
    """In a worker of a sweep (a direct child of the process :func:`mark_sweep` named),
    start a daemon thread that ends this process when the sweep's process is gone.

    Returns:
        Whether this process watches (once started, later calls do nothing more)."""
    global _watching
    try:
        sweep = int(os.environ.get(SWEEP_PID, ""))
    except ValueError:
        return False
    parent = os.getppid()
    if sweep == os.getpid() or parent != sweep:
        return False
    with _lock:
        if not _watching:
            threading.Thread(
                target=_watch, args=(parent,), name="cogov-sim-lifeline", daemon=True
            ).start()
            _watching = True
    return True


def _watch(parent: int) -> None:
    stop = threading.Event()
    while not stop.wait(POLL_SECONDS):
        if os.getppid() != parent:  # the sweep died: this process was re-parented
            os._exit(ORPHANED)
