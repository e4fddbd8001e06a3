"""Plain, picklable facts that one file is reduced to.

Facts, not CST nodes, cross process boundaries: the join stage and the rules only see these.
Names inside facts are *references*: a dotted name already resolved through the file's imports
("litellm.success_callback", "pkg.state.DATA") or a reference relative to the enclosing class
(``Ref("self", "_lock")``). The join stage (``linter.project``) turns references into project
functions, classes and bindings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter


@dataclass(frozen=True, slots=True)
class Span:
    """1-based start line/column and end line/column (end column exclusive, ruff style)."""

    line: int
    column: int
    end_line: int
    end_column: int


NO_SPAN = Span(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to something by name.

    kind: ``name`` (a dotted name resolved through imports, or ``<module>.<name>`` for a name
    defined in the same module), ``self`` (attribute of the enclosing class's instance or class),
    ``super`` (a method reached through ``super()``: the next class of the caller's MRO),
    ``entry`` (an entry of the module-level mapping so named: ``FileFacts.tables``),
    ``duck`` (a method, by its name alone, called on a parameter of no known type: the model
    resolves it when one family of project classes answers to the name),
    ``unknown`` (not resolvable statically).
    """

    kind: str
    name: str

    def __str__(self) -> str:
        if self.kind == "super":
            return f"super().{self.name}"
        return f"self.{self.name}" if self.kind == "self" else self.name


@dataclass(slots=True)
class Site:
    """A position of interest (an ``await`` inside a lock)."""

    span: Span = NO_SPAN
    # the awaited call's index in the function's ``calls`` (-1: not a call llmlint records, which
    # may suspend): whether awaiting it lets other tasks run is the callee's (``Context.suspends``)
    call: int = -1


@dataclass(slots=True)
class Binding:
    """A module-level (or class-level) name and what was bound to it."""

    name: str
    span: Span
    # "lock", "thread-local", "contextvar", "mutable", "client", "value"
    kind: str
    # qualified name of the factory when the value is a call (``threading.RLock``), else ""
    factory: str = ""
    # lock flavour when kind == "lock": "thread", "async", "process"
    lock_kind: str = ""
    # "module", "class" (class body), "instance" (``self.x = ...``), "local" or "parameter" (a
    # lock region's own: made in the function, or a parameter typed as a lock)
    scope: str = "module"
    # the project function the value is, when a function is stored (``self.completions = fn``):
    # calling the attribute runs it
    function: str = ""
    # an asyncio queue made without a maxsize: awaiting its ``put`` never suspends
    unbounded: bool = False


