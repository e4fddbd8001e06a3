"""Reduce one module, parsed by CPython's own parser (``ast``), to ``FileFacts`` in one walk.

CPython's parser is ~8x cheaper than libcst's and its tree carries positions, so a file is
parsed once: the tree that proves the syntax valid is the tree facts come from, with spans
for every fact (libcst is only loaded by ``fix``, which needs to rewrite source).

The walk keeps an explicit stack instead of recursing (deeply nested real code exhausts
Python's recursion limit). An ``_Exit`` marker pushed below a function's children gives the
walk an "end of function" event.

Spans are ruff style: 1-based lines and columns counted in characters (``ast`` counts UTF-8
bytes; lines with non-ASCII text are converted).
"""

from __future__ import annotations

import ast
import bisect
import builtins
import re
import sys
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, NamedTuple

from linter.analysis import catalog as cat
from linter.analysis.catalog import Catalog
from linter.analysis.facts import (
    NO_SPAN,
    Access,
    Binding,
    Call,
    ClassFacts,
    FileFacts,
    FunctionFacts,
    LockRegion,
    Ref,
    Registration,
    Site,
    Span,
)
from linter.analysis.relative import resolve_relative


# where a value comes from: the join of its known parts (``Access.source``) and what the project
# decides (``Access.depends``: parameters, instance attributes, results of project calls)
Prov = tuple[str, frozenset[str]]
_NO_DEPS: frozenset[str] = frozenset()
_LITERAL: Prov = ("literal:", _NO_DEPS)


