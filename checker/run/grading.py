"""Grading a class: answer files in, one `PersonResult` per file out (pure data).

Identical answers (same question, same text) are checked once and the verdict is
shared, so a class where most people are right costs little more than one
person. One unreadable file or one answer that hits a limit never loses the
other results: every failure is a result of its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import replace

from checker.language.answerfile import HEADER_KEYS, AnswerFileError, AnswerSheet, load
from checker.model.grades import PersonResult
from checker.model.options import DEFAULT_OPTIONS, Options
from checker.model.printable import printable
from checker.model.verdict import Status, Verdict
from checker.run.api import run_all
from checker.run.bounded import Limits
from checker.run.cache import ResultCache
from checker.run.registry import assignment, catalog

Key = tuple[str, str, bool]


def grade(
    paths: list[str], limits: Limits, jobs: int = 1,
    advance: Callable[[], None] | None = None, cache: ResultCache | None = None,
    options: Options = DEFAULT_OPTIONS, only: Collection[str] | None = None,
) -> list[PersonResult]:
    """Grade every file; with `only`, just those question IDs of each file."""
    sheets: list[AnswerSheet | PersonResult] = []
    for path in paths:
        if path.lower().endswith(WRITE_UPS):
            # A write-up is checked step by step (checker.run.documents), one per person.
            sheets.append(_write_up(path, limits, options, only, jobs))
            if advance is not None:
                advance()
            continue
        if path.lower().endswith(NOT_READ):
            shown = printable(os.fsencode(path).decode("utf-8", "backslashreplace"))
            sheets.append(PersonResult(os.path.basename(shown), shown, file_error=(
                f"{shown} is not a file derivcheck reads: it reads .toml answer files and "
                ".tex, .md and .ipynb write-ups (the source of a write-up, not a PDF)")))
            continue
        try:
            sheets.append(_answer_sheet(path, options, only))
        except AnswerFileError as exc:
            shown = printable(os.fsencode(path).decode("utf-8", "backslashreplace"))
            sheets.append(PersonResult(os.path.basename(shown), shown, file_error=str(exc)))
    unique: dict[Key, None] = {}
    for sheet in sheets:
        if isinstance(sheet, AnswerSheet):
            for entry in sheet.entries:
                if not entry.problem:
                    unique.setdefault((entry.qid, entry.text, entry.latex))
    keys = list(unique)
    verdicts = dict(zip(keys, run_all(keys, limits, jobs, cache, advance, options), strict=True))
    return [_assemble(sheet, verdicts) for sheet in sheets]


WRITE_UPS = (".tex", ".latex", ".md", ".markdown", ".ipynb")
# Files people hand in that are no answers in any language derivcheck reads: said so,
# instead of a TOML parse error about their bytes. (Anything else is read as TOML.)
NOT_READ = (".pdf", ".doc", ".docx", ".odt", ".rtf", ".png", ".jpg", ".jpeg", ".gif",
            ".zip", ".gz", ".tar", ".html", ".htm")


def _answer_sheet(path: str, options: Options, only: Collection[str] | None) -> AnswerSheet | PersonResult:
    """An answer file, read for the assignment graded; with `only`, its entries for the
    other questions left out (as `load` leaves them out).

    A file whose answers name no question of that assignment, or are all to another
    assignment's questions (not all of them the graded one's), is a file error, not a row
    of zeros with every answer an unknown ID: it was written for another assignment (or
    graded with the wrong one), and the message says which and how to say so."""
    graded = assignment(options)
    sheet = load(path, graded)
    ids = set(e.qid for e in sheet.entries if e.qid not in HEADER_KEYS)
    shared = ids & set(graded.ids)
    # A file that names its assignment was checked against it by `load`. Otherwise: every
    # answer to another assignment's questions, and most of them not the graded one's
    # (assignment 1's "3" is also a question of a course's assignment: one shared ID
    # proves nothing; a stray ID in a file that answers the graded questions proves nothing).
    others = {name: a for name, a in catalog(options.question_files).assignments.items()
              if name != graded.name} if ids and 2 * len(shared) < len(ids) else {}
    owners = [name for name, a in others.items() if ids <= set(a.ids)]
    if sheet.names_its_assignment:
        owners = []  # the file says it answers the graded assignment; no other is suggested
    if ids and (owners or not shared):
        if not sheet.names_its_assignment:
            owners = owners or [name for name, a in others.items() if ids & set(a.ids)]
        ordered = [e.qid for e in sheet.entries if e.qid in ids]
        named = ", ".join(f"`{qid}`" for qid in list(dict.fromkeys(ordered))[:5])
        named += ", …" if len(ids) > 5 else ""
        if owners:
            either = " or ".join(f"`{name}`" for name in owners)
            message = (f"{sheet.path}: its answers ({named}) are to the questions of assignment "
                       f"{either}, not of `{graded.name}`, the one graded: add `assignment = "
                       f"\"{owners[0]}\"` above [answers], or grade it with --assignment {owners[0]}")
        else:
            message = (f"{sheet.path}: none of its answers ({named}) is a question of assignment "
                       f"`{graded.name}`, the one graded; `derivcheck list` lists its IDs")
        return PersonResult(sheet.person, sheet.path, file_error=message,
                            student_id=sheet.student_id, email=sheet.email)
    if only is not None:
        # An entry no question owns (an unknown ID) may be the one asked for, mistyped.
        sheet = replace(sheet, entries=tuple(e for e in sheet.entries
                                             if e.qid in only or e.qid not in graded.ids))
    return sheet


def _write_up(path: str, limits: Limits, options: Options, only: Collection[str] | None,
              jobs: int) -> PersonResult:
    from checker.run.documents import check_document, open_write_up

    document = open_write_up(path)
    if isinstance(document, PersonResult):
        return document
    return check_document(document, document.name, assignment(options), limits, options, jobs, only)


def _assemble(sheet: AnswerSheet | PersonResult, verdicts: dict[Key, Verdict]) -> PersonResult:
    if isinstance(sheet, PersonResult):
        return sheet
    out = []
    for entry in sheet.entries:
        if entry.problem:
            out.append(Verdict(entry.qid, "", Status.ERROR, "answer file", 0.0,
                               answer=entry.text, reason=entry.problem))
        else:
            out.append(replace(verdicts[(entry.qid, entry.text, entry.latex)]))
    return PersonResult(sheet.person, sheet.path, tuple(out), student_id=sheet.student_id,
                        email=sheet.email)
