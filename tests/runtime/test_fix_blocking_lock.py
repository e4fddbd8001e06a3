"""LLM006's hazard and its fix, run: 8 asyncio tasks calling the thread_lock_in_async fixture's
``refresh`` all "hold" its threading RLock at once (an RLock re-enters on the loop's one thread,
so it excludes nothing), and the loop thread is the one that would block on it. After
``llmlint fix --rule blocking-lock-in-async`` the ``await`` runs outside the lock: no task holds
it while suspended (0 holders seen while the tasks are suspended, down from 8)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from tests.runtime.conftest import FIXTURES, fix_fixture, import_fresh

CASE = "LLM006/thread_lock_in_async"
_COUNT = re.compile(r"count=(\d+)")


def _holders(lock: Any) -> int:
    """How many times the RLock is held (CPython shows its recursion count in the repr)."""
    m = _COUNT.search(repr(lock))
    return int(m.group(1)) if m else 0


async def _max_holders_while_suspended(service: Any, tasks: int = 8) -> int:
    seen = 0
    done = asyncio.Event()

    async def monitor() -> None:
        nonlocal seen
        while not done.is_set():
            seen = max(seen, _holders(service._state_lock))
            await asyncio.sleep(0.001)

    watcher = asyncio.create_task(monitor())
    await asyncio.gather(*(service.refresh(f"k{i}") for i in range(tasks)))
    done.set()
    await watcher
    assert sorted(service._cache) == sorted(f"k{i}" for i in range(tasks))
    return seen


def test_thread_lock_across_await_excludes_nothing_and_the_fix_releases_it(tmp_path: Path) -> None:
    original = import_fresh(FIXTURES / CASE, "service")
    before = asyncio.run(_max_holders_while_suspended(original))
    root, result = fix_fixture(CASE, tmp_path, "LLM006")
    assert result.fixed == 1
    assert [d.code for d in result.result.diagnostics] == ["LLM003"]  # fetch(): not this rule's
    fixed = import_fresh(root, "service")
    after = asyncio.run(_max_holders_while_suspended(fixed))
    print(f"LLM006 RLock held across await, 8 tasks: {before} holders at once while suspended before, {after} after")
    assert before == 8
    assert after == 0
