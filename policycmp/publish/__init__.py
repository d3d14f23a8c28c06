"""Stage 4, publish: run the stages, check every table against its schema, write them atomically.

build        ``policycmp build``: raw files checked, documents read (or taken from the cache), then the
             tables that need the whole corpus, checked, published
documents    one document through ingest, extract and the per-clause comparison readings
cache        the per-document cache beside OUT
validate     the schema check every table passes before it is published
fingerprint  what a build read, so stale tables are rebuilt
write        atomic, deterministic writing (also used by ``policycmp report``)
load         reading the published tables back
"""
