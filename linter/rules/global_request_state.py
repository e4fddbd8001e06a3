"""LLM008 global-request-state: module-level state used to pass one request's values between functions.

## What it does
Finds a module-level variable or dict that a function running concurrently (an `async def` whose
callers are not all known, a web or UI handler, a thread / executor / task target, or a function
called from one) sets for the request it is
serving — a `global` rebinding (`current_user = user`) or an item with a constant key
(`REQUEST["tenant"] = tenant`) — and that is then read on the same request's flow: by a function
it calls (directly or through project functions), or by itself after a network call (one it
makes, not one inside a lambda it hands to a timer or a button).
Class-level storage (`cls._state["user"] = user`, `Session.current = user`) is one copy for the
process too, and is treated like its module-level twin. Also reported: a UI event handler (a
Gradio event or Interface function, a Streamlit widget callback) that stores its visitor's input
in such state for other event handlers to read (`OPENAI_KEY = key` in a key box's `.submit`,
read by the chat's handler): every visitor's events run in one process, so each visitor gets
whatever another set last. And an entry keyed by a shared
counter that is incremented after the write, outside any `with` block
(`HISTORY[COUNT] = entry; COUNT += 1`): concurrent calls read the same count and overwrite each
other's entry. Each write site is its own finding.

A synchronous function called directly from a coroutine runs on the event loop thread: no other
task runs until it returns, so its write and read-back are only reported with evidence of
threads (a thread / executor target, a sync route a framework runs in its thread pool).

## Why is this bad
A module has one copy of the variable for the whole process. Two requests served at once (two
asyncio tasks interleaving at every `await`, or two threads) both write it; whichever wrote last
wins, and the other request reads a stranger's user, tenant or budget. With litellm the window
is the whole model call: with 8 concurrent tasks that set the user, await `acompletion()` and
then read the user back, nearly every read belongs to another request (see the runtime test
numbers in the README).

## Example
```python
current_user = None

def audit_tag():
    return f"user={current_user}"

async def answer(user, question):
    global current_user
    current_user = user                       # LLM008
    resp = await litellm.acompletion(model="gpt-4o-mini", messages=[...])
    return resp.choices[0].message.content, audit_tag()
```

## Use instead
A `contextvars.ContextVar`: every asyncio task runs in its own copy of the context, and every
thread has its own, so a value set for one request is seen by that request's flow only.

```python
current_user = contextvars.ContextVar("current_user", default=None)

def audit_tag():
    return f"user={current_user.get()}"

async def answer(user, question):
    current_user.set(user)
    ...
```

Not reported: state set once at start-up (module level, `main()`, cached set-up), state one handler leaves for another when
the value is no visitor's input (a literal, the environment, a call's result such as a model
loaded or a list fetched from a server), the handler also saves it to a file at a fixed place
(`past = df; df.to_csv(LOG)`: the app's shared data, kept for everyone on purpose) or the
handler is a web route (an endpoint may be an operator's setting for everyone), a value every
call computes alike from process-wide facts (a table rebuilt from a file at a fixed path, the
environment, module constants: a concurrent reader gets an equal value), flags and
resets (a literal such as `True`, `None` or `0` written: the same for every request; but a count
reset for the call that a function on its flow counts up and reads back, `attempts = 0` then
`attempts += 1; budget = 4096 - attempts * 256` in its retry helper, is the call's own), counters and
histories (`+=`, `.append()`; an entry keyed by the counter is, above), lazy initialisation and cache fills (the writer tests the state
before it sets it: `if _CONFIG is None: _CONFIG = load()`, or runs only while a sibling is
empty in the branch that fills it: `if cls._headers is None: cls._cookies = c; cls._headers = h`; a read that tests nothing, the old
value put in a prompt, makes no fill; a value made from the old one on the write's line,
`X["cost"] = X.get("cost", 0) + c`, is an update like `+=`), caches keyed by a variable (`CACHE[key] = value`), state nothing
on the writer's flow reads, code that runs in a process pool (one copy per process), state a
Streamlit script defines for itself (Streamlit executes the script in a fresh namespace on every
run: one copy per run; a module the script imports is shared and reported), test code.
Without concurrency evidence (a plain function that is never shown to run concurrently) the
finding has low confidence and is shown only with `--min-confidence low`.

## Fix safety
Unsafe: applied by `llmlint fix --rule global-request-state` or `--unsafe-fixes`. The contextvar
codemod turns the binding into `contextvars.ContextVar("<name>", default=<old value>)`, every read
into `<name>.get()`, a rebinding into `<name>.set(value)` (dropping the `global` declaration) and
an item write into a copy-on-write `<name>.set({**<name>.get(), "key": value})`, in the defining
module and in every project module that reads it. Behaviour changes on purpose: a value set by
one request is no longer visible to other requests. Refused (with the reason) when the state is
mutated in other ways (`.update()`, `del`, attribute writes, writes from another module),
when a name shadows it in a way the codemod cannot follow, or when a reader runs in a thread
started by the request (a plain thread does not inherit the caller's context).
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis.facts import Access
from linter.diagnostics import Confidence, Diagnostic, join, text
from linter.payloads import RequestState
from linter.analysis.tokens import MODULE_STATE_WRITE
from linter.analysis.needs import builders_of_classes, callers_of_low, loop_nesters, provenance_sources, script_importers, self_test_importers
from linter.demands import Definition, Demand, per_index
from linter.project import Func, ProjectIndex, Where

CODE = "LLM008"
NAME = "global-request-state"
SUMMARY = "Module-level state used to pass one request's values between functions"
# a `global` declaration, or an item assignment with a constant string key
TOKENS = MODULE_STATE_WRITE  # `global x`, or `STATE["key"] = v` on module-level / imported storage

_SKIP_KINDS = ("lock", "thread-local", "contextvar", "client")
_ELSEWHERE = frozenset(["os.environ"])  # process environment: LLM005 global-client-config
FLOW_DEPTH = 4  # how deep "a function it calls" is followed


def per_request_writes(func: Func) -> list[Access]:
    """Writes that set a value for the current request (not counters, histories or caches)."""
    return [a for a in func.facts.writes if (a.how == "rebind" or (a.how == "item" and a.key)) and not a.constant]


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    names: set[str] = set()
    for f in index.files:
        for fn in f.functions.values():
            # the module that defines state set for a request, and the helpers on the flow of
            # a function that sets it (they may read it) may live in files the byte scan skipped
            state = [a.target for a in fn.writes if a.how == "rebind" or (a.how == "item" and a.key)]
            if state:
                names.update(state)
                names.update(c.callee.name for c in fn.calls if c.callee.kind == "name")
    yield from map(Definition, names)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callers_of_low(index, check(index))
    yield from builders_of_classes(index)  # how many objects of a class there are, where built
    yield from script_importers(index)  # whether a Streamlit-looking file runs per visitor
    yield from self_test_importers(index)  # whether a module's __main__ block is a library demo
    yield from loop_nesters(index)  # whether asyncio.run() may run inside a running loop
    yield from provenance_sources(index)  # where the values set come from (asked by the check)


@per_index
def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for func in index.functions.values():
        if index.exempt(func, Where.TEST | Where.SET_UP_SCOPE | Where.CALLBACK):
            continue
        sites: list[tuple[str, Access]] = []
        for access in per_request_writes(func) + _count_resets(index, func):
            hit = index.binding(access.target)
            if hit is None or hit[1].kind in _SKIP_KINDS or hit[2] in _ELSEWHERE or index.copy_per_run(hit[0]):
                continue
            sites.append((hit[2], access))
        counted = list(_counter_keyed(index, func))
        if not (sites or counted) or index.exempt(func, Where.START_UP | Where.PROCESS_POOL):
            continue  # (a process-pool task has one copy of the module per worker process)
        # one finding per write site: a suppression or a baseline entry covers that site only
        for qual, write in sorted(sites, key=lambda s: s[1].order):
            finding = _finding(index, func, qual, write)
            if finding is not None:
                yield finding
        for table, counter, write, bump in counted:
            yield _counter_finding(index, func, table, counter, write, bump)


def _count_resets(index: ProjectIndex, func: Func) -> list[Access]:
    """``attempts = 0`` where a function on this call's flow counts it up and reads it back
    (``attempts += 1; budget = 4096 - attempts * 256``): a literal, but it starts this call's
    own count, which concurrent calls reset and bump in between (sweep's retry_counter)."""
    out: list[Access] = []
    for write in func.facts.writes:
        if write.how != "rebind" or not write.constant:
            continue
        qual = index.storage_name(write.target)
        readers = readers_on_flow(index, func, qual, write.order)
        if any(r.id != func.id and any(a.how == "augmented" and index.storage_name(a.target) == qual for a in r.facts.writes) for r, _ in readers):
            out.append(write)
    return out


def _level(binding_scope: str) -> str:
    return "class-level" if binding_scope == "class" else "module-level"


def _counter_keyed(index: ProjectIndex, func: Func) -> Iterator[tuple[str, str, Access, Access]]:
    """``HISTORY[COUNT] = entry`` then ``COUNT += 1``, outside any ``with``, on shared storage:
    two concurrent calls read the same count, so one entry overwrites the other."""
    for write in func.facts.writes:
        if write.how != "item" or not write.key_from or write.locked:
            continue
        table, counter = index.binding(write.target), index.binding(write.key_from)
        if table is None or counter is None or table[1].kind in _SKIP_KINDS or counter[1].kind in _SKIP_KINDS or index.copy_per_run(table[0]):
            continue
        bump = next(
            (a for a in func.facts.writes if a.how == "augmented" and not a.locked and a.order > write.order
             and index.storage_name(a.target) == counter[2]),
            None,
        )
        if bump is not None:
            yield table[2], counter[2], write, bump


def _counter_finding(index: ProjectIndex, func: Func, table: str, counter: str, write: Access, bump: Access) -> Diagnostic:
    hit = index.binding(table)
    assert hit is not None
    f, binding, _ = hit
    name, count = table.rsplit(".", 1)[-1], counter.rsplit(".", 1)[-1]
    chain = index.concurrency_evidence(func)
    message = (
        f"`{name}` is {_level(binding.scope)} state keyed by the shared counter `{count}`, which is "
        "incremented after the write without a lock: calls served concurrently read the same count, "
        "so one call's entry overwrites another's and the count skips. Take one lock around the read, "
        "the write and the increment, or keep the entries per request"
    )
    evidence = [
        text("runs concurrently: ", chain) if chain is not None else text("no evidence that this function runs concurrently (low confidence)"),
        text(f"`{name}` is defined at ", index.loc(f, binding.span), ": one copy for the whole process"),
        text(f"`{count}` is incremented at ", index.loc(func.file, bump.span)),
    ]
    return Diagnostic(CODE, NAME, func.file.path, write.span, message, Confidence.HIGH if chain else Confidence.LOW, tuple(evidence))


def readers_on_flow(index: ProjectIndex, func: Func, qual: str, after: int) -> list[tuple[Func, Access]]:
    """Reads of ``qual`` on ``func``'s own flow: in functions it calls (to FLOW_DEPTH), or in
    ``func`` itself after a network call that follows the write."""
    out: list[tuple[Func, Access]] = []
    # a call inside a lambda runs when the lambda is called, not here (AI-Vtuber's timer toggle
    # hands ``lambda: screenshot_and_send()`` to ``ui.timer``: no request was made before the read)
    network = [c.order for c in func.facts.calls if c.order > after and not c.deferred and index.network_call(func, c) is not None]
    for access in func.facts.reads:
        if network and access.order > min(network) and index.storage_name(access.target) == qual:
            out.append((func, access))
            break
    seen = {func.id}
    frontier = [func]
    for depth in range(FLOW_DEPTH):
        nxt: list[Func] = []
        for caller in frontier:
            for call in caller.facts.calls:
                if depth == 0 and call.order < after:
                    continue  # called before the write (e.g. the function computing the value)
                callee = index.resolve_function(call.callee, caller)
                if callee is None or callee.id in seen or index.exempt(callee, Where.TEST):
                    continue
                seen.add(callee.id)
                nxt.append(callee)
                read = next((a for a in callee.facts.reads if index.storage_name(a.target) == qual), None)
                if read is not None:
                    out.append((callee, read))
        frontier = nxt
    return out


def _finding(index: ProjectIndex, func: Func, qual: str, write: Access) -> Diagnostic | None:
    if any(
        index.storage_name(a.target) == qual and (a.tested if a.order < write.order else a.span.line == write.span.line and not a.tested)
        for a in func.facts.reads
    ):
        # checked before it is set: a lazy initialisation or a cache fill, shared on purpose; or
        # updated from its own value on the write's line (``X["cost"] = X.get("cost", 0) + c``,
        # ``X = [m for m in X if m]``), an update in place like ``+=`` (not ``X = new() or X``:
        # the old value is kept only when there is no new one). A read that tests
        # nothing, the old value put in a prompt, makes no fill: a route that then rebinds the
        # graph every request and returns it after a database round trip is reported
        return None
    if index.filled_with_sibling(func, write):
        return None  # filled with a sibling that the branch tests empty: once, not per request
    readers = readers_on_flow(index, func, qual, write.order)
    if not readers:
        # a dead store, or state other flows read (process-wide settings); but a UI event
        # handler setting it for its visitor leaves it for every visitor's other handlers
        return _left_for_other_handlers(index, func, qual, write)
    if index.process_wide(func, write) is not None:
        return None  # every call sets the same value: a concurrent reader gets an equal one
    hit = index.binding(qual)
    assert hit is not None
    f, binding, _ = hit
    name = qual.rsplit(".", 1)[-1]
    # the write and its readers on this flow run within one call of ``func``: a synchronous
    # one called from a coroutine cannot be interleaved by the loop's other tasks
    chain = index.concurrency_evidence(func, tasks=False)
    who = join(
        ", ",
        (
            text(f"`{r.facts.qualname}` at " if r.id != func.id else "this function after its network call at ", index.loc(r.file, a.span))
            for r, a in readers[:3]
        ),
    )
    what = f'item ["{write.key}"]' if write.how == "item" else "count" if write.constant else "value"
    message = (
        f"`{name}` is {_level(binding.scope)} state: this request sets its {what} here and its own flow reads it back "
        f"({readers[0][0].facts.qualname}); requests served concurrently overwrite each other's value in "
        "between, so one request reads another's. Use a contextvars.ContextVar"
    )
    evidence = [
        text(f"`{name}` is defined at ", index.loc(f, binding.span), ": one copy for the whole process"),
        text("read on this request's flow by ", who),
    ]
    if chain is not None:
        evidence.insert(0, text("runs concurrently: ", chain))
    else:
        evidence.insert(0, text("no evidence that this function runs concurrently (low confidence)"))
    payload = RequestState(func.id, qual)
    return Diagnostic(CODE, NAME, func.file.path, write.span, message, Confidence.HIGH if chain else Confidence.LOW, tuple(evidence), payload=payload)


def readers_in_other_handlers(index: ProjectIndex, func: Func, qual: str) -> list[tuple[Func, Access]]:
    """Reads of ``qual`` by the UI event handlers of ``func``'s program other than ``func``, or by
    the functions they call (to FLOW_DEPTH)."""
    out: list[tuple[Func, Access]] = []
    seen: set[str] = {func.id}
    for other in index.functions.values():
        if other.id in seen or index.ui_event_handler(other) is None or not index.is_evidence(other, func) or index.exempt(other, Where.TEST):
            continue
        own = next((a for a in other.facts.reads if index.storage_name(a.target) == qual), None)
        found = ([(other, own)] if own is not None else []) + readers_on_flow(index, other, qual, -1)
        for reader, access in found:
            if reader.id not in seen:
                seen.add(reader.id)
                out.append((reader, access))
    return sorted(out, key=lambda r: (r[0].file.path, r[1].span.line))


def _left_for_other_handlers(index: ProjectIndex, func: Func, qual: str, write: Access) -> Diagnostic | None:
    """A UI event handler stores its visitor's value (a parameter: what the visitor typed or
    chose, or something made from it) in shared state that other event handlers read: the
    toolkit runs every visitor's events in one process, so each visitor's handlers read
    whichever visitor set it last (JARVIS's demo: the key typed into one textbox's .submit,
    read by the chat's handlers; HuixiangDou's language and pipeline dropdowns). Flags and
    values computed alike for everyone (literals, the environment, files) are not reported, nor a
    call's result: counted as the visitor's, text-generation-webui's extension handlers gave 4
    findings storing what they fetched from the local Stable Diffusion server or loaded (a Whisper
    model by name), the single-operator app's own settings."""
    why = index.ui_event_handler(func)
    if why is None or index.value_kind(func, write) != "request" or index.persists(func):
        return None  # (saved to a file as well: the app's shared data, for everyone on purpose)
    readers = readers_in_other_handlers(index, func, qual)
    if not readers:
        return None
    hit = index.binding(qual)
    assert hit is not None
    f, binding, _ = hit
    name = qual.rsplit(".", 1)[-1]
    what = f'item ["{write.key}"]' if write.how == "item" else "value"
    message = (
        f"`{name}` is {_level(binding.scope)} state: this UI event handler sets its {what} from its visitor's input and "
        f"other handlers read it ({readers[0][0].facts.qualname}); every visitor's events run in one process, so a "
        "visitor's handlers use whatever another visitor set last. Keep it per session (gr.State, st.session_state)"
    )
    who = join(", ", (text(f"`{r.facts.qualname}` at ", index.loc(r.file, a.span)) for r, a in readers[:3]))
    evidence = (
        text("a UI event handler: ", why),
        text(f"`{name}` is defined at ", index.loc(f, binding.span), ": one copy for the whole process"),
        text("read by other event handlers' flows: ", who),
    )
    # no codemod: a ContextVar would keep the value from the other handlers altogether
    return Diagnostic(CODE, NAME, func.file.path, write.span, message, Confidence.HIGH, evidence)


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    # the docs' "use instead": a ContextVar
    # the counter-keyed entry is written and counted under one lock
    Valid(
        """
        import threading

        import litellm

        _lock = threading.Lock()
        _log = {}
        _n = 0


        def record(prompt):
            global _n
            reply = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            with _lock:
                _log[_n] = reply.usage.total_tokens
                _n += 1
            return reply
        """
    ),
    # class-level registry filled by name (a cache keyed by a variable), and a class-level flag
    Valid(
        """
        class Tools:
            _registry = {}
            _frozen = False

            @classmethod
            def register(cls, name, fn):
                cls._registry[name] = fn
                cls._frozen = True

            @classmethod
            def lookup(cls, name):
                return cls._registry[name]


        async def handle(name, fn):
            Tools.register(name, fn)
            return Tools.lookup(name)
        """
    ),
    Valid(
        """
        import contextvars

        import litellm

        current_user = contextvars.ContextVar("current_user", default=None)


        def audit_tag():
            return f"user={current_user.get()}"


        async def answer(user, question):
            current_user.set(user)
            resp = await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
            return resp.choices[0].message.content, audit_tag()
        """
    ),
    # a counter and a cache keyed by a variable: shared on purpose
    Valid(
        """
        import litellm

        REQUESTS = 0
        _CACHE = {}


        def cached(prompt):
            return _CACHE.get(prompt)


        async def answer(prompt):
            global REQUESTS
            REQUESTS += 1
            resp = await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            _CACHE[prompt] = resp.choices[0].message.content
            return cached(prompt)
        """
    ),
    # lazy initialisation: checked before it is set, the same value for every request
    Valid(
        """
        import httpx
        import litellm

        _CONFIG = None


        def config():
            return _CONFIG or {}


        async def answer(question):
            global _CONFIG
            if _CONFIG is None:
                _CONFIG = httpx.get("https://config.example/llm").json()
            resp = await litellm.acompletion(
                model="gpt-4o-mini", messages=[{"role": "user", "content": question}], timeout=config().get("timeout", 30)
            )
            return resp.choices[0].message.content
        """
    ),
]

