"""LLM005 global-client-config: process-wide client configuration written at request time.

## What it does
Finds writes of configuration that litellm, openai or the process read when a request is made —
`litellm.api_key` / `api_base` / `api_version` / `organization` / `num_retries` /
`modify_params` / `drop_params` / `cache` (and the provider keys), `openai.api_key` /
`base_url` / `organization`, DashScope's `dashscope.api_key` / `base_http_api_url`, `os.environ[...] = ...`, `os.environ.update()` /
`setdefault()` / `pop()`, `os.putenv()`, `genai.configure(...)`, the Vertex AI SDK's
`vertexai.init(...)` / `aiplatform.init(...)` (its default project, location and credentials),
LlamaIndex's `Settings` (`Settings.llm`, `embed_model`, `node_parser`, `text_splitter`,
`chunk_size`, `context_window`, ... and attributes of the LLM or embedding model it holds,
`Settings.llm.api_key = ...`), its legacy `set_global_service_context(...)` and
`set_global_tokenizer(...)`, LangChain's `set_llm_cache(...)`, `set_debug(...)`,
`set_verbose(...)` (`langchain.globals`, `langchain_core.globals`) and the legacy
`langchain.llm_cache` / `langchain.debug` / `langchain.verbose`,
the OpenAI Agents SDK's setters (`set_default_openai_key`,
`set_default_openai_client`, `set_default_openai_api`, `set_default_openai_responses_transport`,
`set_tracing_disabled`, `set_tracing_export_api_key`), DSPy's `dspy.configure(lm=...)` /
`dspy.settings.configure(...)` — in code that runs per request, per agent or per tenant: a function
reached from a web or UI handler (FastAPI, Flask, Django, Starlette, Gradio, a Streamlit
script), a thread / executor / task target, a task-queue job run on worker threads (a dramatiq
actor, a Temporal activity) or an `async def` some caller the call graph cannot see may start
(its callers all known, it runs as they do), and the constructor, validator or
`model_post_init` of a per-agent config object. It names the save / set / call / restore shape
(`old = litellm.modify_params; litellm.modify_params = x; try: completion() finally: ...`).
A synchronous function that restores the value, or makes the call that reads it, before it
returns cannot be interleaved by other tasks of an event loop that calls it directly (tasks
switch at an `await` only): there it needs evidence of threads.

## Why is this bad
These are module globals (the process environment, for `os.environ`): one value for every
thread and task. litellm and openai read them when the request is built, so with two tenants in
flight one request can go out with the other tenant's key, base URL or retry policy — a
credential leak in a multi-tenant server. Measured with real litellm 1.106 (8 threads × 50
calls, each thread with its own key): a large share of the calls were sent with another
thread's key (see the README for the numbers). A restore in `finally` undoes a concurrent
writer's value; `os.environ.setdefault` keeps the first visitor's key for everybody. Two agent
objects built with different keys leave every agent using the last one's, even in one thread.
LlamaIndex's `Settings` are one object for the process: an index, engine or LLM built without
its own `llm=` / `embed_model=` takes them when it is built (measured with real llama-index-core:
two threads each setting `Settings.llm` to their own `MockLLM`, 20 of 40 answers came from the
other thread's model). LangChain's globals are read by every model and chain: a tenant's cache
installed with `set_llm_cache` stored 20 of 40 answers in the other tenant's cache (two threads,
real langchain-core, `FakeListChatModel`), and `set_debug(True)` for one request printed all
20 prompts of a request that never asked for it.
google-generativeai's `genai.configure` sets the key every model takes when it first sends:
measured with google-generativeai 0.8.6 (8 threads × 20 calls, each thread with its caller's
key, against a local server echoing the key), 10 to 28 of 160 calls went out with another
caller's key; a google-genai `Client(api_key=...)` per caller sent none. The openai module's
`organization`, `project` and `default_headers` are read by the module-level client for every
request: with openai 2.54 (8 threads × 25), 25 to 69 of 200 calls carried another caller's
organisation; a client per caller, none.
The Agents SDK builds the model client of a run without its own from the default key and client
when the run starts: measured with openai-agents 0.20 (8 concurrent requests each setting its
tenant's key, then awaiting once before the run, against a local server echoing the key), 35 of
40 runs were sent with another tenant's key. DSPy's `dspy.configure` sets the settings every
module reads unless a `dspy.context` overrides them, and it raises `RuntimeError` in every thread
and asyncio task but the first that called it: measured with dspy 3.4 (`DummyLM`), 30 of 40
requests on 4 worker threads (ten rounds of four at once: all but the owner's) and 7 of 8
concurrent tasks failed. So `dspy.configure` is
reported in code that runs concurrently (threads or tasks) even when it sets the same value every
time (one shared model: 7 of 8 tasks failed); one thread building objects one after another is
its owner and is not reported for that.

Only a value that can differ between requests is a hazard: request data (the current request's
object, a handler's parameter, a value not known). Values are followed across functions: a
helper's result is what it returns (`str(token_dir())`, a folder under the user's home, is
process-wide; `tidy(input(...))` is the operator's terminal), a parameter is what its callers
pass (when all of them are visible), and `self.x` is what the constructions of the class pass
for it or its default (a class built by a registry keeps request data; one picked from a table of
classes, `{"a": A, "b": B}[kind](**data)`, is built with that call's arguments, and a class handed
to a project function that only keys a registry by it is not built there). A container handed to a
project function holds what that function puts in it (`originals[k] = os.environ.get(k)` saves
the environment, as `{k: os.environ.get(k) for k in names}` does: writing it back later is a
restore), a `@contextmanager` helper's parameters are what its `with` statements pass, a module-level table no function writes
holds what it was built with, and a module-level queue hands out whatever other code put there. A literal or a
process-wide value (another environment variable, a key typed at the operator's terminal, a
file, a module constant, an object of a library class built from such values, `Settings.llm =
OpenAI(model="gpt-4o-mini")`, or the result of a Streamlit-cached function whose parameters all
start with `_`, which Streamlit leaves out of the key) written on every request or construction
is the same for all of them
and is not reported, unless other code writes a different value into the same setting (then
whoever wrote last decides: both writes are reported). Not another value: a restore of the
saved value (it belongs to the write it undoes), a sibling literal of a function whose branches
test only process-wide facts (`PDD_ENV` defaulted to "local" or "prod" from other variables:
every call picks the same one), and a write in a script no module imports (its own process).
Nor is a fill of an unset variable: a write in the branch that runs only while the variable is
unset (`if not os.environ.get(K):`, `if K not in os.environ:`, also as a term of an `and`,
`if key not in os.environ and value:` for each variable of a table, or on a local bound from
the lookup just before, `name = name or os.getenv(K)`) happens once, and every later call finds
the first value.
Nor is a settings change: a key and value that the same function also saves to the process's
configuration store become its configuration on purpose, for every later request — a file at a
place the same for every request (`set_key(find_dotenv(), name, value)` beside
`os.environ[name] = value`, a settings page; or a project function handed both that rewrites
such a file, `write_setting(f"env.{name}", value)`, or an object carrying the value whose
`save()` does), or a database row carrying both that the function adds and commits. A
module-level table filled only with such saved settings holds configuration too. A file per
user or per request, a log appended to, and a row of one owner's (`user_id=`, `tenant=`) are no
such change. Nor is a value an administrator sets and leaves in place: code that runs only
past a check turning everybody else away (`if not user.is_superuser: return 403`, a bare
`verify_super_admin(token)` that raises, `Depends(get_current_superuser)`), in the function or
in every caller, with no restore of the setting and no network call after it in the function,
changes the instance's configuration on purpose. An administrator's temporary override around a
call of their own still races every other request.
Each write site is its own finding, so a `# noqa` or a baseline entry covers one write only.

A request's key written to an environment variable that nothing in the program reads back is
reported only with `--preview`: the value is also handed explicitly to the clients built with it
(`OpenAIChat(api_key=key)`, followed into the project functions it is passed to), and no code of
the program (the file, the project modules it imports and those importing it) reads the variable
by name or the whole environment (`{**os.environ}`, a subprocess), nor calls a third-party
client or tool that is handed neither the value nor a credential of its own (`OpenAIChat(id=...)`,
`FirecrawlTools()`, mem0's `Memory()`, `litellm.completion` without `api_key`: they fall back to
the environment; a library not known counts as one, a tool named for another variable the program
sets, `E2BTools()` beside `E2B_API_KEY`, reads that one). A method of an object the program builds
(`client.messages.create(...)` of `client = Anthropic(api_key=key)`, or of a parameter typed
`client: Anthropic`) uses what its building was given and is judged there. So does a call handed
an object that carries the key back out of the function it was handed to: a configuration a
project function builds with the key and returns (`return RAGLiteConfig(reranker=Reranker(
api_key=key))`), kept in a Streamlit session slot (`st.session_state.config = make_config(key)`)
and passed as it is (`insert_document(path, config=st.session_state.config)`), when every
assignment of that slot in the program is such a configuration (or a literal, its empty start).
So is a credential written to a variable of the program's own that no code which runs reads: the
program reads it only through accessors taking its name as a parameter's default
(`def _get_api_key(self, env_var="USER_MANAGED_ONNX_API_KEY"): return os.environ.get(env_var)`),
none of which anything calls, passes on or could call from outside (a private method), no code
reads it by name or at run time, and no library the program calls is named for its service: a
setter writing the key for an accessor its class never uses is a dead store.
A tool of a public
service that takes no key at all (agno's `DuckDuckGoTools()`, `YFinanceTools()`) reads none,
nor do LangChain's loaders of local files and web pages (`PyPDFLoader`, `WebBaseLoader`) and
its text splitters,
while one of the provider's own APIs does (`DalleTools()`). No request is then sent with
another's key, though code the program does not show could still read it.

The Vertex AI SDK's objects take the defaults when they are built: a `vertexai.init(...)`
followed in the same function by the object it is for (`TextEmbeddingModel.from_pretrained`)
gives each instance its own project, so one instance after another is no hazard when nothing
else in the project builds a Vertex object from the defaults (its message types, `Content` or
`Part`, read none); threads building two at once still are (tasks of one event loop are not,
when the two calls sit in a synchronous function, or in a coroutine with no `await` between
them: no other task runs there). Likewise for a class whose objects are only built to be used at once
(`ImageGen(key).generate(prompt)`, never kept): no older object is alive to read the newer
one's value.

Module level, `if __name__ == "__main__":` (but a Streamlit script runs both for every visitor),
`functools.cache`d / `st.cache_resource` functions without arguments (a cache runs once per
distinct arguments: given a visitor's key, once per visitor),
functions only called from those, and process-pool targets (module globals are per process
there, one task at a time) are set-up code and are not reported. Findings without concurrency
evidence (a function nothing calls, a helper whose callers are unknown) are reported only with
`--preview`. So is a write made while holding a lock that is one for the
whole process (module- or class-level, or the own lock of a class's one object: `chat =
ChatWrapper()`, or one that start-up code keeps in a module global every route reads), with a
call that uses it still inside the hold, when every other write of the setting (the same
environment variable) outside module code takes the same lock: requests take turns setting and using it, and
the wait is LLM003's (in the labelled repositories every LLM005 finding inside such a hold was
false). A lock that some writer skips, or one lock per object of a class built more than once,
orders nothing.

## Example
```python
@app.post("/chat")
async def chat(req: ChatRequest):
    litellm.api_key = req.tenant_key          # LLM005
    return await litellm.acompletion(model="gpt-4o-mini", messages=req.messages)
```

## Use instead
Pass the value per call (`api_key=`, `api_base=`, `num_retries=`, `timeout=`), or build an
explicit client per tenant (`openai.OpenAI(api_key=..., organization=..., project=...,
default_headers=...)`, `litellm.Router(...)` once per tenant at start-up; Vertex AI objects take
`project=`, `location=` and `credentials=` themselves, so call `vertexai.init` once at start-up,
if at all). With the Agents SDK, pass the key or client per run
(`Runner.run(agent, input, run_config=RunConfig(model_provider=OpenAIProvider(api_key=...),
tracing_disabled=...))`) or give the agent its own `OpenAIChatCompletionsModel(model=...,
openai_client=AsyncOpenAI(api_key=...))`: 0 of 40 runs wrong, measured as above. With DSPy,
configure the default once at start-up and set a request's model with `with dspy.context(lm=...):`
around its calls (context-local: 0 errors and 0 foreign answers, measured as above):

```python
async def chat(req: ChatRequest):
    return await litellm.acompletion(model="gpt-4o-mini", messages=req.messages, api_key=req.tenant_key)
```

LlamaIndex: pass `llm=` / `embed_model=` / `callback_manager=` to the index, query engine or
chat engine built for the request (`INDEX.as_query_engine(llm=OpenAI(model=m, api_key=k))`),
and set `Settings` once at start-up. LangChain: pass `cache=` to the model, `verbose=` to the
chain and handlers with the call (`config={"callbacks": [handler]}` or a `with` block of the
request's own), and set the globals once at start-up.

## Fix safety
Unsafe (the global keeps its previous value, which other code may have relied on): applied by
`llmlint fix --rule global-client-config` or `--unsafe-fixes`. For `litellm.api_key`,
`api_base`, `base_url`, `api_version`, `organization`, `num_retries`, `max_retries`,
`drop_params`, `request_timeout` and `headers` written in the function that then makes the
litellm calls: the write is removed (with a save and restore of the same global around it, if
any) and the value is passed to every litellm call of the function as the matching keyword.
Measured with real litellm: 8 threads × 50 calls with their own keys go from most calls sent
with a foreign key to 0 of 400. `dspy.configure(...)` / `dspy.settings.configure(...)` as a statement of its own at the top level
of a function that runs per request becomes `with dspy.context(...):` around the rest of the
function (the same settings, for this thread or task only; the settings no longer outlive the
function). Refused for a call inside a compound statement, the function's last statement, a
generator, a function calling it twice or starting threads of its own, and an imported
`configure`. Measured with real dspy (`LLM005/dspy_configure_per_job`, 4 threads × 40 jobs):
30 jobs raised before (every job off the owner thread), 0 after, and every job answered by its own model.
No automatic fix (the finding says why) for `os.environ`,
openai and dashscope globals, LlamaIndex's `Settings` and LangChain's globals, the Agents SDK's setters, `genai.configure`, `vertexai.init` / `aiplatform.init`, `modify_params` / `cache` (no per-call equivalent), writes in
a different function than the call, calls that splat `**kwargs` or already pass the keyword.
"""

