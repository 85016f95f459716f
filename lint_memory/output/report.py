"""The migration report: how much deprecated memory code is left, per rule and per top-level package.

It counts the findings a check produced (after selection and noqa), so it shows what is left to
migrate, not what is baselined away.  "Fixable" counts findings that carry a safe fix; unsafe
fixes are counted apart, since ``--fix`` alone does not apply them.  LCM9xx diagnostics are not
migration work: files with one are counted as "could not be checked" instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lint_memory.model import FileReport, Finding
from lint_memory.project.baseline import relative_path
from lint_memory.rules import BY_CODE, is_diagnostic

TITLE = "LangChain memory migration"


@dataclass(frozen=True)
class Row:
    key: str  # a rule code, a package, or "Total"
    label: str  # the rule's name; empty for packages
    files: int
    remaining: int
    fixable: int
    unsafe: int


@dataclass(frozen=True)
class Coverage:
    """Structural migrations of one pattern (issue 12): chain sites, those with a fix, why the rest have none."""

    pattern: str
    sites: int
    fixed: int
    reasons: tuple[tuple[str, int], ...]  # reason kind -> sites, most first


@dataclass(frozen=True)
class MigrationReport:
    rules: tuple[Row, ...]  # by code
    packages: tuple[Row, ...]  # most findings first
    total: Row
    checked: int  # files checked
    unreadable: int  # files with an LCM9xx diagnostic
    coverage: tuple[Coverage, ...] = ()  # by pattern; empty unless fixes were planned for LangChain 1.x


@dataclass
class _Tally:
    files: set[str] = field(default_factory=set)
    remaining: int = 0
    fixable: int = 0
    unsafe: int = 0

    def add(self, file: str, finding: Finding) -> None:
        self.files.add(file)
        self.remaining += 1
        if finding.fix is not None:
            if finding.fix.applicability == "safe":
                self.fixable += 1
            else:
                self.unsafe += 1

    def row(self, key: str, label: str = "") -> Row:
        return Row(key, label, len(self.files), self.remaining, self.fixable, self.unsafe)


def package_of(file: str) -> str:
    """The top-level package of a root-relative POSIX path: its first directory (``src/<name>``
    in a src layout); a file at the root is its own entry."""
    parts = file.split("/")
    if len(parts) == 1:
        return parts[0]
    if parts[0] == "src" and len(parts) > 2:
        return f"src/{parts[1]}"
    return parts[0]


def build_report(reports: Iterable[FileReport], root: str | None) -> MigrationReport:
    rules: dict[str, _Tally] = {}
    packages: dict[str, _Tally] = {}
    total = _Tally()
    checked = unreadable = 0
    reports_seen = list(reports)
    for report in reports_seen:
        checked += 1
        file = relative_path(report.path, root)
        if any(is_diagnostic(finding.code) for finding in report.findings):
            unreadable += 1
        for finding in report.findings:
            if is_diagnostic(finding.code):
                continue
            for tally in (
                rules.setdefault(finding.code, _Tally()),
                packages.setdefault(package_of(file), _Tally()),
                total,
            ):
                tally.add(file, finding)
    rule_rows = tuple(rules[code].row(code, BY_CODE[code].name) for code in sorted(rules))
    package_rows = sorted((tally.row(name) for name, tally in packages.items()), key=lambda r: (-r.remaining, r.key))
    return MigrationReport(
        rule_rows, tuple(package_rows), total.row("Total"), checked, unreadable, coverage(reports_seen)
    )


def coverage(reports: Iterable[FileReport]) -> tuple[Coverage, ...]:
    """Per pattern: the chain sites the migration planner looked at, those with a structural fix, and the
    reasons tallied for the rest (``Finding.migration``)."""
    patterns: dict[str, dict[str, int]] = {}
    for report in reports:
        for finding in report.findings:
            if finding.migration is not None:
                pattern, outcome = finding.migration
                tally = patterns.setdefault(pattern, {})
                tally[outcome] = tally.get(outcome, 0) + 1
    rows = []
    for pattern in sorted(patterns):
        tally = patterns[pattern]
        fixed = tally.pop("fixed", 0)
        reasons = tuple(sorted(tally.items(), key=lambda item: (-item[1], item[0])))
        rows.append(Coverage(pattern, fixed + sum(tally.values()), fixed, reasons))
    return tuple(rows)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: MigrationReport, *, bold: bool = False) -> list[str]:
    """The sentences above (Markdown) or below (terminal) the tables."""
    b = (lambda value: f"**{value}**") if bold else str
    total = report.total
    if total.remaining:
        verb = "remains" if total.remaining == 1 else "remain"
        sentence = (
            f"{b(total.remaining)} {'finding' if total.remaining == 1 else 'findings'} {verb} in "
            f"{b(total.files)} of {_plural(report.checked, 'checked file')}; {b(total.fixable)} fixable"
        )
        if total.unsafe:
            sentence += f", {total.unsafe} more with an unsafe fix"
        lines = [sentence + "."]
    else:
        lines = [f"No deprecated LangChain memory code left in {_plural(report.checked, 'checked file')}."]
    if report.unreadable:
        lines.append(
            f"{_plural(report.unreadable, 'file')} could not be checked (LCM9xx) and "
            f"{'is' if report.unreadable == 1 else 'are'} not counted."
        )
    return lines


def _columns(headers: list[str], rows: list[list[str]], text: int = 1) -> list[str]:
    """Columns two spaces apart: the first left-aligned, numbers right-aligned; with ``text=2`` the last column is
    text too (the reasons) and left-aligned."""
    widths = [max(len(cells[i]) for cells in [headers, *rows]) for i in range(len(headers))]
    last = len(headers) - 1
    out = []
    for cells in [headers, *rows]:
        aligned = [
            cell.ljust(width) if i == 0 or (text == 2 and i == last) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        ]
        out.append("  ".join(aligned).rstrip())
    return out


def _numbers(row: Row) -> list[str]:
    return [str(row.files), str(row.remaining), str(row.fixable)]


def render_table(report: MigrationReport) -> str:
    """The terminal report: two aligned tables, then the summary."""
    out: list[str] = []
    if report.total.remaining:
        headers = ["Files", "Remaining", "Fixable"]
        rules = [[f"{row.key} {row.label}", *_numbers(row)] for row in report.rules]
        out += _columns(["Rule", *headers], [*rules, ["Total", *_numbers(report.total)]])
        out.append("")
        out += _columns(["Package", *headers], [[row.key, *_numbers(row)] for row in report.packages])
        out.append("")
    if report.coverage:
        rows = [[row.pattern, str(row.sites), str(row.fixed), _reasons(row)] for row in report.coverage]
        out += _columns(["Migration pattern", "Sites", "Fix", "Not migrated"], rows, text=2)
        out.append("")
    out += summary(report)
    return "\n".join(out) + "\n"


def _reasons(row: Coverage) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in row.reasons) or "-"


def _code_span(text: str) -> str:
    """``text`` as Markdown code, whatever backticks or pipes it holds."""
    fence = "`" * (_longest_backtick_run(text) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}".replace("|", "\\|")


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def render_markdown(report: MigrationReport) -> str:
    """GitHub-flavoured Markdown for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment."""
    out = [f"## {TITLE}"]
    for sentence in summary(report, bold=True):
        out += ["", sentence]
    if report.total.remaining:
        align = "| :--- | ---: | ---: | ---: |"
        out += ["", "| Rule | Files | Remaining | Fixable |", align]
        for row in report.rules:
            out.append(f"| [{row.key}]({BY_CODE[row.key].anchor}) {row.label} | {' | '.join(_numbers(row))} |")
        total = report.total
        out.append(f"| **Total** | **{total.files}** | **{total.remaining}** | **{total.fixable}** |")
        out += ["", "| Package | Files | Remaining | Fixable |", align]
        for row in report.packages:
            out.append(f"| {_code_span(row.key)} | {' | '.join(_numbers(row))} |")
    if report.coverage:
        out += ["", "| Migration pattern | Sites | Fix | Not migrated |", "| :--- | ---: | ---: | :--- |"]
        for cover in report.coverage:
            out.append(f"| {cover.pattern} | {cover.sites} | {cover.fixed} | {_reasons(cover)} |")
    return "\n".join(out) + "\n"
