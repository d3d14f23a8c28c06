"""The one font every page and figure uses: Noto Sans CJK SC, shipped in ``reports/`` as one file
subset to the characters the pages use, so the pages read the same on any machine, offline.

The source is the Regular weight of Noto Sans CJK (SIL Open Font License 1.1), as Debian's
``fonts-noto-cjk`` installs it (``python3 tasks.py setup`` installs the package); ``$POLICYCMP_FONT``
points at another copy (a ``.ttc`` or ``.otf`` holding the face :data:`FAMILY`). Every page names
:data:`FAMILY` in a relative ``@font-face`` (``report.css``) and the figures name it too
(``views/figures.py`` measures their text with the same face), so no character of a page falls back
to a font the reader happens to have. Bold text is the browser's emboldening of this one weight.

The subset is deterministic (same characters and source → same bytes): no timestamp is recalculated,
the glyph order is the source's. A character the source has no glyph for, or a source that is not a
readable font, stops ``policycmp report`` with one line before any page is published: a page never
ships with boxes.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import unicodedata
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection, TTFont, TTLibError

from ..errors import PolicyInputError

FAMILY = "Noto Sans CJK SC"
FILE = "policycmp-cjk.woff"  # beside the pages in reports/: a relative url every page and figure shares
FONT_VARIABLE = "POLICYCMP_FONT"
# Where distributions install Noto Sans CJK: Debian and Ubuntu (fonts-noto-cjk), Fedora, Arch.
CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
# Debian 12's fonts-noto-cjk 1:20220127+repack1-1: the committed reports were rendered with it (figures
# are measured with it and the shipped subset comes from it), as requirements-lock.txt pins the packages.
PINNED_SHA256 = "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"
INSTALL_HINT = f"install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) or set {FONT_VARIABLE}"
# Code points a browser draws no glyph for (joiners, marks of direction, variation selectors): a font
# need not map them.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}

_digests: dict[tuple[str, int, int], str] = {}


def source_path() -> Path:
    """The font file the pages' font is cut from; a one-line error saying how to get it when there is none."""
    override = os.environ.get(FONT_VARIABLE)
    if override:
        path = Path(override)
        if not path.is_file():
            raise PolicyInputError(path, f"no such font file (${FONT_VARIABLE})")
        return path
    for path in CANDIDATES:
        if path.is_file():
            return path
    raise PolicyInputError(None, f"no {FAMILY} font is installed (looked for {CANDIDATES[0]}): {INSTALL_HINT}")


def source_digest(path: Path | None = None) -> str:
    """SHA-256 of the source font (kept while its size and time stamp are unchanged)."""
    path = path or source_path()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _digests:
        _digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _digests[key]


def is_pinned(path: Path | None = None) -> bool:
    return source_digest(path) == PINNED_SHA256


def rendered(character: str) -> bool:
    """Whether a browser draws this character with a glyph (not a control, format or variation mark)."""
    if unicodedata.category(character) in _INVISIBLE:
        return False
    return not (0xFE00 <= ord(character) <= 0xFE0F or 0xE0100 <= ord(character) <= 0xE01EF)


def characters(texts: Iterable[str]) -> set[str]:
    """Every character of ``texts`` a browser draws (a superset of what shows: tags and scripts too)."""
    found: set[str] = set()
    for text in texts:
        found.update(text)
    return {c for c in found if rendered(c)}


def open_face(path: Path | None = None) -> Any:
    """The face :data:`FAMILY` of the source (fontTools ``TTFont``); a one-line error when the file is
    not a readable font or holds no such face."""
    path = path or source_path()
    # The bounding boxes stay the source's (a subset's glyphs lie within them): recalculating them
    # draws every glyph and took three quarters of the subsetting time; the time stamp stays too.
    options = {"lazy": True, "recalcTimestamp": False, "recalcBBoxes": False}
    try:
        if path.read_bytes()[:4] == b"ttcf":
            count = len(TTCollection(str(path), lazy=True).fonts)
            faces = [TTFont(str(path), fontNumber=i, **options) for i in range(count)]
        else:
            faces = [TTFont(str(path), **options)]
        for face in faces:
            if face["name"].getDebugName(1) == FAMILY:
                face.getBestCmap()  # reads the character map now: a damaged file fails here, not later
                return face
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, IndexError, EOFError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
        raise PolicyInputError(path, f"is not a readable font file ({problem}): {INSTALL_HINT}") from None
    raise PolicyInputError(path, f"holds no {FAMILY} face: {INSTALL_HINT}")


def missing(face: Any, used: Mapping[str, str]) -> list[str]:
    """The characters of ``used`` (character → the page it is on) the face has no glyph for, in order."""
    cmap = face.getBestCmap()
    return sorted((c for c in used if ord(c) not in cmap), key=ord)


def check_covered(face: Any, used: Mapping[str, str], path: Path) -> None:
    """A one-line error naming the first characters the face cannot draw and the page each is on."""
    lacking = missing(face, used)
    if not lacking:
        return
    shown = ", ".join(f"{c!r} (U+{ord(c):04X}) on {used[c]}" for c in lacking[:3])
    more = f" and {len(lacking) - 3} more" if len(lacking) > 3 else ""
    raise PolicyInputError(
        path,
        f"has no glyph for {shown}{more}: a reader would see a box; the pages were not published "
        f"(set {FONT_VARIABLE} to a {FAMILY} font that has it)",
    )


def subset(used: Mapping[str, str], path: Path | None = None) -> bytes:
    """The WOFF file of the face cut down to the characters of ``used`` (character → a page it is on).

    WOFF (zlib) rather than WOFF2: it needs no Brotli, and WOFF2 saved a tenth of the size at several
    times the time (measured on the committed pages: 532 KB against 472 KB, 1.1 s against 3.3 s to write).
    """
    # The subsetter's import costs three times the rest of this module's: only a run that cuts a font pays it.
    fontsubset = importlib.import_module("fontTools.subset")
    path = path or source_path()
    face = open_face(path)
    check_covered(face, used, path)
    options = fontsubset.Options()
    options.name_IDs = ["*"]  # the copyright and licence records go along (the OFL asks for them)
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.desubroutinize = True  # a few per cent smaller, at the same speed, once the subset is this small
    options.flavor = "woff"
    buffer = io.BytesIO()
    try:
        subsetter = fontsubset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(c) for c in used))
        subsetter.subset(face)
        face.flavor = "woff"
        face.save(buffer, reorderTables=True)
    except Exception as exc:  # a damaged glyph table fails in whatever way fontTools meets it
        raise PolicyInputError(
            path, f"is not a readable font file ({type(exc).__name__}: {exc}): {INSTALL_HINT}"
        ) from None
    return buffer.getvalue()


def cache_key(used: Iterable[str], source: str) -> str:
    """What the subset's bytes depend on: the characters, the source font and the subsetting code."""
    digest = hashlib.sha256("".join(sorted(used)).encode("utf-8"))
    digest.update(source.encode())
    digest.update(metadata.version("fonttools").encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()
