"""Rules for reading outcome reports and linking them to policies, and the similarity settings
(``outcome_rules.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyInputError
from .loader import compile_pattern, load

FILE = "outcome_rules.yaml"


@dataclass(frozen=True)
class OutcomeRules:
    path: Path
    header: re.Pattern[str]
    row_start: re.Pattern[str]
    delimiters: re.Pattern[str]
    list_delimiter: str
    generic: re.Pattern[str]
    min_own_key_chars: int
    pair_min_score: float
    pair_min_margin: float
    head_min_chars: int  # a head shorter than this is not matched on its own (企业)
    head_min_bigrams: int
    classifier_group: dict[str, int]
    # (name, cue, units it does not apply to, a result word after the cue that overrides it)
    not_achieved: tuple[tuple[str, re.Pattern[str], frozenset[str], re.Pattern[str] | None], ...]
    incompatible: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]
    tolerance: float
    lower_better: re.Pattern[str]
    higher_better: re.Pattern[str]
    target_kinds: frozenset[str]
    actual_kinds: frozenset[str]
    policy_kind: str
    link_min_score: float
    link_min_margin: float
    indicator_columns: dict[str, re.Pattern[str]]  # number, name, unit, target, actual, absolute, growth…
    no_data: re.Pattern[str]
    growth_target: re.Pattern[str]
    sub_row: re.Pattern[str]
    bare_figure: re.Pattern[str]
    verdicts: tuple[tuple[str, re.Pattern[str]], ...]  # (status, the verdicts that give it)
    task_columns: dict[str, re.Pattern[str]]  # number, planned, progress, verdict, completion, task
    cutoff: re.Pattern[str]  # a progress report's cut-off before the year's end (截至10月31日, 一季度)
    progress_done: float  # the share done (%) at which a task is complete
    verdict_words: dict[str, re.Pattern[str]]  # status → a verdict written in a sentence (顺利完成全年工作目标)
    levels_in_words: re.Pattern[str]  # a level stated in words (保持“双百”), its group ``level``
    level_hedges: re.Pattern[str]  # words before a level that say it is only nearly reached (基本)
    default_direction: str
    narrative_start: re.Pattern[str]
    narrative_end: re.Pattern[str]
    narrative_title: re.Pattern[str]  # without a numbered section, the title line the review follows
    prose_target_after: re.Pattern[str]  # after a figure: it is the target its sentence states (的年度目标任务)
    prose_rate_before: re.Pattern[str]  # before a share: it is the share of the task done (整体完成率)
    prose_excess_before: re.Pattern[str]  # before a share: by how much the task was exceeded (超任务数的)
    set_size_after: re.Pattern[str]  # after a count's head: the count sizes the set a target covers (均)

    def verdict_of(self, cell: str) -> str | None:
        """The status a table's verdict cell gives (超额完成 → met), or None when it is no verdict."""
        cell = cell.strip()
        return next((status for status, rx in self.verdicts if rx.match(cell)), None)


@dataclass(frozen=True)
class SimilaritySettings:
    strip: tuple[re.Pattern[str], ...]
    ngram_range: tuple[int, int]
    domain_boost: float
    sublinear_tf: bool
    # with the comparison table at hand: the share of the clause's instruments another clause also
    # states, times instrument_boost; the cosine of the two clauses' objects, times object_weight
    instrument_boost: float
    object_weight: float


