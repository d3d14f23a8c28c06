"""Every notebook runs, with its default parameters, against the project's data (nbval, lax mode)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from policycmp.publish.build import build, is_stale

ROOT = Path(__file__).resolve().parents[1]


def test_every_notebook_runs_under_nbval():

    if is_stale():
        build(echo=lambda *a, **k: None)  # into the isolated project (POLICYCMP_ROOT), see conftest
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-q",
            "notebooks/",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    tail = (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, tail
    assert " passed" in result.stdout and "failed" not in result.stdout, tail
