#!/usr/bin/env python3
"""How fast is ``lint-memory check`` on a large real tree, next to ruff doing the same job?

Builds a tree of real Python files (the CPython standard library of the running interpreter,
copied as often as needed) in which 2% of the files are legacy LangChain code (a standard
library file with one of the rules' own examples appended), then measures, in this run, the
median wall time of at least five runs of:

- ``lint-memory check`` on the whole tree;
- ``ruff check --no-cache --select TID251`` with a banned-api table of every catalog import path
  (``lint_memory.ruff_table``): ruff doing the import-level part of this job;
- ``flake8 --select LCM`` on 1,000 of the files (flake8 runs every plugin it has, so it is slow);

plus the peak memory of each (the largest process, from the kernel, and the whole process tree,
sampled) and lint-memory's time at 1k / 5k / 10k files, to show the cost grows linearly.
The bar: lint-memory takes no more wall time than that ruff run.

    python benchmarks/bench_cli.py                  # 10,000 files, 5 runs each
    python benchmarks/bench_cli.py --files 2000 --runs 7 --keep /tmp/tree
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lint_memory import discovery, ruff_table  # noqa: E402  (after the path is set)
from lint_memory.rules import LINT_RULES  # noqa: E402

PER_FOLDER = 1000  # files per top-level folder: the 1k / 5k / 10k sizes are whole folders
LEGACY_EVERY = 50  # one file in 50 (2%) is legacy LangChain code


@dataclass
class Measure:
    seconds: list[float]
    peak_process_mb: float  # the largest single process (ru_maxrss)
    peak_tree_mb: float  # the whole process tree (sampled every 10 ms)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def stdlib_files() -> list[Path]:
    """The standard library's .py files that ruff and lint-memory both walk into by default."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    excluded = set(discovery.DEFAULT_EXCLUDES)
    files = []
    for path in sorted(stdlib.rglob("*.py")):
        parts = path.relative_to(stdlib).parts
        if not excluded.intersection(parts) and path.is_file():
            files.append(path)
    return files


def legacy_code(index: int) -> bytes:
    """One of the rules' own invalid examples: real legacy LangChain memory code."""
    rule = LINT_RULES[index % len(LINT_RULES)]
    return rule.example.encode("utf-8") + b"\n"


