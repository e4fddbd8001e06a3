"""DSPy's process-wide settings (LLM005, LLM002) with the real ``dspy`` package, offline: its
``DummyLM`` answers without any network.

``dspy.configure`` per request, as the LLM005 fixture ``dspy_configure_per_request`` does it,
from a server's worker threads: DSPy gives the settings to the first thread that configures
them and raises ``RuntimeError`` in every other (so every request on another worker fails), and
in asyncio tasks it raises in every task but the first. ``with dspy.context(lm=...)`` (the
``safe_dspy_context_per_request`` form) answers every request from its own model, in threads and
tasks alike. The same holds for the callbacks ``dspy.configure(callbacks=[...])`` sets (LLM002's
``dspy_callbacks_per_request``): in ``dspy.context`` each job's counter sees its own calls only.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

dspy = pytest.importorskip("dspy")  # the test extra installs dspy

import importlib  # noqa: E402

settings_module = importlib.import_module("dspy.dsp.utils.settings")  # the module: its owner globals
from dspy.utils import DummyLM  # noqa: E402
from dspy.utils.callback import BaseCallback  # noqa: E402

from tests.runtime.conftest import fix_fixture, import_fresh, load_fixture  # noqa: E402

QUESTIONS = 40
FIX_CASE = "LLM005/dspy_configure_per_job"


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """No owner thread or task yet, as in a freshly started server; put back afterwards."""
    saved = (settings_module.config_owner_thread_id, settings_module.config_owner_async_task, dict(settings_module.main_thread_config))
    settings_module.config_owner_thread_id = None
    settings_module.config_owner_async_task = None
    try:
        yield
    finally:
        settings_module.config_owner_thread_id, settings_module.config_owner_async_task = saved[0], saved[1]
        settings_module.main_thread_config.clear()
        settings_module.main_thread_config.update(saved[2])


def _model(tenant: int) -> DummyLM:
    return DummyLM([{"answer": f"tenant-{tenant}"}] * 4)


ANSWER = dspy.Predict("question -> answer")


def handle_configure(tenant: int) -> str:
    """dspy.configure per request (tests/fixtures/LLM005/dspy_configure_per_request)."""
    dspy.configure(lm=_model(tenant))
    return ANSWER(question=f"who is asking? ({tenant})").answer


def handle_context(tenant: int) -> str:
    """dspy.context per request (tests/fixtures/LLM005/safe_dspy_context_per_request)."""
    with dspy.context(lm=_model(tenant)):
        return ANSWER(question=f"who is asking? ({tenant})").answer


def _threads(handle: Any) -> tuple[int, int]:
    """(requests that raised, requests answered by another tenant's model) over 4 worker threads."""
    barrier = threading.Barrier(4)

    def request(i: int) -> str:
        # every request waits for three others: each round of four runs on the four threads at
        # once, as under load (with only the first round held, the owner thread once took
        # nearly the whole queue and 3 of 40 raised; QUESTIONS is a multiple of 4)
        barrier.wait()
        try:
            return handle(i)
        except RuntimeError:
            return "raised"

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(request, range(QUESTIONS)))
    raised = answers.count("raised")
    foreign = sum(a not in ("raised", f"tenant-{i}") for i, a in enumerate(answers))
    return raised, foreign


def test_configure_per_request_fails_on_other_threads_and_context_is_isolated() -> None:
    raised, foreign = _threads(handle_configure)
    settings_module.config_owner_thread_id = None
    ctx_raised, ctx_foreign = _threads(handle_context)
    print(f"DSPy, 4 worker threads x {QUESTIONS} requests: dspy.configure per request raised in {raised} and answered "
          f"{foreign} from another tenant's model; dspy.context: {ctx_raised} raised, {ctx_foreign} foreign")
    assert raised + foreign >= QUESTIONS // 2, (raised, foreign)
    assert raised >= 1
    assert (ctx_raised, ctx_foreign) == (0, 0)


def test_configure_per_request_fails_in_concurrent_tasks_and_context_is_isolated() -> None:
    async def serve(handle: Any) -> tuple[int, int]:
        async def request(i: int) -> str:
            await asyncio.sleep(0)
            try:
                return handle(i)
            except RuntimeError:
                return "raised"

        answers = await asyncio.gather(*(request(i) for i in range(8)))
        return answers.count("raised"), sum(a not in ("raised", f"tenant-{i}") for i, a in enumerate(answers))

    raised, foreign = asyncio.run(serve(handle_configure))
    settings_module.config_owner_thread_id = None
    settings_module.config_owner_async_task = None
    ctx = asyncio.run(serve(handle_context))
    print(f"DSPy, 8 asyncio tasks: dspy.configure per request raised in {raised}/8, {foreign} foreign; dspy.context: {ctx}")
    assert raised == 7
    assert ctx == (0, 0)


