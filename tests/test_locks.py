"""Lock regions: which locks are recognised, where they live, and what counts as across a call."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import load
from linter.engine import discover_files
from linter.fixing import fix_files
from tests.helpers import lint_low, codes, lint

FACTORIES = [
    ("threading", "Lock"),
    ("threading", "RLock"),
    ("threading", "Semaphore"),
    ("threading", "BoundedSemaphore"),
    ("threading", "Condition"),
    ("asyncio", "Lock"),
    ("asyncio", "Semaphore"),
    ("multiprocessing", "Lock"),
]


@pytest.mark.parametrize("module,factory", FACTORIES)
def test_every_lock_factory_is_a_lock(tmp_path: Path, module: str, factory: str) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": f"""
                import {module}
                import litellm

                L = {module}.{factory}()

                def ask():
                    with L:
                        return litellm.completion(model="m", messages=[])
            """
        },
    )
    assert codes(diags) == [("LLM003", 8)]


def test_module_class_and_instance_locks(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                from threading import Lock, RLock
                import requests

                MOD = Lock()

                class Client:
                    _cls_lock = RLock()

                    def __init__(self):
                        self._inst_lock = Lock()

                    def a(self):
                        with MOD:
                            return requests.get("http://x")

                    def b(self):
                        with Client._cls_lock:
                            return requests.post("http://x")

                    def c(self):
                        with self._inst_lock:
                            return requests.get("http://x")

                    def d(self):
                        with self._cls_lock:
                            return requests.get("http://x")
            """
        },
        min_confidence="low",
    )
    assert codes(diags) == [("LLM003", 14), ("LLM003", 18), ("LLM003", 22), ("LLM003", 26)]
    by_line = {d.span.line: d for d in diags}
    assert "module-level threading.Lock" in str(by_line[14].evidence[0])
    assert "class-level threading.RLock" in str(by_line[18].evidence[0])
    assert "instance threading.Lock" in str(by_line[22].evidence[0])
    assert "class-level threading.RLock" in str(by_line[26].evidence[0])
    # nothing here runs concurrently: every finding waits for --preview (tests/test_context.py
    # has the confidence levels with concurrency evidence)
    assert {d.confidence for d in diags} == {"low"}


def test_inherited_lock_and_imported_lock(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/locks.py": "import threading\nGLOBAL = threading.Lock()\n",
            "pkg/base.py": "import threading\nclass Base:\n    _lock = threading.Lock()\n",
            "pkg/client.py": """
                import httpx
                from pkg.base import Base
                from pkg.locks import GLOBAL

                class Child(Base):
                    def go(self):
                        with self._lock:
                            return httpx.get("http://x")

                def go2():
                    with GLOBAL:
                        return httpx.post("http://x")
            """,
        },
        min_confidence="low",
    )
    assert [(d.path, d.span.line) for d in diags] == [("pkg/client.py", 8), ("pkg/client.py", 12)]


def test_network_call_through_project_functions_bounded(tmp_path: Path) -> None:
    src = """
        import threading
        import litellm

        L = threading.Lock()

        def d3():
            return litellm.completion(model="m", messages=[])

        def d2():
            return d3()

        def d1():
            return d2()

        def d0():
            return d1()

        def three_deep():
            with L:
                return d1()

        def four_deep():
            with L:
                return d0()
    """
    diags = lint(tmp_path, {"m.py": src}, min_confidence="low")
    assert codes(diags) == [("LLM003", 20)]
    assert "d1() → d2() → d3() → litellm.completion()" in str(diags[0].evidence[1])


def test_lock_not_held_across_call_is_clean(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import threading
                import litellm

                L = threading.Lock()
                N = [0]

                def ask():
                    with L:
                        N[0] += 1
                    return litellm.completion(model="m", messages=[])

                def fresh_lock_each_call():
                    with threading.Lock():
                        return litellm.completion(model="m", messages=[])
            """
        },
        min_confidence="low",
    )
    assert diags == []


def test_lock_in_one_time_code_is_clean(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import threading
                import requests

                L = threading.Lock()

                def warm_up():
                    with L:
                        requests.get("http://x")

                with L:
                    requests.get("http://x")

                if __name__ == "__main__":
                    warm_up()
            """
        },
        min_confidence="low",
    )
    assert diags == []


def test_sdk_clients_and_sessions_are_network(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import asyncio
                import aiohttp
                import anthropic
                import requests

                class Bot:
                    _lock = asyncio.Lock()

                    def __init__(self):
                        self.client = anthropic.AsyncAnthropic()
                        self.session = requests.Session()

                    async def reply(self, text):
                        async with self._lock:
                            return await self.client.messages.create(model="c", max_tokens=5, messages=[])

                    def fetch(self):
                        with threading_lock():
                            return self.session.get("http://x")

                    async def scrape(self):
                        async with aiohttp.ClientSession() as s:
                            async with self._lock:
                                return await s.get("http://x")
            """
        },
        min_confidence="low",
    )
    assert codes(diags) == [("LLM003", 15), ("LLM003", 24)]


def test_lock_named_only_by_its_name(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import requests

                class C:
                    def __init__(self, lock, block, clock):
                        self._lock = lock
                        self.block = block
                        self.clock = clock

                    def a(self):
                        with self._lock:
                            return requests.get("http://x")

                    def b(self):
                        with self.block:
                            return requests.get("http://x")

                    def c(self):
                        with self.clock:
                            return requests.get("http://x")
            """
        },
    )
    assert codes(diags) == [("LLM003", 11)]
    assert diags[0].confidence == "low"  # no concurrent caller: reported with --preview
    assert "by its name" in str(diags[0].evidence[0])


