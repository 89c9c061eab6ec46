"""Gradescope autograder results (`results.json`) for one submission.

The format is Gradescope's "Autograder Specifications",
https://gradescope-autograders.readthedocs.io/en/latest/specs/ (source:
github.com/gradescope/autograder_samples, docs/specs.md, read January 2025). What this
module relies on, quoted:

- top level: `"score": 44.0, // optional, but required if not on each test case below.
  Overrides total of tests if specified.` — we write it, equal to the sum of the tests'
  scores, so neither reading can differ.
- `"execution_time": 136, // optional, seconds` — whole seconds, as in the example.
- `"output": "Text relevant to the entire submission"`, with `"output_format"`, whose
  default for the top level is `"simple_format"`: "very similar to the "html" format
  option". A person's name, a file name and a file error are text a student controls, so
  every format field is set to `"text"`: "No HTML, Markdown, or ANSI will be rendered."
- `"visibility"`: "`hidden`: test case will never be shown to students; `after_due_date`
  ...; `after_published`: test case will be shown only when the assignment is explicitly
  published from the "Review Grades" page; `visible` (default): test case will always be
  shown", set "at the top level for an assignment, or for an individual test".
- `"stdout_visibility"`: "By default, anything printed to standard output is recorded and
  only shown to instructors" — we say `hidden` explicitly: derivcheck's own messages and
  `run_autograder`'s diagnostics are for staff.
- `"extra_data": {} // Optional extra data to be stored`, at the top and per test.
- tests: `score`, `max_score`, `name`, `number` ("will just be numbered in order of
  array if no number given"), `output` ("Giant multiline string that will be placed in a
  <pre> tag"), `output_format`, `name_format`, `visibility`, `extra_data`, and `status`:
  "By default, test cases where the student was awarded the "max_score" points are
  marked as passing ... you can set the "status" field to either "passed" or "failed"".
- "You should use Unix line endings (aka `\\n`) in your test case outputs".

Who reads it (`report.audience`):

- student: every test and the total `visible` — the student sees the result at once.
  Verdicts have already lost the truth's value (checker.model.course.for_students); this
  renderer also leaves out what the run layer cannot know is revealing: the method (it
  can state the truth, as "64×32×32 = 65536 scalars" does), the notes, and every step the
  student did not write (a word or a parts answer carries the checker's own derivation
  as steps).
- staff: everything, and the visibility is `after_published` — a staff report carries
  the truth's value at a counterexample, so a student may see it only once course staff
  publish the grades (when solutions are usually out); `hidden` would keep the student's
  total from them for good ("If test cases are hidden, students will not be able to see
  their total score").

Every field taken from the report goes through `printable` (one line, no control
characters, no lone surrogates), so a typed newline cannot forge a `verdict:` line and
the document always encodes as UTF-8. `checker.render.prairielearn` uses the same text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from checker.model.course import Audience, PersonScore, QuestionScore
from checker.model.overview import ClassReport
from checker.model.printable import json_text, printable
from checker.model.verdict import Status, StepResult, Verdict

# Two of the spec's four visibilities (hidden, after_due_date, after_published, visible).
VISIBILITY = {Audience.STUDENT: "visible", Audience.STAFF: "after_published"}
FLAGGED = "flagged for review by course staff: these points may change"


def render_gradescope(report: ClassReport, titles: Mapping[str, str] | None = None) -> str:
    """results.json for the one submission in `report` (ValueError for any other count).

    `titles` (question ID -> title) names a question nobody answered; without it an
    unanswered question is named by its ID alone."""
    person = one_submission(report, "gradescope")
    visibility = VISIBILITY[report.audience]
    tests = [_test(q, person, report.audience, visibility, titles) for q in person.questions]
    document: dict[str, object] = {
        # The sum of the very numbers the tests carry: the total and the tests always agree.
        "score": math.fsum(float(q.points) for q in person.questions),
        "execution_time": math.ceil(max(report.run.seconds, 0.0)),
        "output": summary(report, person),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "extra_data": extra_data(report, person),
        "tests": tests,
    }
    return json_text(document)


def _test(q: QuestionScore, person: PersonScore, audience: Audience, visibility: str,
          titles: Mapping[str, str] | None) -> dict[str, object]:
    return {
        "name": question_name(q, titles),
        "name_format": "text",
        "number": printable(q.id),
        "score": float(q.points),
        "max_score": float(q.max_points),
        "status": "passed" if full_points(q) else "failed",
        "output": "\n".join(feedback(q, audience, bool(person.result.file_error))),
        "output_format": "text",
        "visibility": visibility,
        "extra_data": {"status": status_word(q), "flagged": q.flagged,
                       "overridden": q.override is not None},
    }


# -- shared with checker.render.prairielearn --------------------------------------------


def one_submission(report: ClassReport, fmt: str) -> PersonScore:
    if len(report.scores) != 1:
        raise ValueError(f"{fmt}: a report of exactly one submission is needed, "
                         f"not {len(report.scores)}")
    return report.scores[0]


def question_name(q: QuestionScore, titles: Mapping[str, str] | None = None) -> str:
    """`1.4 dL_CE/da through the sigmoid`: the ID and, when known, the title."""
    title = q.verdict.title if q.verdict is not None and q.verdict.title else (titles or {}).get(q.id, "")
    return printable(f"{q.id} {title}".strip())


def full_points(q: QuestionScore) -> bool:
    """Every point the question is worth; a question worth nothing passes only when verified."""
    if q.max_points <= 0:
        return q.status is Status.VERIFIED or (q.override is not None and q.points >= q.max_points)
    return q.points >= q.max_points - 1e-9


def status_word(q: QuestionScore) -> str:
    return q.status.value if q.status is not None else "not answered"


def points_text(value: float) -> str:
    rounded = round(value, 4)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


def headline(q: QuestionScore, file_error: bool = False) -> str:
    """One line: the verdict and, when it is not verified, why."""
    if file_error and q.verdict is None:
        line = "not graded: the answer file could not be read"
    elif q.verdict is None:
        line = "not answered"
    else:
        v = q.verdict
        why = v.counterexample.describe() if v.counterexample is not None else v.problem
        line = v.status.value + (f": {why}" if why and v.status is not Status.VERIFIED else "")
    if q.override is not None:
        line += f"; {points_text(q.points)} of {points_text(q.max_points)} set by course staff"
    if q.flagged:
        line += "; " + FLAGGED
    return printable(line)


def feedback(q: QuestionScore, audience: Audience, file_error: bool = False) -> list[str]:
    """The verdict as lines of plain text, each field made one line by `printable`."""
    staff = audience is Audience.STAFF
    if file_error and q.verdict is None:
        lines = ["not graded: the answer file could not be read (the message above says why)"]
    elif q.verdict is None:
        lines = ["not answered"]
    else:
        lines = _verdict_lines(q.verdict, staff)
    if q.override is not None:
        points = f"{points_text(q.points)} of {points_text(q.max_points)}"
        comment = f": {printable(q.override.comment)}" if q.override.comment else ""
        lines.append(f"score set by course staff: {points} points{comment}")
        if staff and q.override.source:
            lines.append(f"override from: {printable(q.override.source)}")
    if q.flagged:
        lines.append(FLAGGED)
    return lines


def _verdict_lines(v: Verdict, staff: bool) -> list[str]:
    lines = [f"verdict: {v.status.value}" + (f" ({printable(v.method)})" if staff and v.method else "")]
    if v.answer:
        lines.append(f"your answer: {printable(v.answer)}")
    if v.parsed:
        lines.append(f"interpreted as: {printable(v.parsed)}")
    if v.reason:
        label = "problem" if v.status is Status.ERROR else "reason"
        lines.append(f"{label}: {printable(v.problem)}")
    if v.status is Status.ERROR and v.column is not None:
        excerpt = f" ({printable(v.excerpt)})" if v.excerpt else ""
        lines.append(f"where: column {v.column} of your answer{excerpt}")
    if v.hint:
        lines.append(f"how to fix: {printable(v.hint)}")
    if v.counterexample is not None:
        lines.append(f"counterexample: {printable(v.counterexample.describe())}")
    shown = [s for s in v.steps if staff or own_step(s, v)]
    if shown:
        lines.append("steps:")
    for step in shown:
        how = f" ({printable(step.method)})" if staff and step.method else ""
        where = f": {printable(step.counterexample.describe())}" if step.counterexample else ""
        line = f"{step.place}: " if step.place else ""
        lines.append(f"  [{step.status.value}] {line}{printable(step.text)}{how}{where}")
    if staff:
        lines += [f"note: {printable(note)}" for note in v.notes]
    return lines


_NUMBERED = re.compile(r"^step \d+: ")


def own_step(step: StepResult, v: Verdict) -> bool:
    """A step the student wrote: one side of their chain, as written or as interpreted
    (question 5 numbers them: `step 2: ...`).

    Other steps are the checker's own derivation (the limits behind a word answer, the
    lemmas behind question 3, a chain's first and last line from the definitions) and can
    state the truth. A write-up's links (`derivcheck doc`) all carry their line: every one
    is the student's own."""
    if step.line is not None:
        return True
    sides = {side.strip() for side in v.parsed.split(" = ")} | {side.strip() for side in v.answer.split("=")}
    text = _NUMBERED.sub("", step.text.strip(), count=1)
    return bool(text) and text in sides


