"""policycmp: compare Chinese district economic policies clause by clause.

In JupyterLab::

    import policycmp
    clauses = policycmp.load_clauses()        # one row per preamble / clause / closing
    quantities = policycmp.load_quantities()  # every amount, share, budget and target
    policycmp.search("孵化器")                 # matching clauses of every district side by side
    policycmp.similar("zhenhai-2024-policy:c15", k=5)
    policycmp.changes("zhenhai")              # what changed from each edition to the next
    policycmp.side_by_side("zhenhai-2024-policy:c2")  # one clause beside its next edition's

The package is laid out by pipeline stage: ``ingest`` → ``extract`` → ``compare`` → ``publish`` →
``report``, on the leaf modules ``model``, ``schema``, ``vocabulary``, ``errors`` and ``paths``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from .errors import PolicyInputError
from .publish.load import load_clauses, load_quantities, load_table
from .report import changes as _changes

__all__ = [
    "PolicyInputError",
    "changes",
    "load_clauses",
    "load_quantities",
    "load_table",
    "search",
    "side_by_side",
    "similar",
]
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
    defaults to :func:`load_clauses`."""
    return _lookup().similar(clause_id, k, tables=load_clauses() if tables is None else tables, districts=districts)


def _edition_tables(tables: dict[str, pd.DataFrame] | None) -> dict[str, pd.DataFrame]:
    if tables is not None:
        return tables
    return {name: load_table(name) for name in ("clauses", "clause_changes", "amount_changes")}


def changes(
    district: str, *, changed_only: bool = False, tables: dict[str, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """What changed from each edition of ``district``'s policy to the next: one row per clause of either
    edition (``unchanged``, ``reworded``, ``amounts_changed``, ``added``, ``removed``), both texts side by side
    with their differences marked ``[-…-]`` / ``{+…+}``, and the amounts that changed. ``tables`` (clauses,
    clause_changes, amount_changes) default to the published ones."""
    return _changes.changes(district, _edition_tables(tables), changed_only=changed_only)


def side_by_side(clause_id: str, *, tables: dict[str, pd.DataFrame] | None = None) -> _changes.SideBySide:
    """``clause_id`` beside its counterpart in the next edition (or the previous one, for a clause of the
    latest), character differences marked; Jupyter shows it as HTML, ``print`` as text."""
    return _changes.side_by_side(clause_id, _edition_tables(tables))