from __future__ import annotations

from typing import Iterator

from linter.analysis.catalog import CONFIG_ATTRIBUTES, LLAMA_INDEX_SETTING_NAMES, OWNER_BOUND_CONFIG, SDK_CONFIG_ADVICE, sdk_config_advice
from linter.analysis.facts import Access
from linter.diagnostics import Confidence, Diagnostic, join, text
from linter.payloads import ConfigWrite
from linter.prefilter import AnyOf
from linter.analysis.needs import builders_of_classes, callers_of_low, loop_nesters, namers_of_unnamed_classes, provenance_sources, script_importers, self_test_importers
from linter.demands import Callers, Demand, per_index
from linter.project import ConfigValue, Func, ProjectIndex, Where

CODE = "LLM005"
NAME = "global-client-config"
SUMMARY = "Process-wide client configuration (API keys, base URLs, retries, os.environ) written at request time"
# module-qualified writes (``litellm.api_key =``; a file that aliases the module is parsed too),
# environ writes, putenv, Gemini's configure, Vertex AI's init, langchain's cache: bare
# ``.timeout =``, ``.configure(`` or ``.init(`` would match most of the standard library
# separate parts: each is scanned only in files that hold its own literal (one regex over the
# whole alternation ran on every file, since one branch's only literal was ``import``)
_ATTRIBUTES = b"|".join(sorted({n.rsplit(".", 1)[-1].encode() for n in CONFIG_ATTRIBUTES}))
# Each regex starts with a literal (the regex engine then scans at memory speed; a leading
# ``\b`` or alternation makes it try every position, 10-30x slower), so a few look-alikes
# (``mylitellm.api_key =``) pass too: they are parsed, never reported for that.
TOKENS = AnyOf(
    rb"litellm\.(?:" + _ATTRIBUTES + rb")\s*[-+]?=[^=]",
    rb"openai\.(?:" + _ATTRIBUTES + rb")\s*[-+]?=[^=]",
    rb"dashscope\.(?:" + _ATTRIBUTES + rb")\s*[-+]?=[^=]",
    rb"litellm\s+as\b",  # ``import litellm as ll``
    rb"openai\s+as\b",
    rb"environ\[[^\]\n]+\]\s*=[^=]|environ\.(?:update|setdefault|pop|popitem|clear)\(|del\s+[\w.]*environ\[",
    rb"putenv",
    rb"unsetenv",
    rb"generativeai",
    rb"genai\.configure\(",
    rb"vertexai\.init\(",  # ``vertexai.init(project=..., credentials=...)``
    rb"aiplatform\.init\(",
    rb"set_llm_cache",
    # issue 19: LlamaIndex's Settings (also the object it holds: ``Settings.llm.api_key =``) and
    # legacy installers, LangChain's globals and legacy module attributes
    rb"Settings\.(?:" + b"|".join(n.encode() for n in LLAMA_INDEX_SETTING_NAMES) + rb")\b[\w.]*\s*[-+]?=[^=]",
    rb"set_global_(?:service_context|tokenizer)\(",
    rb"set_debug",
    rb"set_verbose",
    rb"langchain\.(?:llm_cache|debug|verbose)\s*=[^=]",
    # the OpenAI Agents SDK's setters (``set_default_openai_key(``, ``set_tracing_disabled(``), DSPy's configure
    rb"set_default_openai_",
    rb"set_tracing_",
    rb"dspy",
    rb"able_cache\(",  # enable_cache( / disable_cache(
)


