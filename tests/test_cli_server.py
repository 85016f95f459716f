"""``lint-memory server``: the subcommand starts the language server over stdio.

A real LSP client (pytest-lsp) drives ``lint-memory server`` (the installed script), a raw
JSON-RPC exchange shows the process starts, answers and exits cleanly, and a run without pygls
says what to install.  The server's features are tested in depth in test_server.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from lint_memory.rules import BY_CODE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "server"
SCRIPT = Path(sys.executable).with_name("lint-memory")
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "lint_memory"]
# tests/fixtures/server/legacy_app.py: (1-based row, code), as `lint-memory check` reports them
LEGACY = [
    (2, "LCM301"),
    (3, "LCM100"),
    (3, "LCM400"),
    (7, "LCM100"),
    (8, "LCM301"),
    (8, "LCM300"),
    (12, "LCM302"),
]


def make_client() -> LanguageClient:
    """pytest-lsp's client, accepting the server's file-watcher registration."""
    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.CLIENT_REGISTER_CAPABILITY: lambda *_: None})
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[*COMMAND, "server"], client_factory=make_client))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / ".git").mkdir()  # a work tree: its .gitignore counts, for the server as for `check`
    (tmp_path / ".gitignore").write_text("generated/\n", encoding="utf-8")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await asyncio.sleep(0.01)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), 10)


def open_file(client: LanguageClient, path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1, text=text)
        )
    )
    return path.as_uri()


def check_json(root: Path) -> list[tuple[str, int, str]]:
    result = subprocess.run(
        [*COMMAND, "check", "--output-format", "json"],
        check=False,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return sorted((Path(r["filename"]).name, r["location"]["row"], r["code"]) for r in json.loads(result.stdout))


@pytest.mark.asyncio
async def test_the_server_subcommand_publishes_what_check_reports(client: LanguageClient, tmp_path: Path):
    text = (FIXTURES / "legacy_app.py").read_text(encoding="utf-8")
    uri = open_file(client, tmp_path / "app.py", text)
    found = await diagnostics(client, uri)
    assert [(d.range.start.line + 1, d.code) for d in found] == LEGACY
    assert {d.source for d in found} == {"lint-memory"}
    assert {d.severity for d in found} == {types.DiagnosticSeverity.Warning}
    assert {tuple(d.tags) for d in found} == {(types.DiagnosticTag.Deprecated,)}
    assert [d.code_description.href for d in found] == [BY_CODE[d.code].url for d in found]

    # a git-ignored file: `check` skips it when walking the folder, and the server stays quiet
    ignored = open_file(client, tmp_path / "generated" / "app.py", text)
    assert list(await diagnostics(client, ignored)) == []
    assert check_json(tmp_path) == sorted(("app.py", row, code) for row, code in LEGACY)


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


def _read(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        assert line, "the server closed its output"
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    assert length is not None
    return json.loads(stream.read(length))


def _response(stream, request_id: int) -> dict:
    while True:
        message = _read(stream)
        if message.get("id") == request_id and "method" not in message:
            return message


def test_a_raw_initialize_shutdown_exit_exchange(tmp_path):
    process = subprocess.Popen(
        [*COMMAND, "server"], cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        process.stdin.write(
            _message(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "processId": os.getpid(),
                        "rootUri": tmp_path.as_uri(),
                        "capabilities": {},
                    },
                }
            )
        )
        process.stdin.flush()
        initialized = _response(process.stdout, 1)
        assert initialized["result"]["serverInfo"]["name"] == "lint-memory"
        capabilities = initialized["result"]["capabilities"]
        assert capabilities["hoverProvider"] is True
        assert capabilities["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.lint-memory"]
        process.stdin.write(_message({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        process.stdin.write(_message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        process.stdin.flush()
        assert _response(process.stdout, 2)["result"] is None
        process.stdin.write(_message({"jsonrpc": "2.0", "method": "exit"}))
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_without_pygls_it_says_what_to_install(tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(
        '"""As if the `server` extra were not installed."""\nimport sys\n\n'
        'for name in ("pygls", "lsprotocol"):\n    sys.modules[name] = None\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(hooks)}
    result = subprocess.run(
        [*COMMAND, "server"],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "lint-memory: error: the language server needs pygls: pip install 'lint-memory[server]'\n"
