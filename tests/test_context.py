"""Execution context: which entry points make code concurrent, which code is one-time or
per-process, and how that sets the confidence (and so what is reported without --preview)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import lint, lint_low

WRITER = """
import litellm

def set_key(key):
    litellm.api_key = key
    return litellm.completion(model="m", messages=[])
"""


def _llm005(diags):  # type: ignore[no-untyped-def]
    return [d for d in diags if d.code == "LLM005"]


# each entry passes request data (a literal would be the same for every request: not a hazard)
@pytest.mark.parametrize(
    "entry,needle",
    [
        ("from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get('/x')\ndef h(k):\n    return set_key(k)\n", "web handler: @router.get"),
        ("from flask import Flask, request\napp = Flask(__name__)\n\n@app.route('/x')\ndef h():\n    return set_key(request.headers['k'])\n", "web handler: @app.route"),
        ("from flask import Flask, request\napp = Flask(__name__)\n\ndef h():\n    return set_key(request.headers['k'])\n\napp.add_url_rule('/x', 'h', h)\n", "web handler"),
        ("from starlette.routing import Route\n\ndef h(request):\n    return set_key(request.headers['k'])\n\nroutes = [Route('/x', h)]\n", "web handler"),
        ("from django.urls import path\n\ndef h(request):\n    return set_key(request.headers['k'])\n\nurlpatterns = [path('x/', h)]\n", "web handler"),
        ("from django.views import View\n\nclass V(View):\n    def post(self, request):\n        return set_key(request.headers['k'])\n", "method of a View"),
        ("from rest_framework.decorators import api_view\n\n@api_view(['POST'])\ndef h(request):\n    return set_key(request.headers['k'])\n", "web handler: @decorators.api_view"),
        ("import gradio as gr\n\ndef h(k):\n    return set_key(k)\n\nwith gr.Blocks() as demo:\n    b = gr.Button()\n    b.click(h, inputs=[], outputs=[])\n", "Gradio .click() handler"),
        ("import gradio as gr\n\ndef h(k):\n    return set_key(k)\n\ndemo = gr.Interface(fn=h, inputs='text', outputs='text')\n", "Gradio Interface"),
        ("import streamlit as st\n\nset_key(st.text_input('key'))\n", "Streamlit script"),
        ("import streamlit as st\n\ndef cb():\n    set_key(st.session_state.k)\n\nst.button('go', on_click=cb)\n", "Streamlit widget callback"),
        ("import threading\n\ndef h(k):\n    set_key(k)\n\ndef start(k):\n    threading.Thread(target=h, args=(k,)).start()\n", "thread target"),
        ("from concurrent.futures import ThreadPoolExecutor\n\ndef run(keys):\n    with ThreadPoolExecutor() as ex:\n        return list(ex.map(set_key, keys))\n", "executor task"),
        ("import asyncio\n\ndef h(k):\n    return set_key(k)\n\nasync def run(keys):\n    await asyncio.to_thread(h, keys[0])\n", "asyncio.to_thread"),
    ],
)
def test_entry_points_make_code_concurrent(tmp_path: Path, entry: str, needle: str) -> None:
    diags = lint(tmp_path, {"writer.py": WRITER, "entry.py": "from writer import set_key\n" + entry})
    found = _llm005(diags)
    assert [(d.path, d.span.line, d.confidence) for d in found] == [("writer.py", 5, "high")]
    assert needle in str(found[0].evidence[0]), found[0].evidence
    assert str(found[0].evidence[0]).startswith("runs concurrently: set_key")


# the key is left set for the coroutine's next ``await``: other tasks of the loop run there
BARE_WRITER = """
import litellm

def set_key(key):
    litellm.api_key = key
