"""``cogov-sim-viz``: serve the teaching app on this machine (127.0.0.1 unless told otherwise).

The page and every asset it loads come from the app itself (the
``solara-assets`` package puts Solara's front end where its server looks), so
the app works in a classroom with no internet or a filtered one. It runs
Solara in production mode with its telemetry off.
"""

from __future__ import annotations

import argparse
import os
import sys

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
    env = {**os.environ, **OFFLINE_ENV, **session_env(args.forget_after)}
    print(f"cogov-sim-viz: serving on http://{args.host}:{args.port}/ (Ctrl+C stops)", flush=True)
    cmd = build_command(args.host, args.port, dev=args.dev)
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":  # pragma: no cover
    main()
