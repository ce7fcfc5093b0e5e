"""``timeseries.parquet``: the daily outcomes saved so that they explain themselves.

Like ``events.parquet`` (:mod:`cogov_sim.results.events`), every column carries its
meaning and unit in the Parquet schema's field metadata, from
:data:`cogov_sim.core.outcomes.TIMESERIES_MEANING` (the table of ``docs/outputs.md``
is generated from the same), so that a database or a notebook reading the file alone
knows what ``escalations`` counts and in which unit. An outcome undefined on a day
(no case due yet, say) is a null: pandas reads it as NaN, and SQL's ``avg`` leaves it
out instead of returning NaN.

:func:`write_timeseries` writes the model's table (:meth:`CoGovModel.timeseries`);
:func:`read_timeseries` reads it back (``pd.read_parquet`` does the same).
"""

from __future__ import annotations

from cogov_sim.core.outcomes import TIMESERIES_MEANING

#: The file-level metadata: what the file is and where its columns are described.
DESCRIPTION = "time series, one row per simulated day at its end; see docs/outputs.md"


def schema(df):
    """The Arrow schema of the DataFrame ``df`` (a run's time series), each column with its
    ``meaning`` and ``unit`` as field metadata.

    Raises:
        ValueError: a column has no meaning in :data:`TIMESERIES_MEANING` (add it there,
            so that the file and docs/outputs.md describe it).
    """
    import pyarrow as pa

    base = pa.Schema.from_pandas(df, preserve_index=False)
    missing = [n for n in base.names if n not in TIMESERIES_MEANING]
    if missing:
        raise ValueError(
            f"timeseries.parquet: column(s) {', '.join(missing)} have no meaning and unit in "
            "cogov_sim.core.outcomes.TIMESERIES_MEANING"
        )
    fields = []
    for f in base:
        meaning, unit = TIMESERIES_MEANING[f.name]
        meta = {"meaning": meaning}
        if unit:
            meta["unit"] = unit
        fields.append(f.with_metadata(meta))
    return pa.schema(fields, metadata={**(base.metadata or {}), b"cogov_sim": DESCRIPTION})


def write_timeseries(df, path) -> None:
    """Write a run's time series (one row per day) to ``path`` as self-describing Parquet:
    the columns' meanings and units in the field metadata, undefined values (NaN) as nulls."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, schema=schema(df), preserve_index=False)
    pq.write_table(table, str(path))


def read_timeseries(path, columns=None):
    """A saved ``timeseries.parquet`` as a pandas DataFrame (nulls as NaN)."""
    import pandas as pd

    return pd.read_parquet(path, columns=columns)
