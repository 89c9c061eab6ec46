"""A course's grading policy and the scores it gives, as plain data.

A `Course` says how many points each question of one assignment is worth and how the
statuses that are not a certain answer score. Without a course file every question is
worth one point, so a score counts verified answers as it always has. Staff decisions
(`Override`) are applied on every rerun and win over the checker's own score.

`Audience` says who reads a report: staff see everything; students never see a
reference answer or the truth's value, only where their answer fails and, for an
expression, their own value there (`for_students`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from checker.model.grades import PersonResult
from checker.model.question import AnswerKind
from checker.model.verdict import Counterexample, Status, Verdict


class Credit(str, Enum):
    """How an `undecided` or `error` answer scores."""

    FLAG = "flag"  # no points, and flagged for a person to look at (the default)
    ZERO = "zero"  # no points, not flagged
    FULL = "full"  # full points (a course that trusts its students more than the checker)


class ChainCredit(str, Enum):
    """Partial credit for a chain ("show that") answer that is not verified."""

    NONE = "none"  # no partial credit (the default)
    LINKS = "links"  # the share of its links that are verified


class Audience(str, Enum):
    STAFF = "staff"  # everything, reference answers and truths included
    STUDENT = "student"  # never a reference answer or the truth's value


@dataclass(frozen=True)
class Course:
    """The points of one assignment's questions, in the assignment's order."""

    assignment: str
    points: tuple[tuple[str, float], ...]
    undecided: Credit = Credit.FLAG
    error: Credit = Credit.FLAG
    chain_credit: ChainCredit = ChainCredit.NONE
    source: str = ""  # the course file it was read from; "" when none was used

    @staticmethod
    def one_point_each(assignment: str, ids: tuple[str, ...]) -> Course:
        return Course(assignment, tuple((qid, 1.0) for qid in ids))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(qid for qid, _ in self.points)

    def max_points(self, qid: str) -> float:
        return dict(self.points)[qid]

    @property
    def max_total(self) -> float:
        return sum(points for _, points in self.points)

    def credit(self, status: Status) -> Credit | None:
        """The rule for a status that is not certain; None for verified and refuted."""
        return {Status.UNDECIDED: self.undecided, Status.ERROR: self.error}.get(status)


@dataclass(frozen=True)
class Override:
    """A staff decision: this person's answer to this question is worth these points."""

    person: str  # a name, student id, e-mail or file, as the report shows them
    question: str
    points: float
    comment: str = ""
    source: str = ""  # file:line it was read from


@dataclass(frozen=True)
class QuestionScore:
    id: str
    points: float
    max_points: float
    status: Status | None  # None: not answered
    flagged: bool = False  # a person should look at it before the grade is final
    override: Override | None = None
    verdict: Verdict | None = None  # None: not answered


@dataclass(frozen=True)
class PersonScore:
    """One person's result and the points it earns, one entry per question of the course."""

    result: PersonResult
    questions: tuple[QuestionScore, ...]

    @property
    def total(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def max_total(self) -> float:
        return sum(q.max_points for q in self.questions)

    @property
    def flagged(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions if q.flagged)


def for_students(verdict: Verdict, kind: AnswerKind | None = None) -> Verdict:
    """The verdict a student may read: never a reference answer or the truth's value.

    Always gone: the truth in counterexamples, notes (they name shapes and rules), and the
    method (a constant factor read off at a point gives the truth there). What stays
    depends on what the question's answer is (`kind`):

    - an expression or named parts: where the answer fails (the inputs) and the student's
      own value there; the checker's own steps are dropped (question 3's derivation is
      the reference answer written out);
    - a chain, and the links of a write-up (`derivcheck doc`) for every kind: each link's
      place and inputs, with what the kind allows of the values (5.3 may name J[i, n],
      whose value is the truth of 5.2);
    - a word or a number: the student's own value, not the inputs (4.1's output shape);
    - a list: only that it differs (the first wrong entry would say the ones before it
      are right).
    """
    # A write-up's links are the student's own steps, each with its line (`derivcheck
    # doc`): shown like a chain's, whatever the question's kind.
    own_steps = kind is AnswerKind.CHAIN or any(step.line is not None for step in verdict.steps)
    steps = tuple(replace(step, method=_PLAIN_METHODS[step.status],
                          counterexample=_shown(step.counterexample, kind, verdict.answer))
                  for step in verdict.steps) if own_steps else ()
    # A reason about the student's own input (an error, a derivation that assumes what it
    # is to show) stays; the checker's reasons for other verdicts may name what it compared
    # with (question 3's seed parameters).
    own = verdict.status is Status.ERROR or verdict.reason.startswith(ASSUMES)
    reason = verdict.reason if own else _PLAIN_REASONS[verdict.status]
    # How a write-up was read puts in the values of the notation it uses (5.3's |a²| is
    # the answer to 5.1): a student sees their formula as written, not that reading.
    parsed = "" if verdict.line is not None else verdict.parsed
    return replace(verdict, method=_PLAIN_METHODS[verdict.status], steps=steps, notes=(),
                   reason=reason, parsed=parsed,
                   counterexample=_shown(verdict.counterexample, kind, verdict.answer))


# How every "what counts as showing" reason starts (checker.run.showing): about the
# student's own derivation, never the truth.
ASSUMES = "assumes what is to be shown"


# What a student reads instead of a method that may name the answer.
_PLAIN_METHODS = {Status.VERIFIED: "checked against the derivation",
                  Status.REFUTED: "differs from the derivation",
                  Status.UNDECIDED: "not decided", Status.ERROR: "could not be read"}


_PLAIN_REASONS = {Status.VERIFIED: "", Status.REFUTED: "",
                  Status.UNDECIDED: "neither proved nor refuted within the checker's limits: "
                  "course staff will look at it", Status.ERROR: ""}


def _shown(counterexample: Counterexample | None, kind: AnswerKind | None,
           answer: str) -> Counterexample | None:
    if counterexample is None:
        return None
    if kind is AnswerKind.LIST:
        return Counterexample((), answer, "")
    if kind in (AnswerKind.WORD, AnswerKind.INTEGER):
        return Counterexample((), counterexample.answer, "", counterexample.where)
    if kind is AnswerKind.CHAIN:
        return Counterexample(counterexample.assignment, "", "", counterexample.where)
    return replace(counterexample, truth="", note="")
