"""Bad input: a one-line error naming the file (and line), a non-zero exit, OUT untouched."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import RAW, rehash

import policycmp
from policycmp import analysis
from policycmp.cli import main
from policycmp.errors import ParameterError
from policycmp.publish.build import build, is_stale
from policycmp.vocabulary.loader import PACKAGE_DATA


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def out_dir(tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "clauses.parquet").write_bytes(b"previous build")
    (out / "notes.txt").write_text("kept")
    return out


def run_build(raw, out, capsys, *flags: str):
    before = snapshot(out)
    code = main(["build", *flags, "--raw", str(raw), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1, err
    assert snapshot(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".processed.staging")]
    return err


def test_missing_file(raw_copy, out_dir, capsys):
    (raw_copy / "linping-2024-policy.txt").unlink()
    err = run_build(raw_copy, out_dir, capsys)
    assert "linping-2024-policy.txt" in err and "not found" in err


def test_empty_file(raw_copy, out_dir, capsys):
    (raw_copy / "qujiang-2023-policy.txt").write_bytes(b"")
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys)
    assert err.endswith("qujiang-2023-policy.txt: file is empty")


def test_whitespace_only_file_is_empty(raw_copy, out_dir, capsys):
    (raw_copy / "qujiang-2023-policy.txt").write_bytes(b" \r\n\n\t ")
    rehash(raw_copy)
    assert run_build(raw_copy, out_dir, capsys).endswith("qujiang-2023-policy.txt: file is empty")


def test_bytes_that_are_neither_utf8_nor_gb18030(raw_copy, out_dir, capsys):
    (raw_copy / "zhenhai-2024-policy.txt").write_bytes(bytes(range(256)) * 40)
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys)
    assert "zhenhai-2024-policy.txt" in err and "neither UTF-8 nor GB18030" in err


def test_document_without_a_policy_section(raw_copy, out_dir, capsys):
    (raw_copy / "linping-2024-policy.txt").write_text("这是一则新闻。\n没有任何政策条款。\n", encoding="utf-8")
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys)
    assert "linping-2024-policy.txt" in err and "no policy section heading" in err


def test_heading_of_no_known_domain_under_strict(raw_copy, out_dir, capsys):
    path = raw_copy / "qujiang-2023-policy.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("五、交通强区建设政策", "五、航天强区建设政策"), encoding="utf-8"
    )
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys, "--strict")
    assert "qujiang-2023-policy.txt:116:" in err and "航天强区建设政策" in err and "domains.yaml" in err


def test_heading_of_no_known_domain_is_inferred_and_warned(raw_copy, tmp_path, capsys):
    path = raw_copy / "qujiang-2023-policy.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("五、交通强区建设政策", "五、航天强区建设政策"), encoding="utf-8"
    )
    rehash(raw_copy)
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "out")]) == 0
    warning = next(line for line in capsys.readouterr().err.splitlines() if "航天强区建设政策" in line)
    assert warning.startswith("warning: qujiang-2023-policy.txt:116: ") and "inferred 'transport'" in warning


def test_malformed_sources_yaml(raw_copy, out_dir, capsys):
    (raw_copy / "sources.yaml").write_text("documents:\n  - id: x\n    file: [unclosed\n", encoding="utf-8")
    err = run_build(raw_copy, out_dir, capsys)
    assert "sources.yaml:" in err and "malformed YAML" in err


def test_sources_yaml_entry_lacking_keys(raw_copy, out_dir, capsys):
    text = (raw_copy / "sources.yaml").read_text(encoding="utf-8")
    (raw_copy / "sources.yaml").write_text(text.replace("    kind: outcome_report\n", ""), encoding="utf-8")
    err = run_build(raw_copy, out_dir, capsys)
    assert "sources.yaml:16" in err and "lacks kind" in err


def test_duplicate_document_id(raw_copy, out_dir, capsys):
    text = (raw_copy / "sources.yaml").read_text(encoding="utf-8")
    (raw_copy / "sources.yaml").write_text(
        text.replace("id: linping-2024-policy", "id: zhenhai-2024-policy"), encoding="utf-8"
    )
    err = run_build(raw_copy, out_dir, capsys)
    assert "sources.yaml:" in err and "duplicate document id 'zhenhai-2024-policy'" in err


def test_missing_registry(tmp_path, out_dir, capsys):
    err = run_build(tmp_path / "nowhere", out_dir, capsys)
    assert "sources.yaml" in err and "not found" in err


def _edit_lines(path, edits):
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, edit in edits.items():
        lines[number - 1] = edit(lines[number - 1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _open_quote(line):
    return line.replace(": ", ': "', 1)


# sources.yaml has 64 lines; line 13 is Zhenhai's title, 21 the outcome report's city, 17 its file.
@pytest.mark.parametrize(
    ("edits", "line", "words"),
    [
        # The case: PyYAML notices at the end of the file (it said line 65, past the end).
        ({13: _open_quote}, 13, "while scanning a quoted scalar starting here"),
        # A later quote closes the open one: valid YAML that would swallow the next entry's keys.
        ({13: _open_quote, 21: lambda s: s + '"'}, 13, "runs on to line 21: is its closing quote missing?"),
        ({17: lambda s: s.replace("    file:", "        file:")}, 17, "mapping values are not allowed here"),
        ({20: lambda s: s.replace("district_zh", "district")}, 20, "key 'district' is given twice (first on line 19)"),
        ({10: lambda s: s.replace("    ", "\t", 1)}, 10, "cannot start any token"),
    ],
    ids=["unclosed-quote", "quote-closed-later", "indentation", "duplicate-key", "tab"],
)
def test_a_malformed_registry_is_reported_where_the_problem_starts(raw_copy, out_dir, capsys, edits, line, words):
    _edit_lines(raw_copy / "sources.yaml", edits)
    err = run_build(raw_copy, out_dir, capsys)
    assert f"sources.yaml:{line}: malformed YAML: " in err or f"sources.yaml:{line}: " in err, err
    assert words in err, err


@pytest.mark.parametrize(
    "value",
    [
        '"镇海区进一步提信心扩需求增动能助推经济高质量发展若干政策"',
        ">-\n      镇海区进一步提信心扩需求增动能\n      助推经济高质量发展若干政策",
    ],
    ids=["quoted-on-one-line", "folded-block"],
)
def test_a_quoted_or_folded_title_is_not_an_error(raw_copy, tmp_path, value):
    """Negative cases: a value quoted on its own line, or folded on purpose with '>-', reads as the title."""
    path = raw_copy / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: 镇海区进一步提信心扩需求增动能助推经济高质量发展若干政策", f"title: {value}"), "utf-8"
    )
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "out")]) == 0


def test_a_malformed_vocabulary_names_its_own_line(tmp_path, monkeypatch, raw_copy, out_dir, capsys):
    """The same for every vocabulary: an unclosed quote in domains.yaml is reported at its line."""
    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(PACKAGE_DATA, vocabularies)
    domains = vocabularies / "domains.yaml"
    number = domains.read_text(encoding="utf-8").splitlines().index("    en: Sci-tech innovation") + 1
    _edit_lines(domains, {number: _open_quote})
    monkeypatch.setenv("POLICYCMP_VOCABULARY_DIR", str(vocabularies))
    err = run_build(raw_copy, out_dir, capsys)
    assert f"domains.yaml:{number}: malformed YAML: " in err, err


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notice.txt", "Policies to promote high-quality development\n\n1. Up to 1 million yuan.\n", "no Chinese text"),
        (
            "notice.html",
            "<html><body><h1>Policies</h1><p>Investment awards of 1 million yuan. 镇海区</p>"
            + "<p>The district will support innovation and the services sector.</p>" * 5
            + "</body></html>",
            "almost no Chinese text (3 of ",
        ),
    ],
    ids=["english-text", "english-page-with-a-chinese-name"],
)
def test_a_file_without_chinese_text_is_refused_by_add_and_build(
    raw_copy, out_dir, capsys, tmp_path, name, content, words
):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    before = snapshot(raw_copy)
    assert main(["add", str(source), "--raw", str(raw_copy)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{source}: " in err and words in err, err
    assert snapshot(raw_copy) == before  # nothing registered

    # The same file registered by hand: the build refuses it on one line too.
    (raw_copy / "zhenhai-2024-policy.txt").unlink()
    registry = raw_copy / "sources.yaml"
    suffix = name.rsplit(".", 1)[1]
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("file: zhenhai-2024-policy.txt", f"file: zhenhai.{suffix}"),
        "utf-8",
    )
    (raw_copy / f"zhenhai.{suffix}").write_text(content, encoding="utf-8")
    rehash(raw_copy)  # its bytes registered, so that what the build says is about the text
    err = run_build(raw_copy, out_dir, capsys)
    assert f"zhenhai.{suffix}: " in err and words in err, err


# sources.yaml: line 14 is Zhenhai's `issued`, line 7 its district (the entry starts on line 4).
@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("issued: 2024-02-07", "issued: 2025-04-33", 14, "issued: 2025-04-33 reads as a date (YYYY-MM-DD) or time"),
        ("issued: 2024-02-07", "issued: 2023-02-29", 14, "(day is out of range for month)"),
        ("issued: 2024-02-07", "issued: 2025-13-01", 14, "(month must be in 1..12)"),
        ("issued: 2024-02-07", "issued: 2024-02-07 25:00:00", 14, "(hour must be in 0..23)"),
        ("year: 2024", "year: !!int twenty", 11, "year: twenty reads as a whole number but is not one"),
    ],
    ids=["day-33", "february-29-of-2023", "month-13", "hour-25", "tagged-int"],
)
def test_a_value_yaml_cannot_build_is_reported_at_its_line(raw_copy, out_dir, capsys, old, new, line, words):
    """PyYAML's constructor raised a bare ValueError (a 37-line traceback): now one line at the value."""
    registry = raw_copy / "sources.yaml"
    text = registry.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    registry.write_text(text.replace(old, new, 1), encoding="utf-8")
    err = run_build(raw_copy, out_dir, capsys)
    assert f"sources.yaml:{line}: " in err and words in err, err