@dataclass(slots=True)
class Access:
    """A read or write of module-level storage, or a write to a thread-local / ContextVar."""

    target: str  # qualified storage name: "pkg.mod.DATA"
    span: Span
    how: str  # "item", "attr", "method:update", "rebind", "augmented", "read", "set"
    order: int = 0  # walk order (source order within a function), for "read after the call"
    key: str = ""  # item writes with a constant string key (``CTX["user"] = u``): that key
    constant: bool = False  # the value written is a literal (a flag or a reset, not request data)
    # client-config writes only: where the written value comes from, "<kind>:<why>" with kind
    # "literal", "process" (env vars, the operator's terminal, files, module constants),
    # "saved" (the global's own earlier value: a restore), "request" (a parameter, a
    # per-instance attribute, the current request's data) or "unknown" (a call's result, a
    # value not visible: treated like request data); and the value as written (short)
    source: str = ""
    value: str = ""
    # what else the value is made of, resolved over the whole project (``model/config_values``):
    # "p:<name>" a parameter of the function, "a:<name>" the instance's attribute ``self.<name>``
    # (or a chain of attributes, ``a:config.sandbox.env`` for ``self.config.sandbox.env``),
    # "c:<index>:<text>" the result of the function's call ``calls[index]`` (no position: facts
    # that only moved stay equal). ``source`` is then the join of the other parts only.
    depends: tuple[str, ...] = ()
    # item writes keyed by shared storage (``HISTORY[COUNT] = v``): that storage's name
    key_from: str = ""
    locked: bool = False  # inside a ``with`` block (a lock, maybe)
    # optional parameters the branches holding a config write test true (as ``Call.guards``):
    # ``if api_dict is not None: openai.api_key = api_dict["key"]`` runs only for a caller that
    # passes ``api_dict``
    guards: tuple[str, ...] = ()
    # attributes of ``self`` the branches holding a config write test true (``if self.api_key:
    # openai.api_key = self.api_key``): it runs only for an object that holds one
    attr_guards: tuple[str, ...] = ()
    # client-config writes only: the memo slot an enclosing branch fills while it is empty
    # (``if _config is None: ... _config = Config()``), as ``Call.memo``
    memo: str = ""
    # client-config writes only: the ``with`` / acquire regions (of the same function) around the
    # write, as ``Call.regions``: the model says which are locks (``Locks.serialising_lock``)
    regions: tuple[int, ...] = ()
    # item writes (``os.environ[name] = value``, ``TABLE[name] = value``) whose key and value the
    # same function also saves to a configuration file (``set_key(env_file(), name, value)``):
    # where that file's path comes from, as ``source`` / ``depends`` ("" when not saved), or
    # where a database row carrying both is ("process:..."), or the project calls handed both
    # (``s:<index>:<text>`` dependencies: saved if one of them writes a file, ``writes_file``).
    # A setting saved to the process's own store is a change of its configuration, made on purpose
    saved_to: str = ""
    saved_to_from: tuple[str, ...] = ()
    # client-config writes only: the calls of the same function handed the written value as an
    # argument (``OpenAIChat(api_key=key)`` after ``os.environ["OPENAI_API_KEY"] = key``, also
    # through locals and nested calls): (index into ``calls``, argument key as in ``Call.args``)
    given: tuple[tuple[int, str], ...] = ()
    # client-config writes only: the function returns an object holding the written value
    # (``return Config(reranker=Reranker(api_key=key))``): what its callers keep of the result
    # carries the key (``FunctionFacts.stores``)
    returned: bool = False
    # environment item writes with a computed variable name (``os.environ[cfg["env_var"]]``):
    # the function's parameters that name is made of (``PROVIDER_CONFIG[provider]``)
    key_params: tuple[str, ...] = ()
    # storage reads only: the read is part of a test (an ``if`` / ``while`` / conditional
    # expression's condition, an ``and`` / ``or`` operand): the function checks the state
    tested: bool = False
    # storage writes only: module- or class-level storage the enclosing branches test unset
    # (``if cls._headers is None:``, ``if not _CLIENT:``): the write runs only while that storage
    # is empty, and once the same branch fills it, no later call runs the write again
    while_unset: tuple[str, ...] = ()


