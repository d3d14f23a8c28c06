"""Reading the vocabularies: YAML files under ``policycmp/data/`` that a researcher reads and extends.

Every typed vocabulary is built by :func:`load` from the file's *content*: the cache key is the
file's path and the SHA-256 of its bytes, so a researcher who edits a YAML file in a running kernel
gets the edit on the next call, and an unchanged file is parsed once. A report's kernel (``views.start``
under ``policycmp report``) checks each file once a page instead (:func:`begin_page`): an edit is seen from
the next page on. Parse errors and malformed
entries raise :class:`~policycmp.errors.PolicyInputError` naming the file (and line or entry).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..errors import PolicyInputError

T = TypeVar("T")
PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
# A folder of vocabulary files that replaces the packaged one, for researchers who keep their own.
DATA_DIR_VARIABLE = "POLICYCMP_VOCABULARY_DIR"

# libyaml's parser where PyYAML was built with it (the same documents and marks, about 4× faster: a
# registry of 1,000 documents parses in 0.3 s instead of 1.1 s), else PyYAML's own.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_cache: dict[tuple[str, str], tuple[bytes, Any]] = {}
_lock = threading.Lock()


def data_dir() -> Path:
    """The folder the vocabularies are read from: ``$POLICYCMP_VOCABULARY_DIR`` or the packaged one."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    return Path(override).resolve() if override else PACKAGE_DATA


def path_of(name: str) -> Path:
    return data_dir() / name


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PolicyInputError(path, "file not found") from None
    except OSError as exc:
        raise PolicyInputError(path, f"cannot be read ({exc.strerror})") from None


def parse_yaml(raw: bytes, path: Path) -> Any:
    """Parse YAML bytes, turning any failure into a one-line error naming file and line."""
    return parse_yaml_node(raw, path)[0]


def parse_yaml_node(raw: bytes, path: Path) -> tuple[Any, yaml.Node | None]:
    """:func:`parse_yaml`, with the node tree it was built from (its marks give each entry's line).

    The same as ``yaml.safe_load``, which composes the tree and constructs the data from it; a
    caller that needs both parses once.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyInputError(path, f"not valid UTF-8 ({exc.reason})") from None
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(node, path)
        return (loader.construct_document(node) if node is not None else None), node
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        # a value the YAML reads but cannot build: `issued: 2025-04-33` is a timestamp by its shape, and
        # PyYAML's constructor raises a bare ValueError (day is out of range for month) with no line
        line, problem = _unbuildable_value(node, exc) if node is not None else (None, str(exc))
        raise PolicyInputError(path, problem, line=line) from None
    except yaml.YAMLError as exc:
        line, problem = _where_it_starts(_python_error(text, exc), text)
        raise PolicyInputError(path, f"malformed YAML: {problem}", line=line) from None
    finally:
        loader.dispose()


# What each of YAML's typed scalars was meant to be, for the message when one cannot be built.
_TAG_MEANING = {
    "tag:yaml.org,2002:timestamp": "a date (YYYY-MM-DD) or time",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:binary": "base64 data",
}


def _unbuildable_value(root: yaml.Node, exc: Exception) -> tuple[int | None, str]:
    """The first value in document order that PyYAML's constructor cannot build, with its line.

    Each scalar is built on its own by PyYAML's safe constructor; the first that raises is the one."""
    stack: list[tuple[yaml.Node, str | None]] = [(root, None)]
    while stack:
        node, key = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.constructor.SafeConstructor().construct_object(node, deep=True)
            except (ValueError, TypeError, AttributeError, OverflowError, yaml.YAMLError) as problem:
                reason = getattr(problem, "problem", None) or str(problem).splitlines()[0]
                if isinstance(problem, AttributeError):  # PyYAML's timestamp constructor on a non-date
                    reason = "not in that shape"
                meant = _TAG_MEANING.get(node.tag, f"a {node.tag.rsplit(':', 1)[-1]} value")
                label = f"{key}: {node.value}" if key is not None else node.value
                return node.start_mark.line + 1, (
                    f"{label} reads as {meant} but is not one ({reason}); "
                    "correct it (or quote it, if it is meant as text)"
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, key) for item in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for name, value in reversed(node.value):
                label = str(name.value) if isinstance(name, yaml.ScalarNode) else key
                stack.extend(((value, label), (name, None)))
    return None, f"a value cannot be read ({exc})"


def _python_error(text: str, exc: yaml.YAMLError) -> yaml.YAMLError:
    """The error PyYAML's own parser gives for ``text``: libyaml words and places some problems
    differently (a tab's line, "in this context"), and the messages are read in PyYAML's terms. Only
    a file that failed pays for the second parse."""
    if SAFE_LOADER is yaml.SafeLoader:
        return exc
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as python_exc:
        return python_exc
    return exc


