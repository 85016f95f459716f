"""pylint front end: ``pylint --load-plugins lint_memory.pylint_plugin``.

Two halves.  The shared engine runs on each module's source (read through astroid, so
``--from-stdin`` is covered): on any file pylint reports exactly what the flake8 plugin reports,
with confidence HIGH.  On top of it, astroid (``lint_memory.inference``) finds what only another
module of the project can tell, with confidence INFERENCE:

- a class that inherits from a deprecated memory class (or ``BaseMemory`` / ``BaseChatMemory``)
  through an intermediate class of the project: the class's line gets the ancestor's rule;
- a memory object that reaches ``memory=`` (LCM300) or the memory API (LCM302) through a helper
  function, a ``self.`` attribute or a module-level object of another module;
- a LangChain name re-exported by a project module (``from myapp.llm import ConversationBufferMemory``,
  or ``from myapp.llm import *``): the import and every use get the name's rule, as a direct import would.

Findings that one file alone explains are the engine's, so that the two front ends agree file by
file; an inference finding whose code the engine already reported on that line is dropped.
Message ids and symbols come from the rule table; LCM500/LCM501 are disabled by default, as in
flake8.  A module the engine cannot check gets the CLI's diagnostic: LCM904 (``E5294``) when it is
nested too deeply, LCM902 (``E5292``) when astroid read it but its bytes are not text in its declared
encoding; what pylint cannot parse or decode itself it reports itself (``syntax-error``), before any
plugin runs.  Suppression comments mean what they mean for the CLI and flake8 (``# noqa``,
``# noqa: LCM400``, ``# lint-memory: noqa``, ``# flake8: noqa``...: docs/suppression.md), on top of
pylint's own ``# pylint: disable=``; ``--lint-memory-noqa=n`` turns ours off, as ``flake8 --disable-noqa``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from astroid import nodes
from astroid.exceptions import AstroidError
from pylint.checkers import BaseChecker
from pylint.checkers.utils import only_required_for_messages
from pylint.constants import WarningScope
from pylint.interfaces import HIGH, INFERENCE, Confidence
from pylint.lint import PyLinter

from lint_memory import engine
from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import Entry
from lint_memory.frontends.astroid_resolver import LANGCHAIN_ROOTS, MEMORY, PATH, Ref, Resolver
from lint_memory.model import Finding
from lint_memory.rules import BY_CODE, RULES, is_diagnostic, messages
from lint_memory.rules.memory_api import is_api_of, is_memory_api
from lint_memory.rules.memory_argument import memory_arguments, passes_memory
from lint_memory.source.decode import SourceError, decode, split_lines
from lint_memory.source.noqa import Suppressions

SYMBOLS: dict[str, str] = {rule.code: rule.pylint_symbol for rule in RULES if rule.pylint_symbol}
_ALL_SYMBOLS = tuple(SYMBOLS.values())
_CATALOG_NAMES = frozenset(path.rsplit(".", 1)[-1] for path in lookup.BY_PATH)
_IMPORT_KEYWORD = re.compile(r"\bimport\b")
CROSS_MODULE, ALL, OFF = "cross-module", "all", "off"
INFERENCE_SCOPES = (CROSS_MODULE, ALL, OFF)


def _messages() -> dict[str, tuple]:
    """pylint's message table, built from the rule table (one message per rule with a pylint id: every
    lint rule, and the diagnostics LCM902 / LCM904)."""
    table: dict[str, tuple] = {}
    for rule in RULES:
        if rule.pylint_msgid is None:
            continue
        description = f"{rule.summary}. {rule.what} See {rule.anchor}"
        options: dict = {"scope": WarningScope.LINE}
        if not rule.default:
            options["default_enabled"] = False
            description += f" In pylint it is disabled by default: --enable={rule.pylint_symbol}."
        table[rule.pylint_msgid] = ("%s", rule.pylint_symbol, description, options)
    return table


@dataclass
class _Module:
    """What one module's walk collects for the inference pass in ``leave_module``."""

    node: nodes.Module
    scope: str  # the lint-memory-inference option
    lines: list[str]
    reported: set[tuple[str, int]]  # (code, line) already reported
    suppressions: Suppressions | None = None  # the file's noqa comments (None: not honoured)
    imports: list[nodes.Import | nodes.ImportFrom] = field(default_factory=list)
    classes: list[nodes.ClassDef] = field(default_factory=list)
    calls: list[nodes.Call] = field(default_factory=list)
    attributes: list[nodes.Attribute] = field(default_factory=list)
    reexported: set[str] = field(default_factory=set)  # local names bound to a re-exported LangChain name

    def beyond_engine(self, ref: Ref) -> bool:
        """May an answer that the engine may have missed be reported under the inference scope?"""
        return self.scope == ALL or ref.needs_other_module(self.node.name)


