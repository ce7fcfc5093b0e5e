"""One classroom run: the settings a teacher picked, and the model(s) they build.

No Solara and no plotting here: the app (:mod:`cogov_sim.frontends.viz.app`), the
animation export (:mod:`cogov_sim.frontends.viz.export`) and the tests share this module.

- :class:`Settings` is everything the teacher can set. :meth:`Settings.from_query`
  reads them from a page address (``?preset=full_package&seed=3&lang=zh``),
  ignoring each bad value with a warning; :meth:`Settings.replace` applies one
  control change and raises :class:`SettingsError` on a bad value, so a
  malformed slider message can never reach the model.
- :class:`ClassroomRun` builds the model under the chosen mechanisms and, side
  by side, the baseline: the same seed and world with the policy mechanisms off
  (a scenario such as the flood stays on). Both step together. A lock keeps a
  render from reading arrays while a step writes them.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import yaml

from cogov_sim.core.checks import ConfigError
from cogov_sim.core.config import make_config
from cogov_sim.core.mechanisms import MECHANISMS, resolve
from cogov_sim.core.world_file import WorldFileError
from cogov_sim.frontends.hydra_setup import config_dir
from cogov_sim.frontends.viz.labels import (
    KEY_PARAM_BY_DOTTED,
    LANGUAGES,
    PALETTES,
    PRESETS,
    VARIABLES,
    key_param,
)

PRESET_DIR = config_dir() / "preset"

#: Mechanisms that are scenarios (shocks), not policies: the baseline keeps them.
SCENARIO_MECHANISMS = tuple(name for name, cls in MECHANISMS.items() if cls.scenario)


def check_mechanism(name: str) -> str:
    """The name the app uses for mechanism ``name``: a built-in or installed one's name
    (also when ``name`` is its import path), or an import path ``package.module:Class``
    of another mechanism class. Raises SettingsError when it names no mechanism."""
    if name in MECHANISMS:
        return name
    if ":" in name:
        try:
            cls = resolve(name)
        except ConfigError:
            pass
        else:
            return cls.name if MECHANISMS.get(cls.name) is cls else name
    allowed = [*MECHANISMS, "package.module:Class"]
    raise _unknown("mechanism", "机制", name, allowed)


def _is_scenario(name: str) -> bool:
    return name in SCENARIO_MECHANISMS or (name not in MECHANISMS and resolve(name).scenario)


#: The page-address keys of settings (besides key parameters and ``mechanisms``).
ADDRESS_FIELDS = (
    "preset",
    "world",
    "seed",
    "size",
    "side_by_side",
    "variable",
    "palette",
    "zoom",
    "difference",
    "lang",
)
#: Unknown page-address keys named in a warning each; the rest are counted in one.
MAX_UNKNOWN_REPORTED = 5

SIZE_RANGE = (20, 80)
SEED_RANGE = (0, 2**32 - 1)
#: The app's run length: long enough for any lesson.
MAX_DAYS = 3650


class Message(str):
    """A message in English (the string itself) that also knows its Chinese wording."""

    zh: str | None

    def __new__(cls, en: str, zh: str | None = None):
        obj = super().__new__(cls, en)
        obj.zh = zh
        return obj

    def text(self, lang: str) -> str:
        """The message in ``lang`` (English where no Chinese wording is known)."""
        return self.zh if lang == "zh" and self.zh else str(self)


class SettingsError(ValueError):
    """A control or page-address value is invalid; the message names it and what is allowed.

    ``str(exc)`` is English; ``exc.message`` is a :class:`Message` with the Chinese too.
    """

    def __init__(self, en: str, zh: str | None = None):
        super().__init__(en)
        self.message = Message(en, zh)

    def text(self, lang: str) -> str:
        return self.message.text(lang)


def _invalid(name, value, en: str, zh: str) -> SettingsError:
    return SettingsError(
        f"invalid value for '{name}': {value!r} (allowed: {en})",
        f"“{name}”的值无效：{value!r}（允许：{zh}）",
    )


def _unknown(what_en: str, what_zh: str, value, allowed) -> SettingsError:
    names = ", ".join(allowed)
    return SettingsError(
        f"unknown {what_en} {value!r} (allowed: {names})",
        f"未知的{what_zh} {value!r}（可选：{names}）",
    )


def preset_mechanisms(preset: str) -> tuple[str, ...]:
    """The mechanisms a preset of ``configs/preset`` switches on."""
    if preset not in PRESETS:
        raise _unknown("scenario preset", "情景预设", preset, PRESETS)
    data = yaml.safe_load((PRESET_DIR / f"{preset}.yaml").read_text()) or {}
    return tuple(data.get("mechanisms", []))


@cache
def _default(dotted: str):
    """The schema default of a key (cached: building the schema takes ~0.1 s, and the app
    asks for every slider's value on every render)."""
    from omegaconf import OmegaConf

    from cogov_sim.core.config import default_config

    return OmegaConf.select(default_config(), dotted)


@dataclass(frozen=True)
class Settings:
    """What the teacher chose. Display-only fields (variable, lang) do not rebuild the run."""

    preset: str = "none"
    #: "classroom" (a generated street of ``size`` x ``size`` cells) or a world built from
    #: files (the shipped example street, or one saved with ``cogov-sim-fit world --save``)
    world: str = "classroom"
    mechanisms: tuple[str, ...] = ()
    params: tuple[tuple[str, float], ...] = ()  # (dotted key of a KeyParam, value), sorted
    seed: int = 42
    size: int = 50
    side_by_side: bool = True
    variable: str = "satisfaction"
    palette: str = "cividis"  # the map's colours: PALETTES
    zoom: bool = False  # charts' value axes fitted to the data instead of 0-100 / from 0
    difference: bool = False  # side by side: one map and chart lines of mechanisms - baseline
    lang: str = "en"

    MODEL_FIELDS = ("world", "mechanisms", "params", "seed", "size", "side_by_side")

    # ---------------------------------------------------------------- build
    def config(self, mechanisms=None):
        """The model config of these settings (``mechanisms`` defaults to the chosen ones)."""
        mechs = list(self.mechanisms if mechanisms is None else mechanisms)
        params = _params_of(self.params, mechs)
        if self.world == "classroom":
            world = {"world.name": "classroom", "world.width": self.size, "world.height": self.size}
        else:
            world = {"world": self.world}
        dotted = {
            **world,
            "seed": self.seed,
            "steps": MAX_DAYS,
            "mechanisms": mechs,
        }
        dotted.update(params)
        return make_config(None, **dotted)

    @property
    def shows_difference(self) -> bool:
        """The difference view: asked for, and there is a baseline to take it from."""
        return self.difference and self.side_by_side

    @property
    def baseline_mechanisms(self) -> tuple[str, ...]:
        return tuple(m for m in self.mechanisms if _is_scenario(m))

    def model_key(self) -> tuple:
        """Settings that need a new run when they change."""
        return tuple(getattr(self, f) for f in self.MODEL_FIELDS)

    def param(self, dotted: str) -> float:
        """The current value of a key parameter (the schema default when not set)."""
        own = dict(self.params)
        if dotted in own:
            return own[dotted]
        if dotted in KEY_PARAM_BY_DOTTED:
            return _default(dotted)
        kp = key_param(dotted, self.mechanisms)  # of an import-path mechanism
        return kp.default if kp is not None else _default(dotted)

    # --------------------------------------------------------------- change
    def replace(self, name: str, value) -> Settings:
        """These settings with one control changed.

        ``name`` is a field name, ``mechanism:<name>`` (value: on/off) or the
        dotted key of a key parameter. Raises SettingsError on a bad value.
        """
        if name.startswith("mechanism:"):
            mech = check_mechanism(name.split(":", 1)[1])
            # Order matters (hooks run in list order, as in a config): keep the order, a
            # mechanism switched on goes last.
            on = _bool(value, name)
            if on and mech in self.mechanisms:
                return self
            mechs = [m for m in self.mechanisms if m != mech] + ([mech] if on else [])
            return self._with_mechanisms(tuple(mechs))
        kp = key_param(name, self.mechanisms)
        if kp is not None:
            v = _number(value, name)
            if not kp.lo <= v <= kp.hi:
                interval = f"[{kp.lo:g}, {kp.hi:g}]"
                raise _invalid(name, value, f"a number in {interval}", f"{interval} 内的数")
            # On the slider's grid, as the slider would put it (a value off the grid, from
            # a page address, would be moved by the slider when it appears: a new run).
            v = kp.lo + round((v - kp.lo) / kp.step) * kp.step
            v = int(round(v)) if kp.integer else round(float(v), 10)
            if v == self.param(name):  # e.g. a slider echoing its value: no new run
                return self
            params = dict(self.params)
            params[name] = v
            if v == self._without(name).param(name):  # back at its default: not its own
                del params[name]
            return dataclasses.replace(self, params=tuple(sorted(params.items())))
        if name == "preset":
            mechs = preset_mechanisms(str(value))
            return dataclasses.replace(self._with_mechanisms(mechs), preset=str(value))
        if name == "world":
            return dataclasses.replace(self, world=_choice(value, name, app_worlds()))
        if name == "seed":
            return dataclasses.replace(self, seed=_int_in(value, name, *SEED_RANGE))
        if name == "size":
            return dataclasses.replace(self, size=_int_in(value, name, *SIZE_RANGE))
        if name == "side_by_side":
            return dataclasses.replace(self, side_by_side=_bool(value, name))
        if name == "variable":
            return dataclasses.replace(self, variable=_choice(value, name, VARIABLES))
        if name == "palette":
            return dataclasses.replace(self, palette=_choice(value, name, PALETTES))
        if name == "zoom":
            return dataclasses.replace(self, zoom=_bool(value, name))
        if name == "difference":
            return dataclasses.replace(self, difference=_bool(value, name))
        if name == "lang":
            return dataclasses.replace(self, lang=_choice(value, name, LANGUAGES))
        raise SettingsError(f"unknown setting {name!r}", f"未知的设置 {name!r}")

    def _with_mechanisms(self, mechs: tuple[str, ...]) -> Settings:
        """These settings with mechanisms ``mechs``, without the parameters of an import-path
        mechanism no longer among them (the config would have no section for them)."""
        params = tuple(sorted(_params_of(self.params, mechs).items()))
        return dataclasses.replace(self, mechanisms=tuple(mechs), params=params)

    def _without(self, dotted: str) -> Settings:
        return dataclasses.replace(self, params=tuple(p for p in self.params if p[0] != dotted))

    @classmethod
    def from_query(cls, query: dict[str, str | list[str]]) -> tuple[Settings, list[Message]]:
        """Settings from page-address parameters; each bad one is ignored with a warning
        (a :class:`Message`: English, and Chinese by ``.text("zh")``).

        Keys: preset, mechanisms (comma-separated), seed, size, side_by_side,
        variable, palette, zoom, difference, lang, and key parameters by dotted name (with or
        without the ``mechanism_params.`` prefix). :meth:`to_query` writes them.
        """
        s, warnings = cls(), []
        items = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in query.items()}
        order = ["preset", "mechanisms"] + [k for k in items if k not in ("preset", "mechanisms")]
        unknown = 0
        for key in order:
            if key not in items:
                continue
            value = items[key]
            name = key if len(key) <= 40 else key[:40] + "…"  # as a message quotes it
            try:
                if key == "mechanisms":
                    names = [check_mechanism(n) for n in str(value).split(",") if n]
                    s = s._with_mechanisms(tuple(dict.fromkeys(names)))
                elif kp := (
                    key_param(key, s.mechanisms)
                    or key_param(f"mechanism_params.{key}", s.mechanisms)
                ):
                    s = s.replace(kp.dotted, value)
                elif key in ADDRESS_FIELDS:
                    s = s.replace(key, value)
                else:
                    # Ignored cheaply: each warning is a line on the page, and a page
                    # address with thousands of keys cost seconds of server time to show.
                    unknown += 1
                    if unknown <= MAX_UNKNOWN_REPORTED:
                        raise SettingsError(f"unknown setting {name!r}", f"未知的设置 {name!r}")
            except SettingsError as exc:
                warnings.append(Message(f"{name}: {exc}", f"{name}: {exc.text('zh')}"))
        if unknown > MAX_UNKNOWN_REPORTED:
            more = unknown - MAX_UNKNOWN_REPORTED
            warnings.append(
                Message(
                    f"{more:,} more unknown settings ignored", f"另有 {more:,} 个未知设置被忽略"
                )
            )
        return s, warnings

    def to_query(self) -> str:
        """The page address's query of these settings (without ``?``); only what differs
        from the defaults, so ``Settings.from_query(parse_qs(s.to_query()))`` gives ``s``
        back (and the default settings give an empty query)."""
        from urllib.parse import urlencode

        default = Settings()
        items: list[tuple[str, str]] = []
        if self.preset != default.preset:
            items.append(("preset", self.preset))
        if (
            self.preset == "none"
            and self.mechanisms
            or (self.preset != "none" and self.mechanisms != preset_mechanisms(self.preset))
        ):
            items.append(("mechanisms", ",".join(self.mechanisms)))
        for name in (f for f in ADDRESS_FIELDS if f != "preset"):  # preset: above
            value = getattr(self, name)
            if value != getattr(default, name):
                items.append((name, str(value).lower() if isinstance(value, bool) else str(value)))
        items += [(k.removeprefix("mechanism_params."), repr(v)) for k, v in self.params]
        return urlencode(items, safe=",:")


