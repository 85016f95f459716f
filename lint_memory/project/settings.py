"""One run's settings: which codes are on for which file, what is excluded, the LangChain target."""

from __future__ import annotations

from dataclasses import dataclass, field

from lint_memory.project import discovery, selection
from lint_memory.project.discovery import DEFAULT_EXCLUDES


@dataclass(frozen=True)
class Settings:
    """One run's configuration.  ``Settings()`` is the default configuration."""

    codes: frozenset[str] = field(default_factory=selection.resolve)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, codes)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False  # apply the excludes to paths named explicitly too
    prefilter: bool = True
    jobs: int = 0  # 0: one per core
    baseline: str | None = None  # `[tool.lint-memory] baseline`, relative to `root`
    target_langchain: str | None = None  # `[tool.lint-memory] target-langchain`
    root: str | None = None  # folder of the configuration file; patterns and paths are relative to it
    plan_fixes: bool = False  # attach the planned LCM400 fixes to the findings (see `_plan`)

    def codes_for(self, path: str) -> frozenset[str]:
        ignored = {
            code
            for pattern, codes in self.per_file_ignores
            if discovery.matches(path, (pattern,), self.root)
            for code in codes
        }
        return self.codes - ignored if ignored else self.codes
