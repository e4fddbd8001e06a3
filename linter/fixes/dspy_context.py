"""Per-context settings codemod for LLM005: DSPy's process-wide ``dspy.configure(...)`` in a
function that runs per request becomes ``with dspy.context(...):`` around the rest of it.

    def answer(question, model):                 def answer(question, model):
        dspy.configure(lm=dspy.LM(model))   ->       with dspy.context(lm=dspy.LM(model)):
        return qa(question=question).answer              return qa(question=question).answer

``dspy.context`` takes the same settings and sets them for the current thread or task only
(a ``ContextVar``), where ``dspy.configure`` replaces the process's settings (and raises in any
thread or asyncio task but the first that called it). Unsafe: the settings no longer outlive
the function, so code that relied on them afterwards (in a caller, or a later request) gets the
start-up defaults.

Provable subset (otherwise "no automatic fix: <reason>"): one ``dspy.configure`` /
``dspy.settings.configure`` call in the function, a statement of its own at the top level of
the function's body (the ``with`` then covers everything after it), with statements after it;
named through the module (``dspy.configure``, not an imported ``configure``); and a function
that is no generator (a ``yield`` would suspend inside the context) and starts no thread or task
of its own (``dspy.context`` reaches only the threads DSPy's own primitives start).
"""

from __future__ import annotations

import libcst as cst

from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources
from linter.fixes.cst_tools import find_function, import_table, own_nodes, qualified, top_level_names, walk
from linter.payloads import ConfigWrite
from linter.project import ProjectIndex

TITLE = "Set DSPy's settings for this request only with `with dspy.context(...)`"
SAFETY = "unsafe"
TARGETS = ("dspy.configure", "dspy.settings.configure")


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    write = diag.payload
    assert isinstance(write, ConfigWrite)
    try:
        func = index.functions[write.function]
        if func.facts.qualname in ("<module>", "<main>"):
            raise CannotFix("the call is at module level (once per process: configure it there, or use `dspy.context` where it runs per request)")
        if func.facts.spawns:
            raise CannotFix("the function starts threads or tasks, which `dspy.context` does not reach")
        module = sources.module(func.file.path)
        fn = find_function(module, func.facts.qualname)
        table = import_table(module, func.file.module, func.file.is_package)
        tops = top_level_names(module)
        new_fn = _rewrite(fn, write.target, lambda e: qualified(e, table, func.file.module, tops))
        return Rewrite({func.file.path: module.deep_replace(fn, new_fn).code}, TITLE)  # type: ignore[union-attr]
    except CannotFix as e:
        return NoFix(str(e))



def _rewrite(fn: cst.FunctionDef, target: str, qual) -> cst.FunctionDef:  # type: ignore[no-untyped-def]
    nodes = own_nodes(fn)
    if any(isinstance(n, cst.Yield) for n in nodes):
        raise CannotFix("the function is a generator: a `yield` would suspend inside the context")
    calls = [n for n in nodes if isinstance(n, cst.Call) and qual(n.func) in TARGETS]
    if len(calls) != 1:
        raise CannotFix(f"`{target}` is called {len(calls)} times in the function")
    call = calls[0]
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "configure":
        raise CannotFix("`configure` is imported by name: name it through its module (`dspy.configure`)")
    body = fn.body
    if not isinstance(body, cst.IndentedBlock):
        raise CannotFix("the function's body is on its `def` line")
    statements = list(body.body)
    at = next(
        (i for i, s in enumerate(statements) if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
         and isinstance(s.body[0], cst.Expr) and s.body[0].value is call),
        None,
    )
    if at is None:
        raise CannotFix("the call is not a statement of its own at the top level of the function (the rest of the function would not be covered)")
    rest = statements[at + 1 :]
    if not rest:
        raise CannotFix("nothing follows the call in the function: the settings are for its caller")
    line = statements[at]
    assert isinstance(line, cst.SimpleStatementLine)
    context = call.with_changes(func=call.func.with_changes(attr=cst.Name("context")))
    block = cst.With(
        items=[cst.WithItem(item=context)],
        body=cst.IndentedBlock(body=rest, header=line.trailing_whitespace),
        leading_lines=line.leading_lines,
    )
    assert all(id(n) != id(call) for s in rest for n in walk(s))
    return fn.with_changes(body=body.with_changes(body=[*statements[:at], block]))
