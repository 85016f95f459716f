"""The ``lint-memory`` command: ``check``, ``rules``, ``explain``.

Each subcommand is one ``Subcommand`` (its arguments, its function) in ``SUBCOMMANDS``.
``check`` runs as separate steps (settings, collect, emit, exit status) so that steps which
change the reports between collecting and emitting them (fixing, filtering by a baseline) slot
in without touching the others.

Exit status: 0 clean, 1 findings, 2 usage or configuration error (or a bug while checking a
file).  Problems with the input are findings (LCM9xx), never an exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from lint_memory import __version__, config, formats, output, progress, ruff_table, runner, selection
from lint_memory.docs import rule_section
from lint_memory.rules import BY_CODE, RULES, Rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _list(text: str) -> list[str]:
    """A comma-separated option value: ``--select LCM1,LCM400``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lint-memory",
        description="Find deprecated LangChain memory code and say what replaces it.",
    )
    parser.add_argument("--version", action="version", version=f"lint-memory {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for command in SUBCOMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # a usage error exits 2 from here
    try:
        return args.run(args)
    except (config.ConfigError, selection.SelectionError) as error:
        print(f"lint-memory: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `lint-memory check | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


# --- check -------------------------------------------------------------------------------------


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files, folders and notebooks to check (default: the current folder)")
    parser.add_argument("--output-format", choices=list(formats.FORMATS), default=formats.DEFAULT,
                        help="how to print findings (default: %(default)s)")
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per code instead")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    rules = parser.add_argument_group("rule selection (over the configuration file)")
    rules.add_argument("--select", type=_list, metavar="CODES", help="codes or prefixes to enable, instead of "
                       "the configured ones (comma-separated; ALL for every rule)")
    rules.add_argument("--extend-select", type=_list, metavar="CODES", help="codes or prefixes to enable as well")
    rules.add_argument("--ignore", type=_list, metavar="CODES", help="codes or prefixes to disable")
    files = parser.add_argument_group("file selection")
    files.add_argument("--exclude", type=_list, metavar="GLOBS",
                       help="patterns to skip, instead of the configured ones and the defaults")
    files.add_argument("--extend-exclude", type=_list, metavar="GLOBS", help="patterns to skip as well")
    files.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                       help="skip files git ignores (default: on)")
    files.add_argument("--force-exclude", action=argparse.BooleanOptionalAction, default=None,
                       help="apply the excludes to files named on the command line too (pre-commit)")
    settings = parser.add_argument_group("configuration")
    settings.add_argument("--config", metavar="FILE",
                          help="read this file (a pyproject.toml or lint-memory.toml) instead of the nearest one")
    settings.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    settings.add_argument("--no-prefilter", action="store_true", help="parse every file (slower; for debugging)")


_OVERRIDES = ("select", "extend_select", "ignore", "exclude", "extend_exclude", "respect_gitignore", "force_exclude")


def check_settings(args: argparse.Namespace) -> runner.Settings:
    """The configuration file's settings under the command line's."""
    overrides = {
        name.replace("_", "-"): getattr(args, name) for name in _OVERRIDES if getattr(args, name) is not None
    }
    start = _common_folder(args.paths)
    settings = config.load_settings(start, config_file=args.config, overrides=overrides, isolated=args.isolated)
    return replace(settings, prefilter=False) if args.no_prefilter else settings


def _common_folder(paths: Sequence[str]) -> str:
    """Where to look for the configuration: the deepest folder holding every path."""
    try:
        return os.path.commonpath([os.path.abspath(path) for path in paths])
    except ValueError:  # different drives (Windows)
        return os.getcwd()


def collect(args: argparse.Namespace, settings: runner.Settings) -> list[runner.FileReport]:
    bar = progress.for_stderr()
    reports = runner.check_paths(args.paths, settings, progress=bar)
    if not reports:
        print("lint-memory: warning: no Python files or notebooks found under the given paths", file=sys.stderr)
    for report in reports:
        if report.error:
            print(f"lint-memory: error: internal error while checking {report.path}: {report.error} "
                  "(please report this)", file=sys.stderr)
    return reports


def emit(args: argparse.Namespace, settings: runner.Settings, reports: list[runner.FileReport]) -> None:
    text_format = args.output_format in formats.TEXT_FORMATS
    options = output.Options(codes=settings.codes, colour=text_format and output.colour_enabled(sys.stdout))
    if args.statistics:
        stats = output.statistics(reports)
        if args.output_format == "json":
            sys.stdout.write(output.statistics_json(stats))
            return
        sys.stdout.write(output.statistics_text(stats, options))
    else:
        sys.stdout.write(formats.render(args.output_format, reports, options))
    if text_format or args.statistics:
        print(output.summary(reports))


def exit_status(args: argparse.Namespace, reports: list[runner.FileReport]) -> int:
    if any(report.error for report in reports):
        return EXIT_ERROR
    found = any(report.findings for report in reports)
    return EXIT_FINDINGS if found and not args.exit_zero else EXIT_CLEAN


def run_check(args: argparse.Namespace) -> int:
    settings = check_settings(args)
    reports = collect(args, settings)
    emit(args, settings, reports)
    return exit_status(args, reports)


# --- rules and explain -------------------------------------------------------------------------


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-format", choices=["text", "json", "ruff"], default="text",
                        help="ruff: the banned-api table for [tool.ruff.lint.flake8-tidy-imports.banned-api]")


def rule_json(rule: Rule) -> dict:
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


def run_rules(args: argparse.Namespace) -> int:
    if args.output_format == "json":
        print(json.dumps([rule_json(rule) for rule in RULES], indent=2))
    elif args.output_format == "ruff":
        sys.stdout.write(ruff_table.render())
    else:
        for rule in RULES:
            flags = "" if rule.default else " (opt-in)"
            print(f"{rule.code}  {rule.name:<22} {rule.summary}{flags}")
    return EXIT_CLEAN


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", metavar="CODE", help="a rule code (LCM100) or name (buffer-memory)")


def run_explain(args: argparse.Namespace) -> int:
    rule = BY_CODE.get(args.code.upper()) or next((r for r in RULES if r.name == args.code), None)
    if rule is None:
        print(f"lint-memory: error: unknown rule `{args.code}`", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(rule_section(rule, level=1))
    return EXIT_CLEAN


SUBCOMMANDS: list[Subcommand] = [
    Subcommand("check", "check files, folders and notebooks", add_check_arguments, run_check),
    Subcommand("rules", "list the rules", add_rules_arguments, run_rules),
    Subcommand("explain", "show a rule's documentation", add_explain_arguments, run_explain),
]


if __name__ == "__main__":
    sys.exit(main())
