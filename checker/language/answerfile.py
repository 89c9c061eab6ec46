"""Answer files: one TOML file per person.

    name = "Ada Lovelace"            # optional; the file name without .toml otherwise

    [answers]
    "1.4" = "f - y"                  # plain-text answer language
    "1.6" = { latex = "(f-y)f(1-f)" }  # or LaTeX
    "1.7" = "CE"
    "2.1" = ["step", "step", "step"]   # a chain: its steps, in order
    "3" = { W1 = "W1[j,i]/2", W2 = "W2[k,j]/2", b2 = "W2[k,0] + Sum(W2[k,j], (j, 1, M))/2" }
    "4.1" = 65536
    "4.3.full" = [1, 2, 5, 8, 6, 8]

A file that cannot be read or parsed raises AnswerFileError; one bad entry is an
`error` verdict for that question alone (checker.run.grading).
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.model.errors import AnswerError
from checker.model.printable import printable
from checker.model.question import AnswerKind, Assignment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_FILE_BYTES = 256 * 1024


class AnswerFileError(AnswerError):
    """The whole file is unusable (unreadable, not UTF-8, not TOML, wrong shape)."""


@dataclass(frozen=True)
class Entry:
    qid: str
    text: str
    latex: bool = False
    problem: str = ""  # set when the entry itself is malformed


@dataclass(frozen=True)
class AnswerSheet:
    person: str
    path: str
    entries: tuple[Entry, ...]


def load(path: str, assignment: Assignment) -> AnswerSheet:
    """Read one answer file; the assignment says which IDs exist and their answer kinds."""
    file = Path(path)
    shown = printable(os.fsencode(path).decode("utf-8", "backslashreplace"))
    try:
        # Only regular files: a FIFO would block and /dev/zero would never end.
        if not stat.S_ISREG(os.stat(file).st_mode):
            raise AnswerFileError(f"{shown} is not a regular file")
        with open(file, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise AnswerFileError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise AnswerFileError(f"{shown} is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnswerFileError(f"{shown} is not UTF-8 (byte {exc.start})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AnswerFileError(f"{shown} is not valid TOML: {exc}") from None
    except (RecursionError, MemoryError):
        raise AnswerFileError(f"{shown} is nested too deeply to read") from None
    except ValueError as exc:  # e.g. an integer past Python's 4,300-digit limit
        raise AnswerFileError(f"{shown} cannot be read: {exc}") from None
    stem = os.fsencode(file.stem).decode("utf-8", "backslashreplace")
    person = document.get("name", stem)
    if not isinstance(person, str) or not person.strip():
        raise AnswerFileError(f"{shown}: `name` must be a non-empty string")
    answers = document.get("answers")
    if not isinstance(answers, dict):
        raise AnswerFileError(f"{path}: no [answers] table")
    unknown_keys = set(document) - {"name", "answers"}
    if unknown_keys:
        keys = ", ".join(sorted(printable(k) for k in unknown_keys))
        raise AnswerFileError(f"{shown}: unexpected key(s) {keys}")
    entries = tuple(_entry(assignment, printable(str(qid)), value) for qid, value in answers.items())
    return AnswerSheet(printable(person.strip()), shown, entries)


def _entry(assignment: Assignment, qid: str, value: Any) -> Entry:
    try:
        question = assignment.get(qid)
    except AnswerError as exc:
        return Entry(qid, repr(value), problem=str(exc))
    try:
        text, latex = _as_text(question.kind, question.parts, value)
    except AnswerError as exc:
        return Entry(qid, repr(value), problem=str(exc))
    return Entry(qid, text, latex)


def _as_text(kind: AnswerKind, parts: tuple[str, ...], value: Any) -> tuple[str, bool]:
    if isinstance(value, bool):
        raise AnswerError("an answer is text, a number, a list or a table, not true/false")
    if isinstance(value, str):
        return value, False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, list):
        if kind is AnswerKind.LIST and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return "[" + ", ".join(str(v) for v in value) + "]", False
        if kind is AnswerKind.CHAIN and value and all(isinstance(v, str) for v in value):
            return " = ".join(value), False
        raise AnswerError("a list answers a list question (numbers) or a chain (strings)")
    if isinstance(value, dict):
        if set(value) == {"latex"} and isinstance(value["latex"], str):
            return value["latex"], True
        if kind is AnswerKind.PARTS and all(isinstance(v, str) for v in value.values()):
            unknown = set(value) - set(parts)
            if unknown:
                raise AnswerError(f"unknown part(s) {', '.join(sorted(unknown))}; "
                                  f"the parts are {', '.join(parts)}")
            return "; ".join(f"{name} = {value[name]}" for name in parts if name in value), False
        raise AnswerError("a table answer is { latex = \"...\" } or, for question 3, its named parts")
    raise AnswerError(f"unsupported answer value of type {type(value).__name__}")
