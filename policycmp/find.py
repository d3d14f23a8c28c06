"""A researcher's lookups over the published tables, loaded (and rebuilt when stale) unless tables are passed:
``policycmp.search`` and ``policycmp.similar`` (the clause lookups of :mod:`policycmp.report.lookup`),
``policycmp.changes`` and ``policycmp.side_by_side`` (what changed between editions,
:mod:`policycmp.analysis.changes`)."""

from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from .analysis import changes as edition_changes
from .publish.load import load_clauses, load_table
from .report.changes import SideBySide
from .report.changes import side_by_side as shown

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
    defaults to the clause and comparison tables (a clause about the same instrument ranks first)."""
    if tables is None:
        tables = {"clauses": load_clauses(), "comparisons": load_table("comparisons")}
    return _lookup().similar(clause_id, k, tables=tables, districts=districts)


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
    clause_changes, amount_changes) default to the published ones. A district with a single edition has nothing
    to compare: no rows. A district the clauses do not have is a ``ParameterError`` naming the districts."""
    return edition_changes.changes(district, _edition_tables(tables), changed_only=changed_only)


def side_by_side(clause_id: str, *, tables: dict[str, pd.DataFrame] | None = None) -> SideBySide:
    """``clause_id`` beside its counterpart in the next edition (or the previous one, for a clause of the
    latest), character differences marked; Jupyter shows it as HTML, ``print`` as text."""
    return shown(clause_id, _edition_tables(tables))
