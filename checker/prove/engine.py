"""Deciding a claim: strategies cheapest first, conjunctions and chains combined.

A symbolic proof is confirmed numerically at a few points (a second witness); a
disagreement there is reported as an internal inconsistency, never a pass.
"""

from __future__ import annotations

import sympy as sp

from checker.model.claims import AllOf, Chain, Claim, Decided, Equal, Proportional, Step
from checker.model.verdict import Counterexample, Outcome, Status, StepResult, worst
from checker.prove.canonical import open_unit_substitution, rewrite_transcendental
from checker.prove.sampling import evaluate, points, show_number
from checker.prove.strategies import STRATEGIES, agree_at_points, find_counterexample

CONFIRM_POINTS = 3


def decide(claim: Claim) -> Outcome:
    if isinstance(claim, Equal):
        return decide_equal(claim)
    if isinstance(claim, Proportional):
        return decide_proportional(claim)
    if isinstance(claim, Chain):
        return decide_chain(claim)
    if isinstance(claim, AllOf):
        return decide_all(claim)
    if isinstance(claim, Decided):
        return claim.decide()
    raise TypeError(f"not a claim: {claim!r}")


def decide_equal(claim: Equal) -> Outcome:
    for strategy in STRATEGIES:
        outcome = strategy(claim)
        if outcome is None:
            continue
        if outcome.status is Status.VERIFIED:
            contradiction = find_counterexample(claim.answer, claim.truth, claim, CONFIRM_POINTS)
            if contradiction is not None:
                return Outcome(
                    Status.UNDECIDED,
                    outcome.method,
                    reason="internal inconsistency: a symbolic proof was contradicted "
                    f"numerically ({contradiction.describe()}); please report this",
                )
        return outcome
    agreed = agree_at_points(claim.answer, claim.truth, claim, 8)
    return Outcome(
        Status.UNDECIDED,
        f"numeric agreement at {agreed} exact points, no symbolic proof",
        reason="no proof and no counterexample within the limits",
    )


def decide_proportional(claim: Proportional) -> Outcome:
    """answer = c * truth with one constant c > 0: c is read off at a point where
    the truth is nonzero, then `answer = c * truth` is an ordinary Equal claim.
    A ratio that simplifies to a positive constant (log(2), sqrt(2)) is read directly."""
    equal = claim.scaled(sp.Integer(1))
    ratio = _constant_ratio(claim)
    if ratio is not None and ratio.is_positive:
        outcome = decide_equal(claim.scaled(ratio))
        if outcome.status is Status.VERIFIED:
            return Outcome(Status.VERIFIED, f"{outcome.method}; constant factor {show_number(ratio)}")
    if ratio is not None and (ratio.is_negative or ratio.is_zero):
        for point in points((claim.answer, claim.truth), claim.domains, 12):
            a, t = evaluate(claim.answer, point), evaluate(claim.truth, point)
            if a.defined and t.defined and (t.exact != 0 if t.exact is not None else True):
                # The answer is exactly ratio * truth: shown that way, not as 60-digit noise.
                exact = sp.Integer(0) if ratio.is_zero else ratio
                shown = show_number(exact * t.exact) if t.exact is not None else a.show()
                return Outcome(Status.REFUTED, "symbolic: the ratio to the truth is a constant <= 0",
                               Counterexample(
                                   tuple((show_number(k), show_number(v)) for k, v in point.items()),
                                   shown, t.show(), claim.where,
                                   f"answer/truth = {show_number(ratio)} everywhere: not a positive "
                                   "constant"))
    for point in points((claim.answer, claim.truth), claim.domains, 12):
        a, t = evaluate(claim.answer, point), evaluate(claim.truth, point)
        if a.exact is None or t.exact is None or t.exact == 0:
            continue
        factor = a.exact / t.exact
        if factor <= 0:
            show = {show_number(k): show_number(v) for k, v in point.items()}
            return Outcome(
                Status.REFUTED,
                "counterexample (exact arithmetic)",
                Counterexample(
                    tuple(show.items()), a.show(), t.show(), claim.where,
                    f"ratio {show_number(factor)} is not a positive constant",
                ),
            )
        scaled = claim.scaled(factor)
        outcome = decide_equal(scaled)
        method = f"{outcome.method}; constant factor {show_number(factor)}"
        if outcome.status is Status.REFUTED and outcome.counterexample is not None:
            c = outcome.counterexample
            here = _point_of(c, point)
            truth_here = evaluate(claim.truth, here)
            answer_here = evaluate(claim.answer, here)
            ratio = (show_number(answer_here.exact / truth_here.exact)
                     if answer_here.exact is not None and truth_here.exact not in (None, 0)
                     else "a different value")
            first = ", ".join(f"{show_number(k)} = {show_number(v)}" for k, v in point.items())
            note = (f"answer/truth is {show_number(factor)} at {first} but {ratio} here: "
                    "not a constant factor")
            return Outcome(
                Status.REFUTED, method,
                Counterexample(c.assignment, c.answer, truth_here.show(), c.where, note),
            )
        return Outcome(outcome.status, method, reason=outcome.reason)
    outcome = decide_equal(equal)
    if outcome.status is Status.VERIFIED:
        return Outcome(Status.VERIFIED, f"{outcome.method}; constant factor 1")
    return Outcome(
        Status.UNDECIDED, "no exact point to read the constant factor from",
        reason="could not determine the constant factor",
    )


