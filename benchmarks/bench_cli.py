#!/usr/bin/env python3
"""How fast is ``lint-memory check`` where users feel it, next to ruff, flake8 and a bare interpreter?

Three cases, each measured in this run as the median wall time of at least five runs (all the
commands of a case take turns, so a busy moment on the machine falls on each alike):

1. One legacy file, as pre-commit and editors that shell out run us: ``lint-memory check FILE``
   next to ``python -c pass`` (the bar: at most 5x), ``ruff check`` with the banned-api table,
   and ``flake8 --select LCM FILE`` with and without our plugin (its share of flake8's time).
2. A code base that uses LangChain everywhere: the sources of langchain 0.3.27,
   langchain-community 0.3.31 and langchain-experimental 0.3.4 (``pip download``, cached in
   ``~/.cache/lint-memory-bench``, so a filled cache works offline), next to
   ``ruff check --no-cache --select TID251`` fed ``lint-memory rules --output-format ruff``
   (the bar: at most 1.5x), with a per-phase breakdown in one process (read, pre-filter, parse,
   visit, fixes, output) that shows where the time goes.
3. The old case: a tree of standard-library files with 2% legacy code (``--files``), next to the
   same ruff run (the bar: at most 1x), and ``flake8 --select LCM`` on 1,000 of those files.

    python benchmarks/bench_cli.py                       # all three
    python benchmarks/bench_cli.py --cases one,real      # skip the 10,000-file tree
    python benchmarks/bench_cli.py --files 2000 --runs 7 --keep /tmp/tree
"""

from __future__ import annotations

import argparse
import ast
import compileall
import gc
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lint_memory import engine, runner  # noqa: E402  (after the path is set)
from lint_memory.output import formats, ruff_table  # noqa: E402
from lint_memory.project import discovery  # noqa: E402
from lint_memory.project.settings import Settings  # noqa: E402
from lint_memory.rules import LINT_RULES  # noqa: E402
from lint_memory.source.decode import decode  # noqa: E402
from lint_memory.source.lines import split_lines  # noqa: E402
from lint_memory.source.reading import read_regular  # noqa: E402

PER_FOLDER = 1000  # files per top-level folder: the 1k / 5k / 10k sizes are whole folders
LEGACY_EVERY = 50  # one file in 50 (2%) is legacy LangChain code
CACHE = Path(os.environ.get("LINT_MEMORY_BENCH_CACHE", Path.home() / ".cache" / "lint-memory-bench"))
REAL_PACKAGES = ("langchain==0.3.27", "langchain-community==0.3.31", "langchain-experimental==0.3.4")
# A hide-our-plugin flake8: the same flake8, with lint-memory's distribution left out of its plugin search.
FLAKE8_WITHOUT_US = (
    "import importlib.metadata as m, sys\n"
    "everything = m.distributions\n"
    "m.distributions = lambda **kw: [d for d in everything(**kw) if d.metadata['Name'] != 'lint-memory']\n"
    "from flake8.main.cli import main\n"
    "sys.exit(main())\n"
)
ONE_FILE = '''"""A chat app on LangChain 0.2: the kind of file a pre-commit hook sees."""

import os

from langchain.chains import ConversationChain
from langchain.memory import ConversationBufferMemory
from langchain_openai import ChatOpenAI


def build(model: str = "gpt-4o-mini") -> ConversationChain:
    memory = ConversationBufferMemory(return_messages=True)
    llm = ChatOpenAI(model=model, api_key=os.environ["OPENAI_API_KEY"])
    return ConversationChain(llm=llm, memory=memory)


def reply(chain: ConversationChain, text: str) -> str:
    answer = chain.predict(input=text)
    chain.memory.save_context({"input": text}, {"output": answer})
    return answer
'''


# --- measuring -----------------------------------------------------------------------------------
@dataclass
class Measure:
    seconds: list[float]
    peak_process_mb: float  # the largest single process (ru_maxrss)
    peak_tree_mb: float  # the whole process tree (sampled every 10 ms)
    cpu: list[float]  # user + system seconds of the process and the workers it waited for

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        """Less disturbed than wall time on a shared machine; not comparable with a multi-threaded
        tool (ruff's threads all count)."""
        return statistics.median(self.cpu)


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


