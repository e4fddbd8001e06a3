"""The layering that docs/architecture.md states, checked on the source (``ast``, never by
importing): rules do not import each other, read files, print or use click; the engine, the
prefilter, the rerun's position map and the cache know no rule, rule module or payload field;
formatters only format."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import linter
from linter.payloads import PAYLOADS

ROOT = Path(linter.__file__).parent
RULE_FILES = sorted(p for p in (ROOT / "rules").glob("*.py") if p.stem != "__init__")
RULE_MODULES = {f"linter.rules.{p.stem}" for p in RULE_FILES}
RULE_STEMS = {p.stem for p in RULE_FILES}
NO_RULE_KNOWLEDGE = sorted((ROOT / "engine").glob("*.py")) + [ROOT / n for n in ("prefilter.py", "moved.py", "cache.py", "cache_codec.py")]
REPORT_FILES = sorted((ROOT / "report").glob("*.py"))
PAYLOAD_FIELDS = {f.name for p in PAYLOADS for f in dataclasses.fields(p)}


def _rel(p: Path) -> str:
    return p.relative_to(ROOT.parent).as_posix()


def _imports(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """Every module an import names (``from a import b`` names ``a`` and ``a.b``), relative
    imports resolved against ``package``."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
    return out


def _package(path: Path) -> str:
    return ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


@pytest.mark.parametrize("path", RULE_FILES, ids=_rel)
def test_a_rule_imports_no_other_rule(path: Path) -> None:
    tree = ast.parse(path.read_text())
    bad = [
        f"{_rel(path)}:{line}: imports {name}"
        for line, name in _imports(tree, _package(path))
        if name in RULE_MODULES and name != f"linter.rules.{path.stem}"
    ]
    assert not bad, "rules share code through linter.model / linter.analysis, never through each other: " + "; ".join(bad)


@pytest.mark.parametrize("path", NO_RULE_KNOWLEDGE, ids=_rel)
def test_engine_prefilter_moved_and_cache_know_no_rule(path: Path) -> None:
    source = path.read_text()
    tree = ast.parse(source)
    bad = [f"{_rel(path)}:{i}: a rule code" for i, line in enumerate(source.splitlines(), 1) if "LLM0" in line]
    for line, name in _imports(tree, _package(path)):
        if name == "linter.rules" or name.startswith("linter.rules.") or name.split(".")[-1] in RULE_STEMS:
            bad.append(f"{_rel(path)}:{line}: imports {name}")
    # a payload is read by attribute (or generically, through dataclasses.fields); a field
    # name as a string is the old string-keyed side channel (``data["function"]``) coming back
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in PAYLOAD_FIELDS and id(node) not in docs:
            bad.append(f"{_rel(path)}:{node.lineno}: payload field {node.value!r} as a string")
    assert not bad, "; ".join(bad)


_READS = {"open", "read_text", "read_bytes", "read_source"}


@pytest.mark.parametrize("path", RULE_FILES, ids=_rel)
def test_a_rule_reads_no_file_prints_nothing_and_uses_no_click(path: Path) -> None:
    """Rules are pure functions of the index (their VALID / INVALID cases are strings, so code
    inside them is not seen here)."""
    tree = ast.parse(path.read_text())
    bad = [f"{_rel(path)}:{line}: imports {name}" for line, name in _imports(tree, _package(path)) if name.split(".")[0] == "click"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in _READS or name == "print":
                bad.append(f"{_rel(path)}:{node.lineno}: calls {name}()")
        elif isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr"):
            bad.append(f"{_rel(path)}:{node.lineno}: uses {node.attr}")
    assert not bad, "; ".join(bad)


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=_rel)
def test_click_only_in_the_cli(path: Path) -> None:
    if path == ROOT / "cli.py":
        return
    names = [name for _line, name in _imports(ast.parse(path.read_text()), _package(path))]
    assert not any(n.split(".")[0] == "click" for n in names), f"{_rel(path)} imports click"


@pytest.mark.parametrize("path", REPORT_FILES, ids=_rel)
def test_formatters_only_format(path: Path) -> None:
    """A formatter turns findings into text: it imports no stage that makes them."""
    bad = [
        f"{_rel(path)}:{line}: imports {name}"
        for line, name in _imports(ast.parse(path.read_text()), _package(path))
        if name.split(".")[:2] in (["linter", "model"], ["linter", "project"], ["linter", "engine"])
    ]
    assert not bad, "; ".join(bad)
