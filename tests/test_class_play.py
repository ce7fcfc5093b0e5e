"""The participatory class without a browser: the roles' levers in the model, the rules
of play, the classes' isolation, the export's replay and the API's answers.

The browser test (tests/test_class_browser.py) plays a whole class of twelve; these
tests hold each rule on its own, on small streets and short rounds.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

import numpy as np
import pytest

from cogov_sim.core.issues import Channel, HandlerKind, IssueType
from cogov_sim.core.mechanisms.class_play import SPEC, DecisionError
from cogov_sim.core.model import CoGovModel
from cogov_sim.frontends.play import registry as reg
from cogov_sim.frontends.play.game import (
    ClassError,
    ClassGame,
    ClassSetup,
    NotYours,
    world_digest,
)
from cogov_sim.frontends.play.record import ReplayError, class_record, export_zip, replay

SEEDS = (1, 2, 3)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def small(**kw) -> ClassSetup:
    base = {"world": "classroom", "warmup_days": 10, "days_per_round": 10, "rounds": 3}
    return ClassSetup(**{**base, **kw})


def street(seed: int, decisions: dict | None = None, days: int = 60, **cfg) -> CoGovModel:
    m = CoGovModel({"seed": seed, "mechanisms": [SPEC], **cfg})
    if decisions:
        m.mechanisms.get("class_play").plan(m, 0, decisions)
    for _ in range(days):
        m.step()
    return m


# ------------------------------------------------------------------ the model side
def test_a_street_nobody_decides_for_runs_exactly_as_without_the_class():
    plain = CoGovModel({"seed": 4})
    played = CoGovModel({"seed": 4, "mechanisms": [SPEC]})
    for _ in range(45):
        plain.step()
        played.step()
    assert world_digest(plain) == world_digest(played)


def test_equal_patrol_hours_in_every_zone_draw_exactly_as_the_street_wide_setting():
    m = CoGovModel({"seed": 5, "workers": {"patrol_hours": 2.5}})
    wk = m.workers
    m.rng = np.random.default_rng(9)
    street_wide = wk.uniform_patrol(m)
    wk.patrol_hours = np.full(m.world.n_zones, 2.5)
    m.rng = np.random.default_rng(9)
    by_zone = wk.uniform_patrol(m)
    assert np.array_equal(street_wide[0], by_zone[0]) and street_wide[1] == by_zone[1]
    wk.patrol_hours[m.world.zone_community == 0] = 0.0  # one community stops patrolling
    hh, _ = wk.uniform_patrol(m)
    assert not np.isin(m.world.community[hh], [0]).any() and hh.size > 0


def _found_by_workers(m, c):
    iss = m.issues
    return int(((iss.channel == Channel.WORKER) & (iss.community == c)).sum())


def test_a_grid_team_that_patrols_more_finds_more_and_keeps_the_hours_from_handling():
    for seed in SEEDS:
        base, more = street(seed), street(seed, {"grid-1": {"patrol_hours": 3.0}})
        assert _found_by_workers(more, 1) > _found_by_workers(base, 1)
        # its zones' workers keep the extra patrol hours from handling
        z = more.world.zone_community == 1
        assert np.all(more.handlers.reserved[more.handlers.slice("worker")][z] == 3.0)
        assert np.all(more.handlers.reserved[more.handlers.slice("worker")][~z] == 2.0)


def test_a_secretarys_activities_raise_participation_in_the_community():
    for seed in SEEDS:
        base = street(seed)
        busy = street(seed, {"secretary-2": {"activities_per_month": 8}})
        homes = base.world.community == 2

        def recent(m, homes=homes):
            return (m.day - m.residents.last_part[homes] < 30).mean()

        assert recent(busy) > recent(base)


def test_a_council_takes_the_communitys_collective_matters_to_the_party_branch():
    for seed in SEEDS:
        m = street(seed, {"secretary-0": {"council": True}})
        iss = m.issues
        coll = (iss.rtype == IssueType.COLLECTIVE_MATTER) & (iss.handler_kind >= 0)
        party = iss.handler_kind == HandlerKind.PARTY_BRANCH
        assert (coll & party & (iss.community == 0)).sum() > 0
        assert (coll & party & (iss.community != 0)).sum() == 0


def test_a_firm_that_reinvests_its_margin_gets_staff_hours_a_month_later_and_quality():
    for seed in SEEDS:
        base = street(seed, days=120)
        m = street(seed, {"firm-0": {"reinvest": 1.0}}, days=120)
        f = m.mechanisms.get("class_play").roles["firm-0"].owner
        assert m.firms.hours[f] > base.firms.hours[f]
        assert m.firms.quality[f] > base.firms.quality[f]
        early = street(seed, {"firm-0": {"reinvest": 1.0}}, days=29)  # before the first bill
        assert early.firms.hours[f] == street(seed, days=29).firms.hours[f]


def test_an_ngo_that_visits_more_finds_more_service_needs():
    for seed in SEEDS:
        base, m = street(seed), street(seed, {"ngo-3": {"visits_per_month": 3.0}})
        found = lambda x: int(  # noqa: E731
            ((x.issues.channel == Channel.NGO) & (x.issues.community == 3)).sum()
        )
        assert found(m) > found(base)


def test_the_office_adds_department_hours_to_the_silo_it_chooses():
    m = street(1, {"office": {"department_hours": 24, "department_focus": 2}}, days=5)
    base = street(1, days=5)
    n_dep = m.cfg.world.n_departments
    silo = np.arange(m.departments.n) % n_dep
    extra = m.departments.hours - base.departments.hours
    assert extra[silo == 2].sum() == pytest.approx(24.0)
    assert np.all(extra[silo != 2] == 0)


@pytest.mark.parametrize(
    "role, values, message",
    [
        ("grid-9", {"push_up": 0.5}, "no role 'grid-9' in this street"),
        (
            "grid-0",
            {"speed": 1},
            "grid-0: no lever 'speed' for this role (its levers: patrol_hours, push_up)",
        ),
        (
            "grid-0",
            {"patrol_hours": 4},
            "grid-0: patrol_hours = 4 is outside its range [0, 3] (hours a day per zone)",
        ),
        ("grid-0", {"patrol_hours": "lots"}, "grid-0: patrol_hours must be a number, not 'lots'"),
        (
            "secretary-0",
            {"council": "yes"},
            "secretary-0: council must be on or off (true/false), not 'yes'",
        ),
        (
            "office",
            {"department_focus": 1.5},
            "office: department_focus must be a whole number, not 1.5",
        ),
        (
            "office",
            {"department_hours": 48},
            "office: the plan costs 115,200 yuan a month, over the budget of 60,000",
        ),
    ],
)
def test_a_bad_decision_is_refused_with_a_message_naming_it(role, values, message):
    m = CoGovModel({"seed": 1, "mechanisms": [SPEC]})
    with pytest.raises(DecisionError) as err:
        m.mechanisms.get("class_play").plan(m, 0, {role: values})
    assert str(err.value) == message


# --------------------------------------------------------------- rules of play
def test_players_get_roles_in_order_then_watch_and_a_watcher_takes_a_freed_role():
    g = ClassGame(small(kinds=("office", "grid")), "AAAAAA")
    assert [r.id for r in g.roles] == ["office", "grid-0", "grid-1"]
    ps = [g.join(f"P{i}") for i in range(4)]
    assert [p.role for p in ps] == ["office", "grid-0", "grid-1", None]
    with pytest.raises(ClassError, match="role 'grid-0' is taken"):
        g.take_role(ps[3].token, "grid-0")
    g.control("release", role="grid-1")  # the teacher frees a role whose player left
    assert ps[2].role is None and g.free_roles() == ["grid-1"]
    assert g.take_role(ps[3].token, "grid-1").role == "grid-1"
    with pytest.raises(ClassError, match="no player holds role 'grid-1x'"):
        g.control("release", role="grid-1x")


@pytest.mark.parametrize("name", ["", " ", "x" * 25, "<script>"])
def test_a_bad_display_name_is_refused_with_the_rule(name):
    g = ClassGame(small(), "AAAAAB")
    with pytest.raises(ClassError, match="enter a display name of 1 to 24"):
        g.join(name)


def test_a_page_cannot_decide_for_another_role():
    g = ClassGame(small(), "AAAAAC")
    a, b = g.join("A"), g.join("B")
    with pytest.raises(NotYours) as err:
        g.decide(a.token, b.role, {"patrol_hours": 0})
    assert str(err.value) == "this page plays office; it cannot decide for 'grid-0'"
    with pytest.raises(NotYours, match="not .or no longer. a player of this class"):
        g.decide("forged-token", "grid-0", {"patrol_hours": 0})
    assert "grid-0" not in g.pending


def test_the_round_advances_when_every_connected_player_is_ready_and_a_gone_one_keeps_the_role():
    clock = Clock()
    g = ClassGame(small(), "AAAAAD", clock=clock)
    a, b, c = g.join("A"), g.join("B"), g.join("C")
    g.control("start")
    g.decide(b.token, "grid-0", {"patrol_hours": 3.0})
    assert not g.set_ready(a.token)
    assert not g.set_ready(b.token)  # C is still connected and not ready
    clock.t += 11  # C's page went away; A and B keep polling
    g.player(a.token), g.player(b.token)
    assert g.tick() and len(g.rounds) == 1 and g.rounds[0].how == "ready"
    assert g.rounds[0].decisions == {"grid-0": {"patrol_hours": 3.0}}
    assert g.student_view(c.token)["role"]["id"] == c.role  # C comes back to the same role
    # a decision not renewed stays in force
    assert g.play.current["grid-0"]["patrol_hours"] == 3.0


def test_the_timer_pause_extend_and_skip_end_rounds_as_the_teacher_says():
    clock = Clock()
    g = ClassGame(small(round_seconds=60), "AAAAAE", clock=clock)
    g.join("A")
    g.control("start")
    clock.t += 30
    g.control("pause")
    clock.t += 1000
    assert not g.tick() and g.seconds_left() == pytest.approx(30)
    g.control("resume")
    g.control("extend", 45)
    clock.t += 74
    assert not g.tick()
    clock.t += 2
    assert g.tick() and g.rounds[-1].how == "timer"
    g.control("skip")
    assert g.rounds[-1].how == "skipped" and len(g.rounds) == 2
    with pytest.raises(ClassError, match="cannot resume: the class is deciding"):
        g.control("resume")
    with pytest.raises(ClassError, match="unknown action 'jump'"):
        g.control("jump")


def test_rewind_rebuilds_the_round_before_and_replaying_it_gives_the_same_street():
    g = ClassGame(small(), "AAAAAF")
    a = g.join("A")
    g.control("start")
    g.decide(a.token, "office", {"ngo_hours": 4.0})
    g.set_ready(a.token)
    g.decide(a.token, "office", {"ngo_hours": 8.0})
    g.set_ready(a.token)
    second = g.rounds[-1].digest
    g.control("rewind")
    assert len(g.rounds) == 1 and g.state == "paused"
    assert g.pending == {"office": {"ngo_hours": 8.0}}  # the undone round's decisions
    assert g.play.current["office"]["ngo_hours"] == 4.0
    g.control("resume")
    g.set_ready(a.token)
    assert g.rounds[-1].digest == second


def test_three_classes_on_one_server_neither_see_nor_affect_each_other():
    import threading

    classes = reg.Classes(tick_seconds=0.05)  # the timer thread runs throughout
    games = [classes.create(small(seed=7)) for _ in range(3)]
    assert len({g.code for g in games}) == 3
    players = [g.join("Same name") for g in games]
    with pytest.raises(NotYours):
        games[1].decide(players[0].token, "office", {"ngo_hours": 2.0})
    with pytest.raises(NotYours):
        classes.teacher(games[1].code, games[0].teacher_key)
    for g in games:
        g.control("start")
    games[0].decide(players[0].token, "office", {"ngo_hours": 16.0})
    # the three rounds run at once, each from its own request thread
    threads = [
        threading.Thread(target=g.set_ready, args=(p.token,))
        for g, p in zip(games, players, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    classes.stop()
    assert [len(g.rounds) for g in games] == [1, 1, 1]
    alone = ClassGame(small(seed=7), "ALONE1")
    q = alone.join("Same name")
    alone.control("start")
    alone.set_ready(q.token)
    assert games[1].rounds[0].digest == games[2].rounds[0].digest == alone.rounds[0].digest
    assert games[0].rounds[0].digest != games[1].rounds[0].digest
    with pytest.raises(ClassError) as err:
        classes.get("zzzzzz")
    assert str(err.value) == "no class with code 'ZZZZZZ' on this server"
    assert classes.get(games[2].code.lower()) is games[2]  # codes are typed in any case


def test_a_server_holds_at_most_its_classes_and_a_closed_one_frees_its_place():
    classes = reg.Classes(max_classes=1, tick_seconds=3600)
    first = classes.create(small())
    with pytest.raises(ClassError) as err:
        classes.create(small())
    assert str(err.value) == "this server already holds 1 classes; close one first"
    with pytest.raises(NotYours):
        classes.close(first.code, "not the key")
    classes.close(first.code, first.teacher_key)
    classes.create(small())


def test_a_round_that_fails_is_undone_and_the_class_paused(monkeypatch):
    g = ClassGame(small(), "AAAAAH")
    a = g.join("A")
    g.control("start")
    g.set_ready(a.token)
    before = world_digest(g.model)
    real = g._play_round

    failed = []

    def broken(rec):  # fails once, part-way through the round; the rebuild's replay works
        if failed:
            return real(rec)
        failed.append(rec.number)
        for _ in range(3):
            g.model.step()
        raise RuntimeError("disk full")

    monkeypatch.setattr(g, "_play_round", broken)
    g.decide(a.token, "office", {"ngo_hours": 2.0})
    with pytest.raises(ClassError, match="round 2 failed and was undone: RuntimeError"):
        g.set_ready(a.token)
    assert g.state == "paused" and len(g.rounds) == 1 and world_digest(g.model) == before
    assert g.pending == {"office": {"ngo_hours": 2.0}}  # kept for the next try
    monkeypatch.setattr(g, "_play_round", real)
    g.control("resume")
    g.set_ready(a.token)
    assert len(g.rounds) == 2 and g.error == ""


def test_a_page_polling_while_a_round_runs_is_told_so_at_once():
    import threading
    import time

    g = ClassGame(small(), "AAAAAI")
    a = g.join("A")
    held, release = threading.Event(), threading.Event()

    def hold():
        with g.lock:
            held.set()
            release.wait(5)

    threading.Thread(target=hold).start()
    held.wait(5)
    t0 = time.perf_counter()
    view = g.student_view(a.token)
    assert view["busy"] and view["state"] == "busy" and time.perf_counter() - t0 < 1.0
    assert g.console_view()["busy"]
    with pytest.raises(NotYours):
        g.student_view("stranger")
    assert not g.tick()  # the timer skips a busy class instead of waiting
    release.set()


def test_a_lever_the_streets_own_mechanism_set_outside_its_range_stays_settable():
    m = CoGovModel({"seed": 1, "mechanisms": ["professional_workers", SPEC]})
    play = m.mechanisms.get("class_play")
    start = play.defaults["grid-0"]["patrol_hours"]
    assert start > 3.0  # professional workers patrol longer than the usual range
    (lever,) = [lv for lv in play.role_levers["grid-0"] if lv.name == "patrol_hours"]
    assert lever.hi == start and lever.lo == 0.0
    assert play.clean(m, "grid-0", {"patrol_hours": start}) == {"patrol_hours": start}


@pytest.mark.parametrize(
    "setup, message",
    [
        ({"rounds": 0}, "rounds must be a whole number in [1, 24], not 0"),
        ({"world": "moon"}, "world 'moon' is not one of "),
        ({"kinds": ["mayor"]}, "roles on offer must be among office, grid, secretary, firm, ngo"),
        ({"mechanisms": ["magic"]}, "no mechanism 'magic'"),
        ({"colour": "red"}, "no setting 'colour'"),
    ],
)
def test_a_bad_class_setup_is_refused_with_the_field_named(setup, message):
    with pytest.raises(ClassError) as err:
        ClassSetup.from_dict(setup)
    assert str(err.value).startswith(message)


# ------------------------------------------------------------- export and replay
def _played_class() -> ClassGame:
    g = ClassGame(small(rounds=2, mechanisms=("integrated_grid",)), "AAAAAG")
    a, b = g.join("A"), g.join("B")
    g.control("start")
    g.decide(a.token, "office", {"department_hours": 8.0})
    g.decide(b.token, "grid-0", {"patrol_hours": 0.5, "push_up": 0.9})
    g.set_ready(a.token), g.set_ready(b.token)
    g.decide(b.token, "grid-0", {"patrol_hours": 3.0})
    g.control("skip")
    return g


def test_the_export_replays_the_class_bit_for_bit_and_a_changed_file_is_caught():
    g = _played_class()
    data = export_zip(g)
    z = zipfile.ZipFile(io.BytesIO(data))
    rows = z.read("decisions.csv").decode().splitlines()
    assert rows[0] == "round,day,role,kind,lever,value,before,changed,player"
    assert "2,20,grid-0,grid,patrol_hours,3.0,0.5,True,B" in rows
    again = replay(data)
    assert [r.digest for r in again.rounds] == [r.digest for r in g.rounds]
    assert world_digest(again.model) == world_digest(g.model)

    record = json.loads(z.read("class.json"))
    record["rounds"][1]["decisions"]["grid-0"]["patrol_hours"] = 2.75
    with pytest.raises(ReplayError, match="round 2 differs from the file"):
        replay(record)
    with pytest.raises(ReplayError, match="not a class export"):
        replay(b"PK not a zip")


def test_a_research_copy_has_no_names():
    g = _played_class()
    record = class_record(g, anonymous=True)
    assert record["players"] == []
    assert all(set(r["by"].values()) == {""} for r in record["rounds"])


def test_a_class_that_agreed_is_kept_for_research_when_its_last_round_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("COGOV_SIM_CLASS_DIR", str(tmp_path))
    classes = reg.Classes(tick_seconds=3600)
    kept, not_kept = (classes.create(small(rounds=1, research=r)) for r in (True, False))
    for g in (kept, not_kept):
        p = g.join("Named Student")
        g.control("start")
        g.set_ready(p.token)  # the last round ends by the players' ready
        assert g.state == "finished"
    kept.ending.join(60)
    (path,) = tmp_path.glob("class-*.zip")
    assert kept.code in path.name
    data = zipfile.ZipFile(path).read("class.json").decode()
    assert "Named Student" not in data and replay(path).rounds[0].digest == kept.rounds[0].digest


# -------------------------------------------------------------------- the API
def _call(app, method: str, path: str, body=None, kind=b"application/json", headers=()):
    """One request through the ASGI app: (status, JSON)."""
    path, _, query = path.partition("?")
    raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(),
             "headers": [(b"content-type", kind), *headers], "http_version": "1.1",
             "scheme": "http", "server": ("127.0.0.1", 8765), "root_path": ""}  # fmt: skip
    out = {}
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(msg):
        if msg["type"] == "http.response.start":
            out["status"] = msg["status"]
        elif msg["type"] == "http.response.body":
            out["body"] = out.get("body", b"") + msg.get("body", b"")

    # on a thread of its own: a test worker may already run an event loop (Playwright's)
    import threading

    done = threading.Thread(target=asyncio.run, args=(app(scope, receive, send),))
    done.start()
    done.join(60)
    return out["status"], json.loads(out["body"])


def test_the_api_refuses_bad_json_forged_roles_and_wrong_keys_with_clear_messages():
    from starlette.applications import Starlette

    from cogov_sim.frontends.play.web import routes

    classes = reg.Classes(tick_seconds=3600)
    app = Starlette(routes=routes(classes))
    status, made = _call(
        app, "POST", "/api/class", {**small().__dict__, "kinds": ["office", "grid"]}
    )
    assert status == 200
    code = made["code"]
    status, a = _call(app, "POST", f"/api/class/{code}/join", {"name": "Ann"})
    assert status == 200 and a["role"] == "office"
    status, err = _call(app, "POST", f"/api/class/{code}/decide", b"{not json")
    assert (status, err) == (400, {"error": "the request is not JSON"})
    status, err = _call(app, "POST", f"/api/class/{code}/decide", b"x", kind=b"text/plain")
    assert (status, err) == (400, {"error": "send the request as application/json"})
    status, err = _call(
        app, "POST", f"/api/class/{code}/decide",
        {"token": a["token"], "role": "office", "values": {"ngo_hours": 10**400}},
    )  # fmt: skip
    assert status == 400 and "ngo_hours must be a number" in err["error"]
    status, err = _call(
        app, "POST", f"/api/class/{code}/ready", {"token": a["token"], "ready": "false"}
    )
    assert (status, err["error"]) == (400, "ready must be true or false, not 'false'")
    status, err = _call(app, "GET", f"/api/class/{code}/console?key=%E9%94%AE")
    assert (status, err["error"]) == (403, "only this class's teacher page can do that")
    status, err = _call(
        app, "POST", f"/api/class/{code}/decide",
        {"token": a["token"], "role": "grid-0", "values": {"patrol_hours": 1}},
    )  # fmt: skip
    assert (status, err["error"]) == (403, "this page plays office; it cannot decide for 'grid-0'")
    status, err = _call(app, "GET", f"/api/class/{code}/console?key=wrong")
    assert (status, err["error"]) == (403, "only this class's teacher page can do that")
    status, err = _call(app, "POST", "/api/class", {"rounds": 99})
    assert (status, err["error"]) == (400, "rounds must be a whole number in [1, 24], not 99")
    status, view = _call(
        app, "GET", f"/api/class/{code}/console", headers=[(b"x-class-key", made["key"].encode())]
    )
    assert status == 200 and view["players"][0]["name"] == "Ann"
    assert view["join_address"].endswith(f"/join?code={code}")


# ------------------------------------------------------------- words and docs
def test_every_lever_and_figure_has_words_in_both_languages():
    from cogov_sim.core.mechanisms.class_play import LEVERS
    from cogov_sim.frontends.play import figures, labels

    levers = {lv.name for kind in LEVERS.values() for lv in kind}
    shown = set(figures.STREET) | {k for kind in figures.ROLE.values() for k in kind}
    for key in levers:
        en, zh = labels.LEVERS[key]
        assert en and zh and en != zh, key
    for key in shown:
        en, zh = labels.FIGURES[key]
        assert en and zh and en != zh, key
    assert set(labels.bundle("zh")["ui"]) == set(labels.UI)


def test_the_class_guide_and_the_odd_list_every_lever_with_its_range():
    from pathlib import Path

    from cogov_sim.core.mechanisms.class_play import LEVERS

    root = Path(__file__).resolve().parent.parent
    guide = (root / "docs" / "class.md").read_text(encoding="utf-8")
    odd = (root / "docs" / "ODD.md").read_text(encoding="utf-8")
    for kind in LEVERS.values():
        for lv in kind:
            assert f"`{lv.name}`" in guide and f"`{lv.name}`" in odd, lv.name
            if lv.kind == "number":
                span = f"{lv.lo:g}–{lv.hi:g}"
                assert span in guide, (lv.name, span)
