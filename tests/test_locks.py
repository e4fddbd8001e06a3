"""Lock regions: which locks are recognised, where they live, and what counts as across a call."""

from __future__ import annotations

from pathlib import Path

import pytest

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
