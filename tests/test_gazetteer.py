"""The gazetteer agrees with a maintained division table (jionlp) and with pypinyin, row by row.

jionlp ships the Ministry of Civil Affairs' division table with the 2021 Hangzhou reorganisation and
龙港市; pypinyin gives the keys. Where either differs from the gazetteer on purpose, the difference
is listed below with its reason and asserted, so a stale exception fails rather than hides.
"""

from __future__ import annotations

import jionlp
import pytest
import yaml
from conftest import RAW
from pypinyin import lazy_pinyin

from policycmp.errors import PolicyInputError
from policycmp.ingest.places import closest, place_by_key
from policycmp.vocabulary.gazetteer import load_gazetteer
from policycmp.vocabulary.loader import path_of

GAZETTEER_PATH = path_of("gazetteer.yaml")

# Codes jionlp lists under Zhejiang that are not county-level administrative divisions.
REFERENCE_NOT_DIVISIONS = {
    # A functional-area code from the statistics bureau's table (统计用区划代码), not a GB/T 2260
    # division: the zone is run by 温州市 and has no people's government of its own.
    "330371": "温州经济技术开发区",
}
# Keys that are not pypinyin's lazy pinyin of the short name, and why.
KEY_OVERRIDES = {
    "liandu": "莲都: pypinyin reads 都 as dou (as in 都是); the place is Liandu",
}
LEVEL_OF_SUFFIX = {"区": "district", "市": "county_city", "县": "county"}


def jionlp_zhejiang() -> dict[str, tuple[str, str, str | None]]:
    """code -> (full name, short name, parent city code) for Zhejiang, from jionlp's table."""
    province = jionlp.china_location_loader()["浙江省"]
    rows = {province["_admin_code"]: (province["_full_name"], province["_alias"], None)}
    for city_name, city in province.items():
        if city_name.startswith("_"):
            continue
        rows[city["_admin_code"]] = (city_name, city["_alias"][0], None)
        for county_name, county in city.items():
            if not county_name.startswith("_"):
                rows[county["_admin_code"]] = (
                    county_name,
                    county["_alias"],
                    city["_admin_code"],
                )
    return rows


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def reference():
    return jionlp_zhejiang()


def test_counts_as_currently_constituted(gazetteer):
    levels = [p.level for p in gazetteer.places]
    assert levels.count("province") == 1
    assert levels.count("city") == 11
    county_level = [lv for lv in levels if lv in ("district", "county_city", "county")]
    assert len(county_level) == 90
    assert (
        levels.count("district"),
        levels.count("county_city"),
        levels.count("county"),
    ) == (37, 20, 33)


def test_every_row_agrees_with_the_reference(gazetteer, reference):
    by_key = {p.key: p for p in gazetteer.places}
    for place in gazetteer.places:
        assert place.code in reference, f"{place.zh} {place.code} is not in jionlp's table"
        zh, short, parent = reference[place.code]
        assert (place.zh, place.short) == (zh, short), place.key
        if place.level in ("district", "county_city", "county"):
            assert by_key[place.city].code == parent, place.key


def test_the_reference_has_nothing_more_than_the_documented_exceptions(gazetteer, reference):
    ours = {p.code for p in gazetteer.places}
    extra = {code: reference[code][0] for code in set(reference) - ours}
    assert extra == REFERENCE_NOT_DIVISIONS


def test_level_agrees_with_name_and_code(gazetteer):
    """GB/T 2260: the last two digits are 01-20 for 市辖区, 21-80 for 县, 81-99 for 县级市."""
    for place in gazetteer.places:
        if place.level not in LEVEL_OF_SUFFIX.values():
            continue
        assert LEVEL_OF_SUFFIX[place.zh[-1]] == place.level, place.zh
        tail = int(place.code[4:])
        expected = "district" if tail <= 20 else "county" if tail <= 80 else "county_city"
        assert place.level == expected, place.zh


