"""`policycmp add` infers each seed's registry entry exactly as sources.yaml has it, and refuses
what it cannot tell with a one-line error that names the file and the way out."""

from __future__ import annotations

import pytest
import yaml
from conftest import RAW

from policycmp.errors import PolicyInputError
from policycmp.ingest.entry import (
    find_issued,
    find_title,
    head_of,
    infer_entry,
    load_rules,
)
from policycmp.ingest.places import find_place
from policycmp.ingest.readers import read_document
from policycmp.vocabulary.gazetteer import load_gazetteer
from policycmp.vocabulary.loader import path_of

GAZETTEER_PATH = path_of("gazetteer.yaml")
RULES_PATH = path_of("registry_inference.yaml")

KEYS = (
    "id",
    "kind",
    "district",
    "district_zh",
    "city",
    "province",
    "year",
    "status",
    "title",
    "issued",
)
REGISTRY = yaml.safe_load((RAW / "sources.yaml").read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("registered", REGISTRY, ids=[doc["id"] for doc in REGISTRY])
def test_seed_entries_are_inferred_as_registered(registered):
    inferred = infer_entry(read_document(RAW / registered["file"]), registered["file"])
    expected = {key: registered[key] for key in KEYS}
    expected["issued"] = str(expected["issued"])  # YAML reads 2024-02-07 as a date
    assert inferred == expected


POLICY = """\
{issuer}人民政府印发{title}的通知
各镇人民政府、街道办事处:
现将《{title}》印发给你们,请认真组织实施。
{issuer}人民政府
2024年3月27日
{title}
为深入贯彻落实中央和省委、市委经济工作会议精神,现制定以下政策。
一、扩大有效投资政策(由区发改局牵头实施)
1.加大财政支持力度。区财政2024年预算安排12亿元。
"""


def policy(issuer: str = "杭州市临平区", title: str = "关于推动经济高质量发展的若干政策") -> str:
    return POLICY.format(issuer=issuer, title=title)


def test_a_synthetic_policy():
    entry = infer_entry(policy(), "x.txt")
    assert entry == {
        "id": "linping-2024-policy",
        "kind": "policy",
        "district": "linping",
        "district_zh": "临平区",
        "city": "hangzhou",
        "province": "zhejiang",
        "year": 2024,
        "status": "final",
        "title": "关于推动经济高质量发展的若干政策",
        "issued": "2024-03-27",
    }


def test_unknown_kind_says_which_flag_settles_it():
    text = policy(title="关于加强安全生产工作的决定")
    with pytest.raises(PolicyInputError) as error:
        infer_entry(text, "decision.txt")
    line = error.value.one_line()
    assert line.startswith("decision.txt: cannot tell the kind of document")
    assert "--kind policy|outcome_report|city_work_report" in line
    # the flag settles it
    assert infer_entry(text, "decision.txt", kind="policy")["id"] == "linping-2024-policy"


def test_a_place_outside_the_gazetteer_names_the_closest_entries():
    text = policy(issuer="苏州市昆山市").replace("区发改局", "市发改局").replace("区财政", "市财政")
    with pytest.raises(PolicyInputError) as error:
        infer_entry(text, "kunshan.txt")
    line = error.value.one_line()
    assert line.startswith("kunshan.txt: names no Zhejiang city or county-level unit")
    assert "'昆山市'; closest: jiangshan (江山市)" in line and "--district KEY" in line
    assert infer_entry(text, "kunshan.txt", district="jiangshan")["district_zh"] == "江山市"


def test_an_unknown_district_flag_names_the_closest_keys():
    with pytest.raises(PolicyInputError) as error:
        infer_entry(policy(), "x.txt", district="linpin")
    assert "unknown district 'linpin' (closest: linping (临平区)" in error.value.one_line()


def test_a_malformed_gazetteer_names_file_and_entry(tmp_path):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(
        "places:\n"
        "  - {key: zhejiang, zh: 浙江省, short: 浙江, code: '330000', level: province}\n"
        "  - {key: hangzhou, zh: 杭州市, short: 杭州, code: '330100', level: city}\n"
        "  - {key: linping, zh: 临平区, short: 临平, code: '330113', level: district, city: hangzou}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyInputError) as error:
        infer_entry(policy(), "x.txt", gazetteer=load_gazetteer(path))
    assert error.value.one_line() == f"{path}:4: place 'linping': unknown parent city 'hangzou'"


@pytest.mark.parametrize(
    ("edition", "year"),
    [("\n(2025年)", 2025), ("(2025年)", 2025), ("\n(2025年版)", 2025), ("", 2024)],
)
def test_an_edition_gives_the_year_even_when_signed_the_year_before(edition, year):
    text = (
        f"温州市推动经济高质量发展若干政策{edition}\n为全面落实中央经济工作会议精神,制定以下政策。\n"
        "一、推进教育科技人才一体发展\n1.支持企业研发,给予最高100万元奖励。\n温州市人民政府\n2024年12月30日"
    )
    entry = infer_entry(text, "x.txt")
    assert (entry["year"], entry["title"], entry["issued"]) == (year, "温州市推动经济高质量发展若干政策", "2024-12-30")


def test_no_issue_date_is_an_error_not_a_guess():
    text = "\n".join(line for line in policy().splitlines() if "2024年3月27日" not in line)
    with pytest.raises(PolicyInputError, match="cannot find when the document was issued"):
        infer_entry(text, "undated.txt")
    assert infer_entry(text, "undated.txt", issued="2024-04-01")["year"] == 2024
    with pytest.raises(PolicyInputError, match="not an ISO date"):
        infer_entry(text, "undated.txt", issued="2024年4月1日")


# --- the general rules, each on the shape that needs it ---------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # a notice without a title line of its own
        (
            "衢州市衢江区人民政府印发衢江区关于推动经济高质量发展若干政策实施方案的通知\n为…\n一、扩大有效投资",
            "衢江区关于推动经济高质量发展若干政策实施方案",
        ),
        # a call for comments on a draft
        (
            "关于征求《某区若干政策(征求意见稿)》意见的公告\n一、扩大有效投资",
            "某区若干政策",
        ),
        # a title broken over two lines, below its notice
        (
            "东阳市人民政府印发东阳市关于推动经济高质量发展若干政策的通知\n东阳市关于推动经济高质量发展的\n若干政策\n(2025年版)\n一、强化科技创新",
            "东阳市关于推动经济高质量发展的若干政策",
        ),
        # a title broken inside its words
        (
            "杭州市临平区关于推动经济高质量\n发展的若干政策\n为深入贯彻…\n一、扩大有效投资",
            "杭州市临平区关于推动经济高质量发展的若干政策",
        ),
        # a title line is not glued to a signature above it
        (
            "杭州市临平区人民政府\n2024年3月27日\n关于推动经济高质量发展的若干政策\n一、扩大有效投资",
            "关于推动经济高质量发展的若干政策",
        ),
        # a capture that lost its line breaks
        (
            "东阳市关于推动经济高质量发展若干政策来源:某网 时间:2025-05-09 "
            "东阳市关于推动经济高质量发展若干政策 (2025 年版) "
            + "为全面落实上级有关经济工作会议决策部署,制定以下政策。" * 5
            + " 一、强化科技创新",
            "东阳市关于推动经济高质量发展若干政策",
        ),
        # a one-line capture whose title a space cut in two, confirmed by the notice citing it whole
        (
            "关于印发瑞安市推动经济高质量发展若干政策工作方案 | |\n"
            "各单位: 《瑞安市推动经济高质量发展若干政策工作方案》已经市政府同意。"
            + "现印发给你们。" * 30
            + " 瑞安市推动经济高质量 发展若干政策工作方案 为全面承接落实,特制定如下工作方案。"
            + " 一、推进教育科技人才一体发展",
            "瑞安市推动经济高质量发展若干政策工作方案",
        ),
        # ... and a space before a title that no other line repeats is a break between blocks
        (
            "首页 政策文件 " + "浏览次数 " * 50 + "关于推动经济高质量发展的若干政策 为全面落实… 一、扩大有效投资",
            "关于推动经济高质量发展的若干政策",
        ),
        # an edition written (2025年) below the title or closing it is not part of the title
        ("温州市推动经济高质量发展若干政策\n(2025年)\n一、推进科技创新", "温州市推动经济高质量发展若干政策"),
        ("温州市推动经济高质量发展若干政策(2025年)\n一、推进科技创新", "温州市推动经济高质量发展若干政策"),
        # ... but a year that opens the title is its words
        ("2025年温州市推动经济高质量发展若干政策\n一、推进科技创新", "2025年温州市推动经济高质量发展若干政策"),
        # no title but a numbered heading that is one
        (
            "一、2022年温州市国民经济和社会发展计划执行情况\n2022年,面对…",
            "2022年温州市国民经济和社会发展计划执行情况",
        ),
    ],
)
def test_title_rules(text, title):
    rules = load_rules()
    assert find_title(head_of(text, rules), rules) == title


