"""Built-in catalogues: litellm registries, network calls, lock factories, callback methods.

Everything here is a fact about third-party libraries (litellm 1.106, openai, anthropic,
requests, httpx, aiohttp, urllib, socket, threading, asyncio, multiprocessing). Users extend the
lists through ``[tool.llmlint]`` (see ``linter.config``); ``Catalog`` carries the merged result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# litellm's module-level callback registries (knowledge/litellm-callbacks.md §1).
REGISTRIES = frozenset(
    "litellm." + n
    for n in (
        "callbacks",
        "success_callback",
        "failure_callback",
        "input_callback",
        "service_callback",
        "audit_log_callbacks",
        "_async_success_callback",
        "_async_failure_callback",
        "_async_input_callback",
    )
)
CALLBACK_MANAGER = "litellm.logging_callback_manager"

# The litellm call family: module functions that make a model call.
LITELLM_CALLS = frozenset(
    "litellm." + n
    for n in (
        "completion",
        "acompletion",
        "text_completion",
        "atext_completion",
        "embedding",
        "aembedding",
        "responses",
        "aresponses",
        "image_generation",
        "aimage_generation",
        "transcription",
        "atranscription",
        "speech",
        "aspeech",
        "moderation",
        "amoderation",
        "rerank",
        "arerank",
        "completion_with_retries",
        "acompletion_with_retries",
        "batch_completion",
        "anthropic_messages",
        "amessages",
        "main.completion",
        "main.acompletion",
    )
)
# litellm calls that return a list of responses, one per request (each runs the callbacks).
LITELLM_BATCH_CALLS = frozenset(["litellm.batch_completion"])

_CALL_FAMILY = frozenset(n.rsplit(".", 1)[-1] for n in LITELLM_CALLS)


def is_litellm_call(name: str | None) -> bool:
    """A litellm model call, by its public name (``litellm.responses``) or where litellm
    defines it (``litellm.responses.main.responses``, ``litellm.rerank_api.main.rerank``: the
    module moves between releases, 1.106 has ``litellm.responses.dispatch``), imported from a
    submodule: every part between ``litellm`` and the function is a lower-case module name."""
    if name in LITELLM_CALLS:
        return True
    if not name or not name.startswith("litellm."):
        return False
    parts = name.split(".")
    return len(parts) > 2 and parts[-1] in _CALL_FAMILY and all(p.islower() and p.isidentifier() for p in parts[1:-1])


# Methods of a litellm.Router instance that make a model call.
ROUTER_METHODS = frozenset(
    n.removeprefix("litellm.") for n in LITELLM_CALLS if not n.startswith("litellm.main.")
)

# Module-level functions that do network I/O.
NETWORK_FUNCTIONS = frozenset(
    [f"requests.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "options", "request")]
    + [f"httpx.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")]
    + [
        "urllib.request.urlopen",
        "urllib.request.urlretrieve",
        "socket.create_connection",
        "socket.getaddrinfo",
        "http.client.HTTPConnection.request",
        "openai.chat.completions.create",
        "openai.completions.create",
        "openai.embeddings.create",
        "openai.responses.create",
    ]
)
# Factories of client objects whose methods do network I/O, and those methods.
CLIENT_FACTORIES = frozenset(
    [
        "requests.Session",
        "requests.session",
        "httpx.Client",
        "httpx.AsyncClient",
        "aiohttp.ClientSession",
        "openai.OpenAI",
        "openai.AsyncOpenAI",
        "openai.AzureOpenAI",
        "openai.AsyncAzureOpenAI",
        "anthropic.Anthropic",
        "anthropic.AsyncAnthropic",
        "litellm.Router",
        "http.client.HTTPConnection",
        "http.client.HTTPSConnection",
        "socket.socket",
    ]
)
CLIENT_METHODS = frozenset(
    ["get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send"]
    + ["getresponse", "connect", "sendall", "recv", "send"]
    + sorted(ROUTER_METHODS)
)
# Attribute-chain suffixes of SDK client calls (``client.chat.completions.create``).
SDK_CALL_SUFFIXES = (
    ".chat.completions.create",
    ".chat.completions.parse",
    ".completions.create",
    ".messages.create",
    ".messages.stream",
    ".responses.create",
    ".embeddings.create",
    ".images.generate",
    # google-genai: ``genai.Client(...).models.embed_content(...)`` (and ``client.aio.models``)
    ".models.generate_content",
    ".models.generate_content_stream",
    ".models.embed_content",
    ".files.upload",
)

LOCK_FACTORIES: dict[str, str] = {
    **{f"threading.{n}": "thread" for n in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")},
    **{n: "thread" for n in ("_thread.allocate_lock", "_thread.RLock", "threading._allocate_lock")},
    **{f"asyncio.{n}": "async" for n in ("Lock", "Semaphore", "BoundedSemaphore", "Condition")},
    **{
        f"multiprocessing.{n}": "process"
        for n in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")
    },
}

# Locks between processes (a file, a flock): they do not serialise the threads of one process
# the way a thread lock does, and the file they guard is why they are held across the work.
INTERPROCESS_LOCK_FACTORIES = frozenset(
    [
        *(f"filelock.{n}" for n in ("FileLock", "SoftFileLock", "UnixFileLock", "WindowsFileLock", "AsyncFileLock", "AsyncSoftFileLock")),
        *(f"portalocker.{n}" for n in ("Lock", "RLock", "BoundedSemaphore", "TemporaryFileLock", "RedisLock")),
        *(f"fasteners.{n}" for n in ("InterProcessLock", "InterProcessReaderWriterLock")),
        "fasteners.process_lock.InterProcessLock",
        "oslo_concurrency.lockutils.external_lock",
        "lockfile.LockFile",
        "pid.PidFile",
    ]
)
# Calls that lock a file: a project class whose methods make them is an inter-process lock.
FILE_LOCK_CALLS = frozenset(["fcntl.flock", "fcntl.lockf", "msvcrt.locking"])
# Keyword arguments that name a factory called once per instance (``field(default_factory=
# asyncio.Lock)``, pydantic ``Field`` / ``PrivateAttr``, attrs ``Factory``): the value is the factory's.
DEFAULT_FACTORY_KEYWORDS = ("default_factory", "factory")
FIELD_FUNCTIONS = frozenset(["field", "Field", "PrivateAttr", "ib", "attrib", "Factory"])

# asyncio's queues: ``put`` on one made without a ``maxsize`` never waits (it completes in the
# awaiting task's step, like ``put_nowait``)
ASYNC_QUEUES = frozenset(["asyncio.Queue", "asyncio.LifoQueue", "asyncio.PriorityQueue"])
# queues: what one hands out is whatever some other code put there (a job's tenant key), never
# a process-wide constant, whoever reads it
CHANNEL_FACTORIES = frozenset(
    [
        "queue.Queue", "queue.SimpleQueue", "queue.LifoQueue", "queue.PriorityQueue",
        "asyncio.Queue", "asyncio.LifoQueue", "asyncio.PriorityQueue",
        "multiprocessing.Queue", "multiprocessing.SimpleQueue", "collections.deque",
    ]
)
MUTABLE_FACTORIES = frozenset(
    [
        "dict",
        "list",
        "set",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "collections.deque",
        "types.SimpleNamespace",
    ]
)
MUTATING_METHODS = frozenset(
    [
        "append",
        "extend",
        "insert",
        "update",
        "setdefault",
        "pop",
        "popitem",
        "clear",
        "add",
        "discard",
        "remove",
        "appendleft",
        "extendleft",
        "__setitem__",
    ]
)
REGISTRY_METHODS = frozenset(["append", "extend", "insert", "remove", "pop", "clear", "__setitem__", "__delitem__"])

THREAD_LOCAL_FACTORIES = frozenset(["threading.local", "_threading_local.local"])
CONTEXTVAR_FACTORIES = frozenset(["contextvars.ContextVar"])
CACHE_DECORATORS = frozenset(["functools.cache", "functools.lru_cache", "functools.cached_property"])
# calls that look at a function handed to them without calling or keeping it
# (``FunctionFacts.relayed``): ``signature(process_instance_func)``, ``callable(fn)``
FUNCTION_INSPECTORS = frozenset([
    "inspect.signature", "inspect.iscoroutinefunction", "asyncio.iscoroutinefunction", "inspect.getfullargspec",
    "inspect.isfunction", "inspect.ismethod", "callable", "isinstance", "issubclass", "type", "getattr", "hasattr", "id", "repr", "str", "print",
])
# class decorators that do not hand the class to anything: any other (``@register("x")``) may
# register it with a factory that builds it from elsewhere
# methods that run while an object is built (``__init__``, a dataclass's ``__post_init__``,
# pydantic's ``model_post_init``): once per construction, before other code can touch the object
CONSTRUCTION_HOOKS = frozenset(["__init__", "__post_init__", "model_post_init"])
# pydantic's class methods that build an object from a mapping: its values are the mapping's
MODEL_VALIDATORS = frozenset(["model_validate", "model_validate_json", "parse_obj", "parse_raw", "model_construct"])
PLAIN_CLASS_DECORATORS = frozenset(["dataclasses.dataclass", "dataclass", "pydantic.dataclasses.dataclass", "functools.total_ordering"])
CONTEXTMANAGER_DECORATORS = frozenset(["contextlib.contextmanager", "contextlib.asynccontextmanager"])

CUSTOM_LOGGER = "litellm.integrations.custom_logger.CustomLogger"
CUSTOM_LOGGER_ALIASES = frozenset([CUSTOM_LOGGER, "litellm.CustomLogger", "litellm.integrations.CustomLogger"])
# CustomLogger methods that litellm calls on its logging thread / task.
CALLBACK_METHODS = frozenset(
    [
        "log_pre_api_call",
        "log_post_api_call",
        "log_stream_event",
        "log_success_event",
        "log_failure_event",
        "async_log_pre_api_call",
        "async_log_stream_event",
        "async_log_success_event",
        "async_log_failure_event",
    ]
)

# Concurrency entry points: a callable passed here runs on another thread / task.
SPAWN_FUNCTIONS = {
    "threading.Thread": "thread target",
    "threading.Timer": "thread target",
    "asyncio.create_task": "asyncio task",
    "asyncio.ensure_future": "asyncio task",
    "asyncio.gather": "asyncio.gather",
    "asyncio.to_thread": "thread (asyncio.to_thread)",
    # Starlette's (and FastAPI's re-export) and anyio's: the function runs in a worker thread
    "starlette.concurrency.run_in_threadpool": "thread (run_in_threadpool)",
    "fastapi.concurrency.run_in_threadpool": "thread (run_in_threadpool)",
    "anyio.to_thread.run_sync": "thread (run_in_threadpool)",
}
# Process-wide client configuration (knowledge/litellm-callbacks.md §7, §8): module attributes
# read at request time by litellm / openai, the process environment, and configure functions.
CONFIG_ATTRIBUTES = frozenset(
    [
        f"litellm.{n}"
        for n in (
            "api_key", "api_base", "base_url", "api_version", "organization", "num_retries",
            "max_retries", "modify_params", "drop_params", "cache", "request_timeout", "headers",
            "openai_key", "anthropic_key", "azure_key", "cohere_key", "replicate_key",
            "huggingface_key", "togetherai_api_key", "openrouter_key", "groq_key", "vertex_project",
            "vertex_location", "model_alias_map", "max_budget", "ssl_verify", "client_session",
            "aclient_session", "use_litellm_proxy", "default_fallbacks", "context_window_fallbacks",
        )
    ]
    + [
        f"openai.{n}"
        for n in (
            "api_key", "base_url", "api_base", "organization", "project", "api_type", "api_version",
            "timeout", "max_retries", "default_headers", "default_query", "http_client",
            "azure_endpoint", "azure_ad_token",
        )
    ]
    # Alibaba's DashScope SDK (Qwen models): read on every call that is not given its own
    # (dashscope 2.0.2: common/api_key.py get_default_api_key, the HTTP and WebSocket clients' URLs)
    + [f"dashscope.{n}" for n in ("api_key", "api_key_file_path", "base_http_api_url", "base_websocket_api_url")]
    # issue 19 (h19a): LlamaIndex's ``Settings`` and LangChain's legacy module attributes
    # (``LLAMA_INDEX_SETTINGS`` / ``LANGCHAIN_ATTRIBUTES`` below; listed here by name, as they are read)
    + [f"{s}.{n}" for s in ("llama_index.core.Settings", "llama_index.core.settings.Settings") for n in (
        "llm", "embed_model", "tokenizer", "node_parser", "text_splitter", "transformations", "chunk_size",
        "chunk_overlap", "context_window", "num_output", "prompt_helper",
    )]
    + [f"langchain.{n}" for n in ("llm_cache", "debug", "verbose")]
)
ENVIRON = "os.environ"
# module-level names that hold the current request's data (context-local proxies), and
# libraries whose every value is per visitor (a Streamlit widget's value): a config value read
# from them is request data, though it is not a parameter
REQUEST_DATA = frozenset(
    [
        "flask.request", "flask.session", "flask.g", "quart.request", "quart.session", "quart.g", "bottle.request", "werkzeug.local",
        # starlette-context's request-scoped dict (pr-agent keeps each webhook's settings there)
        "starlette_context.context",
    ]
)
REQUEST_DATA_MODULES = ("streamlit.", "chainlit.", "gradio.")
# ... except the app's own configuration those modules expose: Streamlit's ``st.secrets`` is the
# deployment's secrets.toml, the same for every visitor (llama2-chatbot exports it, or else the
# visitor's typed token: the token is the per-visitor value, not the secret)
APP_CONFIG_OF_REQUEST_MODULES = frozenset(["streamlit.secrets"])
ENVIRON_METHODS = frozenset(["update", "setdefault", "pop", "clear", "popitem", "__setitem__", "__delitem__"])
# Who may read an environment variable that holds a credential, besides code naming it: a
# third-party client or tool built without one (agno's ``OpenAIChat(id=...)``, ``FirecrawlTools()``,
# mem0's ``Memory``, ``litellm.completion`` without ``api_key``) falls back to the environment.
# These libraries read no credential from it (user interface, data, documents, plain HTTP):
LIBRARIES_READING_NO_CREDENTIAL = frozenset(
    [
        "streamlit", "gradio", "pydantic", "pydantic_settings", "dotenv", "typing_extensions", "numpy", "pandas", "PIL",
        "pypdf", "PyPDF2", "fitz", "docx", "bs4", "markdown", "yaml", "plotly", "matplotlib", "altair", "requests",
        "httpx", "aiohttp", "icalendar", "tenacity", "rich", "tqdm", "pytz", "dateutil", "uvicorn", "chainlit",
        # clients of public services that take no key at all (search pages, encyclopaedias, quotes)
        "duckduckgo_search", "ddgs", "wikipedia", "arxiv", "yfinance", "googlesearch",
    ]
)  # and the web frameworks (``WEB_FRAMEWORKS``)
# Tools of agent frameworks that wrap such a service, named to their module or class (a dotted
# prefix of the call): they take no key, so they read no provider's variable. The framework's
# other objects may (agno's ``Agent()`` defaults to an OpenAI model; a website or PDF search tool
# embeds with one), as may a wrapper of a keyed API of the same name (langchain's
# ``GoogleSearchAPIWrapper`` reads ``GOOGLE_API_KEY``; agno's ``GoogleSearchTools`` scrapes).
TOOLS_READING_NO_CREDENTIAL = frozenset(
    [
        *(
            f"{framework}.tools.{module}"
            for framework in ("agno", "phi")
            for module in ("duckduckgo", "googlesearch", "yfinance", "wikipedia", "arxiv", "arxiv_toolkit", "hackernews", "newspaper4k", "calculator", "baidusearch")
        ),
        "autogen.tools.experimental.SearxngSearchTool", "autogen.tools.experimental.searxng",
        *(
            f"{package}.{name}"
            for package in ("langchain_community.tools", "langchain.tools")
            for name in ("DuckDuckGoSearchRun", "DuckDuckGoSearchResults", "WikipediaQueryRun", "ArxivQueryRun", "ddg_search", "wikipedia", "arxiv")
        ),
        *(
            f"{package}.{name}"
            for package in ("langchain_community.utilities", "langchain.utilities")
            for name in ("DuckDuckGoSearchAPIWrapper", "WikipediaAPIWrapper", "ArxivAPIWrapper", "duckduckgo_search", "wikipedia", "arxiv")
        ),
        # LangChain's loaders of local files and public web pages, and its text splitters: they
        # read and cut documents and take no key (the cloud stores' loaders, S3 or Drive, and the
        # parsers that call a model API, ``OpenAIWhisperParser``, are left out: they read one)
        *(
            f"{package}.{name}"
            for package in ("langchain_community.document_loaders", "langchain.document_loaders")
            for name in (
                "PyPDFLoader", "PyMuPDFLoader", "PDFPlumberLoader", "PyPDFDirectoryLoader", "PDFMinerLoader", "TextLoader",
                "CSVLoader", "JSONLoader", "Docx2txtLoader", "BSHTMLLoader", "DirectoryLoader", "WebBaseLoader",
                "UnstructuredPDFLoader", "UnstructuredFileLoader", "UnstructuredWordDocumentLoader",
                "UnstructuredMarkdownLoader", "UnstructuredHTMLLoader", "UnstructuredURLLoader", "YoutubeLoader",
            )
        ),
        "langchain.text_splitter", "langchain_text_splitters",
    ]
)
# keywords that hand a client its credential (or a child process its whole environment): one
# given its own reads none from the environment
CREDENTIAL_KEYWORDS = frozenset(
    ["api_key", "apikey", "token", "access_token", "auth_token", "api_token", "credentials", "password", "secret", "client_secret", "env"]
)
CREDENTIAL_KEYWORD_SUFFIXES = ("_api_key", "_apikey", "_token")
# standard-library calls that start a process with a copy of the whole environment unless
# given ``env=``: the child may read any variable
ENVIRONMENT_INHERITORS = frozenset(
    [
        "subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
        "subprocess.getoutput", "subprocess.getstatusoutput", "os.system", "os.popen", "os.execv", "os.execvp",
        "os.execl", "os.execlp", "os.spawnv", "os.spawnl", "os.posix_spawn", "os.posix_spawnp",
        "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
    ]
)
# Calls that save a setting to a configuration file the process loads (python-dotenv 1.x
# ``set_key(dotenv_path, key_to_set, value_to_set, ...)`` writes ``KEY=value`` into a .env):
# the arguments (position, keyword) of the file, the key and the value
CONFIG_FILE_SAVERS: dict[str, tuple[tuple[int, str], tuple[int, str], tuple[int, str]]] = {
    name: ((0, "dotenv_path"), (1, "key_to_set"), (2, "value_to_set")) for name in ("dotenv.set_key", "dotenv.main.set_key")
}
# module functions that open a file as ``open(file, mode)`` does (a path object's ``open(mode)`` is
# told by its receiver)
FILE_OPENERS = frozenset(["io.open", "builtins.open", "codecs.open", "aiofiles.open"])
# the first word of a database row's field that names whose row it is (``user_id=``, ``tenant=``):
# a setting saved in such a row is that owner's, not the server's configuration
ROW_OWNERS = frozenset(["user", "owner", "tenant", "account", "customer", "member", "agent", "session", "conversation", "org", "organization", "company", "workspace", "team"])
# what names an administrator in an access check (``user.is_superuser``, ``verify_super_admin``,
# ``get_current_active_superuser``), and the verbs of a check that raises for anybody else
ADMIN_WORDS = ("admin", "superuser")
ADMIN_DEMANDS = ("verify", "require", "ensure", "assert")
ADMIN_CHECK_VERBS = (*ADMIN_DEMANDS, "check", "get_current")
# SDK defaults that the SDK's objects take when they are built, not when they are used
# (aiplatform 2.7 ``base.py``: ``self.project = project or initializer.global_config.project`` in
# the constructor): setting them and building the object right after, in the same function, hands
# that object its own values; only objects built elsewhere later read another instance's. The
# modules whose objects read them:
DEFAULTS_TAKEN_AT_CONSTRUCTION = {
    name: ("vertexai", "google.cloud.aiplatform", "langchain_google_vertexai", "llama_index.llms.vertex", "llama_index.embeddings.vertex")
    for name in ("vertexai.init", "google.cloud.aiplatform.init")
}
# the Vertex SDK's message and option types, built from their arguments alone (``Content(role=...,
# parts=[Part.from_text(t)])``, ``GenerationConfig(...)``): under a module of
# ``DEFAULTS_TAKEN_AT_CONSTRUCTION`` but reading no project, location or credentials
# (semantic-kernel's Vertex connectors turn the chat history into ``Content`` in a helper)
DEFAULTS_FREE_TYPES = tuple(
    f"{module}.{name}"
    for module in ("vertexai.generative_models", "vertexai.preview.generative_models")
    for name in ("Content", "Part", "Tool", "ToolConfig", "FunctionDeclaration", "GenerationConfig", "SafetySetting", "Image")
) + tuple(f"vertexai.language_models.{name}" for name in ("TextEmbeddingInput", "InputOutputTextPair", "ChatMessage"))
# class decorators of dependency-injection containers that build one object per container (one
# per process): its constructor runs once, not per request or agent
SINGLETON_CLASS_DECORATORS = frozenset(["injector.singleton"])
CONFIG_FUNCTIONS = frozenset(
    [
        "os.putenv",
        "os.unsetenv",
        "google.generativeai.configure",
        # the Vertex AI SDK's default project, location and credentials (``initializer.global_config``):
        # every Vertex object built after it without its own takes them (init only replaces what it
        # is given; aiplatform 2.7 ``base.py``), so mem0's vector store without credentials in its
        # config runs as the last embedder's service account
        "vertexai.init",
        "google.cloud.aiplatform.init",
        # issue 19 (h19a): LangChain's globals (``LANGCHAIN_GLOBALS``), LlamaIndex's legacy
        # ServiceContext installer and global tokenizer
        *(f"{m}.{f}" for m in ("langchain.globals", "langchain_core.globals") for f in ("set_llm_cache", "set_debug", "set_verbose")),
        "llama_index.core.set_global_service_context",
        "llama_index.core.settings.set_global_service_context",
        "llama_index.core.service_context.set_global_service_context",
        "llama_index.core.set_global_tokenizer",
        "litellm.enable_cache",
        "litellm.disable_cache",
    ]
)
# ---- issue 19, other SDKs (h19b): the OpenAI Agents SDK (``openai-agents``, module ``agents``) and
# DSPy. Their process-wide setters and registries, and what each says in a finding. ----
# Process-wide configuration setters (openai-agents 0.x ``agents/__init__.py`` -> ``_config``:
# the key / client / API every model built without its own takes when the run starts; the
# tracing switches; DSPy's ``settings.configure``, whose values every module reads unless a
# ``dspy.context`` overrides them, and which raises when called from a thread or asyncio task
# other than the first one that called it)
SDK_CONFIG_FUNCTIONS = frozenset(
    [
        *(
            f"agents.{n}"
            for n in (
                "set_default_openai_key", "set_default_openai_client", "set_default_openai_api",
                "set_default_openai_responses_transport", "set_tracing_disabled", "set_tracing_export_api_key",
            )
        ),
        *(f"agents.tracing.{n}" for n in ("set_tracing_disabled", "set_tracing_export_api_key")),
        "dspy.configure",
        "dspy.settings.configure",
    ]
)
# Setters that raise when called from a thread or asyncio task other than the first one that
# called them (dspy 3.x ``settings._ensure_configure_allowed``): even the same value, set per request
# in concurrent code, fails every request but the first worker's
OWNER_BOUND_CONFIG = frozenset(["dspy.configure", "dspy.settings.configure"])
# What each SDK does with the setting, and what to use instead (LLM005's message), by setter
_AGENTS_RUN_CONFIG = (
    "pass it per run: `Runner.run(agent, input, run_config=RunConfig(model_provider=OpenAIProvider(api_key=...)))`, "
    "or give the agent its own `OpenAIChatCompletionsModel(model=..., openai_client=AsyncOpenAI(api_key=...))`"
)
_AGENTS_TRACING = "pass it per run: `RunConfig(tracing_disabled=...)`, or set it once at start-up"
_DSPY = (
    "set the language model for this request only with `with dspy.context(lm=...):` around the "
    "calls (`dspy.configure` once at start-up, if at all); DSPy also refuses `dspy.configure` from any "
    "thread or async task but the first one that called it"
)
SDK_CONFIG_ADVICE: dict[str, tuple[str, str]] = {
    **{
        f"agents.{n}": ("the Agents SDK's default that every agent without its own model client takes", _AGENTS_RUN_CONFIG)
        for n in ("set_default_openai_key", "set_default_openai_client", "set_default_openai_api", "set_default_openai_responses_transport")
    },
    **{
        f"{m}.{n}": ("the Agents SDK's process-wide tracing setting", _AGENTS_TRACING)
        for m in ("agents", "agents.tracing")
        for n in ("set_tracing_disabled", "set_tracing_export_api_key")
    },
    **{n: ("DSPy's process-wide settings, which every module reads unless a `dspy.context` overrides them", _DSPY) for n in ("dspy.configure", "dspy.settings.configure")},
}
# Calls that put handlers into a process-wide registry: the keyword that carries them ("" = the
# positional arguments) and the operation (``Registration.op``). The Agents SDK's trace
# processors live on its global trace provider (``agents.tracing.setup``): each one gets every
# trace and span of every run in the process; ``dspy.configure(callbacks=[...])`` replaces the
# callbacks every DSPy module and LM call of the process reports to.
SDK_REGISTERING_CALLS: dict[str, tuple[str, str]] = {
    **{f"{m}.add_trace_processor": ("", "add") for m in ("agents", "agents.tracing")},
    **{f"{m}.set_trace_processors": ("", "assign") for m in ("agents", "agents.tracing")},
    **{n: ("callbacks", "assign") for n in ("dspy.configure", "dspy.settings.configure")},
}
# What the registry does with them, and what to use instead (LLM002's message), by call
_TRACE_PROCESSORS = (
    "the Agents SDK's trace processors are process-wide: each one receives the traces and spans of "
    "every run in the process, whichever request started it, and every later run keeps feeding it",
    "register processors once at start-up and tell runs apart by the trace's own data "
    "(`RunConfig(workflow_name=..., group_id=..., trace_metadata=...)`), or turn tracing off per run "
    "with `RunConfig(tracing_disabled=True)`",
)
SDK_REGISTRY_ADVICE: dict[str, tuple[str, str]] = {
    **{f"{m}.{n}": _TRACE_PROCESSORS for m in ("agents", "agents.tracing") for n in ("add_trace_processor", "set_trace_processors")},
    **{
        n: (
            "DSPy's global callbacks are process-wide: every module and LM call of every request reports "
            "to the handlers configured last",
            "pass the handlers for this request only with `with dspy.context(callbacks=[...]):`, or "
            "to the module or LM itself (`dspy.Predict(sig, callbacks=[...])`, `dspy.LM(..., callbacks=[...])`)",
        )
        for n in ("dspy.configure", "dspy.settings.configure")
    },
}
CONFIG_FUNCTIONS = CONFIG_FUNCTIONS | SDK_CONFIG_FUNCTIONS
# ---- end of the Agents SDK / DSPy block ----

# ---- issue 19, LlamaIndex and LangChain (helper h19a) --------------------------------------
# LlamaIndex's ``Settings`` (llama-index-core 0.14, ``llama_index/core/settings.py``): one object
# for the whole process. Every index, engine, retriever and LLM built without its own ``llm=`` /
# ``embed_model=`` / ``callback_manager=`` takes these, and reading ``Settings.llm`` hands the LLM
# the global callback manager. The two paths it is imported from:
LLAMA_INDEX_SETTINGS = ("llama_index.core.Settings", "llama_index.core.settings.Settings")
LLAMA_INDEX_SETTING_NAMES = (
    "llm", "embed_model", "tokenizer", "node_parser", "text_splitter", "transformations", "chunk_size",
    "chunk_overlap", "context_window", "num_output", "prompt_helper",
)
# the objects the Settings hold: an attribute written on one (``Settings.llm.api_key = key``)
# changes the object every component shares, as a write of the setting itself does
LLAMA_INDEX_SHARED_OBJECTS = frozenset(f"{s}.{n}" for s in LLAMA_INDEX_SETTINGS for n in ("llm", "embed_model"))
# callback registries of other SDKs than litellm: LlamaIndex's global callback manager, and the
# legacy global handler that ``CallbackManager.__init__`` adds to every manager built after it.
# Their handlers run in the caller, not on a logging thread: they are not litellm callbacks
# (``model.callbacks``, LLM003 / LLM004 / LLM007 keep to litellm's lists)
SDK_REGISTRIES = frozenset(
    [f"{s}.callback_manager" for s in LLAMA_INDEX_SETTINGS] + ["llama_index.core.global_handler"]
)
# methods of a ``CallbackManager`` that change its handlers (on the global one: for everybody)
SDK_REGISTRY_METHODS = frozenset(["add_handler", "remove_handler", "set_handlers"])
# functions that install a process-wide handler, and the registry they change
SDK_REGISTERING_FUNCTIONS = {
    "llama_index.core.set_global_handler": "llama_index.core.global_handler",
    "llama_index.core.callbacks.global_handlers.set_global_handler": "llama_index.core.global_handler",
}
# LangChain's process-wide switches (langchain_core 1.x ``globals.py``, and the legacy
# ``langchain`` module attributes that ``langchain.globals`` still reads): the LLM cache every
# model without its own ``cache=`` uses, and the debug / verbose flags every chain reads
LANGCHAIN_GLOBALS = frozenset(
    f"{m}.{f}" for m in ("langchain.globals", "langchain_core.globals") for f in ("set_llm_cache", "set_debug", "set_verbose")
)
LANGCHAIN_ATTRIBUTES = frozenset(f"langchain.{n}" for n in ("llm_cache", "debug", "verbose"))
# What each SDK's process-wide settings do and what to use instead, for the messages: the
# prefix of the setting's name -> (what is shared, the per-request form)
SDK_CONFIG_PREFIX_ADVICE: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("llama_index.",),
        "LlamaIndex's `Settings` is one object for the whole process: every index, engine and LLM "
        "built or run without its own takes its llm, embed_model and callback manager from there",
        "Pass `llm=` / `embed_model=` / `callback_manager=` to the index, query engine or chat engine "
        "built for the request, and set `Settings` once at start-up",
    ),
    (
        ("langchain.", "langchain_core."),
        "LangChain's globals are one value for every model and chain in the process",
        "Pass `cache=` to the model, `verbose=` to the chain and handlers per call "
        "(`config={\"callbacks\": [...]}`), and set the globals once at start-up",
    ),
)


def sdk_config_advice(target: str) -> tuple[str, str] | None:
    """What an SDK's process-wide setting ``target`` is shared by and what to use instead, for an
    SDK whose settings are not litellm's or openai's (None for those): a setter's own
    (``SDK_CONFIG_ADVICE``), else its SDK's."""
    if target in SDK_CONFIG_ADVICE:
        return SDK_CONFIG_ADVICE[target]
    for prefixes, shared, instead in SDK_CONFIG_PREFIX_ADVICE:
        if target.startswith(prefixes):
            return shared, instead
    return None


