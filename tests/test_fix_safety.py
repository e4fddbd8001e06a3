"""Fixes never break code: a rewrite that uses a module-level name before the module binds it is
dropped with the reason; the contextvar rewrite imports contextvars above its first use; a fix
that would write a file without a finding is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

from linter.binding_order import early_uses
from linter.config import load
from linter.engine import discover_files
from linter.fixing import fix_files, verify

CASE = Path(__file__).resolve().parents[2] / "shared/cases/real-code-faults/fix-must-not-break-imports"


def test_early_uses_are_import_time_uses_of_later_bindings() -> None:
    text = (
        "class A:\n    x = 1\n    y = x + 1\n    def f(self, z=B):\n        return C\n"
        "B = 2\nC = 3\n[i for i in range(3)]\ndef g(a: D = 1):\n    return E\nD = int\nE = 1\n"
    )
    found = {(u.name, u.line) for u in early_uses(text)}
    # B (a default) and D (an annotation) run at import; C and E only when called
    assert found == {("B", 4), ("D", 9)}


def test_lazy_annotations_and_conditional_imports_are_not_early() -> None:
    text = (
        "from __future__ import annotations\ntry:\n    import ujson as json\nexcept ImportError:\n    json = None\n"
        "def f(x: Later) -> Later:\n    return json\nclass Later:\n    pass\n"
    )
    assert early_uses(text) == []


def test_verify_rejects_a_use_before_the_binding() -> None:
    before = "X = None\n\nimport contextvars\n"
    after = 'X = contextvars.ContextVar("x", default=None)\n\nimport contextvars\n'
    reason = verify("service.py", after, before)
    assert reason is not None and "`contextvars` at line 1 before the module binds it (line 3)" in reason
    assert verify("service.py", 'import contextvars\nX = contextvars.ContextVar("x")\n', before) is None
    # an early use the file already had is not the rewrite's doing
    assert verify("m.py", "print(Y)\nY = 1\nZ = 2\n", "print(Y)\nY = 1\n") is None


def test_contextvar_fix_imports_before_the_first_use(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    shutil.copytree(CASE, root)
    config = load(None, root, isolated=True)
    result = fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM008"}, unsafe=False)
    assert result.fixed == 1 and not result.errors, (result.errors, result.no_fix)
    text = result.rewrites["service.py"]
    assert "contextvars.ContextVar(" in text
    assert text.index("import contextvars") < text.index("contextvars.ContextVar(")
    assert early_uses(text) == []
    compile(text, "service.py", "exec")


def test_a_fix_never_writes_a_file_without_a_finding(tmp_path: Path) -> None:
    """The test module reads the state; it has no finding (tests are exempt): the ContextVar
    rewrite would have to change it too, so it is refused and says which file blocks it. A
    module that is not a test is rewritten with it (a caller the rewrite must follow)."""
    root = tmp_path / "svc"
    shutil.copytree(CASE, root)
    (root / "test_service.py").write_text("import service\n\n\ndef test_default():\n    assert service._CURRENT_TENANT is None\n")
    config = load(None, root, isolated=True)
    result = fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM008"}, unsafe=False)
    assert result.rewrites == {}
    reasons = list(result.no_fix.values())
    (root / "test_service.py").rename(root / "report.py")
    again = fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM008"}, unsafe=False)
    assert set(again.rewrites) == {"service.py", "report.py"}
    assert "service._CURRENT_TENANT.get()" in again.rewrites["report.py"]
    assert any("test_service.py, test code with no finding" in r for r in reasons), reasons