@pytest.mark.parametrize(
    ("text", "issued"),
    [
        (
            "发布日期:2025-04-08 17:25\n成文日期:\n\n    2025-03-31\n",
            "2025-03-31",
        ),  # 成文日期 wins
        (
            "日期:2024-01-01\n公开日期: 2023-04-03\n",
            "2023-04-03",
        ),  # the publication date beats the page's date
        (
            "杭州市临平区人民政府\n\n二〇二四年三月二十七日\n",
            "2024-03-27",
        ),  # signature, Chinese numerals
        (
            "截止日期:2024-02-23\n日期:2024-02-07\n",
            "2024-02-07",
        ),  # 日期 in 截止日期 is not the label
        ("发表于 2023-2-10 23:45:45\n", "2023-02-10"),
        ("2024年3月27日\n", None),  # a date line under no issuing body
        (
            "发布日期:2025-07-15 16:38:09\n温州湾新区(高新区、经开区)党政办公室\n2025年3月4日\n",
            "2025-03-04",
        ),  # signed on 3月4日, posted on 7月15日: the signature wins over the site's date
        (
            "正文。" * 80 + " 瑞安市人民政府办公室 2025年4月16日 (此件公开发布) 瑞安市承接落实…工作方案",
            "2025-04-16",
        ),  # a signature inside a capture that lost its line breaks
        ("各单位要抓好落实。" * 40 + " 由区发改局 2025年4月16日前完成 ", None),  # a deadline, not a signature
    ],
)
def test_issued_cues(text, issued):
    assert find_issued(text, load_rules()) == issued


