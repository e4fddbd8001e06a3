"""The prefilter and the cache are invisible: every fixture gives the same findings (paths,
positions, codes, messages, evidence) with the prefilter and without it (every file parsed),
and with a cold, a warm and a stale cache. Plus the cache's own guarantees, and a smoke run of
the benchmark script."""

from __future__ import annotations

import ast

import os
import random
import shutil
import subprocess
import sys
import warnings
from dataclasses import astuple
from pathlib import Path

import pytest

from linter.config import load
from linter.engine import check_paths
from linter.prefilter import literal_gate
from linter.rules import RULES, prefilter_pattern
from tests.expectations import case_id, cases

ROOT = Path(__file__).resolve().parent.parent


def run(case: Path, prefilter: bool = True, cache_dir: Path | None = None, need_index: bool = True, jobs: int = 1) -> list[tuple]:
    config = load(None, case, isolated=True, min_confidence="low")
    config.cache_dir = cache_dir
    from linter.engine import check_files, discover_files

    files = discover_files([str(case)], config, case)
    result = check_files(files, config, jobs=jobs, prefilter=prefilter, need_index=need_index)
    assert not result.internal_errors
    # every field, with the evidence also rendered (row[6]) as a reader sees it
    return [(*astuple(d)[:6], tuple(map(str, d.evidence)), *astuple(d)[6:]) for d in result.diagnostics]


@pytest.mark.parametrize("case", cases(), ids=case_id)
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
    # another catalogue, or the syntax rule alone (every file parsed), is another cache: never a
    # stale verdict; another selection of rules with tokens shares it (facts do not depend on it)
    from linter.engine import open_cache

    default = load(None, tmp_path, isolated=True)
    lock_only = load(None, tmp_path, isolated=True, select=["LLM003"])
    syntax_only = load(None, tmp_path, isolated=True, select=["LLM000"])
    (tmp_path / "pyproject.toml").write_text('[tool.llmlint]\nnetwork-calls = ["mylib.fetch"]\n')
    extended = load(None, tmp_path)
    for c in (default, lock_only, syntax_only, extended):
        c.cache_dir = cache
    names = [open_cache(c).path.name for c in (default, lock_only, syntax_only, extended)]  # type: ignore[union-attr]
    assert names[0] == names[1] and len(set(names)) == 3


def _selected(case: Path, cache_dir: Path | None, need_index: bool = False, **kw: object) -> tuple[list[tuple], int, bool]:
    """Findings, suppressed count and whether the run was a stored one, under a selection."""
    config = load(None, case, isolated=True, **kw)  # type: ignore[arg-type]
    config.cache_dir = cache_dir
    from linter.engine import check_files, discover_files

    result = check_files(discover_files([str(case)], config, case), config, jobs=1, need_index=need_index)
    return [astuple(d) for d in result.diagnostics], result.suppressed, result.index is None


def test_another_selection_over_a_warm_cache_is_a_filter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("linter.cache.RACY_NS", 0)  # a file just written vouches for its bytes (no 2 s wait)
    (tmp_path / "app.py").write_text(
        "import litellm\nimport threading\n\nLOCK = threading.Lock()\nSEEN = []\n\n"
        "async def handler(h):\n    litellm.callbacks = [h]  # noqa: LLM002\n    litellm.success_callback.append(h)\n\n"
        "def cb(kwargs, response, start, end):\n    SEEN.append(response)\n\n"
        "def ask(m):\n    with LOCK:\n        return litellm.completion(model='x', messages=m)\n"
    )
    cache = tmp_path / "cache"
    _selected(tmp_path, cache)  # fills the cache and stores the run
    selections: list[dict] = [{}, {"select": ["LLM002"]}, {"ignore": ["LLM002"]}, {"select": ["LLM003"]},
                              {"min_confidence": "low"}, {"min_confidence": "high"}]
    seen = set()
    for kw in selections:
        cold = _selected(tmp_path, None, need_index=True, **kw)
        warm = _selected(tmp_path, cache, **kw)
        assert warm[2], f"{kw}: a new analysis, not a filter of the stored run"
        assert warm[:2] == cold[:2], kw
        seen.add(repr(cold[:2]))
    assert len(seen) > 2  # the selections do change the report


