"""The layout: zones of the configured size, deterministic from the seed, three scales."""

from __future__ import annotations

import numpy as np
import pytest

from cogov_sim.api import compose
from cogov_sim.config import make_config
from cogov_sim.world import build_world, neighbour_share


def _world(seed=1, **kw):
    cfg = make_config(None, **{f"world.{k}": v for k, v in kw.items()})
    return build_world(cfg.world, np.random.default_rng(seed))


def test_zones_hold_about_the_configured_households():
    w = _world(width=110, height=110, households_per_zone=250)
    sizes = np.bincount(w.zone)
    assert 200 <= sizes.mean() <= 300
    assert sizes.min() > 0.6 * 250 and sizes.max() < 1.5 * 250


def test_every_household_has_one_zone_and_community_and_zones_nest_in_communities():
    w = _world(zones_per_community=4)
    assert w.zone.min() >= 0 and w.zone.max() < w.n_zones
    assert np.array_equal(w.community, w.zone_community[w.zone])
    assert np.all(np.bincount(w.zone_community) <= 4)


def test_managed_share_sets_the_share_of_households_in_compounds():
    w0 = _world(managed_share=0.0)
    w1 = _world(managed_share=1.0)
    assert (w0.firm >= 0).sum() == 0
    assert (w1.firm >= 0).all()
    w = _world(width=110, height=110, managed_share=0.6)
    assert 0.45 < (w.firm >= 0).mean() < 0.75


def test_layout_is_deterministic_for_a_seed_and_differs_between_seeds():
    a, b, c = _world(seed=4), _world(seed=4), _world(seed=5)
    assert np.array_equal(a.cell_hh, b.cell_hh) and np.array_equal(a.firm, b.firm)
    assert not np.array_equal(a.cell_hh, c.cell_hh)


def test_moore_neighbour_table_matches_the_lattice():
    w = _world(width=12, height=9, density=1.0, households_per_zone=20)
    corner = w.cell_hh[0, 0]
    middle = w.cell_hh[4, 5]
    assert w.n_neighbours[corner] == 3 and w.n_neighbours[middle] == 8
    assert set(w.neighbours[middle]) == {
        w.cell_hh[4 + dy, 5 + dx] for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)
    }
    flag = np.zeros(w.n, dtype=bool)
    flag[w.cell_hh[3, 4]] = True
    assert neighbour_share(w, flag, np.array([middle]))[0] == pytest.approx(1 / 8)


@pytest.mark.parametrize(
    ("scale", "low", "high"),
    [("classroom", 1000, 4000), ("street", 9000, 11500), ("district", 95000, 110000)],
)
def test_scale_presets_give_the_documented_household_counts(scale, low, high):
    cfg = compose([f"world={scale}"])
    w = build_world(cfg.world, np.random.default_rng(0))
    assert low <= w.n <= high