@dataclass(slots=True)
class _Fn:
    """Walk state of one function (or the module / ``__main__`` pseudo-functions)."""

    facts: FunctionFacts
    globals: set[str] = field(default_factory=set)
    locals: set[str] = field(default_factory=set)
    clients: dict[str, str] = field(default_factory=dict)  # local name -> client factory
    executors: dict[str, str] = field(default_factory=dict)  # local name -> executor factory
    # local dicts that carry a "callbacks" key, later splatted into a litellm call (**params)
    callback_dicts: set[str] = field(default_factory=set)
    # local name -> qualified class it was built from (``agent = Agent(...)``): ``agent.run()``
    # then resolves to ``Agent.run``
    instances: dict[str, str] = field(default_factory=dict)
    # local name -> (target, value) of its latest binding by a call (``lock = FileLock(p)``)
    made: dict[str, tuple[ast.expr, ast.expr | None]] = field(default_factory=dict)
    # local name -> where its value comes from (``Access.source``, ``Access.depends``), for
    # client-config writes
    sources: dict[str, Prov] = field(default_factory=dict)
    containers: set[str] = field(default_factory=set)  # locals holding a new dict / list / set
    keyed: dict[str, ast.expr] = field(default_factory=dict)  # local -> the per-key lookup that bound it
    nested: set[str] = field(default_factory=set)  # functions defined in it
    # local dispatch tables (``classes = {"a": A, "b": B}``) and the locals picked from them
    # (``cls = classes[kind]``) -> the functions / classes a call through them may be
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    escaping: set[str] = field(default_factory=set)  # ``FunctionFacts.escaping``
    # the name nodes of parameters used only to hand a function on where its calls stay visible
    # (called, passed bare to a recorded call, inspected, sent to a worker process), for
    # ``FunctionFacts.relayed`` (matched once the whole function is walked)
    relay_uses: set[int] = field(default_factory=set)
    parent: "_Fn | None" = None  # the enclosing function of a nested one (its closure's names)
    lookups: dict[str, str] = field(default_factory=dict)  # local -> the call (text) its value came from
    # storage whose lookup an early exit tested so far (``cached = self._cache.get(k)``, then
    # ``if cached: return cached``): a lock taken further down is double-checked for it
    exit_checked: set[str] = field(default_factory=set)
    tests: list = field(default_factory=list)  # (a branch's test, its context): ``finish_branches``
    node: ast.AST | None = None  # the ``def`` (None for the module / ``__main__``)
    rebound: set[str] | None = None  # names assigned in it other than to None (lazily)
    # local -> the expressions bound to it or added to it (``hooks.append(f)``), in source order
    # so far: what a start-up hook handed on through a local may be (``startup_refs``)
    held: dict[str, list[ast.expr]] = field(default_factory=dict)
    # settings saved to a configuration file (``set_key(path, k, v)``): (key, value) as text
    # (``_plain_text``) -> where the file's path comes from; and the item writes whose key and
    # value may be among them (``Access.saved_to``: matched once the whole function is walked)
    saves: dict[tuple[str, str], Prov] = field(default_factory=dict)
    saving: list[tuple[Access, str, str]] = field(default_factory=list)
    # other ways a setting is saved, matched the same way (``saves_elsewhere``): a call of a project
    # function (the model decides whether it writes a file: ``FunctionFacts.writes_file``) or a
    # database row added and committed, each with where it saves (``Access.saved_to``) and the
    # expressions it carries; what each local was made of (assigned, or set on it as an
    # attribute), to see a setting through the locals it passed; where the files it overwrites are
    savers: list[tuple[Prov, tuple[ast.expr, ...], bool]] = field(default_factory=list)  # True: the receiver
    rows: list[tuple[str, ast.expr]] = field(default_factory=list)  # (class, the row's local)
    commits: bool = False
    values: dict[str, list[ast.expr]] = field(default_factory=dict)
    overwrites: Prov | None = None
    # local -> the project function whose result it holds (``c = get_client()``): ``c.send()``
    # is a method of what that function returns (``FunctionFacts.returns_type``)
    results: dict[str, str] = field(default_factory=dict)
    # local -> the module-level mapping it was picked from (``cls = SPEECH[kind]``, qualified):
    # calling it calls an entry (``Ref("entry")``)
    entries: dict[str, str] = field(default_factory=dict)
    # local -> the module-level mapping whose entry built it (``stage = STAGES[name]()``, or
    # ``cls = STAGES[name]`` then ``stage = cls()``): ``stage.run()`` is that method of an entry
    built_from: dict[str, str] = field(default_factory=dict)
    returned: set[str] = field(default_factory=set)  # ``returns_type`` of each ``return`` so far
    # for ``Access.given`` / ``FunctionFacts.passes``, matched once the whole function is walked:
    # the names bound (local -> value, in source order), each recorded call's arguments (call
    # index, argument key, value) and each client-config write's value
    assigned: list[tuple[str, ast.expr]] = field(default_factory=list)
    arguments: list[tuple[int, int, list[_Arg]]] = field(default_factory=list)  # calls [first, end)
    written: list[tuple[Access, ast.expr]] = field(default_factory=list)
    # the values it returns, and the chains of imported objects it assigns with their values
    # (``FunctionFacts.returning`` / ``stores``)
    returning: list[ast.expr] = field(default_factory=list)
    slots: list[tuple[str, ast.expr]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Ctx:
    fn: _Fn
    cls: str = ""  # qualified class name for methods (and the class body)
    in_class_body: bool = False
    regions: tuple[int, ...] = ()  # indexes into fn.facts.regions
    loops: tuple[str, ...] = ()  # registries iterated by enclosing for-loops
    guards: tuple[str, ...] = ()  # optional parameters the enclosing branches test true (``Call.guards``)
    memo: str = ""  # the memo slot an enclosing ``if <slot> is None:`` fills (``Call.memo``)
    checked: tuple[str, ...] = ()  # lookups the enclosing branches test (``Call.checked``)
    repeated: bool = False  # inside a loop of the function (``Call.repeated``)
    deferred: bool = False  # inside a lambda (``Call.deferred``)
    narrowed: tuple[tuple[str, str], ...] = ()  # (local, qualified class) an enclosing ``if isinstance(local, Class):`` tests
    attr_guards: tuple[str, ...] = ()  # attributes of ``self`` the enclosing branches test true (``Access.attr_guards``)
    unset: tuple[str, ...] = ()  # shared storage the enclosing branches test unset (``Access.while_unset``)
    # (key, value, object) of enclosing ``for key, value in object.__dict__.items()`` loops: an
    # attribute-by-attribute copy of that object (``_attribute_copy``)
    copying: tuple[tuple[str, str, str], ...] = ()
    # names an enclosing comprehension binds, with what its iterable holds: its calls' arguments
    # (``{k: parse_record_ids(v) for k, v in obj.items()}``) hold part of ``obj``, not a name not known
    comprehension: tuple[tuple[str, "Prov"], ...] = ()
    # names an enclosing ``for name in ("a", "b"):`` binds to each of a few literal strings: a
    # ``setattr(x, name, v)`` in its body sets those attributes only
    spelled: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (registry, member's text) of enclosing ``if member not in registry:`` tests: an append of
    # that member there adds it once (``Registration.idempotent``)
    absent: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Exit:
    fn: _Fn


@dataclass(slots=True)
class _Suspends:
    """Pushed after an ``async for``'s or ``async with``'s body: its next step or its exit awaits
    there, after every node of the body, so a write in the body and a read after the statement
    have a suspension between them (``FunctionFacts.suspensions``, at the body's last order)."""

    fn: _Fn


@dataclass(slots=True)
class _Else:
    """Pushed between an ``if``'s body and its ``else``: the ``else`` branch sees the locals'
    objects as they were before the ``if`` (``_Fn.results`` / ``instances``), not as the body
    left them (llmware's ``load_model``: the body rebinds ``my_model`` to an unknown result, the
    ``else`` calls ``my_model.set_api_key(key)`` on the factory's object). ``body`` holds the maps
    as the body left them, and ``_EndIf`` then puts back what running both in a row would leave,
    so the code after the ``if`` sees what it saw before this marker existed."""

    fn: _Fn
    before: tuple[dict[str, str], dict[str, str]]
    body: tuple[dict[str, str], dict[str, str]] | None = None


@dataclass(frozen=True, slots=True)
class _EndIf:
    mark: _Else


class _Arg(NamedTuple):
    """A call argument in source order (``ast`` keeps positional and keyword ones apart). A
    tuple: one is made per argument of every call, and a frozen dataclass is twice as slow."""

    keyword: str | None
    star: str  # "", "*" or "**"
    value: ast.expr
    node: ast.AST  # what a span of the argument covers


_MAIN_TEST = ("__name__", "__main__")
# ``"pkg.mod.Class"`` or ``"pkg.mod:Class"``: a path a plugin factory imports
_DOTTED_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?")
_BUILTINS = frozenset(dir(builtins))  # ``len(x)``: a local-looking call that is never a project function
_PROPERTIES = frozenset(["property", "functools.cached_property", "cached_property"])
# wrappers around the type an annotation names: ``Optional[LLM]`` is an ``LLM``
_TYPE_WRAPPERS = frozenset(["Optional", "Annotated", "ClassVar", "Final", "Required", "NotRequired"])
_DEF_KEYWORD = re.compile(r"\b(?:def|class)\b[\s\\]*")
_LINE_END = re.compile(r"\r\n|\r|\n")  # what ast counts as a line end (str.splitlines also splits on \f, \x1c...)


class _Positions:
    """1-based character spans of ``ast`` nodes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = _LINE_END.split(self.text)
        return self._lines

    def column(self, line: int, byte_col: int) -> int:
        if self.ascii:
            return byte_col + 1
        lines = self.lines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        if text.isascii():
            return byte_col + 1
        return len(text.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace")) + 1

    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return Span(
            line,
            self.column(line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            self.column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def line_starts(self) -> list[int]:
        """The offset of each line's first character, lines as ``ast`` counts them (made on the
        first ask: most files never need it)."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _LINE_END.finditer(self.text)]
        return self._starts

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset of the text."""
        return bisect.bisect_right(self.line_starts(), offset)

    def name_span(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Span:
        """The span of the name after ``def`` / ``class`` (the tree has no node for it)."""
        starts = self.line_starts()
        start = starts[node.lineno - 1] + self.column(node.lineno, node.col_offset) - 1
        m = _DEF_KEYWORD.search(self.text, start)
        if m is None:
            return self.span(node)
        offset = m.end()
        line = self.line_of(offset)
        column = offset - starts[line - 1] + 1
        return Span(line, column, line, column + len(node.name))


class _Extractor:
    def __init__(self, tree: ast.Module, facts: FileFacts, catalog: Catalog, text: str, aliases: dict[str, str] | None = None) -> None:
        self.tree = tree
        self.facts = facts
        self.aliases = aliases
        self.catalog = catalog
        self.imports = facts.imports
        self.pos = _Positions(text)
        # asked once per file: ``unset_fill`` asked the text of every ``if`` (pdd's parsed
        # files: 21 k searches of files up to 300 KB, 1.5 of 84 profiled CPU-s of extraction)
        self.reads_env = "environ" in text or "getenv" in text
        # functions with a parameter defaulting to a variable's name: (first line, last line, facts)
        self.name_defaulted: list[tuple[int, int, FunctionFacts]] = []
        self.order = 0
        self.top_names: set[str] = set()  # names defined at module level
        self.top_classes: set[str] = set()  # classes defined at module level (their storage is shared)
        self.renames: set[int] = set()  # module-level ``alias = func`` statements read as re-exports
        self._flag_setters: dict[str, set[str]] | None = None
        self._top_globals: list[tuple[ast.stmt, ast.Global]] | None = None  # ``top_globals``
        # module globals that only functions bind (``global msg; msg = Message()``, nothing at module
        # level): the first such write is their binding (MetaGPT's chainlit ``chainlit_message``)
        self.function_globals: dict[str, Binding] = {}
        self.toplevel = _Fn(FunctionFacts("<module>", NO_SPAN))
        self._scopes: dict[int, _Scope] | None = None  # ``def`` node -> its names (``scope_of``)
        self.class_nodes: dict[str, ast.ClassDef] = {}  # qualified name -> node (callee fills)
        self.run_alone: set[int] = set()  # calls whose coroutine ``asyncio.run`` runs (``Call.run_alone``)
        # ``with`` blocks right under an ``if``: what the ``if`` tests (double-checked fills)
        self._checked_before: dict[int, set[str]] = {}
        self._acquires: dict[int, tuple[ast.Call, ast.expr, bool]] | None = None  # see acquired_try
        self._refusing: set[int] | None = None  # ``async with`` nodes a ``.locked()`` check guards
        self.main = _Fn(FunctionFacts("<main>", NO_SPAN))
        self._target_source: Prov | None = None  # a ``for`` loop's iterable, for its target names
        self.call_numbers: dict[int, int] = {}  # a call node -> its index in its function's calls
        self.receivers: set[int] = set()  # call nodes whose result is a method call's receiver
        self.discarded: set[int] = set()  # call nodes that are statements of their own (``Call.discarded``)
        # "Class.attr" -> what the methods put in its items (``self.bots[k] = make_bot(k)``), as
        # ``object_made``: a method returning ``self.bots[k]`` returns one of them (``hand_out_items``)
        self.item_kinds: dict[str, set[str]] = {}
        # target expressions of spawns whose arguments are recorded (``FunctionFacts.spawn_calls``):
        # the spawn is a call of the target, seen whole, not the function handed on as a value
        self.spawn_seen: set[int] = set()
        self._before: dict[int, dict[int, ast.stmt]] = {}  # ``_statement_before``: function -> statement -> the one before
        self.awaits: list[tuple[FunctionFacts, int, list[Site], int]] = []  # (function, awaited node, its Sites in locks, walk order)
        self.escapes: set[str] = set()  # ``FileFacts.escapes``, sorted at the end
        self.table_escapes: set[tuple[str, str]] = set()  # ``FileFacts.table_escapes``, sorted at the end
        self.unread_tables: set[str] = set()  # module tables this file only defines and fills
        # ``FileFacts.attribute_writes`` (attribute, function, source, depends), sorted at the end
        self.attribute_writes: set[tuple[str, str, str, tuple[str, ...]]] = set()
        # ``FileFacts.dotted_strings`` / ``star_imports``, sorted at the end: a set's order differs
        # between processes (string hashing), and facts that differ make a rerun a full run
        self.dotted_strings: set[str] = set()
        self.star_imports: set[str] = set()
        facts.functions["<module>"] = self.toplevel.facts
        # ``self.x`` read in a method: (function, class, attribute, span, order, regions); a read of
        # a property or of a stored function runs it, known once the whole file is walked
        self.self_reads: list[tuple[FunctionFacts, str, str, Span, int, tuple[int, ...]]] = []

    # ----------------------------------------------------------------- helpers
    def span(self, node: ast.AST) -> Span:
        return self.pos.span(node)

    def resolve(self, text: str, ctx: _Ctx) -> Ref:
        root, _, rest = text.partition(".")
        if root in ("self", "cls") and ctx.cls:
            return Ref("self", rest) if rest else Ref("unknown", text)
        fn = ctx.fn
        if root in fn.locals and root not in fn.globals:
            if rest and root in fn.instances:
                return Ref("name", f"{fn.instances[root]}.{rest}")
            return Ref("local", text)
        if rest and fn is self.main and root in fn.instances:
            return Ref("name", f"{fn.instances[root]}.{rest}")  # typed in the ``__main__`` block
        if rest and fn.parent is not None and root not in fn.globals:
            # a closure's receiver, typed where the enclosing function binds it (livekit's CLI:
            # ``def _run_worker(server: AgentServer)``, then a nested ``await server.run()``)
            outer: _Fn | None = fn.parent
            while outer is not None and root not in outer.locals:
                outer = outer.parent
            if outer is not None and root in outer.instances and root not in outer.globals:
                return Ref("name", f"{outer.instances[root]}.{rest}")
        if root in self.imports:
            full = self.imports[root]
            return Ref("name", f"{full}.{rest}" if rest else full)
        if root in self.top_names or root in fn.globals:
            return Ref("name", f"{self.facts.module}.{text}")
        if self.star_imports and root in _STAR_BOUND_MODULES:
            # bound nowhere here but by ``from modules.utils import *``, whose module imports it
            # (a star import hands on the modules its source imported): ChuanhuChatGPT's
            # ``os.environ[...]`` in index_func.py
            return Ref("name", text)
        return Ref("local", text)

    def resolve_expr(self, node: ast.expr, ctx: _Ctx) -> Ref:
        text = dotted(node)
        return self.resolve(text, ctx) if text else Ref("unknown", "")

    def factory_of(self, value: ast.expr | None, ctx: _Ctx) -> str:
        if isinstance(value, ast.Call):
            func = value.func
            # ``asyncio.Queue[Event | None]()``: a parametrised class builds the class
            ref = self.resolve_expr(func.value if isinstance(func, ast.Subscript) else func, ctx)
            if ref.kind == "name":
                return ref.name
            return ref.name if ref.kind == "local" else ""
        return ""

    def annotation_type(self, node: ast.expr | None, ctx: _Ctx) -> str:
        """The class an annotation names (``llm: LLM``, ``Optional["LLM"]``, ``LLM | None``),
        qualified, or "" (a typed receiver's calls then resolve to that class's methods)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return ""
        if isinstance(node, ast.Subscript) and (dotted(node.value) or "").rsplit(".", 1)[-1] in _TYPE_WRAPPERS:
            inner = node.slice
            return self.annotation_type(inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner, ctx)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            sides = [n for n in (node.left, node.right) if not (isinstance(n, ast.Constant) and n.value is None)]
            return self.annotation_type(sides[0], ctx) if len(sides) == 1 else ""
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.resolve_expr(node, ctx)
            if ref.kind == "name" and ref.name.rsplit(".", 1)[-1][:1].isupper():
                return ref.name
        return ""

    def function_value(self, value: ast.expr | None, ctx: _Ctx) -> str:
        """The project function a stored value is, qualified: a function's name, a nested
        function of the enclosing one (``self._completion = wrapper``), or what a
        ``functools.partial`` / one-call lambda wraps; else ""."""
        if value is None:
            return ""
        refs = self.handler_refs(value, ctx) if isinstance(value, (ast.Lambda, ast.Call)) else [self.resolve_expr(value, ctx)]
        if len(refs) != 1 or (isinstance(value, ast.Call) and refs[0].kind == "local"):
            return ""
        ref = refs[0]
        if ref.kind == "name":
            return ref.name
        q = ctx.fn.facts.qualname
        while ref.kind == "local" and "." not in ref.name and q:
            if f"{q}.<locals>.{ref.name}" in self.facts.functions:
                return f"{self.facts.module}.{q}.<locals>.{ref.name}"
            q = q.rpartition(".<locals>.")[0]
        return ""

    def binding_for(self, name: str, value: ast.expr | None, ctx: _Ctx) -> Binding:
        value = _optional_value(value)
        factory = self.factory_of(value, ctx)
        shared = _field_default(value)
        if shared is not None:
            # ``PrivateAttr(default=threading.Lock())``: one object, made once, that every
            # instance shares (agent-zero's MCP servers' class-level lock)
            factory = self.factory_of(shared, ctx)
        made = _default_factory(value)
        if made is not None:  # ``field(default_factory=asyncio.Lock)``: the factory's value, per instance
            ref = self.resolve_expr(made, ctx)
            factory = ref.name if ref.kind == "name" else factory
        kind = "value"
        lock_kind = ""
        if factory in self.catalog.lock_factories and made is None and _counts_above_one(factory, value):
            kind = "limiter"  # Semaphore(3): caps concurrency on purpose, does not serialise
        elif factory in self.catalog.lock_factories:
            kind, lock_kind = "lock", self.catalog.lock_factories[factory]
        elif factory in cat.INTERPROCESS_LOCK_FACTORIES:
            kind = "file-lock"
        elif factory in cat.THREAD_LOCAL_FACTORIES:
            kind = "thread-local"
        elif factory in cat.CONTEXTVAR_FACTORIES:
            kind = "contextvar"
        elif factory in self.catalog.client_factories:
            kind = "client"
        elif factory in cat.MUTABLE_FACTORIES or isinstance(
            value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
        ):
            kind = "mutable"
        unbounded = factory in cat.ASYNC_QUEUES and made is None and not _bounded(value)
        return Binding(name, NO_SPAN, kind, factory, lock_kind, unbounded=unbounded)

    # ------------------------------------------------------------ module pass
    def flag_setters(self) -> dict[str, set[str]]:
        """Module-level flag -> the module's functions that set it (``global _ready``; ``_ready =
        True``): asked only for a function that returns early on a flag it does not set itself."""
        if self._flag_setters is None:
            self._flag_setters = {}
            for stmt, g in self.top_globals():
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for flag in g.names:
                        if _sets_flag(stmt, flag):
                            self._flag_setters.setdefault(flag, set()).add(stmt.name)
        return self._flag_setters

    def top_globals(self) -> list[tuple[ast.stmt, ast.Global]]:
        """Every ``global`` statement with the module-level statement it is in, from one walk of
        the tree, and none when the text never says ``global`` (most files): ``flag_setters`` and
        ``module_tables`` each walked the whole tree for them, 20% of extracting pdd's
        llm_invoke.py (7,400 lines) under a profiler."""
        if self._top_globals is None:
            self._top_globals = [
                (stmt, n) for stmt in self.tree.body for n in _walk(stmt) if isinstance(n, ast.Global)
            ] if "global" in self.pos.text else []
        return self._top_globals

    def collect_top_names(self, body: list[ast.stmt]) -> None:
        """Names bound at module level, including inside top-level if/try/with blocks."""
        todo: list[ast.AST] = list(body)
        defs: set[str] = set()
        bound: dict[str, int] = {}  # module-level name -> how many statements bind it
        renames: list[ast.Assign] = []
        tables: dict[str, list[ast.expr]] = {}  # module-level mapping -> the values put in it here
        while todo:
            stmt = todo.pop()
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.top_names.add(stmt.name)
                defs.add(stmt.name)
                bound[stmt.name] = bound.get(stmt.name, 0) + 1
                if isinstance(stmt, ast.ClassDef):
                    self.top_classes.add(stmt.name)
                    self.class_tables(stmt, bound, tables)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                add_import(self.imports, stmt, self.facts.module, self.facts.is_package, self.star_imports, self.aliases)
            elif isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    self._add_target_names(t)
                    if isinstance(t, ast.Name):
                        bound[t.id] = bound.get(t.id, 0) + 1
                if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Name):
                    renames.append(stmt)
                if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and _string(stmt.value):
                    self.facts.constants[stmt.targets[0].id] = _string(stmt.value) or ""
                if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Dict):
                    tables.setdefault(stmt.targets[0].id, []).extend(v for v in stmt.value.values if v is not None)
                elif len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) and isinstance(stmt.targets[0].value, ast.Name):
                    tables.setdefault(stmt.targets[0].value.id, []).append(stmt.value)  # ``SPEECH["local"] = LocalSpeech``
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
                # ``BOTS: dict[str, type[Bot]] = {...}`` binds and fills a table as the plain
                # assignment does; the annotation changes nothing the analysis needs
                self._add_target_names(stmt.target)
                bound[stmt.target.id] = bound.get(stmt.target.id, 0) + 1
                if isinstance(stmt.value, ast.Dict):
                    tables.setdefault(stmt.target.id, []).extend(v for v in stmt.value.values if v is not None)
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                self._add_target_names(stmt.target)
            elif isinstance(stmt, ast.If):
                todo.extend(stmt.body)
                todo.extend(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                todo.extend(stmt.body)
                todo.extend(stmt.handlers)
                todo.extend(stmt.orelse)
                todo.extend(stmt.finalbody)
            elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.ExceptHandler)):
                todo.extend(stmt.body)
        for name in [n for n in self.facts.constants if bound.get(n) != 1]:
            del self.facts.constants[name]  # bound more than once: which string is not known
        self.module_tables({n: vs for n, vs in tables.items() if bound.get(n) == 1 and n not in defs})
        for stmt in renames:
            # ``from_toml_section = condenser_config_from_toml_section``: another name for a
            # function or class, bound once. Calls through it call that function: it is read as
            # a re-export, not as the function handed on (OpenHands' condenser loader)
            alias, target = stmt.targets[0].id, stmt.value.id  # type: ignore[attr-defined]
            if alias in self.imports or bound.get(alias) != 1 or alias == target:
                continue
            if target in defs and bound.get(target) == 1:
                self.imports[alias] = f"{self.facts.module}.{target}"
                self.renames.add(id(stmt))
            elif target in self.imports and target not in bound:
                self.imports[alias] = self.imports[target]
                self.renames.add(id(stmt))

    @staticmethod
    def class_tables(node: ast.ClassDef, bound: dict[str, int], tables: dict[str, list[ast.expr]]) -> None:
        """A class's own registry: a class attribute bound to a dict literal in the class body
        (``_providers = {"openai": OpenAITTS, ...}``), kept as the table ``Class.attr``, which
        its methods pick from as ``cls._providers.get(name)`` or ``self._providers[name]``."""
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                target, value = stmt.target, stmt.value
            else:
                continue
            if isinstance(target, ast.Name):
                name = f"{node.name}.{target.id}"
                bound[name] = bound.get(name, 0) + 1
                if isinstance(value, ast.Dict):
                    tables.setdefault(name, []).extend(v for v in value.values if v is not None)

    def module_tables(self, tables: dict[str, list[ast.expr]]) -> None:
        """``FileFacts.tables``: of the module-level names bound once to a dict literal, the
        project functions and classes put in them at module level (the literal's values, items
        set by module-level statements). A name a function rebinds (``global``) may hold
        another mapping by the time it is called through: left out."""
        if not tables:
            return
        for _, node in self.top_globals():
            for name in node.names:
                tables.pop(name, None)
        ctx = _Ctx(self.toplevel)
        for name, values in tables.items():
            found = set()
            for v in values:
                ref = self.resolve_expr(v, ctx) if isinstance(v, (ast.Name, ast.Attribute)) else None
                if ref is not None and ref.kind == "name" and ref.name.split(".", 1)[0] not in _STDLIB:
                    found.add(ref.name)
            if found or not values:  # an empty one: decorators may fill it (``FunctionFacts.files_into``)
                self.facts.tables[name] = tuple(sorted(found))
        if self.facts.tables:
            # a table this file never reads (only ``T = {...}`` and ``T[k] = v``) hands its values on
            # only if another module reads it (``FileFacts.table_escapes``): OpenAgents keeps a
            # registry of its chat model classes that nothing looks up
            filled: set[int] = set()
            loads: list[ast.Name] = []
            for n in _walk(self.tree):  # one walk: parents come before their children
                if isinstance(n, ast.Subscript) and not isinstance(n.ctx, ast.Load):
                    filled.add(id(n.value))
                elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in self.facts.tables:
                    loads.append(n)
            read = {n.id for n in loads if id(n) not in filled}
            # a class's table (``Class.attr``) is read through ``cls`` / ``self``, not by name
            self.unread_tables = {t for t in self.facts.tables if t not in read and "." not in t}

    def table_entry(self, func: ast.expr, ctx: _Ctx) -> Ref | None:
        """``Ref("entry", TABLE)`` for a call through an entry of a module-level mapping, this
        module's or imported (``TABLE[k](...)``, ``TABLE.get(k)(...)``, ``cls(...)`` after
        ``cls = TABLE[k]``); the model knows whether ``TABLE`` is one (``FileFacts.tables``)."""
        if isinstance(func, ast.Name):
            found = ctx.fn.entries.get(func.id)
            return Ref("entry", found) if found else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ctx.fn.built_from:
            # ``stage.run(ap)`` of ``stage = STAGES[name]()``: that method of the entry built
            return Ref("entry", f"{ctx.fn.built_from[func.value.id]}:{func.attr}")
        if isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Subscript, ast.Call)):
            # ``TABLE[k].from_config(cfg)``: that method of the entry picked ("<table>:<method>")
            picked = self.picked_table(func.value, ctx)
            return Ref("entry", f"{picked}:{func.attr}") if picked else None
        picked = self.picked_table(func, ctx)
        return Ref("entry", picked) if picked else None

    def picked_table(self, value: ast.expr | None, ctx: _Ctx) -> str:
        """The module-level mapping ``value`` picks an entry of (``TABLE[k]``, ``TABLE.get(k)``,
        ``mod.TABLE[k]``), qualified, else ""."""
        if isinstance(value, ast.Subscript):
            node = value.value
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" and value.args:
            node = value.func.value
        else:
            return ""
        text = dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if not text:
            return ""
        root = text.split(".", 1)[0]
        own = ctx.fn.facts.class_name
        if root in ("cls", "self") and own and f"{own}.{text[len(root) + 1:]}" in self.facts.tables:
            return f"{self.facts.module}.{own}.{text[len(root) + 1:]}"  # the class's own table
        if root in ctx.fn.locals and root not in ctx.fn.globals or not (root in self.imports or root in self.top_names):
            return ""
        ref = self.resolve(text, ctx)
        return ref.name if ref.kind == "name" and root not in _STDLIB else ""

    def _add_target_names(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.top_names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for el in target.elts:
                self._add_target_names(el)

    # ------------------------------------------------------------------- walk
    def run(self) -> None:
        self.collect_top_names(self.tree.body)
        stack: list[tuple[ast.AST, _Ctx] | _Exit] = []
        root = _Ctx(self.toplevel)
        for stmt in reversed(self.tree.body):
            stack.append((stmt, root))
        push, pop = stack.extend, stack.pop
        while stack:
            item = pop()
            if type(item) is _Exit:
                self.finish_function(item.fn)
                continue
            if type(item) is _Suspends:
                item.fn.facts.suspensions += ((self.order, -1),)
                continue
            if type(item) is _Else:
                fn = item.fn
                item.body = (dict(fn.results), dict(fn.instances))
                _replace(fn.results, item.before[0])
                _replace(fn.instances, item.before[1])
                continue
            if type(item) is _EndIf:
                mark = item.mark
                assert mark.body is not None
                for live, before, body in zip((mark.fn.results, mark.fn.instances), mark.before, mark.body):
                    # the body's bindings, then the else's changes on top: as running both in a row
                    final = dict(body)
                    for name in before.keys() | live.keys():
                        if live.get(name) != before.get(name):
                            if name in live:
                                final[name] = live[name]
                            else:
                                final.pop(name, None)
                    _replace(live, final)
                continue
            node, ctx = item
            kind = type(node)
            if kind is ast.Constant:
                value = node.value  # type: ignore[attr-defined]
                if type(value) is str and "." in value and " " not in value and _DOTTED_PATH.fullmatch(value):
                    self.dotted_strings.add(value.replace(":", "."))
                continue  # a leaf no fact comes from: an eighth of the nodes (not counted in ``order``)
            self.order += 1
            handler = _HANDLERS.get(kind)
            if handler is None:
                push([(c, ctx) for c in reversed(_children(node))])
            else:
                children = handler(self, node, ctx)
                if children:
                    push(reversed(children))
        self.finish_function(self.toplevel)
        self.finish_self_reads()
        self.hand_out_items()
        for name, binding in self.function_globals.items():
            self.facts.bindings.setdefault(name, binding)
        if self.main.facts.calls or self.main.facts.registrations or self.main.facts.writes:
            self.facts.functions["<main>"] = self.main.facts
            self.finish_function(self.main)
        self.number_calls()
        if self.reads_env:  # most files read no variable
            self.note_env_reads()

    def hand_out_items(self) -> None:
        """A method returning an item of its object's attribute (``return self.bots[kind]``)
        returns what the class's methods put in those items (``self.bots[kind] =
        make_bot(kind)``): known once the whole file is walked. ``on_return`` noted the attribute
        ("[]Class.attr"); each becomes the kinds stored, or nothing when none is known."""
        for facts in self.facts.functions.values():
            kinds = (facts.returns_type,) if facts.returns_type.startswith("[]") else facts.returns_types
            if not any(k.startswith("[]") for k in kinds):
                continue
            out: set[str] = set()
            for k in kinds:
                out |= {m for m in self.item_kinds.get(k[2:], ()) if m} if k.startswith("[]") else {k}
            facts.returns_type, facts.returns_types = (next(iter(out)), ()) if len(out) == 1 else ("", tuple(sorted(out)))

    def item_slot(self, node: ast.expr, ctx: _Ctx) -> str:
        """"Class.attr" for ``self.attr`` in a method of a class of this file, else ""."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" and ctx.cls and ctx.fn.facts.class_name == ctx.cls:
            return f"{ctx.cls}.{node.attr}"
        return ""

    def number_calls(self) -> None:
        """A call's result is named in facts by the call's index in its function's calls, not
        by its position: facts that only moved stay equal (``moved.py`` maps positions alone)."""
        self.facts.escapes = tuple(sorted(self.escapes))
        self.facts.table_escapes = tuple(sorted(self.table_escapes))
        self.facts.dotted_strings = tuple(sorted(self.dotted_strings))
        self.facts.star_imports = tuple(sorted(self.star_imports))
        numbers = self.call_numbers
        for facts, node, sites, order in self.awaits:
            number = numbers.get(node, -1)
            if number < 0:
                facts.suspends_alone = True
            else:
                facts.awaited = facts.awaited + (number,)
            facts.suspensions = facts.suspensions + ((order, number),)
            for site in sites:
                site.call = number

        def renumber(deps: tuple[str, ...]) -> tuple[str, ...]:
            if not any(":@" in d for d in deps):
                return deps
            out = []
            for d in deps:
                hops = d[: len(d) - len(d.lstrip("o:"))] if d.startswith("o:") else ""  # a closure's: resolved in the enclosing function
                d = d[len(hops) :]
                if d[1:3] == ":@":  # ``c:@<node>:<shown>``, ``f:@<node>:<argument>:<shown>``
                    node, _, shown = d[3:].partition(":")
                    d = f"{d[0]}:{numbers.get(int(node), -1)}:{shown}"
                out.append(hops + d)
            return tuple(sorted(out))

        for fn in self.facts.functions.values():
            for w in (*fn.config_writes, *fn.writes):
                w.depends = renumber(w.depends)
                w.saved_to_from = renumber(w.saved_to_from)
            for c in (*fn.calls, *fn.spawn_calls.values()):
                if c.args:
                    c.args = tuple((k, src, renumber(deps)) for k, src, deps in c.args)
            fn.returns_from = renumber(fn.returns_from)
            fn.writes_file_from = renumber(fn.writes_file_from)
            for name, (src, deps) in fn.fills.items():
                fn.fills[name] = (src, renumber(deps))
            fn.branches_from = renumber(fn.branches_from)
        for klass in self.facts.classes.values():
            for name, entries in klass.attribute_sources.items():
                klass.attribute_sources[name] = [(m, src, renumber(deps)) for m, src, deps in entries]
        self.facts.attribute_writes = tuple(sorted({(a, q, src, renumber(deps)) for a, q, src, deps in self.attribute_writes}))

    def finish_self_reads(self) -> None:
        """A read of ``self.client`` where ``client`` is a property of the class, or of an
        attribute holding a function (handed out to be called), is a call of that function."""
        for facts, cls, attr, span, order, regions in self.self_reads:
            klass = self.facts.classes.get(cls)
            if klass is None:
                continue
            prop = self.facts.functions.get(f"{cls}.{attr}")
            stored = klass.attributes.get(attr)
            if (prop is not None and any(d in _PROPERTIES for d in prop.decorators)) or (stored is not None and stored.function):
                if not any(c.callee.kind == "self" and c.callee.name == attr for c in facts.calls):
                    facts.calls.append(Call(Ref("self", attr), span, "", (), regions, order))

    def finish_function(self, fn: _Fn) -> None:
        """Drop accesses to names that turned out to be local to the function."""
        self.finish_branches(fn)
        self.finish_handed(fn)
        for access, key, value in fn.saving:
            path = fn.saves.get((key, value))
            if path is not None:
                access.saved_to, access.saved_to_from = path[0], tuple(sorted(path[1]))
        if fn.saving and (fn.savers or fn.rows):
            self.saves_elsewhere(fn)
        if fn.overwrites is not None:
            fn.facts.writes_file, fn.facts.writes_file_from = fn.overwrites[0], tuple(sorted(fn.overwrites[1]))
        if fn.escaping:
            fn.facts.escaping = tuple(sorted(fn.escaping))
            fn.facts.relayed = self.relayed(fn)
        if not fn.facts.returns_type and len(fn.returned) == 1:
            fn.facts.returns_type = next(iter(fn.returned))  # "" when one return is unknown
        elif not fn.facts.returns_type and len(fn.returned) > 1:
            fn.facts.returns_types = tuple(sorted(r for r in fn.returned if r))
        local = fn.locals - fn.globals
        if not local:
            return
        f = fn.facts
        prefix = self.facts.module + "."

        def is_local(a: Access) -> bool:
            return a.target.startswith(prefix) and a.target[len(prefix) :].split(".", 1)[0] in local

        f.reads = [a for a in f.reads if not is_local(a)]
        f.writes = [a for a in f.writes if not is_local(a)]
        f.local_writes = [a for a in f.local_writes if not is_local(a)]

    def note_slot(self, fn: _Fn, target: ast.expr, value: ast.expr) -> None:
        """``st.session_state.config = value``: a chain of an imported object assigned, for
        ``FunctionFacts.stores``."""
        if type(target) is ast.Attribute or type(target) is ast.Subscript:
            chain = _chain(target)
            if chain.count(".") >= 2 and chain.split(".", 1)[0] in self.imports:
                fn.slots.append((chain, value))

    def finish_slots(self, fn: _Fn) -> None:
        """``FunctionFacts.stores`` and ``slot_args``: which call's result each chain of an
        imported object is assigned (through a local bound once), and the calls handed such a
        chain as it is (``f(config=st.session_state.config)``, ``.get("config")`` of it)."""
        numbers = self.call_numbers
        stores: set[tuple[str, int]] = set()
        for chain, value in fn.slots:
            value = _bound_once(fn, value)
            index = numbers.get(id(value), -1) if type(value) is ast.Call else -2 if type(value) is ast.Constant else -1
            stores.add((chain, index))
        fn.facts.stores = tuple(sorted(stores))
        slot_args: dict[str, list[tuple[int, str]]] = {}
        for first, end, args in fn.arguments:
            for key, a in zip(_argument_keys(args), args):
                v = a.value
                chain = ""
                if type(v) is ast.Call and type(v.func) is ast.Attribute and v.func.attr == "get" and v.args:  # type: ignore[attr-defined]
                    entry, base = _string(v.args[0]), _chain(v.func.value)  # type: ignore[attr-defined]
                    chain = f"{base}.{entry}" if base and entry is not None else ""
                elif type(v) is ast.Attribute or type(v) is ast.Subscript:
                    chain = _chain(v)
                if chain.count(".") >= 2 and chain.split(".", 1)[0] in self.imports:
                    slot_args.setdefault(chain, []).extend((i, key) for i in range(first, end))
        fn.facts.slot_args = {c: tuple(v) for c, v in sorted(slot_args.items())}

    def finish_handed(self, fn: _Fn) -> None:
        """Which calls are handed a parameter's value or a written environment value as an
        argument (``FunctionFacts.passes``, ``Access.given``): a local holds what was bound to
        it, a call's result what its receiver and arguments hold (``Agent(model=OpenAIChat(
        api_key=k))`` and ``crew = Crew(agents=[agent])`` hold ``k``). Imported names (``st`` of
        ``st.text_input(...)``) are no value of the function's."""
        # only parameters named for a credential are followed (most functions have none: 13 % of
        # the extraction of pdd's files when every parameter was); one not followed leaves the
        # calls it reaches unhanded, so a reader, never the reverse
        params = [p for p in fn.facts.params if _CREDENTIAL_NAME.search(p)]
        if fn.slots or fn.arguments:
            self.finish_slots(fn)
        if not fn.arguments or not (params or fn.written):
            return
        skip = self.imports
        roots: dict[str, frozenset[str]] = {}
        for name, value in fn.assigned:
            held = _holds(value, roots, skip)
            if held:
                roots[name] = roots.get(name, frozenset()) | held
        arguments = [
            (i, key, held) for first, end, args in fn.arguments
            for key, held in zip(_argument_keys(args), [_holds(a.value, roots, skip) for a in args]) for i in range(first, end)
        ]
        entry_of = {h.split(".", 1)[0] for _, _, held in arguments for h in held if "." in h}
        # only an object built with it (``return Config(reranker=Reranker(api_key=k))``), not what
        # a client built with it answers (``return client.chat(...)``: the reply holds no key)
        returned = [_holds(v, roots, skip) for v in fn.returning if _builds_object(v, fn)]
        fn.facts.returning = tuple(p for p in params if any(p in r for r in returned))
        for p in params:
            # the parameter, or an entry of it (``creds["key"]``, ``creds.get("key")``)
            passed = tuple((i, key) for i, key, held in arguments if p in held or p in entry_of and any(h.startswith(p + ".") for h in held))
            if passed:
                fn.facts.passes[p] = passed
        for access, value in fn.written:
            # handed the value, or the whole object it is an entry of (``Client(**body)`` hands
            # ``body["key"]`` on; ``f(body["text"])`` does not)
            wanted = {p for c in _holds(value, roots, skip) for p in _prefixes(c)}
            access.given = tuple((i, key) for i, key, held in arguments if wanted & held)
            access.returned = any(wanted & r for r in returned)

    def note_env_reads(self) -> None:
        """``FileFacts.env_reads``: every environment variable the file reads by name, "*" for
        one named at run time or the whole environment used as a value (copied, handed on).
        Read off the text, not the tree (a walk of every node was 11 % of the extraction of
        pdd's files, most of which name ``os.environ``): a comment or a string that spells a
        read counts as one, which only keeps a finding at its confidence."""
        names: set[str] = set()
        text = self.pos.text
        for m in _ENV_WORD.finditer(text):
            at, end = m.start(), m.end()
            if m.group() == "getenv":
                called = _ENV_CALL.match(text, end)
                if called is not None:
                    names.add(called.group("name") or self.read_by_parameter(called.group("ident"), at))
                continue
            read = _ENV_ITEM.match(text, end)
            if read is not None:
                if read.group("write") is None:
                    names.add(read.group("name") or read.group("name2") or self.read_by_parameter(read.group("ident") or read.group("ident2"), at))
                continue
            if _ENV_WRITE_METHOD.match(text, end):
                continue
            line = text[text.rfind("\n", 0, at) + 1 : at]
            tested = _ENV_TESTED.search(line)
            prose = _PROSE_AFTER.match(text, end)
            if tested is not None:
                names.add(tested.group("name"))
            elif prose is not None and prose.group(1) not in _KEYWORDS_AFTER_VALUE:
                continue  # a word right after it (``the os.environ variable``): a docstring's prose, no code
            elif not line.lstrip().startswith(("from ", "import ")):
                names.add("*")  # the whole environment as a value (``from os import environ``: no use)
        names.discard("")
        self.facts.env_reads = tuple(sorted(names))

    def read_by_parameter(self, ident: str | None, at: int) -> str:
        """A read of the environment by the name ``ident`` at offset ``at``: "" when ``ident`` is
        a parameter of the innermost function around it with a variable's name as its default
        (noted in that function's ``env_key_reads``: which variable it reads is decided by its
        callers), else "*" (a name computed at run time)."""
        if not ident or not self.name_defaulted:
            return "*"
        line = self.pos.line_of(at)
        inner: tuple[int, int, FunctionFacts] | None = None
        for start, end, facts in self.name_defaulted:
            if start <= line <= end and (inner is None or start >= inner[0]):
                inner = (start, end, facts)
        if inner is None or ident not in dict(inner[2].name_defaults):
            return "*"
        facts = inner[2]
        if ident not in facts.env_key_reads:
            facts.env_key_reads = facts.env_key_reads + (ident,)
        return ""

    # --------------------------------------------------------------- handlers
    def on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: _Ctx):
        outer = ctx.fn.facts
        name = node.name
        if outer.qualname not in ("<module>", "<main>") and not ctx.in_class_body:
            qual = f"{outer.qualname}.<locals>.{name}"
        elif ctx.in_class_body:
            qual = f"{ctx.cls}.{name}"
        else:
            qual = name
        decorators = []
        for d in node.decorator_list:
            expr = d.func if isinstance(d, ast.Call) else d
            ref = self.resolve_expr(expr, ctx)
            decorators.append(ref.name if ref.kind == "name" else (dotted(expr) or ""))
        a = node.args
        params = [p.arg for p in a.args] + [p.arg for p in a.posonlyargs] + [p.arg for p in a.kwonlyargs]
        if a.vararg is not None:
            params.append(a.vararg.arg)
        if a.kwarg is not None:
            params.append(a.kwarg.arg)
        facts = FunctionFacts(
            qual,
            self.pos.name_span(node),
            class_name=ctx.cls,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            decorators=tuple(decorators),
            params=tuple(params),
            one_shot=_is_one_shot(node, self.flag_setters),
            reentry_guarded=_is_reentry_guarded(node),
            optional=_optional_params(a),
            dispatches=name == "__new__" and _dispatches(node),
        )
        check = _admin_check(node, decorators)
        if check is not None:
            facts.admin_from = self.pos.name_span(node) if check is node else self.span(check)
        self.facts.functions[qual] = facts
        if ctx.in_class_body and ctx.cls in self.facts.classes:
            klass = self.facts.classes[ctx.cls]
            klass.methods = klass.methods + (name,)
        nested = not ctx.in_class_body and ctx.fn is not self.toplevel and ctx.fn is not self.main
        if nested:
            ctx.fn.locals.add(name)
            ctx.fn.nested.add(name)
            self.captured(node, ctx.fn)
        facts.signature = self.signature(a, ctx)
        if self.reads_env:
            facts.name_defaults = _name_defaults(a)
            if facts.name_defaults:
                self.name_defaulted.append((node.lineno, node.end_lineno or node.lineno, facts))
        # a parameter's value is what its callers pass: decided over the whole project
        fn = _Fn(facts, locals=set(params), sources={p: ("literal:", frozenset([f"p:{p}"])) for p in params}, node=node)
        if nested:
            fn.parent = ctx.fn
        facts.memoised = self.memo_return(node, ctx)
        facts.returns_type = self.annotation_type(node.returns, ctx) if node.returns is not None else ""
        for p in a.posonlyargs + a.args + a.kwonlyargs:
            typed = self.annotation_type(p.annotation, ctx) if p.annotation is not None else ""
            if typed:
                fn.instances[p.arg] = typed  # ``llm: LLM``: ``llm.call()`` is ``LLM.call``
        inner = _Ctx(fn, cls=ctx.cls)
        out: list = [(d, ctx) for d in node.decorator_list]
        for s in node.body:
            out.append((s, inner))
            guards = self.exit_guards(s, fn)
            if guards:  # past ``if not events: return``, the rest runs only with ``events``
                inner = replace(inner, guards=inner.guards + guards)
        out.append(_Exit(fn))  # last in source order: runs after the whole body
        return out

    def signature(self, a: ast.arguments, ctx: _Ctx) -> tuple[tuple[str, str, str], ...]:
        """The parameters in binding order with where their defaults come from (evaluated where
        the function is defined: a default naming the enclosing function's values is not known)."""
        positional = a.posonlyargs + a.args
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
        out = [(p.arg, "pos", self.default_source(d, ctx)) for p, d in zip(positional, defaults)]
        if a.vararg is not None:
            out.append((a.vararg.arg, "*", ""))
        out.extend((p.arg, "kw", self.default_source(d, ctx)) for p, d in zip(a.kwonlyargs, a.kw_defaults))
        if a.kwarg is not None:
            out.append((a.kwarg.arg, "**", ""))
        return tuple(out)

    def default_source(self, value: ast.expr | None, ctx: _Ctx) -> str:
        if value is None:
            return ""
        source, deps = self.value_source(value, ctx)
        return "unknown:a default computed from the enclosing function" if deps else source

    def on_return(self, node: ast.Return, ctx: _Ctx):
        if node.value is not None and ctx.fn is not self.toplevel and ctx.fn is not self.main:
            facts = ctx.fn.facts
            _add_return(facts, self.value_source(node.value, ctx))
            ctx.fn.returning.append(node.value)
            made = self.object_made(node.value, ctx)
            if not made and isinstance(node.value, ast.Subscript) and self.item_slot(node.value.value, ctx):
                made = "[]" + self.item_slot(node.value.value, ctx)  # ``return self.bots[kind]``: ``hand_out_items``
            ctx.fn.returned.add(made)
            if isinstance(node.value, (ast.Name, ast.Attribute)):
                name = self.escapee(node.value, ctx)
                if name:
                    facts.hands_out = tuple(sorted({*facts.hands_out, name}))
            self.escape(node.value, ctx)
            return [(node.value, ctx)]
        return [(node.value, ctx)] if node.value is not None else ()

    def dispatch_table(self, node: ast.Assign, ctx: _Ctx) -> bool:
        """``table = {"a": A, "b": B}`` in a function, where ``table`` is only ever indexed
        (``table[k]``, ``table.get(k)``) and what is picked only called, at once or through a
        local (``cls = table[k]; cls(**data)``): a call through it calls one of the values, with
        its arguments (``_Fn.tables``), and nothing is handed on. OpenHands builds its condenser
        configs so; counted as handed on, their fields' values were unknown."""
        fn = ctx.fn
        value = node.value
        if fn.node is None or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or not isinstance(value, ast.Dict) or not value.values:
            return False
        refs: list[str] = []
        for v in value.values:
            ref = self.resolve_expr(v, ctx) if isinstance(v, (ast.Name, ast.Attribute)) else Ref("unknown", "")
            if ref.kind != "name":
                return False
            refs.append(ref.name)
        table = node.targets[0].id
        if table in fn.globals:
            return False
        parents = _parent_map(fn.node)
        picks: set[str] = set()
        stores = 0
        for n in _walk(fn.node):
            if not isinstance(n, ast.Name) or n.id != table:
                continue
            if not isinstance(n.ctx, ast.Load):
                stores += 1
                continue
            p = parents.get(id(n))
            if isinstance(p, ast.Compare) and n is not p.left and all(type(op) in (ast.In, ast.NotIn) for op in p.ops):
                continue  # ``if kind not in table``
            if isinstance(p, ast.Attribute) and p.attr == "keys":
                continue
            if isinstance(p, ast.Attribute) and p.attr == "get":
                call = parents.get(id(p))
                if not (isinstance(call, ast.Call) and call.func is p):
                    return False
                pick: ast.AST = call
            elif isinstance(p, ast.Subscript) and p.value is n:
                pick = p
            else:
                return False  # iterated, passed, returned, stored: handed on
            user = parents.get(id(pick))
            if isinstance(user, ast.Call) and user.func is pick:
                continue
            if isinstance(user, ast.Assign) and len(user.targets) == 1 and isinstance(user.targets[0], ast.Name) and user.value is pick:
                picks.add(user.targets[0].id)
                continue
            return False
        if stores != 1:
            return False
        for n in _walk(fn.node):
            if isinstance(n, ast.Name) and n.id in picks and isinstance(n.ctx, ast.Load):
                p = parents.get(id(n))
                if not (isinstance(p, ast.Call) and p.func is n):
                    return False
        fn.tables[table] = tuple(refs)
        for name in picks:
            fn.tables[name] = tuple(refs)
        return True

    def unread_table(self, targets: list[ast.expr], ctx: _Ctx) -> str:
        """The module table this module-level statement defines or fills (``T = {...}``,
        ``T[k] = v``), when the file never reads it, else ""."""
        if ctx.fn is not self.toplevel or len(targets) != 1:
            return ""
        t = targets[0]
        if isinstance(t, ast.Subscript):
            t = t.value
        return t.id if isinstance(t, ast.Name) and t.id in self.unread_tables else ""

    def escape(self, value: ast.expr | None, ctx: _Ctx, table: str = "") -> None:
        """A function or class handed on as a value (an argument, a stored or returned value, an
        entry of a registry): it is then called from places the call graph cannot see, so its
        visible callers do not decide its parameters (``FileFacts.escapes``). Put in ``table``,
        a module table this file never reads: handed on only if another module reads it."""
        todo: list[ast.expr] = [value] if value is not None else []
        while todo:
            n = todo.pop()
            if isinstance(n, (ast.List, ast.Tuple, ast.Set)):
                todo.extend(n.elts)
            elif isinstance(n, ast.Dict):
                todo.extend(v for v in n.values if v is not None)
            elif isinstance(n, ast.Starred):
                todo.append(n.value)
            elif isinstance(n, (ast.Name, ast.Attribute)):
                name = self.escapee(n, ctx)
                if name and table:
                    self.table_escapes.add((table, name))
                elif name:
                    self.escapes.add(name)

    def startup_hooks(self, value: ast.expr, ctx: _Ctx) -> None:
        """``value`` becomes the app's start-up / shutdown hook: the project functions it may be
        run as such (``startup_refs``), each once per app."""
        for ref in self.startup_refs(value, ctx, set()):
            ctx.fn.facts.spawns.append((ref, "startup hook"))

    def startup_refs(self, value: ast.expr, ctx: _Ctx, seen: set[str]) -> Iterator[Ref]:
        """The functions a hook handed to a start-up sink may run, followed through lists,
        locals (what was bound or added to them so far), ``a if c else b`` and calls: a call's
        function arguments are what it combines (``functools.partial(db_lifespan, ...)``, a
        project helper folding a list of lifespans into one) and it may return one of its own
        (``lifespan=init()``: ``FunctionFacts.hands_out``). agno appends its httpx-closing
        lifespan to a list, folds it with ``_combine_app_lifespans`` and sets the result as
        ``router.lifespan_context`` or passes it to ``_make_app(lifespan=...)``."""
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for el in value.elts:
                yield from self.startup_refs(el, ctx, seen)
        elif isinstance(value, ast.Starred):
            yield from self.startup_refs(value.value, ctx, seen)
        elif isinstance(value, ast.IfExp):
            yield from self.startup_refs(value.body, ctx, seen)
            yield from self.startup_refs(value.orelse, ctx, seen)
        elif isinstance(value, ast.BoolOp):
            for v in value.values:
                yield from self.startup_refs(v, ctx, seen)
        elif isinstance(value, ast.Subscript):
            yield from self.startup_refs(value.value, ctx, seen)  # ``lifespans[0]``
        elif isinstance(value, ast.Call):
            r = self.resolve_expr(value.func, ctx)
            if r.kind == "name":
                yield Ref("returned", r.name)
            for a in _args(value):
                yield from self.startup_refs(a.value, ctx, seen)
        elif isinstance(value, ast.Name) and value.id in ctx.fn.held and value.id not in ctx.fn.nested:
            if value.id not in seen:
                seen.add(value.id)
                for held in ctx.fn.held[value.id]:
                    yield from self.startup_refs(held, ctx, seen)
        elif isinstance(value, (ast.Name, ast.Attribute)):
            r = self.resolve_expr(value, ctx)
            if r.kind == "name":
                yield r
            elif r.kind == "local" and r.name in ctx.fn.nested:
                yield Ref("name", f"{self.facts.module}.{ctx.fn.facts.qualname}.<locals>.{r.name}")

    def escapee(self, n: ast.Name | ast.Attribute, ctx: _Ctx) -> str:
        """The project function or class a name handed on may be (qualified), or "". A
        parameter handed on makes its function's parameter escape (``FunctionFacts.escaping``)."""
        root = n.id if isinstance(n, ast.Name) else (dotted(n) or ".").split(".", 1)[0]
        if root in ctx.fn.locals and root != "self" and (isinstance(n, ast.Attribute) or root not in ctx.fn.nested):
            if isinstance(n, ast.Name) and root in ctx.fn.facts.params:
                ctx.fn.escaping.add(root)
            return ""  # a local's value (most arguments): not a function handed on
        if not (root == "self" or root in self.imports or root in self.top_names or root in ctx.fn.locals):
            return ""  # a builtin or a name not known here
        ref = self.resolve_expr(n, ctx)
        if ref.kind == "name" and (isinstance(n, ast.Attribute) or n.id not in self.facts.bindings):  # type: ignore[attr-defined]
            return ref.name
        if ref.kind == "self" and "." not in ref.name and ctx.cls:
            return f"{self.facts.module}.{ctx.cls}.{ref.name}"
        if ref.kind == "local" and ref.name in ctx.fn.nested:
            return f"{self.facts.module}.{ctx.fn.facts.qualname}.<locals>.{ref.name}"
        return ""

    def on_class(self, node: ast.ClassDef, ctx: _Ctx):
        outer = ctx.cls if ctx.in_class_body else ""
        if ctx.fn.facts.qualname not in ("<module>", "<main>") and not ctx.in_class_body:
            qual = f"{ctx.fn.facts.qualname}.<locals>.{node.name}"
        else:
            qual = f"{outer}.{node.name}" if outer else node.name
        bases = tuple(self.resolve_expr(b, ctx) for b in node.bases)
        klass = ClassFacts(qual, self.pos.name_span(node), bases)
        for d in node.decorator_list:
            expr = d.func if isinstance(d, ast.Call) else d
            ref = self.resolve_expr(expr, ctx)
            klass.decorators += (ref.name if ref.kind == "name" else (dotted(expr) or "?"),)
        self.facts.classes[qual] = klass
        self.class_nodes[qual] = node
        inner = _Ctx(ctx.fn, cls=qual, in_class_body=True)
        out: list = [(d, ctx) for d in node.decorator_list]
        out.extend((b, ctx) for b in node.bases)
        out.extend((s, inner) for s in node.body)
        return out

    def on_if(self, node: ast.If, ctx: _Ctx):
        if ctx.fn is self.toplevel and not ctx.in_class_body and _is_main_test(node.test):
            main = _Ctx(self.main)
            out: list = [(node.test, ctx)]
            out.extend((s, main) for s in node.body)
            out.extend((s, ctx) for s in node.orelse)
            return out
        for stmt in node.body:
            if isinstance(stmt, (ast.With, ast.AsyncWith)):
                self._checked_before[id(stmt)] = _mentions(node.test)
        if not node.orelse and node.body and isinstance(node.body[-1], (ast.Return, ast.Raise)):
            # a hit leaves here: the code below runs on a miss only
            ctx.fn.exit_checked |= _storage_mentions(node.test, _storage_of(ctx.fn.keyed))
        self.branch(node.test, ctx)
        guards = self.guard_params(node.test, ctx.fn)
        filled, filled_else = self.unset_fill(node, ctx)
        memo = self.memo_slot(node, ctx) or filled
        checked = _lookups(node.test, ctx.fn)
        narrowed = self.narrowing(node, ctx)
        attrs = _self_attrs_tested(node.test) if ctx.fn.facts.class_name else ()
        absent = self.tested_absent(node.test, ctx)
        unset = self.tested_unset(node.test, ctx)
        if not guards and not memo and not checked and not narrowed and not attrs and not absent and not unset:
            body = ctx
        else:
            body = replace(
                ctx, guards=ctx.guards + guards, memo=memo or ctx.memo, checked=ctx.checked + checked, narrowed=ctx.narrowed + narrowed,
                attr_guards=ctx.attr_guards + attrs, absent=ctx.absent + absent, unset=ctx.unset + unset,
            )
        out: list = [(node.test, ctx)]
        out.extend((s, body) for s in node.body)
        fn = ctx.fn
        orelse = replace(ctx, memo=filled_else) if filled_else else ctx
        # only when a local's object is known before the if: nothing to hide from the else otherwise
        if node.orelse and (fn.results or fn.instances):
            mark = _Else(fn, (dict(fn.results), dict(fn.instances)))
            out.append(mark)
            out.extend((s, orelse) for s in node.orelse)
            out.append(_EndIf(mark))
        else:
            out.extend((s, orelse) for s in node.orelse)
        return out

    def unset_fill(self, node: ast.If, ctx: _Ctx) -> tuple[str, str]:
        """The environment variable an ``if`` fills in the branch that runs only while it is
        unset, as a memo slot (``Access.memo``): (for the body, for the else), "" each when none.
        ``if not os.environ.get(K): os.environ[K] = v``, ``if K not in os.environ:``, or a local
        that holds the variable there, bound by the statement just before the ``if``
        (``name = name or os.getenv(K)``, ``if not name: name = os.environ.get(K)``; adk's code
        executor then creates an extension in ``else:`` and stores its name for the next one).
        The first caller's value stays; every later one finds it set and writes nothing."""
        if not self.reads_env:
            return ("", "")  # most files read no variable
        terms = _and_terms(node.test)
        if len(terms) > 1:
            # ``if key not in os.environ and val:``: the body runs only while ``key`` is unset
            # (PraisonAI's Harbor agent fills each unset variable of its agent env); the else
            # runs for either reason, so it fills nothing once
            found = [k for t in terms for k, in_body in [self._unset_test(t, node, ctx)] if k is not None and in_body]
            key, unset_in_body = (found[0], True) if found else (None, True)
        else:
            key, unset_in_body = self._unset_test(node.test, node, ctx)
        if key is None:
            return ("", "")
        branch = node.body if unset_in_body else node.orelse
        if _awaits(branch):
            return ("", "")  # tasks that await before the fill may each find it unset
        for n in _statements(branch):
            for target in n.targets if isinstance(n, ast.Assign) else ():
                if isinstance(target, ast.Subscript) and self.is_environ(target.value, ctx) and ast.dump(target.slice) == key:
                    slot = f"os.environ[{ast.unparse(target.slice)}]"
                    return (slot, "") if unset_in_body else ("", slot)
        return ("", "")

    def _unset_test(self, test: ast.expr, node: ast.If, ctx: _Ctx) -> tuple[str | None, bool]:
        """The key (``ast.dump``) of the environment variable ``test`` tests for being unset,
        or None, and whether the test holds (the if's body runs) while it is unset."""
        negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        inner = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else test
        if isinstance(inner, ast.Compare) and len(inner.ops) == 1 and isinstance(inner.ops[0], (ast.In, ast.NotIn)):
            key = ast.dump(inner.left) if self.is_environ(inner.comparators[0], ctx) else None
            return key, isinstance(inner.ops[0], ast.NotIn) != negated
        if isinstance(inner, ast.Compare) and len(inner.ops) == 1 and isinstance(inner.ops[0], (ast.Is, ast.IsNot)) and _is_none(inner.comparators[0]):
            return self._variable_value(inner.left, node, ctx), isinstance(inner.ops[0], ast.Is) != negated
        if isinstance(inner, ast.Compare):
            return None, False
        return self._variable_value(inner, node, ctx), negated

    def _variable_value(self, expr: ast.expr, node: ast.If, ctx: _Ctx) -> str | None:
        """The key (``ast.dump``) of the environment variable ``expr`` is the value of, when it
        is falsy only if the variable is unset or empty: a lookup, or a local bound from one by
        the statement just before ``node`` (``x = a or os.getenv(K)``, ``x = os.environ.get(K)``,
        ``if not x: x = os.environ.get(K)``)."""
        if not isinstance(expr, ast.Name):
            return self._lookup_key(expr, ctx)
        prev = self._statement_before(ctx.fn, node)
        if prev is None:
            return None
        name = expr.id
        if isinstance(prev, ast.If) and not prev.orelse and len(prev.body) == 1:
            test = prev.test
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name) and test.operand.id == name:
                prev = prev.body[0]  # ``if not x: x = lookup``: falsy after it only if the lookup was
        if not (isinstance(prev, ast.Assign) and len(prev.targets) == 1 and isinstance(prev.targets[0], ast.Name) and prev.targets[0].id == name):
            return None
        value = prev.value
        if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
            value = value.values[-1]  # ``a or lookup``: falsy only if the last is
        return self._lookup_key(value, ctx)

    def _lookup_key(self, value: ast.expr, ctx: _Ctx) -> str | None:
        """``environ_lookup``'s key for a ``get`` / ``getenv`` (not ``os.environ[k]``, which
        raises while unset, nor ``pop``, which unsets it)."""
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "pop":
            return None
        return None if isinstance(value, ast.Subscript) else self.environ_lookup(value, ctx)

    def _statement_before(self, fn: _Fn, stmt: ast.stmt) -> ast.stmt | None:
        """The statement just before ``stmt`` in its block of ``fn``'s body, if any (a map of
        the function's blocks, made once per function)."""
        before = self._before.get(id(fn.node))
        if before is None:
            before = self._before[id(fn.node)] = {}
            for block in _blocks(fn.node) if fn.node is not None else ():
                for a, b in zip(block, block[1:]):
                    before[id(b)] = a
        return before.get(id(stmt))

    def narrowing(self, node: ast.If, ctx: _Ctx) -> tuple[tuple[str, str], ...]:
        """The locals an ``if`` test requires to be of one named class, ``isinstance(x, Cls)``
        alone or as a term of an ``and``, and its body does not rebind: in the body, ``x`` is a
        ``Cls`` (a ``setattr(x, key, v)`` there sets that class's attributes only)."""
        terms = _and_terms(node.test)
        out: list[tuple[str, str]] = []
        for t in terms:
            if not (isinstance(t, ast.Call) and isinstance(t.func, ast.Name) and t.func.id == "isinstance" and len(t.args) == 2 and not t.keywords):
                continue
            obj, cls = t.args
            if not isinstance(obj, ast.Name) or not isinstance(cls, (ast.Name, ast.Attribute)):
                continue  # a tuple of classes: any of them
            ref = self.resolve_expr(cls, ctx)
            if ref.kind != "name":
                continue
            if not _binds(node, obj.id, node.body):
                out.append((obj.id, ref.name))
        return tuple(out)

    def guard_params(self, test: ast.expr, fn: _Fn) -> tuple[str, ...]:
        """The parameters a branch test requires true: ``p`` or (for a None default) ``p is not
        None``, alone or as terms of an ``and``, for a parameter the function never rebinds to
        another value. An optional one needs a caller that passes it; a required one, a caller
        whose argument may be true (its own parameter handed on needs the same of its callers)."""
        optional = _named_params(fn.node)
        if not optional:
            return ()
        terms = _and_terms(test)
        out: list[str] = []
        for t in terms:
            if (
                isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.IsNot)
                and isinstance(t.comparators[0], ast.Constant) and t.comparators[0].value is None
                and isinstance(t.left, ast.Name) and _default_is_none(fn.node, t.left.id)
            ):
                t = t.left
            if isinstance(t, ast.Name) and t.id in optional:
                out.append(t.id)
        return self.kept_params(out, fn)

    def exit_guards(self, stmt: ast.stmt, fn: _Fn) -> tuple[str, ...]:
        """The optional parameters the rest of a function's body needs true after ``stmt``, an
        early exit on them: ``if not events: return`` (or ``raise``), ``if p is None: return``
        for a None default, or ``if not a or not b: return``. PraisonAI's
        ``_setup_event_tracking(events)`` changes litellm's lists only past ``if not events:
        return``, and no construction of its class passes ``events``."""
        optional = _named_params(fn.node)
        if not optional or not isinstance(stmt, ast.If) or stmt.orelse or len(stmt.body) != 1 or not isinstance(stmt.body[0], (ast.Return, ast.Raise)):
            return ()
        test = stmt.test
        terms = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
        out: list[str] = []
        for t in terms:
            if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not) and isinstance(t.operand, ast.Name) and t.operand.id in optional:
                out.append(t.operand.id)
            elif (
                isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Is) and _is_none(t.comparators[0])
                and isinstance(t.left, ast.Name) and t.left.id in optional and _default_is_none(fn.node, t.left.id)
            ):
                out.append(t.left.id)
        return self.kept_params(out, fn)

    def partial_wrapped(self, name: str, fn: _Fn, ctx: _Ctx) -> str:
        """The project function a name last bound to ``functools.partial(f, key=...)`` wraps
        (keywords only: a call of the partial passes its positions to ``f`` unchanged), else "".
        Handed on, it is ``f`` that is called (OpenHands' evaluation scripts bind their
        ``process_instance`` to a log folder before handing it to ``run_evaluation``)."""
        value = next((v for n, v in reversed(fn.assigned) if n == name), None)
        if not (isinstance(value, ast.Call) and len(value.args) == 1 and not isinstance(value.args[0], ast.Starred)):
            return ""
        if self.resolve_expr(value.func, ctx).name != "functools.partial" or any(k.arg is None for k in value.keywords):
            return ""
        wrapped = value.args[0]
        ref = self.resolve_expr(wrapped, ctx) if isinstance(wrapped, (ast.Name, ast.Attribute)) else None
        return ref.name if ref is not None and ref.kind == "name" else ""

    def relayed(self, fn: _Fn) -> tuple[str, ...]:
        """The escaping parameters whose every use is in ``fn.relay_uses`` (``FunctionFacts.relayed``):
        never rebound, stored, returned, put in a container, used in a nested function or lambda,
        nor passed where the call is not recorded."""
        params = [p for p in self.kept_params(sorted(fn.escaping), fn) if p not in ("self", "cls")]
        if not params or fn.node is None:
            return ()
        scope = self.scope_of(fn.node)
        if scope is None:
            return ()
        wanted, relay = set(params), fn.relay_uses
        other = {name for name, nid, nested in scope.uses if name in wanted and (nested or nid not in relay)}
        return tuple(p for p in params if p in scope.params and p not in other)

    def kept_params(self, out: list[str], fn: _Fn) -> tuple[str, ...]:
        """Those of the parameters ``out`` the function never rebinds to another value."""
        if out and fn.rebound is None:
            scope = self.scope_of(fn.node) if fn.node is not None else None
            fn.rebound = scope.rebound if scope is not None else set()
        return tuple(p for p in out if p not in fn.rebound)  # type: ignore[operator]

    def scope_of(self, node: ast.AST) -> "_Scope | None":
        """The names of a ``def`` of this file that ``kept_params`` and ``relayed`` ask about, from
        one walk of the whole file (None for a node not in its tree). A walk of each function's
        subtree, nested ones once per enclosing function, was 16% of pdd's extraction."""
        if self._scopes is None:
            self._scopes = _scopes(self.tree)
        return self._scopes.get(id(node))

    def memo_slot(self, node: ast.If, ctx: _Ctx) -> str:
        """The memo slot an ``if`` fills when it is empty, else "": ``if self._llm is None:
        self._llm = LLM(...)``, ``if key not in CACHE: CACHE[key] = ...``, or ``cached =
        CACHE.get(key)`` / ``if cached is None: cached = build(); CACHE[key] = cached``. The
        slot persists between calls (an attribute of ``self`` or of a class, or module-level
        storage): a local's check-and-fill memoises nothing."""
        if ctx.fn.node is None:
            return ""
        test = node.test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            checked = test.operand
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) and _is_none(test.comparators[0]):
            checked = test.left
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn):
            checked = test.comparators[0]  # ``key not in CACHE``: the fill is ``CACHE[...] = ...``
        else:
            return ""
        slot = _chain_text(checked)
        if slot is None:
            return ""
        filled = self._memo_fill(node, ctx, checked, slot)
        # tasks that await between the check and the fill may each miss and build. Asked only of
        # an ``if`` that fills a slot: each ``if not x:`` walked its body, and the nested ones
        # again. With ``_awaits``' single walk and ``reads_env``: extracting pdd/'s files (18.7 k
        # ifs) 9.5 -> 8.5 CPU-s, ``_awaits`` called 3,624 -> 145 times
        return "" if filled and _awaits(node.body) else filled

    def _memo_fill(self, node: ast.If, ctx: _Ctx, checked: ast.expr, slot: str) -> str:
        """``memo_slot``'s slot, whether or not the body awaits before the fill."""
        test = node.test
        keyed = isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.NotIn)
        for n in _statements(node.body):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AnnAssign) and n.value is not None else []
            for t in targets:
                if keyed:
                    if isinstance(t, ast.Subscript) and _chain_text(t.value) == slot and self.persists(slot, ctx):
                        return f"{slot}[...]"
                elif _chain_text(t) == slot and isinstance(checked, (ast.Attribute, ast.Name)) and self.persists(slot, ctx, "." not in slot):
                    return slot
                elif (
                    isinstance(checked, ast.Name) and isinstance(t, (ast.Subscript, ast.Attribute))
                    and isinstance(n.value, ast.Name) and n.value.id == slot  # type: ignore[union-attr]
                ):
                    base = _chain_text(t.value)
                    if base is not None and self.persists(base, ctx):
                        return f"{base}[...]" if isinstance(t, ast.Subscript) else _chain_text(t) or ""
        if not keyed and isinstance(checked, (ast.Attribute, ast.Name)) and self.persists(slot, ctx):
            return slot if self.latched_by_callee(node.body, slot, ctx) else ""
        return ""

    def latched_by_callee(self, body: list[ast.stmt], slot: str, ctx: _Ctx) -> bool:
        """Whether a function of this file called in ``body`` sets the latch ``slot`` to a value
        (not None / False): ``if not LLM._configured: LLM._configure()`` with ``cls._configured =
        True`` inside runs once per process (PraisonAI's ``LLM.__init__`` resets litellm's
        callback lists through it, once). A method is looked up in the enclosing class only."""
        cls = ctx.cls or ctx.fn.facts.class_name
        short = cls.rsplit(".", 1)[-1]
        root, _, attr = slot.partition(".")
        owners = ("self", "cls", short) if attr else ()
        if attr and root not in owners:
            return False
        for n in _statements(body):
            call = n.value if isinstance(n, ast.Expr) else None
            if not isinstance(call, ast.Call):
                continue
            f = call.func
            if isinstance(f, ast.Name) and not attr:
                target = self.top_def(f.id)
                if target is not None and _sets_flag(target, slot):
                    return True
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ("self", "cls", short) and attr:
                for d in self.class_nodes[cls].body if cls in self.class_nodes else ():
                    if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)) and d.name == f.attr and _sets_attr(d, owners, attr):
                        return True
        return False

    def top_def(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The module-level function ``name`` of this file, if any."""
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                return stmt
        return None

    def persists(self, text: str, ctx: _Ctx, rebinds: bool = False) -> bool:
        """Whether storage named ``text`` outlives a call: an attribute of ``self`` / ``cls`` /
        a class, or a module-level name (declared ``global`` where it is rebound)."""
        root = text.split(".", 1)[0]
        if root in ("self", "cls"):
            return "." in text
        if root in ctx.fn.globals:
            return True
        return not rebinds and root not in ctx.fn.locals and root in self.top_names

    def memo_return(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: _Ctx) -> str:
        """The memo slot of a function memoised per key (``if key in CACHE: return CACHE[key]``
        first, ``CACHE[key] = value`` further down), else ""."""
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        first = body[0] if body else None
        if not (isinstance(first, ast.If) and first.body and isinstance(first.body[-1], ast.Return)):
            return ""
        test = first.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In)):
            return ""
        slot = _chain_text(test.comparators[0])
        if slot is None or slot.split(".", 1)[0] in {p.arg for p in node.args.args + node.args.kwonlyargs if p.arg not in ("self", "cls")}:
            return ""
        root = slot.split(".", 1)[0]
        if not (root in ("self", "cls") and "." in slot or root in self.top_names):
            return ""
        if _awaits(body[1:]):
            return ""  # tasks that await between the check and the fill may each miss and build
        for n in _statements(body[1:]):
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and _chain_text(t.value) == slot for t in n.targets):
                return f"{slot}[...]"
        return ""

    def on_ifexp(self, node: ast.IfExp, ctx: _Ctx):
        self.branch(node.test, ctx)
        return [(c, ctx) for c in _children(node)]

    def branch(self, test: ast.expr | None, ctx: _Ctx) -> None:
        """Keep what a branch of a function tests, for ``FunctionFacts.branches`` (an
        ``except``, ``test`` None, depends on what failed, which is not known)."""
        if not (ctx.fn is self.toplevel or ctx.fn is self.main or ctx.in_class_body):
            ctx.fn.tests.append((test, ctx))

    def finish_branches(self, fn: _Fn) -> None:
        """What the branches test, for a function that writes client config (the only ones
        asked: a third of the cost of the provenance facts went to every ``if`` of every
        function)."""
        facts, tests = fn.facts, fn.tests
        # each (test, ctx) refers back to fn: a cycle that kept every function's tree alive in
        # the workers, whose collector is off (pdd: 1.1 M objects, a worker's 48 MB -> 225 MB)
        fn.tests = []
        if not facts.config_writes or not tests:
            return
        best: Prov = ("literal:", _NO_DEPS)
        for test, ctx in tests:
            best = _join(best, self.value_source(test, ctx) if test is not None else ("unknown:an exception", _NO_DEPS))
            if _RANK[best[0].split(":", 1)[0]] == 3:
                break
        facts.branches, facts.branches_from = best[0], tuple(sorted(best[1]))

    def on_global(self, node: ast.Global, ctx: _Ctx):
        ctx.fn.globals.update(node.names)
        return ()

    def on_import(self, node: ast.Import | ast.ImportFrom, ctx: _Ctx):
        if ctx.fn is not self.toplevel or ctx.in_class_body:
            add_import(self.imports, node, self.facts.module, self.facts.is_package, aliases=self.aliases)
        return ()

    def on_assign(self, node: ast.Assign, ctx: _Ctx):
        out: list = [(node.value, ctx)]
        if not ctx.in_class_body:
            for t in node.targets:
                _note_bound(ctx.fn, t, node.value)
                self.note_slot(ctx.fn, t, node.value)
        if type(node.value) in _ESCAPING and id(node) not in self.renames and not self.dispatch_table(node, ctx) and not self.called_alias(node, ctx):
            self.escape(node.value, ctx, self.unread_table(node.targets, ctx))
        for t in node.targets:
            out.extend(self.assign_target(t, node.value, ctx, "assign", node))
        return out

    def on_annassign(self, node: ast.AnnAssign, ctx: _Ctx):
        out: list = []
        if type(node.value) in _ESCAPING and not ctx.in_class_body:
            self.escape(node.value, ctx, self.unread_table([node.target], ctx))
        if node.value is not None:
            out.append((node.value, ctx))
            if not ctx.in_class_body:
                _note_bound(ctx.fn, node.target, node.value)
                self.note_slot(ctx.fn, node.target, node.value)
            out.extend(self.assign_target(node.target, node.value, ctx, "assign", node))
        elif isinstance(node.target, ast.Name) and not ctx.in_class_body:
            ctx.fn.locals.add(node.target.id)
        self.typed_attribute(node, ctx)
        return out

    def typed_attribute(self, node: ast.AnnAssign, ctx: _Ctx) -> None:
        """A field typed with a class (``llm: LLM`` in a pydantic model or dataclass,
        ``self.llm: LLM = llm``): ``self.llm.call()`` is ``LLM.call``, and a field typed with a
        client class is a client."""
        klass = self.facts.classes.get(ctx.cls)
        target = node.target
        if klass is None:
            return
        if ctx.in_class_body and isinstance(target, ast.Name):
            name = target.id
        elif not ctx.in_class_body and isinstance(target, ast.Attribute) and self.resolve_expr(target, ctx).kind == "self" and "." not in (dotted(target) or "").partition(".")[2]:
            name = target.attr
        else:
            return
        typed = self.annotation_type(node.annotation, ctx)
        if not typed:
            return
        binding = klass.attributes.get(name)
        if binding is None:
            kind = "client" if typed in self.catalog.client_factories else "value"
            klass.attributes[name] = Binding(name, self.span(target), kind, typed, scope="class" if ctx.in_class_body else "instance")
        elif binding.kind == "value" and not binding.function:
            binding.factory = typed

    def on_augassign(self, node: ast.AugAssign, ctx: _Ctx):
        out: list = [(node.value, ctx)]
        out.extend(self.assign_target(node.target, node.value, ctx, "augmented", node))
        # ``x += 1`` also reads x
        out.append((node.target, ctx))
        return out

    def on_del(self, node: ast.Delete, ctx: _Ctx):
        out: list = []
        targets = node.targets if len(node.targets) > 1 else _targets(node.targets[0])
        for el in targets:
            if isinstance(el, ast.Subscript):
                ref = self.resolve_expr(el.value, ctx)
                if ref.kind == "name" and ref.name == cat.ENVIRON:
                    self.config_write(cat.ENVIRON, "delete", node, ctx, key=_string(el.slice) or "")
                    continue
                if ref.kind == "name" and ref.name in self.catalog.registries:
                    self.registration(ref.name, "delete", node, ctx)
                    continue
            out.extend(self.assign_target(el, None, ctx, "delete", node))
        return out

    def assign_target(self, target: ast.expr, value: ast.expr | None, ctx: _Ctx, how: str, stmt: ast.AST) -> list:
        """Record what assigning to ``target`` means; return sub-expressions still to walk."""
        fn = ctx.fn
        out: list = []
        if isinstance(target, ast.Subscript) and value is not None and self.item_slot(target.value, ctx):
            self.item_kinds.setdefault(self.item_slot(target.value, ctx), set()).add(self.object_made(value, ctx))
        if isinstance(target, ast.Subscript) and isinstance(value, ast.Name) and value.id in fn.facts.params and fn.node is not None:
            table = self.picked_table(target, ctx)  # ``TABLE[name] = cls`` in a decorator
            if table:
                fn.facts.files_into = tuple(sorted({*fn.facts.files_into, (value.id, table)}))
        if isinstance(target, (ast.Tuple, ast.List)):
            outer = self._target_source
            if value is not None and outer is None:
                # ``key, val = line.split("=", 1)``: each name holds a part of what the value holds
                # (Qwen-Agent's .env loader was "a value not visible here")
                self._target_source = self.value_source(value, ctx)
            for el in target.elts:
                inner = el.value if isinstance(el, ast.Starred) else el
                out.extend(self.assign_target(inner, None, ctx, how, stmt))
            self._target_source = outer
            return out
        if isinstance(target, ast.Starred):
            return self.assign_target(target.value, None, ctx, how, stmt)
        if isinstance(target, ast.Name):
            name = target.id
            if ctx.in_class_body:
                klass = self.facts.classes.get(ctx.cls)
                if klass is not None:
                    binding = self.binding_for(name, value, ctx)
                    # a dataclass / pydantic field's default_factory runs once per instance
                    binding.scope = "instance" if _default_factory(value) is not None else "class"
                    binding.span = self.span(target)
                    klass.attributes[name] = binding
                    # a field's default (pydantic / dataclass): what an instance holds when its
                    # construction does not pass the field
                    source, deps = self.field_default(value, ctx)
                    klass.attribute_sources.setdefault(name, []).append(("", source, tuple(sorted(deps))))
                    if _none_default(value):
                        klass.none_defaults = tuple(sorted({*klass.none_defaults, name}))
                return out
            if fn is self.toplevel or fn is self.main:
                if type(value) in _HOLDING:
                    fn.held.setdefault(name, []).append(value)  # type: ignore[arg-type]
                # a Streamlit script's module level runs per visitor: its names carry sources too
                self.bind_source(self.toplevel, name, self.value_source(value, ctx))
                if fn is self.toplevel and how == "assign" and name not in self.facts.bindings:
                    binding = self.binding_for(name, value, ctx)
                    binding.span = self.span(target)
                    self.facts.bindings[name] = binding
                if fn is self.main:
                    # ``app = WebUI()`` then ``app.run()`` in the ``__main__`` block: the name is
                    # typed like a function's local (no module binding: importers never see it).
                    # aideml's Streamlit UI reached its per-visitor key exports only so: 4 misses
                    factory = self.factory_of(value, ctx)
                    if how == "assign" and self._is_instance_factory(factory, value, ctx):
                        fn.instances[name] = factory
                    else:
                        fn.instances.pop(name, None)
                return out
            if name in fn.globals:
                if name not in self.top_names and name not in self.function_globals:
                    binding = self.binding_for(name, value, ctx)
                    binding.span = self.span(target)
                    self.function_globals[name] = binding
                    self.top_names.add(name)  # a module name from now on: later functions read it
                fn.facts.writes.append(self.state_value(Access(
                    f"{self.facts.module}.{name}", self.span(target), "rebind" if how == "assign" else how, self.order,
                    constant=_is_literal(value), locked=bool(ctx.regions), while_unset=ctx.unset,
                ), value, ctx))
            else:
                fn.locals.add(name)
                if type(value) in _HOLDING:
                    fn.held.setdefault(name, []).append(value)  # type: ignore[arg-type]
                if value is not None:
                    fn.values.setdefault(name, []).append(value)
                if _keyed_lookup(value):
                    fn.keyed[name] = value  # type: ignore[assignment]
                else:
                    fn.keyed.pop(name, None)
                self.bind_source(fn, name, self.value_source(value, ctx) if value is not None or self._target_source is None else self._target_source)
                called = value.value if isinstance(value, ast.Await) else value
                looked = dotted(called.func) if isinstance(called, ast.Call) else None
                if looked:
                    fn.lookups[name] = looked
                else:
                    fn.lookups.pop(name, None)
                factory = self.factory_of(value, ctx)
                copied = _copy_of(value, factory)
                kept = fn.instances.get(copied) if copied else None  # ``metadata = copy.deepcopy(metadata)``
                fn.instances.pop(name, None)
                if kept:
                    fn.instances[name] = kept
                if factory in self.catalog.client_factories:
                    fn.clients[name] = factory
                elif _is_executor(factory):
                    fn.executors[name] = factory
                elif self._is_instance_factory(factory, value, ctx):
                    fn.instances[name] = factory
                made_by = self.object_made(value, ctx) if isinstance(value, (ast.Call, ast.Await)) else ""
                if made_by.startswith("()"):
                    fn.results[name] = made_by[2:]
                else:
                    fn.results.pop(name, None)
                picked = self.picked_table(value, ctx)
                if picked:
                    fn.entries[name] = picked  # ``cls = SPEECH[kind]``
                else:
                    fn.entries.pop(name, None)
                built = self.table_entry(called.func, ctx) if isinstance(called, ast.Call) else None
                if built is not None and ":" not in built.name:
                    fn.built_from[name] = built.name  # ``stage = cls()`` after ``cls = STAGES[name]``
                else:
                    fn.built_from.pop(name, None)
                if factory:  # classified only if a region names it (see local_binding): most never are
                    fn.made[name] = (target, value)
                else:
                    fn.made.pop(name, None)
                if _has_callbacks_key(value):
                    fn.callback_dicts.add(name)
                if isinstance(value, (ast.Dict, ast.List, ast.Set)) or factory in cat.MUTABLE_FACTORIES or factory in ("dict", "list", "set"):
                    fn.containers.add(name)
            return out
        if isinstance(target, ast.Attribute) and target.attr in cat.STARTUP_ATTRIBUTES and value is not None:
            self.startup_hooks(value, ctx)  # ``app.router.lifespan_context = combined``
        text = dotted(target)
        if text is not None:
            ref = self.resolve(text, ctx)
            if ref.kind == "name" and ref.name in cat.CONFIG_ATTRIBUTES and not ctx.in_class_body:
                self.config_write(ref.name, "assign" if how == "assign" else how, stmt, ctx, value)
                return out
            if ref.kind == "name" and ref.name.rpartition(".")[0] in cat.LLAMA_INDEX_SHARED_OBJECTS and not ctx.in_class_body:
                # ``Settings.llm.api_key = key``: the one LLM every component shares is changed
                self.config_write(ref.name, "assign" if how == "assign" else how, stmt, ctx, value)
                return out
            if ref.kind == "name" and ref.name in cat.SDK_REGISTRIES and not ctx.in_class_body:
                # ``Settings.callback_manager = CallbackManager([h])``: another SDK's registry
                self.registration(ref.name, "assign" if how == "assign" else "augmented", stmt, ctx, value)
                return out
            if ref.kind == "name" and ref.name in self.catalog.registries:
                op = "assign" if how == "assign" else "augmented"
                self.registration(ref.name, op, stmt, ctx, value)
                return out
            shared = self.class_storage(text, ctx)
            if shared is not None and text.count(".") == 1 and how in ("assign", "augmented"):
                # ``cls.count += 1`` / ``Session.current = user``: one copy for the whole process,
                # written like a ``global`` is rebound
                fn.facts.writes.append(self.state_value(Access(
                    shared, self.span(target), "rebind" if how == "assign" else how, self.order,
                    constant=_is_literal(value), locked=bool(ctx.regions), while_unset=ctx.unset,
                ), value, ctx))
                return out
            if ref.kind == "self" and isinstance(target, ast.Attribute) and "." not in ref.name:
                # ``self.x = factory()``: an instance attribute of the enclosing class
                klass = self.facts.classes.get(ctx.cls)
                if klass is not None and how == "assign":
                    source, deps = self.value_source(value, ctx)
                    klass.attribute_sources.setdefault(ref.name, []).append((fn.facts.qualname, source, tuple(sorted(deps))))
                    binding = self.binding_for(ref.name, value, ctx)
                    binding.scope = "instance"
                    if binding.kind == "value":
                        if isinstance(value, ast.Name) and value.id in fn.instances:
                            binding.factory = fn.instances[value.id]  # ``self.runtime = runtime`` (typed)
                        binding.function = self.function_value(value, ctx)
                    if binding.kind != "value" or ref.name not in klass.attributes:
                        binding.span = self.span(target)
                        klass.attributes[ref.name] = binding
                return out
        if isinstance(target, ast.Attribute) and value is not None:
            root = target
            while isinstance(root, ast.Attribute):
                root = root.value  # type: ignore[assignment]
            if isinstance(root, ast.Name) and root.id in fn.locals and root.id not in fn.globals and root.id not in ("self", "cls"):
                # ``llm_config.llm_api_key = new.api_key``: the object now also holds that value
                # (cognee's settings route, which then exports the attribute to the environment)
                self.fill(fn, root.id, self.value_source(value, ctx))
                fn.values.setdefault(root.id, []).append(value)
        if isinstance(target, ast.Subscript):
            base = self.resolve_expr(target.value, ctx)
            if base.kind == "name" and base.name == cat.ENVIRON:
                self.config_write(
                    cat.ENVIRON, "item" if how != "delete" else "delete", stmt, ctx, value, _string(target.slice) or ""
                )
                if _string(target.slice) is None:
                    # a parameter the function iterates (``for var, value in extra.items()``), or
                    # a part of which it iterates (``for k in data["env"]``, through a local too),
                    # is a container whose names and values are pairs, not one key naming both
                    named = self.value_source(target.slice, ctx)[1]
                    iterated = self.iterated_params(fn, ctx)
                    fn.facts.config_writes[-1].key_params = tuple(
                        sorted(d[2:] for d in named if d.startswith("p:") and d[2:] not in iterated)
                    )
                self.note_saving(fn, fn.facts.config_writes[-1], target.slice, value)
                return [(target.slice, ctx)]
            if base.kind == "name" and base.name in self.catalog.registries:
                sl = target.slice
                sliced = isinstance(sl, ast.Slice) or (isinstance(sl, ast.Tuple) and any(isinstance(e, ast.Slice) for e in sl.elts))
                self.registration(base.name, "slice-assign" if sliced else "item-assign", stmt, ctx, value)
                return [(target.slice, ctx)]
            key = _subscript_key(target)
            if value is not None:
                # ``self.llms[name] = value``: the attribute now also holds value (and the key)
                self.attribute_fill(target.value, _join(self.value_source(value, ctx), self.value_source(target.slice, ctx)), ctx)
            if isinstance(target.value, ast.Name) and target.value.id in fn.locals:
                # ``env[k] = v`` fills a local container: its source is now also v's and k's;
                # ``saved[k] = os.environ.get(k)`` snapshots the environment: putting it back later
                # is a restore, whichever variable ``k`` names
                if self.environ_lookup(value, ctx) == ast.dump(target.slice):
                    self.fill(fn, target.value.id, ("saved:`os.environ[...]`", _NO_DEPS))
                else:
                    self.fill(fn, target.value.id, _join(self.value_source(value, ctx), self.value_source(target.slice, ctx)))
            if isinstance(target.value, ast.Name) and key == "callbacks":
                fn.callback_dicts.add(target.value.id)
            written = len(fn.facts.writes)
            self.storage_write(
                target.value, "item" if how == "assign" else how, target, ctx, key or "", _is_literal(value),
                self.shared_name(target.slice, ctx), value,
            )
            if len(fn.facts.writes) > written:
                self.note_saving(fn, fn.facts.writes[-1], target.slice, value)
            out.append((target.slice, ctx))
            return out
        if isinstance(target, ast.Attribute):
            if (dotted(target.value) or "").split(".", 1)[0] not in ("self", "cls"):
                held = _LITERAL if how == "delete" else self.value_source(value, ctx) if value is not None else self._target_source
                self.outside_write(target.attr, held, ctx)
            # ``DATA.cost = x`` writes DATA; a thread-local attribute is a local write.
            self.storage_write(target.value, "attr" if how == "assign" else how, target, ctx)
        return out

    def attribute_fill(self, container: ast.expr, added: Prov, ctx: _Ctx) -> None:
        """``container`` is ``self.<attr>`` in a method: ``<attr>`` also holds ``added`` (what a
        method puts into it, like what it assigns: ``ClassFacts.attribute_sources``)."""
        text = dotted(container)
        if text is None or text.count(".") != 1 or not text.startswith("self.") or not ctx.cls or "self" not in ctx.fn.locals:
            return
        klass = self.facts.classes.get(ctx.cls)
        if klass is not None and ctx.fn.facts.class_name:
            source, deps = added
            # "+": a fill, not an assignment (an attribute only filled here may be made elsewhere,
            # by a base class the project does not have)
            klass.attribute_sources.setdefault(text[5:], []).append(("+" + ctx.fn.facts.qualname, source, tuple(sorted(deps))))

    def attribute_name(self, node: ast.expr, ctx: _Ctx) -> str:
        """The attribute ``setattr(x, node, v)`` names: a literal, "=<qualified>" for a
        module-level name (a string constant the model looks up), "<prefix>*" for a name built
        from a literal prefix, else "*" (any)."""
        if _string(node):
            return _string(node) or "*"
        first = node.values[0] if isinstance(node, ast.JoinedStr) and node.values else node.left if isinstance(node, ast.BinOp) else None
        if isinstance(node, (ast.JoinedStr, ast.BinOp)) and first is not None and _string(first):
            return f"{_string(first)}*"  # ``setattr(evt, "_" + key, v)``: an attribute named ``_...``
        if isinstance(node, ast.Name) and (node.id not in ctx.fn.locals or node.id in ctx.fn.globals):
            ref = self.resolve(node.id, ctx)
            return f"={ref.name}" if ref.kind == "name" else "*"
        return "*"

    def outside_write(self, attribute: str, value: Prov | None, ctx: _Ctx) -> None:
        """``config.region = r`` (``setattr``, ``model_copy(update=...)``) outside the object's
        own methods: which attribute ("*" when not known), and what it stores (None: not known)."""
        source, deps = value if value is not None else ("unknown:a value not visible here", _NO_DEPS)
        self.attribute_writes.add((attribute, ctx.fn.facts.qualname, source, tuple(sorted(deps))))

    def overwritten_file(self, node: ast.Call, text: str | None, ref: Ref, args: list[_Arg], method: str, ctx: _Ctx) -> Prov | None:
        """Where the file that a call overwrites is (``open(p, "w")``, ``Path(p).open("w")``,
        ``p.write_text(s)``: its receiver); None for any other call, an append included (a
        log grows, a configuration file is rewritten)."""
        func = node.func
        if method in ("write_text", "write_bytes") and isinstance(func, ast.Attribute):
            return self.value_source(func.value, ctx)
        if method in _TABLE_WRITERS and isinstance(func, ast.Attribute):
            # ``df.to_csv(path)``: a table written out (with no path it returns the text instead)
            path = _passed(args, 0, "path_or_buf") or _passed(args, 0, "path")
            return self.value_source(path, ctx) if path is not None else None
        if method == "open" and isinstance(func, ast.Attribute) and ref.kind != "name":
            path, mode = func.value, _passed(args, 0, "mode")  # a path object's ``open``
        elif (text == "open" and "open" not in ctx.fn.locals) or ref.name in cat.FILE_OPENERS:
            path, mode = _passed(args, 0, "file"), _passed(args, 1, "mode")
        else:
            return None
        written = _string(mode) if mode is not None else None
        if not written or "a" in written or not ("w" in written or "x" in written):
            return None
        return self.value_source(path, ctx)

    def saves_elsewhere(self, fn: _Fn) -> None:
        """Match the item writes not saved with ``set_key`` against the other savers: a database
        row added and committed that carries the key and the value (not a row of one owner's:
        a user's, a tenant's), else the project calls handed both (``Access.saved_to``: the
        model decides whether the callee saves them to a file the same for every request)."""
        rows: list[tuple[Prov, tuple[ast.expr, ...]]] = []  # (where, what it carries)
        for klass, row in fn.rows if fn.commits else ():
            made = fn.values.get(row.id, [])  # type: ignore[attr-defined]
            if any(isinstance(v, ast.Call) and any(k.arg and k.arg.split("_", 1)[0] in cat.ROW_OWNERS for k in v.keywords) for v in made):
                continue
            rows.append(((f"process:a row of `{klass.rsplit('.', 1)[-1]}` saved to the database", _NO_DEPS), (row,)))
        seen: dict[int, set[str]] = {}

        def mentions(exprs: tuple[ast.expr, ...]) -> set[str]:
            out = seen.get(id(exprs))
            if out is not None:
                return out
            out, todo, opened = set(), list(exprs), set()
            while todo:
                n = todo.pop()
                if isinstance(n, ast.Constant) and isinstance(n.value, str):
                    out.update((repr(n.value), repr(n.value.rsplit(".", 1)[-1])))  # ``"env.MODEL"`` names MODEL
                    continue
                text = dotted(n) if isinstance(n, (ast.Name, ast.Attribute)) else None
                if text is None:
                    todo.extend(_children(n))
                    continue
                out.add(text)
                root = text.split(".", 1)[0]
                if root in fn.values and root not in opened:  # what the local was made of
                    opened.add(root)
                    todo.extend(fn.values[root])
            seen[id(exprs)] = out
            return out

        for access, key, value in fn.saving:
            if access.saved_to:
                continue
            row = next((prov for prov, exprs in rows if {key, value} <= mentions(exprs)), None)
            if row is not None:
                access.saved_to = row[0]
                continue
            calls = sorted(d for prov, exprs, whole in fn.savers if ({value} if whole else {key, value}) <= mentions(exprs) or (whole and _read_from(value, exprs)) for d in prov[1])
            if calls:
                access.saved_to, access.saved_to_from = "literal:", tuple(calls)

    def note_saving(self, fn: _Fn, access: Access, key: ast.expr, value: ast.expr | None) -> None:
        """``access`` (an item write) may be saved to a configuration file further on."""
        saved = (_plain_text(key), _plain_text(value))
        if saved[0] and saved[1]:
            fn.saving.append((access, *saved))

    def field_default(self, value: ast.expr | None, ctx: _Ctx) -> Prov:
        """Where a class-body field's default comes from: ``Field(default=x)`` / ``field(default=x)``
        is x; a ``default_factory`` of an empty container is a literal, any other is not known."""
        if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in ("Field", "field"):
            for a in _args(value):
                if a.keyword == "default" or (a.keyword is None and not a.star and a is _args(value)[0]):
                    return self.value_source(a.value, ctx)
                if a.keyword == "default_factory":
                    made = dotted(a.value)
                    return ("literal:", _NO_DEPS) if made in ("list", "dict", "set", "tuple") else ("unknown:a default_factory's value", _NO_DEPS)
            return ("literal:", _NO_DEPS)  # a required field or ``Field(description=...)``: None until passed
        return self.value_source(value, ctx)

    def config_write(
        self, target: str, how: str, node: ast.AST, ctx: _Ctx, value: ast.expr | None = None, key: str = ""
    ) -> None:
        deps = _NO_DEPS
        if how in ("delete", "method:pop", "method:popitem", "method:clear"):
            source, shown = "literal:", "(deleted)"
        elif how == "augmented":  # ``litellm.num_retries += 1``: a new value on every run
            source, shown = "request:an update of the shared value in place", _short(value)
        elif value is None and how == "call":
            source, shown = "literal:", "()"
        else:
            (source, deps), shown = self.value_source(_straight_line_value(value, ctx.fn), ctx), _short(value)
        if key and source == f"process:environment variable `{key}`" and not deps:
            source = f"saved:`os.environ[{key!r}]`"  # ``os.environ[k] = old`` after ``old = os.environ.get(k)``
        ctx.fn.facts.config_writes.append(
            Access(
                target, self.span(node), how, self.order, key, source.startswith("literal") and not deps, source, shown, tuple(sorted(deps)),
                guards=ctx.guards, memo=ctx.memo, attr_guards=ctx.attr_guards, regions=ctx.regions,
            )
        )
        if value is not None and target == cat.ENVIRON and key:
            ctx.fn.written.append((ctx.fn.facts.config_writes[-1], value))

    # ------------------------------------------------------- value provenance
    def value_source(self, value: ast.expr | None, ctx: _Ctx) -> Prov:
        """Where a value comes from: the strongest of its known parts as ``Access.source``
        (request, unknown > saved > process > literal), and the parts the whole project decides
        (``Access.depends``: a parameter, ``self.x``, a project call's result). What is not known
        counts like request data, so a value is only cleared when every part of it is a literal
        or a process-wide fact."""
        if value is None:
            return ("unknown:a value not visible here", _NO_DEPS)  # unpacked, a loop's or a ``with``'s target
        kind = type(value)
        if kind is ast.Constant:
            return _LITERAL  # most arguments are a constant or a name: no walk
        if kind is ast.Name:
            return self.name_source(value.id, ctx)  # type: ignore[attr-defined]
        best: Prov = _LITERAL
        bound: dict[str, Prov] = {}  # a comprehension's own names: what its iterable holds
        todo: list[ast.AST] = [value]
        while todo:
            n = todo.pop()
            if isinstance(n, ast.Constant):
                continue
            earlier = self.env_set_before(n, ctx) if isinstance(n, (ast.Subscript, ast.Call)) else None
            if earlier is not None:
                best = _join(best, earlier)
                if _RANK[best[0].split(":", 1)[0]] == 3:
                    return best
                continue
            read = _getattr_of(n, ctx.fn.locals) if isinstance(n, ast.Call) else None
            if read is not None:
                # ``getattr(dashscope, "base_http_api_url", None)`` reads that attribute (a saved
                # value, when it is client config: writing it back later is a restore)
                todo.extend([read, *(a.value for a in _args(n)[2:])])  # type: ignore[arg-type]
                continue
            if isinstance(n, ast.Call):
                field = self.validated_field(n, ctx)
                if field:
                    # ``get_from_dict_or_env(values, "openai_api_key", "OPENAI_API_KEY")`` in a
                    # model's validator: the field as the constructions pass it, else the variable
                    best = _join(best, (self.call_source(n, ctx), frozenset([f"a:{field}"])))
                    continue
                called = self.call_source(n, ctx)
                if called == _PROJECT_CALL:
                    # its callee decides (a project function's returns), with these arguments;
                    # named by the node until the walk numbers the calls (``number_calls``)
                    best = _join(best, ("literal:", frozenset([f"c:@{id(n)}:{dotted(n.func)}"])))
                    continue
                if called == _COPY or not called and isinstance(n.func, ast.Attribute) and n.func.attr in cat.MODEL_VALIDATORS:
                    # ``copy.deepcopy(config)`` holds what ``config`` holds;
                    # ``agent_cls.config_model.model_validate(merged)`` is an object made of the
                    # data, the class (whichever it is) adding only its defaults, constants
                    todo.extend(a.value for a in _args(n))
                    continue
                if called and self.opens_file(n, ctx):
                    # what a file on disk holds is the deployment's, whoever names the path
                    # (PraisonAI's gateway reads its auth token from ``from_config_file(
                    # config_path="config.yaml")``, which nothing in the package calls)
                    best = _join(best, (_FILE_CONTENT, _NO_DEPS))
                    continue
                if called:
                    name = dotted(n.func)
                    loaded = name is not None and self.resolve(name, ctx).name in _FILE_LOADERS
                    best = _join(best, (_FILE_CONTENT if loaded else called, _NO_DEPS))
                    if called in _PROMPTS:
                        continue  # its argument is the prompt shown, not what is returned
                    todo.extend(a.value for a in _args(n))
                    if isinstance(n.func, ast.Attribute) and (
                        dotted(n.func) is None or (dotted(n.func) or "").split(".", 1)[0] in ctx.fn.locals
                    ):
                        todo.append(n.func.value)  # the receiver too: ``frame.iterrows()`` of a typed local
                    if _RANK[best[0].split(":", 1)[0]] == 3:
                        return best
                    continue
            picked = _picked_from(n)
            if picked is not None:
                base = self.value_source(picked[0], ctx)
                if base[0] == _FILE_CONTENT:
                    # a section of a file's content, whichever the key (``raw.get(section, {})``,
                    # ``toml_config["llm"][name]``): what the content is made of (a loader's
                    # argument: a request's body stays the request's), not the key; a default
                    # given is walked
                    best = _join(best, base)
                    todo.extend(picked[1])
                    continue
            if isinstance(n, ast.Subscript) and self.is_environ(n.value, ctx):
                best = _join(best, (f"process:environment variable `{_string(n.slice) or '...'}`", _NO_DEPS))
                todo.append(n.slice)
                continue
            text = dotted(n) if isinstance(n, (ast.Name, ast.Attribute)) else None
            if text is not None:
                root = text.split(".", 1)[0]
                best = _join(best, bound[root] if root in bound else self.name_source(text, ctx))
                if _RANK[best[0].split(":", 1)[0]] == 3:
                    return best
                continue
            if isinstance(n, ast.DictComp) and self.environ_lookup(n.value, ctx) == ast.dump(n.key):
                # ``{k: os.environ.get(k) for k in names}`` snapshots the environment, as
                # ``saved[k] = os.environ.get(k)`` does: putting it back later is a restore
                best = _join(best, ("saved:`os.environ[...]`", _NO_DEPS))
                continue
            if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and len(n.generators) == 1:
                # ``any(h in url for h in HOSTS)``: its names hold what its iterable holds (each
                # name of ``for _, row in df.iterrows()`` too)
                gen = n.generators[0]
                names = _target_names(gen.target)
                if names is None:
                    return ("unknown:a computed value", _NO_DEPS)
                held = self.value_source(gen.iter, ctx)
                bound.update((name, held) for name in names)
                todo.extend([n.key, n.value] if isinstance(n, ast.DictComp) else [n.elt])
                todo.extend(gen.ifs)
                continue
            if isinstance(n, ast.Lambda):
                # a function made here: what its body reads besides its own parameters
                # (``.map(lambda v: str(v).lower() in ("true", "1"))`` adds nothing)
                a = n.args
                bound.update((p.arg, _LITERAL) for p in (*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, (a.vararg, a.kwarg))))
                todo.append(n.body)
                continue
            if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                return ("unknown:a computed value", _NO_DEPS)  # its own names are not tracked
            todo.extend(_children(n))
        return best

    def opens_file(self, node: ast.Call, ctx: _Ctx) -> bool:
        """``open(path)`` (``io.open``, ``codecs.open``) for reading: what it yields is the
        file's content, not its path."""
        text = dotted(node.func)
        if text is None or not (text == "open" and "open" not in ctx.fn.locals or self.resolve(text, ctx).name in cat.FILE_OPENERS):
            return False
        mode = _passed(_args(node), 1, "mode")
        written = _string(mode) if mode is not None else "r"
        return written is not None and not any(c in written for c in "wax+")

    def call_source(self, node: ast.Call, ctx: _Ctx) -> str:
        """A call whose result is a process-wide fact (an env lookup, the operator's terminal,
        a file or the standard library): its source ("" when the call is an ordinary one,
        whose function and arguments decide)."""
        func = node.func
        text = dotted(func)
        if text is None:
            return ""
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getenv") and (
            self.is_environ(func.value, ctx) or text == "os.getenv" or self.resolve(text, ctx).name == "os.getenv"
        ):
            args = _args(node)
            key = _string(args[0].value) if args else None
            return f"process:environment variable `{key or '...'}`"
        ref = self.resolve(text, ctx)
        root = text.split(".", 1)[0]
        if "." in text and (ref.kind == "local" or (ref.kind == "name" and root in self.top_names and root not in self.top_classes)):
            return ""  # a method of a local or module-level value: that value and the arguments decide
        if ref.kind == "name" and ref.name == "os.getenv":
            args = _args(node)
            key = _string(args[0].value) if args else None
            return f"process:environment variable `{key or '...'}`"
        if ref.kind == "name" and ref.name in _ENV_FALLBACKS:
            # LangChain's ``get_from_dict_or_env(values, "openai_api_key", "OPENAI_API_KEY")``:
            # the mapping's entry (its arguments, walked too), else the variable
            args = _args(node)
            at = _ENV_FALLBACKS[ref.name]
            named = [a for a in args if a.keyword == "env_key"]
            key = _string(named[0].value) if named else (_string(args[at].value) if len(args) > at and args[at].keyword is None else None)
            return f"process:environment variable `{key or '...'}`"
        if ref.kind == "name" and _request_data(ref.name):
            return f"request:the result of `{text}()` (the current request's data)"
        if ref.kind == "name" and (ref.name in _COPIES or ref.name in _WRAPPERS):
            return _COPY
        if ref.kind == "name" and ref.name == "getpass.getpass":
            return _PROMPTS[0]
        if ref.kind == "name" and (ref.name.split(".", 1)[0] in _PROCESS_MODULES or ref.name in _PROCESS_CALLS):
            return f"process:`{ref.name}()`"
        if ref.kind == "local" and "." not in text and text not in ctx.fn.locals and text in _BUILTINS:
            return _PROMPTS[0] if text == "input" else f"process:`{text}()`"
        fn = ctx.fn
        if (
            ref.kind == "local" and "." not in text and text in fn.sources and text not in fn.facts.params
            and text not in fn.nested and not self.dispatched(func, ctx)
        ):
            # a callable a local holds (``field_type = info.annotation``, then ``field_type(raw)``):
            # no function the project can name, so what it was bound to and the arguments decide,
            # as for a method of a local's value (OpenHands casts env values through annotations)
            return ""
        if ref.kind in ("name", "self") or (ref.kind == "local" and "." not in text) or (text == "cls" and ctx.cls):
            return _PROJECT_CALL  # a project function's, or a method of an attribute's value (recorded as a ``Call``)
        return ("request:" if root == "self" else "unknown:") + f"the result of `{text}()`"

    def validated_field(self, node: ast.Call, ctx: _Ctx) -> str:
        """The field a LangChain env fallback reads from a model validator's input mapping
        (``get_from_dict_or_env(values, "openai_api_key", ...)`` where ``values`` is the mapping
        a pydantic ``model_validator`` / ``root_validator`` is given), or ""."""
        text = dotted(node.func)
        fn = ctx.fn
        if text is None or not ctx.cls or self.resolve(text, ctx).name not in _ENV_FALLBACKS or not text.endswith("get_from_dict_or_env"):
            return ""
        args = _args(node)
        params = [p for p in fn.facts.params if p not in ("self", "cls")]
        validator = any(d.rsplit(".", 1)[-1] in ("model_validator", "root_validator") for d in fn.facts.decorators)
        if not (validator and params and len(args) > 1 and isinstance(args[0].value, ast.Name) and args[0].value.id == params[0]):
            return ""
        return _string(args[1].value) or ""

    def environ_lookup(self, value: ast.expr | None, ctx: _Ctx) -> str | None:
        """The key expression (``ast.dump``) of ``os.environ.get(k)`` / ``os.environ[k]`` /
        ``os.getenv(k)``, or of ``os.environ.pop(k)`` (a snapshot taken while removing it:
        phoenix hides ``OPENAI_*`` from a client's constructor and puts them back), else None."""
        if isinstance(value, ast.Subscript) and self.is_environ(value.value, ctx):
            return ast.dump(value.slice)
        if isinstance(value, ast.Call) and value.args and not isinstance(value.args[0], ast.Starred):
            func = value.func
            if isinstance(func, ast.Attribute) and func.attr in ("get", "pop") and self.is_environ(func.value, ctx):
                return ast.dump(value.args[0])
            text = dotted(func)
            if text is not None and self.resolve(text, ctx).name == "os.getenv":
                return ast.dump(value.args[0])
        return None

    def iterated_params(self, fn: _Fn, ctx: _Ctx) -> set[str]:
        """The names ``fn``'s loops and comprehensions iterate over, and the parameters their
        iterables hold a part of (``env = data["env_variables"]``, then ``for key in env``)."""
        out: set[str] = set()
        for n in _walk(fn.node) if fn.node is not None else ():
            if isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
                out.update(x.id for x in _walk(n.iter) if isinstance(x, ast.Name))
                out.update(d[2:] for d in self.value_source(n.iter, ctx)[1] if d.startswith("p:"))
        return out

    def env_set_before(self, node: ast.expr, ctx: _Ctx) -> Prov | None:
        """What a lookup of an environment variable (``os.environ[K]``, ``os.getenv(K)``) holds
        when the same function wrote ``K`` above it: what those writes stored, or the variable's
        own value where no write ran. GPTDiscord's commands set ``OPENAI_API_KEY`` to the user's
        key and then copy ``os.environ["OPENAI_API_KEY"]`` into ``openai.api_key``: the copy is
        the user's key, not the deployment's. None when no write of ``K`` comes before it."""
        if self.environ_lookup(node, ctx) is None:
            return None
        slot = node.slice if isinstance(node, ast.Subscript) else node.args[0]  # type: ignore[attr-defined]
        key = _string(slot)
        if not key:
            return None
        at = (node.lineno, node.col_offset + 1)
        stored = [
            (a.source, frozenset(a.depends)) for a, _value in ctx.fn.written
            if a.key == key and a.how not in ("delete", "method:pop") and (a.span.line, a.span.column) < at
        ]
        if not stored:
            return None
        best: Prov = (f"process:environment variable `{key}`", _NO_DEPS)
        for prov in stored:
            best = _join(best, prov)
        return best

    def is_environ(self, node: ast.expr, ctx: _Ctx) -> bool:
        text = dotted(node)
        return text is not None and self.resolve(text, ctx).name == cat.ENVIRON

    def name_source(self, text: str, ctx: _Ctx) -> Prov:
        root = text.split(".", 1)[0]
        fn = ctx.fn
        for name, held in reversed(ctx.comprehension):
            if name == root:
                return held
        if root == "self" and ctx.cls and root in fn.locals and "." in text and fn.facts.class_name:
            # what the instance holds: decided by every place that sets it (its constructions);
            # the whole chain (``a:config.sandbox.env``): a typed field's field is decided by
            # every construction of its class, whichever object this one holds
            return ("literal:", frozenset([f"a:{text.split('.', 1)[1]}"]))
        if root in ("self", "cls") and ctx.cls and root in fn.locals:
            return (f"request:`{text}` (a per-instance attribute)" if "." in text else "request:parameter `self`", _NO_DEPS)
        typed = fn.instances.get(root) if "." in text and root in fn.facts.params else None
        if typed and fn.sources.get(root) == ("literal:", frozenset([f"p:{root}"])):
            # ``cfg.llms`` of a parameter ``cfg: AppConfig`` not rebound: a field of a project
            # class, whichever object is passed, holds what the class's constructions and
            # writers give it (the model falls back to the parameter for another class)
            return ("literal:", frozenset([f"t:{root}|{typed}|{text.split('.', 1)[1]}"]))
        if root in fn.locals and root not in fn.globals:
            if root in fn.nested and root not in fn.sources and "." not in text:
                # a function defined here, handed on as a value (``re.sub(p, _replace, s)``): its
                # code, fixed, as a module-level function's name is
                return (f"process:`{root}`", _NO_DEPS)
            return fn.sources.get(root, (f"unknown:`{root}`", _NO_DEPS))
        outer, hops = fn.parent, "o:"
        while outer is not None and root not in fn.globals and not (root in outer.locals and root not in outer.globals):
            outer, hops = outer.parent, hops + "o:"
        if outer is not None and root in outer.sources and outer.facts.qualname not in ("<module>", "<main>"):
            # a closure's name (``resolve_value`` reading its enclosing function's
            # ``param_overrides``): what the enclosing function binds it to, resolved there
            source, deps = outer.sources[root]
            return (source, frozenset(hops + d for d in deps))
        ref = self.resolve(text, ctx)
        if ref.kind == "name" and _request_data(ref.name):
            return (f"request:`{text}` (the current request's data)", _NO_DEPS)
        if ref.kind == "name":
            if ref.name in cat.CONFIG_ATTRIBUTES:
                return (f"saved:`{ref.name}`", _NO_DEPS)
            # a module-level name's own source counts at module level (a Streamlit script's
            # widget values) and, in functions, when it is the current request's data; else a
            # module-level value is a process-wide fact (``CONFIG = load_config()``)
            module_level = self.toplevel.sources.get(root, ("", _NO_DEPS))[0] if root in self.top_names else ""
            at_top = fn is self.toplevel or fn is self.main
            if (
                at_top and root in self.top_names and root in self.toplevel.sources and (module_level or self.toplevel.sources[root][1])
                and any(v == "streamlit" or v.startswith("streamlit.") for v in self.facts.imports.values())
            ):
                # read at module level, a module-level name holds what the module bound it to, its
                # project calls included: a Streamlit script runs its module level per visitor, so
                # ``key = utils.load_api_key()`` there is the visitor's key (Robby-chatbot's pages);
                # an ordinary module's top level and ``__main__`` block run once (following their
                # calls there made OpenHands' and TapeAgents' one-time config "not known": 7 false)
                return self.toplevel.sources[root]
            if module_level.startswith("request") and (at_top or "current request" in module_level):
                return (module_level, _NO_DEPS)
            binding = self.facts.bindings.get(root)
            if binding is not None and binding.factory in cat.CHANNEL_FACTORIES and "." in text:
                return (f"unknown:what the module-level queue `{root}` hands out (other code puts it there)", _NO_DEPS)
            if binding is not None and binding.kind == "mutable" and root in self.top_names:
                # a module-level table (``_PROVIDER_MODEL_ENV = {"anthropic": "ANTHROPIC_MODEL"}``)
                # is what it was built with, while no function writes it (the model decides)
                built = self.toplevel.sources.get(root, ("unknown:", _NO_DEPS))
                if _RANK[built[0].split(":", 1)[0]] <= 1 and not built[1]:
                    return (built[0], frozenset([f"g:{self.facts.module}.{root}"]))
            if binding is not None and binding.kind != "value":
                return (f"unknown:`{root}` (module-level mutable storage)", _NO_DEPS)
            if root not in self.top_names and root in self.imports:
                # another module's name: what it is bound to there decides (a queue, storage that
                # functions fill), which the model looks up
                return (f"process:`{text}`", frozenset([f"m:{self.imports[root]}"]))
            return (f"process:`{text}`", _NO_DEPS)
        if "." not in text and text in _BUILTINS:
            return ("literal:" if text in ("None", "True", "False") else f"process:`{text}`", _NO_DEPS)
        if root in _MODULE_DUNDERS:
            return (f"process:`{text}`", _NO_DEPS)  # ``Path(__file__).parent / ".env"``: where the module is
        return (f"unknown:`{text}`", _NO_DEPS)  # a closure's or a comprehension's name

    def bind_source(self, fn: _Fn, name: str, source: Prov) -> None:
        fn.sources[name] = _join(fn.sources.get(name, ("literal:", _NO_DEPS)), source)

    def fill(self, fn: _Fn, name: str, added: Prov) -> None:
        """``name``'s container now also holds ``added``; a parameter's is the caller's too."""
        if name in fn.facts.params and name not in ("self", "cls"):
            before = fn.facts.fills.get(name, ("literal:", ()))
            source, deps = _join((before[0], frozenset(before[1])), added)
            fn.facts.fills[name] = (source, tuple(sorted(deps)))
        self.bind_source(fn, name, added)

    def _is_instance_factory(self, factory: str, value: ast.expr | None, ctx: _Ctx) -> bool:
        """``x = Agent(...)``: a call of a capitalised name that no catalogue knows (a class)."""
        if not factory or not isinstance(value, ast.Call) or "." not in factory:
            return False
        if factory in self.catalog.lock_factories or factory in cat.MUTABLE_FACTORIES:
            return False
        if factory in cat.THREAD_LOCAL_FACTORIES or factory in cat.CONTEXTVAR_FACTORIES:
            return False
        return factory.rsplit(".", 1)[-1][:1].isupper()

    def storage_write(
        self, base: ast.expr, how: str, node: ast.AST, ctx: _Ctx, key: str = "", constant: bool = False, key_from: str = "",
        value: ast.expr | None = None,
    ) -> None:
        text = _chain_text(base)
        if text is None or ctx.fn is self.toplevel or ctx.fn is self.main:
            return
        ref = self.resolve(text, ctx)
        name = self.class_storage(text, ctx) if ref.kind == "self" else (ref.name if ref.kind == "name" else None)
        if name is None:
            return
        access = Access(name, self.span(node), how, self.order, key, constant, key_from=key_from, locked=bool(ctx.regions), while_unset=ctx.unset)
        ctx.fn.facts.writes.append(self.state_value(access, value, ctx) if how == "item" and key else access)

    def state_value(self, access: Access, value: ast.expr | None, ctx: _Ctx) -> Access:
        """``access`` with where its value comes from, for a value set for the current call
        (``global X; X = v``, ``STATE["k"] = v``): one computed alike from process-wide facts
        (pdd's rate map, rebuilt from the model catalogue on every call) is no request's own."""
        if access.constant or access.how not in ("rebind", "item") or value is None:
            return access
        if access.how == "rebind":
            value = self.without_old_value(value, access.target, ctx)
        source, deps = self.value_source(value, ctx)
        access.source, access.value, access.depends = source, _short(value), tuple(sorted(deps))
        return access

    def without_old_value(self, value: ast.expr, target: str, ctx: _Ctx) -> ast.expr:
        """``value`` without the alternatives that are the written storage's own earlier value:
        ``cls.session = cls._find_session() or cls.session`` (gpt4free's BlackboxPro) keeps the
        old value when no new one is found, which brings in no request's data, so the value
        comes from the rest (the last alternative left, or the first of several)."""
        if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
            rest = [v for v in value.values if self.shared_name(v, ctx) != target]
            return value if not rest or len(rest) == len(value.values) else rest[0] if len(rest) == 1 else ast.BoolOp(ast.Or(), rest)
        if isinstance(value, ast.IfExp):
            if self.shared_name(value.orelse, ctx) == target:
                return value.body
            if self.shared_name(value.body, ctx) == target:
                return value.orelse
        return value

    def shared_name(self, node: ast.expr, ctx: _Ctx) -> str:
        """The qualified name of module- or class-level storage ``node`` reads, else ""."""
        text = dotted(node)
        if text is None:
            return ""
        root = text.split(".", 1)[0]
        if root in ctx.fn.locals and root not in ctx.fn.globals and root != "cls":
            return ""
        shared = self.class_storage(text, ctx)
        if shared is not None:
            return shared
        ref = self.resolve(text, ctx)
        return ref.name if ref.kind == "name" and root in self.top_names else ""

    def class_storage(self, text: str, ctx: _Ctx) -> str | None:
        """The qualified name of class-level storage ``text`` names (``cls._history`` in a
        method, ``Completion._history`` for a class of this module), else None."""
        root, _, rest = text.partition(".")
        if not rest or ctx.fn.facts.qualname in ("<module>", "<main>"):
            return None
        if root == "cls" and ctx.cls and "<locals>" not in ctx.cls and root in ctx.fn.locals:
            return f"{self.facts.module}.{ctx.cls}.{rest}"
        if root in self.top_classes and root not in ctx.fn.locals and root not in self.imports:
            return f"{self.facts.module}.{text}"
        return None

    def registration(
        self,
        registry: str,
        op: str,
        node: ast.AST,
        ctx: _Ctx,
        value: ast.expr | None = None,
        targets: Iterable[ast.expr] = (),
    ) -> Registration:
        refs = list(self.callable_refs(value, ctx)) if value is not None else []
        targets = tuple(targets)
        for t in targets:
            refs.extend(self.callable_refs(t, ctx))
        added = targets[-1] if op in ("append", "insert") and targets else None
        idempotent = (
            added is not None
            and (registry, ast.unparse(added)) in ctx.absent
            and self.process_wide_member(added, ctx)
        )
        reg = Registration(registry, op, self.span(node), tuple(refs), regions=ctx.regions, guards=ctx.guards, idempotent=idempotent)
        ctx.fn.facts.registrations.append(reg)
        return reg

    def tested_unset(self, test: ast.expr, ctx: _Ctx) -> tuple[str, ...]:
        """The module- or class-level storage a true ``test`` says is empty (``X is None``,
        ``not X``, ``X == None``): as a term of an ``and``, or every operand of an ``or`` (``if
        A is None or force:`` runs whenever ``force`` is given)."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            names = [self._unset_name(v, ctx) for v in test.values]
            return tuple(names) if all(names) else ()  # type: ignore[arg-type]
        return tuple(n for n in (self._unset_name(t, ctx) for t in _and_terms(test)) if n)

    def _unset_name(self, term: ast.expr, ctx: _Ctx) -> str:
        """The shared storage ``term`` tests empty, else ""."""
        if isinstance(term, ast.UnaryOp) and isinstance(term.op, ast.Not):
            return self.shared_name(term.operand, ctx)
        if isinstance(term, ast.Compare) and len(term.ops) == 1 and isinstance(term.ops[0], (ast.Is, ast.Eq)) and _is_none(term.comparators[0]):
            return self.shared_name(term.left, ctx)
        return ""

    def tested_absent(self, test: ast.expr, ctx: _Ctx) -> tuple[tuple[str, str], ...]:
        """(registry, member's text) for each ``member not in registry`` a true ``test`` asserts
        (alone or as a term of an ``and``), the registry one of litellm's callback lists."""
        terms = _and_terms(test)
        out: list[tuple[str, str]] = []
        for term in terms:
            if isinstance(term, ast.Compare) and len(term.ops) == 1 and isinstance(term.ops[0], ast.NotIn):
                ref = self.resolve_expr(term.comparators[0], ctx)
                if ref.kind == "name" and ref.name in self.catalog.registries:
                    out.append((ref.name, ast.unparse(term.left)))
        return tuple(out)

    def process_wide_member(self, node: ast.expr, ctx: _Ctx) -> bool:
        """Whether ``node`` is the same handler whoever runs this: a literal (a callback's name,
        ``"otel"``) or a module-level or imported name the function does not rebind (a handler
        object or function made at import), not ``self``, a parameter or a local."""
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        text = dotted(node)
        if not text:
            return False
        root = text.split(".", 1)[0]
        if root in ctx.fn.globals or root in ctx.fn.locals:
            return False
        return self.resolve(text, ctx).kind == "name" and (root in self.top_names or root in self.imports)

    def callable_refs(self, value: ast.expr, ctx: _Ctx) -> Iterable[Ref]:
        """The functions/objects named in a registration value (``[cb, self.on_event]``)."""
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for el in value.elts:
                yield from self.callable_refs(el.value if isinstance(el, ast.Starred) else el, ctx)
        elif isinstance(value, ast.BinOp):
            yield from self.callable_refs(value.left, ctx)
            yield from self.callable_refs(value.right, ctx)
        elif isinstance(value, (ast.Name, ast.Attribute)):
            ref = self.resolve_expr(value, ctx)
            if ref.kind != "unknown":
                yield ref
        elif isinstance(value, ast.Call):
            ref = self.resolve_expr(value.func, ctx)
            if ref.kind in ("name", "self"):
                yield Ref(ref.kind, ref.name + "()")

    def on_loop(self, node: ast.AST, ctx: _Ctx):
        ctx.fn.facts.has_loop = True
        if any(g.is_async for g in getattr(node, "generators", ())):
            ctx.fn.facts.suspends_alone = ctx.fn.facts.loop_suspends = True  # ``[x async for x in stream]``
            ctx.fn.facts.suspensions += ((self.order, -1),)
        if isinstance(node, ast.While):
            self.branch(node.test, ctx)
        inner = ctx if ctx.repeated else replace(ctx, repeated=True)
        bound = list(ctx.comprehension)
        for gen in getattr(node, "generators", ()):
            names = _target_names(gen.target)
            held = self.value_source(gen.iter, replace(ctx, comprehension=tuple(bound))) if names else ("", _NO_DEPS)
            bound.extend((name, held if held[0] else ("unknown:a computed value", _NO_DEPS)) for name in names or ())
        if len(bound) > len(ctx.comprehension):
            inner = replace(inner, comprehension=tuple(bound))
        return [(c, inner) for c in _children(node)]

    def on_for(self, node: ast.For | ast.AsyncFor, ctx: _Ctx):
        ctx.fn.facts.has_loop = True
        if isinstance(node, ast.AsyncFor):
            ctx.fn.facts.suspends_alone = ctx.fn.facts.loop_suspends = True
            ctx.fn.facts.suspensions += ((self.order, -1),)
        it = node.iter
        registry = ""
        inner_expr: ast.expr = it
        if isinstance(it, ast.Call) and (it.args or it.keywords):
            inner_expr = _args(it)[0].value if dotted(it.func) in ("list", "tuple") else it.func
            if isinstance(inner_expr, ast.Attribute) and inner_expr.attr == "copy":
                inner_expr = inner_expr.value
        elif isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "copy":
            inner_expr = it.func.value
        elif isinstance(it, ast.Subscript):
            inner_expr = it.value
        ref = self.resolve_expr(inner_expr, ctx)
        if ref.kind == "name" and ref.name in self.catalog.registries:
            registry = ref.name
        inner = replace(ctx, loops=ctx.loops + (registry,), repeated=True) if registry else ctx if ctx.repeated else replace(ctx, repeated=True)
        spelled = _literal_strings(it)
        if spelled and isinstance(node.target, ast.Name):
            inner = replace(inner, spelled=inner.spelled + ((node.target.id, spelled),))
        copied = _attributes_of(it)
        if copied and isinstance(node.target, ast.Tuple) and len(node.target.elts) == 2 and all(isinstance(e, ast.Name) for e in node.target.elts):
            key, value = node.target.elts
            inner = replace(inner, copying=inner.copying + ((key.id, value.id, copied),))  # type: ignore[union-attr]
        out: list = [(node.iter, ctx)]
        # ``for key, env in MAP.items()``: the names hold what the iterable holds
        self._target_source = self.value_source(node.iter, ctx)
        out.extend(self.assign_target(node.target, None, ctx, "assign", node))
        self._target_source = None
        out.extend((s, inner) for s in node.body)
        if isinstance(node, ast.AsyncFor):
            out.append(_Suspends(ctx.fn))
        out.extend((s, ctx) for s in node.orelse)
        return out

    def on_with(self, node: ast.With | ast.AsyncWith, ctx: _Ctx):
        fn = ctx.fn
        if isinstance(node, ast.AsyncWith):
            fn.facts.suspends_alone = True
            fn.facts.loop_suspends |= ctx.repeated
            fn.facts.suspensions += ((self.order, -1),)
        regions = ctx.regions
        out: list = []
        single_flight = self.is_single_flight(node.body, ctx, self._checked_before.get(id(node), set()) | fn.exit_checked)
        for item in node.items:
            expr = item.context_expr
            out.append((expr, ctx))
            via_call = isinstance(expr, ast.Call)
            target = expr.func if isinstance(expr, ast.Call) else expr
            ref = self.resolve_expr(target, ctx)
            if isinstance(item.optional_vars, ast.Name):
                factory = self.factory_of(expr, ctx)
                name = item.optional_vars.id
                fn.locals.add(name)
                # ``with open(path) as f``: what the manager gives is made of what built it
                self.bind_source(fn, name, self.value_source(expr, ctx))
                if factory in self.catalog.client_factories:
                    fn.clients[name] = factory
                elif _is_executor(factory):
                    fn.executors[name] = factory
            made = self.factory_of(expr, ctx) if via_call else ""
            if self._is_instance_factory(made, expr, ctx) and _may_be_project(Ref("name", made)):
                # ``with Guard():`` runs the class's __enter__ and __exit__ (a proxy or an
                # environment flipped on entry and put back on exit): calls of this function
                entering = ("__aenter__", "__aexit__") if isinstance(node, ast.AsyncWith) else ("__enter__", "__exit__")
                for method in entering:
                    fn.facts.calls.append(Call(Ref("name", f"{made}.{method}"), self.span(expr), "", (), ctx.regions, self.order, positional=0))
            if ref.kind == "unknown":
                continue
            if via_call and ref.kind == "local":
                continue
            local = self.local_binding(ref, ctx)
            keyed = _keyed_text(fn.keyed.get(ref.name) if ref.kind == "local" else expr)
            keyed = keyed or _keyed_owner(target, fn.keyed)
            region = LockRegion(
                ref, self.span(expr), isinstance(node, ast.AsyncWith), via_call, single_flight=single_flight, local=local,
                keyed=keyed, recheck="" if single_flight else _recheck(node.body), refuses_when_held=self.refuses_when_held(node),
                serves_keys=_serves_keys(node.body, fn), made_by=self.made_by(ref, local, ctx),
                private=_private_lock(ref, local, ctx.fn),
            )
            fn.facts.regions.append(region)
            regions = regions + (len(fn.facts.regions) - 1,)
        inner = replace(ctx, regions=regions)
        out.extend((s, inner) for s in node.body)
        if isinstance(node, ast.AsyncWith):
            out.append(_Suspends(fn))
        return out

    def made_by(self, ref: Ref, local: Binding | None, ctx: _Ctx) -> str:
        """The method of this class whose result a region's local is (``semaphore =
        self._get_semaphore()``), when no factory made it here: what the method hands out decides."""
        looked = ctx.fn.lookups.get(ref.name, "") if ref.kind == "local" and local is None else ""
        return looked if looked.startswith("self.") and looked.count(".") == 1 else ""

    def local_binding(self, ref: Ref, ctx: _Ctx) -> Binding | None:
        """What the local a region names was made by, in this function (None if not by a call)."""
        made = ctx.fn.made.get(ref.name) if ref.kind == "local" else None
        outer = ctx.fn.parent
        while made is None and outer is not None and ref.kind == "local" and ref.name not in ctx.fn.locals:
            # a closure's lock (instructor's ``semaphore = asyncio.Semaphore(n)`` then a nested
            # ``async with semaphore:``): the enclosing function made it
            made, outer = outer.made.get(ref.name), outer.parent
        if made is None:
            typed = ctx.fn.instances.get(ref.name, "") if ref.kind == "local" and ref.name in ctx.fn.facts.params else ""
            node = ctx.fn.node
            if typed not in self.catalog.lock_factories or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return None
            arg = next(p for p in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if p.arg == ref.name)
            if typed.endswith("Semaphore"):
                # ``sem: asyncio.Semaphore`` handed in: its maker chose the count, and a semaphore
                # handed to tasks is made to admit several (a lock would be typed ``Lock``)
                return Binding(ref.name, self.span(arg), "limiter", typed, scope="parameter")
            # ``gate: asyncio.Lock``: a lock whatever its name, shared by whoever passes it
            return Binding(ref.name, self.span(arg), "lock", typed, self.catalog.lock_factories[typed], scope="parameter")
        binding = self.binding_for(ref.name, made[1], ctx)
        binding.span, binding.scope = self.span(made[0]), "local"
        return binding

    def on_try(self, node: ast.Try, ctx: _Ctx):
        """``x.acquire()`` then ``try: ... finally: x.release()`` holds x over the ``try`` (its
        handlers and ``else`` too): a region like ``with x:``."""
        if node.handlers:
            self.branch(None, ctx)
        taken = self.acquired_try(node)
        if taken is None:
            return [(c, ctx) for c in _children(node)]
        call, lock, off_loop = taken
        fn = ctx.fn
        ref = self.resolve_expr(lock, ctx)
        out: list = []
        inner = ctx
        if ref.kind in ("self", "name", "local"):
            local = self.local_binding(ref, ctx)
            single_flight = self.is_single_flight(node.body, ctx, set(fn.exit_checked))
            keyed = _keyed_text(fn.keyed.get(ref.name) if ref.kind == "local" else lock) or _keyed_owner(lock, fn.keyed)
            region = LockRegion(
                ref, self.span(call), off_loop, False, single_flight=single_flight, taken="acquire", local=local, keyed=keyed,
                recheck="" if single_flight else _recheck(node.body), serves_keys=_serves_keys(node.body, fn),
                made_by=self.made_by(ref, local, ctx), private=_private_lock(ref, local, fn),
            )
            fn.facts.regions.append(region)
            inner = replace(ctx, regions=ctx.regions + (len(fn.facts.regions) - 1,))
        out.extend((s, inner) for s in node.body)
        for h in node.handlers:
            out.append((h, inner))
        out.extend((s, inner) for s in node.orelse)
        out.extend((s, ctx) for s in node.finalbody)
        return out

    def acquired_try(self, node: ast.Try) -> tuple[ast.Call, ast.expr, bool] | None:
        """(the acquire call, the lock, taken off the loop thread) when ``node`` is the ``try`` of
        an acquire/release pair: the acquire is the statement before it or the first of its body,
        and its ``finally`` releases the same lock. Mapped once per file that says "acquire"."""
        if self._acquires is None:
            self._acquires = {}
            if "acquire" in self.pos.text:
                for block in _blocks(self.tree):
                    self._map_acquires(block)
        return self._acquires.get(id(node))

    def refuses_when_held(self, node: ast.With | ast.AsyncWith) -> bool:
        """``if lock.locked(): raise/return`` then ``async with lock:`` in the same block, with no
        ``await`` between: on one event loop nothing can take the lock between the check and the
        acquire, so a caller either gets it at once or leaves (livekit's avatar example refuses a
        second persona switch while one is under way). Mapped once per file that says "locked"."""
        if self._refusing is None:
            self._refusing = set()
            if ".locked()" in self.pos.text:
                for block in _blocks(self.tree):
                    checked: set[str] = set()  # locks tested and refused since the last await
                    for stmt in block:
                        if isinstance(stmt, ast.AsyncWith):
                            if any(dotted(i.context_expr) in checked for i in stmt.items):
                                self._refusing.add(id(stmt))
                            checked = set()
                        elif (refused := _refuses_if_locked(stmt)) is not None:
                            checked.add(refused)
                        elif any(isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith)) for n in _walk(stmt)):
                            checked = set()
        return id(node) in self._refusing

    def _map_acquires(self, block: list) -> None:
        for k, stmt in enumerate(block):
            if not isinstance(stmt, ast.Try) or not stmt.finalbody:
                continue
            released = _released(stmt.finalbody)
            for cand in ([block[k - 1]] if k else []) + stmt.body[:1]:
                taken = _acquire_of(cand)
                if taken is not None and dotted(taken[1]) in released:
                    self._acquires[id(stmt)] = taken
                    break

    def is_single_flight(self, body: list[ast.stmt], ctx: _Ctx, checked_before: set[str]) -> bool:
        """A lock whose body checks shared state and fills that same state: a one-time init or a
        token refresh (``if self._token is None: self._token = fetch()``), also when a method of
        the class does the fill (``if self.proc is None: self._start()``). Serialising those is the
        point (the fill may sit in a ``try`` or a ``with`` of the body). Not one: a fill of a
        cache keyed by a variable under one lock for every key (a hit on one key waits for
        another key's fetch), unless the cache is checked before the lock too
        (``checked_before``: double-checked, hits never take the lock); or a re-test of a local
        (a result post-processed)."""
        tested: set[str] = set()
        assigned: set[str] = set()
        called: set[str] = set()  # methods of the class called where a check decides
        # locals bound from a lookup (``cached = self._cache.get(k)``): testing them tests the storage
        storage = _storage_of(ctx.fn.keyed)
        for st in body:
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                stored = _looked_up_storage(st.value)
                if stored:
                    storage[st.targets[0].id] = stored
        todo: list[tuple[ast.stmt, bool]] = [(s, False) for s in body]
        while todo:
            s, checked = todo.pop()
            if isinstance(s, ast.If):
                tested |= _storage_mentions(s.test, storage)
                todo.extend((b, True) for b in s.body + s.orelse)
            elif isinstance(s, (ast.Assign, ast.AnnAssign)):
                for t in s.targets if isinstance(s, ast.Assign) else [s.target]:
                    text = _chain_text(t)
                    if isinstance(t, ast.Subscript) and not isinstance(t.slice, ast.Constant) and text not in checked_before:
                        continue  # keyed by a variable: one lock for every key
                    if text and self.resolve(text, ctx).kind in ("self", "name"):
                        assigned.add(text)
            elif isinstance(s, (ast.Try, ast.With, ast.AsyncWith)):
                # a fill inside the client's ``async with`` (deer-flow's DingTalk token refresh)
                todo.extend((b, checked) for b in s.body)
            elif checked and isinstance(s, ast.Expr):
                # ``self._start()``, or run through a wrapper: ``await asyncio.wait_for(self.connect(),
                # 15)`` (browser-use), ``await asyncio.to_thread(self._start)``
                for n in _walk(s.value):
                    if isinstance(n, ast.Call):
                        for f in (n.func, *n.args):
                            text = dotted(f)
                            if text and text.startswith("self.") and text.count(".") == 1:
                                called.add(text[5:])
        if tested & assigned:
            return True
        # double-checked, filled once the lock is released (``if k in self._cache: return ...``
        # before the lock and again first under it, ``self._cache[k] = result`` after it): hits
        # never take the lock, and making misses wait is what it is for (RD-Agent's grading
        # server runs one evaluation at a time on the GPUs)
        # the function's fills only when a check before the lock is tested again (a walk of the
        # whole function per lock: 8% of pdd's extraction under a profiler when asked every time)
        if tested & checked_before and tested & checked_before & _filled_by_function(ctx.fn.node):
            return True
        # a check made through an accessor of the class (``if self._current_slot() is not None``,
        # which reads ``self._slot``): livekit's one-pose-at-a-time lock fills what it reads
        accessors = {t[5:] for t in tested if t.startswith("self.") and t.count(".") == 1}
        if accessors and self._read_by(ctx.cls, accessors) & assigned:
            return True
        return bool(called) and bool(self._filled_by(ctx.cls, called) & tested)

    def _read_by(self, cls: str, methods: set[str]) -> set[str]:
        """``self.x`` attributes that the named methods of class ``cls`` (this file) mention."""
        return {
            f"self.{n.attr}" for n in self._method_nodes(cls, methods)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
        }

    def _filled_by(self, cls: str, methods: set[str]) -> set[str]:
        """``self.x`` attributes that the named methods of class ``cls`` (this file) assign."""
        out: set[str] = set()
        for n in self._method_nodes(cls, methods):
            if isinstance(n, (ast.Assign, ast.AnnAssign)):
                for t in n.targets if isinstance(n, ast.Assign) else [n.target]:
                    text = dotted(t)
                    if text and text.startswith("self."):
                        out.add(text)
        return out

    def _method_nodes(self, cls: str, methods: set[str]) -> Iterator[ast.AST]:
        """Every node of the named methods of class ``cls`` (this file)."""
        node = self.class_nodes.get(cls)
        for d in node.body if node is not None else ():
            if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)) and d.name in methods:
                yield from _walk(d)

    def on_await(self, node: ast.Await, ctx: _Ctx):
        # which call is awaited is known once the walk has numbered it (``number_calls``)
        ctx.fn.facts.loop_suspends |= ctx.repeated  # (a lambda, also ``repeated``, holds no ``await``)
        sites = []
        for i in ctx.regions:
            site = Site(self.span(node))
            ctx.fn.facts.regions[i].awaits.append(site)
            sites.append(site)
        self.awaits.append((ctx.fn.facts, id(node.value), sites, self.order))
        return [(node.value, ctx)]

    def on_yield(self, node: ast.Yield | ast.YieldFrom, ctx: _Ctx):
        facts = ctx.fn.facts
        facts.is_generator = True
        facts.suspensions += ((self.order, -1),)  # its consumer runs (and awaits) here
        if type(node) is ast.Yield and node.value is not None and cat.CONTEXTMANAGER_DECORATORS.intersection(facts.decorators):
            # ``with db_connection() as conn`` binds what a ``@contextmanager`` generator yields:
            # that is its result for the caller, as a return is (open-notebook's
            # ``AsyncSurreal(get_database_url())``, a connection made of process-wide settings)
            _add_return(facts, self.value_source(node.value, ctx))
        if type(node.value) in _ESCAPING:
            self.escape(node.value, ctx)
        for i in ctx.regions:
            ctx.fn.facts.regions[i].yields = True
        return [(c, ctx) for c in _children(node)]

    def on_lambda(self, node: ast.Lambda, ctx: _Ctx):
        """A lambda runs later, wherever it is handed: a parameter it uses escapes with it. Its
        calls may run many times, with what each run is given (``Call.repeated``)."""
        self.captured(node, ctx.fn)
        inner = ctx if ctx.deferred else replace(ctx, repeated=True, deferred=True)
        return [(c, inner) for c in _children(node)]

    def captured(self, node: ast.AST, fn: _Fn) -> None:
        """Parameters of ``fn`` that a nested function or lambda uses: ``FunctionFacts.escaping``."""
        params = fn.facts.params
        if params:
            fn.escaping.update(n.id for n in _walk(node) if type(n) is ast.Name and n.id in params and n.id not in ("self", "cls"))

    def on_expr(self, node: ast.Expr, ctx: _Ctx):
        if type(node.value) is ast.Call:
            self.discarded.add(id(node.value))
        return [(node.value, ctx)]

    def on_name(self, node: ast.Name, ctx: _Ctx):
        if ctx.fn is self.toplevel or ctx.fn is self.main or ctx.in_class_body:
            return ()
        self.read(node.id, node, ctx)
        return ()

    def on_attribute(self, node: ast.Attribute, ctx: _Ctx):
        text = dotted(node)
        if text is None:
            return [(node.value, ctx)]
        if not (ctx.fn is self.toplevel or ctx.fn is self.main or ctx.in_class_body):
            self.read(text, node, ctx)
            root, _, rest = text.partition(".")
            if root in ("self", "cls") and ctx.cls and rest:
                attr = rest.partition(".")[0]
                self.self_reads.append((ctx.fn.facts, ctx.cls, attr, self.span(node), self.order, ctx.regions))
        return ()

    def read(self, text: str, node: ast.AST, ctx: _Ctx) -> None:
        root = text.split(".", 1)[0]
        if root == "cls":
            shared = self.class_storage(text, ctx)
            if shared is not None:
                ctx.fn.facts.reads.append(Access(shared, self.span(node), "read", self.order, tested=self.tested(node, ctx.fn)))
            return
        if root not in self.top_names and root not in self.imports and root not in ctx.fn.globals:
            return
        ref = self.resolve(text, ctx)
        if ref.kind != "name":
            return
        ctx.fn.facts.reads.append(Access(ref.name, self.span(node), "read", self.order, tested=self.tested(node, ctx.fn)))

    def tested(self, node: ast.AST, fn: _Fn) -> bool:
        """Whether ``node`` is part of a test of ``fn`` (``Access.tested``): the nodes under its
        conditions and ``and`` / ``or`` operands (``_Scope.tested``)."""
        if fn.node is None:
            return False
        scope = self.scope_of(fn.node)
        return scope is not None and id(node) in scope.tested

    def on_call(self, node: ast.Call, ctx: _Ctx):
        fn = ctx.fn
        func = node.func
        args = _args(node)
        out: list = []
        text = dotted(func)
        ref = self.resolve(text, ctx) if text else Ref("unknown", "")
        if text is None and isinstance(func, ast.Attribute) and _is_super(func.value) and ctx.cls:
            ref = Ref("super", func.attr)  # ``super().configure(key)``: the next class's method in the MRO
        elif text is None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            self.receivers.add(id(func.value))  # built to be used at once (``Call.chained``)
            ref = self.new_object_method(func, ctx) or ref  # ``Session(backend).open()``: ``Session.open``
        keywords = tuple(a.keyword for a in args if a.keyword is not None)
        saver = cat.CONFIG_FILE_SAVERS.get(ref.name) if ref.kind == "name" else None
        if saver is not None:
            parts = [_passed(args, position, keyword) for position, keyword in saver]
            path, key, value = parts
            saved = (_plain_text(key), _plain_text(value))
            if path is not None and saved[0] and saved[1]:
                where = self.value_source(path, ctx)
                fn.saves[saved] = _join(fn.saves[saved], where) if saved in fn.saves else where  # saved to two files: both decide
        category = self.categorize(ref, fn)
        if ref.kind == "local" and text and not category:
            root, _, rest = text.partition(".")
            if rest and "." not in rest and root in fn.results:
                ref = Ref("result", f"{fn.results[root]}:{rest}")  # ``c = get_client(); c.send()``
        method = func.attr if isinstance(func, ast.Attribute) else ""
        if method == "commit":
            fn.commits = True  # ``db.commit()``: the rows added before it are saved
        elif method in ("add", "merge") and len(args) == 1 and isinstance(args[0].value, ast.Name) and args[0].value.id in fn.instances:
            fn.rows.append((fn.instances[args[0].value.id], args[0].value))  # ``db.add(row)``
        overwritten = self.overwritten_file(node, text, ref, args, method, ctx)
        if overwritten is not None:
            fn.overwrites = overwritten if fn.overwrites is None else _join(fn.overwrites, overwritten)
        if ref.kind == "name" and ref.name == "asyncio.run" and node.args and isinstance(node.args[0], ast.Call):
            self.run_alone.add(id(node.args[0]))  # ``asyncio.run(main())``: ``main`` runs on its own loop
        if method == "pop" and isinstance(func.value, ast.Name) and args and _string(args[0].value) == "callbacks":  # type: ignore[attr-defined]
            fn.callback_dicts.discard(func.value.id)  # type: ignore[attr-defined]  # ``params.pop("callbacks")`` before the call
        # Registry mutation: litellm.success_callback.append(cb)
        if isinstance(func, ast.Attribute):
            base = self.resolve(text.rpartition(".")[0], ctx) if text else self.resolve_expr(func.value, ctx)
            if base.kind == "name" and base.name in self.catalog.registries and method in cat.REGISTRY_METHODS:
                reg = self.registration(base.name, method, node, ctx, targets=[a.value for a in args])
                if method == "remove" and base.name in ctx.loops:
                    reg.in_remove_loop = True
            elif base.kind == "name" and base.name == cat.CALLBACK_MANAGER and (
                method.startswith("add_") or method.startswith("remove_") or method.startswith("_reset")
            ):
                self.registration(base.name, f"manager:{method}", node, ctx, targets=[a.value for a in args])
            elif base.kind == "name" and base.name in self.catalog.registries:
                pass
            elif base.kind == "name" and base.name in cat.SDK_REGISTRIES and method in cat.SDK_REGISTRY_METHODS:
                # ``Settings.callback_manager.add_handler(h)``: the process-wide manager's handlers
                self.registration(base.name, f"manager:{method}", node, ctx, targets=[a.value for a in args])
            elif base.kind == "name" and base.name == cat.ENVIRON:
                if method in cat.ENVIRON_METHODS:
                    positional = [a.value for a in args if a.keyword is None and not a.star]
                    key = _string(positional[0]) if positional and method in ("setdefault", "pop", "__setitem__", "__delitem__") else ""
                    written = positional[1] if key and len(positional) > 1 else _call_value(node)
                    self.config_write(cat.ENVIRON, f"method:{method}", node, ctx, written, key or "")
            elif method in cat.MUTATING_METHODS:
                self.storage_write(func.value, f"method:{method}", node, ctx)
            elif method == "set":
                self.storage_write_contextvar(func.value, node, ctx)
        if method in _ADDING and isinstance(func.value, ast.Name) and (fn.node is None or func.value.id in fn.locals):  # type: ignore[attr-defined]
            fn.held.setdefault(func.value.id, []).extend(a.value for a in args)  # type: ignore[attr-defined]
        if method in _FILLING and args:
            # ``self.hooks.append(h)`` / ``self.env.update(extra)``: the attribute now holds what is added
            added: Prov = ("literal:", _NO_DEPS)
            for a in args:
                added = _join(added, self.value_source(a.value, ctx))
            self.attribute_fill(func.value, added, ctx)  # type: ignore[attr-defined]
        if method and isinstance(func.value, ast.Name) and func.value.id in fn.locals and args:  # type: ignore[attr-defined]
            # ``env.update(extra)`` / ``items.append(x)`` on a local: it now holds what is added
            added: Prov = ("literal:", _NO_DEPS)
            for a in args:
                added = _join(added, self.value_source(a.value, ctx))
            self.fill(fn, func.value.id, added)  # type: ignore[attr-defined]
        if ref.kind == "name" and ref.name in cat.SDK_REGISTERING_FUNCTIONS and not all(_is_literal(a.value) for a in args):
            # ``set_global_handler("langfuse", user_id=uid)``: a handler for every callback manager
            # built after it (given only literals, every call installs the same kind of handler)
            self.registration(cat.SDK_REGISTERING_FUNCTIONS[ref.name], f"call:{ref.name.rsplit('.', 1)[-1]}", node, ctx)
        registering = cat.SDK_REGISTERING_CALLS.get(ref.name) if ref.kind == "name" else None
        if registering is not None:
            # ``add_trace_processor(p)``, ``dspy.configure(callbacks=[h])``: handlers into a
            # process-wide registry of another SDK (its keyword, or the positional arguments)
            keyword, op = registering
            handlers = [a.value for a in args if (a.keyword == keyword if keyword else a.keyword is None and not a.star)]
            if handlers:
                self.registration(ref.name, op, node, ctx, targets=handlers)
        if ref.kind == "name" and ref.name in cat.CONFIG_FUNCTIONS:
            positional = [a.value for a in args if a.keyword is None and not a.star]
            key = _string(positional[0]) if positional and ref.name in ("os.putenv", "os.unsetenv") else ""
            written = positional[1] if key and len(positional) > 1 else _call_value(node)
            rest = [a.value for a in args if registering is None or not registering[0] or a.keyword != registering[0]]
            if rest or not args:
                if len(rest) < len(args):
                    # the handlers are the registration's; the rest (``lm=``) is the configuration
                    written = rest[0] if len(rest) == 1 else ast.Tuple(elts=rest, ctx=ast.Load())
                self.config_write(ref.name, "call", node, ctx, written, key or "")
        if category == "litellm-call":
            for a in args:
                if a.keyword in ("callbacks", "success_callback", "failure_callback"):
                    self.registration(f"kwarg:{a.keyword}", "kwarg", a.node, ctx, a.value)
                elif a.star == "**" and isinstance(a.value, ast.Name) and a.value.id in fn.callback_dicts:
                    self.registration("kwarg:callbacks", "kwarg", a.node, ctx)
        for a in args:
            if a.keyword == "initializer":
                init = self.resolve_expr(a.value, ctx)
                if init.kind == "name":
                    fn.facts.spawns.append((init, "process initializer"))
            elif a.keyword is not None and a.keyword in cat.STARTUP_KEYWORDS:
                # ``FastAPI(lifespan=...)``, ``Starlette(on_startup=[...])``, a factory's
                # ``make_app(lifespan=...)`` passing it on: runs once per process
                self.startup_hooks(a.value, ctx)
        self.spawns(ref, node, args, ctx)
        by_cls = text == "cls" and bool(ctx.cls) and "cls" in fn.locals and "<locals>" not in ctx.cls
        if by_cls:
            ref = Ref("name", f"{self.facts.module}.{ctx.cls}")  # ``cls(**section)`` in a classmethod builds the class
        if isinstance(func, (ast.Name, ast.Attribute)):
            root = func.id if isinstance(func, ast.Name) else (text or ".").split(".", 1)[0]
            if root in fn.facts.params and root not in ("self", "cls"):
                fn.escaping.add(root)  # ``factory(...)``, ``config_type.model_validate(d)``: built here
                if isinstance(func, ast.Name):
                    fn.relay_uses.add(id(func))  # called here, with this call's arguments
        if (text in _INTROSPECTION or ref.name in cat.FUNCTION_INSPECTORS) and args:
            # ``signature(fn)``, ``callable(fn)``: the function is looked at, not called or kept
            fn.relay_uses.update(id(a.value) for a in args if isinstance(a.value, ast.Name))
        picked = self.dispatched(func, ctx)
        if not picked and not category:
            ref = self.table_entry(func, ctx) or ref
        if ref.kind == "local" and not picked and not category and text and text.count(".") == 1:
            root, _, method = text.partition(".")
            if (
                root in fn.facts.params and root not in ("self", "cls") and root not in fn.instances
                and cat.duck_method(method) and self.kept_params([root], fn)
            ):
                ref = Ref("duck", method)  # ``current_model.predict(...)``: the model decides by the name
        recorded: list[Call] = []
        first = len(fn.facts.calls)
        for ref in [Ref("name", r) for r in picked] if picked else [ref]:
            if not (ref.kind in ("name", "self", "result", "super", "entry", "duck") or category or (ref.kind == "local" and "." not in ref.name and ref.name not in _BUILTINS)):
                continue  # a plain local name may be a nested function (``_one_attempt()``): resolution decides
            splat = any(a.star for a in args)
            call = Call(
                ref, self.span(node), category, keywords, ctx.regions, self.order,
                positional=-1 if splat else sum(1 for a in args if a.keyword is None),
                passed=tuple(a.keyword for a in args if a.keyword is not None and not _is_none(a.value)),
                nones=_positional_nones(args),
                guards=ctx.guards, memo=ctx.memo, literal=_literal_args(args), checked=ctx.checked,
                chained=id(node) in self.receivers, run_alone=id(node) in self.run_alone, repeated=ctx.repeated, deferred=ctx.deferred,
                discarded=id(node) in self.discarded, by_cls=by_cls,
            )
            self.call_numbers.setdefault(id(node), len(fn.facts.calls))
            if not args:
                call.fixed = "()"
            if args and not category and _may_be_project(ref):
                call.args = self.argument_sources(args, ctx)
                call.fixed = _fixed_arguments(args, call.args)
                splats = [a.value for a in args if a.star == "**"]
                if splats:
                    call.splat_keys = tuple(sorted({k for v in splats for k in self.mapping_keys(v, ctx, 0)}))
                handed = [
                    (key, a.value.id) for (key, _s, _d), a in zip(call.args, args)
                    if isinstance(a.value, ast.Name) and a.value.id in fn.facts.params and a.value.id not in ("self", "cls")
                ]
                kept = self.kept_params([name for _key, name in handed], fn)  # not rebound before
                call.handed = tuple(h for h in handed if h[1] in kept)
                call.instances = tuple((key, fn.instances[a.value.id]) for (key, _s, _d), a in zip(call.args, args) if isinstance(a.value, ast.Name) and a.value.id in fn.instances)
                validates = ref.name.rsplit(".", 1)[-1] in cat.MODEL_VALIDATORS  # reads its mapping, never fills it
                for key, a in zip((k for k, _s, _d in call.args), args):
                    if a.star:
                        continue  # ``f(**opts)`` hands ``f`` a new mapping: nothing it does fills ``opts``
                    if not validates and isinstance(a.value, ast.Name) and (a.value.id in fn.containers or a.value.id in fn.facts.params) and a.value.id not in ("self", "cls"):
                        # ``fill(env)``: the local's container now also holds what the callee puts
                        # in that parameter (``FunctionFacts.fills``, resolved by the model)
                        self.fill(fn, a.value.id, ("literal:", frozenset([f"f:@{id(node)}:{key}:{text or 'a call'}"])))
            fn.facts.calls.append(call)
            if call.args:
                recorded.append(call)
        if args and len(fn.facts.calls) > first:
            fn.arguments.append((first, len(fn.facts.calls), args))
        if len(fn.facts.calls) > first and not category:
            # it may save what it is given, or the object it is called on (``config.save()``)
            saver: Prov = ("literal:", frozenset([f"s:@{id(node)}:{text or 'a call'}"]))
            if args:
                fn.savers.append((saver, tuple(a.value for a in args), False))
                for a in args:
                    if not a.star and isinstance(a.value, ast.Name) and a.value.id in fn.values and a.value.id not in ("self", "cls"):
                        # ``save_config(PATH, config)``: the object handed whole, as a receiver is
                        fn.savers.append((saver, (a.value,), True))
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in fn.values:
                fn.savers.append((saver, (func.value,), True))  # the object saved whole: its fields name the settings
        if args and text not in _INTROSPECTION:
            for key, a in zip((k for k, _s, _d in recorded[0].args) if recorded else [""] * len(args), args):
                if type(a.value) not in _ESCAPING or id(a.value) in self.spawn_seen:
                    continue
                if a.keyword in cat.DEFAULT_FACTORY_KEYWORDS and (text or "").rsplit(".", 1)[-1] in cat.FIELD_FUNCTIONS:
                    continue  # ``Field(default_factory=SandboxConfig)`` builds it with its defaults
                name = self.escapee(a.value, ctx) if recorded and not a.star and isinstance(a.value, (ast.Name, ast.Attribute)) else ""  # type: ignore[arg-type]
                if recorded and not a.star and isinstance(a.value, ast.Name):
                    fn.relay_uses.add(id(a.value))  # passed on by name: the model follows it into the callee
                    name = self.partial_wrapped(a.value.id, fn, ctx) or name
                if name:
                    for call in recorded:  # handed on only if the callee's parameter is (``Call.hands``)
                        call.hands += ((key, name),)
                else:
                    self.escape(a.value, ctx)
        if text == "setattr" and len(args) > 2 and _attribute_copy(args, ctx):
            pass  # each attribute set to (a copy of) what it holds in an object of the same class: no new value
        elif text == "setattr" and len(args) > 1:
            named = args[1].value
            spelled = dict(ctx.spelled).get(named.id, ()) if isinstance(named, ast.Name) else ()
            for name in spelled or (self.attribute_name(named, ctx),):
                owner = self.object_made(args[0].value, ctx) if name.endswith("*") else ""
                if name.endswith("*") and not owner and isinstance(args[0].value, ast.Name):
                    owner = dict(ctx.narrowed).get(args[0].value.id, "")  # inside ``if isinstance(obj, Cls):``
                if name.endswith("*") and not owner and isinstance(args[0].value, ast.Name) and args[0].value.id == "self" and ctx.cls and ctx.fn.facts.class_name:
                    owner = f"{self.facts.module}.{ctx.cls}"  # ``setattr(self, key, value)``: an object of this class
                # a name not known, on an object of a known class (``setattr(agent_cfg, attr, v)``
                # with ``agent_cfg = config.get_agent_config()``): only that class's attributes
                self.outside_write(f"{name}@{owner}" if owner else name, self.value_source(args[2].value, ctx) if len(args) > 2 else None, ctx)
        elif method in ("model_copy", "copy"):
            for a in args:
                if a.keyword == "update" or a.star:
                    if isinstance(a.value, ast.Dict):
                        for k, v in zip(a.value.keys, a.value.values):
                            self.outside_write((_string(k) if k is not None else None) or "*", self.value_source(v, ctx), ctx)
                    else:
                        self.outside_write("*", self.value_source(a.value, ctx), ctx)
        if text is None or isinstance(func, ast.Attribute):
            out.append((func, ctx))
        out.extend((a.value, ctx) for a in args)
        return out

    def dispatched(self, func: ast.expr, ctx: _Ctx) -> tuple[str, ...]:
        """What a call through a dispatch table may call (``table[k](...)``, ``table.get(k)(...)``,
        ``cls(...)`` after ``cls = table[k]``): ``_Fn.tables``."""
        fn = ctx.fn
        if isinstance(func, ast.Name):
            if func.id in fn.globals:
                return ()
            return fn.tables.get(func.id) or self.function_alias(func.id, ctx)
        if isinstance(func, ast.Subscript) and isinstance(func.value, ast.Name):
            return fn.tables.get(func.value.id, ())
        if isinstance(func, ast.Subscript) and isinstance(func.value, ast.Dict) and func.value.values:
            # ``{"a": A, "b": B}[kind](...)``: the table is written where it is used
            refs = [self.resolve_expr(v, ctx) if isinstance(v, (ast.Name, ast.Attribute)) else Ref("unknown", "") for v in func.value.values]
            return tuple(r.name for r in refs) if all(r.kind == "name" for r in refs) else ()
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr == "get" and isinstance(func.func.value, ast.Name):
            return fn.tables.get(func.func.value.id, ())
        if isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Subscript, ast.Call)):
            # ``table[k].from_config(cfg)``: that method of whichever class the table gives
            return tuple(f"{v}.{func.attr}" for v in self.dispatched(func.value, ctx))
        return ()

    def mapping_keys(self, value: ast.expr, ctx: _Ctx, depth: int) -> set[str]:
        """The keys a mapping splatted into a call (``**value``) may hold (``Call.splat_keys``):
        a dict literal's or ``dict(k=v)``'s, or a local's when every binding of it is such a
        literal and it is only filled with literal keys (``opts["stop"] = s``,
        ``opts.update({"model": m})``) or read; "@" and those fills for the function's own
        ``**kwargs``; "*" when it may hold anything (handed on, bound otherwise)."""
        if depth > 3:
            return {"*"}
        if isinstance(value, ast.Dict):
            out: set[str] = set()
            for k, v in zip(value.keys, value.values):
                if k is None:
                    out |= self.mapping_keys(v, ctx, depth + 1)  # ``{**base, "k": v}``
                elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                    out.add(k.value)
                else:
                    out.add("*")
            return out
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
            return {k.arg if k.arg is not None else "*" for k in value.keywords}
        fn = ctx.fn
        if not isinstance(value, ast.Name) or fn.node is None or value.id in fn.globals:
            return {"*"}
        name = value.id
        a = fn.node.args if isinstance(fn.node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        own = a is not None and a.kwarg is not None and a.kwarg.arg == name
        if name in fn.facts.params and not own:
            return {"*"}
        out = {"@"} if own else set()
        parents = _parent_map(fn.node)
        for n in _walk(fn.node):
            if not isinstance(n, ast.Name) or n.id != name:
                continue
            p = parents.get(id(n))
            if not isinstance(n.ctx, ast.Load):
                if isinstance(p, ast.Assign) and len(p.targets) == 1 and p.targets[0] is n:
                    out |= self.mapping_keys(p.value, ctx, depth + 1) if isinstance(p.value, (ast.Dict, ast.Call)) else {"*"}
                else:
                    return {"*"}  # a loop variable, ``with ... as``, an unpacking
            elif isinstance(p, ast.Subscript) and p.value is n:
                if isinstance(p.ctx, ast.Store):
                    key = p.slice
                    out.add(key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else "*")
            elif isinstance(p, ast.Attribute) and p.value is n:
                call = parents.get(id(p))
                if p.attr in ("get", "pop", "items", "keys", "values", "copy"):
                    continue
                if p.attr in ("update", "setdefault") and isinstance(call, ast.Call) and call.func is p:
                    if p.attr == "setdefault":
                        first = call.args[0] if call.args else None
                        out.add(first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "*")
                    else:
                        for arg in call.args:
                            out |= self.mapping_keys(arg, ctx, depth + 1) if isinstance(arg, (ast.Dict, ast.Call)) else {"*"}
                        out |= {k.arg if k.arg is not None else "*" for k in call.keywords}
                    continue
                return {"*"}
            elif isinstance(p, ast.keyword) and p.arg is None:
                continue  # ``**name`` into another call: read, not filled
            elif isinstance(p, ast.Compare) and n is not p.left:
                continue  # ``"stop" in name``
            else:
                return {"*"}  # handed on, returned, stored: what fills it is not seen
        return out

    def called_alias(self, node: ast.Assign, ctx: _Ctx) -> bool:
        """``chat_cls = AzureChat`` in one branch and ``= OpenAIChat`` in the other, then only
        ``chat_cls(**kwargs)``: a call through the local calls one of them with its arguments
        (``function_alias``), so nothing is handed on."""
        fn = ctx.fn
        if fn.node is None or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return False
        name = node.targets[0].id
        if name in fn.facts.params or name in fn.globals or not isinstance(node.value, (ast.Name, ast.Attribute)) or not self.escapee(node.value, ctx):
            return False  # nothing would be handed on (most ``x = y`` bind a local's value)
        called = {id(n.func) for n in _walk(fn.node) if isinstance(n, ast.Call)}
        stored = {id(n.targets[0]) for n in _walk(fn.node) if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.value, (ast.Name, ast.Attribute)) and self.resolve_expr(n.value, ctx).kind == "name"}
        for n in _walk(fn.node):
            if isinstance(n, ast.Name) and n.id == name and (id(n) not in called if isinstance(n.ctx, ast.Load) else id(n) not in stored):
                return False  # handed on, or bound to something else too (every binding is read whole, as ``function_alias``)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not fn.node and n.name == name:
                return False
            if isinstance(n, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name.split(".", 1)[0]) == name for a in n.names):
                return False
        return True

    def function_alias(self, name: str, ctx: _Ctx) -> tuple[str, ...]:
        """The project functions a local is, when every binding of it in the function names one
        (``run = helper`` in one branch, ``from .live import helper as run`` in the other): a
        call through it calls one of them. A parameter, or a local bound any other way (a loop,
        a call's result, ``with ... as``), is not known."""
        fn = ctx.fn
        if fn.node is None or name in fn.facts.params or name not in fn.locals:
            return ()
        out: list[str] = []
        for n in _walk(fn.node):
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                for alias in n.names:
                    if (alias.asname or alias.name.split(".", 1)[0]) == name:
                        if isinstance(n, ast.Import) or name not in self.imports:
                            return ()
                        out.append(self.imports[name])
            elif isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
                out.append("")  # a store: each must be one of the plain assignments counted below
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not fn.node and n.name == name:
                return ()
        stores = out.count("")
        values = [v for t, v in fn.assigned if t == name]
        if stores != len(values) or not values and not out:
            return ()
        refs = [r for r in out if r]
        for v in values:
            ref = self.resolve_expr(v, ctx) if isinstance(v, (ast.Name, ast.Attribute)) else Ref("unknown", "")
            if ref.kind != "name":
                return ()
            refs.append(ref.name)
        return tuple(sorted(set(refs)))

    def argument_sources(self, args: list[_Arg], ctx: _Ctx) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """Where each argument of a call comes from (``Call.args``): a parameter of the callee
        is what its callers pass."""
        out = []
        position = 0
        for a in args:
            if a.keyword is not None:
                key = a.keyword
            elif a.star:
                key = a.star
            else:
                key, position = str(position), position + 1
            source, deps = self.value_source(a.value, ctx)
            out.append((key, source, tuple(sorted(deps))))
        return tuple(out)

    def storage_write_contextvar(self, base: ast.expr, node: ast.AST, ctx: _Ctx) -> None:
        text = dotted(base)
        if text is None or ctx.fn is self.toplevel:
            return
        ref = self.resolve(text, ctx)
        if ref.kind == "name":
            ctx.fn.facts.local_writes.append(Access(ref.name, self.span(node), "set", self.order))

    def categorize(self, ref: Ref, fn: _Fn) -> str:
        if ref.kind == "name":
            if cat.is_litellm_call(ref.name):
                return "litellm-call"
            if self.catalog.is_network(ref.name):
                return "network"
            return ""
        if ref.kind == "local":
            root, _, rest = ref.name.partition(".")
            factory = fn.clients.get(root, "")
            if factory == "litellm.Router" and rest in cat.ROUTER_METHODS:
                return "litellm-call"
            if factory and rest in cat.CLIENT_METHODS:
                return "network"
            if ref.name.endswith(cat.SDK_CALL_SUFFIXES):
                return "network"
        if ref.kind == "self" and ref.name.endswith(cat.SDK_CALL_SUFFIXES):
            return "network"
        return ""

    def spawns(self, ref: Ref, node: ast.Call, args: list[_Arg], ctx: _Ctx) -> None:
        how = ""
        targets: list[ast.expr] = []
        forwarded: list[_Arg] | None = None  # what the target is called with, when seen
        if ref.kind == "name" and ref.name in cat.CLI_ENTRY_CALLS:
            self.cli_entry(ref, args, ctx)
            return
        if ref.kind == "name" and ref.name in cat.SPAWN_FUNCTIONS:
            how = cat.SPAWN_FUNCTIONS[ref.name]
            positional = [a.value for a in args if a.keyword is None]
            for a in args:
                if a.keyword == "target":
                    run = self.context_run_target(a.value, args, ctx)
                    targets.append(run or a.value)
                    forwarded = None if run is not None else _thread_arguments(args)
                elif a.keyword is None and ref.name.startswith("asyncio."):
                    targets.extend(_awaited_targets(a.value))
            if ref.name == "asyncio.to_thread" and positional:
                forwarded = _after(args, 1)  # ``asyncio.to_thread(fn, *args, **kwargs)``
            if not ref.name.startswith(("asyncio.", "threading.")) and positional:
                targets.append(positional[0])  # ``run_in_threadpool(fn, *args)``
                forwarded = _after(args, 1)
        elif ref.kind == "name" and ref.name in cat.PROCESS_SPAWNS:
            how = "process"
            targets.extend(a.value for a in args if a.keyword == "target")
            forwarded = _thread_arguments(args)
        elif self._entry_registration(ref, node, args, ctx):
            return
        elif isinstance(node.func, ast.Attribute) and node.func.attr in cat.CLI_HANDLER_DEFAULTS:
            # a sub-command's handler runs as the program's command line, when the parser that
            # names it runs (``_one_time_of`` asks that of the function calling ``set_defaults``)
            how = "command-line entry"
            targets.extend(a.value for a in args if a.keyword == cat.CLI_HANDLER_DEFAULTS[node.func.attr])
        elif isinstance(node.func, ast.Attribute) and node.func.attr in cat.SPAWN_METHODS:
            method = node.func.attr
            how = cat.SPAWN_METHODS[method]
            owner = dotted(node.func.value) or ""
            executor = ctx.fn.executors.get(owner.split(".", 1)[0], "")
            if not executor:
                owner_ref = self.resolve(owner, ctx) if owner else Ref("unknown", "")
                executor = self.factory_of(node.func.value, ctx) if isinstance(node.func.value, ast.Call) else ""
                binding = self.facts.bindings.get(owner) if owner_ref.kind == "name" else None
                executor = executor or (binding.factory if binding is not None else "")
            if executor.endswith("ProcessPoolExecutor") or executor in cat.PROCESS_POOLS:
                how = "process pool"
            positional = [a.value for a in args if a.keyword is None]
            if method == "run_in_executor" and len(positional) > 1:
                targets.append(positional[1])
                forwarded = _after(args, 2)  # ``loop.run_in_executor(pool, fn, *args)``
            elif method == "create_task" and positional:
                first = positional[0]
                targets.append(first.func if isinstance(first, ast.Call) else first)
            elif positional:
                targets.append(positional[0])
                if method in ("submit", "start_soon"):
                    forwarded = _after(args, 1)  # ``pool.submit(fn, *args, **kwargs)``
        for t in targets:
            # a function named plainly is called with what the spawn forwards; a lambda's own
            # call, a ``partial``'s bound arguments or an iterable's items are not seen here.
            # One in a loop starts many: each may be handed another item of what the loop walks,
            # so there only what no run of the loop can rebind is seen (``spawn_call``)
            seen = forwarded is not None and t is targets[0] and isinstance(t, (ast.Name, ast.Attribute))
            for r in self.handler_refs(t, ctx):
                if seen:
                    ctx.fn.facts.spawn_calls[len(ctx.fn.facts.spawns)] = self.spawn_call(r, node, forwarded or [], ctx)
                    self.spawn_seen.add(id(t))
                ctx.fn.facts.spawns.append((r, how))
        if how in ("process pool", "process"):
            self.sent_to_process(node, targets, ctx.fn)

    def sent_to_process(self, node: ast.Call, targets: list[ast.expr], fn: _Fn) -> None:
        """The names a process spawn hands to its tasks besides the target (``pool.imap(work,
        jobs)`` with ``jobs = ((handler, row) for row in rows)``, followed through the locals
        bound so far): a function among them is called in the worker process, whose calls cannot
        change what this process holds (``FunctionFacts.relayed``)."""
        bound: dict[str, list[ast.expr]] = {}
        for name, value in fn.assigned:
            bound.setdefault(name, []).append(value)
        todo = [a for a in (*node.args, *(k.value for k in node.keywords)) if not any(a is t for t in targets)]
        seen: set[str] = set()
        while todo:
            n = todo.pop()
            for sub in _walk(n):
                if isinstance(sub, ast.Name):
                    fn.relay_uses.add(id(sub))
                    if sub.id in bound and sub.id not in seen and sub.id not in fn.facts.params:
                        seen.add(sub.id)
                        todo.extend(bound[sub.id])

    def spawn_call(self, ref: Ref, node: ast.Call, forwarded: list[_Arg], ctx: _Ctx) -> Call:
        """The call of a spawn's target with the arguments the spawn forwards to it
        (``FunctionFacts.spawn_calls``), as ``on_call`` records a project call."""
        fn = ctx.fn
        call = Call(
            ref, self.span(node), "", tuple(a.keyword for a in forwarded if a.keyword is not None), ctx.regions, self.order,
            positional=-1 if any(a.star for a in forwarded) else sum(1 for a in forwarded if a.keyword is None),
            passed=tuple(a.keyword for a in forwarded if a.keyword is not None and not _is_none(a.value)),
            nones=_positional_nones(forwarded),
            guards=ctx.guards, memo=ctx.memo, literal=_literal_args(forwarded), checked=ctx.checked, repeated=ctx.repeated, deferred=ctx.deferred,
        )
        if forwarded:
            call.args = self.argument_sources(forwarded, ctx)
            if ctx.repeated:
                # a spawn in a loop (or a lambda) starts many runs at once: an argument made of
                # the function's parameters it never rebinds (``pool.submit(work, item, args)``'s
                # ``args``, the command line every thread shares) is the same in each, but one
                # made of anything else (the loop's item, a value computed from it) may be
                # another in every thread, however fixed each one is (a file's rows)
                kept = set(self.kept_params(list(fn.facts.params), fn))
                call.args = tuple(
                    arg if _made_of(a.value, kept) else (arg[0], "unknown:what each run the loop starts is handed", ())
                    for arg, a in zip(call.args, forwarded)
                )
            handed = [
                (key, a.value.id) for (key, _s, _d), a in zip(call.args, forwarded)
                if isinstance(a.value, ast.Name) and a.value.id in fn.facts.params and a.value.id not in ("self", "cls")
            ]
            kept = self.kept_params([name for _key, name in handed], fn)
            call.handed = tuple(h for h in handed if h[1] in kept)
        return call

    def cli_entry(self, ref: Ref, args: list[_Arg], ctx: _Ctx) -> None:
        """``fire.Fire(main)``, ``typer.run(main)``: ``main`` is the program's command line, run
        once per process with what the operator typed. A parameter handed there makes the
        enclosing function such a launcher (``FunctionFacts.launches``)."""
        keyword = cat.CLI_ENTRY_CALLS[ref.name]
        positional = [a.value for a in args if a.keyword is None and not a.star]
        chosen = [a.value for a in args if a.keyword == keyword] or positional[:1]
        for value in chosen:
            if isinstance(value, ast.Name) and value.id in ctx.fn.facts.params and self.kept_params([value.id], ctx.fn):
                ctx.fn.facts.launches = (*ctx.fn.facts.launches, (value.id, "command-line entry"))
                continue
            for r in self.handler_refs(value, ctx):
                ctx.fn.facts.spawns.append((r, "command-line entry"))

    def new_object_method(self, node: ast.Attribute, ctx: _Ctx) -> Ref | None:
        """``Cls(x).method``: the method of an object built in place, when ``Cls`` is a class;
        ``get_client().send``: a method of what a project function returns (``Ref("result")``)."""
        made = self.factory_of(node.value, ctx)
        if self._is_instance_factory(made, node.value, ctx):
            return Ref("name", f"{made}.{node.attr}")
        maker = self.object_made(node.value, ctx)
        return Ref("result", f"{maker[2:]}:{node.attr}") if maker.startswith("()") else None

    def object_made(self, value: ast.expr | None, ctx: _Ctx) -> str:
        """What kind of object an expression gives, for ``FunctionFacts.returns_type``: a class
        (built here, a local built from one, or a module-level object of one), "()" and the
        project function whose result it is, or "" (unknown)."""
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            made = self.factory_of(value, ctx)
            if self._is_instance_factory(made, value, ctx):
                return made
            ref = self.resolve_expr(value.func, ctx)
            if ref.kind == "self" and "." not in ref.name and ctx.cls:
                return f"(){self.facts.module}.{ctx.cls}.{ref.name}"  # ``self._client().send()``: a method of this class
            if ref.kind != "name" or self.categorize(ref, ctx.fn) or _is_executor(made):
                return ""  # a library's call (a response, an executor) is no project function's result
            known = made in self.catalog.client_factories or made in self.catalog.lock_factories or made in cat.MUTABLE_FACTORIES
            return "" if known else f"(){ref.name}"
        if isinstance(value, ast.Name):
            fn = ctx.fn
            if value.id in fn.locals and value.id not in fn.globals:
                if value.id in fn.instances:
                    return fn.instances[value.id]
                return f"(){fn.results[value.id]}" if value.id in fn.results else ""
            bound = self.facts.bindings.get(value.id)
            if bound is not None and bound.kind == "value" and bound.factory[bound.factory.rfind(".") + 1 :][:1].isupper():
                return bound.factory  # ``return _DEFAULT`` where ``_DEFAULT = Other()``
        return ""

    def context_run_target(self, target: ast.expr, args: list[_Arg], ctx: _Ctx) -> ast.expr | None:
        """``Thread(target=ctx.run, args=(step, tool))`` with ``ctx = contextvars.copy_context()``:
        the thread runs ``step`` inside that context (the first of ``args``)."""
        if not (isinstance(target, ast.Attribute) and target.attr == "run"):
            return None
        made = self.factory_of(target.value, ctx) if isinstance(target.value, ast.Call) else ""
        if isinstance(target.value, ast.Name) and target.value.id in ctx.fn.made:
            made = self.factory_of(ctx.fn.made[target.value.id][1], ctx)
        if made not in ("contextvars.copy_context", "contextvars.Context"):
            return None
        passed = next((a.value for a in args if a.keyword == "args"), None)
        return passed.elts[0] if isinstance(passed, (ast.Tuple, ast.List)) and passed.elts else None

    def handler_refs(self, node: ast.expr, ctx: _Ctx) -> list[Ref]:
        """The project functions a handler expression runs: the function named, the one a
        ``functools.partial`` wraps, or those a lambda calls (Gradio's
        ``fn=lambda q, k: asyncio.run(answer(q, k))`` runs ``answer`` per click, not at set-up)."""
        if isinstance(node, ast.Lambda):
            calls = [c for c in _walk(node.body) if isinstance(c, ast.Call)]
            refs = [r for r in (self.resolve_expr(c.func, ctx) for c in calls) if r.kind in ("name", "self")]
            ctx.fn.facts.lambda_spawns = tuple(sorted({*ctx.fn.facts.lambda_spawns, *(str(r) for r in refs)}))
            return refs
        if isinstance(node, ast.Call) and node.args and self.resolve_expr(node.func, ctx).name == "functools.partial":
            node = node.args[0]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
            made = self.new_object_method(node, ctx)  # ``Thread(target=Worker(cfg).run)``: ``Worker.run``
            return [made] if made is not None else []
        r = self.resolve_expr(node, ctx)
        if r.kind == "local" and r.name in ctx.fn.nested:  # ``pool.map(one, xs)`` of a nested ``def one``
            return [Ref("name", f"{self.facts.module}.{ctx.fn.facts.qualname}.<locals>.{r.name}")]
        if r.kind == "local" and "." not in r.name and r.name not in ctx.fn.locals and self.star_imports:
            return [r]  # a name no statement here binds: a star import's, which resolution looks up
        return [r] if r.kind in ("name", "self") else []

    def _entry_registration(self, ref: Ref, node: ast.Call, args: list[_Arg], ctx: _Ctx) -> bool:
        """A function handed to a web framework or a UI toolkit as a per-request handler:
        ``app.add_url_rule(rule, ep, view)``, ``Route(path, endpoint)``, ``path("x/", view)``,
        ``button.click(fn, ...)`` (Gradio), ``st.button(..., on_click=cb)`` (Streamlit)."""
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else ""
        spec = cat.VIEW_REGISTRATIONS.get(ref.name) if ref.kind == "name" else None
        how = "web handler"
        keyword_names: tuple[str, ...] = ()
        if spec is None and method in cat.VIEW_REGISTRATIONS:
            spec = cat.VIEW_REGISTRATIONS[method]
        if spec is not None:
            keyword_names = (spec[1],)
        elif method in cat.GRADIO_EVENTS and self._imports_module("gradio"):
            spec, keyword_names, how = (0, "fn"), ("fn",), f"Gradio .{method}() handler"
        elif ref.kind == "name" and ref.name in cat.GRADIO_INTERFACES:
            spec, keyword_names, how = (0, "fn"), ("fn",), f"Gradio {ref.name.rsplit('.', 1)[-1]} function"
        elif ref.kind == "name" and ref.name.startswith("streamlit."):
            spec, keyword_names, how = (-1, "on_click"), ("on_click", "on_change", "on_submit"), "Streamlit widget callback"
        else:
            return False
        positional = [a.value for a in args if a.keyword is None and not a.star]
        chosen = [a.value for a in args if a.keyword is not None and a.keyword in keyword_names]
        for a in args:
            # ``.then(**predict_args)`` with ``predict_args = dict(fn=predict, ...)``: the
            # mapping's entries are the keywords
            if a.star == "**" and isinstance(a.value, ast.Name):
                chosen += [v for k, v in _mapping_entries(_last_bound(ctx.fn, a.value.id)) if k in keyword_names]
        if not chosen and 0 <= spec[0] < len(positional):
            chosen = [positional[spec[0]]]
        for t in chosen:
            for r in self.handler_refs(t, ctx):
                ctx.fn.facts.spawns.append((r, how))
        return bool(chosen)

    def _imports_module(self, module: str) -> bool:
        return any(v == module or v.startswith(module + ".") for v in self.imports.values())


