"""A new document's registry entry, inferred from its text (what `policycmp add` prints and appends).

Each key has its own small rule, driven by the cue words of ``policycmp/data/registry_inference.yaml``
so a new wording is a vocabulary change, not a code change: the title from the head of the
document (a title line, else the cover notice), the kind from the title, the status and edition
from the head, the year from the edition, the title or the text, the issue date from the page's
fields or the signature, and the place from the gazetteer (`places.find_place`). What cannot be
told is an error naming the file and the flag that settles it; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..chinese import simplified
from ..errors import PolicyInputError
from ..model import DOCUMENT_KINDS as KINDS
from ..vocabulary import load
from ..vocabulary.gazetteer import Gazetteer, Place, load_gazetteer
from . import places

RULES_FILE = "registry_inference.yaml"
YEAR_SCOPES = ("title", "head", "text")
CITED_RX = re.compile(r"《[^《》]*》")
# A line this long with spaces is a capture that lost its line breaks; its runs between spaces
# are treated as lines when looking for the title.
RUN_ON_LINE = 200
CHINESE_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
DATE_RX = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
# A date as a signature prints it, in digits or Chinese numerals: 2024年3月27日, 二〇二四年三月二十七日.
SIGNED_DATE = (
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
DATE_LINE_RX = re.compile(rf"^\s*{SIGNED_DATE}\s*$")


@dataclass(frozen=True)
class KindRule:
    kind: str
    slug: str
    title_words: tuple[str, ...]
    name_place_in_title: bool
    title_from_heading: bool


@dataclass(frozen=True)
class YearRule:
    scope: str
    why: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Rules:
    """The validated contents of registry_inference.yaml."""

    path: Path
    section_heading: re.Pattern[str]
    kinds: tuple[KindRule, ...]
    draft_words: tuple[str, ...]
    title_max_length: int
    not_title: tuple[re.Pattern[str], ...]
    continues_after: tuple[re.Pattern[str], ...]
    notice: tuple[re.Pattern[str], ...]
    strip: tuple[re.Pattern[str], ...]
    year: dict[str, tuple[YearRule, ...]]
    issued_groups: tuple[tuple[str, ...] | str, ...]
    signature_organs: tuple[str, ...]
    place_like: re.Pattern[str]

    @property
    def title_words(self) -> tuple[str, ...]:
        return tuple(word for rule in self.kinds for word in rule.title_words)

    @property
    def heading_title_words(self) -> tuple[str, ...]:
        """Title words a numbered heading may stand for the title with (一、2022年…执行情况)."""
        return tuple(word for rule in self.kinds if rule.title_from_heading for word in rule.title_words)


# ---------------------------------------------------------------------------------------------
# Loading the rules


def load_rules(path: str | Path | None = None) -> Rules:
    """The inference rules (``policycmp/data/registry_inference.yaml`` unless ``path`` is given),
    checked; re-read when the file's content changes."""
    return load(_read_rules, RULES_FILE, path)


def _read_rules(path: Path, data: Any) -> Rules:
    """The rules of a parsed file; a missing section, bad kind or bad pattern names file and entry."""
    if not isinstance(data, dict):
        raise PolicyInputError(path, "expected a mapping of rule sections")
    get = _Getter(path, data)
    return Rules(
        path=path,
        section_heading=get.pattern("section_heading"),
        kinds=tuple(_kind_rule(entry, path) for entry in get.items("kinds")),
        draft_words=tuple(get.words("draft_words")),
        title_max_length=get.number("title.max_length"),
        not_title=tuple(get.patterns("title.not_title_patterns")),
        continues_after=tuple(get.patterns("title.continues_after")),
        notice=tuple(get.patterns("title.notice_patterns", group="title")),
        strip=tuple(get.patterns("title.strip_patterns")),
        year={kind: _year_rules(get, kind) for kind in get("year")},
        issued_groups=tuple(g if g == "signature" else tuple(g) for g in get.items("issued.label_groups")),
        signature_organs=tuple(get.words("issued.signature_organs")),
        place_like=get.pattern("place_like_pattern", group=1),
    )


