"""A graded class at a glance: the score distribution, each question's statistics, the
most common wrong answers grouped (one comment per mistake) and plots of answers of one
variable against the truth.

Statistics count readable files only. Wrong answers (every status but `verified`) are
grouped by status and canonical form: the `parsed` text of the verdict, or for an answer
that was not read (an `error`, or a check stopped by a limit before it printed one) the
answer text without its whitespace. Two groups of an expression question, of the same
status, are merged only when their answers are *proved* equal on the question's domain
(the MERGE_CANDIDATES largest groups, pairwise); refuted or undecided keeps them apart.
Answers come from students, so every parse, proof and evaluation of them runs in a
bounded worker (checker.run.bounded), one per question, never in this process; a
question whose worker meets its limits keeps its groups as they are and gets no plots.
"""

from __future__ import annotations

import functools
import itertools
import math
import signal
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, TypeVar

import sympy as sp

from checker.language.answers import Parsed, parse_answer
from checker.model.claims import Equal
from checker.model.course import Course, PersonScore, QuestionScore
from checker.model.errors import AnswerError
from checker.model.options import Options
from checker.model.overview import AnswerGroup, AnswerPlot, ClassOverview, Curve, QuestionStats, ScoreBin
from checker.model.question import AnswerKind, Assignment, Question
from checker.model.verdict import ANSWER_HOLDS, Status, Verdict
from checker.prove.engine import decide
from checker.run.bounded import LimitHit, Limits, run_bounded
from checker.run.plots import Values, curve, settings, xs

BINS = 10  # about this many histogram bins
MERGE_CANDIDATES = 8  # the largest groups of a question tried pairwise for a merge
PLOTTED = 5  # wrong answers drawn on a plot, most common first
MERGE_COST = 60  # an answer costlier than this (`_cost`) stays a group of its own
# Inside a question's worker, on top of its hard limits: each merge attempt or curve stops
# after this share of the timeout, and no attempt starts after the second share.
ATTEMPT_SHARE = 1 / 8
WORK_SHARE = 3 / 4

T = TypeVar("T")


def build_overview(scores: Sequence[PersonScore], course: Course,
                   questions: Assignment | Mapping[str, Question], limits: Limits,
                   options: Options) -> ClassOverview:
    """The overview of a scored class, questions in the course's order.

    `questions` gives each question's parser, namespace and plot declaration; `limits`
    bound each question's worker (one worker per question that has answers to merge or
    plot). `options` does not change the overview (no claim against a truth is built);
    it is taken so the overview is computed under the run's options like every check."""
    readable = [s for s in scores if not s.result.file_error]
    by_id = _by_id(questions)
    wrong: list[AnswerGroup] = []
    plots: list[AnswerPlot] = []
    notes: list[str] = []
    for qid in course.ids:
        groups = _groups(readable, qid)
        question = by_id.get(qid)
        study = _study_bounded(question, groups, limits) if question is not None else None
        if isinstance(study, LimitHit):
            notes.append(f"{qid}: answers were not merged or plotted ({study.reason}); each "
                         "canonical form is its own group")
            study = None
        merged = _merge(groups, study.merges if study else ())
        wrong += [g.public() for g in merged]
        if question is not None and study is not None:
            plots += _plots(question, merged, study)
    totals = [s.total for s in readable]
    return ClassOverview(
        people=len(scores), graded=len(readable), max_total=course.max_total,
        mean=statistics.fmean(totals) if totals else 0.0,
        median=float(statistics.median(totals)) if totals else 0.0,
        histogram=histogram(totals, course.max_total),
        questions=tuple(question_stats(readable, qid, course.max_points(qid)) for qid in course.ids),
        wrong_answers=tuple(wrong), plots=tuple(plots), notes=tuple(notes),
    )


def _by_id(questions: Assignment | Mapping[str, Question]) -> dict[str, Question]:
    if isinstance(questions, Assignment):
        return {q.id: q for q in questions.questions}
    return dict(questions)


# -- the score distribution ---------------------------------------------------------------


def histogram(totals: Sequence[float], max_total: float) -> tuple[ScoreBin, ...]:
    """About ten bins over [0, max_total], the last one closed: ten equal bins, or bins of
    whole points when the maximum is a whole number of at least ten. A total outside the
    range (an override) counts in the nearest end bin."""
    edges = bin_edges(max_total)
    counts = [0] * len(edges)
    tolerance = 1e-9 * max(1.0, max_total)
    for total in totals:
        index = next((k for k, (_, high) in enumerate(edges[:-1]) if total < high - tolerance),
                     len(edges) - 1)
        counts[index] += 1
    return tuple(ScoreBin(low, high, count) for (low, high), count in zip(edges, counts, strict=True))


