"""Checking files: read, pre-filter, parse, run the engine, apply noqa and selection.

Every problem with the input becomes one LCM9xx finding for that file; nothing here raises.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from lint_memory import engine, notebook, selection
from lint_memory.findings import Finding
from lint_memory.noqa import Suppressions
from lint_memory.rules import BY_CODE
from lint_memory.sources import SourceError, decode, decode_notebook, syntax_error

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
DEFAULT_EXCLUDES = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
    ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
    "__pypackages__", "__pycache__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages",
    "venv",
)
PARALLEL_THRESHOLD = 24  # candidate files below which a process pool costs more than it saves


@dataclass(frozen=True)
class Settings:
    codes: frozenset[str] = field(default_factory=selection.resolve)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, codes)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    prefilter: bool = True
    jobs: int = 0  # 0: one per core

    def codes_for(self, path: str) -> frozenset[str]:
        ignored = {code for pattern, codes in self.per_file_ignores if _glob_match(path, pattern) for code in codes}
        return self.codes - ignored if ignored else self.codes


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    source: str | None = None  # the checked text (a notebook's joined, masked code)
    notebook: notebook.Notebook | None = None
    suppressed: int = 0
    parsed: bool = False  # False when the pre-filter proved the file clean


def check_text(text: str, path: str, settings: Settings, *, is_notebook: bool = False) -> FileReport:
    """Check source text (or notebook JSON text) that is already in memory, e.g. from an editor."""
    report = FileReport(path)
    try:
        _check(report, text, is_notebook)
    except SourceError as error:
        report.findings.append(_diagnostic(error))
    _filter(report, settings)
    return report


def check_file(path: str, settings: Settings) -> FileReport:
    report = FileReport(path)
    is_notebook = path.endswith(".ipynb")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        report.findings.append(_diagnostic(SourceError("LCM902", f"cannot read the file: {error.strerror or error}")))
        _filter(report, settings)
        return report
    if settings.prefilter and b"\x00" not in data and not engine.might_match(data):
        return report
    try:
        text = decode_notebook(data) if is_notebook else decode(data)
        _check(report, text, is_notebook)
    except SourceError as error:
        report.findings.append(_diagnostic(error))
    _filter(report, settings)
    return report


def _check(report: FileReport, text: str, is_notebook: bool) -> None:
    report.parsed = True
    if not is_notebook:
        report.source = text
        report.findings = _check_python(text, report.path)
        return
    skipped: set[int] = set()
    while True:
        try:
            book = notebook.load(text, skip_cells=frozenset(skipped))
        except notebook.NotebookError as error:
            raise SourceError("LCM903", f"invalid notebook: {error}") from None
        report.source, report.notebook = book.source, book
        try:
            found = _check_python(book.source, report.path)
            break
        except SourceError as error:
            cell, row = book.position(error.line)
            if cell in skipped or error.code != "LCM901":
                raise SourceError(error.code, error.message, row, error.col, cell) from None
            skipped.add(cell)
            report.findings.append(_diagnostic(SourceError(error.code, error.message, row, error.col, cell)))
    for finding in found:
        finding.cell, finding.line = book.position(finding.line)
        finding.end_line = book.position(finding.end_line)[1]
    report.findings += found


def _check_python(text: str, path: str) -> list[Finding]:
    try:
        tree = ast.parse(text, filename=path)
        return engine.check_tree(tree, text.splitlines())
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise syntax_error(error) from None


def _diagnostic(error: SourceError) -> Finding:
    return Finding(error.code, error.message, error.line, error.col, error.line, error.col, BY_CODE[error.code].name,
                   cell=error.cell)


def _filter(report: FileReport, settings: Settings) -> None:
    codes = settings.codes_for(report.path)
    kept = [f for f in report.findings if f.code in codes]
    if report.source is not None and kept:
        suppressions = Suppressions(report.source)
        book = report.notebook
        visible = []
        for finding in kept:
            line = book.module_line(finding.cell, finding.line) if book and finding.cell else finding.line
            if finding.code.startswith("LCM9") or not suppressions.is_suppressed(finding.code, line):
                visible.append(finding)
        report.suppressed = len(kept) - len(visible)
        kept = visible
    kept.sort(key=Finding.sort_key)
    report.findings = kept


def _glob_match(path: str, pattern: str) -> bool:
    normal = path.replace(os.sep, "/")
    return fnmatch(normal, pattern) or fnmatch(normal, f"*/{pattern}") or fnmatch(os.path.basename(normal), pattern)


def discover(paths: Iterable[str], settings: Settings) -> Iterator[str]:
    """Python files and notebooks below the given paths; explicit files are always checked."""
    excludes = (*settings.exclude, *settings.extend_exclude)
    for raw in paths:
        if os.path.isdir(raw):
            yield from _walk(raw, excludes)
        else:
            yield raw


def _excluded(path: str, name: str, excludes: tuple[str, ...]) -> bool:
    return any(fnmatch(name, pattern) or _glob_match(path, pattern) for pattern in excludes)


def _walk(root: str, excludes: tuple[str, ...]) -> Iterator[str]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        yield root  # reported as unreadable by check_file
        return
    for entry in entries:
        path = entry.path
        if _excluded(path, entry.name, excludes):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path, excludes)
            elif entry.name.endswith(PYTHON_SUFFIXES) and entry.is_file():
                yield path
        except OSError:
            yield path


def check_paths(paths: Iterable[str], settings: Settings) -> list[FileReport]:
    files = list(dict.fromkeys(discover(paths, settings)))
    jobs = settings.jobs or os.cpu_count() or 1
    if jobs > 1 and len(files) >= PARALLEL_THRESHOLD:
        chunk = max(8, len(files) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            reports = list(pool.map(check_file, files, [settings] * len(files), chunksize=chunk))
    else:
        reports = [check_file(path, settings) for path in files]
    return reports


def display_path(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path