def app_worlds() -> dict[str, dict[str, str]]:
    """The worlds the app offers, name -> label by language: the generated classroom
    street and every world preset built from files (``world.compounds``): the shipped
    example street and the user's saved ones."""
    from cogov_sim.core.config import world_presets

    out = {"classroom": {"en": "classroom (generated)", "zh": "课堂街区（生成）"}}
    for name, keys in world_presets().items():
        if keys.get("compounds"):
            zh = "示例街道（来自文件）" if name == "example_street" else f"{name}（来自文件）"
            out[name] = {"en": f"{name.replace('_', ' ')} (from files)", "zh": zh}
    return out


def _params_of(params, mechanisms) -> dict:
    """The key-parameter settings ``params`` that a config with ``mechanisms`` has a section
    for: those of built-in and installed mechanisms, and of the import paths among them."""
    return {k: v for k, v in params if k in KEY_PARAM_BY_DOTTED or key_param(k, mechanisms)}


def _number(value, name) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise _invalid(name, value, "a number", "一个数") from None
    if not np.isfinite(v):
        raise _invalid(name, value, "a finite number", "一个有限的数")
    return v


def _int_in(value, name, lo, hi) -> int:
    v = _number(value, name)
    if not (v.is_integer() and lo <= v <= hi):
        raise _invalid(name, value, f"an integer in [{lo}, {hi}]", f"[{lo}, {hi}] 内的整数")
    return int(v)