def _spoiled_cache_gives_the_same(tmp_path: Path, cache: Path, content: bytes) -> list[tuple]:
    """Lint a hazard with a warm cache, overwrite every cache file with ``content``, lint again:
    the findings must be those of a run without prefilter and cache."""
    (tmp_path / "app.py").write_text("import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n")
    want = run(tmp_path, prefilter=False)
    assert run(tmp_path, cache_dir=cache) == want
    spoiled = [p for p in cache.iterdir() if p.name != ".gitignore"]
    assert any(p.name.startswith("facts-") for p in spoiled), spoiled
    for p in spoiled:
        p.write_bytes(content)
    assert run(tmp_path, cache_dir=cache, need_index=False) == want
    return want


def test_cache_survives_corruption_and_concurrent_runs(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _spoiled_cache_gives_the_same(tmp_path, cache, b"not json [")
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
    assert out.returncode == 1 and list((tmp_path / "elsewhere").glob("facts-*.lines"))


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
    # the facts file's lines: fields of the wrong types, and facts that name a foreign class
    line = b'["%s",[1,2,3,4],"00","app.py","app",false,"yes",{"x":1},7]\t["@Popen",["l","touch","pwned"]]'
    key = str((tmp_path / "app.py").resolve()).encode()
    _spoiled_cache_gives_the_same(tmp_path, tmp_path / "cache2", line.replace(b"%s", key) + b"\n\x00\t\n\t[]\n[1]")
    good = line.replace(b"%s", key).replace(b',7]', b',null]')
    _spoiled_cache_gives_the_same(tmp_path, tmp_path / "cache3", good)
    assert not (tmp_path / "pwned").exists()


def _warm(tree: Path, files: dict[str, str]) -> tuple[Path, list[tuple]]:
    """Write ``files`` (modified long ago: their stats vouch for their bytes) and lint them
    with a cache: the cache folder and the findings."""
    for name, text in files.items():
        (tree / name).write_text(text)
        _mtime_in_past(tree / name)
    cache = tree / "cache"
    return cache, run(tree, cache_dir=cache, need_index=False)


def _edit_and_rerun(tree: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, joins: bool, jobs: int = 1) -> list[tuple]:
    """Write ``text`` to ``name`` and rerun with the cache (on ``jobs`` processes): a full run
    (a join) iff ``joins``, and the findings of a run without prefilter and cache."""
    from linter.engine import pipeline as engine

    (tree / name).write_text(text)
    _mtime_in_past(tree / name)
    calls: list[object] = []
    real_collect = engine.collect_facts
    monkeypatch.setattr(engine, "collect_facts", lambda analysis: calls.append(analysis) or real_collect(analysis))
    try:
        out = run(tree, cache_dir=cache, need_index=False, jobs=jobs)
    finally:
        monkeypatch.setattr(engine, "collect_facts", real_collect)
    assert bool(calls) is joins, "a full run" if calls else "no full run"
    assert out == run(tree, prefilter=False), "differs from a run without prefilter and cache"
    return out


def test_rerun_after_an_edit_that_changes_nothing_analysed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited file that gives the last run's prefilter verdict, facts and demand-round
    answers reuses that run's findings without a join; any other edit is a full run."""
    from linter import cache as cache_module

    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # ctime is now after any write: no stat would vouch
    files = {
        "agent.py": "import litellm\n\n\ndef track(handler):\n    litellm.success_callback.append(handler)\n",
        "web.py": "import agent\n\n\ndef home():\n    return 'hi'\n",
        "other.py": "def add(a, b):\n    return a + b\n",
    }
    cache, first = _warm(tmp_path, files)
    assert [(d[0], d[5]) for d in first] == [("LLM002", "low")], first  # no concurrency evidence yet

    def edit(name: str, text: str, joins: bool) -> list[tuple]:
        return _edit_and_rerun(tmp_path, cache, monkeypatch, name, text, joins)

    # a file no rule needs, and a comment in one whose facts stay: the stored findings
    assert edit("other.py", files["other.py"] + "# edited\n", joins=False) == first
    assert edit("agent.py", files["agent.py"] + "# edited\n", joins=False) == first
    assert edit("web.py", files["web.py"].replace("'hi'", "'hello'"), joins=False) == first
    # the same file now answers a demand round's question differently: it calls the function
    # from a web handler, which is the finding's concurrency evidence
    handler = "import agent\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post('/t')\ndef home(h):\n    agent.track(h)\n"
    assert [(d[0], d[5]) for d in edit("web.py", handler, joins=True)] == [("LLM002", "high")]
    # facts that only move (a line above the finding): the stored findings, moved
    moved = edit("agent.py", "\n" + files["agent.py"], joins=False)
    assert [d[3][0] for d in moved] == [first[0][3][0] + 1]
    # a call added: a full run
    added = edit("agent.py", "\n" + files["agent.py"] + "    litellm.completion(model='m')\n", joins=True)
    assert [d[3][0] for d in added] == [first[0][3][0] + 1]


def _parses(data: bytes) -> bool:
    """The file has facts: CPython parses it, or its newer syntax lowered (``lowering.py``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the fixtures' own SyntaxWarnings
            compile(data.decode("utf-8"), "<case>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        pass
    import libcst as cst

    from linter.analysis.lowering import lowered

    try:
        older = lowered(cst.parse_module(data.decode("utf-8")))
        return older is not None and bool(compile(older, "<case>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True))
    except (cst.ParserSyntaxError, SyntaxError, ValueError, UnicodeDecodeError):
        return False


def _shifted(text: str) -> str:
    """``text`` with two lines inserted at the top and one before its last top-level def."""
    lines = text.splitlines(keepends=True)
    defs = [i for i, line in enumerate(lines) if line.startswith(("def ", "async def ", "class "))]
    if defs:
        lines.insert(defs[-1], "\n")
    return "# moved\n\n" + "".join(lines)


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_rerun_after_an_edit_that_only_moves_code(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines inserted in any one file of a fixture: the rerun maps the stored findings (no
    join) and gives exactly what a run without cache gives, positions in other files'
    evidence included; a file CPython cannot parse is a full run."""
    from linter import cache as cache_module
    from linter.engine import pipeline as engine

    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    tree = tmp_path / case.name
    shutil.copytree(case, tree)
    sources = sorted(tree.rglob("*.py"))
    for path in sources:
        _mtime_in_past(path)
    cache = tmp_path / "cache"
    run(tree, cache_dir=cache, need_index=False)
    joins: list[str] = []
    real_collect = engine.collect_facts

    def collect(analysis):  # type: ignore[no-untyped-def]
        joins.append(str(analysis.files))
        return real_collect(analysis)

    monkeypatch.setattr(engine, "collect_facts", collect)
    remapped = 0
    for path in sources:
        original = path.read_bytes()
        parses = _parses(original)
        path.write_text(_shifted(original.decode("utf-8", "replace")) if parses else "\n" + original.decode("latin-1"), encoding="utf-8" if parses else "latin-1")
        _mtime_in_past(path)
        before = len(joins)
        cached = run(tree, cache_dir=cache, need_index=False)
        full = len(joins) > before
        assert cached == run(tree, prefilter=False), f"{path.name}: the rerun differs from a run without cache"
        assert full is not parses, f"{path.name}: {'a full run' if full else 'no full run'}"
        remapped += not full
        path.write_bytes(original)
        _mtime_in_past(path)
        if full:  # the last full run's tree has the edit: back to the original's
            run(tree, cache_dir=cache, need_index=False)
    assert remapped == sum(1 for p in sources if _parses(p.read_bytes()))
    # random edits that keep code as it is, or nearly (lines inserted and removed anywhere,
    # inside strings and brackets too): remapped or joined, the rerun is a run without cache
    rng = random.Random(case.name)
    for path in sources:
        original = path.read_bytes()
        if not _parses(original):
            continue
        path.write_text(_scrambled(original.decode("utf-8"), rng), encoding="utf-8")
        _mtime_in_past(path)
        assert run(tree, cache_dir=cache, need_index=False) == run(tree, prefilter=False), f"{path.name}: differs"
        path.write_bytes(original)
        _mtime_in_past(path)
        run(tree, cache_dir=cache, need_index=False)


def _scrambled(text: str, rng: random.Random) -> str:
    """``text`` with a few blank lines, comment lines and trailing spaces added at random
    line boundaries, and a blank line removed."""
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(lines))
        lines.insert(at, rng.choice(["\n", "# note\n", "    # note\n", "\n\n"]))
    blank = [i for i, line in enumerate(lines) if not line.strip()]
    if blank:
        del lines[rng.choice(blank)]
    if lines:
        i = rng.randrange(len(lines))
        lines[i] = lines[i].rstrip("\r\n") + "  \n"
    return "".join(lines)


