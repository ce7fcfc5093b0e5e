"""A street built from a community's own records: a compounds file and a staffing file.

``world.compounds`` names a compounds file (小区清单); when it is set, the world is
laid out from it instead of being generated (:func:`cogov_sim.core.world.build_world`
calls :func:`build_file_world`). Two formats:

- **CSV**, one row per compound, with ``compound_id`` and ``households`` and either
  ``x``/``y`` (projected metres) or ``lon``/``lat`` (WGS 84 degrees) for its centre;
- **GeoJSON**, a ``FeatureCollection`` whose features are ``Polygon``,
  ``MultiPolygon`` or ``Point`` geometries with the same properties; coordinates
  in WGS 84 degrees (the GeoJSON standard) unless the file's ``crs`` names a
  projected system, in which case they are read as metres.

Optional columns (properties): ``housing_type`` (``old_estate``, ``commodity``,
``rental``, ``urban_village``, or 老旧小区, 商品房, 出租房, 城中村), ``managed``
(served by a property firm: 1/0, yes/no, true/false, 是/否), ``firm`` (which firm),
``grid`` (the 网格 it belongs to), ``community`` (社区), ``vulnerable_share``,
``party_member_share``; or the Chinese headers of :data:`COLUMN_ALIASES` (小区编号,
户数, 住房类型, 是否有物业, 物业公司, 网格, 社区, 经度, 纬度, …). Every column not
listed here is ignored and never read into the model. A missing value takes its
documented default and is listed in :attr:`FileWorld.defaults` (the run's log shows
the list):

- housing type: ``commodity``; managed: the type's ``housing.<type>.managed``
  share, drawn per compound from the run's stream; firm: ``compounds_per_firm``
  consecutive managed compounds in file order;
- grid: drawn by workload, as the report's rule has it: within a community,
  households are taken compound by compound (file order) and row by row, and a
  new grid starts when the households taken need one more worker at
  ``housing.<type>.households_per_grid`` (200 in urban villages, 300 in
  ordinary communities); a remainder under half a worker joins the last grid;
- community: ``zones_per_community`` consecutive grids; the whole file is one
  street;
- shares: drawn around the housing type's own, as in a generated world.

**Placement.** The lattice has one household per cell. Its cell size is
``world.cell_metres``, or, when that is 0, the size at which the polygons' total
area holds the households at ``world.density`` (points only: 10 m). A compound's
households take cells whose centres lie inside its polygon (chosen at random
from the run's stream when there are more cells than households); those that do
not fit take the free cells nearest its centre, and the compound is listed in
:attr:`FileWorld.overflow`. A compound given as a point is a disc of cells around
it. Compounds are placed in file order. Each household keeps its projected
coordinates (metres, the lattice's origin plus its cell's centre), so maps line up
with the user's own.

**Staffing file** (``world.staffing``, CSV with columns ``role``, ``unit``,
``value``), every row optional:

- ``grid_workers``, a grid id (``community/grid`` where two communities use the same
  grid name), workers in that grid (else the workload rule);
- ``mediators``, a community id, members of its mediation committee;
- ``ngo_hours`` / ``party_hours``, a community id, staff hours per day;
- ``department_hours``, ``all``, hours per day of each line department.

Only ``numpy`` and the standard library: the model runs without pandas here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: housing-type names accepted in a compounds file, by code (``HOUSING_TYPES`` order)
HOUSING_ALIASES = {
    "old_estate": 0,
    "old estate": 0,
    "老旧小区": 0,
    "老小区": 0,
    "commodity": 1,
    "商品房": 1,
    "商品房小区": 1,
    "rental": 2,
    "出租房": 2,
    "出租": 2,
    "群租房": 2,
    "urban_village": 3,
    "urban village": 3,
    "城中村": 3,
}
_TRUE = {"1", "yes", "true", "y", "是", "有"}
_FALSE = {"0", "no", "false", "n", "否", "无"}
#: the staffing file's roles
STAFF_ROLES = ("grid_workers", "mediators", "ngo_hours", "party_hours", "department_hours")
#: the columns (properties) a compounds file may have; nothing else is read
COMPOUND_COLUMNS = (
    "compound_id",
    "households",
    "housing_type",
    "managed",
    "firm",
    "grid",
    "community",
    "vulnerable_share",
    "party_member_share",
    "x",
    "y",
    "lon",
    "lat",
)
#: other names a compounds file may give its columns (properties): Chinese headers of
#: a street office's own list (小区清单)
COLUMN_ALIASES = {
    "小区编号": "compound_id",
    "小区名称": "compound_id",
    "小区": "compound_id",
    "户数": "households",
    "住户数": "households",
    "住房类型": "housing_type",
    "房屋类型": "housing_type",
    "小区类型": "housing_type",
    "是否有物业": "managed",
    "物业管理": "managed",
    "物业公司": "firm",
    "网格": "grid",
    "所属网格": "grid",
    "社区": "community",
    "所属社区": "community",
    "困难群体比例": "vulnerable_share",
    "党员比例": "party_member_share",
    "经度": "lon",
    "纬度": "lat",
}


def _canonical(key) -> str:
    k = str(key).strip()
    return COLUMN_ALIASES.get(k, k)


#: geographic (degree) coordinate systems a GeoJSON ``crs`` may name: WGS 84, CGCS2000
#: (China's national system, EPSG:4490), Beijing 1954 and Xi'an 1980
GEOGRAPHIC_CRS = ("4326", "CRS84", "4490", "4214", "4610")
#: cell size when a file has only points (metres; about 100 m2 of land a household)
POINT_CELL_METRES = 10.0
EARTH_RADIUS_M = 6_371_008.8
MAX_SIDE = 5000


class WorldFileError(ValueError):
    """A compounds or staffing file that cannot be used; the message names the file, the
    row (or feature) and what is wrong."""


@dataclass
class Compound:
    """One row of a compounds file, coordinates in metres."""

    id: str
    households: int
    housing: int | None
    managed: bool | None
    firm: str | None
    grid: str | None
    community: str | None
    vulnerable_share: float
    party_member_share: float
    rings: list[np.ndarray]  # polygon rings (exterior first per polygon); empty = a point
    holes: list[np.ndarray]
    centre: np.ndarray  # (2,) metres


@dataclass
class FileWorld:
    """What a world built from files adds to :class:`cogov_sim.core.world.World`."""

    #: compound ids in file order (``World.block`` indexes them)
    compound_ids: list[str]
    grid_ids: list[str]
    community_ids: list[str]
    #: metres of a cell's side and the lattice's origin (metres, lower-left corner)
    cell_metres: float
    origin: tuple[float, float]
    #: "lonlat" (projected here from WGS 84 degrees) or "metres"
    coordinates: str
    #: (lon0, lat0) of the local projection (lonlat files), else None
    projection_centre: tuple[float, float] | None
    #: each defaulted item, a line of the run's log
    defaults: list[str] = field(default_factory=list)
    #: compounds whose boundary held fewer cells than households: id -> households outside
    overflow: dict[str, int] = field(default_factory=dict)
    #: per zone, workers from the staffing file (NaN: the workload rule)
    zone_staff: np.ndarray | None = None
    #: per community and role (mediators, ngo_hours, party_hours), NaN: the config's
    community_staff: dict[str, np.ndarray] = field(default_factory=dict)
    #: hours per day of every department (NaN: the config's)
    department_hours: float = math.nan
    #: per compound (block) shares from the file (NaN: drawn around the type's)
    block_vulnerable: np.ndarray | None = None
    block_party: np.ndarray | None = None
    #: sha256 of the files read, by role
    digests: dict[str, str] = field(default_factory=dict)

    def metres(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Projected coordinates (metres) of lattice cells' centres."""
        s = self.cell_metres
        return (
            self.origin[0] + (np.asarray(x) + 0.5) * s,
            self.origin[1] + (np.asarray(y) + 0.5) * s,
        )

    def project(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Metres of WGS 84 points in this world's projection (metre files: unchanged)."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        if self.projection_centre is None:
            return lon, lat
        return _lonlat_to_metres(lon, lat, *self.projection_centre)

    def cell_of(self, mx, my, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lattice cells (column, row) of points in metres, and which lie on the lattice."""
        cx = np.floor((np.asarray(mx) - self.origin[0]) / self.cell_metres).astype(np.int64)
        cy = np.floor((np.asarray(my) - self.origin[1]) / self.cell_metres).astype(np.int64)
        ok = (cx >= 0) & (cx < width) & (cy >= 0) & (cy < height)
        return cx, cy, ok


#: the prefix of a path inside the installed package's data folder (``cogov_sim/data``)
PKG = "pkg:"


def resolve_path(text: str) -> Path:
    """The file a ``world.compounds`` or ``world.staffing`` value names: ``pkg:REL`` is
    ``REL`` in the package's data folder (the shipped example street), ``~`` is the
    home folder, anything else a path from the working directory."""
    text = str(text).strip()
    if text.startswith(PKG):
        from importlib import resources

        return Path(str(resources.files("cogov_sim") / "data" / text[len(PKG) :]))
    return Path(text).expanduser()


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _lonlat_to_metres(lon, lat, lon0, lat0):
    """Local equirectangular projection about (lon0, lat0): under 0.1% error over a
    street's few kilometres."""
    k = math.pi / 180.0
    x = EARTH_RADIUS_M * math.cos(lat0 * k) * (lon - lon0) * k
    y = EARTH_RADIUS_M * (lat - lat0) * k
    return x, y


# ---------------------------------------------------------------------- reading
def _num(value, what: str, where: str, lo=None, hi=None, integer=False):
    try:
        v = float(str(value).strip())
    except ValueError:
        raise WorldFileError(f"{where}: {what} must be a number, not {value!r}") from None
    if not math.isfinite(v) or (lo is not None and v < lo) or (hi is not None and v > hi):
        rng = f" in [{lo}, {hi}]" if hi is not None else f" >= {lo}"
        raise WorldFileError(f"{where}: {what} must be a number{rng}, not {value!r}")
    if integer:
        if v != int(v):
            raise WorldFileError(f"{where}: {what} must be a whole number, not {value!r}")
        return int(v)
    return v


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _compound(props: dict, where: str, rings, holes, centre) -> Compound:
    cid = props.get("compound_id")
    if _blank(cid):
        raise WorldFileError(f"{where}: no compound_id")
    if _blank(props.get("households")):
        raise WorldFileError(f"{where}: no households")
    hh = _num(props["households"], "households", where, lo=1, hi=1_000_000, integer=True)
    housing = None
    if not _blank(props.get("housing_type")):
        name = str(props["housing_type"]).strip()
        if name.lower() in HOUSING_ALIASES or name in HOUSING_ALIASES:
            housing = HOUSING_ALIASES.get(name.lower(), HOUSING_ALIASES.get(name))
        else:
            raise WorldFileError(
                f"{where}: housing_type {name!r} is not one of old_estate, commodity, rental, "
                "urban_village (or 老旧小区, 商品房, 出租房, 城中村)"
            )
    managed = None
    if not _blank(props.get("managed")):
        m = str(props["managed"]).strip().lower()
        if m in _TRUE:
            managed = True
        elif m in _FALSE:
            managed = False
        else:
            raise WorldFileError(f"{where}: managed must be 1/0, yes/no or true/false, not {m!r}")

    def text(key):
        v = props.get(key)
        return None if _blank(v) else str(v).strip()

    def shr(key):
        v = props.get(key)
        return math.nan if _blank(v) else _num(v, key, where, lo=0.0, hi=1.0)

    return Compound(
        id=str(cid).strip(),
        households=hh,
        housing=housing,
        managed=managed,
        firm=text("firm"),
        grid=text("grid"),
        community=text("community"),
        vulnerable_share=shr("vulnerable_share"),
        party_member_share=shr("party_member_share"),
        rings=rings,
        holes=holes,
        centre=centre,
    )


def _read_csv(path: Path) -> tuple[list[dict], str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            cols = [_canonical(c) for c in (reader.fieldnames or [])]
            rows = [
                {_canonical(k): v for k, v in r.items() if k and _canonical(k) in COMPOUND_COLUMNS}
                for r in reader
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WorldFileError(f"cannot read compounds file {path}: {exc}") from None
    if "x" in cols and "y" in cols:
        kind = "metres"
    elif "lon" in cols and "lat" in cols:
        kind = "lonlat"
    else:
        raise WorldFileError(
            f"{path}: a compounds CSV needs x and y (projected metres) or lon and lat "
            f"(degrees) columns; it has {', '.join(cols) or 'none'}"
        )
    for need in ("compound_id", "households"):
        if need not in cols:
            raise WorldFileError(f"{path}: a compounds CSV needs a {need} column")
    if not rows:
        raise WorldFileError(f"{path}: no compounds (the file has a header and no rows)")
    return rows, kind


def _ring(coords, where: str) -> np.ndarray:
    try:
        a = np.asarray(coords, dtype=float)
    except (TypeError, ValueError):
        raise WorldFileError(f"{where}: coordinates are not numbers") from None
    if a.ndim != 2 or a.shape[0] < 3 or a.shape[1] < 2:
        raise WorldFileError(f"{where}: a polygon ring needs at least 3 points of (x, y)")
    return a[:, :2]


def _geojson_features(path: Path) -> tuple[list[tuple[dict, str, list, list, np.ndarray]], str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise WorldFileError(f"cannot read compounds file {path}: {exc}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise WorldFileError(f"{path}: a compounds GeoJSON must be a FeatureCollection")
    crs = json.dumps(doc.get("crs", "")).upper()
    kind = "lonlat"
    if crs != '""' and not any(code in crs for code in GEOGRAPHIC_CRS):
        kind = "metres"
    out = []
    for i, feat in enumerate(doc.get("features") or []):
        where = f"{path.name}, feature {i}"
        geom = (feat or {}).get("geometry") or {}
        props = {
            _canonical(k): v
            for k, v in ((feat or {}).get("properties") or {}).items()
            if _canonical(k) in COMPOUND_COLUMNS
        }
        gtype = geom.get("type")
        coords = geom.get("coordinates")
        rings, holes = [], []
        if gtype == "Polygon":
            polys = [coords]
        elif gtype == "MultiPolygon":
            polys = coords
        elif gtype == "Point":
            polys = []
            try:
                centre = np.asarray(coords[:2], dtype=float)
            except (TypeError, ValueError, IndexError):
                raise WorldFileError(f"{where}: a Point needs two numbers") from None
        else:
            raise WorldFileError(
                f"{where}: geometry must be a Polygon, MultiPolygon or Point, not {gtype!r}"
            )
        for poly in polys:
            if not poly:
                raise WorldFileError(f"{where}: an empty polygon")
            rings.append(_ring(poly[0], where))
            holes.extend(_ring(r, where) for r in poly[1:])
        if polys:
            centre = np.concatenate(rings).mean(axis=0)
        out.append((props, where, rings, holes, centre))
    if not out:
        raise WorldFileError(f"{path}: no features")
    return out, kind


def read_compounds(path) -> tuple[list[Compound], str, tuple[float, float] | None]:
    """The compounds of a CSV or GeoJSON file, in metres; the coordinates' kind and the
    projection centre (WGS 84 files)."""
    path = Path(path)
    if not path.is_file():
        raise WorldFileError(f"compounds file {path} does not exist")
    raw: list[tuple[dict, str, list, list, np.ndarray]] = []
    if path.suffix.lower() in (".geojson", ".json"):
        raw, kind = _geojson_features(path)
    elif path.suffix.lower() == ".csv":
        rows, kind = _read_csv(path)
        cx, cy = ("x", "y") if kind == "metres" else ("lon", "lat")
        for i, r in enumerate(rows):
            where = f"{path.name}, row {i + 2}"
            centre = np.array([_num(r.get(cx), cx, where), _num(r.get(cy), cy, where)], dtype=float)
            raw.append((r, where, [], [], centre))
    else:
        raise WorldFileError(f"compounds file {path}: the name must end in .csv, .geojson or .json")
    centre0 = None
    if kind == "lonlat":
        pts = np.array([c for *_, c in raw])
        for ring_list in ([r for _, _, rr, _, _ in raw for r in rr],):
            if ring_list:
                pts = np.concatenate([pts, *ring_list])
        if np.any(np.abs(pts[:, 0]) > 180) or np.any(np.abs(pts[:, 1]) > 90):
            raise WorldFileError(
                f"{path}: coordinates outside longitude/latitude ranges; a file in projected "
                "metres needs x/y columns (CSV) or a projected crs (GeoJSON)"
            )
        centre0 = (float(pts[:, 0].mean()), float(pts[:, 1].mean()))

    def proj(a: np.ndarray) -> np.ndarray:
        if centre0 is None:
            return a
        x, y = _lonlat_to_metres(a[..., 0], a[..., 1], *centre0)
        return np.stack([x, y], axis=-1)

    if kind == "metres":
        pts = np.array([c for *_, c in raw])
        rings = [r for _, _, rr, _, _ in raw for r in rr]
        if rings:
            pts = np.concatenate([pts, *rings])
        extent = float(np.max(pts.max(axis=0) - pts.min(axis=0))) if len(pts) > 1 else 1e9
        if extent < 10.0:
            raise WorldFileError(
                f"{path}: the compounds span {extent:.3g} units: these look like degrees, not "
                "metres (a GeoJSON's crs must name a geographic system such as EPSG:4326 or "
                "EPSG:4490 for degrees; a CSV gives degrees as lon/lat)"
            )
    comps = []
    seen: set[str] = set()
    for props, where, rings, holes, centre in raw:
        c = _compound(
            props, where, [proj(r) for r in rings], [proj(r) for r in holes], proj(centre)
        )
        if c.id in seen:
            raise WorldFileError(f"{where}: compound_id {c.id!r} appears twice")
        seen.add(c.id)
        comps.append(c)
    return comps, kind, centre0


def read_staffing(path) -> list[tuple[str, str, float]]:
    """Rows ``(role, unit, value)`` of a staffing CSV."""
    path = Path(path)
    if not path.is_file():
        raise WorldFileError(f"staffing file {path} does not exist")
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            cols = [c.strip() for c in (reader.fieldnames or [])]
            if not {"role", "unit", "value"} <= set(cols):
                raise WorldFileError(
                    f"{path}: a staffing file needs the columns role, unit, value; it has "
                    f"{', '.join(cols) or 'none'}"
                )
            rows = [{k.strip(): (v or "").strip() for k, v in r.items() if k} for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WorldFileError(f"cannot read staffing file {path}: {exc}") from None
    out = []
    for i, r in enumerate(rows):
        where = f"{path.name}, row {i + 2}"
        if r["role"] not in STAFF_ROLES:
            raise WorldFileError(
                f"{where}: role {r['role']!r} is not one of {', '.join(STAFF_ROLES)}"
            )
        out.append((r["role"], r["unit"], _num(r["value"], "value", where, lo=0.0, hi=1e6)))
    return out


# ---------------------------------------------------------------------- geometry
def points_in_rings(px: np.ndarray, py: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd rule: which points lie inside the rings (exteriors and holes alike)."""
    inside = np.zeros(px.shape, dtype=bool)
    for ring in rings:
        x0, y0 = ring[:, 0], ring[:, 1]
        x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
        for a, b, c, d in zip(x0, y0, x1, y1, strict=True):
            if b == d:
                continue
            cross = (b > py) != (d > py)
            xs = a + (py - b) * (c - a) / (d - b)
            inside ^= cross & (px < xs)
    return inside


def polygon_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


# ---------------------------------------------------------------------- layout
def _cell_size(comps: list[Compound], wcfg) -> float:
    if float(wcfg.cell_metres) > 0:
        return float(wcfg.cell_metres)
    area = sum(polygon_area(r) for c in comps for r in c.rings) - sum(
        polygon_area(h) for c in comps for h in c.holes
    )
    hh = sum(c.households for c in comps if c.rings)
    if area > 0 and hh > 0:
        return math.sqrt(area * float(wcfg.density) / hh)
    return POINT_CELL_METRES


def nearest_fill(labels: np.ndarray) -> np.ndarray:
    """Every cell labelled -1 takes the label of the nearest labelled cell by Chebyshev
    (square-ring) distance: a breadth-first flood over the Moore neighbourhood, ties to
    the lower label."""
    out = labels.copy()
    h, w = out.shape
    while (out < 0).any():
        pad = np.full((h + 2, w + 2), -1, dtype=out.dtype)
        pad[1:-1, 1:-1] = out
        best = np.full((h, w), np.iinfo(out.dtype).max, dtype=out.dtype)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                v = pad[1 + dy : h + 1 + dy, 1 + dx : w + 1 + dx]
                best = np.where(v >= 0, np.minimum(best, v), best)
        fill = (out < 0) & (best != np.iinfo(out.dtype).max)
        if not fill.any():
            break
        out[fill] = best[fill]
    return out


def zone_pairs(zone_of_cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Contiguity of zones on the lattice: pairs ``(i, j)`` (both directions, sorted) of
    zones with Moore-adjacent cells."""
    h, w = zone_of_cell.shape
    pairs = set()
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = zone_of_cell[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
        b = zone_of_cell[max(0, dy) : h + min(0, dy) or None, max(0, dx) : w + min(0, dx) or None]
        a, b = a.ravel(), b.ravel()
        m = (a != b) & (a >= 0) & (b >= 0)
        for i, j in set(zip(a[m].tolist(), b[m].tolist(), strict=True)):
            pairs.add((i, j))
            pairs.add((j, i))
    if not pairs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    arr = np.array(sorted(pairs), dtype=np.int64)
    return arr[:, 0], arr[:, 1]


def _ids(values: list[str | None]) -> tuple[np.ndarray, list[str]]:
    names: dict[str, int] = {}
    codes = []
    for v in values:
        if v not in names:
            names[v] = len(names)
        codes.append(names[v])
    return np.array(codes, dtype=np.int64), list(names)


def build_file_world(wcfg, housing, rng: np.random.Generator, housing_types) -> dict:
    """The fields of the :class:`~cogov_sim.core.world.World` of ``world.compounds`` (and
    ``world.staffing``) but those derived from them (neighbours, zone index, firms'
    communities: :func:`cogov_sim.core.world.build_world` adds them), with its
    :class:`FileWorld` record as
    ``source`` (``housing_types``: the type names in code order). The layout's random
    choices come from the file's own stream, not ``rng``: the same for every seed."""
    HOUSING_TYPES = tuple(housing_types)  # noqa: N806 - the world's constant

    cpath = resolve_path(wcfg.compounds)
    comps, kind, centre0 = read_compounds(cpath)
    # The layout is the files' own: drawn from a stream seeded by the compounds file's
    # digest, so every seed of a run (and a work-order log read against it) has the same
    # places; the run's stream is left to the people who live there.
    file_digest = digest(cpath)
    del rng
    rng = np.random.default_rng(int(file_digest[:16], 16))
    defaults: list[str] = []
    nc = len(comps)

    # Housing type, management, firms.
    no_type = [c.id for c in comps if c.housing is None]
    if no_type:
        defaults.append(f"housing_type: commodity for {len(no_type)} of {nc} compounds")
    block_housing = np.array([1 if c.housing is None else c.housing for c in comps], dtype=np.int8)
    p_managed = np.array([float(getattr(housing, t).managed) for t in HOUSING_TYPES])
    draws = rng.random(nc)
    managed = np.array(
        [
            (draws[i] < p_managed[block_housing[i]]) if c.managed is None else c.managed
            for i, c in enumerate(comps)
        ],
        dtype=bool,
    )
    if any(c.managed is None for c in comps):
        n = sum(c.managed is None for c in comps)
        defaults.append(f"managed: drawn from housing.<type>.managed for {n} compounds")
    managed_idx = np.flatnonzero(managed)
    block_compound = np.full(nc, -1, dtype=np.int32)
    block_compound[managed_idx] = np.arange(managed_idx.size, dtype=np.int32)
    firm_names = [comps[i].firm for i in managed_idx]
    if managed_idx.size and any(f is None for f in firm_names):
        per = int(wcfg.compounds_per_firm)
        firm_names = [
            f if f is not None else f"firm-{k // per + 1}" for k, f in enumerate(firm_names)
        ]
        defaults.append(f"firm: compounds_per_firm ({per}) consecutive managed compounds")
    block_firm = np.full(nc, -1, dtype=np.int32)
    if managed_idx.size:
        codes, _ = _ids(firm_names)
        block_firm[managed_idx] = codes.astype(np.int32)

    # The lattice.
    s = _cell_size(comps, wcfg)
    pts = [c.centre[None, :] for c in comps] + [r for c in comps for r in c.rings]
    allp = np.concatenate(pts)
    radius = max(math.sqrt(c.households / float(wcfg.density) / math.pi) for c in comps) * s
    lo = allp.min(axis=0) - radius - 2 * s
    hi = allp.max(axis=0) + radius + 2 * s
    w = int(math.ceil((hi[0] - lo[0]) / s))
    h = int(math.ceil((hi[1] - lo[1]) / s))
    if w > MAX_SIDE or h > MAX_SIDE:
        raise WorldFileError(
            f"{cpath}: at {s:.1f} m a cell the lattice would be {w} x {h} cells (at most "
            f"{MAX_SIDE} a side): are the coordinates in the units the file says "
            "(degrees in GeoJSON, x/y metres or lon/lat in CSV), or is world.cell_metres too small?"
        )
    gx = lo[0] + (np.arange(w) + 0.5) * s
    gy = lo[1] + (np.arange(h) + 0.5) * s
    cell_hh_block = np.full((h, w), -1, dtype=np.int64)
    overflow: dict[str, int] = {}
    for b, c in enumerate(comps):
        free_inside = np.empty(0, dtype=np.int64)
        if c.rings:
            allr = c.rings + c.holes
            rx = np.concatenate([r[:, 0] for r in c.rings])
            ry = np.concatenate([r[:, 1] for r in c.rings])
            c0, c1 = np.searchsorted(gx, [rx.min(), rx.max()])
            r0, r1 = np.searchsorted(gy, [ry.min(), ry.max()])
            yy, xx = np.mgrid[r0:r1, c0:c1]
            inside = points_in_rings(gx[xx], gy[yy], allr)
            cells = (yy * w + xx)[inside]
            free_inside = cells[cell_hh_block.ravel()[cells] < 0]
        if free_inside.size >= c.households:
            take = np.sort(rng.choice(free_inside, size=c.households, replace=False))
        else:
            rest = c.households - free_inside.size
            free = np.flatnonzero(cell_hh_block.ravel() < 0)
            free = np.setdiff1d(free, free_inside, assume_unique=True)
            fy, fx = np.divmod(free, w)
            d2 = (gx[fx] - c.centre[0]) ** 2 + (gy[fy] - c.centre[1]) ** 2
            if free.size < rest:
                raise WorldFileError(f"{cpath}: no room on the lattice for compound {c.id!r}")
            near = free[np.argsort(d2, kind="stable")[:rest]]
            take = np.concatenate([free_inside, near])
            if c.rings:
                overflow[c.id] = int(rest)
        cell_hh_block.ravel()[take] = b
    if overflow:
        defaults.append(
            f"placement: {sum(overflow.values())} households of {len(overflow)} compounds "
            f"outside their boundary at {s:.1f} m a cell (boundary too small for them)"
        )
    ys, xs = np.nonzero(cell_hh_block >= 0)
    n = ys.size
    cell_hh = np.full((h, w), -1, dtype=np.int32)
    cell_hh[ys, xs] = np.arange(n, dtype=np.int32)
    block = cell_hh_block[ys, xs].astype(np.int32)

    # Communities and grids.
    per_grid = np.array([getattr(housing, t).households_per_grid for t in HOUSING_TYPES])
    has_grid = [c.grid is not None for c in comps]
    has_comm = [c.community is not None for c in comps]
    if any(has_grid) and not all(has_grid):
        raise WorldFileError(
            f"{cpath}: grid is given for {sum(has_grid)} of {nc} compounds; give it for all "
            "or for none (none: grids are drawn by workload)"
        )
    if any(has_comm) and not all(has_comm):
        raise WorldFileError(
            f"{cpath}: community is given for {sum(has_comm)} of {nc} compounds; give it "
            "for all or for none"
        )
    if all(has_comm):
        comm_block, community_ids = _ids([c.community for c in comps])
    else:
        comm_block, community_ids = np.zeros(nc, dtype=np.int64), ["community-1"]
    hh_order = np.lexsort((xs, ys, block))  # compound by compound, row by row
    if all(has_grid):
        keys = [(c.community or "", c.grid) for c in comps]
        zone_block, key_ids = _ids(keys)
        zone = zone_block[block]
        grid_ids = [g for _, g in key_ids]
        zone_comm = np.zeros(len(key_ids), dtype=np.int64)
        zone_comm[zone_block] = comm_block
    else:
        defaults.append(
            "grid: drawn by workload (housing.<type>.households_per_grid households a worker)"
        )
        zone = np.empty(n, dtype=np.int64)
        start = 0
        zone_comm_list = []
        for k in range(len(community_ids)):
            members = hh_order[comm_block[block[hh_order]] == k]
            if not members.size:
                continue
            need = np.cumsum(1.0 / per_grid[block_housing[block[members]]])
            g = np.floor(need - 1e-9).astype(np.int64)
            total = float(need[-1])
            n_g = max(1, int(round(total)))
            g = np.minimum(g, n_g - 1)
            zone[members] = start + g
            zone_comm_list.extend([k] * n_g)
            start += n_g
        zone_comm = np.array(zone_comm_list, dtype=np.int64)
        grid_ids = [f"grid-{i + 1}" for i in range(start)]
    if not all(has_comm):
        per = int(wcfg.zones_per_community)
        zone_comm = np.arange(len(grid_ids)) // per
        community_ids = [f"community-{i + 1}" for i in range(int(zone_comm.max()) + 1)]
        defaults.append(f"community: zones_per_community ({per}) consecutive grids")
    community = zone_comm[zone]

    zone_of_cell = np.full((h, w), -1, dtype=np.int32)
    zone_of_cell[ys, xs] = zone
    zone_of_cell = nearest_fill(zone_of_cell)
    compound_of_cell = np.full((h, w), -1, dtype=np.int32)
    compound_of_cell[ys, xs] = block_compound[block]
    compound = block_compound[block]
    firm = block_firm[block]

    info = FileWorld(
        compound_ids=[c.id for c in comps],
        grid_ids=grid_ids,
        community_ids=community_ids,
        cell_metres=s,
        origin=(float(lo[0]), float(lo[1])),
        coordinates=kind,
        projection_centre=centre0,
        defaults=defaults,
        overflow=overflow,
        block_vulnerable=np.array([c.vulnerable_share for c in comps]),
        block_party=np.array([c.party_member_share for c in comps]),
        digests={"compounds": file_digest},
    )
    for key, label in (
        ("vulnerable_share", "block_vulnerable"),
        ("party_member_share", "block_party"),
    ):
        if np.isnan(getattr(info, label)).any():
            defaults.append(f"{key}: drawn around the housing type's for compounds without one")
    _staffing(wcfg, info, zone_comm)

    return dict(
        width=w,
        height=h,
        cell_hh=cell_hh,
        x=xs.astype(np.int32),
        y=ys.astype(np.int32),
        zone=zone.astype(np.int32),
        community=community.astype(np.int32),
        compound=compound.astype(np.int32),
        firm=firm.astype(np.int32),
        zone_of_cell=zone_of_cell,
        compound_of_cell=compound_of_cell,
        zone_community=zone_comm.astype(np.int32),
        community_street=np.zeros(len(community_ids), dtype=np.int32),
        block=block,
        housing=block_housing[block],
        block_housing=block_housing,
        zone_shape=None,
        zone_pairs=zone_pairs(zone_of_cell),
        source=info,
    )


def _staffing(wcfg, info: FileWorld, zone_comm: np.ndarray) -> None:
    nz, ncomm = len(info.grid_ids), len(info.community_ids)
    info.zone_staff = np.full(nz, np.nan)
    for role in ("mediators", "ngo_hours", "party_hours"):
        info.community_staff[role] = np.full(ncomm, np.nan)
    if not str(wcfg.staffing):
        info.defaults.append("staffing: no staffing file; every handler from the config")
        return
    spath = resolve_path(wcfg.staffing)
    rows = read_staffing(spath)
    info.digests["staffing"] = digest(spath)
    grid_index: dict[str, list[int]] = {}
    for z, g in enumerate(info.grid_ids):
        grid_index.setdefault(g, []).append(z)
    comm_index = {c: k for k, c in enumerate(info.community_ids)}
    for i, (role, unit, value) in enumerate(rows):
        where = f"{spath.name}, row {i + 2}"
        if role == "grid_workers":
            zones = grid_index.get(unit)
            if zones is None and "/" in unit:  # community/grid: a grid name used twice
                comm, _, grid = unit.partition("/")
                zones = [
                    z
                    for z in grid_index.get(grid, [])
                    if comm in comm_index and zone_comm[z] == comm_index[comm]
                ] or None
            if zones is None:
                raise WorldFileError(
                    f"{where}: grid {unit!r} is not a grid of the compounds file "
                    f"({', '.join(info.grid_ids[:8])}{'...' if nz > 8 else ''})"
                )
            for z in zones:
                info.zone_staff[z] = value
        elif role == "department_hours":
            if unit != "all":
                raise WorldFileError(f"{where}: department_hours takes the unit 'all'")
            info.department_hours = value
        else:
            if unit not in comm_index:
                raise WorldFileError(
                    f"{where}: community {unit!r} is not a community of the compounds file "
                    f"({', '.join(info.community_ids)})"
                )
            info.community_staff[role][comm_index[unit]] = value
    missing = int(np.isnan(info.zone_staff).sum())
    if missing:
        info.defaults.append(f"grid_workers: the workload rule for {missing} of {nz} grids")
    for role, arr in info.community_staff.items():
        k = int(np.isnan(arr).sum())
        if k:
            info.defaults.append(f"{role}: the config's value for {k} of {ncomm} communities")
    if math.isnan(info.department_hours):
        info.defaults.append("department_hours: the config's value")
