"""LLM007 callback-registering-constructor: an object whose construction registers global litellm callbacks, built at request time.

## What it does
Finds constructor calls, outside one-time start-up code, of classes whose construction changes
litellm's global callback registries: `litellm.Router(...)` (its `__init__` adds the router's
deployment callbacks to `litellm.success_callback`, `_async_success_callback` and the failure
lists), and classes of the project whose `__init__`, `__post_init__`, `model_post_init` or
pydantic validators register callbacks — directly or through methods they call (the crewAI
`LLM` with its `set_env_callbacks()` validator) — in litellm's lists or in another SDK's
process-wide registry (the OpenAI Agents SDK's `add_trace_processor` / `set_trace_processors`,
DSPy's `dspy.configure(callbacks=...)`).

## Why is this bad
Every construction adds entries to process-wide lists that every later call dispatches to.
Built per request, per agent or per job, the lists grow with each object: the callbacks of dead
objects keep firing for everybody's calls (and keep the objects alive), events reach the wrong
object, and once litellm's callback limit is reached new registrations are dropped. An object
that resets the globals on construction (crewAI PR #4252) silently unregisters the handlers of
every other live object. This is wrong even in one thread: only construction in one-time set-up
code (module level, `main()`, a cached factory) is safe.

## Example
```python
def handle(req):
    router = litellm.Router(model_list=MODEL_LIST)      # LLM007
    return router.completion(model="gpt", messages=req.messages)
```

## Use instead
Build the object once, at start-up, and share it (a Router is safe to share between threads and
tasks), or keep per-request state out of the constructor:

```python
ROUTER = litellm.Router(model_list=MODEL_LIST)

def handle(req):
    return ROUTER.completion(model="gpt", messages=req.messages)
```

A registration that runs once per process (a cached function, a guarded one-shot init, or
one process-wide handler added only when missing: `if "otel" not in litellm.callbacks:
litellm.callbacks.append("otel")`) is not one per construction: the construction that reaches
only such registrations is safe.

A construction that fills an empty memo slot (`if self._router is None: self._router =
Router(...)`, a module-level cache keyed by a value) runs once per owner or key, and is graded
low with that reason: whether the owner itself is built per request is not followed. So is a
construction of a class whose `__new__` may return another class's instance (crewAI's `LLM`
routes known model names to native provider classes) when every argument is a literal: the
route is fixed by a value llmlint does not evaluate. With a computed argument any route may be
taken, the registering class's own among them, and the finding stands.

## Fix safety
Unsafe fix (`linter/fixes/construction_registration.py`), applied to the class, not to the
construction site: the registration the finding names stops running per construction. A
`set_callbacks(handlers)`-style helper becomes per-call delivery of each call's response to its
own handlers (LLM002's codemod); a function of no argument that registers what the environment
names (crewAI's `set_env_callbacks`) is cached with `functools.cache`, so it runs once per
process (the environment is then read once, at the first construction). Each fix round handles
one registration; the next round's finding names the next, until none is left. No fix for another SDK's registry, a
`litellm.Router` (hoisting a constructor changes which per-request arguments it sees), a
registration in the constructor's own body or in a method of the instance, or a function that
reads module-level variables: the reason names which.
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis import catalog as cat
from linter.analysis.facts import Call
from linter.diagnostics import Confidence, Diagnostic, Text, text
from linter.payloads import Construction
from linter.analysis.tokens import REGISTRATION
from linter.prefilter import AnyOf
from linter.analysis.needs import builders_of_classes, callback_definitions, callers_of_low, loop_nesters, registering_methods, script_importers, self_test_importers
from linter.demands import Definition, Demand, per_index
from linter.project import Func, ProjectIndex, Where

CODE = "LLM007"
NAME = "callback-registering-constructor"
SUMMARY = "Object whose construction registers global litellm callbacks built at request time"
TOKENS = AnyOf(rb"Router\s*\(", REGISTRATION)  # a Router, or a class that registers callbacks

_ROUTERS = frozenset(["litellm.Router", "litellm.router.Router"])
_REMOVALS = ("remove", "pop", "clear", "delete")


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    yield from callback_definitions(index)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callers_of_low(index, check(index))
    yield from builders_of_classes(index)  # how many objects of a class there are, where built
    yield from script_importers(index)  # whether a Streamlit-looking file runs per visitor
    yield from self_test_importers(index)  # whether a module's __main__ block is a library demo
    yield from loop_nesters(index)  # whether asyncio.run() may run inside a running loop
    yield from registering_methods(index)  # their class may be built per request elsewhere


@per_index
def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    registering: dict[str, list[_Found]] = {}  # class key -> what its construction may register
    for func in index.functions.values():
        if index.exempt(func, Where.TEST):
            continue
        for call in func.facts.calls:
            what = _registers(index, func, call, registering)
            if what is None or index.exempt(func, Where.START_UP):
                continue
            yield _finding(index, func, call, what)


def _registers(index: ProjectIndex, func: Func, call: Call, cache: dict[str, list[_Found]]) -> tuple[Text, str] | None:
    """What constructing the called class registers, and the function (``Func.id``) that does
    it ("" for ``litellm.Router``): the first registration this construction can reach (one in
    a branch on an optional constructor argument needs a construction that passes it)."""
    ref = call.callee
    if ref.kind != "name":
        return None
    if ref.name in _ROUTERS:
        return text("litellm.Router.__init__ adds the router's callbacks to litellm.success_callback, _async_success_callback and the failure lists"), ""
    hit = index.resolve_class(ref)
    if hit is None:
        return None
    f, klass = hit
    key = f"{f.module}:{klass.name}"
    if key not in cache:
        cache[key] = []
        cache[key] = _construction_registrations(index, f, klass.name)
    for what, registrar, hook, needed in cache[key]:
        if index.may_pass(call, hook, needed):
            return what, registrar
    return None


# what a construction registers, the function that does it, the construction hook the walk
# started from, and the optional parameters of that hook the registration needs
_Found = tuple[Text, str, Func, tuple[str, ...]]


def _construction_registrations(index: ProjectIndex, file, class_name: str) -> list[_Found]:  # type: ignore[no-untyped-def]
    klass = file.classes[class_name]
    starts: list[Func] = []
    for f, k in index.mro(file, klass):
        for name in k.methods:
            fn = f.functions.get(f"{k.name}.{name}")
            if fn is None:
                continue
            if name in cat.CONSTRUCTION_HOOKS or any("validator" in d for d in fn.decorators):
                starts.append(Func(f, fn))
    found: list[_Found] = []
    seen: set[str] = set()
    # each step: the function, the path of names, and the (caller, call) edges down to it
    todo: list[tuple[Func, tuple[str, ...], tuple[tuple[Func, Call], ...]]] = [(s, (s.facts.qualname,), ()) for s in starts]
    while todo:
        fn, path, edges = todo.pop(0)
        if fn.id in seen or len(path) > 4:
            continue
        seen.add(fn.id)
        if index.runs_once(fn):
            continue  # registers once per process (cached, one-shot), not once per construction
        for reg in fn.facts.registrations:
            if reg.registry.startswith("kwarg:") or reg.registry in cat.SDK_REGISTRIES:
                continue  # another SDK's registry is replaced, not grown: LLM002 reports the write
            if reg.idempotent:
                continue  # one process-wide handler added only when missing: once per process
            needed = _needed_at_hook(index, fn, edges, reg.guards)
            if needed is None:
                continue  # its branch needs an argument the calls on the way never pass
            verb = "changes" if reg.op in _REMOVALS or reg.op.startswith("manager:remove") else "registers in"
            what = text(f"{' → '.join(path)} {verb} {reg.registry} at ", index.loc(fn.file, reg.span))
            found.append((what, fn.id, edges[0][0] if edges else fn, needed))
            break
        for c in fn.facts.calls:
            if c.callee.kind == "self" and not index.filled_once(c):
                callee = index.resolve_function(c.callee, fn)
                if callee is not None:
                    todo.append((callee, path + (callee.facts.qualname,), edges + ((fn, c),)))
    return found


def _needed_at_hook(index: ProjectIndex, site: Func, edges: tuple[tuple[Func, Call], ...], needed: tuple[str, ...]) -> tuple[str, ...] | None:
    """The optional parameters of the construction hook (the first caller of ``edges``) that a
    site needing ``needed`` runs only with, or None when a call on the way never passes them."""
    callee = site
    for caller, call in reversed(edges):
        if not index.may_pass(call, callee, needed):
            return None
        needed = index.needed_of(caller, call, callee, needed)
        callee = caller
    return needed


def _finding(index: ProjectIndex, func: Func, call: Call, registration: tuple[Text, str]) -> Diagnostic:
    what, registrar = registration
    cls = call.callee.name.rsplit(".", 1)[-1]
    evidence = [text("construction registers: ", what)]
    confidence, grade = index.grade(func, concurrent=False)
    evidence.append(grade)
    # once per key or owner (a memo slot filled while empty), or a construction whose class is
    # not known (a dispatching ``__new__`` given only literals): not claimed at default confidence
    unsure = index.memo(func, call) or index.fixed_dispatch(call)
    if unsure is not None:
        confidence = Confidence.LOW
        evidence.append(f"{unsure} (reported with --preview)")
    message = (
        f"`{cls}(...)` is built here at request time and its construction registers callbacks in "
        "litellm's global lists: every object adds more, the callbacks of old objects keep firing "
        "for every call and events reach the wrong object. Build it once at start-up and share it"
    )
    registrar_func = index.functions.get(registrar)
    sdk = [r.registry for r in registrar_func.facts.registrations] if registrar_func is not None else []
    if sdk and all(r in cat.SDK_REGISTRY_ADVICE for r in sdk):
        # another SDK's registry (the Agents SDK's trace processors, DSPy's callbacks): say what it does
        what_sdk, instead = cat.SDK_REGISTRY_ADVICE[sdk[0]]
        message = (
            f"`{cls}(...)` is built here at request time and its construction adds handlers with "
            f"`{sdk[0]}()`: every object adds more, and {what_sdk}. Build it once at start-up and "
            f"share it; or {instead}"
        )
    return Diagnostic(CODE, NAME, func.file.path, call.span, message, confidence, tuple(evidence), payload=Construction(func.id, registrar))


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    # the docs' "use instead": one Router, built at import and shared
    Valid(
        """
        import litellm

        MODEL_LIST = [{"model_name": "gpt", "litellm_params": {"model": "gpt-4o-mini"}}]
        ROUTER = litellm.Router(model_list=MODEL_LIST)


        def handle(req):
            return ROUTER.completion(model="gpt", messages=req.messages)
        """
    ),
    # a cached factory builds it once
    Valid(
        """
        import functools

        import litellm

        MODEL_LIST = [{"model_name": "gpt", "litellm_params": {"model": "gpt-4o-mini"}}]


        @functools.cache
        def router():
            return litellm.Router(model_list=MODEL_LIST)


        async def chat(messages):
            return await router().acompletion(model="gpt", messages=messages)
        """
    ),
    # built once in main() and shared by the worker threads
    Valid(
        """
        from concurrent.futures import ThreadPoolExecutor

        import litellm

        MODEL_LIST = [{"model_name": "gpt", "litellm_params": {"model": "gpt-4o-mini"}}]


        def answer(router, prompt):
            return router.completion(model="gpt", messages=[{"role": "user", "content": prompt}])


        def main(prompts):
            router = litellm.Router(model_list=MODEL_LIST)
            with ThreadPoolExecutor() as pool:
                return list(pool.map(lambda p: answer(router, p), prompts))


        if __name__ == "__main__":
            main(["hi"])
        """
    ),
    # the registration from the environment is cached: once per process, not per construction
    Valid(
        """
        import functools
        import os
        import threading

        import litellm


        class Assistant:
            def __init__(self, model):
                self.model = model
                self.load_env_loggers()

            @staticmethod
            @functools.cache
            def load_env_loggers():
                names = os.environ.get("ASSISTANT_LOGGERS", "")
                litellm.success_callback = [n for n in names.split(",") if n]


        def work(task):
            return Assistant("gpt-4o-mini").model


        def start(tasks):
            for task in tasks:
                threading.Thread(target=work, args=(task,)).start()
        """
    ),
]

INVALID = [
    # the docs' example: the function makes the call, so it runs at request time
    Invalid(
        """
        import litellm

        MODEL_LIST = [{"model_name": "gpt", "litellm_params": {"model": "gpt-4o-mini"}}]


        def handle(req):
            router = litellm.Router(model_list=MODEL_LIST)
            return router.completion(model="gpt", messages=req.messages)
        """,
        7, 14, Confidence.HIGH,
    ),
    # a class of the project whose __init__ registers, built in a thread target (LLM002 reports
    # the registration itself)
    Invalid(
        """
        import threading

        import litellm


        class Tracker:
            def __init__(self, name):
                self.name = name
                litellm.success_callback.append(self.on_success)

            def on_success(self, kwargs, completion_response, start_time, end_time):
                print(self.name, completion_response.usage.total_tokens)


        def work(task):
            tracker = Tracker(task)
            return litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": task}])


        def start(tasks):
            for task in tasks:
                threading.Thread(target=work, args=(task,)).start()
        """,
        16, 15, Confidence.HIGH,
    ),
    # a factory with no start-up-only caller found: low, shown with --preview
    Invalid(
        """
        import litellm


        def make_router(model_list):
            return litellm.Router(model_list=model_list)
        """,
        5, 12, Confidence.LOW,
    ),
    # the same without the cache: every construction resets litellm.success_callback
    Invalid(
        """
        import os
        import threading

        import litellm


        class Assistant:
            def __init__(self, model):
                self.model = model
                self.load_env_loggers()

            @staticmethod
            def load_env_loggers():
                names = os.environ.get("ASSISTANT_LOGGERS", "")
                litellm.success_callback = [n for n in names.split(",") if n]


        def work(task):
            return Assistant("gpt-4o-mini").model


        def start(tasks):
            for task in tasks:
                threading.Thread(target=work, args=(task,)).start()
        """,
        19, 12, Confidence.HIGH,
    ),
]
