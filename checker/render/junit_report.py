"""JUnit XML: one testcase per check, as CI systems read it.

refuted -> <failure type="refuted">, undecided -> <failure type="undecided"> (a
gate must not pass what was not shown), error -> <error>.

Every field written — attribute or a line of a details block — goes through
`junit_text`: one line (a newline is shown as `\n`), valid XML. So a details block
has exactly one `status:` line, the real one, whatever an answer, a name or a file
name holds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from checker.model.grades import PersonResult
from checker.model.overview import RunInfo
from checker.model.printable import junit_text, xml_safe
from checker.model.verdict import Status, Verdict


def render_junit(verdicts: list[Verdict], suite: str = "derivcheck") -> str:
    """One testsuite per question number (verify, check)."""
    groups: dict[str, list[Verdict]] = {}
    for v in verdicts:
        groups.setdefault(v.id.split(".")[0], []).append(v)
    return _document(list(groups.items()), suite)


def render_graded_junit(results: list[PersonResult], suite: str = "derivcheck",
                        run: RunInfo | None = None) -> str:
    """One testsuite per answer file (two people of one name stay apart); `run`, when
    given, is recorded as each suite's properties (versions, options, course file)."""
    groups: list[tuple[str, list[Verdict]]] = []
    for r in results:
        members = list(r.verdicts)
        if r.file_error:
            members.insert(0, Verdict("file", r.path, Status.ERROR, "answer file", 0.0,
                                      reason=r.file_error))
        groups.append((f"{r.person} ({r.path})", members))
    return _document(groups, suite, _properties(run) if run else [])


def _properties(run: RunInfo) -> list[tuple[str, str]]:
    return [("derivcheck_version", run.derivcheck_version), ("sympy_version", run.sympy_version),
            ("course_file", run.course_file or "none: one point per question"),
            *((f"option.{name}", value) for name, value in run.options)]


def _document(groups: list[tuple[str, list[Verdict]]], suite: str,
              properties: list[tuple[str, str]] | None = None) -> str:
    verdicts = [v for _, members in groups for v in members]
    failures = sum(v.status in (Status.REFUTED, Status.UNDECIDED) for v in verdicts)
    errors = sum(v.status is Status.ERROR for v in verdicts)
    suite = junit_text(suite)
    root = ET.Element("testsuites", name=suite, tests=str(len(verdicts)),
                      failures=str(failures), errors=str(errors))
    for group, members in groups:
        name = junit_text(group)  # a person, a file or a question ID's first part
        element = ET.SubElement(
            root, "testsuite", name=f"{suite}.{name}", tests=str(len(members)),
            failures=str(sum(v.status in (Status.REFUTED, Status.UNDECIDED) for v in members)),
            errors=str(sum(v.status is Status.ERROR for v in members)),
            time=f"{sum(v.seconds for v in members):.3f}",
        )
        if properties:
            listed = ET.SubElement(element, "properties")
            for key, value in properties:
                ET.SubElement(listed, "property", name=junit_text(key), value=junit_text(value))
        for v in members:
            case = ET.SubElement(element, "testcase", classname=f"{suite}.{name}",
                                 name=f"{junit_text(v.id)} {junit_text(v.title)}".strip(),
                                 time=f"{v.seconds:.3f}")
            text = _details(v)
            if v.status is Status.REFUTED:
                ET.SubElement(case, "failure", type="refuted", message=_message(v)).text = text
            elif v.status is Status.UNDECIDED:
                ET.SubElement(case, "failure", type="undecided", message=_message(v)).text = text
            elif v.status is Status.ERROR:
                ET.SubElement(case, "error", type="error", message=_message(v)).text = text
            else:
                ET.SubElement(case, "system-out").text = f"verified: {junit_text(v.method)}"
    for element in root.iter():
        # A last guard (every field is already junit_text): the report stays parseable.
        element.attrib = {k: xml_safe(v) for k, v in element.attrib.items()}
        if element.text:
            element.text = xml_safe(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _message(v: Verdict) -> str:
    if v.counterexample is not None:
        return junit_text(v.counterexample.describe())
    return junit_text(v.reason or v.method)


def _details(v: Verdict) -> str:
    """One field per line, each made single-line: only the first line says `status:`."""
    lines = [f"status: {v.status.value}", f"method: {junit_text(v.method)}"]
    if v.answer:
        lines.append(f"answer: {junit_text(v.answer)}")
    if v.parsed:
        lines.append(f"interpreted as: {junit_text(v.parsed)}")
    if v.reason:
        lines.append(f"reason: {junit_text(v.reason)}")
    if v.counterexample is not None:
        lines.append(f"counterexample: {junit_text(v.counterexample.describe())}")
    lines += [f"step [{s.status.value}] {s.place + ': ' if s.place else ''}{junit_text(s.text)}"
              for s in v.steps]
    return "\n".join(lines)

