"""Per-call configuration codemod for LLM005: the value goes into the litellm call as a keyword
instead of into a litellm module global.

    litellm.api_key = tenant_key                     response = litellm.completion(
    response = litellm.completion(model=m, ...)  ->      model=m, ..., api_key=tenant_key)

A save and a restore of the same global around the call (``old = litellm.num_retries`` ...
``finally: litellm.num_retries = old``) are removed with it; a ``try`` left with an empty
``finally`` is unwrapped.

Provable subset (otherwise "no automatic fix: <reason>"): a litellm global with a per-call
keyword (``linter.analysis.catalog.PER_CALL_CONFIG``), set once in the function that makes every
litellm call after it (the set statement dominates each call), no call splats ``**kwargs`` or
already passes the keyword, and the function reads the global nowhere else. The value is used
directly when it is a parameter the function never reassigns, else bound once to a new local.
"""

from __future__ import annotations

import libcst as cst

from linter.analysis import catalog as cat
from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources, dspy_context
from linter.fixes.cst_tools import (
    dominates,
    find_function,
    import_table,
    own_nodes,
    qualified,
    statement_slots,
    top_level_names,
    walk,
)
from linter.payloads import ConfigWrite
from linter.project import ProjectIndex

CODES = ("LLM005",)
TITLE = "Pass the value to the litellm call instead of setting a litellm global"
SAFETY = "unsafe"


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    write = diag.payload
    assert isinstance(write, ConfigWrite)
    try:
        target = write.target
        if target in dspy_context.TARGETS:
            return dspy_context.fix(diag, index, sources)  # DSPy's per-context form
        if target in cat.SDK_CONFIG_ADVICE:
            raise CannotFix(f"`{target}` has no per-call form to move it to mechanically: {cat.SDK_CONFIG_ADVICE[target][1]}")
        keyword = cat.PER_CALL_CONFIG.get(target)
        if keyword is None:
            raise CannotFix(f"`{target}` has no per-call keyword in litellm (set it once at start-up, or use a client per tenant)")
        if write.how != "assign":
            raise CannotFix(f"only a plain assignment of `{target}` is rewritten")
        func = index.functions[write.function]
        if func.facts.qualname in ("<module>", "<main>"):
            raise CannotFix("the write is at module level")
        module = sources.module(func.file.path)
        fn = find_function(module, func.facts.qualname)
        table = import_table(module, func.file.module, func.file.is_package)
        tops = top_level_names(module)
        new_fn = _rewrite(fn, target, keyword, lambda e: qualified(e, table, func.file.module, tops))
        return Rewrite({func.file.path: module.deep_replace(fn, new_fn).code}, TITLE)  # type: ignore[union-attr]
    except CannotFix as e:
        return NoFix(str(e))



