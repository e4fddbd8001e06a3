"""Rule documentation: every rule documents itself fully, and docs/rules.md is not stale."""

from __future__ import annotations

import json

import pytest

from linter import rule_docs
from linter.rules import RULES
from tests.test_cli import REPO, run


def test_docs_page_is_generated_from_the_registry() -> None:
    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rule_docs.markdown(list(RULES)), f"docs/rules.md is stale: run `{rule_docs.REGENERATE}`"
    code, out, _ = run(["rule", "--all", "--output-format", "markdown"], REPO)
    assert code == 0 and out == page
    for r in RULES:
        assert f"\n## {r.code} {r.name}\n" in page and f"| `{r.name}` |" in page


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_every_section(rule) -> None:
    sections = rule_docs.sections(rule)
    for name in rule_docs.SECTIONS:
        assert sections.get(name), f"{rule.code}: the docstring has no (or an empty) `## {name}` section"
    # the Fix safety section says what the fixer registry does
    safety = sections["Fix safety"].lower()
    expected = {"none": "no automatic fix", "unsafe": "unsafe", "safe": "safe"}[rule_docs.fix_safety(rule)]
    assert safety.startswith(expected), f"{rule.code}: `## Fix safety` should start with {expected!r}"


def test_rule_command_text_and_json() -> None:
    code, out, _ = run(["rule", "global-callback-data"], REPO)
    assert code == 0
    assert out.startswith("# LLM001 global-callback-data\n\nAutomatic fix: unsafe\n\nLLM001 global-callback-data:")
    code, out, _ = run(["rule", "LLM000", "--output-format", "json"], REPO)
    [entry] = json.loads(out)
    assert entry["fix_safety"] == "none" and list(entry["sections"]) == list(rule_docs.SECTIONS)
    code, out, _ = run(["rule", "--all"], REPO)
    assert [line for line in out.splitlines() if line.startswith("# LLM")] == [f"# {r.code} {r.name}" for r in RULES]
