"""The ``policycmp`` command: ``build`` the tables, ``report`` the notebooks."""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import PolicyInputError
from .publish.build import build, timings_line
from .publish.fingerprint import is_stale

# Loaded only when ``policycmp report`` runs: its stack (papermill, nbformat, nbconvert, matplotlib)
# takes 2.5 s to import, which ``policycmp build`` would otherwise pay on every run.
REPORT_MODULE = "policycmp.report.run"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policycmp", description="Compare Chinese district economic policies.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="read data/raw/sources.yaml and write the tables")
    build_cmd.add_argument("--raw", default=None, help="folder holding sources.yaml (default data/raw)")
    build_cmd.add_argument("--out", default=None, help="folder for the Parquet tables (default data/processed)")
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
    report_cmd = commands.add_parser("report", help="execute the notebooks and render reports/")
    report_cmd.add_argument("--force", action="store_true", help="re-run every notebook, even unchanged ones")
    report_cmd.add_argument("--out", default=None, help="folder for the rendered reports (default reports)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            result = build(args.raw, args.out, jobs=args.jobs)
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
