"""LLM005 global-client-config, LLM006 blocking-lock-in-async, LLM007 callback-registering-constructor:
what each detects, what it leaves alone, and where LLM006 and LLM003 draw the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import load
from linter.engine import discover_files
from linter.fixing import fix_files
from tests.helpers import codes, lint, lint_low, write


@pytest.mark.parametrize(
    "write_stmt,label",
    [
        ("litellm.api_key = k", "`litellm.api_key`"),
        ("litellm.api_base = k", "`litellm.api_base`"),
        ("litellm.num_retries += 1", "`litellm.num_retries`"),
        ("litellm.drop_params = k", "`litellm.drop_params`"),
        ("litellm.cache = k", "`litellm.cache`"),
        ("ll.modify_params = k", "`litellm.modify_params`"),
        ("openai.api_key = k", "`openai.api_key`"),
        ("openai.base_url = k", "`openai.base_url`"),
        ("os.environ['OPENAI_API_KEY'] = k", "`os.environ[...]`"),
        ("os.environ.update({'A': k})", "`os.environ.update()`"),
        ("os.environ.setdefault('A', k)", "`os.environ.setdefault()`"),
        ("os.putenv('A', k)", "`os.putenv()`"),
        ("genai.configure(api_key=k)", "`google.generativeai.configure()`"),
        ("set_llm_cache(k)", "`langchain_core.globals.set_llm_cache()`"),
    ],
)
def test_every_config_write_form(tmp_path: Path, write_stmt: str, label: str) -> None:
    src = f"""
import os
import litellm
import litellm as ll
import openai
import google.generativeai as genai
from langchain_core.globals import set_llm_cache


async def handle(k):
    {write_stmt}
    return await litellm.acompletion(model="m", messages=[])
"""
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM005", 11)]
    assert str(diags[0].message).startswith(label)
    assert diags[0].confidence == "high"


@pytest.mark.parametrize(
    "fixed,label",
    [
        ("litellm.drop_params = True", "`litellm.drop_params`"),
        ("litellm.cache = None", "`litellm.cache`"),
        ("os.environ.pop('A', None)", "`os.environ.pop()`"),
        ("del os.environ['A']", "`os.environ[...]`"),
        ("os.environ['A'] = os.environ.get('B', '')", "`os.environ[...]`"),
        ("set_llm_cache(None)", "`langchain_core.globals.set_llm_cache()`"),
    ],
)
def test_a_fixed_value_is_reported_only_when_another_write_sets_a_different_one(tmp_path: Path, fixed: str, label: str) -> None:
    """A literal or process-wide value written on every request is the same for all of them;
    once other code writes something else into the setting, whoever wrote last decides."""
    src = f"""
import os
import litellm
from langchain_core.globals import set_llm_cache


async def handle():
    {fixed}
    return await litellm.acompletion(model="m", messages=[])
"""
    assert lint_low(tmp_path, {"m.py": src}) == []
    other = {
        "`litellm.drop_params`": "litellm.drop_params = False",
        "`litellm.cache`": "litellm.cache = litellm.Cache()",
        "`os.environ.pop()`": "os.environ['A'] = '1'",
        "`os.environ[...]`": "os.environ['A'] = 'x'",
        "`langchain_core.globals.set_llm_cache()`": "set_llm_cache(object())",
    }[label]
    diags = lint(tmp_path, {"m.py": src + f"\n\nasync def other():\n    {other}\n"})
    assert [d.span.line for d in diags if d.code == "LLM005"] == [8, 13]
    assert str(diags[0].message).startswith(label) and "other code writes a different value" in str(diags[0].message)


def test_reads_and_lookalike_attributes_are_not_config_writes(tmp_path: Path) -> None:
    src = """
import os
import litellm


class Settings:
    api_key = None


async def handle(k, settings):
    settings.api_key = k
    Settings.api_key = k
    key = os.environ.get("OPENAI_API_KEY") or litellm.api_key
    env = dict(os.environ)
    env["OPENAI_API_KEY"] = k
    return await litellm.acompletion(model="m", messages=[], api_key=key)
"""
    assert lint_low(tmp_path, {"m.py": src}) == []


def test_save_set_restore_and_setdefault_are_named(tmp_path: Path) -> None:
    src = """
import os
import litellm


async def handle(k):
    old = litellm.modify_params
    litellm.modify_params = True
    try:
        return await litellm.acompletion(model="m", messages=[])
    finally:
        litellm.modify_params = old


