"""Animated GIF or MP4 of a run's maps and charts, for slides.

- From the command line, any run: ``cogov-sim output.animation=gif`` (or
  ``mp4``) writes ``animation.gif`` beside the run's other results, one frame
  every ``output.animation_every`` days (:func:`cogov_sim.frontends.api.run` drives a
  :class:`Recorder`).
- From the app, the "Export" buttons replay the current settings from day 0
  to the current day (a run is determined by its settings and seed, so the
  replay is the run the class watched) with :func:`record_classroom`.

GIFs are written with Pillow, MP4s (H.264) with the ffmpeg binary that the
``imageio-ffmpeg`` package ships, so neither needs a system install.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from cogov_sim.frontends.viz.render import FrameRenderer

FORMATS = ("gif", "mp4")


class Recorder:
    """Collects frames of ``models`` (a list of (role, model)) and writes them to ``path``."""

    def __init__(
        self,
        models,
        mechanisms,
        path,
        *,
        fps: int = 8,
        variable="satisfaction",
        lang="en",
        palette="cividis",
        zoom=False,
        difference=False,
    ):
        """``difference``: the app's difference view (one map and chart lines of the
        mechanisms minus the baseline); ``models`` must then be a baseline and a treatment."""
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise ValueError(
                f"cannot write an animation to {path.name!r} (allowed: a .gif or .mp4 file)"
            )
        if not 1 <= int(fps) <= 60:
            raise ValueError(f"invalid frame rate {fps!r} (allowed: an integer in [1, 60])")
        self.path, self.fmt, self.fps = path, fmt, int(fps)
        self.renderer = FrameRenderer(
            models, mechanisms, variable, lang, palette, zoom, difference=difference
        )
        self._palette = gif_palette(variable, palette, difference) if fmt == "gif" else None
        self.frames: list = []
        self._writer = None
        self.seconds = 0.0  # time spent rendering and encoding
        self.count = 0

    def capture(self, models, lock=None) -> None:
        t0 = time.perf_counter()
        rgb = self.renderer.rgb(models, lock)
        if self.fmt == "gif":
            from PIL import Image

            # One fixed palette (see gif_palette), not one adapted to each frame: the
            # markers, lines and colour bar keep the app's exact colours in every frame.
            frame = Image.fromarray(to_palette(rgb, self._palette), mode="P")
            frame.putpalette(self._palette.ravel().tolist())
            self.frames.append(frame)
        else:
            rgb = _even(rgb)
            if self._writer is None:
                import imageio_ffmpeg

                self._writer = imageio_ffmpeg.write_frames(
                    str(self.path),
                    (rgb.shape[1], rgb.shape[0]),
                    fps=self.fps,
                    codec="libx264",
                    pix_fmt_out="yuv420p",
                    macro_block_size=1,
                    quality=7,
                    ffmpeg_log_level="error",
                )
                self._writer.send(None)
            self._writer.send(np.ascontiguousarray(rgb))
        self.count += 1
        self.seconds += time.perf_counter() - t0

    def close(self) -> Path:
        """Write the file; return its path."""
        t0 = time.perf_counter()
        if self.count == 0:
            raise ValueError("no frames to write: capture at least one frame first")
        if self.fmt == "gif":
            first, *rest = self.frames
            first.save(
                self.path,
                save_all=True,
                append_images=rest,
                duration=int(round(1000 / self.fps)),
                loop=0,
                optimize=False,
            )
            self.frames = []
        else:
            self._writer.close()
            self._writer = None
        self.seconds += time.perf_counter() - t0
        return self.path


def gif_palette(variable: str = "satisfaction", palette: str = "cividis", difference=False):
    """The GIF's 256 colours, a (256, 3) uint8 array: every colour the figure draws with
    exactly, then greys for text and edges, then the map's colour scale (``palette``, or
    the difference map's with ``difference``) sampled evenly.

    An adaptive palette per frame (Pillow's median cut) merged the few pixels of a
    marker into their neighbours' colour: firms came out grey, workers teal, and the
    colour bar banded.
    """
    from matplotlib.colors import to_rgb

    from cogov_sim.frontends.viz.render import (
        ACTOR_STYLE,
        ISSUE_STYLE,
        NO_HOUSEHOLD,
        ROLE_STYLE,
        colormap,
        difference_colormap,
    )
    from cogov_sim.results.plots import HOUSING_COLOURS

    exact = ["#ffffff", "#000000", NO_HOUSEHOLD, "#555555"]
    exact += [c for _, c in ISSUE_STYLE] + [c for _, _, c in ACTOR_STYLE.values()]
    exact += [c for c, _ in ROLE_STYLE.values()] + list(HOUSING_COLOURS.values())
    colours = list(dict.fromkeys(tuple(round(255 * v) for v in to_rgb(c)) for c in exact))
    colours += [(g, g, g) for g in range(8, 255, 8)]  # antialiased text and grid lines
    cmap = difference_colormap() if difference else colormap(variable, palette)
    n = 256 - len(colours)
    colours += [tuple(round(255 * v) for v in cmap(i / (n - 1))[:3]) for i in range(n)]
    return np.array(colours[:256], dtype=np.uint8)


def to_palette(rgb: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Each pixel's index of its nearest palette colour (exact colours map to themselves).

    Done here rather than by Pillow's quantize, whose colour cache works at reduced
    precision and so can map a colour to a near neighbour of it in the palette.
    """
    packed = (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8)
    packed |= rgb[..., 2]
    unique, inverse = np.unique(packed.ravel(), return_inverse=True)
    colours = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1)
    pal = palette.astype(np.int32)
    nearest = np.empty(len(colours), dtype=np.uint8)
    for start in range(0, len(colours), 4096):  # bounded memory: 4096 x 256 distances
        block = colours[start : start + 4096]
        d = ((block[:, None, :] - pal[None, :, :]) ** 2).sum(axis=2)
        nearest[start : start + 4096] = d.argmin(axis=1)
    return nearest[inverse].reshape(rgb.shape[:2])


def _even(rgb: np.ndarray) -> np.ndarray:
    """Pad to even width and height (H.264 with yuv420p needs both)."""
    h, w = rgb.shape[:2]
    if h % 2 or w % 2:
        rgb = np.pad(rgb, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
    return rgb


def record_classroom(
    settings, days: int, fmt: str = "gif", *, every: int = 1, fps: int = 8, progress=None
) -> bytes:
    """Replay ``settings`` from day 0 to ``days`` and return the animation file's bytes.

    ``progress(i, n)`` is called after each frame.
    """
    from cogov_sim.frontends.viz.session import ClassroomRun

    if fmt not in FORMATS:
        raise ValueError(f"unknown animation format {fmt!r} (allowed: {', '.join(FORMATS)})")
    if days < 1:
        raise ValueError("nothing to export: the run has not stepped yet")
    run = ClassroomRun(settings)
    every = max(1, int(every))
    marks = sorted({*range(every, days + 1, every), days})
    with tempfile.TemporaryDirectory() as tmp:
        rec = Recorder(
            run.models,
            settings.mechanisms,
            Path(tmp) / f"run.{fmt}",
            fps=fps,
            variable=settings.variable,
            lang=settings.lang,
            palette=settings.palette,
            zoom=settings.zoom,
            difference=settings.shows_difference,  # the view the class is looking at
        )
        for i, day in enumerate(marks, 1):
            run.step(day - run.steps)
            rec.capture(run.models, run.lock)
            if progress is not None:
                progress(i, len(marks))
        return rec.close().read_bytes()
