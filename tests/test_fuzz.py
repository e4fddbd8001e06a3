"""Fuzzing: generated programs and mutated real files through `check` and `fix --unsafe-fixes`.

Invariants on every example: no internal error and no exception; every rewrite `fix` makes
compiles (no rewrite is dropped for not compiling); what `fix` writes compiles; a second `fix`
run changes nothing.

Short mode (the normal suite): a few hundred examples, derandomised. Long mode, run by hand:

    LLMLINT_FUZZ=long python -m pytest -q tests/test_fuzz.py -p no:cacheprovider -s
    LLMLINT_FUZZ=long LLMLINT_FUZZ_EXAMPLES=4000 python -m pytest -q tests/test_fuzz.py -k stdlib -s

Mutations insert the hazard shapes the rules and codemods look for (registry mutation inside
functions, locks around calls, callback-written dicts, thread-locals) so that the analysis and
the codemods run, not only the parser.
"""

from __future__ import annotations

import ast
import os
import sysconfig
import tempfile
from collections import Counter
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.config import load
from linter.engine import check_files, discover_files
from linter.fixing import fix_files, write_rewrites
from linter.rules import RULES, prefilter_pattern
from tests.expectations import cases

LONG = os.environ.get("LLMLINT_FUZZ") == "long"
EXAMPLES = int(os.environ.get("LLMLINT_FUZZ_EXAMPLES", "3400" if LONG else "0"))
COUNTS: Counter[str] = Counter()


def _settings(short: int) -> settings:
    return settings(
        max_examples=EXAMPLES or short,
        deadline=None,
        derandomize=not LONG,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


HAZARDS = [
    "litellm.success_callback.append(cb)",
    "litellm.callbacks = [handler]",
    "litellm.success_callback.remove(cb)",
    "litellm._async_success_callback.clear()",
    "litellm.callbacks += [self]",
    "for cb in list(litellm.success_callback):\n    litellm.success_callback.remove(cb)",
    "resp = litellm.completion(model='m', messages=[], callbacks=[h])",
    "with _LOCK:\n    resp = litellm.completion(model='m', messages=[])",
    "with self._lock:\n    out = requests.get('http://x')",
    "async with _ALOCK:\n    r = await litellm.acompletion(model='m', messages=[])",
    "_LAST['cost'] = kwargs.get('response_cost', 0.0)",
    "_LAST['tokens'] = completion_response.usage.total_tokens",
    "return response, _LAST['cost']",
    "_tls.cost = kwargs['response_cost']",
    "_CV.set(kwargs.get('response_cost'))",
    "global _LAST",
    "litellm.success_callback = [_track]",
    "threading.Thread(target=ask).start()",
    "executor.submit(ask, 1)",
    "await asyncio.sleep(0)",
    "yield _LAST",
    "return",
    "del _LAST",
    "if __name__ == '__main__':\n    ask('x')",
    "import litellm, threading",
    "_LOCK = threading.Lock()",
    "_LAST = {}",
    "def _track(kwargs, completion_response, start_time, end_time):\n    _LAST['cost'] = kwargs['response_cost']",
    "class H(CustomLogger):\n    def log_success_event(self, kwargs, response_obj, start_time, end_time):\n        _LAST['x'] = 1",
    # self-contained shapes: they fire wherever they land, so that real files reach the codemods
    "async def _fz1(h):\n    litellm.callbacks = [h]",
    "async def _fz2(cb):\n    litellm.success_callback.append(cb)\n    return await litellm.acompletion(model='m', messages=[])",
    "async def _fz3(p):\n    with _LOCK:\n        return litellm.completion(model='m', messages=[])",
    "def _fz4(kwargs, completion_response, start_time, end_time):\n    _LAST['cost'] = kwargs.get('response_cost')\n"
    "litellm.success_callback = [_fz4]\ndef _fz5(p):\n    r = litellm.completion(model='m', messages=[])\n    return r, _LAST['cost']",
    "@functools.cache",
    "try:",
    "else:",
    ")",
    "'''",
]

HEADER = (
    "import asyncio, functools, threading, requests, litellm\n"
    "from litellm.integrations.custom_logger import CustomLogger\n"
    "_LOCK = threading.Lock()\n_LAST = {}\n"
)


def _real_files() -> list[Path]:
    """Small stdlib modules that an enabled rule's byte scan lets through (they get parsed)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    tokens = prefilter_pattern(RULES)
    out = []
    for path in sorted(root.glob("*.py")) + sorted(root.glob("*/*.py")):
        if "site-packages" in path.parts or "test" in path.parts:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if 2_000 < len(data) < 30_000 and tokens is not None and tokens.search(data):
            out.append(path)
    return out[:60]


FIXTURE_CASES = cases()
STDLIB = _real_files()


def run_pipeline(files: dict[str, bytes]) -> None:
    """check + fix + write + second fix on one small project; assert every invariant."""
    COUNTS["programs"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        config = load(None, root, isolated=True)
        found = discover_files([str(root)], config, cwd=root)
        result = check_files(found, config, jobs=1)
        assert not result.internal_errors, result.internal_errors
        COUNTS["findings"] += len(result.diagnostics)
        COUNTS["llm000"] += sum(1 for d in result.diagnostics if d.code == "LLM000")
        fixed = fix_files(found, config, 1, set(), unsafe=True)
        # a rewrite of a file that never compiled (CPython's parser accepts `return` or
        # `async with` outside a function, its compiler does not) is rightly dropped
        assert [e for e in fixed.errors if not _dropped_and_never_compiled(e, files)] == []
        assert not fixed.result.internal_errors, fixed.result.internal_errors
        assert write_rewrites(fixed, fixed.result.paths) == []
        for display in fixed.rewrites:
            if display in files and not _compiles(files[display], display):
                continue  # newer syntax than this Python's (a PEP 695 module fixed on 3.11): libcst verified it
            compile((root / display).read_bytes(), display, "exec", dont_inherit=True)
        COUNTS["files_written"] += len(fixed.rewrites)
        COUNTS["fixes"] += fixed.fixed
        if fixed.rewrites:
            again = fix_files(discover_files([str(root)], config, cwd=root), config, 1, set(), unsafe=True)
            assert again.rewrites == {}, f"second fix run changed {sorted(again.rewrites)}"


def _dropped_and_never_compiled(error: str, files: dict[str, bytes]) -> bool:
    name, _, rest = error.partition(": ")
    if not rest.startswith("rewrite dropped, it does not compile") or name not in files:
        return False
    return not _compiles(files[name], name)


def _compiles(data: bytes, name: str) -> bool:
    try:
        compile(data, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _statement_starts(text: str) -> list[tuple[int, int]]:
    """(0-based line, indentation) of every statement, so that most insertions stay valid and
    reach the rules; random raw positions would mostly test the parser."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return sorted({(n.lineno - 1, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.stmt)})


@st.composite
def mutated(draw: st.DrawFn, source: bytes) -> bytes:
    lines = source.decode("utf-8", "surrogateescape").splitlines(keepends=True) or ["\n"]
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "insert", "insert", "insert", "indent", "truncate"]))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        starts = _statement_starts("".join(lines))
        if op == "insert" and starts and draw(st.integers(0, 9)) < 8:  # mostly at a statement
            i, col = draw(st.sampled_from(starts))
            indent = " " * col
        else:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip(" \t"))] if lines[i].strip() else ""
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            snippet = draw(st.sampled_from(HAZARDS))
            lines.insert(i, "".join(indent + part + "\n" for part in snippet.split("\n")))
        elif op == "indent":
            lines[i] = "    " + lines[i]
        elif op == "truncate":
            text = "".join(lines)
            cut = draw(st.integers(0, len(text)))
            lines = text[:cut].splitlines(keepends=True) or ["\n"]
    return "".join(lines).encode("utf-8", "surrogateescape")


