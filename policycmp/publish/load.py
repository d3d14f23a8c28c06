"""Reading the published tables back, rebuilding them first when the inputs changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..schema import TABLES
from .build import build
from .fingerprint import is_stale


def load_table(
    name: str, *, raw_dir: str | Path | None = None, out_dir: str | Path | None = None, rebuild: bool = True
) -> pd.DataFrame:
    """Table ``name`` (e.g. ``"clauses"``; every name is a key of :data:`policycmp.schema.TABLES`) from
    the processed folder.

    When ``rebuild`` is true and the folder is missing or was built from other inputs (raw files,
    registry, or this package's code and vocabularies), ``policycmp build`` runs first. A name that is
    no table is a ``ValueError`` listing the tables, before any build.
    """
    if name not in TABLES:
        raise ValueError(f"load_table: no table {name!r}; the tables are {', '.join(sorted(TABLES))}")
    out = Path(out_dir) if out_dir else paths.processed_dir()
    if rebuild and is_stale(raw_dir, out):
        build(raw_dir, out, echo=lambda *a, **k: None, progress=False)
    path = out / f"{name}.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such table (run `policycmp build`)")
    # Parquet keeps the dtypes the build gave each column (string, Int64, float64…).
    return pd.read_parquet(path)


def load_clauses(**kwargs: Any) -> pd.DataFrame:
    """The clause table: one row per preamble, numbered clause and closing of every policy."""
    return load_table("clauses", **kwargs)


def load_quantities(**kwargs: Any) -> pd.DataFrame:
    """Every quantity stated in a clause row, normalised to base units."""
    return load_table("quantities", **kwargs)
