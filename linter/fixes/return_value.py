"""Return-value codemod for LLM001: read callback data from the call's own response.

The callback's computation of what it stores becomes a pure function of the response
(``<callback>_data(completion_response) -> dict``). When the callback does nothing else, its body
moves there and the callback stores the function's result (``STORE.update(<callback>_data(resp))``:
one copy of the computation, and the module-level dict stays filled for readers outside the
project, such as tests that patch it); otherwise the function is added beside the callback. In the
function that reads the storage, each call that gives a response is followed by ``<data> =
<callback>_data(resp)``, and every use of the storage there (reads, and the caller's own writes
such as a retry's save-and-add-back) uses that local dict instead. A call that gives a response:
``resp = [await] litellm.completion(...)`` (and the rest of the completion family), a function of
the same module that returns such a response on every path (a wrapper that logs or retries), a
``litellm.batch_completion`` (its last item: the storage held one item's values). An ``if``/
``elif``/``else`` whose every branch makes such a call covers what follows it. When the function
is added beside the callback and no name in the project refers to the storage any more, the
storage is removed: its definition (with the comments above it), the callback's writes and
``global`` declaration, and ``from ... import`` of it.

Inside the pure function, ``kwargs["response_cost"]`` becomes
``completion_response._hidden_params.get("response_cost")`` (the same number litellm hands the
callback, set before the call returns) and ``kwargs["model"]`` becomes the model the call was
made with, ``_hidden_params["litellm_model_name"]`` (with its provider prefix, ``openai/gpt-4o``,
where litellm hands the callback ``gpt-4o``; ``response.model`` is the provider's own name,
``gpt-4o-2024-08-06``, which a price table keyed by the requested model misses).

It refuses ("no automatic fix: ...") when it cannot prove the rewrite: the storage is not a
module-level dict of the callback's module written by item assignment; the callback reads
the storage (accumulates), uses other ``kwargs`` keys, the start/end times or ``self``; the
reader's call is a stream not consumed by a loop; a use of the storage (named in the reason) is
not preceded, on every path, by a call that gives a response assigned to a name.
"""

from __future__ import annotations

import json
import re

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from linter.analysis import catalog as cat
from linter.analysis.names import dotted
from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources
from linter.fixes.cst_tools import (
    KWARGS_FROM_RESPONSE,
    dominates,
    find_function,
    import_table,
    is_docstring,
    kwargs_keys,
    qualified,
    statement_slots,
    top_level_names,
    walk,
)
from linter.payloads import CallbackStorage
from linter.project import Func, ProjectIndex, Where

CODES = ("LLM001", "LLM004")
TITLE = "Read the values from the call's own response"
SAFETY = "unsafe"



_KINDS = {"mutable": "dict", "thread-local": "thread-local", "contextvar": "contextvar"}


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    found = diag.payload
    assert isinstance(found, CallbackStorage)
    try:
        callback = index.functions[found.callback]
        if diag.code == "LLM001":
            return _fix([index.functions[found.function]], callback, found.storage, sources, False)
        # LLM004: every reader of the thread-local / ContextVar, then the callback stops writing it
        readers = [
            f
            for f in index.functions.values()
            if not index.exempt(f, Where.CALLBACK | Where.SET_UP_SCOPE)
            and any(index.storage_name(a.target) == found.storage for a in f.facts.reads)
        ]
        return _fix(readers, callback, found.storage, sources, True)
    except CannotFix as e:
        return NoFix(str(e))