def _bool(value, name) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise _invalid(name, value, "true or false", "true 或 false")


def _choice(value, name, allowed) -> str:
    if value not in allowed:
        raise _invalid(name, value, ", ".join(allowed), "、".join(allowed))
    return str(value)


#: the most cells a side the app's map draws (the browser gets each household's column
#: and row as one byte)
MAX_MAP_SIDE = 256


@dataclass
class ClassroomRun:
    """The model under the chosen mechanisms and, side by side, the baseline; they step together."""

    settings: Settings
    treatment: object = field(init=False)
    baseline: object | None = field(init=False, default=None)
    lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from cogov_sim.core.model import CoGovModel

        s = self.settings
        try:
            self.treatment = CoGovModel(s.config())
            if s.side_by_side:
                self.baseline = CoGovModel(s.config(s.baseline_mechanisms))
        except (ConfigError, WorldFileError) as exc:
            raise SettingsError(str(exc), f"模型设置无效：{exc}") from None
        w = self.treatment.world
        if max(w.width, w.height) > MAX_MAP_SIDE:
            side = f"{w.width} x {w.height}"
            raise SettingsError(
                f"the street {s.world!r} is {side} cells, more than the app's map shows "
                f"({MAX_MAP_SIDE} a side): save it with a larger cell (cogov-sim-fit world "
                "--cell-metres)",
                f"街区 {s.world!r} 为 {side} 格，超出应用地图上限（每边 {MAX_MAP_SIDE} 格）："
                "请用更大的格子重新保存（cogov-sim-fit world --cell-metres）",
            )

    @property
    def models(self) -> list[tuple[str, object]]:
        """(role, model) pairs in display order: baseline first when side by side."""
        if self.baseline is None:
            return [("single", self.treatment)]
        return [("baseline", self.baseline), ("treatment", self.treatment)]

    def pair(self) -> tuple[object, object]:
        """(baseline, treatment); the run must be side by side."""
        if self.baseline is None:
            raise ValueError("a difference needs the baseline: the run is not side by side")
        return self.baseline, self.treatment

    @property
    def steps(self) -> int:
        return int(self.treatment.day + 1)

    @property
    def finished(self) -> bool:
        return self.steps >= MAX_DAYS

    def step(self, n: int = 1) -> int:
        """Advance every model ``n`` days (fewer at the last day); return the step counter."""
        with self.lock:
            for _ in range(n):
                if self.finished:
                    break
                for _, m in self.models:
                    m.step()
        return self.steps
