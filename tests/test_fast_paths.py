"""Each fast path gives what the plain computation it replaced gives.

The build's speed comes from doing the same thing another way: a statement's quantities found by
bisecting its clause's sorted quantities rather than by a boolean mask over the whole table,
sentence bounds read from marks found once, patterns tried as one alternation before one by one,
digit-led patterns in a form the regex engine can skip through, a budget check in one pass. Each
test here sets the fast form beside the plain form (as it was written before) on the same inputs.
"""

from __future__ import annotations

import os
import pickle
import random
import re
import shutil

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from policycmp.compare.budgets import BudgetCheck, budget_checks
from policycmp.compare.indexed import index_tables, quantities_by_clause, quantity_records
from policycmp.compare.statements import Statement, _trimmed, sentence_at, sentences, within
from policycmp.errors import PolicyInputError
from policycmp.extract import extract_many, extract_mentions, quantities_table
from policycmp.extract.grammar import grammar
from policycmp.extract.numbers import _fold_char, fold
from policycmp.extract.scanning import needed_characters, number_ends, skipping
from policycmp.extract.windows import FRAGMENT_END, SENTENCE_END, Windows
from policycmp.publish.build import build_tables
from policycmp.publish.parallel import Run, map_runs, runs
from policycmp.publish.validate import TableCheckError, check_tables
from policycmp.report.views import figures, spread_chart
from policycmp.report.views.inputs import rows_digest
from policycmp.schema import BudgetRow, QuantityRow, dtypes, frame
from policycmp.vocabulary import (
    data_dir,
    load_domains,
    load_indicators,
    load_instruments,
    load_policy_tools,
    loader,
    read_yaml,
)
from policycmp.vocabulary.checks import joined

# ------------------------------------------------------------------------------------------------
# A statement's quantities: bisection over the clause's sorted rows against the old boolean mask


@pytest.fixture(scope="module")
def quantities(clauses) -> pd.DataFrame:
    return quantities_table(clauses)


def _masked(group: pd.DataFrame, statement: Statement) -> pd.DataFrame:
    """The old ``within``: every quantity of the clause, filtered by a mask on start and end."""
    ordered = group.sort_values(["start", "end"], kind="stable")
    return ordered[(ordered["start"] >= statement.start) & (ordered["end"] <= statement.end)]


def test_a_statements_quantities_are_those_the_mask_selected(clauses, quantities):
    by_clause = quantities_by_clause(quantities)
    checked = 0
    for clause_id, text in zip(clauses["clause_id"], clauses["text"], strict=True):
        group = quantities[quantities["clause_id"] == clause_id]
        rows = by_clause.get(clause_id, [])
        for sentence in sentences(text):
            fast = [(q.start, q.end, q.span) for q in within(rows, sentence)]
            slow = list(_masked(group, sentence)[["start", "end", "span"]].itertuples(index=False, name=None))
            assert fast == slow, (clause_id, sentence)
            checked += len(fast)
    assert checked == len(quantities)


@pytest.mark.parametrize(
    ("starts_ends", "statement", "expected"),
    [
        ([], (0, 10), []),
        ([(0, 3), (4, 6), (8, 12)], (0, 10), [(0, 3), (4, 6)]),  # the last one runs past the end
        ([(0, 3), (4, 6), (8, 12)], (4, 12), [(4, 6), (8, 12)]),
        ([(0, 3), (2, 5), (2, 4)], (2, 5), [(2, 5), (2, 4)]),  # overlapping spans keep their order
        ([(5, 6)], (0, 5), []),  # starting at the statement's end: outside
        ([(1, 2), (3, 4)], (2, 3), []),
    ],
)
def test_within_on_edge_cases(starts_ends, statement, expected):
    rows = [Statement(s, e, "x" * (e - s)) for s, e in starts_ends]
    assert [(r.start, r.end) for r in within(rows, Statement(*statement, ""))] == expected


