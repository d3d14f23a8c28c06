"""Corpus benchmark: throughput and peak memory of the build on 100 and 1,000 synthetic policies.

The synthetic policies recombine the real ones: each takes every section from one of the three
districts at random (seeded), renumbers sections and clauses, and keeps the real closing text. Each
size runs in a fresh process so peak RSS is that size's own.

    .venv/bin/python benchmarks/bench_corpus.py            # 100 and 1000 documents
    .venv/bin/python benchmarks/bench_corpus.py 100 300    # other sizes
"""

from __future__ import annotations

import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policycmp.build import clause_table, read_corpus
from policycmp.quantities import quantities_table
from policycmp.segment import segment_policy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九"]


def real_sections():
    """Per real policy: its sections as (heading, [paragraphs]) and its closing text."""

    corpus = read_corpus(ROOT / "data" / "raw" / "sources.yaml")
    out = []
    for doc in corpus.of_kind("policy"):
        text = corpus.texts[doc.id]
        sections, closing = [], ""
        for piece in segment_policy(text).pieces:
            chunk = text[piece.start : piece.end]
            if piece.kind == "heading":
                sections.append((re.sub(r"^[一二三四五六七八九十]+、", "", chunk), []))
            elif piece.kind == "closing":
                closing = chunk
            else:
                sections[-1][1].append((piece.kind, re.sub(r"^\d+[、.]", "", chunk)))
        out.append((sections[:8], closing))
    return out


def synthetic_policy(rng: random.Random, sources) -> str:
    lines, number = ["关于印发若干政策的通知", ""], 0
    for index in range(8):
        sections, _ = rng.choice(sources)
        heading, paragraphs = sections[index]
        lines += [f"{NUMERALS[index]}、{heading}", ""]
        for kind, body in paragraphs:
            if kind == "clause":
                number += 1
                body = f"{number}、{body}"
            lines += [body, ""]
    lines += [rng.choice(sources)[1], ""]
    return "\n".join(lines)


def make_corpus(size: int, folder: Path) -> None:
    rng = random.Random(size)
    sources = real_sections()
    entries = []
    for i in range(size):
        name = f"synthetic-{i:04d}"
        (folder / f"{name}.txt").write_text(synthetic_policy(rng, sources), encoding="utf-8")
        entries.append(f"""  - id: {name}
    file: {name}.txt
    kind: policy
    district: d{i:04d}
    district_zh: 合成区
    city: synthetic
    province: zhejiang
    year: 2024
    status: final
    title: 合成政策
    issued: 2024-01-01
""")
    (folder / "sources.yaml").write_text("documents:\n" + "".join(entries), encoding="utf-8")


def measure(size: int) -> dict:
    """Run in a child process: build the corpus, then time each stage."""

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_corpus(size, folder)
        start = time.perf_counter()
        corpus = read_corpus(folder / "sources.yaml")
        clauses, _ = clause_table(corpus)
        clause_seconds = time.perf_counter() - start
        start = time.perf_counter()
        quantities = quantities_table(clauses)
        quantity_seconds = time.perf_counter() - start
    return {
        "documents": size,
        "clause_rows": len(clauses),
        "quantities": len(quantities),
        "clause_seconds": round(clause_seconds, 3),
        "quantity_seconds": round(quantity_seconds, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    results = []
    for size in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(size)], check=True, capture_output=True, text=True
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    print(
        "| documents | clause rows | quantities | segment+clauses s | docs/s | clauses/s | extraction s "
        "| quantities/s | ms per doc (both stages) | peak RSS MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        total = r["clause_seconds"] + r["quantity_seconds"]
        print(
            f"| {r['documents']} | {r['clause_rows']} | {r['quantities']} | {r['clause_seconds']:.2f} "
            f"| {r['documents'] / r['clause_seconds']:.0f} | {r['clause_rows'] / r['clause_seconds']:.0f} "
            f"| {r['quantity_seconds']:.2f} | {r['quantities'] / max(r['quantity_seconds'], 1e-9):.0f} "
            f"| {1000 * total / r['documents']:.1f} | {r['peak_rss_mib']} |"
        )
    if len(results) >= 2:
        a, b = results[0], results[-1]
        per_doc = [(r["clause_seconds"] + r["quantity_seconds"]) / r["documents"] for r in (a, b)]
        print(
            f"\ncost per document at {b['documents']} vs {a['documents']}: {per_doc[1] / per_doc[0]:.2f}x "
            "(1.00 = perfectly linear)"
        )


if __name__ == "__main__":
    main()
