"""JUnit XML: one test suite per file with findings, one failing test case per finding.

A run without findings is one passing test case, so CI dashboards show that the gate ran.
"""

from __future__ import annotations

from itertools import groupby

from linter.diagnostics import Diagnostic


def render(diagnostics: list[Diagnostic], sources: dict[str, list[str]]) -> str:
    import xml.etree.ElementTree as ET  # here: start-up of every run pays for a top-level import

    n = str(len(diagnostics))
    root = ET.Element("testsuites", name="llmlint", tests=n, failures=n, errors="0")
    if not diagnostics:
        suite = ET.SubElement(root, "testsuite", name="llmlint", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="no findings", classname="llmlint")
        root.set("tests", "1")
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        items = list(group)
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(items)), failures=str(len(items)), errors="0")
        for d in items:
            case = ET.SubElement(
                suite, "testcase", name=f"{d.code} {d.name} at {d.span.line}:{d.span.column}",
                classname=path, file=path, line=str(d.span.line),
            )
            failure = ET.SubElement(case, "failure", message=str(d.message), type=d.code)
            failure.text = "\n".join([f"{d.path}:{d.span.line}:{d.span.column}: {d.code} [{d.name}] {d.message}",
                                      f"confidence: {d.confidence}", *(f"= {e}" for e in d.evidence)])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
