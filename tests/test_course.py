"""Course files, overrides and scores: every rule has inputs that must be rejected."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from checker.language.coursefile import (
    CourseChoice,
    CourseFileError,
    find_course_file,
    load_course,
    load_overrides,
)
from checker.model.course import (
    Audience,
    ChainCredit,
    Course,
    Credit,
    Override,
    for_students,
)
from checker.model.grades import PersonResult
from checker.model.question import AnswerKind, Assignment
from checker.model.verdict import Counterexample, Status, StepResult, Verdict
from checker.run.registry import assignment
from checker.run.scoring import for_audience, resolve_overrides, score_class, score_person

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "course" / "derivcheck.toml"


@pytest.fixture(scope="module")
def shipped() -> Assignment:
    return assignment()


def test_the_shipped_course_file_gives_the_assignment_weights(shipped: Assignment) -> None:
    course = load_course(CourseChoice(str(EXAMPLE)), shipped)
    points = dict(course.points)
    assert course.ids == shipped.ids
    assert course.max_total == 83
    # Printed weights: Q2 4-4-5-6, Q3 6, Q5 2-5-6-2-5-6 one to one.
    assert [points[q] for q in ("2.1", "2.2", "2.3", "2.4")] == [4, 4, 5, 6]
    assert [points[q] for q in ("5.1", "5.2", "5.3", "5.4", "5.5", "5.6")] == [2, 5, 6, 2, 5, 6]
    # Q1 prints 3-3-3-4-3 for seven parts, Q4 5-5-6 for five IDs.
    assert sum(points[q] for q in shipped.ids if q.startswith("1.")) == 3 + 3 + 3 + 4 + 3
    assert sum(points[q] for q in shipped.ids if q.startswith("4.")) == 5 + 5 + 6
    assert course.undecided is Credit.FLAG and course.error is Credit.FLAG
    assert course.chain_credit is ChainCredit.NONE


def test_no_course_file_means_one_point_each(shipped: Assignment, tmp_path: Path) -> None:
    choice = find_course_file(None, str(tmp_path))
    assert choice.path is None
    course = load_course(choice, shipped)
    assert course.max_total == len(shipped.ids) and course.source == ""


def test_course_file_found_in_the_directory_then_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.derivcheck.assignment-1.points]\n")
    assert find_course_file(None, str(tmp_path)) == CourseChoice(
        str(tmp_path / "pyproject.toml"), inside_pyproject=True)
    (tmp_path / "derivcheck.toml").write_text("")
    assert find_course_file(None, str(tmp_path)).path == str(tmp_path / "derivcheck.toml")


def test_a_pyproject_without_our_table_is_not_a_course_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_course_file(None, str(tmp_path)).path is None


def test_course_table_in_pyproject_is_read(shipped: Assignment, tmp_path: Path) -> None:
    body = EXAMPLE.read_text().replace("[assignment-1", "[tool.derivcheck.assignment-1")
    path = tmp_path / "pyproject.toml"
    path.write_text(body)
    course = load_course(CourseChoice(str(path), inside_pyproject=True), shipped)
    assert course.max_total == 83


@pytest.mark.parametrize(("body", "message"), [
    ("[other]\n", "[other] names no assignment"),
    ("", "has no table for assignment `assignment-1`"),
    ("[assignment-1]\nundecided = 'maybe'\n[assignment-1.points]\n", "`undecided` must be one of"),
    ("[assignment-1]\npoint = 1\n", "unknown key `point`; did you mean `points`"),
    ("[assignment-1]\n", "no points table"),
    ("[assignment-1.points]\n\"1.1\" = 1\n", "no points for 1.2"),
    ("[assignment-1.points]\n\"9.9\" = 1\n", "unknown question ID `9.9`"),
    ("[assignment-1.points]\n\"1.1\" = -1\n", "must be a number from 0 to"),
    ("[assignment-1.points]\n\"1.1\" = true\n", "must be a number from 0 to"),
    ("[assignment-1.points]\n\"1.1\" = nan\n", "must be a number from 0 to"),
    ("[assignment-1.points]\n\"1.1\" = 10001\n", "must be a number from 0 to"),
    ("not toml = = \n", "is not valid TOML"),
    ("undecided = 'full'\n[assignment-1.points]\n", "`undecided` is outside every assignment's table"),
    ("[assignmnet-1.points]\n\"1.1\" = 1\n", "[assignmnet-1] names no assignment; did you mean"),
])
def test_course_files_that_are_refused(shipped: Assignment, tmp_path: Path, body: str,
                                       message: str) -> None:
    path = tmp_path / "course.toml"
    path.write_text(body)
    with pytest.raises(CourseFileError) as caught:
        load_course(CourseChoice(str(path)), shipped)
    assert message in str(caught.value)


def test_every_point_value_at_the_limit_is_accepted(shipped: Assignment, tmp_path: Path) -> None:
    lines = "\n".join(f'"{qid}" = {10000 if i == 0 else 0}' for i, qid in enumerate(shipped.ids))
    path = tmp_path / "course.toml"
    path.write_text(f"[assignment-1.points]\n{lines}\n")
    assert load_course(CourseChoice(str(path)), shipped).max_total == 10000


def test_course_file_not_utf8_or_missing(shipped: Assignment, tmp_path: Path) -> None:
    path = tmp_path / "course.toml"
    path.write_bytes(b"[assignment-1]\n\xff")
    with pytest.raises(CourseFileError, match="not UTF-8"):
        load_course(CourseChoice(str(path)), shipped)
    with pytest.raises(CourseFileError, match="no such file"):
        load_course(CourseChoice(str(tmp_path / "absent.toml")), shipped)


COURSE = Course("a", (("1.4", 3.0), ("1.7", 2.0), ("2.1", 4.0)))


def _overrides(tmp_path: Path, text: str) -> tuple[Override, ...]:
    path = tmp_path / "overrides.csv"
    path.write_text(text)
    return load_overrides(str(path), COURSE)


def test_overrides_are_read_with_their_lines(tmp_path: Path) -> None:
    rows = _overrides(tmp_path, "person,question,points,comment\nAda,1.4,2.5,sign slip only\n\n"
                                "260002,1.7,2\n")
    assert [(o.person, o.question, o.points, o.comment) for o in rows] == [
        ("Ada", "1.4", 2.5, "sign slip only"), ("260002", "1.7", 2.0, "")]
    assert rows[0].source.endswith("overrides.csv:2") and rows[1].source.endswith("overrides.csv:4")


@pytest.mark.parametrize(("text", "message"), [
    ("name,question,points\n", "the header must be"),
    ("person,question,points,comment\nAda,9.9,1\n", ":2: unknown question ID `9.9`"),
    ("person,question,points,comment\nAda,1.4,four\n", ":2: points must be a number"),
    ("person,question,points,comment\nAda,1.4,3.5\n", ":2: 1.4 is worth 0 to 3 points"),
    ("person,question,points,comment\nAda,1.4,-1\n", "is worth 0 to 3 points"),
    ("person,question,points,comment\nAda,1.4,nan\n", "is worth 0 to 3 points"),
    ("person,question,points,comment\n,1.4,1\n", "the person is empty"),
    ("person,question,points,comment\nAda,1.4\n", "expected 3 or 4 cells"),
])
def test_overrides_that_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CourseFileError) as caught:
        _overrides(tmp_path, text)
    assert message in str(caught.value)


def _verdict(qid: str, status: Status, steps: tuple[Status, ...] = (), start: bool = False) -> Verdict:
    """A verdict with chain steps; `start`: the first step is the chain's anchor."""
    results = [StepResult("start", Status.VERIFIED, "start")] if start else []
    results += [StepResult(f"s{i}", s, "m") for i, s in enumerate(steps)]
    return Verdict(qid, qid, status, "m", 0.0, answer="x", steps=tuple(results))


