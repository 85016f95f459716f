"""What the pylint plugin costs: pylint with and without it on a generated project, in the same run.

    python benchmarks/bench_pylint.py                 # 320 files, 3 rounds, pylint's default checks
    python benchmarks/bench_pylint.py --files 600 --rounds 5 --jobs 2
    python benchmarks/bench_pylint.py tests/fixtures/cases              # real files instead
    python benchmarks/bench_pylint.py ~/.cache/lint-memory-bench/tree/langchain/memory

A package of ordinary modules (models, services, utilities, API handlers, importing each other) is
generated in a temporary directory; one module in eight is legacy LangChain code (memory classes,
``memory=`` on chains, the memory API, subclasses and helpers spread over modules, re-exports).
Each round runs ``pylint`` without the plugin and ``pylint --load-plugins lint_memory.pylint_plugin``
with otherwise the same options (pylint's default checks but ``duplicate-code``), alternating so
that both see the same machine state.  The best time of each is kept and their ratio printed.  The
ratio is taken on CPU time (pylint and its ``--jobs`` workers), which other processes on a shared
machine disturb far less than wall time; the wall-time ratio is printed too.  The plugin must add
at most 10% (ratio <= 1.10).

Compare normal runs.  ``pylint --disable=all --enable=<our symbols>`` without the plugin does not
lint at all (the symbols are unknown: "No files to lint", exit 32), so it is no baseline; with the
plugin, such a run still pays for astroid building each module, and on code that imports an
installed LangChain, for astroid's own inference into it while it builds (pylint pays that in a
normal run too, plugin or not).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "benchapp"
AREAS = ("models", "services", "utils", "api", "storage")
LEGACY_EVERY = 8  # one module in eight is legacy LangChain code
BUDGET = 1.10

_STDLIB_IMPORTS = (
    "import json",
    "import logging",
    "import os",
    "import re",
    "from collections import defaultdict",
    "from dataclasses import dataclass, field",
    "from datetime import datetime, timedelta",
    "from pathlib import Path",
    "from typing import Any, Iterable, Optional",
)

_PLAIN_MODULE = '''\
"""{area} helpers for {name}: generated for the lint-memory pylint benchmark."""
{imports}

LOGGER = logging.getLogger(__name__)
LIMIT = {limit}


@dataclass
class {cls}:
    """A record the {area} layer passes around."""

    key: str
    size: int = 0
    tags: list = field(default_factory=list)
    created: datetime = field(default_factory=datetime.now)

    def describe(self) -> str:
        return f"{{self.key}} ({{self.size}}) tagged {{', '.join(self.tags) or 'nothing'}}"

    def is_large(self) -> bool:
        return self.size > LIMIT

    def expire(self, days: int = 7) -> datetime:
        return self.created + timedelta(days=days)


class {cls}Index:
    """Groups records by tag and keeps a small cache of lookups."""

    def __init__(self, records: Iterable[{cls}] = ()) -> None:
        self.by_tag = defaultdict(list)
        self.cache = {{}}
        for record in records:
            self.add(record)

    def add(self, record: {cls}) -> None:
        for tag in record.tags or ["untagged"]:
            self.by_tag[tag].append(record)
        self.cache.clear()

    def find(self, tag: str) -> list:
        if tag not in self.cache:
            self.cache[tag] = sorted(self.by_tag.get(tag, []), key=lambda r: r.size, reverse=True)
        return self.cache[tag]

    def largest(self, count: int = 3) -> list:
        everything = [r for records in self.by_tag.values() for r in records]
        return sorted(everything, key=lambda r: r.size, reverse=True)[:count]


def load_{fn}(path: str) -> list:
    """Read records from a JSON file, skipping malformed entries."""
    records = []
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        LOGGER.warning("cannot read %s: %s", path, error)
        return records
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or "key" not in item:
            continue
        records.append({cls}(key=str(item["key"]), size=int(item.get("size", 0)), tags=list(item.get("tags", []))))
    return records


def summarize_{fn}(records: Iterable[{cls}]) -> dict:
    totals: dict = defaultdict(int)
    for record in records:
        for tag in record.tags:
            totals[tag] += record.size
    pattern = re.compile(r"^[a-z]+$")
    return {{tag: total for tag, total in totals.items() if pattern.match(tag)}}


def env_{fn}(name: str, default: Optional[str] = None) -> Any:
    value = os.environ.get(name.upper(), default)
    return value.strip() if isinstance(value, str) else value
{uses}'''

_USE_NEIGHBOUR = """