@dataclass(slots=True)
class Call:
    """A call site."""

    callee: Ref
    span: Span
    # the callee classified by the catalogues: "litellm-call", "network", "" (unknown)
    category: str = ""
    # keyword argument names passed (for per-call callback kwargs)
    keywords: tuple[str, ...] = ()
    # index of the lock regions (in the same function) that are active at this call
    regions: tuple[int, ...] = ()
    # statement index in the function body order, used for "read after the call"
    order: int = 0
    # which arguments it passes, for path feasibility: the number of positional arguments, or -1
    # when a ``*args`` / ``**kwargs`` splat (or a spawn, whose arguments are not seen) may pass
    # any parameter; and the keywords passed a value other than a literal None
    positional: int = -1
    passed: tuple[str, ...] = ()
    # the positions given a literal None: they pass no value either (``extract(f, mime, None)``)
    nones: tuple[int, ...] = ()
    # parameters of the calling function that the branch holding this call tests true (or an
    # early exit before it tests false): ``if routing_policy is not None: apply(...)`` runs only
    # for a caller that passes ``routing_policy``
    guards: tuple[str, ...] = ()
    # the memo slot this call fills when the slot is empty (``if self._llm is None: self._llm =
    # LLM(...)``, ``if cached is None: ... CACHE[key] = cached``): it runs once per owner or key
    memo: str = ""
    # project functions and classes passed as plain arguments: (argument key, qualified name);
    # each is handed on only if the callee's parameter escapes (``FunctionFacts.escaping``):
    # ``register_config(ConfigClass)`` that only keys a registry by it builds nothing
    hands: tuple[tuple[str, str], ...] = ()
    # arguments that are objects of a known project class (a local built by ``X(...)`` or
    # annotated ``x: X``): (argument key, qualified class). Passed for a pydantic field of that
    # class, the object is kept as it is, not built again from it
    instances: tuple[tuple[str, str], ...] = ()
    # lookups whose results the branches holding this call test (``cache = self._get_cache(k)``,
    # ``if cache is None: self._fetch(k)``): their texts
    checked: tuple[str, ...] = ()
    # every argument is a literal (``LLM(model="gpt-4o")``): values fixed in the source
    literal: bool = False
    # its result is only the receiver of a method call (``ImageGen(key).generate(p)``): an
    # object built to be used at once, never kept
    chained: bool = False
    # the coroutine it makes is run by ``asyncio.run(...)``: on a loop of its own, to its end,
    # while the caller waits (once per call of the caller, not as concurrent tasks)
    run_alone: bool = False
    # its result is thrown away (a statement of its own): a generator function called so never
    # runs its body (``retrieve_proxy("")`` of a ``@contextmanager`` helper, outside any ``with``)
    discarded: bool = False
    # where each argument's value comes from, for config-value provenance across functions:
    # (position "0", "1"... or keyword, "*" or "**"; ``Access.source``; ``Access.depends``)
    args: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # the keys a ``**mapping`` argument may hold, sorted: literal keys (a dict literal, items and
    # ``update``s of a local mapping), "@" for what the caller's own ``**kwargs`` collected,
    # "*" when not known. ``ChatModel(streaming=True, **kwargs)`` with ``kwargs`` holding only
    # the temperature passes no ``api_key``: the field keeps its default
    splat_keys: tuple[str, ...] = ("*",)
    # arguments that are the caller's own parameters, passed as they are: (argument key as in
    # ``args``, the parameter's name), for path feasibility (``needed_of``)
    handed: tuple[tuple[str, str], ...] = ()
    # inside a loop of its function (``for`` / ``while`` body, a comprehension) or a lambda: it
    # may run many times, each with other arguments, in one run of the function (or after it)
    repeated: bool = False
    # inside a lambda: it runs when the lambda is called, wherever it is handed (a timer's or a
    # button's callback), not where the lambda is written
    deferred: bool = False
    # ``cls(...)`` in a classmethod: it builds the class the method is called on, a subclass too
    # (``ApiRunner.from_yaml(path)`` runs ``ApiRunner.__init__`` with its arguments)
    by_cls: bool = False
    # its arguments when each is a literal or an environment variable read by a literal name,
    # keywords sorted, in parentheses (``(api_key=<env OPENAI_API_KEY>, model='gpt-4o')``; ``()``
    # for none); "" otherwise. Two calls of one library callable with equal ``fixed`` make equal
    # objects (``model/config_values``: a write's value compared by where it is made, not its text)
    fixed: str = ""


@dataclass(slots=True)
class Registration:
    """A mutation of one of litellm's global callback registries, or a per-call callback kwarg."""

    registry: str  # "litellm.success_callback", "litellm.logging_callback_manager", "callbacks=" ...
    op: str  # "assign", "append", "extend", "insert", "remove", "pop", "clear", "augmented",
    # "slice-assign", "item-assign", "delete", "manager:add_litellm_callback", "kwarg:callbacks", ...
    span: Span
    targets: tuple[Ref, ...] = ()  # the callables registered (resolved), if any
    in_remove_loop: bool = False  # `.remove()` inside a loop over the same registry
    # the ``with`` / acquire regions (of the same function) around it: the model says which are locks
    regions: tuple[int, ...] = ()
    # parameters the branches holding it test true (as ``Call.guards``): it runs only for a
    # caller that may pass them a true value
    guards: tuple[str, ...] = ()
    # adds one process-wide handler (a literal name such as "otel", or a module-level object or
    # function) only under ``if handler not in <the same registry>:``: every run adds the same
    # handler, and only the first: set-up, whoever runs it
    idempotent: bool = False