class MemoryChecker(BaseChecker):
    name = "lint-memory"
    msgs = _messages()
    options = (
        (
            "lint-memory-inference",
            {
                "default": CROSS_MODULE,
                "type": "choice",
                "choices": INFERENCE_SCOPES,
                "metavar": "<cross-module|all|off>",
                "help": "What astroid inference may add to the engine's findings. cross-module (default): only "
                "what needs another module of the project, so that on a self-contained file pylint reports "
                "exactly what flake8 reports; all: also chains inside one file that the engine cannot follow "
                "(a class deriving from a local memory subclass); off: the engine only.",
            },
        ),
        (
            "lint-memory-noqa",
            {
                "default": True,
                "type": "yn",
                "metavar": "<y or n>",
                "help": "Honour the noqa comments the CLI and flake8 honour (# noqa, # noqa: LCM400, "
                "# lint-memory: noqa, # flake8: noqa, ...); n shows every finding, as flake8 --disable-noqa.",
            },
        ),
    )

    def __init__(self, linter: PyLinter) -> None:
        super().__init__(linter)
        self._resolver: Resolver | None = None  # made in open(): each -j worker has its own
        self._module: _Module | None = None

    def open(self) -> None:
        self._resolver = Resolver()

    @property
    def resolver(self) -> Resolver:
        """The astroid resolver of this run (made on first use when ``open`` was not called)."""
        if self._resolver is None:
            self._resolver = Resolver()
        return self._resolver

    def close(self) -> None:
        self._resolver = None

    # --- the engine --------------------------------------------------------------------------
    @only_required_for_messages(*_ALL_SYMBOLS)
    def visit_module(self, node: nodes.Module) -> None:
        try:
            text = _source(node)
        except SourceError as error:  # astroid read it; the CLI and flake8 call it undecodable
            text = None
            self._emit(_Module(node, OFF, [], set()), _diagnostic(error.code, error.message, error.line), HIGH)
        module = _Module(node, self.linter.config.lint_memory_inference, split_lines(text) if text else [], set())
        if text is not None and self.linter.config.lint_memory_noqa:
            module.suppressions = Suppressions(text)
        self._module = module if module.scope != OFF else None
        if text is None or not engine.might_match_text(text):
            return
        try:
            found = engine.check_source(text, node.file or node.name)
        except (RecursionError, MemoryError):
            self._module = None  # nor does inference go where the engine could not
            self._emit(module, _diagnostic("LCM904", "the file is nested too deeply to check"), HIGH)
            return
        except (SyntaxError, ValueError):
            return  # pylint reports what it cannot parse (syntax-error) before any checker runs
        for finding in found:
            self._emit(module, finding, HIGH)

    # --- collecting candidates for inference (cheap tests only) ------------------------------
    @only_required_for_messages(*_ALL_SYMBOLS)
    def visit_import(self, node: nodes.Import) -> None:
        if self._module is not None:
            self._module.imports.append(node)

    @only_required_for_messages(*_ALL_SYMBOLS)
    def visit_importfrom(self, node: nodes.ImportFrom) -> None:
        if self._module is not None and (node.level or node.modname.split(".", 1)[0] not in LANGCHAIN_ROOTS):
            self._module.imports.append(node)

    @only_required_for_messages(*_ALL_SYMBOLS)
    def visit_classdef(self, node: nodes.ClassDef) -> None:
        if self._module is not None and node.bases:
            self._module.classes.append(node)

    @only_required_for_messages(*_ALL_SYMBOLS)
    def visit_call(self, node: nodes.Call) -> None:
        if self._module is not None and any(passes_memory(k.arg) for k in node.keywords or ()):
            self._module.calls.append(node)

    @only_required_for_messages(*_ALL_SYMBOLS)
    def visit_attribute(self, node: nodes.Attribute) -> None:
        if self._module is not None and (is_memory_api(node.attrname) or node.attrname in _CATALOG_NAMES):
            self._module.attributes.append(node)

    # --- inference ---------------------------------------------------------------------------
    @only_required_for_messages(*_ALL_SYMBOLS)
    def leave_module(self, node: nodes.Module) -> None:
        module, self._module = self._module, None
        if module is None or self._resolver is None:
            return
        if module.scope == CROSS_MODULE and not self._imports_project(module):
            return
        for finding in sorted(self._inferred(module), key=Finding.sort_key):
            if (finding.code, finding.line) not in module.reported:
                self._emit(module, finding, INFERENCE)

    def _imports_project(self, module: _Module) -> bool:
        """Every inference finding starts at an import of a project module: without one, skip."""
        for statement in module.imports:
            try:
                if isinstance(statement, nodes.Import):
                    names = [name for name, _ in statement.names]
                else:
                    names = [module.node.relative_to_absolute_name(statement.modname, statement.level)]
            except AstroidError:
                continue
            if any(self.resolver.project_module(name.split(".", 1)[0]) is not None for name in names):
                return True
        return False

    def _inferred(self, module: _Module) -> Iterator[Finding]:
        checks = (
            (self._reexports, [s for s in module.imports if isinstance(s, nodes.ImportFrom)]),
            (self._inherited, module.classes),
            (self._memory_arguments, module.calls),
            (self._attribute, module.attributes),
        )
        for check, candidates in checks:
            for candidate in candidates:
                try:
                    yield from check(candidate, module)
                except (AstroidError, RecursionError):
                    continue  # astroid could not follow this one: no finding, as with any unknown value
        if module.reexported:
            yield from self._reexport_uses(module)

    def _reexports(self, statement: nodes.ImportFrom, module: _Module) -> Iterator[Finding]:
        """``from myapp.llm import ConversationBufferMemory``, where ``myapp.llm`` imported it from LangChain;
        ``from myapp.llm import *`` brings every such name ``myapp.llm`` exports (its ``__all__``, else its
        public names), reported on the ``*``."""
        for name, alias in statement.names:
            if name == "*":
                yield from self._star_reexports(statement, module)
                continue
            entry = self._reference_entry(self.resolver.imported(statement, name), module)
            if entry is not None:
                written = alias or name
                module.reexported.add(written)
                row, col = _alias_position(statement, name, module.lines)
                message = messages.reference(entry, written)
                yield Finding(_rule_of(entry), message, row, col, row, col + len(name), entry.name)

    def _star_reexports(self, statement: nodes.ImportFrom, module: _Module) -> Iterator[Finding]:
        """The re-exported LangChain names a star import of a project module brings, each on the ``*``."""
        source = module.node.relative_to_absolute_name(statement.modname, statement.level)
        tree = self.resolver.project_module(source)
        if tree is None:
            return  # LangChain's own modules: the engine reads those star imports
        row, col = _alias_position(statement, "*", module.lines)
        for name in sorted(tree.wildcard_import_names()):
            entry = self._reference_entry(self.resolver.module_attribute(source, name), module)
            if entry is not None:
                module.reexported.add(name)
                message = messages.reference(entry, name)
                yield Finding(_rule_of(entry), message, row, col, row, col + 1, entry.name)

    def _reexport_uses(self, module: _Module) -> Iterator[Finding]:
        """Every use of a re-exported name, as the engine reports every use of a direct import."""
        for use in module.node.nodes_of_class(nodes.Name):
            if use.name not in module.reexported:
                continue
            try:
                entry = self._reference_entry(self.resolver.expression(use), module)
            except (AstroidError, RecursionError):
                continue
            if entry is not None:
                yield _finding(_rule_of(entry), messages.reference(entry, use.name), use, entry.name)

    def _attribute(self, node: nodes.Attribute, module: _Module) -> Iterator[Finding]:
        """``llm.ConversationBufferMemory`` (a re-export reached through a module) and the memory API."""
        if node.attrname in _CATALOG_NAMES:
            entry = self._reference_entry(self.resolver.expression(node), module)
            if entry is not None:
                yield _finding(_rule_of(entry), messages.reference(entry, _shown(node)), node, entry.name)
                return
        if is_memory_api(node.attrname):
            owner = self.resolver.expression(node.expr)
            if (
                owner is not None
                and owner.kind == MEMORY
                and owner.entry is not None
                and is_api_of(node.attrname, owner.entry)
                and module.beyond_engine(owner)
            ):
                rule = BY_CODE["LCM302"]
                message = messages.memory_api(_shown(node), owner.entry, catalog.MEMORY_API_USE, rule.url)
                yield _finding(rule.code, message, node, owner.entry.name)

    def _inherited(self, node: nodes.ClassDef, module: _Module) -> Iterator[Finding]:
        """A class whose deprecated ancestor is reached through an intermediate project class."""
        klass = self.resolver.class_def(node)
        entry = klass.entry
        if entry is None or entry.rule is None or klass.via is None or not module.beyond_engine(klass):
            return
        message = f"`{node.name}` inherits from `{entry.name}` through `{klass.via}`: " + messages.reference(
            entry, entry.name
        )
        yield _finding(_rule_of(entry), message, node, entry.name)

    def _memory_arguments(self, call: nodes.Call, module: _Module) -> Iterator[Finding]:
        """``memory=`` given to a chain re-exported by the project, or given a memory object made elsewhere.
        Which arguments give memory is the rule's keyword search, shared with the engine."""
        given = memory_arguments(call, ASTROID_CALLS)
        if not given:
            return
        callee = self.resolver.expression(call.func)
        if callee is not None and callee.memory_class is not None:
            return  # a memory class taking `memory=` (ReadOnlySharedMemory): its own rule says it
        home = module.node.name
        consumer = (
            callee is not None
            and callee.kind == PATH
            and callee.path is not None
            and lookup.is_memory_consumer(callee.path)
            and callee.needs_other_module(home)
        )
        rule = BY_CODE["LCM300"]
        for where, value in given:
            held = self.resolver.expression(value)
            memory = held if held is not None and held.kind == MEMORY else None
            if consumer or (memory is not None and module.beyond_engine(memory)):
                entry = memory.entry if memory is not None else None
                message = messages.memory_argument(_shown(call.func), entry, catalog.MEMORY_ARGUMENT, rule.url)
                yield _finding(rule.code, message, where, "memory")

    def _reference_entry(self, ref: Ref | None, module: _Module) -> Entry | None:
        """The catalog entry a re-exported LangChain name stands for, when its rule reports references."""
        if ref is None or ref.kind != PATH or not ref.needs_other_module(module.node.name):
            return None
        entry = ref.catalog_entry
        return entry if entry is not None and entry.rule else None

    # --- reporting ---------------------------------------------------------------------------
    def _emit(self, module: _Module, finding: Finding, confidence: Confidence) -> None:
        module.reported.add((finding.code, finding.line))
        silenced = module.suppressions
        if (
            silenced is not None
            and not is_diagnostic(finding.code)
            and silenced.is_suppressed(finding.code, finding.line)
        ):
            return
        self.add_message(
            SYMBOLS[finding.code],
            line=finding.line,
            args=finding.message,
            confidence=confidence,
            col_offset=finding.col,
            end_lineno=finding.end_line,
            end_col_offset=finding.end_col,
        )


