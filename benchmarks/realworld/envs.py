"""Cached virtual environments for the real-package acceptance (``run.py``).

Each environment lives in ``~/.cache/llmlint-realworld/<name>`` (``LLMLINT_REALWORLD_CACHE``
overrides the folder) and is reused while its requirements are the same: installing crewAI
with its dependencies from PyPI took 9 min 46 s on this machine, a reuse takes nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CACHE = Path(os.environ.get("LLMLINT_REALWORLD_CACHE", Path.home() / ".cache" / "llmlint-realworld"))
_STAMP = "llmlint-requirements.txt"  # what the environment was installed with


def venv(name: str, python_exe: str | Path, requirements: list[str] | tuple[str, ...]) -> Path:
    """The python of the environment ``name``, created with ``python_exe`` and ``requirements``
    installed from PyPI by pip, unless an environment with the same requirements exists."""
    root = CACHE / name
    py = root / "bin" / "python"
    wanted = "\n".join([str(python_exe), *sorted(requirements)]) + "\n"
    stamp = root / _STAMP
    if py.exists() and stamp.exists() and stamp.read_text() == wanted:
        return py
    if root.exists():
        shutil.rmtree(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(python_exe), "-m", "venv", str(root)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", *requirements], check=True)
    stamp.write_text(wanted)  # last: an interrupted install is redone, never reused
    return py


def adopt(name: str, python_exe: str | Path, requirements: list[str] | tuple[str, ...]) -> None:
    """Mark an environment installed by hand with exactly these requirements as reusable."""
    (CACHE / name / _STAMP).write_text("\n".join([str(python_exe), *sorted(requirements)]) + "\n")


def installed_package(py: Path, import_name: str) -> Path:
    """The folder of ``import_name`` in the environment of ``py`` (found without importing it:
    importing crewAI runs its start-up code)."""
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.find_spec({import_name!r})\n"
        "print(list(spec.submodule_search_locations)[0] if spec.submodule_search_locations else spec.origin)\n"
    )
    out = subprocess.run([str(py), "-c", code], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def copy_package(src: Path, dst: Path) -> Path:
    """A copy of the package folder ``src`` at ``dst`` (bytecode caches left out)."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dst
