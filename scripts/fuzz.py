"""Fuzz lint-memory: generated programs through the engine, the three front ends and the fixer.

    python scripts/fuzz.py --minutes 10            # until the time is up; prints the count and every failure
    python scripts/fuzz.py --minutes 1 --save DIR  # also keep each failing program in DIR
    python scripts/fuzz.py --batches 2 --seed 7    # a fixed amount of work

Programs come from two sources: hypothesmith (valid Python from the grammar and from libcst's node types)
and the repository's rule fixtures (tests/fixtures/rules/*.py); both are mutated by inserting legacy
LangChain memory code (imports, ``ConversationBufferMemory()``, ``ConversationChain(memory=...)``,
``memory.save_context(...)``...) wrapped in every syntactic context: functions, async functions, classes,
methods, branches, loops, try/except, with, match, comprehensions, lambdas, decorators, default arguments,
annotations, ``if TYPE_CHECKING``, walrus, global, nonlocal and deep nesting.  A few lines carry ``# noqa``
comments; some files are written with CRLF or CR line ends, a BOM or a coding cookie.
Every program compiles on the running Python.

Properties, checked per batch of files (one subprocess per tool and batch, so it stays fast):

* ``engine``: ``engine.check_source`` never raises on valid Python;
* ``agree``: ``lint-memory check --output-format json`` and ``flake8 --select LCM`` report the same set of
  (line, code) on every file, and so do ``pylint --load-plugins lint_memory.pylint_plugin --disable=all
  --enable=<default symbols>`` and ``flake8 --select LCM`` (the plugin honours ``# noqa`` as flake8 does);
* ``fix``: ``lint-memory check --fix --unsafe-fixes`` leaves code that compiles, and a second run changes
  no byte.

A file a host tool cannot check by itself is left out of the comparisons with that tool, with a ``[note]``:
pylint failing on it without our plugin too (astroid's own crash, or its syntax-error on CR line ends from
Python 3.12), and flake8 crashing on it with a traceback that does not pass through lint-memory (pycodestyle's
``IndexError`` in ``_is_string_literal`` on a file of comments, tabs and lone CR line ends).

tests/test_fuzz.py runs a bounded amount of this inside the test suite; this script is the long run.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "rules").glob("*.py"))
TIMEOUT = 600

# --- legacy code to insert ------------------------------------------------------------------------
IMPORTS = [
    "from langchain.memory import ConversationBufferMemory",
    "from langchain.memory import ConversationBufferMemory as Memory",
    "from langchain.memory import ConversationSummaryMemory, ConversationBufferWindowMemory",
    "from langchain.chains import ConversationChain",
    "from langchain.chains.conversation.memory import ConversationBufferMemory",
    "from langchain_classic.memory import ConversationBufferMemory",
    "from langchain.memory import ChatMessageHistory",
    "from langchain.schema import BaseMemory",
    "import langchain.memory",
    "import langchain.memory as lcm",
    "from langchain import memory as lc_memory",
    "from langchain.memory import *",
]
STATEMENTS = [
    "memory = ConversationBufferMemory()",
    "memory = ConversationBufferMemory(return_messages=True)",
    "memory = Memory(memory_key='chat_history')",
    "memory = langchain.memory.ConversationBufferMemory()",
    "memory = lcm.ConversationSummaryMemory(llm=llm)",
    "memory = lc_memory.ConversationBufferWindowMemory(k=3)",
    "chain = ConversationChain(llm=llm, memory=memory)",
    "chain = ConversationChain(llm=llm)",
    "memory.save_context({'input': 'hi'}, {'output': 'hello'})",
    "memory.load_memory_variables({})",
    "memory.chat_memory.add_user_message('hi')",
    "history = ChatMessageHistory()",
    "window = ConversationBufferWindowMemory(k=2)",
    "summary = ConversationSummaryMemory(llm=llm)",
]
NOQA = ["  # noqa", "  # noqa: LCM100", "  # noqa:LCM4", "  # NOQA: LCM100,LCM400", "  # noqa: E501", "  # noqa:LCM3"]


def legacy_block(rng: random.Random) -> list[str]:
    """One or two imports and one to three statements that use legacy memory, a few with a noqa comment."""
    lines = rng.sample(IMPORTS, rng.randint(1, 2))
    lines += rng.sample(STATEMENTS, rng.randint(1, 3))
    return [line + rng.choice(NOQA) if rng.random() < 0.1 else line for line in lines]


def _indent(lines: list[str], depth: int = 1) -> list[str]:
    return [("    " * depth + line) if line else line for line in lines]


def _unique(rng: random.Random, stem: str) -> str:
    return f"{stem}_{rng.randrange(10**6)}"


# Each context turns a block of legacy lines into valid statements placed at any indentation.
def _plain(block: list[str], rng: random.Random) -> list[str]:
    return block


def _function(block: list[str], rng: random.Random) -> list[str]:
    return [f"def {_unique(rng, 'build')}(llm=None):", *_indent(block), "    return locals()"]


def _async_function(block: list[str], rng: random.Random) -> list[str]:
    return [
        f"async def {_unique(rng, 'serve')}(llm=None):",
        *_indent(block),
        "    await memory.asave_context({'input': 'a'}, {'output': 'b'})",
    ]


def _class_body(block: list[str], rng: random.Random) -> list[str]:
    return [f"class {_unique(rng, 'Holder')}:", *_indent(block)]


def _method(block: list[str], rng: random.Random) -> list[str]:
    body = [*block, "self.memory = memory"]
    return [
        f"class {_unique(rng, 'Bot')}:",
        "    def __init__(self, llm=None):",
        *_indent(body, 2),
        "    def ask(self, text):",
        "        return self.memory.load_memory_variables({'q': text})",
    ]


def _subclass(block: list[str], rng: random.Random) -> list[str]:
    return [*block[:1], f"class {_unique(rng, 'MyMemory')}(ConversationBufferMemory):", "    k: int = 3"]


def _branch(block: list[str], rng: random.Random) -> list[str]:
    return ["if llm is not None:", *_indent(block), "elif llm == 0:", "    pass", "else:", *_indent(block[:1])]


def _loop(block: list[str], rng: random.Random) -> list[str]:
    return ["for _ in range(2):", *_indent(block), "else:", "    pass", "while False:", *_indent(block), "    break"]


def _try(block: list[str], rng: random.Random) -> list[str]:
    return [
        "try:",
        *_indent(block),
        "except (ImportError, NameError) as error:",
        *_indent(block[:1]),
        "    memory = None",
        "else:",
        "    pass",
        "finally:",
        "    pass",
    ]


def _with(block: list[str], rng: random.Random) -> list[str]:
    return ["import contextlib", "with contextlib.suppress(Exception) as ctx:", *_indent(block)]


def _match(block: list[str], rng: random.Random) -> list[str]:
    return [
        "match llm:",
        "    case None:",
        *_indent(block, 2),
        "    case {'memory': memory}:",
        "        chain = ConversationChain(llm=llm, memory=memory)",
        "    case _:",
        "        pass",
    ]


def _comprehension(block: list[str], rng: random.Random) -> list[str]:
    return [
        *block[:1],
        "memories = [ConversationBufferMemory(k=i) for i in range(3) if i]",
        "by_key = {i: ConversationBufferMemory() for i in range(2)}",
        "gen = (m.save_context({}, {}) for m in memories)",
    ]


def _lambda(block: list[str], rng: random.Random) -> list[str]:
    return [
        *block[:1],
        "make = lambda llm=None: ConversationBufferMemory(memory_key='h')",
        "chain_of = lambda m: ConversationChain(llm=llm, memory=m)",
        "memory = make()",
    ]


def _decorator(block: list[str], rng: random.Random) -> list[str]:
    return [
        *block[:1],
        "@functools.lru_cache(maxsize=None)",
        "@register(memory=ConversationBufferMemory())",
        f"def {_unique(rng, 'handler')}(memory=ConversationBufferMemory()):",
        *_indent(block[1:] or ["pass"]),
    ]


def _annotation(block: list[str], rng: random.Random) -> list[str]:
    return [
        *block[:1],
        f"def {_unique(rng, 'use')}(memory: ConversationBufferMemory, chain: 'ConversationChain'):",
        "    memory.save_context({'input': 'x'}, {'output': 'y'})",
        "    value: ConversationBufferMemory = memory",
        "    return value",
    ]


def _walrus(block: list[str], rng: random.Random) -> list[str]:
    return [
        *block[:1],
        "if (memory := ConversationBufferMemory()) is not None:",
        "    print(memory.load_memory_variables({}))",
        "values = [y for x in [1] if (y := memory)]",
    ]


def _global(block: list[str], rng: random.Random) -> list[str]:
    return [f"def {_unique(rng, 'install')}(llm=None):", "    global memory, chain", *_indent(block)]


def _nonlocal(block: list[str], rng: random.Random) -> list[str]:
    return [
        f"def {_unique(rng, 'outer')}(llm=None):",
        "    memory = chain = None",
        "    def inner():",
        "        nonlocal memory, chain",
        *_indent(block, 2),
        "    inner()",
        "    return memory",
    ]


def _async_constructs(block: list[str], rng: random.Random) -> list[str]:
    return [
        *block[:1],
        f"async def {_unique(rng, 'stream')}(llm=None):",
        "    async with session() as s:",
        *_indent(block[1:] or ["pass"], 2),
        "    async for item in s:",
        "        memory = ConversationBufferMemory()",
        "        await chain.ainvoke({'input': item})",
        "    return [m async for m in s if isinstance(m, ConversationBufferMemory)]",
    ]


def _deep(block: list[str], rng: random.Random) -> list[str]:
    depth = rng.randint(10, 190)  # CPython refuses 200 nested parentheses
    opener, closer = rng.choice([("[", "]"), ("(", ",)"), ("(lambda: ", ")"), ("{'k': ", "}"), ("f(", ")")])
    return [*block, f"deep = {opener * depth}ConversationBufferMemory(){closer * depth}"]


def _type_checking(block: list[str], rng: random.Random) -> list[str]:
    return [
        "from typing import TYPE_CHECKING",
        "if TYPE_CHECKING:",
        *_indent(block[:1]),
        f"def {_unique(rng, 'typed')}(memory: 'ConversationBufferMemory | None' = None) -> None:",
        "    pass",
    ]


CONTEXTS: dict[str, Callable[[list[str], random.Random], list[str]]] = {
    "plain": _plain,
    "function": _function,
    "async_function": _async_function,
    "class_body": _class_body,
    "method": _method,
    "subclass": _subclass,
    "branch": _branch,
    "loop": _loop,
    "try": _try,
    "with": _with,
    "match": _match,
    "comprehension": _comprehension,
    "lambda": _lambda,
    "decorator": _decorator,
    "annotation": _annotation,
    "walrus": _walrus,
    "global": _global,
    "nonlocal": _nonlocal,
    "async": _async_constructs,
    "deep": _deep,
    "type_checking": _type_checking,
}


# --- inserting into a program ---------------------------------------------------------------------
def _compiles(source: str | bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fuzz>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return False
    return True


def insertion_points(source: str) -> list[tuple[int, str]]:
    """(0-based line index, indentation) before which a statement block can go: the first line of a
    statement (of its first decorator) that starts its line, after any ``from __future__`` imports."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lines = source.splitlines()
    after_future = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            after_future = node.end_lineno or node.lineno
    points = {(len(lines), "")}  # the end of the module
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        decorators = getattr(node, "decorator_list", None) or []
        first = min([node.lineno, *(d.lineno for d in decorators)])  # the `@` line of the first decorator
        index = first - 1
        if index < after_future or index >= len(lines):
            continue
        line = lines[index]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        stripped = line.lstrip(" \t")
        if not stripped or not (stripped[0] == "@" or node.col_offset == len(indent)):
            continue  # not the first statement on its line (``a; b``, ``if x: y``)
        if "\t" in indent:
            continue  # mixing our spaces with the program's tabs would not compile
        points.add((index, indent))
    return sorted(points)