def test_records_keep_the_values_pandas_rows_gave(quantities):
    records = quantity_records(quantities)
    for row, old in zip(records, quantities.to_dict("records"), strict=True):
        for name in dtypes(QuantityRow):
            value, was = getattr(row, name), old[name]
            if pd.isna(was):
                assert value is None or value != value, name  # None for missing text, NaN for a float
            else:
                assert value == was and type(value) is type(was), name


def test_index_groups_every_clause_in_text_order(clauses, quantities):
    index = index_tables(clauses, quantities)
    assert [c.clause_id for c in index.clauses] == list(clauses["clause_id"])
    assert sum(len(rows) for rows in index.quantities.values()) == len(quantities)
    for rows in index.quantities.values():
        assert [(q.start, q.end) for q in rows] == sorted((q.start, q.end) for q in rows)
    assert {d: [c.clause_id for c in rows] for d, rows in index.by_doc.items()} == {
        d: list(g) for d, g in clauses.groupby("doc_id", sort=False)["clause_id"]
    }


# ------------------------------------------------------------------------------------------------
# Sentences, sentence bounds, trimming


def _old_sentence_at(text: str, position: int) -> Statement | None:
    for sentence in sentences(text):
        if sentence.start <= position < sentence.end:
            return sentence
    return None


def _old_bounds(norm: str, start: int, end: int, rx: re.Pattern[str]) -> tuple[int, int]:
    left = 0
    for m in rx.finditer(norm, 0, start):
        left = m.end()
    right = rx.search(norm, end)
    return left, (right.start() if right else len(norm))


def test_sentence_lookups_on_every_clause(clauses):
    for text in clauses["text"]:
        found = sentences(text)
        for position in range(0, len(text), 3):
            assert sentence_at(text, position, found) == _old_sentence_at(text, position)
        windows = Windows(text)
        for start in range(0, len(text), 5):
            end = min(len(text), start + 4)
            assert windows.sentence(start, end) == _old_bounds(text, start, end, SENTENCE_END)
            assert windows.fragment(start, end) == _old_bounds(text, start, end, FRAGMENT_END)


def _old_trimmed(text: str, start: int, end: int) -> Statement | None:
    while start < end and text[start] in " \t\u3000,、:":
        start += 1
    while end > start and text[end - 1] in " \t\u3000,、:":
        end -= 1
    return Statement(start, end, text[start:end]) if end > start else None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\u3000,、:ab。中;", max_size=12), st.integers(0, 12), st.integers(0, 12))
def test_trimming_as_before(text, a, b):
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    assert _trimmed(text, start, end) == _old_trimmed(text, start, end)


# ------------------------------------------------------------------------------------------------
# Patterns tried as one alternation first


def test_joined_vocabulary_patterns_match_where_one_of_them_does(clauses):
    groups = [tuple(rx for i in load_instruments().instruments for rx in i.patterns)]
    groups += [tool.cues for tool in load_policy_tools().tools]
    groups += [tuple(rx for rx, _ in i.patterns) for i in load_indicators().indicators]
    for patterns in groups:
        one = joined(patterns)
        assert one is not None
        for text in clauses["text"]:
            assert (one.search(text) is not None) == any(rx.search(text) for rx in patterns)


@pytest.mark.parametrize(
    "patterns",
    [
        (re.compile(r"(a)\1"), re.compile("b")),  # a back-reference would point at another group
        (re.compile("(?i)a"), re.compile("b")),  # inline flags
        (re.compile("(?P<x>a)"), re.compile("(?P<x>b)")),  # the same group name twice
        (),
    ],
)
def test_patterns_that_cannot_be_joined_are_read_one_by_one(patterns):
    assert joined(patterns) is None


# ------------------------------------------------------------------------------------------------
# Scanning: a lookahead for a pattern's first characters, and the scanner of the not-a-quantity patterns