async def first(k):
    os.environ.setdefault("OPENAI_API_KEY", k)
"""
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM005", 8), ("LLM005", 16)]
    assert "saved, set and restored around the call" in str(diags[0].message)
    assert any("restored at m.py:12" in e for e in map(str, diags[0].evidence))
    assert "keeps the first request's value" in str(diags[1].message)


def test_per_instance_config_objects_and_module_singletons(tmp_path: Path) -> None:
    src = """
import os


class AgentConfig:
    def __init__(self, key):
        os.environ["OPENAI_API_KEY"] = key


DEFAULT = AgentConfig("from-settings")
"""
    # built only at import: one-time set-up
    assert lint_low(tmp_path, {"m.py": src}) == []
    src2 = src.replace('DEFAULT = AgentConfig("from-settings")', "")
    diags = lint(tmp_path, {"m.py": src2})
    assert [(d.code, d.span.line, d.confidence) for d in diags] == [("LLM005", 7, "medium")]
    assert "runs per instance" in str(diags[0].evidence[0])


# ------------------------------------------------------------------------------ LLM006
LOCKS = """
import asyncio
import threading
import httpx

_T = threading.Lock()
_A = asyncio.Lock()


class C:
    def __init__(self):
        self._lock = threading.RLock()
"""


def test_thread_lock_across_await_is_llm006_and_across_a_network_call_llm003(tmp_path: Path) -> None:
    src = LOCKS + """
    async def across_await(self):
        with self._lock:
            await asyncio.sleep(0)

    async def across_network(self):
        async with httpx.AsyncClient() as client:
            with self._lock:
                return await client.get("http://x")

    async def brief(self):
        with _T:
            self.n = 1

    async def asyncio_lock(self):
        async with _A:
            await asyncio.sleep(0)

    def sync_code(self):
        with self._lock:
            self.n = 2
"""
    high = lint(tmp_path, {"m.py": src})
    assert codes(high) == [("LLM006", 15), ("LLM003", 20)]
    assert "held across `await`" in str(high[0].message)
    assert "also blocks the event loop" in str(high[1].message)  # LLM003 says it, once
    assert codes(lint_low(tmp_path, {"m.py": src})) == [("LLM006", 15), ("LLM003", 20), ("LLM006", 24)]


def test_acquire_in_async_def(tmp_path: Path) -> None:
    src = LOCKS + """
async def take():
    _T.acquire()
    try:
        await asyncio.sleep(0)
    finally:
        _T.release()


async def take_nowait():
    if _T.acquire(blocking=False):
        _T.release()
"""
    assert codes(lint(tmp_path, {"m.py": src})) == [("LLM006", 15)]


def test_llm006_fix_moves_the_await_out_of_the_lock(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": LOCKS + """
    async def refresh(self):
        with self._lock:
            await asyncio.sleep(0)
            self.n = 1


async def refresh_twice(c: C):
    await asyncio.gather(c.refresh(), c.refresh())
"""})
    config = load(None, tmp_path, isolated=True)
    result = fix_files(discover_files([str(tmp_path)], config, cwd=tmp_path), config, 1, {"LLM006"}, unsafe=False)
    text = result.rewrites["m.py"]
    assert "await asyncio.sleep(0)\n        with self._lock:\n            self.n = 1" in text
    assert codes(result.result.diagnostics) == []


# ------------------------------------------------------------------------------ LLM007
def test_router_and_registering_project_classes_built_per_request(tmp_path: Path) -> None:
    files = {
        "agent.py": """
            import litellm

            class Handler:
                def __call__(self, *a):
                    pass

            class Agent:
                def __init__(self):
                    self.h = Handler()
                    self._install()

                def _install(self):
                    litellm.success_callback.append(self.h)

            class Plain:
                def __init__(self):
                    self.n = 0
            """,
        "api.py": """
            import litellm
            from agent import Agent, Plain

            ROUTER = litellm.Router(model_list=[])
            SHARED = Agent()

            async def handle(req):
                router = litellm.Router(model_list=req.models)
                agent = Agent()
                plain = Plain()
                return await ROUTER.acompletion(model="m", messages=[])
            """,
    }
    diags = lint(tmp_path, files)
    assert [(d.code, d.path, d.span.line) for d in diags if d.code == "LLM007"] == [("LLM007", "api.py", 9), ("LLM007", "api.py", 10)]
    agent = next(d for d in diags if d.code == "LLM007" and d.span.line == 10)
    assert "Agent.__init__ → Agent._install registers in litellm.success_callback at agent.py:14" in str(agent.evidence[0])


# ------------------------------------------------------------------------- LLM005 fix
def _fix(tmp_path: Path, src: str):  # type: ignore[no-untyped-def]
    write(tmp_path, {"m.py": src})
    config = load(None, tmp_path, isolated=True)
    return fix_files(discover_files([str(tmp_path)], config, cwd=tmp_path), config, 1, {"LLM005"}, unsafe=False)


def test_per_call_fix_removes_save_and_restore(tmp_path: Path) -> None:
    result = _fix(tmp_path, """
