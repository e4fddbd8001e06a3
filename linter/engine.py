"""The pipeline: discover -> prefilter + analyse (parallel) -> join -> rules -> suppress.

Files are analysed in worker processes; only facts come back. After the join, files that the
facts name but the byte scan skipped (a callback defined in a module that never mentions
litellm, a helper that makes the network call) are analysed on demand, a bounded number of
rounds, so the prefilter never loses a finding.
"""

from __future__ import annotations

import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from linter.analysis.catalog import CALLBACK_METHODS, Catalog
from linter.analysis.facts import ClassFacts, FileFacts
from linter.analysis.source import Job, analyse, decode, read_source
from linter.config import Config
from linter.diagnostics import Diagnostic, confidence_at_least
from linter.discovery import Matcher, SourceFile, discover
from linter.project import Func, ProjectIndex
from linter.rules import prefilter_pattern
from linter.suppression import is_suppressed, per_file_ignored

DEMAND_ROUNDS = 4
_SERIAL_BELOW = 16  # fewer candidate files than this: a process pool costs more than it saves


@dataclass
class Result:
    diagnostics: list[Diagnostic]
    files_checked: int
    files_parsed: int
    suppressed: int = 0
    internal_errors: list[str] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)  # display path -> filesystem path
    index: ProjectIndex | None = None
    overrides: dict[str, str] = field(default_factory=dict)  # display path -> text linted instead of the file's

    def source_lines(self) -> dict[str, list[str]]:
        """Lines of the files that have findings (for formats that show the source)."""
        out: dict[str, list[str]] = {}
        for display in {d.path for d in self.diagnostics}:
            if display in self.overrides:
                out[display] = self.overrides[display].splitlines()
                continue
            try:
                out[display] = decode(read_source(self.paths[display])).splitlines()
            except (OSError, UnicodeError, LookupError, KeyError):
                out[display] = []
        return out


def _run(args: tuple[Job, Catalog, re.Pattern[bytes] | None]) -> FileFacts | None | str:
    job, catalog, tokens = args
    try:
        return analyse(job, catalog, tokens)
    except Exception as e:  # an internal error must name the file, never kill the run
        return f"{job.display}: internal error: {type(e).__name__}: {e}"


