"""The byte pre-filter never hides a finding.

For every catalog path, removed module and memory keyword, minimal sources that the engine flags
(with the exact codes written out here) must pass ``might_match``; so must the same sources with
their identifiers spelled in compatibility characters that Python NFKC-normalises to ASCII.
"""

from __future__ import annotations

import io
import keyword
import tokenize

import pytest

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.engine import check_source, might_match, might_match_text


def _codes(source: str) -> set[tuple[int, str]]:
    return {(f.line, f.code) for f in check_source(source)}


def _path_sources(path: str) -> list[tuple[str, set[tuple[int, str]]]]:
    """(source, exact findings) for each way of reaching a catalog path."""
    entry = lookup.BY_PATH[path]
    module, _, name = path.rpartition(".")
    rule = {entry.rule} if entry.rule else set()
    moved = {"LCM400"} if lookup.is_removed(path) else set()
    module_moved = {(1, "LCM400")} if lookup.moved_module(module) else set()
    use = {(2, code) for code in rule}
    sources = [
        (f"from {module} import {name}\n", {(1, code) for code in rule | moved}),
        (f"import {module} as m\nm.{name}()\n", module_moved | use),
    ]
    if module in lookup.EXPORTS:
        sources.append((f"from {module} import *\n{name}()\n", module_moved | use))
    return sources


SILENT = sorted(p for p, e in lookup.BY_PATH.items() if e.rule is None and not lookup.is_removed(p))
FLAGGED = sorted(set(lookup.BY_PATH) - set(SILENT))


def test_only_current_paths_of_moved_only_classes_are_silent():
    # Chat message histories that only moved: their current classic re-exports have no rule.
    assert SILENT and all(p.startswith("langchain_classic.") for p in SILENT)


@pytest.mark.parametrize("path", FLAGGED)
def test_every_catalog_path(path):
    sources = _path_sources(path)
    assert any(expected for _, expected in sources)
    for source, expected in sources:
        assert _codes(source) == expected, source
        if expected:
            assert might_match(source.encode()), source


@pytest.mark.parametrize("path", SILENT)
def test_silent_paths_stay_silent(path):
    for source, _ in _path_sources(path):
        assert _codes(source) == set(), source


def _module_sources(module: str) -> list[str]:
    parent, _, last = module.rpartition(".")
    return [
        f"import {module}\n",
        f"import {module} as alias\n",
        f"import {module}.submodule\n",
        f"from {module} import anything\n",
        f"from {module}.submodule import anything\n",
        f"from {parent} import {last}\n",
    ]


@pytest.mark.parametrize("module", sorted(catalog.MOVED_MODULES))
def test_every_moved_module(module):
    for source in _module_sources(module):
        assert _codes(source) == {(1, "LCM400")}, source
        assert might_match(source.encode()), source


def _keyword_sources() -> list[str]:
    sources = []
    for word in sorted(catalog.MEMORY_KEYWORDS):
        sources.append(f"from langchain.chains import LLMChain\nLLMChain({word}=x)\n")
        sources.append(f"from langchain.chains import LLMChain\nLLMChain(**{{'{word}': x}})\n")
        for nested in sorted(catalog.NESTED_KWARGS):
            call = f"c.RetrievalQA.from_chain_type({nested}={{'{word}': x}})"
            sources.append(f"import langchain_classic.chains as c\n{call}\n")
    return sources


@pytest.mark.parametrize("source", _keyword_sources())
def test_every_memory_keyword(source):
    assert _codes(source) == {(2, "LCM300")}
    assert might_match(source.encode())


def _fullwidth(source: str) -> str:
    """Spell every identifier (not keywords) in fullwidth letters: ``ｍｅｍｏｒｙ`` is ``memory``."""
    out = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        text = token.string
        if token.type == tokenize.NAME and not keyword.iskeyword(text):
            text = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in text)
        out.append((token.type, text))
    return tokenize.untokenize(out)


ALL_SOURCES = [s for p in FLAGGED for s, _ in _path_sources(p)]
ALL_SOURCES += [s for m in sorted(catalog.MOVED_MODULES) for s in _module_sources(m)]
ALL_SOURCES += _keyword_sources()


@pytest.mark.parametrize("source", ALL_SOURCES)
def test_nfkc_spellings_are_normalised(source):
    wide = _fullwidth(source)
    assert not wide.isascii()
    assert {code for _, code in _codes(wide)} == {code for _, code in _codes(source)}, wide
    assert might_match(wide.encode("utf-8")), wide
    assert might_match_text(wide), wide


@pytest.mark.parametrize(
    "source",
    [
        "from lªngchain.memory import ConversationBufferMemory\n",  # ª is a
        "from langchain_classic.memory import ConversationBuﬀerMemory\n",  # the ff ligature
        "from langchain_classic.memory import 𝐂onversationBufferMemory\n",  # mathematical bold C
        "from langchain.chains import LLMChain\nLLMChain(ｍｅｍｏｒｙ=x)\n",
    ],
)
def test_compatibility_characters(source):
    assert check_source(source)
    assert might_match(source.encode("utf-8"))


def test_files_without_langchain_or_memory_tokens_are_skipped():
    assert not might_match(b"import os\nprint('memory')\n")  # no langchain
    assert not might_match(b"from langchain_core.messages import HumanMessage\n")  # no memory token
    assert not might_match("from langchain_core.messages import HumanMessage  # café\n".encode())
    assert might_match(b"from langchain_classic.chains import ConversationChain\n")


def test_bytes_that_are_not_utf8_do_not_break_the_filter():
    source = b"from langchain.memory import ConversationBufferMemory\n"
    assert check_source(source.decode())
    assert might_match(source + b"# \xff\xfe\n")
    assert not might_match(b"\xff\xfe\x00 nothing here")
    assert might_match_text("from langchain.memory import ConversationBufferMemory\n\ud800\n")  # a lone surrogate


def test_string_annotations_must_be_plain_literals():
    # Escapes and implicit concatenation could spell a name the filter never sees: the engine
    # does not read such strings, so both agree the file is clean.
    for source in (
        "from langchain.chains import *\nx: 'Conv\\x65rsationChain'\n",
        "from langchain.chains import *\nx: 'Conver' 'sationChain'\n",
    ):
        assert check_source(source) == [], source
        assert not might_match(source.encode()), source
    plain = "from langchain.chains import *\nx: 'ConversationChain'\n"
    assert _codes(plain) == {(2, "LCM301")}
