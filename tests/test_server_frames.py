"""Malformed input to ``lint-memory server``: raw frames written to the real server's stdin.

Each frame the client gets wrong (a bad ``Content-Length``, a body that is not JSON or not a
JSON-RPC message, an unknown method, missing params) is answered with a JSON-RPC error, and the
server goes on serving: a hover after it gets its exact answer.  Where the stream cannot be
resynchronised, the server exits with one line on stderr.  Every read has a timeout: nothing hangs.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lint_memory.frontends import lsp_stdio

TIMEOUT = 20.0
SERVER = [sys.executable, "-m", "lint_memory.frontends.server"]
CLI_SERVER = [sys.executable, "-m", "lint_memory", "server"]  # `lint-memory server`, as editors start it
TEXT = "from langchain.memory import ConversationBufferMemory\n"


def frame(body: bytes | dict) -> bytes:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


class RawClient:
    """Speaks to the server subprocess in bytes, reading its frames with a timeout."""

    def __init__(self, root: Path, command: list[str] = SERVER) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=root,
        )
        self.buffer = b""
        self.next_id = 0
        self.uri = (root / "app.py").as_uri()

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.send(frame({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}))
        return self.next_id

    def notify(self, method: str, params: Any) -> None:
        self.send(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def read(self, timeout: float = TIMEOUT) -> dict:
        """The server's next message; fails after ``timeout`` seconds or at the end of its output."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                length = int(self.buffer[:end].split(b"Content-Length: ")[1].split(b"\r\n")[0])
                if len(self.buffer) >= end + 4 + length:
                    body, self.buffer = self.buffer[end + 4 : end + 4 + length], self.buffer[end + 4 + length :]
                    return json.loads(body)
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
            if not ready:
                raise AssertionError(f"no message from the server in {timeout} s")
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError("the server closed its output")
            self.buffer += chunk

    def messages_until(self, done: Callable[[dict], bool]) -> list[dict]:
        """The server's messages up to and including the first one ``done`` accepts."""
        seen = []
        while True:
            seen.append(self.read())
            if done(seen[-1]):
                return seen

    def hover_params(self) -> dict:
        return {"textDocument": {"uri": self.uri}, "position": {"line": 0, "character": 35}}

    def hover_answers(self) -> None:
        """The server still serves: a hover on the flagged name gets its exact range."""
        ident = self.request("textDocument/hover", self.hover_params())
        [*_, answer] = self.messages_until(lambda message: message.get("id") == ident)
        assert answer["result"]["range"] == {"start": {"line": 0, "character": 29}, "end": {"line": 0, "character": 53}}
        assert answer["result"]["contents"]["value"].startswith("**LCM100** `buffer-memory`")

    def start(self, root: Path) -> None:
        ident = self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
        self.messages_until(lambda message: message.get("id") == ident)
        self.notify("initialized", {})
        document = {"uri": self.uri, "languageId": "python", "version": 1, "text": TEXT}
        self.notify("textDocument/didOpen", {"textDocument": document})
        [*_, published] = self.messages_until(
            lambda message: message.get("method") == "textDocument/publishDiagnostics"
        )
        assert [d["code"] for d in published["params"]["diagnostics"]] == ["LCM100", "LCM400"]

    def close(self) -> tuple[int, str]:
        """Close the server's input; its exit status and what it wrote on stderr."""
        assert self.process.stdin is not None and self.process.stderr is not None
        self.process.stdin.close()
        try:
            status = self.process.wait(TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        return status, self.process.stderr.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawClient]:
    root = tmp_path_factory.mktemp("frames")
    (root / "app.py").write_text(TEXT, encoding="utf-8")
    client = RawClient(root)
    client.start(root)
    yield client
    client.request("shutdown", None)
    client.messages_until(lambda message: "result" in message or "error" in message)
    client.notify("exit", None)
    assert client.process.wait(TIMEOUT) == 0


def hover_body(ident: int, params: dict) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": "textDocument/hover", "params": params}).encode()


