"""What the last build of an OUT was made from, and the build with nothing to do, decided from hashes.

A build whose inputs (the registry's bytes, every raw file's bytes, the package's code and vocabularies:
the manifest's fingerprint) are those of the tables in OUT changes nothing and says so, with the last
build's log. This module decides that with nothing but hashes and JSON: ``policycmp build`` asks it
before it imports pandas, Arrow and the stages, so a build with nothing to do costs little more than
hashing the corpus (as ``policycmp report`` decides from hashes before it imports papermill).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .fingerprint import MANIFEST, input_fingerprint
from .log import grouped

STATE = "last_build.json"
Echo = Callable[..., None]
# check: the registry read, each raw file hashed, the cache looked up; read: the documents not in the
# cache, each read into its share of every table; tables: the shares joined into the tables; compare:
# what needs the whole corpus (budget checks and sums, outcomes linked to policies, the log's counts);
# editions: consecutive editions of each district's policy paired.
STAGES = ("check", "read", "tables", "compare", "editions", "standings", "validate", "publish")


def cache_dir(out_dir: Path) -> Path:
    """The cache folder of the build that writes ``out_dir``: a hidden sibling of it."""
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name}.cache"


def timings_line(timings: Mapping[str, float]) -> str:
    """``timings: check 0.12 s, read …; total …`` in stage order."""
    shown = [stage for stage in STAGES if stage in timings]
    parts = ", ".join(f"{stage} {timings[stage]:.2f} s" for stage in shown)
    return f"timings: {parts}; total {sum(timings[stage] for stage in shown):.2f} s"


def unchanged_build(raw_dir: Path, out_dir: Path, *, strict: bool, echo: Echo) -> dict[str, float] | None:
    """When OUT is up to date, say so as the build would (its warnings and notes again) and return the
    seconds the check took; None when there is a build to do."""
    started = time.perf_counter()
    unchanged = up_to_date(raw_dir / "sources.yaml", out_dir, cache_dir(out_dir), strict=strict)
    if unchanged is None:
        return None
    echo_unchanged(unchanged, out_dir, echo)
    return {"check": time.perf_counter() - started}


def last_state(cache: Path) -> dict | None:
    """The state the last build with this cache folder left, or None."""
    try:
        state = json.loads((Path(cache) / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def save_state(cache: Path, state: dict) -> None:
    """Write the state atomically; a cache that cannot be written only costs speed."""
    try:
        Path(cache).mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=cache)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(state, out, ensure_ascii=False, sort_keys=True)
        os.replace(temporary, Path(cache) / STATE)
    except OSError:
        return


def up_to_date(sources: Path, out_dir: Path, cache: Path, *, strict: bool) -> dict[str, Any] | None:
    """The last build's log when OUT holds the tables of exactly the current inputs, else None.

    The inputs are those the manifest's fingerprint covers: the registry's bytes, every raw file's
    bytes and the package's code and vocabularies. The registry's bytes being the same, so is its list
    of files, which the last build kept; each file is hashed again. A last build that accepted
    changed raw files, or was less strict than this one, is not taken as up to date.
    """
    state = last_state(cache)
    if state is None or not state.get("clean") or (strict and not state.get("strict")):
        return None
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fingerprint = state.get("fingerprint")
    if manifest.get("fingerprint") != fingerprint or not all(
        (out_dir / f"{name}.parquet").is_file() for name in manifest.get("tables", {})
    ):
        return None
    if input_fingerprint(sources, [Path(f) for f in state.get("files", [])]) != fingerprint:
        return None
    return {"warnings": state["warnings"], "kinds": state["kinds"], "notes": state["notes"][1:]}


def echo_log(warnings: Sequence[str], kinds: Mapping[str, str], echo: Echo) -> None:
    for warning in grouped(warnings, kinds):
        echo(f"warning: {warning}", file=sys.stderr)


def echo_unchanged(unchanged: Mapping[str, Any], out_dir: Path, echo: Echo) -> None:
    """What a build with nothing to do says: the last build's warnings and notes."""
    echo_log(unchanged["warnings"], unchanged["kinds"], echo)
    echo(f"{out_dir} is up to date: no raw file, registry entry, code or vocabulary changed since it was built")
    for note in unchanged["notes"]:
        echo(f"  {note}")
