"""``lint-memory server``: the Language Server Protocol front end, over stdio (pygls).

Open Python files and notebook cells get the engine's findings as diagnostics on open, change and
save, with the configuration ``lint-memory check`` would use for them (each document its own: the
nearest ``pyproject.toml`` or ``lint-memory.toml`` above it, with its ``extend`` chain: selection,
per-file ignores, excludes, baseline, and the LangChain target of its package) and the same noqa
semantics.  A change to a configuration or project file (reported by the client's file watcher,
or the save of a document, which re-reads its folder's) is picked up without a restart.  Hover on
a flagged name explains the rule; code actions offer each fix, "fix all" and a ``# noqa: LCMxxx``
suppression.

Timing: a change to a document with no check under way is checked at once; a change that comes
while one is still pending or running (a burst of keystrokes, a multi-cursor edit) replaces it and
waits until the document has been quiet for ``DEBOUNCE`` seconds, so a burst costs one more check,
not one per keystroke, and only the latest text is published.  Checks run off the event loop, so
hover and code actions are answered meanwhile: on worker threads, one document's checks one after
the other (a check queued for an older text is dropped when a newer one comes), and texts of
``LARGE_TEXT`` characters and more in a separate process, because parsing them would hold the
interpreter lock for seconds.  A request about a document waits for the check of its current text
(the one scheduled, not another).  Fixes are planned with libcst, which takes a second on a
2,000-line file, so they are planned only when a code action asks for them, once per version, in a
separate process: diagnostics never wait for them.

Configuration (``lsp_projects``): a configuration that cannot be read or used is shown once and
the defaults apply.  Transport (``lsp_stdio``): malformed frames are answered with JSON-RPC errors.
Conversions to LSP objects (``lsp_convert``): diagnostics, hover text, edits, and which findings a
code action request is about (those in its range and those the client names).

Syntax errors: a document that stops parsing mid-edit gets the single LCM901 diagnostic that
``lint-memory check`` reports for it, and its other diagnostics are withdrawn, because their
positions can no longer be trusted once lines move; the first edit that parses again brings them
back.  In a notebook only the broken cell is affected.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import gc
import json
import logging
import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from lint_memory import __version__, deep, engine, runner
from lint_memory.frontends import lsp_convert, lsp_stdio
from lint_memory.frontends.lsp_convert import FIX_ALL_KIND, Columns
from lint_memory.frontends.lsp_projects import Project, Projects
from lint_memory.model import Edit, FileReport, Finding, Fix
from lint_memory.project import add_noqa, config
from lint_memory.project.settings import Settings
from lint_memory.rules import has_fixes, is_diagnostic

DEBOUNCE = 0.05  # seconds of quiet that end a burst of changes; well inside the 200 ms budget
# A text this long is checked in a separate process: ``ast.parse`` holds the interpreter lock for
# about a second per megabyte, which a worker thread would take from the requests of other documents.
LARGE_TEXT = 200_000  # characters, about 5,000 lines
CHECK_THREADS = 2  # so that one document's check never waits for another's
CURRENT_TRIES = 3  # checks a request waits for before giving up on a document that keeps changing
PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithCells(cells=[types.NotebookCellLanguage(language="python")], notebook="*"),
    ],
    save=True,
)
# Configuration files, and the project files a package's LangChain target is read from.
WATCHED_CONFIGS = ("**/pyproject.toml", f"**/{config.CONFIG_NAME}", "**/requirements*.txt", "**/setup.cfg")
FIX_ALL_TITLE = "lint-memory: fix all auto-fixable issues in this file"

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class FixPlan:
    """The fixes for one check's findings: planned on the first code action that needs them."""

    report: FileReport
    target: str | None
    task: asyncio.Task | None = None


@dataclass
class Checked:
    """What was found in one text document or notebook cell, and the text it was found in."""

    uri: str
    version: int | None
    text: str
    findings: list[Finding]
    encoding: str
    plan: FixPlan | None = None  # shared by the cells of a notebook
    columns: Columns = field(init=False)

    def __post_init__(self) -> None:
        self.columns = Columns(self.text, self.encoding)


@dataclass(frozen=True)
class Snapshot:
    """What a document or notebook holds at one moment; equal snapshots mean nothing changed."""

    path: str
    text: str  # a Python file's text, or a notebook's nbformat JSON
    cells: tuple[tuple[str, int | None, str], ...] | None = None  # notebooks: (uri, version, text) per cell


