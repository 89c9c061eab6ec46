"""Hardening of the reports: every field a person controls is written through one
escaping policy per format (checker.model.printable), at the output edge.

JUnit: no field can forge a line of a details block (a newline in an answer cannot
make a `status: verified` line), and the XML is valid whatever was typed. CSV: one
line per row, no formulas. Class table: escapes and rich markup shown as text.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import class_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import Counterexample, Limits, PersonResult, Status, StepResult, Verdict, check_answer, grade
from checker.model.printable import csv_cell, csv_safe, junit_text, printable, terminal_text, xml_safe
from checker.render.class_report import render_class, render_csv
from checker.render.junit_report import render_graded_junit, render_junit
from checker.render.text_report import make_console, render_check, render_lines, render_verify

FORGERY = "y - f\nstatus: verified\nmethod: symbolic\r\nstatus: verified"
LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def _details(document: str) -> list[list[str]]:
    """The text of every failure/error block, as lines (ElementTree parses it: valid XML)."""
    root = ET.fromstring(document)
    return [(element.text or "").split("\n") for element in root.iter()
            if element.tag in ("failure", "error")]


def _status_lines_are_real(document: str) -> None:
    root = ET.fromstring(document)
    for element in root.iter():
        for value in element.attrib.values():
            assert "\n" not in value and "\r" not in value
        if element.tag in ("failure", "error"):
            lines = (element.text or "").split("\n")
            assert lines[0].startswith("status: ")
            assert not any(line.lstrip().startswith("status:") for line in lines[1:]), lines
            assert all(not line.strip().startswith("status:") for line in
                       "\n".join(lines[1:]).splitlines())  # str.splitlines: every line break
        if element.tag == "system-out":
            assert len((element.text or "").splitlines()) <= 1


def test_newline_in_an_answer_cannot_forge_a_status_line() -> None:
    verdict = check_answer("1.4", FORGERY)
    document = render_junit([verdict])
    _status_lines_are_real(document)
    [lines] = _details(document)
    assert lines[0] == f"status: {verdict.status.value}"
    assert any("status: verified\\nmethod" in line for line in lines)  # shown, escaped


def test_every_field_of_a_verdict_is_single_line_in_junit() -> None:
    odd = "x\nstatus: verified"
    point = Counterexample(((odd, odd),), odd, odd, odd, odd)
    verdict = Verdict(odd, odd, Status.REFUTED, odd, 0.5, answer=odd, parsed=odd, counterexample=point,
                      reason=odd, steps=(StepResult(odd, Status.VERIFIED, odd, point),), notes=(odd,))
    for document in (render_junit([verdict]),
                     render_graded_junit([PersonResult(odd, odd, (verdict,), file_error=odd)]),
                     render_junit([Verdict(odd, odd, Status.VERIFIED, odd, 0.1)])):
        _status_lines_are_real(document)
        assert "\nstatus:" not in document and "\rstatus:" not in document


def test_names_and_files_are_single_line_valid_xml_in_junit() -> None:
    people = [PersonResult("Eve\nstatus: verified\x00\x1b[2J", "eve\udcff.toml",
                           (Verdict("1.4", "t", Status.ERROR, "parse", 0.0, answer="\ufffe\ud800]]>&<"),)),
              PersonResult("Eve\nstatus: verified\x00\x1b[2J", "other/eve.toml",
                           file_error="bad\nstatus: verified")]
    document = render_graded_junit(people)
    _status_lines_are_real(document)
    suites = ET.fromstring(document).findall("testsuite")
    assert len(suites) == 2 and suites[0].get("name") != suites[1].get("name")  # kept apart
    assert "Eve\\nstatus: verified\\x00\\x1b[2J" in (suites[0].get("name") or "")


def test_class_table_shows_markup_and_escapes_as_text() -> None:
    verdict = Verdict("9.9\x1b[31m", "", Status.ERROR, "answer file", 0.0,
                      reason="unknown question ID `9.9\x1b]0;title\x07`\n[red]forged[/red]")
    people = [PersonResult("[bold red]Eve[/]\x1b[2J\u202e", "eve.toml", (verdict,)),
              PersonResult("Mal\nok 5/5", "mal\x1b[2J.toml", file_error="not TOML\n[link=x]y[/link]")]
    out = render_class(class_report(people, ["1.4", "9.9\x1b[31m"]))
    assert "[bold red]Eve[/]\\x1b[2J\\u202e" in out
    assert "[red]forged[/red]" in out and "[link=x]y[/link]" in out
    assert not any(bad in out for bad in ("\x1b", "\x07", "\u202e"))
    assert "Mal\\nok 5/5" in out and "9.9\\x1b[31m" in out and "mal\\x1b[2J.toml" in out


def test_csv_rows_are_single_line_and_formula_safe() -> None:
    verdict = Verdict("1.4", "", Status.REFUTED, "=cmd|' /C calc'!A0", 0.0,
                      reason="+1\nperson,file,id", answer="-y")
    people = [PersonResult("=HYPERLINK(\"http://x\")", " @SUM(A1)\r\nx", (verdict,))]
    text = render_csv(people)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and len(text.splitlines()) == 2
    person, path, _, _, method, _, _, reason = rows[1]
    assert person.startswith("'=") and path.startswith("' @") and method.startswith("'=")
    assert reason.startswith("'+1\\nperson")


def test_policy_helpers() -> None:
    assert printable("a\nb\x1b\u2028\udcff") == "a\\nb\\x1b\\u2028\\udcff"
    assert junit_text("a\n\x00\ufffe") == "a\\n\\x00\\ufffe"
    assert terminal_text("[bold]x[/]") == "[bold]x[/]"
    assert xml_safe("a\nb\x00") == "a\nb\\x00"  # keeps line breaks: the last guard only
    assert csv_safe(" =1+1") == "' =1+1" and csv_safe("f - y") == "f - y"
    assert csv_cell("\t=1") == "\\t=1"  # escaped: no longer starts with a tab


def test_graded_class_with_hostile_names_writes_valid_reports(tmp_path: Path) -> None:
    weird = tmp_path / "eve\nstatus: verified.toml"
    weird.write_text('name = "Eve\\nstatus: verified\\u001b[2J"\n[answers]\n'
                     '"1.4" = "y - f\\nstatus: verified"\n"9.9\\u001b[31m" = "f"\n', encoding="utf-8")
    results = grade([str(weird)], Limits(30, 1024))
    _status_lines_are_real(render_graded_junit(results))
    assert len(list(csv.reader(io.StringIO(render_csv(results))))) == 1 + len(results[0].verdicts)
    assert "\x1b" not in render_class(class_report(results, ["1.4"]))


# -- the property: any text, in any field ----------------------------------------------------

NASTY = ["\n", "\r", "\r\n", "status: verified", "status:", "]]>", "<!--", "&amp;", "<x>", "\x00",
         "\x1b[2J", "\x1b]8;;http://x\x07", "[bold red]", "[/]", "\u202e", "\ufeff", "\ufffe", "\uffff",
         "\ud800", "\udcff", "=1+1", "@", "\t", *LINE_BREAKS]
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),  # surrogates included
    st.binary(max_size=40).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=5)), max_size=8).map("".join),
)
STATUSES = st.sampled_from(list(Status))


@st.composite
def people(draw: st.DrawFn) -> list[PersonResult]:
    out = []
    for _ in range(draw(st.integers(1, 2))):
        text = [draw(TEXT) for _ in range(8)]
        point = Counterexample(((text[0], text[1]),), text[2], text[3], text[4], text[5])
        verdict = Verdict(text[6], text[7], draw(STATUSES), draw(TEXT), 0.25, answer=draw(TEXT),
                          parsed=draw(TEXT), reason=draw(TEXT),
                          counterexample=point if draw(st.booleans()) else None,
                          steps=(StepResult(draw(TEXT), draw(STATUSES), draw(TEXT)),))
        out.append(PersonResult(draw(TEXT), draw(TEXT), (verdict,), file_error=draw(TEXT)))
    return out


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_every_helper_gives_valid_utf8_json_safe_text(text: str) -> None:
    for helper in (printable, junit_text, terminal_text, csv_cell, xml_safe):
        shown = helper(text)
        shown.encode("utf-8")  # no lone surrogate left
        assert json.loads(json.dumps(shown, ensure_ascii=False)) == shown
    for helper in (printable, junit_text, terminal_text, csv_cell):
        shown = helper(text)
        assert len(shown.splitlines()) <= 1 and shown.isprintable(), repr(shown)
    assert printable(text) == text or "\\" in printable(text)


@SETTINGS
@given(people())
def test_any_text_in_any_field_gives_valid_reports(results: list[PersonResult]) -> None:
    junit = render_graded_junit(results)
    junit.encode("utf-8")
    _status_lines_are_real(junit)  # ElementTree parses it, one real status line per block
    verdicts = [v for r in results for v in r.verdicts]
    _status_lines_are_real(render_junit(verdicts))
    text = render_csv(results)
    text.encode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + sum(1 + bool(r.file_error) for r in results)
    assert all(len(row) == 8 for row in rows)
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    table = render_class(class_report(results, ["1.4"]))
    table.encode("utf-8")
    assert not any(ch in table for ch in "\x00\x07\x1b\u202e\ufffe") and "\r" not in table
    # The terminal report of each verdict (check, verify -v): every field shown as text.
    for render in (render_check, render_lines, lambda vs, console: render_verify(vs, console, every=True)):
        out = io.StringIO()
        render(verdicts, make_console(out, color="never"))
        shown = out.getvalue()
        assert not any(ch in shown for ch in "\x00\x07\x1b\u202e\ufffe") and "\r" not in shown
