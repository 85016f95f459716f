"""End-to-end tests of ``lint-memory server``: a real LSP client (pytest-lsp) drives the server over stdio.

Each test starts ``python -m lint_memory.frontends.server`` in a subprocess, opens documents that live in a
temporary folder (so no ``pyproject.toml`` of this repository applies) and asserts the exact
codes, rows, ranges, links and edits the client receives.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from lint_memory.frontends.server import FIX_ALL_TITLE

FIXTURES = Path(__file__).parent / "fixtures" / "server"
SHORT_TERM_URL = "https://docs.langchain.com/oss/python/langchain/short-term-memory"
V1_MIGRATION_URL = "https://docs.langchain.com/oss/python/migrate/langchain-v1"
RULES_URL = "https://github.com/lint-memory/lint-memory/blob/main/docs/rules.md"

# legacy_app.py: (1-based row, code), in the order the server publishes them
LEGACY = [
    (2, "LCM301"),
    (3, "LCM100"),
    (3, "LCM400"),
    (7, "LCM100"),
    (8, "LCM301"),
    (8, "LCM300"),
    (12, "LCM302"),
]
NOTEBOOK_CAPABILITIES = types.NotebookDocumentClientCapabilities(
    synchronization=types.NotebookDocumentSyncClientCapabilities(execution_summary_support=False)
)


def make_client() -> LanguageClient:
    """pytest-lsp's client, also keeping each ``publishDiagnostics`` (its version, too) per uri."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = {}
    client.registrations = []

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.setdefault(params.uri, []).append(params)

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        client.registrations += params.registrations

    register_lsp_features(
        client,
        {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
            types.CLIENT_REGISTER_CAPABILITY: register,
        },
    )
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "lint_memory.frontends.server"], client_factory=make_client
)


async def start(client: LanguageClient, root: Path, capabilities: types.ClientCapabilities) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[
                types.WorkspaceFolder(uri=root.as_uri(), name="project"),
            ],
        )
    )


def vscode() -> types.ClientCapabilities:
    capabilities = client_capabilities("visual-studio-code")
    capabilities.notebook_document = NOTEBOOK_CAPABILITIES
    return capabilities


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await start(lsp_client, tmp_path, vscode())
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER, params=["visual-studio-code", "neovim", "emacs"])
async def any_client(lsp_client: LanguageClient, tmp_path: Path, request: pytest.FixtureRequest):
    """The same server seen by the capabilities VS Code, Neovim and Emacs really send."""
    await start(lsp_client, tmp_path, client_capabilities(request.param))
    yield
    await lsp_client.shutdown_session()


# --- helpers ------------------------------------------------------------------------------------
async def published(client: LanguageClient, uri: str, version: int | None = None, timeout: float = 10.0):
    """The diagnostics of the first publication for ``uri`` (at ``version``, when given)."""

    async def wait() -> types.PublishDiagnosticsParams:
        while True:
            for params in client.published.get(uri, []):
                if version is None or params.version == version:
                    return params
            await asyncio.sleep(0.01)

    return (await asyncio.wait_for(wait(), timeout)).diagnostics


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)


def rows(diagnostics) -> list[tuple[int, str]]:
    return [(d.range.start.line + 1, d.code) for d in diagnostics]


def open_file(client: LanguageClient, tmp_path: Path, name: str, text: str, language: str = "python") -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def edit_range(
    client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)),
                    text=text,
                )
            ],
        )
    )


def apply(text: str, edits) -> str:
    """Apply LSP text edits (ASCII text, so every encoding counts the same) as an editor would."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def edits_for(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    """The text edits of ``action`` for ``uri``, from ``changes`` or versioned ``documentChanges``."""
    edit = action.edit
    assert edit is not None, action.title
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return list(edit.changes[uri])


def legacy_text() -> str:
    return (FIXTURES / "legacy_app.py").read_text(encoding="utf-8")


# --- diagnostics ----------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_open_publishes_codes_links_and_tags(any_client: LanguageClient, tmp_path: Path):
    uri = open_file(any_client, tmp_path, "app.py", legacy_text())
    diagnostics = await published(any_client, uri, version=1)

    assert rows(diagnostics) == LEGACY
    hrefs = {d.code: d.code_description.href for d in diagnostics}
    assert hrefs == {
        "LCM100": SHORT_TERM_URL,
        "LCM300": SHORT_TERM_URL,
        "LCM301": SHORT_TERM_URL,
        "LCM302": SHORT_TERM_URL,
        "LCM400": V1_MIGRATION_URL,
    }
    for diagnostic in diagnostics:
        assert diagnostic.source == "lint-memory"
        assert diagnostic.severity == types.DiagnosticSeverity.Warning
        assert list(diagnostic.tags) == [types.DiagnosticTag.Deprecated]
    buffer = diagnostics[3]  # `ConversationBufferMemory(` on row 7
    assert buffer.range == types.Range(types.Position(6, 9), types.Position(6, 33))
    assert buffer.message.startswith("`ConversationBufferMemory` is deprecated (since 0.3.1, removal in 2.0.0): use ")


@pytest.mark.asyncio
async def test_edits_update_the_diagnostics(client: LanguageClient, tmp_path: Path):
    uri = open_file(client, tmp_path, "app.py", legacy_text())
    assert rows(await published(client, uri, version=1)) == LEGACY

    # delete `memory.save_context(...)` on row 12 (incremental sync), then insert a line at the top
    edit_range(client, uri, 2, (11, 4), (11, 64), "pass")
    assert rows(await published(client, uri, version=2)) == LEGACY[:-1]
    edit_range(client, uri, 3, (0, 0), (0, 0), "import os\n")
    assert rows(await published(client, uri, version=3)) == [(row + 1, code) for row, code in LEGACY[:-1]]
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    await asyncio.wait_for(_until(lambda: not client.published[uri][-1].diagnostics), 10)


@pytest.mark.asyncio
async def test_rule_fixtures_match_their_marks(client: LanguageClient, tmp_path: Path, expected_marks):
    """Every rule's fixture, opened in the editor, shows exactly its ``# expect:`` marks."""
    (tmp_path / "pyproject.toml").write_text('[tool.lint-memory]\nextend-select = ["LCM5"]\n', encoding="utf-8")
    fixtures = sorted((Path(__file__).parent / "fixtures" / "rules").glob("*.py"))
    uris = [open_file(client, tmp_path, path.name, path.read_text(encoding="utf-8")) for path in fixtures]
    for path, uri in zip(fixtures, uris):
        shown = {(row, code) for row, code in rows(await published(client, uri, version=1))}
        assert shown == expected_marks(path), path.name


