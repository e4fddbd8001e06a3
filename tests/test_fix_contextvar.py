"""The contextvar codemod (LLM008) on small projects: what it rewrites, and what it refuses."""

from __future__ import annotations

import textwrap
from pathlib import Path

from linter.config import load
from linter.engine import discover_files
from linter.fixing import FixResult, fix_files
from tests.helpers import write

HANDLER = """
    import asyncio
    import litellm

    current_user = None
    {extra}

    def tag():
        return f"user={{current_user}}"

    async def answer(user):
        global current_user
        current_user = user
        resp = await litellm.acompletion(model="m", messages=[])
        {after}
        return tag()
"""


def _fix(root: Path, files: dict[str, str]) -> FixResult:
    write(root, files)
    config = load(None, root, isolated=True)
    return fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM008"}, unsafe=False)


def _handler(extra: str = "", after: str = "pass") -> str:
    return HANDLER.format(extra=textwrap.indent(extra, "    ").strip(), after=after)


def test_rebinding_reads_and_shadowing(tmp_path: Path) -> None:
    src = _handler(
        extra="def shadow(current_user):\n    return current_user\n\ndef count():\n    global current_user\n    current_user += '!'",
    )
    out = _fix(tmp_path, {"app.py": src})
    assert out.fixed == 1 and not out.errors, out.no_fix
    new = out.rewrites["app.py"]
    compile(new, "app.py", "exec")
    assert 'current_user = contextvars.ContextVar("current_user", default=None)' in new
    assert "current_user.set(user)" in new and "global current_user" not in new
    assert 'return f"user={current_user.get()}"' in new
    assert "def shadow(current_user):\n    return current_user\n" in new  # a parameter is not the state
    assert "current_user.set(current_user.get() + '!')" in new
    assert new.index("import contextvars") < new.index("import asyncio")
    assert out.result.diagnostics == []


def test_item_writes_are_copy_on_write_across_modules(tmp_path: Path) -> None:
    out = _fix(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/ctx.py": 'REQ = {"tenant": None, "n": 0}\n',
        "pkg/report.py": "from pkg import ctx\n\ndef line():\n    return f\"{ctx.REQ['tenant']}\" + str(ctx.REQ.get('n'))\n",
        "pkg/run.py": textwrap.dedent("""
            import threading
            import litellm
            from pkg.ctx import REQ
            from pkg.report import line

            def job(tenant):
                REQ["tenant"] = tenant
                REQ["n"] += 1
                litellm.completion(model="m", messages=[])
                return line()

            def start(t):
                threading.Thread(target=job, args=(t,)).start()
        """),
    })
    assert out.fixed == 1 and not out.errors, out.no_fix
    run = out.rewrites["pkg/run.py"]
    assert 'REQ.set({**REQ.get(), "tenant": tenant})' in run
    assert 'REQ.set({**REQ.get(), "n": REQ.get()["n"] + 1})' in run
    assert "ctx.REQ.get()['tenant']" in out.rewrites["pkg/report.py"]
    assert "ctx.REQ.get().get('n')" in out.rewrites["pkg/report.py"]
    assert out.rewrites["pkg/ctx.py"].startswith("import contextvars\n")


def _refusal(tmp_path: Path, files: dict[str, str]) -> str:
    out = _fix(tmp_path, files)
    assert out.fixed == 0 and out.rewrites == {}
    reasons = list(out.no_fix.values())
    assert len(reasons) == 1, out.no_fix
    return reasons[0]


def test_refuses_in_place_mutation(tmp_path: Path) -> None:
    src = _handler(after="current_user.update({})")
    assert "mutates the shared value in place" in _refusal(tmp_path, {"app.py": src})


def test_refuses_alias_of_mutable_state(tmp_path: Path) -> None:
    src = textwrap.dedent("""
        import asyncio, litellm
        REQ = {}
        def helper():
            return REQ["u"]
        async def answer(u):
            REQ["u"] = u
            view = REQ
            await litellm.acompletion(model="m", messages=[])
            return helper()
    """)
    assert "aliases the mutable value" in _refusal(tmp_path, {"app.py": src})


def test_refuses_reader_on_a_plain_thread(tmp_path: Path) -> None:
    src = textwrap.dedent("""
        import threading, litellm
        current = None
        def report():
            print(current)
        def helper():
            return current
        async def answer(u):
            global current
            current = u
            threading.Thread(target=report).start()
            return helper()
    """)
    assert "does not inherit the caller's context" in _refusal(tmp_path, {"app.py": src})


def test_refuses_star_import_and_second_top_level_binding(tmp_path: Path) -> None:
    star = {"app.py": _handler(), "view.py": "from app import *\n\ndef show():\n    return current_user\n"}
    assert "star-imports app" in _refusal(tmp_path / "a", star)
    src = _handler(extra="current_user = 'nobody'")
    assert "bound exactly once" in _refusal(tmp_path / "b", {"app.py": src})


def test_refuses_state_used_as_a_context_manager(tmp_path: Path) -> None:
    src = _handler(extra="def guarded():\n    with current_user:\n        pass")
    assert "used as a context manager" in _refusal(tmp_path, {"app.py": src})
