"""Where a written configuration value comes from, and whether it can differ between requests.

A process-wide setting is only a cross-request hazard when two requests can want different
values in it. The facts record, per client-config write, where its value comes from
(``Access.source``): request data (the current request's proxy), a value not known, a
process-wide fact (an environment variable, the operator's terminal, a file or a module
constant), the global's own saved value (a restore) or a literal; and the parts that the whole
project decides (``Access.depends``): a parameter of the function, an attribute of the instance,
the result of a call.

This layer follows those parts across functions, over summaries (never the trees again):

- a call of a project function is what its returns are, each parameter the function passes
  through replaced by what this call passes for it (``_sanitize_api_key(input(...))`` is the
  operator's terminal; ``_bridged_token_dir()``, a folder under the user's home, is process-wide);
- a parameter is the join of what every caller passes, when the callers are known: the function
  has callers outside tests (another program's, a script or an evaluation driver, count: they are
  no evidence of concurrency, but they decide what is passed; not when they are all scripts of
  other programs, run as ``__main__`` and imported by nothing: a library's examples are a few
  runs of its users, who pass their own values), no decorator (a route, a
  registration: called by a framework), is not started where the arguments are not seen (a
  spawn that forwards them, ``Thread(target=f, kwargs=k)`` or ``pool.submit(f, a)`` outside a
  loop, is a call of ``f``: ``FunctionFacts.spawn_calls``), registered as a callback nor
  handed on as a value (``FileFacts.escapes``; passed to a project function, only if that
  parameter escapes there: ``FunctionFacts.escaping``). Otherwise it is request data, as a
  handler's parameter is. A function handed to parameters that are only called, passed on to
  such parameters, looked at or sent with a process pool's jobs (``FunctionFacts.relayed``) is
  called where they are called (an evaluation driver's ``process_instance``, run per row with
  the driver's settings), and a caller that runs only in a worker process is left out: what it
  passes stays in that process. What start-up code passes (``one_time``: the command line's entry and
  what only it calls; not a call in a loop or a lambda, which runs many times) is computed once
  per process: a process-wide value whatever it is made of, the same in every run it starts.
  The command-line entry itself (``fire.Fire(main)``, directly or through a wrapper) is given
  the command line, a process-wide value;
- ``self.x`` is the join of what every method that sets or fills it stores (``self.x = x`` in
  ``__init__``: what the constructions pass; ``self.keys[k] = v``), what every write from
  outside the class stores (``cfg.x = v``; ``setattr(cfg, key, value)`` with a name not known
  may set any attribute, unless its name starts with a literal prefix or its object is of an
  unrelated class; a module's string constant names one; one whose object's class is not known
  either is no evidence of what this class holds), and, for a field of a class built without a
  project ``__init__`` (pydantic, dataclass), what every construction passes for it
  (``**toml_section``: a file; a pick from a table of classes, ``{"a": A}[kind](**data)``, is a
  construction too; a holder class's field of this type, however nested, passes its share, and
  an object of the class passed there is not built again: a local of that class, the one
  argument of that type of a positional construction, a project function's result of that
  class; a plain class's annotation, ``config: AppConfig`` beside ``self.config = config``,
  builds nothing) or the field's default (``Model(streaming=True, **kwargs)`` gives no field
  its ``kwargs`` cannot hold: ``Call.splat_keys``). A field one construction gives and another
  leaves to its default holds two values. A class with no
  visible construction, a decorated one (registered, built by a factory) or one handed on as a
  value (not by a module table no module reads) keeps request data;
- ``self.config.sandbox.url``, each attribute but the last typed with a project class (``config:
  AppConfig``, a field ``sandbox: SandboxConfig``), is what every construction of the last
  class gives that field, whichever object the instance holds (a runtime built by a registry
  still reads the deployment's file); so is ``settings.region`` of a parameter ``settings:
  Settings`` (a route's ``Depends(get_settings)``: whichever object arrives, its field is one
  that some construction or writer gave it; a class nothing in the project builds, a request
  body the framework makes, keeps request data); ``copy.deepcopy(x)`` and ``SecretStr(x)``
  hold what ``x`` holds, and a validator of a class not known here
  (``plugin.config_model.model_validate(d)``) what ``d`` holds;
- a closure's name (``resolve_value`` reading its enclosing function's ``param_overrides``) is
  what the enclosing function binds it to, resolved there;
- ``with helper() as conn`` of a ``@contextmanager`` generator binds what it yields (its result,
  as a return is: a connection made of the deployment's settings), and a method of such a local
  with process-wide arguments (a query keyed by a literal) reads stored settings, the same for
  every request.

A variable named at run time by the function's parameters (``os.environ[PROVIDER_ENV[provider]]``)
and written a value that varies only with those same parameters (that provider's stored
credential) is keyed alike: each variable only ever gets its own key's value, so racing requests
of two keys write two variables (``_keyed_alike``).

A cycle (recursion) starts from the bottom and is iterated to a fixed point. Then it decides
which writes carry a value that can differ between requests: request data always; a literal or
a process-wide value only when some other write of the same setting writes something else, since
then which one a request sees depends on who wrote last. Two writes write the same thing when
their values are made alike (``_made``: a library's callable given the same literal and
environment arguments, through locals, returns, parameters and attributes), else when their
texts are equal. Not another writer: a restore (part of
the write it undoes), a sibling write of the same function whose branches test only
process-wide facts (one choice per process: ``PDD_ENV`` set to "local", "staging" or "prod"
from other variables, the same in every racing call: unless a parameter the branches test is
passed from two places, such as two launches passing two literals), and a write in a script no project module
imports (its own process, which the server's requests never share). Test code writes what it
likes and is not counted.

Last, who reads an environment variable a request's value is written to (``unread_variable``):
the value handed to calls (``Access.given``, into project functions through
``FunctionFacts.passes``, and back out as an object a project function builds with it and
returns, kept in a session slot the program's calls are handed: ``_carried_slots``), and every
other call of the program that may fall back to the
environment (a third-party client or tool given no credential, a library not known, a process
inheriting the environment; a method of an object a call of the program makes is that call's)
or a read of the variable (``FileFacts.env_reads``). A credential variable the program reads
only through accessors of its own that never run (``dead_variable``: a private method taking the
variable's name as a parameter's default, which nothing calls) is read by nothing either, when
no library the program calls is named for its service.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Iterable

from linter.analysis import catalog as cat
from linter.analysis.facts import Access, Call, ClassFacts, FileFacts, Ref
from linter.diagnostics import Loc, Text, join, text
from linter.model.context import Context, cached_without_arguments
from linter.model.func import Func, bound_method, parameter_for


@dataclass(frozen=True, slots=True)
class ConfigValue:
    """Why a write's value can differ between requests."""

    request_data: bool  # the value itself is per-request data (not a clash of two fixed values)
    reason: Text  # evidence: "the value `req.key` comes from parameter `req`"


def setting(access: Access) -> tuple[str, str]:
    """The setting a write sets: the target, and for the environment the variable (``""``:
    a variable the code computes, compared only with other such writes)."""
    return (access.target, access.key if access.target in (cat.ENVIRON, "os.putenv", "os.unsetenv") else "")


def kind(source: str) -> str:
    """"literal", "process", "saved", "request" or "unknown" (also for facts without a source)."""
    return source.split(":", 1)[0] or "unknown"


# a resolved value: its source ("<kind>:<why>"), and the parameters of the function it is asked
# in that it still depends on (a return summary keeps them open: each call fills them in)
Resolved = tuple[str, frozenset[str]]
_RANK = {"literal": 0, "process": 1, "saved": 2, "unknown": 3, "request": 3}
_BOTTOM: Resolved = ("literal:", frozenset())
# decorators that do not hand the function to a framework: its visible callers are its callers
# decorators whose wrapper calls the function with the caller's own arguments (a
# ``@contextmanager`` generator is run by ``with helper(x):`` with that ``x``): its callers are
# still the ones the call graph sees
_PLAIN_DECORATORS = frozenset(
    [
        "staticmethod", "classmethod", "property", "functools.wraps", "typing.override", "abc.abstractmethod",
        *cat.CACHE_DECORATORS, *cat.CONTEXTMANAGER_DECORATORS,
    ]
)
_STDLIB = frozenset(sys.stdlib_module_names)
# library bases that add no construction from fields (a class on them builds what its ``__init__`` says)
_PLAIN_BASES = frozenset(["object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol"])
_MAX_WHY = 240  # evidence stays readable when a value is followed through many callers


def _stronger(a: str, b: str) -> str:
    return b if _RANK[kind(b)] > _RANK[kind(a)] else a


def _join(a: Resolved, b: Resolved) -> Resolved:
    source = _stronger(a[0], b[0])
    return (source, frozenset() if _RANK[kind(source)] == 3 else a[1] | b[1])


