"""Reduce one parsed module to ``FileFacts`` in a single iterative walk.

The walk keeps an explicit stack instead of recursing (deeply nested real code exhausts
Python's recursion limit in libcst's own visitors). An ``_Exit`` marker pushed below a
function's children gives the walk an "end of function" event. Positions are computed once,
after the walk, and only for the nodes that facts refer to.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from typing import Callable, Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

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
from linter.analysis.names import add_import, dotted


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


@dataclass(frozen=True, slots=True)
class _Ctx:
    fn: _Fn
    cls: str = ""  # qualified class name for methods (and the class body)
    in_class_body: bool = False
    regions: tuple[int, ...] = ()  # indexes into fn.facts.regions
    loops: tuple[str, ...] = ()  # registries iterated by enclosing for-loops


@dataclass(frozen=True, slots=True)
class _Exit:
    fn: _Fn


_MAIN_TEST = ("__name__", "__main__")


class _Extractor:
    def __init__(self, module: cst.Module, facts: FileFacts, catalog: Catalog, positions: bool) -> None:
        self.module = module
        self.positions = positions
        self.facts = facts
        self.catalog = catalog
        self.imports = facts.imports
        self.pending: list[tuple[cst.CSTNode, object]] = []
        self.order = 0
        self.top_names: set[str] = set()  # names defined at module level
        self.toplevel = _Fn(FunctionFacts("<module>", NO_SPAN))
        self.main = _Fn(FunctionFacts("<main>", NO_SPAN))
        facts.functions["<module>"] = self.toplevel.facts

    # ----------------------------------------------------------------- helpers
    def span_of(self, node: cst.CSTNode, obj: object) -> None:
        self.pending.append((node, obj))

    def resolve(self, text: str, ctx: _Ctx) -> Ref:
        root, _, rest = text.partition(".")
        if root in ("self", "cls") and ctx.cls:
            return Ref("self", rest) if rest else Ref("unknown", text)
        fn = ctx.fn
        if root in fn.locals and root not in fn.globals:
            if rest and root in fn.instances:
                return Ref("name", f"{fn.instances[root]}.{rest}")
            return Ref("local", text)
        if root in self.imports:
            full = self.imports[root]
            return Ref("name", f"{full}.{rest}" if rest else full)
        if root in self.top_names or root in fn.globals:
            return Ref("name", f"{self.facts.module}.{text}")
        return Ref("local", text)

    def resolve_expr(self, node: cst.BaseExpression, ctx: _Ctx) -> Ref:
        text = dotted(node)
        return self.resolve(text, ctx) if text else Ref("unknown", "")

    def factory_of(self, value: cst.BaseExpression | None, ctx: _Ctx) -> str:
        if isinstance(value, cst.Call):
            ref = self.resolve_expr(value.func, ctx)
            if ref.kind == "name":
                return ref.name
            return ref.name if ref.kind == "local" else ""
        return ""

    def binding_for(self, name: str, value: cst.BaseExpression | None, ctx: _Ctx) -> Binding:
        factory = self.factory_of(value, ctx)
        kind = "value"
        lock_kind = ""
        if factory in self.catalog.lock_factories and _counts_above_one(factory, value):
            kind = "limiter"  # Semaphore(3): caps concurrency on purpose, does not serialise
        elif factory in self.catalog.lock_factories:
            kind, lock_kind = "lock", self.catalog.lock_factories[factory]
        elif factory in cat.THREAD_LOCAL_FACTORIES:
            kind = "thread-local"
        elif factory in cat.CONTEXTVAR_FACTORIES:
            kind = "contextvar"
        elif factory in self.catalog.client_factories:
            kind = "client"
        elif factory in cat.MUTABLE_FACTORIES or isinstance(
            value, (cst.Dict, cst.List, cst.Set, cst.DictComp, cst.ListComp, cst.SetComp)
        ):
            kind = "mutable"
        binding = Binding(name, NO_SPAN, kind, factory, lock_kind)
        return binding

    # ------------------------------------------------------------ module pass
    def collect_top_names(self, body: Iterable[cst.CSTNode]) -> None:
        """Names bound at module level, including inside top-level if/try blocks."""
        todo = list(body)
        while todo:
            stmt = todo.pop()
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                self.top_names.add(stmt.name.value)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        add_import(self.imports, small, self.facts.module, self.facts.is_package)
                    elif isinstance(small, cst.Assign):
                        for t in small.targets:
                            self._add_target_names(t.target)
                    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                        self._add_target_names(small.target)
            elif isinstance(stmt, (cst.If, cst.Try, cst.With, cst.Else, cst.ExceptHandler, cst.Finally)):
                todo.extend(_children(stmt))
            elif isinstance(stmt, (cst.IndentedBlock,)):
                todo.extend(stmt.body)

    def _add_target_names(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.top_names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self._add_target_names(el.value)

    # ------------------------------------------------------------------- walk
    def run(self) -> None:
        self.collect_top_names(self.module.body)
        stack: list[tuple[cst.CSTNode, _Ctx] | _Exit] = []
        root = _Ctx(self.toplevel)
        for stmt in reversed(self.module.body):
            stack.append((stmt, root))
        while stack:
            item = stack.pop()
            if isinstance(item, _Exit):
                self.finish_function(item.fn)
                continue
            node, ctx = item
            self.order += 1
            handler = _HANDLERS.get(type(node))
            children: Iterable[tuple[cst.CSTNode, _Ctx] | _Exit] | None
            if handler is None:
                children = ((c, ctx) for c in _children(node))
            else:
                children = handler(self, node, ctx)
            if children:
                stack.extend(reversed(list(children)))
        self.finish_function(self.toplevel)
        if self.main.facts.calls or self.main.facts.registrations or self.main.facts.writes:
            self.facts.functions["<main>"] = self.main.facts
            self.finish_function(self.main)
        self.compute_positions()

    def finish_function(self, fn: _Fn) -> None:
        """Drop accesses to names that turned out to be local to the function."""
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

    def compute_positions(self) -> None:
        """Spans for the nodes facts refer to. Costs ~2x the parse, so it is done only when
        asked: for the few files that a finding cites (see ``linter.engine``)."""
        if not self.pending or not self.positions:
            return
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 100_000))
        try:
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            positions = wrapper.resolve(PositionProvider)
        finally:
            sys.setrecursionlimit(limit)
        for node, obj in self.pending:
            pos = positions.get(node)
            if pos is None:
                continue
            span = Span(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)
            obj.span = span  # type: ignore[attr-defined]

    # --------------------------------------------------------------- handlers
    def on_function(self, node: cst.FunctionDef, ctx: _Ctx):
        outer = ctx.fn.facts
        name = node.name.value
        if outer.qualname not in ("<module>", "<main>") and not ctx.in_class_body:
            qual = f"{outer.qualname}.<locals>.{name}"
        elif ctx.in_class_body:
            qual = f"{ctx.cls}.{name}"
        else:
            qual = name
        decorators = []
        for d in node.decorators:
            expr = d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
            ref = self.resolve_expr(expr, ctx)
            decorators.append(ref.name if ref.kind == "name" else (dotted(expr) or ""))
        params = [p.name.value for p in node.params.params]
        params += [p.name.value for p in node.params.posonly_params]
        params += [p.name.value for p in node.params.kwonly_params]
        if isinstance(node.params.star_arg, cst.Param):
            params.append(node.params.star_arg.name.value)
        if node.params.star_kwarg is not None:
            params.append(node.params.star_kwarg.name.value)
        facts = FunctionFacts(
            qual,
            NO_SPAN,
            class_name=ctx.cls,
            is_async=node.asynchronous is not None,
            decorators=tuple(decorators),
            params=tuple(params),
        )
        self.span_of(node.name, facts)
        self.facts.functions[qual] = facts
        if ctx.in_class_body and ctx.cls in self.facts.classes:
            klass = self.facts.classes[ctx.cls]
            klass.methods = klass.methods + (name,)
        if not ctx.in_class_body and ctx.fn is not self.toplevel and ctx.fn is not self.main:
            ctx.fn.locals.add(name)
        fn = _Fn(facts, locals=set(params))
        inner = _Ctx(fn, cls=ctx.cls)
        out: list = [(d, ctx) for d in node.decorators]
        out.extend((s, inner) for s in _body(node.body))
        out.append(_Exit(fn))  # last in source order: runs after the whole body
        return out

    def on_class(self, node: cst.ClassDef, ctx: _Ctx):
        outer = ctx.cls if ctx.in_class_body else ""
        if ctx.fn.facts.qualname not in ("<module>", "<main>") and not ctx.in_class_body:
            qual = f"{ctx.fn.facts.qualname}.<locals>.{node.name.value}"
        else:
            qual = f"{outer}.{node.name.value}" if outer else node.name.value
        bases = tuple(self.resolve_expr(b.value, ctx) for b in node.bases if not b.keyword)
        klass = ClassFacts(qual, NO_SPAN, bases)
        self.span_of(node.name, klass)
        self.facts.classes[qual] = klass
        inner = _Ctx(ctx.fn, cls=qual, in_class_body=True)
        out: list = [(d, ctx) for d in node.decorators]
        out.extend((b.value, ctx) for b in node.bases)
        out.extend((s, inner) for s in _body(node.body))
        return out

    def on_if(self, node: cst.If, ctx: _Ctx):
        if ctx.fn is self.toplevel and not ctx.in_class_body and _is_main_test(node.test):
            main = _Ctx(self.main)
            out: list = [(node.test, ctx)]
            out.extend((s, main) for s in _body(node.body))
            if node.orelse is not None:
                out.append((node.orelse, ctx))
            return out
        return [(c, ctx) for c in _children(node)]

    def on_global(self, node: cst.Global, ctx: _Ctx):
        for n in node.names:
            ctx.fn.globals.add(n.name.value)
        return ()

    def on_import(self, node: cst.Import | cst.ImportFrom, ctx: _Ctx):
        if ctx.fn is not self.toplevel or ctx.in_class_body:
            add_import(self.imports, node, self.facts.module, self.facts.is_package)
        return ()

    def on_assign(self, node: cst.Assign, ctx: _Ctx):
        out: list = [(node.value, ctx)]
        for t in node.targets:
            out.extend(self.assign_target(t.target, node.value, ctx, "assign", node))
        return out

    def on_annassign(self, node: cst.AnnAssign, ctx: _Ctx):
        out: list = []
        if node.value is not None:
            out.append((node.value, ctx))
            out.extend(self.assign_target(node.target, node.value, ctx, "assign", node))
        elif isinstance(node.target, cst.Name) and not ctx.in_class_body:
            ctx.fn.locals.add(node.target.value)
        return out

    def on_augassign(self, node: cst.AugAssign, ctx: _Ctx):
        out: list = [(node.value, ctx)]
        out.extend(self.assign_target(node.target, node.value, ctx, "augmented", node))
        # ``x += 1`` also reads x
        out.append((node.target, ctx))
        return out

    def on_del(self, node: cst.Del, ctx: _Ctx):
        out: list = []
        for el in _targets(node.target):
            if isinstance(el, cst.Subscript):
                ref = self.resolve_expr(el.value, ctx)
                if ref.kind == "name" and ref.name == cat.ENVIRON:
                    self.config_write(cat.ENVIRON, "delete", node, ctx)
                    continue
                if ref.kind == "name" and ref.name in self.catalog.registries:
                    self.registration(ref.name, "delete", node, ctx)
                    continue
            out.extend(self.assign_target(el, None, ctx, "delete", node))
        return out

    def assign_target(
        self,
        target: cst.BaseExpression,
        value: cst.BaseExpression | None,
        ctx: _Ctx,
        how: str,
        stmt: cst.CSTNode,
    ) -> list:
        """Record what assigning to ``target`` means; return sub-expressions still to walk."""
        fn = ctx.fn
        out: list = []
        if isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                inner = el.value.value if isinstance(el.value, cst.StarredElement) else el.value
                out.extend(self.assign_target(inner, None, ctx, how, stmt))
            return out
        if isinstance(target, cst.StarredElement):
            return self.assign_target(target.value, None, ctx, how, stmt)
        if isinstance(target, cst.Name):
            name = target.value
            if ctx.in_class_body:
                klass = self.facts.classes.get(ctx.cls)
                if klass is not None:
                    binding = self.binding_for(name, value, ctx)
                    binding.scope = "class"
                    klass.attributes[name] = binding
                    self.span_of(target, binding)
                return out
            if fn is self.toplevel or fn is self.main:
                if fn is self.toplevel and how == "assign":
                    binding = self.binding_for(name, value, ctx)
                    self.facts.bindings.setdefault(name, binding)
                    if self.facts.bindings[name] is binding:
                        self.span_of(target, binding)
                return out
            if name in fn.globals:
                access = Access(
                    f"{self.facts.module}.{name}", NO_SPAN, "rebind" if how == "assign" else how, self.order,
                    constant=_is_literal(value),
                )
                self.span_of(target, access)
                fn.facts.writes.append(access)
            else:
                fn.locals.add(name)
                factory = self.factory_of(value, ctx)
                fn.instances.pop(name, None)
                if factory in self.catalog.client_factories:
                    fn.clients[name] = factory
                elif _is_executor(factory):
                    fn.executors[name] = factory
                elif self._is_instance_factory(factory, value, ctx):
                    fn.instances[name] = factory
                if _has_callbacks_key(value):
                    fn.callback_dicts.add(name)
            return out
        text = dotted(target)
        if text is not None:
            ref = self.resolve(text, ctx)
            if ref.kind == "name" and ref.name in cat.CONFIG_ATTRIBUTES and not ctx.in_class_body:
                self.config_write(ref.name, "assign" if how == "assign" else how, stmt, ctx)
                return out
            if ref.kind == "name" and ref.name in self.catalog.registries:
                op = "assign" if how == "assign" else "augmented"
                self.registration(ref.name, op, stmt, ctx, value)
                return out
            if ref.kind == "self" and isinstance(target, cst.Attribute) and "." not in ref.name:
                # ``self.x = factory()``: an instance attribute of the enclosing class
                klass = self.facts.classes.get(ctx.cls)
                if klass is not None and how == "assign":
                    binding = self.binding_for(ref.name, value, ctx)
                    binding.scope = "instance"
                    if binding.kind != "value" or ref.name not in klass.attributes:
                        klass.attributes[ref.name] = binding
                        self.span_of(target, binding)
                return out
        if isinstance(target, cst.Subscript):
            base = self.resolve_expr(target.value, ctx)
            if base.kind == "name" and base.name == cat.ENVIRON:
                self.config_write(cat.ENVIRON, "item" if how != "delete" else "delete", stmt, ctx)
                return [(e, ctx) for e in target.slice]
            if base.kind == "name" and base.name in self.catalog.registries:
                sliced = any(isinstance(e.slice, cst.Slice) for e in target.slice)
                self.registration(base.name, "slice-assign" if sliced else "item-assign", stmt, ctx, value)
                return [(e, ctx) for e in target.slice]
            if isinstance(target.value, cst.Name) and _subscript_key(target) == "callbacks":
                fn.callback_dicts.add(target.value.value)
            self.storage_write(
                target.value, "item" if how == "assign" else how, target, ctx, _subscript_key(target) or "", _is_literal(value)
            )
            out.extend((e, ctx) for e in target.slice)
            return out
        if isinstance(target, cst.Attribute):
            # ``DATA.cost = x`` writes DATA; a thread-local attribute is a local write.
            self.storage_write(target.value, "attr" if how == "assign" else how, target, ctx)
        return out

    def config_write(self, target: str, how: str, node: cst.CSTNode, ctx: _Ctx) -> None:
        access = Access(target, NO_SPAN, how, self.order)
        self.span_of(node, access)
        ctx.fn.facts.config_writes.append(access)

    def _is_instance_factory(self, factory: str, value: cst.BaseExpression | None, ctx: _Ctx) -> bool:
        """``x = Agent(...)``: a call of a capitalised name that no catalogue knows (a class)."""
        if not factory or not isinstance(value, cst.Call) or "." not in factory:
            return False
        if factory in self.catalog.lock_factories or factory in cat.MUTABLE_FACTORIES:
            return False
        if factory in cat.THREAD_LOCAL_FACTORIES or factory in cat.CONTEXTVAR_FACTORIES:
            return False
        return factory.rsplit(".", 1)[-1][:1].isupper()

    def storage_write(
        self, base: cst.BaseExpression, how: str, node: cst.CSTNode, ctx: _Ctx, key: str = "", constant: bool = False
    ) -> None:
        text = _chain_text(base)
        if text is None or ctx.fn is self.toplevel or ctx.fn is self.main:
            return
        ref = self.resolve(text, ctx)
        if ref.kind != "name":
            return
        access = Access(ref.name, NO_SPAN, how, self.order, key, constant)
        self.span_of(node, access)
        ctx.fn.facts.writes.append(access)

    def registration(
        self,
        registry: str,
        op: str,
        node: cst.CSTNode,
        ctx: _Ctx,
        value: cst.BaseExpression | None = None,
        targets: Iterable[cst.BaseExpression] = (),
    ) -> Registration:
        refs = list(self.callable_refs(value, ctx)) if value is not None else []
        for t in targets:
            refs.extend(self.callable_refs(t, ctx))
        reg = Registration(registry, op, NO_SPAN, tuple(refs), locked=bool(ctx.regions))
        self.span_of(node, reg)
        ctx.fn.facts.registrations.append(reg)
        return reg

    def callable_refs(self, value: cst.BaseExpression, ctx: _Ctx) -> Iterable[Ref]:
        """The functions/objects named in a registration value (``[cb, self.on_event]``)."""
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for el in value.elements:
                yield from self.callable_refs(el.value, ctx)
        elif isinstance(value, cst.BinaryOperation):
            yield from self.callable_refs(value.left, ctx)
            yield from self.callable_refs(value.right, ctx)
        elif isinstance(value, (cst.Name, cst.Attribute)):
            ref = self.resolve_expr(value, ctx)
            if ref.kind != "unknown":
                yield ref
        elif isinstance(value, cst.Call):
            ref = self.resolve_expr(value.func, ctx)
            if ref.kind in ("name", "self"):
                yield Ref(ref.kind, ref.name + "()")

    def on_for(self, node: cst.For, ctx: _Ctx):
        it = node.iter
        registry = ""
        inner_expr: cst.BaseExpression = it
        if isinstance(it, cst.Call) and it.args:
            inner_expr = it.args[0].value if dotted(it.func) in ("list", "tuple") else it.func
            if isinstance(inner_expr, cst.Attribute) and inner_expr.attr.value == "copy":
                inner_expr = inner_expr.value
        elif isinstance(it, cst.Call) and isinstance(it.func, cst.Attribute) and it.func.attr.value == "copy":
            inner_expr = it.func.value
        elif isinstance(it, cst.Subscript):
            inner_expr = it.value
        ref = self.resolve_expr(inner_expr, ctx)
        if ref.kind == "name" and ref.name in self.catalog.registries:
            registry = ref.name
        inner = _Ctx(ctx.fn, ctx.cls, ctx.in_class_body, ctx.regions, ctx.loops + (registry,)) if registry else ctx
        out: list = [(node.iter, ctx)]
        out.extend(self.assign_target(node.target, None, ctx, "assign", node))
        out.append((node.body, inner))
        if node.orelse is not None:
            out.append((node.orelse, ctx))
        return out

    def on_with(self, node: cst.With, ctx: _Ctx):
        fn = ctx.fn
        regions = ctx.regions
        out: list = []
        single_flight = _is_single_flight(node.body)
        for item in node.items:
            expr = item.item
            out.append((expr, ctx))
            via_call = isinstance(expr, cst.Call)
            target = expr.func if isinstance(expr, cst.Call) else expr
            ref = self.resolve_expr(target, ctx)
            if item.asname is not None and isinstance(item.asname.name, cst.Name):
                factory = self.factory_of(expr, ctx)
                name = item.asname.name.value
                fn.locals.add(name)
                if factory in self.catalog.client_factories:
                    fn.clients[name] = factory
                elif _is_executor(factory):
                    fn.executors[name] = factory
            if ref.kind == "unknown":
                continue
            if via_call and ref.kind == "local":
                continue
            region = LockRegion(ref, NO_SPAN, node.asynchronous is not None, via_call, single_flight=single_flight)
            self.span_of(expr, region)
            fn.facts.regions.append(region)
            regions = regions + (len(fn.facts.regions) - 1,)
        inner = _Ctx(fn, ctx.cls, ctx.in_class_body, regions, ctx.loops)
        out.append((node.body, inner))
        return out

    def on_await(self, node: cst.Await, ctx: _Ctx):
        for i in ctx.regions:
            region = ctx.fn.facts.regions[i]
            site = Site()
            self.span_of(node, site)
            region.awaits.append(site)
        return [(node.expression, ctx)]

    def on_yield(self, node: cst.Yield, ctx: _Ctx):
        for i in ctx.regions:
            ctx.fn.facts.regions[i].yields = True
        return [(c, ctx) for c in _children(node)]

    def on_name(self, node: cst.Name, ctx: _Ctx):
        if ctx.fn is self.toplevel or ctx.fn is self.main or ctx.in_class_body:
            return ()
        self.read(node.value, node, ctx)
        return ()

    def on_attribute(self, node: cst.Attribute, ctx: _Ctx):
        text = dotted(node)
        if text is None:
            return [(node.value, ctx)]
        if not (ctx.fn is self.toplevel or ctx.fn is self.main or ctx.in_class_body):
            self.read(text, node, ctx)
        return ()

    def read(self, text: str, node: cst.CSTNode, ctx: _Ctx) -> None:
        root = text.split(".", 1)[0]
        if root not in self.top_names and root not in self.imports:
            return
        ref = self.resolve(text, ctx)
        if ref.kind != "name":
            return
        access = Access(ref.name, NO_SPAN, "read", self.order)
        self.span_of(node, access)
        ctx.fn.facts.reads.append(access)

    def on_call(self, node: cst.Call, ctx: _Ctx):
        fn = ctx.fn
        func = node.func
        out: list = []
        text = dotted(func)
        ref = self.resolve(text, ctx) if text else Ref("unknown", "")
        keywords = tuple(a.keyword.value for a in node.args if a.keyword is not None)
        category = self.categorize(ref, fn)
        method = func.attr.value if isinstance(func, cst.Attribute) else ""
        if method == "pop" and isinstance(func.value, cst.Name) and node.args and _string(node.args[0].value) == "callbacks":
            fn.callback_dicts.discard(func.value.value)  # ``params.pop("callbacks")`` before the call
        # Registry mutation: litellm.success_callback.append(cb)
        if isinstance(func, cst.Attribute):
            base = self.resolve_expr(func.value, ctx)
            if base.kind == "name" and base.name in self.catalog.registries and method in cat.REGISTRY_METHODS:
                reg = self.registration(base.name, method, node, ctx, targets=[a.value for a in node.args])
                if method == "remove" and base.name in ctx.loops:
                    reg.in_remove_loop = True
            elif base.kind == "name" and base.name == cat.CALLBACK_MANAGER and (
                method.startswith("add_") or method.startswith("remove_") or method.startswith("_reset")
            ):
                self.registration(base.name, f"manager:{method}", node, ctx, targets=[a.value for a in node.args])
            elif base.kind == "name" and base.name in self.catalog.registries:
                pass
            elif base.kind == "name" and base.name == cat.ENVIRON:
                if method in cat.ENVIRON_METHODS:
                    self.config_write(cat.ENVIRON, f"method:{method}", node, ctx)
            elif method in cat.MUTATING_METHODS:
                self.storage_write(func.value, f"method:{method}", node, ctx)
            elif method == "set":
                self.storage_write_contextvar(func.value, node, ctx)
        if ref.kind == "name" and ref.name in cat.CONFIG_FUNCTIONS:
            self.config_write(ref.name, "call", node, ctx)
        if category == "litellm-call":
            for a in node.args:
                if a.keyword is not None and a.keyword.value in ("callbacks", "success_callback", "failure_callback"):
                    self.registration(f"kwarg:{a.keyword.value}", "kwarg", a, ctx, a.value)
                elif a.star == "**" and isinstance(a.value, cst.Name) and a.value.value in fn.callback_dicts:
                    self.registration("kwarg:callbacks", "kwarg", a, ctx)
        for a in node.args:
            if a.keyword is not None and a.keyword.value == "initializer":
                init = self.resolve_expr(a.value, ctx)
                if init.kind == "name":
                    fn.facts.spawns.append((init, "process initializer"))
            elif a.keyword is not None and a.keyword.value in cat.STARTUP_KEYWORDS:
                # ``FastAPI(lifespan=...)``, ``Starlette(on_startup=[...])``: runs once per process
                hooks = [e.value for e in a.value.elements] if isinstance(a.value, (cst.List, cst.Tuple)) else [a.value]
                for hook in hooks:
                    r = self.resolve_expr(hook, ctx)
                    if r.kind == "name":
                        fn.facts.spawns.append((r, "startup hook"))
        self.spawns(ref, node, ctx)
        if ref.kind in ("name", "self") or category:
            call = Call(ref, NO_SPAN, category, keywords, ctx.regions, self.order)
            self.span_of(node, call)
            fn.facts.calls.append(call)
        if text is None:
            out.append((func, ctx))
        elif isinstance(func, cst.Attribute):
            out.append((func, ctx))
        out.extend((a.value, ctx) for a in node.args)
        return out

    def storage_write_contextvar(self, base: cst.BaseExpression, node: cst.CSTNode, ctx: _Ctx) -> None:
        text = dotted(base)
        if text is None or ctx.fn is self.toplevel:
            return
        ref = self.resolve(text, ctx)
        if ref.kind == "name":
            access = Access(ref.name, NO_SPAN, "set", self.order)
            self.span_of(node, access)
            ctx.fn.facts.local_writes.append(access)

    def categorize(self, ref: Ref, fn: _Fn) -> str:
        if ref.kind == "name":
            if ref.name in cat.LITELLM_CALLS:
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

    def spawns(self, ref: Ref, node: cst.Call, ctx: _Ctx) -> None:
        how = ""
        targets: list[cst.BaseExpression] = []
        if ref.kind == "name" and ref.name in cat.SPAWN_FUNCTIONS:
            how = cat.SPAWN_FUNCTIONS[ref.name]
            for a in node.args:
                if a.keyword is not None and a.keyword.value == "target":
                    targets.append(a.value)
                elif a.keyword is None and ref.name.startswith("asyncio."):
                    targets.append(a.value.func if isinstance(a.value, cst.Call) else a.value)
        elif ref.kind == "name" and ref.name in cat.PROCESS_SPAWNS:
            how = "process"
            targets.extend(a.value for a in node.args if a.keyword is not None and a.keyword.value == "target")
        elif self._entry_registration(ref, node, ctx):
            return
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in cat.SPAWN_METHODS:
            method = node.func.attr.value
            how = cat.SPAWN_METHODS[method]
            owner = dotted(node.func.value) or ""
            executor = ctx.fn.executors.get(owner.split(".", 1)[0], "")
            if not executor:
                owner_ref = self.resolve(owner, ctx) if owner else Ref("unknown", "")
                executor = self.factory_of(node.func.value, ctx) if isinstance(node.func.value, cst.Call) else ""
                binding = self.facts.bindings.get(owner) if owner_ref.kind == "name" else None
                executor = executor or (binding.factory if binding is not None else "")
            if executor.endswith("ProcessPoolExecutor") or executor in cat.PROCESS_POOLS:
                how = "process pool"
            args = [a.value for a in node.args if a.keyword is None]
            if method == "run_in_executor" and len(args) > 1:
                targets.append(args[1])
            elif method == "create_task" and args:
                targets.append(args[0].func if isinstance(args[0], cst.Call) else args[0])
            elif args:
                targets.append(args[0])
        for t in targets:
            r = self.resolve_expr(t, ctx)
            if r.kind in ("name", "self"):
                ctx.fn.facts.spawns.append((r, how))

    def _entry_registration(self, ref: Ref, node: cst.Call, ctx: _Ctx) -> bool:
        """A function handed to a web framework or a UI toolkit as a per-request handler:
        ``app.add_url_rule(rule, ep, view)``, ``Route(path, endpoint)``, ``path("x/", view)``,
        ``button.click(fn, ...)`` (Gradio), ``st.button(..., on_click=cb)`` (Streamlit)."""
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else ""
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
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        chosen = [a.value for a in node.args if a.keyword is not None and a.keyword.value in keyword_names]
        if not chosen and 0 <= spec[0] < len(positional):
            chosen = [positional[spec[0]]]
        for t in chosen:
            r = self.resolve_expr(t, ctx)
            if r.kind in ("name", "self"):
                ctx.fn.facts.spawns.append((r, how))
        return bool(chosen)

    def _imports_module(self, module: str) -> bool:
        return any(v == module or v.startswith(module + ".") for v in self.imports.values())


# Fields that only hold whitespace, comments, brackets and punctuation: never walked.
_SKIP_FIELDS = frozenset(
    [
        "whitespace_before", "whitespace_after", "whitespace_before_colon", "whitespace_after_colon",
        "whitespace_before_params", "whitespace_after_def", "whitespace_after_class",
        "whitespace_before_from", "whitespace_after_from", "whitespace_before_as", "whitespace_after_as",
        "whitespace_after_star", "whitespace_after_param", "whitespace_before_args",
        "whitespace_before_in", "whitespace_after_in", "whitespace_before_indicator",
        "whitespace_after_await", "whitespace_after_global", "whitespace_after_nonlocal",
        "whitespace_after_lambda", "whitespace_after_return", "whitespace_after_yield",
        "whitespace_after_del", "whitespace_after_for", "whitespace_after_assert",
        "whitespace_after_raise", "whitespace_after_import", "whitespace_after_if",
        "whitespace_after_else", "whitespace_after_while", "whitespace_after_with",
        "whitespace_after_except", "whitespace_after_try", "whitespace_after_async",
        "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "semicolon", "dot",
        "colon", "equal", "operator", "star", "leading_lines", "lines_after_decorators",
        "header", "footer", "trailing_whitespace", "newline", "whitespace", "asynchronous",
        "relative", "keyword", "prefix", "default_indent", "default_newline", "encoding",
        "has_trailing_newline", "indent", "value_str", "first_line", "tokens",
    ]
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Child nodes in field order, without whitespace and punctuation (much cheaper than
    ``node.children``, which runs a visitor over the node)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = tuple(f.name for f in fields(node) if f.name not in _SKIP_FIELDS)
        _FIELDS[type(node)] = names
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, (tuple, list)):
            out.extend(v for v in value if isinstance(v, cst.CSTNode))
    return out


def _counts_above_one(factory: str, value: cst.BaseExpression | None) -> bool:
    """A semaphore created with a count other than 1 (a literal > 1, or a configured value)."""
    if not factory.endswith("Semaphore") or not isinstance(value, cst.Call) or not value.args:
        return False
    first = value.args[0].value
    return not (isinstance(first, cst.Integer) and first.value in ("0", "1"))


def _is_executor(factory: str) -> bool:
    return factory.endswith("PoolExecutor") or factory in cat.PROCESS_POOLS


def _body(body: cst.BaseSuite) -> Iterable[cst.CSTNode]:
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return [body]


def _targets(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, (cst.Tuple, cst.List)):
        return [el.value for el in node.elements]
    return [node]


def _chain_text(node: cst.BaseExpression) -> str | None:
    """``a.b`` for ``a.b``, ``a.b[k]``, ``a.b[k].c`` (the storage being written)."""
    while isinstance(node, cst.Subscript):
        node = node.value
    return dotted(node)


def _subscript_key(node: cst.Subscript) -> str | None:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return _string(node.slice[0].slice.value)
    return None


def _has_callbacks_key(value: cst.BaseExpression | None) -> bool:
    if isinstance(value, cst.Dict):
        return any(isinstance(e, cst.DictElement) and _string(e.key) == "callbacks" for e in value.elements)
    if isinstance(value, cst.Call) and dotted(value.func) == "dict":
        return any(a.keyword is not None and a.keyword.value == "callbacks" for a in value.args)
    return False


def _is_literal(value: cst.BaseExpression | None) -> bool:
    """``True``, ``None``, ``0``, ``-1``, ``"x"``, ``[]``, ``{}``, ``set()``: a flag or a reset."""
    if isinstance(value, cst.UnaryOperation):
        value = value.expression
    if isinstance(value, cst.Name):
        return value.value in ("True", "False", "None")
    if isinstance(value, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
        return not value.elements
    if isinstance(value, cst.Call) and not value.args:
        return dotted(value.func) in ("set", "dict", "list", "tuple")
    return isinstance(value, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString))


def _is_main_test(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left = test.left
    right = test.comparisons[0].comparator
    names = {dotted(left) or _string(left), dotted(right) or _string(right)}
    return names == set(_MAIN_TEST)


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        return node.value[1:-1]
    return None


def _mentions(node: cst.CSTNode) -> set[str]:
    """Dotted names mentioned anywhere in an expression (iterative)."""
    out: set[str] = set()
    todo = [node]
    while todo:
        n = todo.pop()
        text = dotted(n) if isinstance(n, (cst.Name, cst.Attribute)) else None
        if text is not None:
            out.add(text)
            continue
        todo.extend(_children(n))
    return out


def _is_single_flight(body: cst.BaseSuite) -> bool:
    """A lock whose body checks a name and (re)assigns that same name: a cache fill or a
    token refresh (``if self._token is None: self._token = fetch()``). Serialising those
    is the point, so they are not lock-across-network-call hazards."""
    stmts = list(_body(body))
    tested: set[str] = set()
    assigned: set[str] = set()
    todo: list[cst.CSTNode] = list(stmts)
    while todo:
        s = todo.pop()
        if isinstance(s, cst.If):
            tested |= _mentions(s.test)
            todo.extend(_body(s.body))
            if s.orelse is not None:
                todo.append(s.orelse)
        elif isinstance(s, cst.Else):
            todo.extend(_body(s.body))
        elif isinstance(s, cst.SimpleStatementLine):
            for small in s.body:
                if isinstance(small, (cst.Assign,)):
                    for t in small.targets:
                        text = _chain_text(t.target)
                        if text:
                            assigned.add(text)
                elif isinstance(small, cst.AnnAssign):
                    text = _chain_text(small.target)
                    if text:
                        assigned.add(text)
        elif isinstance(s, (cst.Try,)):
            todo.extend(_body(s.body))
    return bool(tested & assigned)


_HANDLERS: dict[type, Callable] = {
    cst.FunctionDef: _Extractor.on_function,
    cst.ClassDef: _Extractor.on_class,
    cst.If: _Extractor.on_if,
    cst.Global: _Extractor.on_global,
    cst.Import: _Extractor.on_import,
    cst.ImportFrom: _Extractor.on_import,
    cst.Assign: _Extractor.on_assign,
    cst.AnnAssign: _Extractor.on_annassign,
    cst.AugAssign: _Extractor.on_augassign,
    cst.Del: _Extractor.on_del,
    cst.For: _Extractor.on_for,
    cst.With: _Extractor.on_with,
    cst.Await: _Extractor.on_await,
    cst.Yield: _Extractor.on_yield,
    cst.Name: _Extractor.on_name,
    cst.Attribute: _Extractor.on_attribute,
    cst.Call: _Extractor.on_call,
}


def extract(module: cst.Module, facts: FileFacts, catalog: Catalog, positions: bool = True) -> FileFacts:
    """Fill ``facts`` from a parsed module (spans only with ``positions``)."""
    _Extractor(module, facts, catalog, positions).run()
    facts.parsed = True
    facts.positioned = positions
    return facts
