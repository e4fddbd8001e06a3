"""The crewAI-release-shape codemod (LLM002, ``handlers_from_response``), proven with real
litellm offline: agents whose handlers are swapped into litellm's global lists per call (and
at construction) get each other's events; after the fix each handler gets exactly its own
agent's events, in turns, in threads, in asyncio tasks, for streams, and for the handlers
given at construction."""

from __future__ import annotations

import asyncio
import collections
import threading
from pathlib import Path
from typing import Any

from litellm.integrations.custom_logger import CustomLogger

from tests.runtime.conftest import drain_sync_logging, fix_fixture, import_fresh, load_fixture

CASE = "LLM002/crewai_release_shape"


class AgentHandler(CustomLogger):
    """Counts success events by the answer they carry (each agent's mock answer is its name).
    The public ``name`` differs per handler, so litellm's de-duplication by class and public
    attributes keeps them apart: the losses measured are the wrapper's."""

    def __init__(self, name: str, agent: str) -> None:
        super().__init__()
        self.name, self.agent = name, agent
        self.got: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def _record(self, response_obj: Any) -> None:
        with self._lock:
            self.got[response_obj.choices[0].message.content] += 1

    def log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self._record(response_obj)

    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self._record(response_obj)


def _flush_async() -> None:
    from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

    async def flush() -> None:
        await asyncio.sleep(0)
        await GLOBAL_LOGGING_WORKER.flush()

    asyncio.run(flush())


def _misses(crew: list[tuple[Any, AgentHandler]], calls: int) -> int:
    """Events to another agent's handler plus events an agent's handler never got."""
    drain_sync_logging()
    wrong = sum(n for _, h in crew for text, n in h.got.items() if text != h.agent)
    lost = sum(max(0, calls - h.got[h.agent]) for _, h in crew)
    return wrong + lost


def _crew(mod: Any, tag: str, stream: bool = False, at_construction: bool = False) -> list[tuple[Any, AgentHandler]]:
    out = []
    for i in range(4):
        handler = AgentHandler(f"{tag}-agent{i}", f"agent{i}")
        llm = mod.LLM("gpt-4o-mini", f"agent{i}", callbacks=[handler] if at_construction else None, stream=stream)
        out.append((llm, handler))
    return out


def _turns(mod: Any, calls: int = 50) -> int:
    crew = _crew(mod, "turns")
    for _ in range(calls):
        for llm, h in crew:
            llm.call("hi", callbacks=[h])
    return _misses(crew, calls)


def _threads(mod: Any, calls: int = 20, stream: bool = False) -> int:
    crew = _crew(mod, f"threads-{stream}", stream=stream)

    def work(llm: Any, h: AgentHandler) -> None:
        for _ in range(calls):
            llm.call("hi", callbacks=[h])

    threads = [threading.Thread(target=work, args=pair) for pair in crew]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _misses(crew, calls)


def _tasks(mod: Any, calls: int = 20) -> int:
    crew = _crew(mod, "tasks")

    async def work(llm: Any, h: AgentHandler) -> None:
        for _ in range(calls):
            await llm.acall("hi", callbacks=[h])

    async def main() -> None:
        await asyncio.gather(*(work(*pair) for pair in crew))

    asyncio.run(main())
    _flush_async()
    return _misses(crew, calls)


def _constructed(mod: Any, calls: int = 20) -> int:
    """Handlers given at construction, calls that bring none: the instance's handlers."""
    crew = _crew(mod, "ctor", at_construction=True)
    for _ in range(calls):
        for llm, _h in crew:
            llm.call("hi")
    return _misses(crew, calls)


def _all(mod: Any) -> dict[str, int]:
    return {
        "turns": _turns(mod),
        "threads": _threads(mod),
        "tasks": _tasks(mod),
        "stream threads": _threads(mod, calls=5, stream=True),
        "construction": _constructed(mod),
    }


def test_crewai_release_shape_fixed(tmp_path: Path) -> None:
    before = _all(load_fixture(CASE, "agents.llm"))
    root, result = fix_fixture(CASE, tmp_path, "LLM002")
    assert result.fixed == 3  # findings (one rewrite fixes them all)
    assert [d for d in result.result.diagnostics if d.code == "LLM002"] == []
    fixed = import_fresh(root, "agents.llm")
    after = _all(fixed)
    print(f"crewAI release shape, events to another agent + never delivered: before {before}, after {after}")
    # the bug on the original (margins below every measured run; the knowledge file, exp07/exp08b)
    assert before["turns"] >= 50 and before["tasks"] >= 20
    assert after == {name: 0 for name in after}


def _runner_misses(runner: Any, tag: str) -> int:
    handlers = [AgentHandler(f"{tag}-agent{i}", f"agent{i}") for i in range(4)]
    for _ in range(20):
        for i, h in enumerate(handlers):
            assert runner.quick_answer("hi", h, f"agent{i}") == f"agent{i}"
    return _misses([(None, h) for h in handlers], 20)


def test_caller_in_another_module_fixed(tmp_path: Path) -> None:
    before = _runner_misses(load_fixture(CASE, "agents.runner"), "runner-before")
    root, _result = fix_fixture(CASE, tmp_path, "LLM002")
    after = _runner_misses(import_fresh(root, "agents.runner"), "runner-after")
    print(f"caller in another module, 4 handlers in turns: {before} -> {after}")
    assert before >= 20 and after == 0
