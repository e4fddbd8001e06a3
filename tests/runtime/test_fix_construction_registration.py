"""LLM007's env-registration shape with real litellm, offline: a model that reassigns
``litellm.success_callback`` from the environment on every construction unregisters the handler
the application installed at start-up, so every request built after it loses its events; after
``llmlint fix --rule LLM007`` (the registration cached once per process) none is lost."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import litellm

from tests.runtime.conftest import drain_sync_logging, fix_fixture, import_fresh, load_fixture

CASE = "LLM007/env_loggers_per_construction"
REQUESTS = 20


def _delivered(chat: Any) -> int:
    """Build a first model at start-up, install the application's handler, then serve requests
    that each build their own model on the worker threads: how many events the handler got."""
    got: list[str] = []
    lock = threading.Lock()

    def on_success(kwargs, response, start_time, end_time):  # type: ignore[no-untyped-def]
        with lock:
            got.append(response.choices[0].message.content)

    chat.model.ChatModel("gpt-4o-mini", "warm-up")
    litellm.success_callback.append(on_success)
    answers = chat.service.serve([f"q{i}" for i in range(REQUESTS)])
    assert answers == ["ok"] * REQUESTS
    drain_sync_logging()
    return got.count("ok")


def _load(root: Path | None) -> Any:
    if root is None:
        load_fixture(CASE, "chat.service")
        return __import__("sys").modules["chat"]
    import_fresh(root, "chat.service")
    return __import__("sys").modules["chat"]


def test_construction_unregisters_the_handler_before_and_not_after(tmp_path: Path) -> None:
    before = _delivered(_load(None))
    litellm.success_callback = []
    root, _ = fix_fixture(CASE, tmp_path, "LLM007")
    after = _delivered(_load(root))
    print(f"LLM007 env registration per construction: {before}/{REQUESTS} events delivered before the fix, {after}/{REQUESTS} after")
    assert before == 0
    assert after == REQUESTS
