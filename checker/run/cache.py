"""A results cache: SQLite (stdlib) under the user's cache directory.

Keyed by question, the answer's normalised text, the run options that change a
verdict, and a digest of the checker's own source (so a changed checker never
serves an old verdict). The cache can make a run faster, never make it fail or
change a verdict it did not compute:

- Every row read is validated before it is believed: its SQLite type and size are
  checked inside SQLite (an oversized value never reaches Python), its nesting depth
  before JSON parsing, then every field's type, size and enum value, and that it is
  the verdict of the question and answer asked for. Anything else is a miss (the
  check runs, and its verdict replaces the row) with one warning per run, never an
  exception.
- A corrupt, locked or unwritable database is ignored with one warning.
- The directory is created 0700 and the database 0600. A directory or database that
  is not owned by the user, or that group or others can write, is refused with a
  warning and the run goes on without a cache.

Trust: **a cache directory is trusted like the checker's own code.** Anyone who can
write the database can make it serve any verdict for any answer (a `verified` for
`y - f`), and validation cannot tell a well-formed forged row from a real one. A
`--cache-dir` shared between people (a group-writable course directory) is therefore
refused; sharing one anyway (for instance by giving everyone the same account) is a
decision to trust everyone who can write it. When in doubt, use `--no-cache`.

The cache never prints: warnings are collected on `ResultCache.warnings` and, when a
`warn` callback is given (the command line passes its stderr writer), handed to it as
they happen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
import sqlite3
import stat
import threading
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from checker.model.options import Options
from checker.model.printable import printable
from checker.model.verdict import Counterexample, Status, StepResult, Verdict
from checker.run.registry import question_digest

DATABASE = "results.sqlite3"
# Caps on a stored row. put() never writes a row that get() would refuse.
MAX_ROW_BYTES = 4 * 1024 * 1024  # the JSON text, checked inside SQLite before it is read
MAX_DEPTH = 8  # brackets nested; a verdict needs 5 (verdict > steps > step > counterexample > point)
MAX_STEPS = 10_000
MAX_NOTES = 64
MAX_POINT = 10_000  # variables in one counterexample
MAX_SECONDS = 1e9
MAX_COLUMN = 10_000_000


def default_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "derivcheck"


@cache
def code_digest() -> str:
    """sha256 over the checker's and the derivations' source, and SymPy's version."""
    import sympy

    digest = hashlib.sha256(sympy.__version__.encode())
    root = Path(__file__).resolve().parents[2]  # the project root: checker/ and derivations/
    for package in ("checker", "derivations"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _normalised(text: str) -> str:
    # NFKC is what the parsers apply first, so it never changes an answer's meaning;
    # inner whitespace can ("6553 6" is an error, "65536" a number): it is kept.
    return unicodedata.normalize("NFKC", text).strip()


def answer_key(qid: str, text: str, latex: bool, options: Options) -> str:
    material = json.dumps([code_digest(), question_digest(options), qid, latex, _normalised(text),
                           dataclasses.asdict(options)], sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def cacheable(verdict: Verdict) -> bool:
    """Limit hits depend on the limits of the run, not on the answer: not cached."""
    return not (verdict.status is Status.UNDECIDED and verdict.method.startswith("stopped"))


class ResultCache:
    def __init__(self, directory: Path | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.directory = directory or default_directory()
        self.path = self.directory / DATABASE
        self.warnings: list[str] = []  # every warning of this cache, in order
        self.invalid_rows = 0  # rows read and refused (each a miss)
        self._warn = warn
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._broken = False

    # -- warnings (never printed here) --------------------------------------------------

    def _note(self, message: str) -> None:
        self.warnings.append(message)
        if self._warn is not None:
            with contextlib.suppress(OSError, ValueError):  # stderr closed: kept in `warnings`
                self._warn(message)

    def _disable(self, why: str) -> None:
        self._broken = True
        self._note(f"warning: results cache {printable(str(self.path))} ignored ({printable(why)})")

    def _refuse(self, what: Path, why: str) -> None:
        self._broken = True
        self._note(
            f"warning: results cache not used: {printable(str(what))} {printable(why)}; anyone who "
            "can write it could forge verdicts (make it yours and `chmod go-w` it, or pass "
            "--cache-dir DIR or --no-cache); checking without a cache")

    def _invalid(self, why: str) -> None:
        self.invalid_rows += 1
        if self.invalid_rows == 1:
            self._note(f"warning: results cache {printable(str(self.path))}: ignored an entry that "
                       f"is not a valid verdict ({printable(why)}); it is checked again (further "
                       "invalid entries are ignored without a message)")

    # -- the database ------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._connection is None:
            try:
                refused = _secure_directory(self.directory)
                if refused:
                    self._refuse(self.directory, refused)
                    return None
                refused = _secure_database(self.path)
                if refused:
                    self._refuse(self.path, refused)
                    return None
                connection = sqlite3.connect(self.path, timeout=1.0, check_same_thread=False)
                connection.text_factory = bytes  # decoded (strictly) by the validation
                connection.execute("PRAGMA trusted_schema = OFF")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, verdict TEXT NOT NULL)"
                )
                self._connection = connection
            except (sqlite3.Error, OSError) as exc:
                self._disable(str(exc))
        return self._connection

    def get(self, key: str, qid: str | None = None, answer: str | None = None) -> Verdict | None:
        """The verdict stored under `key`, or None (a miss).

        With `qid` and `answer`, the row must also be the verdict of that question and
        (normalised) answer: a row copied from another key is a miss."""
        with self._lock:
            connection = self._connect()
            if connection is None:
                return None
            try:
                # The size and type are read first, inside SQLite: an oversized value is
                # never copied into Python.
                row = connection.execute(
                    "SELECT typeof(verdict), length(CAST(verdict AS BLOB)), "
                    "CASE WHEN length(CAST(verdict AS BLOB)) <= ? THEN verdict END "
                    "FROM verdicts WHERE key = ?", (MAX_ROW_BYTES, key)).fetchone()
            except sqlite3.Error as exc:
                self._disable(str(exc))
                return None
            if row is None:
                return None
            decoded = _decode_row(row)
            if isinstance(decoded, Verdict):
                decoded = _matches(decoded, qid, answer)
            if isinstance(decoded, str):
                self._invalid(decoded)
                return None
            return decoded

    def put(self, key: str, verdict: Verdict) -> None:
        if not cacheable(verdict):
            return
        text = json.dumps(verdict.to_json())
        encoded = text.encode()
        if not isinstance(decode(encoded), Verdict):
            return  # beyond the caps (or not representable): never write what get() refuses
        with self._lock:
            connection = self._connect()
            if connection is None:
                return
            try:
                with connection:
                    connection.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?)", (key, text))
            except sqlite3.Error as exc:
                self._disable(str(exc))


