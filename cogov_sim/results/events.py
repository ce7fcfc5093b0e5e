"""``events.parquet``: the event log saved so that it explains itself.

In memory the log (:class:`cogov_sim.core.issues.EventLog`) is compact integer
codes, one generic ``value`` column and no place. On disk every coded column
is a dictionary (categorical) column of names, times say their unit, ``value``
is split into one typed column per meaning, "none" is a null, each row
carries the place of its issue's household, and every column has a
description (and unit) in the Parquet schema's field metadata. The columns
and their meaning are :data:`COLUMNS`; ``docs/outputs.md`` is generated from
it (``python -m cogov_sim.results.events --write``) and a test keeps it current.

:func:`read_events` reads a saved log (pandas, categorical columns; the integer and
boolean columns that can be null as pandas' nullable ``Int32`` and ``boolean``, which
plain ``pd.read_parquet`` also gives, from the pandas metadata the file carries);
:func:`log_columns` turns a saved log back into the in-memory codes, so that
every outcome can be recomputed from the file
(:func:`recompute_outcomes` decodes the file for :func:`cogov_sim.core.outcomes.summarize`).
"""

from __future__ import annotations

import argparse
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cogov_sim.core.issues import (
    ISSUE_KEYS,
    Channel,
    EventKind,
    HandlerKind,
    IssueState,
    channel_names,
)
from cogov_sim.core.outcomes import TIMESERIES_KEYS, TIMESERIES_MEANING, summarize
from cogov_sim.core.world import HOUSING_TYPES

#: Rows written per Parquet row group: bounds the memory a large log needs on the way out.
ROW_GROUP = 1 << 21


def _names(enum) -> list[str]:
    return [m.name.lower() for m in sorted(enum, key=int) if int(m) >= 0]


KINDS = _names(EventKind)
STATES = _names(IssueState)
HANDLER_KINDS = _names(HandlerKind)
#: the built-in report channels; plug-ins may register more (``channel_names()``)
CHANNELS = _names(Channel)
ISSUE_TYPES = list(ISSUE_KEYS)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # as shown in the docs
    meaning: str
    unit: str = ""
    categories: tuple[str, ...] = ()
    nullable: bool = False  # null where it does not apply (see the meaning)

    @property
    def pandas_dtype(self) -> str:
        """The column's pandas dtype when read: nullable integers and booleans as pandas'
        ``Int32`` and ``boolean`` (never float or object), coded columns categorical."""
        if self.nullable and self.type in ("int32", "bool"):
            return {"int32": "Int32", "bool": "boolean"}[self.type]
        return self.type

    @property
    def shown_type(self) -> str:
        """The type as docs/outputs.md shows it."""
        return f"{self.type}, nullable" if self.nullable else self.type


