"""Checking files: read, pre-filter, parse, run the engine, apply noqa and selection.

Every problem with the input becomes one LCM9xx finding for that file; nothing here raises.

Where the time goes on a large tree: each file is read and the byte pre-filter runs on it (a
few substring searches); only the few files that pass are decoded, parsed and visited.  A small
run does the reading and filtering in this process and sends only the files that passed to a
process pool (``lint_memory.pool``), if there are enough of them to pay for one; a large run
spreads everything over the pool in batches of paths, so that only (mostly empty) reports cross
between processes.  Where the workers are forked, which costs a millisecond, "large" starts at a
few hundred files; where they start afresh and import everything (Windows, macOS), at thousands.

Each file is checked under its own settings: ``check_paths`` takes a ``SettingsSource`` (a
``Settings`` is one, the same for every file; ``project.resolver.Resolver`` gives each file its
nearest configuration's).  The files of one batch share one ``Settings``.
"""

from __future__ import annotations

import ast
import codecs
import os
import re
import tokenize
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Protocol, TypeVar

from lint_memory import engine, pool, prefilter
from lint_memory.deep import retry_deep
from lint_memory.model import FileReport, Finding, Notebook
from lint_memory.project import discovery
from lint_memory.project.discovery import DEFAULT_EXCLUDES, PYTHON_SUFFIXES
from lint_memory.project.settings import Settings
from lint_memory.rules import BY_CODE, has_fixes, is_diagnostic
from lint_memory.source.decode import SourceError, decode, decode_notebook, syntax_error
from lint_memory.source.lines import split_lines
from lint_memory.source.reading import SpecialFile, read_regular

__all__ = [
    "DEFAULT_EXCLUDES",
    "PYTHON_SUFFIXES",
    "FileReport",
    "Progress",
    "Settings",
    "check_bytes",
    "check_file",
    "check_paths",
    "check_text",
    "discover",
    "display_path",
    "is_excluded",
]

PARALLEL_THRESHOLD = 24  # files to parse below which a process pool costs more than it saves
BATCH_SIZE = 16  # files to parse per task sent to a worker: enough to amortise the round trip
SCREEN_IN_POOL = 200  # files from which reading and pre-filtering are spread over forked workers too
SCREEN_IN_SPAWNED_POOL = 2000  # the same where workers start afresh and import everything (Windows, macOS)
SCREEN_BATCH = 64  # files to read, pre-filter and check per task in that case
MAX_TASKS = 4096  # tasks per run at most (larger batches beyond): the forked pool's queue holds them all


class SettingsSource(Protocol):
    """The settings each file and folder is checked under."""

    def for_file(self, path: str) -> Settings: ...

    def for_folder(self, folder: str) -> Settings: ...


class Progress(Protocol):
    """What ``check_paths`` tells about its progress (see ``lint_memory.progress``)."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def finish(self) -> None: ...


def check_text(text: str, path: str, settings: Settings, *, is_notebook: bool = False) -> FileReport:
    """Check source text (or notebook JSON text) that is already in memory, e.g. from an editor."""
    report = FileReport(path)
    _guarded(report, settings, lambda: _check(report, text, is_notebook))
    return report


def check_file(path: str, settings: Settings) -> FileReport:
    data = _read(path)
    return _filtered(data, settings) if isinstance(data, FileReport) else check_bytes(path, data, settings)


def check_bytes(path: str, data: bytes, settings: Settings) -> FileReport:
    """Check a file's contents; the pre-filter skips those that provably have no finding."""
    report = FileReport(path)
    is_notebook = path.endswith(".ipynb")

    def run() -> ast.Module | None:
        if settings.prefilter and not _needs_check(data, is_notebook, settings.codes_for(path)):
            return None
        return _check(report, decode_notebook(data) if is_notebook else decode(data), is_notebook)

    _guarded(report, settings, run)
    return report


def _guarded(report: FileReport, settings: Settings, check: Callable[[], ast.Module | None]) -> None:
    """Run ``check``; bad input becomes its LCM9xx diagnostic, anything else ``report.error``."""
    tree = None
    try:
        try:
            tree = check()
        except SourceError as error:
            report.findings.append(_diagnostic(error))
        _filter(report, settings)
    except Exception as error:  # a bug must cost one file, not the run
        report.findings, report.error = [], f"{type(error).__name__}: {error}"
        return
    if settings.plan_fixes:
        _plan(report, settings, tree)


