"""Command line: parse options, call the API, print. Nothing else lives here.

Exit codes: 0 no findings; 1 findings; 2 usage, config or internal error.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from linter import __version__
from linter.config import ConfigError, load
from linter.diagnostics import CONFIDENCE_LEVELS
from linter.discovery import DiscoveryError
from linter.engine import check_paths
from linter.report import FORMATS
from linter.rules import RULES, UnknownRule, lookup


def _split(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [v for value in values for v in value.split(",") if v.strip()]


def _fail(message: str) -> None:
    click.echo(f"llmlint: error: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llmlint")
def main() -> None:
    """llmlint: find concurrency hazards in LLM application code (litellm callbacks, global state, locks)."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, help="Rules to enable (codes, names or prefixes; comma-separated).")
@click.option("--extend-select", multiple=True, help="Rules to enable on top of the configured ones.")
@click.option("--ignore", multiple=True, help="Rules to disable.")
@click.option("--exclude", multiple=True, help="Glob patterns of paths to skip (added to the config).")
@click.option("--output-format", type=click.Choice(sorted(FORMATS)), default="full", show_default=True)
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (pyproject.toml or llmlint.toml).")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--min-confidence", type=click.Choice(CONFIDENCE_LEVELS), default=None, help="Lowest confidence reported (default: medium).")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to paths named on the command line too.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary line.")
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    output_format: str,
    output_file: str | None,
    exit_zero: bool,
    statistics: bool,
    jobs: int | None,
    config_path: str | None,
    isolated: bool,
    min_confidence: str | None,
    force_exclude: bool,
    quiet: bool,
) -> None:
    """Check PATHS (default: the current directory) and report hazards."""
    cwd = Path.cwd()
    try:
        config = load(
            Path(config_path) if config_path else None,
            cwd,
            select=_split(select),
            extend_select=_split(extend_select),
            ignore=_split(ignore),
            exclude=_split(exclude),
            min_confidence=min_confidence,
            isolated=isolated,
        )
        result = check_paths(list(paths) or ["."], config, jobs=jobs, force_exclude=force_exclude)
    except (ConfigError, DiscoveryError) as e:
        _fail(str(e))
        return
    diagnostics = result.diagnostics
    if statistics:
        counts = Counter((d.code, d.name) for d in diagnostics)
        text = "".join(f"{n:>5}  {code}  {name}\n" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    else:
        text = FORMATS[output_format](diagnostics, result.source_lines() if output_format == "full" else {})
    if output_file:
        Path(output_file).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    for err in result.internal_errors:
        click.echo(f"llmlint: {err}", err=True)
    if not quiet and output_format in ("full", "concise") and not output_file:
        n = len(diagnostics)
        scope = f"{result.files_checked} files ({result.files_parsed} parsed)"
        summary = f"Found {n} finding{'s' if n != 1 else ''} in {scope}" if n else f"All checks passed: {scope}"
        if result.suppressed:
            summary += f", {result.suppressed} suppressed"
        click.echo(summary + ".")
    if result.internal_errors:
        sys.exit(2)
    sys.exit(0 if exit_zero or not diagnostics else 1)


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
