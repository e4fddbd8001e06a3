"""Paths -> Python files: expand directories, honour excludes and ``.gitignore``.

Explicitly named files are always checked unless ``force_exclude`` is set (pre-commit passes
every changed file by name, and excluded files must stay excluded there).
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".llmlint_cache",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    ".eggs",
)
PYTHON_SUFFIXES = (".py", ".pyi")


class DiscoveryError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path  # filesystem path
    display: str  # relative to the cwd when possible, "/"-separated
    module: str
    is_package: bool


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore / exclude glob as a regex over "/"-separated relative paths."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            c = pattern[i]
            if c == "*":
                out.append("[^/]*")
            elif c == "?":
                out.append("[^/]")
            elif c == "[":
                j = pattern.find("]", i)
                if j == -1:
                    out.append(re.escape(c))
                else:
                    out.append(fnmatch.translate(pattern[i : j + 1])[4:-3])
                    i = j
            else:
                out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True, slots=True)
class _Rule:
    regex: re.Pattern[str]
    base: str  # directory (relative, "/"-separated, "" = root) the pattern is relative to
    anchored: bool
    dir_only: bool
    negate: bool

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        if self.anchored:
            return bool(self.regex.match(rel))
        return bool(self.regex.match(rel.rsplit("/", 1)[-1])) or bool(self.regex.match(rel))


def _parse_patterns(lines: list[str], base: str) -> list[_Rule]:
    rules = []
    for raw in lines:
        line = raw.rstrip("\n").rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if not line:
            continue
        rules.append(_Rule(_glob_regex(line), base, anchored, dir_only, negate))
    return rules


class Matcher:
    """Exclude patterns (from config and command line) plus ``.gitignore`` files as found."""

    def __init__(self, root: Path, exclude: list[str], respect_gitignore: bool = True) -> None:
        self.root = root
        self.rules = _parse_patterns(list(exclude), "")
        self.respect_gitignore = respect_gitignore
        self._gitignores: dict[str, list[_Rule]] = {}

    def _gitignore(self, directory: Path, rel: str) -> list[_Rule]:
        if rel not in self._gitignores:
            rules: list[_Rule] = []
            gi = directory / ".gitignore"
            if self.respect_gitignore and gi.is_file():
                try:
                    rules = _parse_patterns(gi.read_text(errors="replace").splitlines(), rel)
                except OSError:
                    rules = []
            self._gitignores[rel] = rules
        return self._gitignores[rel]

    def excluded(self, path: Path, is_dir: bool, resolved: Path | None = None) -> bool:
        try:
            rel = (resolved or path.resolve()).relative_to(self.root).as_posix()
        except ValueError:
            rel = path.as_posix()
        if rel in ("", "."):
            return False
        name = rel.rsplit("/", 1)[-1]
        if is_dir and name in DEFAULT_EXCLUDE:
            return True
        ignored = False
        for rule in self.rules:
            if rule.matches(rel, is_dir) or any(
                rule.matches(parent, True) for parent in _parents(rel)
            ):
                ignored = not rule.negate
        if ignored:
            return True
        # .gitignore files from the root down to the file's directory
        parts = rel.split("/")
        directory = self.root
        gi_rules: list[_Rule] = list(self._gitignore(directory, ""))
        for i, part in enumerate(parts[:-1]):
            directory = directory / part
            gi_rules += self._gitignore(directory, "/".join(parts[: i + 1]))
        for rule in gi_rules:
            if rule.matches(rel, is_dir):
                ignored = not rule.negate
        return ignored


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def module_name(path: Path, memo: dict[Path, str] | None = None) -> tuple[str, bool]:
    """Dotted module name from the package folders (``__init__.py``) above ``path``; ``memo``
    remembers folders within one discovery (files appear and vanish between runs)."""
    memo = {} if memo is None else memo
    is_package = path.stem == "__init__"
    if is_package:
        return _package(path.parent, memo) or path.parent.name, True
    prefix = _package(path.parent, memo)
    return (f"{prefix}.{path.stem}" if prefix else path.stem), False


def _package(directory: Path, memo: dict[Path, str]) -> str:
    """The dotted package a folder is ("" when it has no ``__init__.py``)."""
    if directory in memo:
        return memo[directory]
    if directory.parent == directory or not (directory / "__init__.py").is_file():
        name = ""
    else:
        parent = _package(directory.parent, memo)
        name = f"{parent}.{directory.name}" if parent else directory.name
    memo[directory] = name
    return name


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd).as_posix()
    except ValueError:
        return os.path.relpath(path.resolve(), cwd).replace(os.sep, "/") if path.is_absolute() else path.as_posix()


def discover(
    paths: list[str],
    matcher: Matcher,
    cwd: Path,
    force_exclude: bool = False,
) -> list[SourceFile]:
    """Every Python file under ``paths``, sorted, without duplicates."""
    found: dict[Path, SourceFile] = {}
    packages: dict[Path, str] = {}  # folder -> dotted package, for this discovery only
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            raise DiscoveryError(f"{raw}: no such file or directory")
        if p.is_file():
            if force_exclude and matcher.excluded(p, False):
                continue
            _add(found, p, cwd)
            continue
        if not p.is_dir():
            raise DiscoveryError(f"{raw}: not a file or directory")
        if force_exclude and matcher.excluded(p, True):
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(p, followlinks=False):
            d = Path(dirpath)
            st = d.stat()
            if (st.st_dev, st.st_ino) in seen_dirs:
                dirnames[:] = []
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            real = d.resolve()  # once per folder: its entries that are not symlinks resolve under it
            dirnames[:] = sorted(n for n in dirnames if not matcher.excluded(d / n, True, _real(d / n, real)))
            for name in sorted(filenames):
                if not name.endswith(PYTHON_SUFFIXES):
                    continue
                fp = d / name
                link = fp.is_symlink()
                if link and not fp.is_file():
                    continue
                resolved = fp.resolve() if link else real / name
                if not matcher.excluded(fp, False, resolved):
                    _add(found, fp, cwd, resolved, packages)
    return sorted(found.values(), key=lambda s: s.display)


def _real(path: Path, real_parent: Path) -> Path:
    return path.resolve() if path.is_symlink() else real_parent / path.name


def _add(found: dict[Path, SourceFile], p: Path, cwd: Path, resolved: Path | None = None, memo: dict[Path, str] | None = None) -> None:
    key = resolved or p.resolve()
    if key in found:
        return
    module, is_package = module_name(key, memo)
    try:
        display = key.relative_to(cwd).as_posix()
    except ValueError:
        display = display_path(p, cwd)
    found[key] = SourceFile(p, display, module, is_package)



def stdin_file(name: str, matcher: Matcher, cwd: Path, force_exclude: bool = False) -> list[SourceFile]:
    """The file that ``--stdin-filename NAME`` stands for (it need not exist on disk)."""
    p = Path(name)
    if force_exclude and matcher.excluded(p, False):
        return []
    module, is_package = module_name(p.resolve())
    return [SourceFile(p, display_path(p, cwd), module, is_package)]
