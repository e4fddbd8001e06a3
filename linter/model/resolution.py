"""Names and types: modules, classes and their MRO, module-level bindings, and which project
function a call, a registration or a qualified name refers to."""

from __future__ import annotations

import posixpath
from functools import cached_property
from typing import Iterable, Iterator

from linter.analysis import catalog as cat
from linter.analysis.facts import Access, Binding, Call, ClassFacts, FileFacts, Ref, Span
from linter.diagnostics import Loc
from linter.model.func import Func

# annotations that name no class (``-> Any``): a function so annotated returns what its code says
_NO_TYPE = frozenset(["typing.Any", "typing_extensions.Any", "object", "builtins.object"])


_ABSTRACT = frozenset(["abc.abstractmethod", "abstractmethod"])
_UNKNOWN = object()  # not asked yet (None is an answer: no project function)
_PROTOCOLS = frozenset(["typing.Protocol", "typing_extensions.Protocol"])


class Resolution:
    """The files of the project, and what their names refer to."""

    def __init__(self, files: Iterable[FileFacts]) -> None:
        self.files = [f for f in files]
        self.by_module: dict[str, FileFacts] = {}
        for f in self.files:
            self.by_module.setdefault(f.module, f)
        for f in self.files:  # after every real name: a real module always wins
            for alias in namespace_names(f.path, f.module, f.is_package):
                self.by_module.setdefault(alias, f)
        self.functions: dict[str, Func] = {}
        for f in self.files:
            for fn in f.functions.values():
                func = Func(f, fn)
                self.functions[func.id] = func
        self._split: dict[str, tuple[FileFacts, str] | None] = {}
        # Name resolution is a pure function of the index; the call graph asks it ~500,000
        # questions on a large tree, most of them many times over.
        self._named: dict[str, Func | None] = {}
        self._classes: dict[str, tuple[FileFacts, ClassFacts] | None] = {}
        self._mro: dict[str, list[tuple[FileFacts, ClassFacts]]] = {}
        self._roots: dict[str, str] = {}
        self._programs: dict[str, tuple[str, str]] = {}
        self._bindings: dict[str, tuple[FileFacts, Binding, str] | None] = {}
        # the function each reference names, per place it is named from (a name resolves alike
        # everywhere, ``self.m`` per class, a local per enclosing function): the call graph,
        # network reachability and the locks ask 320,000 times in a pdd rerun's 4 indexes,
        # 5,400-9,600 distinct per index
        self._functions: dict[tuple[str, str, str, str], Func | None] = {}
        self._functions_by_name: dict[str, Func | None] = {}  # the common kind, keyed by the name alone
        self._siblings: dict[tuple[str, str], Func | None] = {}  # (name, importer's package) -> ``_sibling_function``
        # folders holding an ``__init__.py`` (see ``import_root``): the engine sets every one it
        # discovered, parsed or not, so that a root never depends on what the byte scan parsed
        self.package_folders: frozenset[str] = frozenset(_folder(f.path) for f in self.files if f.is_package)

    def escapes_of(self, file: FileFacts) -> tuple[str, ...]:
        """The functions and classes ``file`` hands on (``FileFacts.escapes``), with those of
        its module tables that only other modules read (``FileFacts.table_escapes``)."""
        if not file.table_escapes:
            return file.escapes
        read = self._tables_read_elsewhere
        return file.escapes + tuple(name for table, name in file.table_escapes if f"{file.module}.{table}" in read)

    @cached_property
    def _tables_read_elsewhere(self) -> set[str]:
        """Module tables (qualified) that a module other than their own may read: it imports the
        table, its module as a whole, or everything of it (``from m import *``). Tests read
        what they like and are no evidence."""
        tables = {f"{f.module}.{t}": f for f in self.files if f.table_escapes for t, _n in f.table_escapes}
        out: set[str] = set()
        for g in self.files:
            if g.is_test:
                continue
            for target in (*g.imports.values(), *g.star_imports):
                if target in tables and tables[target] is not g:
                    out.add(target)
                out.update(q for q, f in tables.items() if f is not g and f.module == target)
        return out

    def same_program(self, a: FileFacts, b: FileFacts) -> bool:
        """Whether ``a`` and ``b`` run as one program: under one import root, and in one
        top-level package or either a plain module at the root (an ``app.py`` beside the
        packages it uses). An example or a script run from its own folder, or another top-level
        package beside the library (camel's ``examples`` package), is another program using it."""
        (root_a, top_a), (root_b, top_b) = self.program(a), self.program(b)
        return root_a == root_b and (not top_a or not top_b or top_a == top_b)

    def program(self, f: FileFacts) -> tuple[str, str]:
        """(import root, top-level package folder under it; "" for a plain module at the root)."""
        found = self._programs.get(f.path)
        if found is None:  # asked for both ends of every call edge: 131,000 times on pdd
            root = self.import_root(f)
            rel = _folder(f.path)[len(root) :].lstrip("/") if root else _folder(f.path)
            found = self._programs[f.path] = (root, rel.split("/", 1)[0])
        return found

    def import_root(self, f: FileFacts) -> str:
        """The folder ``f`` is imported from (its ``sys.path`` entry): files under one root import
        each other as one program; an example or a script run from its own folder is another
        program using the package. The folder above the module's dotted name, climbing on past
        a folder without ``__init__.py`` that sits in a package (a PEP 420 portion: mem0's
        ``mem0/utils/gcp_auth.py`` is ``mem0.utils.gcp_auth``; discovery names it so below the
        folder checked, and ``gcp_auth`` when ``mem0/utils`` is checked alone)."""
        root = self._roots.get(f.path)
        if root is None:
            folder = _folder(f.path)
            for _ in range(f.module.count(".") + (1 if f.is_package else 0)):
                folder = posixpath.dirname(folder)
            packages = self.package_folders
            while folder and (folder in packages or posixpath.dirname(folder) in packages):
                folder = posixpath.dirname(folder)
            root = self._roots[f.path] = folder
        return root

    def loc(self, file: FileFacts, span: Span) -> Loc:
        """A place for evidence (rendered ``path:line``)."""
        return Loc(file.path, span)

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

    def resolve_class_in(self, name: str, file: FileFacts | None) -> tuple[FileFacts, ClassFacts] | None:
        """The project class ``name``, as written in ``file``, refers to: the name itself, else
        the same name under one of ``file``'s enclosing packages, nearest first (a folder that
        is its own import root: with ``service/`` on ``sys.path`` its modules import each other
        as ``store.rows``, though discovery names them ``service.store.rows``)."""
        hit = self.resolve_class(Ref("name", name)) if name else None
        if hit is not None or file is None or "." not in name:
            return hit
        for package in self.enclosing_packages(file):
            hit = self.resolve_class(Ref("name", f"{package}.{name}"))
            if hit is not None:
                return hit
        return None

    @staticmethod
    def enclosing_packages(file: FileFacts) -> list[str]:
        """The packages ``file`` sits in, nearest first (``a.b.mod``: ``a.b``, ``a``)."""
        parts = file.module.split(".")[: None if file.is_package else -1]
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

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

    def fixed_dispatch(self, call: Call) -> str | None:
        """Why the class a construction builds is not known: its ``__new__`` may return an
        instance of another class (crewAI's ``LLM.__new__`` routes a model name to a native
        provider class and only falls back to the litellm ``LLM`` for others), and every
        argument here is a literal, so the route is fixed in the source by a value llmlint does
        not evaluate. A construction with a computed argument may take any route, the class's
        own among them."""
        if not call.literal or call.callee.kind != "name":
            return None
        hit = self.resolve_class(call.callee)
        if hit is None:
            return None
        new = self.method(hit[0], hit[1].name, "__new__")
        if new is None or not new.facts.dispatches:
            return None
        cls = hit[1].name.rsplit(".", 1)[-1]
        return (
            f"{new.facts.qualname} may return an instance of another class, and every argument here is a "
            f"literal: which class this builds is fixed by that value, not evaluated here (with a computed "
            f"argument it may be {cls} itself)"
        )

    @cached_property
    def _class_namings(self) -> list[tuple[FileFacts, str, str]]:
        """Every name outside tests that may name a project class, and how: "import", "chained"
        (a call whose object is only used at once, ``Cls(x).method()``) or "other" (a dotted
        string, a value handed on, any other call, a base, a registering decorator, a factory)."""
        out: list[tuple[FileFacts, str, str]] = []
        for f in self.files:
            if f.is_test:
                continue
            out.extend((f, name, "import") for name in f.imports.values())
            out.extend((f, name, "other") for name in (*f.dotted_strings, *self.escapes_of(f)))
            for fn in f.functions.values():
                for c in fn.calls:
                    if c.callee.kind == "name":
                        out.append((f, c.callee.name, "chained" if c.chained else "other"))
                    out.extend((f, name, "other") for _key, name in c.hands)
            for cname, klass in f.classes.items():
                out.extend((f, b.name, "other") for b in klass.bases if b.kind == "name")
                if any(d not in cat.PLAIN_CLASS_DECORATORS for d in klass.decorators):
                    out.append((f, f"{f.module}.{cname}", "other"))  # a registering decorator hands it to a factory
                out.extend((f, b.factory, "other") for b in klass.attributes.values() if b.factory)
            out.extend((f, b.factory, "other") for b in f.bindings.values() if b.factory)
        return out

    @cached_property
    def referenced_classes(self) -> frozenset[str]:
        """Project classes (``module:Class``) that code of their own program, outside tests,
        names anywhere but their own definition: imported by another module (a re-export or a
        star import of its module counts), constructed, subclassed, handed on as a value or to a
        registering class decorator (``@register("plugin")``), the factory of a binding, or
        spelled as a dotted path in a string (mem0's embedder factory imports
        ``"mem0.embeddings.vertexai.VertexAIEmbedding"``). Tests and other programs (examples,
        scripts) are no evidence either way: checking a package alone must give the same
        findings as checking the whole repository."""
        out: set[str] = set()
        for f, name, _how in self._class_namings:
            hit = self.resolve_class(Ref("name", name))
            if hit is not None and self.same_program(f, hit[0]):
                out.add(f"{hit[0].module}:{hit[1].name}")
        for f in self.files:
            for module in () if f.is_test else f.star_imports:
                target = self.by_module.get(module)
                if target is not None and self.same_program(f, target):
                    out.update(f"{module}:{c}" for c in target.classes if not c.startswith("_"))
        return frozenset(out)

    @cached_property
    def used_once_classes(self) -> frozenset[str]:
        """Project classes (``module:Class``) that their own program only builds to use at once
        (``ImageGen(key).generate(p)``) and names no other way outside imports: no object of
        theirs outlives the call that built it. Named otherwise (built and kept, subclassed,
        handed on, decorated, typed in a field, a dotted string), or built by another program,
        a class keeps the presumption that its objects live side by side."""
        chained: set[str] = set()
        other: set[str] = set()
        for f, name, how in self._class_namings:
            hit = self.resolve_class(Ref("name", name)) if how != "import" else None
            if hit is not None:
                key = f"{hit[0].module}:{hit[1].name}"
                (chained if how == "chained" and self.same_program(f, hit[0]) else other).add(key)
        return frozenset(chained - other)

    def unnamed_class(self, file: FileFacts, class_name: str) -> bool:
        """A class of a package that nothing outside tests names (``referenced_classes``): dead
        in this tree, so its constructor is no evidence that anything runs per instance
        (skyvern's ``LaminarTrace``, which no module imports or names). A standalone module is
        itself the surface a user imports: its public class keeps the presumption that users
        build it (a library's ``LLM`` class checked alone). A module of a PEP 420 portion inside
        a package is not standalone (pr-agent's ``pr_agent/algo/ai_handlers/``: its import root
        lies above its folder, also when the package above it is not the folder checked and
        discovery names the module by its file alone)."""
        return self.in_package(file) and f"{file.module}:{class_name}" not in self.referenced_classes

    def in_package(self, file: FileFacts) -> bool:
        """Whether ``file`` is a module of a package (not a standalone module, itself the surface
        a user imports): see ``unnamed_class``."""
        return "." in file.module or self.import_root(file) != _folder(file.path)

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
        kind = ref.kind
        if kind == "name":
            found = self._functions_by_name.get(ref.name, _UNKNOWN)
            if found is _UNKNOWN:
                found = self._functions_by_name[ref.name] = self._resolve_function(ref, where)
            if found is None and "." in ref.name:
                return self._sibling_function(ref.name, where)
            return found  # type: ignore[return-value]
        if kind == "self":
            key = ("self", ref.name, where.file.path, where.facts.class_name)
        else:
            key = (kind, ref.name, where.file.path, where.facts.qualname)
        if key not in self._functions:
            self._functions[key] = self._resolve_function(ref, where)
        return self._functions[key]

    def _sibling_function(self, name: str, where: Func) -> Func | None:
        """``from gradio_runner import go_gradio`` in ``src/gen.py``, where no module of the
        project is named ``gradio_runner`` with that function but ``src/gradio_runner.py`` is: a
        folder whose modules import each other by their plain names, as a script run from it
        does (or one that puts itself on ``sys.path``). Asked only when the name as written
        resolves to no project function."""
        file = where.file
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        if not package:
            return None  # a top-level module: its siblings are the plain names already tried
        key = (name, package)
        if key not in self._siblings:
            first = name.split(".", 1)[0]
            hit = self.by_module.get(f"{package}.{first}")
            self._siblings[key] = self._resolve_function(Ref("name", f"{package}.{name}"), where) if hit is not None and hit is not file else None
        return self._siblings[key]

    def spellings(self, name: str, where: Func) -> list[str]:
        """The qualified names ``name``, as written in ``where``, may stand for: itself, and the
        same name in the importer's own package (``_sibling_function``)."""
        file = where.file
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        return [name, f"{package}.{name}"] if package and "." in name else [name]

    def _resolve_function(self, ref: Ref, where: Func) -> Func | None:
        if ref.kind == "self":
            if not where.facts.class_name:
                return None
            if "." in ref.name:
                return self._attribute_method(where, ref.name.removesuffix("()"))
            name = ref.name.removesuffix("()")
            return self.method(where.file, where.facts.class_name, name) or self._stored_function(where.file, where.facts.class_name, name)
        if ref.kind == "super":
            # ``super().name(...)``: the first class after the caller's own in its MRO that
            # defines it, among the project's classes (a library base's methods are not seen)
            klass = where.file.classes.get(where.facts.class_name) if where.facts.class_name else None
            if klass is None:
                return None
            for f, k in list(self.mro(where.file, klass))[1:]:
                fn = f.functions.get(f"{k.name}.{ref.name}")
                if fn is not None:
                    return Func(f, fn)
            return None
        if ref.kind == "local" and "." not in ref.name:
            # a nested function of the caller, or of an enclosing function
            q = where.facts.qualname
            while q:
                fn = where.file.functions.get(f"{q}.<locals>.{ref.name}")
                if fn is not None:
                    return Func(where.file, fn)
                q = q.rpartition(".<locals>.")[0]
            # else a name a star import binds (``from modules.utils import *``)
            for module in where.file.star_imports:
                found = self.function_named(f"{module}.{ref.name}")
                if found is not None:
                    return found
            return None
        if ref.kind == "result":
            # one method when the result is of one class; a factory's several are ``resolve_targets``'
            maker, _, method = ref.name.partition(":")
            made = self.returned_classes(maker)
            return self._resolve_function(Ref("name", f"{made[0]}.{method}"), where) if len(made) == 1 else None
        if ref.kind != "name":
            return None
        func = self.function_named(ref.name)
        if func is None:
            # ``Tracker()`` runs ``Tracker.__init__``: a module-level singleton's constructor
            # is then one-time set-up, one built per request is request time
            hit = self.resolve_class(ref)
            if hit is not None:
                return self.method(hit[0], hit[1].name, "__init__")
            owner, _, name = ref.name.rpartition(".")
            hit = self.resolve_class(Ref("name", owner)) if owner else None
            if hit is not None:
                return self.method(hit[0], hit[1].name, name)  # ``Sub.register(...)``: inherited from a base
        return func

    def returned_classes(self, maker: str, hops: int = 3) -> tuple[str, ...]:
        """The project classes whose instances a call of the function ``maker`` may return: its
        one kind (``FunctionFacts.returns_type``), or each of a factory's (``FunctionFacts.returns_types``,
        through the functions whose results it returns, a few hops), qualified and sorted. Only
        classes a ``return`` really builds: a return not known adds none."""
        func = self.function_named(maker)
        if func is None:
            return ()
        out: set[str] = set()
        for made in (func.facts.returns_type,) if func.facts.returns_type else func.facts.returns_types:
            if made.startswith("()"):
                if hops > 0:
                    out.update(self.returned_classes(made[2:], hops - 1))
            elif self.resolve_class(Ref("name", made)) is not None:
                out.add(made)
        return tuple(sorted(out))

    def table_values(self, qualified: str, depth: int = 0) -> tuple[str, ...]:
        """The project functions and classes the module-level mapping ``qualified`` holds
        (``FileFacts.tables``), through re-exports (``from .registry import SPEECH``); () when
        it is no such mapping."""
        hit = self.split_module(qualified)
        if hit is None:
            return ()
        f, rest = hit
        if rest in f.tables:
            return f.tables[rest] + tuple(sorted(self.registered.get(f"{f.module}.{rest}", ())))
        target = f.imports.get(rest)
        return self.table_values(target, depth + 1) if target and depth < 5 else ()

    def table_home(self, qualified: str, depth: int = 0) -> str:
        """The module-level mapping ``qualified`` names, as its own module spells it (through
        re-exports), else ""."""
        hit = self.split_module(qualified)
        if hit is None:
            return ""
        f, rest = hit
        if rest in f.tables:
            return f"{f.module}.{rest}"
        target = f.imports.get(rest)
        return self.table_home(target, depth + 1) if target and depth < 5 else ""

    def decorator_tables(self, decorator: str) -> list[str]:
        """The module-level mappings the decorator ``decorator`` puts what it decorates in: its
        first parameter's (``FunctionFacts.files_into``), or that of a function it returns
        (``@register("cloud")``, a decorator factory), as ``table_home`` spells them."""
        filer = self.function_named(decorator) if decorator else None
        if filer is None:
            return []
        out = []
        for made in (filer, *(self.function_named(h) for h in filer.facts.hands_out)):
            if made is None or made.facts.class_name or not made.facts.params:
                continue
            for param, table in made.facts.files_into:
                home = self.table_home(table) if param == made.facts.params[0] else ""
                if home:
                    out.append(home)
        return out

    @cached_property
    def registered(self) -> dict[str, set[str]]:
        """Module-level mapping (``table_home``) -> the project classes and functions a
        decorator puts in it (``@register_engine("cloud") class CloudSpeech``)."""
        out: dict[str, set[str]] = {}
        for f in self.files:
            decorated = [(k.name, k.decorators) for k in f.classes.values()]
            decorated += [(fn.qualname, fn.decorators) for fn in f.functions.values() if not fn.class_name and fn.decorators]
            for name, decorators in decorated:
                for d in decorators:
                    for table in self.decorator_tables(d):
                        out.setdefault(table, set()).add(f"{f.module}.{name}")
        return out

    def resolve_targets(self, ref: Ref, where: Func) -> list[Func]:
        """The project functions a call may run: the one ``resolve_function`` names; for a
        method called on a factory's result (``voice_for(kind).speak()``, ``Ref("result")``),
        that method of each class the factory may return that has it; for a call through an
        entry of a module-level mapping (``SPEECH[kind](key)``, ``Ref("entry")``), each of its
        values (a class: its constructor; ``SPEECH[kind].load(key)``, ``Ref("entry",
        "<table>:load")``: that method of each value)."""
        if ref.kind == "entry":
            # ``TABLE[k](...)`` calls an entry; ``TABLE[k].from_config(...)`` ("<table>:<method>")
            # that method of each entry that has it
            table, _, method = ref.name.partition(":")
            names = (f"{v}.{method}" if method else v for v in self.table_values(table))
            found = (self.resolve_function(Ref("name", n), where) for n in names)
            return list({f.id: f for f in found if f is not None}.values())
        if ref.kind == "duck":
            return self.duck_targets(ref.name, where)
        callee = self.resolve_function(ref, where)
        if callee is None and self.duck_name(ref):
            return self.duck_targets(self.duck_name(ref), where)
        if callee is not None or ref.kind != "result":
            return [callee] if callee is not None else []
        maker, _, method = ref.name.partition(":")
        made = self.returned_classes(maker)
        if len(made) < 2:
            return []
        found = (self.resolve_function(Ref("name", f"{c}.{method}"), where) for c in made)
        return list({f.id: f for f in found if f is not None}.values())

    def duck_name(self, ref: Ref) -> str:
        """The method name a call resolves by alone, if any (``duck_targets``): a call on an
        untyped parameter, or on what a project function returns when nothing says what that
        is (``model = workspace_model(ws)``, a cache's entry, then ``model.transcribe(audio)``).
        Not one whose maker is known to return a library's object."""
        if ref.kind == "duck":
            return ref.name
        if ref.kind != "result":
            return ""
        maker, _, method = ref.name.partition(":")
        func = self.function_named(maker)
        if func is None or not cat.duck_method(method) or self.returned_classes(maker):
            return ""
        # a class it builds that is not the project's (``return OpenAI()``): a library's object;
        # "()f" is the result of another call, which said nothing either
        made = (func.facts.returns_type,) if func.facts.returns_type else func.facts.returns_types
        # ``-> Any`` / ``-> object`` says nothing of what it returns
        return "" if any(not m.startswith("()") and m not in _NO_TYPE for m in made) else method

    def duck_targets(self, name: str, where: Func) -> list[Func]:
        """The methods a call on a parameter of no known type may run (``Ref("duck")``:
        ``current_model.predict(...)`` on a Gradio state value): every method of that name in the
        caller's program, when they are one family (a class's method and its subclasses'
        overrides: an object answering to the name is one of them). Two unrelated classes
        answering to it, or none, and the call resolves to nothing. Test classes are no
        candidates (a fake is no evidence about the real thing)."""
        candidates = [
            f for f in self.methods_named.get(name, ())
            if not f.file.is_test and self.same_program(where.file, f.file)
        ]
        return candidates if self._one_family(candidates) else []

    def _one_family(self, methods: list[Func]) -> bool:
        """Whether exactly one of ``methods`` defines its name without inheriting it from a
        class of another: they are one class's method and its subclasses' overrides."""
        owners = {(f.file.path, f.facts.class_name) for f in methods}
        tops = 0
        for f in methods:
            klass = f.file.classes.get(f.facts.class_name)
            if klass is None:
                return False
            if not any((bf.path, bk.name) in owners for bf, bk in list(self.mro(f.file, klass))[1:]):
                tops += 1  # defines the name without inheriting it from another candidate
        return tops == 1

    def duck_resolvable(self, name: str) -> bool:
        """Whether a call of ``name`` on an untyped parameter resolves in some program of the
        tree (``duck_targets``): its non-test methods there are one family. More files can only
        add families, so a name with two already never resolves and needs no more files."""
        programs: dict[tuple[str, str], list[Func]] = {}
        for f in self.methods_named.get(name, ()):
            if not f.file.is_test:
                programs.setdefault(self.program(f.file), []).append(f)
        return any(self._one_family(methods) for methods in programs.values())

    @cached_property
    def methods_named(self) -> dict[str, list[Func]]:
        """A method's own name -> the project methods so named (``duck_targets``)."""
        out: dict[str, list[Func]] = {}
        for func in self.functions.values():
            cls = func.facts.class_name
            if cls and func.facts.qualname.startswith(cls + ".") and "." not in func.facts.qualname[len(cls) + 1 :]:
                out.setdefault(func.facts.qualname[len(cls) + 1 :], []).append(func)
        return out

    @cached_property
    def class_makers(self) -> dict[str, list[Func]]:
        """Qualified class -> the project functions whose calls may return an instance of it
        (``returned_classes``): a method of the class is called where they are."""
        out: dict[str, list[Func]] = {}
        for func in self.functions.values():
            if func.facts.returns_type or func.facts.returns_types:
                for made in self.returned_classes(f"{func.file.module}.{func.facts.qualname}"):
                    out.setdefault(made, []).append(func)
        return out

    def _stored_function(self, file: FileFacts, class_name: str, name: str) -> Func | None:
        """``self.completions(...)`` where ``self.completions = patched_completions``."""
        hit = self.attribute(file, class_name, name)
        return self.function_named(hit[2].function) if hit is not None and hit[2].function else None

    def implementations(self, func: Func) -> list[Func]:
        """The overrides of an abstract method (``@abstractmethod``, or a method of a
        ``Protocol``) in project classes: a call through the base runs one of them. Test
        classes are left out (a fake is no evidence about the real thing)."""
        return self.overrides(func) if self.is_abstract(func) else []

    def is_abstract(self, func: Func) -> bool:
        """A method of a class declared to be implemented elsewhere (``@abstractmethod``, or a
        method of a ``Protocol``): what a call of it runs lives in the subclasses."""
        cls = func.facts.class_name
        if not cls or not func.facts.qualname.startswith(cls + "."):
            return False
        klass = func.file.classes.get(cls)
        return klass is not None and (
            any(d in _ABSTRACT for d in func.facts.decorators)
            or any(b.kind == "name" and b.name in _PROTOCOLS for b in klass.bases)
        )

    def overrides(self, func: Func) -> list[Func]:
        """The project subclasses' versions of a method: ``self.m()`` may run any of them."""
        cls = func.facts.class_name
        if not cls or not func.facts.qualname.startswith(cls + "."):
            return []
        name = func.facts.qualname[len(cls) + 1 :]
        out = []
        for f, sub in self._subclasses.get(f"{func.file.module}:{cls}", ()):
            fn = f.functions.get(f"{sub.name}.{name}")
            if fn is not None:
                out.append(Func(f, fn))
        return out

    def self_overrides(self, func: Func, caller: Func) -> list[Func]:
        """The overrides ``self.m()`` in a method of ``caller``'s class may run besides ``func``:
        those of that class's subclasses (``self`` is one of their objects; a sibling class's
        override is not reached from here). ChuanhuChatGPT's ``BaseLLMModel.predict`` calls
        ``self.get_answer_at_once()``, which each model client overrides."""
        if not caller.facts.class_name:
            return []
        subs = {(f.path, k.name) for f, k in self._subclasses.get(f"{caller.file.module}:{caller.facts.class_name}", ())}
        return [o for o in self.overrides(func) if (o.file.path, o.facts.class_name) in subs] if subs else []

    @cached_property
    def _subclasses(self) -> dict[str, list[tuple[FileFacts, ClassFacts]]]:
        out: dict[str, list[tuple[FileFacts, ClassFacts]]] = {}
        for f in self.files:
            if f.is_test:
                continue
            for klass in f.classes.values():
                for base_file, base in list(self.mro(f, klass))[1:]:
                    out.setdefault(f"{base_file.module}:{base.name}", []).append((f, klass))
        return out

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
            self._named[qualified] = None  # a cycle of stored functions resolves to nothing
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
        if binding is not None and binding.factory and "." not in tail:
            # a bound method of a module-level instance (``TRACKER.on_success``), or the instance
            # itself called or handed out as a function, which runs its class's ``__call__``
            # (chat-your-data registers ``chat = ChatWrapper()`` as its Gradio .click handler)
            factory = binding.factory if "." in binding.factory else f"{f.module}.{binding.factory}"
            hit = self.resolve_class(Ref("name", factory))
            if hit is not None:
                return self.method(hit[0], hit[1].name, tail or "__call__")
        if tail and "." not in tail and head in f.classes:
            # ``llm.completions(...)`` on a typed receiver, a function stored on the instance
            return self._stored_function(f, head, tail)
        return None

    def binding(self, qualified: str, depth: int = 0) -> tuple[FileFacts, Binding, str] | None:
        """The module-level binding a qualified storage name starts with (longest prefix)."""
        if depth:
            return self._binding(qualified, depth)
        if qualified not in self._bindings:  # 115,000 asks on pdd (network, locks, callbacks)
            self._bindings[qualified] = self._binding(qualified, 0)
        return self._bindings[qualified]

    def _binding(self, qualified: str, depth: int) -> tuple[FileFacts, Binding, str] | None:
        if depth > 8:
            return None  # a cycle of re-exports (``a`` imports ``x`` from ``b``, ``b`` from ``a``)
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            f = self.by_module.get(".".join(parts[:i]))
            if f is not None:
                b = f.bindings.get(parts[i])
                if b is not None:
                    return f, b, f"{f.module}.{parts[i]}"
                klass = f.classes.get(parts[i])
                if klass is not None and i + 1 < len(parts):
                    # class-level storage (``Completion._history``): one copy, like a module's
                    attr = klass.attributes.get(parts[i + 1])
                    if attr is not None and attr.scope == "class":
                        return f, attr, f"{f.module}.{parts[i]}.{parts[i + 1]}"
                    return None
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

    def filled_with_sibling(self, func: Func, write: Access) -> bool:
        """Whether ``write`` runs only while some shared storage is empty, in a branch that also
        fills that storage: ``if cls._headers is None: cls._cookies = c; cls._headers = h`` (the
        block's own ``_headers`` write makes every later call skip it, gpt4free's Pi login) is a
        lazy one-time fill like ``if X is None: X = load()``. A sibling tested but filled
        elsewhere (``if cls._headers is None: cls._cookies = c`` alone) keeps the write per call."""
        for slot in write.while_unset:
            qual = self.storage_name(slot)
            if qual is not None and any(slot in w.while_unset and self.storage_name(w.target) == qual for w in func.facts.writes):
                return True
        return False


