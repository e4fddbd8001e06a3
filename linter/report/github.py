"""GitHub Actions workflow commands: one ``::error`` annotation per finding.

GitHub shows them on the pull request's diff. Property values and the message are escaped as
the runner expects (``%``, CR, LF; and ``:`` / ``,`` inside properties); the evidence follows
the message on its own lines.
"""

from __future__ import annotations

from linter.diagnostics import Diagnostic


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def line(d: Diagnostic) -> str:
    s = d.span
    props = ",".join(
        f"{k}={_prop(str(v))}"
        for k, v in (
            ("file", d.path),
            ("line", s.line),
            ("col", s.column),
            ("endLine", s.end_line),
            ("endColumn", s.end_column),
            ("title", f"llmlint ({d.code})"),
        )
    )
    message = "\n".join([f"[{d.name}] {d.message}", *(f"= {e}" for e in d.evidence)])
    return f"::error {props}::{_data(message)}"


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    return "".join(line(d) + "\n" for d in diagnostics)
