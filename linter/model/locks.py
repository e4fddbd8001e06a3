"""Locks: which lock a ``with`` region holds (module-level, class-level or instance, made by
``threading``, ``asyncio`` or ``multiprocessing``, taken directly or through a
``@contextmanager`` helper, or a name that says "lock"), and the network calls made while it
is held. LLM003 and LLM006 ask the same questions here, so a region gets one answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from linter.analysis import catalog as cat
from linter.analysis.facts import Call, LockRegion
from linter.diagnostics import Text, text
from linter.model.func import Chain, Func
from linter.model.network import Network

# names that say "lock" when the factory is not visible (``self._lock`` passed in): not "block"
_LOCKISH = re.compile(r"(?:^|_)(?:r?lock|mutex|sem|semaphore)$")


@dataclass(frozen=True, slots=True)
class Lock:
    label: str  # how the code names it: "LLM._lock"
    kind: str  # "thread", "async", "process", "unknown"
    description: Text  # "class-level threading.RLock defined at a.py:12"
    shared: bool  # module/class level: one lock for every instance
    helper: str = ""  # function id of the @contextmanager that takes the lock, if any


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
                    )
            return None
        if ref.kind == "self" and func.facts.class_name and "." not in ref.name:
            hit = self.attribute(func.file, func.facts.class_name, ref.name)
            if hit is not None:
                f, klass, b = hit
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
                    )
                if b.kind != "value":
                    return None  # a client, a dict, ...: not a lock
        if ref.kind == "name":
            hit = self.binding(ref.name)
            if hit is not None and hit[1].scope != "class":  # class-level: below
                f, b, _ = hit
                if b.kind == "lock":
                    return Lock(
                        ref.name.rsplit(".", 1)[-1],
                        b.lock_kind,
                        text(f"module-level {b.factory} defined at ", self.loc(f, b.span), ": one lock for the whole process"),
                        True,
                    )
                return None
            split = self.split_module(ref.name)
            if split is not None and "." in split[1]:
                cls, _, attr = split[1].rpartition(".")
                hit2 = self.attribute(split[0], cls, attr)
                if hit2 is not None and hit2[2].kind == "lock":
                    f, _k, b = hit2
                    return Lock(
                        f"{cls}.{attr}",
                        b.lock_kind,
                        text(f"class-level {b.factory} defined at ", self.loc(f, b.span), ": one lock shared by every instance"),
                        True,
                    )
        last = ref.name.rsplit(".", 1)[-1].lower()
        if ref.kind in ("self", "name", "local") and _LOCKISH.search(last):
            return Lock(str(ref) if ref.kind != "name" else ref.name.rsplit(".", 1)[-1], "unknown", text("a lock (by its name; its factory is not visible here)"), False)
        return None

    def region_network(self, func: Func, i: int, region: LockRegion) -> list[tuple[Call, Chain]]:
        """The network calls made while lock region ``i`` of ``func`` is held (none for single-flight)."""
        network = []
        if not region.single_flight:
            for call in func.facts.calls:
                if i in call.regions:
                    chain = self.network_call(func, call)
                    if chain is not None:
                        network.append((call, chain))
        return network