def test_keys_are_pypinyin_of_the_short_name(gazetteer):
    raw = {row["key"]: row for row in yaml.safe_load(GAZETTEER_PATH.read_text(encoding="utf-8"))["places"]}
    for place in gazetteer.places:
        pinyin = "".join(lazy_pinyin(place.short))
        if place.key in KEY_OVERRIDES:
            assert pinyin != place.key, f"override for {place.key} no longer needed"
            assert raw[place.key].get("key_note"), f"{place.key} needs a key_note in the gazetteer"
        else:
            assert place.key == pinyin, place.zh


def test_registry_keys_come_out_exactly(gazetteer):
    documents = yaml.safe_load((RAW / "sources.yaml").read_text(encoding="utf-8"))["documents"]
    for doc in documents:
        place = gazetteer.get(doc["district"])
        assert place is not None and place.zh == doc["district_zh"], doc["id"]
        assert place.city == doc["city"] and place.province == doc["province"], doc["id"]
    for key in (
        "zhenhai",
        "linping",
        "qujiang",
        "ningbo",
        "hangzhou",
        "quzhou",
        "zhejiang",
    ):
        assert gazetteer.get(key) is not None


@pytest.mark.parametrize(
    ("zh", "code", "level", "city", "key"),
    [
        ("镇海区", "330211", "district", "ningbo", "zhenhai"),
        ("临平区", "330113", "district", "hangzhou", "linping"),
        ("钱塘区", "330114", "district", "hangzhou", "qiantang"),
        ("衢江区", "330803", "district", "quzhou", "qujiang"),
        ("龙港市", "330383", "county_city", "wenzhou", "longgang"),
        ("东阳市", "330783", "county_city", "jinhua", "dongyang"),
        ("景宁畲族自治县", "331127", "county", "lishui", "jingning"),
        ("宁波市", "330200", "city", "ningbo", "ningbo"),
    ],
)
def test_real_rows(gazetteer, zh, code, level, city, key):
    place = gazetteer.get(key)
    assert (place.zh, place.code, place.level, place.city, place.province) == (
        zh,
        code,
        level,
        city,
        "zhejiang",
    )


def test_2021_hangzhou_reorganisation():
    names = {p.zh for p in load_gazetteer().places if p.city == "hangzhou"}
    assert {
        "上城区",
        "拱墅区",
        "西湖区",
        "滨江区",
        "萧山区",
        "余杭区",
        "临平区",
        "钱塘区",
        "富阳区",
        "临安区",
    } <= names
    assert not names & {"江干区", "下城区"}


def test_unknown_key_names_the_closest():
    with pytest.raises(PolicyInputError) as error:
        place_by_key("linpin")
    assert "unknown district 'linpin'" in error.value.one_line()
    assert "linping (临平区)" in error.value.one_line()
    assert str(GAZETTEER_PATH) in error.value.one_line()
    assert closest("临平新区")[0].key == "linping"


GOOD = """\
places:
  - {key: zhejiang, zh: 浙江省, short: 浙江, code: '330000', level: province}
  - {key: ningbo, zh: 宁波市, short: 宁波, code: '330200', level: city}
  - {key: zhenhai, zh: 镇海区, short: 镇海, code: '330211', level: district, city: ningbo}
"""


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (("key: zhenhai, ", ""), "lacks key"),
        (("key: zhenhai", "key: ningbo"), "duplicate key 'ningbo'"),
        (("code: '330211'", "code: '330200'"), "duplicate code '330200'"),
        (("city: ningbo}", "city: ningbu}"), "unknown parent city 'ningbu'"),
        (("level: district", "level: borough"), "unknown level 'borough'"),
        (("code: '330211'", "code: '330311'"), "does not lie under ningbo"),
        (("code: '330211'", "code: 330211x"), "6-digit"),
        (
            ("places:", "not_place_names: [镇海]\nplaces:"),
            "'镇海' is the name of a place",
        ),
    ],
)
def test_malformed_gazetteer_names_file_and_entry(tmp_path, damage, message):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(GOOD.replace(*damage), encoding="utf-8")
    with pytest.raises(PolicyInputError) as error:
        load_gazetteer(path)
    line = error.value.one_line()
    assert line.startswith(f"{path}:"), line
    assert message in line


def test_a_small_valid_gazetteer_loads(tmp_path):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_gazetteer(path).get("zhenhai").city == "ningbo"
