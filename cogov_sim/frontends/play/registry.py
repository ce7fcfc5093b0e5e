"""The classes one server holds, by join code, and the timer that ends their rounds.

A join code admits to its class only: codes are drawn at random from 31 unambiguous
characters (no 0/O, 1/I/L), six long, and a class is found by its code alone. The
teacher's actions need the class's teacher key, which only the teacher's page has.
Classes do not share anything but the server's processor: each has its own models,
lock and players.
"""

from __future__ import annotations

import secrets
import threading
import time

from cogov_sim.frontends.play.game import ClassError, ClassGame, ClassSetup, NotYours
from cogov_sim.frontends.play.record import keep_for_research

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: classes one server holds at once (each holds two models of its street)
MAX_CLASSES = 8
#: a finished or abandoned class is forgotten after this many hours
KEEP_HOURS = 12.0


def normal_code(code: str) -> str:
    """A join code as typed (any case, spaces or dashes) in its stored form."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


class Classes:
    """The server's classes (one registry per server process: :data:`CLASSES`)."""

    def __init__(self, max_classes: int = MAX_CLASSES, tick_seconds: float = 0.25):
        self.max_classes = max_classes
        self.tick_seconds = tick_seconds
        self._games: dict[str, ClassGame] = {}
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    def create(self, setup: ClassSetup | dict) -> ClassGame:
        if isinstance(setup, dict):
            setup = ClassSetup.from_dict(setup)
        with self._lock:
            self._forget_old()
            if len(self._games) >= self.max_classes:
                raise ClassError(
                    f"this server already holds {self.max_classes} classes; close one first"
                )
            while True:
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                if code not in self._games:
                    break
            self._games[code] = None  # reserved while its models are built
        try:
            game = ClassGame(setup, code)
            game.on_finish = keep_for_research
        except BaseException:
            with self._lock:
                self._games.pop(code, None)
            raise
        with self._lock:
            self._games[code] = game
        self._start_ticker()
        return game

    def get(self, code: str) -> ClassGame:
        game = self._games.get(normal_code(code))
        if game is None:
            raise ClassError(f"no class with code {normal_code(code) or code!r} on this server")
        return game

    def teacher(self, code: str, key: str) -> ClassGame:
        game = self.get(code)
        given = str(key or "").encode("utf-8", "replace")
        if not secrets.compare_digest(given, game.teacher_key.encode()):
            raise NotYours("only this class's teacher page can do that")
        return game

    def close(self, code: str, key: str) -> None:
        self.teacher(code, key)
        with self._lock:
            self._games.pop(normal_code(code), None)

    def games(self) -> list[ClassGame]:
        return [g for g in list(self._games.values()) if g is not None]

    def _forget_old(self) -> None:
        old = time.time() - KEEP_HOURS * 3600
        for code, g in list(self._games.items()):
            if g is not None and g.created < old:
                del self._games[code]

    # ----------------------------------------------------------- the timer
    def _start_ticker(self) -> None:
        if self._ticker is None or not self._ticker.is_alive():
            self._ticker = threading.Thread(
                target=self._tick, name="cogov-class-timer", daemon=True
            )
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            for g in self.games():
                try:
                    g.tick()
                except Exception:  # noqa: BLE001 - one class's failure never stops the others
                    import traceback

                    traceback.print_exc()

    def stop(self) -> None:
        self._stop.set()


#: the classes of this server process
CLASSES = Classes()