def _fix(readers: list[Func], callback: Func, storage: str, sources: Sources, drop_writes: bool) -> Rewrite:
    store_module, _, store_name = storage.rpartition(".")
    if store_module != callback.file.module:
        raise CannotFix("the storage is not defined in the callback's module")
    binding = callback.file.bindings.get(store_name)
    kind = _KINDS.get(binding.kind if binding is not None else "")
    if kind is None:
        raise CannotFix(f"`{store_name}` is not a module-level dict, threading.local or ContextVar")
    cb_path = callback.file.path
    cb_def = find_function(sources.module(cb_path), callback.facts.qualname)
    helper_name = _free_name(sources.module(cb_path), f"{cb_def.name.value}_data")
    helper = _pure_function(cb_def, store_name, helper_name, kind)
    files: dict[str, str] = {}
    current = _Current(sources, files)
    for reader in readers:
        module = _rewrite_reader(reader, current.module(reader.file.path), storage, helper_name, store_name, kind)
        if reader.file.path != cb_path:
            context = CodemodContext()
            AddImportsVisitor.add_needed_import(context, callback.file.module, helper_name)
            module = AddImportsVisitor(context).transform_module(module)
        files[reader.file.path] = module.code
    module = current.module(cb_path)
    if drop_writes:
        module = _drop_writes(module, callback.facts.qualname, store_name, kind)
    if readers and kind == "dict" and not drop_writes and _only_computes(cb_def, store_name) and "." not in callback.facts.qualname:
        # the callback's body moves into the pure function and the callback stores its result:
        # one copy of the computation, the diff shows the body unchanged, and the module-level
        # dict stays filled for whoever outside the project reads it (a library's tests patch it)
        files[cb_path] = _delegate(module, callback.facts.qualname, helper, store_name).code
        return Rewrite(files, TITLE)
    if readers:
        module = _insert_after(module, callback.facts.qualname, helper)
    files[cb_path] = module.code
    return Rewrite(_without_dead_storage(files, sources, callback, store_name, kind), TITLE)


def _without_dead_storage(files: dict[str, str], sources: Sources, callback: Func, store: str, kind: str) -> dict[str, str]:
    """When nothing reads the storage any more, remove it: the callback's writes to it, its
    definition (with the comments above it) and the imports of it. Kept as it is when any other
    mention of the name remains anywhere in the project (a reader the codemod does not know)."""
    word = re.compile(rf"\b{re.escape(store)}\b")
    out = dict(files)
    cb_path = callback.file.path
    cb_module = _drop_writes(cst.parse_module(out[cb_path]), callback.facts.qualname, store, kind)
    out[cb_path] = _drop_binding(cb_module, store).code
    for path in sorted(sources.paths):
        try:
            text = out.get(path) or sources.text(path)
        except (OSError, UnicodeError, LookupError):
            continue
        if not word.search(text):
            continue
        module = cst.parse_module(text)
        if path != cb_path:
            module = _drop_import(module, store, callback.file.module)
            out[path] = module.code
        if any(isinstance(n, cst.Name) and n.value == store for n in walk(module)):
            return files  # still used: someone else may read it
    return out


def _drop_binding(module: cst.Module, store: str) -> cst.Module:
    body = [s for s in module.body if not (isinstance(s, cst.SimpleStatementLine) and _binds(s, store))]
    return module.with_changes(body=body)


def _binds(stmt: cst.SimpleStatementLine, store: str) -> bool:
    return len(stmt.body) == 1 and any(
        isinstance(t, cst.Name) and t.value == store
        for t in ([x.target for x in stmt.body[0].targets] if isinstance(stmt.body[0], cst.Assign)
                  else [stmt.body[0].target] if isinstance(stmt.body[0], cst.AnnAssign) else [])
    )


def _drop_import(module: cst.Module, store: str, owner: str) -> cst.Module:
    """``from <owner> import a, STORE`` -> ``from <owner> import a`` (the statement goes if empty)."""

    class Drop(cst.CSTTransformer):
        def leave_ImportFrom(self, original, updated):  # type: ignore[no-untyped-def]
            if isinstance(updated.names, cst.ImportStar):
                return updated
            names = [a for a in updated.names if not (dotted(a.name) == store and a.asname is None)]
            if len(names) == len(updated.names):
                return updated
            if not names:
                return cst.RemoveFromParent()
            names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(names=names)

    return module.visit(Drop())


class _Current:
    """The text of a file as rewritten so far in this fix, else as in ``sources``."""

    def __init__(self, sources: Sources, files: dict[str, str]) -> None:
        self.sources, self.files = sources, files

    def module(self, path: str) -> cst.Module:
        return cst.parse_module(self.files[path]) if path in self.files else self.sources.module(path)


