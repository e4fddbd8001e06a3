"""The findings of a rerun after an edit that only moved code.

An edit that keeps a file's facts but for their positions (lines inserted or removed, a comment,
docstring or formatting change) gives the last run's findings with that file's positions moved:
the rules never decide anything from a position, they only report it (a finding's span, the
``Loc`` parts of its message and evidence, the spans of its payload), and they only compare walk
orders (``order``: "read after the call") of one function. So a rerun remaps the stored
findings instead of joining the whole tree again.

The map is read off the two facts, span by span and order by order. Any other difference, a
position the map does not know, or a map that does not keep source order one to one, and the
caller runs the tree again: a remap is either exact or not made.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

from linter.analysis.facts import FileFacts, Span
from linter.cache_codec import CLASSES, FIELDS, encode
from linter.diagnostics import Diagnostic, Loc, Text

Point = tuple[int, int]


@dataclass(frozen=True)
class Moves:
    """Where each position of one file's old facts is in its new facts."""

    path: str  # display path
    points: dict[Point, Point]  # (line, column) -> (line, column), starts and ends of spans


def moves(old: FileFacts, new: FileFacts) -> Moves | None:
    """The position map from ``old`` to ``new``, or None unless they differ only in positions."""
    if old.error or new.error:
        return None
    # a name added, removed or renamed is no move, and its keys tell at once: encoding both
    # facts and walking them to find it out was 80 ms for pdd's llm_invoke.py (7,400 lines)
    if any(list(getattr(old, name)) != list(getattr(new, name)) for name in ("bindings", "imports", "functions", "classes")):
        return None
    pairs: list[tuple[Span, Span]] = []
    orders: dict[int, int] = {}
    if not _alike(encode(replace(old, suppressions={})), encode(replace(new, suppressions={})), pairs, orders):
        return None
    if not _one_to_one(sorted(orders.items())):
        return None
    points: dict[Point, Point] = {}
    for a, b in pairs:
        for p, q in (((a.line, a.column), (b.line, b.column)), ((a.end_line, a.end_column), (b.end_line, b.end_column))):
            if points.setdefault(p, q) != q:
                return None
    ordered = sorted(points.items())
    if not _one_to_one(ordered):
        return None  # an edit moved code, not just lines
    lines: dict[int, int] = {}  # of first lines: a finding's line is one of them
    for a, b in pairs:
        if lines.setdefault(a.line, b.line) != b.line:
            return None
    if not _one_to_one(sorted(lines.items())):
        return None  # two lines joined: a suppression comment could now cover another finding
    # A finding's line is the first line of a fact's span, so a suppression elsewhere (``# noqa:
    # F401`` on an import) suppressed nothing before and suppresses nothing now
    image = set(lines.values())
    before = {lines[n]: codes for n, codes in old.suppressions.items() if n in lines}
    if before != {n: codes for n, codes in new.suppressions.items() if n in image}:
        return None
    return Moves(new.path, points)


def _one_to_one(pairs: list[tuple[Any, Any]]) -> bool:
    """Sorted (old, new) pairs whose new values keep the old order, none repeated."""
    return all(b1 < b2 for (_, b1), (_, b2) in zip(pairs, pairs[1:]))


# tag -> index (after the tag) of an ``order`` field
_ORDER_AT = {"@" + name: FIELDS[cls].index("order") + 1 for name, cls in CLASSES.items() if "order" in FIELDS[cls]}


def _alike(a: Any, b: Any, pairs: list[tuple[Span, Span]], orders: dict[int, int]) -> bool:
    """Encoded facts equal but for their spans (collected in ``pairs``) and walk orders."""
    if type(a) is not list or type(b) is not list:
        return a == b and type(a) is type(b)
    if len(a) != len(b) or a[0] != b[0]:
        return False
    tag = a[0]
    if tag == "@Span":
        pairs.append((Span(*a[1:]), Span(*b[1:])))
        return True
    if tag in ("f", "s"):  # unordered: no pairing of their items
        return a == b
    at = _ORDER_AT.get(tag)
    if at is not None:
        if type(a[at]) is not int or type(b[at]) is not int or orders.setdefault(a[at], b[at]) != b[at]:
            return False
        a, b = a[:at] + a[at + 1 :], b[:at] + b[at + 1 :]
    return all(_alike(x, y, pairs, orders) for x, y in zip(a[1:], b[1:]))


def remap(diagnostics: list[Diagnostic], moved: list[Moves]) -> list[Diagnostic] | None:
    """``diagnostics`` with the moved files' positions mapped, in report order; None when one
    of them names a position that no map knows."""
    out = list(diagnostics)
    for m in moved:
        for i, d in enumerate(out):
            try:
                out[i] = _remap_one(d, m)
            except KeyError:
                return None
    out.sort(key=Diagnostic.sort_key)
    return out


def _remap_one(d: Diagnostic, m: Moves) -> Diagnostic:
    def point(span: Span) -> Span:
        (line, column), (end_line, end_column) = m.points[(span.line, span.column)], m.points[(span.end_line, span.end_column)]
        return Span(line, column, end_line, end_column)

    def moved_text(t: Text) -> Text:
        if not any(p.path == m.path for p in t.locations()):
            return t
        return Text(tuple(Loc(p.path, point(p.span)) if type(p) is Loc and p.path == m.path else p for p in t.parts))

    changes: dict[str, Any] = {}
    if d.path == m.path:
        changes["span"] = point(d.span)
        if d.payload is not None and dataclasses.is_dataclass(d.payload):
            spans = {f.name: point(v) for f in dataclasses.fields(d.payload) if type(v := getattr(d.payload, f.name)) is Span}
            if spans:
                changes["payload"] = replace(d.payload, **spans)
    message, evidence = moved_text(d.message), tuple(moved_text(e) for e in d.evidence)
    if message != d.message or evidence != d.evidence:
        changes["message"], changes["evidence"] = message, evidence
    return replace(d, **changes) if changes else d