def test_scores_follow_the_verdicts_and_the_policy() -> None:
    person = PersonResult("Ada", "ada.toml", (_verdict("1.4", Status.VERIFIED),
                                              _verdict("1.7", Status.UNDECIDED),
                                              _verdict("2.1", Status.REFUTED,
                                                       (Status.VERIFIED, Status.REFUTED), start=True)))
    score = score_person(person, COURSE)
    assert [(q.id, q.points, q.flagged) for q in score.questions] == [
        ("1.4", 3.0, False), ("1.7", 0.0, True), ("2.1", 0.0, False)]
    assert score.total == 3.0 and score.max_total == 9.0 and score.flagged == ("1.7",)
    generous = Course("a", COURSE.points, undecided=Credit.FULL, chain_credit=ChainCredit.LINKS)
    # 2.1's anchor is not a link; of its two links the first holds: half the points.
    score = score_person(person, generous, chains={"2.1"})
    assert [q.points for q in score.questions] == [3.0, 2.0, 2.0]
    strict = Course("a", COURSE.points, undecided=Credit.ZERO)
    assert score_person(person, strict).flagged == ()


LINKS = Course("a", COURSE.points, chain_credit=ChainCredit.LINKS)


@pytest.mark.parametrize(("status", "steps", "start", "points"), [
    # The sound prefix counts: links that hold from the start up to the first that does not.
    (Status.REFUTED, (Status.VERIFIED, Status.VERIFIED, Status.REFUTED, Status.VERIFIED), True, 2.0),
    # A chain that does not start from the question's left side earns nothing (`0 = 0 = …`).
    (Status.REFUTED, (Status.REFUTED, *(Status.VERIFIED,) * 10, Status.REFUTED), True, 0.0),
    # Without an anchor (question 5's chains), the first step is a link of its own.
    (Status.REFUTED, (Status.VERIFIED, Status.REFUTED, Status.REFUTED), False, 4 / 3),
    # Undecided and error follow their credit rule (flag: nothing), never a link share.
    (Status.UNDECIDED, (Status.VERIFIED, Status.VERIFIED, Status.UNDECIDED), True, 0.0),
])
def test_chain_credit_is_the_sound_prefix_of_a_refuted_chain(
        status: Status, steps: tuple[Status, ...], start: bool, points: float) -> None:
    person = PersonResult("Ada", "ada.toml", (_verdict("2.1", status, steps, start),
                                              _verdict("1.4", Status.REFUTED, (Status.VERIFIED,))))
    score = score_person(person, LINKS, chains={"2.1"})
    assert score.questions[2].points == pytest.approx(points)
    assert score.questions[0].points == 0.0  # 1.4 is not a chain: its steps earn nothing


