"""Bad input: each case gets a clear message and the right exit code, never a traceback.

Unparsable or unreadable files are findings (LLM000, exit 1); an unusable command line or
config exits 2. Cases that could crash or hang the process (deep nesting, a FIFO) run the
installed command in a subprocess, so that a segfault or a hang fails the test instead of
killing or blocking the test run.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import run

HAZARD = "import litellm\n\nasync def handler(h):\n    litellm.callbacks = [h]\n"
PDD = (
    "import litellm\n\n_LAST = {}\n\n\ndef _track(kwargs, completion_response, start_time, end_time):\n"
    "    _LAST['cost'] = kwargs.get('response_cost', 0.0)\n\n\nlitellm.success_callback = [_track]\n\n\n"
    "def ask(p):\n    r = litellm.completion(model='m', messages=[])\n    return r, _LAST['cost']\n"
)


def concise(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    code, out, err = run(["check", *args, "--isolated", "--output-format", "concise", "-q"], tmp_path)
    assert "Traceback" not in out + err
    return code, out, err


def subprocess_check(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "linter", "check", *args, "--isolated", "--output-format", "concise", "-q"],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode in (0, 1, 2), f"crashed with {proc.returncode}: {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr
    return proc


# ------------------------------------------------------------------ encodings and bytes
def test_undecodable_bytes_point_at_the_bad_byte(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_bytes(b"x = 1\ny = 'caf\xe9'\n")
    code, out, _ = concise(tmp_path, ".")
    assert code == 1
    assert out == "bad.py:2:9: LLM000 [invalid-syntax] cannot decode file as utf-8: byte 0xe9 at line 2 (invalid continuation byte)\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"# -*- coding: bogus -*-\nx = 1\n", "unknown encoding in coding cookie: 'bogus'"),
        (b"# coding: ascii\nx = '\xc3\xa9'\n", "cannot decode file as ascii: byte 0xc3 at line 2"),
        (b"# coding: rot13\nx = 1\n", "coding cookie names 'rot13', which is not a text encoding"),
        (codecs.BOM_UTF8 + b"# coding: latin-1\nx = 1\n", "a UTF-8 BOM and a coding cookie for 'latin-1' contradict"),
        (codecs.BOM_UTF8 + b"# coding: utf8\nx = 1\n", "a UTF-8 BOM and a coding cookie for 'utf8' contradict"),
    ],
    ids=["unknown", "wrong", "not-text", "bom-conflict", "bom-utf8-spelling"],
)
def test_wrong_coding_cookie(tmp_path: Path, data: bytes, message: str) -> None:
    (tmp_path / "c.py").write_bytes(data)
    code, out, _ = concise(tmp_path, ".")
    assert code == 1 and "LLM000 [invalid-syntax]" in out and message in out, out


def test_cookie_on_line_two_only_below_a_comment(tmp_path: Path) -> None:
    # Python ignores a cookie on line 2 when line 1 is code: the file is UTF-8
    (tmp_path / "a.py").write_bytes("x = 1\n# coding: latin-1\ny = 'é'\n".encode())
    (tmp_path / "b.py").write_bytes("#!/usr/bin/env python\n# coding: latin-1\ny = 'é'\n".encode("latin-1"))
    assert concise(tmp_path, ".")[:2] == (0, "")


def test_bom_file_is_checked_with_right_positions(tmp_path: Path) -> None:
    (tmp_path / "h.py").write_bytes(codecs.BOM_UTF8 + HAZARD.encode())
    (tmp_path / "only_bom.py").write_bytes(codecs.BOM_UTF8)
    code, out, _ = concise(tmp_path, ".")
    assert code == 1 and out.startswith("h.py:4:5: LLM002") and out.count("\n") == 1


def test_nul_byte_is_a_syntax_error_at_its_position(tmp_path: Path) -> None:
    (tmp_path / "n.py").write_bytes(b"import litellm\nx = 1\x00\n")
    (tmp_path / "skipped.py").write_bytes(b"x = 1\ny = 2\x00\n")  # no token any rule needs
    code, out, _ = concise(tmp_path, ".")
    assert code == 1
    assert out == (
        "n.py:2:6: LLM000 [invalid-syntax] syntax error: source contains a NUL byte\n"
        "skipped.py:2:6: LLM000 [invalid-syntax] syntax error: source contains a NUL byte\n"
    )


def test_syntax_check_analysed_parses_only_the_files_a_rule_needs(tmp_path: Path) -> None:
    (tmp_path / "n.py").write_bytes(b"import litellm\nlitellm.callbacks = []\x00\n")  # the byte scan selects it
    (tmp_path / "skipped.py").write_text("print 'hello'\n")  # no token any rule needs
    (tmp_path / "ok.py").write_text("x = 1\n")
    code, out, _ = concise(tmp_path, ".", "--syntax-check", "analysed")
    assert code == 1 and out == "n.py:2:23: LLM000 [invalid-syntax] syntax error: source contains a NUL byte\n"
    code, out, _ = run(["check", ".", "--isolated", "--syntax-check", "analysed", "--select", "LLM001"], tmp_path)
    assert code == 0 and out == "All checks passed: 3 files (0 parsed).\n"
    (tmp_path / "pyproject.toml").write_text("[tool.llmlint]\nsyntax-check = 'analysed'\n")
    code, out, _ = run(["check", ".", "--output-format", "concise", "-q"], tmp_path)
    assert code == 1 and out.startswith("n.py:2:23: LLM000") and "skipped.py" not in out
    # the command line wins over the config; with only LLM000 enabled every file is parsed
    for args in (["--syntax-check", "all"], ["--select", "LLM000"]):
        code, out, _ = run(["check", ".", "--output-format", "concise", "-q", *args], tmp_path)
        assert code == 1 and "skipped.py:1:1: LLM000 [invalid-syntax] syntax error: Missing parentheses" in out, out


def test_a_file_the_byte_scan_rules_out_gets_the_parsers_verdict(tmp_path: Path) -> None:
    # checked without building a tree, through the symbol table: it rejects these, the parser
    # does not (Python raises them when compiling), so they are no LLM000, as in an analysed file
    (tmp_path / "nonlocal.py").write_text("def f():\n    nonlocal x\n")
    (tmp_path / "toplevel.py").write_text("nonlocal y\n")
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    code, out, _ = concise(tmp_path, ".")
    assert code == 1 and out == "broken.py:1:7: LLM000 [invalid-syntax] syntax error: invalid syntax\n"


def test_syntax_of_ruled_out_files_checked_beside_the_rounds(tmp_path: Path) -> None:
    # enough files for worker processes: the syntax checks of the files the byte scan rules out
    # run in a process of their own while the demand rounds go on; their verdicts are the same
    for i in range(40):
        (tmp_path / f"plain{i}.py").write_text(f"x = {i}\n")
    (tmp_path / "old.py").write_text("print 'hello'\n")
    (tmp_path / "zeros.py").write_text("x = 0777\n")
    (tmp_path / "app.py").write_text(HAZARD)
    expected = [
        "app.py:4:5: LLM002",
        "old.py:1:1: LLM000 [invalid-syntax] syntax error: Missing parentheses in call to 'print'",
        "zeros.py:1:5: LLM000 [invalid-syntax] syntax error: leading zeros in decimal integer literals are not permitted",
    ]
    for args in (["--no-cache"], ["--cache-dir", str(tmp_path / "c")], ["--cache-dir", str(tmp_path / "c")]):
        code, out, _ = concise(tmp_path, ".", "--jobs", "2", *args)
        lines = out.splitlines()
        assert code == 1 and len(lines) == 3 and all(line.startswith(e) for line, e in zip(lines, expected)), (args, out)


# ------------------------------------------------------------------ line endings, tabs, Python 2
def test_crlf_and_mixed_line_endings(tmp_path: Path) -> None:
    (tmp_path / "crlf.py").write_bytes(HAZARD.replace("\n", "\r\n").encode())
    mixed = "import litellm\r\n\nasync def handler(h):\r\n    litellm.callbacks = [h]\n"
    (tmp_path / "mixed.py").write_bytes(mixed.encode())
    (tmp_path / "cr.py").write_bytes(HAZARD.replace("\n", "\r").encode())  # old Mac endings
    code, out, _ = concise(tmp_path, ".")
    assert code == 1
    assert [line.split(" ")[0] for line in out.splitlines()] == ["cr.py:4:5:", "crlf.py:4:5:", "mixed.py:4:5:"]


def test_mixed_line_endings_survive_fix(tmp_path: Path) -> None:
    lines = PDD.splitlines(keepends=True)
    mixed = "".join(line.replace("\n", "\r\n") if i % 2 else line for i, line in enumerate(lines))
    (tmp_path / "app.py").write_bytes(mixed.encode())
    code, out, err = run(["fix", ".", "--isolated", "--rule", "LLM001"], tmp_path)
    assert code == 0, out + err
    fixed = (tmp_path / "app.py").read_bytes()
    compile(fixed, "app.py", "exec")
    assert b"_track_data" in fixed
    kept = {line for line in mixed.encode().splitlines(keepends=True)}
    # every original line that is still there has its own ending
    assert sum(1 for line in fixed.splitlines(keepends=True) if line in kept) >= len(lines) - 3


def test_lone_cr_file_is_not_rewritten(tmp_path: Path) -> None:
    """libcst drops a final lone CR; a rewrite would change bytes nobody asked to change."""
    (tmp_path / "app.py").write_bytes(PDD.replace("\n", "\r").encode())
    code, out, _ = run(["fix", ".", "--isolated", "--rule", "LLM001", "--output-format", "concise"], tmp_path)
    assert code == 1 and "no automatic fix: libcst does not reproduce this file exactly" in out
    assert (tmp_path / "app.py").read_bytes() == PDD.replace("\n", "\r").encode()


def test_tabs(tmp_path: Path) -> None:
    (tmp_path / "tabs.py").write_text(HAZARD.replace("    ", "\t"))
    (tmp_path / "mixed.py").write_text("import litellm\nif x:\n\tif y:\n        litellm.callbacks = []\n")
    code, out, _ = concise(tmp_path, ".")
    assert code == 1
    assert out.splitlines() == [
        "mixed.py:4:1: LLM000 [invalid-syntax] syntax error: inconsistent use of tabs and spaces in indentation",
        "tabs.py:4:2: LLM002 [global-callback-registration] " + out.splitlines()[1].split("] ", 1)[1],
    ]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("print 'hello'\n", "Missing parentheses in call to 'print'"),
        ("x = 0777\n", "leading zeros in decimal integer literals are not permitted"),
        ("x = `1`\n", "invalid syntax"),
        ("exec 'x = 1'\n", "Missing parentheses in call to 'exec'"),
    ],
    ids=["print", "octal", "backticks", "exec"],
)
def test_python2_syntax_is_reported_even_when_nothing_else_is_checked(tmp_path: Path, src: str, message: str) -> None:
    (tmp_path / "old.py").write_text(src)
    code, out, _ = concise(tmp_path, ".")
    assert code == 1 and out.startswith("old.py:") and f"LLM000 [invalid-syntax] syntax error: {message}" in out, out


def test_newer_syntax_that_this_python_rejects_but_libcst_parses_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "new.py").write_text("type Alias = list[int]\n\ndef first[T](xs: list[T]) -> T:\n    return xs[0]\n")
    assert concise(tmp_path, ".")[:2] == (0, "")


def test_empty_and_comment_only_files(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "blank.py").write_text("\n\n   \n")
    (tmp_path / "comment.py").write_text("# litellm.callbacks = [handler]\n")  # the byte scan selects it
    (tmp_path / "__init__.py").write_text("")
    code, out, err = run(["check", ".", "--isolated"], tmp_path)
    assert code == 0 and out == "All checks passed: 4 files (1 parsed).\n"


# ------------------------------------------------------------------ size and depth
def test_five_megabyte_files(tmp_path: Path) -> None:
    data = 'DATA = """\n' + "".join(f"{i:08d} " + "x" * 70 + "\n" for i in range(64_000)) + '"""\n'
    (tmp_path / "big_hazard.py").write_text(data + HAZARD)  # generated-data shape, parsed
    body = "".join(f"V{i} = '{'y' * 60}'  # {i}\n" for i in range(65_000))  # 5.2 MB of code, not parsed
    (tmp_path / "big_broken.py").write_text(body + "def broken(:\n")
    assert min((tmp_path / n).stat().st_size for n in ("big_hazard.py", "big_broken.py")) > 5_000_000
    code, out, _ = concise(tmp_path, ".", "--jobs", "1")
    assert code == 1
    assert out.splitlines() == [
        "big_broken.py:65001:12: LLM000 [invalid-syntax] syntax error: invalid syntax",
        "big_hazard.py:64006:5: " + out.splitlines()[1].split(": ", 1)[1],
    ]
    assert "LLM002" in out.splitlines()[1]


DEEP = {
    "parens": "import litellm\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "lists": "import litellm\nx = " + "[" * 3000 + "]" * 3000 + "\n",
    "unary": "import litellm\nx = " + "-" * 20000 + "y\n",
    "lambdas": "import litellm\nx = " + "lambda: " * 5000 + "1\n",
    "calls": "x = f" + "()" * 5000 + "\n",  # not parsed by libcst either way: CPython's verdict
    "indent": "import litellm\n" + "".join(" " * i + "if x:\n" for i in range(120)) + " " * 120 + "pass\n",
}


def _rejected(src: str) -> bool:
    """CPython running these tests refuses ``src`` (a SyntaxError, or its recursion limit)."""
    try:
        compile(src, "deep.py", "exec")
    except (SyntaxError, RecursionError, MemoryError):
        return True
    return False


def test_nesting_beyond_pythons_limits_is_reported_not_a_crash(tmp_path: Path) -> None:
    """libcst's native parser takes seconds per thousand levels and segfaults at ~5,000 levels
    of brackets or lambdas; CPython rejects these first and libcst never sees them."""
    for name, src in DEEP.items():
        (tmp_path / f"{name}.py").write_text(src)
    proc = subprocess_check(tmp_path, ".", "--jobs", "2", timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    # every one the running Python rejects (3.13 parses and compiles 5,000 chained calls: valid there)
    assert [line.split(":")[0] for line in lines] == sorted(f"{n}.py" for n, src in DEEP.items() if _rejected(src))
    assert len(lines) >= len(DEEP) - 1
    for line in lines:
        assert "LLM000 [invalid-syntax]" in line
        assert any(m in line for m in ("too many nested parentheses", "nesting too deep", "too many levels of indentation")), line


def test_deep_but_valid_code_is_checked_and_the_fix_refuses_cleanly(tmp_path: Path) -> None:
    """Deep enough to exhaust Python's recursion limit in libcst's recursive transformers."""
    src = PDD.replace("    r = litellm", "    z = " + "-" * 500 + "1\n    r = litellm")
    (tmp_path / "deep.py").write_text(src)
    proc = subprocess_check(tmp_path, ".", timeout=120)
    assert proc.returncode == 1 and "LLM001" in proc.stdout, proc.stdout + proc.stderr
    fix = subprocess.run([sys.executable, "-m", "linter", "fix", ".", "--isolated", "--unsafe-fixes", "--output-format", "concise"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert fix.returncode == 1 and "Traceback" not in fix.stderr and "internal error" not in fix.stderr, fix.stderr
    assert "no automatic fix: the code is nested too deeply for the codemod" in fix.stdout
    assert (tmp_path / "deep.py").read_text() == src


# ------------------------------------------------------------------ paths
def test_directory_passed_as_a_file_and_a_file_as_a_directory(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "pkg.py").mkdir()  # a directory named like a file is walked
    (tmp_path / "pkg.py" / "h.py").write_text(HAZARD)
    (tmp_path / "script").write_text(HAZARD)  # a file without .py, named explicitly, is checked
    for args in (["--config", "conf"], ["--output-file", "conf"]):
        code, _, err = run(["check", ".", *args], tmp_path)
        assert code == 2 and "is a directory" in err, err
    code, out, _ = concise(tmp_path, "pkg.py", "script")
    assert code == 1 and [line.split(":")[0] for line in out.splitlines()] == ["pkg.py/h.py", "script"]
    code, _, err = run(["check", "script/", "--isolated"], tmp_path)
    assert code in (1, 2) and "Traceback" not in err


def test_report_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "h.py").write_text(HAZARD)
    code, _, err = run(["check", ".", "--isolated", "-o", "h.py/report.json"], tmp_path)
    assert code == 2 and err.startswith("llmlint: error: h.py/report.json: cannot write the report:"), err


def test_missing_paths(tmp_path: Path) -> None:
    code, _, err = run(["check", "nope.py"], tmp_path)
    assert code == 2 and err == "llmlint: error: nope.py: no such file or directory\n"
    code, _, err = run(["check", ".", "--config", "missing.toml"], tmp_path)
    assert code == 2 and "missing.toml: config file not found" in err


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, where chmod 000 does not stop a read: the denial is simulated at
    os.open (which is what a real EACCES would come through)."""
    (tmp_path / "secret.py").write_text(HAZARD)
    (tmp_path / "ok.py").write_text(HAZARD)
    real_open = os.open

    def denying_open(path, flags, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denying_open)
    code, out, _ = concise(tmp_path, ".", "--jobs", "1")
    assert code == 1
    assert out.splitlines()[1] == "secret.py:1:1: LLM000 [invalid-syntax] cannot read file: Permission denied"
    assert out.splitlines()[0].startswith("ok.py:4:5: LLM002")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file; see test_unreadable_file")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    (tmp_path / "secret.py").write_text(HAZARD)
    os.chmod(tmp_path / "secret.py", 0)
    code, out, _ = concise(tmp_path, ".")
    assert code == 1 and "secret.py:1:1: LLM000 [invalid-syntax] cannot read file: Permission denied" in out


