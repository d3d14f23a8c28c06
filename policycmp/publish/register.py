"""``policycmp add``: the checked files copied into the raw folder and appended to its registry.

Reading, inference and every refusal are in :mod:`policycmp.ingest.register`; the copies and the new
``sources.yaml`` are written here by :func:`.write.publish_files`, the same staged, atomic publish
as the tables, so a refused or failed call leaves the raw folder as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..ingest.register import additions, entry_yaml, registry_with
from .write import publish_files


def add(
    paths: list[Path],
    raw_dir: Path,
    *,
    district: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    issued: str | None = None,
    title: str | None = None,
    dry_run: bool = False,
    echo: Callable[..., None] = print,
) -> list[dict[str, Any]]:
    """Register ``paths`` in ``raw_dir/sources.yaml``; returns their entries."""
    sources = raw_dir / "sources.yaml"
    found = additions(paths, sources, district=district, kind=kind, year=year, issued=issued, title=title)
    for addition in found:
        if addition.re_registered:
            echo(f"# {addition.source}: its new bytes are recorded for {addition.entry['id']}")
            echo(f"  source_sha256: {addition.entry['source_sha256']}")
            continue
        echo(f"# {addition.source} →")
        echo(entry_yaml(addition.entry), end="")
    if dry_run:
        return [a.entry for a in found]
    # The copies first and the registry last: an entry never names a file that is not in place.
    files: dict[str, object] = {a.file_name: a.data for a in found if not a.re_registered}
    files[sources.name] = registry_with(sources, found)
    publish_files(files, raw_dir)
    added = sum(1 for a in found if not a.re_registered)
    again = len(found) - added
    echo(f"added {added} document(s) to {sources}" + (f", recorded new bytes of {again}" if again else ""))
    return [a.entry for a in found]
