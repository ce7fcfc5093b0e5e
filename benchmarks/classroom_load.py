"""A class at once: N browser sessions of the teaching app playing side by side.

Shared by ``benchmarks/bench_classroom.py`` (prints the figures) and the slow
browser test ``tests/test_viz_class.py`` (asserts the targets of issue #16).

:func:`measure` starts ``cogov-sim-viz`` on a free local port, opens one session and
closes it (the first page imports and warms what every later one shares: the
"warm start" memory), then, ``rounds`` times: opens N sessions in Debian's Chromium
(each its own browser context, so its own model), presses Play at the top speed in
all (the full policy package beside the baseline, classroom street, a seed each),
counts the simulated days each session shows over ``seconds``, with the server's CPU
time, closes them as a class closes its tabs and waits for the server to let them go.
Memory is the server's resident set (``/proc``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

#: Seconds to wait after the sessions close: Solara notices, collects (1 s) and the app
#: hands the memory back (2 s after the last close).
SETTLE = 8.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its finished children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def steps(page) -> int:
    return int(page.locator(".cogov-steps").inner_text().rsplit(" ", 1)[-1])


def _open(browser, url: str, query: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url + query)
    page.locator(".cogov-steps").wait_for()
    page.locator(".cogov-map-canvas").first.wait_for()
    return context, page


def _close(sessions) -> None:
    # As a class closes its tabs: each page goes (its pagehide sends Solara the close
    # beacon), then the browsers. Closing a context right after its page can cut the
    # beacon off: Solara then keeps that session as a page that vanished (--forget-after).
    for _, page in sessions:
        page.close(run_before_unload=True)
    time.sleep(1.0)
    for context, _ in sessions:
        context.close()


def measure(sessions: int = 8, seconds: float = 20.0, rounds: int = 1, say=print) -> dict:
    """Play ``sessions`` sessions at once for ``seconds``, ``rounds`` times (see above)."""
    from playwright.sync_api import sync_playwright

    from cogov_sim.frontends.viz.local import CHROMIUM, CHROMIUM_ARGS, serve_app

    log = Path(tempfile.mkstemp(prefix="classroom_load_", suffix=".log")[1])
    out: dict = {"sessions": sessions, "seconds": seconds, "rounds": []}
    ok = False
    try:
        with serve_app(log, timeout=120) as app, sync_playwright() as pw:
            url, pid = app.url, app.pid
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            out["rss_cold_mb"] = rss_mb(pid)
            warm = _open(browser, url, "?preset=full_package&seed=999")
            warm[1].get_by_role("button", name="Play", exact=True).click()
            time.sleep(3)
            _close([warm])
            time.sleep(SETTLE)
            out["rss_warm_mb"] = rss_mb(pid)
            say(
                f"server memory: {out['rss_cold_mb']:.0f} MB cold, {out['rss_warm_mb']:.0f} MB warm"
            )
            for r in range(rounds):
                opened = [
                    _open(browser, url, f"?preset=full_package&seed={i}") for i in range(sessions)
                ]
                say(f"round {r + 1}: {sessions} sessions open")
                for _, page in opened:
                    page.get_by_role("slider").first.focus()  # days per second
                    page.keyboard.press("End")  # the top speed
                    page.get_by_role("button", name="Play", exact=True).click()
                time.sleep(3)  # past the first frames
                s0, c0, t0 = [steps(p) for _, p in opened], cpu_seconds(pid), time.monotonic()
                # the server's memory while the sessions play: the median of a sample a
                # second (one sample, taken while the sessions still built their runs,
                # swung by tens of MB from class to class)
                samples = []
                while time.monotonic() < t0 + seconds:
                    samples.append(rss_mb(pid))
                    time.sleep(min(1.0, max(0.0, t0 + seconds - time.monotonic())))
                rss_open = statistics.median(samples)
                s1, c1, t1 = [steps(p) for _, p in opened], cpu_seconds(pid), time.monotonic()
                _close(opened)
                time.sleep(SETTLE)
                days = [b - a for a, b in zip(s0, s1, strict=True)]
                rates = [d / (t1 - t0) for d in days]
                row = {
                    "days_per_second": [round(x, 2) for x in rates],
                    "min_days_per_second": round(min(rates), 2),
                    "server_cpu_ms_per_day": round(1000 * (c1 - c0) / max(1, sum(days)), 1),
                    "server_cpu_share": round((c1 - c0) / (t1 - t0), 2),
                    "rss_open_mb": round(rss_open, 1),
                    "rss_open_max_mb": round(max(samples), 1),
                    "rss_closed_mb": round(rss_mb(pid), 1),
                }
                out["rounds"].append(row)
                say(
                    f"round {r + 1}: slowest {row['min_days_per_second']:.2f} days/s, "
                    f"{row['server_cpu_ms_per_day']:.0f} ms server CPU per day, "
                    f"memory {row['rss_open_mb']:.0f} MB open, {row['rss_closed_mb']:.0f} MB closed"
                )
            browser.close()
        ok = True
    finally:
        if ok:
            log.unlink(missing_ok=True)  # kept only when the run failed
        else:
            print(f"the server's log: {log}", file=sys.stderr)
    return out