def test_unanswered_and_unreadable_score_nothing() -> None:
    missing = score_person(PersonResult("Bob", "bob.toml", (_verdict("1.4", Status.ERROR),)), COURSE)
    assert [(q.status, q.points, q.flagged) for q in missing.questions] == [
        (Status.ERROR, 0.0, True), (None, 0.0, False), (None, 0.0, False)]
    broken = score_person(PersonResult("Eve", "eve.toml", file_error="not TOML"), COURSE)
    assert broken.total == 0 and all(q.status is None for q in broken.questions)


def _class() -> list[PersonResult]:
    undecided = (_verdict("1.7", Status.UNDECIDED),)
    return [PersonResult("Ada", "class/ada.toml", undecided, student_id="260001", email="ada@example.edu"),
            PersonResult("Same", "class/s1.toml", undecided),
            PersonResult("Same", "class/s2.toml", undecided),
            PersonResult("260001", "class/c.toml", undecided),  # a name that is Ada's id
            PersonResult("ada.toml", "class/d.toml", undecided)]  # a name that is Ada's file


def test_overrides_name_one_file_by_file_id_email_or_name() -> None:
    people = _class()
    people = [p for p in people if p.person not in ("260001", "ada.toml")]  # no one copies Ada
    for who in ("Ada", "260001", "ada@example.edu", "ada.toml", "class/ada.toml"):
        override = Override(who, "1.7", 1.5, "reviewed", "o.csv:2")
        applied, problems = resolve_overrides([override], people)
        assert (applied, problems) == ({0: [override]}, [])
        scores = score_class(people, COURSE, [override])
        question = scores[0].questions[1]
        assert (question.points, question.flagged, question.override) == (1.5, False, override)
        assert all(s.questions[1].points == 0 for s in scores[1:])


def test_an_id_or_name_a_student_copies_makes_the_override_ambiguous() -> None:
    """Ids, e-mails and names are written by students: Mallory writing Ada's name as her id
    (or Eve Ada's e-mail as hers) must not collect Ada's override."""
    ada = PersonResult("Ada Lovelace", "ada.toml", (_verdict("1.7", Status.UNDECIDED),),
                       student_id="260001", email="ada@example.edu")
    mallory = PersonResult("Mallory", "mallory.toml", (), student_id="Ada Lovelace")
    eve = PersonResult("Eve", "eve.toml", (), student_id="ada@example.edu")
    rows = [Override("Ada Lovelace", "1.7", 2.0, source="o:2"),
            Override("ada@example.edu", "1.7", 2.0, source="o:3"),
            Override("260001", "1.7", 1.0, source="o:4")]
    applied, problems = resolve_overrides(rows, [ada, mallory, eve])
    assert applied == {0: [rows[2]]}  # only the unclaimed id reaches Ada
    assert [p.split(":")[0] for p in problems] == ["o", "o"] and "2 files" in problems[0]


