"""Value analysis: what class an expression or annotation names, what memory an expression holds.

It asks the ``SemanticModel`` and the catalog, and reports nothing.  Casts (``typing.cast``),
alternative constructors (``X.from_llm(...)``), typing forms (``Optional``, ``Union``, ``X | None``,
``Annotated``, ...), string annotations, attributes stored on a class or on ``self``, and calls of
helpers of the same module all count.

A call of a function (or ``self.`` method) of the same module gives a memory object when the
function is annotated to return one, or when every ``return`` of its body gives one (``return
None`` and a bare ``return`` aside).  The body is read on demand, from the function's own scope
chain, once per function: ``Values`` does the bookkeeping (recursion, depth, budget) and calls its
``reader``, which the checker provides, to walk the body with no rule enabled and a
``ReturnCollector`` listening to its ``return`` statements.

Every name it resolves is spelled out in the source: string annotations are read only when they
are one plain literal (no escapes, no implicit concatenation), which is what keeps the byte
pre-filter in ``engine.might_match`` sound.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import Entry
from lint_memory.semantic.bindings import Binding, BindingKind, ClassContext, FunctionBody
from lint_memory.semantic.model import SemanticModel
from lint_memory.semantic.syntax import elements, is_call, is_generator, is_none, outcomes, typing_form

# Typing forms whose instances are instances of (one of) their arguments.
UNION_FORMS = frozenset({"Optional", "Union"})
WRAPPER_FORMS = frozenset({"Annotated", "ClassVar", "Final", "Required", "NotRequired", "ReadOnly", "InitVar"})
CASTS = frozenset({"typing.cast", "typing_extensions.cast"})

MAX_PROBES = 16  # helpers probed inside one another (each nests a walk) before giving up
PROBE_BUDGET = 1000  # probes per module: results that lean on recursion or a cut are not kept, so cap them

# Walks a function body with no rule enabled, its returns given to the collector (see ``Values.probe``).
ReturnReader = Callable[[FunctionBody, "Values", "ReturnCollector"], None]


class Values:
    """Value questions about expressions, answered from the model where the walk is."""

    def __init__(
        self,
        model: SemanticModel,
        lines: list[str] | None,
        reader: ReturnReader | None = None,
        parent: Values | None = None,
    ) -> None:
        self.model = model
        self.lines = lines  # the source, split as Python counts lines; checks string annotations
        self.reader = reader
        self._root = None if parent is None else parent.root  # holds the probe budget (not self: no cycle)
        self.depth: int = 0 if parent is None else parent.depth + 1  # how many probes enclose this one
        self.probes_left = PROBE_BUDGET  # counted on the root only
        self.assumed: set[FunctionBody] = set()  # functions whose probe was unfinished when a call needed it
        self.recursions = 0  # calls answered None because of such an unfinished probe
        self.cut = False  # a probe was refused (too deep, or the budget is spent)

    @property
    def root(self) -> Values:
        """The values of the module's walk, which hold the probe budget."""
        return self if self._root is None else self._root

    # --- classes -----------------------------------------------------------------------------
    def memory_class(self, node: ast.AST | None) -> Entry | None:
        """The memory entry a class expression (or annotation) names."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node = self.parse_annotation(node)
            if node is None:
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self.memory_class(node.left) or self.memory_class(node.right)
        if isinstance(node, ast.Subscript):
            form = typing_form(node.value)
            arguments = elements(node.slice)
            if form in UNION_FORMS:  # Optional[X], Union[int, X]
                return next((e for e in map(self.memory_class, arguments) if e is not None), None)
            if form in WRAPPER_FORMS and arguments:  # Annotated[X, ...], ClassVar[X]
                return self.memory_class(arguments[0])
            return None  # list[X] holds memories but is not one
        binding = self.model.resolve(node)
        if binding is None:
            return None
        if binding.kind is BindingKind.MEMORY_CLASS:
            return binding.entry
        entry = lookup.BY_PATH.get(binding.path) if binding.kind is BindingKind.PATH else None  # type: ignore[arg-type]
        return entry if entry is not None and entry.memory else None

    # --- values ------------------------------------------------------------------------------
    def memory_value(self, node: ast.AST) -> Entry | None:
        """The memory entry an expression evaluates to an instance of, if known."""
        if isinstance(node, ast.Call):
            entry = self.memory_class(node.func)
            is_constructor = isinstance(node.func, ast.Attribute) and node.func.attr.startswith(
                catalog.CONSTRUCTOR_PREFIXES
            )
            if entry is None and is_constructor:
                entry = self.memory_class(node.func.value)  # type: ignore[attr-defined]
            if entry is None and node.args and _may_cast(node.func) and self.model.qualified_path(node.func) in CASTS:
                entry = self.memory_class(node.args[0])
            if entry is None:
                entry = self.returns(node.func, BindingKind.FUNCTION)
            return entry
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            return self.returns(node.value.func, BindingKind.COROUTINE)
        if isinstance(node, ast.Name):
            binding = self.model.lookup(node.id)
            return binding.entry if binding is not None and binding.kind is BindingKind.INSTANCE else None
        if isinstance(node, ast.NamedExpr):
            return self.memory_value(node.value)
        owner = self.owner_attr(node)
        if owner is not None:
            return owner[0].find(owner[1])
        return None

    def owner_attr(self, node: ast.AST) -> tuple[ClassContext, str] | None:
        """(class, ``X``) when node is ``self.X`` / ``cls.X`` inside a method or ``SomeClass.X``."""
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            return None
        method = self.model.method
        if method is not None and node.value.id == method[1]:
            return method[0], node.attr
        binding = self.model.lookup(node.value.id)
        if binding is not None and binding.klass is not None:
            return binding.klass, node.attr
        return None

    def when_memory(self, node: ast.AST, callback: Callable[[Entry], None]) -> None:
        """Call ``callback(entry)`` if node holds a memory object, now or once its class is complete
        (``self.X`` read in a method before the method that sets it)."""
        entry = self.memory_value(node)
        if entry is not None:
            callback(entry)
            return
        owner = self.owner_attr(node)
        if owner is not None:
            owner[0].pending.append((owner[1], callback))

    # --- helper functions --------------------------------------------------------------------
    def returns(self, callee: ast.AST, kind: BindingKind) -> Entry | None:
        """The memory a call of a local function (or ``self.`` method) gives: the one it is
        annotated to return (``-> ConversationBufferMemory``), else the one its body returns."""
        binding = self._callee(callee)
        if binding is None or binding.kind is not kind:
            return None
        if binding.entry is not None or binding.body is None:
            return binding.entry
        return self.probe(binding.body)

    def _callee(self, callee: ast.AST) -> Binding | None:
        """The function binding a call target names: a local function, or a method of ``self`` / a class."""
        if isinstance(callee, ast.Name):
            return self.model.lookup(callee.id)
        owner = self.owner_attr(callee)
        if owner is None or owner[0].find(owner[1]) is not None:
            return None
        return owner[0].method(owner[1])

    def probe(self, item: FunctionBody) -> Entry | None:
        """The memory every ``return`` of a function's body gives, read once per function (and once
        more after the module's walk, when a module-level call saw the bindings of that moment)."""
        final = self.model.final
        if final in item.returns:
            return item.returns[final]
        if item.probing:
            self.assumed.add(item)
            self.recursions += 1
            return None
        if is_generator(item.node, self.lines):
            item.returns[final] = None
            return None
        if self.reader is None or self.depth >= MAX_PROBES or self.root.probes_left <= 0:
            self.cut = True  # unknown here, maybe not from a shallower call
            return None
        self.root.probes_left -= 1
        model = SemanticModel(item.scopes, track=False)
        model.final = final
        values = Values(model, self.lines, self.reader, self)
        collector = ReturnCollector(values)
        item.probing = True
        try:
            self.reader(item, values, collector)
        finally:
            item.probing = False
        values.assumed.discard(item)
        if values.assumed:
            self.assumed |= values.assumed
            self.recursions += 1
        self.cut = self.cut or values.cut
        if not (values.assumed or values.cut):  # leaning on an unfinished or cut probe, it may change: not kept
            item.returns[final] = collector.result
        return collector.result

    # --- string annotations ------------------------------------------------------------------
    def parse_annotation(self, node: ast.Constant) -> ast.expr | None:
        """The expression a string annotation holds, located at the string; None when it is not
        one plain literal (escapes or implicit concatenation would hide names from the pre-filter)."""
        if not isinstance(node.value, str):
            return None
        if self.lines is not None and literal_body(self.lines, node) != node.value:
            return None
        try:
            parsed = ast.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return None
        for child in ast.walk(parsed):
            if "lineno" in child._attributes:
                ast.copy_location(child, node)
                child.end_lineno, child.end_col_offset = node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]
        return parsed


