"""Configuration files: ``[tool.lint-memory]`` in ``pyproject.toml``, or a ``lint-memory.toml``.

Each file is checked under the nearest configuration above it (``find_config``), searching from
its folder up to the file-system root (a ``pyproject.toml`` without the table is passed over, as
ruff does); ``resolver`` applies that per file.  ``extend = "../../pyproject.toml"`` reads another
configuration first and overrides it key by key (``read_chain``; a cycle is an error).  Paths and
anchored patterns are relative to the folder of the file that writes them.  Command-line values
are a last layer over the files: ``select`` there starts over, ``extend-select`` / ``ignore`` add
to it, the path lists replace or extend.  Anything unknown is an error naming the key and the
file, never silently ignored: a typo in ``ignore`` must not quietly turn a rule back on.

Files are read once per process and folders searched once (both cached); a long-running process
(the language server) calls ``forget`` when a configuration file may have changed.  The TOML reader
(``tomllib``, 3 ms) is imported when a file is read: a run that finds no configuration never loads it.

``lint-memory.toml`` holds the same keys at top level::

    [tool.lint-memory]          # in pyproject.toml
    extend = "../pyproject.toml"
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

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from lint_memory.project import globs, selection
from lint_memory.project.settings import COMMAND_LINE, FLAGS, STRINGS, Layer, Settings, from_layers

TABLE = "tool.lint-memory"
CONFIG_NAME = "lint-memory.toml"
_CODE_LISTS = ("select", "extend-select", "ignore")
_PATH_LISTS = ("exclude", "extend-exclude")
_FLAGS = FLAGS
_STRINGS = STRINGS
KEYS = (*_CODE_LISTS, "per-file-ignores", *_PATH_LISTS, *_FLAGS, *_STRINGS, "extend")

_nearest: dict[str, Path | None] = {}  # folder -> the configuration governing it
_chains: dict[Path, tuple[Layer, ...]] = {}  # configuration file -> its extend chain, base first


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


def forget() -> None:
    """Drop what was read: configuration files may have changed (the language server calls this)."""
    _nearest.clear()
    _chains.clear()


def find_config(start: str | Path) -> Path | None:
    """The configuration governing ``start`` (a file or folder): the nearest ``lint-memory.toml``,
    or ``pyproject.toml`` with a ``[tool.lint-memory]`` table, in ``start``'s folder or above."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    return nearest_config(folder)


def nearest_config(folder: str) -> Path | None:
    """``find_config`` for an absolute folder, cached per folder: a walk over a tree looks at each
    folder once, and a file's folder costs a dictionary look-up once its parent was seen."""
    try:
        return _nearest[folder]
    except KeyError:
        pass
    own = os.path.join(folder, CONFIG_NAME)
    pyproject = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(own):
        found: Path | None = Path(own)
    elif os.path.isfile(pyproject) and _table(Path(pyproject)) is not None:
        found = Path(pyproject)
    else:
        parent = os.path.dirname(folder)
        found = None if parent == folder else nearest_config(parent)
    _nearest[folder] = found
    return found


def load_settings(
    start: str | Path = ".",
    *,
    config_file: str | Path | None = None,
    overrides: Mapping[str, object] | None = None,
    isolated: bool = False,
) -> Settings:
    """Settings for checking ``start`` (a file or folder): its configuration file (or
    ``config_file``; none when ``isolated``) under ``overrides``, which use the file's keys
    (``"extend-select": [...]``) and come from the command line.  Raises ConfigError."""
    if isolated:
        path = None
    elif config_file is not None:
        path = explicit_config(config_file)
    else:
        path = find_config(start)
    return settings_for(path, command_line(overrides))


def explicit_config(config_file: str | Path) -> Path:
    """The file named with ``--config``, checked to exist."""
    path = Path(config_file)
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    read_chain(path, explicit=True)
    return path


def command_line(overrides: Mapping[str, object] | None, folder: str | None = None) -> Layer:
    """The command line's values as the last layer; its paths are relative to ``folder`` (the
    current folder)."""
    values = _validate(dict(overrides or {}), _Source(None))
    return Layer(values, os.path.abspath(folder or os.curdir), COMMAND_LINE)


def settings_for(path: Path | None, cli: Layer) -> Settings:
    """The settings of configuration file ``path`` (None: no file) under the command line."""
    layers = [*(read_chain(path) if path is not None else ()), cli]
    return from_layers(layers, str(path.resolve().parent) if path is not None else None)


def read_chain(path: Path, *, explicit: bool = False) -> tuple[Layer, ...]:
    """The layers of configuration file ``path``: those of the file it extends (recursively), then
    its own.  ``explicit``: named by the user, so a ``pyproject.toml`` must have the table."""
    key = path.resolve()
    cached = _chains.get(key)
    if cached is None:
        cached = _chains[key] = _chain(path, explicit=explicit, seen=())
    return cached