def run_once(command: list[str], cwd: Path, sample: bool = True) -> tuple[float, float, float, float]:
    """Wall seconds, peak RSS of the largest process (MiB), sampled peak of the tree (MiB), CPU seconds."""
    peak = [0]
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        done = threading.Event()

        def sampler_loop() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(process.pid))
                done.wait(0.01)

        sampler = threading.Thread(target=sampler_loop, daemon=True)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        if sample:
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):
            stderr.seek(0)
            message = stderr.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"$ {' '.join(command)}\nexit {process.returncode}\n{message}")
    return elapsed, usage.ru_maxrss / 1024, peak[0] / 1024, usage.ru_utime + usage.ru_stime


def measure(commands: dict[str, list[str]], cwd: Path, runs: int, *, sample: bool = True) -> dict[str, Measure]:
    """Each command once to warm the page cache, then ``runs`` rounds of all of them, taking
    turns so that a busy moment on the machine falls on every command alike.  ``sample=False``
    for commands of a few milliseconds, where the sampling thread would be part of the time."""
    for command in commands.values():
        run_once(command, cwd, sample)
    results: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(run_once(command, cwd, sample))
    return {
        name: Measure([r[0] for r in rows], max(r[1] for r in rows), max(r[2] for r in rows), [r[3] for r in rows])
        for name, rows in results.items()
    }


def print_table(results: dict[str, Measure]) -> None:
    print(f"{'command':<60} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7} {'peak MiB':>9} {'tree MiB':>9}")
    for name, result in results.items():
        print(
            f"{name:<60} {result.median:>9.3f} {min(result.seconds):>7.3f} {max(result.seconds):>7.3f} "
            f"{result.cpu_median:>7.3f} {result.peak_process_mb:>9.1f} {result.peak_tree_mb:>9.1f}"
        )


def verdict(ratio: float, bar: float) -> str:
    return f"{ratio:.2f} ({'meets' if ratio <= bar else 'MISSES'} the bar: <= {bar:.2f})"


def lint_memory(paths: list[str], *options: str) -> list[str]:
    return [sys.executable, "-m", "lint_memory", "check", "--isolated", *options, *paths]


def ruff_check(config: Path, paths: list[str]) -> list[str]:
    return [
        "ruff",
        "check",
        "--no-cache",
        "--config",
        str(config),
        "--select",
        "TID251",
        "--output-format",
        "concise",
        *paths,
    ]


def write_ruff_config(workdir: Path) -> Path:
    config = workdir / "ruff.toml"
    config.write_text(ruff_table.render(ruff_table.RUFF_TOML_TABLE, include_opt_in=True), encoding="utf-8")
    return config


# --- case 1: one file ----------------------------------------------------------------------------
def one_file(workdir: Path, runs: int) -> dict[str, float]:
    folder = workdir / "one"
    folder.mkdir(exist_ok=True)
    (folder / "app.py").write_text(ONE_FILE, encoding="utf-8")
    shutil.copyfile(Path(sysconfig.get_paths()["stdlib"]) / "argparse.py", folder / "clean.py")
    config = write_ruff_config(workdir)
    python = [sys.executable, "-c", "pass"]
    ours = "lint-memory check app.py"
    commands = {
        "python -c pass": python,
        ours: lint_memory(["app.py"]),
        "lint-memory check --output-format concise app.py": lint_memory(["app.py"], "--output-format", "concise"),
        "lint-memory check --output-format github app.py (no fixes)": lint_memory(
            ["app.py"], "--output-format", "github"
        ),
        "lint-memory check clean.py (no LangChain: argparse.py)": lint_memory(["clean.py"]),
        "ruff check --select TID251 app.py": ruff_check(config, ["app.py"]),
        "flake8 --select LCM app.py": [sys.executable, "-m", "flake8", "--isolated", "--select", "LCM", "app.py"],
        "flake8 --select LCM app.py, without our plugin": [
            sys.executable,
            "-c",
            FLAKE8_WITHOUT_US,
            "--isolated",
            "--select",
            "LCM",
            "app.py",
        ],
        "python -c 'import lint_memory.frontends.cli'": [sys.executable, "-c", "import lint_memory.frontends.cli"],
        "python -c 'import libcst'": [sys.executable, "-c", "import libcst"],
    }
    results = measure(commands, folder, runs, sample=False)
    print("\n== one legacy file (pre-commit, editors that shell out) ==")
    print_table(results)
    bare = results["python -c pass"].median
    with_plugin = results["flake8 --select LCM app.py"].median
    without = results["flake8 --select LCM app.py, without our plugin"].median
    ratio = results[ours].median / bare
    print(
        f"\nlint-memory check FILE / python -c pass: {verdict(ratio, 5.0)}; "
        f"in CPU time {results[ours].cpu_median / results['python -c pass'].cpu_median:.2f}"
    )
    print(
        f"  (concise: {results['lint-memory check --output-format concise app.py'].median / bare:.2f}, "
        f"github, which plans no fixes: "
        f"{results['lint-memory check --output-format github app.py (no fixes)'].median / bare:.2f}, "
        f"a file without LangChain: "
        f"{results['lint-memory check clean.py (no LangChain: argparse.py)'].median / bare:.2f})"
    )
    print(
        f"our plugin's share of flake8 --select LCM: {(with_plugin - without) / with_plugin:.0%} "
        f"({(with_plugin - without) * 1000:.0f} ms of {with_plugin * 1000:.0f} ms)"
    )
    return {"one-file / python": ratio}


