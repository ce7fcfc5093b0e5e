"""The street's layout, generated deterministically from config and seed.

Rules:
- Each cell of a ``width x height`` lattice holds one household with
  probability ``density``.
- Zones (网格) are rectangular tiles sized so that each holds about
  ``households_per_zone`` households; communities (社区) are runs of
  ``zones_per_community`` consecutive zones in row-major order; streets (街道)
  are runs of ``communities_per_street`` consecutive communities.
- Compounds (小区) are square tiles of ``compound_size`` cells. Each has a
  housing type (old estate, commodity housing, rental-heavy block, urban
  village): types come in square patches of ``housing_patch`` compounds a
  side, drawn with the world's ``share_<type>``; a share ``housing_mixing``
  of compounds draws its type anew. A compound is served by a property firm
  with its type's probability ``housing.<type>.managed``; firms serve
  ``compounds_per_firm`` consecutive managed compounds.
- Moore neighbourhoods are precomputed as an ``(N, 8)`` index table
  (``-1`` where there is no household), so neighbour effects are gathers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The housing types (住房类型), in code order (``World.housing`` holds the codes).
HOUSING_TYPES = ("old_estate", "commodity", "rental", "urban_village")


@dataclass
class World:
    width: int
    height: int
    cell_hh: np.ndarray  # (height, width) household index or -1
    x: np.ndarray  # (N,) column
    y: np.ndarray  # (N,) row
    zone: np.ndarray  # (N,)
    community: np.ndarray  # (N,)
    compound: np.ndarray  # (N,) managed compound index or -1
    firm: np.ndarray  # (N,) serving firm or -1
    zone_of_cell: np.ndarray  # (height, width)
    compound_of_cell: np.ndarray  # (height, width) managed compound index or -1
    zone_community: np.ndarray  # (n_zones,)
    firm_community: np.ndarray  # (n_firms,)
    neighbours: np.ndarray  # (N, 8) int32, -1 = none
    n_neighbours: np.ndarray  # (N,)
    zone_order: np.ndarray  # households sorted by zone
    zone_start: np.ndarray  # (n_zones + 1,) offsets into zone_order
    community_street: np.ndarray  # (n_communities,) street of each community
    block: np.ndarray  # (N,) compound tile of each household (managed or not)
    housing: np.ndarray  # (N,) housing type code (HOUSING_TYPES)
    block_housing: np.ndarray  # (n_blocks,) housing type of each compound tile
    #: (rows, columns) of the zone tiling; None for a world from files (zones of any shape)
    zone_shape: tuple[int, int] | None
    #: each household's cell in the flattened ``(height, width)`` lattice
    cell_index: np.ndarray | None = None
    #: each household's cell in the flattened lattice padded by one cell on every side
    pad_index: np.ndarray | None = None
    #: contiguity of zones that are not a tiling: pairs (i, j), both directions
    zone_pairs: tuple[np.ndarray, np.ndarray] | None = None
    #: a world from a compounds file: its ids, projection and defaults (``world_file``)
    source: object = None

    def __post_init__(self) -> None:
        # Flat indices: gathers and scatters through them are several times cheaper
        # than two-dimensional fancy indexing (the per-day lattice operations).
        y, x = self.y.astype(np.int64), self.x.astype(np.int64)
        if self.cell_index is None:
            self.cell_index = y * self.width + x
        if self.pad_index is None:
            self.pad_index = (y + 1) * (self.width + 2) + x + 1
        self._nn_safe = np.maximum(self.n_neighbours, 1).astype(np.float64)
        # The neighbour table with "no household" as index n, for bincount.
        self._nb_or_n = np.where(self.neighbours >= 0, self.neighbours, self.n).astype(np.int32)

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_zones(self) -> int:
        return int(self.zone_community.shape[0])

    @property
    def n_communities(self) -> int:
        return int(self.zone_community.max()) + 1

    @property
    def n_streets(self) -> int:
        return int(self.community_street.max()) + 1

    @property
    def n_firms(self) -> int:
        return int(self.firm_community.shape[0])


_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def housing_shares(wcfg) -> np.ndarray:
    """The world's shares of compounds by housing type (``share_<type>``), in code order."""
    return np.array([float(getattr(wcfg, f"share_{t}")) for t in HOUSING_TYPES])


def _quota(p: np.ndarray, n: int) -> np.ndarray:
    """Counts of ``n`` items by shares ``p`` (largest remainders): the world's mix is the
    configured one, not a draw from it."""
    raw = p * n
    counts = np.floor(raw).astype(np.int64)
    counts[np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]] += 1
    return counts


