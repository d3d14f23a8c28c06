"""Zhejiang's places (``gazetteer.yaml``): the province, its 11 cities and 90 county-level units.

Each place has its pinyin key (the registry's ``district`` / ``city``), Chinese name, GB/T 2260 code,
level and parent city. ``policycmp add`` reads it to tell which place a document is about; the
reports read it to group districts by city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import PolicyInputError
from .loader import SAFE_LOADER, load, read_bytes

FILE = "gazetteer.yaml"
LEVELS = ("province", "city", "district", "county_city", "county")
COUNTY_LEVELS = ("district", "county_city", "county")
KEY_RX = re.compile(r"^[a-z]+$")
CODE_RX = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Place:
    """One gazetteer entry; `city` is the parent city's key (a city's own key for a city)."""

    key: str
    zh: str
    short: str
    code: str
    level: str
    city: str | None
    province: str

    @property
    def suffix(self) -> str:
        """区, 县, 市 or 省: how the place's own documents refer to it (全区, 我县)."""
        return self.zh[-1]


@dataclass(frozen=True)
class Gazetteer:
    """The validated gazetteer: places in file order and the words that look like places."""

    path: Path
    places: tuple[Place, ...]
    not_place_names: tuple[str, ...] = ()
    issuer_labels: tuple[str, ...] = ()
    subject_followers: tuple[str, ...] = ()
    by_key: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)

    def get(self, key: str) -> Place | None:
        return self.by_key.get(key)

    def ancestors(self, place: Place) -> tuple[str, ...]:
        """Keys of the places that contain `place` (its city, its province)."""
        keys = [place.province] if place.level != "province" else []
        if place.level in COUNTY_LEVELS and place.city:
            keys.append(place.city)
        return tuple(keys)

    def cities(self) -> tuple[Place, ...]:
        return tuple(p for p in self.places if p.level == "city")

    def county_level(self) -> tuple[Place, ...]:
        return tuple(p for p in self.places if p.level in COUNTY_LEVELS)


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """The gazetteer (``policycmp/data/gazetteer.yaml`` unless ``path`` is given), checked."""
    return load(_build, FILE, path)


def _build(path: Path, data: Any) -> Gazetteer:
    if not isinstance(data, dict) or not isinstance(data.get("places"), list) or not data["places"]:
        raise PolicyInputError(path, "expected a top-level 'places:' list with at least one entry")
    lines = _entry_lines(read_bytes(path).decode("utf-8"))
    rows = [_validated_row(row, path, lines[i] if i < len(lines) else None, i) for i, row in enumerate(data["places"])]
    places = _linked_places(rows, path, lines)
    not_place_names = _word_list(data, "not_place_names", path)
    names = {p.zh for p in places} | {p.short for p in places}
    clash = [word for word in not_place_names if word in names]
    if clash:
        raise PolicyInputError(path, f"not_place_names: {clash[0]!r} is the name of a place")
    return Gazetteer(
        path=path,
        places=places,
        not_place_names=not_place_names,
        issuer_labels=_word_list(data, "issuer_labels", path),
        subject_followers=_word_list(data, "subject_followers", path),
        by_key={place.key: place for place in places},
    )


def _entry_lines(raw: str) -> list[int]:
    """1-based line of each `places` entry, so an error can point at it."""
    try:
        # libyaml's composer where PyYAML has it (the same marks): PyYAML's own took a kernel's first profile
        # 0.1 s for the thousand lines of the gazetteer.
        root = yaml.compose(raw, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return []
    for key, value in getattr(root, "value", []) or []:
        if getattr(key, "value", None) == "places" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _word_list(data: dict[str, Any], name: str, path: Path) -> tuple[str, ...]:
    words = data.get(name) or []
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise PolicyInputError(path, f"'{name}' must be a list of non-empty strings")
    return tuple(words)


def _validated_row(row: object, path: Path, line: int | None, index: int) -> dict[str, Any]:
    """One entry's fields, checked on their own (links between entries are checked after)."""
    if not isinstance(row, dict):
        raise PolicyInputError(path, f"entry {index + 1} must be a mapping", line)
    name = row.get("key") or row.get("zh") or f"entry {index + 1}"

    def fail(message: str) -> PolicyInputError:
        return PolicyInputError(path, f"place {name!r}: {message}", line)

    missing = [k for k in ("key", "zh", "short", "code", "level") if row.get(k) in (None, "")]
    if missing:
        raise fail(f"lacks {', '.join(missing)}")
    key, code, level = str(row["key"]), str(row["code"]), row["level"]
    if not KEY_RX.match(key):
        raise fail(f"key {key!r} must be lowercase letters only (pinyin without tones or separators)")
    if not CODE_RX.match(code):
        raise fail(f"code {row['code']!r} must be a quoted 6-digit GB/T 2260 code")
    if level not in LEVELS:
        raise fail(f"unknown level {level!r} (expected one of {', '.join(LEVELS)})")
    if level in COUNTY_LEVELS and not row.get("city"):
        raise fail(f"a {level} needs `city:` (its parent city's key)")
    if level not in COUNTY_LEVELS and row.get("city"):
        raise fail(f"a {level} has no parent city; drop `city:`")
    return {**row, "key": key, "code": code, "line": line}


def _linked_places(rows: list[dict[str, Any]], path: Path, lines: list[int]) -> tuple[Place, ...]:
    """Check uniqueness and parent links across entries, and build the places."""
    provinces = [r for r in rows if r["level"] == "province"]
    if len(provinces) != 1:
        raise PolicyInputError(path, f"expected exactly one province entry, found {len(provinces)}")
    province = provinces[0]["key"]
    cities = {r["key"]: r for r in rows if r["level"] == "city"}
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    places = []
    for row in rows:
        for field_name in ("key", "code", "zh", "short"):
            value = str(row[field_name])
            first = seen.setdefault((field_name, value), row)
            if first is not row:
                raise PolicyInputError(
                    path,
                    f"place {row['key']!r}: duplicate {field_name} {value!r} (first at line {first['line']})",
                    row["line"],
                )
        city = row.get("city")
        if row["level"] in COUNTY_LEVELS:
            if city not in cities:
                raise PolicyInputError(
                    path,
                    f"place {row['key']!r}: unknown parent city {city!r}",
                    row["line"],
                )
            if row["code"][:4] != cities[city]["code"][:4]:
                raise PolicyInputError(
                    path,
                    f"place {row['key']!r}: code {row['code']} does not lie under {city} ({cities[city]['code']})",
                    row["line"],
                )
        elif row["level"] == "city":
            city = row["key"]
        places.append(
            Place(
                key=row["key"],
                zh=str(row["zh"]),
                short=str(row["short"]),
                code=row["code"],
                level=row["level"],
                city=city,
                province=province,
            )
        )
    return tuple(places)
