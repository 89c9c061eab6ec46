"""Gradescope: results.json for one submission, and the autograder bundle around it.

Every document is checked against Gradescope's Autograder Specifications
(https://gradescope-autograders.readthedocs.io/en/latest/specs/), written out below as a
small schema: the keys the spec names, their types, and the values it allows.
"""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from checker.model.course import Audience, Course, Override, PersonScore, QuestionScore
from checker.model.grades import PersonResult
from checker.model.overview import ClassOverview, ClassReport, RunInfo
from checker.model.question import AnswerKind
from checker.model.verdict import Counterexample, Status, StepResult, Verdict
from checker.render.gradescope import render_gradescope
from checker.run.scoring import for_audience

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "autograder"
RUN_AUTOGRADER = BUNDLE / "run_autograder"
VENV_BIN = Path(sys.executable).parent

# -- the specification, as a schema ------------------------------------------------------
# "Options for the visibility field": hidden, after_due_date, after_published, visible.
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
# "Output String Formatting": text, html, simple_format, md, ansi.
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
# "Test case status": "passed" or "failed".
STATUS = {"passed", "failed"}
NUMBER = (int, float)
TOP_LEVEL = {"score": NUMBER, "execution_time": NUMBER, "output": str, "output_format": FORMATS,
             "test_output_format": FORMATS, "test_name_format": FORMATS, "visibility": VISIBILITY,
             "stdout_visibility": VISIBILITY, "extra_data": dict, "tests": list, "leaderboard": list}
TEST = {"score": NUMBER, "max_score": NUMBER, "status": STATUS, "name": str, "name_format": FORMATS,
        "number": str, "output": str, "output_format": FORMATS, "tags": list,
        "visibility": VISIBILITY, "extra_data": dict}


def check_field(where: str, key: str, value: object, rule: object) -> None:
    if isinstance(rule, set):
        assert value in rule, f"{where}.{key} = {value!r} is not one of {sorted(rule)}"
    else:
        assert isinstance(rule, (type, tuple))
        assert isinstance(value, rule) and not isinstance(value, bool), f"{where}.{key}: {value!r}"


def valid_gradescope(text: str) -> dict:
    """The document parsed, after checking it against the spec (and our own promises)."""
    text.encode("utf-8")  # written as UTF-8: no lone surrogates
    doc = json.loads(text)
    assert isinstance(doc, dict)
    for key, value in doc.items():
        assert key in TOP_LEVEL, f"unknown top-level key {key}"
        check_field("results", key, value, TOP_LEVEL[key])
    tests = doc.get("tests", [])
    # "score": "optional, but required if not on each test case below".
    assert "score" in doc or all("score" in t for t in tests)
    for i, test in enumerate(tests):
        assert isinstance(test, dict)
        for key, value in test.items():
            assert key in TEST, f"unknown test key {key}"
            check_field(f"tests[{i}]", key, value, TEST[key])
        assert "\r" not in test.get("output", "")  # "use Unix line endings (aka \n)"
    # Ours: the total is the sum of the tests, and every test carries its score.
    if tests:
        assert all({"score", "max_score", "status", "name", "number"} <= set(t) for t in tests)
        assert doc["score"] == math.fsum(t["score"] for t in tests)
    return doc


# -- reports built by hand --------------------------------------------------------------

TITLES = {"1.4": "dL_CE/da through the sigmoid",
          "1.7": "the more appropriate loss for binary classification",
          "2.1": "softmax is translation invariant", "4.1": "number of scalars after layer 3"}
COURSE = Course("deep-learning theory", (("1.4", 2.0), ("1.7", 1.0), ("2.1", 1.0), ("4.1", 1.0)),
                source="course/derivcheck.toml")
RUN = RunInfo("0.1.0", "1.14.0", (("format", "gradescope"), ("timeout", "15")),
              "course/derivcheck.toml", 3.21)

V14 = Verdict("1.4", TITLES["1.4"], Status.VERIFIED, "symbolic: identical after expansion", 0.1,
              answer="f - y", parsed="f - y")
V14_WRONG = Verdict("1.4", TITLES["1.4"], Status.REFUTED, "counterexample (exact arithmetic)", 0.05,
                    answer="y - f", parsed="-f + y",
                    counterexample=Counterexample((("f", "1/3"), ("y", "1")), "2/3", "-2/3"))
# A word answer carries the checker's own derivation as steps: never the student's text.
V17 = Verdict("1.7", TITLES["1.7"], Status.VERIFIED, "saturation limits of both derived gradients",
              0.08, answer="CE", parsed="CE",
              steps=(StepResult("dCE/da at y = 1, f -> 0: -1", Status.VERIFIED, "SymPy limit"),
                     StepResult("dMSE/da at y = 1, f -> 0: 0", Status.VERIFIED, "SymPy limit")))
V17_WRONG = replace(V17, status=Status.REFUTED, answer="MSE", parsed="MSE",
                    counterexample=Counterexample((), "MSE gradient -> 0", "CE gradient -> -1",
                                                  where="wrong, saturated output: y = 1, f -> 0",
                                                  note="MSE's gradient vanishes"))
