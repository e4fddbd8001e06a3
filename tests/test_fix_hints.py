"""Honest fix hints: `check --show-fixes` marks [*] exactly the findings `fix` then rewrites,
says why the others have none, and the counts in both summaries equal what `fix` does."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.expectations import FIXTURES
from tests.test_cli import run

REFUSED = '''import litellm

_D = {"cost": 0.0}


def cb(kwargs, completion_response, start_time, end_time):
    _D["cost"] = kwargs.get("response_cost")


litellm.success_callback = [cb]


def ask(q, fast):
    if fast:
        r = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return _D["cost"]
'''


def _project(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "LLM001/pdd_release_shape/invoke.py", tmp_path / "invoke.py")
    (tmp_path / "refused.py").write_text(REFUSED)
    return tmp_path


def test_check_marks_what_fix_rewrites_and_says_why_not(tmp_path: Path) -> None:
    root = _project(tmp_path)
    code, out, err = run(["check", ".", "--isolated", "--no-cache", "--show-fixes", "--output-format", "concise"], root)
    assert code == 1
    lines = out.splitlines()
    fixable = [line for line in lines if " [*] " in line]
    assert len(fixable) == 5 and all(line.startswith("invoke.py:") for line in fixable)  # each read
    refused = next(line for line in lines if line.startswith("refused.py:"))
    assert " [*] " not in refused
    assert "(no automatic fix: `return _D[\"cost\"]` is not preceded on every path" in refused
    assert "5 fixable with `llmlint fix --unsafe-fixes`" in err

    code, _out, err = run(["fix", ".", "--isolated", "--no-cache"], root)
    assert "5 more fixable with --unsafe-fixes" in err
    code, _out, err = run(["fix", ".", "--isolated", "--no-cache", "--unsafe-fixes"], root)
    assert re.search(r"Fixed 5 findings in 1 files", _out), _out  # findings, as check counted them


def test_without_show_fixes_check_claims_no_fixability(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _code, out, err = run(["check", ".", "--isolated", "--no-cache", "--output-format", "concise"], root)
    assert "[*]" not in out
    assert "6 findings of rules that have a codemod; `--show-fixes` marks" in err
