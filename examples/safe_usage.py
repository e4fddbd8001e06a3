"""The patterns llmlint recommends: register once at start-up, read usage from the response."""
import threading

import litellm

_stats_lock = threading.Lock()
_stats = {"calls": 0, "cost": 0.0}


def ask(prompt: str) -> tuple[str, float]:
    response = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    cost = response._hidden_params.get("response_cost") or 0.0
    with _stats_lock:  # held only for the update, not the call
        _stats["calls"] += 1
        _stats["cost"] += cost
    return response.choices[0].message.content, cost
