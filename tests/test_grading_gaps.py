"""Gaps a review of `grade` found: the text overview on one terminal screen, the accepted
words a student report must not list, the run record of every format, conflicting
overrides, the gradebook's total column, the mode of `--out` files, PrairieLearn with a
staff audience, classes where nothing was graded, and answer files for another
assignment."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import stat
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len

from checker import Limits, grade
from checker.cli.output import write_atomically
from checker.language.coursefile import CourseFileError, load_overrides
from checker.model.course import Course, Override, PersonScore, QuestionScore
from checker.model.grades import PersonResult
from checker.model.options import Options
from checker.model.overview import (
    AnswerGroup,
    ClassOverview,
    ClassReport,
    QuestionStats,
    RunInfo,
    ScoreBin,
)
from checker.model.verdict import Counterexample, Status, Verdict
from checker.render.class_data import report_data
from checker.render.class_report import render_class
from checker.render.gradebook import render_gradebook
from checker.run.registry import assignment
from checker.run.scoring import resolve_overrides, score_class

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ADA = str(EXAMPLES / "ada.toml")
BOB = str(EXAMPLES / "bob.toml")
SECOND = str(EXAMPLES / "course-package" / "next_term" / "questions.py")  # assignment-2
LIMITS = Limits(timeout=30, memory_mb=1024)


def run_grade(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", "grade", "--no-cache", *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


# 1. The overview of a large class fits one terminal screen ---------------------------------

IDS = assignment().ids


def large_class(people: int = 200) -> ClassReport:
    """A class of `people` with long wrong answers and long counterexamples: two shared
    groups for every question, plus answers written by one person each."""
    course = Course("assignment-1", tuple((qid, 1.0) for qid in IDS),
                    source="/srv/courses/deep-learning/2025-spring/grading/derivcheck.toml")
    names = [f"Student number {k:03d} of the spring class" for k in range(people)]
    groups = []
    for n, qid in enumerate(IDS):
        for size in (40 - n, 12 + n % 5):
            answer = f"({qid}) " + " + ".join(f"w{k}*sigmoid(a{k} - {size})" for k in range(12))
            point = tuple((f"x{k}", f"{k + 1}/{k + 7}") for k in range(8))
            example = Counterexample(point, "12345678901234567890/98765432109876543210",
                                     "31415926535897932384/27182818284590452353", where="entry 1",
                                     note="re-checked at 120 significant digits, " * 3)
            groups.append(AnswerGroup(qid, answer, answer, Status.REFUTED,
                                      tuple(names[:size]), example))
        groups.append(AnswerGroup(qid, "alone " * 30, "alone", Status.REFUTED, (names[n % people],)))
    scores = tuple(PersonScore(PersonResult(name, f"{name}.toml"),
                               tuple(QuestionScore(qid, 1.0, 1.0, Status.VERIFIED) for qid in IDS))
                   for name in names)
    stats = tuple(QuestionStats(qid, 1.0, people, people - 50, 50, 0, 0, 0, 0.75) for qid in IDS)
    histogram = tuple(ScoreBin(float(k), float(k + 2), 10) for k in range(0, 22, 2))
    overview = ClassOverview(people, people, 23.0, 17.5, 18.0, histogram, stats, tuple(groups))
    run = RunInfo("0.1.0", "1.14.0", (("format", "text"), ("timeout", "5"), ("only", "1.4 1.6"),
                                      ("strict", "false")), course.source, 12.0)
    return ClassReport(course, scores, overview, run)


def before_table(text: str) -> list[str]:
    lines = text.splitlines()
    return lines[:next(k for k, line in enumerate(lines) if line.startswith("class"))]


def test_the_overview_of_a_large_class_fits_a_screen_of_100_columns_and_50_rows() -> None:
    report = large_class()
    top = before_table(render_class(report, width=100))
    assert len(top) <= 50
    assert max(cell_len(line) for line in top) <= 100, max(top, key=cell_len)
    assert top[0].startswith("assignment-1: 200 files, 200 graded · mean 17.5, median 18 of 23")
    assert "derivcheck.toml" in "\n".join(top[:2])  # the course file, cut from its start if need be
    listed = [line for line in top if line.startswith("✗ refuted")]
    assert len(listed) >= 10 and all("…" in line for line in listed)
    # The largest groups are the ones listed; the others are counted per question.
    assert any(" ×40 " in line for line in listed)
    assert any(line.startswith("more groups (listed with --verbose): ") for line in top)
    assert any(line.startswith("answers written by one person each") for line in top)
    # What is cut on the screen is whole in JSON and in a report written to a file or a pipe.
    answer = report.overview.wrong_answers[0].answer
    data = report_data(report)["overview"]
    assert isinstance(data, dict) and data["wrong_answers"][0]["answer"] == answer
    assert answer in render_class(report)


def test_a_small_class_lists_every_group_cut_to_the_width() -> None:
    report = large_class(people=6)
    top = before_table(render_class(report, width=60))
    assert max(cell_len(line) for line in top) <= 60
    assert sum(line.startswith("✗ refuted") for line in top) == len(report.overview.wrong_answers)


def test_grade_on_a_terminal_cuts_its_lines_to_the_terminal() -> None:
    """The command itself, on a pseudo-terminal of 100 columns and 50 rows."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen([sys.executable, "-m", "checker", "grade", ADA, BOB, "--no-cache",
                                "--color", "never"], stdin=subprocess.DEVNULL, stdout=slave,
                               stderr=subprocess.PIPE, cwd=ROOT, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, errors = process.communicate(timeout=600)
    assert process.returncode == 0, errors
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    top = before_table(text)
    groups = [line for line in top if line.startswith(("✗ refuted", "! error"))]
    assert groups and max(cell_len(line) for line in top) <= 100
    assert any("…" in line for line in groups)  # bob's counterexamples are longer than that
    # Piped, the same report keeps every line whole.
    piped = run_grade(ADA, BOB, "--color", "never").stdout
    assert max(cell_len(line) for line in before_table(piped)) > 100


