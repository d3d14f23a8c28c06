"""Picking quantities: the largest amounts, in an order that does not depend on how rows were read."""

from __future__ import annotations

import pandas as pd


def largest(quantities: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` largest ``value`` rows, largest first; equal values by clause id, then position in the clause."""
    order = quantities.sort_values(["value", "clause_id", "start"], ascending=[False, True, True], kind="stable")
    return order.head(n)
