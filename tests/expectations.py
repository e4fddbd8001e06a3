"""Expected findings of a fixture case, from inline markers.

Cases are folders ``tests/fixtures/<CODE>/<case>/``, under the rule the scenario is about (its
positives, or the rule a safe look-alike guards against). A line that must be reported ends with
a marker that pins each finding on it: the code, the 1-based column and the confidence, as
``llmlint check --min-confidence low`` reports them (the line is the marker's own)::

    cost = _LAST_CALLBACK_DATA.get("cost", 0.0)  # expect: LLM001@12 high
    litellm.api_key = key  # expect: LLM005@5 low

Several findings on one line are separated by commas: ``# expect: LLM002@9 high, LLM002@40 high``.

A marker that leaves out the column or the confidence is an error, not a looser pin.
"""

from __future__ import annotations

import re
from pathlib import Path

from linter.diagnostics import Confidence

FIXTURES = Path(__file__).parent / "fixtures"
_MARKER = re.compile(r"#\s*expect:(?P<pins>.*)$")
_PIN = re.compile(r"(?P<code>LLM\d{3})@(?P<column>\d+) (?P<confidence>low|medium|high)")

# (file relative to the case, line, column, code, confidence)
Finding = tuple[str, int, int, str, str]


class MarkerError(ValueError):
    pass


def parse_marker(line: str, where: str = "") -> list[tuple[str, int, str]]:
    """The (code, column, confidence) pins of a line's ``# expect:`` marker (none without one)."""
    m = _MARKER.search(line)
    if m is None:
        return []
    pins = []
    for item in m.group("pins").split(","):
        pin = _PIN.fullmatch(item.strip())
        if pin is None:
            raise MarkerError(f"{where}: `{item.strip()}` is not a pin like `LLM001@5 high` (code@column confidence)")
        pins.append((pin["code"], int(pin["column"]), pin["confidence"]))
    return pins


def expected(case: Path, min_confidence: str = "low") -> set[Finding]:
    """The case's pinned findings that a run at ``min_confidence`` reports."""
    floor = Confidence(min_confidence).rank
    out: set[Finding] = set()
    for path in sorted(case.rglob("*.py")):
        rel = path.relative_to(case).as_posix()
        text = path.read_bytes().decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), start=1):
            for code, column, confidence in parse_marker(line, f"{case.name}/{rel}:{lineno}"):
                if Confidence(confidence).rank >= floor:
                    out.add((rel, lineno, column, code, confidence))
    return out


def cases(root: Path = FIXTURES) -> list[Path]:
    """Every case folder, ``<root>/<CODE>/<case>``, in order."""
    return sorted(p for group in root.iterdir() if group.is_dir() for p in group.iterdir() if p.is_dir())


def case_id(case: Path) -> str:
    """``LLM001/pdd_global_dict``: a case's name in test ids and reports."""
    return f"{case.parent.name}/{case.name}"
