"""The report context a notebook starts with: validated parameters, title and one-line summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..markup.format import esc
from .layout import SIDE_BY_SIDE

Validator = Callable[[Any], Any]
# What a page shows, as data (table rows, summaries): a page is re-rendered when this changes.
Inputs = dict[str, Any]
RenderFor = Literal["domain", "district", "outcome_report", "city", "editions"]


@dataclass(frozen=True)
class ReportSpec:
    """A report: its notebook (``notebooks/NN_<name>.ipynb``), title, parameters and summary.

    ``render_for`` names what one page is rendered for (``"domain"``, ``"district"``,
    ``"outcome_report"``, ``"city"``, ``"editions"``: a district with two or more policy editions):
    ``policycmp report`` renders one page per such value in the corpus (see :mod:`policycmp.report.plan`);
    ``None`` is one page. ``editions`` says, for validated parameters, which edition of each district the
    page shows (a line of its header). ``parameters`` maps each
    papermill parameter to its validator; ``check`` validates them together when one depends on
    another. ``inputs`` gives, for validated parameters, everything the page shows as data (see
    :mod:`.inputs`); without it a page depends on every table.
    """

    name: str
    title: str
    parameters: dict[str, Validator]
    summary: Callable[[dict[str, Any]], tuple[str, str]]
    render_for: RenderFor | None = None
    check: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    inputs: Callable[[dict[str, Any]], Inputs] | None = None
    editions: Callable[[dict[str, Any]], str] | None = None


@dataclass
class Report:
    """What ``views.start`` returns: validated parameters, title and one-line summary.

    Displayed, it is the report's header; its output carries ``{"policycmp": {title, summary}}`` as
    metadata, from which ``policycmp report`` writes the index.
    """

    name: str
    params: dict[str, Any]
    title: str
    summary: str
    default_title: str
    warnings: list[str] = field(default_factory=list)
    editions: str = ""

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> tuple[dict[str, str], dict[str, Any]]:
        shown = ", ".join(f"{k} = {param_text(v)}" for k, v in self.params.items())
        notes = "".join(f'<div class="pc-notice">{esc(w)}</div>' for w in self.warnings)
        heading = f"<h2>{esc(self.title)}</h2>" if self.title != self.default_title else ""
        markup = (
            f'<header class="pc-header">{heading}'
            + (f'<p class="pc-params">Parameters: {esc(shown)}</p>' if shown else "")
            + f'<p class="pc-summary">{esc(self.summary)}</p>'
            + (f'<p class="pc-editions">{esc(self.editions)}</p>' if self.editions else "")
            + f"{notes}</header>"
        )
        plain = "\n".join(part for part in (self.title, self.summary, self.editions) if part)
        data = {"text/html": markup, "text/plain": plain}
        return data, {
            "policycmp": {
                "report": self.name,
                "title": self.title,
                "summary": self.summary,
                "params": {k: param_text(v) for k, v in self.params.items()},
            }
        }

    def __repr__(self) -> str:
        return f"{self.title}: {self.summary}"


def param_text(value: Any) -> str:
    """A parameter as the page shows it; a long list of districts by its length."""
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value)) if len(value) <= SIDE_BY_SIDE else f"{len(value)} districts"
    return str(value)