@given(st.data())
@_settings(short=100)
def test_mutated_fixture_cases(data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(FIXTURE_CASES), label="case")
    files = {p.relative_to(case).as_posix(): p.read_bytes() for p in sorted(case.rglob("*.py"))}
    name = data.draw(st.sampled_from(sorted(files)), label="file")
    files[name] = data.draw(mutated(files[name]), label="mutated")
    run_pipeline(files)


@given(st.data())
@_settings(short=50)
def test_mutated_stdlib_files(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(STDLIB), label="stdlib file")
    source = HEADER.encode() + path.read_bytes()
    run_pipeline({path.name: data.draw(mutated(source), label="mutated")})


@given(
    program=st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()),
    hazards=st.lists(st.sampled_from(HAZARDS[:20]), max_size=3),
)
@_settings(short=50)
def test_generated_programs(program: str, hazards: list[str]) -> None:
    """hypothesmith's valid programs, alone (the CPython/libcst verdicts), and with hazard
    shapes appended inside a function and at module level (the rules on odd code)."""
    run_pipeline({"gen.py": program.encode("utf-8", "surrogatepass")})
    if hazards:
        body = "".join("    " + line + "\n" for h in hazards for line in h.split("\n"))
        extra = f"\n\n{HEADER}\nasync def _fuzz(self, h, cb, handler, kwargs, completion_response):\n{body}"
        run_pipeline({"gen.py": (program + extra).encode("utf-8", "surrogatepass"), "other.py": HEADER.encode()})


@pytest.fixture(scope="module", autouse=True)
def _report() -> object:
    yield
    if COUNTS:
        line = ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items()))
        print(f"\nfuzz: {line}")
        report = os.environ.get("LLMLINT_FUZZ_REPORT")
        if report:
            with open(report, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
