"""Answer files and class grading: every person's result survives every other
person's bad file, identical answers are checked once, reports are complete."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker import Limits, Status, assignment, grade
from checker.language.answerfile import AnswerFileError
from checker.language.answerfile import load as load_file
from checker.run import api

LIMITS = Limits(timeout=30, memory_mb=1024)


def write(tmp_path: Path, name: str, body: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return str(path)


GOOD = '''name = "Good"
[answers]
"1.4" = "f - y"
"1.6" = { latex = "(f-y)f(1-f)" }
"1.7" = "CE"
"2.1" = ["exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))",
         "exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))",
         "exp(x[i])/Sum(exp(x[j]), (j, 1, K))"]
'''
WRONG = '''[answers]
"1.4" = "y - f"
"1.7" = "CE"
'''


def test_answer_file_forms(tmp_path: Path) -> None:
    sheet = load_file(write(tmp_path, "good.toml", GOOD), assignment())
    assert sheet.person == "Good"
    entries = {e.qid: e for e in sheet.entries}
    assert entries["1.6"].latex and entries["1.6"].text == "(f-y)f(1-f)"
    assert entries["2.1"].text.count(" = ") == 2


def test_person_defaults_to_file_name(tmp_path: Path) -> None:
    assert load_file(write(tmp_path, "carol.toml", WRONG), assignment()).person == "carol"


@pytest.mark.parametrize(("body", "message"), [
    (b"\xff\xfe[answers]", "not UTF-8"),
    ('[answers\n"1.4" = "f"', "not valid TOML"),
    ('name = "x"', "no [answers] table"),
    ('name = 3\n[answers]\n"1.4" = "f"', "`name` must be a non-empty string"),
    ('extra = 1\n[answers]\n"1.4" = "f"', "unexpected key"),
    (b"[answers]\n" + b'"1.4" = "' + b"f" * (300 * 1024) + b'"', "larger than"),
])
def test_unusable_file_is_rejected_whole(tmp_path: Path, body: str | bytes, message: str) -> None:
    with pytest.raises(AnswerFileError) as caught:
        load_file(write(tmp_path, "bad.toml", body), assignment())
    assert message in str(caught.value)


@pytest.mark.parametrize(("line", "message"), [
    ('"9.9" = "f"', "unknown question ID"),
    ('"1.4" = true', "not true/false"),
    ('"1.4" = [1, 2]', "a list answers"),
    ('"1.4" = { tex = "f" }', "a table answer"),
    ('"1.4" = 1.5', "unsupported answer value"),
])
def test_bad_entry_is_an_error_for_that_question_only(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, "p.toml", f'[answers]\n{line}\n"1.7" = "CE"\n')
    [result] = grade([path], LIMITS)
    by_id = {v.id: v for v in result.verdicts}
    bad = next(v for v in result.verdicts if v.id != "1.7")
    assert bad.status is Status.ERROR and message in bad.reason
    assert by_id["1.7"].status is Status.VERIFIED


def test_a_poisoned_class_still_grades_everyone(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "good.toml", GOOD),
        write(tmp_path, "binary.toml", b"\x00\xff garbage"),
        write(tmp_path, "hostile.toml", '[answers]\n"1.4" = "__import__(\'os\').system(\'touch owned\')"\n'),
        write(tmp_path, "wrong.toml", WRONG),
        str(tmp_path / "missing.toml"),
    ]
    results = grade(paths, LIMITS)
    assert [r.person for r in results] == ["Good", "binary.toml", "hostile", "wrong", "missing.toml"]
    assert results[0].verified == 4
    assert results[1].file_error and not results[1].verdicts
    assert results[2].verdicts[0].status is Status.ERROR
    assert {v.id: v.status for v in results[3].verdicts} == {"1.4": Status.REFUTED, "1.7": Status.VERIFIED}
    assert "cannot read" in results[4].file_error
    assert not (tmp_path / "owned").exists() and not Path("owned").exists()


def test_identical_answers_are_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    real = api.check_answer

    def counting(qid: str, text: str, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append((qid, text))
        return real(qid, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "check_answer", counting)
    paths = [write(tmp_path, f"p{n}.toml", WRONG) for n in range(5)]
    results = grade(paths, LIMITS)
    assert sorted(calls) == [("1.4", "y - f"), ("1.7", "CE")]
    assert all(r.verified == 1 for r in results)
    assert [(r.person, len(r.verdicts)) for r in results] == [(f"p{n}", 2) for n in range(5)]


def test_parallel_grading_gives_the_same_results(tmp_path: Path) -> None:
    paths = [write(tmp_path, "good.toml", GOOD), write(tmp_path, "wrong.toml", WRONG)]
    serial = grade(paths, LIMITS, jobs=1)
    parallel = grade(paths, LIMITS, jobs=2)
    strip = lambda rs: [[(v.id, v.status, v.counterexample) for v in r.verdicts] for r in rs]  # noqa: E731
    assert strip(serial) == strip(parallel)


def run_grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", "grade", "--no-cache", *args],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})


def test_grade_formats_and_atomic_out(tmp_path: Path) -> None:
    paths = [write(tmp_path, "good.toml", GOOD), write(tmp_path, "wrong.toml", WRONG)]
    text = run_grade(*paths)
    # Every file was graded: the report is complete (its refutation is data in it), so 0.
    assert text.returncode == 0 and "Good" in text.stdout and "4/" in text.stdout
    document = json.loads(run_grade(*paths, "--format", "json").stdout)
    assert [p["verified"] for p in document["people"]] == [4, 1]
    rows = list(csv.DictReader(io.StringIO(run_grade(*paths, "--format", "csv").stdout)))
    assert {(r["person"], r["id"], r["status"]) for r in rows} >= {("wrong", "1.4", "refuted")}
    root = ET.fromstring(run_grade(*paths, "--format", "junit").stdout)
    assert {s.get("name") for s in root.findall("testsuite")} == {
        f"derivcheck.Good ({paths[0]})", f"derivcheck.wrong ({paths[1]})"}
    out = tmp_path / "report.json"
    result = run_grade(*paths, "--format", "json", "--out", str(out), "--jobs", "2", "--strict")
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(out.read_text())["exit_code"] == 1  # the code the run exited with
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_example_files_grade_as_documented() -> None:
    root = Path(__file__).resolve().parent.parent / "examples"
    ada, bob = grade([str(root / "ada.toml"), str(root / "bob.toml")], LIMITS, jobs=2)
    assert ada.person == "Ada Lovelace" and ada.verified == len(ada.verdicts) == 23
    statuses = {v.id: v.status for v in bob.verdicts}
    assert sorted(q for q, s in statuses.items() if s is Status.VERIFIED) == ["1.3", "1.5", "2.4", "5.4"]
    assert statuses["5.5"] is Status.ERROR  # an unknown name, reported for that answer alone
    others = [s for q, s in statuses.items() if q not in ("1.3", "1.5", "2.4", "5.4", "5.5")]
    assert others and all(s is Status.REFUTED for s in others)
    refuted = [v for v in bob.verdicts if v.status is Status.REFUTED]
    assert all(v.counterexample is not None for v in refuted)


@pytest.mark.parametrize(("body", "message"), [
    ('"1.4" = ' + "[" * 500 + "]" * 500, "nested too deeply"),
    ('"4.1" = ' + "9" * 5000, "cannot be read"),
])
def test_file_that_breaks_the_toml_reader_is_an_error(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, "evil.toml", "[answers]\n" + body + "\n")
    [result] = grade([path], LIMITS)
    assert message in result.file_error


def test_special_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    results = grade([str(fifo), str(zero), str(tmp_path)], LIMITS)
    assert all("not a regular file" in r.file_error and not r.verdicts for r in results)


def test_names_cannot_forge_report_lines_or_break_formats(tmp_path: Path) -> None:
    body = ('name = "=HYPERLINK(1)\\n\\u2713 Alice 1.4: forged\\u001b[2J"\n'
            '[answers]\n"1.4" = "y - f"\n"\\u001b[31m" = "x"\n')
    path = write(tmp_path, "eve.toml", body)
    text = run_grade(path)
    assert "\x1b" not in text.stdout and "\n✓ Alice" not in text.stdout
    root = ET.fromstring(run_grade(path, "--format", "junit").stdout)  # still parseable
    assert root.findall(".//testcase")
    rows = list(csv.reader(io.StringIO(run_grade(path, "--format", "csv").stdout)))
    assert all(row[0].startswith("'=HYPERLINK") for row in rows[1:])


def test_unwritable_out_fails_before_grading(tmp_path: Path) -> None:
    path = write(tmp_path, "good.toml", GOOD)
    result = run_grade(path, "--out", str(tmp_path / "missing" / "report.txt"))
    assert result.returncode == 4 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_non_utf8_file_name_is_reported_safely(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"\xff\xfename.toml")
    with open(raw, "w", encoding="utf-8") as stream:
        stream.write(WRONG)
    out = tmp_path / "report.csv"
    result = run_grade(os.fsdecode(raw), "--format", "csv", "--out", str(out), "--strict")
    assert result.returncode == 1, result.stderr
    assert "\\xff\\xfename" in out.read_text(encoding="utf-8")


# What a person wrote is never dropped without a message ---------------------------------
@pytest.mark.parametrize(("body", "qid", "message"), [
    # Unquoted, 1.4 is TOML's dotted key: the table `1` holding the key `4`.
    ('[answers]\n1.4 = "f - y"\n"1.7" = "CE"\n', "1.4", 'quote the question ID: `"1.4" = …`'),
    ('[answers]\n4.3.full = [1, 2, 5, 8, 6, 8]\n"1.7" = "CE"\n', "4.3.full", 'quote the question ID'),
    ('[answers]\n1.6 = { latex = "(f-y)f(1-f)" }\n"1.7" = "CE"\n', "1.6", 'quote the question ID'),
    ('[answers.1]\n4 = "f - y"\n[answers]\n"1.7" = "CE"\n', "1.4", 'quote the question ID'),
    ('[answers]\n9.9 = "f"\n"1.7" = "CE"\n', "9.9", 'unknown question ID `9.9`'),
    # Before the [answers] table: read as a top-level key.
    ('"1.4" = "f - y"\n[answers]\n"1.7" = "CE"\n', "1.4", "put it under the line `[answers]`"),
    ('1.4 = "f - y"\n[answers]\n"1.7" = "CE"\n', "1.4", 'quote the question ID'),
    ('[answers]\n"1.7" = "CE"\nname = "Ada"\n', "name", "`name` belongs above the [answers] table"),
    ('[answers]\n"1.44" = "f - y"\n"1.7" = "CE"\n', "1.44", "did you mean `1.4`?"),
])
def test_misplaced_answers_are_reported_not_lost(tmp_path: Path, body: str, qid: str,
                                                 message: str) -> None:
    [result] = grade([write(tmp_path, "p.toml", body)], LIMITS)
    by_id = {v.id: v for v in result.verdicts}
    assert by_id[qid].status is Status.ERROR and message in by_id[qid].reason, by_id[qid].reason
    assert by_id["1.7"].status is Status.VERIFIED  # the rest of the file is graded


@pytest.mark.parametrize(("body", "message"), [
    ('[answer]\n"1.4" = "f - y"\n', "did you mean `answers`?"),
    ('name = "x"\n', "put a line `[answers]` above the answers"),
    ('answers = "f - y"\n', "`answers` must be a table"),
])
def test_a_file_without_usable_answers_says_why(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(AnswerFileError) as caught:
        load_file(write(tmp_path, "bad.toml", body), assignment())
    assert message in str(caught.value)


def test_a_byte_order_mark_is_not_content(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.toml", b"\xef\xbb\xbf" + GOOD.encode())
    assert load_file(path, assignment()).person == "Good"


def test_only_keeps_the_asked_questions_and_what_no_question_owns(tmp_path: Path) -> None:
    body = GOOD + '"9.9" = "x"\n'
    sheet = load_file(write(tmp_path, "p.toml", body), assignment(), only=("1.4", "1.7"))
    assert [e.qid for e in sheet.entries] == ["1.4", "1.7", "9.9"]
