"""The server's pure conversions (``lint_memory.frontends.lsp_convert``): positions, diagnostics, hover, edits."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lint_memory import runner
from lint_memory.frontends import lsp_convert
from lint_memory.frontends.lsp_convert import Columns
from lint_memory.model import Edit, Finding, Fix
from lint_memory.project.settings import Settings

UTF8, UTF16, UTF32 = (
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf32,
)
TEXT = 'x = ("😀é", ConversationBufferMemory())\nplain = 1\n'  # rows: the two lines and an empty last one


def findings(text: str) -> list[Finding]:
    return runner.check_text(text, "app.py", Settings()).findings


@pytest.mark.parametrize(("encoding", "character"), [(UTF32, 12), (UTF16, 13), (UTF8, 16)])
def test_columns_count_in_the_client_encoding(encoding, character):
    columns = Columns(TEXT, encoding)
    assert columns.position(1, 12) == types.Position(0, character)  # the name after `("😀é", `
    assert columns.engine(types.Position(0, character)) == (1, 12)
    assert columns.position(2, 3) == types.Position(1, 3)  # ASCII rows need no conversion


def test_columns_clamp_positions_outside_the_text():
    columns = Columns(TEXT, UTF16)
    assert columns.position(2, 99) == types.Position(1, 9)  # past the end of the row
    assert columns.position(9, 4) == types.Position(2, 0)  # past the last row (an error at EOF)
    assert columns.engine(types.Position(1, 99)) == (2, 9)
    assert columns.engine(types.Position(7, 3)) == (8, 0)


def test_diagnostic_fields():
    text = "from langchain.memory import ConversationBufferMemory\n"
    buffer, moved = findings(text)
    columns = Columns(text)
    diagnostic = lsp_convert.diagnostic(moved, columns)
    assert (diagnostic.code, diagnostic.source, diagnostic.severity) == (
        "LCM400",
        "lint-memory",
        types.DiagnosticSeverity.Warning,
    )
    assert diagnostic.code_description.href == "https://docs.langchain.com/oss/python/migrate/langchain-v1"
    assert diagnostic.tags == [types.DiagnosticTag.Deprecated]
    assert diagnostic.range == types.Range(types.Position(0, 29), types.Position(0, 53))
    assert lsp_convert.diagnostic(buffer, columns).code == "LCM100"

    [syntax] = findings("from langchain.memory import (\n")
    broken = lsp_convert.diagnostic(syntax, Columns("from langchain.memory import (\n"))
    assert (broken.code, broken.tags) == ("LCM901", None)
    assert broken.code_description.href.endswith("/docs/rules.md#lcm901-syntax-error")


def test_hover_sections_per_rule():
    text = "from langchain.chains import ConversationChain\nchain = ConversationChain(llm=llm, memory=memory)\n"
    found = {finding.code: finding for finding in findings(text)}
    assert sorted(found) == ["LCM300", "LCM301", "LCM400"]

    moved = lsp_convert.hover_markdown([found["LCM400"]])
    assert moved.split("\n\n")[:2] == [
        "**LCM400** `moved-import`: Import of a memory path that no longer exists in current LangChain",
        "**Use instead:** import it from its new home, `langchain_classic.chains.ConversationChain`",
    ]
    assert moved.endswith(
        "[Migration guide](https://docs.langchain.com/oss/python/migrate/langchain-v1) · "
        "[LCM400 documentation](https://github.com/lint-memory/lint-memory/blob/main/docs/rules.md#lcm400-moved-import)"
    )
    argument = lsp_convert.hover_markdown([found["LCM300"]])
    assert "**Use instead:** `checkpointer=` on the agent or graph" in argument
    both = lsp_convert.hover_markdown([found["LCM301"], found["LCM400"], found["LCM301"]])
    assert both.count("\n\n---\n\n") == 1  # one section per rule and symbol

    [syntax] = findings("def broken(:\n")
    explained = lsp_convert.hover_markdown([syntax])
    assert "Migration guide" not in explained and "Use instead" not in explained
    assert explained.startswith("**LCM901** `syntax-error`: The file could not be parsed")


def test_contains_and_a_cursor_include_both_ends():
    finding = Finding("LCM100", "", 2, 4, 2, 10, "ConversationBufferMemory")
    assert lsp_convert.contains(finding, 2, 4) and lsp_convert.contains(finding, 2, 10)
    assert not lsp_convert.contains(finding, 2, 11) and not lsp_convert.contains(finding, 1, 5)
    assert lsp_convert.overlaps(finding, (2, 4), (2, 4)) and lsp_convert.overlaps(finding, (2, 10), (2, 10))
    assert not lsp_convert.overlaps(finding, (2, 3), (2, 3)) and not lsp_convert.overlaps(finding, (2, 11), (2, 11))


def test_a_selection_must_share_a_character_with_the_finding():
    finding = Finding("LCM100", "", 2, 4, 2, 10, "ConversationBufferMemory")
    assert lsp_convert.overlaps(finding, (1, 0), (2, 5))
    assert lsp_convert.overlaps(finding, (2, 9), (3, 0))
    assert lsp_convert.overlaps(finding, (2, 5), (2, 6))  # inside it
    assert lsp_convert.overlaps(finding, (2, 0), (3, 0))  # the whole row
    assert not lsp_convert.overlaps(finding, (1, 0), (2, 4))  # ends where it starts
    assert not lsp_convert.overlaps(finding, (2, 10), (3, 0))  # starts where it ends
    at_column_0 = Finding("LCM100", "", 3, 0, 3, 6, "ConversationBufferMemory")
    assert not lsp_convert.overlaps(at_column_0, (2, 0), (3, 0))  # the previous whole row


def test_code_action_findings_in_the_range_or_named_by_the_client():
    text = "from langchain.memory import ConversationBufferMemory\nx = 1\nmemory = ConversationBufferMemory()\n"
    found = findings(text)
    assert [(f.line, f.code) for f in found] == [(1, "LCM100"), (1, "LCM400"), (3, "LCM100")]
    columns = Columns(text, UTF16)

    def at(line: int, character: int, end_line: int | None = None, end_character: int = 0) -> types.Range:
        end = types.Position(line if end_line is None else end_line, character if end_line is None else end_character)
        return types.Range(types.Position(line, character), end)

    published = [lsp_convert.diagnostic(finding, columns) for finding in found]
    # Neovim 0.7-0.9: the cursor at column 0, with the diagnostics of its row
    assert lsp_convert.for_code_action(found, columns, at(0, 0), published[:2]) == found[:2]
    assert lsp_convert.for_code_action(found, columns, at(0, 0), []) == []
    # a diagnostic named by the client is found wherever the range is; another tool's is not
    assert lsp_convert.for_code_action(found, columns, at(1, 0), [published[2]]) == [found[2]]
    foreign = types.Diagnostic(published[2].range, "x", code="LCM100", source="ruff")
    moved = types.Diagnostic(at(2, 10, 2, 33), "x", code="LCM100", source="lint-memory")
    assert lsp_convert.for_code_action(found, columns, at(1, 0), [foreign, moved]) == []
    # a whole row, and a range over several findings
    assert lsp_convert.for_code_action(found, columns, at(0, 0, 1, 0), []) == found[:2]
    assert lsp_convert.for_code_action(found, columns, at(2, 0, 3, 0), []) == [found[2]]
    assert lsp_convert.for_code_action(found, columns, at(0, 40, 2, 12), []) == found


def test_combined_edits_collapse_repeats_and_leave_out_clashes():
    statement = Edit("from new import a, b", 1, 0, 1, 22)
    same_statement = Fix("a", "safe", [statement])
    other_name = Fix("b", "safe", [Edit("from new import a, b", 1, 0, 1, 22)])
    clash = Fix("c", "safe", [Edit("x", 1, 5, 1, 8), Edit("y", 3, 0, 3, 1)])  # left out whole
    later = Fix("d", "safe", [Edit("import new", 2, 0, 2, 10)])
    edits = lsp_convert.combined_edits([later, same_statement, other_name, clash])
    assert edits == [statement, Edit("import new", 2, 0, 2, 10)]


def test_apply_edits():
    text = "from old import a, b\r\nimport old\nrest\n"
    edits = [Edit("import new", 2, 0, 2, 10), Edit("from new import a, b", 1, 0, 1, 20)]
    assert lsp_convert.apply_edits(text, edits) == "from new import a, b\r\nimport new\nrest\n"
    assert lsp_convert.apply_edits("a\n", [Edit("# end\n", 2, 0, 2, 0)]) == "a\n# end\n"


def test_text_edit_converts_positions():
    columns = Columns(TEXT, UTF16)
    edit = lsp_convert.text_edit(Edit("Memory", 1, 12, 1, 36), columns)
    assert edit == types.TextEdit(types.Range(types.Position(0, 13), types.Position(0, 37)), "Memory")
