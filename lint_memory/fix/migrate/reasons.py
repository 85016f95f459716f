"""Why a chain is not migrated automatically: one reason, naming the blocking line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Blocked(Exception):
    """Raised while matching a chain: ``kind`` is the tally key of ``lint-memory report``, ``text`` the sentence."""

    kind: str
    text: str

    def message(self) -> str:
        return f"not migrated automatically: {self.text}"


def returned(name: str, line: int) -> Blocked:
    return Blocked("returned", f"`{name}` is returned at line {line}")


def passed(name: str, line: int) -> Blocked:
    return Blocked("passed", f"`{name}` is passed to a function at line {line}")


def stored(name: str, line: int) -> Blocked:
    return Blocked("stored", f"`{name}` is stored in a container or another name at line {line}")


def global_chain(name: str, line: int) -> Blocked:
    return Blocked("global", f"`{name}` is a module-level global (line {line})")


def memory_read(name: str, line: int) -> Blocked:
    return Blocked("memory-read", f"`{name}.memory` is read at line {line}")


def memory_shared(name: str, line: int, use: str) -> Blocked:
    return Blocked("memory-shared", f"the memory `{name}` is also used at line {line} (`{use}`)")


def option(name: str, line: int) -> Blocked:
    return Blocked("option", f"`{name}=` at line {line} changes the chain's keys or message format")


def prompt_shape(line: int, why: str) -> Blocked:
    return Blocked("prompt", f"the prompt at line {line} is not a shape the migration covers ({why})")


def used(name: str, line: int, how: str) -> Blocked:
    return Blocked("other-use", f"`{name}` is used at line {line} ({how})")


def unsupported(line: int, what: str) -> Blocked:
    return Blocked("unsupported", f"{what} at line {line}")