def test_ids_two_files_claim_are_left_out_of_the_gradebook() -> None:
    import csv
    import io

    from conftest import class_report

    from checker.render.gradebook import render_gradebook
    from checker.run.scoring import shared_identities

    people = [PersonResult("Ada", "ada.toml", (), student_id="260001", email="ada@example.edu"),
              PersonResult("Mal", "m.toml", (), student_id="260001", email="mal@example.edu")]
    assert shared_identities(people) == {"260001": ["ada.toml", "m.toml"]}
    rows = list(csv.DictReader(io.StringIO(render_gradebook(class_report(people, ["1.4"])))))
    assert [r["SIS User ID"] for r in rows] == ["", ""]
    assert [r["SIS Login ID"] for r in rows] == ["ada@example.edu", "mal@example.edu"]


def test_an_override_that_could_mean_several_files_or_none_is_not_applied() -> None:
    people = _class()
    twice = Override("Same", "1.7", 2.0, source="o.csv:3")
    nobody = Override("Bob", "1.7", 2.0, source="o.csv:4")
    applied, problems = resolve_overrides([twice, nobody], people)
    assert applied == {}
    assert problems[0].startswith("o.csv:3: `Same` is an id, e-mail or name of 2 files "
                                  "(class/s1.toml, class/s2.toml)")
    assert problems[1].startswith("o.csv:4: `Bob` names no graded file")
    assert all(s.questions[1].points == 0 for s in score_class(people, COURSE, [twice, nobody]))


def test_students_never_see_the_truth() -> None:
    counterexample = Counterexample((("f", "1/3"), ("y", "1")), "4/3", "-2/3", note="truth is f - y")
    verdict = Verdict("1.4", "t", Status.REFUTED, "m", 0.0, answer="f + y", parsed="f + y",
                      counterexample=counterexample, notes=("reference f - y",),
                      steps=(StepResult("f + y", Status.REFUTED, "m", counterexample),))
    shown = for_students(verdict)
    assert shown.counterexample is not None
    text = shown.counterexample.describe()
    assert text == "f = 1/3, y = 1: your answer 4/3"
    assert "-2/3" not in str(shown.to_json()) and "f - y" not in str(shown.to_json())
    assert shown.parsed == "f + y"
    person = PersonResult("Ada", "ada.toml", (verdict,))
    (student,) = for_audience([score_person(person, COURSE)], Audience.STUDENT)
    assert "-2/3" not in str(student) and "('f', '1/3')" in str(student)
    (staff,) = for_audience([score_person(person, COURSE)], Audience.STAFF)
    assert "-2/3" in str(staff)


def test_value_answers_lose_inputs_steps_and_method_for_students() -> None:
    """4.1's counterexample names the output shape and its method the count: both give
    the answer away, so a student reads only where it fails and their own value."""
    counterexample = Counterexample((("input", "3×128×128"), ("output", "64×32×32")), "65535",
                                    "65536", where="scalars in the output of layer 3", note="shapes")
    verdict = Verdict("4.1", "t", Status.REFUTED, "simulation: 64×32×32 = 65536 scalars", 0.0,
                      answer="65535", counterexample=counterexample,
                      steps=(StepResult("limit", Status.VERIFIED, "65536"),))
    shown = for_students(verdict, AnswerKind.INTEGER)
    text = str(shown.to_json())
    assert "65536" not in text and "64×32×32" not in text
    assert shown.counterexample is not None
    assert shown.counterexample.describe() == "scalars in the output of layer 3: your answer 65535"
    assert shown.steps == () and shown.method == "differs from the derivation"
    (student,) = for_audience([score_person(PersonResult("A", "a", (verdict,)), COURSE)],
                              Audience.STUDENT, kinds={"4.1": AnswerKind.INTEGER})
    assert "65536" not in str(student)


def test_a_course_file_given_as_an_answer_file_is_named(shipped: Assignment) -> None:
    from checker.language.answerfile import AnswerFileError, load

    with pytest.raises(AnswerFileError) as caught:
        load(str(EXAMPLE), shipped)
    assert "is a course file" in str(caught.value) and "--course" in str(caught.value)


