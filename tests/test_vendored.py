"""The copies of shared/ that the tests use (tests/fixtures/cases, tests/schemas) are the ones recorded in
tests/fixtures/vendored.sha256 and, where shared/ is beside the checkout, still the same as shared/'s.

Re-vendor with ``python scripts/vendor_shared.py`` when shared/ changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SHARED = TESTS.parent.parent / "shared"
SUMS = TESTS / "fixtures" / "vendored.sha256"
SHARED_PATH = {"fixtures/cases/": "cases/", "schemas/": "schemas/"}  # prefix under tests/ -> under shared/


def recorded() -> dict[str, str]:
    pairs = (line.split("  ", 1) for line in SUMS.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def test_vendored_files_are_the_recorded_ones():
    sums = recorded()
    on_disk = {
        path.relative_to(TESTS).as_posix()
        for folder in ("fixtures/cases", "schemas")
        for path in (TESTS / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert on_disk == set(sums)
    assert len(sums) == 20  # 17 Python cases, 2 notebooks, the SARIF schema
    for name, digest in sums.items():
        assert hashlib.sha256((TESTS / name).read_bytes()).hexdigest() == digest, name


def test_vendored_files_match_shared_when_it_is_beside_the_checkout():
    # Without shared/ (a plain clone) the recorded checksums above are what holds the copies in place.
    sums = recorded()
    compared = 0
    for name, digest in sums.items():
        prefix = next(p for p in SHARED_PATH if name.startswith(p))
        origin = SHARED / (SHARED_PATH[prefix] + name[len(prefix) :])
        if SHARED.is_dir():
            assert origin.is_file(), f"{name}: gone from shared/; run scripts/vendor_shared.py"
            assert hashlib.sha256(origin.read_bytes()).hexdigest() == digest, (
                f"{name} differs from {origin}; run scripts/vendor_shared.py"
            )
            compared += 1
    if SHARED.is_dir():
        new = {
            p.relative_to(SHARED).as_posix()
            for folder in ("cases/python", "cases/notebooks")
            for p in (SHARED / folder).rglob("*")
            if p.is_file()
        }
        assert {f"fixtures/{name}" for name in new} <= set(sums), "new shared cases; run scripts/vendor_shared.py"
        assert compared == len(sums)
