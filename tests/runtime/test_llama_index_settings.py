"""LLM002 / LLM005's hazard with real LlamaIndex (llama-index-core, offline: ``MockLLM``): its
``Settings`` are one object for the whole process. Two requests on two threads that each swap
``Settings.callback_manager`` for one holding their own handler (the
llama_index_callback_manager_per_request fixture's shape) see each other's events; the same two
requests giving the LLM they use their own ``callback_manager=`` (the
safe_llama_index_callback_manager_per_engine shape) see only their own. Likewise ``Settings.llm``
written per request: a concurrent request runs on the other's model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("llama_index.core")

from llama_index.core import Settings  # noqa: E402
from llama_index.core.callbacks import CallbackManager, CBEventType, EventPayload  # noqa: E402
from llama_index.core.callbacks.base_handler import BaseCallbackHandler  # noqa: E402
from llama_index.core.llms import MockLLM  # noqa: E402

ROUNDS = 20


class PromptRecorder(BaseCallbackHandler):
    """Records the prompt of every LLM event it is given (what a per-request tracer keeps)."""

    def __init__(self) -> None:
        super().__init__(event_starts_to_ignore=[], event_ends_to_ignore=[])
        self.prompts: list[str] = []

    def on_event_start(self, event_type: CBEventType, payload: dict[str, Any] | None = None, event_id: str = "", parent_id: str = "", **kwargs: Any) -> str:
        if event_type == CBEventType.LLM and payload and EventPayload.PROMPT in payload:
            self.prompts.append(payload[EventPayload.PROMPT])
        return event_id

    def on_event_end(self, event_type: CBEventType, payload: dict[str, Any] | None = None, event_id: str = "", **kwargs: Any) -> None:
        pass

    def start_trace(self, trace_id: str | None = None) -> None:
        pass

    def end_trace(self, trace_id: str | None = None, trace_map: dict[str, list[str]] | None = None) -> None:
        pass


@pytest.fixture(autouse=True)
def clean_settings() -> Iterator[None]:
    saved_llm, saved_manager = Settings._llm, Settings._callback_manager
    Settings.llm = MockLLM(max_tokens=4)  # set once, at start-up: no request's value
    try:
        yield
    finally:
        Settings._llm, Settings._callback_manager = saved_llm, saved_manager


def _run_pair(request: Any) -> tuple[PromptRecorder, PromptRecorder]:
    """Two requests, "a" and "b", on two threads, ROUNDS times each; each installs what it is
    given, both wait until the other has too (the interleaving a busy server produces), then
    make their call."""
    recorders = {"a": PromptRecorder(), "b": PromptRecorder()}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for i in range(ROUNDS):
                request(name, i, recorders[name], barrier)
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(n,)) for n in recorders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return recorders["a"], recorders["b"]


def _foreign(recorder: PromptRecorder, own: str) -> int:
    return sum(not p.startswith(f"request {own} ") for p in recorder.prompts)


def test_settings_callback_manager_swapped_per_request_sends_events_to_the_other_request() -> None:
    def request(name: str, i: int, recorder: PromptRecorder, barrier: threading.Barrier) -> None:
        Settings.callback_manager = CallbackManager([recorder])  # the hazard: process-wide
        barrier.wait()
        Settings.llm.complete(f"request {name} #{i}")  # a component built without its own llm
        barrier.wait()

    a, b = _run_pair(request)
    foreign = _foreign(a, "a") + _foreign(b, "b")
    missing = (ROUNDS - (len(a.prompts) - _foreign(a, "a"))) + (ROUNDS - (len(b.prompts) - _foreign(b, "b")))
    print(f"LLM002 llama_index Settings.callback_manager per request, 2 threads x {ROUNDS}: {foreign} events to the other request's handler, {missing} of {2 * ROUNDS} missed by their own")
    assert foreign == ROUNDS  # the manager installed last takes both requests' events every round
    assert missing == ROUNDS


def test_callback_manager_passed_per_llm_keeps_events_with_their_request() -> None:
    def request(name: str, i: int, recorder: PromptRecorder, barrier: threading.Barrier) -> None:
        llm = MockLLM(max_tokens=4, callback_manager=CallbackManager([recorder]))  # the safe form
        barrier.wait()
        llm.complete(f"request {name} #{i}")
        barrier.wait()

    a, b = _run_pair(request)
    print(f"LLM002 llama_index callback_manager= per LLM, 2 threads x {ROUNDS}: {_foreign(a, 'a') + _foreign(b, 'b')} foreign events")
    assert a.prompts == [f"request a #{i}" for i in range(ROUNDS)]
    assert b.prompts == [f"request b #{i}" for i in range(ROUNDS)]


def test_settings_llm_written_per_request_runs_the_other_request_on_its_model() -> None:
    """LLM005's shape: each request installs its own model (here: a MockLLM whose output length
    is the request's choice) in Settings.llm, then answers with Settings.llm."""
    answers: dict[str, list[int]] = {"a": [], "b": []}
    wanted = {"a": 3, "b": 7}

    def request(name: str, i: int, recorder: PromptRecorder, barrier: threading.Barrier) -> None:
        Settings.llm = MockLLM(max_tokens=wanted[name])
        barrier.wait()
        answers[name].append(len(Settings.llm.complete("x").text.split()))
        barrier.wait()

    _run_pair(request)
    wrong = sum(n != wanted[k] for k, got in answers.items() for n in got)
    print(f"LLM005 llama_index Settings.llm per request, 2 threads x {ROUNDS}: {wrong} of {2 * ROUNDS} answered by the other request's model")
    assert wrong == ROUNDS


def test_llm_passed_per_request_answers_with_its_own_model() -> None:
    answers: dict[str, list[int]] = {"a": [], "b": []}
    wanted = {"a": 3, "b": 7}

    def request(name: str, i: int, recorder: PromptRecorder, barrier: threading.Barrier) -> None:
        llm = MockLLM(max_tokens=wanted[name])
        barrier.wait()
        answers[name].append(len(llm.complete("x").text.split()))
        barrier.wait()

    _run_pair(request)
    assert answers == {"a": [3] * ROUNDS, "b": [7] * ROUNDS}
