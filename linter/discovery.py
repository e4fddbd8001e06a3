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


class SourceFile:
    """A file to check: its filesystem path, the path shown (relative to the cwd when
    possible, "/"-separated), its dotted module name and whether it is a package's
    ``__init__``. The ``Path`` is made when first asked for: a rerun that finds everything
    cached never needs one, and making 5,000 of them is a quarter of its discovery."""

    __slots__ = ("fspath", "display", "module", "is_package", "aliases", "_path", "_real")

    def __init__(
        self,
        path: Path | str,
        display: str,
        module: str,
        is_package: bool,
        real: str | None = None,
        aliases: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.fspath = os.fspath(path)
        self.display = display
        self.module = module
        self.is_package = is_package
        # the top-level names of its own folder that another folder's module holds (plain name
        # -> the name this folder's module got): its absolute imports of them mean its own
        self.aliases = aliases
        self._path = path if isinstance(path, Path) else None
        self._real = real  # discovery knows it (the walk's real folder + the name)

    @property
    def cache_name(self) -> str:
        """The module name as the caches key it: the facts depend on ``aliases`` too."""
        if not self.aliases:
            return self.module
        return self.module + "\0" + ",".join(f"{a}={b}" for a, b in self.aliases)

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self.fspath)
        return self._path

    @property
    def realpath(self) -> str:
        """The real path (the cache's key): a stat per path component when not known yet."""
        if self._real is None:
            self._real = os.path.realpath(self.fspath)
        return self._real

    def _key(self) -> tuple[str, str, str, bool, tuple[tuple[str, str], ...]]:
        return (self.fspath, self.display, self.module, self.is_package, self.aliases)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SourceFile) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"SourceFile({self.fspath!r}, {self.display!r}, {self.module!r}, {self.is_package!r})"

    def __getstate__(self) -> tuple[str, str, str, bool, tuple[tuple[str, str], ...]]:
        return self._key()

    def __setstate__(self, state: tuple[str, str, str, bool, tuple[tuple[str, str], ...]]) -> None:
        self.fspath, self.display, self.module, self.is_package, self.aliases = state
        self._path = self._real = None


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
        self._above: dict[str, list[_Rule]] = {}
        self.root_prefix = str(root).rstrip(os.sep) + os.sep

    def _gitignore(self, directory: str, rel: str) -> list[_Rule]:
        if rel not in self._gitignores:
            rules: list[_Rule] = []
            gi = os.path.join(directory, ".gitignore")
            if self.respect_gitignore and os.path.isfile(gi):
                try:
                    with open(gi, encoding="utf-8", errors="replace") as f:
                        rules = _parse_patterns(f.read().splitlines(), rel)
                except OSError:
                    rules = []
            self._gitignores[rel] = rules
        return self._gitignores[rel]

    def excluded(self, path: Path, is_dir: bool, resolved: Path | None = None) -> bool:
        """``resolved``: ``path`` resolved already (the walk resolves each folder once)."""
        rel = _relative(str(resolved or _resolve(path)), self.root_prefix)
        return self.excluded_rel(path.as_posix() if rel is None else rel, is_dir)

    def excluded_rel(self, rel: str, is_dir: bool) -> bool:
        """``excluded`` for a path given relative to the root, "/"-separated."""
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
        for rule in self.gitignores_above(rel.rpartition("/")[0]):
            if rule.matches(rel, is_dir):
                ignored = not rule.negate
        return ignored


    def gitignores_above(self, rel_dir: str) -> list[_Rule]:
        """The rules of the .gitignore files from the root down to folder ``rel_dir``."""
        if rel_dir not in self._above:
            above = self.gitignores_above(rel_dir.rpartition("/")[0]) if rel_dir else []
            self._above[rel_dir] = above + self._gitignore(self.root_prefix + rel_dir, rel_dir)
        return self._above[rel_dir]