# 2. A student report does not list the accepted words --------------------------------------

def test_a_word_answer_that_is_not_accepted_does_not_list_the_words_to_students(tmp_path: Path) -> None:
    path = tmp_path / "eve.toml"
    path.write_text('name = "Eve"\n[answers]\n"1.2" = "the probability"\n"1.7" = "MSE or CE"\n')
    gradescope = json.loads(run_grade(str(path), "--format", "gradescope").stdout)
    tests = {test["number"]: test["output"] for test in gradescope["tests"]}
    assert "`the probability` is not one of the words this question accepts" in tests["1.2"]
    assert "`MSE or CE` is not one of the words this question accepts" in tests["1.7"]
    whole = json.dumps(gradescope)
    assert "P(y=1|x)" not in whole and "P(y=0|x)" not in whole and "accepted answers" not in whole
    prairielearn = run_grade(str(path), "--format", "prairielearn").stdout
    assert "P(y=1|x)" not in prairielearn and "words this question accepts" in prairielearn
    # Staff see the list, as before.
    staff = json.loads(run_grade(str(path), "--format", "json").stdout)
    (item,) = [r for r in staff["results"] if r["id"] == "1.2"]
    assert item["reason"].endswith("is not one of the accepted answers: P(y=1|x), P(y=0|x)")


# 3. Every report records its run; CSV and gradebook are documented not to ----------------

def test_the_text_report_records_the_options() -> None:
    result = run_grade(ADA, "--timeout", "5", "--only", "1.4", "1.6", "--color", "never")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "SymPy " in lines[-1] and "derivcheck " in lines[-1]
    options = " ".join(lines[-3:])
    assert "--timeout 5" in options and "--only 1.4 1.6" in options
    assert "--memory 1024" in options and "--strict" not in options
    strict = run_grade(ADA, "--strict", "--color", "never").stdout.splitlines()
    assert "--strict" in " ".join(strict[-3:])


