"""Where the notebooks are and what their pages are called, so pages can link to each other."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import paths

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
# ``00_start_here.ipynb`` walks a researcher through the tables in Jupyter; it is not a report page.
GUIDE_PREFIX = "00_"


def is_report(notebook: Path) -> bool:
    """A numbered notebook other than the guide is a report: ``policycmp report`` renders it."""
    return not notebook.name.startswith(GUIDE_PREFIX)


def notebooks_dir() -> Path:
    """``notebooks/`` of the project root, else of the checkout the package runs from."""
    folder = paths.notebooks_dir()
    return folder if folder.is_dir() else paths.package_dir().parent / "notebooks"


def notebooks(folder: Path | None = None) -> list[Path]:
    """Every report notebook of ``folder`` (default :func:`notebooks_dir`), in reading order."""
    return sorted(p for p in (folder or notebooks_dir()).glob(NOTEBOOK_GLOB) if is_report(p))


def report_name(notebook: Path) -> str:
    """``02_subsidy_levels.ipynb`` → ``subsidy_levels``."""
    return notebook.stem.split("_", 1)[-1]


def page_name(notebook: Path, values: tuple[object, ...] = ()) -> str:
    """``07_district_profile.ipynb`` and ``("zhenhai",)`` → ``07_district_profile-zhenhai``."""
    return "-".join([notebook.stem, *(str(v) for v in values)])


def page_file(report: str, *values: object) -> str | None:
    """The HTML file of ``report``'s page for ``values`` (e.g. a district), for a link from another page;
    None when the project has no notebook for that report (then there is nothing to link to)."""
    notebook = _report_notebooks(notebooks_dir()).get(report)
    return None if notebook is None else f"{page_name(notebook, values)}.html"


def _report_notebooks(folder: Path) -> dict[str, Path]:
    """Each report's notebook in ``folder`` (the first in reading order where two share a report name).
    Listed once per state of the folder (a notebook added, removed or renamed changes its modification time),
    not on every link: a province's pages ask for a link once per district, several hundred times a page."""
    try:
        state = folder.stat().st_mtime_ns
    except OSError:
        state = None
    return _listing(folder, state)


@lru_cache(maxsize=8)
def _listing(folder: Path, state: int | None) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for notebook in notebooks(folder):
        found.setdefault(report_name(notebook), notebook)
    return found