def _relative(path: str, prefix: str) -> str | None:
    """``path`` below the folder ``prefix`` (which ends with a separator), "/"-separated; ""
    for the folder itself; None when outside (string work: pathlib costs ~50 us a call)."""
    if path == prefix.rstrip(os.sep) or path + os.sep == prefix:
        return ""
    if not path.startswith(prefix):
        return None
    rel = path[len(prefix) :]
    return rel if os.sep == "/" else rel.replace(os.sep, "/")


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def module_name(path: Path, memo: dict[str, str] | None = None) -> tuple[str, bool]:
    """Dotted module name from the package folders (``__init__.py``) above ``path``; ``memo``
    remembers folders within one discovery (files appear and vanish between runs)."""
    memo = {} if memo is None else memo
    is_package = path.stem == "__init__"
    if is_package:
        return _package(path.parent, memo) or path.parent.name, True
    prefix = _package(path.parent, memo)
    return (f"{prefix}.{path.stem}" if prefix else path.stem), False


def _package(directory: Path, memo: dict[str, str]) -> str:
    """The dotted package a folder is ("" when it has no ``__init__.py``)."""
    return _package_at(str(directory), memo)


def _package_at(folder: str, memo: dict[str, str], has_init: bool | None = None) -> str:
    """``_package`` on a path string; ``has_init``: whether the folder's listing has an
    ``__init__.py`` (saves a stat per folder that has none)."""
    if folder in memo:
        return memo[folder]
    parent = os.path.dirname(folder)
    if has_init is None or has_init:
        has_init = os.path.isfile(os.path.join(folder, "__init__.py"))
    if parent == folder or not has_init:
        name = ""
    else:
        above = _package_at(parent, memo)
        base = os.path.basename(folder)
        name = f"{above}.{base}" if above else base
    memo[folder] = name
    return name


def display_path(path: Path, cwd: Path, parent: Path | None = None) -> str:
    """``parent``: the file's folder, resolved (a linked file is shown under its link's name)."""
    path = (parent or _resolve(path.parent)) / path.name
    rel = _relative(str(path), str(cwd).rstrip(os.sep) + os.sep)
    if rel is not None:
        return rel
    return os.path.relpath(path, cwd).replace(os.sep, "/") if path.is_absolute() else path.as_posix()


def discover(
    paths: list[str],
    matcher: Matcher,
    cwd: Path,
    force_exclude: bool = False,
) -> list[SourceFile]:
    """Every Python file under ``paths``, sorted, without duplicates.

    No symlink is followed out of a directory being walked: a linked file whose target lies
    outside it is skipped, linked directories are not entered, and a link to a file that is
    also found directly is reported under the file's own path. A path named on the command
    line is taken as it is, link or not. Anything else named ``*.py`` (a symlink loop, a
    dangling link, a FIFO) is kept, so that reading it reports the problem (LLM000) rather
    than skipping it silently (``read_source`` never blocks on a FIFO).
    """
    found: dict[str, SourceFile] = {}  # resolved path -> file
    packages: dict[str, str] = {}  # real folder -> dotted package, for this discovery only
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            raise DiscoveryError(f"{raw}: no such file or directory")
        if p.is_symlink() and not p.exists():
            raise DiscoveryError(f"{raw}: broken symlink or symlink loop")
        if not p.is_dir():  # a file, or a FIFO/device that reading reports
            if force_exclude and matcher.excluded(p, False):
                continue
            _add(found, p, cwd, packages)
            continue
        if force_exclude and matcher.excluded(p, True):
            continue
        top = p.resolve()
        links: list[Path] = []
        seen_dirs: set[tuple[int, int]] = set()
        # Depth first, each folder's subfolders in name order. A walked folder's real path is
        # its parent's plus its name (no link is entered), so only the top is resolved:
        # realpath costs a stat per path component.
        stack = [(os.fspath(p), str(_resolve(p)))]
        while stack:
            dirpath, real = stack.pop()
            try:
                st = os.stat(dirpath)
            except OSError:  # removed while we walk
                continue
            if (st.st_dev, st.st_ino) in seen_dirs:
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            dirnames, filenames = _listing(dirpath)
            folder = _Folder(dirpath, real, "__init__.py" in filenames, cwd, matcher, packages, dirpath != os.fspath(p))  # once per folder
            subdirs = sorted(n for n in dirnames if not folder.excluded(n, True))
            stack.extend((os.path.join(dirpath, n), os.path.join(real, n)) for n in reversed(subdirs))
            for name in sorted(filenames):
                if filenames[name]:  # a link
                    if not matcher.excluded(Path(dirpath, name), False):
                        links.append(Path(dirpath, name))
                elif not folder.excluded(name, False):
                    folder.add(found, name)
        for fp in links:  # after the real files, so that a file is shown under its own path
            if _link_inside(fp, top):
                _add(found, fp, cwd, packages)
    return _distinct_modules(sorted(found.values(), key=lambda s: s.display))


