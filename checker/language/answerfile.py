"""Answer files: one TOML file per person.

    assignment = "assignment-1"      # optional; when given, it must be the one graded
    name = "Ada Lovelace"            # optional; the file name without .toml otherwise
    id = "260001"                    # optional: the student id a gradebook knows
    email = "ada@example.edu"        # optional

    [answers]
    "1.4" = "f - y"                  # plain-text answer language
    "1.6" = { latex = "(f-y)f(1-f)" }  # or LaTeX
    "1.7" = "CE"
    "2.1" = ["step", "step", "step"]   # a chain: its steps, in order
    "3" = { W1 = "W1[j,i]/2", W2 = "W2[k,j]/2", b2 = "W2[k,0] + Sum(W2[k,j], (j, 1, M))/2" }
    "4.1" = 65536
    "4.3.full" = [1, 2, 5, 8, 6, 8]

A file that cannot be read or parsed raises AnswerFileError; one bad entry is an
`error` verdict for that question alone (checker.run.grading). An ID must be quoted:
unquoted, `1.4 = "f - y"` is TOML's dotted key (the table `1` holding `4`); such an entry
is reported as an error that says to quote the ID, never dropped.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.model.errors import AnswerError, did_you_mean, suggest_ids
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
    student_id: str = ""
    email: str = ""
    names_its_assignment: bool = False  # `assignment = "…"` in the file (it was checked)


IDENTITY_KEYS = ("name", "id", "email")  # who wrote the file, beside [answers]
HEADER_KEYS = (*IDENTITY_KEYS, "assignment")  # what may stand above [answers]


STDIN = "-"  # the path that names standard input, as in most command-line tools


def load(path: str, assignment: Assignment, only: Collection[str] | None = None) -> AnswerSheet:
    """Read one answer file (`-`: standard input); the assignment says which IDs exist and
    their answer kinds. With `only`, entries for other questions are left out (the person
    asked for those IDs), never entries that could not be understood."""
    if path == STDIN:
        shown, stem = "<stdin>", "stdin"
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        shown = printable(os.fsencode(path).decode("utf-8", "backslashreplace"))
        stem = os.fsencode(Path(path).stem).decode("utf-8", "backslashreplace")
        raw = _read(path, shown)
    if len(raw) > MAX_FILE_BYTES:
        raise AnswerFileError(f"{shown} is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is not content
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
    person = document.get("name", stem)
    if not isinstance(person, str) or not person.strip():
        raise AnswerFileError(f"{shown}: `name` must be a non-empty string")
    answers_table = document.get("answers")
    misplaced = answers_table.get("assignment") if isinstance(answers_table, dict) else None
    # `assignment` under [answers] is a slip of placement, but it still says which questions
    # the file answers: graded against others, every answer would be wrong for a wrong reason.
    named = document.get("assignment", misplaced if isinstance(misplaced, str) else assignment.name)
    if named != assignment.name:
        shown_name = printable(named) if isinstance(named, str) else printable(repr(named))
        raise AnswerFileError(f"{shown}: this file answers assignment `{shown_name}`, not "
                              f"`{assignment.name}`", hint=f"grade it with --assignment {shown_name}")
    identity = {}
    for key in ("id", "email"):
        value = document.get(key, "")
        if isinstance(value, int) and not isinstance(value, bool) and key == "id":
            value = str(value)  # `id = 260001` is as good as `id = "260001"`
        if not isinstance(value, str) or len(value) > 200:
            raise AnswerFileError(f"{shown}: `{key}` must be a string of at most 200 characters")
        identity[key] = printable(value.strip())
    answers = document.get("answers", {})
    if not isinstance(answers, dict):
        raise AnswerFileError(f"{shown}: `answers` must be a table: a line `[answers]`, then "
                              "one line per answer")
    entries = [entry for key, value in answers.items()
               for entry in _entries(assignment, str(key), value, inside=True)]
    # What lies outside [answers] is never dropped: answers there are reported per question,
    # anything else makes the file unusable, with a message.
    unexpected = []
    for key, value in document.items():
        if key in (*HEADER_KEYS, "answers"):
            continue
        found = [e for e in _entries(assignment, str(key), value, inside=False)
                 if e.qid in assignment.ids or e.qid != str(key)]
        if found:
            entries += found
        else:
            unexpected.append(str(key))
    if assignment.name in unexpected or "tool" in unexpected:
        raise AnswerFileError(f"{shown} is a course file (points per question), not an answer file",
                              hint="pass it with --course, not as a FILE to grade")
    if unexpected:
        keys = ", ".join(f"`{printable(k)}`" for k in sorted(unexpected))
        tables = [k for k in unexpected if isinstance(document[k], dict)]
        advice = did_you_mean(tables[0], ["answers"]) if tables else ""
        raise AnswerFileError(f"{shown}: unexpected key(s) {keys}; an answer file has `name`, `id`, "
                              f"`email` and an [answers] table{advice}")
    if "answers" not in document and not entries:
        raise AnswerFileError(f"{shown}: no [answers] table: put a line `[answers]` above the answers")
    if only is not None:
        # An entry no question owns (an unknown ID) may be the one asked for, mistyped.
        entries = [e for e in entries if e.qid in only or e.qid not in assignment.ids]
    return AnswerSheet(printable(person.strip()), shown, tuple(entries),
                       student_id=identity["id"], email=identity["email"],
                       names_its_assignment="assignment" in document or isinstance(misplaced, str))


def _read(path: str, shown: str) -> bytes:
    try:
        # Only regular files: a FIFO would block and /dev/zero would never end.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise AnswerFileError(f"{shown} is not a regular file")
        with open(path, "rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise AnswerFileError(f"cannot read {shown}: {exc.strerror or exc}") from None


def _entries(assignment: Assignment, key: str, value: Any, inside: bool) -> list[Entry]:
    """The entries under one key. An unquoted `1.4 = "f - y"` is TOML's dotted key: the
    table 1 holding the key 4. Such nesting is unfolded back into the IDs the person meant,
    and each is reported with how to write it, so no answer is lost without a word."""
    entries = []
    for qid, item, dotted in _unfold(key, value, assignment.ids):
        shown = printable(qid)
        if not dotted and inside:
            entries.append(_entry(assignment, shown, item))
            continue
        wrong, fixes = [], []
        if dotted:
            wrong.append(f"`{shown}` is not quoted, so TOML reads it as nested keys")
            fixes.append(f"quote the question ID: `\"{shown}\" = …`")
        if not inside:
            wrong.append("it is outside the [answers] table")
            fixes.append("put it under the line `[answers]`")
        problem = " and ".join(wrong) + ": " + ", and ".join(fixes)
        if qid not in assignment.ids:
            problem = f"unknown question ID `{shown}`{suggest_ids(qid, assignment.ids)} ({problem})"
        entries.append(Entry(shown, printable(repr(item)), problem=problem))
    return entries


def _unfold(key: str, value: Any, ids: tuple[str, ...]) -> list[tuple[str, Any, bool]]:
    """(ID, value, whether it was dotted) for a key: a table under a key that is not an ID
    is followed down until the joined keys name one, or until the tables end."""
    if key in ids or not isinstance(value, dict) or not value:
        return [(key, value, False)]
    # Question 3's parts and `{ latex = ... }` are tables too: they end the unfolding.
    if not any(_could_extend(f"{key}.{k}", ids) for k in value):
        return [(key, value, False)]
    found = []
    for sub, item in value.items():
        for qid, leaf, _ in _unfold(f"{key}.{sub}", item, ids):
            found.append((qid, leaf, True))
    return found


def _could_extend(prefix: str, ids: tuple[str, ...]) -> bool:
    return any(q == prefix or q.startswith(prefix + ".") for q in ids) or prefix.replace(".", "").isdigit()


def _entry(assignment: Assignment, qid: str, value: Any) -> Entry:
    if qid in HEADER_KEYS:
        return Entry(qid, repr(value), problem=f"`{qid}` belongs above the [answers] table")
    try:
        question = assignment.get(qid)
    except AnswerError:
        return Entry(qid, repr(value),
                     problem=f"unknown question ID `{qid}`" + suggest_ids(qid, assignment.ids))
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
