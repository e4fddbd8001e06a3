"""Ecosystem check: llmlint on pinned real LLM applications, scored against our own triage.

Each repository of ``scripts/ecosystem/repos.toml`` is materialised at its pinned commit (from a
bare git mirror, or a released package from PyPI), checked at default confidence (the whole
repository, tests included), and every finding is matched by (path, code, line) to the labels of
``scripts/ecosystem/labels/<name>.toml``: ``[[finding]]`` entries are the triaged findings
(verdict true/false with a reason), ``[[miss]]`` entries are real hazards found by reading the code
that llmlint did not report when they were written.

    python scripts/ecosystem.py                      # every repository; tables + changes
    python scripts/ecosystem.py --repo crewAI --repo pdd
    python scripts/ecosystem.py --json before.json   # machine-readable, for before/after tables
    python scripts/ecosystem.py --markdown           # the tables as markdown
    python scripts/ecosystem.py --before before.json # before -> after tables (both with today's labels)
    python scripts/ecosystem.py --consistency        # default == --no-prefilter, package alone == whole repo

Exit 1 when precision is below the bars of issue 16 (0.90 overall, 0.85 for a rule with at least
5 findings), when a finding is not labelled yet (new findings must be triaged), when a [[miss]]
still not reported has no ``why_missed`` (issue 16: every miss is found or has a written reason), or with
--consistency when runs disagree; exit 2 when a repository cannot be materialised.
LLM000 (a file llmlint could not parse) is listed apart: it says what was not analysed, not a hazard.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
REPOS_FILE = HERE / "ecosystem" / "repos.toml"
LABELS_DIR = HERE / "ecosystem" / "labels"
MIRRORS = Path(os.environ.get("LLMLINT_ECOSYSTEM_MIRRORS", "/work/.mirror"))
CACHE = Path(os.environ.get("LLMLINT_ECOSYSTEM_CACHE", Path.home() / ".cache" / "llmlint-ecosystem"))
# Only what llmlint reads: sources and the config files that say where packages live. Mirrors
# lack their largest blobs, so a whole-tree `git archive` fails; blobs are read one by one.
KEEP = (".py", ".pyi", ".toml", ".cfg")
PRECISION_BAR = 0.90
RULE_BAR = 0.85
RULE_BAR_MIN_FINDINGS = 5
NOT_ANALYSED = "LLM000"

Key = tuple[str, str, int]  # (path relative to the repository root, code, line)


class EcosystemError(Exception):
    """A repository could not be materialised (the message says what to do)."""


@dataclass(frozen=True)
class Repo:
    name: str
    source: str  # "github:owner/name" or "pypi:package==version"
    commit: str  # 40 hex for github sources; the version for pypi ones
    package: str  # folder of the importable package, relative to the repository root ("." for a flat application)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    code: str
    confidence: str
    message: str
    evidence: tuple[str, ...] = ()

    @property
    def key(self) -> Key:
        return (self.path, self.code, self.line)


@dataclass(frozen=True)
class Label:
    path: str
    line: int
    code: str
    reason: str
    verdict: str = "true"  # "true" / "false"; misses are true by definition
    miss: bool = False
    why_missed: str = ""  # a [[miss]]: why llmlint does not find it (what the analysis lacks)

    @property
    def key(self) -> Key:
        return (self.path, self.code, self.line)


@dataclass
class RuleScore:
    findings: int = 0
    true: int = 0
    false: int = 0
    unlabelled: int = 0
    misses: int = 0  # labelled hazards not reported (misses still missed, true findings lost)

    @property
    def precision(self) -> float | None:
        labelled = self.true + self.false
        return self.true / labelled if labelled else None

    @property
    def recall(self) -> float | None:
        known = self.true + self.misses
        return self.true / known if known else None

    def add(self, other: RuleScore) -> None:
        for name in ("findings", "true", "false", "unlabelled", "misses"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class RepoResult:
    name: str
    rules: dict[str, RuleScore] = field(default_factory=dict)
    unlabelled: list[Finding] = field(default_factory=list)
    lost: list[Label] = field(default_factory=list)  # [[finding]] labels no finding matches now
    found_misses: list[Label] = field(default_factory=list)  # [[miss]] labels now reported
    misses: list[Label] = field(default_factory=list)  # [[miss]] labels still not reported
    not_analysed: list[Finding] = field(default_factory=list)  # LLM000
    verdicts: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, true/false/unlabelled)

    def total(self) -> RuleScore:
        out = RuleScore()
        for score in self.rules.values():
            out.add(score)
        return out


# ----------------------------------------------------------------------------- inputs

def load_repos(path: Path) -> list[Repo]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    repos = [Repo(**entry) for entry in data.get("repo", [])]
    # a repository pinned twice is checked and counted twice, under one labels file (session 26
    # appended two repositories that session 22 had pinned)
    seen: dict[str, Repo] = {}
    for repo in repos:
        for key in (repo.name, f"{repo.source}@{repo.commit}"):
            if key in seen:
                raise ValueError(f"{path}: {repo.name} repeats {seen[key].name} ({key})")
            seen[key] = repo
    return repos


def load_labels(path: Path) -> list[Label]:
    if not path.is_file():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels = []
    for entry in data.get("finding", []):
        if entry["verdict"] not in ("true", "false"):
            raise ValueError(f"{path}: verdict must be \"true\" or \"false\": {entry}")
        labels.append(Label(entry["path"], int(entry["line"]), entry["code"], entry["reason"], entry["verdict"]))
    for entry in data.get("miss", []):
        labels.append(Label(entry["path"], int(entry["line"]), entry["code"], entry["reason"], "true", miss=True,
                            why_missed=entry.get("why_missed", "")))
    return labels


# ----------------------------------------------------------------------------- materialise

def _git(git_dir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(["git", f"--git-dir={git_dir}", *args], input=stdin, capture_output=True)
    if proc.returncode:
        raise EcosystemError(f"git {' '.join(args[:2])} in {git_dir}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def mirror_dir(owner_name: str, mirrors: Path) -> Path | None:
    base = mirrors / owner_name.replace("/", "+")
    for candidate in (base / "repo", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def materialise_git(repo: Repo, owner_name: str, dest: Path, mirrors: Path) -> None:
    git_dir = mirror_dir(owner_name, mirrors)
    if git_dir is None:
        raise EcosystemError(f"{repo.name}: no mirror of {owner_name} under {mirrors}; get one with the "
                             f"`fetch` tool (source github:{owner_name}) or `git clone --bare "
                             f"https://github.com/{owner_name} {mirrors / owner_name.replace('/', '+') / 'repo'}`")
    try:
        _git(git_dir, "cat-file", "-e", f"{repo.commit}^{{commit}}")
    except EcosystemError:
        raise EcosystemError(f"{repo.name}: commit {repo.commit} is not in {git_dir}; fetch a newer mirror "
                             f"or pin the mirror's HEAD") from None
    listing = _git(git_dir, "ls-tree", "-r", "-z", repo.commit).split(b"\0")
    blobs = []
    for row in listing:
        if not row:
            continue
        meta, _, name = row.partition(b"\t")
        mode, kind, sha = meta.split()
        path = name.decode("utf-8", errors="surrogateescape")
        if kind == b"blob" and mode != b"120000" and path.endswith(KEEP):
            blobs.append((sha.decode(), path))
    out = _git(git_dir, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha, _ in blobs).encode())
    pos = 0
    for _, path in blobs:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out[header_end + 1:header_end + 1 + size])
        pos = header_end + 1 + size + 1


def materialise_pypi(repo: Repo, spec: str, dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, spec],
                              capture_output=True, text=True)
        if proc.returncode:
            raise EcosystemError(f"{repo.name}: pip download {spec} failed: {proc.stderr.strip()[-500:]}")
        (archive,) = Path(tmp).iterdir()
        unpacked = Path(tmp) / "unpacked"
        if archive.suffix in (".whl", ".zip"):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(unpacked)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(unpacked, filter="data")
        tops = list(unpacked.iterdir())
        root = tops[0] if len(tops) == 1 and tops[0].is_dir() and archive.suffix != ".whl" else unpacked
        for path in root.rglob("*"):
            if path.is_file() and path.name.endswith(KEEP):
                target = dest / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def materialise(repo: Repo, cache: Path = CACHE, mirrors: Path = MIRRORS) -> Path:
    """The repository's files at its pin, in a cache folder made once (a `.done` file beside it)."""
    kind, _, spec = repo.source.partition(":")
    pin = repo.commit[:12] if kind == "github" else repo.commit
    dest = cache / f"{repo.name}-{pin}"
    done = cache / f"{repo.name}-{pin}.done"
    if done.is_file() and dest.is_dir():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    if kind == "github":
        materialise_git(repo, spec, dest, mirrors)
    elif kind == "pypi":
        materialise_pypi(repo, spec, dest)
    else:
        raise EcosystemError(f"{repo.name}: unknown source {repo.source!r} (github:owner/name or pypi:pkg==version)")
    done.write_text(repo.source + " " + repo.commit + "\n", encoding="utf-8")
    return dest


