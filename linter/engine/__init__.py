"""The engine, by job: ``pipeline`` (discover -> analyse -> join -> rules -> suppress),
``workers`` (the process pool), ``demand`` (the fixed point over the rules' needs) and
``rerun`` (stored outcomes and the same-facts rerun). It knows no rule."""

from linter.engine.demand import Analysis, collect_facts
from linter.engine.pipeline import Result, check_files, check_paths, discover_files, open_cache, run_rules
from linter.engine.workers import make_job

__all__ = ["Analysis", "Result", "check_files", "check_paths", "collect_facts", "discover_files", "make_job", "open_cache", "run_rules"]