def needs(index: ProjectIndex) -> Iterator[Demand]:
    yield from callers_of_low(index, check(index))
    yield from builders_of_classes(index)  # how many objects of a class there are, where built
    yield from script_importers(index)  # whether a Streamlit-looking file runs per visitor
    yield from self_test_importers(index)  # whether a module's __main__ block is a library demo
    yield from loop_nesters(index)  # whether asyncio.run() may run inside a running loop
    yield from namers_of_unnamed_classes(index)  # a class nothing names has no per-instance evidence
    # where the values come from: callees, callers and constructions the check could not see
    yield from provenance_sources(index)
    for i, func in index.functions.items():
        # a client-config write with no concurrent caller known: its callers decide
        if func.facts.config_writes and not index.exempt(func, Where.START_UP) and any(
            _no_evidence(index, func, writes) for writes in _by_target(func).values()
        ):
            yield Callers(i)


@per_index
def check(index: ProjectIndex) -> Iterator[Diagnostic]:
    for func in index.functions.values():
        if not func.facts.config_writes or index.exempt(func, Where.TEST | Where.START_UP | Where.PROCESS_LOCAL):
            continue
        writes = sorted(func.facts.config_writes, key=lambda a: a.order)
        # one finding per write site: a suppression or a baseline entry covers that site only
        for write in writes:
            if index.filled_once(write):
                continue  # fills a process-wide memo slot: once, at the first use
            varying = index.varying_value(func, write)
            if varying is None and write.target in OWNER_BOUND_CONFIG:
                varying = _OWNER_BOUND  # the same value each time, but refused off its first thread or task
            if varying is not None:
                yield _finding(index, func, write, writes, varying)


