"""LLM001 global-callback-data: module-level storage written by a litellm callback and read by the caller.

## What it does
Finds module-level storage (a dict, list, object attribute or a `global` variable) that a litellm
callback writes — a function registered in `litellm.success_callback` / `failure_callback` /
`callbacks` (globally or per call) or an event method of a `CustomLogger` subclass — and that
another function reads after making a litellm call (directly, or through its caller). Each
read site is its own finding, so a `# noqa` or a baseline entry covers one read only.

## Why is this bad
litellm runs success callbacks on its own logging thread *after* `completion()` has returned
(measured on litellm 1.106: 200/200 sequential calls returned before the callback ran). The
read right after the call therefore sees the previous call's values, or another thread's:
193/200 reads were wrong in ONE thread, 399/400 with 8 threads. Budgets and cost reports built
on it are wrong. `threading.local` or a `ContextVar` set in the callback do not help either
(400/400 wrong: the callback runs on another thread, in a copied context).

A reader that saves the value, makes another call (a retry) and writes the sum back — the PDD
retry shape — is named as a read-modify-write across the call: the retry's own callback and
concurrent callbacks write in between.

This needs no concurrency evidence: the shape is wrong even in a single-threaded program.
Storage that nothing reads after a call (a dead store, a debug history that is only displayed)
is not reported.

## Example
```python
_LAST = {"cost": 0.0}

def track_cost(kwargs, completion_response, start_time, end_time):
    _LAST["cost"] = kwargs.get("response_cost", 0.0)

litellm.success_callback = [track_cost]

def ask(prompt):
    resp = litellm.completion(model="gpt-4o-mini", messages=[...])
    return resp, _LAST["cost"]          # LLM001: the callback has not run yet
```

## Use instead
Read the values from the response the call returned: `resp.usage`,
`resp._hidden_params.get("response_cost")` or
`litellm.completion_cost(completion_response=resp)`; for streams pass
`stream_options={"include_usage": True}` and rebuild with `litellm.stream_chunk_builder`.

```python
def ask(prompt):
    resp = litellm.completion(model="gpt-4o-mini", messages=[...])
    cost = resp._hidden_params.get("response_cost")
    return resp, cost
```

## Fix safety
Unsafe (the value now comes from the call's own response instead of the shared storage, which is
the point): applied by `llmlint fix --rule global-callback-data` or `--unsafe-fixes`. The
callback's computation of what it stores becomes a pure function of the response,
`<callback>_data(completion_response)`, defined beside the callback; the reading function calls
it right after each `resp = litellm.completion(...)` and uses that dict wherever it used the
storage (a retry's read-modify-write included). `kwargs["response_cost"]` becomes
`completion_response._hidden_params.get("response_cost")`, `kwargs["model"]` becomes
`completion_response.model`. The callback, its registration and its side effects stay; when
nothing in the project reads the storage any more, the storage goes (its definition, the
callback's writes to it, the imports of it).
Streams (sync or async) get `stream_options={"include_usage": True}`, the chunks of the
`[async] for chunk in resp:` loop are collected, and the data is computed from
`litellm.stream_chunk_builder(chunks, messages=...)` after the loop. Measured with real litellm:
the PDD fixture goes from 194–196/200 wrong (one thread) and 398–399/400 (8 threads) to 0; the
stream fixture from 40/40 to 0; the async stream fixture (8 tasks × 5) from 40/40 to 0.

No automatic fix (the finding says why) when: the storage is not a module-level dict of the
callback's module; the callback is a method, accumulates into the storage, or uses
`start_time`/`end_time` or other `kwargs` keys; the reading function does not itself assign a
litellm call's result to a name before every use; a stream is not consumed by a `for` loop in
that function; the callback awaits or yields.
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis.facts import Access, Call
from linter.diagnostics import Confidence, Diagnostic, Loc, Text, text
from linter.payloads import CallbackStorage
from linter.analysis.tokens import CALLBACK_METHOD, REGISTRATION
from linter.prefilter import AnyOf
from linter.analysis.needs import callback_definitions, callback_storage_readers
from linter.demands import Definition, Demand
from linter.project import Func, ProjectIndex, Where

CODE = "LLM001"
NAME = "global-callback-data"
SUMMARY = "Module-level storage written by a litellm callback and read by the caller"
TOKENS = AnyOf(REGISTRATION, CALLBACK_METHOD)  # a callback must be registered or defined

_SKIP_KINDS = ("lock", "thread-local", "contextvar", "client")
_HOW = {
    "item": "item assignment",
    "attr": "attribute assignment",
    "rebind": "`global` rebinding",
    "augmented": "augmented assignment",
}


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    yield from callback_definitions(index)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callback_storage_readers(index)


def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    written: dict[str, tuple[Func, Access, Loc]] = {}  # storage -> (callback, write, def site)
    for cb_id in sorted(index.callbacks):
        cb = index.functions[cb_id]
        for access in cb.facts.writes:
            hit = index.binding(access.target)
            if hit is None or hit[1].kind in _SKIP_KINDS:
                continue
            f, binding, qual = hit
            written.setdefault(qual, (cb, access, index.loc(f, binding.span)))
    if not written:
        return
    for func in index.functions.values():
        if index.exempt(func, Where.CALLBACK | Where.SET_UP_SCOPE | Where.TEST):
            continue  # a reader at request time: not the writer, not the module / main scope itself
        reads: dict[str, list[Access]] = {}
        for access in func.facts.reads:
            qual = index.storage_name(access.target)
            if qual in written:
                reads.setdefault(qual, []).append(access)
        for qual, accesses in reads.items():
            yield from _findings(index, func, qual, accesses, written[qual])


def _findings(
    index: ProjectIndex,
    func: Func,
    qual: str,
    accesses: list[Access],
    write: tuple[Func, Access, Loc],
) -> Iterator[Diagnostic]:
    """One finding per read site (after the call, when the function makes it): a suppression
    or a baseline entry covers that read only."""
    cb, access, defined = write
    name = qual.rsplit(".", 1)[-1]
    hit = index.litellm_call_through(func)
    if hit is not None:
        first = hit[0]
        reads = sorted([a for a in accesses if a.order > first.order] or accesses, key=lambda a: a.order)

        def context_of(read: Access) -> Text:
            # each read follows the nearest call before it, not the function's first one
            call, chain = index.litellm_call_before(func, read.order) or hit
            return text("read after ", chain.text(" → "), " at ", index.loc(func.file, call.span))

        caller_note = ""
    else:
        caller = _caller_with_call(index, func)
        if caller is None:
            return  # nothing reads it after a call: a dead store or a display-only history
        reads = sorted(accesses, key=lambda a: a.order)
        context = text(
            f"read in {func.facts.qualname}, called by {caller[0].facts.qualname} after "
            f"{caller[1].callee.name}() at ",
            index.loc(caller[0].file, caller[1].span),
        )
        caller_note = f" (called by {caller[0].facts.qualname} after the call)"

        def context_of(read: Access) -> Text:
            return context

    message = (
        f"`{name}` is written by litellm callback `{cb.facts.qualname}` and read here{caller_note}; "
        "litellm runs the callback on its logging thread after the call returns, so this read "
        "sees a previous or another request's data. Read it from the call's response instead"
    )
    evidence = (
        text(f"`{cb.facts.qualname}` is ", index.callbacks[cb.id]),
        text(
            f"the callback writes `{name}` ({_HOW.get(access.how, access.how.replace('method:', '.') + '()')}) at ",
            index.loc(cb.file, access.span),
        ),
        text(f"`{name}` is module-level storage defined at ", defined, ": one copy shared by every thread and request"),
    )
    rmw = _read_modify_write(index, func, qual, accesses)
    payload = CallbackStorage(func.id, qual, cb.id)
    # one finding per line: a `# noqa` covers a line, and three reads in one expression are one site
    reads = list({r.span.line: r for r in reversed(reads)}.values())[::-1]
    # the read-modify-write is told at its own read (or the first one reported)
    rmw_read = None if rmw is None else next((r for r in reads if r is rmw[0]), reads[0])
    for read in reads:
        told = (*evidence[:2], context_of(read), *evidence[2:])
        if rmw is not None and read is rmw_read:
            yield Diagnostic(
                CODE, NAME, func.file.path, read.span, message + _RMW, Confidence.HIGH, told + (rmw[1],), payload=payload
            )
        else:
            yield Diagnostic(CODE, NAME, func.file.path, read.span, message, Confidence.HIGH, told, payload=payload)


_RMW = (
    "; it is also read, then written back after another model call (read-modify-write across "
    "the call): the callback of that call and of concurrent calls writes in between, so the "
    "total loses or double-counts calls"
)


def _read_modify_write(index: ProjectIndex, func: Func, qual: str, reads: list[Access]) -> tuple[Access, Text] | None:
    """The PDD retry shape: storage read, a litellm call, then the storage written back."""
    writes = [w for w in func.facts.writes if index.storage_name(w.target) == qual]
    if not writes:
        return None
    calls = [c for c in func.facts.calls if index.network_call(func, c, litellm_only=True) is not None]
    for w in sorted(writes, key=lambda a: a.order):
        for c in sorted(calls, key=lambda c: c.order):
            if c.order < w.order and any(r.order < c.order for r in reads):
                r = min((r for r in reads if r.order < c.order), key=lambda a: a.order)
                return r, text(
                    "read-modify-write across the call: read at ",
                    index.loc(func.file, r.span),
                    f", {c.callee.name}() at ",
                    index.loc(func.file, c.span),
                    ", written back at ",
                    index.loc(func.file, w.span),
                )
    return None


def _caller_with_call(index: ProjectIndex, func: Func) -> tuple[Func, Call] | None:
    """A caller of ``func`` that made a litellm call (itself or through the project) before calling it."""
    for caller, site in index.callers.get(func.id, []):
        if index.exempt(caller, Where.CALLBACK):
            continue
        hit = index.litellm_call_through(caller)
        if hit is not None and hit[0].order < site.order:
            return caller, hit[0]
    return None


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    # the value comes from the call's own response
    Valid(
        """
        import litellm


        def ask(prompt):
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            cost = resp._hidden_params.get("response_cost")
            return resp, cost
        """
    ),
    # a dead store: the callback writes, nothing reads after a call
    Valid(
        """
        import litellm

        _last = {}


        def record(kwargs, completion_response, start_time, end_time):
            _last["model"] = kwargs.get("model")


        litellm.success_callback = [record]


        def ask(prompt):
            return litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        """
    ),
    # a process-wide debug history that is only displayed, never read after a call
    Valid(
        """
        import litellm

        HISTORY = []


        def remember(kwargs, completion_response, start_time, end_time):
            HISTORY.append(completion_response.usage.total_tokens)


        litellm.success_callback = [remember]


        def show_history():
            for tokens in HISTORY:
                print(tokens)
        """
    ),
    # a handler that only counts on its own instance: no module-level storage
    Valid(
        """
        import litellm
        from litellm.integrations.custom_logger import CustomLogger


        class Counter(CustomLogger):
            def __init__(self):
                super().__init__()
                self.calls = 0

            def log_success_event(self, kwargs, response_obj, start_time, end_time):
                self.calls += 1


        litellm.callbacks = [Counter()]


        def ask(prompt):
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            return resp.choices[0].message.content
        """
    ),
]

# high without concurrency evidence: the callback runs after the call returns, even in one thread
INVALID = [
    # each read after the call is its own finding: the running total is read twice
    Invalid(
        """
        import litellm

        spend = {"usd": 0.0}


        def on_success(kwargs, response, start_time, end_time):
            spend["usd"] += kwargs.get("response_cost", 0.0)


        litellm.success_callback = [on_success]


        def summarize(text):
            reply = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
            print("spent so far", spend["usd"])
            return reply.choices[0].message.content, spend["usd"]
        """,
        15, 27, Confidence.HIGH,
        also=((16, 46, Confidence.HIGH),),
    ),
    Invalid(
        """
        import litellm

        _LAST = {"cost": 0.0}


        def track_cost(kwargs, completion_response, start_time, end_time):
            _LAST["cost"] = kwargs.get("response_cost", 0.0)


        litellm.success_callback = [track_cost]


        def ask(prompt):
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            return resp, _LAST["cost"]
        """,
        15, 18, Confidence.HIGH,
    ),
    # a `global` rebinding, read by a helper that the calling function runs after the call
    Invalid(
        """
        import litellm

        last_tokens = 0


        def count_tokens(kwargs, completion_response, start_time, end_time):
            global last_tokens
            last_tokens = completion_response.usage.total_tokens


        litellm.success_callback.append(count_tokens)


        def usage_of_last_call():
            return last_tokens


        def summarise(text):
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
            return resp.choices[0].message.content, usage_of_last_call()
        """,
        15, 12, Confidence.HIGH,
    ),
    # a CustomLogger event method is a callback too
    Invalid(
        """
        import litellm
        from litellm.integrations.custom_logger import CustomLogger

        USAGE = {}


        class UsageLogger(CustomLogger):
            def log_success_event(self, kwargs, response_obj, start_time, end_time):
                USAGE["tokens"] = response_obj.usage.total_tokens


        litellm.callbacks = [UsageLogger()]


        def answer(question):
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
            tokens = USAGE.get("tokens", 0)
            return resp.choices[0].message.content, tokens
        """,
        17, 14, Confidence.HIGH,
    ),
]