# ----------------------------------------------------------------------------- run

def run_llmlint(root: Path, target: str = ".", extra: tuple[str, ...] = (), jobs: int | None = None) -> list[Finding]:
    """llmlint's default-confidence findings on `target` (inside `root`), paths relative to `root`.
    A subprocess, so the worktree's linter runs (PYTHONPATH) exactly as a user's CLI would."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])))
    cmd = [sys.executable, "-m", "linter", "check", target, "--output-format", "json", "--isolated",
           "--no-cache", "--exit-zero", *extra]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"llmlint failed on {root} ({' '.join(extra)}): exit {proc.returncode}\n{proc.stderr[-3000:]}")
    findings = []
    for d in json.loads(proc.stdout):
        path = Path(d["path"]).as_posix().removeprefix("./")
        findings.append(Finding(path, d["line"], d["code"], d["confidence"], d["message"], tuple(d.get("evidence") or ())))
    return sorted(findings, key=lambda f: (f.path, f.line, f.code))


# ----------------------------------------------------------------------------- score

def score(name: str, findings: list[Finding], labels: list[Label]) -> RepoResult:
    """Match findings to labels by (path, code, line) and count per rule.

    A true [[finding]] label with no finding any more is a lost hazard: it counts as a miss. A
    [[miss]] label that is now reported counts as a true finding (and is listed, to relabel)."""
    result = RepoResult(name)
    by_key: dict[Key, Label] = {}
    for label in labels:
        if label.key in by_key:
            raise ValueError(f"{name}: two labels for {label.key}")
        by_key[label.key] = label
    reported: set[Key] = set()
    for f in findings:
        if f.code == NOT_ANALYSED:
            result.not_analysed.append(f)
            continue
        reported.add(f.key)
        rule = result.rules.setdefault(f.code, RuleScore())
        rule.findings += 1
        label = by_key.get(f.key)
        if label is None:
            rule.unlabelled += 1
            result.unlabelled.append(f)
            verdict = "unlabelled"
        else:
            verdict = label.verdict
            if label.verdict == "true":
                rule.true += 1
            else:
                rule.false += 1
            if label.miss:
                result.found_misses.append(label)
        result.verdicts.append((f, verdict))
    for label in labels:
        if label.key in reported:
            continue
        if not label.miss:
            result.lost.append(label)
        else:
            result.misses.append(label)
        if label.verdict == "true":
            result.rules.setdefault(label.code, RuleScore()).misses += 1
    return result


def failures(results: list[RepoResult]) -> list[str]:
    """Why the check fails: the precision bars of issue 16, and findings nobody has triaged."""
    out = []
    total = RuleScore()
    per_rule: dict[str, RuleScore] = {}
    for r in results:
        for code, s in r.rules.items():
            total.add(s)
            per_rule.setdefault(code, RuleScore()).add(s)
        if r.unlabelled:
            out.append(f"{r.name}: {len(r.unlabelled)} unlabelled finding(s)")
        unexplained = [label for label in r.misses if not label.why_missed]
        if unexplained:
            out.append(f"{r.name}: {len(unexplained)} miss(es) without why_missed")
    if total.precision is not None and total.precision < PRECISION_BAR:
        out.append(f"overall precision {total.precision:.2f} < {PRECISION_BAR}")
    for code, s in sorted(per_rule.items()):
        if s.findings >= RULE_BAR_MIN_FINDINGS and s.precision is not None and s.precision < RULE_BAR:
            out.append(f"{code} precision {s.precision:.2f} < {RULE_BAR} ({s.findings} findings)")
    return out


# ----------------------------------------------------------------------------- report

def _ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _row(name: str, s: RuleScore) -> list[str]:
    return [name, str(s.findings), str(s.true), str(s.false), str(s.unlabelled), str(s.misses),
            _ratio(s.precision), _ratio(s.recall)]


HEADER = ["", "findings", "true", "false", "unlabelled", "missed", "precision", "recall"]


def tables(results: list[RepoResult]) -> tuple[list[list[str]], list[list[str]]]:
    """(rows per repository, rows per rule), each ending with the total."""
    total = RuleScore()
    per_rule: dict[str, RuleScore] = {}
    repo_rows = []
    for r in results:
        t = r.total()
        total.add(t)
        repo_rows.append(_row(r.name, t))
        for code, s in r.rules.items():
            per_rule.setdefault(code, RuleScore()).add(s)
    repo_rows.append(_row("total", total))
    rule_rows = [_row(code, s) for code, s in sorted(per_rule.items())] + [_row("total", total)]
    return repo_rows, rule_rows


def render(rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
                     for row in [HEADER, *rows])


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def report(results: list[RepoResult], markdown: bool) -> str:
    repo_rows, rule_rows = tables(results)
    out = ["Per repository", render(repo_rows, markdown), "", "Per rule", render(rule_rows, markdown)]
    for r in results:
        if r.not_analysed:
            out.append(f"\n{r.name}: {len(r.not_analysed)} file(s) not analysed (LLM000): "
                       + ", ".join(f"{f.path}:{f.line}" for f in r.not_analysed[:8])
                       + (" ..." if len(r.not_analysed) > 8 else ""))
    changes = [r for r in results if r.lost or r.found_misses]
    if changes:
        out.append("\nChanges since the labels were written")
        for r in changes:
            for label in r.lost:
                out.append(f"  {r.name}: no longer reported ({label.verdict}): {label.path}:{label.line} {label.code}  # {label.reason}")
            for label in r.found_misses:
                out.append(f"  {r.name}: miss now reported (move it to [[finding]]): {label.path}:{label.line} {label.code}  # {label.reason}")
    missed = [r for r in results if r.misses]
    if missed:
        out.append("\nMisses still not reported, and why llmlint does not find them (why_missed)")
        for r in missed:
            for label in r.misses:
                out.append(f"  {r.name}: {label.path}:{label.line} {label.code}: "
                           + (label.why_missed or "NO REASON WRITTEN (add why_missed to the [[miss]] label)"))
    unlabelled = [r for r in results if r.unlabelled]
    if unlabelled:
        out.append("\nUnlabelled findings (TOML to triage into scripts/ecosystem/labels/<name>.toml)")
        for r in unlabelled:
            out.append(f"# --- {r.name}")
            for f in r.unlabelled:
                out.append(f"# {f.confidence}: {f.message[:160]}")
                out += [f"#   {e[:200]}" for e in f.evidence]
                out.append(f"[[finding]]\npath = {_toml_str(f.path)}\nline = {f.line}\ncode = \"{f.code}\"\n"
                           f"verdict = \"\"\nreason = \"\"")
    return "\n".join(out)


def as_json(results: list[RepoResult], repos: dict[str, Repo], consistency: dict[str, list[str]]) -> dict:
    def rules(r: RepoResult) -> dict:
        return {code: {**asdict(s), "precision": s.precision, "recall": s.recall} for code, s in sorted(r.rules.items())}

    return {
        "repositories": [{
            "name": r.name, "source": repos[r.name].source, "commit": repos[r.name].commit,
            "total": {**asdict(r.total()), "precision": r.total().precision, "recall": r.total().recall},
            "rules": rules(r),
            "findings": [{**asdict(f), "verdict": v} for f, v in r.verdicts],
            "lost": [asdict(label) for label in r.lost],
            "found_misses": [asdict(label) for label in r.found_misses],
            "misses": [asdict(label) for label in r.misses],
            "not_analysed": [f.path for f in r.not_analysed],
            "consistency": consistency.get(r.name, []),
        } for r in results],
        "failures": failures(results),
    }


def load_findings(path: Path) -> dict[str, list[Finding]]:
    """The findings of an earlier --json output, per repository."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {repo["name"]: [Finding(f["path"], f["line"], f["code"], f["confidence"], f["message"], tuple(f["evidence"]))
                           for f in repo["findings"]] for repo in data["repositories"]}


