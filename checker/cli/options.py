"""The command line's grammar: commands, options, and what a mistyped one gets told.

argparse reads the words; this module makes its failures usage errors (exit 4, not
argparse's 2, which is the code of an answer that could not be understood) and adds
"did you mean" for commands, options and option values, as git and pip do.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any, NoReturn

from checker.model.errors import did_you_mean
from checker.model.options import DEFAULT_MAX_SIZE
from checker.render.text_report import COLOR_CHOICES
from checker.run.bounded import (
    DEFAULT_MEMORY,
    DEFAULT_PREPARE_TIMEOUT,
    DEFAULT_TIMEOUT,
    check_memory,
    check_timeout,
)

FORMATS = ("text", "json", "junit")
# `grade` writes class reports too; gradescope and prairielearn grade one submission.
GRADE_FORMATS = (*FORMATS, "csv", "gradebook", "html", "gradescope", "prairielearn")
ONE_SUBMISSION_FORMATS = ("gradescope", "prairielearn")
AUDIENCES = ("staff", "student")
SHELLS = ("bash", "zsh", "tcsh")
DEFAULT_JOBS = max(1, os.cpu_count() or 1)
EXIT_CODES = """exit codes:
  0  verified                      1  refuted
  3  undecided                     2  an answer or file could not be understood
  4  usage error (unknown option or question ID, missing file, unwritable --out)
  5  internal error (rerun with --debug for the traceback)
A run over several checks exits with the worst of 2 > 1 > 3 > 0. `grade` exits 0 once
every file is graded (its verdicts are in the report), 2 if a file could not be read;
`grade --strict` uses the worst-of rule."""


class UsageError(Exception):
    """The command line is wrong (exit 4). `usage` is the command's usage line, if any."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse would print and exit 2; the edge (checker.cli.main) says it and exits 4.
        raise UsageError(message, self.format_usage())


