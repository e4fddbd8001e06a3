"""Benchmark: llmlint against ruff, semgrep and fixit on the same tree, as ratios.

    python benchmarks/run.py [--tree corpus|pdd] [--runs 5] [--fixit once|subset|skip] [--scale] [--exactness]

The corpus is built from installed code (``benchmarks/corpus.py``): the CPython standard
library without tests, plus the litellm and openai packages of ``--site-packages`` (default:
this interpreter's). ``--tree pdd`` measures pdd's repository at a pinned commit instead
(``benchmarks.corpus.pdd``: downloaded from GitHub's archive of the commit, or copied from
``--pdd-copy``). ruff, semgrep and fixit are looked up beside this interpreter, then on
PATH; a missing one is reported as such and skipped. Install them in a separate venv, never
in the project's dependencies.

Every round runs each measurement once, in turn (interleaved), so a burst of load from other
work on the machine hits all of them alike; the table shows medians over the rounds and the
ratios to ruff's syntax-only pass, the load average before and after, and the peak memory
(resident set of the whole process tree, sampled every 10 ms, and the largest single
process from the kernel's accounting). A sum of resident sets counts a page that forked
workers share with the parent once per process: one more, untimed, cold run samples the
tree's proportional set sizes instead (each shared page split among its sharers).

Measurements:
- ``llmlint cold``: ``llmlint check --no-cache`` (nothing cached);
- ``llmlint cold, --syntax-check analysed``: the same, parsing only the files a rule needs (the
  files the byte scan rules out are not parsed for LLM000);
- ``llmlint cold, SARIF`` / ``JSON``: the cold run with that output format (target: <= 1.1x text);
- ``llmlint warm``: a rerun with the cache filled and nothing changed (also as SARIF and JSON);
- ``llmlint warm, another --select``: a rerun over the warm cache with a different selection
  and confidence (the stored run is filtered, not made again);
- ``llmlint 1 changed``: a rerun after one file was edited (a comment appended; the default
  file is one the byte scan rules out, as most of a tree is);
- ``llmlint 1 changed, facts moved``: a rerun after a line was inserted at the top of a file a
  rule needs (every fact in it moves: the stored findings are remapped, ``linter/moved.py``);
- ``llmlint 1 changed, code edited``: a rerun after a statement was appended to that file (its
  facts change: the tree's facts are joined again, from the cache);
- ``floor: CPython's parser``: ``benchmarks/parser_floor.py``, every file parsed once on the same
  processes and nothing else: no linter built on CPython's parser that reports every file that
  does not parse can run a cold check faster;
- ``ruff E9,F63,F7,F82``: ``ruff check --select E9,F63,F7,F82 --no-cache``;
- ``semgrep 1 rule``: one pattern rule (``litellm.success_callback.append(...)``), 2 jobs;
- ``fixit 1 rule``: ``fixit --rules fixit.rules:NoRedundantFString lint``. fixit takes minutes on
  this tree: ``--fixit once`` runs it in the first round only; ``--fixit subset`` runs it on a
  sample of files and extrapolates by lines (printed as an estimate, marked ``~``).

``--exactness`` compares llmlint's findings on the corpus with the prefilter and without it
(every file parsed) and with a cold and a warm cache: any difference is printed and fails.
``--scale`` times cold runs on 1x, 2x and 4x copies of the corpus. ``--linearity`` measures
only that, on the tree (``--tree pdd``: its modules are copied under distinct package names,
``benchmarks/copies.py``), interleaved, and prints t2/t1, t4/t1 and the findings per copy.
``--smoke`` uses a tiny corpus and one round (the test suite runs that).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.copies import build_copies  # noqa: E402
from benchmarks.corpus import PDD_COMMIT, build, pdd  # noqa: E402

FLOOR = "floor: CPython's parser, every file (symtable)"

SEMGREP_RULE = """rules:
  - id: global-callback-append
    pattern: litellm.success_callback.append(...)
    message: a litellm callback registered at run time
    languages: [python]
    severity: WARNING
