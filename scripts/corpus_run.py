"""Corpus run: llmlint over every .py file of the standard library and of site-packages.

Proves, on real code, what the robustness issue asks for:
  - `check` has zero internal errors, and `--jobs 1` and `--jobs 2` give identical findings;
  - every file that CPython cannot parse is reported (LLM000): nothing is skipped silently;
  - `fix --unsafe-fixes` on a copy writes only files that still compile (in their encoding),
    and a second `fix` run changes nothing.

The files are copied into a work folder (fix rewrites them) and named one by one on the command
line, so that no default exclude (``build``, ``test`` data, ...) hides any of them.

    python scripts/corpus_run.py --corpus stdlib
    python scripts/corpus_run.py --corpus site-packages --exclude-packages litellm
    python scripts/corpus_run.py --corpus site-packages --packages litellm --steps copy,check
    python scripts/corpus_run.py --corpus site-packages --packages litellm --work W --steps fix,refix
    python scripts/corpus_run.py --corpus stdlib,site-packages --sample 60   # the test's quick run

Prints one line per step and a summary; exits 1 when an invariant fails.
"""

from __future__ import annotations

import argparse
import ast
import collections
import hashlib
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

STEPS = ("copy", "check", "fix", "refix")


def corpus_files(corpus: str, packages: set[str], exclude: set[str], sample: int) -> list[tuple[Path, Path]]:
    """(source, path in the work folder) of the corpus' .py files, sorted, every ``sample``-th;
    ``corpus`` is a comma-separated list of stdlib, site-packages or folders."""
    out = []
    for name in corpus.split(","):
        if name == "stdlib":
            root = Path(sysconfig.get_paths()["stdlib"])
        elif name == "site-packages":
            root = Path(sysconfig.get_paths()["purelib"])
        else:
            root = Path(name)
        chosen = []
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root)
            if name == "stdlib" and "site-packages" in rel.parts:
                continue
            top = rel.parts[0].removesuffix(".py")
            if (packages and top not in packages) or top in exclude:
                continue
            if path.is_file() and not path.is_symlink():
                chosen.append((path, Path(root.name) / rel))
        out += chosen[::sample] if sample > 1 else chosen
    return out


def copy(files: list[tuple[Path, Path]], dest: Path) -> None:
    for source, rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def llmlint(args: list[str], cwd: Path, file_list: list[str]) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "linter", *args, "--isolated", "-q", *file_list],
                          cwd=cwd, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def internal_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "internal error" in line or "Traceback" in line]


def digest(work: Path, names: list[str]) -> dict[str, str]:
    return {n: hashlib.sha256((work / n).read_bytes()).hexdigest() for n in names}


def cpython_rejects(data: bytes) -> bool:
    try:
        compile(data, "<corpus>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError):
        return True
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="stdlib", help="stdlib, site-packages or a folder; comma-separated")
    ap.add_argument("--packages", default="", help="only these top-level packages (comma-separated)")
    ap.add_argument("--exclude-packages", default="", help="not these top-level packages")
    ap.add_argument("--sample", type=int, default=1, help="every N-th file only")
    ap.add_argument("--work", type=Path, default=None, help="work folder (kept; reuse it across --steps)")
    ap.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of {', '.join(STEPS)}")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    a = ap.parse_args()
    steps = [s for s in a.steps.split(",") if s]
    work = a.work or Path(tempfile.mkdtemp(prefix="llmlint-corpus-"))
    files = corpus_files(a.corpus, set(filter(None, a.packages.split(","))),
                         set(filter(None, a.exclude_packages.split(","))), a.sample)
    names = [rel.as_posix() for _, rel in files]
    summary: dict[str, object] = {"corpus": a.corpus, "work": str(work), "files": len(names)}
    failures: list[str] = []

    if "copy" in steps:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        copy(files, work)
        summary["megabytes"] = round(sum((work / n).stat().st_size for n in names) / 1e6, 1)

    if "check" in steps:
        runs = {}
        for jobs in ("1", "2"):
            code, out, err, secs = llmlint(["check", "--output-format", "json", "--jobs", jobs], work, names)
            runs[jobs] = json.loads(out) if out.strip() else []
            summary[f"check_jobs{jobs}_seconds"] = round(secs, 1)
            errors = internal_errors(err)
            if code not in (0, 1) or errors:
                failures.append(f"check --jobs {jobs}: exit {code}; {errors[:5] or err[-2000:]}")
        summary["findings"] = dict(sorted(collections.Counter(d["code"] for d in runs["1"]).items()))
        if runs["1"] != runs["2"]:
            failures.append("check: --jobs 1 and --jobs 2 disagree")
        reported = {d["path"] for d in runs["1"] if d["code"] == "LLM000"}
        rejected = {n for n in names if cpython_rejects((work / n).read_bytes())}
        summary["cpython_rejects"] = len(rejected)
        missed = sorted(rejected - reported)
        summary["unreported_syntax_errors"] = missed[:20]
        if missed:
            failures.append(f"{len(missed)} files CPython rejects have no LLM000 (e.g. {missed[:3]})")
        summary["llm000_cpython_accepts"] = sorted(reported - rejected)[:20]  # libcst limits

    first_remaining: list[str] = []
    for step in ("fix", "refix"):
        if step not in steps:
            continue
        before = digest(work, names)
        code, out, err, secs = llmlint(["fix", "--unsafe-fixes", "--output-format", "concise"], work, names)
        after = digest(work, names)
        changed = sorted(n for n in names if before[n] != after[n])
        summary[f"{step}_seconds"] = round(secs, 1)
        summary[f"{step}_files_written"] = len(changed)
        remaining = sorted(line for line in out.splitlines() if ": LLM" in line)
        summary[f"{step}_remaining"] = len(remaining)
        (work.parent / f"{work.name}-{step}.txt").write_text("\n".join(remaining) + "\n" + err)
        if step == "refix" and "fix" in steps and remaining != first_remaining:
            failures.append(f"fix and refix report different findings (see {work.name}-fix.txt, -refix.txt)")
        first_remaining = remaining
        errors = internal_errors(err)
        if code not in (0, 1) or errors:
            failures.append(f"{step}: exit {code}; {errors[:5] or err[-2000:]}")
        if step == "fix":
            summary["fixed_files"] = changed
            broken = [n for n in changed if cpython_rejects((work / n).read_bytes())]
            if broken:
                failures.append(f"fix wrote files that do not compile: {broken}")
        elif changed:
            failures.append(f"a second fix run changed {changed}")

    summary["failures"] = failures
    if a.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
