"""The ``lint-memory`` command: ``check``, ``report``, ``rules``, ``explain``, ``server``.

Each subcommand is one ``Subcommand`` (its arguments, its function) in ``SUBCOMMANDS``.
``check`` runs as separate steps (settings, collect, emit, exit status); the steps that change
the reports between collecting and emitting them slot in between: ``--fix`` (apply, then check
the changed files again so what remains is reported where it now is) and the baseline filter.
``--diff``, ``--write-baseline`` and ``--add-noqa`` replace emitting with their own action.

Start-up time is what a pre-commit hook or an editor that shells out waits for on every file, so
what only some runs need is imported where it is used: fixing (libcst), baselines, ``--add-noqa``,
the output formats other than the chosen one, ``rules`` and ``explain``; and only the invoked
subcommand's arguments are built (a plain ``check``, switches and paths, none: ``plain_check``).
Run as the command, it ends its process once the output is flushed (``exit_now``).

Exit status: 0 clean, 1 findings, 2 usage or configuration error, or a bug in lint-memory.
Problems with the input are findings (LCM9xx), never an exit 2.  With ``--fix``, what counts is
what remains (ruff's semantics); ``--diff`` exits 1 when it would change something.  A bug never
ends in a traceback or in exit 1: one line on standard error names the file and asks for a report,
and the status is 2 (``lint_memory.crash``; ``LINT_MEMORY_DEBUG=1`` shows the traceback).  A bug
while checking one file costs that file only: the others are still checked and reported.

Fixing, ``--diff`` and ``--add-noqa`` run again on a large stack (``lint_memory.deep``) on a file
that is merely long (deep ``elif`` chains, long method chains), as checking does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from lint_memory import __version__, crash, runner
from lint_memory.deep import retry_deep
from lint_memory.frontends import plain_args
from lint_memory.output import common as output
from lint_memory.output import formats
from lint_memory.project import config, selection
from lint_memory.project.resolver import Resolver, RunOptions
from lint_memory.rules import BY_CODE, RULES, Rule

if TYPE_CHECKING:
    import argparse

    from lint_memory.model import FileReport
    from lint_memory.project.settings import Settings

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


@cache
def _formatter() -> type[argparse.HelpFormatter]:
    """argparse's help formatter, sized as it sizes itself (``shutil.get_terminal_size``) without
    importing ``shutil`` (and its compression modules) on every run: argparse builds a formatter
    for each argument added, help or not."""
    import argparse

    class Formatter(argparse.HelpFormatter):
        def __init__(
            self,
            prog: str,
            indent_increment: int = 2,
            max_help_position: int = 24,
            width: int | None = None,
            **more: Any,
        ) -> None:
            width = _columns() - 2 if width is None else width
            super().__init__(prog, indent_increment, max_help_position, width, **more)

    return Formatter


def _columns() -> int:
    """``shutil.get_terminal_size().columns``: ``COLUMNS`` if a positive number, else the terminal of
    ``sys.__stdout__``, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, the parser of that subcommand alone (the others'
    arguments are not built: a pre-commit hook runs ``check`` once per batch of files)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="lint-memory",
        description="Find deprecated LangChain memory code and say what replaces it.",
        formatter_class=_formatter(),
    )
    parser.add_argument("--version", action="version", version=f"lint-memory {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for command in SUBCOMMANDS:
        if only is not None and command.name != only:
            continue
        sub = commands.add_parser(
            command.name, help=command.help, description=command.help, formatter_class=_formatter()
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


class UsageError(Exception):
    """Options that cannot go together."""


def _user_errors() -> tuple[type[Exception], ...]:
    """The exceptions that report a mistake in the options or the configuration (exit 2).  The
    LangChain target's and the baseline's are only raised once their modules are loaded."""
    errors: list[type[Exception]] = [config.ConfigError, selection.SelectionError, UsageError]
    for module, name in (
        ("lint_memory.project.target", "TargetError"),
        ("lint_memory.project.baseline", "BaselineError"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            errors.append(getattr(loaded, name))
    return tuple(errors)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: this process's) and return its exit status.  Run as the
    command (``argv`` None), a short-lived subcommand ends the process itself once its output is
    flushed (``exit_now``)."""
    command_line = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    named = argv[0] if argv and argv[0] in {command.name for command in SUBCOMMANDS} else None
    args = plain_check(argv) or build_parser(named).parse_args(argv)  # a usage error exits 2 from here
    output.never_fail_to_print()
    status = _run(args)
    if command_line and args.command != "server":
        exit_now(status)
    return status


def plain_check(argv: Sequence[str]) -> argparse.Namespace | None:
    """``check`` arguments read without argparse where they are the usual ones (``plain_args``), else None."""
    return plain_args.plain_check(argv, run_check)


def exit_now(status: int) -> None:
    """End the process with ``status`` once standard output and error are flushed, skipping the
    interpreter's clean-up: freeing every object of a large run one by one, and the exit handlers of
    modules that are done (a process pool's, joined already), cost more than the output did (15 ms
    after checking a 2,700-file tree).  Everything a run writes is closed by then.  Returns, leaving
    the exit to the interpreter as usual, when a stream cannot be flushed (a reader that left)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # AttributeError: no stream at all (None)
        return
    os._exit(status)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.run(args)
    except BrokenPipeError:  # `lint-memory check | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:
        if isinstance(error, _user_errors()):
            print(f"lint-memory: error: {error}", file=sys.stderr)
        else:  # a bug: one line asking for a report (the traceback under LINT_MEMORY_DEBUG), never exit 1
            crash.report(error)
        return EXIT_ERROR


# --- check -------------------------------------------------------------------------------------


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files, folders and notebooks to check (default: the current folder)",
    )


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--output-format",
        choices=list(formats.FORMATS),
        default=formats.DEFAULT,
        help="how to print findings (default: %(default)s)",
    )
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per code instead")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    fixing = parser.add_argument_group("fixing (LCM400 imports; see docs/fixes.md)")
    fixing.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what remains")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply the unsafe fixes too")
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change as a unified diff and write nothing (exit 1 when something would change)",
    )
    fixing.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="with --fix, exit 1 when something was fixed, even if nothing remains",
    )
    migration = parser.add_argument_group("gradual migration (see docs/ci.md)")
    migration.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only the findings this baseline does not record (default: `baseline` in the configuration)",
    )
    migration.add_argument(
        "--write-baseline",
        metavar="FILE",
        nargs="?",
        const=True,
        help="record every current finding in FILE (replacing it) and exit 0; without FILE, "
        "each configuration's own `baseline` file gets the findings of its files",
    )
    migration.add_argument(
        "--add-noqa", action="store_true", help="add `# noqa: LCMxxx` comments to every finding that would be reported"
    )
    add_selection_arguments(parser)


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """Rule and file selection and the configuration: shared by ``check`` and ``report``."""
    import argparse

    rules = parser.add_argument_group("rule selection (over the configuration file)")
    rules.add_argument(
        "--select",
        type=_list,
        metavar="CODES",
        help="codes or prefixes to enable, instead of the configured ones (comma-separated; ALL for every rule)",
    )
    rules.add_argument("--extend-select", type=_list, metavar="CODES", help="codes or prefixes to enable as well")
    rules.add_argument("--ignore", type=_list, metavar="CODES", help="codes or prefixes to disable")
    files = parser.add_argument_group("file selection")
    files.add_argument(
        "--exclude",
        type=_list,
        metavar="GLOBS",
        help="patterns to skip, instead of the configured ones and the defaults",
    )
    files.add_argument("--extend-exclude", type=_list, metavar="GLOBS", help="patterns to skip as well")
    files.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="skip files git ignores (default: on)",
    )
    files.add_argument(
        "--force-exclude",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="apply the excludes to files named on the command line too (pre-commit)",
    )
    settings = parser.add_argument_group("configuration")
    settings.add_argument(
        "--config",
        metavar="FILE",
        help="read this file (a pyproject.toml or lint-memory.toml) instead of the nearest one",
    )
    settings.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    settings.add_argument(
        "--show-settings",
        action="store_true",
        help="print the settings each PATH is checked under and the files they come from, and exit",
    )
    settings.add_argument("--no-prefilter", action="store_true", help="parse every file (slower; for debugging)")


