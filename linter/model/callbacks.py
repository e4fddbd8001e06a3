"""litellm callbacks: which project functions litellm calls back (registered, or event methods
of a ``CustomLogger``), and the module-level storage they write."""

from __future__ import annotations

from functools import cached_property
from typing import Iterator

from linter.analysis import catalog as cat
from linter.analysis.facts import Ref
from linter.diagnostics import Text, text
from linter.model.callgraph import CallGraph
from linter.model.func import Func


class Callbacks(CallGraph):
    @cached_property
    def callbacks(self) -> dict[str, Text]:
        """Functions that litellm calls back: id -> how they became callbacks."""
        out: dict[str, Text] = {}
        for func in self.functions.values():
            for reg in func.facts.registrations:
                if reg.op in ("remove", "pop", "clear", "delete") or reg.op.startswith("manager:remove"):
                    continue
                if reg.registry in cat.SDK_REGISTRIES or reg.registry in cat.SDK_REGISTERING_CALLS:
                    continue  # another SDK's registry (LlamaIndex's manager, trace processors, DSPy callbacks): its handlers are not litellm's
                for ref in reg.targets:
                    for target, how in self._callback_targets(ref, func):
                        if not self.is_evidence(func, target):
                            continue  # a test or another program registering library code is no evidence about it
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


def _registry_label(registry: str) -> str:
    if registry.startswith("kwarg:"):
        return f"the per-call {registry[6:]}= argument"
    return registry
