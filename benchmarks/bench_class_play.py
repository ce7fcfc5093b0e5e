"""Two participatory classes on one server at once: how fast each round advances.

Serves ``cogov-sim-viz`` on this machine and plays two classes of twelve students
each (the default street, six rounds of 30 days) through the class's HTTP API, as
the pages do: every student and each teacher's console poll once a second for the
whole run; in each round every student sends a decision (new lever values) and
then presses ready. The two classes' last students press ready at the same moment,
so their rounds advance together (the worst case for a 2-core machine).

Prints, per round and class:

- **ready -> advanced**: seconds from the last student's ready to the round's end
  (the ready request returns when the street has run the round and its figures are
  made; target: under 2 s);
- **model**: the seconds of that spent running the two streets (class and baseline)
  and their figures (the game's ``advance_seconds``);
- **pictures**: seconds until every page of both classes has the new round's
  pictures (each student's own map, the console's map and outcome chart), all
  asked for at once as the pages do when a round ends;
- the server's CPU time over the run.

Usage:
    python benchmarks/bench_class_play.py                  # 2 classes x 12, 6 rounds
    python benchmarks/bench_class_play.py --classes 3 --students 8 --rounds 3

Writes ``benchmarks/results/bench_class_play.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def call(base: str, path: str, body=None, key: str = "", raw: bool = False):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"X-Class-Key": key} if key else {})}
    req = urllib.request.Request(base + path, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read() if raw else json.loads(r.read())


def pictures(base: str, classes: list) -> float:
    """Seconds for every page's pictures of the round just played, asked for at once."""
    jobs = []
    for c in classes:
        jobs += [
            (f"/api/class/{c['code']}/mymap.png?token={s['token']}", "") for s in c["students"]
        ]
        jobs += [(f"/api/class/{c['code']}/{name}.png", c["key"]) for name in ("map", "outcomes")]
    t0 = time.perf_counter()
    threads = [
        threading.Thread(target=call, args=(base, path), kwargs={"key": key, "raw": True})
        for path, key in jobs
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Poller(threading.Thread):
    """A page: one request a second until stopped."""

    def __init__(self, base: str, path: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.path, self.stop, self.errors = base, path, stop, 0

    def run(self):
        while not self.stop.wait(1.0):
            try:
                call(self.base, self.path)
            except (OSError, urllib.error.HTTPError):
                self.errors += 1


MOVES = {
    "office": lambda r: {"department_hours": 4.0 * (r % 3 + 1), "department_focus": r % 3},
    "grid": lambda r: {"patrol_hours": [3.0, 0.5, 2.5, 1.0, 3.0, 0.75][r % 6]},
    "secretary": lambda r: {"activities_per_month": 2 + r % 6, "council": r % 2 == 0},
    "firm": lambda r: {"reinvest": [1.0, 0.0, 0.5][r % 3], "service_level": 0.8 + 0.1 * (r % 5)},
    "ngo": lambda r: {"visits_per_month": [2.5, 0.25, 2.0][r % 3]},
}


def play(base: str, n_classes: int, n_students: int, rounds: int, pid: int) -> dict:
    stop = threading.Event()
    classes = []
    for _ in range(n_classes):
        made = call(base, "/api/class", {"rounds": rounds, "round_seconds": 3600})
        code, key = made["code"], made["key"]
        students = [
            call(base, f"/api/class/{code}/join", {"name": f"S{i}"}) for i in range(n_students)
        ]
        pollers = [Poller(base, f"/api/class/{code}/me?token={s['token']}", stop) for s in students]
        pollers.append(Poller(base, f"/api/class/{code}/console?key={key}", stop))  # a script's way
        for p in pollers:
            p.start()
        call(base, f"/api/class/{code}/control", {"action": "start"}, key=key)
        classes.append({"code": code, "key": key, "students": students, "pollers": pollers})

    cpu0, rows = cpu_seconds(pid), []
    for r in range(rounds):
        for c in classes:
            for s in c["students"][:-1]:
                kind = s["role"].split("-")[0]
                decision = {"token": s["token"], "role": s["role"], "values": MOVES[kind](r)}
                call(base, f"/api/class/{c['code']}/decide", decision)
                call(base, f"/api/class/{c['code']}/ready", {"token": s["token"]})
        # the last student of every class presses ready at the same moment
        barrier = threading.Barrier(len(classes))
        took = [0.0] * len(classes)

        def last(i, c, barrier=barrier, took=took):
            s = c["students"][-1]
            barrier.wait()
            t0 = time.perf_counter()
            out = call(base, f"/api/class/{c['code']}/ready", {"token": s["token"]})
            took[i] = time.perf_counter() - t0
            assert out["advanced"], out

        threads = [threading.Thread(target=last, args=(i, c)) for i, c in enumerate(classes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        pics = pictures(base, classes)
        for i, c in enumerate(classes):
            view = call(base, f"/api/class/{c['code']}/console", key=c["key"])
            rows.append({"round": r + 1, "class": i + 1, "ready_to_advanced_s": took[i],
                         "model_s": view["advance_seconds"], "played": view["played"],
                         "pictures_s": pics})  # fmt: skip
            print(f"round {r + 1} class {i + 1}: ready -> advanced {took[i]:.2f} s "
                  f"(model {view['advance_seconds']:.2f} s); every page's pictures "
                  f"{pics:.2f} s", flush=True)  # fmt: skip
    cpu = cpu_seconds(pid) - cpu0
    stop.set()
    errors = sum(p.errors for c in classes for p in c["pollers"])
    return {"rows": rows, "server_cpu_s": cpu, "poll_errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    if args.classes < 1 or not 1 <= args.students <= 21 or not 1 <= args.rounds <= 24:
        parser.error("--classes >= 1, --students in 1..21 (the street's roles), --rounds in 1..24")
    sys.path.insert(0, str(HERE.parent))
    from cogov_sim.frontends.viz.local import serve_app

    with tempfile.TemporaryDirectory() as tmp, serve_app(Path(tmp) / "server.log") as app:
        base = app.url.rstrip("/")
        t0 = time.perf_counter()
        out = play(base, args.classes, args.students, args.rounds, app.pid)
        wall = time.perf_counter() - t0
    took = [r["ready_to_advanced_s"] for r in out["rows"]]
    model = [r["model_s"] for r in out["rows"]]
    print()
    print(f"{args.classes} classes x {args.students} students, {args.rounds} rounds, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")  # fmt: skip
    print(f"ready -> advanced: median {statistics.median(took):.2f} s, max {max(took):.2f} s "
          f"(target < 2 s)")  # fmt: skip
    print(f"model per round:   median {statistics.median(model):.2f} s, max {max(model):.2f} s")
    pics = [r["pictures_s"] for r in out["rows"]]
    print(f"every page's pictures after a round: median {statistics.median(pics):.2f} s, "
          f"max {max(pics):.2f} s")  # fmt: skip
    print(
        f"server CPU {out['server_cpu_s']:.1f} s over {wall:.1f} s; "
        f"poll errors {out['poll_errors']}"
    )
    result = {"classes": args.classes, "students": args.students, "rounds": args.rounds,
              "wall_s": wall, **out}  # fmt: skip
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_class_play.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
