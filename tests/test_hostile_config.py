"""Hostile configuration, through the command line as a subprocess (issue 15).

Two kinds of cell:

* ``[tool.lint-memory]`` (or ``lint-memory.toml``, or the command line) of a wrong shape or with an
  absurd value, an unknown key, an invalid glob: one line ``lint-memory: error: FILE: ... KEY ...``
  on stderr, exit 2, nothing on stdout, never a traceback.  Unknown keys are errors, as ruff's.
* Tables lint-memory does not own but reads for the LangChain target (``[project]``,
  ``[dependency-groups]``, ``[tool.poetry]``) of a wrong shape: the run goes on (exit 1: the
  findings), with one warning naming the file and the key; that file's requirements are skipped.

And the ``.gitignore`` lines git accepts but pathspec cannot compile match what ``git check-ignore``
says; patterns with many ``*`` match in linear time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lint_memory.project import config, globs
from lint_memory.project.resolver import Resolver

LEGACY = "from langchain.memory import ConversationBufferMemory\n"
HUGE = "9" * 5000


def run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    return subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environ,
        timeout=timeout,
    )


def project(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / ".git").mkdir()  # the LangChain-target reader stops here
    (tmp_path / "a.py").write_text(LEGACY, encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_config_error(result: subprocess.CompletedProcess[str], path: Path, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"lint-memory: error: {path}: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# --- [tool.lint-memory]: errors ---------------------------------------------------------------------

TABLE = "[tool.lint-memory]\n"
WRONG_VALUES = {
    "a string": '"LCM"',
    "an integer": "3",
    "a boolean": "true",
    "a table": "{ a = 1 }",
    "a number": "1.5",
    "a date or time": "1979-05-27",
}
LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude")
FLAG_KEYS = ("respect-gitignore", "force-exclude")
STRING_KEYS = ("baseline", "target-langchain", "extend")


def _wrong_types() -> list[tuple[str, str, tuple[str, ...]]]:
    cells = []
    for key in LIST_KEYS:
        for kind, value in WRONG_VALUES.items():
            cells.append((f"{key} = {value}", key, ("must be a list of strings", f"not {kind}")))
        cells.append((f"{key} = [1, 2]", key, ("not a list holding an integer",)))
        cells.append((f'{key} = [["LCM1"]]', key, ("not a list holding an array",)))
        cells.append((f"{key} = [{{ a = 1 }}]", key, ("not a list holding a table",)))
    for key in FLAG_KEYS:
        for kind, value in WRONG_VALUES.items():
            if kind != "a boolean":
                cells.append((f"{key} = {value}", key, ("must be true or false", f"not {kind}")))
    for key in STRING_KEYS:
        for kind, value in WRONG_VALUES.items():
            if kind != "a string":
                cells.append((f"{key} = {value}", key, ("must be a non-empty string", f"not {kind}")))
        cells.append((f'{key} = ""', key, ("must be a non-empty string, not an empty string",)))
        cells.append((f'{key} = "   "', key, ("must be a non-empty string",)))
    for kind, value in WRONG_VALUES.items():
        if kind != "a table":
            cells.append((f"per-file-ignores = {value}", "per-file-ignores", ("must be a table", f"not {kind}")))
    cells.append(('per-file-ignores = { "a.py" = "LCM1" }', "per-file-ignores", ("`a.py` must be a list of strings",)))
    cells.append(('per-file-ignores = { "a.py" = [3] }', "per-file-ignores", ("not a list holding an integer",)))
    cells.append(('per-file-ignores = { "a.py" = { b = 1 } }', "per-file-ignores", ("must be a list of strings",)))
    return cells


ABSURD = [
    ('target-langchain = "banana"', "target-langchain", ("must be a LangChain version", "'banana'")),
    (f'target-langchain = "{HUGE}"', "target-langchain", ("must be a LangChain version",)),
    ('target-langchain = "-1"', "target-langchain", ("must be a LangChain version",)),
    ('select = ["LCM99999"]', "select", ("LCM99999",)),
    ('select = [""]', "select", ("an empty code",)),
    ('per-file-ignores = { "a.py" = [""] }', "per-file-ignores", ("an empty code",)),
    (f'select = ["LCM{HUGE}"]', "select", ("select",)),
    ('ignore = ["banana"]', "ignore", ("banana",)),
    ('extend = "."', "extend", ("is a folder, not a configuration file",)),
    ('extend = "missing.toml"', "extend", ("no such configuration file",)),
    ('extend = "pyproject.toml"', "extend", ("makes a cycle",)),
    (f'extend = "{"x" * 5000}"', "extend", ("must be a file name",)),
    ('extend = "nul\\u0000.toml"', "extend", ("must be a file name",)),
    ('baseline = "nul\\u0000.json"', "baseline", ("must be a file name",)),
    ("colour = true", "colour", ("unknown key `colour`", "known keys: select")),
    ('selct = ["LCM1"]', "selct", ("unknown key `selct`", "did you mean `select`?")),
    (f"{'k' * 3000} = 1", "kkk", ("unknown key",)),
    ('exclude = ["[z-a]"]', "exclude", ("invalid glob '[z-a]'", "reversed character range")),
    ('extend-exclude = ["src/[abc"]', "extend-exclude", ("invalid glob 'src/[abc'", "unclosed character class")),
    ('exclude = ["gen\\\\"]', "exclude", ("invalid glob", "a lone `\\`")),
    ('per-file-ignores = { "[9-0].py" = ["LCM1"] }', "per-file-ignores", ("invalid glob '[9-0].py'",)),
]


@pytest.mark.parametrize(("line", "key", "fragments"), [*_wrong_types(), *ABSURD], ids=lambda v: str(v)[:60])
def test_a_wrong_tool_lint_memory_value_is_a_configuration_error(tmp_path, line, key, fragments):
    path = project(tmp_path, "pyproject.toml", TABLE + line + "\n")
    assert_config_error(run("a.py", cwd=tmp_path), path, f"`{key}", *fragments)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("[tool]\nlint-memory = 3\n", ("`tool.lint-memory` must be a table, not an integer",)),
        ('[tool]\nlint-memory = "x"\n', ("`tool.lint-memory` must be a table, not a string",)),
        ("[tool]\nlint-memory = [1]\n", ("`tool.lint-memory` must be a table, not an array",)),
        ("[tool.lint-memory\n", ("not valid TOML",)),
        ("[tool.lint-memory]\nselect = [\n", ("not valid TOML",)),
        ("[tool.lint-memory]\n" + "a = [" * 2000 + "]" * 2000 + "\n", ("not valid TOML",)),
    ],
)
def test_a_tool_lint_memory_that_is_not_a_table_is_a_configuration_error(tmp_path, text, fragments):
    path = project(tmp_path, "pyproject.toml", text)
    assert_config_error(run("a.py", cwd=tmp_path), path, *fragments)


@pytest.mark.parametrize(
    ("line", "fragments"),
    [
        ('select = "LCM"', ("`select` must be a list of strings, not a string",)),
        ("respect-gitignore = 1", ("`respect-gitignore` must be true or false, not an integer",)),
        ('exclude = ["a[z-a]"]', ("`exclude`: invalid glob 'a[z-a]'",)),
        ("tool = 3", ("unknown key `tool`",)),
    ],
)
def test_lint_memory_toml_errors_name_the_key_without_the_table(tmp_path, line, fragments):
    path = project(tmp_path, "lint-memory.toml", line + "\n")
    assert_config_error(run("a.py", cwd=tmp_path), path, *fragments)


def test_an_extend_chain_names_the_file_that_is_wrong(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text("ignore = [{ a = 1 }]\n", encoding="utf-8")
    project(tmp_path, "pyproject.toml", '[tool.lint-memory]\nextend = "base.toml"\n')
    assert_config_error(run("a.py", cwd=tmp_path), base, "`ignore` must be a list of strings")


def test_an_extend_pointing_at_a_pyproject_without_the_table_is_an_error(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    project(tmp_path, "lint-memory.toml", 'extend = "other/pyproject.toml"\n')
    assert_config_error(run("a.py", cwd=tmp_path), other / "pyproject.toml", "no [tool.lint-memory] table")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--exclude", "[z-a]"), ("`--exclude`: invalid glob '[z-a]'",)),
        (("--extend-exclude", "ok,x["), ("`--extend-exclude`: invalid glob 'x['",)),
        (("--select", "LCM1,banana"), ("banana",)),
    ],
)
def test_command_line_values_are_checked_the_same_way(tmp_path, args, fragments):
    project(tmp_path, "setup.cfg", "")
    result = run("a.py", *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("lint-memory: error: ") and len(result.stderr.splitlines()) == 1
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        TABLE + "select = 3\n",
        TABLE + 'exclude = ["[z-a]"]\n',
        TABLE + 'extend = "."\n',
        TABLE + 'target-langchain = "banana"\n',
        "[tool]\nlint-memory = 3\n",
        TABLE + "nope = 1\n",
    ],
)
def test_the_configuration_api_raises_one_exception_type(tmp_path, text):
    """What the language server catches: ``config.ConfigError``, from loading and from a Resolver."""
    project(tmp_path, "pyproject.toml", text)
    config.forget()
    with pytest.raises(config.ConfigError, match=str(tmp_path / "pyproject.toml").replace("\\", "\\\\")):
        config.load_settings(tmp_path / "a.py")
    config.forget()
    with pytest.raises(config.ConfigError):
        Resolver(paths=[str(tmp_path / "a.py")]).for_file(str(tmp_path / "a.py"))
    config.forget()


# --- tables read for the LangChain target: a warning, and the run goes on --------------------------

TARGET_CELLS = [
    ('tool = "x"\n', "`tool` must be a table, not a string"),
    ("tool = 3\n", "`tool` must be a table, not an integer"),
    ('project = "x"\n', "`project` must be a table, not a string"),
    ("project = [1]\n", "`project` must be a table, not an array"),
    ('[project]\ndependencies = "langchain>=1"\n', "`project.dependencies` must be an array, not a string"),
    (
        "[project]\ndependencies = [1, 2]\n",
        "`project.dependencies` must be an array of strings, not an array holding an integer",
    ),
    ("[project]\ndependencies = [{ a = 1 }]\n", "not an array holding a table"),
    ('[project]\noptional-dependencies = ["a"]\n', "`project.optional-dependencies` must be a table, not an array"),
    ('[project.optional-dependencies]\ndev = "langchain"\n', "`project.optional-dependencies.dev` must be an array"),
    (
        "[project.optional-dependencies]\ndev = [true]\n",
        "`project.optional-dependencies.dev` must be an array of strings",
    ),
    ('dependency-groups = ["a"]\n[project]\nname = "x"\n', "`dependency-groups` must be a table, not an array"),
    (
        '[project]\nname = "x"\n[dependency-groups]\ndev = "x"\n',
        "`dependency-groups.dev` must be an array, not a string",
    ),
    ('[tool]\npoetry = "x"\n', "`tool.poetry` must be a table, not a string"),
    ('[tool.poetry]\ngroup = ["a"]\n', "`tool.poetry.group` must be a table, not an array"),
    ('[tool.poetry]\ndependencies = ["langchain"]\n', "`tool.poetry.dependencies` must be a table, not an array"),
    ('[tool.poetry]\ndev-dependencies = "x"\n', "`tool.poetry.dev-dependencies` must be a table, not a string"),
    ('[tool.poetry.group]\ndev = "x"\n', "`tool.poetry.group.dev` must be a table, not a string"),
    ("[tool.poetry.group.dev]\ndependencies = 3\n", "`tool.poetry.group.dev.dependencies` must be a table"),
    ("[project\n", "cannot read the dependencies"),
]


@pytest.mark.parametrize(("text", "message"), TARGET_CELLS, ids=[cell[0][:40] for cell in TARGET_CELLS])
def test_a_malformed_dependency_table_warns_once_and_the_run_goes_on(tmp_path, text, message):
    path = project(tmp_path, "pyproject.toml", text)
    (tmp_path / "b.py").write_text(LEGACY, encoding="utf-8")
    result = run(".", "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert sorted((Path(r["filename"]).name, r["code"]) for r in json.loads(result.stdout)) == [
        ("a.py", "LCM100"),
        ("a.py", "LCM400"),
        ("b.py", "LCM100"),
        ("b.py", "LCM400"),
    ]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(f"lint-memory: warning: {path}: ") and message in warnings[0]
    assert warnings[0].endswith("; its LangChain requirements are skipped")


def test_a_malformed_dependency_table_leaves_the_other_project_files_in_charge(tmp_path):
    """requirements.txt still says langchain 1.x: the moved import's fix is safe, so `--fix` applies it."""
    project(tmp_path, "pyproject.toml", '[project]\ndependencies = "langchain"\n')
    (tmp_path / "requirements.txt").write_text("langchain>=1,<2\n", encoding="utf-8")
    result = run("a.py", "--fix", cwd=tmp_path)
    assert "`project.dependencies` must be an array" in result.stderr
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == (
        "from langchain_classic.memory import ConversationBufferMemory\n"
    )