_OVERRIDES = (
    "select",
    "extend_select",
    "ignore",
    "exclude",
    "extend_exclude",
    "respect_gitignore",
    "force_exclude",
    "baseline",
)
# Options that each replace the usual output with an action of their own, and what they exclude.
_CONFLICTS = (
    ("add_noqa", "fix"),
    ("add_noqa", "diff"),
    ("add_noqa", "write_baseline"),
    ("write_baseline", "fix"),
    ("write_baseline", "diff"),
)


def check_settings(args: argparse.Namespace, *, plan_fixes: bool | None = None) -> Resolver:
    """Each file's settings: its nearest configuration file's (or ``--config``'s, or none with
    ``--isolated``) under the command line's.  The configuration of the folder holding every path
    is read now, so that a broken one is an error before any file is read."""
    overrides = {
        name.replace("_", "-"): getattr(args, name) for name in _OVERRIDES if getattr(args, name, None) is not None
    }
    plan = _needs_fixes(args) if plan_fixes is None else plan_fixes
    options = RunOptions(prefilter=not args.no_prefilter, plan_fixes=plan, render_fixes=_renders_fixes(args))
    resolver = Resolver(overrides, config_file=args.config, isolated=args.isolated, options=options, paths=args.paths)
    run_settings(resolver, args.paths)
    return resolver


