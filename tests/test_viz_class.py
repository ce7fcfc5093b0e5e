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


def test_a_second_class_needs_and_leaves_no_more_server_memory_than_the_first(class_at_once):
    """No growth from class to class, open or closed (glibc's moving mmap threshold once
    made a second class take ~200 MB more per session, 1.6 GB for eight: see
    server.OFFLINE_ENV). The issue's target, back within 10% of the start, is not
    asserted: it is not met (+11% of the warm start; docs/performance.md).

    While the sessions play, the server's footprint (the median of a sample a second)
    varies from class to class by 2-39 MB on the project's machine, with the code of
    before and after issue #31 alike (a quarter of the ~200 MB warm start at most): the
    open bound is that quarter, far below the failure it guards against. What a class
    leaves behind once closed varies by 1-3 MB, and its bound stays 5%."""
    warm = class_at_once["rss_warm_mb"]
    first, second = class_at_once["rounds"]
    assert first["rss_open_mb"] > first["rss_closed_mb"]  # the sessions took memory
    assert second["rss_open_mb"] - first["rss_open_mb"] < 0.25 * warm, class_at_once
    assert second["rss_closed_mb"] - first["rss_closed_mb"] < 0.05 * warm, class_at_once