def mutate(source: str, rng: random.Random, insertions: int = 2) -> str | None:
    """The program with legacy blocks inserted at random statement boundaries; None when none compiles."""
    current = source if source.endswith("\n") or not source else source + "\n"
    done = 0
    for _ in range(insertions * 4):
        if done == insertions:
            break
        points = insertion_points(current)
        if not points:
            return None
        index, indent = rng.choice(points)
        context = rng.choice(list(CONTEXTS))
        block = [indent + line if line else line for line in CONTEXTS[context](legacy_block(rng), rng)]
        lines = current.splitlines(keepends=True)
        candidate = "".join(lines[:index]) + "\n".join(block) + "\n" + "".join(lines[index:])
        if _compiles(candidate):
            current, done = candidate, done + 1
    return current if done else None


def fixture_programs(rng: random.Random) -> Iterator[str]:
    """Rule fixtures with legacy code inserted, endlessly."""
    texts = [path.read_text(encoding="utf-8") for path in FIXTURES]
    while True:
        program = mutate(rng.choice(texts), rng, insertions=rng.randint(1, 4))
        if program is not None:
            yield program


def hypothesmith_programs(count: int, seed: int, *, nodes: bool = False) -> list[str]:
    """``count`` programs from hypothesmith's grammar strategy (``nodes``: its libcst node strategy, about ten
    times slower and mostly tiny programs), reproducible by seed."""
    import hypothesmith
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    found: list[str] = []

    @seeded(seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(hypothesmith.from_node() if nodes else hypothesmith.from_grammar())
    def collect(source: str) -> None:
        found.append(source)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect()
    return [source for source in found if _compiles(source)][:count]


def dress(source: str, rng: random.Random) -> str:
    """The same program as another file could spell it: CRLF or CR line ends, a BOM, a coding cookie.
    A program that holds line ends of its own (a backslash before a CR) may not survive the change: then it
    keeps its own spelling."""
    original = source
    roll = rng.random()
    if roll < 0.1:
        source = source.replace("\n", "\r\n")
    elif roll < 0.13:
        source = source.replace("\n", "\r")
    roll = rng.random()
    if roll < 0.05:
        source = "\ufeff" + source
    elif roll < 0.1 and not source.startswith("#!"):
        source = "# -*- coding: utf-8 -*-\n" + source
    return source if source == original or _compiles(source.removeprefix("\ufeff")) else original


def make_batch(rng: random.Random, size: int, seed: int, *, nodes: bool = True) -> list[str]:
    """About half mutated fixtures, half hypothesmith programs (most of them mutated too); with ``nodes`` a
    tenth of the batch comes from hypothesmith's slow libcst node strategy."""
    fixtures = fixture_programs(rng)
    programs = [next(fixtures) for _ in range(size - size // 2)]
    from_nodes = size // 10 if nodes else 0
    generated = hypothesmith_programs(size // 2 - from_nodes, seed)
    generated += hypothesmith_programs(from_nodes, seed, nodes=True) if from_nodes else []
    for source in generated:
        mutated = mutate(source, rng, insertions=rng.randint(1, 2)) if rng.random() < 0.8 else None
        programs.append(mutated or source)
    return [dress(program, rng) for program in programs]


# --- the properties -------------------------------------------------------------------------------
@dataclass
class Failure:
    prop: str  # engine, agree, fix
    name: str  # the file in the batch
    detail: str
    source: str

    def __str__(self) -> str:
        return f"[{self.prop}] {self.name}: {self.detail}"


@dataclass
class Result:
    programs: int = 0
    agreed: int = 0
    failures: list[Failure] = field(default_factory=list)


def check_engine(programs: dict[str, str]) -> list[Failure]:
    from lint_memory import engine

    failures = []
    for name, source in programs.items():
        try:
            engine.check_source(source.removeprefix("\ufeff"), name)
        # The property: nothing escapes on valid Python.
        except Exception as error:
            failures.append(Failure("engine", name, f"{type(error).__name__}: {error}", source))
    return failures


def _tool(name: str) -> list[str]:
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.is_file() else [sys.executable, "-m", name.replace("-", "_")]


def default_symbols() -> dict[str, str]:
    """pylint symbol -> code for the rules on by default."""
    from lint_memory.rules import LINT_RULES

    return {rule.pylint_symbol: rule.code for rule in LINT_RULES if rule.default and rule.pylint_symbol}


def commands(files: list[str]) -> dict[str, list[str]]:
    symbols = ",".join(default_symbols())
    return {
        "cli": [*_tool("lint-memory"), "check", "--isolated", "--output-format", "json", "--exit-zero", "."],
        "flake8": [
            sys.executable,
            "-m",
            "flake8",
            "--isolated",
            "--select",
            "LCM",
            "--format",
            "%(path)s\t%(row)d\t%(code)s",
            *files,
        ],
        "pylint": [
            sys.executable,
            "-m",
            "pylint",
            "--load-plugins",
            "lint_memory.pylint_plugin",
            "--disable=all",
            f"--enable={symbols}",
            "--output-format=json2",
            "--score=n",
            "--persistent=n",
            *files,
        ],
    }


Found = dict[str, set[tuple[int, str]]]


def _parse(tool: str, out: str, folder: Path) -> Found:
    found: Found = {}

    def add(path: str, row: int, code: str) -> None:
        found.setdefault(Path(path).name, set()).add((row, code))

    if tool == "cli":
        for item in json.loads(out or "[]"):
            add(item["filename"], item["location"]["row"], item["code"])
    elif tool.startswith("flake8"):
        for line in out.splitlines():
            path, row, code = line.split("\t")
            if code.startswith("LCM"):
                add(path, int(row), code)
    else:
        by_symbol = default_symbols()
        for item in json.loads(out or '{"messages": []}')["messages"]:
            code = by_symbol.get(item["symbol"], item["symbol"] if item["symbol"].endswith("error") else None)
            if code:
                add(item["path"], item["line"], code)
    return found


def _fatal_messages(tool: str, out: str) -> str:
    """pylint's fatal messages (crashes of astroid or of a checker are reported there, not on stderr)."""
    if tool != "pylint":
        return ""
    try:
        items = json.loads(out)["messages"]
    except (ValueError, KeyError, TypeError):
        return f" (stdout: {out[-500:]!r})"
    fatal = [
        f"{item['path']}:{item['line']} {item['symbol']}: {item['message'][:600]}"
        for item in items
        if item.get("type") == "fatal" or item["symbol"] in ("astroid-error", "fatal", "parse-error")
    ]
    return "".join(f"\n    {line}" for line in fatal)


PYLINT_FAILS = ("astroid-error", "syntax-error")  # pylint could not check the file (every program compiles)


def _pylint_crashes(out: str) -> set[str]:
    """Files pylint reports a crash (``astroid-error``) or a ``syntax-error`` for."""
    try:
        items = json.loads(out)["messages"]
    except (ValueError, KeyError, TypeError):
        return set()
    return {Path(item["path"]).name for item in items if item["symbol"] in PYLINT_FAILS}


def crashes_without_plugin(folder: Path, name: str) -> bool:
    """Whether pylint fails on the file without lint-memory's plugin too (pylint's own bug, not ours)."""
    command = [
        sys.executable,
        "-m",
        "pylint",
        "--disable=all",
        "--enable=unused-import",
        "--output-format=json2",
        "--score=n",
        "--persistent=n",
        name,
    ]
    done = subprocess.run(
        command, check=False, cwd=folder, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT
    )
    return name in _pylint_crashes(done.stdout)


def flake8_crashes_upstream(folder: Path, files: list[str]) -> set[str]:
    """The files flake8 crashes on by itself (a traceback that does not pass through lint-memory, e.g.
    pycodestyle's ``IndexError`` on a file of comments and CR line ends): flake8's bug, not ours."""
    crashed = set()
    for name in files:
        done = subprocess.run(
            [*commands([name])["flake8"], "--jobs", "1"],
            check=False,
            cwd=folder,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
        )
        if "Traceback" in done.stderr and "lint_memory" not in done.stderr:
            crashed.add(name)
    return crashed


def run_front_ends(folder: Path, files: list[str]) -> tuple[dict[str, Found], list[str], set[str], set[str]]:
    """Each tool's findings per file, the tools that failed to run (crash, traceback), the files pylint
    crashes on without our plugin too (left out of the pylint comparison) and those flake8 crashes on by
    itself (left out of every comparison with flake8)."""
    processes = {
        tool: subprocess.Popen(
            command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        )
        for tool, command in commands(files).items()
    }
    results: dict[str, Found] = {}
    broken = []
    upstream: set[str] = set()
    flake8_upstream: set[str] = set()
    for tool, process in processes.items():
        out, err = process.communicate(timeout=TIMEOUT)
        bad = process.returncode & (1 | 32) if tool == "pylint" else process.returncode not in (0, 1)
        bad = bad or (tool == "cli" and process.returncode != 0)
        if tool == "pylint" and bad and "Traceback" not in err and not process.returncode & 32:
            crashed = _pylint_crashes(out)
            upstream = {name for name in crashed if crashes_without_plugin(folder, name)}
            bad = bool(crashed - upstream) or not crashed  # a fatal message that is not pylint's own crash
        if tool == "flake8" and (bad or "Traceback" in err) and "lint_memory" not in err:
            skipped = flake8_crashes_upstream(folder, files)
            if skipped:  # again without the files flake8 itself cannot check; they count as finding nothing
                for name in sorted(skipped):
                    print(f"[note] {name}: flake8 crashes on it by itself (left out of the comparison)", flush=True)
                flake8_upstream.update(skipped)
                done = subprocess.run(
                    commands([name for name in files if name not in skipped])["flake8"],
                    check=False,
                    cwd=folder,
                    capture_output=True,
                    text=True,
                    encoding="utf-8",
                    timeout=TIMEOUT,
                )
                out, err = done.stdout, done.stderr
                bad = done.returncode not in (0, 1)
        if bad or "Traceback" in err:
            broken.append(f"{tool} exit {process.returncode}: {err.strip()[-1500:]}{_fatal_messages(tool, out)}")
            continue
        results[tool] = _parse(tool, out, folder)
    return results, broken, upstream, flake8_upstream


def check_agreement(folder: Path, programs: dict[str, str]) -> tuple[list[Failure], int]:
    """Failures, and how many (file, line, code) findings all the tools that ran agreed on."""
    results, broken, upstream, flake8_upstream = run_front_ends(folder, sorted(programs))
    failures = [Failure("agree", "<batch>", message, "") for message in broken]
    if "pylint" in results:  # pylint's syntax-error on a file CPython compiles: is it pylint's own?
        refused = {name for name, found in results["pylint"].items() if {code for _, code in found} & set(PYLINT_FAILS)}
        upstream |= {name for name in refused if crashes_without_plugin(folder, name)}
    for name in sorted(upstream):
        print(
            f"[note] {name}: pylint fails on it without lint-memory's plugin too (left out of the pylint comparison)",
            flush=True,
        )
    agreed = 0
    if len(results) < 3:
        return failures, agreed
    for name, source in programs.items():
        if name in flake8_upstream:
            pairs = [("cli", "pylint")] if name not in upstream else []
        else:
            pairs = [("cli", "flake8")] + ([("pylint", "flake8")] if name not in upstream else [])
        for pair in pairs:
            per_tool = {tool: results[tool].get(name, set()) for tool in pair}
            first, second = per_tool.values()
            if first != second:
                detail = "; ".join(
                    f"{tool} also {sorted(found - first.intersection(second))}"
                    for tool, found in per_tool.items()
                    if found - first.intersection(second)
                )
                failures.append(Failure("agree", name, f"{detail} (both have {len(first & second)})", source))
        if name not in upstream and name not in flake8_upstream:
            agreed += len(set.intersection(*(found.get(name, set()) for found in results.values())))
    return failures, agreed


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.py"))}


def check_fix(folder: Path, programs: dict[str, str]) -> list[Failure]:
    command = [*_tool("lint-memory"), "check", "--isolated", "--fix", "--unsafe-fixes", "--exit-zero", "."]
    first = subprocess.run(
        command, check=False, cwd=folder, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT
    )
    if first.returncode != 0 or "Traceback" in first.stderr:
        return [Failure("fix", "<batch>", f"exit {first.returncode}: {first.stderr.strip()[-1500:]}", "")]
    failures = []
    fixed = _snapshot(folder)
    for name, data in fixed.items():
        if not _compiles(data):
            failures.append(Failure("fix", name, "the fixed code does not compile", programs[name]))
    second = subprocess.run(
        command, check=False, cwd=folder, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT
    )
    again = _snapshot(folder)
    for name in fixed:
        if again[name] != fixed[name]:
            failures.append(Failure("fix", name, "a second --fix changed the file again", programs[name]))
    if second.returncode != 0:
        failures.append(Failure("fix", "<batch>", f"second run exit {second.returncode}: {second.stderr[-800:]}", ""))
    return failures


def check_batch(programs: list[str], workdir: Path | None = None) -> tuple[list[Failure], int]:
    """All three properties on one batch of programs: the failures, and the number of findings the three
    front ends agreed on (a batch where they agree on nothing would prove little)."""
    named = {f"p{index:04d}.py": source for index, source in enumerate(programs)}
    with tempfile.TemporaryDirectory(prefix="lint-memory-fuzz-", dir=workdir) as tmp:
        root = Path(tmp)
        lint, fix = root / "lint", root / "fix"
        for folder in (lint, fix):
            folder.mkdir()
            for name, source in named.items():
                with open(folder / name, "w", encoding="utf-8", newline="") as handle:
                    handle.write(source)
        failures = check_engine(named)
        disagreements, agreed = check_agreement(lint, named)
        failures += disagreements
        failures += check_fix(fix, named)
    return failures, agreed


def run(seconds: float | None, batches: int | None, size: int, seed: int, save: Path | None) -> Result:
    rng = random.Random(seed)
    result = Result()
    start = time.monotonic()
    batch = 0
    while True:
        if batches is not None and batch >= batches:
            break
        if seconds is not None and time.monotonic() - start >= seconds:
            break
        programs = make_batch(rng, size, seed + batch)
        failures, agreed = check_batch(programs)
        result.programs += len(programs)
        result.agreed += agreed
        result.failures += failures
        for failure in failures:
            print(failure, flush=True)
        if save is not None and failures:
            folder = save / f"batch{batch:03d}"  # the whole batch: a failure of a tool's run names no file
            folder.mkdir(parents=True, exist_ok=True)
            for index, source in enumerate(programs):
                with open(folder / f"p{index:04d}.py", "w", encoding="utf-8", newline="") as handle:
                    handle.write(source)
        batch += 1
        print(
            f"batch {batch}: {result.programs} programs, {result.agreed} findings agreed on, "
            f"{len(result.failures)} failures, "
            f"{time.monotonic() - start:.0f}s",
            file=sys.stderr,
            flush=True,
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=None, help="run until this much time has passed")
    parser.add_argument(
        "--batches", type=int, default=None, help="run this many batches (default: 1 without --minutes)"
    )
    parser.add_argument("--size", type=int, default=40, help="programs per batch (default: 40)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", type=Path, default=None, help="write each failing program into this folder")
    args = parser.parse_args()
    batches = args.batches if args.batches is not None or args.minutes is not None else 1
    seconds = args.minutes * 60 if args.minutes is not None else None
    result = run(seconds, batches, args.size, args.seed, args.save)
    print(
        f"{result.programs} programs tried, {result.agreed} findings agreed on by the three front ends, "
        f"{len(result.failures)} failures"
    )
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