# ---- end of issue 19, LlamaIndex and LangChain ---------------------------------------------

# litellm.completion keyword that carries each config attribute per call
PER_CALL_CONFIG = {
    "litellm.api_key": "api_key",
    "litellm.api_base": "api_base",
    "litellm.base_url": "base_url",
    "litellm.api_version": "api_version",
    "litellm.organization": "organization",
    "litellm.num_retries": "num_retries",
    "litellm.max_retries": "max_retries",
    "litellm.drop_params": "drop_params",
    "litellm.request_timeout": "timeout",
    "litellm.headers": "headers",
}

# Web frameworks: route decorators (the last attribute of ``@app.get(...)``) and calls that
# register a view function (callee suffix -> index of the positional view argument, keyword).
ROUTE_DECORATOR_METHODS = frozenset(
    ["get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket", "view"]
)
# The modules whose app / router / blueprint objects those decorators are routes of (``@mock.patch``
# and ``@patch`` are not: they made unit tests "web handlers", 10 false findings in one repository).
WEB_FRAMEWORKS = frozenset(
    ["fastapi", "starlette", "flask", "quart", "sanic", "aiohttp", "litestar", "django", "ninja", "rest_framework",
     "bottle", "tornado", "falcon", "robyn", "fasthtml", "blacksheep", "connexion", "chalice", "flask_restx", "apiflask"]
)
VIEW_DECORATORS = frozenset(
    [
        "rest_framework.decorators.api_view",
        "django.views.decorators.http.require_http_methods",
        "django.views.decorators.http.require_GET",
        "django.views.decorators.http.require_POST",
        "django.views.decorators.csrf.csrf_exempt",
        "django.contrib.auth.decorators.login_required",
    ]
)
VIEW_REGISTRATIONS = {
    "add_url_rule": (2, "view_func"),
    "add_api_route": (1, "endpoint"),
    "add_route": (1, "endpoint"),
    "add_websocket_route": (1, "endpoint"),
    "starlette.routing.Route": (1, "endpoint"),
    "starlette.routing.WebSocketRoute": (1, "endpoint"),
    "fastapi.routing.APIRoute": (1, "endpoint"),
    "django.urls.path": (1, "view"),
    "django.urls.re_path": (1, "view"),
    "django.conf.urls.url": (1, "view"),
}
VIEW_BASE_SUFFIXES = ("View", "APIView", "ViewSet", "HTTPEndpoint", "Handler")
VIEW_METHODS = frozenset(
    ["get", "post", "put", "patch", "delete", "head", "options", "dispatch", "list", "create", "retrieve", "update", "destroy"]
    + ["do_GET", "do_POST", "do_PUT", "do_PATCH", "do_DELETE"]  # http.server handlers (ThreadingHTTPServer)
)
# Gradio event listeners and interfaces: their target runs per visitor (in Gradio's thread pool).
GRADIO_EVENTS = frozenset(["click", "submit", "change", "input", "select", "upload", "release", "blur", "then", "success", "like", "stream"])
GRADIO_INTERFACES = frozenset(["gradio.Interface", "gradio.ChatInterface"])
# Task-queue workers that run jobs on threads of one process: a job's function runs beside the
# process's other jobs (dramatiq's worker: 8 threads per process by default; Temporal's worker:
# sync activities on its thread pool, async ones as tasks of its loop). Celery's default prefork
# pool and RQ run each job in a process of its own: not listed.
WORKER_DECORATORS = {
    "dramatiq.actor": "dramatiq actor: run on the worker's threads",
    "temporalio.activity.defn": "Temporal activity: run by the worker's executor",
}
# Web-framework start-up hooks: decorators (last attribute) and constructor keywords.
STARTUP_DECORATORS = frozenset(["on_event", "on_startup", "before_first_request", "before_serving", "on_start"])
STARTUP_KEYWORDS = frozenset(["lifespan", "on_startup", "on_shutdown"])
# Coroutine names that say a plugin's start-up / shut-down hook: its host awaits it when it loads
# or unloads the plugin, not per request, so being an ``async def`` is no sign of concurrent tasks
# (Open WebUI pipelines' ``Pipeline.on_startup``, awaited one after another by the server's
# lifespan through ``hasattr(module, "on_startup")``, a call no analysis follows: 7 false LLM005).
# Not ``start`` / ``setup`` / ``on_start``: a session's or a job's start, run for each one.
STARTUP_HOOK_NAMES = frozenset(["on_startup", "on_shutdown"])
# Command-line frameworks: a command runs once per invocation of the program, like ``main()``
# (``@click.command()``, ``@cli.command()`` on a click group, ``@app.command()`` on a ``typer.Typer``).
# Only on objects of these modules: a Slack or Discord bot's ``@app.command`` is a per-message handler.
CLI_FRAMEWORKS = frozenset(["click", "typer", "asyncclick", "rich_click"])
CLI_DECORATOR_METHODS = frozenset(["command", "group", "callback", "result_callback"])
# calls that run a function as the program's command line, once per process: the keyword that
# names it (else it is the first positional argument)
CLI_ENTRY_CALLS = {"fire.Fire": "component", "typer.run": "function"}
# methods that name a sub-command's handler, and the keyword naming it: argparse's
# ``sub.set_defaults(func=cmd_run)``, which ``args.func(args)`` then calls once per invocation
CLI_HANDLER_DEFAULTS = {"set_defaults": "func"}
# attributes that set an app's lifespan once it is built (Starlette's ``app.router.lifespan_context``)
STARTUP_ATTRIBUTES = frozenset(["lifespan_context"])
STREAMLIT_CACHES = frozenset(["streamlit.cache_resource", "streamlit.cache_data", "streamlit.cache", "streamlit.experimental_singleton"])
PROCESS_POOLS = frozenset(["multiprocessing.Pool", "multiprocessing.pool.Pool", "concurrent.futures.ProcessPoolExecutor"])
PROCESS_SPAWNS = frozenset(["multiprocessing.Process", "multiprocessing.context.Process"])

