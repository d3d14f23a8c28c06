"""``units.yaml``, read once: the file the quantity grammar compiles (``extract.grammar``), and the
numbers written in Chinese numerals (二十, 三十五万, 两) with its numeral words.

The extract stage reads amounts written so (五万元, 三分之二); the comparison stage reads counts in
words in an outcome report's completion (两条特色街区), which extract leaves alone on purpose. Both read
them here, with the one list of numeral words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .loader import load, require

FILE = "units.yaml"


@dataclass(frozen=True)
class Numerals:
    digits: dict[str, int]  # 一 → 1, 两 → 2 …
    multipliers: dict[str, int]  # 十 → 10, 万 → 10^4 …

    def value(self, numeral: str) -> Decimal | None:
        """二十 → 20, 三十五万 → 350000, 亿 → 10^8 (a bare magnitude); None when it is not a numeral."""
        return numeral_value(numeral, self.digits, self.multipliers)


def numeral_value(numeral: str, digits: dict[str, int], multipliers: dict[str, int]) -> Decimal | None:
    if not numeral:
        return None
    if all(ch in multipliers for ch in numeral):
        value = Decimal(1)
        for ch in numeral:
            value *= multipliers[ch]
        return value
    total, section, digit = Decimal(0), Decimal(0), Decimal(0)
    for ch in numeral:
        if ch in digits:
            digit = Decimal(digits[ch])
        elif ch in multipliers:
            mult = multipliers[ch]
            if mult >= 10000:
                section += digit
                if mult >= 100000000:
                    total = (total + section) * mult
                else:
                    total += section * mult
                section, digit = Decimal(0), Decimal(0)
            else:
                section += (digit if digit else 1) * mult
                digit = Decimal(0)
        else:
            return None
    return total + section + digit


@dataclass(frozen=True)
class UnitsFile:
    """The parsed file (compiled by ``extract.grammar``) and its numerals."""

    path: Path
    data: Any
    numerals: Numerals


def _units(path: Path, spec: Any) -> UnitsFile:
    if not isinstance(spec, dict):
        raise PolicyInputError(path, "expected a mapping at the top level")
    numerals = Numerals(
        {str(k): int(v) for k, v in require(spec, "chinese_digits", path).items()},
        {str(k): int(v) for k, v in require(spec, "chinese_multipliers", path).items()},
    )
    return UnitsFile(path, spec, numerals)


def load_units(path: str | Path | None = None) -> UnitsFile:
    return load(_units, FILE, path)


def load_numerals(path: str | Path | None = None) -> Numerals:
    return load_units(path).numerals
