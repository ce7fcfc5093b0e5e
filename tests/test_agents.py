"""The six actor types are Mesa agents that are views onto the model's arrays."""

from __future__ import annotations

from cogov_sim.agents import NGO, Department, GridWorker, PartyBranch, PropertyFirm, Resident
from cogov_sim.model import CoGovModel
from tests.conftest import small


def test_every_actor_type_exists_in_the_expected_numbers():
    m = CoGovModel(**small())
    w = m.world
    by = m.agents_by_type
    assert len(by[Resident]) == m.n_households
    assert len(by[GridWorker]) == w.n_zones
    assert len(by[PartyBranch]) == len(by[NGO]) == w.n_communities
    assert len(by[PropertyFirm]) == w.n_firms
    assert len(by[Department]) == 7


def test_agents_read_the_current_state_of_the_arrays():
    m = CoGovModel(**small(steps=20))
    m.run()
    res = next(iter(m.agents_by_type[Resident]))
    assert res.satisfaction == m.residents.satisfaction[res.idx]
    m.residents.trust[res.idx] = 0.123
    assert res.trust == 0.123
    assert res.pos == (int(m.world.x[res.idx]), int(m.world.y[res.idx]))
    worker = next(iter(m.agents_by_type[GridWorker]))
    assert worker.hours_per_day == m.cfg.workers.hours_per_day
    assert 0 <= worker.hours_used_today <= worker.hours_per_day
    firm = next(iter(m.agents_by_type[PropertyFirm]))
    assert firm.quality == m.firm_quality[firm.owner]
    dept = next(iter(m.agents_by_type[Department]))
    assert dept.title == "comprehensive governance"
