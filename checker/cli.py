"""The command line: a thin layer over the library API (checker.check).

Exit codes (CONTRACT.md): 0 verified, 1 refuted, 3 undecided, 2 error; a run over
several checks exits with the worst in the order 2 > 1 > 3 > 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from checker import options
from checker.bounded import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits
from checker.cache import ResultCache
from checker.check import check_answer, run_all
from checker.errors import AnswerError
from checker.questions import AnswerKind, Question, all_questions, get, select
from checker.verdict import Status, Verdict, exit_code

FORMATS = ("text", "json", "junit")
DEFAULT_JOBS = max(1, os.cpu_count() or 1)
KIND_HINTS = {
    AnswerKind.EXPRESSION: "one expression in the names below",
    AnswerKind.WORD: "one of the words below",
    AnswerKind.INTEGER: "a whole number",
    AnswerKind.LIST: "a list of numbers, e.g. [1, 2, 3]",
    AnswerKind.PARTS: "named parts: `name = expression; name = expression; ...`",
    AnswerKind.CHAIN: "a chain of steps: `step = step = ... = step`",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derivcheck",
        description="Check derivations of the deep-learning assignment: every answer is proved "
        "equal to a truth derived from definitions, or refuted with a counterexample.",
        epilog="exit codes: 0 verified, 1 refuted, 3 undecided, 2 error (worst of a run wins)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="every question ID with its title")
    show = commands.add_parser("show", help="a question, its reference answer and namespace")
    show.add_argument("id", metavar="ID")

    verify = commands.add_parser("verify", help="verify the reference answers (all, or by ID prefix)")
    verify.add_argument("ids", nargs="*", metavar="ID", help="IDs or prefixes such as 5 or 4.3")
    _add_common(verify)

    check = commands.add_parser("check", help="check one answer to one question")
    check.add_argument("id", metavar="ID")
    given = check.add_mutually_exclusive_group(required=True)
    given.add_argument("--answer", metavar="TEXT", help="the answer in the plain-text language")
    given.add_argument("--latex", metavar="TEX", help="the answer written in LaTeX")
    _add_common(check)

    grade = commands.add_parser("grade", help="grade answer files (TOML, one per person)")
    grade.add_argument("files", nargs="+", metavar="FILE")
    _add_common(grade, formats=(*FORMATS, "csv"))
    grade.add_argument("--out", metavar="FILE", help="write the report to FILE (atomically)")
    for command in (verify, grade):
        command.add_argument("--jobs", type=_positive_int, default=DEFAULT_JOBS, metavar="N",
                             help=f"run N checks at once, each in its own process "
                             f"(default {DEFAULT_JOBS}, the number of cores)")
    return parser


def _add_common(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    parser.add_argument("--format", choices=formats, default="text", help="output format")
    parser.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"wall-clock seconds per check (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--memory", type=_positive_int, default=DEFAULT_MEMORY, metavar="MiB",
                        help=f"memory each check may add, in MiB (default {DEFAULT_MEMORY})")
    parser.add_argument("--max-size", type=_positive_int, default=options.DEFAULT_MAX_SIZE,
                        metavar="N", help="exhaustive checks over sizes cover sizes up to N "
                        f"(default {options.DEFAULT_MAX_SIZE})")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the results cache")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="results cache directory (default $XDG_CACHE_HOME/derivcheck "
                        "or ~/.cache/derivcheck)")


def _join_answer_values(argv: list[str]) -> list[str]:
    """`--answer -y*log(f)`: argparse would take a value starting with '-' for an option;
    the word after --answer or --latex is always the answer."""
    out: list[str] = []
    words = iter(argv)
    for word in words:
        if word in ("--answer", "--latex"):
            value = next(words, None)
            out.append(word if value is None else f"{word}={value}")
        else:
            out.append(word)
    return out


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(_join_answer_values(list(sys.argv[1:] if argv is None else argv)))
    try:
        return _dispatch(args)
    except AnswerError as exc:
        print(f"derivcheck: error: {exc}", file=sys.stderr)
        return Status.ERROR.exit_code
    except KeyboardInterrupt:
        print("derivcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) left; that is not an error of the check.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces a closed stream
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "list":
        return _list()
    if args.command == "show":
        return _show(get(args.id))
    options.configure(max_size=args.max_size)
    limits = Limits(timeout=args.timeout, memory_mb=args.memory)
    cache = None if args.no_cache else ResultCache(Path(args.cache_dir) if args.cache_dir else None)
    if args.command == "verify":
        questions = select(args.ids)
        verdicts = run_all([(q.id, q.reference, False) for q in questions], limits, args.jobs, cache)
        return _report(verdicts, args.format, detailed=False)
    if args.command == "check":
        latex = args.latex is not None
        text = args.latex if latex else args.answer
        verdict = check_answer(args.id, text, latex=latex, limits=limits, cache=cache)
        return _report([verdict], args.format, detailed=True)
    from checker.grading import grade_command  # loads only for grading

    return grade_command(args, limits, cache)


def _report(verdicts: list[Verdict], fmt: str, detailed: bool) -> int:
    if fmt == "json":
        from checker.render.json_report import render_json

        print(render_json(verdicts))
    elif fmt == "junit":
        from checker.render.junit_report import render_junit

        print(render_junit(verdicts))
    else:
        from checker.render.text_report import make_console, render_check, render_verify

        console = make_console()
        (render_check if detailed else render_verify)(verdicts, console)
    return exit_code([v.status for v in verdicts])


def _list() -> int:
    from rich.table import Table
    from rich.text import Text

    from checker.render.text_report import make_console

    table = Table(title="questions", title_justify="left")
    table.add_column("ID", no_wrap=True)
    table.add_column("title")
    table.add_column("answer")
    for q in all_questions():
        table.add_row(Text(q.id), Text(q.title), Text(q.kind.value))
    make_console().print(table)
    return 0


def _show(question: Question) -> int:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from checker.render.text_report import make_console

    console = make_console()
    console.print(Panel(Text(question.statement), title=f"{question.id} {question.title}",
                        title_align="left"))
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
                                    ", ".join(sorted(question.namespace.functions))))
    console.print(Text.assemble(("truth:            ", "report.label"), question.truth))
    for note in question.notes:
        console.print(Text.assemble(("note:             ", "report.label"), note))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
