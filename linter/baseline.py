"""Baselines: adopt llmlint on legacy code by reporting only findings that are new.

Findings are matched by their line-independent fingerprint (``linter.fingerprint``), with
paths relative to the baseline file's folder.

``since_ref`` builds the baseline from a git commit instead of a file: the project is linted
again with the commit's version of every file that changed since it (a pull request's base).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from linter.analysis.source import decode
from linter.config import Config
from linter.diagnostics import Diagnostic
from linter.discovery import SourceFile, display_path, module_name
from linter.engine import Result, check_files
from linter.fingerprint import Entry, entries

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def render(items: list[Entry]) -> str:
    """The baseline file: sorted, one finding per line-independent record, so it diffs well."""
    records = [{"path": e.path, "code": e.code, "text": e.text[:200], "fingerprint": e.fingerprint} for e in sorted(items)]
    return json.dumps({"llmlint-baseline": FORMAT_VERSION, "findings": records}, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> set[str]:
    """The fingerprints recorded in a baseline file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (create it with `llmlint baseline write -o {path}`)") from None
    except (OSError, UnicodeError, json.JSONDecodeError) as e:
        raise BaselineError(f"{path}: cannot read baseline: {e}") from None
    if not isinstance(data, dict) or data.get("llmlint-baseline") != FORMAT_VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not an llmlint baseline (version {FORMAT_VERSION})")
    try:
        return {str(r["fingerprint"]) for r in data["findings"]}
    except (TypeError, KeyError):
        raise BaselineError(f"{path}: every baseline finding needs a `fingerprint`") from None


def relative_to(base: Path, result: Result) -> dict[str, str]:
    """Display path -> path relative to ``base`` (the baseline file's folder), "/"-separated."""
    base = base.resolve()
    out = {}
    for display, fs_path in result.paths.items():
        out[display] = Path(os.path.relpath(fs_path.resolve(), base)).as_posix()
    return out


def for_file(diagnostics: list[Diagnostic], result: Result, sources: dict[str, list[str]], baseline_file: Path) -> list[Entry]:
    """Entries with paths as the baseline file records them."""
    return entries(diagnostics, sources, relative_to(baseline_file.parent, result))


@dataclass
class Filtered:
    new: list[Diagnostic]
    known: int  # findings in the baseline
    stale: int  # baseline entries no longer found (fixed code)


def keep_new(diagnostics: list[Diagnostic], sources: dict[str, list[str]], known: set[str],
             relpath: dict[str, str] | None = None) -> Filtered:
    """The findings whose fingerprint (paths mapped by ``relpath``) is not ``known``."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    now = entries(ordered, sources, relpath)
    new = [d for d, e in zip(ordered, now, strict=True) if e.fingerprint not in known]
    return Filtered(new, len(ordered) - len(new), len(known - {e.fingerprint for e in now}))


# --- a git commit as the baseline --------------------------------------------------------


def _git(args: list[str], cwd: Path) -> bytes:
    import subprocess  # here: start-up of every run pays for a top-level import

    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BaselineError(f"git {' '.join(args)}: {e}") from None
    if proc.returncode != 0:
        raise BaselineError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


@dataclass
class RefTree:
    """The project as it was at a commit, as overrides of the current file list."""

    files: list[SourceFile]
    overrides: dict[str, str]


def _changes(ref: str, top: Path) -> tuple[dict[Path, str | None], list[str]]:
    """Files changed since ``ref``: current file -> its path at ``ref`` (None: added since,
    untracked files included), and the paths deleted since."""
    fields = _git(["diff", "--name-status", "-M", "-z", ref, "--"], top).decode("utf-8", "surrogateescape").split("\0")
    old_of: dict[Path, str | None] = {}
    deleted: list[str] = []
    i = 0
    while i < len(fields) - 1:
        kind = fields[i][:1]
        if kind in ("R", "C"):  # renamed or copied: status, old path, new path
            old_of[top / fields[i + 2]] = fields[i + 1]
            i += 3
            continue
        path = fields[i + 1]
        i += 2
        if kind == "D":
            deleted.append(path)
        else:
            old_of[top / path] = None if kind == "A" else path
    for untracked in _git(["ls-files", "--others", "--exclude-standard", "-z"], top).decode().split("\0"):
        if untracked:
            old_of[top / untracked] = None
    return old_of, deleted


def _show(ref: str, path: str, top: Path) -> str | None:
    try:
        return decode(_git(["show", f"{ref}:{path}"], top))
    except (UnicodeError, LookupError):
        return None  # undecodable at ref: left out, so its findings now count as new


def tree_at(ref: str, files: list[SourceFile], cwd: Path) -> RefTree:
    """The files of the current run as they were at ``ref``: changed files get the ref's
    text, files added since are left out, files renamed since get their old text under the
    new name (so moving a file keeps its findings old), and files deleted since from the
    folders being linted come back (another module's findings may depend on them)."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip()).resolve()
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except BaselineError:
        raise BaselineError(f"--baseline-ref {ref}: not a commit of this repository (fetched? try origin/{ref})") from None
    old_of, deleted = _changes(ref, top)
    kept: list[SourceFile] = []
    overrides: dict[str, str] = {}
    for sf in files:
        key = sf.path.resolve()
        if key not in old_of:
            kept.append(sf)  # unchanged since ref
            continue
        old = old_of[key]
        text = _show(ref, old, top) if old is not None else None
        if text is not None:
            overrides[sf.display] = text
            kept.append(sf)
    folders = {sf.path.resolve().parent for sf in files}
    for path in deleted:
        absolute = top / path
        if path.endswith((".py", ".pyi")) and absolute.parent in folders and (text := _show(ref, path, top)) is not None:
            module, is_package = module_name(absolute)
            sf = SourceFile(absolute, display_path(absolute, cwd.resolve()), module, is_package)
            overrides[sf.display] = text
            kept.append(sf)
    return RefTree(sorted(kept, key=lambda s: s.display), overrides)


def since_ref(ref: str, files: list[SourceFile], config: Config, jobs: int | None, cwd: Path) -> set[str]:
    """Fingerprints of the findings the project had at ``ref`` (paths as displayed now)."""
    old = tree_at(ref, files, cwd)
    result = check_files(old.files, config, jobs, old.overrides)
    return {e.fingerprint for e in entries(result.diagnostics, result.source_lines())}
