"""Class-wide reports for `grade`: an overview, grouped wrong answers, a table (person ×
question), and CSV.

Every field a person controls (name, file name, question ID, answer text quoted in a
reason) is printed through `terminal_text` inside a rich `Text` (escapes shown, markup
never parsed) in the table, and through `csv_cell` in CSV (one line, formula-safe).
"""

from __future__ import annotations

import csv
import io

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker.model.course import QuestionScore
from checker.model.grades import PersonResult
from checker.model.overview import AnswerGroup, ClassReport
from checker.model.printable import csv_cell, terminal_text
from checker.model.verdict import Status
from checker.render.text_report import MARKS, make_console, points_text, status_text

LIST_EVERY_GROUP_UP_TO = 20  # graded files: a small class sees every wrong answer
SCREEN_ROWS = 50  # what a terminal shows of the report before its table: one screen
WHOLE = 1_000_000  # "width" of a report that is not cut to a terminal


def render_class(report: ClassReport, every_group: bool = False, width: int | None = None) -> str:
    """The overview (one screen), the wrong answers grouped (one comment per mistake), the
    table of people × questions, and what could not be read. Groups of one person are
    counted, not listed, unless `every_group` (--verbose).

    `width`: the columns of the terminal the report is shown on. Every line before the
    table then fits it (an answer or a counterexample too long for it is cut with `…`;
    JSON, HTML and a report written to a file or a pipe have them whole), and in a large
    class those lines fit SCREEN_ROWS rows (the smallest groups are then counted)."""
    buffer = io.StringIO()
    console = make_console(buffer)
    whole = width is None
    if width is not None:
        console.width = width = max(width, 40)
    top = overview_lines(report, width or WHOLE)
    for line in top:
        console.print(line, soft_wrap=True)
    if report.overview.wrong_answers:
        console.print(Text("\nwrong answers, grouped (answers proved equal are one group):",
                           style="report.label"))
        rows = None if whole else SCREEN_ROWS - len(top) - 2
        for line in _wrong_answer_lines(report, every_group, console, width or WHOLE, rows):
            console.print(line, soft_wrap=whole)
    console.print(_table(report))
    order = terminal_text("; ".join(f"Q{n}: {', '.join(ids)}"
                                    for n, ids in _by_number(report.course.ids).items() if len(ids) > 1))
    console.print(Text(f"✓ verified  ✗ refuted  ? undecided  ! error  · not answered  * overridden"
                       f"{f'  ({order})' if order else ''}", style="report.dim"), soft_wrap=whole)
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
    settings, versions = run_lines(report)
    console.print(Text(settings, style="report.dim"), soft_wrap=whole)
    console.print(Text(versions, style="report.dim"), soft_wrap=True)
    return buffer.getvalue()


def _wrong_answer_lines(report: ClassReport, every_group: bool, console: Console, width: int,
                        rows: int | None) -> list[Text]:
    """A line per group (at most `width` cells), then what the overview could not do and
    what was only counted.

    In a large class, a wrong answer only one person wrote is counted per question and
    listed with --verbose, in JSON and HTML. With `rows`, what is listed fits that many
    rows: answers to review (undecided, error) first, then the biggest groups; the others
    are counted."""
    overview = report.overview
    every_group = every_group or overview.graded <= LIST_EVERY_GROUP_UP_TO
    review = (Status.UNDECIDED, Status.ERROR)
    shared = [g for g in overview.wrong_answers if every_group or g.count > 1 or g.status in review]
    ranked = sorted(shared, key=lambda g: (g.status not in review, -g.count))
    keep = len(shared) if every_group or rows is None else max(0, min(len(shared), rows))
    while True:
        kept = {id(g) for g in ranked[:keep]}
        lines = [_group_line(g, width) for g in shared if id(g) in kept]
        lines += [Text(f"note: {terminal_text(note)}", style="report.dim") for note in overview.notes]
        alone: dict[str, int] = {}
        more: dict[str, int] = {}
        for group in overview.wrong_answers:
            if id(group) not in kept:
                counted = alone if group.count == 1 else more
                counted[group.question] = counted.get(group.question, 0) + 1
        for counted, what in ((more, "more groups"), (alone, "answers written by one person each")):
            if counted:
                counts = ", ".join(f"{terminal_text(qid)}: {n}" for qid, n in counted.items())
                lines.append(Text(f"{what} (listed with --verbose): {counts}", style="report.dim"))
        if rows is None or every_group or keep == 0 \
                or sum(len(console.render_lines(line)) for line in lines) <= rows:
            return lines
        keep -= 1


def run_lines(report: ClassReport) -> tuple[str, str]:
    """What made the report, so a grade can be traced and made again: the course file (in
    full) and every option as a flag (`--timeout 5 --only 1.4 1.6`); then the files, the
    time and the versions of derivcheck and SymPy."""
    o, run = report.overview, report.run
    course = (f"course file {terminal_text(run.course_file)}" if run.course_file
              else "no course file (one point per question)")
    flags = []
    for name, value in run.options:
        flag = "--" + name.replace("_", "-")
        if value == "true":
            flags.append(flag)
        elif value not in ("", "false"):
            flags.append(f"{flag} {value}")
    files = f"{o.people} file{'s' if o.people != 1 else ''}"
    graded = f"{files} graded" if o.graded == o.people else f"{files} ({o.graded} graded)"
    return (f"{course} · options: {terminal_text(' '.join(flags)) or 'none'}",
            f"{graded} in {run.seconds:.2f} s · derivcheck {terminal_text(run.derivcheck_version)}, "
            f"SymPy {terminal_text(run.sympy_version)}")


