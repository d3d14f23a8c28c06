"""Writing outputs so that a failed run changes nothing and a repeated run changes no byte.

Both ``policycmp build`` (the tables) and ``policycmp report`` (the pages) publish through
:func:`publish_folder`: everything is written into a staging folder beside the target first, and
the target changes only once the whole staging folder is complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Deterministic Parquet: fixed writer options, no index, no timestamps in the metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True, data_page_version="2.0")


def staging_folder(out_dir: Path) -> Path:
    """A fresh, empty folder beside ``out_dir`` (same file system, so moves are renames)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    os.chmod(staging, 0o755)
    return staging


def publish_files(files: dict[str, object], out_dir: str | Path) -> list[Path]:
    """Write every file into a staging folder beside OUT, then move each into place.

    ``files`` maps a file name to a DataFrame (written as Parquet) or to str/bytes content. Files of
    OUT not named in ``files`` stay. Nothing in OUT changes unless every file was staged first.
    """
    out_dir = Path(out_dir)
    staging = staging_folder(out_dir)
    try:
        for name, content in files.items():
            target = staging / name
            if isinstance(content, pd.DataFrame):
                write_parquet(content, target)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(str(content), encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in files:
            os.replace(staging / name, out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def same_tree(a: Path, b: Path) -> bool:
    if not b.is_dir():
        return False
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def publish_folder(staging: Path, out: Path) -> bool:
    """Swap a complete staging folder in for ``out``; False (and ``out`` untouched) when nothing would change."""
    if same_tree(staging, out):
        return False
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
    os.rename(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return True
