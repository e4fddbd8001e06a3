"""Narrow-the-critical-section codemod for LLM003: the network call (or the ``await``) leaves
the lock; the shared-state work before and after it stays locked.

    with self._lock:                      with self._lock:
        self.set_callbacks(cbs)               self.set_callbacks(cbs)
        resp = litellm.completion(...)   ->  resp = litellm.completion(...)
        self.calls += 1                       with self._lock:
        return resp                               self.calls += 1
                                              return resp

An assignment of the call's result to an attribute or item is split through a local, so the
write stays under the lock. Trailing statements that only bind locals and return go outside.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources
from linter.fixes.cst_tools import find_function, walk
from linter.payloads import LockHeld
from linter.project import ProjectIndex

CODES = ("LLM003", "LLM006")
TITLE = "Hold the lock only around the shared-state work, not the network call"
SAFETY = "unsafe"


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    held = diag.payload
    assert isinstance(held, LockHeld)
    if held.target is None:
        return NoFix("nothing to move out of the lock: no `await` or network call inside it")
    if not held.narrowable:  # a file lock guards its file; acquire()/release() has no block to split
        return NoFix("only a `with` over a thread or asyncio lock whose factory is known is narrowed")
    try:
        if held.helper:
            return _narrow_helper(index, held.helper, sources)
        module = sources.module(diag.path)
        line, column = held.target.line, held.target.column
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        block = next(
            (
                node
                for node in positions
                if isinstance(node, cst.With)
                and any(
                    (positions[i.item].start.line, positions[i.item].start.column + 1) == (diag.span.line, diag.span.column)
                    for i in node.items
                    if i.item in positions
                )
            ),
            None,
        )
        if block is None:
            raise CannotFix("cannot find the `with` block again")

        def holds_target(stmt: cst.CSTNode) -> bool:
            p = positions.get(stmt)
            return p is not None and (p.start.line, p.start.column + 1) <= (line, column) <= (p.end.line, p.end.column + 1)

        return Rewrite({diag.path: _narrow(module, block, holds_target).code}, TITLE)
    except CannotFix as e:
        return NoFix(str(e))


def _narrow_helper(index: ProjectIndex, helper_id: str, sources: Sources) -> Rewrite:
    """Move the ``yield`` of a @contextmanager helper out of its lock."""
    helper = index.functions[helper_id]
    module = sources.module(helper.file.path)
    func = find_function(module, helper.facts.qualname)
    block = next(
        (
            n
            for n in walk(func)
            if isinstance(n, cst.With) and isinstance(n.body, cst.IndentedBlock) and any(_is_yield(s) for s in n.body.body)
        ),
        None,
    )
    if block is None:
        raise CannotFix(f"the `yield` of {helper.facts.qualname}() is nested deeper than the lock's block")
    return Rewrite({helper.file.path: _narrow(module, block, _is_yield).code}, TITLE)


def _is_yield(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.Yield)
    )


def _narrow(module: cst.Module, block: cst.With, holds_target) -> cst.Module:  # type: ignore[no-untyped-def]
    if len(block.items) != 1 or block.items[0].asname is not None:
        raise CannotFix("the `with` has several items or an `as` target")
    if not isinstance(block.body, cst.IndentedBlock):
        raise CannotFix("the `with` body is on one line")
    body = list(block.body.body)
    k = next((i for i, stmt in enumerate(body) if holds_target(stmt)), None)
    if k is None:
        raise CannotFix("cannot find the network call again")
    stmt = body[k]
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        raise CannotFix("the network call sits inside a nested statement under the lock")
    moved, locked_write = _split(stmt)
    before, after = body[:k], ([locked_write] if locked_write else []) + body[k + 1 :]
    out: list[cst.BaseStatement] = []
    if before:
        out.append(block.with_changes(body=block.body.with_changes(body=before)))
    if before:
        out.append(moved.with_changes(leading_lines=[]))
    else:
        # the `with` line goes away: keep its comment, on a line of its own above the call
        comment = block.body.header.comment
        kept = [cst.EmptyLine(comment=comment)] if comment is not None else []
        out.append(moved.with_changes(leading_lines=[*block.leading_lines, *kept]))
    if after:
        if all(_local_only(s) for s in after):
            out.extend(after)
        else:
            out.append(block.with_changes(body=block.body.with_changes(body=after), leading_lines=[]))
    return module.deep_replace(block, cst.FlattenSentinel(out))  # type: ignore[return-value]


def _split(stmt: cst.SimpleStatementLine) -> tuple[cst.SimpleStatementLine, cst.SimpleStatementLine | None]:
    """(statement to run unlocked, statement that must stay locked)."""
    small = stmt.body[0]
    if isinstance(small, (cst.Expr, cst.Return)):
        return stmt, None
    if isinstance(small, (cst.Assign, cst.AnnAssign)):
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        if all(isinstance(t, cst.Name) for t in targets):
            return stmt, None
        if isinstance(small, cst.Assign) and small.value is not None:
            tmp = cst.Name("_result")
            unlocked = stmt.with_changes(body=[cst.Assign([cst.AssignTarget(tmp)], small.value)])
            locked = cst.SimpleStatementLine([small.with_changes(value=tmp)])
            return unlocked, locked
    raise CannotFix("the statement with the network call is not an assignment, expression or return")


def _local_only(stmt: cst.BaseStatement) -> bool:
    """A statement that only binds plain names or returns, without calls that could touch shared state."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    for small in stmt.body:
        if isinstance(small, cst.Return):
            continue
        if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
            continue
        return False
    return not any(isinstance(n, cst.Call) for n in walk(stmt))