@pytest.mark.asyncio
async def test_syntax_error_mid_edit_then_recovery(client: LanguageClient, tmp_path: Path):
    text = legacy_text()
    uri = open_file(client, tmp_path, "app.py", text)
    assert rows(await published(client, uri, version=1)) == LEGACY

    # typing on row 7: the closing parenthesis is gone for a moment
    edit_range(client, uri, 2, (6, 54), (6, 55), "")
    broken = await published(client, uri, version=2)
    assert rows(broken) == [(7, "LCM901")]
    assert broken[0].message == "syntax error: '(' was never closed"
    assert broken[0].tags is None
    assert broken[0].code_description.href == f"{RULES_URL}#lcm901-syntax-error"

    # the server still answers requests, then recovers on the next edit that parses
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(2, 35))
    )
    assert hover is None  # nothing is flagged while the file does not parse
    edit_range(client, uri, 3, (6, 54), (6, 54), ")")
    assert rows(await published(client, uri, version=3)) == LEGACY


@pytest.mark.asyncio
async def test_bad_input_is_one_diagnostic_and_the_server_goes_on(client: LanguageClient, tmp_path: Path):
    deep = "from langchain.memory import ConversationBufferMemory\nx = 1" + " + 1" * 150_000 + "\n"
    nested = open_file(client, tmp_path, "deep.py", deep)
    assert rows(await published(client, nested, version=1)) == [(1, "LCM904")]
    nulls = open_file(client, tmp_path, "nulls.py", "from langchain.memory import ConversationBufferMemory\x00\n")
    assert rows(await published(client, nulls, version=1)) == [(1, "LCM901")]
    app = open_file(client, tmp_path, "app.py", legacy_text())
    assert rows(await published(client, app, version=1)) == LEGACY


@pytest.mark.asyncio
async def test_only_python_outside_excluded_folders(client: LanguageClient, tmp_path: Path):
    legacy = legacy_text()
    notes = open_file(client, tmp_path, "notes.txt", legacy, language="plaintext")
    vendored = open_file(client, tmp_path, ".venv/lib/site.py", legacy)
    stub = open_file(client, tmp_path, "typed.pyi", legacy, language="python")
    assert rows(await published(client, vendored, version=1)) == []
    assert rows(await published(client, stub, version=1)) == LEGACY
    assert notes not in client.published


# --- hover ---------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_hover_explains_the_rule(client: LanguageClient, tmp_path: Path):
    uri = open_file(client, tmp_path, "app.py", legacy_text())
    await published(client, uri, version=1)

    def hover(line: int, character: int):
        return client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(line, character))
        )

    buffer = await hover(6, 15)
    assert buffer.range == types.Range(types.Position(6, 9), types.Position(6, 33))
    assert buffer.contents.kind == types.MarkupKind.Markdown
    text = buffer.contents.value
    assert text.startswith("**LCM100** `buffer-memory`: Conversation buffer memory")
    assert "**Use instead:** LangGraph persistence: `create_agent(model, tools, checkpointer=InMemorySaver())`" in text
    assert f"[Migration guide]({SHORT_TERM_URL})" in text
    assert f"[LCM100 documentation]({RULES_URL}#lcm100-buffer-memory)" in text
    assert "---" not in text  # one rule, one section

    both = (await hover(2, 35)).contents.value  # the import: LCM100 and LCM400 on the same name
    assert both.count("\n\n---\n\n") == 1
    assert "**LCM400** `moved-import`" in both
    assert "**Use instead:** import it from its new home, `langchain_classic.memory.ConversationBufferMemory`" in both

    assert await hover(5, 1) is None  # `llm = ChatOpenAI(...)`: nothing flagged


