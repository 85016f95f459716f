#!/usr/bin/env python3
"""Start-up and after-check time of ``lint-memory check``: this checkout (B) next to another
lint-memory (A: by default the checkout ``--a-source`` names, e.g. an unchanged main, run by the same
interpreter through ``PYTHONPATH``; or another interpreter's install, ``--a``), measured in the same run.

For each case, A and B take turns (``--runs`` times each, so a busy moment on the machine falls on
both alike) and the medians are printed with their ratio B / A:

* wall time of ``python -m lint_memory check --isolated`` on a tree (default: the real LangChain
  tree that ``bench_cli.py`` caches) and on one legacy file;
* the time ``python -X importtime`` reports for everything imported during that check (the sum of
  the "self" column), which is what importing only what the run needs saves;
* the time from the end of the check (``runner.check_paths`` returned) to the end of the process: the
  output, the exit status and the interpreter's exit.

    python benchmarks/bench_startup.py --a-source /work/main --runs 9
    python benchmarks/bench_startup.py --a-source /work/main --tree /tmp/stdtree/tree
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("LINT_MEMORY_BENCH_CACHE", Path.home() / ".cache" / "lint-memory-bench"))
ONE_FILE = (
    "import os\n\n"
    "from langchain.chains import ConversationChain\n"
    "from langchain.memory import ConversationBufferMemory\n"
    "from langchain.memory.chat_message_histories import RedisChatMessageHistory\n\n\n"
    "def build(llm):\n"
    "    memory = ConversationBufferMemory(chat_memory=RedisChatMessageHistory(os.environ['ID']))\n"
    "    return ConversationChain(llm=llm, memory=memory)\n"
)


ENV: dict[str, dict[str, str]] = {}  # the first word of a command (A's marker) -> its environment


def _run(command: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    env = ENV.get(command[0])
    argv = [sys.executable if env is not None else command[0], *command[1:]]
    return subprocess.run(argv, cwd=cwd, env=env, text=True, check=False, **kwargs)


def wall(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    _run(command, cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def import_seconds(command: list[str], cwd: Path) -> float:
    """The sum of ``-X importtime``'s "self" column over the run from the first import of lint_memory on (what
    the interpreter's own start-up imports is not ours), in seconds."""
    result = _run([command[0], "-X", "importtime", *command[1:]], cwd, capture_output=True)
    total, ours = 0, False
    for line in result.stderr.splitlines():
        ours = ours or line.rstrip().endswith("| lint_memory")
        if ours and line.startswith("import time:") and "|" in line:
            field = line.split(":", 1)[1].split("|")[0].strip()
            if field.isdigit():
                total += int(field)
    return total / 1e6


# Runs the command line as `lint-memory` does, noting when the check itself ended (runner.check_paths returned):
# what follows until the process is gone is the output, the exit status and the interpreter's exit.
AFTER_PROBE = (
    "import os, sys, time\n"
    "from lint_memory import runner\n"
    "from lint_memory.frontends.cli import main\n"
    "check_paths = runner.check_paths\n"
    "def timed(*args, **kwargs):\n"
    "    reports = check_paths(*args, **kwargs)\n"
    "    with open(os.environ['BENCH_MARK'], 'w') as mark:\n"
    "        mark.write(repr(time.time()))\n"
    "    return reports\n"
    "runner.check_paths = timed\n"
    "sys.exit(main())\n"
)


def after_check(command: list[str], cwd: Path) -> float:
    """Seconds from the end of the check to the end of the process (``command`` is a ``-m lint_memory`` one)."""
    python, arguments = command[0], command[command.index("lint_memory") + 1 :]
    with tempfile.TemporaryDirectory() as folder:
        mark = Path(folder) / "mark"
        env = {**(ENV.get(python) or os.environ), "BENCH_MARK": str(mark)}
        argv = [sys.executable if python in ENV else python, "-c", AFTER_PROBE, *arguments]
        subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        ended = time.time()
        return ended - float(mark.read_text())


def compare(name: str, measure, a: list[str], b: list[str], cwd: Path, runs: int) -> None:
    times: dict[str, list[float]] = {"A": [], "B": []}
    for _ in range(runs):
        times["A"].append(measure(a, cwd))
        times["B"].append(measure(b, cwd))
    med_a, med_b = statistics.median(times["A"]), statistics.median(times["B"])
    print(f"  {name:<44} A {med_a * 1000:7.1f} ms   B {med_b * 1000:7.1f} ms   B/A {med_b / med_a:5.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a-source", type=Path, help="a checkout whose lint_memory is A, run by this interpreter")
    parser.add_argument("--a", help="or: an interpreter whose installed lint-memory is A")
    parser.add_argument("--b", default=sys.executable, help="the interpreter whose lint-memory is B (default: this)")
    parser.add_argument("--tree", type=Path, default=CACHE / "tree", help="the tree to check")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if (args.a is None) == (args.a_source is None):
        parser.error("name A: --a-source CHECKOUT or --a PYTHON")
    if args.a_source is not None:
        args.a = "<A>"
        ENV[args.a] = {**os.environ, "PYTHONPATH": str(args.a_source.resolve())}
    check = ["-m", "lint_memory", "check", "--isolated", "."]
    print(f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs each, A and B alternating")
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder)
        (one / "app.py").write_text(ONE_FILE, encoding="utf-8")
        cases = [("one file", one)]
        if args.tree.is_dir():
            cases.append((f"tree {args.tree}", args.tree))
        for label, cwd in cases:
            print(f"{label}:")
            compare("python -c pass", wall, [args.a, "-c", "pass"], [args.b, "-c", "pass"], cwd, args.runs)
            compare("wall: check --isolated .", wall, [args.a, *check], [args.b, *check], cwd, args.runs)
            compare(
                "after the check, to the process's end", after_check, [args.a, *check], [args.b, *check], cwd, args.runs
            )
            compare(
                "imports (-X importtime, self total)",
                import_seconds,
                [args.a, *check],
                [args.b, *check],
                cwd,
                args.runs,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
