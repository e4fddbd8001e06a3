"""Join stage: the project index built from every file's facts.

It answers the questions the rules ask: which function does this reference name, which
functions are litellm callbacks, who calls whom, which functions run at request time and
which only once at start-up (and which rules are exempt where), which locks and clients a
class holds, and which functions make a network call (directly or through project functions,
to a bounded depth). Each concern is a module of ``linter.model``; this is their composition.
"""

from __future__ import annotations

from linter.model.config_values import ConfigValue, ConfigValues
from linter.model.context import Context, Where
from linter.model.func import Chain, Func
from linter.model.locks import Lock, Locks
from linter.model.network import CALL_DEPTH

__all__ = ["CALL_DEPTH", "Chain", "ConfigValue", "Func", "Lock", "ProjectIndex", "Where"]


class ProjectIndex(Context, Locks, ConfigValues):
    """Every layer of the semantic model over one set of files (each layer keeps its own memos)."""
