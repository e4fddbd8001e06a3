"""Codemods, one module per rewrite pattern, and the registry that maps rule codes to them.

A fixer module has ``CODES`` (the rules it fixes), ``TITLE``, ``SAFETY`` ("safe" or "unsafe")
and ``fix(diagnostic, index, sources) -> Rewrite | NoFix``. It re-parses only the files it
touches (``Sources``) and never writes: ``linter.fixing`` verifies and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import libcst as cst

from linter.analysis.source import decode, read_source
from linter.atomic_write import FileChanged
from linter.cache import digest


@dataclass(frozen=True, slots=True)
class Rewrite:
    """New source text per display path."""

    files: dict[str, str]
    title: str


@dataclass(frozen=True, slots=True)
class NoFix:
    reason: str


class CannotFix(Exception):
    """Raised inside a codemod when the rewrite cannot be proven correct; carries the reason."""


@dataclass
class Sources:
    """Current text of the project's files: the file on disk, or a rewrite not yet written."""

    paths: dict[str, Path]
    overrides: dict[str, str] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)  # bytes as first read (for the write check)
    checked: dict[str, bytes] = field(default_factory=dict)  # hash of the bytes the findings are of
    _modules: dict[str, tuple[str, cst.Module]] = field(default_factory=dict)

    def text(self, display: str) -> str:
        if display in self.overrides:
            return self.overrides[display]
        if display not in self.raw:
            data = read_source(self.paths[display])
            if display in self.checked and digest(data) != self.checked[display]:
                # another run (or an editor) wrote it after the check: the findings are not of it
                raise FileChanged(f"{display}: changed since it was read; not written")
            self.raw[display] = data
        return decode(self.raw[display])

    def module(self, display: str) -> cst.Module:
        text = self.text(display)
        cached = self._modules.get(display)
        if cached is None or cached[0] != text:
            cached = (text, cst.parse_module(text))
            if cached[1].code != text:  # libcst drops e.g. a final lone "\r": a rewrite would corrupt
                raise CannotFix("libcst does not reproduce this file exactly (old Mac line endings?)")
            self._modules[display] = cached
        return cached[1]

    def update(self, files: dict[str, str]) -> None:
        self.overrides.update(files)


def _registry() -> dict[str, ModuleType]:
    """Rule code -> its fixer: the modules of this package that define ``CODES``, discovered
    like the rules (a codemod that another dispatches to defines none); one fixer per code."""
    import importlib
    import pkgutil

    out: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for code in getattr(module, "CODES", ()):
            if code in out:
                raise RuntimeError(f"{code} has two fixers: {out[code].__name__} and {module.__name__}")
            out[code] = module
    return out


FIXERS: dict[str, ModuleType] = _registry()
