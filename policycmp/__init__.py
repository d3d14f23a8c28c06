"""policycmp: compare Chinese district economic policies clause by clause.

In JupyterLab::

    import policycmp
    clauses = policycmp.load_clauses()        # one row per preamble / clause / closing
    quantities = policycmp.load_quantities()  # every amount, share, budget and target
    policycmp.search("孵化器")                 # matching clauses of every district side by side
    policycmp.similar("zhenhai-2024-policy:c15", k=5)

The package is laid out by pipeline stage: ``ingest`` → ``extract`` → ``compare`` → ``publish`` →
``report``, on the leaf modules ``model``, ``schema``, ``vocabulary``, ``errors`` and ``paths``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from .errors import PolicyInputError
from .publish.load import load_clauses, load_quantities, load_table

__all__ = ["PolicyInputError", "load_clauses", "load_quantities", "load_table", "search", "similar"]
__version__ = "0.1.0"

Tables = pd.DataFrame | dict[str, pd.DataFrame]


def _lookup() -> ModuleType:
    # scikit-learn takes over a second to import; every `policycmp` command starts by importing this
    # package, so the lookup module is loaded when a researcher first searches, not before.
    return importlib.import_module("policycmp.report.lookup")


def search(query: str, *, tables: Tables | None = None) -> pd.DataFrame:
    """Clauses of every district whose text matches ``query`` (a regex or plain text, traditional or
    simplified characters), side by side; ``tables`` defaults to :func:`load_clauses`."""
    return _lookup().search(query, tables=load_clauses() if tables is None else tables)


def similar(
    clause_id: str, k: int = 5, *, tables: Tables | None = None, districts: str | list[str] | None = None
) -> pd.DataFrame:
    """The ``k`` clauses of *other* districts that read most like ``clause_id``, best first; ``tables``
    defaults to the clause and comparison tables (a clause about the same instrument ranks first)."""
    if tables is None:
        tables = {"clauses": load_clauses(), "comparisons": load_table("comparisons")}
    return _lookup().similar(clause_id, k, tables=tables, districts=districts)
