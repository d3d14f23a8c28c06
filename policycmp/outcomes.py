"""The outcomes table: each row of an outcome report, its target against what was achieved, and the
policy clause that set the same target.

An outcome report (e.g. Zhenhai's 2024年政府工作报告年度完成情况) is a pipe-separated table
``编号 | 目标任务 | 完成情况 |``. For every row the quantities on both sides come from
:func:`policycmp.quantities.extract_mentions`; a target is paired with the actual figure whose key
words (the characters around the number) cover it, and judged only when the two can be compared
honestly. Everything else is ``unclear``: the status is never guessed. The rules and reference
words live in ``data/outcome_rules.yaml``; docs/outcomes_and_lookup.md explains them.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import PolicyInputError
from .quantities import QuantityMention
from .vocab import DATA_DIR, compile_pattern, load_resource

RULES_FILE = DATA_DIR / "outcome_rules.yaml"

# Contract columns first, then the project's own.
OUTCOME_DTYPES: dict[str, str] = {
    "doc_id": "string",
    "district": "string",
    "year": "int64",
    "row_no": "int64",
    "task": "string",
    "completion": "string",
    "indicator": "string",
    "target_value": "float64",
    "actual_value": "float64",
    "unit": "string",
    "status": "string",
    "policy_clause_id": "string",
    # project columns
    "target_span": "string",
    "actual_span": "string",
    "target_bound": "string",
    "line_no": "int64",
    "match_reason": "string",
    "indicator_zh": "string",
    "targets_stated": "int64",
    "targets_judged": "int64",
    "link_span": "string",
    "policy_span": "string",
    "link_reason": "string",
}
OUTCOME_COLUMNS = list(OUTCOME_DTYPES)
STATUSES = ("met", "not_met", "unclear")


# --- rules ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    header: re.Pattern[str]
    row_start: re.Pattern[str]
    delimiters: re.Pattern[str]
    list_delimiter: str
    generic: re.Pattern[str]
    min_own_key_chars: int
    pair_min_score: float
    pair_min_margin: float
    classifier_group: dict[str, int]
    not_achieved: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...]
    incompatible: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]
    tolerance: float
    lower_better: re.Pattern[str]
    higher_better: re.Pattern[str]
    target_kinds: frozenset[str]
    actual_kinds: frozenset[str]
    policy_kind: str
    link_min_score: float
    link_min_margin: float


@functools.lru_cache(maxsize=None)
def rules() -> Rules:
    spec = load_resource("outcome_rules.yaml")

    def rx(pattern: str, entry: str) -> re.Pattern[str]:
        return compile_pattern(pattern, RULES_FILE, entry)

    try:
        # Longest first, so 不低于 is removed before 低 could be, and 2024年度 before 年度.
        generic = sorted(spec["generic_words"], key=len, reverse=True)
        groups = {word: i for i, group in enumerate(spec["pairing"]["classifier_groups"]) for word in group}
        return Rules(
            header=rx(spec["table"]["header"], "table.header"),
            row_start=rx(spec["table"]["row_start"], "table.row_start"),
            delimiters=rx(spec["phrase_delimiters"], "phrase_delimiters"),
            list_delimiter=str(spec["list_delimiter"]),
            generic=rx("|".join(f"(?:{w})" for w in generic), "generic_words"),
            min_own_key_chars=int(spec["min_own_key_chars"]),
            pair_min_score=float(spec["pairing"]["min_score"]),
            pair_min_margin=float(spec["pairing"]["min_margin"]),
            classifier_group=groups,
            not_achieved=tuple((str(e["name"]), rx(e["pattern"], f"not_achieved_cues.{e['name']}"),
                                frozenset(e.get("skip_units") or ())) for e in spec["not_achieved_cues"]),
            incompatible=tuple((rx(e["target"], "incompatible_cues"), rx(e["actual"], "incompatible_cues"),
                                str(e["reason"])) for e in spec["incompatible_cues"]),
            tolerance=float(spec["status"]["approx_relative_tolerance"]),
            lower_better=rx(spec["status"]["lower_better"], "status.lower_better"),
            higher_better=rx(spec["status"]["higher_better"], "status.higher_better"),
            target_kinds=frozenset(spec["status"]["target_kinds"]),
            actual_kinds=frozenset(spec["status"]["actual_kinds"]),
            policy_kind=str(spec["linking"]["policy_kind"]),
            link_min_score=float(spec["linking"]["min_score"]),
            link_min_margin=float(spec["linking"]["min_margin"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyInputError(RULES_FILE, f"missing or malformed entry ({exc})") from None


# --- reading the report's table -------------------------------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    row_no: int
    task: str
    completion: str | None
    line_no: int  # where the row starts in the source (1-based)


def _cells(raw: str) -> list[str]:
    cells = [c.strip() for c in raw.split("|")]
    if cells and cells[-1] == "":  # the closing pipe
        cells.pop()
    return cells


def parse_report(text: str, path: str | Path = "<text>") -> list[ReportRow]:
    """The rows of an outcome report's ``编号 | 目标任务 | 完成情况 |`` table (pure: text in, rows out).

    A row may be wrapped over several lines: a line that does not start with ``N |`` continues the
    row above while that row still lacks its closing pipe. The table ends at the first other line.
    Raises :class:`PolicyInputError` naming the line when the header is missing, a row does not have
    exactly its three cells, or the rows are not numbered 1, 2, 3….
    """
    spec = rules()
    lines = text.split("\n")
    header = next((i for i, line in enumerate(lines) if spec.header.match(line)), None)
    if header is None:
        raise PolicyInputError(path, "no table header '编号 | 目标任务 | 完成情况 |' found; "
                                     "is this an outcome report?")
    pieces: list[tuple[int, str]] = []  # (line number, the row's text so far)
    for number, line in enumerate(lines[header + 1:], start=header + 2):
        if not line.strip():
            continue
        if spec.row_start.match(line):
            pieces.append((number, line.strip()))
        elif pieces and pieces[-1][1].count("|") < 3:
            # A wrapped row: the capture broke a cell over lines; the words run on without a space.
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + line.strip())
        elif "|" in line:
            raise PolicyInputError(path, f"table line does not start with a row number ('N |'): {line.strip()[:40]!r}",
                                   line=number)
        else:
            break  # text after the table (page footer)
    if not pieces:
        raise PolicyInputError(path, "the table has a header but no rows", line=header + 1)

    rows: list[ReportRow] = []
    for line_no, raw in pieces:
        cells = _cells(raw)
        if len(cells) != 3:
            raise PolicyInputError(path, f"row has {len(cells)} cells, expected 3 "
                                         f"(编号 | 目标任务 | 完成情况): {raw[:40]!r}", line=line_no)
        row_no = int(cells[0])
        expected = rows[-1].row_no + 1 if rows else 1
        if row_no != expected:
            raise PolicyInputError(path, f"row number {row_no} where {expected} was expected "
                                         "(a row lost, repeated or wrapped into the one above?)", line=line_no)
        if not cells[1]:
            raise PolicyInputError(path, f"row {row_no} has an empty 目标任务 cell", line=line_no)
        rows.append(ReportRow(row_no, cells[1], cells[2] or None, line_no))
    return rows


# --- key words of a quantity ----------------------------------------------------------------------

HAN_OR_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
QUOTES = re.compile(r"[“”‘’\"'《》〈〉「」『』]")
CLASSIFIER_TAIL = re.compile(r"[\d.]\s*(?:万|亿)?\s*(?P<word>[^\d\s.])(?P<next>[^\d\s.]?)")


@dataclass(frozen=True)
class Mention(QuantityMention):
    """One quantity (as ``extract_mentions`` reads it) with the words around it."""

    phrase: str  # the raw phrase holding the quantity
    sentence: str  # its sentence up to the quantity
    words: str  # the phrase's key words, numbers removed (the target's indicator_zh)
    keys: frozenset[str]  # key-word bigrams of the phrase alone
    wide_keys: frozenset[str]  # …plus the phrase before it when the phrase alone says too little
    classifier: str | None  # the measure word of a count: 家, 个, 套…

    @property
    def label(self) -> str:
        return self.words or self.span


def _phrase_bounds(text: str, start: int, end: int, mention_starts: list[int]) -> tuple[int, int]:
    spec = rules()
    left = max((m.end() for m in spec.delimiters.finditer(text, 0, start)), default=0)
    right_match = spec.delimiters.search(text, end)
    right = right_match.start() if right_match else len(text)
    # 、 splits a list only where the item before it carries its own number (新增数字化车间10个、
    # 智能工厂2个); otherwise one number covers the whole list (整治高耗低效、低散乱污企业200家以上).
    for cut in _positions(text, spec.list_delimiter, left, start)[::-1]:
        if any(left <= s < cut for s in mention_starts):
            left = cut + 1
            break
    for cut in _positions(text, spec.list_delimiter, end, right):
        if any(cut < s < right for s in mention_starts):
            right = cut
            break
    return left, right


def _positions(text: str, char: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i] == char]


def _key_chunks(phrase: str) -> list[str]:
    cleaned = rules().generic.sub(" ", QUOTES.sub("", phrase))
    return [c for c in HAN_OR_WORD.findall(cleaned) if not c.isdigit()]


def _bigrams(chunks: list[str]) -> frozenset[str]:
    grams: set[str] = set()
    for chunk in chunks:
        grams.update(chunk[i:i + 2] for i in range(len(chunk) - 1))
        if len(chunk) == 1:
            grams.add(chunk)
    return frozenset(grams)


def _classifier(span: str, unit: str) -> str | None:
    if unit != "count":
        return None
    groups = rules().classifier_group
    for m in CLASSIFIER_TAIL.finditer(span):
        two = m.group("word") + m.group("next")
        if two in groups:
            return two
        if m.group("word") in groups:
            return m.group("word")
    return None


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with every quantity replaced by a delimiter, so numbers never become key words."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = ["|"] * (e - s)
    return "".join(chars)


def with_phrases(text: str, found: list) -> list[Mention]:
    """Quantities of ``text`` (objects with span/start/end/value/… as from ``extract_mentions`` or
    rows of the quantities table) with their phrases and key words."""
    spec = rules()
    found = sorted(found, key=lambda q: (q.start, q.end))
    starts = [q.start for q in found]
    blanked = _blank(text, [(q.start, q.end) for q in found])
    out: list[Mention] = []
    for q in found:
        left, right = _phrase_bounds(text, q.start, q.end, starts)
        phrase = blanked[left:right]
        chunks = _key_chunks(phrase)
        keys = _bigrams(chunks)
        wide = keys
        if sum(len(c) for c in chunks) < spec.min_own_key_chars and left > 0:
            # 占比40.3% / 同比增长9%: the phrase names its subject one phrase earlier.
            if text[left - 1] not in "。;!?":  # never across sentences
                prev_left, _ = _phrase_bounds(text, left - 1, left - 1, [])
                wide = keys | _bigrams(_key_chunks(blanked[prev_left:left - 1]))
        value_high = None if q.value_high is None or _isnan(q.value_high) else float(q.value_high)
        sentence_start = max((text.rfind(c, 0, q.start) for c in "。;!?\n"), default=-1) + 1
        words = "".join(HAN_OR_WORD.findall(_strip_numbers(QUOTES.sub("", phrase))))
        level = getattr(q, "level", None)
        out.append(Mention(str(q.span), int(q.start), int(q.end), float(q.value), value_high, str(q.unit),
                           str(q.kind), str(q.bound), None if level is None or pd.isna(level) else str(level),
                           text[left:right].strip(), text[sentence_start:q.end],
                           words, keys, wide, _classifier(str(q.span), str(q.unit))))
    return out


def _strip_numbers(phrase: str) -> str:
    return re.sub(r"\|+|\d+(?:\.\d+)?", "", phrase)


def _isnan(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def mentions_of(text: str | None) -> list[Mention]:
    if not text:
        return []
    from .quantities import extract_mentions

    return with_phrases(text, extract_mentions(text))


def recall(target: frozenset[str], other: frozenset[str]) -> float:
    """Share of the target's key words found in the other phrase."""
    return len(target & other) / len(target) if target else 0.0


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _same_measure(a: Mention, b: Mention) -> bool:
    if a.unit != b.unit:
        return False
    if a.classifier and b.classifier:
        groups = rules().classifier_group
        return groups[a.classifier] == groups[b.classifier]
    return True


