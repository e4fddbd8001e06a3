"""The deliver-directly codemod (LLM002), proven with real litellm: agents that install their
handler globally before each call lose events; after the fix each agent sees exactly its own."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from linter.config import load
from linter.engine import discover_files
from linter.fixing import fix_files, write_rewrites
from tests.runtime.conftest import (
    FIXTURES,
    MockedCompletion,
    drain_sync_logging,
    import_fresh,
    load_fixture,
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
    original = load_fixture("crewai_simple_success_callback", "agent")
    before_turns = _lost_taking_turns(original, mocked)
    before_threads = _lost_threads(original, mocked)
    root = tmp_path / "crew"
    shutil.copytree(FIXTURES / "crewai_simple_success_callback", root)
    config = load(None, root, isolated=True)
    result = fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM002"}, unsafe=False)
    assert result.fixed == 1 and write_rewrites(result, result.result.paths) == []
    assert result.result.diagnostics == []
    fixed = import_fresh(root, "agent")
    after_turns = _lost_taking_turns(fixed, mocked)
    after_threads = _lost_threads(fixed, mocked)
    print(
        f"handler installed per call, 4 agents in turns: missed {before_turns // 1000}/200, foreign/duplicate "
        f"{before_turns % 1000} -> missed {after_turns // 1000}, foreign {after_turns % 1000}; "
        f"8 threads x 50 (missed + foreign): {before_threads} -> {after_threads}"
    )
    assert before_turns // 1000 >= 100 and after_turns == 0
    assert after_threads == 0