# --- code actions ----------------------------------------------------------------------------------
def _under(diagnostic: types.Diagnostic, at: types.Position) -> bool:
    start, end = diagnostic.range.start, diagnostic.range.end
    return (start.line, start.character) <= (at.line, at.character) <= (end.line, end.character)


async def quick_fixes(client: LanguageClient, uri: str, line: int, character: int) -> list[types.CodeAction]:
    """The quick fixes at the cursor, asked as VS Code asks: with the diagnostics under the cursor."""
    at = types.Position(line, character)
    context = types.CodeActionContext(
        diagnostics=[d for d in client.diagnostics[uri] if _under(d, at)],
        only=[types.CodeActionKind.QuickFix],
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri=uri), types.Range(at, at), context)
    )
    return list(actions or [])


@pytest.mark.asyncio
async def test_suppress_with_noqa(any_client: LanguageClient, tmp_path: Path):
    client = any_client
    text = legacy_text()
    uri = open_file(client, tmp_path, "app.py", text)
    await published(client, uri, version=1)

    actions = await quick_fixes(client, uri, 6, 12)
    suppress = [a for a in actions if "suppress" in a.title]
    assert [a.title for a in suppress] == ["lint-memory: suppress LCM100 with `# noqa: LCM100`"]
    assert suppress[0].kind == types.CodeActionKind.QuickFix
    assert [d.code for d in suppress[0].diagnostics] == ["LCM100"]
    text = apply(text, edits_for(suppress[0], uri))
    assert text.split("\n")[6] == "memory = ConversationBufferMemory(return_messages=True)  # noqa: LCM100"
    change(client, uri, 2, text)
    assert rows(await published(client, uri, version=2)) == [r for r in LEGACY if r != (7, "LCM100")]

    # row 2 already has a noqa comment for LCM400: the new code joins it
    actions = await quick_fixes(client, uri, 1, 35)
    suppress = [a for a in actions if "suppress" in a.title]
    assert [a.title for a in suppress] == ["lint-memory: suppress LCM301 with `# noqa: LCM301`"]
    text = apply(text, edits_for(suppress[0], uri))
    assert text.split("\n")[1] == "from langchain.chains import ConversationChain  # noqa: LCM400, LCM301"
    change(client, uri, 3, text)
    assert rows(await published(client, uri, version=3)) == [r for r in LEGACY if r[0] not in (2, 7)]


@pytest.mark.asyncio
async def test_noqa_goes_after_a_multiline_string(client: LanguageClient, tmp_path: Path):
    text = (
        "from langchain.memory import ConversationBufferMemory  # noqa: LCM400\n"
        'memory = ConversationBufferMemory(ai_prefix="""Assistant\n'
        'speaking""")\n'
    )
    uri = open_file(client, tmp_path, "app.py", text)
    assert rows(await published(client, uri, version=1)) == [(1, "LCM100"), (2, "LCM100")]
    [suppress] = await quick_fixes(client, uri, 1, 12)
    text = apply(text, edits_for(suppress, uri))
    # flake8 reads the comment on the string's last row
    assert text.split("\n")[2] == 'speaking""")' + "  # noqa: LCM100"
    change(client, uri, 2, text)
    assert rows(await published(client, uri, version=2)) == [(1, "LCM100")]


@pytest.mark.asyncio
async def test_fixes_as_quick_fixes_and_fix_all(any_client: LanguageClient, tmp_path: Path):
    client = any_client
    text = (
        "from langchain.memory import ChatMessageHistory\n"
        "from langchain.memory.chat_message_histories import RedisChatMessageHistory\n"
        "\n"
        "history = ChatMessageHistory()\n"
    )
    fixed = (
        "from langchain_community.chat_message_histories import ChatMessageHistory\n"
        "from langchain_community.chat_message_histories import RedisChatMessageHistory\n"
        "\n"
        "history = ChatMessageHistory()\n"
    )
    uri = open_file(client, tmp_path, "app.py", text)
    assert rows(await published(client, uri, version=1)) == [(1, "LCM400"), (2, "LCM400")]

    at = types.Position(3, 0)
    [fix_all] = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri=uri),
            types.Range(at, at),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    assert (fix_all.kind, fix_all.title) == (
        "source.fixAll.lint-memory",
        "lint-memory: fix all auto-fixable issues in this file",
    )
    resolve = client.capabilities.text_document.code_action.resolve_support
    if resolve and "edit" in resolve.properties:  # VS Code and Neovim: the fixes are planned when chosen
        assert fix_all.edit is None
        fix_all = await client.code_action_resolve_async(fix_all)
    assert apply(text, edits_for(fix_all, uri)) == fixed

    [fix] = [a for a in await quick_fixes(client, uri, 0, 35) if "suppress" not in a.title]
    title = "lint-memory: Import `ChatMessageHistory` from `langchain_community.chat_message_histories`"
    assert (fix.title, fix.is_preferred) == (title, True)
    assert [d.code for d in fix.diagnostics] == ["LCM400"]
    assert apply(text, edits_for(fix, uri)).split("\n")[:2] == [fixed.split("\n")[0], text.split("\n")[1]]

    change(client, uri, 2, fixed)
    assert rows(await published(client, uri, version=2)) == []