def test_a_leap_day_is_a_date(raw_copy, tmp_path):
    """Negative case: 2024-02-29 exists, and builds."""
    registry = raw_copy / "sources.yaml"
    registry.write_text(registry.read_text("utf-8").replace("issued: 2024-02-07", "issued: 2024-02-29", 1), "utf-8")
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "out")]) == 0


def test_an_impossible_date_in_a_vocabulary_names_its_line(tmp_path, monkeypatch, raw_copy, out_dir, capsys):
    """The shared loader: the same one line for a vocabulary (a date-shaped value in domains.yaml)."""
    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(PACKAGE_DATA, vocabularies)
    domains = vocabularies / "domains.yaml"
    lines = domains.read_text(encoding="utf-8").splitlines()
    number = lines.index("    en: Sci-tech innovation") + 1
    lines[number - 1] = "    en: 2025-04-33"
    domains.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("POLICYCMP_VOCABULARY_DIR", str(vocabularies))
    err = run_build(raw_copy, out_dir, capsys)
    assert f"domains.yaml:{number}: en: 2025-04-33 reads as a date" in err, err


@pytest.mark.parametrize(
    ("district", "closest"),
    [
        ("atlantis", "(closest: tiantai (天台县), lanxi (兰溪市), anji (安吉县))"),
        ("zhenhia", "(closest: zhenhai (镇海区)"),
        ("hangzou", "(closest: hangzhou (杭州市)"),
    ],
    ids=["made-up", "typo-of-a-district", "typo-of-a-city"],
)
def test_build_refuses_a_district_the_gazetteer_does_not_know(raw_copy, out_dir, capsys, district, closest):
    """`add --district` refuses it; the build did not (it took the real place's name and city)."""
    registry = raw_copy / "sources.yaml"
    registry.write_text(registry.read_text("utf-8").replace("district: zhenhai", f"district: {district}", 1), "utf-8")
    err = run_build(raw_copy, out_dir, capsys)
    assert f"sources.yaml:7: document 'zhenhai-2024-policy': district {district!r} is not in the gazetteer " in err
    assert closest in err and "add the place to gazetteer.yaml" in err, err


