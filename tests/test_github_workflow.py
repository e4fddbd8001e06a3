"""The GitHub Actions workflow of the README, tried as a user would: valid against the
workflow schema, and its steps run locally as written, on a pull request that adds a hazard
to a legacy codebase and on one that does not.

The `uses:` steps are GitHub's: checkout is a clone with the base branch fetched,
setup-python is a fresh virtual environment, upload-sarif is a validation of the SARIF file
against the SARIF 2.1.0 schema. The `run:` steps run with GitHub's shell options.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.helpers import write
from tests.test_cli import HAZARD, REPO
from tests.test_precommit import CLEAN, GIT_ENV, copy_of_repository
from tests.test_reports import SARIF_SCHEMA

WORKFLOW = REPO / "examples" / "ci" / "llmlint.yml"


def test_readme_shows_the_example_workflow() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## CI on pull requests", 1)[1].split("\n## ", 1)[0]
    assert WORKFLOW.read_text(encoding="utf-8") in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)


def test_workflow_is_valid_against_the_github_workflow_schema() -> None:
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["llmlint"]["steps"]


def _condition(expr: str | None, event: str) -> bool:
    """The `if:` expressions the workflow uses."""
    if expr is None or expr == "always()":
        return True
    m = re.fullmatch(r"github\.event_name (==|!=) '(\w+)'", expr)
    assert m, f"the test does not know the expression {expr!r}"
    return (event == m[2]) == (m[1] == "==")


def _run_job(checkout: Path, venv: Path, package: Path, event: str, base_ref: str) -> list[tuple[str, int, str]]:
    """Each step: (name, exit code, stdout); a failing step stops the job except `always()` ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VIRTUAL_ENV"))}
    env.update(GITHUB_EVENT_NAME=event, GITHUB_BASE_REF=base_ref, CI="true",
               PATH=os.pathsep.join([str(venv / "bin"), env.get("PATH", "")]))
    results: list[tuple[str, int, str]] = []
    failed = False
    for step in _steps():
        name = step.get("name") or step["uses"]
        if not _condition(step.get("if"), event) or (failed and step.get("if") != "always()"):
            continue
        if "uses" in step:
            action = step["uses"].split("@")[0]
            assert action in ("actions/checkout", "actions/setup-python", "github/codeql-action/upload-sarif"), action
            code = 0
            if action == "github/codeql-action/upload-sarif":
                log = json.loads((checkout / step["with"]["sarif_file"]).read_text(encoding="utf-8"))
                jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
            results.append((name, code, ""))
            continue
        step_env = {**env, **{k: str(v) for k, v in step.get("env", {}).items()}}
        if "LLMLINT_PACKAGE" in step_env:
            step_env["LLMLINT_PACKAGE"] = str(package)  # where this test gets llmlint from
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=checkout,
                              env=step_env, capture_output=True, text=True, timeout=400)
        results.append((name, proc.returncode, proc.stdout))
        failed = failed or proc.returncode != 0
    return results


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """setup-python: a fresh virtual environment; and the llmlint source a user would install."""
    base = tmp_path_factory.mktemp("workflow")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    return venv, copy_of_repository(base / "llmlint")


def _pull_request(tmp: Path, new_code: dict[str, str]) -> Path:
    """A legacy project (one hazard on main) in a remote, a pull request branch on top, and the
    checkout that actions/checkout with fetch-depth 0 makes."""
    origin = tmp / "origin"
    origin.mkdir(parents=True)
    _git(origin, "init", "-q", "-b", "main")
    write(origin, {"app/legacy.py": HAZARD, "app/ok.py": CLEAN})
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "legacy")
    _git(origin, "checkout", "-q", "-b", "feature")
    write(origin, new_code)
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "the pull request")
    checkout = tmp / "checkout"
    _git(tmp, "clone", "-q", str(origin), str(checkout))
    _git(checkout, "checkout", "-q", "feature")
    return checkout


def test_workflow_steps_run_locally_as_written(environment: tuple[Path, Path], tmp_path: Path) -> None:
    venv, package = environment
    sarif_step = "llmlint (SARIF for code scanning, every finding)"
    gate = "llmlint gate (pull request, only what it adds)"

    # a pull request that adds a hazard: the gate fails with one annotation, on the new code only
    checkout = _pull_request(tmp_path / "bad", {"app/new.py": HAZARD.replace("handler", "fresh")})
    steps = _run_job(checkout, venv, package, "pull_request", "main")
    codes = {name: code for name, code, _ in steps}
    assert codes == {"actions/checkout@v4": 0, "actions/setup-python@v5": 0, "Install llmlint": 0,
                     sarif_step: 0, gate: 1, "Upload SARIF": 0}, steps
    annotations = dict((n, out) for n, _, out in steps)[gate].splitlines()
    assert len(annotations) == 1 and annotations[0].startswith(
        "::error file=app/new.py,line=4,col=5,endLine=4,endColumn=28,title=llmlint (LLM002)::")
    sarif = json.loads((checkout / "llmlint.sarif").read_text(encoding="utf-8"))
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"])
    assert uris == ["app/legacy.py", "app/new.py"]  # code scanning gets every finding

    # a pull request that adds clean code to the same legacy project: every step passes
    checkout = _pull_request(tmp_path / "good", {"app/more.py": CLEAN.replace("[]", "[] \n")})
    steps = _run_job(checkout, venv, package, "pull_request", "main")
    assert [code for _, code, _ in steps] == [0] * 6, steps
    assert dict((n, out) for n, _, out in steps)[gate] == ""  # no annotation: the legacy hazard is known

    # a push to main runs the push gate instead: without a baseline file it reports the legacy hazard
    steps = _run_job(checkout, venv, package, "push", "")
    assert [(n, c) for n, c, _ in steps][-2:] == [("llmlint gate (push)", 1), ("Upload SARIF", 0)]
