"""Helpers of the `policycmp add` tests: the registry's entries, a folder's contents, and a refusal."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from policycmp.cli import main


def entries(raw: Path) -> dict[str, dict]:
    sources = raw / "sources.yaml"
    if not sources.is_file():
        return {}
    return {e["id"]: e for e in yaml.safe_load(sources.read_text(encoding="utf-8"))["documents"]}


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*")) if p.is_file()}


def refused(capsys, args: list[str], raw: Path, *expected: str) -> None:
    """`policycmp add args` exits 2 with one line holding every ``expected`` part, and writes nothing."""
    before = snapshot(raw) if raw.is_dir() else {}
    capsys.readouterr()
    assert main(["add", *args, "--raw", str(raw)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    for part in expected:
        assert part in err, err
    assert (snapshot(raw) if raw.is_dir() else {}) == before
    assert not [p for p in (raw.iterdir() if raw.is_dir() else []) if p.name.startswith(".")]
