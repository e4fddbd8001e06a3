"""Return-value codemod for LLM002 in the crewAI shape: a method swaps the caller's handlers
into litellm's global lists (``set_callbacks(self, callbacks)``) before each call.

    def set_callbacks(self, callbacks):              def set_callbacks(self, callbacks):
        for cb in litellm.success_callback[:]: ...       # (docstring: registers nothing now)
        litellm.callbacks = callbacks                ...
    def call(self, messages, callbacks=None):        def call(self, messages, callbacks=None):
        self.set_callbacks(callbacks or [])     ->       handlers = callbacks or []
        return self._complete(params)                    return self._complete(params, handlers=handlers)
    def _complete(self, params):                     def _complete(self, params, handlers=()):
        response = completion(**params)                  response = completion(**params)
                                                         _deliver_success(handlers, response)

The handlers receive their own call's response right after it returns (``log_success_event`` /
``async_log_success_event`` of a ``CustomLogger``, or the handler itself if it is a callable),
instead of whichever call litellm dispatches later while they happen to be registered.

Provable subset: the registering method only iterates/removes/assigns litellm's registries
from its one parameter; every call of it is ``self.<method>(expr)`` as a statement of a method
of the same class, followed in that method by ``x = [await] completion(...)`` or by a call of a
method of the class that makes it; no ``stream`` appears in those methods.
"""

from __future__ import annotations

import libcst as cst

from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources
from linter.fixes.cst_tools import (
    find_function,
    import_table,
    qualified,
    top_level_names,
    walk,
)
from linter.payloads import Payload
from linter.project import Func, ProjectIndex

# no CODES: ``deliver_directly`` (LLM002's fixer) dispatches to this codemod by shape
TITLE = "Give the handlers their own call's response instead of registering them globally"
SAFETY = "unsafe"

_CALLS = ("litellm.completion", "litellm.acompletion")
_HELPERS = '''

def _deliver_success(handlers, response):
    """Give each handler this call's own response (litellm would dispatch it later, on its
    logging thread, to whichever handler is registered by then)."""
    details = {"model": getattr(response, "model", None),
               "response_cost": (getattr(response, "_hidden_params", None) or {}).get("response_cost")}
    for handler in handlers or ():
        if hasattr(handler, "log_success_event"):
            handler.log_success_event(details, response, None, None)
        elif callable(handler):
            handler(details, response, None, None)


async def _adeliver_success(handlers, response):
    """The async path: litellm calls async_log_success_event (or an async callable) there."""
    details = {"model": getattr(response, "model", None),
               "response_cost": (getattr(response, "_hidden_params", None) or {}).get("response_cost")}
    for handler in handlers or ():
        if hasattr(handler, "async_log_success_event"):
            await handler.async_log_success_event(details, response, None, None)
        elif callable(handler):
            result = handler(details, response, None, None)
            if hasattr(result, "__await__"):
                await result
'''


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    try:
        assert isinstance(diag.payload, Payload)
        registrar = index.functions[diag.payload.function]
        return _fix(index, registrar, sources)
    except CannotFix as e:
        return NoFix(str(e))


def _fix(index: ProjectIndex, registrar: Func, sources: Sources) -> Rewrite:
    cls = registrar.facts.class_name
    if not cls or not registrar.facts.qualname.startswith(cls + "."):
        raise CannotFix("the registration is not in a method")
    params = [p for p in registrar.facts.params if p not in ("self", "cls")]
    if not params:
        raise CannotFix(
            "the method registers values it computes itself (e.g. from the environment): "
            "register them once at start-up instead of on every construction or call"
        )
    if len(params) != 1:
        raise CannotFix("the registering method does not take exactly one handlers argument")
    module = sources.module(registrar.file.path)
    table = import_table(module, registrar.file.module, registrar.file.is_package)
    tops = top_level_names(module)
    r_def = find_function(module, registrar.facts.qualname)
    _check_registration_only(r_def, table, tops, registrar.file.module)
    method = registrar.facts.qualname[len(cls) + 1 :]
    callers = index.callers.get(registrar.id, [])
    if not callers or any(c.file.path != registrar.file.path or c.facts.class_name != cls for c, _ in callers):
        raise CannotFix("the registering method is called from outside its class")
    plan = _Plan(method, table, tops, registrar.file.module)
    for caller, _ in callers:
        plan.add_caller(find_function(module, caller.facts.qualname), caller.facts.qualname, module, cls)
    new = with_deliver_helpers(module.visit(_Apply(plan, r_def)), tops)
    return Rewrite({registrar.file.path: new.code}, TITLE)


def with_deliver_helpers(module: cst.Module, tops: set[str]) -> cst.Module:
    """``module`` with ``_deliver_success`` / ``_adeliver_success`` appended (once)."""
    if "_deliver_success" in tops:
        return module
    helpers = list(cst.parse_module(_HELPERS).body)
    helpers[0] = helpers[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
    return module.with_changes(body=list(module.body) + helpers)


def _check_registration_only(func: cst.FunctionDef, table: dict[str, str], tops: set[str], module: str) -> None:
    """Every statement only reads the handlers or changes litellm's registries (a lock around
    that, as in crewAI PR #6163, changes nothing: it goes with the registration)."""
    stmts = list(func.body.body)  # type: ignore[union-attr]
    while stmts:
        stmt = stmts.pop()
        if isinstance(stmt, cst.With) and isinstance(stmt.body, cst.IndentedBlock):
            stmts.extend(stmt.body.body)
            continue
        if isinstance(stmt, cst.For):
            continue  # the iterate-and-remove loops
        if isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Assign, cst.AnnAssign, cst.Expr)) for s in stmt.body):
            if all(
                not isinstance(s, cst.Expr) or isinstance(s.value, (cst.SimpleString, cst.ConcatenatedString))
                for s in stmt.body
            ):
                continue
        raise CannotFix("the registering method does more than change litellm's callback lists")
    for node in walk(func):
        if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
            continue
        if node.func.attr.value in ("remove", "append", "copy", "extend"):
            continue  # list operations on the registries
        name = qualified(node.func, table, module, tops)
        if name is not None and not name.startswith("litellm."):
            raise CannotFix(f"the registering method calls {name}()")


