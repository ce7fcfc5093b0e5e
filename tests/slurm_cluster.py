"""A throwaway single-node SLURM cluster for tests (Debian's slurm-wlm and munge).

``single_node_slurm(workdir)`` starts munged, slurmctld and slurmd as plain child
processes (no systemd), every file of theirs under ``workdir``: slurm.conf, state and
spool folders, logs, pid files, the munge key and socket. The ports are free ones picked
at run time, so the cluster cannot clash with a real one or with another test run.
Clients find it through ``SLURM_CONF`` in the yielded ``env``.

There is no slurmdbd, so accounting is off and the real ``sacct`` only says "Slurm
accounting storage is disabled". submitit reads job states with
``sacct -o JobID,State,NodeList --parsable2 -j ID ...``; ``env`` therefore puts a small
``sacct`` stand-in first on PATH that answers that one question from ``squeue``
(finished jobs stay visible there for MinJobAge seconds). Without it submitit still
gets results (it waits for each job's result pickle), but a job that dies without
writing one would leave ``job.result()`` waiting forever.

Needs root: slurmd runs jobs as the submitting user and munged is started as the
``munge`` user. Starting takes about a second; stopping well under one, or a second
or two with jobs still running (they are killed).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "sinfo", "scancel")
PARTITION = "test"
START_TIMEOUT = 60.0  # seconds for the node to come up idle
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL

# Answers submitit's `sacct -o JobID,State,NodeList --parsable2 -j ID [-j ID ...]`
# from squeue, in sacct's format (a header, then `|`-separated fields). squeue prints
# job ids the way sacct does, pending array tasks folded as `12_[1-2%256]` included.
SACCT_SHIM = """#!/bin/sh
# sacct stand-in written by tests/slurm_cluster.py: this test cluster has no slurmdbd.
# It only knows the fields submitit asks for, whatever -o/--format says.
ids=""
while [ $# -gt 0 ]; do
    case "$1" in
        -j|--jobs) ids="${ids:+$ids,}$2"; shift 2 ;;
        --jobs=*) ids="${ids:+$ids,}${1#--jobs=}"; shift ;;
        -o|--format) shift 2 ;;
        *) shift ;;
    esac