CHAIN = ("exp(c + x[i])/Sum(exp(c + x[j]), (j, 1, K))", "exp(x[i])/Sum(exp(x[j]), (j, 1, K))")
V21 = Verdict("2.1", TITLES["2.1"], Status.VERIFIED, "chain: every step proved", 0.3,
              answer=" = ".join(CHAIN), parsed=" = ".join(CHAIN),
              steps=(StepResult("S(x + c)_i, the softmax definition", Status.VERIFIED, "start"),
                     StepResult(CHAIN[0], Status.VERIFIED, "symbolic: identical after expansion"),
                     StepResult(CHAIN[1], Status.VERIFIED, "symbolic: identical after expansion")))
V41 = Verdict("4.1", TITLES["4.1"], Status.VERIFIED, "simulation: 64×32×32 = 65536 scalars", 0.2,
              answer="65536", parsed="65536")
V41_UNDECIDED = Verdict("4.1", TITLES["4.1"], Status.UNDECIDED, "timeout", 15.0, answer="2**16",
                        parsed="65536", reason="no proof and no counterexample within 15 s")


def scored(verdict: Verdict | None, qid: str, points: float | None = None, *, flagged: bool = False,
           override: Override | None = None) -> QuestionScore:
    maximum = COURSE.max_points(qid)
    if points is None:
        points = maximum if verdict is not None and verdict.status is Status.VERIFIED else 0.0
    return QuestionScore(qid, points, maximum, verdict.status if verdict else None, flagged, override,
                         verdict)


def person(*questions: QuestionScore, name: str = "Ada Lovelace", path: str = "ada.toml",
           file_error: str = "") -> PersonScore:
    verdicts = tuple(q.verdict for q in questions if q.verdict is not None)
    return PersonScore(PersonResult(name, path, verdicts, file_error), questions)


KINDS = {"1.4": AnswerKind.EXPRESSION, "1.7": AnswerKind.WORD, "2.1": AnswerKind.CHAIN,
         "4.1": AnswerKind.INTEGER}


def report(*people: PersonScore, audience: Audience = Audience.STUDENT) -> ClassReport:
    if audience is Audience.STUDENT:  # what the run layer does before any renderer
        people = for_audience(people, audience, KINDS)
    overview = ClassOverview(people=len(people), graded=len(people), max_total=COURSE.max_total,
                             mean=0.0, median=0.0, histogram=(), questions=(), wrong_answers=())
    return ClassReport(COURSE, tuple(people), overview, RUN, audience, exit_code=0)


ALL_RIGHT = person(scored(V14, "1.4"), scored(V17, "1.7"), scored(V21, "2.1"), scored(V41, "4.1"))


def by_number(doc: dict) -> dict[str, dict]:
    return {t["number"]: t for t in doc["tests"]}


# -- the renderer ------------------------------------------------------------------------


def test_every_answer_verified_earns_every_point() -> None:
    doc = valid_gradescope(render_gradescope(report(ALL_RIGHT)))
    assert doc["score"] == 5.0
    assert [t["number"] for t in doc["tests"]] == ["1.4", "1.7", "2.1", "4.1"]
    assert [t["name"] for t in doc["tests"]] == [f"{qid} {title}" for qid, title in TITLES.items()]
    assert [(t["score"], t["max_score"], t["status"]) for t in doc["tests"]] == [
        (2.0, 2.0, "passed"), (1.0, 1.0, "passed"), (1.0, 1.0, "passed"), (1.0, 1.0, "passed")]
    assert doc["visibility"] == "visible"
    assert {t["visibility"] for t in doc["tests"]} == {"visible"}
    assert doc["stdout_visibility"] == "hidden"
    assert doc["output_format"] == doc["test_output_format"] == doc["test_name_format"] == "text"
    assert doc["execution_time"] == 4  # 3.21 s, in whole seconds as the spec's example
    assert doc["output"] == "Ada Lovelace (ada.toml): 5 of 5 points.\n4 verified."
    assert by_number(doc)["1.4"]["output"] == "verdict: verified\nyour answer: f - y\ninterpreted as: f - y"


def test_a_refuted_expression_shows_where_it_fails_and_only_the_students_value() -> None:
    ada = person(scored(V14_WRONG, "1.4"), scored(V17, "1.7"), scored(V21, "2.1"), scored(V41, "4.1"))
    text = render_gradescope(report(ada))
    doc = valid_gradescope(text)
    test = by_number(doc)["1.4"]
    assert (test["score"], test["max_score"], test["status"]) == (0.0, 2.0, "failed")
    assert test["output"] == ("verdict: refuted\nyour answer: y - f\ninterpreted as: -f + y\n"
                              "counterexample: f = 1/3, y = 1: your answer 2/3")
    assert "-2/3" not in text and "truth" not in text
    # The method can state the truth (4.1's states 65536): a student never sees it.
    assert "64×32×32" not in text and "exact arithmetic" not in text
    assert doc["score"] == 3.0
    assert doc["output"] == "Ada Lovelace (ada.toml): 3 of 5 points.\n3 verified, 1 refuted."


