"""policycmp: compare Chinese district economic policies clause by clause.

In JupyterLab::

    import policycmp
    clauses = policycmp.load_clauses()        # one row per preamble / clause / closing
    quantities = policycmp.load_quantities()  # every amount, share, budget and target
"""
from __future__ import annotations

from .errors import PolicyInputError
from .tables import load_clauses, load_quantities, load_table

__all__ = ["PolicyInputError", "load_clauses", "load_quantities", "load_table", "search", "similar"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # search/similar pull in scikit-learn; import them only when a researcher asks for them.
    if name in ("search", "similar"):
        from . import lookup

        return getattr(lookup, name)
    raise AttributeError(f"module 'policycmp' has no attribute {name!r}")
