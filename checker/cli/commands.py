"""The commands: each turns parsed options into library calls and a report, and returns
its exit code. Every report goes through `emit`, so a reader that leaves early
(`| head -1`) ends the run quietly with the code it would have had anyway."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from checker.cli.options import build_parser
from checker.cli.output import emit, question_for, run_options, selected
from checker.cli.statements import find as find_statement
from checker.cli.terminal import Terminal
from checker.model.errors import AnswerError
from checker.model.options import SHIPPED_ASSIGNMENT, Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Verdict, exit_code
from checker.run.api import check_answer, run_all
from checker.run.bounded import Limits
from checker.run.cache import ResultCache
from checker.run.registry import assignment, catalog

KIND_HINTS = {
    AnswerKind.EXPRESSION: "one expression in the names below",
    AnswerKind.WORD: "one of the words below",
    AnswerKind.INTEGER: "a whole number",
    AnswerKind.LIST: "a list of numbers, e.g. [1, 2, 3]",
    AnswerKind.PARTS: "named parts: `name = expression; name = expression; ...`",
    AnswerKind.CHAIN: "a chain of steps: `step = step = ... = step`",
}
# An answer typed on standard input is text, not a file: bounded well above the answer
# language's own length cap, so that cap (not this one) names the problem.
MAX_STDIN_ANSWER = 64 * 1024


def run(args: argparse.Namespace, terminal: Terminal) -> int:
    if args.command == "completion":
        return _completion(args.shell, terminal)
    options = run_options(args)
    if args.command == "list":
        return emit(terminal, 0, lambda: _list(terminal.console(), options, args.all))
    if args.command == "show":
        question = question_for(args.id, options)
        return emit(terminal, 0, lambda: _show(question, terminal.console(), options))
    limits = Limits(timeout=args.timeout, memory_mb=args.memory, prepare_timeout=args.prepare_timeout)
    if args.command == "doc":
        from checker.cli.documents import doc_command

        return doc_command(args, terminal, limits, options)
    cache = None if args.no_cache else ResultCache(Path(args.cache_dir) if args.cache_dir else None,
                                                   warn=terminal.warn)
    if args.command == "verify":
        questions = selected(args.ids, options)
        if args.self_test:
            from checker.run.selftest import self_test

            results = self_test(questions, limits, args.jobs, cache, options)
            verdicts = [result.as_verdict() for result in results]
        else:
            checks = [(q.id, q.reference, False) for q in questions]
            verdicts = run_all(checks, limits, args.jobs, cache, options=options)
        return emit(terminal, exit_code([v.status for v in verdicts]),
                    lambda: _report(verdicts, args, terminal, detailed=False))
    if args.command == "check":
        question = question_for(args.id, options)
        latex = args.latex is not None
        text = args.latex if latex else args.answer
        if text == "-":
            text = read_answer(terminal)
        verdict = check_answer(question.id, text, latex=latex, limits=limits, cache=cache,
                               options=options)
        return emit(terminal, verdict.status.exit_code,
                    lambda: _report([verdict], args, terminal, detailed=True))
    from checker.cli.grading import grade_command

    return grade_command(args, terminal, limits, cache, options)


def read_answer(terminal: Terminal) -> str:
    """`--answer -`: the answer is standard input, without its final line break."""
    if sys.stdin.isatty():
        terminal.warn("reading the answer from standard input (end it with Ctrl-D)")
    raw = sys.stdin.buffer.read(MAX_STDIN_ANSWER + 1)
    if len(raw) > MAX_STDIN_ANSWER:
        raise AnswerError(f"the answer on standard input is longer than {MAX_STDIN_ANSWER // 1024} KiB")
    try:
        return raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise AnswerError(f"the answer on standard input is not UTF-8 (byte {exc.start})") from None


def _report(verdicts: list[Verdict], args: argparse.Namespace, terminal: Terminal,
            detailed: bool) -> None:
    if args.format == "json":
        from checker.render.json_report import render_json

        terminal.say(render_json(verdicts))
    elif args.format == "junit":
        from checker.render.junit_report import render_junit

        terminal.say(render_junit(verdicts))
    else:
        from checker.render.text_report import render_check, render_lines, render_verify

        console = terminal.console()
        if args.quiet:
            render_lines(verdicts, console)
        elif detailed:
            render_check(verdicts, console)
        else:
            render_verify(verdicts, console, every=args.verbose)


def _list(console: Console, options: Options, every: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    found = catalog(options.question_files)
    names = sorted(found.assignments) if every else [options.assignment]
    for name in names:
        chosen = found.assignments[name]
        table = Table(title=f"{chosen.name}: {chosen.title} ({found.sources[name].origin})",
                      title_justify="left")
        table.add_column("ID", no_wrap=True)
        table.add_column("title")
        table.add_column("answer")
        for q in chosen.questions:
            table.add_row(Text(q.id), Text(q.title), Text(q.kind.value))
        console.print(table)
    for problem in found.problems:
        console.print(Text(f"not loaded: {problem}", style="verdict.error"))
    others = len(found.assignments) - len(names)
    if others:
        console.print(Text(f"{others} more assignment(s): `derivcheck list --all` shows them",
                           style="report.dim"))


def _show(question: Question, console: Console, options: Options) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    statement = find_statement(question.id) if options.assignment == SHIPPED_ASSIGNMENT else None
    if statement is not None:
        # Markdown's bold marks mean nothing on a terminal.
        paragraphs = [statement.preamble, statement.context,
                      f"{statement.label} {statement.part}" if statement.part else ""]
        body = "\n\n".join(p for p in paragraphs if p).replace("**", "")
        console.print(Panel(Text(body), title=f"{question.id} — {statement.heading}, as the "
                            "assignment states it", title_align="left"))
    console.print(Text.assemble(("asks for:         ", "report.label"), question.statement))
    console.print(Text.assemble(("answer form:      ", "report.label"), KIND_HINTS[question.kind]))
    console.print(Text.assemble(("reference answer: ", "report.label"), question.reference))
    if question.parts:
        console.print(Text.assemble(("parts:            ", "report.label"), ", ".join(question.parts)))
    names = Table(title="namespace", title_justify="left")
    names.add_column("name", no_wrap=True)
    names.add_column("domain / kind")
    names.add_column("meaning")
    for row in question.namespace.describe():
        names.add_row(*(Text(cell) for cell in row))
    console.print(names)
    if question.kind not in (AnswerKind.WORD, AnswerKind.INTEGER, AnswerKind.LIST):
        console.print(Text.assemble(("functions:        ", "report.label"),
                                    ", ".join(spec.name for spec in question.namespace.function_specs())))
    console.print(Text.assemble(("truth:            ", "report.label"), question.truth))
    for note in question.notes:
        console.print(Text.assemble(("note:             ", "report.label"), note))
    if question.document is not None and question.document.notation:
        spellings = Table(title="in a write-up (derivcheck doc), these spellings are read as",
                          title_justify="left")
        spellings.add_column("LaTeX", no_wrap=True)
        spellings.add_column("meaning")
        for notation in question.document.notation:
            meaning = "the asked quantity" if notation.asked else notation.meaning
            spellings.add_row(Text(notation.spelling.replace("#", "…")), Text(meaning))
        console.print(spellings)


def _completion(shell: str, terminal: Terminal) -> int:
    import shtab

    parser, _ = build_parser(assignment().ids)
    script = shtab.complete(parser, shell=shell)
    return emit(terminal, 0, lambda: terminal.say(script))
