"""A second edition of a seed district with known edits, for the tests of pages that must show one edition.

Qujiang's 2023 policy is the seed; its 2024 edition here is the issue's case (Qujiang 2023 built beside a 2024
edition): the rural allocation 2023年区财政预算安排7.4亿元 becomes 8.4亿元 (so the allocations sum to 24.54亿元
instead of 23.54亿元, and the two editions added together would be the 48.08亿元 the issue saw), the national
incubator award drops from 300万元 to 200万元, one clause is added, and every 2023年 reads 2024年.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from policycmp.evaluation import editions as ev
from policycmp.ingest.corpus import read_corpus

QUJIANG_2023 = "qujiang-2023-policy"
QUJIANG_2024 = "qujiang-2024-policy"
TITLE = "衢江区关于承接落实推动经济高质量发展若干政策实施方案"
# The added clause carries markup, which every page must show as text.
SCRIPT = "<script>alert(2)</script>"
ADDED_CLAUSE = f"支持企业争创专精特新。对新认定的国家级专精特新“小巨人”企业给予50万元奖励{SCRIPT}。(责任单位:区经信局)"


def _origin(edition: ev.Edition, words: str) -> int:
    found = [p.origin for p in edition.paragraphs() if words in p.text and p.origin is not None]
    assert len(found) == 1, (words, found)
    return found[0]


def qujiang_2024_text(raw: Path) -> str:
    """The 2024 edition's text, made from the 2023 seed in ``raw`` with the edits above."""
    corpus = read_corpus(raw / "sources.yaml")
    edition = ev.read_edition(corpus.texts[QUJIANG_2023], TITLE)
    edition = ev.substitute(edition, _origin(edition, "2023年区财政预算安排7.4亿元"), "7.4亿元", "8.4亿元")
    edition = ev.substitute(edition, _origin(edition, "孵化器分别给予300万元"), "300万元", "200万元")
    innovation = next(i for i, s in enumerate(edition.sections) if "科技创新" in s.heading)
    edition = ev.insert(edition, innovation, len(edition.sections[innovation].paragraphs), ADDED_CLAUSE)
    for paragraph in edition.paragraphs():
        if paragraph.origin is not None and "2023年" in paragraph.text:
            edition = ev.rewrite(edition, paragraph.origin, lambda t: t.replace("2023年", "2024年"), "year")
    return ev.render(edition, numbering="dun")


def add_qujiang_2024(raw: Path) -> str:
    """Write Qujiang's 2024 edition into ``raw`` and register it (a final of 2024); returns its doc id."""
    text = qujiang_2024_text(raw)
    data = text.encode("utf-8")
    (raw / f"{QUJIANG_2024}.txt").write_bytes(data)
    entry = (
        f"  - id: {QUJIANG_2024}\n    file: {QUJIANG_2024}.txt\n    kind: policy\n    district: qujiang\n"
        f"    district_zh: 衢江区\n    city: quzhou\n    province: zhejiang\n    year: 2024\n    status: final\n"
        f"    title: {TITLE}\n    issued: 2024-04-01\n    source_sha256: {hashlib.sha256(data).hexdigest()}\n"
    )
    sources = raw / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry, encoding="utf-8")
    return QUJIANG_2024
