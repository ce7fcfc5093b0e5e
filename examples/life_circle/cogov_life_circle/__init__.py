"""15-minute life circle (十五分钟生活圈): an example mechanism living outside cogov-sim.

Practice: every household should reach basic services (elderly care, small
repairs, a community canteen) within a 15-minute walk; the street opens service
stations run with the community's social organisations.

Rules in the model:
- Each community opens ``stations_per_community`` stations, each staffed
  ``station_hours_per_day`` hours a day: the community NGO's hours grow by
  that much.
- Being close by, the NGO starts work sooner: its response delay x
  ``delay_factor``.
- Each station costs ``yuan_per_station_day`` a day (counted in ``cost_funds``).

Pattern: none (an example). It uses only the public plug-in interface:
``cogov_sim.Mechanism``, ``cogov_sim.param`` and documented
actor-set fields (``model.ngos``, ``model.ledger``).
"""

from __future__ import annotations

from dataclasses import dataclass

from cogov_sim import Mechanism, param


@dataclass
class LifeCircleParams:
    """十五分钟生活圈: parameters."""

    stations_per_community: int = param(
        2, 0, 50, "an integer in [0, 50]", "service stations opened per community",
        slider=(0, 6, 1), label=("stations per community", "每社区服务站数"),
    )  # fmt: skip
    station_hours_per_day: float = param(
        6.0, 0.0, 24.0, "hours in [0, 24]", "staffed hours per station per day", unit="h",
    )  # fmt: skip
    delay_factor: float = param(
        0.5, 0.0, 1.0, "a factor in [0, 1]", "NGO response delay x factor", unit="×",
        slider=(0.1, 1.0, 0.05), label=("NGO delay x", "社会组织响应时间倍数"),
    )  # fmt: skip
    yuan_per_station_day: float = param(
        300.0, 0.0, 1e6, "a non-negative amount of yuan", "running cost per station",
        unit="yuan",
    )  # fmt: skip


class LifeCircle(Mechanism):
    name = "life_circle"
    title_zh = "十五分钟生活圈"
    title_en = "15-minute life circle"
    expected = "More NGO hours close to home: service needs are met sooner; costs rise."
    limitations = "Stations add NGO capacity only; walking distance is not modelled."
    Params = LifeCircleParams

    def setup(self, model) -> None:
        p = self.params
        model.ngos.hours += p.stations_per_community * p.station_hours_per_day
        model.ngos.delay *= p.delay_factor
        self.daily_cost = p.stations_per_community * model.ngos.n * p.yuan_per_station_day

    def begin_step(self, model) -> None:
        model.ledger.spend("life circle stations", self.daily_cost)
