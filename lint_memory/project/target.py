"""Which LangChain line a package targets, for deciding whether a moved-import fix is safe.

A target is a version prefix: ``"1"`` (every langchain 1.x), ``"0.3"``, ``"0"`` (some 0.x).
It is the ``target-langchain`` setting when there is one (read by ``config``, validated with
``parse_setting``); otherwise what the package declares (``declared_target``): its requirements on
``langchain``, ``langchain-core`` (whose lines follow langchain's: core 0.3 goes with langchain
0.3, core 1.x with langchain 1.x) and ``langchain-classic`` (which exists only for langchain 1.x),
from ``[project] dependencies`` and ``optional-dependencies``, ``[dependency-groups]``,
``[tool.poetry.*dependencies]``, ``requirements*.txt``, ``setup.cfg`` ``install_requires`` /
``extras_require``.  All the constraints found in one folder are intersected; the target is known
only when every admitted version is on one side of 1.0 (``langchain>=1`` is ``"1"``,
``langchain~=0.3.7`` is ``"0.3"``, ``langchain>=0.2`` and a bare ``langchain`` are unknown).

Requirements and versions are parsed by ``packaging`` (``Requirement``, ``Version``), as pip
parses them; ``packaging`` has no interval arithmetic, so the intersection of the specifiers is
computed here (``_Bounds``), on ``Version.release``.

The package is the nearest folder, walking up from the checked file, that holds a project file:
a ``pyproject.toml`` with ``[project]`` or ``[tool.poetry]``, a ``setup.cfg``, a ``setup.py`` or a
``requirements*.txt``.  A package that declares none of the three distributions has an unknown
target (a workspace root's ``pyproject.toml`` holding only tool settings is not a package).  The
walk stops at the repository root (a folder with a ``.git`` entry).  Answers are cached per folder
(``forget`` drops them: the language server calls it when a project file changes).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

SETTING = "target-langchain"
DISTRIBUTION = "langchain"
DISTRIBUTIONS = ("langchain", "langchain-core", "langchain-classic")
# Expressions, compiled on first use (by re's cache): a run without a target setting or a project file needs none
_SETTING_VALUE = r"(?i)^\s*v?(\d+(?:\.\d+)*)(?:\.[x*])?\s*$"
_POETRY_CONSTRAINT = r"^\s*([\^~])\s*([0-9][0-9.]*)\s*$"
_RELEASE = r"^v?(\d+(?:\.\d+)*)"

_MAX_VERSION = 32  # characters of a `target-langchain` value: "0.3.27" needs 6

Release = tuple[int, ...]
Specifiers = list[tuple[str, str]]  # (operator, version) pairs, as written

_declared: dict[str, Declaration | None] = {}  # folder -> what its project files declare (None: no package)


class TargetError(ValueError):
    """A ``target-langchain`` value that is not a version."""


@dataclass(frozen=True)
class Declaration:
    """What a package's project files say about LangChain: the target they imply (None: unknown),
    the files read, and the requirements found (``langchain>=1,<2``), for ``--show-settings``."""

    target: str | None
    files: tuple[str, ...]
    requirements: tuple[str, ...]
    problem: str | None = None  # a pyproject.toml that is not valid TOML or of an unexpected shape: skipped


def parse_setting(value: str) -> str:
    """Normalise a ``target-langchain`` value (``"1"``, ``"1.x"``, ``"0.3"``) to a version prefix."""
    match = re.match(_SETTING_VALUE, str(value))
    if match is None or len(match.group(1)) > _MAX_VERSION:
        shown = value if len(value) <= _MAX_VERSION else value[:_MAX_VERSION] + "..."
        raise TargetError(f'`{SETTING}` must be a LangChain version such as "1" or "0.3", not {shown!r}')
    return match.group(1)


def is_v1(target: str | None) -> bool:
    """True when the project targets LangChain 1.0 or later, where `langchain-classic` exists."""
    return target is not None and _release(target)[0] >= 1


def before_0_1(target: str | None) -> bool:
    """True when the project targets langchain 0.0.x, from before `langchain-core` / `-community`
    (``"0"`` is some 0.x, not known to be 0.0)."""
    return target is not None and _release(target)[:2] == (0, 0)


# --- reading a package's declared requirements ---------------------------------------------------


@dataclass
class _Bounds:
    """The versions a set of specifiers admits, as one interval (``!=`` is ignored)."""

    low: Release = (0,)
    low_inclusive: bool = True
    high: Release | None = None
    high_inclusive: bool = False

    def lower(self, version: Release, inclusive: bool) -> None:
        order = _cmp(version, self.low)
        if order > 0 or (order == 0 and not inclusive):
            self.low, self.low_inclusive = version, inclusive

    def upper(self, version: Release, inclusive: bool) -> None:
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
        if self._empty():
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
        if self.high is None:
            return None
        high = _pad(self.high)
        if self.high_inclusive or any(high[2:]):
            return high[1]
        return high[1] - 1 if high[1] > 0 else None


def _release(text: str) -> Release:
    """The release numbers of a version (``1.0.0rc1`` -> (1, 0, 0)), as ``packaging`` reads it."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text.strip()).release
    except (InvalidVersion, ValueError):  # ValueError: a number too long for int() (over 4300 digits)
        match = re.match(_RELEASE, text.strip()[:_MAX_VERSION])
        return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)


