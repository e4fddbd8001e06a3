"""Evidence as structured text: prose with locations in it."""

from __future__ import annotations

from linter.analysis.facts import Span
from linter.diagnostics import Confidence, Diagnostic, Loc, Text, join, text
from linter.project import Chain


def test_text_merges_strings_keeps_locs_and_renders() -> None:
    a, b = Loc("a.py", Span(3, 1, 3, 5)), Loc("b.py", Span(7, 5, 9, 2))
    t = text("held at ", "", a, ", ", text("called ", "at "), b, "!")
    assert t.parts == ("held at ", a, ", called at ", b, "!")
    assert str(t) == "held at a.py:3, called at b.py:7!"
    assert list(t.locations()) == [a, b]
    assert text("x", "y") == text("xy") == Text(("xy",))
    assert text() == Text(()) and not text("") and str(text()) == ""
    assert join(", ", [a, "b", b]).parts == (a, ", b, ", b)
    chain = Chain((text("f (calls completion at ", a, ")"), text("g")))
    assert str(chain) == "f (calls completion at a.py:3) ← g"  # as before: steps joined with " ← "
    assert text("runs concurrently: ", chain).parts == ("runs concurrently: f (calls completion at ", a, ") ← g")
    assert str(chain.text(" → ")) == "f (calls completion at a.py:3) → g"


def test_diagnostic_holds_text_and_confidence() -> None:
    loc = Loc("b.py", Span(2, 1, 2, 4))
    d = Diagnostic("LLM003", "x", "a.py", Span(1, 1, 1, 2), "msg", "medium", ("plain", text("at ", loc), text("again ", loc)))
    assert d.confidence is Confidence.MEDIUM and type(d.message) is Text
    assert [str(e) for e in d.evidence] == ["plain", "at b.py:2", "again b.py:2"]
    assert d.related() == [loc]
