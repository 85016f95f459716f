"""The language server's transport over stdin/stdout: JSON-RPC frames in, whatever the client sends.

pygls' own reading loop trusts every header: a wrong ``Content-Length`` makes it read into the next
frame, or wait for bytes that never come, and from then on every frame is lost (the server is alive
but deaf); a request whose body it cannot use gets no answer at all, so the client waits forever.
``serve`` reads frames with ``Framer`` instead and answers everything it cannot handle:

- a body that is not JSON: ``-32700`` (parse error), id null;
- JSON that is not a request, notification or response (a list, a number, no ``"jsonrpc": "2.0"``,
  a method that is not a string, an id that is neither a number nor a string): ``-32600`` (invalid
  request), with the message's id when it has a usable one;
- a request whose params do not fit its method (missing, of the wrong shape): ``-32602`` (invalid
  params); a notification with such params is dropped, and said so in the client's log;
- an unknown method: ``-32601`` (from pygls) for a request; a notification is ignored, as LSP asks.

A frame whose header is wrong is still found, so that serving goes on:

- a ``Content-Length`` that is missing, not a number or absurd: the body is the first complete JSON
  value after the headers, or everything up to the next frame's header;
- one that is too long: the next frame's header shows up inside the body (a JSON text cannot hold a
  raw line break inside a string, nor ``Content-Length:`` outside one), or the body already holds a
  complete JSON object when the client stops sending;
- one that is too short: the body does not parse (answered as above), and its rest, which does not
  start a header, is skipped up to the next header.

Such a frame is answered with ``-32700`` naming the problem (with the request's id, when its body is
an object that has one).  Only when the stream cannot be resynchronised (``MAX_GARBAGE`` bytes with
no frame header, a body past ``MAX_BODY``, or the input ending in the middle of a frame) does the
server exit, with one line on stderr saying why, and status 1.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from cattrs import ClassValidationError, transform_error
from pygls.io_ import StdoutWriter
from pygls.server import JsonRPCServer

MAX_HEADER = 64 * 1024  # bytes of headers: more without a blank line is not a header
MAX_GARBAGE = 1024 * 1024  # bytes skipped while looking for a frame header before giving up
MAX_BODY = 256 * 1024 * 1024  # a larger Content-Length is not believed
QUIET = 0.1  # seconds without input after which an unfinished frame is looked at again
CHUNK = 64 * 1024

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*([^\r\n]*)", re.IGNORECASE)
_NEXT_FRAME = re.compile(rb"content-length[ \t]*:[ \t]*\d+[ \t]*\r?\n", re.IGNORECASE)
_OVERLAP = 64  # bytes searched again when more arrive, for a header split between two reads

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Frame:
    """A well-delimited message body."""

    body: bytes


@dataclass(frozen=True)
class Malformed:
    """A frame with a wrong header: why, and what its body turned out to be."""

    reason: str
    body: bytes


class StreamError(Exception):
    """The input cannot be resynchronised: the server must exit."""


class Framer:
    """Splits the bytes read from the client into frames, resynchronising after malformed ones."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.in_body = False
        self.length: int | None = None  # the body's declared length; None when the header gave none
        self.problem = ""  # what was wrong with the header, when ``length`` is None
        self.scanned = 0  # how much of the body was searched for a next frame's header

    def feed(self, data: bytes) -> None:
        self.buffer += data

    @property
    def mid_frame(self) -> bool:
        """Has a frame begun that has not ended (so the input should not end here)?"""
        return self.in_body or bool(self.buffer.strip())

    def events(self, *, quiet: bool = False) -> Iterator[Frame | Malformed]:
        """Every frame the bytes read so far complete; ``quiet``: the client has paused sending."""
        while True:
            if not self.in_body and not self._header():
                return
            event = self._body(quiet)
            if event is None:
                return
            yield event

    # --- headers ---------------------------------------------------------------------------------
    def _header(self) -> bool:
        """Read one header block; False when more input is needed."""
        while True:
            end = _HEADER_END.search(self.buffer, 0, MAX_HEADER + 4)
            if end is None:
                if len(self.buffer) > MAX_HEADER and self._skip_to_next_frame():
                    continue
                return False
            block = bytes(self.buffer[: end.start()])
            del self.buffer[: end.end()]
            if not block.strip():
                continue  # blank lines between frames
            found = _CONTENT_LENGTH.search(block)
            if found is not None and block[: found.start()].strip():
                logger.warning("skipped %d bytes before a frame header", len(block[: found.start()]))
            value = found.group(1).strip() if found is not None else b""
            self.in_body, self.scanned = True, 0
            if value.isdigit() and int(value) <= MAX_BODY:
                self.length, self.problem = int(value), ""
            else:
                self.length = None
                shown = value.decode("utf-8", "replace")
                self.problem = "no Content-Length header" if found is None else f"bad Content-Length {shown!r}"
            return True

    def _skip_to_next_frame(self) -> bool:
        """Drop the bytes before the next frame header (False when there is none yet); fail after
        ``MAX_GARBAGE`` bytes without one."""
        found = _NEXT_FRAME.search(self.buffer, 1)
        if found is not None:
            logger.warning("skipped %d bytes that were not a frame", found.start())
            del self.buffer[: found.start()]
            return True
        if len(self.buffer) > MAX_GARBAGE:
            raise StreamError(f"{len(self.buffer)} bytes without a frame header")
        return False

    # --- bodies ----------------------------------------------------------------------------------
    def _body(self, quiet: bool) -> Frame | Malformed | None:
        length = self.length
        limit = len(self.buffer) if length is None else min(len(self.buffer), length + _OVERLAP)
        found = _NEXT_FRAME.search(self.buffer, max(0, self.scanned - _OVERLAP), limit)
        if found is not None and (length is None or found.start() < length):
            reason = self.problem or f"Content-Length {length} is longer than the message"
            return self._take(found.start(), reason)
        self.scanned = limit
        if length is not None and len(self.buffer) >= length:
            return self._take(length, "")
        if length is None:
            complete = self._complete_value(quiet)
            if complete is not None:
                return self._take(complete, self.problem)
            if len(self.buffer) > MAX_BODY:
                raise StreamError(f"{self.problem}, and no end of the message in {len(self.buffer)} bytes")
            return None
        if quiet and self._complete_value(quiet=True) is not None:
            came = len(self.buffer)
            return self._take(came, f"Content-Length {length} is longer than the message ({came} bytes came)")
        return None

    def _complete_value(self, quiet: bool) -> int | None:
        """The byte length of a complete JSON value at the start of the buffer, or None.  Tried only
        when the client paused or the bytes so far end like an object or list could."""
        data = bytes(self.buffer)
        if not (quiet or data.rstrip().endswith((b"}", b"]"))):
            return None
        text = data.decode("utf-8", "surrogateescape")
        start = len(text) - len(text.lstrip())
        try:
            _, end = json.JSONDecoder().raw_decode(text, start)
        except ValueError:
            return None
        return len(text[:end].encode("utf-8", "surrogateescape"))

    def _take(self, size: int, reason: str) -> Frame | Malformed:
        body = bytes(self.buffer[:size])
        del self.buffer[:size]
        self.in_body, self.length, self.problem, self.scanned = False, None, "", 0
        return Malformed(reason, body) if reason else Frame(body)


