"""The command line: a thin layer over the library API (checker.run), and the only
place that writes to stdout, stderr or a report file.

This is the edge where errors become messages and exit codes (docs/contract.md):
0 verified, 1 refuted, 3 undecided, 2 an answer or file that could not be understood,
4 a usage error, 5 an internal error. A run over several checks exits 4 or 5 outright,
otherwise with the worst of 2 > 1 > 3 > 0; `grade` has its own rule (checker.model.verdict).

A bare `derivcheck` prints the help and exits 4: running a tool without the command it
needs is a usage error, as in git and in click since 8.2 (which exits with its usage
code, 2); `derivcheck --help` asks for the help and exits 0.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace

from checker.cli.options import UsageError, build_parser, parse
from checker.cli.terminal import Terminal, reader_left
from checker.model.errors import AnswerError
from checker.model.printable import printable
from checker.model.verdict import ExitCode

__all__ = ["main"]

INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    terminal = Terminal.open()
    if os.name != "posix":
        # Checks run in forked workers bounded with setrlimit: neither exists elsewhere.
        terminal.warn("error: derivcheck runs on POSIX systems only (Linux, macOS, WSL): each "
                      "check runs in a forked worker process with resource limits (fork, setrlimit)")
        return ExitCode.INTERNAL
    debug = "--debug" in words
    try:
        return _main(words, terminal)
    except UsageError as exc:
        return _said(functools.partial(_usage, terminal, exc), ExitCode.USAGE)
    except AnswerError as exc:  # an answer on standard input that is not text, a course file
        return _said(functools.partial(terminal.warn, f"error: {printable(str(exc))}"), ExitCode.ERROR)
    except KeyboardInterrupt:
        return _said(functools.partial(terminal.warn, "interrupted"), INTERRUPTED)
    except BrokenPipeError:  # help or a message to a reader that left: nothing was lost
        reader_left()
        return 0
    except Exception as exc:  # the edge: anything else is a bug in derivcheck
        return _said(functools.partial(_internal, terminal, exc, debug), ExitCode.INTERNAL)


def _said(say: Callable[[], None], code: int) -> int:
    """`code`, after saying why on stderr; a reader that left stderr changes no exit code."""
    try:
        say()
    except BrokenPipeError:
        reader_left()
    return code


def _usage(terminal: Terminal, exc: UsageError) -> None:
    if exc.usage:
        terminal.err.write(exc.usage)
    terminal.warn(f"error: {printable(exc.message)}")  # it may quote what was typed


def _internal(terminal: Terminal, exc: Exception, debug: bool) -> None:
    if debug:
        traceback.print_exc(file=terminal.err)
    terminal.warn(f"internal error: {type(exc).__name__}: {exc}")
    terminal.warn("this is a bug in derivcheck, not a verdict on any answer; please report it "
                  "with the command line" + (" and the traceback above" if debug else
                                             " and the output of the same command with --debug"))


def _main(words: list[str], terminal: Terminal) -> int:
    from checker.cli.commands import run

    parser, commands = build_parser()
    if not words:
        terminal.out.write(parser.format_help())
        return ExitCode.USAGE
    try:
        args = parse(words, parser, commands)
    except SystemExit as exc:  # --help and --version: printed, and asked for
        return exc.code if isinstance(exc.code, int) else 0
    return run(args, replace(terminal, color=args.color))


if __name__ == "__main__":
    raise SystemExit(main())
