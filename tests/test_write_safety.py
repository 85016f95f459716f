"""Safe writing (issue 15): ``--write-baseline`` and ``--fix`` behave as an editor would.

A baseline is never left empty or partial and never replaces a device, a FIFO or a folder.  A fix
refuses read-only files (by their mode bits: root may write anything, an editor still refuses),
keeps the permission bits (setuid, setgid, sticky), the owner and group, the hard links (every
name sees the new text) and symbolic links (written through to the target), notebooks included.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import fix as fixes
from lint_memory import runner
from lint_memory.model import FileReport
from lint_memory.project import baseline
from lint_memory.project.settings import Settings
from lint_memory.source import atomic

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files: modes, links, FIFOs, devices")

LEGACY = "from langchain.memory import ConversationBufferMemory\n"
FIXED = "from langchain_classic.memory import ConversationBufferMemory\n"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    return subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", *args], cwd=cwd, capture_output=True, text=True, env=environ
    )


def legacy_project(tmp_path: Path) -> Path:
    """A package on langchain 1.x, so the moved import's fix is safe: `--fix` applies it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("langchain>=1,<2\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(LEGACY, encoding="utf-8")
    return tmp_path / "a.py"


# --- --write-baseline ------------------------------------------------------------------------------


def _reports(tmp_path: Path) -> list[FileReport]:
    path = legacy_project(tmp_path)
    return [runner.check_file(str(path), Settings())]


@pytest.mark.parametrize("existing", [False, True])
@pytest.mark.parametrize("failure", ["write", "fsync", "replace"])
def test_a_baseline_write_that_fails_midway_leaves_no_partial_file(tmp_path, monkeypatch, existing, failure):
    reports = _reports(tmp_path)
    target = tmp_path / "baseline.json"
    if existing:
        target.write_text('{"version": 1, "findings": []}\n', encoding="utf-8")
    before = sorted(os.listdir(tmp_path))

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failure == "write":  # half the bytes reach the temporary file, then the disk is full
        real_fdopen = os.fdopen

        def fdopen(*args, **kwargs):
            handle = real_fdopen(*args, **kwargs)
            write = handle.write

            def half(data):
                write(data[: len(data) // 2])
                fail()

            handle.write = half
            return handle

        monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(atomic.os, failure, fail)
    with pytest.raises(baseline.BaselineError, match="No space left on device"):
        baseline.write_baseline(str(target), reports, str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == before  # no empty file, no temporary file
    if existing:
        assert target.read_text(encoding="utf-8") == '{"version": 1, "findings": []}\n'


def test_an_interrupted_baseline_write_leaves_no_file(tmp_path, monkeypatch):
    reports = _reports(tmp_path)
    before = sorted(os.listdir(tmp_path))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        baseline.write_baseline(str(tmp_path / "baseline.json"), reports, str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == before


def test_a_new_baseline_gets_the_usual_mode(tmp_path):
    reports = _reports(tmp_path)
    old = os.umask(0o022)
    try:
        baseline.write_baseline(str(tmp_path / "baseline.json"), reports, str(tmp_path))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "baseline.json").stat().st_mode) == 0o644


def _device(tmp_path: Path) -> Path:
    """A private character device (the null device's numbers): a regression must not replace the
    machine's own /dev/null.  Making one needs root."""
    if not ROOT or not hasattr(os, "mknod"):
        pytest.skip("making a device node needs root")
    path = tmp_path / "device.json"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return path


def _special(tmp_path: Path, kind: str) -> Path:
    if kind == "device":
        return _device(tmp_path)
    if kind == "fifo":
        path = tmp_path / "fifo.json"
        os.mkfifo(path)
        return path
    if kind == "folder":
        path = tmp_path / "folder.json"
        path.mkdir()
        return path
    link = tmp_path / "null.json"  # a symlink to a device: the device is what would be replaced
    link.symlink_to(_device(tmp_path))
    return link


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "link-to-device"])
def test_write_baseline_never_replaces_a_special_file_or_a_folder(tmp_path, kind):
    legacy_project(tmp_path)
    special = _special(tmp_path, kind)
    before = os.stat(special)
    result = run(".", "--write-baseline", str(special), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"lint-memory: error: {special}: cannot write the baseline: ")
    assert "not a regular file" in result.stderr or "a folder" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    after = os.stat(special)
    assert (after.st_ino, after.st_dev, after.st_mode) == (before.st_ino, before.st_dev, before.st_mode)
    assert not [name for name in os.listdir(special.parent) if name.endswith(atomic.TEMP_SUFFIX)]


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_reading_a_special_file_as_a_baseline_is_an_error_not_a_hang(tmp_path, kind):
    legacy_project(tmp_path)
    special = _special(tmp_path, kind)
    result = subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", ".", "--baseline", str(special)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "cannot read the baseline: not a regular file" in result.stderr