SPAWN_METHODS = {"submit": "executor task", "map": "executor task", "run_in_executor": "executor task", "create_task": "asyncio task", "start_soon": "task",
                 "apply_async": "executor task", "imap": "executor task", "imap_unordered": "executor task", "starmap": "executor task"}


@dataclass(frozen=True, slots=True)
class Catalog:
    """The catalogues in force for one run: built-ins plus user extensions from the config."""

    registries: frozenset[str] = REGISTRIES
    network_functions: frozenset[str] = NETWORK_FUNCTIONS
    client_factories: frozenset[str] = CLIENT_FACTORIES
    lock_factories: dict[str, str] = field(default_factory=lambda: dict(LOCK_FACTORIES))

    def extended(
        self,
        network_calls: list[str] = (),  # type: ignore[assignment]
        lock_factories: list[str] = (),  # type: ignore[assignment]
        callback_registries: list[str] = (),  # type: ignore[assignment]
    ) -> "Catalog":
        locks = dict(self.lock_factories)
        for name in lock_factories:
            locks.setdefault(name, "async" if "asyncio" in name else "thread")
        return Catalog(
            registries=self.registries | frozenset(callback_registries),
            network_functions=self.network_functions | frozenset(network_calls),
            client_factories=self.client_factories,
            lock_factories=locks,
        )

    def extra_tokens(self) -> list[bytes]:
        """Byte-scan tokens for user-added lock factories and registries (the rules' own tokens
        only know the built-in names)."""
        extra = (set(self.lock_factories) - set(LOCK_FACTORIES)) | (self.registries - REGISTRIES)
        return sorted({re.escape(n.rsplit(".", 1)[-1]).encode() for n in extra})

    def is_network(self, name: str) -> bool:
        return name in self.network_functions or name.endswith(SDK_CALL_SUFFIXES)