def test_module_level_clients_and_router(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import threading
                import litellm
                import requests

                router = litellm.Router(model_list=[])
                session = requests.Session()
                LOCK = threading.Lock()
                CONFIG = {}

                async def ask(messages):
                    with LOCK:
                        return await router.acompletion(model="m", messages=messages)

                def fetch(url):
                    with LOCK:
                        return session.get(url)

                def read(key):
                    with LOCK:
                        return CONFIG.get(key)
            """
        },
    )
    assert codes(diags) == [("LLM003", 12), ("LLM003", 16)]
    assert "router.acompletion" in str(diags[0].message)


def _fixed(root: Path) -> dict[str, str]:
    """What ``fix --unsafe-fixes`` would write in ``root`` (every confidence)."""
    config = load(None, root, isolated=True, min_confidence="low")
    done = fix_files(discover_files([str(root)], config, cwd=root), config, 1, set(), unsafe=True)
    assert not done.errors
    return done.rewrites


def test_acquire_release_is_a_region_and_gets_no_narrowing(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import threading
                import requests

                L = threading.Lock()

                def pull(url):
                    L.acquire()
                    try:
                        return requests.get(url).text
                    finally:
                        L.release()

                def count(url):
                    L.acquire()
                    try:
                        pass
                    finally:
                        L.release()
                    return requests.get(url).text

                def other(url, m):
                    L.acquire()
                    try:
                        return requests.get(url).text
                    finally:
                        m.release()  # releases something else: not a region of L
            """
        },
    )
    assert codes(diags) == [("LLM003", 8)]
    assert diags[0].payload.narrowable is False and _fixed(tmp_path) == {}


def test_inter_process_locks_are_not_locks(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import fasteners
                import requests
                from filelock import FileLock, SoftFileLock

                MOD_LOCK = SoftFileLock("x.lock")

                class Store:
                    def __init__(self):
                        self._lock = FileLock("store.lock")

                    def save(self, url):
                        with self._lock:
                            return requests.get(url).text

                def pull(url):
                    lock = fasteners.InterProcessLock("pull.lock")
                    with lock:
                        return requests.get(url).text

                def pull2(url):
                    with MOD_LOCK:
                        return requests.get(url).text
            """
        },
    )
    assert codes(diags) == []


def test_local_lock_factory_decides_not_its_name(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import asyncio
                import httpx

                async def fan_out(urls):
                    sem = asyncio.Semaphore(8)  # admits 8: a limiter, not a lock
                    lock = asyncio.Lock()  # a real lock, made here, shared with the workers
                    seen = []
                    async with httpx.AsyncClient() as client:
                        async def one(u):
                            async with sem:
                                reply = await client.get(u)
                            async with lock:
                                seen.append(u)
                            return reply
                        async with lock:
                            first = await client.get(urls[0])
                        return [first] + await asyncio.gather(*(one(u) for u in urls[1:]))
            """
        },
    )
    assert codes(diags) == [("LLM003", 16)]
    assert "local asyncio.Lock made at" in str(diags[0].evidence[0])


def test_default_factory_lock_has_a_visible_factory_and_a_fix(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import threading
                from dataclasses import dataclass, field
                import litellm

                @dataclass
                class Agent:
                    model: str
                    _lock: threading.Lock = field(default_factory=threading.Lock)

                    def ask(self, messages):
                        with self._lock:
                            reply = litellm.completion(model=self.model, messages=messages)
                        return reply
            """
        },
    )
    assert codes(diags) == [("LLM003", 12)]
    assert "instance threading.Lock defined at" in str(diags[0].evidence[0])
    assert "one lock shared by every instance" not in str(diags[0].evidence[0])  # one per instance
    assert diags[0].payload.narrowable is True
    assert "    def ask(self, messages):\n        reply = litellm.completion(" in _fixed(tmp_path)["m.py"]  # out of the lock


def test_lock_named_only_by_its_name_gets_no_narrowing(tmp_path: Path) -> None:
    diags = lint_low(
        tmp_path,
        {
            "m.py": """
                import litellm

                class Agent:
                    def __init__(self, lock):
                        self._lock = lock

                    def ask(self, messages):
                        with self._lock:
                            reply = litellm.completion(model="m", messages=messages)
                        return reply
            """
        },
    )
    assert codes(diags) == [("LLM003", 9)]
    assert diags[0].payload.narrowable is False and _fixed(tmp_path) == {}


def test_llm002_names_a_lock_only_when_it_is_one(tmp_path: Path) -> None:
    src = """
        import threading
        import warnings
        import litellm

        _L = threading.Lock()

        async def quiet(handler):
            with warnings.catch_warnings():
                litellm.callbacks = [handler]
            return await litellm.acompletion(model="m", messages=[])

        async def locked(handler):
            with _L:
                litellm.callbacks = [handler]
            return await litellm.acompletion(model="m", messages=[])
    """
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM002", 10), ("LLM002", 15)]
    quiet, locked = diags
    assert "lock" not in str(quiet.message) and not any("lock" in str(e) for e in quiet.evidence)
    assert "the lock around it does not help" in str(locked.message)
    assert any("inside a lock, `_L` (module-level threading.Lock" in str(e) for e in locked.evidence)