# --- pairing and judging --------------------------------------------------------------------------

@dataclass
class Judgement:
    target: Mention
    actual: Mention | None = None
    status: str = "unclear"
    reason: str = ""


def _fmt(value: float) -> str:
    value = round(value, 6)
    return f"{int(value):,}" if value == int(value) else f"{value:,.6g}"


def _pick(scored: list[tuple[float, Mention]], minimum: float, margin: float) -> tuple[Mention | None, str]:
    """The best-scoring mention if it reaches ``minimum`` and no other comes within ``margin`` of it
    (a runner-up below ``minimum`` still counts: 整治高耗低效企业70家 and 低散乱污企业160家 both
    answer 整治高耗低效、低散乱污企业200家, so neither alone does)."""
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1].start))
    if not ranked or ranked[0][0] < minimum:
        return None, ""
    best = ranked[0]
    rivals = [s for s in ranked[1:] if best[0] - s[0] < margin
              and not (_close(s[1].value, best[1].value) and s[1].bound == best[1].bound)]
    if rivals:
        return None, (f"ambiguous: {best[1].span} and {rivals[0][1].span} both answer it "
                      f"(key words {best[0]:.2f} / {rivals[0][0]:.2f})")
    return best[1], f"key words {best[0]:.2f}"


def pair_target(target: Mention, actuals: list[Mention]) -> Judgement:
    """The one actual figure that answers ``target``, judged; or why there is none."""
    spec = rules()
    keys = target.wide_keys
    label = target.label
    if not keys:
        return Judgement(target, reason=f"{target.span}: no key words to match")
    comparable = [a for a in actuals if _same_measure(target, a)]
    if not comparable:
        return Judgement(target, reason=f"{label} {target.span}: no actual figure in the same unit")
    # Prefer an actual whose own phrase names the target; borrow the phrase before only if none does.
    actual, why = _pick([(recall(keys, a.keys), a) for a in comparable], spec.pair_min_score, spec.pair_min_margin)
    if actual is None and not why:
        actual, why = _pick([(recall(keys, a.wide_keys), a) for a in comparable],
                            spec.pair_min_score, spec.pair_min_margin)
    if actual is None:
        return Judgement(target, reason=f"{label} {target.span}: " + (why or "no actual figure with its key words"))
    judgement = Judgement(target, actual)
    head = f"{label} {target.span} vs {actual.span}"
    for name, cue, skip_units in spec.not_achieved:
        hit = None if actual.unit in skip_units else cue.search(actual.phrase)
        if hit:
            article = "an" if name[0] in "aeiou" else "a"
            judgement.reason = f"{head}: actual is {article} {name} ({hit.group(0)}), not judged"
            return judgement
    for target_cue, actual_cue, reason in spec.incompatible:
        if target_cue.search(target.phrase) and actual_cue.search(actual.phrase):
            judgement.reason = f"{head}: {reason}"
            return judgement
    judgement.status, rule = judge(target, actual)
    judgement.reason = f"{head}: {rule} → {judgement.status} ({why})"
    return judgement


