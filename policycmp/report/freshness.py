"""Whether ``reports/`` is current, decided from hashes alone, before the execution stack is imported.

``policycmp report`` with nothing changed must answer at once, so this module imports no papermill,
nbformat, matplotlib or scikit-learn (nor the views, which import them). A run's *inputs digest*
hashes everything any page depends on — the code (:func:`code_digest`), the notebooks, every
published table and the source font — and ``manifest.json`` records it when every page was rendered
from those inputs. When it matches and ``reports/`` holds exactly the files the manifest lists (the
shipped font unchanged), every page would be kept: the command says so and stops. Otherwise the
per-page digests of :mod:`.digest` decide which pages to render.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import PolicyInputError
from . import font
from .pages import NOTEBOOK_GLOB, notebooks_dir
from .published import table_files

FORMAT = 3  # bump when the layout of the rendered files changes without a code change
MANIFEST = "manifest.json"
INDEX = "index.html"
WORKBOOK = "policycmp_tables.xlsx"
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
    "fonttools",
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
    """Rendering packages whose installed version is not the one requirements-lock.txt pins, and the
    source font when it is not the pinned one.

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
    found = [
        f"{name} {installed[name]} (lock: {pinned[name]})"
        for name in RENDER_PACKAGES
        if name in pinned and installed.get(name) not in ("-", pinned[name])
    ]
    try:
        if not font.is_pinned():
            found.append(f"the font {font.source_path()} (not Debian 12's fonts-noto-cjk)")
    except (OSError, PolicyInputError):
        pass  # no font at all: the run stops on it with its own one-line error
    return found


def warn_unpinned(echo: Callable[..., Any], stream: Any) -> None:
    mismatched = lock_mismatches()
    if mismatched:
        echo(
            "policycmp report: warning: not the pinned versions, so the pages may differ from the committed ones: "
            + ", ".join(mismatched)
            + " (run `python3 tasks.py setup`)",
            file=stream,
        )


def code_digest() -> str:
    """Hash of what every page depends on alike: the package's files, the rendering packages and the font."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add("format", str(FORMAT).encode())
    package = paths.package_dir()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            add(f"package/{path.relative_to(package).as_posix()}", path.read_bytes())
    add("versions", json.dumps(versions(), sort_keys=True).encode())
    # The figures are measured with the source font and the shipped one is cut from it.
    add("font", font.source_digest().encode())
    return digest.hexdigest()


def inputs_digest(code: str) -> str:
    """Everything any page, the index, the workbook or the font depends on: the code, the notebooks and
    every published table."""
    digest = hashlib.sha256(code.encode())
    # The tables the build's manifest lists: a stale file it left in the folder is no input.
    for path in [*sorted(notebooks_dir().glob(NOTEBOOK_GLOB)), *table_files().values()]:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_manifest(out: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else {}


def shipped_files(manifest: dict[str, Any]) -> set[str]:
    """The files of a complete ``reports/``: every page, the index, the workbook, the font, the manifest."""
    return {f"{name}.html" for name in manifest.get("reports", {})} | {INDEX, WORKBOOK, font.FILE, MANIFEST}


def unchanged(out: Path) -> int | None:
    """The number of pages when ``out`` is current (nothing to render or rewrite), else None."""
    manifest = read_manifest(out)
    recorded = manifest.get("inputs")
    if not recorded or recorded != inputs_digest(code_digest()):
        return None
    try:
        present = {p.name for p in out.iterdir()}
        shipped_font = hashlib.sha256((out / font.FILE).read_bytes()).hexdigest()
    except OSError:
        return None
    if present != shipped_files(manifest) or shipped_font != manifest.get("font", {}).get("sha256"):
        return None
    return len(manifest.get("reports", {}))


def says_unchanged(out: Path, echo: Callable[..., Any]) -> bool:
    """When ``out`` is current, say so as ``policycmp report`` does and return True (else False, silently)."""
    kept = unchanged(out)
    if kept is None:
        return False
    warn_unpinned(echo, sys.stderr)
    echo(f"policycmp report: 0 rendered, {kept} unchanged, nothing changed in {out}")
    return True