# --- dispatching -------------------------------------------------------------------------------------
class Dispatcher:
    """Hands well-formed messages to pygls and answers the others with JSON-RPC errors."""

    def __init__(self, server: JsonRPCServer, tell: Callable[[str], None]) -> None:
        self.server = server
        self.protocol = server.protocol
        self.tell = tell  # puts a line in the client's log

    def frame(self, body: bytes) -> None:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            self.error(None, PARSE_ERROR, f"Parse error: the message is not valid JSON ({error})")
            return
        message_id = _id(data)
        problem = _invalid(data)
        if problem is not None:
            self.error(message_id, INVALID_REQUEST, f"Invalid Request: {problem}")
            return
        try:
            message = self.protocol.structure_message(data)
        except Exception as error:
            cause = error.__cause__ or error
            method = data.get("method")
            if method is None:
                logger.warning("dropped a response that does not fit its request: %s", cause)
            elif "id" in data:
                self.error(message_id, INVALID_PARAMS, f"Invalid params for {method}: {_brief(cause)}")
            else:
                self.tell(f"dropped the {method} notification: invalid params ({_brief(cause)})")
            return
        try:
            self.protocol.handle_message(message)
        except Exception:  # a handler's own failure is pygls' to report; keep serving
            logger.exception("handling a message failed")

    def malformed(self, event: Malformed) -> None:
        try:
            data = json.loads(event.body)
        except (ValueError, UnicodeDecodeError):
            data = None
        self.error(_id(data), PARSE_ERROR, f"Parse error: malformed frame: {event.reason}")

    def error(self, message_id: int | str | None, code: int, message: str) -> None:
        logger.warning("%s", message)
        response = {"jsonrpc": "2.0", "id": message_id, "error": {"code": code, "message": message}}
        body = json.dumps(response).encode("utf-8")
        writer = self.protocol.writer
        if writer is not None:
            writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def _id(data: Any) -> int | str | None:
    """The message's id, when it is a usable one (a number or a string)."""
    if not isinstance(data, dict):
        return None
    value = data.get("id")
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _invalid(data: Any) -> str | None:
    """Why ``data`` is not a JSON-RPC 2.0 request, notification or response; None when it is one."""
    if not isinstance(data, dict):
        return f"a message must be a JSON object, not {_kind(data)}"
    if data.get("jsonrpc") != "2.0":
        return '"jsonrpc" must be "2.0"'
    if "id" in data and _id(data) is None and not ("method" not in data and data["id"] is None):
        return '"id" must be a number or a string'
    if "method" in data:
        if not isinstance(data["method"], str):
            return '"method" must be a string'
        if data.get("params") is not None and not isinstance(data["params"], (dict, list)):
            return '"params" must be an object or an array'  # null is what many clients send for none
        return None
    if "id" in data and ("result" in data or "error" in data):
        return None
    return 'neither a request or notification (no "method") nor a response'


