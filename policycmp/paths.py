"""Where the project's folders are, so the library works from any working directory.

``policycmp build|add|report --root DIR`` (or ``--raw`` / ``--tables``) set the variables below for
the whole run, kernels included, so every default path follows them.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_VARIABLE = "POLICYCMP_ROOT"
RAW_VARIABLE = "POLICYCMP_RAW_DIR"
PROCESSED_VARIABLE = "POLICYCMP_PROCESSED_DIR"


def package_dir() -> Path:
    return Path(__file__).resolve().parent


def project_root() -> Path:
    """``$POLICYCMP_ROOT``, else the nearest folder above the cwd holding ``data/raw/sources.yaml``,
    else the checkout this package was installed from (editable install)."""
    env = os.environ.get(ROOT_VARIABLE)
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "raw" / "sources.yaml").is_file():
            return folder
    return package_dir().parent


def raw_dir() -> Path:
    """``$POLICYCMP_RAW_DIR``, else ``data/raw`` of the project root."""
    env = os.environ.get(RAW_VARIABLE)
    return Path(env).resolve() if env else project_root() / "data" / "raw"


def processed_dir() -> Path:
    """``$POLICYCMP_PROCESSED_DIR``, else ``data/processed`` of the project root."""
    env = os.environ.get(PROCESSED_VARIABLE)
    return Path(env).resolve() if env else project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"