def _distinct_modules(files: list[SourceFile]) -> list[SourceFile]:
    """Give every top-level module or package one name per folder it lives in. Scripts in
    folders without ``__init__.py`` are named by their file name alone, so two ``app.py`` in two
    folders were one module ``app``, and the facts of one replaced the other's in the index (a
    finding in camel's ``mistral_OCR/app.py`` came and went with ``youtube_ocr/app.py`` being
    parsed; pdd's own ``pdd`` package shared its name with five copies under ``research/``).
    The shallowest folder (then the first in path order) keeps the plain name; another becomes
    ``app@its/folder``, a name no import spells. Each file of that other folder is told the
    names its folder's modules got (``SourceFile.aliases``): its own ``from marketing_posts.crew
    import ...`` means its own package, run from its folder, not the kept one (crewAI-examples
    has two example projects with a package ``marketing_posts``: an example's findings came
    only when it was checked alone)."""
    roots: list[tuple[SourceFile, str, str]] = []
    holder: dict[str, str] = {}  # top-level name -> the folder that keeps it
    for sf in files:
        top = sf.module.partition(".")[0]
        root = os.path.dirname(sf.display)  # the folder holding the top-level module
        for _ in range(sf.module.count(".") + (1 if sf.is_package else 0)):
            root = os.path.dirname(root)
        roots.append((sf, top, root))
        kept = holder.get(top)
        if kept is None or (root.count("/"), root) < (kept.count("/"), kept):
            holder[top] = root
    renamed: dict[str, dict[str, str]] = {}  # folder -> its top-level names another folder holds
    for _sf, top, root in roots:
        if holder[top] != root:
            renamed.setdefault(root, {})[top] = f"{top}@{root.replace('.', '_') or '_'}"
    out: list[SourceFile] = []
    for sf, top, root in roots:
        names = renamed.get(root)
        if names:
            module = names[top] + sf.module[len(top) :] if top in names else sf.module
            sf = SourceFile(sf.fspath, sf.display, module, sf.is_package, sf._real, tuple(sorted(names.items())))
        out.append(sf)
    return out


def _listing(dirpath: str) -> tuple[list[str], dict[str, bool]]:
    """A folder's subfolders that are not links, and its Python file names (True: a link).
    A folder that cannot be listed stops the run: its files would go unchecked."""
    dirs: list[str] = []
    files: dict[str, bool] = {}
    try:
        with os.scandir(dirpath) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(PYTHON_SUFFIXES):
                    link = entry.is_symlink()
                    if link or not _is_dir(entry):  # a file, link, FIFO...: reading reports it
                        files[name] = link
                        continue
                if not entry.is_symlink() and _is_dir(entry):
                    dirs.append(name)
    except OSError as e:
        raise DiscoveryError(f"{e.filename or dirpath}: cannot list directory: {e.strerror or e}") from None
    return dirs, files


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _link_inside(fp: Path, top: Path) -> bool:
    """A link to a file inside ``top``, or a broken link or loop (reading it reports that)."""
    target = Path(os.path.realpath(fp))
    return not target.exists() or (not target.is_dir() and target.is_relative_to(top))


