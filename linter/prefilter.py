"""The byte-level prefilter: which files are worth parsing at all.

Each rule declares ``TOKENS``: a bytes regex, or a tuple of them that must all match (a lock AND
a network call). A file that matches no rule's tokens is never parsed; the engine's
demand rounds bring in any other file that the facts of parsed files point at.

Scanning 70 MB with a regex that has no literal prefix costs seconds in ``re``, so every regex
gets a literal gate derived from it: a set of byte strings one of which every match must
contain (``callbacks``, ``Lock``...). ``bytes.__contains__`` finds those at memory speed, and
the regex runs only on the few files that contain one.

This module is the generic machinery only (combinators, literal gates, compilation); the
vocabulary the rules build their tokens from is ``linter.analysis.tokens``. A token that is not
a regex is a scanner: any hashable object with ``matches(data)``, and optionally ``gate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

try:  # the regex parser, to derive literal gates; without it every file is scanned by the regex
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons
    _sre_parse = None


def literal_gate(pattern: bytes) -> frozenset[bytes] | None:
    """Byte strings one of which every match of ``pattern`` contains, or None if unknown."""
    if _sre_parse is None:
        return None
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _required(list(parsed))


def _required(seq: list) -> frozenset[bytes] | None:
    c = _sre_c
    best: frozenset[bytes] | None = None

    def consider(found: frozenset[bytes] | None) -> None:
        nonlocal best
        if found and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found

    run = bytearray()
    for op, av in seq:
        if op is c.LITERAL:
            run.append(av)
            continue
        if len(run) >= 3:
            consider(frozenset([bytes(run)]))
        run = bytearray()
        if op is c.SUBPATTERN:
            consider(_required(list(av[-1])))
        elif op is c.BRANCH:
            parts = [_required(list(b)) for b in av[1]]
            if all(parts):
                consider(frozenset().union(*parts))  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            consider(_required(list(av[2])))
    if len(run) >= 3:
        consider(frozenset([bytes(run)]))
    return best


def _minimal(literals: Iterable[bytes]) -> frozenset[bytes]:
    """Drop literals that contain a shorter one (finding the shorter one is enough)."""
    out: list[bytes] = []
    for lit in sorted(set(literals), key=len):
        if not any(o in lit for o in out):
            out.append(lit)
    return frozenset(out)


class _Present:
    """Which literals the file being scanned contains, each looked for once: the gates of
    nested tokens repeat them (``callback``, ``lock``), and each look reads the whole file."""

    def __init__(self) -> None:
        self._data: bytes | None = None
        self._found: dict[bytes, bool] = {}

    def any_in(self, literals: frozenset[bytes], data: bytes) -> bool:
        if data is not self._data:
            self._data, self._found = data, {}
        found = self._found
        for lit in literals:
            hit = found.get(lit)
            if hit is None:
                hit = found[lit] = lit in data
            if hit:
                return True
        return False


_PRESENT = _Present()


class _Token:
    """A compiled token: ``gate`` (literals one of which a match contains, or None) and
    ``matches(data)``."""

    gate: frozenset[bytes] | None = None

    def matches(self, data: bytes) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def gated(self, data: bytes) -> bool:
        return self.gate is None or _PRESENT.any_in(self.gate, data)


class _Memo(_Token):
    """A token shared by several rules (the same declaration compiles to one object): its
    verdict on the file being scanned is computed once."""

    def __init__(self, inner: _Token) -> None:
        self.inner = inner
        self.gate = inner.gate
        self._data: bytes | None = None
        self._result = False

    def matches(self, data: bytes) -> bool:
        if data is not self._data:
            self._data, self._result = data, self.inner.matches(data)
        return self._result


class _Regex(_Token):
    def __init__(self, pattern: bytes) -> None:
        self.regex = re.compile(pattern)
        found = literal_gate(pattern)
        self.gate = _minimal(found) if found else None

    def matches(self, data: bytes) -> bool:
        return self.gated(data) and self.regex.search(data) is not None


class _Scanner(_Token):
    """A token written as code (an object with ``matches(data)``; its ``gate``, if it has one,
    is literals one of which every file it matches contains)."""

    def __init__(self, scanner: object) -> None:
        self.scanner = scanner
        self.gate = getattr(scanner, "gate", None)

    def matches(self, data: bytes) -> bool:
        return self.gated(data) and self.scanner.matches(data)


class _Any(_Token):
    def __init__(self, parts: list[_Token]) -> None:
        self.parts = parts
        gates = [p.gate for p in parts]
        self.gate = None if any(g is None for g in gates) else _minimal(lit for g in gates for lit in g)  # type: ignore[union-attr]

    def matches(self, data: bytes) -> bool:
        return self.gated(data) and any(p.matches(data) for p in self.parts)


class _All(_Token):
    def __init__(self, parts: list[_Token]) -> None:
        self.parts = parts
        self.gate = next((p.gate for p in parts if p.gate is not None), None)

    def matches(self, data: bytes) -> bool:
        return self.gated(data) and all(p.matches(data) for p in self.parts)


@dataclass(frozen=True)
class AnyOf:
    """Token: a file matches when any of ``parts`` matches."""

    parts: tuple

    def __init__(self, *parts: object) -> None:
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class AllOf:
    """Token: a file matches when all of ``parts`` match (a lock AND a network call)."""

    parts: tuple

    def __init__(self, *parts: object) -> None:
        object.__setattr__(self, "parts", parts)


def _is_scanner(token: object) -> bool:
    return not isinstance(token, (AnyOf, AllOf, tuple)) and callable(getattr(token, "matches", None))


def compile_token(token: object, shared: dict | None = None) -> _Token:
    """bytes (a regex), ``AnyOf``, ``AllOf``, a tuple (= ``AllOf``), or a scanner object.
    ``shared``: leaves compiled so far, so that a declaration several rules use runs once."""
    shared = {} if shared is None else shared
    if isinstance(token, bytes) or _is_scanner(token):
        if token not in shared:
            shared[token] = _Memo(_Regex(token) if isinstance(token, bytes) else _Scanner(token))
        return shared[token]
    if isinstance(token, AnyOf):
        return _Any([compile_token(p, shared) for p in token.parts])
    if isinstance(token, (AllOf, tuple)):
        parts = token.parts if isinstance(token, AllOf) else token
        return _All([compile_token(p, shared) for p in parts])
    raise TypeError(f"not a prefilter token: {token!r}")


class Prefilter:
    """Every enabled rule's tokens: ``wants(data)`` is True when some rule's tokens match."""

    def __init__(self, tokens: list[object]) -> None:
        unique: list[object] = []
        for t in tokens:  # rules that share tokens are scanned once
            if t not in unique:
                unique.append(t)
        self.tokens = unique
        shared: dict = {}
        self._any = _Any([compile_token(t, shared) for t in unique])

    def __reduce__(self):  # compiled patterns rebuild in the worker from the declarations
        return (Prefilter, (self.tokens,))

    @property
    def gate(self) -> frozenset[bytes] | None:
        return self._any.gate

    def wants(self, data: bytes) -> bool:
        return self._any.matches(data)

    def search(self, data: bytes) -> bool | None:
        """``re.Pattern.search``'s contract (truthy on a match), for callers of the old regex."""
        return True if self.wants(data) else None


def build(tokens: Iterable[object]) -> Prefilter | None:
    """The prefilter for these token declarations (None when no rule declares any)."""
    found = [t for t in tokens if t]
    return Prefilter(found) if found else None