def test_unlistable_directory_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "h.py").write_text(HAZARD)
    real_scandir = os.scandir

    def denying_scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denying_scandir)
    code, _, err = run(["check", ".", "--isolated"], tmp_path)
    assert code == 2 and err.endswith("locked: cannot list directory: Permission denied\n"), err


def test_fifo_is_reported_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "h.py").write_text(HAZARD)
    proc = subprocess_check(tmp_path, ".", timeout=60)  # reading the FIFO would block forever
    assert proc.returncode == 1
    assert "pipe.py:1:1: LLM000 [invalid-syntax] cannot read file: not a regular file" in proc.stdout
    proc = subprocess_check(tmp_path, "pipe.py", timeout=60)
    assert proc.returncode == 1 and "not a regular file" in proc.stdout


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "a.py").symlink_to("b.py")
    (tmp_path / "b.py").symlink_to("a.py")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "again").symlink_to("..")  # a directory loop: never entered
    (tmp_path / "sub" / "h.py").write_text(HAZARD)
    code, out, _ = concise(tmp_path, ".")
    assert code == 1
    assert out.splitlines()[:2] == [
        "a.py:1:1: LLM000 [invalid-syntax] cannot read file: Too many levels of symbolic links",
        "b.py:1:1: LLM000 [invalid-syntax] cannot read file: Too many levels of symbolic links",
    ]
    assert out.splitlines()[2].startswith("sub/h.py:4:5: LLM002") and len(out.splitlines()) == 3
    code, _, err = run(["check", "a.py", "--isolated"], tmp_path)
    assert code == 2 and "a.py: broken symlink or symlink loop" in err


