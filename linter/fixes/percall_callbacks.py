"""Return-value codemod for LLM002's per-call ``callbacks=``: the handlers stop going to litellm
(which appends them to its global lists for good) and get this call's own response instead.

    response = litellm.completion(**params)          handlers = params.pop("callbacks", None)
                                               ->    response = litellm.completion(**params)
                                                     _deliver_success(handlers, response)

    resp = litellm.completion(..., callbacks=[h])    resp = litellm.completion(...)
                                               ->    _deliver_success([h], resp)

``_deliver_success`` (``_adeliver_success`` after an ``await``) calls each handler's
``log_success_event`` (``async_log_success_event``), or the handler itself if it is a callable,
with the response: what litellm would have done, once, for this call only.

Provable subset: the call is a statement ``x = [await] litellm.completion/acompletion(...)``
that does not stream; the handlers come from an explicit ``callbacks=`` argument whose value is
a name, an attribute or a list/tuple of those, or from a ``**params`` dict that has a
``"callbacks"`` key; the function does not already use the name ``handlers``. Failure events
are not delivered by the rewrite (a handler that counts failures must be called by the caller).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources
from linter.fixes.cst_tools import find_function, import_table, qualified, statement_slots, top_level_names, walk
from linter.fixes.handlers_from_response import with_deliver_helpers
from linter.payloads import Payload
from linter.project import ProjectIndex

# no CODES: ``deliver_directly`` (LLM002's fixer) dispatches to this codemod by shape
TITLE = "Give the per-call handlers this call's response instead of passing callbacks= to litellm"
SAFETY = "unsafe"

_CALLS = ("litellm.completion", "litellm.acompletion")


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    try:
        assert isinstance(diag.payload, Payload)
        func = index.functions[diag.payload.function]
        module = sources.module(func.file.path)
        fn = find_function(module, func.facts.qualname)
        table = import_table(module, func.file.module, func.file.is_package)
        tops = top_level_names(module)
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        target = _call_statement(fn, positions, diag.span.line, table, tops, func.file.module)
        stmt, assign, call, awaited = target
        if any(a.keyword is not None and a.keyword.value in ("stream", "stream_options") for a in call.args):
            raise CannotFix("the call may stream: the response is only complete after the chunks are consumed")
        if any(isinstance(n, cst.Name) and n.value == "handlers" for n in walk(fn)):
            raise CannotFix(f"{func.facts.qualname} already uses the name `handlers`")
        new_call, before = _without_callbacks(call)
        response = assign.targets[0].target.value  # type: ignore[attr-defined]
        deliver = f"await _adeliver_success(handlers, {response})" if awaited else f"_deliver_success(handlers, {response})"
        new_value = assign.value.with_changes(expression=new_call) if awaited else new_call  # type: ignore[union-attr]
        replacement = [
            cst.parse_statement(before).with_changes(leading_lines=stmt.leading_lines),
            stmt.with_changes(body=[assign.with_changes(value=new_value)], leading_lines=()),
            cst.parse_statement(deliver),
        ]

        class _Replace(cst.CSTTransformer):
            def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
                return cst.FlattenSentinel(replacement) if original is stmt else updated

        new = with_deliver_helpers(module.visit(_Replace()), tops)
        return Rewrite({func.file.path: new.code}, TITLE)
    except CannotFix as e:
        return NoFix(str(e))


def _call_statement(fn: cst.FunctionDef, positions, line: int, table: dict[str, str], tops: set[str], module: str):  # type: ignore[no-untyped-def]
    """(statement, assign, litellm call, awaited) for the call on ``line``."""
    for stmt, _slot in statement_slots(fn):
        if not isinstance(stmt, cst.SimpleStatementLine) or stmt not in positions:
            continue
        pos = positions[stmt]
        if not (pos.start.line <= line <= pos.end.line):
            continue
        if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
            break
        assign = stmt.body[0]
        awaited = isinstance(assign.value, cst.Await)
        value = assign.value.expression if isinstance(assign.value, cst.Await) else assign.value
        if (
            isinstance(value, cst.Call)
            and qualified(value.func, table, module, tops) in _CALLS
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
        ):
            return stmt, assign, value, awaited
        break
    raise CannotFix("the call's result is not assigned to a name (`x = litellm.completion(...)`)")


def _without_callbacks(call: cst.Call) -> tuple[cst.Call, str]:
    """The call without its callbacks, and the statement that binds ``handlers`` before it."""
    explicit = [a for a in call.args if a.keyword is not None and a.keyword.value == "callbacks"]
    if explicit:
        value = explicit[0].value
        if not _plain(value):
            raise CannotFix("the callbacks= value is not a name, an attribute or a list of those")
        args = [a for a in call.args if a is not explicit[0]]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(args=args), f"handlers = {cst.Module([]).code_for_node(value)}"
    splats = [a for a in call.args if a.star == "**" and isinstance(a.value, cst.Name)]
    if len(splats) != 1:
        raise CannotFix("cannot tell which argument carries the callbacks")
    return call, f'handlers = {splats[0].value.value}.pop("callbacks", None)'  # type: ignore[union-attr]


def _plain(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.List, cst.Tuple)):
        return all(_plain(e.value) for e in node.elements if isinstance(e, cst.Element))
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)
