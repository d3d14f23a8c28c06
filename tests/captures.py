"""Helper of the tests that read the real captures (../shared/realworld/): build them as a new user would."""

from __future__ import annotations

from pathlib import Path

from policycmp.cli import main
from policycmp.evaluation.realworld import write_raw


def build_captures(shared: Path, folder: Path) -> Path:
    """Every capture that reaches a section heading, built with `policycmp build` into ``folder / "out"``
    (linan is refused: test_realworld.test_a_capture_that_never_reaches_a_heading_is_refused)."""
    write_raw(folder / "raw", shared / "realworld")
    entries = (folder / "raw" / "sources.yaml").read_text(encoding="utf-8").split("  - id: ")
    kept = [e for e in entries[1:] if not e.startswith("linan-2024-policy")]
    (folder / "raw" / "sources.yaml").write_text("documents:\n" + "".join("  - id: " + e for e in kept))
    assert main(["build", "--raw", str(folder / "raw"), "--out", str(folder / "out")]) == 0
    return folder / "out"
