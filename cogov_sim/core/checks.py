"""Range checks of a composed configuration, run before anything is built or written.

Hydra's structured configs already reject a wrong type or an unknown key at
composition time. Here every number is checked against the range its field
declares (:func:`cogov_sim.core.params.param` metadata, beside the field), and
cross-key constraints (households per zone against the size of the world,
mechanism names against the registry) are checked, so that a bad input fails
with one message that names the key, the value and what is allowed.
"""

from __future__ import annotations

from omegaconf import DictConfig, OmegaConf

from cogov_sim.core.config import allowed_keys
from cogov_sim.core.errors import ConfigError
from cogov_sim.core.issues import EVENTS_PER_ISSUE, ISSUE_KEYS
from cogov_sim.core.mechanisms.pathways import PATHWAYS
from cogov_sim.core.mechanisms.registry import resolve
from cogov_sim.core.params import param_infos
from cogov_sim.core.world import HOUSING_TYPES

__all__ = ["ConfigError", "allowed_keys", "iter_params", "validate"]


def iter_params(node: DictConfig, prefix: str = ""):
    """Yield ``(dotted key, ParamInfo, value)`` for every ranged number of a typed config."""
    cls = OmegaConf.get_type(node)
    infos = param_infos(cls) if cls is not None and cls is not dict else {}
    for k in node.keys():
        child = node._get_node(k)
        key = f"{prefix}{k}"
        if isinstance(child, DictConfig):
            yield from iter_params(child, key + ".")
        elif k in infos:
            yield key, infos[k], child._value()


def validate(cfg: DictConfig) -> None:
    """Check every value of a composed config against its allowed range.

    Raises:
        ConfigError: the first bad value, with its key and allowed range.
    """
    for key, info, value in iter_params(cfg):
        if not info.check(value):
            raise ConfigError(key, info.allowed, value)

    names = [str(n) for n in cfg.mechanisms]
    classes = [resolve(n) for n in names]
    if len({c.name for c in classes}) != len(classes):
        raise ConfigError("mechanisms", "each mechanism at most once", names)
    for cls in classes:
        if cls.name not in cfg.mechanism_params:
            raise ConfigError(
                f"mechanism_params.{cls.name}", "a section made by make_config", "missing"
            )
    if cfg.workers.staffing not in ("workload", "households"):
        raise ConfigError("workers.staffing", "workload or households", cfg.workers.staffing)
    for p in cfg.pathways_off:
        if p not in PATHWAYS:
            raise ConfigError("pathways_off", "pathways: " + ", ".join(PATHWAYS), p)
    for t in cfg.workers.remit:
        if t not in ISSUE_KEYS:
            raise ConfigError("workers.remit", "issue types: " + ", ".join(ISSUE_KEYS), t)

    out = cfg.output
    if out.animation not in ("none", "gif", "mp4"):
        raise ConfigError("output.animation", "none, gif or mp4", out.animation)
    if out.animation_variable not in ("satisfaction", "trust", "participation"):
        raise ConfigError(
            "output.animation_variable",
            "satisfaction, trust or participation",
            out.animation_variable,
        )

    w = cfg.world
    expected = w.width * w.height * w.density
    if w.households_per_zone > expected:
        raise ConfigError(
            "world.households_per_zone",
            f"at most the world's expected households, width*height*density = {expected:.0f}",
            w.households_per_zone,
        )
    if cfg.workers.patrol_hours > cfg.workers.hours_per_day:
        raise ConfigError(
            "workers.patrol_hours",
            f"at most workers.hours_per_day = {cfg.workers.hours_per_day}",
            cfg.workers.patrol_hours,
        )
    total = sum(
        cfg.outcomes[k] for k in ("weight_satisfaction", "weight_disposal", "weight_innovation")
    )
    if total <= 0:
        raise ConfigError("outcomes.weight_*", "weights with a positive sum", total)
    shares = sum(float(cfg.world[f"share_{t}"]) for t in HOUSING_TYPES)
    if abs(shares - 1.0) > 1e-6:
        raise ConfigError(
            "world.share_*",
            "shares of the four housing types (old_estate, commodity, rental, urban_village) "
            "that sum to 1",
            round(shares, 6),
        )
    _check_memory(cfg)


