"""Errors that end a check with status `error`: the input could not be understood."""

from __future__ import annotations


class AnswerError(ValueError):
    """An answer (or answer file) that cannot be understood.

    The message is shown to the person who wrote the answer, so it names the
    offending part and, where useful, what the question allows instead.
    """


class UnknownQuestion(AnswerError):
    """An ID (or ID prefix) that names no question."""
