"""``lint-memory check --fix / --unsafe-fixes / --diff``, run for real (the installed ``lint-memory``
script in a subprocess) on fixture trees copied to temporary folders.

The expected files are the autofix fixtures of tests/fixtures/fixes; what remains after a fix is
compared with a fresh check of the fixed files, so the positions reported after ``--fix`` are
where the findings now are.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXES = TESTS / "fixtures" / "fixes"
SHARED_CASES = TESTS / "fixtures" / "cases"  # vendored from shared/cases
if not SHARED_CASES.is_dir():
    SHARED_CASES = TESTS.parent.parent / "shared" / "cases"
PYTHON_CASES = sorted(p.name[: -len(".before.py")] for p in FIXES.glob("*.before.py"))
NOTEBOOK_CASES = sorted(p.name[: -len(".before.ipynb")] for p in FIXES.glob("*.before.ipynb"))
SAFE_ONLY = "safe_only"  # the one fixture expected with an unknown target and safe fixes only
SCRIPT = Path(sys.executable).with_name("lint-memory")
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "lint_memory"]
TEMP_SUFFIX = ".lint-memory.tmp"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    environ.update(env or {})
    return subprocess.run(
        [*COMMAND, *args], check=False, cwd=cwd, capture_output=True, text=True, env=environ, timeout=300
    )


def records(result: subprocess.CompletedProcess[str]) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def places(found: list[dict]) -> list[tuple]:
    return sorted(
        (Path(r["filename"]).name, r["cell"], r["location"]["row"], r["location"]["column"], r["code"]) for r in found
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fixture_tree(root: Path, newline: str) -> dict[str, bytes]:
    """Every "needs target 1, unsafe fixes" fixture as a file of ``root``; returns the expected
    bytes after ``--fix --unsafe-fixes``."""
    root.mkdir()
    (root / "lint-memory.toml").write_text('target-langchain = "1"\n', encoding="utf-8")
    expected = {}
    for name in PYTHON_CASES:
        if name == SAFE_ONLY:
            continue
        before = (FIXES / f"{name}.before.py").read_text(encoding="utf-8")
        (root / f"{name}.py").write_bytes(before.replace("\n", newline).encode("utf-8"))
        after = (FIXES / f"{name}.after.py").read_text(encoding="utf-8")
        expected[f"{name}.py"] = after.replace("\n", newline).encode("utf-8")
    for name in NOTEBOOK_CASES:
        shutil.copyfile(FIXES / f"{name}.before.ipynb", root / f"{name}.ipynb")
        expected[f"{name}.ipynb"] = (FIXES / f"{name}.after.ipynb").read_bytes()
    return expected


# The LCM400 findings the fixtures expect to stay: see notebook.before.ipynb and unchanged.before.py.
LEFT_ALONE = [
    ("notebook.ipynb", 4, 1, 8, "LCM400"),
    ("unchanged.py", None, 2, 8, "LCM400"),
    ("unchanged.py", None, 3, 8, "LCM400"),
]


# --- before / after -------------------------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_fix_rewrites_every_fixture_and_reports_what_remains_where_it_now_is(tmp_path, newline):
    root = tmp_path / "project"
    expected = fixture_tree(root, newline)
    before = records(run("check", "--output-format", "json", cwd=root))

    fixed = run("check", "--fix", "--unsafe-fixes", "--output-format", "json", cwd=root)
    assert {name: data for name, data in snapshot(root).items() if name in expected} == expected
    remaining = records(fixed)
    after = records(run("check", "--output-format", "json", cwd=root))
    assert remaining == after  # checked again after fixing: the positions are the new ones
    assert fixed.returncode == 1  # findings other than LCM400 remain
    assert fixed.stderr == ""
    lcm400 = [r for r in after if r["code"] == "LCM400"]
    # what the fixtures leave: `import langchain.memory` used from another notebook cell, and the
    # unaliased imports of unchanged.py (`langchain` is also a parameter there)
    assert places(lcm400) == LEFT_ALONE
    assert Counter(r["code"] for r in before if r["code"] != "LCM400") == Counter(
        r["code"] for r in after if r["code"] != "LCM400"
    )

    fixed_bytes = snapshot(root)
    again = run("check", "--fix", "--unsafe-fixes", cwd=root)  # the default format, with its summary
    assert snapshot(root) == fixed_bytes  # a second run changes nothing
    files = len({r["filename"] for r in after})
    assert again.stdout.splitlines()[-1] == f"Found {len(after)} findings in {files} files."


def test_fix_summary_counts_fixed_and_remaining(tmp_path):
    root = tmp_path / "project"
    fixture_tree(root, "\n")
    before = records(run("check", "--output-format", "json", cwd=root))
    result = run("check", "--fix", "--unsafe-fixes", "--output-format", "concise", cwd=root)
    after = records(run("check", "--output-format", "json", cwd=root))
    fixed = len(before) - len(after)
    assert fixed == sum(1 for r in before if r["code"] == "LCM400") - len(LEFT_ALONE)
    lines = result.stdout.splitlines()
    assert lines[-1] == f"Found {len(before)} findings ({fixed} fixed, {len(after)} remaining)."
    assert len(lines) == len(after) + 1


def test_safe_fixes_only_without_a_target(tmp_path):
    """No target-langchain and no declared requirement: `--fix` moves only the chat histories;
    the moves to langchain_classic are unsafe and stay, with a hint."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_bytes((FIXES / f"{SAFE_ONLY}.before.py").read_bytes())
    before = records(run("check", "--output-format", "json", cwd=root))
    result = run("check", "--fix", "--output-format", "concise", cwd=root)
    assert (root / "app.py").read_bytes() == (FIXES / f"{SAFE_ONLY}.after.py").read_bytes()
    after = records(run("check", "--output-format", "json", cwd=root))
    unsafe = [r for r in after if r["code"] == "LCM400"]
    assert {r["fix"]["applicability"] for r in unsafe} == {"unsafe"}
    assert result.stdout.splitlines()[-2:] == [
        f"Found {len(before)} findings ({len(before) - len(after)} fixed, {len(after)} remaining).",
        f"{len(unsafe)} hidden fixes can be enabled with the `--unsafe-fixes` option.",
    ]
    assert len(before) - len(after) == 5  # ChatMessageHistory, File..., SQL..., Redis..., the module alias
    assert result.returncode == 1