def _may_cast(func: ast.expr) -> bool:
    """Can a call of ``func`` be one of ``CASTS``?  Not an attribute other than ``.cast`` (a name may be bound
    to ``typing.cast`` under any name)."""
    return not isinstance(func, ast.Attribute) or func.attr == "cast"


class ReturnCollector:
    """What the ``return`` statements of one function body give.

    ``result`` is the memory every returned value is an instance of, ``return None``, a bare
    ``return`` and falling off the end aside (as ``Optional[X]`` is X); a call of a function whose
    probe is unfinished (recursion) is set aside too.  Any other value, or no memory value at all,
    leaves it None.
    """

    def __init__(self, values: Values) -> None:
        self.values = values
        self.result: Entry | None = None
        self.other = False  # some return gives something that is not a memory object

    def wants(self, node: ast.Return) -> bool:
        """Is this ``return`` worth reading (its value is walked first, then given to ``collect``)?"""
        return node.value is not None and not self.other

    def collect(self, value: ast.expr) -> None:
        for returned in outcomes(value):
            self._returned(returned)
        if self.other:
            self.result = None

    def _returned(self, value: ast.AST) -> None:
        if is_none(value):
            return
        before = self.values.recursions
        entry = self.values.memory_value(value)
        if entry is not None:
            self.result = self.result or entry
        elif self.values.recursions == before or not is_call(value):  # a recursive call alone is set aside
            self.other = True


_STRING_PREFIXES = frozenset("rRuU")


def literal_body(lines: list[str], node: ast.Constant) -> str | None:
    """The text between the quotes of a string literal, or None when the node's source is not a
    single literal (implicit concatenation) or cannot be located."""
    first, last = node.lineno, node.end_lineno or node.lineno
    if not 0 < first <= last <= len(lines) or node.end_col_offset is None:
        return None
    if first == last:
        raw = lines[first - 1].encode("utf-8")[node.col_offset : node.end_col_offset]
    else:
        head = lines[first - 1].encode("utf-8")[node.col_offset :]
        tail = lines[last - 1].encode("utf-8")[: node.end_col_offset]
        raw = b"\n".join([head, *(line.encode("utf-8") for line in lines[first : last - 1]), tail])
    text = raw.decode("utf-8", "replace")
    body = text.lstrip("".join(_STRING_PREFIXES))
    if len(text) - len(body) > 1:
        return None
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    if quote not in ('"', "'", '"""', "'''") or len(body) < 2 * len(quote) or not body.endswith(quote):
        return None
    return body[len(quote) : -len(quote)]
