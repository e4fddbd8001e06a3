"""Every fixture case: the findings are exactly the ``# expect:`` markers (missing or extra fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import load
from linter.engine import check_paths
from tests.expectations import cases, expected


def findings(case: Path, jobs: int = 1) -> set[tuple[str, int, str]]:
    config = load(None, case, isolated=True)
    result = check_paths([str(case)], config, jobs=jobs, cwd=case)
    assert not result.internal_errors
    return {(d.path, d.span.line, d.code) for d in result.diagnostics}


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_fixture_findings_are_exact(case: Path) -> None:
    want = expected(case)
    got = findings(case)
    assert sorted(got - want) == [], "unexpected findings"
    assert sorted(want - got) == [], "missing findings"


def test_fixture_set_has_positives_and_safe_look_alikes() -> None:
    all_cases = cases()
    safe = [c for c in all_cases if c.name.startswith("safe_")]
    positive = [c for c in all_cases if expected(c)]
    assert len(all_cases) >= 60
    assert len(safe) >= 25
    assert all(not expected(c) for c in safe)
    assert len(positive) >= 30
