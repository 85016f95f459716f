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

What that costs is mostly searching the bytes (``bytes.find``, a few GB/s), so:

- A rare seed waits for a common one that all its clauses need (``EntityStore`` for ``emory``:
  those classes live in ``langchain.memory``): most files are cleared after three searches
  (``emory``, ``onversation``, ``MessageHistory``), and the rare seeds are searched only in files
  with the one they wait for.
- Nothing is compiled per word or per path: a word is found with ``bytes.find``; a dotted path is
  read backwards from the places of its last part (a gap, a dot, a gap, the part before...), a use
  backwards from the name, ``memory=`` forwards from the word; only ``from a import b`` and
  ``import *`` run a pattern (the former only where ``b`` is listed).  Each such spelling keeps
  its pattern, built when asked for, and ``tests/test_prefilter_reading.py`` holds the two to the
  same answers.
- A ``Source`` keeps what one file's clauses have asked (a word's ends, a gap's starts, whether a
  name is listed), and a clause's groups are tested cheapest first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from functools import cache

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup


class Source:
    """A source's bytes, with what has been looked up in them so far: the clauses of one source
    share words and parts (``memory``), each looked up once."""

    __slots__ = ("_ends", "_gaps", "_has", "_listed", "_star", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._has: dict[bytes, bool] = {}
        self._ends: dict[bytes, list[int]] = {}
        self._gaps: dict[int, list[int]] = {}
        self._listed: dict[bytes, bool] = {}
        self._star: bool | None = None

    def has(self, text: bytes) -> bool:
        """Is ``text`` anywhere in the source?"""
        found = self._has.get(text)
        if found is None:
            found = self._has[text] = self.data.find(text) >= 0
        return found

    def ends(self, text: bytes) -> list[int]:
        """Where ``text`` stands followed by no word character (a word ends there)."""
        places = self._ends.get(text)
        if places is None:
            data, places = self.data, []
            at = data.find(text)
            while at >= 0:
                end = at + len(text)
                if end == len(data) or data[end] not in _WORD:
                    places.append(at)
                at = data.find(text, at + 1)
            self._ends[text] = places
        return places

    def gap_starts(self, i: int) -> list[int]:
        """``_gap_starts`` before ``i``."""
        starts = self._gaps.get(i)
        if starts is None:
            starts = self._gaps[i] = _gap_starts(self.data, i)
        return starts

    def listed(self, name: bytes) -> bool:
        """Does ``name`` (followed by no word character) come after a dot, a comma, a bracket or
        ``import``, and a gap?"""
        found = self._listed.get(name)
        if found is None:
            data = self.data
            found = self._listed[name] = any(
                _ends_use(data, start) for at in self.ends(name) for start in self.gap_starts(at)
            )
        return found

    def star_import(self) -> bool:
        """``import *`` (a gap between)?"""
        if self._star is None:
            self._star = _star_import(self.data)
        return self._star

    def has_word(self, word: bytes) -> bool:
        """``word`` with no word character on either side (a pattern would cost a compile per word):
        from the word's ends if they are known, else searched up to the first (the caller keeps the
        answer)."""
        data = self.data
        places = self._ends.get(word)
        if places is not None:
            return any(at == 0 or data[at - 1] not in _WORD for at in places)
        at = data.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or data[at - 1] not in _WORD) and (end == len(data) or data[end] not in _WORD):
                return True
            at = data.find(word, at + 1)
        return False


class Spelling:
    """A way of writing a dotted path that a finding needs, as a pattern over the source (a
    group member, beside plain words).  Between tokens Python allows spaces, backslash line
    continuations, and inside brackets line breaks and comments: all of them are allowed here.
    The functions that make them make one object a name (compared, and hashed, as objects)."""

    def __init__(self, name: str, pattern: bytes | Callable[[], bytes], parts: tuple[str, ...] = ()) -> None:
        """``parts``: literal text that every match contains (the path's names): a source that
        lacks one is answered without compiling the pattern, which costs more than the search.
        ``pattern`` may be given as a function that builds it, for spellings that are searched
        without it (it is then built only when asked for)."""
        self.name = name
        self._pattern = pattern
        self.parts = tuple(part.encode() for part in parts)

    @property
    def pattern(self) -> bytes:
        if callable(self._pattern):
            self._pattern = self._pattern()
        return self._pattern

    def search(self, data: bytes) -> bool:
        """Is the spelling in ``data``?"""
        return self.found_in(Source(data))

    def found_in(self, source: Source) -> bool:
        if not all(source.has(part) for part in self.parts):
            return False
        return _compiled(self.pattern).search(source.data) is not None

    def __repr__(self) -> str:
        return f"Spelling({self.name!r})"


