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

    def is_evidence(self, caller: Func, callee: Func) -> bool:
        """Whether an edge from ``caller`` says anything about where ``callee`` runs. Test code is
        never evidence about the code it tests, either way: a library method whose only in-repo
        callers are tests is not test-only (its callers live in other packages), and a test that
        starts it on a thread does not make it concurrent. Checking a package alone and checking the
        whole repository then give the same findings in the package (crewAI's ``LLM.acall`` was
        start-up code once ``tests/`` was in the tree).

        Nor is another program (``same_program``): an example or a script run from its own
        folder, or another top-level package beside the library, uses the package as a library,
        one caller among the ones we cannot see. storm's ``GoogleModel.__init__`` was start-up
        code because only examples' ``main()`` built it; pdd's ``create_app`` was concurrent
        because an example under ``context/`` starts it on a thread."""
        return self.file_is_evidence(caller.file, callee.file)

    def file_is_evidence(self, caller: FileFacts, callee: FileFacts) -> bool:
        """``is_evidence`` for every function of ``caller`` and of ``callee``: it depends on their
        files alone (the demand rounds ask it of a file not analysed yet, to leave it unparsed)."""
        return (callee.is_test or not caller.is_test) and self.same_program(caller, callee)

    @property
    def callers(self) -> dict[str, list[tuple[Func, Call]]]:
        if self._callers is None:
            callers: dict[str, list[tuple[Func, Call]]] = {}
            for func in self.functions.values():
                for call in func.facts.calls:
                    callee = self.resolve_function(call.callee, func)
                    if callee is None:
                        continue
                    # a call of an abstract method runs one of its implementations
                    for target in (callee, *self.implementations(callee)):
                        if target.id != func.id and self.is_evidence(func, target):
                            callers.setdefault(target.id, []).append((func, call))
                for ref, _how in func.facts.spawns:
                    if str(ref) in func.facts.lambda_spawns:
                        continue  # the lambda's call is the edge, with the arguments it passes
                    callee = self.resolve_function(ref, func)
                    if callee is not None and self.is_evidence(func, callee):
                        # the arguments a spawn passes are not seen: it may pass any (positional -1)
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
                if callee is not None and self.is_evidence(func, callee):
                    out.setdefault(callee.id, (func, how))
        return out


    @cached_property
    def spawn_sites(self) -> dict[str, int]:
        """How many places start each function on a thread / executor / task / process."""
        out: dict[str, int] = {}
        for func in self.functions.values():
            for ref, _how in func.facts.spawns:
                callee = self.resolve_function(ref, func)
                if callee is not None and self.is_evidence(func, callee):
                    out[callee.id] = out.get(callee.id, 0) + 1
        return out
