"""What a page depends on, hashed, so that ``policycmp report`` re-renders only pages whose inputs changed.

A page's digest is the hash of

- the code: every file of the package (views, templates, vocabularies), the rendering packages'
  versions and the layout version :data:`FORMAT`: a change there re-renders every page;
- the notebook and the page's parameters;
- the data the page shows, as its report declares it (``ReportSpec.inputs``: whole tables, the rows
  of one district, the province-wide summaries it draws).
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from .pages import NOTEBOOK_GLOB
from .plan import Job
from .views import page_inputs

FORMAT = 2  # bump when the layout of the rendered files changes without a code change
# Packages whose version changes what the rendered files contain (requirements-lock.txt pins them).
RENDER_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "mistune",
    "nbformat",
    "papermill",
    "ipykernel",
    "ipython",
    "openpyxl",
    "scikit-learn",
    "scipy",
)
CODE_SUFFIXES = {".py", ".yaml", ".yml", ".csv", ".json", ".css", ".js", ".txt"}


def versions() -> dict[str, str]:
    out = {}
    for name in RENDER_PACKAGES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "-"
    return out


def lock_mismatches() -> list[str]:
    """Rendering packages whose installed version is not the one requirements-lock.txt pins.

    The committed reports are byte-compared in CI, so they must be rendered with the pinned versions
    (``python3 tasks.py setup`` installs them)."""
    lock = paths.package_dir().parent / "requirements-lock.txt"
    if not lock.is_file():
        return []
    pinned = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pinned[name.strip().lower().replace("_", "-")] = version.strip()
    installed = versions()
    return [
        f"{name} {installed[name]} (lock: {pinned[name]})"
        for name in RENDER_PACKAGES
        if name in pinned and installed.get(name) not in ("-", pinned[name])
    ]


def code_digest() -> str:
    """Hash of what every page depends on alike: the package's files and the rendering packages."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add("format", str(FORMAT).encode())
    package = paths.package_dir()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            add(f"package/{path.relative_to(package).as_posix()}", path.read_bytes())
    add("versions", json.dumps(versions(), sort_keys=True).encode())
    return digest.hexdigest()


def fingerprint(value: Any) -> bytes:
    """A stable hash of one input: a table's rows, a summary, a text."""
    if isinstance(value, pd.DataFrame):
        # CSV carries every value at full precision (floats round-trip) and is several times faster
        # than hash_pandas_object on the many small frames a province of profiles declares.
        digest = hashlib.sha256(json.dumps(list(map(str, value.dtypes))).encode())
        digest.update(value.to_csv(index=False, lineterminator="\n").encode())
        return digest.digest()
    if isinstance(value, bytes):
        return hashlib.sha256(value).digest()
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).digest()


def job_digest(code: str, job: Job, nb_dir: Path) -> str:
    digest = hashlib.sha256(code.encode())
    digest.update(hashlib.sha256((nb_dir / job.notebook).read_bytes()).digest())
    # Pages link to each other by the notebooks' names.
    digest.update(json.dumps(sorted(p.name for p in nb_dir.glob(NOTEBOOK_GLOB))).encode())
    digest.update(json.dumps(job.parameters, sort_keys=True).encode())
    for label, value in sorted(page_inputs(job.report, job.parameters).items()):
        digest.update(label.encode() + b"\0" + fingerprint(value))
    return digest.hexdigest()


def workbook_digest() -> str:
    """The workbook holds every table as it is, written by workbook.py."""
    digest = hashlib.sha256((Path(__file__).resolve().parent / "workbook.py").read_bytes())
    digest.update(json.dumps(versions(), sort_keys=True).encode())
    for path in sorted(paths.processed_dir().glob("*.parquet")):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
