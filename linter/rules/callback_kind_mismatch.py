"""LLM009 callback-kind-mismatch: a per-call litellm callback that the call never runs.

## What it does
Finds a function passed per call as `success_callback=[...]` or `failure_callback=[...]` to
`litellm.completion()` / `litellm.acompletion()` whose kind (plain `def` or `async def`) is one
that call does not run: a plain function on `acompletion()` success, an `async def` on
`completion()` success, an `async def` as a per-call failure callback of either.

## Why is this bad
litellm dispatches per-call callbacks by kind, and drops the wrong kind without a word. Measured
on litellm 1.106.2 (offline, `mock_response`): a plain function in `acompletion(...,
success_callback=[fn])` ran 0 of 20 times (0/400 in the knowledge base's exp04), an `async def`
in `completion(..., success_callback=[fn])` 0/20, and an `async def` per-call failure callback 0/5
on either call (`RuntimeWarning: coroutine ... was never awaited`). The right kinds ran every
time: 20/20 and 5/5. Whatever the callback was for (cost, usage, audit) is silently lost, in a
single thread, without any concurrency.

## Example
```python
def record_usage(kwargs, completion_response, start_time, end_time):
    USAGE.append(completion_response.usage.total_tokens)

async def answer(prompt):
    return await litellm.acompletion(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
        success_callback=[record_usage],  # LLM009: acompletion runs only async callbacks
    )
```

## Use instead
Match the kind to the call (an `async def` callback for `acompletion()`, a plain one for
`completion()`, a plain one for per-call failures), or read what the callback wanted from the
response the call returns (`resp.usage`, `resp._hidden_params["response_cost"]`), which needs no
callback at all.

## Fix safety
No automatic fix: turning a callback into a coroutine (or back) changes every other caller of
that function.
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis.facts import Call, Registration
from linter.analysis.needs import callback_definitions
from linter.analysis.tokens import REGISTRATION
from linter.demands import Definition
from linter.diagnostics import Confidence, Diagnostic, text
from linter.payloads import Payload
from linter.project import Func, ProjectIndex, Where

CODE = "LLM009"
NAME = "callback-kind-mismatch"
SUMMARY = "A per-call litellm callback of a kind the call never runs"
TOKENS = REGISTRATION  # per-call success_callback= / failure_callback= are registrations

# (per-call keyword, callee, the callback is async) -> what litellm does with it (measured)
_NEVER_RUNS = {
    ("kwarg:success_callback", "litellm.acompletion", False): "acompletion() runs only async success callbacks",
    ("kwarg:success_callback", "litellm.completion", True): "completion() runs only plain success callbacks",
    ("kwarg:failure_callback", "litellm.completion", True): "per-call failure callbacks are called, never awaited",
    ("kwarg:failure_callback", "litellm.acompletion", True): "per-call failure callbacks are called, never awaited",
}


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    yield from callback_definitions(index)  # whether the callback is async is in its own module


def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for func in index.functions.values():
        if not func.facts.registrations or index.exempt(func, Where.TEST):
            continue
        for reg in func.facts.registrations:
            call = _call_of(func, reg)
            if call is None:
                continue
            for ref in reg.targets:
                callback = index.resolve_function(ref, func)
                if callback is None:
                    continue  # a library function or an expression: its kind is not known here
                why = _NEVER_RUNS.get((reg.registry, call.callee.name, callback.facts.is_async))
                if why is not None:
                    yield _finding(index, func, reg, call, callback, why)


def _call_of(func: Func, reg: Registration) -> Call | None:
    """The litellm call whose keyword argument ``reg`` is (the call's span holds it)."""
    if reg.registry not in ("kwarg:success_callback", "kwarg:failure_callback"):
        return None
    s = reg.span
    for call in func.facts.calls:
        c = call.span
        if call.category == "litellm-call" and (c.line, c.column) <= (s.line, s.column) and (s.end_line, s.end_column) <= (c.end_line, c.end_column):
            return call
    return None


def _finding(index: ProjectIndex, func: Func, reg: Registration, call: Call, callback: Func, why: str) -> Diagnostic:
    keyword = reg.registry.removeprefix("kwarg:")
    kind = "async def" if callback.facts.is_async else "a plain function"
    message = (
        f"`{callback.facts.qualname}` ({kind}) is passed as {keyword}= to {call.callee.name}(), which never "
        f"runs it ({why}): whatever it records is silently lost"
    )
    evidence = (
        text(f"`{callback.facts.qualname}` is {kind}, defined at ", index.loc(callback.file, callback.facts.span)),
        text(f"passed as {keyword}= to {call.callee.name}() at ", index.loc(func.file, call.span)),
    )
    return Diagnostic(CODE, NAME, func.file.path, reg.span, message, Confidence.HIGH, evidence, payload=Payload(func.id))


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)

VALID = [
    # the right kinds: async for acompletion, plain for completion and for failures
    Valid(
        """
        import litellm


        async def on_success(kwargs, completion_response, start_time, end_time):
            print(completion_response.usage.total_tokens)


        def on_failure(kwargs, completion_response, start_time, end_time):
            print("failed", kwargs.get("exception"))


        async def answer(prompt):
            return await litellm.acompletion(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": prompt}],
                success_callback=[on_success],
                failure_callback=[on_failure],
            )
        """
    ),
    Valid(
        """
        import litellm


        def on_success(kwargs, completion_response, start_time, end_time):
            print(completion_response.usage.total_tokens)


        def answer(prompt):
            return litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], success_callback=[on_success])
        """
    ),
    # a callback from a library: its kind is not known, nothing is claimed
    Valid(
        """
        import litellm
        from telemetry import record


        async def answer(prompt):
            return await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], success_callback=[record])
        """
    ),
]

INVALID = [
    # the docs' example: a plain function on acompletion()
    Invalid(
        """
        import litellm

        USAGE = []


        def record_usage(kwargs, completion_response, start_time, end_time):
            USAGE.append(completion_response.usage.total_tokens)


        async def answer(prompt):
            return await litellm.acompletion(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": prompt}],
                success_callback=[record_usage],
            )
        """,
        line=14,
        column=9,
        confidence=Confidence.HIGH,
    ),
    # an async method on completion(): never started
    Invalid(
        """
        import litellm


        class Agent:
            async def _on_success(self, kwargs, completion_response, start_time, end_time):
                self.tokens += completion_response.usage.total_tokens

            def run(self, task):
                return litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": task}], success_callback=[self._on_success])
        """,
        line=9,
        column=102,
        confidence=Confidence.HIGH,
    ),
    # an async failure callback: called, never awaited
    Invalid(
        """
        import litellm


        async def alert(kwargs, completion_response, start_time, end_time):
            print("failed")


        def answer(prompt):
            return litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], failure_callback=[alert])
        """,
        line=9,
        column=100,
        confidence=Confidence.HIGH,
    ),
]