def _folder(path: str) -> str:
    """The folder of a display path, ``/``-separated."""
    return posixpath.dirname(path.replace("\\", "/"))


# folders above a module's top package that may be namespace packages (PEP 420): a few are
# enough for ``src/company/product/pkg`` layouts, and each is one more name per file. Four
# missed OpenHands' ``evaluation/benchmarks/nocode_bench/scripts/utils/evaluation_utils.py``
# (five folders, none a package below ``evaluation``), so its evaluation driver had no callers
_NAMESPACE_DEPTH = 6


def namespace_names(path: str, module: str, is_package: bool) -> list[str]:
    """The longer names the file at display ``path`` is imported by when the folders above its
    top package are namespace packages (PEP 420, no ``__init__.py``): discovery names
    ``ns/pkg/mod.py`` ``pkg.mod`` (or ``ns/mod.py`` ``mod``), and ``from ns.pkg.mod import x``
    names ``ns.pkg.mod``. The demand rounds look files up by these names too: else a
    definition behind a namespace package is found only when the byte scan let its file in."""
    folders = path.replace("\\", "/").split("/")[:-1]
    inside = module.count(".") + (1 if is_package else 0)  # folders the module name covers
    above = folders[: len(folders) - inside] if inside <= len(folders) else []
    out = []
    name = module
    for folder in reversed(above[-_NAMESPACE_DEPTH:]):
        if not folder.isidentifier():
            break
        name = f"{folder}.{name}"
        out.append(name)
    return out
