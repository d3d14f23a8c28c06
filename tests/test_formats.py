"""The same policy gives the same clause rows whether it was published as text, web page, Word or PDF.

Every non-text file here is made at run time from a seed policy's text (policycmp/evaluation/formats.py), so no
binary fixture is committed. The made files carry what the issuer publishes — title, lead paragraph,
body from the first section heading through the closing provisions, signature — while the ``.txt``
capture also has the chrome of the site it was copied from; the clause rows must match all the same.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import POLICY_FILES, RAW, rehash
from docx import Document

from policycmp.cli import main
from policycmp.errors import PolicyInputError
from policycmp.evaluation.formats import (
    PublishedPolicy,
    make_docx,
    make_gov_html,
    make_pdf,
    make_scanned_pdf,
    published_policy,
)
from policycmp.ingest.clauses import clause_table
from policycmp.ingest.corpus import read_corpus
from policycmp.ingest.decoding import canonical_text
from policycmp.ingest.outcome_report import parse_report
from policycmp.ingest.readers import read_document, read_raw
from policycmp.ingest.readers.pdf import Line, drop_running_lines, rebuild_paragraphs
from policycmp.ingest.segment import segment_policy

COMPARED = [
    "clause_id", "doc_id", "domain", "section_no", "section_title", "row_kind", "clause_no", "seq", "title", "text",
    "lead_department", "support_departments", "responsible_units",
]  # fmt: skip
SCRIPT_TEXT = ("脚本中的站点名称不应出现", "页面底部脚本的中文也不应出现")
CHROME_TEXT = ("首页", "政务公开", "当前位置", "分享到", "微信", "主办单位", "网站标识码", "ICP备", "打印本页", "搜索")


@pytest.fixture(scope="module")
def published() -> dict[str, PublishedPolicy]:
    return {doc_id: published_policy(RAW / "sources.yaml", doc_id) for doc_id in POLICY_FILES}


def masthead(policy: PublishedPolicy) -> str:
    return f"{policy.issuer}文件"


MAKERS: dict[str, tuple[str, Callable[[PublishedPolicy], bytes]]] = {
    "html-utf8": (".html", lambda p: make_gov_html(p.full_text, title=p.title, meta=p.meta)),
    "html-gbk": (".html", lambda p: make_gov_html(p.full_text, title=p.title, meta=p.meta, encoding="gbk")),
    "docx": (".docx", lambda p: make_docx(p.full_text, title=p.title, meta=p.meta, header=masthead(p))),
    "pdf": (".pdf", lambda p: make_pdf(p.text, title=p.title, signature=p.signature, header=masthead(p))),
}


def rows_from_file(tmp_path: Path, doc_id: str, suffix: str, data: bytes) -> pd.DataFrame:
    """Register a made file in a copy of sources.yaml and build its clause table the way the build does."""
    registry = yaml.safe_load((RAW / "sources.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in registry["documents"] if e["id"] == doc_id)
    entry = {**{k: v for k, v in entry.items() if k != "source_sha256"}, "file": f"{doc_id}{suffix}"}
    (tmp_path / entry["file"]).write_bytes(data)
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"documents": [entry]}, allow_unicode=True), "utf-8")
    return clause_table(read_corpus(tmp_path / "sources.yaml"))[0]


def assert_same_rows(expected: pd.DataFrame, got: pd.DataFrame, doc_id: str) -> None:
    a = expected[expected.doc_id == doc_id][COMPARED].reset_index(drop=True)
    b = got[COMPARED].reset_index(drop=True)
    assert len(b) == len(a), f"{len(b)} rows instead of {len(a)}"
    for i in range(len(a)):  # the first differing row, readably
        assert b.iloc[i].to_dict() == a.iloc[i].to_dict(), f"row {i}"
    pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------------------------------
# The central test: each seed policy, each format, the same clause rows


@pytest.mark.parametrize("fmt", sorted(MAKERS))
@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_made_format_gives_the_clause_rows_of_the_text(tmp_path, clauses, published, doc_id, fmt):
    suffix, make = MAKERS[fmt]
    assert_same_rows(clauses, rows_from_file(tmp_path, doc_id, suffix, make(published[doc_id])), doc_id)


PDF_LAYOUTS = {
    "page-x-of-y, footer": {"page_number": "第{n}页 共{total}页", "footer": "本文件由区政府办公室印发"},
    "fraction, no header": {"page_number": "{n}/{total}", "header": None},
    "bare number, 16pt": {"page_number": "{n}", "font_size": 16.0},
    "flush-left, spaced paragraphs": {"first_line_indent": False, "paragraph_spacing": 0.5},
}


@pytest.mark.parametrize("layout", sorted(PDF_LAYOUTS))
@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_pdf_layouts(tmp_path, clauses, published, doc_id, layout):
    p = published[doc_id]
    options = {"header": masthead(p), **PDF_LAYOUTS[layout]}
    pdf = make_pdf(p.text, title=p.title, signature=p.signature, **options)
    assert_same_rows(clauses, rows_from_file(tmp_path, doc_id, ".pdf", pdf), doc_id)


def _declared_gb2312(p: PublishedPolicy) -> bytes:
    """A page declaring GB2312 in http-equiv whose bytes are GBK, as such pages really are."""
    page = make_gov_html(p.full_text, title=p.title, meta=p.meta, encoding="gbk", charset_declaration="http-equiv")
    return page.replace(b"charset=gbk", b"charset=gb2312")


HTML_VARIANTS: dict[str, Callable[[PublishedPolicy], bytes]] = {
    "http-equiv gb2312, GBK bytes": _declared_gb2312,
    "undeclared GB18030": lambda p: make_gov_html(
        p.full_text, title=p.title, meta=p.meta, encoding="gb18030", charset_declaration="none"
    ),
    "undeclared UTF-8": lambda p: make_gov_html(p.full_text, title=p.title, meta=p.meta, charset_declaration="none"),
    "UTF-8 with BOM, declared GBK": lambda p: (
        b"\xef\xbb\xbf"
        + make_gov_html(p.full_text, title=p.title, meta=p.meta).replace(b'charset="utf-8"', b'charset="gbk"')
    ),
}


@pytest.mark.parametrize("variant", sorted(HTML_VARIANTS))
@pytest.mark.parametrize("doc_id", sorted(POLICY_FILES))
def test_html_charsets(tmp_path, clauses, published, doc_id, variant):
    page = HTML_VARIANTS[variant](published[doc_id])
    assert_same_rows(clauses, rows_from_file(tmp_path, doc_id, ".html", page), doc_id)


# --------------------------------------------------------------------------------------------------
# What the made files read as, beyond the clause rows


def test_html_keeps_metadata_table_title_and_article_and_drops_the_chrome(published):
    p = published["qujiang-2023-policy"]
    for encoding in ("utf-8", "gbk"):
        text = read_raw(make_gov_html(p.full_text, title=p.title, meta=p.meta, encoding=encoding), Path("p.html"))
        lines = text.split("\n\n")
        assert lines[:4] == [
            f"索引号： | {p.meta['索引号']} | 发布机构： | 衢江区人民政府 |",
            "成文日期： | 2023-04-03 | 发文字号： | 衢江区政发〔2023〕26号 |",
            "公开方式： | 主动公开 | 有效性： | 有效 |",
            p.title,
        ]
        assert lines[-len(p.full_text.split("\n")) :] == p.full_text.split("\n")
        for fragment in SCRIPT_TEXT + CHROME_TEXT:
            assert fragment not in text, fragment


def test_docx_keeps_the_table_in_place_and_leaves_the_page_header_out(published):
    p = published["linping-2024-policy"]
    text = read_raw(make_docx(p.full_text, title=p.title, meta=p.meta, header="页眉不是正文"), Path("p.docx"))
    lines = text.split("\n\n")
    assert lines[:3] == [
        f"索引号： | {p.meta['索引号']} |",
        "发布机构： | 临平区人民政府 |",
        "成文日期： | 2024-03-27 |",
    ]
    assert lines[6] == p.title and lines[7:] == p.full_text.split("\n")
    assert "页眉" not in text


def test_docx_table_between_paragraphs_stays_between_them():

    document = Document()
    document.add_paragraph("表前段落。")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["项目", "金额", "备注"], ["孵化器", "300万元", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    merged.cell(0, 2).text = "右"
    document.add_paragraph("表后段落。")
    out = io.BytesIO()
    document.save(out)
    assert read_raw(out.getvalue(), Path("t.docx")).split("\n\n") == [
        "表前段落。", "项目 | 金额 | 备注 |", "孵化器 | 300万元 |  |", "合并单元格 | 右 |", "表后段落。",
    ]  # fmt: skip


def test_pdf_drops_running_heads_and_rejoins_paragraphs_across_pages(published):
    p = published["zhenhai-2024-policy"]
    pdf = make_pdf(p.text, title=p.title, signature=p.signature, header=masthead(p), footer="镇海区人民政府办公室印发")
    text = read_raw(pdf, Path("p.pdf"))
    lines = text.split("\n\n")
    assert masthead(p) not in text and "印发" not in lines[-1] and "- 2 -" not in text
    assert lines[-len(p.full_text.split("\n")) :] == p.full_text.split("\n")


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_an_outcome_report_table_reads_as_the_captures_table(fmt):
    """Table rows come out as the captures write them (``1 | 甲 | 乙 |``), so the outcome report's
    parser reads the same rows from a web page or Word table, multi-paragraph cells included."""
    expected = parse_report(read_document(RAW / "zhenhai-2024-outcomes.txt"))
    table = [["编号", "目标任务", "完成情况"]] + [
        [str(r.row_no), r.task, "\n".join(re.split(r"(?<=。)(?=\S)", r.completion or ""))] for r in expected
    ]
    title, meta = "2024年政府工作报告年度完成情况", {"索引号": "734247248/2025-223489", "成文日期": "2025-01-26"}
    if fmt == "html":
        data = make_gov_html("", title=title, meta=meta, table=table)
    else:
        data = make_docx("", title=title, meta=meta, table=table)
    got = parse_report(canonical_text(read_raw(data, Path(f"outcomes.{fmt}"))))
    assert [(r.row_no, r.task, r.completion) for r in got] == [(r.row_no, r.task, r.completion) for r in expected]


# --------------------------------------------------------------------------------------------------
# The PDF paragraph rules on their own


def _lines(*rows: tuple[str, float, float]) -> list[Line]:
    """Lines at 12pt, 20pt apart; each row (text, x0, x1); the text width runs from 80 to 520."""
    return [Line(text, x0, x1, 100 + 20 * i, 12.0) for i, (text, x0, x1) in enumerate(rows)]


@pytest.mark.parametrize("start", ["一、", "(一)", "（二）", "1.", "１．", "2、", "(3)", "（4）", "第三条"])
def test_pdf_never_joins_a_heading_or_clause_start(start):
    lines = _lines(("一段占满整行的文字", 80, 520), (f"{start}新的一段", 80, 300))
    assert rebuild_paragraphs(lines) == ["一段占满整行的文字", f"{start}新的一段"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("对新认定的孵化器给予", 80, 520), ("1.5亿元补助。", 80, 200)], ["对新认定的孵化器给予1.5亿元补助。"]),
        ([("全区R&D", 80, 519), ("经费投入增长。", 80, 200)], ["全区R&D经费投入增长。"]),
        ([("the Yangtze River", 80, 520), ("Delta region", 80, 200)], ["the Yangtze River Delta region"]),
        ([("产教融合”。 ", 80, 520), ("支持加快建设。", 80, 200)], ["产教融合”。 支持加快建设。"]),
        (
            [("占满整行的文字", 80, 520), ("行尾未满的一段。", 80, 400), ("下一段不缩进。", 80, 200)],
            ["占满整行的文字行尾未满的一段。", "下一段不缩进。"],
        ),
        ([("恰好占满整行的一段。", 80, 520), ("下一段缩进。", 104, 200)], ["恰好占满整行的一段。", "下一段缩进。"]),
        (  # where first lines are indented, the indent decides: 一、二、三等奖 wrapped is not a heading
            [
                ("段首缩进的一段占满整行", 104, 520),
                ("段尾。", 80, 200),
                ("获奖的:一、", 104, 520),
                ("二、三等奖给予奖励。", 80, 300),
            ],
            ["段首缩进的一段占满整行段尾。", "获奖的:一、二、三等奖给予奖励。"],
        ),
    ],
)
def test_pdf_joins_only_lines_the_layout_broke(rows, expected):
    assert rebuild_paragraphs(_lines(*rows)) == expected


def test_pdf_running_lines_need_to_repeat_and_page_numbers_are_dropped_at_the_edges():
    words = ["甲", "乙", "丙"]
    pages = [
        _lines(("区政府文件", 250, 350), (f"正文{w}页首行", 80, 520), (f"正文{w}页末行", 80, 300), (str(n), 290, 300))
        for n, w in enumerate(words, start=1)
    ]
    pages[1].insert(2, Line("- 7 -", 290, 310, 150, 12.0))  # a page number pattern in the middle is text
    kept = drop_running_lines(pages)
    assert [line.text for line in kept[0]] == ["正文甲页首行", "正文甲页末行"]
    assert "- 7 -" in [line.text for line in kept[1]]


# --------------------------------------------------------------------------------------------------
# A page as a Zhejiang district site serves it (written from memory of such sites: a table layout,
# GB2312 declared in http-equiv, &nbsp; and full-width-space indents, font tags, <br> paragraphs)

REAL_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>衢州市衢江区人民政府印发关于承接落实政策的通知 - 衢江区人民政府</title>
<meta name="ArticleTitle" content="衢州市衢江区人民政府印发关于承接落实政策的通知">
<link href="/images/style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/script/jquery.min.js"></script>
<script type="text/javascript">var webid = "1"; var colname = "政策文件";</script>
<style type="text/css">.dqwz{font-size:12px} #zoom p{line-height:200%}</style>
</head>
<body>
<div id="wza-tool"><a href="javascript:void(0)">无障碍</a> | <a href="javascript:void(0)">长者版</a></div>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td><img src="/images/banner.jpg" /></td></tr>
  <tr><td class="menu"><a href="/">首页</a><a href="/col/col1/">政务公开</a><a href="/col/col2/">政务服务</a><a href="/col/col3/">互动交流</a></td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td class="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1/">政务公开</a> &gt; <a href="/col/col1/col4/">信息公开目录</a> &gt; 政策文件</td></tr>
  <tr><td>
    <table class="xxgk_table" width="100%" border="1" cellspacing="0" cellpadding="0">
      <tr><td class="bt">索 引 号：</td><td>330803-003/2023-62655</td><td class="bt">发布机构：</td><td>区政府办公室</td></tr>
      <tr><td class="bt">成文日期：</td><td>2023-04-03</td><td class="bt">发文字号：</td><td>衢江区政发〔2023〕26号</td></tr>
      <tr><td class="bt">统一编号：</td><td colspan="3">HQJD00-2023-0002</td></tr>
    </table>
  </td></tr>
  <tr><td align="center" class="title"><strong>衢州市衢江区人民政府印发关于承接落实政策的通知</strong></td></tr>
  <tr><td align="center" class="info">发布日期：2023-04-03 10:29 信息来源：衢江区 浏览次数：<span id="hits"><script>document.write("123次")</script></span></td></tr>
  <tr><td id="zoom" class="bt_content">
    <p style="text-indent:2em"><font face="仿宋_GB2312">为深入学习贯彻党的二十大精神，现制定以下政策。</font></p>
    <p>&nbsp;&nbsp;&nbsp;&nbsp;<strong>一、扩大有效投资政策（由区发改局牵头实施）</strong></p>
    <p>　　1．重点推进“千项万亿”工程。强力推进全区6个省“千项万亿”工程项目，确保完成年度计划投资16.6亿元。（责任单位：区发改局）<br />
    　　2．积极争取上级资金支持。争取国家、省各类专项
    资金对重大项目的支持，<span style="color:#000">力争全年储备专项债券55亿元以上</span>。（责任单位：区发改局、区财政局）</p>
    <div style="display:none">隐藏的统计文字</div>
    <p>　　本文件明确的各项政策措施除标明具体实施期限外，均为2023年全年实施有效。朱镕基同志题词的单位除外。</p>
    <p style="text-align:right">衢州市衢江区人民政府</p>
    <p style="text-align:right">2023年4月3日</p>
  </td></tr>
  <tr><td><ul class="fj"><li>附件：</li><li><a href="/art/2023/4/3/a.pdf">衢江区关于承接落实推动经济高质量发展若干政策实施方案.pdf</a></li></ul></td></tr>
  <tr><td><div class="bdsharebuttonbox">分享到：<a class="bds_weixin" data-cmd="weixin">微信</a><a class="bds_tsina" data-cmd="tsina">微博</a></div>
  <div class="print_close">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div></td></tr>
  <tr><td><ul><li><a href="/art/1.html">衢江区关于进一步推动经济高质量发展的政策解读</a></li><li><a href="/art/2.html">图解：衢江区承接落实若干政策</a></li><li><a href="/art/3.html">关于印发2023年政府工作报告重点工作任务分解的通知</a></li></ul></td></tr>
</table>
<div class="bottom">
  <p>主办单位：衢州市衢江区人民政府办公室　　承办单位：衢江区大数据发展中心</p>
  <p>网站标识码：3308030001　　<a href="https://beian.miit.gov.cn">浙ICP备05000000号</a>　　浙公网安备 33080302000000号</p>
  <script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E"));</script>
</div>
</body>
</html>
"""


