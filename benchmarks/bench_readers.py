"""Time the format readers on the formats the tests make from a seed policy.

    .venv/bin/python benchmarks/bench_readers.py [--doc qujiang-2023-policy] [--repeat 5]

Prints, per format, the made file's size and the median time of ``read_raw`` over the repeats (the
first, cold read — imports, vocabulary — is reported apart).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from formats import make_docx, make_gov_html, make_pdf, published_policy  # noqa: E402

from policycmp.ingest.readers import read_raw  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", default="qujiang-2023-policy")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    p = published_policy(ROOT / "data" / "raw" / "sources.yaml", args.doc)
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
        times = []
        for _ in range(args.repeat + 1):
            start = time.perf_counter()
            read_raw(data, Path(f"bench{suffix}"))
            times.append((time.perf_counter() - start) * 1000)
        print(f"| {name} | {len(data) / 1024:.0f} KiB | {times[0]:.1f} | {statistics.median(times[1:]):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