"""
FIXIT_RULE = "fixit.rules:NoRedundantFString"


@dataclass
class Sample:
    seconds: float
    tree_rss_mb: float  # peak of the summed RSS of the process and its descendants
    max_rss_mb: float  # largest single process (kernel accounting)
    returncode: int
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for


@dataclass
class Measure:
    name: str
    samples: list[Sample] = field(default_factory=list)
    estimate: bool = False  # extrapolated from a subset
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_tree(self) -> float:
        return max(s.tree_rss_mb for s in self.samples)

    @property
    def peak_single(self) -> float:
        return max(s.max_rss_mb for s in self.samples)


def _tree_rss_kb(pid: int, pss: bool = False) -> int:
    """The summed resident set of ``pid`` and its descendants; with ``pss``, of their
    proportional set sizes (a page that forked workers share with the parent counts once, not
    once per process; reading it costs the kernel a walk of every page, so it is not sampled
    during timed runs)."""
    total = 0
    todo = [pid]
    name, key = ("smaps_rollup", "Pss:") if pss else ("status", "VmRSS:")
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/{name}") as fh:
                for line in fh:
                    if line.startswith(key):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def peak_pss_mb(cmd: list[str], cwd: Path) -> float:
    """The peak summed PSS of one untimed run of ``cmd``'s process tree, sampled every 50 ms."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid, pss=True))
        time.sleep(0.05)
    return peak / 1024


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Wall time, peak tree RSS (sampled) and max single-process RSS of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        print(f"  ! {' '.join(cmd[:3])}... exited {proc.returncode}: {err.strip()[-300:]}", file=sys.stderr)
    return Sample(seconds, peak / 1024, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime)


def find_tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def llmlint_cmd(args: argparse.Namespace) -> list[str]:
    return [sys.executable, "-m", "linter"] if not args.llmlint else args.llmlint.split()


def compile_bytecode(args: argparse.Namespace, corpus: Path) -> None:
    """Byte-compile the llmlint that the runs import, as ``pip install`` does. Without it an
    editable install under PYTHONDONTWRITEBYTECODE=1 (this sandbox sets it) compiles all its
    modules from source on every run: ~90 ms that no installed llmlint pays."""
    if args.llmlint:
        return
    subprocess.run(
        [sys.executable, "-c", "import compileall, os, linter; compileall.compile_dir(os.path.dirname(linter.__file__), quiet=1)"],
        cwd=corpus, check=True,
    )