class _Dotted(Spelling):
    """``spelled_dotted``: the path's last part (followed by no word character), then the gaps, dots and
    parts before it read backwards: no pattern to compile, and only the last part's places are tried."""

    def found_in(self, source: Source) -> bool:
        *head, last = self.parts
        # First what the dotted paths that end alike share (no dot before ``memory`` anywhere).
        if (head and not source.listed(last)) or not all(source.has(part) for part in head):
            return False
        return any(_dotted_before(source, at, head) for at in source.ends(last))


class _Used(Spelling):
    """``used``: each name (followed by no word character) read backwards to a dot, a comma, a
    bracket or ``import`` (a gap between), or a star import: no pattern to compile, and a name is
    looked for as fast as a word is (a pattern that may start at any ``.``, ``,`` or ``(`` is not)."""

    def __init__(self, name: str, pattern: Callable[[], bytes], names: Iterable[str]) -> None:
        super().__init__(name, pattern)
        self.names = tuple(name.encode() for name in names)
        common = _common_part(self.names)
        self.searched = [(common, self.names)] if common else [(name, (name,)) for name in self.names]

    def found_in(self, source: Source) -> bool:
        """Each place of the text all the names have (``Memory``) is read to the end of its word,
        where one of the names must end: one search for them all, not one for each."""
        if len(self.names) == 1:  # what the source keeps for the name (its other spellings ask too)
            return source.listed(self.names[0]) or source.star_import()
        data = source.data
        for common, names in self.searched:
            at = data.find(common)
            while at >= 0:
                end = _WORD_END.match(data, at + len(common)).end()  # type: ignore[union-attr]  # always matches
                for name in names:
                    if data.endswith(name, 0, end) and any(
                        _ends_use(data, start) for start in source.gap_starts(end - len(name))
                    ):
                        return True
                at = data.find(common, end)
        return source.star_import()


def _common_part(names: tuple[bytes, ...]) -> bytes:
    """The longest text of at least four letters that each of ``names`` contains, or nothing."""
    shortest = min(names, key=len)
    for size in range(len(shortest), 3, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start : start + size]
            if all(part in name for name in names):
                return part
    return b""


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


@cache  # one object a module: the catalog's paths share their modules
def spelled_dotted(module: str) -> Spelling:
    """``module`` (or anything below it) spelled dotted, as ``import a.b`` and ``from a.b import x`` do."""
    return _Dotted(module, lambda: _dotted(module) + _END, tuple(module.split(".")))


class _FromParent(Spelling):
    """``from a import b``: the pattern, compiled and run only where ``b`` (followed by no word
    character) comes after ``import``, a comma or a bracket (or a dot) and a gap, as in every match
    of it (the name starts the import list, follows its bracket, or a comma): ``memory`` is a common
    word, a name imported much less so."""

    def found_in(self, source: Source) -> bool:
        if not source.listed(self.parts[-1]) or not all(source.has(part) for part in self.parts):
            return False
        return _compiled(self.pattern).search(source.data) is not None


class _Keyword(Spelling):
    """``_keyword_argument``: each place where a word ends (which the source keeps: ``memory`` is
    asked for by other spellings too), read forwards to a quote, or a gap and ``=`` (not ``==``)."""

    def __init__(self, name: str, pattern: bytes, words: Iterable[str]) -> None:
        super().__init__(name, pattern)
        self.words = tuple(word.encode() for word in words)

    def found_in(self, source: Source) -> bool:
        data = source.data
        for word in self.words:
            for at in source.ends(word):
                after = _gap_end(data, at + len(word))
                if data.startswith((b'"', b"'"), at + len(word)) or (
                    data.startswith(b"=", after) and not data.startswith(b"==", after)
                ):
                    return True
        return False


def _gap_end(data: bytes, at: int) -> int:
    """Where a gap that starts at ``at`` (the longest: a gap is spaces, line continuations and
    comments, none of them ``=`` or ``*``) ends."""
    while at < len(data):
        if data[at] in _GAP_BYTES:
            at += 1
        elif data[at] == _HASH:  # a comment: to the end of its line
            at = _line_end(data, at)
        else:
            break
    return at


_HASH = ord("#")


def _line_end(data: bytes, at: int) -> int:
    """Where the line that ``at`` is on ends (its ``\n`` or ``\r``, or the end of the source); the
    ``\r`` is looked for only before the ``\n``, so that a file with none is not read to its end."""
    newline = data.find(b"\n", at)
    end = len(data) if newline < 0 else newline
    carriage = data.find(b"\r", at, end)
    return end if carriage < 0 else carriage


