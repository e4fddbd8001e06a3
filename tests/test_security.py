"""llmlint never imports, executes or evaluates the code it checks, and follows no symlink
out of the paths it is given."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.test_bad_input import HAZARD, PDD
from tests.test_cli import run

LINTER = Path(__file__).resolve().parent.parent / "linter"


def _booby_trapped(root: Path, marker: Path) -> None:
    """Files that write ``marker`` if anything imports, runs or evaluates them."""
    trap = f"open({str(marker)!r}, 'w').write(__name__)\n"
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text(trap)
    (root / "pkg" / "app.py").write_text(trap + PDD)  # parsed, with findings, and fixed
    (root / "conftest.py").write_text(trap)
    (root / "setup.py").write_text(trap + "import litellm\nlitellm.callbacks = []\n")
    (root / "__main__.py").write_text(trap + HAZARD)
    (root / "lazy.py").write_text(f"import litellm\nx = __import__('os').system('touch {marker}')\n")
    (root / "enc.py").write_bytes(b"# -*- coding: rot13 -*-\n" + trap.encode())  # codec tricks


def test_checked_code_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    tree = tmp_path / "tree"
    tree.mkdir()
    _booby_trapped(tree, marker)
    for args in (["check", ".", "--output-format", "json", "--show-fixes"], ["fix", ".", "--unsafe-fixes"]):  # json: codemod previews
        proc = subprocess.run([sys.executable, "-m", "linter", *args, "--isolated"], cwd=tree,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1, proc.stderr
        assert not marker.exists(), f"{args}: the checked code ran"
    assert "_track_data" in (tree / "pkg" / "app.py").read_text()  # fix did rewrite it


def test_the_linter_has_no_way_to_run_code() -> None:
    """No eval/exec/import of a computed name, no subprocess, no pickle of file data."""
    forbidden_calls = {"eval", "exec", "__import__", "import_module", "run_path", "run_module", "system", "popen"}
    forbidden_modules = {"subprocess", "runpy", "importlib", "pickle", "marshal", "code", "codeop"}
    found = []
    for path in sorted(LINTER.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in forbidden_calls:
                    found.append(f"{path.relative_to(LINTER).as_posix()}:{node.lineno}: {name}()")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{path.relative_to(LINTER).as_posix()}:{node.lineno}: import {n}" for n in names if n.split(".")[0] in forbidden_modules]
    # the one process llmlint starts is git, for `--baseline-ref` (its argv starts with "git")
    # and rule and fixer discovery import the modules pkgutil lists in llmlint's own packages
    discovery = ("import importlib", "import_module()")
    allowed = {"baseline.py": ("import subprocess",), "rules/__init__.py": discovery, "fixes/__init__.py": discovery}
    found = [f for f in found if not any(f.startswith(name + ":") and f.endswith(what) for name, whats in allowed.items() for what in whats)]
    assert found == []
    baseline = ast.parse((LINTER / "baseline.py").read_text())
    runs = [n for n in ast.walk(baseline) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and getattr(n.func.value, "id", "") == "subprocess"]
    for call in runs:
        argv = call.args[0]
        assert isinstance(argv, ast.List) and isinstance(argv.elts[0], ast.Constant) and argv.elts[0].value == "git"


def test_no_symlink_is_followed_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "h.py").write_text(HAZARD)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "linked.py").symlink_to(outside / "h.py")
    (tree / "linked_dir").symlink_to(outside, target_is_directory=True)
    (tree / "inside.py").write_text("x = 1\n")
    (tree / "alias.py").symlink_to(tree / "inside.py")  # inside: the file itself is checked once
    code, out, _ = run(["check", ".", "--isolated"], tree)
    assert code == 0 and out == "All checks passed: 1 files (0 parsed).\n"
    # naming the link is asking for it
    code, out, _ = run(["check", "linked.py", "linked_dir", "--isolated", "--output-format", "concise", "-q"], tree)
    assert code == 1 and out.splitlines()[0].startswith("linked.py:4:5: LLM002")


def test_fix_writes_through_a_link_and_keeps_it(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "app.py").write_text(PDD)
    (tmp_path / "link.py").symlink_to(tmp_path / "real" / "app.py")
    code, out, err = run(["fix", "link.py", "--isolated", "--rule", "LLM001"], tmp_path)
    assert code == 0, out + err
    assert (tmp_path / "link.py").is_symlink()
    assert "_track_data" in (tmp_path / "real" / "app.py").read_text()