def _resolve(p: Path) -> Path:
    """``p.resolve()``, or the absolute path for a symlink loop (which ``resolve`` raises on)."""
    try:
        return p.resolve()
    except (OSError, RuntimeError):  # RuntimeError before Python 3.13
        return Path(os.path.abspath(p))


def _add(found: dict[str, SourceFile], p: Path, cwd: Path, memo: dict[str, str] | None = None) -> None:
    resolved = _resolve(p)
    key = str(resolved)
    if key in found:
        return
    module, is_package = module_name(resolved, memo)
    found[key] = SourceFile(p, display_path(p, cwd), module, is_package, key)


class _Folder:
    """A walked folder's files that are not links, with strings instead of a pathlib object
    per step (pathlib costs ~50 us a call: most of a cached rerun's time on 5,000 files)."""

    def __init__(self, dirpath: str, real: str, has_init: bool, cwd: Path, matcher: Matcher,
                 packages: dict[str, str], below_top: bool = False) -> None:
        self.dirpath = dirpath
        self.resolved = real
        self.matcher = matcher
        self.package = _package_at(real, packages, has_init)
        if not has_init and below_top:
            # A folder without ``__init__.py`` inside a package walked here is that package's
            # namespace subpackage (PEP 420): ``pkg/api/app.py`` is imported as ``pkg.api.app``,
            # and its ``from ..client import x`` means ``pkg.client`` (its folder's siblings
            # are no plain names). Only below the folder being checked: what lies above it
            # (a project's ``tests/__init__.py`` above a checked example) is not its import root.
            above = packages.get(os.path.dirname(real), "")
            base = os.path.basename(real)
            if above and base.isidentifier() and all(part.isidentifier() for part in above.split(".")):
                self.package = packages[real] = f"{above}.{base}"
        self.folder_name = os.path.basename(real)
        rel = _relative(real, matcher.root_prefix)
        self.rel = None if rel is None else (rel + "/" if rel else "")
        # No exclude pattern and no .gitignore rule above: only DEFAULT_EXCLUDE can apply.
        self.unruled = rel is not None and not matcher.rules and not matcher.gitignores_above(rel)
        shown = _relative(real, str(cwd).rstrip(os.sep) + os.sep)
        if shown is None:
            shown = display_path(Path(real, "x"), cwd, Path(real))[:-1]
        elif shown:
            shown += "/"
        self.shown = shown

    def excluded(self, name: str, is_dir: bool) -> bool:
        if self.unruled:
            return is_dir and name in DEFAULT_EXCLUDE
        if self.rel is None:
            return self.matcher.excluded(Path(self.dirpath, name), is_dir)
        return self.matcher.excluded_rel(self.rel + name, is_dir)

    def add(self, found: dict[str, SourceFile], name: str) -> None:
        key = os.path.join(self.resolved, name)
        if key in found:
            return
        stem = name.rsplit(".", 1)[0]
        if stem == "__init__":
            module, is_package = self.package or self.folder_name, True
        else:
            module, is_package = (f"{self.package}.{stem}" if self.package else stem), False
        found[key] = SourceFile(os.path.join(self.dirpath, name), self.shown + name, module, is_package, key)


def stdin_file(name: str, matcher: Matcher, cwd: Path, force_exclude: bool = False) -> list[SourceFile]:
    """The file that ``--stdin-filename NAME`` stands for (it need not exist on disk)."""
    p = Path(name)
    if force_exclude and matcher.excluded(p, False):
        return []
    module, is_package = module_name(p.resolve())
    return [SourceFile(p, display_path(p, cwd), module, is_package)]