def test_a_place_added_to_the_gazetteer_builds(tmp_path, monkeypatch, raw_copy):
    """Negative case, and the documented way for a new place: add it to (a copy of) gazetteer.yaml."""
    vocabularies = tmp_path / "vocabularies"
    shutil.copytree(PACKAGE_DATA, vocabularies)
    gazetteer = vocabularies / "gazetteer.yaml"
    text = gazetteer.read_text(encoding="utf-8")
    zhenhai = "  - {key: zhenhai, zh: 镇海区, short: 镇海, code: '330211', level: district, city: ningbo}\n"
    assert zhenhai in text
    monkeypatch.setenv("POLICYCMP_VOCABULARY_DIR", str(vocabularies))
    registry = raw_copy / "sources.yaml"
    registry.write_text(registry.read_text("utf-8").replace("district: zhenhai", "district: atlantis", 1), "utf-8")
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "refused")]) != 0
    atlantis = "  - {key: atlantis, zh: 大西洲区, short: 大西洲, code: '330299', level: district, city: ningbo}\n"
    gazetteer.write_text(text.replace(zhenhai, zhenhai + atlantis, 1), encoding="utf-8")
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "out")]) == 0


@pytest.fixture()
def published():
    if is_stale():
        build(echo=lambda *a, **k: None)


