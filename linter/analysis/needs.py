"""Demands several rules share (``linter.demands``): the modules that define what the facts of
callbacks and of lock regions name, and the callers of functions whose findings are graded low.
Each rule yields those it needs from its ``needs``."""

from __future__ import annotations

from typing import Iterable, Iterator

from linter.analysis.catalog import CALLBACK_METHODS
from linter.analysis.facts import ClassFacts, FileFacts
from linter.demands import Callers, Definition, Importers, Mentions, per_index
from linter.diagnostics import Confidence, Diagnostic
from linter.model.context import ASYNC_PRESUMED
from linter.model.network import CALL_DEPTH
from linter.payloads import Payload
from linter.project import ProjectIndex, Where


@per_index  # several rules ask, after every few modules analysed
def callback_definitions(index: ProjectIndex) -> Iterator[Definition]:
    """The functions registered as callbacks, and the bases of classes that define a callback
    method or register callbacks (CustomLogger detection, inherited methods)."""
    names: set[str] = set()
    for f in index.files:
        for fn in f.functions.values():
            for reg in fn.registrations:
                names.update(r.name.removesuffix("()") for r in reg.targets if r.kind == "name")
        for klass in f.classes.values():
            if set(klass.methods) & CALLBACK_METHODS or _any_method(f, klass, lambda fn: bool(fn.registrations)):
                names.update(b.name for b in klass.bases if b.kind == "name")
    yield from map(Definition, names)


@per_index  # several rules ask, after every few modules analysed
def lock_definitions(index: ProjectIndex) -> Iterator[Definition]:
    """The locks of lock regions, the helpers called under them (they may make the network
    call), and the bases of classes whose methods hold a lock (inherited locks and methods)."""
    names: set[str] = set()
    for f in index.files:
        for fn in f.functions.values():
            for region in fn.regions:
                if region.lock.kind == "name":
                    names.add(region.lock.name)
                elif region.local is not None and region.local.kind == "value" and region.local.factory:
                    names.add(region.local.factory)  # a project class may lock a file
            for call in fn.calls:
                if call.regions and call.callee.kind == "name":
                    names.add(call.callee.name)
                elif call.regions and call.callee.kind == "result":
                    names |= _result_definitions(index, call.callee.name)
        for klass in f.classes.values():
            if _any_method(f, klass, lambda fn: bool(fn.regions)):
                names.update(b.name for b in klass.bases if b.kind == "name")
                # ``self._lock = OwnerFileLock(p)``: a project class may lock a file
                names.update(b.factory for b in klass.attributes.values() if b.kind == "value" and "." in b.factory and b.factory[b.factory.rfind(".") + 1 :][:1].isupper())
    yield from map(Definition, names)


def _result_definitions(index: ProjectIndex, result: str) -> set[str]:
    """What a method called on a function's result needs (``Ref("result")``): the function,
    the functions whose result it returns in turn (as ``Resolution.returned_classes`` follows
    them), and the method of the class that comes out (RD-Agent's ``self.get_evaluator()``
    returns ``benchmarks.get_evaluator(task)``, a ``BaseEvaluator``)."""
    maker, _, method = result.partition(":")
    names = {maker}
    todo = [(maker, 4)]
    while todo:
        maker, left = todo.pop()
        made = index.function_named(maker)
        kinds = (made.facts.returns_type,) if made is not None and made.facts.returns_type else made.facts.returns_types if made is not None else ()
        for kind in kinds:  # a factory's several kinds (``returns_types``): each
            if not kind.startswith("()"):
                names.add(f"{kind}.{method}")
            elif left > 0 and kind[2:] not in names:
                names.add(kind[2:])
                todo.append((kind[2:], left - 1))
    return names


def lock_region_implementers(index: ProjectIndex, depth: int = CALL_DEPTH) -> Iterator[Mentions]:
    """Files that may implement an abstract method called under a lock (directly or through
    project calls, as far as the network search follows them): they name its class, which they
    subclass. The byte scan may have skipped them, and the network call is theirs (graphiti's
    ``generate_response`` reaches ``_create_structured_completion``, abstract in the base class
    and implemented by each provider's client in its own module)."""
    classes: set[str] = set()
    seen: set[str] = set()
    for func in index.functions.values():
        if not func.facts.regions or index.exempt(func, Where.START_UP):
            continue
        todo = [(func, call, depth) for call in func.facts.calls if call.regions]
        while todo:
            caller, call, left = todo.pop()
            callee = index.resolve_function(call.callee, caller)
            if callee is None or callee.id in seen:
                continue
            seen.add(callee.id)
            if index.is_abstract(callee):
                classes.add(callee.facts.class_name.rsplit(".", 1)[-1])
            elif left > 0:
                todo += [(callee, c, left - 1) for c in callee.facts.calls]
    if classes:
        yield Mentions(classes)


def callback_storage_readers(index: ProjectIndex) -> Iterator[Mentions]:
    """Files that mention what a callback writes: the byte scan may have skipped its readers."""
    storage = index.callback_storage()
    if storage:
        yield Mentions(q.rsplit(".", 1)[-1] for q in storage)


def registering_methods(index: ProjectIndex) -> Iterator[Callers]:
    """Methods that register callbacks: their class may be built per request elsewhere."""
    for i, func in index.functions.items():
        if func.facts.registrations and func.facts.class_name:
            yield Callers(i)


