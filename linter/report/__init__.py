"""Output formats: each module turns diagnostics into text and does nothing else."""

from __future__ import annotations

from typing import Callable

from linter.diagnostics import Diagnostic
from linter.report import concise, full, github, gitlab, json_format, junit, sarif

Formatter = Callable[[list[Diagnostic], dict[str, list[str]]], str]

FORMATS: dict[str, Formatter] = {
    "full": full.render,
    "concise": concise.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
    "gitlab": gitlab.render,
}
# formats that carry a codemod's rewrite when one is available
WITH_FIXES = frozenset({"json", "sarif"})
# formats that can also be written to a file beside the main report (--sarif-output FILE, ...)
FILE_OUTPUTS = ("json", "sarif", "junit", "gitlab")