# --- work done off the event loop ------------------------------------------------------------------
def check(text: str, path: str, project: Project, *, is_notebook: bool = False) -> FileReport:
    """What ``lint-memory check`` reports for this text: pre-filter, engine, noqa, selection,
    per-file ignores, baseline.  Runs on the worker thread."""
    settings = project.settings
    # The filter reads Python source: a notebook's JSON spells code with escapes (checked in full).
    prefilter = settings.prefilter and not is_notebook and "\x00" not in text
    if prefilter and not engine.might_match(text.encode("utf-8", "surrogatepass"), settings.codes_for(path)):
        return FileReport(path, source=text)
    report = runner.check_text(text, path, settings, is_notebook=is_notebook)
    if project.baseline is not None and report.findings:
        report = project.baseline.apply([report], settings.fingerprint_root).reports[0]
    return report


def planned_fixes(report: FileReport, target_line: str | None) -> list[Fix | None]:
    """The fix of each finding of ``report``, in order.  Runs in the planner process."""
    from lint_memory.fix import planner  # libcst: only the planner process pays for importing it

    planner.plan_fixes(report, target_line)
    return [finding.fix for finding in report.findings]


def notebook_json(cells: list[tuple[bool, str]]) -> str:
    """A notebook of ``(is_python_code, text)`` cells as nbformat JSON, for ``runner.check_text``; the
    cell order is kept so that a finding's ``cell`` indexes the editor's cell list."""
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code" if code else "markdown", "metadata": {}, "source": text} for code, text in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        ensure_ascii=False,
    )


def _rule_has_fixes(finding: Finding) -> bool:
    """Can the finding's rule come with a fix at all: only then are fixes worth planning (the plan
    decides whether this finding gets one)."""
    return has_fixes(finding.code)


def _safe(fix: Fix | None) -> bool:
    return fix is not None and fix.applicability == "safe" and bool(fix.edits)


