"""Which tables the reports read: exactly those the last build published, as its manifest lists them.

``policycmp build`` writes its tables and ``build_manifest.json`` into ``data/processed`` and leaves
any other file there alone, so a table the build no longer makes stays on disk, stale, beside the
current ones. The workbook, and the hashes that decide what to re-render, therefore take the list of
tables from the manifest, never from the ``*.parquet`` files that happen to be in the folder.

Light on purpose (no pandas): the quick no-change check of :mod:`.freshness` uses it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import paths
from ..errors import PolicyInputError
from ..publish.fingerprint import MANIFEST


def table_files(folder: str | Path | None = None) -> dict[str, Path]:
    """Table name → its Parquet file, for every table the build's manifest lists, in name order.

    A missing or unreadable manifest, or a listed file that is not there, is a one-line error naming
    the file and ``policycmp build``.
    """
    folder = Path(folder) if folder is not None else paths.processed_dir()
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyInputError(
            manifest_path, "is missing, so which tables were built is unknown: run `policycmp build`"
        ) from None
    except (OSError, ValueError) as exc:
        raise PolicyInputError(manifest_path, f"cannot be read ({exc}): run `policycmp build`") from None
    listed = manifest.get("tables") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        raise PolicyInputError(manifest_path, "lists no tables: run `policycmp build`")
    files = {str(name): folder / f"{name}.parquet" for name in sorted(listed)}
    for path in files.values():
        if not path.is_file():
            raise PolicyInputError(path, f"is listed in {MANIFEST} but missing: run `policycmp build`")
    return files
