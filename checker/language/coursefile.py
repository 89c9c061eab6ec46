"""Course files (points per question) and overrides files (staff decisions).

A course file is TOML with one table per assignment, named as `derivcheck list` names
the assignment; the same tables may live under `[tool.derivcheck]` in a pyproject.toml:

    [assignment-1]
    undecided = "flag"        # flag (no points, flagged for a person) | zero | full
    error = "flag"            # the same choices, for answers that could not be read
    chain_credit = "none"     # none | links (the share of a chain's links verified)

    [assignment-1.points]     # every question of the assignment, no other
    "1.1" = 1.5
    ...

An overrides file is CSV with the header `person,question,points,comment`: `person`
is a name, student id, e-mail or answer file as the report shows it. Both files are
read whole and checked before any answer is graded: a file that is wrong in any line
is refused with the line, so no grade is ever computed from half a policy.
"""

from __future__ import annotations

import csv
import io
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checker.model.course import ChainCredit, Course, Credit, Override
from checker.model.errors import AnswerError, did_you_mean, suggest_ids
from checker.model.printable import printable
from checker.model.question import Assignment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_COURSE_BYTES = 256 * 1024
MAX_PYPROJECT_BYTES = 4 * 1024 * 1024  # a project's pyproject.toml may be long
MAX_OVERRIDES_BYTES = 4 * 1024 * 1024
MAX_POINTS = 10_000.0
DEFAULT_COURSE_FILE = "derivcheck.toml"
POLICY_KEYS = ("undecided", "error", "chain_credit", "points")
OVERRIDE_COLUMNS = ("person", "question", "points", "comment")


class CourseFileError(AnswerError):
    """A course or overrides file that cannot be used as it is (exit code 2)."""


@dataclass(frozen=True)
class CourseChoice:
    """Which course file applies: an explicit path, the one found, or none."""

    path: str | None
    inside_pyproject: bool = False
    warning: str = ""  # a file that might have been the course file but could not be read


def find_course_file(explicit: str | None, directory: str = ".") -> CourseChoice:
    """`--course FILE`, else ./derivcheck.toml, else a pyproject.toml with [tool.derivcheck]."""
    if explicit is not None:
        return CourseChoice(explicit, os.path.basename(explicit) == "pyproject.toml")
    own = os.path.join(directory, DEFAULT_COURSE_FILE)
    if os.path.isfile(own):
        return CourseChoice(own)
    pyproject = os.path.join(directory, "pyproject.toml")
    if os.path.isfile(pyproject):
        try:
            document = _toml(pyproject, MAX_PYPROJECT_BYTES)
        except CourseFileError as exc:  # a project's own file: said, not judged
            return CourseChoice(None, warning=f"{exc}; no course file was read from it, so every "
                                "question is worth one point (give the course with --course)")
        if isinstance(document.get("tool"), dict) and "derivcheck" in document["tool"]:
            return CourseChoice(pyproject, inside_pyproject=True)
    return CourseChoice(None)


def load_course(choice: CourseChoice, assignment: Assignment, known: tuple[str, ...] = ()) -> Course:
    """The assignment's policy from the chosen file; one point each when there is none.
    Every top-level entry must be a table named after an assignment (`known`, the
    assignment read among them): a stray key or a misspelled table is refused, never
    ignored."""
    if choice.path is None:
        return Course.one_point_each(assignment.name, assignment.ids)
    shown = _shown(choice.path)
    document: Any = _toml(choice.path, MAX_COURSE_BYTES)
    where = shown
    if choice.inside_pyproject:
        tool = document.get("tool")
        document = tool.get("derivcheck") if isinstance(tool, dict) else None
        where = f"{shown} [tool.derivcheck]"
        if not isinstance(document, dict):
            raise CourseFileError(f"{shown} has no [tool.derivcheck] table")
    names = {*known, assignment.name}
    for key, value in document.items():
        if not isinstance(value, dict):
            raise CourseFileError(f"{where}: `{printable(str(key))}` is outside every assignment's "
                                  "table", hint=f"put it under [{assignment.name}]")
        if key not in names:
            raise CourseFileError(f"{where}: [{printable(str(key))}] names no assignment"
                                  f"{did_you_mean(str(key), sorted(names))} (known: "
                                  f"{', '.join(sorted(names))})")
    section = document.get(assignment.name)
    if not isinstance(section, dict):
        named = ", ".join(f"[{printable(str(k))}]" for k in document) or "none"
        raise CourseFileError(f"{where} has no table for assignment `{assignment.name}` (tables: "
                              f"{named}){did_you_mean(next(iter(document), ''), [assignment.name])}",
                              hint=f"add a table [{assignment.name}] with its [{assignment.name}.points]")
    unknown = [k for k in section if k not in POLICY_KEYS]
    if unknown:
        raise CourseFileError(f"{where} [{assignment.name}]: unknown key `{printable(str(unknown[0]))}`"
                              f"{did_you_mean(str(unknown[0]), list(POLICY_KEYS))}; the keys are "
                              + ", ".join(POLICY_KEYS))
    label = f"{where} [{assignment.name}]"
    undecided = _choice(section, "undecided", Credit, Credit.FLAG, label)
    error = _choice(section, "error", Credit, Credit.FLAG, label)
    chain_credit = _choice(section, "chain_credit", ChainCredit, ChainCredit.NONE, label)
    return Course(assignment.name, _points(section.get("points"), assignment, label), undecided,
                  error, chain_credit, source=shown)