def _check_free(func: cst.FunctionDef, qualname: str) -> None:
    """The rewrite introduces a local / parameter named ``handlers``: it must not clobber one."""
    if any(isinstance(n, cst.Name) and n.value == "handlers" for n in walk(func)):
        raise CannotFix(f"{qualname} already uses the name `handlers`")


def _may_stream(func: cst.FunctionDef) -> bool:
    """A ``stream=`` argument or a ``"stream"`` key anywhere in the function."""
    for node in walk(func):
        if isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value == "stream":
            return True
        if isinstance(node, cst.SimpleString) and node.evaluated_value == "stream":
            return True
    return False


class _Plan:
    """What to change in each caller (and the helper methods that make the litellm call)."""

    def __init__(self, method: str, table: dict[str, str], tops: set[str], module: str) -> None:
        self.method, self.table, self.tops, self.module = method, table, tops, module
        self.replace_stmt: dict[int, str] = {}  # id(self.method(E) statement) -> "handlers = E"
        self.deliver_after: dict[int, tuple[str, bool]] = {}  # id(x = completion(...) stmt) -> (x, async)
        self.pass_to: set[int] = set()  # ids of self.helper(...) calls that get handlers=handlers
        self.helper_params: set[int] = set()  # ids of helper defs that get a handlers=() parameter

    def add_caller(self, func: cst.FunctionDef, qualname: str, module: cst.Module, cls: str) -> None:
        if _may_stream(func):
            raise CannotFix(f"{qualname} may stream")
        _check_free(func, qualname)
        body = list(func.body.body)  # type: ignore[union-attr]
        idx = next((i for i, s in enumerate(body) if self._is_registration_call(s)), None)
        if idx is None:
            raise CannotFix(f"{qualname} calls {self.method}() other than as a statement of its body")
        small = body[idx].body[0].value  # type: ignore[attr-defined]
        handlers_expr = cst.Module([]).code_for_node(small.args[0].value) if small.args else "()"
        self.replace_stmt[id(body[idx])] = f"handlers = {handlers_expr}"
        for stmt in body[idx + 1 :]:
            hit = self._litellm_assignment(stmt)
            if hit is not None:
                self.deliver_after[id(stmt)] = hit
                return
            for node in walk(stmt):
                if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and cst.Module([]).code_for_node(node.func.value) == "self":
                    helper_name = f"{cls}.{node.func.attr.value}"
                    try:
                        helper = find_function(module, helper_name)
                    except CannotFix:
                        continue
                    if _may_stream(helper):
                        raise CannotFix(f"{helper_name} may stream")
                    _check_free(helper, helper_name)
                    target = next((s for s in helper.body.body if self._litellm_assignment(s)), None)  # type: ignore[union-attr]
                    if target is not None:
                        self.deliver_after[id(target)] = self._litellm_assignment(target)  # type: ignore[assignment]
                        self.pass_to.add(id(node))
                        self.helper_params.add(id(helper))
                        return
        raise CannotFix(f"{qualname} does not assign a litellm call's result after {self.method}()")

    def _is_registration_call(self, stmt: cst.BaseStatement) -> bool:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Expr):
            return False
        call = stmt.body[0].value
        return (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == self.method
            and cst.Module([]).code_for_node(call.func.value) == "self"
        )

    def _litellm_assignment(self, stmt: cst.CSTNode) -> tuple[str, bool] | None:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
            return None
        assign = stmt.body[0]
        is_async = isinstance(assign.value, cst.Await)
        value = assign.value.expression if is_async else assign.value
        if not isinstance(value, cst.Call) or qualified(value.func, self.table, self.module, self.tops) not in _CALLS:
            return None
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return None
        return assign.targets[0].target.value, is_async


class _Apply(cst.CSTTransformer):
    def __init__(self, plan: _Plan, registrar: cst.FunctionDef) -> None:
        self.plan, self.registrar = plan, registrar

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if original is self.registrar:
            doc = cst.parse_statement('"""Registers nothing now: handlers get their own call\'s response (llmlint LLM002)."""')
            return updated.with_changes(body=updated.body.with_changes(body=[doc]))
        if id(original) in self.plan.helper_params:
            param = cst.Param(
                cst.Name("handlers"),
                default=cst.Tuple([]),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            return updated.with_changes(params=updated.params.with_changes(params=[*updated.params.params, param]))
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if id(original) in self.plan.pass_to:
            extra = cst.Arg(
                cst.Name("handlers"),
                keyword=cst.Name("handlers"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            return updated.with_changes(args=[*updated.args, extra])
        return updated

    def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
        if id(original) in self.plan.replace_stmt:
            return cst.parse_statement(self.plan.replace_stmt[id(original)]).with_changes(leading_lines=updated.leading_lines)
        if id(original) in self.plan.deliver_after:
            response, is_async = self.plan.deliver_after[id(original)]
            call = f"await _adeliver_success(handlers, {response})" if is_async else f"_deliver_success(handlers, {response})"
            return cst.FlattenSentinel([updated, cst.parse_statement(call)])
        return updated
