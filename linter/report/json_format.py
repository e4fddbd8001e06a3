"""A JSON array of findings (stable keys; see Diagnostic.to_json)."""

from __future__ import annotations

import json

from linter.diagnostics import Diagnostic


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    return json.dumps([d.to_json() for d in diagnostics], indent=2) + "\n"