def test_the_checkers_own_steps_are_hidden_from_students_and_their_chain_is_shown() -> None:
    ada = person(scored(V14, "1.4"), scored(V17_WRONG, "1.7"), scored(V21, "2.1"), scored(V41, "4.1"))
    doc = valid_gradescope(render_gradescope(report(ada)))
    tests = by_number(doc)
    assert tests["1.7"]["output"] == ("verdict: refuted\nyour answer: MSE\ninterpreted as: MSE\n"
                                      "counterexample: wrong, saturated output: y = 1, f -> 0: "
                                      "your answer MSE gradient -> 0")
    assert tests["2.1"]["output"].splitlines()[3:] == ["steps:", f"  [verified] {CHAIN[0]}",
                                                        f"  [verified] {CHAIN[1]}"]


def test_numbered_steps_of_a_chain_are_the_students_own() -> None:
    sides = ("Sum(J[i, n]*g[i], (i, 1, d + k1 + k2 - 2))", "validconv[n]")
    wrong = Counterexample((("n", "2"),), "g[1]*w2[1]", "g[2]*w2[1]", where="step 2 against step 1")
    chain = Verdict("2.1", TITLES["2.1"], Status.REFUTED, "chain", 0.5, answer=" = ".join(sides),
                    parsed=" = ".join(sides), counterexample=wrong,
                    steps=(StepResult(f"step 1: {sides[0]}", Status.VERIFIED, "start"),
                           StepResult(f"step 2: {sides[1]}", Status.REFUTED, "counterexample", wrong),
                           StepResult("= (g valid-conv flip(w2))_n, the identity to show",
                                      Status.REFUTED, "counterexample")))
    ada = person(scored(V14, "1.4"), scored(V17, "1.7"), scored(chain, "2.1"), scored(V41, "4.1"))
    lines = by_number(valid_gradescope(render_gradescope(report(ada))))["2.1"]["output"].splitlines()
    assert lines[-3:] == ["steps:", f"  [verified] step 1: {sides[0]}",
                          f"  [refuted] step 2: {sides[1]}: step 2 against step 1: n = 2: "
                          "your answer differs here"]


def test_a_staff_report_keeps_the_truth_and_waits_for_published_grades() -> None:
    ada = person(scored(V14_WRONG, "1.4"), scored(V17_WRONG, "1.7"), scored(V21, "2.1"), scored(V41, "4.1"))
    doc = valid_gradescope(render_gradescope(report(ada, audience=Audience.STAFF)))
    assert doc["visibility"] == "after_published"
    assert {t["visibility"] for t in doc["tests"]} == {"after_published"}
    tests = by_number(doc)
    assert tests["1.4"]["output"].splitlines() == [
        "verdict: refuted (counterexample (exact arithmetic))", "your answer: y - f",
        "interpreted as: -f + y", "counterexample: f = 1/3, y = 1: your answer 2/3, truth -2/3"]
    assert tests["1.7"]["output"].splitlines()[-3:] == [
        "steps:", "  [verified] dCE/da at y = 1, f -> 0: -1 (SymPy limit)",
        "  [verified] dMSE/da at y = 1, f -> 0: 0 (SymPy limit)"]
    assert doc["extra_data"]["derivcheck"]["audience"] == "staff"


def test_questions_not_answered_earn_nothing_and_say_so() -> None:
    ada = person(scored(V14, "1.4"), scored(None, "1.7"), scored(None, "2.1"), scored(V41, "4.1"))
    doc = valid_gradescope(render_gradescope(report(ada)))
    tests = by_number(doc)
    assert (tests["1.7"]["score"], tests["1.7"]["status"], tests["1.7"]["output"]) == (0.0, "failed",
                                                                                       "not answered")
    # No verdict, so no title from it: the ID alone (titles= names it, below).
    assert tests["1.7"]["name"] == "1.7"
    assert tests["1.7"]["extra_data"] == {"status": "not answered", "flagged": False, "overridden": False}
    assert doc["score"] == 3.0
    assert doc["output"].splitlines()[1] == "2 verified, 2 not answered."


def test_titles_name_the_questions_nobody_answered() -> None:
    ada = person(scored(V14, "1.4"), scored(None, "1.7"), scored(None, "2.1"), scored(V41, "4.1"))
    doc = valid_gradescope(render_gradescope(report(ada), titles=TITLES))
    assert [t["name"] for t in doc["tests"]] == [f"{qid} {title}" for qid, title in TITLES.items()]


def test_an_undecided_answer_is_flagged_for_staff() -> None:
    ada = person(scored(V14, "1.4"), scored(V17, "1.7"), scored(V21, "2.1"),
                 scored(V41_UNDECIDED, "4.1", flagged=True))
    doc = valid_gradescope(render_gradescope(report(ada)))
    test = by_number(doc)["4.1"]
    assert (test["score"], test["status"]) == (0.0, "failed")
    assert test["output"].splitlines() == [
        "verdict: undecided", "your answer: 2**16", "interpreted as: 65536",
        "reason: neither proved nor refuted within the checker's limits: course staff will look at it",
        "flagged for review by course staff: these points may change"]
    assert test["extra_data"]["flagged"] is True
    assert doc["extra_data"]["submission"]["flagged"] == ["4.1"]
    assert doc["output"].splitlines()[-1] == ("1 answer flagged for review by course staff: "
                                              "these points may change.")


