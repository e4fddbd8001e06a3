"""What a rule needs beyond the files the byte scan selected, and the questions asked of bytes.

A rule may declare, given the project index of the facts so far, the further files it wants
analysed: ``definitions(index) -> Iterable[Definition]`` (cheap: names its facts refer to) and
``needs(index) -> Iterable[Demand]`` (the rest). The engine unions every enabled rule's
demands, analyses those files, rebuilds the index and asks again, to a fixed point; it knows no
rule. Definitions are asked after every few modules analysed; ``needs`` once per round, after
the definitions are met, because a rule that grades its findings there makes an index-wide pass
(asking both in every quick round ran each such rule's check 54 times on the corpus instead of
4, and doubled the main process's time).

- ``Definition(name)``: the project module that defines this qualified name (re-exports followed).
- ``Mentions(words)``: files whose bytes mention one of these words.
- ``Callers(function)``: files that may hold callers of this function (the engine asks which
  files import its module, or its callers' modules, and mention their names).
- ``Importers(module)``: files that may import this module (whether a Streamlit-looking file is
  a script Streamlit runs or a module the app imports).

A question asked of a file's bytes (``MentionsWord``, ``ImportsAndMentions``) is a value with
``matches(data)``: the tree record keeps the questions a run asked (``encode_question``), so a
rerun can ask an edited file again.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from functools import wraps
from typing import AbstractSet, Any, Callable, Iterable, Iterator, TypeVar, Union


_IMPORT_STATEMENT = re.compile(rb"\b(?:from|import)[ \t]+(?:[\w., \t]*\([^)]*\)|[\w., \t]*)")
_WORD = re.compile(rb"\w+")


# ------------------------------------------------------------------ demands


@dataclass(frozen=True, slots=True)
class Definition:
    """Analyse the project module that defines ``name`` (a qualified name)."""

    name: str


@dataclass(frozen=True, slots=True)
class Mentions:
    """Analyse the files whose bytes mention one of ``words`` (as words)."""

    words: frozenset[str]

    def __init__(self, words: Iterable[str]) -> None:
        object.__setattr__(self, "words", frozenset(words))


@dataclass(frozen=True, slots=True)
class Callers:
    """Analyse the files that may hold callers of the function ``function`` (a function id)."""

    function: str


@dataclass(frozen=True, slots=True)
class Importers:
    """Analyse the files (not tests) that may import the module ``module``: their imports spell
    its last name (``import a.page``, ``from a.page import f``, ``from . import page``)."""

    module: str


Demand = Union[Definition, Mentions, Callers, Importers]


# --------------------------------------------------------------- questions


@dataclass(frozen=True, slots=True)
class MentionsWord:
    """Does the file mention one of ``words`` as a word?"""

    words: tuple[str, ...]  # sorted

    @property
    def source(self) -> bytes:
        """The regex (also the key of the answer in a file's cache entry)."""
        return rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in self.words) + rb")\b"

    def matches(self, data: bytes) -> bool:
        return re.search(self.source, data) is not None


@dataclass(frozen=True, slots=True)
class ImportsAndMentions:
    """Does the file import one of the modules (by its last name) and mention, as a word, one
    of the names paired with that module?"""

    pairs: tuple[tuple[str, str], ...]  # sorted (module's last name, name)
    # module -> names, made once: a question is asked of every file not analysed yet, and
    # rebuilding this per file took 2.5 s of a cold run on the corpus (2,118 files asked)
    wanted: dict[bytes, set[bytes]] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        wanted: dict[bytes, set[bytes]] = {}
        for m, n in self.pairs:
            wanted.setdefault(m.encode(), set()).add(n.encode())
        object.__setattr__(self, "wanted", wanted)

    def matches(self, data: bytes, imported: AbstractSet[bytes] | None = None) -> bool:
        """``imported``: the words of the file's imports, when known already."""
        wanted = self.wanted
        imported = imported_words(data) if imported is None else imported
        names = {n for m in imported & wanted.keys() for n in wanted[m] if n in data}
        return any(re.search(rb"\b" + re.escape(n) + rb"\b", data) for n in names)


@dataclass(frozen=True, slots=True)
class ImportsFrom:
    """Does the file import one of the names from the package that re-exports it (``from
    camel.toolkits import VeoToolkit``, in a parenthesised list too), or spell it through the
    package (``camel.toolkits.VeoToolkit``)? Asked instead of ``ImportsAndMentions`` for a
    package's re-exports: "imports ``pdd`` and mentions ``llm_invoke``" held for most of pdd's
    files (every ``from pdd.x import y`` imports the word ``pdd``) and parsed 169 more of them."""

    pairs: tuple[tuple[str, str], ...]  # sorted (package, name)

    def matches(self, data: bytes) -> bool:
        for package, name in self.pairs:
            p, n = package.encode(), name.encode()
            if n not in data or p not in data:
                continue
            if re.search(rb"\b" + re.escape(p + b"." + n) + rb"\b", data):
                return True
            head = re.compile(rb"from[ \t]+" + re.escape(p) + rb"[ \t]+import\b")
            for stmt in _IMPORT_STATEMENT.findall(data):
                if head.match(stmt) and n in _WORD.findall(stmt):
                    return True
        return False


Question = Union[MentionsWord, ImportsAndMentions, ImportsFrom]


def imported_words(data: bytes) -> set[bytes]:
    """The words of a source's import statements."""
    return {w for stmt in _IMPORT_STATEMENT.findall(data) for w in _WORD.findall(stmt)}


def encode_question(q: Question) -> list:
    """A question as plain JSON-able data, for the tree record."""
    if isinstance(q, MentionsWord):
        return ["mentions", list(q.words)]
    if isinstance(q, ImportsFrom):
        return ["imports-from", [list(p) for p in q.pairs]]
    return ["imports", [list(p) for p in q.pairs]]


def decode_question(raw: object) -> Question:
    """The inverse of ``encode_question``; ValueError on anything else."""
    if isinstance(raw, list) and len(raw) == 2 and isinstance(raw[1], list):
        kind, arg = raw
        if kind == "mentions" and all(isinstance(w, str) for w in arg):
            return MentionsWord(tuple(arg))
        if kind in ("imports", "imports-from") and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in arg
        ):
            pairs = tuple((m, n) for m, n in arg)
            return ImportsAndMentions(pairs) if kind == "imports" else ImportsFrom(pairs)
    raise ValueError(f"not a question: {raw!r}")


# ------------------------------------------------------------ for the rules

F = TypeVar("F", bound=Callable[..., Any])


def per_index(check: F) -> F:
    """Memoise a function of the index (a rule's ``check``, a demand several rules share) on
    the last index it saw, as a list: a rule whose ``needs`` grades its findings and the final
    report on the same index share one pass (the last demand round's index is the final one:
    one rule pass fewer, 0.4 s on the corpus), and five rules asking for the callbacks'
    definitions after every few modules analysed share one walk. A weak reference: a finished
    run's index is not kept alive."""
    last: list[Any] = [None, None]  # weakref to the index, its findings

    @wraps(check)
    def memo(index: Any) -> Iterator[Any]:
        ref = last[0]
        if ref is None or ref() is not index:
            found = list(check(index))
            last[0], last[1] = weakref.ref(index), found
        return iter(last[1])

    return memo  # type: ignore[return-value]
