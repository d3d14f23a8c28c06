"""``page_file``: the page a link from another page points at, from the notebooks of the project, and following
the folder when a notebook is added or renamed (its listing is kept per state of the folder)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from policycmp.report.pages import page_file

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize(
    ("report", "values", "expected"),
    [
        ("district_profile", ("zhenhai",), "07_district_profile-zhenhai.html"),
        ("city_context", ("hangzhou",), "08_city_context-hangzhou.html"),
        ("domain_deep_dive", ("innovation", 10, None), "06_domain_deep_dive-innovation-10-None.html"),
        ("corpus_overview", (), "01_corpus_overview.html"),
        ("start_here", (), None),  # the guide is no report page: nothing to link to
        ("district_profiles", ("zhenhai",), None),  # a report name matches whole, not as a prefix
        ("no_such_report", (), None),
    ],
)
def test_page_file_of_the_project_notebooks(report, values, expected):
    assert page_file(report, *values) == expected


def _touch_folder(folder: Path) -> None:
    """A new state of the folder even within one tick of the file system's clock."""
    state = folder.stat().st_mtime_ns + 1_000_000_000
    os.utime(folder, ns=(state, state))


def test_page_file_follows_a_renamed_added_or_removed_notebook(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    monkeypatch.setenv("POLICYCMP_ROOT", str(tmp_path))
    assert page_file("district_profile", "zhenhai") == "07_district_profile-zhenhai.html"
    (folder / "07_district_profile.ipynb").rename(folder / "17_district_profile.ipynb")
    _touch_folder(folder)
    assert page_file("district_profile", "zhenhai") == "17_district_profile-zhenhai.html"
    shutil.copy(folder / "17_district_profile.ipynb", folder / "10_district_profile.ipynb")
    _touch_folder(folder)
    assert page_file("district_profile", "zhenhai") == "10_district_profile-zhenhai.html"  # the first in reading order
    (folder / "10_district_profile.ipynb").unlink()
    (folder / "17_district_profile.ipynb").unlink()
    _touch_folder(folder)
    assert page_file("district_profile", "zhenhai") is None
