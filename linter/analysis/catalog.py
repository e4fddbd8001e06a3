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
)

LOCK_FACTORIES: dict[str, str] = {
    **{f"threading.{n}": "thread" for n in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")},
    **{f"asyncio.{n}": "async" for n in ("Lock", "Semaphore", "BoundedSemaphore", "Condition")},
    **{
        f"multiprocessing.{n}": "process"
        for n in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")
    },
}

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
}
SPAWN_METHODS = {"submit": "executor task", "map": "executor task", "run_in_executor": "executor task", "create_task": "asyncio task", "start_soon": "task"}


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
