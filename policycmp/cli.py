"""The ``policycmp`` command: ``add`` a document, ``build`` the tables, ``report`` the notebooks.

Each command's stack is imported when that command runs (through :mod:`importlib`): ``build`` and
``add`` need pandas and pandera, ``report`` papermill, nbformat and matplotlib, and a ``build`` or a
``report`` with nothing to do needs neither — each decides from hashes (:mod:`policycmp.publish.state`,
:mod:`policycmp.report.freshness`) and stops.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from . import paths
from .errors import PolicyInputError
from .ingest.integrity import ACCEPT_FLAG

# Loaded only when their command runs (see the module's docstring).
BUILD_MODULE = "policycmp.publish.build"
STATE_MODULE = "policycmp.publish.state"
ADD_MODULE = "policycmp.publish.register"
FRESHNESS_MODULE = "policycmp.report.freshness"
REPORT_MODULE = "policycmp.report.run"


def _corpus_arguments(command: argparse.ArgumentParser, out_help: str) -> None:
    command.add_argument(
        "--root",
        default=None,
        help="a project folder: its corpus in data/raw, tables in data/processed, pages in reports "
        "(default: the nearest such folder above the current one, else this checkout)",
    )
    command.add_argument("--raw", default=None, help="folder holding sources.yaml (default ROOT/data/raw)")
    command.add_argument("--out", default=None, help=out_help)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policycmp", description="Compare Chinese district economic policies.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="read data/raw/sources.yaml and write the tables")
    _corpus_arguments(build_cmd, "folder for the Parquet tables (default ROOT/data/processed)")
    build_cmd.add_argument(
        "--strict",
        action="store_true",
        help="refuse a section heading that matches no domain pattern instead of inferring its domain",
    )
    build_cmd.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes sharing the per-document work, this one included (default: every core on 50 or more "
        "policies, else 1)",
    )
    build_cmd.add_argument(
        "--timings", action="store_true", help="print the seconds each stage took to stderr (benchmarks read it)"
    )
    build_cmd.add_argument(
        ACCEPT_FLAG,
        dest="accept_changed",
        action="store_true",
        help="build a raw file whose bytes differ from its registered source_sha256 (with a warning) instead of "
        "refusing it; `policycmp add` of the file records its new bytes for good",
    )
    build_cmd.add_argument(
        "--no-cache",
        dest="use_cache",
        action="store_false",
        help="read every document again and use no cache (the cache lives beside OUT and is safe to delete)",
    )
    add_cmd = commands.add_parser("add", help="copy documents into data/raw and register them in sources.yaml")
    add_cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="web page, PDF, Word or text file")
    add_cmd.add_argument("--root", default=None, help="a project folder whose data/raw receives the files")
    add_cmd.add_argument("--raw", default=None, help="folder holding sources.yaml (default ROOT/data/raw)")
    add_cmd.add_argument("--district", default=None, help="district (or city) key of the gazetteer, e.g. zhenhai")
    add_cmd.add_argument("--kind", default=None, help="policy, outcome_report or city_work_report")
    add_cmd.add_argument("--year", type=int, default=None, help="the year the document's measures apply to")
    add_cmd.add_argument("--issued", default=None, help="the date it was issued, YYYY-MM-DD")
    add_cmd.add_argument("--title", default=None, help="the document's title, when the capture lost it")
    add_cmd.add_argument("--dry-run", action="store_true", help="print the entries and write nothing")
    report_cmd = commands.add_parser("report", help="execute the notebooks and render reports/")
    _corpus_arguments(report_cmd, "folder for the rendered reports (default ROOT/reports)")
    report_cmd.add_argument(
        "--tables", default=None, help="folder of the tables it builds and reads (default ROOT/data/processed)"
    )
    report_cmd.add_argument("--force", action="store_true", help="re-run every notebook, even unchanged ones")
    return parser


def _check_root(root: str, *, starting: bool = False) -> Path:
    """A project folder: one holding data/raw/sources.yaml; with ``starting`` (``add``), any existing folder,
    whose data/raw then receives the first document and a new registry."""
    folder = Path(root).resolve()
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "no such folder"
        raise PolicyInputError(folder, f"--root: {what}")
    if starting:
        return folder
    if not (folder / "data" / "raw" / "sources.yaml").is_file():
        hint = " (it holds sources.yaml itself: pass it as --raw)" if (folder / "sources.yaml").is_file() else ""
        raise PolicyInputError(
            folder, f"--root: no data/raw/sources.yaml here; a project folder keeps its corpus in data/raw{hint}"
        )
    return folder


@contextlib.contextmanager
def _folders(args: argparse.Namespace) -> Iterator[None]:
    """The run's folders as the environment says them, so every default path — in kernels too — follows."""
    wanted = {
        paths.ROOT_VARIABLE: str(_check_root(args.root, starting=args.command == "add")) if args.root else None,
        paths.RAW_VARIABLE: str(Path(args.raw).resolve()) if args.raw else None,
        paths.PROCESSED_VARIABLE: str(Path(args.tables).resolve()) if getattr(args, "tables", None) else None,
    }
    saved = {name: os.environ.get(name) for name in wanted}
    try:
        for name, value in wanted.items():
            if value is not None:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _report(args: argparse.Namespace) -> int:
    if args.raw and not args.root and not (args.tables and args.out):
        raise PolicyInputError(
            args.raw,
            "--raw needs --tables and --out too (or --root, a project folder), so that another corpus's tables "
            "and pages do not replace this project's",
        )
    fingerprint = importlib.import_module("policycmp.publish.fingerprint")
    if fingerprint.is_stale():
        print("policycmp report: the raw data or the code changed since the last build; building first")
        importlib.import_module(BUILD_MODULE).build(echo=lambda *a, **k: None, progress=False)
    out = Path(args.out) if args.out else paths.reports_dir()
    if not args.force and importlib.import_module(FRESHNESS_MODULE).says_unchanged(out, print):
        return 0
    report = importlib.import_module(REPORT_MODULE).report
    # A progress bar where someone watches, as `policycmp build` does; a log or a pipe gets the summary.
    return int(report(force=args.force, out_dir=out, progress=sys.stderr.isatty()))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with _folders(args):
            if args.command == "add":
                importlib.import_module(ADD_MODULE).add(
                    args.paths,
                    Path(args.raw) if args.raw else paths.raw_dir(),
                    district=args.district,
                    kind=args.kind,
                    year=args.year,
                    issued=args.issued,
                    title=args.title,
                    dry_run=args.dry_run,
                )
            elif args.command == "build":
                if args.use_cache:
                    # nothing to do is decided from hashes, before pandas and the stages are imported
                    state = importlib.import_module(STATE_MODULE)
                    raw = Path(args.raw) if args.raw else paths.raw_dir()
                    out = Path(args.out) if args.out else paths.processed_dir()
                    seconds = state.unchanged_build(raw, out, strict=args.strict, echo=print)
                    if seconds is not None:
                        if args.timings:
                            print(state.timings_line(seconds), file=sys.stderr)
                        return 0
                build = importlib.import_module(BUILD_MODULE)
                result = build.build(
                    args.raw,
                    args.out,
                    strict=args.strict,
                    jobs=args.jobs,
                    accept_changed=args.accept_changed,
                    use_cache=args.use_cache,
                    check_unchanged=False,  # just checked, above
                )
                if args.timings:
                    print(build.timings_line(result.timings), file=sys.stderr)
            else:
                return _report(args)
    except PolicyInputError as exc:
        print(f"policycmp {args.command}: error: {exc.one_line()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
