"""The set-up promises of the README: dependencies agree, the two commands are what CI runs."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT


def _normalise(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = set(map(_normalise, project["dependencies"]))
    for extra in project["optional-dependencies"].values():
        wanted |= set(map(_normalise, extra))
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed = set()
    for item in env["dependencies"]:
        if isinstance(item, dict):
            listed |= set(map(_normalise, item["pip"]))
        elif not item.startswith(("python", "pip")) or item.startswith("python-"):
            listed.add(_normalise(item))
    assert listed == wanted


def test_lock_pins_every_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {_normalise(r)[0] for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_normalise(r)[0] for r in extra}
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "requirements-lock.txt").read_text().splitlines()
        if "==" in line
    }
    assert names <= pinned, names - pinned


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(python3 tasks\.py \w+)\s*$", readme, flags=re.M)
    assert commands[:2] == ["python3 tasks.py setup", "python3 tasks.py test"]
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert ci == ["python3 tasks.py test"]


def test_layout_of_the_design_card():
    for name in ("notebooks", "data/raw", "data/processed", "policycmp", "reports", "tests"):
        assert (ROOT / name).is_dir(), name
    for name in ("environment.yml", "README.md", "pyproject.toml"):
        assert (ROOT / name).is_file(), name
