"""JUnit XML, the test-report format Jenkins and GitLab display: suites of cases, failed or not."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field


@dataclass(frozen=True)
class JUnitCase:
    name: str
    classname: str
    failure_message: str | None = None
    failure_text: str = ""
    skipped: bool = False
    time_seconds: float = 0.0


@dataclass
class JUnitSuite:
    name: str
    cases: list[JUnitCase] = field(default_factory=list)


def junit_xml(suites: list[JUnitSuite], name: str = "dockgate") -> str:
    root = ET.Element("testsuites", name=name)
    total = failures = skipped = 0
    for suite in suites:
        suite_failures = sum(1 for c in suite.cases if c.failure_message is not None)
        suite_skipped = sum(1 for c in suite.cases if c.skipped)
        element = ET.SubElement(
            root, "testsuite", name=suite.name, tests=str(len(suite.cases)), failures=str(suite_failures), errors="0", skipped=str(suite_skipped)
        )
        for case in suite.cases:
            node = ET.SubElement(element, "testcase", name=case.name, classname=case.classname, time=f"{case.time_seconds:.3f}")
            if case.failure_message is not None:
                failure = ET.SubElement(node, "failure", message=case.failure_message, type="policy")
                failure.text = case.failure_text or case.failure_message
            elif case.skipped:
                ET.SubElement(node, "skipped")
        total += len(suite.cases)
        failures += suite_failures
        skipped += suite_skipped
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
