"""Which files are checked: default excludes, exclude patterns, .gitignore (compared with git itself)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.project import discovery, globs
from lint_memory.project.settings import Settings

LEGACY = "from langchain.memory import ConversationBufferMemory\n"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def tree(root: Path, *names: str, text: str = "x = 1\n") -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def found(folder: Path, paths: list[str] | None = None, **options) -> set[str]:
    """Discovered files, relative to ``folder`` (the current folder meanwhile), with forward slashes."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        return {p.replace(os.sep, "/") for p in discovery.discover(paths or ["."], **options)}
    finally:
        os.chdir(previous)


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(root)}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def test_default_excludes_and_suffixes(tmp_path):
    tree(
        tmp_path,
        "a.py",
        "b.pyi",
        "c.ipynb",
        "d.txt",
        "pkg/e.py",
        ".venv/lib/f.py",
        "venv/g.py",
        "build/h.py",
        "node_modules/i.py",
        "pkg/__pycache__/j.py",
        ".git/k.py",
        "dist/l.py",
        ".tox/m.py",
    )
    assert found(tmp_path) == {"a.py", "b.pyi", "c.ipynb", "pkg/e.py"}


def test_explicit_files_are_always_checked_unless_force_exclude(tmp_path):
    tree(tmp_path, ".venv/lib/f.py", "build/gen.py", "src/ok.py")
    explicit = [".venv/lib/f.py", "build/gen.py", "src/ok.py", "README.md"]
    assert found(tmp_path, explicit) == {".venv/lib/f.py", "build/gen.py", "src/ok.py", "README.md"}
    assert found(tmp_path, explicit, force_exclude=True) == {"src/ok.py", "README.md"}
    assert found(tmp_path, ["build"]) == {"build/gen.py"}  # a folder named explicitly is walked


def test_is_excluded_answers_like_the_walk(tmp_path):
    tree(tmp_path, "src/app.py", "src/gen/models.py", ".venv/lib/site.py", "vendor/lib.py")
    settings = Settings(extend_exclude=("gen", "./vendor"), root=str(tmp_path))
    walked = {os.path.relpath(p, tmp_path).replace(os.sep, "/") for p in runner.discover([str(tmp_path)], settings)}
    assert walked == {"src/app.py"}
    for name in ("src/app.py", "src/gen/models.py", ".venv/lib/site.py", "vendor/lib.py"):
        assert runner.is_excluded(str(tmp_path / name), settings) is (name not in walked), name


def test_force_exclude_ignores_folders_above_the_project(tmp_path):
    project = tmp_path / "build" / "project"  # checked out below a folder with an excluded name
    tree(project, "app.py")
    assert found(project, ["app.py"], force_exclude=True, root=str(project)) == {"app.py"}


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (("legacy",), {"src/app.py", "src/models_pb2.py", "tests/test_app.py"}),  # a name at any depth
        (("*_pb2.py",), {"src/app.py", "src/legacy/old.py", "tests/test_app.py", "legacy/top.py"}),
        (("src/legacy",), {"src/app.py", "src/models_pb2.py", "tests/test_app.py", "legacy/top.py"}),  # anchored
        (("tests/*.py", "./legacy/"), {"src/app.py", "src/models_pb2.py", "src/legacy/old.py"}),
        (("**/legacy/*.py",), {"src/app.py", "src/models_pb2.py", "tests/test_app.py"}),
        (("src/**",), {"tests/test_app.py", "legacy/top.py"}),
    ],
)
def test_exclude_patterns(tmp_path, patterns, expected):
    tree(tmp_path, "src/app.py", "src/models_pb2.py", "src/legacy/old.py", "tests/test_app.py", "legacy/top.py")
    assert found(tmp_path, exclude=patterns, root=str(tmp_path)) == expected


def test_settings_combine_exclude_and_extend_exclude(tmp_path):
    tree(tmp_path, "a.py", "venv/b.py", "gen/c.py")
    settings = Settings(extend_exclude=("gen",))
    os.chdir(tmp_path)
    assert set(runner.discover(["."], settings)) == {"a.py"}
    assert set(runner.discover(["."], Settings(exclude=()))) == {"a.py", f"venv{os.sep}b.py", f"gen{os.sep}c.py"}


@pytest.mark.parametrize(
    ("pattern", "path", "star_crosses_slash", "matches"),
    [
        ("a/**/b.py", "a/b.py", False, True),
        ("a/**/b.py", "a/x/y/b.py", False, True),
        ("**/b.py", "b.py", False, True),
        ("a/*.py", "a/x/b.py", False, False),
        ("a/*.py", "a/x/b.py", True, True),
        ("file[0-9].py", "file7.py", False, True),
        ("file[!0-9].py", "file7.py", False, False),
        ("\\#hash.py", "#hash.py", False, True),
        ("a/**", "a/b/c", False, True),
        ("x?.py", "x/.py", False, False),
    ],
)
def test_glob_translation(pattern, path, star_crosses_slash, matches):
    import re

    assert bool(re.fullmatch(globs.translate(pattern, star_crosses_slash=star_crosses_slash), path)) is matches