@pytest.mark.asyncio
async def test_fix_safety_follows_the_target(client: LanguageClient, tmp_path: Path):
    text = "from langchain.memory import ConversationBufferMemory\n"
    uri = open_file(client, tmp_path, "app.py", text)
    assert rows(await published(client, uri, version=1)) == [(1, "LCM100"), (1, "LCM400")]

    async def fixes_and_fix_all():
        fixes = [a for a in await quick_fixes(client, uri, 0, 35) if "suppress" not in a.title]
        at = types.Position(0, 0)
        fix_all = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri=uri),
                types.Range(at, at),
                types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
            )
        )
        return [(a.title, a.is_preferred) for a in fixes], [a.title for a in fix_all]

    # no target: langchain-classic may not be installed, so the fix is unsafe and "fix all" skips it
    title = "lint-memory: Import `ConversationBufferMemory` from `langchain_classic.memory`"
    assert await fixes_and_fix_all() == ([(f"{title} (unsafe)", False)], [])

    (tmp_path / "pyproject.toml").write_text('[tool.lint-memory]\ntarget-langchain = "1"\n', encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    await asyncio.wait_for(_until(lambda: len(client.published[uri]) == 2), 10)
    assert await fixes_and_fix_all() == ([(title, True)], ["lint-memory: fix all auto-fixable issues in this file"])


# --- position encodings ------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_columns_in_the_negotiated_encoding(any_client: LanguageClient, tmp_path: Path):
    text = 'from langchain_classic.memory import ConversationBufferMemory\npair = ("😀", ConversationBufferMemory())\n'
    uri = open_file(any_client, tmp_path, "emoji.py", text)
    diagnostics = await published(any_client, uri, version=1)
    assert rows(diagnostics) == [(1, "LCM100"), (2, "LCM100")]
    general = any_client.capabilities.general
    encoding = (general.position_encodings or ["utf-16"])[0] if general else "utf-16"
    # `pair = ("😀", ` is 13 code points, 14 UTF-16 units and 16 UTF-8 bytes
    start = {"utf-32": 13, "utf-16": 14, "utf-8": 16}[encoding]
    assert diagnostics[1].range == types.Range(types.Position(1, start), types.Position(1, start + 24))
    hover = await any_client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(1, start + 1))
    )
    assert hover.contents.value.startswith("**LCM100**")


# --- notebooks -------------------------------------------------------------------------------------
def notebook_cells(root: Path) -> tuple[str, list[types.NotebookCell], list[types.TextDocumentItem]]:
    path = root / "chat.ipynb"
    shutil.copy(FIXTURES / "chat.ipynb", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    cells, documents = [], []
    for index, cell in enumerate(data["cells"], start=1):
        uri = f"vscode-notebook-cell:{path}#C{index}"
        code = cell["cell_type"] == "code"
        kind = types.NotebookCellKind.Code if code else types.NotebookCellKind.Markup
        cells.append(types.NotebookCell(kind=kind, document=uri))
        documents.append(types.TextDocumentItem(uri, "python" if code else "markdown", 1, "".join(cell["source"])))
    return path.as_uri(), cells, documents


@pytest.mark.asyncio
async def test_notebook_cells_get_their_own_diagnostics(client: LanguageClient, tmp_path: Path):
    notebook_uri, cells, documents = notebook_cells(tmp_path)
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(notebook_uri, "jupyter-notebook", 1, cells),
            cell_text_documents=documents,
        )
    )
    uris = [document.uri for document in documents]
    by_cell = [rows(await published(client, uri, version=1)) for uri in uris]
    assert by_cell == [
        [],  # markdown
        [(2, "LCM100"), (2, "LCM400")],  # `%pip` is masked; the import on row 2
        [(1, "LCM100"), (2, "LCM302")],  # the name imported in cell 2 resolves here
        [(1, "LCM901")],  # a syntax error stays in its cell
        [(1, "LCM302")],
    ]

    # fix the broken cell and drop the `save_context` row of cell 3
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=2, uri=notebook_uri),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=uris[3], version=2),
                            changes=[types.TextDocumentContentChangeWholeDocument(text="def fixed():\n    pass")],
                        ),
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=uris[2], version=2),
                            changes=[
                                types.TextDocumentContentChangeWholeDocument(text="memory = ConversationBufferMemory()")
                            ],
                        ),
                    ]
                )
            ),
        )
    )
    assert rows(await published(client, uris[3], version=2)) == []
    assert rows(await published(client, uris[2], version=2)) == [(1, "LCM100")]

    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uris[2]), types.Position(0, 12))
    )
    assert hover.contents.value.startswith("**LCM100** `buffer-memory`")
    [suppress] = [a for a in await quick_fixes(client, uris[4], 0, 10) if "suppress" in a.title]
    assert apply(documents[4].text, edits_for(suppress, uris[4])) == (
        "print(memory.load_memory_variables({}))  # noqa: LCM302"
    )

    [fix] = [a for a in await quick_fixes(client, uris[1], 1, 35) if "suppress" not in a.title]
    assert fix.title == "lint-memory: Import `ConversationBufferMemory` from `langchain_classic.memory` (unsafe)"
    assert apply(documents[1].text, edits_for(fix, uris[1])) == (
        "%pip install langchain\nfrom langchain_classic.memory import ConversationBufferMemory"
    )

    # deleting the last cell withdraws its diagnostics
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=3, uri=notebook_uri),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    structure=types.NotebookDocumentCellChangeStructure(
                        array=types.NotebookCellArrayChange(start=4, delete_count=1),
                        did_close=[types.TextDocumentIdentifier(uri=uris[4])],
                    ),
                )
            ),
        )
    )
    await asyncio.wait_for(_until(lambda: not client.published[uris[4]][-1].diagnostics), 10)
    assert rows(client.published[uris[2]][-1].diagnostics) == [(1, "LCM100")]

    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=notebook_uri),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in uris],
        )
    )
    await asyncio.wait_for(_until(lambda: all(not client.published[uri][-1].diagnostics for uri in uris)), 10)