def test_a_staff_override_sets_the_points_and_shows_its_comment() -> None:
    override = Override("Ada Lovelace", "1.4", 1.5, "sign error only: 1.5 of 2",
                        source="overrides.csv:3")
    ada = person(scored(V14_WRONG, "1.4", 1.5, override=override), scored(V17, "1.7"),
                 scored(V21, "2.1"), scored(V41, "4.1"))
    doc = valid_gradescope(render_gradescope(report(ada)))
    test = by_number(doc)["1.4"]
    assert (test["score"], test["max_score"], test["status"]) == (1.5, 2.0, "failed")
    assert test["output"].splitlines()[-1] == ("score set by course staff: 1.5 of 2 points: "
                                               "sign error only: 1.5 of 2")
    assert "overrides.csv" not in test["output"]  # where staff keep it is theirs
    assert doc["score"] == 4.5
    assert doc["output"].splitlines()[-1] == "1 score set by course staff."
    full = replace(override, points=2.0)
    staff = valid_gradescope(render_gradescope(report(
        person(scored(V14_WRONG, "1.4", 2.0, override=full), scored(V17, "1.7"), scored(V21, "2.1"),
               scored(V41, "4.1")), audience=Audience.STAFF)))
    assert by_number(staff)["1.4"]["status"] == "passed"
    assert by_number(staff)["1.4"]["output"].splitlines()[-1] == "override from: overrides.csv:3"


def test_an_unreadable_file_scores_zero_with_the_reason_on_top() -> None:
    reason = "bob.toml is not TOML: Expected '=' after a key (line 3, column 5)"
    bob = person(*(scored(None, qid) for qid in COURSE.ids), name="bob", path="bob.toml",
                 file_error=reason)
    doc = valid_gradescope(render_gradescope(report(bob)))
    assert doc["score"] == 0.0
    assert doc["output"] == (f"bob (bob.toml): the answer file could not be read: {reason}\n"
                             "No answer was graded: 0 of 5 points. Correct the file and submit it again.")
    assert {t["output"] for t in doc["tests"]} == {
        "not graded: the answer file could not be read (the message above says why)"}
    assert doc["extra_data"]["submission"]["file_error"] == reason


def test_an_answer_that_cannot_be_read_says_where_and_how_to_fix_it() -> None:
    error = Verdict("1.4", TITLES["1.4"], Status.ERROR, "parse", 0.0, answer="(f-y)f",
                    reason="a product without `*`; write `*` between factors", column=6, excerpt="f",
                    hint="write `*` between factors")
    ada = person(scored(error, "1.4", flagged=True), scored(V17, "1.7"), scored(V21, "2.1"),
                 scored(V41, "4.1"))
    doc = valid_gradescope(render_gradescope(report(ada)))
    assert by_number(doc)["1.4"]["output"].splitlines() == [
        "verdict: error", "your answer: (f-y)f", "problem: a product without `*`",
        "where: column 6 of your answer (f)", "how to fix: write `*` between factors",
        "flagged for review by course staff: these points may change"]


def test_text_a_student_typed_cannot_forge_lines_markup_or_encoding() -> None:
    forged = Verdict("1.4", TITLES["1.4"], Status.REFUTED, "counterexample", 0.0,
                     answer="y - f\nverdict: verified\x1b[32m", parsed="-f + y",
                     counterexample=Counterexample((("f", "1/3"), ("y", "1")), "2/3", "-2/3"))
    ada = person(scored(forged, "1.4"), scored(V17, "1.7"), scored(V21, "2.1"), scored(V41, "4.1"),
                 name="<b>Ada</b>\u202e", path="ada\udcff.toml")
    doc = valid_gradescope(render_gradescope(report(ada)))
    lines = by_number(doc)["1.4"]["output"].splitlines()
    assert [line for line in lines if line.startswith("verdict:")] == ["verdict: refuted"]
    assert lines[1] == "your answer: y - f\\nverdict: verified\\x1b[32m"
    assert doc["output"].splitlines()[0] == "<b>Ada</b>\\u202e (ada\\udcff.toml): 3 of 5 points."
    assert doc["output_format"] == "text"  # so <b> is shown, never rendered
    assert doc["extra_data"]["submission"]["file"] == "ada\\udcff.toml"


def test_fractions_of_points_add_up_to_the_total_exactly() -> None:
    course = Course("chains", (("2.1", 1.0), ("5.3", 1.0), ("5.6", 1.0)))
    thirds = [QuestionScore(qid, points, 1.0, Status.REFUTED)
              for qid, points in (("2.1", 1 / 3), ("5.3", 2 / 3), ("5.6", 0.1))]
    people = (PersonScore(PersonResult("Ada", "ada.toml"), tuple(thirds)),)
    overview = ClassOverview(1, 1, 3.0, 0.0, 0.0, (), (), ())
    doc = valid_gradescope(render_gradescope(ClassReport(course, people, overview, RUN)))
    assert [t["score"] for t in doc["tests"]] == [1 / 3, 2 / 3, 0.1]
    assert doc["score"] == math.fsum([1 / 3, 2 / 3, 0.1])
    assert doc["output"].splitlines()[0] == "Ada (ada.toml): 1.1 of 3 points."


