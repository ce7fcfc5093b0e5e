"""The example street of ``docs/own_street.md``: its files, made by a process that is not
the model's.

    python -m cogov_sim.docgen.example_street --write    # rewrite cogov_sim/data/example_street
    python -m cogov_sim.docgen.example_street            # check the shipped files are this script's

A fictional street of three communities (东湖, 西园, 南塘) of 30 compounds and about
6,900 households near (120.16 E, 30.27 N), with:

- ``compounds.geojson``: compound polygons (rectangles, some L-shaped, one in two
  parts) in WGS 84 degrees, with households, housing type, management, firm, grid and
  community; a few compounds have their own vulnerable and party-member shares;
- ``staffing.csv``: grid workers per grid, mediators and NGO and party hours per
  community, department hours;
- ``work_orders.csv``: a year (2025) of the street's 12345-hotline and service-desk
  work orders, with the columns such a log has in Chinese — including the personal
  and free-text ones (caller, phone, address, the request's text), which cogov-sim
  never reads;
- ``mapping.yaml``: the user's mapping of those columns and categories to the model;
- ``nyc311_sample.csv`` (in ``cogov_sim/data``): 60 rows in the exact column layout of
  NYC Open Data's 311 Service Requests export, to prove the adapter, with
  ``nyc311_mapping.yaml`` (its complaint types in the model's terms) and
  ``nyc311_blocks.csv`` (nine made-up blocks around its points, as a world).

The work orders come from a process unlike the model's, so that the fit report has
real disagreements to show and the calibration real work to do:

- each compound's rate per category is a base rate (per 1,000 households a year)
  times its housing type's factor times a smooth spatial field (three Gaussian
  bumps), so orders cluster in space;
- daily counts are Poisson around a street-wide daily shock (gamma, shape 6: over-
  dispersed), a weekly cycle (Monday highest, weekends low) and a summer peak for
  street matters; the hour of the day follows office hours;
- the time to close is log-normal with a heavy tail, its median and spread set per
  category; 4% of orders are reopened (重办) and orders still open at the year's end
  are "处理中";
- about 2% of rows are bad in the ways real logs are: an unparseable time, closed
  before created, no category, a point outside the street.

Everything is drawn from one ``numpy`` generator seeded with :data:`SEED`, so the files
are the same on every machine with the project's pinned numpy
(``tests/test_own_street.py`` checks it).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 20250101
LON0, LAT0 = 120.16, 30.27
FOLDER = Path(__file__).resolve().parents[1] / "data" / "example_street"
NYC_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "nyc311_sample.csv"

COMMUNITIES = ("东湖社区", "西园社区", "南塘社区")
#: base orders per 1,000 households a year, closure median (hours) and log-sd, and the
#: model's type the shipped mapping gives it
CATEGORIES = {
    "市容环境": (330.0, 10.0, 1.1, "urban_matter"),
    "占道经营": (120.0, 20.0, 1.0, "urban_matter"),
    "设施设备故障": (210.0, 70.0, 1.2, "facility_fault"),
    "路灯照明": (60.0, 96.0, 0.9, "facility_fault"),
    "物业服务纠纷": (150.0, 140.0, 1.3, "property_dispute"),
    "邻里纠纷": (45.0, 60.0, 1.2, "neighbour_dispute"),
    "噪音扰民": (75.0, 30.0, 1.0, "neighbour_dispute"),
    "安全隐患": (40.0, 50.0, 1.1, "safety_hazard"),
    "消防隐患": (18.0, 36.0, 1.0, "safety_hazard"),
    "困难群众帮扶": (30.0, 72.0, 0.9, "service_need"),
    "公共事务议题": (22.0, 240.0, 1.0, "collective_matter"),
    "咨询建议": (100.0, 4.0, 0.8, "ignore"),
}
#: orders factor by housing type (old estates' faults, urban villages' street matters)
HOUSING_FACTOR = {
    "old_estate": {"设施设备故障": 1.8, "路灯照明": 1.5, "安全隐患": 1.6, "消防隐患": 1.6},
    "commodity": {"物业服务纠纷": 1.4, "噪音扰民": 1.2},
    "rental": {"噪音扰民": 1.8, "邻里纠纷": 1.6, "消防隐患": 2.0},
    "urban_village": {"市容环境": 2.2, "占道经营": 3.0, "安全隐患": 2.0, "消防隐患": 2.5},
}
WEEKDAY = np.array([1.25, 1.15, 1.1, 1.05, 1.0, 0.72, 0.68])  # Monday first
HOURS = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.6, 3.4, 3.2, 2.6, 1.6, 2.2, 3.0, 3.0, 2.6, 2.0,
     1.5, 1.3, 1.1, 0.8, 0.5, 0.3]
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
ROADS = ("湖滨路", "西园街", "南塘巷", "学院路", "文一路")
REQUEST = {
    "市容环境": "楼下垃圾堆放多日无人清理",
    "占道经营": "路口有摊贩占道经营影响通行",
    "设施设备故障": "单元楼道水管漏水",
    "路灯照明": "小区门口路灯不亮",
    "物业服务纠纷": "物业收费后服务不到位",
    "邻里纠纷": "邻居装修损坏公共墙面",
    "噪音扰民": "楼上夜间噪音严重",
    "安全隐患": "电动车在楼道充电",
    "消防隐患": "消防通道被堵",
    "困难群众帮扶": "独居老人需要上门帮助",
    "公共事务议题": "希望加装电梯",
    "咨询建议": "咨询社区办事流程",
}


def _deg(x: float, y: float) -> tuple[float, float]:
    """Degrees of a point given in metres from (LON0, LAT0)."""
    k = 180.0 / math.pi / 6_371_008.8
    return LON0 + x * k / math.cos(math.radians(LAT0)), LAT0 + y * k


def compounds(rng: np.random.Generator) -> list[dict]:
    """30 compounds on a 6 x 5 block plan (150 m x 130 m blocks, 30 m roads)."""
    out = []
    grid_no = {c: 0 for c in COMMUNITIES}
    load = {c: 0.0 for c in COMMUNITIES}
    for row in range(5):
        for col in range(6):
            k = row * 6 + col
            community = COMMUNITIES[0 if col < 2 else (1 if col < 4 else 2)]
            if col >= 4 and row >= 3:
                housing = "urban_village"
            elif col < 2 and row < 3:
                housing = "old_estate"
            elif k % 7 == 3:
                housing = "rental"
            else:
                housing = "commodity"
            x0, y0 = col * 180.0, row * 160.0
            w, h = 150.0, 130.0
            hh = int(
                rng.integers(*{"old_estate": (140, 260), "commodity": (150, 300),
                               "rental": (100, 180), "urban_village": (200, 330)}[housing])
            )  # fmt: skip
            if k % 5 == 1:  # an L-shaped compound
                ring = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h / 2), (x0 + w / 2, y0 + h / 2),
                        (x0 + w / 2, y0 + h), (x0, y0 + h), (x0, y0)]  # fmt: skip
                geom = {"type": "Polygon", "coordinates": [[_deg(*p) for p in ring]]}
            elif k == 8:  # a compound in two parts
                a = [(x0, y0), (x0 + 60, y0), (x0 + 60, y0 + h), (x0, y0 + h), (x0, y0)]
                b = [(x0 + 90, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0 + 90, y0 + h),
                     (x0 + 90, y0)]  # fmt: skip
                geom = {
                    "type": "MultiPolygon",
                    "coordinates": [[[_deg(*p) for p in a]], [[_deg(*p) for p in b]]],
                }
            else:
                ring = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]
                geom = {"type": "Polygon", "coordinates": [[_deg(*p) for p in ring]]}
            per = 200.0 if housing == "urban_village" else 300.0
            if load[community] + hh / per > 1.25:
                grid_no[community] += 1
                load[community] = 0.0
            load[community] += hh / per
            managed = housing in ("commodity", "rental") or (housing == "old_estate" and k % 2)
            props = {
                "compound_id": f"C{k + 1:02d}",
                "name": f"{community[:2]}{k + 1}号小区",
                "households": hh,
                "housing_type": housing,
                "managed": "是" if managed else "否",
                "firm": (f"物业{1 + k // 8}" if managed else None),
                "grid": f"{community[:2]}-{grid_no[community] + 1:02d}",
                "community": community,
            }
            if k % 6 == 0:
                props["vulnerable_share"] = round(float(rng.uniform(0.08, 0.25)), 3)
                props["party_member_share"] = round(float(rng.uniform(0.04, 0.10)), 3)
            centre = (x0 + w / 2, y0 + h / 2)
            out.append({"type": "Feature", "properties": props, "geometry": geom, "_c": centre})
    return out


def _field(x: float, y: float) -> float:
    """A smooth spatial field: three bumps of raised rates (multiplier)."""
    bumps = ((150.0, 650.0, 160.0, 1.2), (900.0, 100.0, 200.0, 0.9), (520.0, 330.0, 120.0, 0.6))
    return math.exp(sum(a * math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s))
                        for bx, by, s, a in bumps)) * 0.75  # fmt: skip


def work_orders(rng: np.random.Generator, feats: list[dict]) -> list[dict]:
    start = datetime(2025, 1, 1)
    days = 365
    end = start + timedelta(days=days)
    shock = rng.gamma(6.0, 1.0 / 6.0, size=days)
    rows = []
    for f in feats:
        p = f["properties"]
        hh, housing = p["households"], p["housing_type"]
        field = _field(*f["_c"])
        for cat, (base, med, sd, _) in CATEGORIES.items():
            if cat == "物业服务纠纷" and p["managed"] != "是":
                continue
            rate = base * HOUSING_FACTOR[housing].get(cat, 1.0) * hh / 1000.0 / 365.0
            if cat not in ("咨询建议", "困难群众帮扶"):
                rate *= field
            d = np.arange(days)
            wk = WEEKDAY[[(start + timedelta(days=int(i))).weekday() for i in d]]
            season = 1.0 + (0.35 * np.sin(2 * np.pi * (d - 100) / 365.0)
                            if cat in ("市容环境", "占道经营", "噪音扰民") else 0.0)  # fmt: skip
            counts = rng.poisson(rate * wk * season * shock)
            for day in np.repeat(d, counts):
                hour = rng.choice(24, p=HOURS / HOURS.sum()) + rng.random()
                created = start + timedelta(days=int(day), hours=float(hour))
                wait = float(rng.lognormal(math.log(med), sd))
                closed = created + timedelta(hours=wait)
                dispatched = created + timedelta(hours=float(rng.exponential(0.5)))
                lon, lat = _point(rng, f)
                rows.append(
                    {
                        "created": created,
                        "dispatched": dispatched,
                        "closed": closed if closed < end else None,
                        "category": cat,
                        "compound": p["compound_id"],
                        "lon": lon,
                        "lat": lat,
                        "reopened": "是" if rng.random() < 0.04 else "否",
                    }
                )
    rows.sort(key=lambda r: r["created"])
    # Bad rows, as real logs have them.
    n = len(rows)
    bad = rng.choice(n, size=int(0.02 * n), replace=False)
    for j, i in enumerate(bad):
        r = rows[i]
        kind = j % 4
        if kind == 0:
            r["created_text"] = "2025-13-" + str(int(rng.integers(1, 28))) + " 25:61:00"
        elif kind == 1 and r["closed"] is not None:
            r["closed"] = r["created"] - timedelta(hours=float(rng.uniform(1, 48)))
        elif kind == 2:
            r["category"] = ""
        else:
            r["lon"], r["lat"] = r["lon"] + 0.03, r["lat"] - 0.02
    return rows


def _point(rng: np.random.Generator, feat: dict) -> tuple[float, float]:
    geom = feat["geometry"]
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    ring = np.array(polys[int(rng.integers(len(polys)))][0])
    lo, hi = ring.min(axis=0), ring.max(axis=0)
    return float(rng.uniform(lo[0], hi[0])), float(rng.uniform(lo[1], hi[1]))


def _staffing(feats: list[dict]) -> str:
    hh_by_grid: dict[str, int] = {}
    for f in feats:
        g = f["properties"]["grid"]
        hh_by_grid[g] = hh_by_grid.get(g, 0) + f["properties"]["households"]
    lines = ["role,unit,value"]
    for g, hh in hh_by_grid.items():
        lines.append(f"grid_workers,{g},{2 if hh > 420 else 1}")
    for c, m, ngo, party in zip(COMMUNITIES, (3, 4, 5), (10, 8, 16), (5, 6, 3), strict=True):
        lines += [f"mediators,{c},{m}", f"ngo_hours,{c},{ngo}", f"party_hours,{c},{party}"]
    lines.append("department_hours,all,20")
    return "\n".join(lines) + "\n"


ORDER_COLUMNS = ["工单编号", "受理时间", "派单时间", "办结时间", "办理状态", "诉求类别",
                 "诉求内容", "来电人", "联系电话", "详细地址", "所属小区", "经度", "纬度",
                 "是否重办"]  # fmt: skip


def _orders_csv(rng: np.random.Generator, rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ORDER_COLUMNS)
    fmt = "%Y-%m-%d %H:%M:%S"
    for i, r in enumerate(rows):
        name = SURNAMES[int(rng.integers(len(SURNAMES)))] + "".join(
            GIVEN[int(k)] for k in rng.integers(len(GIVEN), size=int(rng.integers(1, 3)))
        )
        phone = "1" + "".join(str(int(d)) for d in rng.integers(0, 10, size=10))
        addr = f"{ROADS[int(rng.integers(len(ROADS)))]}{int(rng.integers(1, 300))}号"
        w.writerow(
            [
                f"GD2025{i + 1:06d}",
                r.get("created_text") or r["created"].strftime(fmt),
                r["dispatched"].strftime(fmt),
                r["closed"].strftime(fmt) if r["closed"] is not None else "",
                "已办结" if r["closed"] is not None else "处理中",
                r["category"],
                REQUEST.get(r["category"], ""),
                name,
                phone,
                addr,
                r["compound"],
                f"{r['lon']:.6f}",
                f"{r['lat']:.6f}",
                r["reopened"],
            ]
        )
    return buf.getvalue()


MAPPING = """\
# How the example street's work-order log maps to the model (docs/own_street.md).
# Made from `cogov-sim-fit template cogov_sim/data/example_street/work_orders.csv`,
# then filled in by hand: every category has a model type or `ignore`.
columns:
  id: 工单编号
  created: 受理时间
  dispatched: 派单时间
  closed: 办结时间
  status: 办理状态
  category: 诉求类别
  compound: 所属小区
  lon: 经度
  lat: 纬度
  reopened: 是否重办