@pytest.mark.parametrize(
    ("pattern", "form"),
    [
        (r"\d{4}\s*年", r"(?=[\d])(?:\d{4}\s*年)"),
        (r"(?<![\d.])\d+", r"(?=[\d])(?:(?<![\d.])\d+)"),  # a lookbehind consumes nothing
        (r"(?:^|(?<=\s))\d{1,2}[、.]", r"(?=[\d])(?:(?:^|(?<=\s))\d{1,2}[、.])"),
        (r"\d*x", r"(?=[\dx])(?:\d*x)"),  # the repeat may be empty: x may open the match
        (r"(?:a|\d)+c", r"(?=[\da])(?:(?:a|\d)+c)"),
        (r"(?P<n>[一二]+)分之", r"(?=[一二])(?:(?P<n>[一二]+)分之)"),
        (r"(?:(?P<x>a)|(?P<y>b))c", r"(?=[ab])(?:(?:(?P<x>a)|(?P<y>b))c)"),
        # left alone: re skips through these by itself, or nothing is known of the first character
        (r"“[^“”]{0,40}”", r"“[^“”]{0,40}”"),
        (r"[^a]+b", r"[^a]+b"),
        (r"(?:最高|不超过)", r"(?:最高|不超过)"),
        (r"x?", r"x?"),  # may be empty
        (r".b", r".b"),
        (r"[^a]?b", r"[^a]?b"),  # a negated class cannot join b in one class
        (r"(?i)\d+a", r"(?i)\d+a"),  # flags must open the pattern; and case changes what matches
        (r"(?x) \d+ a", r"(?x) \d+ a"),
        (r"(\d)\1?", r"(\d)\1?"),  # a group around a class: re skips by itself
        (r"(a)?\1b", r"(a)?\1b"),  # a back-reference may come first: unknown
    ],
)
def test_skipping_forms(pattern, form):
    assert skipping(re.compile(pattern)).pattern == form


def test_a_pattern_compiled_verbose_or_ignoring_case_is_left_alone():
    for rx in (re.compile(r"\d+ # digits", re.VERBOSE), re.compile(r"\d+a", re.IGNORECASE)):
        assert skipping(rx) is rx


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"\d{4}\s*年", ["年"]),
        (r"\d+(?:\.\d+)?\s*(?:个)?(?:年|月|小时)", ["小年月"]),  # 个 is optional
        (r"(?:电话|热线)[:\s]*\d{5,}", ["电热"]),
        (r"[〔\[]\d{4}[〕\]]\s*\d+\s*号", ["[〔", "]〕", "号"]),
        (r"[a-c]x", ["abc", "x"]),
        (r"a?b", ["b"]),
        (r"(?:^|(?<=[。;]))\d{1,2}[、.]", ["、."]),  # what a lookbehind looks at is not in the match
        (r"“[^“”]{0,40}”", ["“", "”"]),
        (r"\d+", []),
        (r"[\u4e00-\u9fff]年", ["年"]),  # a wide range is no filter
        (r"(?i)ab", []),
        (r"(?:a|\d)b", ["b"]),  # one branch needs nothing known
        (r"[", []),  # not a pattern: nothing known (the vocabulary loader reports it)
    ],
)
def test_needed_characters(pattern, needs):
    assert needed_characters(pattern) == tuple(frozenset(chars) for chars in needs)


DIGITY = "0123456789年月县 号.,-:、xAbz中一十万元“”()第前级强后期时点个天度" + "\u3000\n"
NUMBERY = "0123456789.,-−:%/ 一二三十百千万亿两零分之倍折元万元亿元亩公顷吨台个余多以上最高"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=DIGITY, max_size=40))
def test_the_scanner_finds_what_re_finds_pattern_by_pattern(text):
    scanner = grammar().numbers.blocked
    plain = [re.compile(pattern) for pattern in _originals()]
    expected = [m.span() for rx in plain for m in rx.finditer(text)]
    assert scanner.spans(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=NUMBERY, max_size=30))
