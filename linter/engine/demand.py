"""The demand rounds: analyse -> index -> the union of the rules' needs -> analyse those -> repeat.

Files are analysed in worker processes; only facts come back. After the join, files that the
rules' needs name but the byte scan skipped (a callback defined in a module that never mentions
litellm, a helper that makes the network call) are analysed on demand, a bounded number of
rounds, so the prefilter never loses a finding. The syntax of the files the byte scan rules
out is checked meanwhile, by one more process.

This module knows no rule: it asks every rule's ``definitions`` and ``needs`` (``linter.demands``) and turns
the demands into files: a qualified name into the module defining it, words into the files that
mention them, a function into the files that may call it. Every question asked of a file's
bytes is recorded with its answer, for the rerun (``linter.engine.rerun``).
"""

from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import replace
from typing import Iterable

from linter.analysis.catalog import duck_method
from linter.analysis.facts import FileFacts
from linter.analysis.source import Job, is_test_path, read_source
from linter.cache import Cache, Entry, digest, stat_signature
from linter.config import Config
from linter.demands import Callers, Definition, Demand, Importers, ImportsAndMentions, ImportsFrom, Mentions, MentionsWord, Question, imported_words
from linter.discovery import SourceFile
from linter.engine.workers import SERIAL_BELOW, Background, Outcome, Workers, file_size, make_job, scan_of
from linter.model.resolution import namespace_names
from linter.project import Func, ProjectIndex, Where

DEMAND_ROUNDS = 8
_GATED_WORDS = 64  # a question of more words is asked of the regex alone (a look per word costs more)

Signature = tuple[int, int, int, int]


