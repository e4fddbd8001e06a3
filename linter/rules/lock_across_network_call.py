"""LLM003 lock-across-network-call: a lock held while a network call (or an `await`) runs.

## What it does
Finds `with lock:` / `async with lock:` blocks, and `lock.acquire()` followed by
`try: ... finally: lock.release()` (also `await loop.run_in_executor(pool, lock.acquire)` /
`await asyncio.to_thread(lock.acquire)`) — module-level, class-level (`LLM._lock`), instance
(`self._lock`, also a dataclass/pydantic field's `default_factory=threading.Lock`) or local locks
made by `threading`, `asyncio` or `multiprocessing`, and `@contextmanager` helpers whose `yield`
sits inside such a lock — that contain a network call:
the litellm call family (`completion`, `acompletion`, `embedding`, `responses`, `Router`
methods, ...), openai / anthropic client calls, `requests`, `httpx`, `aiohttp`, `urllib`,
sockets; directly or through a function of the project that makes one (up to 3 calls deep).
A `threading` lock held across `await` without a network call inside is LLM006
`blocking-lock-in-async`'s; when the lock also spans a network call this rule reports it (once,
saying that it is held across `await` too), so one line never gets both codes.

## Why is this bad
The lock serialises every caller for the whole network latency: crewAI's class-level `RLock`
around `LLM.call` (PR #4218) made 8 threads 7.7× slower at 50 ms latency, and a class-level lock
serialises every agent in the process. It does not even make litellm callbacks correct: they run
after the call returns, when the lock is already released. A `threading` lock held across
`await` blocks the event loop thread, and an `RLock` gives no exclusion between tasks on one loop.

Findings need concurrency evidence — the function is reached from a web or UI handler, a
thread / executor / task target, a litellm callback or an `async def` whose callers are not all
known (the evidence names the chain) — and are otherwise reported only with `--preview`
(`--min-confidence low`): a lock that no concurrent caller contends costs nothing. So is an instance's own lock (`self._lock`, taken
by no other method) whose only sign of concurrent callers is that its coroutine is an `async
def`, when its body serves no keyed state: one owner driving the object from one loop (an
agent's tool, a manager's reconcile loop) never waits behind itself; and so is one whose
coroutine only a method refusing a second run starts (`if self.running: return`, then
`create_task(self._poll())`): one polling task per instance. A pool's lock around a
lookup by key (`if sid in self._sessions`) serves many callers and stays reported. So is a
lock whose every holder is the program's own background work: start-up code, or one thread or
asyncio task started at one place by code that is not itself request work (a node agent's
heartbeat and watch loops reconciling its processes under one lock, a crashed process's restart
task): its holders wait for each other on purpose and no request waits behind them. One holder
reached from a handler, a callback, a worker, a pool's `map`, a spawn in a loop or an `async def`
nothing in the program calls keeps the finding at its grade.

Single-flight locks — a lock around a check and a fill of the same shared state
(`with lock: if self._token is None: self._token = fetch()`, or a method of the class that does
the fill: `if self.proc is None: self._start()`) — serialise on purpose and are not reported.
A fill of a cache keyed by a variable under one lock for every key is reported (a hit on one
key waits for another key's fetch) unless the cache is also checked before the lock is taken
(double-checked: hits never take it; the fill may come after the lock is released, the lock
then being there to run one fill at a time), in the same function or by every caller of a function
whose lock re-checks the same lookup first (`cached = self._cached(k); if cached: return
cached`, called only after `if self._cached(k) is None`); so is a re-test of a local (a reply post-processed under
the lock). A lock picked per key (`lock = await get_user_lock(user.id)`, `self._locks[key]`,
`LOCKS.setdefault(path, Lock())`, or the lock of an object picked so: `state =
self._states.get(user_id)`, then `async with state.lock:`) makes only calls with the same key wait for each other, which
is what it is for (one refresh per user): reported only with `--preview`. A semaphore that admits
several (`asyncio.Semaphore(10)`, or one known only by its name, `async with semaphore:` on a
parameter) is a limiter, not a lock, and so is the reader side of a reader-writer lock known by its
name (`async with self._rw.reader_lock:`): every reader holds it at once. Inter-process locks (`filelock.FileLock`, `SoftFileLock`, portalocker, fasteners)
guard a file, not the threads of one process, and are not locks here. Nor is a lock a function
makes for itself on every call and only takes and releases (`lock = threading.Lock()` then
`with lock:`, never passed, stored, returned or seen by a nested function): no other caller can
ever hold it, so it serialises nothing (a lock made so and handed to workers is reported). Locks held only for a
counter update, and code that only runs at start-up, are not reported.

## Example
```python
class LLM:
    _lock = threading.RLock()

    def call(self, messages):
        with self._lock:                            # LLM003
            return litellm.completion(model=self.model, messages=messages)
```

## Use instead
Hold the lock only for the shared-state update, not the network call:

```python
    def call(self, messages):
        resp = litellm.completion(model=self.model, messages=messages)
        with self._lock:
            self.total_tokens += resp.usage.total_tokens
        return resp
```

## Fix safety
Unsafe (calls that were serialised now run concurrently, which is the point): applied by
`llmlint fix --rule lock-across-network-call` or `--unsafe-fixes`. The `with` block is split:
the statements before the network call stay under the lock, the statement with the call moves
out of it (an assignment to an attribute or item is split through a local variable so the write
stays locked), and the statements after it go back under the lock unless they only compute
locals and return. When the lock is taken by a `@contextmanager` helper, the helper is
narrowed instead: its `yield` leaves the lock, so no caller's body runs under it. Measured with real litellm (50 ms latency, 8 threads): the crewAI
class-lock fixture runs ≥ 5× faster after the fix and every call still gets its own answer.

No automatic fix when the `with` has several items or an `as` target, or the call sits inside
a nested compound statement (`if`, `for`, `try`, ...) under the lock; nor for a lock taken with
`acquire()` (no block to split), or one known only by its name (`self._lock` passed in: it may
guard something a narrowed section breaks): only a thread or asyncio lock whose factory is seen.
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis.facts import LockRegion
from linter.diagnostics import Confidence, Diagnostic, text
from linter.payloads import LockHeld
from linter.analysis.tokens import WITH_LOCK_BLOCK
from linter.prefilter import AllOf, AnyOf
from linter.analysis.needs import builders_of_classes, callers_of_low, lock_definitions, lock_region_implementers, loop_nesters, script_importers, self_test_importers
from linter.demands import Callers, Definition, Demand, per_index
from linter.project import Func, Lock, ProjectIndex, Where

CODE = "LLM003"
NAME = "lock-across-network-call"
SUMMARY = "Lock held across a network call or an await"
# A lock (``tokens.LOCK``'s words, one literal-led regex each: the regex engine finds a
# literal prefix at memory speed and tries an alternation of classes at every position, 25x
# slower), and a with-block holding a network call, await or yield.
TOKENS = AllOf(
    AnyOf(rb"lock", rb"Lock", rb"LOCK", rb"Semaphore", rb"Condition", rb"mutex", rb"Mutex", rb"_sem\b"),
    AnyOf(WITH_LOCK_BLOCK, rb"acquire\b"),  # or a lock taken by acquire() (released in finally)
)


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    yield from lock_definitions(index)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callers_of_low(index, check(index))
    for func in index.functions.values():
        if not func.facts.regions or index.exempt(func, Where.START_UP):
            continue
        for i, region in enumerate(func.facts.regions):
            lock = index.resolve_lock(func, region)
            if lock is None or not index.region_network(func, i, region):
                continue
            holders = index.lock_holders_of(func, region, lock)
            if not any(map(index.request_driven, holders)):
                # only background work takes it: a caller anywhere up the route, in a file the
                # byte scan skipped, may be a request handler
                yield from (Callers(i) for h in holders for i in sorted(index.request_route(h)))
    yield from builders_of_classes(index)  # how many objects of a class there are, where built
    yield from script_importers(index)  # whether a Streamlit-looking file runs per visitor
    yield from self_test_importers(index)  # whether a module's __main__ block is a library demo
    yield from loop_nesters(index)  # whether asyncio.run() may run inside a running loop
    yield from lock_region_implementers(index)  # the network call may be in a subclass
    # a lock that re-checks a lookup is double-checked only if every caller checked it first:
    # files the byte scan skipped may hold a caller that does not (``Locks.double_checked``)
    for func in index.functions.values():
        if any(region.recheck for region in func.facts.regions):
            yield Callers(func.id)
    for holders in index.lock_holders.values():
        # one holder's concurrent callers grade every holder of a shared lock: files the byte
        # scan skipped may hold them
        if len(holders) > 1:
            yield from (Callers(h.id) for h in holders if index.concurrency_evidence(h) is None)
    for i, func in index.functions.items():
        # a ``with lock: yield`` helper whose callers decide (the finding is at the ``with
        # helper():`` of a caller): files the byte scan skipped may hold a concurrent one
        if any(r.yields for r in func.facts.regions) and not index.exempt(func, Where.START_UP) and index.concurrency_evidence(func) is None:
            yield Callers(i)


@per_index
def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for func in index.functions.values():
        if not func.facts.regions or index.exempt(func, Where.START_UP):
            continue
        for i, region in enumerate(func.facts.regions):
            lock = index.resolve_lock(func, region)
            if lock is None:
                continue
            finding = _finding(index, func, i, region, lock)
            if finding is not None:
                yield finding


def _finding(index: ProjectIndex, func: Func, i: int, region: LockRegion, lock: Lock) -> Diagnostic | None:
    network = index.region_network(func, i, region)
    awaits = index.suspending_awaits(func, region) if func.facts.is_async and lock.kind == "thread" and not region.is_async_with else []
    if not network:
        return None  # a threading lock in async def without a network call is LLM006's
    evidence = [text(f"`{lock.label}`: ", lock.description)]
    if network:
        call, chain = network[0]
        what = str(chain.steps[-1])
        via = f" through {' → '.join(str(s) for s in chain.steps[:-1])}" if len(chain.steps) > 1 else ""
        message = (
            f"`{lock.label}` is held across the network call {what}{via}: every caller waits for "
            "the whole request of the one holding it, serialising all calls that share the lock"
        )
        if "litellm" in what:
            message += "; litellm callbacks still run after the lock is released, so it does not make them correct either"
        evidence.append(text("network call at ", index.loc(func.file, call.span), ": ", chain.text(" → ")))
    else:
        message = (
            f"threading lock `{lock.label}` is held across `await` in async `{func.facts.qualname}`: "
            "it blocks the event loop thread while the coroutine is suspended"
        )
    if awaits and network:
        message += "; it is a threading lock held across `await`, which also blocks the event loop"
    if awaits:
        evidence.append(text("`await` inside the lock at ", index.loc(func.file, awaits[0].span)))
    chain = index.concurrency_evidence(func)
    shared = index.lock_contention_evidence(func, lock) if chain is None else None
    holders = index.lock_holders_of(func, region, lock)
    keyed = region.keyed and not lock.shared and not (region.local is not None and region.local.kind == "lock")
    if keyed:
        # one lock per key (a user, a file, a model): only calls for the same key wait for each
        # other, which is what such a lock is for (onyx coalesces one user's token refreshes)
        evidence.append(text(f"a lock per key, `{region.keyed}`: only calls with the same key wait (reported with --preview)"))
        confidence = Confidence.LOW
    elif (chain is not None or shared is not None) and not any(map(index.request_driven, holders)):
        # the waits are the program's own background tasks': no request waits behind the lock
        names = ", ".join(sorted({h.facts.qualname for h in holders}))
        evidence.append(text(
            f"only the program's own background work takes the lock ({names}): start-up code, or tasks and threads "
            "it starts once, not per request (reported with --preview)"
        ))
        confidence = Confidence.LOW
    elif shared is not None:
        evidence.append(text("contended: ", shared))
        confidence = Confidence.HIGH
    elif chain is not None and index.unshared_instance_lock(func, region, lock):
        if index.concurrency_evidence(func, presume=False) is not None:
            evidence.append(text(
                f"the lock belongs to one instance, and {func.facts.qualname} runs in one task at a time per instance: "
                "only methods that refuse a second run start it (reported with --preview)"
            ))
        else:
            evidence.append(text(
                f"the lock belongs to one instance and only the `async def` suggests concurrent callers: nothing shows "
                "tasks sharing the instance (reported with --preview)"
            ))
        confidence = Confidence.LOW
    elif chain is not None:
        evidence.append(text("runs concurrently: ", chain))
        confidence = Confidence.HIGH if lock.shared or awaits else Confidence.MEDIUM
    else:
        # serialising callers only costs something when there are concurrent callers
        evidence.append(text(f"no concurrent caller found for {func.facts.qualname} (reported with --preview)"))
        confidence = Confidence.LOW
    target = network[0][0].span if network else awaits[0].span
    payload = LockHeld(func.id, target, lock.helper, lock.narrowable)
    return Diagnostic(CODE, NAME, func.file.path, region.span, message, confidence, tuple(evidence), payload=payload)


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    # single-flight: a check and a fill of the same token under the lock serialise on purpose
    Valid(
        """
        import threading
        from concurrent.futures import ThreadPoolExecutor

        import requests


        class TokenProvider:
            def __init__(self, url):
                self._url = url
                self._lock = threading.Lock()
                self._token = None

            def token(self):
                with self._lock:
                    if self._token is None:
                        self._token = requests.post(self._url).json()["token"]
                    return self._token


        def warm(provider):
            with ThreadPoolExecutor() as pool:
                return list(pool.map(lambda _: provider.token(), range(8)))
        """
    ),
    # the lock covers only the statistics update, after the call
    Valid(
        """
        import threading
        from concurrent.futures import ThreadPoolExecutor

        import litellm

        _stats_lock = threading.Lock()
        _stats = {"calls": 0, "tokens": 0}


        def ask(question):
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
            with _stats_lock:
                _stats["calls"] += 1
                _stats["tokens"] += resp.usage.total_tokens
            return resp


        def ask_all(questions):
            with ThreadPoolExecutor() as pool:
                return list(pool.map(ask, questions))
        """
    ),
    # a websocket send lock: it covers the send, not the wait for the reply
    Valid(
        """
        import asyncio


        class Session:
            def __init__(self, ws):
                self.ws = ws
                self._send_lock = asyncio.Lock()

            async def request(self, message):
                async with self._send_lock:
                    await self.ws.send(message)
                return await self.ws.recv()
        """
    ),
]

INVALID = [
    # the docs' example, with nothing showing concurrent callers: low, shown with --preview
    Invalid(
        """
        import threading

        import litellm


        class LLM:
            _lock = threading.RLock()

            def __init__(self, model):
                self.model = model

            def call(self, messages):
                with self._lock:
                    return litellm.completion(model=self.model, messages=messages)
        """,
        13, 14, Confidence.LOW,
    ),
    # the same class lock with the crew's threads calling it: high
    Invalid(
        """
        import threading
        from concurrent.futures import ThreadPoolExecutor

        import litellm


        class LLM:
            _lock = threading.RLock()

            def __init__(self, model):
                self.model = model

            def call(self, messages):
                with self._lock:
                    return litellm.completion(model=self.model, messages=messages)


        def run_crew(questions):
            llm = LLM("gpt-4o-mini")
            with ThreadPoolExecutor(max_workers=8) as pool:
                return list(pool.map(llm.call, questions))
        """,
        14, 14, Confidence.HIGH,
    ),
    # one manager-wide asyncio lock around a slow connect: medium (an instance lock)
    Invalid(
        """
        import asyncio

        import httpx


        class SessionManager:
            def __init__(self):
                self._connect_lock = asyncio.Lock()

            async def connect(self, url):
                async with self._connect_lock:
                    async with httpx.AsyncClient() as client:
                        return await client.get(url)
        """,
        11, 20, Confidence.MEDIUM,
    ),
    # a threading lock across `await acompletion()`: reported here, not also as LLM006
    Invalid(
        """
        import threading

        import litellm

        _lock = threading.Lock()


        async def ask(question):
            with _lock:
                return await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
        """,
        9, 10, Confidence.HIGH,
    ),
]
