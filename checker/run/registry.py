"""The question registry: the only place that loads the shipped derivations.

Everything below the run layer receives questions as data; nothing there imports
`derivations`, so no import circle can form.
"""

from __future__ import annotations

from functools import cache

from checker.model.question import Assignment, Question


@cache
def assignment() -> Assignment:
    from derivations import ASSIGNMENT  # the heavy import happens on first use only

    return ASSIGNMENT


def all_questions() -> list[Question]:
    return list(assignment().questions)


def get(qid: str) -> Question:
    return assignment().get(qid)


def select(prefixes: list[str]) -> list[Question]:
    return assignment().select(prefixes)
