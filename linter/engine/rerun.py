"""Reruns: the stored outcome of a run over the same files, and the same-facts rerun.

A run over exactly the files, stat signatures and settings of a stored one returns its
findings (``stored``). Otherwise, when every file edited since the last whole run gives that
run's prefilter verdict, facts (but for positions) and answers to its demand rounds' questions,
the run would be the same, and its findings are reused with positions mapped (``same_facts``).
The last whole run is recorded as a typed ``TreeRecord`` (``linter.cache``).

Any other edit is a whole run over the cached facts: the demand rounds from the byte scan's
files, each round's index and every rule's needs on it, as a run without cache makes them
(only the edited files are analysed again). Nothing less is exact with this model. Which files
a round adds depends on the whole index of the round before, and not monotonically (a rule asks
for a function's callers while none is known), so rounds started from the last run's files
could keep a file this tree's run never asks for; and a finding depends on the whole index.
Where that rerun's time goes (pdd, llm_invoke.py of 7,400 lines given one statement more,
py-spy): the demand rounds 45% (6 indexes, 4 passes of the rules' needs), decoding the 455
analysed files' cached facts 18%, analysing the edited file 12%, start-up 8%, reading the tree
record, comparing and saving the rest. Less work needs a model that updates what it derives per
file (and a resident process, for the decoding and the start-up). Rounds started from the last
run's files took that rerun from 7.9 to 3.6 s (loaded machine, same findings there): exact only
once every rule's demands are monotone (asked whatever else is known).
"""

from __future__ import annotations

import time
from dataclasses import replace

from linter import cache_codec
from linter.analysis.facts import FileFacts
from linter.analysis.source import Scan, read_source
from linter.cache import Cache, TreeFile, TreeRecord, digest, facts_digest, racy, stat_signature
from linter.config import Config
from linter.demands import Question
from linter.discovery import SourceFile
from linter.engine.demand import Analysis, Signature
from linter.engine.workers import Outcome, make_job, run_job, scan_of
from linter.moved import Moves, moves, remap

_MAX_EDITED = 32  # edited files re-analysed, one by one, to look for an unchanged-facts rerun


def stored(cache: Cache, run_key: bytes) -> tuple | None:
    found = cache.result(run_key)
    return found if isinstance(found, tuple) and len(found) == 3 else None


def same_facts(files: list[SourceFile], config: Config, cache: Cache) -> tuple | None:
    """The stored outcome of the last run, when every file edited since then would have gone
    through that run alike: the same prefilter verdict, the same facts, and the same answer to
    every question the demand rounds asked of its bytes. The run is a deterministic function
    of those (the rules are pure functions of the facts and the settings), so its findings are
    this tree's. An edit to a file no rule needs, or a comment or docstring edited in one that
    keeps its facts, reuses them; an edit that only moves facts (lines inserted above them)
    reuses them with its positions mapped (``linter.moved``); a file added, removed or renamed
    is a full run."""
    tree = cache.tree()
    if tree is None or tree.settings != report_settings(config) or len(tree.files) != len(files):
        return None
    sigs: list[Signature] = []
    edited: list[tuple[SourceFile, TreeFile, Signature]] = []
    for sf, record in zip(files, tree.files):
        current = stat_signature(sf.fspath)
        if current is None or (record.display, record.module, record.is_package) != (sf.display, sf.cache_name, sf.is_package):
            return None
        if current != record.stat:
            if len(edited) == _MAX_EDITED:
                return None
            edited.append((sf, record, current))
        sigs.append(current)
    outcome = stored(cache, tree.key)
    if not edited or outcome is None:
        return None
    scan = scan_of(config)
    moved: list[Moves] = []
    for sf, record, sig in edited:
        alike = _goes_alike(sf, record, sig, tree.questions, scan, cache)
        if alike is None:
            return None
        if alike is not _SAME:
            moved.append(alike)
    if moved:
        kept, noqa = remap(list(outcome[0]), moved), remap(list(outcome[2]), moved)
        if kept is None or noqa is None:
            return None
        outcome = (tuple(kept), outcome[1], tuple(noqa))
    key = run_key(files, config, sigs)
    if key is not None:  # no file modified in the last 2 s: the next rerun is a plain hit
        cache.store_result(key, outcome)
        if not moved:  # else the tree stays the last full run's: later edits are mapped from it
            cache.store_tree(replace(tree, key=key, files=tuple(replace(record, stat=sig) for record, sig in zip(tree.files, sigs))))
    return outcome


_SAME = Moves("", {})  # an edited file whose facts did not change at all


