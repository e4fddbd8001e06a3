"""Output formats: each module turns diagnostics into text and does nothing else."""

from __future__ import annotations

from typing import Callable

from linter.diagnostics import Diagnostic
from linter.report import concise, full, json_format

Formatter = Callable[[list[Diagnostic], dict[str, list[str]]], str]

FORMATS: dict[str, Formatter] = {
    "full": full.render,
    "concise": concise.render,
    "json": json_format.render,
}
