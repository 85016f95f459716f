#!/usr/bin/env python3
"""How much does the rules' walk (``engine.check_tree``) cost next to the parse, on real LangChain code?

It reads the cached LangChain tree of ``bench_cli.py`` (``~/.cache/lint-memory-bench/tree``; run
``bench_cli.py --cases real`` once to fill it), keeps the files the byte pre-filter passes (as the
runner does), parses each once, and times ``engine.check_tree`` over all of them: the median of
``--passes`` passes, printed next to the median parse time of the same run (their ratio is what
issue 13 calls the visitor's cost).

``--against ROOT`` compares with another checkout of lint-memory (for example ``/work/main``): each
side runs in its own process over the same candidate files (chosen here), the sides take turns
``--rounds`` times so a busy moment on the machine falls on both alike, and the medians of all
rounds are printed with their ratio.  Both sides also print a digest of every finding (code,
position, message, symbol, target), which must be the same.

    python benchmarks/bench_visit.py
    python benchmarks/bench_visit.py --passes 9
    python benchmarks/bench_visit.py --against /work/main --rounds 7
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("LINT_MEMORY_BENCH_CACHE", Path.home() / ".cache" / "lint-memory-bench"))


def _import_root(root: Path) -> None:
    """Make ``lint_memory`` the package of ``root`` (this checkout, or the one compared with)."""
    sys.path.insert(0, str(root))


def candidates(tree: Path) -> list[str]:
    """The tree's Python files that the byte pre-filter passes, as the runner chooses them."""
    from lint_memory import runner
    from lint_memory.project.settings import Settings
    from lint_memory.source.reading import read_regular

    settings = Settings()
    files = [path for path in runner.discover([str(tree)], settings) if path.endswith((".py", ".pyi"))]
    return [path for path in files if runner._needs_check(read_regular(path), False, settings.codes_for(path))]


def measure(files: list[str], passes: int) -> dict[str, Any]:
    """Median seconds of parsing and of ``check_tree`` over ``files``, and a digest of the findings."""
    import ast

    from lint_memory import engine
    from lint_memory.source.decode import decode
    from lint_memory.source.lines import split_lines

    texts = [decode(Path(path).read_bytes()) for path in files]
    lines = [split_lines(text) for text in texts]
    parse_times, visit_times, visit_cpu, by_file = [], [], [], []
    digest = hashlib.sha256()
    trees: list[ast.Module] = []
    count = 0
    for index in range(passes):
        del trees  # the last pass's trees go before this one's parse
        start = time.perf_counter()
        trees = [ast.parse(text) for text in texts]
        parse_times.append(time.perf_counter() - start)
        start, start_cpu = time.perf_counter(), time.process_time()
        found = [engine.check_tree(tree, split) for tree, split in zip(trees, lines, strict=True)]
        visit_times.append(time.perf_counter() - start)
        visit_cpu.append(time.process_time() - start_cpu)
        if index == 0:
            count = sum(map(len, found))
            for path, findings in zip(files, found, strict=True):
                for f in findings:
                    row = (path, f.code, f.line, f.col, f.end_line, f.end_col, f.message, f.symbol, f.target)
                    digest.update(repr(row).encode())
        del found
        # As the runner goes: parse a file, check it, drop it (what the walk leaves for the cyclic collector,
        # the collector frees while a later file is parsed or checked: this total counts it wherever it lands).
        start = time.perf_counter()
        for text, split in zip(texts, lines, strict=True):
            engine.check_tree(ast.parse(text), split)
        by_file.append(time.perf_counter() - start)
    return {
        "parse": statistics.median(parse_times),
        "visit": statistics.median(visit_times),
        "cpu": statistics.median(visit_cpu),  # CPU seconds: less disturbed by a busy machine
        "first": visit_times[0],  # the first pass also imports what a module with findings needs
        "by_file": statistics.median(by_file),
        "findings": count,
        "digest": digest.hexdigest()[:16],
        "module": engine.__file__,
    }


def _child(root: Path, listing: Path, passes: int) -> dict[str, Any]:
    """One side's measurement, in a process of its own that imports the checkout at ``root``."""
    command = [sys.executable, __file__, "--child", str(root), "--files", str(listing), "--passes", str(passes)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def compare(files: list[str], against: Path, rounds: int, passes: int) -> None:
    """A (``against``) and B (this checkout) in turns; medians of the rounds."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(files, handle)
    listing = Path(handle.name)
    sides: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
    try:
        for _ in range(rounds):
            sides["A"].append(_child(against, listing, passes))
            sides["B"].append(_child(ROOT, listing, passes))
    finally:
        listing.unlink()
    print(f"{len(files)} candidate files, {rounds} rounds of {passes} passes, load {os.getloadavg()[0]:.2f}")
    medians, cpu, by_file = {}, {}, {}
    for side, root in (("A", against), ("B", ROOT)):
        runs = sides[side]
        visit = statistics.median(float(run["visit"]) for run in runs)
        parse = statistics.median(float(run["parse"]) for run in runs)
        first = statistics.median(float(run["first"]) for run in runs)
        medians[side] = visit
        by_file[side] = statistics.median(float(run["by_file"]) for run in runs)
        cpu[side] = statistics.median(float(run["cpu"]) for run in runs)
        print(
            f"  {side} {root!s:<24} visit {visit * 1000:6.1f} ms (first pass {first * 1000:5.1f})  "
            f"parse {parse * 1000:6.1f} ms  "
            f"visit/parse {visit / parse:4.2f}  parse + check_tree file by file {by_file[side] * 1000:6.1f} ms  "
            f"findings {runs[0]['findings']} digest {runs[0]['digest']}"
        )
    same = sides["A"][0]["digest"] == sides["B"][0]["digest"]
    print(
        f"  B / A visit: {medians['B'] / medians['A']:.3f} wall, {cpu['B'] / cpu['A']:.3f} cpu; "
        f"parse + check_tree file by file: {by_file['B'] / by_file['A']:.3f} "
        f"(findings {'identical' if same else 'DIFFER'})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=CACHE / "tree", help="the tree to read (default: %(default)s)")
    parser.add_argument("--passes", type=int, default=7, help="timed passes (median), default %(default)s")
    parser.add_argument("--against", type=Path, help="another lint-memory checkout to compare with (A/B)")
    parser.add_argument("--rounds", type=int, default=7, help="A/B rounds, default %(default)s")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        _import_root(args.child)
        print(json.dumps(measure(json.loads(args.files.read_text()), args.passes)))
        return 0
    _import_root(ROOT)
    if not args.tree.is_dir():
        parser.error(f"{args.tree} is missing: run `python benchmarks/bench_cli.py --cases real` once to fill it")
    files = candidates(args.tree)
    if args.against is not None:
        compare(files, args.against.resolve(), args.rounds, args.passes)
        return 0
    result = measure(files, args.passes)
    visit, parse = float(result["visit"]), float(result["parse"])
    print(
        f"{len(files)} candidate files, median of {args.passes} passes, load {os.getloadavg()[0]:.2f}: "
        f"check_tree {visit * 1000:.1f} ms (first pass {float(result['first']) * 1000:.1f}), "
        f"parse + check_tree file by file {float(result['by_file']) * 1000:.1f} ms, parse {parse * 1000:.1f} ms, visit / parse {visit / parse:.2f} "
        f"({result['findings']} findings, digest {result['digest']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
