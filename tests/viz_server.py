"""Start and stop ``cogov-sim-viz`` for the browser tests."""

from __future__ import annotations

from contextlib import contextmanager

from cogov_sim.frontends.viz.local import LocalApp, serve_app


@contextmanager
def viz_app(log_path, timeout: float = 90.0, env: dict[str, str] | None = None):
    """Serve the app on a free local port (``env``: extra variables of the server's
    environment); yield a LocalApp (its address and its server's process id); stop it
    by its process id."""
    with serve_app(log_path, timeout, env) as app:
        yield app


@contextmanager
def viz_server(log_path, timeout: float = 90.0, env: dict[str, str] | None = None):
    """As :func:`viz_app`, yielding the app's address only."""
    with viz_app(log_path, timeout, env) as app:
        yield app.url


__all__ = ["LocalApp", "viz_app", "viz_server"]