def test_the_number_grammars_in_skipping_form_find_what_they_find_plain(text):
    numbers = grammar().numbers
    for fast in (numbers.arabic, numbers.special):
        assert fast.pattern.startswith("(?=[")  # else this test compares a pattern with itself
        plain = re.compile(fast.pattern.split("])(?:", 1)[1][:-1])
        assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == [
            (m.span(), m.groupdict()) for m in plain.finditer(text)
        ]


@pytest.mark.parametrize(
    ("pattern", "ends"),
    [
        (r"\d{4}\s*年(?:度)?", "年"),
        (r"\d+(?:\.\d+)?\s*(?:个)?(?:年|月|小时)", "个年月小"),  # 个 may stand first, or not at all
        (r"\d{4}\s*[-~至]\s*\d{4}\s*年", "-~至"),
        (r"\d+(?:\s*[、,和]\s*\d+)*\s*号", "、,和号"),
        (r"\d+(?:\.\d+)?\s*[A-C]?\s*级", "ABC级"),
        (r"(?<![\d.])\d+倍", "倍"),  # a lookbehind consumes nothing
        (r"(?:^|(?<=[。;]))\d{1,2}[、.]", None),  # 3. is a number's characters only
        (r"\d+\s*", None),  # may hold nothing else
        (r"前\s*\d+", None),  # does not open with a digit
        (r"“[^“”]{0,40}”", None),
        (r"\d+[^a]", None),  # a negated class: anything may end the number
        (r"\d+\w", None),
    ],
)
def test_number_ends(pattern, ends):
    assert number_ends(pattern) == (None if ends is None else frozenset(ends))


def test_batch_extraction_gives_each_texts_own_mentions(clauses):
    texts = [*clauses["text"], "", "2024年", "给予最高50万元奖励", None]
    assert extract_many(texts) == [extract_mentions(text) for text in texts]  # type: ignore[arg-type]
    assert [len(found) for found in extract_many(texts[-4:])] == [0, 0, 1, 0]  # type: ignore[arg-type]


def test_the_scanner_reads_a_batch_as_it_reads_each_text(clauses):
    scanner = grammar().numbers.blocked
    texts = list(clauses["text"])
    assert scanner.spans_of(texts) == [scanner.spans(text) for text in texts]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=NUMBERY + "每平方米千瓦时度立方美人民币百分点", max_size=30))
def test_the_chinese_number_gate_opens_wherever_the_grammar_matches(text):
    numbers = grammar().numbers
    if numbers.special.search(text):
        assert numbers.special_gate.search(text)


def test_the_chinese_number_gate_opens_on_every_clause_the_grammar_matches(clauses):
    numbers = grammar().numbers
    matched = [text for text in clauses["text"] if numbers.special.search(text)]
    assert matched and all(numbers.special_gate.search(text) for text in matched)


def test_grammar_blocked_patterns_find_the_same_matches_in_every_clause(clauses):
    plain = [re.compile(pattern) for pattern in _originals()]
    scanner = grammar().numbers.blocked
    for text in clauses["text"]:
        expected = [m.span() for rx in plain for m in rx.finditer(text)]
        assert scanner.spans(text) == expected


def _originals() -> list[str]:
    """The not_quantity and quoted_spans patterns as written in quantity_cues.yaml."""
    spec = read_yaml(data_dir() / "quantity_cues.yaml")
    return list(spec["quoted_spans"]) + list(spec["not_quantity"])


# ------------------------------------------------------------------------------------------------
# fold


def test_fold_folds_every_character_as_one_at_a_time_did():
    rnd = random.Random(0)
    chars = [chr(c) for c in range(0x80, 0x30000) if not 0xD800 <= c < 0xE000]
    whole = "".join(chars)
    assert fold(whole) == "".join(_fold_char(ch) for ch in whole)
    for _ in range(2000):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 6))) + "a1"
        assert fold(text) == "".join(ch if ch.isascii() else _fold_char(ch) for ch in text)


# ------------------------------------------------------------------------------------------------
# Budget checks in one pass


