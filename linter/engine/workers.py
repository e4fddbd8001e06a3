"""Analysing files: in this process, in a pool of worker processes, or in one background process.

Only facts cross processes (never trees): a worker reads a file, scans its bytes, parses it
when the scan (or a demand) says so and sends back its facts.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from linter.analysis.facts import FileFacts
from linter.analysis.source import Job, NewerSyntax, Scan, analyse, paused_gc, read_source, trim_heap
from linter.cache import digest
from linter.config import Config
from linter.demands import imported_words
from linter.discovery import SourceFile
from linter.prefilter import build

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

SERIAL_BELOW = 16  # fewer candidate files than this: a process pool costs more than it saves
# bytes: after a file this big, the heap's free pages go back to the system. The C heap keeps
# what a big file's tree freed (pdd's 491 KB tests/test_sync_determine_operation.py: a worker
# 21 -> 55 MB, 49 MB after, 34 MB trimmed, in 1-5 ms; 44 of pdd's files are this big)
TRIM_ABOVE = 128 * 1024


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker sends back for one file: facts, None (ruled out) or an internal error,
    the hash of the bytes it read (for the cache) and, for a file ruled out, the words of its
    imports (the demand rounds ask which files import a module: no second read)."""

    display: str
    digest: bytes | None
    result: FileFacts | None | str
    imported: frozenset[bytes] | None = None
    deferred: bool = False  # a ``defer_newer`` job that needs libcst: run again without the flag


_WORKER: dict[bool, Scan] = {}  # set once per worker process: its scan, by ``every_syntax``


def _init_worker(scan: Scan) -> None:
    _WORKER[scan.every_syntax] = scan
    # a worker makes trees and facts, which hold no cycles: the collector's passes over them
    # were 12% of its time
    gc.disable()


def _run_in_worker(every_syntax: bool, job: Job) -> Outcome:
    scan = _WORKER.get(every_syntax)
    if scan is None:
        scan = _WORKER[every_syntax] = replace(next(iter(_WORKER.values())), every_syntax=every_syntax)
    return run_job(job, scan)


def run_job(job: Job, scan: Scan) -> Outcome:
    data = None
    try:
        if job.text is None:
            try:
                data = read_source(job.path)
            except OSError:
                data = None  # analyse reports it
        result = analyse(job, scan, data)
    except NewerSyntax:
        return Outcome(job.display, None, None, deferred=True)
    except Exception as e:  # an internal error must name the file, never kill the run
        return Outcome(job.display, None, f"{job.display}: internal error: {type(e).__name__}: {e}")
    if data is None:
        return Outcome(job.display, None, result)
    if len(data) > TRIM_ABOVE:
        trim_heap()
    imported = frozenset(imported_words(data)) if result is None and not job.ruled_out else None
    return Outcome(job.display, digest(data), result, imported)


class Background:
    """Jobs run by one more process while the main process goes on (the syntax checks of the
    files the byte scan ruled out: the main process's joins and rules leave a core idle). A
    plain process and a pipe, not a pool, forked before the pool (whose threads would make a
    later fork unsafe) and so before the main process holds any facts: forked after the first
    round, it shared the parent's pages, and the parent's writes made them its own (pdd:
    81 -> 148 MB of PSS; forked first, 30-40 MB, 105 while libcst parses the one file that
    needs it). It is told which jobs it may skip (files a later round parsed anyway) and, when
    the main process wants the answer, to stop: it sends the outcomes it has, by job number,
    and the rest is left to the caller (niced, it had run little while the pool was busy: pdd
    waited 5.3 s at the end for its last 1,000 checks, on one core)."""

    def __init__(self, scan: Scan) -> None:
        import multiprocessing

        self._jobs: list[Job] | None = None
        self._answered = False
        self._scan = scan
        self._conn, child = multiprocessing.Pipe(duplex=True)
        self._proc = multiprocessing.Process(target=_background_main, args=(scan, child), daemon=True)
        self._proc.start()
        child.close()

    def start(self, jobs: list[Job]) -> None:
        self._jobs = jobs
        try:
            self._conn.send(jobs)
        except OSError:  # the process died: ``outcomes`` leaves the work to the caller
            pass

    def skip(self, displays: set[str]) -> None:
        """Jobs for these files need not run (not sent when the process is gone)."""
        if displays and self._jobs is not None and not self._answered:
            try:
                self._conn.send(displays)
            except OSError:
                pass

    def outcomes(self) -> dict[int, Outcome]:
        """The outcomes the process has, by job number: it stops at the next job (a job left
        out was skipped, not started, or the process died)."""
        try:
            self._conn.send(_STOP)
        except OSError:  # it finished (and is gone) or died: its answer, if any, is in the pipe
            pass
        try:
            got = self._conn.recv()
        except (EOFError, OSError):  # the process died: the caller does its work
            got = {}
        finally:
            self._answered = True
            self.close()
        return got

    def close(self) -> None:
        """End the process: at once when it was given no work; killed when its answer is not
        wanted any more (an error ended the run)."""
        if self._conn.closed:
            return
        if self._jobs is None:
            try:
                self._conn.send(None)
            except OSError:
                pass
        elif not self._answered:
            self._proc.terminate()
        self._conn.close()
        self._proc.join()


