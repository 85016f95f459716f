"""The flake8 plugin, run for real: ``python -m flake8`` subprocesses on fixture files.

Expected lines are written out here (``path:row:col: CODE``; flake8 prints 1-based columns).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FLAKE8 = HERE / "fixtures" / "flake8"
RULES = HERE / "fixtures" / "rules"
CASES = HERE / "fixtures" / "cases" / "python"  # vendored from shared/cases
if not CASES.is_dir():
    CASES = HERE.parent.parent / "shared" / "cases" / "python"  # beside the checkout, in development and in CI
LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.*)$")


def flake8(*args: str, cwd: Path = FLAKE8, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        check=False,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def lcm_lines(done: subprocess.CompletedProcess) -> list[str]:
    """``path:row:col: CODE`` for each LCM line; every message is one line ending with a URL."""
    assert "Traceback" not in done.stderr and "failed during execution" not in done.stderr, done.stderr
    out = []
    for line in done.stdout.splitlines():
        match = LINE.match(line)
        assert match, line
        if match["code"].startswith("LCM"):
            assert re.search(r"; see https://\S+$", match["text"]), line
            out.append(f"{match['path']}:{match['row']}:{match['col']}: {match['code']}")
    return out


APP = [
    "app.py:2:30: LCM301",
    "app.py:2:30: LCM400",
    "app.py:3:30: LCM100",
    "app.py:3:30: LCM400",
    "app.py:6:11: LCM100",
    "app.py:7:9: LCM301",
    "app.py:7:37: LCM300",
    "app.py:11:5: LCM302",
]


def test_findings_with_exact_positions():
    done = flake8("--select", "LCM", "app.py")
    assert done.returncode == 1
    assert lcm_lines(done) == APP


def test_stdin_gives_the_same_output_as_the_file():
    source = (FLAKE8 / "app.py").read_text(encoding="utf-8")
    from_file = flake8("--select", "LCM", "app.py")
    from_stdin = flake8("--select", "LCM", "--stdin-display-name", "app.py", "-", stdin=source)
    assert from_stdin.returncode == 1
    assert from_stdin.stdout == from_file.stdout
    assert lcm_lines(from_stdin) == APP


def test_stdin_without_a_display_name():
    done = flake8("--select", "LCM", "-", stdin="from langchain.memory import SimpleMemory\n")
    assert lcm_lines(done) == ["stdin:1:30: LCM104", "stdin:1:30: LCM400"]


def test_noqa_comments():
    done = flake8("--select", "LCM", "noqa.py")
    assert lcm_lines(done) == [
        "noqa.py:2:30: LCM400",  # noqa: LCM101 silences only LCM101
        "noqa.py:3:30: LCM400",  # noqa:LCM1 silences the LCM1xx prefix
        "noqa.py:5:30: LCM104",  # the E501 noqa is about another code
        "noqa.py:5:30: LCM400",
        "noqa.py:6:30: LCM102",  # NOQA:LCM4, upper case
        "noqa.py:11:10: LCM100",  # noqa: LCM2 is another prefix
    ]  # line 1 (bare noqa), line 4 (both codes) and the multi-line string (lines 8-10) are silent


def test_disable_noqa_reports_everything():
    done = flake8("--select", "LCM", "--disable-noqa", "noqa.py")
    assert len(lcm_lines(done)) == 14


def test_opt_in_rules_are_off_by_default():
    assert lcm_lines(flake8("opt_in.py")) == ["opt_in.py:1:38: LCM100", "opt_in.py:7:10: LCM100"]


@pytest.mark.parametrize(
    "selection",
    [
        ["--extend-select", "LCM5"],
        ["--select", "LCM,LCM5"],
        ["--select", "LCM", "--extend-select", "LCM50"],
        ["--select", "LCM,LCM500,LCM501"],
    ],
)
def test_opt_in_rules_on_request(selection):
    assert lcm_lines(flake8(*selection, "opt_in.py")) == [
        "opt_in.py:1:38: LCM100",
        "opt_in.py:2:41: LCM501",
        "opt_in.py:3:46: LCM500",
        "opt_in.py:5:11: LCM501",
        "opt_in.py:6:9: LCM500",
        "opt_in.py:7:10: LCM100",
    ]


def test_one_opt_in_rule_alone():
    assert lcm_lines(flake8("--select", "LCM500", "opt_in.py")) == ["opt_in.py:3:46: LCM500", "opt_in.py:6:9: LCM500"]


@pytest.mark.parametrize(
    "selection",
    [
        ["--select", "LCM"],
        ["--extend-select", "LCM"],
        ["--ignore", "E501"],
        ["--extend-ignore", "E501"],
        ["--select", "L"],
        ["--select", "LCM1,LCM4"],
    ],
)
def test_a_selection_that_does_not_name_lcm5_keeps_the_opt_in_rules_off(selection):
    # As flake8-bugbear's B9xx: `--select LCM` means the default rules, and an `ignore` that replaces flake8's
    # default ignore list (where LCM500/LCM501 sit) does not switch them on either.
    expected = ["opt_in.py:1:38: LCM100", "opt_in.py:7:10: LCM100"]
    assert lcm_lines(flake8(*selection, "opt_in.py")) == expected


def test_a_narrow_selection_with_the_lcm50_prefix():
    assert lcm_lines(flake8("--select", "LCM1,LCM50", "opt_in.py")) == [
        "opt_in.py:1:38: LCM100",
        "opt_in.py:2:41: LCM501",
        "opt_in.py:3:46: LCM500",
        "opt_in.py:5:11: LCM501",
        "opt_in.py:6:9: LCM500",
        "opt_in.py:7:10: LCM100",
    ]
    assert lcm_lines(flake8("--select", "LCM501", "opt_in.py")) == ["opt_in.py:2:41: LCM501", "opt_in.py:5:11: LCM501"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("select = LCM\n", ["opt_in.py:1:38: LCM100", "opt_in.py:7:10: LCM100"]),
        (
            "select = LCM,LCM5\n",
            [
                "opt_in.py:1:38: LCM100",
                "opt_in.py:2:41: LCM501",
                "opt_in.py:3:46: LCM500",
                "opt_in.py:5:11: LCM501",
                "opt_in.py:6:9: LCM500",
                "opt_in.py:7:10: LCM100",
            ],
        ),
        (
            "extend-select = LCM501\n",
            ["opt_in.py:1:38: LCM100", "opt_in.py:2:41: LCM501", "opt_in.py:5:11: LCM501", "opt_in.py:7:10: LCM100"],
        ),
    ],
)
def test_selection_from_a_config_file(tmp_path, config, expected):
    (tmp_path / "opt_in.py").write_bytes((FLAKE8 / "opt_in.py").read_bytes())
    (tmp_path / "setup.cfg").write_text("[flake8]\n" + config, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "flake8", "opt_in.py"],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert lcm_lines(done) == expected


def _by_file(lines: list[str]) -> dict[str, set[tuple[int, str]]]:
    found: dict[str, set[tuple[int, str]]] = {}
    for line in lines:
        path, row, _, code = line.split(":")
        found.setdefault(Path(path).name, set()).add((int(row), code.strip()))
    return found


def test_rule_fixtures_match_their_marks(expected_marks):
    found = _by_file(lcm_lines(flake8("--select", "LCM,LCM5", ".", cwd=RULES)))
    for path in sorted(RULES.glob("*.py")):
        assert found.get(path.name, set()) == expected_marks(path), path.name


def test_rule_fixtures_default_selection_leaves_out_opt_in_codes(expected_marks):
    found = _by_file(lcm_lines(flake8(".", cwd=RULES)))
    for path in sorted(RULES.glob("*.py")):
        expected = {(row, code) for row, code in expected_marks(path) if not code.startswith("LCM5")}
        assert found.get(path.name, set()) == expected, path.name


def test_deep_nesting_is_checked_not_a_crash(tmp_path):
    # Python parses 600 nested lambdas and pyflakes copes; the engine's visitor goes on on a large stack.
    (tmp_path / "deep.py").write_text(
        "from langchain.memory import ConversationBufferMemory\nx = " + "lambda: " * 600 + "ConversationBufferMemory\n",
        encoding="utf-8",
    )
    done = flake8("--select", "LCM", "deep.py", cwd=tmp_path)
    assert done.returncode == 1
    assert lcm_lines(done) == ["deep.py:1:30: LCM100", "deep.py:1:30: LCM400", "deep.py:2:4805: LCM100"]


def test_clean_file_exits_zero(tmp_path):
    (tmp_path / "clean.py").write_text("from langgraph.checkpoint.memory import InMemorySaver\n", encoding="utf-8")
    done = flake8("--select", "LCM", "clean.py", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")


def test_acceptance_cases_exactly(expected_marks):
    # What shared/tools/check_cases.py --tool flake8 checks, on the copy of the cases vendored in tests/, so a
    # clone without shared/ beside it runs it too: every `# expect:` mark, nothing else, no opt-in code.
    files = sorted(p.name for p in CASES.glob("*.py"))
    assert len(files) >= 15
    found = _by_file(lcm_lines(flake8("--select", "LCM", *files, cwd=CASES)))
    for name in files:
        assert found.get(name, set()) == expected_marks(CASES / name), name
    assert sum(len(marks) for marks in found.values()) >= 100
