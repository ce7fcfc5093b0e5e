"""Five-step closed loop (五步闭环: 收集—分析—处置—反馈—评价).

Practice: every resident request is collected, analysed, handled, fed back to
the resident and evaluated by them; a request is closed only when the
resident agrees, and what comes back is looked at again (Beijing's "接诉即办"
closed loop, the report's five- and six-step loops).

Rules in the model (everything else follows from callbacks, 7.6a, and the
review, 7.8):
- Feed back and evaluate: the community's own desk calls back every closed
  issue whose household waits for it (the callback desk's ``share`` becomes
  ``callback_share``), each call taking ``hours_per_call`` of the party
  branch's staff hours as far as they go: unfixed problems (false closures,
  cases closed unresolved) are reopened, and the residents' evaluation of
  every called-back case enters the handlers' review (a larger survey).
- Analyse and handle: a reopened case (a repeat) is dispatched with no
  scheduling delay (its handler starts at its report).
- Cost: ``yuan_per_household_year`` per household per year (the desk's
  platform).

Pattern: none reported as a number; expected effects: fewer false closures
left standing, more repeats found and handled, party-branch hours used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import hours, share, yuan


@dataclass
class ClosedLoopParams:
    """五步闭环: see :mod:`cogov_sim.core.mechanisms.closed_loop`."""

    callback_share: float = share(
        1.0,
        "share of closed issues whose households wait for them that the desk calls back",
        slider=(0.0, 1.0, 0.05),
        label=("callbacks: share of closed issues", "回访比例"),
    )
    hours_per_call: float = hours(0.15, "party-branch staff hours per callback")
    yuan_per_household_year: float = yuan(2.0, "the desk's platform, per household per year")


class ClosedLoop(Mechanism):
    name = "closed_loop"
    title_zh = "五步闭环"
    title_en = "Five-step closed loop"
    pattern = ""
    expected = (
        "Closed cases are called back and unfixed ones reopened: repeats are found and handled "
        "sooner, false closures stop paying off, party-branch hours are used."
    )
    limitations = (
        "The analysis step is only the quick dispatch of repeats; the desk's staff are the "
        "party branch's, not hired for it."
    )
    Params = ClosedLoopParams
    info = {
        "en": {
            "practice": (
                "Every request is collected, analysed, handled, fed back to the resident and "
                "evaluated by them; it is closed only when the resident agrees, and what comes "
                "back is looked at again (the five-step closed loop)."
            ),
            "rule": (
                "The community's desk calls back every closed case (party-branch hours). A "
                "problem that is not fixed is reopened, and a repeat is dispatched at once; "
                "residents' evaluations enter the handlers' review."
            ),
            "look_for": (
                "Watch the party branches' hours and the share of cases reopened. With a "
                "closure-heavy review (performance review, closure weight 1), the false "
                "closures that the baseline leaves standing come back here."
            ),
            "pattern": (
                "Not calibrated to a reported figure. The model only checks the expected "
                "direction: closed cases called back, unfixed ones reopened."
            ),
        },
        "zh": {
            "practice": (
                "五步闭环：收集、分析、处置、反馈、评价。诉求办结要经居民认可，反复出现的问题"
                "要再分析、再处置。"
            ),
            "rule": (
                "社区回访所有办结案件（占用社区党委工时）；未真正解决的问题重新立案，重复诉求"
                "立即派单；居民评价计入考核。"
            ),
            "look_for": (
                "留意社区党委的工时和重新立案的比例。若考核只看办结率（考核机制，办结权重 1），"
                "基线中“纸面办结”的问题在这里会被找回来。"
            ),
            "pattern": (
                "未按试点数据校准。模型只检验预期方向：办结案件得到回访，未解决的重新立案。"
            ),
        },
    }

    def setup(self, model) -> None:
        p, desk = self.params, model.callbacks
        desk.share = max(desk.share, p.callback_share)
        desk.hours_per_call = p.hours_per_call

    def begin_step(self, model) -> None:
        model.ledger.spend(
            "closed loop desk", self.params.yuan_per_household_year * model.n_households / 365.0
        )

    def after_dispatch(self, model, ids) -> None:
        iss = model.issues
        repeat = ids[iss.parent[ids] >= 0]
        if repeat.size:
            model.schedule(repeat, t_available=np.maximum(iss.t_report[repeat], model.day_start))