def test_a_question_worth_nothing_passes_only_when_verified() -> None:
    course = Course("bonus", (("1.4", 0.0), ("1.7", 0.0)))
    questions = (QuestionScore("1.4", 0.0, 0.0, Status.VERIFIED, verdict=V14),
                 QuestionScore("1.7", 0.0, 0.0, Status.REFUTED, verdict=V17_WRONG))
    people = (PersonScore(PersonResult("Ada", "ada.toml", (V14, V17_WRONG)), questions),)
    overview = ClassOverview(1, 1, 0.0, 0.0, 0.0, (), (), ())
    doc = valid_gradescope(render_gradescope(ClassReport(course, people, overview, RUN, Audience.STAFF)))
    assert [t["status"] for t in doc["tests"]] == ["passed", "failed"]


def test_the_run_is_recorded_in_extra_data() -> None:
    doc = valid_gradescope(render_gradescope(report(ALL_RIGHT)))
    assert doc["extra_data"] == {
        "derivcheck": {"derivcheck_version": "0.1.0", "sympy_version": "1.14.0",
                       "options": {"format": "gradescope", "timeout": "15"},
                       "course_file": "course/derivcheck.toml", "seconds": 3.21,
                       "assignment": "deep-learning theory", "audience": "student", "exit_code": 0},
        "submission": {"person": "Ada Lovelace", "file": "ada.toml", "file_error": None, "flagged": [],
                       "overridden": []},
    }


@pytest.mark.parametrize("count", [0, 2])
def test_only_one_submission_makes_a_gradescope_result(count: int) -> None:
    with pytest.raises(ValueError, match=f"exactly one submission is needed, not {count}"):
        render_gradescope(report(*[ALL_RIGHT] * count))


# -- the autograder bundle ---------------------------------------------------------------


def layout(tmp_path: Path) -> Path:
    """A folder laid out as Gradescope's /autograder."""
    root = tmp_path / "autograder"
    for folder in ("source", "submission", "results"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    return root


def run_bundle(root: Path, path: list[Path] | None = None, **env: str) -> dict:
    environment = {"AUTOGRADER_ROOT": str(root), "HOME": str(root / "home"),
                   "XDG_CACHE_HOME": str(root / "cache"),
                   "PATH": os.pathsep.join([*(str(p) for p in path or []), "/usr/bin", "/bin"]), **env}
    done = subprocess.run([str(RUN_AUTOGRADER)], cwd=root, env=environment, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return valid_gradescope((root / "results" / "results.json").read_text(encoding="utf-8"))


STUB = """#!/usr/bin/env bash
printf '%s\\n' "$@" > "$AUTOGRADER_ROOT/args.txt"
out=""
while [ $# -gt 0 ]; do
    if [ "$1" = --out ]; then out="$2"; fi
    shift
done
case "$STUB_MODE" in
    ok) echo '{"score": 7.0, "tests": []}' > "$out" ;;
    crash) echo 'derivcheck: internal error' >&2; exit 5 ;;
    garbage) echo 'not json' > "$out" ;;
    slow) sleep 30 ;;
esac
"""


def stub_derivcheck(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "derivcheck"
    script.write_text(STUB)
    script.chmod(0o755)
    return folder


def test_the_scripts_are_executable_bash() -> None:
    for name in ("run_autograder", "setup.sh", "build.sh"):
        script = BUNDLE / name
        assert script.read_text().startswith("#!/usr/bin/env bash\n")
        assert script.stat().st_mode & stat.S_IXUSR, f"{name} is not executable"
        assert "\r" not in script.read_text()
        assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0


def test_an_answer_file_is_graded_by_derivcheck_with_the_course_file(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "hw").mkdir()
    (root / "submission" / "hw" / "ada.toml").write_text('[answers]\n"1.4" = "f - y"\n')
    (root / "submission" / "pyproject.toml").write_text("[project]\n")
    (root / "submission" / ".git").mkdir()
    (root / "submission" / ".git" / "config.toml").write_text("")
    (root / "source" / "derivcheck.toml").write_text("")
    doc = run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="ok")
    assert doc == {"score": 7.0, "tests": []}
    args = (root / "args.txt").read_text().splitlines()
    # Run in a directory of its own (never the submission's: a course file there would be
    # the student's), on a copy named as the student named the file.
    assert args == ["grade", "ada.toml", "--format", "gradescope",
                    "--audience", "student", "--out", str(root / "results" / "results.json"),
                    "--color", "never", "--jobs", "1", "--timeout", "15",
                    "--course", str(root / "source" / "derivcheck.toml")]


def test_without_a_course_file_every_question_is_worth_one_point(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "-ada.toml").write_text('[answers]\n"1.4" = "f - y"\n')
    run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="ok")
    args = (root / "args.txt").read_text().splitlines()
    assert "--course" not in args
    assert args[:2] == ["grade", "./-ada.toml"]  # never read as an option


@pytest.mark.parametrize(("mode", "message"), [
    ("crash", "derivcheck stopped (exit code 5) without writing a result"),
    ("garbage", "derivcheck stopped (exit code 0) without writing a result"),
])
def test_derivcheck_failing_still_leaves_a_result(tmp_path: Path, mode: str, message: str) -> None:
    root = layout(tmp_path)
    (root / "submission" / "ada.toml").write_text('[answers]\n"1.4" = "f - y"\n')
    doc = run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE=mode)
    assert doc["score"] == 0.0
    assert doc["visibility"] == "visible" and doc["output_format"] == "text"
    assert message in doc["output"]
    assert "This is not a verdict on your answers" in doc["output"]


