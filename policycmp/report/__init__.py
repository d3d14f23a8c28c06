"""Stage 5, report: pages for reviewers, read only from the published tables and the vocabularies.

plan       which pages to render (one per report, or per domain / district)
freshness  whether anything changed at all, from hashes, before the execution stack is imported
digest     what each page depends on, so unchanged pages are skipped
font       the one font every page and figure uses, cut to the characters the pages use
execute    one notebook executed with papermill and rendered to HTML (worker side)
run        ``policycmp report``: plan, execute in parallel, index, publish atomically
index      ``reports/index.html``
workbook   ``reports/policycmp_tables.xlsx``
params     the notebooks' parameters, validated up front
views      what the notebooks show, one module per report
markup     the pages' HTML: formatting and building blocks
lookup     ``search`` and ``similar`` over the clause table
changes    one clause beside its counterpart in the next edition, for Jupyter
"""
