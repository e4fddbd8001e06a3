"""Small libcst helpers shared by the codemods: find a function by qualified name, resolve
names through a module's imports, and decide whether one statement always runs before another."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from linter.analysis.names import add_import, dotted
from linter.fixes import CannotFix


def walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Every node under ``node`` (iteratively: deep code does not exhaust the recursion limit).
    Children are read from the node's fields: libcst's ``children`` rebuilds each node to list
    them, seconds on a 10,000-line module."""
    out, todo = [], [node]
    while todo:
        n = todo.pop()
        out.append(n)
        for name in _node_fields(type(n)):
            value = getattr(n, name)
            if isinstance(value, cst.CSTNode):
                todo.append(value)
            elif isinstance(value, (list, tuple)):
                todo.extend(v for v in value if isinstance(v, cst.CSTNode))
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}


def _node_fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


KWARGS_FROM_RESPONSE = frozenset(["response_cost", "model"])


def kwargs_keys(node: cst.CSTNode, kwargs_name: str) -> set[str] | None:
    """The keys a callback reads from its ``kwargs`` argument, if all of them can be taken from
    the response (``kwargs.get("response_cost")``, ``kwargs["model"]``); None otherwise."""
    keys: set[str] = set()
    allowed: set[int] = set()
    for n in walk(node):
        key = None
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "get":
            if dotted(n.func.value) == kwargs_name and n.args and isinstance(n.args[0].value, cst.SimpleString):
                key, owner = n.args[0].value.evaluated_value, n.func.value
        elif isinstance(n, cst.Subscript) and dotted(n.value) == kwargs_name and len(n.slice) == 1:
            sl = n.slice[0].slice
            if isinstance(sl, cst.Index) and isinstance(sl.value, cst.SimpleString):
                key, owner = sl.value.evaluated_value, n.value
        if key in KWARGS_FROM_RESPONSE:
            keys.add(key)  # type: ignore[arg-type]
            allowed.add(id(owner))
    for n in walk(node):
        if isinstance(n, cst.Name) and n.value == kwargs_name and id(n) not in allowed:
            return None
    return keys


def find_function(module: cst.Module, qualname: str) -> cst.FunctionDef:
    """The FunctionDef for ``func``, ``Class.method`` or ``outer.<locals>.inner``."""
    parts = qualname.replace(".<locals>.", ".").split(".")
    body: list[cst.CSTNode] = list(module.body)
    node: cst.CSTNode | None = None
    for part in parts:
        node = next(
            (s for s in body if isinstance(s, (cst.FunctionDef, cst.ClassDef)) and s.name.value == part),
            None,
        )
        if node is None:
            raise CannotFix(f"cannot find {qualname}")
        body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
    if not isinstance(node, cst.FunctionDef):
        raise CannotFix(f"{qualname} is not a function")
    return node


_BLOCK_PARTS = ("body", "handlers", "orelse", "finalbody", "cases")  # in source order


def import_table(module: cst.Module, module_name: str, is_package: bool) -> dict[str, str]:
    """Local name -> qualified name for every import in the module (any depth), a copy the
    caller may change. Only statements are walked: an import is one, and libcst's
    ``children`` of every node cost ~2 s on a 10,000-line module. The last few modules'
    tables are kept: one module is asked for again per finding in it."""
    key = (id(module), module_name, is_package)
    hit = _TABLES.get(key)
    if hit is None or hit[0] is not module:
        hit = _TABLES[key] = (module, _import_table(module, module_name, is_package))
        while len(_TABLES) > 16:
            del _TABLES[next(iter(_TABLES))]
    return dict(hit[1])


_TABLES: dict[tuple[int, str, bool], tuple[cst.Module, dict[str, str]]] = {}


def _import_table(module: cst.Module, module_name: str, is_package: bool) -> dict[str, str]:
    table: dict[str, str] = {}
    todo: list[object] = [module]
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            add_import(table, node, module_name, is_package)
        elif isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            todo.extend(node.body)
        elif isinstance(node, (list, tuple)):
            todo.extend(node)
        elif isinstance(node, cst.CSTNode) and not isinstance(node, cst.BaseExpression):
            todo.extend(part for name in _BLOCK_PARTS if (part := getattr(node, name, None)) is not None)
    return table


def qualified(node: cst.BaseExpression, table: dict[str, str], module_name: str, top_names: set[str]) -> str | None:
    """``pkg.mod.NAME`` for a Name/Attribute chain, through imports or the module's own names."""
    text = dotted(node)
    if text is None:
        return None
    root, _, rest = text.partition(".")
    if root in table:
        full = table[root]
    elif root in top_names:
        full = f"{module_name}.{root}"
    else:
        return None
    return f"{full}.{rest}" if rest else full


