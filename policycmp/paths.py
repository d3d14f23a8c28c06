"""Where the project's folders are, so the library works from any working directory.

``policycmp build|add|report --root DIR`` (or ``--raw`` / ``--tables``) set the variables below for
the whole run, kernels included, so every default path follows them.
"""

from __future__ import annotations

import functools
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
        return _resolved(env)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "raw" / "sources.yaml").is_file():
            return folder
    return package_dir().parent


def raw_dir() -> Path:
    """``$POLICYCMP_RAW_DIR``, else ``data/raw`` of the project root."""
    env = os.environ.get(RAW_VARIABLE)
    return _resolved(env) if env else project_root() / "data" / "raw"


def processed_dir() -> Path:
    """``$POLICYCMP_PROCESSED_DIR``, else ``data/processed`` of the project root."""
    env = os.environ.get(PROCESSED_VARIABLE)
    if env:
        return _resolved(env)
    root = os.environ.get(ROOT_VARIABLE)
    return _below(root, "data", "processed") if root else project_root() / "data" / "processed"


# A report's page asks where the tables are some seventy times (each table's stamp), and resolving the folder
# afresh each time was a tenth of a district profile. The cache is keyed by the variable's value, so a
# process that changes $POLICYCMP_ROOT (a test, a notebook) gets the new folder at its next call; without
# the variable the folder is searched from the working directory each time, as before.
# A relative value is resolved against the working directory, which is then part of the key.
def _resolved(folder: str) -> Path:
    return _resolved_in(folder, "" if os.path.isabs(folder) else os.getcwd())


def _below(folder: str, *names: str) -> Path:
    return _below_in(folder, "" if os.path.isabs(folder) else os.getcwd(), *names)


@functools.lru_cache(maxsize=64)
def _resolved_in(folder: str, cwd: str) -> Path:
    return Path(cwd, folder).resolve()


@functools.lru_cache(maxsize=64)
def _below_in(folder: str, cwd: str, *names: str) -> Path:
    return _resolved_in(folder, cwd).joinpath(*names)


def reports_dir() -> Path:
    return project_root() / "reports"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"
