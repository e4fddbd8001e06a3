"""Small single-file cases that a rule module lists beside its code, as ``VALID`` and ``INVALID``.

A rule's docs say what it reports and which look-alikes it leaves alone; its cases say the same
thing in code, and ``tests/test_rule_cases.py`` runs every one of them through the whole linter
(all rules, ``--min-confidence low``, isolated settings) and compares the findings of that rule
with the pins: code, line, column and confidence. Scenarios that need several files (a caller in
another module, a package layout) are fixture folders instead: ``tests/fixtures/<CODE>/<case>/``.

This module is not a rule (it defines no ``CODE``); rule modules import it at their end, so it is
imported on every run while only the test reads the cases: plain classes, and a dedent done when
the test asks (with dataclasses and an eager ``textwrap.dedent`` this module took 5 ms to import,
``python -X importtime``, plus 3 ms for ``textwrap``; as it is, 1 ms).
"""

from __future__ import annotations

from linter.diagnostics import Confidence

# the snippet's file name when the case does not need a particular one
DEFAULT_PATH = "case.py"

Pin = tuple[int, int, Confidence]  # line, column (both 1-based, as reported), confidence


def _source(code: str) -> str:
    import textwrap

    # cases are written indented inside a list; the newline after the opening quotes is dropped
    # so that line 1 is the snippet's first line
    return textwrap.dedent(code).lstrip("\n")


class Valid:
    """A snippet the rule reports nothing in (other rules may)."""

    __slots__ = ("code", "path")

    def __init__(self, code: str, path: str = DEFAULT_PATH) -> None:
        self.code = code  # as written in the rule module; ``source()`` is the file's text
        self.path = path  # some rules look at the file name: tests, views.py, ...

    def source(self) -> str:
        return _source(self.code)


class Invalid:
    """A snippet in which the rule reports exactly the pinned findings: the first at ``line``,
    ``column`` with ``confidence``, and any further ones in ``also``."""

    __slots__ = ("code", "line", "column", "confidence", "path", "also")

    def __init__(
        self,
        code: str,
        line: int,
        column: int,
        confidence: Confidence,
        path: str = DEFAULT_PATH,
        also: tuple[Pin, ...] = (),
    ) -> None:
        self.code = code
        self.line = line
        self.column = column
        self.confidence = confidence
        self.path = path
        self.also = also

    def source(self) -> str:
        return _source(self.code)

    def pins(self) -> list[Pin]:
        return sorted([(self.line, self.column, self.confidence), *self.also])
