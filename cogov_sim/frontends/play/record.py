"""The class's debrief: its export, a replay from the file, and the debrief page.

The export (a zip) holds

- ``class.json``: the setup, the street's config, the roles, and every round
  played (its decisions, who made them, how it ended, its figures for the class and
  the baseline, and a digest of the class's street at its end);
- ``decisions.csv``: every decision by round and role (lever, value, the value in
  force before);
- ``figures.csv``: every figure by round, class against baseline;
- ``events.parquet``: the class street's event log (docs/outputs.md);
- ``debrief.html`` and ``debrief.png``: the debrief page and its figure.

:func:`replay` rebuilds the class's street from ``class.json`` alone (setup, seed,
decisions) and checks every round's digest: the same file gives the same street,
bit for bit. ``cogov-sim-class replay FILE`` does it from the command line.

A class that agreed to it (``research``) is also kept, anonymised (no display
names), in the research folder (``COGOV_SIM_CLASS_DIR``, default
``./cogov-classes``) when it finishes.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path

from omegaconf import OmegaConf

from cogov_sim._version import __version__
from cogov_sim.frontends.play import figures as fig
from cogov_sim.frontends.play.game import ClassGame, ClassSetup, RoundRecord
from cogov_sim.frontends.play.labels import figure_name, lever_name, role_name, t

FORMAT = "cogov-sim class 1"
RESEARCH_DIR_ENV = "COGOV_SIM_CLASS_DIR"


class ReplayError(ValueError):
    """A class file that is not one, or whose replay differs from what it recorded."""


def class_record(game: ClassGame, anonymous: bool = False) -> dict:
    """The class as ``class.json`` holds it."""
    with game.lock:
        rounds = []
        for r in game.rounds:
            d = asdict(r)
            d["figures"], d["baseline"] = _no_nan(d["figures"]), _no_nan(d["baseline"])
            if anonymous:
                d["by"] = {k: "" for k in d["by"]}
            rounds.append(d)
        return {
            "format": FORMAT,
            "cogov_sim": __version__,
            "code": game.code,
            "setup": asdict(game.setup),
            "config": OmegaConf.to_container(game.model.config),
            "roles": [asdict(r) for r in game.roles],
            "defaults": {r.id: game.play.defaults[r.id] for r in game.roles},
            "players": []
            if anonymous
            else [{"name": p.name, "role": p.role} for p in game.players.values()],
            "rounds": rounds,
        }


def decision_rows(record: dict) -> list[dict]:
    """Every decision by round and role, with the value in force before it and whether
    it changed it (a page sends all its role's levers at once)."""
    rows = []
    before = {(role, k): v for role, d in record.get("defaults", {}).items() for k, v in d.items()}
    for r in record["rounds"]:
        for role, values in r["decisions"].items():
            for lever, value in values.items():
                prev = before.get((role, lever))
                rows.append(
                    {
                        "round": r["number"],
                        "day": r["day"],
                        "role": role,
                        "kind": role.partition("-")[0],
                        "lever": lever,
                        "value": value,
                        "before": "" if prev is None else prev,
                        "changed": prev != value,
                        "player": r["by"].get(role, ""),
                    }
                )
                before[(role, lever)] = value
    return rows


def figure_rows(record: dict) -> list[dict]:
    rows = []
    for r in record["rounds"]:
        for who, figs in r["figures"].items():
            kind = "street" if who == "street" else who.partition("-")[0]
            better = fig.STREET if kind == "street" else fig.ROLE[kind]
            for key, v in figs.items():
                b = r["baseline"][who][key]
                rows.append(
                    {
                        "round": r["number"],
                        "who": who,
                        "figure": key,
                        "class": v,
                        "baseline": b,
                        "gain": fig.gain(better, key, v, b),
                    }
                )
    return rows


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        w = csv.DictWriter(out, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out.getvalue()


def export_zip(game: ClassGame, lang: str = "en", anonymous: bool = False) -> bytes:
    """The class's export (see the module docstring), as zip bytes."""
    from cogov_sim.frontends.play.pictures import debrief_png
    from cogov_sim.results.events import write_events

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        with game.lock:  # the record and the event log of one state of the class
            record = class_record(game, anonymous=anonymous)
            write_events(game.model, path)
        events = path.read_bytes()
    png = debrief_png(record, lang)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("class.json", json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False))
        z.writestr("decisions.csv", _csv(decision_rows(record)))
        z.writestr("figures.csv", _csv(figure_rows(record)))
        z.writestr("events.parquet", events)
        z.writestr("debrief.png", png)
        z.writestr("debrief.html", debrief_html(record, lang, image="debrief.png"))
    return buf.getvalue()


def keep_for_research(game: ClassGame) -> Path | None:
    """Save a finished class that agreed to it, anonymised; the file written."""
    if not game.setup.research or game.state != "finished":
        return None
    folder = Path(os.environ.get(RESEARCH_DIR_ENV, "cogov-classes"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"class-{game.code}-{int(game.created)}.zip"
    path.write_bytes(export_zip(game, anonymous=True))
    return path


def read_record(source) -> dict:
    """``class.json`` of an export (a path, zip bytes, or the JSON itself)."""
    try:
        if isinstance(source, dict):
            record = source
        else:
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            if data[:2] == b"PK":
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    data = z.read("class.json")
            record = json.loads(data)
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ReplayError(f"not a class export (a zip with class.json): {exc}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ReplayError(f"not a class export of format {FORMAT!r}")
    return record


def replay(source, check: bool = True) -> ClassGame:
    """The class's street rebuilt from its export; with ``check``, every round's digest
    and figures must equal the file's (ReplayError naming the first round that differs)."""
    record = read_record(source)
    made_by = (
        f"the file was made by cogov-sim {record.get('cogov_sim', '?')}, this is {__version__}"
    )
    setup = ClassSetup.from_dict({**record["setup"]})
    game = ClassGame(setup, str(record.get("code", "REPLAY")))
    if check and "config" in record:
        built = json.loads(json.dumps(OmegaConf.to_container(game.model.config)))
        if built != record["config"]:
            raise ReplayError(f"the file's street config differs from its setup's ({made_by})")
    for saved in record["rounds"]:
        rec = RoundRecord(
            number=saved["number"],
            day=saved["day"],
            decisions=saved["decisions"],
            by=saved.get("by", {}),
            ready=saved.get("ready", []),
            how=saved.get("how", ""),
        )
        game._play_round(rec)
        game.rounds.append(rec)
        if check and (rec.digest != saved["digest"] or rec.day != saved["day"]):
            raise ReplayError(
                f"round {rec.number} differs from the file (digest {rec.digest[:12]} against "
                f"{saved['digest'][:12]}): a changed file or model ({made_by})"
            )
        if check and json.dumps(_no_nan(rec.figures)) != json.dumps(saved["figures"]):
            raise ReplayError(
                f"round {rec.number}'s figures differ from the file: a changed file or "
                f"model ({made_by})"
            )
    game.state = "finished" if len(game.rounds) >= setup.rounds else "paused"
    return game


def _no_nan(x):
    """``x`` with every NaN as None (JSON's null: a NaN is not JSON)."""
    if isinstance(x, dict):
        return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, float) and x != x:
        return None
    return x


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if not isinstance(v, (int, float)):
        return "–" if v is None else html.escape(str(v))
    if v != v:
        return "–"
    if abs(v) >= 1000 or (float(v).is_integer() and abs(v) >= 10):
        return f"{v:,.0f}"
    return f"{v:.3g}"


def _show(key: str, v) -> str:
    """A figure as the pages show it: shares in per cent."""
    from cogov_sim.frontends.play.labels import SHARES

    if key in SHARES and isinstance(v, (int, float)) and v == v:
        return f"{100 * v:.1f}%"
    return _fmt(v)


def debrief_html(record: dict, lang: str = "en", image: str | None = None) -> str:
    """The debrief page: the street against its baseline, and each decision that changed
    something, with the deciding role's own figure in the round it took effect."""
    e = html.escape
    rows = []
    before = {(role, k): v for role, d in record.get("defaults", {}).items() for k, v in d.items()}
    for r in record["rounds"]:
        s_c, s_b = r["figures"]["street"]["satisfaction"], r["baseline"]["street"]["satisfaction"]
        street_gain = None if s_c is None or s_b is None else 100.0 * (s_c - s_b)
        shown = 0
        for role, values in r["decisions"].items():
            kind = role.partition("-")[0]
            key = fig.HEADLINE[kind]
            v, b = r["figures"][role][key], r["baseline"][role][key]
            moved = {k: x for k, x in values.items() if before.get((role, k)) != x}
            change = "; ".join(
                f"{e(lever_name(k, lang))}: {_lever(k, before.get((role, k)))} → {_lever(k, x)}"
                for k, x in moved.items()
            )
            for k, x in values.items():
                before[(role, k)] = x
            if not moved:
                continue
            shown += 1
            rows.append(
                f"<tr><td>{int(r['number'])}</td><td>{e(role_name(role, lang))}</td>"
                f"<td>{e(r['by'].get(role, ''))}</td><td>{change}</td>"
                f"<td>{e(figure_name(key, lang))}: {_show(key, v)} / {_show(key, b)} "
                f"({_pct(fig.gain(fig.ROLE[kind], key, v, b))})</td>"
                f"<td>{_points(street_gain)}</td></tr>"
            )
        if not shown:
            rows.append(
                f"<tr><td>{int(r['number'])}</td><td colspan=4>{e(t('no_decisions', lang))}</td>"
                f"<td>{_points(street_gain)}</td></tr>"
            )
    totals = []
    for key in fig.STREET:
        cls = [r["figures"]["street"][key] for r in record["rounds"]]
        base = [r["baseline"]["street"][key] for r in record["rounds"]]
        cells = "".join(
            f"<td>{_show(key, c)} / {_show(key, b)}</td>" for c, b in zip(cls, base, strict=True)
        )
        totals.append(f"<tr><th scope=row>{e(figure_name(key, lang))}</th>{cells}</tr>")
    heads = "".join(f"<th>{e(t('round', lang))} {int(r['number'])}</th>" for r in record["rounds"])
    img = f'<p><img src="{e(image)}" alt="{e(t("outcomes", lang))}" width=900></p>' if image else ""
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t("debrief", lang))} {e(record.get("code", ""))}</title>
<style>{_CSS}</style></head><body>
<h1>{e(t("debrief", lang))} · {e(record.get("code", ""))}</h1>
<p>{e(t("debrief_intro", lang))}</p>
<h2>{e(t("outcomes", lang))}</h2>{img}
<table><tr><th>{e(t("figure", lang))} ({e(t("class", lang))} / {e(t("baseline", lang))})</th>
{heads}</tr>
{"".join(totals)}</table>
<h2>{e(t("change", lang))}</h2>
<table class="decisions"><tr><th>{e(t("round", lang))}</th><th>{e(t("role", lang))}</th>
<th>{e(t("player", lang))}</th><th>{e(t("change", lang))}</th><th>{e(t("headline", lang))}</th>
<th>{e(t("street_sat", lang))}</th></tr>
{"".join(rows)}</table></body></html>"""


_CSS = (
    'body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1em;max-width:1100px}'
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}"
    "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}img{max-width:100%}"
)


def _lever(key: str, v) -> str:
    """A lever's value as the pages show it (a silo counted from 1, shares in %)."""
    if key == "department_focus" and isinstance(v, int):
        return str(v + 1)
    if key in ("reinvest", "volunteer_share") and isinstance(v, (int, float)):
        return f"{100 * v:.0f}%"
    return _fmt(v)


def _points(d) -> str:
    return "–" if d is None or d != d else f"{d:+.2f}"


def _pct(g) -> str:
    if g is None or g != g:
        return "–"
    return f"{g:+.1%}"
