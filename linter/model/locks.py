"""Locks: which lock a region holds — a ``with`` block, or ``acquire()`` with ``try``/``finally:
release()`` (also acquired through an executor) — module-level, class-level, instance or local,
made by ``threading``, ``asyncio`` or ``multiprocessing`` (directly or as a field's
``default_factory``), taken directly or through a ``@contextmanager`` helper, or a name that says
"lock"; and the network calls made while it is held. LLM002, LLM003 and LLM006 ask the same
questions here, so a region gets one answer. Inter-process locks (``filelock.FileLock``,
portalocker, fasteners, ...) are not thread locks: they guard a file, so they are no lock here; nor is a lock a function makes per call and never hands on
(``LockRegion.private``): nobody else can hold it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from linter.analysis import catalog as cat
from linter.analysis.facts import Access, Call, FileFacts, LockRegion, Ref
from linter.diagnostics import Text, text
from linter.model.func import Chain, Func
from linter.model.network import Network

# names that say "lock" when the factory is not visible (``self._lock`` passed in): not "block"
# a lock known only by its name (its factory not visible: a parameter, another object's
# attribute). Not ``semaphore`` / ``sem``: one handed in is a limiter far more often than a mutex
# (cognee's BEAM judge takes the ``asyncio.Semaphore(n)`` its caller gathers under), and a
# limiter admitting several serialises nobody
_LOCKISH = re.compile(r"(?:^|_)(?:r?lock|mutex)$")
# the shared side of a reader-writer lock known by its name (aiorwlock's ``rw.reader_lock``, a
# wrapper's ``self._lock.reader_lock``): every reader holds it at once, so it serialises no
# reader; only a writer waits. parlant's vector collections take it around each search's query
# embedding: 3 false LLM003. Only as an attribute of another object (the lock's side): a plain
# ``self._read_lock`` is as often a mutex that serialises reads of a stream.
_READER_SIDE = re.compile(r"\.(?:reader|read)_?lock$")


@dataclass(frozen=True, slots=True)
class Lock:
    label: str  # how the code names it: "LLM._lock"
    kind: str  # "thread", "async", "process", "unknown"
    description: Text  # "class-level threading.RLock defined at a.py:12"
    shared: bool  # module/class level: one lock for every instance
    helper: str = ""  # function id of the @contextmanager that takes the lock, if any
    # the lock-narrowing fix may split its region: a thread or asyncio lock whose factory is
    # known, held by a ``with`` block (not acquire/release, not a lock guessed from its name)
    narrowable: bool = False
    key: str = ""  # which lock, when shared: "module:Class.attr" or the module-level name


class Locks(Network):
    def resolve_lock(self, func: Func, region: LockRegion, depth: int = 2) -> Lock | None:
        """The lock ``region`` of ``func`` holds: directly, or taken by a ``@contextmanager``
        helper whose ``yield`` sits inside a lock (to ``depth`` helpers); None when it is not a lock."""
        ref = region.lock
        if region.via_call:
            helper = self.resolve_function(ref, func)
            if helper is None or depth <= 0:
                return None
            if not any(d in cat.CONTEXTMANAGER_DECORATORS for d in helper.facts.decorators):
                return None
            for inner in helper.facts.regions:
                if not inner.yields or inner.via_call and depth <= 1:
                    continue
                held = self.resolve_lock(helper, inner, depth - 1)
                if held is not None:
                    return Lock(
                        f"{ref}()",
                        held.kind,
                        text(
                            f"{helper.facts.qualname}() is a context manager that yields while holding {held.label} (",
                            held.description,
                            ")",
                        ),
                        held.shared,
                        helper.id,
                        held.narrowable and region.taken == "with",
                        held.key,
                    )
            return None
        lock = self._lock_of(func, region)
        if lock is not None and lock.kind in ("thread", "async") and region.taken == "with":
            return replace(lock, narrowable=True)
        return lock

    def held_lock(self, func: Func, regions: tuple[int, ...]) -> Lock | None:
        """The first of ``func``'s regions ``regions`` that holds a lock (a ``with`` over anything
        else — ``warnings.catch_warnings()``, a file, a client — is no lock)."""
        for i in regions:
            lock = self.resolve_lock(func, func.facts.regions[i])
            if lock is not None:
                return lock
        return None

    def _lock_of(self, func: Func, region: LockRegion) -> Lock | None:
        """The lock a region names directly (not through a helper)."""
        ref = region.lock
        b = region.local
        if b is not None and b.kind == "lock":  # a local made here: its factory decides, not its name
            if region.private:
                return None  # made per call and never handed on: no other holder to wait for it
            if b.scope == "parameter":  # ``gate: asyncio.Lock``: whoever passes it shares it
                return Lock(ref.name, b.lock_kind, text(f"parameter `{ref.name}`: {b.factory}, annotated at ", self.loc(func.file, b.span)), False)
            return Lock(ref.name, b.lock_kind, text(f"local {b.factory} made at ", self.loc(func.file, b.span)), False)
        if b is not None and (b.kind != "value" or self.locks_a_file(b.factory)):
            return None  # an inter-process lock, or a semaphore that admits several
        if b is None and region.made_by:
            handed = self._handed_out(func, region.made_by)
            if handed is not None:
                f, klass, attr, b = handed
                if b.kind != "lock":
                    return None  # a semaphore that admits several, a client, ...: not a lock
                return Lock(
                    ref.name,
                    b.lock_kind,
                    text(f"returned by {region.made_by}(): {'class-level' if b.scope == 'class' else 'instance'} {b.factory} defined at ", self.loc(f, b.span)),
                    b.scope == "class",
                    key=f"{f.module}:{klass.name}.{attr}" if b.scope == "class" else "",
                )
        if ref.kind == "self" and func.facts.class_name and "." not in ref.name:
            hit = self.attribute(func.file, func.facts.class_name, ref.name)
            if hit is not None:
                f, klass, b = hit
                if b.kind == "value" and self.locks_a_file(b.factory):
                    return None
                if b.kind == "lock":
                    scope = "class-level" if b.scope == "class" else "instance"
                    return Lock(
                        f"self.{ref.name}",
                        b.lock_kind,
                        text(
                            f"{scope} {b.factory} defined at ",
                            self.loc(f, b.span),
                            ": one lock shared by every instance" if b.scope == "class" else "",
                        ),
                        b.scope == "class",
                        key=f"{f.module}:{klass.name}.{ref.name}" if b.scope == "class" else "",
                    )
                if b.kind != "value":
                    return None  # a client, a dict, ...: not a lock
        if ref.kind == "name":
            hit = self.binding(ref.name)
            if hit is not None and hit[1].scope != "class":  # class-level: below
                f, b, qual = hit
                if b.kind == "lock":
                    return Lock(
                        ref.name.rsplit(".", 1)[-1],
                        b.lock_kind,
                        text(f"module-level {b.factory} defined at ", self.loc(f, b.span), ": one lock for the whole process"),
                        True,
                        key=qual,
                    )
                return None
            split = self.split_module(ref.name)
            if split is not None and "." in split[1]:
                cls, _, attr = split[1].rpartition(".")
                hit2 = self.attribute(split[0], cls, attr)
                if hit2 is not None and hit2[2].kind == "lock" and hit2[2].scope == "class":
                    f, _k, b = hit2
                    return Lock(
                        f"{cls}.{attr}",
                        b.lock_kind,
                        text(f"class-level {b.factory} defined at ", self.loc(f, b.span), ": one lock shared by every instance"),
                        True,
                        key=f"{f.module}:{_k.name}.{attr}",
                    )
        last = ref.name.rsplit(".", 1)[-1].lower()
        if ref.kind in ("self", "local") and _READER_SIDE.search(ref.name.lower()):
            return None
        if ref.kind in ("self", "name", "local") and _LOCKISH.search(last):
            return Lock(str(ref) if ref.kind != "name" else ref.name.rsplit(".", 1)[-1], "unknown", text("a lock (by its name; its factory is not visible here)"), False)
        return None

    def _handed_out(self, func: Func, made_by: str):  # type: ignore[no-untyped-def]
        """(file, class, attribute, binding) of the one attribute of its class that the method
        ``made_by`` (``self.<name>``) hands out, if it hands out exactly one (PraisonAI's
        ``_get_semaphore`` returns its ``asyncio.Semaphore(max_concurrent)``, a limiter)."""
        helper = self.resolve_function(Ref("self", made_by.removeprefix("self.")), func)
        if helper is None or len(helper.facts.hands_out) != 1 or not helper.facts.class_name:
            return None
        owner, _, attr = helper.facts.hands_out[0].rpartition(".")
        if owner != f"{helper.file.module}.{helper.facts.class_name}":
            return None
        hit = self.attribute(helper.file, helper.facts.class_name, attr)
        return None if hit is None else (hit[0], hit[1], attr, hit[2])

    def locks_a_file(self, factory: str) -> bool:
        """``factory`` is a project class that locks a file: its methods call ``fcntl.flock`` (or
        the like) or make an inter-process lock (skyvern's ``OwnerFileLock``)."""
        hit = self.resolve_class(Ref("name", factory)) if factory else None
        if hit is None:
            return False
        f, klass = hit
        if any(b.kind == "file-lock" for b in klass.attributes.values()):
            return True
        for name in klass.methods:
            fn = f.functions.get(f"{klass.name}.{name}")
            if fn is not None and any(
                c.callee.name in cat.FILE_LOCK_CALLS or c.callee.name in cat.INTERPROCESS_LOCK_FACTORIES for c in fn.calls
            ):
                return True
        return False

    @cached_property
    def lock_holders(self) -> dict[str, list[Func]]:
        """The functions that take each shared lock (``Lock.key``), test code left out."""
        out: dict[str, list[Func]] = {}
        for func in self.functions.values():
            if func.file.is_test:
                continue
            for region in func.facts.regions:
                lock = self.resolve_lock(func, region)
                if lock is not None and lock.key and func not in out.get(lock.key, ()):
                    out.setdefault(lock.key, []).append(func)
        return out

    def unshared_instance_lock(self, func: Func, region: LockRegion, lock: Lock) -> bool:
        """An instance's own lock (``self._lock``, made by the class) whose body serves no keyed
        state, in a coroutine whose only sign of concurrent callers is that it is an ``async
        def``: nothing shows two tasks using the same instance. OpenManus' per-tool browser lock
        and AGiXT's reconcile lock are each driven by one loop. A pool's lock around a lookup by
        key (``self._sessions[sid]``) serves many callers, and stays reported."""
        if lock.shared or lock.kind == "unknown" or region.serves_keys or region.lock.kind != "self":
            return False  # (a lock known only by its name may be anyone's)
        if not func.facts.is_async:
            return False
        if self.concurrency_evidence(func, presume=False) is not None and not self.one_task_per_object(func):
            return False
        # another method taking it shares it with its callers: a sync one (``publish`` beside an
        # async ``close``) maybe from other threads, a coroutine if something runs it concurrently
        # (OpenManus' ``cleanup`` takes the browser lock too, run by the same one owner)
        return not any(
            h.facts is not func.facts and (not h.facts.is_async or self.concurrency_evidence(h, presume=False) is not None)
            for h in self.lock_holders_of(func, region, lock)
        )

    def lock_holders_of(self, func: Func, region: LockRegion, lock: Lock) -> list[Func]:
        """Every function that takes the lock ``region`` of ``func`` holds: a shared lock's
        holders, or the methods of ``func``'s class taking the same ``self.<name>`` lock (test
        code left out); else ``func`` alone."""
        if lock.key:
            return self.lock_holders.get(lock.key, [func])
        if region.lock.kind != "self" or not func.facts.class_name:
            return [func]
        cls = func.facts.class_name
        return [
            Func(func.file, fn) for fn in func.file.functions.values()
            if fn.class_name == cls and any(r.lock == region.lock for r in fn.regions)
        ]

    def request_driven(self, func: Func) -> bool:
        """Whether ``func`` may run for the program's work, as many times at once as that work
        comes: a web / UI handler, a callback, a worker, code reached where the call graph cannot
        see, an ``async def`` no project code calls, a target started per item or from several
        places (a pool's ``map``, ``gather``, a spawn in a loop), or called from one of those.
        Not: start-up code, and the program's own fixed background work, one thread or asyncio
        task started at one place by code that is not request-driven (xinference's router agent
        starts one heartbeat loop and one watch loop, which both reconcile its processes). Test
        callers are no evidence either way; a sync function nothing calls shows nothing."""
        return self._request_driven(func, set(), set())

    def request_route(self, func: Func) -> set[str]:
        """The functions ``request_driven`` looked at for ``func`` (it and the callers and
        spawners above it): files the byte scan skipped may hold more callers of any of them."""
        walked: set[str] = set()
        self._request_driven(func, set(), walked)
        return walked

    def _request_driven(self, func: Func, visiting: set[str], walked: set[str]) -> bool:
        fid = func.id
        walked.add(fid)
        if fid in visiting or self.one_time(func):
            return False
        visiting.add(fid)
        try:
            if fid in self.spawned:
                spawner, how = self.spawned[fid]
                single = how in ("asyncio task", "thread target") and self.spawn_sites.get(fid) == 1 and not spawner.facts.has_loop
                if not single or self._request_driven(spawner, visiting, walked):
                    return True
            elif self.entry_point(func, presume=False) is not None or self._reached_unseen(func) is not None:
                return True
            callers = [(c, call) for c, call in self.callers.get(fid, []) if not c.file.is_test]
            if any(self.handed_on(c, call, func) for c, call in callers):
                return True  # a lambda or a coroutine handed on runs it, wherever it is handed
            if not callers:
                return func.facts.is_async and fid not in self.spawned  # presumed: callers not seen
            return any(self._request_driven(c, visiting, walked) for c, _call in callers)
        finally:
            visiting.discard(fid)

    def one_task_per_object(self, func: Func) -> bool:
        """A coroutine that only methods of its own class refusing a second run start or call
        (``if self.running: return``, then ``self.running = True`` and
        ``create_task(self._poll())``, not in a loop): each object runs it in one task at a
        time, whoever calls those methods (AGiXT's task monitor: one polling loop per monitor)."""
        callers = self.callers.get(func.id, [])
        cls = func.facts.class_name
        return bool(cls) and bool(callers) and not func.facts.decorators and all(
            caller.file.module == func.file.module and caller.facts.class_name == cls
            and caller.facts.reentry_guarded and not call.repeated
            for caller, call in callers
        )

    def double_checked(self, func: Func, region: LockRegion) -> bool:
        """A lock whose body re-checks a lookup first (``LockRegion.recheck``) in a function that
        every caller calls only where it tested the same lookup (``Call.checked``): hits never take
        the lock, and the fill is single-flight (cognee's crawler looks the robots entry up, then
        calls ``_fetch_and_cache_robots`` on a miss, which re-checks under its lock)."""
        if not region.recheck:
            return False
        callers = self.callers.get(func.id, [])
        return bool(callers) and all(region.recheck in call.checked for _c, call in callers)

    def region_network(self, func: Func, i: int, region: LockRegion) -> list[tuple[Call, Chain]]:
        """The network calls made while lock region ``i`` of ``func`` is held (none for single-flight,
        nor for a lock whose callers leave when it is held: none of them waits)."""
        network = []
        if not region.single_flight and not region.refuses_when_held and not self.double_checked(func, region):
            for call in func.facts.calls:
                if i in call.regions:
                    chain = self.network_call(func, call)
                    if chain is not None:
                        network.append((call, chain))
        return network


    @cached_property
    def class_naming_counts(self) -> dict[str, int]:
        """How many names outside imports and tests name each project class (``module:Class``):
        its constructions, bindings' factories, bases, hand-ons (``_class_namings``)."""
        namings: dict[str, int] = {}
        for _f, name, how in self._class_namings:
            hit = self.resolve_class(Ref("name", name)) if how != "import" else None
            if hit is not None:
                key = f"{hit[0].module}:{hit[1].name}"
                namings[key] = namings.get(key, 0) + 1
        return namings

    @cached_property
    def one_object_classes(self) -> frozenset[str]:
        """Project classes (``module:Class``) of which the program makes one object: built once,
        into a module-level name (``chat = ChatWrapper()``), and named nowhere else outside
        imports and tests. That object's own lock (``self.lock``) is then one lock for the process."""
        out: set[str] = set()
        for key, count in self.class_naming_counts.items():
            module, _, cls = key.partition(":")
            f = self.by_module.get(module)
            top = f.functions.get("<module>") if f is not None else None
            if f is None or top is None:
                continue
            made = [b for b in f.bindings.values() if b.scope == "module" and b.factory == f"{module}.{cls}"]
            built = [c for c in top.calls if c.callee == Ref("name", f"{module}.{cls}")]
            # the binding names its factory once, and its call is the module code's one call of it
            if len(made) == 1 and len(built) == 1 and count == 2:
                out.add(key)
            elif count == 1 and self._kept_in_a_global(f, cls):
                out.add(key)
        return frozenset(out)

    def _kept_in_a_global(self, f: FileFacts, cls: str) -> bool:
        """Whether the one call naming class ``cls`` of ``f`` is in a function of ``f`` that
        stores the object in a module global of ``f`` (``global _server; _server =
        GradingServer(...)``) and runs with no concurrency evidence: requests then reach the
        object through the global, one object at a time (RD-Agent's grading server, whose
        ``init_server`` runs from its ``__main__`` and a start-up context manager)."""
        qualified = Ref("name", f"{f.module}.{cls}")
        for fn in f.functions.values():
            if fn.qualname in ("<module>", "<main>"):
                continue
            for i, call in enumerate(fn.calls):
                if call.callee != qualified:
                    continue
                made = f"c:{i}:{cls}"
                stored = any(
                    w.how == "rebind" and w.target.startswith(f.module + ".") and made in w.depends
                    and (b := f.bindings.get(w.target[len(f.module) + 1 :])) is not None and b.scope == "module"
                    for w in fn.writes
                )
                return stored and self.concurrency_evidence(Func(f, fn)) is None
        return False

    def serialising_lock(self, func: Func, write: Access) -> Lock | None:
        """The lock that serialises a client-config write with its use, if one does: ``write`` is
        made while ``func`` holds a thread or asyncio lock that is one for the whole process (module-
        or class-level, or the own lock of a class's one object), a call made after the write is
        still inside the hold (the use: a network call, or a call of an object the model cannot
        see into, such as a chain handed in), and every other write of the same setting in the
        program is made under the same lock. Concurrent requests then take turns setting and
        using it; what the lock costs them is LLM003's to report."""
        for i in write.regions:
            region = func.facts.regions[i]
            lock = self.resolve_lock(func, region)
            if lock is None or lock.kind not in ("thread", "async") or region.keyed:
                continue
            key = lock.key
            if not key and f"{func.file.module}:{func.facts.class_name}" in self.one_object_classes:
                key = _own_lock_key(func, region)
            if not key:
                continue
            used = any(
                i in c.regions and c.order > write.order
                and (self.network_call(func, c) is not None or c.callee.kind == "local" and self.resolve_function(c.callee, func) is None)
                for c in func.facts.calls
            )
            # module code runs once, at import, before any request: its writes race with none
            if used and all(
                self._writes_under(other, write, key)
                for other in self.functions.values()
                if not other.file.is_test and other.facts.qualname != "<module>"
            ):
                return lock
        return None

    def _writes_under(self, func: Func, write: Access, key: str) -> bool:
        """Every write of the setting ``write`` sets in ``func`` is made under the lock ``key``
        (see ``serialising_lock``). An environment variable is a setting of its own: a write of
        another variable named by a literal is not one (RD-Agent's evaluator exporting
        ``ALFWORLD_DATA`` beside its server's ``CUDA_VISIBLE_DEVICES``); one named at run time may be."""
        for w in func.facts.config_writes:
            if w.target != write.target:
                continue
            if w.target == cat.ENVIRON and w.key and write.key and w.key != write.key:
                continue
            held = False
            for i in w.regions:
                region = func.facts.regions[i]
                lock = self.resolve_lock(func, region)
                if lock is None:
                    continue
                if lock.key == key or _own_lock_key(func, region) == key:
                    held = True
                    break
            if not held:
                return False
        return True


def _own_lock_key(func: Func, region: LockRegion) -> str:
    """The key of the lock an object of ``func``'s class holds in ``self.<name>`` (one lock for
    the process when the class has one object: ``one_object_classes``), "" for any other lock."""
    if region.lock.kind != "self" or not func.facts.class_name:
        return ""
    return f"{func.file.module}:{func.facts.class_name}.{region.lock.name}"