def _cmp(left: Release, right: Release) -> int:
    width = max(len(left), len(right))
    a, b = left + (0,) * (width - len(left)), right + (0,) * (width - len(right))
    return (a > b) - (a < b)


def _pad(version: Release) -> Release:
    return version + (0,) * (3 - len(version))


def _bump(version: Release, index: int) -> Release:
    """The first version past the ``index``-th component: _bump((0, 3, 1), 1) == (0, 4)."""
    head = list(version[: index + 1]) or [0]
    head[-1] += 1
    return tuple(head)


def _requirement(text: str) -> tuple[str, Specifiers] | None:
    """(distribution, specifiers) of a PEP 508 requirement on a LangChain distribution, else None
    (other names, and lines that are not requirements)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        requirement = Requirement(text.strip())
    except InvalidRequirement:
        return None
    name = canonicalize_name(requirement.name)
    if name not in DISTRIBUTIONS:
        return None
    if requirement.url:
        return name, []  # declared, version unknown
    return name, [(spec.operator, spec.version) for spec in requirement.specifier]


def _poetry_specifiers(value: object) -> Specifiers:
    """Poetry's constraint syntax: ``^0.3``, ``~0.3``, ``0.3.1`` (exact), ``*`` or PEP 440 ranges."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if isinstance(value, dict):
        value = value.get("version", "*")
    if isinstance(value, list):  # multiple-constraint dependencies: any of them may apply
        return []
    found: Specifiers = []
    for part in filter(None, (p.strip() for p in str(value).split(","))):
        match = re.match(_POETRY_CONSTRAINT, part)
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
            try:
                found += [(spec.operator, spec.version) for spec in SpecifierSet(part)]
            except InvalidSpecifier:
                continue
    return found


