"""The per-call config codemod (LLM005), proven with real litellm sending real HTTP requests to a
local OpenAI-compatible server that answers with the API key it received: with 8 threads, each
using its own tenant key, the original fixture sends calls with another tenant's key; the fixed
code (key passed per call) sends every call with its own key, 0 of 400 wrong.

``sys.setswitchinterval`` makes threads switch often, so the race shows in every run (at the
default 5 ms it is rarer but present: 7/400 in one measurement); it does not change the code run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import litellm
import pytest

from tests.runtime.echo_server import echo_key_server
from tests.runtime.conftest import FIXTURES, fix_fixture, import_fresh

CASE = "LLM005/tenant_api_key_fastapi"



@pytest.fixture
def local_openai() -> Iterator[str]:
    with echo_key_server() as base:
        saved = (litellm.api_key, litellm.api_base, sys.getswitchinterval())
        # one-time set-up of the test process: every call goes to the local server
        litellm.api_base = base
        sys.setswitchinterval(1e-5)
        try:
            yield litellm.api_base
        finally:
            litellm.api_key, litellm.api_base = saved[0], saved[1]
            sys.setswitchinterval(saved[2])


def _foreign_keys(answer: Callable[[str, str], str], threads: int = 8, per_thread: int = 50) -> int:
    def tenant(i: int) -> int:
        key = f"sk-tenant-{i}"
        return sum(answer(f"q{k}", key) != key for k in range(per_thread))

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(tenant, range(threads)))


def test_global_api_key_leaks_between_tenants_and_the_fix_does_not(tmp_path: Path, local_openai: str) -> None:
    original = import_fresh(FIXTURES / CASE, "app.llm")
    wrong_before = _foreign_keys(original.answer)
    fixed_root, result = fix_fixture(CASE, tmp_path, "LLM005")
    assert result.fixed == 1
    assert "litellm.api_key" not in (fixed_root / "app" / "llm.py").read_text()
    fixed = import_fresh(fixed_root, "app.llm")
    wrong_after = _foreign_keys(fixed.answer)
    print(f"LLM005 per-tenant litellm.api_key, 8 threads x 50: {wrong_before}/400 sent with another tenant's key before, {wrong_after}/400 after")
    assert wrong_before >= 40, f"{wrong_before}/400"
    assert wrong_after == 0, f"{wrong_after}/400"
