"""The ``policycmp`` command: ``add`` a document, ``build`` the tables, ``report`` the notebooks."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from . import paths
from .errors import PolicyInputError
from .ingest.integrity import ACCEPT_FLAG
from .publish.build import build, timings_line
from .publish.fingerprint import is_stale
from .publish.register import add

# Loaded only when ``policycmp report`` runs: its stack (papermill, nbformat, matplotlib) takes
# seconds to import, which ``policycmp build`` and ``policycmp add`` would otherwise pay on every run.
REPORT_MODULE = "policycmp.report.run"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policycmp", description="Compare Chinese district economic policies.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="read data/raw/sources.yaml and write the tables")
    build_cmd.add_argument("--raw", default=None, help="folder holding sources.yaml (default data/raw)")
    build_cmd.add_argument("--out", default=None, help="folder for the Parquet tables (default data/processed)")
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
    add_cmd.add_argument("--raw", default=None, help="folder holding sources.yaml (default data/raw)")
    add_cmd.add_argument("--district", default=None, help="district (or city) key of the gazetteer, e.g. zhenhai")
    add_cmd.add_argument("--kind", default=None, help="policy, outcome_report or city_work_report")
    add_cmd.add_argument("--year", type=int, default=None, help="the year the document's measures apply to")
    add_cmd.add_argument("--issued", default=None, help="the date it was issued, YYYY-MM-DD")
    add_cmd.add_argument("--title", default=None, help="the document's title, when the capture lost it")
    add_cmd.add_argument("--dry-run", action="store_true", help="print the entries and write nothing")
    report_cmd = commands.add_parser("report", help="execute the notebooks and render reports/")
    report_cmd.add_argument("--force", action="store_true", help="re-run every notebook, even unchanged ones")
    report_cmd.add_argument("--out", default=None, help="folder for the rendered reports (default reports)")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            raw = Path(args.raw) if args.raw else paths.raw_dir()
            add(
                args.paths,
                raw,
                district=args.district,
                kind=args.kind,
                year=args.year,
                issued=args.issued,
                title=args.title,
                dry_run=args.dry_run,
            )
        elif args.command == "build":
            result = build(
                args.raw,
                args.out,
                strict=args.strict,
                jobs=args.jobs,
                accept_changed=args.accept_changed,
                use_cache=args.use_cache,
            )
            if args.timings:
                print(timings_line(result), file=sys.stderr)
        else:
            if is_stale():
                print("policycmp report: the raw data or the code changed since the last build; building first")
                build(echo=lambda *a, **k: None, progress=False)
            report = importlib.import_module(REPORT_MODULE).report
            return int(report(force=args.force, out_dir=args.out))
    except PolicyInputError as exc:
        print(f"policycmp {args.command}: error: {exc.one_line()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