class _Getter:
    """Dotted look-ups into the rules file that fail with the file and the entry named."""

    def __init__(self, path: Path, data: dict[str, Any]):
        self.path, self.data = path, data

    def fail(self, where: str, message: str) -> PolicyInputError:
        return PolicyInputError(self.path, f"{where}: {message}")

    def __call__(self, dotted: str) -> Any:
        value: Any = self.data
        for part in dotted.split("."):
            if not isinstance(value, dict) or part not in value:
                raise self.fail(dotted, "missing")
            value = value[part]
        return value

    def number(self, dotted: str) -> int:
        value = self(dotted)
        if not isinstance(value, int) or value <= 0:
            raise self.fail(dotted, "must be a positive whole number")
        return value

    def items(self, dotted: str) -> list[Any]:
        value = self(dotted)
        if not isinstance(value, list) or not value:
            raise self.fail(dotted, "must be a non-empty list")
        return value

    def words(self, dotted: str) -> list[str]:
        value = self.items(dotted)
        if not all(isinstance(word, str) and word for word in value):
            raise self.fail(dotted, "must be a list of words")
        return value

    def pattern(self, dotted: str, value: Any = None, group: str | int | None = None) -> re.Pattern[str]:
        text = self(dotted) if value is None else value
        try:
            compiled = re.compile(str(text), flags=re.MULTILINE)
        except re.error as exc:
            raise self.fail(dotted, f"pattern {text!r} does not compile ({exc})") from None
        has_group = group in compiled.groupindex if isinstance(group, str) else compiled.groups >= (group or 0)
        if not has_group:
            raise self.fail(dotted, f"pattern {text!r} needs the group {group!r}")
        return compiled

    def patterns(self, dotted: str, group: str | int | None = None) -> list[re.Pattern[str]]:
        return [self.pattern(dotted, p, group) for p in self.words(dotted)]


