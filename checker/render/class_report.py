"""Class-wide reports for `grade`: an overview, grouped wrong answers, a table (person ×
question), and CSV.

Every field a person controls (name, file name, question ID, answer text quoted in a
reason) is printed through `terminal_text` inside a rich `Text` (escapes shown, markup
never parsed) in the table, and through `csv_cell` in CSV (one line, formula-safe).
"""

from __future__ import annotations

import csv
import io

from rich.table import Table
from rich.text import Text

from checker.model.course import QuestionScore
from checker.model.grades import PersonResult
from checker.model.overview import AnswerGroup, ClassReport
from checker.model.printable import csv_cell, terminal_text
from checker.model.verdict import Status
from checker.render.text_report import MARKS, make_console, points_text, status_text

LIST_EVERY_GROUP_UP_TO = 20  # graded files: a small class sees every wrong answer


def render_class(report: ClassReport, every_group: bool = False) -> str:
    """The overview (one screen), the wrong answers grouped (one comment per mistake), the
    table of people × questions, and what could not be read. Groups of one person are
    counted, not listed, unless `every_group` (--verbose)."""
    buffer = io.StringIO()
    console = make_console(buffer)
    for line in overview_lines(report):
        console.print(line, soft_wrap=True)
    groups = report.overview.wrong_answers
    if groups:
        console.print(Text("\nwrong answers, grouped (answers proved equal are one group):",
                           style="report.label"))
        # In a large class, a wrong answer only one person wrote is counted per question
        # here and listed with --verbose, in JSON and HTML; answers to review (undecided,
        # error) are always listed.
        every_group = every_group or report.overview.graded <= LIST_EVERY_GROUP_UP_TO
        shared = [g for g in groups if every_group or g.count > 1
                  or g.status in (Status.UNDECIDED, Status.ERROR)]
        for group in shared:
            console.print(_group_line(group), soft_wrap=True)
        alone: dict[str, int] = {}
        for group in groups:
            if group not in shared:
                alone[group.question] = alone.get(group.question, 0) + 1
        for note in report.overview.notes:
            console.print(Text(f"note: {terminal_text(note)}", style="report.dim"), soft_wrap=True)
        if alone:
            counts = ", ".join(f"{terminal_text(qid)}: {n}" for qid, n in alone.items())
            console.print(Text(f"answers written by one person each (listed with --verbose): {counts}",
                               style="report.dim"), soft_wrap=True)
    console.print(_table(report))
    order = terminal_text("; ".join(f"Q{n}: {', '.join(ids)}"
                                    for n, ids in _by_number(report.course.ids).items() if len(ids) > 1))
    console.print(Text(f"✓ verified  ✗ refuted  ? undecided  ! error  · not answered  * overridden"
                       f"  ({order})", style="report.dim"), soft_wrap=True)
    course = set(report.course.ids)
    for score in report.scores:
        r = score.result
        if r.file_error:
            console.print(Text.assemble(status_text(Status.ERROR),
                                        f" {terminal_text(r.person)} {terminal_text(r.path)}: ",
                                        terminal_text(r.file_error)), soft_wrap=True)
        for v in r.verdicts:  # an entry no question of the course owns is never dropped
            if v.id not in course:
                console.print(Text.assemble(status_text(v.status),
                                            f" {terminal_text(r.person)} {terminal_text(v.id)}: ",
                                            terminal_text(v.reason or v.method)), soft_wrap=True)
    people = len(report.scores)
    console.print(Text(f"{people} file{'s' if people != 1 else ''} graded in {report.run.seconds:.2f} s"
                       f" · derivcheck {report.run.derivcheck_version}, SymPy "
                       f"{report.run.sympy_version}", style="report.dim"))
    return buffer.getvalue()


def overview_lines(report: ClassReport) -> list[Text]:
    """At most about 30 lines, whatever the class size: totals, a histogram, pass rates."""
    o = report.overview
    course = report.course
    source = f"course file {terminal_text(course.source)}" if course.source else "one point per question"
    unread = o.people - o.graded
    lines = [Text.assemble((f"{terminal_text(course.assignment)}: ", "report.label"),
                           f"{o.people} file{'s' if o.people != 1 else ''}, {o.graded} graded",
                           (f", {unread} unreadable" if unread else "", "verdict.error"),
                           f" · mean {points_text(o.mean)}, median {points_text(o.median)} of "
                           f"{points_text(o.max_total)} points · {source}")]
    flagged = [(s.result.person, q) for s in report.scores for q in s.flagged]
    overridden = sum(q.override is not None for s in report.scores for q in s.questions)
    if flagged or overridden:
        people = len({person for person, _ in flagged})
        lines.append(Text.assemble((f"{len(flagged)} answer{'s' if len(flagged) != 1 else ''} of "
                                    f"{people} {'person' if people == 1 else 'people'} flagged for "
                                    "review" if flagged else "", "verdict.undecided"),
                                   f"{' · ' if flagged and overridden else ''}"
                                   f"{f'{overridden} grade(s) overridden by staff' if overridden else ''}"))
    if o.histogram:
        widest = max(b.count for b in o.histogram) or 1
        lines.append(Text("score distribution:", style="report.label"))
        for b in o.histogram:
            bar = "#" * round(24 * b.count / widest)  # ASCII: survives any terminal encoding
            lines.append(Text(f"  {points_text(b.low):>6}–{points_text(b.high):<6} {bar} {b.count}"))
    by_number: dict[str, list[str]] = {}
    for q in o.questions:
        by_number.setdefault(q.id.split(".")[0], []).append(
            f"{terminal_text(q.id)} {round(100 * q.pass_rate)}%")
    if by_number:
        lines.append(Text("verified (pass rate per question):", style="report.label"))
        lines += [Text(f"  Q{terminal_text(number)}: " + "  ".join(cells))
                  for number, cells in by_number.items()]
    return lines


def _group_line(group: AnswerGroup) -> Text:
    shown = ", ".join(terminal_text(p) for p in group.people[:3])
    more = f", +{group.count - 3} more" if group.count > 3 else ""
    detail = group.counterexample.describe() if group.counterexample else group.reason
    return Text.assemble(status_text(group.status), f" {terminal_text(group.question)} ×{group.count}  ",
                         (terminal_text(group.answer), "report.label"),
                         f"  — {terminal_text(detail)}" if detail else "",
                         (f"  ({shown}{more})", "report.dim"))


def _table(report: ClassReport) -> Table:
    question_ids = report.course.ids
    groups = _by_number(question_ids)
    table = Table(title="class", title_justify="left")
    table.add_column("person", no_wrap=True)
    for number in groups:
        table.add_column(Text(f"Q{terminal_text(number)}"), no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    for score in report.scores:
        by_id = {q.id: q for q in score.questions}
        cells = [Text.assemble(*(_cell(by_id.get(qid)) for qid in ids)) for ids in groups.values()]
        total = ("file error" if score.result.file_error
                 else f"{points_text(score.total)}/{points_text(score.max_total)}")
        table.add_row(Text(terminal_text(score.result.person)), *cells, Text(total))
    return table


def _by_number(question_ids: tuple[str, ...]) -> dict[str, list[str]]:
    """One column per question, one mark per sub-question in ID order: 23 IDs fit a terminal."""
    groups: dict[str, list[str]] = {}
    for qid in question_ids:
        groups.setdefault(qid.split(".")[0], []).append(qid)
    return groups




def _cell(score: QuestionScore | None) -> Text:
    if score is None or score.status is None:
        return Text("·", style="report.dim")
    mark = MARKS[score.status] + ("*" if score.override else "")
    return Text(mark, style=f"verdict.{score.status.value}")


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