def test_a_policy_section_heading_is_never_its_title():
    text = "成文日期:2024-03-01\n各镇人民政府:\n一、深化扩大有效投资政策措施(由市发改局牵头实施)\n1.加大财政支持力度。"
    with pytest.raises(PolicyInputError) as error:
        infer_entry(text, "untitled.txt", district="linhai")
    assert error.value.one_line() == (
        "untitled.txt: cannot find the document's title (no title line or cover notice); pass --title, "
        "or --kind policy|outcome_report|city_work_report if the title would not say the kind either"
    )
    with pytest.raises(PolicyInputError, match=r"pass --title$"):
        infer_entry(text, "untitled.txt", district="linhai", kind="policy")
    entry = infer_entry(text, "untitled.txt", district="linhai", title="临海市深化扩大有效投资政策措施")
    assert (entry["kind"], entry["title"], entry["issued"]) == (
        "policy",
        "临海市深化扩大有效投资政策措施",
        "2024-03-01",
    )


# A capture in traditional characters is told like any other: place, kind, status and date labels.
TRADITIONAL = """溫州市人民政府關於印發溫州市推動經濟高質量發展若干政策的通知
發布日期:2025-02-08
溫州市推動經濟高質量發展若干政策(征求意見稿)
一、推進教育科技人才一體發展(由市科技局牽頭實施)
1.加大財政支持力度。
"""


