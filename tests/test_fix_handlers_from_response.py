"""The LLM002 codemod for the crewAI release shape (``linter/fixes/handlers_from_response.py``):
what it writes on the fixture, and the reason it gives where it cannot prove a rewrite."""

from __future__ import annotations

import shutil
from pathlib import Path

from linter.config import load
from linter.engine import check_paths, discover_files
from linter.fixing import FixResult, fix_files, write_rewrites
from tests.expectations import FIXTURES

CASE = FIXTURES / "LLM002" / "crewai_release_shape"


def _fix(root: Path) -> FixResult:
    config = load(None, root, isolated=True)
    return fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM002"}, unsafe=False)


def _reasons(result: FixResult) -> set[str]:
    return set(result.no_fix.values())


def test_release_shape_is_rewritten_to_per_call_delivery(tmp_path: Path) -> None:
    root = tmp_path / "case"
    shutil.copytree(CASE, root)
    result = _fix(root)
    assert result.fixed == 3 and not result.errors  # findings (one rewrite fixes them all)
    assert write_rewrites(result, result.result.paths) == []
    llm = (root / "agents" / "llm.py").read_text()
    runner = (root / "agents" / "runner.py").read_text()
    for text, path in ((llm, "llm.py"), (runner, "runner.py")):
        compile(text, path, "exec")
    # no registration is left, at construction or per call; the helper stays, empty, for its users
    assert "set_callbacks(" not in llm.replace("def set_callbacks(", "") and "litellm.callbacks =" not in llm
    assert '"""Registers nothing now' in llm and "@staticmethod" in llm
    # each litellm call gives its own response (or its stream) to the handlers: the call's own,
    # or the instance's (registered at construction) when the call brings none
    assert "response = litellm.completion(**params)\n        _deliver_success(callbacks or self.callbacks or [], response)" in llm
    assert "await _adeliver_success(callbacks or self.callbacks or [], response)" in llm
    assert "for chunk in _deliver_stream(callbacks or self.callbacks or [], litellm.completion(**params)):" in llm
    assert llm.count("def _deliver_success(") == 1 and "def _adeliver_stream(" not in llm  # only what is used
    # the caller in another module imports the helper from the module it already imports
    assert "from agents.llm import _deliver_success" in runner and "def _deliver_success" not in runner
    assert "_deliver_success([handler], response)" in runner and "set_callbacks" not in runner
    # the fixed tree has no LLM002 left, and a second run changes nothing
    config = load(None, root, isolated=True)
    assert [d for d in check_paths([str(root)], config, jobs=1, cwd=root).diagnostics if d.code == "LLM002"] == []
    again = _fix(root)
    assert again.rewrites == {} and again.fixed == 0


REGISTRAR = '''
import litellm


class Model:
    def __init__(self, model):
        self.model = model

    def set_callbacks(self, callbacks):
        for callback in litellm.success_callback[:]:
            litellm.success_callback.remove(callback)
        {extra}litellm.callbacks = callbacks

    def call(self, prompt, callbacks=None):
        {guard}self.set_callbacks(callbacks)
        response = litellm.completion(model=self.model, messages=[{{"role": "user", "content": prompt}}])
        return response.choices[0].message.content
'''


def _refusal(tmp_path: Path, extra: str = "", guard: str = "", more: str = "") -> set[str]:
    (tmp_path / "model.py").write_text(REGISTRAR.format(extra=extra, guard=guard) + more)
    result = _fix(tmp_path)
    assert result.fixed == 0 and result.rewrites == {}
    return _reasons(result)


def test_other_work_in_the_registering_method_is_named(tmp_path: Path) -> None:
    reasons = _refusal(tmp_path, extra="print('registered', callbacks)\n        ")
    assert reasons == {"Model.set_callbacks calls print(): move that call to its callers, then run the fix again"}


def test_other_statement_in_the_registering_method_is_named(tmp_path: Path) -> None:
    reasons = _refusal(tmp_path, extra="self.registered = True\n        ")
    assert reasons == {
        "Model.set_callbacks does more than change litellm's callback lists (`self.registered = True`): "
        "move that work to its callers, then run the fix again"
    }


def test_a_registration_under_an_unrelated_condition_is_refused(tmp_path: Path) -> None:
    reasons = _refusal(tmp_path, guard="if self.model:\n            ")
    assert reasons == {
        "in Model.call the registration runs only under `if self.model:`: otherwise earlier registrations "
        "get the events; make it unconditional first"
    }


def test_a_guard_on_the_handlers_themselves_is_rewritten(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(REGISTRAR.format(extra="", guard="if callbacks:\n            "))
    result = _fix(tmp_path)
    assert result.fixed == 2  # findings (one rewrite fixes them all)
    text = result.rewrites["model.py"]
    assert "if callbacks:" not in text and "_deliver_success(callbacks, response)" in text


def test_a_helper_also_called_without_registration_is_refused(tmp_path: Path) -> None:
    src = '''
import litellm


class Model:
    @staticmethod
    def set_callbacks(callbacks):
        for callback in litellm.success_callback[:]:
            litellm.success_callback.remove(callback)
        litellm.callbacks = callbacks

    def _complete(self, params, callbacks=None):
        response = litellm.completion(**params)
        return response

    def call(self, params, callbacks=None):
        self.set_callbacks(callbacks)
        draft = litellm.completion(**params)
        return self._complete(params, callbacks)

    def warm_up(self, params):
        return self._complete(params)
'''
    (tmp_path / "model.py").write_text(src)
    result = _fix(tmp_path)
    assert result.fixed == 0
    assert _reasons(result) == {
        "Model._complete is also called by Model.warm_up, which registers no handlers: pass them there too, "
        "then run the fix again"
    }
