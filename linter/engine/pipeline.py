"""The pipeline: discover -> prefilter + analyse (parallel) -> join -> rules -> suppress.

The facts come from the demand rounds (``linter.engine.demand``), in worker processes
(``linter.engine.workers``); a rerun may return a stored outcome instead
(``linter.engine.rerun``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

from linter.analysis.source import decode, paused_gc, read_source
from linter.cache import Cache
from linter.config import Config
from linter.diagnostics import Diagnostic, confidence_at_least
from linter.discovery import Matcher, SourceFile, discover
from linter.engine.demand import Analysis, collect_facts
from linter.engine.rerun import report_settings, run_key, same_facts, settled_signatures, signatures, stored, tree_record
from linter.project import ProjectIndex
from linter.suppression import is_suppressed, per_file_ignored


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
    # the cache and the key its outcome is stored under (None: not stored), for what is derived
    # from the findings and stored beside them (fix previews)
    cache: Cache | None = None
    run_key: bytes | None = None

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


def run_rules(index: ProjectIndex, config: Config) -> tuple[list[Diagnostic], int]:
    """The enabled rules' findings on ``index``, minus suppressed and below-threshold findings,
    sorted, and how many were suppressed."""
    return select(*all_findings(index, config), config)


def all_findings(index: ProjectIndex, config: Config) -> tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...]]:
    """Every rule's findings at every confidence, whatever is selected, sorted: those a comment
    does not suppress and those it does. This is what a run stores, so that another
    ``--select`` / ``--ignore`` / ``--min-confidence`` over a warm cache is a filter, not a run
    (the analysis runs every rule's demands anyway; a rule that graded its findings for its
    needs on this index has them memoised: the last demand round's index is the final one)."""
    by_path = {f.path: f for f in index.files}
    kept: list[Diagnostic] = []
    noqa: list[Diagnostic] = []
    for rule in config.demanding:
        for diag in rule.check(index):
            (noqa if is_suppressed(diag, by_path.get(diag.path)) else kept).append(diag)
    kept.sort(key=Diagnostic.sort_key)
    noqa.sort(key=Diagnostic.sort_key)
    return tuple(kept), tuple(noqa)


def select(kept: tuple[Diagnostic, ...], noqa: tuple[Diagnostic, ...], config: Config) -> tuple[list[Diagnostic], int]:
    """The findings ``config`` reports (selected rules, at or above its confidence, not ignored
    for their file) and how many of the selected ones were suppressed."""
    codes = config.codes

    def wanted(d: Diagnostic) -> bool:
        return d.code in codes and confidence_at_least(d.confidence, config.min_confidence)

    out: list[Diagnostic] = []
    suppressed = sum(1 for d in noqa if wanted(d))
    for d in kept:
        if not wanted(d):
            continue
        if per_file_ignored(d, config.per_file_ignores):
            suppressed += 1
            continue
        out.append(d)
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
    storable = cache is not None and not overrides  # a run over the files as they are: its outcome is stored
    keyed = storable and not need_index  # ... and may be a stored one
    sigs = signatures(files) if storable else None
    key = run_key(files, config, sigs) if sigs is not None else None
    if keyed:
        outcome = stored(cache, key) if key is not None else None  # type: ignore[arg-type]
        if outcome is None and prefilter:
            try:
                outcome = same_facts(files, config, cache)  # type: ignore[arg-type]
            except (TypeError, ValueError, IndexError, KeyError):  # a spoiled tree record is a miss
                outcome = None
        if outcome is not None:
            kept, parsed, noqa = outcome
            diagnostics, suppressed = select(kept, noqa, config)
            if key is None:  # a same-facts rerun stored its outcome under the tree's new key
                now = signatures(files)
                key = run_key(files, config, now) if now is not None else None
            return Result(diagnostics, len(files), parsed, suppressed, [], files, None, cache=cache, run_key=key)
    analysis = Analysis(files, config, jobs, overrides, prefilter, cache)
    with paused_gc(freeze=True):  # facts, indexes and findings: millions of objects, no cycles
        facts = collect_facts(analysis)
        index = analysis.index()
        kept, noqa = all_findings(index, config)
        diagnostics, suppressed = select(kept, noqa, config)
    parsed = sum(1 for f in facts if f.parsed)
    if cache is not None:
        cache.save()
        if storable and key is None:
            sigs = settled_signatures(files, cache)
            key = run_key(files, config, sigs) if sigs is not None else None
        if key is not None and sigs is not None and not analysis.errors:
            cache.store_result(key, (kept, parsed, noqa))
            cache.store_tree(tree_record(key, config, files, sigs, cache, analysis))
    stored_key = key if storable and key is not None and sigs is not None and not analysis.errors else None
    return Result(diagnostics, len(files), parsed, suppressed, analysis.errors, files, index, overrides or {}, analysis.digests,
                  cache, stored_key)


def open_cache(config: Config, prefilter: bool = True) -> Cache | None:
    """The facts cache for these settings (everything that changes facts or verdicts; not the
    selection, which only filters the report, but whether the byte scan runs at all)."""
    if config.cache_dir is None:
        return None
    catalog = tuple(
        (f.name, sorted(v.items()) if isinstance(v, dict) else sorted(v) if isinstance(v, (set, frozenset)) else v)
        for f in fields(config.catalog)
        for v in [getattr(config.catalog, f.name)]
    )
    scanned = any(r.tokens for r in config.rules)  # the syntax rule alone: every file is parsed
    settings = repr((scanned, catalog, prefilter, config.syntax_check))
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
