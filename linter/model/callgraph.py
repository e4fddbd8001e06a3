"""The call graph: who calls whom, and which functions are started on a thread, an executor,
a task or a process."""

from __future__ import annotations

from functools import cached_property
from typing import Iterable

from linter.analysis.facts import Call, FileFacts, Ref
from linter.model.func import Func, parameter_for
from linter.model.resolution import Resolution


class CallGraph(Resolution):
    def __init__(self, files: Iterable[FileFacts]) -> None:
        super().__init__(files)
        self._callers: dict[str, list[tuple[Func, Call]]] | None = None
        # modules the demand rounds may analyse to see whether a call hands a function to a
        # launcher (``_launched_through``): the callee's name, and as its folder's sibling
        self.launch_wants: set[str] = set()

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
        return self.file_may_call(caller, callee) and self.same_program(caller, callee)

    def file_may_call(self, caller: FileFacts, callee: FileFacts) -> bool:
        """Whether calls in ``caller`` count at all for functions of ``callee``: test code never
        does for non-test code; another program does, for what it passes (``value_callers``)."""
        return callee.is_test or not caller.is_test

    @property
    def callers(self) -> dict[str, list[tuple[Func, Call]]]:
        """Callee id -> the calls that are evidence about where it runs (``is_evidence``)."""
        if self._callers is None:
            evidence = ((fid, [(f, c) for f, c, same in edges if same]) for fid, edges in self._edges.items())
            self._callers = {fid: edges for fid, edges in evidence if edges}
        return self._callers

    @cached_property
    def value_callers(self) -> dict[str, list[tuple[Func, Call]]]:
        """Callee id -> every non-test call of it, other programs' included: what a parameter
        holds is what the calls pass, wherever they are. An evaluation script or a CLI beside
        the library is no evidence that the library runs concurrently, but it is a caller all
        the same (OpenHands' ``get_condenser_config_arg`` is called only from its evaluation
        scripts, with a section name read from the environment)."""
        return {fid: [(f, c) for f, c, _same in edges if not f.file.is_test] for fid, edges in self._edges.items()}

    @cached_property
    def _edges(self) -> dict[str, list[tuple[Func, Call, bool]]]:
        """Callee id -> (caller, call, whether the edge is evidence) for every call and spawn
        resolved to a project function; a test caller of non-test code is left out."""
        edges: dict[str, list[tuple[Func, Call, bool]]] = {}
        for func in self.functions.values():
            for call in func.facts.calls:
                for callee in self.resolve_targets(call.callee, func):
                    # a call of an abstract method runs one of its implementations; ``self.m()``
                    # runs the override of the object's own class (a template method's step)
                    more = self.implementations(callee) or (self.self_overrides(callee, func) if call.callee.kind == "self" and "." not in call.callee.name else [])
                    if call.by_cls and callee.facts.qualname.endswith(".__init__"):
                        # ``cls(...)`` in a classmethod builds whichever subclass it is called on
                        more = [*more, *self.overrides(callee)]
                    for target in (callee, *more):
                        if call.discarded and _unstarted(target):
                            continue  # a generator or coroutine thrown away unstarted: its body never runs
                        if target.id != func.id and self.file_may_call(func.file, target.file):
                            edges.setdefault(target.id, []).append((func, call, self.is_evidence(func, target)))
            for i, (ref, _how) in enumerate(func.facts.spawns):
                if str(ref) in func.facts.lambda_spawns:
                    continue  # the lambda's call is the edge, with the arguments it passes
                # a spawn whose arguments are seen is a call of its target with them
                # (``FunctionFacts.spawn_calls``); else it may pass any (positional -1), and its
                # span is the spawner's own, which value provenance does not take for a call
                seen = func.facts.spawn_calls.get(i)
                for callee in self.spawn_targets(ref, func):
                    if self.file_may_call(func.file, callee.file):
                        call = seen if seen is not None and ref.kind != "returned" else Call(ref, func.facts.span)
                        edges.setdefault(callee.id, []).append((func, call, self.is_evidence(func, callee)))
        return edges

    @cached_property
    def unseen_spawns(self) -> frozenset[str]:
        """Functions started somewhere with arguments the call graph does not see (a pool's
        ``map``, a ``partial``, a framework's handler, a start-up hook): what their parameters
        hold is not decided by the visible calls. One started only by spawns that forward
        what they pass (``Thread(target=f, kwargs=k)``) is not here."""
        out: set[str] = set()
        for func in self.functions.values():
            for i, (ref, _how) in enumerate(func.facts.spawns):
                if i in func.facts.spawn_calls or str(ref) in func.facts.lambda_spawns:
                    continue
                out.update(callee.id for callee in self.spawn_targets(ref, func))
        return frozenset(out)

    def spawn_targets(self, ref: Ref, where: Func) -> list[Func]:
        """The project functions a spawn starts: the one named, or those the named function
        returns (``Ref("returned", ...)``: ``FastAPI(lifespan=init())``)."""
        if ref.kind != "returned":
            return self.resolve_targets(ref, where)
        maker = self.resolve_function(Ref("name", ref.name), where)
        found = (self.function_named(name) for name in maker.facts.hands_out) if maker is not None else ()
        return [f for f in found if f is not None]

    @cached_property
    def makers(self) -> dict[str, list[Func]]:
        """Function id -> the functions that return it by name (``FunctionFacts.hands_out``):
        where they are called, it may be started (``lifespan=init()``)."""
        out: dict[str, list[Func]] = {}
        for func in self.functions.values():
            for name in func.facts.hands_out:
                made = self.function_named(name)
                if made is not None:
                    out.setdefault(made.id, []).append(func)
        return out

    @cached_property
    def spawned(self) -> dict[str, tuple[Func, str]]:
        """Functions started on a thread / executor / task: id -> (spawner, how). Also a
        function handed to a project function that launches that parameter
        (``FunctionFacts.launches``: a wrapper of ``fire.Fire``), as the wrapper launches it."""
        out: dict[str, tuple[Func, str]] = {}
        for func in self.functions.values():
            for ref, how in func.facts.spawns:
                for callee in self.spawn_targets(ref, func):
                    if self.is_evidence(func, callee):
                        out.setdefault(callee.id, (func, how))
        for launcher, call, key, how in self._launched_through():
            target = self.function_named(key)
            if target is not None and self.is_evidence(launcher, target):
                out.setdefault(target.id, (launcher, how))
        return out

    def _launched_through(self) -> Iterable[tuple[Func, Call, str, str]]:
        """(caller, call, the function it hands, how) for every call that hands a project
        function to a parameter its callee launches (``launch(main)`` where ``def
        launch(component): fire.Fire(component)``)."""
        for func in self.functions.values():
            if func.file.is_test:
                continue
            for call in func.facts.calls:
                if not call.hands:
                    continue
                callee = self.resolve_function(call.callee, func)
                if callee is None and call.callee.kind == "name":
                    self.launch_wants.update(self.spellings(call.callee.name, func))
                if callee is None or not callee.facts.launches:
                    continue
                launches = dict(callee.facts.launches)
                for key, name in call.hands:
                    param = parameter_for(callee, key)
                    if param in launches:
                        yield func, call, name, launches[param]


    @cached_property
    def spawn_sites(self) -> dict[str, int]:
        """How many places start each function on a thread / executor / task / process."""
        out: dict[str, int] = {}
        for func in self.functions.values():
            for ref, _how in func.facts.spawns:
                for callee in self.spawn_targets(ref, func):
                    if self.is_evidence(func, callee):
                        out[callee.id] = out.get(callee.id, 0) + 1
        return out


# decorators that return the function's generator or coroutine as it is, unstarted
_KEEPS_UNSTARTED = frozenset(["contextlib.contextmanager", "contextlib.asynccontextmanager", "staticmethod", "classmethod"])


def _unstarted(func: Func) -> bool:
    """Whether calling ``func`` runs none of its body until the result is iterated, entered or
    awaited: a generator (``@contextmanager`` helpers too) or an ``async def``, not wrapped by
    a decorator that may start it."""
    return (func.facts.is_generator or func.facts.is_async) and all(d in _KEEPS_UNSTARTED for d in func.facts.decorators)
