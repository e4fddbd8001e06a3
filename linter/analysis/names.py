"""Name resolution from a file's own imports (no libcst scope/qualified-name providers).

``ImportTable`` maps local names to qualified names ("ll" -> "litellm",
"completion" -> "litellm.completion"); ``dotted`` turns a Name/Attribute chain into text.
Relative imports are resolved against the file's module name.
"""

from __future__ import annotations

import libcst as cst

from linter.analysis.relative import resolve_relative


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of Attribute over Name, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def module_of(node: cst.BaseExpression | cst.Attribute | cst.Name) -> str:
    """Text of the ``module`` part of an import (``a.b.c``)."""
    return dotted(node) or ""  # type: ignore[arg-type]


def add_import(
    table: dict[str, str],
    node: cst.Import | cst.ImportFrom,
    module: str,
    is_package: bool,
) -> None:
    """Record the local names that an import statement binds."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = module_of(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                table[alias.asname.name.value] = full
            else:
                # ``import a.b`` binds ``a``
                first = full.split(".", 1)[0]
                table[first] = first
        return
    level = len(node.relative)
    source = module_of(node.module) if node.module is not None else ""
    base = resolve_relative(module, is_package, level, source)
    if isinstance(node.names, cst.ImportStar):
        return
    for alias in node.names:
        name = module_of(alias.name)
        local = name
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            local = alias.asname.name.value
        table[local] = f"{base}.{name}" if base else name
