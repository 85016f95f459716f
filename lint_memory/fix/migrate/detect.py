"""Matching issue 12's patterns on the semantic model: the chain, its memory, its prompt and every use of the chain."""

from __future__ import annotations

import ast
import re
import string
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from lint_memory.fix.migrate.reasons import (
    global_chain,
    memory_read,
    memory_shared,
    option,
    passed,
    prompt_shape,
    returned,
    stored,
    unsupported,
    used,
)
from lint_memory.semantic.bindings import Binding, Reference
from lint_memory.semantic.model import SemanticModel
from lint_memory.semantic.syntax import children, first_row

CONVERSATION_PREAMBLE = (
    "The following is a friendly conversation between a human and an AI. The AI is talkative and provides lots of "
    "specific details from its context. If the AI does not know the answer to a question, it truthfully says it "
    "does not know.\n\nCurrent conversation:"
)
MEMORIES = {
    "ConversationBufferMemory": "buffer",
    "ConversationStringBufferMemory": "buffer",
    "ConversationBufferWindowMemory": "window",
    "ConversationSummaryMemory": "summary",
    "ConversationSummaryBufferMemory": "summary",
}
OPTIONS = ("input_key", "output_key", "return_messages", "human_prefix", "ai_prefix")
SYNC = {"predict": "text", "run": "text", "invoke": "dict"}
ASYNC = {"apredict": "text", "arun": "text", "ainvoke": "dict"}


@dataclass
class Use:
    """One call of the chain: ``node`` is replaced; ``subscripts`` (``result["response"]``) too, when the call's
    result dict is bound to a name first."""

    node: ast.expr
    argument: ast.expr
    asynchronous: bool
    whole: bool  # node evaluates to the reply string (else to the result dict)
    subscripts: list[ast.Subscript] = field(default_factory=list)


@dataclass
class Template:
    """A prompt of another shape, rendered by a module-level middleware: ``prompt`` is the call that builds it,
    ``statement`` its binding (moved into the middleware when the call spans several lines)."""

    prompt: ast.Call
    statement: ast.Assign | None
    history: str
    name: str  # the middleware's name


@dataclass
class Site:
    chain: str  # ConversationChain | LLMChain
    pattern: str  # buffer | window | prefix | summary
    statement: ast.Assign
    base: str  # "chain" or "self.chain"
    model: ast.expr
    system_prompt: str | None = None
    window: int | None = None
    summary: tuple[ast.expr, int | None] | None = None  # the summary model; the token limit (summary buffer)
    removed: list[ast.stmt] = field(default_factory=list)
    template: Template | None = None  # another template shape: rendered by a middleware
    removed_module: list[ast.stmt] = field(default_factory=list)  # a template constant read only by the prompt
    dropped: set[str] = field(default_factory=set)  # legacy class names no longer called
    uses: list[Use] = field(default_factory=list)
    top: ast.stmt | None = None  # the module-level statement holding the chain
    callbacks: ast.expr | None = None  # the chain's `callbacks=`: passed on every call, in the thread config

    @property
    def asynchronous(self) -> bool:
        return any(use.asynchronous for use in self.uses)


