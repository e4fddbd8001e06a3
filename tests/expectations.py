"""Expected findings of a fixture case, from inline ``# expect: LLM001, LLM002`` markers."""

from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
_MARKER = re.compile(r"#\s*expect:\s*(?P<codes>LLM\d{3}(?:\s*,\s*LLM\d{3})*)")


def expected(case: Path) -> set[tuple[str, int, str]]:
    out: set[tuple[str, int, str]] = set()
    for path in sorted(case.rglob("*.py")):
        rel = path.relative_to(case).as_posix()
        text = path.read_bytes().decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), start=1):
            m = _MARKER.search(line)
            if m:
                for code in re.split(r"\s*,\s*", m.group("codes")):
                    out.add((rel, lineno, code))
    return out


def cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir())
