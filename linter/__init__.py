"""llmlint: a static linter for concurrency hazards in LLM applications.

Public API: ``check_paths(paths, config=None)`` returns a ``Result`` with sorted diagnostics.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def check_paths(paths: list[str], config=None, jobs: int | None = None):
    """Lint ``paths`` with ``config`` (default: the nearest pyproject.toml's [tool.llmlint])."""
    from linter import config as config_mod
    from linter import engine

    cfg = config or config_mod.load(None, Path.cwd())
    return engine.check_paths(paths, cfg, jobs=jobs)


__all__ = ["__version__", "check_paths"]
