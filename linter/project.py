"""Join stage: the project index built from every file's facts.

It answers the questions the rules ask: which function does this reference name, which
functions are litellm callbacks, who calls whom, which functions run at request time and
which only once at start-up (and which rules are exempt where), which locks and clients a
class holds, and which functions make a network call (directly or through project functions,
to a bounded depth). Each concern is a module of ``linter.model``; this is their composition.
"""

from __future__ import annotations

from typing import Iterable

from linter.analysis.facts import FileFacts
from linter.diagnostics import text
from linter.model.config_values import ConfigValue, ConfigValues
from linter.model.context import Context, Where
from linter.model.func import Chain, Func
from linter.model.locks import Lock, Locks
from linter.model.network import CALL_DEPTH

__all__ = ["CALL_DEPTH", "Chain", "ConfigValue", "Func", "Lock", "ProjectIndex", "Where"]


class ProjectIndex(ConfigValues, Locks):
    """Every layer of the semantic model over one set of files (each layer keeps its own memos)."""

    def __init__(self, files: Iterable[FileFacts], package_folders: Iterable[str] | None = None) -> None:
        """``package_folders``: every folder with an ``__init__.py`` that discovery found, the
        files the byte scan did not parse included (by default, those of ``files``)."""
        super().__init__(files)
        if package_folders is not None:
            self.package_folders = frozenset(package_folders)

    def lock_contention_evidence(self, func: Func, lock: Lock) -> Chain | None:
        """Why a shared lock taken in ``func`` is contended when ``func`` has no concurrent caller
        of its own: another holder of the same lock runs concurrently, and every holder waits for
        it (a sync ``call`` and a concurrent async ``acall`` serialise on one class-level lock)."""
        if not lock.key:
            return None
        for other in self.lock_holders.get(lock.key, ()):
            if other.id == func.id or not self.is_evidence(other, func):
                continue  # (a holder in another program does not share this process's lock)
            chain = self.concurrency_evidence(other)
            if chain is not None:
                return Chain((text(f"{lock.label} is also taken by {other.facts.qualname}, which runs concurrently: ", chain.text()),))
        return None