def bin_edges(max_total: float) -> list[tuple[float, float]]:
    """(low, high) of each bin; [(0, 0)] when the course gives no points."""
    if not max_total > 0:
        return [(0.0, 0.0)]
    if max_total >= BINS and abs(max_total - round(max_total)) < 1e-9:
        width = max(1, int(max_total / BINS + 0.5))
        count = math.ceil(round(max_total) / width)
        cuts = [float(k * width) for k in range(count)]
    else:
        count = BINS
        cuts = [max_total * k / BINS for k in range(count)]
    return list(zip(cuts, [*cuts[1:], float(max_total)], strict=True))


def question_stats(readable: Sequence[PersonScore], qid: str, max_points: float) -> QuestionStats:
    entries = [_entry(s, qid) for s in readable]
    statuses = [e.status if e is not None else None for e in entries]
    points = [e.points if e is not None else 0.0 for e in entries]
    return QuestionStats(
        id=qid, max_points=max_points, people=len(readable),
        verified=statuses.count(Status.VERIFIED), refuted=statuses.count(Status.REFUTED),
        undecided=statuses.count(Status.UNDECIDED), error=statuses.count(Status.ERROR),
        not_answered=statuses.count(None),
        mean_points=math.fsum(points) / len(points) if points else 0.0,
    )


def _entry(score: PersonScore, qid: str) -> QuestionScore | None:
    return next((q for q in score.questions if q.id == qid), None)


# -- wrong answers, grouped ---------------------------------------------------------------


@dataclass
class _Group:
    """Wrong answers to one question with one canonical form (mutable while collected)."""

    question: str
    key: str
    read: bool  # grouped by its parsed form (else by its text: an answer that was not read)
    first: Verdict
    people: list[tuple[int, str]] = field(default_factory=list)  # (position in the class, name)
    texts: list[tuple[int, str]] = field(default_factory=list)  # (first position, text), distinct
    index: int = -1  # its place among the question's groups before any merge

    @property
    def count(self) -> int:
        return len(self.people)

    def order(self) -> tuple[int, str, str, str]:
        return (-self.count, self.first.answer, self.first.parsed, self.first.status.value)

    def public(self) -> AnswerGroup:
        spellings = tuple(text for _, text in sorted(self.texts) if text != self.first.answer)
        return AnswerGroup(
            question=self.question, answer=self.first.answer, parsed=self.first.parsed,
            status=self.first.status, people=tuple(name for _, name in sorted(self.people)),
            counterexample=self.first.counterexample, reason=self.first.reason,
            spellings=spellings)


def _groups(readable: Sequence[PersonScore], qid: str) -> list[_Group]:
    """The wrong answers to `qid`, grouped by canonical form, biggest group first."""
    groups: dict[tuple[Status, bool, str], _Group] = {}
    for position, score in enumerate(readable):
        entry = _entry(score, qid)
        verdict = entry.verdict if entry is not None else None
        if verdict is None or verdict.status is Status.VERIFIED or ANSWER_HOLDS in verdict.notes:
            continue  # (a write-up whose answer holds has a wrong step, not a wrong answer)
        read = verdict.status is not Status.ERROR and verdict.parsed != ""
        # An answer that could not be read is its text and what is wrong with it (the
        # offending part and the fix; not the column, which leading spaces move): `f y` and
        # `fy` fail for different reasons and want different comments.
        key = verdict.parsed if read else "\n".join((verdict.answer.strip(), verdict.excerpt,
                                                      verdict.hint))
        # A status of its own: the same form refuted, or undecided because as written it
        # may be undefined, wants a different comment.
        group = groups.setdefault((verdict.status, read, key), _Group(qid, key, read, verdict))
        group.people.append((position, score.result.person))
        if all(text != verdict.answer for _, text in group.texts):
            group.texts.append((position, verdict.answer))
    ordered = sorted(groups.values(), key=_Group.order)
    for index, group in enumerate(ordered):
        group.index = index
    return ordered


