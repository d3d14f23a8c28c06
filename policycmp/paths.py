"""Where the project's folders are, so the library works from any working directory."""

from __future__ import annotations

import os
from pathlib import Path


def package_dir() -> Path:
    return Path(__file__).resolve().parent


def project_root() -> Path:
    """``$POLICYCMP_ROOT``, else the nearest folder above the cwd holding ``data/raw/sources.yaml``,
    else the checkout this package was installed from (editable install)."""
    env = os.environ.get("POLICYCMP_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "raw" / "sources.yaml").is_file():
            return folder
    return package_dir().parent


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"
