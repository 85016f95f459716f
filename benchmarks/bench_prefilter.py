#!/usr/bin/env python3
"""What reading the files and the byte pre-filter cost, each in a fresh process, first-use costs included.

The two trees of ``bench_cli.py``: the real LangChain tree (cached by ``bench_cli.py --cases real`` in
``~/.cache/lint-memory-bench/tree``) and a standard-library tree with 2% legacy files (``--stdtree``, as
``bench_cli.py --keep`` leaves one).  Each run starts a new interpreter that imports lint-memory, lists
the files as the runner does, then times two phases on the CPU clock (and the wall clock): reading every
file (``source.reading.read_regular``) and the pre-filter on every file (``runner._needs_check``, with
the settings' codes for the path, as the runner calls it; a file it cannot decode passes).  The
catalog's clauses, the seeds and the patterns are built there, on first use, as in a worker process.

A/B: ``--python`` names the interpreters to compare (default: this one); each is run in turn, run after
run, so a busy moment on the machine falls on each alike, and every phase's median is printed next to
its ratio to the first interpreter.  Each interpreter imports its own lint-memory (an editable install
of another checkout is that checkout), so ``--python python3 --python .venv/bin/python`` compares main
with a branch::

    python benchmarks/bench_prefilter.py --runs 9 --python /usr/bin/python3 --python "$VIRTUAL_ENV/bin/python"
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("LINT_MEMORY_BENCH_CACHE", Path.home() / ".cache" / "lint-memory-bench"))
REAL_TREE = CACHE / "tree"
STD_TREE = Path("/tmp/stdtree/tree")

# The child: no path set up here, so each interpreter uses the lint-memory it has installed.
CHILD = r"""
import json, sys, time
from lint_memory import runner
from lint_memory.project.settings import Settings
from lint_memory.source.reading import read_regular

settings = Settings()
files = list(runner.discover([sys.argv[1]], settings))


def needs_check(path, data):
    try:
        return runner._needs_check(data, path.endswith(".ipynb"), settings.codes_for(path))
    except Exception:  # a bad coding cookie: the runner checks (and reports) the file
        return True


wall, cpu = time.perf_counter(), time.process_time()
datas = [read_regular(path) for path in files]
read = (time.perf_counter() - wall, time.process_time() - cpu)
wall, cpu = time.perf_counter(), time.process_time()
passed = sum(1 for path, data in zip(files, datas) if needs_check(path, data))
prefilter = (time.perf_counter() - wall, time.process_time() - cpu)
print(json.dumps({"files": len(files), "passed": passed, "read": read, "pre-filter": prefilter}))
"""

PHASES = ("read", "pre-filter")


def run_once(python: str, tree: Path) -> dict:
    # Run in the tree: ``python -c`` puts the working folder first on the path, and a checkout's
    # lint_memory there would win over the interpreter's own.
    command = [python, "-c", CHILD, str(tree)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True, cwd=tree).stdout)


def origin(python: str) -> str:
    """Where ``python`` imports lint-memory from."""
    command = [python, "-c", "import os, lint_memory; print(os.path.dirname(os.path.dirname(lint_memory.__file__)))"]
    return subprocess.run(command, capture_output=True, text=True, check=True, cwd=os.sep).stdout.strip()


def bench(tree: Path, pythons: list[str], runs: int) -> None:
    samples: dict[str, list[dict]] = {python: [] for python in pythons}
    for _ in range(runs):
        for python in pythons:  # in turn: the machine's load falls on each alike
            samples[python].append(run_once(python, tree))
    first = pythons[0]
    print(f"\n{tree} ({samples[first][0]['files']} files), medians of {runs} fresh processes, ms:")
    print(f"  {'python':<44} {'passed':>6} " + " ".join(f"{p + ' cpu':>15} {'wall':>6}" for p in PHASES))
    base = {p: statistics.median(s[p][1] for s in samples[first]) for p in PHASES}
    for python in pythons:
        runs_of = samples[python]
        cells = []
        for phase in PHASES:
            cpu = statistics.median(s[phase][1] for s in runs_of)
            wall = statistics.median(s[phase][0] for s in runs_of)
            ratio = cpu / base[phase] if base[phase] else float("nan")
            cells.append(f"{cpu * 1000:8.1f} ({ratio:4.2f}) {wall * 1000:6.1f}")
        passed = {s["passed"] for s in runs_of}
        print(f"  {python[-44:]:<44} {'/'.join(map(str, sorted(passed))):>6} " + " ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", action="append", help="an interpreter to time (repeat for A/B; default: this one)")
    parser.add_argument("--tree", type=Path, default=REAL_TREE, help="the real LangChain tree")
    parser.add_argument("--stdtree", type=Path, default=STD_TREE, help="the standard-library tree")
    args = parser.parse_args()
    pythons = args.python or [sys.executable]
    for python in pythons:
        print(f"{python}: lint-memory of {origin(python)}")
    for tree in (args.tree, args.stdtree):
        if tree.is_dir():
            bench(tree, pythons, args.runs)
        else:
            print(f"\n{tree}: not there (bench_cli.py --cases real fills the cache; --keep leaves a stdlib tree)")


if __name__ == "__main__":
    main()
