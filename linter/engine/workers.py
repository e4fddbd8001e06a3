"""Analysing files: in this process, in a pool of worker processes, or in one background process.

Only facts cross processes (never trees): a worker reads a file, scans its bytes, parses it
when the scan (or a demand) says so and sends back its facts.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass

from linter.analysis.facts import FileFacts
from linter.analysis.source import Job, Scan, analyse, paused_gc, read_source
from linter.cache import digest
from linter.config import Config
from linter.demands import imported_words
from linter.discovery import SourceFile
from linter.prefilter import build

SERIAL_BELOW = 16  # fewer candidate files than this: a process pool costs more than it saves


@dataclass(frozen=True, slots=True)
class Outcome:
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


def _run_in_worker(job: Job) -> Outcome:
    assert _WORKER is not None
    return run_job(job, _WORKER)


def run_job(job: Job, scan: Scan) -> Outcome:
    data = None
    try:
        if job.text is None:
            try:
                data = read_source(job.path)
            except OSError:
                data = None  # analyse reports it
        result = analyse(job, scan, data)
    except Exception as e:  # an internal error must name the file, never kill the run
        return Outcome(job.display, None, f"{job.display}: internal error: {type(e).__name__}: {e}")
    if data is None:
        return Outcome(job.display, None, result)
    imported = frozenset(imported_words(data)) if result is None and not job.ruled_out else None
    return Outcome(job.display, digest(data), result, imported)


class Background:
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

    def outcomes(self) -> list[Outcome]:
        try:
            got = self._conn.recv()
        except (EOFError, OSError):  # the process died: do its work here
            got = [run_job(job, self._scan) for job in self._jobs]
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
        conn.send([run_job(job, scan) for job in jobs])
    conn.close()


def analyse_all(jobs_list: list[Job], scan: Scan, jobs: int) -> list[Outcome]:
    if jobs <= 1 or len(jobs_list) < SERIAL_BELOW:
        return [run_job(j, scan) for j in jobs_list]
    # small chunks: a few big files dominate, and a chunk that holds several of them would
    # leave the other core idle at the end; the catalogue and the prefilter (whose regexes
    # compile in the worker) go to each worker once, not with every file
    chunk = max(1, min(16, len(jobs_list) // (jobs * 32)))
    from concurrent.futures import ProcessPoolExecutor  # 20 ms of start-up that a cached rerun never needs

    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(scan,)) as pool:
        return list(pool.map(_run_in_worker, jobs_list, chunksize=chunk))


def make_job(sf: SourceFile, force: bool, overrides: dict[str, str]) -> Job:
    return Job(str(sf.path), sf.display, sf.module, sf.is_package, force, overrides.get(sf.display))


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