def test_a_traditional_capture():
    entry = infer_entry(TRADITIONAL, "wenzhou.txt")
    assert {k: entry[k] for k in ("id", "district", "city", "status", "issued", "title")} == {
        "id": "wenzhou-2025-policy",
        "district": "wenzhou",
        "city": "wenzhou",
        "status": "draft",
        "issued": "2025-02-08",
        "title": "温州市推动经济高质量发展若干政策",
    }


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "杭州市人民政府门户网站\n杭州市钱塘区人民政府印发关于推动经济高质量发展的若干政策的通知\n杭州市钱塘区人民政府",
            "qiantang",
        ),
        (
            "东阳市关于推动经济高质量发展若干政策\n根据《金华市人民政府关于…》,全市…",
            "dongyang",
        ),
        (
            "关于若干政策(征求意见稿)\n来自: 浙江温州\n推动龙港经济运行整体好转,确保全市…(温州市计划未下达)",
            "longgang",
        ),
        ("政府工作报告摘要\n全市人民…宁波舟山港…宁波…镇海…宁波", "ningbo"),
        (
            "根据《浙江省人民政府印发…》和《杭州市人民政府印发…》,结合我市实际…人行建德分行",
            "jiande",
        ),
        ("推进浙江山区26县高质量发展,钱塘江两岸", None),
    ],
)
def test_place_rules(text, key):
    place = find_place(text)
    assert (place.key if place else None) == key


def test_gazetteer_and_rules_are_cached_by_file():
    assert load_gazetteer() is load_gazetteer(GAZETTEER_PATH)
    assert load_rules() is load_rules(RULES_PATH)


def test_a_malformed_rules_file_names_file_and_entry(tmp_path):
    path = tmp_path / "registry_inference.yaml"
    text = RULES_PATH.read_text(encoding="utf-8")
    path.write_text(
        text.replace("'(\\d{4})\\s*年全年实施有效'", "'(\\d{4}年全年实施有效'"),
        encoding="utf-8",
    )
    with pytest.raises(PolicyInputError) as error:
        load_rules(path)
    assert error.value.one_line().startswith(f"{path}: year.policy: pattern")
    path.write_text(
        text.replace("- kind: city_work_report", "- kind: work_report"),
        encoding="utf-8",
    )
    with pytest.raises(PolicyInputError, match="kinds: unknown kind 'work_report'"):
        load_rules(path)


OTHER_SHAPES = {
    # a county-level city whose text names its prefecture city (and says 全市 of itself)
    "yiwu-2024-policy": """义乌市人民政府关于印发义乌市推动经济高质量发展若干政策的通知
义乌市人民政府
2024年2月28日
义乌市推动经济高质量发展若干政策
为深入贯彻落实……结合金华市和我市实际,推动全市经济高质量发展,制定以下政策。
一、扩大有效投资(由市发改局牵头)
1.市财政2024年预算安排10亿元。金华市级项目……""",
    # a prefecture city's own policy naming some of its districts
    "hangzhou-2024-policy": """杭州市人民政府印发关于推动经济高质量发展的若干政策的通知
杭州市人民政府
2024年2月29日
关于推动经济高质量发展的若干政策
为深入贯彻落实……全市……市财政……支持滨江区、萧山区、余杭区打造……
一、扩大有效投资政策""",
    # metadata in a flattened table, the issuer only in a field
    "nanhu-2024-policy": """发布机构: | 嘉兴市南湖区人民政府 |
成文日期: | 2024-04-02 |
关于推动经济高质量发展的若干政策
为……嘉兴市……嘉兴市……嘉兴市……全区……
一、扩大有效投资""",
    # a title that opens with 关于 and a city named more often than the district
    "zhenhai-2024-outcomes": """关于镇海区2024年国民经济和社会发展计划执行情况与2025年计划草案的报告
宁波市……宁波市……宁波舟山港……宁波市……
一、2024年国民经济和社会发展计划执行情况
日期:2025-01-20""",
}


@pytest.mark.parametrize("doc_id", sorted(OTHER_SHAPES))
def test_other_shapes(doc_id):
    assert infer_entry(OTHER_SHAPES[doc_id], f"{doc_id}.txt")["id"] == doc_id