def run_settings(resolver: Resolver, paths: Sequence[str]) -> Settings:
    """The settings of the folder holding every path: the run's root and what is said once per run."""
    return resolver.for_folder(_common_folder(paths))


def show_settings(args: argparse.Namespace) -> int:
    """``--show-settings``: each path's resolved settings and the files they come from."""
    from lint_memory.project import show

    resolver = check_settings(args)
    sys.stdout.write("\n".join(show.describe(resolver, path) for path in args.paths))
    return EXIT_CLEAN


def _needs_fixes(args: argparse.Namespace) -> bool:
    """Whether the run shows or applies fixes: the text formats mark them, the JSON formats and
    SARIF carry them, ``--statistics`` counts them.  Planning costs libcst work on every file with
    an LCM400, in the worker processes; recording a baseline or adding noqa comments skip it."""
    if getattr(args, "fix", False) or getattr(args, "diff", False):
        return True
    if getattr(args, "write_baseline", None) or getattr(args, "add_noqa", False):
        return False
    return args.output_format not in ("github", "gitlab") or getattr(args, "statistics", False)


def _renders_fixes(args: argparse.Namespace) -> bool:
    """Whether the fixes' edits are needed: to apply or show them (``--fix``, ``--diff``) or to carry
    them (JSON, SARIF).  The text formats, ``--statistics`` and ``report`` only mark what is fixable,
    which the planner decides without libcst (importing it costs more than checking a file)."""
    if getattr(args, "fix", False) or getattr(args, "diff", False):
        return True
    return getattr(args, "output_format", None) not in _MARKING_FORMATS


_MARKING_FORMATS = frozenset({"full", "concise", "table", "markdown"})


def _common_folder(paths: Sequence[str]) -> str:
    """The deepest folder holding every path."""
    try:
        common = os.path.commonpath([os.path.abspath(path) for path in paths])
    except ValueError:  # different drives (Windows)
        return os.getcwd()
    return common if os.path.isdir(common) or not os.path.exists(common) else os.path.dirname(common)


def collect(args: argparse.Namespace, settings: Resolver) -> list[FileReport]:
    from lint_memory.frontends import progress

    bar = progress.for_stderr()
    reports = runner.check_paths(args.paths, settings, progress=bar)
    if not reports:
        print("lint-memory: warning: no Python files or notebooks found under the given paths", file=sys.stderr)
    _warn_about_project_files(settings, reports)
    _report_errors(reports)
    return reports


def _warn_about_project_files(settings: Resolver, reports: Sequence[FileReport]) -> None:
    """Once per run, each pyproject.toml whose dependency tables cannot be read (not TOML, or of an
    unexpected shape), where a fix needed the LangChain target: the run goes on without them."""
    from lint_memory.rules import has_fixes

    paths = [
        report.path
        for report in reports
        if report.findings
        and any(has_fixes(f.code) for f in report.findings)
        and settings.for_file(report.path).target_langchain is None
    ]
    if not paths:
        return
    from lint_memory.project import target

    for problem in target.problems(paths):
        print(f"lint-memory: warning: {problem}; its LangChain requirements are skipped", file=sys.stderr)


def _report_errors(reports: Sequence[FileReport]) -> None:
    for report in reports:
        if report.error:
            print(crash.crash_line(report.error, report.path), file=sys.stderr)


