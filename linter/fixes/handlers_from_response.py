"""Return-value codemod for LLM002 in the crewAI shape: a helper swaps the caller's handlers
into litellm's global lists (``set_callbacks(callbacks)``) before each call, and at construction.

    @staticmethod                                        @staticmethod
    def set_callbacks(callbacks):                        def set_callbacks(callbacks):
        if not _ensure_litellm(): return                     \"\"\"Registers nothing now ...\"\"\"
        for cb in litellm.success_callback[:]: ...
        litellm.callbacks = callbacks
    def _init(self):                                     def _init(self):
        self.set_callbacks(self.callbacks or [])   ->        (removed: self.callbacks is the default)
    def call(self, msgs, callbacks=None):                def call(self, msgs, callbacks=None):
        if callbacks and len(callbacks) > 0:                 (removed)
            self.set_callbacks(callbacks)
        return self._complete(params, callbacks)             return self._complete(params, callbacks)
    def _complete(self, params, callbacks=None):         def _complete(self, params, callbacks=None):
        response = litellm.completion(**params)              response = litellm.completion(**params)
                                                             _deliver_success(callbacks or self.callbacks or [], response)

litellm dispatches a success event later, on its logging thread, to whatever is registered
then (the knowledge file, finding 2: 160-188 of 200 events lost or misdelivered with four
instances taking turns in one thread). Given here, each call's handlers get that call's own
response, once: ``log_success_event`` of a ``CustomLogger`` or the callable itself on the sync
path, ``async_log_success_event`` or an async callable after ``acompletion`` (what litellm
itself calls on each path), and for a stream the response rebuilt from its chunks once it has
been consumed (``litellm.stream_chunk_builder``, as litellm does for its own success event).

Provable subset, each refusal naming what blocks it:
- the registering function takes one handlers argument and only guards (``if not X: return``),
  wraps (``with``), computes local names, removes entries from and assigns litellm's registries;
- each call of it is a statement; either a litellm call follows it in the same function
  (``x = [await] litellm.completion(...)``, ``for c in litellm.completion(...)``, ``async for
  c in await litellm.acompletion(...)``) or in methods of the class called after it, or none
  does and it registers instance state (``self.callbacks``): those become the instance's
  default handlers, used when a call's own registration is skipped because its handlers are
  empty (``if callbacks: self.set_callbacks(callbacks)``);
- a method that gets the delivery is called only by the registering functions or by each other.
Failure events are not delivered by the rewrite (litellm gave them to registered loggers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources
from linter.fixes.cst_tools import find_function, import_table, qualified, top_level_names, walk
from linter.payloads import Payload
from linter.project import Func, ProjectIndex

# no CODES: ``deliver_directly`` (LLM002's fixer) dispatches to this codemod by shape
TITLE = "Give the handlers their own call's response instead of registering them globally"
SAFETY = "unsafe"

_CALLS = ("litellm.completion", "litellm.acompletion")
_BUILTINS = frozenset(["type", "isinstance", "len", "list", "tuple", "set", "id", "callable", "getattr", "hasattr"])
_LIST_OPS = frozenset(["remove", "append", "copy", "extend", "clear", "pop", "insert"])

# Each helper's text, and the helpers it calls (only the ones a rewrite uses are added).
_HELPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "_deliver_success": (
        '''
def _deliver_success(handlers, response):
    """Give each handler this call's own response, as litellm does on the sync path
    (``CustomLogger.log_success_event`` or a plain callable), but now and for this call only:
    litellm would dispatch it later, on its logging thread, to whatever is registered then."""
    import logging

    from litellm.integrations.custom_logger import CustomLogger

    details = {"model": getattr(response, "model", None),
               "response_cost": (getattr(response, "_hidden_params", None) or {}).get("response_cost")}
    for handler in handlers or ():
        try:  # like litellm: a failing handler does not fail the call
            if isinstance(handler, CustomLogger):
                handler.log_success_event(details, response, None, None)
            elif callable(handler):
                handler(details, response, None, None)
        except Exception:
            logging.getLogger(__name__).exception("success handler %r failed", handler)
''',
        (),
    ),
    "_adeliver_success": (
        '''
async def _adeliver_success(handlers, response):
    """The async path: litellm calls ``async_log_success_event`` (or an async callable) there."""
    import inspect
    import logging

    from litellm.integrations.custom_logger import CustomLogger

    details = {"model": getattr(response, "model", None),
               "response_cost": (getattr(response, "_hidden_params", None) or {}).get("response_cost")}
    for handler in handlers or ():
        try:  # like litellm: a failing handler does not fail the call
            if isinstance(handler, CustomLogger):
                await handler.async_log_success_event(details, response, None, None)
            elif inspect.iscoroutinefunction(handler):
                await handler(details, response, None, None)
        except Exception:
            logging.getLogger(__name__).exception("success handler %r failed", handler)
''',
        (),
    ),
    "_deliver_stream": (
        '''
def _deliver_stream(handlers, stream):
    """Pass the stream's chunks through; once it is consumed, give the handlers the response
    rebuilt from them (litellm's own success event for a stream, for this call only)."""
    import litellm

    chunks = []
    for chunk in stream:
        chunks.append(chunk)
        yield chunk
    if chunks:
        _deliver_success(handlers, litellm.stream_chunk_builder(chunks))
''',
        ("_deliver_success",),
    ),
    "_adeliver_stream": (
        '''
async def _adeliver_stream(handlers, stream):
    """The async stream: as ``_deliver_stream``, with the async handlers."""
    import litellm

    chunks = []
    async for chunk in stream:
        chunks.append(chunk)
        yield chunk
    if chunks:
        await _adeliver_success(handlers, litellm.stream_chunk_builder(chunks))
''',
        ("_adeliver_success",),
    ),
}


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    try:
        assert isinstance(diag.payload, Payload)
        registrar = index.functions[diag.payload.function]
        return _fix(index, registrar, sources)
    except CannotFix as e:
        return NoFix(str(e))


def rewrite(index: ProjectIndex, registrar: Func, sources: Sources) -> Rewrite:
    """The rewrite for ``registrar`` however the finding reached it (LLM007: a construction
    that calls it); raises CannotFix with the reason."""
    return _fix(index, registrar, sources)


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _fix(index: ProjectIndex, registrar: Func, sources: Sources) -> Rewrite:
    params = [p for p in registrar.facts.params if p not in ("self", "cls")]
    if not params:
        raise CannotFix(
            "the method registers values it computes itself (e.g. from the environment): "
            "register them once at start-up instead of on every construction or call"
        )
    if len(params) != 1:
        raise CannotFix(f"{registrar.facts.qualname} does not take exactly one handlers argument")
    module = sources.module(registrar.file.path)
    r_def = find_function(module, registrar.facts.qualname)
    _check_registration_only(
        r_def, registrar.facts.qualname, import_table(module, registrar.file.module, registrar.file.is_package),
        top_level_names(module), registrar.file.module,
    )
    callers = index.callers.get(registrar.id, [])
    if not callers:
        raise CannotFix(
            f"nothing in the project calls {registrar.facts.qualname}: its callers cannot be given the "
            "responses; have them pass their handlers to the call that makes the litellm request"
        )
    plan = _Plan(index, sources, registrar)
    plan.modules[registrar.file.path] = module  # rewritten even when all its callers live elsewhere
    for caller in sorted({c.id: c for c, _ in callers}.values(), key=lambda c: c.id):
        plan.add_caller(caller)
    plan.settle()
    files: dict[str, str] = {}
    home = registrar.file.path
    for path, mod in plan.modules.items():
        new = mod.visit(_Apply(plan, r_def if path == home else None))
        used = plan.helpers_used.get(path, set())
        if path != home and used and _imports_from(new, registrar.file.module):
            # one copy of the helpers, in the registrar's module, which this module imports already
            new = _with_import(new, registrar.file.module, sorted(used))
            plan.helpers_used.setdefault(home, set()).update(used)
        elif path != home:
            new = with_helpers(new, top_level_names(mod), used)
        files[path] = new.code
    if home in files:
        files[home] = with_helpers(cst.parse_module(files[home]), top_level_names(plan.modules[home]), plan.helpers_used.get(home, set())).code
    return Rewrite(files, TITLE)


def _imports_from(module: cst.Module, name: str) -> bool:
    """``from <name> import ...`` at the top level of ``module``: importing more from it adds
    no import cycle that is not there already."""
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                    if _code(small.module) == name:
                        return True
    return False


def _with_import(module: cst.Module, name: str, helpers: list[str]) -> cst.Module:
    """``module`` with ``from <name> import <helpers>`` after its last top-level import."""
    body = list(module.body)
    last = max(
        i for i, stmt in enumerate(body)
        if isinstance(stmt, cst.SimpleStatementLine) and any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)
    )
    body.insert(last + 1, cst.parse_statement(f"from {name} import {', '.join(helpers)}"))
    return module.with_changes(body=body)


def with_deliver_helpers(module: cst.Module, tops: set[str]) -> cst.Module:
    """``module`` with ``_deliver_success`` / ``_adeliver_success`` appended (once)."""
    return with_helpers(module, tops, {"_deliver_success", "_adeliver_success"})


def with_helpers(module: cst.Module, tops: set[str], names: set[str]) -> cst.Module:
    """``module`` with the named delivery helpers (and those they call) appended, unless the
    module already defines them (a second fix adds nothing)."""
    todo, wanted = list(names), []
    while todo:
        name = todo.pop(0)
        if name in wanted or name in tops:
            continue
        wanted.append(name)
        todo.extend(_HELPERS[name][1])
    order = [n for n in _HELPERS if n in wanted]
    if not order:
        return module
    body = list(module.body)
    for name in order:
        fn = cst.parse_module(_HELPERS[name][0]).body[0]
        body.append(fn.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]))
    return module.with_changes(body=body)


def _check_registration_only(func: cst.FunctionDef, qualname: str, table: dict[str, str], tops: set[str], module: str) -> None:
    """Every statement guards, wraps, computes a local, or changes litellm's registries: the
    whole body goes with the registration. Anything else must be moved out by hand first."""
    stmts = list(func.body.body)  # type: ignore[union-attr]
    gating: set[int] = set()  # calls in guard tests and with-items: they only gate the registration
    while stmts:
        stmt = stmts.pop()
        if isinstance(stmt, cst.With) and isinstance(stmt.body, cst.IndentedBlock):
            gating.update(id(n) for item in stmt.items for n in walk(item))
            stmts.extend(stmt.body.body)
            continue
        if isinstance(stmt, cst.If) and stmt.orelse is None and _only_returns(stmt.body):
            gating.update(id(n) for n in walk(stmt.test))
            continue
        if isinstance(stmt, cst.For) and isinstance(stmt.body, cst.IndentedBlock):
            stmts.extend(stmt.body.body)  # the iterate-and-remove loops: their bodies are checked too
            continue
        if isinstance(stmt, cst.If) and stmt.orelse is None and isinstance(stmt.body, cst.IndentedBlock):
            stmts.extend(stmt.body.body)  # `if type(cb) in types: litellm.success_callback.remove(cb)`
            continue
        if isinstance(stmt, cst.SimpleStatementLine) and all(_plain_small(s, table, tops, module) for s in stmt.body):
            continue
        raise CannotFix(
            f"{qualname} does more than change litellm's callback lists (`{_code(stmt).strip().splitlines()[0]}`): "
            "move that work to its callers, then run the fix again"
        )
    for node in walk(func):
        if id(node) in gating or not isinstance(node, cst.Call):
            continue
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _LIST_OPS:
            continue
        if isinstance(node.func, cst.Name) and node.func.value in _BUILTINS:
            continue
        name = qualified(node.func, table, module, tops)
        if name is None or not name.startswith("litellm."):
            raise CannotFix(f"{qualname} calls {name or _code(node.func)}(): move that call to its callers, then run the fix again")


def _only_returns(body: cst.BaseSuite) -> bool:
    small = body.body if isinstance(body, cst.SimpleStatementSuite) else [
        s for line in body.body if isinstance(line, cst.SimpleStatementLine) for s in line.body
    ]
    lines = body.body if isinstance(body, cst.IndentedBlock) else []
    return all(isinstance(line, cst.SimpleStatementLine) for line in lines) and all(
        isinstance(s, cst.Pass) or (isinstance(s, cst.Return) and (s.value is None or _code(s.value) == "None"))
        for s in small
    )


def _plain_small(stmt: cst.BaseSmallStatement, table: dict[str, str], tops: set[str], module: str) -> bool:
    """A docstring, a list operation, or an assignment to a local name or a litellm registry."""
    if isinstance(stmt, cst.Expr):
        return isinstance(stmt.value, (cst.SimpleString, cst.ConcatenatedString, cst.Call))
    if isinstance(stmt, (cst.Pass, cst.Return)):
        return isinstance(stmt, cst.Pass) or stmt.value is None
    if isinstance(stmt, (cst.Assign, cst.AnnAssign)):
        targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
        return all(
            isinstance(t, cst.Name)
            or (qualified(t.value if isinstance(t, cst.Subscript) else t, table, module, tops) or "").startswith("litellm.")
            for t in targets  # `litellm.success_callback[:] = [...]` too
        )
    return False


@dataclass
class _Site:
    """Where a litellm call's response or stream is available."""

    stmt: cst.CSTNode  # the assignment line, or the for / async-for loop
    kind: str  # "assign" | "for"
    is_async: bool
    name: str = ""  # the response's name ("assign")


@dataclass
class _Plan:
    index: ProjectIndex
    sources: Sources
    registrar: Func
    modules: dict[str, cst.Module] = field(default_factory=dict)
    remove: set[int] = field(default_factory=set)  # registration statements (or their `if`)
    default: str | None = None  # handlers registered at construction (`self.callbacks or []`)
    pending: list[tuple[Func, cst.FunctionDef, str, str, bool]] = field(default_factory=list)
    deliver: dict[int, str] = field(default_factory=dict)  # id(site stmt) -> handlers expression
    sites: dict[int, _Site] = field(default_factory=dict)
    pass_handlers: dict[int, str] = field(default_factory=dict)  # id(call) -> value of added `handlers=`
    add_param: set[int] = field(default_factory=set)  # ids of defs that get `handlers=()`
    helpers_used: dict[str, set[str]] = field(default_factory=dict)
    reached: dict[str, str] = field(default_factory=dict)  # helper Func id -> path (for the callers check)

    def module(self, func: Func) -> cst.Module:
        path = func.file.path
        if path not in self.modules:
            self.modules[path] = self.sources.module(path)
        return self.modules[path]

    def add_caller(self, caller: Func) -> None:
        fn = find_function(self.module(caller), caller.facts.qualname)
        name = self.registrar.facts.qualname.rsplit(".", 1)[-1]
        found = False
        for stmt, ancestors, later in _statements_with_later(fn):
            call = _registration_call(stmt, name)
            if call is None:
                continue
            found = True
            if len(call.args) != 1 or call.args[0].star:
                raise CannotFix(f"{caller.facts.qualname} calls {name}() with other than one argument")
            expr = _code(call.args[0].value)
            guard = self._guard(caller, ancestors, expr)
            self.remove.add(id(guard) if guard is not None and _single(guard) else id(stmt))
            self.pending.append((caller, fn, expr, _code(stmt).strip(), guard is not None))
            self._sites_after(caller, fn, later, expr, guard is not None)
        if not found:
            raise CannotFix(f"{caller.facts.qualname} calls {name}() other than as a statement")

    def _guard(self, caller: Func, ancestors: list[cst.CSTNode], expr: str) -> cst.If | None:
        """The ``if E:`` (``if E and len(E) > 0:``) the registration runs under, if any; any
        other enclosing ``if`` or loop makes which handlers get the events depend on history."""
        guard = None
        for node in ancestors:
            if isinstance(node, (cst.With, cst.Try, cst.IndentedBlock)):
                continue
            if isinstance(node, cst.If) and _truthiness_of(node.test, expr) and guard is None:
                guard = node
                continue
            if isinstance(node, cst.If) and "self." in expr:
                continue  # a construction-time default under an availability check
            raise CannotFix(
                f"in {caller.facts.qualname} the registration runs only under `{_code(node).splitlines()[0].strip()}`: "
                "otherwise earlier registrations get the events; make it unconditional first"
            )
        return guard

    def _sites_after(self, caller: Func, fn: cst.FunctionDef, later: list[cst.CSTNode], expr: str, guarded: bool) -> None:
        table, tops = self._names(caller)
        direct = [s for stmt in later for s in _sites_in(stmt, table, tops, caller.file.module)]
        for site in direct:
            self._record(caller, site, ("direct", expr, guarded))
        cls = caller.facts.class_name
        hits = 0
        if cls:
            for stmt in later:
                for node in walk(stmt):
                    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and _code(node.func.value) == "self"):
                        continue
                    helper = self.index.functions.get(f"{caller.file.module}:{cls}.{node.func.attr.value}")
                    if helper is None or helper.id == caller.id:
                        continue
                    h_def = find_function(self.module(helper), helper.facts.qualname)
                    h_table, h_tops = self._names(helper)
                    sites = [s for st in h_def.body.body for s in _sites_in(st, h_table, h_tops, helper.file.module)]  # type: ignore[union-attr]
                    if not sites:
                        continue
                    hits += 1
                    param = _param_for(node, h_def, expr)
                    if param is None:
                        self.pass_handlers[id(node)] = expr
                        self.add_param.add(id(h_def))
                        param = "handlers"
                        if any(isinstance(n, cst.Name) and n.value == "handlers" for n in walk(h_def)):
                            raise CannotFix(f"{helper.facts.qualname} already uses the name `handlers`")
                    self.reached[helper.id] = helper.file.path
                    for site in sites:
                        self._record(helper, site, ("param", param, guarded))
        if not direct and not hits:
            if "self." not in expr:
                raise CannotFix(
                    f"{caller.facts.qualname} registers `{expr}` and no litellm call follows it there: "
                    "pass the handlers to the function that makes the call"
                )
            self.default = self.default or expr

    def _record(self, func: Func, site: _Site, how: tuple[str, str, bool]) -> None:
        old = self.deliver.get(id(site.stmt))
        self.deliver[id(site.stmt)] = how  # type: ignore[assignment]
        if old is not None and old != how:
            raise CannotFix(f"{func.facts.qualname} is reached with different handlers from different callers")
        self.sites[id(site.stmt)] = site
        used = self.helpers_used.setdefault(func.file.path, set())
        used.add(("_adeliver_" if site.is_async else "_deliver_") + ("success" if site.kind == "assign" else "stream"))

    def settle(self) -> None:
        """Turn each delivery into its handlers expression once the default is known, and
        check that the methods given a delivery are called only from this plan."""
        if self.default is not None and not any(guarded for _how, _expr, guarded in self.deliver.values()):  # type: ignore[misc]
            # removing the construction-time registration would leave its handlers with no events
            raise CannotFix(
                f"the handlers registered at construction (`{self.default}`) reach no call: no method "
                "registers a call's own handlers before a litellm call; pass them to the call by hand"
            )
        for key, (how, expr, guarded) in list(self.deliver.items()):  # type: ignore[misc]
            value = expr
            if guarded and self.default is not None:
                value = f"{expr} or {self.default}"
            self.deliver[key] = value
        planned = {c.id for c, *_ in self.pending} | set(self.reached)
        for fid in self.reached:
            for caller, _call in self.index.callers.get(fid, []):
                if caller.id not in planned:
                    raise CannotFix(
                        f"{fid.split(':', 1)[1]} is also called by {caller.facts.qualname}, which registers no "
                        "handlers: pass them there too, then run the fix again"
                    )

    def _names(self, func: Func) -> tuple[dict[str, str], set[str]]:
        mod = self.module(func)
        return import_table(mod, func.file.module, func.file.is_package), top_level_names(mod)


def _single(guard: cst.If) -> bool:
    return guard.orelse is None and isinstance(guard.body, cst.IndentedBlock) and len(guard.body.body) == 1


def _truthiness_of(test: cst.BaseExpression, expr: str) -> bool:
    """``E``, ``E and ...``, ``E is not None``, ``len(E) > 0``."""
    while isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        test = test.left
    if _code(test) == expr:
        return True
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        return _code(test.left) in (expr, f"len({expr})")
    return False


def _param_for(call: cst.Call, helper: cst.FunctionDef, expr: str) -> str | None:
    """The helper's parameter that receives ``expr`` at this call, if any."""
    params = [p.name.value for p in helper.params.params]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    for i, arg in enumerate(call.args):
        if arg.star or _code(arg.value) != expr:
            continue
        if arg.keyword is not None:
            return arg.keyword.value
        if i < len(params):
            return params[i]
    return None


def _statements_with_later(fn: cst.FunctionDef):  # type: ignore[no-untyped-def]
    """Each statement of ``fn`` (nested blocks included, nested defs not) with its ancestors
    inside ``fn`` and the statements after it in source order that do not contain it."""
    flat: list[tuple[cst.CSTNode, list[cst.CSTNode]]] = []

    def visit(node: cst.CSTNode, ancestors: list[cst.CSTNode]) -> None:
        for child in _child_statements(node):
            flat.append((child, ancestors))
            if not isinstance(child, (cst.FunctionDef, cst.ClassDef)):
                visit(child, [*ancestors, child])

    visit(fn.body, [])
    for i, (stmt, ancestors) in enumerate(flat):
        later = [s for s, anc in flat[i + 1 :] if not any(stmt is a for a in anc)]
        yield stmt, ancestors, [s for s in later if not any(s is a for a in ancestors)]


def _child_statements(node: cst.CSTNode) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for child in node.children:
        if isinstance(child, (cst.BaseStatement,)):
            out.append(child)
        elif isinstance(child, (cst.BaseSuite, cst.Else, cst.ExceptHandler, cst.Finally, cst.ExceptStarHandler)):
            out.extend(_child_statements(child))
        elif isinstance(child, cst.If):  # elif
            out.append(child)
    return out


def _registration_call(stmt: cst.CSTNode, name: str) -> cst.Call | None:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Expr):
        return None
    call = stmt.body[0].value
    if not isinstance(call, cst.Call):
        return None
    f = call.func
    if (isinstance(f, cst.Attribute) and f.attr.value == name) or (isinstance(f, cst.Name) and f.value == name):
        return call
    return None


def _sites_in(stmt: cst.CSTNode, table: dict[str, str], tops: set[str], module: str) -> list[_Site]:
    """The litellm call sites among ``stmt`` and the statements nested in it."""
    out = []
    todo = [stmt]
    while todo:
        s = todo.pop(0)
        if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign):
            assign = s.body[0]
            is_async = isinstance(assign.value, cst.Await)
            value = assign.value.expression if isinstance(assign.value, cst.Await) else assign.value
            if isinstance(value, cst.Call) and qualified(value.func, table, module, tops) in _CALLS:
                if any(a.keyword is not None and a.keyword.value == "stream" for a in value.args):
                    raise CannotFix("a litellm call's result that may be a stream is assigned: it is consumed elsewhere")
                if len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name):
                    out.append(_Site(s, "assign", is_async, assign.targets[0].target.value))
                    continue
        if isinstance(s, cst.For):
            it = s.iter.expression if isinstance(s.iter, cst.Await) else s.iter
            if isinstance(it, cst.Call) and qualified(it.func, table, module, tops) in _CALLS:
                out.append(_Site(s, "for", s.asynchronous is not None))
        todo.extend(_child_statements(s))
    return out


class _Apply(cst.CSTTransformer):
    def __init__(self, plan: _Plan, registrar: cst.FunctionDef | None) -> None:
        self.plan, self.registrar = plan, registrar

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if original is self.registrar:
            doc = cst.parse_statement(
                '"""Registers nothing now: each call gives its own response to its handlers (llmlint LLM002)."""'
            )
            return updated.with_changes(body=updated.body.with_changes(body=[doc]))
        if id(original) in self.plan.add_param:
            param = cst.Param(
                cst.Name("handlers"),
                default=cst.Tuple([]),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            return updated.with_changes(params=updated.params.with_changes(params=[*updated.params.params, param]))
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if id(original) in self.plan.pass_handlers:
            extra = cst.Arg(
                cst.parse_expression(self.plan.pass_handlers[id(original)]),
                keyword=cst.Name("handlers"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            return updated.with_changes(args=[*updated.args, extra])
        return updated

    def leave_If(self, original, updated):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent() if id(original) in self.plan.remove else updated

    def leave_For(self, original, updated):  # type: ignore[no-untyped-def]
        site = self.plan.sites.get(id(original))
        if site is None:
            return updated
        helper = "_adeliver_stream" if site.is_async else "_deliver_stream"
        handlers = self.plan.deliver[id(original)]
        return updated.with_changes(iter=cst.parse_expression(f"{helper}({handlers}, {_code(updated.iter)})"))

    def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
        if id(original) in self.plan.remove:
            return cst.RemoveFromParent()
        site = self.plan.sites.get(id(original))
        if site is not None:
            handlers = self.plan.deliver[id(original)]
            call = (
                f"await _adeliver_success({handlers}, {site.name})"
                if site.is_async
                else f"_deliver_success({handlers}, {site.name})"
            )
            return cst.FlattenSentinel([updated, cst.parse_statement(call)])
        return updated
