"""The engine knows no rule: rules are discovered, declare what they need (``linter.demands``)
and the questions asked of files' bytes are typed values that reruns ask again."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import linter
import linter.rules
from linter.cache import TreeFile, TreeRecord
from linter.demands import Callers, Definition, ImportsAndMentions, ImportsFrom, Mentions, MentionsWord, decode_question, encode_question, imported_words, per_index
from linter.rules import RULES, discover

ROOT = Path(linter.__file__).parent
ENGINE = sorted((ROOT / "engine").glob("*.py")) + [ROOT / "prefilter.py", ROOT / "cache.py", ROOT / "demands.py"]
RULE_MODULES = {p.stem for p in (ROOT / "rules").glob("*.py") if p.stem != "__init__"}


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_engine_modules_contain_no_rule_code(path: Path) -> None:
    text = path.read_text()
    assert "LLM0" not in text, "a rule code in the engine"
    for node in ast.walk(ast.parse(text)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            assert not name.startswith("linter.rules"), f"{name}: the engine imports the rules"
            assert name.split(".")[-1] not in RULE_MODULES, f"{name}: the engine imports a rule module"


def test_discovery_lists_exactly_the_modules_that_define_a_code() -> None:
    with_code = sorted(m.CODE for m in (sys.modules[f"linter.rules.{s}"] for s in RULE_MODULES) if hasattr(m, "CODE"))
    assert [r.code for r in RULES] == with_code


def test_a_rule_module_dropped_into_the_package_is_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "droprules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "zeta.py").write_text('CODE = "LLM901"\nNAME = "zeta"\n')
    (package / "alpha.py").write_text('CODE = "LLM900"\nNAME = "alpha"\n')
    (package / "helpers.py").write_text("X = 1\n")  # no CODE: not a rule
    monkeypatch.syspath_prepend(str(tmp_path))
    import droprules  # type: ignore[import-not-found]

    assert [m.CODE for m in discover(droprules)] == ["LLM900", "LLM901"]


def test_mentions_word_matches_whole_words() -> None:
    q = MentionsWord(("COSTS", "usage"))
    assert q.source == rb"\b(?:COSTS|usage)\b"
    assert q.matches(b"print(COSTS)\n")
    assert q.matches(b"x = usage[1]")
    assert not q.matches(b"MY_COSTS = 1\nusage_total = 2\n")


def test_imports_and_mentions_needs_both_the_import_and_the_name() -> None:
    q = ImportsAndMentions((("agent", "track"), ("llm", "LLM")))
    assert q.wanted == {b"agent": {b"track"}, b"llm": {b"LLM"}}
    assert q.matches(b"import agent\n\nagent.track(h)\n")
    assert q.matches(b"from app.llm import LLM\nLLM()\n")
    assert q.matches(b"from x import (\n    agent,\n)\nagent.track()\n")
    assert not q.matches(b"import agent\nagent.tracking()\n"), "a longer name is not a mention"
    assert not q.matches(b"import other\ntrack()\n"), "the name without the module's import"
    assert not q.matches(b"# agent.track\n")
    assert q.matches(b"agent.track()", imported=frozenset({b"agent"})), "import words known already"
    assert imported_words(b"from a.b import (c,\n d)\nimport e as f\nx = 1\n") == {b"from", b"a", b"b", b"import", b"c", b"d", b"e", b"as", b"f"}


def test_imports_from_needs_the_name_imported_from_the_package() -> None:
    q = ImportsFrom((("camel.toolkits", "VeoToolkit"),))
    assert q.matches(b"from camel.toolkits import VeoToolkit\nVeoToolkit()\n")
    assert q.matches(b"from camel.toolkits import (\n    SearchToolkit,\n    VeoToolkit,\n)\n")
    assert q.matches(b"import camel.toolkits\ncamel.toolkits.VeoToolkit()\n")
    # a submodule's import mentions the package's words too: the question ImportsAndMentions
    # asks would say yes here (pdd: 169 more files parsed)
    assert not q.matches(b"from camel.toolkits.search import SearchToolkit\nVeoToolkit = None\n")
    assert not q.matches(b"from camel.toolkits import VeoToolkitV2\n"), "a longer name is not the name"
    assert not q.matches(b"from camel import toolkits\n")


@pytest.mark.parametrize(
    "q", [MentionsWord(("a", "b")), ImportsAndMentions((("m", "n"), ("m", "o"))), ImportsFrom((("p.q", "n"),))]
)
def test_questions_round_trip(q: object) -> None:
    assert decode_question(encode_question(q)) == q  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [None, ["mentions"], ["mentions", [1]], ["imports", [["m"]]], ["other", []]])
def test_a_spoiled_question_does_not_decode(raw: object) -> None:
    with pytest.raises(ValueError):
        decode_question(raw)


def test_tree_record_round_trips_and_rejects_spoiled_records() -> None:
    from linter import cache_codec

    record = TreeRecord(b"k" * 8, "settings", (MentionsWord(("w",)),),
                        (TreeFile("a.py", "a", False, (1, 2, 3, 4), False, b"h", ((0, True),)), TreeFile("b.py", "b", True, (5, 6, 7, 8), None, None, ())))
    assert TreeRecord.decode(cache_codec.loads(cache_codec.dumps(record.encode()))) == record
    spoiled = record.encode()
    spoiled["files"][0][6] = [[5, True]]  # a question that is not there
    with pytest.raises(ValueError):
        TreeRecord.decode(spoiled)


def test_demands_are_values() -> None:
    assert Mentions(["b", "a"]) == Mentions({"a", "b"})
    assert len({Definition("m.f"), Definition("m.f"), Callers("m:f")}) == 2


def test_per_index_memo_shares_one_pass_per_index() -> None:
    calls: list[object] = []

    @per_index
    def check(index: object):  # type: ignore[no-untyped-def]
        calls.append(index)
        yield from (1, 2)

    class Index:  # weakly referenceable, as ProjectIndex is
        pass

    one, two = Index(), Index()
    assert list(check(one)) == list(check(one)) == [1, 2]
    assert list(check(two)) == [1, 2]
    assert calls == [one, two]


def test_fixers_are_discovered_one_per_code() -> None:
    """Fixers are found like the rules: each module of linter/fixes defining CODES, one per code,
    every code a rule's; the codemods LLM002's fixer dispatches to by shape are not entries."""
    from linter.fixes import FIXERS
    from linter.rules import BY_KEY

    assert {code: m.__name__.rsplit(".", 1)[-1] for code, m in FIXERS.items()} == {
        "LLM001": "return_value",
        "LLM002": "deliver_directly",
        "LLM003": "narrow_lock",
        "LLM004": "return_value",
        "LLM005": "per_call_config",
        "LLM006": "narrow_lock",
        "LLM007": "construction_registration",
        "LLM008": "contextvar",
    }
    assert all(code in BY_KEY for code in FIXERS)


def test_codes_with_codemod_are_read_without_importing_libcst() -> None:
    """``check``'s hint reads the fixers' ``CODES`` from their sources: the same set as the
    imported registry, and a fresh interpreter that computes it has not loaded libcst."""
    import subprocess
    import sys

    from linter.fix_codes import codes_with_codemod
    from linter.fixes import FIXERS

    assert codes_with_codemod() == frozenset(FIXERS)
    probe = (
        "import sys; from linter.fix_codes import codes_with_codemod; codes_with_codemod(); "
        "print('libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_facts_hold_no_sets() -> None:
    """A set's iteration order differs between processes (string hashing): facts holding one
    encode differently each run, and a rerun after code only moved became a full run (the
    LLM003 ``safe_file_lock`` case failed 1 time in 3 with two dotted strings in a set)."""
    import dataclasses
    import typing

    from linter.analysis import facts

    for cls in vars(facts).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == facts.__name__:
            hints = typing.get_type_hints(cls)
            for f in dataclasses.fields(cls):
                origin = typing.get_origin(hints[f.name]) or hints[f.name]
                assert origin not in (set, frozenset), f"{cls.__name__}.{f.name} is a set"


def test_extraction_leaves_no_reference_cycle(tmp_path: Path) -> None:
    """Workers run with the collector off: a cycle made while extracting keeps the whole syntax
    tree of a function alive until the process ends (pdd: a worker's 48 MB grew to 225 MB when
    each branch test referred back to its function)."""
    import gc

    from tests.helpers import facts_of

    source = """
        import os

        def pick(env, key):
            if env == "prod":
                os.environ["API_BASE"] = "https://prod"
            elif key:
                os.environ["API_KEY"] = key
            while env:
                env = env[1:]
    """
    facts_of(tmp_path, "import os\n", "warm")  # first-use imports and caches make cycles of their own
    gc.collect()
    gc.disable()
    try:
        facts = facts_of(tmp_path, source)
        assert facts.functions["pick"].config_writes  # the branch tests were asked for
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_importers_demand_asks_for_the_files_whose_imports_name_the_module(tmp_path: Path) -> None:
    """``Importers(module)``: the files (not tests) whose import statements spell the module's
    last name, however they import it; a file that only mentions the word is not one."""
    from linter.config import load
    from linter.engine.demand import Analysis
    from linter.engine.pipeline import discover_files

    (tmp_path / "pkg").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "page.py").write_text("LIMIT = 5\n")
    (tmp_path / "pkg" / "home.py").write_text("from pkg.page import LIMIT\n")
    (tmp_path / "pkg" / "nav.py").write_text("from . import page\n")
    (tmp_path / "pkg" / "other.py").write_text("page = 'the word, no import'\n")
    (tmp_path / "tests" / "test_page.py").write_text("from pkg import page\n")
    config = load(None, tmp_path, isolated=True)
    analysis = Analysis(discover_files([str(tmp_path)], config, cwd=tmp_path), config, jobs=1)
    try:
        wanted = sorted(sf.display.replace("\\", "/") for sf in analysis._importing({"pkg.page"}))
    finally:
        analysis.close()
    assert wanted == ["pkg/home.py", "pkg/nav.py"]