def callee(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


class Matcher:
    def __init__(self, tree: ast.Module, model: SemanticModel | Callable[[], SemanticModel]) -> None:
        """``model``: the module's semantic model (``checker.semantic_model``), or a function that builds it the
        first time a match needs it (a chain is often blocked before: one not assigned, say)."""
        self.tree = tree
        self._model = model
        self.parents: dict[int, ast.AST] = {}  # filled a top-level statement at a time (``parent``)
        self.tops: dict[int, ast.stmt] = {}
        # The top-level statements in order, by their lines (they follow each other: both lists ascend).
        self._starts = [first_row(top) or 0 for top in tree.body]
        self._ends = [getattr(top, "end_lineno", None) or start for top, start in zip(tree.body, self._starts)]
        self._mapped = [False] * len(tree.body)
        self._unmapped = len(tree.body)  # how many of them are not mapped yet
        self._methods: dict[int, ast.ClassDef | None] = {}  # ``_method_of``, by the parameter's id
        self.last: Site | None = None  # the site being matched, as far as the match got

    @cached_property
    def model(self) -> SemanticModel:
        return self._model if isinstance(self._model, SemanticModel) else self._model()

    @cached_property
    def runtime(self) -> list[tuple[Reference, Binding | None]]:
        return self.model.runtime_bindings()

    def parent(self, node: ast.AST) -> ast.AST | None:
        found = self.parents.get(id(node))
        if found is None and self._unmapped:
            self._map_around(node)
            found = self.parents.get(id(node))
        return found

    def top(self, node: ast.AST) -> ast.stmt | None:
        """The top-level statement that holds ``node``."""
        found = self.tops.get(id(node))
        if found is None and self._unmapped:
            self._map_around(node)
            found = self.tops.get(id(node))
        return found

    def _map_around(self, node: ast.AST) -> None:
        """Map each node's parent and top-level statement in the statements not mapped yet that can hold ``node``
        (by its line, found by bisection: all of them for a node without one); names' contexts and operators are
        left out."""
        row = getattr(node, "lineno", None)
        body = self.tree.body
        if row is None:
            indices: list[int] = list(range(len(body)))
        else:
            index, indices = bisect_right(self._starts, row) - 1, []
            while index >= 0 and self._ends[index] >= row:  # more than one only for statements sharing a line
                indices.append(index)
                index -= 1
        parents, tops = self.parents, self.tops
        for index in indices:
            if self._mapped[index]:
                continue
            self._mapped[index] = True
            self._unmapped -= 1
            top = body[index]
            tops[id(top)] = top
            todo: list[ast.AST] = [top]
            while todo:
                current = todo.pop()
                for child in children(current):
                    parents[id(child)] = current
                    tops[id(child)] = top
                    todo.append(child)

    # --- references ----------------------------------------------------------------------------
    def binding_of_store(self, target: ast.Name) -> Binding | None:
        for binding in self.model.bindings_of(target.id):
            if binding.node is target:
                return binding
        return None

    def loads(self, binding: Binding) -> list[ast.expr]:
        return [reference.node for reference, found in self.runtime if found is binding]

    def attribute_uses(self, klass: ast.ClassDef, attr: str) -> list[ast.Attribute]:
        """``self.attr`` in the methods of ``klass``, from the loads of each method's first parameter."""
        return self._self_attributes.get((id(klass), attr), [])

    @cached_property
    def _self_attributes(self) -> dict[tuple[int, str], list[ast.Attribute]]:
        """(class id, attribute) -> each ``self.attribute`` in that class's methods, in the order of the loads:
        one pass over the loads for every question ``attribute_uses`` is asked."""
        found: dict[tuple[int, str], list[ast.Attribute]] = {}
        for reference, binding in self.runtime:
            node = binding.node if binding is not None else None
            if not isinstance(node, ast.arg):
                continue
            klass = self._method_of(node)
            above = self.parent(reference.node) if klass is not None else None
            if isinstance(above, ast.Attribute):
                found.setdefault((id(klass), above.attr), []).append(above)
        return found

    def _method_of(self, argument: ast.arg) -> ast.ClassDef | None:
        """The class of which ``argument`` is a method's first parameter (None if it is not one)."""
        key = id(argument)
        if key not in self._methods:
            self._methods[key] = self._find_method_of(argument)
        return self._methods[key]

    def _find_method_of(self, argument: ast.arg) -> ast.ClassDef | None:
        arguments = self.parent(argument)
        function = self.parent(arguments) if arguments is not None else None
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        first = (function.args.posonlyargs + function.args.args)[:1]
        klass = self.parent(function)
        return klass if first and first[0] is argument and isinstance(klass, ast.ClassDef) else None

    def enclosing_class(self, node: ast.AST) -> ast.ClassDef | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, ast.ClassDef):
            current = self.parent(current)
        return current

    def other_uses(self, target: ast.expr, where: ast.AST) -> list[ast.expr]:
        """Every use of the value bound to ``target`` (a local name or a ``self.`` attribute) other than ``where``
        and the store itself; raises Blocked when the target is not such a binding."""
        if isinstance(target, ast.Name):
            binding = self.binding_of_store(target)
            if binding is None or binding.scope is None or binding.scope.kind.name == "MODULE":
                raise global_chain(target.id, target.lineno)
            same = [b for b in self.model.bindings_of(target.id) if b.scope is binding.scope]
            if len(same) != 1:
                raise used(target.id, target.lineno, "bound more than once")
            found: list[ast.expr] = [node for node in self.loads(binding) if node is not where]
            return found
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            klass = self.enclosing_class(target)
            if klass is None:
                raise unsupported(target.lineno, "an attribute outside a class")
            uses: list[ast.expr] = [
                node for node in self.attribute_uses(klass, target.attr) if node is not target and node is not where
            ]
            for node in uses:
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
                    raise stored(ast.unparse(target), node.lineno)
            return uses
        raise unsupported(target.lineno, "a target that is not a local name or a `self.` attribute")

    def value_of(self, node: ast.expr, holder: Site, name: str) -> ast.Call:
        """The call that built the argument ``node``: inline, or bound to a name whose only use is ``node``."""
        built = self.built(node, name)
        self.only_use(node, built, holder, name)
        return built[0]

    def built(self, node: ast.expr, name: str) -> tuple[ast.Call, ast.Assign | None, ast.expr | None]:
        """The call that built the argument ``node``, the statement binding it and its target (both None when the
        call is inline); raises Blocked when ``node`` is not built in this function."""
        if isinstance(node, ast.Call):
            return node, None, None
        if isinstance(node, ast.Name):
            bound = [found for reference, found in self.runtime if reference.node is node]
            binding = bound[0] if bound else None
            store = binding.node if binding is not None else None
        elif isinstance(node, ast.Attribute):
            klass = self.enclosing_class(node)
            stores = [n for n in self.attribute_uses(klass, node.attr) if isinstance(n.ctx, ast.Store)] if klass else []
            store = stores[0] if len(stores) == 1 else None
        else:
            store = None
        statement = self.parent(store) if store is not None else None
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and statement.targets[0] is store):
            raise unsupported(node.lineno, f"`{name}=` is not built in this function")
        if not isinstance(statement.value, ast.Call):
            raise unsupported(node.lineno, f"`{name}=` is not a call")
        return statement.value, statement, store  # type: ignore[return-value]

    def only_use(
        self, node: ast.expr, built: tuple[ast.Call, ast.Assign | None, ast.expr | None], holder: Site, name: str
    ) -> None:
        """A bound argument must have ``node`` as its only use; its statement then goes with the chain."""
        _, statement, store = built
        if statement is None or store is None:
            return
        label = ast.unparse(node)
        for other in self.other_uses(store, node):
            above = self.parent(other)
            use = ast.unparse(above) if isinstance(above, ast.Attribute) else label
            raise (
                memory_shared(label, other.lineno, use)
                if name == "memory"
                else used(label, other.lineno, f"the {name} is used elsewhere")
            )
        holder.removed.append(statement)

    # --- the chain -----------------------------------------------------------------------------
    def match(self, call: ast.Call, chain: str) -> Site:
        """The site of ``call`` (``chain`` is its class); raises Blocked. ``last`` keeps what was learnt."""
        self.last = None
        statement = self.parent(call)
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and statement.value is call):
            raise unsupported(call.lineno, f"`{chain}(...)` is not assigned to a local name or `self.` attribute")
        target = statement.targets[0]
        if isinstance(target, ast.Attribute) and not (isinstance(target.value, ast.Name) and target.value.id == "self"):
            raise unsupported(call.lineno, "a chain stored on another object than `self`")
        if call.args:
            raise unsupported(call.lineno, "positional arguments")
        keywords = {k.arg: k.value for k in call.keywords}
        if None in keywords:
            raise unsupported(call.lineno, "`**` arguments")
        site = Site(chain, "buffer", statement, ast.unparse(target), keywords.get("llm", call), top=self.top(call))
        memory = self.built(keywords["memory"], "memory") if "memory" in keywords else None
        self._identify(call, memory[0] if memory is not None else None, site)
        self.last = site  # the pattern is known: what blocks it from here on is tallied under it
        for key, value in keywords.items():
            if key in OPTIONS:
                raise option(str(key), value.lineno)
            if key not in ("llm", "memory", "prompt", "verbose", "callbacks"):
                raise unsupported(value.lineno, f"the argument `{key}=`")
        if "llm" not in keywords:
            raise unsupported(call.lineno, "no `llm=`")
        site.callbacks = keywords.get("callbacks")
        site.dropped.add(chain)
        history = "history"
        if memory is not None:
            self.only_use(keywords["memory"], memory, site, "memory")
            history = self._memory(memory[0], site)
        if chain == "ConversationChain":
            if "prompt" in keywords:
                raise prompt_shape(keywords["prompt"].lineno, "a custom `ConversationChain` prompt")
            site.system_prompt = CONVERSATION_PREAMBLE
        else:
            if "prompt" not in keywords:
                raise unsupported(call.lineno, "an `LLMChain` without `prompt=`")
            prompt = self.value_of(keywords["prompt"], site, "prompt")
            self._prompt(prompt, history, site)
        for use in self.other_uses(target, call):
            site.uses.append(self._use(use, site))
        if not site.uses:
            raise unsupported(call.lineno, "a chain that is never called")
        mixed = site.asynchronous and not all(use.asynchronous for use in site.uses)
        if mixed and (site.window is not None or site.template is not None):
            raise unsupported(call.lineno, "a chain with a middleware called both synchronously and asynchronously")
        self._config_name_is_free(target, site)
        return site

    def _identify(self, call: ast.Call, memory: ast.Call | None, site: Site) -> None:
        """Which of issue 12's patterns the chain is, from its class and its memory's class; raises Blocked when
        it is none of them (the report then tallies the reason under "not identified")."""
        if memory is None:
            if site.chain == "LLMChain":
                raise unsupported(call.lineno, "an `LLMChain` without memory")
            return
        name = callee(memory) or ""
        kind = MEMORIES.get(name)
        if kind is None:
            raise unsupported(memory.lineno, f"the memory `{name}`")
        if site.chain == "LLMChain" and kind != "buffer":
            raise prompt_shape(call.lineno, "an `LLMChain` template with a window or summary memory")
        site.pattern = "prefix" if site.chain == "LLMChain" else kind

    def _config_name_is_free(self, target: ast.expr, site: Site) -> None:
        """``NAME_config`` (the thread config) must not be taken already."""
        name = f"{site.base}_config"
        if isinstance(target, ast.Name):
            binding = self.binding_of_store(target)
            taken = [b for b in self.model.bindings_of(name) if binding is not None and b.scope is binding.scope]
            lines = [b.node.lineno for b in taken if b.node is not None and hasattr(b.node, "lineno")]
        else:
            klass = self.enclosing_class(target)
            assert isinstance(target, ast.Attribute)
            lines = [node.lineno for node in self.attribute_uses(klass, f"{target.attr}_config")] if klass else []
        if lines or (isinstance(target, ast.Name) and taken):
            raise used(name, lines[0] if lines else target.lineno, "the name the thread config would take")

    def _memory(self, memory: ast.Call, site: Site) -> str:
        name = callee(memory) or ""
        kind = MEMORIES.get(name)
        if kind is None:
            raise unsupported(memory.lineno, f"the memory `{name}`")
        site.dropped.add(name)
        if memory.args:
            raise unsupported(memory.lineno, "positional memory arguments")
        keywords = {k.arg: k.value for k in memory.keywords}
        history = "history"
        for key, value in keywords.items():
            if key in OPTIONS:
                raise option(str(key), value.lineno)
            if key == "memory_key" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                history = value.value
            elif key == "k" and kind == "window" and _integer(value):
                site.window = value.value  # type: ignore[attr-defined]
            elif (key == "max_token_limit" and name == "ConversationSummaryBufferMemory" and _integer(value)) or (
                key == "llm" and kind == "summary"
            ):
                pass
            else:
                raise unsupported(value.lineno, f"the memory argument `{key}=`")
        if kind == "window" and site.window is None:
            site.window = 5
        if kind == "summary":
            if "llm" not in keywords:
                raise unsupported(memory.lineno, "a summary memory without `llm=`")
            limit = keywords.get("max_token_limit")
            tokens = limit.value if isinstance(limit, ast.Constant) else None
            if name == "ConversationSummaryBufferMemory" and tokens is None:
                tokens = 2000
            site.summary = (keywords["llm"], tokens)  # type: ignore[assignment]
        return history

    def _prompt(self, prompt: ast.Call, history: str, site: Site) -> None:
        name = callee(prompt)
        keywords = {k.arg: k.value for k in prompt.keywords}
        if name == "from_template" and len(prompt.args) == 1 and not keywords:
            template = prompt.args[0]
        elif name == "PromptTemplate" and not prompt.args and set(keywords) <= {"template", "input_variables"}:
            template = keywords.get("template")  # type: ignore[assignment]
        else:
            raise prompt_shape(prompt.lineno, "not `PromptTemplate(template=...)` or `from_template(...)`")
        site.dropped.add("PromptTemplate")
        text = self._string(template, prompt.lineno, site)
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        if fields != {history, "input"}:
            raise prompt_shape(prompt.lineno, f"its variables are not `{history}` and `input`")
        shape = re.fullmatch(r"([^{}]*)\{" + re.escape(history) + r"\}\nHuman: \{input\}\n[^{}\n]+:", text, re.DOTALL)
        if shape is None:
            self._rendered(prompt, template, history, site)
            return
        prefix = shape.group(1)
        site.system_prompt = prefix.removesuffix("\n")

    def _rendered(self, prompt: ast.Call, template: ast.expr | None, history: str, site: Site) -> None:
        """The template is rendered by a middleware at module level: what the prompt call reads must be there too."""
        func = prompt.func
        if not (
            (isinstance(func, ast.Name) and func.id == "PromptTemplate")
            or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "PromptTemplate"
            )
        ):
            raise prompt_shape(prompt.lineno, "the template class is not imported as `PromptTemplate`")
        for reference, binding in self.runtime:
            node = reference.node
            inside = prompt.lineno <= node.lineno <= (prompt.end_lineno or 0) and _within(node, prompt)
            if inside and binding is not None and binding.scope is not None and binding.scope.kind.name != "MODULE":
                raise prompt_shape(prompt.lineno, f"it reads the local `{node.id}`")
        statement = self.parent(prompt)
        bound = statement if isinstance(statement, ast.Assign) and statement in site.removed else None
        if isinstance(template, ast.Name) and template.id.isupper():
            name = f"render_{template.id.lower()}"
        else:
            name = "render_prompt"
        if isinstance(template, ast.Name):
            site.removed_module = [s for s in site.removed_module if not _defines(s, template.id)]
        site.template = Template(prompt, bound, history, name)
        site.system_prompt = None

    def _string(self, node: ast.expr | None, line: int, site: Site) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            for binding in self.model.bindings_of(node.id):
                statement = self.parent(binding.node) if binding.node is not None else None
                if (
                    binding.scope is not None
                    and binding.scope.kind.name == "MODULE"
                    and len(self.model.bindings_of(node.id)) == 1
                    and isinstance(statement, ast.Assign)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                ):
                    if len(self.loads(binding)) == 1:  # only the template read it: it goes with the prompt
                        site.removed_module.append(statement)
                    return statement.value.value
        raise prompt_shape(line, "the template is not a literal or a module-level string constant")

    def _use(self, node: ast.expr, site: Site) -> Use:
        name = site.base
        above = self.parent(node)
        line = node.lineno
        if isinstance(above, ast.Attribute) and above.value is node:
            method = above.attr
            call = self.parent(above)
            if method == "memory":
                raise memory_read(name, line)
            if not (isinstance(call, ast.Call) and call.func is above) or method not in {**SYNC, **ASYNC}:
                raise used(name, line, f"`.{method}`")
            return self._call(call, method, site)
        if isinstance(above, ast.Return):
            raise returned(name, line)
        if isinstance(above, ast.Call | ast.keyword):
            raise passed(name, line)
        if isinstance(above, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Assign | ast.AnnAssign | ast.NamedExpr):
            raise stored(name, line)
        raise used(name, line, ast.unparse(above) if above is not None else "")

    def _call(self, call: ast.Call, method: str, site: Site) -> Use:
        asynchronous = method in ASYNC
        shape = {**SYNC, **ASYNC}[method]
        line = call.lineno
        if method in ("predict", "apredict"):
            if call.args or [k.arg for k in call.keywords] != ["input"]:
                raise unsupported(line, f"`.{method}` called with other than `input=`")
            argument = call.keywords[0].value
        elif method in ("run", "arun"):
            if len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Starred):
                raise unsupported(line, f"`.{method}` called with other than one argument")
            argument = call.args[0]
        else:
            first = call.args[0] if len(call.args) == 1 and not call.keywords else None
            if not (
                isinstance(first, ast.Dict)
                and len(first.keys) == 1
                and isinstance(first.keys[0], ast.Constant)
                and first.keys[0].value == "input"
            ):
                raise unsupported(line, f'`.{method}` called with other than `{{"input": x}}`')
            argument = first.values[0]
        node: ast.expr = call
        if asynchronous:
            awaited = self.parent(call)
            if not isinstance(awaited, ast.Await):
                raise unsupported(line, f"`.{method}(...)` not awaited at once")
            node = awaited
        if shape == "text":
            return Use(node, argument, asynchronous, True)
        key = "response" if site.chain == "ConversationChain" else "text"
        above = self.parent(node)
        if isinstance(above, ast.Subscript) and above.value is node and _is_key(above, key):
            return Use(above, argument, asynchronous, True)
        if isinstance(above, ast.Assign) and len(above.targets) == 1 and isinstance(above.targets[0], ast.Name):
            binding = self.binding_of_store(above.targets[0])
            reads = self.loads(binding) if binding is not None else []
            subscripts = [self.parent(read) for read in reads]
            if reads and all(
                isinstance(s, ast.Subscript) and s.value is r and _is_key(s, key) for s, r in zip(subscripts, reads)
            ):
                return Use(node, argument, asynchronous, False, subscripts)  # type: ignore[arg-type]
        raise unsupported(line, f'the result of `.{method}` read other than as `["{key}"]`')


def _is_key(subscript: ast.Subscript, key: str) -> bool:
    return isinstance(subscript.slice, ast.Constant) and subscript.slice.value == key


def _integer(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value > 0


def _within(node: ast.AST, outer: ast.AST) -> bool:
    return any(child is node for child in ast.walk(outer))


def _defines(statement: ast.stmt, name: str) -> bool:
    return isinstance(statement, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == name for t in statement.targets
    )
