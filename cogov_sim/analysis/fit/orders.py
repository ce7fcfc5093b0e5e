"""Work-order logs in: a generic CSV with a user-written mapping, and NYC 311's layout.

A **mapping file** (YAML) tells cogov-sim which of the log's columns to read and what
its categories are in the model's terms::

    columns:            # the log's column for each role (only these are ever read)
      id: 工单编号
      created: 受理时间       # required
      closed: 办结时间
      dispatched: 派单时间
      status: 办理状态
      category: 诉求类别      # required
      compound: 所属小区      # a compound id of the world's compounds file
      lon: 经度               # or x / y in the world's projected metres
      lat: 纬度
      reopened: 是否重办
    time_format: "%Y-%m-%d %H:%M:%S"   # optional (else inferred)
    closed_status: [已办结]            # optional: statuses that mean closed
    channels: [resident, hotline, callback]   # the model's report channels the log holds
    categories:
      邻里纠纷: neighbour_dispute       # a model issue type, or ignore
      咨询建议: ignore

``cogov-sim-fit template LOG`` writes such a file from the log itself: the columns
recognised by their names (English and Chinese), every category with its count and,
where a keyword gives it away, a suggested type, so the user only checks and fills.
``--nyc311`` (:data:`NYC311`) is the same for NYC Open Data's 311 export.

**Privacy.** Only the mapped columns are read (``pandas.read_csv(usecols=...)``):
names, phone numbers, addresses and free text are never loaded, so they cannot reach
the model or any output; a mapping that names such a column for a role is refused
(:data:`PERSONAL_HINTS`).

**Bad rows** are counted by kind and never silently dropped (:data:`BAD_KINDS`); a
row with a known category and a valid creation time but no usable place is kept for
the counts by type and time and left out of the counts by place (``no_place``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cogov_sim.core.issues import ISSUE_KEYS, Channel

#: the roles a mapping's ``columns`` may give
ROLES = (
    "id",
    "created",
    "closed",
    "dispatched",
    "status",
    "category",
    "compound",
    "lon",
    "lat",
    "x",
    "y",
    "reopened",
)
#: column names recognised by ``template`` for each role (lower case)
ROLE_NAMES = {
    "id": ("id", "order_id", "unique key", "工单编号", "工单号", "编号"),
    "created": ("created", "created date", "created_at", "受理时间", "创建时间", "登记时间"),
    "closed": ("closed", "closed date", "closed_at", "办结时间", "结案时间", "关闭时间"),
    "dispatched": ("dispatched", "派单时间", "派遣时间"),
    "status": ("status", "办理状态", "状态"),
    "category": ("category", "complaint type", "type", "诉求类别", "事件类型", "类别"),
    "compound": ("compound", "compound_id", "所属小区", "小区"),
    "lon": ("lon", "longitude", "lng", "经度"),
    "lat": ("lat", "latitude", "纬度"),
    "reopened": ("reopened", "是否重办", "重办"),
}
#: parts of column names that mark personal or free-text columns: never mapped
PERSONAL_HINTS = (
    "name",
    "phone",
    "tel",
    "mobile",
    "address",
    "description",
    "content",
    "text",
    "来电人",
    "姓名",
    "电话",
    "手机",
    "地址",
    "内容",
    "描述",
    "身份证",
    "住址",
    "联系人",
    "联系方式",
    "门牌",
    "邮箱",
    "email",
)
#: the kinds of bad rows, counted and reported
BAD_KINDS = {
    "unparseable_created": "creation time missing or not a time",
    "unparseable_closed": "closing time not a time",
    "closed_before_created": "closed before it was created",
    "no_category": "no category",
    "unknown_category": "a category the mapping does not list",
    "unmapped_category": "a category the mapping lists without a type",
    "outside_area": "a point outside the street",
    "unknown_compound": "a compound id the world does not have (and no point)",
    "duplicate_id": "an id seen before in the log",
}
#: keywords that suggest a model type in ``template`` (checked in this order)
SUGGEST = (
    (("物业", "property", "heat/hot water", "unsanitary"), "property_dispute"),
    (("邻里", "噪音", "noise", "neighbor", "neighbour"), "neighbour_dispute"),
    (("消防", "隐患", "hazard", "safety", "fire"), "safety_hazard"),
    (("故障", "路灯", "漏水", "light", "water", "sewer", "elevator", "plumbing"),
     "facility_fault"),
    (("帮扶", "救助", "老人", "elder", "homeless", "assistance"), "service_need"),
    (("公共事务", "议题", "加装电梯", "collective"), "collective_matter"),
    (("市容", "占道", "垃圾", "环境", "dirty", "graffiti", "parking", "litter", "trash",
      "sanitation", "street condition"), "urban_matter"),
    (("咨询", "建议", "information", "inquiry"), "ignore"),
)  # fmt: skip

#: NYC Open Data's 311 Service Requests export (the column names of its CSV download)
NYC311 = {
    "columns": {
        "id": "Unique Key",
        "created": "Created Date",
        "closed": "Closed Date",
        "status": "Status",
        "category": "Complaint Type",
        "lon": "Longitude",
        "lat": "Latitude",
    },
    "time_format": "%m/%d/%Y %I:%M:%S %p",
    "closed_status": ["Closed"],
    "channels": ["resident", "hotline", "callback"],
}
CHANNEL_NAMES = {c.name.lower(): int(c) for c in Channel if c is not Channel.NONE}


class OrdersError(ValueError):
    """A log or mapping that cannot be used; the message says which and why."""


@dataclass
class Mapping:
    columns: dict[str, str]
    categories: dict[str, str]
    time_format: str | None = None
    closed_status: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=lambda: ["resident", "hotline", "callback"])
    #: the categories' keys as the file gave them (checked for non-text keys)
    raw_categories: list[tuple] = field(default_factory=list)

    @property
    def channel_codes(self) -> list[int]:
        return [CHANNEL_NAMES[c] for c in self.channels]


def _check_mapping(m: Mapping, where: str) -> Mapping:
    for role in m.columns:
        if role not in ROLES:
            raise OrdersError(f"{where}: columns.{role} is not a role ({', '.join(ROLES)})")
    for role in ("created", "category"):
        if not m.columns.get(role):
            raise OrdersError(
                f"{where}: columns.{role} is required (the log's column for it; a log in "
                "NYC 311's layout takes --nyc311 instead)"
            )
    for role, col in m.columns.items():
        low = str(col).lower()
        if any(h in low for h in PERSONAL_HINTS):
            raise OrdersError(
                f"{where}: columns.{role} names {col!r}, which looks like a personal or "
                "free-text column; cogov-sim never reads those"
            )
    allowed = set(ISSUE_KEYS) | {"ignore", ""}
    for cat, _ in m.raw_categories:
        if not isinstance(cat, str):
            raise OrdersError(
                f"{where}: a category key was read by YAML as a number ({cat!r}), not as the "
                "log's text: quote the category in the mapping, e.g. '0101': urban_matter"
            )
    for cat, t in m.categories.items():
        if t is None:
            m.categories[cat] = ""
        elif str(t) not in allowed:
            raise OrdersError(
                f"{where}: category {cat!r} maps to {t!r}, not a model issue type "
                f"({', '.join(ISSUE_KEYS)}) or ignore"
            )
    for c in m.channels:
        if c not in CHANNEL_NAMES:
            raise OrdersError(f"{where}: channel {c!r} is not one of {', '.join(CHANNEL_NAMES)}")
    return m


def load_mapping(path=None, nyc311: bool = False) -> Mapping:
    """A mapping file; with ``nyc311`` its columns, time format and statuses default to
    NYC 311's (the file then needs only ``categories``)."""
    data: dict = {}
    if nyc311:
        data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in NYC311.items()}
    where = "the NYC 311 layout"
    if path is not None:
        where = str(path)
        try:
            own = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise OrdersError(f"cannot read mapping {path}: {exc}") from None
        if not isinstance(own, dict):
            raise OrdersError(f"{path}: a mapping file is a YAML mapping (columns, categories)")
        for k, v in own.items():
            if k == "columns" and isinstance(v, dict):
                data.setdefault("columns", {}).update(v)
            else:
                data[k] = v
    unknown = set(data) - {"columns", "categories", "time_format", "closed_status", "channels"}
    if unknown:
        raise OrdersError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    return _check_mapping(
        Mapping(
            columns={k: str(v) for k, v in (data.get("columns") or {}).items() if v},
            categories={str(k): v for k, v in (data.get("categories") or {}).items()},
            raw_categories=list((data.get("categories") or {}).items()),
            time_format=data.get("time_format"),
            closed_status=[str(s) for s in data.get("closed_status") or []],
            channels=list(data.get("channels") or ["resident", "hotline", "callback"]),
        ),
        where,
    )


