"""The prefilter and the cache are invisible: every fixture gives the same findings (paths,
positions, codes, messages, evidence) with the prefilter and without it (every file parsed),
and with a cold, a warm and a stale cache. Plus the cache's own guarantees, and a smoke run of
the benchmark script."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import astuple
from pathlib import Path

import pytest

from linter.config import load
from linter.engine import check_paths
from linter.prefilter import literal_gate
from linter.rules import RULES, prefilter_pattern
from tests.expectations import cases

ROOT = Path(__file__).resolve().parent.parent


def run(case: Path, prefilter: bool = True, cache_dir: Path | None = None, need_index: bool = True) -> list[tuple]:
    config = load(None, case, isolated=True, min_confidence="low")
    config.cache_dir = cache_dir
    from linter.engine import check_files, discover_files

    files = discover_files([str(case)], config, case)
    result = check_files(files, config, jobs=1, prefilter=prefilter, need_index=need_index)
    assert not result.internal_errors
    return [astuple(d) for d in result.diagnostics]


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_prefilter_and_cache_change_no_finding(case: Path, tmp_path: Path) -> None:
    reference = run(case, prefilter=False)
    assert run(case) == reference, "the prefilter changed the findings"
    cache = tmp_path / "cache"
    assert run(case, cache_dir=cache) == reference, "cold cache"
    assert run(case, cache_dir=cache) == reference, "warm cache"
    assert run(case, cache_dir=cache, need_index=False) == reference, "warm cache, stored run"
    assert run(case, cache_dir=cache, need_index=False) == reference, "stored run, reused"


def test_prefilter_skips_files_no_rule_needs(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("import threading\nLOCK = threading.Lock()\n\ndef f(x):\n    with LOCK:\n        return x + 1\n")
    (tmp_path / "self_attr.py").write_text("class A:\n    def __init__(self):\n        self.callbacks = []\n")
    (tmp_path / "hazard.py").write_text("import litellm\n\nasync def f(h):\n    litellm.callbacks = [h]\n")
    config = load(None, tmp_path, isolated=True)
    result = check_paths([str(tmp_path)], config, jobs=1, cwd=tmp_path)
    assert result.files_parsed == 1
    assert [d.code for d in result.diagnostics] == ["LLM002"]


def test_callers_of_a_lock_without_a_hazard_are_not_chased(tmp_path: Path) -> None:
    # svc.py is parsed (it mentions litellm); its lock region holds no network call and does
    # not yield, so no caller can turn it into a finding: the importer is left unparsed
    (tmp_path / "svc.py").write_text(
        "import threading\nimport litellm\n\nLOCK = threading.Lock()\nN = 0\n\n"
        "def bump():\n    global N\n    with LOCK:\n        N += 1\n\n"
        "def ask(m):\n    return litellm.completion(model='x', messages=m)\n"
    )
    (tmp_path / "caller.py").write_text("from svc import bump\n\ndef go():\n    bump()\n")
    config = load(None, tmp_path, isolated=True, min_confidence="low")
    result = check_paths([str(tmp_path)], config, jobs=1, cwd=tmp_path)
    assert result.files_parsed == 1
    assert run(tmp_path) == run(tmp_path, prefilter=False)


def test_literal_gates_are_derived_from_the_rules_tokens() -> None:
    pf = prefilter_pattern(RULES)
    assert pf is not None and pf.gate
    assert literal_gate(rb"(?:alpha|beta)\s*\(") == frozenset({b"alpha", b"beta"})
    assert literal_gate(rb"\w+") is None
    assert not pf.wants(b"import os\nprint(os.getcwd())\n")


def _mtime_in_past(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns - 10**10, st.st_mtime_ns - 10**10))


def test_cache_sees_edits_and_config_changes(tmp_path: Path) -> None:
    src = tmp_path / "app.py"
    src.write_text("import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n")
    _mtime_in_past(src)
    cache = tmp_path / "cache"
    first = run(tmp_path, cache_dir=cache, need_index=False)
    assert [d[0] for d in first] == ["LLM002"]
    # the same size, a different byte: the stat signature changes (ctime), the hash decides
    src.write_text("import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n".replace("handler", "handlex"))
    _mtime_in_past(src)
    again = run(tmp_path, cache_dir=cache, need_index=False)
    assert again != first and "handlex" in repr(again)
    src.write_text("import litellm\n\ndef setup(h):\n    pass\n")
    assert run(tmp_path, cache_dir=cache, need_index=False) == []
    # another rule selection or catalogue is another cache: never a stale verdict
    from linter.engine import open_cache

    default = load(None, tmp_path, isolated=True)
    lock_only = load(None, tmp_path, isolated=True, select=["LLM003"])
    (tmp_path / "pyproject.toml").write_text('[tool.llmlint]\nnetwork-calls = ["mylib.fetch"]\n')
    extended = load(None, tmp_path)
    for c in (default, lock_only, extended):
        c.cache_dir = cache
    names = {open_cache(c).path.name for c in (default, lock_only, extended)}  # type: ignore[union-attr]
    assert len(names) == 3


def _spoiled_cache_gives_the_same(tmp_path: Path, cache: Path, content: bytes) -> list[tuple]:
    """Lint a hazard with a warm cache, overwrite every cache file with ``content``, lint again:
    the findings must be those of a run without prefilter and cache."""
    (tmp_path / "app.py").write_text("import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n")
    want = run(tmp_path, prefilter=False)
    assert run(tmp_path, cache_dir=cache) == want
    for p in cache.glob("*.json"):
        p.write_bytes(content)
    assert run(tmp_path, cache_dir=cache, need_index=False) == want
    return want


def test_cache_survives_corruption_and_concurrent_runs(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    want = _spoiled_cache_gives_the_same(tmp_path, cache, b"not json [")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "linter", "check", "--isolated", "-q", "--output-format", "concise", "--cache-dir", str(cache), "."]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate()[0] for p in procs]
    assert all(p.returncode == 1 for p in procs)
    assert len(set(outs)) == 1 and "LLM002" in outs[0]
    assert not list(cache.glob(".tmp-*")), "temporary files left behind"


def test_cli_cache_options(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "linter", "check", "--isolated", "-q", "--output-format", "concise"]
    out = subprocess.run(base + ["--no-cache", "."], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 1 and not (tmp_path / ".llmlint_cache").exists()
    out = subprocess.run(base + ["."], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 1 and (tmp_path / ".llmlint_cache" / ".gitignore").exists()
    out = subprocess.run(base + ["--cache-dir", "elsewhere", "--no-prefilter", "."], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 1 and list((tmp_path / "elsewhere").glob("facts-*.json"))


def test_benchmark_smoke() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--exactness"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "identical" in out.stdout and "llmlint warm" in out.stdout and "| measurement |" in out.stdout


def test_cache_codec_rebuilds_facts_and_nothing_else(tmp_path: Path) -> None:
    from linter import cache_codec
    from linter.analysis.facts import Binding, FileFacts, FunctionFacts, Span

    f = FileFacts("a.py", "a", suppressions={3: frozenset({"*"})})
    f.functions["g"] = FunctionFacts("g", Span(1, 2, 3, 4), params=("x",))
    f.bindings["L"] = Binding("L", Span(5, 1, 5, 2), "lock", "threading.Lock", "thread")
    assert cache_codec.loads(cache_codec.dumps({"k": f, b"\x00": (1, None)})) == {"k": f, b"\x00": (1, None)}
    for hostile in (b'["@Popen", "x"]', b'["@FileFacts"]', b'[1, 2]', b'{"a": ["x"]}'):
        with pytest.raises((cache_codec.CodecError, ValueError, TypeError)):
            cache_codec.loads(hostile)
    # a cache file planted in the tree (e.g. committed) is only ever read as data
    _spoiled_cache_gives_the_same(tmp_path, tmp_path / "cache", b'["d", "x", ["@Popen", ["l", "touch", "pwned"]]]')
    assert not (tmp_path / "pwned").exists()


def test_rerun_after_an_edit_that_changes_nothing_analysed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited file that gives the last run's prefilter verdict, facts and demand-round
    answers reuses that run's findings without a join; any other edit is a full run."""
    from linter import cache as cache_module, engine

    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # ctime is now after any write: no stat would vouch
    files = {
        "agent.py": "import litellm\n\n\ndef track(handler):\n    litellm.success_callback.append(handler)\n",
        "web.py": "import agent\n\n\ndef home():\n    return 'hi'\n",
        "other.py": "def add(a, b):\n    return a + b\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        _mtime_in_past(tmp_path / name)
    cache = tmp_path / "cache"
    first = run(tmp_path, cache_dir=cache, need_index=False)
    assert [(d[0], d[5]) for d in first] == [("LLM002", "low")], first  # no concurrency evidence yet
    real_collect = engine.collect_facts

    def edit(name: str, text: str, joins: bool) -> list[tuple]:
        (tmp_path / name).write_text(text)
        _mtime_in_past(tmp_path / name)
        if not joins:
            monkeypatch.setattr(engine, "collect_facts", lambda analysis: pytest.fail("a full run"))
        try:
            out = run(tmp_path, cache_dir=cache, need_index=False)
        finally:
            monkeypatch.setattr(engine, "collect_facts", real_collect)
        assert out == run(tmp_path, prefilter=False), "differs from a run without prefilter and cache"
        return out

    # a file no rule needs, and a comment in one whose facts stay: the stored findings
    assert edit("other.py", files["other.py"] + "# edited\n", joins=False) == first
    assert edit("agent.py", files["agent.py"] + "# edited\n", joins=False) == first
    assert edit("web.py", files["web.py"].replace("'hi'", "'hello'"), joins=False) == first
    # the same file now answers a demand round's question differently: it calls the function
    # from a web handler, which is the finding's concurrency evidence
    handler = "import agent\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post('/t')\ndef home(h):\n    agent.track(h)\n"
    assert [(d[0], d[5]) for d in edit("web.py", handler, joins=True)] == [("LLM002", "high")]
    # facts that move (a line above the finding) are a full run too
    moved = edit("agent.py", "\n" + files["agent.py"], joins=True)
    assert [d[3][0] for d in moved] == [first[0][3][0] + 1]