def test_the_docs_say_csv_and_gradebook_record_no_run_and_which_format_does() -> None:
    docs = (ROOT / "docs" / "grading.md").read_text(encoding="utf-8")
    paragraph = docs[docs.index("The reports that can hold a record"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    assert "**`csv` and `gradebook`\nrecord none of it**" in paragraph
    assert "`--format json --out run.json`" in paragraph and "`json` has `run`" in paragraph
    # and indeed neither has a row that is not data
    for fmt, first in (("csv", "person"), ("gradebook", "Student")):
        rows = list(csv.reader(io.StringIO(run_grade(ADA, "--format", fmt).stdout)))
        assert rows[0][0] == first and len(rows) == (24 if fmt == "csv" else 2)


# 4. Conflicting overrides ---------------------------------------------------------------

COURSE = Course("a", (("1.4", 3.0), ("1.7", 2.0)))


def overrides(tmp_path: Path, text: str) -> tuple[Override, ...]:
    path = tmp_path / "overrides.csv"
    path.write_text("person,question,points,comment\n" + text)
    return load_overrides(str(path), COURSE)


def test_two_rows_with_different_points_for_one_answer_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CourseFileError) as caught:
        overrides(tmp_path, "Ada,1.4,1,first\nBob,1.4,2\n\nAda,1.4,2.5,second\n")
    message = str(caught.value)
    assert "overrides.csv:5: `Ada` 1.4 is given 2.5 points here and 1 on line 2" in message
    # The same decision twice is one decision; another question or person is another.
    rows = overrides(tmp_path, "Ada,1.4,1,first\nAda,1.4,1.0,again\nAda,1.7,2\nBob,1.4,0\n")
    assert [(o.person, o.question, o.points) for o in rows] == [
        ("Ada", "1.4", 1.0), ("Ada", "1.4", 1.0), ("Ada", "1.7", 2.0), ("Bob", "1.4", 0.0)]


def test_the_command_refuses_them_before_grading(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("person,question,points,comment\n260001,1.4,1\nAda Lovelace,1.7,1\n260001,1.4,0\n")
    result = run_grade(ADA, "--overrides", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert "o.csv:4: `260001` 1.4 is given 0 points here and 1 on line 2" in result.stderr


def test_rows_naming_one_file_two_ways_with_different_points_are_not_used() -> None:
    verdict = Verdict("1.4", "", Status.REFUTED, "m", 0.0, answer="y - f")
    ada = PersonResult("Ada", "class/ada.toml", (verdict,), student_id="260001")
    by_file = Override("ada.toml", "1.4", 3.0, "", "o.csv:2")
    by_id = Override("260001", "1.4", 1.0, "", "o.csv:3")
    same = Override("260001", "1.7", 2.0, "", "o.csv:4")
    applied, problems = resolve_overrides([by_file, by_id, same], [ada])
    assert applied == {0: [same]}
    assert problems == ["o.csv:2 and o.csv:3: 2 rows give class/ada.toml 1.4 different points; keep "
                        "one; none of them is used"]
    (score,) = score_class([ada], COURSE, [by_file, by_id, same])
    assert [q.points for q in score.questions] == [0.0, 2.0]


# 5. The gradebook's total column is documented for Canvas and Moodle ----------------------

def test_the_docs_name_the_gradebook_columns_to_import() -> None:
    course = Course("assignment-1", (("1.4", 1.0), ("1.7", 1.0)))
    score = PersonScore(PersonResult("Ada", "ada.toml", student_id="1"),
                        (QuestionScore("1.4", 1.0, 1.0, Status.VERIFIED),
                         QuestionScore("1.7", 0.0, 1.0, Status.REFUTED)))
    overview = ClassOverview(1, 1, 2.0, 1.0, 1.0, (), (), ())
    header = next(csv.reader(io.StringIO(render_gradebook(
        ClassReport(course, (score,), overview, RunInfo("v", "v", (), ""))))))
    docs = (ROOT / "docs" / "grading.md").read_text(encoding="utf-8")
    section = docs[docs.index("### Gradebook import"):docs.index("## Exit codes of `grade`")]
    assert f"(`{header[-1]}`)" in section and f"(`{header[5]}`)" in section
    assert "**Import either the\nquestion columns or the total, never both**" in section
    assert "- Canvas:" in section and "- Moodle:" in section and "new assignment" in section


# 6. --out honours the umask ------------------------------------------------------------------

@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600),
                                             (0o002, 0o664)])
