"""Bad input: a one-line error naming the file (and line), a non-zero exit, OUT untouched."""

from __future__ import annotations

import pytest
from conftest import rehash

from policycmp.cli import main


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def out_dir(tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "clauses.parquet").write_bytes(b"previous build")
    (out / "notes.txt").write_text("kept")
    return out


def run_build(raw, out, capsys, *flags: str):
    before = snapshot(out)
    code = main(["build", *flags, "--raw", str(raw), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1, err
    assert snapshot(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".processed.staging")]
    return err


def test_missing_file(raw_copy, out_dir, capsys):
    (raw_copy / "linping-2024-policy.txt").unlink()
    err = run_build(raw_copy, out_dir, capsys)
    assert "linping-2024-policy.txt" in err and "not found" in err


def test_empty_file(raw_copy, out_dir, capsys):
    (raw_copy / "qujiang-2023-policy.txt").write_bytes(b"")
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys)
    assert err.endswith("qujiang-2023-policy.txt: file is empty")


def test_whitespace_only_file_is_empty(raw_copy, out_dir, capsys):
    (raw_copy / "qujiang-2023-policy.txt").write_bytes(b" \r\n\n\t ")
    rehash(raw_copy)
    assert run_build(raw_copy, out_dir, capsys).endswith("qujiang-2023-policy.txt: file is empty")


def test_bytes_that_are_neither_utf8_nor_gb18030(raw_copy, out_dir, capsys):
    (raw_copy / "zhenhai-2024-policy.txt").write_bytes(bytes(range(256)) * 40)
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys)
    assert "zhenhai-2024-policy.txt" in err and "neither UTF-8 nor GB18030" in err


def test_document_without_a_policy_section(raw_copy, out_dir, capsys):
    (raw_copy / "linping-2024-policy.txt").write_text("这是一则新闻。\n没有任何政策条款。\n", encoding="utf-8")
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys)
    assert "linping-2024-policy.txt" in err and "no policy section heading" in err


def test_heading_of_no_known_domain_under_strict(raw_copy, out_dir, capsys):
    path = raw_copy / "qujiang-2023-policy.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("五、交通强区建设政策", "五、航天强区建设政策"), encoding="utf-8"
    )
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys, "--strict")
    assert "qujiang-2023-policy.txt:116:" in err and "航天强区建设政策" in err and "domains.yaml" in err


def test_heading_of_no_known_domain_is_inferred_and_warned(raw_copy, tmp_path, capsys):
    path = raw_copy / "qujiang-2023-policy.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("五、交通强区建设政策", "五、航天强区建设政策"), encoding="utf-8"
    )
    rehash(raw_copy)
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "out")]) == 0
    warning = next(line for line in capsys.readouterr().err.splitlines() if "航天强区建设政策" in line)
    assert warning.startswith("warning: qujiang-2023-policy.txt:116: ") and "inferred 'transport'" in warning


def test_malformed_sources_yaml(raw_copy, out_dir, capsys):
    (raw_copy / "sources.yaml").write_text("documents:\n  - id: x\n    file: [unclosed\n", encoding="utf-8")
    err = run_build(raw_copy, out_dir, capsys)
    assert "sources.yaml:" in err and "malformed YAML" in err


def test_sources_yaml_entry_lacking_keys(raw_copy, out_dir, capsys):
    text = (raw_copy / "sources.yaml").read_text(encoding="utf-8")
    (raw_copy / "sources.yaml").write_text(text.replace("    kind: outcome_report\n", ""), encoding="utf-8")
    err = run_build(raw_copy, out_dir, capsys)
    assert "sources.yaml:16" in err and "lacks kind" in err


def test_duplicate_document_id(raw_copy, out_dir, capsys):
    text = (raw_copy / "sources.yaml").read_text(encoding="utf-8")
    (raw_copy / "sources.yaml").write_text(
        text.replace("id: linping-2024-policy", "id: zhenhai-2024-policy"), encoding="utf-8"
    )
    err = run_build(raw_copy, out_dir, capsys)
    assert "sources.yaml:" in err and "duplicate document id 'zhenhai-2024-policy'" in err


def test_missing_registry(tmp_path, out_dir, capsys):
    err = run_build(tmp_path / "nowhere", out_dir, capsys)
    assert "sources.yaml" in err and "not found" in err
