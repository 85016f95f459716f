"""Atomic writes: a file is always either fully old or fully new, kept as it was stored."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from lint_memory import fix as fixes
from lint_memory import runner
from lint_memory.project.settings import Settings
from lint_memory.source import atomic

SETTINGS = Settings()
OLD = "from langchain.memory import ChatMessageHistory  # {}\n"
NEW = "from langchain_community.chat_message_histories import ChatMessageHistory  # {}\n"


def _files(folder, count=3):
    paths = []
    for index in range(count):
        path = folder / f"m{index}.py"
        path.write_text(OLD.format(index), encoding="utf-8")
        paths.append(path)
    return paths


def _fix_all(paths):
    """What `lint-memory check --fix` does per file."""
    results = []
    for path in paths:
        report = runner.check_file(str(path), SETTINGS)
        fixes.plan_fixes(report, None)
        results.append(fixes.fix_file(str(path), report, unsafe=False, write=True))
    return results


def _contents(folder):
    return sorted(p.name for p in folder.iterdir())


def test_round_trip_keeps_encoding_bom_and_newlines(tmp_path):
    cases = {
        "cookie.py": "# -*- coding: cp1252 -*-\r\nx = '\u20ac'\r\n".encode("cp1252"),
        "bom.py": b"\xef\xbb\xbfx = '\xc3\xa9'\n",
        "plain.py": b"x = 1\rY = 2\r",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        text, stored = atomic.read_text(str(path))
        assert not text.startswith("\ufeff")
        atomic.write_text(str(path), text, stored)
        assert path.read_bytes() == data, name
    notebook = tmp_path / "nb.ipynb"
    notebook.write_bytes(b'\xef\xbb\xbf{"cells": []}')
    text, stored = atomic.read_text(str(notebook), notebook=True)
    assert (text, stored.encoding) == ('{"cells": []}', "utf-8-sig")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_permissions_are_kept(tmp_path):
    path = tmp_path / "script.py"
    path.write_text("x = 1\n")
    path.chmod(0o750)
    atomic.write_bytes(str(path), b"x = 2\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert path.read_bytes() == b"x = 2\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_read_only_files_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "locked.py"
    path.write_text(OLD.format(0), encoding="utf-8")
    path.chmod(0o444)
    if os.geteuid() == 0:  # root may write anything: let the check see what a user would
        monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    (result,) = _fix_all([path])
    assert result.error.startswith("cannot write the file:")
    assert path.read_text(encoding="utf-8") == OLD.format(0)
    assert _contents(tmp_path) == ["locked.py"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_symlink_stays_a_link_to_the_written_file(tmp_path):
    real = tmp_path / "real.py"
    real.write_text("x = 1\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    atomic.write_bytes(str(link), b"x = 2\n")
    assert link.is_symlink() and real.read_bytes() == b"x = 2\n"


@pytest.mark.parametrize("failure", ["replace", "write", "fsync"])
def test_an_error_writing_one_file_leaves_it_old_and_the_run_goes_on(tmp_path, monkeypatch, failure):
    paths = _files(tmp_path)
    calls = {"count": 0}

    def second_fails(original):
        def wrapper(*args, **kwargs):
            calls["count"] += 1
            if calls["count"] == 2:
                raise OSError(28, "No space left on device")
            return original(*args, **kwargs)

        return wrapper

    if failure == "replace":
        monkeypatch.setattr(atomic.os, "replace", second_fails(os.replace))
    elif failure == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", second_fails(os.fsync))
        monkeypatch.setattr(atomic, "_sync_folder", lambda folder: None)  # count only the files' fsyncs
    else:  # the temporary file gets half the bytes, then the disk is full
        real_fdopen = os.fdopen

        def fdopen(*args, **kwargs):
            handle = real_fdopen(*args, **kwargs)
            calls["count"] += 1
            if calls["count"] == 2:
                write = handle.write

                def half(data):
                    write(data[: len(data) // 2])
                    raise OSError(28, "No space left on device")

                handle.write = half
            return handle

        monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    results = _fix_all(paths)
    assert [r.error is None for r in results] == [True, False, True]
    assert "No space left on device" in results[1].error
    assert [p.read_text(encoding="utf-8") for p in paths] == [NEW.format(0), OLD.format(1), NEW.format(2)]
    assert _contents(tmp_path) == ["m0.py", "m1.py", "m2.py"]


def test_an_interrupted_run_leaves_every_file_fully_old_or_fully_new(tmp_path, monkeypatch):
    """Ctrl-C while the second of three files is being written: the first is new, the others old."""
    paths = _files(tmp_path)
    real_fsync = os.fsync
    calls = {"count": 0}

    def interrupted(descriptor):
        calls["count"] += 1
        if calls["count"] == 2:  # the temporary file of m1.py is written but not yet in place
            raise KeyboardInterrupt
        return real_fsync(descriptor)

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    monkeypatch.setattr(atomic, "_sync_folder", lambda folder: None)  # count only the files' fsyncs
    with pytest.raises(KeyboardInterrupt):
        _fix_all(paths)
    contents = [p.read_text(encoding="utf-8") for p in paths]
    for index, text in enumerate(contents):
        assert text in (OLD.format(index), NEW.format(index))
    assert contents == [NEW.format(0), OLD.format(1), OLD.format(2)]
    assert _contents(tmp_path) == ["m0.py", "m1.py", "m2.py"]