class ConfigValues(Context):
    def __init__(self, files: Iterable[FileFacts]) -> None:
        super().__init__(files)
        self._memo: dict[tuple, Resolved] = {}  # final answers
        self._approx: dict[tuple, Resolved] = {}  # answers of the last round, for cycles
        self._stack: list[tuple] = []
        self._tentative: set[tuple] = set()  # computed while a cycle was open: asked again
        self._wants: set[tuple[str, str]] = set()
        self._param_wants: set[tuple[str, str]] = set()  # (function id, parameter)
        self._programs_of: dict[str, list[FileFacts]] = {}
        self._unset: dict[tuple[str, str, str], bool] = {}  # ``_never_set``

    @property
    def provenance_wants(self) -> set[tuple[str, str]]:
        """What the answers so far could not see, for the demand rounds (``analysis/needs.py``):
        ("definition", qualified name), ("callers", function id), ("mentions", class name)."""
        return self._wants | {("callers", fid) for fid, _name in self._param_wants} | {("definition", n) for n in self.launch_wants}

    @cached_property
    def _config_writes(self) -> dict[tuple[str, str], list[tuple[FileFacts, Func, Access]]]:
        """Every non-test client-config write of the project, by the setting it sets."""
        out: dict[tuple[str, str], list[tuple[FileFacts, Func, Access]]] = {}
        for f in self.files:
            if f.is_test:
                continue
            for fn in f.functions.values():
                for access in fn.config_writes:
                    out.setdefault(_environ_as_one(setting(access)), []).append((f, Func(f, fn), access))
        return out

    # ------------------------------------------------------------ provenance
    def value_of(self, func: Func, access: Access) -> str:
        """Where the value ``access`` writes comes from, followed across functions."""
        return self._fixpoint(("write", func.id, access.span), lambda: self._resolve(func, access.source, access.depends, closed=True))[0]

    def _fixpoint(self, key: tuple, compute) -> Resolved:  # type: ignore[no-untyped-def]
        """``compute()``, asked again while a cycle it went through changes (a lattice of four
        levels: a few rounds at most)."""
        for _ in range(6):
            self._tentative.clear()
            result = compute()
            if not self._tentative:
                return result
            before = dict(self._approx)
            self._approx.update({k: self._memo.pop(k) for k in list(self._memo) if k in self._tentative})
            if before == self._approx:
                return result
        return result

    def _ask(self, key: tuple, compute) -> Resolved:  # type: ignore[no-untyped-def]
        if key in self._memo:
            if key in self._tentative:
                self._tentative.update(self._stack)  # built on a value the round may still raise
            return self._memo[key]
        if key in self._stack:  # a cycle: its value so far (the bottom the first time)
            self._tentative.update(self._stack[self._stack.index(key) :])
            return self._approx.get(key, _BOTTOM)
        self._stack.append(key)
        try:
            result = compute()
        finally:
            self._stack.pop()
        if key in self._tentative:
            self._approx[key] = result
            self._tentative.update(self._stack)  # every asker used a value the round may raise
        self._memo[key] = result
        return result

    def _resolve(self, func: Func, source: str, depends: Iterable[str], closed: bool) -> Resolved:
        """``source`` joined with what each dependency resolves to, in ``func``. ``closed``: its
        parameters are resolved through its callers; else they are kept (a return summary)."""
        best: Resolved = (source or "unknown:a value not visible here", frozenset())
        for dep in depends:
            if _RANK[kind(best[0])] == 3:
                break
            what, _, rest = dep.partition(":")
            if what == "p":
                part = self._param(func, rest) if closed else ("literal:", frozenset([rest]))
            elif what == "a":
                part = self._attribute(func, rest)
            elif what == "t":
                part = self._typed_parameter(func, rest, closed)
            elif what == "o":
                part = self._enclosing(func, rest)
            elif what == "g":
                part = self._storage_value(rest)
            elif what == "m":
                part = self._imported_value(rest)
            elif what == "f":
                part = self._ask(("fill", func.id, rest), lambda: self._call_fill(func, rest))
                if closed and part[1]:
                    opened, part = part[1], (part[0], frozenset())
                    for p in sorted(opened):
                        part = _join(part, self._param(func, p))
            else:
                part = self._ask(("call", func.id, rest), lambda: self._call_result(func, rest))
                if closed and part[1]:
                    opened, part = part[1], (part[0], frozenset())
                    for p in sorted(opened):
                        part = _join(part, self._param(func, p))
            best = _join(best, part)
        return best

    def _call_result(self, func: Func, dep: str) -> Resolved:
        """The result of the call ``dep`` names in ``func``: the callee's return summary with
        this call's arguments, in ``func`` (its own parameters kept open)."""
        where, _, shown = dep.partition(":")
        fallback = f"the result of `{shown}()`"
        index = int(where) if where.lstrip("-").isdigit() else -1
        call = func.facts.calls[index] if 0 <= index < len(func.facts.calls) else None
        if call is None:
            return (f"unknown:{fallback}", frozenset())
        built = self._built_class(call) or self._own_nested_class(func, call)
        if built:
            # ``Config(**final)``: an object made of these arguments (not what ``__init__`` returns)
            out = _BOTTOM
            for _key, source, deps in call.args:
                out = _join(out, self._resolve(func, source, deps, closed=False))
            return out
        callee = self.resolve_function(call.callee, func)
        if callee is None and call.callee.kind == "name":
            self._wants.add(("definition", call.callee.name))
        root, dot, _ = shown.partition(".")
        if callee is None and call.callee.kind == "name" and dot and root in func.facts.params and root not in ("self", "cls"):
            # ``sub_config.__class__.model_fields.items()`` of a parameter typed with a library's
            # class: a method of the value passed, which that value and the arguments make
            out = ("literal:", frozenset([root]))
            for _key, source, deps in call.args:
                out = _join(out, self._resolve(func, source, deps, closed=False))
            return out
        if callee is None and _library_class(call.callee):
            # ``OpenAI(model="gpt-4o-mini")``, ``HuggingFaceEmbedding(model_name=...)``: a library's
            # object made of these arguments (issue 19: LlamaIndex's Settings hold such objects; one
            # built alike for every request is the same setting for all of them)
            out = ("literal:", frozenset())
            for _key, source, deps in call.args:
                out = _join(out, self._resolve(func, source, deps, closed=False))
            return out
        if callee is None or callee.facts.is_generator and not cat.CONTEXTMANAGER_DECORATORS.intersection(callee.facts.decorators):
            if call.callee.kind == "self" and "." in call.callee.name and func.facts.class_name:
                # ``self.key.get_secret_value()``: a method of an attribute's value (not a project
                # object's: that resolves above) is what that value and the arguments are
                attr = call.callee.name.split(".", 1)[0]
                hit = self.attribute(func.file, func.facts.class_name, attr)
                if hit is None or (hit[2].kind == "value" and not hit[2].function):
                    out = self._attribute(func, attr)
                    for _key, source, deps in call.args:
                        out = _join(out, self._resolve(func, source, deps, closed=False))
                    return out
            return (("request:" if call.callee.kind == "self" else "unknown:") + fallback, frozenset())
        if cached_without_arguments(callee):
            # run once for the process (the first caller's arguments): every caller gets that result
            return (f"process:{fallback} (cached once for the process)", frozenset())
        summary = _BOTTOM
        for target in (callee, *self.overrides(callee)):
            summary = _join(summary, self._summary(target))
        out: Resolved = (summary[0], frozenset())
        if kind(summary[0]) != "literal":
            out = (f"{kind(summary[0])}:{fallback}, which returns {_why(summary[0])}", frozenset())
        if _RANK[kind(summary[0])] == 3:
            return out
        for p in sorted(summary[1]):
            passed = self._argument(callee, call, p)
            if passed is None:
                return (f"unknown:{fallback} (its `{p}` is not known here)", frozenset())
            out = _join(out, self._resolve(func, passed[0], passed[1], closed=False))
        return out

    def _imported_value(self, qualified: str) -> Resolved:
        """What another module's name holds, read through an import: a queue hands out what
        other code put there; module-level storage that functions write holds their values;
        anything else stays what the reader's facts say (a process-wide value)."""
        hit = self.binding(qualified)
        if hit is None:
            self._wants.add(("definition", qualified))  # its module may be one the byte scan skipped
            return _BOTTOM
        _f, binding, qual = hit
        short = qualified.rsplit(".", 1)[-1]
        if binding.factory in cat.CHANNEL_FACTORIES:
            return (f"unknown:what the module-level queue `{short}` hands out (other code puts it there)", frozenset())
        if binding.kind == "mutable" and qual in self._written_storage:
            return self._storage_value(qual)
        if binding.kind not in ("value", "mutable"):
            return (f"unknown:`{short}` (module-level mutable storage)", frozenset())
        return _BOTTOM

    def _call_fill(self, func: Func, dep: str) -> Resolved:
        """What the callee of the call ``dep`` names puts into the container passed as one of
        its arguments (``_apply_routing_model_env(cfg, originals)`` saves the environment's own
        values there): its ``fills`` summary for that parameter, with this call's arguments, in
        ``func`` (its own parameters kept open). A callee not known may put anything there."""
        where, _, rest = dep.partition(":")
        key, _, shown = rest.partition(":")
        unknown: Resolved = (f"unknown:a container filled by `{shown}()`", frozenset())
        index = int(where) if where.lstrip("-").isdigit() else -1
        call = func.facts.calls[index] if 0 <= index < len(func.facts.calls) else None
        callee = self.resolve_function(call.callee, func) if call is not None else None
        if call is not None and self._built_class(call):
            # a construction fills an argument only in a project ``__init__`` that does (pydantic,
            # dataclasses and validators copy what they are given)
            callee = self._constructor(call)
            if callee is None:
                return _BOTTOM
        if call is not None and callee is None and call.callee.name in func.facts.relayed:
            # ``process_instance_func(instance, metadata)``: a call of a parameter that is one of
            # the functions the callers hand in, when they are all known
            handed = self._param_functions(func, call.callee.name, set())
            if handed:
                out = _BOTTOM
                for target in handed:
                    out = _join(out, self._fill_by(func, call, target, key, shown))
                return out
        if call is None or callee is None:
            if call is not None and callee is None and call.callee.kind == "name":
                self._wants.add(("definition", call.callee.name))
                # not a project function once every file it could be in is analysed (the demand
                # rounds ask for its definition): a library's (``logger.debug("%s", env)``)
                return _BOTTOM
            return unknown
        return self._fill_by(func, call, callee, key, shown)

    def _param_functions(self, func: Func, param: str, seen: set[tuple[str, str]]) -> list[Func] | None:
        """The project functions the parameter ``param`` of ``func`` may be, when every caller
        in this process hands one in by name or passes on such a parameter of its own
        (``FunctionFacts.relayed``); None when one may pass something else."""
        if (func.id, param) in seen:
            return []
        seen.add((func.id, param))
        callers = [(c, call) for c, call in self._known_callers(func) if not self.process_local(c)]
        if not callers:
            return None
        out: list[Func] = []
        for caller, call in callers:
            named = [self.function_named(name) for key, name in call.hands if parameter_for(func, key) == param]
            if named:
                if None in named:
                    return None
                out.extend(f for f in named if f is not None)
                continue
            passed = [deps for key, _s, deps in call.args if parameter_for(func, key) == param]
            mine = passed[0][0][2:] if len(passed) == 1 and len(passed[0]) == 1 and passed[0][0].startswith("p:") else ""
            if not mine or mine not in caller.facts.relayed:
                return None
            more = self._param_functions(caller, mine, seen)
            if more is None:
                return None
            out.extend(more)
        return out

    def _fill_by(self, func: Func, call: Call, callee: Func, key: str, shown: str) -> Resolved:
        """What ``callee``, run by ``call`` in ``func``, puts into its argument ``key``."""
        unknown: Resolved = (f"unknown:a container filled by `{shown}()`", frozenset())
        param = parameter_for(callee, key)
        if param is None:
            return unknown
        if cached_without_arguments(callee):
            # run once for the process (the first caller's arguments): every caller gets that result
            return (f"process:{fallback} (cached once for the process)", frozenset())
        summary = _BOTTOM
        for target in (callee, *self.overrides(callee)):
            filled = target.facts.fills.get(param)
            if filled is not None:
                summary = _join(summary, self._resolve(target, filled[0], filled[1], closed=False))
        if _RANK[kind(summary[0])] == 3:
            return (f"{kind(summary[0])}:a container filled by `{shown}()` with {_why(summary[0])}", frozenset())
        out: Resolved = (summary[0], frozenset())
        for p in sorted(summary[1]):
            passed = self._argument(callee, call, p)
            if passed is None:
                return unknown
            out = _join(out, self._resolve(func, passed[0], passed[1], closed=False))
        return out

    def _constructor(self, call: Call) -> Func | None:
        """The project ``__init__`` that the construction ``call`` runs, if any."""
        hit = self.resolve_class(call.callee) if call.callee.kind == "name" else None
        return self.method(hit[0], hit[1].name, "__init__") if hit is not None else None

    def _built_class(self, call: Call) -> bool:
        """Whether ``call`` builds an instance of a project class (``Config(**final)``,
        ``cls.model_validate(data)``)."""
        ref = call.callee
        if ref.kind == "self" and ref.name in _VALIDATORS:
            return True
        if ref.kind != "name" or self.function_named(ref.name) is not None:
            return False
        head, _, last = ref.name.rpartition(".")
        return self.resolve_class(ref) is not None or (last in _VALIDATORS and self.resolve_class(Ref("name", head)) is not None)

    @staticmethod
    def _own_nested_class(func: Func, call: Call) -> bool:
        """``self.Valves(...)`` in a method: an instance of a class nested in the method's own
        class, made of these arguments like ``Config(...)``. Open WebUI's pipelines keep their
        settings model so (``self.valves = self.Valves(**{"KEY": os.getenv(...)})``): their
        values were "the result of `self.Valves()`", one false LLM005 in pipelines."""
        ref, cls = call.callee, func.facts.class_name
        return ref.kind == "self" and "." not in ref.name and bool(cls) and f"{cls}.{ref.name}" in func.file.classes

    def _summary(self, func: Func) -> Resolved:
        """What ``func`` returns, its own parameters kept open (pass-through)."""
        return self._ask(("returns", func.id), lambda: self._resolve(func, func.facts.returns or "literal:", func.facts.returns_from, closed=False))

    def _param(self, func: Func, name: str) -> Resolved:
        return self._ask(("param", func.id, name), lambda: self._param_value(func, name))

    def _param_value(self, func: Func, name: str) -> Resolved:
        """The join of what every caller passes for parameter ``name``, if the callers are known.
        The program's command-line entry (``fire.Fire(main)``) is given the command line, once
        per process, and what its visible callers pass; so is a sub-command's handler when the
        parser naming it runs at start-up (``one_time``): a bot that parses each chat message
        with argparse hands its handlers what each member typed."""
        request: Resolved = (f"request:parameter `{name}`", frozenset())
        best: Resolved = _BOTTOM
        if self.spawned.get(func.id, (None, ""))[1] == "command-line entry" and self.one_time(func):
            best = (f"process:parameter `{name}` (the command line: {func.label} is the program's command-line entry)", frozenset())
            callers = [(c, call) for c, call in self.value_callers.get(func.id, []) if call.span != c.facts.span]
        else:
            # a caller that runs only in a worker process (a process-pool task: ``pool.imap(work,
            # jobs)`` unpacking each job into ``run_one(*job)``) passes its values to that process's
            # own copy of the function: what it writes there is not this process's
            callers = [(c, call) for c, call in self._known_callers(func) if not self.process_local(c)]
            if not callers:
                if self._open_function(func) is None and "<locals>" not in func.facts.qualname:
                    # no caller seen: files the byte scan skipped may hold them all (a route module
                    # that mentions no client library)
                    self._param_wants.add((func.id, name))
                return request
        if "<locals>" not in func.facts.qualname:
            # files the byte scan skipped may call it too. Only asked while the callers seen
            # pass nothing that varies: one that does decides already (more callers only add),
            # and asking for every followed parameter analysed 10% more files of pdd
            self._param_wants.add((func.id, name))
        for caller, call in callers:
            passed = self._argument(func, call, name)
            value = self._resolve(caller, passed[0], passed[1], closed=True) if passed is not None else (f"unknown:what {caller.label} passes", frozenset())
            if _RANK[kind(value[0])] == 3 and not call.repeated and self.one_time(caller):
                # start-up code (the command line's entry, what only it calls) computes it once per
                # process: every run it starts is handed that one value, not a request's
                value = (f"process:what start-up code {caller.label} passes, once per process ({_why(value[0])})", frozenset())
            if _RANK[kind(value[0])] == 3:
                self._param_wants.discard((func.id, name))
                if passed is None:
                    return request
                return (f"{kind(value[0])}:parameter `{name}` ({caller.label} passes {_why(value[0])})", frozenset())
            best = _join(best, value)
        if kind(best[0]) == "literal":
            return best
        return (f"{kind(best[0])}:parameter `{name}` (its callers pass {_why(best[0])})", frozenset())

    def _known_callers(self, func: Func) -> list[tuple[Func, Call]]:
        """The callers of ``func`` when they are all it has, else [] (see the module doc)."""
        if self._open_function(func) is not None:
            return []
        relayed = self._relayed_callers.get(f"{func.file.module}.{func.facts.qualname}", [])
        callers = [(c, call) for c, call in (*self.value_callers.get(func.id, []), *relayed) if call.span != c.facts.span]
        # a library module's own demo is no caller of the library's (``Context.self_test``):
        # AdalFlow's GoogleGenAIClient, built without a key by its module's demo, is the
        # library's client for any key its users pass
        kept = [(c, call) for c, call in callers if not self.self_test(c, func.file, func.facts.qualname)]
        if not kept and callers:
            return []
        callers = kept
        if callers and all(self._script_of_a_user(c.file, func.file) for c, _call in callers):
            # only scripts of other programs call it (a library's class built by its examples):
            # each is one run of one of its users, who pass what they like (storm's GoogleModel,
            # built by an example with the key in its environment, is a library's model class)
            return []
        return callers

    def _script_of_a_user(self, file: FileFacts, library: FileFacts) -> bool:
        """``file`` is a script of another program than ``library``'s: run as ``__main__``,
        imported by no project module."""
        return "<main>" in file.functions and not self.same_program(file, library) and not self._importers.get(file.path)

    def _open_function(self, func: Func) -> str | None:
        """Why ``func`` may be called from where the call graph cannot see, or None."""
        if func.file.is_test or func.facts.qualname in ("<module>", "<main>"):
            return "not a function"
        unseen = self._reached_unseen(func)
        if unseen is not None:
            return unseen
        klass = func.file.classes.get(func.facts.class_name) if func.facts.class_name else None
        if klass is not None and (self._class_open(func.file, klass)):
            return "built where the call graph cannot see"
        if any(self._super_hidden(o) for o in self.overrides(func)):
            # an override may call it through ``super()`` with what it was given, where the call
            # graph does not see it (a class of several bases: a cooperative chain may go on to
            # another base's method than the first one of the MRO, the one ``super()`` resolves to)
            return "overridden"
        return None

    def _reached_unseen(self, func: Func) -> str | None:
        """Why ``func`` itself may run where the call graph cannot see (a decorator that may
        register or wrap it, or the function handed on as a value), or None."""
        if any(d not in _PLAIN_DECORATORS and not self._calling_decorator(d) for d in func.facts.decorators):
            return "decorated"
        if func.id in self.unseen_spawns or func.id in self.callbacks or func.id in self._escaped_functions:
            return "handed on"  # (a spawn that forwards its arguments is a call: ``spawn_calls``)
        return None

    def _calling_decorator(self, decorator: str) -> bool:
        """Whether ``decorator`` is a project decorator whose wrapper calls the function it
        wraps and registers nothing (AIOS's ``@validate(LLMParams)``: ``wrapper(**kwargs)``
        builds the model from them and calls ``func(params)``): the function's callers are
        the call graph's, each passing what the wrapper is given (``_argument``)."""
        found = self.function_named(decorator)
        if found is None:
            self._wants.add(("definition", decorator))  # its module may be one the byte scan skipped
            return False
        prefix = f"{found.facts.qualname}.<locals>."
        nested = [fn for q, fn in found.file.functions.items() if q.startswith(prefix)]
        if any(fn.registrations or fn.spawns for fn in (found.facts, *nested)):
            return False
        for fn in nested:
            outer = found.file.functions.get(fn.qualname.rpartition(".<locals>.")[0])
            if outer is not None and any(c.callee.kind == "local" and c.callee.name in outer.params for c in fn.calls):
                return True
        return False

    def _super_hidden(self, override: Func) -> bool:
        """Whether a ``super().m(...)`` in ``override`` may call the overridden method unseen:
        ``Ref("super")`` resolves to one method, which is the one called in a class of one base."""
        klass = override.file.classes.get(override.facts.class_name)
        return klass is None or len(klass.bases) != 1

    def _argument(self, func: Func, call: Call, name: str) -> tuple[str, tuple[str, ...]] | None:
        """What ``call`` passes for parameter ``name`` of ``func`` (its default when omitted),
        or None when that is not known (an unpacked sequence, a dynamic keyword mapping)."""
        sig = func.facts.signature
        params = [p for p in sig]
        explicit = call.args[:1] and call.args[0][0] == "0" and call.args[0][1] == "request:parameter `self`"
        if bound_method(func.facts) and params and params[0][1] == "pos" and not explicit:
            params = params[1:]  # ``self`` / ``cls``: the receiver, not an argument (``Base.__init__(self, x)`` passes it)
        positional = [p[0] for p in params if p[1] == "pos"]
        entry = next((p for p in params if p[0] == name), None)
        if entry is None:
            return None
        if any(d not in _PLAIN_DECORATORS for d in func.facts.decorators):
            # a project decorator's wrapper (``_calling_decorator``) may pass on a value built
            # from any of the caller's arguments: the parameter holds what they all hold
            return _join_all([(source, deps) for _key, source, deps in call.args]) if call.args else None
        named = {p[0] for p in params}
        extra: list[tuple[str, tuple[str, ...]]] = []  # what a ``*args`` / ``**kwargs`` collects
        stars: list[tuple[str, tuple[str, ...]]] = []  # ``*seq`` / ``**mapping`` passed
        for key, source, deps in call.args:
            if key.isdigit():
                i = int(key)
                if i < len(positional):
                    if positional[i] == name and entry[1] == "pos":
                        return (source, deps)
                elif entry[1] == "*":
                    extra.append((source, deps))
            elif key in ("*", "**"):
                stars.append((source, deps))
            elif key == name and entry[1] != "**":
                return (source, deps)
            elif entry[1] == "**" and key not in named:
                extra.append((source, deps))
        if entry[1] in ("*", "**") or stars:
            return _join_all(extra + stars)  # nothing collected: an empty tuple or dict
        return (entry[2], ()) if entry[2] else None

    def _attribute(self, func: Func, name: str) -> Resolved:
        klass = func.file.classes.get(func.facts.class_name)
        if klass is None:
            return (f"request:`self.{name.partition('.')[0]}` (a per-instance attribute)", frozenset())
        name, _, chain = name.partition(".")
        if chain:
            field = self._typed_field(func.file, klass, name, chain)
            if field is not None:
                # ``self.config.sandbox.env``: whatever ``config`` object this instance holds, its
                # ``sandbox.env`` is one some construction of the field's class gave it
                f, k, last = field
                value = self._ask(("attr", f.module, k.name, last, False), lambda: self._attribute_value(f, k, last))
                shown = f"`self.{name}.{chain}` (a {k.name}'s `{last}`)"
                return (value[0].replace(f"`self.{last}`", shown, 1), value[1])
        # read while the object is built (pydantic's ``model_post_init``, a dataclass's
        # ``__post_init__``, ``__init__``): what other code sets on it later cannot be read there
        building = func.facts.qualname.rsplit(".", 1)[-1] in cat.CONSTRUCTION_HOOKS
        return self._ask(
            ("attr", func.file.module, klass.name, name, building),
            lambda: self._attribute_value(func.file, klass, name, building),
        )

    def _enclosing(self, func: Func, dep: str) -> Resolved:
        """A closure's name (``o:<dep>``): ``dep`` resolved in the enclosing function, its
        parameters through its callers."""
        outer = func.file.functions.get(func.facts.qualname.rpartition(".<locals>.")[0])
        if outer is None:
            return (f"unknown:a name of the function enclosing `{func.facts.qualname}`", frozenset())
        return self._resolve(Func(func.file, outer), "literal:", [dep], closed=True)

    def _typed_parameter(self, func: Func, dep: str, closed: bool) -> Resolved:
        """``cfg.llms`` of a parameter ``cfg: AppConfig`` (``t:cfg|<class>|llms``): what that field
        holds in any instance of the class (its constructions, its methods' stores, writes from
        outside), as for ``self.config.llms``; the parameter itself when the class is not the
        project's or the chain's fields are not typed with project classes."""
        param, cls, chain = dep.split("|", 2)
        passed = self._param(func, param) if closed else ("literal:", frozenset([param]))
        if _RANK[kind(passed[0])] < 3:
            return passed  # what the callers pass decides already (or, in a summary, will)
        hit = self.resolve_class(Ref("name", cls))
        if hit is None:
            self._wants.add(("definition", cls))  # its module may be one the byte scan skipped
        elif not self._sites(hit[0], hit[1]):
            # an object the project never builds visibly (a request body the framework makes, a
            # container's ``Settings``): what it holds is not known here
            self._wants.add(("mentions", hit[1].name.rsplit(".", 1)[-1]))
            return passed
        first, _, more = chain.partition(".")
        field = (hit[0], hit[1], first) if hit is not None and not more else None
        if hit is not None and more:
            field = self._typed_field(hit[0], hit[1], first, more)
        if field is None:
            return passed
        f, k, last = field
        value = self._ask(("attr", f.module, k.name, last, False), lambda: self._attribute_value(f, k, last))
        if _RANK[kind(value[0])] == 3:
            return passed  # both say it varies: the parameter is the plainer evidence
        return (value[0].replace(f"`self.{last}`", f"`{param}.{chain}` (a {k.name}'s `{last}`)", 1), value[1])

    def _class_named(self, file: FileFacts, factory: str) -> tuple[FileFacts, ClassFacts] | None:
        """The project class a binding's factory or type names (a bare name is ``file``'s own)."""
        return self.resolve_class(Ref("name", factory if "." in factory else f"{file.module}.{factory}"))

    def _typed_field(self, file: FileFacts, klass: ClassFacts, name: str, chain: str) -> tuple[FileFacts, ClassFacts, str] | None:
        """The class and field that ``self.<name>.<chain>`` reads when every attribute but the
        last is typed with a project class (``self.config = config`` with ``config:
        AppConfig``, a field ``sandbox: SandboxConfig``), else None."""
        parts = [name, *chain.split(".")]
        f, k = file, klass
        for part in parts[:-1]:
            hit = self.attribute(f, k.name, part)
            if hit is None or hit[2].kind != "value" or not hit[2].factory or hit[2].function:
                return None
            typed = self._class_named(hit[0], hit[2].factory)
            if typed is None:
                return None
            f, k = typed
        return f, k, parts[-1]

    def _attribute_value(self, file: FileFacts, klass: ClassFacts, name: str, building: bool = False) -> Resolved:
        """What ``self.<name>`` holds in an instance of ``klass`` (or of a subclass): every
        method's store, and for a field the constructions (see the module doc). ``building``:
        read by a construction hook, before any code outside the class can set it."""
        request: Resolved = (f"request:`self.{name}` (a per-instance attribute)", frozenset())
        best: Resolved = _BOTTOM
        outside: Resolved | None = None
        if not building:
            # set from outside the class too (``config.region = r``, ``setattr(cfg, key, value)``):
            # it also holds what those writes store. Cited only when the class's own stores and
            # constructions vary less: a generic ``setattr(obj, key, value)`` somewhere is weaker
            # evidence than a construction's argument (EvoAgentX's model config cited a dspy
            # ``copy(**kwargs)`` override for keys its users pass)
            for func, source, deps in self._outside_writes(file, klass, name, unknown=False):
                stored = self._resolve(func, source, deps, closed=True) if func is not None else ("unknown:a value not visible here", frozenset())
                if _RANK[kind(stored[0])] == 3:
                    why = f"{func.label if func is not None else 'a module'} stores {_why(stored[0])}"
                    outside = (f"{kind(stored[0])}:`self.{name}` (a per-instance attribute, also set from outside the class: {why})", frozenset())
                    break
                best = _join(best, stored)
        if outside is not None:
            request = outside  # more specific than "a per-instance attribute"
        prop = self.method(file, klass.name, name)
        if prop is not None:
            if "property" not in prop.facts.decorators and "functools.cached_property" not in prop.facts.decorators:
                return request
            return self._resolve(prop, prop.facts.returns or "literal:", prop.facts.returns_from, closed=True)
        classes = self._family(file, klass)
        found = False
        for f, k in classes:
            for method, source, deps in k.attribute_sources.get(name, ()):
                found = found or not method.startswith("+")  # a fill alone: made where the class cannot see
                if not method:
                    continue  # a field default: counted below, when a construction omits it
                fn = f.functions.get(method.lstrip("+"))
                if fn is None:
                    return request
                best = _join(best, self._resolve(Func(f, fn), source, deps, closed=True))
            if _RANK[kind(best[0])] == 3:
                return (f"{kind(best[0])}:`self.{name}`, set from {_why(best[0])}", frozenset())
        if not found:
            return request
        fields = [(f, k, e) for f, k in classes for e in k.attribute_sources.get(name, ()) if not e[0]]
        if fields:
            built = self._field_value(file, klass, name, fields)
            best = _join(best, built)
        if outside is not None and _RANK[kind(best[0])] < 3:
            return outside
        if kind(best[0]) == "literal":
            return best
        return (f"{kind(best[0])}:`self.{name}`, set from {_why(best[0])}", frozenset())

    def _family(self, file: FileFacts, klass: ClassFacts) -> list[tuple[FileFacts, ClassFacts]]:
        """``klass``, its bases and its subclasses: the classes whose code an instance may run."""
        return list(self.mro(file, klass)) + self._subclasses.get(f"{file.module}:{klass.name}", [])

    def _field_argument(self, caller: Func, call: Call, name: str) -> tuple[bool, tuple[str, tuple[str, ...]] | None] | None:
        """What construction ``call`` passes for the field ``name``: (given by its keyword, the
        argument), (False, a ``**mapping`` that may hold it), (False, None) when it leaves the
        default; None when positional arguments may fill it (their order is not recorded)."""
        passed = None
        for key, source, deps in call.args:
            if key == name:
                return (True, (source, deps))
            if key.isdigit() or key == "*":
                return None
            if key == "**" and passed is None and self._splat_may_hold(caller, call, name, 0):
                passed = (source, deps)  # ``Model(streaming=True, **kwargs)``: only if ``kwargs`` may hold it
        return (False, passed)

    def _field_value(self, file: FileFacts, klass: ClassFacts, name: str, fields: list) -> Resolved:  # type: ignore[type-arg]
        """A field with a class-body default, in a class built without a project ``__init__``:
        what each construction passes for it, or the default."""
        request: Resolved = (f"request:`self.{name}` (a per-instance attribute)", frozenset())
        if self.method(file, klass.name, "__init__") is not None:
            return request
        self._wants.add(("mentions", klass.name.rsplit(".", 1)[-1]))
        sites = self._sites(file, klass)
        if sites is None:
            return (f"request:`self.{name}`: {klass.name} is also built where its arguments are not visible (registered, handed on, or a field of such a class)", frozenset())
        if not sites:
            return request
        f0, _k0, (_m, default_source, default_deps) = fields[0]
        default = self._resolve(Func(f0, f0.functions["<module>"]), default_source, default_deps, closed=True)
        best: Resolved = _BOTTOM
        given: Func | None = None  # a construction that gives the field a value of its own
        omitted: Func | None = None  # one that leaves it to the default
        for caller, call in sites:
            argument = self._field_argument(caller, call, name)
            if argument is None:
                return request
            explicit, passed = argument
            if explicit:
                given = given or caller
            elif passed is None:
                omitted = omitted or caller
            value = default if passed is None else self._resolve(caller, passed[0], passed[1], closed=True)
            if _RANK[kind(value[0])] == 3:
                return (f"{kind(value[0])}:the field `{name}` ({caller.label} builds it with {_why(value[0])})", frozenset())
            best = _join(best, value)
        if given is not None and omitted is not None:
            # one construction gives it (``ChatModel(api_base="https://...")``), another leaves the
            # default: the objects hold two values, and each exports its own
            return (f"request:the field `{name}` (given by {given.label}, left to its default by {omitted.label})", frozenset())
        return best

    def _splat_may_hold(self, func: Func, call: Call, name: str, depth: int) -> bool:
        """Whether the ``**mapping`` ``call`` (in ``func``) passes may hold the key ``name``
        (``Call.splat_keys``); for what ``func``'s own ``**kwargs`` collected, whether a caller
        may pass it, by keyword or in a mapping of its own."""
        keys = call.splat_keys
        if "*" in keys or name in keys:
            return True
        if "@" not in keys:
            return False
        self._wants.add(("callers", func.id))  # files the byte scan skipped may call it too
        callers = self._known_callers(func)
        if not callers or depth > 3:
            return True
        for caller, outer in callers:
            if any(key == name for key, _s, _d in outer.args):
                return True
            if any(key == "**" for key, _s, _d in outer.args) and self._splat_may_hold(caller, outer, name, depth + 1):
                return True
        return False

    def _class_open(self, file: FileFacts, klass: ClassFacts) -> bool:
        """Built where the call graph cannot see: registered by a decorator, or handed on."""
        key = f"{file.module}.{klass.name}"
        return any(d not in cat.PLAIN_CLASS_DECORATORS for d in klass.decorators) or key in self._escaped_names or self._handed_on(key)

    def _handed_on(self, name: str) -> bool:
        """Whether a call that passes the function or class ``name`` hands it on: the callee is
        not a project function, or its parameter escapes (``FunctionFacts.escaping``), in it or
        in an override. ``Condenser.register_config(ConfigClass)`` only keys a registry by it."""
        for func, call, key in self._hands.get(name, ()):
            if call.callee.kind == "name":
                self._wants.add(("definition", call.callee.name))  # the byte scan may have skipped it
            callee = self.resolve_function(call.callee, func)
            if callee is None:
                return True
            for target in (callee, *self.implementations(callee), *self.overrides(callee)):
                param = parameter_for(target, key)
                if param is None or param in target.facts.escaping:
                    return True
        return False

    @cached_property
    def _hands(self) -> dict[str, list[tuple[Func, Call, str]]]:
        """Function or class (qualified) -> the non-test calls passing it (``Call.hands``)."""
        out: dict[str, list[tuple[Func, Call, str]]] = {}
        for func in self.functions.values():
            if func.file.is_test:
                continue
            for call in func.facts.calls:
                for key, name in call.hands:
                    out.setdefault(self._canonical(name), []).append((func, call, key))
        return out

    @cached_property
    def _relayed_callers(self) -> dict[str, list[tuple[Func, Call]]]:
        """Function (qualified) -> where it is called, when every call handing it on passes it
        to parameters that are only called, passed on to such parameters or sent to worker
        processes (``FunctionFacts.relayed``): an evaluation driver ``run_evaluation(rows,
        metadata, process_instance)`` calls ``process_instance(row, metadata)`` through its
        helper, with its own values (a helper's caller in a worker process is left out where
        parameters are resolved, ``_param_value``: what it passes stays in that process)."""
        out: dict[str, list[tuple[Func, Call]]] = {}
        for name, hands in self._hands.items():
            if self.function_named(name) is None:
                continue  # a class handed on is built where it is called: its constructions decide
            calls: list[tuple[Func, Call]] | None = []
            for func, call, key in hands:
                callee = self.resolve_function(call.callee, func)
                found = self._relay_calls(callee, key, set()) if callee is not None else None
                if found is None:
                    calls = None
                    break
                calls.extend(found)
            if calls is not None:
                out[name] = calls
        return out

    def _relay_calls(self, callee: Func, key: str, seen: set[tuple[str, str]]) -> list[tuple[Func, Call]] | None:
        """The calls of what the argument ``key`` of a call of ``callee`` (its overrides and
        implementations too) hands in, or None when that parameter escapes otherwise."""
        out: list[tuple[Func, Call]] = []
        for target in (callee, *self.implementations(callee), *self.overrides(callee)):
            param = parameter_for(target, key)
            if param is None or param not in target.facts.relayed:
                return None
            if (target.id, param) in seen:
                continue
            seen.add((target.id, param))
            for call in target.facts.calls:
                if call.callee.kind in ("local", "name") and call.callee.name == param:
                    out.append((target, call))
                    continue
                for k, _source, deps in call.args:
                    if deps != (f"p:{param}",):
                        continue  # not the function itself (``update(result)`` of what a call of it returned)
                    if call.callee.kind == "name" and call.callee.name in cat.FUNCTION_INSPECTORS:
                        continue  # ``callable(fn)``: looked at, not called
                    inner = self.resolve_function(call.callee, target)
                    found = self._relay_calls(inner, k, seen) if inner is not None and k not in ("*", "**") else None
                    if found is None:
                        return None
                    out.extend(found)
        return out

    def _is_a(self, name: str, file: FileFacts, klass: ClassFacts) -> bool:
        """Whether an object of the class ``name`` is a ``klass`` (the class or a subclass)."""
        hit = self.resolve_class(Ref("name", name))
        return hit is not None and any(f.module == file.module and k.name == klass.name for f, k in self.mro(*hit))

    def _plain_class(self, file: FileFacts, klass: ClassFacts) -> bool:
        """Whether no library builds ``klass``'s objects from their fields: every class of its MRO
        is the project's, undecorated, on plain bases (``abc.ABC``). A pydantic model or a
        dataclass holder builds a field's object from what its construction passes; the
        ``config: AppConfig`` annotation of a plain class only says what ``self.config =
        config`` holds (a runtime, or an abstract manager whose subclasses store it)."""
        for _f, k in self.mro(file, klass):
            if k.decorators:
                return False
            for base in k.bases:
                if self.resolve_class(base) is None and (base.kind != "name" or base.name not in _PLAIN_BASES):
                    return False
        return True

    def _returns_existing(self, caller: Func, source: str, deps: tuple[str, ...], file: FileFacts, klass: ClassFacts) -> bool:
        """Whether a value passed is only what a project function returns, and that function
        gives ``klass`` objects (``llm_config=cfg.get_llm_config()``): each was built by a
        construction the project makes, counted where it is made, or is one it already holds."""
        if kind(source) != "literal" or len(deps) != 1 or not deps[0].startswith("c:"):
            return False
        where = deps[0].split(":", 2)[1]
        calls = caller.facts.calls
        if not where.isdigit() or int(where) >= len(calls):
            return False
        callee = self.resolve_function(calls[int(where)].callee, caller)
        if callee is None:
            return False
        made = self.returned_classes(f"{callee.file.module}.{callee.facts.qualname}")
        return bool(made) and all(self._is_a(m, file, klass) for m in made)

    def _canonical(self, name: str) -> str:
        """A class's name as ``_class_open`` keys it (its module's own name, not the longer one an
        import through a namespace package spells), else ``name``."""
        hit = self.resolve_class(Ref("name", name))
        return f"{hit[0].module}.{hit[1].name}" if hit is not None else name

    @cached_property
    def _field_types(self) -> dict[str, list[tuple[FileFacts, ClassFacts, str]]]:
        """Class (qualified) -> the class-body fields of other classes typed with it: pydantic
        builds it from what a construction of that class passes for the field."""
        out: dict[str, list[tuple[FileFacts, ClassFacts, str]]] = {}
        for f in self.files:
            if f.is_test:
                continue
            for klass in f.classes.values():
                for name, b in klass.attributes.items():
                    # a class-body field (one with ``default_factory=`` is per instance)
                    body = b.scope == "class" or any(not m for m, _s, _d in klass.attribute_sources.get(name, ()))
                    if body and b.kind == "value" and b.factory:
                        hit = self._class_named(f, b.factory)
                        if hit is not None:
                            out.setdefault(f"{hit[0].module}.{hit[1].name}", []).append((f, klass, name))
        return out

    def _sites(self, file: FileFacts, klass: ClassFacts, outer: frozenset[str] = frozenset()) -> list[tuple[Func, Call]] | None:
        """Every construction of ``klass``: its calls, and those of the classes with a field of
        its type (what they pass for that field, as a mapping), however deeply nested (a field
        of a field: ``EvalOutput.metadata.llm_config``); None when one is not visible.
        ``outer``: the holders being followed (a class with a field of its own type is built by
        its own constructions, already counted)."""
        key = f"{file.module}.{klass.name}"
        if self._class_open(file, klass):
            return None
        sites = list(self._constructions.get(key, []))
        for f, holder, field in self._field_types.get(key, []):
            hkey = f"{f.module}.{holder.name}"
            if hkey == key or hkey in outer:
                continue
            self._wants.add(("mentions", holder.name.rsplit(".", 1)[-1]))  # where it is built or handed on
            if self._plain_class(f, holder):
                continue  # its annotation only types what its ``__init__`` stores: an object built elsewhere
            if self.method(f, holder.name, "__init__") is not None:
                return None
            held = self._sites(f, holder, outer | {key})
            if held is None:
                return None
            typed = sum(1 for _f, h, _n in self._field_types.get(key, []) if h is holder)
            for caller, call in held:
                existing = {k for k, made in call.instances if self._is_a(made, file, klass)}
                existing.update(k for k, s, d in call.args if self._returns_existing(caller, s, d, file, klass))
                if field in existing or (typed == 1 and any(k.isdigit() for k in existing)):
                    # an object built elsewhere, its construction counted there: not built again.
                    # Positional (``cls(user_id, maker, config)``): the holder's one field of
                    # this type is what the one argument of this type fills
                    continue
                passed = [(k, s, d) for k, s, d in call.args if k == field or k == "**"]
                if any(k.isdigit() or k == "*" for k, _s, _d in call.args):
                    return None
                if passed:
                    # the field's own value, as a mapping of that class's fields: which keys, not known
                    sites.append((caller, replace(call, args=tuple(("**", s, d) for _k, s, d in passed), instances=(), splat_keys=("*",))))
        return sites

    @cached_property
    def _written_storage(self) -> dict[str, list[tuple[Func, Access]]]:
        """Module-level storage some non-test function writes (rebinds, fills or mutates), with
        those writes."""
        out: dict[str, list[tuple[Func, Access]]] = {}
        for f in self.files:
            if not f.is_test:
                for fn in f.functions.values():
                    for w in fn.writes:
                        out.setdefault(w.target, []).append((Func(f, fn), w))
        return out

    def _storage_value(self, qualified: str) -> Resolved:
        """What module-level storage that functions write holds: not known, unless every value
        put there is a setting its writer also saves to the process's configuration file
        (owl's settings page keeps the variables it saved to .env in a table): then it holds
        the process's saved configuration."""
        short = qualified.rsplit(".", 1)[-1]
        writes = self._written_storage.get(qualified, [])
        if not writes:
            return _BOTTOM
        if all(w.how in _EMPTYING or self.saved_setting(func, w) for func, w in writes):
            return (f"process:`{short}` (settings also saved to the process's configuration file)", frozenset())
        return (f"unknown:`{short}` (module-level storage that functions write)", frozenset())

    def saved_setting(self, func: Func, access: Access) -> bool:
        """Whether ``func`` also saves the key and value ``access`` writes to a configuration
        file whose place is the same for every request (``set_key(find_dotenv(), k, v)``): the
        process's own configuration, changed on purpose for every later request (a settings
        page), not one request's value. A file per user or per request is no such change."""
        if not access.saved_to:
            return False
        calls = [d[2:] for d in access.saved_to_from if d.startswith("s:")]
        if calls:
            return any(self._saves_to_file(func, dep) for dep in calls)
        where = self._fixpoint(
            ("saved-to", func.id, access.span), lambda: self._resolve(func, access.saved_to, access.saved_to_from, closed=True)
        )
        return _RANK[kind(where[0])] <= 1

    def _outside_writes(self, file: FileFacts, klass: ClassFacts, name: str, unknown: bool = True) -> list[tuple[Func | None, str, tuple[str, ...]]]:
        """The writes outside an object's own methods that may set ``name`` on an instance of
        ``klass``: by that name, or by a name not known (with its literal prefix, on an object
        of a class related to ``klass`` when the writer's object is known). ``unknown``: also
        a write by a name not known on an object not known (it may set anything, but says
        nothing of what this class holds)."""
        out = list(self._attribute_writes.get(name, ()))
        for pattern, wild in self._attribute_writes.items():
            prefix, star, owner = pattern.partition("*")
            if star and not prefix and not owner and not unknown:
                # ``setattr(obj, key, value)`` on an object of no known class, by no known name,
                # is no evidence of what this class's attribute holds: in the ecosystem check it
                # was the cited evidence of 11 findings, none of them true (GPTDiscord's settings
                # command sets attributes of its text model, cited for every handler's own key)
                continue
            if star and name.startswith(prefix):
                # the owner is spelled as the writer's module imports it: resolved there
                out.extend(w for w in wild if self._may_be(owner[1:], file, klass, w[0].file if w[0] is not None else None))
        return out

    def _may_be(self, owner: str, file: FileFacts, klass: ClassFacts, where: FileFacts | None = None) -> bool:
        """Whether an object ``owner`` names (a class, "()<function>" whose result it is, or ""
        when not known), as written in the module ``where``, may be an instance of ``klass``:
        one class derives from the other."""
        if owner.startswith("()"):
            made = self.function_named(owner[2:])
            owner, where = (made.facts.returns_type, made.file) if made is not None else ("", where)
        hit = self.resolve_class_in(owner, where) if owner else None
        if hit is None:
            if owner:  # its module may be one the byte scan skipped, by any spelling
                self._wants.update(("definition", n) for n in [owner, *(f"{p}.{owner}" for p in (self.enclosing_packages(where) if where is not None and "." in owner else ()))])
            return True
        return any(f.module == file.module and k.name == klass.name for f, k in self.mro(*hit)) or any(
            f.module == hit[0].module and k.name == hit[1].name for f, k in self.mro(file, klass)
        )

    def admin_setting(self, func: Func, access: Access) -> bool:
        """Whether ``access`` is an administrator's change of the server's configuration: it runs
        only for an administrator (``admin_only``), stays set (no restore or removal of the same
        setting after it in ``func``) and no network call follows it in ``func`` (it is not set
        for a call of its own). cognee's settings route returns 403 to anyone but a superuser
        and then updates the instance's LLM key; AGiXT's test-email route, as admin-only,
        overrides the provider around a send and puts it back: that still races every other
        request's email."""
        key = setting(access)
        after = [w for w in func.facts.config_writes if w.order > access.order and setting(w) == key]
        if any(w.how in _REMOVALS or kind(w.source) == "saved" for w in after):
            return False
        if any(call.order > access.order and self.network_call(func, call) is not None for call in func.facts.calls):
            return False
        return self.admin_only(func, access.span.line)

    def admin_only(self, func: Func, line: int, depth: int = 4) -> bool:
        """Whether ``func``'s code at ``line`` runs only for an administrator: past a check in
        ``func`` that turns everybody else away (``FunctionFacts.admin_from``), or called only
        from such places (every caller, when they are all known, a few levels up; tests are no
        evidence either way)."""
        if func.facts.admin_from.end_line and line > func.facts.admin_from.end_line:
            return True
        if depth <= 0:
            return False
        if self._open_function(func) is not None:
            return False
        callers = [(c, call) for c, call in self._known_callers(func) if not c.file.is_test]
        if not all(self.admin_only(c, call.span.line, depth - 1) for c, call in callers):
            return False  # one caller lets anybody in: more callers change nothing
        self._wants.add(("callers", func.id))  # files the byte scan skipped may hold callers, guarded or not
        return bool(callers)

    def _saves_to_file(self, func: Func, dep: str) -> bool:
        """Whether the call ``dep`` names in ``func`` (``<index>:<text>``) runs a project
        function that overwrites a file (``FunctionFacts.writes_file``) whose place, with this
        call's arguments, is the same for every request: gptme's onboarding route hands the key
        to ``set_config_value``, which rewrites the user's TOML configuration. A file per user
        (a path made of the user's id) is not the process's configuration."""
        where, _, _shown = dep.partition(":")
        index = int(where) if where.lstrip("-").isdigit() else -1
        call = func.facts.calls[index] if 0 <= index < len(func.facts.calls) else None
        callee = self.resolve_function(call.callee, func) if call is not None else None
        if call is not None and callee is None and call.callee.kind == "name":
            self._wants.add(("definition", call.callee.name))  # the byte scan may have skipped its module
        place = self._file_place(callee) if call is not None and callee is not None else None
        if call is None or callee is None or place is None:
            return False
        for p in place[1]:  # the callee's parameters: what this call passes decides
            passed = self._argument(callee, call, p)
            if passed is None:
                return False
            place = _join(place, self._fixpoint(("passed", func.id, dep, p), lambda: self._resolve(func, passed[0], passed[1], closed=True)))
        return _RANK[kind(place[0])] <= 1

    def persists(self, func: Func) -> bool:
        """Whether ``func`` overwrites a file at a place the same for every call (its own, or a
        project function's it calls: ``_file_place``): state it also stores there is the app's
        saved data, kept for every user on purpose (text-generation-webui's evaluations table,
        written to ``logs/evaluations.csv`` by the same handler that rebinds it)."""
        place = self._file_place(func)
        return place is not None and not place[1] and _RANK[kind(place[0])] <= _RANK["process"]

    def _file_place(self, func: Func, depth: int = 2) -> Resolved | None:
        """Where ``func`` overwrites a file, its own parameters left open, or None when it writes
        none: its own ``writes_file``, or that of a project function it hands the place to, a
        level or two down (``save_with_backup(path, cfg)`` copies the old file and calls
        ``save(path, cfg)``, which opens ``path`` for writing)."""
        if func.facts.writes_file:
            return self._fixpoint(
                ("writes-file", func.id), lambda: self._resolve(func, func.facts.writes_file, func.facts.writes_file_from, closed=False)
            )
        if depth <= 0:
            return None
        for call in func.facts.calls:
            inner = self.resolve_function(call.callee, func)
            inner_place = self._file_place(inner, depth - 1) if inner is not None and inner.id != func.id else None
            if inner is None or inner_place is None:
                continue
            place: Resolved = (inner_place[0], frozenset())
            for p in inner_place[1]:  # what ``func`` passes for the inner function's open parameters
                passed = self._argument(inner, call, p)
                if passed is None:
                    break
                place = _join(place, self._fixpoint(("place-passed", func.id, call.order, p), lambda: self._resolve(func, passed[0], passed[1], closed=False)))
            else:
                return place
        return None

    @cached_property
    def _attribute_writes(self) -> dict[str, list[tuple[Func | None, str, tuple[str, ...]]]]:
        """Attribute (or a pattern "<prefix>*[@<object's class>]" of a name not known) -> the
        non-test writes outside an object's own methods, each with the function writing it and
        what it stores (``FileFacts.attribute_writes``)."""
        out: dict[str, list[tuple[Func | None, str, tuple[str, ...]]]] = {}
        for f in self.files:
            if f.is_test:
                continue
            for name, qualname, source, deps in f.attribute_writes:
                fn = f.functions.get(qualname)
                if name.startswith("="):  # ``setattr(state, USER_CONTEXT_ATTR, v)``: that constant's string
                    hit = self.split_module(name[1:])
                    if hit is None or hit[1] not in hit[0].constants:
                        self._wants.add(("definition", name[1:]))  # its module may be one the byte scan skipped
                    name = (hit[0].constants.get(hit[1]) if hit is not None else None) or "*"
                out.setdefault(name, []).append((Func(f, fn) if fn is not None else None, source, deps))
        return out

    @cached_property
    def _escaped_names(self) -> set[str]:
        for f in self.files:
            for table, _name in f.table_escapes:
                self._wants.add(("mentions", table))  # a module the byte scan skipped may read it
        return {self._canonical(name) for f in self.files if not f.is_test for name in self.escapes_of(f)}

    @cached_property
    def _escaped_functions(self) -> set[str]:
        handed = {name for name in self._hands if self._handed_on(name) and self._relayed_callers.get(name) is None}
        out = set()
        for name in self._escaped_names | handed:
            func = self.function_named(name)
            if func is not None:
                out.add(func.id)
            hit = self.split_module(name)
            if hit is not None and hit[1] in hit[0].functions:
                out.add(f"{hit[0].module}:{hit[1]}")
        return out

    @cached_property
    def _constructions(self) -> dict[str, list[tuple[Func, Call]]]:
        """Class (qualified) -> the non-test calls that build it (``LLMConfig(...)``, ``cls(...)``
        in its classmethods, ``LLMConfig.model_validate(data)`` as ``**data``)."""
        out: dict[str, list[tuple[Func, Call]]] = {}
        for func in self.functions.values():
            if func.file.is_test:
                continue
            for call in func.facts.calls:
                ref, method = call.callee, ""
                if ref.kind == "self" and ref.name in _VALIDATORS and func.facts.class_name and "classmethod" in func.facts.decorators:
                    ref = Ref("name", f"{func.file.module}.{func.facts.class_name}.{ref.name}")  # ``cls.model_validate(data)``
                if ref.kind != "name":
                    continue
                hit = self.resolve_class(ref)
                if hit is None and ref.name.rsplit(".", 1)[-1] in _VALIDATORS:
                    method = ref.name.rsplit(".", 1)[-1]
                    hit = self.resolve_class(Ref("name", ref.name.rsplit(".", 1)[0]))
                if hit is None:
                    continue
                if method:
                    call = replace(call, args=tuple(("**", s, d) for _k, s, d in call.args[:1]))
                out.setdefault(f"{hit[0].module}.{hit[1].name}", []).append((func, call))
        return out

    def taken_where_set(self, access: Access) -> bool:
        """Whether every object that takes the SDK defaults ``access`` sets is built right after
        such a write, in the same function (``vertexai.init(...)``, then
        ``TextEmbeddingModel.from_pretrained(...)``): each object then holds the values its own
        constructor set, and no instance reads another's (``DEFAULTS_TAKEN_AT_CONSTRUCTION``).
        Two constructions on two threads can still interleave: that needs evidence of threads."""
        readers = cat.DEFAULTS_TAKEN_AT_CONSTRUCTION.get(access.target)
        if readers is None:
            return False
        for module in readers:
            self._wants.add(("mentions", module.rsplit(".", 1)[-1]))  # files the byte scan skipped may build one
        return access.target not in self._defaults_read_later

    def taken_next(self, func: Func, access: Access) -> bool:
        """Whether ``func`` itself builds an object that takes the SDK defaults ``access`` sets,
        after the write (``vertexai.init(...)`` then ``ImageGenerationModel.from_pretrained``
        in one constructor), with no other task of its loop able to run in between: the
        defaults are read before ``func`` returns or suspends. A coroutine that awaits nothing
        between the two (semantic-kernel's Vertex connectors: init, ``GenerativeModel(...)``,
        then ``await model.generate_content_async``) is one step of its loop there."""
        readers = cat.DEFAULTS_TAKEN_AT_CONSTRUCTION.get(access.target, ())
        return any(
            c.callee.kind == "name" and c.order > access.order and _takes_defaults(c.callee.name, readers)
            and not self.suspends_between(func, access.order, c)
            for c in func.facts.calls
        )

    @cached_property
    def _defaults_read_later(self) -> set[str]:
        """The SDK-default setters some object reads without a write before it in its function:
        built with whatever an earlier write, anywhere, left there."""
        out: set[str] = set()
        for f in self.files:
            if f.is_test:
                continue
            for fn in f.functions.values():
                sets = [w.order for w in fn.config_writes if w.target in cat.DEFAULTS_TAKEN_AT_CONSTRUCTION]
                first = min(sets) if sets else None
                for call in fn.calls:
                    name = call.callee.name
                    if call.callee.kind != "name" or name in cat.DEFAULTS_TAKEN_AT_CONSTRUCTION or first is not None and call.order > first:
                        continue
                    for setter, readers in cat.DEFAULTS_TAKEN_AT_CONSTRUCTION.items():
                        if _takes_defaults(name, readers):
                            out.add(setter)
        return out

    def branches_process_wide(self, func: Func) -> bool:
        """Whether every branch of ``func`` tests only literals and process-wide facts: which of
        its writes runs is then the same choice in every call of one process."""
        if not func.facts.branches and not func.facts.branches_from:
            return True
        resolved = self._fixpoint(("branches", func.id), lambda: self._resolve(func, func.facts.branches, func.facts.branches_from, closed=True))
        if _RANK[kind(resolved[0])] > 1:
            return False
        # a literal each caller passes is fixed in the source, but two callers may pass two
        # (a server launched once as the agent, once as the proxy): then each call chooses its own
        return all(self._one_value(func, d[2:]) for d in func.facts.branches_from if d.startswith("p:"))

    def _one_value(self, func: Func, name: str) -> bool:
        """Whether every call of ``func`` gets the same value for its parameter ``name``: all
        its calls pass it from one place (one literal, one expression of one caller, the
        default), followed up through callers that hand on their own parameter or their
        ``**kwargs`` whole (``run(**run_kwargs, is_agent=True)`` into ``def run(**kwargs):
        Thread(target=serve, kwargs=kwargs)``). Two places may hold two values."""
        leaves: set[tuple[str, ...]] = set()
        seen: set[tuple[str, str, bool]] = set()
        todo: list[tuple[Func, str, bool]] = [(func, name, False)]  # (function, name, a key of its ``**`` parameter)
        while todo and len(leaves) < 2:
            f, key, in_mapping = todo.pop()
            if (f.id, key, in_mapping) in seen:
                continue
            seen.add((f.id, key, in_mapping))
            callers = self._known_callers(f)
            if not callers:
                leaves.add(("open", f.id, key))
                continue
            params = [p for p in f.facts.signature if p[1] == "pos"]
            if bound_method(f.facts) and params and params[0][0] in ("self", "cls"):
                params = params[1:]
            position = next((i for i, p in enumerate(params) if p[0] == key), -1) if not in_mapping else -1
            for caller, call in callers:
                mine = {p[0]: p[1] for p in caller.facts.signature}
                explicit = next((a for a in call.args if a[0] == key or (position >= 0 and a[0] == str(position))), None)
                if explicit is not None:
                    _k, source, deps = explicit
                    own = [d[2:] for d in deps if d.startswith("p:")]
                    if len(deps) == 1 and own and mine.get(own[0]) in ("pos", "kw"):
                        todo.append((caller, own[0], False))  # its own parameter, handed on
                    elif kind(source) == "literal" and not deps:
                        leaves.add(("literal", caller.id, str(call.span)))
                    else:
                        leaves.add(("value", caller.id, source, *deps))
                    continue
                splats = [a for a in call.args if a[0] in ("*", "**")]
                if not splats and call.positional >= 0:
                    leaves.add(("default", f.id, key))
                    continue
                if not splats:
                    leaves.add(("open", caller.id, str(call.span)))
                for _k, source, deps in splats:
                    own = [d[2:] for d in deps if d.startswith("p:")]
                    if len(own) == 1 and mine.get(own[0]) == "**":
                        todo.append((caller, key, True))  # its ``**kwargs`` handed on whole
                    else:
                        leaves.add(("mapping", caller.id, source, *deps))
        return len(leaves) <= 1

    @cached_property
    def _imported_modules(self) -> set[str]:
        return {target for f in self.files for target in f.imports.values()}

    def _own_process(self, file: FileFacts, func: Func) -> bool:
        """A write in a script that no project module imports, run from its own ``__main__``:
        its process is not the one serving requests."""
        module = file.module
        if any(t == module or t.startswith(module + ".") for t in self._imported_modules):
            return False
        return self.one_time(func) and func.facts.qualname != "<module>" or func.facts.qualname == "<main>"

    # ------------------------------------------------------------- verdicts
    def never_runs(self, func: Func, access: Access) -> bool:
        """Whether ``access`` sits under ``if self.key:`` (``Access.attr_guards``) with ``key`` a
        field no object ever holds: None by default, given by no construction, stored by no code
        (OpenAgents' ``if self.openai_api_key: openai.api_key = self.openai_api_key``, a field
        nothing gives, cited as the other value of every write of the key)."""
        if not access.attr_guards or not func.facts.class_name:
            return False
        klass = func.file.classes.get(func.facts.class_name)
        return klass is not None and any(self._never_set(func.file, klass, name) for name in access.attr_guards)

    def _never_set(self, file: FileFacts, klass: ClassFacts, name: str) -> bool:
        """Whether no object of ``klass`` (or a subclass) ever holds a value in the field ``name``
        (see ``never_runs``); False whenever that is not known."""
        key = (file.module, klass.name, name)
        if key not in self._unset:
            self._unset[key] = self._unset_field(file, klass, name)
        return self._unset[key]

    def _unset_field(self, file: FileFacts, klass: ClassFacts, name: str) -> bool:
        classes = self._family(file, klass)
        if not any(name in k.none_defaults for _f, k in self.mro(file, klass)):
            return False
        for f, k in classes:
            if any(method for method, _s, _d in k.attribute_sources.get(name, ())):
                return False  # a method stores it
            if self.method(f, k.name, "__init__") is not None:
                return False  # built through a project ``__init__``: its arguments are not the fields
        if self._outside_writes(file, klass, name):
            return False
        built = False
        for f, k in classes:
            self._wants.add(("mentions", k.name))  # where it is built
            sites = self._sites(f, k)
            if sites is None:
                return False
            for caller, call in sites:
                built = True
                if self._field_argument(caller, call, name) != (False, None):
                    return False  # given, maybe given (a mapping, a position)
        return built  # a class the project never builds is its users': they may give it

    def _keyed_alike(self, func: Func, access: Access) -> bool:
        """Whether the value written to a variable named at run time varies only with the
        parameters that name it (open-notebook's ``os.environ[PROVIDER_CONFIG[provider]["env_var"]]
        = _get_default_credential(provider).api_key``): each variable then always gets the value
        of its own key, so racing requests of two keys write two variables, never one another's value."""
        if not access.key_params or not access.depends:
            return False
        source, params = self._resolve(func, access.source, access.depends, closed=False)
        return _RANK[kind(source)] <= _RANK["process"] and bool(params) and params <= set(access.key_params)

    def varying_value(self, func: Func, access: Access) -> ConfigValue | None:
        """Why the value ``access`` writes can differ between requests, or None when every
        request sees the same value (a literal or process-wide fact written everywhere alike, or
        a restore of the saved value, which belongs to the write it undoes). A write that never
        runs (``never_runs``) is no hazard."""
        if self.never_runs(func, access):
            return None
        if self.saved_setting(func, access):
            return None  # saved to the process's configuration store as well: a settings change
        if self._keyed_alike(func, access):
            return None
        source = self.value_of(func, access) if access.depends else access.source
        what = kind(source)
        if what in ("request", "unknown") and self.admin_setting(func, access):
            return None  # set by the instance's administrator and left in place: a settings change
        subject = f"the value `{access.value}`" if access.value else "the value written (unpacked)"
        why = _why(source)
        if what == "request":
            return ConfigValue(True, text(f"{subject} can differ from one request or instance to the next: it comes from {why}"))
        if what == "unknown":
            return ConfigValue(True, text(f"{subject} is not known to be the same for every request: it comes from {why}"))
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
        value = self._same_value(func, access)
        one_choice = None
        for f, other_func, other in self._config_writes.get(_environ_as_one(key), []):
            if other is access or self._same_value(other_func, other) == value or not self.same_program(f, func.file):
                continue  # (another program, an example or a script run from its own folder, is another process)
            if self.never_runs(other_func, other):
                continue  # a branch no object takes
            if other.how in _REMOVALS and any(other is w for w in own):
                continue  # this function's own reset or undo of the write: not another value
            if any(other is w for w in own) and self._same_value(other_func, other)[0] in ("literal", "process"):
                if one_choice is None:
                    one_choice = self.branches_process_wide(func)
                if one_choice:
                    continue  # the same process-wide choice made again: every call picks the same one
            if other_func.file is not func.file and (self._own_process(f, other_func) or self.separate_streamlit_apps(func.file, f)):
                continue  # another process's environment
            if self.one_time(other_func) and not self.one_time(func):
                # set-up code writes before requests are served: then every request writes the
                # same process-wide value, which stays (swarms' bootup sets WORKSPACE_DIR at import,
                # each workflow sets the same default path if it is unset)
                continue
            where: Loc = self.loc(f, other.span)
            other_shown = f"`{other.value}`" if other.value else "another value"
            described = "a literal" if what == "literal" else f"process-wide ({why})"
            return ConfigValue(False, text(f"{subject} is {described}, but it is also written with {other_shown} at ", where))
        return None

    # ------------------------------------------------- who reads a variable
    def unread_variable(self, func: Func, access: Access) -> Text | None:
        """Why nothing in the program reads the environment variable ``access`` writes, or None
        when something may: the written value is handed explicitly to calls (``OpenAIChat(
        api_key=key)``, followed into the project functions it is passed to), and no code of the
        program (the write's file and the project modules it imports or that import it) reads the
        variable by name or the whole environment, starts a process that inherits it, or calls a
        third-party client or tool that is not handed the value, its own credential nor one named
        for another variable the program writes (``E2BTools()`` beside ``E2B_API_KEY``): such a
        call may fall back to the environment. A library not known is such a reader. A method
        of an object the program makes (``client.messages.create`` of ``Anthropic(api_key=k)``)
        is judged at the making."""
        if access.target != cat.ENVIRON or not access.key or not access.given:
            return None
        name = access.key
        files = self._program_files(func.file)
        if any(name in f.env_reads or "*" in f.env_reads for f in files):
            return None
        handed = self._handed(func, access)
        readers = self.environment_readers(access, files, handed)
        if readers:
            return None
        clients = [(f, c) for f, c in self._handed_calls(handed) if _client_library(c.callee.name)]
        shown = sorted(clients, key=lambda fc: (fc[0].path, fc[1].span.line, fc[1].span.column))[:3]
        if not shown:
            return None
        places = join(", ", (text(f"`{c.callee.name.rsplit('.', 1)[-1]}(...)` at ", self.loc(f, c.span)) for f, c in shown))
        return text(
            f"nothing here reads `{name}` from the environment: the value is handed explicitly to ", places,
            ", and every other client or tool is given its own credential or takes none (a library that reads the variable, where"
            " this program does not show it, would still take another request's value)",
        )

    def dead_variable(self, func: Func, access: Access) -> Text | None:
        """Why the credential variable ``access`` writes is read by no code that runs, or None:
        the program reads it only through its own accessors, functions taking the variable's
        name as a parameter's default (``def _get_api_key(self, env_var="USER_MANAGED_ONNX_API_KEY"):
        return os.environ.get(env_var)``) that nothing calls, and by no other name or run-time
        name; and no library the program calls is named for the variable's service. A name the
        program gives its own accessor is its own: another program, a child process running
        something else, does not know it, and a child running this program's code runs the same
        dead accessor. llmware's model classes each write the caller's key to their class's
        ``USER_MANAGED_*`` variable for an accessor most of them never call."""
        if access.target != cat.ENVIRON or access.how != "item":
            return None
        name = access.key or self._named_by_default(func, access.key_params)
        marked = name.upper()
        if not name or not any(m in marked for m in ("_KEY", "_TOKEN", "_SECRET", "_PASSWORD")):
            return None
        vendor = _vendor(name)
        if not vendor:
            return None
        accessors: list[Func] = []
        for f in self._program_files(func.file):
            if name in f.env_reads or "*" in f.env_reads:
                return None  # read by name (or at run time) somewhere: whether that code runs is not known
            for fn in f.functions.values():
                for param in fn.env_key_reads:
                    reader = Func(f, fn)
                    read = self._named_by_default(reader, (param,))
                    if read and read != name:
                        continue
                    if self._may_run(reader):
                        return None  # the accessor runs, or reads a name its callers pass
                    if read:
                        accessors.append(reader)
                for call in fn.calls:
                    if self._named_for(call, vendor):
                        return None  # a library of that service may read it
        if not accessors:
            return None
        shown = join(", ", (text(f"`{a.facts.qualname}` at ", self.loc(a.file, a.facts.span)) for a in accessors[:3]))
        return text(
            f"nothing that runs reads `{name}`: the program reads it only through ", shown,
            ", which nothing calls, and no library it calls is named for the service (a library that reads the "
            "variable by that name, where this program does not show it, would still take another request's value)",
        )

    def _named_by_default(self, func: Func, params: tuple[str, ...]) -> str:
        """The variable a function's one key parameter names by default (``FunctionFacts.
        name_defaults``) when no call of it passes that parameter; "" otherwise."""
        if len(params) != 1:
            return ""
        default = dict(func.facts.name_defaults).get(params[0], "")
        if not default:
            return ""
        self._wants.add(("callers", func.id))  # a module the byte scan skipped may call it
        for caller, call in self.value_callers.get(func.id, []):
            if call.positional < 0:
                return ""  # a splat may pass it
            keys = [str(i) for i in range(call.positional)] + list(call.passed)
            if any(parameter_for(func, k) == params[0] for k in keys):
                return ""
        return default

    def _may_run(self, func: Func) -> bool:
        """Whether ``func`` may be called: it is public (a library's user may call it), called
        somewhere, or reached where the call graph cannot see (``_reached_unseen``)."""
        short = func.facts.qualname.rsplit(".", 1)[-1]
        if not short.startswith("_") or short.startswith("__"):
            return True
        self._wants.add(("callers", func.id))
        return bool(self.value_callers.get(func.id)) or self._reached_unseen(func) is not None

    def _named_for(self, call: Call, vendor: str) -> bool:
        """Whether ``call`` is of a third-party library whose name and the credential's service
        (``_vendor``) contain one another (``openai.OpenAI`` for ``AZURE_OPENAI_API_KEY``)."""
        if call.callee.kind != "name":
            return False
        root = call.callee.name.split(".", 1)[0]
        if root in _STDLIB or self._imported_file(call.callee.name) is not None:
            return False
        flat = call.callee.name.lower().replace("_", "")
        return vendor in flat or any(len(part) >= 3 and part in vendor for part in flat.split("."))

    def environment_readers(self, access: Access, files: list[FileFacts], handed: set[tuple[str, int]]) -> list[tuple[FileFacts, Call]]:
        """The calls of the program (``files``) not ``handed`` the value that may read the
        variable ``access`` writes from the environment (``_may_read_environment``)."""
        name = access.key
        vendors = {_vendor(a.key) for f in files for fn in f.functions.values() for a in fn.config_writes if a.target == cat.ENVIRON and a.key and a.key != name}
        own = _vendor(name)
        vendors.discard(own)
        # what the program makes with a third-party call (``client = Anthropic(api_key=k)``,
        # ``agent = AssistantAgent(llm_config=cfg)``): a method of such an object
        # (``client.messages.create``, ``agent.generate_reply`` of a parameter typed so) uses
        # the credential its making was given or read, and that making is judged itself
        made = {call.callee.name for f in files for fn in f.functions.values() for call in fn.calls if call.callee.kind == "name"}
        return [
            (f, call) for f in files for fn in f.functions.values() for i, call in enumerate(fn.calls)
            if (f"{f.module}:{fn.qualname}", i) not in handed and not _method_of_made(call.callee.name, made)
            and self._may_read_environment(Func(f, fn), call, own, vendors)
        ]

    def _handed(self, func: Func, access: Access) -> set[tuple[str, int]]:
        """The calls handed the written value: (function id, call index), from the writer's own
        calls into the project functions and constructors they pass it to (``FunctionFacts.passes``),
        and the calls handed an object that carries it back out (``_carried_slots``)."""
        out: set[tuple[str, int]] = set()
        seen: set[tuple[str, str]] = set()
        todo: list[tuple[Func, tuple[tuple[int, str], ...]]] = [(func, access.given)]
        # the calls whose result holds the value: a project function returning what it was
        # handed (``return Config(reranker=Reranker(api_key=key))``), the writer's own callers
        # when it returns the value so
        carriers: list[tuple[Func, int]] = self._call_sites(func) if access.returned else []
        for phase in range(2):
            while todo:
                where, sites = todo.pop()
                for i, key in sites:
                    if (where.id, i) in out or i >= len(where.facts.calls):
                        continue
                    out.add((where.id, i))
                    callee = self.resolve_function(where.facts.calls[i].callee, where)
                    param = parameter_for(callee, key) if callee is not None else None
                    if callee is not None and param and param in callee.facts.returning:
                        carriers.append((where, i))
                    if callee is not None and param and (callee.id, param) not in seen:
                        seen.add((callee.id, param))
                        todo.append((callee, callee.facts.passes.get(param, ())))
            if phase == 0 and carriers:
                todo.extend(self._carried_slots(func.file, carriers))
        return out

    def _call_sites(self, func: Func) -> list[tuple[Func, int]]:
        """Where ``func`` is called with its result used: (caller, call index)."""
        out = []
        for caller, call in self.value_callers.get(func.id, []):
            at = next((i for i, c in enumerate(caller.facts.calls) if c is call), -1)
            if at >= 0:
                out.append((caller, at))
        return out

    def _carried_slots(self, file: FileFacts, carriers: list[tuple[Func, int]]) -> list[tuple[Func, tuple[tuple[int, str], ...]]]:
        """The calls of ``file``'s program handed a chain of an imported object (a Streamlit
        session slot, ``st.session_state.config``) that holds a carrier's result: every
        assignment of the chain in the program is such a result or a literal (its empty start).
        awesome-llm-apps' hybrid-search RAG keeps ``RAGLiteConfig(reranker=Reranker("cohere",
        api_key=cohere_key))`` in ``st.session_state.my_config`` and hands it to each raglite
        call: those calls use the key the configuration was given, not the environment."""
        carried = {(c.id, i) for c, i in carriers}
        files = self._program_files(file)
        functions = [Func(f, fn) for f in files for fn in f.functions.values()]
        stores: dict[str, list[bool]] = {}
        for where in functions:
            for chain, i in where.facts.stores:
                if i != -2:
                    stores.setdefault(chain, []).append((where.id, i) in carried)
        chains = {chain for chain, kinds in stores.items() if all(kinds)}
        return [(where, sites) for where in functions for chain in chains if (sites := where.facts.slot_args.get(chain, ()))]

    def _handed_calls(self, handed: set[tuple[str, int]]) -> Iterable[tuple[FileFacts, Call]]:
        """The third-party calls among ``handed`` (a project function's are followed inside)."""
        for fid, i in handed:
            func = self.functions.get(fid)
            call = func.facts.calls[i] if func is not None else None
            if call is not None and call.callee.kind == "name" and self.resolve_function(call.callee, func) is None:  # type: ignore[arg-type]
                yield func.file, call  # type: ignore[union-attr]

    def _may_read_environment(self, func: Func, call: Call, own: str, vendors: set[str]) -> bool:
        """Whether ``call``, not handed the written value, may read an environment variable it
        was not given: a third-party client or tool built or called without a credential, a
        library not known, a standard-library call starting a process that inherits the
        environment. A project function's own code is part of the program (read there), and a
        method of an object is what the object's construction decided."""
        ref = call.callee
        if ref.kind != "name":
            return False
        name = ref.name
        hit = self._imported_file(name)
        if hit is not None and self.same_program(func.file, hit):
            return False  # something of a project module (its code is read where it is defined)
        root = name.split(".", 1)[0]
        if root in _STDLIB:
            return name in cat.ENVIRONMENT_INHERITORS and "env" not in call.passed
        if root in cat.LIBRARIES_READING_NO_CREDENTIAL or root in cat.WEB_FRAMEWORKS or _prefixed(name, cat.TOOLS_READING_NO_CREDENTIAL):
            return False  # reads no credential at all (an agent framework's tool of a key-less service)
        if any(k.lower() in cat.CREDENTIAL_KEYWORDS or k.lower().endswith(cat.CREDENTIAL_KEYWORD_SUFFIXES) for k in call.passed):
            return False  # given its own credential (or environment)
        flat = name.lower().replace("_", "")
        if not (own and own in flat) and any(v in flat for v in vendors):
            return False  # a client of another service whose variable the program sets: it reads that one
        self._want_definition(name)  # a project module the byte scan skipped, maybe
        return True

    def _want_definition(self, name: str) -> None:
        """Ask the demand rounds for the module defining ``name``."""
        self._wants.add(("definition", name))

    def _program_files(self, file: FileFacts) -> list[FileFacts]:
        """The files of ``file``'s program that may run beside it: the project modules it
        imports and those that import it, and theirs in turn (tests and other programs left out)."""
        found = self._programs_of.get(file.path)
        if found is not None:
            return found
        seen = {file.path: file}
        todo = [file]
        while todo:
            f = todo.pop()
            near = []
            for t in (*f.imports.values(), *f.star_imports):
                g = self._imported_file(t)
                if (g is None or not self.same_program(file, g)) and t.split(".", 1)[0] not in _STDLIB:
                    self._want_definition(t)  # a project module the byte scan skipped, maybe
                near.append(g)
            near += self._importers.get(f.path, [])
            for g in near:
                if g is not None and g.path not in seen and not g.is_test and self.same_program(file, g):
                    seen[g.path] = g
                    todo.append(g)
        found = self._programs_of[file.path] = list(seen.values())
        return found

    def separate_streamlit_apps(self, a: FileFacts, b: FileFacts) -> bool:
        """Whether ``a`` and ``b`` are two Streamlit apps, each served by its own ``streamlit
        run`` process: two scripts the project does not import, neither a page of a multipage
        app (a ``pages/`` folder, or any script of the project that navigates with ``st.Page`` /
        ``st.navigation`` / ``st.switch_page``: then one server may run several). ai-engineering-
        hub's rag-with-dockling holds app.py and rag_excel.py, each setting Settings.llm to its
        own model: no process holds both."""
        if a is b or not (self.is_streamlit(a) and self.is_streamlit(b)):
            return False
        if any("pages" in f.path.replace("\\", "/").split("/")[:-1] for f in (a, b)):
            return False
        self._wants.update(("mentions", word.rsplit(".", 1)[-1]) for word in _STREAMLIT_NAVIGATION)  # a file the byte scan skipped
        return not self._streamlit_navigation

    @cached_property
    def _streamlit_navigation(self) -> bool:
        """Some project file builds a multipage Streamlit app from scripts by path."""
        return any(
            call.callee.kind == "name" and call.callee.name in _STREAMLIT_NAVIGATION
            for f in self.files for fn in f.functions.values() for call in fn.calls
        )

    def process_wide(self, func: Func, access: Access) -> str | None:
        """Why the value ``access`` writes is one every call computes alike from process-wide
        facts (a file at a fixed path, the environment, module constants), or None: a literal
        passed by callers may differ between them, and anything else is some call's own."""
        source = self.value_of(func, access) if access.depends else access.source
        return _why(source) if kind(source) == "process" else None

    def value_kind(self, func: Func, access: Access) -> str:
        """The kind of the value ``access`` writes, followed across functions: "literal",
        "process", "saved", "request" or "unknown" (``kind``)."""
        return kind(self.value_of(func, access) if access.depends else access.source)

    def _same_value(self, func: Func, access: Access) -> tuple[str, str]:
        """What two writes must share to leave the setting alike: where the value is made, when
        that is known (``_made``), else the value as written (a restore of the saved value is
        the value it was saved from, which the comparison cannot know)."""
        source = self.value_of(func, access) if access.depends else access.source
        what = kind(source)
        made = self._made(func, access.source, access.depends, True, 0) if what in ("literal", "process") and access.depends else None
        if made:
            return ("made", "|".join(sorted(made)))
        if source.startswith("process:environment variable `") and "`...`" not in source:
            # two spellings of one variable's value (``os.environ["K"]``, LangChain's
            # ``get_from_dict_or_env(values, "k", "K")``): the same value (OpenAgents' model
            # validators each set openai.api_key from OPENAI_API_KEY)
            return (what, source)
        return (what, access.value) if what in ("literal", "process") else (what, f"{id(access)}")

    def _made(self, func: Func, source: str, depends: Iterable[str], closed: bool, depth: int) -> frozenset[str] | None:
        """Where the value of ``source`` / ``depends`` in ``func`` is made, when every part is
        known: a library's callable called with fixed arguments (``Call.fixed``: the same
        arguments make an equal object, wherever the call is), reached through locals, project
        functions' returns (an argument-less ``st.cache_resource`` loader's one object), the
        parameters every known caller fills and the attributes of ``self`` every store fills.
        ai-engineering-hub's firecrawl agent sets ``Settings.llm = llm`` (``load_llm()``) and,
        in the workflow it builds with that llm, ``Settings.llm = self.llm``: one object, two
        texts. None when any part is not known (the caller compares the texts)."""
        if depth > 6 or kind(source) != "literal" or not depends:
            return None  # (a value beside the dependencies, or a literal whose text is not kept)
        out: set[str] = set()
        for dep in depends:
            what, _, rest = dep.partition(":")
            part: frozenset[str] | None = None
            if what == "p" and closed:
                part = self._made_param(func, rest, depth)
            elif what == "a" and "." not in rest:
                part = self._made_attribute(func, rest, depth)
            elif what == "c":
                part = self._made_call(func, rest, depth)
            if not part:
                return None
            out |= part
        return frozenset(out)

    def _made_param(self, func: Func, name: str, depth: int) -> frozenset[str] | None:
        # callers of the same program only: another program's values live in another process,
        # and which of its files the byte scan parses must not change the answer
        # (ai-engineering-hub's apps each hold a workflow.py of their own: with every file parsed,
        # the other apps' constructions were taken for this one's)
        callers = [(c, call) for c, call in self._known_callers(func) if not self.process_local(c) and self.same_program(c.file, func.file)]
        if not callers:
            return None
        out: set[str] = set()
        for caller, call in callers:
            passed = self._argument(func, call, name)
            made = self._made(caller, passed[0], passed[1], True, depth + 1) if passed is not None else None
            if not made:
                return None
            out |= made
        return frozenset(out)

    def _made_attribute(self, func: Func, name: str, depth: int) -> frozenset[str] | None:
        klass = func.file.classes.get(func.facts.class_name) if func.facts.class_name else None
        # a setattr of no known name on an object of no known class says nothing of this class
        # (``_outside_writes(unknown=False)``), nor does another program's write: with every
        # file of ai-engineering-hub parsed, a leaderboard script's setattr made self.llm not known
        outside = [w for w in self._outside_writes(func.file, klass, name, unknown=False) if w[0] is None or self.same_program(w[0].file, func.file)] if klass is not None else []
        if klass is None or self.method(func.file, klass.name, name) is not None or outside:
            return None
        out: set[str] = set()
        for f, k in self._family(func.file, klass):
            for method, source, deps in k.attribute_sources.get(name, ()):
                fn = f.functions.get(method) if method and not method.startswith("+") else None
                made = self._made(Func(f, fn), source, deps, True, depth + 1) if fn is not None else None
                if not made:
                    return None  # a field's default, a fill made where the class cannot see
                out |= made
        return frozenset(out) or None

    def _made_call(self, func: Func, dep: str, depth: int) -> frozenset[str] | None:
        where, _, _shown = dep.partition(":")
        index = int(where) if where.isdigit() else -1
        call = func.facts.calls[index] if 0 <= index < len(func.facts.calls) else None
        if call is None or call.callee.kind != "name" or self._built_class(call):
            return None
        callee = self.resolve_function(call.callee, func)
        if callee is None:
            return frozenset([f"{call.callee.name}{call.fixed}"]) if call.fixed else None
        if self.overrides(callee) or callee.facts.is_generator:
            return None
        # what the project function returns, made of no parameter (those stay open: not known)
        return self._made(callee, callee.facts.returns or "literal:", callee.facts.returns_from, False, depth + 1)