def _kind_rule(entry: Any, path: Path) -> KindRule:
    if not isinstance(entry, dict) or entry.get("kind") not in KINDS:
        kind = entry.get("kind") if isinstance(entry, dict) else entry
        raise PolicyInputError(path, f"kinds: unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    if not entry.get("slug") or not entry.get("title_words"):
        raise PolicyInputError(path, f"kinds: {entry['kind']!r} needs a slug and title_words")
    return KindRule(
        entry["kind"],
        entry["slug"],
        tuple(entry["title_words"]),
        bool(entry.get("name_place_in_title")),
        bool(entry.get("title_from_heading")),
    )


def _year_rules(get: _Getter, kind: str) -> tuple[YearRule, ...]:
    """A kind's year rules; each pattern's first group is the year."""
    if kind not in KINDS:
        raise get.fail("year", f"unknown kind {kind!r}")
    rules = []
    for rule in get.items(f"year.{kind}"):
        if not isinstance(rule, dict) or rule.get("scope") not in YEAR_SCOPES:
            raise get.fail(f"year.{kind}", f"scope must be one of {', '.join(YEAR_SCOPES)}")
        patterns = [get.pattern(f"year.{kind}", p, group=1) for p in rule.get("patterns") or []]
        if not patterns:
            raise get.fail(f"year.{kind}", "a rule needs patterns")
        rules.append(YearRule(rule["scope"], str(rule.get("why", "")), tuple(patterns)))
    return tuple(rules)


# ---------------------------------------------------------------------------------------------
# The entry


@dataclass(frozen=True)
class InferredEntry:
    """A document's registry entry, and whether its year was stated (by the document or ``--year``)
    rather than taken from its issue date: an edition is ordered among its district's others by its
    year, which an issue date does not tell (a draft issued in December for the next year)."""

    entry: dict[str, Any]
    year_stated: bool


def infer_entry(text: str, file_name: str, **overrides: Any) -> dict[str, Any]:
    """The registry entry of one document (:func:`infer`)."""
    return infer(text, file_name, **overrides).entry


def infer(
    text: str,
    file_name: str,
    *,
    kind: str | None = None,
    district: str | None = None,
    year: int | None = None,
    issued: str | None = None,
    title: str | None = None,
    rules: Rules | None = None,
    gazetteer: Gazetteer | None = None,
) -> InferredEntry:
    """The registry entry of one document: id, kind, place keys, year, status, title, issued.

    `kind`, `district`, `year`, `issued` and `title` are the command-line overrides: when given they
    are used as they are and not inferred (so a file whose kind cannot be told can still be added).
    The id is ``<district>-<year>-<slug>``; :mod:`.register` adds the status when another edition
    of that year holds it already.
    """
    rules = rules or load_rules()
    gaz = gazetteer or load_gazetteer()
    # Places, title words, 征求意见稿 and date labels are all read in simplified characters, so a
    # traditional capture (溫州市, 實施方案, 征求意見稿, 發布日期) is told like any other; its raw
    # file keeps the characters as written, its registry title is the simplified reading.
    text = simplified(text)
    head = head_of(text, rules)
    title = title.strip() if title and title.strip() else find_title(head, rules)
    if title is None:
        raise PolicyInputError(
            file_name,
            "cannot find the document's title (no title line or cover notice); pass --title"
            + ("" if kind else f", or --kind {'|'.join(KINDS)} if the title would not say the kind either"),
        )
    kind_rule = _kind_rule_for(kind, title, rules, file_name)
    place = _place_for(text, title, district, file_name, rules, gaz)
    title = registry_title(title, kind_rule, place)
    issued_on = _given_date(issued, file_name) if issued else find_issued(text, rules)
    if issued_on is None:
        raise PolicyInputError(
            file_name,
            "cannot find when the document was issued (no 成文日期, 发布日期, dated signature or 日期: line); "
            "pass --issued YYYY-MM-DD",
        )
    stated = year or find_year(text, head, title, kind_rule.kind, rules)
    the_year = stated or int(issued_on[:4])
    entry = {
        "id": f"{place.key}-{the_year}-{kind_rule.slug}",
        "kind": kind_rule.kind,
        "district": place.key,
        "district_zh": place.zh,
        "city": place.city,
        "province": place.province,
        "year": the_year,
        "status": find_status(head, rules),
        "title": title,
        "issued": issued_on,
    }
    return InferredEntry(entry, year_stated=bool(stated))


def _place_for(
    text: str,
    title: str,
    district: str | None,
    file_name: str,
    rules: Rules,
    gaz: Gazetteer,
) -> Place:
    """The place given on the command line, else the one the document names as its own."""
    if district:
        # the option is what is wrong, not the gazetteer: named as the error's "file"
        return places.place_by_key(district, gazetteer=gaz, given_in="--district")
    place = places.find_place(text, title=title, gazetteer=gaz)
    if place is None:
        raise PolicyInputError(file_name, _no_place_message(text, rules, gaz))
    return place


def registry_title(title: str, kind_rule: KindRule, place: Place) -> str:
    """The title as registered: a work report's generic title gets its place's name in front."""
    if kind_rule.name_place_in_title and place.zh not in title and place.short not in title:
        return place.zh + title
    return title


def _kind_rule_for(kind: str | None, title: str | None, rules: Rules, file_name: str) -> KindRule:
    """The kind given on the command line, else the first kind whose title word the title holds."""
    if kind is not None:
        for rule in rules.kinds:
            if rule.kind == kind:
                return rule
        raise PolicyInputError(file_name, f"unknown kind {kind!r}; pass --kind {'|'.join(KINDS)}")
    for rule in rules.kinds:
        if title and any(word in title for word in rule.title_words):
            return rule
    what = f"its title {title!r}" if title else "its text (no title line or cover notice found)"
    raise PolicyInputError(
        file_name,
        f"cannot tell the kind of document from {what}; pass --kind {'|'.join(KINDS)}",
    )


def _no_place_message(text: str, rules: Rules, gaz: Gazetteer) -> str:
    """Say that no place was found, and which gazetteer entries are closest to a place-like name."""
    names = list(dict.fromkeys(m.group(1) for m in rules.place_like.finditer(CITED_RX.sub("", text))))
    if names:
        near = places.describe(places.closest(names[0], gazetteer=gaz))
        hint = f"it names {names[0]!r}; closest: {near}"
    else:
        hint = "it names no place at all"
    return f"names no Zhejiang city or county-level unit of the gazetteer ({hint}); pass --district KEY"


# ---------------------------------------------------------------------------------------------
# Head, title, status


def head_of(text: str, rules: Rules) -> str:
    """The text up to and including the first section heading: chrome, notice, title, preamble.

    The heading is kept up to its line's end, or a title's length in a capture that lost its line
    breaks; a text without a numbered heading (an outcome table) is all head.
    """
    match = rules.section_heading.search(text)
    if match is None:
        return text
    end = text.find("\n", match.end())
    end = len(text) if end < 0 else end
    return text[: min(end, match.end() + rules.title_max_length)]


def head_lines(head: str) -> list[str]:
    """Non-empty stripped lines; a run-on line (a capture that lost its breaks) split at spaces."""
    lines: list[str] = []
    for line in head.split("\n"):
        parts = line.split() if len(line) > RUN_ON_LINE else [line]
        lines.extend(part.strip(" \t•·") for part in parts if part.strip(" \t•·"))
    return lines


def find_title(head: str, rules: Rules) -> str | None:
    """The document's own title: a title line, else the cover notice's, else a titled heading."""
    lines = head_lines(head)
    for finder in (_own_title, _notice_title, _heading_title):
        found = finder(lines, rules)
        if found:
            return clean_title(found, rules)
    return None


def _is_title_line(line: str, rules: Rules) -> bool:
    return (
        len(line) <= rules.title_max_length
        and any(word in line for word in rules.title_words)
        and not any(p.search(line) for p in rules.not_title)
    )


def _own_title(lines: list[str], rules: Rules) -> str | None:
    """The first title line, joined to the lines a layout broke it from: the line before when the
    title line is only its last words (…高质量发展 / 若干政策), when the line before is unfinished
    (…高质量发展的 / 若干政策), or when the two joined are written again elsewhere in the head (the
    cover notice cites the title whole: 《…推动经济高质量发展若干政策…》 … 推动经济高质量 / 发展若干政策…);
    and the line after when the title's last word was cut (…若干政策实施 / 方案)."""
    whole = "".join(lines)
    for i, line in enumerate(lines):
        if not _is_title_line(line, rules):
            continue
        previous = lines[i - 1] if i else ""
        title = line
        if _unfinished_title(previous, rules) and not any(p.search(line) for p in rules.continues_after):
            title = previous + line
        elif _title_tail(line, rules) and _plain_title_line(previous, rules):
            title = previous + line
        elif _plain_title_line(previous, rules) and whole.count(previous + line) > 1:
            title = previous + line
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not _ends_with_title_word(title, rules) and following and len(following) <= SHORT_TITLE_PART:
            if _ends_with_title_word(title + following, rules):
                title += following
        return title
    return None


# A title line this short holds only the title's last words (若干政策, 实施方案): the rest of the
# title is on the line before.
SHORT_TITLE_PART = 8


def _title_tail(line: str, rules: Rules) -> bool:
    return len(line) <= SHORT_TITLE_PART and any(line.endswith(word) for word in rules.title_words)


def _plain_title_line(line: str, rules: Rules) -> bool:
    """A line that can be the first part of a title: short, no sentence, not a notice or a date."""
    return (
        bool(line)
        and len(line) <= rules.title_max_length
        and not re.search(r"[。;!?,:]", line)
        and not any(p.search(line) for p in rules.not_title)
    )


def _ends_with_title_word(title: str, rules: Rules) -> bool:
    bare = clean_title(title, rules)
    return any(bare.endswith(word) for word in rules.title_words)


def _unfinished_title(line: str, rules: Rules) -> bool:
    """A line that reads as the first half of a title (…高质量发展的, 关于…) and holds no title word."""
    return (
        bool(line)
        and len(line) <= rules.title_max_length
        and not any(word in line for word in rules.title_words)
        and not any(p.search(line) for p in rules.not_title)
        and any(p.search(line) for p in rules.continues_after)
    )


def _notice_title(lines: list[str], rules: Rules) -> str | None:
    """X of a cover notice 印发《X》的通知 or 关于征求《X》意见的公告."""
    for line in lines:
        for pattern in rules.notice:
            match = pattern.search(line)
            if match:
                return match.group("title")
    return None


def _heading_title(lines: list[str], rules: Rules) -> str | None:
    """A numbered heading holding a title word of a kind whose reports open that way, without its
    number (一、2022年…执行情况); a policy's section heading (一、…政策措施(由…牵头)) never is."""
    for line in lines:
        stripped = re.sub(r"^[一二三四五六七八九十]+、\s*", "", line)
        if stripped != line and any(word in stripped for word in rules.heading_title_words):
            return stripped
    return None


def clean_title(title: str, rules: Rules) -> str:
    """Drop 《》, the status and edition parentheses, and spaces a PDF put between characters."""
    title = title.replace("《", "").replace("》", "")
    for pattern in rules.strip:
        title = pattern.sub("", title)
    title = re.sub(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])", "", title)
    return title.strip()


