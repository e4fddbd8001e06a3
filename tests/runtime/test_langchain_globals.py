"""LLM005's hazard with real LangChain (langchain-core, offline: ``FakeListChatModel``): its
globals are one value for the whole process. Two tenants on two threads that each install their
own cache with ``set_llm_cache`` (the langchain_globals_per_request fixture's shape) write into,
and answer from, the other tenant's cache; a ``set_debug(True)`` made for one request logs
another request's prompt. Caches given to the model (``cache=``) and handlers passed with the
call (``config={"callbacks": [...]}``, the safe_langchain_globals_at_startup shape) stay with
their request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("langchain_core")

from langchain_core.caches import InMemoryCache  # noqa: E402
from langchain_core.callbacks import BaseCallbackHandler  # noqa: E402
from langchain_core.globals import get_debug, get_llm_cache, set_debug, set_llm_cache  # noqa: E402
from langchain_core.language_models.fake_chat_models import FakeListChatModel  # noqa: E402

ROUNDS = 20


@pytest.fixture(autouse=True)
def clean_globals() -> Iterator[None]:
    saved_cache, saved_debug = get_llm_cache(), get_debug()
    set_llm_cache(None)
    set_debug(False)
    try:
        yield
    finally:
        set_llm_cache(saved_cache)
        set_debug(saved_debug)


def _in_threads(request: Any) -> None:
    """Tenants "a" and "b" on two threads, ROUNDS requests each, meeting at the barrier the
    request passes (the interleaving a busy server produces)."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for i in range(ROUNDS):
                request(name, i, barrier)
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors


def _cached_prompts(cache: InMemoryCache) -> list[str]:
    return [prompt for prompt, _ in cache._cache]


def test_set_llm_cache_per_request_mixes_the_tenants_caches() -> None:
    caches = {"a": InMemoryCache(), "b": InMemoryCache()}
    model = {name: FakeListChatModel(responses=[f"answer for {name}"]) for name in caches}

    def request(name: str, i: int, barrier: threading.Barrier) -> None:
        set_llm_cache(caches[name])  # the hazard: one cache for the process
        barrier.wait()
        model[name].invoke(f"tenant {name} question {i}")
        barrier.wait()

    _in_threads(request)
    foreign = sum(f"tenant {other} " in p for name, other in (("a", "b"), ("b", "a")) for p in _cached_prompts(caches[name]))
    print(f"LLM005 langchain set_llm_cache per request, 2 threads x {ROUNDS}: {foreign} of {2 * ROUNDS} answers stored in the other tenant's cache")
    assert foreign == ROUNDS  # the cache installed last takes both tenants' questions and answers every round


def test_cache_given_to_the_model_stays_with_its_tenant() -> None:
    caches = {"a": InMemoryCache(), "b": InMemoryCache()}
    model = {name: FakeListChatModel(responses=[f"answer for {name}"], cache=caches[name]) for name in caches}

    def request(name: str, i: int, barrier: threading.Barrier) -> None:
        barrier.wait()
        model[name].invoke(f"tenant {name} question {i}")
        barrier.wait()

    _in_threads(request)
    for name in caches:
        prompts = _cached_prompts(caches[name])
        assert len(prompts) == ROUNDS and all(f"tenant {name} " in p for p in prompts)


def test_set_debug_for_one_request_logs_the_other_requests_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    """Request "a" turns debugging on for itself, "b" does not ask for it: b's prompt is printed."""
    model = FakeListChatModel(responses=["ok"])

    def request(name: str, i: int, barrier: threading.Barrier) -> None:
        if name == "a":
            set_debug(True)  # meant for this request only
        barrier.wait()
        if name == "b":
            model.invoke(f"private question {i} of b")
        barrier.wait()
        if name == "a":
            set_debug(False)
        barrier.wait()

    _in_threads(request)
    out = capsys.readouterr().out
    logged = sum(f"private question {i} of b" in out for i in range(ROUNDS))
    print(f"LLM005 langchain set_debug per request, 2 threads x {ROUNDS}: {logged} of b's {ROUNDS} prompts printed by a's debug switch")
    assert logged == ROUNDS


class PromptRecorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.prompts: list[str] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.prompts.extend(m.content for batch in messages for m in batch)


def test_callbacks_passed_per_call_stay_with_their_request() -> None:
    model = FakeListChatModel(responses=["ok"])
    recorders = {"a": PromptRecorder(), "b": PromptRecorder()}

    def request(name: str, i: int, barrier: threading.Barrier) -> None:
        barrier.wait()
        model.invoke(f"request {name} #{i}", config={"callbacks": [recorders[name]]})
        barrier.wait()

    _in_threads(request)
    for name, recorder in recorders.items():
        assert recorder.prompts == [f"request {name} #{i}" for i in range(ROUNDS)]