@dataclass
class Outcome:
    """What the steps between collecting and emitting did, for the summary and the exit status."""

    fixed: int = 0  # findings fixed by --fix


# --- fixing ------------------------------------------------------------------------------------


def fix(args: argparse.Namespace, settings: Resolver, reports: list[FileReport]) -> int:
    """Apply the fixes (``--fix``), file by file, each written atomically; the files that changed
    are checked again, so the reports hold what remains, where it now is.  Returns how many
    findings were fixed.  A file that cannot be fixed (unreadable, read-only, changed since it was
    checked, a result that would not parse) is named on stderr and left as it was."""
    from lint_memory import fix as fixes  # libcst: only when fixing

    fixed, pending = 0, list(range(len(reports)))
    for _ in range(MAX_FIX_PASSES):  # as ruff: a fix can make another one possible (a migration, then its imports)
        changed = []
        for index in pending:
            report = reports[index]
            if report.error:
                continue
            with crash.working_on(report.path):
                result = retry_deep(fixes.fix_file, report.path, report, unsafe=args.unsafe_fixes, write=True)
            if result.error:
                print(f"lint-memory: error: {report.path}: {result.error}", file=sys.stderr)
            elif result.changed:
                fixed += len(result.fixed)
                changed.append(index)
        if not changed:
            break
        paths = [reports[index].path for index in changed]
        fresh = {report.path: report for report in runner.check_paths(paths, settings)}
        for index, path in zip(changed, paths, strict=True):
            reports[index] = fresh.get(path) or runner.check_file(path, settings.for_file(path))
        _report_errors([reports[index] for index in changed])
        pending = changed
    return fixed


MAX_FIX_PASSES = 10  # passes over the files a pass changed; two are enough for what we fix today


def show_diff(args: argparse.Namespace, reports: list[FileReport]) -> int:
    """``--diff``: what ``--fix`` would do, as a unified diff on stdout; nothing is written."""
    from lint_memory import fix as fixes  # libcst: only when fixing

    would = 0
    for report in reports:
        if report.error:
            continue
        with crash.working_on(report.path):
            result = retry_deep(fixes.fix_file, report.path, report, unsafe=args.unsafe_fixes, write=False)
        if result.error:
            print(f"lint-memory: error: {report.path}: {result.error}", file=sys.stderr)
        elif result.changed:
            sys.stdout.write(fixes.unified_diff(result))
            would += len(result.fixed)
    print(f"Would fix {_plural(would, 'finding')}." if would else "No fixes to apply.", file=sys.stderr)
    if any(report.error for report in reports):
        return EXIT_ERROR
    return EXIT_FINDINGS if would else EXIT_CLEAN


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- baseline and noqa ---------------------------------------------------------------------------


def apply_baseline(resolver: Resolver, reports: list[FileReport]) -> list[FileReport]:
    """Drop the findings each file's baseline records (its configuration's, or ``--baseline``'s);
    say on stderr (stdout may be a JSON document) how many recorded findings no longer occur, so
    that the file can be tightened.  Most runs have no baseline: every file's settings were handed out
    while checking, so one look at them says so, without grouping the reports."""
    if not any(settings.baseline for settings in resolver.seen()):
        return reports
    kept: dict[int, FileReport] = {}
    for (path, root), group in _by_baseline(resolver, reports).items():
        if path is None:
            continue
        from lint_memory.project.baseline import load_baseline

        result = load_baseline(path).apply([reports[index] for index in group], root)
        kept.update(zip(group, result.reports, strict=True))
        stale = result.stale_count
        if stale:
            gone = (
                "finding recorded in the baseline no longer occurs"
                if stale == 1
                else ("findings recorded in the baseline no longer occur")
            )
            print(
                f"lint-memory: {stale} {gone}; drop {'it' if stale == 1 else 'them'} with "
                f"`lint-memory check --write-baseline {_shown(path)}`",
                file=sys.stderr,
            )
    return [kept.get(index, report) for index, report in enumerate(reports)]


def _by_baseline(resolver: Resolver, reports: Sequence[FileReport]) -> dict[tuple[str | None, str | None], list[int]]:
    """Report indexes grouped by (baseline file, folder its names are relative to), in order."""
    groups: dict[tuple[str | None, str | None], list[int]] = {}
    for index, report in enumerate(reports):
        settings = resolver.for_file(report.path)
        path = settings.baseline_file
        key = (os.path.abspath(path) if path else None, settings.fingerprint_root)
        groups.setdefault(key, []).append(index)
    return groups


