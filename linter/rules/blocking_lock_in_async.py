"""LLM006 blocking-lock-in-async: a `threading` lock acquired inside `async def`.

## What it does
Finds `with lock:` (a plain `with`, not `async with`) and `lock.acquire()` inside an
`async def`, where the lock is a `threading` (or `multiprocessing`) lock — module-level,
class-level or an instance attribute, also through a `@contextmanager` helper — or a name that
says "lock" used with a plain `with` (an `asyncio.Lock` cannot be used that way, so it is a
thread lock). It is worst when the lock is held across `await`. An `await` of a project
coroutine that never suspends (no `await`, `async for` or `async with` of its own, nor in the
coroutines it awaits: an `async def save()` that writes a file synchronously) does not leave the
loop thread, so a lock held across only such awaits is held briefly.

## Why is this bad
A threading lock blocks the whole thread, and in async code that thread is the event loop: while
one coroutine waits for the lock no other task runs. Held across `await`, the coroutine is
suspended with the lock held; another task on the same loop that reaches the same `with` blocks
the loop thread — with a `Lock` the holder can never resume (deadlock), with an `RLock` the
second task re-enters it and gets no exclusion at all (the loop thread already owns it). The
crewAI PR #4218 shape held a class-level `RLock` across `await litellm.acompletion(...)`.

A threading lock taken without an `await` inside is held only briefly; it blocks the loop only
while another *thread* holds it. Those findings are low confidence and reported with
`--preview`, as is an instance's own lock held across `await` when nothing but the `async def`
suggests that two tasks share the instance (no other method takes it, nothing runs the coroutine
concurrently). A lock that also spans a network call is reported once, by LLM003
`lock-across-network-call`, never by both rules.

## Example
```python
_state_lock = threading.RLock()

async def refresh(key):
    with _state_lock:                  # LLM006
        await asyncio.sleep(0.01)
        _cache[key] = "fresh"
```

## Use instead
An `asyncio.Lock` with `async with` for state shared between tasks, and hold it only for the
update:

```python
_state_lock = asyncio.Lock()

async def refresh(key):
    await asyncio.sleep(0.01)
    async with _state_lock:
        _cache[key] = "fresh"
```

## Fix safety
Unsafe: applied by `llmlint fix --rule blocking-lock-in-async` or `--unsafe-fixes`, with the
same codemod as LLM003 — the `await` leaves the lock and the work before and after it stays
locked. Measured on the thread_lock_in_async fixture: with 8 tasks, all 8 held the `RLock` at
once while suspended before the fix (it excludes nothing on one thread), none after.
`lock.acquire()` calls and brief holds without an `await` get no automatic fix (the
right lock type depends on whether threads share it). An `acquire()` whose `try`/`finally:
release()` spans an `await` is reported once, as held across `await` (high); a lock waited for
on a worker thread (`await asyncio.to_thread(lock.acquire)`) does not block the loop.
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis.facts import NO_SPAN, LockRegion, Ref
from linter.diagnostics import Confidence, Diagnostic, text
from linter.payloads import LockHeld
from linter.analysis.tokens import WITH_LOCK
from linter.prefilter import AllOf, AnyOf
from linter.analysis.needs import builders_of_classes, callers_of_low, lock_definitions, loop_nesters, script_importers, self_test_importers
from linter.demands import Definition, Demand, per_index
from linter.project import Func, Lock, ProjectIndex, Where

CODE = "LLM006"
NAME = "blocking-lock-in-async"
SUMMARY = "threading lock acquired inside async def"
TOKENS = AllOf(rb"async\s+def", AnyOf(WITH_LOCK, rb"acquire\s*\("))  # an async def, and a with over something lock-like or an acquire()

_BLOCKING = ("thread", "process")


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    yield from lock_definitions(index)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callers_of_low(index, check(index))
    yield from builders_of_classes(index)  # how many objects of a class there are, where built
    yield from script_importers(index)  # whether a Streamlit-looking file runs per visitor
    yield from self_test_importers(index)  # whether a module's __main__ block is a library demo
    yield from loop_nesters(index)  # whether asyncio.run() may run inside a running loop


@per_index
def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for func in index.functions.values():
        if not func.facts.is_async or index.exempt(func, Where.START_UP):
            continue
        told = set()  # acquire() calls whose region is reported (here or by LLM003): once per line
        for i, region in enumerate(func.facts.regions):
            if region.is_async_with:
                continue
            lock = index.resolve_lock(func, region)
            if lock is None or not (lock.kind in _BLOCKING or lock.kind == "unknown"):
                continue
            if index.region_network(func, i, region):
                told.add(region.span)
                continue  # LLM003 reports this lock (and says it is held across await)
            if region.taken == "acquire" and not index.suspending_awaits(func, region):
                continue  # the acquire() call's own finding below says it
            told.add(region.span)
            yield _finding(index, func, region, lock)
        for call in func.facts.calls:
            if call.span in told:
                continue
            acquired = _acquired_lock(index, func, call.callee)
            if acquired is not None and "blocking" not in call.keywords and "timeout" not in call.keywords:
                message = (
                    f"`{acquired.label}.acquire()` in async `{func.facts.qualname}` blocks the event loop "
                    "thread until the lock is free: no other task runs meanwhile. Use an asyncio.Lock"
                )
                evidence = (text(f"`{acquired.label}`: ", acquired.description),)
                yield Diagnostic(CODE, NAME, func.file.path, call.span, message, Confidence.MEDIUM, evidence, payload=LockHeld(func.id))


def _acquired_lock(index: ProjectIndex, func: Func, callee: Ref) -> Lock | None:
    if not callee.name.endswith(".acquire") or callee.kind not in ("name", "self"):
        return None
    ref = Ref(callee.kind, callee.name.removesuffix(".acquire"))
    lock = index.resolve_lock(func, LockRegion(ref, NO_SPAN, False, False))
    return lock if lock is not None and lock.kind in _BLOCKING else None


def _finding(index: ProjectIndex, func: Func, region: LockRegion, lock: Lock) -> Diagnostic:
    evidence = [text(f"`{lock.label}`: ", lock.description)]
    chain = index.concurrency_evidence(func)
    if chain is not None:
        evidence.append(text("runs concurrently: ", chain))
    awaits = index.suspending_awaits(func, region)
    if awaits:
        site = awaits[0].span
        message = (
            f"threading lock `{lock.label}` is held across `await` in async `{func.facts.qualname}`: it "
            "blocks the event loop thread while the coroutine is suspended, and another task reaching "
            "it deadlocks (Lock) or gets no exclusion (RLock). Use an asyncio.Lock and release it before awaiting"
        )
        evidence.append(text("`await` inside the lock at ", index.loc(func.file, site)))
        confidence = Confidence.HIGH
        if index.unshared_instance_lock(func, region, lock):
            evidence.append(text(
                "the lock belongs to one instance and only the `async def` suggests concurrent callers: nothing "
                "shows tasks sharing the instance (reported with --preview)"
            ))
            confidence = Confidence.LOW
        payload = LockHeld(func.id, site, lock.helper, lock.narrowable)
    else:
        message = (
            f"threading lock `{lock.label}` is acquired in async `{func.facts.qualname}`: while another "
            "thread holds it the event loop thread is blocked. Use an asyncio.Lock for state shared by tasks"
        )
        held = "no `await` inside" if not region.awaits else "every `await` inside is of a coroutine that never suspends"
        evidence.append(text(f"{held}: held briefly (reported with --preview)"))
        confidence = Confidence.LOW
        payload = LockHeld(func.id)
    return Diagnostic(CODE, NAME, func.file.path, region.span, message, confidence, tuple(evidence), payload=payload)


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    # the docs' "use instead": an asyncio.Lock, held only for the update
    Valid(
        """
        import asyncio

        _state_lock = asyncio.Lock()
        _cache = {}


        async def refresh(key):
            await asyncio.sleep(0.01)
            async with _state_lock:
                _cache[key] = "fresh"
        """
    ),
    # the blocking work with its threading lock goes to a worker thread
    Valid(
        """
        import asyncio
        import threading

        _LOCK = threading.Lock()
        _ROWS = []


        def _append_row(row):
            with _LOCK:
                _ROWS.append(row)
                return len(_ROWS)


        async def save(row):
            return await asyncio.to_thread(_append_row, row)
        """
    ),
    # held across a network call: LLM003's finding, never both codes on one line
    Valid(
        """
        import threading

        import httpx

        _state_lock = threading.RLock()


        async def fetch(url):
            async with httpx.AsyncClient() as client:
                with _state_lock:
                    response = await client.get(url)
            return response.text
        """
    ),
]

INVALID = [
    # the docs' example: held across await, high
    Invalid(
        """
        import asyncio
        import threading

        _state_lock = threading.RLock()
        _cache = {}


        async def refresh(key):
            with _state_lock:
                await asyncio.sleep(0.01)
                _cache[key] = "fresh"
        """,
        9, 10, Confidence.HIGH,
    ),
    # held briefly, no await inside: low, shown with --preview
    Invalid(
        """
        import asyncio
        import threading

        _lock = threading.Lock()
        _rows = []


        async def record(row):
            with _lock:
                _rows.append(row)
            await asyncio.sleep(0)
        """,
        9, 10, Confidence.LOW,
    ),
    # acquire() without a timeout blocks the loop until the lock is free: medium
    Invalid(
        """
        import threading


        class Store:
            def __init__(self):
                self._lock = threading.Lock()
                self.items = []

            async def add(self, item):
                self._lock.acquire()
                try:
                    self.items.append(item)
                finally:
                    self._lock.release()
        """,
        10, 9, Confidence.MEDIUM,
    ),
    # taken through a @contextmanager helper that yields inside the lock
    Invalid(
        """
        import asyncio
        import threading
        from contextlib import contextmanager


        class Cache:
            def __init__(self):
                self._lock = threading.Lock()
                self.data = {}

            @contextmanager
            def _locked(self):
                with self._lock:
                    yield

            async def refresh(self, key):
                with self._locked():
                    await asyncio.sleep(0.01)
                    self.data[key] = "fresh"
        """,
        17, 14, Confidence.HIGH,
    ),
]