def _old_budget_checks(budgets: pd.DataFrame) -> tuple[pd.DataFrame, list[BudgetCheck]]:
    budgets = budgets.copy()
    checks = []
    for doc_id, group in budgets.groupby("doc_id", sort=True):
        totals = group[group["role"] == "total"]
        parts = group[group["role"] == "allocation"]
        total = float(totals["value"].iloc[0]) if not totals.empty else None
        parts_sum = float(parts["value"].sum()) if not parts.empty else None
        check = BudgetCheck(str(doc_id), total, parts_sum, len(parts))
        checks.append(check)
        if not totals.empty:
            budgets.loc[totals.index, "parts_sum"] = parts_sum
            budgets.loc[totals.index, "parts_match"] = check.matches
    return budgets.astype(dtypes(BudgetRow)), checks


def _budget(doc: str, role: str, value: float) -> BudgetRow:
    return BudgetRow(
        "d", 2024, None, value, "CNY", "exact", None, f"{doc}:c1", "s", doc, role, None, False, "q", 0, 1, None, None
    )


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("a", "total", 5.0e8), ("a", "allocation", 2.0e8), ("a", "allocation", 3.0e8)],
        [("a", "total", 5.0e8), ("a", "allocation", 2.0e8), ("b", "allocation", 1.1e8), ("b", "item", 9.0)],
        [("b", "total", 1.0), ("a", "total", 7.0), ("a", "total", 8.0), ("a", "allocation", 0.1), ("c", "item", 1.0)],
        [("a", "allocation", x / 7) for x in range(1, 20)] + [("a", "total", sum(x / 7 for x in range(1, 20)))],
    ],
)
def test_budget_checks_as_before(rows):
    budgets = frame(BudgetRow, [_budget(*row) for row in rows])
    new, new_checks = budget_checks(budgets)
    old, old_checks = _old_budget_checks(budgets)
    pd.testing.assert_frame_equal(new, old)
    assert new_checks == old_checks


# ------------------------------------------------------------------------------------------------
# The checks before publishing still find a bad row


@pytest.fixture(scope="module")
def tables(corpus) -> dict[str, pd.DataFrame]:
    return build_tables(corpus).tables


def test_a_span_that_is_not_its_text_is_caught(tables):
    broken = tables["quantities"].copy()
    broken.loc[5, "span"] = broken.loc[5, "span"] + "x"
    with pytest.raises(TableCheckError, match=r"quantities.parquet: column 'span', row 5 .*span == text"):
        check_tables({**tables, "quantities": broken})


def test_an_unknown_clause_is_caught(tables):
    broken = tables["targets"].copy()
    broken.loc[3, "clause_id"] = "nowhere:c1"
    with pytest.raises(TableCheckError, match=r"targets.parquet: column 'clause_id', row 3 .*clause_id in clauses"):
        check_tables({**tables, "targets": broken})


# ------------------------------------------------------------------------------------------------
# Runs of documents and worker processes


def test_runs_cut_at_document_boundaries():
    doc_ids = [d for d, n in (("a", 3), ("b", 1), ("c", 2), ("d", 4), ("e", 1)) for _ in range(n)]
    parts = runs(doc_ids, per_run=2)
    assert parts == [Run(0, 4, 2), Run(4, 10, 2), Run(10, 11, 1)]
    assert runs([], per_run=2) == []


def _square(state: list[int], start: int, stop: int) -> list[int]:
    if any(state[i] < 0 for i in range(start, stop)):
        raise PolicyInputError("x.txt", "a negative number", line=start + 1)
    return [state[i] ** 2 for i in range(start, stop)]


def test_worker_results_come_back_in_run_order():
    state = list(range(40))
    parts = [Run(i, i + 4, 1) for i in range(0, 40, 4)]
    read: list[int] = []
    seen: list[int] = []

    def then(n: int, result: list[int]) -> list[int]:
        read.append(n)  # in the order runs finish
        return [-x for x in result]

    expected = [[-x for x in _square(state, p.start, p.stop)] for p in parts]
    assert map_runs(_square, state, parts, 2, then, seen.append) == expected  # two workers
    assert sorted(read) == list(range(len(parts))) and seen == [1] * len(parts)