#: The columns of ``events.parquet``, in order.
COLUMNS: tuple[Column, ...] = (
    Column("t_hours", "float64", "when the event happened, from the start of day 0", "hours"),
    Column("day", "int32", "the simulated day (0-based) on which the event was processed", "days"),
    Column("issue", "int32", "the issue's id (row of the issue table; ids follow occurrence)"),
    Column("kind", "category", "what happened", categories=tuple(KINDS)),
    Column(
        "state_from",
        "category",
        "the issue's state before the event (null for an occurrence)",
        categories=tuple(STATES),
        nullable=True,
    ),
    Column("state_to", "category", "the issue's state after the event", categories=tuple(STATES)),
    Column("issue_type", "category", "the type of issue", categories=tuple(ISSUE_TYPES)),
    Column("vulnerable", "bool", "the issue's household is vulnerable (elderly, disabled, ...)"),
    Column(
        "handler_kind",
        "category",
        "the kind of handler the issue is with (null before dispatch)",
        categories=tuple(HANDLER_KINDS),
        nullable=True,
    ),
    Column(
        "handler",
        "int32",
        "the handler's index among all handlers (null before dispatch)",
        nullable=True,
    ),
    Column(
        "channel",
        "category",
        "how the issue was discovered (discovery and report rows; null otherwise); "
        "a plug-in's own channels are named too",
        categories=tuple(CHANNELS),
        nullable=True,
    ),
    Column(
        "severity",
        "float64",
        "severity at occurrence, 0-1 (occurrence rows; null otherwise)",
        nullable=True,
    ),
    Column(
        "accurate",
        "bool",
        "the report describes the issue correctly (discovery rows; null otherwise)",
        nullable=True,
    ),
    Column(
        "deadline_hours",
        "float64",
        "the time the issue is due, from the start of day 0 (report rows; null otherwise)",
        "hours",
        nullable=True,
    ),
    Column(
        "success",
        "bool",
        "the handling attempt succeeded (attempt rows); the decision was carried out "
        "(decide rows); the household called back was satisfied (callback rows); null "
        "otherwise",
        nullable=True,
    ),
    Column(
        "false_closure",
        "bool",
        "closed as resolved to meet a closure target without being fixed (resolve rows; "
        "null otherwise)",
        nullable=True,
    ),
    Column(
        "parent",
        "int32",
        "the issue this one recurs from (occurrence rows; null if none)",
        nullable=True,
    ),
    Column("household", "int32", "the issue's household (index into the residents' arrays)"),
    Column("x", "int32", "the household's column on the lattice", "cells"),
    Column("y", "int32", "the household's row on the lattice", "cells"),
    Column("zone", "int32", "the management zone (网格) of the household"),
    Column("community", "int32", "the community (社区) of the household"),
    Column("compound", "int32", "the compound (小区) of the household, managed or not"),
    Column(
        "housing",
        "category",
        "the housing type of the household's compound",
        categories=tuple(HOUSING_TYPES),
    ),
)

#: Which event kind each split ``value`` column belongs to.
_VALUE_OF = {
    "severity": EventKind.OCCUR,
    "accurate": EventKind.DISCOVER,
    "deadline_hours": EventKind.REPORT,
    "success": (EventKind.ATTEMPT, EventKind.DECIDE, EventKind.CALLBACK),
    "false_closure": EventKind.RESOLVE,
}


def _dictionary(codes: np.ndarray, names: list[str]):
    import pyarrow as pa

    codes = np.asarray(codes, dtype=np.int8)
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, mask=codes < 0), pa.array(names, type=pa.string())
    )


def _nullable(values: np.ndarray, null: np.ndarray, type_=None):
    import pyarrow as pa

    return pa.array(values, mask=null, type=type_)


@functools.cache
def _pandas_metadata() -> bytes:
    """The ``pandas`` schema metadata that makes plain ``pd.read_parquet`` read each column
    as :attr:`Column.pandas_dtype`: nullable integers and booleans as ``Int32`` and
    ``boolean`` (pandas would read an int32 column with nulls as float64 and a bool
    column with nulls as object), coded columns as categoricals."""
    import pandas as pd
    import pyarrow as pa

    empty = pd.DataFrame(
        {
            c.name: (
                pd.Categorical([], categories=list(c.categories))
                if c.type == "category"
                else pd.array([], dtype=c.pandas_dtype)
            )
            for c in COLUMNS
        }
    )
    return pa.Schema.from_pandas(empty, preserve_index=False).metadata[b"pandas"]


def schema():
    """The Parquet schema, with each column's meaning (and unit) as field metadata, and
    the pandas metadata that reads nullable integers and booleans as such."""
    import pyarrow as pa

    types = {
        "float64": pa.float64(),
        "int32": pa.int32(),
        "bool": pa.bool_(),
        "category": pa.dictionary(pa.int8(), pa.string()),
    }
    fields = []
    for c in COLUMNS:
        meta = {"meaning": c.meaning}
        if c.unit:
            meta["unit"] = c.unit
        fields.append(pa.field(c.name, types[c.type], metadata=meta))
    return pa.schema(
        fields,
        metadata={"cogov_sim": "event log; see docs/outputs.md", "pandas": _pandas_metadata()},
    )


