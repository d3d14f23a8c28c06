"""Stage 3, compare: the comparison tables built on the clause and quantity tables.

statements     sentences and statements of a clause, as offsets
instruments    comparisons: who pays how much for the same instrument
budgets        budgets: what each document commits, and whether its parts add up
targets        targets: each document's goals by indicator
city_targets   the city's goals from its work report
policy_tools   clause_tools: supply / environment / demand tools per clause
outcomes       outcomes: outcome reports judged and linked to the policy
"""
