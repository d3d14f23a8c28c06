"""What a page depends on, hashed, so that ``policycmp report`` re-renders only pages whose inputs changed."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata as importlib_metadata
from pathlib import Path

from .. import paths
from .plan import Job

FORMAT = 1  # bump when the layout of the rendered files changes without a code change
# Packages whose version changes what the rendered files contain (requirements-lock.txt pins them).
RENDER_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "seaborn",
    "nbconvert",
    "nbformat",
    "mistune",
    "jinja2",
    "papermill",
    "ipykernel",
    "ipython",
    "openpyxl",
    "scikit-learn",
    "scipy",
    "pygments",
)
CODE_SUFFIXES = {".py", ".yaml", ".yml", ".csv", ".json", ".j2", ".css", ".js", ".txt"}


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


def inputs_digest() -> str:
    """Hash of what every page depends on: processed tables, registry, package code, versions."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add("format", str(FORMAT).encode())
    for path in sorted(paths.processed_dir().glob("*.parquet")):
        add(f"processed/{path.name}", path.read_bytes())
    package = paths.package_dir()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            add(f"package/{path.relative_to(package).as_posix()}", path.read_bytes())
    add("versions", json.dumps(versions(), sort_keys=True).encode())
    return digest.hexdigest()


def job_digest(common: str, job: Job, nb_dir: Path) -> str:
    digest = hashlib.sha256(common.encode())
    digest.update((nb_dir / job.notebook).read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True).encode())
    return digest.hexdigest()
