"""The pipeline: discover -> prefilter + analyse (parallel) -> join -> rules -> suppress.

Files are analysed in worker processes; only facts come back. After the join, files that the
facts name but the byte scan skipped (a callback defined in a module that never mentions
litellm, a helper that makes the network call) are analysed on demand, a bounded number of
rounds, so the prefilter never loses a finding. The syntax of the files the byte scan rules
out (LLM000 only) is checked meanwhile, by one more process.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import time
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import AbstractSet, Iterable

from linter.analysis.catalog import CALLBACK_METHODS
from linter.analysis.facts import ClassFacts, FileFacts
from linter.analysis.source import Job, Scan, analyse, decode, paused_gc, read_source
from linter import cache_codec
from linter.cache import Cache, digest, facts_digest, racy, stat_signature
from linter.config import Config
from linter.diagnostics import Confidence, Diagnostic, confidence_at_least
from linter.discovery import Matcher, SourceFile, discover
from linter.moved import Moves, moves, remap
from linter.payloads import Payload
from linter.project import Func, ProjectIndex
from linter.rules import prefilter_pattern
from linter.suppression import is_suppressed, per_file_ignored

DEMAND_ROUNDS = 8
_SERIAL_BELOW = 16  # fewer candidate files than this: a process pool costs more than it saves
_IMPORT_STATEMENT = re.compile(rb"\b(?:from|import)[ \t]+(?:[\w., \t]*\([^)]*\)|[\w., \t]*)")
_WORD = re.compile(rb"\w+")


@dataclass
class Result:
    diagnostics: list[Diagnostic]
    files_checked: int
    files_parsed: int
    suppressed: int = 0
    internal_errors: list[str] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    index: ProjectIndex | None = None
    overrides: dict[str, str] = field(default_factory=dict)  # display path -> text linted instead of the file's
    digests: dict[str, bytes] = field(default_factory=dict)  # display path -> hash of the bytes analysed

    @cached_property
    def paths(self) -> dict[str, Path]:
        """Display path -> filesystem path."""
        return {sf.display: sf.path for sf in self.files}

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


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What a worker sends back for one file: facts, None (ruled out) or an internal error,
    the hash of the bytes it read (for the cache) and, for a file ruled out, the words of its
    imports (the demand rounds ask which files import a module: no second read)."""

    display: str
    digest: bytes | None
    result: FileFacts | None | str
    imported: frozenset[bytes] | None = None


_WORKER: Scan | None = None  # set once per worker process


def _init_worker(scan: Scan) -> None:
    global _WORKER
    _WORKER = scan
    # a worker lives for one round and makes trees and facts, which hold no cycles: the
    # collector's passes over them were 12% of its time
    gc.disable()


def _run_in_worker(job: Job) -> _Outcome:
    assert _WORKER is not None
    return _run(job, _WORKER)


def _run(job: Job, scan: Scan) -> _Outcome:
    data = None
    try:
        if job.text is None:
            try:
                data = read_source(job.path)
            except OSError:
                data = None  # analyse reports it
        result = analyse(job, scan, data)
    except Exception as e:  # an internal error must name the file, never kill the run
        return _Outcome(job.display, None, f"{job.display}: internal error: {type(e).__name__}: {e}")
    if data is None:
        return _Outcome(job.display, None, result)
    imported = frozenset(imported_words(data)) if result is None and not job.ruled_out else None
    return _Outcome(job.display, digest(data), result, imported)


class _Background:
    """Jobs run by one more process while the main process goes on (the syntax checks of the
    files the byte scan ruled out: the main process's joins and rules leave a core idle). A
    plain process and a pipe, not a pool: a pool's threads in the main process would make
    the next round's fork unsafe. Its answer is one message, sent when all is done."""

    def __init__(self, jobs: list[Job], scan: Scan) -> None:
        import multiprocessing

        self._jobs, self._scan = jobs, scan
        self._conn, child = multiprocessing.Pipe(duplex=False)
        self._proc = multiprocessing.Process(target=_background_main, args=(jobs, scan, child), daemon=True)
        self._proc.start()
        child.close()

    def outcomes(self) -> list[_Outcome]:
        try:
            got = self._conn.recv()
        except (EOFError, OSError):  # the process died: do its work here
            got = [_run(job, self._scan) for job in self._jobs]
        finally:
            self._conn.close()
            self._proc.join()
        return got


