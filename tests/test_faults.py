"""`fix` under faults: a crash before a rename, a real SIGKILL at any moment, concurrent runs.

After any of these, every file is either byte-for-byte the original or byte-for-byte the
fully fixed text (what an undisturbed run writes), and it compiles.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_bad_input import PDD
from tests.test_cli import run

N_FILES = 6


def _tree(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(N_FILES):
        (root / f"app{i}.py").write_text(PDD.replace("_LAST", f"_LAST{i}").replace("_track", f"_track{i}"))
    (root / "clean.py").write_text("x = 1\n")


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, bytes]]:
    """name -> (original bytes, fully fixed bytes), from an undisturbed run."""
    root = tmp_path_factory.mktemp("reference")
    _tree(root)
    before = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}
    code, out, err = run(["fix", ".", "--isolated", "--unsafe-fixes"], root)
    assert code == 0, out + err
    after = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}
    assert sum(before[n] != after[n] for n in before) == N_FILES
    return {n: (before[n], after[n]) for n in before}


def _assert_each_file_whole(root: Path, expected: dict[str, tuple[bytes, bytes]]) -> list[str]:
    """Every file is its original or its fixed text; returns the names that are fixed."""
    fixed = []
    for name, (original, done) in expected.items():
        data = (root / name).read_bytes()
        assert data in (original, done), f"{name} is neither the original nor the fixed text"
        compile(data, name, "exec")
        if data == done and done != original:
            fixed.append(name)
    leftovers = [p.name for p in root.iterdir() if p.name not in expected and p.name != ".llmlint_cache"]
    assert all(n.endswith(".llmlint-tmp") for n in leftovers), leftovers
    return fixed


def test_crash_before_the_third_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected) -> None:
    _tree(tmp_path)
    real = os.replace
    calls = []

    def crashing_replace(src, dst):
        if not str(dst).endswith(".py"):  # the facts cache's own writes
            return real(src, dst)
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device (simulated)")
        real(src, dst)

    monkeypatch.setattr(os, "replace", crashing_replace)
    code, out, err = run(["fix", ".", "--isolated", "--unsafe-fixes"], tmp_path)
    assert code == 2 and "not written: No space left on device (simulated)" in err, err
    fixed = _assert_each_file_whole(tmp_path, expected)
    assert len(fixed) == N_FILES - 1  # only the one whose rename failed is left as it was
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".llmlint-tmp")]
    monkeypatch.setattr(os, "replace", real)
    assert run(["fix", ".", "--isolated", "--unsafe-fixes"], tmp_path)[0] == 0
    assert len(_assert_each_file_whole(tmp_path, expected)) == N_FILES


_KILL_ON_RENAME = """
import os, signal, sys
real = os.replace
count = [0]
kill_at = int(sys.argv[1])
def replace(src, dst):
    count[0] += str(dst).endswith(".py")  # source files, not the facts cache
    if count[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
os.replace = replace
from linter.cli import main
sys.argv = ["llmlint", "fix", ".", "--isolated", "--unsafe-fixes", "--jobs", "1"]
main()
"""


def test_sigkill_between_writes(tmp_path: Path, expected) -> None:
    _tree(tmp_path)
    proc = subprocess.run([sys.executable, "-c", _KILL_ON_RENAME, "4"], cwd=tmp_path, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert len(_assert_each_file_whole(tmp_path, expected)) == 3
    # the stray temporary file is no .py file: the next run ignores it and finishes the job
    code, out, _ = run(["fix", ".", "--isolated", "--unsafe-fixes"], tmp_path)
    assert code == 0 and f"in {N_FILES + 1} files" in out
    assert len(_assert_each_file_whole(tmp_path, expected)) == N_FILES


def test_sigkill_at_random_moments(tmp_path: Path, expected) -> None:
    script = shutil.which("llmlint", path=str(Path(sys.executable).parent)) or "llmlint"
    for i, delay in enumerate((0.6, 1.6)):
        root = tmp_path / f"run{i}"
        _tree(root)
        proc = subprocess.Popen([script, "fix", ".", "--isolated", "--unsafe-fixes", "--jobs", "1"], cwd=root,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        _assert_each_file_whole(root, expected)


def test_concurrent_fix_runs_do_not_corrupt(tmp_path: Path, expected) -> None:
    _tree(tmp_path)
    procs = [
        subprocess.Popen([sys.executable, "-m", "linter", "fix", ".", "--isolated", "--unsafe-fixes", "--jobs", "1"],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    results = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode in (0, 2), err  # 2: another run changed a file first; it was left
        assert "Traceback" not in err
        for line in err.splitlines():
            assert "changed since it was read; not written" in line or not line.startswith("llmlint:"), line
    assert len(_assert_each_file_whole(tmp_path, expected)) == N_FILES


def test_a_file_written_between_check_and_fix_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another run (or an editor) writes a file after this run checked it: its findings are not
    of the new text, so no codemod reads it and it is not written (exit 2, as for a write race)."""
    import linter.fixing as fixing

    _tree(tmp_path)
    checked = fixing.check_files
    calls = []

    def check_then_edit(*args, **kwargs):
        result = checked(*args, **kwargs)
        if not calls:  # the first check: the file moves on before any codemod reads it
            (tmp_path / "app0.py").write_text((tmp_path / "app0.py").read_text() + "# edited\n")
        calls.append(1)
        return result

    monkeypatch.setattr(fixing, "check_files", check_then_edit)
    code, _out, err = run(["fix", ".", "--isolated", "--unsafe-fixes", "--jobs", "1", "-q"], tmp_path)
    assert code == 2 and "llmlint: app0.py: changed since it was read; not written" in err.splitlines(), err
    original = PDD.replace("_LAST", "_LAST0").replace("_track", "_track0")
    assert (tmp_path / "app0.py").read_text() == original + "# edited\n"  # the other writer's text stays
