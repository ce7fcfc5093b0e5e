"""``cogov-sim-viz``: serve the teaching app on this machine (127.0.0.1 unless told otherwise).

The page and every asset it loads come from the app itself (the
``solara-assets`` package puts Solara's front end where its server looks), so
the app works in a classroom with no internet or a filtered one. It runs
Solara in production mode with its telemetry and its version check off, and
its server never fetches from the network (:func:`prepare_server_process`).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
import warnings
from pathlib import Path

#: Environment that keeps every request on this machine.
OFFLINE_ENV = {
    "SOLARA_ASSETS_PROXY": "True",  # serve the front-end assets locally, never from a CDN
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_TELEMETRY_SENTRY_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",  # no "runs on Solara" badge over the charts
    "MPLBACKEND": "Agg",
    # Few malloc arenas: each thread of a session (its play loop, its builds) would
    # otherwise get an arena of its own, which keeps freed memory after the session closes.
    "MALLOC_ARENA_MAX": "2",
    # Big arrays (a model preallocates its issue and event tables for the app's ten-year
    # run, ~140 MB, written only as the run goes) always mapped on their own: pages are
    # taken as they are written and given back when the array is freed. glibc's default
    # raises this threshold after the first big free, so later sessions' tables came from
    # the heap and were zeroed in full: ~200 MB more per session, kept after a close.
    "MALLOC_MMAP_THRESHOLD_": "1048576",
}


#: Minutes a session whose page went away without closing (a laptop lid shut, the
#: network lost) keeps its run before its memory is freed. Solara's own default is a day,
#: which a class of forty laptops would pay for all day; a page that comes back within
#: this time finds its run, a later one rebuilds it from the address.
FORGET_AFTER_MINUTES = 10.0


def session_env(forget_after: float = FORGET_AFTER_MINUTES) -> dict[str, str]:
    """The server's environment for how long a vanished page's session is kept."""
    return {"SOLARA_KERNEL_CULL_TIMEOUT": f"{forget_after * 60:g}s"}


#: Set in the server's environment: the address it serves, announced once it is bound.
ADDRESS_ENV = "COGOV_SIM_VIZ_ADDRESS"


def build_command(host: str, port: int, *, dev: bool = False) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "cogov_sim.frontends.viz.app",
        "--host",
        host,
        "--port",
        str(port),
        "--no-open",
        "--no-check-version",  # else every start asks pypi.org for Solara's latest version
    ]
    if not dev:
        cmd.append("--production")
    return cmd


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="cogov-sim-viz",
        description="Serve the cogov-sim teaching app: a live map and charts of the model, "
        "baseline and chosen mechanisms side by side, in English or Chinese.",
        epilog="Open the printed address in a browser. Settings can also be given in the "
        "address, e.g. http://127.0.0.1:8765/?preset=full_package&seed=3&lang=zh "
        "(docs/tutorial.md).",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only; "
        "0.0.0.0 serves the classroom network)",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument(
        "--forget-after",
        type=float,
        default=FORGET_AFTER_MINUTES,
        metavar="MINUTES",
        help="free the run of a page that went away without closing (lid shut, network "
        f"lost) after this many minutes (default {FORGET_AFTER_MINUTES:g})",
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="Solara development mode (auto-reload; not for classrooms)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"invalid port {args.port} (allowed: 1-65535)")
    if not args.forget_after > 0:
        parser.error(f"invalid --forget-after {args.forget_after:g} (allowed: minutes above 0)")
    address = f"http://{args.host}:{args.port}/"
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"cogov-sim-viz: cannot serve on {address}: {problem}", file=sys.stderr)
        sys.exit(1)
    # "serving on ..." is printed by the server itself once it has bound the port
    # (prepare_server_process); a port taken meanwhile ends it with uvicorn's one-line error.
    env = {**os.environ, **OFFLINE_ENV, **session_env(args.forget_after), ADDRESS_ENV: address}
    cmd = build_command(args.host, args.port, dev=args.dev)
    os.execve(cmd[0], cmd, env)


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (None when it can), checked the way
    uvicorn binds (address reuse on), so a taken port is a one-line error before the app's
    few seconds of start-up rather than after them."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        return f"unknown host {host!r} ({exc.strerror or exc})"
    for family, kind, proto, _, addr in infos:
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(addr)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return f"port {port} is in use (another server? choose one with --port)"
                if exc.errno == errno.EADDRNOTAVAIL:
                    continue  # e.g. ::1 with IPv6 off: uvicorn skips it too
                return exc.strerror or str(exc)
    return None


# ------------------------------------------------------- inside the server's process
def prepare_server_process() -> None:
    """Run in Solara's server process when it loads the app (before it binds the port):

    - its CDN route serves only the assets on this machine (``solara-assets``) and answers
      404 for any other, instead of fetching it from a public CDN: offline that held a
      server thread for about 7 s per request (four tries), and online it would make the
      server fetch whatever a page asks for;
    - no warning about the session cookie on every page load: Solara asks for a
      ``SameSite=None`` cookie (for pages embedded in another site's frame), which needs
      https, and falls back to ``SameSite=Lax``, which is what this app wants (it is not
      embedded);
    - ``cogov-sim-viz: serving on ...`` once the port is bound (under ``cogov-sim-viz``);
    - the participatory class's pages and API (:mod:`cogov_sim.frontends.play.web`).
    """
    if "solara.server.starlette" in sys.modules:
        from solara.server import starlette as solara_starlette

        from cogov_sim.frontends.play.web import mount

        mount(solara_starlette.app)  # the participatory class: /class, /join, /api/class
        if not serve_cdn_locally():
            print(
                "cogov-sim-viz: warning: Solara's CDN route was not found; unknown page "
                "assets may be fetched from the network",
                file=sys.stderr,
            )
        warnings.filterwarnings(
            "ignore",
            message="Cookies with samesite=none require https",
            category=UserWarning,
            module=r"solara\.server\.starlette",
        )
    address = os.environ.get(ADDRESS_ENV)
    if address:
        announce_when_bound(address)


def serve_cdn_locally() -> bool:
    """Replace the Solara server's CDN proxy route by one that serves the local copies
    only (404 for anything else). True when the route was found and replaced."""
    from solara.server import settings as solara_settings
    from solara.server import starlette as solara_starlette
    from solara.server.cdn_helper import cdn_url_path
    from solara.server.utils import path_is_child_of
    from starlette.routing import Mount

    root = Path(solara_settings.assets.proxy_cache_dir)

    class LocalCdn(solara_starlette.StaticCdn):
        """Solara's CDN route without its fetch: the file kept here, or nothing."""

        def lookup_path(self, path: str):
            # A bare package name means its main file, as Solara stores it.
            store = path if "/" in path.replace("\\", "/") else f"{path}/__main.js"
            full = root / store
            if not path_is_child_of(full, root):
                return "", None
            try:
                stat = os.stat(full)
            except OSError:
                return "", None
            return (str(full), stat) if os.path.isfile(full) else ("", None)

    routes = solara_starlette.app.router.routes
    for i, route in enumerate(routes):
        if isinstance(route, Mount) and route.path == f"/{cdn_url_path}":
            routes[i] = Mount(route.path, app=LocalCdn(directory=root))
            return True
    return False


class _AnnounceWhenBound(logging.Filter):
    """On uvicorn's "running on" record (logged once the port is bound; Solara's logging
    hides it), print cogov-sim-viz's own line; other records below ERROR stay hidden."""

    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        if str(record.msg).startswith("Uvicorn running on"):
            print(f"cogov-sim-viz: serving on {self.address} (Ctrl+C stops)", flush=True)
        return False


def announce_when_bound(address: str) -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _AnnounceWhenBound) for f in logger.filters):
        logger.addFilter(_AnnounceWhenBound(address))
        logger.setLevel(min(logger.getEffectiveLevel(), logging.INFO))


if __name__ == "__main__":  # pragma: no cover
    main()