def _goes_alike(sf: SourceFile, record: TreeFile, sig: Signature, questions: tuple[Question, ...], scan: Scan, cache: Cache) -> Moves | None:
    """How an edited file's positions moved (``_SAME``: not at all) when it gives the recorded
    run's verdict, facts but for positions, and answers; None when it does not."""
    if record.skipped is None:
        return None
    first = run_job(make_job(sf, False, {}), scan)
    # the facts as the cache stores them: hashed here, and stored as they are on a miss
    raw = cache_codec.dumps_facts(first.result).decode() if isinstance(first.result, FileFacts) else None
    if record.skipped is False:
        alike = _alike_facts(first, raw, record.facts_hash, sf, cache)
        if alike is None:
            _keep(sf, sig, first, raw, cache)
    elif first.result is not None:
        _keep(sf, sig, first, raw, cache)
        return None
    elif record.facts_hash is not None:  # parsed on demand in a later round
        forced = run_job(make_job(sf, True, {}), scan)
        raw = cache_codec.dumps_facts(forced.result).decode() if isinstance(forced.result, FileFacts) else None
        alike = _alike_facts(forced, raw, record.facts_hash, sf, cache)
        if alike is None and forced.digest == first.digest and isinstance(forced.result, FileFacts):
            _keep(sf, sig, first, raw, cache, forced.result)
    else:
        alike = _SAME
    if alike is None or not record.asked:
        return alike
    try:
        data = read_source(sf.fspath)
    except OSError:
        return None
    return alike if digest(data) == first.digest and all(questions[q].matches(data) == a for q, a in record.asked) else None


def _keep(sf: SourceFile, sig: Signature, outcome: Outcome, raw: str | None, cache: Cache, forced: FileFacts | None = None) -> None:
    """Store an edited file's verdict and facts (``raw``: as stored) in its cache entry when the
    rerun misses: the full run that follows takes them from there instead of analysing the file
    again (pdd, llm_invoke.py edited: its extraction was 9% of that run; a file the byte scan
    rules out and a round asked for was scanned and parsed twice more). ``forced``: the facts
    of a file the byte scan rules out, parsed on demand. ``sig`` is the stat taken before the
    file was read: a write after it moves the stat, and the next lookup hashes again. Only
    after the comparison, which reads the recorded facts from the old entry."""
    if outcome.digest is None or isinstance(outcome.result, str):
        return
    e = cache.store(sf.realpath, sig, outcome.digest, sf.display, sf.cache_name, sf.is_package)
    e.skipped = outcome.result is None
    facts = outcome.result if forced is None else forced
    if isinstance(facts, FileFacts) and raw is not None:
        e.keep_facts(facts, raw)
    if outcome.imported is not None:
        e.imported = outcome.imported


def _alike_facts(outcome: Outcome, new_raw: str | None, facts_hash: bytes | None, sf: SourceFile, cache: Cache) -> Moves | None:
    """``_SAME`` when the facts (``new_raw``: as stored) hash to the recorded ones, their
    position map from the recorded facts (still in the file's cache entry) when only positions
    differ, else None."""
    if not isinstance(outcome.result, FileFacts) or new_raw is None:
        return None
    if facts_digest(new_raw) == facts_hash:
        return _SAME
    e = cache.peek(sf.realpath)
    raw = e.facts_json() if e is not None else None
    if raw is None or facts_digest(raw) != facts_hash:
        return None
    try:
        old = cache_codec.loads_facts(raw)
    except (cache_codec.CodecError, ValueError, TypeError):
        return None
    return moves(old, outcome.result) if isinstance(old, FileFacts) else None


def tree_record(key: bytes, config: Config, files: list[SourceFile], sigs: list[Signature], cache: Cache, analysis: Analysis) -> TreeRecord:
    """The record of this whole run (a file's verdict and facts only when its cache entry is
    for the bytes the run saw)."""
    out = []
    for sf, sig in zip(files, sigs):
        e = cache.entries.get(sf.realpath)
        known = e is not None and e.stat == sig
        raw = e.facts_json() if known else None  # type: ignore[union-attr]
        out.append(TreeFile(sf.display, sf.cache_name, sf.is_package, sig, e.skipped if known else None,  # type: ignore[union-attr]
                            facts_digest(raw) if raw is not None else None,
                            tuple(analysis.asked.get(sf.display, ()))))
    return TreeRecord(key, report_settings(config), tuple(analysis.questions), tuple(out))


def settled_signatures(files: list[SourceFile], cache: Cache) -> list[Signature] | None:
    """The stat signatures after a run that began with a file modified in the last 2 s (just
    saved by an editor, or by pre-commit's stash): now that its stat vouches for its bytes,
    the result is stored when the bytes are still those that were analysed (as git settles a
    racy index entry), so the next rerun is a stored one, not a full join."""
    sigs = signatures(files)
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


def signatures(files: list[SourceFile]) -> list[Signature] | None:
    """Every file's stat signature (None when a file is gone)."""
    sigs = []
    for sf in files:
        sig = stat_signature(sf.fspath)
        if sig is None:
            return None
        sigs.append(sig)
    return sigs


def report_settings(config: Config) -> str:
    """The settings that shape the stored findings but not the facts (those key the cache
    file): the root their paths are relative to. Not the selection, the confidence threshold or
    the per-file ignores: a run stores every rule's findings and the report filters them."""
    return repr((str(config.root),))


def run_key(files: list[SourceFile], config: Config, sigs: list[Signature]) -> bytes | None:
    """Every file's identity and stat signature, and the settings that shape the report; None
    when a file was modified in the last 2 s (its stat does not vouch for its bytes yet)."""
    now = time.time_ns()
    if any(racy(sig, now) for sig in sigs):
        return None
    parts = [report_settings(config)]
    for sf, sig in zip(files, sigs):
        parts.append(f"{sf.display}\0{sf.cache_name}\0{sf.is_package}\0{sig[0]},{sig[1]},{sig[2]},{sig[3]}")
    return digest("\n".join(parts).encode("utf-8", "surrogatepass"))
