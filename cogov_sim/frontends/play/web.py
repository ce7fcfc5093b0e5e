"""The class's pages and JSON API, mounted on the teaching app's server (``cogov-sim-viz``).

Pages: ``/class`` (the teacher opens a class; then its console, for the projector)
and ``/join`` (a student's page, phone or laptop). Both are static HTML and script
served from this package; everything else is the JSON API under ``/api/class``:

====================================  =========================================
``GET  /api/class/labels?lang=``      every word the pages show
``GET  /api/class/options``           worlds, mechanisms, roles a class may use
``POST /api/class``                   open a class (its setup) -> code, key
``POST /api/class/{code}/join``       ``{name}`` -> a player's token and role
``GET  /api/class/{code}/me``         ``?token=``: the student's view
``POST /api/class/{code}/decide``     ``{token, role, values}``
``POST /api/class/{code}/ready``      ``{token, ready}``
``POST /api/class/{code}/take``       ``{token, role}``: a watcher takes a free role
``GET  /api/class/{code}/console``    ``?key=``: the teacher's view
``POST /api/class/{code}/control``    ``{action, seconds, role}`` (see ClassGame.control)
``POST /api/class/{code}/close``      the class ends and is forgotten
``GET  /api/class/{code}/map.png``    ``?key=&lang=``
``GET  /api/class/{code}/mymap.png``  ``?token=&lang=``: the student's part of it
``GET  /api/class/{code}/outcomes.png`` ``?key=&lang=``
``GET  /api/class/{code}/qr.svg``     ``?key=``: the join address as a QR code
``GET  /api/class/{code}/export``     ``?key=&lang=``: the debrief zip
``GET  /api/class/{code}/debrief``    ``?key=&lang=``: the debrief page
====================================  =========================================

A bad request gets status 400 and ``{"error": message}`` (the page shows the
message); a request for a role or class the sender does not hold gets 403. A POST
must be ``application/json`` (a form on another site cannot send one). The
teacher's key travels in the ``X-Class-Key`` header (the console never puts it in
its address, which a projector shows); ``?key=`` is accepted too, for scripts. The
model work of a request (a round advancing, a rewind, an export) runs in
Starlette's thread pool, never on the server's event loop.
"""

from __future__ import annotations

import io
import json
import os
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from cogov_sim.frontends.play import labels
from cogov_sim.frontends.play.game import ClassError, ClassSetup, NotYours
from cogov_sim.frontends.play.registry import CLASSES, Classes

STATIC = Path(__file__).parent / "static"
#: set by cogov-sim-viz: the address the server listens on
ADDRESS_ENV = "COGOV_SIM_VIZ_ADDRESS"


def _error(exc: Exception) -> JSONResponse:
    status = 403 if isinstance(exc, NotYours) else 400
    return JSONResponse({"error": str(exc)}, status_code=status)


