"""Each seed policy, transformed the way real captures differ from it, gives the original's rows.

The transformations follow docs/real_world_patterns.md: 2024/2025 editions number clauses (一);
captures lose their line breaks; PDF text puts spaces inside figures; 2025 editions reword headings;
lead departments are written in several forms.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import POLICY_FILES

from policycmp.chinese import CHINESE_DIGITS
from policycmp.extract import quantities_table
from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus

STRUCTURE = ["doc_id", "domain", "section_no", "row_kind", "seq", "title", "lead_department"]
CLAUSE_PREFIX = re.compile(r"^(\s*)(\d{1,3})[、.](?!\d)", flags=re.M)
HEADING = re.compile(r"^(\s*)([一二三四五六七八九十]+)、(.*)$", flags=re.M)
DIGITS = {v: k for k, v in CHINESE_DIGITS.items()}


def chinese(n: int) -> str:
    """12 → 十二, 58 → 五十八 (the numbers these documents print)."""
    tens, units = divmod(n, 10)
    return (("" if tens == 1 else DIGITS[tens]) + "十" if tens else "") + (DIGITS[units] if units else "")


def build(raw_dir, doc_id: str, transform) -> pd.DataFrame:
    path = raw_dir / POLICY_FILES[doc_id]
    path.write_bytes(transform(path.read_bytes().decode("utf-8")).encode("utf-8"))
    table, _ = clause_table(read_corpus(raw_dir / "sources.yaml"))
    return table[table.doc_id == doc_id].reset_index(drop=True)


def original(clauses: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    return clauses[clauses.doc_id == doc_id].reset_index(drop=True)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body_without_number(text: str) -> str:
    return squeeze(re.sub(r"^(?:\(?[\d一二三四五六七八九十]+[、.)])", "", text))


# --- numbering ----------------------------------------------------------------------------------------


def renumbered_running_on(text: str) -> str:
    return CLAUSE_PREFIX.sub(lambda m: f"{m.group(1)}({chinese(int(m.group(2)))})", text)


@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_clauses_renumbered_with_chinese_numerals_give_the_same_rows(raw_copy, clauses, doc_id):
    a, b = original(clauses, doc_id), build(raw_copy, doc_id, renumbered_running_on)
    assert a[[*STRUCTURE, "clause_no", "clause_id"]].equals(b[[*STRUCTURE, "clause_no", "clause_id"]])
    assert list(a.text.map(body_without_number)) == list(b.text.map(body_without_number))
    assert b.loc[b.row_kind == "clause", "text"].str.startswith("(").all()


def renumbered_per_section(text: str) -> str:
    """(一)(二)… starting again under every section heading, as 2024 and 2025 editions print them."""
    out, number = [], 0
    for line in text.split("\n"):
        if HEADING.match(line):
            number = 0
        match = CLAUSE_PREFIX.match(line)
        if match:
            number += 1
            line = f"{match.group(1)}({chinese(number)})" + line[match.end() :]
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_numbering_that_restarts_in_each_section(raw_copy, clauses, doc_id):
    a, b = original(clauses, doc_id), build(raw_copy, doc_id, renumbered_per_section)
    assert a[STRUCTURE].equals(b[STRUCTURE])
    assert list(a.text.map(body_without_number)) == list(b.text.map(body_without_number))
    numbered = b[b.row_kind == "clause"]
    # clause_no is the printed number, counted again in each section; ids carry the section
    expected = numbered.groupby("section_no").cumcount() + 1
    assert list(numbered.clause_no) == list(expected)
    assert numbered.clause_id.str.fullmatch(rf"{doc_id}:s\d+c\d+b?").all()
    assert numbered.clause_id.is_unique


# --- one line ------------------------------------------------------------------------------------------


def flattened(text: str) -> str:
    return " ".join(line.strip() for line in text.split("\n") if line.strip())


@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_a_capture_flattened_to_one_line_gives_the_same_rows(raw_copy, clauses, doc_id):
    a, b = original(clauses, doc_id), build(raw_copy, doc_id, flattened)
    assert a[[*STRUCTURE, "clause_no", "clause_id"]].equals(b[[*STRUCTURE, "clause_no", "clause_id"]])
    assert list(a.text.map(squeeze)) == list(b.text.map(squeeze))
    assert (b.line_no == 1).all()


# --- spaces inside figures -------------------------------------------------------------------------------

FIGURE_GAP = re.compile(r"(?<=\d)(?=万元|亿元|元|%|个|亩|万|亿|年)|(?<=增长)(?=\d)|(?<=为)(?=\d)")


def spaced_figures(text: str) -> str:
    """795 亿元以上, 增长 15%以上, 10 万元: the spaces PDF text puts around figures."""
    return FIGURE_GAP.sub(" ", text)


@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_spaces_inside_figures_give_the_same_rows_and_quantities(raw_copy, clauses, doc_id):
    a, b = original(clauses, doc_id), build(raw_copy, doc_id, spaced_figures)
    assert a[[*STRUCTURE, "clause_no", "clause_id"]].equals(b[[*STRUCTURE, "clause_no", "clause_id"]])
    assert list(a.text.map(squeeze)) == list(b.text.map(squeeze))
    assert b.text.str.count(r"\d (?:万|亿|元|%|个|亩)").sum() > 20  # the figures really were spaced
    columns = ["clause_id", "value", "value_high", "unit", "kind", "bound", "level"]
    qa, qb = quantities_table(a)[columns], quantities_table(b)[columns]
    assert qa.equals(qb)


# --- 2025 headings -----------------------------------------------------------------------------------------

HEADINGS_2025 = {
    "investment": "持续扩大有效投资",
    "innovation": "推进教育科技人才一体发展",
    "manufacturing": "加快构建现代化产业体系",
    "services": "推动现代服务业提质增效",
    "transport": "加快建设世界一流强港和交通强省",
    "demand_opening": "提振消费扩大内需",
    "rural": "推进乡村全面振兴和城乡融合发展",
    "livelihood": "持续保障和改善民生",
    "factors": "强化要素保障",
}


@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_headings_in_2025_wording_give_the_same_domains(raw_copy, clauses, doc_id):
    a = original(clauses, doc_id)
    domain_of = dict(zip(a.section_no.dropna(), a.domain.dropna(), strict=False))

    def reworded(text: str) -> str:
        def heading(m: re.Match[str]) -> str:
            number = m.group(2)
            section = next((n for n, d in domain_of.items() if chinese(int(n)) == number), None)
            if section is None:
                return m.group(0)
            parenthesis = re.search(r"\([^()]*\)\s*$", m.group(3))
            department = parenthesis.group(0) if parenthesis else ""
            return f"{m.group(1)}{number}、{HEADINGS_2025[domain_of[section]]}{department}"

        return HEADING.sub(heading, text)

    b = build(raw_copy, doc_id, reworded)
    assert a[[*STRUCTURE, "clause_no", "clause_id", "text"]].equals(b[[*STRUCTURE, "clause_no", "clause_id", "text"]])
    assert (b.domain_source.dropna() == "vocabulary").all()
    assert set(b.section_title.dropna()) != set(a.section_title.dropna())


# --- lead departments --------------------------------------------------------------------------------------

LEAD_FORMS = {
    "without 实施": (r"(由\1牵头)", "{dept}"),
    "without 由": (r"(\1牵头)", "{dept}"),
    "opening parenthesis lost": (r"由\1牵头实施)", "{dept}"),
    "nested alias": (r"(新区科技和人才局〈\1〉牵头)", "新区科技和人才局"),
}


@pytest.mark.parametrize("form", sorted(LEAD_FORMS))
@pytest.mark.parametrize("doc_id", ["qujiang-2023-policy", "zhenhai-2024-policy"])
def test_lead_departments_in_other_forms(raw_copy, clauses, doc_id, form):
    replacement, expected = LEAD_FORMS[form]
    pattern = re.compile(r"\(由([^()]+?)牵头实施\)")
    b = build(raw_copy, doc_id, lambda text: pattern.sub(replacement, text))
    a = original(clauses, doc_id)
    keep = [c for c in STRUCTURE if c != "lead_department"]
    assert a[[*keep, "clause_no", "clause_id"]].equals(b[[*keep, "clause_no", "clause_id"]])
    for (_, x), (_, y) in zip(a.iterrows(), b.iterrows(), strict=True):
        if pd.isna(x.lead_department):
            assert pd.isna(y.lead_department)
        else:
            assert y.lead_department == expected.format(dept=x.lead_department), (form, x.clause_id)


def test_a_heading_without_a_parenthesis_has_no_lead_department(raw_copy):
    b = build(raw_copy, "qujiang-2023-policy", lambda text: re.sub(r"\(由[^()]+?牵头实施\)", "", text))
    assert b.lead_department.isna().all() and (b.domain_source.dropna() == "vocabulary").all()
