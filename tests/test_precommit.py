"""The pre-commit hook, for real: a throw-away git repository installs `lint-memory` from this
checkout (as it is now, uncommitted changes included) and `git commit` runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

CHECKOUT = Path(__file__).resolve().parent.parent
LEGACY = "from langchain.memory import ConversationBufferMemory\n\nmemory = ConversationBufferMemory()\n"
CLEAN = "from langgraph.checkpoint.memory import InMemorySaver\n\ncheckpointer = InMemorySaver()\n"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("pre-commit") is None, reason="needs git and pre-commit"
)


def test_manifest_declares_the_hook():
    hooks = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(hook for hook in hooks if hook["id"] == "lint-memory")
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "jupyter"]
    assert hook["entry"].split()[:2] == ["lint-memory", "check"]
    subprocess.run(["pre-commit", "validate-manifest", str(CHECKOUT / ".pre-commit-hooks.yaml")], check=True)


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("", encoding="utf-8")
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("GIT_")},
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-cache")),
        "NO_COLOR": "1",
    }


def git(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory, environment) -> tuple[Path, str]:
    """A copy of this checkout's working tree as a git repository: what pre-commit clones."""
    copy = tmp_path_factory.mktemp("hook-repo")
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=CHECKOUT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = CHECKOUT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        assert git(copy, environment, *args).returncode == 0
    return copy, git(copy, environment, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def project(tmp_path, environment, hook_repository) -> Path:
    repository, revision = hook_repository
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repository}\n    rev: {revision}\n    hooks:\n      - id: lint-memory\n",
        encoding="utf-8",
    )
    assert git(tmp_path, environment, "init", "-q").returncode == 0
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    return tmp_path


def commit(project: Path, env: dict[str, str], name: str, text: str) -> subprocess.CompletedProcess[str]:
    (project / name).write_text(text, encoding="utf-8")
    git(project, env, "add", name, ".pre-commit-config.yaml")
    return git(project, env, "commit", "-m", f"add {name}")


def test_a_legacy_file_fails_the_commit_and_a_clean_one_passes(project, environment):
    failed = commit(project, environment, "legacy.py", LEGACY)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    output = failed.stdout + failed.stderr
    assert "lint-memory" in output and "Failed" in output
    assert " --> legacy.py:1:30" in output and " --> legacy.py:3:10" in output
    assert "Found 3 findings in 1 file." in output
    assert git(project, environment, "rev-parse", "--verify", "HEAD").returncode != 0  # nothing committed

    git(project, environment, "rm", "-q", "--cached", "legacy.py")
    (project / "legacy.py").unlink()
    passed = commit(project, environment, "clean.py", CLEAN)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout + passed.stderr
    assert git(project, environment, "log", "--oneline").stdout.count("\n") == 1


def test_the_hook_checks_notebooks(project, environment):
    notebook = (CHECKOUT / "tests" / "fixtures" / "cli" / "project" / "notebook.ipynb").read_text(encoding="utf-8")
    failed = commit(project, environment, "chat.ipynb", notebook)
    assert failed.returncode == 1
    assert " --> chat.ipynb:cell 2:2:30" in failed.stdout + failed.stderr


def test_a_commit_touching_two_packages_checks_each_file_under_its_own_configuration(
    tmp_path, environment, hook_repository
):
    """The monorepo fixture (tests/test_monorepo.py), committed at once: every staged file gets the
    answer `lint-memory check` gives it from the root or from inside its service."""
    repository, revision = hook_repository
    monorepo = CHECKOUT / "tests" / "fixtures" / "monorepo"
    shutil.copytree(monorepo, tmp_path, dirs_exist_ok=True)
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repository}\n    rev: {revision}\n    hooks:\n      - id: lint-memory\n"
        "        args: [--output-format=concise]\n",
        encoding="utf-8",
    )
    assert git(tmp_path, environment, "init", "-q").returncode == 0
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    git(tmp_path, environment, "add", "-A")
    failed = git(tmp_path, environment, "commit", "-m", "two services")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    found: dict[str, list[list]] = {}
    for line in (failed.stdout + failed.stderr).splitlines():
        match = re.match(r"^(\S+\.py):(\d+):(\d+): (LCM\d+) ", line)
        if match:
            found.setdefault(match[1], []).append([int(match[2]), int(match[3]), match[4]])
    expected = json.loads((monorepo / "expected.json").read_text(encoding="utf-8"))
    assert {name: sorted(rows) for name, rows in found.items()} == expected