def _chain(path: Path, *, explicit: bool, seen: tuple[Path, ...]) -> tuple[Layer, ...]:
    resolved = path.resolve()
    if resolved in seen:
        cycle = " -> ".join(str(item) for item in (*seen[seen.index(resolved) :], resolved))
        raise ConfigError(f"{seen[-1]}: `extend` makes a cycle: {cycle}")
    source = _Source(path)
    values = _validate(_load(path, explicit=explicit), source)
    base = values.pop("extend", None)
    layer = Layer(values, str(resolved.parent), str(path))
    if base is None:
        return (layer,)
    extended = Path(os.path.join(resolved.parent, os.path.expanduser(str(base))))
    if os.path.isdir(extended):
        raise source.error(f"{source.key('extend')}: {extended} is a folder, not a configuration file")
    if not os.path.isfile(extended):
        raise source.error(f"{source.key('extend')}: no such configuration file {extended}")
    parents = _chains.get(extended.resolve()) or _chain(extended, explicit=True, seen=(*seen, resolved))
    return (*parents, layer)


def _load(path: Path, *, explicit: bool) -> dict:
    if path.name != "pyproject.toml":
        return _read(path)
    table = _table(path)
    if table is None and explicit:
        raise ConfigError(f"{path}: no [{TABLE}] table")
    return table or {}


def _table(path: Path) -> dict | None:
    """The ``[tool.lint-memory]`` table of a pyproject.toml, or None when it has none."""
    try:
        if b"lint-memory" not in path.read_bytes():
            return None  # cheap: most pyproject.toml files on the way up are not ours
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error.strerror or error}") from None
    tools = _read(path).get("tool")
    if not isinstance(tools, dict):
        return None  # `tool = "x"` holds no table of ours; the LangChain-target reader warns about it
    table = tools.get("lint-memory")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: `{TABLE}` must be a table, not {_kind(table)}")
    return table


def toml() -> ModuleType:
    """The TOML reader, imported on first use."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def _read(path: Path) -> dict:
    tomllib = toml()
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)  # type: ignore[no-any-return]
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _kind(value: object) -> str:
    """What a TOML value is, for messages: ``a string``, ``a table``..."""
    if isinstance(value, bool):
        return "a boolean"
    kinds = ((str, "a string"), (int, "an integer"), (float, "a number"), (dict, "a table"), (list, "an array"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "a date or time")


def _validate(table: Mapping[str, object], source: _Source) -> dict[str, object]:
    """The table's values, checked and normalised (codes expanded in per-file-ignores)."""
    values: dict[str, object] = {}
    for key, value in table.items():
        name = source.key(key)
        if key not in KEYS or (key == "extend" and source.path is None):
            import difflib

            known = KEYS if source.path is not None else KEYS[:-1]
            close = difflib.get_close_matches(key.replace("_", "-"), known, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else f"; known keys: {', '.join(known)}"
            raise source.error(f"unknown key {name}{hint}")
        if key in _CODE_LISTS:
            values[key] = _codes(_strings(value, name, source), name, source)
        elif key in _PATH_LISTS:
            values[key] = [_glob(pattern, name, source) for pattern in _strings(value, name, source)]
        elif key == "per-file-ignores":
            if not isinstance(value, Mapping):
                raise source.error(f'{name} must be a table of "glob" = [codes], not {_kind(value)}')
            values[key] = {
                _glob(str(glob), name, source): frozenset(
                    selection.expand(_codes(_strings(codes, f"{name} `{glob}`", source), f"{name} `{glob}`", source))
                )
                for glob, codes in value.items()
            }
        elif key in _FLAGS:
            if not isinstance(value, bool):
                raise source.error(f"{name} must be true or false, not {_kind(value)}")
            values[key] = value
        else:
            values[key] = _string(key, value, name, source)
    return values


def _string(key: str, value: object, name: str, source: _Source) -> str:
    """A string setting (``baseline``, ``target-langchain``, ``extend``), checked."""
    if not isinstance(value, str) or not value.strip():
        shown = "an empty string" if isinstance(value, str) else _kind(value)
        raise source.error(f"{name} must be a non-empty string, not {shown}")
    if key == "target-langchain":
        from lint_memory.project import target  # its own imports cost: only a configuration that sets it

        try:
            target.parse_setting(value)
        except target.TargetError as error:
            raise source.error(str(error)) from None
        return value
    if "\0" in value or len(value) > _MAX_PATH:
        raise source.error(f"{name} must be a file name (no NUL character, at most {_MAX_PATH} characters)")
    return os.path.abspath(value) if key == "baseline" and source.path is None else value


_MAX_PATH = 4096  # PATH_MAX on Linux: longer names cannot be opened anyway


def _glob(pattern: str, name: str, source: _Source) -> str:
    """A glob of ``exclude`` / ``per-file-ignores``, checked as ruff (globset) checks it."""
    reason = globs.problem(pattern)
    if reason is not None:
        raise source.error(f"{name}: invalid glob {pattern!r}: {reason}")
    return pattern


def _strings(value: object, name: str, source: _Source) -> list[str]:
    if not isinstance(value, (list, tuple)):
        raise source.error(f"{name} must be a list of strings, not {_kind(value)}")
    wrong = next((item for item in value if not isinstance(item, str)), None)
    if wrong is not None:
        raise source.error(f"{name} must be a list of strings, not a list holding {_kind(wrong)}")
    return list(value)


def _codes(codes: list[str], name: str, source: _Source) -> list[str]:
    if any(not code.strip() for code in codes):
        raise source.error(f"{name}: an empty code (a code such as LCM100, or a prefix such as LCM1)")
    try:
        selection.expand(codes)
    except selection.SelectionError as error:
        raise source.error(f"{name}: {error}") from None
    return codes