# ------------------------------------------------------------------ tree helpers
def _awaited_targets(node: ast.expr) -> list[ast.expr]:
    """The functions an argument of ``asyncio.gather`` / ``wait`` / ``create_task`` runs: the
    callee of ``f(x)``, also inside ``*(f(x) for x in xs)``, ``[f(x) for x in xs]`` or
    ``*[f(a), g(b)]`` (pipecat's eval suite gathers one task per run through a generator; only the
    bare call was seen). A list or tuple not splatted is data (``to_thread(fn, [a, b])``)."""
    if isinstance(node, ast.Starred):
        inner = node.value
        if isinstance(inner, (ast.List, ast.Tuple, ast.Set)):
            return [t for e in inner.elts for t in _awaited_targets(e)]
        return _awaited_targets(inner)
    if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
        return _awaited_targets(node.elt)
    return [node.func if isinstance(node, ast.Call) else node]


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of Attribute over Name, else None."""
    kind = type(node)
    if kind is ast.Name:  # most asks (1.1 M over pdd's files): no list, no join
        return node.id  # type: ignore[attr-defined]
    if kind is not ast.Attribute:
        return None
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def add_import(
    table: dict[str, str],
    node: ast.Import | ast.ImportFrom,
    module: str,
    is_package: bool,
    stars: set[str] | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    """Record the local names that an import statement binds (and, in ``stars``, the modules
    it star-imports). ``aliases``: the names the modules of its own folder got (see
    ``SourceFile.aliases``), for an absolute import of one of them."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                table[alias.asname] = _aliased(alias.name, aliases)
            else:
                first = alias.name.split(".", 1)[0]  # ``import a.b`` binds ``a``
                table[first] = _aliased(first, aliases)
        return
    base = resolve_relative(module, is_package, node.level or 0, node.module or "")
    if not node.level:
        base = _aliased(base, aliases)
    for alias in node.names:
        if alias.name == "*":
            if stars is not None and base:
                stars.add(base)
            return
        if base == module and not alias.asname:
            continue  # ``from toolbox import get_conf`` inside toolbox: its own binding stands (a self-loop)
        table[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name


def _aliased(name: str, aliases: dict[str, str] | None) -> str:
    """``name`` with its top-level part replaced by the name its folder's module got."""
    if not aliases:
        return name
    top, dot, rest = name.partition(".")
    renamed = aliases.get(top)
    return name if renamed is None else renamed + dot + rest


def _replace(live: dict[str, str], value: dict[str, str]) -> None:
    """Make ``live`` hold ``value`` (in place: the extractor's maps are shared by reference)."""
    live.clear()
    live.update(value)


def _children(node: ast.AST) -> list[ast.AST]:
    """Child nodes in source order, without the context/operator singletons."""
    if isinstance(node, ast.Dict):  # keys and values interleaved, as written
        out: list[ast.AST] = []
        for k, v in zip(node.keys, node.values):
            if k is not None:
                out.append(k)
            out.append(v)
        return out
    if isinstance(node, ast.Call):
        return [node.func, *(a.value for a in _args(node))]
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(n for n in node._fields if n not in ("ctx", "op", "ops", "type_comment"))
    out = []
    for name in names:
        value = getattr(node, name, None)
        if isinstance(value, list):
            out.extend(v for v in value if isinstance(v, ast.AST))
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}


