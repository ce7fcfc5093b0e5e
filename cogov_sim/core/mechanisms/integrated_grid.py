"""Integrated grid (全科网格 / 多网合一).

Practice: the separate grids of several departments (typically seven:
comprehensive governance, urban management, party building, ...) are merged
into one zone with one worker who handles all issue types. Without it, grids
are siloed: a report to the wrong silo is transferred with delay, and a
worker's coverage of other silos' issues has gaps.

Rules in the model:
- The merged grids pool their staff: the zone worker's hours are multiplied by
  ``worker_hours_factor`` (the workers' ``staff_factor``).
- The worker covers every issue type: its find factor for types outside its
  old silo becomes ``coverage``.
- One intake: reports are no longer sent to the wrong silo (the departments'
  ``single_intake``).
- Routing: the zone worker takes every neighbour dispute, facility fault and
  safety hazard reported with severity up to ``small_threshold`` that would
  otherwise go to a department, and small neighbour disputes that would go to
  the mediation committee (property disputes, service needs and collective
  matters keep their handlers).
- An all-round worker handles a wrongly recorded case as what it is: the
  report's error costs no transfer (the workers' ``all_round``).

Calibrated to patterns ``integrated_grid_closure`` (closure 74.8% -> 96.8%,
Qinhuai, Nanjing) and ``integrated_grid_level`` (over 90% solved at grid level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import HandlerKind, IssueType
from cogov_sim.core.mechanisms._routing import movable, reroute
from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import factor, share

GRID_TYPES = (IssueType.NEIGHBOUR_DISPUTE, IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD)


@dataclass
class IntegratedGridParams:
    """全科网格: see :mod:`cogov_sim.core.mechanisms.integrated_grid`."""

    worker_hours_factor: float = factor(
        1.5,
        "merged grids pool staff: worker hours x factor",
        slider=(1.0, 3.0, 0.1),
        label=("worker hours x", "网格员工时倍数"),
    )
    small_threshold: float = share(
        0.6,
        "severity up to which the worker handles any report",
        unit="severity",
        slider=(0.0, 1.0, 0.05),
        label=("worker handles up to severity", "网格员就地处置严重度上限"),
    )
    coverage: float = share(1.0, "find factor for types outside the old silo")


class IntegratedGrid(Mechanism):
    name = "integrated_grid"
    title_zh = "全科网格 / 多网合一"
    title_en = "Integrated grid"
    pattern = "integrated_grid_closure"
    expected = (
        "Closure rate and the share of issues resolved at grid level rise; response time "
        "falls; fewer hotline complaints."
    )
    limitations = (
        "The merged worker's extra hours (`worker_hours_factor`) stand for pooled staff; the "
        "model does not represent training for the new tasks, nor a transition period."
    )
    Params = IntegratedGridParams
    info = {
        "en": {
            "practice": (
                "The separate grids of several departments (often seven: comprehensive "
                "governance, urban management, party building ...) are merged into one grid, "
                "with one worker per zone who takes every kind of issue."
            ),
            "rule": (
                "The zone's grid worker gets the pooled staff of the merged grids (1.5x hours) "
                "and notices every issue type; reports no longer go to the wrong department. "
                "The worker takes the neighbour disputes, faults and hazards up to a set "
                "severity that would have gone to a department."
            ),
            "look_for": (
                "Follow a fault ■ or a hazard ▲: on the baseline map it waits days for its "
                "department, on the treatment map it is usually gone the next day. On-time "
                "closure rises and response time falls within the first month; satisfaction "
                "barely moves at classroom scale."
            ),
            "pattern": (
                "Qinhuai district, Nanjing: merging seven grids into one raised the closure "
                "rate of events from 74.8% to 96.8% (+22 points). A national assessment: over "
                "90% of problems are solved at grid level. The model is calibrated to the "
                "first figure and checked against the second."
            ),
        },
        "zh": {
            "practice": (
                "全科网格（多网合一）：把综治、城管、党建等多个部门各自的网格（常见为七网）"
                "合并为一张网，每个网格由一名网格员受理所有类型的事件。"
            ),
            "rule": (
                "网格员汇集了各网的人手（工时×1.5），能发现各类事件；报告不再被派错部门。"
                "严重度在上限以内、原本要交给部门的邻里纠纷、设施故障和安全隐患，改由网格员"
                "就地处置。"
            ),
            "look_for": (
                "盯住一个设施故障■或安全隐患▲：基线地图上它要等部门好几天，启用机制的地图上"
                "通常第二天就消失。按时办结率和响应时间在第一个月内就拉开差距；课堂规模下"
                "满意度几乎不变。"
            ),
            "pattern": (
                "南京市秦淮区：七网合一后，事件办结率由 74.8% 升至 96.8%（提高 22 个百分点）。"
                "全国评估：90% 以上的问题在网格内解决。模型按第一项数据校准，并用第二项检验。"
            ),
        },
    }

    def setup(self, model) -> None:
        p, wk = self.params, model.workers
        wk.staff_factor *= p.worker_hours_factor
        wk.coverage = np.where(wk.in_remit, wk.coverage, p.coverage)
        model.departments.single_intake = True
        wk.all_round = True

    def route(self, model, ids, kind, target) -> None:
        iss = model.issues
        mask = (
            movable(kind)
            & np.isin(iss.rtype[ids], [int(t) for t in GRID_TYPES])
            & (iss.rseverity[ids] <= self.params.small_threshold)
        )
        # the all-round worker also settles small disputes on the spot that would go to
        # the mediation committee
        mask |= (
            (kind == HandlerKind.MEDIATOR)
            & (iss.rtype[ids] == IssueType.NEIGHBOUR_DISPUTE)
            & (iss.rseverity[ids] <= self.params.small_threshold)
        )
        reroute(model, kind, target, mask, "worker", iss.zone[ids])
