"""The clause table on the three real policies: rows, domains, numbering, departments, conservation."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from policycmp.ingest.segment import segment_policy
from policycmp.schema import ClauseRow, dtypes

CLAUSE_DTYPES = dtypes(ClauseRow)

CONTRACT_COLUMNS = [
    "clause_id",
    "doc_id",
    "district",
    "year",
    "domain",
    "section_no",
    "section_title",
    "row_kind",
    "clause_no",
    "seq",
    "title",
    "text",
    "lead_department",
]
DOMAINS = {
    "investment",
    "innovation",
    "manufacturing",
    "services",
    "transport",
    "demand_opening",
    "rural",
    "livelihood",
    "factors",
}


def rows(clauses, doc_id, **where):
    selected = clauses[clauses.doc_id == doc_id]
    for column, value in where.items():
        selected = selected[selected[column] == value]
    return selected


def one(clauses, clause_id):
    match = clauses[clauses.clause_id == clause_id]
    assert len(match) == 1, clause_id
    return match.iloc[0]


def test_contract_columns_come_first_with_explicit_dtypes(clauses):
    assert list(clauses.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert {c: str(t) for c, t in clauses.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in CLAUSE_DTYPES.items()
    }


@pytest.mark.parametrize(
    "doc_id, n_clauses, n_preambles",
    [("zhenhai-2024-policy", 58, 8), ("linping-2024-policy", 63, 8), ("qujiang-2023-policy", 56, 8)],
)
def test_row_counts(clauses, doc_id, n_clauses, n_preambles):
    kinds = rows(clauses, doc_id).row_kind.value_counts()
    assert kinds["clause"] == n_clauses
    assert kinds["preamble"] == n_preambles
    assert kinds["closing"] == 1


def test_only_policies_are_in_the_clause_table(clauses):
    assert set(clauses.doc_id) == {"zhenhai-2024-policy", "linping-2024-policy", "qujiang-2023-policy"}


def test_ids_and_sequence(clauses):
    assert clauses.clause_id.is_unique
    for _, doc in clauses.groupby("doc_id"):
        assert list(doc.seq) == list(range(1, len(doc) + 1))
    assert one(clauses, "zhenhai-2024-policy:c1").seq == 2  # after section 1's preamble


def test_zhenhai_prints_31_twice_and_never_32(clauses, anomalies):
    first, second = one(clauses, "zhenhai-2024-policy:c31"), one(clauses, "zhenhai-2024-policy:c31b")
    assert (first.clause_no, second.clause_no) == (31, 31)
    assert (first.title, second.title) == ("推进信息服务业提质升级", "鼓励楼宇经济发展")
    assert second.seq == first.seq + 1
    assert 32 not in set(rows(clauses, "zhenhai-2024-policy").clause_no.dropna())
    kinds = set(anomalies[anomalies.doc_id == "zhenhai-2024-policy"].kind)
    assert kinds == {"duplicate_clause_number", "skipped_clause_number"}
    assert anomalies[anomalies.doc_id != "zhenhai-2024-policy"].empty


@pytest.mark.parametrize(
    "doc_id, section_no, domain, name",
    [
        ("zhenhai-2024-policy", 5, "transport", "推动世界一流强港和交通强区方面"),
        ("linping-2024-policy", 5, "transport", "建设国际性综合交通枢纽城市和交通强国示范城市政策"),
        ("qujiang-2023-policy", 5, "transport", "交通强区建设政策"),
        ("zhenhai-2024-policy", 6, "demand_opening", "拓展内外市场方面"),
        ("linping-2024-policy", 9, "factors", "要素保障清单"),
        ("linping-2024-policy", 3, "manufacturing", "“415X”先进制造业集群培育政策"),
        ("qujiang-2023-policy", 7, "rural", "乡村振兴和城乡一体化发展政策"),
        ("zhenhai-2024-policy", 8, "livelihood", "保障和改善民生福祉方面"),
    ],
)
def test_sections_map_to_domains(clauses, doc_id, section_no, domain, name):
    section = rows(clauses, doc_id, section_no=section_no)
    assert set(section.domain) == {domain}
    assert set(section.section_name) == {name}
    assert all(title.startswith(name) or name in title for title in section.section_title)


def test_every_domain_is_covered_and_only_closing_lacks_one(clauses):
    for doc_id, doc in clauses.groupby("doc_id"):
        expected = DOMAINS if doc_id.startswith("linping") else DOMAINS - {"factors"}
        assert set(doc.domain.dropna()) == expected
    assert set(clauses[clauses.domain.isna()].row_kind) == {"closing"}


def test_lead_departments(clauses):
    assert one(clauses, "zhenhai-2024-policy:c1").lead_department == "区发改局"
    assert one(clauses, "zhenhai-2024-policy:c7").lead_department == "区科技局"
    assert one(clauses, "linping-2024-policy:c6").lead_department == "区经科局"
    linping = one(clauses, "linping-2024-policy:c1")
    assert linping.support_departments.startswith("区经科局、区财政局")
    assert one(clauses, "qujiang-2023-policy:p7").lead_department == "区农业农村局、区发改局"
    assert one(clauses, "zhenhai-2024-policy:p7").lead_department == "区农业农村局、发改局"


def test_qujiang_responsible_units_stay_in_text_and_get_a_column(clauses):
    clause = one(clauses, "qujiang-2023-policy:c14")
    assert clause.responsible_units == "区科技局、区国资服务中心"
    assert clause.text.endswith("(责任单位:区科技局、区国资服务中心)")
    assert rows(clauses, "qujiang-2023-policy", row_kind="clause").responsible_units.notna().all()


def test_titles_and_number_prefixes(clauses):
    assert one(clauses, "zhenhai-2024-policy:c1").title == "开展扩投资攻坚行动"
    assert one(clauses, "zhenhai-2024-policy:c1").text.startswith("1、开展扩投资攻坚行动。")
    assert one(clauses, "linping-2024-policy:c55").text.startswith(
        "55.做好财政资金保障。2024年区财政安排区级预算共计56亿元"
    )
    assert one(clauses, "qujiang-2023-policy:c14").title == "支持双创载体建设"
    assert rows(clauses, "linping-2024-policy", row_kind="clause").title.notna().all()


def test_front_and_back_matter_are_not_body(clauses):
    linping = rows(clauses, "linping-2024-policy")
    # The news lead repeats clause 61's text; only clause 61 itself may hold it.
    lead_sentence = "腾出存量用能5000吨标准煤以上"
    assert list(linping[linping.text.str.contains(lead_sentence)].clause_id) == ["linping-2024-policy:c61"]
    everything = "".join(clauses.text)
    for debris in ("图形验证码", "征集结果公示", "我们登载此文", "当前位置", "索引号", ".pdf", "现向社会公开征求意见"):
        assert debris not in everything
    assert one(clauses, "zhenhai-2024-policy:closing").text.startswith("上述8个领域政策区级财政2024年预算")
    assert one(clauses, "zhenhai-2024-policy:closing").text.endswith("做好贯彻落实。")
    assert one(clauses, "qujiang-2023-policy:closing").text.endswith("遵照执行。")


def tile(text: str, pieces) -> str:
    """Check pieces tile text[body] with only whitespace between; return the rebuilt body."""
    rebuilt, cursor = [], pieces[0].start
    for piece in pieces:
        gap = text[cursor : piece.start]
        assert gap.strip() == "", f"characters outside every row: {gap[:40]!r}"
        assert piece.start >= cursor, "rows overlap"
        rebuilt.append(gap + text[piece.start : piece.end])
        cursor = piece.end
    return "".join(rebuilt)


@pytest.mark.parametrize("doc_id", ["zhenhai-2024-policy", "linping-2024-policy", "qujiang-2023-policy"])
def test_text_conservation_on_the_real_documents(corpus, clauses, doc_id):
    text = corpus.texts[doc_id]
    seg = segment_policy(text)
    assert tile(text, seg.pieces) == text[seg.body_start : seg.body_end]
    doc = rows(clauses, doc_id)
    headings = [p for p in seg.pieces if p.kind == "heading"]
    assert [text[p.start : p.end] for p in headings] == list(doc.drop_duplicates("section_no").section_title.dropna())
    for row in doc.itertuples():
        assert text[row.char_start : row.char_end] == row.text
    body = text[seg.body_start : seg.body_end]
    assert body.startswith("一、")
    non_space = re.sub(r"\s", "", body)
    assert non_space == re.sub(r"\s", "", "".join(headings_and_rows(seg, text)))


def headings_and_rows(seg, text):
    return [text[p.start : p.end] for p in seg.pieces]
