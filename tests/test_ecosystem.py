"""scripts/ecosystem.py: matching findings to labels and counting (pure), and the whole check on a
tiny repository served from a local bare mirror (no network, no real repositories)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ecosystem.py"
_spec = importlib.util.spec_from_file_location("ecosystem", SCRIPT)
eco = importlib.util.module_from_spec(_spec)
sys.modules["ecosystem"] = eco  # dataclasses look their module up by name
_spec.loader.exec_module(eco)


def finding(path: str, line: int, code: str) -> eco.Finding:
    return eco.Finding(path, line, code, "high", "msg")


def test_score_counts_each_kind_of_match() -> None:
    findings = [
        finding("a.py", 1, "LLM005"),  # labelled true
        finding("a.py", 2, "LLM005"),  # labelled false
        finding("a.py", 3, "LLM005"),  # not labelled
        finding("b.py", 9, "LLM001"),  # a [[miss]] now reported
        finding("c.py", 1, "LLM000"),  # a file not analysed: listed apart, never scored
    ]
    labels = [
        eco.Label("a.py", 1, "LLM005", "r", "true"),
        eco.Label("a.py", 2, "LLM005", "r", "false"),
        eco.Label("a.py", 7, "LLM005", "lost true", "true"),  # no finding any more: a miss
        eco.Label("a.py", 8, "LLM005", "lost false", "false"),  # no finding any more: just listed
        eco.Label("b.py", 9, "LLM001", "found miss", miss=True),
        eco.Label("b.py", 20, "LLM001", "still missed", miss=True),
        eco.Label("a.py", 2, "LLM003", "other code, same line", miss=True),  # the code is part of the key
    ]
    r = eco.score("demo", findings, labels)
    llm005, llm001, llm003 = r.rules["LLM005"], r.rules["LLM001"], r.rules["LLM003"]
    assert (llm005.findings, llm005.true, llm005.false, llm005.unlabelled, llm005.misses) == (3, 1, 1, 1, 1)
    assert (llm001.findings, llm001.true, llm001.false, llm001.misses) == (1, 1, 0, 1)
    assert (llm003.findings, llm003.misses) == (0, 1)
    assert llm005.precision == 0.5 and llm005.recall == 0.5
    assert llm001.precision == 1.0 and llm001.recall == 0.5
    assert llm003.precision is None and llm003.recall == 0.0
    assert [f.key for f in r.unlabelled] == [("a.py", "LLM005", 3)]
    assert [label.reason for label in r.lost] == ["lost true", "lost false"]
    assert [label.reason for label in r.found_misses] == ["found miss"]
    assert [label.reason for label in r.misses] == ["still missed", "other code, same line"]
    assert [f.path for f in r.not_analysed] == ["c.py"]
    total = r.total()
    assert (total.findings, total.true, total.false, total.unlabelled, total.misses) == (4, 2, 1, 1, 3)


def test_failures_apply_the_precision_bars() -> None:
    def result(name: str, code: str, true: int, false: int) -> eco.RepoResult:
        r = eco.RepoResult(name)
        r.rules[code] = eco.RuleScore(findings=true + false, true=true, false=false)
        return r

    # 9/10 overall passes; a rule of 5 findings at 4/5 (0.80) fails its own bar of 0.85
    ok = [result("x", "LLM001", 9, 1)]
    assert eco.failures(ok) == []
    low_rule = [result("x", "LLM001", 40, 0), result("y", "LLM005", 4, 1)]
    assert eco.failures(low_rule) == ["LLM005 precision 0.80 < 0.85 (5 findings)"]
    small_rule = [result("x", "LLM001", 40, 0), result("y", "LLM005", 3, 1)]  # 4 findings: no rule bar
    assert eco.failures(small_rule) == []
    # 0.875 overall fails 0.90 while each rule passes 0.85
    assert eco.failures([result("x", "LLM001", 7, 1), result("y", "LLM005", 7, 1)]) == ["overall precision 0.88 < 0.9"]


def test_before_after_marks_what_changed() -> None:
    labels = [eco.Label("a.py", 1, "LLM005", "r", "true"), eco.Label("a.py", 2, "LLM005", "r", "false")]
    before = [eco.score("demo", [finding("a.py", 1, "LLM005"), finding("a.py", 2, "LLM005")], labels)]
    after = [eco.score("demo", [finding("a.py", 1, "LLM005")], labels)]
    text = eco.before_after(before, after, markdown=True)
    assert "| LLM005 | 2 -> 1 | 1 | 1 -> 0 | 0 | 0 | 0.50 -> 1.00 | 1.00 |" in text
    assert "| demo | 2 -> 1 | 1 | 1 -> 0 | 0 | 0 | 0.50 -> 1.00 | 1.00 |" in text


def test_duplicate_labels_are_an_error() -> None:
    label = eco.Label("a.py", 1, "LLM005", "r")
    with pytest.raises(ValueError, match="two labels"):
        eco.score("demo", [], [label, label])


def test_a_repository_pinned_twice_is_an_error(tmp_path: Path) -> None:
    entry = '[[repo]]\nname = "{}"\nsource = "github:o/r"\ncommit = "{}"\npackage = "."\n\n'
    listed = tmp_path / "repos.toml"
    listed.write_text(entry.format("r", "a" * 40) + entry.format("r2", "b" * 40), encoding="utf-8")
    assert [r.name for r in eco.load_repos(listed)] == ["r", "r2"]
    listed.write_text(entry.format("r", "a" * 40) + entry.format("r", "b" * 40), encoding="utf-8")
    with pytest.raises(ValueError, match="repeats"):
        eco.load_repos(listed)
    listed.write_text(entry.format("r", "a" * 40) + entry.format("r2", "a" * 40), encoding="utf-8")
    with pytest.raises(ValueError, match="repeats"):
        eco.load_repos(listed)
    assert eco.load_repos(SCRIPT.parent / "ecosystem" / "repos.toml")  # the pinned list itself


APP = '''\
"""A web endpoint that sets the caller's key on the openai module for each request."""
import openai
from flask import Flask, request

