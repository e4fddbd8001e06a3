"""The OpenAI Agents SDK's process-wide setters and registries (LLM005, LLM002), with the real
``openai-agents`` package, offline.

The key: the real SDK and the real openai client send real HTTP requests to a local
OpenAI-compatible server that answers with the bearer key it received. Requests that install
their tenant's key with ``set_default_openai_key`` and then run (after one ``await`` of their
own: loading the conversation, say) are answered with another tenant's key; the per-run form
(``RunConfig(model_provider=OpenAIProvider(api_key=...))``) never is.

Trace processors: a fake ``Model`` answers without any network. Requests that each
``add_trace_processor`` a collector of their own receive the other requests' traces, and keep
receiving them after they are done; one processor added at start-up, telling runs apart by the
``group_id`` their own ``RunConfig`` puts on the trace, attributes every trace to its request.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import pytest

agents = pytest.importorskip("agents")  # the test extra installs openai-agents

from agents import Agent, ModelResponse, RunConfig, Runner, Usage  # noqa: E402
from agents.models.interface import Model  # noqa: E402
from agents.models.openai_provider import OpenAIProvider  # noqa: E402
from agents.tracing import TracingProcessor  # noqa: E402
from agents.tracing.setup import get_trace_provider  # noqa: E402
from openai.types.responses import ResponseOutputMessage, ResponseOutputText  # noqa: E402

from tests.runtime.echo_server import echo_key_server  # noqa: E402



@pytest.fixture
def sdk_state() -> Iterator[None]:
    """No exporter (the default one would post traces to OpenAI), and the SDK's defaults put
    back after the test."""
    from agents.models import _openai_shared

    provider = get_trace_provider()
    saved = (_openai_shared._default_openai_key, _openai_shared._default_openai_client, _openai_shared._use_responses_by_default)
    provider.set_processors([])
    try:
        yield
    finally:
        provider.set_processors([])
        _openai_shared._default_openai_key, _openai_shared._default_openai_client, _openai_shared._use_responses_by_default = saved


@pytest.fixture
def local_openai(sdk_state: None) -> Iterator[str]:
    with echo_key_server() as base:
        saved = {name: os.environ.get(name) for name in ("OPENAI_BASE_URL",)}
        # one-time set-up of the test process: every client goes to the local server (the runs turn
        # tracing off in their RunConfig: the SDK reads its environment switch only once)
        os.environ["OPENAI_BASE_URL"] = base
        try:
            yield os.environ["OPENAI_BASE_URL"]
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


AGENT = Agent(name="echo", instructions="Say the key.", model="gpt-4o-mini")


async def _load_conversation() -> None:
    await asyncio.sleep(0)  # the request's own I/O before the run (a database read)


async def handle_with_default_key(tenant_key: str) -> str:
    """LLM005's shape (tests/fixtures/LLM005/agents_default_key_per_tenant)."""
    agents.set_default_openai_key(tenant_key)
    await _load_conversation()
    result = await Runner.run(AGENT, "key?", run_config=RunConfig(tracing_disabled=True))
    return str(result.final_output)


async def handle_with_run_config(tenant_key: str) -> str:
    """The per-run form (tests/fixtures/LLM005/safe_agents_key_per_run)."""
    await _load_conversation()
    config = RunConfig(model_provider=OpenAIProvider(api_key=tenant_key, use_responses=False), tracing_disabled=True)
    result = await Runner.run(AGENT, "key?", run_config=config)
    return str(result.final_output)


async def _foreign_keys(handle: Any, tenants: int = 8, rounds: int = 5) -> int:
    wrong = 0
    for _ in range(rounds):
        keys = [f"sk-tenant-{i}" for i in range(tenants)]
        answers = await asyncio.gather(*(handle(k) for k in keys))
        wrong += sum(a != k for a, k in zip(answers, keys))
    return wrong