def _kind(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _brief(error: BaseException) -> str:
    """What is wrong, in one line: ``required field missing @ $.params`` for a params mismatch."""
    if isinstance(error, ClassValidationError):
        return "; ".join(transform_error(error)[:3])
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


# --- the loop -----------------------------------------------------------------------------------------
def serve(server: JsonRPCServer, tell: Callable[[str], None], stdin: BinaryIO | None = None) -> int:
    """Serve one client over stdin/stdout until it disconnects or sends ``exit``; the exit status."""
    server._stop_event = stop = threading.Event()
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    dispatcher = Dispatcher(server, tell)
    try:
        return asyncio.run(_read_loop((stdin or sys.stdin.buffer).fileno(), dispatcher, stop))
    except BrokenPipeError:
        logger.error("the connection to the client is lost")
        return 1
    except StreamError as error:
        print(f"lint-memory server: cannot read the client's messages: {error}; exiting", file=sys.stderr)
        return 1
    finally:
        server.shutdown()


async def _read_loop(fd: int, dispatcher: Dispatcher, stop: threading.Event) -> int:
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue()
    threading.Thread(target=_read_input, args=(fd, loop, chunks), name="lint-memory-stdin", daemon=True).start()
    framer = Framer()
    while not stop.is_set():
        quiet = False
        if framer.mid_frame:
            try:
                chunk = await asyncio.wait_for(chunks.get(), QUIET)
            except asyncio.TimeoutError:
                chunk, quiet = b"", True
        else:
            chunk = await chunks.get()
        if not chunk and not quiet:
            if framer.mid_frame:
                raise StreamError("the input ended in the middle of a message")
            return 0
        framer.feed(chunk)
        for event in framer.events(quiet=quiet):
            if isinstance(event, Frame):
                dispatcher.frame(event.body)
            else:
                dispatcher.malformed(event)
    return 0


def _read_input(fd: int, loop: asyncio.AbstractEventLoop, chunks: asyncio.Queue[bytes]) -> None:
    """Read the client's bytes as they come (a thread: reading blocks); an empty chunk ends the input."""
    while True:
        try:
            chunk = os.read(fd, CHUNK)
        except OSError:
            chunk = b""
        try:
            loop.call_soon_threadsafe(chunks.put_nowait, chunk)
        except RuntimeError:  # the loop is closed: the server is exiting
            return
        if not chunk:
            return