def _background_main(jobs: list[Job], scan: Scan, conn) -> None:  # type: ignore[no-untyped-def]
    try:
        os.nice(10)  # the rounds' workers first: this fills the time a core would idle
    except (AttributeError, OSError):
        pass
    with paused_gc():
        conn.send([_run(job, scan) for job in jobs])
    conn.close()


def analyse_all(jobs_list: list[Job], scan: Scan, jobs: int) -> list[_Outcome]:
    if jobs <= 1 or len(jobs_list) < _SERIAL_BELOW:
        return [_run(j, scan) for j in jobs_list]
    # small chunks: a few big files dominate, and a chunk that holds several of them would
    # leave the other core idle at the end; the catalogue and the prefilter (whose regexes
    # compile in the worker) go to each worker once, not with every file
    chunk = max(1, min(16, len(jobs_list) // (jobs * 32)))
    from concurrent.futures import ProcessPoolExecutor  # 20 ms of start-up that a cached rerun never needs

    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(scan,)) as pool:
        return list(pool.map(_run_in_worker, jobs_list, chunksize=chunk))


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


class _Analysis:
    """The facts of a run, grown round by round: byte-scanned files, then files on demand."""

    def __init__(
        self,
        files: list[SourceFile],
        config: Config,
        jobs: int,
        overrides: dict[str, str] | None = None,
        prefilter: bool = True,
        cache: Cache | None = None,
    ) -> None:
        self.files = files
        self.overrides = overrides or {}
        self.config = config
        self.jobs = jobs
        self.prefilter = prefilter
        self.cache = cache
        self.scan = _scan(config)
        self.by_module: dict[str, SourceFile] = {}
        for sf in files:
            self.by_module.setdefault(sf.module, sf)
        self.facts: list[FileFacts] = []
        self.errors: list[str] = []
        self.done: set[str] = set()  # display paths analysed (parsed or ruled out) with force
        self.chased_pairs: set[tuple[str, str]] = set()  # (module, name) whose importers were analysed
        # Every question the demand rounds asked of a file's bytes, and its answer: a rerun
        # whose edited files answer them all alike (and keep their facts) is this run again.
        self.questions: list[str] = []
        self.asked: dict[str, list[tuple[int, bool]]] = {}  # display path -> (question, answer)
        self._question_ids: dict[str, int] = {}
        self._imported: dict[str, frozenset[bytes]] = {}  # display path -> words of its imports (this run)
        self._index: ProjectIndex | None = None  # of ``facts`` as they are (None when they grew)
        self._unchecked: list[tuple[SourceFile, Signature | None]] = []  # ruled out, syntax pending
        self._syntax: _Background | None = None
        self.digests: dict[str, bytes] = {}  # display path -> hash of the bytes its facts are of
        self.findings: list[list[Diagnostic]] | None = None  # every rule's, on that index

    def index(self) -> ProjectIndex:
        """The project index of the facts so far, built once per round: the last round's
        index and its rules' findings are the final ones (no second join)."""
        if self._index is None:
            self._index = ProjectIndex(self.facts)
            self.findings = None
        return self._index

    def _record(self, sf: SourceFile, question: str, answer: bool) -> bool:
        qid = self._question_ids.get(question)
        if qid is None:
            qid = self._question_ids[question] = len(self.questions)
            self.questions.append(question)
        self.asked.setdefault(sf.display, []).append((qid, answer))
        return answer

    def analyse(self, sources: list[SourceFile], force: bool) -> list[FileFacts]:
        """Facts of ``sources`` (from the cache where it has them); internal errors collected."""
        out: list[FileFacts] = []
        work: list[SourceFile] = []
        sigs: dict[str, Signature | None] = {}
        for sf in sources:
            hit, facts = self._cached(sf, force, sigs)
            if hit:
                if facts is not None:
                    out.append(facts)
            else:
                work.append(sf)
        if self.jobs > 1 and len(work) >= _SERIAL_BELOW:  # biggest first: the last chunk should be a small one
            work.sort(key=lambda sf: -(sigs.get(sf.display) or (_size(sf),))[0])
        jobs = [make_job(sf, force, self.overrides) for sf in work]
        # the syntax of the files the byte scan rules out decides nothing but their LLM000:
        # checked later, beside the demand rounds, on the core the main process leaves idle
        defer = not force and self.jobs > 1 and len(work) >= _SERIAL_BELOW and self.scan.every_syntax and self.scan.tokens is not None
        scan = replace(self.scan, every_syntax=False) if defer else self.scan
        for sf, outcome in zip(work, analyse_all(jobs, scan, self.jobs)):
            if isinstance(outcome.result, str):
                self.errors.append(outcome.result)
                continue
            if outcome.result is not None:
                out.append(outcome.result)
                if outcome.digest is not None:
                    self.digests[sf.display] = outcome.digest
            elif outcome.imported is not None:
                self._imported[sf.display] = outcome.imported
            if defer and outcome.result is None:
                self._unchecked.append((sf, sigs.get(sf.display)))  # its cache entry waits for the verdict
                continue
            self._store(sf, force, sigs.get(sf.display), outcome)
        if defer and self._unchecked:
            checks = [replace(make_job(sf, False, self.overrides), ruled_out=True) for sf, _sig in self._unchecked]
            self._syntax = _Background(checks, self.scan)
        return out

    def check_syntax(self) -> None:
        """The verdicts of the deferred syntax checks: a file that does not parse joins the facts
        (and the index and the rules' findings are made again, with its LLM000)."""
        if self._syntax is None:
            return
        outcomes, self._syntax = self._syntax.outcomes(), None
        have = {f.path for f in self.facts}
        added = []
        for (sf, sig), outcome in zip(self._unchecked, outcomes):
            if isinstance(outcome.result, str):
                self.errors.append(outcome.result)
                continue
            self._store(sf, False, sig, outcome)
            if outcome.result is not None and sf.display not in have:
                added.append(outcome.result)
        self._unchecked = []
        if added:
            self._add(added)

    def _cached(self, sf: SourceFile, force: bool, sigs: dict) -> tuple[bool, FileFacts | None]:
        if self.cache is None or sf.display in self.overrides:
            return False, None
        e = self.cache.entry(sf.realpath, sf.path, sf.display, sf.module, sf.is_package)
        sigs[sf.display] = stat_signature(sf.path) if e is None else e.stat
        if e is None:
            return False, None
        if e.facts is not None:
            self.digests[sf.display] = e.digest
        if force:
            return e.facts is not None, e.facts
        if e.skipped:
            return True, None
        return (e.skipped is False and e.facts is not None), e.facts

    def _store(self, sf: SourceFile, force: bool, sig, outcome: _Outcome) -> None:
        if self.cache is None or sf.display in self.overrides or sig is None or outcome.digest is None:
            return
        e = self.cache.store(sf.realpath, sig, outcome.digest, sf.display, sf.module, sf.is_package)
        if not force:
            e.skipped = outcome.result is None
        imported = outcome.imported if outcome.imported is not None else self._imported.get(sf.display)
        if imported is not None:
            e.imported = imported
        facts = outcome.result
        if isinstance(facts, FileFacts):
            e.facts = facts

    def run(self, sources: list[SourceFile], force: bool) -> None:
        self._add(self.analyse(sources, force or not self.prefilter))
        if force or not self.prefilter:
            self.done |= {sf.display for sf in sources}

    def _add(self, facts: list[FileFacts]) -> None:
        self.facts += facts
        self._index = None  # the index and the rules' findings are made again
        # in path order, as the final index has them: which of two files that claim the same
        # module name wins must not depend on which came from the cache
        self.facts.sort(key=lambda f: f.path)
        self.done |= {f.path for f in facts}

    def demanded(self) -> list[SourceFile]:
        """Project modules that the facts name (callback targets, bases, locks, called helpers)."""
        wanted: dict[str, SourceFile] = {}
        parsed = {f.module: f for f in self.facts}
        for name in _demanded_modules(self.facts):
            for _ in range(5):  # follow re-exports (``from .base import Logger`` in __init__)
                sf, rest = self._module_of(name)
                if sf is None:
                    break
                if sf.display not in self.done:
                    wanted[sf.display] = sf
                    break
                facts = parsed.get(sf.module)
                head, _, tail = rest.partition(".")
                target = facts.imports.get(head) if facts is not None and head else None
                if not target or target == name:
                    break
                name = f"{target}.{tail}" if tail else target
        return list(wanted.values())

    def _module_of(self, name: str) -> tuple[SourceFile | None, str]:
        for mod in _module_candidates(name):
            sf = self.by_module.get(mod)
            if sf is not None:
                return sf, name[len(mod) + 1 :]
        return None, ""

    def readers(self) -> list[SourceFile]:
        """Skipped files that mention storage written by a callback (possible readers)."""
        storage = self.index().callback_storage()
        if not storage:
            return []
        names = sorted({q.rsplit(".", 1)[-1] for q in storage})
        return self.mentioning(names)

    def mentioning(self, names: list[str]) -> list[SourceFile]:
        """Files not analysed yet whose bytes mention one of ``names`` as a word."""
        source = rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b"
        pattern = re.compile(source)
        out = []
        for sf in self.files:
            if sf.display in self.done:
                continue
            if sf.display in self.overrides:
                found = pattern.search(self.overrides[sf.display].encode("utf-8", "surrogatepass")) is not None
            else:
                found = self._mentions(sf, source, pattern)
            if found:
                out.append(sf)
        return out

    def _mentions(self, sf: SourceFile, source: bytes, pattern: re.Pattern[bytes]) -> bool:
        question = "mentions " + source.decode("latin-1")
        e = None
        if self.cache is not None:
            e = self.cache.entry(sf.realpath, sf.path, sf.display, sf.module, sf.is_package)
            if e is not None and source in e.mentions:
                return self._record(sf, question, e.mentions[source])
        try:
            data = read_source(sf.path)
        except OSError:
            return self._record(sf, question, False)
        found = pattern.search(data) is not None
        if e is not None and e.digest == digest(data):
            e.mentions[source] = found
            self.cache.dirty = True  # type: ignore[union-attr]
        return self._record(sf, question, found)

    def importers(self) -> list[SourceFile]:
        """Skipped files that may hold the concurrency evidence of a finding graded low (a web
        handler or thread pool that calls it, or start-up code that makes it one-time): files
        that import the module of a function on the finding's call path and mention that
        function's name (or its class's, for a method: a constructor call names the class)."""
        index = self.index()
        self.findings = [list(rule.check(index)) for rule in self.config.rules]
        pairs = {
            (func.file.module.rsplit(".", 1)[-1], name)
            for func in _calling_functions(index, _needing_evidence(index, self.findings))
            if not func.file.is_test and not func.facts.one_time_scope
            for name in (func.facts.qualname.rsplit(".", 1)[-1], func.facts.class_name.rsplit(".", 1)[-1])
            if name and not name.startswith(("<", "__"))  # a constructor call names the class
        }
        # a subclass inherits the methods (``AgentOps(OpenTelemetry)``): its constructor calls too
        classes = {n for _, n in pairs}
        pairs |= {
            (f.module.rsplit(".", 1)[-1], klass.name.rsplit(".", 1)[-1])
            for f in self.facts
            if not f.is_test
            for klass in f.classes.values()
            if any(b.name.rsplit(".", 1)[-1] in classes for b in klass.bases)
        }
        # a standard-library name (``os``, ``threading``) is imported by nearly every file
        pairs = {(m, n) for m, n in pairs if m not in sys.stdlib_module_names} - self.chased_pairs
        if not pairs:
            return []
        self.chased_pairs |= pairs
        question = "imports " + " ".join(sorted(f"{m}:{n}" for m, n in pairs))
        wanted = _wanted(question)
        return [sf for sf in self.files if sf.display not in self.done and self._imports_and_mentions(sf, wanted, question)]

    def _imports_and_mentions(self, sf: SourceFile, wanted: dict[bytes, set[bytes]], question: str) -> bool:
        imported = self._imported.get(sf.display)
        e = None
        if imported is None and self.cache is not None and sf.display not in self.overrides:
            e = self.cache.entry(sf.realpath, sf.path, sf.display, sf.module, sf.is_package)
            if e is not None and e.imported is not None:
                imported = self._imported[sf.display] = e.imported
        if imported is not None and not imported & wanted.keys():
            return self._record(sf, question, False)  # the usual answer, without reading the file again
        if sf.display in self.overrides:
            data = self.overrides[sf.display].encode("utf-8", "surrogatepass")
        else:
            try:
                data = read_source(sf.path)
            except OSError:
                return self._record(sf, question, False)
        if imported is None:
            imported = self._imported[sf.display] = frozenset(imported_words(data))
            if e is not None and e.digest == digest(data):
                e.imported = imported
                self.cache.dirty = True  # type: ignore[union-attr]
        return self._record(sf, question, imports_and_mentions(data, wanted, imported))


def _wanted(question: str) -> dict[bytes, set[bytes]]:
    """An "imports" question's module -> names an importer must mention."""
    wanted: dict[bytes, set[bytes]] = {}
    for pair in question.split(" ")[1:]:
        m, _, n = pair.partition(":")
        wanted.setdefault(m.encode(), set()).add(n.encode())
    return wanted


def imported_words(data: bytes) -> set[bytes]:
    """The words of a source's import statements."""
    return {w for stmt in _IMPORT_STATEMENT.findall(data) for w in _WORD.findall(stmt)}


def imports_and_mentions(data: bytes, wanted: dict[bytes, set[bytes]], imported: AbstractSet[bytes] | None = None) -> bool:
    """The source imports one of the modules and mentions one of its names as a word."""
    imported = imported_words(data) if imported is None else imported
    names = {n for m in imported & wanted.keys() for n in wanted[m] if n in data}
    return any(re.search(rb"\b" + re.escape(n) + rb"\b", data) for n in names)


def answer(question: str, data: bytes) -> bool:
    """A recorded demand-round question, asked again of a file's bytes."""
    kind, _, arg = question.partition(" ")
    if kind == "mentions":
        return re.search(arg.encode("latin-1"), data) is not None
    return imports_and_mentions(data, _wanted(question))


def _needing_evidence(index: ProjectIndex, findings: list[list[Diagnostic]]) -> set[str]:
    """Functions whose findings (every rule's, on ``index``) lack concurrency evidence
    (graded low), functions holding a lock region or a client-config write with no concurrent
    caller known, and methods that register callbacks (their class may be built per request
    elsewhere)."""
    out: set[str] = set()
    for found in findings:
        for d in found:
            if d.confidence is not Confidence.LOW or d.code == "LLM000":
                continue
            fid = d.payload.function if isinstance(d.payload, Payload) else None
            if fid in index.functions:
                out.add(fid)
            else:
                out |= {i for i, func in index.functions.items() if func.file.path == d.path}
    for i, func in index.functions.items():
        fn = func.facts
        if fn.registrations and fn.class_name:
            out.add(i)
        elif (fn.config_writes or any(r.yields for r in fn.regions)) and not index.one_time(func) and index.concurrency_evidence(func) is None:
            # a hazard candidate whose callers decide: a client-config write, or a ``with lock:
            # yield`` helper (the finding is at the ``with helper():`` of a caller); any other
            # region's hazard is its own (a network call inside), already a finding above
            out.add(i)
    return out


def _calling_functions(index: ProjectIndex, start: set[str]) -> list[Func]:
    """``start`` and every function that calls one of them, directly or through others."""
    todo = list(start)
    seen = set(todo)
    while todo:
        for caller, _call in index.callers.get(todo.pop(), []):
            if caller.id not in seen:
                seen.add(caller.id)
                todo.append(caller.id)
    return [index.functions[i] for i in seen if i in index.functions]


def _size(sf: SourceFile) -> int:
    try:
        return os.stat(sf.fspath).st_size
    except OSError:
        return 0


def make_job(sf: SourceFile, force: bool, overrides: dict[str, str]) -> Job:
    return Job(str(sf.path), sf.display, sf.module, sf.is_package, force, overrides.get(sf.display))


def collect_facts(analysis: _Analysis) -> list[FileFacts]:
    analysis.run(analysis.files, force=False)
    for _ in range(DEMAND_ROUNDS):
        named = analysis.demanded()
        for _ in range(DEMAND_ROUNDS):  # a few modules that facts name: analysed at once, before
            if not named or len(named) >= _SERIAL_BELOW:  # the rules run for the other kinds
                break
            analysis.run(named, force=True)
            named = analysis.demanded()
        # every kind of demand in each round: a round spent on one kind must not starve another
        more = {sf.display: sf for sf in named + analysis.readers() + analysis.importers()}
        if not more:
            break
        analysis.run(list(more.values()), force=True)
    analysis.check_syntax()
    return sorted(analysis.facts, key=lambda f: f.path)


def run_rules(index: ProjectIndex, config: Config, findings: list[list[Diagnostic]] | None = None) -> tuple[list[Diagnostic], int]:
    """Every enabled rule (``findings``: their output on ``index`` already), minus suppressed
    and below-threshold findings, sorted."""
    by_path = {f.path: f for f in index.files}
    out: list[Diagnostic] = []
    suppressed = 0
    for found in findings if findings is not None else (rule.check(index) for rule in config.rules):
        for diag in found:
            if diag.code != "LLM000" and not confidence_at_least(diag.confidence, config.min_confidence):
                continue
            if is_suppressed(diag, by_path.get(diag.path)) or per_file_ignored(diag, config.per_file_ignores):
                suppressed += 1
                continue
            out.append(diag)
    out.sort(key=Diagnostic.sort_key)
    return out, suppressed


def check_files(
    files: list[SourceFile],
    config: Config,
    jobs: int | None = None,
    overrides: dict[str, str] | None = None,
    prefilter: bool = True,
    need_index: bool = True,
) -> Result:
    """Lint ``files``; ``overrides`` maps display paths to source text to use instead of the
    file's (how ``fix`` re-lints a rewrite before writing it). ``prefilter=False`` parses every
    file (slow; it exists to prove the prefilter loses nothing). Facts come from and go to
    ``config.cache_dir`` when it is set; without ``need_index`` a rerun over an unchanged tree
    returns the stored findings (``Result.index`` is then None)."""
    jobs = jobs or os.cpu_count() or 1
    cache = open_cache(config, prefilter)
    keyed = cache is not None and not overrides and not need_index
    sigs = _signatures(files) if keyed else None
    run_key = _run_key(files, config, sigs) if sigs is not None else None
    if keyed:
        stored = _stored(cache, run_key) if run_key is not None else None  # type: ignore[arg-type]
        if stored is None and prefilter:
            try:
                stored = _same_facts_result(files, config, cache)  # type: ignore[arg-type]
            except (TypeError, ValueError, IndexError, KeyError):  # a spoiled tree record is a miss
                stored = None
        if stored is not None:
            diagnostics, parsed, suppressed = stored
            return Result(list(diagnostics), len(files), parsed, suppressed, [], files, None)
    analysis = _Analysis(files, config, jobs, overrides, prefilter, cache)
    with paused_gc(freeze=True):  # facts, indexes and findings: millions of objects, no cycles
        facts = collect_facts(analysis)
        index = analysis.index()
        diagnostics, suppressed = run_rules(index, config, analysis.findings)
    parsed = sum(1 for f in facts if f.parsed)
    if cache is not None:
        cache.save()
        if keyed and run_key is None:
            sigs = _settled_signatures(files, cache)
            run_key = _run_key(files, config, sigs) if sigs is not None else None
        if run_key is not None and sigs is not None and not analysis.errors:
            cache.store_result(run_key, (tuple(diagnostics), parsed, suppressed))
            cache.store_tree(run_key, _report_settings(config), analysis.questions, _tree_files(files, sigs, cache, analysis))
    return Result(diagnostics, len(files), parsed, suppressed, analysis.errors, files, index, overrides or {}, analysis.digests)


_MAX_EDITED = 32  # edited files re-analysed, one by one, to look for an unchanged-facts rerun

Signature = tuple[int, int, int, int]


def _stored(cache: Cache, run_key: bytes) -> tuple | None:
    stored = cache.result(run_key)
    return stored if isinstance(stored, tuple) and len(stored) == 3 else None


def _same_facts_result(files: list[SourceFile], config: Config, cache: Cache) -> tuple | None:
    """The stored outcome of the last run, when every file edited since then would have gone
    through that run alike: the same prefilter verdict, the same facts, and the same answer to
    every question the demand rounds asked of its bytes. The run is a deterministic function
    of those (the rules are pure functions of the facts and the settings), so its findings are
    this tree's. An edit to a file no rule needs, or a comment or docstring edited in one that
    keeps its facts, reuses them; an edit that only moves facts (lines inserted above them)
    reuses them with its positions mapped (``linter.moved``); a file added, removed or renamed
    is a full run."""
    tree = cache.tree()
    if tree is None or tree.get("settings") != _report_settings(config) or len(tree["files"]) != len(files):
        return None
    sigs: list[Signature] = []
    edited: list[tuple[SourceFile, list]] = []
    for sf, record in zip(files, tree["files"]):
        current = stat_signature(sf.fspath)
        if current is None or tuple(record[:3]) != (sf.display, sf.module, sf.is_package):
            return None
        if current != tuple(record[3]):
            if len(edited) == _MAX_EDITED:
                return None
            edited.append((sf, record))
        sigs.append(current)
    stored = _stored(cache, tree["key"])
    if not edited or stored is None:
        return None
    scan = _scan(config)
    moved: list[Moves] = []
    for sf, (_d, _m, _p, _sig, skipped, facts_hash, asked) in edited:
        alike = _goes_alike(sf, skipped, facts_hash, asked, tree["questions"], scan, cache)
        if alike is None:
            return None
        if alike is not _SAME:
            moved.append(alike)
    if moved:
        diagnostics = remap(list(stored[0]), moved)
        if diagnostics is None:
            return None
        stored = (tuple(diagnostics), *stored[1:])
    run_key = _run_key(files, config, sigs)
    if run_key is not None:  # no file modified in the last 2 s: the next rerun is a plain hit
        cache.store_result(run_key, stored)
        if not moved:  # else the tree stays the last full run's: later edits are mapped from it
            cache.store_tree(run_key, _report_settings(config), tree["questions"],
                             [[*record[:3], list(sig), *record[4:]] for record, sig in zip(tree["files"], sigs)])
    return stored


_SAME = Moves("", {})  # an edited file whose facts did not change at all


def _goes_alike(sf: SourceFile, skipped: object, facts_hash: object, asked: list, questions: list[str], scan: Scan, cache: Cache) -> Moves | None:
    """How an edited file's positions moved (``_SAME``: not at all) when it gives the recorded
    run's verdict, facts but for positions, and answers; None when it does not."""
    if skipped not in (True, False):
        return None
    first = _run(make_job(sf, False, {}), scan)
    if skipped is False:
        alike = _alike_facts(first, facts_hash, sf, cache)
    elif first.result is not None:
        return None
    elif isinstance(facts_hash, bytes):  # parsed on demand in a later round
        alike = _alike_facts(_run(make_job(sf, True, {}), scan), facts_hash, sf, cache)
    else:
        alike = _SAME
    if alike is None or not asked:
        return alike
    try:
        data = read_source(sf.fspath)
    except OSError:
        return None
    return alike if digest(data) == first.digest and all(answer(questions[q], data) == a for q, a in asked) else None


def _alike_facts(outcome: _Outcome, facts_hash: object, sf: SourceFile, cache: Cache) -> Moves | None:
    """``_SAME`` when the facts hash to the recorded ones, their position map from the recorded
    facts (still in the file's cache entry) when only positions differ, else None."""
    if not isinstance(outcome.result, FileFacts):
        return None
    if facts_digest(cache_codec.dumps(outcome.result).decode()) == facts_hash:
        return _SAME
    e = cache.entries.get(sf.realpath)
    raw = e.facts_json() if e is not None else None
    if raw is None or facts_digest(raw) != facts_hash:
        return None
    try:
        old = cache_codec.loads(raw.encode())
    except (cache_codec.CodecError, ValueError, TypeError):
        return None
    return moves(old, outcome.result) if isinstance(old, FileFacts) else None


def _scan(config: Config) -> Scan:
    return Scan(config.catalog, prefilter_pattern(config.rules, config.catalog.extra_tokens()), config.syntax_check != "analysed")


def _tree_files(files: list[SourceFile], sigs: list[Signature], cache: Cache, analysis: _Analysis) -> list[list]:
    """Per file: identity, the stat signature the run saw, its prefilter verdict, the hash of
    its facts and the demand rounds' questions and answers (verdict and facts only when its
    cache entry is for those bytes)."""
    out = []
    for sf, sig in zip(files, sigs):
        e = cache.entries.get(sf.realpath)
        known = e is not None and e.stat == sig
        raw = e.facts_json() if known else None  # type: ignore[union-attr]
        out.append([sf.display, sf.module, sf.is_package, list(sig), e.skipped if known else None,  # type: ignore[union-attr]
                    facts_digest(raw) if raw is not None else None,
                    [list(qa) for qa in analysis.asked.get(sf.display, ())]])
    return out


def _settled_signatures(files: list[SourceFile], cache: Cache) -> list[Signature] | None:
    """The stat signatures after a run that began with a file modified in the last 2 s (just
    saved by an editor, or by pre-commit's stash): now that its stat vouches for its bytes,
    the result is stored when the bytes are still those that were analysed (as git settles a
    racy index entry), so the next rerun is a stored one, not a full join."""
    sigs = _signatures(files)
    if sigs is None:
        return None
    for sf, sig in zip(files, sigs):
        e = cache.entries.get(sf.realpath)
        if e is None or e.stat == sig:
            continue  # an entry whose stat matches was hashed when stored
        try:
            if digest(read_source(sf.fspath)) != e.digest:
                return None
        except OSError:
            return None
    return sigs


def _signatures(files: list[SourceFile]) -> list[Signature] | None:
    """Every file's stat signature (None when a file is gone)."""
    sigs = []
    for sf in files:
        sig = stat_signature(sf.fspath)
        if sig is None:
            return None
        sigs.append(sig)
    return sigs


def _report_settings(config: Config) -> str:
    """The settings that shape the report but not the facts (those key the cache file)."""
    return repr((sorted(config.codes), config.min_confidence, config.per_file_ignores, str(config.root)))


def _run_key(files: list[SourceFile], config: Config, sigs: list[Signature]) -> bytes | None:
    """Every file's identity and stat signature, and the settings that shape the report; None
    when a file was modified in the last 2 s (its stat does not vouch for its bytes yet)."""
    now = time.time_ns()
    if any(racy(sig, now) for sig in sigs):
        return None
    parts = [_report_settings(config)]
    for sf, sig in zip(files, sigs):
        parts.append(f"{sf.display}\0{sf.module}\0{sf.is_package}\0{sig[0]},{sig[1]},{sig[2]},{sig[3]}")
    return digest("\n".join(parts).encode("utf-8", "surrogatepass"))


def open_cache(config: Config, prefilter: bool = True) -> Cache | None:
    """The facts cache for these settings (everything that changes facts or verdicts)."""
    if config.cache_dir is None:
        return None
    catalog = tuple(
        (f.name, sorted(v.items()) if isinstance(v, dict) else sorted(v) if isinstance(v, (set, frozenset)) else v)
        for f in fields(config.catalog)
        for v in [getattr(config.catalog, f.name)]
    )
    settings = repr((sorted(config.codes), catalog, prefilter, config.syntax_check))
    return Cache(config.cache_dir, settings)


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
    prefilter: bool = True,
) -> Result:
    return check_files(discover_files(paths, config, cwd, force_exclude), config, jobs, prefilter=prefilter)