def version() -> str:
    def of(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "unknown (not installed)"

    return f"derivcheck {of('derivcheck')} (SymPy {of('sympy')})"


def build_parser(question_ids: Sequence[str] = ()) -> tuple[argparse.ArgumentParser,
                                                             dict[str, argparse.ArgumentParser]]:
    """The parser and its command parsers. `question_ids`, when given, become the choices
    that shell completion offers for ID arguments (loading them costs a second, so only
    `derivcheck completion` asks)."""
    parser = _Parser(
        prog="derivcheck",
        description="Check derivations of the deep-learning assignment: every answer is proved "
        "equal to a truth derived from definitions, or refuted with a counterexample.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=version())
    _add_global(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str = "") -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=description or summary,
                                   formatter_class=argparse.RawDescriptionHelpFormatter,
                                   epilog=EXIT_CODES)

    ids = list(question_ids)
    prefixes = sorted({q.split(".")[0] for q in ids} | {q.rsplit(".", 1)[0] for q in ids}) + ids

    listing = command("list", "every question ID with its title")
    listing.add_argument("--all", action="store_true",
                         help="every assignment: shipped, installed course packages, --questions files")
    show = command("show", "a question as the assignment states it, its reference answer and the "
                   "names an answer may use")
    _ids(show.add_argument("id", metavar="ID"), ids)

    verify = command("verify", "verify the reference answers (all, or by ID prefix)")
    _ids(verify.add_argument("ids", nargs="*", metavar="ID", help="IDs or prefixes such as 5 or 4.3"),
         prefixes)

    check = command("check", "check one answer to one question")
    _ids(check.add_argument("id", metavar="ID"), ids)
    # Not `required=True`: a mistyped --anwser must be reported as such, before "one of
    # --answer --latex is required" (checker.cli.main checks that one is given).
    given = check.add_mutually_exclusive_group()
    given.add_argument("--answer", metavar="TEXT", help="the answer in the plain-text language "
                       "(`-`: read it from standard input)")
    given.add_argument("--latex", metavar="TEX", help="the answer written in LaTeX "
                       "(`-`: read it from standard input)")

    grade = command("grade", "grade answer files (TOML, one per person)",
                    "Grade answer files (TOML, one per person) into a class report, with points "
                    "from a course file (--course, else ./derivcheck.toml, else [tool.derivcheck] "
                    "in ./pyproject.toml, else one point per question). Formats: text, json, junit, "
                    "csv (one row per answer), gradebook (one row per person, for Moodle and "
                    "Canvas), html (one self-contained page), gradescope and prairielearn (the "
                    "result of one submission, for an autograder).")
    _complete(grade.add_argument("files", nargs="+", metavar="FILE",
                                 help="answer files; `-` reads one from standard input"), "file")
    _ids(grade.add_argument("--only", nargs="+", action="extend", metavar="ID",
                            help="grade only these questions (IDs or prefixes) of each file"), prefixes)
    grade.add_argument("--strict", action="store_true",
                       help="exit with the worst verdict (2 > 1 > 3 > 0), as verify and check do, "
                       "instead of 0 once every file is graded")
    _complete(grade.add_argument("--out", metavar="FILE",
                                 help="write the report to FILE (atomically)"), "file")
    _complete(grade.add_argument("--course", metavar="FILE",
                                 help="the course file: points per question and how undecided "
                                 "and error answers score (default ./derivcheck.toml)"), "file")
    _complete(grade.add_argument("--overrides", metavar="FILE",
                                 help="staff decisions, CSV `person,question,points,comment`, "
                                 "applied on every run"), "file")
    grade.add_argument("--audience", type=choice(AUDIENCES), default=None, metavar="WHO",
                       help="staff (everything) or student (no reference answer or truth value); "
                       "default student for gradescope and prairielearn, staff otherwise")
    doc = command("doc", "check every step of write-ups (.tex, .md, .ipynb)",
                  "Check write-ups step by step: each question's block (a `% derivcheck: 1.4` "
                  "marker, an `Answer 1.4` heading or bold lead, or `Answer 1.` followed by an "
                  "enumerated list), every display read as a chain of steps, each link and the "
                  "answer decided, with line numbers (docs/documents.md). Exit code: the worst "
                  "verdict, as for verify.")
    _complete(doc.add_argument("files", nargs="+", metavar="FILE",
                               help="write-ups: .tex, .md or .ipynb (Markdown cells)"), "file")
    verify.add_argument("--self-test", action="store_true",
                        help="also check each question's declared example answers: right ones must "
                        "be verified, wrong ones refuted with a counterexample")
    for runner in (verify, check, grade, doc):
        _add_run_options(runner, formats=GRADE_FORMATS if runner is grade else FORMATS,
                         cache=runner is not doc)
    for asks in (listing, show, verify, check, grade, doc):
        source = asks.add_argument_group("questions")
        source.add_argument("--assignment", metavar="NAME",
                            help="the assignment whose questions to use (default: the one a single "
                            "--questions file defines, else the shipped one; `list --all` names them)")
        _complete(source.add_argument("--questions", metavar="FILE.py", action="append",
                                      help="load a course's question file (it defines ASSIGNMENT); "
                                      "may be given more than once"), "file")
    for runner in (verify, grade, doc):
        runner.add_argument("--jobs", type=POSITIVE_INT, default=DEFAULT_JOBS, metavar="N",
                             help=f"run N checks at once, each in its own process "
                             f"(default {DEFAULT_JOBS}, the number of cores)")

    completion = command("completion", "print a shell completion script",
                         "Print a completion script for SHELL. For bash: derivcheck completion "
                         "bash > ~/.local/share/bash-completion/completions/derivcheck")
    completion.add_argument("shell", metavar="SHELL", type=choice(SHELLS),
                            help=f"one of {', '.join(SHELLS)}")
    subparsers = {"list": listing, "show": show, "verify": verify, "check": check, "grade": grade,
                  "doc": doc, "completion": completion}
    for sub in subparsers.values():
        _add_global(sub, top=False)
    return parser, subparsers


def _add_global(parser: argparse.ArgumentParser, top: bool) -> None:
    """Options that go before or after the command (`derivcheck -q verify`, `derivcheck
    verify -q`). On a command their default is SUPPRESS, so a command's parser does not
    overwrite what was given before the command."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    output = parser.add_argument_group("output")
    output.add_argument("-q", "--quiet", action="store_true", default=default(False),
                        help="one line per check and a summary")
    output.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="every check in full")
    output.add_argument("--color", type=choice(COLOR_CHOICES), default=default("auto"),
                        metavar="WHEN", help="colour: auto (the default: on a terminal, unless "
                        "NO_COLOR is set; FORCE_COLOR forces it), always or never")
    output.add_argument("--debug", action="store_true", default=default(False),
                        help="show the traceback of an internal error")


def _add_run_options(parser: argparse.ArgumentParser, formats: Sequence[str], cache: bool = True) -> None:
    parser.add_argument("--format", type=choice(formats), default="text", metavar="FORMAT",
                        help=f"report format: {', '.join(formats)} (default text)")
    parser.add_argument("--timeout", type=TIMEOUT, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"wall-clock seconds per check (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--memory", type=MEMORY, default=DEFAULT_MEMORY, metavar="MiB",
                        help=f"memory each check may add, in MiB (default {DEFAULT_MEMORY})")
    parser.add_argument("--prepare-timeout", type=TIMEOUT, default=DEFAULT_PREPARE_TIMEOUT,
                        metavar="S", help="wall-clock seconds for the shared prepare step of a "
                        "batch as a whole: truths that do not depend on the answer, built once "
                        f"before the checks start (default {DEFAULT_PREPARE_TIMEOUT:g})")
    parser.add_argument("--max-size", type=POSITIVE_INT, default=DEFAULT_MAX_SIZE,
                        metavar="N", help="exhaustive checks over sizes cover sizes up to N "
                        f"(default {DEFAULT_MAX_SIZE})")
    if not cache:  # `doc` checks each write-up afresh: it has no results cache
        return
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the results cache")
    _complete(parser.add_argument("--cache-dir", metavar="DIR",
                                  help="results cache directory (default $XDG_CACHE_HOME/derivcheck "
                                  "or ~/.cache/derivcheck)"), "directory")


def _ids(action: argparse.Action, ids: Sequence[str]) -> None:
    # Only for completion: argparse itself never sees these choices (IDs are checked, with
    # suggestions, by the commands).
    if ids:
        action.choices = list(ids)


def _complete(action: argparse.Action, kind: str) -> None:
    """What shell completion offers for a path (shtab's FILE and DIRECTORY, spelled out so
    that parsing never imports shtab)."""
    action.complete = {  # type: ignore[attr-defined]
        "file": {"bash": "_shtab_compgen_files", "zsh": "_files", "tcsh": "f"},
        "directory": {"bash": "_shtab_compgen_dirs", "zsh": "_files -/", "tcsh": "d"},
    }[kind]


def choice(choices: Sequence[str]) -> Callable[[str], str]:
    """An argparse type for one of `choices`, with "did you mean" on a typo."""

    def parse(text: str) -> str:
        if text in choices:
            return text
        raise argparse.ArgumentTypeError(
            f"`{text}` is not one of {', '.join(choices)}{did_you_mean(text, choices)}")

    return parse


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


def within(parse: Callable[[str], float], check: Callable[[Any], Any]) -> Callable[[str], float]:
    """An argparse type: `parse`, then `check` the range (its ValueError is the message)."""

    def parse_within(text: str) -> float:
        value = parse(text)
        try:
            check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    return parse_within


TIMEOUT = within(POSITIVE_FLOAT, check_timeout)  # at most one day
MEMORY = within(POSITIVE_INT, check_memory)  # what RLIMIT_AS accepts on this machine


def join_answer_values(argv: list[str]) -> list[str]:
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


def parse(words: list[str], parser: argparse.ArgumentParser,
          commands: dict[str, argparse.ArgumentParser]) -> argparse.Namespace:
    """The options of one run; UsageError for anything unknown, with what was likely meant."""
    words = join_answer_values(words)
    command = _command_word(words)
    if command is not None and command not in commands:
        hint = did_you_mean(command, commands) or (
            f"; the commands are {', '.join(commands)} (`derivcheck --help` explains them)")
        raise UsageError(f"unknown command `{command}`{hint}", parser.format_usage())
    args, extras = parser.parse_known_args(words)
    sub = commands[args.command]
    unknown = [w.split("=", 1)[0] for w in extras if w.startswith("-") and w != "-"]
    if unknown:
        known = [o for action in sub._actions for o in action.option_strings]
        known += [o for action in parser._actions for o in action.option_strings]
        name = unknown[0]
        hint = did_you_mean(name, known) or _guess_misplaced(name, commands, args.command)
        raise UsageError(f"unknown option `{name}`{hint}", sub.format_usage())
    if extras:
        raise UsageError(f"unexpected argument{'s' if len(extras) > 1 else ''} "
                         f"{' '.join(f'`{w}`' for w in extras)}", sub.format_usage())
    if args.quiet and args.verbose:
        raise UsageError("--quiet and --verbose cannot be combined", sub.format_usage())
    if args.command == "check" and args.answer is None and args.latex is None:
        raise UsageError("give the answer with --answer TEXT (plain text) or --latex TEX",
                         sub.format_usage())
    return args


def _command_word(words: list[str]) -> str | None:
    """The first word that is not an option (or the value of --color before the command)."""
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "--color":
            skip = True
            continue
        if word == "--":
            return None
        if not word.startswith("-"):
            return word
    return None


def _guess_misplaced(option: str, commands: dict[str, argparse.ArgumentParser], command: str) -> str:
    """`derivcheck verify --answer x`: the option exists, on another command."""
    owners = [name for name, sub in commands.items() if name != command
              and any(option in action.option_strings for action in sub._actions)]
    return f"; it is an option of `derivcheck {owners[0]}`" if owners else ""