@dataclass(slots=True)
class LockRegion:
    """A ``with``/``async with`` block whose context manager may be a lock, or the ``try`` body of
    ``x.acquire()`` ... ``finally: x.release()``."""

    lock: Ref  # the context-manager expression (a lock, or a helper call when via_call)
    span: Span  # the ``with`` item expression, or the acquire call
    # taken without blocking the event loop thread: ``async with``, ``await x.acquire()``, or
    # ``await loop.run_in_executor(pool, x.acquire)`` (the wait happens on a worker thread)
    is_async_with: bool
    via_call: bool  # ``with helper():`` (a possible @contextmanager that holds a lock)
    awaits: list[Site] = field(default_factory=list)
    yields: bool = False  # a ``yield`` inside (the @contextmanager helper shape)
    single_flight: bool = False  # cache fill / token refresh guarded by a check inside the lock
    # "with" (a ``with`` block, which the lock-narrowing fix can split) or "acquire" (acquire()
    # then ``try``/``finally: release()``)
    taken: str = "with"
    # what a local name was bound to by a call in this function (``lock = FileLock(p)``): its
    # factory decides, not its name
    local: Binding | None = None
    # the lock is one of many, picked by a key that varies (``lock = await get_user_lock(user.id)``,
    # ``self._locks[key]``): how it was picked, else ""
    keyed: str = ""
    # the lookup its body re-checks first (``cached = self._get_cache(k)``, then ``if cached:
    # return cached``): its text. Double-checked when every caller checked the same lookup before
    # calling (``Call.checked``): hits never take the lock
    recheck: str = ""
    # a caller that finds the lock held leaves instead of waiting (``if lock.locked(): raise`` right
    # before ``async with lock:``, no ``await`` between): nobody queues behind the holder's calls
    refuses_when_held: bool = False
    # the body reads or fills shared storage by a key that varies (``if sid in self._sessions``,
    # ``self._sessions[sid] = s``): the lock's owner serves many keys, so many callers
    serves_keys: bool = False
    # the method of the class whose result the local is, when no factory made it here
    # (``semaphore = self._get_semaphore()``): its text, ``self.<name>``
    made_by: str = ""
    # a lock this very function made for itself and never hands on (``lock = asyncio.Lock()``
    # then only ``with lock:`` / ``lock.acquire()``: not passed, stored, returned or seen by a
    # nested function): every call makes its own, so nobody else ever waits for it
    private: bool = False