@per_index  # two rules ask, every round
def namers_of_unnamed_classes(index: ProjectIndex) -> Iterator[Mentions | Definition]:
    """Files that mention a class whose methods register callbacks or write client config but
    that nothing analysed names yet (``unnamed_class``): the byte scan may have skipped the
    module that imports it, or the plugin factory that spells its path in a string; and the
    ``__init__`` of each package above it, whose ``from .lm import *`` names it without
    spelling it (storm's ``GoogleModel``, lost when ``knowledge_storm/`` was checked alone)."""
    unnamed = {
        (func.file.module, func.facts.class_name.rsplit(".", 1)[-1])
        for func in index.functions.values()
        if func.facts.class_name
        and (func.facts.registrations or func.facts.config_writes)
        and index.unnamed_class(func.file, func.facts.class_name)
    }
    if unnamed:
        yield Mentions({name for _, name in unnamed})
    for module, name in unnamed:
        parts = module.split(".")
        for i in range(1, len(parts)):
            yield Definition(".".join(parts[:i]) + "." + name)  # resolves to that package's __init__


@per_index  # six rules ask, every round: with namers_of_unnamed_classes and script_importers,
# 0.98 -> 0.63 CPU-s of a pdd cold run (56 passes over an index -> 12; most is each round's first)
def builders_of_classes(index: ProjectIndex) -> Iterator[Mentions | Callers]:
    """Files that may build a class whose number of objects decides a finding (they mention
    its name), and the callers of the functions that build it: a class with a method that
    refuses a second run (``one_run_per_process``: built only where nothing is concurrent), or
    one whose constructor registers callbacks or writes client config and that the files
    analysed build once, at a top level (``built_once_per_process``). The byte scan may have
    skipped a module that builds another one per request."""
    names: set[str] = set()
    for func in index.functions.values():
        cls = func.facts.class_name
        if not cls:
            continue
        if func.facts.reentry_guarded:
            names.add(cls.rsplit(".", 1)[-1])
            sites = index.construction_sites(func.file, cls)
            yield from (Callers(i) for i in sorted({site.id for site in sites.sites} if sites else ()))
        elif (func.facts.registrations or func.facts.config_writes) and index.built_once_per_process(func.file, cls):
            names.add(cls.rsplit(".", 1)[-1])
    if names:
        yield Mentions(names)


def callers_of_low(index: ProjectIndex, findings: Iterable[Diagnostic]) -> Iterator[Callers]:
    """``Callers`` of the function of each finding graded low (each function of its file when
    its payload names none): files the byte scan skipped may hold the web handler or thread
    pool that calls it, or the start-up code that makes it one-time."""
    for d in findings:
        # low: callers may show concurrency; resting on the async presumption: callers may show a
        # start-up hook (ragflow's ``FastAPI(lifespan=init())`` in a module nothing else names)
        if d.confidence is not Confidence.LOW and not any(ASYNC_PRESUMED in str(e) for e in d.evidence):
            continue
        fid = d.payload.function if isinstance(d.payload, Payload) else None
        if fid in index.functions:
            yield Callers(fid)
        else:
            yield from (Callers(i) for i, func in index.functions.items() if func.file.path == d.path)


@per_index  # six rules ask, every round
def loop_nesters(index: ProjectIndex) -> Iterator[Mentions]:
    """The files that name ``nest_asyncio`` once a call runs a coroutine with ``asyncio.run()``:
    the byte scan may have skipped the module that patches asyncio so that ``asyncio.run()``
    works inside a running loop (``Context.nested_loops``), which keeps such a call's chain up
    to coroutine callers."""
    if any(call.run_alone for func in index.functions.values() for call in func.facts.calls):
        yield Mentions(["nest_asyncio"])


@per_index  # six rules ask, every round
def script_importers(index: ProjectIndex) -> Iterator[Importers]:
    """The importers of each file taken for a Streamlit script (it imports streamlit and nothing
    analysed imports it): the byte scan may have skipped the module that imports it, which makes
    its module level and ``__main__`` block run once, at import (trulens's Compare page)."""
    for f in index.files:
        if not f.is_test and index.is_streamlit(f):
            yield Importers(f.module)


@per_index  # six rules ask, every round
def self_test_importers(index: ProjectIndex) -> Iterator[Importers | Mentions]:
    """The files that may import, or name by its dotted path, a module whose ``__main__`` block
    calls its own functions: what they name of it the block only demonstrates, it is no caller
    of theirs (``Context.self_test``)."""
    for f in index.self_tested_files:
        yield Importers(f.module)
        if "." in f.module:
            yield Mentions([f.module])  # ``LazyImport("pkg.clients.gemini.GeminiClient")``


def provenance_sources(index: ProjectIndex) -> Iterator[Definition | Callers | Mentions]:
    """What following config values across functions could not see (``ConfigValues``,
    asked by the rule's check first): the module defining a called function, the files that
    may call a function whose parameter was followed, the files that may build a class whose
    field was (they mention its name); and, asking who reads an environment variable, the
    modules a program imports and the ones its calls name."""
    for what, name in sorted(index.provenance_wants):
        if what == "definition":
            yield Definition(name)
        elif what == "callers" and name in index.functions:
            yield Callers(name)
        elif what == "mentions":
            yield Mentions([name])


def _any_method(f: FileFacts, klass: ClassFacts, test) -> bool:  # type: ignore[no-untyped-def]
    for name in klass.methods:
        fn = f.functions.get(f"{klass.name}.{name}")
        if fn is not None and test(fn):
            return True
    return False
