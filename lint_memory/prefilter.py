"""The byte pre-filter: which files cannot have a finding, decided without parsing.

Every finding needs certain identifiers spelled in the source, each as a whole word (a run of
``[A-Za-z0-9_]``; Python identifiers are case-sensitive, and the engine resolves only what is
spelled out).  This module derives, from the catalog, what each code needs, as clauses: a clause
is a tuple of groups, and holds when every group has one of its words in the source.  A file is a
candidate for a set of codes when one clause of one of those codes holds.

- A rule of a catalog class (LCM1xx, LCM200, LCM301, LCM5xx): the class's name and every part of
  the module of one of its paths, each as a word (``ConversationBufferMemory``, ``langchain``,
  ``memory``): the engine resolves a name only through imports and attribute chains that spell
  them (``import langchain.memory as m`` spells them in the import, ``m.X`` the name).  And the
  name where code can use it (``used``): after a dot, in an import list, or with a star import
  in the file; the name in a docstring or a comment does not count.
- LCM400 (a removed import): reported on the import statement, which spells the removed module
  dotted (``langchain . memory``: spaces, line continuations and, in brackets, comments allowed)
  or as ``from langchain import memory`` (the name in the import list); a removed class, its name
  and its module dotted (``from a import b`` then ``b.Name`` reports only the module ``a.b``).
- LCM300 (``memory=``): ``memory`` followed by ``=`` or a quote (a keyword argument,
  ``dict(memory=...)``, a dict key), and either every part of a legacy chain's or agent's path
  prefix (``langchain``, ``chains``) or a memory class and its package (the value).
- LCM302 (the memory API): a memory class (used), its package, and one of the API's attribute names.

So ``in-memory vector store`` in a docstring, ``InMemoryVectorStore``, ``memory_key`` or
``ConversationalRetrievalChain`` make no candidate, and the opt-in rules' names count only when
those rules are selected.  Known gap, shared with the filter before this one: a dict key spelled
with escapes or implicit concatenation (``"mem" "ory"``) is read by the engine but not here.

The first group of every clause is made of words that contain one of the catalog's
``PREFILTER_SEEDS`` (case-sensitive substrings; a word no seed covers is added verbatim), so a
file that contains no seed is cleared with a few substring searches, and only the whole words
around the seeds' occurrences are read.  The other groups are looked up on demand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from functools import cache

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup


class Spelling:
    """A way of writing a dotted path that a finding needs, as a pattern over the source (a
    group member, beside plain words).  Between tokens Python allows spaces, backslash line
    continuations, and inside brackets line breaks and comments: all of them are allowed here."""

    def __init__(self, name: str, pattern: bytes, parts: tuple[str, ...] = ()) -> None:
        """``parts``: literal text that every match contains (the path's names): a source that
        lacks one is answered without compiling the pattern, which costs more than the search."""
        self.name = name
        self.pattern = pattern
        self.parts = tuple(part.encode() for part in parts)

    def search(self, data: bytes) -> bool:
        if not all(part in data for part in self.parts):
            return False
        return _compiled(self.pattern).search(data) is not None

    def __repr__(self) -> str:
        return f"Spelling({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Spelling) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


Member = str | Spelling  # a whole word, or a spelling
Group = frozenset[Member]
Clause = tuple[Group, ...]  # every group needs one of its members in the source
_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_WORD_END = re.compile(rb"[A-Za-z0-9_]*")
# What may stand between two tokens.  A comment runs to the end of its line (the look-ahead): a
# comment with many ``#`` in it can then be matched one way only, not split in exponentially many.
_GAP = rb"(?:[ \t\f\r\n\\]|#[^\r\n]*(?![^\r\n]))*"
# A name in an import list (``a``, ``a as b``): non-ASCII letters are kept as UTF-8 bytes, or taken
# out of the source altogether (``_needs_check``), so a name may be any run of them, even empty.
_NAME = rb"[A-Za-z0-9_\x80-\xff]*"
_IMPORT_LIST = (
    rb"import" + _GAP + rb"(?:\(" + _GAP + rb")?(?:" + _NAME + rb"(?:" + _GAP + rb"as" + _GAP + _NAME + rb")?"
)
_IMPORT_LIST += _GAP + rb"," + _GAP + rb")*"
_END = rb"(?![A-Za-z0-9_])"


def _dotted(path: str) -> bytes:
    return (_GAP + rb"\." + _GAP).join(re.escape(part.encode()) for part in path.split("."))


def spelled_dotted(module: str) -> Spelling:
    """``module`` (or anything below it) spelled dotted, as ``import a.b`` and ``from a.b import x`` do."""
    return Spelling(module, _dotted(module) + _END, tuple(module.split(".")))


def imported(module: str) -> Group:
    """The ways an import statement reaches ``module`` (or anything below it): ``import a.b``,
    ``from a.b import x`` spell it dotted; ``from a import b`` spells ``a`` before ``import``."""
    parent, _, last = module.rpartition(".")
    dotted = spelled_dotted(module)
    if not parent:
        return frozenset({dotted})
    from_parent = Spelling(
        f"from {parent} import {last}",
        _dotted(parent) + _GAP + _IMPORT_LIST + re.escape(last.encode()) + _END,
        (*parent.split("."), "import", last),
    )
    return frozenset({dotted, from_parent})


def used(names: Iterable[str]) -> Spelling:
    """Where the engine can resolve one of ``names`` (catalog names: classes, functions): the
    name follows a dot (an attribute chain, an import path, a string annotation's dotted path) or
    stands in an import list (``from m import a, Name as N``), or a star import may have bound it.
    A name is bound by nothing else, so a class name in a docstring or a comment does not count."""
    alternatives = b"|".join(re.escape(name.encode()) for name in sorted(names))
    # In an import list a name follows ``import``, ``(`` or ``,``: those, not the whole list, keep
    # the pattern short (compiling the patterns is a good part of what a small run spends here).
    pattern = rb"(?:[.,(]|import)" + _GAP + rb"(?:" + alternatives + rb")" + _END
    return Spelling("use of " + "|".join(sorted(names)), pattern + rb"|import" + _GAP + rb"\*")


def _keyword_argument(words: Iterable[str]) -> Spelling:
    """``memory=`` (a keyword argument, or ``dict(memory=...)``) or ``"memory"`` (a dict key)."""
    names = b"|".join(re.escape(word.encode()) for word in sorted(words))
    return Spelling(
        "keyword " + "|".join(sorted(words)), rb"(?:" + names + rb")(?:(?![A-Za-z0-9_])" + _GAP + rb"=(?!=)|[\"'])"
    )


@cache
def requirements() -> dict[str, list[Clause]]:
    """code -> the clauses of which one holds in every source with a finding of that code
    (computed on first use, as everything here: a run that clears no file never needs it)."""
    needs: dict[str, list[Clause]] = {}
    memory_names: set[str] = set()
    memory_packages: set[str] = set()
    for path, entry in lookup.BY_PATH.items():
        module, _, name = path.rpartition(".")
        words = tuple(frozenset({part}) for part in module.split("."))
        if entry.memory:
            memory_names.add(name)
            memory_packages.add(path.split(".", 1)[0])
        if entry.rule:  # every part of the path the name resolves to is spelled somewhere
            needs.setdefault(entry.rule, []).append((frozenset({name}), *words, frozenset({used((name,))})))
        if lookup.is_removed(path) and lookup.new_home(path) is not None:  # reported on the import
            # `from <module> import <name>`: `from a import b` then `b.<name>` reports no name (only a
            # removed module, whose own clause follows), so only the dotted spelling counts here.
            needs.setdefault("LCM400", []).append((frozenset({name}), frozenset({spelled_dotted(module)})))
    # Reaching a submodule spells its root: one clause per root of the removed modules.
    roots = [m for m in catalog.MOVED_MODULES if not any(m.startswith(o + ".") for o in catalog.MOVED_MODULES)]
    needs["LCM400"] += [(frozenset({root.rsplit(".", 1)[-1]}), imported(root)) for root in roots]
    keyword = _keyword_argument(catalog.MEMORY_KEYWORDS)
    keywords = frozenset(catalog.MEMORY_KEYWORDS)
    # A callee below a consumer's prefix spells each part of it (imports and attributes; an
    # alias, `import langchain as lc`, hides the dots, so these are words).
    needs["LCM300"] = [
        (keywords, frozenset({keyword}), *(frozenset({part}) for part in prefix.rstrip(".").split(".")))
        for prefix in catalog.MEMORY_CONSUMERS
    ]
    memory_used = frozenset({used(memory_names)})
    needs["LCM300"].append(
        (keywords, frozenset({keyword}), frozenset(memory_names), frozenset(memory_packages), memory_used)
    )
    needs["LCM302"] = [
        (frozenset(memory_names), frozenset(memory_packages), frozenset(catalog.MEMORY_API), memory_used)
    ]
    return {code: list(dict.fromkeys(clauses)) for code, clauses in needs.items()}


@cache
def seeds() -> tuple[bytes, ...]:
    """The catalog's seeds, plus every first-group word that none of them covers."""
    seeds = list(catalog.PREFILTER_SEEDS)
    firsts = {word for clauses in requirements().values() for clause in clauses for word in clause[0]}
    assert all(isinstance(word, str) for word in firsts), "a clause starts with words"
    seeds += sorted(str(word) for word in firsts if not any(seed in str(word) for seed in seeds))
    return tuple(seed.encode() for seed in seeds)


@cache
def _index(codes: frozenset[str]) -> dict[bytes, tuple[tuple[Group, ...], ...]]:
    """first-group word -> the rest of each clause it starts, for the clauses of ``codes``."""
    index: dict[bytes, list[tuple[Group, ...]]] = {}
    needs = requirements()
    for code in sorted(codes & needs.keys()):
        for first, *rest in needs[code]:
            for word in first:
                index.setdefault(str(word).encode(), []).append(tuple(rest))
    return {word: tuple(dict.fromkeys(rests)) for word, rests in index.items()}


@cache
def _compiled(pattern: bytes) -> re.Pattern[bytes]:
    return re.compile(pattern)  # on first use: compiling them all would cost every start-up


@cache
def _word_end(word: str) -> re.Pattern[bytes]:
    """``word`` not followed by a word character (a leading look-behind would cost sre its fast
    literal search, so the character before is checked by hand)."""
    return re.compile(re.escape(word.encode()) + rb"(?![A-Za-z0-9_])")


def _has_word(data: bytes, word: str) -> bool:
    return any(m.start() == 0 or data[m.start() - 1] not in _WORD for m in _word_end(word).finditer(data))


def might_match(data: bytes, codes: Collection[str] | None = None) -> bool:
    """False only when the source provably has no finding of ``codes`` (default: every code).

    ``data`` is the source in UTF-8: the bytes of an ASCII or UTF-8 file, or decoded text
    re-encoded (the runner decodes files whose coding cookie names another encoding first, since
    e.g. UTF-7 spells letters with other bytes).  Bytes that are not UTF-8 cannot form an
    identifier and are kept as they are."""
    if data.isascii():
        return _needs(data, codes)
    return might_match_text(data.decode("utf-8", "surrogateescape"), codes)


def might_match_text(text: str, codes: Collection[str] | None = None) -> bool:
    """``might_match`` for decoded source.  Python NFKC-normalises identifiers (``ｍemory`` is
    ``memory``), so non-ASCII text is normalised before the test."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _needs(text.encode("utf-8", "surrogatepass"), codes)


def _needs(data: bytes, codes: Collection[str] | None) -> bool:
    if b"langchain" not in data or not any(seed in data for seed in seeds()):
        return False
    index = _index(frozenset(requirements()) if codes is None else frozenset(codes))
    found: dict[Member, bool] = {}

    def spelled(member: Member) -> bool:
        if member not in found:
            if isinstance(member, str):
                found[member] = _has_word(data, member)
            else:
                found[member] = member.search(data)
        return found[member]

    seen: set[bytes] = set()
    for seed in seeds():
        at = data.find(seed)
        while at >= 0:
            start = at
            while start and data[start - 1] in _WORD:
                start -= 1
            end = _WORD_END.match(data, at + len(seed)).end()  # type: ignore[union-attr]  # always matches
            word = data[start:end]
            if word not in seen:
                seen.add(word)
                for rest in index.get(word, ()):
                    if all(any(spelled(member) for member in group) for group in rest):
                        return True
            at = data.find(seed, end)
    return False
