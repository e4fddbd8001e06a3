"""The reproductions of faults seen on real code (``../shared/cases/real-code-faults``) give what
their headers say, as a user runs llmlint on each folder (default confidence).

Header of each file: ``# EXPECT LLM00X`` (that code is reported on the line marked ``# <-- here``;
a ``# NOT-IN-MESSAGE: word`` line keeps a word out of its message and evidence) or ``# SAFE``
(nothing is reported in that file, at any confidence). The folder is shared with the project, not part of it: the
test is skipped where the checkout has no ``shared`` beside it. The causes also have fixtures of
the project's own under ``tests/fixtures``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from linter.config import load
from linter.diagnostics import Diagnostic
from linter.engine import check_paths

FAULTS = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "real-code-faults"
CASES = sorted(p for p in FAULTS.iterdir() if p.is_dir()) if FAULTS.is_dir() else []
# Causes not fixed yet, strict: a case that starts to pass fails here until it leaves this list.
OPEN: frozenset[str] = frozenset()
EXPECT = re.compile(r"#\s*EXPECT\s+(LLM\d{3})")
NOT_IN = re.compile(r"#\s*NOT-IN-MESSAGE:\s*(.+?)\s*$")


@dataclass(frozen=True)
class Header:
    file: str
    code: str | None  # None: SAFE
    line: int | None
    banned: tuple[str, ...]


def headers(case: Path) -> list[Header]:
    found = []
    for path in sorted(case.glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        match = EXPECT.match(lines[0]) if lines else None
        here = next((i for i, ln in enumerate(lines, 1) if "# <-- here" in ln), None)
        banned = tuple(m.group(1) for ln in lines if (m := NOT_IN.match(ln.strip())))
        found.append(Header(path.name, match.group(1) if match else None, here, banned))
    return found


def check(case: Path, min_confidence: str | None = None) -> list[Diagnostic]:
    config = load(None, case, isolated=True, min_confidence=min_confidence)
    result = check_paths([str(case)], config, jobs=1, cwd=case)
    assert not result.internal_errors, result.internal_errors
    return result.diagnostics


@pytest.mark.skipif(not CASES, reason="no ../shared/cases/real-code-faults beside the checkout")
@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(strict=True)) if c.name in OPEN else c for c in CASES],
    ids=[c.name for c in CASES],
)
def test_fault_case_gives_what_its_header_says(case: Path) -> None:
    diags, previews = check(case), check(case, "low")
    problems = []
    for h in headers(case):
        mine = [d for d in diags if Path(d.path).name == h.file]
        if h.code is None:
            # Safe code is not even a preview finding.
            mine = [d for d in previews if Path(d.path).name == h.file]
            if mine:
                problems.append(f"{h.file}: SAFE but reported {[f'{d.code}@{d.span.line}' for d in mine]}")
            continue
        hits = [d for d in mine if d.code == h.code and d.span.line == h.line]
        if not hits:
            got = [f"{d.code}@{d.span.line}" for d in mine]
            problems.append(f"{h.file}: expected {h.code}@{h.line}, got {got}")
        for d in hits:
            said = " ".join([str(d.message), *map(str, d.evidence)]).lower()
            problems += [f"{h.file}: {word!r} in the finding" for word in h.banned if word.lower() in said]
    assert not problems, "\n".join(problems)
