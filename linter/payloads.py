"""What a rule hands its fixer: one typed payload per kind of finding, read by attribute.

Every payload names the project function the finding is in (``function``, a ``Func.id``):
that is where a fixer starts, and whose callers the demand rounds chase when the finding has
no concurrency evidence yet. The cache codec rebuilds these classes (and only these) from a
stored result, so they stay plain frozen dataclasses of strings and spans.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.analysis.facts import Span


@dataclass(frozen=True, slots=True)
class Payload:
    """A finding in ``function``, nothing more to say to a fixer."""

    function: str


@dataclass(frozen=True, slots=True)
class CallbackStorage(Payload):
    """LLM001 / LLM004: ``storage`` (a qualified module-level name) is written by ``callback``
    and read in ``function`` (LLM001: the reader; LLM004: the callback itself)."""

    storage: str
    callback: str


@dataclass(frozen=True, slots=True)
class LockHeld(Payload):
    """LLM003 / LLM006: a lock held in ``function`` around ``target`` (the network call or the
    ``await``; None when the finding is not about one site), taken through the
    ``@contextmanager`` function ``helper`` (a ``Func.id``) when not taken directly;
    ``narrowable`` when the lock-narrowing fix may split it (``Lock.narrowable``: a thread or
    asyncio lock whose factory is known, held by a ``with``)."""

    target: Span | None = None
    helper: str = ""
    narrowable: bool = False


@dataclass(frozen=True, slots=True)
class ConfigWrite(Payload):
    """LLM005: the process-wide setting ``target`` written in ``function``, ``how`` ("assign",
    "item", "method:update", "call", ...)."""

    target: str
    how: str


@dataclass(frozen=True, slots=True)
class RequestState(Payload):
    """LLM008: module-level ``storage`` set per request in ``function`` (its writer)."""

    storage: str


@dataclass(frozen=True, slots=True)
class Construction(Payload):
    """LLM007: a class built in ``function`` whose construction reaches a registration of
    litellm callbacks in ``registrar`` (a ``Func.id``; "" for ``litellm.Router``)."""

    registrar: str


PAYLOADS: tuple[type, ...] = (Payload, CallbackStorage, LockHeld, ConfigWrite, RequestState, Construction)
