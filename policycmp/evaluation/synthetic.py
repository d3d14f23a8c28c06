"""Synthetic corpora for benchmarks and scale tests: real sections recombined, figures perturbed.

Each synthetic policy takes every one of its eight sections from one of the real policies at random
(seeded), renumbers sections and clauses, scales its money and share figures by a factor drawn per
document (so districts differ the way real ones do), and keeps a real closing paragraph. Districts are
the gazetteer's county-level units, so a corpus of 90 has every district of Zhejiang grouped by its
real city; larger corpora give each district one policy per year, going back from 2025.

:func:`write_edition_corpus` gives each district editions that follow from one another as real ones
do: a draft, its final with a few edits, and the next year's final with more (2025 headings, clauses
numbered (一) per section), made by :mod:`.editions`.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from ..ingest.corpus import read_corpus
from ..ingest.segment import segment_policy
from ..vocabulary.gazetteer import Place, load_gazetteer
from . import editions as ev
from .formats import make_docx, make_gov_html, make_pdf

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
SECTION_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
CLAUSE_NUMBER = re.compile(r"^\(?\d+[、.)]")
# Figures in money or shares, scaled per document; counts, years and dates stay as written.
SCALED = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=万元|亿元|元|%)")
FACTORS = (0.5, 0.6, 0.8, 1.0, 1.0, 1.2, 1.5, 2.0)


@dataclass(frozen=True)
class Section:
    heading: str  # without its number
    paragraphs: tuple[tuple[str, str], ...]  # (row kind, text without its number)


@dataclass(frozen=True)
class Source:
    sections: tuple[Section, ...]
    closing: str


def real_sources(raw_dir: Path) -> list[Source]:
    """Each real policy of ``raw_dir``: its first eight sections and its closing text."""
    corpus = read_corpus(raw_dir / "sources.yaml")
    out = []
    for doc in corpus.of_kind("policy"):
        text = corpus.texts[doc.id]
        sections: list[tuple[str, list[tuple[str, str]]]] = []
        closing = ""
        for piece in segment_policy(text).pieces:
            chunk = text[piece.start : piece.end]
            if piece.kind == "heading":
                sections.append((SECTION_NUMBER.sub("", chunk), []))
            elif piece.kind == "closing":
                closing = chunk
            elif sections:
                sections[-1][1].append((piece.kind, CLAUSE_NUMBER.sub("", chunk)))
        out.append(Source(tuple(Section(h, tuple(p)) for h, p in sections[:8]), closing))
    return out


def _scale(text: str, factor: float) -> str:
    if factor == 1.0:
        return text

    def scaled(match: re.Match[str]) -> str:
        value = (Decimal(match.group(1)) * Decimal(str(factor))).quantize(Decimal("0.01")).normalize()
        return f"{value:f}"

    return SCALED.sub(scaled, text)


def synthetic_policy(rng: random.Random, sources: list[Source], place: Place) -> str:
    """One policy text: a title naming the district, eight recombined sections, a closing."""
    factor = rng.choice(FACTORS)
    lines = [f"{place.zh}关于推动经济高质量发展的若干政策", ""]
    number = 0
    for index in range(8):
        section = rng.choice(sources).sections[index]
        lines += [f"{NUMERALS[index]}、{section.heading}", ""]
        for kind, body in section.paragraphs:
            if kind == "clause":
                number += 1
                body = f"{number}、{body}"
            lines += [_scale(body, factor), ""]
    lines += [rng.choice(sources).closing, ""]
    return "\n".join(lines)


# The formats a synthetic policy can be published in: the plain-text capture, or made as its issuer
# publishes it (policycmp.evaluation.formats), each a third of a mixed corpus.
FORMATS = ("txt", "pdf", "html", "docx")
MIXED = ("pdf", "html", "docx")


def published(text: str, place: Place, year: int, fmt: str) -> bytes:
    """A synthetic policy's text (title line first) as a file of format ``fmt``."""
    if fmt == "txt":
        return text.encode("utf-8")
    title, body = text.split("\n", 1)
    body = "\n".join(line for line in body.split("\n") if line.strip())
    issuer = f"{place.zh}人民政府"
    meta = {"发布机构": issuer, "成文日期": f"{year}-03-01", "发文字号": "无"}
    if fmt == "pdf":
        return make_pdf(body, title=title, signature=(issuer, f"{year}年3月1日"), header=f"{issuer}文件")
    if fmt == "html":
        return make_gov_html(f"{body}\n{issuer}\n{year}年3月1日", title=title, meta=meta)
    if fmt == "docx":
        return make_docx(f"{body}\n{issuer}\n{year}年3月1日", title=title, meta=meta, header=f"{issuer}文件")
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def write_corpus(
    folder: Path, size: int, *, raw_dir: Path, seed: int = 0, formats: tuple[str, ...] = ("txt",), start: int = 0
) -> list[str]:
    """``size`` synthetic policies and their ``sources.yaml`` in ``folder``; returns the document ids.

    Document ``i`` is published in ``formats[i % len(formats)]`` (``MIXED``: a third each PDF, HTML and
    DOCX). With ``start``, the documents ``start … start + size - 1`` of the same sequence are added to
    the registry already in ``folder`` (the benchmark's "add one document").
    """
    rng = random.Random(seed or size)
    sources = real_sources(raw_dir)
    places = sorted(load_gazetteer().county_level(), key=lambda p: (p.city or "", p.key))
    folder.mkdir(parents=True, exist_ok=True)
    entries, ids = [], []
    for i in range(start, start + size):
        place = places[i % len(places)]
        year = 2025 - i // len(places)
        doc_id = f"{place.key}-{year}-policy"
        fmt = formats[i % len(formats)]
        data = published(synthetic_policy(rng, sources, place), place, year, fmt)
        (folder / f"{doc_id}.{fmt}").write_bytes(data)
        ids.append(doc_id)
        entries.append(
            f"  - id: {doc_id}\n    file: {doc_id}.{fmt}\n    kind: policy\n    district: {place.key}\n"
            f"    district_zh: {place.zh}\n    city: {place.city}\n    province: {place.province}\n"
            f"    year: {year}\n    status: final\n    title: {place.zh}关于推动经济高质量发展的若干政策\n"
            f"    issued: {year}-03-01\n    source_sha256: {hashlib.sha256(data).hexdigest()}\n"
        )
    registry = folder / "sources.yaml"
    head = registry.read_text(encoding="utf-8") if start and registry.is_file() else "documents:\n"
    registry.write_text(head + "".join(entries), encoding="utf-8")
    return ids


