"""Precision and recall of every rule over the fixture cases.

    python -m tests.report            # default threshold (what users see)
    python -m tests.report --preview  # also low-confidence findings

A finding is a (file, line, code) triple; the expected ones are the inline ``# expect:`` markers
whose pinned confidence the threshold shows (``tests/test_fixtures.py`` checks column and
confidence too).
TP: expected and found; FP: found, not expected; FN: expected, not found. ``safe`` counts the
``safe_*`` look-alike cases in which the rule reports nothing (all of them, when it is exact).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from linter.config import load
from linter.engine import check_paths
from linter.rules import RULES
from tests.expectations import case_id, cases, expected


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    cases: set[str] = field(default_factory=set)  # positive cases of the rule
    misses: list[str] = field(default_factory=list)  # "case/file:line FP|FN"

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def found(case: Path, min_confidence: str | None = None) -> set[tuple[str, int, str]]:
    config = load(None, case, isolated=True, min_confidence=min_confidence)
    result = check_paths([str(case)], config, jobs=1, cwd=case)
    if result.internal_errors:
        raise RuntimeError(f"{case_id(case)}: {result.internal_errors}")
    return {(d.path, d.span.line, d.code) for d in result.diagnostics}


def score(min_confidence: str | None = None) -> tuple[dict[str, Score], int, int]:
    """Per-rule scores, the number of cases and the number of safe look-alike cases."""
    scores = {r.code: Score() for r in RULES}
    all_cases = cases()
    safe = [c for c in all_cases if c.name.startswith("safe_")]
    for case in all_cases:
        shown = load(None, case, isolated=True, min_confidence=min_confidence).min_confidence
        want = {(path, line, code) for path, line, _, code, _ in expected(case, shown)}
        got = found(case, min_confidence)
        for path, line, code in want | got:
            s = scores.setdefault(code, Score())
            where = f"{case_id(case)}/{path}:{line}"
            if (path, line, code) in want and (path, line, code) in got:
                s.tp += 1
                s.cases.add(case.name)
            elif (path, line, code) in got:
                s.fp += 1
                s.misses.append(f"{where} FP")
            else:
                s.fn += 1
                s.cases.add(case.name)
                s.misses.append(f"{where} FN")
    return scores, len(all_cases), len(safe)


def table(scores: dict[str, Score], n_cases: int, n_safe: int) -> str:
    names = {r.code: r.name for r in RULES}
    rows = [f"{'rule':<7} {'name':<34} {'cases':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}"]
    total = Score()
    for code in sorted(scores):
        s = scores[code]
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        rows.append(
            f"{code:<7} {names.get(code, '?'):<34} {len(s.cases):>5} {s.tp:>4} {s.fp:>4} {s.fn:>4} "
            f"{s.precision:>9.2f} {s.recall:>7.2f}"
        )
    rows.append(f"{'all':<7} {'':<34} {n_cases:>5} {total.tp:>4} {total.fp:>4} {total.fn:>4} {total.precision:>9.2f} {total.recall:>7.2f}")
    rows.append(f"{n_cases} fixture cases, {n_safe} of them safe look-alikes")
    misses = [m for code in sorted(scores) for m in scores[code].misses]
    if misses:
        rows.append("misses: " + ", ".join(misses))
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    preview = "--preview" in argv
    scores, n_cases, n_safe = score("low" if preview else None)
    sys.stdout.write(("with --preview (low confidence included)\n" if preview else "") + table(scores, n_cases, n_safe))
    return 0 if all(s.fp == 0 and s.fn == 0 for s in scores.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
