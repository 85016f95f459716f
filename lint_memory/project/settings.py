"""The settings one file is checked under: which codes are on, what is excluded, the baseline, the target.

Each file has its own (its nearest configuration's, see ``resolver``); they are built here from
layers, the configuration files of an ``extend`` chain (base first) and then the command line,
each key of a later layer overriding the same key of an earlier one.  A path or anchored pattern
is relative to the folder of the layer that wrote it: patterns from another folder than the
governing configuration's are made absolute, so that ``root`` stays that configuration's folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from lint_memory.project import discovery, selection
from lint_memory.project.discovery import DEFAULT_EXCLUDES

FLAGS = ("respect-gitignore", "force-exclude")
STRINGS = ("baseline", "target-langchain")
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Layer:
    """One configuration file's checked values (or the command line's) and the folder they are
    relative to; ``source`` names it: the file's path, or ``COMMAND_LINE``."""

    values: Mapping[str, object]
    folder: str
    source: str


@dataclass(frozen=True)
class Settings:
    """One file's configuration.  ``Settings()`` is the default configuration.  Frozen and
    hashable: the runner groups files by it and sends it to its worker processes."""

    codes: frozenset[str] = field(default_factory=selection.resolve)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, codes)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False  # apply the excludes to paths named explicitly too
    prefilter: bool = True
    jobs: int = 0  # 0: one per core
    baseline: str | None = None  # `[tool.lint-memory] baseline`, relative to `baseline_root` (else `root`)
    target_langchain: str | None = None  # `[tool.lint-memory] target-langchain`
    root: str | None = None  # folder of the configuration file; patterns and paths are relative to it
    plan_fixes: bool = False  # attach the planned LCM400 fixes to the findings (see `runner._plan`)
    render_fixes: bool = True  # with their edits (libcst); False: only which findings are fixable
    baseline_root: str | None = None  # folder of the layer that named the baseline (None: `root`)
    sources: tuple[str, ...] = ()  # the configuration files these came from, base first

    def codes_for(self, path: str) -> frozenset[str]:
        ignored = {
            code
            for pattern, codes in self.per_file_ignores
            if discovery.matches(path, (pattern,), self.root)
            for code in codes
        }
        return self.codes - ignored if ignored else self.codes

    @property
    def baseline_file(self) -> str | None:
        """The baseline to apply, as a path usable from the current folder."""
        if not self.baseline:
            return None
        return os.path.join(self.fingerprint_root or os.curdir, self.baseline)

    @property
    def fingerprint_root(self) -> str | None:
        """The folder the baseline's file names are relative to (None: the current folder)."""
        return self.baseline_root or self.root

    # A single Settings is also a source of settings for every file: what ``--config`` and
    # ``--isolated`` runs, the flake8 and pylint front ends and the tests use.
    def for_file(self, path: str) -> Settings:
        return self

    def for_folder(self, folder: str) -> Settings:
        return self


def from_layers(layers: Sequence[Layer], root: str | None) -> Settings:
    """The settings after each layer in turn.  ``root`` is the governing configuration's folder
    (None without one: the current folder).  Codes were validated when the layers were read."""
    codes = selection.resolve_layers(
        [
            (
                cast("Iterable[str] | None", layer.values.get("select")),
                cast("Iterable[str]", layer.values.get("extend-select", ())),
                cast("Iterable[str]", layer.values.get("ignore", ())),
            )
            for layer in layers
        ]
    )
    here = os.path.abspath(root or os.curdir)
    files = tuple(layer.source for layer in layers if layer.source != COMMAND_LINE)
    settings = Settings(codes=codes, root=root, sources=files)
    per_file: list[tuple[str, frozenset[str]]] = []
    for layer in layers:
        values = layer.values
        moved = os.path.abspath(layer.folder) != here

        def anchored(patterns: object, folder: str = layer.folder, moved: bool = moved) -> tuple[str, ...]:
            return tuple(discovery.rebase(p, folder) if moved else p for p in patterns)  # type: ignore[attr-defined]

        if "per-file-ignores" in values:
            table: Mapping[str, frozenset[str]] = values["per-file-ignores"]  # type: ignore[assignment]
            per_file = [(anchored((glob,))[0], codes) for glob, codes in table.items()]
        if "exclude" in values:
            settings = replace(settings, exclude=anchored(values["exclude"]))
        if "extend-exclude" in values:
            settings = replace(settings, extend_exclude=(*settings.extend_exclude, *anchored(values["extend-exclude"])))
        for key in (*FLAGS, *STRINGS):
            if key in values:
                settings = replace(settings, **{key.replace("-", "_"): values[key]})  # type: ignore[arg-type]
        if "baseline" in values:
            settings = replace(settings, baseline_root=None if not moved else os.path.abspath(layer.folder))
    return replace(settings, per_file_ignores=tuple(per_file))
