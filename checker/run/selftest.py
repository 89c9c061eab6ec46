"""The self-test of questions: every reference answer and every stated example checked
like anyone's answer, each in a bounded worker, against the verdict its author states.

* the reference and each `right` example must be `verified`;
* each `wrong` example must be `refuted`, with a counterexample.

Anything else fails the self-test and says why (a right answer only `undecided`, a wrong
one refuted without a counterexample, an example that does not parse, a limit hit).

Questions of the run's assignment (`checker.run.registry`, `options.assignment`) go
through `run_all`: bounded, cached, with their prepare step before the workers fork.
Other Question objects (built in a test, not yet registered) are prepared here, then
checked one by one in a bounded worker, uncached (a cache key names a question by its ID and the registered
code only); `check` replaces that step, e.g. with a registry's own runner.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from checker.model.errors import AnswerError
from checker.model.options import DEFAULT_OPTIONS, Options
from checker.model.question import Question
from checker.model.verdict import Status, Verdict
from checker.run.api import check_question, run_all
from checker.run.bounded import Limits, run_prepare_bounded
from checker.run.cache import ResultCache
from checker.run.registry import get

REFERENCE, RIGHT, WRONG = "reference", "right", "wrong"

Check = Callable[[Question, str, bool], Verdict]  # (question, answer text, latex) -> verdict


@dataclass(frozen=True)
class SelfTestResult:
    question: str  # the question's ID
    title: str
    example: str  # "reference", "right" or "wrong"
    text: str  # the answer as stated
    latex: bool
    verdict: Verdict
    passed: bool
    problem: str = ""  # why it did not pass, in words ("" when it passed)

    def as_verdict(self) -> Verdict:
        """The result as a check every report can show: verified when the example behaved
        as declared; otherwise the status that says how it failed (an example whose verdict
        contradicts its declaration is refuted; one left undecided or unreadable keeps that
        status), with what was expected as the reason."""
        if self.passed:
            status = Status.VERIFIED
        elif self.verdict.status in (Status.UNDECIDED, Status.ERROR):
            status = self.verdict.status
        else:
            status = Status.REFUTED
        expected = "refuted" if self.example == WRONG else "verified"
        shown = f"{self.text} (LaTeX)" if self.latex else self.text
        return Verdict(f"{self.question} {self.example}", shown, status,
                       f"declared {expected}, came out {self.verdict.status.value}",
                       self.verdict.seconds, answer=self.text, parsed=self.verdict.parsed,
                       counterexample=self.verdict.counterexample, reason=self.problem)

    def describe(self) -> str:
        mark = "ok  " if self.passed else "FAIL"
        shown = f"{self.text} (LaTeX)" if self.latex else self.text
        line = f"{mark} {self.question} {self.example}: {shown} -> {self.verdict.status.value}"
        return f"{line}: {self.problem}" if self.problem else line


def self_test(questions: Sequence[Question], limits: Limits | None, jobs: int = 1,
              cache: ResultCache | None = None, options: Options = DEFAULT_OPTIONS,
              check: Check | None = None) -> list[SelfTestResult]:
    """Check each question's reference and stated examples; one result per answer, in order."""
    items = [(q, kind, text, latex) for q in questions for kind, text, latex in _answers(q)]
    if check is None and _registered(questions, options) and limits is not None:
        verdicts = run_all([(q.id, text, latex) for q, _, text, latex in items], limits, jobs=jobs,
                           cache=cache, options=options)
    else:
        if check is None:
            _prepare(questions, limits, options)
        one = check or _checker(limits, options)

        def run(item: tuple[Question, str, str, bool]) -> Verdict:
            return one(item[0], item[2], item[3])

        if jobs <= 1 or len(items) <= 1:
            verdicts = [run(item) for item in items]
        else:  # threads only wait: each check runs in its own forked worker
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                verdicts = list(pool.map(run, items))
    return [_judged(q, kind, text, latex, verdict)
            for (q, kind, text, latex), verdict in zip(items, verdicts, strict=True)]


def passed(results: Sequence[SelfTestResult]) -> bool:
    return all(r.passed for r in results)


def _answers(question: Question) -> list[tuple[str, str, bool]]:
    return [(REFERENCE, question.reference, False),
            *((RIGHT if e.right else WRONG, e.text, e.latex) for e in question.examples)]


def _registered(questions: Sequence[Question], options: Options) -> bool:
    """Every question is the run's own (the same object its registry gives for the ID)."""
    try:
        return all(get(q.id, options) is q for q in questions)
    except AnswerError:
        return False


def _prepare(questions: Sequence[Question], limits: Limits | None, options: Options) -> None:
    """Each question's answer-independent truth, built once here before the workers fork
    (within one check's limits; one that meets them is left to each worker)."""
    for question in questions:
        hook = question.prepare
        if hook is None:
            continue
        if limits is None:
            try:
                hook(options)
            except Exception:  # noqa: S110 - each check meets it again and reports it
                continue
        else:
            run_prepare_bounded(functools.partial(hook, options), limits.timeout, limits.memory_mb)


def _checker(limits: Limits | None, options: Options) -> Check:
    def check(question: Question, text: str, latex: bool) -> Verdict:
        return check_question(question, text, latex, limits, options)

    return check


def _judged(question: Question, kind: str, text: str, latex: bool, verdict: Verdict) -> SelfTestResult:
    status = verdict.status
    if kind == WRONG:
        ok = status is Status.REFUTED and verdict.counterexample is not None
        expected = "refuted with a counterexample"
    else:
        ok = status is Status.VERIFIED
        expected = "verified"
    problem = "" if ok else f"expected {expected}; {_why(verdict)}"
    return SelfTestResult(question.id, question.title, kind, text, latex, verdict, ok, problem)


def _why(verdict: Verdict) -> str:
    if verdict.status is Status.REFUTED and verdict.counterexample is not None:
        return f"refuted: {verdict.counterexample.describe()}"
    if verdict.status is Status.REFUTED:
        return f"refuted without a counterexample ({verdict.method})"
    detail = verdict.reason or verdict.method
    return f"{verdict.status.value}: {detail}" if detail else verdict.status.value