def _header(path: Path) -> list[str]:
    try:
        return list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise OrdersError(f"cannot read work-order log {path}: {exc}") from None


def template(path, nyc311: bool = False) -> str:
    """A mapping file for the log at ``path``: its columns guessed by name and its
    categories with their counts and a suggested type (blank where none is)."""
    path = Path(path)
    cols = _header(path)
    if nyc311:
        found = dict(NYC311["columns"])
    else:
        found = {}
        for role, names in ROLE_NAMES.items():
            for c in cols:
                if c.strip().lower() in names and role not in found:
                    found[role] = c
    missing = [c for c in found.values() if c not in cols]
    if missing:
        raise OrdersError(f"{path}: no column {', '.join(map(repr, missing))}")
    if "category" not in found:
        raise OrdersError(
            f"{path}: no column looks like the category ({', '.join(cols)}); write the "
            "mapping's columns.category by hand"
        )
    counts = pd.read_csv(path, usecols=[found["category"]], dtype=str, encoding="utf-8-sig")
    vc = counts[found["category"]].fillna("").value_counts()
    lines = [
        f"# Mapping of {path.name} to cogov-sim (made by cogov-sim-fit template).",
        "# Check the columns, then give every category a model type or `ignore`:",
        "#   " + ", ".join(ISSUE_KEYS),
        "# A blank type leaves the category's rows out, counted as unmapped.",
        "columns:",
    ]
    for role in ROLES:
        if role in found:
            lines.append(f"  {role}: {found[role]}")
        elif role in ("closed", "status", "compound", "lon", "lat"):
            lines.append(f"  # {role}: <the log's column>")
    if nyc311:
        lines.append(f'time_format: "{NYC311["time_format"]}"')
        lines.append("closed_status: [Closed]")
    else:
        lines.append('# time_format: "%Y-%m-%d %H:%M:%S"   (else inferred)')
        lines.append("# closed_status: [<the status that means closed>]")
    lines.append("# the model's report channels this log holds (a grid platform's log: all)")
    lines.append("channels: [resident, hotline, callback]")
    lines.append("categories:")
    for cat, n in vc.items():
        if not cat:
            continue
        low = cat.lower()
        guess = next((t for keys, t in SUGGEST if any(k in low for k in keys)), "")
        q = yaml.safe_dump(cat, allow_unicode=True).strip().removesuffix("\n...").strip()
        lines.append(f"  {q}: {guess}    # {n} rows{'' if guess else ', no suggestion'}")
    return "\n".join(lines) + "\n"