def test_a_run_past_the_time_limit_is_stopped_and_said(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "ada.toml").write_text('[answers]\n"1.4" = "f - y"\n')
    doc = run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="slow", DERIVCHECK_TIME_LIMIT="1")
    assert doc["score"] == 0.0
    assert "grading took longer than 1 seconds and was stopped" in doc["output"]


def test_an_empty_submission_scores_zero_and_says_so(tmp_path: Path) -> None:
    root = layout(tmp_path)
    doc = run_bundle(root)
    assert doc["score"] == 0.0
    assert doc["output"].splitlines() == [
        "No answer file was found: derivcheck reads a TOML answer file (.toml) or a write-up "
        "(.tex, .md or .ipynb).",
        "Your submission has no files.",
        "Submit your answers as one .toml answer file (the assignment has a template) or as the "
        "source of your write-up (.tex, .md or .ipynb), not a PDF."]
    assert doc["visibility"] == "visible"


def test_a_pdf_only_submission_lists_what_was_found(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "answers.pdf").write_bytes(b"%PDF-1.7\n")
    (root / "submission" / "scan\n<b>2.png").write_bytes(b"")
    doc = run_bundle(root)
    assert doc["score"] == 0.0
    assert doc["output"].splitlines() == [
        "No answer file was found: derivcheck reads a TOML answer file (.toml) or a write-up "
        "(.tex, .md or .ipynb).",
        "Your submission has these files:", "  answers.pdf", "  scan?<b>2.png",
        "Submit your answers as one .toml answer file (the assignment has a template) or as the "
        "source of your write-up (.tex, .md or .ipynb), not a PDF."]


def test_one_write_up_is_graded_when_there_is_no_answer_file(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "answers.tex").write_text("\\textbf{Answer 1.4} $f - y$")
    (root / "submission" / "scan.pdf").write_bytes(b"%PDF")
    run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="ok")
    args = (root / "args.txt").read_text().splitlines()
    assert args[:2] == ["grade", "answers.tex"]


def test_a_readme_next_to_a_write_up_is_no_second_write_up(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "hw.tex").write_text("\\textbf{Answer 1.4} $f - y$")
    (root / "submission" / "README.md").write_text("# My homework")
    run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="ok")
    assert (root / "args.txt").read_text().splitlines()[:2] == ["grade", "hw.tex"]


def test_an_answer_file_wins_over_a_write_up(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "answers.tex").write_text("x")
    (root / "submission" / "ada.toml").write_text('[answers]\n"1.4" = "f - y"\n')
    run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="ok")
    assert (root / "args.txt").read_text().splitlines()[:2] == ["grade", "ada.toml"]


def test_several_write_ups_without_an_answer_file_are_refused(tmp_path: Path) -> None:
    root = layout(tmp_path)
    for name in ("answers.tex", "notes.md", "work.ipynb"):
        (root / "submission" / name).write_text("x")
    doc = run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="ok")
    assert doc["score"] == 0.0
    assert doc["output"].splitlines() == [
        "Your submission has 3 write-ups:", "  answers.tex", "  notes.md", "  work.ipynb",
        "Submit exactly one write-up (.tex, .md or .ipynb) or one .toml answer file, so it is "
        "clear which answers are yours to grade."]
    assert not (root / "args.txt").exists()


def test_several_answer_files_are_refused(tmp_path: Path) -> None:
    root = layout(tmp_path)
    for name in ("ada.toml", "old.toml"):
        (root / "submission" / name).write_text('[answers]\n"1.4" = "f - y"\n')
    doc = run_bundle(root, [stub_derivcheck(tmp_path)], STUB_MODE="ok")
    assert doc["score"] == 0.0
    assert doc["output"].splitlines() == [
        "Your submission has 2 TOML answer files:", "  ada.toml", "  old.toml",
        "Submit exactly one answer file (.toml), so it is clear which answers are yours to grade."]
    assert not (root / "args.txt").exists()