# --- case 2: real LangChain code -------------------------------------------------------------------
def real_tree() -> Path:
    """The three packages' sources, downloaded once (wheels are zips of the sources) and extracted."""
    tree = CACHE / "tree"
    marker = tree / ".complete"
    if marker.exists():
        return tree
    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = CACHE / "wheels"
    wanted = {spec.split("==")[0].replace("-", "_"): spec for spec in REAL_PACKAGES}
    have = {p.name.split("-")[0].lower(): p for p in wheels.glob("*.whl")} if wheels.is_dir() else {}
    missing = [spec for name, spec in wanted.items() if name not in have]
    if missing:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--dest",
                str(wheels),
                *missing,
            ],
            check=True,
        )
    shutil.rmtree(tree, ignore_errors=True)
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tree)
    marker.touch()
    return tree


class Clock:
    """Wall and CPU seconds per phase: ``with clock("parse"): ...``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self._name = ""

    def __call__(self, name: str) -> Clock:
        self._name = name
        return self

    def __enter__(self) -> None:
        gc.collect()  # the last phase's garbage is not this one's to collect
        self._start, self._start_cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc: object) -> None:
        self.seconds[self._name] = time.perf_counter() - self._start
        self.cpu[self._name] = time.process_time() - self._start_cpu


PHASE_PASSES = 5  # warm passes after the first, whose median is printed beside the first (cold) pass


def phases(tree: Path) -> None:
    """Where one process spends its time on the tree, phase by phase (default settings): the first pass,
    which pays for what is built on first use (patterns, lazily imported modules), and the median of
    the passes after it (the differences between two checks are only meaningful there)."""
    settings = Settings()
    clocks = [_phase_pass(tree, settings, clock) for clock in [Clock() for _ in range(1 + PHASE_PASSES)]]
    first, warm = clocks[0], clocks[1:]
    counts = first.counts
    print(
        f"\nphases in one process ({counts['files']} files; the old pre-filter passed {counts['old']}, this one "
        f"{counts['passed']}; {counts['with findings']} have findings; {counts['findings']} findings before selection;"
        f" first pass, then the median of {PHASE_PASSES} more):"
    )
    print(f"  {'phase':<62} {'first cpu s':>11} {'wall s':>7} {'cpu s':>7}")

    def median(name: str, cpu: bool) -> float:
        return statistics.median((clock.cpu if cpu else clock.seconds)[name] for clock in warm)

    for name in first.seconds:
        if name == "import libcst":
            continue
        print(f"  {name:<62} {first.cpu[name]:11.3f} {median(name, False):7.3f} {median(name, True):7.3f}")
    check, fixed = "check (the runner: decode, parse, visit, noqa, selection)", "check with fixes planned (each LCM400)"
    marked = "check with fixes marked (the text formats: fix.marks)"
    for label, name in (("planning the fixes alone", fixed), ("marking the fixes alone", marked)):
        print(
            f"  {label + ' (the difference of the two checks)':<62} {'':>11} "
            f"{median(name, False) - median(check, False):7.3f} {median(name, True) - median(check, True):7.3f}"
        )
    print(f"  {'import libcst (a process that plans a fix; once)':<62} {first.cpu['import libcst']:11.3f}")


def _phase_pass(tree: Path, settings: Settings, clock: Clock) -> Clock:
    with clock("discover"):
        files = list(runner.discover([str(tree)], settings))
    with clock("read"):
        datas = [read_regular(path) for path in files]  # as the runner reads them
    with clock("pre-filter, old ('langchain' + a memory-ish substring)"):
        old = [d for d in datas if b"langchain" in d and any(token in d.lower() for token in _OLD_TOKENS)]
    with clock("pre-filter"):
        passed = [
            (path, data)
            for path, data in zip(files, datas, strict=True)
            if runner._needs_check(data, path.endswith(".ipynb"), settings.codes_for(path))
        ]
    texts = [decode(data) for _, data in passed]
    with clock("parse"):
        trees = [ast.parse(text) for text in texts]
    with clock("visit"):
        found = [engine.check_tree(parsed, split_lines(text)) for parsed, text in zip(trees, texts, strict=True)]
    del trees  # as the runner, which holds one file's tree at a time
    plain = replace(settings, prefilter=False)  # the candidates have been through it
    with clock("check (the runner: decode, parse, visit, noqa, selection)"):
        reports = [runner.check_bytes(path, data, plain) for path, data in passed]
    with clock("output (full format)"):
        formats.render("full", reports)
    with clock("check with fixes marked (the text formats: fix.marks)"):
        reports = [
            runner.check_bytes(path, data, replace(plain, plan_fixes=True, render_fixes=False)) for path, data in passed
        ]
    with clock("import libcst"):
        import libcst  # noqa: F401
    with clock("check with fixes planned (each LCM400)"):
        reports = [runner.check_bytes(path, data, replace(plain, plan_fixes=True)) for path, data in passed]
    clock.counts = {
        "files": len(files),
        "old": len(old),
        "passed": len(passed),
        "with findings": sum(1 for report in reports if report.findings),
        "findings": sum(map(len, found)),
    }
    return clock


_OLD_TOKENS = (
    b"memory",
    b"conversation",
    b"summarizermixin",
    b"entitystore",
    b"messagehistor",
    b"message_histor",
    b"messageconverter",
)


def real_code(workdir: Path, runs: int) -> dict[str, float]:
    tree = real_tree()
    config = workdir / "ruff-real.toml"
    table = subprocess.run(
        [sys.executable, "-m", "lint_memory", "rules", "--output-format", "ruff"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    config.write_text(table.replace("[tool.ruff.lint.", "[lint."), encoding="utf-8")
    files = sum(1 for _ in discovery.discover([str(tree)], respect_gitignore=False))
    ours = "lint-memory check (LangChain sources)"
    no_fixes = "lint-memory check --output-format github (plans no fixes)"
    results = measure(
        {
            ours: lint_memory(["."]),
            no_fixes: lint_memory(["."], "--output-format", "github"),
            "ruff check --no-cache --select TID251": ruff_check(config, ["."]),
        },
        tree,
        runs,
    )
    print(f"\n== real LangChain code: {', '.join(REAL_PACKAGES)} ({files} Python files) in {tree} ==")
    print_table(results)
    ruff = results["ruff check --no-cache --select TID251"].median
    ratio = results[ours].median / ruff
    print(f"\nlint-memory / ruff wall time on real LangChain code: {verdict(ratio, 1.5)}")
    print(f"  (without planning fixes, as --output-format github: {results[no_fixes].median / ruff:.2f})")
    best = min(results[ours].seconds) / min(results["ruff check --no-cache --select TID251"].seconds)
    cpu = results[ours].cpu_median / results["ruff check --no-cache --select TID251"].cpu_median
    print(f"  (on a busy machine compare these too: best runs {best:.2f}; CPU time {cpu:.2f}, ruff's on both cores)")
    phases(tree)
    return {"real / ruff": ratio}


# --- case 3: the standard library with 2% legacy code ------------------------------------------------
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


def _line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    return slope, mean_y - slope * mean_x


def stdlib_tree(workdir: Path, count: int, runs: int, flake8_count: int) -> dict[str, float]:
    tree = workdir / "tree"
    if not tree.exists():
        legacy = build_tree(tree, count)
    else:
        legacy = sum(1 for i in range(count) if i % LEGACY_EVERY == LEGACY_EVERY - 1)
    files = sum(1 for _ in discovery.discover([str(tree)], respect_gitignore=False))
    config = write_ruff_config(workdir)
    print(f"\n== standard library: {files} Python files ({legacy} legacy LangChain, {legacy / files:.1%}) in {tree} ==")
    ours_name, ruff_name = "lint-memory check", f"ruff check --select TID251 ({len(ruff_table.banned())} paths)"
    results = measure(
        {ours_name: lint_memory(["tree"], "--output-format", "concise"), ruff_name: ruff_check(config, ["tree"])},
        workdir,
        runs,
    )
    parts = sorted(p.name for p in tree.iterdir())
    flake8_parts = [f"tree/{p}" for p in parts[: max(1, flake8_count // PER_FOLDER)]]
    flake8_files = sum(1 for _ in discovery.discover([str(workdir / p) for p in flake8_parts], respect_gitignore=False))
    small_name = f"lint-memory check ({flake8_files} files)"
    flake8_name = f"flake8 --select LCM ({flake8_files} files)"
    results.update(
        measure(
            {
                small_name: lint_memory(flake8_parts, "--output-format", "concise"),
                flake8_name: [sys.executable, "-m", "flake8", "--select", "LCM", *flake8_parts],
            },
            workdir,
            runs,
        )
    )
    print_table(results)
    ratio = results[ours_name].median / results[ruff_name].median
    print(f"\nlint-memory / ruff wall time: {verdict(ratio, 1.0)}")
    flake8_ratio = results[small_name].median / results[flake8_name].median
    print(f"lint-memory / flake8 wall time on {flake8_files} files: {flake8_ratio:.3f}")

    print("\nscaling (lint-memory check, median s; per 1k files):")
    sizes = [size for size in (1, 5, 10) if size * PER_FOLDER <= files]
    scaling = measure(
        {str(size): lint_memory([f"tree/{p}" for p in parts[:size]], "--output-format", "concise") for size in sizes},
        workdir,
        runs,
    )
    for size in sizes:
        result = scaling[str(size)]
        print(
            f"  {size * PER_FOLDER:>6} files  {result.median:7.3f} s  {result.median / size:6.3f} s/1k  "
            f"peak {result.peak_tree_mb:6.1f} MiB"
        )
    if len(sizes) > 2:
        slope, intercept = _line([float(s) for s in sizes], [scaling[str(s)].median for s in sizes])
        worst = max(abs(scaling[str(s)].median - (intercept + slope * s)) / scaling[str(s)].median for s in sizes)
        print(
            f"  fit: {intercept:.3f} s fixed + {slope:.3f} s per 1k files; largest deviation from the line {worst:.0%}"
        )
    return {"stdlib / ruff": ratio, "flake8 1k / ours": flake8_ratio}


# --- main ----------------------------------------------------------------------------------------------
BARS = {"one-file / python": 5.0, "real / ruff": 1.5, "stdlib / ruff": 1.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", default="one,real,stdlib", help="which cases, comma-separated (default: %(default)s)"
    )
    parser.add_argument("--files", type=int, default=10_000, help="standard-library tree size (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command, at least 5")
    parser.add_argument("--flake8-files", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the standard-library tree here")
    args = parser.parse_args()
    cases = {case.strip() for case in args.cases.split(",") if case.strip()}
    if args.runs < 5:
        parser.error("--runs must be at least 5 (the result is a median)")
    if unknown := cases - {"one", "real", "stdlib"}:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    for tool in ("ruff", "flake8"):
        if shutil.which(tool) is None:
            parser.error(f"`{tool}` is not on PATH (pip install -e '.[dev]')")
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{subprocess.run(['ruff', '--version'], capture_output=True, text=True, check=False).stdout.strip()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"runs: median of {args.runs} after one warm-up run")

    # An installed package has its bytecode (pip compiles it); without it every run would compile
    # lint_memory's modules again (PYTHONDONTWRITEBYTECODE=1 keeps Python from saving it), which
    # is most of a one-file run's time and no user's.
    compileall.compile_dir(ROOT / "lint_memory", quiet=1)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="lint-memory-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ratios: dict[str, float] = {}
    try:
        if "one" in cases:
            ratios |= one_file(workdir, args.runs)
        if "real" in cases:
            ratios |= real_code(workdir, args.runs)
        if "stdlib" in cases:
            ratios |= stdlib_tree(workdir, args.files, args.runs, args.flake8_files)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n== summary (ratios measured in this run) ==")
    for name, ratio in ratios.items():
        bar = BARS.get(name)
        print(f"  {name:<20} {verdict(ratio, bar) if bar else f'{ratio:.3f}'}")
    return 0 if all(ratio <= BARS[name] for name, ratio in ratios.items() if name in BARS) else 1


if __name__ == "__main__":
    sys.exit(main())