def test_declared_langchain_requirement_makes_the_classic_moves_safe(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / ".git").mkdir()  # the project's top: the requirement lookup stops here
    declared = '[project]\nname = "app"\ndependencies = ["langchain>=1.0"]\n'
    (root / "pyproject.toml").write_text(declared, encoding="utf-8")
    app = root / "app.py"
    app.write_text("from langchain.memory import ConversationBufferMemory\n", encoding="utf-8")
    result = run("check", "--fix", "--output-format", "concise", cwd=root)
    assert app.read_text(encoding="utf-8") == "from langchain_classic.memory import ConversationBufferMemory\n"
    assert result.stdout.splitlines() == [
        (
            "app.py:1:38: LCM100 `ConversationBufferMemory` is deprecated (since 0.3.1, removal in 2.0.0): use "
            "LangGraph persistence: `create_agent(model, tools, checkpointer=InMemorySaver())` or `StateGraph(...)"
            ".compile(checkpointer=...)` with a `thread_id` (`RunnableWithMessageHistory` only while on "
            "langchain-core < 1.3.3); see https://docs.langchain.com/oss/python/langchain/short-term-memory"
        ),
        "Found 2 findings (1 fixed, 1 remaining).",
    ]


# --- exit status ----------------------------------------------------------------------------------
def history_file(root: Path, name: str = "app.py") -> Path:
    """A file whose only finding is a safe LCM400 fix."""
    root.mkdir(exist_ok=True)
    path = root / name
    path.write_text(
        "from langchain.memory import ChatMessageHistory\n\nhistory = ChatMessageHistory()\n", encoding="utf-8"
    )
    return path


FIXED_HISTORY = (
    "from langchain_community.chat_message_histories import ChatMessageHistory\n\nhistory = ChatMessageHistory()\n"
)


def test_everything_fixed_exits_zero_as_in_ruff(tmp_path):
    path = history_file(tmp_path / "project")
    result = run("check", "--fix", cwd=path.parent)
    assert (result.returncode, result.stdout, result.stderr) == (0, "Found 1 finding (1 fixed, 0 remaining).\n", "")
    assert path.read_text(encoding="utf-8") == FIXED_HISTORY
    second = run("check", "--fix", cwd=path.parent)
    assert (second.returncode, second.stdout) == (0, "All checks passed!\n")
    assert path.read_text(encoding="utf-8") == FIXED_HISTORY


