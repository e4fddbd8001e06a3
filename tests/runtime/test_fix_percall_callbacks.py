"""The per-call `callbacks=` codemod, proven with real litellm (crewAI PR #4252 shape): the
original leaks every handler into litellm's global lists, so events reach the wrong agent; the
code `llmlint fix` writes gives every handler exactly its own calls."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from litellm.integrations.custom_logger import CustomLogger

from tests.runtime.conftest import MockedCompletion, drain_sync_logging, fix_fixture, import_fresh, load_fixture

CASE = "LLM002/crewai_percall_callbacks"


class Counter(CustomLogger):
    """A per-agent token counter, as crewAI's handlers are."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[int] = []

    def log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
        self.seen.append(response_obj.usage.prompt_tokens)


def _losses(module: Any, mocked: MockedCompletion, threads: int) -> tuple[int, int]:
    """(events missed, events delivered to another agent) over 200 calls (1 thread, 4 agents in
    turns) or 400 calls (8 threads, one agent each)."""
    agents = [(module.LLM(model="gpt-4o-mini"), Counter(), []) for _ in range(4 if threads == 1 else 8)]

    def run(agent: tuple[Any, Counter, list[int]], calls: int) -> None:
        llm, handler, issued = agent
        for k in range(calls):
            llm.call([{"role": "user", "content": f"m{k}"}], callbacks=[handler])
            issued.append(mocked.issued)

    if threads == 1:
        for k in range(200):
            run(agents[k % 4], 1)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(run, agents, [50] * len(agents)))
    drain_sync_logging()
    missed = sum(len(set(issued) - set(h.seen)) for _, h, issued in agents)
    foreign = sum(len(set(h.seen) - set(issued)) for _, h, issued in agents)
    return missed, foreign


def test_percall_callbacks_fixed(tmp_path: Path, mocked: MockedCompletion) -> None:
    root, result = fix_fixture(CASE, tmp_path, "LLM002")
    assert result.fixed == 1
    # what stays: the env-callbacks validator and the stream, each with its reason
    assert sorted(d.span.line for d in result.result.diagnostics) == [21, 22, 40]
    before_1 = _losses(load_fixture(CASE, "llm"), mocked, 1)
    after_1 = _losses(import_fresh(root, "llm"), mocked, 1)
    before_8 = _losses(load_fixture(CASE, "llm"), mocked, 8)
    after_8 = _losses(import_fresh(root, "llm"), mocked, 8)
    print(f"per-call callbacks= (missed, foreign): 4 agents in turns x 200 {before_1} -> {after_1}; "
          f"8 threads x 50 {before_8} -> {after_8}")
    assert before_1[0] >= 100 and after_1 == (0, 0)
    assert before_8[0] >= 100 and after_8 == (0, 0)
