"""The DSPy codemod (LLM005: ``dspy.configure`` per request -> ``with dspy.context``) on small
projects: what it rewrites, and what it refuses. Its runtime proof is in
tests/runtime/test_dspy_globals.py."""

from __future__ import annotations

from pathlib import Path

from linter.config import load
from linter.engine import discover_files
from linter.fixing import FixResult, fix_files
from tests.helpers import write

HEAD = """
import asyncio

import dspy

qa = dspy.Predict("question -> answer")

"""


def _fix(root: Path, body: str) -> FixResult:
    write(root, {"app.py": HEAD + body})
    config = load(None, root, isolated=True)
    return fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM005"}, unsafe=True)


def test_the_rest_of_the_function_goes_into_the_context(tmp_path: Path) -> None:
    out = _fix(tmp_path, '''
async def answer(question, model):
    """One request."""
    # this request's model
    dspy.settings.configure(lm=dspy.LM(model), track_usage=True)  # per request
    reply = await qa.acall(question=question)
    return reply.answer
''')
    assert out.fixed == 1 and not out.errors, out.no_fix
    new = out.rewrites["app.py"]
    compile(new, "app.py", "exec")
    assert (
        '    """One request."""\n    # this request\'s model\n'
        "    with dspy.settings.context(lm=dspy.LM(model), track_usage=True):  # per request\n"
        "        reply = await qa.acall(question=question)\n        return reply.answer\n"
    ) in new
    assert out.result.diagnostics == []


def _refused(tmp_path: Path, body: str) -> str:
    out = _fix(tmp_path, body)
    assert out.fixed == 0 and out.rewrites == {}
    reasons = list(out.no_fix.values())
    assert len(set(reasons)) == 1, reasons  # one reason (two writes: two findings)
    return reasons[0]


def test_refusals(tmp_path: Path) -> None:
    inside = _refused(tmp_path / "a", '''
async def answer(question, model):
    if model:
        dspy.configure(lm=dspy.LM(model))
    return (await qa.acall(question=question)).answer
''')
    assert "top level of the function" in inside
    last = _refused(tmp_path / "b", '''
async def use(model):
    dspy.configure(lm=dspy.LM(model))
''')
    assert "nothing follows" in last
    generator = _refused(tmp_path / "c", '''
async def stream(question, model):
    dspy.configure(lm=dspy.LM(model))
    yield (await qa.acall(question=question)).answer
''')
    assert "generator" in generator
    twice = _refused(tmp_path / "d", '''
async def answer(question, model):
    dspy.configure(lm=dspy.LM(model))
    first = await qa.acall(question=question)
    dspy.configure(lm=dspy.LM(first.answer))
    return (await qa.acall(question=question)).answer
''')
    assert "2 times" in twice