# multipage apps built from scripts by path: one ``streamlit run`` serves every page
_STREAMLIT_NAVIGATION = frozenset(["streamlit.Page", "streamlit.navigation", "streamlit.switch_page", "streamlit.page_link"])
_REMOVALS = ("delete", "method:pop")
_EMPTYING = (*_REMOVALS, "method:popitem", "method:clear")  # storage writes that put no value there
# ``Model.model_validate(data)``: a pydantic construction from a mapping
_VALIDATORS = frozenset(["model_validate", "parse_obj", "model_validate_json", "parse_raw", "model_construct", "construct"])


def _client_library(name: str) -> bool:
    """A call of a library that may be a client of some service (not the standard library's,
    nor one known to read no credential: ``st.json(result)`` is handed the value only in name)."""
    root = name.split(".", 1)[0]
    return root not in _STDLIB and root not in cat.LIBRARIES_READING_NO_CREDENTIAL and root not in cat.WEB_FRAMEWORKS


def _method_of_made(name: str, made: set[str]) -> bool:
    """Whether ``name`` is a method of (or an attribute reached from) an object some call named
    in ``made`` returns: ``anthropic.Anthropic.messages.create`` of ``anthropic.Anthropic``."""
    at = name.rfind(".")
    while at > 0:
        if name[:at] in made:
            return True
        at = name.rfind(".", 0, at)
    return False


