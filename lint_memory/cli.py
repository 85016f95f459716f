"""The ``lint-memory`` command: ``check``, ``rules``, ``explain``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from lint_memory import __version__, output, runner, selection
from lint_memory.docs import rule_section
from lint_memory.rules import BY_CODE, RULES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lint-memory",
        description="Find deprecated LangChain memory code and say what replaces it.",
    )
    parser.add_argument("--version", action="version", version=f"lint-memory {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    check = commands.add_parser("check", help="check files, folders and notebooks")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--output-format", choices=["concise", "json"], default="concise")
    check.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable")
    check.add_argument("--extend-select", type=_codes, default=[], help="codes or prefixes to add")
    check.add_argument("--ignore", type=_codes, default=[], help="codes or prefixes to disable")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--no-prefilter", action="store_true", help="parse every file (slower; for debugging)")

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--output-format", choices=["text", "json"], default="text")

    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("code", metavar="CODE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _rules(args)
        return _explain(args)
    except selection.SelectionError as error:
        print(f"lint-memory: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `lint-memory check | head`
        return EXIT_CLEAN


def _check(args: argparse.Namespace) -> int:
    codes = selection.resolve(args.select, args.extend_select, args.ignore)
    settings = runner.Settings(codes=codes, prefilter=not args.no_prefilter)
    reports = runner.check_paths(args.paths, settings)
    found = sum(len(report.findings) for report in reports)
    if args.output_format == "json":
        sys.stdout.write(output.as_json(reports))
    else:
        sys.stdout.write(output.concise(reports))
        files = sum(1 for report in reports if report.findings)
        if found:
            print(f"Found {found} finding{'s' if found != 1 else ''} in {files} file{'s' if files != 1 else ''}.")
        else:
            print("All checks passed!")
    return EXIT_FINDINGS if found and not args.exit_zero else EXIT_CLEAN


def rule_json(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "url": rule.url,
        "fixable": rule.fixable,
        "default": rule.default,
        "pylint_msgid": rule.pylint_msgid,
        "pylint_symbol": rule.pylint_symbol,
        "docs": rule.anchor,
    }


def _rules(args: argparse.Namespace) -> int:
    if args.output_format == "json":
        print(json.dumps([rule_json(rule) for rule in RULES], indent=2))
        return EXIT_CLEAN
    for rule in RULES:
        flags = "" if rule.default else " (opt-in)"
        print(f"{rule.code}  {rule.name:<22} {rule.summary}{flags}")
    return EXIT_CLEAN


def _explain(args: argparse.Namespace) -> int:
    rule = BY_CODE.get(args.code.upper()) or next((r for r in RULES if r.name == args.code), None)
    if rule is None:
        print(f"lint-memory: error: unknown rule `{args.code}`", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(rule_section(rule, level=1))
    return EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