def _source(node: nodes.Module) -> str | None:
    """The module's text as the engine must see it, or None when it cannot be read; raises
    ``SourceError`` (LCM902) when its bytes are not text in its declared encoding."""
    stream = node.stream()
    if stream is None:
        return None
    try:
        with stream:
            data = stream.read()
    except OSError:
        return None
    if node.file_bytes is not None:  # built from a string (--from-stdin): astroid encoded it as UTF-8
        return data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    return decode(data)


def _diagnostic(code: str, message: str, line: int = 1) -> Finding:
    """An LCM9xx finding on ``line``, with the rule's link as every message has."""
    rule = BY_CODE[code]
    return Finding(code, f"{message}; see {rule.url}", line, 0, line, 0, rule.name)


class AstroidCalls:
    """``rules.memory_argument.CallSyntax`` for astroid: the engine's keyword search read on astroid nodes."""

    def keywords(self, call: nodes.NodeNG) -> list[tuple[str | None, nodes.NodeNG, nodes.NodeNG]]:
        keywords = call.keywords if isinstance(call, nodes.Call) else None
        return [(keyword.arg, keyword, keyword.value) for keyword in keywords or ()]

    def dict_display(self, node: nodes.NodeNG) -> list[tuple[object, nodes.NodeNG, nodes.NodeNG]] | None:
        if not isinstance(node, nodes.Dict):
            return None
        return [(key.value if isinstance(key, nodes.Const) else None, key, value) for key, value in node.items]

    def is_dict_call(self, node: nodes.NodeNG) -> bool:
        if not (isinstance(node, nodes.Call) and isinstance(node.func, nodes.Name) and node.func.name == "dict"):
            return False
        scope, _ = node.func.lookup("dict")
        return isinstance(scope, nodes.Module) and scope.name == "builtins"

    def is_none(self, node: nodes.NodeNG) -> bool:
        return isinstance(node, nodes.Const) and node.value is None


