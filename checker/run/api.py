"""The library API: check an answer (or the reference answer) of one question."""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import sympy as sp

from checker.language.answers import Parsed, parse_answer
from checker.model.errors import AnswerError
from checker.model.options import DEFAULT_OPTIONS, Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Outcome, Status, Verdict
from checker.prove.engine import decide
from checker.run.bounded import LimitHit, Limits, PrepareOutcome, run_bounded, run_prepare_bounded
from checker.run.cache import ResultCache, answer_key
from checker.run.registry import get
from checker.run.showing import showing_problem


def check_answer(
    qid: str, text: str, latex: bool = False, limits: Limits | None = None,
    cache: ResultCache | None = None, options: Options = DEFAULT_OPTIONS,
) -> Verdict:
    """Check `text` as an answer to question `qid`; never raises for bad input.

    With `limits`, the check runs in a bounded worker process; with `cache`, a
    verdict for the same question, answer and checker source is reused.
    """
    start = time.perf_counter()
    try:
        question = get(qid, options)
    except AnswerError as exc:
        return Verdict(qid, "", Status.ERROR, "input", time.perf_counter() - start,
                       answer=text, reason=str(exc), hint=exc.hint)
    hit = cached(qid, text, latex, cache, options)
    if hit is not None:
        return hit
    key = answer_key(qid, text, latex, options) if cache else ""
    if limits is None:
        verdict = _check(question, text, latex, options, start)
    else:
        verdict = _bounded(question, text, latex, options, start, limits)
    if cache is not None:
        cache.put(key, verdict)
    return verdict


def check_question(question: Question, text: str, latex: bool = False, limits: Limits | None = None,
                   options: Options = DEFAULT_OPTIONS) -> Verdict:
    """`check_answer` for a question given as an object (one being written, not yet in an
    assignment): the same parse and decision, bounded by `limits`; never cached, since a
    cached verdict is named by its question's ID and its assignment's code."""
    start = time.perf_counter()
    if limits is None:
        return _check(question, text, latex, options, start)
    return _bounded(question, text, latex, options, start, limits)


def cached(
    qid: str, text: str, latex: bool, cache: ResultCache | None, options: Options = DEFAULT_OPTIONS,
) -> Verdict | None:
    """The cached verdict for this answer, if any (marked as such)."""
    if cache is None:
        return None
    start = time.perf_counter()
    hit = cache.get(answer_key(qid, text, latex, options), qid, text)
    if hit is None:
        return None
    return replace(hit, answer=text, seconds=time.perf_counter() - start, notes=(*hit.notes, "cached"))


def _bounded(
    question: Question, text: str, latex: bool, options: Options, start: float, limits: Limits,
) -> Verdict:
    result = run_bounded(_check, (question, text, latex, options, start), limits)
    if isinstance(result, LimitHit):
        return Verdict(
            question.id, question.title, Status.UNDECIDED, f"stopped: {result.reason}",
            time.perf_counter() - start, answer=text,
            reason=_limit_reason(result.reason, limits),
        )
    verdict: Verdict = result
    return verdict


