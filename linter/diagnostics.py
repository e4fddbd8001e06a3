"""The one type every stage after the rules speaks: a finding."""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.analysis.facts import Span

CONFIDENCE_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    path: str
    span: Span
    message: str
    confidence: str = "high"
    evidence: tuple[str, ...] = field(default_factory=tuple)
    fix: dict | None = None
    # what a fixer needs to find the hazard again (function ids, storage names); not reported
    data: tuple[tuple[str, str], ...] = ()

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "message": self.message,
            "confidence": self.confidence,
            "evidence": list(self.evidence),
            "fix": self.fix,
        }


def confidence_at_least(confidence: str, minimum: str) -> bool:
    return CONFIDENCE_LEVELS.index(confidence) >= CONFIDENCE_LEVELS.index(minimum)
