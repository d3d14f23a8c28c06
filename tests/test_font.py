"""The pages' one font: cut to the characters they use, the same bytes every time, and a font that cannot
draw a page (damaged, missing, lacking a character) stops `policycmp report` on one line, publishing nothing.

The browser side (every character drawn with this font, the same picture without a CJK font installed)
is in test_browser.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from conftest import ROOT
from fontTools.ttLib import TTFont

from policycmp.cli import main
from policycmp.report import font

REPORTS = ROOT / "reports"
RARE = "\U00020000"  # 𠀀, CJK Extension B: a rare name character Noto Sans CJK SC does not draw


def shipped(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("镇海区 37.27亿元", "孵化器"),
        ("国家级科技企业孵化器 ≤ 150万元 (10–20%) ⇅ ▲ ▼", "镇海区"),
        ("Effective investment (扩大有效投资)", "0123456789"),
    ],
)
def test_the_subset_draws_exactly_the_characters_used(text, absent):
    used = {c: "page.html" for c in font.characters([text])}
    cmap = {chr(code) for code in shipped(font.subset(used)).getBestCmap()}
    assert set(used) <= cmap
    # What no page uses is not shipped (a glyph the layout rules reach from a used one, ≥ from ≤, may be).
    assert len(cmap) <= len(used) + 2
    assert not [c for c in absent if c in cmap]


def test_the_subset_is_the_same_bytes_in_every_process():
    """Subsetting runs in the main process, whose hash seed is not fixed: the bytes must not depend on it."""
    code = (
        "import hashlib, sys; from policycmp.report import font\n"
        "used = {c: 'p' for c in font.characters(['镇海区临平区衢江区 37.27亿元 Budgets'])}\n"
        "print(hashlib.sha256(font.subset(used)).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": seed}, check=True
        ).stdout
        for seed in ("1", "2", "random")
    }
    assert len(digests) == 1, digests


def test_the_shipped_font_keeps_the_licence_and_covers_every_committed_page():
    face = shipped((REPORTS / font.FILE).read_bytes())
    assert face["name"].getDebugName(1) == font.FAMILY
    assert "SIL Open Font License" in face["name"].getDebugName(13)
    cmap = face.getBestCmap()
    for page in sorted(REPORTS.glob("*.html")):
        lacking = sorted(c for c in font.characters([page.read_text(encoding="utf-8")]) if ord(c) not in cmap)
        assert not lacking, f"{page.name}: {lacking}"


@pytest.mark.parametrize(
    ("character", "drawn"),
    [
        ("镇", True),
        ("%", True),
        ("\u3000", True),
        ("\u200b", False),
        ("\ufeff", False),
        ("\n", False),
        ("\ufe0f", False),
    ],
)
def test_only_characters_a_browser_draws_need_a_glyph(character, drawn):
    assert font.rendered(character) is drawn


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    (root / "notebooks").mkdir()
    shutil.copyfile(ROOT / "notebooks" / "01_corpus_overview.ipynb", root / "notebooks" / "01_corpus_overview.ipynb")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_character_the_font_lacks_stops_the_report_and_keeps_the_pages(tmp_path, capsys):
    root = project(tmp_path)
    assert main(["report", "--root", str(root)]) == 0
    before = snapshot(root / "reports")
    capsys.readouterr()
    # A district whose name holds a rare character: the overview page lists the document titles.
    registry = root / "data" / "raw" / "sources.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("title: 镇海区进一步", f"title: 镇海{RARE}区进一步", 1), encoding="utf-8")
    assert main(["report", "--root", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert err.startswith(f"policycmp report: error: {font.source_path()}: has no glyph for '{RARE}' (U+20000) on ")
    assert "a reader would see a box; the pages were not published" in err
    assert snapshot(root / "reports") == before
    assert not list(root.glob(".reports.staging-*"))


def damaged(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.ttc"
    source = font.source_path().read_bytes()
    if kind == "truncated":
        path.write_bytes(source[: len(source) // 2])
    elif kind == "not-a-font":
        path.write_text("this is not a font\n")
    elif kind == "another-font":
        path.write_bytes(
            (Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf").read_bytes()
        )
    return path


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("truncated", "is not a readable font file (TTLibError: "),
        ("not-a-font", "is not a readable font file (TTLibError: Not a TrueType or OpenType font"),
        ("another-font", "holds no Noto Sans CJK SC face"),
        ("missing", "no such font file ($POLICYCMP_FONT)"),
    ],
)
def test_a_damaged_or_wrong_font_stops_the_report_before_any_page(tmp_path, monkeypatch, capsys, kind, words):
    root = project(tmp_path)
    path = damaged(tmp_path, kind) if kind != "missing" else tmp_path / "gone.ttc"
    monkeypatch.setenv("POLICYCMP_FONT", str(path))
    out = root / "reports"
    out.mkdir()
    (out / "previous.html").write_text("kept")
    assert main(["report", "--root", str(root), "--force"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith(f"policycmp report: error: {path}: ") and words in err, err
    assert snapshot(out) == {"previous.html": b"kept"}


def test_the_manifest_records_the_font_it_shipped():
    manifest = json.loads((REPORTS / "manifest.json").read_text(encoding="utf-8"))
    data = (REPORTS / font.FILE).read_bytes()
    assert manifest["font"]["file"] == font.FILE
    assert manifest["font"]["sha256"] == hashlib.sha256(data).hexdigest()
