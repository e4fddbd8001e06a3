"""The one type every stage after the rules speaks: a finding.

A finding is typed end to end: its confidence is an enum, its message and evidence are
``Text`` (prose with structured locations, so a rerun can move them and SARIF can list them as
related locations without reading prose back), and what its fixer needs is a typed payload
(``linter.payloads``) read by attribute.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Union

from linter.analysis.facts import Span


class Confidence(enum.StrEnum):
    """How sure a finding is that the code runs concurrently (``low``: no evidence found)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}
CONFIDENCE_LEVELS = tuple(c.value for c in Confidence)


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in a file that evidence names; shown as ``path:line``."""

    path: str
    span: Span

    def __str__(self) -> str:
        return f"{self.path}:{self.span.line}"


Part = Union[str, Loc]


@dataclass(frozen=True, slots=True)
class Text:
    """Prose with locations in it: ``str()`` renders it, ``locations()`` lists the places."""

    parts: tuple[Part, ...] = ()

    def __str__(self) -> str:
        return "".join(p if type(p) is str else str(p) for p in self.parts)

    def __add__(self, other: object) -> Text:
        return text(self, other)

    def __radd__(self, other: object) -> Text:
        return text(other, self)

    def __bool__(self) -> bool:
        return any(self.parts)

    def locations(self) -> Iterator[Loc]:
        return (p for p in self.parts if type(p) is Loc)


def text(*items: object) -> Text:
    """One ``Text`` of strings, locations, other texts and anything with a ``text()`` method
    (a chain of callers), merged: adjacent strings are joined, so equal prose is equal."""
    parts: list[Part] = []

    def add(item: object) -> None:
        if type(item) is Text:
            for p in item.parts:
                add(p)
        elif type(item) is Loc:
            parts.append(item)
        elif isinstance(item, str):
            if not item:
                return
            if parts and type(parts[-1]) is str:
                parts[-1] = parts[-1] + str(item)
            else:
                parts.append(str(item))
        elif hasattr(item, "text"):
            add(item.text())  # type: ignore[attr-defined]
        else:
            add(str(item))

    for item in items:
        add(item)
    return Text(tuple(parts))


def join(sep: str, items: Iterable[object]) -> Text:
    """``sep.join(items)`` for items that may hold locations."""
    parts: list[object] = []
    for item in items:
        if parts:
            parts.append(sep)
        parts.append(item)
    return text(*parts)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    path: str
    span: Span
    message: Text
    confidence: Confidence = Confidence.HIGH
    evidence: tuple[Text, ...] = field(default_factory=tuple)
    fix: dict | None = None
    # what a fixer needs to find the hazard again (``linter.payloads``); not reported
    payload: object | None = None

    def __post_init__(self) -> None:
        # rules may pass prose as plain strings; findings always hold Text and an enum
        if type(self.message) is not Text:
            object.__setattr__(self, "message", text(self.message))
        if any(type(e) is not Text for e in self.evidence):
            object.__setattr__(self, "evidence", tuple(e if type(e) is Text else text(e) for e in self.evidence))
        if type(self.confidence) is not Confidence:
            object.__setattr__(self, "confidence", Confidence(self.confidence))

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code)

    def related(self) -> list[Loc]:
        """Every place the evidence names, in order, without repeats."""
        seen: dict[Loc, None] = {}
        for e in self.evidence:
            for loc in e.locations():
                seen.setdefault(loc, None)
        return list(seen)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "message": str(self.message),
            "confidence": self.confidence.value,
            "evidence": [str(e) for e in self.evidence],
            "fix": self.fix,
        }


def confidence_at_least(confidence: str, minimum: str) -> bool:
    return Confidence(confidence).rank >= Confidence(minimum).rank
