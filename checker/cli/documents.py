"""`derivcheck doc`: write-ups in (.tex, .md, .ipynb), every step checked, findings out.

A write-up that cannot be read (a PDF, bad UTF-8, over a cap) is an error for that file
alone; the other files are still checked. The exit code is the worst verdict, as for
`verify` and `check` (a question answered nowhere does not count; the report names it).
"""

from __future__ import annotations

import argparse
import os

from checker.cli.options import UsageError
from checker.cli.output import emit
from checker.cli.terminal import Terminal
from checker.model.grades import PersonResult
from checker.model.options import Options
from checker.model.verdict import exit_code
from checker.render.document_report import CheckedDocument, statuses
from checker.run.bounded import Limits
from checker.run.documents import blocks_for, check_document, open_write_up
from checker.run.registry import assignment


def check_file(path: str, limits: Limits, options: Options, jobs: int = 1) -> CheckedDocument:
    """One write-up, never raising for what the file holds."""
    document = open_write_up(path)
    if isinstance(document, PersonResult):
        return CheckedDocument(document)
    questions = assignment(options)
    result = check_document(document, document.name, questions, limits, options, jobs)
    blocks, notes = blocks_for(document, questions)
    missing = tuple(q.id for q in questions.questions if q.id not in blocks)
    return CheckedDocument(result, missing, (*document.notes, *notes))


def doc_command(args: argparse.Namespace, terminal: Terminal, limits: Limits, options: Options) -> int:
    paths: list[str] = args.files
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"{missing[0]}: no such file")
    documents = [check_file(path, limits, options, args.jobs) for path in paths]
    code = exit_code(statuses(documents))
    every = bool(getattr(args, "verbose", False))

    def write() -> None:
        if args.format == "json":
            from checker.render.document_report import render_document_json

            terminal.say(render_document_json(documents))
        elif args.format == "junit":
            from checker.render.junit_report import render_graded_junit

            terminal.say(render_graded_junit([d.result for d in documents]))
        elif terminal.out.isatty() and not args.quiet:
            from checker.render.document_report import render_document_panels

            render_document_panels(documents, terminal.console(), every)
        else:
            from checker.render.document_report import render_document_lines

            terminal.say(render_document_lines(documents, every))

    return emit(terminal, code, write)
