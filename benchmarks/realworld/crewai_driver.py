"""crewAI as released: per-agent litellm handlers through ``LLM.call`` / ``LLM.acall``.

Four ``LLM(model="gpt-4o-mini", is_litellm=True, mock_response="agentN")`` objects, each
called 20 times with its own handler (``callbacks=[a litellm CustomLogger]``), in three ways:
4 threads, turns in one thread, ``acall`` in 4 asyncio tasks. A success event whose response
is another agent's text is "wrong"; an agent's call whose event never reaches its handler is
"lost" (one delivered twice counts as wrong). crewAI's own usage accounting must still count
every call, per LLM (``LLM.get_token_usage_summary``) and per agent (the
``TokenCalcHandler(TokenProcess)`` crewAI's agents pass beside their handlers). Also driven:
``stream=True`` in threads, and the handler given at construction. Measured on the original
(issue 17): 30-37/80 wrong with threads, 23-24/80 in turns, 54-57/80 with tasks.
"""

from __future__ import annotations

import sys

NAME = "crewai"
PYTHON = ("/root/.pyenv/versions/3.11*/bin/python", "python3.11")
REQUIREMENTS = ("crewai==1.15.30", "litellm==1.106.2")
PACKAGE = "crewai"
RULES = ("global-callback-registration", "callback-registering-constructor")

AGENTS = 4
CALLS = 20


def probe(parent: str) -> dict:
    """Runs in the crewAI environment, with the package copy ``parent`` first on sys.path."""
    import asyncio
    import collections
    import os
    import threading
    import time

    sys.path.insert(0, parent)
    import crewai
    import litellm
    from crewai import LLM
    from crewai.agents.agent_builder.utilities.base_token_process import TokenProcess
    from crewai.utilities.token_counter_callback import TokenCalcHandler
    from litellm.integrations.custom_logger import CustomLogger

    if not os.path.realpath(crewai.__file__).startswith(os.path.realpath(parent)):
        raise SystemExit(f"imported {crewai.__file__}, not the copy in {parent}")
    litellm.suppress_debug_info = True

    class AgentHandler(CustomLogger):
        """Counts the success events it gets, by the agent whose response they carry. Its
        public ``name`` differs per agent, so litellm's de-duplication (class + public
        attributes) keeps them apart: the losses measured are crewAI's, not that."""

        def __init__(self, name: str, agent: str) -> None:
            super().__init__()
            self.name = name  # unique per scenario too: a handler left registered by one scenario is not this one
            self.agent = agent
            self.tokens = TokenProcess()  # what crewAI's agents pass beside it: TokenCalcHandler(TokenProcess)
            self.callbacks = [self, TokenCalcHandler(self.tokens)]
            self.got: collections.Counter[str] = collections.Counter()
            self._lock = threading.Lock()

        def _record(self, response_obj: object) -> None:
            text = response_obj.choices[0].message.content  # type: ignore[attr-defined]
            with self._lock:
                self.got[text] += 1

        def log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
            self._record(response_obj)

        async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
            self._record(response_obj)

    def agents(scenario: str, **llm_args: object) -> list[tuple[LLM, AgentHandler]]:
        out = []
        for i in range(AGENTS):
            handler = AgentHandler(f"{scenario}-agent{i}", f"agent{i}")
            args = {k: (handler.callbacks if v == "own handler" else v) for k, v in llm_args.items()}
            out.append((LLM(model="gpt-4o-mini", is_litellm=True, mock_response=f"agent{i}", **args), handler))
        return out

    def drain() -> None:
        """Wait for litellm's deferred dispatch: the sync logging pool has no public flush
        (the knowledge file, finding 8), so wait until the events stop coming."""
        from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

        async def flush() -> None:
            await asyncio.sleep(0)
            await GLOBAL_LOGGING_WORKER.flush()

        try:
            asyncio.run(flush())
        except Exception:
            pass
        time.sleep(1.0)

    def score(name: str, pairs: list[tuple[LLM, AgentHandler]], per_agent: bool = True) -> dict:
        drain()
        total = AGENTS * CALLS
        wrong = sum(n for llm, h in pairs for text, n in h.got.items() if text != h.agent)
        wrong += sum(max(0, h.got[h.agent] - CALLS) for _llm, h in pairs)  # an event delivered twice
        lost = sum(max(0, CALLS - h.got[h.agent]) for _llm, h in pairs)
        counted = [llm.get_token_usage_summary().successful_requests for llm, _h in pairs]
        by_agent = [h.tokens.successful_requests for _llm, h in pairs]
        # crewAI feeds a TokenCalcHandler itself only when the call brings it (not at construction)
        ok = counted == [CALLS] * AGENTS and (by_agent == [CALLS] * AGENTS or not per_agent)
        return {
            "name": name, "total": total, "wrong": wrong, "lost": lost, "accounting_ok": ok,
            "note": "" if ok else f"crewAI counted {counted} requests per LLM, {by_agent} per agent's TokenCalcHandler",
        }

    def threads(stream: bool = False) -> dict:
        pairs = agents(f"threads-{stream}", stream=stream)

        def work(llm: LLM, h: AgentHandler) -> None:
            for _ in range(CALLS):
                llm.call("hi", callbacks=h.callbacks)

        ts = [threading.Thread(target=work, args=p) for p in pairs]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return score("LLM.call(stream=True), 4 threads" if stream else "LLM.call, 4 threads", pairs)

    def turns() -> dict:
        pairs = agents("turns")
        for _ in range(CALLS):
            for llm, h in pairs:
                llm.call("hi", callbacks=h.callbacks)
        return score("LLM.call, turns in 1 thread", pairs)

    def tasks() -> dict:
        pairs = agents("tasks")

        async def work(llm: LLM, h: AgentHandler) -> None:
            for _ in range(CALLS):
                await llm.acall("hi", callbacks=h.callbacks)

        async def main() -> None:
            await asyncio.gather(*(work(*p) for p in pairs))
            await asyncio.sleep(0)
            from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

            await GLOBAL_LOGGING_WORKER.flush()

        asyncio.run(main())
        return score("LLM.acall, 4 asyncio tasks", pairs)

    def constructed() -> dict:
        """The handlers given at construction (``LLM(callbacks=[...])``), calls that bring none."""
        pairs = agents("constructed", callbacks="own handler")
        for _ in range(CALLS):
            for llm, _h in pairs:
                llm.call("hi")
        return score("LLM(callbacks=[h]).call(), turns", pairs, per_agent=False)

    return {"scenarios": [threads(), turns(), tasks(), threads(stream=True), constructed()]}


if __name__ == "__main__" and sys.argv[1:2] == ["--probe"]:
    import json

    result = probe(sys.argv[2])
    print(json.dumps(result))