def direction(target: Mention) -> str | None:
    """'up' when more is better, 'down' when less is, None when the text does not say."""
    spec = rules()
    if target.bound == "max" or spec.lower_better.search(target.phrase):
        return "down"
    if target.bound == "min" or spec.higher_better.search(target.phrase):
        return "up"
    # A list under one verb: 新增国家级制造业单项冠军企业2家,国家级重点“小巨人”企业8家.
    if spec.higher_better.search(target.sentence) and not spec.lower_better.search(target.sentence):
        return "up"
    return None


def _actual_range(actual: Mention, tolerance: float) -> tuple[float, float]:
    low, high = actual.value, actual.value_high if actual.value_high is not None else actual.value
    if actual.bound == "min":  # 超1.7万次, 200余场: at least
        return low, math.inf
    if actual.bound == "max":  # 不到3%: at most
        return -math.inf, high
    if actual.bound == "approx":
        return low - tolerance * abs(low), high + tolerance * abs(high)
    return low, high


def judge(target: Mention, actual: Mention) -> tuple[str, str]:
    """met / not_met / unclear for a paired target and actual, and the rule applied.

    The actual is a range (an exact figure is a point; 余/超 open it upwards, 不到 downwards). A
    condition is met when the whole range satisfies it, not met when none of it does, unclear
    otherwise.
    """
    tol = rules().tolerance
    lo, hi = _actual_range(actual, tol)
    t, t_high = target.value, target.value_high
    way = direction(target)
    if target.bound == "approx":
        slack = tol * abs(t)
        floor, ceiling = t - slack, t + slack
        how = f" ({_fmt(t)} {'less' if way == 'up' else 'plus' if way == 'down' else '±'} {tol:.0%} for 左右)"
    else:
        floor, ceiling = t, t_high if t_high is not None else t
        how = ""
    if way == "up":
        return _at_least(lo, hi, floor), f"needs ≥ {_fmt(floor)}{how}, {_fmt_range(lo, hi)}"
    if way == "down":
        return _at_most(lo, hi, ceiling), f"needs ≤ {_fmt(ceiling)}{how}, {_fmt_range(lo, hi)}"
    inside = floor <= lo and hi <= ceiling
    return ("met" if inside else "unclear"), (f"direction unknown, needs {_fmt(floor)}–{_fmt(ceiling)}{how}, "
                                              f"{_fmt_range(lo, hi)}")


