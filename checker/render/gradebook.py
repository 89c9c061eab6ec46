"""`--format gradebook`: one row per person, for a learning platform's grade import.

The columns follow Canvas's gradebook import, which matches students by `SIS User ID`
(or `SIS Login ID`) and needs a `Section` column (it may be empty); every other column
is a grade item, and a column Canvas does not know becomes a new assignment. Moodle's
"Import grades from CSV" maps any one identifier column (here `SIS User ID` to the user's
ID number, or `Email address` to their e-mail) and then each grade column to a grade item.
Columns: Student, SIS User ID, SIS Login ID, Section, Email address, one column per
question (its points), Total.

A person whose file could not be read gets empty grade cells, never a 0: importing
nothing leaves the gradebook as it was, and the class report says why (unless staff
graded that file by hand with overrides: then it has their grades). Cells are rounded
so that they add up to the total shown.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from checker.model.overview import ClassReport
from checker.model.printable import csv_cell
from checker.render.class_data import points

IDENTITY_COLUMNS = ("Student", "SIS User ID", "SIS Login ID", "Section", "Email address")


PLACES = 4  # decimals of a grade cell


def rounded_to_add_up(values: list[float]) -> list[float]:
    """Each value rounded to PLACES decimals so that the cells add up to the total rounded
    the same way (the largest remainders round up): 1/3 + 1/3 + 1/3 is 0.3334 + 0.3333 +
    0.3333 = 1, never 0.9999 beside a total of 1."""
    unit = 10 ** PLACES
    scaled = [v * unit for v in values]
    floors = [int(x // 1) for x in scaled]
    missing = round(sum(scaled)) - sum(floors)
    order = sorted(range(len(values)), key=lambda k: (floors[k] - scaled[k], k))
    for k in order[:max(0, missing)]:
        floors[k] += 1
    return [f / unit for f in floors]


def render_gradebook(report: ClassReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as spreadsheets write it
    name = report.course.assignment
    ids = report.course.ids
    writer.writerow([*IDENTITY_COLUMNS, *(f"{name} {qid}" for qid in ids), f"{name} total"])
    # An id or e-mail two files claim (one of them someone else's) matches no row: left
    # empty in both, so an import never lets one student's row overwrite another's.
    claimed = Counter(v for s in report.scores for v in {s.result.student_id, s.result.email} - {""})

    def own(value: str) -> str:
        return value if claimed[value] == 1 else ""

    for score in report.scores:
        r = score.result
        identity = [r.person, own(r.student_id), own(r.email), "", own(r.email)]
        if r.file_error and not any(q.override for q in score.questions):
            grades: list[str] = [""] * (len(ids) + 1)
        else:  # a file staff graded by hand (overrides) has the grades they gave
            cells = rounded_to_add_up([q.points for q in score.questions])
            grades = [str(points(cell)) for cell in cells] + [str(points(sum(cells)))]
        writer.writerow([csv_cell(cell) for cell in identity] + grades)
    return buffer.getvalue()
