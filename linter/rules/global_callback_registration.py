"""LLM002 global-callback-registration: an LLM SDK's global callback registry (litellm's lists, LlamaIndex's callback manager) changed at request time.

## What it does
Finds code that mutates litellm's process-wide callback registries — `litellm.callbacks`,
`success_callback`, `failure_callback`, `input_callback`, `_async_success_callback`,
`_async_failure_callback`, `service_callback` (assignment, `append`, `extend`, `insert`,
`remove`, `pop`, `clear`, slice or item assignment, `+=`, `del`, and
`litellm.logging_callback_manager.add_*` / `remove_*`) — anywhere but one-time start-up code,
whether or not a lock is held and however atomic the swap is (a slice assignment under a
lock, crewAI PR #6163, still swaps one process-wide list per request). It names the iterate-over-a-copy-and-`remove()` loop as a crash
hazard, and flags the per-call `callbacks=[...]` argument, which litellm appends to its global
lists permanently. Other SDKs' process-wide registries too: the OpenAI Agents SDK's trace
processors (`add_trace_processor(p)`, `set_trace_processors([...])`, from `agents` or
`agents.tracing`) and DSPy's global callbacks (`dspy.configure(callbacks=[...])`,
`dspy.settings.configure(callbacks=...)`).

## Why is this bad
litellm reads the global lists when it dispatches an event, later, on its logging thread — not
when the call starts. A handler installed "for this call" receives whatever call finishes next,
and this call's event goes to whichever handler is installed by then: 160–188 of 200 events were
lost or misdelivered with 4 instances taking turns in ONE thread (litellm 1.106). A lock around
the registration, or around registration plus `completion()`, does not help (10/10 runs still
lost events: dispatch happens after the lock is released). Two threads running
`for cb in lst[:]: lst.remove(cb)` raise `ValueError: list.remove(x): x not in list`.
Per-call `callbacks=[h]` is appended to five global lists and stays there: every later call
fires it, and after 100 entries new ones are silently dropped.
The Agents SDK hands every trace and span of every run in the process to each registered
processor, and keeps a processor registered after its request is done: measured with
openai-agents 0.20 (8 concurrent requests, each adding a collector of its own), the collectors
got 28 traces of other requests, and all 8 went on receiving a later run's trace. DSPy's
configured callbacks are reported to by every module and LM call of every request (and
`dspy.configure` raises off the first thread or task that called it: 3 of 4 jobs on 4 threads).

LlamaIndex keeps one callback manager for the whole process in `Settings.callback_manager`
(llama-index-core 0.14): every index, query or chat engine and LLM built or run without its own
`callback_manager=` takes it, and reading `Settings.llm` hands the shared LLM the manager of the
moment. Replacing it per request (`Settings.callback_manager = CallbackManager([handler])`), or
`add_handler` / `remove_handler` / `set_handlers` on it, sends a concurrent request's events to
this request's handler: measured with real llama-index-core (`MockLLM`, two threads swapping it
per request, 20 rounds each), 20 of 40 events went to the other request's handler and the same
number never reached their own. `set_global_handler(...)` given a request's values is reported
too: `CallbackManager` adds that global handler to every manager built after it (given only
literals, every call installs the same kind of handler, and it is not reported).

Module level, `if __name__ == "__main__":`, `functools.cache`d functions and functions only
called from those are start-up code and are not reported. So is, at default confidence, an
idempotent registration of one process-wide handler wherever it runs: `if "otel" not in
litellm.callbacks: litellm.callbacks.append("otel")`, or the same with a handler object or
function made at module level: every run adds the same handler, and only the first one adds it
(low: two first callers may both pass the check). A handler made per call or per instance
(`self`, a local, a parameter) is reported whatever guards it. A registration run by every
construction of a class is reported at medium confidence (the last object built takes the
others' events), unless the class is a script's own that the script builds at one place of its
top level, and nowhere else: one instance per run (low). Per-call `success_callback=` /
`failure_callback=` arguments are isolated by litellm and are not reported.

## Example
```python
class Agent:
    def call(self, messages):
        litellm.callbacks = [self.handler]      # LLM002
        return litellm.completion(model=self.model, messages=messages)
```

## Use instead
Register handlers once at start-up; feed per-agent accounting from the call's own response
(`resp.usage`, `resp._hidden_params["response_cost"]`), or pass
`success_callback=[handler.log_success_event]` per call (sync path: see the README for the
litellm priming caveat). With the Agents SDK, add processors once at start-up and tell runs
apart by what each run's `RunConfig(workflow_name=..., group_id=..., trace_metadata=...)` puts
on its trace (or `RunConfig(tracing_disabled=True)` per run): 0 of 8 requests misattributed,
measured as above. With DSPy, pass a request's handlers with `with dspy.context(callbacks=[...]):`
or to the module or LM (`dspy.Predict(sig, callbacks=[...])`): each job's counter saw exactly its
own calls.

LlamaIndex: give the request's handlers to what the request builds, and set
`Settings.callback_manager` (or `set_global_handler`) once at start-up, if at all:

```python
async def ask(question, handler):
    engine = INDEX.as_query_engine(callback_manager=CallbackManager([handler]))
    return engine.query(question)
```

## Fix safety
Unsafe (the handler now runs in the caller, right after the call, instead of on litellm's
logging thread): applied by `llmlint fix --rule global-callback-registration` or
`--unsafe-fixes`, for the provable shape — a handler assigned or appended to
`success_callback` / `callbacks` in the same function that then assigns a non-streaming
`litellm.completion`/`acompletion` result to a name. The registration is removed and the handler
is called with that response (`handler({}, response, None, None)`, passing `response_cost` /
`model` from the response if the handler reads them). Measured with real litellm: 4 agents
taking turns in one thread went from 183/200 events missed (and 183 delivered to the wrong agent)
to 0; 8 threads × 50 from 50 to 0.

The crewAI `set_callbacks` shape — a function (method, static method) that only guards, wraps
and swaps its one handlers argument into the registries, called before the litellm call by
functions of any module — is rewritten too: the function registers nothing (its signature stays),
each registration is removed, and the litellm calls that follow it (directly, or in the methods
of the class the caller then calls, whose existing handlers parameter is reused or which get a
`handlers=()` one) give their response to those handlers: `_deliver_success` /
`_adeliver_success` (added once, to the registering module) call `log_success_event` /
`async_log_success_event` of a `CustomLogger` (or the callable) as litellm would, and a stream is
wrapped in `_deliver_stream` / `_adeliver_stream`, which deliver the response rebuilt from its
chunks once it is consumed. A registration made at construction (`self.set_callbacks(self.callbacks)`)
becomes the instance's default handlers for calls whose own registration is skipped because they
bring none (`if callbacks: self.set_callbacks(callbacks)`). Where this cannot be proven the reason
names what blocks it (other work in the registering function, a registration under an unrelated
condition, a method given the delivery that is also called without handlers). Measured: the crewAI
fixtures went from 195/200 events missed with 4 agents in turns, and 400/400 with 8 async agents,
to 0 and 0; the crewAI release shape (`tests/fixtures/LLM002/crewai_release_shape`) from 376 events
missed or misdelivered in turns, 66 in threads, 117 in tasks, 10 in streams to 0; the released
crewai 1.15.30 (`benchmarks/realworld/run.py`) from 13-50 of 80 per scenario to 0.

Per-call `callbacks=` (crewAI PR #4252 shape) on a statement `x = [await] completion(...)`:
the handlers are taken out of the call (`handlers = [h]`, or `handlers =
params.pop("callbacks", None)` when they travel in a `**params` dict) and given that call's
response with `_deliver_success` / `_adeliver_success`. Measured: 4 agents in turns went from
150/200 events missed (150 to the wrong agent) to 0; 8 threads × 50 from 350/400 to 0. Failure
events are not delivered by the rewrite. (Per-call `success_callback=[h.log_success_event]` is
not used instead: on the sync path it fires only once litellm's hidden `customLogger` global has
been set, 0/400 events in a cold process.)

No automatic fix for LlamaIndex's callback manager and global handler, nor for the Agents SDK's and DSPy's registries. No automatic fix (the
finding says why) for handlers that read the start/end time or other
`kwargs` keys (simple shape), registering methods that do anything else or that register values
they compute themselves (environment callback names: register those once at start-up), and calls
that may stream.
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis.catalog import SDK_REGISTERING_CALLS, SDK_REGISTRIES, SDK_REGISTRY_ADVICE
from linter.analysis.facts import Registration
from linter.diagnostics import Confidence, Diagnostic, Text, text
from linter.payloads import Payload
from linter.analysis.tokens import REGISTRATION
from linter.analysis.needs import builders_of_classes, callback_definitions, callers_of_low, loop_nesters, namers_of_unnamed_classes, registering_methods, script_importers, self_test_importers
from linter.demands import Definition, Demand, per_index
from linter.project import Func, ProjectIndex, Where

CODE = "LLM002"
NAME = "global-callback-registration"
SUMMARY = "An LLM SDK's global callback registries (litellm, LlamaIndex) mutated at request time"
TOKENS = REGISTRATION

_DISPATCH = (
    "litellm reads its global callback lists when it dispatches, later, on its logging thread, "
    "so events go to whichever handler is registered then"
)


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    yield from callback_definitions(index)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callers_of_low(index, check(index))
    yield from builders_of_classes(index)  # how many objects of a class there are, where built
    yield from script_importers(index)  # whether a Streamlit-looking file runs per visitor
    yield from self_test_importers(index)  # whether a module's __main__ block is a library demo
    yield from loop_nesters(index)  # whether asyncio.run() may run inside a running loop
    yield from registering_methods(index)  # their class may be built per request elsewhere
    yield from namers_of_unnamed_classes(index)  # a class nothing names has no per-instance evidence


@per_index
def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for func in index.functions.values():
        for reg in func.facts.registrations:
            finding = _finding(index, func, reg)
            if finding is not None:
                yield finding


def _finding(index: ProjectIndex, func: Func, reg: Registration) -> Diagnostic | None:
    if reg.registry.startswith("kwarg:") and reg.registry != "kwarg:callbacks":
        return None  # per-call success_callback= / failure_callback= are isolated
    if index.exempt(func, Where.START_UP):
        return None
    evidence: list[Text | str] = []
    chain = index.request_evidence(func, needed=reg.guards)
    if chain is not None:
        confidence = Confidence.HIGH
        evidence.append(text("runs at request time: ", chain))
    else:
        per_instance = index.per_instance_evidence(func, reg.guards)
        if per_instance is not None:
            confidence = Confidence.MEDIUM
            evidence.append(f"runs per instance: {per_instance}")
        elif reg.registry == "kwarg:callbacks":
            confidence = Confidence.HIGH
            evidence.append("a per-call argument: every call adds another entry")
        else:
            confidence = Confidence.LOW
            evidence.append(
                f"no start-up-only caller found for {func.facts.qualname} "
                "(register once at module level or in main() if this is set-up code)"
            )
    if reg.idempotent and confidence is not Confidence.LOW:
        # the same process-wide handler, added only when missing: the list never grows nor swaps
        # per request; at worst two first callers both pass the check and add it twice
        confidence = Confidence.LOW
        evidence.append("adds one process-wide handler only when it is not registered yet: set-up, whoever runs it (reported with --preview)")
    registry = reg.registry
    if registry in SDK_REGISTRIES:
        return _sdk_finding(index, func, reg, confidence, evidence)
    if registry == "kwarg:callbacks":
        message = (
            "per-call `callbacks=` is not per call: litellm appends these handlers to its global "
            "callback lists and keeps them, so they fire for every later call and after 100 entries "
            "new ones are dropped. Pass `success_callback=`/`failure_callback=` or read the response"
        )
    elif reg.in_remove_loop:
        message = (
            f"`{registry}` is iterated and `.remove()`d at request time: two threads doing this raise "
            "`ValueError: list.remove(x): x not in list`, and " + _DISPATCH
        )
    elif registry in SDK_REGISTRY_ADVICE:
        # another SDK's registry: what it does with the handlers, and its per-run form
        what, instead = SDK_REGISTRY_ADVICE[registry]
        shown = f"{registry}(callbacks=...)" if SDK_REGISTERING_CALLS[registry][0] else f"{registry}()"
        message = f"`{shown}` changes a process-wide registry at request time: {what}. Instead, {instead}"
    elif reg.op.startswith("manager:"):
        message = (
            f"litellm's global callback lists are changed through `{registry}.{reg.op[8:]}()` "
            "at request time: " + _DISPATCH
        )
    else:
        message = f"`{registry}` is changed ({_op(reg.op)}) at request time: " + _DISPATCH
    if reg.op == "slice-assign" and not reg.registry.startswith("kwarg:"):
        message += (
            "; slice assignment makes the swap atomic (no `list.remove` ValueError), but it is still "
            "one list for the whole process, swapped per request"
        )
    lock = index.held_lock(func, reg.regions)  # only a resolved lock: a `with` may be anything
    if lock is not None:
        message += "; the lock around it does not help (dispatch runs after the lock is released)"
        evidence.append(text(f"inside a lock, `{lock.label}` (", lock.description, "): measured still losing events with a lock around registration and call"))
    if reg.targets:
        removing = reg.op in ("remove", "pop") or reg.op.startswith("manager:remove")
        evidence.append(("removes: " if removing else "handlers: ") + ", ".join(str(t) for t in reg.targets))
    return Diagnostic(CODE, NAME, func.file.path, reg.span, message, confidence, tuple(evidence), payload=Payload(func.id))


def _sdk_finding(index: ProjectIndex, func: Func, reg: Registration, confidence: Confidence, evidence: list[Text | str]) -> Diagnostic:
    """Another SDK's process-wide registry (LlamaIndex's): what it does, and its per-request form.
    Its handlers run in the caller, so there is no logging thread to blame, nor a litellm fix."""
    registry = reg.registry.replace("llama_index.core.settings.", "llama_index.core.")
    if reg.op.startswith("call:"):
        message = (
            f"`{reg.op[5:]}()` replaces LlamaIndex's process-wide global handler at request time: every "
            "`CallbackManager` built after it, for any request, adds that handler, so one request's events "
            "reach the handler another request installed. Call it once at start-up, and pass "
            "`callback_manager=CallbackManager([handler])` to the engine or index built for the request"
        )
    else:
        what = "replaced" if reg.op == "assign" else f"changed ({_op(reg.op.removeprefix('manager:'))})"
        message = (
            f"`{registry}` is {what} at request time: LlamaIndex's `Settings` hold one callback manager for "
            "the whole process, and every index, engine and LLM built or run without its own takes it, so a "
            "concurrent request's events reach this request's handlers and this one's reach whichever manager "
            "is set next. Pass `callback_manager=CallbackManager([handler])` to the index, query engine or "
            "chat engine built for the request"
        )
    if reg.targets:
        evidence.append(("removes: " if "remove" in reg.op else "handlers: ") + ", ".join(str(t) for t in reg.targets))
    return Diagnostic(CODE, NAME, func.file.path, reg.span, message, confidence, tuple(evidence), payload=Payload(func.id))


def _op(op: str) -> str:
    if op in ("assign", "augmented", "slice-assign", "item-assign", "delete"):
        return {"assign": "assigned", "augmented": "+=", "slice-assign": "slice assignment",
                "item-assign": "item assignment", "delete": "del"}[op]
    return f".{op}()"


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    # once, at import
    Valid(
        """
        import litellm


        def log_usage(kwargs, completion_response, start_time, end_time):
            print(completion_response.usage.total_tokens)


        litellm.success_callback = [log_usage]
        """
    ),
    # once, in main() of a single-user CLI
    Valid(
        """
        import argparse

        import litellm


        def log_usage(kwargs, completion_response, start_time, end_time):
            print(completion_response.usage.total_tokens)


        def main():
            parser = argparse.ArgumentParser()
            parser.add_argument("prompt")
            args = parser.parse_args()
            litellm.success_callback.append(log_usage)
            print(litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": args.prompt}]))


        if __name__ == "__main__":
            main()
        """
    ),
    # a cached function runs once per process, whoever calls it
    Valid(
        """
        import functools

        import litellm


        @functools.cache
        def enable_tracing():
            litellm.callbacks = ["langfuse"]


        def ask(prompt):
            enable_tracing()
            return litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        """
    ),
    # per-call success_callback= is isolated by litellm
    Valid(
        """
        import litellm


        class Agent:
            def __init__(self, model):
                self.model = model
                self.tokens = 0

            async def _on_success(self, kwargs, completion_response, start_time, end_time):
                self.tokens += completion_response.usage.total_tokens

            async def run(self, task):
                return await litellm.acompletion(
                    model=self.model,
                    messages=[{"role": "user", "content": task}],
                    success_callback=[self._on_success],
                )
        """
    ),
]

INVALID = [
    # the docs' example: the method makes the call, so it runs at request time
    Invalid(
        """
        import litellm


        class Agent:
            def __init__(self, model, handler):
                self.model = model
                self.handler = handler

            def call(self, messages):
                litellm.callbacks = [self.handler]
                return litellm.completion(model=self.model, messages=messages)
        """,
        10, 9, Confidence.HIGH,
    ),
    # in an async def: concurrent tasks
    Invalid(
        """
        import litellm


        async def answer(question, handler):
            litellm.success_callback = [handler]
            return await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
        """,
        5, 5, Confidence.HIGH,
    ),
    # no evidence either way (nothing calls it): low, shown with --preview
    Invalid(
        """
        import litellm


        def set_handler(handler):
            litellm.success_callback.append(handler)
        """,
        5, 5, Confidence.LOW,
    ),
    # a FastAPI route: the copy-and-remove loop, and per-call callbacks= (appended globally)
    Invalid(
        """
        import litellm
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/chat")
        def chat(question: str, handler):
            for cb in litellm.success_callback[:]:
                litellm.success_callback.remove(cb)
            return litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}], callbacks=[handler])
        """,
        10, 9, Confidence.HIGH,
        also=((11, 102, Confidence.HIGH),),
    ),
]