def test_the_real_derivcheck_grades_a_submission_end_to_end(tmp_path: Path) -> None:
    """The bundle with this checkout's derivcheck: needs `grade --format gradescope`."""
    root = layout(tmp_path)
    (root / "submission" / "ada.toml").write_text(
        'name = "Ada Lovelace"\n[answers]\n"1.4" = "y - f"\n"1.7" = "CE"\n"4.1" = 65536\n')
    doc = run_bundle(root, [VENV_BIN])
    assert len(doc["tests"]) == 23  # every question of the assignment, one point each
    tests = by_number(doc)
    assert (tests["1.7"]["score"], tests["1.7"]["status"]) == (1.0, "passed")
    assert (tests["4.1"]["score"], tests["4.1"]["status"]) == (1.0, "passed")
    assert (tests["1.4"]["score"], tests["1.4"]["status"]) == (0.0, "failed")
    assert tests["1.4"]["name"] == "1.4 dL_CE/da through the sigmoid"
    assert tests["1.4"]["output"].startswith("verdict: refuted\nyour answer: y - f\n"
                                             "interpreted as: -f + y\ncounterexample: ")
    assert tests["1.5"]["output"] == "not answered"
    assert doc["score"] == 2.0
    assert doc["output"].splitlines() == ["Ada Lovelace (ada.toml): 2 of 23 points.",
                                          "2 verified, 1 refuted, 20 not answered."]
    assert doc["visibility"] == "visible"
    results = json.dumps(doc)
    assert "truth" not in results and "65536 scalars" not in results
    assert doc["extra_data"]["derivcheck"]["audience"] == "student"


def test_the_real_derivcheck_grades_a_write_up_step_by_step(tmp_path: Path) -> None:
    """A Markdown write-up through the bundle: a slip in a middle step is found at its
    line, and the student reads the line and the inputs, never the truth."""
    root = layout(tmp_path)
    (root / "submission" / "hw.md").write_text(
        "## Answer 1.4\n"
        "$$\\frac{\\partial L_{CE}}{\\partial a} = -y(1-f) + (1-y)f$$\n"
        "$$= -y(1-f) - (1-y)f$$\n"
        "$$= f - y$$\n\n"
        "## Answer 1.7\nHence the CE is better.\n")
    doc = run_bundle(root, [VENV_BIN])
    tests = by_number(doc)
    assert (tests["1.7"]["score"], tests["1.7"]["status"]) == (1.0, "passed")
    assert (tests["1.4"]["score"], tests["1.4"]["status"]) == (0.0, "failed")
    assert "line 3" in tests["1.4"]["output"]
    assert "truth" not in json.dumps(doc)


def test_the_real_derivcheck_reports_an_unreadable_file(tmp_path: Path) -> None:
    """grade writes its report, then exits 2: the report is what Gradescope gets."""
    root = layout(tmp_path)
    (root / "submission" / "bad.toml").write_text('[answers\n"1.4" = "f - y"\n')
    doc = run_bundle(root, [VENV_BIN])
    assert doc["score"] == 0.0
    assert doc["output"].splitlines() == [
        "bad.toml: the answer file could not be read: bad.toml is not valid TOML: Expected ']' at the "
        "end of a table declaration (at line 1, column 9)",
        "No answer was graded: 0 of 23 points. Correct the file and submit it again."]
    assert {t["output"] for t in doc["tests"]} == {
        "not graded: the answer file could not be read (the message above says why)"}