def _plan(report: FileReport, settings: Settings, tree: ast.Module | None) -> None:
    """Attach the planned fixes where the file was checked: in a worker process on a large run,
    so the libcst work is spread over the cores too, and with the syntax tree the check built.
    Only a file with a fixable finding pays for it (and only a process that meets one imports
    libcst).  A bug in the planner costs the file its fixes, never its findings."""
    if not any(has_fixes(finding.code) for finding in report.findings):
        return
    from lint_memory.fix import planner  # libcst: only when the fixes' edits are rendered

    def plan() -> None:
        for finding in report.findings:  # from scratch, if a first try ran out of recursion depth
            finding.fix = None
        planner.plan_fixes(report, settings.target_langchain, tree=tree, render=settings.render_fixes)

    try:
        retry_deep(plan)  # merely long code: again, on a stack that fits it (see engine)
    except Exception as error:
        for finding in report.findings:
            finding.fix = None
        report.error = f"while planning fixes: {type(error).__name__}: {error}"


def _read(path: str) -> bytes | FileReport:
    """The file's bytes, or a report with its LCM902.  Only a regular file is read: opened without
    blocking (a FIFO named on the command line would wait for a writer forever), then checked."""
    try:
        return read_regular(path)
    except SpecialFile as special:
        return _unreadable(path, f"not a regular file but {special.kind}")
    except (OSError, ValueError) as error:  # ValueError: a path the system cannot take (a null byte)
        return _unreadable(path, getattr(error, "strerror", None) or str(error))


def _unreadable(path: str, why: str) -> FileReport:
    report = FileReport(path)
    report.findings.append(_diagnostic(SourceError("LCM902", f"cannot read the file: {why}")))
    return report


def _load_notebook(text: str) -> Notebook:
    from lint_memory.source import notebook  # json: only a run that meets a notebook loads it

    try:
        return notebook.load(text)
    except notebook.NotebookError as error:
        raise SourceError("LCM903", f"invalid notebook: {error}") from None


def _needs_check(data: bytes, is_notebook: bool, codes: frozenset[str] | None = None) -> bool:
    """False only when ``data`` provably has no finding of ``codes`` (default: any) and decodes cleanly.

    The engine's filter wants the source as Python sees identifiers: decoded and NFKC-normalised.
    Both are skipped when they provably change nothing it looks for.  ASCII bytes are the same
    letters in every ASCII-compatible encoding, unless a coding cookie names another encoding
    (UTF-7 spells letters with other letters).  NFKC never deletes a character and only adds
    ASCII letters where a non-ASCII character decomposes to them (``ｌ``, ``ﬁ``, ``𝐦``): without
    one, every word the filter looks for is already in the raw bytes, so they are tested with
    the non-ASCII bytes taken out.  That can join runs of letters, never split them, and never
    touches a word Python reads: outside strings and comments, a non-ASCII character can only
    belong to an identifier (which a word next to it is then part of), so the words the filter
    needs stand between ASCII characters, and keep their neighbours.
    """
    if data.find(b"\x00") >= 0:  # find: `in` first tries the byte as a number, which costs more
        return True  # reported as LCM902 / LCM903
    if is_notebook:  # the filter reads the code the engine reads, not its JSON spelling
        from lint_memory.source import notebook

        try:
            book = notebook.load(decode_notebook(data))
        except notebook.NotebookError:
            return True  # reported as LCM903: a broken notebook is reported wherever it is
        return engine.might_match_text(book.source, codes)
    if _foreign_cookie(data):
        return engine.might_match_text(decode(data), codes)
    if data.isascii():
        return engine.might_match(data, codes)
    try:
        others = data.translate(None, _ASCII_BYTES).decode("utf-8")  # the non-ASCII characters, in order
        data.decode("utf-8")  # undecodable bytes are reported (as LCM902 / LCM903) by the check
    except UnicodeDecodeError:
        return True
    if any(_spells_ascii(char) for char in set(others)):
        return engine.might_match_text(decode(data), codes)
    return engine.might_match(data.translate(None, _NON_ASCII_BYTES), codes)


