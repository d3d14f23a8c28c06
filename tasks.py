#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python 3.11 assumed on the machine.

    python3 tasks.py setup        # create .venv, install the pinned dependencies, build tables, render reports
    python3 tasks.py test         # the same environment (created if missing), then the whole test suite
    python3 tasks.py docs         # docs/tables.md from policycmp/schema.py
    python3 tasks.py screenshots  # docs/screenshots/: four pages at 3 and at 90 districts

Both are idempotent: a second run reuses the environment when pyproject.toml and the lock are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
LOCK = ROOT / "requirements-lock.txt"
STAMP = VENV / ".policycmp-installed"
# "compat" puts the checkout itself on sys.path (a .pth line) instead of an import hook that runs after
# the path search: a script beside a folder named `policycmp` (a clone, say) then imports the package,
# not that folder as an empty namespace package.
INSTALL = ("-m", "pip", "install", "--quiet", "-c", str(LOCK), "--config-settings", "editable_mode=compat")
# Debian packages the commands need: the pages' font (`policycmp report` cuts the shipped font from it)
# and, for the browser test, Chromium. Each is (package, a file it installs; the font's is the first place
# policycmp/report/font.py looks).
FONT_PACKAGE = ("fonts-noto-cjk", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CHROMIUM_PACKAGE = ("chromium", "/usr/bin/chromium")
# fc-list: the browser test checks that its simulated machine without a CJK font has none.
FONTCONFIG_PACKAGE = ("fontconfig", "/usr/bin/fc-list")


def run(*command: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT, **kwargs)


def ensure_environment() -> None:
    if sys.version_info[:2] < (3, 11):  # noqa: UP036 - tasks.py runs under whatever python3 a newcomer has
        sys.exit(f"tasks.py: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        run(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes() + " ".join(INSTALL).encode()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    # The lock pins every package, so reports render the same everywhere (see README).
    run(BIN / "python", *INSTALL, "-e", ".[notebooks,dev]")
    STAMP.write_text(wanted)


def ensure_debian_packages(*packages: tuple[str, str]) -> None:
    """Install the Debian packages whose file is missing (needs root; CI runs as root)."""
    missing = [name for name, installed in packages if not Path(installed).exists()]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"tasks.py: this needs {', '.join(missing)}: run `sudo apt-get install -y {' '.join(missing)}`")
    run("apt-get", "update", "-qq")
    run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        *missing,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def setup() -> None:
    ensure_environment()
    ensure_debian_packages(FONT_PACKAGE)
    run(BIN / "policycmp", "build")
    run(BIN / "policycmp", "report")


# The linters and the type checker, with zero findings; the same as .pre-commit-config.yaml.
CHECKS = (
    ("ruff", "check", "."),
    ("ruff", "format", "--check", "."),
    ("mypy",),
    ("lint-imports",),
)


def test(extra: list[str]) -> None:
    ensure_environment()
    ensure_debian_packages(FONT_PACKAGE, CHROMIUM_PACKAGE, FONTCONFIG_PACKAGE)
    for command, *arguments in CHECKS:
        run(BIN / command, *arguments)
    run(BIN / "python", "-m", "pytest", *extra)


def docs() -> None:
    """docs/tables.md, the column documentation generated from policycmp/schema.py."""
    ensure_environment()
    generated = subprocess.run(
        [str(BIN / "python"), "-c", "import policycmp.schema as s; print(s.markdown())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    (ROOT / "docs" / "tables.md").write_text(generated, encoding="utf-8")


def screenshots() -> None:
    """docs/screenshots/: the index, subsidy levels, a profile and the budgets page at 3 and 90 districts."""
    ensure_environment()
    ensure_debian_packages(FONT_PACKAGE, CHROMIUM_PACKAGE)
    run(BIN / "python", ROOT / "docs" / "screenshots" / "make_screenshots.py")


def main() -> None:
    commands = {
        "setup": lambda: setup(),
        "test": lambda: test(sys.argv[2:]),
        "docs": lambda: docs(),
        "screenshots": lambda: screenshots(),
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 tasks.py setup | test [pytest arguments] | docs | screenshots")
    try:
        commands[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode or 1)


if __name__ == "__main__":
    main()
