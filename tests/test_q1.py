"""Question 1: the reference answers verified, right rewrites accepted, wrong ones
refuted with a counterexample that the test re-evaluates itself."""

from __future__ import annotations

import pytest
import sympy as sp

from checker import Status, check_answer, verify_reference
from tests.conftest import same_number, value_at

# The truths written out by hand (textbook forms), used only to re-check the
# engine's counterexamples; the engine itself derives its truths by SymPy.
f, y = sp.Symbol("f"), sp.Symbol("y")
HAND_TRUTH = {
    "1.3": -y * sp.log(f) - (1 - y) * sp.log(1 - f),
    "1.4": f - y,
}


@pytest.mark.parametrize("qid", ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"])
def test_reference_answer_is_verified(qid: str) -> None:
    verdict = verify_reference(qid)
    assert verdict.status is Status.VERIFIED, verdict


CORRECT = [
    ("1.1", "1/(1+exp(-a))"),
    ("1.1", "(1+erf(a/sqrt(2)))/2"),
    ("1.1", "exp(a)/(1+exp(a))"),
    ("1.1", "(tanh(a/2)+1)/2"),
    ("1.2", "p(y = 1 | x)"),
    ("1.3", "-log(f**y*(1-f)**(1-y))"),
    ("1.3", "-(y*log(f) + (1-y)*log(1-f))"),
    ("1.3", "y*log(1/f) + (1-y)*log(1/(1-f))"),
    ("1.4", "sigmoid(a) - y"),
    ("1.4", "-y*(1-f) + (1-y)*f"),
    ("1.4", "1/(1+exp(-a)) - y"),
    ("1.5", "0.5*(f-y)^2"),
    ("1.5", "(y-f)**2"),
    ("1.5", "3*(f**2 - 2*f*y + y**2)"),
    ("1.6", "(f-y)*f*(1-f)"),
    ("1.6", "2*(f-y)*sigmoid(a)*(1-sigmoid(a))"),
    ("1.6", "(f**2 - f*y)*(1 - f)"),
    ("1.7", "ce"),
]


@pytest.mark.parametrize(("qid", "answer"), CORRECT, ids=[f"{q}:{a}" for q, a in CORRECT])
def test_correct_rewrite_is_verified(qid: str, answer: str) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is Status.VERIFIED, verdict


WRONG = [
    ("1.3", "-log(abs(y - f))"),  # |f - 1| at y = 0, |f| at y = 1: the labels swapped
    ("1.4", "abs(f - y)"),  # the sign lost at y = 1
    ("1.3", "y*log(f) - (1-y)*log(1-f)"),  # sign flip
    ("1.3", "-y*log(f) - y*log(1-f)"),  # wrong weight
    ("1.3", "-y*log(f)"),  # dropped term
    ("1.4", "y - f"),  # sign flip
    ("1.4", "(f - y)*f*(1-f)"),  # the MSE gradient
    ("1.4", "f - y + 1"),  # off by one
    ("1.4", "sigmoid(a) + y"),
]


@pytest.mark.parametrize(("qid", "answer"), WRONG, ids=[f"{q}:{a}" for q, a in WRONG])
def test_wrong_answer_is_refuted_at_a_point_the_test_rechecks(qid: str, answer: str) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    mine = value_at(qid, answer, cx)
    truth = HAND_TRUTH[qid].xreplace({f: sp.Rational(dict(cx.assignment)["f"]),
                                      y: sp.Rational(dict(cx.assignment)["y"])})
    assert same_number(cx.answer, mine)
    assert same_number(cx.truth, truth)
    assert sp.N(mine - truth, 50) != 0


WRONG_UP_TO_FACTOR = [
    ("1.5", "-(f-y)**2"),  # negative factor
    ("1.5", "(f-y)**3"),
    ("1.5", "abs(f-y)"),
    ("1.6", "(f-y)*f"),
    ("1.6", "(y-f)*f*(1-f)"),  # negative factor
    ("1.6", "(f-y)*f*(1-f)*f"),
]


@pytest.mark.parametrize(("qid", "answer"), WRONG_UP_TO_FACTOR,
                         ids=[f"{q}:{a}" for q, a in WRONG_UP_TO_FACTOR])
def test_wrong_up_to_factor_is_refuted(qid: str, answer: str) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None and cx.note  # says why: sign, or a ratio that is not constant
    assert same_number(cx.answer, value_at(qid, answer, cx))


@pytest.mark.parametrize("answer", ["tanh(a)", "a", "exp(a)", "1 - sigmoid(a)", "sigmoid(a)/2"])
def test_activation_without_the_needed_properties_is_refuted(answer: str) -> None:
    verdict = check_answer("1.1", answer)
    assert verdict.status is Status.REFUTED, verdict
    assert verdict.counterexample is not None
    assert any(s.status is Status.REFUTED for s in verdict.steps)


@pytest.mark.parametrize(("qid", "answer"), [("1.2", "P(y=0|x)"), ("1.7", "MSE")])
def test_wrong_word_is_refuted(qid: str, answer: str) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is Status.REFUTED
    assert verdict.counterexample is not None


def test_meaning_counterexample_is_the_minimiser() -> None:
    cx = check_answer("1.2", "P(y=0|x)").counterexample
    assert cx is not None
    p = sp.Rational(dict(cx.assignment)["p"])
    assert sp.Rational(cx.truth) == p and sp.Rational(cx.answer) == 1 - p


@pytest.mark.parametrize(("qid", "answer", "message"), [
    ("1.4", "f - z", "unknown name `z`"),
    ("1.3", "-y*log(f", "syntax error"),
    ("1.7", "cross entropy", "not one of the accepted answers"),
    ("1.1", "sigmoid(a) + f", "unknown name `f`"),
])
def test_bad_input_is_an_error_naming_the_problem(qid: str, answer: str, message: str) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is Status.ERROR
    assert message in verdict.reason


@pytest.mark.parametrize(("qid", "answer", "status"), [
    ("1.4", "f*(1-f)/(1-f) - y", Status.VERIFIED),  # 1 - f is never 0 on (0, 1)
    ("1.4", "(f - y)*(1 - y)/(1 - y)", Status.UNDECIDED),  # undefined at y = 1
    ("1.4", "(f - y)**2/(f - y)", Status.VERIFIED),  # f = y never: f in (0, 1), y in {0, 1}
    ("1.4", "(f - y)*(2*f - 1)/(2*f - 1)", Status.UNDECIDED),  # undefined at f = 1/2
    ("1.3", "-y*log(f)*f/f - (1-y)*log(1-f)", Status.VERIFIED),  # f > 0
])
def test_a_cancelled_divisor_must_be_nonzero_on_the_domain(qid: str, answer: str, status: Status) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is status, verdict
    if status is Status.UNDECIDED:
        assert "cancels" in verdict.reason


@pytest.mark.parametrize(("answer", "property_"), [
    ("Piecewise((sigmoid(a), a < 2), (sigmoid(a) - 2, a < 5/2), (sigmoid(a), True))", "range"),
    ("sigmoid(a) if (a < 3/2) | (a > 5/2) else sigmoid(a) + 1", "range"),
    ("sigmoid(a) + 1 if a == 2 else sigmoid(a)", "range"),
    ("sigmoid(a) if a < 2 else sigmoid(a - 10)", "monotonicity"),
])
def test_activation_with_jumps_is_refuted_not_proved_by_its_derivative(answer: str, property_: str) -> None:
    verdict = check_answer("1.1", answer)
    assert verdict.status is Status.REFUTED, verdict
    assert verdict.counterexample is not None and verdict.counterexample.where == property_


def test_activation_whose_continuity_is_not_shown_is_undecided() -> None:
    assert check_answer("1.1", "(1 + a/(1 + abs(a)))/2").status is Status.UNDECIDED


@pytest.mark.parametrize(("qid", "answer"), [
    ("1.3", "-log(f) if y == 1 else -log(1 - f)"),  # y is a class label: 0 or 1
    ("1.3", "-log(y*f + (1 - y)*(1 - f))"),
    ("1.4", "f - Min(y, 1)"),
    ("1.3", "-log(abs(1 - y - f))"),  # |1 - f| at y = 0, |-f| at y = 1
    ("1.4", "abs(f - y)*(1 - 2*y)"),
])
def test_label_forms_are_verified_for_each_label(qid: str, answer: str) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is Status.VERIFIED and "for each y in {0, 1}" in verdict.method


@pytest.mark.parametrize("answer", [
    "(f-y)*((2*f-1)**2)**(1+f)*((2*f-1)**2)**(-1-f)",  # undefined at f = 1/2
    "(f-y)*(2*f-1)*exp(-log(2*f-1))",  # log of a negative number for f < 1/2
    "sqrt(f-y)**2",  # not real where f < y
    "f - y + y*(1-y)*log(f - y)",
])
def test_answer_undefined_somewhere_is_never_verified(answer: str) -> None:
    verdict = check_answer("1.4", answer)
    assert verdict.status is Status.UNDECIDED and "needs" in verdict.reason


def test_decimal_close_to_the_truth_is_not_rounded_onto_it() -> None:
    assert check_answer("1.4", "1.00000000000000000001*f - y").status is Status.REFUTED
    assert check_answer("4.2", "18431.9999999999999999").status is Status.REFUTED
