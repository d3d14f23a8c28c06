"""Property: on any generated policy, the rows tile the body exactly and keep their structure."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policycmp.ingest.headings import heading_domain
from policycmp.ingest.segment import segment_policy

NUMERALS = "一二三四五六七八九"
HEADINGS = [
    ("扩大有效投资政策", "investment"),
    ("强化科技创新方面", "innovation"),
    ("壮大先进制造业方面", "manufacturing"),
    ("现代服务业高质量发展政策", "services"),
    ("交通强区建设政策", "transport"),
    ("扩大内需和对外开放政策", "demand_opening"),
    ("乡村振兴和城乡一体化发展政策", "rural"),
    ("保障和改善民生政策", "livelihood"),
    ("要素保障清单", "factors"),
]
STYLES = ["{n}、", "{n}.", "({n})"]
WORDS = st.text(
    alphabet="支持企业发展对符合条件的给予奖励补助项目建设推进全区年度资金万元亿%,、“”", min_size=1, max_size=30
)
SENTENCE = WORDS.map(lambda w: "加强" + w + "。")
SPACE = st.sampled_from(["\n", "\n\n", "\n\n\n", "\n \n"])
INDENT = st.sampled_from(["", "", "  ", "    ", "\u3000"])


@st.composite
def policies(draw):
    sections = draw(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=9))
    style = draw(st.sampled_from(STYLES))
    parts, expected = [draw(st.sampled_from(["当前位置:首页", "关于印发若干政策的通知", "各单位:"]))], []
    number = 0
    for index, (heading, domain) in enumerate(sections):
        parts.append(f"{NUMERALS[index]}、{heading}(由区发改局牵头实施)")
        expected.append(("heading", domain))
        if draw(st.booleans()):
            parts.append(" ".join(draw(st.lists(SENTENCE, min_size=1, max_size=2))))
            expected.append(("preamble", domain))
        for _ in range(draw(st.integers(min_value=0 if index < len(sections) - 1 else 1, max_value=4))):
            number += 1
            body = draw(INDENT) + style.format(n=number) + draw(SENTENCE)
            continuation = draw(st.lists(SENTENCE, max_size=1)) if index < len(sections) - 1 else []
            parts.append("\n".join([body] + continuation) if continuation else body)
            expected.append(("clause", domain))
    closing = draw(st.lists(SENTENCE, max_size=2))
    parts.extend(closing)
    if closing:
        expected.append(("closing", None))
    parts.extend(draw(st.lists(st.sampled_from(["我们登载此文出于传递更多信息之目的。", "打印", "关闭"]), max_size=2)))
    separators = draw(st.lists(SPACE, min_size=len(parts), max_size=len(parts)))
    text = "".join(p + s for p, s in zip(parts, separators))
    return text, expected, number


@settings(max_examples=150, deadline=None)
@given(policies())
def test_rows_tile_the_body_and_keep_their_structure(case):
    text, expected, clause_count = case
    seg = segment_policy(text)
    cursor = seg.body_start
    for piece in seg.pieces:
        assert text[cursor : piece.start].strip() == "", "a character of the body lies in no row"
        assert piece.start >= cursor, "two rows share a character"
        assert text[piece.start : piece.end] == text[piece.start : piece.end].strip()
        cursor = piece.end
    assert cursor == seg.body_end
    assert text[seg.body_start :].startswith("一、")
    assert "登载" not in text[seg.body_start : seg.body_end] and "打印" not in text[seg.body_start : seg.body_end]
    got = [(p.kind, heading_domain(p.heading) if p.kind != "closing" else None) for p in seg.pieces]
    assert got == expected
    assert [p.clause_no for p in seg.pieces if p.kind == "clause"] == list(range(1, clause_count + 1))