def test_a_setting_for_the_target_means_the_project_files_are_not_read(tmp_path):
    project(tmp_path, "pyproject.toml", '[project]\ndependencies = "x"\n[tool.lint-memory]\ntarget-langchain = "1"\n')
    result = run("a.py", cwd=tmp_path)
    assert result.returncode == 1 and "warning" not in result.stderr


# --- globs and .gitignore lines ---------------------------------------------------------------------

NAMES = ["a", "b", "z", "-", "ab", "x[", "x\\", "[z-a]", "aab", "zb"]
GITIGNORE_LINES = ["[z-a]", "[z-ab]", "x[", "x\\", "***", "[a-]", "[!z-a]", "a[b-a]b", "[\\z-a]", "[]-a]"]


@pytest.mark.skipif(shutil.which("git") is None or sys.platform == "win32", reason="needs git and POSIX names")
@pytest.mark.parametrize("line", GITIGNORE_LINES)
def test_gitignore_lines_git_accepts_match_what_git_check_ignore_says(tmp_path, line):
    """Each name is a folder holding `m.py`; git says which of them the line ignores."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(line + "\n", encoding="utf-8")
    files = []
    for name in NAMES:
        (tmp_path / name).mkdir()
        (tmp_path / name / "m.py").write_text(LEGACY, encoding="utf-8")
        files.append(f"{name}/m.py")
    git = subprocess.run(
        ["git", "check-ignore", "-z", "--stdin", "--no-index"],
        input="\0".join(files) + "\0",
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert git.returncode in (0, 1), git.stderr
    ignored_by_git = set(filter(None, git.stdout.split("\0")))  # -z: names as they are, not quoted
    result = run(".", "--output-format", "json", cwd=tmp_path)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    checked = {
        Path(record["filename"]).relative_to(tmp_path.resolve()).as_posix() for record in json.loads(result.stdout)
    }
    assert checked == set(files) - ignored_by_git
    assert line != "[z-a]" or ignored_by_git == {"z/m.py"}  # git: a reversed range matches its first character


STARS = "*a" * 20 + "*b"


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("pyproject.toml", f'[tool.lint-memory]\nextend-exclude = ["{STARS}", "src/{STARS}/x"]\n'),
        ("pyproject.toml", f'[tool.lint-memory]\nper-file-ignores = {{ "{STARS}" = ["LCM1"] }}\n'),
        (".gitignore", f"{STARS}\n/{STARS}/\n**/{STARS}\n"),
        (".gitignore", "*" * 5000 + "b" + "*" * 5000 + "\n"),
    ],
)
def test_patterns_with_many_stars_match_in_linear_time(tmp_path, where, text):
    project(tmp_path, where, text)
    long_name = "a" * 200
    src = tmp_path / "src" / long_name
    src.mkdir(parents=True)
    for index in range(20):
        (src / f"{long_name[: 200 - index]}{index}.py").write_text(LEGACY, encoding="utf-8")
    started = time.monotonic()
    result = run(".", "--output-format", "json", cwd=tmp_path, timeout=60)
    assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
    assert time.monotonic() - started < 30
    assert len({record["filename"] for record in json.loads(result.stdout)}) == 21  # nothing ends in `b`


def test_a_glob_with_many_stars_is_linear_and_still_right():
    pattern = globs.translate(STARS, star_crosses_slash=True)
    started = time.monotonic()
    assert globs.compile_any([pattern]).fullmatch("a" * 5000) is None  # type: ignore[union-attr]
    assert globs.compile_any([pattern]).fullmatch("a" * 40 + "/b") is not None  # type: ignore[union-attr]
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("[z-a]", "a reversed character range `z-a`"),
        ("x[", "an unclosed character class"),
        ("[!]", "an unclosed character class"),
        ("x\\", "a lone `\\` at the end"),
        ("***", None),
        ("[a-]", None),
        ("[]]", None),
        ("\\[z-a]", None),
    ],
)
def test_glob_problems_are_named_and_an_invalid_glob_matches_nothing(pattern, reason):
    assert globs.problem(pattern) == reason if reason is None else reason in (globs.problem(pattern) or "")
    if reason is not None:
        assert globs.translate(pattern, star_crosses_slash=True) == globs.NEVER


def test_show_settings_names_the_skipped_dependency_table(tmp_path):
    path = project(tmp_path, "pyproject.toml", '[project]\noptional-dependencies = ["a"]\n')
    (tmp_path / "requirements.txt").write_text("langchain~=0.3.7\n", encoding="utf-8")
    result = run("a.py", "--show-settings", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("target-langchain")]
    assert line == (
        'target-langchain = "0.3"  # langchain~=0.3.7 in pyproject.toml, requirements.txt '
        f"({path}: `project.optional-dependencies` must be a table, not an array: skipped)"
    )


FOLDER_PATHS = ["a/m.py", "a/a/m.py", "a/b/a/m.py", "ab/a/m.py", "a/ab/a/c/m.py", "x/a/y/a/b/m.py", "a/a/a/b/m.py"]
FOLDER_LINES = ["**/a/**/a/**/b", "a/**/a/**/c", "a/**/a/", "**/a/**/a*/**/c/", "a/**/b/**/a", "**/a/**/y/**/b"]


@pytest.mark.skipif(shutil.which("git") is None or sys.platform == "win32", reason="needs git and POSIX names")
@pytest.mark.parametrize("line", FOLDER_LINES)
def test_gitignore_lines_with_several_double_stars_match_what_git_says(tmp_path, line):
    """The linear form of `/**/` pieces (gitignore._linear_folders) keeps git's answers."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(line + "\n", encoding="utf-8")
    for name in FOLDER_PATHS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(LEGACY, encoding="utf-8")
    git = subprocess.run(
        ["git", "check-ignore", "-z", "--stdin", "--no-index"],
        input="\0".join(FOLDER_PATHS) + "\0",
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert git.returncode in (0, 1), git.stderr
    ignored_by_git = set(filter(None, git.stdout.split("\0")))
    result = run(".", "--output-format", "json", cwd=tmp_path)
    checked = {
        Path(record["filename"]).relative_to(tmp_path.resolve()).as_posix() for record in json.loads(result.stdout)
    }
    assert checked == set(FOLDER_PATHS) - ignored_by_git


def test_gitignore_lines_with_many_double_stars_match_in_linear_time(tmp_path):
    """Fifteen `/**/` against a path thirty folders deep: tried as pathspec writes it, minutes."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    deep = tmp_path.joinpath(*["a"] * 30)
    deep.mkdir(parents=True)
    (deep / "m.py").write_text(LEGACY, encoding="utf-8")
    (tmp_path / ".gitignore").write_text("**/a/" * 15 + "b\n" + "a/**/" * 15 + "c\n", encoding="utf-8")
    started = time.monotonic()
    result = run(".", "--output-format", "json", cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 30
    assert {record["filename"] for record in json.loads(result.stdout)} == {str(deep.resolve() / "m.py")}