def test_exit_non_zero_on_fix(tmp_path):
    path = history_file(tmp_path / "project")
    result = run("check", "--fix", "--exit-non-zero-on-fix", cwd=path.parent)
    assert (result.returncode, result.stdout) == (1, "Found 1 finding (1 fixed, 0 remaining).\n")
    assert path.read_text(encoding="utf-8") == FIXED_HISTORY
    assert run("check", "--fix", "--exit-non-zero-on-fix", cwd=path.parent).returncode == 0  # nothing fixed now


def test_only_unsafe_fixes_change_nothing_without_unsafe_fixes(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    app = root / "app.py"
    app.write_text("from langchain.memory import ConversationBufferMemory as Memory\n", encoding="utf-8")
    result = run("check", "--fix", "--output-format", "concise", cwd=root)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-2:] == [
        "Found 2 findings in 1 file.",
        "1 hidden fix can be enabled with the `--unsafe-fixes` option.",
    ]
    assert app.read_text(encoding="utf-8") == "from langchain.memory import ConversationBufferMemory as Memory\n"
    diff = run("check", "--diff", cwd=root)
    assert (diff.returncode, diff.stdout, diff.stderr) == (0, "", "No fixes to apply.\n")


# --- --diff -------------------------------------------------------------------------------------
def test_diff_prints_the_change_and_writes_nothing(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text(
        "import os\nfrom langchain.memory import ChatMessageHistory, ConversationBufferMemory  # both\nx = 1",
        encoding="utf-8",
    )
    shutil.copyfile(FIXES / "notebook.before.ipynb", root / "notebook.ipynb")
    before = snapshot(root)
    found = records(run("check", "--output-format", "json", cwd=root))
    result = run("check", "--diff", "--unsafe-fixes", cwd=root)
    assert snapshot(root) == before
    assert result.returncode == 1
    assert result.stderr == "Would fix 5 findings.\n"  # 2 in app.py, 2 in cell 2, the module import of cell 3
    assert result.stdout == (
        "--- app.py\n+++ app.py\n@@ -1,3 +1,4 @@\n import os\n"
        "-from langchain.memory import ChatMessageHistory, ConversationBufferMemory  # both\n"
        "+from langchain_community.chat_message_histories import ChatMessageHistory\n"
        "+from langchain_classic.memory import ConversationBufferMemory  # both\n"
        " x = 1\n\\ No newline at end of file\n"
        "--- notebook.ipynb:cell 2\n+++ notebook.ipynb:cell 2\n@@ -1,4 +1,5 @@\n %pip install langchain\n"
        "-from langchain.memory import ChatMessageHistory, ConversationBufferMemory  # both\n"
        "+from langchain_community.chat_message_histories import ChatMessageHistory\n"
        "+from langchain_classic.memory import ConversationBufferMemory  # both\n"
        " \n memory = ConversationBufferMemory()\n\\ No newline at end of file\n"
        "--- notebook.ipynb:cell 3\n+++ notebook.ipynb:cell 3\n@@ -1,3 +1,3 @@\n"
        "-import langchain.memory.buffer\n"
        "-buffer = langchain.memory.buffer.ConversationBufferMemory()\n"
        "+import langchain_classic.memory.buffer\n"
        "+buffer = langchain_classic.memory.buffer.ConversationBufferMemory()\n"
        " buffer\n\\ No newline at end of file\n"
    )
    # what --diff shows is what --fix does
    fixed = run("check", "--fix", "--unsafe-fixes", "--output-format", "concise", cwd=root)
    assert fixed.stdout.splitlines()[-1] == f"Found {len(found)} findings (5 fixed, {len(found) - 5} remaining)."
    assert run("check", "--diff", "--unsafe-fixes", cwd=root).returncode == 0


def test_diff_with_nothing_to_fix_exits_zero(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "clean.py").write_text("x = 1\n", encoding="utf-8")
    result = run("check", "--diff", cwd=root)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "No fixes to apply.\n")