_OWNER_BOUND = ConfigValue(
    False, text("DSPy lets only the first thread or asyncio task that called `dspy.configure` call it again, whatever the value")
)


def _by_target(func: Func) -> dict[str, list[Access]]:
    by_target: dict[str, list[Access]] = {}
    for access in sorted(func.facts.config_writes, key=lambda a: a.order):
        by_target.setdefault(access.target, []).append(access)
    return by_target


def _saved(func: Func, target: str, first: Access) -> list[Access]:
    return [r for r in func.facts.reads if (r.target == target or r.target.startswith(target + ".")) and r.order < first.order]


def _no_evidence(index: ProjectIndex, func: Func, writes: list[Access]) -> bool:
    """Whether no concurrent caller of ``func`` is known for ``writes`` (of one target)."""
    step = _one_step(index, func, writes)
    return index.concurrency_evidence(func, tasks=not (step or _within_call(index, func, writes)), step=step) is None


def _one_step(index: ProjectIndex, func: Func, writes: list[Access]) -> bool:
    """Whether some write of SDK defaults is taken by the object ``func`` builds next, with no
    ``await`` between (``taken_next``): the window lies within one step of ``func``."""
    return any(index.taken_where_set(w) and index.taken_next(func, w) for w in writes)


def _within_call(index: ProjectIndex, func: Func, writes: list[Access]) -> bool:
    """Whether the hazard lies inside one call of ``func``: it sets a literal and puts the saved
    value back (``prev = environ.get(K)``, ``environ[K] = "1"``, ... ``environ.pop(K)`` or
    ``environ[K] = prev``), or makes the network call that reads it after writing it. Tasks of
    one event loop cannot interleave there (``concurrency_evidence(tasks=False)``); a bare write
    left for a caller's later ``await`` can be. (Branches writing different values, as pdd's
    ``bridge_codex_auth_for_litellm`` does, are not a restore.)"""
    first = writes[0]
    if _saved(func, first.target, first) and any(
        w.constant and any(_restores(r, w) for r in writes if r.order > w.order) for w in writes
    ):
        return True
    return any(c.order > first.order and index.network_call(func, c) is not None for c in func.facts.calls)


