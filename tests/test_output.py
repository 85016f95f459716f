"""Every --output-format: run through the CLI on the fixture project, parsed and checked field by
field; SARIF validated against the official 2.1.0 schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory.model import Edit, FileReport, Finding, Fix
from lint_memory.output import common as output
from lint_memory.output import formats, full, github, gitlab, sarif
from lint_memory.rules import BY_CODE

PROJECT = Path(__file__).resolve().parent / "fixtures" / "cli" / "project"
CHECKOUT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"  # vendored from shared/
if not SARIF_SCHEMA.is_file():
    SARIF_SCHEMA = CHECKOUT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
RUFF_JSON_FIELDS = ["cell", "code", "end_location", "filename", "fix", "location", "message", "name", "noqa_row", "url"]


def run(*args: str, env: dict[str, str] | None = None, cwd: Path = PROJECT) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )


@pytest.fixture(scope="module")
def records() -> list[dict]:
    result = run("--output-format", "json")
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def test_json_has_ruffs_schema(records):
    assert len(records) == 10
    for record in records:
        assert list(record) == RUFF_JSON_FIELDS
        rule = BY_CODE[record["code"]]
        assert (record["name"], record["url"]) == (rule.name, rule.url)
        assert Path(record["filename"]).is_absolute() and Path(record["filename"]).parent == PROJECT
        if record["code"] == "LCM400":  # no target-langchain here: moves to langchain_classic are unsafe
            assert record["fix"]["applicability"] == "unsafe" and record["fix"]["edits"], record
        else:
            assert record["fix"] is None
        assert record["noqa_row"] == record["location"]["row"]
        assert set(record["location"]) == set(record["end_location"]) == {"row", "column"}
    notebook = [r for r in records if r["filename"].endswith(".ipynb")]
    assert sorted((r["cell"], r["location"]["row"], r["code"]) for r in notebook) == [
        (2, 2, "LCM100"),
        (2, 2, "LCM400"),
        (3, 2, "LCM100"),
        (4, 1, "LCM901"),
        (5, 2, "LCM302"),
    ]
    assert all(r["cell"] is None for r in records if r["filename"].endswith(".py"))


def test_json_lines_is_the_json_records_one_per_line(records):
    result = run("--output-format", "json-lines")
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == records
    assert lines == [json.dumps(record, separators=(",", ":")) for record in records]  # compact separators


def test_sarif_is_valid_against_the_official_schema(records):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (nor in tests/schemas)")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    result = run("--output-format", "sarif")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])

    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [code for code in BY_CODE if code in {r["id"] for r in rules}]
    for rule in rules:
        assert rule["helpUri"] == BY_CODE[rule["id"]].url
        assert rule["name"] == BY_CODE[rule["id"]].name
        assert rule["help"]["markdown"].startswith(f"## {rule['id']} ")
    assert "LCM500" not in {rule["id"] for rule in rules}  # opt-in and not reported: not described
    results = run_["results"]
    assert len(results) == len(records)
    by_position = sorted(
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r.get("properties", {}).get("cell"),
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
            rules[r["ruleIndex"]]["id"],
        )
        for r in results
    )
    expected = sorted(
        (Path(r["filename"]).name, r["cell"], r["location"]["row"], r["location"]["column"], r["code"], r["code"])
        for r in records
    )
    assert by_position == expected
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == PROJECT.as_uri() + "/"
    assert {r["level"] for r in results} == {"warning", "error"}  # LCM901 is an error, deprecations warnings


def test_github_annotations(records):
    result = run("--output-format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == len(records)
    pattern = re.compile(
        r"^::(warning|error) title=lint-memory \((LCM\d{3})\),file=([^,]+),line=(\d+),col=(\d+),"
        r"endLine=(\d+),endColumn=(\d+)::(.*)$"
    )
    seen = set()
    for line in lines:
        match = pattern.match(line)
        assert match, line
        level, code, path, row, col, _, _, message = match.groups()
        assert level == ("error" if code == "LCM901" else "warning")
        assert Path(path).parent == PROJECT
        assert "\n" not in message and "%0A" not in message
        seen.add((Path(path).name, int(row), int(col), code))
        if path.endswith(".ipynb"):
            assert (row, col) == ("1", "1")  # a cell row is not a line of the .ipynb file
            assert re.match(r"notebook\.ipynb:cell \d:\d+:\d+: LCM\d{3} ", message)
    assert ("app.py", 4, 10, "LCM100") in seen


def test_github_escapes_workflow_command_characters():
    finding = Finding("LCM100", "a%b\nc", 1, 0, 1, 3, "x")
    line = github.render([FileReport("dir,1/a:b.py", [finding])])
    assert "file=" in line and "dir%2C1/a%3Ab.py" in line
    assert line.endswith("::dir,1/a:b.py:1:1: LCM100 a%25b%0Ac\n")


def test_gitlab_code_quality_report(records):
    result = run("--output-format", "gitlab", cwd=PROJECT.parent)
    issues = json.loads(result.stdout)
    assert len(issues) == len(records)
    for issue in issues:
        assert set(issue) == {"check_name", "description", "severity", "fingerprint", "location"}
        assert issue["description"].startswith(f"{issue['check_name']}: ")
        assert issue["location"]["path"].startswith("project/")
        assert set(issue["location"]["positions"]) == {"begin", "end"}
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    app = sorted(
        (i["location"]["positions"]["begin"]["line"], i["location"]["positions"]["begin"]["column"], i["check_name"])
        for i in issues
        if i["location"]["path"] == "project/app.py"
    )
    assert app == [(2, 30, "LCM100"), (2, 30, "LCM400"), (4, 10, "LCM100")]


def test_gitlab_fingerprint_survives_a_line_shift():
    finding = Finding("LCM100", "message", 3, 0, 3, 5, "x")
    moved = Finding("LCM100", "message", 9, 4, 9, 9, "x")
    first = json.loads(gitlab.render([FileReport("a.py", [finding])]))[0]["fingerprint"]
    again = json.loads(gitlab.render([FileReport("a.py", [moved])]))[0]["fingerprint"]
    twice = json.loads(gitlab.render([FileReport("a.py", [finding, moved])]))
    assert first == again
    assert twice[0]["fingerprint"] != twice[1]["fingerprint"]


def test_full_frame_shows_the_source_and_a_caret(records):
    result = run("app.py")
    message = next(r["message"] for r in records if r["location"]["row"] == 4 and r["filename"].endswith("app.py"))
    block = (
        f"LCM100 {message}\n"
        " --> app.py:4:10\n"
        "  |\n"
        "2 | from langchain.memory import ConversationBufferMemory\n"
        "3 |\n"
        "4 | memory = ConversationBufferMemory()\n"
        "  |          ^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  |\n"
    )
    assert block in result.stdout


def test_full_frame_of_a_notebook_cell(records):
    result = run("notebook.ipynb")
    assert (
        " --> notebook.ipynb:cell 5:2:11\n"
        "  |\n"
        "1 | %time memory.clear()\n"
        "2 | history = memory.load_memory_variables({})\n"
        "  |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        '3 | text = ("%s"\n'
        "4 |         % history)\n"
        "  |\n"
    ) in result.stdout


def test_full_frame_measures_tabs_and_wide_characters():
    lines = ["\tx = '表' + ConversationBufferMemory()"]
    finding = Finding("LCM100", "m", 1, 11, 1, 35, "ConversationBufferMemory")
    text = full.frame("a.py", finding, lines)
    source, carets = text.splitlines()[3:5]
    assert source == "1 |     x = '表' + ConversationBufferMemory()"
    assert carets == "  |" + " " * 16 + "^" * 24
    assert carets.index("^") == source.index("Conversation") + 1  # `表` takes two columns


def test_colour_only_when_forced_and_never_with_no_color():
    plain = run("--output-format", "concise", "app.py")
    forced = run("--output-format", "concise", "app.py", env={"FORCE_COLOR": "1"})
    vetoed = run("--output-format", "concise", "app.py", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout and "\x1b[" not in vetoed.stdout
    assert "\x1b[1;31mLCM100\x1b[0m" in forced.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", forced.stdout) == plain.stdout
    machine = run("--output-format", "json", "app.py", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in machine.stdout


def test_colour_enabled_rules(monkeypatch):
    class Terminal:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert output.colour_enabled(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not output.colour_enabled(Terminal())


def _fixable_report() -> FileReport:
    fix = Fix("Import from `langchain_classic.memory`", "safe", [Edit("langchain_classic.memory", 1, 5, 1, 21)])
    finding = Finding("LCM400", "moved", 1, 5, 1, 21, "langchain.memory", fix=fix)
    plain = Finding("LCM100", "deprecated", 2, 0, 2, 3, "x")
    return FileReport("fixable.py", [finding, plain], source="from langchain.memory import X\nX()\n")


def test_fix_is_rendered_in_every_format():
    report = _fixable_report()
    assert output.summary([report]) == "Found 2 findings in 1 file (1 fixable)."
    assert "fixable.py:1:6: LCM400 [*] moved" in output.concise([report])
    record = output.json_record(report, report.findings[0])
    assert record["fix"] == {
        "applicability": "safe",
        "edits": [
            {
                "content": "langchain_classic.memory",
                "end_location": {"column": 22, "row": 1},
                "location": {"column": 6, "row": 1},
            }
        ],
        "message": "Import from `langchain_classic.memory`",
    }
    result = sarif.document([report], output.Options(codes=frozenset({"LCM400", "LCM100"})))["runs"][0]["results"][0]
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement == {
        "deletedRegion": {"startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 22},
        "insertedContent": {"text": "langchain_classic.memory"},
    }
    stats = output.statistics([report])
    assert output.statistics_text(stats) == "1\tLCM100\t[ ] buffer-memory\n1\tLCM400\t[*] moved-import\n"


def test_machine_formats_print_nothing_else(records):
    for name in sorted(set(formats.FORMATS) - formats.TEXT_FORMATS):
        result = run("--output-format", name)
        assert result.stderr == "", name
        if name == "github":
            assert all(line.startswith("::") for line in result.stdout.splitlines())
        elif name == "json-lines":
            assert [json.loads(line) for line in result.stdout.splitlines()]
        else:
            json.loads(result.stdout)  # one JSON document and nothing around it
    clean = run("--output-format", "json", "clean.py")
    assert (clean.returncode, clean.stdout) == (0, "[]\n")