ASTROID_CALLS = AstroidCalls()


def _rule_of(entry: Entry) -> str:
    """The code of an entry whose rule reports references (callers checked that it has one)."""
    if entry.rule is None:
        raise ValueError(f"{entry.name} has no rule of its own")
    return entry.rule


def _finding(code: str, message: str, node: nodes.NodeNG, symbol: str) -> Finding:
    position = node.position if isinstance(node, nodes.ClassDef) and node.position else None
    if position is not None:  # a class: its `class Name` header, not its whole body
        return Finding(
            code, message, position.lineno, position.col_offset, position.end_lineno, position.end_col_offset, symbol
        )
    return Finding(
        code,
        message,
        node.lineno,
        node.col_offset,
        node.end_lineno or node.lineno,
        node.end_col_offset if node.end_col_offset is not None else node.col_offset,
        symbol,
    )


def _alias_position(statement: nodes.ImportFrom, name: str, lines: list[str]) -> tuple[int, int]:
    """Row and column of ``name`` in a (possibly parenthesised, multi-line) from-import."""
    pattern = re.compile(rf"\b{re.escape(name)}\b" if name.isidentifier() else re.escape(name))
    last = statement.end_lineno or statement.lineno
    for row in range(statement.lineno, min(last, len(lines)) + 1):
        text = lines[row - 1]
        start = 0
        if row == statement.lineno:
            keyword = _IMPORT_KEYWORD.search(text)
            start = keyword.end() if keyword else 0
        match = pattern.search(text, start)
        if match:
            return row, match.start()
    return statement.lineno, statement.col_offset


def _shown(node: nodes.NodeNG, limit: int = 60) -> str:
    text = node.as_string()
    return text if len(text) <= limit else "..." + text[-(limit - 3) :]


def register(linter: PyLinter) -> None:
    linter.register_checker(MemoryChecker(linter))
