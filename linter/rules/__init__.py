"""The rule registry.

A rule is a module in this package with ``CODE``, ``NAME``, ``SUMMARY``, ``TOKENS`` (a bytes
regex, or a tuple of them that must all match: a file that does not match is never parsed for
this rule; see ``linter.prefilter``), a docstring (What it does /
Why is this bad / Example / Use instead / Fix safety) and ``check(index) -> Iterable[Diagnostic]``,
a pure function of the project index.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterable

from linter.diagnostics import Diagnostic
from linter.prefilter import Prefilter, build
from linter.project import ProjectIndex
from linter.rules import (
    blocking_lock_in_async,
    callback_registering_constructor,
    callback_thread_local,
    global_client_config,
    global_callback_data,
    global_callback_registration,
    global_request_state,
    invalid_syntax,
    lock_across_network_call,
)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    doc: str
    tokens: object  # bytes regex, a tuple of tokens that must all match, or None
    check: Callable[[ProjectIndex], Iterable[Diagnostic]]


def _rule(module: ModuleType) -> Rule:
    return Rule(
        code=module.CODE,
        name=module.NAME,
        summary=module.SUMMARY,
        doc=(module.__doc__ or "").strip(),
        tokens=module.TOKENS,
        check=module.check,
    )


RULES: tuple[Rule, ...] = tuple(
    _rule(m)
    for m in (
        invalid_syntax,
        global_callback_data,
        global_callback_registration,
        lock_across_network_call,
        callback_thread_local,
        global_client_config,
        blocking_lock_in_async,
        callback_registering_constructor,
        global_request_state,
    )
)
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