def _block_types(rng, shares, ntx: int, nty: int, patch: int, mixing: float) -> np.ndarray:
    """Housing type of each of the ``nty x ntx`` compound tiles (row-major): a type per
    square patch of ``patch`` tiles a side, in the shares' proportions (shuffled), and a
    share ``mixing`` of tiles drawn anew from the shares."""
    p = shares / shares.sum()
    npx, npy = -(-ntx // patch), -(-nty // patch)
    patch_type = rng.permutation(np.repeat(np.arange(len(p)), _quota(p, npx * npy)))
    rows, cols = np.divmod(np.arange(nty * ntx), ntx)
    t = patch_type[(rows // patch) * npx + cols // patch]
    redraw = rng.random(t.size) < mixing
    t[redraw] = rng.choice(len(p), size=int(redraw.sum()), p=p)
    return t.astype(np.int8)


def neighbour_table(cell_hh: np.ndarray, ys: np.ndarray, xs: np.ndarray):
    """The Moore neighbours of households at rows ``ys`` and columns ``xs``: an
    ``(N, 8)`` index table (-1: no household) and the count of each."""
    h, w = cell_hh.shape
    pad = np.full((h + 2, w + 2), -1, dtype=np.int32)
    pad[1:-1, 1:-1] = cell_hh
    neighbours = np.empty((ys.shape[0], 8), dtype=np.int32)
    for j, (dy, dx) in enumerate(_OFFSETS):
        neighbours[:, j] = pad[ys + 1 + dy, xs + 1 + dx]
    return neighbours, (neighbours >= 0).sum(axis=1).astype(np.int32)


def zone_index(zone: np.ndarray, n_zones: int) -> tuple[np.ndarray, np.ndarray]:
    """Households sorted by zone (stable) and each zone's offset into that order."""
    zone_order = np.argsort(zone, kind="stable").astype(np.int32)
    zone_start = np.zeros(n_zones + 1, dtype=np.int64)
    zone_start[1:] = np.cumsum(np.bincount(zone, minlength=n_zones))
    return zone_order, zone_start


def firm_communities(firm, community, n_firms: int, n_communities: int) -> np.ndarray:
    """The community of each firm: where most of its households live."""
    out = np.zeros(n_firms, dtype=np.int32)
    if n_firms:
        counts = np.zeros((n_firms, n_communities), dtype=np.int64)
        m = firm >= 0
        np.add.at(counts, (firm[m], community[m]), 1)
        out = counts.argmax(axis=1).astype(np.int32)
    return out


def build_world(wcfg, rng: np.random.Generator, housing=None) -> World:
    """Generate the layout from the ``world`` and ``housing`` config nodes and the run's
    stream (``housing`` None: the default housing types); with ``world.compounds`` set,
    lay it out from that file instead (:mod:`cogov_sim.core.world_file`)."""
    if housing is None:
        from cogov_sim.core.config import HousingConfig

        housing = HousingConfig()
    if str(getattr(wcfg, "compounds", "") or ""):
        from cogov_sim.core.world_file import build_file_world

        f = build_file_world(wcfg, housing, rng, HOUSING_TYPES)
        neighbours, n_neighbours = neighbour_table(f["cell_hh"], f["y"], f["x"])
        zone_order, zone_start = zone_index(f["zone"], f["zone_community"].size)
        n_firms = int(f["firm"].max()) + 1 if f["firm"].size else 0
        return World(
            **f,
            neighbours=neighbours,
            n_neighbours=n_neighbours,
            zone_order=zone_order,
            zone_start=zone_start,
            firm_community=firm_communities(
                f["firm"], f["community"], n_firms, f["community_street"].size
            ),
        )
    w, h = int(wcfg.width), int(wcfg.height)
    occupied = rng.random((h, w)) < wcfg.density
    if not occupied.any():
        occupied[h // 2, w // 2] = True
    ys, xs = np.nonzero(occupied)  # row-major order
    n = ys.shape[0]
    cell_hh = np.full((h, w), -1, dtype=np.int32)
    cell_hh[ys, xs] = np.arange(n, dtype=np.int32)

    # Zones: tiles of about households_per_zone households.
    side = np.sqrt(wcfg.households_per_zone / wcfg.density)
    nzx = max(1, int(round(w / side)))
    nzy = max(1, int(round(h / side)))
    col_zone = (np.arange(w) * nzx) // w
    row_zone = (np.arange(h) * nzy) // h
    zone_of_cell = (row_zone[:, None] * nzx + col_zone[None, :]).astype(np.int32)
    n_zones = nzx * nzy
    zone = zone_of_cell[ys, xs]
    zone_community = (np.arange(n_zones) // wcfg.zones_per_community).astype(np.int32)
    community = zone_community[zone]

    # Compounds: square tiles with a housing type; a share of each type is managed.
    cs = int(wcfg.compound_size)
    ncx = -(-w // cs)
    ncy = -(-h // cs)
    tile = (np.arange(h)[:, None] // cs) * ncx + (np.arange(w)[None, :] // cs)
    n_tiles = ncx * ncy
    block_housing = _block_types(
        rng, housing_shares(wcfg), ncx, ncy, int(wcfg.housing_patch), float(wcfg.housing_mixing)
    )
    p_managed = np.array([float(getattr(housing, t).managed) for t in HOUSING_TYPES])
    managed_tile = rng.random(n_tiles) < p_managed[block_housing]
    tile_to_compound = np.full(n_tiles, -1, dtype=np.int32)
    tile_to_compound[managed_tile] = np.arange(int(managed_tile.sum()), dtype=np.int32)
    compound_of_cell = tile_to_compound[tile]
    compound = compound_of_cell[ys, xs]
    n_compounds = int(managed_tile.sum())
    n_firms = -(-n_compounds // wcfg.compounds_per_firm) if n_compounds else 0
    firm = np.where(compound >= 0, compound // wcfg.compounds_per_firm, -1).astype(np.int32)
    firm_community = firm_communities(firm, community, n_firms, int(zone_community.max()) + 1)
    neighbours, n_neighbours = neighbour_table(cell_hh, ys, xs)
    zone_order, zone_start = zone_index(zone, n_zones)

    return World(
        width=w,
        height=h,
        cell_hh=cell_hh,
        x=xs.astype(np.int32),
        y=ys.astype(np.int32),
        zone=zone.astype(np.int32),
        community=community.astype(np.int32),
        compound=compound.astype(np.int32),
        firm=firm,
        zone_of_cell=zone_of_cell,
        compound_of_cell=compound_of_cell,
        zone_community=zone_community,
        firm_community=firm_community,
        neighbours=neighbours,
        n_neighbours=n_neighbours,
        zone_order=zone_order,
        zone_start=zone_start,
        community_street=(
            np.arange(int(zone_community.max()) + 1) // int(wcfg.communities_per_street)
        ).astype(np.int32),
        block=tile[ys, xs].astype(np.int32),
        housing=block_housing[tile[ys, xs]],
        block_housing=block_housing,
        zone_shape=(nzy, nzx),
    )


def households_within(world: World, hh: np.ndarray, radius: int) -> np.ndarray:
    """Households within Chebyshev ``radius`` of each of ``hh`` (themselves included):
    an array of shape ``(len(hh), (2 * radius + 1) ** 2)``, -1 where no household is."""
    ys, xs = world.y[hh], world.x[hh]
    out = np.full((hh.size, (2 * radius + 1) ** 2), -1, dtype=np.int64)
    col = 0
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            yy, xx = ys + dy, xs + dx
            ok = (yy >= 0) & (yy < world.height) & (xx >= 0) & (xx < world.width)
            out[ok, col] = world.cell_hh[yy[ok], xx[ok]]
            col += 1
    return out


def spread_to_neighbours(world: World, hh: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per household, the sum of ``values[i]`` over the items ``i`` whose household
    ``hh[i]`` is one of its Moore neighbours (length ``world.n``)."""
    idx = np.take(world._nb_or_n, hh, axis=0).ravel()
    w = np.repeat(values, world._nb_or_n.shape[1])
    return np.bincount(idx, weights=w, minlength=world.n + 1)[: world.n]


def neighbour_share(world: World, flag: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
    """Share of Moore neighbours (of households ``idx``, or all) for which ``flag`` is true.

    For a few households it gathers from the neighbour table; for everyone it
    sums eight shifted views of the flag lattice, which is much cheaper.
    """
    if idx is None:
        h, w = world.height, world.width
        grid = np.zeros((h + 2) * (w + 2), dtype=np.uint8)  # at most 8 neighbours
        grid[world.pad_index] = flag
        grid = grid.reshape(h + 2, w + 2)
        total = np.zeros((h + 2, w + 2), dtype=np.uint8)
        inner = total[1 : h + 1, 1 : w + 1]
        for dy, dx in _OFFSETS:
            np.add(inner, grid[1 + dy : h + 1 + dy, 1 + dx : w + 1 + dx], out=inner)
        return total.ravel()[world.pad_index] / world._nn_safe
    nb = world.neighbours[idx]
    nn = world.n_neighbours[idx]
    valid = nb >= 0
    hits = (flag[np.where(valid, nb, 0)] & valid).sum(axis=1)
    return hits / np.maximum(nn, 1)