def error(code: int, message: str, ident: int | str | None = None) -> dict:
    return {"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}}


# (frame bytes, the error response) for frames that can be delimited: each is answered, then serving goes on
BODIES = {
    "not JSON": (
        frame(b'{"jsonrpc": "2.0", "id": 5, "method"'),
        error(
            -32700, "Parse error: the message is not valid JSON (Expecting ':' delimiter: line 1 column 37 (char 36))"
        ),
    ),
    "not UTF-8": (
        frame(b'{"jsonrpc": "2.0", "id": 5, "method": "\xff"}'),
        error(
            -32700,
            "Parse error: the message is not valid JSON ('utf-8' codec can't decode byte 0xff in position 39: "
            "invalid start byte)",
        ),
    ),
    "an array (a batch)": (
        frame(b'[{"jsonrpc": "2.0", "id": 6, "method": "shutdown"}]'),
        error(-32600, "Invalid Request: a message must be a JSON object, not an array"),
    ),
    "a number": (frame(b"42"), error(-32600, "Invalid Request: a message must be a JSON object, not a number")),
    "a string": (frame(b'"hover"'), error(-32600, "Invalid Request: a message must be a JSON object, not a string")),
    "null": (frame(b"null"), error(-32600, "Invalid Request: a message must be a JSON object, not null")),
    "no jsonrpc member": (
        frame(b'{"id": 9, "method": "textDocument/hover"}'),
        error(-32600, 'Invalid Request: "jsonrpc" must be "2.0"', 9),
    ),
    "a method that is not a string": (
        frame(b'{"jsonrpc": "2.0", "id": "a", "method": 3}'),
        error(-32600, 'Invalid Request: "method" must be a string', "a"),
    ),
    "an id that is an object": (
        frame(b'{"jsonrpc": "2.0", "id": {}, "method": "shutdown"}'),
        error(-32600, 'Invalid Request: "id" must be a number or a string'),
    ),
    "params that are a string": (
        frame(b'{"jsonrpc": "2.0", "id": 12, "method": "textDocument/hover", "params": "x"}'),
        error(-32600, 'Invalid Request: "params" must be an object or an array', 12),
    ),
    "neither request nor response": (
        frame(b'{"jsonrpc": "2.0", "id": 13}'),
        error(-32600, 'Invalid Request: neither a request or notification (no "method") nor a response', 13),
    ),
    "unknown method": (
        frame(b'{"jsonrpc": "2.0", "id": 10, "method": "lint/unknown", "params": {}}'),
        error(-32601, "Method Not Found: lint/unknown", 10),
    ),
    "missing params": (
        frame(b'{"jsonrpc": "2.0", "id": 11, "method": "textDocument/hover"}'),
        error(-32602, "Invalid params for textDocument/hover: required field missing @ $.params", 11),
    ),
    "params of the wrong shape": (
        frame(hover_body(14, {"textDocument": {}, "position": {"line": "x", "character": 0}})),
        error(
            -32602,
            "Invalid params for textDocument/hover: required field missing @ $.params.text_document.uri; "
            "invalid value for type, expected int @ $.params.position.line",
            14,
        ),
    ),
}


@pytest.mark.parametrize("case", list(BODIES))
def test_a_bad_message_is_answered_and_serving_goes_on(server: RawClient, case: str):
    data, expected = BODIES[case]
    server.send(data)
    [*_, answer] = server.messages_until(lambda message: "error" in message)
    assert answer == expected
    server.hover_answers()


def test_unknown_notifications_are_ignored(server: RawClient):
    server.notify("lint/unknownNotification", {})
    server.notify("$/setTrace", {"value": "off"})
    server.hover_answers()  # the first answer is the hover's


def test_a_notification_without_its_params_is_dropped_and_logged(server: RawClient):
    server.send(frame(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen"}'))
    [*_, logged] = server.messages_until(lambda message: message.get("method") == "window/logMessage")
    assert logged["params"] == {
        "type": 2,
        "message": "dropped the textDocument/didOpen notification: invalid params (required field missing @ $.params)",
    }
    server.hover_answers()


# --- frame headers ----------------------------------------------------------------------------------
def test_a_content_length_that_is_not_a_number(server: RawClient):
    server.send(b"Content-Length: abc\r\n\r\n" + hover_body(77, server.hover_params()))
    [answer] = server.messages_until(lambda message: "error" in message)
    assert answer == error(-32700, "Parse error: malformed frame: bad Content-Length 'abc'", 77)
    server.hover_answers()


def test_a_negative_content_length(server: RawClient):
    server.send(b"Content-Length: -5\r\n\r\n" + hover_body(78, server.hover_params()))
    [answer] = server.messages_until(lambda message: "error" in message)
    assert answer == error(-32700, "Parse error: malformed frame: bad Content-Length '-5'", 78)
    server.hover_answers()


def test_no_content_length(server: RawClient):
    server.send(
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + hover_body(79, server.hover_params())
    )
    [answer] = server.messages_until(lambda message: "error" in message)
    assert answer == error(-32700, "Parse error: malformed frame: no Content-Length header", 79)
    server.hover_answers()


def test_a_content_length_too_long_then_the_client_waits(server: RawClient):
    body = hover_body(80, server.hover_params())
    server.send(b"Content-Length: %d\r\n\r\n" % (len(body) + 40) + body)
    [answer] = server.messages_until(lambda message: "error" in message)
    message = f"Parse error: malformed frame: Content-Length {len(body) + 40} is longer than the message"
    assert answer == error(-32700, f"{message} ({len(body)} bytes came)", 80)
    server.hover_answers()


def test_a_content_length_too_long_swallowing_the_next_frame(server: RawClient):
    body = hover_body(81, server.hover_params())
    server.send(b"Content-Length: %d\r\n\r\n" % (len(body) + 30) + body + frame(hover_body(82, server.hover_params())))
    first, second = server.messages_until(lambda message: message.get("id") == 82)
    message = f"Parse error: malformed frame: Content-Length {len(body) + 30} is longer than the message"
    assert first == error(-32700, message, 81)
    assert second["result"]["contents"]["value"].startswith("**LCM100** `buffer-memory`")  # the next frame is served


def test_a_content_length_too_short(server: RawClient):
    body = hover_body(83, server.hover_params())
    server.send(b"Content-Length: %d\r\n\r\n" % (len(body) - 10) + body + frame(hover_body(84, server.hover_params())))
    first, second = server.messages_until(lambda message: message.get("id") == 84)
    assert first["id"] is None and first["error"]["code"] == -32700
    assert first["error"]["message"].startswith("Parse error: the message is not valid JSON (Unterminated string")
    assert second["result"]["range"]["start"] == {"line": 0, "character": 29}  # the rest is skipped, the next served


def test_blank_lines_between_frames_are_ignored(server: RawClient):
    server.send(b"\r\n\r\n")
    server.hover_answers()


# --- a stream that cannot be resynchronised ------------------------------------------------------------
@pytest.mark.parametrize("command", [SERVER, CLI_SERVER], ids=["module", "cli"])
def test_the_input_ending_inside_a_frame_exits_with_a_message(tmp_path: Path, command: list[str]):
    (tmp_path / "app.py").write_text(TEXT, encoding="utf-8")
    client = RawClient(tmp_path, command)
    client.start(tmp_path)
    client.send(b'Content-Length: 100\r\n\r\n{"jsonrpc": "2.0", "id": 1, ')
    status, stderr = client.close()
    assert status == 1
    assert stderr.splitlines()[-1] == (
        "lint-memory server: cannot read the client's messages: the input ended in the middle of a message; exiting"
    )


def test_a_megabyte_without_a_frame_header_exits_with_a_message(tmp_path: Path):
    (tmp_path / "app.py").write_text(TEXT, encoding="utf-8")
    client = RawClient(tmp_path)
    client.start(tmp_path)
    client.send(b"x" * (1024 * 1024 + 1024))
    assert client.process.wait(TIMEOUT) == 1
    _, stderr = client.close()
    assert stderr.splitlines()[-1] == (
        "lint-memory server: cannot read the client's messages: 1049600 bytes without a frame header; exiting"
    )


def test_the_input_ending_between_frames_is_a_normal_end(tmp_path: Path):
    (tmp_path / "app.py").write_text(TEXT, encoding="utf-8")
    client = RawClient(tmp_path)
    client.start(tmp_path)
    status, stderr = client.close()
    assert status == 0
    assert "cannot read" not in stderr


# --- the framer alone: however the bytes are split into reads ------------------------------------------
STREAM = (
    frame(b'{"jsonrpc": "2.0", "method": "a"}')
    + b"Content-Length: 12\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
    + b'{"id": 1}   '
    + b"Content-Length: x\r\n\r\n"
    + b'{"jsonrpc": "2.0", "id": 2, "method": "b"}'
    + frame(b'{"jsonrpc": "2.0", "id": 3, "method": "c"}')
)
EVENTS = [
    lsp_stdio.Frame(b'{"jsonrpc": "2.0", "method": "a"}'),
    lsp_stdio.Frame(b'{"id": 1}   '),
    lsp_stdio.Malformed("bad Content-Length 'x'", b'{"jsonrpc": "2.0", "id": 2, "method": "b"}'),
    lsp_stdio.Frame(b'{"jsonrpc": "2.0", "id": 3, "method": "c"}'),
]


@pytest.mark.parametrize("size", [1, 2, 7, 64, len(STREAM)])
def test_framer_gives_the_same_frames_whatever_the_reads(size: int):
    framer = lsp_stdio.Framer()
    events = []
    for start in range(0, len(STREAM), size):
        framer.feed(STREAM[start : start + size])
        events += framer.events()
    assert events == EVENTS
    assert not framer.mid_frame


def test_framer_waits_for_the_rest_of_a_body_until_the_client_pauses():
    framer = lsp_stdio.Framer()
    framer.feed(b'Content-Length: 30\r\n\r\n{"jsonrpc": "2.0", "id": 1}')
    assert list(framer.events()) == []  # more may come
    assert framer.mid_frame
    assert list(framer.events(quiet=True)) == [
        lsp_stdio.Malformed(
            "Content-Length 30 is longer than the message (27 bytes came)", b'{"jsonrpc": "2.0", "id": 1}'
        )
    ]
    framer.feed(b'Content-Length: 31\r\n\r\n{"jsonrpc": "2.0", "id": ')
    assert list(framer.events(quiet=True)) == []  # not a complete value: the body is still coming
    framer.feed(b'"abc"}')
    assert list(framer.events()) == [lsp_stdio.Frame(b'{"jsonrpc": "2.0", "id": "abc"}')]
