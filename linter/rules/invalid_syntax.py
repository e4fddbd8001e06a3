"""LLM000 invalid-syntax: a file that cannot be decoded or parsed.

## What it does
Reports a Python file that llmlint could not read: bytes that do not decode in the file's
declared encoding (PEP 263 cookie, BOM, or UTF-8), or source that does not parse.

## Why is this bad
A file llmlint cannot parse is a file it cannot check. Passing it silently would let a hazard
through the gate, so the file is reported, with the reason, and the run exits 1.

## Example
```python
def broken(:
    pass
```

## Use instead
Fix the syntax error or the encoding (or exclude the file in `[tool.llmlint] exclude`).

## Fix safety
No automatic fix.

Every file is checked, also those that a byte scan rules out for the other rules: CPython's
own parser looks at each one (its tree is also what the other rules' facts come from), and a
file it rejects is confirmed with libcst, which knows newer syntax than the running interpreter.
With `syntax-check = "analysed"` (or `--syntax-check analysed`) only the files that a rule needs
are parsed, which makes a cold run faster; a broken file that mentions nothing another rule looks
for is then not reported (it cannot hide a hazard). With LLM000 the only rule enabled, every file
is parsed whatever the setting.
A file that libcst accepts but CPython does not (syntax newer than the Python llmlint runs on:
PEP 695 generics and `type` aliases, PEP 701 f-strings, on 3.11) is analysed all the same: its
facts come from libcst's tree lowered to syntax this Python parses (line for line). Only when
that fails is it reported, when another rule needs its facts. Nesting
beyond CPython's limits (more than 200 open brackets, recursion in its parser) is reported
without giving the file to libcst, whose native parser would crash on it.
"""

from __future__ import annotations

from typing import Iterator

from linter.diagnostics import Confidence, Diagnostic
from linter.project import ProjectIndex

CODE = "LLM000"
NAME = "invalid-syntax"
SUMMARY = "File cannot be decoded or parsed"
TOKENS = None


def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for f in index.files:
        if f.error:
            yield Diagnostic(CODE, NAME, f.path, f.error_span, f.error, Confidence.HIGH, ())


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    Valid(
        """
        def greet(name):
            return f"hello {name}"
        """
    ),
    # newer syntax that the running Python parses, and a declared encoding that fits the bytes
    Valid(
        """
        # -*- coding: utf-8 -*-
        GREETING = "héllo"

        match GREETING:
            case "hi":
                pass
        """
    ),
]

INVALID = [
    Invalid(
        """
        def broken(:
            pass
        """,
        1, 12, Confidence.HIGH,
    ),
    Invalid(
        """
        items = [1, 2
        total = sum(items)
        """,
        1, 9, Confidence.HIGH,
    ),
    # bytes that do not decode in the declared encoding: the file cannot be read at all
    Invalid(
        """
        # -*- coding: ascii -*-
        GREETING = "héllo"
        """,
        2, 14, Confidence.HIGH,
    ),
]
