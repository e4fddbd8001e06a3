"""The values the semantic model answers with: a project function, and a chain of reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.analysis.facts import FileFacts, FunctionFacts
from linter.diagnostics import Text, join


@dataclass(frozen=True, slots=True)
class Func:
    """A function of the project: its file and its facts."""

    file: FileFacts
    facts: FunctionFacts
    id: str = field(init=False, compare=False)  # made once: the rules ask for it millions of times

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", f"{self.file.module}:{self.facts.qualname}")

    @property
    def label(self) -> str:
        q = self.facts.qualname
        return "module level" if q == "<module>" else ("the __main__ block" if q == "<main>" else q)


@dataclass(frozen=True, slots=True)
class Chain:
    """Why something holds, as a list of steps (prose that may name places)."""

    steps: tuple[Text, ...]

    def __str__(self) -> str:
        return " ← ".join(str(s) for s in self.steps)

    def text(self, sep: str = " ← ") -> Text:
        """The steps as one ``Text`` (``sep=" → "`` for a path read forwards)."""
        return join(sep, self.steps)


def bound_method(facts: FunctionFacts) -> bool:
    """Whether calling the function passes a receiver first: a method of a class (not a static
    one), defined in the class body. A function nested in a method carries the class's name but
    takes its arguments as they are (PraisonAI's ``_substitute(value)`` in a classmethod lost
    ``value`` for the receiver, and the auth token it returns came out "not known")."""
    return bool(facts.class_name) and "staticmethod" not in facts.decorators and facts.qualname.rpartition(".")[0] == facts.class_name


def parameter_for(callee: Func, key: str) -> str | None:
    """The parameter of ``callee`` that receives the argument ``key`` of a call (a position
    or a keyword, as in ``Call.args``), or None (``*args`` / ``**kwargs``, a splat)."""
    params = list(callee.facts.signature)
    if bound_method(callee.facts) and params and params[0][1] == "pos":
        params = params[1:]  # the receiver
    if key.isdigit():
        positional = [p[0] for p in params if p[1] == "pos"]
        return positional[int(key)] if int(key) < len(positional) else None
    return key if any(p[0] == key and p[1] in ("pos", "kw") for p in params) else None
