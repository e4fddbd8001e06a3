"""Read one file and reduce it to facts: decode, byte prefilter, parse, extract, suppressions.

This is what runs in the worker processes. It never imports or executes the file.
"""

from __future__ import annotations

import ast
import codecs
import gc
import os
import re
import stat
import symtable
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING, Iterator

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
    text: str | None = None  # source to use instead of the file's (a fix being verified)
    ruled_out: bool = False  # the byte scan ruled it out already: only its syntax is checked
    aliases: tuple[tuple[str, str], ...] = ()  # ``SourceFile.aliases``
    # a syntax check that CPython's parser rejects is left to the caller (``NewerSyntax``) instead
    # of asking libcst here (``linter.engine.demand.Analysis.check_syntax``)
    defer_newer: bool = False


class NewerSyntax(Exception):
    """A ``defer_newer`` job whose verdict needs libcst: the caller runs it without the flag."""


def read_source(path: str | Path) -> bytes:
    """The bytes of a regular file. Anything else named ``*.py`` (a FIFO, a device) raises
    OSError instead of blocking the run or reading forever; opening with O_NONBLOCK makes
    the check race-free (the type is taken from the opened descriptor)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"not a regular file: {path}")
        return fh.read()


def is_test_path(display: str) -> bool:
    parts = display.split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(p in ("tests", "test", "testing") for p in parts[:-1])
    )


def source_encoding(data: bytes) -> tuple[str, bool]:
    """(encoding, has_utf8_bom) as Python decides it: a BOM, else a PEP 263 cookie on line 1,
    or on line 2 below a comment-only line 1, else UTF-8. Raises UnicodeError for a cookie that
    names no text encoding, or one that contradicts the BOM (Python refuses both)."""
    bom = data.startswith(codecs.BOM_UTF8)
    for line in (data[3:] if bom else data).split(b"\n", 2)[:2]:
        m = _COOKIE.match(line)
        if m:
            name = m.group(1).decode("ascii", "replace")
            try:
                info = codecs.lookup(name)
            except LookupError:
                raise UnicodeError(f"unknown encoding in coding cookie: {name!r}") from None
            if not getattr(info, "_is_text_encoding", True):
                raise UnicodeError(f"coding cookie names {name!r}, which is not a text encoding")
            spelled = name.lower().replace("_", "-")  # CPython accepts only these with a BOM
            if bom and spelled != "utf-8" and not spelled.startswith("utf-8-"):
                raise UnicodeError(f"a UTF-8 BOM and a coding cookie for {name!r} contradict each other")
            return ("utf-8" if bom else name), bom
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
    return "utf-8", bom


def decode(data: bytes) -> str:
    """Decode as Python does (see ``source_encoding``)."""
    encoding, bom = source_encoding(data)
    return (data[3:] if bom else data).decode(encoding)


def _decode_error(data: bytes, e: Exception) -> tuple[str, Span]:
    """The message and position of a decode error (the line of the first bad byte)."""
    if isinstance(e, UnicodeDecodeError):
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        bad = data[e.start : e.start + 1].hex()
        return f"cannot decode file as {e.encoding}: byte 0x{bad} at line {line} ({e.reason})", Span(line, column, line, column)
    return f"cannot decode file: {e}", Span(1, 1, 1, 1)


@dataclass(frozen=True)
class Scan:
    """How every file of a run is analysed (sent to each worker process once)."""

    catalog: Catalog
    tokens: Prefilter | None  # the enabled rules' byte scan (None: no rule declares tokens)
    every_syntax: bool = True  # also parse the files the byte scan rules out, for LLM000

    @property
    def parses_all(self) -> bool:
        """Every file is parsed for its syntax: the default, and always when no rule but LLM000
        is enabled (a syntax check is all that was asked for)."""
        return self.every_syntax or self.tokens is None


@dataclass(frozen=True, slots=True)
class CPythonVerdict:
    """Why CPython's own parser rejects a source (it is ~10x cheaper than libcst's)."""

    message: str
    span: Span
    too_deep: bool  # nesting beyond CPython's limits: libcst must not be given this text


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside: for work that builds millions of objects with no
    cycles (a tree, its facts, an index), where each pass over them is pure cost. Cycles made
    meanwhile are collected after; with ``freeze``, what was made stays out of later passes
    (``gc.freeze``: the first collection after a cold run went over all of it, 0.24 s) and
    a cycle made meanwhile is never collected."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if freeze:
                gc.freeze()
            gc.enable()


def cpython_parse(text: str, tree: bool = True) -> tuple[ast.Module | None, CPythonVerdict | None]:
    """The tree CPython's parser makes of ``text``, or why it rejects it. Its tree is what
    facts come from, and it keeps pathologically nested code away from libcst's native parser,
    which takes seconds per thousand levels and crashes the process (SIGSEGV) at a few
    thousand. ``tree=False``: the verdict only (no tree is returned)."""
    limit = sys.getrecursionlimit()
    # CPython's nesting budget is a multiple of (recursion limit - current depth): fix it, so
    # that the verdict is the same in a worker process and deep inside a serial run
    sys.setrecursionlimit(_stack_depth() + _PARSE_BUDGET)
    try:
        # GC passes over a big tree made big files 3x slower; the user's invalid escapes are
        # not ours to print, and -W error must not turn them into LLM000
        with paused_gc(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not tree:
                # the same parser, without building the tree's Python objects: 25% cheaper.
                # Its symbol-table pass rejects more (``nonlocal`` at module level, deeper
                # nesting); then the tree's parse below gives the verdict, as for any file
                try:
                    symtable.symtable(text, "<llmlint>", "exec")
                    return None, None
                except Exception:
                    pass
            return compile(text, "<llmlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True), None
    except SyntaxError as e:
        if "null bytes" in e.msg:
            return None, _nul_byte(text)
        line, col = e.lineno or 1, e.offset or 1
        deep = e.msg.startswith(("too many nested parentheses", "too many levels of indentation"))
        return None, CPythonVerdict(f"syntax error: {e.msg}", Span(line, col, line, col), deep)
    except (RecursionError, MemoryError):
        return None, CPythonVerdict("cannot parse: nesting too deep for Python's parser", Span(1, 1, 1, 1), True)
    except ValueError:  # null bytes, before Python 3.11.4
        return None, _nul_byte(text)
    finally:
        sys.setrecursionlimit(limit)


def _nul_byte(text: str) -> CPythonVerdict:
    at = max(text.find("\0"), 0)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return CPythonVerdict("syntax error: source contains a NUL byte", Span(line, col, line, col), False)


_PARSE_BUDGET = 1000  # Python's default recursion limit, as for a module imported at top level


def _stack_depth() -> int:
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


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


def _syntax_error(verdict: CPythonVerdict | None, e: cst.ParserSyntaxError) -> tuple[str, Span]:
    """CPython's message and position (libcst's native parser points past the error)."""
    if verdict is not None:
        return verdict.message, verdict.span
    return f"cannot parse: {e.message}", Span(e.raw_line, e.raw_column + 1, e.raw_line, e.raw_column + 1)


def analyse(job: Job, scan: Scan, data: bytes | None = None) -> FileFacts | None:
    """Facts for one file (``data``: its bytes, when already read), or None when the byte scan
    rules the file out (unparsed, unless ``scan.parses_all``: then None only when it parses)."""
    facts = FileFacts(job.display, job.module, job.is_package, is_test_path(job.display))
    if job.text is not None:
        text, data = job.text, job.text.encode("utf-8", "surrogatepass")
    else:
        try:
            if data is None:
                data = read_source(job.path)
        except OSError as e:
            facts.error = f"cannot read file: {e.strerror or 'not a regular file'}"
            facts.error_span = Span(1, 1, 1, 1)
            return facts
        try:
            text = decode(data)
        except (UnicodeError, LookupError) as e:
            facts.error, facts.error_span = _decode_error(data, e)
            return facts
    skipped = job.ruled_out or not job.force_parse and (scan.tokens is None or not scan.tokens.wants(data))
    if skipped and not scan.parses_all:
        return None  # no rule can find anything here: parsing it would cost more than the scan
    tree, verdict = cpython_parse(text, tree=not skipped)
    if skipped and verdict is None:
        return None
    if b"noqa" in data or b"llmlint:" in data:
        facts.suppressions = suppressions(text)
    if verdict is not None:
        if job.defer_newer and not verdict.too_deep:
            raise NewerSyntax(job.display)
        try:
            return _rejected(facts, text, verdict, skipped, scan.catalog, job.aliases)
        finally:
            trim_heap()
    from linter.analysis.extract import extract

    assert tree is not None
    with paused_gc():  # passes over the live tree cost 10% of the extraction
        extract(tree, facts, scan.catalog, text, job.aliases)
    return facts


def trim_heap() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere
    nothing). libcst's native parser leaves what it freed in the heap: on pdd's
    tests/test_release_video.py (271 KB, newer f-strings) a process went 20 -> 109 MB and stayed
    there after the tree was gone, for the rest of the run; trimmed: 32 MB, in 4 ms."""
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        import ctypes

        try:
            _MALLOC_TRIM = getattr(ctypes.CDLL(None), "malloc_trim", False)
        except OSError:
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM = None  # the C function, False where there is none, None before the first look