@dataclass
class Orders:
    """A log read against a world: one row per usable work order, and what was not used.

    ``frame`` columns: ``type`` (model issue key), ``created_h`` and ``closed_h`` (hours
    from the log's first day, 00:00; ``closed_h`` NaN while open), ``reopened``,
    ``compound`` and ``zone`` (indices in the world, -1 without a place), ``weekday``
    (0 = Monday) and ``hour`` of creation."""

    frame: pd.DataFrame
    days: int
    start: pd.Timestamp | None
    bad: dict[str, int]
    ignored: int
    rows: int
    no_place: int
    source: str = ""
    #: the roles the log's mapping gives (a statistic needing a missing one is undefined)
    roles: tuple[str, ...] = ()

    def bad_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"kind": k, "meaning": BAD_KINDS[k], "rows": int(self.bad.get(k, 0))}
                for k in BAD_KINDS
            ]
        )


def _parse_times(s: pd.Series, fmt: str | None, path: Path, column: str) -> pd.Series:
    """Times of a column (unparseable: NaT); with a time zone, the local wall time it
    gives (hours of the day are the street's own)."""
    s = s.astype("string").str.strip()
    try:
        t = pd.to_datetime(s, format=fmt or "mixed", errors="coerce")
    except (ValueError, TypeError) as exc:
        raise OrdersError(
            f"{path}: the times of column {column!r} cannot be read together ({exc}); "
            "give them in one time zone, or one format with time_format"
        ) from None
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        t = t.dt.tz_localize(None)
    return t.astype("datetime64[ns]")