def before_after(before: list[RepoResult], after: list[RepoResult], markdown: bool) -> str:
    """Per-repository and per-rule tables of an earlier run next to this one. Both runs are scored
    with today's labels, so a change in the numbers is a change in the findings."""
    def cells(b: list[str], a: list[str]) -> list[str]:
        return [a[0]] + [x if x == y else f"{x} -> {y}" for x, y in zip(b[1:], a[1:])]

    out = []
    for title, b_rows, a_rows in zip(("Before -> after, per repository", "Before -> after, per rule"),
                                     tables(before), tables(after)):
        b_by_name = {row[0]: row for row in b_rows}
        empty = ["", "0", "0", "0", "0", "0", "-", "-"]
        names = [row[0] for row in a_rows] + [n for n in b_by_name if n not in {row[0] for row in a_rows}]
        a_by_name = {row[0]: row for row in a_rows}
        rows = [cells(b_by_name.get(n, [n, *empty[1:]]), a_by_name.get(n, [n, *empty[1:]])) for n in names]
        rows.sort(key=lambda row: row[0] == "total")
        out += [title, render(rows, markdown), ""]
    return "\n".join(out)


# ----------------------------------------------------------------------------- consistency

def _diff(a_name: str, a: list[Finding], b_name: str, b: list[Finding]) -> list[str]:
    def keys(fs: list[Finding]) -> dict[tuple[str, str, int, str], Finding]:
        return {(f.path, f.code, f.line, f.confidence): f for f in fs}

    ka, kb = keys(a), keys(b)
    out = [f"only in {a_name}: {p}:{line} {code} {conf}" for (p, code, line, conf) in sorted(ka.keys() - kb.keys())]
    out += [f"only in {b_name}: {p}:{line} {code} {conf}" for (p, code, line, conf) in sorted(kb.keys() - ka.keys())]
    return out


