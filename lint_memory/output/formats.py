"""The ``--output-format`` choices: name -> renderer of a run's reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lint_memory.model import FileReport
from lint_memory.output import common as output
from lint_memory.output import full, github, gitlab, sarif

Renderer = Callable[[Sequence[FileReport], output.Options], str]

FORMATS: dict[str, Renderer] = {
    "full": full.render,
    "concise": output.concise,
    "json": output.as_json,
    "json-lines": output.json_lines,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
}
TEXT_FORMATS = frozenset({"full", "concise"})  # for people: summary line, colour
DEFAULT = "full"


def render(name: str, reports: Sequence[FileReport], options: output.Options = output.DEFAULT_OPTIONS) -> str:
    return FORMATS[name](reports, options)
