"""Time the format readers on the formats the tests make from a seed policy, and the two PDF readers.

    .venv/bin/python benchmarks/bench_readers.py [--doc qujiang-2023-policy] [--repeat 5]

Prints, per format, the made file's size and the median time of ``read_raw`` over the repeats (the
first, cold read — imports, vocabulary — is reported apart). Then the PDF made from each seed policy
read by the two candidate line extractors, PDFium (pypdfium2, what the build uses) and pdfplumber
(over pdfminer.six, what it used before), each followed by the same running-head dropping and
paragraph rebuilding: the median time, and whether both give the same text.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from policycmp.evaluation.formats import make_docx, make_gov_html, make_pdf, published_policy
from policycmp.ingest.readers import read_raw
from policycmp.ingest.readers.pdf import Line, _pdfium_pages, drop_running_lines, join_paragraphs, rebuild_paragraphs

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ("zhenhai-2024-policy", "linping-2024-policy", "qujiang-2023-policy")


def pdfplumber_pages(data: bytes) -> list[list[Line]]:
    """The lines pdfplumber gives, as the build read them before PDFium."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = []
        for page in pdf.pages:
            lines = []
            for raw in page.extract_text_lines(strip=False, return_chars=True, keep_blank_chars=True):
                ink = [c for c in raw["chars"] if c["text"].strip()]
                if ink:
                    size = statistics.median(c["size"] for c in ink)
                    lines.append(Line(raw["text"], ink[0]["x0"], ink[-1]["x1"], raw["top"], size))
            pages.append(lines)
    return pages


def pdfium_pages(data: bytes) -> list[list[Line]]:
    return _pdfium_pages(data)[0]


def text_of(pages: list[list[Line]]) -> str:
    return join_paragraphs(rebuild_paragraphs([line for page in drop_running_lines(pages) for line in page]))


def median_ms(read: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        read()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--doc", default="qujiang-2023-policy")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sources = ROOT / "data" / "raw" / "sources.yaml"
    p = published_policy(sources, args.doc)
    raw = (ROOT / "data" / "raw" / f"{args.doc}.txt").read_bytes()
    made = {
        ".txt (the capture)": (".txt", raw),
        "HTML UTF-8": (".html", make_gov_html(p.full_text, title=p.title, meta=p.meta)),
        "HTML GBK": (".html", make_gov_html(p.full_text, title=p.title, meta=p.meta, encoding="gbk")),
        "DOCX": (".docx", make_docx(p.full_text, title=p.title, meta=p.meta, header=f"{p.issuer}文件")),
        "PDF": (".pdf", make_pdf(p.text, title=p.title, signature=p.signature, header=f"{p.issuer}文件")),
    }
    print(f"{args.doc}: {len(p.full_text)} characters of text")
    print("| format | file size | first read (ms) | median read (ms) |\n|---|---:|---:|---:|")
    for name, (suffix, data) in made.items():
        path = Path(f"bench{suffix}")
        first = median_ms(lambda data=data, path=path: read_raw(data, path), 1)
        later = median_ms(lambda data=data, path=path: read_raw(data, path), args.repeat)
        print(f"| {name} | {len(data) / 1024:.0f} KiB | {first:.1f} | {later:.1f} |")

    print("\nPDF line extraction, then the same running-head dropping and paragraph rebuilding:")
    print("| policy | pages | PDFium (pypdfium2) ms | pdfplumber ms | PDFium / pdfplumber | same text |")
    print("|---|---:|---:|---:|---:|---|")
    for doc_id in POLICIES:
        q = published_policy(sources, doc_id)
        pdf = make_pdf(q.text, title=q.title, signature=q.signature, header=f"{q.issuer}文件")
        ours = median_ms(lambda pdf=pdf: text_of(pdfium_pages(pdf)), args.repeat)
        theirs = median_ms(lambda pdf=pdf: text_of(pdfplumber_pages(pdf)), args.repeat)
        same = text_of(pdfium_pages(pdf)) == text_of(pdfplumber_pages(pdf))
        pages = len(pdfium_pages(pdf))
        print(f"| {doc_id} | {pages} | {ours:.0f} | {theirs:.0f} | {ours / theirs:.2f} | {'yes' if same else 'NO'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
