"""PDD (``pdd-cli``) driven at runtime: does every concurrent ``llm_invoke`` report its own cost
and tokens? Measured on the installed package and on the copy ``llmlint fix`` rewrote, in one run.

litellm is real; only its transport is replaced: each ``litellm.completion`` call gets a dict
``mock_response`` with a usage unique to that call (``prompt_tokens = 1000 + id``), so its cost
(litellm's own ``response_cost``) is unique too, and a report is classified exactly. Every third
call first answers with empty content, which sends ``llm_invoke`` down its cache-bypass retry:
that call must report the sum of both calls (what PDD's retry code adds back, issue #509).

The package is driven in a child process of PDD's own interpreter (its releases need Python
>= 3.12; llmlint runs elsewhere): ``run(original_pkg, fixed_pkg, python)`` returns both counts.
``python -m benchmarks.realworld.pdd_driver`` also installs the package (``envs.py`` of this
folder), copies it, fixes the copy with ``llmlint fix --rule global-callback-data`` and prints
the table and the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# the model table PDD reads from a project's .pdd/llm_model.csv: one model litellm prices
_MODEL_CSV = (
    "provider,model,input,output,coding_arena_elo,model_rank_score,model_rank_source,base_url,api_key,"
    "max_reasoning_tokens,structured_output,reasoning_type,location,interactive_only,context_limit\n"
    "OpenAI,gpt-4o-mini,0.15,0.6,1300,1300,static,,OPENAI_API_KEY,0,True,none,,False,\n"
)

_CHILD = r'''
import json, os, re, sys, threading
from concurrent.futures import ThreadPoolExecutor

root, threads, per_thread = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, root)
import litellm
litellm.suppress_debug_info = True
from pdd import llm_invoke as pdd_llm

real = litellm.completion
lock = threading.Lock()
attempts = {}   # call id -> completions made for it
own = {}        # call id -> [cost, input tokens, output tokens] summed over its completions
local = threading.local()

def completion(*args, **kwargs):
    text = json.dumps(kwargs.get("messages"))
    i = int(re.search(r"call-(\d+)-", text).group(1))
    with lock:
        n = attempts[i] = attempts.get(i, 0) + 1
    empty = i % 3 == 0 and n == 1  # the cache-bypass retry path
    usage = {"prompt_tokens": 1000 + 7 * i + n, "completion_tokens": 10 + i % 89 + n}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
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
def record(context, event, **fields):  # what llm_invoke reports as the call's tokens
    if event == "llm_invoke.success":
        local.tokens = (fields.get("input_tokens"), fields.get("output_tokens"))
    return emit(context, event, **fields)
pdd_llm._emit_llm_attribution = record

def one(i):
    out = pdd_llm.llm_invoke(prompt="Answer {q}", input_json={"q": f"call-{i}-"}, strength=0.5,
                             temperature=0.0, use_cloud=False)
    return i, out["cost"], getattr(local, "tokens", None)

with ThreadPoolExecutor(threads) as pool:
    results = list(pool.map(one, range(threads * per_thread)))
wrong_cost = sum(1 for i, cost, _ in results if abs(cost - own[i][0]) > 1e-12)
wrong_tokens = sum(1 for i, _, tokens in results if tokens != (own[i][1], own[i][2]))
retried = [i for i, *_ in results if attempts[i] > 1]
print(json.dumps({"calls": len(results), "wrong_cost": wrong_cost, "wrong_tokens": wrong_tokens,
                  "retried": len(retried),
                  "retried_wrong": sum(1 for i, cost, _ in results if i in retried and abs(cost - own[i][0]) > 1e-12)}))
'''


def measure(package_root: Path, python: str, threads: int, per_thread: int) -> dict:
    """One run of the child on the ``pdd`` package under ``package_root``."""
    with tempfile.TemporaryDirectory(prefix="llmlint-pdd-") as tmp:
        project = Path(tmp) / "project"
        (project / ".pdd").mkdir(parents=True)
        (project / ".pdd" / "llm_model.csv").write_text(_MODEL_CSV)
        (Path(tmp) / "home").mkdir()
        env = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("PDD_", "OPENAI_", "ANTHROPIC_", "LITELLM_")) and k != "PYTHONPATH"
        }
        env.update(
            HOME=str(Path(tmp) / "home"),
            LITELLM_LOCAL_MODEL_COST_MAP="True",  # no network: the packaged price table
            LITELLM_LOG="ERROR",
            PDD_FORCE_LOCAL="1",
            PDD_MODEL_DEFAULT="gpt-4o-mini",
            OPENAI_API_KEY="sk-llmlint-offline-0123456789abcdef",
        )
        proc = subprocess.run(
            [python, "-c", _CHILD, str(package_root), str(threads), str(per_thread)],
            cwd=project, env=env, capture_output=True, text=True, timeout=1800,
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"PDD driver failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def run(original_pkg: Path, fixed_pkg: Path, python: str, threads: int = 4, per_thread: int = 15) -> dict:
    """Before/after: ``original_pkg`` and ``fixed_pkg`` are folders holding a ``pdd`` package."""
    return {
        name: {"threads": measure(root, python, threads, per_thread), "one thread": measure(root, python, 1, 30)}
        for name, root in (("before", Path(original_pkg)), ("after", Path(fixed_pkg)))
    }


def table(result: dict) -> str:
    rows = ["PDD llm_invoke       | calls | wrong cost | wrong tokens | retried (wrong)"]
    for when in ("before", "after"):
        for how, r in result[when].items():
            rows.append(
                f"{when:6} {how:12} | {r['calls']:5} | {r['wrong_cost']:10} | {r['wrong_tokens']:12} | "
                f"{r['retried']} ({r['retried_wrong']})"
            )
    return "\n".join(rows)


def main() -> None:
    import shutil

    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo))
    try:
        from benchmarks.realworld.envs import installed_package, venv  # the shared harness
        python = venv("pdd", f"{os.environ.get('PYENV_ROOT', '/root/.pyenv')}/versions/3.12.1/bin/python", ["pdd-cli"])
        source = Path(installed_package(python, "pdd"))
    except ImportError:  # harness not merged yet: an existing environment
        python = os.environ.get("PDD_PYTHON", "/root/.cache/llmlint-realworld/pdd/bin/python")
        out = subprocess.run([python, "-c", "import pdd, os; print(os.path.dirname(pdd.__file__))"],
                             capture_output=True, text=True, check=True)
        source = Path(out.stdout.strip())
    with tempfile.TemporaryDirectory(prefix="llmlint-pdd-copy-") as tmp:
        original, fixed = Path(tmp) / "original", Path(tmp) / "fixed"
        for root in (original, fixed):
            shutil.copytree(source, root / "pdd", ignore=shutil.ignore_patterns("__pycache__"))
        fix = subprocess.run(
            [sys.executable, "-m", "linter", "fix", "--rule", "global-callback-data", "--no-cache", str(fixed)],
            cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)}, capture_output=True, text=True,
        )
        diff = subprocess.run(["diff", "-u", str(original / "pdd" / "llm_invoke.py"), str(fixed / "pdd" / "llm_invoke.py")],
                              capture_output=True, text=True).stdout
        print(fix.stdout[-3000:], fix.stderr[-2000:])
        print(diff)
        print(table(run(original, fixed, python)))


if __name__ == "__main__":
    main()
