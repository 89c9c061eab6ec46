"""The library API: check an answer (or the reference answer) of one question."""

from __future__ import annotations

import time

from checker.answers import parse_answer
from checker.bounded import LimitHit, Limits, run_bounded
from checker.engine import decide
from checker.errors import AnswerError
from checker.questions import Question, get
from checker.verdict import Outcome, Status, Verdict


def check_answer(
    qid: str, text: str, latex: bool = False, limits: Limits | None = None
) -> Verdict:
    """Check `text` as an answer to question `qid`; never raises for bad input."""
    start = time.perf_counter()
    try:
        question = get(qid)
    except AnswerError as exc:
        return Verdict(qid, "", Status.ERROR, "input", time.perf_counter() - start,
                       answer=text, reason=str(exc))
    if limits is None:
        return _check(question, text, latex, start)
    result = run_bounded(_check, (question, text, latex, start), limits)
    if isinstance(result, LimitHit):
        return Verdict(
            question.id, question.title, Status.UNDECIDED, f"stopped: {result.reason}",
            time.perf_counter() - start, answer=text,
            reason=_limit_reason(result.reason, limits),
        )
    verdict: Verdict = result
    return verdict


def verify_reference(qid: str, limits: Limits | None = None) -> Verdict:
    return check_answer(qid, get(qid).reference, limits=limits)


def _limit_reason(reason: str, limits: Limits) -> str:
    if reason == "timeout":
        return f"timeout: no decision within {limits.timeout:g} s"
    if reason == "memory":
        return f"memory: the check needed more than {limits.memory_mb} MiB"
    return f"internal error while checking ({reason})"


def _check(question: Question, text: str, latex: bool, start: float) -> Verdict:
    try:
        parsed = parse_answer(question, text, latex)
    except AnswerError as exc:
        return Verdict(question.id, question.title, Status.ERROR, "parse",
                       time.perf_counter() - start, answer=text, reason=str(exc))
    try:
        claim = question.claim(parsed.value)
        outcome = decide(claim)
    except AnswerError as exc:
        outcome = Outcome(Status.ERROR, "claim", reason=str(exc))
    return Verdict(
        id=question.id,
        title=question.title,
        status=outcome.status,
        method=outcome.method,
        seconds=time.perf_counter() - start,
        answer=text,
        parsed=parsed.shown,
        counterexample=outcome.counterexample,
        reason=outcome.reason,
        steps=outcome.steps,
    )
