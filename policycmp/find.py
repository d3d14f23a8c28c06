"""``policycmp.search`` and ``policycmp.similar``: the clause lookups of :mod:`policycmp.report.lookup`
over the published clause table, loaded (and rebuilt when stale) unless a table is passed."""

from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from .publish.load import load_clauses

Tables = pd.DataFrame | dict[str, pd.DataFrame]


def _lookup() -> ModuleType:
    # scikit-learn takes over a second to import; the lookup module is loaded when a researcher first
    # searches, not when the package is imported.
    return importlib.import_module("policycmp.report.lookup")


def search(query: str, *, tables: Tables | None = None) -> pd.DataFrame:
    """Clauses of every district whose text matches ``query`` (a regex or plain text, traditional or
    simplified characters), side by side; ``tables`` defaults to :func:`policycmp.load_clauses`."""
    return _lookup().search(query, tables=load_clauses() if tables is None else tables)


def similar(
    clause_id: str, k: int = 5, *, tables: Tables | None = None, districts: str | list[str] | None = None
) -> pd.DataFrame:
    """The ``k`` clauses of *other* districts that read most like ``clause_id``, best first; ``tables``
    defaults to :func:`policycmp.load_clauses`."""
    return _lookup().similar(clause_id, k, tables=load_clauses() if tables is None else tables, districts=districts)