def _locs(row: tuple, path: str) -> list[tuple]:
    """The spans of the ``Loc`` parts into ``path`` of a finding's structured evidence."""
    return [part[1] for text in row[7] for part in text[0] if type(part) is tuple and part[0] == path]


def test_moved_positions_reach_other_files_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding in one file whose evidence names a line of another: lines inserted in the
    other file move that line in the evidence; a ``# noqa`` added on the finding's line is a
    full run that suppresses it; lines joined is a full run."""
    from linter import cache as cache_module

    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    locks = "import threading\n\nLOCK = threading.Lock()\n"
    app = (
        "import litellm\nfrom fastapi import FastAPI\n\nimport locks\n\napp = FastAPI()\n\n\n"
        "@app.post('/ask')\ndef ask(q):\n    with locks.LOCK:\n        return litellm.completion(model='m', messages=[q])\n"
    )
    cache, first = _warm(tmp_path, {"locks.py": locks, "app.py": app})
    assert [(d[0], d[2]) for d in first] == [("LLM003", "app.py")], first
    assert any("locks.py:3" in e for e in first[0][6]), first[0][6]

    def edit(name: str, text: str, joins: bool) -> list[tuple]:
        return _edit_and_rerun(tmp_path, cache, monkeypatch, name, text, joins)

    moved = edit("locks.py", '"""Locks."""\n# one for all\n\n' + locks, joins=False)
    assert any("locks.py:6" in e for e in moved[0][6]) and not any("locks.py:3" in e for e in moved[0][6]), moved[0][6]
    # the evidence names the lock's definition as a Loc (row[7]: the structured evidence), and
    # the rerun moved that Loc: no prose is read back
    assert _locs(first[0], "locks.py") == [(3, 1, 3, 5)] and _locs(moved[0], "locks.py") == [(6, 1, 6, 5)]
    assert moved[0][3] == first[0][3]  # the finding itself did not move
    shifted = edit("app.py", "# top\n" + app.replace("    with", "    # held\n    with"), joins=False)
    assert shifted[0][3][0] == first[0][3][0] + 2
    split = app.replace("messages=[q])", "messages=[\n            q,\n        ])")
    assert edit("app.py", split, joins=False)[0][3] == (11, 10, 11, 20)  # a call's end moved
    noqa = app.replace("    with locks.LOCK:", "    with locks.LOCK:  # noqa: LLM003")
    assert edit("app.py", noqa, joins=True) == []
    joined = app.replace("    with locks.LOCK:\n        return", "    with locks.LOCK: return")
    assert len(edit("app.py", joined, joins=True)) == 1  # two lines joined: a full run


def test_rerun_knows_import_words_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demand rounds ask which files import a module: a rerun after an edit that changes
    facts answers from the cached import words of files it does not analyse, without
    reading them again, and finds what a run without cache finds."""
    from linter import cache as cache_module
    from linter.engine import demand, rerun, workers

    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    files = {
        "agent.py": "import litellm\n\n\ndef track(handler):\n    litellm.success_callback.append(handler)\n",
        "web.py": "import agent\n\n\ndef home(h):\n    return agent.track(h)\n",
        "other.py": "import json\n\n\ndef dump(x):\n    return json.dumps(x)\n",
    }
    cache, first = _warm(tmp_path, files)
    (tmp_path / "agent.py").write_text(files["agent.py"] + "\n\nLIMIT = 3\n")  # a binding more: facts change
    _mtime_in_past(tmp_path / "agent.py")
    reads: list[str] = []
    real_read = demand.read_source
    for module in (demand, rerun, workers):  # every read of the engine's
        monkeypatch.setattr(module, "read_source", lambda path: reads.append(Path(path).name) or real_read(path))
    again = run(tmp_path, cache_dir=cache, need_index=False)
    assert reads and "other.py" not in reads, reads
    assert [d[:2] for d in again] == [d[:2] for d in first] == [("LLM002", "global-callback-registration")]
    for module in (demand, rerun, workers):
        monkeypatch.setattr(module, "read_source", real_read)
    assert again == run(tmp_path, prefilter=False)


