"""The deliver-directly codemod (LLM002), proven with real litellm: agents that install their
handler globally before each call lose events; after the fix each agent sees exactly its own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.runtime.conftest import (
    MockedCompletion,
    drain_sync_logging,
    fix_fixture,
    import_fresh,
    load_fixture,
    recording,
)


def _lost_taking_turns(module, mocked: MockedCompletion, agents: int = 4, calls: int = 200) -> int:
    crew = [(module.Agent("gpt-4o-mini"), []) for _ in range(agents)]
    for k in range(calls):
        agent, issued = crew[k % agents]
        agent.run(f"m{k}")
        issued.append(mocked.issued)
    drain_sync_logging()
    # events an agent missed, plus events it got that were not its own or came twice
    missed = sum(len(set(issued) - set(agent.prompt_tokens)) for agent, issued in crew)
    extra = sum(len(agent.prompt_tokens) - len(set(agent.prompt_tokens) & set(issued)) for agent, issued in crew)
    return missed * 1000 + extra


def _lost_threads(module, mocked: MockedCompletion) -> int:
    def worker(_: int) -> int:
        agent, issued = module.Agent("gpt-4o-mini"), []
        for k in range(50):
            agent.run(f"m{k}")
            issued.append(mocked.issued)
        drain_sync_logging()
        return len(set(issued) - set(agent.prompt_tokens)) + len(set(agent.prompt_tokens) - set(issued))

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(worker, range(8)))


def test_deliver_directly(tmp_path: Path, mocked: MockedCompletion) -> None:
    original = load_fixture("LLM002/crewai_simple_success_callback", "agent")
    before_turns = _lost_taking_turns(original, mocked)
    before_threads = _lost_threads(original, mocked)
    root, result = fix_fixture("LLM002/crewai_simple_success_callback", tmp_path, "LLM002")
    assert result.fixed == 1
    assert result.result.diagnostics == []
    fixed = import_fresh(root, "agent")
    after_turns = _lost_taking_turns(fixed, mocked)
    after_threads = _lost_threads(fixed, mocked)
    print(
        f"handler installed per call, 4 agents in turns: missed {before_turns // 1000}/200, foreign/duplicate "
        f"{before_turns % 1000} -> missed {after_turns // 1000}, foreign {after_turns % 1000}; "
        f"8 threads x 50 (missed + foreign): {before_threads} -> {after_threads}"
    )
    # how many the original loses depends on when litellm's logging thread runs: 174 of 200 on a
    # quiet machine, 16 with a load average of 11 (other test runs on 2 cores); the fix loses none
    assert before_turns // 1000 >= 10 and after_turns == 0
    assert after_threads == 0


def _crew_losses(llm_mod, handlers_mod, mocked: MockedCompletion, use_async: bool) -> tuple[int, int]:
    """4 agents taking turns (sync) or 8 concurrent tasks (async); (missed, foreign) events."""
    import asyncio

    Recorder = recording(handlers_mod.TokenProcess)
    class AsyncHandler(handlers_mod.TokenCalcHandler):
        async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
            self.token_process.add(response_obj.usage)

    llm_mod.completion = mocked
    llm_mod.acompletion = mocked.acompletion
    crew = []
    for _ in range(4 if not use_async else 8):
        recorder = Recorder()
        crew.append((llm_mod.LLM("gpt-4o-mini"), AsyncHandler(recorder), recorder, []))
    if not use_async:
        for k in range(200):
            llm, handler, _, issued = crew[k % 4]
            llm.call([{"role": "user", "content": f"m{k}"}], callbacks=[handler])
            issued.append(mocked.issued)
        drain_sync_logging()
    else:
        async def agent(llm, handler, issued):
            for k in range(50):
                answer = await llm.acall([{"role": "user", "content": f"m{k}"}], callbacks=[handler])
                issued.append(int(answer))  # the mock answers with the call's own prompt_tokens

        async def main():
            await asyncio.gather(*(agent(llm, h, issued) for llm, h, _, issued in crew))
            await asyncio.sleep(0)
            from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER
            await GLOBAL_LOGGING_WORKER.flush()
            await asyncio.sleep(0.05)

        asyncio.run(main())
    missed = sum(len(set(issued) - set(rec.seen)) for _, _, rec, issued in crew)
    foreign = sum(len(set(rec.seen) - set(issued)) for _, _, rec, issued in crew)
    return missed, foreign


def test_crewai_set_callbacks_fixed(tmp_path: Path, mocked: MockedCompletion) -> None:
    root, result = fix_fixture("LLM002/crewai_set_callbacks", tmp_path, "LLM002")
    assert result.fixed == 3  # findings (one rewrite fixes them all)
    assert result.result.diagnostics == []
    before_sync = _crew_losses(load_fixture("LLM002/crewai_set_callbacks", "crew.llm"), load_fixture("LLM002/crewai_set_callbacks", "crew.handlers"), mocked, False)
    fixed_llm = import_fresh(root, "crew.llm")
    fixed_handlers = __import__("crew.handlers", fromlist=["_"])  # same package, imported from root
    after_sync = _crew_losses(fixed_llm, fixed_handlers, mocked, False)
    before_async = _crew_losses(load_fixture("LLM002/crewai_set_callbacks", "crew.llm"), load_fixture("LLM002/crewai_set_callbacks", "crew.handlers"), mocked, True)
    fixed_llm = import_fresh(root, "crew.llm")
    fixed_handlers = __import__("crew.handlers", fromlist=["_"])
    after_async = _crew_losses(fixed_llm, fixed_handlers, mocked, True)
    print(f"crewAI set_callbacks: 4 agents in turns (missed, foreign) {before_sync} -> {after_sync}; "
          f"8 async agents x 50 {before_async} -> {after_async}")
    # the sync losses depend on how far litellm's logging thread lags the turns: 100-190 of 200
    # on a quiet machine, 68 once with the suite and an ecosystem run on 2 cores (2026-12-06)
    assert before_sync[0] >= 20 and after_sync == (0, 0)
    assert before_async[0] >= 100 and after_async == (0, 0)


def test_crewai_lock_around_registration_fixed(tmp_path: Path, mocked: MockedCompletion) -> None:
    """crewAI PR #6163 shape (module lock + slice assignment around registration)."""
    from litellm.integrations.custom_logger import CustomLogger

    class Counter(CustomLogger):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[int] = []

        def log_success_event(self, kwargs, response_obj, start_time, end_time):
            self.seen.append(response_obj.usage.prompt_tokens)

    def losses(module) -> tuple[int, int]:
        crew = [(module.LLM("gpt-4o-mini"), Counter(), []) for _ in range(4)]
        for k in range(200):
            llm, handler, issued = crew[k % 4]
            llm.call([{"role": "user", "content": f"m{k}"}], callbacks=[handler])
            issued.append(mocked.issued)
        drain_sync_logging()
        return (
            sum(len(set(issued) - set(h.seen)) for _, h, issued in crew),
            sum(len(set(h.seen) - set(issued)) for _, h, issued in crew),
        )

    before = losses(load_fixture("LLM002/crewai_lock_registration_only", "llm"))
    root, result = fix_fixture("LLM002/crewai_lock_registration_only", tmp_path, "LLM002")
    assert result.fixed == 3  # findings (one rewrite fixes them all)
    after = losses(import_fresh(root, "llm"))
    print(f"crewAI lock around registration, 4 agents in turns (missed, foreign): {before} -> {after}")
    # as for set_callbacks above, the losses depend on how far litellm's logging thread lags the
    # turns: it failed the bar of 100 once in a full-suite run with two benchmark helpers on 2
    # cores (2026-12-06) and passed at once when run alone
    assert before[0] >= 20 and after == (0, 0)
