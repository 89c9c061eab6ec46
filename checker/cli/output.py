"""What every command shares at its edge: finding questions by ID (a usage error when
none matches), and writing a report to the terminal or to a file."""

from __future__ import annotations

import argparse
import os
import stat
import tempfile
from collections.abc import Callable

from checker.cli.options import UsageError
from checker.cli.terminal import Terminal, reader_left
from checker.model.errors import UnknownQuestion, suggest_ids
from checker.model.options import DEFAULT_MAX_SIZE, SHIPPED_ASSIGNMENT, Options
from checker.model.question import Question
from checker.run.registry import QuestionSourceError, assignment, default_assignment, get, select


def emit(terminal: Terminal, code: int, write: Callable[[], None]) -> int:
    """Write a report; a closed pipe ends it quietly, with the run's own code."""
    try:
        write()
        terminal.out.flush()
    except BrokenPipeError:
        reader_left()
    return code


def run_options(args: argparse.Namespace) -> Options:
    """The options of this run: which assignment (`--assignment`, else the one a single
    `--questions` file defines, else the shipped one) and how far size searches go.
    An assignment that cannot be loaded or named is a usage error."""
    files = tuple(getattr(args, "questions", None) or ())
    try:
        name = getattr(args, "assignment", None) or default_assignment(files)
        options = Options(max_size=getattr(args, "max_size", DEFAULT_MAX_SIZE), assignment=name,
                          question_files=files)
        assignment(options)
    except QuestionSourceError as exc:
        raise UsageError(str(exc)) from None
    return options


def question_for(qid: str, options: Options) -> Question:
    try:
        return get(qid, options)
    except UnknownQuestion:
        raise UsageError(f"unknown question ID `{qid}`{suggest_ids(qid, assignment(options).ids)}"
                         f"{_in_assignment(options)}") from None


def selected(prefixes: list[str], options: Options) -> list[Question]:
    for prefix in prefixes:  # one at a time, to name the one that matches nothing
        try:
            select([prefix], options)
        except UnknownQuestion:
            raise UsageError(f"no question ID matches `{prefix}`"
                             f"{suggest_ids(prefix, assignment(options).ids)}"
                             f"{_in_assignment(options)}") from None
    return select(prefixes, options)


def _in_assignment(options: Options) -> str:
    """Which assignment was searched, when it is not the shipped one."""
    return "" if options.assignment == SHIPPED_ASSIGNMENT else f" (in assignment {options.assignment})"


def check_writable(path: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UsageError(f"--out {path} is a directory")
    if not os.path.isdir(directory):
        raise UsageError(f"--out {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise UsageError(f"--out {path}: directory {directory} is not writable")


def write_atomically(path: str, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".derivcheck-", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot write there ({exc.strerror or exc})") from None
    try:
        # mkstemp makes the file private (0600); the report gets the mode any file the
        # person creates gets (0666 less their umask), or keeps the mode of the file it
        # replaces, as writing over it in place would.
        os.fchmod(handle, _mode_for(path))
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _mode_for(path: str) -> int:
    """The permission bits `path` gets when written: its own if it is a file already, else
    0666 less the process's umask (read by setting it and putting it back)."""
    try:
        existing = os.stat(path)
        if stat.S_ISREG(existing.st_mode):
            return stat.S_IMODE(existing.st_mode)
    except OSError:
        pass
    umask = os.umask(0o077)
    os.umask(umask)
    return 0o666 & ~umask
