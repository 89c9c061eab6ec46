"""Class-wide reports for `grade`: a table (person × question) and CSV.

Every field a person controls (name, file name, question ID, answer text quoted in a
reason) is printed through `terminal_text` inside a rich `Text` (escapes shown, markup
never parsed) in the table, and through `csv_cell` in CSV (one line, formula-safe).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from checker.model.grades import PersonResult
from checker.model.printable import csv_cell, terminal_text
from checker.model.verdict import Status, Verdict
from checker.render.text_report import MARKS, make_console, status_text


def render_class(results: list[PersonResult], question_ids: Sequence[str], seconds: float) -> str:
    total = len(question_ids)
    buffer = io.StringIO()
    console = make_console(buffer)
    # One column per question, one mark per sub-question in ID order: 22 IDs fit a terminal.
    groups: dict[str, list[str]] = {}
    for qid in question_ids:
        groups.setdefault(qid.split(".")[0], []).append(qid)
    table = Table(title="class", title_justify="left")
    table.add_column("person", no_wrap=True)
    for number in groups:
        table.add_column(f"Q{number}", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    for r in results:
        by_id = {v.id: v for v in r.verdicts}
        cells = [Text.assemble(*(_cell(by_id.get(qid)) for qid in ids)) for ids in groups.values()]
        score = "file error" if r.file_error else r.score(total)
        table.add_row(Text(terminal_text(r.person)), *cells, Text(score))
    console.print(table)
    order = "; ".join(f"Q{n}: {', '.join(ids)}" for n, ids in groups.items() if len(ids) > 1)
    console.print(Text(f"✓ verified  ✗ refuted  ? undecided  ! error  · not answered  ({order})",
                       style="report.dim"))
    for r in results:
        if r.file_error:
            console.print(Text.assemble(status_text(Status.ERROR),
                                        f" {terminal_text(r.person)} {terminal_text(r.path)}: ",
                                        terminal_text(r.file_error)))
        for v in r.verdicts:
            if v.status is Status.VERIFIED:
                continue
            detail = v.counterexample.describe() if v.counterexample else (v.reason or v.method)
            console.print(Text.assemble(status_text(v.status),
                                        f" {terminal_text(r.person)} {terminal_text(v.id)}: ",
                                        terminal_text(detail)))
    people = len(results)
    console.print(Text(f"{people} file{'s' if people != 1 else ''} graded in {seconds:.2f} s",
                       style="report.dim"))
    return buffer.getvalue()


def _cell(verdict: Verdict | None) -> Text:
    if not isinstance(verdict, Verdict):
        return Text("·", style="report.dim")
    return Text(MARKS[verdict.status], style=f"verdict.{verdict.status.value}")


def render_csv(results: list[PersonResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["person", "file", "id", "status", "method", "seconds", "counterexample", "reason"])
    for r in results:
        if r.file_error:
            cells = [r.person, r.path, "file", Status.ERROR.value, "answer file", f"{0:.4f}", "",
                     r.file_error]
            writer.writerow([csv_cell(cell) for cell in cells])
        for v in r.verdicts:
            cells = [r.person, r.path, v.id, v.status.value, v.method, f"{v.seconds:.4f}",
                     v.counterexample.describe() if v.counterexample else "", v.reason]
            writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()
