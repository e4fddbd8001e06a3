"""crewAI-style LLM wrapper: handlers swapped into litellm's global lists per call, under a class lock."""
import threading
from typing import Any

import litellm


class LLM:
    _lock = threading.RLock()

    def __init__(self, model: str) -> None:
        self.model = model

    def set_callbacks(self, callbacks: list[Any]) -> None:
        types = [type(c) for c in callbacks]
        for cb in litellm.success_callback[:]:
            if type(cb) in types:
                litellm.success_callback.remove(cb)
        litellm.callbacks = callbacks

    def call(self, messages: list[dict], callbacks: list[Any] | None = None) -> str:
        with self._lock:
            self.set_callbacks(callbacks or [])
            response = litellm.completion(model=self.model, messages=messages)
        return response.choices[0].message.content
