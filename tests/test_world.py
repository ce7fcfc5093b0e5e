"""The layout: zones of the configured size, deterministic from the seed, three scales."""

from __future__ import annotations

import numpy as np
import pytest

from cogov_sim.core.config import make_config
from cogov_sim.core.world import build_world, neighbour_share
from cogov_sim.frontends.api import compose


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


def test_housing_shares_set_the_mix_and_each_type_its_share_of_managed_compounds():
    from cogov_sim.core.world import HOUSING_TYPES

    only = {f"share_{t}": 0.0 for t in HOUSING_TYPES}
    villages = _world(**{**only, "share_urban_village": 1.0})
    assert (villages.housing == HOUSING_TYPES.index("urban_village")).all()
    assert (villages.firm >= 0).sum() == 0  # urban villages have no property firm
    commodity = _world(**{**only, "share_commodity": 1.0})
    assert (commodity.firm >= 0).all()
    w = _world(width=220, height=220)
    share = np.bincount(w.block_housing, minlength=4) / w.block_housing.size
    assert share == pytest.approx([0.30, 0.45, 0.15, 0.10], abs=0.08)
    assert 0.5 < (w.firm >= 0).mean() < 0.75  # 0.3 * 0.3 + 0.45 + 0.15 * 0.5 = 0.615


def test_housing_types_come_in_patches_so_neighbouring_compounds_share_a_type():
    w = _world(width=220, height=220, housing_mixing=0.0)
    t = w.block_housing.reshape(22, 22)
    same_right = (t[:, 1:] == t[:, :-1]).mean()
    p = np.bincount(w.block_housing) / t.size
    assert same_right > 0.65 > (p**2).sum() + 0.2  # far above chance


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
