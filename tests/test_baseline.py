"""Baselines: `baseline write`, `check --baseline` and `check --baseline-ref`, exactly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers import write
from tests.test_cli import run

HAZARD = "import litellm\n\n\nasync def handler(h):\n    litellm.callbacks = [h]\n"
SECOND = "\n\nasync def other(h):\n    litellm.callbacks = [h]\n"  # the same hazard text again
DIFFERENT = "\n\nasync def third(h):\n    litellm.success_callback.append(h)\n"


def _new(tree: Path, *args: str) -> tuple[int, list[tuple[str, str, int]], str]:
    code, out, err = run(["check", ".", "--isolated", "--output-format", "json", *args], tree)
    return code, [(d["path"], d["code"], d["line"]) for d in json.loads(out or "[]")], err


def _baseline(tree: Path) -> dict:
    code, _, err = run(["baseline", "write", ".", "--isolated", "-o", "llmlint-baseline.json"], tree)
    assert code == 0, err
    return json.loads((tree / "llmlint-baseline.json").read_text())


def test_baseline_file_moved_duplicated_and_fixed_code(tmp_path: Path) -> None:
    write(tmp_path, {"app/a.py": HAZARD, "app/b.py": HAZARD})
    data = _baseline(tmp_path)
    assert [(f["path"], f["code"], f["text"]) for f in data["findings"]] == [
        ("app/a.py", "LLM002", "litellm.callbacks = [h]"),
        ("app/b.py", "LLM002", "litellm.callbacks = [h]"),
    ]
    text = (tmp_path / "llmlint-baseline.json").read_text()
    assert _new(tmp_path, "--baseline", "llmlint-baseline.json")[:2] == (0, [])

    # moved: lines above it and the function re-indented inside a class; the finding stays old
    (tmp_path / "app/a.py").write_text("import litellm\n# one\n# two\n\nclass C:\n    async def handler(self, h):\n        litellm.callbacks   =   [h]\n")
    assert _new(tmp_path, "--baseline", "llmlint-baseline.json")[:2] == (0, [])
    _baseline(tmp_path)
    assert (tmp_path / "llmlint-baseline.json").read_text() == text  # the file does not churn when code moves

    # duplicated: a second copy of the same hazard is one new finding, the copy
    (tmp_path / "app/a.py").write_text(HAZARD + SECOND)
    code, new, _ = _new(tmp_path, "--baseline", "llmlint-baseline.json")
    assert (code, new) == (1, [("app/a.py", "LLM002", 9)])
    # a different hazard in a baselined file is new as well
    (tmp_path / "app/a.py").write_text(HAZARD + DIFFERENT)
    assert _new(tmp_path, "--baseline", "llmlint-baseline.json")[:2] == (1, [("app/a.py", "LLM002", 9)])

    # fixed: the finding is gone, nothing is reported, the summary says the baseline has a stale entry
    (tmp_path / "app/b.py").write_text("import litellm\n")
    (tmp_path / "app/a.py").write_text(HAZARD)
    assert _new(tmp_path, "--baseline", "llmlint-baseline.json")[:2] == (0, [])
    code, out, _ = run(["check", ".", "--isolated", "--baseline", "llmlint-baseline.json"], tmp_path)
    assert code == 0
    assert out.splitlines()[-1] == (
        "All checks passed: 2 files (1 parsed); 1 known from the baseline; "
        "1 baseline entry no longer found (rewrite it with `llmlint baseline write`)."
    )


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path: Path) -> None:
    write(tmp_path, {"app/a.py": HAZARD})
    _baseline(tmp_path)
    # run from a subfolder: display paths change, the baseline still matches
    code, out, _ = run(["check", ".", "--isolated", "--baseline", "../llmlint-baseline.json", "-q"], tmp_path / "app")
    assert (code, out) == (0, "")
    (tmp_path / "app/a.py").write_text(HAZARD + SECOND)
    code, out, _ = run(["check", ".", "--isolated", "--baseline", "../llmlint-baseline.json", "--output-format", "concise"], tmp_path / "app")
    assert code == 1 and out.splitlines()[0].startswith("a.py:9:5: LLM002")
    assert out.splitlines()[-1] == "Found 1 new finding in 1 files (1 parsed); 1 known from the baseline."


def test_bad_baseline_files(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": HAZARD})
    code, _, err = run(["baseline", "write", "--isolated", "-o", "ci/baseline.json"], tmp_path)
    assert code == 0 and err == "Wrote 1 finding to ci/baseline.json.\n"
    assert len(json.loads((tmp_path / "ci/baseline.json").read_text())["findings"]) == 1
    code, _, err = run(["check", ".", "--isolated", "--baseline", "missing.json"], tmp_path)
    assert code == 2 and "missing.json: baseline file not found" in err
    (tmp_path / "bad.json").write_text("[1, 2")
    code, _, err = run(["check", ".", "--isolated", "--baseline", "bad.json"], tmp_path)
    assert code == 2 and "bad.json: cannot read baseline" in err
    (tmp_path / "other.json").write_text('{"findings": []}')
    code, _, err = run(["check", ".", "--isolated", "--baseline", "other.json"], tmp_path)
    assert code == 2 and "other.json: not an llmlint baseline" in err


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


def test_baseline_ref_reports_only_what_is_new_since_the_commit(tmp_path: Path) -> None:
    write(tmp_path, {
        "app/a.py": HAZARD,
        "app/old_name.py": HAZARD.replace("handler", "moved"),
        "app/cb.py": "import litellm\n\n_LAST = {}\n\ndef track(kwargs, resp, start, end):\n    _LAST['cost'] = kwargs['response_cost']\n\nlitellm.success_callback = [track]\n",
        "app/gone.py": HAZARD.replace("handler", "gone"),
    })
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    assert _new(tmp_path, "--baseline-ref", "main")[:2] == (0, [])
    _git(tmp_path, "checkout", "-q", "-b", "pr")

    # the pull request: code moved in a.py, a file renamed, a file deleted, a new copy of a
    # hazard in a.py, a new reader of callback-written storage (LLM001 across modules), a new
    # untracked file with a hazard
    (tmp_path / "app/a.py").write_text("import litellm\n\n# moved down\n" + HAZARD.split("\n", 1)[1] + SECOND)
    _git(tmp_path, "mv", "app/old_name.py", "app/new_name.py")
    _git(tmp_path, "rm", "-q", "app/gone.py")
    write(tmp_path, {
        "app/reader.py": "import litellm\nfrom app.cb import _LAST\n\ndef ask():\n    litellm.completion(model='m', messages=[])\n    return _LAST['cost']\n",
        "app/__init__.py": "",
    })
    _git(tmp_path, "add", "app/reader.py")
    _git(tmp_path, "commit", "-qm", "pr")
    write(tmp_path, {"app/untracked.py": HAZARD.replace("handler", "fresh")})
    code, new, err = _new(tmp_path, "--baseline-ref", "main")
    assert code == 1, err
    assert new == [("app/a.py", "LLM002", 11), ("app/reader.py", "LLM001", 6), ("app/untracked.py", "LLM002", 5)]
    assert len(_new(tmp_path)[1]) == 5  # without the baseline: also the two old ones (a.py, new_name.py)
    code, _, err = run(["check", ".", "--isolated", "--baseline-ref", "no-such-ref"], tmp_path)
    assert code == 2 and "no-such-ref" in err
