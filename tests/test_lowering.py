"""Newer syntax lowered to syntax the running Python parses (``linter/analysis/lowering.py``):
the facts of a file do not depend on the path they came through, and a file in 3.12 syntax is
read line for line on every Python."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest

from linter.analysis.catalog import Catalog
from linter.analysis.extract import extract
from linter.analysis.facts import FileFacts
from linter.analysis.lowering import lowered

FIXTURES = Path(__file__).parent / "fixtures"


def facts(text: str) -> FileFacts:
    return extract(compile(text, "<test>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True), FileFacts("x.py", "x"), Catalog(), text)


def _sites(f: FileFacts) -> dict[str, list[tuple[str, object, object]]]:
    """Every fact of every function with its place (the walk order, which counts tree nodes,
    differs: an f-string is a tuple after lowering)."""
    out = {}
    for q, fn in f.functions.items():
        rows = []
        for field in ("calls", "writes", "reads", "config_writes", "registrations", "spawns", "local_writes"):
            for x in getattr(fn, field):
                rows.append((field, getattr(x, "span", None), getattr(x, "target", None) or getattr(x, "callee", None) or x))
        out[q] = rows
    return out


def _valid_here(path: Path) -> bool:
    try:
        compile(path.read_text(encoding="utf-8"), str(path), "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return True
    except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
        return False


CASES = [p for p in sorted(FIXTURES.rglob("*.py")) if "LLM000" not in p.parts and _valid_here(p)]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_lowering_code_this_python_parses_keeps_every_fact_in_place(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    older = lowered(cst.parse_module(text))
    assert older is not None
    assert older.count("\n") == text.count("\n")
    assert _sites(facts(older)) == _sites(facts(text))


NEWER = '''\
type Pair[T] = tuple[T, T]


class Box[T: (int, str)]:
    def get[U](self, x: U) -> U:
        return x


def greet(user: dict[str, str], width: int) -> str:
    short = f"{user["name"]!r:>{width}}"
    long = (
        f"Hello {user["name"]}, "
        "welcome"
        f""" to {user["site"]}
        """
    )
    return short + long
'''


def test_newer_syntax_is_lowered_line_for_line_with_expressions_in_their_columns() -> None:
    older = lowered(cst.parse_module(NEWER))
    assert older is not None
    ast.parse(older)  # on 3.11 too
    assert older.count("\n") == NEWER.count("\n")
    assert "type " not in older and "Pair[" not in older and "Box[" not in older and "get[" not in older
    new_lines, old_lines = NEWER.splitlines(), older.splitlines()
    for needle, line in (('user["name"]', 10), ('user["name"]', 12), ('user["site"]', 14), ("width", 10)):
        assert old_lines[line - 1].find(needle) == new_lines[line - 1].find(needle), (needle, old_lines[line - 1])
