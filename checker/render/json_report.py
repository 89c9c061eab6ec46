"""JSON: one document with a `results` list and a summary."""

from __future__ import annotations

import json
from collections import Counter

from checker.model.grades import PersonResult
from checker.model.verdict import Status, Verdict, exit_code


def render_json(verdicts: list[Verdict]) -> str:
    return _document([v.to_json() for v in verdicts], [v.status for v in verdicts], {})


def render_graded_json(results: list[PersonResult], question_count: int,
                       code: int | None = None) -> str:
    """A class: every verdict with its person and file, a file error as its own item.
    `code` is the exit code of the run that wrote it (`grade` has its own rule); without
    it, the worst-of rule of `verify` and `check`."""
    items: list[dict[str, object]] = []
    for r in results:
        if r.file_error:
            items.append({"id": None, "person": r.person, "file": r.path, "status": "error",
                          "method": "answer file", "seconds": 0.0, "counterexample": None,
                          "reason": r.file_error})
        items += [{**v.to_json(), "person": r.person, "file": r.path} for v in r.verdicts]
    people = [{"person": r.person, "file": r.path, "verified": r.verified,
               "questions": question_count, "score": r.score(question_count),
               "file_error": r.file_error or None} for r in results]
    statuses = [s for r in results for s in r.statuses]
    return _document(items, statuses, {"people": people}, code)


def _document(items: list[dict[str, object]], statuses: list[Status],
              extra: dict[str, object], code: int | None = None) -> str:
    counts = Counter(str(item["status"]) for item in items)
    document: dict[str, object] = {
        "results": items,
        "summary": {status.value: counts.get(status.value, 0) for status in Status},
        "exit_code": exit_code(statuses) if code is None else code,
        **extra,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
