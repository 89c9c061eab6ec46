"""JSON: one document with a `results` list and a summary."""

from __future__ import annotations

from collections import Counter
from typing import Any

from checker.model.overview import ClassReport
from checker.model.printable import json_text
from checker.model.verdict import Status, Verdict, exit_code
from checker.render.class_data import points, question_data, report_data


def render_json(verdicts: list[Verdict]) -> str:
    return json_text(_document([v.to_json() for v in verdicts], [v.status for v in verdicts]))


def render_class_json(report: ClassReport) -> str:
    """A graded class: every answer (and every unanswered question) with its person, file
    and points, an answer to an ID the course does not have (an error) included; a file
    error as its own item; then the people, the overview and the run."""
    items: list[dict[str, object]] = []
    for score in report.scores:
        r = score.result
        who = {"person": r.person, "student_id": r.student_id or None, "file": r.path}
        if r.file_error:
            items.append({"id": None, **who, "status": "error", "method": "answer file",
                          "seconds": 0.0, "counterexample": None, "reason": r.file_error,
                          "points": 0, "max_points": points(score.max_total)})
            continue
        for q in score.questions:
            if q.verdict is None:
                items.append({"id": q.id, **who, "status": "not answered", "method": "",
                              "seconds": 0.0, "answer": "", "parsed": "", "counterexample": None,
                              "reason": "", **question_data(q)})
            else:
                items.append({**q.verdict.to_json(), **who, **question_data(q)})
        course = set(report.course.ids)
        items += [{**v.to_json(), **who, "points": 0, "max_points": 0, "flagged": False,
                   "override": None} for v in r.verdicts if v.id not in course]
    statuses = [s for score in report.scores for s in score.result.statuses]
    answered = [item for item in items if item["status"] != "not answered"]
    document = _document(answered, statuses, report.exit_code)
    document["results"] = items
    document["summary"]["not answered"] = len(items) - len(answered)
    return json_text({**document, **report_data(report)})


def _document(items: list[dict[str, object]], statuses: list[Status],
              code: int | None = None) -> dict[str, Any]:
    counts = Counter(str(item["status"]) for item in items)
    return {
        "results": items,
        "summary": {status.value: counts.get(status.value, 0) for status in Status},
        "exit_code": exit_code(statuses) if code is None else code,
    }
