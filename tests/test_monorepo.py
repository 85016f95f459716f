"""Monorepos: each file under its own package's configuration and LangChain target (issue 14).

The fixture (tests/fixtures/monorepo) has a root pyproject.toml with settings and no package,
`services/a` pinning `langchain<0.4` with `ignore = ["LCM104"]`, `services/b` pinning
`langchain>=1,<2` with `extend-select = ["LCM5"]` and its own baseline, both extending the root,
and `libs/shared` without configuration.  Every way of checking it gives each file the same answer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory.project import config, target
from lint_memory.project.resolver import Resolver

FIXTURE = Path(__file__).parent / "fixtures" / "monorepo"

# Every finding of the fixture, per file (relative to its root), as [line, column, code]:
# services/a: LCM104 ignored; services/b: LCM5 selected; services/a/tests: LCM302 ignored by the
# root's per-file-ignores; libs/shared: the root's settings (no LCM5); services/b/legacy.py: all
# in b's baseline; services/b/generated/: the root's extend-exclude.  tests/test_precommit.py
# and tests/test_server.py expect the same.
EXPECTED = {
    name: [tuple(row) for row in rows]
    for name, rows in json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8")).items()
}
A_CHAT, B_CHAT = EXPECTED["services/a/chat.py"], EXPECTED["services/b/chat.py"]


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the fixture as the root of a repository (the target walk stops at `.git`)."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / ".git").mkdir()
    return root


@pytest.fixture(autouse=True)
def _fresh_caches():
    config.forget()
    target.forget()
    yield
    config.forget()
    target.forget()


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    return subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )


def per_file(result: subprocess.CompletedProcess[str], root: Path) -> dict[str, list[tuple[int, int, str]]]:
    found: dict[str, list[tuple[int, int, str]]] = {}
    for record in json.loads(result.stdout):
        name = Path(record["filename"]).resolve().relative_to(root.resolve()).as_posix()
        found.setdefault(name, []).append((record["location"]["row"], record["location"]["column"], record["code"]))
    return {name: sorted(rows) for name, rows in sorted(found.items())}


def test_checked_from_the_root_each_file_has_its_own_configuration(repo):
    result = run("--output-format", "json", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert per_file(result, repo) == EXPECTED
    assert result.stderr == ""  # b's baseline matched all of legacy.py, and nothing in it is stale


@pytest.mark.parametrize("service", ["a", "b"])
def test_checked_from_inside_a_service_the_answers_are_the_same(repo, service):
    folder = repo / "services" / service
    result = run("--output-format", "json", cwd=folder)
    mine = {name: rows for name, rows in EXPECTED.items() if name.startswith(f"services/{service}/")}
    assert per_file(result, repo) == mine
    one = run("--output-format", "json", "chat.py", cwd=folder)
    assert per_file(one, repo) == {f"services/{service}/chat.py": EXPECTED[f"services/{service}/chat.py"]}


def test_files_of_both_services_named_at_once_as_pre_commit_does(repo):
    names = [
        "services/a/chat.py",
        "services/b/chat.py",
        "services/b/legacy.py",
        "services/b/generated/models.py",
        "libs/shared/history.py",
        "services/a/tests/conversation.py",
    ]
    result = run("--output-format", "json", "--force-exclude", *names, cwd=repo)
    assert per_file(result, repo) == EXPECTED  # generated/ excluded by the root's setting, legacy.py baselined


def test_fix_moves_the_import_where_it_is_safe_only(repo):
    result = run("--fix", "--output-format", "concise", "services", cwd=repo)
    assert result.returncode == 1
    fixed = (repo / "services" / "b" / "chat.py").read_text(encoding="utf-8")
    assert fixed.startswith("from langchain_classic.memory import ConversationBufferMemory, SimpleMemory\n")
    kept = (repo / "services" / "a" / "chat.py").read_text(encoding="utf-8")
    assert kept.startswith("from langchain.memory import ConversationBufferMemory, SimpleMemory\n")  # langchain<0.4
    assert "services/b/chat.py:1:30: LCM400" not in result.stdout
    assert "services/a/chat.py:1:30: LCM400" in result.stdout
    unsafe = run("--diff", "--unsafe-fixes", "libs", cwd=repo)  # no package: the target is unknown
    assert "+from langchain_classic.memory import SimpleMemory" in unsafe.stdout
    assert run("--diff", "libs", cwd=repo).stdout == ""


def test_relative_paths_belong_to_the_file_that_writes_them(repo):
    """The root's `per-file-ignores` and `extend-exclude` are relative to the root even when
    services/b's configuration governs; b's baseline is relative to services/b."""
    resolver = Resolver()
    b = resolver.for_file(str(repo / "services" / "b" / "chat.py"))
    assert b.root == str((repo / "services" / "b").resolve())
    assert b.baseline_file == os.path.join(b.root, "lint-memory-baseline.json")
    assert "LCM302" not in b.codes_for(str(repo / "services" / "b" / "tests" / "x.py"))
    assert "LCM302" in b.codes_for(str(repo / "libs" / "tests" / "x.py"))
    shared = resolver.for_file(str(repo / "libs" / "shared" / "history.py"))
    assert shared.root == str(repo.resolve()) and shared.sources == (str(repo / "pyproject.toml"),)
    assert b.sources == (
        str(repo / "services" / "b" / ".." / ".." / "pyproject.toml"),
        str(repo / "services" / "b" / "pyproject.toml"),
    )


def test_extend_chains_override_key_by_key(tmp_path):
    (tmp_path / "base.toml").write_text('select = ["LCM1"]\nignore = ["LCM101"]\ntarget-langchain = "0.3"\n')
    (tmp_path / "mid").mkdir()
    (tmp_path / "mid" / "lint-memory.toml").write_text('extend = "../base.toml"\nextend-select = ["LCM400"]\n')
    (tmp_path / "mid" / "leaf").mkdir()
    (tmp_path / "mid" / "leaf" / "pyproject.toml").write_text(
        '[tool.lint-memory]\nextend = "../lint-memory.toml"\nignore = ["LCM100"]\ntarget-langchain = "1"\n'
    )
    settings = config.load_settings(tmp_path / "mid" / "leaf")
    assert settings.codes - {"LCM901", "LCM902", "LCM903", "LCM904"} == {
        "LCM102",
        "LCM103",
        "LCM104",
        "LCM105",
        "LCM400",
    }  # select from base, extend-select from mid, both ignores
    assert settings.target_langchain == "1"  # the leaf's value wins over the base's
    assert config.load_settings(tmp_path / "mid").target_langchain == "0.3"  # inherited


def test_an_extend_cycle_is_a_clear_error_exit_two(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "lint-memory.toml").write_text('extend = "../b/lint-memory.toml"\n')
    (tmp_path / "b" / "lint-memory.toml").write_text('extend = "../a/lint-memory.toml"\n')
    (tmp_path / "a" / "app.py").write_text("from langchain.memory import ConversationBufferMemory\n")
    with pytest.raises(config.ConfigError, match="`extend` makes a cycle"):
        config.load_settings(tmp_path / "a")
    result = run("app.py", cwd=tmp_path / "a")
    a, b = tmp_path / "a" / "lint-memory.toml", tmp_path / "b" / "lint-memory.toml"
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"lint-memory: error: {b}: `extend` makes a cycle: {a} -> {b} -> {a}\n"
    (tmp_path / "b" / "lint-memory.toml").write_text('extend = "missing.toml"\n')
    missing = run("app.py", cwd=tmp_path / "a")
    assert missing.returncode == 2 and "no such configuration file" in missing.stderr


def test_config_flag_forces_one_configuration_for_every_file(repo):
    result = run("--output-format", "json", "--config", "services/a/pyproject.toml", cwd=repo)
    found = per_file(result, repo)
    assert all(code != "LCM104" and code != "LCM500" for rows in found.values() for _, _, code in rows)
    assert "services/b/legacy.py" in found  # b's baseline is not a's setting
    assert "services/b/generated/models.py" not in found  # a's (inherited) extend-exclude still applies
    assert found["services/a/chat.py"] == A_CHAT
    isolated = run("--output-format", "json", "--isolated", cwd=repo)
    assert "services/b/generated/models.py" in per_file(isolated, repo)


def test_command_line_flags_override_every_file(repo):
    result = run("--output-format", "json", "--select", "LCM400", cwd=repo)
    codes = {code for rows in per_file(result, repo).values() for _, _, code in rows}
    assert codes == {"LCM400"}


def test_show_settings_says_where_each_value_comes_from(repo):
    result = run("--show-settings", "services/b/chat.py", "libs/shared/history.py", cwd=repo)
    assert result.returncode == 0, result.stderr
    b, shared = result.stdout.split("\n\n")
    assert b.splitlines()[:2] == [
        "# Settings for services/b/chat.py",
        "# configuration: services/b/pyproject.toml, extending pyproject.toml",
    ]
    assert 'extend-select = ["LCM5"]  # services/b/pyproject.toml' in b
    assert 'extend-exclude = ["generated"]  # pyproject.toml' in b
    assert f'baseline = "{repo.resolve() / "services" / "b" / "lint-memory-baseline.json"}"' in b
    assert 'target-langchain = "1"  # langchain>=1,<2, langchain-classic>=1.0.5 in services/b/pyproject.toml' in b
    assert "# configuration: pyproject.toml\n" in shared
    assert '"LCM500"' not in shared and "\nignore =" not in shared
    assert "target-langchain = (not set)  # unknown: no package file" in shared
    a = run("--show-settings", "--ignore", "LCM100", "chat.py", cwd=repo / "services" / "a")
    assert 'ignore = ["LCM104"]  # pyproject.toml' in a.stdout  # services/a/pyproject.toml, seen from there
    assert 'ignore = ["LCM100"]  # command line' in a.stdout
    assert 'target-langchain = "0"  # langchain<0.4 in pyproject.toml' in a.stdout


def test_write_baseline_without_a_file_writes_each_configured_one(repo):
    baseline = repo / "services" / "b" / "lint-memory-baseline.json"
    baseline.unlink()
    result = run("--write-baseline", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"lint-memory: recorded 11 findings (11 entries) in {os.path.relpath(baseline, repo)}",
        "lint-memory: warning: 3 checked files with no `baseline` configured not recorded",
    ]
    files = {entry["file"] for entry in json.loads(baseline.read_text(encoding="utf-8"))["findings"]}
    assert files == {"chat.py", "legacy.py"}  # relative to services/b, where the setting is
    again = run("--output-format", "json", cwd=repo / "services" / "b")
    assert (again.returncode, json.loads(again.stdout)) == (0, [])


def test_write_baseline_to_one_file_says_so(repo):
    result = run("--write-baseline", "all.json", cwd=repo)
    assert result.returncode == 0
    assert "holds the findings of files under 3 configurations" in result.stderr
    applied = run("--output-format", "json", "--baseline", "all.json", cwd=repo)
    assert (applied.returncode, json.loads(applied.stdout)) == (0, [])
    nothing = run("libs", "--write-baseline", cwd=repo)
    assert nothing.returncode == 2
    assert "no `baseline` is configured for the checked files" in nothing.stderr


@pytest.mark.parametrize("screen_in_pool", [False, True])
def test_the_process_pool_checks_each_file_under_its_own_settings(repo, monkeypatch, screen_in_pool):
    from lint_memory import runner
    from lint_memory.project.resolver import RunOptions

    for service in ("a", "b"):
        text = (repo / "services" / service / "chat.py").read_text(encoding="utf-8")
        for number in range(20):
            (repo / "services" / service / f"copy_{number}.py").write_text(text, encoding="utf-8")
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 4)
    monkeypatch.setattr(runner, "BATCH_SIZE", 3)
    if screen_in_pool:
        monkeypatch.setattr(runner, "SCREEN_IN_POOL", 10)
        monkeypatch.setattr(runner, "SCREEN_BATCH", 7)
    reports = runner.check_paths([str(repo)], Resolver(options=RunOptions(jobs=2)))
    found = {
        Path(report.path).relative_to(repo).as_posix(): sorted((f.line, f.col + 1, f.code) for f in report.findings)
        for report in reports
        if report.findings
    }
    for service, rows in (("a", A_CHAT), ("b", B_CHAT)):
        for number in range(20):
            assert found[f"services/{service}/copy_{number}.py"] == rows
    assert found["libs/shared/history.py"] == EXPECTED["libs/shared/history.py"]
    assert "services/b/generated/models.py" not in found


def test_anchored_patterns_of_an_extended_file_stay_relative_to_its_folder(tmp_path):
    (tmp_path / "lint-memory.toml").write_text('extend-exclude = ["pkg/old", "./top.py"]\n')
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "lint-memory.toml").write_text('extend = "../lint-memory.toml"\nextend-exclude = ["./vendor"]\n')
    legacy = "from langchain.memory import ConversationBufferMemory\n"
    for name in ("top.py", "pkg/top.py", "pkg/old/a.py", "pkg/vendor/b.py", "pkg/pkg/old/c.py", "vendor/d.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(legacy)
    checked = {"pkg/top.py", "pkg/pkg/old/c.py", "vendor/d.py"}
    for cwd in (tmp_path, pkg):
        result = run("--output-format", "json", str(tmp_path), cwd=cwd)
        assert set(per_file(result, tmp_path)) == checked
    settings = Resolver().for_folder(str(pkg))
    here = tmp_path.resolve().as_posix()
    assert settings.extend_exclude == (f"{here}/pkg/old", f"{here}/top.py", "./vendor")


def test_extend_errors_name_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "lint-memory.toml").write_text('extend = "../pyproject.toml"\n')
    with pytest.raises(config.ConfigError, match=r"pyproject\.toml: no \[tool\.lint-memory\] table"):
        config.load_settings(tmp_path / "pkg")
    (tmp_path / "pkg" / "lint-memory.toml").write_text("extend = 1\n")
    config.forget()
    with pytest.raises(config.ConfigError, match=r"lint-memory\.toml: `extend` must be a non-empty string"):
        config.load_settings(tmp_path / "pkg")
    with pytest.raises(config.ConfigError, match=r"unknown key `--extend`"):
        config.load_settings(tmp_path, isolated=True, overrides={"extend": "x.toml"})
