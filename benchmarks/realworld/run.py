"""Real-package acceptance: llmlint fixes released packages, and the fixed code is driven at
runtime beside the original.

    python benchmarks/realworld/run.py [DRIVER ...] [--out DIR]

For each driver (``*_driver.py`` beside this file; all of them by default): install its
requirements into a cached virtual environment (``envs.py``), copy the installed package twice,
run ``llmlint fix`` on one copy with the rule names a user would type (``--rule
global-callback-registration``...), write the diff llmlint made to ``DIR/<driver>.diff``, then
run the driver's probe on the ORIGINAL copy and on the FIXED copy, each in a subprocess of that
environment, offline (``LITELLM_LOCAL_MODEL_COST_MAP=True``; the drivers use ``mock_response``).

A driver module defines ``NAME``, ``PYTHON`` (interpreter globs, first match wins),
``REQUIREMENTS``, ``PACKAGE`` (import name), ``RULES`` and, run as a script with
``--probe PACKAGE_PARENT``, prints one JSON object: ``{"scenarios": [{"name", "total",
"wrong", "lost", "accounting_ok", "note"}]}``. The probe imports the package from
PACKAGE_PARENT (put first on ``sys.path``) and must check that it did.

Exit status: 0 only when every scenario of every FIXED package has 0 wrong, 0 lost and its
accounting intact, the fixed modules compile, and llmlint changed something.
"""

from __future__ import annotations

import argparse
import difflib
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import envs  # noqa: E402  (beside this script, which is run by path)


def drivers() -> dict[str, ModuleType]:
    """Driver name -> module: every ``*_driver.py`` of this folder."""
    out: dict[str, ModuleType] = {}
    for path in sorted(HERE.glob("*_driver.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out[module.NAME] = module
    return out


def interpreter(patterns: tuple[str, ...]) -> str:
    for pattern in patterns:
        hits = sorted(glob.glob(os.path.expanduser(pattern))) if any(c in pattern for c in "*?[") else []
        if hits:
            return hits[-1]
        found = shutil.which(pattern)
        if found:
            return found
    raise SystemExit(f"no interpreter among {patterns}")


def offline_env(extra_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LITELLM_LOCAL_MODEL_COST_MAP="True",  # no network at import (it retries for seconds offline)
        LITELLM_LOG="ERROR",
        OTEL_SDK_DISABLED="true",
        CREWAI_DISABLE_TELEMETRY="true",
        CREWAI_TRACING_ENABLED="false",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=str(extra_path),  # the copy shadows the installed package (PYTHONPATH precedes site-packages)
    )
    return env


def llmlint_fix(target: Path, rules: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "linter", "fix", str(target), "--no-cache", "--exit-zero"]
    for rule in rules:
        cmd += ["--rule", rule]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)


def tree_diff(a: Path, b: Path, label: str) -> tuple[str, list[Path]]:
    """Unified diff of the two package copies, and the files that differ (in ``b``)."""
    chunks, changed = [], []
    for path in sorted(b.rglob("*.py")):
        rel = path.relative_to(b)
        old = (a / rel).read_text(encoding="utf-8") if (a / rel).exists() else ""
        new = path.read_text(encoding="utf-8")
        if old != new:
            changed.append(path)
            chunks.extend(difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True),
                f"a/{label}/{rel}", f"b/{label}/{rel}",
            ))
    return "".join(chunks), changed


def probe(py: Path, driver_file: str, parent: Path) -> dict:
    proc = subprocess.run(
        [str(py), driver_file, "--probe", str(parent)],
        env=offline_env(parent), capture_output=True, text=True, timeout=1800,
    )
    # the report is the last line that is one; crewAI's console panels (flushed from its event
    # bus's thread) can land after it (seen once in CI: the last line was a panel's border)
    last = [line[line.index('{"scenarios"'):] for line in proc.stdout.splitlines() if '{"scenarios"' in line][-1:]
    if proc.returncode != 0 or not last:
        return {"error": f"probe exited {proc.returncode}: {proc.stderr.strip()[-2000:]}", "scenarios": []}
    return json.loads(last[0])