@dataclass(slots=True)
class FunctionFacts:
    qualname: str  # "func", "Class.method", "outer.<locals>.inner", "<module>", "<main>"
    span: Span
    class_name: str = ""  # enclosing class for methods
    is_async: bool = False
    decorators: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    calls: list[Call] = field(default_factory=list)
    writes: list[Access] = field(default_factory=list)
    reads: list[Access] = field(default_factory=list)
    local_writes: list[Access] = field(default_factory=list)  # threading.local / ContextVar.set
    registrations: list[Registration] = field(default_factory=list)
    regions: list[LockRegion] = field(default_factory=list)
    # functions started concurrently from here: thread / executor / task targets
    spawns: list[tuple[Ref, str]] = field(default_factory=list)  # (target, how)
    # spawn targets called by a lambda (``run_in_executor(pool, lambda: task(x=1))``): that call,
    # with its arguments, is among ``calls``, and it is the edge that starts them
    lambda_spawns: tuple[str, ...] = ()  # sorted
    # the arguments a spawn hands its target, as a call of it (``Thread(target=f, args=(a,),
    # kwargs=k)`` is ``f(a, **k)``; ``pool.submit(f, a)`` is ``f(a)``): index into ``spawns`` ->
    # that call. A spawn missing here passes what the call graph cannot see (``pool.map``, a
    # ``partial``, a framework's handler)
    spawn_calls: dict[int, Call] = field(default_factory=dict)
    # parameters it starts as a program's command-line entry (``fire.Fire(component)``): (name,
    # how); a project function passed there runs once per process, its parameters the command line
    launches: tuple[tuple[str, str], ...] = ()
    # writes of process-wide client configuration (``litellm.api_key = k``, ``os.environ[k] = v``,
    # ``genai.configure(...)``): target is the config name, how "assign" / "item" / "method:update" /
    # "call" / "delete"
    config_writes: list[Access] = field(default_factory=list)
    # a guarded one-shot init: returns at once when a module-level flag it sets is already set
    # (``if _ready: return`` ... ``_ready = True``), so its body runs once per process
    one_shot: bool = False
    # refuses to run while it already is: ``if self._running: raise ...`` first (also inside a
    # ``with lock:``), and ``self._running = ...`` further down: the start / run of a long-lived
    # object (a server, a worker loop), one run at a time per object
    reentry_guarded: bool = False
    # memoised per key: returns at once what a shared memo slot holds (``if key in CACHE: return
    # CACHE[key]``) and fills that slot further down: the slot's text, else ""
    memoised: str = ""
    # parameters with a None default: name -> position (counting ``self``; -1 for a
    # keyword-only one), for path feasibility (``Call.guards``)
    optional: dict[str, int] = field(default_factory=dict)
    # a ``__new__`` that may return an instance of another class (``return NativeLLM(...)``)
    dispatches: bool = False
    has_loop: bool = False  # a ``for`` / ``while`` / comprehension in its own body
    # a loop of its own body that can let other tasks run (an ``await``, ``async for`` or ``async
    # with`` in it, an async comprehension): how a coroutine waits for one job after another
    loop_suspends: bool = False
    is_generator: bool = False  # a ``yield`` in its own body: its caller runs between two of its steps
    # what it puts into a container it was given (``originals[k] = os.environ.get(k)``): parameter
    # -> (source, depends) joined like ``returns``; a caller's local passed there then holds it
    fills: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # where a coroutine may let other tasks of its loop run: ``awaited`` lists the calls it awaits
    # (indexes into ``calls``); ``suspends_alone`` is any other ``await``, an ``async for`` or an
    # ``async with`` (``Context.suspends`` decides, over the callees)
    awaited: tuple[int, ...] = ()
    suspends_alone: bool = False
    # each such place, and each ``yield`` (its consumer runs there), in walk order: (``order`` of
    # the ``await`` / ``async for`` / ``async with`` / ``yield``, the awaited call's index in
    # ``calls``, -1 for any other; an ``async for``'s next step and an ``async with``'s exit at
    # the order their body ends): whether a task may run between a write and a read of the same
    # function (``Context.suspends_between``)
    suspensions: tuple[tuple[int, int], ...] = ()
    # the parameters in binding order: (name, "pos" / "kw" / "*" / "**", where its default value
    # comes from as ``Access.source``, "" without a default)
    signature: tuple[tuple[str, str, str], ...] = ()
    # parameters whose default is a string spelling an environment variable (``env_var=
    # "USER_MANAGED_API_KEY"``) -> that name, and those of them the function reads the
    # environment by (``os.environ.get(env_var)``): the variable it reads unless a caller passes
    # another (``ConfigValues.dead_variable``)
    name_defaults: tuple[tuple[str, str], ...] = ()
    env_key_reads: tuple[str, ...] = ()
    # where the returned values come from (``Access.source`` / ``Access.depends`` of them all
    # joined; "" when nothing is returned but None)
    returns: str = ""
    returns_from: tuple[str, ...] = ()
    # what its branches test (``if`` / ``while`` / conditional expressions, and an ``except``),
    # joined like ``returns``: which of its writes runs is a function of that
    branches: str = ""
    branches_from: tuple[str, ...] = ()
    # parameters it hands on (stores, returns, passes to a call, puts in a container), calls or
    # uses in a nested function or lambda, sorted: a class or function passed there may be
    # called where the call graph cannot see (``Call.hands``)
    escaping: tuple[str, ...] = ()
    # those of ``escaping`` only ever called here, passed by name to recorded calls, looked at
    # (``inspect.signature(fn)``) or sent with a process spawn's tasks: a function handed in is
    # called where the model can follow (``process_instance`` handed to ``run_evaluation``,
    # which calls it through a helper, or in pool workers)
    relayed: tuple[str, ...] = ()
    # project functions it returns by name (``return _lifespan``), qualified and sorted: a call of
    # it hands one of them out (``FastAPI(lifespan=init())`` starts what ``init`` returns)
    hands_out: tuple[str, ...] = ()
    # what a call of it returns, when one kind of object: a class (qualified; from its return
    # annotation, or every ``return`` builds that class or hands out a module-level object of
    # it), or "()" and the project function whose result it returns; else "". A method called
    # on the result (``get_client().send()``, ``c = get_client(); c.send()``) is that class's
    returns_type: str = ""
    # when ``returns_type`` is "" and its returns give several kinds of object (a factory:
    # ``if kind == "a": return A(key)`` ... ``return B(key)``): each known kind, as in
    # ``returns_type`` ("()" and a function for another's result), sorted. A method called on
    # the result is one of those classes' (the unknown returns, ``None`` too, add nothing)
    returns_types: tuple[str, ...] = ()
    # (parameter, module-level mapping, qualified) for each ``TABLE[key] = parameter`` in it,
    # sorted: a decorator that does so (``def register(cls): TABLE[cls.name] = cls``, or the
    # function a decorator factory returns) puts what it decorates in the mapping
    files_into: tuple[tuple[str, str], ...] = ()
    # parameter -> the calls handed its value as an argument (as ``Access.given``): a value passed
    # to the function reaches those calls (a key handed down to the clients built with it)
    passes: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    # the parameters (named for a credential, as ``passes``) the returned value holds
    # (``return Config(reranker=Reranker(api_key=cohere_key))`` holds ``cohere_key``)
    returning: tuple[str, ...] = ()
    # attribute chains of an imported object that it assigns (``st.session_state.config = v``,
    # one per-session slot shared by the program's functions): (chain, the index of the call
    # whose result it assigns, or -1 for any other value, -2 for a literal), sorted
    stores: tuple[tuple[str, int], ...] = ()
    # such chains (two attributes deep at least) -> the calls handed them as an argument (as
    # ``passes``): ``insert_document(path, config=st.session_state.config)``
    slot_args: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    # where the files it overwrites are (``open(p, "w")``, ``p.write_text(s)``), joined like
    # ``returns``; "" when it writes none: a function handed a setting that it saves there
    # (gptme's ``set_config_value`` rewriting the user's TOML) saves the setting
    writes_file: str = ""
    writes_file_from: tuple[str, ...] = ()
    # what makes the code after it run only for an administrator (NO_SPAN: nothing): a check that
    # turns everybody else away (``if not user.is_superuser: return 403``,
    # ``verify_super_admin(auth)``), or the function's name when a decorator or a parameter's
    # dependency demands one. A span, not a line, so that code that only moved keeps its facts
    admin_from: Span = NO_SPAN

    @property
    def one_time_scope(self) -> bool:
        return self.qualname in ("<module>", "<main>")


