"""Return-value codemod for LLM002: instead of installing a handler in litellm's global lists
before the call, give the handler this call's own response right after it returns.

    litellm.success_callback = [self._on_success]        response = litellm.completion(...)
    response = litellm.completion(...)              ->    self._on_success({}, response, None, None)

litellm would dispatch the event later, on its logging thread, to whichever handler is
registered by then; called here, the handler gets its own call's result, once.

Provable subset (otherwise "no automatic fix: <reason>"): the registration assigns or appends an
explicit handler to `success_callback` / `callbacks` in the same function that then assigns a
non-streaming litellm call's result to a name; the function registers nothing else; each
handler is a function or method of the project whose body uses only the response argument (and
`kwargs["response_cost"]` / `kwargs["model"]`, which are passed from the response).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from linter.analysis import catalog as cat
from linter.analysis.facts import Ref
from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources, handlers_from_response, percall_callbacks
from linter.fixes.cst_tools import (
    dominates,
    find_function,
    import_table,
    kwargs_keys,
    qualified,
    statement_slots,
    top_level_names,
    walk,
)
from linter.payloads import Payload
from linter.project import Func, ProjectIndex

CODES = ("LLM002",)
TITLE = "Give the handler this call's response directly instead of registering it globally"
SAFETY = "unsafe"

_REGISTRIES = ("litellm.success_callback", "litellm.callbacks", "litellm._async_success_callback")
_CALLS = ("litellm.completion", "litellm.acompletion")


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    assert isinstance(diag.payload, Payload)
    try:
        func = index.functions[diag.payload.function]
        regs = func.facts.registrations
        sdk = [r.registry for r in regs if r.registry in cat.SDK_REGISTERING_CALLS and r.span.line == diag.span.line]
        if sdk:
            raise CannotFix(f"`{sdk[0]}()` is another SDK's registry: register its handlers once at start-up by hand")
        if any(r.registry == "kwarg:callbacks" and r.span.line == diag.span.line for r in regs):
            return percall_callbacks.fix(diag, index, sources)
        if len(regs) != 1:
            return handlers_from_response.fix(diag, index, sources)  # the crewAI set_callbacks shape
        reg = regs[0]
        if reg.registry not in _REGISTRIES or reg.op not in ("assign", "append") or not reg.targets:
            raise CannotFix(f"only an explicit handler assigned or appended to {', '.join(_REGISTRIES)} is rewritten")
        handlers = [_handler(index, func, ref, sources) for ref in reg.targets]
        module = sources.module(func.file.path)
        return Rewrite({func.file.path: _rewrite(module, func, diag.span.line, handlers).code}, TITLE)
    except CannotFix as e:
        return NoFix(str(e))


def _handler(index: ProjectIndex, func: Func, ref: Ref, sources: Sources) -> tuple[str, str, bool]:
    """(expression to call, kwargs literal to pass, is async) for one registered handler."""
    target = index.resolve_function(ref, func)
    if target is None or ref.name.endswith("()"):
        raise CannotFix(f"`{ref}` is not a function of the project")
    params = list(target.facts.params)
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    if len(params) != 4:
        raise CannotFix(f"`{ref}` does not take (kwargs, completion_response, start_time, end_time)")
    kwargs_name, _response, start, end = params
    body = find_function(sources.module(target.file.path), target.facts.qualname).body
    keys = kwargs_keys(body, kwargs_name)
    if keys is None:
        raise CannotFix(f"`{ref}` uses `{kwargs_name}` beyond response_cost and model")
    if any(isinstance(n, cst.Name) and n.value in (start, end) for n in walk(body)):
        raise CannotFix(f"`{ref}` uses the start/end time, which the response does not carry")
    parts = []
    if "response_cost" in keys:
        parts.append('"response_cost": (getattr(RESP, "_hidden_params", None) or {}).get("response_cost")')
    if "model" in keys:
        parts.append('"model": getattr(RESP, "model", None)')
    return str(ref), "{" + ", ".join(parts) + "}", target.facts.is_async


def _rewrite(module: cst.Module, func: Func, reg_line: int, handlers: list[tuple[str, str, bool]]) -> cst.Module:
    fn = find_function(module, func.facts.qualname)
    table = import_table(module, func.file.module, func.file.is_package)
    tops = top_level_names(module)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    slots = list(statement_slots(fn))
    reg_stmt = next(
        (
            (s, slot)
            for s, slot in slots
            if isinstance(s, cst.SimpleStatementLine) and s in positions and positions[s].start.line == reg_line
        ),
        None,
    )
    if reg_stmt is None or len(reg_stmt[0].body) != 1:
        raise CannotFix("cannot find the registration statement again")
    call_stmt = None
    for s, slot in slots:
        if not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1 or not isinstance(s.body[0], cst.Assign):
            continue
        assign = s.body[0]
        value = assign.value.expression if isinstance(assign.value, cst.Await) else assign.value
        if (
            isinstance(value, cst.Call)
            and qualified(value.func, table, func.file.module, tops) in _CALLS
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and dominates(reg_stmt[1], slot)
        ):
            if any(a.keyword is not None and a.keyword.value == "stream" for a in value.args):
                raise CannotFix("the call may stream")
            call_stmt = (s, assign.targets[0].target.value)
            break
    if call_stmt is None:
        raise CannotFix("no `x = litellm.completion(...)` after the registration in the same function")
    response = call_stmt[1]
    deliveries = [
        cst.parse_statement(f"{'await ' if is_async else ''}{expr}({kwargs.replace('RESP', response)}, {response}, None, None)")
        for expr, kwargs, is_async in handlers
    ]
    reg_node, call_node = reg_stmt[0], call_stmt[0]

    class Rewrite_(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
            if original is reg_node:
                return cst.RemoveFromParent()
            if original is call_node:
                return cst.FlattenSentinel([updated, *deliveries])
            return updated

    return module.deep_replace(fn, fn.visit(Rewrite_()))  # type: ignore[return-value]

