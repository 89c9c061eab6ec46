"""The command line: a thin layer over the library API (checker.run), and the only
place that writes to stdout, stderr or a report file.

Exit codes (docs/contract.md): 0 verified, 1 refuted, 3 undecided, 2 error; a run over
several checks exits with the worst in the order 2 > 1 > 3 > 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from checker.model.errors import AnswerError
from checker.model.grades import PersonResult
from checker.model.options import DEFAULT_MAX_SIZE, Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Status, Verdict, exit_code
from checker.run.api import check_answer, run_all
from checker.run.bounded import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits
from checker.run.cache import ResultCache
from checker.run.registry import all_questions, assignment, get, select

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
        command.add_argument("--jobs", type=POSITIVE_INT, default=DEFAULT_JOBS, metavar="N",
                             help=f"run N checks at once, each in its own process "
                             f"(default {DEFAULT_JOBS}, the number of cores)")
    return parser


def _add_common(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    parser.add_argument("--format", choices=formats, default="text", help="output format")
    parser.add_argument("--timeout", type=POSITIVE_FLOAT, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"wall-clock seconds per check (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--memory", type=POSITIVE_INT, default=DEFAULT_MEMORY, metavar="MiB",
                        help=f"memory each check may add, in MiB (default {DEFAULT_MEMORY})")
    parser.add_argument("--max-size", type=POSITIVE_INT, default=DEFAULT_MAX_SIZE,
                        metavar="N", help="exhaustive checks over sizes cover sizes up to N "
                        f"(default {DEFAULT_MAX_SIZE})")
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


def positive(convert: Callable[[str], float], what: str) -> Callable[[str], float]:
    """An argparse type: `convert` the text, then require a finite value > 0 (>= 1 for
    whole numbers)."""

    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not 0 < value < float("inf") or (convert is int and value < 1):
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    return parse


POSITIVE_INT = positive(int, "a whole number")
POSITIVE_FLOAT = positive(float, "a number")


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
    options = Options(max_size=args.max_size)
    limits = Limits(timeout=args.timeout, memory_mb=args.memory)
    cache = None if args.no_cache else ResultCache(Path(args.cache_dir) if args.cache_dir else None)
    if args.command == "verify":
        questions = select(args.ids)
        checks = [(q.id, q.reference, False) for q in questions]
        verdicts = run_all(checks, limits, args.jobs, cache, options=options)
        return _report(verdicts, args.format, detailed=False)
    if args.command == "check":
        latex = args.latex is not None
        text = args.latex if latex else args.answer
        verdict = check_answer(args.id, text, latex=latex, limits=limits, cache=cache,
                               options=options)
        return _report([verdict], args.format, detailed=True)
    return _grade(args, limits, cache, options)


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


def _grade(args: argparse.Namespace, limits: Limits, cache: ResultCache | None,
           options: Options) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from checker.run.grading import grade  # loads only for grading

    if args.out:
        check_writable(args.out)  # before the work, not after it
    started = time.perf_counter()
    stderr = Console(stderr=True)
    with Progress(console=stderr, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("checking answers", total=None)
        results = grade(args.files, limits, args.jobs, lambda: progress.advance(task), cache,
                        options)
    report = render_graded(results, args.format, time.perf_counter() - started)
    if args.out:
        write_atomically(args.out, report)
        stderr.print(f"report written to {args.out}")
    else:
        sys.stdout.write(report)
    return exit_code([s for r in results for s in r.statuses])


def render_graded(results: list[PersonResult], fmt: str, seconds: float) -> str:
    ids = assignment().ids
    if fmt == "json":
        from checker.render.json_report import render_graded_json

        return render_graded_json(results, len(ids)) + "\n"
    if fmt == "junit":
        from checker.render.junit_report import render_graded_junit

        return render_graded_junit(results) + "\n"
    if fmt == "csv":
        from checker.render.class_report import render_csv

        return render_csv(results)
    from checker.render.class_report import render_class

    return render_class(results, ids, seconds)


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
