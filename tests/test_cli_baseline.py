"""The CI ratchet through the real command: ``check --write-baseline``, the configured or given
baseline, stale entries, and ``check --add-noqa``.

Trees are copied from tests/fixtures/ci to temporary folders and edited there; every run is the
installed ``lint-memory`` script in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ci"
SCRIPT = Path(sys.executable).with_name("lint-memory")
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "lint_memory"]
BASELINE = "lint-memory-baseline.json"
CONFIG = f'[tool.lint-memory]\nbaseline = "{BASELINE}"\n'
STALE_ONE = (
    f"lint-memory: 1 finding recorded in the baseline no longer occurs; drop it with "
    f"`lint-memory check --write-baseline {BASELINE}`\n"
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    return subprocess.run(
        [*COMMAND, *args], check=False, cwd=cwd, capture_output=True, text=True, env=environ, timeout=300
    )


def found(result: subprocess.CompletedProcess[str], root: Path) -> list[tuple[str, int | None, int, str]]:
    assert result.returncode in (0, 1), result.stderr
    return sorted(
        (Path(r["filename"]).relative_to(root.resolve()).as_posix(), r["cell"], r["location"]["row"], r["code"])
        for r in json.loads(result.stdout)
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The CI fixture tree (21 findings in 5 files) with a configured baseline, recorded."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    recorded = run("check", "--write-baseline", BASELINE, cwd=root)
    assert (recorded.returncode, recorded.stdout) == (0, "")
    assert recorded.stderr == f"lint-memory: recorded 21 findings (20 entries) in {BASELINE}\n"
    return root


def test_the_recorded_baseline_holds_every_finding_by_fingerprint(project):
    data = json.loads((project / BASELINE).read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert len(data["findings"]) == 20 and sum(entry["count"] for entry in data["findings"]) == 21
    assert data["findings"][1] == {
        "file": "chat/legacy.py",
        "code": "LCM101",
        "symbol": "ConversationSummaryMemory",
        "source": "return(ConversationSummaryMemory(llm=llm),ConversationSummaryMemory(llm=llm))",
        "count": 2,
    }
    assert {entry["file"] for entry in data["findings"]} == {
        "chat/legacy.py",
        "chat/service.py",
        "manage.py",
        "notebooks/demo.ipynb",
        "src/billing/agent.py",
    }
    result = run("check", cwd=project)  # the configured baseline applies without any flag
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_unrelated_edits_and_line_shifts_report_nothing(project):
    service = project / "chat" / "service.py"
    edit(
        service,
        '"""The chat service, still on legacy LangChain memory."""\n',
        '"""The chat service, still on legacy LangChain memory."""\n\nimport logging\n\n# TODO: migrate\n',
    )
    edit(service, "LLM = None\n", "LLM = (\n    None\n)\nlog = logging.getLogger(__name__)\n")
    edit(
        service,
        "memory = ConversationBufferMemory(return_messages=True)",
        "log.info('building')\n    memory  =  ConversationBufferMemory( return_messages = True )  # legacy",
    )
    edit(project / "manage.py", "memory = ConversationBufferMemory()", "\n\nmemory=ConversationBufferMemory()")
    demo = project / "notebooks" / "demo.ipynb"
    book = json.loads(demo.read_text(encoding="utf-8"))
    book["cells"].insert(
        0,
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["import os\n", "os.getcwd()"],
        },
    )
    demo.write_text(json.dumps(book, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    unfiltered = run("check", "--isolated", "--output-format", "json", cwd=project)
    assert ("chat/service.py", None, 17, "LCM100") in found(unfiltered, project)  # was line 9: it moved
    assert ("notebooks/demo.ipynb", 3, 2, "LCM100") in found(unfiltered, project)  # was cell 2
    result = run("check", "--output-format", "json", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_one_new_use_is_reported_alone_and_fails_the_run(project):
    new_use = "    memory.clear()\n    fresh = ConversationBufferMemory()\n"
    edit(project / "chat" / "service.py", "    memory.clear()\n", new_use)
    result = run("check", "--output-format", "json", cwd=project)
    assert result.returncode == 1
    assert found(result, project) == [("chat/service.py", None, 19, "LCM100")]
    assert result.stderr == ""
    concise = run("check", "--output-format", "concise", cwd=project)
    assert concise.stdout.splitlines()[-1] == "Found 1 finding in 1 file."


def test_a_fixed_use_passes_reports_one_stale_entry_and_rewriting_drops_it(project):
    edit(project / "chat" / "service.py", "    memory.clear()\n", "    del memory\n")
    result = run("check", "--output-format", "sarif", cwd=project)
    assert result.returncode == 0
    assert json.loads(result.stdout)["runs"][0]["results"] == []  # stdout stays a valid SARIF document
    assert result.stderr == STALE_ONE
    rewritten = run("check", "--write-baseline", BASELINE, cwd=project)
    assert rewritten.returncode == 0
    assert rewritten.stderr == f"lint-memory: recorded 20 findings (19 entries) in {BASELINE}\n"
    data = json.loads((project / BASELINE).read_text(encoding="utf-8"))
    assert [e for e in data["findings"] if e["source"] == "memory.clear()"] == []
    again = run("check", cwd=project)
    assert (again.returncode, again.stdout, again.stderr) == (0, "All checks passed!\n", "")


def test_one_root_whatever_the_working_folder(project):
    """From a subfolder the configuration (and so the root of the fingerprints) is the project's;
    checking only some files reports no stale entries for the others."""
    extra = "def summaries(llm):\n    extra = ConversationSummaryMemory(llm=llm)\n"
    edit(project / "chat" / "legacy.py", "def summaries(llm):\n", extra)
    result = run("check", "--output-format", "json", ".", cwd=project / "chat")
    assert found(result, project) == [("chat/legacy.py", None, 11, "LCM101")]
    assert result.stderr == ""
    staged = run("check", "--force-exclude", "--output-format", "json", "manage.py", cwd=project)  # pre-commit
    assert (staged.returncode, staged.stdout, staged.stderr) == (0, "[]\n", "")


def test_an_explicit_baseline_without_configuration(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    assert run("check", "--write-baseline", "known.json", cwd=root).returncode == 0
    result = run("check", "--baseline", "known.json", cwd=root)
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")
    assert run("check", cwd=root).returncode == 1  # no baseline configured: everything is reported


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such baseline file; record one with `lint-memory check --write-baseline`"),
        ("{not json", "the baseline is not valid JSON"),
    ],
)
def test_a_missing_or_broken_baseline_is_an_error(tmp_path, content, message):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    if content is not None:
        (root / BASELINE).write_text(content, encoding="utf-8")
    result = run("check", cwd=root)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"lint-memory: error: {root.resolve() / BASELINE}: {message}")


# --- --add-noqa ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "silenced"), [("before.py", 17), ("before.ipynb", 7)])
def test_add_noqa_comments_every_finding_and_a_second_run_adds_nothing(tmp_path, name, silenced):
    """Existing noqa comments (kept and extended), multi-line statements, strings and continuations
    (tests/fixtures/ci/noqa/before.py), and a notebook whose other cells stay byte for byte."""
    suffix = Path(name).suffix
    path = tmp_path / f"module{suffix}"
    shutil.copyfile(FIXTURES / "noqa" / name, path)
    result = run("check", "--isolated", "--add-noqa", path.name, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"Added noqa comments for {silenced} findings.\n"
    assert path.read_bytes() == (FIXTURES / "noqa" / f"after{suffix}").read_bytes()
    clean = run("check", "--isolated", path.name, cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "All checks passed!\n")
    again = run("check", "--isolated", "--add-noqa", path.name, cwd=tmp_path)
    assert (again.returncode, again.stderr) == (0, "Added noqa comments for 0 findings.\n")
    assert path.read_bytes() == (FIXTURES / "noqa" / f"after{suffix}").read_bytes()


def test_add_noqa_with_a_baseline_comments_only_what_would_be_reported(project):
    service = project / "chat" / "service.py"
    edit(service, "    memory.clear()\n", "    memory.clear()\n    fresh = ConversationBufferMemory()\n")
    before = {p: p.read_text(encoding="utf-8") for p in project.rglob("*.py")}
    result = run("check", "--add-noqa", cwd=project)
    assert (result.returncode, result.stderr) == (0, "Added noqa comments for 1 finding.\n")
    after = {p: p.read_text(encoding="utf-8") for p in project.rglob("*.py")}
    assert {p for p in after if after[p] != before[p]} == {service}
    assert after[service] == before[service].replace(
        "    fresh = ConversationBufferMemory()\n", "    fresh = ConversationBufferMemory()  # noqa: LCM100\n"
    )
    assert run("check", cwd=project).returncode == 0
