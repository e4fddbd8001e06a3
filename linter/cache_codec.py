"""Facts and findings to JSON and back, for the cache.

Not pickle: a cache folder can arrive with the code being checked (committed, or written by a
hostile pull request), and unpickling it would run whatever it says. This codec only rebuilds
the plain dataclasses of ``linter.analysis.facts``, ``Diagnostic`` (with its ``Text``,
``Loc``, ``Confidence`` and ``linter.payloads``); anything else is an
error, and the cache treats an undecodable file as empty.

Encoding: scalars as themselves; containers as lists whose first item says what they are:
``["l", ...]`` list, ``["t", ...]`` tuple, ``["d", k1, v1, ...]`` dict, ``["f", ...]``
frozenset, ``["s", ...]`` set, ``["b", hex]`` bytes, ``["c", "high"]`` a confidence,
``["@Name", field1, ...]`` dataclass.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from linter.analysis import facts as _facts
from linter.diagnostics import Confidence, Diagnostic, Loc, Text
from linter.payloads import PAYLOADS

CLASSES: dict[str, type] = {
    name: cls
    for name, cls in vars(_facts).items()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == _facts.__name__
}
CLASSES.update({cls.__name__: cls for cls in (Diagnostic, Text, Loc, *PAYLOADS)})
FIELDS: dict[type, tuple[str, ...]] = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in CLASSES.values()}


_SCALARS = (str, int, float, bool, type(None))


class CodecError(ValueError):
    pass


def encode(value: Any) -> Any:
    t = type(value)
    if value is None or t in _SCALARS:
        return value
    if t in FIELDS:
        return ["@" + t.__name__, *(_encode_item(getattr(value, n)) for n in FIELDS[t])]
    if t is list:
        return ["l", *map(_encode_item, value)]
    if t is tuple:
        return ["t", *map(_encode_item, value)]
    if t is dict:
        out: list[Any] = ["d"]
        for k, v in value.items():
            out.append(_encode_item(k))
            out.append(_encode_item(v))
        return out
    if t is frozenset:
        return ["f", *map(_encode_item, value)]
    if t is set:
        return ["s", *map(_encode_item, value)]
    if t is bytes:
        return ["b", value.hex()]
    if t is Confidence:
        return ["c", value.value]
    raise CodecError(f"cannot encode {t.__name__}")


def _encode_item(value: Any) -> Any:
    return value if type(value) in _SCALARS else encode(value)


def decode(value: Any, strings: dict[str, str] | None = None) -> Any:
    """``strings``: one object per distinct string (module and qualified names repeat in
    every file's facts: a third of a large tree's decoded facts were copies)."""
    if type(value) is not list:
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise CodecError("bad value")
    if not value or type(value[0]) is not str:
        raise CodecError("untagged list")
    if strings is None:
        strings = {}
    tag = value[0]
    # scalars decode to themselves: tested inline, a call per value made loading the cache of
    # a large tree take seconds
    items = [
        strings.setdefault(v, v) if type(v) is str else v if type(v) in _SCALARS else decode(v, strings)
        for v in value[1:]
    ]
    if tag[:1] == "@":
        cls = CLASSES.get(tag[1:])
        if cls is None or len(items) != len(FIELDS[cls]):
            raise CodecError(f"unknown or changed type {tag!r}")
        return cls(*items)
    if tag == "l":
        return items
    if tag == "t":
        return tuple(items)
    if tag == "d":
        return dict(zip(items[::2], items[1::2]))
    if tag == "f":
        return frozenset(items)
    if tag == "s":
        return set(items)
    if tag == "b":
        return bytes.fromhex(items[0])
    if tag == "c":
        return Confidence(items[0])
    raise CodecError(f"unknown tag {tag!r}")


def dumps(value: Any) -> bytes:
    return json.dumps(encode(value), separators=(",", ":")).encode()


def loads(data: bytes, strings: dict[str, str] | None = None) -> Any:
    return decode(json.loads(data), strings)