def test_out_files_get_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        target = tmp_path / "report.txt"
        write_atomically(str(target), "report\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_text() == "report\n" and os.listdir(tmp_path) == ["report.txt"]


def test_an_existing_out_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    target.chmod(0o640)
    old = os.umask(0o022)
    try:
        write_atomically(str(target), "new")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "new"


def test_the_command_writes_out_with_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); "
                             "from checker.cli import main; sys.exit(main())",
                             "grade", ADA, "--only", "1.4", "--no-cache", "--format", "json",
                             "--out", str(out)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# 7. PrairieLearn for staff is allowed, with a warning ---------------------------------------

def test_prairielearn_with_a_staff_audience_warns_once() -> None:
    staff = run_grade(ADA, "--only", "1.4", "--format", "prairielearn", "--audience", "staff")
    assert staff.returncode == 0 and json.loads(staff.stdout)["score"] == 1.0
    warnings = [line for line in staff.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "PrairieLearn shows results to the student at once" in warnings[0]
    student = run_grade(ADA, "--only", "1.4", "--format", "prairielearn")
    assert student.returncode == 0 and "warning" not in student.stderr


# 8. Nothing graded ------------------------------------------------------------------------------

def test_a_missing_only_file_does_not_claim_the_others_were_graded(tmp_path: Path) -> None:
    alone = run_grade(str(tmp_path / "nope.toml"))
    assert alone.returncode == 4
    assert "graded the other" not in alone.stderr and "nothing was graded" in alone.stderr
    both = run_grade(str(tmp_path / "nope.toml"), ADA, "--only", "1.4")
    assert both.returncode == 4 and "graded the other 1 file; see the report" in both.stderr


def test_a_class_where_no_file_was_read_shows_no_mean_and_no_rates(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("not toml = =")
    result = run_grade(str(bad), str(tmp_path / "nope.toml"), "--color", "never")
    assert result.returncode == 4
    top = before_table(result.stdout)
    assert "no file graded" in top[0] and "mean" not in top[0] and "median" not in top[0]
    assert not any(re.search(r"\b0%", line) for line in top)
    assert not any(line.startswith(("score distribution", "verified (pass rate")) for line in top)
    assert result.stdout.splitlines()[-1].startswith("2 files (0 graded) in ")
    html = run_grade(str(bad), "--format", "html").stdout
    overview = html[html.index('<section id="overview">'):]
    overview = overview[:overview.index("</section>")]
    assert "No file graded" in overview and 'data-field="graded" data-value="0"' in overview
    assert 'data-field="mean"' not in overview and "%" not in overview


# 9. A file that answers no question of the assignment graded ---------------------------------

def test_a_file_for_another_assignment_is_a_file_error_that_says_how_to_grade_it() -> None:
    options = Options(assignment="assignment-2", question_files=(SECOND,))
    (result,) = grade([ADA], LIMITS, options=options)
    assert result.person == "Ada Lovelace" and result.student_id == "260001" and not result.verdicts
    assert "its answers (`1.1`, `1.2`" in result.file_error
    assert "are to the questions of assignment `assignment-1`, not of `assignment-2`, the one graded" \
        in result.file_error
    assert 'add `assignment = "assignment-1"` above [answers]' in result.file_error
    assert "--assignment assignment-1" in result.file_error


def test_the_command_exits_2_and_still_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_grade(ADA, "--questions", SECOND, "--format", "json", "--out", str(out))
    assert result.returncode == 2, result.stderr
    (person,) = json.loads(out.read_text())["people"]
    assert "not of `assignment-2`" in person["file_error"] and person["score"] == 0


def test_an_id_both_assignments_have_does_not_make_a_file_the_graded_ones(tmp_path: Path) -> None:
    """Assignment 1 has a question "3"; so may a course's assignment. A file whose answers
    are all assignment 1's is still assignment 1's, whatever the one ID they share."""
    course = tmp_path / "shares.py"
    course.write_text(
        "import sympy as sp\nfrom checker.authoring import Assignment, expression\n"
        "ASSIGNMENT = Assignment('shares-3', 'shares', (expression('3', 'a', names={'a': 'real'}, "
        "truth=lambda n: n.a, reference='a'),))\n")
    options = Options(assignment="shares-3", question_files=(str(course),))
    (result,) = grade([ADA], LIMITS, options=options)
    assert not result.verdicts
    assert "are to the questions of assignment `assignment-1`, not of `shares-3`" in result.file_error
    # A file answering the shared ID alone is graded against the assignment asked for.
    alone = tmp_path / "alone.toml"
    alone.write_text('[answers]\n"3" = "a"\n')
    (graded,) = grade([str(alone)], LIMITS, options=options)
    assert not graded.file_error and [v.status for v in graded.verdicts] == [Status.VERIFIED]


def test_unknown_ids_of_no_assignment_and_mixed_files(tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[answers]\n"9.9" = "x"\n"7" = "y"\n')
    mixed = tmp_path / "mixed.toml"
    mixed.write_text('[answers]\n"9.9" = "x"\n"1.7" = "CE"\n')
    (nothing, some) = grade([str(unknown), str(mixed)], LIMITS)
    assert "none of its answers (`9.9`, `7`) is a question of assignment `assignment-1`" in nothing.file_error
    assert "--assignment" not in nothing.file_error
    # Some IDs known: graded as before, the unknown one an error of its own.
    assert not some.file_error
    statuses = {v.id: v.status for v in some.verdicts}
    assert statuses == {"9.9": Status.ERROR, "1.7": Status.VERIFIED}
    # --only does not hide the known IDs that make a file this assignment's.
    (only,) = grade([str(mixed)], LIMITS, only=("1.4",))
    assert not only.file_error and [v.id for v in only.verdicts] == ["9.9"]



def test_a_file_that_names_the_graded_assignment_is_graded_with_a_stray_id(tmp_path: Path) -> None:
    """A course assignment with questions 1.4 and 2.2; the file names it and answers both,
    plus a stray 1.3 (assignment 1's): it is graded, the stray ID an error of its own."""
    course = tmp_path / "mini.py"
    course.write_text(
        "import sympy as sp\nfrom checker.authoring import Assignment, expression\n"
        "ASSIGNMENT = Assignment('mini', 'mini', (\n"
        "    expression('1.4', 'a', names={'a': 'real'}, truth=lambda n: n.a, reference='a'),\n"
        "    expression('2.2', 'b', names={'a': 'real'}, truth=lambda n: 2*n.a, reference='2*a'),\n"
        "))\n")
    options = Options(assignment="mini", question_files=(str(course),))
    for header in ('assignment = "mini"\n', ""):  # named, or not: two of three IDs are mini's
        sheet = tmp_path / "s.toml"
        sheet.write_text(f'name = "Sam"\n{header}[answers]\n"1.4" = "a"\n"2.2" = "2*a"\n"1.3" = "x"\n')
        (result,) = grade([str(sheet)], LIMITS, options=options)
        assert not result.file_error, result.file_error
        assert {v.id: v.status for v in result.verdicts} == {
            "1.4": Status.VERIFIED, "2.2": Status.VERIFIED, "1.3": Status.ERROR}