# Reading a gap backwards.  ``_GAP`` read forwards is a run of gap characters and comments, a comment
# running from a ``#`` to the end of its line; so a gap that ends at ``i`` starts at the first character
# of the run of gap characters before ``i`` or, where that run holds a line break, at a ``#`` on the line
# the break ends (any of them: the pattern does not know which ``#`` starts the comment), and from
# there on the same way.  Only the places where no gap character comes before are given: a token ends
# there.  Each place is visited once, which keeps a line full of ``#`` linear; a ``Source`` keeps the
# answer for each ``i``, which the spellings of one source share.
_GAP_BYTES = frozenset(b" \t\f\r\n\\")


def _gap_starts(data: bytes, i: int) -> list[int]:
    """Where a gap that ends at ``i`` may start, each place after a character that is no gap character
    (or at 0)."""
    starts: list[int] = []
    stack, seen = [i], set()
    while stack:
        j = stack.pop()
        k = j
        while k and data[k - 1] in _GAP_BYTES:
            k -= 1
        if k in seen:
            continue
        seen.add(k)
        starts.append(k)
        if data.find(b"\n", k, j) < 0 and data.find(b"\r", k, j) < 0:
            continue
        newline = data.rfind(b"\n", 0, k)  # then a \r only after it: a file with none is not read back to its start
        line = max(newline, data.rfind(b"\r", newline + 1, k)) + 1
        comment = data.find(b"#", line, k)
        while comment >= 0:
            stack.append(comment)
            comment = data.find(b"#", comment + 1, k)
    return starts


def _ends_use(data: bytes, k: int) -> bool:
    """Does a dot, a comma, a bracket or ``import`` end at ``k``?"""
    return k > 0 and (data[k - 1] in b".,(" or data.endswith(b"import", 0, k))


def _dotted_before(source: Source, i: int, head: list[bytes]) -> bool:
    """Do the parts ``head`` end before ``i``, spelled dotted, with a gap, a dot and a gap before ``i``?"""
    if not head:
        return True
    data, part = source.data, head[-1]
    for dot in source.gap_starts(i):
        if dot and data[dot - 1] == _DOT:
            for end in source.gap_starts(dot - 1):
                if data.endswith(part, 0, end) and _dotted_before(source, end - len(part), head[:-1]):
                    return True
    return False


_DOT = ord(".")


def _star_import(data: bytes) -> bool:
    """``import *`` (a gap between)."""
    return _compiled(_STAR_IMPORT).search(data) is not None


_STAR_IMPORT = rb"import" + _GAP + rb"\*"


