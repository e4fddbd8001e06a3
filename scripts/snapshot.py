"""Behaviour snapshot: what llmlint reports and rewrites on a set of trees, to prove that a
refactor changed nothing (issue 15: "no behaviour change").

    python scripts/snapshot.py take OUT TREE...     # one JSON report and one fix diff per tree
    python scripts/snapshot.py compare A B          # exit 1 and print the differences

Each tree is checked from inside it (paths in the report are relative to it) with
``--isolated --no-cache --preview`` (every confidence, no configuration, no cache), once as JSON
(with ``--show-fixes``: each finding's fix preview) and once as ``fix --unsafe-fixes --diff`` (what a
fix would write). The report keeps only what a user sees, so a new field does not count as a
difference; the time each run took is recorded beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

_KEYS = ("code", "name", "path", "line", "column", "end_line", "end_column", "message", "confidence", "evidence", "fix")


def _llmlint(*args: str, cwd: Path) -> tuple[str, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "linter", *args, "--isolated", "--no-cache", "--preview"],
        cwd=cwd, capture_output=True, text=True,
    )
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"snapshot: llmlint {' '.join(args)} in {cwd} exited {done.returncode}:\n{done.stderr}")
    return done.stdout, took


def take(out: Path, trees: list[Path]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    times = {}
    for tree in trees:
        # --show-fixes: JSON carries the previews only when asked (an llmlint before it: drop it)
        report, t1 = _llmlint("check", ".", "--output-format", "json", "--show-fixes", "--exit-zero", cwd=tree)
        findings = [{k: d.get(k) for k in _KEYS} for d in json.loads(report)]
        (out / f"{tree.name}.json").write_text(json.dumps(findings, indent=1, sort_keys=True) + "\n")
        diff, t2 = _llmlint("fix", ".", "--unsafe-fixes", "--diff", "--exit-zero", cwd=tree)
        (out / f"{tree.name}.diff").write_text(diff)
        times[tree.name] = {"check": round(t1, 2), "fix --diff": round(t2, 2), "findings": len(findings)}
        print(f"{tree.name}: {len(findings)} findings, check {t1:.1f} s, fix --diff {t2:.1f} s", flush=True)
    (out / "times.json").write_text(json.dumps(times, indent=1) + "\n")


def compare(a: Path, b: Path) -> int:
    differ = 0
    for left in sorted(a.glob("*.json")) + sorted(a.glob("*.diff")):
        if left.name == "times.json":
            continue
        right = b / left.name
        if not right.exists():
            print(f"{left.name}: missing in {b}")
            differ += 1
        elif left.read_text() != right.read_text():
            print(f"{left.name}: differs")
            subprocess.run(["diff", "-u", str(left), str(right)], check=False)
            differ += 1
        else:
            print(f"{left.name}: identical")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "take":
        take(Path(argv[1]), [Path(t).resolve() for t in argv[2:]])
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
