"""Stage 4, publish: run the stages, check every table against its schema, write them atomically.

build        ``policycmp build``: ingest → extract → compare → check → publish
validate     the schema check every table passes before it is published
fingerprint  what a build read, so stale tables are rebuilt
write        atomic, deterministic writing (also used by ``policycmp report``)
load         reading the published tables back
"""
