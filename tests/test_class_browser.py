"""A class in real browsers: a teacher and twelve students (Chromium contexts, one a
phone) play six rounds of the street through the pages ``cogov-sim-viz`` serves.

The teacher opens the class from ``/class`` and starts it; each student joins at
``/join`` with the code, moves their role's levers, sends the decision and presses
ready; the round advances when the last one is ready. Along the way: a student who
loses the connection and one who closes the page come back to their role; a page
that sends a decision for another role is refused; and at the end the teacher's
export rebuilds the class's street bit for bit. Screenshots (both languages) go to
``build/screenshots/class_*.png``.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from conftest import ROOT, require_chromium
from viz_server import viz_app

from cogov_sim.frontends.play.record import replay

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = ROOT / "build" / "screenshots"
TIMEOUT = 60_000
ROUNDS = 6
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

#: a new value of each lever, round by round (the student moves it every round)
MOVES = {
    "office": lambda r: {"department_hours": 4.0 * (r % 3 + 1), "department_focus": r % 3},
    "grid": lambda r: {
        "patrol_hours": [3.0, 0.5, 2.5, 1.0, 3.0, 0.75][r],
        "push_up": 0.1 + 0.15 * r,
    },
    "secretary": lambda r: {"visits_per_year": 0.5 + 0.5 * r, "activities_per_month": 2 + r},
    "firm": lambda r: {
        "reinvest": [1.0, 0.5, 0.8, 0.2, 1.0, 0.6][r],
        "repair_delay_hours": 4 + 6 * r,
    },
    "ngo": lambda r: {
        "visits_per_month": [2.5, 0.25, 2.0, 1.0, 3.0, 0.5][r],
        "volunteer_share": 0.05 * (r + 1),
    },
}


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    require_chromium()
    with viz_app(tmp_path_factory.mktemp("class") / "server.log") as app:
        yield app.url.rstrip("/")


def _set_lever(page, name: str, value) -> None:
    """Move a lever as a hand would: the range input's value and its input event."""
    page.locator(f"[data-lever={name}]").evaluate(
        """(el, v) => {
             if (el.type === 'checkbox') el.checked = Boolean(v); else el.value = String(v);
             el.dispatchEvent(new Event('input', {bubbles: true}));
             el.dispatchEvent(new Event('change', {bubbles: true}));
           }""",
        value,
    )


def _shot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _watch_errors(page, errors: list) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


def _played(teacher) -> int:
    return int(teacher.evaluate("() => VIEW ? VIEW.played : -1"))