def _drop_writes(module: cst.Module, qualname: str, store: str, kind: str) -> cst.Module:
    """Remove the callback's hand-off writes (nobody reads them any more)."""
    func = find_function(module, qualname)

    class Drop(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
            if all(_is_handoff_write(small, store, kind) for small in updated.body):
                return cst.RemoveFromParent()
            return updated

        def leave_IndentedBlock(self, original, updated):  # type: ignore[no-untyped-def]
            if not updated.body:
                return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
            return updated

    return module.deep_replace(func, func.visit(Drop()))  # type: ignore[return-value]


def _is_handoff_write(small: cst.BaseSmallStatement, store: str, kind: str) -> bool:
    if kind == "dict":
        if isinstance(small, cst.Assign):
            return all(isinstance(t.target, cst.Subscript) and dotted(t.target.value) == store for t in small.targets)
        if isinstance(small, cst.Global):
            return all(n.name.value == store for n in small.names)
        return isinstance(small, cst.Expr) and _is_storage_call(small, store)
    if kind == "thread-local" and isinstance(small, cst.Assign):
        return all(isinstance(t.target, cst.Attribute) and dotted(t.target.value) == store for t in small.targets)
    if kind == "contextvar" and isinstance(small, cst.Expr):
        v = small.value
        return isinstance(v, cst.Call) and isinstance(v.func, cst.Attribute) and dotted(v.func.value) == store and v.func.attr.value == "set"
    return False


# ------------------------------------------------------------------ the pure function
def _pure_function(cb: cst.FunctionDef, store: str, name: str, kind: str = "dict") -> cst.FunctionDef:
    params = [p.name.value for p in cb.params.params]
    if params and params[0] in ("self", "cls"):
        raise CannotFix("the callback is a method (it may depend on instance state)")
    if len(params) < 2:
        raise CannotFix("the callback does not take (kwargs, completion_response, ...)")
    kwargs_name, response_name, others = params[0], params[1], set(params[2:])
    if any(isinstance(n, (cst.Await, cst.Yield)) for n in walk(cb.body)):
        raise CannotFix("the callback awaits or yields: its computation is not a plain function of the response")
    pure = (_pure_statement(s, store, kwargs_name, response_name, others, kind) for s in cb.body.body)  # type: ignore[union-attr]
    body = cb.body.with_changes(body=[s for s in pure if s is not None])
    body = body.with_changes(
        body=[cst.parse_statement("data = {}")] + list(body.body) + [cst.parse_statement("return data")]
    )
    doc = cst.parse_statement(
        f'"""What `{cb.name.value}` stores in `{store}`, computed from the call\'s own response."""'
    )
    body = body.with_changes(body=[doc] + list(body.body))
    return cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(params=[cst.Param(cst.Name(response_name))]),
        body=body,
        returns=cst.Annotation(cst.Name("dict")),
        leading_lines=[cst.EmptyLine(), cst.EmptyLine()],
    )


class _Purify(cst.CSTTransformer):
    """Storage -> ``data``; kwargs["response_cost"/"model"] -> the response; refuse the rest."""

    def __init__(self, store: str, kwargs_name: str, response_name: str, kind: str) -> None:
        self.store, self.kwargs, self.response, self.kind = store, kwargs_name, response_name, kind

    def leave_AssignTarget(self, original: cst.AssignTarget, updated: cst.AssignTarget) -> cst.AssignTarget:
        t = updated.target
        if self.kind == "thread-local" and isinstance(t, cst.Attribute) and dotted(t.value) == self.store:
            return updated.with_changes(target=_item("data", t.attr.value))
        return updated

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr) -> cst.BaseSmallStatement:
        if self.kind == "contextvar" and _is_handoff_write(original, self.store, "contextvar"):
            value = original.value.args[0].value  # type: ignore[attr-defined]
            return cst.Assign([cst.AssignTarget(_item("data", "value"))], value.visit(self))
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if isinstance(func, cst.Attribute) and dotted(func.value) == self.kwargs and func.attr.value == "get":
            key = _string_arg(updated)
            if key in KWARGS_FROM_RESPONSE:
                default = updated.args[1].value if len(updated.args) > 1 else None
                return _from_response(key, self.response, default)
        return updated

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        if dotted(updated.value) == self.kwargs and len(updated.slice) == 1:
            sl = updated.slice[0].slice
            key = _literal(sl.value) if isinstance(sl, cst.Index) else None
            if key in KWARGS_FROM_RESPONSE:
                return _from_response(key, self.response, None)
        return updated

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        return cst.Return(cst.Name("data"))  # an early exit returns what was stored so far

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if updated.value == self.store and self.kind == "dict":
            return updated.with_changes(value="data")
        return updated