def run_driver(driver: ModuleType, out: Path) -> tuple[list[list[str]], bool]:
    t0 = time.perf_counter()
    py = envs.venv(driver.NAME, interpreter(driver.PYTHON), driver.REQUIREMENTS)
    installed = envs.installed_package(py, driver.PACKAGE)
    work = Path(tempfile.mkdtemp(prefix=f"llmlint-realworld-{driver.NAME}-"))
    original = envs.copy_package(installed, work / "original" / installed.name)
    fixed = envs.copy_package(installed, work / "fixed" / installed.name)
    fix = llmlint_fix(fixed, driver.RULES)
    diff, changed = tree_diff(original, fixed, installed.name)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{driver.NAME}.diff").write_text(diff)
    (out / f"{driver.NAME}.fix.txt").write_text(fix.stdout + fix.stderr)
    problems = []
    for path in changed:
        try:
            compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
        except SyntaxError as e:
            problems.append(f"{path.name} does not compile: {e}")
    if not changed:
        problems.append("llmlint changed nothing")
    else:
        llmlint_fix(fixed, driver.RULES)  # a second run must change nothing
        if tree_diff(original, fixed, installed.name)[0] != diff:
            problems.append("a second `llmlint fix` changed the fixed package again")
    driver_file = str(Path(driver.__file__).resolve())
    before = probe(py, driver_file, original.parent)
    after = probe(py, driver_file, fixed.parent)
    for tag, result in (("original", before), ("fixed", after)):
        if "error" in result:
            problems.append(f"{tag}: {result['error']}")
    rows, ok = [], not problems
    after_by_name = {s["name"]: s for s in after.get("scenarios", [])}
    for b in before.get("scenarios", []):
        a = after_by_name.get(b["name"])
        good = a is not None and a["wrong"] == 0 and a["lost"] == 0 and a["accounting_ok"]
        ok = ok and good
        rows.append([
            driver.NAME, b["name"], _cell(b), _cell(a) if a else "missing", "ok" if good else "FAIL",
        ])
    print(f"{driver.NAME}: llmlint changed {len(changed)} file(s); diff in {out / (driver.NAME + '.diff')} "
          f"({time.perf_counter() - t0:.0f} s; copies in {work})")
    summary = [line for line in fix.stdout.splitlines() if line.startswith(("Fixed", "Found", "All checks"))]
    print(f"  llmlint fix --rule {' --rule '.join(driver.RULES)}: {summary[-1] if summary else fix.stdout[-300:]}")
    for p in problems:
        print(f"  problem: {p}")
    for s in after.get("scenarios", []) + before.get("scenarios", []):
        if s.get("note"):
            print(f"  note ({s['name']}): {s['note']}")
    return rows, ok and bool(rows)


def _cell(s: dict) -> str:
    acc = "" if s["accounting_ok"] else ", accounting BROKEN"
    return f"{s['wrong']} wrong, {s['lost']} lost / {s['total']}{acc}"


def main(argv: list[str] | None = None) -> int:
    registry = drivers()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"drivers (default: all of {', '.join(registry)})")
    parser.add_argument("--out", type=Path, default=envs.CACHE / "out", help="where the diffs go")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in registry]
    if unknown:
        parser.error(f"unknown driver(s) {', '.join(unknown)}; known: {', '.join(registry)}")
    rows, ok = [], True
    for name in args.names or list(registry):
        r, good = run_driver(registry[name], args.out)
        rows += r
        ok = ok and good
    header = ["package", "scenario", "before (original)", "after (llmlint fix)", ""]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print("PASS" if ok else "FAIL: the fixed packages must give 0 wrong, 0 lost, accounting intact")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
