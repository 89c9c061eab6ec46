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

from checker.language.answerfile import AnswerFileError, AnswerSheet, load
from checker.model.grades import PersonResult
from checker.model.options import DEFAULT_OPTIONS, Options
from checker.model.printable import printable
from checker.model.verdict import Status, Verdict
from checker.run.api import run_all
from checker.run.bounded import Limits
from checker.run.cache import ResultCache
from checker.run.registry import assignment

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
            sheets.append(load(path, assignment(options), only=only))
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
