"""Which settings each file of a run is checked under, as ruff decides it.

Each file gets its nearest configuration (``config.nearest_config``, searched upward from its
folder and cached per folder), under the command line's values; ``--config FILE`` forces one
configuration for every file and ``--isolated`` none.  The run-wide options (``jobs``,
``prefilter``, ``plan_fixes``) are set on every file's settings.  Settings are built once per
configuration file, so the files of one package share one ``Settings`` object.

A ``--baseline FILE`` from the command line applies to every file; its fingerprints are relative
to the run's root (the folder of the configuration governing the folder that holds every checked
path, else the current folder), as ``--write-baseline FILE`` records them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lint_memory.project import config, discovery
from lint_memory.project.discovery import FolderRules
from lint_memory.project.settings import Layer, Settings


@dataclass(frozen=True)
class RunOptions:
    """What the command line sets for the run rather than for a configuration key."""

    prefilter: bool = True
    plan_fixes: bool = False
    render_fixes: bool = True  # False: plan which findings are fixable without writing the edits (no libcst)
    jobs: int = 0


class Resolver:
    """Settings per file and per folder for one run (or, with ``forget``, a long-lived server)."""

    def __init__(
        self,
        overrides: Mapping[str, object] | None = None,
        *,
        config_file: str | Path | None = None,
        isolated: bool = False,
        options: RunOptions = RunOptions(),
        paths: Sequence[str] = (),
    ) -> None:
        self.cli: Layer = config.command_line(overrides)  # checked here: a bad flag fails before any file is read
        self.forced: Path | None = None if isolated or config_file is None else config.explicit_config(config_file)
        self.isolated = isolated
        self.options = options
        self._by_folder: dict[str, Settings] = {}
        self._by_written: dict[str, Settings] = {}  # a file's folder as the run wrote it (cwd-relative)
        self._by_config: dict[Path | None, Settings] = {}
        self._rules: dict[int, FolderRules] = {}  # id(settings) -> the compiled excludes
        self.run_root = self._config_root(_common_folder(paths)) if paths else None

    # --- settings --------------------------------------------------------------------------
    def config_for(self, folder: str) -> Path | None:
        """The configuration file governing ``folder`` (absolute), or None."""
        if self.isolated:
            return None
        return self.forced if self.forced is not None else config.nearest_config(folder)

    def for_folder(self, folder: str) -> Settings:
        folder = os.path.abspath(folder)
        settings = self._by_folder.get(folder)
        if settings is None:
            settings = self._by_folder[folder] = self._for_config(self.config_for(folder))
        return settings

    def for_file(self, path: str) -> Settings:
        folder = os.path.dirname(path)  # as written: a run names most folders one way
        settings = self._by_written.get(folder)
        if settings is None:
            settings = self._by_written[folder] = self.for_folder(os.path.abspath(folder or os.curdir))
        return settings

    def _for_config(self, path: Path | None) -> Settings:
        key = path.resolve() if path is not None else None
        settings = self._by_config.get(key)
        if settings is None:
            settings = config.settings_for(path, self.cli)
            if "baseline" in self.cli.values:  # one baseline for the whole run, fingerprinted from the run's root
                settings = replace(settings, baseline_root=self.run_root)
            options = self.options
            settings = replace(
                settings,
                prefilter=options.prefilter,
                plan_fixes=options.plan_fixes,
                render_fixes=options.render_fixes,
                jobs=options.jobs,
            )
            self._by_config[key] = settings
        return settings

    def seen(self) -> list[Settings]:
        """The distinct settings handed out so far, in the order first met."""
        distinct = {id(settings): settings for settings in self._by_folder.values()}  # a few objects, many folders
        return list(dict.fromkeys(distinct.values()))

    def forget(self) -> None:
        """Read the configuration files again (they may have changed)."""
        config.forget()
        self._by_folder.clear()
        self._by_written.clear()
        self._by_config.clear()
        self._rules.clear()

    # --- file discovery -------------------------------------------------------------------------
    def rules_at(self, folder: str) -> FolderRules:
        """The excludes and flags that apply while walking ``folder``, for ``discovery``."""
        settings = self.for_folder(folder)
        rules = self._rules.get(id(settings))
        if rules is None:
            patterns = discovery.pattern_set((*settings.exclude, *settings.extend_exclude), settings.root)
            rules = self._rules[id(settings)] = (patterns, settings.respect_gitignore, settings.force_exclude)
        return rules

    def _config_root(self, folder: str) -> str | None:
        found = self.config_for(folder)
        return str(found.resolve().parent) if found is not None else None


def _common_folder(paths: Iterable[str]) -> str:
    """The deepest folder holding every path."""
    absolute = [os.path.abspath(path) for path in paths]
    try:
        common = os.path.commonpath(absolute)
    except ValueError:  # different drives (Windows)
        return os.getcwd()
    return common if os.path.isdir(common) else os.path.dirname(common)