_ASCII_BYTES = bytes(range(0x80))
_NON_ASCII_BYTES = bytes(range(0x80, 0x100))
_WORD_CHARACTER = re.compile(r"[A-Za-z0-9_]")


@cache  # one entry per distinct character seen: a few thousand at most
def _spells_ascii(char: str) -> bool:
    """Does NFKC turn ``char`` into (or into something with) an ASCII letter, digit or ``_``?"""
    return _WORD_CHARACTER.search(unicodedata.normalize("NFKC", char)) is not None


def _foreign_cookie(data: bytes) -> bool:
    """Does a PEP 263 cookie on the first two lines name an encoding other than UTF-8?"""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    end = len(data) if second < 0 else second
    if data.find(b"coding", 0, end) < 0:  # most files: no copy of the head
        return False
    head = data[:end]
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(head).readline)
        return codecs.lookup(encoding).name != "utf-8"
    except (SyntaxError, LookupError):
        return True


# Not the file's path: given a path that exists, CPython rereads the line from disk to place a
# syntax error's column, which is wrong for a notebook cell or an editor's unsaved text.
_SOURCE_NAME = "<lint-memory>"


def _check(report: FileReport, text: str, is_notebook: bool) -> ast.Module | None:
    """Check ``text`` into ``report``; returns a Python file's syntax tree (the fixes reuse it)."""
    report.parsed = True
    if not is_notebook:
        report.source = text
        try:
            tree = engine.parse(text, _SOURCE_NAME)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            raise syntax_error(error) from None
        try:  # anything else the engine raises is a bug, reported as one (``_guarded``), not as bad input
            report.findings = engine.check_tree(tree, split_lines(text))
        except (RecursionError, MemoryError) as error:
            raise syntax_error(error) from None
        return tree
    book = _load_notebook(text)
    report.source, report.notebook = book.source, book
    body: list[ast.stmt] = []
    for cell in book.cells:  # each cell parses alone, as IPython runs it
        try:
            tree = engine.parse("\n".join(cell.code), _SOURCE_NAME)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            problem = syntax_error(error)
            report.findings.append(
                _diagnostic(SourceError(problem.code, problem.message, problem.line, problem.col, cell.index))
            )
            continue
        body += ast.increment_lineno(tree, cell.start - 1).body
    try:
        found = engine.check_tree(ast.Module(body=body, type_ignores=[]), split_lines(book.source))
    except (RecursionError, MemoryError) as error:
        raise syntax_error(error) from None
    for finding in found:
        finding.cell, finding.line = book.position(finding.line)
        finding.end_line = book.position(finding.end_line)[1]
    report.findings += found
    return None


def _diagnostic(error: SourceError) -> Finding:
    return Finding(
        error.code,
        error.message,
        error.line,
        error.col,
        error.line,
        error.col,
        BY_CODE[error.code].name,
        cell=error.cell,
    )


_NOQA = re.compile("noqa", re.IGNORECASE)  # in every suppression comment; tokenizing a file costs more


def _filter(report: FileReport, settings: Settings) -> None:
    codes = settings.codes_for(report.path)
    kept = [f for f in report.findings if f.code in codes]
    if report.source is not None and kept and _NOQA.search(report.source):
        from lint_memory.source.noqa import Suppressions  # only a file with findings and a noqa needs it

        suppressions = Suppressions(report.source)
        book = report.notebook
        visible = []
        for finding in kept:
            line = book.module_line(finding.cell, finding.line) if book and finding.cell else finding.line
            if is_diagnostic(finding.code) or not suppressions.is_suppressed(finding.code, line):
                visible.append(finding)
        report.suppressed = len(kept) - len(visible)
        kept = visible
    kept.sort(key=Finding.sort_key)
    report.findings = kept


def discover(paths: Iterable[str], settings: SettingsSource) -> Iterator[str]:
    """Python files and notebooks below ``paths``, each folder walked under its own settings'
    excludes; explicit files are always checked (unless their ``force_exclude``)."""
    return discovery.discover(paths, rules_at=_rules_at(settings))