def combined_{fn}(path: str) -> dict:
    from {package}.{other_area}.{other} import {other_cls}Index, load_{other_fn}

    index = {other_cls}Index(load_{other_fn}(path))
    return {{"largest": [r.describe() for r in index.largest()], "count": len(index.find("a"))}}
"""

_LEGACY_BASE = '''\
"""Legacy LangChain memory setup (LangChain 0.1 style) for {name}."""
from langchain.chains import ConversationChain, LLMChain
from langchain.memory import ConversationBufferMemory, ConversationSummaryMemory
from langchain.memory.chat_memory import BaseChatMemory


class {cls}Memory(BaseChatMemory):
    """Project-wide base for chat memories."""

    user_id: str = "anonymous"


def make_{fn}_memory(key: str = "history"):
    return ConversationBufferMemory(memory_key=key, return_messages=True)


SHARED_{upper} = ConversationSummaryMemory(llm=None)


def build_{fn}_chain(llm, prompt):
    memory = make_{fn}_memory()
    memory.save_context({{"input": "hello"}}, {{"output": "hi"}})
    return LLMChain(llm=llm, prompt=prompt, memory=memory), ConversationChain(llm=llm, memory=memory)
'''

_LEGACY_USER = '''\
"""Code that uses the legacy memory helpers of {base_module} without naming LangChain."""
import logging

from {package}.legacy.{base_module} import SHARED_{upper}, {cls}Memory, make_{fn}_memory
from {package}.legacy.{base_module} import ConversationBufferMemory as Buffer

LOGGER = logging.getLogger(__name__)


class Team{cls}Memory({cls}Memory):
    team: str = "core"


class {cls}Assistant:
    def __init__(self, name: str) -> None:
        self.name = name
        self.memory = make_{fn}_memory()

    def remember(self, question: str, answer: str) -> None:
        self.memory.save_context({{"input": question}}, {{"output": answer}})
        LOGGER.debug("%s remembered %d chars", self.name, len(question) + len(answer))

    def history(self) -> dict:
        return self.memory.load_memory_variables({{}})


def run_{fn}(tool, question: str):
    return tool.run(question, memory=make_{fn}_memory()), SHARED_{upper}.buffer


def scratch_{fn}():
    return Buffer(return_messages=True)
'''


def generate(root: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` modules below ``root / PACKAGE``; return their paths."""
    rng = random.Random(seed)
    package = root / PACKAGE
    written: list[Path] = []
    plain: list[tuple[str, str, str, str]] = []  # (area, module, class, function)
    for area in (*AREAS, "legacy"):
        (package / area).mkdir(parents=True, exist_ok=True)
        (package / area / "__init__.py").write_text(f'"""{area}."""\n', encoding="utf-8")
    (package / "__init__.py").write_text('"""Generated benchmark package."""\n', encoding="utf-8")
    written += [package / "__init__.py", *(package / area / "__init__.py" for area in (*AREAS, "legacy"))]
    index = 0
    while len(written) < count:
        index += 1
        if index % LEGACY_EVERY == 0:
            written += _legacy_pair(package, index)
            continue
        area = AREAS[index % len(AREAS)]
        name, cls, fn = f"{area}_{index:04d}", f"Record{index}", f"records_{index}"
        uses = ""
        if plain and rng.random() < 0.6:
            other_area, other, other_cls, other_fn = rng.choice(plain)
            uses = _USE_NEIGHBOUR.format(
                fn=fn, package=PACKAGE, other_area=other_area, other=other, other_cls=other_cls, other_fn=other_fn
            )
        imports = "\n".join(sorted(set(_STDLIB_IMPORTS) | {"import logging", "import json"}))
        text = _PLAIN_MODULE.format(
            area=area, name=name, imports=imports, limit=rng.randint(10, 5000), cls=cls, fn=fn, uses=uses
        )
        path = package / area / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        plain.append((area, name, cls, fn))
    return written