done
echo "JobID|State|NodeList"
exec squeue --noheader --states=all ${ids:+--jobs="$ids"} --format='%i|%T|%N'
"""


def _which(prog: str) -> str | None:
    """Find a program on PATH or in the sbin folders a non-root PATH often lacks."""
    return shutil.which(prog) or shutil.which(prog, path="/usr/sbin:/sbin:/usr/local/sbin")


def slurm_available() -> str | None:
    """None when a test cluster can be started here, else the reason it cannot."""
    missing = [p for p in (*DAEMONS, *CLIENTS) if _which(p) is None]
    if missing:
        return f"{', '.join(missing)} not found (run tools/install-slurm-deps.sh)"
    if os.geteuid() != 0:
        return "a test SLURM cluster needs root (slurmd, and munged as the munge user)"
    try:
        pwd.getpwnam("munge")
    except KeyError:
        return "no 'munge' user (is the munge package installed?)"
    return None


def _free_ports(n: int) -> list[int]:
    """n distinct TCP ports nothing listens on right now (the kernel's picks).

    They are free when picked, not reserved: something could take one before the
    daemons bind it (they would then fail to start, with the reason in their logs).
    """
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]


def _memory_mb() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20


def _reachable_by(path: Path, uid: int, gid: int) -> bool:
    """Whether user uid (group gid) can walk down to path: munged must reach its files."""
    for folder in [path, *path.parents]:
        st = folder.stat()
        if st.st_uid == uid:
            bit = 0o100
        elif st.st_gid == gid:
            bit = 0o010
        else:
            bit = 0o001
        if not st.st_mode & bit:
            return False
    return True


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"--- {path}: (none)"
    return "\n".join([f"--- {path}:", *text[-lines:]])


@dataclass
class SlurmCluster:
    """A running test cluster, as yielded by ``single_node_slurm``."""

    conf: Path
    # Merge into os.environ for sbatch/squeue/sinfo/scancel: SLURM_CONF, and PATH with
    # the sacct stand-in first.
    env: dict[str, str]
    node: str
    partition: str = PARTITION
    logs: list[Path] = field(default_factory=list)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess:
        """Run a SLURM client against this cluster, e.g. ``run("squeue")``."""
        return subprocess.run(
            args,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def node_state(self) -> str:
        """The node's state as sinfo prints it ("idle", "mixed", "down*"...), "" if unknown."""
        try:
            out = self.run("sinfo", "--noheader", "--Node", f"--nodes={self.node}", "--format=%T")
        except subprocess.TimeoutExpired:
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    def logs_tail(self) -> str:
        """The end of each log; a daemon's stdout (.out) only if its .log is empty."""
        shown = []
        for path in self.logs:
            log = path.with_suffix(".log")
            if path.suffix == ".out" and log != path and log.exists() and log.stat().st_size:
                continue
            shown.append(_tail(path))
        return "\n".join(shown)

    def wait_idle(self, timeout: float = START_TIMEOUT) -> None:
        """Wait until sinfo shows the node idle; RuntimeError (with the logs) if not."""
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            dead = [name for name, p in self.procs.items() if p.poll() is not None]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited early\n{self.logs_tail()}")
            state = self.node_state()
            if state == "idle":
                return
            time.sleep(0.25)
        raise RuntimeError(
            f"node {self.node} not idle after {timeout:.0f} s (state {state!r})\n{self.logs_tail()}"
        )

    def cancel_all(self, timeout: float = STOP_TIMEOUT) -> None:
        """Cancel every job and wait (up to timeout) until none is left running.

        Running jobs get SIGKILL at once: submitit's jobs ignore scancel's SIGTERM and
        would only go after KillWait.
        """
        self.run("scancel", "--signal=KILL", "--full", f"--partition={self.partition}")
        self.run("scancel", f"--partition={self.partition}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.run("squeue", "--noheader", "--format=%i")
            if out.returncode != 0 or not out.stdout.strip():
                return
            time.sleep(0.25)


def _stop(procs: list[subprocess.Popen], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the processes, then SIGKILL whichever still runs after timeout."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + timeout
    for p in procs:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _stepds(conf: Path) -> set[int]:
    """Pids of this cluster's slurmstepd processes.

    slurmd double-forks a slurmstepd per job step, so they are no children of ours, and
    it leaves them running when it stops (for a restarted slurmd to adopt). They inherit
    slurmd's environment, whose SLURM_CONF tells ours from any other cluster's.
    """
    marker = f"SLURM_CONF={conf}".encode()
    pids = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if not (proc / "cmdline").read_bytes().startswith(b"slurmstepd"):
                continue
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                pids.add(int(proc.name))
        except OSError:  # gone meanwhile
            continue
    return pids


def _running(pid: int) -> bool | None:
    """True if pid runs, False if it is a zombie (dead, not yet reaped), None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def _end_stepds(pids: set[int], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM, then SIGKILL, the step daemons, and wait a while for init to reap them.

    Orphans are reaped by init (pid 1), which some container inits do lazily; a zombie is
    dead already, so after timeout it is left to init rather than waited for.
    """
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            if _running(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(_running(pid) for pid in pids):
            time.sleep(0.1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_running(pid) is not None for pid in pids):
        time.sleep(0.1)


def _start_munged(mdir: Path, logs: list[Path]) -> tuple[subprocess.Popen, Path]:
    """Start munged as the munge user with its own key, socket, pid, seed and log files.

    munged refuses (or cannot reach) files the munge user does not own, and folders it
    cannot pass through; see single_node_slurm for where mdir goes.
    """
    munge = pwd.getpwnam("munge")
    mdir.mkdir()
    # munged wants to own the folder of its key, seed and socket, with others allowed
    # to pass through (to reach the socket) but not to list or write it.
    os.chown(mdir, munge.pw_uid, munge.pw_gid)
    mdir.chmod(0o711)
    key = mdir / "munge.key"
    key.write_bytes(os.urandom(1024))  # any random bytes will do (as `mungekey` makes)
    os.chown(key, munge.pw_uid, munge.pw_gid)
    key.chmod(0o400)
    sock = mdir / "munge.socket"
    # In the foreground munged logs to stderr only (no --log-file), so into munged.out.
    out = mdir / "munged.out"
    logs.append(out)
    with out.open("wb") as out_f:
        proc = subprocess.Popen(
            [
                _which("munged"),
                "--foreground",
                f"--socket={sock}",
                f"--key-file={key}",
                f"--pid-file={mdir / 'munged.pid'}",
                f"--seed-file={mdir / 'munged.seed'}",
            ],
            user=munge.pw_uid,
            group=munge.pw_gid,
            extra_groups=[],
            stdin=subprocess.DEVNULL,
            stdout=out_f,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal is for the tests only
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop([proc])
            raise RuntimeError(f"munged did not start\n{_tail(out)}")
        time.sleep(0.05)
    return proc, sock


def _write_conf(conf: Path, node: str, munge_socket: Path) -> None:
    """Write slurm.conf (and an empty plugstack.conf) with all paths beside conf."""
    workdir = conf.parent
    state, log = workdir / "state", workdir / "log"
    # slurmstepd makes a Unix socket per job step in the spool folder, and a socket's
    # path may have at most 108 bytes: pytest's folders (popen-gw1/test_a_long_name0/)
    # leave too little, and every job then dies at launch and is requeued for ever.
    spool = workdir / "spool"
    if len(str(spool)) > 48:
        spool = Path(tempfile.mkdtemp(prefix="slurm-spool-", dir="/tmp"))
        (workdir / "spool").symlink_to(spool)  # found beside the rest; removed with it
    for d in (state, spool, log):
        d.mkdir(parents=True, exist_ok=True)
    memory = max(256, min(2048, _memory_mb() // 4))  # modest: well below the machine's
    ctld_port, slurmd_port = _free_ports(2)
    # Job ids would restart at 1 in every cluster; submitit caches job states by id for
    # the whole process and names its output files by id, so a second cluster's jobs
    # could pass for the first one's. A random first id keeps them apart.
    first_job_id = random.randrange(1, 60_000_000)
    conf.write_text(
        f"""\
# Single-node test cluster written by tests/slurm_cluster.py.
ClusterName=cogovtest
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
StateSaveLocation={state}
SlurmdSpoolDir={spool}
SlurmctldPidFile={log / "slurmctld.pid"}
SlurmdPidFile={log / "slurmd.pid"}
SlurmctldLogFile={log / "slurmctld.log"}
SlurmdLogFile={log / "slurmd.log"}
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig={workdir / "plugstack.conf"}
# No systemd and no cgroups: track job processes through /proc.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
# No slurmdbd: no accounting (sacct is stood in for, see the module docstring).
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
# Cores are the consumable resource, so 1-CPU array tasks share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# A node that was down comes back by itself once slurmd registers.
ReturnToService=2
# The node is whatever slurm.conf says, not drained if the machine reports less.
SlurmdParameters=config_overrides
# Keep finished jobs visible to squeue (and so to the sacct stand-in) for an hour.
MinJobAge=3600
FirstJobId={first_job_id}
# Quick scancel and quick retries: this is a test cluster.
KillWait=5
InactiveLimit=0
SlurmdTimeout=60
NodeName={node} NodeAddr=127.0.0.1 CPUs={os.cpu_count() or 1} RealMemory={memory} State=UNKNOWN
PartitionName={PARTITION} Nodes={node} Default=YES MaxTime=INFINITE State=UP
"""
    )
    (workdir / "plugstack.conf").write_text("")  # no SPANK plugins (not /etc/slurm's)


@contextlib.contextmanager
def single_node_slurm(workdir: Path) -> Iterator[SlurmCluster]:
    """Start a single-node SLURM cluster whose files all live under workdir.

    Yields a SlurmCluster once sinfo shows the node idle. On exit, even when the body
    raises, cancels the jobs and stops slurmd, slurmctld and munged (SIGTERM, then
    SIGKILL after a timeout), along with any job step processes left behind.
    """
    reason = slurm_available()
    if reason:
        raise RuntimeError(reason)
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    # slurmd and slurmctld name the host by its short name; the node must match it.
    node = socket.gethostname().split(".")[0]
    munge = pwd.getpwnam("munge")
    # munged (as the munge user) must reach its folder: pytest's tmp_path lies under a
    # 0700 folder of root's, so fall back to a folder of its own in the temp dir then.
    munge_tmp = None
    if _reachable_by(workdir, munge.pw_uid, munge.pw_gid):
        mdir = workdir / "munge"
    else:
        munge_tmp = Path(tempfile.mkdtemp(prefix="slurm-test-munge-"))
        munge_tmp.chmod(0o755)  # mkdtemp makes it 0700; munged only needs to pass through
        mdir = munge_tmp / "munge"

    conf = workdir / "slurm.conf"
    logs: list[Path] = []
    procs: dict[str, subprocess.Popen] = {}
    cluster = None
    try:
        procs["munged"], munge_socket = _start_munged(mdir, logs)
        _write_conf(conf, node, munge_socket)
        shim = workdir / "bin"
        shim.mkdir(exist_ok=True)
        (shim / "sacct").write_text(SACCT_SHIM)
        (shim / "sacct").chmod(0o755)
        env = {
            "SLURM_CONF": str(conf),
            "PATH": f"{shim}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        }
        cluster = SlurmCluster(
            conf=conf,
            env=env,
            node=node,
            logs=[*logs, workdir / "log" / "slurmctld.log", workdir / "log" / "slurmd.log"],
            procs=procs,
        )
        # SLURM_CONF in slurmd's environment also marks its slurmstepds (see _stepds).
        daemon_env = {**os.environ, **env}
        commands = {
            # -D: stay in the foreground, so the pid we hold is the daemon's;
            # -c: start afresh, ignoring any state a previous run left in workdir.
            "slurmctld": [_which("slurmctld"), "-D", "-c", "-f", str(conf)],
            "slurmd": [_which("slurmd"), "-D", "-f", str(conf), "-N", node],
        }
        for name, cmd in commands.items():
            out = workdir / "log" / f"{name}.out"  # what they print before logging starts
            cluster.logs.append(out)
            with out.open("wb") as out_f:
                procs[name] = subprocess.Popen(
                    cmd,
                    env=daemon_env,
                    cwd=workdir,
                    stdin=subprocess.DEVNULL,
                    stdout=out_f,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        cluster.wait_idle(START_TIMEOUT)
        yield cluster
    finally:
        stepds = _stepds(conf)  # now, while they are not zombies yet
        if cluster is not None and procs.get("slurmctld") and procs["slurmctld"].poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                cluster.cancel_all()
        _stop([procs[n] for n in ("slurmd", "slurmctld") if n in procs])
        _end_stepds(stepds | _stepds(conf))
        _stop([procs[n] for n in ("munged",) if n in procs])  # last: the others use it
        if munge_tmp is not None:
            shutil.rmtree(munge_tmp, ignore_errors=True)
        spool = workdir / "spool"
        if spool.is_symlink():
            shutil.rmtree(spool.resolve(), ignore_errors=True)
