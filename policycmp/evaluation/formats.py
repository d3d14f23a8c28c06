"""Make the other published formats of a policy text: a government web page, a Word file, a PDF.

The tests build every HTML/DOCX/PDF file from the seed texts at run time, so no binary fixture is
committed; a made file carries the policy as its issuer publishes it (title, lead paragraph, the body
exactly as the ``.txt`` capture has it, signature), not the capture's web chrome. The shapes follow what
Zhejiang's district sites publish: a page with navigation, breadcrumb, the 索引号/发布机构/成文日期/发文字号
table, title, article, share buttons and footer; an A4 document in the GB/T 9704 layout (首行缩进, running
header, page numbers ``- 3 -``), justified, with paragraphs broken across lines and pages.
"""

from __future__ import annotations

import html
import io
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from policycmp.ingest.readers import read_document
from policycmp.ingest.segment import paragraphs, segment_policy
from policycmp.vocabulary import load_layout

# --------------------------------------------------------------------------------------------------
# The text a made file carries


@dataclass(frozen=True)
class PublishedPolicy:
    """A policy as its issuer publishes it: title, lead paragraph, body, signature, and the page metadata."""

    doc_id: str
    title: str
    lead: str
    body: tuple[str, ...]  # one paragraph per item, from the first section heading to the closing provisions
    issuer: str
    issued: str  # ISO date
    meta: dict[str, str]  # the metadata table of the web page

    @property
    def text(self) -> str:
        """Lead and body, one paragraph per line (the title is passed to the makers separately)."""
        return "\n".join((self.lead, *self.body))

    @property
    def full_text(self) -> str:
        """Lead, body and signature, one paragraph per line: what a web page or Word file carries."""
        return "\n".join((self.text, *self.signature))

    @property
    def signature(self) -> tuple[str, str]:
        year, month, day = (int(part) for part in self.issued.split("-"))
        return self.issuer, f"{year}年{month}月{day}日"


def published_policy(sources: Path, doc_id: str) -> PublishedPolicy:
    """The published text of a registered seed policy.

    The capture's web-page chrome (breadcrumb, news lead, comment form) belongs to the site it was
    copied from, not to the document, so the made files carry what the issuer publishes: the title,
    the lead paragraph just before the first section heading, and the body as the segmenter finds it.
    """
    entry = next(e for e in yaml.safe_load(sources.read_text(encoding="utf-8"))["documents"] if e["id"] == doc_id)
    path = sources.parent / entry["file"]
    text = read_document(path)
    seg = segment_policy(text, path)
    lead = [p.text for p in paragraphs(text[: seg.body_start], load_layout())][-1]
    body = tuple(line.strip() for line in text[seg.body_start : seg.body_end].split("\n") if line.strip())
    if entry["status"] == "draft":
        lead = f"(征求意见稿)\n{lead}"  # printed under the title of a draft for comment
    issuer = f"{entry['district_zh']}人民政府"
    issued = str(entry["issued"])
    meta = {
        "索引号": f"{entry['district']}-{entry['year']}-{zlib.crc32(doc_id.encode()) % 100000:05d}",
        "发布机构": issuer,
        "成文日期": issued,
        "发文字号": entry.get("doc_number") or "无",
        "公开方式": "主动公开",
        "有效性": "有效",
    }
    return PublishedPolicy(doc_id, entry["title"], lead, body, issuer, issued, meta)


# --------------------------------------------------------------------------------------------------
# HTML: a page as a Chinese government site serves it

GOV_STYLE = """
body{margin:0;font-family:"Microsoft YaHei","微软雅黑",sans-serif}
.nav li{float:left;list-style:none} .footer{background:#eee} #zoom p{text-indent:2em;line-height:2}
"""
GOV_SCRIPT_HEAD = """
var _hmt = _hmt || []; var siteName = "脚本中的站点名称不应出现";
function changeSize(size){document.getElementById("zoom").style.fontSize = size + "px";}
"""


def make_gov_html(
    text: str,
    *,
    title: str,
    meta: Mapping[str, str],
    encoding: str = "utf-8",
    charset_declaration: str = "meta",
    site: str = "人民政府门户网站",
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    """A policy page as a district government site serves it, in ``encoding``.

    ``text`` is the article, one paragraph per line, followed by ``table`` (rows of cells; a cell's
    lines become its paragraphs). ``charset_declaration`` is ``meta`` (``<meta charset>``),
    ``http-equiv`` (the older ``Content-Type`` form) or ``none``. Characters the encoding cannot hold
    are written as numeric character references, as a browser's "save page" does.
    """
    esc = html.escape
    declared = {
        "meta": f'<meta charset="{encoding}">',
        "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
        "none": "",
    }[charset_declaration]
    cells = list(meta.items())
    meta_rows = "\n".join(
        "<tr>" + "".join(f"<th>{esc(k)}：</th><td>{esc(v)}</td>" for k, v in cells[i : i + 2]) + "</tr>"
        for i in range(0, len(cells), 2)
    )
    article = "\n".join(f'<p style="text-indent:2em">{esc(line)}</p>' for line in text.split("\n") if line.strip())
    if table:
        article += (
            '\n<table class="MsoTableGrid" border="1">\n'
            + "\n".join(
                "<tr>"
                + "".join(f"<td>{''.join(f'<p>{esc(p)}</p>' for p in cell.split(chr(10)))}</td>" for cell in row)
                + "</tr>"
                for row in table
            )
            + "\n</table>"
        )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{declared}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}_{esc(site)}</title>
