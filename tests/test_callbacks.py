"""Callback discovery and the LLM001 / LLM002 / LLM004 semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import codes, lint

READER = """
def ask():
    litellm.completion(model="m", messages=[])
    return STORE["v"]
"""


@pytest.mark.parametrize(
    "registration",
    [
        "litellm.success_callback = [cb]",
        "litellm.success_callback.append(cb)",
        "litellm.success_callback.extend([cb])",
        "litellm.success_callback.insert(0, cb)",
        "litellm.success_callback += [cb]",
        "litellm.failure_callback = [cb]",
        "litellm.callbacks = [cb]",
        "litellm._async_success_callback.append(cb)",
        "litellm.logging_callback_manager.add_litellm_success_callback(cb)",
        "litellm.completion(model='m', messages=[], success_callback=[cb])",
        "litellm.completion(model='m', messages=[], callbacks=[cb])",
    ],
)
def test_every_registration_form_makes_a_callback(tmp_path: Path, registration: str) -> None:
    src = (
        "import litellm\n\nSTORE = {}\n\n\ndef cb(kwargs, completion_response, start_time, end_time):\n"
        '    STORE["v"] = 1\n\n\n' + registration + "\n" + READER
    )
    diags = lint(tmp_path, {"m.py": src})
    assert ("LLM001", 14) in codes(diags)


@pytest.mark.parametrize(
    "base_import,base",
    [
        ("from litellm.integrations.custom_logger import CustomLogger", "CustomLogger"),
        ("from litellm.integrations.custom_logger import CustomLogger as CL", "CL"),
        ("import litellm.integrations.custom_logger", "litellm.integrations.custom_logger.CustomLogger"),
        ("from litellm.integrations import custom_logger as cl", "cl.CustomLogger"),
    ],
)
def test_custom_logger_subclasses_are_callbacks(tmp_path: Path, base_import: str, base: str) -> None:
    src = f"""
import litellm
{base_import}

STORE = {{}}

class H({base}):
    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
        STORE["v"] = response_obj

    def helper(self):
        STORE["w"] = 1


async def ask():
    await litellm.acompletion(model="m", messages=[])
    return STORE["v"]
"""
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM001", 17)]


def test_non_callback_writer_is_not_reported(tmp_path: Path) -> None:
    src = """
import litellm

STORE = {}

def not_registered(kwargs, completion_response, start_time, end_time):
    STORE["v"] = 1

def ask():
    litellm.completion(model="m", messages=[])
    return STORE["v"]
"""
    assert lint(tmp_path, {"m.py": src}) == []


def test_global_rebinding_and_method_writes(tmp_path: Path) -> None:
    src = """
import litellm

LAST_COST = 0.0
LOG = []

def cb(kwargs, completion_response, start_time, end_time):
    global LAST_COST
    LAST_COST = kwargs["response_cost"]
    LOG.append(kwargs["response_cost"])

litellm.success_callback = [cb]

def ask():
    litellm.completion(model="m", messages=[])
    return LAST_COST, LOG[-1]
"""
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM001", 16), ("LLM001", 16)]
    assert {str(d.message).split("`")[1] for d in diags} == {"LAST_COST", "LOG"}


def test_bound_method_of_module_instance(tmp_path: Path) -> None:
    src = """
import litellm

DATA = {}

class Tracker:
    def on_success(self, kwargs, completion_response, start_time, end_time):
        DATA["cost"] = kwargs["response_cost"]

TRACKER = Tracker()
litellm.success_callback = [TRACKER.on_success]

def ask():
    litellm.completion(model="m", messages=[])
    return DATA["cost"]
"""
    # a bound method of a module-level instance resolves to the class's method
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM001", 15)]
    assert "Tracker.on_success" in str(diags[0].message)


def test_registration_confidence_levels(tmp_path: Path) -> None:
    src = """
import litellm

def enable_tracing():
    litellm.success_callback.append("langfuse")

class Agent:
    def __init__(self, handler):
        litellm.callbacks = [handler]

async def handler(req):
    litellm.callbacks = [req.handler]
"""
    diags = lint(tmp_path, {"m.py": src}, min_confidence="low")
    assert [(d.span.line, d.confidence) for d in diags] == [(5, "low"), (9, "medium"), (12, "high")]
    assert codes(lint(tmp_path, {"m.py": src})) == [("LLM002", 9), ("LLM002", 12)]


def test_thread_local_and_contextvar_in_callback(tmp_path: Path) -> None:
    src = """
import contextvars
import threading
import litellm

TL = threading.local()
CV = contextvars.ContextVar("cv")

def cb(kwargs, completion_response, start_time, end_time):
    TL.cost = kwargs["response_cost"]
    CV.set(kwargs["response_cost"])

litellm.success_callback = [cb]

def ask():
    litellm.completion(model="m", messages=[])
    return TL.cost, CV.get()
"""
    diags = lint(tmp_path, {"m.py": src})
    assert codes(diags) == [("LLM004", 10), ("LLM004", 11)]
    assert all(d.confidence == "high" for d in diags)


def test_constructor_registration_of_module_singleton_is_set_up(tmp_path: Path) -> None:
    src = """
import litellm

class Tracker:
    def __init__(self):
        litellm.success_callback.append(self.on_success)

    def on_success(self, kwargs, completion_response, start_time, end_time):
        pass

TRACKER = Tracker()

class Agent:
    def __init__(self):
        litellm.callbacks = [self]

async def handle(req):
    agent = Agent()
    return agent
"""
    diags = lint(tmp_path, {"m.py": src})
    # Tracker is built once at import; Agent is built per request (in an async handler): its
    # registration (LLM002) and the per-request construction that triggers it (LLM007)
    assert codes(diags) == [("LLM002", 15), ("LLM007", 18)]
    assert diags[0].confidence == "high" and "handle" in str(diags[0].evidence[0])