def build(tmp_path: Path, *args: str) -> zipfile.ZipFile:
    out = tmp_path / "dist" / "autograder.zip"
    done = subprocess.run([str(BUNDLE / "build.sh"), *args, "--out", str(out)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"built {out}\n"
    return zipfile.ZipFile(out)


def mode(archive: zipfile.ZipFile, name: str) -> int:
    return archive.getinfo(name).external_attr >> 16


def test_the_zip_has_both_scripts_at_its_root_and_derivchecks_source(tmp_path: Path) -> None:
    archive = build(tmp_path)
    names = set(archive.namelist())
    assert {"setup.sh", "run_autograder", "README.md", "derivcheck-src/pyproject.toml",
            "derivcheck-src/README.md", "derivcheck-src/checker/__init__.py",
            "derivcheck-src/checker/data/assignment.md", "derivcheck-src/derivations/__init__.py",
            "derivcheck-src/checker/render/gradescope.py"} <= names
    assert mode(archive, "run_autograder") & 0o111 == 0o111
    assert mode(archive, "setup.sh") & 0o111 == 0o111
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert "requirements.txt" not in names and "derivcheck.toml" not in names
    assert archive.read("derivcheck-src/pyproject.toml") == (ROOT / "pyproject.toml").read_bytes()
    assert archive.read("run_autograder") == RUN_AUTOGRADER.read_bytes()


def test_a_pinned_zip_installs_the_pin_and_carries_the_course_file(tmp_path: Path) -> None:
    course = tmp_path / "my-course.toml"
    course.write_text('assignment = "dl"\n')
    archive = build(tmp_path, "--pin", "derivcheck==0.1.0", "--course", str(course))
    names = set(archive.namelist())
    assert names == {"setup.sh", "run_autograder", "README.md", "requirements.txt", "derivcheck.toml"}
    assert archive.read("requirements.txt") == b"derivcheck==0.1.0\n"
    assert archive.read("derivcheck.toml") == b'assignment = "dl"\n'


def test_a_missing_course_file_stops_the_build(tmp_path: Path) -> None:
    done = subprocess.run([str(BUNDLE / "build.sh"), "--course", str(tmp_path / "nope.toml"),
                           "--out", str(tmp_path / "a.zip")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == f"build.sh: --course {tmp_path / 'nope.toml'}: no such file\n"
    assert not (tmp_path / "a.zip").exists()


FAKE_PYTHON = """#!/usr/bin/env bash
echo "python3 $*" >> "$LOG"
if [ "$1" = -c ]; then exit "${PYTHON_TOO_OLD:-0}"; fi
if [ "$1" = -m ] && [ "$2" = venv ]; then
    mkdir -p "$3/bin"
    printf '#!/usr/bin/env bash\\necho "venv-python $*" >> "$LOG"\\n' > "$3/bin/python"
    printf '#!/usr/bin/env bash\\necho "derivcheck $*" >> "$LOG"\\n' > "$3/bin/derivcheck"
    chmod +x "$3/bin/python" "$3/bin/derivcheck"
    exit 0
fi
exit 1
"""
FAKE_PACKAGE_MANAGER = """#!/usr/bin/env bash
echo "apt-get $*" >> "$LOG"
"""


def run_setup(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """setup.sh with a stand-in python3 and apt-get that only record what they are asked."""
    root = layout(tmp_path)
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    for name, text in (("python3", FAKE_PYTHON), ("apt-get", FAKE_PACKAGE_MANAGER)):
        (fakes / name).write_text(text)
        (fakes / name).chmod(0o755)
    log = tmp_path / "log"
    log.touch()
    done = subprocess.run(["bash", str(BUNDLE / "setup.sh")], capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{fakes}:/usr/bin:/bin", "AUTOGRADER_ROOT": str(root),
                               "LOG": str(log), **env})
    return done, [line.replace(str(root), "ROOT") for line in log.read_text().splitlines()]


CHECK_PYTHON = "python3 -c import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)"
SMOKE = ["derivcheck --version", "derivcheck check 1.4 --answer f - y --no-cache --color never"]


def test_setup_installs_derivcheck_from_the_source_in_the_zip(tmp_path: Path) -> None:
    (tmp_path / "autograder" / "source" / "derivcheck-src").mkdir(parents=True)
    (tmp_path / "autograder" / "source" / "requirements.txt").write_text("derivcheck==0.1.0\n")
    done, log = run_setup(tmp_path)
    assert done.returncode == 0, done.stderr
    assert log == [CHECK_PYTHON, "python3 -m venv ROOT/derivcheck-venv",
                   "venv-python -m pip install --upgrade pip",
                   "venv-python -m pip install ROOT/source/derivcheck-src", *SMOKE]


def test_setup_installs_the_pinned_version_without_source(tmp_path: Path) -> None:
    (tmp_path / "autograder" / "source").mkdir(parents=True)
    (tmp_path / "autograder" / "source" / "requirements.txt").write_text("derivcheck==0.1.0\n")
    done, log = run_setup(tmp_path)
    assert done.returncode == 0, done.stderr
    assert log[3:] == ["venv-python -m pip install -r ROOT/source/requirements.txt", *SMOKE]


def test_setup_refuses_a_zip_with_nothing_to_install(tmp_path: Path) -> None:
    done, log = run_setup(tmp_path)
    assert done.returncode == 1
    assert done.stderr == ("setup.sh: neither derivcheck-src/ nor requirements.txt is in the zip; "
                           "build it with autograder/build.sh\n")
    assert log[-1] == "venv-python -m pip install --upgrade pip"


def test_setup_installs_python_and_stops_when_it_is_still_too_old(tmp_path: Path) -> None:
    done, log = run_setup(tmp_path, PYTHON_TOO_OLD="1")
    assert done.returncode == 1
    assert log == [CHECK_PYTHON, "apt-get update", "apt-get install -y python3 python3-pip python3-venv",
                   CHECK_PYTHON, "python3 --version"]  # the last one for the message
    assert "choose the Ubuntu 22.04 base image (or newer)" in done.stderr


def test_a_course_file_in_the_submission_never_sets_the_points(tmp_path: Path) -> None:
    """A student's pyproject.toml (or derivcheck.toml) beside the answers is not the course
    file: derivcheck runs in a directory of its own, with the bundle's course file only."""
    root = layout(tmp_path)
    answers = "\n".join(f'"{qid}" = "zzz"' for qid in ("1.4", "1.7", "2.2"))
    (root / "submission" / "answers.toml").write_text(f"[answers]\n{answers}\n")
    generous = ('[tool.derivcheck.assignment-1]\nerror = "full"\nundecided = "full"\n'
                '[tool.derivcheck.assignment-1.points]\n')
    (root / "submission" / "pyproject.toml").write_text(generous)
    doc = run_bundle(root, [VENV_BIN])
    assert doc["score"] == 0.0 and len(doc["tests"]) == 23
    assert doc["output"].startswith("answers (answers.toml): 0 of 23 points.")
    assert "pyproject" not in json.dumps(doc["extra_data"])


def test_an_answer_file_named_like_a_course_file_is_read_as_answers(tmp_path: Path) -> None:
    root = layout(tmp_path)
    (root / "submission" / "derivcheck.toml").write_text(
        'name = "Ada Lovelace"\n[answers]\n"1.7" = "CE"\n')
    doc = run_bundle(root, [VENV_BIN])
    assert doc["score"] == 1.0 and doc["output"].startswith("Ada Lovelace (answers.toml): 1 of 23")
