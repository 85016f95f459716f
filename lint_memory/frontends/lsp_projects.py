"""The language server's view of each folder's configuration: settings, baseline, LangChain target.

Each folder is read once, with ``lint-memory check``'s rules (the nearest ``pyproject.toml`` or
``lint-memory.toml`` above it, with its ``extend`` chain), until ``forget`` says a file changed.  A
configuration that cannot be read (invalid TOML, a wrong shape, an ``extend`` cycle, an invalid
glob: any exception, whatever the reader raises) does not stop the checking: the folder gets the
default settings, and the problem is told once, naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from lint_memory.project import config, target
from lint_memory.project.baseline import Baseline, load_baseline
from lint_memory.project.resolver import Resolver
from lint_memory.project.settings import Settings


@dataclass
class Project:
    """What checking a file in one folder takes: its settings, the baseline they name (loaded),
    and the LangChain line the project targets (which decides whether a fix is safe)."""

    settings: Settings
    target: str | None = None
    baseline: Baseline | None = None
    baseline_stamp: tuple[int, int] | None = None  # (mtime_ns, size) of the loaded baseline file

    @property
    def baseline_path(self) -> str | None:
        return self.settings.baseline_file


class Projects:
    """Each folder's ``Project``, read once; problems go to ``warn`` (shown once by the server)."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self._projects: dict[str, Project] = {}  # folder -> its configuration
        self._resolver = Resolver()  # each folder's nearest configuration, no command line
        self._warn = warn

    def for_folder(self, folder: str) -> Project:
        """The configuration for the files of ``folder``, read once; the baseline is re-read when its
        file changes (``lint-memory check --write-baseline`` rewrites it behind the editor's back)."""
        project = self._projects.get(folder)
        if project is None:
            project = self._projects[folder] = self._load(folder)
        self._refresh_baseline(project)
        return project

    def forget(self, folder: str | None = None) -> None:
        """Read the configuration again: for one folder (its documents were opened or saved), or
        everywhere (a configuration or project file changed).  The files themselves are read again
        either way: what is kept per folder is only the answer for folders nothing happened in."""
        self._resolver.forget()
        target.forget()
        if folder is None:
            self._projects.clear()
        else:
            self._projects.pop(folder, None)

    def problem(self, folder: str, error: BaseException) -> None:
        """Tell a configuration problem: the file (named by the error, or else the nearest
        configuration file above ``folder``), the problem, and that the defaults apply."""
        self._warn(f"lint-memory: {naming_the_file(folder, error)}; using the default settings")

    def _load(self, folder: str) -> Project:
        try:
            settings = self._resolver.for_folder(folder)
        except Exception as error:  # whatever the reader raises: the defaults apply
            self.problem(folder, error)
            settings = Settings()
        line: str | None
        try:
            if settings.target_langchain is not None:
                line = target.parse_setting(settings.target_langchain)
            else:
                line = target.for_path(folder)
        except Exception as error:  # the target is then unknown: fixes that depend on it are unsafe
            self._warn(f"lint-memory: {naming_the_file(folder, error)}")
            line = None
        return Project(settings, line)

    def _refresh_baseline(self, project: Project) -> None:
        path = project.baseline_path
        if path is None:
            return
        try:
            status = os.stat(path)
            stamp: tuple[int, int] | None = (status.st_mtime_ns, status.st_size)
        except (OSError, ValueError):
            stamp = None
        if stamp is not None and stamp == project.baseline_stamp:
            return
        project.baseline_stamp = stamp
        try:
            project.baseline = load_baseline(path)
        except Exception as error:  # BaselineError, or anything else a hostile file causes
            project.baseline = None
            self._warn(f"lint-memory: {error}; showing every finding")


def naming_the_file(folder: str, error: BaseException) -> str:
    """The error's message, led by the configuration file it is about when it does not name one."""
    problem = str(error) or type(error).__name__
    named = _config_file(folder)
    if named is not None and named not in problem:
        problem = f"{named}: {problem}"
    return problem


def _config_file(folder: str) -> str | None:
    """The configuration file that governs ``folder``, for naming it in a message: the one the
    configuration finder picks, or (when reading it is what failed) the nearest candidate above."""
    try:
        found = config.find_config(folder)
        if found is not None:
            return str(found)
    except Exception:
        pass
    current = os.path.abspath(folder)
    while True:
        for name in (config.CONFIG_NAME, "pyproject.toml"):
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
