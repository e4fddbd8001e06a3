"""The call graph: who calls whom, and which functions are started on a thread, an executor,
a task or a process."""

from __future__ import annotations

from functools import cached_property
from typing import Iterable

from linter.analysis.facts import Call, FileFacts
from linter.model.func import Func
from linter.model.resolution import Resolution


class CallGraph(Resolution):
    def __init__(self, files: Iterable[FileFacts]) -> None:
        super().__init__(files)
        self._callers: dict[str, list[tuple[Func, Call]]] | None = None

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
