"""Lint small projects written into a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

from linter.analysis.catalog import Catalog
from linter.analysis.facts import FileFacts
from linter.analysis.source import Job, Scan, analyse
from linter.config import load
from linter.diagnostics import Diagnostic
from linter.engine import check_paths


def write(root: Path, files: dict[str, str]) -> None:
    for name, src in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(src), encoding="utf-8")


def lint(root: Path, files: dict[str, str], min_confidence: str | None = None, **options) -> list[Diagnostic]:
    write(root, files)
    config = load(None, root, isolated=True, min_confidence=min_confidence, **options)
    result = check_paths([str(root)], config, jobs=1, cwd=root)
    assert not result.internal_errors, result.internal_errors
    return result.diagnostics


def lint_low(root: Path, files: dict[str, str], **options) -> list[Diagnostic]:
    """``lint`` that also reports low-confidence findings (what ``--preview`` shows): for tests of
    what a rule detects, apart from the concurrency evidence that sets its confidence."""
    options.setdefault("min_confidence", "low")
    return lint(root, files, **options)


def codes(diags: list[Diagnostic]) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in diags]


def facts_of(root: Path, src: str, module: str = "m") -> FileFacts:
    path = root / f"{module}.py"
    path.write_text(textwrap.dedent(src), encoding="utf-8")
    facts = analyse(Job(str(path), path.name, module, False, force_parse=True), Scan(Catalog(), None))
    assert facts is not None
    return facts
