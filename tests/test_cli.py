"""The command line, through click's runner and through the installed ``llmlint`` script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main
from tests.expectations import FIXTURES
from tests.helpers import write

REPO = Path(__file__).resolve().parent.parent
HAZARD = "import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n"
CLEAN = "import litellm\n\nlitellm.callbacks = []\n"


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def test_exit_codes(tmp_path: Path) -> None:
    write(tmp_path, {"clean.py": CLEAN, "bad/h.py": HAZARD})
    assert run(["check", "clean.py", "--isolated"], tmp_path)[0] == 0
    assert run(["check", ".", "--isolated"], tmp_path)[0] == 1
    assert run(["check", ".", "--isolated", "--exit-zero"], tmp_path)[0] == 0
    code, _, err = run(["check", "missing.py"], tmp_path)
    assert code == 2 and "missing.py: no such file or directory" in err
    assert run(["check", "--output-format", "xml"], tmp_path)[0] == 2
    assert run(["check", "--select", "LLM999"], tmp_path)[0] == 2
    (tmp_path / "pyproject.toml").write_text("[tool.llmlint]\nbogus = 1\n")
    code, _, err = run(["check", "."], tmp_path)
    assert code == 2 and "unknown key `bogus`" in err and "pyproject.toml" in err


def test_syntax_error_is_a_finding(tmp_path: Path) -> None:
    write(tmp_path, {"broken.py": "import litellm\nlitellm.callbacks = [\n", "bad.py": ""})
    (tmp_path / "bad.py").write_bytes(b"x = '\xff'\n")
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "concise"], tmp_path)
    assert code == 1
    assert "bad.py:1:6: LLM000 [invalid-syntax] cannot decode file as utf-8: byte 0xff at line 1" in out
    assert "broken.py:2:" in out and "LLM000 [invalid-syntax] syntax error" in out


def test_json_output_fields_and_sorting(tmp_path: Path) -> None:
    write(tmp_path, {"b.py": HAZARD, "a.py": HAZARD + HAZARD.replace("handler", "handler2")})
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "json"], tmp_path)
    assert code == 1
    data = json.loads(out)
    assert [(d["path"], d["line"]) for d in data] == [("a.py", 4), ("a.py", 8), ("b.py", 4)]
    first = data[0]
    assert set(first) == {
        "code", "name", "path", "line", "column", "end_line", "end_column",
        "message", "confidence", "evidence", "fix",
    }
    assert (first["code"], first["name"], first["column"], first["end_line"], first["end_column"]) == (
        "LLM002", "global-callback-registration", 5, 4, 28,
    )
    assert first["confidence"] == "high" and first["fix"] is None
    assert any("async def" in e for e in first["evidence"])


def test_full_output_shows_source_and_evidence(tmp_path: Path) -> None:
    write(tmp_path, {"h.py": HAZARD})
    code, out, _ = run(["check", "h.py", "--isolated"], tmp_path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("h.py:4:5: LLM002 [global-callback-registration]")
    assert lines[1] == "    4 |     litellm.callbacks = [h]"
    assert lines[2] == " " * 12 + "^" * 23
    assert "      confidence: high" in lines
    assert lines[-1] == "Found 1 finding in 1 files (1 parsed)."


def test_statistics_and_output_file(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": HAZARD, "b.py": HAZARD})
    code, out, _ = run(["check", ".", "--isolated", "--statistics"], tmp_path)
    assert code == 1
    assert out.splitlines()[0] == "    2  LLM002  global-callback-registration"
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "json", "-o", "r.json"], tmp_path)
    assert code == 1 and out == ""
    assert len(json.loads((tmp_path / "r.json").read_text())) == 2


def test_rule_command() -> None:
    code, out, _ = run(["rule", "LLM001"], REPO)
    assert code == 0
    for section in ("## What it does", "## Why is this bad", "## Example", "## Use instead", "## Fix safety"):
        assert section in out
    assert run(["rule", "lock-across-network-call"], REPO)[1].startswith("# LLM003 lock-across-network-call")
    code, out, _ = run(["rule", "--all", "--output-format", "json"], REPO)
    listed = [r["code"] for r in json.loads(out)]
    assert listed == sorted(listed) and {"LLM000", "LLM001", "LLM002", "LLM003", "LLM004", "LLM005", "LLM006", "LLM007", "LLM008"} <= set(listed)
    for r in json.loads(out):
        if r["code"] != "LLM000":
            assert all(s in r["doc"] for s in ("## What it does", "## Why is this bad", "## Fix safety")), r["code"]
    assert run(["rule", "nope"], REPO)[0] == 2
    assert run(["rule"], REPO)[0] == 2


def test_force_exclude_applies_to_named_files(tmp_path: Path) -> None:
    write(tmp_path, {"gen/h.py": HAZARD})
    (tmp_path / "pyproject.toml").write_text('[tool.llmlint]\nexclude = ["gen"]\n')
    assert run(["check", "gen/h.py"], tmp_path)[0] == 1
    assert run(["check", "gen/h.py", "--force-exclude"], tmp_path)[0] == 0
    assert run(["check", "."], tmp_path)[0] == 0


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    tree = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, tree)
    _, serial, _ = run(["check", ".", "--isolated", "--output-format", "json", "--jobs", "1"], tree)
    _, parallel, _ = run(["check", ".", "--isolated", "--output-format", "json", "--jobs", "2"], tree)
    assert json.loads(serial) == json.loads(parallel)
    assert len(json.loads(serial)) > 20


def _script() -> str:
    script = Path(sys.executable).with_name("llmlint")
    if not script.exists():
        found = shutil.which("llmlint")
        if found is None:
            pytest.fail("the llmlint console script is not installed in this environment")
        return found
    return str(script)


def test_installed_script_and_module_entry_point(tmp_path: Path) -> None:
    write(tmp_path, {"h.py": HAZARD})
    proc = subprocess.run([_script(), "check", "h.py", "--isolated", "--output-format", "concise"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("h.py:4:5: LLM002 [global-callback-registration]")
    proc = subprocess.run([sys.executable, "-m", "linter", "check", str(REPO / "examples"), "--isolated",
                           "--output-format", "concise", "-q"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert sorted(line.split(": ")[1].split(" ")[0] for line in proc.stdout.splitlines()) == [
        "LLM001", "LLM002", "LLM002", "LLM003",
    ]
