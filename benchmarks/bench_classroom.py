"""A class at once: N browser sessions of the teaching app playing side by side.

Starts ``cogov-sim-viz`` on a free local port, opens N sessions in Debian's Chromium
(each its own browser context, so its own model), presses Play at the top speed in all
of them (the full policy package beside the baseline, classroom street, a seed each),
and over ``--seconds`` measures:

- simulated days per second of each session (the target of issue #16: at least 3 for
  each of 8 sessions on this 2-core machine);
- the server's CPU time per simulated day and its share of one core (the server is one
  Python process);
- the server's resident memory at the start, with the sessions open, and some seconds
  after they are closed (target: back within 10% of the start).

Usage:
    python benchmarks/bench_classroom.py                 # 8 sessions, 20 s
    python benchmarks/bench_classroom.py --sessions 1 --seconds 15

Needs Playwright and Debian's Chromium (``make test`` installs both). Writes
``benchmarks/results/bench_classroom.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("COGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its finished children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve(log):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cogov_sim.viz.server", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"cogov-sim-viz exited early; see {log.name}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"cogov-sim-viz did not answer; see {log.name}")
        time.sleep(0.5)


def steps(page) -> int:
    return int(page.locator(".cogov-steps").inner_text().rsplit(" ", 1)[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.sessions < 1 or args.seconds <= 0:
        parser.error("--sessions must be at least 1 and --seconds positive")
    from playwright.sync_api import sync_playwright

    log = tempfile.NamedTemporaryFile("w", prefix="bench_classroom_", suffix=".log", delete=False)
    server, url = serve(log)
    # Solara runs the app in the process that ``solara run`` started: the server's pid.
    pid = server.pid
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            rss_start = rss_mb(pid)
            sessions = []
            for i in range(args.sessions):
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto(f"{url}?preset=full_package&seed={i}")
                page.locator(".cogov-steps").wait_for()
                sessions.append((context, page))
            print(f"{args.sessions} sessions open", flush=True)
            for _, page in sessions:
                page.get_by_role("slider").first.focus()  # days per second
                page.keyboard.press("End")  # the top speed
                page.get_by_role("button", name="Play", exact=True).click()
            time.sleep(3)  # past the first frames
            rss_open = rss_mb(pid)
            s0, c0, t0 = [steps(p) for _, p in sessions], cpu_seconds(pid), time.monotonic()
            time.sleep(args.seconds)
            s1, c1, t1 = [steps(p) for _, p in sessions], cpu_seconds(pid), time.monotonic()
            for context, page in sessions:
                page.close(run_before_unload=True)  # as a closed tab: Solara hears it
                context.close()
            time.sleep(10)  # the server notices closed sessions and drops them
            rss_closed = rss_mb(pid)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    Path(log.name).unlink(missing_ok=True)  # kept only when the run failed
    days = [b - a for a, b in zip(s0, s1, strict=True)]
    rates = [d / (t1 - t0) for d in days]
    cpu_per_day = 1000 * (c1 - c0) / max(1, sum(days))
    result = {
        "sessions": args.sessions,
        "seconds": round(t1 - t0, 1),
        "days_per_second": [round(r, 2) for r in rates],
        "min_days_per_second": round(min(rates), 2),
        "server_cpu_ms_per_day": round(cpu_per_day, 1),
        "server_cpu_share": round((c1 - c0) / (t1 - t0), 2),
        "rss_mb": {
            "start": round(rss_start, 1),
            "open": round(rss_open, 1),
            "closed": round(rss_closed, 1),
        },
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
    }
    print(f"days per second per session: {', '.join(f'{r:.2f}' for r in rates)}")
    print(f"slowest session: {min(rates):.2f} days/s (target: >= 3 with 8 sessions)")
    print(
        f"server CPU per simulated day: {cpu_per_day:.0f} ms; share of one core: "
        f"{(c1 - c0) / (t1 - t0):.2f}"
    )
    back = 100 * (rss_closed - rss_start) / rss_start
    print(
        f"server memory: {rss_start:.0f} MB at the start, {rss_open:.0f} MB with the "
        f"sessions, {rss_closed:.0f} MB after they closed ({back:+.0f}% of the start; "
        "target: within 10%)"
    )
    out = HERE / "results" / "bench_classroom.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
