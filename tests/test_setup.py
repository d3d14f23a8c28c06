"""The set-up promises of the README: dependencies agree, the two commands are what CI runs."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
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


def test_every_package_the_code_imports_is_declared():
    """A package the code imports must be a dependency of its own, not one that arrives with another
    (numpy came with pandas and nbformat with papermill, until one of them stops bringing it)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normalise(r)[0] for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_normalise(r)[0] for r in extra}
    providers = importlib.metadata.packages_distributions()
    undeclared: dict[str, set[str]] = {}
    for path in sorted((ROOT / "policycmp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "policycmp":
                    continue
                if not {_normalise(d)[0] for d in providers.get(top, [])} & declared:
                    undeclared.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    assert not undeclared, undeclared


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
