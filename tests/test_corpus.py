"""The quick corpus run: a sample of the standard library and of site-packages through check
(--jobs 1 and 2), fix --unsafe-fixes and a second fix (scripts/corpus_run.py has the full run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "corpus_run.py"


def test_corpus_sample(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--corpus", "stdlib,site-packages", "--sample", "120", "--work", str(tmp_path / "w"), "--json"],
        capture_output=True, text=True, timeout=600,
    )
    summary = json.loads(proc.stdout)
    assert summary["failures"] == [] and proc.returncode == 0, summary["failures"]
    assert summary["files"] > 60
    assert summary["unreported_syntax_errors"] == []
    assert summary["refix_files_written"] == 0
