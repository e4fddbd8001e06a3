"""The default, human format: the finding, the source line, and the evidence behind it."""

from __future__ import annotations

from linter.diagnostics import Diagnostic
from linter.report.concise import line


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    out: list[str] = []
    for d in diagnostics:
        out.append(line(d))
        lines = sources.get(d.path, [])
        if 0 < d.span.line <= len(lines):
            text = lines[d.span.line - 1].rstrip("\r\n")
            gutter = f"{d.span.line:>5} | "
            out.append(gutter + text)
            width = max(1, (d.span.end_column - d.span.column) if d.span.end_line == d.span.line else len(text) - d.span.column + 1)
            out.append(" " * (len(gutter) + d.span.column - 1) + "^" * width)
        out.append(f"      confidence: {d.confidence}")
        for ev in d.evidence:
            out.append(f"      = {ev}")
        out.append("")
    return "\n".join(out) + ("\n" if out else "")
