"""SARIF 2.1.0 for code scanning: every rule in the driver, one result per finding.

Columns are Unicode code points (``columnKind``); ``partialFingerprints`` carry the
line-independent fingerprint that baselines use, so a finding keeps its identity when code
moves; a finding a codemod can rewrite carries the rewrite as a SARIF ``fix``; every place
its evidence names is a ``relatedLocation``, with that evidence item as its message.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from linter import __version__
from linter.diagnostics import Diagnostic
from linter.fingerprint import fingerprints
from linter.rules import RULES

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "llmlint/v1"


def _region(line: int, column: int, end_line: int, end_column: int) -> dict:
    region = {"startLine": max(1, line), "startColumn": max(1, column)}
    if end_line >= line and end_line > 0:
        region["endLine"] = end_line
        region["endColumn"] = max(1, end_column)
    return region


def _artifact(path: str) -> dict:
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def _related(d: Diagnostic) -> list[dict]:
    said = {}  # each place, with the first evidence item that names it
    for e in d.evidence:
        for loc in e.locations():
            said.setdefault(loc, str(e))
    out = []
    for i, loc in enumerate(d.related()):
        s = loc.span
        out.append(
            {
                "id": i,
                "physicalLocation": {"artifactLocation": _artifact(loc.path), "region": _region(s.line, s.column, s.end_line, s.end_column)},
                "message": {"text": said[loc]},
            }
        )
    return out


def _fix(fix: dict) -> dict:
    changes: dict[str, list[dict]] = {}
    for e in fix.get("edits", []):
        changes.setdefault(e["path"], []).append(
            {
                "deletedRegion": _region(e["line"], e["column"], e["end_line"], e["end_column"]),
                "insertedContent": {"text": e["content"]},
            }
        )
    return {
        "description": {"text": f"{fix['title']} ({fix['applicability']} fix)"},
        "artifactChanges": [{"artifactLocation": _artifact(p), "replacements": r} for p, r in sorted(changes.items())],
    }


def _rule(r) -> dict:
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "help": {"text": r.doc, "markdown": r.doc},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["concurrency" if r.code != "LLM000" else "syntax"]},
    }


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    index = {r.code: i for i, r in enumerate(RULES)}
    prints = fingerprints(diagnostics, sources)
    results = []
    for d in diagnostics:
        result = {
            "ruleId": d.code,
            "level": "error",
            "message": {"text": f"[{d.name}] {d.message}"},
            "locations": [
                {"physicalLocation": {"artifactLocation": _artifact(d.path), "region": _region(d.span.line, d.span.column, d.span.end_line, d.span.end_column)}}
            ],
            "partialFingerprints": {FINGERPRINT_KEY: prints[id(d)]},
            "properties": {"confidence": d.confidence.value, "evidence": [str(e) for e in d.evidence]},
        }
        related = _related(d)
        if related:
            result["relatedLocations"] = related
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fix:
            result["fixes"] = [_fix(d.fix)]
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "llmlint", "version": __version__, "semanticVersion": __version__, "rules": [_rule(r) for r in RULES]}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
