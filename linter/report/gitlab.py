"""GitLab Code Quality report (a JSON array of issues) for merge request widgets.

``fingerprint`` is the line-independent fingerprint baselines use, so GitLab tracks a finding
across commits even when code above it moves.
"""

from __future__ import annotations

import json

from linter.diagnostics import Diagnostic
from linter.fingerprint import fingerprints

_SEVERITY = {"high": "major", "medium": "minor", "low": "info"}


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    prints = fingerprints(diagnostics, sources)
    issues = [
        {
            "type": "issue",
            "check_name": f"{d.code} {d.name}",
            "description": f"{d.code} [{d.name}] {d.message}",
            "categories": ["Bug Risk"],
            "severity": "blocker" if d.code == "LLM000" else _SEVERITY.get(d.confidence, "major"),
            "fingerprint": prints[id(d)],
            "location": {
                "path": d.path,
                "positions": {
                    "begin": {"line": d.span.line, "column": d.span.column},
                    "end": {"line": d.span.end_line, "column": d.span.end_column},
                },
            },
        }
        for d in diagnostics
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