def overview_lines(report: ClassReport, width: int = WHOLE) -> list[Text]:
    """At most about 30 lines, whatever the class size, none wider than `width`: totals,
    a histogram, pass rates. With no file graded there is no mean, median or rate to show."""
    o = report.overview
    course = report.course
    source = f"course file {terminal_text(course.source)}" if course.source else "one point per question"
    unread = o.people - o.graded
    points = (f"mean {points_text(o.mean)}, median {points_text(o.median)} of "
              f"{points_text(o.max_total)} points" if o.graded
              else f"no file graded ({points_text(o.max_total)} points in all)")
    head = Text.assemble((f"{terminal_text(course.assignment)}: ", "report.label"),
                         f"{o.people} file{'s' if o.people != 1 else ''}, {o.graded} graded",
                         (f", {unread} unreadable" if unread else "", "verdict.error"), f" · {points}")
    room = width - head.cell_len - len(" · course file ")
    if not course.source:
        lines = [Text.assemble(head, f" · {source}")]
    elif room >= min(24, cell_len(terminal_text(course.source))):
        # A long path is cut from its start: its end names the file (the footer has it whole).
        lines = [Text.assemble(head, f" · course file {_clip_left(terminal_text(course.source), room)}")]
    else:
        lines = [_fit(head, width), Text("  " + _clip_left(source, width - 2))]
    flagged = [(s.result.person, q) for s in report.scores for q in s.flagged]
    overridden = sum(q.override is not None for s in report.scores for q in s.questions)
    if flagged or overridden:
        people = len({person for person, _ in flagged})
        lines.append(Text.assemble((f"{len(flagged)} answer{'s' if len(flagged) != 1 else ''} of "
                                    f"{people} {'person' if people == 1 else 'people'} flagged for "
                                    "review" if flagged else "", "verdict.undecided"),
                                   f"{' · ' if flagged and overridden else ''}"
                                   f"{f'{overridden} grade(s) overridden by staff' if overridden else ''}"))
    if o.histogram and o.graded:
        widest = max(b.count for b in o.histogram) or 1
        lines.append(Text("score distribution:", style="report.label"))
        for b in o.histogram:
            bar = "#" * round(24 * b.count / widest)  # ASCII: survives any terminal encoding
            lines.append(Text(f"  {points_text(b.low):>6}–{points_text(b.high):<6} {bar} {b.count}"))
    by_number: dict[str, list[str]] = {}
    for q in o.questions:
        by_number.setdefault(q.id.split(".")[0], []).append(
            f"{terminal_text(q.id)} {round(100 * q.pass_rate)}%")
    if by_number and o.graded:
        lines.append(Text("verified (pass rate per question):", style="report.label"))
        for number, cells in by_number.items():
            lines += _packed(f"  Q{terminal_text(number)}: ", cells, width)
    return [_fit(line, width) for line in lines]


def _packed(lead: str, cells: list[str], width: int) -> list[Text]:
    """`lead`, then the cells two spaces apart, on as many lines as `width` needs."""
    lines: list[str] = []
    line, empty = lead, True
    for cell in cells:
        if not empty and cell_len(line) + 2 + cell_len(cell) > width:
            lines.append(line)
            line, empty = " " * cell_len(lead), True
        line += cell if empty else "  " + cell
        empty = False
    return [Text(text) for text in [*lines, line]]


def _group_line(group: AnswerGroup, width: int = WHOLE) -> Text:
    """One line of at most `width` cells: the status, question and count in full, then the
    answer and the counterexample (or reason), each cut with `…` when they do not fit, and
    up to three of the people who wrote it."""
    names = [terminal_text(p) for p in group.people]
    shown = 3
    while True:
        who = ""
        if shown:
            more = f", +{group.count - shown} more" if group.count > shown else ""
            who = f"  ({', '.join(names[:shown])}{more})"
        if shown == 0 or cell_len(who) <= width // 3:
            break
        shown -= 1
    lead = Text.assemble(status_text(group.status), f" {terminal_text(group.question)} ×{group.count}  ")
    detail = terminal_text(group.counterexample.describe() if group.counterexample else group.reason)
    answer = terminal_text(group.answer)
    separator = "  — " if detail else ""
    room = width - lead.cell_len - cell_len(who) - cell_len(separator)
    # The answer keeps at least a third of the room (all of it when shorter); the detail
    # takes what is left, and what the detail does not need goes back to the answer.
    detail_room = max(0, min(cell_len(detail), room - min(cell_len(answer), room // 3)))
    answer = _clip(answer, room - detail_room)
    detail = _clip(detail, detail_room)
    return _fit(Text.assemble(lead, (answer, "report.label"),
                              f"{separator}{detail}" if detail else "", (who, "report.dim")), width)


def _clip(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, its end replaced by `…` when it is cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1) + "…" if cells > 1 else ""


def _clip_left(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, its start replaced by `…` (a path keeps its file)."""
    if cell_len(text) <= cells:
        return text
    while text and cell_len(text) > cells - 1:
        text = text[1:]
    if "/" in text[:-1]:
        text = text[text.index("/"):]  # cut at a directory, not inside a name
    return "…" + text if cells > 1 else ""


def _fit(line: Text, width: int) -> Text:
    if line.cell_len > width:
        line = line.copy()
        line.truncate(width, overflow="ellipsis")
    return line


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