def _check_output(cmd: list[str], corpus: Path, args: list[str]) -> str:
    out = subprocess.run(cmd + ["check", "--exit-zero", "--isolated", *args, "."], cwd=corpus, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark: llmlint failed ({out.returncode}): {out.stderr[-500:]}")
    return out.stdout


def findings(cmd: list[str], corpus: Path, extra: list[str]) -> list[tuple]:
    out = _check_output(cmd, corpus, ["--output-format", "json", *extra])
    return sorted((d["path"], d["line"], d["column"], d["code"], d["message"]) for d in json.loads(out))


def report(cmd: list[str], corpus: Path, extra: list[str]) -> str:
    """The full text report (evidence included). Unlike JSON's it carries no fixes, so a rerun
    with the cache may return the stored findings without joining the facts."""
    return _check_output(cmd, corpus, ["-q", "--output-format", "full", *extra])


def exactness(cmd: list[str], corpus: Path, moved: Path | None) -> bool:
    """Findings with and without the prefilter, and with a cold and a warm cache, must agree;
    so must the full reports of a rerun with the cache after an edit that moves ``moved``'s
    facts, and after one that changes them, and of a run without it."""
    cache = Path(tempfile.mkdtemp(prefix="llmlint-bench-cache-"))
    same: dict[str, bool] = {}
    try:
        runs = {
            "prefilter, no cache": findings(cmd, corpus, ["--no-cache"]),
            "no prefilter (every file parsed)": findings(cmd, corpus, ["--no-cache", "--no-prefilter"]),
            "cache cold": findings(cmd, corpus, ["--cache-dir", str(cache)]),
            "cache warm": findings(cmd, corpus, ["--cache-dir", str(cache)]),
        }
        if moved is not None:
            original = moved.read_bytes()
            report(cmd, corpus, ["--cache-dir", str(cache)])
            time.sleep(2.1)  # no file younger than 2 s: this run stores its result
            report(cmd, corpus, ["--cache-dir", str(cache)])
            same["full report, cache warm"] = report(cmd, corpus, ["--cache-dir", str(cache)]) == report(cmd, corpus, ["--no-cache"])
            try:
                moved.write_bytes(b"# exactness edit\n\n" + original)
                same[f"full report, cache, {moved.name} moved"] = (
                    report(cmd, corpus, ["--cache-dir", str(cache)]) == report(cmd, corpus, ["--no-cache"]))
                # its facts changed: a whole run over the cache (the edited file analysed beside the decoding)
                moved.write_bytes(original + b"\n\ndef _exactness_edit():\n    return 1\n")
                same[f"full report, cache, {moved.name} code edited"] = (
                    report(cmd, corpus, ["--cache-dir", str(cache)]) == report(cmd, corpus, ["--no-cache"]))
            finally:
                moved.write_bytes(original)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    reference = runs["no prefilter (every file parsed)"]
    ok = True
    for name, got in runs.items():
        missing = sorted(set(reference) - set(got))
        extra = sorted(set(got) - set(reference))
        status = "identical" if not missing and not extra else f"{len(missing)} missing, {len(extra)} extra"
        print(f"  {name:42} {len(got):4} findings: {status}")
        for d in (missing + extra)[:10]:
            print(f"      {'-' if d in missing else '+'} {d[0]}:{d[1]}:{d[2]} {d[3]} {d[4][:90]}")
        ok = ok and not missing and not extra
    for name, alike in same.items():
        print(f"  {name:42} {'identical' if alike else 'DIFFERENT'} to a run without cache")
        ok = ok and alike
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site-packages", type=Path, default=Path(sysconfig.get_paths()["purelib"]))
    ap.add_argument("--corpus", type=Path, default=None, help="where the tree is built (default: a folder in the temp dir)")
    ap.add_argument("--tree", choices=["corpus", "pdd"], default="corpus", help="the big corpus, or pdd's repository")
    ap.add_argument("--pdd-copy", type=Path, default=None, help=f"a checkout of pdd at {PDD_COMMIT[:10]} to copy (default: download it)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="llmlint --jobs and semgrep --jobs")
    ap.add_argument("--fixit", choices=["once", "subset", "skip"], default="subset")
    ap.add_argument("--fixit-files", type=int, default=250, help="files in the fixit subset")
    ap.add_argument("--no-semgrep", action="store_true")
    ap.add_argument("--changed-file", default=None, help="file edited for '1 changed' (corpus-relative)")
    ap.add_argument("--moved-file", default=None, help="file a rule needs, edited for '1 changed, facts moved' (corpus-relative)")
    ap.add_argument("--stop-after", type=float, default=0, help="seconds: stop at the first measurement past this and print what was measured")
    ap.add_argument("--targets-only", action="store_true", help="issue 18's measurements only (no --syntax-check analysed, ruff, semgrep, fixit)")
    ap.add_argument("--scale", action="store_true", help="also time cold runs on 1x, 2x, 4x copies")
    ap.add_argument("--linearity", action="store_true", help="only time cold runs on 1x, 2x, 4x copies of the tree under distinct package names")
    ap.add_argument("--exactness", action="store_true", help="compare findings with/without prefilter and cache")
    ap.add_argument("--smoke", action="store_true", help="tiny corpus, one round (for the test suite)")
    ap.add_argument("--llmlint", default="", help="command that runs llmlint (default: this Python -m linter)")
    args = ap.parse_args(argv)

    cmd = llmlint_cmd(args)
    corpus = args.corpus or Path(tempfile.gettempdir()) / ("llmlint-bench-corpus" if args.tree == "corpus" else f"llmlint-bench-pdd-{PDD_COMMIT[:10]}")
    # defaults: a file the byte scan rules out, and a file a rule needs
    changed_default, moved_default = (("copy0/site/openai/_client.py", "copy0/site/litellm/caching/caching.py") if args.tree == "corpus"
                                      else ("pdd/construct_paths.py", "pdd/llm_invoke.py"))
    args.changed_file = args.changed_file or changed_default
    args.moved_file = args.moved_file or moved_default
    if args.targets_only:
        args.fixit, args.no_semgrep = "skip", True
    if args.smoke:
        args.runs, args.fixit, args.no_semgrep = 1, "skip", True
        corpus = Path(tempfile.mkdtemp(prefix="llmlint-smoke-"))
        fixtures = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
        # fixtures whose module names do not collide (one project, one module per name)
        for case in ("LLM001/pdd_global_dict", "LLM002/crewai_set_callbacks", "LLM003/lock_helper_contextmanager", "LLM001/safe_return_value"):
            shutil.copytree(fixtures / case, corpus / "copy0" / Path(case).name)
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        for name in ("threading.py", "queue.py", "contextlib.py", "functools.py"):
            (corpus / "copy0" / "stdlib").mkdir(parents=True, exist_ok=True)
            shutil.copy(stdlib / name, corpus / "copy0" / "stdlib" / name)
        args.changed_file = "copy0/stdlib/queue.py"
        args.moved_file = "copy0/pdd_global_dict/pdd/callbacks.py"
        n_files = len(list(corpus.rglob("*.py")))
        n_lines = sum(p.read_bytes().count(b"\n") for p in corpus.rglob("*.py"))
    elif args.tree == "pdd":
        n_files, n_lines = pdd(corpus, args.pdd_copy)
    else:
        n_files, n_lines = build(corpus, args.site_packages)
    print(f"corpus: {corpus} — {n_files} files, {n_lines:,} lines; {os.cpu_count()} cores")
    compile_bytecode(args, corpus)
    if args.linearity:
        return linearity(cmd + ["check", "--exit-zero", "--isolated", "-q", "--jobs", str(args.jobs)], corpus, args.runs)
    load_before = os.getloadavg()

    moved = corpus / args.moved_file
    moved_original = moved.read_bytes() if moved.exists() else None
    if args.exactness and not exactness(cmd, corpus, moved if moved_original is not None else None):
        print("EXACTNESS FAILED: the prefilter or the cache changed the findings")
        return 1

    ruff, semgrep, fixit = None if args.targets_only else find_tool("ruff"), None if args.no_semgrep else find_tool("semgrep"), find_tool("fixit")
    cache_dir = Path(tempfile.mkdtemp(prefix="llmlint-bench-cache-"))
    lint = cmd + ["check", "--exit-zero", "--isolated", "-q", "--jobs", str(args.jobs)]
    changed = corpus / args.changed_file
    measures: dict[str, Measure] = {}

    stop_at = time.monotonic() + args.stop_after if args.stop_after else None

    def add(name: str, sample: Sample, **kw: object) -> None:
        m = measures.setdefault(name, Measure(name))
        m.samples.append(sample)
        for k, v in kw.items():
            setattr(m, k, v)
        if stop_at is not None and time.monotonic() > stop_at:
            raise _OutOfTime

    rule_file = cache_dir / "semgrep-rule.yaml"
    rule_file.write_text(SEMGREP_RULE)
    subset_ratio = 1.0
    subset: list[str] = []
    if fixit and args.fixit == "subset":
        every = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.py"))
        subset = random.Random(6).sample(every, min(args.fixit_files, len(every)))
        sub_lines = sum((corpus / p).read_bytes().count(b"\n") for p in subset)
        subset_ratio = n_lines / max(1, sub_lines)
    original = changed.read_bytes() if changed.exists() else None
    subprocess.run(lint + ["--cache-dir", str(cache_dir), "."], cwd=corpus, capture_output=True, check=False)  # fill
    try:
        for i in range(args.runs):
            print(f"round {i + 1}/{args.runs} (load {os.getloadavg()[0]:.2f})", flush=True)
            add(FLOOR, timed([sys.executable, str(Path(__file__).resolve().parent / "parser_floor.py"), "--jobs", str(args.jobs), "."], corpus))
            # the cold runs' order turns each round: the load other work puts on the machine
            # drifts within a round, and a fixed order charged the drift to the later formats
            # (pdd under load 9-14: SARIF 1.60x, JSON 1.88x text by wall time, the same CPU)
            colds = [("llmlint cold (--no-cache)", [])] + [(f"llmlint cold, {fmt.upper()}", ["--output-format", fmt]) for fmt in ("sarif", "json")]
            for name, extra in colds[i % 3:] + colds[: i % 3]:
                add(name, timed(lint + ["--no-cache", *extra, "."], corpus))
            if not args.targets_only:
                add("llmlint cold, --syntax-check analysed", timed(lint + ["--no-cache", "--syntax-check", "analysed", "."], corpus))
            add("llmlint warm (cache, no change)", timed(lint + ["--cache-dir", str(cache_dir), "."], corpus))
            for fmt in ("sarif", "json", "github"):
                add(f"llmlint warm, {fmt.upper()}", timed(lint + ["--cache-dir", str(cache_dir), "--output-format", fmt, "."], corpus))
            add("llmlint warm, another --select", timed(
                lint + ["--cache-dir", str(cache_dir), "--select", "LLM001,LLM003", "--min-confidence", "low", "."], corpus))
            if original is not None:
                changed.write_bytes(original + f"\n# benchmark edit {i} {time.time()}\n".encode())
                add(f"llmlint 1 changed ({changed.name})", timed(lint + ["--cache-dir", str(cache_dir), "."], corpus))
            if moved_original is not None:
                moved.write_bytes(f"# benchmark edit {i} {time.time()}\n".encode() + moved_original)
                add(f"llmlint 1 changed, facts moved ({moved.name})", timed(lint + ["--cache-dir", str(cache_dir), "."], corpus))
                moved.write_bytes(moved_original + f"\n_BENCHMARK_EDIT = {i}\n".encode())
                add(f"llmlint 1 changed, code edited ({moved.name})", timed(lint + ["--cache-dir", str(cache_dir), "."], corpus))
                moved.write_bytes(moved_original)
            # untimed: once no file is younger than 2 s, a run brings the cache up to date,
            # so that the next round's warm run is one with nothing changed
            time.sleep(2.1)
            subprocess.run(lint + ["--cache-dir", str(cache_dir), "."], cwd=corpus, capture_output=True, check=False)
            if ruff:
                add("ruff E9,F63,F7,F82 --no-cache", timed([ruff, "check", "--select", "E9,F63,F7,F82", "--no-cache", "--exit-zero", "."], corpus))
            if semgrep:
                add("semgrep, 1 pattern rule", timed(
                    [semgrep, "scan", "--config", str(rule_file), "--metrics=off", "--disable-version-check", "--quiet",
                     "--jobs", str(args.jobs), "--timeout", "0", "."], corpus))
            if fixit and (args.fixit == "subset" or (args.fixit == "once" and i == 0)):
                targets = subset if args.fixit == "subset" else ["."]
                s = timed([fixit, "--rules", FIXIT_RULE, "lint", *targets], corpus)
                if args.fixit == "subset":
                    s = Sample(s.seconds * subset_ratio, s.tree_rss_mb, s.max_rss_mb, s.returncode)
                    add("fixit, 1 rule", s, estimate=True,
                        note=f"~ run on {len(subset)} files, scaled by lines x{subset_ratio:.1f}")
                else:
                    add("fixit, 1 rule", s, note="one run")
    except _OutOfTime:  # --stop-after: the table of what was measured so far
        print(f"stopped after {args.stop_after:.0f} s (--stop-after)", flush=True)
    finally:
        if original is not None:
            changed.write_bytes(original)
        if moved_original is not None:
            moved.write_bytes(moved_original)
        shutil.rmtree(cache_dir, ignore_errors=True)
    load_after = os.getloadavg()

    print()
    # CPU: user + system seconds of the process tree, which other work on the machine moves less
    print("| measurement | median s | runs | vs floor | vs ruff | CPU s (vs floor) | peak RSS tree / largest process MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ruff_median = measures["ruff E9,F63,F7,F82 --no-cache"].median if "ruff E9,F63,F7,F82 --no-cache" in measures else None
    floor = measures[FLOOR].median
    floor_cpu = measures[FLOOR].cpu
    for m in measures.values():
        ratio = f"{m.median / ruff_median:.2f}x" if ruff_median else "-"
        mark = "~" if m.estimate else ""
        print(f"| {m.name} | {mark}{m.median:.2f} | {len(m.samples)} | {m.median / floor:.2f}x | {ratio} | "
              f"{m.cpu:.2f} ({m.cpu / floor_cpu:.2f}x) | {m.peak_tree:.0f} / {m.peak_single:.0f} |"
              + (f" {m.note}" if m.note else ""))
    cold = measures["llmlint cold (--no-cache)"].median
    print()
    # issue 18's targets; ratios of medians measured in this run
    cold_cpu = measures["llmlint cold (--no-cache)"].cpu
    print(f"llmlint cold / CPython's parser alone: {cold / floor:.2f}x (target <= 2.0); CPU {cold_cpu / floor_cpu:.2f}x")
    for fmt in ("SARIF", "JSON"):
        if f"llmlint cold, {fmt}" in measures:
            print(f"llmlint cold, {fmt} / cold text: {measures[f'llmlint cold, {fmt}'].median / cold:.2f}x (target <= 1.1); "
                  f"CPU {measures[f'llmlint cold, {fmt}'].cpu / cold_cpu:.2f}x")
    for name, m in measures.items():
        if name.startswith("llmlint warm"):
            print(f"{name}: {m.median:.2f} s (target <= 0.5)")
    pss = peak_pss_mb(lint + ["--no-cache", "."], corpus) if stop_at is None or time.monotonic() < stop_at else float("nan")
    print(f"llmlint cold, peak memory of the process tree as PSS (one untimed run): {pss:.0f} MB (target <= 300)")
    if "semgrep, 1 pattern rule" in measures:
        print(f"semgrep / llmlint cold: {measures['semgrep, 1 pattern rule'].median / cold:.2f}x (target >= 2)")
    if "fixit, 1 rule" in measures:
        est = " (estimate)" if measures["fixit, 1 rule"].estimate else ""
        print(f"fixit / llmlint cold: {measures['fixit, 1 rule'].median / cold:.1f}x{est} (target >= 90)")
    if ruff_median:
        print(f"CPython's parser alone / ruff: {floor / ruff_median:.2f}x; llmlint cold / CPython's parser alone: {cold / floor:.2f}x")
        print(f"llmlint cold / ruff: {cold / ruff_median:.2f}x (target <= 3); "
              f"warm / ruff: {measures['llmlint warm (cache, no change)'].median / ruff_median:.2f}x (target <= 0.5)")
    for name, m in measures.items():
        if name.startswith("llmlint 1 changed"):
            print(f"{name}: {m.median:.2f} s (target <= 1)")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)}")

    if args.scale and not args.smoke and args.tree == "corpus":
        print()
        print("| copies | files | lines | llmlint cold median s | per copy s |")
        print("|---:|---:|---:|---:|---:|")
        for copies in (1, 2, 4):
            root = corpus if copies == 1 else corpus.with_name(corpus.name + f"-x{copies}")
            files, lines = (n_files, n_lines) if copies == 1 else build(root, args.site_packages, copies)
            runs = [timed(lint + ["--no-cache", "."], root).seconds for _ in range(max(1, args.runs // 2))]
            med = statistics.median(runs)
            print(f"| {copies} | {files} | {lines:,} | {med:.2f} | {med / copies:.2f} |", flush=True)
    if args.smoke:
        shutil.rmtree(corpus, ignore_errors=True)
    return 0


def linearity(lint: list[str], tree: Path, runs: int) -> int:
    """Cold runs on 1, 2 and 4 copies of ``tree`` (distinct package names: ``benchmarks/copies.py``),
    interleaved round by round; the medians and their ratios (linear: 2.0 and 4.0)."""
    work = Path(tempfile.mkdtemp(prefix="llmlint-linearity-"))
    try:
        sizes: dict[int, tuple[Path, int, int]] = {}
        for copies in (1, 2, 4):
            root = work / f"x{copies}"
            files, lines = build_copies(tree, root, copies)
            sizes[copies] = (root, files, lines)
        # findings per size (concise: one line each): N copies should have N times 1 copy's
        counts = {c: sum(1 for line in subprocess.run(lint + ["--no-cache", "--output-format", "concise", "."], cwd=root,
                                                      capture_output=True, text=True, check=False).stdout.splitlines()
                         if ": LLM" in line)
                  for c, (root, _, _) in sizes.items()}
        load_before = os.getloadavg()
        times: dict[int, list[Sample]] = {c: [] for c in sizes}
        for i in range(runs):
            print(f"round {i + 1}/{runs} (load {os.getloadavg()[0]:.2f})", flush=True)
            for copies, (root, _, _) in sizes.items():
                times[copies].append(timed(lint + ["--no-cache", "."], root))
        load_after = os.getloadavg()
        print()
        # CPU seconds too: on a machine others load, they vary less than the wall time
        print("| copies | files | lines | findings | llmlint cold median s | per copy s | CPU s (all processes) | peak RSS tree MB |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        med = {c: statistics.median(s.seconds for s in times[c]) for c in sizes}
        cpu = {c: statistics.median(s.cpu for s in times[c]) for c in sizes}
        for copies, (_, files, lines) in sizes.items():
            peak = max(s.tree_rss_mb for s in times[copies])
            print(f"| {copies} | {files} | {lines:,} | {counts[copies]} | {med[copies]:.2f} | {med[copies] / copies:.2f} | {cpu[copies]:.1f} | {peak:.0f} |")
        print()
        print(f"t2/t1 = {med[2] / med[1]:.2f} (linear: 2.0); t4/t1 = {med[4] / med[1]:.2f} (linear: 4.0); "
              f"CPU: {cpu[2] / cpu[1]:.2f}, {cpu[4] / cpu[1]:.2f}")
        print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
              f"after {', '.join(f'{x:.2f}' for x in load_after)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


class _OutOfTime(Exception):
    pass


if __name__ == "__main__":
    sys.exit(main())