GITIGNORE = """\
# comments and blank lines are skipped

ignored.py
/rootonly.py
sub/anchored.py
gen/
**/deep/*.py
*_tmp.py
!keep_tmp.py
a/**/b.py
file[0-9].py
\\#hash.py
trailing.py{trailing}
spaced\\ .py
*.ipynb
!notebooks/*.ipynb
""".format(trailing="   ")  # trailing spaces are not part of a pattern


@needs_git
def test_gitignore_matches_what_git_ignores(tmp_path):
    files = [
        "ok.py",
        "ignored.py",
        "pkg/ignored.py",
        "rootonly.py",
        "pkg/rootonly.py",
        "sub/anchored.py",
        "other/sub/anchored.py",
        "gen/x.py",
        "pkg/gen/y.py",
        "gen.py",
        "x/deep/z.py",
        "deep/top.py",
        "x/deep/more/w.py",
        "a_tmp.py",
        "keep_tmp.py",
        "pkg/keep_tmp.py",
        "a/b.py",
        "a/x/y/b.py",
        "c/a/b.py",
        "file1.py",
        "filex.py",
        "#hash.py",
        "trailing.py",
        "spaced .py",
        "top.ipynb",
        "notebooks/n.ipynb",
        "nested/inner.py",
        "nested/local_only.py",
        "nested/again_tmp.py",
        "nested/reinclude.py",
        "excluded_by_info.py",
    ]
    tree(tmp_path, *files)
    (tmp_path / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (tmp_path / "nested" / ".gitignore").write_text("local_only.py\n!again_tmp.py\nreinclude.py\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("excluded_by_info.py\n", encoding="utf-8")
    by_git = {
        p
        for p in git(tmp_path, "ls-files", "--others", "--exclude-standard").splitlines()
        if p.endswith((".py", ".ipynb"))
    }
    by_git = {p.strip('"').replace("\\043", "#") for p in by_git}  # git quotes unusual names
    assert found(tmp_path) == by_git
    assert {"ok.py", "gen.py", "keep_tmp.py", "nested/again_tmp.py", "notebooks/n.ipynb"} <= by_git
    assert found(tmp_path, respect_gitignore=False) == set(files)


@needs_git
def test_walking_a_subfolder_honours_the_gitignore_above_it(tmp_path):
    tree(tmp_path, "pkg/app.py", "pkg/generated.py", "pkg/inner/generated.py")
    (tmp_path / ".gitignore").write_text("generated.py\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    assert found(tmp_path, ["pkg"]) == {"pkg/app.py"}
    assert found(tmp_path / "pkg", ["inner"]) == set()
    assert found(tmp_path, ["pkg/generated.py"]) == {"pkg/generated.py"}  # named explicitly
    assert found(tmp_path, ["pkg/generated.py"], force_exclude=True) == set()


@needs_git
def test_a_nested_repository_has_only_its_own_rules(tmp_path):
    tree(tmp_path, "outer.py", "vendor/lib/outer.py", "vendor/lib/own.py")
    (tmp_path / ".gitignore").write_text("outer.py\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path / "vendor" / "lib", "init", "-q")
    (tmp_path / "vendor" / "lib" / ".gitignore").write_text("own.py\n", encoding="utf-8")
    assert found(tmp_path) == {"vendor/lib/outer.py"}


def test_gitignore_outside_a_repository_is_not_read(tmp_path):
    tree(tmp_path, "a.py", "b.py")
    (tmp_path / ".gitignore").write_text("b.py\n", encoding="utf-8")
    if any((parent / ".git").exists() for parent in tmp_path.parents):
        pytest.skip("the temporary folder is inside a git repository")
    assert found(tmp_path) == {"a.py", "b.py"}  # as git and ruff: .gitignore counts in a work tree only


def test_cli_checks_only_discovered_files(tmp_path):
    tree(tmp_path, "app.py", ".venv/lib/site.py", "build/gen.py", text=LEGACY)
    result = subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", "--isolated", "--output-format", "concise", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["app.py", "app.py"]
    explicit = subprocess.run(
        [
            sys.executable,
            "-m",
            "lint_memory",
            "check",
            "--isolated",
            "--output-format",
            "concise",
            "build/gen.py",
            "--extend-exclude",
            "app.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert explicit.stdout.splitlines()[-1] == "Found 2 findings in 1 file."