def test_write_baseline_writes_through_a_symlink_to_a_regular_file(tmp_path):
    legacy_project(tmp_path)
    real = tmp_path / "real.json"
    real.write_text("{}", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run(".", "--write-baseline", "link.json", cwd=tmp_path).returncode == 0
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["findings"]


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses names that are not UTF-8")
def test_names_that_are_not_utf8_round_trip_through_the_baseline(tmp_path):
    legacy_project(tmp_path)
    os.rename(tmp_path / "a.py", os.path.join(os.fsencode(tmp_path), b"\xff.py"))
    assert run(".", "--write-baseline", "baseline.json", cwd=tmp_path).returncode == 0
    data = (tmp_path / "baseline.json").read_bytes()
    data.decode("utf-8")  # valid UTF-8: the byte is the JSON escape \udcff
    assert b'"file": "\\udcff.py"' in data
    result = run(".", "--baseline", "baseline.json", cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, "All checks passed!"), result.stderr


# --- --fix: file safety ----------------------------------------------------------------------------


def test_a_read_only_file_is_refused_even_as_root(tmp_path):
    """No monkeypatching of os.access: as root, access() says yes, and the mode bits must decide."""
    path = legacy_project(tmp_path)
    path.chmod(0o444)
    result = run("a.py", "--fix", "--select", "LCM400", cwd=tmp_path)
    assert result.returncode == 1
    assert "lint-memory: error: a.py: cannot write the file: [Errno 13] the file is read-only: 'a.py'" in (
        result.stderr
    )
    assert path.read_text(encoding="utf-8") == LEGACY
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(os.listdir(tmp_path)) == [".git", "a.py", "requirements.txt"]


def test_a_file_writable_by_its_group_only_is_written_by_root(tmp_path):
    path = legacy_project(tmp_path)
    path.chmod(0o464)
    if not ROOT:
        pytest.skip("root: only the mode bits decide")
    assert run("a.py", "--fix", "--select", "LCM400", cwd=tmp_path).returncode == 0
    assert path.read_text(encoding="utf-8") == FIXED and stat.S_IMODE(path.stat().st_mode) == 0o464


@pytest.mark.parametrize("mode", [0o6755, 0o4700, 0o2750, 0o1777, 0o600])
def test_permission_bits_are_kept_setuid_setgid_and_sticky_included(tmp_path, mode):
    path = legacy_project(tmp_path)
    if ROOT:  # the owner changes too, which is what clears the setuid and setgid bits
        os.chown(path, 1234, 5678)
    path.chmod(mode)
    assert run("a.py", "--fix", "--select", "LCM400", cwd=tmp_path).returncode == 0
    status = path.stat()
    assert path.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(status.st_mode) == mode
    if ROOT:
        assert (status.st_uid, status.st_gid) == (1234, 5678)


def test_hard_links_are_kept_and_every_name_sees_the_new_text(tmp_path):
    path = legacy_project(tmp_path)
    other = tmp_path / "elsewhere.txt"
    os.link(path, other)
    inode = path.stat().st_ino
    assert run("a.py", "--fix", "--select", "LCM400", cwd=tmp_path).returncode == 0
    assert path.stat().st_ino == inode == other.stat().st_ino and path.stat().st_nlink == 2
    assert other.read_text(encoding="utf-8") == FIXED


def test_a_symlinked_file_is_written_through_to_its_target(tmp_path):
    legacy_project(tmp_path)
    real = tmp_path / "real"
    real.mkdir()
    os.replace(tmp_path / "a.py", real / "a.py")
    (tmp_path / "a.py").symlink_to(Path("real") / "a.py")
    assert run("a.py", "--fix", "--select", "LCM400", cwd=tmp_path).returncode == 0
    assert (tmp_path / "a.py").is_symlink() and os.readlink(tmp_path / "a.py") == os.path.join("real", "a.py")
    assert (real / "a.py").read_text(encoding="utf-8") == FIXED


NOTEBOOK = {
    "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [LEGACY]}],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.mark.parametrize("how", ["symlink", "hard link", "read-only", "mode"])
def test_notebooks_get_the_same_file_safety(tmp_path, how):
    legacy_project(tmp_path)
    (tmp_path / "a.py").unlink()
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps(NOTEBOOK, indent=1) + "\n", encoding="utf-8")
    named = notebook
    if how == "symlink":
        named = tmp_path / "link.ipynb"
        named.symlink_to("nb.ipynb")
    elif how == "hard link":
        os.link(notebook, tmp_path / "other.ipynb.bak")
    elif how == "read-only":
        notebook.chmod(0o444)
    else:
        notebook.chmod(0o2640)
    result = run(named.name, "--fix", "--select", "LCM400", cwd=tmp_path)
    source = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"]
    if how == "read-only":
        assert result.returncode == 1 and "the file is read-only" in result.stderr
        assert source == [LEGACY]
        return
    assert result.returncode == 0, result.stderr
    assert source == [FIXED]
    if how == "symlink":
        assert named.is_symlink()
    elif how == "hard link":
        assert (tmp_path / "other.ipynb.bak").read_text(encoding="utf-8") == notebook.read_text(encoding="utf-8")
    else:
        assert stat.S_IMODE(notebook.stat().st_mode) == 0o2640


def test_atomic_write_refuses_special_files_and_folders(tmp_path):
    folder = tmp_path / "folder.py"
    folder.mkdir()
    with pytest.raises(IsADirectoryError):
        atomic.write_bytes(str(folder), b"x")
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        atomic.write_bytes(str(fifo), b"x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(FileNotFoundError):
        atomic.write_bytes(str(tmp_path / "missing.py"), b"x")
    assert sorted(os.listdir(tmp_path)) == ["fifo.py", "folder.py"]


def test_fix_file_reports_a_refused_write_per_file_and_goes_on(tmp_path):
    legacy_project(tmp_path)
    paths = []
    for name in ("one.py", "locked.py", "three.py"):
        path = tmp_path / name
        path.write_text(LEGACY, encoding="utf-8")
        paths.append(path)
    paths[1].chmod(0o444)
    errors = []
    for path in paths:
        report = runner.check_file(str(path), Settings())
        fixes.plan_fixes(report, "1")
        errors.append(fixes.fix_file(str(path), report, unsafe=False, write=True).error)
    assert errors[0] is None and errors[2] is None
    assert errors[1] is not None and "the file is read-only" in errors[1]
    assert [path.read_text(encoding="utf-8") for path in paths] == [FIXED, LEGACY, FIXED]
