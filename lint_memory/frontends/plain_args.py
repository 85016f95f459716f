"""The usual ``check`` command line, read without argparse.

A pre-commit hook or an editor runs ``lint-memory check`` with a few switches, an output format and
paths, on every call: importing argparse and building the parser cost a tenth of such a one-file run.
``plain_check`` reads exactly those command lines to the values argparse would give (``test_cli_startup``
holds the two together on thousands of random command lines) and leaves everything else to argparse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from lint_memory.output import formats

if TYPE_CHECKING:
    import argparse

__all__ = ["CHECK_DEFAULTS", "CHECK_SWITCHES", "plain_check"]

# What ``check`` arguments argparse gives when none is given (``test_cli_startup`` holds them to the parser's).
CHECK_DEFAULTS: dict[str, object] = {
    "command": "check",
    "output_format": "full",
    **dict.fromkeys(("baseline", "write_baseline", "select", "extend_select", "ignore", "exclude", "extend_exclude")),
    **dict.fromkeys(("respect_gitignore", "force_exclude", "config")),
    **dict.fromkeys(("statistics", "exit_zero", "fix", "unsafe_fixes", "diff", "exit_non_zero_on_fix"), False),
    **dict.fromkeys(("add_noqa", "isolated", "show_settings", "no_prefilter"), False),
}
# The switches a pre-commit hook or an editor passes: each sets one value and takes none.
CHECK_SWITCHES: dict[str, tuple[str, bool]] = {
    **{f"--{name.replace('_', '-')}": (name, True) for name, value in CHECK_DEFAULTS.items() if value is False},
    **{f"--{name.replace('_', '-')}": (name, True) for name in ("respect_gitignore", "force_exclude")},
    **{f"--no-{name.replace('_', '-')}": (name, False) for name in ("respect_gitignore", "force_exclude")},
}


def plain_check(argv: Sequence[str], run: Callable[[argparse.Namespace], int]) -> argparse.Namespace | None:
    """The arguments of a ``check`` that holds only switches (``--isolated``, ``--fix``...), an
    ``--output-format`` and one run of paths, as argparse would parse them, without importing argparse
    and building the parser (the two cost a tenth of a one-file check); None for anything else,
    which argparse parses (and reports, if it is a mistake).  ``run``: the check command's function."""
    if not argv or argv[0] != "check":
        return None
    values: dict[str, object] = dict(CHECK_DEFAULTS)
    paths: list[str] = []
    ended = False  # the run of paths is over: argparse takes one
    words = iter(argv[1:])
    for word in words:
        if not word.startswith("-"):
            if ended:
                return None
            paths.append(word)
            continue
        ended = ended or bool(paths)
        name, _, value = word.partition("=")
        if name == "--output-format":
            value = value if "=" in word else next(words, "")
            if value not in formats.FORMATS:
                return None
            values["output_format"] = value
        elif word in CHECK_SWITCHES:
            key, switch = CHECK_SWITCHES[word]
            values[key] = switch
        else:
            return None
    return cast("argparse.Namespace", SimpleNamespace(**values, paths=paths or ["."], run=run))