#: Peak memory of a run, fitted to peak RSS measured with ``benchmarks/bench_memory.py``
#: (a fresh process per run, every output written), 2 thousand to 5.3 million
#: households, 1 to 365 days, at the busy street's flow (within about 10% of every
#: measured peak: street 387 MB, district 911 MB, a city of a million households 6.3 GB
#: in version 0.4; version 0.5, checked with the same coefficients: street 342 MB,
#: district 1,060 MB).
#: Fixed cost (Python, numpy, pandas, Mesa, matplotlib, a figure), per household
#: (lattice, residents, per-day arrays, the map) and per event (the event log and
#: issue table, whose room is reserved once, and the summary's per-issue arrays; the
#: log is written in row groups).
MEMORY_BASE = 310 * 2**20
MEMORY_PER_HOUSEHOLD = 600
MEMORY_PER_EVENT = 85


def memory_estimate(cfg: DictConfig) -> int:
    """Estimated peak memory of a run, in bytes (within about 15% of measured peaks).

    ``MEMORY_BASE + MEMORY_PER_HOUSEHOLD * households + MEMORY_PER_EVENT * events``, with
    households = width * height * density and events = households * steps / 365 * the
    issue rates per household-year summed over issue types * ``EVENTS_PER_ISSUE``
    (:data:`cogov_sim.core.issues.EVENTS_PER_ISSUE`).
    Refit with ``python benchmarks/bench_memory.py`` when the model changes.
    """
    w = cfg.world
    households = w.width * w.height * w.density
    rates = sum(float(cfg.issues[k].rate) for k in ISSUE_KEYS)
    events = households * cfg.steps / 365 * rates * EVENTS_PER_ISSUE
    return int(MEMORY_BASE + MEMORY_PER_HOUSEHOLD * households + MEMORY_PER_EVENT * events)


def _available_memory() -> int | None:
    """Bytes this process may still take: MemAvailable of /proc/meminfo, lowered by a
    cgroup's memory limit (a container, a SLURM job) if there is one; None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            lines = {k: v for k, _, v in (line.partition(":") for line in fh)}
        avail = int(lines["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return None
    for limit, usage in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ):
        try:
            with open(limit, encoding="ascii") as a, open(usage, encoding="ascii") as b:
                cap, used = int(a.read().strip()), int(b.read().strip())
        except (OSError, ValueError):  # no such cgroup, or "max": no limit
            continue
        if cap < 2**60:
            avail = min(avail, max(0, cap - used))
    return avail


def _address_space_left() -> int | None:
    """Bytes of address space this process may still map under ``ulimit -v``
    (RLIMIT_AS); None without such a limit."""
    import os
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        mapped = 0
    return max(0, soft - mapped)


def _check_memory(cfg: DictConfig) -> None:
    """Refuse a world that cannot fit in memory, before anything is built."""
    import os

    if os.environ.get("COGOV_SIM_MEMORY_CHECK", "1") == "0":
        return
    avail = _available_memory()
    if avail is None:
        return
    need = memory_estimate(cfg)
    try:  # the process's own memory (imports, the caller's data) is in use already
        with open("/proc/self/statm", encoding="ascii") as fh:
            need -= int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    room = _address_space_left()
    if room is not None and memory_estimate(cfg) > room:
        # every table a run reserves is new address space, whatever is in use already
        gb = 2**30
        raise ConfigError(
            "world.width",
            f"a world that fits in this process's address space: {cfg.steps} days of "
            f"{cfg.world.width}x{cfg.world.height} cells need an estimated "
            f"{memory_estimate(cfg) / gb:.1f} GB, but a limit on virtual memory "
            f"(ulimit -v) leaves {room / gb:.1f} GB. Make the world or steps smaller, or "
            "raise the limit (COGOV_SIM_MEMORY_CHECK=0 skips this check)",
            cfg.world.width,
        )
    if need > avail:
        w = cfg.world
        gb = 2**30
        raise ConfigError(
            "world.width",
            f"a world that fits in memory: {w.width}x{w.height} cells at density {w.density} "
            f"are about {w.width * w.height * w.density:,.0f} households; {cfg.steps} days of "
            f"them need an estimated {memory_estimate(cfg) / gb:.1f} GB, but "
            f"{avail / gb:.1f} GB are available. Make world.width and world.height (or "
            f"steps) smaller, or run on a larger machine (COGOV_SIM_MEMORY_CHECK=0 skips "
            f"this check)",
            w.width,
        )
