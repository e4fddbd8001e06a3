"""Every rule's own small cases (``VALID`` / ``INVALID`` at the end of its module, see
``linter.cases``): each snippet is checked by the whole linter, and the findings of that rule are
exactly the pinned (line, column, confidence) triples; a valid snippet has none of them."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import linter.rules
from linter.cases import Invalid, Valid
from linter.config import load
from linter.diagnostics import Confidence
from linter.engine import check_paths


def rule_modules() -> list[ModuleType]:
    """Every module of ``linter/rules/`` that defines a rule (a ``CODE``), found on disk, so a
    rule file added without cases fails ``test_every_rule_has_cases``."""
    found = []
    for info in pkgutil.iter_modules(linter.rules.__path__):
        module = importlib.import_module(f"linter.rules.{info.name}")
        if hasattr(module, "CODE"):
            found.append(module)
    return sorted(found, key=lambda m: m.CODE)


def _params() -> list[object]:
    out = []
    for module in rule_modules():
        for kind in ("VALID", "INVALID"):
            for i, case in enumerate(getattr(module, kind, [])):
                out.append(pytest.param(module.CODE, case, id=f"{module.CODE}-{kind.lower()}-{i}"))
    return out


def findings_of(code: str, case: Valid | Invalid, tmp_path: Path) -> list[tuple[str, int, int, str]]:
    path = tmp_path / case.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(case.source(), encoding="utf-8")
    # all rules, as a user runs them (a rule may stand back for another, LLM003 for LLM006), and
    # low confidence too, so that the pins say which findings are only shown with --preview
    config = load(None, tmp_path, isolated=True, min_confidence="low")
    result = check_paths([str(tmp_path)], config, jobs=1, cwd=tmp_path)
    assert not result.internal_errors, result.internal_errors
    return sorted((d.path, d.span.line, d.span.column, d.confidence.value) for d in result.diagnostics if d.code == code)


@pytest.mark.parametrize(("code", "case"), _params())
def test_rule_case(code: str, case: Valid | Invalid, tmp_path: Path) -> None:
    got = findings_of(code, case, tmp_path)
    if isinstance(case, Valid):
        assert got == [], f"{code} reports a valid case:\n{case.source()}"
    else:
        want = sorted((case.path, line, column, confidence.value) for line, column, confidence in case.pins())
        assert got == want, f"{code} findings differ from the pins:\n{case.source()}"


def test_every_rule_has_cases() -> None:
    modules = rule_modules()
    assert [m.CODE for m in modules] == sorted(r.code for r in linter.rules.RULES)
    for module in modules:
        valid, invalid = getattr(module, "VALID", []), getattr(module, "INVALID", [])
        assert len(valid) >= 2 and all(isinstance(c, Valid) for c in valid), module.CODE
        assert len(invalid) >= 2 and all(isinstance(c, Invalid) for c in invalid), module.CODE


def test_a_case_is_dedented_and_starts_at_line_one() -> None:
    case = Invalid(
        """
        import litellm
        litellm.api_key = k
        """,
        2,
        1,
        Confidence.HIGH,
    )
    assert case.source() == "import litellm\nlitellm.api_key = k\n"
    assert Valid("\n    x = 1\n").source() == "x = 1\n"
