"""A local OpenAI-compatible chat-completions endpoint whose answer is the bearer key of the
request: a runtime test sees which tenant's key each call was sent with, offline. The
organisation, project and billing headers it received come back too, in the reply's extra
field ``echo``, and are kept per prompt (``recording_echo_server``): code that returns only the
text still shows which tenant's headers each of its calls carried."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _EchoKey(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        raw = self.rfile.read(int(self.headers.get("content-length", 0)))
        if ":generateContent" in self.path:
            # Gemini's REST API (google-generativeai, google-genai): the key is a header of its own
            key = self.headers.get("x-goog-api-key", "")
            self._answer({"candidates": [{"index": 0, "finishReason": "STOP", "content": {"role": "model", "parts": [{"text": key}]}}]})
            return
        key = self.headers.get("authorization", "").removeprefix("Bearer ")
        echo = {h: self.headers.get(h, "") for h in ("openai-organization", "openai-project", "x-billing-org")}
        messages = json.loads(raw or b"{}").get("messages") or [{}]
        self.server.seen[str(messages[-1].get("content", ""))] = echo  # type: ignore[attr-defined]
        self._answer({
            "id": "c", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": key}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            "echo": echo,
        })

    def _answer(self, reply: dict[str, Any]) -> None:
        body = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def recording_echo_server() -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    """The endpoint's base URL (``http://127.0.0.1:<port>/v1``) while it serves, on a thread, and
    the headers each prompt (the last message's content) arrived with."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoKey)
    server.seen = {}  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def echo_key_server() -> Iterator[str]:
    """The endpoint's base URL while it serves (``recording_echo_server``)."""
    with recording_echo_server() as (base, _seen):
        yield base