# --- the server ----------------------------------------------------------------------------------
class LintMemoryServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("lint-memory", __version__, notebook_document_sync=NOTEBOOK_SYNC)
        self.checked: dict[str, Checked] = {}  # text document or cell uri -> its last published check
        self._documents: set[str] = set()  # open Python text documents
        self._notebook_cells: dict[str, list[str]] = {}  # notebook uri -> cell uris last published
        self._pending: dict[str, asyncio.Task] = {}  # document or notebook uri -> scheduled check
        self._warned: set[str] = set()
        self.projects = Projects(self._warn_once)
        self._worker = ThreadPoolExecutor(max_workers=CHECK_THREADS, thread_name_prefix="lint-memory-check")
        self._large: ProcessPoolExecutor | None = None  # checks of large texts, one at a time
        self._running: dict[str, Future[FileReport]] = {}  # document or notebook uri -> its check under way
        self._planner: ProcessPoolExecutor | None = None

    def shutdown(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        for pool in (self._large, self._planner):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        super().shutdown()

    # --- configuration ---------------------------------------------------------------------
    def project_for(self, path: str) -> Project:
        """The configuration for a file (see ``lsp_projects``); a path that is not absolute (an
        untitled document) counts as in the workspace folder."""
        folder = os.path.dirname(path) if os.path.isabs(path) else (self.workspace.root_path or os.getcwd())
        return self.projects.for_folder(folder)

    def forget_projects(self, path: str | None = None) -> None:
        """Re-read the configuration: for a file's folder (on open and save), or everywhere when a
        configuration or project file changed."""
        self.projects.forget(None if path is None else os.path.dirname(path))
        if path is None:
            self._warned.clear()

    def excluded(self, path: str, settings: Settings) -> bool:
        """An open file that ``lint-memory check`` would skip when walking its folder (matching
        ``exclude`` / ``extend-exclude``, below a folder that does, such as ``.venv`` or
        ``site-packages``, or ignored by git) gets no diagnostics, so that reading library code
        stays quiet.  Folders count from the configuration's folder, or else from the workspace
        folder holding the file."""
        return runner.is_excluded(path, replace(settings, root=settings.root or self._workspace_folder(path)))

    def _workspace_folder(self, path: str) -> str | None:
        folders = [_path(folder.uri) for folder in self.workspace.folders.values()]
        inside = [folder for folder in folders if path.startswith(folder.rstrip(os.sep) + os.sep)]
        return max(inside, key=len) if inside else self.workspace.root_path

    # --- checking ----------------------------------------------------------------------------
    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Check the document or notebook ``uri`` after ``delay`` seconds, replacing a pending check."""
        self._cancel(uri)
        self._pending[uri] = asyncio.ensure_future(self._check_later(uri, delay))

    def schedule_change(self, uri: str) -> None:
        """Check an edited document: at once, unless the edit is part of a burst (see the module doc)."""
        self.schedule(uri, DEBOUNCE if uri in self._pending else 0.0)

    def _cancel(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()

    async def _check_later(self, uri: str, delay: float) -> None:
        task = asyncio.current_task()
        try:
            if delay:
                await asyncio.sleep(delay)
            await self.refresh(uri)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep serving: the next change checks again
            self._log(types.MessageType.Error, f"checking {uri} failed:\n{traceback.format_exc()}")
        finally:
            if self._pending.get(uri) is task:
                del self._pending[uri]

    async def _run(self, executor: Executor, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, function, *args)

    async def refresh(self, uri: str) -> None:
        """Check the current text of ``uri`` and publish the result, unless it changed meanwhile."""
        snapshot = self._snapshot(uri)
        if snapshot is None:
            return
        project = self.project_for(snapshot.path)
        report = await self._report(uri, snapshot, project)
        if self._snapshot(uri) != snapshot:
            return  # edited meanwhile: the check scheduled by that edit publishes
        if report.error:
            self._log(types.MessageType.Error, f"checking {snapshot.path} failed: {report.error}")
        plan = FixPlan(report, project.target)
        if snapshot.cells is None:
            self._publish(Checked(uri, self._version(uri), snapshot.text, report.findings, self._encoding, plan))
        else:
            self._publish_notebook(uri, snapshot, plan)

    async def _report(self, uri: str, snapshot: Snapshot, project: Project) -> FileReport:
        """What checking the snapshot under the project's configuration finds.  A configuration that
        read well may still fail when used (a glob that does not compile): then it is shown once, the
        folder falls back to the defaults until the configuration changes, and the check runs again."""
        try:
            if self.excluded(snapshot.path, project.settings):
                return FileReport(snapshot.path)
            notebook = snapshot.cells is not None
            return await self._checked(uri, partial(check, snapshot.text, snapshot.path, project, is_notebook=notebook))
        except BrokenProcessPool:
            raise  # the checking process died: not the configuration's doing
        except Exception as error:
            if project.settings == Settings() and project.baseline is None:
                raise  # not the configuration's doing
            self.projects.problem(os.path.dirname(snapshot.path), error)
            project.settings, project.baseline, project.baseline_stamp = Settings(), None, None
            return await self._report(uri, snapshot, project)

    async def _checked(self, uri: str, job: partial[FileReport]) -> FileReport:
        """Run a check of ``uri`` off the event loop, after the one of an older text of the same
        document if that still runs (so a document's checks never overlap): small texts on a worker
        thread, large ones in the checking process.  Cancelling the caller (a newer version came)
        drops the check if it has not started yet."""
        previous = self._running.get(uri)
        if previous is not None and not previous.done():
            await asyncio.wait({asyncio.wrap_future(previous)})
        text = job.args[0]
        executor = self._worker if len(text) < LARGE_TEXT else self._large_checker()
        future = executor.submit(job)
        self._running[uri] = future
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._large = None  # a dead process breaks the pool: start a new one next time
            raise
        finally:
            future.add_done_callback(partial(self._check_ended, asyncio.get_running_loop(), uri))

    def _check_ended(self, loop: asyncio.AbstractEventLoop, uri: str, future: Future[FileReport]) -> None:
        """Forget the ended check (called in the thread that ended it)."""

        def forget() -> None:
            if self._running.get(uri) is future:
                del self._running[uri]

        with contextlib.suppress(RuntimeError):  # the loop is closed: the server is exiting
            loop.call_soon_threadsafe(forget)

    def _large_checker(self) -> ProcessPoolExecutor:
        if self._large is None:
            self._large = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._large

    def _snapshot(self, uri: str) -> Snapshot | None:
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is not None:
            cells, parts = [], []
            for cell in notebook.cells:
                document = self.workspace.get_text_document(cell.document)
                code = cell.kind == types.NotebookCellKind.Code and document.language_id in (None, "python")
                cells.append((cell.document, document.version, document.source))
                parts.append((code, document.source))
            return Snapshot(_path(uri), notebook_json(parts), tuple(cells))
        if uri not in self._documents:
            return None
        document = self.workspace.get_text_document(uri)
        return Snapshot(document.path or _path(uri), document.source)

    def _version(self, uri: str) -> int | None:
        return self.workspace.get_text_document(uri).version

    @property
    def _encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    async def current(self, uri: str) -> Checked | None:
        """The check of ``uri``'s current text: the published one, or else the one scheduled (waited
        for, not started again), or a new one; None for a document that keeps changing meanwhile."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        if notebook is None and uri not in self._documents:
            return None
        owner = notebook.uri if notebook is not None else uri
        for _ in range(CURRENT_TRIES):
            checked = self.checked.get(uri)
            if checked is not None and checked.text == self.workspace.get_text_document(uri).source:
                return checked
            if owner not in self._pending:
                self.schedule(owner)
            await asyncio.wait({self._pending[owner]})
        return None

    def _current_text(self, checked: Checked) -> bool:
        """Is ``checked`` still about the document's text (edits made for an older one would misplace)?"""
        return self.workspace.get_text_document(checked.uri).source == checked.text

    async def planned(self, checked: Checked) -> bool:
        """Plan the fixes of ``checked``'s findings (once per check); False when planning failed."""
        plan = checked.plan
        if plan is None or not any(_rule_has_fixes(finding) for finding in plan.report.findings):
            return True
        if plan.task is None:
            plan.task = asyncio.ensure_future(self._plan(plan))
        try:
            await asyncio.shield(plan.task)
        except Exception as error:  # quick fixes are lost, suppressions still work
            plan.task = None
            self._log(types.MessageType.Error, f"planning fixes for {plan.report.path} failed: {error}")
            return False
        return True

    async def _plan(self, plan: FixPlan) -> None:
        if self._planner is None:
            self._planner = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            found = await self._run(self._planner, planned_fixes, plan.report, plan.target)
        except Exception:
            self._planner = None  # a dead process breaks the pool: start a new one next time
            raise
        for finding, fix in zip(plan.report.findings, found):
            finding.fix = fix

    # --- publishing --------------------------------------------------------------------------
    def _publish(self, checked: Checked) -> None:
        self.checked[checked.uri] = checked
        diagnostics = [lsp_convert.diagnostic(finding, checked.columns) for finding in checked.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=checked.uri, diagnostics=diagnostics, version=checked.version)
        )

    def _publish_notebook(self, uri: str, snapshot: Snapshot, plan: FixPlan) -> None:
        """Each cell gets its own findings; a finding about the whole notebook goes to its first cell."""
        cells = snapshot.cells or ()
        by_cell: dict[int, list[Finding]] = {}
        for finding in plan.report.findings:
            by_cell.setdefault(finding.cell or 1, []).append(finding)
        for index, (cell_uri, version, text) in enumerate(cells, start=1):
            self._publish(Checked(cell_uri, version, text, by_cell.get(index, []), self._encoding, plan))
        current = [cell_uri for cell_uri, _, _ in cells]
        for gone in set(self._notebook_cells.get(uri, ())) - set(current):
            self.clear(gone)
        self._notebook_cells[uri] = current

    def clear(self, uri: str) -> None:
        self.checked.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # --- messages ----------------------------------------------------------------------------
    def _log(self, kind: types.MessageType, message: str) -> None:
        logger.log(logging.ERROR if kind == types.MessageType.Error else logging.INFO, message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    # --- notifications -------------------------------------------------------------------------
    async def on_initialized(self, params: types.InitializedParams) -> None:
        """Ask the client to report edits to configuration files, where it can."""
        workspace = self.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if not (watched and watched.dynamic_registration):
            return  # saving a Python file re-reads its configuration anyway
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED_CONFIGS]
        )
        registration = types.Registration(
            id="lint-memory-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
        )
        try:
            await self.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
        except Exception as error:  # the client said it could; saving still re-reads
            self._log(types.MessageType.Warning, f"could not watch configuration files: {error}")

    def on_did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if self.workspace.get_notebook_document(cell_uri=document.uri) is not None:
            return  # a notebook cell: checked with its notebook
        if document.language_id != "python" and not _path(document.uri).endswith(PYTHON_SUFFIXES):
            return
        self._documents.add(document.uri)
        self.forget_projects(_path(document.uri))
        self.schedule(document.uri)

    def on_did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in self._documents:
            self.schedule_change(params.text_document.uri)

    def on_did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in self._documents:
            self.forget_projects(_path(uri))
            self.schedule(uri)

    def on_did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in self._documents:
            self._documents.discard(uri)
            self._cancel(uri)
            self.clear(uri)

    def on_notebook_open(self, params: types.DidOpenNotebookDocumentParams) -> None:
        self.forget_projects(_path(params.notebook_document.uri))
        self.schedule(params.notebook_document.uri)

    def on_notebook_change(self, params: types.DidChangeNotebookDocumentParams) -> None:
        self.schedule_change(params.notebook_document.uri)

    def on_notebook_save(self, params: types.DidSaveNotebookDocumentParams) -> None:
        self.forget_projects(_path(params.notebook_document.uri))
        self.schedule(params.notebook_document.uri)

    def on_notebook_close(self, params: types.DidCloseNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        self._cancel(uri)
        for cell_uri in self._notebook_cells.pop(uri, []):
            self.clear(cell_uri)

    def on_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        self.forget_projects()
        for uri in [*self._documents, *self._notebook_cells]:
            self.schedule(uri)

    # --- requests ------------------------------------------------------------------------------
    async def on_hover(self, params: types.HoverParams) -> types.Hover | None:
        checked = await self.current(params.text_document.uri)
        if checked is None:
            return None
        row, col = checked.columns.engine(params.position)
        found = [finding for finding in checked.findings if lsp_convert.contains(finding, row, col)]
        if not found:
            return None
        first = found[0]
        hover = self.client_capabilities.text_document and self.client_capabilities.text_document.hover
        formats = hover.content_format if hover else None
        markdown = formats is None or types.MarkupKind.Markdown in formats
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText,
                value=lsp_convert.hover_markdown(found),
            ),
            range=checked.columns.range(first.line, first.col, first.end_line, first.end_col),
        )

    async def on_code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        checked = await self.current(uri)
        if checked is None:
            return None
        wanted = _kinds(params.context.only)
        here = lsp_convert.for_code_action(checked.findings, checked.columns, params.range, params.context.diagnostics)
        actions: list[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix):
            if any(_rule_has_fixes(finding) for finding in here):
                await self.planned(checked)
                if not self._current_text(checked):
                    return None  # edited while the fixes were planned: the client asks again
            actions += [self._quick_fix(checked, finding) for finding in here if finding.fix and finding.fix.edits]
            actions += self._suppressions(checked, here)
        if wanted(FIX_ALL_KIND) and uri in self._documents:
            action = await self._fix_all_action(checked)
            if action is not None:
                actions.append(action)
        return actions

    async def _fix_all_action(self, checked: Checked) -> types.CodeAction | None:
        """ "Fix all" for a text document (a notebook's fixes are offered one by one).  A client that
        resolves code actions gets it before the fixes are planned, and plans them only if chosen."""
        if not any(_rule_has_fixes(finding) for finding in checked.findings):
            return None
        action = types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, data={"uri": checked.uri})
        plan = checked.plan
        if self._resolves_edits() and not (plan and plan.task and plan.task.done()):
            return action
        resolved = await self.on_resolve(action)
        return resolved if resolved.edit is not None else None

    async def on_resolve(self, action: types.CodeAction) -> types.CodeAction:
        """Fill in the "fix all" edit: every safe fix at once, checked to parse."""
        uri = action.data.get("uri") if isinstance(action.data, dict) else None
        checked = await self.current(uri) if action.kind == FIX_ALL_KIND and uri else None
        if checked is None or not await self.planned(checked) or not self._current_text(checked):
            return action
        edits = lsp_convert.combined_edits(f.fix for f in checked.findings if f.fix is not None and _safe(f.fix))
        if not edits:
            return action
        try:
            ast.parse(lsp_convert.apply_edits(checked.text, edits))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            self._log(types.MessageType.Error, f"fix all: the fixed text of {uri} would not parse ({error})")
            return action
        action.edit = self._workspace_edit(checked, [lsp_convert.text_edit(e, checked.columns) for e in edits])
        action.diagnostics = [lsp_convert.diagnostic(f, checked.columns) for f in checked.findings if _safe(f.fix)]
        return action

    def _quick_fix(self, checked: Checked, finding: Finding) -> types.CodeAction:
        fix = finding.fix
        assert fix is not None
        safe = fix.applicability == "safe"
        return types.CodeAction(
            title=f"lint-memory: {fix.message}" + ("" if safe else " (unsafe)"),
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[lsp_convert.diagnostic(finding, checked.columns)],
            is_preferred=safe,
            edit=self._workspace_edit(checked, [lsp_convert.text_edit(edit, checked.columns) for edit in fix.edits]),
        )

    def _suppressions(self, checked: Checked, findings: list[Finding]) -> list[types.CodeAction]:
        """One "suppress" action per code among ``findings``, placing the noqa comment where
        ``lint-memory check --add-noqa`` puts it (and flake8 reads it)."""
        actions = []
        for code in dict.fromkeys(finding.code for finding in findings if not is_diagnostic(finding.code)):
            same = [finding for finding in findings if finding.code == code]
            edits = [
                lsp_convert.text_edit(
                    Edit(insertion.text, insertion.row, insertion.col, insertion.row, insertion.col), checked.columns
                )
                for insertion in add_noqa.plan(checked.text, same)
            ]
            if edits:
                actions.append(
                    types.CodeAction(
                        title=f"lint-memory: suppress {code} with `# noqa: {code}`",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp_convert.diagnostic(finding, checked.columns) for finding in same],
                        edit=self._workspace_edit(checked, edits),
                    )
                )
        return actions

    def _resolves_edits(self) -> bool:
        text_document = self.client_capabilities.text_document
        code_action = text_document.code_action if text_document else None
        resolve = code_action.resolve_support if code_action else None
        return resolve is not None and "edit" in resolve.properties

    def _workspace_edit(self, checked: Checked, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        """Versioned when the client can check versions: an edit made for an older text is refused."""
        workspace = self.client_capabilities.workspace
        if workspace and workspace.workspace_edit and workspace.workspace_edit.document_changes:
            document = types.OptionalVersionedTextDocumentIdentifier(uri=checked.uri, version=checked.version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)])
        return types.WorkspaceEdit(changes={checked.uri: edits})