# --- configuration ---------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_nearest_pyproject_applies_and_reloads(client: LanguageClient, tmp_path: Path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.lint-memory]\nignore = ["LCM302"]\nper-file-ignores = { "tests/*" = ["LCM1"] }\n'
        'extend-exclude = ["generated"]\n',
        encoding="utf-8",
    )
    legacy = legacy_text()
    app = open_file(client, tmp_path, "app.py", legacy)
    test = open_file(client, tmp_path, "tests/test_app.py", legacy)
    generated = open_file(client, tmp_path, "generated/app.py", legacy)
    assert rows(await published(client, app, version=1)) == LEGACY[:-1]
    assert rows(await published(client, test, version=1)) == [r for r in LEGACY[:-1] if r[1] != "LCM100"]
    assert rows(await published(client, generated, version=1)) == []
    assert [r.register_options["watchers"] for r in client.registrations] == [
        [
            {"globPattern": "**/pyproject.toml"},
            {"globPattern": "**/lint-memory.toml"},
            {"globPattern": "**/requirements*.txt"},
            {"globPattern": "**/setup.cfg"},
        ],
    ]

    # the client reports the edited pyproject.toml: every open file is checked again
    pyproject.write_text('[tool.lint-memory]\nselect = ["LCM3"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed),
            ]
        )
    )
    await asyncio.wait_for(_until(lambda: len(client.published[app]) == 2), 10)
    assert rows(client.published[app][1].diagnostics) == [(2, "LCM301"), (8, "LCM301"), (8, "LCM300"), (12, "LCM302")]

    # a broken configuration is reported once, and the defaults apply meanwhile
    pyproject.write_text('[tool.lint-memory]\nignroe = ["LCM1"]\n', encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=app)))
    await asyncio.wait_for(_until(lambda: len(client.published[app]) == 3), 10)
    assert rows(client.published[app][2].diagnostics) == LEGACY
    assert [m.message for m in client.messages] == [
        (
            f"lint-memory: {pyproject}: unknown key `ignroe` in [tool.lint-memory] (did you mean `ignore`?); "
            "using the default settings"
        ),
    ]
    assert client.messages[0].type == types.MessageType.Warning


@pytest.mark.asyncio
async def test_each_document_under_its_own_package_configuration(client: LanguageClient, tmp_path: Path):
    """The monorepo fixture (tests/test_monorepo.py): each document gets its package's selection,
    baseline and target, and an edit to the configuration they both extend reaches both."""
    shutil.copytree(Path(__file__).parent / "fixtures" / "monorepo", tmp_path, dirs_exist_ok=True)
    (tmp_path / ".git").mkdir()
    documents = {}
    for name in ("services/a/chat.py", "services/b/chat.py", "services/b/legacy.py", "libs/shared/history.py"):
        documents[name] = open_file(client, tmp_path, name, (tmp_path / name).read_text(encoding="utf-8"))
    a, b = documents["services/a/chat.py"], documents["services/b/chat.py"]
    assert rows(await published(client, a, version=1)) == [(1, "LCM100"), (1, "LCM400"), (1, "LCM400"), (4, "LCM100")]
    assert rows(await published(client, b, version=1)) == [
        (1, "LCM100"),
        (1, "LCM400"),
        (1, "LCM104"),
        (1, "LCM400"),
        (2, "LCM500"),
        (4, "LCM100"),
        (5, "LCM104"),
        (9, "LCM500"),
    ]
    assert rows(await published(client, documents["services/b/legacy.py"], version=1)) == []  # b's baseline
    shared = documents["libs/shared/history.py"]
    assert rows(await published(client, shared, version=1)) == [(1, "LCM104"), (1, "LCM400"), (4, "LCM104")]

    async def fix_titles(uri: str) -> list[tuple[str, bool]]:
        return [
            (action.title, action.is_preferred)
            for action in await quick_fixes(client, uri, 0, 35)
            if "suppress" not in action.title
        ]

    title = "lint-memory: Import `ConversationBufferMemory` from `langchain_classic.memory`"
    assert await fix_titles(b) == [(title, True)]  # langchain>=1,<2: safe
    assert await fix_titles(a) == [(f"{title} (unsafe)", False)]  # langchain<0.4

    root = tmp_path / "pyproject.toml"
    root.write_text(root.read_text(encoding="utf-8") + 'ignore = ["LCM100"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=root.as_uri(), type=types.FileChangeType.Changed),
            ]
        )
    )
    await asyncio.wait_for(_until(lambda: len(client.published[a]) == 2 and len(client.published[b]) == 2), 10)
    assert rows(client.published[a][1].diagnostics) == [(1, "LCM400"), (1, "LCM400")]
    assert "LCM100" not in {code for _, code in rows(client.published[b][1].diagnostics)}


