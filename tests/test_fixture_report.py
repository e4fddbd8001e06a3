"""The precision/recall report over the fixtures: exact at the default threshold, every rule
covered by a positive case, and the script's exit status says so."""

from __future__ import annotations

from tests import report
from linter.rules import RULES


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


def test_report_exit_status_fails_on_a_regression(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert report.main([]) == 0
    real = report.found

    def lose_one(case, min_confidence=None):  # type: ignore[no-untyped-def]
        got = real(case, min_confidence)
        return {g for g in got if g[2] != "LLM005"} if case.name == "tenant_api_key_fastapi" else got

    monkeypatch.setattr(report, "found", lose_one)
    scores, _, _ = report.score()
    assert scores["LLM005"].fn == 1 and scores["LLM005"].recall < 1.0
    assert report.main([]) == 1