def _args(node: ast.Call) -> list[_Arg]:
    """The arguments of a call in source order (a keyword may come before ``*rest``)."""
    out = [_Arg(None, "*", a.value, a) if isinstance(a, ast.Starred) else _Arg(None, "", a, a) for a in node.args]
    if node.keywords:
        out += [_Arg(k.arg, "" if k.arg else "**", k.value, k) for k in node.keywords]
        if node.args and _start(node.keywords[0]) < _start(node.args[-1]):
            out.sort(key=lambda a: _start(a.node))
    return out


def _after(args: list[_Arg], skip: int) -> list[_Arg] | None:
    """The arguments after the first ``skip`` positional ones (``pool.submit(fn, a, k=v)``
    forwards ``a, k=v``), or None when a splat may hold the skipped ones."""
    out: list[_Arg] = []
    seen = 0
    for a in args:
        if a.star == "*" and seen < skip:
            return None
        if a.keyword is None and not a.star and seen < skip:
            seen += 1
            continue
        out.append(a)
    return out if seen == skip else None


def _thread_arguments(args: list[_Arg]) -> list[_Arg] | None:
    """What ``Thread(target=f, args=(a,), kwargs={"k": v})`` (or ``Process``) calls ``f`` with:
    the items of a literal tuple or list, the entries of a literal dict or ``dict(k=v)``, else
    the sequence or mapping splatted (``kwargs=opts``: ``**opts``). None: passed by position
    (``Thread(None, f, ...)``) or splatted into the constructor, not seen."""
    if any(a.star or a.keyword is None for a in args):
        return None
    out: list[_Arg] = []
    for a in args:
        v = a.value
        if a.keyword == "args":
            if isinstance(v, (ast.Tuple, ast.List)):
                out.extend(_Arg(None, "*", e.value, e) if isinstance(e, ast.Starred) else _Arg(None, "", e, e) for e in v.elts)
            else:
                out.append(_Arg(None, "*", v, v))
        elif a.keyword == "kwargs":
            if isinstance(v, ast.Dict) and all(k is None or isinstance(k, ast.Constant) and isinstance(k.value, str) for k in v.keys):
                out.extend(_Arg(k.value, "", e, e) if k is not None else _Arg(None, "**", e, e) for k, e in zip(v.keys, v.values))  # type: ignore[union-attr]
            elif isinstance(v, ast.Call) and dotted(v.func) == "dict" and not v.args:
                out.extend(_Arg(k.arg, "" if k.arg else "**", k.value, k) for k in v.keywords)
            else:
                out.append(_Arg(None, "**", v, v))
    out.sort(key=lambda a: (a.keyword is not None or a.star == "**", a.star == "**"))  # positional ones first
    return out