# method names of the builtin types and of common standard-library objects (threads, futures,
# queues, locks, files, loggers): a parameter called through one of them is most likely such an
# object, not a project class's, whatever the project's own classes answer to
COMMON_METHODS = frozenset(
    n for t in (dict, list, str, bytes, set, tuple, int, float, object) for n in dir(t)
) | frozenset([
    "start", "run", "join", "is_alive", "result", "exception", "cancel", "cancelled", "done", "add_done_callback",
    "wait", "acquire", "release", "locked", "put", "put_nowait", "get_nowait", "task_done", "qsize", "empty",
    "full", "read", "readline", "readlines", "write", "writelines", "close", "flush", "seek", "tell", "send",
    "recv", "submit", "map", "shutdown", "info", "debug", "warning", "warn", "error", "critical", "log",
    "set", "is_set", "notify", "notify_all", "exists", "open", "mkdir", "unlink", "json", "text", "raise_for_status",
    "fileno", "isatty", "readable", "writable", "seekable",
    # paths, hashes, database cursors, regular expressions, processes, dates, HTTP responses,
    # parsers (pdd: ``resolve``, a path's, is a word in 406 of its files)
    "resolve", "is_file", "is_dir", "glob", "rglob", "iterdir", "with_suffix", "with_name", "relative_to",
    "read_text", "write_text", "read_bytes", "write_bytes", "touch", "stat", "rename", "absolute", "expanduser",
    "as_posix", "digest", "hexdigest", "execute", "executemany", "fetchone", "fetchall", "fetchmany", "commit",
    "rollback", "cursor", "match", "search", "fullmatch", "findall", "finditer", "sub", "group", "groups",
    "groupdict", "communicate", "poll", "kill", "terminate", "isoformat", "strftime", "timestamp",
    "iter_lines", "iter_content", "feed",
    "is_integer",  # int's since Python 3.12: listed so that every Python resolves alike
])


def duck_method(name: str) -> bool:
    """A method name a call on an untyped parameter may be resolved by (``Ref("duck")``)."""
    return not name.startswith("_") and name not in COMMON_METHODS
