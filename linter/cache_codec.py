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
import types
import typing
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


# ------------------------------------------------------------------ facts by their schema
#
# A file's facts are most of what the cache holds (pdd: 744 files, 31 MB, 390,000 dataclasses,
# 820,000 tuples), and a rerun after an edit that changes one file's facts decodes them all.
# Tagged, each value went through ``decode`` (a call, a tag test and a list per container):
# 5.0 s for pdd's facts against 0.87 s for ``json.loads`` alone. Here a fact is a JSON array of
# its fields, in order, with no tags: the field annotations of ``linter.analysis.facts`` say
# what each is, and a decoder made once per type rebuilds only what JSON cannot say (a
# dataclass, a tuple, a frozenset, a dict with int keys); a list of strings or a
# ``dict[str, str]`` comes out of ``json.loads`` as it is. Still JSON, still only these classes.

_Decoder = Any  # Callable[[Any], Any] | None (None: JSON already gives the value)


def _facts_types() -> dict[type, tuple[tuple[str, Any], ...]]:
    hints = {cls: typing.get_type_hints(cls) for cls in CLASSES.values() if cls.__module__ == _facts.__name__}
    return {cls: tuple((name, hints[cls][name]) for name in FIELDS[cls]) for cls in hints}


_FACT_FIELDS = None  # filled below


def _decoder(tp: Any, strings: dict[str, str], made: dict[type, Any]) -> _Decoder:
    """How to rebuild a value of type ``tp`` from its JSON (None: as ``json.loads`` gives it).
    ``made``: the decoder of each fact class, made once."""
    if tp in (int, str, bool, float):
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in _FACT_FIELDS:  # type: ignore[operator]
        if tp not in made:
            made[tp] = _dataclass_decoder(tp, strings, made)
        return made[tp]
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        inner = _decoder(args[0] if args[1] is type(None) else args[1], strings, made)
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin is list:
        inner = _decoder(args[0], strings, made)
        return None if inner is None else (lambda v: list(map(inner, v)))  # type: ignore[arg-type]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        inner = _decoder(args[0], strings, made)
        return tuple if inner is None else (lambda v: tuple(map(inner, v)))  # type: ignore[arg-type]
    if origin is tuple:
        n = len(args)
        todo = [(i, d) for i, a in enumerate(args) if (d := _decoder(a, strings, made)) is not None]

        def fixed(v: Any) -> tuple:
            if len(v) != n:
                raise CodecError("a tuple of another length")
            if todo:
                v = list(v)
                for i, d in todo:
                    v[i] = d(v[i])
            return tuple(v)

        return fixed
    if origin is frozenset:
        return frozenset
    if origin is dict:
        key, value = _decoder(args[0], strings, made), _decoder(args[1], strings, made)
        if args[0] is str:  # a JSON object
            return None if value is None else (lambda v: {k: value(x) for k, x in v.items()})
        key = key or (lambda x: x)
        value = value or (lambda x: x)
        return lambda v: {key(k): value(x) for k, x in v}  # pairs: JSON keys are strings
    raise CodecError(f"no facts encoding for {tp!r}")