def _pyproject_requirements(data: dict) -> Iterator[tuple[str, Specifiers]]:
    project = data.get("project") or {}
    lists = [project.get("dependencies") or [], *(project.get("optional-dependencies") or {}).values()]
    lists += [group for group in (data.get("dependency-groups") or {}).values()]
    for items in lists:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str):
                found = _requirement(item)
                if found is not None:
                    yield found
    poetry = (data.get("tool") or {}).get("poetry") or {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [group.get("dependencies") for group in (poetry.get("group") or {}).values() if isinstance(group, dict)]
    for table in tables:
        if isinstance(table, dict):
            for name, value in table.items():
                normalised = re.sub(r"[-_.]+", "-", name).lower()
                if normalised in DISTRIBUTIONS:
                    yield normalised, _poetry_specifiers(value)


def _pyproject_shape(data: dict) -> str | None:
    """What is of an unexpected shape in the tables ``_pyproject_requirements`` reads, or None."""
    project = data.get("project", {})
    tool = data.get("tool", {})
    checks: list[tuple[str, object, type]] = [("project", project, dict), ("tool", tool, dict)]
    if isinstance(project, dict):
        checks += [("project.dependencies", project.get("dependencies", []), list)]
        extras = project.get("optional-dependencies", {})
        checks.append(("project.optional-dependencies", extras, dict))
        if isinstance(extras, dict):
            checks += [(f"project.optional-dependencies.{name}", items, list) for name, items in extras.items()]
    groups = data.get("dependency-groups", {})
    checks.append(("dependency-groups", groups, dict))
    if isinstance(groups, dict):
        checks += [(f"dependency-groups.{name}", items, list) for name, items in groups.items()]
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    checks.append(("tool.poetry", poetry, dict))
    if isinstance(poetry, dict):
        for key in ("dependencies", "dev-dependencies"):
            checks.append((f"tool.poetry.{key}", poetry.get(key, {}), dict))
        poetry_groups = poetry.get("group", {})
        checks.append(("tool.poetry.group", poetry_groups, dict))
        if isinstance(poetry_groups, dict):
            for name, group in poetry_groups.items():
                checks.append((f"tool.poetry.group.{name}", group, dict))
                if isinstance(group, dict):
                    checks.append((f"tool.poetry.group.{name}.dependencies", group.get("dependencies", {}), dict))
    for key, value, kind in checks:
        if not isinstance(value, kind):
            return f"`{key}` must be {'a table' if kind is dict else 'an array'}, not {_kind(value)}"
    lists = [("project.dependencies", project.get("dependencies", []))]
    lists += [
        (f"project.optional-dependencies.{name}", items)
        for name, items in project.get("optional-dependencies", {}).items()
    ]
    for key, items in lists:
        wrong = next((item for item in items if not isinstance(item, str)), None)
        if wrong is not None:
            return f"`{key}` must be an array of strings, not an array holding {_kind(wrong)}"
    return None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    kinds = ((str, "a string"), (int, "an integer"), (float, "a number"), (dict, "a table"), (list, "an array"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "a date or time")


def _requirements_txt(text: str) -> Iterator[tuple[str, Specifiers]]:
    for raw in text.replace("\\\n", "").splitlines():
        line = re.split(r"(^|\s)#", raw, maxsplit=1)[0].strip()
        if line and not line.startswith("-"):
            found = _requirement(line)
            if found is not None:
                yield found


def _toml() -> ModuleType | None:
    """The TOML reader (imported when a pyproject.toml is met), or None without one (3.10 without tomli)."""
    try:  # Python >= 3.11
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            return None
    return tomllib


class _Unreadable(Exception):
    """A project file that its reader cannot read (a setup.cfg that configparser rejects)."""


def _setup_cfg(text: str) -> Iterator[tuple[str, Specifiers]]:
    import configparser  # only a folder with a setup.cfg

    parser = configparser.ConfigParser(interpolation=None)
    values = []
    try:
        parser.read_string(text)
        if parser.has_option("options", "install_requires"):
            values.append(parser.get("options", "install_requires"))
        if parser.has_section("options.extras_require"):
            values += [value for _, value in parser.items("options.extras_require")]
    except configparser.Error as error:
        raise _Unreadable(str(error)) from None
    for value in values:
        yield from _requirements_txt(value.replace(";", "\n") if "\n" not in value else value)


def _shown(name: str, specifiers: Specifiers) -> str:
    return name + ",".join(f"{operator}{version}" for operator, version in specifiers)


class _Listing:
    """The names in one folder, listed once: a name that is not there needs no ``stat`` (a file's walk up
    to its package looks at every folder on the way).  A folder that cannot be listed is asked name by
    name, as before."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            self.names: list[str] | None = os.listdir(folder)
        except OSError:
            self.names = None
        self._present = None if self.names is None else set(self.names)

    def is_file(self, name: str) -> bool:
        return (self._present is None or name in self._present) and (self.folder / name).is_file()

    def requirements(self) -> list[Path]:
        """``requirements*.txt`` as ``sorted(folder.glob(...))`` gives them (files or not)."""
        if self.names is None:
            return sorted(self.folder.glob("requirements*.txt"))
        import fnmatch

        candidates = [name for name in self.names if name[:12].lower() == "requirements"]  # a large folder: few
        return sorted(self.folder / name for name in fnmatch.filter(candidates, "requirements*.txt"))


def declaration(folder: Path) -> Declaration | None:
    """What the project files in ``folder`` declare; None when it holds no package.

    Unreadable or malformed project files are skipped (a pyproject.toml's problem is kept in
    ``problem``, for one warning): without another the target is then unknown, which only makes
    fixes to ``langchain-classic`` unsafe.  A malformed ``[tool.lint-memory]`` is ``config``'s
    error, not this reader's.
    """
    found: list[tuple[str, Specifiers]] = []
    files: list[str] = []
    listing = _Listing(folder)
    pyproject = folder / "pyproject.toml"
    problem = None
    tomllib = _toml() if listing.is_file("pyproject.toml") else None
    if tomllib is not None:
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, RecursionError, tomllib.TOMLDecodeError) as error:
            data = {"project": {}}  # a broken project file is still a package
            problem = f"{pyproject}: cannot read the dependencies: {error}"
        tool = data.get("tool")
        if (
            "project" in data
            or (isinstance(tool, dict) and "poetry" in tool)
            or not isinstance(tool, (dict, type(None)))
        ):
            files.append(str(pyproject))
            shape = _pyproject_shape(data)
            if shape is not None:
                problem = problem or f"{pyproject}: {shape}"
            else:
                found += _pyproject_requirements(data)
    readers = [(path, _requirements_txt) for path in listing.requirements()]
    for path, reader in [*readers, (folder / "setup.cfg", _setup_cfg)]:
        if not listing.is_file(path.name):
            continue
        files.append(str(path))
        try:
            found += reader(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, _Unreadable):
            continue
    if listing.is_file("setup.py"):
        files.append(str(folder / "setup.py"))
    if not files:
        return None
    if not found:
        return Declaration(None, tuple(files), (), problem)
    bounds = _Bounds()
    for name, specifiers in found:
        if name == "langchain-classic":
            bounds.lower((1,), True)  # langchain-classic exists for langchain 1.x only
        for operator, version in specifiers:
            bounds.add(operator, version)
    return Declaration(bounds.target(), tuple(files), tuple(_shown(name, specs) for name, specs in found), problem)


def declared_target(folder: Path) -> tuple[bool, str | None]:
    """Whether the folder's project files declare a LangChain distribution, and the target they imply."""
    found = declaration(folder)
    if found is None or not found.requirements:
        return False, None
    return True, found.target


def declaration_for(path: str) -> Declaration | None:
    """What the package that ``path`` (a file or folder) belongs to declares; None outside any."""
    start = os.path.abspath(path)
    folder = start if os.path.isdir(start) else os.path.dirname(start)
    return _declaration_at(folder)


def _declaration_at(folder: str) -> Declaration | None:
    try:
        return _declared[folder]
    except KeyError:
        pass
    try:
        found = declaration(Path(folder))
        if found is None and not os.path.exists(os.path.join(folder, ".git")):
            parent = os.path.dirname(folder)
            found = None if parent == folder else _declaration_at(parent)
    except OSError:
        found = None
    _declared[folder] = found
    return found


def problems(paths: Iterable[str]) -> list[str]:
    """The project-file problems (``Declaration.problem``) of the packages ``paths`` belong to, once each:
    the command line warns about them once per run."""
    found = (declaration_for(path) for path in paths)
    return list(dict.fromkeys(item.problem for item in found if item is not None and item.problem))


def for_path(path: str) -> str | None:
    """The target declared by the package that ``path`` (a file or folder) belongs to, or None."""
    found = declaration_for(path)
    return found.target if found is not None else None


def forget() -> None:
    """Drop the cached answers: project files may have changed."""
    _declared.clear()
