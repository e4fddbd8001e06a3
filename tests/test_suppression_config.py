"""Suppression comments, per-file ignores, selection and configuration errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.analysis.source import suppressions
from linter.config import ConfigError, load
from tests.helpers import codes, lint

HAZARD = """
import litellm

async def handler(h):
    litellm.callbacks = [h]{comment}
"""


@pytest.mark.parametrize(
    "comment,suppressed",
    [
        ("", False),
        ("  # noqa", True),
        ("  # noqa: LLM002", True),
        ("  # noqa: llm002", True),
        ("  # noqa: global-callback-registration", True),
        ("  # noqa: E501, LLM002", True),
        ("  # noqa: LLM001", False),
        ("  # llmlint: ignore[LLM002] registered once per worker", True),
        ("  # llmlint: ignore[global-callback-registration]", True),
        ("  # llmlint: ignore[LLM003]", False),
    ],
)
def test_inline_suppression(tmp_path: Path, comment: str, suppressed: bool) -> None:
    diags = lint(tmp_path, {"m.py": HAZARD.format(comment=comment)})
    assert codes(diags) == ([] if suppressed else [("LLM002", 5)])


def test_suppressions_parser() -> None:
    text = "a = 1  # noqa\nb = 2  # noqa: LLM001,LLM002\nc = 3\nd = 4 # llmlint: ignore[LLM003, LLM004] why\n"
    assert suppressions(text) == {
        1: frozenset({"*"}),
        2: frozenset({"LLM001", "LLM002"}),
        4: frozenset({"LLM003", "LLM004"}),
    }


def test_select_ignore_and_per_file_ignores(tmp_path: Path) -> None:
    files = {"a.py": HAZARD.format(comment=""), "scripts/b.py": HAZARD.format(comment="")}
    assert len(lint(tmp_path, files)) == 2
    assert lint(tmp_path, files, select=["LLM001"]) == []
    assert lint(tmp_path, files, ignore=["global-callback-registration"]) == []
    assert len(lint(tmp_path, files, select=["LLM00"])) == 2
    (tmp_path / "pyproject.toml").write_text('[tool.llmlint]\nper-file-ignores = { "scripts/*.py" = ["LLM002"] }\n')
    config = load(None, tmp_path)
    assert config.per_file_ignores == [("scripts/*.py", frozenset({"LLM002"}))]


def test_config_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.llmlint]\nselect = ["LLM001", "lock-across-network-call"]\nexclude = ["gen/"]\n'
        'min-confidence = "low"\nnetwork-calls = ["corp.http.post"]\nlock-factories = ["corp.NamedLock"]\n'
    )
    sub = tmp_path / "src"
    sub.mkdir()
    config = load(None, sub)
    assert config.source == tmp_path / "pyproject.toml"
    assert sorted(config.codes) == ["LLM001", "LLM003"]
    assert config.exclude == ["gen/"]
    assert config.min_confidence == "low"
    assert "corp.http.post" in config.catalog.network_functions
    assert config.catalog.lock_factories["corp.NamedLock"] == "thread"


def test_extended_catalogues_are_used(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.llmlint]\nnetwork-calls = ["corp.http.post"]\nlock-factories = ["corp.sync.NamedLock"]\n'
    )
    (tmp_path / "m.py").write_text(
        "from corp import http, sync\n\nL = sync.NamedLock('x')\n\n\nasync def f():\n    with L:\n        http.post('u')\n"
    )
    from linter.engine import check_paths

    result = check_paths([str(tmp_path)], load(None, tmp_path), jobs=1, cwd=tmp_path)
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("LLM003", 7)]


@pytest.mark.parametrize(
    "toml,fragment",
    [
        ("[tool.llmlint]\nselct = ['LLM001']\n", "unknown key `selct`"),
        ("[tool.llmlint]\nselect = 'LLM001'\n", "`select` must be a list of strings"),
        ("[tool.llmlint]\nselect = ['LLM999']\n", "`select`: unknown rule 'LLM999'"),
        ("[tool.llmlint]\nmin-confidence = 'sure'\n", "`min-confidence` must be one of"),
        ("[tool.llmlint]\nrespect-gitignore = 'yes'\n", "`respect-gitignore` must be true or false"),
        ("[tool.llmlint]\nsyntax-check = 'some'\n", "`syntax-check` must be one of all, analysed, not 'some'"),
        ("[tool.llmlint]\nper-file-ignores = { 'a.py' = 'LLM001' }\n", "`per-file-ignores.a.py` must be a list"),
        ("[tool.llmlint\n", "cannot read TOML"),
    ],
)
def test_bad_config_names_key_and_file(tmp_path: Path, toml: str, fragment: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as err:
        load(None, tmp_path) if "cannot read" not in fragment else load(path, tmp_path)
    assert fragment in str(err.value)
    assert str(path) in str(err.value)


def test_gitignore_and_excludes(tmp_path: Path) -> None:
    files = {
        "keep.py": HAZARD.format(comment=""),
        "generated/out.py": HAZARD.format(comment=""),
        "vendored/x.py": HAZARD.format(comment=""),
        ".venv/lib/y.py": HAZARD.format(comment=""),
        "sub/deep/z.py": HAZARD.format(comment=""),
    }
    (tmp_path / ".gitignore").write_text("generated/\n# comment\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("deep/z.py\n")
    diags = lint(tmp_path, files, exclude=["vendored"])
    assert [d.path for d in diags] == ["keep.py"]
