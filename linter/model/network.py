"""Network reachability: which calls do network I/O or a litellm model call, directly or
through project functions (to ``CALL_DEPTH``), and the path to it."""

from __future__ import annotations

from typing import Iterable

from linter.analysis import catalog as cat
from linter.analysis.facts import Call, FileFacts
from linter.diagnostics import Text
from linter.model.callbacks import Callbacks
from linter.model.func import Chain, Func

CALL_DEPTH = 3  # how far "through a function of the same project" is followed


class Network(Callbacks):
    def __init__(self, files: Iterable[FileFacts]) -> None:
        super().__init__(files)
        self._net: dict[tuple[str, str], Chain | None] = {}

    def litellm_call_in(self, func: Func) -> Call | None:
        for call in func.facts.calls:
            if call.category == "litellm-call":
                return call
        return None

    # --------------------------------------------------------- network calls
    def network_call(self, func: Func, call: Call, depth: int = CALL_DEPTH, litellm_only: bool = False) -> Chain | None:
        """Whether ``call`` (made in ``func``) does network I/O (or a litellm model call, with
        ``litellm_only``), directly or through project functions, and the path to it."""
        category = call.category or self._client_category(func, call)
        if category == "litellm-call" or (category and not litellm_only):
            return Chain((Text((f"{call.callee.name}()",)),))
        if depth <= 0 or category:
            return None
        callee = self.resolve_function(call.callee, func)
        if callee is None or callee.id == func.id:
            return None
        inner = self.function_network(callee, depth - 1, litellm_only)
        if inner is None:
            # a call of an abstract method runs an implementation: the first that reaches one
            for impl in self.implementations(callee):
                inner = self.function_network(impl, depth - 1, litellm_only)
                if inner is not None:
                    return Chain((Text((f"{callee.facts.qualname}() (implemented by {impl.facts.qualname})",)),) + inner.steps)
            return None
        return Chain((Text((f"{callee.facts.qualname}()",)),) + inner.steps)

    def function_network(self, func: Func, depth: int, litellm_only: bool = False) -> Chain | None:
        key = (func.id, f"{depth}{litellm_only}")
        if key in self._net:
            return self._net[key]
        self._net[key] = None  # cycle guard
        result = None
        for call in func.facts.calls:
            result = self.network_call(func, call, depth, litellm_only)
            if result is not None:
                break
        self._net[key] = result
        return result

    def litellm_call_through(self, func: Func) -> tuple[Call, Chain] | None:
        """The first call in ``func`` that reaches a litellm model call (directly or via the project)."""
        hits = self.litellm_calls_through(func)
        return hits[0] if hits else None

    def litellm_calls_through(self, func: Func) -> list[tuple[Call, Chain]]:
        """Every call in ``func`` that reaches a litellm model call, in source order."""
        out = []
        for call in sorted(func.facts.calls, key=lambda c: c.order):
            chain = self.network_call(func, call, litellm_only=True)
            if chain is not None:
                out.append((call, chain))
        return out

    def litellm_call_before(self, func: Func, order: int) -> tuple[Call, Chain] | None:
        """The litellm-reaching call of ``func`` nearest before source position ``order`` (what a
        read there follows: pdd's reads after its retry call follow the retry, not a
        ``return _run_multishot(...)`` a thousand lines earlier), else the first one."""
        hits = self.litellm_calls_through(func)
        before = [h for h in hits if h[0].order < order]
        return before[-1] if before else (hits[0] if hits else None)

    def _client_category(self, func: Func, call: Call) -> str:
        """A method called on a client object held in ``self.x`` or a module-level binding."""
        ref = call.callee
        binding = None
        if ref.kind == "self" and "." in ref.name and func.facts.class_name:
            attr, _, method = ref.name.partition(".")
            hit = self.attribute(func.file, func.facts.class_name, attr)
            binding = hit[2] if hit is not None else None
        elif ref.kind == "name":
            hit2 = self.binding(ref.name)
            if hit2 is None or not ref.name.startswith(hit2[2] + "."):
                return ""
            binding, method = hit2[1], ref.name[len(hit2[2]) + 1 :]
        if binding is None or binding.kind != "client":
            return ""
        if binding.factory == "litellm.Router" and method in cat.ROUTER_METHODS:
            return "litellm-call"
        return "network" if method in cat.CLIENT_METHODS else ""