def _check_nodes(root: yaml.Node, path: Path) -> None:
    """Two things YAML accepts that in these files only ever come from a slip, and would lose an entry
    in silence: a key given twice in one mapping (the second would replace the first) and a quoted value
    running over several lines (a missing closing quote swallows the entries below it). The first in
    the file is the error."""
    problems: list[tuple[int, str]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            first, last = node.start_mark.line + 1, node.end_mark.line + 1
            if node.style in ("'", '"') and last > first:
                problems.append(
                    (
                        first,
                        f"the quoted value opened on this line runs on to line {last}: is its closing quote missing?",
                    )
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    problems.append((line, f"key {key.value!r} is given twice (first on line {seen[key.value]})"))
                seen.setdefault(str(key.value), line)
                stack.extend((key, value))
    if problems:
        line, message = min(problems)
        raise PolicyInputError(path, message, line=line)


def _where_it_starts(exc: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """The line where a YAML error starts, and what it is.

    PyYAML marks where it *noticed* the problem. For a quote left open that is often far below (at the
    end of the file, or at the next quote, which then closes it): the problem starts where the quoted
    value opened. A quoted value running over several lines is legal YAML, but in a registry or a
    vocabulary it is nearly always a missing closing quote, so a parse error after one points at it.
    """
    problem = str(getattr(exc, "problem", None) or exc)
    noticed = getattr(exc, "problem_mark", None)
    if noticed is None:
        return None, problem
    last_line = max(1, len(text.splitlines()))
    noticed_line = min(noticed.line + 1, last_line)
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if isinstance(exc, yaml.scanner.ScannerError) and context and context_mark is not None:
        start = min(context_mark.line + 1, last_line)
        if start != noticed_line:
            return start, f"{context} starting here, {problem} at line {noticed_line}"
        return start, f"{context}: {problem}"
    opened = _open_quote_before(text, noticed.index)
    if opened is not None and opened[0] < noticed_line:
        return opened[0], (
            f"the quoted value opened on this line runs on to line {opened[1]} (is its closing quote missing?); "
            f"{problem} at line {noticed_line}"
        )
    return noticed_line, problem


def _open_quote_before(text: str, index: int) -> tuple[int, int] | None:
    """The first quoted value spanning several lines that ends before ``index``: (first line, last line)."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                first, last = token.start_mark.line + 1, token.end_mark.line + 1
                if last > first:
                    return first, last
    except yaml.YAMLError:
        pass  # the scan stops at the same error; what it saw before is all there is
    return None


def read_yaml(path: str | Path) -> Any:
    path = Path(path)
    return parse_yaml(read_bytes(path), path)


def load(builder: Callable[[Path, Any], T], name: str, path: str | Path | None = None) -> T:
    """``builder(path, parsed_yaml)`` for vocabulary ``name`` (or the file at ``path``), cached by content.

    Within a page (:func:`begin_page`) a vocabulary is checked against its file once: the page's later
    calls get what the first got."""
    page = _page  # read once: another thread may begin or end a page meanwhile
    if page is None:
        return _load(builder, name, path)
    # The override folder is part of the key: a page that changes it reads from the new folder at once.
    key = (builder, name, None if path is None else str(path), os.environ.get(DATA_DIR_VARIABLE))
    with _lock:
        known = page.get(key)
    if known is None:
        known = (_load(builder, name, path),)
        with _lock:
            page[key] = known
    return known[0]


# What the page being rendered has loaded, by (builder, name, path, override folder); None outside a page.
# A report's page names hundreds of instruments and districts, each a call here (a stat of the file and a
# digest lookup, a tenth of a district profile's time): its file is looked at once a page instead.
_page: dict[tuple[object, ...], tuple[Any]] | None = None


def begin_page() -> None:
    """Start a page of a report: from here each vocabulary's file is checked once, at its first load,
    until the next page begins (an edit made while a page renders is seen from the next page on)."""
    global _page
    with _lock:
        _page = {}


def end_page() -> None:
    """Back to checking the file at every load (an edit is seen at the next call)."""
    global _page
    with _lock:
        _page = None


def _load(builder: Callable[[Path, Any], T], name: str, path: str | Path | None) -> T:
    where = Path(path).resolve() if path is not None else path_of(name)
    key = (f"{builder.__module__}.{builder.__qualname__}", str(where))
    digest = _unchanged_digest(where)
    if digest is not None:
        with _lock:
            cached = _cache.get(key)
        if cached is not None and cached[0] == digest:
            return cached[1]
    raw = read_bytes(where)
    digest = hashlib.sha256(raw).digest()
    _remember(where, digest)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == digest:
        return cached[1]
    value = builder(where, parse_yaml(raw, where))
    with _lock:
        _cache[key] = (digest, value)
    return value


# The digest of each file read, with the file's stat when it was read. A report's pages ask for the same
# vocabularies thousands of times (a tenth of a district profile went to reading and hashing them again).
# The stat stands for the bytes only when the file was already older than RACY_NS when it was read: a
# file written within that window could be rewritten with the same size and time stamp (file times are
# as coarse as the kernel's clock tick), so it is read and hashed again each time, as before (git's
# "racy clean" rule).
_digests: dict[Path, tuple[tuple[int, int, int, int], bytes, int]] = {}
RACY_NS = 2_000_000_000


def _stat_key(path: Path) -> tuple[int, int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_dev


def _unchanged_digest(path: Path) -> bytes | None:
    """The digest recorded for ``path`` when its stat shows it unchanged since (None: read it)."""
    with _lock:
        known = _digests.get(path)
    if known is None:
        return None
    stat, digest, read_at = known
    if _stat_key(path) != stat or stat[0] >= read_at - RACY_NS:
        return None
    return digest


def _remember(path: Path, digest: bytes) -> None:
    read_at = time.time_ns()
    stat = _stat_key(path)
    if stat is not None:
        with _lock:
            _digests[path] = (stat, digest, read_at)


def compile_pattern(pattern: object, path: Path, entry: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise PolicyInputError(path, f"entry {entry!r}: pattern {pattern!r} is not a regular expression")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise PolicyInputError(path, f"entry {entry!r}: pattern {pattern!r} does not compile ({exc})") from None


def require(mapping: object, dotted: str, path: Path) -> Any:
    """``mapping["a"]["b"]`` for ``"a.b"``, or a one-line error naming the file and the missing key."""
    node = mapping
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise PolicyInputError(path, f"missing key {dotted!r}")
        node = node[key]
    return node