def test_an_error_in_a_worker_reaches_the_build_whole():
    state = [1, 2, -3, 4]
    with pytest.raises(PolicyInputError) as raised:
        map_runs(_square, state, [Run(0, 2, 1), Run(2, 4, 1)], 2, lambda n, result: result)
    assert raised.value.one_line() == "x.txt:3: a negative number"
    error = PolicyInputError("y.txt", "bad", line=2)
    assert pickle.loads(pickle.dumps(error)).one_line() == error.one_line()


# ------------------------------------------------------------------------------------------------
# The report's caches: a label's width, a vocabulary's digest, a page's rows hashed from row hashes


@pytest.mark.parametrize("text", ["Award for a national-level incubator", "镇海区 2024 final", "0.5×", "万元"])
@pytest.mark.parametrize("size", [10.0, 11.0, 13.0])
def test_a_cached_label_width_is_the_width_measured_afresh(text, size):

    figures.setup_figures()  # registers the pages' font, as views.start does
    font = FontProperties(family=[spread_chart.FAMILY, "DejaVu Sans"], size=size)
    measured, _, _ = text_to_path.get_text_width_height_descent(text, font, False)
    assert spread_chart._width(text, size) == pytest.approx(measured, rel=0, abs=0)
    assert spread_chart._width(text, size) == spread_chart._width(text, size)  # the second from the cache
    assert spread_chart._width(text + "x", size) > spread_chart._width(text, size)


def _vocabulary_reads(monkeypatch) -> list[str]:

    reads: list[str] = []
    plain = loader.read_bytes

    def counted(path):
        reads.append(str(path))
        return plain(path)

    monkeypatch.setattr(loader, "read_bytes", counted)
    return reads


def _names(path, parsed):
    return tuple(parsed["names"])


def test_a_vocabulary_rewritten_at_once_with_the_same_size_is_read_again(tmp_path, monkeypatch):

    reads = _vocabulary_reads(monkeypatch)
    vocabulary = tmp_path / "names.yaml"
    vocabulary.write_text("names: [镇海, 北仑]\n", encoding="utf-8")
    assert loader.load(_names, "names", vocabulary) == ("镇海", "北仑")
    vocabulary.write_text("names: [鄞州, 北仑]\n", encoding="utf-8")  # same size, same clock tick maybe
    assert loader.load(_names, "names", vocabulary) == ("鄞州", "北仑")
    assert len(reads) == 2  # a file younger than the racy window is never taken on its stat


def test_an_old_unchanged_vocabulary_is_not_read_again_and_an_edit_is(tmp_path, monkeypatch):

    reads = _vocabulary_reads(monkeypatch)
    vocabulary = tmp_path / "names.yaml"
    vocabulary.write_text("names: [镇海, 北仑]\n", encoding="utf-8")
    old = 1_700_000_000_000_000_000
    os.utime(vocabulary, ns=(old, old))
    assert loader.load(_names, "names", vocabulary) == ("镇海", "北仑")
    assert loader.load(_names, "names", vocabulary) == ("镇海", "北仑")
    assert len(reads) == 1  # the second call trusted the unchanged stat of a file older than the window
    vocabulary.write_text("names: [鄞州, 北仑]\n", encoding="utf-8")
    os.utime(vocabulary, ns=(old + 10**9, old + 10**9))  # edited, and old again: the stat differs
    assert loader.load(_names, "names", vocabulary) == ("鄞州", "北仑")
    assert len(reads) == 2


def _write_clauses(folder, rows) -> None:

    path = folder / "clauses.parquet"
    pd.DataFrame(rows, columns=["doc_id", "clause_id", "text", "value"]).to_parquet(path)
    stamp = getattr(_write_clauses, "stamp", 1_700_000_000_000_000_000) + 10**9
    _write_clauses.stamp = stamp  # type: ignore[attr-defined]
    os.utime(path, ns=(stamp, stamp))  # each version of the file a stamp of its own