# The real corpus: policies of zhenhai (2024), linping (2024), qujiang (2023), and Ningbo's work report.
KNOWN = "(valid: zhenhai, linping, qujiang, ningbo)"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: policycmp.changes("atlantis"),
            "district: unknown district 'atlantis' (valid: zhenhai, linping, qujiang)",
        ),
        (
            lambda: analysis.table("comparisons", districts=["atlantis"]),
            f"districts: unknown district 'atlantis' {KNOWN}",
        ),
        (lambda: analysis.table("clauses", districts=["zhenhai", "atlantis"]), "unknown district 'atlantis'"),
        (lambda: analysis.table("anomalies", districts="atlantis"), f"districts: unknown district 'atlantis' {KNOWN}"),
        (lambda: analysis.table("clauses", domain="space"), "domain: unknown domain 'space' (valid: investment, "),
        (lambda: analysis.table("nope"), "name: no table 'nope' (valid: amount_changes, anomalies, budget_domains, "),
        (
            lambda: analysis.subsidy_grid(analysis.table("comparisons"), ["atlantis"]),
            f"districts: unknown district 'atlantis' {KNOWN}",
        ),
        (lambda: analysis.budget_totals(analysis.table("budget_summary"), ["atlantis"]), "unknown district 'atlantis'"),
        (lambda: analysis.headline_targets(analysis.table("targets"), ["atlantis"]), "unknown district 'atlantis'"),
        (lambda: analysis.compared_indicators(analysis.table("targets"), ["atlantis"]), "unknown district 'atlantis'"),
        (lambda: analysis.edition_pairs("atlantis"), f"district: unknown district 'atlantis' {KNOWN}"),
        (lambda: analysis.changed_clauses("atlantis"), f"district: unknown district 'atlantis' {KNOWN}"),
        (lambda: analysis.every_edition("atlantis"), f"district: unknown district 'atlantis' {KNOWN}"),
        (lambda: analysis.edition_of("atlantis"), f"district: unknown district 'atlantis' {KNOWN}"),
        (lambda: analysis.profile_domains("atlantis"), f"district: unknown district 'atlantis' {KNOWN}"),
        (lambda: analysis.editions(1999), "year: no document of year 1999 (valid: 2023, 2024)"),
        (lambda: analysis.subsidy_ranks(2025), "year: no document of year 2025 (valid: 2023, 2024)"),
        (lambda: analysis.standings("target", 1999), "year: no document of year 1999"),
        (lambda: analysis.standings("targets"), "measure: unknown measure 'targets' (valid: clauses, quantities, "),
        (lambda: analysis.spreads("subsidies"), "measure: unknown measure 'subsidies' (valid: clauses, "),
    ],
    ids=[
        "changes",
        "table-districts",
        "table-one-of-two",
        "table-anomalies",
        "table-domain",
        "table-name",
        "subsidy-grid",
        "budget-totals",
        "headline-targets",
        "compared-indicators",
        "edition-pairs",
        "changed-clauses",
        "every-edition",
        "edition-of",
        "profile",
        "editions-year",
        "subsidy-ranks-year",
        "standings-year",
        "standings-measure",
        "spreads-measure",
    ],
)
def test_the_library_refuses_a_name_the_corpus_does_not_have(published, call, message):
    """An unknown district, domain, table, year or measure was an empty frame: now a ParameterError."""
    with pytest.raises(ParameterError) as error:
        call()
    assert message in str(error.value) and "\n" not in str(error.value), str(error.value)


