"""Configuration: ``[tool.lint-memory]`` in ``pyproject.toml``, or a ``lint-memory.toml``.

The nearest file wins, searching from the checked path up to the file-system root (a
``pyproject.toml`` without the table is passed over, as ruff does).  Command-line values are a
second layer over the file: ``select`` there starts over, ``extend-select`` / ``ignore`` add to
it, the path lists replace or extend.  Anything unknown is an error naming the key and the
file, never silently ignored: a typo in ``ignore`` must not quietly turn a rule back on.

``lint-memory.toml`` holds the same keys at top level::

    [tool.lint-memory]          # in pyproject.toml
    select = ["LCM"]
    extend-select = ["LCM5"]
    ignore = ["LCM104"]
    per-file-ignores = { "tests/*" = ["LCM2"] }
    exclude = [".git", "build"]  # replaces the default list; extend-exclude adds to it
    extend-exclude = ["legacy/"]
    respect-gitignore = true
    force-exclude = false
    baseline = "lint-memory-baseline.json"
    target-langchain = "1.0"
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from lint_memory.project import selection
from lint_memory.project.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TABLE = "tool.lint-memory"
CONFIG_NAME = "lint-memory.toml"
_CODE_LISTS = ("select", "extend-select", "ignore")
_PATH_LISTS = ("exclude", "extend-exclude")
_FLAGS = ("respect-gitignore", "force-exclude")
_STRINGS = ("baseline", "target-langchain")
KEYS = (*_CODE_LISTS, "per-file-ignores", *_PATH_LISTS, *_FLAGS, *_STRINGS)


class ConfigError(ValueError):
    """A configuration problem; the message names the file (or the command line) and the key."""


@dataclass(frozen=True)
class _Source:
    """Where values come from, to name it in messages: a file, or the command line (None)."""

    path: Path | None

    def key(self, key: str) -> str:
        if self.path is None:
            return f"`--{key}`"
        return f"`{key}` in [{TABLE}]" if self.path.name == "pyproject.toml" else f"`{key}`"

    def error(self, message: str) -> ConfigError:
        return ConfigError(message if self.path is None else f"{self.path}: {message}")


def find_config(start: str | Path) -> Path | None:
    """The configuration governing ``start`` (a file or folder): the nearest ``lint-memory.toml``,
    or ``pyproject.toml`` with a ``[tool.lint-memory]`` table, in ``start``'s folder or above."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_NAME
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _table(pyproject) is not None:
            return pyproject
    return None


def load_settings(
    start: str | Path = ".",
    *,
    config_file: str | Path | None = None,
    overrides: Mapping[str, object] | None = None,
    isolated: bool = False,
) -> Settings:
    """Settings for checking ``start``: its configuration file (or ``config_file``; none when
    ``isolated``) under ``overrides``, which use the file's keys (``"extend-select": [...]``)
    and come from the command line.  Raises ConfigError."""
    if isolated:
        path = None
    elif config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"{path}: no such configuration file")
    else:
        path = find_config(start)
    layers = [] if path is None else [_validate(_load(path, explicit=config_file is not None), _Source(path))]
    layers.append(_validate(dict(overrides or {}), _Source(None)))
    return _settings(layers, str(path.resolve().parent) if path is not None else None)


def _load(path: Path, *, explicit: bool) -> dict:
    if path.name != "pyproject.toml":
        return _read(path)
    table = _table(path)
    if table is None and explicit:
        raise ConfigError(f"{path}: no [{TABLE}] table")
    return table or {}


def _settings(layers: list[dict[str, object]], root: str | None) -> Settings:
    codes = selection.resolve_layers(  # every code was validated with its key
        [(layer.get("select"), layer.get("extend-select", ()), layer.get("ignore", ())) for layer in layers]
    )
    settings = Settings(codes=codes, root=root)
    per_file: list[tuple[str, frozenset[str]]] = []
    for layer in layers:
        if "per-file-ignores" in layer:
            per_file = list(layer["per-file-ignores"].items())  # type: ignore[attr-defined]
        if "exclude" in layer:
            settings = replace(settings, exclude=tuple(layer["exclude"]))  # type: ignore[arg-type]
        if "extend-exclude" in layer:
            settings = replace(settings, extend_exclude=(*settings.extend_exclude, *layer["extend-exclude"]))
        for key in (*_FLAGS, *_STRINGS):
            if key in layer:
                settings = replace(settings, **{key.replace("-", "_"): layer[key]})
    return replace(settings, per_file_ignores=tuple(per_file))


def _table(path: Path) -> dict | None:
    """The ``[tool.lint-memory]`` table of a pyproject.toml, or None when it has none."""
    try:
        if b"lint-memory" not in path.read_bytes():
            return None  # cheap: most pyproject.toml files on the way up are not ours
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error.strerror or error}") from None
    table = _read(path).get("tool", {}).get("lint-memory")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: `{TABLE}` must be a table")
    return table


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _validate(table: Mapping[str, object], source: _Source) -> dict[str, object]:
    """The table's values, checked and normalised (codes expanded in per-file-ignores)."""
    values: dict[str, object] = {}
    for key, value in table.items():
        name = source.key(key)
        if key not in KEYS:
            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else f"; known keys: {', '.join(KEYS)}"
            raise source.error(f"unknown key {name}{hint}")
        if key in _CODE_LISTS:
            values[key] = _codes(_strings(value, name, source), name, source)
        elif key in _PATH_LISTS:
            values[key] = _strings(value, name, source)
        elif key == "per-file-ignores":
            if not isinstance(value, Mapping):
                raise source.error(f"{name} must be a table of \"glob\" = [codes]")
            values[key] = {
                str(glob): frozenset(selection.expand(_codes(_strings(codes, f"{name} `{glob}`", source),
                                                            f"{name} `{glob}`", source)))
                for glob, codes in value.items()
            }
        elif key in _FLAGS:
            if not isinstance(value, bool):
                raise source.error(f"{name} must be true or false")
            values[key] = value
        else:
            if not isinstance(value, str) or not value.strip():
                raise source.error(f"{name} must be a non-empty string")
            values[key] = os.path.abspath(value) if key == "baseline" and source.path is None else value
    return values


def _strings(value: object, name: str, source: _Source) -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise source.error(f"{name} must be a list of strings")
    return list(value)


def _codes(codes: list[str], name: str, source: _Source) -> list[str]:
    try:
        selection.expand(codes)
    except selection.SelectionError as error:
        raise source.error(f"{name}: {error}") from None
    return codes
