"""Errors that end a check with status `error`: the input could not be understood.

An error carries its data — where (`column`, 1-based in the answer as written),
what (`excerpt`, the offending text) and how to fix it (`hint`) — beside its message,
so positions stay testable and each output edge can show them its own way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence


class AnswerError(ValueError):
    """An answer (or answer file) that cannot be understood.

    The message is shown to the person who wrote the answer, so it names the
    offending part and, where useful, what the question allows instead.
    """

    def __init__(self, message: str, *, column: int | None = None, excerpt: str | None = None,
                 hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.excerpt = excerpt
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword fields survive pickling (a worker process may hand an error back).
        return (_rebuild, (type(self), self.message, self.column, self.excerpt, self.hint))


def _rebuild(kind: type[AnswerError], message: str, column: int | None, excerpt: str | None,
             hint: str) -> AnswerError:
    return kind(message, column=column, excerpt=excerpt, hint=hint)


class UnknownQuestion(AnswerError):
    """An ID (or ID prefix) that names no question."""


def close_matches(word: str, choices: Iterable[str], count: int = 3) -> list[str]:
    """The choices a typo most likely meant (difflib's ratio, as pip and git do), best first."""
    return difflib.get_close_matches(word, list(choices), n=count, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean `x`?` for the closest choices, or "" when nothing is close."""
    matches = close_matches(word, choices)
    return f"; did you mean {_either(matches)}?" if matches else ""


def suggest_ids(qid: str, ids: Sequence[str]) -> str:
    """What to say after "unknown question ID `qid`": the IDs it most likely meant.

    A prefix names its sub-questions (4.3 → 4.3.full, ...); a typo its close matches;
    an ID near nothing (9.9) gets the whole list, compactly, since every guess would be wrong.
    """
    stem = qid.strip().rstrip(".")
    below = [q for q in ids if q.startswith(stem + ".")] if stem else []
    if len(below) > 3:
        return f"; did you mean one of {compact_ids(below)}?"
    matches = below or close_matches(stem, ids)
    if matches:
        return f"; did you mean {_either(matches)}?"
    return f"; did you mean one of {compact_ids(ids)}?"


def compact_ids(ids: Sequence[str]) -> str:
    """1.1, 1.2, ..., 1.7, 3 → `1.1`-`1.7`, `3`: runs of numbered sub-questions collapse."""
    parts: list[str] = []
    run: list[tuple[str, int, str]] = []

    def flush() -> None:
        if len(run) > 2:
            parts.append(f"`{run[0][2]}`-`{run[-1][2]}`")
        else:
            parts.extend(f"`{item[2]}`" for item in run)
        run.clear()

    for qid in ids:
        numbered = re.fullmatch(r"(\d+)\.(\d+)", qid)
        if numbered and run and run[-1][0] == numbered[1] and run[-1][1] + 1 == int(numbered[2]):
            run.append((numbered[1], int(numbered[2]), qid))
            continue
        flush()
        if numbered:
            run.append((numbered[1], int(numbered[2]), qid))
        else:
            parts.append(f"`{qid}`")
    flush()
    return ", ".join(parts)


def _either(words: list[str]) -> str:
    quoted = [f"`{w}`" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"