def _rules_at(source: SettingsSource) -> discovery.RulesAt:
    rules_at = getattr(source, "rules_at", None)
    if rules_at is not None:
        return rules_at  # type: ignore[no-any-return]  # the resolver caches them per folder
    settings = source.for_folder(os.curdir)
    fixed = (
        discovery.pattern_set((*settings.exclude, *settings.extend_exclude), settings.root),
        settings.respect_gitignore,
        settings.force_exclude,
    )
    return lambda folder: fixed


def is_excluded(path: str, settings: Settings) -> bool:
    """Is ``path`` one that ``check_paths`` would skip when walking its folder?"""
    return discovery.is_excluded(
        path,
        exclude=(*settings.exclude, *settings.extend_exclude),
        root=settings.root,
        respect_gitignore=settings.respect_gitignore,
    )


def check_paths(
    paths: Iterable[str], settings: SettingsSource, *, progress: Progress | None = None
) -> list[FileReport]:
    """Reports for every file below ``paths``, in discovery order, each under its own settings."""
    files = list(dict.fromkeys(discover(paths, settings)))
    each = [settings.for_file(path) for path in files]
    jobs = (each[0].jobs if each else 0) or os.cpu_count() or 1
    if progress:
        progress.start(len(files))
    screen_in_pool = SCREEN_IN_POOL if pool.can_fork() else SCREEN_IN_SPAWNED_POOL
    if jobs > 1 and len(files) >= screen_in_pool:
        reports = _all_in_pool(files, each, jobs, progress)
    else:
        reports = _screen_here(files, each, jobs, progress)
    if progress:
        progress.finish()
    return reports


def _screen_here(files: list[str], each: list[Settings], jobs: int, progress: Progress | None) -> list[FileReport]:
    """Read and pre-filter in this process; parse what passes, in a pool if that pays."""
    reports: list[FileReport | None] = [None] * len(files)
    pending: list[tuple[int, str, bytes]] = []  # files the pre-filter could not clear
    for index, (path, settings) in enumerate(zip(files, each, strict=True)):
        data = _read(path)
        if isinstance(data, FileReport):
            reports[index] = _filtered(data, settings)
        elif settings.prefilter and not _cheap_needs_check(data, path, settings):
            reports[index] = FileReport(path)  # cleared (a broken notebook is not: it is reported)
        else:
            pending.append((index, path, data))
            continue
        if progress:
            progress.advance()
    distinct = {id(settings): settings for settings in each}.values()
    screened = {id(settings): replace(settings, prefilter=False) for settings in distinct}  # pending passed it
    if jobs > 1 and len(pending) >= PARALLEL_THRESHOLD:
        batches = _batches(pending, lambda item: each[item[0]], _batch_size(len(pending), BATCH_SIZE))
        tasks = [(screened[id(each[batch[0][0]])], [(path, data) for _, path, data in batch]) for batch in batches]
        for number, done in _pool_map(_check_batch, tasks, jobs):
            for (index, _, _), report in zip(batches[number], done, strict=True):
                reports[index] = report
            if progress:
                progress.advance(len(done))
    else:
        for index, path, data in pending:
            reports[index] = check_bytes(path, data, screened[id(each[index])])
            if progress:
                progress.advance()
    return reports  # type: ignore[return-value]  # every slot is filled


def _all_in_pool(files: list[str], each: list[Settings], jobs: int, progress: Progress | None) -> list[FileReport]:
    """Many files: reading and pre-filtering them is worth spreading too; only paths and the
    (mostly empty) reports cross between processes."""
    batches = _batches(list(range(len(files))), lambda index: each[index], _batch_size(len(files), SCREEN_BATCH))
    # What each process's first file would build, built once before the workers are forked from this one.
    for codes in {frozenset(each[b[0]].codes_for(files[b[0]])) for b in batches if each[b[0]].prefilter}:
        prefilter.prepare(codes)
    tasks = [(each[batch[0]], [files[index] for index in batch]) for batch in batches]
    reports: list[FileReport | None] = [None] * len(files)
    for number, done in _pool_map(_check_files, tasks, jobs):
        for index, report in zip(batches[number], done, strict=True):
            reports[index] = report or FileReport(files[index])
        if progress:
            progress.advance(len(done))
    return reports  # type: ignore[return-value]  # every slot is filled


T = TypeVar("T")