def test_file_deleted_between_discovery_and_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import linter.engine

    (tmp_path / "gone.py").write_text(HAZARD)
    (tmp_path / "ok.py").write_text("x = 1\n")
    real = linter.engine.check_files

    def delete_then_check(files, *args, **kwargs):
        (tmp_path / "gone.py").unlink()
        return real(files, *args, **kwargs)

    monkeypatch.setattr("linter.cli.check_files", delete_then_check)
    code, out, _ = concise(tmp_path, ".", "--jobs", "1")
    assert code == 1 and out == "gone.py:1:1: LLM000 [invalid-syntax] cannot read file: No such file or directory\n"


@pytest.mark.parametrize("change", ["delete", "edit", "read-only"])
def test_fix_leaves_a_file_deleted_changed_or_read_only_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    import linter.cli

    app = tmp_path / "app.py"
    app.write_text(PDD)
    real = linter.cli.write_rewrites

    def meddle_then_write(fixed, paths):
        if change == "delete":
            app.unlink()
        elif change == "edit":
            app.write_text(PDD + "# edited meanwhile\n")
        else:
            os.chmod(app, 0o444)
        return real(fixed, paths)

    monkeypatch.setattr(linter.cli, "write_rewrites", meddle_then_write)
    code, out, err = run(["fix", ".", "--isolated", "--rule", "LLM001"], tmp_path)
    assert code == 2 and "Traceback" not in err
    expected = {
        "delete": "app.py: deleted since it was read; not written",
        "edit": "app.py: changed since it was read; not written",
        "read-only": "app.py: read-only (mode 444); not written",
    }[change]
    assert expected in err, err
    if change == "edit":
        assert app.read_text() == PDD + "# edited meanwhile\n"
    elif change == "read-only":
        assert app.read_text() == PDD
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".llmlint-tmp")]