def _at_least(lo: float, hi: float, floor: float) -> str:
    return "met" if lo >= floor - 1e-9 else "not_met" if hi < floor - 1e-9 else "unclear"


def _at_most(lo: float, hi: float, ceiling: float) -> str:
    return "met" if hi <= ceiling + 1e-9 else "not_met" if lo > ceiling + 1e-9 else "unclear"


def _fmt_range(lo: float, hi: float) -> str:
    if lo == hi:
        return f"actual {_fmt(lo)}"
    if hi == math.inf:
        return f"actual ≥{_fmt(lo)}"
    if lo == -math.inf:
        return f"actual ≤{_fmt(hi)}"
    return f"actual {_fmt(lo)}–{_fmt(hi)}"


# --- linking to the policy ------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyQuantity:
    clause_id: str
    mention: Mention


def policy_quantities(clauses: pd.DataFrame, quantities: pd.DataFrame, doc_ids: list[str]) -> list[PolicyQuantity]:
    """Every quantity of the given policy documents, with its phrase in its clause."""
    text_of = dict(zip(clauses["clause_id"], clauses["text"]))
    wanted = quantities[quantities["doc_id"].isin(doc_ids)]
    out: list[PolicyQuantity] = []
    for clause_id, group in wanted.groupby("clause_id", sort=True):
        text = str(text_of[clause_id])
        out.extend(PolicyQuantity(str(clause_id), m) for m in with_phrases(text, list(group.itertuples(index=False))))
    return out


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def link_target(target: Mention, policy: list[PolicyQuantity]) -> tuple[PolicyQuantity | None, str]:
    """The policy quantity stating the same value and unit with the same key words, if exactly one."""
    spec = rules()
    scored = []
    for pq in policy:
        m = pq.mention
        if not (_same_measure(target, m) and _close(target.value, m.value) and _close(target.value_high, m.value_high)):
            continue
        if target.bound != m.bound and "exact" not in (target.bound, m.bound):
            continue
        scored.append((dice(target.wide_keys, m.wide_keys), pq))
    good = sorted((s for s in scored if s[0] >= spec.link_min_score), key=lambda s: (-s[0], s[1].clause_id))
    if not good:
        return None, ""
    (score, best), rival = good[0], good[1][1] if len(good) > 1 else None
    if rival is not None and score - good[1][0] < spec.link_min_margin and rival.clause_id != best.clause_id:
        return None, f"{target.span}: {best.clause_id} and {rival.clause_id} state it alike; not linked"
    return best, (f"{target.span} = {best.clause_id} {best.mention.span!r} "
                  f"(same value and unit, key words {score:.2f})")


