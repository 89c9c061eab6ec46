"""A graded class as data for every renderer: scores, an overview, and what the run used.

The run layer computes all of it (checker.run.overview); renderers only lay it out, so
the text, JSON and HTML reports show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.model.course import Audience, Course, PersonScore
from checker.model.verdict import Counterexample, Status


@dataclass(frozen=True)
class ScoreBin:
    """People whose total lies in [low, high) (the last bin includes its high end)."""

    low: float
    high: float
    count: int


@dataclass(frozen=True)
class QuestionStats:
    id: str
    max_points: float
    people: int  # readable files
    verified: int
    refuted: int
    undecided: int
    error: int
    not_answered: int
    mean_points: float

    @property
    def pass_rate(self) -> float:
        """Verified answers over readable files (an unanswered question counts as not passed)."""
        return self.verified / self.people if self.people else 0.0


@dataclass(frozen=True)
class AnswerGroup:
    """Answers to one question that are the same answer: staff write one comment for it.

    Answers with the same canonical form are one group; two groups are merged only when
    their answers are proved equal."""

    question: str
    answer: str  # as the first person in the group wrote it
    parsed: str  # its canonical form ("" for an answer that could not be read)
    status: Status
    people: tuple[str, ...]
    counterexample: Counterexample | None = None
    reason: str = ""
    spellings: tuple[str, ...] = ()  # the other ways people wrote it

    @property
    def count(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class Curve:
    label: str  # "truth", or an answer as written
    values: tuple[float | None, ...]  # None where it is undefined or not a real number


@dataclass(frozen=True)
class AnswerPlot:
    """A question of one variable: answers against the truth over that variable."""

    question: str
    variable: str
    fixed: tuple[tuple[str, str], ...]  # the other names and their values (e.g. y = 0)
    xs: tuple[float, ...]
    truth: Curve
    answers: tuple[Curve, ...]  # the most common wrong answers
    note: str = ""  # from the question's plot declaration


@dataclass(frozen=True)
class ClassOverview:
    people: int  # files given
    graded: int  # files that could be read
    max_total: float
    mean: float
    median: float
    histogram: tuple[ScoreBin, ...]
    questions: tuple[QuestionStats, ...]
    wrong_answers: tuple[AnswerGroup, ...]  # per question in course order, biggest group first
    plots: tuple[AnswerPlot, ...] = ()
    notes: tuple[str, ...] = ()  # what the overview could not do (a worker met its limits)


@dataclass(frozen=True)
class RunInfo:
    """What a report records about the run that made it, so it can be reproduced."""

    derivcheck_version: str
    sympy_version: str
    options: tuple[tuple[str, str], ...]  # name -> value, as given or defaulted
    course_file: str  # "" when every question was worth one point
    seconds: float = 0.0


@dataclass(frozen=True)
class ClassReport:
    """Everything a `grade` renderer receives."""

    course: Course
    scores: tuple[PersonScore, ...]
    overview: ClassOverview
    run: RunInfo
    audience: Audience = Audience.STAFF
    exit_code: int = 0
