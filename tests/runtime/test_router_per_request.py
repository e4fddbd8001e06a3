"""LLM007's hazard with real litellm: a Router built per request (the router_per_request
fixture's shape) adds its callbacks to litellm's global lists every time and keeps every old
router alive; one Router built at start-up (safe_router_singleton's shape) adds them once."""

from __future__ import annotations

import gc
import weakref

import litellm

LISTS = ("success_callback", "failure_callback", "_async_success_callback", "_async_failure_callback")
MODEL_LIST = [{"model_name": "default", "litellm_params": {"model": "gpt-4o-mini", "mock_response": "hi"}}]


def _entries() -> int:
    return sum(len(getattr(litellm, name)) for name in LISTS)


def _handle_per_request() -> tuple[str, weakref.ref]:
    router = litellm.Router(model_list=MODEL_LIST)
    reply = router.completion(model="default", messages=[{"role": "user", "content": "x"}])
    return reply.choices[0].message.content, weakref.ref(router)


ROUTER_FACTORY = litellm.Router


def test_router_per_request_grows_the_global_lists_and_leaks_routers() -> None:
    before = _entries()
    refs = [_handle_per_request()[1] for _ in range(50)]
    gc.collect()
    grown = _entries() - before
    alive = sum(r() is not None for r in refs)
    print(f"LLM007 Router per request, 50 requests: +{grown} global callback entries, {alive}/50 routers still alive")
    assert grown >= 50 * len(LISTS) - 4
    assert alive == 50


def test_one_router_at_start_up_registers_once() -> None:
    before = _entries()
    router = ROUTER_FACTORY(model_list=MODEL_LIST)
    for _ in range(50):
        router.completion(model="default", messages=[{"role": "user", "content": "x"}])
    grown = _entries() - before
    print(f"LLM007 one Router, 50 requests: +{grown} global callback entries")
    assert grown <= len(LISTS)