def _prefixed(name: str, prefixes: frozenset[str]) -> bool:
    """Whether ``name`` or a dotted prefix of it is in ``prefixes``."""
    at = len(name)
    while at > 0:
        if name[:at] in prefixes:
            return True
        at = name.rfind(".", 0, at)
    return False


def _vendor(variable: str) -> str:
    """The service an environment variable's credential is for, as a name would spell it
    (``E2B_API_KEY`` -> "e2b", ``GOOGLE_MAPS_API_KEY`` -> "googlemaps"); "" when too short to tell."""
    head = variable.upper()
    for marker in ("_API_KEY", "_API_TOKEN", "_ACCESS_TOKEN", "_AUTH_TOKEN", "_KEY", "_TOKEN", "_SECRET", "_PASSWORD"):
        if marker in head:
            head = head.split(marker, 1)[0]
            break
    flat = head.lower().replace("_", "")
    return flat if len(flat) >= 3 else ""


def _why(source: str) -> str:
    why = source.split(":", 1)[1] if ":" in source else ""
    return why if len(why) <= _MAX_WHY else why[: _MAX_WHY - 1] + "…"


def _join_all(parts: list[tuple[str, tuple[str, ...]]]) -> tuple[str, tuple[str, ...]]:
    source, deps = "literal:", set()
    for s, d in parts:
        source = _stronger(source, s)
        deps.update(d)
    return (source, tuple(sorted(deps)))


def _environ_as_one(key: tuple[str, str]) -> tuple[str, str]:
    """``os.putenv(k, v)`` sets the same variable as ``os.environ[k] = v``."""
    return (cat.ENVIRON, key[1]) if key[0] in ("os.putenv", "os.unsetenv") else key


def _library_class(ref: Ref) -> bool:
    """A class of an imported library, by its name: a CapWords last part (PEP 8) under
    lower-case modules (``llama_index.llms.openai.OpenAI``), not a constant (``DEFAULTS()``)."""
    if ref.kind != "name" or "." not in ref.name:
        return False
    *modules, last = ref.name.split(".")
    return last[:1].isupper() and not last.isupper() and all(m[:1].islower() or m[:1] == "_" for m in modules)


def _takes_defaults(name: str, readers: tuple[str, ...]) -> bool:
    """Whether calling ``name`` builds an object of one of the SDK modules ``readers`` that takes
    their defaults: any of their callables but the message and option types
    (``cat.DEFAULTS_FREE_TYPES``: ``Content``, ``Part.from_text``, ...)."""
    return any(name.startswith(r + ".") for r in readers) and not any(name == t or name.startswith(t + ".") for t in cat.DEFAULTS_FREE_TYPES)
