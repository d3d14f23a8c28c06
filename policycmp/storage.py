"""Writing tables so that a failed build changes nothing and a repeated build changes no byte."""
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
    pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True,
                   data_page_version="2.0")


def publish(files: dict[str, object], out_dir: str | Path) -> list[Path]:
    """Write every file into a staging folder beside OUT, then move each into place.

    ``files`` maps a file name to a DataFrame (written as Parquet) or to str/bytes content.
    Nothing in OUT changes unless every file was written to the staging folder first.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
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
