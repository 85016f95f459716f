"""The plain check imports only what it needs: no libcst to mark fixable findings.

Importing libcst costs more than checking a file, so the text formats (which only mark what
``--fix`` would fix) plan fixes without it; the formats that carry the edits, ``--fix`` and
``--diff`` still render them.  The marks must be the same either way.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import random
import subprocess
import sys
from pathlib import Path

LEGACY = (
    "from langchain.memory.chat_message_histories import RedisChatMessageHistory\n"
    "from langchain.memory import ConversationBufferMemory\n"
    "\n"
    "memory = ConversationBufferMemory()\n"
    "history = RedisChatMessageHistory('1')\n"
)

PROBE = (
    "import sys\n"
    "from lint_memory.frontends.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print('LIBCST', 'libcst' in sys.modules, file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, "check", "--isolated", *args, "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def imported_libcst(result: subprocess.CompletedProcess[str]) -> bool:
    line = next(line for line in result.stderr.splitlines() if line.startswith("LIBCST "))
    return line == "LIBCST True"


def test_text_formats_mark_fixes_without_libcst(tmp_path):
    (tmp_path / "app.py").write_text(LEGACY, encoding="utf-8")
    full = run(tmp_path, "--output-format", "full")
    concise = run(tmp_path, "--output-format", "concise")
    as_json = run(tmp_path, "--output-format", "json")
    assert not imported_libcst(full) and not imported_libcst(concise)
    assert imported_libcst(as_json)  # the JSON `fix` field carries the edits
    # The same findings are marked fixable: the safe LCM400 move of the chat history only (the
    # memory class moves to langchain-classic, unsafe without a LangChain 1.x target).
    safe_in_json = sorted(
        (item["location"]["row"], item["code"])
        for item in json.loads(as_json.stdout)
        if item["fix"] is not None and item["fix"]["applicability"] == "safe"
    )
    marked = sorted((int(line.split(":")[1]), line.split()[1]) for line in concise.stdout.splitlines() if "[*]" in line)
    assert marked == safe_in_json == [(1, "LCM400")]
    assert "(1 fixable)" in full.stdout


def test_fix_still_renders_the_edits(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(LEGACY, encoding="utf-8")
    result = run(tmp_path, "--fix")
    assert imported_libcst(result)
    assert app.read_text(encoding="utf-8").splitlines()[0] == (
        "from langchain_community.chat_message_histories import RedisChatMessageHistory"
    )


def test_a_plain_check_loads_no_notebook_or_noqa_reader(tmp_path):
    """json (notebooks) and the noqa tokenizer load only when a notebook or a noqa comment is met
    (github output: planning fixes loads the fixes' own modules)."""
    (tmp_path / "app.py").write_text(LEGACY, encoding="utf-8")
    probe = PROBE.replace(
        "print('LIBCST'",
        "print('LAZY', sorted(m for m in ('lint_memory.source.notebook', 'lint_memory.source.noqa') "
        "if m in sys.modules), file=sys.stderr)\nprint('LIBCST'",
    )
    plain = subprocess.run(
        [sys.executable, "-c", probe, "check", "--isolated", "--output-format", "github", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "LAZY []" in plain.stderr.splitlines()
    (tmp_path / "app.py").write_text(LEGACY + "x = 1  # noqa\n", encoding="utf-8")
    noted = subprocess.run(
        [sys.executable, "-c", probe, "check", "--isolated", "--output-format", "github", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "LAZY ['lint_memory.source.noqa']" in noted.stderr.splitlines()


IMPORTS_PROBE = (  # what the check imports, not what the interpreter's start-up (its site's .pth files) did
    "import sys\n"
    "before = set(sys.modules)\n"
    "from lint_memory.frontends.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "watched = ('argparse', 'tomllib', 'tomli', 'shutil', 'json', 'traceback', 'threading', 'lint_memory.project.target',\n"
    "           'lint_memory.fix.planner', 'lint_memory.fix.changes', 'lint_memory.fix.migrate.plan')\n"
    "print('LOADED', sorted(name for name in watched if name in set(sys.modules) - before), file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def loaded(tmp_path: Path, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_PROBE, "check", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED "))
    return ast.literal_eval(line.removeprefix("LOADED "))


def test_a_check_imports_only_what_it_uses(tmp_path):
    """No configuration file: no TOML reader; a clean file: nothing of the fixes and no LangChain target;
    fixable findings in the full format: the marks, without the planner or the migrations; and never
    argparse (a plain check), shutil (argparse's help formatter), json (text formats), traceback or threading."""
    (tmp_path / "clean.py").write_text("import os\n", encoding="utf-8")
    assert loaded(tmp_path, "--isolated", "clean.py") == []
    configurations = ("lint-memory.toml", "pyproject.toml")
    if not any((folder / name).exists() for folder in (tmp_path, *tmp_path.parents) for name in configurations):
        assert loaded(tmp_path, "clean.py") == []  # a configuration is looked for, and none is found
    (tmp_path / "app.py").write_text(LEGACY, encoding="utf-8")
    assert loaded(tmp_path, "--isolated", "app.py") == ["lint_memory.fix.planner", "lint_memory.project.target"]
    assert "json" in loaded(tmp_path, "--isolated", "--output-format", "json", "app.py")
    assert loaded(tmp_path, "--isolated", "--select", "LCM4", "clean.py") == ["argparse"]  # an option argparse parses
    (tmp_path / "lint-memory.toml").write_text('target-langchain = "1"\n', encoding="utf-8")
    assert ("tomllib" if sys.version_info >= (3, 11) else "tomli") in loaded(tmp_path, "app.py")  # the TOML reader


def test_the_help_is_as_wide_as_argparse_makes_it(monkeypatch):
    """The help formatter sizes itself as argparse's own does (``shutil.get_terminal_size``), without shutil."""
    import shutil

    from lint_memory.frontends import cli

    for columns in ("", "0", "-3", "abc", "1", "57", "250"):
        monkeypatch.setenv("COLUMNS", columns)
        assert cli._columns() == shutil.get_terminal_size().columns
    monkeypatch.delenv("COLUMNS")
    assert cli._columns() == shutil.get_terminal_size().columns


def parsed(argv: list[str]) -> dict | None:
    """What argparse makes of ``argv`` (None when it refuses it, or prints help)."""
    from lint_memory.frontends import cli

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return vars(cli.build_parser("check").parse_args(argv))
    except SystemExit:
        return None


def test_the_plain_check_arguments_are_argparse_s():
    """``check`` with switches, an output format and paths is parsed without argparse (``cli.plain_check``):
    to the same values, every one of them, or not at all (argparse then parses it, or refuses it)."""
    from lint_memory.frontends import cli, plain_args

    assert vars(cli.plain_check(["check"])) == parsed(["check"])  # every option, at its default
    words = [
        *plain_args.CHECK_SWITCHES,
        *("--output-format", "--output-format=json", "--output-format=", "--output-format=yaml", "json", "sarif"),
        *("a.py", "b.ipynb", "", "-", "--", "--iso", "--output=concise", "--select", "LCM1", "--help", "-h"),
        *("--fix=1", "check", "--baseline", "x.json", "--write-baseline"),
    ]
    rng = random.Random(7)
    taken = 0
    for _ in range(3000):
        argv = ["check", *rng.choices(words, k=rng.randint(0, 6))]
        fast = cli.plain_check(argv)
        if fast is not None:
            taken += 1
            assert vars(fast) == parsed(argv), argv
    assert taken > 500  # the usual commands do take the plain path
    assert cli.plain_check(["report", "a.py"]) is None and cli.plain_check([]) is None
