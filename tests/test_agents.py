"""The six actor types are Mesa agents that are views onto the actor sets' arrays;
residents and grid workers live in ``model.grid``, a Mesa discrete space built on first use."""

from __future__ import annotations

import pickle

import pytest

from cogov_sim.core.agents import NGO, Department, GridWorker, PartyBranch, PropertyFirm, Resident
from cogov_sim.core.model import CoGovModel
from tests.conftest import small


def test_every_actor_type_exists_in_the_expected_numbers():
    m = CoGovModel(**small())
    w = m.world
    assert Resident not in m.agents_by_type  # not built until the grid is used
    assert m.grid is not None
    by = m.agents_by_type
    assert len(by[Resident]) == m.n_households
    assert len(by[GridWorker]) == w.n_zones
    assert len(by[PartyBranch]) == len(by[NGO]) == w.n_communities
    assert len(by[PropertyFirm]) == w.n_firms
    assert len(by[Department]) == 7


def test_residents_sit_in_their_cells_of_the_mesa_grid():
    from mesa.discrete_space import OrthogonalMooreGrid

    m = CoGovModel(**small(steps=3))
    m.run()
    assert isinstance(m.grid, OrthogonalMooreGrid)
    assert m.grid.width == m.world.width and m.grid.height == m.world.height
    for i in (0, m.n_households // 2, m.n_households - 1):
        a = m.resident_agent(i)
        assert a.idx == i and a.cell.coordinate == a.pos
        assert a.pos == (int(m.world.x[i]), int(m.world.y[i]))
    worker = next(iter(m.agents_by_type[GridWorker]))
    assert worker.cell is not None and worker in worker.cell.agents


def test_agents_read_the_current_state_of_the_arrays():
    m = CoGovModel(**small(steps=20))
    m.run()
    res = m.resident_agent(5)
    assert res.satisfaction == m.residents.satisfaction[res.idx]
    m.residents.trust[res.idx] = 0.123
    assert res.trust == 0.123
    worker = next(iter(m.agents_by_type[GridWorker]))
    assert worker.hours_per_day == pytest.approx(
        m.cfg.workers.hours_per_day * m.workers.staff[worker.owner]
    )
    # its hours, and at most its overtime on a busy day
    overtime = 1 + m.cfg.workers.overtime_share
    assert 0 <= worker.hours_used_today <= worker.hours_per_day * overtime + 1e-9
    firm = next(iter(m.agents_by_type[PropertyFirm]))
    assert firm.quality == m.firms.quality[firm.owner]
    dept = next(iter(m.agents_by_type[Department]))
    assert dept.title == "comprehensive governance"


def test_mesa_space_drawing_draws_the_model_grid():
    import matplotlib

    matplotlib.use("Agg")
    from mesa.visualization.components import AgentPortrayalStyle
    from mesa.visualization.mpl_space_drawing import draw_space

    m = CoGovModel(**small(steps=2))
    m.run()
    ax = draw_space(m.grid, lambda a: AgentPortrayalStyle(color="tab:blue", size=2))
    assert len(ax.collections) > 0


def test_model_pickles_and_continues_identically():
    a = CoGovModel(**small(steps=30, mechanisms=["integrated_grid", "household_linkage"]))
    a.run(10)
    b = pickle.loads(pickle.dumps(a))
    a.run(20)
    b.run(20)
    sa, sb = a.summary(), b.summary()
    assert sa.keys() == sb.keys()
    for key, value in sa.items():  # NaN (undefined) outcomes must be NaN in both
        assert value == sb[key] or (value != value and sb[key] != sb[key]), key