class Analysis:
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
        self.scan = scan_of(config)
        self.definers = [rule.definitions for rule in config.demanding if rule.definitions is not None]
        self.needs = [rule.needs for rule in config.demanding if rule.needs is not None]
        self.by_module: dict[str, SourceFile] = {}
        for sf in files:
            self.by_module.setdefault(sf.module, sf)
        for sf in files:  # after every real name, as the index does (``Resolution``)
            for alias in namespace_names(sf.display, sf.module, sf.is_package):
                self.by_module.setdefault(alias, sf)
        # where the model's import roots climb (parsed or not: the byte scan must not move a root)
        self.package_folders = frozenset(posixpath.dirname(sf.display.replace("\\", "/")) for sf in files if sf.is_package)
        self.facts: list[FileFacts] = []
        self.errors: list[str] = []
        self.done: set[str] = set()  # display paths analysed (parsed or ruled out) with force
        # (module, name, kind of the callee's file) whose importers were analysed, for the callers
        # that may be evidence about a function in a file of that kind (``_calling``)
        self.chased_pairs: set[tuple[str, str, tuple]] = set()
        self.chased_reexports: set[tuple[str, str, tuple]] = set()  # (package, name, kind): likewise
        self.chased_decorators: set[str] = set()  # decorators whose modules ``_calling`` asked for
        self.chased_ducks: set[str] = set()  # method names asked of every file (``_ducks``)
        self._said_no: dict[bytes, set[str]] = {}  # a MentionsWord's source -> files that do not mention them
        # display path -> the words its bytes do not mention (as words), and the hash of those
        # bytes (b"" without a cache): a later round's question is asked of its new words only,
        # and of no bytes when it has none. The rounds ask the rules' words again with a few
        # more (pdd: 32, 47, 51, 53 words, of which 15, 4, 2 new), and each looked for every
        # word in every file again: 1.06 -> 0.58 CPU-s of pdd's cold run (the 7,900 asks
        # still read their file: each round has a new word)
        self._absent: dict[str, tuple[frozenset[str], bytes]] = {}
        self._unions: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}  # shared by the files
        self._word_patterns: dict[frozenset[str], tuple[re.Pattern[bytes], tuple[bytes, ...]]] = {}
        self._stubs: dict[str, FileFacts] = {}  # display path -> its identity as facts (no facts yet)
        # Every question the demand rounds asked of a file's bytes, and its answer: a rerun
        # whose edited files answer them all alike (and keep their facts) is this run again.
        self.questions: list[Question] = []
        self.asked: dict[str, list[tuple[int, bool]]] = {}  # display path -> (question, answer)
        self._question_ids: dict[Question, int] = {}
        self._imported: dict[str, frozenset[bytes]] = {}  # display path -> words of its imports (this run)
        self._index: ProjectIndex | None = None  # of ``facts`` as they are (None when they grew)
        self._names: set[str] | None = None  # the rules' ``definitions`` on ``_index`` (``_defined``)
        self._duck_calls: tuple[ProjectIndex, set[str]] | None = None  # ``_ducks``: the calls' names on an index
        self._unchecked: list[tuple[SourceFile, Signature | None]] = []  # ruled out, syntax pending
        self._syntax: Background | None = None
        self._checks: list[Job] = []  # the syntax checks it was given, in ``_unchecked``'s order
        self._parsed_clean: set[str] = set()  # display paths a later round parsed without error
        self._workers = Workers(self.scan, jobs)
        self.digests: dict[str, bytes] = {}  # display path -> hash of the bytes its facts are of
        # name scans' answers (key, answer, hash of the bytes asked) for files with no cache entry
        # yet: a file the byte scan rules out is stored after its syntax verdict, once the rounds
        # are over. Kept in its entry then; lost, the first rerun after a cold run scanned 4,452
        # files' bytes again (pdd, code edited: 0.6 of 6.8 s)
        self._answers: dict[str, list[tuple[bytes, bool, bytes]]] = {}

    def index(self) -> ProjectIndex:
        """The project index of the facts so far, built once per round: the last round's
        index is the final one (no second join; rules memoise their findings per index)."""
        if self._index is None:
            self._index = ProjectIndex(self.facts, self.package_folders)
        return self._index

    def _record(self, sf: SourceFile, question: Question, answer: bool) -> bool:
        qid = self._question_ids.get(question)
        if qid is None:
            qid = self._question_ids[question] = len(self.questions)
            self.questions.append(question)
        self.asked.setdefault(sf.display, []).append((qid, answer))
        return answer

    # ------------------------------------------------------------ analysing

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
        if self.jobs > 1 and len(work) >= SERIAL_BELOW:  # biggest first: the last chunk should be a small one
            work.sort(key=lambda sf: -(sigs.get(sf.display) or (file_size(sf),))[0])
        jobs = [make_job(sf, force, self.overrides) for sf in work]
        # the syntax of the files the byte scan rules out decides nothing but their syntax
        # finding: checked later, beside the demand rounds, on the core the main process leaves idle
        defer = not force and self.jobs > 1 and len(work) >= SERIAL_BELOW and self.scan.every_syntax and self.scan.tokens is not None
        if defer and self._syntax is None and not self._workers.started:
            self._syntax = Background(self.scan)  # forked first: see ``Background``
        defer = defer and self._syntax is not None
        for sf, outcome in zip(work, self._workers.run(jobs, self.scan.every_syntax and not defer)):
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
        if defer:
            self._checks = [replace(make_job(sf, False, self.overrides), ruled_out=True, defer_newer=True) for sf, _sig in self._unchecked]
            self._syntax.start(self._checks)  # type: ignore[union-attr]
        elif force and self._syntax is not None:
            # parsed now, and without error: the syntax check of the byte scan's verdict would
            # say what this parse did (nothing to report); on pdd a third of the checks
            parsed = {f.path for f in out if not f.error}
            self._parsed_clean |= parsed
            self._syntax.skip(parsed)
        return out

    def close(self) -> None:
        """End the worker processes (the syntax checks' process ends with its answer)."""
        self._workers.close()
        if self._syntax is not None:
            self._syntax.close()

    def check_syntax(self) -> None:
        """The verdicts of the deferred syntax checks: a file that does not parse joins the facts
        (and the index and the rules' findings are made again, with its syntax finding)."""
        if self._syntax is None:
            return
        got, self._syntax = self._syntax.outcomes(), None
        # what it did not get to: a file parsed cleanly since gives the verdict a check would
        # (ruled out, no finding); the rest is checked by the pool, on every core
        rest = [i for i, job in enumerate(self._checks) if i not in got and job.display not in self._parsed_clean]
        got.update(zip(rest, self._workers.run([self._checks[i] for i in rest], True)))
        # a file CPython's parser rejects is given to libcst (newer syntax, or a syntax error?)
        # only now, once the workers are gone: its tree is large (pdd's 278 KB
        # tests/test_release_video.py: +90 MB for 1.5 s), and parsed in the niced background
        # process it came last on a loaded machine, while the main process held every round's
        # facts and the idle workers theirs (peak PSS of the tree 327 MB, 103 of it libcst's)
        newer = [i for i, outcome in got.items() if outcome.deferred]
        if newer:
            self._workers.close()
            got.update(zip(newer, self._workers.run([replace(self._checks[i], defer_newer=False) for i in newer], True)))
        outcomes = [
            got.get(i) or Outcome(job.display, self.digests.get(job.display), None)
            for i, job in enumerate(self._checks)
        ]
        self._checks = []
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
        e = self.cache.entry(sf.realpath, sf.path, sf.display, sf.cache_name, sf.is_package)
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

    def _store(self, sf: SourceFile, force: bool, sig, outcome: Outcome) -> None:
        if self.cache is None or sf.display in self.overrides or sig is None or outcome.digest is None:
            return
        e = self.cache.store(sf.realpath, sig, outcome.digest, sf.display, sf.cache_name, sf.is_package)
        if not force:
            e.skipped = outcome.result is None
        imported = outcome.imported if outcome.imported is not None else self._imported.get(sf.display)
        if imported is not None:
            e.imported = imported
        facts = outcome.result
        if isinstance(facts, FileFacts):
            e.facts = facts
        for key, found, asked in self._answers.pop(sf.display, ()):
            if asked == e.digest:
                e.mentions[key] = found

    def run(self, sources: list[SourceFile], force: bool) -> None:
        self._add(self.analyse(sources, force or not self.prefilter))
        if force or not self.prefilter:
            self.done |= {sf.display for sf in sources}

    def _add(self, facts: list[FileFacts]) -> None:
        self.facts += facts
        self._index = self._names = self._duck_calls = None  # the index and the rules' findings are made again
        # in path order, as the final index has them: which of two files that claim the same
        # module name wins must not depend on which came from the cache
        self.facts.sort(key=lambda f: f.path)
        self.done |= {f.path for f in facts}

    # -------------------------------------------------------------- demands

    def definitions(self) -> list[SourceFile]:
        """The files the rules' ``definitions`` name: the cheap kind of demand (names in the
        facts), asked again after each few modules analysed, before any rule's ``needs`` runs
        (those may grade findings: an index-wide pass each)."""
        return self._defining(self._defined())

    def _defined(self) -> set[str]:
        """The names the rules' ``definitions`` give on this round's index, asked once per
        index: ``demanded`` follows ``definitions`` on the same index (pdd, a run: 80 -> 48
        calls of the rules' ``definitions``, 0.27 -> 0.19 s; those not memoised per index)."""
        if self._names is None:
            index = self.index()
            self._names = {d.name for definitions in self.definers for d in definitions(index)}
        return self._names

    def demanded(self) -> list[SourceFile]:
        """Every file the rules' needs name, of every kind (a round spent on one kind must not
        starve another)."""
        index = self.index()
        names: set[str] = set(self._defined())
        words: set[str] = set()
        functions: set[str] = set()
        modules: set[str] = set()
        for demands in self.needs:
            for d in demands(index):
                if isinstance(d, Definition):
                    names.add(d.name)
                elif isinstance(d, Mentions):
                    words |= d.words
                elif isinstance(d, Callers):
                    functions.add(d.function)
                elif isinstance(d, Importers):
                    modules.add(d.module)
                else:
                    raise TypeError(f"not a demand: {d!r}")
        # every rule's words in one question and every function in one closure: each file's
        # bytes are scanned once per round, whichever rules asked
        more = {sf.display: sf for sf in self._defining(names) + self._mentioning(words) + self._calling(functions) + self._importing(modules) + self._ducks(index)}
        return list(more.values())

    def _ducks(self, index: ProjectIndex, names: Iterable[str] = ()) -> list[SourceFile]:
        """Files not analysed yet, and not tests, that mention a method name a call on an untyped
        parameter resolves by (``Ref("duck")``): their classes may answer to it too, which
        stops the resolution, or they call it. Asked for ``names`` (the methods on a path whose
        callers are wanted) and for every such call's name, while the analysed classes that
        answer to it are one family: which class answers must not depend on what the byte scan
        parsed. A name two families answer to already never resolves. Names of the standard
        library's objects are no duck names (``catalog.duck_method``): on pdd these questions
        had 766 files parsed instead of 465 while ``resolve`` (a path's, in 406 of its files)
        and ``execute`` were asked, 500 without them."""
        if self._duck_calls is None or self._duck_calls[0] is not index:
            called: set[str] = set()
            for func in index.functions.values():
                called.update(index.duck_name(c.callee) for c in func.facts.calls if c.callee.kind in ("duck", "result"))
            called.discard("")
            # once per index: ``demanded`` and ``_calling`` both ask, on the same index (a walk
            # of every call; pdd cold, ``_ducks`` with its name scans: 0.43 -> 0.35 CPU-s)
            self._duck_calls = (index, called)
        wanted = set(names) | self._duck_calls[1]
        wanted.discard("")
        wanted = {n for n in wanted - self.chased_ducks if index.duck_resolvable(n)}
        if not wanted:
            return []
        self.chased_ducks |= wanted
        return [sf for sf in self._mentioning(wanted) if not is_test_path(sf.display)]

    def _importing(self, modules: set[str]) -> list[SourceFile]:
        """Files not analysed yet, and not tests, whose imports spell one of these modules' last
        names: every import of a module names its last name (an import statement's words)."""
        if not modules:
            return []
        question = ImportsAndMentions(tuple(sorted({(_import_word(m),) * 2 for m in modules})))
        return [sf for sf in self.files if sf.display not in self.done and not is_test_path(sf.display)
                and self._imports_and_mentions(sf, question.wanted, question)]

    def _defining(self, names: Iterable[str]) -> list[SourceFile]:
        """Project modules not analysed yet that define these qualified names."""
        wanted: dict[str, SourceFile] = {}
        parsed = {f.module: f for f in self.facts}
        for name in names:
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

    def _mentioning(self, words: set[str]) -> list[SourceFile]:
        """Files not analysed yet whose bytes mention one of ``words`` as a word."""
        if not words:
            return []
        question = MentionsWord(tuple(sorted(words)))
        source = question.source
        pattern = re.compile(source)
        asked = frozenset(question.words)
        # a file asked this already in this run said no (a yes is analysed): the rounds ask the
        # same words again, and reading every file again was 0.4 s a round on pdd
        said_no = self._said_no.setdefault(source, set())
        out = []
        for sf in self.files:
            if sf.display in self.done or sf.display in said_no:
                continue
            if sf.display in self.overrides:
                found = pattern.search(self.overrides[sf.display].encode("utf-8", "surrogatepass")) is not None
            else:
                found = self._mentions(sf, question, source, asked)
            if found:
                out.append(sf)
            else:
                said_no.add(sf.display)
        return out

    def _mentions(self, sf: SourceFile, question: MentionsWord, source: bytes, words: frozenset[str]) -> bool:
        """Whether the file mentions one of ``words`` (``question``'s) as a word: a match of
        ``source`` is a match of one of them, so a file that mentions none of some of them is
        asked of the others only (``_absent``)."""
        e = None
        if self.cache is not None:
            e = self.cache.entry(sf.realpath, sf.path, sf.display, sf.cache_name, sf.is_package)
            if e is not None and source in e.mentions:
                if not e.mentions[source]:
                    self._learn_absent(sf, words, e.digest)
                return self._record(sf, question, e.mentions[source])
        known, of = self._absent.get(sf.display, (frozenset(), b""))
        if known >= words:  # none of them, in the bytes its cache entry, if any, is of
            self._keep_answer(sf, e, source, False, of)
            return self._record(sf, question, False)
        try:
            data = read_source(sf.path)
        except OSError:
            return self._record(sf, question, False)
        asked = digest(data) if self.cache is not None else b""
        new = words - known if asked == of else words  # what it knew was of other bytes
        pattern, encoded = self._word_pattern(new)
        # each word looked for as bytes first: a regex that starts with ``\b`` tries every
        # position (pdd, 12 words over 1,560 files: 0.50 -> 0.12 s); a match contains a word
        found = (len(encoded) > _GATED_WORDS or any(w in data for w in encoded)) and pattern.search(data) is not None
        if not found:
            self._learn_absent(sf, new, asked)
        self._keep_answer(sf, e, source, found, asked)
        return self._record(sf, question, found)

    def _learn_absent(self, sf: SourceFile, words: frozenset[str], of: bytes) -> None:
        """The file's bytes (hashed ``of``) mention none of ``words``."""
        known, was = self._absent.get(sf.display, (frozenset(), of))
        if was != of:
            known = frozenset()
        union = self._unions.get((known, words))
        if union is None:
            union = self._unions[(known, words)] = known | words
        self._absent[sf.display] = (union, of)

    def _word_pattern(self, words: frozenset[str]) -> tuple[re.Pattern[bytes], tuple[bytes, ...]]:
        """``MentionsWord(words)``'s regex and its words as bytes, made once per set of words."""
        got = self._word_patterns.get(words)
        if got is None:
            q = MentionsWord(tuple(sorted(words)))
            got = self._word_patterns[words] = (re.compile(q.source), tuple(w.encode() for w in q.words))
        return got

    def _keep_answer(self, sf: SourceFile, e: Entry | None, key: bytes, found: bool, asked: bytes) -> None:
        """Keep a name scan's answer about the bytes hashed ``asked`` in the file's cache entry
        (``_answers`` until it has one)."""
        if self.cache is None or not asked:
            return
        if e is not None and e.digest == asked:
            e.mentions[key] = found
            self.cache.dirty = True
        elif e is None:
            self._answers.setdefault(sf.display, []).append((key, found, asked))

    def _calling(self, functions: set[str]) -> list[SourceFile]:
        """Files not analysed yet that may call these functions (directly or through others):
        files that import the module of a function on the call path and mention that function's
        name (or its class's, for a method: a constructor call names the class). Only files
        whose calls can count for one of those functions (``file_may_call``: by path alone, not
        test code) are asked: on pdd, 284 of the 484 files this asked for were tests, whose calls
        the call graph drops (7.7 of 38 CPU-s cold)."""
        index = self.index()
        # (module, name) -> the kinds of file it names a function in: what may be evidence about
        # a function depends on its file's program and whether it is test code (``program``)
        named: dict[tuple[str, str], set[tuple[tuple[str, str], bool]]] = {}
        kinds: dict[tuple[tuple[str, str], bool], FileFacts] = {}  # a file of each kind
        # the decorators of the functions and classes on the path: one may put its target in a
        # module-level mapping that callers call through (``index.registered``)
        decorators: set[str] = set()
        methods: set[str] = set()  # their names, for calls on untyped parameters (``_ducks``)
        for func in _calling_functions(index, functions):
            if index.exempt(func, Where.TEST | Where.SET_UP_SCOPE):  # never callers' evidence
                continue
            kind = (index.program(func.file), func.file.is_test)
            kinds.setdefault(kind, func.file)
            klass = func.file.classes.get(func.facts.class_name) if func.facts.class_name else None
            decorators.update(klass.decorators if klass is not None else func.facts.decorators)
            method = func.facts.qualname[len(func.facts.class_name) + 1 :] if func.facts.class_name else ""
            if method and "." not in method and duck_method(method):
                methods.add(method)
            for name in (func.facts.qualname.rsplit(".", 1)[-1], func.facts.class_name.rsplit(".", 1)[-1]):
                if name and not name.startswith(("<", "__")):  # a constructor call names the class
                    named.setdefault((func.file.module, name), set()).add(kind)
            # a function returning an instance of the class (``get_client().send()``): its callers
            # call the method without naming the class
            for maker in index.class_makers.get(f"{func.file.module}.{func.facts.class_name}", ()) if func.facts.class_name else ():
                named.setdefault((maker.file.module, maker.facts.qualname.rsplit(".", 1)[-1]), set()).add(kind)
        pairs: dict[tuple[str, str], set] = {}
        for (module, name), of in named.items():
            pairs.setdefault((_import_word(module), name), set()).update(of)
        # a package that re-exports one (``from .veo import VeoToolkit`` in its ``__init__``,
        # analysed by an earlier round: it imports the module and names it): importers of the
        # package call it too (camel's example builds ``camel.toolkits.VertexAIVeoToolkit``)
        reexports = {
            (f.module, local, kind)
            for f in self.facts
            if f.is_package and not f.is_test
            for local, target in f.imports.items()
            for kind in named.get(tuple(target.rsplit(".", 1)), ())  # type: ignore[arg-type]
        } - self.chased_reexports
        self.chased_reexports |= reexports
        # a subclass inherits the methods (``AgentOps(OpenTelemetry)``): its constructor calls too
        classes: dict[str, set] = {}
        for (_, name), of in pairs.items():
            classes.setdefault(name, set()).update(of)
        for f in self.facts:
            if f.is_test:
                continue
            for klass in f.classes.values():
                for b in klass.bases:
                    of = classes.get(b.name.rsplit(".", 1)[-1])
                    if of:
                        kind = (index.program(f), f.is_test)
                        kinds.setdefault(kind, f)
                        pairs.setdefault((_import_word(f.module), klass.name.rsplit(".", 1)[-1]), set()).update(of | {kind})
            # a module-level object of the class (``STORE = Store()``): its importers call its
            # methods through that name (``asyncio.to_thread(STORE.add, text)``)
            for b in f.bindings.values():
                of = classes.get(b.factory.rsplit(".", 1)[-1]) if b.factory and b.scope == "module" else None
                if of:
                    pairs.setdefault((_import_word(f.module), b.name), set()).update(of)
            # a module-level mapping holding the class or function (``SPEECH = {"cloud":
            # CloudSpeech}``, or a decorator's ``@register("cloud")``): its importers call it
            # through an entry (``SPEECH[kind](key)``)
            for table, values in f.tables.items():
                values += tuple(index.registered.get(f"{f.module}.{table}", ()))
                of = set().union(*(classes.get(v.rsplit(".", 1)[-1], set()) for v in values))
                if of:
                    pairs.setdefault((_import_word(f.module), table), set()).update(of)
        # a standard-library name (``os``, ``threading``) is imported by nearly every file
        chase = {(m, n, kind) for (m, n), of in pairs.items() if m not in sys.stdlib_module_names for kind in of} - self.chased_pairs
        self.chased_pairs |= chase
        out = []
        if chase:
            question = ImportsAndMentions(tuple(sorted({(m, n) for m, n, _ in chase})))
            wanted = question.wanted
            callees = [kinds[kind] for kind in {kind for _, _, kind in chase}]
            out = [sf for sf in self.files if sf.display not in self.done and self._may_be_evidence(sf, callees, index)
                   and self._imports_and_mentions(sf, wanted, question)]
        if reexports:
            taken = {sf.display for sf in out}
            ask = ImportsFrom(tuple(sorted({(m, n) for m, n, _ in reexports})))
            callees = [kinds[kind] for kind in {kind for _, _, kind in reexports}]
            out += [sf for sf in self.files if sf.display not in self.done and sf.display not in taken
                    and self._may_be_evidence(sf, callees, index) and self._imports_from(sf, ask)]
        if decorators - self.chased_decorators:
            self.chased_decorators |= decorators
            taken = {sf.display for sf in out}
            out += [sf for sf in self._defining(decorators) if sf.display not in taken]
        # a method is also called by its name alone on an untyped parameter (``Ref("duck")``)
        taken = {sf.display for sf in out}
        out += [sf for sf in self._ducks(index, methods) if sf.display not in taken]
        return out

    def _may_be_evidence(self, sf: SourceFile, callees: list[FileFacts], index: ProjectIndex) -> bool:
        """Whether calls in ``sf`` (not analysed yet) may count for functions in one of
        ``callees``' files: the call graph's verdict by file, from what discovery knows of it.
        Another program's calls count too: what they pass decides a parameter's value
        (``value_callers``), though they are no evidence of concurrency."""
        stub = self._stubs.get(sf.display)
        if stub is None:
            stub = self._stubs[sf.display] = FileFacts(sf.display, sf.module, sf.is_package, is_test_path(sf.display))
        return any(index.file_may_call(stub, callee) for callee in callees)

    def _bytes(self, sf: SourceFile) -> bytes | None:
        """The file's current bytes (an edit not written yet, or the disk's); None if unreadable."""
        if sf.display in self.overrides:
            return self.overrides[sf.display].encode("utf-8", "surrogatepass")
        try:
            return read_source(sf.path)
        except OSError:
            return None

    def _imports_from(self, sf: SourceFile, question: ImportsFrom) -> bool:
        # the answer is kept in the file's cache entry, as a name scan's is: asked of every file
        # not analysed yet, reading and scanning them was 0.74 s of pdd's one-edit rerun profile
        # (3,337 asks), the same questions in every rerun
        e = None
        key = b"from:" + digest(repr(question.pairs).encode()).hex().encode()
        if self.cache is not None and sf.display not in self.overrides:
            e = self.cache.entry(sf.realpath, sf.path, sf.display, sf.cache_name, sf.is_package)
            if e is not None and key in e.mentions:
                return self._record(sf, question, e.mentions[key])
        data = self._bytes(sf)
        found = data is not None and question.matches(data)
        if data is not None and sf.display not in self.overrides and self.cache is not None:
            self._keep_answer(sf, e, key, found, digest(data))
        return self._record(sf, question, found)

    def _imports_and_mentions(self, sf: SourceFile, wanted: dict[bytes, set[bytes]], question: ImportsAndMentions) -> bool:
        imported = self._imported.get(sf.display)
        e = None
        if imported is None and self.cache is not None and sf.display not in self.overrides:
            e = self.cache.entry(sf.realpath, sf.path, sf.display, sf.cache_name, sf.is_package)
            if e is not None and e.imported is not None:
                imported = self._imported[sf.display] = e.imported
        if imported is not None and not imported & wanted.keys():
            return self._record(sf, question, False)  # the usual answer, without reading the file again
        data = self._bytes(sf)
        if data is None:
            return self._record(sf, question, False)
        if imported is None:
            imported = self._imported[sf.display] = frozenset(imported_words(data))
            if e is not None and e.digest == digest(data):
                e.imported = imported
                self.cache.dirty = True  # type: ignore[union-attr]
        return self._record(sf, question, question.matches(data, imported))


