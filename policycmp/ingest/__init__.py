"""Stage 1, ingest: raw files → registered documents, canonical text, and the clause table.

registry        sources.yaml → :class:`~policycmp.model.Document`
integrity       each raw file's bytes against the SHA-256 its entry records
decoding        bytes → canonical text (encoding, line endings, NFKC)
corpus          every registered document with its text
segment         a policy's layout: headings, preambles, clauses, closing
headings        a heading's domain and departments
clauses         the clause table
outcome_report  an outcome report's table rows
work_report     a city work report's goals section
report_lines    an outcome or work report's cells, paragraphs and goals lines as rows
"""