def _passed(args: list[_Arg], position: int, keyword: str) -> ast.expr | None:
    """The argument passed at ``position`` or as ``keyword`` (None: not passed, or a splat may
    pass it)."""
    if any(a.star for a in args):
        return None
    positional = [a.value for a in args if a.keyword is None]
    if position < len(positional):
        return positional[position]
    return next((a.value for a in args if a.keyword == keyword), None)


# reads of environment variables in source text, after each ``environ`` / ``getenv`` word:
# ``environ["K"]`` (not assigned), ``environ.get("K")``, ``getenv("K")``, ``"K" in environ``; a
# name computed at run time (``environ[k]``, ``getenv(k)``); any other ``environ`` but a write
# method or an import is the whole environment as a value (``{**os.environ}``, ``.copy()``)
_ENV_WORD = re.compile(r"(?<![\w])(?:environ|getenv)(?![\w])")
_ENV_CALL = re.compile(r"""\s*\(\s*(?:(['"])(?P<name>[^'"\s]+)\1|(?P<ident>[A-Za-z_]\w*)\s*(?=[,)]))?""")
_ENV_ITEM = re.compile(
    r"""\s*(?:\[\s*(?:(?P<q1>['"])(?P<name>[^'"\s]+)(?P=q1)\s*|(?P<ident>[A-Za-z_]\w*)\s*(?=\]))?[^\]]*\]"""
    r"""|\.\s*get\s*\(\s*(?:(?P<q2>['"])(?P<name2>[^'"\s]+)(?P=q2)|(?P<ident2>[A-Za-z_]\w*)\s*(?=[,)]))?)(?P<write>\s*=[^=])?"""
)
# a word after ``environ`` (``os.environ variable``): prose, unless a keyword (``os.environ if x else {}``)
_PROSE_AFTER = re.compile(r"[ \t]+([A-Za-z_]\w*)")
_KEYWORDS_AFTER_VALUE = frozenset(["if", "else", "and", "or", "for", "in", "not", "is", "as"])
# an environment variable's name as a parameter's default spells it (``env_var="OPENAI_API_KEY"``)
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_ENV_WRITE_METHOD = re.compile(r"\s*\.\s*(?:setdefault|update|pop|popitem|clear)\b")
_ENV_TESTED = re.compile(r"""(['"])(?P<name>\w+)\1\s+(?:not\s+)?in\s+(?:os\s*\.\s*)?$""")
_CREDENTIAL_NAME = re.compile(r"key|token|secret|credential|password|auth", re.IGNORECASE)


