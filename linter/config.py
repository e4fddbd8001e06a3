"""``[tool.llmlint]`` from the nearest pyproject.toml, merged with command-line overrides.

Keys (ruff's spelling where ruff has one):
  select, extend-select, ignore        rule codes, names or code prefixes ("ALL", "LLM00")
  exclude, extend-exclude               glob patterns relative to the config's folder
  per-file-ignores                      {glob: [codes]}
  respect-gitignore                     bool (default true)
  min-confidence                        "low" | "medium" | "high" (default "medium")
  cache-dir                             facts cache folder, relative to the config's folder
                                        (the CLI's default: .llmlint_cache there)
  syntax-check                          "all" (default: every file is parsed, for LLM000) |
                                        "analysed" (only the files a rule needs: faster)
  network-calls, lock-factories, callback-registries
                                        qualified names added to the built-in catalogues
A bad key or value raises ConfigError naming the key and the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from linter.analysis.catalog import Catalog
from linter.diagnostics import CONFIDENCE_LEVELS
from linter.rules import RULES, Rule, UnknownRule, lookup


class ConfigError(Exception):
    pass


_LIST_KEYS = (
    "select",
    "extend-select",
    "ignore",
    "exclude",
    "extend-exclude",
    "network-calls",
    "lock-factories",
    "callback-registries",
)
KNOWN_KEYS = frozenset(_LIST_KEYS + ("per-file-ignores", "respect-gitignore", "min-confidence", "cache-dir", "syntax-check"))
SYNTAX_CHECKS = ("all", "analysed")


@dataclass
class Config:
    rules: list[Rule] = field(default_factory=lambda: list(RULES))  # selected: what is reported
    # whose tokens the byte scan looks for and whose demands the analysis asks: every rule's,
    # whatever is selected, so a selected rule's findings are those of a run of all rules (with
    # only the selected rules' demands, pdd's --select LLM005 and --select LLM003 each lost a
    # finding that the full run has)
    demanding: list[Rule] = field(default_factory=lambda: list(RULES))
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    respect_gitignore: bool = True
    min_confidence: str = "medium"
    catalog: Catalog = field(default_factory=Catalog)
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None
    cache_dir: Path | None = None  # facts cache folder; None: no cache (the CLI sets one)
    syntax_check: str = "all"  # "analysed": files the byte scan rules out are not parsed

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.rules)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml that has a [tool.llmlint] table."""
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeError) as e:
                raise ConfigError(f"{candidate}: cannot read TOML: {e}") from None
            if "llmlint" in data.get("tool", {}):
                return candidate
    return None


def _table(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (tomllib.TOMLDecodeError, OSError, UnicodeError) as e:
        raise ConfigError(f"{path}: cannot read TOML: {e}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("llmlint", {})
    else:  # a dedicated llmlint.toml: top level, or [tool.llmlint]
        table = data.get("tool", {}).get("llmlint", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.llmlint] must be a table")
    return table


def _rule_codes(values: list[str], key: str, where: str) -> set[str]:
    out: set[str] = set()
    for v in values:
        try:
            out |= {r.code for r in lookup(v)}
        except UnknownRule:
            raise ConfigError(f"{where}: `{key}`: unknown rule {v!r} (see `llmlint rule --all`)") from None
    return out


def load(
    config_path: Path | None,
    cwd: Path,
    select: list[str] | None = None,
    extend_select: list[str] | None = None,
    ignore: list[str] | None = None,
    exclude: list[str] | None = None,
    min_confidence: str | None = None,
    isolated: bool = False,
    syntax_check: str | None = None,
) -> Config:
    path = config_path or (None if isolated else find_pyproject(cwd))
    table = _table(path) if path is not None else {}
    where = str(path) if path else "command line"
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key `{unknown[0]}` in [tool.llmlint] (known: {', '.join(sorted(KNOWN_KEYS))})")
    for key in _LIST_KEYS:
        if key in table and not (isinstance(table[key], list) and all(isinstance(v, str) for v in table[key])):
            raise ConfigError(f"{where}: `{key}` must be a list of strings")
    cfg = Config(root=(path.parent if path else cwd).resolve(), source=path)
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            raise ConfigError(f"{where}: `respect-gitignore` must be true or false")
        cfg.respect_gitignore = table["respect-gitignore"]
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"]:
            raise ConfigError(f"{where}: `cache-dir` must be a folder name (a string)")
        cfg.cache_dir = cfg.root / table["cache-dir"]
    conf_min = table.get("min-confidence", "medium")
    if conf_min not in CONFIDENCE_LEVELS:
        raise ConfigError(f"{where}: `min-confidence` must be one of {', '.join(CONFIDENCE_LEVELS)}, not {conf_min!r}")
    cfg.min_confidence = min_confidence or conf_min
    conf_syntax = table.get("syntax-check", "all")
    if conf_syntax not in SYNTAX_CHECKS:
        raise ConfigError(f"{where}: `syntax-check` must be one of {', '.join(SYNTAX_CHECKS)}, not {conf_syntax!r}")
    cfg.syntax_check = syntax_check or conf_syntax

    selected = _rule_codes(table.get("select", ["ALL"]), "select", where)
    selected |= _rule_codes(table.get("extend-select", []), "extend-select", where)
    selected -= _rule_codes(table.get("ignore", []), "ignore", where)
    if select is not None:
        selected = _rule_codes(select, "--select", "command line")
    if extend_select:
        selected |= _rule_codes(extend_select, "--extend-select", "command line")
    if ignore:
        selected -= _rule_codes(ignore, "--ignore", "command line")
    cfg.rules = [r for r in RULES if r.code in selected]

    cfg.exclude = list(table.get("exclude", [])) + list(table.get("extend-exclude", [])) + list(exclude or [])
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
    for glob, codes in pfi.items():
        if not (isinstance(codes, list) and all(isinstance(c, str) for c in codes)):
            raise ConfigError(f"{where}: `per-file-ignores.{glob}` must be a list of rule codes or names")
        cfg.per_file_ignores.append((glob, frozenset(_rule_codes(codes, f"per-file-ignores.{glob}", where))))
    cfg.catalog = Catalog().extended(
        network_calls=table.get("network-calls", []),
        lock_factories=table.get("lock-factories", []),
        callback_registries=table.get("callback-registries", []),
    )
    return cfg