ZHENHAI = [("zhenhai-2024", "zhenhai-2024:c1", "国家级孵化器奖励100万元", 1_000_000.0)]
LINPING = [("linping-2024", "linping-2024:c1", "省级孵化器奖励50万元", 500_000.0)]


def test_a_pages_rows_hash_follows_its_own_rows_only(tmp_path, monkeypatch):

    monkeypatch.setenv("POLICYCMP_PROCESSED_DIR", str(tmp_path))
    _write_clauses(tmp_path, ZHENHAI + LINPING)
    zhenhai, linping = (
        rows_digest("clauses", "doc_id", "zhenhai-2024"),
        rows_digest("clauses", "doc_id", "linping-2024"),
    )
    assert zhenhai != linping
    assert rows_digest("clauses", "doc_id", "nowhere-2024") not in (zhenhai, linping)
    # Another district's rows change: Zhenhai's hash stays, Linping's moves.
    _write_clauses(tmp_path, ZHENHAI + [(*LINPING[0][:3], 600_000.0)])
    assert rows_digest("clauses", "doc_id", "zhenhai-2024") == zhenhai
    assert rows_digest("clauses", "doc_id", "linping-2024") != linping
    # One yuan, or one character, of Zhenhai's own rows moves its hash; the same rows elsewhere in the file do not.
    _write_clauses(tmp_path, ZHENHAI[:1] + LINPING)
    assert rows_digest("clauses", "doc_id", "zhenhai-2024") == zhenhai
    _write_clauses(tmp_path, [(*ZHENHAI[0][:3], 1_000_001.0)] + LINPING)
    assert rows_digest("clauses", "doc_id", "zhenhai-2024") != zhenhai
    _write_clauses(tmp_path, [(*ZHENHAI[0][:2], "国家级孵化器奖励100万", 1_000_000.0)] + LINPING)
    assert rows_digest("clauses", "doc_id", "zhenhai-2024") != zhenhai
    _write_clauses(tmp_path, LINPING + ZHENHAI)
    assert rows_digest("clauses", "doc_id", "zhenhai-2024") == zhenhai


# ------------------------------------------------------------------------------------------------
# What every page asks for hundreds of times: a vocabulary checked once a page, the tables' folder once per
# value of the variables that name it


def _edited_old(path, old_text: str, new_text: str, stamp: int) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old_text, new_text), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))  # old, so the loader may trust its stat; each edit a stamp of its own


@pytest.mark.parametrize("in_page", [False, True])
def test_an_edited_vocabulary_is_seen_at_the_next_call_or_from_the_next_page(tmp_path, in_page):

    vocabulary = tmp_path / "names.yaml"
    vocabulary.write_text("names: [镇海, 北仑]\n", encoding="utf-8")
    old = 1_700_000_000_000_000_000
    os.utime(vocabulary, ns=(old, old))
    try:
        if in_page:
            loader.begin_page()
        assert loader.load(_names, "names", vocabulary) == ("镇海", "北仑")
        _edited_old(vocabulary, "镇海", "鄞州", old + 10**9)
        # A researcher's kernel sees the edit at the next call; a report's page keeps what it first loaded.
        expected = ("镇海", "北仑") if in_page else ("鄞州", "北仑")
        assert loader.load(_names, "names", vocabulary) == expected
        if in_page:
            loader.begin_page()  # the next page
        assert loader.load(_names, "names", vocabulary) == ("鄞州", "北仑")
    finally:
        loader.end_page()