def _rules(path: Path, spec: Any) -> OutcomeRules:
    def rx(pattern: str, entry: str) -> re.Pattern[str]:
        return compile_pattern(pattern, path, entry)

    try:
        # Longest first, so 不低于 is removed before 低 could be, and 2024年度 before 年度.
        generic = sorted(spec["generic_words"], key=len, reverse=True)
        groups = {word: i for i, group in enumerate(spec["pairing"]["classifier_groups"]) for word in group}
        return OutcomeRules(
            path=path,
            header=rx(spec["table"]["header"], "table.header"),
            row_start=rx(spec["table"]["row_start"], "table.row_start"),
            delimiters=rx(spec["phrase_delimiters"], "phrase_delimiters"),
            list_delimiter=str(spec["list_delimiter"]),
            generic=rx("|".join(f"(?:{w})" for w in generic), "generic_words"),
            min_own_key_chars=int(spec["min_own_key_chars"]),
            pair_min_score=float(spec["pairing"]["min_score"]),
            pair_min_margin=float(spec["pairing"]["min_margin"]),
            head_min_chars=int(spec["pairing"]["head_min_chars"]),
            head_min_bigrams=int(spec["pairing"]["head_min_chars"]) - 1,
            classifier_group=groups,
            not_achieved=tuple(
                (
                    str(e["name"]),
                    rx(e["pattern"], f"not_achieved_cues.{e['name']}"),
                    frozenset(e.get("skip_units") or ()),
                    _unless(e, rx),
                )
                for e in spec["not_achieved_cues"]
            ),
            incompatible=tuple(
                (rx(e["target"], "incompatible_cues"), rx(e["actual"], "incompatible_cues"), str(e["reason"]))
                for e in spec["incompatible_cues"]
            ),
            tolerance=float(spec["status"]["approx_relative_tolerance"]),
            lower_better=rx(spec["status"]["lower_better"], "status.lower_better"),
            higher_better=rx(spec["status"]["higher_better"], "status.higher_better"),
            target_kinds=frozenset(spec["status"]["target_kinds"]),
            actual_kinds=frozenset(spec["status"]["actual_kinds"]),
            policy_kind=str(spec["linking"]["policy_kind"]),
            link_min_score=float(spec["linking"]["min_score"]),
            link_min_margin=float(spec["linking"]["min_margin"]),
            indicator_columns={
                key: rx(spec["indicator_table"][key], f"indicator_table.{key}")
                for key in (
                    "number",
                    "name",
                    "unit",
                    "target",
                    "actual",
                    "absolute",
                    "growth",
                    "verdict",
                    "target_growth",
                    "estimate",
                )
            },
            no_data=rx(spec["indicator_table"]["no_data"], "indicator_table.no_data"),
            growth_target=rx(spec["indicator_table"]["growth_target"], "indicator_table.growth_target"),
            sub_row=_sub_row(rx(spec["indicator_table"]["sub_row"], "indicator_table.sub_row"), path),
            bare_figure=rx(spec["indicator_table"]["bare_figure"], "indicator_table.bare_figure"),
            verdicts=tuple(
                (status, rx(spec["indicator_table"]["verdicts"][status], f"indicator_table.verdicts.{status}"))
                for status in ("met", "not_met", "unclear")
            ),
            task_columns={
                key: rx(spec["task_table"]["columns"][key], f"task_table.columns.{key}")
                for key in ("number", "planned", "progress", "verdict", "completion", "task")
            },
            cutoff=rx(spec["task_table"]["cutoff"], "task_table.cutoff"),
            progress_done=float(spec["task_table"]["progress_done"]),
            verdict_words={
                status: rx(spec["verdict_words"][status], f"verdict_words.{status}")
                for status in ("met", "not_met", "unclear")
            },
            levels_in_words=_level(rx(spec["levels_in_words"]["pattern"], "levels_in_words.pattern"), path),
            level_hedges=rx(spec["levels_in_words"]["hedges"], "levels_in_words.hedges"),
            default_direction=_direction(spec["indicator_table"]["default_direction"], path),
            narrative_start=rx(spec["narrative"]["section_start"], "narrative.section_start"),
            narrative_end=rx(spec["narrative"]["section_end"], "narrative.section_end"),
            narrative_title=rx(spec["narrative"]["title_start"], "narrative.title_start"),
            prose_target_after=rx(spec["narrative"]["target_after"], "narrative.target_after"),
            prose_rate_before=rx(spec["narrative"]["rate_before"], "narrative.rate_before"),
            prose_excess_before=rx(spec["narrative"]["excess_before"], "narrative.excess_before"),
            set_size_after=rx(spec["pairing"]["set_size_after"], "pairing.set_size_after"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PolicyInputError(path, f"missing or malformed entry ({exc})") from None


def _sub_row(pattern: re.Pattern[str], path: Path) -> re.Pattern[str]:
    if "part" not in pattern.groupindex:
        raise PolicyInputError(path, "indicator_table.sub_row needs a group (?P<part>…) naming the part")
    return pattern


def _unless(entry: Any, rx: Any) -> re.Pattern[str] | None:
    """The result word that, after a not-achieved cue, makes the figure achieved (申报…认定)."""
    pattern = entry.get("unless_followed_by")
    return None if pattern is None else rx(pattern, f"not_achieved_cues.{entry['name']}.unless_followed_by")


def _level(pattern: re.Pattern[str], path: Path) -> re.Pattern[str]:
    if "level" not in pattern.groupindex:
        raise PolicyInputError(path, "levels_in_words.pattern needs a group (?P<level>…) naming the level")
    return pattern


def _direction(value: Any, path: Path) -> str:
    if value not in ("up", "down", "none"):
        raise PolicyInputError(path, f"indicator_table.default_direction {value!r} is not one of up, down, none")
    return str(value)


def _similarity(path: Path, spec: Any) -> SimilaritySettings:
    try:
        settings = spec["similarity"]
        low, high = settings["ngram_range"]
        return SimilaritySettings(
            strip=tuple(compile_pattern(p, path, "similarity.strip_patterns") for p in settings["strip_patterns"]),
            ngram_range=(int(low), int(high)),
            domain_boost=float(settings["same_domain_boost"]),
            sublinear_tf=bool(settings["sublinear_tf"]),
            instrument_boost=float(settings["same_instrument_boost"]),
            object_weight=float(settings["object_weight"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PolicyInputError(path, f"missing or malformed entry in 'similarity' ({exc})") from None


def load_outcome_rules(path: str | Path | None = None) -> OutcomeRules:
    return load(_rules, FILE, path)


def load_similarity_settings(path: str | Path | None = None) -> SimilaritySettings:
    return load(_similarity, FILE, path)