def _legacy_pair(package: Path, index: int) -> list[Path]:
    base_module, cls, fn = f"memory_{index:04d}", f"Legacy{index}", f"legacy_{index}"
    fields = {
        "name": base_module,
        "cls": cls,
        "fn": fn,
        "upper": f"MEMORY_{index}",
        "package": PACKAGE,
        "base_module": base_module,
    }
    base = package / "legacy" / f"{base_module}.py"
    user = package / "legacy" / f"assistant_{index:04d}.py"
    base.write_text(_LEGACY_BASE.format(**fields), encoding="utf-8")
    user.write_text(_LEGACY_USER.format(**fields), encoding="utf-8")
    return [base, user]


def run_pylint(root: Path, plugin: bool, jobs: int, targets: Sequence[str] = (PACKAGE,)) -> tuple[float, float, str]:
    """Run pylint once; return (wall seconds, CPU seconds of pylint and its workers, stdout)."""
    # duplicate-code is off in both runs: the generated modules share templates, which would make the
    # similarity checker unrealistically slow and flatter the ratio.
    command = [
        sys.executable,
        "-m",
        "pylint",
        *targets,
        "--recursive=y",
        "--persistent=n",
        "--score=n",
        f"--jobs={jobs}",
        "--disable=duplicate-code",
    ]
    if plugin:
        command[3:3] = ["--load-plugins", "lint_memory.pylint_plugin"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode & 1 or done.returncode & 32 or "Traceback" in done.stderr:  # fatal or usage error
        raise SystemExit(f"pylint failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, cpu, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=320)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1, help="pylint --jobs, the same for both runs")
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="check these files or folders instead of the generated project (e.g. the acceptance cases, "
        "a slice of the LangChain sources that bench_cli.py downloads)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lint-memory-bench-") as tmp:
        root = Path(tmp)
        if args.paths:
            targets = [str(path.resolve()) for path in args.paths]
            files = [f for p in args.paths for f in ([p] if p.is_file() else sorted(p.rglob("*.py")))]
        else:
            targets = [PACKAGE]
            files = generate(root, max(args.files, 300))
        lines = sum(len(path.read_text(encoding="utf-8", errors="replace").splitlines()) for path in files)
        print(f"{len(files)} files, {lines} lines, pylint --jobs={args.jobs}, {args.rounds} rounds")
        runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        plugin_output = ""
        for round_number in range(1, args.rounds + 1):
            for plugin in (False, True):
                wall, cpu, output = run_pylint(root, plugin=plugin, jobs=args.jobs, targets=targets)
                runs[plugin].append((wall, cpu))
                plugin_output = output if plugin else plugin_output
            (base_wall, base_cpu), (wall, cpu) = runs[False][-1], runs[True][-1]
            print(
                f"round {round_number}: without plugin {base_cpu:.2f}s CPU ({base_wall:.2f}s wall), "
                f"with plugin {cpu:.2f}s CPU ({wall:.2f}s wall)"
            )
        reported = sum(1 for line in plugin_output.splitlines() if "(langchain-" in line)
        print(f"lint-memory messages in the plugin run: {reported}")
        base_cpu, cpu = min(c for _, c in runs[False]), min(c for _, c in runs[True])
        base_wall, wall = min(w for w, _ in runs[False]), min(w for w, _ in runs[True])
        ratio = cpu / base_cpu
        print(f"best wall time: without {base_wall:.2f}s, with {wall:.2f}s, ratio {wall / base_wall:.3f}")
        print(f"best CPU time:  without {base_cpu:.2f}s, with {cpu:.2f}s")
        print(f"ratio {ratio:.3f} (CPU time, budget {BUDGET:.2f}): {'ok' if ratio <= BUDGET else 'OVER BUDGET'}")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
