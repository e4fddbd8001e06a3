"""Rule documentation as text, JSON and the generated Markdown page (docs/rules.md).

Everything comes from the rules' module docstrings and the fixer registry, so the page is
regenerated, never edited: ``llmlint rule --all --output-format markdown > docs/rules.md``.
"""

from __future__ import annotations

import re

from linter.rules import Rule

REGENERATE = "llmlint rule --all --output-format markdown > docs/rules.md"
SECTIONS = ("What it does", "Why is this bad", "Example", "Use instead", "Fix safety")
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def fix_safety(rule: Rule) -> str:
    """"safe", "unsafe" or "none" (no codemod)."""
    from linter.fixes import FIXERS  # here: the codemods load libcst, which ``check`` never needs

    fixer = FIXERS.get(rule.code)
    return fixer.SAFETY if fixer is not None else "none"


def sections(rule: Rule) -> dict[str, str]:
    """The docstring's ``## Heading`` sections, by heading."""
    parts = _HEADING.split(rule.doc)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def text(rule: Rule) -> str:
    return f"# {rule.code} {rule.name}\n\nAutomatic fix: {fix_safety(rule)}\n\n{rule.doc}"


def as_json(rule: Rule) -> dict:
    return {"code": rule.code, "name": rule.name, "summary": rule.summary, "fix_safety": fix_safety(rule),
            "doc": rule.doc, "sections": sections(rule)}


def markdown(rules: list[Rule]) -> str:
    """The rules page: an index table, then each rule's docstring with its headings one level down."""
    out = [
        "# llmlint rules",
        "",
        f"<!-- Generated from the rules' docstrings by `{REGENERATE}`. Do not edit. -->",
        "",
        "| code | name | summary | automatic fix |",
        "|---|---|---|---|",
        *(f"| [{r.code}](#{r.code.lower()}-{r.name}) | `{r.name}` | {r.summary} | {fix_safety(r)} |" for r in rules),
    ]
    for r in rules:
        body = _HEADING.sub(lambda m: "### " + m.group(1), r.doc)
        out += ["", f"## {r.code} {r.name}", "", f"Automatic fix: **{fix_safety(r)}**", "", body]
    return "\n".join(out) + "\n"