def _batch_size(count: int, size: int) -> int:
    """``size``, or larger if ``count`` items would otherwise make more than ``MAX_TASKS`` batches."""
    return max(size, -(-count // MAX_TASKS))


def _batches(items: list[T], settings_of: Callable[[T], Settings], size: int) -> list[list[T]]:
    """``items`` cut into batches of at most ``size`` whose items share one settings object."""
    groups: dict[int, list[T]] = {}
    for item in items:
        groups.setdefault(id(settings_of(item)), []).append(item)
    return [group[start : start + size] for group in groups.values() for start in range(0, len(group), size)]


def _pool_map(
    function: Callable[[list, Settings], Sequence[FileReport | None]], tasks: list[tuple[Settings, list]], jobs: int
) -> Iterator[tuple[int, Sequence[FileReport | None]]]:
    """``(task number, function(items, settings))`` as tasks finish, over ``jobs`` processes: this
    one and ``jobs - 1`` workers.  A task that fails costs its own files (each gets a report
    saying why), wherever it ran; so does one whose worker died (killed, out of memory)."""
    if not tasks:
        return
    if pool.can_fork():
        yield from pool.map_unordered(
            lambda number: _run_task(function, tasks[number]),
            len(tasks),
            jobs,
            lambda number, why: _failed(tasks[number][1], why),
        )
    else:
        yield from _spawned_pool_map(function, tasks, jobs)


def _spawned_pool_map(
    function: Callable[[list, Settings], Sequence[FileReport | None]], tasks: list[tuple[Settings, list]], jobs: int
) -> Iterator[tuple[int, Sequence[FileReport | None]]]:
    """``_pool_map`` where workers cannot be forked (Windows, macOS): ``concurrent.futures``'
    workers start afresh and import what they need.  This process checks the first task before
    they start; then, while they take tasks from the front, it takes those not yet started from
    the back."""
    yield 0, _run_task(function, tasks[0])
    if len(tasks) == 1:
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed  # only a large run pays for the import
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=max(1, min(jobs - 1, len(tasks) - 1))) as executor:
        futures = {executor.submit(function, tasks[n][1], tasks[n][0]): n for n in range(1, len(tasks))}
        for future in reversed(list(futures)):
            if future.cancel():  # not started yet: this process takes it
                number = futures.pop(future)
                yield number, _run_task(function, tasks[number])
        for future in as_completed(futures):
            number = futures[future]
            try:
                yield number, future.result()
            except Exception as error:  # the task as a whole failed: each of its files says so, the run goes on
                why = (
                    "the worker process checking it died"
                    if isinstance(error, BrokenProcessPool)
                    else f"{type(error).__name__}: {error}"
                )
                yield number, _failed(tasks[number][1], why)


def _run_task(
    function: Callable[[list, Settings], Sequence[FileReport | None]], task: tuple[Settings, list]
) -> Sequence[FileReport | None]:
    """One task in this process; a failure costs its files, as in a worker."""
    settings, items = task
    try:
        return function(items, settings)
    except Exception as error:
        return _failed(items, f"{type(error).__name__}: {error}")


def _failed(items: list, why: str) -> list[FileReport | None]:
    """A report for each file of a task that failed as a whole, saying why."""
    return [FileReport(item if isinstance(item, str) else item[0], error=why) for item in items]


def _cheap_needs_check(data: bytes, path: str, settings: Settings) -> bool:
    """``_needs_check`` where a decoding problem means "check it" (the check reports it)."""
    try:
        return _needs_check(data, path.endswith(".ipynb"), settings.codes_for(path))
    except SourceError:
        return True


def _filtered(report: FileReport, settings: Settings) -> FileReport:
    _filter(report, settings)
    return report


def _check_batch(batch: Sequence[tuple[str, bytes]], settings: Settings) -> list[FileReport]:
    return [check_bytes(path, data, settings) for path, data in batch]


def _check_files(paths: Sequence[str], settings: Settings) -> list[FileReport | None]:
    """Reports of ``paths``; None for a file the pre-filter cleared (most of them, on a large tree),
    which the parent fills in, so that no more than the reports that say something are pickled."""
    reports = (check_file(path, settings) for path in paths)
    return [None if report == FileReport(report.path) else report for report in reports]


def display_path(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a link loop (Python < 3.13)
        return path