def _table(cols: dict[str, np.ndarray], place: dict[str, np.ndarray], sl: slice):
    import pyarrow as pa

    kind = cols["kind"][sl]
    value = cols["value"][sl]
    hh = cols["_hh"][sl]
    arrays = {
        "t_hours": pa.array(cols["t"][sl]),
        "day": pa.array(cols["step"][sl]),
        "issue": pa.array(cols["issue"][sl]),
        "kind": _dictionary(kind, KINDS),
        "state_from": _dictionary(cols["state_from"][sl], STATES),
        "state_to": _dictionary(cols["state_to"][sl], STATES),
        "issue_type": _dictionary(cols["itype"][sl], ISSUE_TYPES),
        "vulnerable": pa.array(cols["vulnerable"][sl]),
        "handler_kind": _dictionary(cols["handler_kind"][sl], HANDLER_KINDS),
        "handler": _nullable(cols["handler"][sl], cols["handler"][sl] < 0),
        "channel": _dictionary(cols["channel"][sl], channel_names()),
    }
    for name, kinds in _VALUE_OF.items():
        mine = ~np.isin(kind, np.atleast_1d(np.asarray(kinds, dtype=np.int8)))
        v = value if COLUMNS_BY_NAME[name].type == "float64" else value > 0.5
        arrays[name] = _nullable(v, mine)
    parent = cols["parent"][sl]
    arrays["parent"] = _nullable(parent, parent < 0)
    arrays["household"] = pa.array(hh.astype(np.int32))
    for name in ("x", "y", "zone", "community"):
        arrays[name] = pa.array(place[name][hh].astype(np.int32))
    arrays["compound"] = pa.array(place["compound"][hh].astype(np.int32))
    arrays["housing"] = _dictionary(place["housing"][hh], list(HOUSING_TYPES))
    return pa.Table.from_arrays([arrays[c.name] for c in COLUMNS], schema=schema())


COLUMNS_BY_NAME = {c.name: c for c in COLUMNS}


def write_events(model, path) -> None:
    """Write the model's event log to ``path`` as self-describing Parquet, in row groups
    of :data:`ROW_GROUP` rows (so a city's log of tens of millions of rows needs little
    memory on the way out)."""
    import pyarrow.parquet as pq

    cols = model.events.columns()
    cols["_hh"] = model.issues.hh[cols["issue"]]
    w = model.world
    place = {
        "x": w.x,
        "y": w.y,
        "zone": w.zone,
        "community": w.community,
        "compound": w.block,
        "housing": w.housing,
    }
    n = model.events.n
    with pq.ParquetWriter(str(path), schema()) as writer:
        for a in range(0, max(n, 1), ROW_GROUP):
            writer.write_table(_table(cols, place, slice(a, min(n, a + ROW_GROUP))))


def read_events(path, columns=None):
    """A saved ``events.parquet`` as a pandas DataFrame: coded columns categorical, the
    nullable integer and boolean columns as pandas' ``Int32`` and ``boolean`` (missing is
    ``pd.NA``), floats as float64 (missing is NaN).

    A file written before the log carried its pandas metadata (which pandas would read
    as float and object columns) comes back with the same types."""
    import pandas as pd

    df = pd.read_parquet(path, columns=columns)
    for c in COLUMNS:
        if c.name in df.columns and c.type in ("int32", "bool"):
            want = c.pandas_dtype
            if str(df[c.name].dtype) != want:
                df[c.name] = df[c.name].astype(want)
    return df


def _codes(series, names: list[str]) -> np.ndarray:
    """Names (a categorical or object column; missing = none) back to the model's codes."""
    import pandas as pd

    lookup = {name: i for i, name in enumerate(names)}
    if isinstance(series.dtype, pd.CategoricalDtype):
        # Map each category to its code; the extra last entry is for missing (code -1).
        cats = [lookup.get(c, -1) for c in series.cat.categories] + [-1]
        return np.asarray(cats, dtype=np.int8)[series.cat.codes.to_numpy()]
    return np.array([lookup.get(v, -1) if isinstance(v, str) else -1 for v in series], np.int8)