@pytest.mark.asyncio
async def test_baseline_hides_known_findings_only(client: LanguageClient, tmp_path: Path):
    from lint_memory import runner
    from lint_memory.project import baseline
    from lint_memory.project.settings import Settings

    (tmp_path / "pyproject.toml").write_text(
        '[tool.lint-memory]\nbaseline = "lint-memory-baseline.json"\n', encoding="utf-8"
    )
    app = tmp_path / "app.py"
    app.write_text(legacy_text(), encoding="utf-8")
    settings = Settings(root=str(tmp_path))
    baseline.write_baseline(
        str(tmp_path / "lint-memory-baseline.json"), [runner.check_file(str(app), settings)], str(tmp_path)
    )

    uri = open_file(client, tmp_path, "app.py", legacy_text())
    assert rows(await published(client, uri, version=1)) == []
    # a new use of the old API is reported; the recorded ones stay hidden after the lines moved
    change(client, uri, 2, "import os\n" + legacy_text() + "    memory.load_memory_variables({})\n")
    assert rows(await published(client, uri, version=2)) == [(18, "LCM302")]


@pytest.mark.asyncio
async def test_structural_migration_as_a_quick_fix(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.lint-memory]\ntarget-langchain = "1"\n', encoding="utf-8")
    fixtures = Path(__file__).resolve().parent / "fixtures" / "migrate"
    text = (fixtures / "buffer_predict_function.before.py").read_text(encoding="utf-8")
    uri = open_file(client, tmp_path, "app.py", text)
    assert (10, "LCM301") in rows(await published(client, uri, version=1))
    [fix] = [a for a in await quick_fixes(client, uri, 9, 14) if "suppress" not in a.title]
    assert (fix.title, fix.is_preferred) == (
        "lint-memory: Migrate to `create_agent` with a checkpointer (unsafe)",
        False,
    )
    assert [d.code for d in fix.diagnostics] == ["LCM301"]
    assert apply(text, edits_for(fix, uri)) == (fixtures / "buffer_predict_function.after.py").read_text(
        encoding="utf-8"
    )


async def code_actions(
    client: LanguageClient,
    uri: str,
    start: tuple[int, int],
    end: tuple[int, int] | None = None,
    *,
    diagnostics: list[types.Diagnostic] | None = None,
    only: list[str] | None = None,
) -> list[types.CodeAction]:
    context = types.CodeActionContext(diagnostics=diagnostics or [], only=only)
    where = types.Range(types.Position(*start), types.Position(*(end or start)))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri=uri), where, context)
    )
    return list(actions or [])


def titles(actions: list[types.CodeAction]) -> list[tuple[str, str]]:
    return [(action.kind, action.title) for action in actions]


IMPORT_FIX = "lint-memory: Import `ConversationBufferMemory` from `langchain_classic.memory`"
SUPPRESS = "lint-memory: suppress {0} with `# noqa: {0}`"
QUICKFIX = types.CodeActionKind.QuickFix


@pytest.mark.asyncio
async def test_code_actions_for_the_diagnostics_the_client_names(any_client: LanguageClient, tmp_path: Path):
    """Neovim 0.7-0.9 ask with the cursor as a zero-width range plus the diagnostics of its row."""
    client = any_client
    text = "from langchain.memory import ConversationBufferMemory\n\nmemory = ConversationBufferMemory()\n"
    uri = open_file(client, tmp_path, "app.py", text)
    published_now = await published(client, uri, version=1)
    assert rows(published_now) == [(1, "LCM100"), (1, "LCM400"), (3, "LCM100")]
    row_1 = published_now[:2]

    # the cursor is on no finding, and none is named
    assert await code_actions(client, uri, (0, 0), only=[QUICKFIX]) == []
    actions = await code_actions(client, uri, (0, 0), diagnostics=row_1, only=[QUICKFIX])
    assert titles(actions) == [
        (QUICKFIX, f"{IMPORT_FIX} (unsafe)"),
        (QUICKFIX, SUPPRESS.format("LCM100")),
        (QUICKFIX, SUPPRESS.format("LCM400")),
    ]
    assert [[(d.code, d.range) for d in action.diagnostics] for action in actions] == [
        [("LCM400", row_1[1].range)],
        [("LCM100", row_1[0].range)],
        [("LCM400", row_1[1].range)],
    ]
    fixed = apply(text, edits_for(actions[0], uri))
    assert fixed.split("\n")[0] == "from langchain_classic.memory import ConversationBufferMemory"
    # a named diagnostic elsewhere than the range counts too: the row 3 one, asked about from row 2
    actions = await code_actions(client, uri, (1, 0), diagnostics=published_now[2:], only=[QUICKFIX])
    assert titles(actions) == [(QUICKFIX, SUPPRESS.format("LCM100"))]
    assert apply(text, edits_for(actions[0], uri)).split("\n")[2] == (
        "memory = ConversationBufferMemory()  # noqa: LCM100"
    )


