"""Command line: ``python -m pipeline SUBCOMMAND --raw DIR --out DIR --rules DIR``.

The CLI only parses arguments, calls the stages and maps failures to exit
statuses (see README, "Errors and exit statuses"):

0  success
1  the dataset was written, but some documents were rejected (listed on stderr
   and in ``<out>/rejects.parquet``)
2  bad usage or invalid rule files (every problem printed as file:line)
3  no input: the raw folder is missing or holds no documents
4  the output folder cannot be written (permissions, full disk)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_NO_INPUT, EXIT_OUTPUT = 0, 1, 2, 3, 4


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", type=Path, default=Path("raw"), help="folder of raw documents (default: raw)")
    parser.add_argument("--out", type=Path, default=Path("processed"), help="output folder (default: processed)")
    parser.add_argument("--rules", type=Path, default=Path("rules"), help="rules folder (default: rules)")
    from pipeline.shards import default_workers
    parser.add_argument("--workers", type=int, default=default_workers(), metavar="N",
                        help="worker processes for normalize and extract (default: $ORGFUNCTIONS_WORKERS or 1)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="'local' processes, or a Dask cluster (default: local)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="with --engine dask: address of an existing Dask scheduler (default: a local cluster)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="Turn a folder of documents into a Parquet dataset of which "
                                                 "organizations do what.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in (
        ("run", "all stages: normalize, extract, resolve, write"),
        ("normalize", "decode and normalize raw/ into <out>/.work/normalized.parquet"),
        ("extract", "find mentions and links into <out>/.work/"),
        ("resolve", "resolve organizations and facts across the corpus into <out>/.work/resolved/"),
        ("write", "publish the four tables into <out>/ atomically"),
    ):
        _common(sub.add_parser(name, help=help_text, description=help_text))
    rules = sub.add_parser("rules", help="work with rule files", description="work with rule files")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = rules_sub.add_parser("check", help="validate every rule file and report all problems")
    check.add_argument("--rules", type=Path, default=Path("rules"))
    from pipeline import explain
    explain.add_arguments(sub.add_parser(
        "explain", help="show what the rules find in one text, which rule fired and the resolved ids",
        description="Show what the rules find in one text: normalization changes, ORG and FUNCTION spans "
                    "with the rule that fired and the resolved id, and links with their evidence."))
    return parser


def _error(message: object) -> None:
    """Print one error line: paths in messages may hold newlines, which are escaped."""
    from pipeline.corpus import display_name
    print(f"error: {display_name(str(message))}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "explain":
        from pipeline import explain
        return explain.run(args)
    from pipeline import stages
    from pipeline.corpus import CorpusError, display_name
    from pipeline.rules import RuleError
    from pipeline.write import OutputError

    summary = stages.Summary()
    try:
        if args.command == "rules":
            from pipeline.rules import load_rules
            rules = load_rules(args.rules)
            print(f"{args.rules}: {len(rules.organizations)} organizations, {len(rules.functions)} functions, "
                  f"{len(rules.org_patterns)} organization patterns, {len(rules.examples)} examples: all valid")
            return EXIT_OK
        options = stages.Options(workers=max(1, args.workers), engine=args.engine, scheduler=args.scheduler)
        if args.command in ("run", "normalize"):
            stages.normalize_stage(args.raw, args.out, summary, options)
        if args.command in ("run", "extract"):
            stages.extract_stage(args.out, args.rules, summary, options)
        if args.command in ("run", "resolve"):
            stages.resolve_stage(args.out, args.rules, summary, options)
        if args.command in ("run", "write"):
            stages.write_stage(args.raw, args.out, args.rules, summary, options)
            print(summary.line(), file=sys.stderr)
    except RuleError as exc:
        for problem in exc.problems:
            print(display_name(str(problem)), file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the rule files", file=sys.stderr)
        return EXIT_USAGE
    except CorpusError as exc:
        _error(exc)
        return EXIT_NO_INPUT
    except (OutputError, PermissionError) as exc:
        _error(exc)
        return EXIT_OUTPUT
    except FileNotFoundError as exc:
        _error(f"{exc.filename}: missing; run the earlier stages first (or 'run')")
        return EXIT_USAGE
    except OSError as exc:
        _error(exc)
        return EXIT_OUTPUT
    return EXIT_REJECTED if summary.rejected else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
