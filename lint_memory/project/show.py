"""``lint-memory check --show-settings PATH``: the settings a file is checked under, and where each
value comes from (a configuration file, the command line, the package's requirements, or the
default), for anyone debugging why a code is on or off.  The output is TOML-like, one key a line,
with the origin as a comment."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from lint_memory.project import config, target
from lint_memory.project.resolver import Resolver
from lint_memory.project.settings import COMMAND_LINE, FLAGS, Layer

_CODE_KEYS = ("select", "extend-select", "ignore")
_FILE_KEYS = ("per-file-ignores", "exclude", "extend-exclude", *FLAGS, "baseline")


def describe(resolver: Resolver, path: str) -> str:
    """The resolved settings of ``path`` (a file, or a folder: the settings of the files in it)."""
    absolute = os.path.abspath(path)
    folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
    settings = resolver.for_folder(folder)
    governing = resolver.config_for(folder)
    layers: Sequence[Layer] = (*(config.read_chain(governing) if governing is not None else ()), resolver.cli)
    lines = [f"# Settings for {path}"]
    if governing is None:
        lines.append("# configuration: none (" + ("--isolated" if resolver.isolated else "the defaults") + ")")
    else:
        chain = [_shown(layer.source) for layer in layers if layer.source != COMMAND_LINE]
        extends = f", extending {' <- '.join(reversed(chain[:-1]))}" if len(chain) > 1 else ""
        forced = " (--config)" if resolver.forced is not None else ""
        lines.append(f"# configuration: {chain[-1]}{forced}{extends}")
    codes = settings.codes_for(absolute) if not os.path.isdir(absolute) else settings.codes
    lines.append(
        _line("codes", sorted(codes), "the rules reported" + (" in this file" if codes != settings.codes else ""))
    )
    for key in _CODE_KEYS:
        for layer in layers:
            if key in layer.values:
                lines.append(_line(key, layer.values[key], _origin(layer)))
    for key in _FILE_KEYS:
        value = getattr(settings, key.replace("-", "_"))
        if key == "per-file-ignores":
            value = {glob: sorted(codes) for glob, codes in value}
        elif key == "baseline" and value is not None:
            value = settings.baseline_file
        lines.append(_line(key, value, _set_by(layers, key)))
    lines.append(_target_line(settings.target_langchain, layers, absolute))
    lines.append(_line("root", settings.root, "paths and patterns are relative to it"))
    return "\n".join(lines) + "\n"


def _target_line(value: str | None, layers: Sequence[Layer], path: str) -> str:
    if value is not None:
        return _line("target-langchain", value, _set_by(layers, "target-langchain"))
    declared = target.declaration_for(path)
    if declared is None:
        return _line(
            "target-langchain", None, "unknown: no package file (pyproject.toml, setup.cfg, requirements*.txt)"
        )
    files = ", ".join(_shown(file) for file in declared.files)
    skipped = f" ({declared.problem}: skipped)" if declared.problem else ""
    if not declared.requirements:
        return _line("target-langchain", None, f"unknown: {files} declares no langchain requirement{skipped}")
    return _line(
        "target-langchain",
        declared.target,
        ("unknown: " if declared.target is None else "") + f"{', '.join(declared.requirements)} in {files}{skipped}",
    )


def _set_by(layers: Sequence[Layer], key: str) -> str:
    setters = [_origin(layer) for layer in layers if key in layer.values]
    if not setters:
        return "default"
    return " + ".join(setters) if key == "extend-exclude" else setters[-1]


def _origin(layer: Layer) -> str:
    return COMMAND_LINE if layer.source == COMMAND_LINE else _shown(layer.source)


def _line(key: str, value: object, origin: str) -> str:
    shown = "(not set)" if value is None else json.dumps(value if not isinstance(value, tuple) else list(value))
    return f"{key} = {shown}  # {origin}"


def _shown(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith(os.pardir + os.sep + os.pardir) else relative