def _int(series, fill: int = -1) -> np.ndarray:
    return series.fillna(fill).to_numpy().astype(np.int64)


def log_columns(df) -> dict[str, np.ndarray]:
    """A saved (self-describing) event log back as the in-memory columns of
    :class:`cogov_sim.core.issues.EventLog` (codes, one ``value`` column)."""
    kind = _codes(df["kind"], KINDS)
    value = np.zeros(len(df))
    for name, kinds in _VALUE_OF.items():
        mine = np.isin(kind, np.atleast_1d(np.asarray(kinds, dtype=np.int8)))
        v = df[name].to_numpy()
        value[mine] = v[mine].astype(np.float64)
    return {
        "t": df["t_hours"].to_numpy(np.float64),
        "step": df["day"].to_numpy().astype(np.int32),
        "issue": df["issue"].to_numpy().astype(np.int32),
        "kind": kind,
        "state_from": _codes(df["state_from"], STATES),
        "state_to": _codes(df["state_to"], STATES),
        "itype": _codes(df["issue_type"], ISSUE_TYPES),
        "vulnerable": df["vulnerable"].to_numpy().astype(bool),
        "handler_kind": _codes(df["handler_kind"], HANDLER_KINDS),
        "handler": _int(df["handler"]).astype(np.int32),
        "channel": _codes(df["channel"], channel_names()),
        "value": value,
        "parent": _int(df["parent"]).astype(np.int32),
        # where the issue arose (not in the model's log, which has the issue table)
        **({"zone": df["zone"].to_numpy().astype(np.int32)} if "zone" in df else {}),
        **({"housing": _codes(df["housing"], list(HOUSING_TYPES))} if "housing" in df else {}),
    }


def recompute_outcomes(df, state: dict, place=None) -> dict[str, float]:
    """A run's outcomes recomputed from its saved ``events.parquet`` (as a DataFrame) and
    the ``state`` in its ``summary.json``: equal to the summary's ``outcomes``."""
    return summarize(log_columns(df), state, place)


# ------------------------------------------------------------------ docs
DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"
START = "<!-- events-columns:start -->"
END = "<!-- events-columns:end -->"


TS_START = "<!-- timeseries-columns:start -->"
TS_END = "<!-- timeseries-columns:end -->"


def table() -> str:
    """The Markdown table of :data:`COLUMNS` (the one in docs/outputs.md)."""
    lines = ["| column | type | unit | meaning |", "|---|---|---|---|"]
    for c in COLUMNS:
        meaning = c.meaning
        if c.categories:
            meaning += ": " + ", ".join(f"`{x}`" for x in c.categories)
        lines.append(f"| `{c.name}` | {c.shown_type} | {c.unit} | {meaning} |")
    return "\n".join(lines)


def timeseries_table() -> str:
    """The Markdown table of ``timeseries.parquet``'s columns."""
    lines = ["| column | unit | meaning |", "|---|---|---|"]
    for k in TIMESERIES_KEYS:
        meaning, unit = TIMESERIES_MEANING[k]
        lines.append(f"| `{k}` | {unit} | {meaning} |")
    return "\n".join(lines)


def _between(text: str, start: str, end: str, body: str) -> str:
    a, b = text.index(start) + len(start), text.index(end)
    return text[:a] + "\n" + body + "\n" + text[b:]


def render(text: str) -> str:
    """``text`` (docs/outputs.md) with both generated tables refreshed."""
    text = _between(text, START, END, table())
    return _between(text, TS_START, TS_END, timeseries_table())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Refresh the generated tables of docs/outputs.md")
    ap.add_argument("--write", action="store_true", help="rewrite docs/outputs.md in place")
    args = ap.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = render(text)
    if args.write:
        DOC.write_text(new, encoding="utf-8")
    else:
        print(table() + "\n\n" + timeseries_table())


if __name__ == "__main__":
    main()
