"""The comparison vocabularies: they load, and a bad one stops the build with a one-line error."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from policycmp.cli import main
from policycmp.errors import PolicyInputError
from policycmp.vocabulary import (
    load_budget_vocabulary,
    load_domains,
    load_edition_rules,
    load_indicators,
    load_instruments,
    load_policy_tools,
    load_tiers,
)
from policycmp.vocabulary.loader import PACKAGE_DATA as DATA_DIR

LOADERS = {
    "instruments.yaml": load_instruments,
    "indicators.yaml": load_indicators,
    "policy_tools.yaml": load_policy_tools,
    "budgets.yaml": load_budget_vocabulary,
}


def packaged(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def written(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def error_of(loader, path: Path) -> str:
    with pytest.raises(PolicyInputError) as caught:
        loader(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_packaged_vocabularies_load(name):
    assert LOADERS[name]() is LOADERS[name](DATA_DIR / name)  # cached by file


def test_packaged_vocabularies_cover_the_measures_that_recur():
    keys = set(load_instruments().keys())
    assert {
        "incubator_award",
        "makerspace_award",
        "hightech_enterprise_award",
        "rd_expense_subsidy",
        "key_technology_project_subsidy",
        "technology_transfer_support",
        "high_level_talent_support",
        "export_credit_insurance_premium",
        "export_growth_award",
        "software_enterprise_award",
        "culture_enterprise_award",
        "grain_subsidy_per_mu",
        "agri_tech_cooperation",
        "elevator_retrofit_grant",
    } <= keys
    indicators = {i.key for i in load_indicators().indicators}
    assert {"gdp_growth", "export_growth", "new_urban_jobs", "high_standard_farmland"} <= indicators
    tools = load_policy_tools().tools
    assert {(t.tool_type, t.sub_tool) for t in tools} >= {
        ("supply", "talent"),
        ("supply", "funding"),
        ("supply", "technology"),
        ("supply", "infrastructure"),
        ("supply", "public_services"),
        ("environment", "goals_planning"),
        ("environment", "finance"),
        ("environment", "tax"),
        ("environment", "regulation"),
        ("environment", "strategic_measures"),
        ("demand", "procurement"),
        ("demand", "outsourcing"),
        ("demand", "trade"),
        ("demand", "overseas"),
    }


# --- instruments.yaml ---------------------------------------------------------------------------


def test_instrument_with_an_unknown_domain(tmp_path):
    data = packaged("instruments.yaml")
    data["instruments"][0]["domain"] = "space"
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "entry 'incubator_award': unknown domain 'space'" in message


def test_instrument_restricted_to_an_unknown_domain(tmp_path):
    data = packaged("instruments.yaml")
    data["instruments"][0]["domains"] = ["innovation", "moon"]
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "entry 'incubator_award': unknown domain 'moon'" in message


def test_instrument_with_an_unknown_level(tmp_path):
    data = packaged("instruments.yaml")
    data["instruments"][1]["levels"] = ["national", "county"]
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "entry 'makerspace_award': unknown level 'county'" in message


def test_instrument_with_an_unknown_variant(tmp_path):
    data = packaged("instruments.yaml")
    data["instruments"][2]["variants"] = ["five_star", "six_star"]
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "entry 'incubator_performance_award': unknown variant 'six_star'" in message


def test_variant_with_an_unknown_level(tmp_path):
    data = packaged("instruments.yaml")
    data["variants"][0]["level"] = "galactic"
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "variant 'renewed': unknown level 'galactic'" in message


def test_duplicate_variant_key(tmp_path):
    data = packaged("instruments.yaml")
    data["variants"].append(dict(data["variants"][0]))
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "entry 'renewed': duplicate key" in message


@pytest.mark.parametrize(
    "field, value, says",
    [
        ("object_asides", ["^在[^,]{0,30}基础上", "(在"], "entry 'object_asides': pattern '(在' does not compile"),
        ("continuation_openers", "其中", "entry 'continuation_openers': expected a list of words"),
        ("generic_heads", ["企业", ""], "entry 'generic_heads': expected a list of words"),
        ("lead_fillers", [3], "entry 'lead_fillers': expected a list of words"),
    ],
)
def test_a_bad_reading_rule_of_instruments_yaml_names_the_file_and_entry(tmp_path, field, value, says):
    data = packaged("instruments.yaml")
    data[field] = value
    path = written(tmp_path, "instruments.yaml", data)
    message = error_of(load_instruments, path)
    assert says in message and str(path) in message and "\n" not in message


def test_variant_pattern_that_does_not_compile(tmp_path):
    data = packaged("instruments.yaml")
    data["variants"][0]["patterns"] = ["重新认定", "复审("]
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "variant renewed" in message and "does not compile" in message


@pytest.mark.parametrize(
    ("seen_in", "says"), [(None, "'seen_in' must list"), (["Deqing 2024"], "is not a district key")]
)
def test_every_instrument_says_where_it_was_seen(tmp_path, seen_in, says):
    data = packaged("instruments.yaml")
    if seen_in is None:
        del data["instruments"][3]["seen_in"]
    else:
        data["instruments"][3]["seen_in"] = seen_in
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert f"entry 'hightech_enterprise_award': {says}" in message.replace("seen_in 'Deqing 2024' ", "")


def test_packaged_instruments_say_where_they_were_seen():
    vocab = load_instruments()
    assert all(instrument.seen_in for instrument in vocab.instruments)
    # the contract's keys are kept
    assert {
        "incubator_award",
        "makerspace_award",
        "hightech_enterprise_award",
        "rd_expense_subsidy",
        "export_credit_insurance_premium",
    } <= set(vocab.keys())


def test_award_tier_without_its_amount_patterns(tmp_path):
    data = packaged("award_tiers.yaml")
    del data["tiers"][2]["amount_patterns"]
    message = error_of(load_tiers, written(tmp_path, "award_tiers.yaml", data))
    assert "entry 'municipal': 'amount_patterns' must be a list of regular expressions" in message


def test_duplicate_award_tier(tmp_path):
    data = packaged("award_tiers.yaml")
    data["tiers"].append(dict(data["tiers"][0]))
    message = error_of(load_tiers, written(tmp_path, "award_tiers.yaml", data))
    assert "entry 'national': duplicate key" in message


def test_domains_reading_order_must_name_every_domain(tmp_path):
    data = packaged("domains.yaml")
    data["reading_order"].remove("rural")
    message = error_of(load_domains, written(tmp_path, "domains.yaml", data))
    assert "'reading_order' must list every domain key once" in message


def test_duplicate_instrument_key(tmp_path):
    data = packaged("instruments.yaml")
    data["instruments"].append(dict(data["instruments"][0]))
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "entry 'incubator_award': duplicate key" in message


def test_instrument_pattern_that_does_not_compile(tmp_path):
    data = packaged("instruments.yaml")
    data["instruments"][0]["exclude"] = ["绩效", "(优秀"]
    message = error_of(load_instruments, written(tmp_path, "instruments.yaml", data))
    assert "entry 'incubator_award': pattern '(优秀' does not compile" in message


# --- indicators.yaml ----------------------------------------------------------------------------


def test_indicator_with_an_unknown_domain(tmp_path):
    data = packaged("indicators.yaml")
    data["indicators"][0]["domain"] = "economy"
    message = error_of(load_indicators, written(tmp_path, "indicators.yaml", data))
    assert "entry 'gdp_growth': unknown domain 'economy'" in message


def test_duplicate_indicator_key(tmp_path):
    data = packaged("indicators.yaml")
    data["indicators"].append(dict(data["indicators"][3], zh="重复"))
    key = data["indicators"][3]["key"]
    message = error_of(load_indicators, written(tmp_path, "indicators.yaml", data))
    assert f"entry '{key}': duplicate key" in message


def test_indicator_pattern_that_does_not_compile(tmp_path):
    data = packaged("indicators.yaml")
    entry = next(i for i in data["indicators"] if i["key"] == "fixed_asset_investment")
    entry["patterns"] = ["固定资产投资", {"pattern": "有效投资[", "variant": "effective_investment"}]
    message = error_of(load_indicators, written(tmp_path, "indicators.yaml", data))
    assert "entry 'fixed_asset_investment': pattern '有效投资[' does not compile" in message


# --- policy_tools.yaml --------------------------------------------------------------------------


def test_policy_tool_with_an_unknown_type(tmp_path):
    data = packaged("policy_tools.yaml")
    data["tools"][0]["tool_type"] = "pull"
    message = error_of(load_policy_tools, written(tmp_path, "policy_tools.yaml", data))
    assert "entry 'talent': unknown tool_type 'pull'" in message


def test_duplicate_sub_tool(tmp_path):
    data = packaged("policy_tools.yaml")
    data["tools"].append(dict(data["tools"][1]))
    message = error_of(load_policy_tools, written(tmp_path, "policy_tools.yaml", data))
    assert "entry 'funding': duplicate sub_tool" in message


def test_policy_tool_cue_that_does_not_compile(tmp_path):
    data = packaged("policy_tools.yaml")
    data["tools"][2]["cues"].append("研发)")
    message = error_of(load_policy_tools, written(tmp_path, "policy_tools.yaml", data))
    assert "entry 'technology': pattern '研发)' does not compile" in message


# --- budgets.yaml -------------------------------------------------------------------------------


def test_budget_cue_that_does_not_compile(tmp_path):
    data = packaged("budgets.yaml")
    data["exclude"].append("争取(")
    message = error_of(load_budget_vocabulary, written(tmp_path, "budgets.yaml", data))
    assert "entry 'exclude': pattern '争取(' does not compile" in message


# --- the build ----------------------------------------------------------------------------------


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    "name, damage, expected",
    [
        (
            "instruments.yaml",
            lambda d: d["instruments"][0].update(levels=["county"]),
            "entry 'incubator_award': unknown level 'county'",
        ),
        ("budgets.yaml", lambda d: d["cues"].append("预算["), "entry 'cues': pattern '预算[' does not compile"),
        (
            "domains.yaml",
            lambda d: d["domains"][0].pop("heading_patterns"),
            "entry 'innovation': 'heading_patterns' must be a list of regular expressions",
        ),
        (
            "award_tiers.yaml",
            lambda d: d["tiers"][1].update(amount_patterns=["省级", "(省"]),
            "entry 'provincial.amount_patterns': pattern '(省' does not compile",
        ),
        ("units.yaml", lambda d: d.pop("magnitudes"), "missing key 'magnitudes'"),
        (
            "units.yaml",
            lambda d: d.update(per_unit_nouns={"展位": "展位"}),
            "entry 'per_unit_nouns': expected each noun with a list of its wordings",
        ),
    ],
)
def test_a_bad_vocabulary_stops_the_build_and_writes_nothing(tmp_path, monkeypatch, capsys, name, damage, expected):
    out = tmp_path / "processed"
    assert main(["build", "--raw", "data/raw", "--out", str(out)]) == 0
    before = digest(out)
    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(DATA_DIR, vocabularies)
    data = packaged(name)
    damage(data)
    bad = written(vocabularies, name, data)
    monkeypatch.setenv("POLICYCMP_VOCABULARY_DIR", str(vocabularies))
    capsys.readouterr()
    assert main(["build", "--raw", "data/raw", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(bad) in err and expected in err, err
    assert digest(out) == before
    assert not [p for p in out.parent.iterdir() if "staging" in p.name]


# --- editions.yaml ------------------------------------------------------------------------------


def test_edition_rules_load_with_the_measured_threshold():
    rules = load_edition_rules()
    assert (rules.min_similarity, rules.same_domain_bonus) == (0.5, 0.02)
    assert rules.figure.sub("#", "最高150万元,增长6.5%") == "最高#万元,增长#%"


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("min_similarity", 1.5, "'pairing.min_similarity': 1.5 is not a number from 0.01 to 1.0"),
        ("min_similarity", "high", "'pairing.min_similarity': 'high' is not a number"),
        ("same_domain_bonus", None, "'pairing.same_domain_bonus': None is not a number"),
        ("figure_pattern", "(", "'pairing.figure_pattern': pattern '(' does not compile"),
    ],
)
def test_a_bad_edition_rule_is_one_line_naming_the_entry(tmp_path, key, value, expected):
    data = packaged("editions.yaml")
    data["pairing"][key] = value
    assert expected in error_of(load_edition_rules, written(tmp_path, "editions.yaml", data))


def test_an_edition_rule_missing_is_named(tmp_path):
    data = packaged("editions.yaml")
    del data["pairing"]["min_similarity"]
    assert "missing key 'pairing.min_similarity'" in error_of(
        load_edition_rules, written(tmp_path, "editions.yaml", data)
    )