<style>{GOV_STYLE}</style>
<script type="text/javascript">{GOV_SCRIPT_HEAD}</script>
</head>
<body>
<div class="wza-bar"><a href="#">无障碍浏览</a> <a href="#">长者模式</a></div>
<div class="header">
  <div class="logo"><img src="/images/logo.png" alt="{esc(site)}">{esc(site)}</div>
  <div class="search-box"><input type="text" placeholder="请输入关键词"><button>搜索</button></div>
</div>
<div class="nav-bar"><ul>
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
  <li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进本区</a></li>
</ul></div>
<div class="main-wrap">
  <div class="bread-crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zcwj/">政策文件</a></div>
  <table class="xxgk-table" cellspacing="0">
{meta_rows}
  </table>
  <div class="article">
    <h1 class="article-title">{esc(title)}</h1>
    <div class="article-info">发布时间：{esc(meta.get("成文日期", ""))} <span>字号：<a href="javascript:changeSize(18)">大</a> <a href="javascript:changeSize(16)">中</a> <a href="javascript:changeSize(14)">小</a></span></div>
    <div class="article-content" id="zoom">
{article}
    </div>
  </div>
  <div class="bdshare-box">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a><a class="bds_qzone">QQ空间</a></div>
  <div class="page-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="footer">
  <p>主办单位：{esc(meta.get("发布机构", ""))}办公室　承办单位：大数据发展中心</p>
  <p>网站标识码：3308030001　<a href="https://beian.miit.gov.cn/">浙ICP备12345678号-1</a>　浙公网安备 33080302000123号</p>
