"""Real litellm, offline: imported once per session, global callback state reset around each test.

Recipe from ../shared/knowledge/litellm-callbacks.md §6: offline cost map, no banner, every
registry emptied before and restored after, the hidden ``customLogger`` global made explicit,
the sync logging pool drained at teardown, unique usage per call through dict mock responses.
"""

from __future__ import annotations

import importlib
import itertools
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_LOG", "ERROR")

import litellm  # noqa: E402
from litellm.integrations.custom_logger import CustomLogger  # noqa: E402
from litellm.litellm_core_utils import litellm_logging  # noqa: E402

litellm.suppress_debug_info = True

REGISTRIES = (
    "callbacks",
    "input_callback",
    "success_callback",
    "failure_callback",
    "service_callback",
    "audit_log_callbacks",
    "_async_input_callback",
    "_async_success_callback",
    "_async_failure_callback",
)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def drain_sync_logging(timeout: float = 10.0) -> None:
    """No public flush exists for litellm's sync logging pool: wait for its semaphore to refill."""
    from litellm.litellm_core_utils.thread_pool_executor import executor

    end = time.monotonic() + timeout
    while executor._pending_slots._value != executor._max_pending_tasks and time.monotonic() < end:
        time.sleep(0.002)
    time.sleep(0.01)


@pytest.fixture(autouse=True)
def clean_litellm() -> Iterator[None]:
    saved = {name: getattr(litellm, name) for name in REGISTRIES}
    saved_retries = litellm.num_retries
    saved_logger = litellm_logging.customLogger
    for name in REGISTRIES:
        setattr(litellm, name, [])
    # plain-function callbacks only fire on the sync path once this hidden global is set
    litellm_logging.customLogger = CustomLogger()
    try:
        yield
    finally:
        drain_sync_logging()
        for name, value in saved.items():
            setattr(litellm, name, value)
        litellm.num_retries = saved_retries
        litellm_logging.customLogger = saved_logger


def usage_for(i: int) -> dict[str, int]:
    prompt, completion = 1000 + i, 10 + i % 97
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


class MockedCompletion:
    """Wraps litellm.completion: each call gets a unique usage; the caller's thread can ask
    which prompt_tokens its own last call was given."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.delay = 0.0  # seconds of simulated latency (litellm's mock_delay)

    def _prepare(self, kwargs: dict[str, Any], content: str | None = None) -> None:
        with self.lock:
            i = next(self.counter)
        usage = usage_for(i)
        self.local.issued = usage["prompt_tokens"]
        self.local.content = content or f"r{i}"
        if self.delay:
            kwargs.setdefault("mock_delay", self.delay)
        kwargs.setdefault("mock_response", {
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content or f"r{i}"}}],
            "usage": usage,
        })

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._prepare(kwargs)
        response = self.real(*args, **kwargs)
        self.local.response = response
        return response

    async def acompletion(self, *args: Any, **kwargs: Any) -> Any:
        """litellm.acompletion with unique usage; the answer is the call's own prompt_tokens, so
        a task can tell which call it made (tasks share the loop thread's thread-locals)."""
        self._prepare(kwargs, content="pending")
        kwargs["mock_response"]["choices"][0]["message"]["content"] = str(kwargs["mock_response"]["usage"]["prompt_tokens"])
        return await litellm.acompletion(*args, **kwargs)

    @property
    def response(self) -> Any:
        return self.local.response

    @property
    def issued(self) -> int:
        return self.local.issued

    @property
    def content(self) -> str:
        return self.local.content


@pytest.fixture
def mocked(monkeypatch: pytest.MonkeyPatch) -> MockedCompletion:
    mock = MockedCompletion(litellm.completion)
    monkeypatch.setattr(litellm, "completion", mock)
    return mock


def recording(base: type) -> type:
    """A subclass of a token-accounting class that records every prompt_tokens it is given."""

    class Recorder(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[int] = []

        def add(self, usage: Any) -> None:
            self.seen.append(usage.prompt_tokens)

    return Recorder


# installed packages that a fixture package of the same name (``agents``: the OpenAI Agents SDK's
# module) pushed out of ``sys.modules``; put back at the end of the session, for their exit hooks
_DISPLACED: dict[str, Any] = {}


@pytest.fixture(scope="session", autouse=True)
def restore_displaced_packages() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.split(".")[0] in {d.split(".")[0] for d in _DISPLACED}]:
        del sys.modules[name]
    sys.modules.update(_DISPLACED)


def import_fresh(root: Path, module: str) -> Any:
    """Import ``module`` from folder ``root``, dropping any cached copy of its top-level package."""
    top = module.split(".")[0]
    for name in list(sys.modules):
        if name == top or name.startswith(top + "."):
            if "site-packages" in (getattr(sys.modules[name], "__file__", None) or ""):
                _DISPLACED.setdefault(name, sys.modules[name])
            del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(str(root))


def load_fixture(case: str, module: str) -> Any:
    """Import a fixture module by name from its case folder, ``CODE/name`` (the case folder is the root)."""
    return import_fresh(FIXTURES / case, module)


def fix_fixture(case: str, tmp_path: Path, code: str) -> tuple[Path, Any]:
    """Copy fixture ``case`` (``CODE/name``) and run ``llmlint fix --rule code`` on the copy: every rewrite is
    written, and a second run changes nothing. Returns the copy's root and the fix result."""
    from linter.config import load
    from linter.engine import discover_files
    from linter.fixing import fix_files, write_rewrites

    root = tmp_path / case
    shutil.copytree(FIXTURES / case, root)
    config = load(None, root, isolated=True)
    result = fix_files(discover_files([str(root)], config, cwd=root), config, 1, {code}, unsafe=False)
    assert result.fixed >= 1 and not result.errors
    assert write_rewrites(result, result.result.paths) == []
    again = fix_files(discover_files([str(root)], config, cwd=root), config, 1, {code}, unsafe=False)
    assert again.rewrites == {}, "a second fix run changed the fixed code"
    return root, result
