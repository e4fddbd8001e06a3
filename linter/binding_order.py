"""Module-level names used before the module binds them, found statically (user code is never
imported): what a rewrite must not introduce. A codemod that puts ``contextvars.ContextVar(...)``
above the file's own late ``import contextvars`` leaves a module that compiles and raises
``NameError`` on import (../shared/cases/real-code-faults/fix-must-not-break-imports).

Only names the module binds somewhere at top level count: a name bound nowhere may come from a
star import or builtins, and a later binding is what turns a use into "before". Code that runs
later (function bodies, lambdas) is not a use at import time; decorators, defaults, base
classes, class bodies and comprehensions are.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True, slots=True)
class EarlyUse:
    name: str
    line: int  # where it is used
    bound_at: int  # the first line that binds it


def early_uses(text: str) -> list[EarlyUse]:
    """Every use at import time of a module-level name before its first binding."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lazy_annotations = any(
        isinstance(s, ast.ImportFrom) and s.module == "__future__" and any(a.name == "annotations" for a in s.names)
        for s in tree.body
    )
    first: dict[str, int] = {}
    for stmt in _module_level(tree.body):
        for name in _binds(stmt):
            first.setdefault(name, stmt.lineno)
    out: list[EarlyUse] = []
    bound: set[str] = set()
    for stmt in _module_level(tree.body):
        for node in _import_time_loads(stmt, lazy_annotations):
            name = node.id
            if name not in bound and name in first and name not in _BUILTINS and first[name] >= node.lineno:
                out.append(EarlyUse(name, node.lineno, first[name]))
        bound.update(_binds(stmt))
    return out


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements that run at import, in order, compound ones' blocks flattened after their
    header (the header is checked as its own statement: its test or iterable)."""
    out: list[ast.stmt] = []
    for stmt in body:
        out.append(stmt)
        if isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            out.extend(_module_level(stmt.body))
            out.extend(_module_level(getattr(stmt, "orelse", [])))
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            out.extend(_module_level(stmt.body))  # type: ignore[attr-defined]
            for h in stmt.handlers:  # type: ignore[attr-defined]
                out.extend(_module_level(h.body))
            out.extend(_module_level(stmt.orelse))  # type: ignore[attr-defined]
            out.extend(_module_level(stmt.finalbody))  # type: ignore[attr-defined]
    return out


def _binds(stmt: ast.stmt) -> set[str]:
    """Names a statement binds at module level (its own header only, not its blocks)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"}
    if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
        return {h.name for h in stmt.handlers if h.name}  # type: ignore[attr-defined]
    targets: list[ast.AST] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in stmt.items if i.optional_vars is not None]
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    for node in _header_nodes(stmt):  # walrus in a module-level expression
        names.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name))
    return names


def _header_nodes(stmt: ast.stmt) -> list[ast.AST]:
    """The parts of a statement that run when it does (not its blocks, not function bodies)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [*stmt.decorator_list]
    if isinstance(stmt, ast.ClassDef):
        return [*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords), *stmt.body]
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [i.context_expr for i in stmt.items]
    if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
        return [h.type for h in stmt.handlers if h.type is not None]  # type: ignore[attr-defined]
    return [stmt]


def _import_time_loads(stmt: ast.stmt, lazy_annotations: bool) -> list[ast.Name]:
    roots = _header_nodes(stmt)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = stmt.args
        roots += [*a.defaults, *(d for d in a.kw_defaults if d is not None)]
        if not lazy_annotations:
            roots += [x.annotation for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)
                      if x is not None and x.annotation is not None]
            roots += [stmt.returns] if stmt.returns is not None else []
    out: list[ast.Name] = []
    local: set[str] = set()  # comprehension variables and class-body names shadow the module's
    todo = list(roots)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Lambda):
            todo.extend([*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)])
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):  # a method: header only
            todo.extend([*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)])
            local.add(node.name)
            continue
        if isinstance(node, ast.comprehension):
            local.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                out.append(node)
            else:
                local.add(node.id)
            continue
        if isinstance(node, ast.AnnAssign) and lazy_annotations:
            todo.extend(x for x in (node.target, node.value) if x is not None)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return [n for n in out if n.id not in local]