def consistency(repo: Repo, root: Path, whole: list[Finding], jobs: int | None) -> list[str]:
    """Differences between the default run and --no-prefilter, and between the package checked
    alone and the whole repository's findings inside the package (issue 16 requires none)."""
    out = _diff("default", whole, "--no-prefilter", run_llmlint(root, extra=("--no-prefilter",), jobs=jobs))
    if repo.package in ("", "."):
        return out  # a flat application (its folders import the root's modules): no folder runs alone
    prefix = repo.package.rstrip("/") + "/"
    inside = [f for f in whole if f.path.startswith(prefix)]
    out += _diff("whole repository", inside, f"{repo.package} alone", run_llmlint(root, target=repo.package, jobs=jobs))
    return out


# ----------------------------------------------------------------------------- main

# ----------------------------------------------------------------------------- fixes (issue 17)

FIX_RULES = ("LLM001", "LLM002", "LLM003", "LLM004", "LLM006", "LLM007")
NO_FIX = re.compile(r"\(no automatic fix: (.*)\)$")


def _fix_run(root: Path) -> tuple[list[dict], str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "fix", ".", "--unsafe-fixes", "--isolated", "--no-cache",
         "--output-format", "json", "--exit-zero"],
        cwd=root, env=env, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"llmlint fix failed on {root}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout or "[]"), proc.stderr


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.py") if p.is_file()}