def test_students_see_no_oracle_in_lists_chains_or_derivations() -> None:
    entry = Counterexample((("x", "[1, 2, 3, 4]"),), "0", "8", where="entry 7 (1-based)")
    listed = for_students(Verdict("4.3.full", "t", Status.REFUTED, "m", 0.0, answer="[1, 2, 5, 8, 6, 8, 0]",
                                  counterexample=entry), AnswerKind.LIST)
    assert listed.counterexample is not None
    assert listed.counterexample.describe() == "your answer [1, 2, 5, 8, 6, 8, 0]"  # no entry 7
    link = Counterexample((("d", "2"), ("n", "1")), "w2[1]", "w2[1] + 1", where="step 1")
    chained = for_students(Verdict("5.3", "t", Status.REFUTED, "m", 0.0, answer="J[1, n]",
                                   counterexample=link,
                                   steps=(StepResult("J[1, n]", Status.REFUTED, "exact", link),)),
                           AnswerKind.CHAIN)
    assert chained.counterexample is not None and "w2[1]" not in str(chained.to_json())
    assert chained.counterexample.describe() == "step 1: d = 2, n = 1: your answer differs here"
    assert [s.text for s in chained.steps] == ["J[1, n]"]  # the student's own steps stay
    derived = StepResult("= Σ_j ω²_kj/2 · tanh(…)", Status.VERIFIED, "network identity")
    parts = for_students(Verdict("3", "t", Status.REFUTED, "m; constant factor 3/4", 0.0,
                                 steps=(derived,)), AnswerKind.PARTS)
    assert parts.steps == () and "3/4" not in parts.method


def test_gradebook_cells_add_up_to_the_total_and_hand_grades_of_unreadable_files_show() -> None:
    import csv
    import io

    from conftest import class_report

    from checker.render.gradebook import render_gradebook, rounded_to_add_up

    assert rounded_to_add_up([1 / 3] * 3) == [0.3334, 0.3333, 0.3333]
    assert rounded_to_add_up([2 / 3] * 3) == [0.6667, 0.6667, 0.6666]
    assert rounded_to_add_up([1.5, 2.0]) == [1.5, 2.0]
    report = class_report([PersonResult("Eve", "eve.toml", file_error="not TOML"),
                           PersonResult("Mo", "mo.toml", file_error="not TOML")], ["1.4", "1.7"])
    hand = Override("eve.toml", "1.4", 1.0, "graded the PDF by hand")
    report = replace(report, scores=score_class([s.result for s in report.scores], report.course, [hand]))
    rows = list(csv.reader(io.StringIO(render_gradebook(report))))
    assert rows[1][-3:] == ["1", "0", "1"]  # Eve: graded by hand
    assert rows[2][-3:] == ["", "", ""]  # Mo: nothing to import


def test_students_read_no_checker_reason_but_their_own_errors() -> None:
    undecided = Verdict("3", "t", Status.UNDECIDED, "m", 0.0,
                        reason="against the seed's Θ″ = (ω¹/2, ω²/2, ω²_k0 + Σ_j ω²_kj/2): W1 differs")
    assert "ω¹/2" not in for_students(undecided, AnswerKind.PARTS).reason
    error = Verdict("1.4", "t", Status.ERROR, "parse", 0.0, reason="unknown name `z`")
    assert for_students(error, AnswerKind.EXPRESSION).reason == "unknown name `z`"


def test_repeating_a_step_is_no_progress_for_chain_credit() -> None:
    anchor = StepResult("S(x + c)_i", Status.VERIFIED, "start")
    repeated = tuple(StepResult("exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))", Status.VERIFIED, "m")
                     for _ in range(9))
    tail = (StepResult("0", Status.REFUTED, "m"), StepResult("S(x)_i", Status.REFUTED, "m"))
    padded = Verdict("2.1", "t", Status.REFUTED, "m", 0.0, steps=(anchor, *repeated, *tail))
    once = Verdict("2.1", "t", Status.REFUTED, "m", 0.0, steps=(anchor, repeated[0], *tail))
    scores = [score_person(PersonResult("A", "a.toml", (v,)), LINKS, chains={"2.1"}).questions[2].points
              for v in (padded, once)]
    assert scores[0] == scores[1] == pytest.approx(4 / 3)