def _restores(later: Access, write: Access) -> bool:
    """``later`` puts back what a literal ``write`` replaced: a computed value or a removal."""
    same = not (later.key and write.key) or later.key == write.key
    return same and (later.how in ("delete", "method:pop") or not later.constant)


def _label(target: str, write: Access) -> str:
    target = target.replace("llama_index.core.settings.Settings", "llama_index.core.Settings")
    if target == "os.environ":
        return "os.environ" + ("[...]" if write.how in ("item", "delete") else "." + write.how.removeprefix("method:") + "()")
    return target + ("()" if write.how == "call" else "")


_SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL")


def _secret(write: Access) -> bool:
    """A credential: an API key or token setting, or an environment variable named like one
    (or named at run time)."""
    if write.target in ("os.environ", "os.putenv"):
        return not write.key or any(w in write.key.upper() for w in _SECRET_WORDS)
    # a default client (``set_default_openai_client``) carries its key
    return write.target in ("google.generativeai.configure", "agents.set_default_openai_client") or "key" in write.target or "token" in write.target


def _finding(index: ProjectIndex, func: Func, write: Access, writes: list[Access], varying: ConfigValue) -> Diagnostic:
    target = write.target
    label = _label(target, write)
    same = [w for w in writes if w.target == target]
    # objects that take the SDK's defaults when built, each right after its own write, keep
    # their own values, and objects used where they are built never see the next one's: one
    # instance after another is then no hazard, only threads are
    taken = index.taken_where_set(write)
    owner_bound = varying is _OWNER_BOUND
    kept = not taken and not index.used_once(func) and not owner_bound  # one thread building objects is its owner
    per_instance = "; the last object built sets it for every instance" if kept else None
    # set, then taken by the object built next in the same function, with no ``await`` between
    # (ii-agent's tool constructions on its sessions' loop, semantic-kernel's Vertex connectors'
    # coroutines): tasks of one loop cannot run in between, threads can
    step = taken and index.taken_next(func, write) and not owner_bound
    within = (_within_call(index, func, same) or step) and not owner_bound  # any other task raises, interleaved or not
    confidence, grade = index.grade(func, concurrent=True, per_instance=per_instance, tasks=not within, needed=write.guards, step=step)
    evidence = [grade, varying.reason]
    # set and used under one process-wide lock that every writer takes: requests take turns
    # (chat-your-data's ChatWrapper sets openai.api_key and runs its chain under its one object's
    # lock; in the labelled repositories every LLM005 finding inside such a hold was false)
    serial = index.serialising_lock(func, write)
    if serial is not None:
        confidence = Confidence.LOW
        evidence.append(text(
            f"every write of it is made under {serial.label} (", serial.description,
            "), held across the call that uses it: requests take turns (reported with --preview; "
            "the wait is LLM003's)",
        ))
    what = "environment" if target == "os.environ" else "configuration"
    # a variable nothing in the program reads: every client is handed the value itself, so no
    # request is sent with another's; reported only with --preview (a reader outside the
    # program's visible code, or one the model does not know, would still take it)
    unread = (index.unread_variable(func, write) or index.dead_variable(func, write)) if varying.request_data else None
    advice = sdk_config_advice(target)
    if unread is not None:
        confidence = Confidence.LOW
        evidence.append(unread)
        message = (
            f"`{label}` writes a request's value into the process-wide environment, where every thread and "
            "task shares it; no code here reads it back, but any code that falls back to the variable "
            "would get another request's value. Pass it per call only"
        )
    elif owner_bound:
        setting, instead = SDK_CONFIG_ADVICE[target]
        message = (
            f"`{label}` sets {setting}, at request time: DSPy lets only the first thread or asyncio task "
            "that called it change them and raises `RuntimeError` in every other, so concurrent requests "
            f"fail even with the same value. Instead, {instead}"
        )
    elif target in SDK_CONFIG_ADVICE:
        # another SDK's setter: what it sets, and that SDK's per-run or per-context form
        setting, instead = SDK_CONFIG_ADVICE[target]
        value = "value (another tenant's key)" if _secret(write) else "value"
        why = "" if varying.request_data else ", and other code writes a different value"
        message = (
            f"`{label}` sets {setting}, at request time{why}: every thread and task shares it, so a "
            f"concurrent request can run with this request's {value} or this one with theirs. Instead, {instead}"
        )
    elif advice is not None:
        # another SDK's settings (LlamaIndex, LangChain): say what shares them and the per-request form
        shared, instead = advice
        value = "value (another tenant's key)" if _secret(write) else "value"
        if varying.request_data:
            message = (
                f"`{label}` writes process-wide configuration at request time: {shared}, so a concurrent "
                f"request can run with this request's {value}. {instead}"
            )
        else:
            message = (
                f"`{label}` writes process-wide configuration at request time, and other code writes a "
                f"different value: {shared}, so a concurrent request can run with either. {instead}"
            )
    elif varying.request_data:
        value = "value (another tenant's key)" if _secret(write) else "value"
        message = (
            f"`{label}` writes process-wide client {what} at request time: every thread and task shares "
            f"it, so a concurrent request can be sent with this request's {value} or this one with theirs. "
            "Pass it per call or use a client instance per tenant"
        )
    else:
        message = (
            f"`{label}` writes process-wide client {what} at request time, and other code writes a "
            "different value: every thread and task shares it, so a concurrent request can be sent "
            "with either. Set it once at start-up, or pass it per call"
        )
    restores = [w for w in writes if w.order > write.order and w.target == target and w.key == write.key and w.source.startswith("saved")]
    saved = [r for r in func.facts.reads if (r.target == target or r.target.startswith(target + ".")) and r.order < write.order]
    model_call = index.litellm_call_through(func)
    call = model_call or _network_call(index, func)
    if restores and (saved or target == "os.environ") and call is not None:
        message += (
            "; it is saved, set and restored around the call: the restore undoes a concurrent "
            "writer's value and concurrent calls run with this one"
        )
    if write.how == "method:setdefault":
        message += "; `setdefault` keeps the first request's value for every later request"
    if call is not None and unread is None:
        # litellm reads its settings and the provider keys when a model call is made; another
        # network call (browser-use's version check) may not read this setting at all
        said = "the call that reads it: " if model_call is not None else "a network call made after it: "
        evidence.append(text(said, call[1].text(" → "), " at ", index.loc(func.file, call[0].span)))
    if restores:
        evidence.append(text("restored at ", join(", ", (index.loc(func.file, w.span) for w in restores))))
    payload = ConfigWrite(func.id, target, write.how)
    return Diagnostic(CODE, NAME, func.file.path, write.span, message, confidence, tuple(evidence), payload=payload)