def _truthy(s: pd.Series) -> np.ndarray:
    low = s.fillna("").astype(str).str.strip().str.lower()
    return low.isin(["1", "yes", "true", "y", "是", "有"]).to_numpy()


def read_orders(path, mapping: Mapping, world) -> Orders:
    """Read the log at ``path`` with ``mapping`` against ``world`` (a model's
    :class:`~cogov_sim.core.world.World` built from files)."""
    path = Path(path)
    cols = _header(path)
    use = {role: col for role, col in mapping.columns.items() if col}
    missing = [f"{r} ({c!r})" for r, c in use.items() if c not in cols]
    if missing:
        raise OrdersError(
            f"{path}: the mapping's columns {', '.join(missing)} are not in the log "
            f"(its columns: {', '.join(cols)})"
        )
    raw = pd.read_csv(
        path, usecols=sorted(set(use.values())), dtype=str, encoding="utf-8-sig",
        keep_default_na=False,
    )  # fmt: skip
    df = pd.DataFrame({role: raw[col] for role, col in use.items()})
    n = len(df)
    bad = dict.fromkeys(BAD_KINDS, 0)
    keep = np.ones(n, dtype=bool)

    def drop(mask, kind):
        m = np.asarray(mask, dtype=bool) & keep
        bad[kind] += int(m.sum())
        keep[m] = False

    created = _parse_times(df["created"], mapping.time_format, path, use["created"])
    drop(created.isna(), "unparseable_created")
    closed = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    if "closed" in df:
        text = df["closed"].fillna("").astype(str).str.strip()
        closed = _parse_times(df["closed"], mapping.time_format, path, use["closed"])
        drop((text != "") & closed.isna(), "unparseable_closed")
    if "status" in df and mapping.closed_status:
        is_closed = df["status"].fillna("").str.strip().isin(mapping.closed_status).to_numpy()
        closed = closed.where(is_closed)
    drop((closed < created).to_numpy(), "closed_before_created")
    cat = df["category"].fillna("").astype(str).str.strip()
    drop(cat == "", "no_category")
    drop(~cat.isin(list(mapping.categories)), "unknown_category")
    mapped = cat.map(lambda c: mapping.categories.get(c, ""))
    drop(mapped == "", "unmapped_category")
    ignored_mask = (mapped == "ignore").to_numpy() & keep
    ignored = int(ignored_mask.sum())
    keep &= ~ignored_mask
    if "id" in df:
        dup = df["id"].duplicated(keep="first").to_numpy() & (df["id"] != "").to_numpy()
        drop(dup, "duplicate_id")

    # Places: a point (degrees or metres) to a cell; a compound id to its compound.
    src = world.source
    compound = np.full(n, -1, dtype=np.int64)
    zone = np.full(n, -1, dtype=np.int64)
    has_point = np.zeros(n, dtype=bool)
    if src is None:
        raise OrdersError("a work-order log is read against a world built from files")
    if ("lon" in df and "lat" in df) or ("x" in df and "y" in df):
        a, b = ("lon", "lat") if "lon" in df else ("x", "y")
        if a == "lon" and src.projection_centre is None:
            raise OrdersError(
                f"{path}: the log's points are lon/lat, but the world's compounds file is in "
                "projected metres: map the log's x/y columns (in the same metres) instead"
            )
        px = pd.to_numeric(df[a], errors="coerce").to_numpy()
        py = pd.to_numeric(df[b], errors="coerce").to_numpy()
        has_point = np.isfinite(px) & np.isfinite(py)
        if a == "lon":
            mx, my = src.project(px, py)
        else:
            mx, my = px, py
        cx, cy, on = src.cell_of(
            np.where(has_point, mx, 0), np.where(has_point, my, 0), world.width, world.height
        )
        near = _near_households(world, max(1, math.ceil(50.0 / src.cell_metres)))
        inside = on & has_point
        inside[inside] = near[cy[inside], cx[inside]]
        drop(has_point & ~inside, "outside_area")
        ok = inside & keep
        zone[ok] = world.zone_of_cell[cy[ok], cx[ok]]
        blocks = _block_of_cell(world)
        compound[ok] = blocks[cy[ok], cx[ok]]
    if "compound" in df:
        ids = {c: i for i, c in enumerate(src.compound_ids)}
        cid = df["compound"].fillna("").astype(str).str.strip()
        code = cid.map(lambda c: ids.get(c, -1)).to_numpy()
        drop((~has_point) & (cid != "").to_numpy() & (code < 0), "unknown_compound")
        given = (code >= 0) & keep
        compound[given] = code[given]
        need_zone = given & (zone < 0)
        if need_zone.any():
            zone[need_zone] = _block_zone(world)[code[need_zone]]
    c_ok, cr_ok = created[keep], closed[keep]
    if not keep.any():
        raise OrdersError(
            f"{path}: no usable rows ({', '.join(f'{k} {v}' for k, v in bad.items() if v)}"
            f"{', ignored ' + str(ignored) if ignored else ''})"
        )
    start = c_ok.min().normalize()
    # the days the log covers, its last day included (an order at 00:00 opens a day)
    days = int((c_ok.max() - start) // pd.Timedelta(days=1)) + 1
    hours = lambda t: ((t - start) / pd.Timedelta(hours=1)).to_numpy(dtype=float)  # noqa: E731
    frame = pd.DataFrame(
        {
            "type": mapped[keep].to_numpy(),
            "created_h": hours(c_ok),
            "closed_h": hours(cr_ok),
            "reopened": _truthy(df["reopened"])[keep] if "reopened" in df else False,
            "compound": compound[keep],
            "zone": zone[keep],
            "weekday": c_ok.dt.day_of_week.to_numpy(),
            "hour": c_ok.dt.hour.to_numpy() + c_ok.dt.minute.to_numpy() / 60.0,
        }
    )
    return Orders(
        frame=frame.reset_index(drop=True),
        days=days,
        start=start,
        bad=bad,
        ignored=ignored,
        rows=n,
        no_place=int((frame["zone"] < 0).sum()),
        source=str(path),
        roles=tuple(use),
    )


def _near_households(world, k: int) -> np.ndarray:
    """Cells within ``k`` cells (Chebyshev) of a household (``k`` at most 25)."""
    k = min(int(k), 25)
    occ = world.cell_hh >= 0
    h, w = occ.shape
    out = occ.copy()
    pad = np.zeros((h + 2 * k, w + 2 * k), dtype=bool)
    pad[k : k + h, k : k + w] = occ
    for dy in range(-k, k + 1):
        for dx in range(-k, k + 1):
            out |= pad[k + dy : k + dy + h, k + dx : k + dx + w]
    return out


def _block_of_cell(world) -> np.ndarray:
    from cogov_sim.core.world_file import nearest_fill

    cells = np.full(world.cell_hh.shape, -1, dtype=np.int64)
    cells[world.y, world.x] = world.block
    return nearest_fill(cells)


def _block_zone(world) -> np.ndarray:
    """The zone holding most of each compound's households."""
    nb = int(world.block_housing.size)
    counts = np.zeros((nb, world.n_zones), dtype=np.int64)
    np.add.at(counts, (world.block, world.zone), 1)
    return counts.argmax(axis=1)
