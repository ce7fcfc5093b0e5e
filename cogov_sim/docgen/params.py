"""The parameter table of docs/ODD.md, generated from the typed schema.

Every config key with its default, allowed values, unit and meaning: for a
number, its field's :func:`cogov_sim.core.params.param` metadata (the same
metadata validation checks); for a switch, text or list, the comment on its
field in :mod:`cogov_sim.core.config`. ``python -m cogov_sim.docgen.params --write``
refreshes the table between the markers in ``docs/ODD.md``; a test checks it
is current, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import argparse
import inspect
import re
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from cogov_sim.core import config as config_module
from cogov_sim.core.config import default_config
from cogov_sim.core.params import param_infos

START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"
ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
_FIELD = re.compile(r"^\s+(\w+):\s*[^=]+=.*?#\s*(.+)$")


def _comments() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, cls in inspect.getmembers(config_module, inspect.isclass):
        if cls.__module__ != config_module.__name__:
            continue
        fields = {}
        for line in inspect.getsource(cls).splitlines():
            m = _FIELD.match(line)
            if m:
                fields[m.group(1)] = m.group(2).strip()
        out[name] = fields
    return out


def _allowed(key: str, value) -> str:
    if isinstance(value, bool):
        return "true / false"
    if key == "mechanisms":
        from cogov_sim.core.mechanisms import MECHANISMS

        return "list of: " + ", ".join(MECHANISMS) + ", or import paths"
    if key == "workers.remit":
        return "list of issue types"
    if isinstance(value, str):
        return "text"
    return ""


def rows(node: DictConfig | None = None, prefix: str = "") -> list[tuple[str, str, str, str, str]]:
    """``(key, default, allowed, unit, meaning)`` of every leaf of the schema (or ``node``)."""
    comments = _comments()
    out = []

    def walk(node: DictConfig, prefix: str) -> None:
        cls = OmegaConf.get_type(node)
        doc = {}
        for base in reversed(getattr(cls, "__mro__", ())):  # a subclass's comments win
            doc.update(comments.get(base.__name__, {}))
        infos = param_infos(cls) if cls is not None and cls is not dict else {}
        for k in node.keys():
            child = node._get_node(k)
            key = f"{prefix}{k}"
            if isinstance(child, DictConfig):
                walk(child, key + ".")
                continue
            value = OmegaConf.to_container(child) if hasattr(child, "_content") else node[k]
            if isinstance(value, list):
                shown = "[" + ", ".join(map(str, value)) + "]"
            else:
                shown = str(value)
            info = infos.get(k)
            if info is not None:
                out.append((key, shown, info.allowed, info.unit, info.meaning))
            else:
                out.append((key, shown, _allowed(key, value), "", doc.get(k, "")))

    walk(default_config() if node is None else node, prefix)
    return out


def params_rows(params_cls) -> list[tuple[str, str, str, str, str]]:
    """The rows of one mechanism's ``Params`` dataclass (keys without prefix)."""
    return rows(OmegaConf.structured(params_cls))


def table() -> str:
    lines = ["| key | default | allowed | unit | meaning |", "|---|---|---|---|---|"]
    for key, default, allowed, unit, meaning in rows():
        lines.append(f"| `{key}` | {default} | {allowed} | {unit} | {meaning} |")
    return "\n".join(lines)


def render(text: str) -> str:
    """``text`` with the table between the markers replaced by the current one."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> None:
    ap = argparse.ArgumentParser(description="Print or refresh the ODD parameter table.")
    ap.add_argument("--write", action="store_true", help=f"update {ODD} in place")
    args = ap.parse_args()
    if args.write:
        ODD.write_text(render(ODD.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"updated {ODD}")
    else:
        print(table())


if __name__ == "__main__":
    main()
