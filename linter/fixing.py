"""``llmlint fix``: apply codemods, verify, repeat until stable, then write atomically.

Each round lints the project with the rewrites so far as overrides, asks the codemod of every
selected fixable finding for a rewrite, and keeps a rewrite only if every file it produces
parses with libcst and compiles. Rounds stop when nothing changes (at most ``MAX_ROUNDS``).
The final lint of the rewritten text is what is reported; nothing is written with ``diff``.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from linter.analysis.lowering import lowered
from linter.atomic_write import FileChanged, NotWritten, write_atomic
from linter.analysis.source import is_test_path
from linter.binding_order import early_uses
from linter.config import Config
from linter.diagnostics import Diagnostic
from linter.discovery import SourceFile
from linter.engine import Result, check_files
from linter.fixes import FIXERS, CannotFix, NoFix, Rewrite, Sources
from linter.project import ProjectIndex

MAX_ROUNDS = 10


@dataclass
class FixResult:
    result: Result  # the lint of the fixed text: what remains
    rewrites: dict[str, str] = field(default_factory=dict)  # display path -> new text
    originals: dict[str, str] = field(default_factory=dict)  # display path -> text before
    fixed: int = 0
    no_fix: dict[tuple[str, int, int, str], str] = field(default_factory=dict)  # finding -> reason
    errors: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # files written by someone else meanwhile: left
    raw: dict[str, bytes] = field(default_factory=dict)  # original bytes of rewritten files

    def reason(self, d: Diagnostic) -> str | None:
        return self.no_fix.get((d.path, d.span.line, d.span.column, d.code))

    def diff(self) -> str:
        out = []
        for path in sorted(self.rewrites):
            before = self.originals[path].splitlines(keepends=True)
            after = self.rewrites[path].splitlines(keepends=True)
            out.extend(difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"))
        return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def fixable(d: Diagnostic, codes: set[str], unsafe: bool) -> bool:
    fixer = FIXERS.get(d.code)
    if fixer is None:
        return False
    return d.code in codes or (unsafe or fixer.SAFETY == "safe")


def verify(display: str, text: str, before: str | None = None) -> str | None:
    """Why a rewrite must be dropped, or None when it parses, compiles (a file in syntax newer
    than this Python: when its lowered form compiles, ``analysis/lowering.py``) and binds every
    module-level name it uses at import before the use (no more early uses than ``before`` had:
    ``compile()`` accepts a use before the binding, the import raises NameError)."""
    try:
        module = cst.parse_module(text)
        with warnings.catch_warnings():  # SyntaxWarnings in the user's code are not ours to print
            warnings.simplefilter("ignore")
            try:
                compile(text, display, "exec", dont_inherit=True)
            except SyntaxError:
                older = lowered(module)
                if older is None:
                    raise
                compile(older, display, "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError) as e:
        return f"{display}: rewrite dropped, it does not compile: {e}"
    except (RecursionError, MemoryError) as e:
        return f"{display}: rewrite dropped, too deeply nested to verify ({type(e).__name__})"
    known = {u.name for u in early_uses(before)} if before is not None else set()
    for use in early_uses(text):
        if use.name not in known:
            return (
                f"{display}: rewrite dropped, it uses `{use.name}` at line {use.line} before the module binds it "
                f"(line {use.bound_at}): importing it would raise NameError"
            )
    return None


def refusal(d: Diagnostic, rewrite: Rewrite, result: Result, sources: Sources) -> str | None:
    """Why ``fix`` would not write this rewrite (the same answer for ``check``'s previews), or None."""
    stray = sorted(
        p for p, t in rewrite.files.items() if is_test_path(p) and p not in _involved(d, result) and t != sources.text(p)
    )
    if stray:
        return (
            f"it would also rewrite {', '.join(stray)}, test code with no finding: "
            "change the tests by hand along with this one"
        )
    return next((p for p in (verify(path, text, _before(sources, path)) for path, text in rewrite.files.items()) if p), None)


def _involved(d: Diagnostic, result: Result) -> set[str]:
    """The files a fix of ``d`` may write whatever they are: those with a finding, and those its
    evidence names. Other code the rewrite must follow (a caller in another module) is written;
    tests are not: they pin the old behaviour, and are the user's to change (a fix that edited
    two test files with no finding: issue 17)."""
    files = {x.path for x in result.diagnostics}
    for t in (d.message, *d.evidence):
        files.update(loc.path for loc in t.locations())
    return files


def _before(sources: Sources, path: str) -> str | None:
    try:
        return sources.text(path)
    except (KeyError, OSError, UnicodeError, LookupError):
        return None  # a new file


def _rewrite(d: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix | str:
    """The codemod's answer, or an internal-error message: a codemod bug (e.g. RecursionError
    in libcst's recursive transformers on deeply nested code) costs that one fix, not the run.
    FileChanged (a file changed since the check) is the caller's."""
    try:
        return FIXERS[d.code].fix(d, index, sources)
    except FileChanged:
        raise
    except RecursionError:  # libcst's transformers recurse; Python's parser allows deeper code
        return NoFix("the code is nested too deeply for the codemod")
    except CannotFix as e:
        return NoFix(str(e))
    except Exception as e:
        return f"{d.path}:{d.span.line}:{d.span.column}: internal error in the {d.code} fix: {type(e).__name__}: {e}"


def fix_files(files: list[SourceFile], config: Config, jobs: int | None, rule_codes: set[str], unsafe: bool) -> FixResult:
    overrides: dict[str, str] = {}
    out = FixResult(check_files(files, config, jobs))
    sources = Sources(out.result.paths, overrides, checked=out.result.digests)
    targets = sum(1 for d in out.result.diagnostics if fixable(d, rule_codes, unsafe))
    for _ in range(MAX_ROUNDS):
        result = out.result
        touched: set[str] = set()  # files rewritten this round: their facts are stale now
        for d in result.diagnostics:
            if not fixable(d, rule_codes, unsafe) or result.index is None or d.path in touched:
                continue
            try:
                rewrite = _rewrite(d, result.index, sources)
            except FileChanged as e:
                if str(e) not in out.changed:
                    out.changed.append(str(e))
                continue
            if isinstance(rewrite, str):
                out.errors.append(rewrite)
                out.no_fix[(d.path, d.span.line, d.span.column, d.code)] = "internal error in the codemod"
                continue
            if isinstance(rewrite, NoFix):
                out.no_fix[(d.path, d.span.line, d.span.column, d.code)] = rewrite.reason
                continue
            if touched & set(rewrite.files):
                continue  # next round, on fresh facts
            key = (d.path, d.span.line, d.span.column, d.code)
            refused = refusal(d, rewrite, result, sources)
            if refused is not None:
                if ": rewrite dropped, " in refused:  # a codemod's mistake, not the user's code
                    out.errors.append(refused)
                out.no_fix[key] = refused.split(": rewrite dropped, ", 1)[-1]
                continue
            for path, text in rewrite.files.items():
                out.originals.setdefault(path, sources.text(path))
                if text != sources.text(path):
                    touched.add(path)
            sources.update(rewrite.files)
        if not touched:
            break
        out.result = check_files(files, config, jobs, overrides)
    out.rewrites = {p: t for p, t in overrides.items() if t != out.originals.get(p)}
    out.raw = sources.raw
    # findings, not rewrites: one rewrite fixes every read of the storage (each its own finding),
    # and `check --show-fixes` counts findings too
    left = sum(1 for d in out.result.diagnostics if fixable(d, rule_codes, unsafe))
    out.fixed = max(0, targets - left) if out.rewrites else 0
    return out


def write_rewrites(fix: FixResult, paths: dict[str, Path]) -> list[str]:
    """Write every rewrite atomically; returns the errors (files changed meanwhile)."""
    errors = []
    for display, text in sorted(fix.rewrites.items()):
        try:
            write_atomic(paths[display], text, fix.raw[display])
        except NotWritten as e:
            errors.append(str(e))
        except OSError as e:
            errors.append(f"{display}: not written: {e.strerror or e}")
    return errors


def edits(path: str, before: str, after: str) -> list[dict]:
    """Line-range replacements (1-based, end exclusive) that turn ``before`` into ``after``."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append({"path": path, "line": i1 + 1, "column": 1, "end_line": i2 + 1, "end_column": 1,
                        "content": "".join(b[j1:j2])})
    return out


def _finding_key(d: Diagnostic) -> tuple:
    return (d.code, d.path, d.span.line, d.span.column, d.span.end_line, d.span.end_column, d.message)


def stored_fix_previews(result: Result) -> list[Diagnostic] | None:
    """The findings with their fix previews as a run over these very files stored them (a rerun
    over an unchanged tree in JSON or SARIF loads them instead of running the codemods), or None
    when one is missing (a finding only another selection reported, or nothing stored)."""
    if result.cache is None or result.run_key is None:
        return None
    stored = result.cache.previews(result.run_key)
    out = []
    for d in result.diagnostics:
        if d.code not in FIXERS:
            out.append(d)
            continue
        got = stored.get(_finding_key(d))
        if not isinstance(got, Diagnostic):
            return None
        out.append(got)
    return out


def with_fix_previews(result: Result, diagnostics: list[Diagnostic] | None = None, with_edits: bool = True) -> list[Diagnostic]:
    """The findings with ``fix`` filled where a codemod can rewrite them and ``fix`` would write
    the rewrite (verified the same way; nothing is written); a finding whose codemod refuses says
    why in its message. Without ``with_edits`` the preview carries no edits: whether a fix exists
    costs the codemod (a libcst parse of each file with a fixable finding), the line diff is
    skipped. Previews with edits are stored with the run's outcome, for the next run over the
    same files."""
    diagnostics = result.diagnostics if diagnostics is None else diagnostics
    if result.index is None:
        return diagnostics
    sources = Sources(result.paths)
    out = []
    made: dict[tuple, Diagnostic] = {}
    for d in diagnostics:
        fixer = FIXERS.get(d.code)
        if fixer is None:
            out.append(d)
            continue
        try:
            rewrite = _rewrite(d, result.index, sources)
        except FileChanged as e:
            rewrite = NoFix(str(e))
        if isinstance(rewrite, Rewrite):
            refused = refusal(d, rewrite, result, sources)
            rewrite = NoFix(refused.split(": rewrite dropped, ", 1)[-1]) if refused is not None else rewrite
        if isinstance(rewrite, (NoFix, str)):
            reason = rewrite.reason if isinstance(rewrite, NoFix) else "internal error in the codemod"
            previewed = replace(d, message=d.message + f" (no automatic fix: {reason})")
        else:
            changes = (
                [e for path, text in sorted(rewrite.files.items()) for e in edits(path, sources.text(path), text)]
                if with_edits else []
            )
            previewed = replace(d, fix={"title": rewrite.title, "applicability": fixer.SAFETY, "edits": changes})
        out.append(previewed)
        if with_edits and not isinstance(rewrite, str):  # an internal error is not stored: the next run tries again
            made[_finding_key(d)] = previewed
    if result.cache is not None and result.run_key is not None and made:
        result.cache.store_previews(result.run_key, {**result.cache.previews(result.run_key), **made})
    return out
