"""Reading the published tables back, rebuilding them first when the inputs changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from .build import build
from .fingerprint import is_stale


def load_table(
    name: str, *, raw_dir: str | Path | None = None, out_dir: str | Path | None = None, rebuild: bool = True
) -> pd.DataFrame:
    """Table ``name`` (e.g. ``"clauses"``) from the processed folder.

    When ``rebuild`` is true and the folder is missing or was built from other inputs (raw files,
    registry, or this package's code and vocabularies), ``policycmp build`` runs first.
    """
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
