"""nox sessions: the test suite on every Python the project claims (``requires-python = ">=3.10"``).

    nox -s tests             # every version below that is installed
    nox -s tests-3.10        # one of them
    nox -s tests-3.12 -- -k flake8   # arguments after -- go to pytest

Each session makes a fresh virtualenv, installs ``.[dev,langchain]`` and runs ``python -m pytest -q``.
Where pyenv keeps interpreters without exposing them (no ``pyenv global``), their ``bin`` folders are put
on PATH first so that nox finds ``python3.X``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = False


def _expose_pyenv_versions() -> None:
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not root.is_dir():
        return
    found = []
    for version in PYTHONS:
        candidates = sorted(
            (p for p in root.glob(f"{version}.*") if (p / "bin" / f"python{version}").exists()),
            key=lambda p: [int(part) if part.isdigit() else 0 for part in p.name.split(".")],
        )
        if candidates:
            found.append(str(candidates[-1] / "bin"))
    os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_expose_pyenv_versions()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite, as CI runs it, on one Python."""
    session.install("-e", ".[dev,langchain]")
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *session.posargs)