@pytest.mark.asyncio
async def test_code_actions_for_a_whole_row_and_for_several_findings(client: LanguageClient, tmp_path: Path):
    text = "from langchain.memory import ConversationBufferMemory\nmemory = ConversationBufferMemory()\n"
    uri = open_file(client, tmp_path, "app.py", text)
    assert rows(await published(client, uri, version=1)) == [(1, "LCM100"), (1, "LCM400"), (2, "LCM100")]

    # the whole first row (column 0 to column 0 of the next): its two findings, not the next row's
    actions = await code_actions(client, uri, (0, 0), (1, 0), only=[QUICKFIX])
    assert titles(actions) == [
        (QUICKFIX, f"{IMPORT_FIX} (unsafe)"),
        (QUICKFIX, SUPPRESS.format("LCM100")),
        (QUICKFIX, SUPPRESS.format("LCM400")),
    ]
    assert [d.range.start.line for d in actions[1].diagnostics] == [0]
    # a selection over both rows: one suppression per code, covering every finding of that code
    actions = await code_actions(client, uri, (0, 0), (2, 0), only=[QUICKFIX])
    assert titles(actions) == titles(actions[:1]) + [
        (QUICKFIX, SUPPRESS.format("LCM100")),
        (QUICKFIX, SUPPRESS.format("LCM400")),
    ]
    assert [d.range.start.line for d in actions[1].diagnostics] == [0, 1]
    assert apply(text, edits_for(actions[1], uri)) == (
        "from langchain.memory import ConversationBufferMemory  # noqa: LCM100\n"
        "memory = ConversationBufferMemory()  # noqa: LCM100\n"
    )


@pytest.mark.asyncio
async def test_code_actions_only_the_kinds_asked_for(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.lint-memory]\ntarget-langchain = "1"\n', encoding="utf-8")
    text = "from langchain.memory import ConversationBufferMemory\n"
    uri = open_file(client, tmp_path, "app.py", text)
    diagnostics = await published(client, uri, version=1)
    assert rows(diagnostics) == [(1, "LCM100"), (1, "LCM400")]
    fix_all = ("source.fixAll.lint-memory", FIX_ALL_TITLE)
    quick = [(QUICKFIX, IMPORT_FIX), (QUICKFIX, SUPPRESS.format("LCM100")), (QUICKFIX, SUPPRESS.format("LCM400"))]

    async def kinds(only: list[str] | None) -> list[tuple[str, str]]:
        return titles(await code_actions(client, uri, (0, 0), diagnostics=diagnostics, only=only))

    assert await kinds(None) == [*quick, fix_all]
    assert await kinds([QUICKFIX]) == quick
    assert await kinds([types.CodeActionKind.SourceFixAll]) == [fix_all]
    assert await kinds([types.CodeActionKind.Source]) == [fix_all]  # a prefix of the kind
    assert await kinds(["source.fixAll.lint-memory"]) == [fix_all]
    assert await kinds([types.CodeActionKind.Refactor, "source.organizeImports"]) == []
    assert await kinds([types.CodeActionKind.SourceFixAll, QUICKFIX]) == [*quick, fix_all]


@pytest.mark.asyncio
async def test_migration_quick_fix_for_the_named_diagnostic(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.lint-memory]\ntarget-langchain = "1"\n', encoding="utf-8")
    fixtures = Path(__file__).resolve().parent / "fixtures" / "migrate"
    text = (fixtures / "buffer_predict_function.before.py").read_text(encoding="utf-8")
    uri = open_file(client, tmp_path, "app.py", text)
    diagnostics = await published(client, uri, version=1)
    row_10 = [d for d in diagnostics if d.range.start.line == 9]
    assert [d.code for d in row_10] == ["LCM301", "LCM300", "LCM100"]
    actions = await code_actions(client, uri, (9, 0), diagnostics=row_10, only=[QUICKFIX])
    assert titles(actions) == [
        (QUICKFIX, "lint-memory: Migrate to `create_agent` with a checkpointer (unsafe)"),
        (QUICKFIX, SUPPRESS.format("LCM301")),
        (QUICKFIX, SUPPRESS.format("LCM300")),
        (QUICKFIX, SUPPRESS.format("LCM100")),
    ]
    assert [[d.code for d in action.diagnostics] for action in actions] == [
        ["LCM301"],
        ["LCM301"],
        ["LCM300"],
        ["LCM100"],
    ]
    assert apply(text, edits_for(actions[0], uri)) == (fixtures / "buffer_predict_function.after.py").read_text(
        encoding="utf-8"
    )


