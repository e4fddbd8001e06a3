"""The byte-scan vocabulary the rules share: what their ``TOKENS`` are made of.

Derived from the catalogues (``linter.analysis.catalog``), so a rule's tokens name exactly the
spellings its facts can come from. Several rules use each of these (a callback registration,
a ``with`` over a lock, a module-state write), so they live here rather than in one rule;
``linter.prefilter`` only combines and compiles them (a scanner here is any hashable object
with ``matches(data)`` and a ``gate``: literals one of which every match contains).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from linter.analysis import catalog as cat

def _words(names: Iterable[str]) -> bytes:
    return b"|".join(re.escape(n).encode() for n in sorted(set(names), key=lambda s: (-len(s), s)))


_WS = rb"[\s\\]*"  # spaces, newlines inside brackets, backslash continuations
_REGISTRIES = _words(n.rsplit(".", 1)[-1] for n in cat.REGISTRIES)
_REGISTRY_METHODS = _words(cat.REGISTRY_METHODS)

# The per-call keywords that register handlers (facts: ``kwarg:<name>``).
_KWARGS = (b"callbacks", b"success_callback", b"failure_callback")
_AFTER_ATTRIBUTE = re.compile(  # after ``x.<registry>``: a mutating method, a subscript, an assignment
    _WS + rb"(?:\." + _WS + rb"(?:" + _REGISTRY_METHODS + rb")\b|\[|(?::[^\n=]*)?(?:=(?!=)|\+=))"
)
_AFTER_NAME = re.compile(  # after a bare ``<registry>`` (imported by name, or inside litellm itself)
    _WS + rb"(?:\." + _WS + rb"(?:" + _REGISTRY_METHODS + rb")\b|\[[^\]\n]*\]" + _WS + rb"(?:=(?!=)|\+=))"
)
_KWARG = re.compile(_WS + rb"=(?!=)")
_CHAIN_ROOT = re.compile(rb"([A-Za-z_]\w*)(?:" + _WS + rb"\." + _WS + rb"\w+)*" + _WS + rb"\." + _WS + rb"\Z")
_OTHER_REGISTRATION = re.compile(
    rb"import\b[^\n]*\b(?:" + _REGISTRIES + rb")\b"
    + rb"|logging_callback_manager\b" + _WS + rb"\." + _WS + rb"(?:add_|remove_|_reset)"
    + rb"|[\"']callbacks[\"']" + _WS + rb"[:\]]"
    # issue 19: LlamaIndex's process-wide callback manager replaced or changed
    + rb"|callback_manager" + _WS + rb"(?:=(?!=)|\." + _WS + rb"(?:" + _words(cat.SDK_REGISTRY_METHODS) + rb")\b)"
)
# LlamaIndex's global handler (``set_global_handler("simple")``, ``llama_index.core.global_handler = h``):
# such a file need not say "callback"
_GLOBAL_HANDLER = re.compile(rb"global_handler\b")
_REGISTRY_WORDS = tuple(sorted({n.rsplit(".", 1)[-1].encode() for n in cat.REGISTRIES}))
# other SDKs' registering calls (``add_trace_processor(p)``; ``dspy.configure(callbacks=...)`` is
# a ``callbacks=`` keyword, found as litellm's is)
_SDK_REGISTRATION = re.compile(
    rb"(?:" + _words({n.rsplit(".", 1)[-1] for n, (keyword, _op) in cat.SDK_REGISTERING_CALLS.items() if not keyword}) + rb")" + _WS + rb"\("
)


@dataclass(frozen=True)
class RegistryMutation:
    """A token that is not a regex: a mutation of one of litellm's callback registries as the
    facts see one (``litellm.callbacks = [...]``, ``+=``, ``[i] =``, ``del``, ``.append(...)``;
    not ``self.callbacks``), a registry imported by name, the callback manager's add_/remove_,
    a per-call ``callbacks=`` / ``success_callback=`` keyword, or a dict with a "callbacks" key;
    LlamaIndex's global callback manager or global handler changed, or another SDK's registering
    call (``add_trace_processor(``, ``set_trace_processors(``)."""

    gate = frozenset([b"callback", b"global_handler", b"trace_processor"])

    def matches(self, data: bytes) -> bool:
        if b"trace_processor" in data and _SDK_REGISTRATION.search(data) is not None:
            return True
        if b"global_handler" in data and _GLOBAL_HANDLER.search(data):
            return True
        if b"callback" not in data:
            return False
        for word in _REGISTRY_WORDS:
            i = data.find(word)
            while i >= 0:
                if self._mutation_at(data, i, word):
                    return True
                i = data.find(word, i + 1)
        return _OTHER_REGISTRATION.search(data) is not None

    @staticmethod
    def _mutation_at(data: bytes, i: int, word: bytes) -> bool:
        end = i + len(word)
        if (i and (data[i - 1 : i].isalnum() or data[i - 1] == 95)) or data[end : end + 1].isalnum() or data[end : end + 1] == b"_":
            return False  # part of a longer name
        before = data[max(0, i - 200) : i]
        root = _CHAIN_ROOT.search(before)
        if root is not None:
            return root.group(1) not in (b"self", b"cls") and _AFTER_ATTRIBUTE.match(data, end) is not None
        if _AFTER_NAME.match(data, end):
            return True
        return word in _KWARGS and before.rstrip(b" \t\r\n\\")[-1:] in (b"(", b",") and _KWARG.match(data, end) is not None


REGISTRATION = RegistryMutation()
# A method litellm calls on a CustomLogger (defined in a class; its bases are demanded later).
CALLBACK_METHOD = rb"def" + _WS + rb"(?:" + _words(cat.CALLBACK_METHODS) + rb")\b"

# Something that may be a lock: a lock factory or a name that says lock.
LOCK = rb"[Ll]ock|LOCK|Semaphore|Condition|[Mm]utex|_sem\b"
# What makes a lock region a hazard, as it can appear in the block: a network call (catalogue
# names, client methods, SDK suffixes, the litellm call family), an await, or a yield (a
# @contextmanager helper that holds the lock while its caller's body runs).
_NETWORK_WORDS = _words(
    {n.split(".", 1)[0] for n in cat.NETWORK_FUNCTIONS | cat.CLIENT_FACTORIES}
    | {n.rsplit(".", 1)[-1] for n in cat.NETWORK_FUNCTIONS | cat.CLIENT_FACTORIES | cat.LITELLM_CALLS}
    | {"await", "yield", "urllib", "Router", "ClientSession"}
)
_CLIENT_METHODS = _words(cat.CLIENT_METHODS | {s.rsplit(".", 1)[-1] for s in cat.SDK_CALL_SUFFIXES})
_HAZARD_IN_BLOCK = rb"(?:\b(?:" + _NETWORK_WORDS + rb")\b|\.(?:" + _CLIENT_METHODS + rb")" + _WS + rb"\()"
_LOCK_FACTORIES = tuple(sorted({n.rsplit(".", 1)[-1].encode() for n in cat.LOCK_FACTORIES}))
_BINDING = re.compile(rb"(?m)^[ \t]*(?:[\w.]+\.)?(\w+)[ \t]*(?::[^\n=]*)?=[^=\n][^\n]*\Z")


def _lock_bindings(data: bytes) -> set[bytes]:
    """Names this file binds to a lock factory call (``self._guard = threading.Lock()``), and,
    in a file that binds one, the locals bound to a method's result (``gate = self._get_gate()``:
    the method may hand that lock out, ``model/locks.py``)."""
    out: set[bytes] = set()
    for lit in _LOCK_FACTORIES:
        i = data.find(lit + b"(")
        while i >= 0:
            start = data.rfind(b"\n", 0, i) + 1
            m = _BINDING.match(data[start:i])
            if m:
                out.add(m.group(1))
            i = data.find(lit + b"(", i + 1)
    if out:
        out.update(_FROM_METHOD.findall(data))
    return out


_FROM_METHOD = re.compile(rb"(?m)^[ \t]*(\w+)[ \t]*=[ \t]*(?:await[ \t]+)?self\.\w+\(")


_CALL = re.compile(rb"\w[ \t]*\(")
_WITH_WORD = re.compile(rb"with\b")
_BEFORE_WITH = re.compile(rb"[ \t]*(?:async[ \t]+)?")


def _with_lines(data: bytes) -> Iterator[tuple[int, int, int, bytes]]:
    """Each line that starts a ``with`` (or ``async with``): its start, its end, its indent and
    what follows the keyword. Found from the word, not from every line start (``(?m)^`` makes
    the regex engine try each line: 20x slower on a large tree)."""
    for m in _WITH_WORD.finditer(data):
        at = m.start()
        start = data.rfind(b"\n", 0, at) + 1
        if _BEFORE_WITH.fullmatch(data, start, at) is None:
            continue
        end = data.find(b"\n", m.end())
        end = len(data) if end < 0 else end
        lead = data[start:at]
        yield start, end, len(lead) - len(lead.lstrip(b" \t")), data[m.end() : end]


@dataclass(frozen=True)
class WithLockBlock:
    """A token that is not a regex: a ``with`` over something lock-like (a name that says lock,
    or a name this file binds to a lock factory) whose block holds a network call, an ``await``
    or a ``yield``, or a call while the file names a network call (a chain through a function
    of the same file). The block is the with line plus the lines below it indented deeper (blank
    lines, comments and lines that cannot start a statement do not end it)."""

    lock: re.Pattern[bytes] = re.compile(LOCK)
    hazard: re.Pattern[bytes] = re.compile(_HAZARD_IN_BLOCK)
    header_only: bool = False  # any with over a lock, whatever its block holds
    gate = frozenset([b"with"])  # not a field (no annotation): literals every match contains

    def matches(self, data: bytes) -> bool:
        if b"with" not in data:
            return False
        bound = _lock_bindings(data)
        network: bool | None = None  # the file names a network call somewhere (computed once)
        for start, line_end, indent, header in _with_lines(data):
            if not (self.lock.search(header) or any(name in header for name in bound)):
                continue
            if self.header_only:
                return True
            end = self._block_end(data, line_end, indent)
            if self.hazard.search(data, start, end):
                return True
            # a call in the block may reach a network call through a function of this file
            if _CALL.search(data, line_end, end) and network is None:
                network = self.hazard.search(data) is not None
            if network and _CALL.search(data, line_end, end):
                return True
        return False

    @staticmethod
    def _block_end(data: bytes, pos: int, indent: int) -> int:
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl + 1
        while end < len(data):
            nl = data.find(b"\n", end)
            line = data[end : len(data) if nl < 0 else nl]
            stripped = line.lstrip(b" \t")
            if stripped[:1].isalpha() or stripped[:1] in (b"_", b"@"):
                if len(line) - len(stripped) <= indent:
                    break
            end = len(data) if nl < 0 else nl + 1
        return end


WITH_LOCK_BLOCK = WithLockBlock()
WITH_LOCK = WithLockBlock(header_only=True)


_KEY_WRITE_BASE = re.compile(
    rb"((?:[A-Za-z_]\w*[ \t]*\.[ \t]*)*[A-Za-z_]\w*)[ \t]*\[[ \t]*[\"'][\w.-]+\Z"
)
# matched only at the line starts that may begin one (found from a literal: ``(?m)^`` makes the
# regex engine try every position, 1.0 of the 1.6 s the byte scan took on pdd)
_TOP_BINDING = re.compile(rb"([A-Za-z_]\w*)[ \t]*(?::[^\n=]*)?=(?!=)")
_TOP_START = re.compile(rb"\n[A-Za-z_]")
_IMPORTED = re.compile(rb"[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(\([^)]*\)|[^\n]*)")


def _top_bound(data: bytes) -> set[bytes]:
    """The names bound at module level (``NAME = ...`` / ``NAME: T = ...`` at column 0): every
    line that starts with a name, as ``(?m)^`` + ``_TOP_BINDING`` would find them."""
    starts = [0] if data[:1].isalpha() or data[:1] == b"_" else []
    starts += [m.start() + 1 for m in _TOP_START.finditer(data)]
    out = set()
    for start in starts:
        m = _TOP_BINDING.match(data, start)
        if m is not None:
            out.add(m.group(1))
    return out


def _imported_names(data: bytes) -> set[bytes]:
    """The names of every import statement (what ``(?m)^`` + ``_IMPORTED`` found): a match
    starts at the line start of an ``import`` word, tried in order past the previous match."""
    out: set[bytes] = set()
    end = 0
    tried = -1
    at = data.find(b"import")
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        if start >= end and start != tried:
            tried = start
            m = _IMPORTED.match(data, start)
            if m is not None:
                out |= set(re.findall(rb"[A-Za-z_]\w*", m.group(1)))
                end = m.end()
        at = data.find(b"import", at + 1)
    return out


# an indented ``global``: from the newline before it (``(?m)^`` tries every position: 3x slower)
_GLOBAL = re.compile(rb"\n[ \t]+global[ \t]")
_GLOBAL_FIRST = re.compile(rb"[ \t]+global[ \t]")  # ... or on the first line
# class-level storage written in a method: ``cls.x = v``, ``cls.x += 1``, ``cls.x[k] = v``
_CLS_WRITE = re.compile(rb"cls[ \t]*\.[ \t]*\w+[ \t]*(?:\[[^\n]*\][ \t]*)?(?:[-+*|]?=)(?!=)")
_ATTR_WRITE_TAIL = re.compile(rb"\w+[ \t]*(?:\[[^\n=]*\][ \t]*)?[-+*|]?=(?!=)")
_TOP_CLASS = re.compile(rb"\nclass[ \t]+([A-Za-z_]\w*)")  # a literal first: ``(?m)^`` tries every position
_KEY_WRITE_ENDS = tuple(re.compile(q + rb"[ \t]*\][ \t]*(?:=(?!=)|\+=)") for q in (b'"', b"'"))


def _key_write_ends(data: bytes) -> Iterable[int]:
    """Offsets of the closing quote of each ``"k"] =`` / ``'k' ] +=``. One regex per quote: a
    regex that starts with a literal is searched for fast; one that starts with a character
    class steps through every byte in Python's ``re``."""
    for regex in _KEY_WRITE_ENDS:
        for m in regex.finditer(data):
            yield m.start()


