"""The vocabulary layer: every reference file of ``policycmp/data/``, read, checked and typed once.

Each ``load_*`` function returns the typed vocabulary built from the file's current content (see
:mod:`.loader`); stages and reports import them from here and never read the YAML themselves.
"""

from __future__ import annotations

from .budgets import BudgetVocabulary, load_budget_vocabulary
from .domains import Domain, DomainKeywords, DomainVocabulary, domain_keys, load_domain_keywords, load_domains
from .editions import EditionRules, load_edition_rules
from .indicators import Indicator, IndicatorVocabulary, load_indicators
from .instruments import Instrument, InstrumentVocabulary, load_instruments
from .layout import Layout, load_layout
from .loader import compile_pattern, data_dir, load, parse_yaml, read_yaml
from .outcome_rules import OutcomeRules, SimilaritySettings, load_outcome_rules, load_similarity_settings
from .policy_tools import TOOL_TYPES, Tool, ToolVocabulary, load_policy_tools
from .tiers import Tier, TierVocabulary, load_tiers, tier_keys

__all__ = [
    "TOOL_TYPES",
    "BudgetVocabulary",
    "Domain",
    "EditionRules",
    "DomainKeywords",
    "DomainVocabulary",
    "Indicator",
    "IndicatorVocabulary",
    "Instrument",
    "InstrumentVocabulary",
    "Layout",
    "OutcomeRules",
    "SimilaritySettings",
    "Tier",
    "TierVocabulary",
    "Tool",
    "ToolVocabulary",
    "compile_pattern",
    "data_dir",
    "domain_keys",
    "load",
    "load_budget_vocabulary",
    "load_domain_keywords",
    "load_domains",
    "load_edition_rules",
    "load_indicators",
    "load_instruments",
    "load_layout",
    "load_outcome_rules",
    "load_policy_tools",
    "load_similarity_settings",
    "load_tiers",
    "parse_yaml",
    "read_yaml",
    "tier_keys",
]