@cache
def imported(module: str) -> Group:
    """The ways an import statement reaches ``module`` (or anything below it): ``import a.b``,
    ``from a.b import x`` spell it dotted; ``from a import b`` spells ``a`` before ``import``."""
    parent, _, last = module.rpartition(".")
    dotted = spelled_dotted(module)
    if not parent:
        return frozenset({dotted})
    from_parent = _FromParent(
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
    return _used(tuple(sorted(names)))


@cache  # one object a name (the catalog names a class once a path)
def _used(names: tuple[str, ...]) -> Spelling:
    """``used`` of sorted names."""

    def pattern() -> bytes:  # what ``_Used`` reads by hand
        alternatives = b"|".join(re.escape(name.encode()) for name in names)
        # In an import list a name follows ``import``, ``(`` or ``,``: those, not the whole list.
        return rb"(?:[.,(]|import)" + _GAP + rb"(?:" + alternatives + rb")" + _END + rb"|import" + _GAP + rb"\*"

    return _Used("use of " + "|".join(names), pattern, names)


def _keyword_argument(words: Iterable[str]) -> Spelling:
    """``memory=`` (a keyword argument, or ``dict(memory=...)``) or ``"memory"`` (a dict key)."""
    names = b"|".join(re.escape(word.encode()) for word in sorted(words))
    pattern = rb"(?:" + names + rb")(?:(?![A-Za-z0-9_])" + _GAP + rb"=(?!=)|[\"'])"
    return _Keyword("keyword " + "|".join(sorted(words)), pattern, sorted(words))


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
def _seeds_by_wait() -> tuple[tuple[bytes, ...], tuple[tuple[bytes, bytes], ...]]:
    """``_seed_plan`` split: the seeds that wait for none, and the others with the one each waits for."""
    plan = _seed_plan()
    return tuple(seed for seed, gate in plan if gate is None), tuple((s, g) for s, g in plan if g is not None)


def _needs_text(member: Member, text: bytes) -> bool:
    """Is ``text`` in every source where ``member`` is spelled?"""
    if isinstance(member, str):
        return text in member.encode()
    return any(text in part for part in member.parts)


@cache
def _seed_plan() -> tuple[tuple[bytes, bytes | None], ...]:
    """Each seed with the earlier seed it waits for, if any: one that every clause started by a word
    with the seed in it needs (``EntityStore``: those classes live in ``langchain.memory.entity``, so
    ``emory``).  A source without that one has none of those clauses, so it is not searched for the
    seed: most sources are cleared after a search for each seed that waits for none."""
    clauses = [clause for clauses in requirements().values() for clause in clauses]
    firsts = [" ".join(map(str, clause[0])).encode() for clause in clauses]  # a seed holds no space
    plan: list[tuple[bytes, bytes | None]] = []
    for seed in seeds():
        started = [clause for clause, words in zip(clauses, firsts, strict=True) if seed in words]
        gate = next(
            (
                first
                for first, waits in plan
                if waits is None
                and all(any(all(_needs_text(m, first) for m in group) for group in clause) for clause in started)
            ),
            None,
        )
        plan.append((seed, gate))
    return tuple(plan)


@cache
def _index(codes: frozenset[str]) -> dict[bytes, tuple[_Rest, ...]]:
    """first-group word -> the rest of each clause it starts, for the clauses of ``codes``: its
    groups cheapest first, words as bytes, and one object for each spelling (the memo of a source
    keys them by identity)."""
    index: dict[bytes, list[_Rest]] = {}
    needs = requirements()
    spellings: dict[str, Spelling] = {}

    def test(member: Member) -> bytes | Spelling:
        return member.encode() if isinstance(member, str) else spellings.setdefault(member.name, member)

    for code in sorted(codes & needs.keys()):
        for first, *rest in needs[code]:
            tests = tuple(tuple(map(test, group)) for group in sorted(rest, key=_cost))
            for word in first:
                index.setdefault(str(word).encode(), []).append(tests)
    return {word: tuple(dict.fromkeys(rests)) for word, rests in index.items()}


_Rest = tuple[tuple[bytes | Spelling, ...], ...]  # a clause after its first group, as ``_needs`` tests it


def _cost(group: Group) -> int:
    """How many searches of the source a group may take: about one a member (``used`` looks for a
    text all its names share), so a group of 58 words up to 58.  The groups of a clause are tested
    cheapest first (the answer is the same in any order)."""
    return len(group)


@cache
def _compiled(pattern: bytes) -> re.Pattern[bytes]:
    return re.compile(pattern)  # on first use: compiling them all would cost every start-up


def _holds(rest: _Rest, source: Source, found: dict[bytes | int, bool]) -> bool:
    """Does every group of ``rest`` have a member in the source?  (Plain loops: this runs for every
    word a seed finds.)"""
    for group in rest:
        for member in group:
            key = member if isinstance(member, bytes) else id(member)
            hit = found.get(key)
            if hit is None:
                hit = found[key] = source.has_word(member) if isinstance(member, bytes) else member.found_in(source)
            if hit:
                break
        else:
            return False
    return True


def prepare(codes: Collection[str] | None = None) -> None:
    """Build now what the first source would (the clauses, the seed plan, the index for ``codes``,
    the patterns the hand reading still runs): a process that forks workers calls it once, before
    forking, so that no worker pays it again."""
    _index(frozenset(requirements()) if codes is None else frozenset(codes))
    _seeds_by_wait()
    _compiled(_STAR_IMPORT)
    for clauses in requirements().values():
        for clause in clauses:
            for group in clause:
                for member in group:
                    if isinstance(member, _FromParent):
                        _compiled(member.pattern)


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
    if data.find(b"langchain") < 0:  # find: `in` first tries the text as a number
        return False
    bases, waiting = _seeds_by_wait()
    firsts = []  # each seed there, where first (a loop: a comprehension costs a frame, in most files for nothing)
    for seed in bases:
        at = data.find(seed)
        if at >= 0:
            firsts.append((seed, at))
    if not firsts:
        return False  # most sources: a search for each seed that waits for none
    present = {seed for seed, _ in firsts}
    firsts += [(seed, at) for seed, gate in waiting if gate in present and (at := data.find(seed)) >= 0]
    index = _index(frozenset(requirements()) if codes is None else frozenset(codes))
    found: dict[bytes | int, bool] = {}  # a word, or a spelling's id
    source = Source(data)

    seen: set[bytes] = set()
    for seed, at in firsts:
        while at >= 0:
            start = at
            while start and data[start - 1] in _WORD:
                start -= 1
            end = _WORD_END.match(data, at + len(seed)).end()  # type: ignore[union-attr]  # always matches
            word = data[start:end]
            if word not in seen:
                seen.add(word)
                for rest in index.get(word, ()):
                    if _holds(rest, source, found):
                        return True
            at = data.find(seed, end)
    return False