def _item(name: str, key: str) -> cst.Subscript:
    return cst.Subscript(cst.Name(name), [cst.SubscriptElement(cst.Index(cst.SimpleString(json.dumps(key))))])


def _pure_statement(
    stmt: cst.BaseStatement, store: str, kwargs_name: str, response_name: str, others: set[str], kind: str = "dict"
) -> cst.BaseStatement | None:
    """The statement as it runs in the pure function, or None to drop it (side effects stay in
    the callback). Raises CannotFix when the statement depends on what the response lacks."""
    if isinstance(stmt, cst.SimpleStatementLine):
        kept = []
        for small in stmt.body:
            if isinstance(small, (cst.Global, cst.Nonlocal)):
                continue
            if isinstance(small, cst.Expr) and not (_is_storage_call(small, store) or _is_handoff_write(small, store, kind)):
                continue  # logging, printing: stays in the callback only
            if isinstance(small, (cst.AugAssign,)) and _mentions(small.target, store):
                raise CannotFix(f"the callback accumulates into `{store}`")
            kept.append(small)
        if not kept:
            return None
        stmt = stmt.with_changes(body=kept)
    elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        raise CannotFix("the callback defines nested functions or classes")
    _check_reads(stmt, store, kwargs_name, others, kind)
    return stmt.visit(_Purify(store, kwargs_name, response_name, kind))  # type: ignore[return-value]


def _check_reads(stmt: cst.CSTNode, store: str, kwargs_name: str, others: set[str], kind: str) -> None:
    """Refuse uses of start/end time, of other ``kwargs`` keys, and reads of the storage."""
    for node in walk(stmt):
        if isinstance(node, cst.Name) and node.value in others:
            raise CannotFix(f"the callback uses `{node.value}`, which the response does not carry")
    if kwargs_keys(stmt, kwargs_name) is None:
        raise CannotFix(f"the callback uses `{kwargs_name}` beyond response_cost and model")
    _reject_storage_reads(stmt, store, kind)


def _reject_storage_reads(stmt: cst.CSTNode, store: str, kind: str) -> None:
    allowed: set[int] = set()
    for node in walk(stmt):
        if isinstance(node, cst.Assign):
            for t in node.targets:
                if isinstance(t.target, (cst.Subscript, cst.Attribute)) and dotted(t.target.value) == store:
                    allowed.add(id(t.target.value))
        elif isinstance(node, cst.Expr) and (_is_storage_call(node, store) or _is_handoff_write(node, store, kind)):
            allowed.add(id(node.value.func.value))  # type: ignore[attr-defined]
    for node in walk(stmt):
        if isinstance(node, cst.Name) and node.value == store and id(node) not in allowed:
            raise CannotFix(f"the callback reads `{store}`")


def _is_storage_call(expr: cst.Expr, store: str) -> bool:
    v = expr.value
    return (
        isinstance(v, cst.Call)
        and isinstance(v.func, cst.Attribute)
        and dotted(v.func.value) == store
        and v.func.attr.value in ("update", "__setitem__")
    )


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in walk(node))


def _from_response(key: str | None, response: str, default: cst.BaseExpression | None) -> cst.BaseExpression:
    """The value litellm hands the callback as ``kwargs[key]``, read from the response."""
    fallback = cst.Module([]).code_for_node(default) if default is not None else "None"
    # litellm records the model the call was made with (``openai/gpt-4o-mini``) as
    # ``litellm_model_name``; ``response.model`` is the provider's name for it
    # (``gpt-4o-mini-2024-07-18``), which a price table keyed by the requested model misses
    hidden = "response_cost" if key == "response_cost" else "litellm_model_name"
    return cst.parse_expression(f'(getattr({response}, "_hidden_params", None) or {{}}).get("{hidden}", {fallback})')