def summary(report: ClassReport, person: PersonScore) -> str:
    """The submission in a few lines: who, the points, the counts, what staff will look at."""
    result = person.result
    total = f"{points_text(person.total)} of {points_text(person.max_total)} points"
    who = printable(result.person) + (f" ({printable(result.path)})" if result.path != result.person else "")
    if result.file_error:
        lines = [f"{who}: the answer file could not be read: {printable(result.file_error)}",
                 f"No answer was graded: {total}. Correct the file and submit it again."]
    else:
        counts = {word: sum(status_word(q) == word for q in person.questions)
                  for word in [s.value for s in Status] + ["not answered"]}
        lines = [f"{who}: {total}.",
                 ", ".join(f"{n} {word}" for word, n in counts.items() if n) + "."]
    flagged = len(person.flagged)
    if flagged:
        lines.append(f"{flagged} answer{'s' if flagged != 1 else ''} {FLAGGED}.")
    overridden = sum(q.override is not None for q in person.questions)
    if overridden:
        lines.append(f"{overridden} score{'s' if overridden != 1 else ''} set by course staff.")
    return "\n".join(lines)


def run_record(report: ClassReport) -> dict[str, object]:
    """What made this result (report.run), so a grade can be traced and reproduced."""
    run = report.run
    return plain({
        "derivcheck_version": run.derivcheck_version,
        "sympy_version": run.sympy_version,
        "options": dict(run.options),
        "course_file": run.course_file or None,
        "seconds": round(run.seconds, 3),
        "assignment": report.course.assignment,
        "audience": report.audience.value,
        "exit_code": report.exit_code,
    })


def extra_data(report: ClassReport, person: PersonScore) -> dict[str, object]:
    result = person.result
    return {
        "derivcheck": run_record(report),
        "submission": plain({"person": result.person, "file": result.path,
                             "file_error": result.file_error or None,
                             "flagged": list(person.flagged),
                             "overridden": [q.id for q in person.questions if q.override is not None]}),
    }


def plain(value: dict[str, object]) -> dict[str, object]:
    """Every string in a JSON-ready dict made printable (keys too)."""
    return {printable(key): _plain(item) for key, item in value.items()}


def _plain(value: object) -> object:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
