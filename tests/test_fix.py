"""`llmlint fix`: diff, idempotence, atomic writes that keep encoding/BOM/newlines/mode, refusals."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from linter.atomic_write import FileChanged, write_atomic
from linter.config import load
from linter.engine import check_paths, discover_files
from linter.fixing import fix_files, verify, write_rewrites
from tests.expectations import FIXTURES, cases
from tests.test_cli import run

PDD = '''import litellm

_LAST = {"cost": 0.0, "tokens": 0}


def _track(kwargs, completion_response, start_time, end_time):
    global _LAST
    _LAST["cost"] = kwargs.get("response_cost", 0.0)
    _LAST["tokens"] = completion_response.usage.total_tokens
    print("logged")


litellm.success_callback = [_track]


def ask(prompt):
    response = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    return response, _LAST["cost"], _LAST.get("tokens")
'''


def _codes(root: Path) -> list[tuple[str, int]]:
    result = check_paths([str(root)], load(None, root, isolated=True), jobs=1, cwd=root)
    return [(d.code, d.span.line) for d in result.diagnostics]


def test_fix_rewrites_relints_and_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(PDD)
    (tmp_path / "clean.py").write_text("import litellm\nlitellm.callbacks = []\n")
    clean_mtime = (tmp_path / "clean.py").stat().st_mtime_ns
    assert _codes(tmp_path) == [("LLM001", 18)]  # one finding per line that reads it (two reads here)
    code, out, _ = run(["fix", ".", "--isolated", "--rule", "global-callback-data"], tmp_path)
    assert code == 0, out
    assert "Fixed 1 finding in 1 files; 0 remaining" in out
    fixed = (tmp_path / "app.py").read_text()
    compile(fixed, "app.py", "exec")
    assert "_track_data(response)" in fixed and 'print("logged")' in fixed
    assert "def _track_data(completion_response) -> dict:" in fixed
    assert 'print("logged")' not in fixed.split("def _track_data")[1]  # side effects stay in the callback
    # nothing reads _LAST any more: the storage, its `global` and the callback's writes are gone
    assert "_LAST = " not in fixed and "global _LAST" not in fixed and '_LAST["cost"]' not in fixed
    assert _codes(tmp_path) == []
    # a second run changes nothing
    code, out, _ = run(["fix", ".", "--isolated", "--rule", "LLM001"], tmp_path)
    assert code == 0 and (tmp_path / "app.py").read_text() == fixed
    assert (tmp_path / "clean.py").stat().st_mtime_ns == clean_mtime


def test_diff_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(PDD)
    code, out, err = run(["fix", ".", "--isolated", "--rule", "LLM001", "--diff"], tmp_path)
    assert code == 1
    assert out.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "-    return response, _LAST[\"cost\"], _LAST.get(\"tokens\")" in out
    assert "+    return response, last[\"cost\"], last.get(\"tokens\")" in out
    assert "Would fix 1 finding in 1 file." in err
    assert (tmp_path / "app.py").read_text() == PDD


def test_unsafe_fixes_need_opt_in(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(PDD)
    code, out, err = run(["fix", ".", "--isolated"], tmp_path)
    assert code == 1 and (tmp_path / "app.py").read_text() == PDD
    assert "1 more fixable with --unsafe-fixes" in err  # the line that reads _LAST twice
    code, out, _ = run(["check", ".", "--isolated", "--fix", "--unsafe-fixes"], tmp_path)
    assert code == 0 and "_track_data" in (tmp_path / "app.py").read_text()


def test_refusal_is_reported_and_file_left(tmp_path: Path) -> None:
    src = PDD.replace('kwargs.get("response_cost", 0.0)', "end_time - start_time")
    (tmp_path / "app.py").write_text(src)
    code, out, _ = run(["fix", ".", "--isolated", "--rule", "LLM001", "--output-format", "concise"], tmp_path)
    assert code == 1
    assert "(no automatic fix: the callback uses `start_time`, which the response does not carry)" in out
    assert (tmp_path / "app.py").read_text() == src


def test_json_check_output_carries_the_fix(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(PDD)
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "json", "--show-fixes"], tmp_path)
    data = json.loads(out)
    fix = data[0]["fix"]
    assert fix["title"] == "Read the values from the call's own response"
    assert fix["applicability"] == "unsafe"
    assert {e["path"] for e in fix["edits"]} == {"app.py"}
    # applying the edits bottom-up gives the same text `fix` writes
    lines = PDD.splitlines(keepends=True)
    for e in sorted(fix["edits"], key=lambda e: -e["line"]):
        lines[e["line"] - 1 : e["end_line"] - 1] = [e["content"]]
    run(["fix", ".", "--isolated", "--rule", "LLM001"], tmp_path)
    assert "".join(lines) == (tmp_path / "app.py").read_text()


def test_encoding_bom_newlines_and_mode_are_kept(tmp_path: Path) -> None:
    crlf = PDD.replace("\n", "\r\n")
    (tmp_path / "bom.py").write_bytes(codecs.BOM_UTF8 + crlf.encode())
    latin = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + PDD
    (tmp_path / "latin.py").write_bytes(latin.encode("latin-1"))
    os.chmod(tmp_path / "latin.py", 0o750)
    code, out, _ = run(["fix", ".", "--isolated", "--rule", "LLM001"], tmp_path)
    assert code == 0, out
    bom = (tmp_path / "bom.py").read_bytes()
    assert bom.startswith(codecs.BOM_UTF8) and b"_track_data" in bom
    assert bom.count(b"\n") == bom.count(b"\r\n")
    raw = (tmp_path / "latin.py").read_bytes()
    assert "# caf\xe9".encode("latin-1") in raw and b"_track_data" in raw
    assert stat.S_IMODE((tmp_path / "latin.py").stat().st_mode) == 0o750
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".llmlint-tmp")]


def test_file_changed_since_read_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    original = path.read_bytes()
    path.write_text("x = 2\n")
    with pytest.raises(FileChanged):
        write_atomic(path, "x = 3\n", original)
    assert path.read_text() == "x = 2\n"


def test_failed_rename_leaves_original_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")

    def boom(*args, **kwargs):
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(path, "x = 3\n", path.read_bytes())
    assert path.read_text() == "x = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


def test_fixtures_fixed_compile_relint_and_are_stable(tmp_path: Path) -> None:
    tree = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, tree)
    total = 0
    for case in cases(tree):
        config = load(None, case, isolated=True)
        files = discover_files([str(case)], config, cwd=case)
        first = fix_files(files, config, 1, set(), unsafe=True)
        assert not first.errors
        for path, text in first.rewrites.items():
            assert verify(path, text) is None  # compiles (lowered, for a file in newer syntax)
        assert write_rewrites(first, first.result.paths) == []
        total += first.fixed
        # the fixed tree re-lints to what fix reported, and a second run changes nothing
        relint = check_paths([str(case)], config, jobs=1, cwd=case)
        assert [(d.code, d.span.line) for d in relint.diagnostics] == [
            (d.code, d.span.line) for d in first.result.diagnostics
        ]
        second = fix_files(files, config, 1, set(), unsafe=True)
        assert second.rewrites == {} and second.fixed == 0
    assert total >= 9  # LLM001 in the PDD shapes, LLM003 in every lock fixture


def test_a_rewrite_that_does_not_compile_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.fixes import FIXERS, Rewrite

    (tmp_path / "app.py").write_text(PDD)
    fixer = FIXERS["LLM001"]
    monkeypatch.setattr(fixer, "fix", lambda d, index, sources: Rewrite({"app.py": "def broken(:\n"}, "broken"))
    code, out, err = run(["fix", ".", "--isolated", "--rule", "LLM001", "--output-format", "concise"], tmp_path)
    assert code == 1
    assert "app.py: rewrite dropped, it does not compile" in err
    assert (tmp_path / "app.py").read_text() == PDD
    assert "LLM001" in out


def test_storage_with_another_reader_stays(tmp_path: Path) -> None:
    root = tmp_path / "pdd"
    shutil.copytree(FIXTURES / "LLM001/pdd_global_dict", root)
    config = load(None, root, isolated=True)
    result = fix_files(discover_files([str(root)], config, cwd=root), config, 1, {"LLM001"}, unsafe=False)
    assert result.fixed == 2  # the reads at lines 14 and 15, each a finding
    # `last_finish_reason()` still reads it (its finding has no automatic fix), so it is kept
    # (the callback now stores what the pure function computes: one copy of the computation)
    assert "_LAST_CALLBACK_DATA.update(_litellm_success_callback_data(completion_response))" in result.rewrites["pdd/callbacks.py"]
    assert "from .callbacks import _LAST_CALLBACK_DATA" in result.rewrites["pdd/llm_invoke.py"]


def test_json_and_sarif_over_a_warm_cache_load_the_stored_previews(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("linter.cache.RACY_NS", 0)  # a file just written vouches for its bytes (no 2 s wait)
    (tmp_path / "app.py").write_text(PDD)
    cold = {fmt: run(["check", ".", "--isolated", "--no-cache", "--output-format", fmt, "--show-fixes"], tmp_path)[1] for fmt in ("json", "sarif")}
    assert json.loads(cold["json"])[0]["fix"]["edits"]
    run(["check", ".", "--isolated", "--output-format", "json", "--show-fixes"], tmp_path)  # stores the run and its previews
    import linter.fixing

    def no_codemods(result: object) -> list:
        raise AssertionError("the codemods ran again over an unchanged tree")

    monkeypatch.setattr(linter.fixing, "with_fix_previews", no_codemods)
    for fmt in ("json", "sarif"):
        assert run(["check", ".", "--isolated", "--output-format", fmt, "--show-fixes"], tmp_path)[1] == cold[fmt], fmt


def test_json_and_sarif_run_no_codemod_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text(PDD)
    import linter.fixing

    def no_codemods(result: object) -> list:
        raise AssertionError("a codemod ran for a report that shows no fix")

    monkeypatch.setattr(linter.fixing, "with_fix_previews", no_codemods)
    data = json.loads(run(["check", ".", "--isolated", "--no-cache", "--output-format", "json"], tmp_path)[1])
    assert data and data[0]["code"] == "LLM001" and data[0]["fix"] is None
    sarif = json.loads(run(["check", ".", "--isolated", "--no-cache", "--output-format", "sarif"], tmp_path)[1])
    assert sarif["runs"][0]["results"] and "fixes" not in sarif["runs"][0]["results"][0]