def test_default_openai_key_per_request_sends_another_tenants_key(local_openai: str) -> None:
    agents.set_default_openai_api("chat_completions")  # set-up: the local server speaks chat completions
    wrong_global = asyncio.run(_foreign_keys(handle_with_default_key))
    wrong_per_run = asyncio.run(_foreign_keys(handle_with_run_config))
    print(f"Agents SDK, 8 concurrent tenants x 5: set_default_openai_key per request {wrong_global}/40 runs sent "
          f"with another tenant's key; RunConfig(model_provider=OpenAIProvider(api_key=...)) {wrong_per_run}/40")
    assert wrong_global >= 30, f"{wrong_global}/40"
    assert wrong_per_run == 0, f"{wrong_per_run}/40"


class CannedModel(Model):
    """A model that answers every turn with a fixed text, without any network."""

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        await asyncio.sleep(0.001)  # the model call's latency: other requests' runs go on meanwhile
        message = ResponseOutputMessage(
            id="m", type="message", role="assistant", status="completed",
            content=[ResponseOutputText(type="output_text", text="ok", annotations=[])],
        )
        return ModelResponse(output=[message], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class GroupCollector(TracingProcessor):
    """Records the group of every trace it is given (each request runs with its own group_id)."""

    def __init__(self) -> None:
        self.groups: list[str] = []
        self.by_trace: dict[str, str] = {}

    def on_trace_start(self, trace: Any) -> None:
        group = trace.export().get("group_id") if trace.export() else None
        self.groups.append(str(group))

    def on_trace_end(self, trace: Any) -> None:
        pass

    def on_span_start(self, span: Any) -> None:
        pass

    def on_span_end(self, span: Any) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass


TRACED = Agent(name="traced", instructions="Answer.", model=CannedModel())


async def handle_adding_processor(request_id: str) -> GroupCollector:
    """LLM002's shape (tests/fixtures/LLM002/agents_trace_processor_per_request)."""
    collector = GroupCollector()
    agents.add_trace_processor(collector)
    await Runner.run(TRACED, "hi", run_config=RunConfig(group_id=request_id))
    return collector


async def handle_with_group(request_id: str, shared: GroupCollector) -> list[str]:
    """The start-up form (tests/fixtures/LLM002/safe_agents_trace_processor_at_startup): this
    request's traces are those of its own group."""
    await Runner.run(TRACED, "hi", run_config=RunConfig(group_id=request_id))
    return [g for g in shared.groups if g == request_id]


def test_trace_processor_per_request_receives_other_requests_traces(sdk_state: None) -> None:
    async def per_request() -> tuple[int, int]:
        ids = [f"req-{i}" for i in range(8)]
        collectors = await asyncio.gather(*(handle_adding_processor(r) for r in ids))
        foreign = sum(sum(g != r for g in c.groups) for c, r in zip(collectors, ids))
        await Runner.run(TRACED, "later", run_config=RunConfig(group_id="later"))
        still = sum("later" in c.groups for c in collectors)
        return foreign, still

    foreign, still = asyncio.run(per_request())
    get_trace_provider().set_processors([])

    async def at_start_up() -> int:
        shared = GroupCollector()
        agents.add_trace_processor(shared)  # once, before any request
        ids = [f"req-{i}" for i in range(8)]
        mine = await asyncio.gather(*(handle_with_group(r, shared) for r in ids))
        return sum(len(m) != 1 for m in mine)

    misattributed = asyncio.run(at_start_up())
    print(f"Agents SDK, 8 concurrent requests: add_trace_processor per request gave {foreign} traces of other "
          f"requests to the collectors, and {still}/8 still receive a later run's trace; one processor at "
          f"start-up keyed by RunConfig(group_id=...): {misattributed}/8 requests misattributed")
    assert foreign >= 8 * 7 // 2, foreign  # later-registered collectors see the runs still going
    assert still == 8
    assert misattributed == 0
