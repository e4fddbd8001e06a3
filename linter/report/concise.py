"""``path:line:col: CODE [name] message`` — one line per finding."""

from __future__ import annotations

from linter.diagnostics import Diagnostic


def line(d: Diagnostic) -> str:
    """``[*]`` after the code when a fix preview says ``llmlint fix`` can rewrite it (as ruff)."""
    mark = " [*]" if d.fix is not None else ""
    return f"{d.path}:{d.span.line}:{d.span.column}: {d.code}{mark} [{d.name}] {d.message}"


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    return "".join(line(d) + "\n" for d in diagnostics)
