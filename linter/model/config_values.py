"""Where a written configuration value comes from, and whether it can differ between requests.

A process-wide setting is only a cross-request hazard when two requests can want different
values in it. The facts record, per client-config write, where its value comes from
(``Access.source``): request data (a parameter of the function, a per-instance attribute, the
current request's proxy), a value not known (a call's result: counted like request data), a
process-wide fact (an environment variable,
the operator's terminal, a file or a module constant), the global's own saved value (a restore)
or a literal. This layer decides, over the whole project, which writes carry a value that can
differ between requests: request data always; a literal or a process-wide value only when some
other write of the same setting (the same environment variable) writes something else, since
then which one a request sees depends on who wrote last. A restore is part of the write it
undoes, not a value of its own. Test code writes what it likes and is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from linter.analysis import catalog as cat
from linter.analysis.facts import Access, FileFacts
from linter.diagnostics import Loc, Text, text
from linter.model.func import Func
from linter.model.resolution import Resolution


@dataclass(frozen=True, slots=True)
class ConfigValue:
    """Why a write's value can differ between requests."""

    request_data: bool  # the value itself is per-request data (not a clash of two fixed values)
    reason: Text  # evidence: "the value `req.key` comes from parameter `req`"


def setting(access: Access) -> tuple[str, str]:
    """The setting a write sets: the target, and for the environment the variable (``""``:
    a variable the code computes, compared only with other such writes)."""
    return (access.target, access.key if access.target in (cat.ENVIRON, "os.putenv", "os.unsetenv") else "")


def kind(access: Access) -> str:
    """"literal", "process", "saved", "request" or "unknown" (also for facts without a source)."""
    return access.source.split(":", 1)[0] or "unknown"


class ConfigValues(Resolution):
    @cached_property
    def _config_writes(self) -> dict[tuple[str, str], list[tuple[FileFacts, Access]]]:
        """Every non-test client-config write of the project, by the setting it sets."""
        out: dict[tuple[str, str], list[tuple[FileFacts, Access]]] = {}
        for f in self.files:
            if f.is_test:
                continue
            for fn in f.functions.values():
                for access in fn.config_writes:
                    out.setdefault(_environ_as_one(setting(access)), []).append((f, access))
        return out

    def varying_value(self, func: Func, access: Access) -> ConfigValue | None:
        """Why the value ``access`` writes can differ between requests, or None when every
        request sees the same value (a literal or process-wide fact written everywhere alike, or
        a restore of the saved value, which belongs to the write it undoes)."""
        what = kind(access)
        shown = f"`{access.value}`" if access.value else "the value"
        why = access.source.split(":", 1)[1] if ":" in access.source else ""
        if what == "request":
            return ConfigValue(True, text(f"the value {shown} can differ from one request or instance to the next: it comes from {why}"))
        if what == "unknown":
            return ConfigValue(True, text(f"the value {shown} is not known to be the same for every request: it comes from {why}"))
        if what == "saved":
            return None
        key = setting(access)
        own = [w for w in func.facts.config_writes if setting(w) == key]
        if access.how in _REMOVALS and any(w.how not in _REMOVALS for w in own):
            # removing a variable this function also sets is part of that write: a reset before
            # it (pdd's apply_compression_env clears, then sets from config) or its undo after it
            return None
        if key[0] == cat.ENVIRON and not key[1]:
            return None  # a variable named at run time: no other write is known to set the same one
        value = _same_value(access)
        for f, other in self._config_writes.get(_environ_as_one(key), []):
            if other is access or _same_value(other) == value or not self.same_program(f, func.file):
                continue  # (another program, an example or a script run from its own folder, is another process)
            if other.how in _REMOVALS and any(other is w for w in own):
                continue  # this function's own reset or undo of the write: not another value
            where: Loc = self.loc(f, other.span)
            other_shown = f"`{other.value}`" if other.value else "another value"
            source = "a literal" if what == "literal" else f"process-wide ({why})"
            return ConfigValue(False, text(f"the value {shown} is {source}, but it is also written with {other_shown} at ", where))
        return None


_REMOVALS = ("delete", "method:pop")


def _environ_as_one(key: tuple[str, str]) -> tuple[str, str]:
    """``os.putenv(k, v)`` sets the same variable as ``os.environ[k] = v``."""
    return (cat.ENVIRON, key[1]) if key[0] in ("os.putenv", "os.unsetenv") else key


def _same_value(access: Access) -> tuple[str, str]:
    """What two writes must share to leave the setting alike: the value as written (a restore
    of the saved value is the value it was saved from, which the comparison cannot know)."""
    return (kind(access), access.value) if kind(access) in ("literal", "process") else (kind(access), f"{id(access)}")