app = Flask(__name__)


@app.route("/ask", methods=["POST"])
def ask() -> dict:
    openai.api_key = request.headers["X-Key"]
    reply = openai.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    return {"text": reply.choices[0].message.content}
'''


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}).stdout.strip()


@pytest.fixture
def ecosystem(tmp_path: Path) -> dict[str, Path]:
    work = tmp_path / "work"
    (work / "svc").mkdir(parents=True)
    (work / "svc" / "__init__.py").write_text("")
    (work / "svc" / "app.py").write_text(APP)
    (work / "README.md").write_text("not materialised: only .py/.pyi/.toml/.cfg are\n")
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-qm", "app")
    commit = git(work, "rev-parse", "HEAD")
    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    git(tmp_path, "clone", "-q", "--bare", str(work), str(mirrors / "acme+svc" / "repo"))
    repos = tmp_path / "repos.toml"
    repos.write_text(f'[[repo]]\nname = "svc"\nsource = "github:acme/svc"\ncommit = "{commit}"\npackage = "svc"\n')
    labels = tmp_path / "labels"
    labels.mkdir()
    return {"repos": repos, "labels": labels, "mirrors": mirrors, "cache": tmp_path / "cache", "tmp": tmp_path}


def run(paths: dict[str, Path], *extra: str) -> tuple[int, dict]:
    out = paths["tmp"] / "out.json"
    code = eco.main(["--repos-file", str(paths["repos"]), "--labels-dir", str(paths["labels"]),
                     "--mirrors", str(paths["mirrors"]), "--cache", str(paths["cache"]), "--json", str(out), *extra])
    return code, json.loads(out.read_text())


def test_check_on_a_tiny_repository(ecosystem: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # Unlabelled: the finding must be triaged, so the check fails and prints a TOML stub for it.
    code, data = run(ecosystem)
    (repo,) = data["repositories"]
    assert code == 1 and data["failures"] == ["svc: 1 unlabelled finding(s)"]
    assert [(f["path"], f["line"], f["code"], f["verdict"]) for f in repo["findings"]] == [("svc/app.py", 10, "LLM005", "unlabelled")]
    assert 'path = "svc/app.py"\nline = 10\ncode = "LLM005"' in capsys.readouterr().out
    materialised = sorted(p.relative_to(ecosystem["cache"]).as_posix() for p in ecosystem["cache"].rglob("*") if p.is_file())
    assert [p for p in materialised if not p.endswith(".done")] == [f"svc-{repo['commit'][:12]}/svc/__init__.py",
                                                                     f"svc-{repo['commit'][:12]}/svc/app.py"]

    # Labelled true, plus a miss elsewhere: precision 1.0, recall 0.5, the check passes.
    (ecosystem["labels"] / "svc.toml").write_text(
        '[[finding]]\npath = "svc/app.py"\nline = 10\ncode = "LLM005"\nverdict = "true"\nreason = "per-request key"\n'
        '[[miss]]\npath = "svc/app.py"\nline = 11\ncode = "LLM003"\nreason = "made up for the test"\n')
    code, data = run(ecosystem, "--consistency")
    # a miss still not reported must say why llmlint does not find it
    assert code == 1 and data["failures"] == ["svc: 1 miss(es) without why_missed"]
    assert "svc: svc/app.py:11 LLM003: NO REASON WRITTEN" in capsys.readouterr().out
    with (ecosystem["labels"] / "svc.toml").open("a") as labels:
        labels.write('why_missed = "made up: no lock here"\n')
    code, data = run(ecosystem, "--consistency")
    (repo,) = data["repositories"]
    assert code == 0 and data["failures"] == []
    assert repo["total"]["precision"] == 1.0 and repo["total"]["recall"] == 0.5
    assert repo["rules"]["LLM003"]["misses"] == 1 and repo["consistency"] == []
    assert [m["why_missed"] for m in repo["misses"]] == ["made up: no lock here"]
    assert "svc: svc/app.py:11 LLM003: made up: no lock here" in capsys.readouterr().out

    # A label that no longer matches (the code moved) is reported as a change, and the finding as new;
    # --before rescores the previous run's findings with today's labels (the same findings: no change).
    before = ecosystem["tmp"] / "before.json"
    before.write_text((ecosystem["tmp"] / "out.json").read_text())
    (ecosystem["labels"] / "svc.toml").write_text(
        '[[finding]]\npath = "svc/app.py"\nline = 9\ncode = "LLM005"\nverdict = "false"\nreason = "stale"\n')
    code, data = run(ecosystem, "--before", str(before))
    (repo,) = data["repositories"]
    assert code == 1 and [label["line"] for label in repo["lost"]] == [9]
    printed = capsys.readouterr().out
    assert "no longer reported (false): svc/app.py:9 LLM005" in printed
    assert "Before -> after, per rule" in printed and "->" not in printed.split("Before -> after, per rule")[1]


def test_missing_mirror_says_what_to_fetch(ecosystem: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    text = ecosystem["repos"].read_text().replace("acme/svc", "acme/other")
    ecosystem["repos"].write_text(text)
    code = eco.main(["--repos-file", str(ecosystem["repos"]), "--labels-dir", str(ecosystem["labels"]),
                     "--mirrors", str(ecosystem["mirrors"]), "--cache", str(ecosystem["cache"])])
    assert code == 2
    assert "github:acme/other" in capsys.readouterr().err



def test_fixes_count_true_findings_fixed_and_say_why_not(tmp_path: Path) -> None:
    from tests.test_bad_input import PDD
    from tests.test_fix_hints import REFUSED

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "fixable.py").write_text(PDD)
    (tree / "refused.py").write_text(REFUSED)
    findings = eco.run_llmlint(tree)
    assert [(f.path, f.code) for f in findings] == [("fixable.py", "LLM001"), ("refused.py", "LLM001")]
    labels = [eco.Label(f.path, f.line, f.code, "made up for the test") for f in findings]
    lines = eco.fix_outcome(eco.score("t", findings, labels), tree)
    assert lines[0] == ("t: LLM001 1/2 fixed; 1 file(s) written; every one compiles and binds its names; "
                        "a second fix changes nothing")
    assert lines[1].startswith("    refused.py LLM001: 1 not fixed: `return _D[\"cost\"]` is not preceded on every path")
    assert (tree / "fixable.py").read_text() == PDD  # the copy is fixed, never the tree