def test_an_instrument_renamed_in_its_file_is_named_anew(tmp_path, monkeypatch):

    from policycmp.report.views import labels  # noqa: PLC0415 - the label maps under test

    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(loader.PACKAGE_DATA, vocabularies)
    instruments = vocabularies / "instruments.yaml"
    os.utime(instruments, ns=(1_700_000_000_000_000_000,) * 2)
    monkeypatch.setenv(loader.DATA_DIR_VARIABLE, str(vocabularies))
    assert labels.variant_name("renewed") == "renewed recognition"
    named = labels.instrument_name("incubator_award")
    assert named and named != "Incubator award"  # the vocabulary's name, not the key humanised
    _edited_old(instruments, f"en: {named}", "en: Renamed award", 1_700_000_001_000_000_000)
    assert labels.instrument_name("incubator_award") == "Renamed award"
    assert labels.instrument_labels()["incubator_award"]["en"] == "Renamed award"
    assert labels.instrument_name("no_such_instrument") == "No such instrument"
    monkeypatch.delenv(loader.DATA_DIR_VARIABLE)  # the packaged file again
    assert labels.instrument_name("incubator_award") == named


@pytest.mark.parametrize("variable", ["POLICYCMP_ROOT", "POLICYCMP_PROCESSED_DIR"])
def test_the_tables_folder_follows_a_changed_variable(tmp_path, monkeypatch, variable):

    from policycmp import paths  # noqa: PLC0415 - the folders under test
    from policycmp.analysis import tables  # noqa: PLC0415

    below = "data/processed" if variable == "POLICYCMP_ROOT" else ""
    for name in ("one", "two", "one"):
        (tmp_path / name / below).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(tmp_path / name))
        assert paths.processed_dir() == (tmp_path / name / below).resolve()
        assert tables.table_path("clauses") == (tmp_path / name / below / "clauses.parquet").resolve()
    monkeypatch.delenv(variable)
    monkeypatch.delenv("POLICYCMP_ROOT", raising=False)
    monkeypatch.delenv("POLICYCMP_PROCESSED_DIR", raising=False)
    project = tmp_path / "project"
    (project / "data" / "raw").mkdir(parents=True)
    (project / "data" / "raw" / "sources.yaml").write_text("documents: []\n", encoding="utf-8")
    monkeypatch.chdir(project / "data")
    assert paths.processed_dir() == project.resolve() / "data" / "processed"  # found from the working folder


@pytest.mark.parametrize("variable", ["POLICYCMP_ROOT", "POLICYCMP_PROCESSED_DIR"])
def test_a_relative_variable_follows_the_working_folder(tmp_path, monkeypatch, variable):
    """A relative value is resolved against the working folder of each call, as Path.resolve() did."""
    from policycmp import paths  # noqa: PLC0415 - the folders under test
    from policycmp.analysis import tables  # noqa: PLC0415

    monkeypatch.delenv("POLICYCMP_PROCESSED_DIR", raising=False)
    below = "data/processed" if variable == "POLICYCMP_ROOT" else ""
    monkeypatch.setenv(variable, "corpus")
    for name in ("one", "two", "one"):
        (tmp_path / name / "corpus" / below).mkdir(parents=True, exist_ok=True)
        monkeypatch.chdir(tmp_path / name)
        assert paths.processed_dir() == (tmp_path / name / "corpus" / below).resolve()
        assert tables.table_path("clauses") == (tmp_path / name / "corpus" / below / "clauses.parquet").resolve()


def test_a_page_that_points_at_another_vocabulary_folder_reads_from_it_at_once(tmp_path, monkeypatch):

    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(loader.PACKAGE_DATA, vocabularies)
    _edited_old(vocabularies / "domains.yaml", "en: Sci-tech innovation", "en: Innovation", 1_700_000_000_000_000_000)
    try:
        loader.begin_page()
        assert load_domains().en("innovation") == "Sci-tech innovation"
        monkeypatch.setenv(loader.DATA_DIR_VARIABLE, str(vocabularies))
        assert load_domains().en("innovation") == "Innovation"
        monkeypatch.delenv(loader.DATA_DIR_VARIABLE)
        assert load_domains().en("innovation") == "Sci-tech innovation"
    finally:
        loader.end_page()
