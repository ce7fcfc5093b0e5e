"""Reading the analysis' YAML list files (patterns, the validation list, parameter
spaces, levers) in one way: the file's text, a mapping at the top, a list under its
key, and one error type per kind of file whose message names the file."""

from __future__ import annotations

import os
from pathlib import Path

import yaml


def read_list_file(
    path: str | os.PathLike, key: str, what: str, error: type[Exception]
) -> tuple[Path, dict, list]:
    """The file at ``path`` as (its path, the top-level mapping, the list under ``key``).

    Raises:
        error: the file cannot be read or parsed ("cannot read <what> <path>: ..."),
            or has no top-level ``key:`` list.
    """
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise error(f"cannot read {what} {p}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise error(f"{p}: expected a top-level '{key}:' list")
    return p, data, data[key]
