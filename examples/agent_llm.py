"""crewAI-style LLM wrapper: handlers swapped into litellm's global lists per call, under a class lock."""
import threading
from concurrent.futures import ThreadPoolExecutor
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


def answer_all(questions: list[str]) -> list[str]:
    """Every question on its own thread: the class lock makes them take turns."""
    llm = LLM("gpt-4o-mini")
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(llm.call, [[{"role": "user", "content": q}] for q in questions]))
