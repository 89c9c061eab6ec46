"""Grading a class: answer files in, one verdict per person and question out.

Identical answers (same question, same text) are checked once and the verdict is
shared, so a class where most people are right costs little more than one
person. One unreadable file or one answer that hits a limit never loses the
other results: every failure is a verdict of its own.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from checker.answerfile import AnswerFileError, AnswerSheet, load
from checker.bounded import Limits
from checker.cache import ResultCache
from checker.check import run_all
from checker.errors import AnswerError
from checker.printable import printable
from checker.questions import all_questions
from checker.verdict import Status, Verdict, exit_code


@dataclass(frozen=True)
class PersonResult:
    person: str
    path: str
    verdicts: tuple[Verdict, ...]

    @property
    def verified(self) -> int:
        return sum(v.status is Status.VERIFIED for v in self.verdicts if v.id != "file")

    def score(self, total: int) -> str:
        return f"{self.verified}/{total}"


Key = tuple[str, str, bool]


def grade(
    paths: list[str], limits: Limits, jobs: int = 1,
    advance: Callable[[], None] | None = None, cache: ResultCache | None = None,
) -> list[PersonResult]:
    sheets: list[AnswerSheet | Verdict] = []
    for path in paths:
        try:
            sheets.append(load(path))
        except AnswerFileError as exc:
            shown = printable(os.fsencode(path).decode("utf-8", "backslashreplace"))
            sheets.append(Verdict("file", shown, Status.ERROR, "answer file", 0.0, reason=str(exc),
                                  notes=(f"person: {os.path.basename(shown)}", f"file: {shown}")))
    unique: dict[Key, None] = {}
    for sheet in sheets:
        if isinstance(sheet, AnswerSheet):
            for entry in sheet.entries:
                if not entry.problem:
                    unique.setdefault((entry.qid, entry.text, entry.latex))
    keys = list(unique)
    verdicts = dict(zip(keys, run_all(keys, limits, jobs, cache, advance), strict=True))
    return [_assemble(sheet, verdicts) for sheet in sheets]


def _assemble(sheet: AnswerSheet | Verdict, verdicts: dict[Key, Verdict]) -> PersonResult:
    if isinstance(sheet, Verdict):
        person = sheet.notes[0].removeprefix("person: ")
        return PersonResult(person, sheet.title, (sheet,))
    tags = (f"person: {sheet.person}", f"file: {sheet.path}")
    out = []
    for entry in sheet.entries:
        if entry.problem:
            out.append(Verdict(entry.qid, "", Status.ERROR, "answer file", 0.0,
                               answer=entry.text, reason=entry.problem, notes=tags))
        else:
            out.append(replace(verdicts[(entry.qid, entry.text, entry.latex)], notes=tags))
    return PersonResult(sheet.person, sheet.path, tuple(out))


def grade_command(args: argparse.Namespace, limits: Limits, cache: ResultCache | None) -> int:
    from rich.console import Console
    from rich.progress import Progress

    if args.out:
        check_writable(args.out)  # before the work, not after it
    started = time.perf_counter()
    stderr = Console(stderr=True)
    with Progress(console=stderr, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("checking answers", total=None)
        results = grade(args.files, limits, args.jobs, lambda: progress.advance(task), cache)
    report = render(results, args.format, time.perf_counter() - started)
    if args.out:
        write_atomically(args.out, report)
        stderr.print(f"report written to {args.out}")
    else:
        sys.stdout.write(report)
    return exit_code([v.status for r in results for v in r.verdicts])


def render(results: list[PersonResult], fmt: str, seconds: float) -> str:
    verdicts = [v for r in results for v in r.verdicts]
    total = len(all_questions())
    if fmt == "json":
        from checker.render.json_report import render_json

        people = [{"person": r.person, "file": r.path, "verified": r.verified,
                   "questions": total, "score": r.score(total)} for r in results]
        return render_json(verdicts, {"people": people}) + "\n"
    if fmt == "junit":
        from checker.render.junit_report import render_junit

        return render_junit(verdicts) + "\n"
    if fmt == "csv":
        from checker.render.class_report import render_csv

        return render_csv(results)
    from checker.render.class_report import render_class

    return render_class(results, total, seconds)


def check_writable(path: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise AnswerError(f"--out {path} is a directory")
    if not os.path.isdir(directory):
        raise AnswerError(f"--out {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise AnswerError(f"--out {path}: directory {directory} is not writable")


def write_atomically(path: str, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".derivcheck-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
