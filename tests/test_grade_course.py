"""`grade` with a course file, overrides and audiences, through the command line."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
COURSE = EXAMPLES / "course" / "derivcheck.toml"


def derivcheck(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", *args, "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def graded() -> dict[str, object]:
    """The example class (Ada right everywhere, Bob with typical mistakes) in JSON."""
    result = derivcheck("grade", str(EXAMPLES / "ada.toml"), str(EXAMPLES / "bob.toml"),
                        "--course", str(COURSE), "--format", "json")
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_points_come_from_the_course_file(graded: dict[str, object]) -> None:
    people = graded["people"]
    assert isinstance(people, list)
    ada, bob = people
    assert (ada["person"], ada["id"], ada["score"], ada["max_score"]) == ("Ada Lovelace", "260001", 83, 83)
    assert bob["id"] == "260002" and 0 < bob["score"] < 83
    # Bob's score is the sum of his question points, each verified answer earning it all.
    assert bob["score"] == sum(q["points"] for q in bob["questions"])
    for question in bob["questions"]:
        if question["status"] == "verified":
            assert question["points"] == question["max_points"]
        else:
            assert question["points"] == 0
    run = graded["run"]
    assert isinstance(run, dict)
    assert run["course_file"].endswith("derivcheck.toml") and run["sympy_version"]
    assert run["options"]["audience"] == "staff"


def test_every_question_of_every_person_is_in_the_results(graded: dict[str, object]) -> None:
    results = graded["results"]
    assert isinstance(results, list)
    assert len(results) == 2 * 23
    statuses = {item["status"] for item in results}
    assert statuses <= {"verified", "refuted", "undecided", "error", "not answered"}
    assert all("points" in item and "max_points" in item for item in results)


def test_overview_counts_the_class(graded: dict[str, object]) -> None:
    overview = graded["overview"]
    assert isinstance(overview, dict)
    assert overview["people"] == 2 and overview["graded"] == 2
    assert sum(b["count"] for b in overview["histogram"]) == 2
    assert [q["id"] for q in overview["questions"]][:3] == ["1.1", "1.2", "1.3"]
    first = overview["questions"][0]
    assert first["verified"] + first["refuted"] + first["undecided"] + first["error"] \
        + first["not_answered"] == 2


def test_overrides_win_and_are_shown(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("person,question,points,comment\n260002,1.1,1.5,tanh is fine here\n"
                         "Nobody,1.1,1,typo\n")
    result = derivcheck("grade", str(EXAMPLES / "bob.toml"), "--course", str(COURSE),
                        "--overrides", str(overrides), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "`Nobody` names no graded file" in result.stderr
    (bob,) = json.loads(result.stdout)["people"]
    first = bob["questions"][0]
    assert first["id"] == "1.1" and first["points"] == 1.5
    assert first["override"]["comment"] == "tanh is fine here"
    text = derivcheck("grade", str(EXAMPLES / "bob.toml"), "--course", str(COURSE),
                      "--overrides", str(overrides))
    assert "overridden" in text.stdout


def test_a_bad_course_file_stops_before_grading(tmp_path: Path) -> None:
    course = tmp_path / "derivcheck.toml"
    course.write_text("[assignment-1.points]\n\"1.1\" = 1\n")
    result = derivcheck("grade", str(EXAMPLES / "ada.toml"), "--course", str(course))
    assert result.returncode == 2
    assert "no points for 1.2" in result.stderr and result.stdout == ""
    missing = derivcheck("grade", str(EXAMPLES / "ada.toml"), "--course", str(tmp_path / "x.toml"))
    assert missing.returncode == 4 and "--course" in missing.stderr


def test_the_course_file_in_the_working_directory_is_found(tmp_path: Path) -> None:
    shutil.copy(COURSE, tmp_path / "derivcheck.toml")
    result = derivcheck("grade", str(EXAMPLES / "ada.toml"), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["people"][0]["max_score"] == 83


def test_gradebook_has_one_row_per_person_with_ids(tmp_path: Path) -> None:
    broken = tmp_path / "eve.toml"
    broken.write_text("not toml = =")
    result = derivcheck("grade", str(EXAMPLES / "ada.toml"), str(EXAMPLES / "bob.toml"), str(broken),
                        "--course", str(COURSE), "--format", "gradebook")
    assert result.returncode == 2  # a file could not be read
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["Student"] for r in rows] == ["Ada Lovelace", "Bob Example", "eve.toml"]
    assert [r["SIS User ID"] for r in rows] == ["260001", "260002", ""]
    assert rows[0]["assignment-1 total"] == "83" and rows[0]["assignment-1 1.1"] == "1.5"
    assert float(rows[1]["assignment-1 total"]) == sum(
        float(v) for k, v in rows[1].items() if k.startswith("assignment-1 ") and k != "assignment-1 total")
    assert rows[2]["assignment-1 total"] == ""  # unreadable: nothing to import, not a zero
    assert list(rows[0])[:5] == ["Student", "SIS User ID", "SIS Login ID", "Section", "Email address"]


def test_student_audience_never_shows_the_truth() -> None:
    staff = derivcheck("grade", str(EXAMPLES / "bob.toml"), "--format", "json")
    student = derivcheck("grade", str(EXAMPLES / "bob.toml"), "--format", "json",
                         "--audience", "student")
    staff_items = {i["id"]: i for i in json.loads(staff.stdout)["results"]}
    student_document = json.loads(student.stdout)
    student_items = {i["id"]: i for i in student_document["results"]}
    refuted = [qid for qid, item in staff_items.items() if item["counterexample"]]
    assert refuted
    for qid in refuted:
        truth = staff_items[qid]["counterexample"]["truth"]
        assert truth and student_items[qid]["counterexample"]["truth"] == ""
        assert f"truth {truth}" not in student_items[qid]["counterexample"]["text"]
    assert student_document["overview"]["wrong_answers"] == []


def test_one_submission_formats_take_one_file() -> None:
    result = derivcheck("grade", str(EXAMPLES / "ada.toml"), str(EXAMPLES / "bob.toml"),
                        "--format", "gradescope")
    assert result.returncode == 4 and "one answer file" in result.stderr


def test_text_report_starts_with_the_overview() -> None:
    result = derivcheck("grade", str(EXAMPLES / "ada.toml"), str(EXAMPLES / "bob.toml"),
                        "--course", str(COURSE))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("assignment-1: 2 files, 2 graded")
    assert "of 83 points" in lines[0]
    assert any(line.startswith("score distribution") for line in lines[:15])
    assert any("wrong answers, grouped" in line for line in lines)


def test_every_report_records_versions_options_and_course_file() -> None:
    import xml.etree.ElementTree as ET

    args = (str(EXAMPLES / "ada.toml"), "--course", str(COURSE), "--timeout", "20")
    junit = ET.fromstring(derivcheck("grade", *args, "--format", "junit").stdout)
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert properties["course_file"].endswith("course/derivcheck.toml")
    assert properties["option.timeout"] == "20" and properties["sympy_version"]
    text = derivcheck("grade", *args).stdout
    assert "SymPy " in text.splitlines()[-1] and "course/derivcheck.toml" in text.splitlines()[0]
    gradescope = json.loads(derivcheck("grade", *args, "--format", "gradescope").stdout)
    assert "course/derivcheck.toml" in json.dumps(gradescope)


def test_a_student_report_holds_one_person(tmp_path: Path) -> None:
    for fmt in ("text", "json", "csv", "junit", "html"):
        result = derivcheck("grade", str(EXAMPLES / "ada.toml"), str(EXAMPLES / "bob.toml"),
                            "--audience", "student", "--format", fmt)
        assert result.returncode == 4 and "one person's report" in result.stderr, fmt


def test_overrides_for_questions_left_out_by_only_are_kept_out(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("person,question,points,comment\nBob Example,2.1,1,reviewed\n"
                         "Bob Example,1.4,1,sign slip only\n")
    result = derivcheck("grade", str(EXAMPLES / "bob.toml"), "--only", "1.4", "--overrides",
                        str(overrides), "--format", "json")
    assert result.returncode == 0, result.stderr
    (bob,) = json.loads(result.stdout)["people"]
    assert [(q["id"], q["points"]) for q in bob["questions"]] == [("1.4", 1)]


def test_overrides_are_for_class_reports_only(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("person,question,points,comment\n260001,1.4,1,by hand\n")
    for extra in (("--format", "gradescope"), ("--format", "prairielearn"), ("--audience", "student")):
        result = derivcheck("grade", str(EXAMPLES / "ada.toml"), "--overrides", str(overrides), *extra)
        assert result.returncode == 4 and "class report" in result.stderr, extra


def test_an_unreadable_pyproject_is_said_not_silently_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.derivcheck.assignment-1\n")
    result = derivcheck("grade", str(EXAMPLES / "ada.toml"), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    assert "pyproject.toml is not valid TOML" in result.stderr and "--course" in result.stderr