def build_tree(target: Path, count: int) -> int:
    """``count`` files in folders of PER_FOLDER files; returns how many are legacy."""
    sources = stdlib_files()
    legacy = 0
    for index in range(count):
        source = sources[index % len(sources)]
        folder = target / f"part_{index // PER_FOLDER:02d}"
        relative = source.relative_to(Path(sysconfig.get_paths()["stdlib"]))
        destination = folder / f"copy_{index // len(sources)}" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if index % LEGACY_EVERY == LEGACY_EVERY - 1:
            # at the end, where it keeps the file valid (`from __future__`, coding cookies stay first)
            destination.write_bytes(source.read_bytes().rstrip(b"\n") + b"\n\n" + legacy_code(index // LEGACY_EVERY))
            legacy += 1
        else:
            shutil.copyfile(source, destination)
    return legacy


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(child) for child in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run_once(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS of the largest process (MiB), sampled peak of the tree (MiB)."""
    peak = [0]
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(process.pid))
                done.wait(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):
            stderr.seek(0)
            message = stderr.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"$ {' '.join(command)}\nexit {process.returncode}\n{message}")
    return elapsed, usage.ru_maxrss / 1024, peak[0] / 1024


def measure(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, Measure]:
    """Each command once to warm the page cache, then ``runs`` rounds of all of them, taking
    turns so that a busy moment on the machine falls on every command alike."""
    for command in commands.values():
        run_once(command, cwd)
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(run_once(command, cwd))
    return {
        name: Measure([r[0] for r in rows], max(r[1] for r in rows), max(r[2] for r in rows))
        for name, rows in results.items()
    }


def _line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    return slope, mean_y - slope * mean_x


def lint_memory(paths: list[str]) -> list[str]:
    return [sys.executable, "-m", "lint_memory", "check", "--isolated", "--output-format", "concise", *paths]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="tree size (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command, at least 5")
    parser.add_argument("--flake8-files", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the tree here instead of a temporary folder")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5 (the result is a median)")
    for tool in ("ruff", "flake8"):
        if shutil.which(tool) is None:
            parser.error(f"`{tool}` is not on PATH (pip install -e '.[dev]')")

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="lint-memory-bench-"))
    tree = workdir / "tree"
    try:
        if not tree.exists():
            legacy = build_tree(tree, args.files)
        else:
            legacy = sum(1 for i in range(args.files) if i % LEGACY_EVERY == LEGACY_EVERY - 1)
        files = sum(1 for _ in discovery.discover([str(tree)], respect_gitignore=False))
        ruff_config = workdir / "ruff.toml"
        ruff_config.write_text(ruff_table.render(ruff_table.RUFF_TOML_TABLE, include_opt_in=True), encoding="utf-8")
        banned = len(ruff_table.banned())
        cpus = os.cpu_count()
        print(f"tree: {files} Python files ({legacy} legacy LangChain, {legacy / files:.1%}) in {tree}")
        print(f"machine: {cpus} cores, Python {sys.version.split()[0]}, "
              f"{subprocess.run(['ruff', '--version'], capture_output=True, text=True).stdout.strip()}")
        print(f"runs: median of {args.runs} after one warm-up run\n")

        ruff = ["ruff", "check", "--no-cache", "--config", str(ruff_config), "--select", "TID251",
                "--output-format", "concise", "tree"]
        ours_name, ruff_name = "lint-memory check", f"ruff check --select TID251 ({banned} banned paths)"
        results = measure({ours_name: lint_memory(["tree"]), ruff_name: ruff}, workdir, args.runs)
        parts = sorted(p.name for p in tree.iterdir())
        flake8_parts = [f"tree/{p}" for p in parts[: max(1, args.flake8_files // PER_FOLDER)]]
        flake8_files = sum(1 for _ in discovery.discover([str(workdir / p) for p in flake8_parts], respect_gitignore=False))
        small_name = f"lint-memory check ({flake8_files} files)"
        flake8_name = f"flake8 --select LCM ({flake8_files} files)"
        results.update(measure({small_name: lint_memory(flake8_parts),
                                flake8_name: ["flake8", "--select", "LCM", *flake8_parts]}, workdir, args.runs))

        print(f"{'command':<52} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9} {'tree MiB':>9}")
        for name, result in results.items():
            print(f"{name:<52} {result.median:>9.3f} {min(result.seconds):>7.3f} {max(result.seconds):>7.3f} "
                  f"{result.peak_process_mb:>9.1f} {result.peak_tree_mb:>9.1f}")
        ours, theirs = results[ours_name], results[ruff_name]
        print(f"\nlint-memory / ruff wall time: {ours.median / theirs.median:.2f} "
              f"({'meets' if ours.median <= theirs.median else 'MISSES'} the bar: <= 1.00)")
        print(f"lint-memory / flake8 wall time on {flake8_files} files: "
              f"{results[small_name].median / results[flake8_name].median:.3f}")

        print("\nscaling (lint-memory check, median s; per 1k files):")
        sizes = [size for size in (1, 5, 10) if size * PER_FOLDER <= files]
        scaling = measure({str(size): lint_memory([f"tree/{p}" for p in parts[:size]]) for size in sizes},
                          workdir, args.runs)
        for size in sizes:
            result = scaling[str(size)]
            print(f"  {size * PER_FOLDER:>6} files  {result.median:7.3f} s  {result.median / size:6.3f} s/1k  "
                  f"peak {result.peak_tree_mb:6.1f} MiB")
        if len(sizes) > 2:
            slope, intercept = _line([float(s) for s in sizes], [scaling[str(s)].median for s in sizes])
            worst = max(abs(scaling[str(s)].median - (intercept + slope * s)) / scaling[str(s)].median for s in sizes)
            print(f"  fit: {intercept:.3f} s fixed + {slope:.3f} s per 1k files; "
                  f"largest deviation from the line {worst:.0%}")
        return 0 if ours.median <= theirs.median else 1
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