# --- the fix field in a normal check --------------------------------------------------------------
def test_normal_check_carries_the_fixes_in_every_machine_format(tmp_path):
    path = history_file(tmp_path / "project")
    root = path.parent
    (record,) = records(run("check", "--output-format", "json", cwd=root))
    assert record["fix"] == {
        "applicability": "safe",
        "edits": [
            {
                "content": "from langchain_community.chat_message_histories import ChatMessageHistory",
                "end_location": {"column": 48, "row": 1},
                "location": {"column": 1, "row": 1},
            }
        ],
        "message": "Import `ChatMessageHistory` from `langchain_community.chat_message_histories`",
    }
    (line,) = run("check", "--output-format", "json-lines", cwd=root).stdout.splitlines()
    assert json.loads(line)["fix"] == record["fix"]
    sarif = json.loads(run("check", "--output-format", "sarif", cwd=root).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert result["fixes"][0]["artifactChanges"][0]["replacements"] == [
        {
            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 48},
            "insertedContent": {"text": "from langchain_community.chat_message_histories import ChatMessageHistory"},
        }
    ]
    concise = run("check", "--output-format", "concise", cwd=root).stdout.splitlines()
    assert concise[0].startswith("app.py:1:30: LCM400 [*] `langchain.memory.ChatMessageHistory` no longer exists")
    assert concise[-1] == "Found 1 finding in 1 file (1 fixable)."
    stats = json.loads(run("check", "--statistics", "--output-format", "json", cwd=root).stdout)
    assert stats == [{"code": "LCM400", "name": "moved-import", "count": 1, "fixable": True, "fixable_count": 1}]
    assert path.read_text(encoding="utf-8").startswith("from langchain.memory")  # a check writes nothing


# --- the shared acceptance cases -------------------------------------------------------------------
def _parses(path: Path) -> bool:
    if path.suffix == ".py":
        ast.parse(path.read_bytes())
        return True
    book = json.loads(path.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            ast.parse("\n".join(lines))
    return True


def _codes_per_file(found: list[dict]) -> dict[str, Counter]:
    per_file: dict[str, Counter] = {}
    for r in found:
        if r["code"] != "LCM400":
            per_file.setdefault(r["filename"], Counter())[r["code"]] += 1
    return per_file


@pytest.mark.skipif(not SHARED_CASES.is_dir(), reason=f"the shared acceptance cases are not at {SHARED_CASES}")
def test_fixing_the_shared_cases_keeps_everything_but_lcm400(tmp_path):
    root = tmp_path / "cases"
    shutil.copytree(SHARED_CASES, root)
    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".ipynb"))
    assert len(files) == len(list(SHARED_CASES.rglob("*.py"))) + len(list(SHARED_CASES.rglob("*.ipynb")))
    before = records(run("check", "--output-format", "json", ".", cwd=root))
    assert not [r for r in before if r["code"].startswith("LCM9")]
    moved = sum(1 for r in before if r["code"] == "LCM400")
    assert moved >= 25

    result = run("check", "--fix", "--unsafe-fixes", ".", cwd=root)
    assert result.stderr == ""
    after = records(run("check", "--output-format", "json", ".", cwd=root))
    assert result.stdout.splitlines()[-1] == f"Found {len(before)} findings ({moved} fixed, {len(after)} remaining)."
    assert all(_parses(path) for path in files)
    assert not [r for r in after if r["code"].startswith("LCM9")]
    assert [r for r in after if r["code"] == "LCM400"] == []
    assert _codes_per_file(after) == _codes_per_file(before)  # every other finding is still reported
    assert not [p for p in root.rglob("*") if p.name.endswith(TEMP_SUFFIX)]

    fixed = snapshot(root)
    second = run("check", "--fix", "--unsafe-fixes", ".", cwd=root)
    assert snapshot(root) == fixed  # no byte changes
    files_with_findings = len({r["filename"] for r in after})
    assert second.stdout.splitlines()[-1] == f"Found {len(after)} findings in {files_with_findings} files."
    assert run("check", "--diff", "--unsafe-fixes", ".", cwd=root).returncode == 0


# --- never lose data: faults injected into the real command -------------------------------------
SITECUSTOMIZE = '''
"""Injected into the lint-memory process: the write of one file's temporary copy fails halfway."""
import os

_TARGET, _FAULT = os.environ["LM_FAULT_FILE"], os.environ["LM_FAULT"]
_fdopen = os.fdopen


def fdopen(descriptor, *args, **kwargs):
    handle = _fdopen(descriptor, *args, **kwargs)
    try:
        name = os.path.basename(os.readlink(f"/proc/self/fd/{descriptor}"))
    except OSError:
        return handle
    if name.startswith(f".{_TARGET}.") and name.endswith(".lint-memory.tmp"):
        write = handle.write

        def half(data):
            write(data[: len(data) // 2])
            handle.flush()
            if _FAULT == "interrupt":
                raise KeyboardInterrupt
            raise OSError(28, "No space left on device")

        handle.write = half
    return handle


os.fdopen = fdopen
'''


