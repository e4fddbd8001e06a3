"""Codemod for LLM007: an object whose construction registers litellm callbacks stops
registering on every construction. The registration the finding names (``Construction.registrar``)
decides the rewrite:

- a ``set_callbacks(handlers)``-style helper (one handlers argument): the codemod of LLM002's
  crewAI shape (``handlers_from_response``): each call's handlers get that call's own response,
  the construction-time registration becomes the instance's default handlers;
- a function of no argument (a static or module function, e.g. crewAI's ``set_env_callbacks``,
  which registers the callbacks named by environment variables): cached, so its body runs once
  per process::

      @staticmethod                                   @staticmethod
      def set_env_callbacks():                  ->    @functools.cache  # once per process: ...
          litellm.success_callback = [...env...]      def set_env_callbacks():

  Every construction used to re-assign litellm's lists, unregistering whatever was registered
  since (crewAI PR #4252's shape): after the rewrite the first construction does it, later ones
  keep the lists as they are. What changes: the environment is read once, at the first call.

One fix per round: after the rewrite the finding names the next registration the construction
still reaches (``linter.fixing`` re-checks), until none is left. Refused, with the reason: a
``litellm.Router`` (build it once at start-up instead), a registration in the constructor's own
body or in a method that may read the instance, a function of several arguments, an ``async``
or otherwise decorated function, one that reads a module-level variable (it may differ between
constructions).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from linter.analysis import catalog as cat

from linter.diagnostics import Diagnostic
from linter.fixes import CannotFix, NoFix, Rewrite, Sources, handlers_from_response
from linter.fixes.cst_tools import find_function, import_table, is_docstring, is_future_import, walk
from linter.payloads import Construction
from linter.project import Func, ProjectIndex

CODES = ("LLM007",)
TITLE = "Register once per process instead of on every construction"
SAFETY = "unsafe"

_PASS_THROUGH = frozenset(["staticmethod", "classmethod"])  # decorators the cache goes under
_STABLE = (cst.Import, cst.ImportFrom, cst.FunctionDef, cst.ClassDef)


def fix(diag: Diagnostic, index: ProjectIndex, sources: Sources) -> Rewrite | NoFix:
    assert isinstance(diag.payload, Construction)
    try:
        if not diag.payload.registrar:
            raise CannotFix(
                "a litellm.Router registers its callbacks when it is built: build it once at start-up "
                "and share it (by hand: its arguments may be per-request values)"
            )
        registrar = index.functions[diag.payload.registrar]
        sdk = [r.registry for r in registrar.facts.registrations if r.registry in cat.SDK_REGISTERING_CALLS]
        if sdk:
            # the rewrites below deliver litellm's events or cache litellm registrations; neither is
            # proven for another SDK's registry
            raise CannotFix(f"{registrar.facts.qualname} adds handlers with `{sdk[0]}()`: register them once at start-up by hand")
        params = list(registrar.facts.params)
        instance = bool(params) and params[0] == "self"
        args = [p for p in params if p not in ("self", "cls")]
        if len(args) == 1:
            return handlers_from_response.rewrite(index, registrar, sources)
        if instance:
            raise CannotFix(
                f"{registrar.facts.qualname} is a method of the object being built (it may use its state): "
                "move the registration into a function run once per process (functools.cache) by hand"
            )
        if args:
            raise CannotFix(
                f"{registrar.facts.qualname} registers what {len(args)} arguments of each construction give it: "
                "register once at start-up by hand"
            )
        return _once(registrar, sources)
    except CannotFix as e:
        return NoFix(str(e))


def _once(registrar: Func, sources: Sources) -> Rewrite:
    path = registrar.file.path
    module = sources.module(path)
    fn = find_function(module, registrar.facts.qualname)
    if fn.asynchronous is not None:
        raise CannotFix(f"{registrar.facts.qualname} is async: a cached coroutine cannot be awaited twice")
    table = import_table(module, registrar.file.module, registrar.file.is_package)
    others = [d for d in fn.decorators if _name(d.decorator, table) not in _PASS_THROUGH]
    if others:
        raise CannotFix(f"{registrar.facts.qualname} has other decorators: where a cache goes among them is a hand edit")
    _check_reads_no_variable(module, fn, registrar.facts.qualname)
    alias = next((local for local, full in table.items() if full == "functools.cache"), None)
    if alias is None:
        alias = next((f"{local}.cache" for local, full in table.items() if full == "functools"), "functools.cache")
    cache = cst.Decorator(
        cst.parse_expression(alias),
        trailing_whitespace=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "),
            comment=cst.Comment("# once per process: registering on every construction reset the lists"),
        ),
    )
    new = module.deep_replace(fn, fn.with_changes(decorators=[*fn.decorators, cache]))
    assert isinstance(new, cst.Module)
    if alias == "functools.cache":
        new = _with_import_functools(new)
    return Rewrite({path: new.code}, TITLE)


def _name(node: cst.BaseExpression, table: dict[str, str]) -> str:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return ""
    head = table.get(node.value, node.value)
    return ".".join([head, *reversed(parts)])


def _check_reads_no_variable(module: cst.Module, fn: cst.FunctionDef, qualname: str) -> None:
    """What a function of no argument registers comes from what it reads: the environment,
    imports, functions, constants it builds itself. A module-level variable may change between
    constructions (a flag, a list the application fills): caching would freeze its first value.
    A name also bound by an import anywhere in the module (``litellm = None`` until a lazy
    ``import litellm``) is a module, not a variable."""
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    global_scope = scopes[module]
    inside = {id(n) for n in walk(fn)}
    for name in {a.name for a in global_scope.assignments}:
        assignments = list(global_scope.assignments[name])
        if any(isinstance(a.node, _STABLE) for a in assignments):
            continue
        for access in (ref for a in assignments for ref in a.references):  # from any scope
            if id(access.node) in inside:
                raise CannotFix(
                    f"{qualname} reads the module-level variable `{name}`, which may change between "
                    "constructions: registering once per process would keep its first value"
                )


def _with_import_functools(module: cst.Module) -> cst.Module:
    """``import functools`` after the module's docstring and ``__future__`` imports: bound
    before any class or function body below can use it as a decorator."""
    body = list(module.body)
    at = 0
    while at < len(body) and (is_docstring(body[at]) or is_future_import(body[at])):
        at += 1
    new = cst.parse_statement("import functools\n")
    if at < len(body) and isinstance(body[at], cst.SimpleStatementLine):  # heads the import block
        new = new.with_changes(leading_lines=body[at].leading_lines)
        body[at] = body[at].with_changes(leading_lines=[])
    body.insert(at, new)
    return module.with_changes(body=body)


