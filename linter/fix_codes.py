"""Which rule codes have a codemod, known without importing the codemods.

``check`` says how many findings ``fix`` could rewrite. Importing ``linter.fixes`` for that
loads libcst and its codemod/matcher modules: 0.6-1.2 s of a 1.3 s warm run on pdd (cProfile,
2026-12-06), against a 0.5 s target for a warm run. Each fixer module declares its codes as a
literal ``CODES = (...)``; reading that assignment from the source costs about a millisecond.
``tests/test_engine_structure.py`` checks the result against the imported registry.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

FIXES_DIR = Path(__file__).resolve().parent / "fixes"


def _declared_codes(source: str) -> tuple[str, ...]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "CODES" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            return tuple(value)
    return ()


@cache
def codes_with_codemod() -> frozenset[str]:
    codes: set[str] = set()
    for path in sorted(FIXES_DIR.glob("*.py")):
        if path.name != "__init__.py":
            codes.update(_declared_codes(path.read_text(encoding="utf-8")))
    return frozenset(codes)
