"""Reading the published tables back, rebuilding them first when the inputs changed.

A read that rebuilds is a read that writes, and may take a while: it says so. The line goes to the
``policycmp`` logger at WARNING, which Jupyter shows under the cell (through Python's last-resort
handler when the notebook configured no logging), with every warning of the build; nothing is lost
because the build ran out of sight.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..schema import TABLES
from .build import build
from .fingerprint import is_stale
from .log import grouped

log = logging.getLogger("policycmp")


def load_table(
    name: str, *, raw_dir: str | Path | None = None, out_dir: str | Path | None = None, rebuild: bool = True
) -> pd.DataFrame:
    """Table ``name`` (e.g. ``"clauses"``; every name is a key of :data:`policycmp.schema.TABLES`) from
    the processed folder.

    When ``rebuild`` is true and the folder is missing or was built from other inputs (raw files,
    registry, or this package's code and vocabularies), ``policycmp build`` runs first, and a logged
    line says so with the build's warnings. A name that is no table is a ``ValueError`` listing the
    tables, before any build.
    """
    if name not in TABLES:
        raise ValueError(f"load_table: no table {name!r}; the tables are {', '.join(sorted(TABLES))}")
    out = Path(out_dir) if out_dir else paths.processed_dir()
    if rebuild and is_stale(raw_dir, out):
        rebuild_tables(raw_dir, out)
    path = out / f"{name}.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such table (run `policycmp build`)")
    # Parquet keeps the dtypes the build gave each column (string, Int64, float64…).
    return pd.read_parquet(path)


def rebuild_tables(raw_dir: str | Path | None, out: Path) -> None:
    """``policycmp build`` into ``out``, announced on the ``policycmp`` logger with its warnings."""
    result = build(raw_dir, out, echo=lambda *a, **k: None, progress=False)
    warnings = grouped(result.warnings, result.kinds)
    shown = "".join(f"\n  warning: {w}" for w in warnings)
    log.warning(
        "policycmp: the tables in %s were stale (a raw file, the registry, the code or a vocabulary changed), "
        "so they were rebuilt (%d warnings)%s",
        out,
        len(warnings),
        shown,
    )


def load_clauses(**kwargs: Any) -> pd.DataFrame:
    """The clause table: one row per preamble, numbered clause and closing of every policy."""
    return load_table("clauses", **kwargs)


def load_quantities(**kwargs: Any) -> pd.DataFrame:
    """Every quantity stated in a clause row, normalised to base units."""
    return load_table("quantities", **kwargs)