def _dataclass_decoder(cls: type, strings: dict[str, str], made: dict[type, Any]) -> _Decoder:
    fields = _FACT_FIELDS[cls]  # type: ignore[index]
    n = len(fields)
    frozen = cls.__dataclass_params__.frozen and not hasattr(cls, "__post_init__")  # type: ignore[attr-defined]
    if frozen and all(tp is str for _name, tp in fields):
        # a reference: pdd's facts hold 88,000 of them, 9,000 distinct; one object each
        refs: dict[tuple, Any] = {}

        def shared_value(v: Any) -> Any:
            key = tuple(v)
            found = refs.get(key)
            if found is None:
                if len(key) != n or not all(type(x) is str for x in key):
                    raise CodecError(f"a {cls.__name__} of another shape")
                found = refs[key] = cls(*key)
            return found

        return shared_value
    if frozen and all(tp is int for _name, tp in fields):
        # a span (pdd: 152,000, nearly all distinct): its slots set directly, not through the
        # frozen class's generated __init__ (object.__setattr__ per field): 0.9 us, not 1.6 us
        setters = [vars(cls)[name].__set__ for name, _tp in fields]
        new = object.__new__

        def plain(v: Any) -> Any:
            if len(v) != n:
                raise CodecError(f"a {cls.__name__} of another shape")
            o = new(cls)
            for set_, x in zip(setters, v):
                set_(o, x)
            return o

        return plain
    # str fields are shared: module and qualified names repeat in every file's facts (a third
    # of a large tree's decoded facts were copies)
    shared = [i for i, (_name, tp) in enumerate(fields) if tp is str]
    todo = [(i, d) for i, (_name, tp) in enumerate(fields) if (d := _decoder(tp, strings, made)) is not None]
    intern = strings.setdefault

    def rebuild(v: Any) -> Any:
        if len(v) != n:
            raise CodecError(f"a {cls.__name__} of another shape")
        for i in shared:
            s = v[i]
            v[i] = intern(s, s)
        for i, dec in todo:
            v[i] = dec(v[i])
        return cls(*v)

    return rebuild


def _encoder(tp: Any) -> Any:
    """How to write a value of type ``tp`` as JSON (None: as it is)."""
    if tp in (int, str, bool, float):
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in _FACT_FIELDS:  # type: ignore[operator]
        fields = _FACT_FIELDS[tp]  # type: ignore[index]
        names = [name for name, _tp in fields]
        parts: list[Any] = []

        def dataclass_(o: Any) -> list:
            if type(o) is not tp:
                raise CodecError(f"not a {tp.__name__}: {type(o).__name__}")
            if not parts:
                parts.extend(_encoder(t) for _n, t in fields)
            return [getattr(o, name) if enc is None else enc(getattr(o, name)) for name, enc in zip(names, parts)]

        return dataclass_
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        inner = _encoder(args[0] if args[1] is type(None) else args[1])
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin in (list, tuple):
        inner = _encoder(args[0]) if (origin is list or args[1:] == (Ellipsis,)) else None
        if origin is tuple and args[1:] != (Ellipsis,):
            encs = [_encoder(a) for a in args]
            return lambda v: [x if e is None else e(x) for e, x in zip(encs, v)]
        return list if inner is None else (lambda v: [inner(x) for x in v])
    if origin is frozenset:
        return sorted  # a set's order differs between processes: sorted, the hash is stable
    if origin is dict:
        value = _encoder(args[1])
        if args[0] is str:
            return None if value is None else (lambda v: {k: value(x) for k, x in v.items()})
        return lambda v: [[k, x if value is None else value(x)] for k, x in v.items()]
    raise CodecError(f"no facts encoding for {tp!r}")


_FACT_FIELDS = _facts_types()
_ENCODE_FACTS = _encoder(_facts.FileFacts)
_FACTS_DECODER: list[Any] = [None, None]  # the strings table of the last decoder made, and that decoder


def dumps_facts(facts: _facts.FileFacts) -> bytes:
    """One file's facts as JSON, by their schema (deterministic: equal facts, equal bytes)."""
    return json.dumps(_ENCODE_FACTS(facts), separators=(",", ":")).encode()


def loads_facts(data: bytes | str, strings: dict[str, str] | None = None) -> _facts.FileFacts:
    """The inverse of ``dumps_facts``; CodecError on anything else. ``strings``: one object per distinct string across the facts decoded."""
    if strings is None:
        strings = {}
    if _FACTS_DECODER[0] is not strings:  # made once per table (the cache's is one per process)
        _FACTS_DECODER[:] = [strings, _decoder(_facts.FileFacts, strings, {})]
    decode = _FACTS_DECODER[1]
    try:
        value = json.loads(data)
        if type(value) is not list:
            raise CodecError("not facts")
        return decode(value)
    except CodecError:
        raise
    except Exception as e:  # any other shape: a spoiled or foreign entry
        raise CodecError(f"not facts: {type(e).__name__}") from e
