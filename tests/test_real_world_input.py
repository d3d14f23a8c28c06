"""The same document gives the same rows however the capture was saved (transformed real copies)."""

from __future__ import annotations

import re

import opencc
import pytest
from conftest import POLICY_FILES, RAW

from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus
from policycmp.ingest.segment import paragraphs, segment_policy
from policycmp.vocabulary import load_layout

STRUCTURE = ["clause_id", "doc_id", "domain", "section_no", "row_kind", "clause_no", "seq", "title"]
FULL_WIDTH = str.maketrans(
    {
        **{str(d): chr(0xFF10 + d) for d in range(10)},
        ":": "：",
        ",": "，",
        "%": "％",
        "(": "（",
        ")": "）",
        ".": "．",
        ";": "；",
    }
)
CLAUSE_PREFIX = re.compile(r"^(\s*)(\d{1,3})[、.](?!\d)", flags=re.M)
HEADING = re.compile(r"^([一二三四五六七八九十]+、.*)$", flags=re.M)


def rebuild(raw_dir, doc_id, transform):
    path = raw_dir / POLICY_FILES[doc_id]
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(transform(text))
    return clause_table(read_corpus(raw_dir / "sources.yaml"))[0]


def strip_number(text: str) -> str:
    return re.sub(r"^\(?\d{1,3}[、.)]", "", text)


def same_rows(original, transformed, doc_id, *, compare_text=True):
    a = original[original.doc_id == doc_id].reset_index(drop=True)
    b = transformed[transformed.doc_id == doc_id].reset_index(drop=True)
    assert a[STRUCTURE].equals(b[STRUCTURE])
    if compare_text:
        assert list(a.text) == list(b.text)
    else:
        assert list(a.text.map(strip_number)) == list(b.text.map(strip_number))


ENCODINGS = {
    "utf8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "gb18030": lambda t: t.encode("gb18030"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda t: t.replace("\n", "\r").encode("utf-8"),
    "full-width": lambda t: t.translate(FULL_WIDTH).encode("utf-8"),
    "gb18030-crlf-full-width": lambda t: t.translate(FULL_WIDTH).replace("\n", "\r\n").encode("gb18030"),
}


@pytest.mark.parametrize("variant", sorted(ENCODINGS))
@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_encodings_line_endings_and_widths(raw_copy, clauses, doc_id, variant):
    same_rows(clauses, rebuild(raw_copy, doc_id, ENCODINGS[variant]), doc_id)


@pytest.mark.parametrize("style", ["{n}.", "{n}、", "{n}．", "（{n}）"])
@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_clause_numbering_styles(raw_copy, clauses, doc_id, style):
    def renumber(text: str) -> bytes:
        return CLAUSE_PREFIX.sub(lambda m: m.group(1) + style.format(n=m.group(2)), text).encode("utf-8")

    transformed = rebuild(raw_copy, doc_id, renumber)
    same_rows(clauses, transformed, doc_id, compare_text=False)
    assert (
        transformed[transformed.doc_id == doc_id].row_kind.value_counts()["clause"]
        == clauses[clauses.doc_id == doc_id].row_kind.value_counts()["clause"]
    )


@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_headings_in_traditional_characters(raw_copy, clauses, doc_id):
    to_traditional = opencc.OpenCC("s2t")

    def traditional_headings(text: str) -> bytes:
        return HEADING.sub(lambda m: to_traditional.convert(m.group(1)), text).encode("utf-8")

    transformed = rebuild(raw_copy, doc_id, traditional_headings)
    same_rows(clauses, transformed, doc_id)
    titles = set(transformed[transformed.doc_id == doc_id].section_title.dropna())
    assert any("擴大有效投資" in t for t in titles)  # the heading really was rewritten


# ------------------------------------------------------------------------------------------------
# Captures garbled before they reached us (a page's UTF-8 read as GBK and saved again)


