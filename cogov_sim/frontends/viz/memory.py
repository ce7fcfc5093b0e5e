"""Give a closed session's memory back to the system.

After a browser session of the app closes, Solara collects its garbage, but
CPython and glibc keep the freed blocks in the process (glibc's arenas return
memory to the system only from their top). A class that opens and closes eight
sessions would leave the server hundreds of megabytes larger every time.
:func:`release_soon` collects and then asks glibc to hand free pages back
(``malloc_trim``), once, a little after the last of a burst of closes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
import threading

#: Seconds after the last close: after Solara's own collection (1 s after a close).
DELAY = 2.0

_lock = threading.Lock()
_timer: threading.Timer | None = None


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def _forget_fonts() -> None:
    """Matplotlib keeps the fonts it opened per thread (FreeType is not thread-safe): every
    session's threads that drew a map added their own, and closed threads' fonts stayed."""
    font_manager = sys.modules.get("matplotlib.font_manager")
    get_font = getattr(font_manager, "_get_font", None)
    if get_font is not None and hasattr(get_font, "cache_clear"):
        get_font.cache_clear()


def release() -> bool:
    """Collect garbage and return free heap pages to the system; False where the C
    library has no ``malloc_trim`` (not glibc): then only the collection is done."""
    _forget_fonts()
    for _ in range(3):  # what one collection frees may make more collectable
        if gc.collect() == 0:
            break
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def release_soon(delay: float = DELAY) -> None:
    """:func:`release` in ``delay`` seconds (a later call restarts the wait)."""
    global _timer
    with _lock:
        if _timer is not None:
            _timer.cancel()
        _timer = threading.Timer(delay, release)
        _timer.daemon = True
        # Solara's patched threads take the current session with them: this one must not
        # keep a closing session alive.
        _timer.current_context = None  # type: ignore[attr-defined]
        _timer.start()