def _rejected(
    facts: FileFacts, text: str, verdict: CPythonVerdict, skipped: bool, catalog: Catalog, aliases: tuple[tuple[str, str], ...] = ()
) -> FileFacts | None:
    """A file CPython's parser rejects: a syntax error, unless libcst (which knows newer syntax
    than the running interpreter) parses it; then its facts come from libcst's tree lowered to
    syntax this Python parses (``lowering.py``), or, when that fails, they are unknown, which
    is reported when a rule needs them (never passed silently)."""
    if verdict.too_deep:
        facts.error, facts.error_span = verdict.message, verdict.span
        return facts
    import libcst as cst  # here, not at the top: only files CPython rejects need it

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as e:
        facts.error, facts.error_span = _syntax_error(verdict, e)
        return facts
    except (RecursionError, MemoryError) as e:
        facts.error = f"cannot parse file: {type(e).__name__} (nesting too deep)"
        facts.error_span = Span(1, 1, 1, 1)
        return facts
    if skipped:
        return None  # valid (newer) syntax that the byte scan rules out
    from linter.analysis.lowering import lowered

    older = lowered(module)
    tree, again = cpython_parse(older) if older is not None else (None, verdict)
    if again is None and tree is not None:
        from linter.analysis.extract import extract

        with paused_gc():
            return extract(tree, facts, catalog, older, aliases)  # type: ignore[arg-type]
    version = ".".join(map(str, sys.version_info[:2]))
    facts.error = f"cannot analyse: the file uses syntax newer than Python {version}, which llmlint runs on ({verdict.message}); run llmlint on a newer Python"
    facts.error_span = verdict.span
    return facts
