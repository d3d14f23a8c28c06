"""Raw files that cannot drift, and builds that redo only what changed.

- ``build`` refuses a raw file whose bytes differ from the SHA-256 its entry records, naming the file
  and the two ways to accept the new bytes; ``add`` of the raw file records them; an entry without a
  hash is warned about and gets one on the next ``add``; ``documents: []`` is a registry ``add`` starts from.
- The per-document cache beside OUT gives tables byte-identical to a build without it, rebuilds entries
  it cannot trust, survives two builds at once, and a build with nothing changed changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import RAW, with_an_empty_span

import policycmp.publish.build as build_module
from policycmp.cli import main
from policycmp.publish.cache import BuildCache
from policycmp.publish.fragments import rows_of
from policycmp.publish.state import cache_dir
from policycmp.schema import ClauseRow, QuantityRow, ReportLineRow

ZHENHAI = "zhenhai-2024-policy.txt"


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(raw: Path, out: Path, capsys, *flags: str) -> tuple[int, str, str]:
    code = main(["build", *flags, "--raw", str(raw), "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def registry(raw: Path) -> dict[str, dict]:
    return {e["id"]: e for e in yaml.safe_load((raw / "sources.yaml").read_text(encoding="utf-8"))["documents"]}


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> Path:
    """The committed corpus built without any cache: the bytes every other build must give."""
    out = tmp_path_factory.mktemp("cold") / "processed"
    assert main(["build", "--no-cache", "--raw", str(RAW), "--out", str(out)]) == 0
    assert not cache_dir(out).exists()
    return out


def edit_zhenhai(raw: Path) -> Path:
    path = raw / ZHENHAI
    path.write_bytes(path.read_bytes().replace("若干政策".encode(), "若干措施".encode()))
    return path


# --- integrity -----------------------------------------------------------------------------------------


def test_a_changed_raw_file_is_refused_naming_it_and_how_to_accept_it(raw_copy, tmp_path, capsys):
    out = tmp_path / "processed"
    assert build(raw_copy, out, capsys)[0] == 0
    before = snapshot(out)
    path = edit_zhenhai(raw_copy)
    code, _, err = build(raw_copy, out, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith(f"policycmp build: error: {path}: its bytes differ from the source_sha256 registered in ")
    assert "sources.yaml:4" in err and f"`policycmp add {path}`" in err and "--accept-changed-raw" in err
    assert snapshot(out) == before


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda p: p.unlink(), "file not found"),
        (lambda p: (p.unlink(), p.mkdir()), "is a directory"),
    ],
)
def test_a_missing_or_unreadable_raw_file_is_one_line_naming_it(raw_copy, tmp_path, capsys, damage, words):
    out = tmp_path / "processed"
    assert build(raw_copy, out, capsys)[0] == 0
    before = snapshot(out)
    damage(raw_copy / ZHENHAI)
    code, _, err = build(raw_copy, out, capsys)
    assert code == 2 and err.strip() == f"policycmp build: error: {raw_copy / ZHENHAI}: {words}" + (
        ", not a document" if "directory" in words else ""
    )
    assert snapshot(out) == before


def test_the_flag_builds_the_new_bytes_with_a_warning(raw_copy, tmp_path, capsys):
    edit_zhenhai(raw_copy)
    code, _, err = build(raw_copy, tmp_path / "out", capsys, "--accept-changed-raw")
    assert code == 0
    assert f"warning: {ZHENHAI}: its bytes differ from the source_sha256 registered in sources.yaml:4" in err
    # the flag is for one build: the next one without it refuses again (no "up to date" shortcut)
    assert build(raw_copy, tmp_path / "out", capsys)[0] == 2


def test_re_adding_the_raw_file_records_its_new_bytes_and_nothing_else(raw_copy, tmp_path, capsys):
    before = (raw_copy / "sources.yaml").read_text(encoding="utf-8").splitlines()
    path = edit_zhenhai(raw_copy)
    assert main(["add", str(path), "--raw", str(raw_copy)]) == 0
    assert "its new bytes are recorded for zhenhai-2024-policy" in capsys.readouterr().out
    after = (raw_copy / "sources.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert changed == [(before[14], f"    source_sha256: {digest}")]
    assert build(raw_copy, tmp_path / "out", capsys)[0] == 0
    # the same bytes again: nothing to record
    assert main(["add", str(path), "--raw", str(raw_copy)]) == 2
    assert "already registered as 'zhenhai-2024-policy' with these bytes" in capsys.readouterr().err


def test_an_entry_without_a_hash_is_warned_about_and_the_next_add_writes_it(raw_copy, tmp_path, capsys):
    sources = raw_copy / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    linping = registry(raw_copy)["linping-2024-policy"]["source_sha256"]
    sources.write_text(text.replace(f"    source_sha256: {linping}\n", ""), encoding="utf-8")
    code, _, err = build(raw_copy, tmp_path / "out", capsys)
    assert code == 0
    assert "warning: linping-2024-policy.txt: sources.yaml:28 has no source_sha256, so its bytes cannot be" in err
    # any add writes the missing hash (here: a new document)
    capture = tmp_path / "qujiang.txt"
    shutil.copyfile(raw_copy / "qujiang-2023-policy.txt", capture)
    (raw_copy / "qujiang-2023-policy.txt").unlink()
    entries = sources.read_text(encoding="utf-8")
    start, end = entries.index("  - id: qujiang-2023-policy"), entries.index("  - id: ningbo-2024-work-report")
    sources.write_text(entries[:start] + entries[end:], encoding="utf-8")
    assert main(["add", str(capture), "--raw", str(raw_copy)]) == 0
    assert registry(raw_copy)["linping-2024-policy"]["source_sha256"] == linping
    assert "source_sha256" not in build(raw_copy, tmp_path / "out2", capsys)[2]


def test_an_empty_registry_is_one_add_starts_from(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sources.yaml").write_text("# my corpus\ndocuments: []\n", encoding="utf-8")
    code, _, err = build(raw, tmp_path / "out", capsys)
    assert code == 2 and err.strip().endswith("sources.yaml: registers no documents: add one with `policycmp add PATH`")
    assert main(["add", str(RAW / "qujiang-2023-policy.txt"), "--raw", str(raw)]) == 0
    text = (raw / "sources.yaml").read_text(encoding="utf-8")
    assert text.startswith("# my corpus\ndocuments:\n  - id: qujiang-2023-policy\n")
    assert list(registry(raw)) == ["qujiang-2023-policy"]
    assert build(raw, tmp_path / "out", capsys)[0] == 0


# --- the cache -----------------------------------------------------------------------------------------


def test_tables_from_the_cache_are_the_bytes_of_a_build_without_it(cold, raw_copy, tmp_path, capsys):
    out = tmp_path / "processed"
    code, first, _ = build(raw_copy, out, capsys)
    assert code == 0 and "0 documents from the cache, 5 read" in first
    assert digests(out) == digests(cold)
    # a registry edit that changes no entry's rows: every document comes from the cache
    with (raw_copy / "sources.yaml").open("a", encoding="utf-8") as registry_file:
        registry_file.write("# checked by hand\n")
    code, second, _ = build(raw_copy, out, capsys)
    assert code == 0 and "5 documents from the cache, 0 read" in second
    assert {k: v for k, v in digests(out).items() if k.endswith(".parquet")} == {
        k: v for k, v in digests(cold).items() if k.endswith(".parquet")
    }
    assert cache_dir(out) == tmp_path / ".processed.cache" and cache_dir(out).is_dir()


def test_a_changed_document_alone_is_read_again(raw_copy, tmp_path, capsys):
    out = tmp_path / "processed"
    assert build(raw_copy, out, capsys)[0] == 0
    path = edit_zhenhai(raw_copy)
    assert main(["add", str(path), "--raw", str(raw_copy)]) == 0
    code, log, _ = build(raw_copy, out, capsys)
    assert code == 0 and "4 documents from the cache, 1 read" in log
    cold = tmp_path / "cold"
    assert main(["build", "--no-cache", "--raw", str(raw_copy), "--out", str(cold)]) == 0
    assert digests(out) == digests(cold)


def test_a_changed_edition_remakes_only_the_selections_that_chose_it(raw_copy, tmp_path, capsys, monkeypatch):
    """The cross-district summaries are made per edition selection: Zhenhai's 2024 policy changed, so the
    default and 2024 selections are made again, and 2023's (Qujiang alone) comes from the cache; the
    tables are those of a cold build all the same."""
    out = tmp_path / "processed"
    assert build(raw_copy, out, capsys)[0] == 0
    made: list[str] = []
    real = build_module.selection_tables

    def counted(tables, chosen):
        made.append(str(chosen["selection"].iloc[0]))
        return real(tables, chosen)

    monkeypatch.setattr(build_module, "selection_tables", counted)
    path = edit_zhenhai(raw_copy)
    assert main(["add", str(path), "--raw", str(raw_copy)]) == 0
    assert build(raw_copy, out, capsys)[0] == 0
    assert sorted(made) == ["2024", "default"]
    cold = tmp_path / "cold"
    assert main(["build", "--no-cache", "--raw", str(raw_copy), "--out", str(cold)]) == 0
    assert digests(out) == digests(cold)
    assert sorted(made) == ["2023", "2024", "2024", "default", "default"]  # without a cache: every selection


def test_a_build_where_nothing_changed_changes_nothing(raw_copy, tmp_path, capsys):
    out = tmp_path / "processed"
    code, _, first_err = build(raw_copy, out, capsys)
    assert code == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    code, log, err = build(raw_copy, out, capsys)
    assert code == 0 and f"{out} is up to date" in log
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps
    # the warnings of the build are shown again, not lost
    assert err == first_err and "clause number 31 printed twice" in err


@pytest.mark.parametrize(
    "file, damage, lost",
    [
        ("clauses.arrow", lambda data: data[: len(data) // 2], 9),  # cut short
        ("quantities.arrow", lambda data: data[:-10] + bytes(10), 9),  # a damaged table
        ("index.json", lambda data: data.replace(b"policycmp-segment 1", b"policycmp-segment 0"), 9),  # another version
        ("index.json", lambda data: data[:100], 1),  # an index cut short cannot say how many units it held
        ("texts.arrow", lambda data: b"", 9),
    ],
)
def test_a_segment_that_cannot_be_trusted_is_read_again(cold, raw_copy, tmp_path, capsys, file, damage, lost):
    out = tmp_path / "processed"
    assert build(raw_copy, out, capsys)[0] == 0
    # one segment: the five documents, the outcome report's rows linked to Zhenhai's policy, and the
    # standings of the three edition selections (default, 2023, 2024)
    (segment,) = (cache_dir(out) / "segments").iterdir()
    assert len(json.loads((segment / "index.json").read_text())["units"]) == 9
    (segment / file).write_bytes(damage((segment / file).read_bytes()))
    (raw_copy / "sources.yaml").write_text((raw_copy / "sources.yaml").read_text() + "\n", encoding="utf-8")
    code, log, err = build(raw_copy, out, capsys)
    assert code == 0 and "0 documents from the cache, 5 read" in log
    assert f"{lost} cache entries" in err and "could not be trusted" in err
    parquet = lambda d: {k: v for k, v in digests(d).items() if k.endswith(".parquet")}  # noqa: E731
    assert parquet(out) == parquet(cold)
    assert segment.exists() is False, "a damaged segment is deleted"


def test_what_a_failed_build_read_is_kept_but_checked_before_it_is_used(raw_copy, tmp_path, capsys, monkeypatch):
    """A build that stops at a check keeps what it read (unchecked); the next build takes it without
    reading the documents again, checks it as it checks what it reads, and never publishes it unchecked."""
    out = tmp_path / "processed"
    monkeypatch.setattr(build_module, "tables_of", with_an_empty_span(build_module.tables_of))
    code, _, err = build(raw_copy, out, capsys)
    assert code == 2 and "quantities.parquet: column 'span'" in err and not out.exists()
    unchecked = sorted(cache_dir(out).glob("*/*.new"))
    assert len(unchecked) == 5 and not (cache_dir(out) / "segments").exists()
    monkeypatch.undo()  # the bug fixed without a file changing (so the same keys): the entries still hold it
    code, _, err = build(raw_copy, out, capsys)
    assert code == 2 and "quantities.parquet: column 'span'" in err and not out.exists()
    zhenhai = [p for p in unchecked if b"zhenhai-2024-policy:p1" in p.read_bytes()]
    for path in zhenhai:
        path.unlink()
    code, log, _ = build(raw_copy, out, capsys)
    assert code == 0 and f"4 documents from the cache, {len(zhenhai)} read" in log
    (segment,) = (cache_dir(out) / "segments").iterdir()
    assert len(json.loads((segment / "index.json").read_text())["units"]) == 9
    assert not list(cache_dir(out).glob("*/*.new"))


def test_two_builds_at_once_share_the_cache_safely(cold, raw_copy, tmp_path):
    out = tmp_path / "processed"
    command = [sys.executable, "-m", "policycmp.cli", "build", "--raw", str(raw_copy), "--out", str(out)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    for _ in range(2):  # a cold pair (both write every entry), then a pair that reads them
        runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        for run in runs:
            _, err = run.communicate(timeout=300)
            assert run.returncode == 0, err.decode()
        parquet = lambda d: {k: v for k, v in digests(d).items() if k.endswith(".parquet")}  # noqa: E731
        assert parquet(out) == parquet(cold)
        (raw_copy / "sources.yaml").write_text((raw_copy / "sources.yaml").read_text() + "\n", encoding="utf-8")
    assert not list(cache_dir(out).rglob(".tmp-*"))


def test_the_cache_is_never_committed():
    assert cache_dir(Path("data/processed")) == Path("data/.processed.cache")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data/.processed.cache/ab/abcdef.entry"], cwd=RAW.parents[1], check=False
    )
    assert ignored.returncode == 0


def test_the_cache_holds_the_text_the_rows_and_the_quantities(raw_copy, tmp_path, capsys, corpus):
    out = tmp_path / "processed"
    assert build(raw_copy, out, capsys)[0] == 0
    cache = BuildCache(cache_dir(out))
    units = {u.meta["doc_id"]: (s, key) for s in cache.segments for key, u in s.units.items() if "doc_id" in u.meta}
    segment, key = units["zhenhai-2024-policy"]
    assert cache.text(key) == corpus.texts["zhenhai-2024-policy"]  # the extracted, canonical text
    clauses = rows_of(ClauseRow, segment.parts(key)["clauses"])
    assert len([c for c in clauses if c.row_kind == "clause"]) == 58
    quantities = rows_of(QuantityRow, segment.parts(key)["quantities"])
    total = [q for q in quantities if q.clause_id == "zhenhai-2024-policy:closing" and q.span == "37.27亿元"]
    assert [(q.value, q.unit, q.kind) for q in total] == [(3_727_000_000.0, "CNY", "budget")]
    segment, key = units["zhenhai-2024-outcomes"]
    lines = rows_of(ReportLineRow, segment.parts(key)["report_lines"])
    assert len({line.row_no for line in lines}) == 90 and segment.parts(key)["clauses"].num_rows == 0