def _last_bound(fn: _Fn, name: str) -> ast.expr | None:
    """The value ``name`` was last assigned in ``fn`` so far (``_note_bound``), if any."""
    return next((v for n, v in reversed(fn.assigned) if n == name), None)


def _bound_once(fn: _Fn, value: ast.expr) -> ast.expr:
    """The value a local name ``value`` is bound to when ``fn`` binds it once (``_note_bound``),
    else ``value`` itself."""
    if type(value) is not ast.Name:
        return value
    bound = [v for n, v in fn.assigned if n == value.id]  # type: ignore[attr-defined]
    return bound[0] if len(bound) == 1 else value


def _mapping_entries(value: ast.expr | None) -> list[tuple[str, ast.expr]]:
    """The string-keyed entries of ``dict(a=x)`` or ``{"a": x}``."""
    if isinstance(value, ast.Dict):
        return [(k.value, v) for k, v in zip(value.keys, value.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
        return [(k.arg, k.value) for k in value.keywords if k.arg is not None]
    return []


def _note_bound(fn: _Fn, target: ast.expr, value: ast.expr) -> None:
    """``x = v`` (``a, b = u, v`` pairwise): what ``x`` holds, for ``_Extractor.finish_handed``."""
    if type(target) is ast.Name:
        fn.assigned.append((target.id, value))
    elif isinstance(target, (ast.Tuple, ast.List)):
        values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) else [value] * len(target.elts)
        for t, v in zip(target.elts, values):
            _note_bound(fn, t, v)


def _builds_object(value: ast.expr, fn: _Fn) -> bool:
    """``Config(...)`` / ``settings.Config(...)``, or a local bound once to one: a call of a
    class (a CapWords name, PEP 8), whose object keeps what it is given."""
    value = _bound_once(fn, value)
    if type(value) is not ast.Call:
        return False
    func = value.func  # type: ignore[attr-defined]
    name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
    return name[:1].isupper() and not name.isupper()


def _argument_keys(args: list[_Arg]) -> list[str]:
    """Each argument's key as in ``Call.args``: its position, its keyword, "*" or "**"."""
    out, position = [], 0
    for a in args:
        if a.keyword is not None:
            out.append(a.keyword)
        elif a.star:
            out.append(a.star)
        else:
            out.append(str(position))
            position += 1
    return out


def _chain(node: ast.expr) -> str:
    """``st.session_state["key"]`` / ``st.session_state.key`` as one text, "st.session_state.key"
    (constant subscripts as attributes); "" for anything else."""
    parts: list[str] = []
    while True:
        if type(node) is ast.Attribute:
            parts.append(node.attr)  # type: ignore[attr-defined]
        elif type(node) is ast.Subscript and type(node.slice) is ast.Constant:  # type: ignore[attr-defined]
            parts.append(str(node.slice.value))  # type: ignore[attr-defined]
        elif type(node) is ast.Name:
            parts.append(node.id)  # type: ignore[attr-defined]
            return ".".join(reversed(parts))
        else:
            return ""
        node = node.value  # type: ignore[attr-defined]


def _prefixes(chain: str) -> list[str]:
    """``a.b.c`` and the objects holding it, ``a.b`` and ``a`` (not a bare ``self`` / ``cls``:
    a method handed its instance is not handed each of its fields)."""
    parts = chain.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1) if i > 1 or parts[0] not in ("self", "cls")]