def _module_candidates(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _calling_functions(index: ProjectIndex, start: set[str]) -> list[Func]:
    """``start`` and every function that calls one of them, directly or through others."""
    todo = list(start)
    seen = set(todo)
    while todo:
        fid = todo.pop()
        # a function handed out by another (``return _lifespan``) is started where that one is
        # called (``FastAPI(lifespan=init())``)
        for caller in [c for c, _call in index.callers.get(fid, [])] + index.makers.get(fid, []):
            if caller.id not in seen:
                seen.add(caller.id)
                todo.append(caller.id)
    return [index.functions[i] for i in seen if i in index.functions]


def collect_facts(analysis: Analysis) -> list[FileFacts]:
    try:
        analysis.run(analysis.files, force=False)
        for _ in range(DEMAND_ROUNDS):
            named = analysis.definitions()
            for _ in range(DEMAND_ROUNDS):  # a few modules that definitions name: analysed at once,
                if not named or len(named) >= SERIAL_BELOW:  # before the costlier kinds of demand
                    break
                analysis.run(named, force=True)
                named = analysis.definitions()
            more = analysis.demanded()
            if not more:
                break
            analysis.run(more, force=True)
        analysis.check_syntax()
    finally:
        analysis.close()
    return sorted(analysis.facts, key=lambda f: f.path)


def _import_word(module: str) -> str:
    """The last name of ``module``, as its importers spell it: a module discovery renamed for
    its folder (``main@app/dir``, ``SourceFile.aliases``) is imported by its plain name."""
    return module.rsplit(".", 1)[-1].partition("@")[0]