def test_an_edited_file_is_analysed_once_when_the_rerun_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("linter.cache.RACY_NS", 0)  # a file just written vouches for its bytes (no 2 s wait)
    app = tmp_path / "app.py"
    app.write_text("import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n")
    (tmp_path / "other.py").write_text("import litellm\n\ndef ask(m):\n    return litellm.completion(model='x', messages=m)\n")
    cache = tmp_path / "cache"
    run(tmp_path, cache_dir=cache, need_index=False)
    app.write_text("import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n    litellm.success_callback = [h]\n")
    want = run(tmp_path, prefilter=False)
    import linter.engine.workers as workers

    analysed: list[str] = []
    real = workers.run_job
    monkeypatch.setattr(workers, "run_job", lambda job, scan: analysed.append(job.display) or real(job, scan))
    got = run(tmp_path, cache_dir=cache, need_index=False)
    assert got == want and len(got) == 2
    assert "app.py" not in analysed  # the rerun's comparison analysed it; the full run took that from the cache


def test_facts_codec_gives_back_every_fixtures_facts(tmp_path: Path) -> None:
    """The facts cache's schema encoding (``cache_codec.dumps_facts``) gives back equal facts,
    of the same types (a tuple stays a tuple: ``==`` tells it from a list), for every fixture
    file, and equal facts encode to equal bytes (the tree record hashes them); anything that is
    not a file's facts is a ``CodecError``."""
    from linter import cache_codec
    from linter.analysis.catalog import Catalog
    from linter.analysis.extract import extract
    from linter.analysis.facts import FileFacts

    fixtures = sorted((ROOT / "tests" / "fixtures").rglob("*.py"))
    assert len(fixtures) > 50
    seen_fields: set[str] = set()
    for path in fixtures:
        try:
            text = path.read_text(encoding="utf-8")
            tree = compile(text, str(path), "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, UnicodeError, ValueError):  # the syntax and decoding fixtures
            continue
        facts = extract(tree, FileFacts(path.name, path.stem, suppressions={1: frozenset({"b", "a"})}), Catalog(), text)
        data = cache_codec.dumps_facts(facts)
        back = cache_codec.loads_facts(data, {})
        assert back == facts, path
        assert cache_codec.dumps_facts(back) == data, path
        seen_fields |= {name for fn in facts.functions.values() for name in ("calls", "regions", "spawns") if getattr(fn, name)}
    assert seen_fields == {"calls", "regions", "spawns"}  # the nested kinds were exercised
    for hostile in (b'["@Popen", "x"]', b"[1, 2]", b'{"a": 1}', b"not json", b'["a.py"]', b"[" + b"[" * 100000):
        with pytest.raises(cache_codec.CodecError):
            cache_codec.loads_facts(hostile, {})


@pytest.mark.parametrize("jobs", [1, 2])
def test_rerun_after_an_edit_that_changes_what_other_files_resolve_to(jobs: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits to one file that change another file's findings (a function renamed under its
    callers, an import added, a lock removed) are full runs that give a run without cache's
    findings, on one process or more. The rerun's comparison analyses the edited file once
    (scanned, and parsed when a demand round had asked for it); the full run takes it from the
    cache."""
    from linter.engine import pipeline as engine
    from linter.engine import rerun, workers

    monkeypatch.setattr("linter.cache.RACY_NS", 0)
    agent = "import litellm\n\n\ndef track(handler):\n    litellm.success_callback.append(handler)\n"
    web = "from fastapi import FastAPI\n\nimport agent\n\napp = FastAPI()\n\n\n@app.post('/t')\ndef home(h):\n    agent.track(h)\n"
    locks = "import threading\n\nLOCK = threading.Lock()\n"
    ask = ("import litellm\nfrom fastapi import FastAPI\n\nimport locks\n\napp = FastAPI()\n\n\n"
           "@app.post('/ask')\ndef ask(q):\n    with locks.LOCK:\n        return litellm.completion(model='m', messages=[q])\n")
    cache, first = _warm(tmp_path, {"agent.py": agent, "web.py": web, "locks.py": locks, "ask.py": ask})
    assert sorted((d[0], d[2], d[5]) for d in first) == [("LLM002", "agent.py", "high"), ("LLM003", "ask.py", "high")], first
    analysed: list[tuple[str, bool, bool]] = []  # (file, forced, by the full run)
    joining: list[bool] = [False]
    real, real_collect = workers.run_job, engine.collect_facts
    monkeypatch.setattr(workers, "run_job", lambda job, scan: analysed.append((job.display, job.force_parse, joining[0])) or real(job, scan))
    monkeypatch.setattr(rerun, "run_job", workers.run_job)
    monkeypatch.setattr(engine, "collect_facts", lambda analysis: joining.__setitem__(0, True) or real_collect(analysis))

    def edit(name: str, text: str) -> list[tuple]:
        (tmp_path / name).write_text(text)
        _mtime_in_past(tmp_path / name)
        analysed.clear()
        joining[0] = False
        out = run(tmp_path, cache_dir=cache, need_index=False, jobs=jobs)
        assert joining[0], "a full run"
        # (agent.py is parsed by the byte scan's verdict; the others are ruled out by it and
        # were parsed because a demand round asked)
        assert [(f, forced, full) for f, forced, full in analysed if f == name] == (
            [(name, False, False)] + [(name, True, False)] * (name != "agent.py")), analysed
        assert out == run(tmp_path, prefilter=False), "differs from a run without prefilter and cache"
        return out

    def found() -> list[tuple]:
        return sorted((d[0], d[2], d[5]) for d in run(tmp_path, cache_dir=cache, need_index=False, jobs=jobs))

    # renamed: the web handler's call no longer names it, so nothing says it runs concurrently
    renamed = edit("agent.py", agent.replace("def track", "def track_handler"))
    assert [(d[0], d[5]) for d in renamed if d[2] == "agent.py"] == [("LLM002", "low")], renamed
    assert found() == sorted((d[0], d[2], d[5]) for d in renamed)  # a rerun with nothing edited: the same
    # an import and a call added in another file: the handler calls it again
    web_again = web.replace("import agent", "import agent as agent_module\nfrom agent import track_handler").replace(
        "agent.track(h)", "track_handler(h)")
    assert [(d[0], d[5]) for d in edit("web.py", web_again) if d[2] == "agent.py"] == [("LLM002", "high")]
    # the lock removed from its module: nothing is held across the call any more
    assert [d for d in edit("locks.py", "import threading\n\nLOCK = None\n") if d[0] == "LLM003"] == []
    assert [d[2] for d in edit("locks.py", locks) if d[0] == "LLM003"] == ["ask.py"]



_NESTED_PARAMETERS = '''
import functools
from concurrent.futures import ProcessPoolExecutor


def deco(*a):
    return lambda f: f


def drive(task, items, meta, pool_size=2):
    with ProcessPoolExecutor(pool_size) as pool:
        for item in items:
            pool.submit(task, item, meta)
    return [task(i, meta) for i in items]


def outer(task, meta, hook, other=None, *rest, **extra):
    @deco(hook)
    def inner(x, y=meta, *, z=(w := other)):
        class Keep:
            kept = task
        return task(x) + (lambda: rest)()
    if other is None:
        other = None
    hook[meta] = extra
    handed = functools.partial(task, meta=meta)
    return drive(task, [1], meta) or drive(handed, [2], meta) or inner


@deco(lambda task: task)
def relays(task, meta):
    def again(task):
        return drive(task, [], meta)
    return drive(task, [], meta), again(task)
'''


def test_parameter_walks_are_one_walk_of_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which parameters a function rebinds (``kept_params``) and hands on only where its calls
    stay visible (``relayed``) come from one walk of the file (``_scopes``), not from a walk of
    each ``def``'s subtree (nested ones once per enclosing function: 16% of pdd's extraction),
    and so do the names under a test (``Access.tested``: a walk of each reading function and of
    each test in it was 10%); the facts are those the per-``def`` walks give, for every fixture file and a file of nested
    functions, lambdas, classes, decorators and defaults that use the parameters."""
    from linter.analysis import extract as ex
    from linter.analysis.catalog import Catalog
    from linter.analysis.facts import FileFacts

    sources = [("nested.py", _NESTED_PARAMETERS)]
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.py")):
        try:
            sources.append((str(path), path.read_text(encoding="utf-8")))
        except UnicodeError:  # the decoding fixtures
            continue
    relayed = 0
    for name, text in sources:
        try:
            tree = compile(text, name, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError):  # the syntax fixtures
            continue
        walks: list[int] = []
        one_walk = ex._scopes

        def counted(t: ast.AST) -> dict:
            walks.append(1)
            return one_walk(t)

        monkeypatch.setattr(ex, "_scopes", counted)
        fast = ex.extract(tree, FileFacts(name, "m"), Catalog(), text)
        assert len(walks) <= 1, f"{name}: the file walked {len(walks)} times"
        monkeypatch.setattr(ex._Extractor, "scope_of", lambda self, node: _scope_by_walking(node))  # the per-def walks
        slow = ex.extract(tree, FileFacts(name, "m"), Catalog(), text)
        monkeypatch.undo()
        assert fast == slow, name
        relayed += sum(1 for f in fast.functions.values() if f.relayed)
    assert relayed > 10  # the relayed parameters were exercised


def _scope_by_walking(node: ast.AST):  # type: ignore[no-untyped-def]
    """A ``def``'s ``_Scope`` as the extractor found it before ``_scopes``, by walking the
    ``def``'s own subtree (the reference): the names it binds to a value other than a literal
    None (decorators included), the nodes under its tests, and each use of a parameter's name (not in its decorators),
    nested when a function, lambda or class lies between."""
    from linter.analysis import extract as ex

    a = node.args  # type: ignore[attr-defined]
    params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs] + [p.arg for p in (a.vararg, a.kwarg) if p is not None]
    scope = ex._Scope(frozenset(params))
    for n in ast.walk(node):
        targets: list[ast.AST] = []
        if isinstance(n, ast.Assign):
            if not (all(isinstance(t, ast.Name) for t in n.targets) and ex._is_none(n.value)):
                targets = list(n.targets)
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.comprehension)):
            targets = [n.target]
        elif isinstance(n, ast.withitem) and n.optional_vars is not None:
            targets = [n.optional_vars]
        for t in targets:
            scope.rebound.update(x.id for x in ast.walk(t) if isinstance(x, ast.Name))
        # ``Access.tested`` as it was found by a walk of each reading function, then of each test
        parts = [n.test] if isinstance(n, (ast.If, ast.While, ast.IfExp, ast.Assert)) else n.values if isinstance(n, ast.BoolOp) else ()
        for part in parts:
            scope.tested.update(id(m) for m in ast.walk(part))
    todo: list[tuple[ast.AST, bool]] = [(c, False) for c in ast.iter_child_nodes(node) if c not in node.decorator_list]  # type: ignore[attr-defined]
    while todo:
        n, nested = todo.pop()
        if type(n) is ast.Name and n.id in scope.params:
            scope.uses.append((n.id, id(n), nested))
        inner = nested or isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
        todo.extend((c, inner) for c in ast.iter_child_nodes(n))
    return scope