def test_a_class_of_twelve_plays_six_rounds_and_its_export_replays_bit_for_bit(
    browser, class_server
):
    url = class_server
    errors: list[str] = []
    t_ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    teacher = t_ctx.new_page()
    _watch_errors(teacher, errors)
    teacher.goto(f"{url}/class?lang=en")
    teacher.locator("#rounds").fill(str(ROUNDS))
    teacher.locator("#communities").fill("3")  # 13 roles: the office and 3 communities' four
    teacher.locator("#round_seconds").fill("900")
    teacher.locator("#open-button").click()
    teacher.locator("#code").filter(has_text="").wait_for(timeout=TIMEOUT)
    teacher.wait_for_function("() => VIEW && VIEW.code", timeout=TIMEOUT)
    code = teacher.evaluate("() => VIEW.code")
    assert len(code) == 6
    assert "key=" not in teacher.url  # the projector never shows the teacher's key

    students = []
    for i in range(12):
        ctx = browser.new_context(
            **(PHONE if i == 7 else {"viewport": {"width": 1024, "height": 768}})
        )
        page = ctx.new_page()
        _watch_errors(page, errors)
        page.goto(f"{url}/join?code={code}&lang={'zh' if i % 2 else 'en'}")
        page.locator("#name").fill(f"Student {i + 1}")
        page.locator("#join-button").click()
        page.wait_for_function("() => VIEW && VIEW.role", timeout=TIMEOUT)
        role = page.evaluate("() => VIEW.role.id")
        students.append({"ctx": ctx, "page": page, "role": role})
    roles = [s["role"] for s in students]
    assert len(set(roles)) == 12, roles  # each a role of their own
    assert roles[0] == "office" and {r.split("-")[0] for r in roles} == {
        "office",
        "grid",
        "secretary",
        "firm",
        "ngo",
    }
    teacher.wait_for_function("() => VIEW && VIEW.players.length === 12", timeout=TIMEOUT)
    _shot(teacher, "class_console_lobby_en")

    teacher.locator("#start").click()
    teacher.wait_for_function("() => VIEW && VIEW.state === 'deciding'", timeout=TIMEOUT)

    # Late joiners: the first takes the free role, the next watches; both then leave
    # (a page gone does not hold up the round, and its player keeps the role).
    late = []
    for name, role in (("Late", "ngo-2"), ("Later", None)):
        page = browser.new_context().new_page()
        page.goto(f"{url}/join?code={code}")
        page.locator("#name").fill(name)
        page.locator("#join-button").click()
        page.wait_for_function("() => VIEW && VIEW.me", timeout=TIMEOUT)
        assert page.evaluate("() => VIEW.me.role") == role
        late.append(page)
    assert late[1].locator("#watch-card").is_visible()
    _shot(late[1], "class_student_watching_en")
    for page in late:
        page.context.close()

    # A forged request: the office's page asks to decide for grid-0 with its own token.
    office = students[0]["page"]
    office.wait_for_function("() => VIEW && VIEW.state === 'deciding'", timeout=TIMEOUT)
    forged = office.evaluate(
        """async () => {
             const r = await fetch('/api/class/' + CODE + '/decide', {method: 'POST',
               headers: {'Content-Type': 'application/json'},
               body: JSON.stringify({token: TOKEN, role: 'grid-0', values: {patrol_hours: 0}})});
             return [r.status, (await r.json()).error];
           }"""
    )
    assert forged[0] == 403 and "cannot decide for 'grid-0'" in forged[1]

    for rnd in range(ROUNDS):
        for k, s in enumerate(students):
            page = s["page"]
            if rnd == 2 and k == 3:  # the connection drops and comes back
                s["ctx"].set_offline(True)
                page.wait_for_selector("#error[data-lost]", timeout=TIMEOUT)
                s["ctx"].set_offline(False)
            if rnd == 3 and k == 5:  # the page is closed and opened again
                page.close()
                page = s["ctx"].new_page()
                _watch_errors(page, errors)
                page.goto(f"{url}/join")
                s["page"] = page
            page.wait_for_function(
                f"() => VIEW && VIEW.role && VIEW.played === {rnd} && VIEW.state === 'deciding'",
                timeout=TIMEOUT,
            )
            assert page.evaluate("() => VIEW.role.id") == s["role"]  # the role is kept
            for name, value in MOVES[s["role"].split("-")[0]](rnd).items():
                _set_lever(page, name, value)
            page.locator("#send").click()
            page.wait_for_selector("#sent:not(:empty)", timeout=TIMEOUT)
            if rnd == 0 and k == 1:  # a value out of range: a clear message, the round goes on
                bad = page.evaluate(
                    """async () => {
                         const r = await fetch('/api/class/' + CODE + '/decide', {method: 'POST',
                           headers: {'Content-Type': 'application/json'},
                           body: JSON.stringify({token: TOKEN, role: VIEW.role.id,
                                                 values: {patrol_hours: 99}})});
                         return [r.status, (await r.json()).error];
                       }"""
                )
                assert bad[0] == 400 and "outside its range [0, 3]" in bad[1]
        teacher.wait_for_function(
            "() => VIEW && VIEW.players.filter(p => p.decided).length === 12", timeout=TIMEOUT
        )
        if rnd == 1:
            _shot(teacher, "class_console_deciding_en")
            _shot(students[7]["page"], "class_student_phone_en")
            _shot(students[1]["page"], "class_student_zh")
            _shot(students[2]["page"], "class_student_en")
        for s in students:
            s["page"].locator("#ready").click()
        teacher.wait_for_function(f"() => VIEW && VIEW.played === {rnd + 1}", timeout=TIMEOUT)
        took = teacher.evaluate("() => VIEW.advance_seconds")
        assert took < 2.0, f"round {rnd + 1} took {took:.2f} s to advance"

    teacher.wait_for_function("() => VIEW && VIEW.state === 'finished'", timeout=TIMEOUT)
    teacher.wait_for_timeout(1500)  # the last figures load
    _shot(teacher, "class_console_finished_en")
    teacher.locator("#lang").click()
    teacher.wait_for_function("() => document.documentElement.lang === 'zh'", timeout=TIMEOUT)
    teacher.wait_for_timeout(1500)
    _shot(teacher, "class_console_finished_zh")

    with teacher.expect_download() as dl:
        teacher.locator("#export").click()
    data = dl.value.path().read_bytes()
    record = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("class.json"))
    assert len(record["rounds"]) == ROUNDS
    assert all(len(r["decisions"]) == 12 for r in record["rounds"])
    assert all(r["how"] == "ready" for r in record["rounds"])
    decided: dict[str, dict] = {}
    for r in record["rounds"]:
        for role, values in r["decisions"].items():
            decided.setdefault(role, {}).update(values)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"class.json", "decisions.csv", "figures.csv", "events.parquet", "debrief.html"} <= set(
        names
    )
    game = replay(data)  # raises unless every round's digest is the file's
    assert [r.digest for r in game.rounds] == [r["digest"] for r in record["rounds"]]
    # every role's last decisions are what its part of the street runs on, read back
    # from the model's own arrays (the baseline's are the street's starting values)
    play, model, base = game.play, game.model, game.baseline
    for role in roles:
        r = play.roles[role]
        if r.kind == "office":
            silo = np.arange(model.departments.n) % model.cfg.world.n_departments
            focus = silo == decided[role]["department_focus"]
            extra = model.departments.hours - base.departments.hours
            assert extra[focus].sum() == pytest.approx(decided[role]["department_hours"])
            continue
        in_model = play._current(model, r)
        if r.kind == "secretary":  # these two live in the mechanism's own arrays
            in_model["activities_per_month"] = float(play.activities[r.owner])
            in_model["council"] = bool(play.council[r.owner])
        for lever, value in decided[role].items():
            assert in_model[lever] == pytest.approx(value), (role, lever)
            assert in_model[lever] != play.defaults[role][lever], (role, lever)

    debrief = t_ctx.new_page()
    debrief.goto(f"{url}/api/class/{code}/debrief?key={teacher.evaluate('() => KEY')}&lang=zh")
    assert debrief.locator("table.decisions tr").count() == 1 + 12 * ROUNDS  # all changed
    debrief.evaluate("() => document.querySelector('table.decisions').scrollIntoView()")
    _shot(debrief, "class_debrief_zh", full_page=False)
    # The browser logs the refused requests the test sent on purpose (the forged one,
    # the out-of-range one) and the polls made while offline; nothing else.
    expected = ("status of 403", "status of 400", "ERR_INTERNET_DISCONNECTED")
    assert [e for e in errors if not any(x in e for x in expected)] == []
    for s in students:
        s["ctx"].close()
    t_ctx.close()


def test_the_app_opens_a_class_in_its_own_language(browser, class_server):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{class_server}/?lang=zh")
    link = page.locator(".cogov-class-link")
    link.wait_for(timeout=TIMEOUT)
    assert "课堂角色扮演" in link.inner_text()
    assert link.get_attribute("href") == "/class?lang=zh"
    page.goto(f"{class_server}/class?lang=zh")
    page.wait_for_selector("#open-button:has-text('开设课堂')", timeout=TIMEOUT)
    assert page.locator("#world option").count() >= 3  # the streets a class may play
    page.context.close()
