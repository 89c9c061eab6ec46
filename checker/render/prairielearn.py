"""PrairieLearn external-grading results (`results.json`) for one submission.

The format is PrairieLearn's "External Grading" page, section "Grading results",
https://prairielearn.readthedocs.io/en/latest/externalGrading/ (source:
github.com/PrairieLearn/PrairieLearn, docs/externalGrading.md). What this module relies
on, quoted:

- "Your grading process must write its results to `/grade/results/results.json`. If the
  submission is gradable, the result only has one mandatory field: `score`, which is the
  score for the submitted attempt, and should be a floating point number in the range
  [0.0, 1.0]." — `score` is the points earned over the points available, clamped to that
  range (a staff override can award more than a question's points).
- "As long as this field is present you may add any additional data to that object that
  you want." — the run's record goes under `derivcheck`.
- "The boolean `gradable` can be added ... and set to `false` to indicate that the input
  was invalid or formatted incorrectly ... no points will be awarded or lost, and the
  student will not be penalized an attempt" — used only for a file derivcheck could not
  read at all (not UTF-8, not TOML, no `[answers]`, too large); an answer that cannot be
  read is an `error` verdict for that question, graded like any other.
- "If `gradable` is set to false, error messages related to the formatting of the answer
  can be added ... by setting the `format_errors` key. This can be either a string or an
  array of strings" — an array of one.
- tests, as `<pl-external-grader-results>` renders them: `name`, `description`,
  `points`, `max_points`, `message`, `output` (the element sums `points` and
  `max_points` when every test has both, as every test here does).
- "this file should be limited to 1 MB" — an answer file is at most 256 KiB and an
  answer at most 2,000 characters, so a result stays far below it.

PrairieLearn's element passes `message` and `output` through an ANSI-to-HTML converter;
every field here goes through `printable` (no ESC, no control characters), so text a
student typed is shown as text. PrairieLearn shows the result to the student at once and
has no visibility setting: render it for the student audience (a staff report carries
the truth's value at a counterexample). The wording is Gradescope's
(checker.render.gradescope), so both platforms say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

from checker.model.course import QuestionScore
from checker.model.overview import ClassReport
from checker.model.printable import json_text, printable
from checker.render.gradescope import feedback, headline, one_submission, run_record, summary


def render_prairielearn(report: ClassReport, titles: Mapping[str, str] | None = None) -> str:
    """results.json for the one submission in `report` (ValueError for any other count).

    `titles` (question ID -> title) describes a question nobody answered."""
    person = one_submission(report, "prairielearn")
    result = person.result
    if result.file_error:
        document: dict[str, object] = {
            "gradable": False,
            "score": 0.0,
            "format_errors": [printable(f"{result.path}: {result.file_error}")],
            "message": summary(report, person),
            "derivcheck": run_record(report),
        }
        return json_text(document)
    available = person.max_total
    score = min(1.0, max(0.0, person.total / available)) if available > 0 else 0.0
    document = {
        "gradable": True,
        "score": score,
        "message": summary(report, person),
        "tests": [_test(q, report, titles) for q in person.questions],
        "derivcheck": run_record(report),
    }
    return json_text(document)


def _test(q: QuestionScore, report: ClassReport, titles: Mapping[str, str] | None) -> dict[str, object]:
    title = q.verdict.title if q.verdict is not None and q.verdict.title else (titles or {}).get(q.id, "")
    test: dict[str, object] = {
        "name": printable(f"Question {q.id}"),
        "points": float(q.points),
        "max_points": float(q.max_points),
        "message": headline(q),
        "output": "\n".join(feedback(q, report.audience)),
    }
    if title:
        test["description"] = printable(title)
    return test
