"""Measuring the extractors against hand labels: shared by the tests and the benchmarks.

quantities  the labelled quantities of the seed policies and the scorer
similarity  the hand-paired clauses and the rank of each pair in ``similar``
"""
