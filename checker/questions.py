"""Questions: statement, answer namespace, reference answer, and how an answer
becomes a claim against a truth derived from definitions.

Checking the reference answer (`verify`) and checking a person's answer
(`check`, `grade`) are the same path with a different answer text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from checker.claims import Claim
from checker.errors import UnknownQuestion
from checker.namespace import Namespace


class AnswerKind(str, Enum):
    EXPRESSION = "expression"  # one expression in the namespace
    WORD = "word"  # one of namespace.words
    INTEGER = "integer"  # an integer
    LIST = "list"  # [a, b, c]
    PARTS = "parts"  # name = expr; name = expr; ... (question 3)
    CHAIN = "chain"  # expr = expr = expr (a derivation, step by step)


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    statement: str
    kind: AnswerKind
    namespace: Namespace
    reference: str  # the reference answer, in the plain-text answer language
    truth: str  # how the truth is established, for `show`
    claim: Callable[[Any], Claim]  # parsed answer -> claim against the derived truth
    parts: tuple[str, ...] = ()  # PARTS: the names, in order
    notes: tuple[str, ...] = field(default=())
    # Builds the answer-independent part of the truth (simulations, Jacobians) into the
    # module's caches. Run in the parent before a batch forks its workers, so every
    # worker inherits it instead of rebuilding it; never given any answer text.
    prepare: Callable[[], object] | None = None


_REGISTRY: dict[str, Question] = {}


def register(question: Question) -> Question:
    """Add a question to the registry (IDs are unique) and return it unchanged."""
    if question.id in _REGISTRY:
        raise ValueError(f"question {question.id} registered twice")
    _REGISTRY[question.id] = question
    return question


def _load() -> None:
    import derivations  # noqa: F401 - importing registers every question


def all_questions() -> list[Question]:
    _load()
    return list(_REGISTRY.values())  # the assignment's order, as the modules register them


def get(qid: str) -> Question:
    _load()
    if qid not in _REGISTRY:
        raise UnknownQuestion(f"unknown question ID `{qid}`; `derivcheck list` shows them all")
    return _REGISTRY[qid]


def select(prefixes: list[str]) -> list[Question]:
    """Questions whose ID is, or starts with, one of the prefixes (all when empty)."""
    questions = all_questions()
    if not prefixes:
        return questions
    chosen: list[Question] = []
    for prefix in prefixes:
        p = prefix.strip().rstrip(".")
        matched = [q for q in questions if q.id == p or q.id.startswith(p + ".")]
        if not matched:
            raise UnknownQuestion(f"no question ID matches `{prefix}`; `derivcheck list` shows them all")
        chosen += [q for q in matched if q not in chosen]
    return chosen
