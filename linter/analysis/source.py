"""Read one file and reduce it to facts: decode, byte prefilter, parse, extract, suppressions.

This is what runs in the worker processes. It never imports or executes the file.
"""

from __future__ import annotations

import ast
import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from linter.analysis.catalog import Catalog
from linter.analysis.facts import FileFacts, Span
from linter.prefilter import Prefilter

if TYPE_CHECKING:
    import libcst as cst

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)
_NOQA = re.compile(r"#\s*noqa(?::[\s]*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*llmlint:\s*ignore\[(?P<codes>[^\]]*)\]")


@dataclass(frozen=True, slots=True)
class Job:
    """One file to analyse (picklable: sent to a worker process)."""

    path: str  # filesystem path
    display: str  # path as reported
    module: str
    is_package: bool
    force_parse: bool = False  # demanded by the join stage: skip the prefilter
    positions: bool = False  # compute spans (for files that findings cite)
    text: str | None = None  # source to use instead of the file's (a fix being verified)


def is_test_path(display: str) -> bool:
    parts = display.split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(p in ("tests", "test", "testing") for p in parts[:-1])
    )


def decode(data: bytes) -> str:
    """Decode as Python does: BOM, then a PEP 263 cookie on line 1 or 2, else UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    head = data.split(b"\n", 2)[:2]
    for line in head:
        m = _COOKIE.match(line)
        if m:
            name = m.group(1).decode("ascii", "replace")
            try:
                codecs.lookup(name)
            except LookupError:
                raise UnicodeError(f"unknown encoding in coding cookie: {name!r}") from None
            return data.decode(name)
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
    return data.decode("utf-8")


def suppressions(text: str) -> dict[int, frozenset[str]]:
    """``# noqa`` / ``# noqa: X, Y`` / ``# llmlint: ignore[X] reason`` per line ("*" = all)."""
    out: dict[int, frozenset[str]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "#" not in line:
            continue
        codes: set[str] = set()
        for m in _NOQA.finditer(line):
            got = m.group("codes")
            codes |= {c for c in re.split(r"[\s,]+", got) if c} if got else {"*"}
        for m in _IGNORE.finditer(line):
            got = {c.strip() for c in m.group("codes").split(",") if c.strip()}
            codes |= got or {"*"}
        if codes:
            out[lineno] = frozenset(codes)
    return out


def _syntax_error(text: str, e: cst.ParserSyntaxError) -> tuple[str, Span]:
    """CPython's message and position (libcst's native parser points past the error)."""
    try:
        ast.parse(text)
    except SyntaxError as se:
        line = se.lineno or 1
        col = se.offset or 1
        return f"syntax error: {se.msg}", Span(line, col, line, col)
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"cannot parse: {e.message}", Span(e.raw_line, e.raw_column + 1, e.raw_line, e.raw_column + 1)


def analyse(job: Job, catalog: Catalog, tokens: Prefilter | None, data: bytes | None = None) -> FileFacts | None:
    """Facts for one file (``data``: its bytes, when already read), or None when the byte scan
    rules the file out."""
    facts = FileFacts(job.display, job.module, job.is_package, is_test_path(job.display))
    if job.text is not None:
        text, data = job.text, job.text.encode("utf-8", "surrogatepass")
    else:
        try:
            if data is None:
                data = Path(job.path).read_bytes()
        except OSError as e:
            facts.error = f"cannot read file: {e.strerror or e}"
            facts.error_span = Span(1, 1, 1, 1)
            return facts
        try:
            text = decode(data)
        except (UnicodeError, LookupError) as e:
            facts.error = f"cannot decode file: {e}"
            facts.error_span = Span(1, 1, 1, 1)
            return facts
    if not job.force_parse and (tokens is None or not tokens.wants(data)):
        return None
    if b"noqa" in data or b"llmlint:" in data:
        facts.suppressions = suppressions(text)
    import libcst as cst  # here, not at the top: a run whose facts all come from the cache never loads it

    from linter.analysis.extract import extract

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as e:
        facts.error, facts.error_span = _syntax_error(text, e)
        return facts
    except (RecursionError, MemoryError) as e:
        facts.error = f"cannot parse file: {type(e).__name__} (nesting too deep)"
        facts.error_span = Span(1, 1, 1, 1)
        return facts
    extract(module, facts, catalog, job.positions)
    return facts
