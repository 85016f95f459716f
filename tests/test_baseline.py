"""The baseline ratchet, end to end: real files copied from tests/fixtures/ci/project, checked by
``runner.check_paths``, recorded, edited, checked again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.model import FileReport
from lint_memory.project.baseline import BaselineError, Entry, dumps, load_baseline, write_baseline
from lint_memory.project.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ci"

# Every finding of the fixture tree, as the baseline records it.
RECORDED = [
    Entry("chat/legacy.py", "LCM101", "ConversationSummaryMemory", "from langchain_classic.memory import ConversationSummaryMemory"),
    Entry("chat/legacy.py", "LCM101", "ConversationSummaryMemory", "return(ConversationSummaryMemory(llm=llm),ConversationSummaryMemory(llm=llm))", 2),
    Entry("chat/legacy.py", "LCM200", "BaseMemory", "class SessionMemory(BaseMemory):"),
    Entry("chat/legacy.py", "LCM200", "BaseMemory", "from langchain_classic.base_memory import BaseMemory"),
    Entry("chat/service.py", "LCM100", "ConversationBufferMemory", "def reset(memory:ConversationBufferMemory)->None:"),
    Entry("chat/service.py", "LCM100", "ConversationBufferMemory", "def transcript(memory:ConversationBufferMemory)->list:"),
    Entry("chat/service.py", "LCM100", "ConversationBufferMemory", "from langchain_classic.memory import ConversationBufferMemory"),
    Entry("chat/service.py", "LCM100", "ConversationBufferMemory", "memory=ConversationBufferMemory(return_messages=True)"),
    Entry("chat/service.py", "LCM300", "memory", "return ConversationChain(llm=LLM,memory=memory)"),
    Entry("chat/service.py", "LCM301", "ConversationChain", "from langchain_classic.chains import ConversationChain"),
    Entry("chat/service.py", "LCM301", "ConversationChain", "return ConversationChain(llm=LLM,memory=memory)"),
    Entry("chat/service.py", "LCM302", "ConversationBufferMemory", "memory.clear()"),
    Entry("chat/service.py", "LCM302", "ConversationBufferMemory", 'return memory.load_memory_variables({})["history"]'),
    Entry("manage.py", "LCM100", "ConversationBufferMemory", "from langchain_classic.memory import ConversationBufferMemory"),
    Entry("manage.py", "LCM100", "ConversationBufferMemory", "memory=ConversationBufferMemory()"),
    Entry("notebooks/demo.ipynb", "LCM100", "ConversationBufferMemory", "from langchain_classic.memory import ConversationBufferMemory"),
    Entry("notebooks/demo.ipynb", "LCM100", "ConversationBufferMemory", "memory=ConversationBufferMemory()"),
    Entry("notebooks/demo.ipynb", "LCM302", "ConversationBufferMemory", 'memory.save_context({"input":"hi"},{"output":"hello"})'),
    Entry("src/billing/agent.py", "LCM100", "ConversationBufferWindowMemory", "WINDOW=ConversationBufferWindowMemory(k=3)"),
    Entry("src/billing/agent.py", "LCM100", "ConversationBufferWindowMemory", "from langchain_classic.memory import ConversationBufferWindowMemory"),
]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def check(root: Path, *paths: str) -> list[FileReport]:
    return runner.check_paths([str(root / path) for path in paths] or [str(root)], Settings())


def findings(reports: list[FileReport], root: Path) -> list[tuple[str, int | None, int, str]]:
    """(file, cell, line, code) of every finding, files relative to the root."""
    return sorted(
        (Path(report.path).relative_to(root).as_posix(), finding.cell, finding.line, finding.code)
        for report in reports
        for finding in report.findings
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def record(root: Path) -> Path:
    baseline = root / "lint-memory-baseline.json"
    assert write_baseline(str(baseline), check(root), str(root)) == len(RECORDED)
    return baseline


def test_the_baseline_records_every_finding_by_fingerprint(project):
    baseline = record(project)
    assert load_baseline(str(baseline)).entries == RECORDED
    assert load_baseline(str(baseline)).total == 21  # the two summaries on one line are one entry, count 2
    assert baseline.read_text(encoding="utf-8") == dumps(RECORDED)


def test_the_file_format_is_sorted_versioned_json():
    text = dumps([Entry("b.py", "LCM100", "ConversationBufferMemory", "x=ConversationBufferMemory()", 2),
                  Entry("a.py", "LCM400", "langchain.memory.ChatMessageHistory", "from langchain.memory import ChatMessageHistory")])  # fmt: skip
    assert (
        text
        == """\
{
  "version": 1,
  "findings": [
    {
      "file": "a.py",
      "code": "LCM400",
      "symbol": "langchain.memory.ChatMessageHistory",
      "source": "from langchain.memory import ChatMessageHistory",
      "count": 1
    },
    {
      "file": "b.py",
      "code": "LCM100",
      "symbol": "ConversationBufferMemory",
      "source": "x=ConversationBufferMemory()",
      "count": 2
    }
  ]
}
"""
    )


def test_unrelated_edits_and_line_shifts_report_nothing(project):
    baseline = load_baseline(str(record(project)))
    service = project / "chat" / "service.py"
    # lines inserted above every finding, other code reformatted, the flagged lines re-spaced and commented
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
    edit(
        service,
        "def reset(memory: ConversationBufferMemory) -> None:",
        "def reset(memory : ConversationBufferMemory)->None:  # noqa: E501",
    )
    edit(project / "manage.py", "memory = ConversationBufferMemory()", "\n\nmemory=ConversationBufferMemory()")
    # a notebook with a new first cell and a new line on top of the flagged cell
    demo = project / "notebooks" / "demo.ipynb"
    book = json.loads(demo.read_text(encoding="utf-8"))
    book["cells"][2]["source"].insert(0, "print('setting up')\n")
    book["cells"].insert(0, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                             "source": ["import os\n", "os.getcwd()"]})  # fmt: skip
    demo.write_text(json.dumps(book, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    reports = check(project)
    moved = [
        found
        for found in findings(reports, project)
        if found[0] in ("chat/service.py", "manage.py", "notebooks/demo.ipynb")
    ]
    assert moved == [  # the same findings, all on other lines than when recorded
        ("chat/service.py", None, 6, "LCM301"),
        ("chat/service.py", None, 7, "LCM100"),
        ("chat/service.py", None, 17, "LCM100"),
        ("chat/service.py", None, 18, "LCM300"),
        ("chat/service.py", None, 18, "LCM301"),
        ("chat/service.py", None, 21, "LCM100"),
        ("chat/service.py", None, 22, "LCM302"),
        ("chat/service.py", None, 25, "LCM100"),
        ("chat/service.py", None, 26, "LCM302"),
        ("manage.py", None, 1, "LCM100"),
        ("manage.py", None, 5, "LCM100"),
        ("notebooks/demo.ipynb", 3, 2, "LCM100"),  # was cell 2, row 2
        ("notebooks/demo.ipynb", 4, 2, "LCM100"),  # was cell 3, row 1
        ("notebooks/demo.ipynb", 4, 3, "LCM302"),
    ]
    result = baseline.apply(reports, str(project))
    assert findings(result.reports, project) == []
    assert (result.matched, result.stale) == (21, [])


def test_one_new_use_is_reported_alone(project):
    baseline = load_baseline(str(record(project)))
    service = project / "chat" / "service.py"
    edit(service, "    memory.clear()\n", "    memory.clear()\n    fresh = ConversationBufferMemory()\n")
    result = baseline.apply(check(project), str(project))
    assert findings(result.reports, project) == [("chat/service.py", None, 19, "LCM100")]
    assert (result.matched, result.stale) == (21, [])


def test_a_repeated_line_beyond_the_recorded_count_is_new(project):
    baseline = load_baseline(str(record(project)))
    edit(
        project / "manage.py",
        "memory = ConversationBufferMemory()\n",
        "memory = ConversationBufferMemory()\nmemory = ConversationBufferMemory()\n",
    )
    result = baseline.apply(check(project), str(project))
    assert findings(result.reports, project) == [("manage.py", None, 4, "LCM100")]  # the first copy is the old one


def test_a_fixed_use_passes_and_leaves_one_stale_entry(project):
    path = record(project)
    edit(project / "chat" / "service.py", "    memory.clear()\n", "    del memory\n")
    reports = check(project)
    result = load_baseline(str(path)).apply(reports, str(project))
    assert findings(result.reports, project) == []
    assert result.matched == 20
    assert result.stale == [Entry("chat/service.py", "LCM302", "ConversationBufferMemory", "memory.clear()")]
    assert result.stale_count == 1
    # rewriting the baseline drops the fixed finding
    assert write_baseline(str(path), reports, str(project)) == len(RECORDED) - 1
    assert load_baseline(str(path)).apply(check(project), str(project)).stale == []


def test_an_edited_flagged_line_is_new_and_its_old_entry_stale(project):
    path = record(project)
    edit(project / "chat" / "legacy.py", "(ConversationSummaryMemory(llm=llm), ConversationSummaryMemory(llm=llm))",
         "(ConversationSummaryMemory(llm=llm), None)")  # fmt: skip
    result = load_baseline(str(path)).apply(check(project), str(project))
    assert findings(result.reports, project) == [("chat/legacy.py", None, 11, "LCM101")]
    assert result.stale == [RECORDED[1]]
    assert result.stale_count == 2


def test_a_partial_run_has_no_stale_entries_for_the_files_it_did_not_check(project):
    path = record(project)
    result = load_baseline(str(path)).apply(check(project, "manage.py"), str(project))
    assert (findings(result.reports, project), result.matched, result.stale) == ([], 2, [])


def test_entries_of_a_deleted_file_are_stale(project):
    path = record(project)
    (project / "manage.py").unlink()
    result = load_baseline(str(path)).apply(check(project, "chat"), str(project))
    assert result.stale == [entry for entry in RECORDED if entry.file == "manage.py"]


def test_files_that_cannot_be_checked_are_recorded_too(project):
    broken = project / "chat" / "broken.py"
    broken.write_text("from langchain_classic.memory import ConversationBufferMemory\ndef f(:\n", encoding="utf-8")
    path = project / "baseline.json"
    write_baseline(str(path), check(project), str(project))
    assert Entry("chat/broken.py", "LCM901", "syntax-error", "def f(:") in load_baseline(str(path)).entries
    broken.write_text("# a comment above\n" + broken.read_text(encoding="utf-8"), encoding="utf-8")
    result = load_baseline(str(path)).apply(check(project), str(project))
    assert (findings(result.reports, project), result.stale) == ([], [])


def test_paths_are_relative_to_the_root_whatever_the_working_directory(project, monkeypatch):
    path = record(project)
    monkeypatch.chdir(project / "chat")
    reports = runner.check_paths(["service.py", "../manage.py"], Settings())
    result = load_baseline(str(path)).apply(reports, str(project))
    assert (sum(len(report.findings) for report in result.reports), result.matched) == (0, 11)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such baseline file"),
        (b"{not json", "the baseline is not valid JSON"),
        (b"[]", "not a lint-memory baseline"),
        (b'{"version": 2, "findings": []}', "unsupported baseline version 2 (expected 1)"),
        (b'{"version": 1, "findings": {}}', "`findings` must be a list"),
        (b'{"version": 1, "findings": [{"file": "a.py", "code": "LCM100", "symbol": "X", "source": "x", "count": 0}]}',
         "finding 1 needs string `file`, `code`, `symbol`, `source` and a positive `count`"),
        (b'{"version": 1, "findings": [{"file": "a.py", "code": "LCM100", "symbol": "X", "count": 1}]}',
         "finding 1 needs string"),
        (b"\xff\xfe{}", "the baseline is not valid JSON"),
    ],
)  # fmt: skip
def test_a_missing_or_corrupt_baseline_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BaselineError) as caught:
        load_baseline(str(path))
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_an_unwritable_baseline_is_a_clear_error(tmp_path):
    target = tmp_path / "missing-folder" / "baseline.json"
    with pytest.raises(BaselineError) as caught:
        write_baseline(str(target), [], str(tmp_path))
    assert str(caught.value).startswith(f"{target}: cannot write the baseline")


def test_duplicate_entries_in_a_hand_edited_file_add_up(tmp_path):
    path = tmp_path / "baseline.json"
    entry = {"file": "a.py", "code": "LCM100", "symbol": "X", "source": "x=X()", "count": 1}
    path.write_text(json.dumps({"version": 1, "findings": [entry, entry]}), encoding="utf-8")
    assert load_baseline(str(path)).entries == [Entry("a.py", "LCM100", "X", "x=X()", 2)]
