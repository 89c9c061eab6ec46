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
import re
from collections.abc import Collection, Mapping, Sequence
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
from checker.model.question import AnswerKind
from checker.model.verdict import Status, Verdict


def score_class(results: Sequence[PersonResult], course: Course,
                overrides: Sequence[Override] = (), chains: Collection[str] = ()) -> tuple[PersonScore, ...]:
    """`chains`: the IDs of "show that" questions, the only ones `chain_credit` applies to.
    Each override applies to the one file it names (`resolve_overrides`)."""
    applied, _ = resolve_overrides(overrides, results)
    return tuple(score_person(result, course, applied.get(k, ()), chains)
                 for k, result in enumerate(results))


def score_person(result: PersonResult, course: Course,
                 overrides: Sequence[Override] = (), chains: Collection[str] = ()) -> PersonScore:
    """The person's points; `overrides` are theirs (already resolved: rows for one question
    agree on its points, `resolve_overrides`)."""
    by_id = {v.id: v for v in result.verdicts}
    mine = {o.question: o for o in overrides}
    questions = []
    for qid, maximum in course.points:
        verdict = by_id.get(qid)
        if result.file_error or verdict is None:
            # Nothing was read, or nothing answered: no points, and the report says why.
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
    credit = course.credit(status)
    if credit is Credit.FULL:
        return QuestionScore(verdict.id, maximum, maximum, status, verdict=verdict)
    # Partial credit is for a refuted chain only: undecided and error follow their rule.
    partial = chain and status is Status.REFUTED and course.chain_credit is ChainCredit.LINKS
    share = _sound_prefix(verdict) if partial else 0.0
    return QuestionScore(verdict.id, maximum * share, maximum, status, credit is Credit.FLAG,
                         verdict=verdict)


def _sound_prefix(verdict: Verdict) -> float:
    """The share of a chain's links that hold from its start up to its first link that
    does not: the derivation is right that far. A chain that does not start from the
    question's own left side earns nothing, so repeating `0 = 0` earns nothing either.
    The chain's anchor (the question's left side, which nothing precedes: method "start")
    is not a link, and neither is a step that repeats the one before it (no progress:
    writing the start nine times earns what writing it once does)."""
    links = []
    previous = None
    for step in verdict.steps:
        if step.method != "start" and step.text != previous:
            links.append(step)
        previous = step.text
    if not links:
        return 0.0
    held = 0
    for step in links:
        if step.status is not Status.VERIFIED:
            break
        held += 1
    return held / len(links)


def _file_names(result: PersonResult) -> set[str]:
    return {result.path, os.path.basename(result.path)}


def _written_names(result: PersonResult) -> set[str]:
    """What a student writes in their own file: id, e-mail and name (any of them may be
    someone else's)."""
    return {value for value in (result.student_id, result.email, result.person) if value}


def resolve_overrides(overrides: Sequence[Override], results: Sequence[PersonResult],
                      ) -> tuple[dict[int, list[Override]], list[str]]:
    """Which file each override applies to (by the index of its result), and a sentence
    for each one that applies to none.

    A row naming a file (its name or path, which derivcheck decides) applies to that file.
    Otherwise the row is compared with every id, e-mail and name the files carry: those
    are written by students, so a row that more than one file could mean (two people of
    one name, or a student who wrote someone else's id or name in any field) is not
    applied, never applied to all it could mean."""
    applied: dict[int, list[Override]] = {}
    problems: list[str] = []
    for override in overrides:
        found = [k for k, r in enumerate(results) if override.person in _file_names(r)]
        how = "the file"
        if not found:
            found = [k for k, r in enumerate(results) if override.person in _written_names(r)]
            how = "an id, e-mail or name"
        if len(found) == 1:
            applied.setdefault(found[0], []).append(override)
        elif not found:
            problems.append(f"{override.source}: `{override.person}` names no graded file (a "
                            "file name, id, e-mail or name is expected); the override is not used")
        else:
            files = ", ".join(results[k].path for k in found)
            problems.append(f"{override.source}: `{override.person}` is {how} of {len(found)} "
                            f"files ({files}); name the file instead; the override is not used")
    # Rows naming one file two ways (its name and an id) that give one answer different
    # points: which decision is meant cannot be guessed, so neither is used.
    for k, rows in applied.items():
        for question in dict.fromkeys(o.question for o in rows):
            same = [o for o in rows if o.question == question]
            if len({o.points for o in same}) > 1:
                problems.append(f"{' and '.join(o.source for o in same)}: {len(same)} rows give "
                                f"{results[k].path} {question} different points; keep one; "
                                "none of them is used")
                applied[k] = rows = [o for o in rows if o.question != question]
    return applied, problems


def shared_identities(results: Sequence[PersonResult]) -> dict[str, list[str]]:
    """Student ids and e-mails that more than one file claims (value -> files): a gradebook
    keyed on them would let one row overwrite another."""
    claims: dict[str, list[str]] = {}
    for r in results:
        for value in {r.student_id, r.email} - {""}:
            claims.setdefault(value, []).append(r.path)
    return {value: files for value, files in claims.items() if len(files) > 1}


# How the reader of a word answer (1.2, 1.7) says a word is not accepted, before it lists
# the accepted words (checker.language.answers): the reference answer is one of them.
_NOT_A_WORD = re.compile(r"^(`.*`) is not one of the accepted answers: .*$", re.DOTALL)


def _no_word_list(verdict: Verdict) -> Verdict:
    """A student's word answer that is not one of the accepted words: said so, without the
    list, which holds the reference answer (1.2's two words give it away at a guess).
    Staff reports keep the list."""
    if verdict.status is not Status.ERROR:
        return verdict
    matched = _NOT_A_WORD.match(verdict.problem)
    if matched is None:
        return verdict
    return replace(verdict, reason=f"{matched.group(1)} is not one of the words this question accepts",
                   hint="", excerpt="")


def for_audience(scores: Sequence[PersonScore], audience: Audience,
                 kinds: Mapping[str, AnswerKind] | None = None) -> tuple[PersonScore, ...]:
    """Scores as the audience may read them: students see no truth values (`for_students`,
    by each question's answer kind) and not where a staff override was recorded."""
    if audience is Audience.STAFF:
        return tuple(scores)
    known = kinds or {}

    def shown(verdict: Verdict) -> Verdict:
        return _no_word_list(for_students(verdict, known.get(verdict.id)))

    return tuple(
        PersonScore(
            replace(s.result, verdicts=tuple(shown(v) for v in s.result.verdicts)),
            tuple(replace(q, verdict=shown(q.verdict) if q.verdict else None,
                          override=replace(q.override, source="") if q.override else None)
                  for q in s.questions),
        )
        for s in scores
    )