# ------------------------------------------------------------------ config and rule names
@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.llmlint\nselect = [\n", "pyproject.toml: cannot read TOML"),
        ('[tool.llmlint]\nselect = "LLM001"\n', "`select` must be a list of strings"),
        ('[tool.llmlint]\nselect = ["LLM999"]\n', "`select`: unknown rule 'LLM999'"),
        ('[tool.llmlint]\nmin-confidence = "sure"\n', "`min-confidence` must be one of"),
        ("[tool.llmlint]\nper-file-ignores = 3\n", "`per-file-ignores` must be a table"),
        ('[tool]\nllmlint = "on"\n', "[tool.llmlint] must be a table"),
    ],
    ids=["syntax", "type", "rule", "value", "table", "not-a-table"],
)
def test_broken_pyproject(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    (tmp_path / "h.py").write_text(HAZARD)
    code, out, err = run(["check", "."], tmp_path)
    assert code == 2 and message in err and "pyproject.toml" in err and out == "", err


def test_undecodable_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.llmlint]\nexclude = ['\xff']\n")
    code, _, err = run(["check", "."], tmp_path)
    assert code == 2 and "pyproject.toml: cannot read TOML" in err


@pytest.mark.parametrize(
    "args",
    [["check", ".", "--select", "nope"], ["check", ".", "--ignore", "LLM9"], ["fix", ".", "--rule", "nope"], ["rule", "nope"]],
)
def test_unknown_rule_name(tmp_path: Path, args: list[str]) -> None:
    code, out, err = run([*args, "--isolated"] if args[0] != "rule" else args, tmp_path)
    assert code == 2 and "unknown rule" in err and "Traceback" not in err, err


