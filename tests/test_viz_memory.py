"""What the app server does when sessions go: memory returned, fonts forgotten, and a
run whose page lost its connection stops (the browser test checks the last in a page)."""

from __future__ import annotations

import ctypes.util
import gc
import sys
import threading
import types
import weakref

import pytest

from cogov_sim.frontends.viz import memory


def test_release_forgets_the_fonts_each_drawing_thread_opened():
    from matplotlib import font_manager

    def draw_text():
        font_manager.get_font(font_manager.findfont("DejaVu Sans"))

    thread = threading.Thread(target=draw_text)
    thread.start()
    thread.join()
    assert font_manager._get_font.cache_info().currsize > 0  # kept per thread
    memory.release()
    assert font_manager._get_font.cache_info().currsize == 0


def test_release_collects_garbage_in_cycles():
    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    gc.disable()  # no automatic collection in between: release() must do it
    try:
        del a, b
        assert alive() is not None
        memory.release()
        assert alive() is None
    finally:
        gc.enable()


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
    reason="malloc_trim is glibc's",
)
def test_release_returns_free_heap_pages_on_glibc():
    assert memory.release() is True


def test_release_soon_restarts_its_wait_on_each_close(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "release", lambda: calls.append(1))
    memory.release_soon(0.3)
    first = memory._timer
    memory.release_soon(0.3)
    assert first is not memory._timer
    assert first.finished.is_set()  # cancelled: the wait starts again
    memory._timer.join(2)
    assert calls == [1]  # one release for a burst of closes


def _fake_session(monkeypatch, pages: dict):
    from solara.server import kernel_context

    session = types.SimpleNamespace(page_status=pages)
    monkeypatch.setattr(kernel_context, "get_current_context", lambda: session)
    return kernel_context.PageStatus


def test_a_session_with_no_connected_page_is_seen_as_gone(monkeypatch):
    from cogov_sim.frontends.viz.app import page_connection

    pages: dict = {}
    status = _fake_session(monkeypatch, pages)
    connected = page_connection()
    pages["a"] = status.CONNECTED
    assert connected()
    pages["a"] = status.DISCONNECTED
    assert not connected()
    pages["b"] = status.CONNECTED  # a second tab of the session is still open
    assert connected()
    pages["b"] = status.CLOSED
    assert not connected()


def test_outside_a_server_the_page_counts_as_connected(monkeypatch):
    from solara.server import kernel_context

    from cogov_sim.frontends.viz.app import page_connection

    def no_session():
        raise RuntimeError("no kernel context")

    monkeypatch.setattr(kernel_context, "get_current_context", no_session)
    assert page_connection()()
