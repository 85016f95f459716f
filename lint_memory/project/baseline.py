"""The baseline: the findings a project already has, recorded so that only new ones fail a run.

A finding is matched by its fingerprint: the file (relative to the project root, POSIX
separators), the code, the symbol and the normalised code of the line it is reported on (comments
dropped, whitespace collapsed and removed around punctuation).  Line numbers are deliberately not
part of it, so lines inserted above and reformatting elsewhere leave every entry valid.  Identical
fingerprints (two uses on one line, or the same line repeated) are one entry with a count, so
adding one more copy of an old line is still reported.

Entries that match nothing in a run are stale: the finding was fixed, and rewriting the baseline
drops them.  Only files the run checked (or files that no longer exist) can have stale entries,
so checking a few files, as pre-commit does, says nothing about the others.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from lint_memory.model import FileReport
from lint_memory.project.add_noqa import layout
from lint_memory.source import atomic
from lint_memory.source.reading import SpecialFile, read_regular

VERSION = 1
_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r" ?([^\w ]) ?")
_FIELDS = ("file", "code", "symbol", "source")

Key = tuple[str, str, str, str]  # file, code, symbol, source


class BaselineError(Exception):
    """The baseline file cannot be read or written."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


@dataclass(frozen=True, order=True)
class Entry:
    file: str
    code: str
    symbol: str
    source: str  # the normalised code of the reported line
    count: int = 1

    @property
    def key(self) -> Key:
        return (self.file, self.code, self.symbol, self.source)


@dataclass
class BaselineResult:
    reports: list[FileReport]  # the same reports, holding only the findings the baseline does not know
    matched: int  # findings the baseline accounted for
    stale: list[Entry]  # entries (with the unmatched part of their count) that matched nothing

    @property
    def stale_count(self) -> int:
        return sum(entry.count for entry in self.stale)


@dataclass
class Baseline:
    path: str
    entries: list[Entry]

    @property
    def total(self) -> int:
        return sum(entry.count for entry in self.entries)

    def apply(self, reports: Iterable[FileReport], root: str | None) -> BaselineResult:
        """Drop the findings recorded here; in each file the first occurrences are the recorded ones."""
        remaining = Counter({entry.key: entry.count for entry in self.entries})
        kept: list[FileReport] = []
        checked: set[str] = set()
        matched = 0
        for report in reports:
            file = relative_path(report.path, root)
            checked.add(file)
            new = []
            for finding, key in zip(report.findings, fingerprints(report, file)):
                if remaining[key] > 0:
                    remaining[key] -= 1
                    matched += 1
                else:
                    new.append(finding)
            kept.append(report if len(new) == len(report.findings) else replace(report, findings=new))
        stale = [
            Entry(*key, count)
            for key, count in sorted(remaining.items())
            if count > 0 and (key[0] in checked or not os.path.exists(os.path.join(root or os.curdir, key[0])))
        ]
        return BaselineResult(kept, matched, stale)


def relative_path(path: str, root: str | None) -> str:
    """``path`` relative to ``root`` (None: the current folder) with ``/`` separators: the same key
    on every machine and OS."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(root or os.curdir))
    except ValueError:  # another drive on Windows
        relative = absolute
    return relative.replace(os.sep, "/")


def normalise(code: str) -> str:
    """``memory = Foo( k = 3 )`` and ``memory=Foo(k=3)`` both become ``memory=Foo(k=3)``."""
    return _PUNCTUATION.sub(r"\1", _SPACE.sub(" ", code).strip())


def fingerprints(report: FileReport, file: str) -> list[Key]:
    """One key per finding of ``report``, in order."""
    if not report.findings:
        return []
    text = report.source or ""
    source = layout(text)
    keys = []
    for finding in report.findings:
        line = finding.line
        if report.notebook is not None and finding.cell is not None:
            try:
                line = report.notebook.module_line(finding.cell, finding.line)
            except ValueError:
                line = 0
        code = source.lines[line - 1].rstrip("\r\n") if 0 < line <= len(source.lines) else ""
        comment = source.comment_start(line)
        keys.append((file, finding.code, finding.symbol, normalise(code[:comment] if comment is not None else code)))
    return keys


def entries(reports: Iterable[FileReport], root: str | None) -> list[Entry]:
    counts: Counter[Key] = Counter()
    for report in reports:
        counts.update(fingerprints(report, relative_path(report.path, root)))
    return [Entry(*key, count) for key, count in sorted(counts.items())]


def dumps(recorded: Iterable[Entry]) -> str:
    """Sorted entries, fixed key order, one field a line: diffs of the file read as what changed."""
    findings = [
        {**{name: getattr(entry, name) for name in _FIELDS}, "count": entry.count} for entry in sorted(recorded)
    ]
    return json.dumps({"version": VERSION, "findings": findings}, indent=2, ensure_ascii=False) + "\n"


def encoded(text: str) -> bytes:
    """``dumps``'s text as UTF-8; a file name that is not valid UTF-8 (its bytes are surrogates,
    ``\\udcff``) is written as that JSON escape, which ``load_baseline`` reads back to the same name."""
    return text.encode("utf-8", "backslashreplace")


def write_baseline(path: str, reports: Iterable[FileReport], root: str | None) -> int:
    """Record every finding of ``reports``, replacing the file; returns the number of entries."""
    recorded = entries(reports, root)
    data = encoded(dumps(recorded))
    try:  # a new file or a whole one, never an empty or partial one; never a device, FIFO or folder
        atomic.write_bytes(path, data, create=True)
    except OSError as error:
        raise BaselineError(path, f"cannot write the baseline: {error.strerror or error}") from None
    return len(recorded)


def load_baseline(path: str) -> Baseline:
    try:
        data = read_regular(path)  # never a FIFO (it would wait forever), a device or a folder
    except SpecialFile:
        raise BaselineError(path, "cannot read the baseline: not a regular file") from None
    except FileNotFoundError:
        raise BaselineError(
            path, "no such baseline file; record one with `lint-memory check --write-baseline`"
        ) from None
    except OSError as error:
        raise BaselineError(path, f"cannot read the baseline: {error.strerror or error}") from None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BaselineError(path, f"the baseline is not valid JSON: {error}") from None
    return Baseline(path, _parse(path, document))


def _parse(path: str, document: object) -> list[Entry]:
    if not isinstance(document, dict) or "findings" not in document:
        raise BaselineError(path, "not a lint-memory baseline (an object with `version` and `findings` expected)")
    version = document.get("version")
    if version != VERSION:
        raise BaselineError(path, f"unsupported baseline version {version!r} (expected {VERSION}); rewrite it")
    findings = document["findings"]
    if not isinstance(findings, list):
        raise BaselineError(path, "`findings` must be a list")
    counts: Counter[Key] = Counter()
    for index, item in enumerate(findings):
        if not (
            isinstance(item, dict)
            and all(isinstance(item.get(name), str) for name in _FIELDS)
            and type(item.get("count")) is int
            and item["count"] > 0
        ):
            raise BaselineError(
                path, f"finding {index + 1} needs string `file`, `code`, `symbol`, `source` and a positive `count`"
            )
        counts[tuple(item[name] for name in _FIELDS)] += item["count"]
    return [Entry(*key, count) for key, count in sorted(counts.items())]
