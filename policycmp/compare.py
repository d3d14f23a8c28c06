"""The comparison tables, built on the clause and quantity tables: the stage ``policycmp build`` calls.

comparisons  who pays how much for the same instrument, district by district (instruments.py)
budgets      what each document commits in public money, with its consistency check (budgets.py)
targets      each document's goals by indicator, the city's beside its districts' (targets.py,
             city_report.py)
outcomes     the outcome reports' rows, judged against the policies (outcomes.py)
clause_tools each clause's policy tools, supply / environment / demand (policy_tools.py)

Qujiang's measures apply to 2023, the others' to 2024: every table carries ``year`` so a
comparison never hides it, and the notes say so once per build.
"""
from __future__ import annotations

import pandas as pd

from .build import BuildResult
from .budgets import budget_checks, budget_table, load_budget_vocabulary
from .city_report import city_target_rows
from .instruments import comparison_table, load_instruments
from .outcomes import outcomes_table
from .policy_tools import clause_tool_table, load_policy_tools
from .targets import load_indicators, policy_target_rows, target_frame

TABLES = ("comparisons", "budgets", "targets", "outcomes", "clause_tools")


# The same shape as the build's own result, so the build can merge it as it is.
ComparisonResult = BuildResult


def comparison_tables(tables: dict[str, pd.DataFrame], corpus) -> ComparisonResult:
    """All comparison tables from ``tables`` (``clauses`` and ``quantities``) and the corpus.

    Pure: nothing is written. Every vocabulary is read and checked before any table is built, so a
    bad vocabulary raises PolicyInputError and the build publishes nothing.
    """
    instruments = load_instruments()
    indicators = load_indicators()
    tools = load_policy_tools()
    budget_vocab = load_budget_vocabulary()

    clauses, quantities = tables["clauses"], tables["quantities"]
    result = ComparisonResult({})

    result.tables["comparisons"] = comparison_table(clauses, quantities, instruments)

    budgets, checks = budget_checks(budget_table(clauses, quantities, budget_vocab))
    result.tables["budgets"] = budgets
    for check in checks:
        (result.warnings if check.matches is False else result.notes).append(check.message())

    city, city_warnings = city_target_rows(corpus, indicators)
    result.warnings.extend(city_warnings)
    result.tables["targets"] = target_frame(policy_target_rows(clauses, quantities, indicators) + city)

    result.tables["clause_tools"] = clause_tool_table(clauses, tools)
    # the outcome stage may link report rows to these targets, so it sees every table built so far
    result.tables["outcomes"] = outcomes_table(corpus, {**tables, **result.tables})

    result.notes.extend(_summary(result.tables, clauses))
    return result


def _summary(tables: dict[str, pd.DataFrame], clauses: pd.DataFrame) -> list[str]:
    comparisons = tables["comparisons"]
    stated = comparisons[comparisons["stated"]]
    pairs = clauses[["district", "year"]].drop_duplicates().sort_values("district")
    years = ", ".join(f"{d} {y}" for d, y in zip(pairs["district"], pairs["year"]))
    same = pairs["year"].nunique() <= 1
    targets = tables["targets"]
    return [
        f"{len(stated)} instrument rows stated, {int((~comparisons['stated']).sum())} absent "
        f"({comparisons['instrument'].nunique()} instruments)",
        f"{len(targets)} targets ({int((targets['kind_of_source'] == 'city_work_report').sum())} from city "
        f"work reports), {int(targets['indicator'].notna().sum())} named by an indicator",
        f"{len(tables['clause_tools'])} clause × policy-tool rows",
        ("policy years: " if same else "policy years differ: ") + years + " (every comparison row carries its year)",
    ]
