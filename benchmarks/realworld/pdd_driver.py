"""PDD (``pdd-cli``) as released: does every concurrent ``llm_invoke`` report its own cost and
tokens? A driver of ``run.py`` (this folder): the original package and the copy ``llmlint fix
--rule global-callback-data`` rewrote are each driven by ``--probe PARENT``.

litellm is real; only its transport is replaced: each ``litellm.completion`` call gets a dict
``mock_response`` with a usage unique to that call (``prompt_tokens = 1000 + 7 * id + attempt``),
so its cost (litellm's own ``response_cost``) is unique too and every report is classified
exactly. Every third call first answers with empty content, which sends ``llm_invoke`` down its
cache-bypass retry (``_completion_with_attribution``): that call must report the sum of both
calls, what PDD's retry code adds back (its issue #509). "wrong": the cost or the tokens
``llm_invoke`` reports (``cost`` in its result, ``input_tokens``/``output_tokens`` of its
``llm_invoke.success`` attribution event) are not the call's own; "lost": a call that raised;
"accounting_ok": every retried call reported the sum of its two completions.

PDD picks its model from a project's ``.pdd/llm_model.csv`` in the working directory; the probe
runs in a temporary project whose table has one model litellm prices (gpt-4o-mini), with a fake
key, ``PDD_FORCE_LOCAL=1`` (no PDD cloud) and ``HOME`` in the temporary folder. Measured on
pdd-cli 0.0.310 (litellm 1.84.10): 4 threads x 6 calls, 16/24 wrong before, 0 after.
"""

from __future__ import annotations

import sys

NAME = "pdd"
PYTHON = ("/root/.pyenv/versions/3.12*/bin/python", "python3.12")  # pdd-cli needs Python >= 3.12
REQUIREMENTS = ("pdd-cli",)  # the newest release, with the litellm it pins
PACKAGE = "pdd"
RULES = ("global-callback-data",)

THREADS, PER_THREAD, TURNS = 4, 15, 30

# the model table PDD reads from a project's .pdd/llm_model.csv: one model litellm prices
_MODEL_CSV = (
    "provider,model,input,output,coding_arena_elo,model_rank_score,model_rank_source,base_url,api_key,"
    "max_reasoning_tokens,structured_output,reasoning_type,location,interactive_only,context_limit\n"
    "OpenAI,gpt-4o-mini,0.15,0.6,1300,1300,static,,OPENAI_API_KEY,0,True,none,,False,\n"
)


def probe(parent: str) -> dict:
    """Runs in PDD's environment, with the package copy ``parent`` first on sys.path."""
    import json
    import os
    import re
    import tempfile
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    tmp = Path(tempfile.mkdtemp(prefix="llmlint-pdd-probe-"))
    (tmp / "project" / ".pdd").mkdir(parents=True)
    (tmp / "project" / ".pdd" / "llm_model.csv").write_text(_MODEL_CSV)
    (tmp / "home").mkdir()
    for key in [k for k in os.environ if k.startswith(("PDD_", "OPENAI_", "ANTHROPIC_"))]:
        del os.environ[key]
    os.environ.update(
        HOME=str(tmp / "home"),
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        LITELLM_LOG="ERROR",
        PDD_FORCE_LOCAL="1",
        PDD_MODEL_DEFAULT="gpt-4o-mini",
        OPENAI_API_KEY="sk-llmlint-offline-0123456789abcdef",
    )
    os.chdir(tmp / "project")  # PDD reads the model table of the working directory at import
    sys.path.insert(0, parent)
    import litellm

    litellm.suppress_debug_info = True
    from pdd import llm_invoke as pdd_llm

    assert Path(pdd_llm.__file__).resolve().is_relative_to(Path(parent).resolve()), pdd_llm.__file__

    real = litellm.completion
    lock = threading.Lock()
    attempts: dict[int, int] = {}  # call id -> completions made for it
    own: dict[int, list] = {}  # call id -> [cost, input tokens, output tokens] over its completions
    local = threading.local()

    def completion(*args, **kwargs):
        i = int(re.search(r"call-(\d+)-", json.dumps(kwargs.get("messages"))).group(1))
        with lock:
            n = attempts[i] = attempts.get(i, 0) + 1
        usage = {"prompt_tokens": 1000 + 7 * i + n, "completion_tokens": 10 + i % 89 + n}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        empty = i % 3 == 0 and n == 1  # the cache-bypass retry path
        kwargs["mock_response"] = {
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": None if empty else f"answer {i}"}}],
            "usage": usage,
        }
        response = real(*args, **kwargs)
        with lock:
            mine = own.setdefault(i, [0.0, 0, 0])
            mine[0] += response._hidden_params["response_cost"]
            mine[1] += usage["prompt_tokens"]
            mine[2] += usage["completion_tokens"]
        return response

    litellm.completion = completion
    emit = pdd_llm._emit_llm_attribution

    def record(context, event, **fields):  # the tokens llm_invoke reports for its call
        if event == "llm_invoke.success":
            local.tokens = (fields.get("input_tokens"), fields.get("output_tokens"))
        return emit(context, event, **fields)

    pdd_llm._emit_llm_attribution = record
    counter = iter(range(10**9))

    def one(_: int) -> tuple[int, float | None, tuple | None]:
        with lock:
            i = next(counter)
        local.tokens = None
        try:
            out = pdd_llm.llm_invoke(prompt="Answer {q}", input_json={"q": f"call-{i}-"}, strength=0.5,
                                     temperature=0.0, use_cloud=False)
        except Exception:
            return i, None, None
        return i, out["cost"], local.tokens

    def scenario(name: str, threads: int, calls: int) -> dict:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(one, range(calls)))
        ok = [(i, cost, tokens) for i, cost, tokens in results if cost is not None]

        def right(i: int, cost: float, tokens: tuple | None) -> bool:
            return abs(cost - own[i][0]) <= 1e-12 and tokens == (own[i][1], own[i][2])

        retried = [(i, c, t) for i, c, t in ok if attempts[i] > 1]
        return {
            "name": name,
            "total": len(results),
            "wrong": sum(1 for r in ok if not right(*r)),
            "lost": len(results) - len(ok),
            "accounting_ok": all(right(*r) for r in retried),
            "note": f"{len(retried)} calls retried after an empty answer, "
                    f"{sum(1 for r in retried if not right(*r))} of them wrong",
        }

    return {"scenarios": [
        scenario(f"llm_invoke, {THREADS} threads", THREADS, THREADS * PER_THREAD),
        scenario("llm_invoke, one thread", 1, TURNS),
    ]}


if __name__ == "__main__" and sys.argv[1:2] == ["--probe"]:
    import json

    print(json.dumps(probe(sys.argv[2])))
