"""Relative imports resolved against the importing module (no libcst: the facts extractor,
which runs in every worker, uses it, and importing libcst costs ~0.5 s a process)."""

from __future__ import annotations


def resolve_relative(current_module: str, is_package: bool, level: int, name: str) -> str:
    """Absolute module for ``from ..name import x`` inside ``current_module``."""
    if level == 0:
        return name
    parts = current_module.split(".") if current_module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if name:
        return f"{base}.{name}" if base else name
    return base
