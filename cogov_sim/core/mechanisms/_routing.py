"""Helpers shared by mechanisms that re-route issues at triage."""

from __future__ import annotations

import numpy as np

from cogov_sim.core.actors.handlers import KIND_OF_GROUP
from cogov_sim.core.issues import HandlerKind


def reroute(model, kind, target, mask, group: str, owner) -> None:
    """Send the issues selected by ``mask`` to handler ``group``, owner ``owner[mask]``."""
    if not np.any(mask):
        return
    h = model.handlers
    kind[mask] = KIND_OF_GROUP[group]
    target[mask] = h.index(group, np.asarray(owner)[mask])


def movable(kind) -> np.ndarray:
    """Issues still bound for a department or a grid worker (not yet taken by a mechanism)."""
    return (kind == HandlerKind.DEPARTMENT) | (kind == HandlerKind.GRID_WORKER)


def take_small(model, ids, kind, target, types, max_severity: float, group: str, also=()) -> None:
    """Community-level handler ``group`` takes issues reported as of ``types`` up to a
    reported ``max_severity`` that are still bound for a department or a grid worker (or
    for a handler kind in ``also``)."""
    iss = model.issues
    mask = (
        (movable(kind) | np.isin(kind, [int(a) for a in also]))
        & np.isin(iss.rtype[ids], [int(t) for t in types])
        & (iss.rseverity[ids] <= max_severity)
    )
    reroute(model, kind, target, mask, group, iss.community[ids])