@pytest.mark.parametrize(
    ("line", "garbled"),
    [
        # two paragraphs of a real reprint of 温州's 2025 policy: (一)推动高能级… and (二)支持…
        (" ?。ㄒ唬┩苿痈吣芗壙苿撈脚_提質增效。制定大孵化器集群建設新三年行動計劃", True),
        (" ?。ǘ┲С秩湕l關鍵核心技術攻關。", True),
        ("对首次认定为国家级科技企业孵化器的,给予150万元奖励。", False),
        ("临平农创圆桌π主题活动,建设共富工坊", False),  # one such character can be a name
        ("支持企业开展ISO 9001认证,每家给予1万元奖励。", False),
        ("鍙戝竷鏃ユ湡:2023-04-03 10:29 淇℃伅鏉ユ簮:琛㈡睙鍖� 娴忚��", True),  # a whole page garbled
    ],
)
def test_garbled_text_is_told_from_text(line, garbled):
    assert bool(load_layout().garbled_text.search(line)) is garbled


def test_a_garbled_paragraph_is_reported_at_its_line(raw_copy):
    doc_id = "zhenhai-2024-policy"
    text = (raw_copy / POLICY_FILES[doc_id]).read_bytes().decode("utf-8")
    lines = text.split("\n")
    first_heading = next(i for i, line in enumerate(lines) if HEADING.match(line))
    first_clause = next(i for i in range(first_heading, len(lines)) if CLAUSE_PREFIX.match(lines[i]))
    lines[first_clause] = lines[first_clause].encode("utf-8").decode("gbk", errors="replace")
    (raw_copy / POLICY_FILES[doc_id]).write_bytes("\n".join(lines).encode("utf-8"))
    _, anomalies = clause_table(read_corpus(raw_copy / "sources.yaml"))
    garbled = anomalies[anomalies.kind == "garbled"]
    assert list(zip(garbled.doc_id, garbled.line, strict=True)) == [(doc_id, first_clause + 1)]
    assert "looks garbled" in garbled.message.item() and "capture it again" in garbled.message.item()


def test_no_seed_is_taken_for_garbled():
    _, anomalies = clause_table(read_corpus(RAW / "sources.yaml"))
    assert "garbled" not in set(anomalies.kind)


# --- a one-line capture whose first heading stands mid-line after the preamble ----------------------

SHORT_ONE_LINE = (
    "某县关于推动经济高质量发展的若干措施 为全面落实上级决策部署,推动经济持续向好,制定以下措施。 "
    "一、大力推进项目建设 围绕重大项目攻坚,全年完成投资100亿元。 1.加快项目审批。对重大项目给予最高50万元奖励。 "
    "2.强化要素保障。安排专项资金1亿元。 二、强化科技创新(县科技局牵头) 1.支持研发投入。按研发费用的10%给予补助。"
)


HEADINGS = ["一、大力推进项目建设", "二、强化科技创新(县科技局牵头)"]


@pytest.mark.parametrize(
    "capture, headings",
    [
        # the heading has neither 政策 nor a department parenthesis, and the line is short
        (SHORT_ONE_LINE, HEADINGS),
        # after a colon, as after a full stop
        (SHORT_ONE_LINE.replace("制定以下措施。", "特制定如下措施:"), HEADINGS),
        # the same capture with its line breaks: found the same way
        (SHORT_ONE_LINE.replace("。 ", "。\n").replace(" 围绕", "\n围绕").replace(") ", ")\n"), HEADINGS),
    ],
)
def test_a_heading_mid_line_after_the_preamble_is_found(capture, headings):
    seg = segment_policy(capture)
    assert [p.heading for p in seg.pieces if p.kind == "heading"] == headings
    clauses = [capture[p.start : p.end] for p in seg.pieces if p.kind == "clause"]
    assert clauses[0].startswith("1.加快项目审批") and clauses[-1].startswith("1.支持研发投入")


@pytest.mark.parametrize(
    "line",
    [
        "对获得一、二、三等奖的项目分别给予奖励。",  # a list inside a sentence, no space
        "对 一、二类企业给予支持,对三类企业不予支持。",  # a space, but no sentence end before the numeral
        "本办法自发布之日起施行。 附件:一览表",  # a sentence end and a space, but no heading after it
    ],
)
def test_a_numeral_list_inside_a_sentence_does_not_cut_a_line(line):
    assert [p.text for p in paragraphs(line, load_layout())] == [line]
