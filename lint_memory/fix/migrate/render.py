"""The new code: the ``create_agent`` call, the thread config, the calls, the middleware."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable

from lint_memory.fix.migrate.detect import Site, Use

Source = Callable[[ast.AST], str]  # a node's text in the original module
WIDTH = 120
CHUNK = 104  # a long system prompt is cut the same way at any indentation that leaves room for it


def literal(text: str) -> str:
    """A double-quoted Python string literal."""
    return json.dumps(text, ensure_ascii=False)


def chunks(text: str, width: int) -> list[str]:
    """``text`` cut after spaces into pieces whose literals fit in ``width`` characters."""
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(literal(candidate + " ")) > width:
            pieces.append(current + " ")
            candidate = word
        current = candidate
    pieces.append(current)
    return [literal(piece) for piece in pieces]


def middleware_name(site: Site) -> str | None:
    if site.window is None:
        return None
    k = site.window
    return f"last_{k}_exchange" if k == 1 else f"last_{k}_exchanges"


def middleware_function(site: Site) -> str:
    """The module-level ``@wrap_model_call`` function of a window memory."""
    k = site.window or 0
    shown = "the last exchange" if k == 1 else f"the last {k} exchanges"
    prefix, wait = ("async ", "await ") if site.asynchronous else ("", "")
    return (
        "@wrap_model_call\n"
        f"{prefix}def {middleware_name(site)}(request, handler):\n"
        f'    """Show the model {shown} and the new input; the thread keeps every message."""\n'
        f"    messages = trim_messages(request.messages, max_tokens={2 * k + 1}, token_counter=len, "
        'strategy="last", start_on="human")\n'
        f"    return {wait}handler(request.override(messages=messages))\n"
    )


def template_function(site: Site, source: Source, statement_text: str | None) -> str:
    """The module-level ``@wrap_model_call`` function that renders another template shape."""
    template = site.template
    assert template is not None
    prefix, wait = ("async ", "await ") if site.asynchronous else ("", "")
    lines = [
        "@wrap_model_call",
        f"{prefix}def {template.name}(request, handler):",
        '    """Send the model the original template, filled with the thread\'s history and the new input."""',
        "    *history, current = request.messages",
    ]
    if statement_text is not None:
        lines.append(statement_text.rstrip("\n"))
        target = template.statement.targets[0]  # type: ignore[union-attr]
        prompt = source(target) if isinstance(target, ast.Name) else "prompt"  # see ``edits.migrated``
    else:
        prompt = source(template.prompt)
    arguments = f"{template.history}=get_buffer_string(history), input=current.text"
    one = f"    text = {prompt}.format({arguments})"
    lines.append(one if len(one) <= WIDTH else f"    text = {prompt}.format(\n        {arguments}\n    )")
    lines.append(f"    return {wait}handler(request.override(messages=[HumanMessage(text)]))")
    return "\n".join(lines) + "\n"


def middleware(site: Site, source: Source) -> str | None:
    if site.window is not None:
        return middleware_name(site)
    if site.template is not None:
        return site.template.name
    if site.summary is not None:
        model, tokens = site.summary
        trigger, keep = (
            ('("messages", 2)', '("messages", 1)')
            if tokens is None
            else (f'("tokens", {tokens})', f'("tokens", {tokens})')
        )
        return f"SummarizationMiddleware(model={source(model)}, trigger={trigger}, keep={keep})"
    return None


def agent(site: Site, source: Source, indent: str) -> str:
    """``X = create_agent(...)`` and ``X_config = ...`` at ``indent``."""
    head = f"{site.base} = "
    extra = middleware(site, source)
    args = [source(site.model), "tools=[]"]
    if site.system_prompt is not None:
        args.append(f"system_prompt={literal(site.system_prompt)}")
    if extra is not None:
        args.append(f"middleware=[{extra}]")
    args.append("checkpointer=InMemorySaver()")
    one = f"{indent}{head}create_agent({', '.join(args)})"
    if len(one) > WIDTH:
        inner = indent + "    "
        lines = []
        for arg in args:
            if len(f"{inner}{arg},") > WIDTH and arg.startswith("system_prompt="):
                pieces = chunks(site.system_prompt or "", min(CHUNK, WIDTH - len(inner) - 4))
                body = "".join(f"{inner}    {piece}\n" for piece in pieces)
                arg = f"system_prompt=(\n{body}{inner})"
            lines.append(f"{inner}{arg},\n")
        one = f"{indent}{head}create_agent(\n{''.join(lines)}{indent})"
    return f"{one}\n{thread_config(site, source, indent)}"


def thread_config(site: Site, source: Source, indent: str) -> str:
    """``X_config = {...}``: the chain object's own thread, and the chain's callbacks (they then see every call)."""
    thread = '"configurable": {"thread_id": str(uuid.uuid4())}'
    head = f"{indent}{site.base}_config = "
    if site.callbacks is None:
        return f"{head}{{{thread}}}"
    callbacks = f'"callbacks": {source(site.callbacks)}'
    one = f"{head}{{{thread}, {callbacks}}}"
    if len(one) <= WIDTH and "\n" not in one:
        return one
    return f"{head}{{\n{indent}    {thread},\n{indent}    {callbacks},\n{indent}}}"


def call(site: Site, use: Use, source: Source, before: str, after: str) -> str:
    """The replacement of ``use.node``; ``before`` / ``after`` are the rest of its line (to wrap at 120)."""
    method = "ainvoke" if use.asynchronous else "invoke"
    message = f'{{"messages": [{{"role": "user", "content": {source(use.argument)}}}]}}'
    invoke = f"{site.base}.{method}({message}, {site.base}_config)"
    if use.asynchronous:
        invoke = f"await {invoke}"
    if not use.whole:
        return invoke
    text = f'({invoke})["messages"][-1].text' if use.asynchronous else f'{invoke}["messages"][-1].text'
    if len(before) + len(text) + len(after) <= WIDTH:
        return text
    indent = before[: len(before) - len(before.lstrip())]
    if use.asynchronous:
        return f'(\n{indent}    {invoke}\n{indent})["messages"][-1].text'
    return f'{site.base}.{method}(\n{indent}    {message}, {site.base}_config\n{indent})["messages"][-1].text'