def test_a_real_shaped_government_page():
    text = read_raw(REAL_PAGE.encode("gb18030"), Path("qujiang.htm"))  # declared GB2312, holds GBK's 镕
    assert text.split("\n\n") == [
        "索 引 号： | 330803-003/2023-62655 | 发布机构： | 区政府办公室 |",
        "成文日期： | 2023-04-03 | 发文字号： | 衢江区政发〔2023〕26号 |",
        "统一编号： | HQJD00-2023-0002 |",
        "衢州市衢江区人民政府印发关于承接落实政策的通知",
        "发布日期：2023-04-03 10:29 信息来源：衢江区 浏览次数：",
        "为深入学习贯彻党的二十大精神，现制定以下政策。",
        "一、扩大有效投资政策（由区发改局牵头实施）",
        "1．重点推进“千项万亿”工程。强力推进全区6个省“千项万亿”工程项目，确保完成年度计划投资16.6亿元。（责任单位：区发改局）",
        "2．积极争取上级资金支持。争取国家、省各类专项资金对重大项目的支持，力争全年储备专项债券55亿元以上。（责任单位：区发改局、区财政局）",
        "本文件明确的各项政策措施除标明具体实施期限外，均为2023年全年实施有效。朱镕基同志题词的单位除外。",
        "衢州市衢江区人民政府",
        "2023年4月3日",
        "附件：",
        "衢江区关于承接落实推动经济高质量发展若干政策实施方案.pdf",
    ]
    pieces = segment_policy(canonical_text(text)).pieces
    assert [(piece.kind, piece.clause_no) for piece in pieces] == [
        ("heading", None), ("clause", 1), ("clause", 2), ("closing", None),
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Refusals: one line naming the file and what to do


def _zip(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return out.getvalue()


OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)  # the start of every .doc / .wps file

REFUSALS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "legacy Word": ("政策.doc", lambda: OLE_HEADER, "is a legacy Word (.doc) format: save it as DOCX or PDF"),
    "WPS": ("政策.wps", lambda: OLE_HEADER, "is a legacy WPS Office (.wps) format: save it as DOCX or PDF"),
    "OFD": ("政策.ofd", lambda: _zip(OFD__xml=b"<ofd:OFD/>"), "is an OFD format"),
    "scanned PDF": ("scan.pdf", make_scanned_pdf, "has no text layer (a scanned PDF): it needs OCR"),
    "encrypted PDF": ("locked.pdf", lambda: make_pdf("一、加密的文件", encrypt_password="secret"), "is encrypted:"),
    "truncated PDF": ("cut.pdf", lambda: make_pdf("一、截断的文件")[:300], "is not a readable PDF"),
    "not a PDF": ("fake.pdf", lambda: b"<html>not a pdf</html>", "is not a readable PDF"),
    "DOCX not a zip": ("broken.docx", lambda: b"PK\x03\x04 this is not really a zip", "is not a Word .docx file"),
    "DOCX zip of something else": ("other.docx", lambda: _zip(readme__txt=b"hello"), "is not a readable Word .docx"),
    "DOC renamed DOCX": ("renamed.docx", lambda: OLE_HEADER, "if it is an old .doc renamed, save it as DOCX or PDF"),
    "empty PDF file": ("empty.pdf", lambda: b"", "file is empty"),
    "empty DOCX file": ("empty.docx", lambda: b"", "file is empty"),
    "empty web page": ("empty.html", lambda: b"  \n", "file is empty"),
    "page of chrome only": ("nav.html", lambda: b"<nav><a href=/>home</a></nav><script>x()</script>", "no text found"),
    "unknown suffix": ("table.xlsx", lambda: _zip(xl__workbook__xml=b"<x/>"), "unknown file type '.xlsx'"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_are_one_line_naming_the_file(case):
    name, make, expected = REFUSALS[case]
    with pytest.raises(PolicyInputError) as caught:
        read_raw(make(), Path("raw") / name)
    message = caught.value.one_line()
    assert message.startswith(f"raw/{name}: ") and expected in message, message
    assert "\n" not in message and "Traceback" not in message


def test_build_reports_a_scanned_pdf_in_one_line(tmp_path, capsys):
    registry = yaml.safe_load((RAW / "sources.yaml").read_text(encoding="utf-8"))
    entry = {**registry["documents"][0], "file": "scan.pdf"}
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "scan.pdf").write_bytes(make_scanned_pdf())
    (raw / "sources.yaml").write_text(yaml.safe_dump({"documents": [entry]}, allow_unicode=True), "utf-8")
    rehash(raw)
    code = main(["build", "--raw", str(raw), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code != 0 and err.splitlines() == [err]
    assert "scan.pdf: has no text layer (a scanned PDF): it needs OCR" in err
