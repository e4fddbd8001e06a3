"""Objects the program makes once: the storage their attributes are.

An object built once, into a module-level name, and of a class nothing else builds (no other
construction, subclass, factory or handing on anywhere outside tests) is one object for the
whole process, like a module: its attributes are one copy each, whoever sets them. OpenAgents'
Flask route sets ``tool_selector.user_id = user_id`` on the module-level ``ToolSelector`` and
then calls ``tool_selector.select_tools``, whose helper reads ``self.user_id``: a concurrent
request for another user changes it in between. Such an attribute is storage here, named
``<module>.<object>.<attribute>`` (``backend.api.chat_plugin.tool_selector.user_id``), written
as ``obj.attr = v`` from outside or ``self.attr = v`` in the class's own methods, and read as
``obj.attr`` or ``self.attr``. An object a request builds for itself, or a class built twice, is
no storage: each holder has its own."""

from __future__ import annotations

from functools import cached_property

from linter.analysis.facts import Access, Ref
from linter.model.func import Func
from linter.model.locks import Locks

# methods that run while the object is built (at import, for a module-level object): its own
# set-up, not a request's
_BUILDING = frozenset(["__init__", "__new__", "__post_init__", "model_post_init", "__attrs_post_init__"])


class Objects(Locks):
    @cached_property
    def one_objects(self) -> dict[str, str]:
        """Project classes (``module:Class``) of which the program makes one object, and the
        module-level name it is kept in (qualified): the class is built by one call, at the top
        level of a module (not tests), into a module-level name, and named nowhere else outside
        imports (``one_object_classes``, but the module may be another than the class's own:
        OpenAgents builds ``ToolSelector`` in the route module). A class built through ``cls()``
        in a classmethod is built by whoever calls that method: not counted."""
        namings = self.class_naming_counts
        kept: dict[str, list[str]] = {}
        built: dict[str, int] = {}
        for f in self.files:
            if f.is_test:
                continue
            for name, b in f.bindings.items():
                if b.scope == "module" and b.kind == "value" and b.factory:
                    hit = self.resolve_class(Ref("name", b.factory))
                    if hit is not None:
                        kept.setdefault(f"{hit[0].module}:{hit[1].name}", []).append(f"{f.module}.{name}")
            top = f.functions.get("<module>")
            for c in top.calls if top is not None else ():
                if c.callee.kind == "name" and not c.repeated:
                    hit = self.resolve_class(c.callee)
                    if hit is not None:
                        key = f"{hit[0].module}:{hit[1].name}"
                        built[key] = built.get(key, 0) + 1
        out: dict[str, str] = {}
        for key, names in kept.items():
            if len(names) != 1 or built.get(key) != 1 or namings.get(key) != 2 or self._built_by_cls(key):
                continue
            out[key] = names[0]
        return out

    def _built_by_cls(self, key: str) -> bool:
        module, _, cls = key.partition(":")
        f = self.by_module.get(module)
        klass = f.classes.get(cls) if f is not None else None
        if f is None or klass is None:
            return True
        return any(
            c.by_cls for m in klass.methods for fn in (f.functions.get(f"{cls}.{m}"),) if fn is not None for c in fn.calls
        )

    @cached_property
    def _one_object_names(self) -> frozenset[str]:
        return frozenset(self.one_objects.values())

    def object_storage(self, func: Func, access: Access) -> str | None:
        """The attribute of the process's one object ``access`` writes or reads, as storage
        (``<module>.<object>.<attribute>``), or None: ``self.x`` in a method of a class with one
        object, or ``obj.x`` (also ``obj.x.y``: of ``x``) on the module-level name keeping it."""
        if not self._one_object_names:
            return None
        target = access.target
        if target.startswith("self."):
            cls = func.facts.class_name
            if not cls or "<locals>" in cls:
                return None
            kept = self.one_objects.get(f"{func.file.module}:{cls}")
            return f"{kept}.{target[5:].partition('.')[0]}" if kept else None
        qual = self.storage_name(target)
        if qual not in self._one_object_names:
            return None
        parts = target.split(".")
        for i in range(1, len(parts)):
            if self.storage_name(".".join(parts[:i])) == qual:
                return f"{qual}.{parts[i]}"
        return None

    def object_writes(self, func: Func) -> list[tuple[str, Access]]:
        """``func``'s writes of the one object's attributes (``object_storage``), with the storage
        each writes; none while the object is built (``__init__``)."""
        if not func.facts.attr_writes or func.facts.qualname.rpartition(".")[2] in _BUILDING:
            return []
        out = []
        for a in func.facts.attr_writes:
            qual = self.object_storage(func, a)
            if qual is None:
                continue
            if a.target.startswith("self.") and not qual.startswith(f"{func.file.module}."):
                # a method's own write counts only for an object built in its class's module: the
                # byte scan finds that module (``ModuleStateWrite``), not every module that builds
                # a project class at its top level (309 more of pdd's 1,744 files)
                continue
            out.append((qual, a))
        return out

    def state_reads(self, func: Func) -> list[tuple[str, Access]]:
        """``func``'s reads of shared storage, each with the storage it reads: module- and
        class-level (``storage_name``) and the attributes of the process's one objects
        (``object_storage``; ``settings.key`` reads both ``settings`` and its ``key``)."""
        got = self._state_reads.get(func.id)
        if got is None:
            got = []
            for a in func.facts.reads:
                qual = self.storage_name(a.target)
                if qual is not None:
                    got.append((qual, a))
                    if qual in self._one_object_names:
                        attr = self.object_storage(func, a)
                        if attr is not None:
                            got.append((attr, a))
            if self._one_object_names:
                for a in func.facts.attr_reads:
                    attr = self.object_storage(func, a)
                    if attr is not None:
                        got.append((attr, a))
            self._state_reads[func.id] = got
        return got

    @cached_property
    def _state_reads(self) -> dict[str, list[tuple[str, Access]]]:
        return {}

    def object_of(self, qual: str) -> tuple[str, str] | None:
        """(the object's module-level name, the class) when ``qual`` is an attribute of one of
        the process's one objects (``object_storage``), else None."""
        owner = qual.rpartition(".")[0]
        if owner not in self._one_object_names:
            return None
        cls = next(k for k, v in self.one_objects.items() if v == owner)
        return owner, cls.partition(":")[2]