def top_level_names(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    for t in small.targets:
                        if isinstance(t.target, cst.Name):
                            names.add(t.target.value)
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    names.add(small.target.value)
    return names


# ----------------------------------------------------------------------- statement positions
@dataclass(frozen=True, slots=True)
class Slot:
    """Where a statement sits: the chain of (block owner, field, index) from the function body."""

    path: tuple[tuple[int, str, int], ...]  # (id(owner), field name, index in that block)
    always: tuple[bool, ...]  # per level below the first: does this block always run?


def statement_slots(func: cst.FunctionDef) -> Iterator[tuple[cst.BaseStatement, Slot]]:
    """Every statement of ``func`` (not of nested functions or classes) with its slot, the
    ``else``/``except``/``finally`` blocks included."""
    todo: list[tuple[cst.CSTNode, str, tuple, tuple]] = [(func, "body", (), ())]
    while todo:
        owner, field_name, path, always = todo.pop()
        block = getattr(owner, field_name)
        stmts = block.body if isinstance(block, cst.IndentedBlock) else [block]
        for i, stmt in enumerate(stmts):
            p = path + ((id(owner), field_name, i),)
            yield stmt, Slot(p, always)
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue
            for sub_owner, sub_field, runs in _blocks(stmt):
                todo.append((sub_owner, sub_field, p, always + (runs,)))


def _blocks(stmt: cst.BaseStatement) -> list[tuple[cst.CSTNode, str, bool]]:
    """The blocks of a compound statement (owner, field) and whether each always runs when the
    statement completes normally: a ``with`` body, a ``finally``, a ``try`` body whose every
    handler leaves (raises, returns, breaks or continues)."""
    if isinstance(stmt, cst.With):
        return [(stmt, "body", True)]
    if isinstance(stmt, cst.Try):
        out: list[tuple[cst.CSTNode, str, bool]] = [(stmt, "body", all(_leaves(h.body) for h in stmt.handlers))]
        out.extend((h, "body", False) for h in stmt.handlers)
        if stmt.orelse is not None:
            out.append((stmt.orelse, "body", False))
        if stmt.finalbody is not None:
            out.append((stmt.finalbody, "body", True))
        return out
    out = []
    if isinstance(stmt, (cst.If, cst.For, cst.While)):
        out.append((stmt, "body", False))
        if isinstance(stmt.orelse, cst.If):  # elif: a statement of its own in this slot's block
            out.append((stmt, "orelse", False))
        elif stmt.orelse is not None:
            out.append((stmt.orelse, "body", False))
    return out


def _leaves(block: cst.BaseSuite) -> bool:
    """The block's last statement raises, returns, breaks or continues."""
    body = block.body if isinstance(block, cst.IndentedBlock) else []
    if not body or not isinstance(body[-1], cst.SimpleStatementLine):
        return False
    return any(isinstance(s, (cst.Raise, cst.Return, cst.Break, cst.Continue)) for s in body[-1].body)


def dominates(before: Slot, after: Slot) -> bool:
    """``before`` has certainly run when ``after`` runs (structured code, no early exits taken)."""
    common = 0
    for a, b in zip(before.path, after.path, strict=False):
        if a[:2] != b[:2]:
            break
        common += 1
        if a[2] != b[2]:
            break
    if common == 0:
        return False
    i = common - 1
    a, b = before.path[i], after.path[i]
    if a[:2] != b[:2] or a[2] >= b[2]:
        return False
    # below the shared block, ``before`` must sit in blocks that always run
    return all(before.always[j - 1] for j in range(common, len(before.path)))


def is_docstring(stmt: cst.CSTNode) -> bool:
    """A statement that is only a string literal (a module's, class's or function's docstring)."""
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def is_future_import(stmt: cst.CSTNode) -> bool:
    """``from __future__ import ...``: nothing but a docstring may precede it."""
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(s, cst.ImportFrom) and s.module is not None and dotted(s.module) == "__future__" for s in stmt.body
    )


def own_nodes(fn: cst.FunctionDef) -> list[cst.CSTNode]:
    """Nodes of ``fn``'s body, not of nested functions, classes or lambdas (what runs in its own
    frame: a write or call there is the function's)."""
    out: list[cst.CSTNode] = []
    todo: list[cst.CSTNode] = [fn.body]
    while todo:
        n = todo.pop()
        out.append(n)
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        todo.extend(n.children)
    return out
