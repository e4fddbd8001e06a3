"""LLM004 callback-thread-local: a litellm callback hands data to the caller through `threading.local` or a `ContextVar`.

## What it does
Finds a litellm callback (registered function or `CustomLogger` event method) that writes an
attribute of a module-level `threading.local()` or calls `.set()` on a module-level
`contextvars.ContextVar`.

## Why is this bad
It is the fix that looks right for LLM001, and it never reaches the caller. litellm runs sync
success callbacks on its logging thread (`litellm-logging_N`), so a `threading.local` written
there belongs to that thread: 400/400 caller reads were wrong (litellm 1.106). It runs them in a
*copy* of the caller's context (`ctx.run(copy_context())`), so a `ContextVar.set` there never
reaches the caller: 400/400 wrong; on the streaming path there is no caller context at all and a
value set there leaked into 14/20 later calls' callbacks.

## Example
```python
_local = threading.local()

def track_cost(kwargs, completion_response, start_time, end_time):
    _local.cost = kwargs["response_cost"]        # LLM004

litellm.success_callback = [track_cost]
```

## Use instead
Read the value from the call's own response (`resp.usage`,
`resp._hidden_params.get("response_cost")`, `litellm.completion_cost(completion_response=resp)`).

## Fix safety
Unsafe: applied by `llmlint fix --rule callback-thread-local` or `--unsafe-fixes`. The same
return-value codemod as LLM001: what the callback hands over becomes a pure function of the
response (`<callback>_data(completion_response)`), every function that reads the
`threading.local` / `ContextVar` after a litellm call reads that dict instead (`TL.cost`,
`getattr(TL, "cost", d)`, `hasattr(TL, "cost")`, `CV.get(d)`), and the callback stops writing
it. Measured with real litellm: the PDD `threading.local` fixture goes from 400/400 wrong
(8 threads) to 0. Refused (with the reason) for `CustomLogger` methods, callbacks that use
`start_time`/`end_time`, and readers that do not assign the call's result to a name first.
"""

from __future__ import annotations

from typing import Iterator

from linter.diagnostics import Confidence, Diagnostic, text
from linter.payloads import CallbackStorage
from linter.analysis.tokens import CALLBACK_METHOD, REGISTRATION
from linter.prefilter import AnyOf
from linter.analysis.needs import callback_definitions, callback_storage_readers
from linter.demands import Definition, Demand
from linter.project import ProjectIndex

CODE = "LLM004"
NAME = "callback-thread-local"
SUMMARY = "threading.local / ContextVar written in a litellm callback to hand data to the caller"
TOKENS = AnyOf(REGISTRATION, CALLBACK_METHOD)  # the writer is a callback


def definitions(index: ProjectIndex) -> Iterator[Definition]:
    yield from callback_definitions(index)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callback_storage_readers(index)


def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for cb_id in sorted(index.callbacks):
        cb = index.functions[cb_id]
        for access in list(cb.facts.writes) + list(cb.facts.local_writes):
            hit = index.binding(access.target)
            if hit is None:
                continue
            f, binding, qual = hit
            name = qual.rsplit(".", 1)[-1]
            if binding.kind == "thread-local" and access.how != "set":
                what = f"`{name}` is a threading.local: the callback runs on litellm's logging thread, so the caller's thread never sees this value"
            elif binding.kind == "contextvar" and access.how == "set":
                what = f"`{name}` is a ContextVar: litellm runs the callback in a copy of the caller's context (or none, when streaming), so this set() never reaches the caller"
            else:
                continue
            readers = [
                fn.facts.qualname
                for fn in index.functions.values()
                if fn.id != cb.id and any(index.storage_name(a.target) == qual for a in fn.facts.reads)
            ]
            evidence = [
                text(f"`{cb.facts.qualname}` is ", index.callbacks[cb.id]),
                text(f"`{name}` is created at ", index.loc(f, binding.span), f" ({binding.factory})"),
            ]
            if readers:
                evidence.append(text("read by " + ", ".join(sorted(readers)[:3])))
            yield Diagnostic(
                CODE,
                NAME,
                cb.file.path,
                access.span,
                what + ". Read the value from the call's response instead",
                Confidence.HIGH if readers else Confidence.MEDIUM,
                tuple(evidence),
                payload=CallbackStorage(cb.id, qual, cb.id),
            )


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)
from linter.diagnostics import Confidence  # noqa: E402

VALID = [
    # a threading.local and a ContextVar used on the caller's own flow, not from a callback
    Valid(
        """
        import contextvars
        import threading

        import litellm

        _local = threading.local()
        request_id = contextvars.ContextVar("request_id", default="")


        def handle(prompt, rid):
            request_id.set(rid)
            _local.prompt = prompt
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            return request_id.get(), _local.prompt, resp
        """
    ),
    # a callback that only reads a ContextVar
    Valid(
        """
        import contextvars

        import litellm

        request_id = contextvars.ContextVar("request_id", default="")


        def log_request(kwargs, completion_response, start_time, end_time):
            print(request_id.get(), completion_response.usage.total_tokens)


        litellm.success_callback = [log_request]
        """
    ),
]

INVALID = [
    # the docs' example: nothing in the file reads it yet, so medium
    Invalid(
        """
        import threading

        import litellm

        _local = threading.local()


        def track_cost(kwargs, completion_response, start_time, end_time):
            _local.cost = kwargs["response_cost"]


        litellm.success_callback = [track_cost]
        """,
        9, 5, Confidence.MEDIUM,
    ),
    # a ContextVar set in the callback and read by the caller: high
    Invalid(
        """
        import contextvars

        import litellm

        last_cost = contextvars.ContextVar("last_cost", default=0.0)


        def track_cost(kwargs, completion_response, start_time, end_time):
            last_cost.set(kwargs["response_cost"])


        litellm.success_callback = [track_cost]


        def ask(prompt):
            resp = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            return resp, last_cost.get()
        """,
        9, 5, Confidence.HIGH,
    ),
    # a CustomLogger event method writing a threading.local that the caller reads
    Invalid(
        """
        import threading

        import litellm
        from litellm.integrations.custom_logger import CustomLogger

        _tokens = threading.local()


        class TokenLogger(CustomLogger):
            def log_success_event(self, kwargs, response_obj, start_time, end_time):
                _tokens.total = response_obj.usage.total_tokens


        litellm.callbacks = [TokenLogger()]


        def ask(prompt):
            litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            return getattr(_tokens, "total", 0)
        """,
        11, 9, Confidence.HIGH,
    ),
]
