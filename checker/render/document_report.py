"""Reports of checked write-ups (`derivcheck doc`): linter lines, rich panels, JSON.

Text is one line per finding, like a linter (`file:line: ID what: detail`); a terminal
also gets a panel per file. JSON has a `results` item per answered question with its
file and line, and its `steps`, each with line, status, method and counterexample.
Every field goes through the format's escaping at this edge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from checker.model.grades import PersonResult
from checker.model.printable import json_text, printable
from checker.model.verdict import Status, StepResult, Verdict, exit_code


@dataclass(frozen=True)
class CheckedDocument:
    """One write-up as checked: its verdicts, the questions it answers nowhere, and what
    the reader noted (ignored blocks, macros not followed)."""

    result: PersonResult
    not_answered: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def statuses(documents: Sequence[CheckedDocument]) -> list[Status]:
    return [s for d in documents for s in d.result.statuses]


def _place(path: str, line: int | None, cell: int | None) -> str:
    if line is None:
        return printable(path)
    return printable(f"{path}:cell {cell}:{line}" if cell is not None else f"{path}:{line}")


def _step_label(step: StepResult) -> str:
    label, _, _ = step.text.partition(": ")
    return label


def _detail(step: StepResult) -> str:
    if step.counterexample is not None:
        return step.counterexample.describe()
    return step.method


def finding_lines(document: CheckedDocument, every: bool = False) -> list[tuple[Status, str]]:
    """(status, line) per finding: each question's verdict, then each link that is not
    verified (every link with `every`)."""
    result = document.result
    if result.file_error:
        return [(Status.ERROR, f"{printable(result.path)}: error: {printable(result.file_error)}")]
    lines: list[tuple[Status, str]] = []
    for verdict in result.verdicts:
        where = _place(result.path, verdict.line, verdict.cell)
        failed = verdict.status is not Status.VERIFIED and verdict.reason
        summary = verdict.reason if failed else verdict.method
        if verdict.counterexample is not None and verdict.status is Status.REFUTED:
            summary = f"{verdict.method}: {verdict.counterexample.describe()}"
        lines.append((verdict.status, f"{where}: {printable(verdict.id)} {verdict.status.value}: "
                      f"{printable(summary)}"))
        for step in verdict.steps:
            if step.status is Status.VERIFIED and not every:
                continue
            lines.append((step.status, f"{_place(result.path, step.line, step.cell)}: "
                          f"{printable(verdict.id)} {printable(_step_label(step))} "
                          f"{step.status.value}: {printable(_detail(step))}"))
    if document.not_answered:
        lines.append((Status.UNDECIDED, f"{printable(result.path)}: not answered: "
                      f"{printable(', '.join(document.not_answered))}"))
    for note in document.notes:
        lines.append((Status.VERIFIED, f"{printable(result.path)}: note: {printable(note)}"))
    return lines


def render_document_lines(documents: Sequence[CheckedDocument], every: bool = False) -> str:
    out = [line for d in documents for _, line in finding_lines(d, every)]
    counts = Counter(s.value for s in statuses(documents))
    out.append(", ".join(f"{counts.get(s.value, 0)} {s.value}" for s in Status))
    return "\n".join(out)


_STYLES = {Status.VERIFIED: "verdict.verified", Status.REFUTED: "verdict.refuted",
           Status.UNDECIDED: "verdict.undecided", Status.ERROR: "verdict.error"}


def render_document_panels(documents: Sequence[CheckedDocument], console: Console,
                           every: bool = False) -> None:
    """A panel per write-up, each finding coloured by its status, then the summary."""
    for document in documents:
        body = Group(*(Text(line, style=_STYLES[status]) for status, line in finding_lines(document, every)))
        console.print(Panel(body, title=Text(printable(document.result.path)), title_align="left"))
    counts = Counter(s.value for s in statuses(documents))
    console.print(Text(", ".join(f"{counts.get(s.value, 0)} {s.value}" for s in Status)))


def _verdict_json(verdict: Verdict, path: str) -> dict[str, object]:
    data = verdict.to_json()
    data["file"] = path
    return data


def render_document_json(documents: Sequence[CheckedDocument]) -> str:
    items: list[dict[str, object]] = []
    for document in documents:
        r = document.result
        if r.file_error:
            items.append({"id": None, "file": r.path, "status": "error", "line": None,
                          "method": "write-up", "reason": r.file_error, "steps": []})
            continue
        items += [_verdict_json(v, r.path) for v in r.verdicts]
    counts = Counter(str(item["status"]) for item in items)
    return json_text({
        "results": items,
        "not_answered": [{"file": d.result.path, "id": qid} for d in documents for qid in d.not_answered],
        "notes": [{"file": d.result.path, "note": n} for d in documents for n in d.notes],
        "summary": {status.value: counts.get(status.value, 0) for status in Status},
        "exit_code": exit_code(statuses(documents)),
    })
