"""Every fixture case: the findings are exactly the ``# expect:`` markers, down to the column and
the confidence (missing, extra or moved fails).

The run is at ``--min-confidence low``, so the findings only ``--preview`` shows are pinned too
(a safe look-alike may carry a low pin: reported with ``--preview``, not by default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import load
from linter.engine import check_paths
from tests.expectations import Finding, MarkerError, case_id, cases, expected, parse_marker


def findings(case: Path, jobs: int = 1) -> set[Finding]:
    config = load(None, case, isolated=True, min_confidence="low")
    result = check_paths([str(case)], config, jobs=jobs, cwd=case)
    assert not result.internal_errors
    return {(d.path, d.span.line, d.span.column, d.code, d.confidence.value) for d in result.diagnostics}


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_fixture_findings_are_exact(case: Path) -> None:
    want = expected(case)
    got = findings(case)
    assert sorted(got - want) == [], "unexpected findings"
    assert sorted(want - got) == [], "missing findings"


def test_fixture_set_has_positives_and_safe_look_alikes() -> None:
    all_cases = cases()
    safe = [c for c in all_cases if c.name.startswith("safe_")]
    positive = [c for c in all_cases if expected(c, "medium")]
    assert len(all_cases) >= 60
    assert len(safe) >= 25
    assert all(not expected(c, "medium") for c in safe), "a safe look-alike is reported by default"
    assert len(positive) >= 30


def test_cases_are_filed_under_the_code_of_a_rule() -> None:
    from linter.rules import RULES

    codes = {r.code for r in RULES}
    for case in cases():
        assert case.parent.name in codes, case_id(case)
        pinned = {code for _, _, _, code, _ in expected(case)}
        # a positive scenario is filed under a rule it expects
        if pinned and not case.name.startswith("safe_"):
            assert case.parent.name in pinned, case_id(case)


@pytest.mark.parametrize(
    "marker",
    [
        "x = 1  # expect: LLM001",
        "x = 1  # expect: LLM001, LLM002",
        "x = 1  # expect: LLM001@5",
        "x = 1  # expect: LLM001 high",
        "x = 1  # expect: LLM001@5 high, LLM002",
        "x = 1  # expect: LLM001@5 sure",
    ],
)
def test_a_marker_without_column_or_confidence_is_rejected(marker: str, tmp_path: Path) -> None:
    with pytest.raises(MarkerError):
        parse_marker(marker)
    (tmp_path / "LLM001" / "case").mkdir(parents=True)
    (tmp_path / "LLM001" / "case" / "a.py").write_text(marker + "\n")
    with pytest.raises(MarkerError):
        expected(tmp_path / "LLM001" / "case")


def test_a_marker_pins_code_column_and_confidence() -> None:
    assert parse_marker("f()  # expect: LLM002@9 high, LLM002@102 low") == [("LLM002", 9, "high"), ("LLM002", 102, "low")]
    assert parse_marker("f()  # nothing expected") == []


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_a_selected_rule_finds_what_it_finds_among_all(case: Path) -> None:
    """``--select CODE`` reports exactly CODE's findings of a run of every rule: which files the
    analysis asks for never depends on the selection (every rule's demands are asked)."""
    every = findings(case)
    codes = {f[3] for f in every} | {case.parent.name}
    for code in sorted(codes):
        config = load(None, case, isolated=True, min_confidence="low", select=[code])
        result = check_paths([str(case)], config, jobs=1, cwd=case)
        got = {(d.path, d.span.line, d.span.column, d.code, d.confidence.value) for d in result.diagnostics}
        assert got == {f for f in every if f[3] == code}, code
