"""Which LangChain line a project targets, for deciding whether a moved-import fix is safe.

A target is a version prefix: ``"1"`` (every langchain 1.x), ``"0.3"``, ``"0"`` (some 0.x).
It is the ``target-langchain`` setting when there is one (read by ``config``, validated with
``parse_setting``); otherwise the project's own declared ``langchain`` requirement:
``[project] dependencies`` and ``optional-dependencies``, ``[dependency-groups]``,
``[tool.poetry.*dependencies]``, ``requirements*.txt``, ``setup.cfg`` ``install_requires`` /
``extras_require``.  All the constraints found in one folder are intersected; the target is known
only when every admitted version is on one side of 1.0 (``langchain>=1`` is ``"1"``,
``langchain~=0.3.7`` is ``"0.3"``, ``langchain>=0.2`` and a bare ``langchain`` are unknown).

The project is the first folder, walking up from the checked file, that declares ``langchain``;
the walk stops at the repository root (a folder with a ``.git`` entry).  Nothing is cached, so a
long-running server sees edits to the project files.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    try:
        import tomli as tomllib  # type: ignore[no-redef]
    except ModuleNotFoundError:
        tomllib = None  # type: ignore[assignment]

SETTING = "target-langchain"
DISTRIBUTION = "langchain"
_SETTING_VALUE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(?:\.[x*])?\s*$", re.IGNORECASE)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_SPECIFIER = re.compile(r"(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;()]+)")
_POETRY_CONSTRAINT = re.compile(r"^\s*([\^~])\s*([0-9][0-9.]*)\s*$")
_RELEASE = re.compile(r"^v?(\d+(?:\.\d+)*)")

Version = tuple[int, ...]


class TargetError(ValueError):
    """A ``target-langchain`` value that is not a version."""


def parse_setting(value: str) -> str:
    """Normalise a ``target-langchain`` value (``"1"``, ``"1.x"``, ``"0.3"``) to a version prefix."""
    match = _SETTING_VALUE.match(str(value))
    if match is None:
        raise TargetError(f"`{SETTING}` must be a LangChain version such as \"1\" or \"0.3\", not {value!r}")
    return match.group(1)


def is_v1(target: str | None) -> bool:
    """True when the project targets LangChain 1.0 or later, where `langchain-classic` exists."""
    return target is not None and _release(target)[0] >= 1


def before_0_1(target: str | None) -> bool:
    """True when the project targets langchain 0.0.x, from before `langchain-core` / `-community`
    (``"0"`` is some 0.x, not known to be 0.0)."""
    return target is not None and _release(target)[:2] == (0, 0)


# --- reading a project's declared requirement ----------------------------------------------------


@dataclass
class _Bounds:
    """The versions a set of specifiers admits, as one interval (``!=`` is ignored)."""

    low: Version = (0,)
    low_inclusive: bool = True
    high: Version | None = None
    high_inclusive: bool = False
    declared: bool = False

    def lower(self, version: Version, inclusive: bool) -> None:
        order = _cmp(version, self.low)
        if order > 0 or (order == 0 and not inclusive):
            self.low, self.low_inclusive = version, inclusive

    def upper(self, version: Version, inclusive: bool) -> None:
        order = 1 if self.high is None else _cmp(self.high, version)
        if order > 0 or (order == 0 and not inclusive):
            self.high, self.high_inclusive = version, inclusive

    def add(self, operator: str, text: str) -> None:
        wildcard = text.endswith(".*")
        version = _release(text[:-2] if wildcard else text)
        if operator in ("==", "===") and wildcard:
            self.lower(version, True)
            self.upper(_bump(version, len(version) - 1), False)
        elif operator in ("==", "==="):
            self.lower(version, True)
            self.upper(version, True)
        elif operator == "~=":
            self.lower(version, True)
            self.upper(_bump(version, max(len(version) - 2, 0)), False)
        elif operator == ">=":
            self.lower(version, True)
        elif operator == ">":
            self.lower(version, False)
        elif operator == "<=":
            self.upper(version, True)
        elif operator == "<":
            self.upper(version, False)

    def target(self) -> str | None:
        if not self.declared or self._empty():
            return None
        if _cmp(self.low, (1,)) >= 0:
            return str(self.low[0])
        if self.high is None or _cmp(self.high, (1,)) > 0 or (self.high_inclusive and _cmp(self.high, (1,)) == 0):
            return None  # admits versions on both sides of 1.0
        low_minor = _pad(self.low)[1]
        return f"0.{low_minor}" if self._top_minor() == low_minor else "0"

    def _empty(self) -> bool:
        if self.high is None:
            return False
        order = _cmp(self.high, self.low)
        return order < 0 or (order == 0 and not (self.high_inclusive and self.low_inclusive))

    def _top_minor(self) -> int | None:
        """The minor version of the highest admitted 0.x release (high < 1.0 here)."""
        high = _pad(self.high)
        if self.high_inclusive or any(high[2:]):
            return high[1]
        return high[1] - 1 if high[1] > 0 else None


def _release(text: str) -> Version:
    match = _RELEASE.match(text.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)


def _cmp(left: Version, right: Version) -> int:
    width = max(len(left), len(right))
    a, b = left + (0,) * (width - len(left)), right + (0,) * (width - len(right))
    return (a > b) - (a < b)


def _pad(version: Version) -> Version:
    return version + (0,) * (3 - len(version))


def _bump(version: Version, index: int) -> Version:
    """The first version past the ``index``-th component: _bump((0, 3, 1), 1) == (0, 4)."""
    head = list(version[: index + 1]) or [0]
    head[-1] += 1
    return tuple(head)


def _requirement_specifiers(requirement: str) -> list[tuple[str, str]] | None:
    """The (operator, version) pairs of a PEP 508 requirement on `langchain`, None for other names."""
    match = _REQUIREMENT.match(requirement.split(";", 1)[0])
    if match is None or _normalise(match.group(1)) != DISTRIBUTION:
        return None
    rest = match.group(3).strip()
    if rest.startswith("@"):
        return []  # a URL: declared, version unknown
    return _SPECIFIER.findall(rest)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _poetry_specifiers(value: object) -> list[tuple[str, str]]:
    """Poetry's constraint syntax: ``^0.3``, ``~0.3``, ``0.3.1`` (exact), ``*`` or PEP 440 ranges."""
    if isinstance(value, dict):
        value = value.get("version", "*")
    if isinstance(value, list):  # multiple-constraint dependencies: any of them may apply
        return []
    text = str(value).strip()
    found: list[tuple[str, str]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _POETRY_CONSTRAINT.match(part)
        if match:
            version = _release(match.group(2))
            digits = match.group(2).count(".") + 1
            if match.group(1) == "^":
                index = next((i for i, v in enumerate(version) if v != 0), len(version) - 1)
            else:
                index = 0 if digits == 1 else 1
            found += [(">=", match.group(2)), ("<", ".".join(map(str, _bump(version, index))))]
        elif re.match(r"^[0-9]", part):
            found.append(("==", part))
        else:
            found += _SPECIFIER.findall(part)
    return found


def _pyproject_requirements(data: dict) -> Iterator[list[tuple[str, str]]]:
    project = data.get("project") or {}
    lists = [project.get("dependencies") or [], *(project.get("optional-dependencies") or {}).values()]
    lists += [group for group in (data.get("dependency-groups") or {}).values()]
    for items in lists:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str):
                found = _requirement_specifiers(item)
                if found is not None:
                    yield found
    poetry = (data.get("tool") or {}).get("poetry") or {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [group.get("dependencies") for group in (poetry.get("group") or {}).values() if isinstance(group, dict)]
    for table in tables:
        if isinstance(table, dict):
            for name, value in table.items():
                if _normalise(name) == DISTRIBUTION:
                    yield _poetry_specifiers(value)


def _requirements_txt(text: str) -> Iterator[list[tuple[str, str]]]:
    for raw in text.replace("\\\n", "").splitlines():
        line = re.split(r"(^|\s)#", raw, maxsplit=1)[0].strip()
        if line and not line.startswith("-"):
            found = _requirement_specifiers(line)
            if found is not None:
                yield found


def _setup_cfg(text: str) -> Iterator[list[tuple[str, str]]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    values = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    for value in values:
        yield from _requirements_txt(value.replace(";", "\n") if "\n" not in value else value)


def declared_target(folder: Path) -> tuple[bool, str | None]:
    """Whether the folder's project files declare ``langchain``, and the target they imply.

    Unreadable or malformed project files are skipped: the target is then unknown, which only
    makes fixes to ``langchain-classic`` unsafe.
    """
    specifiers: list[tuple[str, str]] = []
    declared = False
    pyproject = folder / "pyproject.toml"
    if tomllib is not None and pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, tomllib.TOMLDecodeError):
            data = {}
        for found in _pyproject_requirements(data):
            declared, specifiers = True, specifiers + found
    readers = [(path, _requirements_txt) for path in sorted(folder.glob("requirements*.txt"))]
    for path, reader in [*readers, (folder / "setup.cfg", _setup_cfg)]:
        if not path.is_file():
            continue
        try:
            for found in reader(path.read_text(encoding="utf-8")):
                declared, specifiers = True, specifiers + found
        except (OSError, UnicodeError, configparser.Error):
            continue
    if not declared:
        return False, None
    bounds = _Bounds(declared=True)
    for operator, version in specifiers:
        bounds.add(operator, version)
    return True, bounds.target()


def for_path(path: str) -> str | None:
    """The target declared by the project that ``path`` (a file or folder) belongs to, or None."""
    start = Path(os.path.abspath(path))
    folder = start if start.is_dir() else start.parent
    for current in (folder, *folder.parents):
        try:
            declared, found = declared_target(current)
            if declared:
                return found
            if (current / ".git").exists():
                return None
        except OSError:
            return None
    return None