def find_status(head: str, rules: Rules) -> str:
    """`draft` when the head calls the document a draft (征求意见稿), else `final`.

    A draft cited in 《》 (已形成《…工作方案(征求意见稿)》) is another document's status.
    """
    own = CITED_RX.sub("", head)
    return "draft" if any(word in own for word in rules.draft_words) else "final"


# ---------------------------------------------------------------------------------------------
# Year and issue date


def find_year(text: str, head: str, title: str, kind: str, rules: Rules) -> int | None:
    """The year the measures apply to, by the kind's rules in order; None leaves it to `issued`."""
    scopes = {
        "title": title,
        "head": CITED_RX.sub(_blank, head),
        "text": CITED_RX.sub(_blank, text),
    }
    for rule in rules.year.get(kind, ()):
        scope = scopes[rule.scope]
        matches = [m for p in rule.patterns for m in p.finditer(scope)]
        if matches:
            return int(min(matches, key=lambda m: m.start()).group(1))
    return None


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def find_issued(text: str, rules: Rules) -> str | None:
    """ISO issue date from the first cue group that has one (order and reasons: the rules file)."""
    for group in rules.issued_groups:
        found = _signature_date(text, rules) if isinstance(group, str) else _labelled_date(text, group)
        if found:
            return found
    return None