def _kinds(only: Sequence[str] | None) -> Callable[[str], bool]:
    """Whether a code action of a kind was asked for (``only`` lists kinds and their prefixes)."""
    if not only:
        return lambda kind: True
    return lambda kind: any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def _path(uri: str) -> str:
    return to_fs_path(uri) or uri


def build_server() -> LintMemoryServer:
    deep.use_large_stacks()  # checks run on threads while another may hold the raised recursion limit
    server = LintMemoryServer()
    features: list[tuple[str, Callable[..., Any], Any]] = [
        (types.INITIALIZED, server.on_initialized, None),
        (types.TEXT_DOCUMENT_DID_OPEN, server.on_did_open, None),
        (types.TEXT_DOCUMENT_DID_CHANGE, server.on_did_change, None),
        (types.TEXT_DOCUMENT_DID_SAVE, server.on_did_save, types.SaveOptions(include_text=False)),
        (types.TEXT_DOCUMENT_DID_CLOSE, server.on_did_close, None),
        (types.NOTEBOOK_DOCUMENT_DID_OPEN, server.on_notebook_open, None),
        (types.NOTEBOOK_DOCUMENT_DID_CHANGE, server.on_notebook_change, None),
        (types.NOTEBOOK_DOCUMENT_DID_SAVE, server.on_notebook_save, None),
        (types.NOTEBOOK_DOCUMENT_DID_CLOSE, server.on_notebook_close, None),
        (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, server.on_watched_files, None),
        (types.TEXT_DOCUMENT_HOVER, server.on_hover, None),
        (
            types.TEXT_DOCUMENT_CODE_ACTION,
            server.on_code_action,
            types.CodeActionOptions(
                code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True
            ),
        ),
        (types.CODE_ACTION_RESOLVE, server.on_resolve, None),
    ]
    for method, handler, options in features:
        server.feature(method, options)(_plain(handler))
    return server


def _plain(method: Callable[..., Any]) -> Callable[..., Any]:
    """A function calling the bound ``method``: pygls marks its handlers with attributes."""
    if asyncio.iscoroutinefunction(method):

        async def handle_async(params: Any) -> Any:
            return await method(params)

        return handle_async

    def handle(params: Any) -> Any:
        return method(params)

    return handle


def main() -> None:
    """Serve one client over stdin/stdout until it disconnects."""
    logging.basicConfig(level=logging.WARNING, format="lint-memory server: %(message)s")
    server = build_server()
    gc.freeze()  # the modules loaded so far live as long as the server: no collection need look at them
    sys.exit(lsp_stdio.serve(server, partial(server._log, types.MessageType.Warning)))


if __name__ == "__main__":
    main()