async def _body(request: Request) -> dict:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ClassError("send the request as application/json")
    try:
        data = json.loads(await request.body() or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ClassError("the request is not JSON") from None
    if not isinstance(data, dict):
        raise ClassError("the request must be a JSON object")
    return data


def _lang(request: Request) -> str:
    return "zh" if request.query_params.get("lang") == "zh" else "en"


def join_address(request: Request, code: str) -> tuple[str, bool]:
    """The address students open, and whether only this machine can reach it."""
    bound = urlparse(os.environ.get(ADDRESS_ENV, "") or str(request.base_url))
    host, port = bound.hostname or request.url.hostname, bound.port or request.url.port
    local_only = host in ("127.0.0.1", "localhost", "::1")
    if host in ("0.0.0.0", "::"):
        host = lan_address() or request.url.hostname
    return f"http://{host}:{port}/join?code={code}", local_only


def lan_address() -> str | None:
    """This machine's address on its local network (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
    except OSError:
        return None


class Pictures:
    """A class's pictures of its current round, drawn once however many pages ask at
    once: a round's end makes every page ask for its map together, and the roles of a
    community share theirs. Keyed by the last round's digest (a rewind finds its
    round's pictures again), the picture and the language."""

    def __init__(self):
        self.lock = threading.Lock()
        self.state = ""
        self.done: dict[tuple, bytes] = {}
        self.making: dict[tuple, threading.Event] = {}

    def get(self, game, what: tuple, make) -> bytes:
        state = game.rounds[-1].digest if game.rounds else "start"
        key = (state, *what)
        while True:
            with self.lock:
                if state != self.state:  # a new round: the old pictures go
                    self.state, self.done = state, {}
                if key in self.done:
                    return self.done[key]
                wait = self.making.get(key)
                if wait is None:
                    self.making[key] = threading.Event()
                    break
            wait.wait(30)
        try:
            data = make()
            with self.lock:
                if state == self.state:
                    self.done[key] = data
            return data
        finally:
            with self.lock:
                self.making.pop(key).set()


def pictures_of(game) -> Pictures:
    pics = getattr(game, "pictures", None)
    if pics is None:
        pics = game.pictures = Pictures()
    return pics


def focus(role) -> tuple:
    """What a role's own map shows: the street, a community, or a firm's compounds."""
    if role is None or role.kind == "office":
        return ("street",)
    if role.kind == "firm":
        return ("firm", role.owner)
    return ("community", role.community)


def routes(classes: Classes = CLASSES) -> list[Route]:
    """The class's routes over ``classes``."""

    def page(name: str):
        async def endpoint(request: Request):
            return HTMLResponse((STATIC / name).read_text(encoding="utf-8"))

        return endpoint

    async def static(request: Request):
        name = request.path_params["name"]
        path = STATIC / name
        if "/" in name or not path.is_file() or path.suffix not in (".js", ".css"):
            return JSONResponse({"error": "no such file"}, status_code=404)
        return FileResponse(path)

    async def get_labels(request: Request):
        return JSONResponse(labels.bundle(_lang(request)))

    def options(request: Request):
        from cogov_sim.core.config import world_presets
        from cogov_sim.core.mechanisms import MECHANISMS
        from cogov_sim.core.mechanisms.class_play import ROLE_KINDS

        lang = _lang(request)
        names = {
            "street": ("default street (generated, 5 communities)", "默认街区（生成，5个社区）"),
            "classroom": (
                "classroom street (generated, 2 communities)",
                "课堂街区（生成，2个社区）",
            ),
            "example_street": ("example street (from files)", "示例街道（来自文件）"),
        }
        i = 1 if lang == "zh" else 0
        worlds = {w: names.get(w, (w, w))[i] for w in world_presets() if w != "district"}
        mechs = {
            n: (c.title_zh if lang == "zh" else c.title_en) or n for n, c in MECHANISMS.items()
        }
        defaults = ClassSetup().__dict__ | {"kinds": list(ROLE_KINDS), "mechanisms": []}
        return JSONResponse(
            {"worlds": worlds, "mechanisms": mechs, "kinds": list(ROLE_KINDS), "defaults": defaults}
        )

    async def create(request: Request):
        try:
            setup = ClassSetup.from_dict(await _body(request))
        except (ClassError, TypeError) as exc:
            return _error(ClassError(str(exc)))
        from starlette.concurrency import run_in_threadpool

        try:
            game = await run_in_threadpool(classes.create, setup)
        except ClassError as exc:
            return _error(exc)
        return JSONResponse({"code": game.code, "key": game.teacher_key})

    def _with_game(fn, teacher: bool = False):
        async def endpoint(request: Request):
            from starlette.concurrency import run_in_threadpool

            try:
                body = await _body(request) if request.method == "POST" else {}
                q = request.query_params
                code = request.path_params["code"]
                if teacher:
                    key = request.headers.get("x-class-key") or body.get("key") or q.get("key")
                    game = classes.teacher(code, key)
                else:
                    game = classes.get(code)
                return await run_in_threadpool(fn, game, body, request)
            except ClassError as exc:
                return _error(exc)
            except Exception as exc:  # noqa: BLE001 - a page gets a message, the server goes on
                import traceback

                traceback.print_exc()
                return JSONResponse({"error": f"the server failed: {exc!r}"}, status_code=500)

        return endpoint

    def join(game, body, request):
        p = game.join(body.get("name", ""))
        return JSONResponse({"token": p.token, "role": p.role, "name": p.name})

    def me(game, body, request):
        return JSONResponse(game.student_view(request.query_params.get("token", "")))

    def decide(game, body, request):
        values = body.get("values")
        if not isinstance(values, dict):
            raise ClassError("a decision needs 'values', a mapping of lever to value")
        clean = game.decide(body.get("token", ""), str(body.get("role", "")), values)
        return JSONResponse({"ok": True, "values": clean})

    def ready(game, body, request):
        flag = body.get("ready", True)
        if not isinstance(flag, bool):
            raise ClassError(f"ready must be true or false, not {flag!r}")
        advanced = game.set_ready(body.get("token", ""), flag)
        return JSONResponse({"ok": True, "advanced": advanced})

    def take(game, body, request):
        p = game.take_role(body.get("token", ""), str(body.get("role", "")))
        return JSONResponse({"ok": True, "role": p.role})

    def console(game, body, request):
        view = game.console_view()
        view["join_address"], view["local_only"] = join_address(request, game.code)
        return JSONResponse(view)

    def control(game, body, request):
        seconds = body.get("seconds", 60)
        game.control(str(body.get("action", "")), seconds, str(body.get("role", "")))
        return JSONResponse({"ok": True, "state": game.state})

    def map_png(game, body, request):
        from cogov_sim.frontends.play.pictures import map_png as draw

        lang = _lang(request)
        data = pictures_of(game).get(game, ("map", lang), lambda: draw(game, lang))
        return Response(data, media_type="image/png")

    def my_map_png(game, body, request):
        from cogov_sim.frontends.play.pictures import map_png as draw

        p = game.player(request.query_params.get("token", ""))
        role = game.role_by_id.get(p.role) if p.role else None
        lang = _lang(request)
        data = pictures_of(game).get(
            game, ("mine", *focus(role), lang), lambda: draw(game, lang, role=role)
        )
        return Response(data, media_type="image/png")

    def outcomes_png(game, body, request):
        from cogov_sim.frontends.play.pictures import debrief_png
        from cogov_sim.frontends.play.record import class_record

        lang = _lang(request)
        data = pictures_of(game).get(
            game, ("outcomes", lang), lambda: debrief_png(class_record(game), lang, wide=False)
        )
        return Response(data, media_type="image/png")

    def qr(game, body, request):
        import segno

        address, _ = join_address(request, game.code)
        buf = io.BytesIO()
        segno.make(address, error="m").save(buf, kind="svg", scale=6, border=2)
        return Response(buf.getvalue(), media_type="image/svg+xml")

    def export(game, body, request):
        from cogov_sim.frontends.play.record import export_zip

        data = export_zip(game, _lang(request))
        name = f"class-{game.code}-round{len(game.rounds)}.zip"
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def debrief(game, body, request):
        import base64

        from cogov_sim.frontends.play.pictures import debrief_png
        from cogov_sim.frontends.play.record import class_record, debrief_html

        lang = _lang(request)
        record = class_record(game)
        image = "data:image/png;base64," + base64.b64encode(debrief_png(record, lang)).decode()
        return HTMLResponse(debrief_html(record, lang, image=image))

    def close(game, body, request):
        classes.close(game.code, game.teacher_key)
        return JSONResponse({"ok": True})

    base = "/api/class/{code}"
    return [
        Route("/class", page("teacher.html")),
        Route("/join", page("student.html")),
        Route("/class-static/{name}", static),
        Route("/api/class/labels", get_labels),
        Route("/api/class/options", options),
        Route("/api/class", create, methods=["POST"]),
        Route(f"{base}/join", _with_game(join), methods=["POST"]),
        Route(f"{base}/me", _with_game(me)),
        Route(f"{base}/decide", _with_game(decide), methods=["POST"]),
        Route(f"{base}/ready", _with_game(ready), methods=["POST"]),
        Route(f"{base}/take", _with_game(take), methods=["POST"]),
        Route(f"{base}/console", _with_game(console, teacher=True)),
        Route(f"{base}/control", _with_game(control, teacher=True), methods=["POST"]),
        Route(f"{base}/close", _with_game(close, teacher=True), methods=["POST"]),
        Route(f"{base}/map.png", _with_game(map_png, teacher=True)),
        Route(f"{base}/mymap.png", _with_game(my_map_png)),
        Route(f"{base}/outcomes.png", _with_game(outcomes_png, teacher=True)),
        Route(f"{base}/qr.svg", _with_game(qr, teacher=True)),
        Route(f"{base}/export", _with_game(export, teacher=True)),
        Route(f"{base}/debrief", _with_game(debrief, teacher=True)),
    ]


def mount(app) -> bool:
    """Put the class's routes in front of a Starlette app's own (the Solara server's
    catch-all page route would otherwise answer them). True when mounted now."""
    if any(getattr(r, "path", "") == "/api/class" for r in app.router.routes):
        return False
    app.router.routes[0:0] = routes()
    return True