# -- permissions ----------------------------------------------------------------------


def _owner_problem(info: os.stat_result) -> str:
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return f"is owned by user id {info.st_uid}, not by you"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"can be written by group or others (mode {stat.S_IMODE(info.st_mode):04o})"
    return ""


def _secure_directory(directory: Path) -> str:
    """Create the directory 0700 if missing; why it must not be used, or ""."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.stat(directory)
    if not stat.S_ISDIR(info.st_mode):
        return "is not a directory"
    return _owner_problem(info)


def _secure_database(path: Path) -> str:
    """Create the database file 0600 if missing; why it must not be used, or ""."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, flags, 0o600))
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    problem = _owner_problem(info)
    if not problem and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o600)  # yours, from an older version: answers are nobody else's to read
    return problem


# -- validation of a stored row -------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def _nesting(text: str) -> int:
    """How deep brackets nest outside JSON strings (an overestimate for broken JSON)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _decode_row(row: tuple[Any, ...]) -> Verdict | str:
    kind, size, value = row
    kind = kind.decode("ascii", "replace") if isinstance(kind, bytes) else str(kind)
    if kind != "text":
        return f"a stored {printable(kind)} value where JSON text belongs"
    if not isinstance(size, int) or size > MAX_ROW_BYTES or value is None:
        return f"{size} bytes, over the cap of {MAX_ROW_BYTES}"
    return decode(value)


def decode(raw: object) -> Verdict | str:
    """A stored row as a Verdict, or why it is not one (never raises)."""
    if not isinstance(raw, bytes):
        return f"a {type(raw).__name__} where JSON text belongs"
    if len(raw) > MAX_ROW_BYTES:
        return f"{len(raw)} bytes, over the cap of {MAX_ROW_BYTES}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if _nesting(text) > MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH} levels"
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, a too long integer
        return f"not JSON: {str(exc)[:80]}"
    try:
        problem = _verdict_problem(data)
        if problem:
            return problem
        return Verdict.from_json(data)
    except Exception as exc:  # a shape the checks above missed: still only a miss
        return f"unreadable ({type(exc).__name__})"


def _matches(verdict: Verdict, qid: str | None, answer: str | None) -> Verdict | str:
    if qid is not None and verdict.id != qid:
        return "the verdict of another question"
    if answer is not None and _normalised(verdict.answer) != _normalised(answer):
        return "the verdict of another answer"
    return verdict


def _sample_keys() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The keys Verdict.to_json writes today (of a verdict, a step, a counterexample)."""
    point = Counterexample((("x", "1"),), "1", "2")
    sample = Verdict("1", "", Status.ERROR, "", 0.0, counterexample=point,
                     steps=(StepResult("", Status.REFUTED, "", point),)).to_json()
    steps = sample["steps"]
    assert isinstance(steps, list)
    counterexample = sample["counterexample"]
    assert isinstance(counterexample, dict)
    return frozenset(sample), frozenset(steps[0]), frozenset(counterexample)