def _shown(path: str) -> str:
    """``path`` as a command typed here would name it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path


def record_baseline(args: argparse.Namespace, resolver: Resolver, reports: list[FileReport]) -> int:
    """``--write-baseline FILE``: every current finding in FILE, fingerprinted relative to the same
    root that applying it with ``--baseline FILE`` uses (the run's root).  ``--write-baseline``
    alone: each configuration's own ``baseline`` file, with the findings of the files under it."""
    if any(report.error for report in reports):
        print(
            f"lint-memory: error: {_baseline_target(args)} not written: some files could not be checked",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.write_baseline is not True:
        root = resolver.run_root
        _record(args.write_baseline, reports, root)
        configurations = {resolver.for_file(report.path).sources[-1:] for report in reports}
        if len(configurations) > 1:
            print(
                f"lint-memory: {_shown(args.write_baseline)} holds the findings of files under "
                f"{len(configurations)} configurations, named relative to {_shown(root or os.curdir)}; apply it "
                f"with `--baseline {_shown(args.write_baseline)}` (each configuration's own `baseline` "
                "file is written by `--write-baseline` without a file name)",
                file=sys.stderr,
            )
        return EXIT_CLEAN
    groups = _by_baseline(resolver, reports)
    unrecorded = [index for (path, _), group in groups.items() if path is None for index in group]
    groups = {key: group for key, group in groups.items() if key[0] is not None}
    if not groups:
        raise UsageError("no `baseline` is configured for the checked files: name the file, `--write-baseline FILE`")
    for (path, root), group in groups.items():
        _record(path, [reports[index] for index in group], root)  # type: ignore[arg-type]
    if unrecorded:
        print(
            f"lint-memory: warning: {_plural(len(unrecorded), 'checked file')} with no `baseline` configured "
            "not recorded",
            file=sys.stderr,
        )
    return EXIT_CLEAN


def _baseline_target(args: argparse.Namespace) -> str:
    return "the baselines" if args.write_baseline is True else args.write_baseline


def _record(path: str, reports: Sequence[FileReport], root: str | None) -> None:
    from lint_memory.project.baseline import write_baseline

    entries = write_baseline(path, reports, root)
    findings = sum(len(report.findings) for report in reports)
    print(
        f"lint-memory: recorded {_plural(findings, 'finding')} ({entries} {'entry' if entries == 1 else 'entries'}) "
        f"in {_shown(path) if os.path.isabs(path) else path}",
        file=sys.stderr,
    )


def add_noqa_comments(reports: list[FileReport]) -> int:
    """``--add-noqa``: a ``# noqa`` comment for every finding that would be reported."""
    from lint_memory.project.add_noqa import AddNoqaError, add_noqa_file

    added, failed = 0, False
    for report in reports:
        try:
            with crash.working_on(report.path):
                added += retry_deep(add_noqa_file, report)
        except AddNoqaError as error:
            print(f"lint-memory: error: {error}", file=sys.stderr)
            failed = True
    print(f"Added noqa comments for {_plural(added, 'finding')}.", file=sys.stderr)
    return EXIT_ERROR if failed or any(report.error for report in reports) else EXIT_CLEAN


# --- output and exit status ----------------------------------------------------------------------


def emit(
    args: argparse.Namespace,
    resolver: Resolver,
    reports: list[FileReport],
    outcome: Outcome | None = None,
) -> None:
    outcome = outcome or Outcome()
    text_format = args.output_format in formats.TEXT_FORMATS
    codes = frozenset().union(*(settings.codes for settings in resolver.seen()))
    options = output.Options(codes=codes, colour=text_format and output.colour_enabled(sys.stdout))
    if args.statistics:
        stats = output.statistics(reports)
        if args.output_format == "json":
            sys.stdout.write(output.statistics_json(stats))
            return
        sys.stdout.write(output.statistics_text(stats, options))
    else:
        sys.stdout.write(formats.render(args.output_format, reports, options))
    if text_format or args.statistics:
        if args.fix:
            print(output.fix_summary(reports, outcome.fixed, unsafe_fixes=args.unsafe_fixes))
        else:
            print(output.summary(reports))


def exit_status(args: argparse.Namespace, reports: list[FileReport], outcome: Outcome | None = None) -> int:
    if any(report.error for report in reports):
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    found = any(report.findings for report in reports)
    fixed = outcome is not None and outcome.fixed > 0 and args.exit_non_zero_on_fix
    return EXIT_FINDINGS if found or fixed else EXIT_CLEAN


def run_check(args: argparse.Namespace) -> int:
    for first, second in _CONFLICTS:
        if getattr(args, first) and getattr(args, second):
            raise UsageError(f"--{first.replace('_', '-')} cannot be used with --{second.replace('_', '-')}")
    if args.show_settings:
        return show_settings(args)
    settings = check_settings(args)
    reports = collect(args, settings)
    if args.diff:
        return show_diff(args, reports)
    if args.write_baseline:
        return record_baseline(args, settings, reports)
    outcome = Outcome()
    if args.fix:
        outcome.fixed = fix(args, settings, reports)
    reports = apply_baseline(settings, reports)
    if args.add_noqa:
        return add_noqa_comments(reports)
    emit(args, settings, reports, outcome)
    return exit_status(args, reports, outcome)


# --- report ------------------------------------------------------------------------------------


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--output-format",
        choices=["table", "markdown"],
        default="table",
        help="table for a terminal, markdown for $GITHUB_STEP_SUMMARY or a pull-request comment (default: %(default)s)",
    )
    add_selection_arguments(parser)


def run_report(args: argparse.Namespace) -> int:
    """What is left to migrate, baselined findings included, per rule and top-level package."""
    from lint_memory.output import report

    settings = check_settings(args, plan_fixes=True)  # "Fixable" is what --fix would fix
    reports = collect(args, settings)
    migration = report.build_report(reports, _report_root(run_settings(settings, args.paths), args.paths))
    render = report.render_markdown if args.output_format == "markdown" else report.render_table
    sys.stdout.write(render(migration))
    return EXIT_ERROR if any(r.error for r in reports) else EXIT_CLEAN


def _report_root(settings: Settings, paths: Sequence[str]) -> str:
    """Packages are named from the configuration's folder; without one, from the current folder,
    unless the checked paths lie outside it (then from the folder holding them all)."""
    if settings.root:
        return settings.root
    here, common = os.getcwd(), _common_folder(paths)
    inside = common == here or common.startswith(here.rstrip(os.sep) + os.sep)
    if inside:
        return here
    return common if os.path.isdir(common) else os.path.dirname(common)


# --- rules and explain -------------------------------------------------------------------------


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output-format",
        choices=["text", "json", "ruff"],
        default="text",
        help="ruff: the banned-api table for [tool.ruff.lint.flake8-tidy-imports.banned-api]",
    )


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
        import json

        print(json.dumps([rule_json(rule) for rule in RULES], indent=2))
    elif args.output_format == "ruff":
        from lint_memory.output import ruff_table

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
    from lint_memory.output.docs import rule_section

    sys.stdout.write(rule_section(rule, level=1))
    return EXIT_CLEAN