@dataclass(slots=True)
class ClassFacts:
    name: str
    span: Span
    bases: tuple[Ref, ...]
    # class-level and ``self.x = ...`` bindings: attribute -> binding
    attributes: dict[str, Binding] = field(default_factory=dict)
    methods: tuple[str, ...] = ()
    # where each instance attribute's values come from: name -> [(the method assigning it, "+"
    # and the method for one filling it (``self.keys[k] = v``, ``self.hooks.append(h)``), or ""
    # for a class-body field default; ``Access.source``; ``Access.depends``)]
    attribute_sources: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)
    decorators: tuple[str, ...] = ()  # a decorator may register the class (built elsewhere)
    # class-body fields whose default is None (``api_key: str | None = None``), sorted: a write
    # under ``if self.api_key:`` runs only for an object given one
    none_defaults: tuple[str, ...] = ()


@dataclass(slots=True)
class FileFacts:
    path: str  # as given to the linter (relative to cwd when possible)
    module: str  # dotted module name
    is_package: bool = False
    is_test: bool = False  # test code: tests/ folders, test_*.py, *_test.py, conftest.py
    bindings: dict[str, Binding] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    classes: dict[str, ClassFacts] = field(default_factory=dict)
    # string literals that spell a dotted path (``"pkg.embeddings.vertex.VertexEmbedding"``): a
    # plugin factory imports the class they name
    dotted_strings: tuple[str, ...] = ()  # sorted: facts of one file compare equal across processes
    # modules this file star-imports (``from .lm import *`` in a package's ``__init__`` exports
    # every public class of ``lm``)
    star_imports: tuple[str, ...] = ()  # sorted
    # line -> suppressed codes/names ("*" for a bare noqa)
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    # functions and classes handed on as values (qualified as written): see ``extract.escape``
    escapes: tuple[str, ...] = ()  # sorted: facts of one file compare equal across processes
    # (module table, function or class put in it) for a table the file never reads: they are
    # handed on only where another module reads the table (``Resolution.escapes_of``), sorted
    table_escapes: tuple[tuple[str, str], ...] = ()
    # attributes written on objects other than ``self`` (``config.region = r``, ``setattr(c,
    # "region", r)``, ``c.model_copy(update={"region": r})``; "*" for a name not known): an
    # instance's field then holds more than its constructions pass. (attribute, the writing
    # function's qualname, ``Access.source``, ``Access.depends`` of the value stored), sorted
    attribute_writes: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()
    # module-level names bound once to a string literal (``USER_CONTEXT_ATTR = "user_context"``):
    # ``setattr(state, USER_CONTEXT_ATTR, v)`` names that attribute
    constants: dict[str, str] = field(default_factory=dict)
    # module-level names bound once to a mapping whose values are project functions or classes
    # (``SPEECH = {"cloud": CloudSpeech}``, and ``SPEECH["local"] = LocalSpeech`` at module
    # level): name -> those values, qualified and sorted. A call through an entry
    # (``SPEECH[kind](key)``, ``SPEECH.get(kind)(key)``) calls one of them (``Ref("entry")``)
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)  # () for one filled only by decorators
    # environment variables read anywhere in the file (``os.environ[k]``, ``os.environ.get(k)``,
    # ``os.getenv(k)``, ``k in os.environ``), sorted; "*" for a name computed at run time or the
    # whole environment handed on or copied (``{**os.environ}``, ``os.environ.copy()``); a read
    # by a parameter of its function is that function's (``FunctionFacts.env_key_reads``)
    env_reads: tuple[str, ...] = ()
    error: str = ""  # decode / parse error message (LLM000)
    error_span: Span = NO_SPAN
    parsed: bool = False


def _fast_pickling(cls: type) -> None:
    """Pickle a slots dataclass as a plain tuple of its slots. (The generated __getstate__ /
    __setstate__ call ``dataclasses.fields()`` per object: loading a cached project took
    seconds.)"""
    names = tuple(cls.__slots__)  # type: ignore[attr-defined]
    # one C call for every slot: facts cross from the workers by pickle, and a generator of
    # getattr per object was a quarter of their pickling (pdd: 0.98 -> 0.72 s for 300 files)
    get = attrgetter(*names) if len(names) > 1 else (lambda self: (getattr(self, names[0]),))

    def getstate(self: object) -> tuple:
        return get(self)

    def setstate(self: object, state: tuple) -> None:
        for n, v in zip(names, state):
            object.__setattr__(self, n, v)

    cls.__getstate__ = getstate  # type: ignore[attr-defined]
    cls.__setstate__ = setstate  # type: ignore[attr-defined]


for _cls in list(globals().values()):
    if isinstance(_cls, type) and _cls.__module__ == __name__ and "__slots__" in vars(_cls) and hasattr(_cls, "__dataclass_fields__"):
        _fast_pickling(_cls)