def _string_arg(call: cst.Call) -> str | None:
    if not call.args:
        return None
    return _literal(call.args[0].value)


def _literal(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    return None


def _free_name(module: cst.Module, wanted: str) -> str:
    taken = top_level_names(module)
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted}_{n}", n + 1
    return name


def _only_computes(cb: cst.FunctionDef, store: str) -> bool:
    """The callback does nothing but compute what it stores: every statement but its docstring,
    ``global`` and ``pass`` is one the pure function keeps."""
    body = list(cb.body.body)  # type: ignore[union-attr]
    if body and is_docstring(body[0]):
        body = body[1:]
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Expr) and not _is_storage_call(small, store):
                    return False  # a side effect (logging) that may use the computed locals
    return True


def _delegate(module: cst.Module, qualname: str, helper: cst.FunctionDef, store: str) -> cst.Module:
    """``def cb(kwargs, resp, ...): <compute>; STORE[k] = v`` -> the pure function in its place
    (with the comments above it), then ``def cb(...): STORE.update(cb_data(resp))``."""
    body = list(module.body)
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == qualname:
            response = stmt.params.params[1].name.value
            doc = [stmt.body.body[0]] if stmt.body.body and is_docstring(stmt.body.body[0]) else []  # type: ignore[union-attr]
            call = cst.parse_statement(f"{store}.update({helper.name.value}({response}))")
            callback = stmt.with_changes(
                body=stmt.body.with_changes(body=[*doc, call]), leading_lines=[cst.EmptyLine(), cst.EmptyLine()]
            )
            # the comments after the body stay with the callback
            moved = helper.with_changes(body=helper.body.with_changes(footer=()), leading_lines=stmt.leading_lines)
            body[i : i + 1] = [moved, callback]
            return module.with_changes(body=body)
    raise CannotFix(f"cannot find {qualname} at module level")


