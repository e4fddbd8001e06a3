"""Build the benchmark corpus from installed code: the CPython standard library without its
tests, plus the installed litellm and openai packages (issue 6's 1.42 M-line tree).

``build(dest, site_packages, copies=1)`` copies the tree ``copies`` times (for the linear-growth
measurement) and returns the number of .py files and lines.
"""

from __future__ import annotations

import io
import shutil
import sysconfig
import tarfile
import urllib.request
from pathlib import Path

# pdd (promptdriven/pdd), the users' kind of tree issue 18 measures: its public repository at a
# pinned commit (1,744 .py files, 806 k lines). PyPI's pdd-cli holds only the package (a
# 0.0.31 wheel of a few files in this sandbox's index), not the repository a user checks.
PDD_COMMIT = "9f437f6d67de4f0d510252f4a2cb7b5c5c902b4e"
PDD_ARCHIVE = f"https://codeload.github.com/promptdriven/pdd/tar.gz/{PDD_COMMIT}"

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


def pdd(dest: Path, copy_of: Path | None = None) -> tuple[int, int]:
    """pdd's Python files at ``PDD_COMMIT`` in ``dest``: copied from ``copy_of`` (a checkout of
    that commit), else downloaded from GitHub's archive of the commit (no git needed). An
    existing ``dest`` is used as it is."""
    if not dest.exists():
        part = dest.with_name(dest.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        if copy_of is not None:
            shutil.copytree(copy_of, part, ignore=lambda d, names: {n for n in names if not n.endswith(".py") and not (Path(d) / n).is_dir()})
        else:
            with urllib.request.urlopen(PDD_ARCHIVE, timeout=300) as response:
                archive = tarfile.open(fileobj=io.BytesIO(response.read()), mode="r:gz")
            for member in archive.getmembers():
                if member.isfile() and member.name.endswith(".py"):
                    member.name = member.name.split("/", 1)[1]  # drop the archive's top folder
                    archive.extract(member, part, filter="data")
        part.rename(dest)
    files = list(dest.rglob("*.py"))
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)
