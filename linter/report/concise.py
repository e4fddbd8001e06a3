"""``path:line:col: CODE [name] message`` — one line per finding."""

from __future__ import annotations

from linter.diagnostics import Diagnostic


def line(d: Diagnostic) -> str:
    return f"{d.path}:{d.span.line}:{d.span.column}: {d.code} [{d.name}] {d.message}"


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    return "".join(line(d) + "\n" for d in diagnostics)