DOMAINS = ["investment", "innovation", "manufacturing", "services", "transport", "demand_opening", "rural"]
DOMAINS += ["livelihood"]
# A final differs little from its draft; the next year's edition more, in the 2025 editions' words.
FINAL_EDITS = ev.Rates(removed=0.02, reworded=0.05, amounts=0.08, moved=0.0, added=0.02, reword_operations=1)
NEXT_YEAR_EDITS = ev.Rates(rename=True)


def edition_schedule(editions: int, first_year: int = 2024) -> list[tuple[int, str]]:
    """(year, status) of a district's editions, oldest first: a draft and its final, then a final a year."""
    if editions == 1:
        return [(first_year, "final")]
    return [(first_year, "draft"), *((first_year + n, "final") for n in range(editions - 1))]


def write_edition_corpus(
    folder: Path, districts: int, *, editions: int, raw_dir: Path, apart: Path | None = None, seed: int = 0
) -> list[str]:
    """``districts`` districts with ``editions`` editions each (:func:`edition_schedule`) and their
    ``sources.yaml`` in ``folder``; returns the document ids. Ids follow the registry's rule: the first
    document of a district and year keeps ``<district>-<year>-policy``, the final beside its draft gets
    ``-final``.

    ``apart``: a second folder with the same files, each registered as a district of its own
    (``<district>e<n>``), so that nothing is paired: the peer that the cost of pairing is measured against.
    """
    rng = random.Random(seed or districts * 100 + editions)
    sources = real_sources(raw_dir)
    places = sorted(load_gazetteer().county_level(), key=lambda p: (p.city or "", p.key))
    pool = [body for source in sources for section in source.sections for kind, body in section.paragraphs
            if kind == "clause"]  # fmt: skip
    entries, apart_entries, ids = [], [], []
    for folder_ in (folder, apart):
        if folder_ is not None:
            folder_.mkdir(parents=True, exist_ok=True)
    for i in range(districts):
        place = places[i % len(places)]
        key = place.key if i < len(places) else f"{place.key}{i // len(places)}"
        title = f"{place.zh}关于推动经济高质量发展的若干政策"
        edition = ev.read_edition(synthetic_policy(rng, sources, place), title)
        for n, (year, status) in enumerate(edition_schedule(editions)):
            if n:
                rates = FINAL_EDITS if year == edition_schedule(editions)[n - 1][0] else NEXT_YEAR_EDITS
                edition = ev.random_edition(edition, rng, rates, pool, DOMAINS)
            doc_id = f"{key}-{year}-policy" + ("-final" if n == 1 and status == "final" and editions > 1 else "")
            text = ev.render(edition, numbering="paren" if year > 2024 else "dun")
            ids.append(doc_id)
            (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
            entries.append(_entry(doc_id, key, place, year, status, title, text))
            if apart is not None:
                (apart / f"{doc_id}.txt").write_text(text, encoding="utf-8")
                apart_entries.append(_entry(doc_id, f"{key}e{n}", place, year, status, title, text))
    (folder / "sources.yaml").write_text("documents:\n" + "".join(entries), encoding="utf-8")
    if apart is not None:
        (apart / "sources.yaml").write_text("documents:\n" + "".join(apart_entries), encoding="utf-8")
    return ids


def _entry(doc_id: str, district: str, place: Place, year: int, status: str, title: str, text: str) -> str:
    return (
        f"  - id: {doc_id}\n    file: {doc_id}.txt\n    kind: policy\n    district: {district}\n"
        f"    district_zh: {place.zh}\n    city: {place.city}\n    province: {place.province}\n"
        f"    year: {year}\n    status: {status}\n    title: {title}\n    issued: {year}-03-01\n"
        f"    source_sha256: {hashlib.sha256(text.encode('utf-8')).hexdigest()}\n"
    )


# An earlier edition differs from the one after it as a year's editions do: a few clauses removed or added,
# some reworded, some amounts changed.
EARLIER_EDITS = ev.Rates(removed=0.05, reworded=0.1, amounts=0.15, moved=0.0, added=0.05, reword_operations=1)


def add_earlier_editions(
    folder: Path, districts: list[str], *, raw_dir: Path, year: int = 2024, status: str = "final", seed: int = 0
) -> list[str]:
    """An earlier edition for each of ``districts`` of the corpus in ``folder`` (:func:`write_corpus`'s, or a
    copy of the real ``data/raw``: each district's first policy in ``.txt``): made from that policy with
    :data:`EARLIER_EDITS` and registered right after it as ``year``'s ``status`` edition
    (``<district>-<year>-policy``, or ``-<status>`` after it when the policy is of the same year, as
    `policycmp add` names it). Pick a year before the policy's, so its default edition stays what it was:
    ``add_earlier_editions(raw, ["qujiang"], raw_dir=..., year=2022)`` beside the 2023 seed. Returns the new
    documents' ids."""
    rng = random.Random(seed or len(districts) * 1000 + year)
    sources = real_sources(raw_dir)
    pool = [body for source in sources for section in source.sections for kind, body in section.paragraphs
            if kind == "clause"]  # fmt: skip
    registry = folder / "sources.yaml"
    documents = yaml.safe_load(registry.read_text(encoding="utf-8"))["documents"]
    wanted, added, out = set(districts), [], []
    for entry in documents:
        out.append(entry)
        district = str(entry["district"])
        if district not in wanted or entry["kind"] != "policy" or not str(entry["file"]).endswith(".txt"):
            continue
        wanted.discard(district)
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        edition = ev.random_edition(ev.read_edition(text, entry["title"]), rng, EARLIER_EDITS, pool, DOMAINS)
        earlier = ev.render(edition, numbering="dun")
        doc_id = f"{district}-{year}-policy" + (f"-{status}" if int(entry["year"]) == year else "")
        (folder / f"{doc_id}.txt").write_text(earlier, encoding="utf-8")
        out.append(
            {
                **entry,
                "id": doc_id,
                "file": f"{doc_id}.txt",
                "year": year,
                "status": status,
                "issued": f"{year}-03-01",
                "source_sha256": hashlib.sha256(earlier.encode("utf-8")).hexdigest(),
            }
        )
        added.append(doc_id)
    if wanted:
        raise ValueError(f"{registry} has no text policy of {', '.join(sorted(wanted))}")
    registry.write_text(yaml.safe_dump({"documents": out}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return added


def write_report_corpus(
    folder: Path, districts: int, *, raw_dir: Path, with_editions: tuple[str, ...] = ("zhenhai",)
) -> list[str]:
    """The corpus the report benchmark and the screenshots render: ``districts`` synthetic policies
    (:func:`write_corpus`: at 90, every county-level unit of Zhejiang) and, for each district of
    ``with_editions`` in the corpus, an earlier (2024) edition besides its 2025 final
    (:func:`add_earlier_editions`), so the pages show one edition of it and its edition page is rendered.
    The registry's last entry stays a plain district (the benchmark's "add one district" takes it).
    Returns every document id."""
    ids = write_corpus(folder, districts, raw_dir=raw_dir)
    present = [d for d in with_editions if any(i.startswith(f"{d}-") for i in ids[:-1])]
    return ids + add_earlier_editions(folder, present, raw_dir=raw_dir)
