"""PDD-style cost tracking: the callback writes a module dict, the caller reads it after the call."""
import litellm

_LAST_USAGE = {"cost": 0.0, "tokens": 0}


def _track_usage(kwargs, completion_response, start_time, end_time):
    _LAST_USAGE["cost"] = kwargs.get("response_cost") or 0.0
    _LAST_USAGE["tokens"] = completion_response.usage.total_tokens


litellm.success_callback = [_track_usage]


def ask(prompt: str, budget: float) -> str:
    response = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    if _LAST_USAGE["cost"] > budget:
        raise RuntimeError("over budget")
    return response.choices[0].message.content