time_format: "%Y-%m-%d %H:%M:%S"
closed_status: [已办结]
# which of the model's report channels this log holds: the hotline and the desk
channels: [resident, hotline, callback]
categories:
"""


def _mapping() -> str:
    return MAPPING + "".join(f"  {c}: {t}\n" for c, (*_, t) in CATEGORIES.items())


NYC_COLUMNS = [
    "Unique Key", "Created Date", "Closed Date", "Agency", "Agency Name", "Complaint Type",
    "Descriptor", "Location Type", "Incident Zip", "Incident Address", "Street Name",
    "Cross Street 1", "Cross Street 2", "Intersection Street 1", "Intersection Street 2",
    "Address Type", "City", "Landmark", "Facility Type", "Status", "Due Date",
    "Resolution Description", "Resolution Action Updated Date", "Community Board", "BBL",
    "Borough", "X Coordinate (State Plane)", "Y Coordinate (State Plane)",
    "Open Data Channel Type", "Park Facility Name", "Park Borough", "Vehicle Type",
    "Taxi Company Borough", "Taxi Pick Up Location", "Bridge Highway Name",
    "Bridge Highway Direction", "Road Ramp", "Bridge Highway Segment", "Latitude",
    "Longitude", "Location",
]  # fmt: skip
NYC_TYPES = (
    ("Noise - Residential", "NYPD", "Loud Music/Party"),
    ("HEAT/HOT WATER", "HPD", "ENTIRE BUILDING"),
    ("Street Light Condition", "DOT", "Street Light Out"),
    ("Illegal Parking", "NYPD", "Blocked Hydrant"),
    ("UNSANITARY CONDITION", "HPD", "PESTS"),
    ("Dirty Condition", "DSNY", "Trash"),
)


def nyc_sample(rng: np.random.Generator) -> str:
    """60 synthetic rows in the exact column layout of NYC's 311 export (Brooklyn)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(NYC_COLUMNS)
    start = datetime(2024, 3, 1)
    for i in range(60):
        ctype, agency, desc = NYC_TYPES[i % len(NYC_TYPES)]
        created = start + timedelta(hours=float(rng.uniform(0, 24 * 30)))
        closed = created + timedelta(hours=float(rng.lognormal(2.5, 1.2)))
        lat, lon = 40.6782 + rng.normal(0, 0.002), -73.9442 + rng.normal(0, 0.0025)
        fmt = "%m/%d/%Y %I:%M:%S %p"
        row = dict.fromkeys(NYC_COLUMNS, "")
        row.update(
            {
                "Unique Key": str(60000000 + i),
                "Created Date": created.strftime(fmt),
                "Closed Date": closed.strftime(fmt) if i % 10 else "",
                "Agency": agency,
                "Complaint Type": ctype,
                "Descriptor": desc,
                "Incident Zip": "11216",
                "Incident Address": f"{100 + i} EXAMPLE AVENUE",
                "City": "BROOKLYN",
                "Status": "Closed" if i % 10 else "Open",
                "Borough": "BROOKLYN",
                "Open Data Channel Type": ("PHONE", "ONLINE", "MOBILE")[i % 3],
                "Latitude": f"{lat:.8f}",
                "Longitude": f"{lon:.8f}",
                "Location": f"({lat:.8f}, {lon:.8f})",
            }
        )
        if i == 7:
            row["Created Date"] = "not a date"
        w.writerow([row[c] for c in NYC_COLUMNS])
    return buf.getvalue()


