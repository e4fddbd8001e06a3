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

Files are parsed only when a byte scan finds something an enabled rule needs; a syntax error in
a file that mentions nothing llmlint checks is left to the compiler and your other linters.
Decoding errors are reported for every file.
"""

from __future__ import annotations

from typing import Iterator

from linter.diagnostics import Diagnostic
from linter.project import ProjectIndex

CODE = "LLM000"
NAME = "invalid-syntax"
SUMMARY = "File cannot be decoded or parsed"
TOKENS = None


def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for f in index.files:
        if f.error:
            yield Diagnostic(CODE, NAME, f.path, f.error_span, f.error, "high", ())