def _constant_ratio(claim: Proportional) -> sp.Expr | None:
    """answer/truth in canonical form, when that is a number (no variable left)."""
    try:
        ratio = rewrite_transcendental(claim.answer / claim.truth)
        ratio = sp.cancel(sp.together(ratio.xreplace(open_unit_substitution(claim.domains))))
    except (TypeError, ValueError, ZeroDivisionError, sp.PolynomialError):
        return None
    return ratio if ratio.is_number and ratio.is_real and ratio.is_finite else None


def _point_of(c: Counterexample, template: dict[sp.Basic, sp.Expr]) -> dict[sp.Basic, sp.Expr]:
    by_name = dict(c.assignment)
    return {k: sp.Rational(by_name[sp.sstr(k)]) for k in template if sp.sstr(k) in by_name}


def decide_chain(claim: Chain) -> Outcome:
    results = [StepResult(claim.steps[0].text, Status.VERIFIED, "start")]
    for before, after in zip(claim.steps, claim.steps[1:], strict=False):
        # "Your answer" is always the person's step: at the derived end, the one before it.
        mine, truth = (before, after) if after.derived and not before.derived else (after, before)
        outcome = decide_equal(Equal(mine.expr, truth.expr, claim.domains, _where(claim, mine)))
        results.append(StepResult(after.text, outcome.status, outcome.method, outcome.counterexample))
    status = worst([r.status for r in results])
    # The first step of the worst status: a refuted chain names a refuted step.
    first_bad = next((r for r in results if r.status is status), None)
    if status is Status.VERIFIED or first_bad is None:
        return Outcome(Status.VERIFIED, f"chain of {len(results)} steps, each step proved",
                       steps=tuple(results))
    return Outcome(
        status,
        f"chain: step '{first_bad.text}' {first_bad.status.value}",
        first_bad.counterexample,
        reason="" if status is Status.REFUTED else f"step '{first_bad.text}' undecided",
        steps=tuple(results),
    )


def _where(claim: Chain, step: Step) -> str:
    return f"{claim.where}, step '{step.text}'" if claim.where else f"step '{step.text}'"


def decide_all(claim: AllOf) -> Outcome:
    outcomes = []
    for part in claim.parts:
        outcome = decide(part)
        outcomes.append(outcome)
        if outcome.status is Status.REFUTED:
            break  # one counterexample settles a conjunction
    status = worst([o.status for o in outcomes])
    if status is Status.VERIFIED:
        methods = sorted({o.method for o in outcomes})
        return Outcome(Status.VERIFIED, f"{claim.shows} ({'; '.join(methods)})",
                       steps=_flatten_steps(outcomes))
    bad = next(o for o in outcomes if o.status is status)
    return Outcome(status, f"{claim.shows}: {bad.method}", bad.counterexample, bad.reason,
                   steps=bad.steps)


def _flatten_steps(outcomes: list[Outcome]) -> tuple[StepResult, ...]:
    for o in outcomes:
        if o.steps:
            return o.steps
    return ()
