"""Writing outputs so that a failed run changes nothing and a repeated run changes no byte.

Both ``policycmp build`` (the tables) and ``policycmp report`` (the pages) publish through
:func:`publish_folder`: everything is written into a staging folder beside the target first, and
the target changes only once the whole staging folder is complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet(frame: pd.DataFrame | pa.Table, path: Path) -> None:
    """Deterministic Parquet: fixed writer options, no index, no timestamps in the metadata (an Arrow table
    as it is: the build's carry the pandas metadata of their schema)."""
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True, data_page_version="2.0")


def staging_folder(out_dir: Path) -> Path:
    """A fresh, empty folder beside ``out_dir`` (same file system, so moves are renames)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    os.chmod(staging, 0o755)
    return staging


class Staged:
    """Files written one by one into a staging folder beside OUT, then moved into OUT together
    (:func:`staged`): a writer need not hold every file at once."""

    def __init__(self, folder: Path, out_dir: Path):
        self.folder = folder
        self.out_dir = out_dir
        self.names: list[str] = []

    def write(self, name: str, content: object) -> None:
        """Stage ``content``: a DataFrame or Arrow table (written as Parquet), bytes, or text."""
        target = self.folder / name
        if isinstance(content, pd.DataFrame | pa.Table):
            write_parquet(content, target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(str(content), encoding="utf-8")
        self.names.append(name)

    def publish(self, remove: Sequence[str] = ()) -> list[Path]:
        """Move every staged file into OUT, then remove the files of OUT named in ``remove`` (those a previous
        run wrote and this one does not)."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in self.names:
            os.replace(self.folder / name, self.out_dir / name)
            written.append(self.out_dir / name)
        for name in remove:
            if name not in self.names:
                (self.out_dir / name).unlink(missing_ok=True)
        return written


@contextmanager
def staged(out_dir: str | Path) -> Iterator[Staged]:
    """A :class:`Staged` for OUT; the staging folder is removed afterwards, published or not. Nothing in
    OUT changes unless :meth:`Staged.publish` is called, after every file was staged."""
    out_dir = Path(out_dir)
    folder = staging_folder(out_dir)
    try:
        yield Staged(folder, out_dir)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish_files(files: dict[str, object], out_dir: str | Path, *, remove: Sequence[str] = ()) -> list[Path]:
    """Write every file into a staging folder beside OUT, then move each into place, then remove the files
    of OUT named in ``remove``.

    ``files`` maps a file name to a DataFrame or Arrow table (written as Parquet) or to str/bytes content.
    Other files of OUT stay. Nothing in OUT changes unless every file was staged first.
    """
    with staged(out_dir) as stage:
        for name, content in files.items():
            stage.write(name, content)
        return stage.publish(remove)


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
