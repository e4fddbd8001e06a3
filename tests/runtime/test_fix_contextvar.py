"""The contextvar codemod, proven with real litellm: module-level request state set by concurrent
requests is read back wrong by the original code, and exactly right by the code `llmlint fix` writes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import litellm
import pytest

from tests.runtime.conftest import MockedCompletion, fix_fixture, import_fresh, load_fixture, usage_for


def fixed_copy(case: str, tmp_path: Path) -> Path:
    root, result = fix_fixture(case, tmp_path, "LLM008")
    # every finding of the case is fixed (one per write site) and the code re-lints clean
    assert result.fixed >= 1 and result.result.diagnostics == []
    return root


@pytest.fixture
def async_mocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """litellm.acompletion with a mock response and a short mock delay, so tasks interleave."""
    real = litellm.acompletion
    counter = iter(range(10**6))

    async def acompletion(*args: Any, **kwargs: Any) -> Any:
        i = next(counter)
        kwargs.setdefault("mock_delay", 0.002)
        kwargs.setdefault("mock_response", {
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": f"r{i}"}}],
            "usage": usage_for(i),
        })
        return await real(*args, **kwargs)

    monkeypatch.setattr(litellm, "acompletion", acompletion)


def _wrong_users(session: Any, tasks: int = 8, per_task: int = 50) -> int:
    """8 visitors served at once, 50 requests each: how many audit tags name another visitor."""

    async def visitor(v: int) -> int:
        wrong = 0
        for k in range(per_task):
            _content, tag = await session.answer(f"user{v}", f"question {k}")
            wrong += tag != f"user=user{v}"
        return wrong

    async def main() -> int:
        return sum(await asyncio.gather(*(visitor(v) for v in range(tasks))))

    return asyncio.run(main())


def test_global_user_fixed_with_contextvar(tmp_path: Path, async_mocked: None) -> None:
    before = _wrong_users(load_fixture("LLM008/request_state_global_user", "chatbot.session"))
    fixed = import_fresh(fixed_copy("LLM008/request_state_global_user", tmp_path), "chatbot.session")
    after = _wrong_users(fixed)
    print(f"global current_user, 8 async visitors x 50: before {before}/400 wrong, after {after}")
    assert before >= 100
    assert after == 0


def _wrong_jobs(runner: Any) -> int:
    jobs = [(f"job{i}", f"tenant{i % 8}", f"prompt {i}") for i in range(400)]
    lines = runner.run_all(jobs)
    return sum(not line.startswith(f"[{tenant}/{job_id}]") for (job_id, tenant, _), line in zip(jobs, lines, strict=True))


def test_module_dict_fixed_with_contextvar(tmp_path: Path, mocked: MockedCompletion) -> None:
    mocked.delay = 0.002
    before = _wrong_jobs(load_fixture("LLM008/request_state_module_dict", "jobs.runner"))
    fixed = import_fresh(fixed_copy("LLM008/request_state_module_dict", tmp_path), "jobs.runner")
    after = _wrong_jobs(fixed)
    print(f"module REQUEST dict, 400 jobs on 8 threads: before {before}/400 wrong, after {after}")
    assert before >= 100
    assert after == 0