# --- indicators -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _indicator_patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(key, unit, pattern) from the project's indicator vocabulary (``indicators.yaml``, owned by
    the comparison stage), so outcome rows and target rows name an indicator alike."""
    path = DATA_DIR / "indicators.yaml"
    if not path.is_file():  # the vocabulary is optional; without it every indicator is null
        return ()
    out = []
    for entry in load_resource("indicators.yaml").get("indicators") or []:
        for pattern in entry.get("patterns") or []:
            text = pattern["pattern"] if isinstance(pattern, dict) else pattern
            out.append((str(entry["key"]), str(entry["unit"]), compile_pattern(text, path, str(entry["key"]))))
    return tuple(out)


def indicator_of(phrase: str, unit: str) -> str | None:
    """The first indicator (in vocabulary order) whose unit and pattern fit the target's phrase."""
    for key, indicator_unit, rx in _indicator_patterns():
        if indicator_unit == unit and rx.search(phrase):
            return key
    return None


# --- the table ------------------------------------------------------------------------------------

def assess_row(row: ReportRow, policy: list[PolicyQuantity]) -> dict[str, object]:
    """The outcome columns of one report row (pure)."""
    spec = rules()
    targets = [m for m in mentions_of(row.task) if m.kind in spec.target_kinds]
    actuals = [m for m in mentions_of(row.completion) if m.kind in spec.actual_kinds]
    judgements = [pair_target(t, actuals) for t in targets]
    judged = [j for j in judgements if j.status in ("met", "not_met")]
    status = ("not_met" if any(j.status == "not_met" for j in judged)
              else "met" if judged else "unclear")
    # The row's headline: the deciding comparison, else a paired target, else the first target.
    headline = (next((j for j in judged if j.status == status), None)
                or next((j for j in judgements if j.actual is not None), None)
                or (judgements[0] if judgements else None))
    if not targets:
        reason = "no quantified target in 目标任务 (qualitative task)"
    else:
        reason = "; ".join(j.reason for j in judgements)

    # Link through the headline target first, then any other target of the row, in task order.
    link, link_reason, link_span = None, None, None
    order = ([headline] if headline else []) + [j for j in judgements if j is not headline]
    notes = []
    for j in order:
        found, why = link_target(j.target, policy)
        if found is not None:
            link, link_reason, link_span = found, why, j.target.span
            break
        if why:
            notes.append(why)
    if link is None and notes:
        link_reason = "; ".join(notes)

    target = headline.target if headline else None
    actual = headline.actual if headline else None
    phrase = target.phrase if target else None
    return {
        "row_no": row.row_no,
        "task": row.task,
        "completion": row.completion,
        "indicator": indicator_of(phrase, target.unit) if target else None,
        "target_value": target.value if target else None,
        "actual_value": actual.value if actual else None,
        "unit": target.unit if target else None,
        "status": status,
        "policy_clause_id": link.clause_id if link else None,
        "target_span": target.span if target else None,
        "actual_span": actual.span if actual else None,
        "target_bound": target.bound if target else None,
        "line_no": row.line_no,
        "match_reason": reason,
        "indicator_zh": target.label if target else None,
        "targets_stated": len(targets),
        "targets_judged": len(judged),
        "link_span": link_span,
        "policy_span": link.mention.span if link else None,
        "link_reason": link_reason,
    }


def outcomes_table(corpus, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per row of every outcome report in ``corpus``, linked to the policy of the same
    district and year (``tables`` holds ``clauses`` and ``quantities``)."""
    spec = rules()
    reports = [(doc, parse_report(corpus.texts[doc.id], doc.path)) for doc in corpus.of_kind("outcome_report")]
    records: list[dict[str, object]] = []
    for doc, rows in reports:
        policy_docs = [d.id for d in corpus.of_kind(spec.policy_kind)
                       if d.district == doc.district and d.year == doc.year]
        policy = policy_quantities(tables["clauses"], tables["quantities"], policy_docs) if policy_docs else []
        for row in rows:
            records.append({"doc_id": doc.id, "district": doc.district, "year": doc.year,
                            **assess_row(row, policy)})
    frame = pd.DataFrame(records, columns=OUTCOME_COLUMNS).astype(OUTCOME_DTYPES)
    return frame.sort_values(["doc_id", "row_no"], kind="stable").reset_index(drop=True)
