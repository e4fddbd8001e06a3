"""The real pre-commit, run as a user would: `pre-commit try-repo` against this repository,
and the README's snippets copied into a fresh repository with `pre-commit run --all-files`.

pre-commit installs llmlint into its own environment (from a clean git copy of this
repository; libcst and click come from the package index), once per test session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write
from tests.test_cli import HAZARD, REPO

CLEAN = "import litellm\n\nlitellm.callbacks = []\n"
FIXABLE = (REPO / "examples" / "cost_tracking.py").read_text(encoding="utf-8")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    # the `repo: local` snippet runs the llmlint installed beside this interpreter
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=400)


def _pre_commit() -> list[str]:
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """A clean git copy of this repository's working tree (what a user would clone)."""
    base = tmp_path_factory.mktemp("precommit")
    env = _env(base / "pre-commit-home")
    src = copy_of_repository(base / "llmlint")
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "llmlint"]):
        subprocess.run(args, cwd=src, env=env, check=True, capture_output=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=src, capture_output=True, text=True, check=True).stdout.strip()
    return src, rev, env


def copy_of_repository(dest: Path) -> Path:
    """This repository's files as a user gets them (tracked and new files, nothing ignored)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        if (REPO / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, dest / rel)
    return dest


def _user_repo(root: Path, files: dict[str, str], env: dict[str, str]) -> Path:
    write(root, files)
    subprocess.run(["git", "init", "-q"], cwd=root, env=env, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    return root


def test_try_repo_check_and_fix_hooks(hooks_repo: tuple[Path, str, dict[str, str]], tmp_path: Path) -> None:
    src, rev, env = hooks_repo
    user = _user_repo(tmp_path / "user", {
        "hazard.py": HAZARD, "clean.py": CLEAN, "cost.py": FIXABLE, "gen/generated.py": HAZARD,
        "pyproject.toml": '[tool.llmlint]\nexclude = ["gen"]\n',
    }, env)
    # try-repo installs the hooks into a throw-away store each time (~20 s): run it once, with
    # both hooks, on a hazardous file and a fixable one
    tried = _run([*_pre_commit(), "try-repo", str(src), "--files", "hazard.py", "cost.py"], user, env)
    assert tried.returncode == 1, tried.stdout + tried.stderr
    assert "hazard.py:4:5: LLM002 [global-callback-registration]" in tried.stdout
    assert re.search(r"^llmlint\.+Failed$", tried.stdout, re.MULTILINE)
    assert re.search(r"^llmlint \(fix\)\.+Failed$", tried.stdout, re.MULTILINE)
    assert "files were modified by this hook" in tried.stdout
    after = (user / "cost.py").read_text(encoding="utf-8")
    assert after != FIXABLE and "_hidden_params" in after
    compile(after, "cost.py", "exec")
    assert (user / "hazard.py").read_text(encoding="utf-8") == HAZARD  # no codemod for it: untouched

    # the same hooks from a config (installed once in PRE_COMMIT_HOME), hook by hook
    write(user, {".pre-commit-config.yaml": f"repos:\n  - repo: {src}\n    rev: {rev}\n    hooks:\n"
                                            "      - id: llmlint\n      - id: llmlint-fix\n"})
    subprocess.run(["git", "add", "-A"], cwd=user, env=env, check=True)

    def hook(name: str, *files: str) -> subprocess.CompletedProcess[str]:
        return _run([*_pre_commit(), "run", name, "--files", *files], user, env)

    failed = hook("llmlint", "hazard.py")
    assert failed.returncode == 1 and "hazard.py:4:5: LLM002" in failed.stdout, failed.stdout + failed.stderr
    passed = hook("llmlint", "clean.py")
    assert passed.returncode == 0 and re.search(r"^llmlint\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout
    # pre-commit names an excluded file explicitly: --force-exclude keeps it excluded
    excluded = hook("llmlint", "gen/generated.py", "clean.py")
    assert excluded.returncode == 0, excluded.stdout
    # the fixed file is clean now, and a second fix run changes nothing
    assert hook("llmlint", "cost.py").returncode == 0
    again = hook("llmlint-fix", "cost.py")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (user / "cost.py").read_text(encoding="utf-8") == after


def _readme_snippets() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## pre-commit\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)


def test_readme_snippets_work_in_a_fresh_repository(hooks_repo: tuple[Path, str, dict[str, str]], tmp_path: Path) -> None:
    src, rev, env = hooks_repo
    remote, local = _readme_snippets()
    # the only lines a user adapts: where they get llmlint from, and the revision
    remote = re.sub(r"(?m)^(\s*- repo:) \S+", rf"\1 {src}", remote)
    remote = re.sub(r"(?m)^(\s*rev:) \S+", rf"\1 {rev}", remote)
    for name, config in (("remote", remote), ("local", local)):
        user = _user_repo(tmp_path / name, {"app/clean.py": CLEAN, ".pre-commit-config.yaml": config}, env)
        ok = _run([*_pre_commit(), "run", "--all-files"], user, env)
        assert ok.returncode == 0, config + ok.stdout + ok.stderr
        assert re.search(r"^llmlint\.+Passed$", ok.stdout, re.MULTILINE)
        write(user, {"app/agent.py": HAZARD})
        subprocess.run(["git", "add", "-A"], cwd=user, env=env, check=True)
        bad = _run([*_pre_commit(), "run", "--all-files"], user, env)
        assert bad.returncode == 1 and "app/agent.py:4:5: LLM002" in bad.stdout, bad.stdout + bad.stderr