def _holds(value: ast.expr, roots: dict[str, frozenset[str]], skip: dict[str, str]) -> frozenset[str]:
    """The names and attribute chains a value is made of, a local's through what was bound to
    it (``roots``), a call's result through its receiver and arguments; names in ``skip``
    (imports: ``st`` of ``st.text_input(...)``) are no value."""
    out: set[str] = set()
    todo: list[ast.AST] = [value]
    while todo:
        n = todo.pop()
        t = type(n)
        if t is ast.Constant or t is ast.Lambda:
            continue
        if t is ast.Name:
            if n.id not in skip:  # type: ignore[attr-defined]
                out.add(n.id)  # type: ignore[attr-defined]
                out.update(roots.get(n.id, ()))  # type: ignore[attr-defined]
            continue
        if t is ast.Attribute or t is ast.Subscript:
            chain = _chain(n)  # type: ignore[arg-type]
            if chain:
                if chain.split(".", 1)[0] not in skip or "." in chain.split(".", 1)[1]:
                    out.add(chain)
                continue
        if t is ast.Call:
            func = n.func  # type: ignore[attr-defined]
            key = _string(n.args[0]) if type(func) is ast.Attribute and func.attr == "get" and n.args else None  # type: ignore[attr-defined]
            chain = _chain(func.value) if key is not None else ""
            if chain:
                # ``body.get("key")`` reads one entry, as ``body["key"]`` does: it holds that
                # entry (and its default), not all of ``body`` (``body.get("text")`` handed to a
                # call does not hand it the key)
                if chain.split(".", 1)[0] not in skip or "." in chain:
                    out.add(f"{chain}.{key}")
                todo.extend(n.args[1:])  # type: ignore[attr-defined]
                todo.extend(k.value for k in n.keywords)  # type: ignore[attr-defined]
                continue
            if type(func) is ast.Attribute:
                todo.append(func.value)
            todo.extend(n.args)  # type: ignore[attr-defined]
            todo.extend(k.value for k in n.keywords)  # type: ignore[attr-defined]
            continue
        todo.extend(ast.iter_child_nodes(n))
    return frozenset(out)


def _read_from(value: str, exprs: tuple[ast.expr, ...]) -> bool:
    """``value`` (as ``_plain_text`` spells it) is read from an object saved whole: a field of it
    (``config.system.timezone`` of ``save(PATH, config)``), which the object carries to the file."""
    root, dot, _ = value.partition(".")
    return bool(dot) and any(isinstance(e, ast.Name) and e.id == root for e in exprs)


def _plain_text(node: ast.expr | None) -> str:
    """A name, an attribute chain or a string literal as text (``"'KEY'"`` for a literal), to
    tell that two places write the same key or value; "" for anything else. Not ``ast.dump``:
    its recursive helper leaves a reference cycle per call, kept by workers that run without the
    collector (``test_extraction_leaves_no_reference_cycle``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return repr(node.value)
    return (dotted(node) or "") if isinstance(node, (ast.Name, ast.Attribute)) else ""


def _start(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _counts_above_one(factory: str, value: ast.expr | None) -> bool:
    """A semaphore created with a count other than 1 (a literal > 1, or a configured value)."""
    if not factory.endswith("Semaphore") or not isinstance(value, ast.Call) or not (value.args or value.keywords):
        return False
    first = _args(value)[0].value
    return not (isinstance(first, ast.Constant) and type(first.value) is int and first.value in (0, 1))


def _bounded(value: ast.expr | None) -> bool:
    """A queue made with a ``maxsize`` other than a literal 0 (it may make ``put`` wait)."""
    if not isinstance(value, ast.Call):
        return True
    sizes = [a.value for a in _args(value) if a.keyword in (None, "maxsize") and not a.star][:1]
    return any(not (isinstance(v, ast.Constant) and v.value == 0) for v in sizes) or any(a.star for a in _args(value))


def _keyed_lookup(value: ast.expr | None) -> bool:
    """``get_lock(user.id)``, ``await self._lock_for(key)``, ``self._locks[key]``,
    ``LOCKS.setdefault(key, Lock())``: one of many objects, picked by a key that is not a literal
    (asked of every assignment: cheap; the text is made only for a lock region, ``_keyed_text``)."""
    v = value.value if isinstance(value, ast.Await) else value
    if isinstance(v, ast.Subscript):
        key: ast.expr = v.slice
    elif isinstance(v, ast.Call) and (v.args or v.keywords):
        key = v.args[0] if v.args else v.keywords[0].value
    else:
        return False
    return not isinstance(key, (ast.Constant, ast.Starred))


def _keyed_owner(lock: ast.expr, keyed: dict[str, ast.expr]) -> str:
    """``state = self._states.get(user_id)`` then ``async with state.lock:``: the lock of one of
    many per-key objects is picked per key as much as ``self._locks[user_id]`` is (the text of
    the lookup that bound the owner), else ""."""
    if isinstance(lock, ast.Attribute) and isinstance(lock.value, ast.Name) and lock.value.id in keyed:
        return _keyed_text(keyed[lock.value.id])
    return ""


# what may be done to a lock without handing it to anyone else
_LOCK_OWN_USES = frozenset({"acquire", "release", "locked"})


def _private_lock(ref: Ref, local: Binding | None, fn: _Fn) -> bool:
    """Whether a region's lock is one ``fn`` made itself (``lock = threading.Lock()``) and only
    takes and releases: no load of the name but ``with lock`` / ``lock.acquire()`` /
    ``lock.release()`` / ``lock.locked()`` in ``fn``'s own body, none in a nested function or
    lambda (a closure shares it with every run of that function). Then each call of ``fn`` has
    its own lock and no other holder can exist: it serialises nothing. A closure's lock (made by
    the enclosing function) and a lock passed, stored, returned or yielded are shared."""
    if local is None or local.kind != "lock" or local.scope != "local" or ref.kind != "local" or "." in ref.name:
        return False
    node = fn.node
    if ref.name not in fn.made or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    # (node, parent, nested): walk the body keeping each node's parent and whether it is inside a
    # nested scope
    todo: list[tuple[ast.AST, ast.AST, bool]] = [(s, node, False) for s in node.body]
    while todo:
        cur, parent, nested = todo.pop()
        if isinstance(cur, ast.Name) and cur.id == ref.name:
            if isinstance(cur.ctx, ast.Load):
                own = isinstance(parent, ast.withitem) and parent.context_expr is cur
                own = own or isinstance(parent, ast.Attribute) and parent.attr in _LOCK_OWN_USES
                if nested or not own:
                    return False
            continue
        if isinstance(cur, (ast.Nonlocal, ast.Global)) and ref.name in cur.names:
            return False
        inner = nested or isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
        todo.extend((c, cur, inner) for c in ast.iter_child_nodes(cur))
    return True


def _keyed_text(value: ast.expr | None) -> str:
    """The text of a per-key lookup (``LockRegion.keyed``), else ""."""
    if value is None or not _keyed_lookup(value):
        return ""
    text = ast.unparse(value.value if isinstance(value, ast.Await) else value)
    return text if len(text) <= 80 else text[:79] + "…"


def _optional_value(value: ast.expr | None) -> ast.expr | None:
    """What an optional object is made from: ``Semaphore(n) if n else None`` (or the branches the
    other way round) binds the object or nothing, so its kind is the object's (TinyTroupe's
    per-client ``BoundedSemaphore(max_calls) if max_calls is not None else None`` was taken for a
    lock by its name); any other conditional is left alone."""
    if isinstance(value, ast.IfExp):
        branches = [b for b in (value.body, value.orelse) if not (isinstance(b, ast.Constant) and b.value is None)]
        if len(branches) == 1:
            return branches[0]
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and isinstance(value.values[-1], ast.Call):
        # ``manager or Manager(...)``: the object given, else one made here; the made one says
        # what it is (xinference's router agent calls ``self.process_manager.reconcile`` on one)
        if all(isinstance(v, (ast.Name, ast.Attribute)) for v in value.values[:-1]):
            return value.values[-1]
    return value


def _field_default(value: ast.expr | None) -> ast.Call | None:
    """The call made for ``default=`` of a field call (``Field(default=Lock())``), if any."""
    if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in cat.FIELD_FUNCTIONS:
        for k in value.keywords:
            if k.arg == "default" and isinstance(k.value, ast.Call):
                return k.value
        if value.args and isinstance(value.args[0], ast.Call):
            return value.args[0]
    return None


def _default_factory(value: ast.expr | None) -> ast.expr | None:
    """The factory named by ``default_factory=`` (or attrs' ``factory=``) in a field call."""
    if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in cat.FIELD_FUNCTIONS:
        for k in value.keywords:
            if k.arg in cat.DEFAULT_FACTORY_KEYWORDS and isinstance(k.value, (ast.Name, ast.Attribute)):
                return k.value
    return None


def _is_executor(factory: str) -> bool:
    return factory.endswith("PoolExecutor") or factory in cat.PROCESS_POOLS


def _targets(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, (ast.Tuple, ast.List)):
        return list(node.elts)
    return [node]


def _chain_text(node: ast.expr) -> str | None:
    """``a.b`` for ``a.b``, ``a.b[k]``, ``a.b[k].c`` (the storage being written)."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return dotted(node)


def _subscript_key(node: ast.Subscript) -> str | None:
    return _string(node.slice)


def _has_callbacks_key(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Dict):
        return any(k is not None and _string(k) == "callbacks" for k in value.keys)
    if isinstance(value, ast.Call) and dotted(value.func) == "dict":
        return any(k.arg == "callbacks" for k in value.keywords)
    return False


def _is_literal(value: ast.expr | None) -> bool:
    """``True``, ``None``, ``0``, ``-1``, ``"x"``, ``[]``, ``{}``, ``set()``: a flag or a reset."""
    if isinstance(value, ast.UnaryOp):
        value = value.operand
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    if isinstance(value, ast.Call) and not value.args and not value.keywords:
        return dotted(value.func) in ("set", "dict", "list", "tuple")
    return isinstance(value, ast.Constant) and value.value is not Ellipsis


_BUILTINS = frozenset(dir(builtins))
# names every module has, set once when it is imported
_MODULE_DUNDERS = frozenset(["__file__", "__name__", "__package__", "__spec__", "__path__", "__cached__", "__loader__"])
# the standard library and configuration loaders: what their calls return is a process-wide
# fact (a file, the environment, the operator), not request data
_PROCESS_MODULES = frozenset(
    ["os", "sys", "getpass", "json", "yaml", "toml", "tomllib", "tomli", "configparser", "pathlib", "dotenv", "platform", "multiprocessing", "shutil",
     "certifi",  # ``SSL_CERT_FILE = certifi.where()``: the installed CA bundle's path
     # data libraries compute from their arguments (which are walked too): pdd's rate map is
     # built from ``pd.read_csv`` of a catalogue path, the same table for every call
     "importlib", "io", "csv", "pandas", "numpy",
     # the standard library's pure helpers: their result is made of their arguments, walked too
     # (``typing.get_args(field.annotation)``, ``ast.literal_eval(raw)``, ``re.sub(p, f, s)``); not
     # time, random, uuid or tempfile, whose every call gives another value
     "typing", "ast", "re", "string", "base64", "binascii", "hashlib", "math", "operator", "itertools",
     "collections", "enum", "types", "inspect", "shlex", "textwrap", "decimal", "fnmatch", "posixpath",
     "ntpath", "glob", "codecs", "unicodedata", "html", "dataclasses",
     # version parsing: xinference keeps ``version.parse(vllm.__version__)``, the installed
     # library's version, in a module global each model load sets
     "packaging"]
)
# calls of modules left out above that still give the same value on every call: the process's
# temporary folder (txtai's workflow app exports a fixed file under it, not a visitor's value)
_PROCESS_CALLS = frozenset(["tempfile.gettempdir", "tempfile.gettempdirb", "tempfile.gettempprefix"])
_COPIES = frozenset(["copy.copy", "copy.deepcopy"])
# a data frame's methods that overwrite the file named by their first argument
_TABLE_WRITERS = frozenset(["to_csv", "to_json", "to_parquet", "to_excel", "to_pickle", "to_feather"])
# library helpers that return a mapping's entry or else an environment variable -> the position
# of the variable's name among their arguments
_ENV_FALLBACKS = {
    f"{package}.utils.{name}": at
    for package in ("langchain", "langchain_core", "langchain_community")
    for name, at in (("get_from_dict_or_env", 2), ("get_from_env", 1))
} | {f"langchain_core.utils.env.{name}": at for name, at in (("get_from_dict_or_env", 2), ("get_from_env", 1))}
# wrappers whose object holds what they are given (``SecretStr(value)``: a key hidden from logs)
_WRAPPERS = frozenset(["pydantic.SecretStr", "pydantic.SecretBytes", "pydantic.types.SecretStr", "pydantic.types.SecretBytes"])
_COPY = "copy"  # ``call_source`` of a copy: what its argument holds
# what a file read from disk holds (``open(path)``, ``yaml.safe_load(f)`` of it): the deployment's
# configuration, whichever path and section a caller picks
_FILE_CONTENT = "process:the content of a file"
_FILE_LOADERS = frozenset(["json.load", "yaml.safe_load", "yaml.load", "yaml.full_load", "toml.load", "tomllib.load", "tomli.load"])


def _picked_from(n: ast.AST) -> tuple[ast.expr, list[ast.expr]] | None:
    """``m[key]`` or ``m.get(key[, default])``: (``m``, the defaults), else None."""
    if isinstance(n, ast.Subscript):
        return n.value, []
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args and not n.keywords:
        return n.func.value, list(n.args[1:])
    return None


_PROMPTS = ("process:the operator's terminal",)  # ``input()`` / ``getpass()``: typed once by whoever runs the process
_RANK = {"literal": 0, "process": 1, "saved": 2, "unknown": 3, "request": 3}


def _add_return(facts: FunctionFacts, value: Prov) -> None:
    """Join ``value`` into what the function returns (``FunctionFacts.returns`` / ``returns_from``)."""
    source, deps = value
    if facts.returns:
        source, deps = _join((facts.returns, frozenset(facts.returns_from)), (source, deps))
    facts.returns, facts.returns_from = source, tuple(sorted(deps))


def _target_names(target: ast.expr) -> list[str] | None:
    """The names a comprehension's ``for`` target binds (``row``, ``_, row``), or None when it
    assigns elsewhere (an attribute, a subscript)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        out: list[str] = []
        for elt in target.elts:
            names = _target_names(elt.value if isinstance(elt, ast.Starred) else elt)
            if names is None:
                return None
            out.extend(names)
        return out
    return None


def _getattr_of(call: ast.Call, local: set[str]) -> ast.Attribute | None:
    """``getattr(x, "name"[, default])`` as the attribute it reads (``x.name``), else None."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "getattr" and "getattr" not in local):
        return None
    if len(call.args) < 2 or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    name = call.args[1]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isidentifier()):
        return None
    return ast.Attribute(value=call.args[0], attr=name.value, ctx=ast.Load())


def _request_data(name: str) -> bool:
    if any(name == p or name.startswith(p + ".") for p in cat.APP_CONFIG_OF_REQUEST_MODULES):
        return False
    return name.startswith(cat.REQUEST_DATA_MODULES) or any(name == r or name.startswith(r + ".") for r in cat.REQUEST_DATA)


def _stronger(a: str, b: str) -> str:
    """The source that decides a value made of both (request data wins)."""
    return b if _RANK[b.split(":", 1)[0]] > _RANK[a.split(":", 1)[0]] else a


_STDLIB = frozenset(sys.stdlib_module_names)
# standard-library modules a name bound only by a star import stands for (``resolve``): the ones
# whose functions and attributes the rules know
_STAR_BOUND_MODULES = frozenset(
    ["os", "sys", "threading", "asyncio", "multiprocessing", "concurrent", "contextvars", "logging", "json", "time",
     "subprocess", "functools", "pathlib", "shutil", "tempfile", "queue", "socket", "copy", "contextlib", "importlib"]
)
# what can hand a function or class on: a name, or a container of names (``{"a": Agent}``)
def _parent_map(node: ast.AST) -> dict[int, ast.AST]:
    """``id(child)`` -> its parent, for every node under ``node``."""
    return {id(child): n for n in _walk(node) for child in ast.iter_child_nodes(n)}


def _self_attrs_tested(test: ast.expr) -> tuple[str, ...]:
    """The attributes of ``self`` a branch test requires true: ``self.key`` or ``self.key is not
    None``, alone or as terms of an ``and`` (``Access.attr_guards``)."""
    terms = _and_terms(test)
    out: list[str] = []
    for t in terms:
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.IsNot) and _is_none(t.comparators[0]):
            t = t.left
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
            out.append(t.attr)
    return tuple(out)


def _none_default(value: ast.expr | None) -> bool:
    """A class-body field whose default is None: ``= None``, ``Field(None)``, ``Field(default=None)``."""
    if value is None:
        return False
    if _is_none(value):
        return True
    if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in ("Field", "field"):
        first = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "default"), None)
        return first is not None and _is_none(first)
    return False


_ESCAPING = frozenset([ast.Name, ast.Attribute, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Starred])
# values a local may hold a function in, for a start-up hook handed on through it (``_Fn.held``)
_HOLDING = frozenset([ast.Name, ast.Attribute, ast.List, ast.Tuple, ast.Set, ast.Call, ast.IfExp, ast.BoolOp, ast.Subscript])
_ADDING = frozenset(["append", "extend", "insert", "add"])  # ``hooks.append(f)``: the local now holds f
# methods that put their arguments into the container they are called on
_FILLING = _ADDING | frozenset(["update", "setdefault", "appendleft", "extendleft", "__setitem__"])


def _recheck(body: list[ast.stmt]) -> str:
    """``cached = [await] lookup(k)`` then ``if cached: return ...`` first in a lock's body: the
    lookup's text (``LockRegion.recheck``), else ""."""
    if len(body) < 2 or not (isinstance(body[0], ast.Assign) and len(body[0].targets) == 1 and isinstance(body[0].targets[0], ast.Name)):
        return ""
    value = body[0].value.value if isinstance(body[0].value, ast.Await) else body[0].value
    test = body[1]
    if not (isinstance(value, ast.Call) and isinstance(test, ast.If) and len(test.body) == 1 and isinstance(test.body[0], ast.Return)):
        return ""
    return (dotted(value.func) or "") if body[0].targets[0].id in _mentions(test.test) else ""


def _lookups(test: ast.expr, fn: _Fn) -> tuple[str, ...]:
    """The calls whose results a branch test reads through locals (``cache = self._get(k)``;
    ``if cache is None:``): their texts, for ``Call.checked``."""
    return tuple(fn.lookups[name] for name in sorted(_mentions(test)) if name in fn.lookups)


def _attributes_of(it: ast.expr) -> str:
    """The object whose attributes ``for k, v in <it>`` walks (``obj.__dict__.items()``,
    ``vars(obj).items()``, ``getattr(obj, "__dict__", {}).items()``), as text; else ""."""
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "items" and not it.args):
        return ""
    held = it.func.value
    if isinstance(held, ast.Attribute) and held.attr == "__dict__":
        return dotted(held.value) or ""
    if isinstance(held, ast.Call) and held.args and (dotted(held.func) == "vars" or (dotted(held.func) == "getattr" and len(held.args) > 1 and _string(held.args[1]) == "__dict__")):
        return dotted(held.args[0]) or ""
    return ""


def _attribute_copy(args: list[_Arg], ctx: _Ctx) -> bool:
    """Whether ``setattr(new, k, v)`` copies an object attribute by attribute onto a blank object
    of its own class (``new = obj.__class__.__new__(obj.__class__)`` then ``for k, v in
    obj.__dict__.items()``, a hand-written deep copy): each attribute gets what it already held
    in an object of that class (``v``, or ``copy.deepcopy(v)``, ``v.clone()``), no new value.
    Copying another object's attributes (``vars(args)`` onto a config) is not such a copy."""
    target, key, value = args[0].value, args[1].value, args[2].value
    if not (isinstance(target, ast.Name) and isinstance(key, ast.Name)):
        return False
    loop = next((c for c in reversed(ctx.copying) if c[0] == key.id), None)
    if loop is None:
        return False
    _k, held, source = loop
    if isinstance(value, ast.Call):
        f = value.func
        copier = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        on = f.value if isinstance(f, ast.Attribute) and not value.args else value.args[0] if len(value.args) == 1 else None
        if not any(w in copier.lower() for w in ("copy", "clone")) or on is None:
            return False
        value = on
    if not (isinstance(value, ast.Name) and value.id == held):
        return False
    made = ctx.fn.values.get(target.id, [])
    return bool(made) and all(_blank_of(m, source) for m in made)


def _blank_of(value: ast.expr, source: str) -> bool:
    """``obj.__class__.__new__(obj.__class__)``, ``type(obj).__new__(type(obj))``,
    ``object.__new__(type(obj))``, ``obj.__class__()``, ``copy.copy(obj)``: an object of the class of ``source``."""
    if not isinstance(value, ast.Call):
        return False
    def of_source(e: ast.expr) -> bool:
        if isinstance(e, ast.Attribute) and e.attr == "__class__":
            return dotted(e.value) == source
        return isinstance(e, ast.Call) and dotted(e.func) == "type" and len(e.args) == 1 and dotted(e.args[0]) == source
    f = value.func
    if isinstance(f, ast.Attribute) and f.attr == "__new__":
        return bool(value.args) and of_source(value.args[0]) and (of_source(f.value) or dotted(f.value) == "object")
    if dotted(f) in ("copy.copy", "copy.deepcopy"):
        return len(value.args) == 1 and dotted(value.args[0]) == source
    return of_source(f) and not value.args and not value.keywords


def _copy_of(value: ast.expr | None, factory: str) -> str:
    """The local an expression copies (``copy.deepcopy(x)``, ``x.model_copy()``, ``x.copy()``):
    an object of the same class, built without its constructor; else ""."""
    if not isinstance(value, ast.Call):
        return ""
    if factory in ("copy.copy", "copy.deepcopy") and value.args and isinstance(value.args[0], ast.Name):
        return value.args[0].id
    f = value.func
    if isinstance(f, ast.Attribute) and f.attr in ("model_copy", "copy") and isinstance(f.value, ast.Name):
        return f.value.id
    return ""


def _may_be_project(ref: Ref) -> bool:
    """Whether a call may run a project function, whose parameters its arguments fill: not a
    method of a local value (``parts.append(x)``) nor a standard-library function (about half
    of the calls of a large tree)."""
    if ref.kind == "local":
        return "." not in ref.name
    return ref.kind in ("self", "super", "entry", "duck") or (ref.kind == "name" and ref.name.split(".", 1)[0] not in _STDLIB)