NYC_BLOCKS = Path(__file__).resolve().parents[1] / "data" / "nyc311_blocks.csv"
NYC_MAPPING = Path(__file__).resolve().parents[1] / "data" / "nyc311_mapping.yaml"


def nyc_blocks() -> str:
    """Nine blocks (points, 600 households each) around the 311 sample's rows: a
    world for the adapter's example (its households and types are made up)."""
    lines = ["compound_id,households,housing_type,lon,lat"]
    for r in range(3):
        for c in range(3):
            lon, lat = -73.9442 + (c - 1) * 0.004, 40.6782 + (r - 1) * 0.003
            kind = ("old_estate", "rental", "commodity")[(r + c) % 3]
            lines.append(f"B{r * 3 + c + 1},600,{kind},{lon:.4f},{lat:.4f}")
    return "\n".join(lines) + "\n"


NYC_MAPPING_TEXT = """\
# NYC 311 complaint types in the model's terms, for cogov_sim/data/nyc311_sample.csv
# (with --nyc311 the columns, time format and closed status are the export's own).
categories:
  Noise - Residential: neighbour_dispute
  HEAT/HOT WATER: property_dispute
  UNSANITARY CONDITION: property_dispute
  Street Light Condition: facility_fault
  Illegal Parking: urban_matter
  Dirty Condition: urban_matter
"""