def _merge(groups: list[_Group], merges: Sequence[tuple[int, int]]) -> list[_Group]:
    """Groups joined along proved equalities (indices into `groups`); each keeps its
    largest part's first verdict and index. Biggest first, ties by answer text."""
    union = _Union()
    for i, j in merges:
        union.join(i, j)
    joined: dict[int, _Group] = {}
    for group in groups:  # biggest first: a component's first group leads it
        lead = joined.get(union.find(group.index))
        if lead is None:
            joined[union.find(group.index)] = _Group(group.question, group.key, group.read, group.first,
                                                      list(group.people), list(group.texts), group.index)
            continue
        lead.people += group.people
        known = {text: position for position, text in lead.texts}
        for position, text in group.texts:
            known[text] = min(position, known.get(text, position))
        lead.texts = [(position, text) for text, position in known.items()]
    return sorted(joined.values(), key=_Group.order)


class _Union:
    """Union-find over group indices: the smaller index (the larger group) is the root."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, i: int) -> int:
        while self.parent.get(i, i) != i:
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = sorted((self.find(i), self.find(j)))
        if a != b:
            self.parent[b] = a


# -- proving and plotting, in a bounded worker per question ------------------------------


@dataclass(frozen=True)
class _Candidate:
    """What the worker receives of one group: its index, status and texts."""

    index: int
    status: Status
    parsed: str  # the canonical form the check printed ("" when it printed none)
    texts: tuple[str, ...]


@dataclass(frozen=True)
class _Study:
    """What a question's worker found (plain data: it crosses the process boundary)."""

    merges: tuple[tuple[int, int], ...] = ()
    truth: tuple[Values, ...] = ()  # per setting; () when the question has no plot
    curves: tuple[tuple[int, tuple[Values, ...]], ...] = ()  # group index -> per setting


def _study_bounded(question: Question, groups: list[_Group], limits: Limits) -> _Study | LimitHit | None:
    """Merges and curves for `question`'s groups, from a worker; None when there is
    nothing to do, the limit it met when the worker met one."""
    if question.kind is not AnswerKind.EXPRESSION:
        return None
    answers = [g for g in groups if g.first.status is not Status.ERROR]
    if len(answers) < 2 and not (answers and question.plot is not None):
        return None
    candidates = tuple(_Candidate(g.index, g.first.status, g.first.parsed if g.read else "",
                                  tuple(text for _, text in g.texts))
                       for g in answers[:MERGE_CANDIDATES + PLOTTED])
    result: _Study | LimitHit = run_bounded(study, (question, candidates, limits.timeout), limits)
    return result


def study(question: Question, candidates: Sequence[_Candidate], timeout: float) -> _Study:
    """In the worker: which of the first MERGE_CANDIDATES groups are proved equal, and
    each candidate's curves when the question declares a plot. Each step stops softly
    after a share of the timeout (the worker's hard limits stay in force)."""
    deadline = time.monotonic() + WORK_SHARE * timeout
    each = max(0.1, ATTEMPT_SHARE * timeout)
    values: dict[int, Parsed] = {}
    for candidate in candidates:
        parsed = _bounded_step(functools.partial(_parse, question, candidate), each)
        if parsed is not None:
            values[candidate.index] = parsed
    merges: list[tuple[int, int]] = []
    union = _Union()
    pool = [c for c in candidates[:MERGE_CANDIDATES] if c.index in values]
    # Cheapest pairs first, so one costly answer cannot use up the time the ordinary
    # merges need; an answer past MERGE_COST (a huge power) is never tried at all: proving
    # it equal to another expands it, and a worker that meets its memory limit there
    # would lose every merge it had found (the merge result does not depend on the order).
    costs = {c.index: _cost(values[c.index]) for c in pool}
    pairs = sorted((pair for pair in itertools.combinations(pool, 2)
                    if max(costs[pair[0].index], costs[pair[1].index]) <= MERGE_COST),
                   key=lambda pair: costs[pair[0].index] + costs[pair[1].index])
    for first, second in pairs:
        if time.monotonic() > deadline:
            break
        if first.status is not second.status or union.find(first.index) == union.find(second.index):
            continue
        attempt = functools.partial(_proved_equal, question, values[first.index], values[second.index])
        if _bounded_step(attempt, each):
            merges.append((first.index, second.index))
            union.join(first.index, second.index)
    spec = question.plot
    if spec is None:
        return _Study(tuple(merges))
    points = xs(spec)
    truth = _bounded_step(lambda: _curves(question, spec.truth(), points), each) or ()
    curves: list[tuple[int, tuple[Values, ...]]] = []
    for candidate in candidates:
        if candidate.index not in values or time.monotonic() > deadline:
            continue
        answer = functools.partial(_curves, question, values[candidate.index].value, points, True)
        found = _bounded_step(answer, each)
        if found is not None:
            curves.append((candidate.index, found))
    return _Study(tuple(merges), truth, tuple(curves))


