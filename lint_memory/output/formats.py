"""The ``--output-format`` choices: name -> renderer of a run's reports.

The renderers' modules are imported when one is used: a run prints one format, and start-up time
is what a pre-commit hook or an editor that shells out waits for on every file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module

from lint_memory.model import FileReport
from lint_memory.output import common as output

Renderer = Callable[[Sequence[FileReport], output.Options], str]


def _lazy(module: str, name: str = "render") -> Renderer:
    def render(reports: Sequence[FileReport], options: output.Options = output.DEFAULT_OPTIONS) -> str:
        return getattr(import_module(module), name)(reports, options)

    render.__qualname__ = render.__name__ = f"{module}.{name}"
    return render


FORMATS: dict[str, Renderer] = {
    "full": _lazy("lint_memory.output.full"),
    "concise": output.concise,
    "json": output.as_json,
    "json-lines": output.json_lines,
    "sarif": _lazy("lint_memory.output.sarif"),
    "github": _lazy("lint_memory.output.github"),
    "gitlab": _lazy("lint_memory.output.gitlab"),
}
TEXT_FORMATS = frozenset({"full", "concise"})  # for people: summary line, colour
DEFAULT = "full"


def render(name: str, reports: Sequence[FileReport], options: output.Options = output.DEFAULT_OPTIONS) -> str:
    return FORMATS[name](reports, options)
