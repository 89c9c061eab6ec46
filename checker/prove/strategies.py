"""Strategies for an `Equal` claim: small functions with one signature, tried
cheapest first. Each returns an Outcome (proof or counterexample) or None when
it has nothing to say; a strategy that fails internally says nothing."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from checker.model.claims import Equal
from checker.model.verdict import Counterexample, Outcome, Status
from checker.prove.canonical import open_unit_substitution, rational_zero, summand_zero
from checker.prove.sampling import differ, evaluate, points

Strategy = Callable[[Equal], "Outcome | None"]
SAMPLE_POINTS = 12
QUICK_POINTS = 3


def structural(claim: Equal) -> Outcome | None:
    if claim.answer == claim.truth or sp.expand(claim.answer - claim.truth) == 0:
        return Outcome(Status.VERIFIED, "symbolic: identical after expansion")
    return None


def canonical_form(claim: Equal) -> Outcome | None:
    difference = claim.answer - claim.truth
    difference = difference.xreplace(open_unit_substitution(claim.domains))
    if rational_zero(difference):
        return Outcome(Status.VERIFIED, "symbolic: canonical rational form (exp and log rewritten)")
    if difference.has(sp.Sum) and summand_zero(difference):
        return Outcome(Status.VERIFIED, "symbolic: sums merged, summand identically 0")
    return None


def finite_cases(claim: Equal) -> Outcome | None:
    """A variable with a small finite domain (a class label): each value in turn,
    each instance decided by the cheaper strategies. A proof for every value is a
    proof; one instance refuted is a counterexample."""
    finite = [(s, d) for s, d in claim.domains if d.exhaustive]
    if not finite:
        return None
    symbol, domain = finite[0]
    rest = tuple((s, d) for s, d in claim.domains if s != symbol)
    methods = []
    for value in domain.values():
        instance = Equal(claim.answer.xreplace({symbol: value}), claim.truth.xreplace({symbol: value}),
                         rest, claim.where)
        outcome = next((o for o in (s(instance) for s in CASE_STRATEGIES) if o is not None), None)
        if outcome is None or outcome.status is not Status.VERIFIED:
            return None  # the full cascade (sampling includes these values) decides
        methods.append(outcome.method)
    return Outcome(Status.VERIFIED, f"symbolic, for each {symbol} in {domain.name} "
                   f"({'; '.join(sorted(set(methods)))})")


def quick_counterexample(claim: Equal) -> Outcome | None:
    """Three exact points before any proof attempt: most wrong answers end here."""
    return sampled_counterexample(claim, QUICK_POINTS)


def sampled_counterexample(claim: Equal, count: int = SAMPLE_POINTS) -> Outcome | None:
    found = find_counterexample(claim.answer, claim.truth, claim, count)
    if found is None:
        return None
    method = (
        "counterexample (exact arithmetic)" if not found.note or found.answer == "undefined"
        else "counterexample (exact point; values by mpmath, re-checked at 120 digits)"
    )
    return Outcome(Status.REFUTED, method, found)


def simplification(claim: Equal) -> Outcome | None:
    difference = claim.answer - claim.truth
    difference = difference.xreplace(open_unit_substitution(claim.domains))
    if sp.simplify(difference) == 0:
        return Outcome(Status.VERIFIED, "symbolic: simplify")
    return None


CASE_STRATEGIES: tuple[Strategy, ...] = ()  # set below: the strategies an instance may use

STRATEGIES: tuple[Strategy, ...] = (
    structural,
    quick_counterexample,
    canonical_form,
    finite_cases,
    sampled_counterexample,
    simplification,
)
CASE_STRATEGIES = (structural, canonical_form, finite_cases)  # cheap: sampling covers the rest


def find_counterexample(
    answer: sp.Basic, truth: sp.Basic, claim: Equal, count: int = SAMPLE_POINTS
) -> Counterexample | None:
    for point in points((answer, truth), claim.domains, count):
        a, t = evaluate(answer, point), evaluate(truth, point)
        if t.defined and not a.defined:
            return _counterexample(point, a.show(), t.show(), claim.where, "your answer is undefined here")
        if differ(a, t, point, answer, truth):
            note = "" if a.exact is not None and t.exact is not None else (
                f"re-checked at {120} significant digits"
            )
            return _counterexample(point, a.show(), t.show(), claim.where, note)
    return None


def agree_at_points(answer: sp.Basic, truth: sp.Basic, claim: Equal, count: int) -> int:
    """How many sample points both sides agree at (for 'numeric agreement' reports)."""
    agreed = 0
    for point in points((answer, truth), claim.domains, count, seed=7):
        a, t = evaluate(answer, point), evaluate(truth, point)
        if a.defined and t.defined and not differ(a, t, point, answer, truth):
            agreed += 1
    return agreed


def _counterexample(
    point: dict[sp.Basic, sp.Expr], answer: str, truth: str, where: str, note: str
) -> Counterexample:
    assignment = tuple(
        (sp.sstr(k), sp.sstr(v)) for k, v in sorted(point.items(), key=lambda kv: sp.default_sort_key(kv[0]))
        if not str(k).startswith("_")
    )
    return Counterexample(assignment, answer, truth, where, note)