def verify_reference(
    qid: str, limits: Limits | None = None, cache: ResultCache | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> Verdict:
    return check_answer(qid, get(qid, options).reference, limits=limits, cache=cache, options=options)


def run_all(
    checks: list[tuple[str, str, bool]], limits: Limits, jobs: int = 1,
    cache: ResultCache | None = None, advance: Callable[[], None] | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> list[Verdict]:
    """Many (question, answer, latex) checks, in order, `jobs` at a time."""

    def one(item: tuple[str, str, bool]) -> Verdict:
        verdict = check_answer(item[0], item[1], latex=item[2], limits=limits, cache=cache,
                               options=options)
        if advance is not None:
            advance()
        return verdict

    abandoned: dict[str, PrepareOutcome] = {}
    if limits is not None and len(checks) > 1:
        # Only for what the cache does not already answer: a warm run prepares nothing.
        abandoned = prepare([item[0] for item in checks if cached(*item, cache, options) is None],
                            options, limits)
    if jobs <= 1 or len(checks) <= 1:
        verdicts = [one(item) for item in checks]
    else:
        # Threads only wait: every check runs in its own forked, bounded worker process.
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            verdicts = list(pool.map(one, checks))
    return [_prepare_note(v, abandoned.get(v.id)) for v in verdicts]


def prepare(qids: list[str], options: Options = DEFAULT_OPTIONS,
            limits: Limits | None = None) -> dict[str, PrepareOutcome]:
    """Build each question's answer-independent truth once, before workers fork.

    With `limits`, the prepares run in this process within a budget of their own: one
    deadline (`limits.prepare_timeout` from the first one on) for all of them, and one check's
    memory each. A prepare that meets them is abandoned quietly (the ones after a spent
    budget are not started), and each worker builds what it needs within its own limits.
    The questions whose prepare was abandoned, with what happened."""
    abandoned: dict[str, PrepareOutcome] = {}
    deadline: float | None = None  # from the first prepare on (loading questions is not in it)
    for qid in dict.fromkeys(qids):
        try:
            hook = get(qid, options).prepare
        except AnswerError:
            continue
        if hook is None:
            continue
        # A course's question code runs here: its prints go to stderr, never into a report.
        with contextlib.redirect_stdout(sys.stderr):
            if limits is None:
                hook(options)
                continue
            if deadline is None:
                deadline = time.monotonic() + limits.prepare_timeout
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                abandoned[qid] = PrepareOutcome(False, f"timeout: the prepare step's budget of "
                                                f"{limits.prepare_timeout:g} s was spent before it")
                continue
            outcome = run_prepare_bounded(functools.partial(hook, options), remaining,
                                          limits.memory_mb)
        if not outcome.done and not outcome.reason.startswith("skipped"):
            abandoned[qid] = outcome
    return abandoned


def _prepare_note(verdict: Verdict, outcome: PrepareOutcome | None) -> Verdict:
    if outcome is None or "cached" in verdict.notes:
        return verdict
    note = f"shared prepare abandoned ({outcome.reason}); this check built its truth itself"
    return replace(verdict, notes=(*verdict.notes, note))


def _limit_reason(reason: str, limits: Limits) -> str:
    if reason == "timeout":
        return f"timeout: no decision within {limits.timeout:g} s"
    if reason == "memory":
        return f"memory: the check needed more than {limits.memory_mb} MiB"
    if reason.startswith("limits: "):
        return reason  # the limits could not be set, so nothing ran: say which and why
    return f"internal error while checking ({reason})"


def decide_parsed(question: Question, parsed: Parsed, options: Options,
                  written: tuple[object, ...] | None = None) -> Outcome:
    """The question's claim on an answer as read, with the rules every answer meets: one
    that needs a condition not shown on the domain is not verified, and a derivation
    that assumes what it is to show is not verified (checker.run.showing)."""
    try:
        claim = question.claim(parsed.value, options)
        outcome = decide(claim)
    except AnswerError as exc:
        outcome = Outcome(Status.ERROR, "claim", reason=str(exc))
    if outcome.status is Status.VERIFIED and parsed.unproved:
        # The proof is of a simplified form; the answer as written may be undefined.
        needs = ", ".join(r.describe() for r in parsed.unproved)
        outcome = Outcome(
            Status.UNDECIDED, f"{outcome.method}; but the answer needs {needs}",
            reason=f"your answer as written needs {needs}, which could not be shown on the whole "
            "domain: it may be undefined (or not real) there; if a factor cancels, cancel it "
            "yourself",
            steps=outcome.steps,
        )
    if outcome.status is Status.VERIFIED and question.kind is AnswerKind.CHAIN:
        problem = showing_problem(question, parsed.value, written)
        if problem is not None:
            outcome = Outcome(Status.UNDECIDED, f"{outcome.method}; but step {problem[0]}: "
                              f"{problem[1].split(':')[0]}", reason=problem[1], steps=outcome.steps)
    return outcome


def _as_written(question: Question, text: str, latex: bool) -> tuple[object, ...] | None:
    """A derivation's steps as written: read again by the same parser with SymPy's
    automatic evaluation off, so a factor that cancels on reading still shows as a
    rewriting (checker.run.showing); None for other answers or where that reading fails."""
    if question.kind is not AnswerKind.CHAIN:
        return None
    try:
        with sp.evaluate(False):
            value = parse_answer(question, text, latex).value
    except Exception:  # any failure only loses the finer reading; the check itself stands
        return None
    return tuple(value) if isinstance(value, tuple) else None


def _check(question: Question, text: str, latex: bool, options: Options, start: float) -> Verdict:
    try:
        parsed = parse_answer(question, text, latex)
    except AnswerError as exc:
        return Verdict(question.id, question.title, Status.ERROR, "parse",
                       time.perf_counter() - start, answer=text, reason=str(exc),
                       column=exc.column, excerpt=exc.excerpt or "", hint=exc.hint)
    outcome = decide_parsed(question, parsed, options, _as_written(question, text, latex))
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
