"""Execution context: where a function runs, decided once for every rule.

The policy
----------
A hazard of shared state only matters where code runs more than once, concurrently, in one
process. Each rule is exempt from some places, and names them as data (``Where`` flags) to
``index.exempt``; no rule re-derives them:

- ``TEST``: test code (``tests/`` folders, ``test_*.py``, ``*_test.py``, ``conftest.py``).
- ``SET_UP_SCOPE``: the module level or the ``__main__`` block itself, by syntax only. A
  Streamlit script's module level is set-up scope too (LLM001 and LLM008 skip it), though it runs
  once per visitor: ``START_UP`` says that.
- ``START_UP``: one-time start-up (``one_time``): module level (not a Streamlit script's),
  ``__main__``, a cached factory, a guarded one-shot init (``if _ready: return`` ... ``_ready =
  True``), a start-up hook or process initializer, the program's command-line entry
  (``fire.Fire(main)``, also through a project wrapper, when code calls it only from start-up
  too), test code, one thread or asyncio task started once from those (``_started_once``), or a function only
  ever called from those. A function only called from ``main()`` is start-up;
  it is not ``SET_UP_SCOPE``.
- ``CALLBACK``: a litellm callback, run on litellm's logging thread after the call.
- ``PROCESS_POOL``: started as a process-pool task (one copy of the module per worker).
- ``PROCESS_LOCAL``: runs only in a worker process (``process_local``: a process pool,
  ``Process`` target or initializer, or only called from one, to a bounded depth).

A function in none of these runs at request time. Whether it also runs *concurrently* is the
evidence (``entry_point``, ``concurrency_evidence``, ``request_evidence``) that grades a finding.

An evidence chain is a path a run can take:

- a call inside ``if p:`` / ``if p is not None:`` (or past ``if not p: return``) on a parameter
  ``p`` that defaults to a false value (and is not rebound) is taken only from a caller that may
  pass ``p``: by keyword (not a literal None), by position, or through a ``*`` / ``**`` splat; a
  spawn whose arguments are not seen, a framework's handler and a function nothing calls may
  pass anything (pdd's ``run_agentic_task`` pins a model env var only under ``routing_policy``,
  which no caller passes). A caller that hands its own parameter on as ``p`` (a bare name)
  needs the same of its callers (``needed_of``);
- a caller that runs once at start-up (``one_time``) is no route to concurrency or request time;
- a call that fills an empty memo slot (``if self._llm is None: self._llm = LLM(...)``, a
  module-level cache keyed by a value, filled with no ``await`` since the check) runs once per
  owner or key, and so does the body of a function that returns its memo slot's value first
  (``memo``): no route to request time. How often the owner itself is built is not followed, so
  such a construction is graded low with that reason rather than claimed. A slot with one value
  per process (a module global, a class attribute: ``once_per_process``) is filled once: a
  function only called to fill one, or only under a latch its callee sets (``if not
  LLM._configured: LLM._configure()``), is start-up code (``one_time``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Iterator

from linter.analysis import catalog as cat
from linter.analysis.facts import Access, Call, FileFacts, FunctionFacts, LockRegion, Ref, Site
from linter.diagnostics import Confidence, Text, text
from linter.model.func import Chain, Func
from linter.model.network import Network
from linter.model.resolution import namespace_names


# the evidence an ``async def`` gives by itself, when some of its callers may be unseen
# (``callers_unseen``): presumed to run as concurrent tasks, unless its callers show otherwise (a
# lifespan hook, start-up code), which files the byte scan skipped may hold
ASYNC_PRESUMED = "async def: runs as concurrent tasks"


class Where:
    """The places a function runs that some rule is exempt from (see the module's policy), as
    bit flags a rule combines: ``index.exempt(func, Where.TEST | Where.START_UP)``. Plain ints,
    not an ``enum.Flag``: the rules ask for every function of the project, and an enum member's
    lookup and ``|`` made that ask 7x slower (1.9 µs against 0.26 µs inline, 16,000 functions
    of crewAI)."""

    TEST = 1  # test code
    SET_UP_SCOPE = 2  # the module level or ``__main__`` block itself
    CALLBACK = 4  # a litellm callback
    START_UP = 8  # one-time start-up (``one_time``)
    PROCESS_POOL = 16  # a process-pool task
    PROCESS_LOCAL = 32  # only in a worker process (``process_local``)


class Context(Network):
    def __init__(self, files: Iterable[FileFacts]) -> None:
        super().__init__(files)
        self._one_time: dict[str, bool] = {}
        self._built: dict[str, _Sites | None] = {}  # class -> where it is built (a scan of every call)
        self._last_named: _NamedIn | None = None  # calls and class bases by the name they end in (``_find_sites``)
        self._startup_built: dict[str, bool] = {}  # class -> built only where nothing is concurrent
        self._suspends: dict[str, bool] = {}

    def suspends(self, func: Func) -> bool:
        """Whether awaiting ``func``'s coroutine can let other tasks of the loop run: it has an
        ``async for`` / ``async with``, an ``await`` of something not known, or awaits a callee
        that suspends. One that only awaits project coroutines that never suspend runs to its end
        in one step (agent-zero's ``SchedulerTaskList.save`` writes a file synchronously inside an
        ``async def``: ``with self._lock: ... await self.save()`` never leaves the loop thread)."""
        fid = func.id
        if fid in self._suspends:
            return self._suspends[fid]
        self._suspends[fid] = True  # a cycle (recursion): assume it may
        facts = func.facts
        result = not facts.is_async or facts.is_generator or facts.suspends_alone
        if not result:
            result = any(self.call_suspends(func, i) for i in facts.awaited)
        self._suspends[fid] = result
        return result

    def suspends_between(self, func: Func, after: int, call: Call) -> bool:
        """Whether coroutine ``func`` may let another task of its loop run after walk order
        ``after`` and before ``call`` runs: an ``await`` that can suspend (``call_suspends``), an
        ``async for`` / ``async with`` / ``yield`` between them, or an awaited call whose result
        is one of ``call``'s arguments (``Model(x=await name())``: walked after the call's own
        node, run before it). A synchronous function runs to its end on its thread: False."""
        facts = func.facts
        if not facts.is_async:
            return False
        if any(after < order < call.order and (index < 0 or self.call_suspends(func, index)) for order, index in facts.suspensions):
            return True
        for _key, _source, deps in call.args:
            for dep in deps:
                head, _, rest = dep.partition(":")
                number = rest.partition(":")[0]
                if head == "c" and number.lstrip("-").isdigit() and int(number) in facts.awaited and self.call_suspends(func, int(number)):
                    return True
        return False

    def suspending_awaits(self, func: Func, region: LockRegion) -> list[Site]:
        """The ``await``s inside ``region`` that can let other tasks run (``call_suspends``)."""
        return [site for site in region.awaits if self.call_suspends(func, site.call)]

    def call_suspends(self, func: Func, index: int) -> bool:
        """Whether awaiting the call ``func.facts.calls[index]`` can suspend (-1: a call not
        recorded, which may). A callee not resolved, a synchronous one (it returns some other
        awaitable) or any override that suspends: it may."""
        if not 0 <= index < len(func.facts.calls):
            return True
        ref = func.facts.calls[index].callee
        callee = self.resolve_function(ref, func)
        if callee is None:
            return not self._unbounded_put(func, ref)
        return any(self.suspends(target) for target in (callee, *self.overrides(callee)))

    def _unbounded_put(self, func: Func, ref: Ref) -> bool:
        """``await self._events.put(x)`` on an asyncio queue made without a maxsize: it never
        waits for room, so the awaiting task runs on (``Binding.unbounded``)."""
        holder, _, method = ref.name.rpartition(".")
        if method != "put" or not holder:
            return False
        if ref.kind == "self" and "." not in holder and func.facts.class_name:
            hit = self.attribute(func.file, func.facts.class_name, holder)
            return hit is not None and hit[2].unbounded
        if ref.kind == "name":
            found = self.binding(holder)
            return found is not None and found[1].unbounded and found[1].name == holder.rsplit(".", 1)[-1]
        return False

    def exempt(self, func: Func, where: int) -> bool:
        """Whether ``func`` runs in any of the places ``where`` (``Where`` flags) names. They are
        asked cheapest first, the syntactic ones before the walks over callers (``START_UP``
        memoises along its walk, so the order in which functions reach it is kept too)."""
        return bool(
            (where & Where.TEST and func.file.is_test)
            or (where & Where.SET_UP_SCOPE and func.facts.one_time_scope)
            or (where & Where.CALLBACK and func.id in self.callbacks)
            or (where & Where.START_UP and self.one_time(func))
            or (where & Where.PROCESS_POOL and self.spawned.get(func.id, (None, ""))[1] == "process pool")
            or (where & Where.PROCESS_LOCAL and self.process_local(func))
        )

    def one_time(self, func: Func) -> bool:
        """Module level, ``__main__``, cached, or only ever called from those."""
        return self._one_time_of(func, set())

    def runs_once(self, func: Func) -> bool:
        """Its body runs once per process whoever calls it (once per distinct arguments, for a
        ``functools.cache``-style cache), or a guarded one-shot init: its callers may run per
        request, its side effects (a registration) do not repeat with them."""
        return func.facts.one_shot or any(d in cat.CACHE_DECORATORS for d in func.facts.decorators)

    def _one_time_of(self, func: Func, visiting: set[str]) -> bool:
        fid = func.id
        if fid in self._one_time:
            return self._one_time[fid]
        if func.facts.qualname in ("<module>", "<main>"):
            # a Streamlit script re-runs its module level for every visitor and interaction, and
            # runs it as ``__main__``: its ``if __name__ == "__main__":`` block too
            return not self.is_streamlit(func.file)
        if (
            func.file.is_test
            or func.facts.one_shot
            or cached_without_arguments(func)
            or self.spawned.get(fid, (None, ""))[1] in _ONCE_HOWS and self.spawned[fid][1] != "command-line entry"
            or any(d.rsplit(".", 1)[-1] in cat.STARTUP_DECORATORS and "." in d for d in func.facts.decorators)
            or any(self.is_cli_command(d) for d in func.facts.decorators)
        ):
            self._one_time[fid] = True  # set-up code, or test code (runs once, in one process)
            return True
        if fid in visiting:
            return False
        visiting.add(fid)
        callers = self.callers.get(fid, [])
        if self.spawned.get(fid, (None, ""))[1] == "command-line entry":
            # the program's command line runs once per process, as the code that starts it runs
            # (``fire.Fire(main)`` in ``__main__``; a bot that parses each chat message with
            # argparse runs its sub-commands' handlers per message); code may call it as well
            # (h2ogpt's function server calls ``main`` at import): then as those callers run
            result = all(once_per_process(call.memo) or self._one_time_of(c, visiting) for c, call in callers)
            visiting.discard(fid)
            self._one_time[fid] = result
            return result
        # a library module's own demo is no caller of the library's functions (``self_test``),
        # nor is a function nothing reaches (``unreached``)
        callers = [(c, call) for c, call in callers if not self.self_test(c, func.file, func.facts.qualname) and not self.unreached(c)]
        result = bool(callers) and fid not in self.callbacks and (fid not in self.spawned or self._started_once(func))
        if result:
            result = all(once_per_process(call.memo) or self._one_time_of(c, visiting) for c, call in callers)
        visiting.discard(fid)
        self._one_time[fid] = result
        return result

    def _imported_file(self, target: str) -> FileFacts | None:
        """The project module ``target`` (a module or a name in one) is in."""
        parts = target.split(".")
        for i in range(len(parts), 0, -1):
            hit = self.by_module.get(".".join(parts[:i]))
            if hit is not None:
                return hit
        return None

    @cached_property
    def _importers(self) -> dict[str, list[FileFacts]]:
        out: dict[str, list[FileFacts]] = {}
        for f in self.files:
            if f.is_test:
                continue
            for t in {*f.imports.values(), *f.star_imports}:
                g = self._imported_file(t)
                if g is not None and g is not f:
                    out.setdefault(g.path, []).append(f)
        return out

    def self_test(self, caller: Func, file: FileFacts, name: str) -> bool:
        """Whether ``caller`` is the ``if __name__ == "__main__":`` block of module ``file`` and
        other project code names ``name`` (a top-level function or class of ``file``): imports
        it, calls it through the module, or names its dotted path in a string (a lazy import, a
        plugin path). The block runs when the module is run as a script, a run of its own (its
        classes are other objects there): it says nothing of how the program that names ``name``
        calls it. A module's name used by nobody else is the block's alone (an admin tool a
        script runs once). A package's ``__main__`` module is its program's entry, never a demo
        (LangBot's ``python -m langbot``, also run by a root ``main.py`` that imports it)."""
        return (
            caller.facts.qualname == "<main>" and caller.file is file and file.module.rsplit(".", 1)[-1] != "__main__"
            and name.split(".", 1)[0] in self._named_elsewhere.get(file.path, ())
        )

    @cached_property
    def _named_elsewhere(self) -> dict[str, set[str]]:
        """File path -> the top-level names of it other non-test files name: by import, by a call
        through the module, as a base class, or in a dotted string."""
        out: dict[str, set[str]] = {}
        for f in self.files:
            if f.is_test:
                continue
            names: set[str] = {*f.imports.values(), *f.dotted_strings}
            for fn in f.functions.values():
                names.update(c.callee.name for c in fn.calls if c.callee.kind == "name")
            for klass in f.classes.values():
                names.update(b.name for b in klass.bases if b.kind == "name")
            for name in names:
                g = self._imported_file(name)
                if g is None or g is f or not name.startswith(g.module + "."):
                    continue
                out.setdefault(g.path, set()).add(name[len(g.module) + 1 :].split(".", 1)[0])
        return out

    @cached_property
    def self_tested_files(self) -> list[FileFacts]:
        """The non-test files whose ``__main__`` block calls a function or class of their own."""
        out: dict[str, FileFacts] = {}
        for fid, edges in self.callers.items():
            callee = self.functions.get(fid)
            for caller, _call in edges:
                if callee is not None and caller.facts.qualname == "<main>" and caller.file is callee.file and not caller.file.is_test:
                    out[caller.file.path] = caller.file
        return sorted(out.values(), key=lambda f: f.path)

    def _started_once(self, func: Func) -> bool:
        """One thread or asyncio task started at one place (``Thread(target=run_server).start()``,
        ``asyncio.create_task(serve(settings))``), with no loop of its own that takes one job
        after another: with start-up callers only (asked by ``_one_time_of``), it runs once,
        like ``main()`` (``create_app`` in a server thread; julep's worker coroutine ``serve``,
        which its smoke test starts as one task). A thread's blocking wait for its next job is
        not seen, so any loop of its body counts; a coroutine can only wait for one by letting
        other tasks run, so only a loop that suspends does (``loop_suspends``: ``serve``'s
        loops over two signals install handlers and await nothing). An executor task (a pool's
        ``map`` runs it per item) or a spawn in a loop is not."""
        how = self.spawned[func.id][1]
        if how == "thread target":
            job_loop = func.facts.has_loop or func.facts.is_async
        elif how == "asyncio task":
            job_loop = func.facts.loop_suspends
        else:
            return False
        return self.spawn_sites.get(func.id) == 1 and not job_loop and not self.spawned[func.id][0].facts.has_loop

    def request_evidence(self, func: Func, depth: int = 4, needed: tuple[str, ...] = ()) -> Chain | None:
        """Why ``func`` runs at request time (per call, per agent, concurrently), if known: the
        shortest chain of callers (to ``depth``) up to one that does. Shortest, not the first
        found: as the call graph sees more callers, a depth-first walk wandered into a long chain
        (crewAI's ``LLM.set_callbacks`` came to be explained through five tool adapters, when
        ``LLM.acall`` calls it directly). ``needed``: the optional parameters the site runs only
        with (``Registration.guards``)."""
        # each step also carries whether it runs below a synchronous ``asyncio.run()`` (``_below_run``)
        frontier: list[tuple[Func, tuple[Text, ...], tuple[str, ...], bool]] = [(func, (), needed, False)]
        seen = {(func.id, needed)}
        for level in range(depth + 1):
            nxt: list[tuple[Func, tuple[Text, ...], tuple[str, ...], bool]] = []
            for f, steps, needed, below_run in frontier:
                if self.one_run_per_process(f):
                    continue
                why = self._request_reason(f)
                if why is not None and self._invoked_with(f, needed):
                    return Chain(steps + (why,))
                if level == depth:
                    continue
                for caller, call in self._feasible_callers(f, needed):
                    if call.memo or caller.facts.memoised:
                        continue  # the caller memoises it: once per key or owner, not per request
                    below = self._below_run(caller, call, f, below_run)
                    if below is None:
                        continue
                    up = needed_of(caller, call, f, needed)
                    key = (caller.id, up)
                    if key in seen:
                        continue
                    seen.add(key)
                    nxt.append((caller, steps + (text(f.facts.qualname),), up, below))
            frontier = nxt
            if not frontier:
                break
        return None

    def _request_reason(self, func: Func) -> Text | None:
        """Why ``func`` itself runs at request time, if it does."""
        label = func.facts.qualname
        entry = self.entry_point(func)
        if entry is not None:
            return text(entry)
        if func.id in self.callbacks:
            return text(f"{label} (a litellm callback)")
        if func.id in self.spawned and self.spawned[func.id][1] != "command-line entry":
            spawner, how = self.spawned[func.id]
            return text(f"{label} ({_a(how)} started in {spawner.label})")
        litellm = self.litellm_call_in(func)
        if litellm is not None:
            return text(f"{label} (calls {litellm.callee.name} at ", self.loc(func.file, litellm.span), ")")
        return None

    def _feasible_callers(self, func: Func, needed: tuple[str, ...]) -> Iterator[tuple[Func, Call]]:
        """The call edges into ``func`` an evidence chain may take: each may pass the parameters
        ``needed`` (``_passes``), and its caller does not run once at start-up (``__main__``,
        ``main()``, a thread started once from them: pdd's ``create_app`` in its one server
        thread is not request code through that caller)."""
        for caller, call in self.callers.get(func.id, []):
            if needed and not _passes(call, func, needed):
                continue
            if caller.facts.qualname in ("<module>", "<main>"):
                if self.is_streamlit(caller.file):
                    yield caller, call
                continue
            if not self.one_time(caller):
                yield caller, call

    def _invoked_with(self, func: Func, needed: tuple[str, ...]) -> bool:
        """Whether an entry point reached through a branch on its parameters ``needed`` may be
        started with them: a framework's handler or callback may be given anything, and so may
        a function the project never calls; a thread / executor / task target or an ``async
        def`` the project calls is started as its callers do it (pdd's ``run_agentic_task`` is an
        executor task whose only routes into ``_apply_routing_model_env`` need ``routing_policy``,
        which no caller passes)."""
        if not needed:
            return True
        callers = self.callers.get(func.id, [])
        if not callers or not (func.id in self.spawned or func.facts.is_async) or self._handler(func):
            return True
        if func.id in self.spawned:  # as its spawners start it, not as other code calls it
            callers = [(c, call) for c, call in callers if any(func in self.spawn_targets(r, c) for r, _how in c.facts.spawns)]
        return any(_passes(call, func, needed) for _c, call in callers)

    def _handler(self, func: Func) -> bool:
        """A web / UI handler or a litellm callback: a framework calls it."""
        if func.id in self.callbacks or self._view_method(func) is not None:
            return True
        spawned = self.spawned.get(func.id)
        if spawned is not None and spawned[1] not in _THREAD_HOWS:
            return True  # a route registered by a call, a Gradio or Streamlit handler
        return any(d in cat.VIEW_DECORATORS or d in cat.WORKER_DECORATORS or self.is_route(d, func) for d in func.facts.decorators)

    def ui_event_handler(self, func: Func) -> str | None:
        """Why ``func`` is a UI event handler (a Gradio event or Interface function, a Streamlit
        widget callback), or None: the toolkit runs it for whichever visitor fires the event, so
        module state it sets is left for every visitor's other handlers, not kept per session.
        Web routes are not counted: an endpoint may be an operator's (an admin setting the
        default model for everyone), while every visitor of a UI fires its events."""
        spawned = self.spawned.get(func.id)
        if spawned is None or not spawned[1].startswith(_UI_HOWS):
            return None
        spawner, how = spawned
        return f"{func.facts.qualname} ({_a(how)} registered in {spawner.label})"

    def memo(self, func: Func, call: Call) -> str | None:
        """Why ``call`` in ``func`` runs once per key or owner, not once per call of ``func``: it
        fills an empty memo slot (``if self._llm is None: self._llm = LLM(...)``), or ``func``
        returns at once what its memo slot holds (``if key in CACHE: return CACHE[key]``)."""
        if call.memo:
            owner = "its owner" if not call.memo.startswith("self.") else f"{func.facts.class_name.rsplit('.', 1)[-1]} instance"
            once = f"once per {owner}" if not call.memo.endswith("[...]") else "once per key"
            return f"built {once}: {func.facts.qualname} fills {call.memo} only while it is empty"
        if func.facts.memoised:
            return f"built once per key: {func.facts.qualname} returns what {func.facts.memoised} holds before it builds"
        return None

    def memoised_by(self, func: Func) -> str | None:
        """Why ``func`` runs once per key or owner: every caller memoises the call (``memo``)."""
        callers = self.callers.get(func.id, [])
        reasons = [self.memo(c, call) for c, call in callers]
        if not callers or None in reasons:
            return None
        return f"{func.facts.qualname} is only called memoised ({reasons[0]})"

    # ------------------------------------------- concurrency (entry points)
    def is_streamlit(self, file: FileFacts) -> bool:
        """A Streamlit script: imports streamlit and is run, not imported (a helper module that
        imports streamlit runs its module level once, at import)."""
        uses_ui = any(
            (v == "streamlit" or v.startswith("streamlit.")) and not v.startswith(_STREAMLIT_INTERNALS) for v in file.imports.values()
        )
        # a module behind a namespace package is imported by its longer name (trulens imports
        # ``dashboard/tabs/Compare.py`` as ``trulens.dashboard.tabs.Compare``)
        names = {file.module, *namespace_names(file.path, file.module, file.is_package)}
        return uses_ui and not names & self._modules_the_app_imports

    def copy_per_run(self, file: FileFacts) -> bool:
        """Whether the module- and class-level state ``file`` defines has one copy per run, not
        per process: Streamlit executes a script in a fresh ``__main__`` namespace on every run
        (a module the app imports is one shared copy)."""
        return self.is_streamlit(file)

    @cached_property
    def _modules_the_app_imports(self) -> frozenset[str]:
        """Every module (and package above it) an import of a non-test file names. Not
        ``_imported_modules``: ``ConfigValues`` defines that name (targets as spelled, tests
        included) and shadowed this one, so ``from page import f`` did not count as importing ``page``."""
        out: set[str] = set()
        for f in self.files:
            if f.is_test:
                continue  # a test importing a script is no evidence that the app imports it
            for target in f.imports.values():
                parts = target.split(".")
                out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        return frozenset(out)

    def entry_point(self, func: Func, presume: bool = True) -> str | None:
        """Why ``func`` itself starts concurrent work, if it does: a web / UI handler, a
        Streamlit script, a thread / executor / task target, a litellm callback, an ``async def``
        (unless ``presume`` is False, or its name says a start-up / shut-down hook:
        ``cat.STARTUP_HOOK_NAMES``)."""
        fid, label = func.id, func.facts.qualname
        if label in ("<module>", "<main>"):
            if not self.is_streamlit(func.file):
                return None
            part = "module level" if label == "<module>" else '`if __name__ == "__main__":` block'
            return f"{func.file.path} (a Streamlit script: its {part} runs once per visitor)"
        for d in func.facts.decorators:
            if d in cat.VIEW_DECORATORS or self.is_route(d, func):
                return f"{label} (a web handler: @{'.'.join(d.split('.')[-2:])})"
            if d in cat.WORKER_DECORATORS:
                return f"{label} (a {cat.WORKER_DECORATORS[d]})"
        view = self._view_method(func)
        if view is not None:
            return view
        if fid in self.spawned:
            spawner, how = self.spawned[fid]
            if how not in _PROCESS_HOWS and how not in _ONCE_HOWS:
                return f"{label} ({_a(how)} started in {spawner.label})"
        if fid in self.callbacks:
            return f"{label} (a litellm callback: runs on litellm's logging thread)"
        if func.facts.is_async and presume and not self.run_alone(func) and label.rsplit(".", 1)[-1] not in cat.STARTUP_HOOK_NAMES and self.callers_unseen(func):
            return f"{label} ({ASYNC_PRESUMED})"
        return None

    def callers_unseen(self, func: Func) -> bool:
        """Whether ``func`` may be called where the call graph cannot see: nothing in its
        program calls it (another program's calls are a few of its users'), a call of it is
        handed on (``handed_on``), or it is registered, decorated or handed on as a value. An
        ``async def`` is presumed to run as concurrent tasks only then: one whose callers are all
        known runs as they do (a CLI's ``amain`` helpers under ``asyncio.run``)."""
        callers = self.callers.get(func.id)
        return not callers or any(self.handed_on(c, call, func) for c, call in callers) or self._reached_unseen(func) is not None

    def handed_on(self, caller: Func, call: Call, func: Func) -> bool:
        """Whether ``call`` of ``func`` in ``caller`` runs wherever something ``caller`` makes is
        handed: a call in a lambda (a button's ``on_click``), or a coroutine of ``func`` that
        ``caller`` neither awaits, runs with ``asyncio.run`` nor starts as a task (``spawned``
        says how that runs): OpenManus' synchronous ``create`` returns
        ``self._invoke_bedrock_stream(...)`` to callers that await it."""
        if call.deferred:
            return True
        if not func.facts.is_async or call.run_alone or any(func in self.spawn_targets(ref, caller) for ref, _how in caller.facts.spawns):
            return False
        return not caller.facts.is_async or not any(caller.facts.calls[i] is call for i in caller.facts.awaited if 0 <= i < len(caller.facts.calls))

    def _reached_unseen(self, func: Func) -> str | None:
        """Why ``func`` itself may run where the call graph cannot see, or None (the model's
        value layer, ``ConfigValues``, knows the decorators and hand-ons that say so)."""
        return None

    def run_alone(self, func: Func) -> bool:
        """A coroutine function every caller runs with ``asyncio.run(f(...))``: each run is a
        loop of its own that the caller waits for, so it runs as its callers do, not as
        concurrent tasks (PraisonAI's ``praisonai serve recipe`` builds its gateway in a nested
        ``_run`` it hands to ``asyncio.run``). A function nothing calls keeps the presumption."""
        callers = self.callers.get(func.id, [])
        return bool(callers) and all(call.run_alone for _c, call in callers)

    def is_route(self, decorator: str, func: Func) -> bool:
        """``@app.get(...)`` on an app / router / blueprint object of a web framework: made by the
        framework (``app = FastAPI()`` here or in another module, ``app: FastAPI``, a subclass
        of its app), or a plain local name (``def register(app): @app.get``) in a file that
        imports a web framework. ``@mock.patch`` is not a route."""
        obj, _, last = decorator.rpartition(".")
        if not obj or last not in cat.ROUTE_DECORATOR_METHODS:
            return False
        if _web_module(obj):
            return True  # a local built or typed from the framework: ``fastapi.FastAPI.get``
        hit = self.binding(obj)
        if hit is not None:
            f, factory = hit[0], hit[1].factory
            qualified = factory if "." in factory else f"{f.module}.{factory}"
            if _web_module(factory) or self._is_web_class(Ref("name", qualified)):
                return True
            # ``app = create_app()``: an app factory of a module that imports a web framework
            maker = self.function_named(qualified) if factory else None
            return maker is not None and any(_web_module(v) for v in maker.file.imports.values())
        return "." not in obj and any(_web_module(v) for v in func.file.imports.values())

    def is_cli_command(self, decorator: str) -> bool:
        """``@click.command()``, ``@group.command()`` on a click group, ``@app.command()`` on a
        ``typer.Typer``: a command-line entry, run once per invocation of the program (pipecat's
        ``eval suite`` command was read as concurrent through the ``async def`` it runs with
        ``asyncio.run``). The object must come from a command-line framework: ``@app.command``
        on a Slack app is a handler run per message."""
        obj, _, last = decorator.rpartition(".")
        if not obj or last not in cat.CLI_DECORATOR_METHODS:
            return False
        if _cli_module(obj):
            return True  # ``click.command``, or a local built or typed from the framework
        hit = self.binding(obj)
        if hit is not None:
            factory = hit[1].factory
            return _cli_module(factory if "." in factory else f"{hit[0].module}.{factory}")
        group = self.function_named(obj)  # ``@click.group() def cli(): ...`` then ``@cli.command()``
        return group is not None and any(self.is_cli_command(d) for d in group.facts.decorators)

    def _is_web_class(self, ref: Ref) -> bool:
        """A project class deriving from a web framework's (``class App(FastAPI)``)."""
        hit = self.resolve_class(ref)
        if hit is None:
            return False
        return any(_web_module(b.name) for _f, k in self.mro(*hit) for b in k.bases if b.kind == "name")

    def _view_method(self, func: Func) -> str | None:
        cls = func.facts.class_name
        name = func.facts.qualname[len(cls) + 1 :] if cls else ""
        if cls and name in cat.VIEW_METHODS:
            klass = func.file.classes.get(cls)
            if klass is not None:
                for _f, k in self.mro(func.file, klass):
                    for b in k.bases:
                        if b.kind == "name" and b.name.rsplit(".", 1)[-1].endswith(cat.VIEW_BASE_SUFFIXES) and "." in b.name:
                            return f"{func.facts.qualname} (a web handler: method of a {b.name.rsplit('.', 1)[-1]})"
        if not cls and func.facts.params[:1] == ("request",) and func.file.module.rsplit(".", 1)[-1] == "views":
            return f"{func.facts.qualname} (a Django view: takes the request)"
        return None

    def process_local(self, func: Func, depth: int = 4) -> bool:
        """Runs only in a worker process (a process pool / ``Process`` target, or only called
        from one): module globals are per process there, one task at a time."""
        how = self.spawned.get(func.id, (None, ""))[1]
        if how in _PROCESS_HOWS:
            return True
        callers = self.callers.get(func.id, [])
        if depth <= 0 or not callers or func.id in self.callbacks or func.facts.is_async or func.id in self.spawned:
            return False
        return all(self.process_local(c, depth - 1) for c, _ in callers if c.id != func.id)

    def concurrency_evidence(
        self, func: Func, depth: int = 6, tasks: bool = True, needed: tuple[str, ...] = (), presume: bool = True, step: bool = False
    ) -> Chain | None:
        """The shortest chain of callers from ``func`` up to a concurrent entry point
        (``set_callbacks`` ← ``LLM.call`` ← ``LLM.acall (async def ...)``), if any.

        ``tasks=False`` is for a hazard that lies wholly inside one synchronous call of ``func``
        (a set-and-restore, a write read back before returning): tasks of one event loop only
        interleave at an ``await``, so a coroutine calling ``func`` directly runs it to the end
        before any other task resumes. Coroutines on the way up (an ``async def``, an async
        route, an asyncio task) are then no evidence; threads are (a thread / executor target,
        ``asyncio.to_thread``, a sync route that a framework runs in its thread pool, a sync
        caller running its own loop with ``asyncio.run``). pdd's ``llm_invoke`` was "concurrent"
        through an async route that calls it on the loop; its real concurrency is a thread pool.

        ``presume=False``: an ``async def`` is no entry point by itself (what else shows it runs
        as concurrent tasks: a route, a task spawned, a caller that is concurrent).

        ``step`` (with ``tasks=False``): ``func`` is a coroutine and the hazard lies within one
        step of it, with no ``await`` between its ends (``suspends_between``): its own callers'
        coroutines are then no evidence either, as for a synchronous ``func``."""
        # each step carries whether the hazard still lies inside one synchronous call; a
        # generator's window (set, ``yield``, restore) spans its caller's body, which may await
        # and the parameters the path needs its callers to pass (``Call.guards``)
        # and whether it runs below a synchronous ``asyncio.run()`` (``_below_run``)
        frontier: list[tuple[Func, tuple[Text, ...], bool, tuple[str, ...], bool]] = [
            (func, (), not tasks and (step or not func.facts.is_async), needed, False)
        ]
        seen = {(func.id, needed)}
        for _ in range(depth + 1):
            nxt: list[tuple[Func, tuple[Text, ...], bool, tuple[str, ...], bool]] = []
            for f, steps, on_loop, needed, below_run in frontier:
                if self.one_run_per_process(f):
                    continue  # neither concurrent itself nor through what starts it
                entry = self._loop_entry(f) if on_loop and f.facts.is_async else self.entry_point(f, presume)
                if entry is not None and self._invoked_with(f, needed):
                    return Chain(steps + (text(entry),))
                for caller, call in sorted(self._feasible_callers(f, needed), key=lambda c: c[0].id):
                    up = needed_of(caller, call, f, needed)
                    if (caller.id, up) in seen:
                        continue
                    if caller.facts.qualname in ("<module>", "<main>") and not self.is_streamlit(caller.file):
                        continue
                    below = self._below_run(caller, call, f, below_run)
                    if below is None:
                        continue
                    seen.add((caller.id, up))
                    # a generator's window spans its caller's body; one within a step of ``func``,
                    # or within a synchronous call a generator above makes (``steps``: ``f`` is
                    # not ``func``), spans nothing, whatever generators call it (gpt4free's
                    # ``login_generator`` calls ``_create_request_args``, which sets the cookies
                    # and reads them back before it returns)
                    spans = f.facts.is_generator and not step and not steps
                    nxt.append((caller, steps + (text(f.facts.qualname),), on_loop and not (spans and caller.facts.is_async), up, below))
            frontier = nxt
            if not frontier:
                break
        return None

    def _below_run(self, caller: Func, call: Call, callee: Func, below_run: bool) -> bool | None:
        """Whether the chain, taking the edge ``caller`` -> ``callee``, still runs below an
        ``asyncio.run()`` made by a synchronous function with no thread in between (``call`` is
        that ``asyncio.run(callee(...))``, or ``below_run`` says one is further down); None when
        the edge cannot run: a coroutine calling that on its own loop's thread makes
        ``asyncio.run()`` raise "cannot be called from a running event loop" before the
        coroutine starts (pyspur's vision parser: 4 false LLM005 through ``async def`` callers
        of the synchronous ``extract_text_from_file``). A spawn (a thread, an executor, another
        process) runs the callee elsewhere, and ``nest_asyncio`` lets ``asyncio.run()`` re-enter
        a running loop: both keep the edge."""
        if not (below_run or call.run_alone):
            return False
        if not caller.facts.is_async:
            return True
        if self.nested_loops or any(callee in self.spawn_targets(r, caller) for r, _how in caller.facts.spawns):
            return False
        return None

    @cached_property
    def nested_loops(self) -> bool:
        """Whether the project imports ``nest_asyncio`` (its ``apply()`` lets ``asyncio.run()``
        run inside a running loop; the demand ``loop_nesters`` has the files naming it analysed)."""
        return any(_imports_module(f, "nest_asyncio", "nest_asyncio") for f in self.files if not f.is_test)

    def _loop_entry(self, func: Func) -> str | None:
        """Why a coroutine reached from synchronous code starts work on another thread (see
        ``concurrency_evidence(tasks=False)``): only a thread-ish spawn; running as a task, an
        async route or a litellm callback stays on the loop."""
        if func.id in self.spawned:
            spawner, how = self.spawned[func.id]
            if how not in _LOOP_HOWS and how not in _PROCESS_HOWS and how not in _ONCE_HOWS:
                return f"{func.facts.qualname} ({_a(how)} started in {spawner.label})"
        return None

    def grade(
        self, func: Func, concurrent: bool, per_instance: str | None = None, tasks: bool = True, needed: tuple[str, ...] = (), step: bool = False
    ) -> tuple[Confidence, Text]:
        """(confidence, evidence) of a finding in ``func``: high with a chain to a concurrent entry
        point (``concurrent``) or to request-time code; medium when it runs per instance and the
        rule accepts that (``per_instance`` is then appended to the evidence); else low.
        ``tasks`` and ``step``: as for ``concurrency_evidence``; ``needed``: the optional parameters the
        finding's site runs only with (its branches test them: ``Access.guards``)."""
        chain = self.concurrency_evidence(func, tasks=tasks, needed=needed, step=step) if concurrent else self.request_evidence(func, needed=needed)
        if chain is not None:
            return Confidence.HIGH, text(f"runs {'concurrently' if concurrent else 'at request time'}: ", chain)
        instance = self.per_instance_evidence(func, needed) if per_instance is not None else None
        if instance is not None:
            return Confidence.MEDIUM, text(f"runs per instance: {instance}{per_instance}")
        memo = self.memoised_by(func)
        if memo is not None:
            return Confidence.LOW, text(f"{memo} (reported with --preview)")
        who = "concurrent" if concurrent else "start-up-only"
        return Confidence.LOW, text(f"no {who} caller found for {func.facts.qualname} (reported with --preview)")

    def used_once(self, func: Func) -> bool:
        """Whether ``func`` is a method of a class whose objects are each used where they are
        built (``used_once_classes``): none is alive when the next one is made, so what one
        construction sets is not read by an older object (it still stays set, and threads
        building two at once still race: that needs their evidence)."""
        cls = func.facts.class_name
        return bool(cls) and f"{func.file.module}:{cls}" in self.used_once_classes

    def per_instance_evidence(self, func: Func, needed: tuple[str, ...] = ()) -> str | None:
        """A function that runs for every instance: a constructor or validator, or a method or
        module function one of them calls (Qwen-Agent's ``initialize_dashscope(cfg)``, called
        by each model's ``__init__``). The shortest chain, breadth first with each function
        visited once: following every path up is exponential where callers fan in. ``needed``:
        the optional parameters the site runs only with; a constructor that needs some runs
        "per instance" only if a construction here passes them."""
        frontier: list[tuple[Func, str, tuple[str, ...]]] = [(func, "", needed)]
        seen = {func.id}
        while frontier:
            nxt: list[tuple[Func, str, tuple[str, ...]]] = []
            for f, below, need in frontier:
                hook = self._construction_hook(f)
                if hook is not None:
                    if hook and self._built_with(f, need):
                        return below + hook
                    continue  # a hook of a class nothing here builds per instance: no evidence
                for caller, call in self.callers.get(f.id, []):
                    if caller.id not in seen and (not need or _passes(call, f, need)):
                        seen.add(caller.id)
                        nxt.append((caller, f"{below}{f.facts.qualname} ← ", needed_of(caller, call, f, need)))
            frontier = nxt
        return None

    def needed_of(self, caller: Func, call: Call, callee: Func, needed: tuple[str, ...]) -> tuple[str, ...]:
        """As the module's ``needed_of``: what ``caller`` must be given for ``call`` to reach a
        site of ``callee`` that needs ``needed``."""
        return needed_of(caller, call, callee, needed)

    def filled_once(self, site: Call | Access) -> bool:
        """A call or config write in the branch that fills a process-wide memo slot, or under a
        latch its callee sets (``once_per_process``): it runs once, at the first use (deer-flow's
        ``get_auth_config`` exports the process's JWT secret inside ``if _config is None:``)."""
        return once_per_process(site.memo)

    def may_pass(self, call: Call, callee: Func, needed: tuple[str, ...]) -> bool:
        """Whether ``call`` may give ``callee`` each optional parameter of ``needed``."""
        return not needed or _passes(call, callee, needed)

    def _built_with(self, hook: Func, needed: tuple[str, ...]) -> bool:
        """Whether a construction gives the constructor ``hook`` its ``needed`` parameters: one
        here that passes them by name or position (a ``**config`` splat is no evidence of one:
        PraisonAI's ``LLM(**llm_config)`` carries model settings), or any when none are needed
        or ``hook`` is not ``__init__`` (a validator reads fields, which every construction may set)."""
        if not needed or not hook.facts.qualname.endswith(".__init__"):
            return True
        return any(call.positional >= 0 and _passes(call, hook, needed) for _c, call in self.callers.get(hook.id, []))

    def _construction_hook(self, func: Func) -> str | None:
        """Why ``func`` runs on every construction of its class ("" when it is a constructor
        or validator of a class built once or by nothing here), or None when it is not one."""
        cls = func.facts.class_name
        if not cls or not func.facts.qualname.startswith(cls + "."):
            return None
        name = func.facts.qualname[len(cls) + 1 :]
        if name not in cat.CONSTRUCTION_HOOKS and not any("validator" in d for d in func.facts.decorators):
            return None
        if self.unnamed_class(func.file, cls):
            return ""  # nothing builds it here (``unnamed_class``)
        if name == "__init__" and self.init_unbuilt(func.file, cls):
            return ""  # its subclasses skip it and nothing else builds it here
        klass = func.file.classes.get(cls)
        if klass is not None and any(d in cat.SINGLETON_CLASS_DECORATORS for d in klass.decorators):
            return ""  # ``@singleton``: the container builds one, once
        if self.built_once_per_process(func.file, cls):
            return ""
        return f"{func.facts.qualname} runs on every construction of {cls}"

    def unreached(self, func: Func) -> bool:
        """Whether ``func`` is a top-level function of a package module that nothing outside
        tests calls, names or hands on: dead in this tree, as ``unnamed_class`` is for a class,
        so it is no caller that runs at request time (ChuanhuChatGPT's ``change_api_host``, whose
        UI handler was commented out, was the only non-start-up caller of ``set_api_host``)."""
        f, facts = func.file, func.facts
        name = facts.qualname
        if "." in name or name.startswith("<") or f.is_test or facts.decorators:
            return False
        if not self.in_package(f):
            return False  # a standalone module: itself the surface a user imports
        fid = func.id
        if self.callers.get(fid) or fid in self.callbacks or fid in self.spawned:
            return False
        if name in self._named_elsewhere.get(f.path, ()) or self._named_in().calls.get(name):
            return False  # called or imported by that name somewhere, resolved or not
        return name not in self._escaped_last_names  # handed on as a value somewhere

    @cached_property
    def _escaped_last_names(self) -> frozenset[str]:
        """The last names of everything non-test code hands on as a value (``escapes_of``)."""
        return frozenset(e.rsplit(".", 1)[-1] for g in self.files if not g.is_test for e in self.escapes_of(g))

    def init_unbuilt(self, file: FileFacts, cls: str) -> bool:
        """Whether ``cls``'s own ``__init__`` runs nowhere in this tree: a class of a package
        whose every subclass has an ``__init__`` of its own (or inherits one below ``cls``) that
        calls neither ``super().__init__`` nor ``cls.__init__``, and that nothing but its
        module's own demo builds directly. PentestGPT's ``LLMAPI`` base sets the openai module's
        key in its ``__init__``; each API class replaces it, so building one never runs it."""
        subclasses = self._subclasses.get(f"{file.module}:{cls}", [])
        if not subclasses or not self.in_package(file) or cls in self.escapes_of(file):
            return False
        for f, k in subclasses:
            init = None
            for g, c in self.mro(f, k):
                if g.module == file.module and c.name == cls:
                    break
                init = g.functions.get(f"{c.name}.__init__")
                if init is not None:
                    break
            if init is None or any(
                call.callee.name == "__init__" and call.callee.kind == "super" or call.callee.name.endswith(f"{cls}.__init__")
                for call in init.calls
            ):
                return False  # built through it: ``cls.__init__`` runs for this subclass
        named = self._named_in()
        for f, fn, call in named.calls.get(cls, ()):
            site = self.functions.get(f"{f.module}:{fn.qualname}")
            if self._names_class(call.callee, file, cls) and (site is None or not self.self_test(site, file, cls)):
                return False  # built directly somewhere
        return True

    def built_once_per_process(self, file: FileFacts, cls: str) -> bool:
        """A class of an application built at one place, at the top level of a module or a
        script of its own program, and nowhere else: one instance per run (crewAI-examples'
        ``nvllm`` wrapper, built once for the one crew a script kicks off, in the script or in
        the ``crew.py`` it imports). Not a class another program imports (a library's class is
        built by its users too), nor one subclassed, handed on as a value or of a module run
        per visitor."""
        sites = self.construction_sites(file, cls)
        if sites is None or sites.other_programs or len(sites.sites) != 1 or self.is_streamlit(file):
            return False
        site = sites.sites[0]  # its top level runs once per process (imported once, or the script run)
        return site.facts.qualname in ("<module>", "<main>") and (site.file is file or self.same_program(site.file, file)) and not self.is_streamlit(site.file)

    def one_run_per_process(self, func: Func) -> bool:
        """A method that refuses to run while it already is (``FunctionFacts.reentry_guarded``)
        on objects only start-up code builds: the run of a server or a worker, one at a time
        per object and one object per program, whatever starts it (livekit's ``AgentServer.run``
        exports the server's options for its job processes, on a task its CLI starts once)."""
        return func.facts.reentry_guarded and self.built_only_at_startup(func)

    def built_only_at_startup(self, func: Func) -> bool:
        """Every object of ``func``'s class is built where nothing shows concurrency (module
        level, ``main``, a command, a factory only those call), here or in the programs that
        use it, and it is built somewhere: a server or a worker that each example script makes
        once (livekit's ``server = AgentServer()``, or ``AgentServer.from_server_options`` in
        its ``run_app``). A class built in a request handler or a task is not."""
        cls = func.facts.class_name
        key = f"{func.file.module}.{cls}"
        if key not in self._startup_built:
            self._startup_built[key] = False  # a cycle through the sites' own evidence: not known
            sites = self.construction_sites(func.file, cls) if cls else None
            built = sites.sites if sites is not None else []
            # the program's own constructions decide when it has any: another program's (an
            # example beside the package) is one user among those we cannot see, and checking
            # the package alone must give the same answer (mcp-agent's MCPApp, built at start-up
            # by the package's templates and per visitor by a Streamlit example)
            own = [s for s in built if self.same_program(s.file, func.file)]
            self._startup_built[key] = bool(built) and all(
                self.one_time(site) or self.concurrency_evidence(site) is None for site in {s.id: s for s in (own or built)}.values()
            )
        return self._startup_built[key]

    def construction_sites(self, file: FileFacts, cls: str) -> _Sites | None:
        """Where the project builds class ``cls`` of ``file`` (tests left out: no evidence either
        way), or None when that cannot be known: it is subclassed (the subclass's constructions
        build it too) or handed on as a value (built wherever it goes)."""
        key = f"{file.module}.{cls}"
        if key not in self._built:
            self._built[key] = self._find_sites(file, cls)
        return self._built[key]

    def _find_sites(self, file: FileFacts, cls: str) -> _Sites | None:
        if cls in self.escapes_of(file):
            return None
        named = self._named_in()
        # only calls and bases whose name ends in the class's can name it (``_names_class``):
        # a scan of every call of the project for each class asked was 4% of pdd's cold run
        if any(self._names_class(b, file, cls) for b in named.bases.get(cls, ())):
            return None
        qualified = f"{file.module}.{cls}"
        found = _Sites()
        for f in self.files:
            if not f.is_test and f is not file and not self.same_program(f, file) and _imports_module(f, file.module, qualified):
                found.other_programs = True  # another program uses the class: it may build its own
                break
        built: dict[int, list] = {}  # function -> [its file, its facts, constructions], in project order
        for f, fn, call in named.calls.get(cls, ()):
            if self._names_class(call.callee, file, cls):
                built.setdefault(id(fn), [f, fn, 0])[2] += 1
        for f, fn, n in built.values():
            site = self.functions.get(f"{f.module}:{fn.qualname}")
            if site is not None and not self.self_test(site, file, cls):  # a library module's demo builds its own
                found.sites.extend([site] * n)  # once per construction
        return found

    def _named_in(self) -> _NamedIn:
        if self._last_named is None:
            named = self._last_named = _NamedIn({}, {})
            for f in self.files:
                if f.is_test:
                    continue
                for k in f.classes.values():
                    for b in k.bases:
                        if b.kind == "name":
                            named.bases.setdefault(b.name.rpartition(".")[2], []).append(b)
                for fn in f.functions.values():
                    for call in fn.calls:
                        if call.callee.kind == "name":
                            named.calls.setdefault(call.callee.name.rpartition(".")[2], []).append((f, fn, call))
        return self._last_named

    def _names_class(self, ref: Ref, file: FileFacts, cls: str) -> bool:
        """Whether ``ref`` names the class ``cls`` of ``file``."""
        if ref.kind != "name" or ref.name.rpartition(".")[2] != cls:
            return False
        hit = self.resolve_class(ref)
        return hit is not None and hit[0] is file and hit[1].name == cls


@dataclass(slots=True)
class _NamedIn:
    """The project's calls and class bases (tests left out) by the last name of what they name."""

    bases: dict[str, list[Ref]]
    calls: dict[str, list[tuple[FileFacts, FunctionFacts, Call]]]


@dataclass(slots=True)
class _Sites:
    """The functions that build a class (once per construction), and whether another program
    imports it."""

    sites: list[Func] = field(default_factory=list)
    other_programs: bool = False


def _imports_module(f: FileFacts, module: str, qualified: str) -> bool:
    """Whether an import of ``f`` names ``module`` (or a class ``qualified`` of it)."""
    return any(t == qualified or t == module or t.startswith(module + ".") for t in f.imports.values())


def once_per_process(memo: str) -> bool:
    """A memo slot with one value for the whole process (``Call.memo``, ``Access.memo``): a
    module global or a class attribute (``_client``, ``LLM._configured``), not one per owner
    (``self._llm``) or per key (``CACHE[...]``). What its branch does runs once, at the first
    use, like start-up code."""
    return bool(memo) and not memo.startswith("self.") and not memo.endswith("[...]")


def cached_without_arguments(func: Func) -> bool:
    """A cached function (``functools.cache``, ``st.cache_resource``) that takes no arguments:
    its body runs once per process. A cache runs it once per distinct arguments, so one given a
    visitor's key runs for every visitor (``@st.cache_resource def sandbox(e2b_key)``): its
    callers decide, as for any function. Streamlit's caches leave out of the key the parameters
    named with a leading underscore (``def initialize_model(_api_key)``): with only such
    parameters the body runs once, for the first caller, and every later one gets that result."""
    decorators = func.facts.decorators
    streamlit = any(d in cat.STREAMLIT_CACHES for d in decorators)
    if not streamlit and not any(d in cat.CACHE_DECORATORS for d in decorators):
        return False
    return not [p for p in func.facts.params if p not in ("self", "cls") and not (streamlit and p.startswith("_"))]


_PROCESS_HOWS = ("process pool", "process", "process initializer")
# started once per process: a start-up hook, a process initializer, the program's command line
_ONCE_HOWS = ("process initializer", "startup hook", "command-line entry")
# started by the project's own code, with the arguments it passes (``_invoked_with``)
_THREAD_HOWS = ("thread target", "executor task", "asyncio task", "asyncio.gather", "task", "thread (asyncio.to_thread)", "thread (run_in_threadpool)", *_PROCESS_HOWS)
_LOOP_HOWS = ("asyncio task", "asyncio.gather", "task")  # run on the spawner's event loop
_UI_HOWS = ("Gradio ", "Streamlit widget callback")  # how ``spawned`` names a UI event handler


def _a(how: str) -> str:
    """``how`` (a spawn's kind, as ``spawned`` names it) with its article: "an asyncio task"."""
    return f"{'an' if how[:1] in 'aeiou' else 'a'} {how}"


def needed_of(caller: Func, call: Call, callee: Func, needed: tuple[str, ...]) -> tuple[str, ...]:
    """The optional parameters ``caller`` must be given for ``call`` to reach a site of
    ``callee`` that needs ``needed``: those the branches around the call test (``Call.guards``),
    and its own optional parameters it hands straight on as needed ones (``__init__(self,
    events=[])`` calling ``self._track(events)``, which returns at ``if not events``)."""
    out = list(call.guards)
    if needed:
        bound = 1 if callee.facts.class_name and callee.facts.params[:1] in (("self",), ("cls",)) else 0
        for p in needed:
            at = callee.facts.optional.get(p, callee.facts.params.index(p) if p in callee.facts.params else -1)
            for key, mine in call.handed:
                if (key == p or key.isdigit() and at >= 0 and int(key) == at - bound) and mine not in out:
                    out.append(mine)
    return tuple(out)


def _passes(call: Call, callee: Func, needed: tuple[str, ...]) -> bool:
    """Whether ``call`` may pass ``callee`` each optional parameter of ``needed`` (a false
    default): by keyword, by position (not a literal None), or through a splat (unknown: it may)."""
    if call.positional < 0:
        return True
    bound = 1 if callee.facts.class_name and callee.facts.params[:1] in (("self",), ("cls",)) else 0
    for p in needed:
        if p not in callee.facts.optional:
            continue  # a required parameter: every call gives one (its value is the caller's: ``needed_of``)
        at = callee.facts.optional[p] - bound
        if p not in call.passed and not (0 <= at < call.positional and at not in call.nones):
            return False
    return True


def _web_module(name: str) -> bool:
    return name.split(".", 1)[0] in cat.WEB_FRAMEWORKS


def _cli_module(name: str) -> bool:
    return name.split(".", 1)[0] in cat.CLI_FRAMEWORKS


# Streamlit's launcher and internals: a program that starts a Streamlit server (aider's
# ``launch_gui``: ``from streamlit.web import cli``) is not itself a script Streamlit re-runs
_STREAMLIT_INTERNALS = ("streamlit.web", "streamlit.file_util", "streamlit.runtime", "streamlit.testing", "streamlit.config", "streamlit.logger")


