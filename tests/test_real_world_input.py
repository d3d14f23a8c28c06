"""The same document gives the same rows however the capture was saved (transformed real copies)."""

from __future__ import annotations

import re

import opencc
import pytest
from conftest import POLICY_FILES

from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus

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