def faulty_tree(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    root = tmp_path / "project"
    for name in ("a.py", "b.py", "c.py"):
        history_file(root, name)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    old = {name: (root / name).read_text(encoding="utf-8") for name in ("a.py", "b.py", "c.py")}
    return root, old, hooks


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="the injection names files through /proc")
def test_an_interrupted_fix_leaves_every_file_fully_old_or_fully_new(tmp_path):
    root, old, hooks = faulty_tree(tmp_path)
    env = {"PYTHONPATH": str(hooks), "LM_FAULT_FILE": "b.py", "LM_FAULT": "interrupt"}
    result = run("check", "--fix", cwd=root, env=env)
    assert result.returncode == 130  # interrupted while writing b.py
    contents = {name: (root / name).read_text(encoding="utf-8") for name in old}
    assert contents == {"a.py": FIXED_HISTORY, "b.py": old["b.py"], "c.py": old["c.py"]}
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "b.py", "c.py"]  # no temporary file left
    rerun = run("check", "--fix", cwd=root)  # without the fault the run completes
    assert (rerun.returncode, rerun.stdout) == (0, "Found 2 findings (2 fixed, 0 remaining).\n")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="the injection names files through /proc")
def test_a_file_that_cannot_be_written_is_reported_and_the_others_are_fixed(tmp_path):
    root, old, hooks = faulty_tree(tmp_path)
    env = {"PYTHONPATH": str(hooks), "LM_FAULT_FILE": "b.py", "LM_FAULT": "disk-full"}
    result = run("check", "--fix", "--output-format", "concise", cwd=root, env=env)
    assert result.returncode == 1
    assert result.stderr == "lint-memory: error: b.py: cannot write the file: [Errno 28] No space left on device\n"
    assert [line.split(" ")[:3] for line in result.stdout.splitlines()[:-1]] == [["b.py:1:30:", "LCM400", "[*]"]]
    assert result.stdout.splitlines()[-1] == "Found 3 findings (2 fixed, 1 remaining)."
    contents = {name: (root / name).read_text(encoding="utf-8") for name in old}
    assert contents == {"a.py": FIXED_HISTORY, "b.py": old["b.py"], "c.py": FIXED_HISTORY}
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "b.py", "c.py"]


# --- options that do not go together, and bad settings ---------------------------------------------
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--add-noqa", "--fix"], "--add-noqa cannot be used with --fix"),
        (["--diff", "--write-baseline", "b.json"], "--write-baseline cannot be used with --diff"),
        (["--fix", "--write-baseline", "b.json"], "--write-baseline cannot be used with --fix"),
    ],
)
def test_conflicting_options_are_a_usage_error(tmp_path, options, message):
    path = history_file(tmp_path / "project")
    result = run("check", *options, cwd=path.parent)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"lint-memory: error: {message}\n")
    assert path.read_text(encoding="utf-8").startswith("from langchain.memory")


def test_a_bad_target_setting_is_a_configuration_error(tmp_path):
    path = history_file(tmp_path / "project")
    (path.parent / "lint-memory.toml").write_text('target-langchain = "latest"\n', encoding="utf-8")
    result = run("check", "--fix", cwd=path.parent)
    assert result.returncode == 2
    assert result.stderr == (
        f"lint-memory: error: {path.parent / 'lint-memory.toml'}: "
        '`target-langchain` must be a LangChain version such as "1" or "0.3", not \'latest\'\n'
    )
    assert path.read_text(encoding="utf-8").startswith("from langchain.memory")


def test_a_bug_in_the_planner_costs_the_fixes_never_the_findings(tmp_path):
    path = history_file(tmp_path / "project")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(
        '"""Injected: planning fixes fails as a bug would."""\nfrom lint_memory.fix import planner\n\n\n'
        'def plan_fixes(*args, **kwargs):\n    raise RuntimeError("boom")\n\n\nplanner.plan_fixes = plan_fixes\n',
        encoding="utf-8",
    )
    result = run("check", "--output-format", "json", cwd=path.parent, env={"PYTHONPATH": str(hooks)})
    assert result.returncode == 2
    assert result.stderr == (
        "lint-memory: error: lint-memory crashed while checking app.py: while planning fixes: RuntimeError: boom. "
        "This is a bug in lint-memory; please report it at https://github.com/lint-memory/lint-memory/issues\n"
    )
    assert [(r["code"], r["location"]["row"], r["fix"]) for r in json.loads(result.stdout)] == [("LCM400", 1, None)]
