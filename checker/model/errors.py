"""Errors that end a check with status `error`: the input could not be understood.

An error carries its data — where (`column`, 1-based in the answer as written),
what (`excerpt`, the offending text) and how to fix it (`hint`) — beside its message,
so positions stay testable and each output edge can show them its own way.
"""

from __future__ import annotations


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