def _network_call(index: ProjectIndex, func: Func):  # type: ignore[no-untyped-def]
    for call in sorted(func.facts.calls, key=lambda c: c.order):
        chain = index.network_call(func, call)
        if chain is not None:
            return call, chain
    return None


# Cases, run by tests/test_rule_cases.py: what the rule reports and what it leaves alone.
from linter.cases import Invalid, Valid  # noqa: E402  (after the rule, which does not use them)

VALID = [
    # written once at import; the request passes its key per call
    # a local dict filled with literals, then copied into the environment: the same for all
    Valid(
        """
        import os

        import litellm


        async def quiet_chat(messages):
            env = {}
            env["LITELLM_LOG"] = "ERROR"
            os.environ.update(env)
            return await litellm.acompletion(model="gpt-4o-mini", messages=messages)
        """
    ),
    Valid(
        """
        import os

        import litellm

        litellm.drop_params = True
        os.environ.setdefault("LITELLM_LOG", "ERROR")


        async def chat(messages, tenant_key):
            return await litellm.acompletion(model="gpt-4o-mini", messages=messages, api_key=tenant_key)
        """
    ),
    # a cached set-up function: once per process, whoever calls it first
    Valid(
        """
        import functools
        import os

        import google.generativeai as genai


        @functools.lru_cache(maxsize=1)
        def configured_model():
            genai.configure(api_key=os.environ["GEMINI_API_KEY"])
            return genai.GenerativeModel("gemini-1.5-flash")


        async def haiku(topic):
            return configured_model().generate_content(f"A haiku about {topic}").text
        """
    ),
    # a process pool: each job's environment is its worker process's own
    Valid(
        """
        import os
        from concurrent.futures import ProcessPoolExecutor

        import litellm


        def caption(job):
            os.environ["OPENAI_API_KEY"] = job["key"]
            reply = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": job["prompt"]}])
            return reply.choices[0].message.content


        def caption_all(jobs):
            with ProcessPoolExecutor() as pool:
                return list(pool.map(caption, jobs))
        """
    ),
    # every agent built sets the same literal, and nothing else sets another: no request can
    # see a value another request chose
    Valid(
        """
        import os

        import litellm


        class ResearchAgent:
            def __init__(self, name, api_key):
                self.name = name
                self.api_key = api_key
                litellm.drop_params = True
                os.environ["TOKENIZERS_PARALLELISM"] = "false"

            async def ask(self, prompt):
                return await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], api_key=self.api_key)
        """
    ),
    # a key the operator types at the terminal, or one copied from another environment
    # variable: the same value for every request the process serves
    Valid(
        """
        import getpass
        import os

        import litellm
        from fastapi import FastAPI

        app = FastAPI()


        def require_key(var):
            if not os.environ.get(var):
                os.environ[var] = getpass.getpass(f"{var}: ")
            os.environ["AZURE_API_KEY"] = os.environ.get("AZURE_OPENAI_KEY", "")


        @app.post("/draft")
        async def draft(topic: str):
            require_key("OPENAI_API_KEY")
            return await litellm.acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": topic}])
        """
    ),
    # test code sets keys for itself
    Valid(
        """
        import os

        import litellm


        def test_completion_with_fake_key():
            os.environ["OPENAI_API_KEY"] = "sk-test"
            litellm.api_key = "sk-test"
            reply = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], mock_response="ok")
            assert reply.choices[0].message.content == "ok"
        """,
        path="tests/test_llm.py",
    ),
]