# --- server --------------------------------------------------------------------------------------

SERVER_PACKAGES = ("pygls", "lsprotocol", "cattrs")  # the `server` extra and what it pulls in
SERVER_MISSING = "the language server needs pygls: pip install 'lint-memory[server]'"


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """None: the editor talks to it over stdin/stdout, and each file's configuration is found
    from its folder, as ``check`` finds it."""


def run_server(args: argparse.Namespace) -> int:
    try:
        from lint_memory.frontends import server
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in SERVER_PACKAGES:
            raise
        print(f"lint-memory: error: {SERVER_MISSING}", file=sys.stderr)
        return EXIT_ERROR
    server.main()
    return EXIT_CLEAN


SUBCOMMANDS: list[Subcommand] = [
    Subcommand("check", "check files, folders and notebooks", add_check_arguments, run_check),
    Subcommand("report", "count what is left to migrate, per rule and per package", add_report_arguments, run_report),
    Subcommand("rules", "list the rules", add_rules_arguments, run_rules),
    Subcommand("explain", "show a rule's documentation", add_explain_arguments, run_explain),
    Subcommand(
        "server", "run the language server (LSP over stdin/stdout) for editors", add_server_arguments, run_server
    ),
]


if __name__ == "__main__":
    sys.exit(main())