@dataclass(frozen=True)
class ModuleStateWrite:
    """A token that is not a regex: a ``global`` statement, or an item write with a string key
    inside a function (``CURRENT["user"] = u``) whose base is module-level here or imported
    (not ``self.``/``cls.``/a local) — the writes a per-request global state rule looks at."""

    gate = frozenset([b"global", b'"]', b"']", b"cls", b"class"])

    def matches(self, data: bytes) -> bool:
        if b"global" in data and (_GLOBAL.search(data) or _GLOBAL_FIRST.match(data)):
            return True
        if b"cls" in data and _CLS_WRITE.search(data):
            return True
        if b"class" in data and self._class_storage_write(data):
            return True
        names: set[bytes] | None = None
        for end in _key_write_ends(data):
            line_start = data.rfind(b"\n", 0, end) + 1
            if data[line_start : line_start + 1] not in (b" ", b"\t"):
                continue  # module level: set-up, not a request
            m = _KEY_WRITE_BASE.search(data, line_start, end)
            if m is None:
                continue
            root = re.split(rb"[ \t]*\.[ \t]*", m.group(1))[0]
            if root == b"self":
                continue
            if names is None:
                names = _top_bound(data) | _imported_names(data)
            if root in names:
                return True
        return False

    @staticmethod
    def _class_storage_write(data: bytes) -> bool:
        """``Completion._history[k] = v`` / ``Session.current = u`` on an indented line, for a
        class of this file: each ``Name.`` is found with ``bytes.find`` and only its line is
        matched (one regex over every line took 0.7 s on pdd's 32 MB; this, 0.45 s)."""
        for c in set(_TOP_CLASS.findall(b"\n" + data if data.startswith(b"class") else data)):
            needle = c + b"."
            at = data.find(needle)
            while at >= 0:
                line_start = data.rfind(b"\n", 0, at) + 1
                if at > line_start and not data[line_start:at].strip() and _ATTR_WRITE_TAIL.match(data, at + len(needle)):
                    return True
                at = data.find(needle, at + len(needle))
        return False


MODULE_STATE_WRITE = ModuleStateWrite()
