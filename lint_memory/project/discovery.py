"""Which files to check: Python sources and notebooks below the given paths.

Folders are walked with ``os.scandir`` (one system call per folder, no ``stat`` per file),
skipping what ruff skips: the exclude patterns (ruff's defaults unless configured) and whatever
git ignores.  A path named on the command line is always checked, unless ``force_exclude``
applies the excludes to it too (pre-commit names every staged file).

Each real file is yielded once, however many paths reach it: the same file named twice
(``a.py ./a.py $PWD/a.py``), a folder and a file inside it, or a symbolic link to a file that is
checked anyway.  A file is known by its real path: a file met in a walk is the real path of the
walked folder joined with the names walked (the walk does not follow links to folders), so only
links and named paths cost a ``realpath``.  Hard links are separate files, as git sees them.  What
a walk meets that is not a regular file or a folder (a FIFO, a socket, a device, a dangling link)
is left out; a path named on the command line is yielded whatever it is, and the runner reports
what it cannot read (LCM902) without blocking on it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from lint_memory.project import gitignore
from lint_memory.project.globs import compile_any, escape, translate

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "__pycache__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)
_GLOB_CHARS = re.compile(r"[*?\[\\]")


class PathPatterns:
    """ruff's exclude semantics: a pattern without ``/`` (but for a trailing one) matches a file or
    folder name at any depth; one with ``/`` inside or a leading ``./`` matches the path relative to
    ``root`` (the folder of the configuration; the current folder without one), or an absolute
    path.  ``*`` crosses ``/``; ``**/`` may match no folder at all."""

    def __init__(self, patterns: Iterable[str], root: str | None = None) -> None:
        self.root = os.path.abspath(root or os.curdir)
        names: set[str] = set()
        name_globs: list[str] = []
        path_globs: list[str] = []
        for raw in patterns:
            pattern = raw.strip()
            anchored = pattern.startswith("./")  # `./build`: the project's own build folder only
            pattern = pattern[2:] if anchored else pattern
            pattern = pattern.rstrip("/") or pattern  # `build/` is a name like `build`
            if anchored or "/" in pattern:
                glob = translate(_posix(pattern), star_crosses_slash=True)
                base = "" if os.path.isabs(pattern) else re.escape(_posix(self.root).rstrip("/")) + "/"
                path_globs.append(base + glob)
            elif _GLOB_CHARS.search(pattern):
                name_globs.append(translate(pattern, star_crosses_slash=True))
            elif pattern:
                names.add(pattern)
        self.names = frozenset(names)
        self.name_globs = compile_any(name_globs)
        self.path_globs = compile_any(path_globs)

    def matches(self, absolute: str, name: str) -> bool:
        """Does ``absolute`` (an absolute, normalised path whose last component is ``name``) match?"""
        if name in self.names:
            return True
        if self.name_globs is not None and self.name_globs.fullmatch(name):
            return True
        return self.path_globs is not None and self.path_globs.fullmatch(_posix(absolute)) is not None


def pattern_set(patterns: tuple[str, ...], root: str | None) -> PathPatterns:
    """The compiled patterns, cached: ``root`` None means the current folder, as it is now."""
    return _pattern_set(patterns, os.path.abspath(root or os.curdir))


@lru_cache(maxsize=256)
def _pattern_set(patterns: tuple[str, ...], root: str) -> PathPatterns:
    return PathPatterns(patterns, root)


def rebase(pattern: str, folder: str) -> str:
    """``pattern``, written in a configuration in ``folder``, for use under another root: a pattern
    anchored to its folder becomes an absolute one; a name pattern matches anywhere already."""
    body = pattern.strip()
    anchored = body.startswith("./")
    body = body[2:] if anchored else body
    body = body.rstrip("/") or body
    if not (anchored or "/" in body) or os.path.isabs(body):
        return pattern
    return escape(_posix(os.path.abspath(folder))).rstrip("/") + "/" + body


def matches(path: str, patterns: tuple[str, ...], root: str | None) -> bool:
    """Does ``path`` (as given: relative to the current folder, or absolute) match any pattern?"""
    absolute = os.path.abspath(path)
    return pattern_set(patterns, root).matches(absolute, os.path.basename(absolute))


FolderRules = tuple[PathPatterns, bool, bool]  # a folder's excludes, respect-gitignore, force-exclude
RulesAt = Callable[[str], FolderRules]  # absolute folder -> the rules its configuration sets


def discover(
    paths: Iterable[str],
    *,
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES,
    root: str | None = None,
    respect_gitignore: bool = True,
    force_exclude: bool = False,
    rules_at: RulesAt | None = None,
) -> Iterator[str]:
    """Python files and notebooks below ``paths``, in a stable order (sorted within a folder).

    ``rules_at`` gives each folder its own excludes and flags (each folder under its own
    configuration); without it the keyword arguments hold everywhere."""
    if rules_at is None:
        fixed = (pattern_set(tuple(exclude), root), respect_gitignore, force_exclude)
        rules_at = lambda folder: fixed  # noqa: E731
    seen: set[str] = set()  # the real paths of the files yielded so far
    for raw in paths:
        absolute = os.path.abspath(raw)
        is_dir = os.path.isdir(raw)
        patterns, respect, force = rules_at(absolute if is_dir else os.path.dirname(absolute))
        if force and _force_excluded(absolute, patterns, respect):
            continue
        if not is_dir:
            real = _real(raw)
            if real not in seen:
                seen.add(real)
                yield raw
            continue
        rules = gitignore.ancestor_rules(absolute) if respect else None
        shown = os.path.normpath(raw)  # `./src/` is shown as `src`
        prefix = "" if shown == os.curdir else shown.rstrip(os.sep) + os.sep
        walked = _walk(raw, prefix, absolute, _real(raw), rules_at, rules or [], respect, rules is not None)
        for path, real in walked:
            if real not in seen:
                seen.add(real)
                yield path


def _real(path: str) -> str:
    """The real path (links resolved) of ``path``; ``path`` made absolute if the system cannot say."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):  # a link loop on some Pythons, a path the system refuses
        return os.path.abspath(path)