</div>
<script>document.write("<span>页面底部脚本的中文也不应出现</span>");</script>
</body>
</html>
"""
    return page.encode(encoding, errors="xmlcharrefreplace")


# --------------------------------------------------------------------------------------------------
# DOCX


def make_docx(
    text: str,
    *,
    title: str | None = None,
    meta: Mapping[str, str] | None = None,
    header: str | None = None,
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    """A Word file: an optional metadata table at the top, the title, one paragraph per line, then
    ``table`` (rows of cells; a cell's lines become its paragraphs).

    The running ``header`` goes in the section header, which is not document body and must not be read.
    """

    document = Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if meta:
        meta_table = document.add_table(rows=0, cols=2)
        for key, value in meta.items():
            cells = meta_table.add_row().cells
            cells[0].text, cells[1].text = f"{key}：", value
    if title:
        document.add_paragraph(title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in text.split("\n"):
        if line.strip():
            document.add_paragraph(line).paragraph_format.first_line_indent = Pt(24)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                first, *more = value.split("\n")
                cell = grid.cell(r, c)
                cell.text = first
                for paragraph in more:
                    cell.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# PDF: A4 in the GB/T 9704 layout, typeset line by line

MM = 72 / 25.4
CJK_FONT = "STSong-Light"  # one of the CID fonts reportlab ships: no font file needed, extracts as Unicode
# Chinese line-breaking rules (禁则): these never start a line / never end one.
NO_LINE_START = set("，。、；：？！）》」』〕】〗’”…—·%,.;:?!)]}")
NO_LINE_END = set("（《「『〔【〖‘“([{")
# The font's Unicode CMap (UniGB-UCS2-H) has no entry for U+00B7 (不夜天堂·乐购杭州), so reportlab would
# write an unmapped code; U+30FB reaches the same glyph (Adobe-GB1 CID 99), which reads back as U+00B7.
FONT_CODE_POINTS = str.maketrans({"·": "・"})
UNBREAKABLE = re.compile(r"[A-Za-z0-9&%+\-./]+|\s|.", flags=re.DOTALL)  # Latin words and numbers stay whole


def _units(paragraph: str) -> list[str]:
    """Break opportunities of a paragraph: CJK characters, Latin words and numbers, with 禁则 applied."""
    units: list[str] = []
    for token in UNBREAKABLE.findall(paragraph):
        # a space stays with what precedes it (it hangs at the end of a line, never starts one)
        if units and (token.isspace() or token[0] in NO_LINE_START or units[-1][-1] in NO_LINE_END):
            units[-1] += token
        else:
            units.append(token)
    return units


def wrap(paragraph: str, width: float, first_indent: float, measure) -> list[str]:
    """Lines of a paragraph as a typesetter breaks them: greedy fill, spaces hang at the line end."""
    lines: list[str] = []
    current, used, limit = "", 0.0, width - first_indent
    for unit in _units(paragraph):
        unit_width = measure(unit.rstrip()) if unit.strip() else 0.0
        if current and used + unit_width > limit:
            lines.append(current)
            current, used, limit = "", 0.0, width
        current += unit
        used += measure(unit)
    if current:
        lines.append(current)
    return lines


def make_pdf(
    text: str,
    *,
    title: str | None = None,
    signature: Sequence[str] = (),
    header: str | None = "人民政府文件",
    header_from_page: int = 2,
    footer: str | None = None,
    page_number: str | None = "- {n} -",
    first_line_indent: bool = True,
    paragraph_spacing: float = 0.0,
    font_size: float = 12.0,
    encrypt_password: str | None = None,
) -> bytes:
    """A multi-page A4 PDF with a text layer: title, paragraphs (one per line of ``text``), signature.

    Lines are justified to the text width (two-sided alignment, as Chinese documents are set) except a
    paragraph's last line; pages carry the running ``header`` (from page ``header_from_page``, the
    first page having the red masthead instead), an optional running ``footer`` and ``page_number``
    (``{n}`` the page, ``{total}`` the page count) alternating right/left as GB/T 9704 prescribes.
    ``first_line_indent=False`` sets paragraphs flush left, as a web page printed to PDF is, usually
    with ``paragraph_spacing`` (in lines) between them.
    """

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    page_w, page_h = A4
    left, right, top, bottom = 28 * MM, page_w - 26 * MM, page_h - 37 * MM, 35 * MM
    width, leading = right - left, font_size * 1.75
    indent = 2 * font_size if first_line_indent else 0.0

    def measure(s: str, size: float = font_size) -> float:
        return pdfmetrics.stringWidth(s, CJK_FONT, size)

    # Lay out every line first: (text, x, size, char_space), or a vertical gap in points.
    laid: list[tuple[str, float, float, float] | float] = []
    if title:
        size = font_size * 1.5
        for line in wrap(title, width, 0.0, lambda s: measure(s, size)):
            laid.append((line, left + (width - measure(line, size)) / 2, size, 0.0))
        laid.append(leading)
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        lines = wrap(paragraph, width, indent, measure)
        for i, line in enumerate(lines):
            x = left + (indent if i == 0 else 0.0)
            space = 0.0
            if i < len(lines) - 1:  # justify: spread the slack over the gaps between characters
                visible = line.rstrip()
                slack = right - x - measure(visible)
                space = slack / (len(visible) - 1) if len(visible) > 1 else 0.0
            laid.append((line, x, font_size, space))
        laid.append(paragraph_spacing * leading)
    if signature:
        laid.append(leading)
        for line in signature:
            laid.append((line, right - 2 * font_size - measure(line), font_size, 0.0))

    pages: list[list[tuple[str, float, float, float, float]]] = [[]]
    y = top
    for item in laid:
        if isinstance(item, float):
            y -= item
            continue
        line, x, size, space = item
        if y - size < bottom:
            pages.append([])
            y = top
        pages[-1].append((line, x, y - size, size, space))
        y -= leading * size / font_size

    out = io.BytesIO()
    encrypt = None
    if encrypt_password:
        encrypt = StandardEncryption(encrypt_password, canPrint=0)
    c = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        if header and number >= header_from_page:
            c.setFont(CJK_FONT, font_size * 0.75)
            c.drawCentredString(page_w / 2, page_h - 25 * MM, header)
            c.line(left, page_h - 27 * MM, right, page_h - 27 * MM)
        for line, x, baseline, size, space in page:
            t = c.beginText(x, baseline)
            t.setFont(CJK_FONT, size)
            t.setCharSpace(space)
            t.textOut(line.translate(FONT_CODE_POINTS))
            c.drawText(t)
        if footer:
            c.setFont(CJK_FONT, font_size * 0.75)
            c.drawCentredString(page_w / 2, 18 * MM, footer)
        if page_number:
            label = page_number.format(n=number, total=total)
            c.setFont(CJK_FONT, font_size)
            if number % 2:
                c.drawRightString(right - font_size, bottom - 12 * MM, label)
            else:
                c.drawString(left + font_size, bottom - 12 * MM, label)
        c.showPage()
    c.save()
    return out.getvalue()


def make_scanned_pdf(pages: int = 2) -> bytes:
    """A PDF as a scanner makes it: each page one image (here a grey raster of 'text'), no text layer."""

    image = Image.new("L", (600, 850), color=255)
    draw = ImageDraw.Draw(image)
    for row in range(60, 800, 30):
        draw.rectangle((60, row, 540, row + 12), fill=90)  # lines of "print"
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        buffer.seek(0)
        c.drawImage(ImageReader(buffer), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return out.getvalue()