INVALID = [
    # the docs' example: an async def, high
    # class-level storage set for the request and read back on its flow, like a module's dict
    Invalid(
        """
        import litellm


        class Tenant:
            current = {}

            @classmethod
            def name(cls):
                return cls.current["name"]

            @classmethod
            async def answer(cls, tenant, question):
                cls.current["name"] = tenant
                reply = await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
                return f"{cls.name()}: {reply.choices[0].message.content}"
        """,
        13, 9, Confidence.HIGH,
    ),
    # an entry keyed by a shared counter bumped after the write: concurrent calls overwrite
    Invalid(
        """
        import litellm


        class Ledger:
            entries = {}
            next_id = 0


        async def charge(prompt):
            reply = await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            Ledger.entries[Ledger.next_id] = reply.usage.total_tokens
            Ledger.next_id += 1
            return reply
        """,
        11, 5, Confidence.HIGH,
    ),
    Invalid(
        """
        import litellm

        current_user = None


        def audit_tag():
            return f"user={current_user}"


        async def answer(user, question):
            global current_user
            current_user = user
            resp = await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
            return resp.choices[0].message.content, audit_tag()
        """,
        12, 5, Confidence.HIGH,
    ),
    # an item with a constant key, read back by the thread target itself after its call
    Invalid(
        """
        import threading

        import litellm

        JOB = {"id": None}


        def run_job(job_id, prompt):
            JOB["id"] = job_id
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            print("finished", JOB["id"])
            return resp


        def submit(job_id, prompt):
            threading.Thread(target=run_job, args=(job_id, prompt)).start()
        """,
        9, 5, Confidence.HIGH,
    ),
    # no evidence that it runs concurrently: low, shown with --min-confidence low
    Invalid(
        """
        REQUEST = {"tenant": None}


        def tenant_prefix():
            return f"[{REQUEST['tenant']}]"


        def render(tenant, text):
            REQUEST["tenant"] = tenant
            return tenant_prefix() + text
        """,
        9, 5, Confidence.LOW,
    ),
]