def files() -> dict[Path, str]:
    """Every file of the example, by path, as text."""
    rng = np.random.default_rng(SEED)
    feats = compounds(rng)
    rows = work_orders(rng, feats)
    geo = {
        "type": "FeatureCollection",
        "name": "example_street",
        "features": [
            {k: v for k, v in f.items() if k != "_c"}
            | {"properties": {k: v for k, v in f["properties"].items() if v is not None}}
            for f in feats
        ],
    }
    for f in geo["features"]:
        g = f["geometry"]
        g["coordinates"] = json.loads(
            json.dumps(g["coordinates"], default=float),
            parse_float=lambda s: round(float(s), 7),
        )
    return {
        FOLDER / "compounds.geojson": json.dumps(geo, ensure_ascii=False, indent=1) + "\n",
        FOLDER / "staffing.csv": _staffing(feats),
        FOLDER / "work_orders.csv": _orders_csv(rng, rows),
        FOLDER / "mapping.yaml": _mapping(),
        NYC_SAMPLE: nyc_sample(rng),
        NYC_BLOCKS: nyc_blocks(),
        NYC_MAPPING: NYC_MAPPING_TEXT,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="write the files (default: check)")
    args = ap.parse_args(argv)
    stale = []
    for path, text in files().items():
        if args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        elif not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path))
    if stale:
        print("out of date (run with --write): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