def _rewrite(fn: cst.FunctionDef, target: str, keyword: str, qual) -> cst.FunctionDef:  # type: ignore[no-untyped-def]
    slots = list(statement_slots(fn))
    slot_of = {id(stmt): slot for stmt, slot in slots}
    nodes = own_nodes(fn)
    sets: list[tuple[cst.SimpleStatementLine, object, cst.BaseExpression]] = []
    saves: dict[str, cst.SimpleStatementLine] = {}
    restores: list[cst.SimpleStatementLine] = []
    lines = [n for n in nodes if isinstance(n, cst.SimpleStatementLine)]
    in_finally = {id(x) for f in nodes if isinstance(f, cst.Finally) for x in walk(f)}
    lines.sort(key=lambda n: 1 if id(n) in in_finally else 0)  # saves are seen before restores in finally blocks
    for stmt in lines:
        slot = slot_of.get(id(stmt))
        if len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        if not isinstance(small, cst.Assign) or len(small.targets) != 1:
            continue
        left, value = small.targets[0].target, small.value
        if isinstance(left, (cst.Attribute, cst.Name)) and qual(left) == target:
            if isinstance(value, cst.Name) and value.value in saves:
                restores.append(stmt)
            else:
                sets.append((stmt, slot, value))
        elif isinstance(left, cst.Name) and isinstance(value, (cst.Attribute, cst.Name)) and qual(value) == target:
            saves[left.value] = stmt
    if len(sets) != 1:
        raise CannotFix(f"`{target}` is set {len(sets)} times in the function")
    set_stmt, set_slot, value = sets[0]
    if set_slot is None:
        raise CannotFix("the write sits in a finally block")
    removed = {id(set_stmt)} | {id(s) for s in restores} | {id(s) for s in saves.values()}
    # every other mention of the global, or of a saved copy, would change meaning
    handled: set[int] = set()
    for stmt in [set_stmt, *restores, *saves.values()]:
        handled |= {id(n) for n in walk(stmt)}
    for n in nodes:
        if id(n) in handled:
            continue
        if isinstance(n, (cst.Attribute, cst.Name)) and qual(n) == target:
            raise CannotFix(f"the function also reads `{target}`")
        if isinstance(n, cst.Name) and n.value in saves:
            raise CannotFix(f"the saved value `{n.value}` is used beyond the restore")
    calls = [n for n in nodes if isinstance(n, cst.Call) and cat.is_litellm_call(qual(n.func))]
    if not calls:
        raise CannotFix("the function that sets it makes no litellm call itself")
    call_slots: dict[int, object] = {}
    for stmt, slot in slots:
        if isinstance(stmt, cst.SimpleStatementLine):
            for n in walk(stmt):
                if isinstance(n, cst.Call):
                    call_slots[id(n)] = slot
    for call in calls:
        if id(call) not in call_slots:
            raise CannotFix("a litellm call sits in a compound statement's header")
        if not dominates(set_slot, call_slots[id(call)]):  # type: ignore[arg-type]
            raise CannotFix("a litellm call of the function is not always preceded by the write")
        if any(a.star == "**" for a in call.args):
            raise CannotFix("a litellm call splats **kwargs, which may already carry the value")
        if any(a.keyword is not None and a.keyword.value == keyword for a in call.args):
            raise CannotFix(f"a litellm call already passes `{keyword}=`")
    params = {p.name.value for p in (*fn.params.params, *fn.params.kwonly_params, *fn.params.posonly_params)}
    assigned = {
        n.target.value if isinstance(n, cst.AssignTarget) else ""
        for n in nodes
        if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name)
    }
    local = ""
    if isinstance(value, cst.Name) and value.value in params and value.value not in assigned:
        passed: cst.BaseExpression = value
    else:
        local = f"llm_{keyword}"
        if any(isinstance(n, cst.Name) and n.value == local for n in nodes) or local in params:
            raise CannotFix(f"the function already uses the name `{local}`")
        passed = cst.Name(local)
    call_ids = {id(c) for c in calls}
    replacement = cst.parse_statement(f"{local} = 0") if local else None

    class _Apply(cst.CSTTransformer):
        def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
            if id(original) not in call_ids:
                return updated
            args = list(updated.args)
            args.append(cst.Arg(keyword=cst.Name(keyword), value=passed, equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))))
            return updated.with_changes(args=args)

        def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
            if id(original) == id(set_stmt) and replacement is not None:
                assign = replacement.body[0].with_changes(value=value)  # type: ignore[attr-defined]
                return updated.with_changes(body=[assign])
            if id(original) in removed:
                return cst.RemoveFromParent()
            return updated

        def leave_Try(self, original: cst.Try, updated: cst.Try):  # type: ignore[no-untyped-def]
            final = updated.finalbody
            if final is None or not isinstance(final.body, cst.IndentedBlock) or final.body.body:
                return updated
            if updated.handlers or updated.orelse is not None:
                return updated.with_changes(finalbody=None) if updated.handlers else updated.with_changes(
                    finalbody=final.with_changes(body=final.body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])))
            body = updated.body
            stmts = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
            return cst.FlattenSentinel(stmts) if stmts else cst.RemoveFromParent()

    return fn.visit(_Apply())  # type: ignore[return-value]