def _parse(question: Question, candidate: _Candidate) -> Parsed | None:
    """The answer as the check read it: a text that parses to the printed canonical form
    (as plain text, else as LaTeX: the verdict does not say which it was). A candidate
    whose check printed none is read as plain text only."""
    for text in candidate.texts:
        for latex in (False, True) if candidate.parsed else (False,):
            try:
                parsed = parse_answer(question, text, latex)
            except AnswerError:
                continue
            if not candidate.parsed or parsed.shown == candidate.parsed:
                return parsed
    return None


def _cost(parsed: Parsed) -> int:
    """A rough cost of comparing an answer: its node count, plus the size of every whole
    power (expanding (f + y + 1)**100 is what takes the time)."""
    value = parsed.value
    if not isinstance(value, sp.Basic):
        return 0
    powers = sum(min(abs(int(p.exp)), 10**6) for p in value.atoms(sp.Pow) if p.exp.is_Integer)
    return sp.count_ops(value) + powers


def _proved_equal(question: Question, a: Parsed, b: Parsed) -> bool:
    """a and b proved equal on the question's domain, and needing the same unproved
    conditions (an answer that may be undefined where the other is not stays apart).
    Both are first put in the plotted names when the question declares how (`a` as
    logit(f)), so `sigmoid(a) - y` and `f - y` are one answer."""
    if sorted(r.describe() for r in a.unproved) != sorted(r.describe() for r in b.unproved):
        return False
    rewrite = question.plot.rewrite if question.plot is not None else None
    left, right = (rewrite(a.value), rewrite(b.value)) if rewrite is not None else (a.value, b.value)
    # Sums and indexed entries follow a question's own conventions (in question 5 a sum
    # with reversed bounds and an entry out of bounds are zero), which a plain Equal does
    # not know: such answers are never merged, so no two different answers are one group.
    if any(isinstance(side, sp.Basic) and side.has(sp.Sum, sp.Indexed) for side in (left, right)):
        return False
    domains = tuple((v.symbol, v.domain) for v in question.namespace.variables)
    return decide(Equal(left, right, domains)).status is Status.VERIFIED


def _curves(question: Question, expr: Any, points: tuple[float, ...],
            answer: bool = False) -> tuple[Values, ...]:
    spec = question.plot
    assert spec is not None
    if answer and spec.rewrite is not None:
        expr = spec.rewrite(expr)
    return tuple(curve(expr, spec.variable, setting, points) for setting in settings(spec))


class _SoftStop(BaseException):
    """Raised by the worker's own timer inside one step (a BaseException: the step's own
    `except Exception` must not swallow it)."""


def _bounded_step(step: Callable[[], T], seconds: float) -> T | None:
    """step() stopped after `seconds` (between bytecodes; a long call into C only when
    it returns: the worker's hard limits catch that), or on any failure: None."""
    try:
        with _timer(seconds):
            return step()
    except _SoftStop:
        return None
    except Exception:  # MemoryError and RecursionError included: this step is abandoned
        return None


@contextmanager
def _timer(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise _SoftStop

    try:
        previous = signal.signal(signal.SIGALRM, stop)
    except ValueError:  # not the main thread of this process: the hard limits alone
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _plots(question: Question, merged: list[_Group], found: _Study) -> list[AnswerPlot]:
    """One plot per setting: the truth and the most common wrong answers that have curves."""
    spec = question.plot
    if spec is None or not found.truth:
        return []
    curves = dict(found.curves)
    drawn = [(g.first.answer, curves[g.index]) for g in merged if g.index in curves][:PLOTTED]
    points = xs(spec)
    return [
        AnswerPlot(question.id, spec.variable, tuple((name, str(value)) for name, value in setting),
                   points, Curve("truth", found.truth[k]),
                   tuple(Curve(label, values[k]) for label, values in drawn), spec.note)
        for k, setting in enumerate(settings(spec))
    ]