def _labelled_date(text: str, labels: tuple[str, ...]) -> str | None:
    """The earliest date written after one of `labels` (a whole word: not 日期 inside 截止日期)."""
    alternatives = "|".join(re.escape(label) for label in labels)
    pattern = re.compile(rf"(?<![\u4e00-\u9fff])(?:{alternatives})\s*[::|]?\s*\|?\s*{DATE_RX}")
    for match in pattern.finditer(text):
        found = _iso(*match.groups())
        if found:
            return found
    return None


def _signature_date(text: str, rules: Rules) -> str | None:
    """The date alone on the line right under the issuing body's name (…人民政府 / 2024年3月27日),
    or, in a capture that lost its line breaks, standing alone after it between spaces
    (… 瑞安市人民政府办公室 2025年4月16日 (此件公开发布))."""
    previous = ""
    inline = _inline_signature(rules)
    for line in (raw.strip() for raw in text.split("\n")):
        if not line:
            continue
        match = DATE_LINE_RX.match(line)
        if match and previous.endswith(rules.signature_organs):
            found = _iso(*(_number(match.group(g)) for g in ("y", "m", "d")))
            if found:
                return found
        if len(line) > RUN_ON_LINE:
            for match in inline.finditer(line):
                found = _iso(*(_number(match.group(g)) for g in ("y", "m", "d")))
                if found:
                    return found
        previous = line
    return None


def _inline_signature(rules: Rules) -> re.Pattern[str]:
    """An issuing body's name between spaces, then a date, then a space, a parenthesis or the end:
    a date that a sentence goes on from (…局 2025年4月16日前完成) is not a signature."""
    organs = "|".join(re.escape(organ) for organ in rules.signature_organs)
    return re.compile(rf"(?:^|\s)[\u4e00-\u9fff()()]{{2,40}}(?:{organs})\s+{SIGNED_DATE}(?=\s*$|\s*[((]|\s)")


def _number(text: str) -> str:
    """Digits as they are; 二〇二四 digit by digit; 十二 / 二十七 / 三十一 as numbers."""
    if text.isdigit():
        return text
    if len(text) == 4:
        return "".join(str(CHINESE_DIGITS[ch]) for ch in text)
    if "十" not in text:
        return str(CHINESE_DIGITS[text])
    tens, _, units = text.partition("十")
    value = (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
    return str(value)


def _given_date(value: str, file_name: str) -> str:
    """An issue date given on the command line, which must be an ISO date."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise PolicyInputError(file_name, f"issued date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
