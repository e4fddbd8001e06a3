"""The precision/recall report over the fixtures: exact at the default threshold, every rule
covered by a positive case, and the script's exit status says when a fixture regresses."""

from __future__ import annotations

import pytest

from linter.rules import RULES
from tests import report
from tests.expectations import expected


def pinned(case, min_confidence=None):  # type: ignore[no-untyped-def]
    """The markers as the report's (file, line, code) findings: a linter that finds exactly them."""
    return {(path, line, code) for path, line, _, code, _ in expected(case, min_confidence or "medium")}


def test_report_is_exact_per_rule_and_covers_every_rule() -> None:
    scores, n_cases, n_safe = report.score()
    regressions = {code: s.misses for code, s in scores.items() if s.misses}
    assert regressions == {}, regressions
    assert {r.code for r in RULES} <= {code for code, s in scores.items() if s.tp > 0}
    assert n_cases >= 60 and n_safe >= 25
    text = report.table(scores, n_cases, n_safe)
    for r in RULES:
        assert f"{r.code:<7} {r.name}" in text
    assert "misses" not in text


def test_report_counts_a_lost_and_an_extra_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    # the linter's findings replaced by the expectations, minus one LLM005 and plus one LLM006
    def findings(case, min_confidence=None):  # type: ignore[no-untyped-def]
        got = pinned(case)
        if case.name == "tenant_api_key_fastapi":
            got = {g for g in got if g[2] != "LLM005"}
        if case.name == "safe_to_thread_lock":
            got = got | {("store.py", 11, "LLM006")}
        return got

    monkeypatch.setattr(report, "found", findings)
    scores, _, _ = report.score()
    assert (scores["LLM005"].fn, scores["LLM005"].fp) == (1, 0) and scores["LLM005"].recall < 1.0
    assert (scores["LLM006"].fn, scores["LLM006"].fp) == (0, 1) and scores["LLM006"].precision < 1.0
    assert scores["LLM005"].misses == ["LLM005/tenant_api_key_fastapi/app/llm.py:6 FN"]
    assert report.main([]) == 1
    monkeypatch.setattr(report, "found", pinned)
    assert report.main([]) == 0
