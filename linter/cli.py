"""Command line: parse options, call the API, print. Nothing else lives here.

Exit codes: 0 no findings; 1 findings (after ``fix`` too; with ``--diff``: a change); 2 usage,
config or internal error.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import click

from linter import __version__
from linter.config import Config, ConfigError, load
from linter.diagnostics import CONFIDENCE_LEVELS, Diagnostic
from linter.discovery import DiscoveryError
from linter.engine import Result, check_files, discover_files
from linter.report import FORMATS
from linter.rules import RULES, UnknownRule, lookup


def _split(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [v for value in values for v in value.split(",") if v.strip()]


def _fail(message: str) -> None:
    click.echo(f"llmlint: error: {message}", err=True)
    sys.exit(2)


def _shared_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options common to ``check`` and ``fix`` (ruff's names)."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option("--select", multiple=True, help="Rules to enable (codes, names or prefixes; comma-separated)."),
        click.option("--extend-select", multiple=True, help="Rules to enable on top of the configured ones."),
        click.option("--ignore", multiple=True, help="Rules to disable."),
        click.option("--exclude", multiple=True, help="Glob patterns of paths to skip (added to the config)."),
        click.option("--output-format", type=click.Choice(sorted(FORMATS)), default="full", show_default=True),
        click.option("--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (pyproject.toml or llmlint.toml)."),
        click.option("--isolated", is_flag=True, help="Ignore all configuration files."),
        click.option("--min-confidence", type=click.Choice(CONFIDENCE_LEVELS), default=None, help="Lowest confidence reported (default: medium)."),
        click.option("--force-exclude", is_flag=True, help="Apply excludes to paths named on the command line too."),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary line."),
        click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change behaviour (most concurrency rewrites do)."),
        click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the facts cache."),
        click.option("--cache-dir", type=click.Path(file_okay=False), help="Facts cache folder (default: .llmlint_cache beside the config)."),
        click.option("--no-prefilter", is_flag=True, help="Parse every file, not only those the byte scan selects (slow; proves the scan loses nothing)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _config(o: dict[str, Any]) -> Config:
    config = _load(o)
    if not o["no_cache"]:
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
        min_confidence=o["min_confidence"],
        isolated=o["isolated"],
    )


def _emit(text: str, output_file: str | None) -> None:
    if output_file:
        Path(output_file).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _report(diagnostics: list[Diagnostic], result: Result, o: dict[str, Any], statistics: bool = False) -> None:
    if statistics:
        counts = Counter((d.code, d.name) for d in diagnostics)
        text = "".join(
            f"{n:>5}  {code}  {name}\n" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
    else:
        fmt = o["output_format"]
        text = FORMATS[fmt](diagnostics, result.source_lines() if fmt == "full" else {})
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
    from linter.fixing import FixResult, fix_files, write_rewrites  # libcst codemods: only when fixing

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
    errors = write_rewrites(fixed, fixed.result.paths)
    for err in errors:
        click.echo(f"llmlint: {err}", err=True)
    remaining = [
        replace(d, message=f"{d.message} (no automatic fix: {reason})") if (reason := fixed.reason(d)) else d
        for d in fixed.result.diagnostics
    ]
    _report(remaining, fixed.result, o)
    _summary(
        o,
        f"Fixed {fixed.fixed} finding{'s' if fixed.fixed != 1 else ''} in {len(fixed.rewrites)} files; "
        f"{len(remaining)} remaining in {_scope(fixed.result)}.",
    )
    hidden = sum(1 for d in remaining if d.code in _fixers_needing_unsafe() and not o["unsafe_fixes"] and d.code not in rules)
    if hidden and not o["quiet"]:
        click.echo(f"{hidden} more fixable with --unsafe-fixes (or --rule NAME).", err=True)
    if errors or fixed.result.internal_errors:
        sys.exit(2)
    sys.exit(0 if o["exit_zero"] or not remaining else 1)


def _fixers_needing_unsafe() -> set[str]:
    from linter.fixes import FIXERS

    return {code for code, m in FIXERS.items() if m.SAFETY == "unsafe"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llmlint")
def main() -> None:
    """llmlint: find concurrency hazards in LLM application code (litellm callbacks, global state, locks)."""


@main.command()
@_shared_options
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply fixes (safe ones; --unsafe-fixes for the rest).")
def check(statistics: bool, apply_fix: bool, **o: Any) -> None:
    """Check PATHS (default: the current directory) and report hazards."""
    if apply_fix or o["diff"]:
        _run_fix(o, set())
        return
    try:
        config = _config(o)
        files = discover_files(list(o["paths"]) or ["."], config, force_exclude=o["force_exclude"])
        result = check_files(
            files, config, o["jobs"], prefilter=not o["no_prefilter"], need_index=o["output_format"] == "json"
        )
    except (ConfigError, DiscoveryError) as e:
        _fail(str(e))
        return
    if o["output_format"] == "json":
        from linter.fixing import with_fix_previews

        diagnostics = with_fix_previews(result)
    else:
        diagnostics = result.diagnostics
    _report(diagnostics, result, o, statistics)
    n = len(diagnostics)
    line = f"Found {n} finding{'s' if n != 1 else ''} in {_scope(result)}" if n else f"All checks passed: {_scope(result)}"
    _summary(o, line + (f", {result.suppressed} suppressed." if result.suppressed else "."))
    if result.internal_errors:
        sys.exit(2)
    sys.exit(0 if o["exit_zero"] or not diagnostics else 1)


@main.command()
@_shared_options
@click.option("--rule", "rules", multiple=True, help="Apply this rule's fixes (opts in even when unsafe). Repeatable.")
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
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
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
        click.echo(json.dumps([{"code": r.code, "name": r.name, "summary": r.summary, "doc": r.doc} for r in rules], indent=2))
        return
    click.echo("\n\n".join(f"# {r.code} {r.name}\n\n{r.doc}" for r in rules))
