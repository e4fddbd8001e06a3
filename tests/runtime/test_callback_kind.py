"""LLM009 at runtime: the per-call callback of the wrong kind never runs; the right kind always does.

The two fixture cases differ only in ``def`` / ``async def`` of the callback given to
``acompletion(success_callback=[...])``: the linter reports the first and not the second, and
real litellm (offline, a unique usage per call) agrees: the plain function counts 0 tokens, the
coroutine counts every call's.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import litellm
import pytest

from tests.runtime.conftest import load_fixture, usage_for

CALLS = 40


def _run(case: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """The tokens the fixture's callback counted over CALLS calls, and the tokens they used."""
    service = load_fixture(case, "app.service")
    counter = sys.modules["app.usage"]  # imported by the service
    real = litellm.acompletion
    used: list[int] = []

    async def unique_usage(*args: Any, **kwargs: Any) -> Any:
        usage = usage_for(len(used))
        used.append(usage["total_tokens"])
        kwargs["mock_response"] = {
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}],
            "usage": usage,
        }
        return await real(*args, **kwargs)

    monkeypatch.setattr(litellm, "acompletion", unique_usage)

    async def main() -> None:
        for _ in range(CALLS):
            await service.answer("hi")
        from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

        await asyncio.sleep(0)  # acompletion enqueues its logging from a task made at return
        await GLOBAL_LOGGING_WORKER.flush()
        await asyncio.sleep(0.1)

    asyncio.run(main())
    return counter.TOTALS["tokens"], sum(used)


def test_plain_callback_on_acompletion_never_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    counted, used = _run("LLM009/callback_in_other_module", monkeypatch)
    assert used > 0 and counted == 0, (counted, used)


def test_async_callback_on_acompletion_runs_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    counted, used = _run("LLM009/safe_async_callback_other_module", monkeypatch)
    assert counted == used, (counted, used)
