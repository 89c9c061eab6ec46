"""PrairieLearn: external-grading results.json for one submission.

Every document is checked against PrairieLearn's "Grading results" reference
(https://prairielearn.readthedocs.io/en/latest/externalGrading/), written out below as a
small schema: the keys it names, their types, and `score` in [0.0, 1.0].
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from checker.model.course import Audience, Course, Override, PersonScore, QuestionScore, for_students
from checker.model.grades import PersonResult
from checker.model.overview import ClassOverview, ClassReport, RunInfo
from checker.model.verdict import Counterexample, Status, Verdict
from checker.render.prairielearn import render_prairielearn

# -- the specification, as a schema ------------------------------------------------------
NUMBER = (int, float)
# "the result only has one mandatory field: score"; "gradable"; "format_errors ... either a
# string or an array of strings"; "message", "output", "images", "tests" as the
# <pl-external-grader-results> example shows them. "you may add any additional data":
# `derivcheck` is ours.
Rule = type | tuple[type, ...]
TOP_LEVEL: dict[str, Rule] = {
    "gradable": bool, "score": NUMBER, "format_errors": (str, list), "message": str, "output": str,
    "images": list, "tests": list, "derivcheck": dict}
TEST: dict[str, Rule] = {"name": str, "description": str, "points": NUMBER, "max_points": NUMBER,
                         "message": str, "output": str, "images": list}


def valid_prairielearn(text: str) -> dict:
    text.encode("utf-8")
    assert len(text.encode("utf-8")) < 1_000_000  # "this file should be limited to 1 MB"
    doc = json.loads(text)
    assert isinstance(doc, dict)
    for key, value in doc.items():
        assert key in TOP_LEVEL, f"unknown top-level key {key}"
        assert isinstance(value, TOP_LEVEL[key]), f"{key}: {value!r}"
        if TOP_LEVEL[key] is NUMBER:
            assert not isinstance(value, bool)
    if doc.get("gradable", True):
        assert "score" in doc and 0.0 <= doc["score"] <= 1.0  # "in the range [0.0, 1.0]"
    else:
        errors = doc.get("format_errors", [])
        assert all(isinstance(e, str) for e in (errors if isinstance(errors, list) else [errors]))
    for test in doc.get("tests", []):
        for key, value in test.items():
            assert key in TEST, f"unknown test key {key}"
            assert isinstance(value, TEST[key]) and not isinstance(value, bool), f"{key}: {value!r}"
        # The element sums points and max_points only when every test has both.
        assert {"name", "points", "max_points", "message", "output"} <= set(test)
        assert test["points"] <= test["max_points"] or "set by course staff" in test["message"]
    return doc


# -- reports built by hand --------------------------------------------------------------

COURSE = Course("deep-learning theory", (("1.4", 2.0), ("1.7", 1.0), ("4.1", 2.0)))
RUN = RunInfo("0.1.0", "1.14.0", (("format", "prairielearn"),), "", 1.5)
T14, T17, T41 = ("dL_CE/da through the sigmoid", "the more appropriate loss for binary classification",
                 "number of scalars after layer 3")
V14 = Verdict("1.4", T14, Status.VERIFIED, "symbolic", 0.1, answer="f - y", parsed="f - y")
V14_WRONG = Verdict("1.4", T14, Status.REFUTED, "counterexample (exact arithmetic)", 0.05,
                    answer="y - f", parsed="-f + y",
                    counterexample=Counterexample((("f", "1/3"), ("y", "1")), "2/3", "-2/3"))
V17 = Verdict("1.7", T17, Status.VERIFIED, "saturation limits", 0.08, answer="CE", parsed="CE")
V41 = Verdict("4.1", T41, Status.VERIFIED, "simulation: 64×32×32 = 65536 scalars", 0.2, answer="65536",
              parsed="65536")
V41_UNDECIDED = Verdict("4.1", T41, Status.UNDECIDED, "timeout", 15.0, answer="2**16", parsed="65536",
                        reason="no proof and no counterexample within 15 s")


def scored(verdict: Verdict | None, qid: str, points: float | None = None, *, flagged: bool = False,
           override: Override | None = None) -> QuestionScore:
    maximum = COURSE.max_points(qid)
    if points is None:
        points = maximum if verdict is not None and verdict.status is Status.VERIFIED else 0.0
    return QuestionScore(qid, points, maximum, verdict.status if verdict else None, flagged, override,
                         verdict)


def person(*questions: QuestionScore, file_error: str = "") -> PersonScore:
    verdicts = tuple(q.verdict for q in questions if q.verdict is not None)
    return PersonScore(PersonResult("Ada Lovelace", "ada.toml", verdicts, file_error), questions)


def report(*people: PersonScore, audience: Audience = Audience.STUDENT) -> ClassReport:
    if audience is Audience.STUDENT:  # what the run layer does before any renderer
        people = tuple(PersonScore(p.result, tuple(replace(q, verdict=for_students(q.verdict))
                                                   if q.verdict else q for q in p.questions))
                       for p in people)
    overview = ClassOverview(len(people), len(people), COURSE.max_total, 0.0, 0.0, (), (), ())
    return ClassReport(COURSE, tuple(people), overview, RUN, audience, exit_code=0)


def named_tests(doc: dict) -> dict[str, dict]:
    return {t["name"]: t for t in doc["tests"]}


def test_every_answer_verified_scores_one() -> None:
    doc = valid_prairielearn(render_prairielearn(report(person(
        scored(V14, "1.4"), scored(V17, "1.7"), scored(V41, "4.1")))))
    assert doc["gradable"] is True
    assert doc["score"] == 1.0
    assert doc["message"] == "Ada Lovelace (ada.toml): 5 of 5 points.\n3 verified."
    assert doc["tests"] == [
        {"name": "Question 1.4", "points": 2.0, "max_points": 2.0, "message": "verified",
         "output": "verdict: verified\nyour answer: f - y\ninterpreted as: f - y",
         "description": T14},
        {"name": "Question 1.7", "points": 1.0, "max_points": 1.0, "message": "verified",
         "output": "verdict: verified\nyour answer: CE\ninterpreted as: CE", "description": T17},
        {"name": "Question 4.1", "points": 2.0, "max_points": 2.0, "message": "verified",
         "output": "verdict: verified\nyour answer: 65536\ninterpreted as: 65536", "description": T41},
    ]
    assert doc["derivcheck"]["derivcheck_version"] == "0.1.0"
    assert doc["derivcheck"]["audience"] == "student"


def test_a_refuted_expression_shows_the_students_value_only() -> None:
    text = render_prairielearn(report(person(scored(V14_WRONG, "1.4"), scored(V17, "1.7"),
                                             scored(V41, "4.1"))))
    doc = valid_prairielearn(text)
    assert doc["score"] == 3 / 5
    test = named_tests(doc)["Question 1.4"]
    assert (test["points"], test["max_points"]) == (0.0, 2.0)
    assert test["message"] == "refuted: f = 1/3, y = 1: your answer 2/3"
    assert test["output"].splitlines()[-1] == "counterexample: f = 1/3, y = 1: your answer 2/3"
    assert "-2/3" not in text and "truth" not in text and "65536 scalars" not in text


def test_a_staff_report_shows_the_truth() -> None:
    doc = valid_prairielearn(render_prairielearn(report(
        person(scored(V14_WRONG, "1.4"), scored(V17, "1.7"), scored(V41, "4.1")),
        audience=Audience.STAFF)))
    assert named_tests(doc)["Question 1.4"]["message"] == ("refuted: f = 1/3, y = 1: your answer 2/3, "
                                                             "truth -2/3")


def test_questions_not_answered_earn_nothing() -> None:
    doc = valid_prairielearn(render_prairielearn(report(person(
        scored(V14, "1.4"), scored(None, "1.7"), scored(None, "4.1")))))
    assert doc["score"] == 2 / 5
    test = named_tests(doc)["Question 1.7"]
    assert (test["points"], test["message"], test["output"]) == (0.0, "not answered", "not answered")
    assert "description" not in test  # no verdict, no title, and no titles= given
    named = valid_prairielearn(render_prairielearn(report(person(
        scored(V14, "1.4"), scored(None, "1.7"), scored(None, "4.1"))), titles={"1.7": T17}))
    assert named_tests(named)["Question 1.7"]["description"] == T17


def test_an_undecided_answer_is_flagged() -> None:
    doc = valid_prairielearn(render_prairielearn(report(person(
        scored(V14, "1.4"), scored(V17, "1.7"), scored(V41_UNDECIDED, "4.1", flagged=True)))))
    assert doc["score"] == 3 / 5
    test = named_tests(doc)["Question 4.1"]
    assert test["message"] == ("undecided: neither proved nor refuted within the checker's limits: "
                               "course staff will look at it; "
                               "flagged for review by course staff: these points may change")
    assert doc["message"].splitlines()[-1] == ("1 answer flagged for review by course staff: "
                                               "these points may change.")


def test_an_override_counts_and_the_score_stays_at_most_one() -> None:
    override = Override("ada.toml", "1.4", 1.0, "right idea, sign slip")
    doc = valid_prairielearn(render_prairielearn(report(person(
        scored(V14_WRONG, "1.4", 1.0, override=override), scored(V17, "1.7"), scored(V41, "4.1")))))
    assert doc["score"] == 4 / 5
    test = named_tests(doc)["Question 1.4"]
    assert test["points"] == 1.0
    assert test["message"] == "refuted: f = 1/3, y = 1: your answer 2/3; 1 of 2 set by course staff"
    assert test["output"].splitlines()[-1] == ("score set by course staff: 1 of 2 points: "
                                               "right idea, sign slip")
    bonus = replace(override, points=3.0, comment="bonus")
    generous = valid_prairielearn(render_prairielearn(report(person(
        scored(V14, "1.4", 3.0, override=bonus), scored(V17, "1.7"), scored(V41, "4.1")))))
    assert generous["score"] == 1.0  # 6 of 5 points, clamped to the range PrairieLearn takes
    assert math.isclose(sum(t["points"] for t in generous["tests"]), 6.0)


def test_an_unreadable_file_is_not_gradable_and_says_why() -> None:
    reason = "not UTF-8 (byte 0xff at offset 12)"
    doc = valid_prairielearn(render_prairielearn(report(person(
        *(scored(None, qid) for qid in COURSE.ids), file_error=reason))))
    assert doc["gradable"] is False
    assert doc["format_errors"] == [f"ada.toml: {reason}"]
    assert doc["score"] == 0.0
    assert "tests" not in doc
    assert doc["message"] == (f"Ada Lovelace (ada.toml): the answer file could not be read: {reason}\n"
                              "No answer was graded: 0 of 5 points. Correct the file and submit it again.")


def test_typed_control_characters_are_shown_as_escapes() -> None:
    forged = replace(V14_WRONG, answer="y - f\x1b[2J\nverdict: verified")
    doc = valid_prairielearn(render_prairielearn(report(person(
        scored(forged, "1.4"), scored(V17, "1.7"), scored(V41, "4.1")))))
    output = named_tests(doc)["Question 1.4"]["output"]
    assert "\x1b" not in output
    assert output.splitlines()[1] == "your answer: y - f\\x1b[2J\\nverdict: verified"


@pytest.mark.parametrize("count", [0, 2])
def test_only_one_submission_makes_a_prairielearn_result(count: int) -> None:
    one = person(scored(V14, "1.4"), scored(V17, "1.7"), scored(V41, "4.1"))
    with pytest.raises(ValueError, match=f"prairielearn: a report of exactly one submission is needed, "
                                         f"not {count}"):
        render_prairielearn(report(*[one] * count))
