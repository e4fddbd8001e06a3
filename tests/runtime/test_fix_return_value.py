"""The return-value codemod, proven with real litellm: the original code is wrong, the code
`llmlint fix` produces is exactly right (0 wrong of 400 with 8 threads, 0 of 200 in one thread)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import litellm
import pytest

from tests.runtime.conftest import (
    MockedCompletion,
    drain_sync_logging,
    fix_fixture,
    import_fresh,
    load_fixture,
)
from tests.runtime.test_fixture_bugs import _pdd_wrong


def fixed_copy(case: str, tmp_path: Path) -> Path:
    return fix_fixture(case, tmp_path, "LLM001")[0]


@pytest.mark.parametrize("threads,per_thread", [(1, 200), (8, 50)])
def test_pdd_fixed_code_reads_its_own_usage(tmp_path: Path, mocked: MockedCompletion, threads: int, per_thread: int) -> None:
    original = load_fixture("LLM001/pdd_global_dict", "pdd.llm_invoke")
    litellm.success_callback = [original._litellm_success_callback]
    before = _pdd_wrong(original.llm_invoke, mocked, threads, per_thread)
    drain_sync_logging()

    fixed = import_fresh(fixed_copy("LLM001/pdd_global_dict", tmp_path), "pdd.llm_invoke")
    litellm.success_callback = [fixed._litellm_success_callback]  # the callback stays registered
    after = _pdd_wrong(fixed.llm_invoke, mocked, threads, per_thread)
    print(f"PDD {threads}x{per_thread}: before {before}/{threads * per_thread} wrong, after {after}")
    assert before >= threads * per_thread // 4
    assert after == 0


def test_pdd_fixed_cost_matches_litellm(tmp_path: Path, mocked: MockedCompletion) -> None:
    fixed = import_fresh(fixed_copy("LLM001/pdd_global_dict", tmp_path), "pdd.llm_invoke")
    out = fixed.llm_invoke("hello")
    expected = litellm.completion_cost(
        completion_response=litellm.ModelResponse(
            model="gpt-4o-mini", usage={"prompt_tokens": mocked.issued, "completion_tokens": 10 + (mocked.issued - 1000) % 97}
        ),
        model="gpt-4o-mini",
    )
    assert out["cost"] == pytest.approx(expected) and out["cost"] > 0


def test_retry_shape_accumulates_per_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mocked: MockedCompletion) -> None:
    """The retry branch: the first answer is empty, the second is not; cost = both calls."""
    fixed = import_fresh(fixed_copy("LLM001/pdd_retry_rmw", tmp_path), "llm_invoke")
    litellm.success_callback = [fixed._track]
    calls = []
    real = mocked.__call__

    def empty_first(*args, **kwargs):
        resp = real(*args, **kwargs)
        calls.append(resp)
        if len(calls) % 2 == 1:
            resp.choices[0].message.content = ""
        return resp

    monkeypatch.setattr(litellm, "completion", empty_first)
    wrong = 0
    for k in range(50):
        out = fixed.llm_invoke(f"p{k}", "gpt-4o-mini")
        first, second = calls[-2], calls[-1]
        want = first._hidden_params["response_cost"] + second._hidden_params["response_cost"]
        wrong += out["cost"] != pytest.approx(want)
    assert wrong == 0


def _thread_local_wrong(module, mocked: MockedCompletion) -> int:
    def worker(_: int) -> int:
        wrong = 0
        for k in range(50):
            _, cost = module.llm_invoke(f"p{k}")
            wrong += cost != mocked.response._hidden_params["response_cost"]
        return wrong

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(worker, range(8)))


def test_thread_local_fix_reaches_the_caller(tmp_path: Path, mocked: MockedCompletion) -> None:
    original = load_fixture("LLM004/pdd_thread_local_fix", "llm_invoke")
    litellm.success_callback = [original._track]
    before = _thread_local_wrong(original, mocked)
    drain_sync_logging()
    root, result = fix_fixture("LLM004/pdd_thread_local_fix", tmp_path, "LLM004")
    assert result.fixed == 2  # findings (one rewrite fixes them all)
    assert result.result.diagnostics == []  # the callback no longer writes the thread-local
    fixed = import_fresh(root, "llm_invoke")
    litellm.success_callback = [fixed._track]
    after = _thread_local_wrong(fixed, mocked)
    print(f"threading.local in callback, 8x50: before {before}/400 wrong, after {after}")
    assert before >= 100 and after == 0


def _stream_wrong(module, threads: int = 4, per_thread: int = 10) -> int:
    def worker(t: int) -> int:
        wrong = 0
        for k in range(per_thread):
            prompt = "word " * (1 + t * per_thread + k)  # a unique prompt length: unique usage
            out = module.stream_answer(prompt)
            want = litellm.token_counter(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            wrong += out["input_tokens"] != want or out["text"] != "streamed answer"
        return wrong

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(worker, range(threads)))


def test_stream_fix_reads_the_rebuilt_response(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = litellm.completion

    def streaming_mock(*args, **kwargs):
        kwargs.setdefault("mock_response", "streamed answer")
        return real(*args, **kwargs)

    monkeypatch.setattr(litellm, "completion", streaming_mock)
    original = load_fixture("LLM001/pdd_stream", "stream_invoke")
    litellm.success_callback = [original._on_stream_done]
    before = _stream_wrong(original)
    drain_sync_logging()
    root = fixed_copy("LLM001/pdd_stream", tmp_path)
    assert 'stream_options={"include_usage": True}' in (root / "stream_invoke.py").read_text()
    fixed = import_fresh(root, "stream_invoke")
    litellm.success_callback = [fixed._on_stream_done]
    after = _stream_wrong(fixed)
    print(f"streams, 4x10: before {before}/40 wrong, after {after}")
    assert before >= 10 and after == 0


def test_async_stream_fix_reads_the_rebuilt_response(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """8 asyncio tasks x 5 async streams; an async callback fills the dict after each stream."""
    import asyncio

    real = litellm.acompletion

    async def streaming_mock(*args, **kwargs):
        kwargs.setdefault("mock_response", "streamed answer")
        return await real(*args, **kwargs)

    monkeypatch.setattr(litellm, "acompletion", streaming_mock)

    def wrong(module) -> int:
        async def task(t: int) -> int:
            bad = 0
            for k in range(5):
                prompt = "word " * (1 + t * 5 + k)  # a unique prompt length: unique usage
                out = await module.stream_answer(prompt)
                want = litellm.token_counter(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
                bad += out["input_tokens"] != want or out["text"] != "streamed answer"
            return bad

        async def main() -> int:
            return sum(await asyncio.gather(*(task(t) for t in range(8))))

        return asyncio.run(main())

    original = load_fixture("LLM001/pdd_async_stream", "stream_invoke")
    litellm.success_callback = [original._on_stream_done]
    before = wrong(original)
    root = fixed_copy("LLM001/pdd_async_stream", tmp_path)
    fixed = import_fresh(root, "stream_invoke")
    litellm.success_callback = [fixed._on_stream_done]
    after = wrong(fixed)
    print(f"async streams, 8 tasks x 5: before {before}/40 wrong, after {after}")
    assert before >= 10 and after == 0
