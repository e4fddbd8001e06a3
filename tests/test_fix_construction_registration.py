"""The LLM007 codemod (``linter/fixes/construction_registration.py``): a registration from the
environment reached by every construction is cached once per process; a ``set_callbacks``-style
registrar goes through LLM002's codemod; the reasons where neither applies."""

from __future__ import annotations

import shutil
from pathlib import Path

from linter.config import load
from linter.engine import check_paths, discover_files
from linter.fixing import FixResult, fix_files, write_rewrites
from tests.expectations import FIXTURES

CASE = FIXTURES / "LLM007" / "env_loggers_per_construction"


def _fix(root: Path) -> FixResult:
    config = load(None, root, isolated=True)
    return fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM007"}, unsafe=False)


def _llm007(root: Path) -> list:  # type: ignore[type-arg]
    config = load(None, root, isolated=True)
    return [d for d in check_paths([str(root)], config, jobs=1, cwd=root).diagnostics if d.code == "LLM007"]


def _project(tmp_path: Path, model: str) -> Path:
    root = tmp_path / "case"
    shutil.copytree(CASE, root)
    (root / "chat" / "model.py").write_text(model)
    return root


def test_env_registration_is_cached_once_per_process(tmp_path: Path) -> None:
    root = tmp_path / "case"
    shutil.copytree(CASE, root)
    assert len(_llm007(root)) == 1
    result = _fix(root)
    assert result.fixed == 1 and not result.errors
    assert write_rewrites(result, result.result.paths) == []
    model = (root / "chat" / "model.py").read_text()
    compile(model, "model.py", "exec")
    assert "    @staticmethod\n    @functools.cache  # once per process" in model
    # the import is bound before the class that uses it, at the head of the import block
    assert model.index("import functools\nimport os") < model.index("class ChatModel")
    assert (root / "chat" / "service.py").read_text() == (CASE / "chat" / "service.py").read_text()
    assert _llm007(root) == []
    again = _fix(root)
    assert again.rewrites == {} and again.fixed == 0


def test_existing_functools_import_is_reused(tmp_path: Path) -> None:
    text = (CASE / "chat" / "model.py").read_text().replace("import os\n", "import os\nfrom functools import cache\n")
    root = _project(tmp_path, text)
    result = _fix(root)
    assert result.fixed == 1
    model = next(iter(result.rewrites.values()))
    assert "    @cache  # once per process" in model and "import functools" not in model


def test_set_callbacks_registrar_goes_through_the_llm002_codemod(tmp_path: Path) -> None:
    text = (CASE / "chat" / "model.py").read_text().replace(
        "        self.load_env_loggers()\n",
        "        self.handlers = []\n        self.set_callbacks(self.handlers)\n        self.load_env_loggers()\n",
    ).replace(
        "    @staticmethod\n    def load_env_loggers",
        "    @staticmethod\n    def set_callbacks(callbacks):\n        litellm.callbacks = callbacks\n\n"
        "    @staticmethod\n    def load_env_loggers",
    ).replace(
        "    def ask(self, prompt: str) -> str:\n",
        "    def ask(self, prompt: str, callbacks=None) -> str:\n        if callbacks:\n            self.set_callbacks(callbacks)\n",
    )
    root = _project(tmp_path, text)
    result = _fix(root)  # two rounds: the handlers, then the environment
    assert not result.errors
    model = next(iter(result.rewrites.values()))
    compile(model, "model.py", "exec")
    assert "self.set_callbacks(" not in model and "litellm.callbacks = callbacks" not in model
    assert "_deliver_success(callbacks or self.handlers, response)" in model
    assert "@functools.cache" in model
    write_rewrites(result, result.result.paths)
    assert _llm007(root) == []


def test_construction_handlers_that_no_call_delivers_are_kept(tmp_path: Path) -> None:
    """Registered at construction and no call of the class registers its own: removing the
    registration would leave the handlers with no events, so nothing is rewritten."""
    text = (CASE / "chat" / "model.py").read_text().replace(
        "        self.load_env_loggers()\n",
        "        self.handlers = []\n        self.set_callbacks(self.handlers)\n        self.load_env_loggers()\n",
    ).replace(
        "    @staticmethod\n    def load_env_loggers",
        "    @staticmethod\n    def set_callbacks(callbacks):\n        litellm.callbacks = callbacks\n\n"
        "    @staticmethod\n    def load_env_loggers",
    )
    root = _project(tmp_path, text)
    result = _fix(root)
    assert result.rewrites == {}
    assert any("registered at construction (`self.handlers`) reach no call" in r for r in result.no_fix.values())


def test_reasons_where_no_rewrite_is_proven(tmp_path: Path) -> None:
    base = (CASE / "chat" / "model.py").read_text()
    cases = {
        "reads the module-level variable `PREFIX`": base.replace("import litellm\n", "import litellm\n\nPREFIX = []\n").replace(
            'names = os.environ', 'names = ",".join(PREFIX) or os.environ'),
        "is a method of the object being built": base.replace("    @staticmethod\n", "").replace(
            "def load_env_loggers() -> None:", "def load_env_loggers(self) -> None:"),
        "arguments of each construction": base.replace("self.load_env_loggers()", "self.load_env_loggers(model, answer)").replace(
            "def load_env_loggers() -> None:", "def load_env_loggers(model, answer) -> None:"),
    }
    for i, (reason, text) in enumerate(cases.items()):
        root = _project(tmp_path / str(i), text)
        result = _fix(root)
        assert result.rewrites == {}, reason
        assert any(reason in r for r in result.no_fix.values()), (reason, result.no_fix)
