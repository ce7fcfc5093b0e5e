"""A whole class at once (issue #16): 8 browser sessions of the app playing side by side
on this machine's 2 cores, with the server's memory after they close.

Runs alone (``make test`` runs tests marked ``alone`` after the rest): it measures the
machine, and a second test worker beside it would take the cores it measures. Drives
``benchmarks/classroom_load.py``, which ``benchmarks/bench_classroom.py`` prints.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.alone]

SESSIONS = 8
#: Issue #16: simulated days per second that each of 8 sessions must get.
MIN_DAYS_PER_SECOND = 3.0


@pytest.fixture(scope="module")
def class_at_once():
    require_chromium()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from classroom_load import measure

    return measure(SESSIONS, seconds=15.0, rounds=2, say=lambda _: None)


def test_eight_sessions_playing_at_once_each_get_three_days_per_second(class_at_once):
    for row in class_at_once["rounds"]:
        assert len(row["days_per_second"]) == SESSIONS
        assert row["min_days_per_second"] >= MIN_DAYS_PER_SECOND, row


def test_closed_sessions_give_most_of_their_memory_back(class_at_once):
    """Not the issue's target (back within 10% of the start), which is not met: see
    docs/performance.md. What holds: most of what a class takes is returned."""
    warm = class_at_once["rss_warm_mb"]
    for row in class_at_once["rounds"]:
        taken = row["rss_open_mb"] - warm
        kept = row["rss_closed_mb"] - warm
        assert taken > 50, row  # the sessions did take memory: this measures something
        assert kept < 0.5 * taken, (warm, row)  # most of it came back
