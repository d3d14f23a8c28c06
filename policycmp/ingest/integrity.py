"""Raw files that cannot drift: each registered file's bytes against the SHA-256 ``policycmp add`` recorded.

The raw folder keeps every document byte for byte as it was published; a file edited afterwards
(若干政策 → 若干措施 in a text editor) would otherwise be built as if it were the document. So the build
hashes every raw file and refuses one whose bytes differ from its entry's ``source_sha256``, naming
the file and the two ways to accept the new bytes: register them again (``policycmp add`` of the
raw file itself), or build once with ``--accept-changed-raw``.

An entry without a ``source_sha256`` (a registry written by hand) cannot be checked: the build
warns, and the next ``policycmp add`` records it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PolicyInputError

if TYPE_CHECKING:  # the command line reads ACCEPT_FLAG from here before it knows it will build: no pandas
    from ..model import Document

ACCEPT_FLAG = "--accept-changed-raw"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def raw_bytes(path: Path) -> bytes:
    """A registered file's bytes; a missing or unreadable file is a one-line error naming it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PolicyInputError(path, "file not found") from None
    except IsADirectoryError:
        raise PolicyInputError(path, "is a directory, not a document") from None
    except OSError as exc:
        raise PolicyInputError(path, f"cannot be read ({exc.strerror})") from None


@dataclass(frozen=True)
class RawCheck:
    """One raw file hashed and compared with its registry entry."""

    doc: Document
    sha256: str
    warning: str | None  # what the build says about it (accepted new bytes, no hash to check)
    kind: str | None  # the warning's kind for the build log


def check_raw(doc: Document, data: bytes, *, accept_changed: bool = False) -> RawCheck:
    """``data`` (the bytes of ``doc.path``) against the registered SHA-256.

    Different bytes are refused unless ``accept_changed``, when they are built with a warning.
    """
    digest = sha256_hex(data)
    if doc.source_sha256 is None:
        return RawCheck(
            doc,
            digest,
            f"{doc.path.name}: sources.yaml:{doc.line} has no source_sha256, so its bytes cannot be checked; "
            f"the next `policycmp add` records it",
            "unregistered_hash",
        )
    if digest == doc.source_sha256:
        return RawCheck(doc, digest, None, None)
    if not accept_changed:
        raise PolicyInputError(
            doc.path,
            f"its bytes differ from the source_sha256 registered in sources.yaml:{doc.line} (raw files stay as "
            f"published); to accept the new bytes, re-add it (`policycmp add {doc.path}`) or build with "
            f"{ACCEPT_FLAG}",
        )
    return RawCheck(
        doc,
        digest,
        f"{doc.path.name}: its bytes differ from the source_sha256 registered in sources.yaml:{doc.line}; "
        f"built from the new bytes ({ACCEPT_FLAG})",
        "changed_raw",
    )
