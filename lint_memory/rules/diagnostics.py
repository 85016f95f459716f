"""LCM901-LCM904: diagnostics about the input itself, reported by the runner, the CLI and the server.

flake8 and pylint report their own syntax errors; the flake8 and pylint plugins report LCM902 when
the file's bytes are not text in its declared encoding (flake8 falls back to Latin-1 and would check
it anyway) and LCM904 when the engine runs out of recursion depth even on the large stack
(``lint_memory.deep``; pylint: ``E5292`` / ``E5294``).
No checker event: these rules only define codes and documentation.
"""

from __future__ import annotations

from lint_memory.rules.base import DOCS_URL, Rule, RuleKind

RULES: tuple[Rule, ...] = (
    Rule(
        code="LCM901",
        name="syntax-error",
        summary="The file could not be parsed",
        url=DOCS_URL + "#lcm901-syntax-error",
        what="Reports a file (or notebook cell) that is not valid Python; nothing else in it is checked.",
        why="A file that does not parse cannot be checked; the run goes on with the other files.",
        example="def broken(:\n",
        use_instead="def fixed():\n    pass\n",
        fix_safety="No fix.",
        kind=RuleKind.DIAGNOSTIC,
    ),
    Rule(
        code="LCM902",
        name="unreadable-file",
        summary="The file could not be read or decoded",
        url=DOCS_URL + "#lcm902-unreadable-file",
        what="Reports a path that cannot be opened (missing, a link loop, a path through a file), that is not a "
        "regular file (a FIFO, a device, a folder: never read, so a FIFO cannot block the run), or whose bytes "
        "are not text in its declared encoding (UTF-8 by default, or a PEP 263 coding cookie), or that contains "
        "null bytes.",
        why="The run goes on with the other files; fix the file or exclude it.",
        example="b'\\xff\\xfe not utf-8'\n",
        use_instead="# a UTF-8 file\n",
        fix_safety="No fix.",
        kind=RuleKind.DIAGNOSTIC,
        pylint_number="92",
    ),
    Rule(
        code="LCM903",
        name="invalid-notebook",
        summary="The notebook is not valid nbformat JSON",
        url=DOCS_URL + "#lcm903-invalid-notebook",
        what="Reports an `.ipynb` file that is not JSON, or whose cells are not in nbformat 4 shape.",
        why="A broken notebook cannot be checked; the run goes on with the other files.",
        example='{"cells": [\n',
        use_instead='{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
        fix_safety="No fix.",
        kind=RuleKind.DIAGNOSTIC,
    ),
    Rule(
        code="LCM904",
        name="too-complex",
        summary="The file is nested too deeply to check",
        url=DOCS_URL + "#lcm904-too-complex",
        what="Reports a file nested beyond what CPython's parser accepts (more than 200 nested brackets, 100 "
        "levels of indentation, the parser's own stack). Code that is merely long (a 1,000-branch `elif` chain, "
        "a long method chain, a sum of 10,000 terms) is checked normally, on a large stack.",
        why="Python itself refuses such files; they are almost always generated: exclude them.",
        example="x = " + "[" * 300 + "]" * 300 + "\n",
        use_instead="x = []\n",
        fix_safety="No fix.",
        kind=RuleKind.DIAGNOSTIC,
        pylint_number="94",
    ),
)