def test_unknown_rule_in_a_suppression_comment_is_harmless(tmp_path: Path) -> None:
    (tmp_path / "h.py").write_text(HAZARD.replace("[h]\n", "[h]  # noqa: not-a-rule\n"))
    code, out, _ = concise(tmp_path, ".")
    assert code == 1 and "LLM002" in out


def test_an_internal_error_exits_2_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "h.py").write_text(HAZARD)

    def bug(*args, **kwargs):
        raise KeyError("simulated bug")

    monkeypatch.setattr("linter.cli.check_files", bug)
    code, out, err = run(["check", ".", "--isolated"], tmp_path)
    assert code == 2
    assert err == "llmlint: error: internal error: KeyError: 'simulated bug' (LLMLINT_DEBUG=1 shows the traceback)\n"



def test_syntax_newer_than_this_python_is_analysed(tmp_path: Path) -> None:
    """libcst knows PEP 695 aliases; CPython 3.11 does not, so the facts come from libcst's tree
    lowered to older syntax (``lowering.py``): the hazard is found on every Python, at its
    place, and a file the byte scan rules out passes (it is valid Python)."""
    (tmp_path / "hazard.py").write_text("import litellm\n\ntype Alias = list[int]\n\nasync def h(cb):\n    litellm.callbacks = [cb]\n")
    (tmp_path / "plain.py").write_text("type Alias = list[int]\n")
    code, out, _ = concise(tmp_path)
    assert code == 1
    assert [line.split(" [")[0] for line in out.splitlines()] == ["hazard.py:6:5: LLM002"]
