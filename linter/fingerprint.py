"""Line-independent fingerprints of findings (for baselines, SARIF and GitLab reports).

A fingerprint hashes the rule code, the file's path, the matched source text with whitespace
collapsed, and the finding's index among the findings of that file with the same code and
text. Moving code keeps its fingerprint; a second copy of the same hazard gets index 1, so it
is a different (new) finding.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from linter.diagnostics import Diagnostic

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    path: str
    code: str
    text: str
    fingerprint: str


def matched_text(d: Diagnostic, lines: list[str]) -> str:
    """The source the finding's span covers, whitespace collapsed (empty if out of range)."""
    s = d.span
    if not (0 < s.line <= s.end_line <= len(lines)):
        return ""
    if s.line == s.end_line:
        text = lines[s.line - 1][s.column - 1 : s.end_column - 1]
    else:
        chunk = lines[s.line - 1 : s.end_line]
        text = "\n".join([chunk[0][s.column - 1 :], *chunk[1:-1], chunk[-1][: s.end_column - 1]])
    return _SPACE.sub(" ", text).strip()


def entries(diagnostics: Iterable[Diagnostic], sources: dict[str, list[str]], relpath: dict[str, str] | None = None) -> list[Entry]:
    """One entry per finding, sorted by position; ``relpath`` maps display paths to the
    paths recorded (default: the display path)."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        path = (relpath or {}).get(d.path, d.path)
        text = matched_text(d, sources.get(d.path, []))
        key = (d.code, path, text)
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[key] += 1
        out.append(Entry(path, d.code, text, digest))
    return out


def fingerprints(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> dict[int, str]:
    """id(diagnostic) -> fingerprint, for report formats (paths as displayed)."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    return {id(d): e.fingerprint for d, e in zip(ordered, entries(ordered, sources), strict=True)}


