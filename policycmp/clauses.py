"""The clause table: one row per preamble, clause and closing of every policy document."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd

from .errors import PolicyInputError
from .registry import Document
from .segment import Piece, Segmentation, simplified
from .vocab import DATA_DIR, DOMAINS, compile_pattern, load_resource

# Contract columns first, then the project's own.
CLAUSE_DTYPES: dict[str, str] = {
    "clause_id": "string",
    "doc_id": "string",
    "district": "string",
    "year": "int64",
    "domain": "string",
    "section_no": "Int64",
    "section_title": "string",
    "row_kind": "string",
    "clause_no": "Int64",
    "seq": "int64",
    "title": "string",
    "text": "string",
    "lead_department": "string",
    # project columns
    "district_zh": "string",
    "city": "string",
    "status": "string",
    "section_name": "string",
    "support_departments": "string",
    "responsible_units": "string",
    "line_no": "int64",
    "char_start": "int64",
    "char_end": "int64",
}
CLAUSE_COLUMNS = list(CLAUSE_DTYPES)

TITLE_END = re.compile(r"[。!?;]")
TITLE_MAX_CHARS = 40


@dataclass(frozen=True)
class DomainRule:
    key: str
    en: str
    zh: str
    patterns: tuple[re.Pattern[str], ...]


@functools.lru_cache(maxsize=None)
def domain_rules() -> tuple[DomainRule, ...]:
    path = DATA_DIR / "domains.yaml"
    rules = []
    for entry in load_resource("domains.yaml")["domains"]:
        if entry["key"] not in DOMAINS:
            raise PolicyInputError(path, f"entry {entry['key']!r}: unknown domain key (known: {', '.join(DOMAINS)})")
        rules.append(DomainRule(entry["key"], entry["en"], entry["zh"],
                                tuple(compile_pattern(p, path, entry["key"]) for p in entry["heading_patterns"])))
    return tuple(rules)


def domain_names() -> dict[str, str]:
    """Domain key → English name, in the package's reading order."""
    order = {key: i for i, key in enumerate(DOMAINS)}
    return {r.key: r.en for r in sorted(domain_rules(), key=lambda r: order[r.key])}


@functools.lru_cache(maxsize=None)
def _structure() -> dict[str, object]:
    spec = load_resource("document_structure.yaml")
    path = DATA_DIR / "document_structure.yaml"
    return {
        "lead": [compile_pattern(p, path, "lead_department_patterns") for p in spec["lead_department_patterns"]],
        "support": [compile_pattern(p, path, "support_department_patterns") for p in spec["support_department_patterns"]],
        "responsible": compile_pattern(spec["responsible_unit_pattern"], path, "responsible_unit_pattern"),
    }


def split_heading(heading: str) -> tuple[str, str | None]:
    """'一、扩大有效投资方面(由区发改局牵头实施)' → ('扩大有效投资方面', '由区发改局牵头实施')."""
    body = re.sub(r"^[一二三四五六七八九十]+、", "", heading).strip()
    match = re.search(r"\(([^()]*)\)\s*$", body)
    if match:
        return body[: match.start()].strip(), match.group(1)
    return body, None


def heading_domain(heading: str) -> str | None:
    name, _ = split_heading(simplified(heading))
    for rule in domain_rules():
        if any(rx.search(name) for rx in rule.patterns):
            return rule.key
    return None


def _first_group(patterns: list[re.Pattern[str]], text: str | None) -> str | None:
    if not text:
        return None
    for rx in patterns:
        match = rx.search(text)
        if match:
            return match.group("dept").strip()
    return None


def clause_title(text: str, number_end: int) -> str | None:
    """The lead phrase after the number, up to the first full stop: 开展扩投资攻坚行动."""
    rest = text[number_end:].lstrip()
    match = TITLE_END.search(rest)
    if not match or match.start() == 0 or match.start() > TITLE_MAX_CHARS:
        return None
    return rest[: match.start()].strip()


def clause_rows(doc: Document, text: str, seg: Segmentation) -> list[dict[str, object]]:
    """Rows of the clause table for one segmented policy document (pure: text in, dicts out)."""
    structure = _structure()
    rows: list[dict[str, object]] = []
    seen_numbers: dict[int, int] = {}
    domain: str | None = None
    for piece in seg.pieces:
        if piece.kind == "heading":
            domain = heading_domain(piece.heading or "")
            if domain is None:
                raise PolicyInputError(
                    doc.path, f"section heading {piece.heading!r} matches no domain in domains.yaml "
                    "(add a heading pattern there)", line=piece.line)
            continue
        rows.append(_row(doc, text, piece, domain, seen_numbers, structure, len(rows) + 1))
    return rows


def _row(doc: Document, text: str, piece: Piece, domain: str | None, seen_numbers: dict[int, int],
         structure: dict[str, object], seq: int) -> dict[str, object]:
    row_text = text[piece.start:piece.end]
    name, parenthesis = split_heading(piece.heading) if piece.heading else (None, None)
    if piece.kind == "clause":
        number = piece.clause_no
        seen_numbers[number] = seen_numbers.get(number, 0) + 1
        suffix = "" if seen_numbers[number] == 1 else chr(ord("a") + seen_numbers[number] - 1)
        clause_id = f"{doc.id}:c{number}{suffix}"
        number_end = re.match(r"^\(?\d+[、.)]?", row_text).end()
        title = clause_title(row_text, number_end)
        responsible = structure["responsible"].search(row_text)
        units = responsible.group("units").strip() if responsible else None
    elif piece.kind == "preamble":
        clause_id, title, units = f"{doc.id}:p{piece.section_no}", None, None
    else:
        clause_id, title, units = f"{doc.id}:closing", None, None
    closing = piece.kind == "closing"
    return {
        "clause_id": clause_id,
        "doc_id": doc.id,
        "district": doc.district,
        "year": doc.year,
        "domain": None if closing else domain,
        "section_no": None if closing else piece.section_no,
        "section_title": None if closing else piece.heading,
        "row_kind": piece.kind,
        "clause_no": piece.clause_no if piece.kind == "clause" else None,
        "seq": seq,
        "title": title,
        "text": row_text,
        "lead_department": None if closing else _first_group(structure["lead"], parenthesis),
        "district_zh": doc.district_zh,
        "city": doc.city,
        "status": doc.status,
        "section_name": None if closing else name,
        "support_departments": None if closing else _first_group(structure["support"], parenthesis),
        "responsible_units": units,
        "line_no": piece.line,
        "char_start": piece.start,
        "char_end": piece.end,
    }


def clause_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as a DataFrame with the table's explicit dtypes and column order."""
    frame = pd.DataFrame(rows, columns=CLAUSE_COLUMNS)
    return frame.astype(CLAUSE_DTYPES)
