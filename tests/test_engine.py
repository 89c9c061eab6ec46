"""The engine: strategies never round a disagreement away, combinations of claims
report honestly, and proofs are confirmed numerically."""

from __future__ import annotations

import sympy as sp

from checker import AllOf, Chain, Counterexample, Decided, Equal, Outcome, Proportional, Status, Step, decide
from checker.model.namespace import OPEN_UNIT, REAL

f = sp.Symbol("f", positive=True)
t = sp.Symbol("t", real=True)
UNIT = ((f, OPEN_UNIT),)


def test_tiny_exact_difference_is_refuted() -> None:
    outcome = decide(Equal(f + sp.Rational(1, 10**40), f, UNIT))
    assert outcome.status is Status.REFUTED
    assert outcome.counterexample is not None and "exact" in outcome.method


def test_tiny_transcendental_difference_is_refuted_not_rounded_away() -> None:
    outcome = decide(Equal(sp.exp(t) + sp.Rational(1, 10**25), sp.exp(t), ((t, REAL),)))
    assert outcome.status is Status.REFUTED
    assert "120" in outcome.method


def test_identity_in_exp_is_proved() -> None:
    outcome = decide(Equal(1 / (1 + sp.exp(-t)), sp.exp(t) / (1 + sp.exp(t)), ((t, REAL),)))
    assert outcome.status is Status.VERIFIED and outcome.method.startswith("symbolic")


def test_log_rules_only_where_valid() -> None:
    # log(f/(1-f)) = log f - log(1-f) holds on (0, 1): proved via f = u/(1+u).
    outcome = decide(Equal(sp.log(f / (1 - f)), sp.log(f) - sp.log(1 - f), UNIT))
    assert outcome.status is Status.VERIFIED


def test_undefined_answer_counts_as_disagreement() -> None:
    outcome = decide(Equal(1 / (f - sp.Rational(1, 3)) * 0 + 1 / (3 * f - 1), sp.Integer(1), UNIT))
    assert outcome.status is Status.REFUTED


def test_proportional_reads_the_factor_and_rejects_negative_ones() -> None:
    assert decide(Proportional(3 * f**2, f**2, UNIT)).status is Status.VERIFIED
    negative = decide(Proportional(-3 * f**2, f**2, UNIT))
    assert negative.status is Status.REFUTED
    assert negative.counterexample is not None and "not a positive constant" in negative.counterexample.note


def fixed(status: Status, name: str) -> Decided:
    cx = Counterexample((("n", name),), "1", "2") if status is Status.REFUTED else None
    return Decided(name, lambda: Outcome(status, name, cx))


def test_conjunction_is_as_bad_as_its_worst_part() -> None:
    assert decide(AllOf((fixed(Status.VERIFIED, "a"), fixed(Status.VERIFIED, "b")), "all")).status \
        is Status.VERIFIED
    mixed = decide(AllOf((fixed(Status.VERIFIED, "a"), fixed(Status.UNDECIDED, "b")), "all"))
    assert mixed.status is Status.UNDECIDED
    refuted = decide(AllOf((fixed(Status.UNDECIDED, "a"), fixed(Status.REFUTED, "b")), "all"))
    assert refuted.status is Status.REFUTED and refuted.counterexample is not None


def test_chain_names_its_first_false_step() -> None:
    steps = (Step("start", (f + 1) ** 2), Step("expanded", f**2 + 2 * f + 1),
             Step("wrong", f**2 + f + 1), Step("end", f**2 + f + 1))
    outcome = decide(Chain(steps, UNIT))
    assert outcome.status is Status.REFUTED
    assert [s.status for s in outcome.steps] == [
        Status.VERIFIED, Status.VERIFIED, Status.REFUTED, Status.VERIFIED]
    assert "wrong" in outcome.method


def test_exp_of_a_non_real_argument_is_not_rewritten_as_positive() -> None:
    from checker.prove.canonical import exp_to_common_bases

    y = sp.Symbol("y", real=True)
    term = sp.exp(sp.I * sp.pi * y)
    assert exp_to_common_bases(term) == term
    assert exp_to_common_bases(sp.exp(2 * y)).atoms(sp.exp) == set()


def test_proportional_with_an_irrational_factor() -> None:
    assert decide(Proportional(sp.log(2) * f**2, f**2, UNIT)).status is Status.VERIFIED
    refuted = decide(Proportional(-sp.log(2) * f**2, f**2, UNIT))
    assert refuted.status is Status.REFUTED and refuted.counterexample is not None