INVALID = [
    # the docs' example: a FastAPI route, high
    # the same local dict filled from the request: its source is the request's
    Invalid(
        """
        import os

        import litellm


        async def tenant_chat(messages, tenant):
            env = {}
            env["OPENAI_API_KEY"] = tenant.key
            os.environ.update(env)
            return await litellm.acompletion(model="gpt-4o-mini", messages=messages)
        """,
        9, 5, Confidence.HIGH,
    ),
    Invalid(
        """
        import litellm
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()


        class ChatRequest(BaseModel):
            tenant_key: str
            messages: list[dict]


        @app.post("/chat")
        async def chat(req: ChatRequest):
            litellm.api_key = req.tenant_key
            return await litellm.acompletion(model="gpt-4o-mini", messages=req.messages)
        """,
        15, 5, Confidence.HIGH,
    ),
    # the constructor of a per-agent config object: the last one built wins, medium
    Invalid(
        """
        import os


        class AgentConfig:
            def __init__(self, name, api_key):
                self.name = name
                os.environ["OPENAI_API_KEY"] = api_key
        """,
        7, 9, Confidence.MEDIUM,
    ),
    # two constructors set one flag to different literals: the last agent built decides for all
    Invalid(
        """
        import litellm


        class StrictAgent:
            def __init__(self, model):
                self.model = model
                litellm.drop_params = False


        class LenientAgent:
            def __init__(self, model):
                self.model = model
                litellm.drop_params = True
        """,
        7, 9, Confidence.MEDIUM,
        also=((13, 9, Confidence.MEDIUM),),
    ),
    # each write is its own finding: a `# noqa` on the harmless one keeps the key write reported
    Invalid(
        """
        import os

        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/ask", methods=["POST"])
        def ask():
            os.environ["LITELLM_LOG"] = request.json["log_level"]  # noqa: LLM005
            os.environ["OPENAI_API_KEY"] = request.json["key"]
            return "ok"
        """,
        11, 5, Confidence.HIGH,
    ),
    # save / set / call / restore in a function nothing is shown to call concurrently: low
    Invalid(
        """
        import litellm


        def ask_without_params(prompt):
            old = litellm.modify_params
            litellm.modify_params = True
            try:
                return litellm.completion(model="claude-3-haiku", messages=[{"role": "user", "content": prompt}])
            finally:
                litellm.modify_params = old
        """,
        6, 5, Confidence.LOW,
    ),
]
