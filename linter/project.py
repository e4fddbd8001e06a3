"""Join stage: the project index built from every file's facts.

It answers the questions the rules ask: which function does this reference name, which
functions are litellm callbacks, who calls whom, which functions run at request time and
which only once at start-up, which locks and clients a class holds, and which functions make a
network call (directly or through project functions, to a bounded depth).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Iterator

from linter.analysis import catalog as cat
from linter.analysis.facts import (
    Binding,
    Call,
    ClassFacts,
    FileFacts,
    FunctionFacts,
    Ref,
    Span,
)
from linter.diagnostics import Confidence, Loc, Text, join, text

CALL_DEPTH = 3  # how far "through a function of the same project" is followed


@dataclass(frozen=True, slots=True)
class Func:
    """A function of the project: its file and its facts."""

    file: FileFacts
    facts: FunctionFacts
    id: str = field(init=False, compare=False)  # made once: the rules ask for it millions of times

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", f"{self.file.module}:{self.facts.qualname}")

    @property
    def label(self) -> str:
        q = self.facts.qualname
        return "module level" if q == "<module>" else ("the __main__ block" if q == "<main>" else q)


@dataclass(frozen=True, slots=True)
class Chain:
    """Why something holds, as a list of steps (prose that may name places)."""

    steps: tuple[Text, ...]

    def __str__(self) -> str:
        return " ← ".join(str(s) for s in self.steps)

    def text(self, sep: str = " ← ") -> Text:
        """The steps as one ``Text`` (``sep=" → "`` for a path read forwards)."""
        return join(sep, self.steps)


class ProjectIndex:
    def __init__(self, files: Iterable[FileFacts]) -> None:
        self.files = [f for f in files]
        self.by_module: dict[str, FileFacts] = {}
        for f in self.files:
            self.by_module.setdefault(f.module, f)
        self.functions: dict[str, Func] = {}
        for f in self.files:
            for fn in f.functions.values():
                func = Func(f, fn)
                self.functions[func.id] = func
        self._callers: dict[str, list[tuple[Func, Call]]] | None = None
        self._split: dict[str, tuple[FileFacts, str] | None] = {}
        self._one_time: dict[str, bool] = {}
        # Name resolution is a pure function of the index; the call graph asks it ~500,000
        # questions on a large tree, most of them many times over.
        self._named: dict[str, Func | None] = {}
        self._classes: dict[str, tuple[FileFacts, ClassFacts] | None] = {}
        self._mro: dict[str, list[tuple[FileFacts, ClassFacts]]] = {}
        self._net: dict[tuple[str, str], Chain | None] = {}

    def loc(self, file: FileFacts, span: Span) -> Loc:
        """A place for evidence (rendered ``path:line``)."""
        return Loc(file.path, span)

    # ------------------------------------------------------------ resolution
    def split_module(self, qualified: str) -> tuple[FileFacts, str] | None:
        """``pkg.mod.Class.meth`` -> (facts of pkg.mod, "Class.meth")."""
        if qualified in self._split:
            return self._split[qualified]
        found = None
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            f = self.by_module.get(".".join(parts[:i]))
            if f is not None:
                found = f, ".".join(parts[i:])
                break
        self._split[qualified] = found  # the rules ask for the same names again and again
        return found

    def resolve_class(self, ref: Ref) -> tuple[FileFacts, ClassFacts] | None:
        if ref.kind != "name":
            return None
        if ref.name not in self._classes:
            self._classes[ref.name] = None  # a cycle of re-exports resolves to nothing
            self._classes[ref.name] = self._resolve_class(ref)
        return self._classes[ref.name]

    def _resolve_class(self, ref: Ref) -> tuple[FileFacts, ClassFacts] | None:
        hit = self.split_module(ref.name)
        if hit is None:
            return None
        f, rest = hit
        if rest in f.classes:
            return f, f.classes[rest]
        # re-exported through an import: pkg/__init__.py does ``from .mod import Cls``
        target = f.imports.get(rest)
        if target and target != ref.name:
            return self.resolve_class(Ref("name", target))
        return None

    def mro(self, file: FileFacts, klass: ClassFacts) -> Iterator[tuple[FileFacts, ClassFacts]]:
        key = f"{file.path}:{klass.name}"
        if key not in self._mro:
            self._mro[key] = list(self._walk_mro(file, klass))
        return iter(self._mro[key])

    def _walk_mro(self, file: FileFacts, klass: ClassFacts) -> Iterator[tuple[FileFacts, ClassFacts]]:
        seen: set[str] = set()
        todo = [(file, klass)]
        while todo:
            f, k = todo.pop(0)
            key = f"{f.module}:{k.name}"
            if key in seen:
                continue
            seen.add(key)
            yield f, k
            for base in k.bases:
                hit = self.resolve_class(base)
                if hit is not None:
                    todo.append(hit)

    def is_custom_logger(self, file: FileFacts, klass: ClassFacts) -> bool:
        for _f, k in self.mro(file, klass):
            if any(b.kind == "name" and b.name in cat.CUSTOM_LOGGER_ALIASES for b in k.bases):
                return True
        return False

    def method(self, file: FileFacts, class_name: str, name: str) -> Func | None:
        klass = file.classes.get(class_name)
        if klass is None:
            return None
        for f, k in self.mro(file, klass):
            fn = f.functions.get(f"{k.name}.{name}")
            if fn is not None:
                return Func(f, fn)
        return None

    def attribute(self, file: FileFacts, class_name: str, name: str) -> tuple[FileFacts, ClassFacts, Binding] | None:
        """A class-level or ``self.x = ...`` attribute, searched through project base classes."""
        klass = file.classes.get(class_name)
        if klass is None:
            return None
        for f, k in self.mro(file, klass):
            b = k.attributes.get(name)
            if b is not None:
                return f, k, b
        return None

    def resolve_function(self, ref: Ref, where: Func) -> Func | None:
        """The project function a call or registration names, if any."""
        if ref.kind == "self":
            if not where.facts.class_name:
                return None
            if "." in ref.name:
                return self._attribute_method(where, ref.name.removesuffix("()"))
            return self.method(where.file, where.facts.class_name, ref.name.removesuffix("()"))
        if ref.kind == "local" and "." not in ref.name:
            # a nested function of the caller, or of an enclosing function
            q = where.facts.qualname
            while q:
                fn = where.file.functions.get(f"{q}.<locals>.{ref.name}")
                if fn is not None:
                    return Func(where.file, fn)
                q = q.rpartition(".<locals>.")[0]
            return None
        if ref.kind != "name":
            return None
        func = self.function_named(ref.name)
        if func is None:
            # ``Tracker()`` runs ``Tracker.__init__``: a module-level singleton's constructor
            # is then one-time set-up, one built per request is request time
            hit = self.resolve_class(ref)
            if hit is not None:
                return self.method(hit[0], hit[1].name, "__init__")
        return func

    def _attribute_method(self, where: Func, name: str) -> Func | None:
        """``self.llm.call``: a method of the project class that ``self.llm`` was built from."""
        attr, _, meth = name.partition(".")
        if "." in meth:
            return None
        hit = self.attribute(where.file, where.facts.class_name, attr)
        if hit is None or not hit[2].factory:
            return None
        f, _k, b = hit
        factory = b.factory if "." in b.factory else f"{f.module}.{b.factory}"
        klass = self.resolve_class(Ref("name", factory))
        return self.method(klass[0], klass[1].name, meth) if klass is not None else None

    def function_named(self, qualified: str, depth: int = 0) -> Func | None:
        if depth:
            return self._function_named(qualified, depth)
        if qualified not in self._named:
            self._named[qualified] = self._function_named(qualified, 0)
        return self._named[qualified]

    def _function_named(self, qualified: str, depth: int) -> Func | None:
        hit = self.split_module(qualified)
        if hit is None:
            return None
        f, rest = hit
        fn = f.functions.get(rest)
        if fn is not None:
            return Func(f, fn)
        head, _, tail = rest.partition(".")
        target = f.imports.get(head)
        if target and depth < 5:  # re-export: follow ``from .impl import func``
            return self.function_named(f"{target}.{tail}" if tail else target, depth + 1)
        binding = f.bindings.get(head)
        if binding is not None and binding.factory and tail and "." not in tail:
            # a bound method of a module-level instance: ``TRACKER.on_success``
            factory = binding.factory if "." in binding.factory else f"{f.module}.{binding.factory}"
            hit = self.resolve_class(Ref("name", factory))
            if hit is not None:
                return self.method(hit[0], hit[1].name, tail)
        return None

    def binding(self, qualified: str, depth: int = 0) -> tuple[FileFacts, Binding, str] | None:
        """The module-level binding a qualified storage name starts with (longest prefix)."""
        if depth > 8:
            return None  # a cycle of re-exports (``a`` imports ``x`` from ``b``, ``b`` from ``a``)
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            f = self.by_module.get(".".join(parts[:i]))
            if f is not None:
                b = f.bindings.get(parts[i])
                if b is not None:
                    return f, b, f"{f.module}.{parts[i]}"
                target = f.imports.get(parts[i])
                if target and target != qualified:
                    rest = ".".join(parts[i + 1 :])
                    return self.binding(f"{target}.{rest}" if rest else target, depth + 1)
                return None
        return None

    def storage_name(self, qualified: str) -> str | None:
        """The qualified name of the module-level binding ``qualified`` refers into."""
        hit = self.binding(qualified)
        return hit[2] if hit is not None else None

    # ----------------------------------------------------------- call graph
    @property
    def callers(self) -> dict[str, list[tuple[Func, Call]]]:
        if self._callers is None:
            callers: dict[str, list[tuple[Func, Call]]] = {}
            for func in self.functions.values():
                for call in func.facts.calls:
                    callee = self.resolve_function(call.callee, func)
                    if callee is not None and callee.id != func.id:
                        callers.setdefault(callee.id, []).append((func, call))
                for ref, _how in func.facts.spawns:
                    callee = self.resolve_function(ref, func)
                    if callee is not None:
                        callers.setdefault(callee.id, []).append((func, Call(ref, func.facts.span)))
            self._callers = callers
        return self._callers

    @cached_property
    def spawned(self) -> dict[str, tuple[Func, str]]:
        """Functions started on a thread / executor / task: id -> (spawner, how)."""
        out: dict[str, tuple[Func, str]] = {}
        for func in self.functions.values():
            for ref, how in func.facts.spawns:
                callee = self.resolve_function(ref, func)
                if callee is not None:
                    out.setdefault(callee.id, (func, how))
        return out

    # ------------------------------------------------------------ callbacks
    @cached_property
    def callbacks(self) -> dict[str, Text]:
        """Functions that litellm calls back: id -> how they became callbacks."""
        out: dict[str, Text] = {}
        for func in self.functions.values():
            for reg in func.facts.registrations:
                if reg.op in ("remove", "pop", "clear", "delete") or reg.op.startswith("manager:remove"):
                    continue
                for ref in reg.targets:
                    for target, how in self._callback_targets(ref, func):
                        out.setdefault(
                            target.id,
                            text(f"registered {how}in {_registry_label(reg.registry)} at ", self.loc(func.file, reg.span)),
                        )
        for f in self.files:
            for klass in f.classes.values():
                if not self.is_custom_logger(f, klass):
                    continue
                for name in klass.methods:
                    if name in cat.CALLBACK_METHODS:
                        fn = f.functions.get(f"{klass.name}.{name}")
                        if fn is not None:
                            out.setdefault(
                                Func(f, fn).id,
                                text(f"CustomLogger event method {klass.name}.{name} (litellm calls it on its logging thread)"),
                            )
        return out

    def callback_storage(self) -> set[str]:
        """Names of module-level bindings that callbacks write (their readers may live in files
        the byte scan skipped: the engine scans for these names and analyses those files too)."""
        out: set[str] = set()
        for cb_id in self.callbacks:
            cb = self.functions[cb_id]
            for access in cb.facts.writes + cb.facts.local_writes:
                qual = self.storage_name(access.target)
                if qual is not None:
                    out.add(qual)
        return out

    def _callback_targets(self, ref: Ref, where: Func) -> Iterator[tuple[Func, str]]:
        name = ref.name
        if name.endswith("()"):
            return  # an instance: its CustomLogger methods are found by class
        if ref.kind == "name" and self.resolve_class(ref) is not None:
            return
        # a bound method of a module-level instance: ``handler.log_success_event``
        target = self.resolve_function(ref, where)
        if target is not None:
            yield target, ""

    # ------------------------------------------------------ execution context
    def one_time(self, func: Func) -> bool:
        """Module level, ``__main__``, cached, or only ever called from those."""
        return self._one_time_of(func, set())

    def _one_time_of(self, func: Func, visiting: set[str]) -> bool:
        fid = func.id
        if fid in self._one_time:
            return self._one_time[fid]
        if func.facts.qualname in ("<module>", "<main>"):
            # a Streamlit script re-runs its module level for every visitor and interaction
            return not (func.facts.qualname == "<module>" and self.is_streamlit(func.file))
        if (
            func.file.is_test
            or any(d in cat.CACHE_DECORATORS or d in cat.STREAMLIT_CACHES for d in func.facts.decorators)
            or self.spawned.get(fid, (None, ""))[1] in ("process initializer", "startup hook")
            or any(d.rsplit(".", 1)[-1] in cat.STARTUP_DECORATORS and "." in d for d in func.facts.decorators)
        ):
            self._one_time[fid] = True  # set-up code, or test code (runs once, in one process)
            return True
        if fid in visiting:
            return False
        visiting.add(fid)
        callers = self.callers.get(fid, [])
        result = bool(callers) and fid not in self.callbacks and fid not in self.spawned
        if result:
            result = all(self._one_time_of(c, visiting) for c, _ in callers)
        visiting.discard(fid)
        self._one_time[fid] = result
        return result

    def request_evidence(self, func: Func, depth: int = 4) -> Chain | None:
        """Why ``func`` runs at request time (per call, per agent, concurrently), if known."""
        return self._evidence(func, depth, set())

    def _evidence(self, func: Func, depth: int, seen: set[str]) -> Chain | None:
        fid = func.id
        if fid in seen:
            return None
        seen = seen | {fid}
        label = func.facts.qualname
        entry = self.entry_point(func)
        if entry is not None:
            return Chain((text(entry),))
        if fid in self.callbacks:
            return Chain((text(f"{label} (a litellm callback)"),))
        if fid in self.spawned:
            spawner, how = self.spawned[fid]
            article = "an" if how[:1] in "aeiou" else "a"
            return Chain((text(f"{label} ({article} {how} started in {spawner.label})"),))
        if func.facts.is_async:
            return Chain((text(f"{label} (async def: runs as concurrent tasks)"),))
        litellm = self.litellm_call_in(func)
        if litellm is not None:
            return Chain((text(f"{label} (calls {litellm.callee.name} at ", self.loc(func.file, litellm.span), ")"),))
        if depth > 0:
            for caller, _call in self.callers.get(fid, []):
                if caller.facts.qualname in ("<module>", "<main>"):
                    continue
                sub = self._evidence(caller, depth - 1, seen)
                if sub is not None:
                    return Chain((text(label),) + sub.steps)
        return None

    # ------------------------------------------- concurrency (entry points)
    def is_streamlit(self, file: FileFacts) -> bool:
        """A Streamlit script: imports streamlit and is run, not imported (a helper module that
        imports streamlit runs its module level once, at import)."""
        return _imports(file, "streamlit") and file.module not in self._imported_modules

    @cached_property
    def _imported_modules(self) -> frozenset[str]:
        out: set[str] = set()
        for f in self.files:
            for target in f.imports.values():
                parts = target.split(".")
                out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        return frozenset(out)

    def entry_point(self, func: Func) -> str | None:
        """Why ``func`` itself starts concurrent work, if it does: a web / UI handler, a
        Streamlit script, a thread / executor / task target, a litellm callback, an ``async def``."""
        fid, label = func.id, func.facts.qualname
        if label == "<module>":
            return f"{func.file.path} (a Streamlit script: its module level runs once per visitor)" if self.is_streamlit(func.file) else None
        if label == "<main>":
            return None
        for d in func.facts.decorators:
            last = d.rsplit(".", 1)[-1]
            if (last in cat.ROUTE_DECORATOR_METHODS and "." in d) or d in cat.VIEW_DECORATORS:
                return f"{label} (a web handler: @{'.'.join(d.split('.')[-2:])})"
        view = self._view_method(func)
        if view is not None:
            return view
        if fid in self.spawned:
            spawner, how = self.spawned[fid]
            if how not in _PROCESS_HOWS and how != "startup hook":
                return f"{label} ({'an' if how[:1] in 'aeiou' else 'a'} {how} started in {spawner.label})"
        if fid in self.callbacks:
            return f"{label} (a litellm callback: runs on litellm's logging thread)"
        if func.facts.is_async:
            return f"{label} (async def: runs as concurrent tasks)"
        return None

    def _view_method(self, func: Func) -> str | None:
        cls = func.facts.class_name
        name = func.facts.qualname[len(cls) + 1 :] if cls else ""
        if cls and name in cat.VIEW_METHODS:
            klass = func.file.classes.get(cls)
            if klass is not None:
                for _f, k in self.mro(func.file, klass):
                    for b in k.bases:
                        if b.kind == "name" and b.name.rsplit(".", 1)[-1].endswith(cat.VIEW_BASE_SUFFIXES) and "." in b.name:
                            return f"{func.facts.qualname} (a web handler: method of a {b.name.rsplit('.', 1)[-1]})"
        if not cls and func.facts.params[:1] == ("request",) and func.file.module.rsplit(".", 1)[-1] == "views":
            return f"{func.facts.qualname} (a Django view: takes the request)"
        return None

    def process_local(self, func: Func, depth: int = 4) -> bool:
        """Runs only in a worker process (a process pool / ``Process`` target, or only called
        from one): module globals are per process there, one task at a time."""
        how = self.spawned.get(func.id, (None, ""))[1]
        if how in _PROCESS_HOWS:
            return True
        callers = self.callers.get(func.id, [])
        if depth <= 0 or not callers or func.id in self.callbacks or func.facts.is_async or func.id in self.spawned:
            return False
        return all(self.process_local(c, depth - 1) for c, _ in callers if c.id != func.id)

    def concurrency_evidence(self, func: Func, depth: int = 6) -> Chain | None:
        """The shortest chain of callers from ``func`` up to a concurrent entry point
        (``set_callbacks`` ← ``LLM.call`` ← ``LLM.acall (async def ...)``), if any."""
        frontier: list[tuple[Func, tuple[Text, ...]]] = [(func, ())]
        seen = {func.id}
        for _ in range(depth + 1):
            nxt: list[tuple[Func, tuple[Text, ...]]] = []
            for f, steps in frontier:
                entry = self.entry_point(f)
                if entry is not None:
                    return Chain(steps + (text(entry),))
                for caller, _call in sorted(self.callers.get(f.id, []), key=lambda c: c[0].id):
                    if caller.id in seen or caller.facts.qualname == "<main>":
                        continue
                    if caller.facts.qualname == "<module>" and not self.is_streamlit(caller.file):
                        continue
                    seen.add(caller.id)
                    nxt.append((caller, steps + (text(f.facts.qualname),)))
            frontier = nxt
            if not frontier:
                break
        return None

    def grade(self, func: Func, concurrent: bool, per_instance: str | None = None) -> tuple[Confidence, Text]:
        """(confidence, evidence) of a finding in ``func``: high with a chain to a concurrent entry
        point (``concurrent``) or to request-time code; medium when it runs per instance and the
        rule accepts that (``per_instance`` is then appended to the evidence); else low."""
        chain = self.concurrency_evidence(func) if concurrent else self.request_evidence(func)
        if chain is not None:
            return Confidence.HIGH, text(f"runs {'concurrently' if concurrent else 'at request time'}: ", chain)
        instance = self.per_instance_evidence(func) if per_instance is not None else None
        if instance is not None:
            return Confidence.MEDIUM, text(f"runs per instance: {instance}{per_instance}")
        who = "concurrent" if concurrent else "start-up-only"
        return Confidence.LOW, text(f"no {who} caller found for {func.facts.qualname} (reported with --preview)")

    def per_instance_evidence(self, func: Func) -> str | None:
        """A method that runs for every instance (constructor, validator, or any method)."""
        cls = func.facts.class_name
        if not cls or not func.facts.qualname.startswith(cls + "."):
            return None
        name = func.facts.qualname[len(cls) + 1 :]
        if name in ("__init__", "__post_init__", "model_post_init") or any(
            "validator" in d for d in func.facts.decorators
        ):
            return f"{func.facts.qualname} runs on every construction of {cls}"
        for caller, _ in self.callers.get(func.id, []):
            ev = self.per_instance_evidence(caller) if caller.id != func.id else None
            if ev is not None:
                return f"{func.facts.qualname} ← {ev}"
        return None

    def litellm_call_in(self, func: Func) -> Call | None:
        for call in func.facts.calls:
            if call.category == "litellm-call":
                return call
        return None

    # --------------------------------------------------------- network calls
    def network_call(self, func: Func, call: Call, depth: int = CALL_DEPTH, litellm_only: bool = False) -> Chain | None:
        """Whether ``call`` (made in ``func``) does network I/O (or a litellm model call, with
        ``litellm_only``), directly or through project functions, and the path to it."""
        category = call.category or self._client_category(func, call)
        if category == "litellm-call" or (category and not litellm_only):
            return Chain((Text((f"{call.callee.name}()",)),))
        if depth <= 0 or category:
            return None
        callee = self.resolve_function(call.callee, func)
        if callee is None or callee.id == func.id:
            return None
        inner = self.function_network(callee, depth - 1, litellm_only)
        if inner is None:
            return None
        return Chain((Text((f"{callee.facts.qualname}()",)),) + inner.steps)

    def function_network(self, func: Func, depth: int, litellm_only: bool = False) -> Chain | None:
        key = (func.id, f"{depth}{litellm_only}")
        if key in self._net:
            return self._net[key]
        self._net[key] = None  # cycle guard
        result = None
        for call in func.facts.calls:
            result = self.network_call(func, call, depth, litellm_only)
            if result is not None:
                break
        self._net[key] = result
        return result

    def litellm_call_through(self, func: Func) -> tuple[Call, Chain] | None:
        """The first call in ``func`` that reaches a litellm model call (directly or via the project)."""
        for call in sorted(func.facts.calls, key=lambda c: c.order):
            chain = self.network_call(func, call, litellm_only=True)
            if chain is not None:
                return call, chain
        return None

    def _client_category(self, func: Func, call: Call) -> str:
        """A method called on a client object held in ``self.x`` or a module-level binding."""
        ref = call.callee
        binding = None
        if ref.kind == "self" and "." in ref.name and func.facts.class_name:
            attr, _, method = ref.name.partition(".")
            hit = self.attribute(func.file, func.facts.class_name, attr)
            binding = hit[2] if hit is not None else None
        elif ref.kind == "name":
            hit2 = self.binding(ref.name)
            if hit2 is None or not ref.name.startswith(hit2[2] + "."):
                return ""
            binding, method = hit2[1], ref.name[len(hit2[2]) + 1 :]
        if binding is None or binding.kind != "client":
            return ""
        if binding.factory == "litellm.Router" and method in cat.ROUTER_METHODS:
            return "litellm-call"
        return "network" if method in cat.CLIENT_METHODS else ""


_PROCESS_HOWS = ("process pool", "process", "process initializer")


def _imports(file: FileFacts, module: str) -> bool:
    return any(v == module or v.startswith(module + ".") for v in file.imports.values())


def _registry_label(registry: str) -> str:
    if registry.startswith("kwarg:"):
        return f"the per-call {registry[6:]}= argument"
    return registry