def is_excluded(
    path: str, *, exclude: tuple[str, ...] = DEFAULT_EXCLUDES, root: str | None = None, respect_gitignore: bool = True
) -> bool:
    """Would a walk skip ``path`` (excluded, or ignored by git, itself or through a folder above it
    and below ``root``)?  What ``force_exclude`` applies to explicit paths; editors ask it too."""
    return _force_excluded(os.path.abspath(path), pattern_set(tuple(exclude), root), respect_gitignore)


def _force_excluded(absolute: str, patterns: PathPatterns, respect_gitignore: bool) -> bool:
    """Is an explicitly named path, or a folder between it and the project root, excluded or
    ignored by git?  Folders above the root (wherever the project is checked out) never count."""
    parts = absolute.split(os.sep)
    root = patterns.root.rstrip(os.sep)
    inside = absolute.startswith(root + os.sep)
    below = len(root.split(os.sep)) + 1 if inside else len(parts)
    ancestors = [os.sep.join(parts[:size]) or os.sep for size in range(below, len(parts) + 1)]
    if any(patterns.matches(path, os.path.basename(path)) for path in ancestors):
        return True
    folder = os.path.dirname(absolute)
    rules = gitignore.ancestor_rules(folder) if respect_gitignore else None
    if rules is None:
        return False
    own = gitignore.read(os.path.join(folder, ".gitignore"), folder)
    rules = [*rules, own] if own else rules
    return any(gitignore.is_ignored(rules, path, path != absolute or os.path.isdir(path)) for path in ancestors)


def _walk(
    folder: str,
    prefix: str,
    absolute: str,
    real: str,
    rules_at: RulesAt,
    rules: list[gitignore.IgnoreFile],
    respect_gitignore: bool,
    in_repo: bool,
) -> Iterator[tuple[str, str]]:
    """``(path as shown, real path)`` of the files below ``folder``, whose real path is ``real``."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        yield prefix.rstrip(os.sep) or folder, real  # reported as unreadable when checked
        return
    patterns, respect_here, _ = rules_at(absolute)
    if respect_gitignore:
        names = {entry.name for entry in entries}
        if ".git" in names:  # the top of a work tree (perhaps nested): only its own rules apply
            rules, in_repo = gitignore.repository_rules(absolute), True
        if in_repo and ".gitignore" in names:
            own = gitignore.read(os.path.join(absolute, ".gitignore"), absolute)
            rules = [*rules, own] if own else rules
    for entry in entries:
        name = entry.name
        real_child = real + os.sep + name if real != os.sep else os.sep + name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not name.endswith(PYTHON_SUFFIXES):
                continue
            child = absolute + os.sep + name if absolute != os.sep else os.sep + name
            if patterns.matches(child, name) or (respect_here and rules and gitignore.is_ignored(rules, child, is_dir)):
                continue
            if is_dir:
                yield from _walk(
                    entry.path,
                    f"{prefix}{name}{os.sep}",
                    child,
                    real_child,
                    rules_at,
                    rules,
                    respect_gitignore,
                    in_repo,
                )
            elif entry.is_file():  # a regular file, or a link to one; not a FIFO, device or dangling link
                yield f"{prefix}{name}", _real(entry.path) if entry.is_symlink() else real_child
        except OSError:
            yield f"{prefix}{name}", real_child  # reported as unreadable when checked


def _posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")