BROKEN_CONFIGURATIONS = {
    "invalid TOML": ("pyproject.toml", "[tool.lint-memory\nselect = 1\n", "not valid TOML"),
    "table of the wrong type": ("pyproject.toml", "[tool]\nlint-memory = 3\n", "must be a table"),
    "key of the wrong type": ("pyproject.toml", '[tool.lint-memory]\nselect = "LCM1"\n', "select"),
    "extend cycle": ("lint-memory.toml", 'extend = "lint-memory.toml"\n', "cycle"),
    "invalid exclude glob": ("pyproject.toml", '[tool.lint-memory]\nexclude = ["[z-a]"]\n', "z-a"),
    "invalid per-file-ignores glob": (
        "pyproject.toml",
        '[tool.lint-memory]\nper-file-ignores = { "[z-a]" = ["LCM1"] }\n',
        "z-a",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_CONFIGURATIONS))
@pytest.mark.asyncio
async def test_broken_configuration_still_checks_and_says_so_once(client: LanguageClient, tmp_path: Path, case: str):
    name, content, problem = BROKEN_CONFIGURATIONS[case]
    configuration = tmp_path / name
    configuration.write_text(content, encoding="utf-8")
    text = "from langchain.memory import ConversationBufferMemory\n"
    uri = open_file(client, tmp_path, "app.py", text)
    assert rows(await published(client, uri, version=1)) == [(1, "LCM100"), (1, "LCM400")]  # the defaults

    # hover and code actions answer
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(0, 35))
    )
    assert hover.contents.value.startswith("**LCM100** `buffer-memory`")
    assert titles(await code_actions(client, uri, (0, 35), only=[QUICKFIX])) == [
        (QUICKFIX, f"{IMPORT_FIX} (unsafe)"),
        (QUICKFIX, SUPPRESS.format("LCM100")),
        (QUICKFIX, SUPPRESS.format("LCM400")),
    ]
    # more documents and edits under the same configuration: still one message
    other = open_file(client, tmp_path, "other.py", "memory = 1\n")
    assert rows(await published(client, other, version=1)) == []
    change(client, uri, 2, text + "x = 1\n")
    assert rows(await published(client, uri, version=2)) == [(1, "LCM100"), (1, "LCM400")]

    [message] = client.messages
    assert message.type == types.MessageType.Warning
    assert message.message.startswith(f"lint-memory: {configuration}: "), message.message
    assert message.message.endswith("; using the default settings")
    assert problem in message.message
    assert not [entry for entry in client.log_messages if entry.type == types.MessageType.Error]


@pytest.mark.asyncio
async def test_unexpected_shape_of_pyproject_still_checks(client: LanguageClient, tmp_path: Path):
    """`tool = "x"`: whether the configuration reader calls it an error or passes the file over, the
    document is checked with the defaults, and there is at most one message, naming the file."""
    configuration = tmp_path / "pyproject.toml"
    configuration.write_text('tool = "x"\nproject = "x"\n', encoding="utf-8")
    uri = open_file(client, tmp_path, "app.py", "from langchain.memory import ConversationBufferMemory\n")
    assert rows(await published(client, uri, version=1)) == [(1, "LCM100"), (1, "LCM400")]
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(0, 35))
    )
    assert hover.contents.value.startswith("**LCM100** `buffer-memory`")
    assert len(client.messages) <= 1
    assert all(message.message.startswith(f"lint-memory: {configuration}: ") for message in client.messages), [
        m.message for m in client.messages
    ]


# --- a long check of one document ------------------------------------------------------------------
BLOCKS = 1_000  # legacy_app.py 1,000 times: 575 kB, 16,000 lines, 7,000 findings: seconds to check


def big_rows(shift: int = 0) -> list[tuple[int, str]]:
    return [(row + 16 * block + shift, code) for block in range(BLOCKS) for row, code in LEGACY]


@pytest.mark.asyncio
async def test_a_long_check_does_not_hold_up_the_other_documents(client: LanguageClient, tmp_path: Path):
    small = open_file(client, tmp_path, "small.py", legacy_text())
    assert rows(await published(client, small, version=1)) == LEGACY
    big = open_file(client, tmp_path, "big.py", legacy_text() * BLOCKS)

    # while the big file is checked, the small one answers hover and gets its edits checked
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=small), types.Position(6, 15))
    )
    assert hover.contents.value.startswith("**LCM100** `buffer-memory`")
    assert big not in client.published  # the hover came first
    edit_range(client, small, 2, (11, 4), (11, 64), "pass")
    assert rows(await published(client, small, version=2)) == LEGACY[:-1]
    assert big not in client.published  # and so did the small file's new diagnostics

    assert rows(await published(client, big, version=1, timeout=120)) == big_rows()


@pytest.mark.asyncio
async def test_a_newer_version_supersedes_a_queued_check(client: LanguageClient, tmp_path: Path):
    text = legacy_text() * BLOCKS
    big = open_file(client, tmp_path, "big.py", text)
    change(client, big, 2, text + "x = 1\n")
    change(client, big, 3, "import os\n" + text)
    # a hover on the big file waits for the check of its current text, not for every version
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=big), types.Position(7, 15))
    )
    assert hover.contents.value.startswith("**LCM100** `buffer-memory`")
    assert hover.range == types.Range(types.Position(7, 9), types.Position(7, 33))
    assert [params.version for params in client.published[big]] == [3]
    assert rows(client.published[big][0].diagnostics) == big_rows(shift=1)
