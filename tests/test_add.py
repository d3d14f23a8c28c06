"""`policycmp add`: a document as its government published it (web page, PDF, Word, text), registered
with the entry inferred from its text; every refusal is one line naming the file, and writes nothing."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml
from adding import entries, refused, snapshot
from conftest import POLICY_FILES, RAW

from policycmp.cli import main
from policycmp.evaluation.formats import make_docx, make_gov_html, make_pdf, make_scanned_pdf, published_policy

ENTRY_KEYS = ["id", "kind", "district", "district_zh", "city", "province", "year", "status", "title", "issued"]
REGISTRY = {e["id"]: e for e in yaml.safe_load((RAW / "sources.yaml").read_text(encoding="utf-8"))["documents"]}


@pytest.mark.parametrize("doc_id", sorted(REGISTRY))
def test_add_infers_the_registered_entry_of_every_seed(tmp_path, doc_id, capsys):
    raw = tmp_path / "raw"
    source = RAW / REGISTRY[doc_id]["file"]
    assert main(["add", str(source), "--raw", str(raw)]) == 0
    added = entries(raw)[doc_id]
    assert {k: str(added[k]) for k in ENTRY_KEYS} == {k: str(REGISTRY[doc_id][k]) for k in ENTRY_KEYS}
    assert (raw / f"{doc_id}.txt").read_bytes() == source.read_bytes()  # byte-identical copy
    assert added["source_sha256"] == REGISTRY[doc_id]["source_sha256"]
    assert f"id: {doc_id}" in capsys.readouterr().out  # the entry is printed


MAKERS = {
    ".html": lambda p: make_gov_html(p.full_text, title=p.title, meta=p.meta),
    ".gbk.html": lambda p: make_gov_html(p.full_text, title=p.title, meta=p.meta, encoding="gbk"),
    ".docx": lambda p: make_docx(p.full_text, title=p.title, meta=p.meta, header=f"{p.issuer}文件"),
    ".pdf": lambda p: make_pdf(p.text, title=p.title, signature=p.signature, header=f"{p.issuer}文件"),
}


@pytest.mark.parametrize("made", sorted(MAKERS))
@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_add_infers_the_entry_from_every_format(tmp_path, doc_id, made):
    published = published_policy(RAW / "sources.yaml", doc_id)
    path = tmp_path / f"download{made}"
    path.write_bytes(MAKERS[made](published))
    raw = tmp_path / "raw"
    assert main(["add", str(path), "--raw", str(raw)]) == 0
    added = entries(raw)[doc_id]
    assert {k: str(added[k]) for k in ENTRY_KEYS} == {k: str(REGISTRY[doc_id][k]) for k in ENTRY_KEYS}
    assert added["file"] == f"{doc_id}.{made.rsplit('.', 1)[-1]}"
    assert (raw / added["file"]).read_bytes() == path.read_bytes()


def test_dry_run_prints_and_writes_nothing(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    capture = tmp_path / "linping.txt"
    shutil.copyfile(RAW / "linping-2024-policy.txt", capture)
    (raw / "linping-2024-policy.txt").unlink()
    text = (raw / "sources.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: linping-2024-policy")
    end = text.index("  - id: qujiang-2023-policy")
    (raw / "sources.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    before = snapshot(raw)
    assert main(["add", str(capture), "--raw", str(raw), "--dry-run"]) == 0
    assert "id: linping-2024-policy" in capsys.readouterr().out
    assert snapshot(raw) == before


def test_flags_override_what_was_inferred(tmp_path):
    raw = tmp_path / "raw"
    source = RAW / "zhenhai-2024-policy.txt"
    assert main(["add", str(source), "--raw", str(raw), "--year", "2025", "--issued", "2024-03-01"]) == 0
    added = entries(raw)["zhenhai-2025-policy"]
    assert (added["year"], str(added["issued"]), added["district"]) == (2025, "2024-03-01", "zhenhai")


def test_refuses_a_file_already_registered(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    copy = tmp_path / "same-bytes.txt"
    shutil.copyfile(RAW / "qujiang-2023-policy.txt", copy)
    refused(capsys, [str(copy)], raw, "same-bytes.txt", "already registered")


def test_refuses_a_second_document_of_the_same_edition_naming_both(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    other = tmp_path / "qujiang-again.txt"
    other.write_bytes((RAW / "qujiang-2023-policy.txt").read_bytes() + "\n附件:无\n".encode())
    refused(capsys, [str(other)], raw, "qujiang-again.txt", "(qujiang, policy, 2023, final)",
            "'qujiang-2023-policy' (qujiang-2023-policy.txt)", "--year")  # fmt: skip


def test_refuses_a_place_not_in_the_gazetteer_naming_the_closest(tmp_path, capsys):
    page = tmp_path / "elsewhere.txt"
    page.write_text(
        "苏州市吴中区关于推动经济高质量发展的若干政策\n苏州市吴中区人民政府\n2024年3月1日\n一、扩大有效投资政策\n",
        encoding="utf-8",
    )
    refused(capsys, [str(page)], tmp_path / "raw", "elsewhere.txt", "closest")
    refused(capsys, [str(RAW / "qujiang-2023-policy.txt"), "--district", "qujiag"], tmp_path / "raw",
            "unknown district 'qujiag'", "qujiang")  # fmt: skip


def test_refuses_a_kind_it_cannot_tell_naming_the_flag(tmp_path, capsys):
    page = tmp_path / "notice.txt"
    page.write_text("衢江区人民政府关于开展安全生产检查的通知\n衢江区人民政府\n2023年4月3日\n", encoding="utf-8")
    refused(capsys, [str(page)], tmp_path / "raw", "notice.txt", "--kind")


def test_refuses_what_the_build_would_refuse(tmp_path, capsys):
    # a capture cut off before its first section: the build would stop on it, with every other document
    page = tmp_path / "cut.txt"
    page.write_text(
        "乐清市人民政府关于印发乐清市推动经济高质量发展若干政策(2025年版)的通知\n乐清市人民政府\n2025年3月1日\n"
        "为全面贯彻落实中央和省委、市委经济工作会议精神,制定以下政策。\n",
        encoding="utf-8",
    )
    refused(capsys, [str(page)], tmp_path / "raw", "cut.txt", "no policy section heading")


def test_a_title_the_capture_lost_is_given_with_title(tmp_path, capsys):
    page = tmp_path / "untitled.txt"
    page.write_text("成文日期:2024-03-01\n一、深化扩大有效投资政策措施(由市发改局牵头实施)\n1.加大财政支持力度。\n",
                    encoding="utf-8")  # fmt: skip
    refused(capsys, [str(page), "--district", "linhai"], tmp_path / "raw", "untitled.txt", "pass --title")
    title = "临海市有效投资政策措施"
    argv = ["add", str(page), "--raw", str(tmp_path / "raw"), "--district", "linhai", "--title", title]
    assert main(argv) == 0
    entry = yaml.safe_load((tmp_path / "raw" / "sources.yaml").read_text(encoding="utf-8"))["documents"][0]
    assert (entry["id"], entry["title"]) == ("linhai-2024-policy", title)


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("policy.doc", b"\xd0\xcf\x11\xe0legacy", "save it as DOCX or PDF"),
        ("policy.wps", b"wps", "save it as DOCX or PDF"),
        ("policy.ofd", b"PK\x03\x04ofd", "save it as DOCX or PDF"),
        ("policy.pdf", None, "needs OCR"),
        ("policy.txt", b"", "file is empty"),
    ],
)
def test_refuses_what_it_cannot_read(tmp_path, capsys, name, content, expected):
    path = tmp_path / name
    path.write_bytes(make_scanned_pdf() if content is None else content)
    refused(capsys, [str(path)], tmp_path / "raw", name, expected)


def test_one_refused_file_among_several_writes_nothing(tmp_path, capsys):
    raw = tmp_path / "raw"
    good = RAW / "zhenhai-2024-policy.txt"
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(make_scanned_pdf())
    refused(capsys, [str(good), str(bad)], raw, "scan.pdf", "needs OCR")
    assert not raw.exists() or not any(raw.iterdir())


def test_an_added_web_page_builds_with_the_seeds(tmp_path):
    """The page of a district's policy, added beside the seeds, builds into the same clause rows."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    published = published_policy(RAW / "sources.yaml", "qujiang-2023-policy")
    (raw / "qujiang-2023-policy.txt").unlink()
    text = (raw / "sources.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: qujiang-2023-policy")
    end = text.index("  - id: ningbo-2024-work-report")
    (raw / "sources.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_bytes(make_gov_html(published.full_text, title=published.title, meta=published.meta))
    assert main(["add", str(page), "--raw", str(raw)]) == 0
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    built = pd.read_parquet(tmp_path / "out" / "clauses.parquet")
    rows = built[built.doc_id == "qujiang-2023-policy"]
    assert len(rows[rows.row_kind == "clause"]) == 56 and rows.clause_id.iloc[-1] == "qujiang-2023-policy:closing"
