"""Points for a graded class: verdicts × course policy × staff overrides → scores.

The checker's verdict decides a score only where it is certain: a verified answer
earns the question's points, a refuted one none (or, for a chain under
`chain_credit = "links"`, the share of its links verified). `undecided` and `error`
follow the course's rule — by default no points and flagged for a person to look at.
A staff override always wins and is shown as such, so a reviewed answer keeps its
grade on every rerun.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import replace

from checker.model.course import (
    Audience,
    ChainCredit,
    Course,
    Credit,
    Override,
    PersonScore,
    QuestionScore,
    for_students,
)
from checker.model.grades import PersonResult
from checker.model.verdict import Status, Verdict


def score_class(results: Sequence[PersonResult], course: Course,
                overrides: Sequence[Override] = (), chains: Collection[str] = ()) -> tuple[PersonScore, ...]:
    """`chains`: the IDs of "show that" questions, the only ones `chain_credit` applies to."""
    return tuple(score_person(result, course, overrides, chains) for result in results)


def score_person(result: PersonResult, course: Course,
                 overrides: Sequence[Override] = (), chains: Collection[str] = ()) -> PersonScore:
    by_id = {v.id: v for v in result.verdicts}
    mine = {o.question: o for o in overrides if matches(o, result)}  # the last row wins
    questions = []
    for qid, maximum in course.points:
        verdict = by_id.get(qid)
        if result.file_error:
            # Nothing was read: no question is answered, and the file error says why.
            question = QuestionScore(qid, 0.0, maximum, None)
        elif verdict is None:
            question = QuestionScore(qid, 0.0, maximum, None)
        else:
            question = _score(verdict, maximum, course, qid in chains)
        override = mine.get(qid)
        if override is not None:
            question = replace(question, points=override.points, flagged=False, override=override)
        questions.append(question)
    return PersonScore(result, tuple(questions))


def _score(verdict: Verdict, maximum: float, course: Course, chain: bool) -> QuestionScore:
    status = verdict.status
    if status is Status.VERIFIED:
        return QuestionScore(verdict.id, maximum, maximum, status, verdict=verdict)
    share = _link_share(verdict) if chain and course.chain_credit is ChainCredit.LINKS else 0.0
    credit = course.credit(status)
    if credit is Credit.FULL:
        return QuestionScore(verdict.id, maximum, maximum, status, verdict=verdict)
    flagged = credit is Credit.FLAG
    return QuestionScore(verdict.id, maximum * share, maximum, status, flagged, verdict=verdict)


def _link_share(verdict: Verdict) -> float:
    """The share of a chain's links that are verified. The first step is where the chain
    starts (the question's left side); each later step is a link, checked against the step
    before it, the link to the question's right side included."""
    links = verdict.steps[1:]
    if not links:
        return 0.0
    return sum(step.status is Status.VERIFIED for step in links) / len(links)


def identities(result: PersonResult) -> set[str]:
    """Every way an overrides file may name this person."""
    names = {result.person, result.path, os.path.basename(result.path)}
    names |= {value for value in (result.student_id, result.email) if value}
    return names


def matches(override: Override, result: PersonResult) -> bool:
    return override.person in identities(result)


def unmatched(overrides: Sequence[Override], results: Sequence[PersonResult]) -> list[Override]:
    """Overrides that name nobody in this class (a typo, or a person not graded this run)."""
    return [o for o in overrides if not any(matches(o, r) for r in results)]


def for_audience(scores: Sequence[PersonScore], audience: Audience,
                 values: Collection[str] = ()) -> tuple[PersonScore, ...]:
    """Scores as the audience may read them: students see no truth values. `values`: the
    IDs of questions whose answer is a value (a word, a number, a list)."""
    if audience is Audience.STAFF:
        return tuple(scores)

    def shown(verdict: Verdict) -> Verdict:
        return for_students(verdict, verdict.id in values)

    return tuple(
        PersonScore(
            replace(s.result, verdicts=tuple(shown(v) for v in s.result.verdicts)),
            tuple(replace(q, verdict=shown(q.verdict) if q.verdict else None) for q in s.questions),
        )
        for s in scores
    )