class CallCounter(BaseCallback):
    def __init__(self) -> None:
        self.calls = 0

    def on_lm_end(self, call_id: str, outputs: Any, exception: Exception | None = None) -> None:
        self.calls += 1


def test_callbacks_in_context_count_their_own_calls_only() -> None:
    """LLM002's DSPy shape: per job, ``dspy.configure(callbacks=[counter])`` fails off the
    owner thread; ``dspy.context(callbacks=[counter])`` gives each job exactly its own calls."""

    def job_configure(i: int) -> int:
        counter = CallCounter()
        dspy.configure(callbacks=[counter])
        with dspy.context(lm=_model(i)):
            ANSWER(question=f"q{i}")
        return counter.calls

    def job_context(i: int) -> int:
        counter = CallCounter()
        with dspy.context(lm=_model(i), callbacks=[counter]):
            ANSWER(question=f"q{i}")
        return counter.calls

    def run(job: Any) -> list[Any]:
        barrier = threading.Barrier(4)

        def one(i: int) -> Any:
            barrier.wait()
            try:
                return job(i)
            except RuntimeError:
                return "raised"

        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(one, range(4)))

    per_job = run(job_configure)
    settings_module.config_owner_thread_id = None
    in_context = run(job_context)
    print(f"DSPy callbacks, 4 jobs on 4 threads: dspy.configure(callbacks=...) per job {per_job}; dspy.context {in_context}")
    assert per_job.count("raised") == 3
    assert in_context == [1, 1, 1, 1]


def test_fix_turns_configure_per_job_into_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LLM005's DSPy codemod, proven at runtime: the fixture ``LLM005/dspy_configure_per_job``
    (``dspy.configure`` per job on a 4-thread pool) fails on every worker but the first; the
    fixed code (``with dspy.context(...)``) answers every job from its own model."""
    # every model a job names answers with its own name (no network)
    monkeypatch.setattr(dspy, "LM", lambda model, **kwargs: DummyLM([{"answer": model}] * 4))
    jobs = [(f"question {i}", f"tenant-{i % 8}") for i in range(QUESTIONS)]

    def run(module: Any) -> tuple[int, int]:
        errors = foreign = 0
        barrier = threading.Barrier(4)

        def job(i: int) -> None:
            nonlocal errors, foreign
            barrier.wait()  # each round of four jobs on the four threads at once (see ``_threads``)
            try:
                foreign += module.answer(*jobs[i]) != jobs[i][1]
            except RuntimeError:
                errors += 1

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(job, range(QUESTIONS)))
        return errors, foreign

    original = load_fixture(FIX_CASE, "jobs")
    before = run(original)
    settings_module.config_owner_thread_id = None
    fixed_root, result = fix_fixture(FIX_CASE, tmp_path, "LLM005")
    assert result.fixed == 1
    text = (fixed_root / "jobs.py").read_text()
    assert "dspy.configure(" not in text and "with dspy.context(lm=dspy.LM(model)):" in text
    after = run(import_fresh(fixed_root, "jobs"))
    print(f"LLM005 DSPy codemod, 4 threads x {QUESTIONS} jobs: dspy.configure per job {before[0]} raised, {before[1]} "
          f"foreign answers; fixed (dspy.context) {after[0]} raised, {after[1]} foreign")
    assert before[0] >= QUESTIONS // 2, before
    assert after == (0, 0), after


def test_the_same_model_configured_per_request_fails_too() -> None:
    """LLM005's DSPy shape with one value (``LLM005/dspy_shared_model_configured_per_request``):
    the same shared model configured in every request of an async API still raises in every
    request but the first task's; configured once at start-up, none does."""
    shared = DummyLM([{"label": "billing"}] * 16)
    classify = dspy.Predict("ticket -> label")

    async def per_request(ticket: str) -> str:
        dspy.configure(lm=shared)
        return (await classify.acall(ticket=ticket)).label

    async def configured_once(ticket: str) -> str:
        return (await classify.acall(ticket=ticket)).label

    async def serve(handle: Any) -> int:
        async def request(i: int) -> str:
            try:
                return await handle(f"ticket {i}")
            except RuntimeError:
                return "raised"

        return (await asyncio.gather(*(request(i) for i in range(8)))).count("raised")

    raised = asyncio.run(serve(per_request))
    settings_module.config_owner_thread_id = None
    settings_module.config_owner_async_task = None
    dspy.configure(lm=shared)  # start-up, in the main thread
    raised_once = asyncio.run(serve(configured_once))
    print(f"DSPy, 8 asyncio tasks, one shared model: dspy.configure per request raised in {raised}/8; configured at start-up {raised_once}/8")
    assert raised == 7
    assert raised_once == 0
