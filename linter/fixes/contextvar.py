"""Contextvar codemod for LLM008: module-level per-request state becomes a ``ContextVar``.

    current_user = None                    current_user = contextvars.ContextVar("current_user", default=None)
    def tag(): return current_user   ->    def tag(): return current_user.get()
    global current_user                    (dropped)
    current_user = user                    current_user.set(user)
    REQUEST["tenant"] = t                  REQUEST.set({**REQUEST.get(), "tenant": t})

Every asyncio task runs in its own copy of the context and every thread has its own, so a value
set for one request is seen on that request's flow only. Item writes are copy-on-write: a dict
held by a ContextVar may be shared with the contexts it was copied into, so it is never mutated.

Provable subset (otherwise "no automatic fix: <reason>"): the state is bound once at module top
level by a plain assignment; every other use is a read, a rebinding under ``global`` (or
``module.NAME = v``), an item assignment or augmented assignment with one target; no mutating
method (``.update()``, ``.append()``...), ``del``, attribute write or alias of a mutable value
(``ctx = REQUEST``); no star import of the module; no reader runs in a thread that a writer starts
(a plain thread or executor does not inherit the caller's context).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import GlobalScope, MetadataWrapper, ParentNodeProvider, ScopeProvider

from linter.analysis.catalog import MUTATING_METHODS
from linter.analysis.names import dotted
from linter.analysis.relative import resolve_relative
from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources
from linter.fixes.cst_tools import import_table, is_docstring, is_future_import, qualified, top_level_names, walk
from linter.payloads import RequestState
from linter.project import Func, ProjectIndex

CODES = ("LLM008",)
TITLE = "Keep the per-request value in a contextvars.ContextVar"
SAFETY = "unsafe"

_CONTEXT_FOLLOWS = ("asyncio", "to_thread", "task")  # spawns that copy the caller's context
_DICT_MUTATORS = MUTATING_METHODS | {"update", "setdefault", "pop", "popitem", "clear", "__setitem__"}


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    state = diag.payload
    if not isinstance(state, RequestState):
        # the findings without one are no request's value read back on its own flow: a table
        # keyed by a shared counter, or a value one UI event handler leaves for the others (a
        # ContextVar would keep it from them: it belongs in the visitor's session state)
        return NoFix("not one request's value read back on its own flow: a ContextVar would not keep it per request")
    try:
        qual = state.storage
        hit = index.binding(qual)
        if hit is None:
            raise CannotFix(f"cannot find the definition of {qual}")
        owner, binding, _ = hit
        name = qual.rsplit(".", 1)[-1]
        if binding.scope == "class":
            raise CannotFix(f"`{name}` is class-level storage: the codemod rewrites module-level state only")
        _check_threads(index, qual)
        files: dict[str, str] = {}
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        for display in sorted(sources.paths):
            try:
                text = sources.text(display)
            except (OSError, UnicodeError, LookupError):
                continue  # undecodable (reported as LLM000): cannot refer to the state
            if display != owner.path and not pattern.search(text):
                continue
            facts = next((f for f in index.files if f.path == display), None)
            module_name = facts.module if facts is not None else ""
            is_package = facts.is_package if facts is not None else False
            if display != owner.path and facts is None:
                # not analysed: decide from the file itself whether it imports the state
                module_name, is_package = _module_of(display, sources)
            try:
                module = sources.module(display)
            except cst.ParserSyntaxError:
                raise CannotFix(f"{display} mentions `{name}` but does not parse") from None
            new = _rewrite_module(
                module, display == owner.path, name, qual, module_name, is_package, binding.kind == "mutable"
            )
            if new is not None:
                files[display] = new
        if owner.path not in files:
            raise CannotFix(f"cannot rewrite the definition of {name}")
        return Rewrite(files, TITLE)
    except CannotFix as e:
        return NoFix(str(e))


def _module_of(display: str, sources: Sources) -> tuple[str, bool]:
    path = display.removesuffix(".py").replace("\\", "/")
    is_package = path.endswith("/__init__") or path == "__init__"
    return path.removesuffix("/__init__").replace("/", "."), is_package


def _check_threads(index: ProjectIndex, qual: str) -> None:
    """A reader started on a plain thread by a writer would see the default, not the value."""
    for func in index.functions.values():
        if not any(index.storage_name(a.target) == qual for a in func.facts.writes):
            continue
        for ref, how in func.facts.spawns:
            if any(k in how for k in _CONTEXT_FOLLOWS):
                continue
            target = index.resolve_function(ref, func)
            if target is not None and _reads_within(index, target, qual, 4, set()):
                raise CannotFix(
                    f"{target.facts.qualname} reads it on a {how} started by {func.facts.qualname}; "
                    "a plain thread does not inherit the caller's context (pass the value, or use contextvars.copy_context().run)"
                )


def _reads_within(index: ProjectIndex, func: Func, qual: str, depth: int, seen: set[str]) -> bool:
    if func.id in seen:
        return False
    seen.add(func.id)
    if any(index.storage_name(a.target) == qual for a in func.facts.reads):
        return True
    if depth <= 0:
        return False
    for call in func.facts.calls:
        callee = index.resolve_function(call.callee, func)
        if callee is not None and _reads_within(index, callee, qual, depth - 1, seen):
            return True
    return False


# ------------------------------------------------------------------------------ one module
@dataclass
class _Plan:
    """What happens to each node of one module (by identity)."""

    definition: int = 0  # the module-level Assign/AnnAssign statement
    gets: set[int] = field(default_factory=set)  # reference nodes -> ``X.get()``
    sets: dict[int, str] = field(default_factory=dict)  # Assign/AugAssign statement -> how
    globals_: set[int] = field(default_factory=set)  # Global statements naming the state


def _rewrite_module(
    module: cst.Module, defines: bool, name: str, qual: str, module_name: str, is_package: bool, mutable: bool
) -> str | None:
    owner_module = qual.rsplit(".", 1)[0]
    if not defines and not _may_refer(import_table(module, module_name, is_package), module, qual, module_name):
        return None  # scope analysis of a large module costs seconds: only where a reference can be
    wrapper = MetadataWrapper(module)
    scopes = wrapper.resolve(ScopeProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    tree = wrapper.module
    table = import_table(tree, module_name, is_package)
    for node in walk(tree):
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            source = resolve_relative(module_name, is_package, len(node.relative), dotted(node.module) or "" if node.module else "")
            if source == owner_module:
                raise CannotFix(f"{module_name} star-imports {owner_module}, which defines `{name}`")
    glob = next((s for s in scopes.values() if isinstance(s, GlobalScope)), None)
    if glob is None:
        return None
    plan = _Plan()
    refs: list[cst.CSTNode] = []
    if defines:
        top: list[cst.CSTNode] = []
        for a in glob.assignments[name]:
            stmt = _statement(a.node, parents) if isinstance(a.node, cst.Name) else None
            if stmt is None:
                raise CannotFix(f"`{name}` is bound by `{_code(tree, a.node)}`, which the codemod cannot rewrite")
            if isinstance(parents.get(parents.get(stmt)), cst.Module):
                top.append(stmt)
            else:
                plan.sets[id(stmt)] = "augmented" if isinstance(stmt, cst.AugAssign) else "rebind"
            refs.extend(access.node for access in a.references)
        if len(top) != 1 or not isinstance(top[0], (cst.Assign, cst.AnnAssign)):
            raise CannotFix(f"`{name}` must be bound exactly once at the top of its module, by a plain assignment")
        plan.definition = id(top[0])
        for node in walk(tree):
            if isinstance(node, cst.Global) and any(n.name.value == name for n in node.names):
                plan.globals_.add(id(node))
    else:
        for local, target in table.items():
            if target != qual:
                continue
            for a in glob.assignments[local]:
                if not isinstance(a.node, (cst.Import, cst.ImportFrom, cst.ImportAlias)):
                    raise CannotFix(f"{module_name} rebinds its imported `{local}`")
                refs.extend(access.node for access in a.references)
    names = top_level_names(tree)
    refs.extend(n for n in walk(tree) if isinstance(n, cst.Attribute) and qualified(n, table, module_name, names) == qual)
    if not refs and not defines:
        return None
    seen: set[int] = set()
    for ref in refs:
        if id(ref) not in seen:
            seen.add(id(ref))
            _classify(ref, parents, plan, name, mutable, tree)
    return tree.visit(_Apply(plan, name, defines)).code


def _may_refer(table: dict[str, str], module: cst.Module, qual: str, module_name: str) -> bool:
    """A module that imports neither the state nor a module or package above it, star-imports
    nothing and is not above it itself has no name that can reach it."""
    return (
        any(target == qual or qual.startswith(target + ".") for target in table.values())
        or qual.startswith(module_name + ".")
        or _STAR_IMPORT.search(module.code) is not None
    )


_STAR_IMPORT = re.compile(r"\bimport[ \t\\(]*\*")


def _classify(ref: cst.CSTNode, parents, plan: _Plan, name: str, mutable: bool, tree: cst.Module) -> None:
    parent = parents.get(ref)
    if isinstance(parent, cst.AssignTarget) and isinstance(ref, cst.Attribute):
        stmt = parents[parent]
        if len(stmt.targets) != 1:
            raise CannotFix(f"`{_code(tree, stmt)}` assigns several targets")
        plan.sets[id(stmt)] = "rebind"
        return
    if isinstance(parent, cst.AugAssign) and parent.target is ref:
        plan.sets[id(parent)] = "augmented"
        return
    if isinstance(parent, cst.Subscript) and parent.value is ref:
        holder = parents.get(parent)
        if isinstance(holder, cst.AssignTarget):
            stmt = parents[holder]
            if len(stmt.targets) != 1 or len(parent.slice) != 1 or not isinstance(parent.slice[0].slice, cst.Index):
                raise CannotFix(f"`{_code(tree, stmt)}` is not a single item assignment")
            plan.sets[id(stmt)] = "item"
            return
        if isinstance(holder, cst.AugAssign) and holder.target is parent:
            if len(parent.slice) != 1 or not isinstance(parent.slice[0].slice, cst.Index):
                raise CannotFix(f"`{_code(tree, holder)}` is not a single item assignment")
            plan.sets[id(holder)] = "item-augmented"
            return
        if _in_del(parent, parents) or _is_target(parent, parents):
            raise CannotFix(f"`{name}` has items deleted or bound in a way the codemod cannot rewrite")
        plan.gets.add(id(ref))
        return
    if isinstance(parent, cst.Attribute) and parent.value is ref:
        method = parent.attr.value
        call = parents.get(parent)
        if isinstance(call, cst.Call) and call.func is parent and method in _DICT_MUTATORS:
            raise CannotFix(f"`{name}.{method}(...)` mutates the shared value in place")
        if _is_target(parent, parents) or _in_del(parent, parents):
            raise CannotFix(f"`{name}.{method}` is assigned: the value is mutated in place")
        plan.gets.add(id(ref))
        return
    if isinstance(parent, cst.WithItem):
        raise CannotFix(f"`{name}` is used as a context manager (a lock or resource shared on purpose)")
    if _in_del(ref, parents) or _is_target(ref, parents):
        raise CannotFix(f"`{name}` is deleted or bound in a way the codemod cannot rewrite")
    if mutable and isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is ref:
        raise CannotFix(f"`{_code(tree, parent)}` aliases the mutable value (changes through the alias would be shared)")
    plan.gets.add(id(ref))


def _is_target(node: cst.CSTNode, parents) -> bool:
    parent = parents.get(node)
    return isinstance(parent, (cst.AssignTarget, cst.For, cst.AsName, cst.CompFor)) and (
        not isinstance(parent, (cst.For, cst.CompFor)) or parent.target is node
    )


def _in_del(node: cst.CSTNode, parents) -> bool:
    while node is not None and not isinstance(node, cst.BaseSmallStatement):
        node = parents.get(node)
    return isinstance(node, cst.Del)


def _statement(node: cst.CSTNode, parents) -> cst.CSTNode | None:
    """The Assign/AnnAssign/AugAssign whose target is ``node`` (a Name), else None."""
    parent = parents.get(node)
    if isinstance(parent, cst.AssignTarget):
        stmt = parents[parent]
        return stmt if len(stmt.targets) == 1 else None
    if isinstance(parent, cst.AnnAssign) and parent.target is node and parent.value is not None:
        return parent
    if isinstance(parent, cst.AugAssign) and parent.target is node:
        return parent
    return None


def _code(tree: cst.Module, node: cst.CSTNode) -> str:
    return tree.code_for_node(node).strip().splitlines()[0] if isinstance(node, cst.CSTNode) else "?"


def _get(expr: cst.BaseExpression) -> cst.Call:
    return cst.Call(cst.Attribute(expr, cst.Name("get")))


def _set(expr: cst.BaseExpression, value: cst.BaseExpression) -> cst.Expr:
    return cst.Expr(cst.Call(cst.Attribute(expr, cst.Name("set")), [cst.Arg(value)]))


class _Apply(cst.CSTTransformer):
    def __init__(self, plan: _Plan, name: str, defines: bool) -> None:
        self.plan = plan
        self.name = name
        self.defines = defines

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return _get(updated) if id(original) in self.plan.gets else updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        return _get(updated) if id(original) in self.plan.gets else updated

    def leave_Global(self, original: cst.Global, updated: cst.Global):
        if id(original) not in self.plan.globals_:
            return updated
        names = [n for n in updated.names if n.name.value != self.name]
        if not names:
            return cst.RemoveFromParent()
        return updated.with_changes(names=[n.with_changes(comma=cst.MaybeSentinel.DEFAULT) for n in names])

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        if id(original) == self.plan.definition:
            return updated.with_changes(value=_contextvar(self.name, updated.value))
        how = self.plan.sets.get(id(original))
        if how == "rebind":
            return _set(_target_expr(original.targets[0].target), updated.value)
        if how == "item":
            sub = original.targets[0].target
            assert isinstance(sub, cst.Subscript)
            return _set(sub.value, _copy_with(sub, updated.value))
        return updated

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign):
        if id(original) == self.plan.definition and updated.value is not None:
            return cst.Assign([cst.AssignTarget(updated.target)], _contextvar(self.name, updated.value))
        return updated

    def leave_AugAssign(self, original: cst.AugAssign, updated: cst.AugAssign):
        how = self.plan.sets.get(id(original))
        op = _binary(original.operator)
        if how in ("rebind", "augmented"):
            target = _target_expr(original.target)
            return _set(target, cst.BinaryOperation(_get(target), op, updated.value))
        if how == "item-augmented":
            sub = original.target
            assert isinstance(sub, cst.Subscript)
            current = cst.Subscript(_get(sub.value), sub.slice)
            return _set(sub.value, _copy_with(sub, cst.BinaryOperation(current, op, updated.value)))
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if not self.defines or _has_import_contextvars(updated):
            return updated  # imported before its first use at module level
        body = list(updated.body)
        imp = cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.Name("contextvars"))])])
        first = next((i for i, st in enumerate(body) if _is_import(st) and not is_future_import(st)), None)
        if first is not None:  # first in the import block, taking over its leading blank lines
            body[first:first] = [imp.with_changes(leading_lines=body[first].leading_lines)]
            body[first + 1] = body[first + 1].with_changes(leading_lines=())
        else:
            at = next((i for i, st in enumerate(body) if not ((i == 0 and is_docstring(st)) or is_future_import(st))), len(body))
            body.insert(at, imp)
        return updated.with_changes(body=body)


def _target_expr(node: cst.BaseExpression) -> cst.BaseExpression:
    """The target of a rebinding, without the ``.get()`` its reference may have been given."""
    return node.deep_clone()


def _copy_with(sub: cst.Subscript, value: cst.BaseExpression) -> cst.Dict:
    key = sub.slice[0].slice
    assert isinstance(key, cst.Index)
    return cst.Dict([cst.StarredDictElement(_get(sub.value)), cst.DictElement(key.value, value)])


def _contextvar(name: str, default: cst.BaseExpression) -> cst.Call:
    return cst.Call(
        cst.Attribute(cst.Name("contextvars"), cst.Name("ContextVar")),
        [cst.Arg(cst.SimpleString(f'"{name}"')), cst.Arg(default, keyword=cst.Name("default"), equal=_EQUAL)],
    )


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
_AUG_TO_BINARY = {
    cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract, cst.MultiplyAssign: cst.Multiply,
    cst.DivideAssign: cst.Divide, cst.FloorDivideAssign: cst.FloorDivide, cst.ModuloAssign: cst.Modulo,
    cst.PowerAssign: cst.Power, cst.BitOrAssign: cst.BitOr, cst.BitAndAssign: cst.BitAnd,
    cst.BitXorAssign: cst.BitXor, cst.LeftShiftAssign: cst.LeftShift, cst.RightShiftAssign: cst.RightShift,
    cst.MatrixMultiplyAssign: cst.MatrixMultiply,
}


def _binary(op: cst.BaseAugOp) -> cst.BaseBinaryOp:
    return _AUG_TO_BINARY[type(op)]()


def _has_import_contextvars(module: cst.Module) -> bool:
    """``import contextvars`` at module level before any module-level statement uses the name (a
    late import, below the rewritten definition, does not count: the module would raise
    NameError on import)."""
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    isinstance(a.name, cst.Name) and a.name.value == "contextvars" and a.asname is None for a in small.names
                ):
                    return True
            if any(isinstance(n, cst.Name) and n.value == "contextvars" for n in walk(stmt)):
                return False
    return False


def _is_import(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


