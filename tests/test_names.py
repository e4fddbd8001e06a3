"""Name resolution through imports and aliases, across modules."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from linter.analysis.names import add_import, resolve_relative
from tests.helpers import codes, facts_of, lint


def _table(src: str, module: str = "pkg.mod", is_package: bool = False) -> dict[str, str]:
    table: dict[str, str] = {}
    for stmt in cst.parse_module(src).body:
        for small in stmt.body:  # type: ignore[attr-defined]
            add_import(table, small, module, is_package)
    return table


def test_import_aliases() -> None:
    t = _table(
        "import litellm as ll\n"
        "from litellm import completion, success_callback as sc\n"
        "from litellm.integrations.custom_logger import CustomLogger\n"
        "import os.path\n"
    )
    assert t == {
        "ll": "litellm",
        "completion": "litellm.completion",
        "sc": "litellm.success_callback",
        "CustomLogger": "litellm.integrations.custom_logger.CustomLogger",
        "os": "os",
    }


def test_relative_imports() -> None:
    assert _table("from . import callbacks\n") == {"callbacks": "pkg.callbacks"}
    assert _table("from .cb import DATA\n") == {"DATA": "pkg.cb.DATA"}
    assert _table("from ..util import x\n", module="a.b.c") == {"x": "a.util.x"}
    assert _table("from .cb import DATA\n", module="pkg", is_package=True) == {"DATA": "pkg.cb.DATA"}
    assert resolve_relative("a.b", False, 1, "") == "a"


def test_aliased_registry_and_call_are_resolved(tmp_path: Path) -> None:
    facts = facts_of(
        tmp_path,
        """
        import litellm as ll
        from litellm import completion, success_callback

        def go(h):
            success_callback.append(h)
            ll.callbacks = [h]
            return completion(model="m", messages=[])
        """,
    )
    fn = facts.functions["go"]
    assert [(r.registry, r.op) for r in fn.registrations] == [
        ("litellm.success_callback", "append"),
        ("litellm.callbacks", "assign"),
    ]
    assert [c.category for c in fn.calls if c.category] == ["litellm-call"]


def test_local_name_shadows_module_binding(tmp_path: Path) -> None:
    facts = facts_of(
        tmp_path,
        """
        DATA = {}

        def f():
            DATA = {}
            DATA["x"] = 1
            return DATA

        def g():
            DATA["y"] = 2
        """,
    )
    assert facts.functions["f"].writes == []
    assert [w.target for w in facts.functions["g"].writes] == ["m.DATA"]


def test_callback_defined_in_one_module_registered_in_another(tmp_path: Path) -> None:
    diags = lint(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/state.py": """
                COST = {"last": 0.0}

                def on_success(kwargs, completion_response, start_time, end_time):
                    COST["last"] = kwargs["response_cost"]
            """,
            "app/setup.py": """
                import litellm
                from app import state

                litellm.success_callback.append(state.on_success)
            """,
            "app/main.py": """
                import litellm
                from app.state import COST

                def run():
                    litellm.completion(model="m", messages=[])
                    return COST["last"]
            """,
        },
    )
    assert [(d.path, d.code, d.span.line) for d in diags] == [("app/main.py", "LLM001", 7)]
    assert "registered in litellm.success_callback at app/setup.py:5" in str(diags[0].evidence[0])


def test_reexported_custom_logger_base(tmp_path: Path) -> None:
    diags = lint(
        tmp_path,
        {
            "lib/__init__.py": "from .base import Logger\n",
            "lib/base.py": "from litellm.integrations.custom_logger import CustomLogger as CL\n\nclass Logger(CL):\n    pass\n",
            "use.py": """
                import litellm
                import lib

                SEEN = []

                class Mine(lib.Logger):
                    def log_success_event(self, kwargs, response_obj, start_time, end_time):
                        SEEN.append(response_obj.usage.total_tokens)

                def ask():
                    litellm.completion(model="m", messages=[])
                    return SEEN[-1]
            """,
        },
    )
    assert codes(diags) == [("LLM001", 13)]


# two scripts named app.py in folders without __init__.py (camel's examples/usecases/*/app.py)
_KEY_SCRIPT = 'import os\n\nimport streamlit as st\n\nkey = st.text_input("key")\nos.environ["OPENAI_API_KEY"] = key\n'
_TITLE_SCRIPT = 'import streamlit as st\n\nst.title("x")\n'


def test_same_named_scripts_in_two_folders_stay_two_modules(tmp_path: Path) -> None:
    from linter.config import load
    from linter.engine.pipeline import check_paths

    files = {"a/app.py": _KEY_SCRIPT, "b/app.py": _TITLE_SCRIPT, "c/app.py": _KEY_SCRIPT}
    lint(tmp_path, files)  # writes them
    config = load(None, tmp_path, isolated=True)
    for prefilter in (True, False):  # the byte scan parses only a/ and c/; without it b/ is parsed too
        found = check_paths([str(tmp_path)], config, jobs=1, cwd=tmp_path, prefilter=prefilter).diagnostics
        assert sorted((d.path, d.span.line, d.code) for d in found) == [("a/app.py", 6, "LLM005"), ("c/app.py", 6, "LLM005")], prefilter


def test_same_named_packages_keep_their_own_names_inside(tmp_path: Path) -> None:
    from linter.config import load
    from linter.engine.pipeline import discover_files

    for folder in ("one", "two"):
        (tmp_path / folder / "tools").mkdir(parents=True)
        (tmp_path / folder / "tools" / "__init__.py").write_text("")
        (tmp_path / folder / "tools" / "keys.py").write_text("")
    found = discover_files([str(tmp_path)], load(None, tmp_path, isolated=True), cwd=tmp_path)
    assert [(sf.display, sf.module) for sf in found] == [
        ("one/tools/__init__.py", "tools"),
        ("one/tools/keys.py", "tools.keys"),
        ("two/tools/__init__.py", "tools@two"),
        ("two/tools/keys.py", "tools@two.keys"),
    ]


def test_the_shallowest_copy_keeps_the_name_imports_resolve_to(tmp_path: Path) -> None:
    from linter.config import load
    from linter.engine.pipeline import discover_files

    # a project's own package beside a copy of it in a benchmark scenario (pdd's research/ folder)
    for folder in ("bench/scenario/src/tools", "src/tools"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
    found = discover_files([str(tmp_path)], load(None, tmp_path, isolated=True), cwd=tmp_path)
    assert [(sf.display, sf.module) for sf in found] == [
        ("bench/scenario/src/tools/__init__.py", "tools@bench/scenario/src"),
        ("src/tools/__init__.py", "tools"),
    ]