_STOP = "stop"  # to the background process: send what you have


def _background_main(scan: Scan, conn) -> None:  # type: ignore[no-untyped-def]
    try:
        os.nice(10)  # the rounds' workers first: this fills the time a core would idle
    except (AttributeError, OSError):
        pass
    try:
        jobs = conn.recv()
    except EOFError:
        return
    if jobs is None:
        conn.close()
        return
    done: dict[int, Outcome] = {}
    skipped: set[str] = set()
    with paused_gc():
        for i, job in enumerate(jobs):
            stop = False
            while conn.poll():  # a few microseconds a job: cheaper than a check not wanted
                message = conn.recv()
                if message == _STOP:
                    stop = True
                    break
                skipped |= message
            if stop:
                break
            if job.display not in skipped:
                done[i] = run_job(job, scan)
    conn.send(done)
    conn.close()


class Workers:
    """The worker processes of a run: started by the first round that needs them and kept for
    every later one, so they fork from the main process while it is small. A pool per round
    forked from a main process that held the facts so far, and its workers' PSS grew with it
    (pdd: 60-80 MB each in the later rounds)."""

    def __init__(self, scan: Scan, jobs: int) -> None:
        self.scan, self.jobs = scan, jobs
        self._pool: ProcessPoolExecutor | None = None

    def run(self, jobs_list: list[Job], every_syntax: bool) -> list[Outcome]:
        """Every job's outcome, in order; in this process when a pool costs more than it saves."""
        scan = self.scan if self.scan.every_syntax == every_syntax else replace(self.scan, every_syntax=every_syntax)
        if self.jobs <= 1 or len(jobs_list) < SERIAL_BELOW:
            return [run_job(j, scan) for j in jobs_list]
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor  # 20 ms of start-up that a cached rerun never needs

            # the catalogue and the prefilter (whose regexes compile in the worker) go to
            # each worker once, not with every file
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker, initargs=(self.scan,))
        # small chunks: a few big files dominate, and a chunk that holds several of them would
        # leave the other core idle at the end
        chunk = max(1, min(16, len(jobs_list) // (self.jobs * 32)))
        return list(self._pool.map(partial(_run_in_worker, every_syntax), jobs_list, chunksize=chunk))

    @property
    def started(self) -> bool:
        return self._pool is not None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def make_job(sf: SourceFile, force: bool, overrides: dict[str, str]) -> Job:
    return Job(str(sf.path), sf.display, sf.module, sf.is_package, force, overrides.get(sf.display), aliases=sf.aliases)


def scan_of(config: Config) -> Scan:
    """What a worker needs to analyse a file under these settings. The byte scan looks for every
    rule's tokens, whatever is selected (a selected rule's finding may rest on a file only another
    rule's tokens select: selecting the blocking-lock rule alone missed a lock taken through a
    helper), unless no selected rule declares any (the syntax rule alone: every file is parsed)."""
    if not any(r.tokens for r in config.rules):
        return Scan(config.catalog, None, config.syntax_check != "analysed")
    tokens = [r.tokens for r in config.demanding if r.tokens] + list(config.catalog.extra_tokens())
    return Scan(config.catalog, build(tokens), config.syntax_check != "analysed")


def file_size(sf: SourceFile) -> int:
    try:
        return os.stat(sf.fspath).st_size
    except OSError:
        return 0
