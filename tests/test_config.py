"""Configuration: finding the file, reading [tool.lint-memory], layering the command line, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory.project import config, selection
from lint_memory.project.discovery import DEFAULT_EXCLUDES
from lint_memory.project.settings import Settings
from lint_memory.rules import DEFAULT_CODES

LEGACY = "from langchain.memory import ConversationBufferMemory\nmemory = ConversationBufferMemory()\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


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


def codes_found(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    return sorted((Path(r["filename"]).name, r["location"]["row"], r["code"]) for r in json.loads(result.stdout))


# --- finding the file ----------------------------------------------------------------------------


def test_find_config_skips_pyproject_without_our_table(tmp_path):
    ours = write(tmp_path / "pyproject.toml", "[tool.lint-memory]\nignore = []\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")
    write(tmp_path / "pkg" / "src" / "a.py", "")
    assert config.find_config(tmp_path / "pkg" / "src" / "a.py") == ours
    assert config.find_config(tmp_path / "pkg" / "src") == ours


def test_find_config_prefers_the_nearest_and_lint_memory_toml(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.lint-memory]\n")
    own = write(tmp_path / "sub" / "lint-memory.toml", "")
    write(tmp_path / "sub" / "pyproject.toml", "[tool.lint-memory]\n")
    assert config.find_config(tmp_path / "sub") == own
    assert config.find_config(tmp_path) == tmp_path / "pyproject.toml"


def test_no_config_means_defaults(tmp_path):
    settings = config.load_settings(tmp_path, isolated=True)
    assert settings == Settings()
    assert settings.codes == selection.resolve() and settings.codes >= DEFAULT_CODES


# --- reading ---------------------------------------------------------------------------------------


def test_every_key_is_read(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        """\
[tool.lint-memory]
select = ["LCM1", "LCM400"]
extend-select = ["LCM501"]
ignore = ["LCM104", "LCM903"]
per-file-ignores = { "tests/*" = ["LCM1"], "__init__.py" = ["LCM400"] }
exclude = ["vendor"]
extend-exclude = ["legacy/", "*_pb2.py"]
respect-gitignore = false
force-exclude = true
baseline = "lint-memory-baseline.json"
target-langchain = "1.0"
""",
    )
    settings = config.load_settings(tmp_path)
    expected = {"LCM100", "LCM101", "LCM102", "LCM103", "LCM105", "LCM400", "LCM501"} | {"LCM901", "LCM902", "LCM904"}
    assert settings.codes == frozenset(expected)
    assert settings.per_file_ignores == (
        ("tests/*", frozenset({"LCM100", "LCM101", "LCM102", "LCM103", "LCM104", "LCM105"})),
        ("__init__.py", frozenset({"LCM400"})),
    )
    assert (settings.exclude, settings.extend_exclude) == (("vendor",), ("legacy/", "*_pb2.py"))
    assert (settings.respect_gitignore, settings.force_exclude) == (False, True)
    assert (settings.baseline, settings.target_langchain) == ("lint-memory-baseline.json", "1.0")
    assert settings.root == str(tmp_path.resolve())
    assert settings.codes_for(str(tmp_path / "tests" / "test_a.py")) == frozenset(expected) - {
        "LCM100",
        "LCM101",
        "LCM102",
        "LCM103",
        "LCM105",
    }
    assert settings.codes_for(str(tmp_path / "src" / "tests" / "a.py")) == frozenset(expected)  # anchored
    assert "LCM400" not in settings.codes_for(str(tmp_path / "pkg" / "__init__.py"))


def test_lint_memory_toml_has_keys_at_top_level(tmp_path):
    write(tmp_path / "lint-memory.toml", 'select = ["LCM400"]\n')
    assert config.load_settings(tmp_path).codes == frozenset({"LCM400", "LCM901", "LCM902", "LCM903", "LCM904"})


def test_explicit_config_file_wins(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.lint-memory]\nselect = ["LCM100"]\n')
    other = write(tmp_path / "ci" / "strict.toml", 'extend-select = ["LCM5"]\n')
    settings = config.load_settings(tmp_path, config_file=other)
    assert {"LCM500", "LCM501", "LCM300"} <= settings.codes
    assert settings.root == str(other.parent.resolve())


# --- the command line over the file ---------------------------------------------------------------


def test_overrides_layer_like_ruff(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        """\
[tool.lint-memory]
ignore = ["LCM1", "LCM901"]
extend-exclude = ["old"]
""",
    )
    extended = config.load_settings(tmp_path, overrides={"extend-select": ["LCM100"], "ignore": ["LCM400"]})
    assert "LCM100" in extended.codes and "LCM101" not in extended.codes and "LCM400" not in extended.codes
    assert "LCM901" not in extended.codes
    restarted = config.load_settings(tmp_path, overrides={"select": ["LCM101"], "extend-exclude": ["new"]})
    assert restarted.codes == frozenset({"LCM101", "LCM901", "LCM902", "LCM903", "LCM904"})  # select starts over
    assert restarted.extend_exclude == ("old", "new")
    replaced = config.load_settings(tmp_path, overrides={"exclude": ["only"]})
    assert replaced.exclude == ("only",)


def test_baseline_from_the_command_line_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = config.load_settings(tmp_path, isolated=True, overrides={"baseline": "b.json"})
    assert settings.baseline == str(tmp_path / "b.json")


# --- errors name the key and the file -------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('selct = ["LCM1"]', "unknown key `selct` in [tool.lint-memory] (did you mean `select`?)"),
        ("colour = true", "unknown key `colour` in [tool.lint-memory]; known keys: select, extend-select"),
        ('select = ["LCM999"]', "`select` in [tool.lint-memory]: unknown rule selector `LCM999`"),
        ('ignore = "LCM100"', "`ignore` in [tool.lint-memory] must be a list of strings"),
        (
            'per-file-ignores = { "tests/*" = ["LCM7"] }',
            "`per-file-ignores` in [tool.lint-memory] `tests/*`: unknown rule selector `LCM7`",
        ),
        ('per-file-ignores = ["tests/*"]', "`per-file-ignores` in [tool.lint-memory] must be a table"),
        ("respect-gitignore = 1", "`respect-gitignore` in [tool.lint-memory] must be true or false"),
        ("target-langchain = 1.0", "`target-langchain` in [tool.lint-memory] must be a non-empty string"),
        ("select = [", "not valid TOML"),
    ],
)
def test_errors_name_the_key_and_the_file(tmp_path, table, message):
    path = write(tmp_path / "pyproject.toml", f"[tool.lint-memory]\n{table}\n")
    with pytest.raises(config.ConfigError) as error:
        config.load_settings(tmp_path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_errors_in_lint_memory_toml_and_missing_files(tmp_path):
    path = write(tmp_path / "lint-memory.toml", "[tool.lint-memory]\n")
    with pytest.raises(config.ConfigError, match=r"unknown key `tool`"):
        config.load_settings(tmp_path)
    with pytest.raises(config.ConfigError, match=r"nowhere\.toml: no such configuration file"):
        config.load_settings(tmp_path, config_file=tmp_path / "nowhere.toml")
    bare = write(tmp_path / "other" / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(config.ConfigError, match=r"no \[tool.lint-memory\] table"):
        config.load_settings(tmp_path, config_file=bare)
    assert path.exists()


def test_command_line_errors_name_the_flag(tmp_path):
    with pytest.raises(config.ConfigError, match=r"^`--select`: unknown rule selector `XYZ`$"):
        config.load_settings(tmp_path, isolated=True, overrides={"select": ["XYZ"]})


# --- through the CLI --------------------------------------------------------------------------------


def test_cli_reads_the_nearest_pyproject(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        """\
[tool.lint-memory]
ignore = ["LCM400"]
per-file-ignores = { "tests/*" = ["LCM100"] }
extend-exclude = ["generated"]
""",
    )
    write(tmp_path / "src" / "app.py", LEGACY)
    write(tmp_path / "tests" / "test_app.py", LEGACY)
    write(tmp_path / "generated" / "models.py", LEGACY)
    result = run("--output-format", "json", cwd=tmp_path / "src")  # the config is one folder up
    assert codes_found(result) == [("app.py", 1, "LCM100"), ("app.py", 2, "LCM100")]
    everything = run("--output-format", "json", ".", cwd=tmp_path)
    assert codes_found(everything) == [("app.py", 1, "LCM100"), ("app.py", 2, "LCM100")]
    flags = run("--output-format", "json", "--extend-select", "LCM400", "--exclude", "", "tests", cwd=tmp_path)
    assert codes_found(flags) == [("test_app.py", 1, "LCM400")]


def test_cli_config_error_exits_two_naming_file_and_key(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[tool.lint-memory]\nextend_select = ["LCM5"]\n')
    write(tmp_path / "app.py", LEGACY)
    result = run(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"lint-memory: error: {path}: unknown key `extend_select` in [tool.lint-memory] "
        "(did you mean `extend-select`?)\n"
    )
    isolated = run("--isolated", "--output-format", "concise", cwd=tmp_path)
    assert isolated.returncode == 1 and "app.py:1:30: LCM100" in isolated.stdout


def test_cli_config_flag(tmp_path):
    write(tmp_path / "app.py", LEGACY)
    strict = write(tmp_path / "conf" / "strict.toml", 'select = ["LCM400"]\n')
    result = run("--config", str(strict), "--output-format", "json", cwd=tmp_path)
    assert codes_found(result) == [("app.py", 1, "LCM400")]
    missing = run("--config", "missing.toml", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (2, "lint-memory: error: missing.toml: no such configuration file\n")


def test_default_exclude_list_is_rufflike():
    for name in (".git", ".venv", "venv", "node_modules", "build", "dist", "__pycache__", ".tox", "site-packages"):
        assert name in DEFAULT_EXCLUDES