def _sites_by_scan(index, file, cls: str):  # type: ignore[no-untyped-def]
    """``Context._find_sites`` as it was: every call and base of the project asked (the reference)."""
    from linter.model.context import _imports_module

    if cls in file.escapes:
        return None
    qualified, other, sites = f"{file.module}.{cls}", False, []
    for f in index.files:
        if f.is_test:
            continue
        if any(index._names_class(b, file, cls) for k in f.classes.values() for b in k.bases):
            return None
        other = other or (f is not file and not index.same_program(f, file) and _imports_module(f, file.module, qualified))
        for fn in f.functions.values():
            built = sum(1 for call in fn.calls if index._names_class(call.callee, file, cls))
            site = index.functions.get(f"{f.module}:{fn.qualname}") if built else None
            if site is not None and not index.self_test(site, file, cls):  # a library module's own demo
                sites.extend([site] * built)
    return other, [s.id for s in sites]


def test_construction_sites_ask_only_calls_that_name_the_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a class is built (``construction_sites``) is found among the calls whose name ends
    in the class's, not by asking every call of the project for each class (4% of pdd's cold
    run): the same sites, in the same order, for every class of every fixture project."""
    from linter.model.context import Context

    asked: list[str] = []
    names_class = Context._names_class

    def counted(self, ref, file, cls):  # type: ignore[no-untyped-def]
        asked.append(ref.name.rpartition(".")[2] if ref.kind == "name" else "")
        return names_class(self, ref, file, cls)

    checked = built = 0
    for case in cases():
        config = load(None, case, isolated=True, min_confidence="low")
        from linter.engine import check_files, discover_files

        index = check_files(discover_files([str(case)], config, case), config, jobs=1).index
        assert index is not None
        for f in index.files:
            for cls in f.classes:
                monkeypatch.setattr(Context, "_names_class", counted)
                asked.clear()
                got = index._find_sites(f, cls)
                monkeypatch.undo()
                assert set(asked) <= {cls}, (case, cls, set(asked))
                want = _sites_by_scan(index, f, cls)
                assert (None if got is None else (got.other_programs, [s.id for s in got.sites])) == want, (case, cls)
                checked += 1
                built += bool(got and got.sites)
    assert checked > 100 and built > 20  # classes built somewhere were exercised


def test_cold_run_keeps_name_scan_answers_of_files_the_byte_scan_rules_out(tmp_path: Path) -> None:
    """A cold run on several processes stores the files the byte scan rules out after their
    syntax verdict, once the demand rounds are over: the answers the rounds' name scans gave
    about those files' bytes go into their entries then, so the first rerun after an edit does
    not read and scan them again (pdd, code edited: 4,452 scans, 0.6 of 6.8 s)."""
    from linter.engine.pipeline import open_cache

    (tmp_path / "app.py").write_text(
        "import litellm\n\n\nclass Runner:\n    def finish(self):\n        litellm.callbacks = []\n\n\n"
        "def drive(r):\n    r.finish()\n"
    )
    for i in range(24):  # enough for the pool, and for the deferred syntax checks
        (tmp_path / f"plain{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    cache = tmp_path / "cache"
    first = run(tmp_path, cache_dir=cache, need_index=False, jobs=2)
    assert first == run(tmp_path, prefilter=False)
    config = load(None, tmp_path, isolated=True, min_confidence="low")
    config.cache_dir = cache
    entries = open_cache(config).entries  # type: ignore[union-attr]
    plain = [e for key, e in entries.items() if Path(key).name.startswith("plain")]
    assert len(plain) == 24 and all(e.skipped for e in plain)
    assert all(e.mentions for e in plain), "a name scan's answer was lost"


@pytest.mark.parametrize("case", [c for c in cases() if c.name == "key_joined_from_two_request_parts"], ids=case_id)
def test_findings_do_not_depend_on_the_hash_seed(case: Path) -> None:
    """The same report, evidence included, whatever PYTHONHASHSEED is: the parameters a value
    depends on are a set of names, followed in sorted order (in a set's order the report named
    one parameter or the other, run by run; on pdd a value's kind moved from "can differ" to
    "not known" with the seed, in a run with or without cache alike)."""
    reports = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-m", "linter", "check", "--isolated", "--no-cache", "--min-confidence", "low", "--exit-zero", "."],
            cwd=case, env=env, capture_output=True, text=True, check=True,
        )
        reports.add(out.stdout)
    assert len(reports) == 1, reports