def analyse_all(
    jobs_list: list[Job], catalog: Catalog, tokens: re.Pattern[bytes] | None, jobs: int
) -> tuple[list[FileFacts], list[str]]:
    work = [(j, catalog, tokens) for j in jobs_list]
    if jobs <= 1 or len(work) < _SERIAL_BELOW:
        results = [_run(w) for w in work]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run, work, chunksize=max(1, len(work) // (jobs * 8))))
    facts = [r for r in results if isinstance(r, FileFacts)]
    errors = [r for r in results if isinstance(r, str)]
    return facts, errors


def _demanded_modules(facts: Iterable[FileFacts]) -> set[str]:
    """Qualified names that facts refer to (callback targets, called functions, locks)."""
    names: set[str] = set()
    for f in facts:
        for fn in f.functions.values():
            for reg in fn.registrations:
                names.update(r.name.removesuffix("()") for r in reg.targets if r.kind == "name")
            for region in fn.regions:
                if region.lock.kind == "name":
                    names.add(region.lock.name)
            # helpers called under a lock, or on the flow of a function that sets module state
            # for its request (LLM008 readers), may live in files the byte scan skipped
            state = [a.target for a in fn.writes if a.how == "rebind" or (a.how == "item" and a.key)]
            sets_state = bool(state)
            names.update(state)  # the module that defines the state
            for call in fn.calls:
                if (call.regions or sets_state) and call.callee.kind == "name":
                    names.add(call.callee.name)
        for klass in f.classes.values():
            # bases matter for CustomLogger detection and for locks/methods inherited by
            # classes that hold a lock or register callbacks; other hierarchies are not chased
            if _class_needs_bases(f, klass):
                names.update(b.name for b in klass.bases if b.kind == "name")
    return names


def _class_needs_bases(f: FileFacts, klass: ClassFacts) -> bool:
    if set(klass.methods) & CALLBACK_METHODS:
        return True
    for name in klass.methods:
        fn = f.functions.get(f"{klass.name}.{name}")
        if fn is not None and (fn.regions or fn.registrations):
            return True
    return False


def _module_candidates(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _mentions(path: Path, pattern: re.Pattern[bytes]) -> bool:
    try:
        return pattern.search(read_source(path)) is not None
    except OSError:
        return False


class _Analysis:
    """The facts of a run, grown round by round: byte-scanned files, then files on demand."""

    def __init__(
        self, files: list[SourceFile], config: Config, jobs: int, overrides: dict[str, str] | None = None
    ) -> None:
        self.files = files
        self.overrides = overrides or {}
        self.config = config
        self.jobs = jobs
        self.tokens = prefilter_pattern(config.rules, config.catalog.extra_tokens())
        self.by_module: dict[str, SourceFile] = {}
        for sf in files:
            self.by_module.setdefault(sf.module, sf)
        self.facts: list[FileFacts] = []
        self.errors: list[str] = []
        self.done: set[str] = set()  # display paths analysed (parsed or ruled out) with force
        self.chased: set[str] = set()  # files analysed because they import a hazard's module
        self.chased_modules: set[str] = set()

    def run(self, sources: list[SourceFile], force: bool) -> None:
        work = [make_job(sf, force, False, self.overrides) for sf in sources]
        facts, errors = analyse_all(work, self.config.catalog, self.tokens, self.jobs)
        self.facts += facts
        self.errors += errors
        self.done |= {f.path for f in facts}
        if force:
            self.done |= {sf.display for sf in sources}

    def demanded(self) -> list[SourceFile]:
        """Project modules that the facts name (callback targets, bases, locks, called helpers)."""
        wanted: dict[str, SourceFile] = {}
        for name in _demanded_modules(self.facts):
            for mod in _module_candidates(name):
                sf = self.by_module.get(mod)
                if sf is not None:
                    if sf.display not in self.done:
                        wanted[sf.display] = sf
                    break
        return list(wanted.values())

    def readers(self) -> list[SourceFile]:
        """Skipped files that mention storage written by a callback (possible readers)."""
        storage = ProjectIndex(self.facts).callback_storage()
        if not storage:
            return []
        names = sorted({q.rsplit(".", 1)[-1] for q in storage})
        pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b")
        return [
            sf
            for sf in self.files
            if sf.display not in self.done
            and (pattern.search(self.overrides[sf.display].encode()) if sf.display in self.overrides else _mentions(sf.path, pattern))
        ]


    def importers(self) -> list[SourceFile]:
        """Skipped files that import a module holding a hazard candidate (a lock, a client-config
        write, a registration): they may be the web handler or thread pool that makes it
        concurrent, which rules need as evidence."""
        index = ProjectIndex(self.facts)
        needing = [f for f in self.facts if f.parsed and not f.is_test and _needs_evidence(index, f)]
        if not needing:
            return []
        # up the import chain, one level per round: the handler may import the module that
        # imports the hazard's module
        modules = {f.module.rsplit(".", 1)[-1] for f in needing}
        modules |= {f.module.rsplit(".", 1)[-1] for f in self.facts if f.path in self.chased}
        # a standard-library name (``os``, ``threading``) is imported by nearly every file
        modules -= self.chased_modules | sys.stdlib_module_names
        if not modules:
            return []
        self.chased_modules |= modules
        names = b"|".join(re.escape(m.encode()) for m in sorted(modules))
        pattern = re.compile(rb"(?:from|import)[ \t]+[\w., \t]*\b(?:" + names + rb")\b")
        out = [
            sf
            for sf in self.files
            if sf.display not in self.done
            and (pattern.search(self.overrides[sf.display].encode()) if sf.display in self.overrides else _mentions(sf.path, pattern))
        ]
        self.chased |= {sf.display for sf in out}
        return out


def _needs_evidence(index: ProjectIndex, f: FileFacts) -> bool:
    """The file holds a candidate hazard whose concurrency evidence is not known yet: a lock
    region or a client-config write outside start-up code with no concurrent caller found, or a
    method that registers callbacks (its class may be built per request elsewhere)."""
    for fn in f.functions.values():
        if fn.registrations and fn.class_name:
            return True
        if not (fn.regions or fn.config_writes):
            continue
        func = Func(f, fn)
        if not index.one_time(func) and index.concurrency_evidence(func) is None:
            return True
    return False


def make_job(sf: SourceFile, force: bool, positions: bool, overrides: dict[str, str]) -> Job:
    return Job(str(sf.path), sf.display, sf.module, sf.is_package, force, positions, overrides.get(sf.display))


def collect_facts(
    files: list[SourceFile], config: Config, jobs: int, overrides: dict[str, str] | None = None
) -> tuple[list[FileFacts], list[str]]:
    analysis = _Analysis(files, config, jobs, overrides)
    analysis.run(files, force=False)
    for _ in range(DEMAND_ROUNDS):
        more = analysis.demanded() or analysis.readers() or analysis.importers()
        if not more:
            break
        analysis.run(more, force=True)
    return sorted(analysis.facts, key=lambda f: f.path), analysis.errors


def run_rules(index: ProjectIndex, config: Config) -> tuple[list[Diagnostic], int]:
    """Every enabled rule, minus suppressed and below-threshold findings, sorted."""
    by_path = {f.path: f for f in index.files}
    out: list[Diagnostic] = []
    suppressed = 0
    for rule in config.rules:
        for diag in rule.check(index):
            if diag.code != "LLM000" and not confidence_at_least(diag.confidence, config.min_confidence):
                continue
            if is_suppressed(diag, by_path.get(diag.path)) or per_file_ignored(diag, config.per_file_ignores):
                suppressed += 1
                continue
            out.append(diag)
    out.sort(key=Diagnostic.sort_key)
    return out, suppressed


def _with_positions(
    facts: list[FileFacts],
    paths: set[str],
    files: list[SourceFile],
    config: Config,
    jobs: int,
    overrides: dict[str, str],
) -> tuple[list[FileFacts], list[str]]:
    """Re-analyse the cited files with spans (the analysis is deterministic, so the facts are
    the same but for their positions) and put them in place of the span-less ones."""
    sources = [sf for sf in files if sf.display in paths]
    work = [make_job(sf, True, True, overrides) for sf in sources]
    positioned, errors = analyse_all(work, config.catalog, None, jobs)
    by_path = {f.path: f for f in positioned}
    return sorted((by_path.get(f.path, f) for f in facts), key=lambda f: f.path), errors


def check_files(
    files: list[SourceFile], config: Config, jobs: int | None = None, overrides: dict[str, str] | None = None
) -> Result:
    """Lint ``files``; ``overrides`` maps display paths to source text to use instead of the
    file's (how ``fix`` re-lints a rewrite before writing it)."""
    jobs = jobs or os.cpu_count() or 1
    overrides = overrides or {}
    facts, errors = collect_facts(files, config, jobs, overrides)
    index = ProjectIndex(facts)
    diagnostics, suppressed = run_rules(index, config)
    cited = ({d.path for d in diagnostics} | index.cited) & {f.path for f in facts if f.parsed and not f.positioned}
    if cited:
        facts, more_errors = _with_positions(facts, cited, files, config, jobs, overrides)
        errors += more_errors
        index = ProjectIndex(facts)
        diagnostics, suppressed = run_rules(index, config)
    parsed = sum(1 for f in facts if f.parsed)
    paths = {sf.display: sf.path for sf in files}
    return Result(diagnostics, len(files), parsed, suppressed, errors, paths, index, overrides)


def discover_files(paths: list[str], config: Config, cwd: Path | None = None, force_exclude: bool = False) -> list[SourceFile]:
    cwd = (cwd or Path.cwd()).resolve()
    matcher = Matcher(config.root, config.exclude, config.respect_gitignore)
    return discover(paths, matcher, cwd, force_exclude)


def check_paths(
    paths: list[str],
    config: Config,
    jobs: int | None = None,
    cwd: Path | None = None,
    force_exclude: bool = False,
) -> Result:
    return check_files(discover_files(paths, config, cwd, force_exclude), config, jobs)