def _is_super(node: ast.expr) -> bool:
    """``super()`` or ``super(Cls, self)``: the instance seen from the next class of its MRO."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _and_terms(test: ast.expr) -> list[ast.expr]:
    """The terms a true ``test`` asserts each: those of an ``and``, else the test itself."""
    return test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]


def _literal_strings(node: ast.expr) -> tuple[str, ...]:
    """The strings of a literal tuple, list or set of string constants only, else ()."""
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)) or not node.elts:
        return ()
    out = tuple(e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return out if len(out) == len(node.elts) else ()


def _join(a: Prov, b: Prov) -> Prov:
    """A value made of both: the stronger known part, and both sets of parts the project
    decides (none once a known part is request data or not known: nothing can clear it)."""
    if b is _LITERAL or b == a:
        return a  # the common cases, first (a fifth of the extraction went to joins)
    if a is _LITERAL:
        return b
    source = _stronger(a[0], b[0])
    if _RANK[source.split(":", 1)[0]] == 3:
        return (source, _NO_DEPS)
    return (source, a[1] | b[1] if b[1] else a[1])


_PROJECT_CALL = "call"  # ``call_source``: the callee decides, over the whole project
# calls that look at a class or function without keeping it (``isinstance(x, LLMConfig)``)
_INTROSPECTION = frozenset(
    [
        "isinstance", "issubclass", "type", "getattr", "hasattr", "setattr", "callable", "id", "repr", "str", "print",
        # they read a function's signature, source or kind, and call nothing
        "inspect.signature", "inspect.getfullargspec", "inspect.getsource", "inspect.getdoc", "inspect.iscoroutinefunction",
        "inspect.isfunction", "inspect.ismethod", "asyncio.iscoroutinefunction",
    ]
)


def _short(value: ast.expr | None) -> str:
    if value is None:
        return ""
    text = ast.unparse(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _call_value(node: ast.Call) -> ast.expr | None:
    """A call's arguments as one value (``genai.configure(api_key=k)``), None without any."""
    values = [a.value for a in _args(node)]
    if not values:
        return None
    return values[0] if len(values) == 1 else ast.Tuple(elts=values, ctx=ast.Load())


def _is_main_test(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    left, right = test.left, test.comparators[0]
    names = {dotted(left) or _string(left), dotted(right) or _string(right)}
    return names == set(_MAIN_TEST)


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _serves_keys(body: list[ast.stmt], fn: _Fn) -> bool:
    """Whether a lock's body looks up or fills storage of the instance or module by a key its
    caller passes: ``self._sessions[sid]``, ``CACHE.get(key)``, ``sid in self._sessions`` with
    ``sid`` a parameter (a reconcile loop over its own entries serves no caller's key)."""
    params = set(fn.facts.params) - {"self", "cls"}
    for stmt in body:
        for n in _walk(stmt):
            base: ast.expr | None = None
            key: ast.expr | None = None
            if isinstance(n, ast.Subscript):
                base, key = n.value, n.slice
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _KEYED_METHODS and n.args:
                base, key = n.func.value, n.args[0]
            elif isinstance(n, ast.Compare) and isinstance(n.ops[0], (ast.In, ast.NotIn)):
                base, key = n.comparators[0], n.left
            text = dotted(base) if base is not None else None
            if text and key is not None and _mentions(key) & params and (text.startswith("self.") or text.split(".", 1)[0] not in fn.locals):
                return True
    return False


_KEYED_METHODS = frozenset(["get", "pop", "setdefault"])


def _looked_up_storage(value: ast.expr | None) -> str:
    """The storage a value is looked up in by a key that varies (``self._cache.get(k)``,
    ``CACHE[k]``), else ""."""
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" and _keyed_lookup(value):
        return dotted(value.func.value) or ""
    if isinstance(value, ast.Subscript) and _keyed_lookup(value):
        return dotted(value.value) or ""
    return ""


def _straight_line_value(value: ast.expr | None, fn: _Fn) -> ast.expr | None:
    """What a local written to shared configuration holds there, when the same block (or one
    around it, not a loop) last bound it with a plain ``name = expr`` and nothing rebinds it in
    between: ``expr``; else ``value`` itself, whose source joins every binding seen so far. A
    local reused across a provider switch (h2ogpt's ``get_model``: the user's key on one branch,
    ``os.getenv("GOOGLE_API_KEY")`` on the line before ``genai.configure``) holds one of them."""
    if not isinstance(value, ast.Name) or fn.node is None or value.id not in fn.locals or value.id in fn.globals:
        return value
    name, pos = value.id, (value.lineno, value.col_offset)
    path: list[tuple[list[ast.stmt], int, ast.stmt | None]] = []  # (block, index in it, the statement around it)
    block: list[ast.stmt] | None = fn.node.body  # type: ignore[attr-defined]
    outer: ast.stmt | None = None
    while block is not None:
        at = next((i for i, st in enumerate(block) if (st.lineno, st.col_offset) <= pos < (st.end_lineno or 0, st.end_col_offset or 0)), None)
        if at is None:
            return value
        path.append((block, at, outer))
        outer, block = block[at], _block_around(block[at], pos)
    for block, at, around in reversed(path):
        for st in reversed(block[:at]):
            if not _binds(st, name):
                if _uses(st, name):
                    return value  # handed on, or its content set: a container filled in between
                continue
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                return st.value
            if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name) and st.value is not None:
                return st.value
            return value
        if around is None or isinstance(around, (ast.For, ast.AsyncFor, ast.While, ast.Match)):
            return value  # a loop's body may run after a later binding in it; a case may capture it
        if isinstance(around, (ast.With, ast.AsyncWith)) and any(_binds(i, name) or _uses(i, name) for i in around.items):
            return value
        if isinstance(around, (ast.Try, getattr(ast, "TryStar", ast.Try))) and block is not around.body and _binds(around, name, around.body):
            return value  # a handler runs after part of the body, which may have bound it
    return value


def _block_around(st: ast.stmt, pos: tuple[int, int]) -> list[ast.stmt] | None:
    """The statement list of compound statement ``st`` that holds position ``pos``, if any."""
    blocks: list[list[ast.stmt]] = []
    for field in ("body", "orelse", "finalbody"):
        if isinstance(getattr(st, field, None), list):
            blocks.append(getattr(st, field))
    blocks.extend(h.body for h in getattr(st, "handlers", ()))
    blocks.extend(c.body for c in getattr(st, "cases", ()))
    for b in blocks:
        if b and (b[0].lineno, b[0].col_offset) <= pos < (b[-1].end_lineno or 0, b[-1].end_col_offset or 0):
            return b
    return None


def _uses(st: ast.AST, name: str) -> bool:
    """Whether statement ``st`` mentions ``name`` other than by testing it (``assert key``,
    ``if not key: raise``'s test): a call may fill it, a method or item write change it."""
    if isinstance(st, ast.Assert):
        return False
    parts: list[ast.AST] = [*st.body, *st.orelse] if isinstance(st, ast.If) else [st]
    return any(isinstance(n, ast.Name) and n.id == name for p in parts for n in _walk(p))


def _binds(node: ast.AST, name: str, within: list[ast.stmt] | None = None) -> bool:
    """Whether ``node`` (or the statements ``within``) may bind ``name``."""
    todo: list[ast.AST] = list(within) if within is not None else [node]
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if n.name == name:
                return True
            continue
        if isinstance(n, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name.split(".")[0]) == name for a in n.names):
            return True
        if isinstance(n, ast.ExceptHandler) and n.name == name:
            return True
        todo.extend(ast.iter_child_nodes(n))
    return False


def _filled_by_function(node: ast.AST | None) -> set[str]:
    """Storage a function's own statements fill by a key that varies (``self._cache[k] = v``)."""
    out: set[str] = set()
    todo = list(getattr(node, "body", ()))
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue  # a nested function fills when (and if) it runs
        if isinstance(n, (ast.Assign, ast.AnnAssign)):
            for t in n.targets if isinstance(n, ast.Assign) else [n.target]:
                if isinstance(t, ast.Subscript) and not isinstance(t.slice, ast.Constant) and (text := dotted(t.value)):
                    out.add(text)
        todo.extend(ast.iter_child_nodes(n))
    return out


def _storage_of(keyed: dict[str, ast.expr]) -> dict[str, str]:
    """Local -> the storage it was looked up in, of a function's per-key lookups (``_Fn.keyed``)."""
    return {name: stored for name, value in keyed.items() if (stored := _looked_up_storage(value))}


def _storage_mentions(test: ast.expr, storage: dict[str, str]) -> set[str]:
    """What a test mentions, a local looked up in some storage counting as that storage too."""
    out = _mentions(test)
    return out | {storage[name] for name in out if name in storage}


def _mentions(node: ast.AST) -> set[str]:
    """Dotted names mentioned anywhere in an expression (iterative)."""
    out: set[str] = set()
    todo = [node]
    while todo:
        n = todo.pop()
        text = dotted(n) if isinstance(n, (ast.Name, ast.Attribute)) else None
        if text is not None:
            out.add(text)
            continue
        todo.extend(_children(n))
    return out


def _names_admin(text: str | None) -> bool:
    last = (text or "").rsplit(".", 1)[-1].lower()
    return any(word in last for word in cat.ADMIN_WORDS)


def _requires_admin(node: ast.expr | None, verbs: tuple[str, ...] = cat.ADMIN_CHECK_VERBS) -> bool:
    """A call that turns away anyone but an administrator by raising (``verify_super_admin(auth)``,
    ``Depends(get_current_active_superuser)``): a verb that demands, and an administrator's name."""
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return False
    text = dotted(node.func) or ""
    if text.rsplit(".", 1)[-1] == "Depends" and node.args:
        # what it injects is the current administrator (``get_current_active_superuser``,
        # fastapi-users' ``current_superuser``), not an admin service or client
        dependency = dotted(node.args[0]) or ""
        return _names_admin(dependency) and dependency.rsplit(".", 1)[-1].lower().startswith((*verbs, "current"))
    last = text.rsplit(".", 1)[-1].lower()
    return _names_admin(text) and last.startswith(verbs)


def _denies_non_admin(test: ast.expr) -> bool:
    """``not user.is_superuser``, ``not is_admin(user)``, ``user.role != "admin"`` (or one of them
    among an ``or``): a branch taken by everybody but an administrator."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_denies_non_admin(v) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        # a permission (``is_superuser``, ``has_admin_role(u)``, ``user.admin``), not any flag
        # that names admin pages (``if not admin_panel_enabled: return``)
        inner = test.operand.func if isinstance(test.operand, ast.Call) else test.operand
        last = (dotted(inner) or "").rsplit(".", 1)[-1].lower()
        return _names_admin(last) and (last.startswith(("is_", "has_")) or last in cat.ADMIN_WORDS)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.NotEq, ast.NotIn)):
        return any(_names_admin(_string(c)) for c in test.comparators)
    return False


def _admin_check(node: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[str]) -> ast.AST | None:
    """What makes the rest of ``node`` run only for an administrator (``FunctionFacts.admin_from``):
    ``node`` itself when a decorator or a parameter's dependency demands one (the whole body);
    else a top-level check that leaves for everybody else (``if not user.is_superuser: return
    JSONResponse(status_code=403, ...)``, or a bare ``verify_super_admin(authorization)`` that
    raises); None when there is none."""
    if any(_names_admin(d) and ("required" in d.lower() or d.rsplit(".", 1)[-1].lower().startswith(cat.ADMIN_CHECK_VERBS)) for d in decorators):
        return node
    a = node.args
    if any(_requires_admin(d) for d in (*a.defaults, *a.kw_defaults)):
        return node
    for stmt in node.body:
        if isinstance(stmt, ast.If) and not stmt.orelse and _denies_non_admin(stmt.test) and isinstance(stmt.body[-1], (ast.Return, ast.Raise)):
            return stmt
        # a check whose result is dropped raises; one whose result is kept may be a test
        # (``allowed = check_admin(user)``) unless its verb demands
        if isinstance(stmt, ast.Expr) and _requires_admin(stmt.value) or isinstance(stmt, ast.Assign) and _requires_admin(stmt.value, cat.ADMIN_DEMANDS):
            return stmt
    return None


def _is_one_shot(node: ast.FunctionDef | ast.AsyncFunctionDef, setters: Callable[[], dict[str, set[str]]]) -> bool:
    """``if _ready: return`` first (also inside a ``with lock:``, after imports and other early
    returns), and ``global _ready`` set to a literal further down, by it or by a function of the
    module it calls (cognee's ``is_tracing_enabled`` calls ``enable_tracing``, which sets the
    latch): the rest of the body runs once per process."""
    def plain(stmts: list[ast.stmt]) -> list[ast.stmt]:  # without the docstring, ``global`` and imports
        return [s for s in stmts if not (isinstance(s, (ast.Global, ast.Import, ast.ImportFrom)) or isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]

    body = plain(node.body)
    if body and isinstance(body[0], (ast.With, ast.AsyncWith)):
        body = plain(body[0].body)
    flag = ""
    for first in body:
        if not (isinstance(first, ast.If) and len(first.body) == 1 and isinstance(first.body[0], ast.Return) and not first.orelse):
            return False
        test = first.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot):
            test = test.left  # ``if _client is not None: return _client``
        if isinstance(test, ast.Name):
            flag = test.id
            break
    if not flag:
        return False
    if _sets_flag(node, flag):
        return True
    called = {n.func.id for n in _walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return bool(called & setters().get(flag, set()))


def _is_reentry_guarded(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``if self._running: raise RuntimeError("already running")`` among its first statements
    (also inside a ``with lock:``; a test of ``self.x``, ``not self.x`` or ``self.x is [not]
    None``), or ``if self._running: return`` (a test that the flag is set: ``self.x`` or ``self.x
    is not None``), and ``self._running = ...`` further down: it runs once at a time per object
    (livekit's ``AgentServer.run``: "worker is already running"; AGiXT's task monitor's
    ``start`` returns when its loop already runs)."""
    if not node.args.args or node.args.args[0].arg != "self":
        return False
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if body and isinstance(body[0], (ast.With, ast.AsyncWith)):
        body = body[0].body
    for first in body[:4]:
        if not (isinstance(first, ast.If) and not first.orelse and len(first.body) == 1 and isinstance(first.body[0], (ast.Raise, ast.Return))):
            return False
        test = first.test
        if not isinstance(first.body[0], ast.Raise) and not _tests_flag_set(test):
            continue  # another early exit first (``if not self._entry: return``)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
            test = test.left
        name = dotted(test) or ""
        owner, _, attr = name.partition(".")
        if owner == "self" and attr and "." not in attr:
            return any(
                isinstance(s, (ast.Assign, ast.AnnAssign)) and any(dotted(t) == name for t in (s.targets if isinstance(s, ast.Assign) else [s.target]))
                for s in _walk(node)
            )
    return False


def _tests_flag_set(test: ast.expr) -> bool:
    """``self.x`` or ``self.x is not None``: true once the flag is set (a return on it leaves a
    second run while the first goes on)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot):
        if not (isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None):
            return False
        test = test.left
    return isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == "self"


def _sets_attr(node: ast.AST, owners: tuple[str, ...], attr: str) -> bool:
    """``<owner>.attr = <not None / False>`` in ``node``, for an owner of ``owners`` (``self``,
    ``cls`` or the class's name)."""
    names = {f"{o}.{attr}" for o in owners}
    return any(
        isinstance(s, ast.Assign) and any(dotted(t) in names for t in s.targets)
        and not (isinstance(s.value, ast.Constant) and s.value.value in (None, False))
        for s in _walk(node)
    )


def _sets_flag(node: ast.AST, flag: str) -> bool:
    """``global flag`` and ``flag = <not None / False>`` in ``node``."""
    declared = any(isinstance(s, ast.Global) and flag in s.names for s in _walk(node))
    return declared and any(
        isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == flag for t in s.targets)
        and not (isinstance(s.value, ast.Constant) and s.value.value in (None, False))
        for s in _walk(node)
    )


def _name_defaults(a: ast.arguments) -> tuple[tuple[str, str], ...]:
    """``FunctionFacts.name_defaults``: the parameters whose default is a string spelling an
    environment variable's name."""
    positional = a.posonlyargs + a.args
    pairs = [*zip(positional[len(positional) - len(a.defaults) :], a.defaults), *zip(a.kwonlyargs, a.kw_defaults)]
    return tuple(
        (p.arg, d.value) for p, d in pairs
        if isinstance(d, ast.Constant) and isinstance(d.value, str) and _VARIABLE_NAME.fullmatch(d.value)
    )


def _optional_params(a: ast.arguments) -> dict[str, int]:
    """Parameters whose default is false (None, ``[]``, ``()``, ``{}``, ``""``, ``0``,
    ``False``): name -> position (-1: keyword-only). A branch that needs one true runs only
    for a caller that passes it."""
    positional = a.posonlyargs + a.args
    out: dict[str, int] = {}
    for i, (p, d) in enumerate(zip(positional[len(positional) - len(a.defaults) :], a.defaults), len(positional) - len(a.defaults)):
        if _falsy_literal(d):
            out[p.arg] = i
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        if d is not None and _falsy_literal(d):
            out[p.arg] = -1
    return out


def _named_params(fn: ast.AST | None) -> frozenset[str]:
    """The parameters of ``fn`` a branch can test (not ``self`` / ``cls``, nor ``*args`` /
    ``**kwargs``)."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    a = fn.args
    return frozenset(p.arg for p in a.posonlyargs + a.args + a.kwonlyargs if p.arg not in ("self", "cls"))


def _falsy_literal(node: ast.expr) -> bool:
    """None, ``False``, ``0``, ``""`` or an empty ``[]`` / ``()`` / ``{}`` / ``set()``."""
    if isinstance(node, ast.Constant):
        return not node.value and not isinstance(node.value, bytes)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    return isinstance(node, ast.Call) and dotted(node.func) in ("list", "dict", "set", "tuple") and not node.args and not node.keywords


def _default_is_none(fn: ast.AST | None, name: str) -> bool:
    """Whether parameter ``name`` of the function ``fn`` defaults to None (``p is not None``
    then says it was passed; for a ``[]`` default it says nothing)."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    a = fn.args
    positional = a.posonlyargs + a.args
    pairs = list(zip(positional[len(positional) - len(a.defaults) :], a.defaults)) + [(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
    return any(p.arg == name and _is_none(d) for p, d in pairs)


def _made_of(value: ast.expr, names: set[str]) -> bool:
    """Whether ``value`` reads only ``names`` (and constants): ``args``, ``self.config.key``,
    ``opts["model"]``; a lambda or comprehension binds names of its own, and a call may return
    another value each time."""
    for n in _walk(value):
        if isinstance(n, ast.Name) and n.id not in names:
            return False
        if isinstance(n, (ast.Lambda, ast.comprehension, ast.Call, ast.NamedExpr)):
            return False
    return True


@dataclass(slots=True)
class _Scope:
    """A ``def``'s names, for ``kept_params`` and ``relayed`` (``_scopes``)."""

    params: frozenset[str]  # every parameter's name
    rebound: set[str] = field(default_factory=set)  # names bound in it to a value other than None
    # each use of a parameter's name in it: (name, id of the node, whether it is in a nested
    # function, lambda or class), as ``relayed`` walks it (not in the ``def``'s own decorators)
    uses: list[tuple[str, int, bool]] = field(default_factory=list)
    # the names and attributes in it that are part of a test (``Extractor.tested``): under the
    # ``test`` of an ``if`` / ``while`` / conditional expression / ``assert`` in it, or under an
    # operand of an ``and`` / ``or`` in it (its decorators and nested functions included)
    tested: set[int] = field(default_factory=set)


_NESTING = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_HOLDS_DEFS = (ast.mod, ast.stmt, ast.excepthandler, ast.match_case)  # an expression holds no ``def``
_TESTS = (ast.If, ast.While, ast.IfExp, ast.Assert)  # their ``test`` is a test (``_Scope.tested``)
_BINDING = (ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.comprehension)


def _scopes(tree: ast.AST) -> dict[int, _Scope]:
    """Every ``def`` node's ``_Scope`` (by id) from one walk of ``tree``: a binding counts for
    every enclosing ``def`` (decorators included; an assignment of a literal None to plain names
    is no rebinding: a parameter set to another value may be true whatever was passed), a use
    of a name for every enclosing ``def`` it is a parameter of, nested when a function, lambda
    or class lies between (the ``def``'s own decorators are not its uses); and a name or
    attribute under a test, for every ``def`` that holds the test (``_Scope.tested``: walking
    each such function again, and then each test in it, was 10% of the extraction of pdd's
    files, 1.8 M nodes visited for 27 k reads; done here, 1.0 -> 0.2 CPU-s)."""
    out: dict[int, _Scope] = {}
    # (node, defs whose subtree holds it, defs it is a use in, whether it is directly in the last
    # of those, the defs that hold the innermost test it is part of)
    stack: list[tuple[ast.AST, tuple[_Scope, ...], tuple[_Scope, ...], bool, tuple[_Scope, ...]]] = [(tree, (), (), False, ())]
    pop, push = stack.pop, stack.append
    for_fields = _WALK_FIELDS
    node_type = ast.AST
    while stack:
        node, within, used, direct, tests = pop()
        if not within and not isinstance(node, _HOLDS_DEFS):
            continue  # outside every ``def`` only the statements that may hold one are walked
        kind = type(node)
        if tests and (kind is ast.Name or kind is ast.Attribute):
            for s in tests:
                s.tested.add(id(node))
        if kind is ast.Name:
            if used:
                name = node.id  # type: ignore[attr-defined]
                last = used[-1]
                for s in used:
                    if name in s.params:
                        s.uses.append((name, id(node), not (direct and s is last)))
            continue
        if within:
            targets: list[ast.AST] = []
            if kind is ast.Assign:
                if not (all(type(t) is ast.Name for t in node.targets) and _is_none(node.value)):  # type: ignore[attr-defined]
                    targets = node.targets  # type: ignore[attr-defined]
            elif kind in _BINDING:
                targets = [node.target]  # type: ignore[attr-defined]
            elif kind is ast.withitem and node.optional_vars is not None:  # type: ignore[attr-defined]
                targets = [node.optional_vars]  # type: ignore[attr-defined]
            if targets:
                names = {x.id for t in targets for x in _walk(t) if type(x) is ast.Name}
                for s in within:
                    s.rebound |= names
        names_of = for_fields.get(kind)
        if names_of is None:  # not the operator and context singletons (no names, no defs)
            names_of = for_fields[kind] = tuple(n for n in node._fields if n not in ("ctx", "op", "ops", "type_comment"))
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            a = node.args  # type: ignore[attr-defined]
            params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
            params += [p.arg for p in (a.vararg, a.kwarg) if p is not None]
            scope = out[id(node)] = _Scope(frozenset(params))
            inner, inner_used = within + (scope,), used + (scope,)
            for d in node.decorator_list:  # type: ignore[attr-defined]
                push((d, inner, used, False, tests))
            for f in names_of:
                if f == "decorator_list":
                    continue
                _push_field(getattr(node, f, None), inner, inner_used, True, tests, push)
            continue
        nested = direct and kind not in _NESTING
        part = "values" if kind is ast.BoolOp else "test" if kind in _TESTS else ""
        # the fields pushed here, not by a call per field: 2.5 M calls for pdd's files
        for f in names_of:
            value = getattr(node, f, None)
            below = within if f == part else tests
            if type(value) is list:
                for v in value:
                    if isinstance(v, node_type):
                        push((v, within, used, nested, below))
            elif isinstance(value, node_type):
                push((value, within, used, nested, below))
    return out


def _push_field(value: object, within: tuple, used: tuple, direct: bool, tests: tuple, push) -> None:  # type: ignore[no-untyped-def]
    if isinstance(value, list):
        for v in value:
            if isinstance(v, ast.AST):
                push((v, within, used, direct, tests))
    elif isinstance(value, ast.AST):
        push((value, within, used, direct, tests))


_WALK_FIELDS: dict[type, tuple[str, ...]] = {}


def _dispatches(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A ``__new__`` returning what another constructor made (``return cast(Self,
    native_class(...))``), not only ``super().__new__(cls)`` / ``object.__new__(cls)``."""
    for n in _walk(node):
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Call):
            value = n.value
            if dotted(value.func) in ("cast", "typing.cast") and len(value.args) == 2:
                value = value.args[1]  # type: ignore[assignment]
            if isinstance(value, ast.Call) and not (isinstance(value.func, ast.Attribute) and value.func.attr == "__new__"):
                return True
    return False


def _awaits(body: list[ast.stmt]) -> bool:
    """An ``await`` (or ``async for`` / ``async with``) in these statements, not in a function
    or class defined directly in the block (one nested in a compound statement counts, as it
    always did). One walk of each statement: walking each nested statement again (the
    statements of ``_statements``) was quadratic in the nesting, 0.7 of 84 profiled CPU-s of
    extracting pdd's parsed files."""
    return any(
        isinstance(n, _AWAITING)
        for s in body
        if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for n in _walk(s)
    )


_AWAITING = (ast.Await, ast.AsyncFor, ast.AsyncWith)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _refuses_if_locked(stmt: ast.stmt) -> str | None:
    """The lock ``stmt`` leaves on when it is held (``if x.locked(): raise ...`` / ``return``), or None."""
    if not (isinstance(stmt, ast.If) and not stmt.orelse and stmt.body and isinstance(stmt.body[-1], (ast.Raise, ast.Return))):
        return None
    test = stmt.test
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "locked" and not test.args:
        return dotted(test.func.value)
    return None


def _blocks(tree: ast.Module) -> Iterator[list[ast.stmt]]:
    """Every statement list of the tree (``body``, ``orelse``, ``finalbody``), nested ones too.
    Statements sit only in statement lists (an ``except``'s, a ``case``'s), so only statements
    are visited: ``ast.walk`` over every expression node too was 5% of extracting pdd."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                yield block
                todo.extend(block)
        todo.extend(getattr(node, "handlers", ()))
        todo.extend(getattr(node, "cases", ()))


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk``, in its order (breadth first), a quarter cheaper: the extraction walks
    subtrees again and again (4.4 M nodes for pdd's 625 analysed files, 2.1 M nodes in all),
    and ``ast.walk``'s generators per node (``iter_child_nodes``, ``iter_fields``) were most
    of that (1.50 -> 1.11 CPU-s for one walk of those files)."""
    todo = deque((node,))
    pop, append = todo.popleft, todo.append
    node_type = ast.AST
    while todo:
        node = pop()
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for v in value:
                    if isinstance(v, node_type):
                        append(v)
            elif isinstance(value, node_type):
                append(value)
        yield node


def _blocks(node: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every block of statements in ``node`` (``body``, ``orelse``, ``finalbody``, an
    ``except``'s or a ``case``'s body), nested functions' and classes' included. Only statements
    hold blocks (an expression holds none): a walk of every node for them was 5% of the
    extraction of pdd's files (540 k nodes visited for 4.8 k questions)."""
    todo: list[ast.AST] = [node]
    while todo:
        n = todo.pop()
        for name in ("body", "orelse", "finalbody"):
            block = getattr(n, name, None)
            if type(block) is list:
                yield block
                todo.extend(block)
        for h in getattr(n, "handlers", ()):
            yield h.body
            todo.extend(h.body)
        for c in getattr(n, "cases", ()):
            yield c.body
            todo.extend(c.body)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a block and of the blocks nested in it (not of nested functions)."""
    todo = list(body)
    while todo:
        s = todo.pop()
        yield s
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody", "handlers"):
            todo.extend(x for x in getattr(s, name, ()) if isinstance(x, ast.stmt))
        for h in getattr(s, "handlers", ()):
            todo.extend(h.body)


def _positional_nones(args: list[_Arg]) -> tuple[int, ...]:
    """The positions of the positional arguments that are a literal None (``Call.nones``)."""
    positional = [a for a in args if a.keyword is None and not a.star]
    return tuple(i for i, a in enumerate(positional) if _is_none(a.value))


def _fixed_arguments(args: list["_Arg"], sources: tuple[tuple[str, str, tuple[str, ...]], ...]) -> str:
    """``Call.fixed``: the arguments, keywords sorted, when each is a literal (its text) or an
    environment variable read by a literal name (its source), else ""."""
    parts: list[str] = []
    for a, (key, source, deps) in zip(args, sources):
        if a.star or deps:
            return ""
        if isinstance(a.value, ast.Constant):
            parts.append(f"{key}={ast.unparse(a.value)}")
        elif source.startswith("process:environment variable `") and "`...`" not in source:
            parts.append(f"{key}=<env {source.split('`')[1]}>")
        else:
            return ""
    return "(" + ", ".join(sorted(parts)) + ")"


def _literal_args(args: list["_Arg"]) -> bool:
    """Every argument is a literal, and no ``*`` / ``**`` splat."""
    return all(not a.star and _is_literal(a.value) for a in args)


def _acquire_of(stmt: ast.stmt) -> tuple[ast.Call, ast.expr, bool] | None:
    """(the call, the lock, taken off the loop thread) for ``x.acquire()``, ``await x.acquire()``,
    ``await loop.run_in_executor(pool, x.acquire)`` or ``await asyncio.to_thread(x.acquire)``."""
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
    awaited = isinstance(value, ast.Await)
    call = value.value if isinstance(value, ast.Await) else value
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return None
    if call.func.attr == "acquire":
        return call, call.func.value, awaited
    if awaited and call.func.attr in ("run_in_executor", "to_thread"):
        for arg in call.args:
            if isinstance(arg, ast.Attribute) and arg.attr == "acquire":
                return call, arg.value, True
    return None


def _released(finalbody: list[ast.stmt]) -> set[str]:
    """The locks a ``finally`` releases (``x.release()``, also under an ``if``)."""
    out: set[str] = set()
    for stmt in finalbody:
        for n in _walk(stmt):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "release":
                text = dotted(n.func.value)
                if text:
                    out.add(text)
    return out


_HANDLERS: dict[type, Callable] = {
    ast.While: _Extractor.on_loop,
    ast.ListComp: _Extractor.on_loop,
    ast.SetComp: _Extractor.on_loop,
    ast.DictComp: _Extractor.on_loop,
    ast.GeneratorExp: _Extractor.on_loop,
    ast.FunctionDef: _Extractor.on_function,
    ast.AsyncFunctionDef: _Extractor.on_function,
    ast.ClassDef: _Extractor.on_class,
    ast.If: _Extractor.on_if,
    ast.Global: _Extractor.on_global,
    ast.Import: _Extractor.on_import,
    ast.ImportFrom: _Extractor.on_import,
    ast.Assign: _Extractor.on_assign,
    ast.AnnAssign: _Extractor.on_annassign,
    ast.AugAssign: _Extractor.on_augassign,
    ast.Delete: _Extractor.on_del,
    ast.For: _Extractor.on_for,
    ast.AsyncFor: _Extractor.on_for,
    ast.With: _Extractor.on_with,
    ast.AsyncWith: _Extractor.on_with,
    ast.Try: _Extractor.on_try,
    ast.Await: _Extractor.on_await,
    ast.Yield: _Extractor.on_yield,
    ast.YieldFrom: _Extractor.on_yield,
    ast.Expr: _Extractor.on_expr,
    ast.Name: _Extractor.on_name,
    ast.Attribute: _Extractor.on_attribute,
    ast.Call: _Extractor.on_call,
    ast.Return: _Extractor.on_return,
    ast.IfExp: _Extractor.on_ifexp,
    ast.Lambda: _Extractor.on_lambda,
}


def extract(tree: ast.Module, facts: FileFacts, catalog: Catalog, text: str, aliases: tuple[tuple[str, str], ...] = ()) -> FileFacts:
    """Fill ``facts`` from a module parsed by ``ast`` (``text``: its source, for columns;
    ``aliases``: ``SourceFile.aliases``, the names its absolute imports of its own folder's
    modules resolve to)."""
    _Extractor(tree, facts, catalog, text, dict(aliases)).run()
    facts.parsed = True
    return facts
