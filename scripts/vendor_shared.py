"""Copy what the tests need from ``shared/`` (beside the checkout) into ``tests/``, and record checksums.

    python scripts/vendor_shared.py            # from the checkout; ../shared is the source
    python scripts/vendor_shared.py --shared DIR

Copies ``shared/cases/{python,notebooks}`` to ``tests/fixtures/cases/`` and
``shared/schemas/sarif-schema-2.1.0.json`` to ``tests/schemas/``, then rewrites
``tests/fixtures/vendored.sha256`` (``sha256sum`` format).  ``tests/test_vendored.py`` checks the copies
against that list, and against ``shared/`` when it is there, so a change on either side is seen.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SUMS = TESTS / "fixtures" / "vendored.sha256"
# (path under shared/, path under tests/)
COPIES = [
    ("cases/python", "fixtures/cases/python"),
    ("cases/notebooks", "fixtures/cases/notebooks"),
    ("schemas/sarif-schema-2.1.0.json", "schemas/sarif-schema-2.1.0.json"),
]


def vendored_files() -> list[Path]:
    """Every vendored file, as a path under tests/."""
    files: list[Path] = []
    for _, target in COPIES:
        path = TESTS / target
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return files


def checksum_lines() -> list[str]:
    return [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(TESTS).as_posix()}"
        for path in vendored_files()
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    if not (args.shared / "cases").is_dir():
        print(f"no shared/ at {args.shared}", file=sys.stderr)
        return 2
    for source, target in COPIES:
        origin, destination = args.shared / source, TESTS / target
        if destination.is_dir():
            shutil.rmtree(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        else:
            shutil.copyfile(origin, destination)
    SUMS.write_text("\n".join(checksum_lines()) + "\n", encoding="utf-8")
    print(f"vendored {len(vendored_files())} files; checksums in {SUMS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