def _insert_after(module: cst.Module, qualname: str, helper: cst.FunctionDef) -> cst.Module:
    top = qualname.split(".", 1)[0]
    body = list(module.body)
    for i, stmt in enumerate(body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value == top:
            body.insert(i + 1, helper)
            return module.with_changes(body=body)
    raise CannotFix(f"cannot find {top} at module level")


# --------------------------------------------------------------------- the reader
def _rewrite_reader(
    reader: Func, module: cst.Module, storage: str, helper: str, store_name: str, kind: str = "dict"
) -> cst.Module:
    func = find_function(module, reader.facts.qualname)
    table = import_table(module, reader.file.module, reader.file.is_package)
    tops = top_level_names(module)
    data_var = _free_local(func, store_name.strip("_").lower() or "callback_data")
    chunks_var = _free_local(func, "chunks")
    litellm_name = next((local for local, full in table.items() if full == "litellm"), None)
    # (statement after which the data is read, its slot, the expression that gives the response)
    calls: list[tuple[cst.BaseStatement, object, str]] = []
    streams: dict[int, cst.Call] = {}  # id(assignment) -> its call (gets stream_options)
    loops: dict[int, str] = {}  # id(for loop over a stream) -> its target name
    uses: list[tuple[cst.BaseExpression, object]] = []
    where: dict[int, cst.CSTNode] = {}  # id(use) -> its statement (for the reason of a refusal)
    slots = list(statement_slots(func))
    wrappers = _Wrappers(module, table, tops, reader.file.module)
    for stmt, slot in slots:
        if isinstance(stmt, cst.SimpleStatementLine):
            found = _litellm_assignment(stmt, table, tops, reader.file.module, wrappers)
            if found is not None and not found[2]:
                calls.append((stmt, slot, found[0]))
            elif found is not None:
                loop = _consuming_loop(slots, slot, found[0])
                if litellm_name is None:
                    raise CannotFix("the module does not `import litellm` (needed for stream_chunk_builder)")
                streams[id(stmt)] = found[1]
                loops[id(loop[0])] = loop[0].target.value  # type: ignore[attr-defined]
                messages = _keyword(found[1], "messages")
                rebuilt = f"{litellm_name}.stream_chunk_builder({chunks_var}, messages={messages})"
                calls.append((loop[0], loop[1], rebuilt))
            uses.extend((n, slot) for n in _storage_uses(stmt, storage, table, tops, reader.file.module))
            where.update((id(n), stmt) for n, _ in uses[len(where):])
        else:
            for header in _headers(stmt):
                uses.extend((n, slot) for n in _storage_uses(header, storage, table, tops, reader.file.module))
                where.update((id(n), header) for n, _ in uses[len(where):])
    if not calls:
        raise CannotFix("no `x = litellm.completion(...)` in the reading function to take the response from")
    if not uses:
        raise CannotFix("the storage is not used in the reading function")
    # an if/else whose every branch makes a call covers what follows it, like one call
    covering = [(c_slot, (id(s),)) for s, c_slot, _r in calls] + _joins(slots, {id(s) for s, _sl, _r in calls})
    needed: set[int] = set()
    for node, slot in uses:
        covers = [ids for c_slot, ids in covering if dominates(c_slot, slot)]  # type: ignore[arg-type]
        if not covers:
            raise CannotFix(
                f"`{_snippet(where.get(id(node), node))}` is not preceded on every path by a litellm call whose response is "
                "assigned to a name (assign the response to a name, or move the read after the call)"
            )
        needed.update(i for ids in covers for i in ids)
    inserts = {id(s): r for s, _slot, r in calls if id(s) in needed}
    replace = {id(n) for n, _slot in uses}
    rewrite = _ReaderRewrite(inserts, replace, data_var, helper, kind)
    rewrite.streams, rewrite.loops, rewrite.chunks = streams, loops, chunks_var
    new_func = func.visit(rewrite)
    if rewrite.handled != replace:
        raise CannotFix(f"`{store_name}` is used in the reader other than through its values")
    return module.deep_replace(func, new_func)  # type: ignore[return-value]


class _ReaderRewrite(cst.CSTTransformer):
    """Uses of the storage -> the local dict: ``STORE`` (dict), ``TL.attr`` / ``getattr(TL,
    "attr", d)`` / ``hasattr(TL, "attr")`` (threading.local), ``CV.get(d)`` (ContextVar)."""

    def __init__(self, inserts: dict[int, str], replace: set[int], data_var: str, helper: str, kind: str) -> None:
        self.inserts, self.replace, self.data_var, self.helper, self.kind = inserts, replace, data_var, helper, kind
        self.handled: set[int] = set()
        self.streams: dict[int, cst.Call] = {}
        self.loops: dict[int, str] = {}
        self.chunks = "chunks"
        self._stream_calls = set()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if id(node) in self.streams:
            self._stream_calls.add(id(self.streams[id(node)]))
        return True

    def leave_For(self, original: cst.For, updated: cst.For) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if id(original) not in self.loops:
            return updated
        append = cst.parse_statement(f"{self.chunks}.append({self.loops[id(original)]})")
        body = updated.body.with_changes(body=[append] + list(updated.body.body))  # type: ignore[union-attr]
        updated = updated.with_changes(body=body)
        response = self.inserts.get(id(original))
        if response is None:
            return updated
        return cst.FlattenSentinel([updated, cst.parse_statement(f"{self.data_var} = {self.helper}({response})")])

    def _use(self, node: cst.CSTNode) -> bool:
        if id(node) in self.replace:
            self.handled.add(id(node))
            return True
        return False

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if self.kind == "dict" and self._use(original):
            return cst.Name(self.data_var)
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if self.kind == "dict" and self._use(original):
            return cst.Name(self.data_var)
        if self.kind == "thread-local" and self._use(original.value):
            return _item(self.data_var, original.attr.value)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if id(original) in self._stream_calls and _keyword(original, "stream_options") is None:
            # usage only reaches the rebuilt response when the stream includes it
            extra = cst.Arg(
                cst.parse_expression('{"include_usage": True}'),
                keyword=cst.Name("stream_options"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            return updated.with_changes(args=[*updated.args, extra])
        func, args = original.func, original.args
        if self.kind == "thread-local" and isinstance(func, cst.Name) and func.value in ("getattr", "hasattr"):
            key = _literal(args[1].value) if len(args) > 1 else None
            if key is not None and self._use(args[0].value):
                if func.value == "hasattr":
                    return cst.Comparison(cst.SimpleString(json.dumps(key)), [cst.ComparisonTarget(cst.In(), cst.Name(self.data_var))])
                rest = [a.value for a in updated.args[2:3]]
                return _get(self.data_var, key, rest[0] if rest else None)
        if self.kind == "contextvar" and isinstance(func, cst.Attribute) and func.attr.value == "get":
            if self._use(func.value):
                return _get(self.data_var, "value", updated.args[0].value if updated.args else None)
        return updated

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if id(original) in self.streams:
            return cst.FlattenSentinel([updated, cst.parse_statement(f"{self.chunks} = []")])
        response = self.inserts.get(id(original))
        if response is None:
            return updated
        extra = cst.parse_statement(f"{self.data_var} = {self.helper}({response})")
        return cst.FlattenSentinel([updated, extra])


def _get(var: str, key: str, default: cst.BaseExpression | None) -> cst.Call:
    args = [cst.Arg(cst.SimpleString(json.dumps(key)))] + ([cst.Arg(default)] if default is not None else [])
    return cst.Call(cst.Attribute(cst.Name(var), cst.Name("get")), args)


def _consuming_loop(slots: list, call_slot: object, response: str) -> tuple[cst.For, object]:
    """The ``[async] for chunk in resp:`` loop that consumes a stream, after the call on every path."""
    for stmt, slot in slots:
        if (
            isinstance(stmt, cst.For)
            and isinstance(stmt.iter, cst.Name)
            and stmt.iter.value == response
            and isinstance(stmt.target, cst.Name)
            and dominates(call_slot, slot)  # type: ignore[arg-type]
        ):
            return stmt, slot
    raise CannotFix("the stream is not consumed by a `[async] for chunk in response:` loop in the same function")


def _keyword(call: cst.Call, name: str) -> str | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return cst.Module([]).code_for_node(arg.value)
    return None


def _litellm_assignment(
    stmt: cst.SimpleStatementLine, table: dict[str, str], tops: set[str], module: str, wrappers: _Wrappers | None = None
) -> tuple[str, cst.Call, bool] | None:
    """(the expression that gives the response, the call, streams?) for ``resp = [await]
    litellm.completion(...)``, or a call of a function of the module that returns one. A batch
    call returns a list; the callback's storage then holds one item's values, the last's."""
    if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
        return None
    assign = stmt.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return None
    value = assign.value.expression if isinstance(assign.value, cst.Await) else assign.value
    if not isinstance(value, cst.Call):
        return None
    name = assign.targets[0].target.value
    callee = qualified(value.func, table, module, tops)
    if not cat.is_litellm_call(callee):
        if wrappers is not None and isinstance(value.func, cst.Name) and wrappers.returns_response(value.func.value):
            return name, value, False
        return None
    stream = _streams(value)
    if callee in cat.LITELLM_BATCH_CALLS:
        return f"{name}[-1]", value, stream
    return name, value, stream


def _streams(call: cst.Call) -> bool:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "stream":
            if not isinstance(arg.value, cst.Name) or arg.value.value not in ("True", "False"):
                raise CannotFix("the call may or may not stream (stream= is not a literal)")
            return arg.value.value == "True"
    return False


class _Wrappers:
    """Functions of the reader's module that return what a (non-streaming) litellm call returned:
    ``resp = litellm.completion(**kw); ...; return resp``, every return on every path."""

    def __init__(self, module: cst.Module, table: dict[str, str], tops: set[str], name: str) -> None:
        self.module, self.table, self.tops, self.name = module, table, tops, name
        self.memo: dict[str, bool] = {}

    def returns_response(self, func_name: str) -> bool:
        if func_name not in self.memo:
            self.memo[func_name] = False  # recursion guard
            self.memo[func_name] = self._check(func_name)
        return self.memo[func_name]

    def _check(self, func_name: str) -> bool:
        func = next((s for s in self.module.body if isinstance(s, cst.FunctionDef) and s.name.value == func_name), None)
        if func is None or func.asynchronous is not None or any(isinstance(n, (cst.Yield, cst.Lambda)) for n in walk(func.body)):
            return False
        slots = list(statement_slots(func))
        made: list[tuple[str, object]] = []
        returns: list[tuple[cst.Return, object]] = []
        for stmt, slot in slots:
            if isinstance(stmt, cst.SimpleStatementLine):
                found = _litellm_assignment(stmt, self.table, self.tops, self.name, None)
                if found is not None and not found[2] and found[0].isidentifier():
                    made.append((found[0], slot))
                returns.extend((s, slot) for s in stmt.body if isinstance(s, cst.Return))
        if not returns or not isinstance(func.body.body[-1], cst.SimpleStatementLine) or not any(
            isinstance(s, cst.Return) for s in func.body.body[-1].body
        ):
            return False  # falls off the end somewhere: returns None
        for ret, slot in returns:
            value = ret.value
            if not isinstance(value, cst.Name) or _binds_of(func, value.value) != sum(1 for n, _ in made if n == value.value):
                return False  # returns something else, or a name also bound otherwise
            if not any(n == value.value and dominates(m_slot, slot) for n, m_slot in made):  # type: ignore[arg-type]
                return False
        return True


def _binds_of(func: cst.FunctionDef, name: str) -> int:
    """How many statements of ``func`` bind ``name`` (any binding form; nested scopes too, to be safe)."""
    count = 0
    for n in walk(func.body):
        if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name) and n.target.value == name:
            count += 1
        elif isinstance(n, (cst.AugAssign, cst.AnnAssign, cst.For, cst.AsName, cst.NamedExpr, cst.CompFor)):
            target = n.name if isinstance(n, cst.AsName) else n.target
            if _mentions(target, name):
                count += 1000  # never equal to the number of litellm assignments
        elif isinstance(n, cst.AssignTarget) and _mentions(n.target, name):
            count += 1000
    return count


def _joins(slots: list, producers: set[int]) -> list[tuple[object, tuple[int, ...]]]:
    """(slot, producing statements) for each ``if``/``elif``/``else`` whose every branch makes a
    call at its top level: after it, one of those calls has run on every path."""
    out = []
    for stmt, slot in slots:
        if isinstance(stmt, cst.If):
            ids = _branch_calls(stmt, producers)
            if ids:
                out.append((slot, ids))
    return out


def _branch_calls(stmt: cst.If, producers: set[int]) -> tuple[int, ...] | None:
    ids: list[int] = []
    node: cst.If | cst.Else | None = stmt
    while isinstance(node, cst.If):
        made = [id(s) for s in node.body.body if id(s) in producers]  # type: ignore[union-attr]
        if not made:
            return None
        ids.extend(made)
        node = node.orelse  # type: ignore[assignment]
    if node is None:
        return None  # no else: a path skips every call
    made = [id(s) for s in node.body.body if id(s) in producers]  # type: ignore[union-attr]
    return tuple(ids + made) if made else None


def _snippet(node: cst.CSTNode) -> str:
    """The use, as written (positions would need libcst's position map: seconds on a large file)."""
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _headers(stmt: cst.BaseStatement) -> list[cst.CSTNode]:
    if isinstance(stmt, (cst.If, cst.While)):
        return [stmt.test]
    if isinstance(stmt, cst.For):
        return [stmt.iter, stmt.target]
    if isinstance(stmt, cst.With):
        return list(stmt.items)
    return []


def _storage_uses(
    node: cst.CSTNode, storage: str, table: dict[str, str], tops: set[str], module: str
) -> list[cst.BaseExpression]:
    """Name / Attribute nodes that denote the storage (not attribute names, not keywords)."""
    out: list[cst.BaseExpression] = []
    todo: list[cst.CSTNode] = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, (cst.Name, cst.Attribute)):
            if qualified(n, table, module, tops) == storage:
                out.append(n)
                continue
            if isinstance(n, cst.Attribute):
                todo.append(n.value)
                continue
            continue
        if isinstance(n, cst.Arg):
            todo.append(n.value)
            continue
        todo.extend(n.children)
    return out


def _free_local(func: cst.FunctionDef, wanted: str) -> str:
    used = {n.value for n in walk(func) if isinstance(n, cst.Name)}
    name, k = wanted, 2
    while name in used:
        name, k = f"{wanted}_{k}", k + 1
    return name