def _points(table: Any, assignment: Assignment, label: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(table, dict):
        raise CourseFileError(f"{label}: no points table", hint=f"add [{assignment.name}.points] with "
                              "one line per question, e.g. \"1.1\" = 3")
    for key, value in table.items():
        if key not in assignment.ids:
            raise CourseFileError(f"{label}.points: unknown question ID `{printable(str(key))}`"
                                  f"{suggest_ids(str(key), assignment.ids)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0 <= value <= MAX_POINTS:
            raise CourseFileError(f"{label}.points: `{key}` must be a number from 0 to "
                                  f"{MAX_POINTS:,.0f}, not {printable(repr(value))}")
    missing = [qid for qid in assignment.ids if qid not in table]
    if missing:
        raise CourseFileError(f"{label}.points: no points for {', '.join(missing)}",
                              hint="give every question its points (0 for one that does not count)")
    return tuple((qid, float(table[qid])) for qid in assignment.ids)


def _choice(section: Mapping[str, Any], key: str, kind: Any, default: Any, label: str) -> Any:
    value = section.get(key, default.value)
    allowed = [member.value for member in kind]
    if value not in allowed:
        raise CourseFileError(f"{label}: `{key}` must be one of {', '.join(allowed)}, not "
                              f"{printable(repr(value))}")
    return kind(value)


def load_overrides(path: str, course: Course) -> tuple[Override, ...]:
    """Every row of an overrides file, checked against the course's questions and points."""
    shown = _shown(path)
    raw = _read(path, MAX_OVERRIDES_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CourseFileError(f"{shown} is not UTF-8 (byte {exc.start})") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(rows, [])]
    except csv.Error as exc:
        raise CourseFileError(f"{shown}:1: {exc}") from None
    if header[:3] != list(OVERRIDE_COLUMNS[:3]) or len(header) > 4 or header[3:] not in ([], ["comment"]):
        raise CourseFileError(f"{shown}:1: the header must be `person,question,points,comment`",
                              hint="the comment column may be left out")
    overrides = []
    seen: dict[tuple[str, str], Override] = {}
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            override = _override(row, course, f"{shown}:{line}")
            # Two decisions for one answer: which is meant cannot be guessed (a row added
            # later is not always the newer decision), so neither is taken. Rows that agree
            # on the points are one decision written twice.
            earlier = seen.setdefault((override.person, override.question), override)
            if earlier.points != override.points:
                raise CourseFileError(
                    f"{override.source}: `{override.person}` {override.question} is given "
                    f"{override.points:g} points here and {earlier.points:g} on line "
                    f"{earlier.source.rsplit(':', 1)[-1]}", hint="keep one of the two rows")
            overrides.append(override)
    except csv.Error as exc:
        raise CourseFileError(f"{shown}:{rows.line_num}: {exc}") from None
    return tuple(overrides)


def _override(row: list[str], course: Course, where: str) -> Override:
    if len(row) not in (3, 4):
        raise CourseFileError(f"{where}: expected 3 or 4 cells (person, question, points, comment), "
                              f"found {len(row)}")
    person, question, points_text = (cell.strip() for cell in row[:3])
    comment = row[3].strip() if len(row) == 4 else ""
    if not person:
        raise CourseFileError(f"{where}: the person is empty")
    if question not in course.ids:
        raise CourseFileError(f"{where}: unknown question ID `{printable(question)}`"
                              f"{suggest_ids(question, course.ids)}")
    try:
        points = float(points_text)
    except ValueError:
        raise CourseFileError(f"{where}: points must be a number, not `{printable(points_text)}`") from None
    maximum = course.max_points(question)
    if not math.isfinite(points) or not 0 <= points <= maximum:
        raise CourseFileError(f"{where}: {question} is worth 0 to {maximum:g} points, not "
                              f"{printable(points_text)}")
    return Override(printable(person), question, points, printable(comment), where)


def _toml(path: str, limit: int) -> dict[str, Any]:
    shown = _shown(path)
    raw = _read(path, limit)
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CourseFileError(f"{shown} is not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CourseFileError(f"{shown} is not valid TOML: {exc}") from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise CourseFileError(f"{shown} cannot be read: {type(exc).__name__}") from None


def _read(path: str, limit: int) -> bytes:
    shown = _shown(path)
    try:
        if not os.path.isfile(path):
            raise CourseFileError(f"{shown} is not a regular file" if os.path.exists(path)
                                  else f"no such file: {shown}")
        with open(path, "rb") as stream:
            raw = stream.read(limit + 1)
    except OSError as exc:
        raise CourseFileError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise CourseFileError(f"{shown} is larger than {limit // 1024} KiB")
    return raw


def _shown(path: str) -> str:
    return printable(os.fsencode(path).decode("utf-8", "backslashreplace"))
