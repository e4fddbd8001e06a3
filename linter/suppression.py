"""Suppressions: inline comments and per-file ignores."""

from __future__ import annotations

import fnmatch
from typing import Iterable

from linter.analysis.facts import FileFacts
from linter.diagnostics import Diagnostic
from linter.rules import BY_KEY


def is_suppressed(diag: Diagnostic, facts: FileFacts | None) -> bool:
    """``# noqa`` (all), ``# noqa: LLM001`` / ``global-callback-data``, ``# llmlint: ignore[...]``."""
    if facts is None or not facts.suppressions:
        return False
    codes = facts.suppressions.get(diag.span.line)
    if not codes:
        return False
    if "*" in codes or diag.code in codes or diag.name in codes:
        return True
    upper = {c.upper() for c in codes}
    return diag.code in upper or any(BY_KEY.get(c) is not None and BY_KEY[c].code == diag.code for c in codes)


def per_file_ignored(diag: Diagnostic, patterns: Iterable[tuple[str, frozenset[str]]]) -> bool:
    for glob, codes in patterns:
        if diag.code in codes and (
            fnmatch.fnmatch(diag.path, glob) or fnmatch.fnmatch(diag.path.rsplit("/", 1)[-1], glob)
        ):
            return True
    return False
