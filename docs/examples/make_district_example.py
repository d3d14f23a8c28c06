"""The files of the README's worked example "Adding a district": a district's web page and its PDF
attachment, made from the real capture of 钱塘区's 2025 policy (../shared/realworld/), which is the
opening of the published page (its first section and clauses: a fragment).

    .venv/bin/python docs/examples/make_district_example.py /tmp/qiantang

writes ``qiantang-2025.html`` (the page as the government site serves it: navigation, breadcrumb, the
metadata table with 成文日期, the article, share buttons, footer) and ``qiantang-2025.pdf`` (its
attachment: the notice as a printed document, with running headers and page numbers).
"""

from __future__ import annotations

import sys
from pathlib import Path

from policycmp.evaluation.formats import make_gov_html, make_pdf

ROOT = Path(__file__).resolve().parents[2]

CAPTURE = ROOT.parent / "shared" / "realworld" / "qiantang-2025-policy.txt"
TITLE = "杭州市钱塘区人民政府印发关于推动经济高质量发展的若干政策(2025年版)的通知"
META = {
    "索引号": "330B001/2025-00596",
    "发布机构": "杭州市钱塘区人民政府",
    "成文日期": "2025-03-31",
    "发文字号": "钱政发〔2025〕6号",
    "公开方式": "主动公开",
    "有效性": "有效",
}


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "qiantang-example")
    out.mkdir(parents=True, exist_ok=True)
    text = CAPTURE.read_text(encoding="utf-8")
    article = text[text.index("各街道办事处") :]  # the notice and the policy, without the site's list of fields
    lines = [line.strip() for line in article.split("\n") if line.strip()]
    (out / "qiantang-2025.html").write_bytes(make_gov_html("\n".join(lines), title=TITLE, meta=META))
    (out / "qiantang-2025.pdf").write_bytes(make_pdf("\n".join(lines), title=TITLE, header="杭州市钱塘区人民政府文件"))
    print(f"wrote {out / 'qiantang-2025.html'} and {out / 'qiantang-2025.pdf'}")


if __name__ == "__main__":
    main()
