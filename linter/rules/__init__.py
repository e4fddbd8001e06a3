"""The rule registry.

A rule is a module in this package with ``CODE``, ``NAME``, ``SUMMARY``, ``TOKENS`` (a bytes
regex, or a tuple of them that must all match: a file that does not match is never parsed for
this rule; see ``linter.prefilter``), a docstring (What it does /
Why is this bad / Example / Use instead / Fix safety) and ``check(index) -> Iterable[Diagnostic]``,
a pure function of the project index. It may declare what it needs beyond the byte scan's files
(``linter.demands``): ``definitions(index) -> Iterable[Definition]``, the modules that define
names its facts refer to (cheap: asked after every few modules analysed), and
``needs(index) -> Iterable[Demand]``, the rest (files mentioning a word, callers of a function;
asked once per demand round, after the definitions are met). Rules are discovered: every module of
this package that defines ``CODE`` is one, in code order.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterable

from linter.demands import Definition, Demand
from linter.diagnostics import Diagnostic
from linter.prefilter import Prefilter, build
from linter.project import ProjectIndex


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    doc: str
    tokens: object  # bytes regex, a tuple of tokens that must all match, or None
    check: Callable[[ProjectIndex], Iterable[Diagnostic]]
    definitions: Callable[[ProjectIndex], Iterable[Definition]] | None = None
    needs: Callable[[ProjectIndex], Iterable[Demand]] | None = None


def _rule(module: ModuleType) -> Rule:
    return Rule(
        code=module.CODE,
        name=module.NAME,
        summary=module.SUMMARY,
        doc=(module.__doc__ or "").strip(),
        tokens=module.TOKENS,
        check=module.check,
        definitions=getattr(module, "definitions", None),
        needs=getattr(module, "needs", None),
    )


def discover(package: ModuleType) -> list[ModuleType]:
    """The rule modules of ``package``: its modules that define ``CODE``, in code order."""
    modules = [importlib.import_module(f"{package.__name__}.{info.name}") for info in pkgutil.iter_modules(package.__path__)]
    return sorted((m for m in modules if hasattr(m, "CODE")), key=lambda m: m.CODE)


RULES: tuple[Rule, ...] = tuple(_rule(m) for m in discover(sys.modules[__name__]))
BY_KEY: dict[str, Rule] = {**{r.code: r for r in RULES}, **{r.name: r for r in RULES}}


class UnknownRule(ValueError):
    pass


def lookup(key: str) -> list[Rule]:
    """Rules named by a code, a name, a code prefix (``LLM00``) or ``ALL``."""
    k = key.strip()
    if k.upper() == "ALL":
        return list(RULES)
    if k in BY_KEY:
        return [BY_KEY[k]]
    if k.upper() in BY_KEY:
        return [BY_KEY[k.upper()]]
    prefixed = [r for r in RULES if r.code.startswith(k.upper())] if k.upper().startswith("LLM") else []
    if prefixed:
        return prefixed
    raise UnknownRule(k)


def prefilter_pattern(rules: Iterable[Rule], extra: Iterable[bytes] = ()) -> Prefilter | None:
    """The byte scan: a file matching none of the enabled rules' tokens is never parsed."""
    return build([r.tokens for r in rules if r.tokens] + list(extra))