import litellm


async def ask(prompt, retries):
    old = litellm.num_retries
    litellm.num_retries = retries * 2
    try:
        r = await litellm.acompletion(model="m", messages=[{"role": "user", "content": prompt}])
    finally:
        litellm.num_retries = old
    return r
""")
    assert result.rewrites["m.py"].splitlines()[4:8] == [
        "async def ask(prompt, retries):",
        "    llm_num_retries = retries * 2",
        '    r = await litellm.acompletion(model="m", messages=[{"role": "user", "content": prompt}], num_retries=llm_num_retries)',
        "    return r",
    ]
    assert codes(result.result.diagnostics) == []
    again = _fix(tmp_path / "again", result.rewrites["m.py"])
    assert again.rewrites == {}


@pytest.mark.parametrize(
    "body,reason",
    [
        ("    litellm.modify_params = k\n    return litellm.completion(model='m', messages=[])\n", "no per-call keyword"),
        ("    os.environ['OPENAI_API_KEY'] = k\n    return litellm.completion(model='m', messages=[])\n", "no per-call keyword"),
        ("    litellm.api_key = k\n    print(litellm.api_key)\n    return litellm.completion(model='m', messages=[])\n", "also reads"),
        ("    litellm.api_key = k\n    return litellm.completion(**PARAMS)\n", "splats **kwargs"),
        ("    litellm.api_key = k\n    return litellm.completion(model='m', messages=[], api_key='x')\n", "already passes `api_key=`"),
        ("    litellm.api_key = k\n    return helper()\n", "makes no litellm call itself"),
        ("    if k:\n        litellm.api_key = k\n    return litellm.completion(model='m', messages=[])\n", "not always preceded"),
    ],
)
def test_per_call_fix_refusals_say_why(tmp_path: Path, body: str, reason: str) -> None:
    src = "import os\nimport litellm\nPARAMS = {}\n\n\ndef helper():\n    return litellm.completion(model='m', messages=[])\n\n\nasync def ask(k):\n" + body
    result = _fix(tmp_path, src)
    assert result.rewrites == {}
    reasons = [result.reason(d) for d in result.result.diagnostics if d.code == "LLM005"]
    assert reasons and reason in (reasons[0] or ""), reasons


# ---------------------------------------------------- LLM001 / LLM002 extensions
def test_llm001_names_the_read_modify_write_across_a_retry() -> None:
    from linter.engine import check_paths
    from tests.expectations import FIXTURES

    def diags(case: str):  # type: ignore[no-untyped-def]
        root = FIXTURES / case
        return check_paths([str(root)], load(None, root, isolated=True), jobs=1, cwd=root).diagnostics

    for case, line in (("LLM001/pdd_retry_rmw", 31), ("LLM001/pdd_server_cache_toggle", 26)):
        # one finding per read; the read-modify-write is told once, at the saved read
        rmw = [d for d in diags(case) if d.code == "LLM001" and "read-modify-write across the call" in str(d.message)]
        assert len(rmw) == 1, case
        assert str(rmw[0].evidence[-1]).endswith(f"written back at {rmw[0].path}:{line}")
    assert all("read-modify-write" not in str(d.message) for d in diags("LLM001/pdd_global_dict"))


def test_llm002_atomic_swap_is_still_per_request(tmp_path: Path) -> None:
    src = """
import threading
import litellm

_L = threading.Lock()


async def ask(handler):
    with _L:
        litellm.success_callback[:] = [handler]
    return await litellm.acompletion(model="m", messages=[])
"""
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM002", 10)]
    assert "slice assignment makes the swap atomic" in str(diags[0].message)
    assert "the lock around it does not help" in str(diags[0].message)
