"""Command line: parse options, call the API, print. Nothing else lives here.

Exit codes: 0 no findings; 1 findings (after ``fix`` too; with ``--diff``: a change); 2 usage,
config or internal error.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, NoReturn

import click

from linter import __version__, baseline, rule_docs
from linter.analysis.source import decode
from linter.baseline import BaselineError
from linter.config import SYNTAX_CHECKS, Config, ConfigError, load
from linter.diagnostics import CONFIDENCE_LEVELS, Diagnostic
from linter.discovery import DiscoveryError, Matcher, SourceFile, stdin_file
from linter.engine import Result, check_files, discover_files
from linter.report import FILE_OUTPUTS, FORMATS, WITH_FIXES
from linter.rules import RULES, UnknownRule, lookup


def _split(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [v for value in values for v in value.split(",") if v.strip()]


def _fail(message: str) -> NoReturn:
    click.echo(f"llmlint: error: {message}", err=True)
    sys.exit(2)


def _decorate(f: Callable[..., Any], options: list[Callable[..., Any]]) -> Callable[..., Any]:
    for option in reversed(options):
        f = option(f)
    return f


def _selection_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Which files and rules (ruff's names): shared by ``check``, ``fix`` and ``baseline write``."""
    return _decorate(f, [
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option("--select", multiple=True, help="Rules to enable (codes, names or prefixes; comma-separated)."),
        click.option("--extend-select", multiple=True, help="Rules to enable on top of the configured ones."),
        click.option("--ignore", multiple=True, help="Rules to disable."),
        click.option("--exclude", multiple=True, help="Glob patterns of paths to skip (added to the config)."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (pyproject.toml or llmlint.toml)."),
        click.option("--isolated", is_flag=True, help="Ignore all configuration files."),
        click.option("--min-confidence", type=click.Choice(CONFIDENCE_LEVELS), default=None, help="Lowest confidence reported (default: medium)."),
        click.option("--preview", is_flag=True, help="Also report findings without concurrency evidence (same as --min-confidence low)."),
        click.option("--force-exclude", is_flag=True, help="Apply excludes to paths named on the command line too."),
        click.option("--syntax-check", type=click.Choice(SYNTAX_CHECKS), default=None,
                     help="LLM000 syntax errors in every file (all, the default) or only in the files a rule needs (analysed: the files the byte scan rules out are not parsed; faster)."),
    ])


def _shared_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options common to ``check`` and ``fix`` (ruff's names)."""
    return _selection_options(_decorate(f, [
        click.option("--output-format", type=click.Choice(list(FORMATS)), default="full", show_default=True),
        click.option("--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout."),
        *(click.option(f"--{fmt}-output", type=click.Path(dir_okay=False), help=f"Also write a {fmt} report to this file.")
          for fmt in FILE_OUTPUTS),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain."),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary line."),
        click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change behaviour (most concurrency rewrites do)."),
        click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the facts cache."),
        click.option("--cache-dir", type=click.Path(file_okay=False), help="Facts cache folder (default: .llmlint_cache beside the config)."),
        click.option("--no-prefilter", is_flag=True, help="Parse every file, not only those the byte scan selects (slow; proves the scan loses nothing)."),
    ]))


def _wants_fixes(o: dict[str, Any]) -> bool:
    return o["output_format"] in WITH_FIXES or any(o[f"{fmt}_output"] for fmt in WITH_FIXES)


def _config(o: dict[str, Any]) -> Config:
    config = _load(o)
    if "no_cache" in o and not o["no_cache"]:  # commands with the cache options
        config.cache_dir = Path(o["cache_dir"]) if o["cache_dir"] else config.cache_dir or config.root / ".llmlint_cache"
    return config


def _load(o: dict[str, Any]) -> Config:
    return load(
        Path(o["config_path"]) if o["config_path"] else None,
        Path.cwd(),
        select=_split(o["select"]),
        extend_select=_split(o["extend_select"]),
        ignore=_split(o["ignore"]),
        exclude=_split(o["exclude"]),
        min_confidence=o["min_confidence"] or ("low" if o["preview"] else None),
        isolated=o["isolated"],
        syntax_check=o["syntax_check"],
    )


def _emit(text: str, output_file: str | None) -> None:
    if output_file:
        try:
            Path(output_file).parent.mkdir(parents=True, exist_ok=True)
            Path(output_file).write_text(text, encoding="utf-8")
        except OSError as e:
            _fail(f"{output_file}: cannot write the report: {e.strerror or e}")
    else:
        click.echo(text, nl=False)


def _report(diagnostics: list[Diagnostic], result: Result, o: dict[str, Any], statistics: bool = False) -> None:
    sources = result.source_lines()
    for fmt in FILE_OUTPUTS:
        if o[f"{fmt}_output"]:
            _emit(FORMATS[fmt](diagnostics, sources), o[f"{fmt}_output"])
    if statistics:
        counts = Counter((d.code, d.name) for d in diagnostics)
        text = "".join(
            f"{n:>5}  {code}  {name}\n" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
    else:
        text = FORMATS[o["output_format"]](diagnostics, sources)
    _emit(text, o["output_file"])
    for err in result.internal_errors:
        click.echo(f"llmlint: {err}", err=True)


def _summary(o: dict[str, Any], line: str) -> None:
    if not o["quiet"] and o["output_format"] in ("full", "concise") and not o["output_file"]:
        click.echo(line)


def _scope(result: Result) -> str:
    return f"{result.files_checked} files ({result.files_parsed} parsed)"


def _run_fix(o: dict[str, Any], rules: set[str]) -> None:
    """Shared by ``fix`` and ``check --fix``."""
    from linter.fixing import FixResult, fix_files  # libcst codemods: only when fixing

    try:
        config = _config(o)
        files = discover_files(list(o["paths"]) or ["."], config, force_exclude=o["force_exclude"])
        fixed: FixResult = fix_files(files, config, o["jobs"], rules, o["unsafe_fixes"])
    except (ConfigError, DiscoveryError) as e:
        _fail(str(e))
        return
    for err in fixed.errors:
        click.echo(f"llmlint: {err}", err=True)
    if o["diff"]:
        _emit(fixed.diff(), o["output_file"])
        n = len(fixed.rewrites)
        click.echo(f"Would fix {fixed.fixed} finding{'s' if fixed.fixed != 1 else ''} in {n} file{'s' if n != 1 else ''}.", err=True)
        sys.exit(1 if fixed.rewrites else 0)
    errors = fixed.changed + write_rewrites(fixed, fixed.result.paths)
    for err in errors:
        click.echo(f"llmlint: {err}", err=True)
    remaining = [
        replace(d, message=d.message + f" (no automatic fix: {reason})") if (reason := fixed.reason(d)) else d
        for d in fixed.result.diagnostics
    ]
    _report(remaining, fixed.result, o)
    _summary(
        o,
        f"Fixed {fixed.fixed} finding{'s' if fixed.fixed != 1 else ''} in {len(fixed.rewrites)} files; "
        f"{len(remaining)} remaining in {_scope(fixed.result)}.",
    )
    waiting = [d for d in fixed.result.diagnostics if d.code in _fixers_needing_unsafe() and not o["unsafe_fixes"] and d.code not in rules]
    if waiting and not o["quiet"]:
        # the codemods asked now, on the fixed text: the number --unsafe-fixes then rewrites
        from linter.fixing import with_fix_previews

        hidden = sum(1 for d in with_fix_previews(fixed.result, waiting, with_edits=False) if d.fix is not None)
        if hidden:
            click.echo(f"{hidden} more fixable with --unsafe-fixes (or --rule NAME).", err=True)
    if errors or fixed.result.internal_errors:
        sys.exit(2)
    if o.get("exit_non_zero_on_fix") and fixed.rewrites:
        sys.exit(1)
    sys.exit(0 if o["exit_zero"] or not remaining else 1)


def write_rewrites(fixed: Any, paths: dict[str, Path]) -> list[str]:
    """``linter.fixing.write_rewrites``, imported when first used (libcst's codemods cost half a
    second to import, and ``check`` never needs them)."""
    from linter.fixing import write_rewrites as write

    return write(fixed, paths)


def _fix_hint(diagnostics: list[Diagnostic], previews: bool) -> str:
    """How many findings ``llmlint fix`` rewrites: counted from the previews when they were made
    (the same codemods and checks as ``fix``), else only how many have a codemod at all."""
    from linter.fix_codes import codes_with_codemod

    if previews:
        safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.get("applicability") == "safe")
        unsafe = sum(1 for d in diagnostics if d.fix is not None) - safe
        parts = [f"{safe} fixable with `llmlint fix`"] if safe else []
        parts += [f"{unsafe} fixable with `llmlint fix --unsafe-fixes` (or --rule NAME)"] if unsafe else []
        return ("[*] " + "; ".join(parts) + "." if parts else "No finding has an automatic fix") + (
            " The others say why they have none." if len(diagnostics) > safe + unsafe else ""
        )
    with_codemod = sum(1 for d in diagnostics if d.code in codes_with_codemod())
    return (
        f"{with_codemod} finding{'s' if with_codemod != 1 else ''} of rules that have a codemod; "
        "`--show-fixes` marks those it can rewrite [*] and says why the others cannot."
    )


def _fixers_needing_unsafe() -> set[str]:
    from linter.fixes import FIXERS

    return {code for code, m in FIXERS.items() if m.SAFETY == "unsafe"}


class _Main(click.Group):
    """A bug in llmlint exits 2 with one line (a traceback with LLMLINT_DEBUG=1), never 1,
    which would read as "findings"."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:
            if os.environ.get("LLMLINT_DEBUG"):
                raise
            _fail(f"internal error: {type(e).__name__}: {e} (LLMLINT_DEBUG=1 shows the traceback)")


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llmlint")
def main() -> None:
    """llmlint: find concurrency hazards in LLM application code (litellm callbacks, global state, locks)."""


def entry() -> None:
    """The ``llmlint`` command. The garbage collector leaves alone what exists at start-up
    and at exit: its final pass over every object costs ~40 ms of a cached rerun, and over
    a cold run's facts much more (in-process callers such as tests use ``main``)."""
    gc.freeze()
    try:
        main()
    finally:
        gc.freeze()


@main.command()
@_shared_options
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply fixes (safe ones; --unsafe-fixes for the rest).")
@click.option("--show-fixes", is_flag=True,
              help="Run the codemods: text marks [*] each finding `llmlint fix` can rewrite and says why the others have no fix; "
                   "JSON and SARIF fill each fixable finding's `fix` with its edits (a libcst parse of each file with such a finding).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), help="Report only findings not recorded in this baseline file.")
@click.option("--baseline-ref", metavar="GIT_REF", help="Report only findings that are new since this git commit (a pull request's base).")
@click.option("--stdin-filename", metavar="PATH", help="Lint standard input as if it were the file PATH.")
def check(statistics: bool, apply_fix: bool, show_fixes: bool, baseline_file: str | None, baseline_ref: str | None,
          stdin_filename: str | None, **o: Any) -> None:
    """Check PATHS (default: the current directory) and report hazards."""
    if apply_fix or o["diff"]:
        if baseline_file or baseline_ref or stdin_filename:
            _fail("--baseline, --baseline-ref and --stdin-filename work with `check`, not with --fix/--diff")
        _run_fix(o, set())
        return
    config, files, result = _lint(o, stdin_filename, need_index=bool(baseline_file or baseline_ref))
    if show_fixes:
        from linter.fixing import stored_fix_previews, with_fix_previews  # libcst codemods: only when asked

        previewed = stored_fix_previews(result)
        if previewed is None:
            if result.index is None:  # a stored run: the codemods need the facts joined
                result = check_files(files, config, o["jobs"], prefilter=not o.get("no_prefilter"))
            # text shows only whether a fix exists: the edits (a line diff of each file) are skipped
            previewed = with_fix_previews(result, with_edits=_wants_fixes(o))
        diagnostics = previewed
    else:
        diagnostics = result.diagnostics
    note = ""
    if baseline_file or baseline_ref:
        try:
            diagnostics, note = _without_baseline(diagnostics, result, files, config, o, baseline_file, baseline_ref)
        except BaselineError as e:
            _fail(str(e))
    _report(diagnostics, result, o, statistics)
    n = len(diagnostics)
    line = f"Found {n} {'new ' if note else ''}finding{'s' if n != 1 else ''} in {_scope(result)}" if n else f"All checks passed: {_scope(result)}"
    _summary(o, line + (f", {result.suppressed} suppressed" if result.suppressed else "") + note + ".")
    if n and not o["quiet"] and o["output_format"] in ("full", "concise") and not o["output_file"]:
        click.echo(_fix_hint(diagnostics, show_fixes), err=True)
    if result.internal_errors:
        sys.exit(2)
    sys.exit(0 if o["exit_zero"] or not diagnostics else 1)


def _lint(o: dict[str, Any], stdin_filename: str | None = None, need_index: bool = True) -> tuple[Config, list[SourceFile], Result]:
    """The config, the files and their lint (standard input as ``stdin_filename`` if given)."""
    try:
        config = _config(o)
        if stdin_filename:
            matcher = Matcher(config.root, config.exclude, config.respect_gitignore)
            files = stdin_file(stdin_filename, matcher, Path.cwd().resolve(), o["force_exclude"])
            text = _read_stdin(stdin_filename)
            return config, files, check_files(files, config, o["jobs"], {sf.display: text for sf in files})
        files = discover_files(list(o["paths"]) or ["."], config, force_exclude=o["force_exclude"])
        prefilter = not o.get("no_prefilter")
        return config, files, check_files(files, config, o["jobs"], prefilter=prefilter, need_index=need_index)
    except (ConfigError, DiscoveryError) as e:
        _fail(str(e))


def _read_stdin(name: str) -> str:
    data = sys.stdin.buffer.read()
    try:
        return decode(data)
    except (UnicodeError, LookupError) as e:
        _fail(f"{name} (standard input): cannot decode: {e}")


def _without_baseline(diagnostics: list[Diagnostic], result: Result, files: list[SourceFile], config: Config,
                      o: dict[str, Any], baseline_file: str | None, baseline_ref: str | None) -> tuple[list[Diagnostic], str]:
    """The findings that are new, and what the summary says about the others."""
    sources = result.source_lines()
    known = 0
    notes = []
    if baseline_file:
        path = Path(baseline_file)
        kept = baseline.keep_new(diagnostics, sources, baseline.load(path), baseline.relative_to(path.parent, result))
        diagnostics, known = kept.new, known + kept.known
        if kept.stale:
            notes.append(f"{kept.stale} baseline entr{'ies' if kept.stale != 1 else 'y'} no longer found (rewrite it with `llmlint baseline write`)")
    if baseline_ref:
        kept = baseline.keep_new(diagnostics, sources, baseline.since_ref(baseline_ref, files, config, o["jobs"], Path.cwd()))
        diagnostics, known = kept.new, known + kept.known
    return diagnostics, "; " + "; ".join([f"{known} known from the baseline", *notes])


@main.command()
@_shared_options
@click.option("--rule", "rules", multiple=True, help="Apply this rule's fixes (opts in even when unsafe). Repeatable.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when a file was rewritten, even if no findings remain (pre-commit).")
def fix(rules: tuple[str, ...], **o: Any) -> None:
    """Rewrite PATHS to remove hazards; report what remains."""
    try:
        codes = {r.code for name in _split(rules) or [] for r in lookup(name)}
    except UnknownRule as e:
        _fail(f"unknown rule {e}")
        return
    _run_fix(o, codes)


@main.command()
@click.argument("name", required=False)
@click.option("--all", "show_all", is_flag=True, help="Every rule.")
@click.option("--output-format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help=f"markdown: the rules page (`{rule_docs.REGENERATE}`).")
def rule(name: str | None, show_all: bool, output_format: str) -> None:
    """Print the documentation of rule NAME (a code or a name), or of --all rules."""
    if show_all == bool(name):
        _fail("give a rule code or name, or --all")
    try:
        rules = list(RULES) if show_all else lookup(name or "")
    except UnknownRule:
        _fail(f"unknown rule {name!r}; known: {', '.join(r.code + ' ' + r.name for r in RULES)}")
        return
    if output_format == "json":
        click.echo(json.dumps([rule_docs.as_json(r) for r in rules], indent=2))
    elif output_format == "markdown":
        click.echo(rule_docs.markdown(rules), nl=False)
    else:
        click.echo("\n\n".join(rule_docs.text(r) for r in rules))


@main.group(name="baseline")
def baseline_group() -> None:
    """Record today's findings so that `check --baseline FILE` reports only new ones."""


@baseline_group.command("write")
@_selection_options
@click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False), help="The baseline file to write.")
def baseline_write(output: str, **o: Any) -> None:
    """Lint PATHS (default: .) and record every finding in the baseline file."""
    _, _, result = _lint(o)
    for err in result.internal_errors:
        click.echo(f"llmlint: {err}", err=True)
    items = baseline.for_file(result.diagnostics, result, result.source_lines(), Path(output))
    _emit(baseline.render(items), output)
    click.echo(f"Wrote {len(items)} finding{'s' if len(items) != 1 else ''} to {output}.", err=True)
    sys.exit(2 if result.internal_errors else 0)