"""


@pytest.mark.parametrize(
    "entry,needle",
    [
        ("from fastapi import FastAPI\napp = FastAPI()\n\n@app.post('/x')\nasync def h(k):\n    return set_key(k)\n", "web handler"),
        # the tasks gathered from a generator are seen as started there, not only presumed
        ("import asyncio\n\nasync def h(k):\n    return set_key(k)\n\nasync def run(keys):\n    await asyncio.gather(*(h(k) for k in keys))\n", "asyncio.gather started in run"),
    ],
)
def test_coroutines_interleave_at_their_awaits(tmp_path: Path, entry: str, needle: str) -> None:
    found = _llm005(lint(tmp_path, {"writer.py": BARE_WRITER, "entry.py": "from writer import set_key\n" + entry}))
    assert [(d.path, d.span.line, d.confidence) for d in found] == [("writer.py", 5, "high")]
    assert needle in str(found[0].evidence[0]), found[0].evidence


@pytest.mark.parametrize(
    "entry",
    [
        "from fastapi import FastAPI\napp = FastAPI()\n\n@app.post('/x')\nasync def h(k):\n    return set_key(k)\n",
        "import asyncio\n\nasync def h(k):\n    return set_key(k)\n\nasync def run(keys):\n    await asyncio.gather(*(h(k) for k in keys))\n",
        "import asyncio\n\nasync def h(k):\n    return set_key(k)\n\nasync def run(keys):\n    await asyncio.create_task(h(keys[0]))\n",
    ],
)
def test_a_synchronous_call_on_the_event_loop_is_not_interleaved(tmp_path: Path, entry: str) -> None:
    # WRITER writes the key and makes the call in one synchronous call: a coroutine calling it
    # directly blocks the loop until it returns, so no other task runs in between
    files = {"writer.py": WRITER, "entry.py": "from writer import set_key\n" + entry}
    assert _llm005(lint(tmp_path, files)) == []
    low = _llm005(lint_low(tmp_path, files))
    assert [(d.span.line, d.confidence) for d in low] == [(5, "low")]


def test_a_coroutine_run_in_threads_is_concurrent_again(tmp_path: Path) -> None:
    entry = (
        "import asyncio\nfrom concurrent.futures import ThreadPoolExecutor\n\nasync def h(k):\n    return set_key(k)\n\n"
        "def job(k):\n    return asyncio.run(h(k))\n\ndef run(keys):\n    with ThreadPoolExecutor() as ex:\n        return list(ex.map(job, keys))\n"
    )
    found = _llm005(lint(tmp_path, {"writer.py": WRITER, "entry.py": "from writer import set_key\n" + entry}))
    assert [(d.path, d.span.line, d.confidence) for d in found] == [("writer.py", 5, "high")]
    assert "executor task" in str(found[0].evidence[0]), found[0].evidence


def test_without_concurrency_evidence_only_preview_reports(tmp_path: Path) -> None:
    assert _llm005(lint(tmp_path, {"writer.py": WRITER})) == []
    low = _llm005(lint_low(tmp_path, {"writer.py": WRITER}))
    assert [(d.span.line, d.confidence) for d in low] == [(5, "low")]
    assert "reported with --preview" in str(low[0].evidence[0])


@pytest.mark.parametrize(
    "entry",
    [
        "set_key('k')\n",  # module level of an ordinary module
        "def main():\n    set_key('k')\n\nif __name__ == '__main__':\n    main()\n",
        "import functools\n\n@functools.lru_cache\ndef once():\n    return set_key('k')\n",
        "from concurrent.futures import ProcessPoolExecutor\n\ndef run(keys):\n    with ProcessPoolExecutor() as ex:\n        return list(ex.map(set_key, keys))\n",
        "import multiprocessing\n\ndef run(keys):\n    with multiprocessing.Pool(4) as pool:\n        return pool.map(set_key, keys)\n",
        "import multiprocessing\n\ndef run():\n    multiprocessing.Process(target=set_key, args=('k',)).start()\n",
        "from concurrent.futures import ProcessPoolExecutor\nPOOL = ProcessPoolExecutor()\n\ndef run(keys):\n    return list(POOL.map(set_key, keys))\n",
    ],
)
def test_one_time_and_process_local_code_is_never_reported(tmp_path: Path, entry: str) -> None:
    diags = lint_low(tmp_path, {"writer.py": WRITER, "entry.py": "from writer import set_key\n" + entry})
    assert _llm005(diags) == []


def test_chain_through_instance_methods_and_attributes(tmp_path: Path) -> None:
    files = {
        "llm.py": """
            import litellm

            class LLM:
                def configure(self, key):
                    litellm.api_base = key

                def call(self, key):
                    self.configure(key)
                    return litellm.completion(model="m", messages=[])
            """,
        "agent.py": """
            from llm import LLM

            class Agent:
                def __init__(self):
                    self.llm = LLM()

                def run(self, key):
                    return self.llm.call(key)
            """,
        "server.py": """
            from concurrent.futures import ThreadPoolExecutor
            from agent import Agent

            def serve(keys):
                agent = Agent()
                with ThreadPoolExecutor() as pool:
                    return [pool.submit(agent.run, k) for k in keys]
            """,
    }
    found = _llm005(lint(tmp_path, files))
    assert [(d.path, d.span.line, d.confidence) for d in found] == [("llm.py", 6, "high")]
    assert str(found[0].evidence[0]) == (
        "runs concurrently: LLM.configure ← LLM.call ← Agent.run (an executor task started in serve)"
    )


def test_callers_in_files_the_byte_scan_skips_are_analysed(tmp_path: Path) -> None:
    # entry.py mentions nothing any rule looks for; it is analysed because it imports writer
    # (the thread hands on go's own key: a literal there would be one value, the same for every thread)
    files = {"writer.py": WRITER, "entry.py": "import threading\nimport writer\n\ndef go(key):\n    threading.Thread(target=writer.set_key, args=(key,)).start()\n"}
    assert [(d.path, d.confidence) for d in _llm005(lint(tmp_path, files))] == [("writer.py", "high")]


def test_preview_flag_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from linter.cli import main

    (tmp_path / "writer.py").write_text(WRITER.lstrip())
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    plain = runner.invoke(main, ["check", ".", "--isolated", "--output-format", "concise", "-q"])
    preview = runner.invoke(main, ["check", ".", "--isolated", "--output-format", "concise", "-q", "--preview"])
    assert plain.exit_code == 0 and plain.output == ""
    assert preview.exit_code == 1 and preview.output.startswith("writer.py:4:5: LLM005 [global-client-config]")


def test_a_helper_module_that_imports_streamlit_is_not_a_script(tmp_path: Path) -> None:
    files = {
        "helpers.py": "import os\nimport streamlit as st\n\nos.environ['LITELLM_LOG'] = 'ERROR'\n\ndef title():\n    st.title('x')\n",
        "page.py": "import os\nimport streamlit as st\nfrom helpers import title\n\ntitle()\nos.environ['OPENAI_API_KEY'] = st.text_input('key')\n",
    }
    assert [(d.path, d.span.line) for d in _llm005(lint_low(tmp_path, files))] == [("page.py", 6)]


@pytest.mark.parametrize(
    "case,package",
    [
        ("LLM005/library_built_only_by_examples", "gemlib"),
        ("LLM005/library_exported_by_star_import", "starlib"),
        ("LLM008/safe_app_started_by_an_example", "svc"),
    ],
)
def test_a_package_alone_and_the_whole_tree_give_the_same_findings(tmp_path: Path, case: str, package: str) -> None:
    # an example or a script run from its own folder is another program: its main() does not
    # make the package's code start-up code, nor its thread make it concurrent
    from linter.config import load
    from linter.engine import check_paths

    tree = tmp_path / "tree"
    shutil.copytree(Path(__file__).parent / "fixtures" / case, tree)

    def findings(target: Path) -> list[tuple[str, int, str, str]]:
        config = load(None, tree, isolated=True, min_confidence="low")
        result = check_paths([str(target)], config, jobs=1, cwd=tree)
        return sorted((d.path, d.span.line, d.code, d.confidence.value) for d in result.diagnostics if d.path.startswith(package + "/"))

    whole, alone = findings(tree), findings(tree / package)
    assert whole == alone and whole, (whole, alone)