_VERDICT_KEYS, _STEP_KEYS, _POINT_KEYS = _sample_keys()
_STATUSES = frozenset(s.value for s in Status)


def _keys_problem(data: object, expected: frozenset[str], what: str) -> str:
    if not isinstance(data, dict):
        return f"{what} is a {type(data).__name__}, not an object"
    if data.keys() != expected:
        odd = sorted((data.keys() - expected) | (expected - data.keys()))[:3]
        return f"{what} has unexpected or missing fields ({', '.join(printable(k)[:40] for k in odd)})"
    return ""


def _strings_problem(data: dict[str, Any], names: tuple[str, ...], what: str) -> str:
    for name in names:
        if name in data and not isinstance(data[name], str):
            return f"{what}.{name} is a {type(data[name]).__name__}, not a string"
    return ""


def _status_problem(value: object, what: str) -> str:
    if not isinstance(value, str) or value not in _STATUSES:
        return f"{what} is not a status"
    return ""


def _counterexample_problem(data: object, what: str) -> str:
    if data is None:
        return ""
    problem = _keys_problem(data, _POINT_KEYS, what)
    if problem:
        return problem
    assert isinstance(data, dict)
    problem = _strings_problem(data, ("answer", "truth", "where", "note", "text"), what)
    if problem:
        return problem
    point = data.get("assignment")
    if not isinstance(point, dict) or len(point) > MAX_POINT:
        return f"{what}.assignment is not an object of at most {MAX_POINT} values"
    if not all(isinstance(value, str) for value in point.values()):
        return f"{what}.assignment holds a value that is not a string"
    return ""


def _verdict_problem(data: object) -> str:
    problem = _keys_problem(data, _VERDICT_KEYS, "the verdict")
    if problem:
        return problem
    assert isinstance(data, dict)
    problem = (_strings_problem(data, ("id", "title", "method", "answer", "parsed", "reason"),
                                "verdict")
               or _status_problem(data.get("status"), "verdict.status"))
    if problem:
        return problem
    seconds = data.get("seconds")
    if (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
            or not (math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS)):
        return "verdict.seconds is not a duration"
    problem = _counterexample_problem(data.get("counterexample"), "verdict.counterexample")
    if problem:
        return problem
    notes = data.get("notes")
    if not isinstance(notes, list) or len(notes) > MAX_NOTES or not all(isinstance(n, str) for n in notes):
        return f"verdict.notes is not a list of at most {MAX_NOTES} strings"
    steps = data.get("steps")
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        return f"verdict.steps is not a list of at most {MAX_STEPS} steps"
    for step in steps:
        problem = (_keys_problem(step, _STEP_KEYS, "a step")
                   or _strings_problem(step, ("text", "method"), "step")
                   or _status_problem(step.get("status"), "step.status")
                   or _counterexample_problem(step.get("counterexample"), "step.counterexample"))
        if problem:
            return problem
    if "error" in data:
        return _error_problem(data["error"], data["status"] == Status.ERROR.value)
    return ""


def _error_problem(error: object, is_error: bool) -> str:
    if error is None:
        return "verdict.error is missing for an error" if is_error else ""
    if not is_error:
        return "verdict.error is set on a verdict that is not an error"
    if not isinstance(error, dict) or not set(error) <= {"message", "column", "excerpt", "hint"}:
        return "verdict.error is not an error object"
    for name in ("message", "excerpt", "hint"):
        if error.get(name) is not None and not isinstance(error[name], str):
            return f"verdict.error.{name} is not a string"
    column = error.get("column")
    if column is not None and (isinstance(column, bool) or not isinstance(column, int)
                               or not 0 <= column <= MAX_COLUMN):
        return "verdict.error.column is not a column"
    return ""
