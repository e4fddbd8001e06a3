"""Build the benchmark corpus from installed code: the CPython standard library without its
tests, plus the installed litellm and openai packages (issue 6's 1.42 M-line tree).

``build(dest, site_packages, copies=1)`` copies the tree ``copies`` times (for the linear-growth
measurement) and returns the number of .py files and lines.
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

# stdlib folders that are tests or test data (the corpus leaves tests out)
_STDLIB_SKIP = {"test", "tests", "idle_test", "site-packages", "__pycache__", "lib2to3_tests"}


def _copy_tree(src: Path, dst: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in _STDLIB_SKIP or n.endswith((".pyc", ".so"))}
        # keep only Python sources and folders
        return skip | {n for n in names if not n.endswith((".py", ".pyi")) and not (Path(directory) / n).is_dir()}

    shutil.copytree(src, dst, ignore=ignore, symlinks=False, dirs_exist_ok=True)


def build(dest: Path, site_packages: Path, copies: int = 1, packages: tuple[str, ...] = ("litellm", "openai")) -> tuple[int, int]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        root = dest / f"copy{i}"
        if root.exists():
            continue
        _copy_tree(stdlib, root / "stdlib")
        for name in packages:
            src = site_packages / name
            if not src.is_dir():
                raise SystemExit(f"benchmark: {name} is not installed in {site_packages}")
            _copy_tree(src, root / "site" / name)
    files = list(dest.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    return len(files), lines