def fix_outcome(result: RepoResult, root: Path) -> list[str]:
    """``llmlint fix --unsafe-fixes`` on a copy of the tree: how many TRUE findings of the rules
    that have codemods are gone afterwards (per file and rule: true findings before minus the
    findings of that rule left in that file beyond its false ones), whether every changed module
    compiles and binds its names before use, whether a second fix changes nothing, and why the
    rest have no fix (the reasons `fix` gives)."""
    sys.path.insert(0, str(PROJECT))
    from linter.binding_order import early_uses

    true: dict[tuple[str, str], int] = {}
    false: dict[tuple[str, str], int] = {}
    for f, verdict in result.verdicts:
        if f.code in FIX_RULES and verdict in ("true", "false"):
            (true if verdict == "true" else false).setdefault((f.path, f.code), 0)
            (true if verdict == "true" else false)[(f.path, f.code)] += 1
    if not true:
        return []
    with tempfile.TemporaryDirectory(prefix=f"ecosystem-fix-{result.name}-") as tmp:
        work = Path(tmp) / "tree"
        shutil.copytree(root, work, symlinks=True)
        before = _snapshot(work)
        remaining, _ = _fix_run(work)
        after = _snapshot(work)
        changed = sorted(p for p in after if after[p] != before.get(p))
        broken = []
        for p in changed:
            text = after[p].decode("utf-8", "replace")
            try:
                compile(text, p, "exec", dont_inherit=True)
            except SyntaxError as e:
                broken.append(f"{p}: does not compile ({e.msg})")
                continue
            broken += [f"{p}: `{u.name}` used at line {u.line} before line {u.bound_at}" for u in early_uses(text)
                       if not any(v.name == u.name for v in early_uses(before.get(p, b"").decode("utf-8", "replace")))]
        _fix_run(work)
        idempotent = _snapshot(work) == after
    left: dict[tuple[str, str], list[str]] = {}
    for d in remaining:
        path = Path(d["path"]).as_posix().removeprefix("./")
        m = NO_FIX.search(d["message"])
        left.setdefault((path, d["code"]), []).append(m.group(1) if m else "no reason given")
    per_rule: dict[str, list[int]] = {}
    reasons: list[str] = []
    for key, n in sorted(true.items()):
        still = max(0, len(left.get(key, [])) - false.get(key, 0))
        fixed = n - min(n, still)
        counts = per_rule.setdefault(key[1], [0, 0])
        counts[0] += n
        counts[1] += fixed
        if still:
            reasons.append(f"{key[0]} {key[1]}: {min(n, still)} not fixed: {left[key][0]}")
    lines = [f"{result.name}: " + ", ".join(f"{code} {f}/{n} fixed" for code, (n, f) in sorted(per_rule.items()))
             + f"; {len(changed)} file(s) written; " + ("every one compiles and binds its names" if not broken else
                                                        "BROKEN: " + "; ".join(broken))
             + ("; a second fix changes nothing" if idempotent else "; a SECOND FIX CHANGES FILES")]
    lines += [f"    {r}" for r in reasons]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", action="append", default=[], help="only this repository (repeatable)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    ap.add_argument("--markdown", action="store_true", help="tables as markdown")
    ap.add_argument("--consistency", action="store_true",
                    help="also run --no-prefilter and the package folder alone; print every finding that differs")
    ap.add_argument("--before", type=Path,
                    help="an earlier --json output: also print before -> after tables (both scored with today's labels)")
    ap.add_argument("--fixes", action="store_true",
                    help="also run `llmlint fix --unsafe-fixes` on a copy of each tree: true findings fixed per rule (issue 17)")
    ap.add_argument("--jobs", type=int, default=None, help="llmlint --jobs")
    ap.add_argument("--repos-file", type=Path, default=REPOS_FILE)
    ap.add_argument("--labels-dir", type=Path, default=LABELS_DIR)
    ap.add_argument("--mirrors", type=Path, default=MIRRORS, help="folder of bare mirrors <owner>+<name>[/repo]")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where the pinned trees are materialised")
    a = ap.parse_args(argv)

    repos = load_repos(a.repos_file)
    unknown = set(a.repo) - {r.name for r in repos}
    if unknown:
        ap.error(f"not in {a.repos_file}: {', '.join(sorted(unknown))}")
    chosen = [r for r in repos if not a.repo or r.name in a.repo]
    results: list[RepoResult] = []
    differences: dict[str, list[str]] = {}
    fixes: list[str] = []
    for repo in chosen:
        try:
            root = materialise(repo, a.cache, a.mirrors)
        except EcosystemError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        findings = run_llmlint(root, jobs=a.jobs)
        results.append(score(repo.name, findings, load_labels(a.labels_dir / f"{repo.name}.toml")))
        if a.consistency:
            differences[repo.name] = consistency(repo, root, findings, a.jobs)
        if a.fixes:
            fixes += fix_outcome(results[-1], root)
    print(report(results, a.markdown))
    if a.fixes:
        print("\nFixes (llmlint fix --unsafe-fixes on a copy; true findings of " + ", ".join(FIX_RULES) + ")")
        print("\n".join(f"  {line}" for line in fixes) or "  no true finding of those rules")
    if a.before:
        earlier = load_findings(a.before)
        before = [score(r.name, earlier.get(r.name, []), load_labels(a.labels_dir / f"{r.name}.toml")) for r in results]
        print("\n" + before_after(before, results, a.markdown))
    problems = failures(results)
    if a.consistency:
        print("\nConsistency (default vs --no-prefilter; package alone vs whole repository)")
        for name, diffs in differences.items():
            print(f"  {name}: " + ("same" if not diffs else f"{len(diffs)} difference(s)"))
            print("\n".join(f"    {d}" for d in diffs))
            if diffs:
                problems.append(f"{name}: {len(diffs)} consistency difference(s)")
    if a.json:
        a.json.write_text(json.dumps(as_json(results, {r.name: r for r in repos}, differences), indent=2) + "\n",
                          encoding="utf-8")
    if problems:
        print("\nFAIL: " + "; ".join(problems))
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
