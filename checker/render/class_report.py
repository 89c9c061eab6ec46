"""Class-wide reports for `grade`: a table (person × question) and CSV."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from checker.printable import csv_safe, printable
from checker.questions import all_questions
from checker.render.text_report import MARKS, make_console, status_text
from checker.verdict import Status

if TYPE_CHECKING:
    from checker.grading import PersonResult


def render_class(results: list[PersonResult], total: int, seconds: float) -> str:
    buffer = io.StringIO()
    console = make_console(buffer)
    # One column per question, one mark per sub-question in ID order: 22 IDs fit a terminal.
    groups: dict[str, list[str]] = {}
    for q in all_questions():
        groups.setdefault(q.id.split(".")[0], []).append(q.id)
    table = Table(title="class", title_justify="left")
    table.add_column("person", no_wrap=True)
    for number in groups:
        table.add_column(f"Q{number}", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    for r in results:
        by_id = {v.id: v for v in r.verdicts}
        cells = [Text.assemble(*(_cell(by_id.get(qid)) for qid in ids)) for ids in groups.values()]
        score = "file error" if "file" in by_id else r.score(total)
        table.add_row(Text(r.person), *cells, Text(score))
    console.print(table)
    order = "; ".join(f"Q{n}: {', '.join(ids)}" for n, ids in groups.items() if len(ids) > 1)
    console.print(Text(f"✓ verified  ✗ refuted  ? undecided  ! error  · not answered  ({order})",
                       style="report.dim"))
    for r in results:
        for v in r.verdicts:
            if v.status is Status.VERIFIED:
                continue
            detail = v.counterexample.describe() if v.counterexample else (v.reason or v.method)
            console.print(Text.assemble(status_text(v.status), f" {r.person} {v.id}: ",
                                        printable(detail)))
    people = len(results)
    console.print(Text(f"{people} file{'s' if people != 1 else ''} graded in {seconds:.2f} s",
                       style="report.dim"))
    return buffer.getvalue()


def _cell(verdict: object) -> Text:
    from checker.verdict import Verdict

    if not isinstance(verdict, Verdict):
        return Text("·", style="report.dim")
    return Text(MARKS[verdict.status], style=f"verdict.{verdict.status.value}")


def render_csv(results: list[PersonResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["person", "file", "id", "status", "method", "seconds", "counterexample", "reason"])
    for r in results:
        for v in r.verdicts:
            cells = [r.person, r.path, v.id, v.status.value, v.method, f"{v.seconds:.4f}",
                     v.counterexample.describe() if v.counterexample else "", v.reason]
            writer.writerow([csv_safe(printable(cell)) for cell in cells])
    return buffer.getvalue()
