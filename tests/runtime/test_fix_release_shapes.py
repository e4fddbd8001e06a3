"""The return-value fix on the shapes of PDD as released (fixture LLM001/pdd_release_shape): a
callback that fills several fields, an if/else that picks the call, a retry through a wrapper
function that saves the values and adds them back. Real litellm, 8 threads: the original reports
other calls' cost and tokens, the fixed code reports exactly its own (retries: the sum of both)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import litellm
import pytest

from tests.runtime.conftest import MockedCompletion, drain_sync_logging, fix_fixture, import_fresh, load_fixture

CASE = "LLM001/pdd_release_shape"


def _wrong(module: Any, mocked: MockedCompletion, monkeypatch: pytest.MonkeyPatch, threads: int, per_thread: int) -> tuple[int, int]:
    """(wrong reports, of them retried): every third question first gets an empty answer."""
    mine = threading.local()

    def completion(*args: Any, **kwargs: Any) -> Any:
        response = mocked(*args, **kwargs)
        mine.made.append(response)
        if mine.empty_first and len(mine.made) == 1:
            response.choices[0].message.content = ""
        return response

    monkeypatch.setattr(litellm, "completion", completion)

    def worker(t: int) -> tuple[int, int]:
        wrong = retried_wrong = 0
        for k in range(per_thread):
            mine.made, mine.empty_first = [], (t + k) % 3 == 0
            out = module.ask(f"question {t}-{k}")
            cost = sum(r._hidden_params["response_cost"] for r in mine.made)
            tokens = sum(r.usage.prompt_tokens for r in mine.made)
            bad = out["cost"] != pytest.approx(cost, rel=1e-12) or out["prompt_tokens"] != tokens or out["stop"] != "stop"
            wrong += bad
            retried_wrong += bad and len(mine.made) > 1
        return wrong, retried_wrong

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(worker, range(threads)))
    return sum(w for w, _ in results), sum(r for _, r in results)


def test_release_shape_fixed_reports_each_calls_own_usage(tmp_path: Path, mocked: MockedCompletion, monkeypatch: pytest.MonkeyPatch) -> None:
    original = load_fixture(CASE, "invoke")
    litellm.success_callback = [original._record_usage]
    before, before_retried = _wrong(original, mocked, monkeypatch, 8, 25)
    drain_sync_logging()

    root, result = fix_fixture(CASE, tmp_path, "LLM001")
    assert result.result.diagnostics == []
    fixed = import_fresh(root, "invoke")
    litellm.success_callback = [fixed._record_usage]  # the callback stays registered
    after, after_retried = _wrong(fixed, mocked, monkeypatch, 8, 25)
    print(f"PDD release shape, 8x25: before {before}/200 wrong ({before_retried} retried), after {after} ({after_retried})")
    assert before >= 50 and before_retried >= 10
    assert after == 0


def test_release_shape_one_thread_is_wrong_before_and_exact_after(tmp_path: Path, mocked: MockedCompletion, monkeypatch: pytest.MonkeyPatch) -> None:
    original = load_fixture(CASE, "invoke")
    litellm.success_callback = [original._record_usage]
    before, _ = _wrong(original, mocked, monkeypatch, 1, 60)
    drain_sync_logging()
    root, _result = fix_fixture(CASE, tmp_path, "LLM001")
    fixed = import_fresh(root, "invoke")
    litellm.success_callback = [fixed._record_usage]
    after, _ = _wrong(fixed, mocked, monkeypatch, 1, 60)
    # the callback still fills the module's dict, for readers outside the project
    drain_sync_logging()
    assert fixed._USAGE["prompt"] > 0
    print(f"PDD release shape, 1 thread x 60: before {before}/60 wrong, after {after}")
    assert before >= 30 and after == 0