@pytest.mark.parametrize(
    ("call", "rows"),
    [
        (lambda: policycmp.changes("zhenhai"), 0),  # one edition: nothing to compare, and no error
        (lambda: analysis.table("targets", districts="ningbo"), 71),  # a city work report's key is known
        (lambda: analysis.editions(2023), 1),  # Qujiang's
        (lambda: analysis.subsidy_grid(_own_rows(), ["elsewhere"]), 1),  # a frame of one's own: its districts
    ],
    ids=["single-edition", "city-key", "year-of-one-district", "own-frame"],
)
def test_known_names_still_answer(published, call, rows):
    """Negative cases: names the corpus (or the frame given) has are no error."""
    assert len(call()) == rows


def _own_rows():
    rows = analysis.table("comparisons", districts="zhenhai")
    rows = rows[rows["instrument"] == "incubator_award"].head(1)
    return rows.assign(district="elsewhere")


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16-le").join([b"\xff\xfe", b""]),  # Word's "Unicode text"
        lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    ],
    ids=["utf-16-le", "utf-16-be"],
)
def test_a_utf16_file_with_its_bom_reads_as_its_utf8_original(raw_copy, tmp_path, encode):
    path = raw_copy / "qujiang-2023-policy.txt"
    original = path.read_bytes()
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "utf8")]) == 0
    path.write_bytes(encode(original.decode("utf-8")))
    rehash(raw_copy)
    raw = path.read_bytes()
    assert main(["build", "--raw", str(raw_copy), "--out", str(tmp_path / "utf16")]) == 0
    assert path.read_bytes() == raw  # the raw file stays as it was
    for name in ("clauses", "quantities", "comparisons"):
        before = pd.read_parquet(tmp_path / "utf8" / f"{name}.parquet")
        after = pd.read_parquet(tmp_path / "utf16" / f"{name}.parquet")
        pd.testing.assert_frame_equal(before, after)
    assert len(pd.read_parquet(tmp_path / "utf16" / "clauses.parquet").query("district == 'qujiang'")) == 65


def test_a_broken_utf16_file_says_so(raw_copy, out_dir, capsys):
    """Negative case: a UTF-16 BOM before bytes that are not UTF-16 (an odd count) is one line, saying what to do."""
    (raw_copy / "qujiang-2023-policy.txt").write_bytes(b"\xff\xfe" + "政策".encode("utf-16-le") + b"\x00")
    rehash(raw_copy)
    err = run_build(raw_copy, out_dir, capsys)
    assert "qujiang-2023-policy.txt: starts with a UTF-16 byte-order mark but does not decode as UTF-16" in err
    assert err.endswith("save it as UTF-8"), err


@pytest.mark.parametrize(
    ("root", "flags", "message"),
    [
        ("missing", [], "missing: --root: no such folder"),
        ("a-file", [], "a-file: --root: is a file, not a folder"),
        (
            "empty",
            ["--district", "atlantis"],
            "error: --district: unknown district 'atlantis' (closest: tiantai (天台县), lanxi (兰溪市), anji (安吉县))",
        ),
    ],
    ids=["root-missing", "root-a-file", "unknown-district"],
)
def test_add_names_the_option_that_is_wrong(tmp_path, capsys, root, flags, message):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    source = tmp_path / "zhenhai.txt"
    shutil.copyfile(RAW / "zhenhai-2024-policy.txt", source)
    before = snapshot(tmp_path)
    assert main(["add", str(source), "--root", str(tmp_path / root), *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert snapshot(tmp_path) == before and not (tmp_path / "missing").exists()
