"""A font with Chinese glyphs for figures labelled in Chinese (the app, the fit report)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Arial Unicode MS",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """An installed font family with Chinese glyphs, or None.

    Fonts installed after matplotlib built its font cache are not in the cache:
    when none is found there, the system's font files are searched once.
    """
    from matplotlib import font_manager

    def known():
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((f for f in CJK_FAMILIES if f in names), None)

    found = known()
    if found is None:
        hints = ("wqy", "notosanscjk", "sourcehansans", "simhei", "msyh", "pingfang", "heiti")
        for path in font_manager.findSystemFonts():
            if any(h in Path(path).name.lower().replace("-", "") for h in hints):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = known()
    return found
