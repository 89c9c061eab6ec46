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

from checker.model.claims import Claim
from checker.model.errors import UnknownQuestion
from checker.model.namespace import Namespace
from checker.model.notation import DocumentSpec
from checker.model.options import Options


class AnswerKind(str, Enum):
    EXPRESSION = "expression"  # one expression in the namespace
    WORD = "word"  # one of namespace.words
    INTEGER = "integer"  # an integer
    LIST = "list"  # [a, b, c]
    PARTS = "parts"  # name = expr; name = expr; ... (question 3)
    CHAIN = "chain"  # expr = expr = expr (a derivation, step by step)


@dataclass(frozen=True)
class PlotSpec:
    """Answers to a question of one variable, plotted against the truth over that variable.

    One plot per combination of the fixed names' values (`y = 0`, `y = 1`), over the open
    interval (low, high) of `variable`, ends excluded. The truth is the question's own
    derivation (the expression its claim compares with), never retyped for the plot."""

    variable: str
    low: float
    high: float
    truth: Callable[[], Any]  # () -> the truth as a SymPy expression in the namespace's symbols
    fixed: tuple[tuple[str, tuple[int, ...]], ...] = ()  # name -> the values it takes, one plot each
    # A parsed answer -> the same function in the plotted names (`a` through a = logit(f));
    # None: the answer as parsed. It must be an identity on the question's domain.
    rewrite: Callable[[Any], Any] | None = None
    note: str = ""  # what a reader of the plot must know (e.g. graded up to a factor)


@dataclass(frozen=True)
class Example:
    """An answer whose verdict a question's author states: `right` ones must be verified,
    wrong ones refuted with a counterexample (`derivcheck verify --self-test`)."""

    text: str
    right: bool
    latex: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    statement: str
    kind: AnswerKind
    namespace: Namespace
    reference: str  # the reference answer, in the plain-text answer language
    truth: str  # how the truth is established, for `show`
    # (parsed answer, run options) -> claim against the truth derived from definitions
    claim: Callable[[Any, Options], Claim]
    parts: tuple[str, ...] = ()  # PARTS: the names, in order
    notes: tuple[str, ...] = field(default=())
    # Builds the answer-independent part of the truth (simulations, Jacobians) into the
    # module's caches. Run in the parent before a batch forks its workers, so every
    # worker inherits it instead of rebuilding it; never given any answer text.
    prepare: Callable[[Options], object] | None = None
    # Right and wrong answers the author states (the self-test checks each verdict).
    examples: tuple[Example, ...] = ()
    plot: PlotSpec | None = None  # answers of one variable: how the class overview plots them
    # How the question is read in a written derivation (`derivcheck doc`); None: its steps
    # are read in the answer language alone.
    document: DocumentSpec | None = None


@dataclass(frozen=True)
class Assignment:
    """A named set of questions with unique IDs, in the order they are asked."""

    name: str
    title: str
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question {question.id} appears twice in assignment {self.name}")
            seen.add(question.id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def get(self, qid: str) -> Question:
        for question in self.questions:
            if question.id == qid:
                return question
        raise UnknownQuestion(f"unknown question ID `{qid}`; `derivcheck list` shows them all")

    def select(self, prefixes: list[str]) -> list[Question]:
        """Questions whose ID is, or starts with, one of the prefixes (all when empty)."""
        if not prefixes:
            return list(self.questions)
        chosen: list[Question] = []
        for prefix in prefixes:
            p = prefix.strip().rstrip(".")
            matched = [q for q in self.questions if q.id == p or q.id.startswith(p + ".")]
            if not matched:
                raise UnknownQuestion(f"no question ID matches `{prefix}`; `derivcheck list` shows them all")
            chosen += [q for q in matched if q not in chosen]
        return chosen
