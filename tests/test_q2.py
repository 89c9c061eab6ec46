"""Question 2: softmax. Counterexamples are re-evaluated here from the softmax
formula written out by hand with mpmath, not through the engine."""

from __future__ import annotations

import mpmath
import pytest

from checker import Status, check_answer, verify_reference


def softmax(values: list[mpmath.mpf]) -> list[mpmath.mpf]:
    total = mpmath.fsum(mpmath.exp(v) for v in values)
    return [mpmath.exp(v) / total for v in values]


def entries(assignment: tuple[tuple[str, str], ...], size: int) -> list[mpmath.mpf]:
    table = dict(assignment)
    return [mpmath.mpf(mpmath.mpmathify(_fraction(table[f"x[{m}]"]))) for m in range(1, size + 1)]


def _fraction(text: str) -> mpmath.mpf:
    num, _, den = text.partition("/")
    return mpmath.mpf(int(num)) / (int(den) if den else 1)


@pytest.mark.parametrize("qid", ["2.1", "2.2", "2.3", "2.4"])
def test_reference_answer_is_verified(qid: str) -> None:
    verdict = verify_reference(qid)
    assert verdict.status is Status.VERIFIED, verdict


def test_jacobian_is_proved_for_every_k_and_written_out_too() -> None:
    verdict = verify_reference("2.4")
    assert verdict.method.startswith("proved for every K ≥ 2 and every entry (r, s)")
    assert verdict.method.endswith("written out for K = 2..8: agrees")


def test_chain_reports_every_step() -> None:
    verdict = verify_reference("2.1")
    assert len(verdict.steps) == 6  # two derived ends and the seed's four steps
    assert all(step.status is Status.VERIFIED for step in verdict.steps)
    assert "symbolic K" in verdict.method


CORRECT = [
    ("2.2", "log(exp(x1)/exp(x2))"),
    ("2.2", "-(x2 - x1)"),
    ("2.3", "x[i+1] - x[1] + 0"),
    ("2.3", "log(exp(x[i+1])/exp(x[1]))"),
    ("2.4", "diag(p) - p*transpose(p)"),
    ("2.4", "-(p*p.T - diag(p))"),
]


@pytest.mark.parametrize(("qid", "answer"), CORRECT, ids=[f"{q}:{a}" for q, a in CORRECT])
def test_correct_rewrite_is_verified(qid: str, answer: str) -> None:
    assert check_answer(qid, answer).status is Status.VERIFIED


@pytest.mark.parametrize("answer", ["x2 - x1", "x1 + x2", "2*(x1 - x2)", "x1"])
def test_wrong_z_is_refuted_and_rechecked(answer: str) -> None:
    verdict = check_answer("2.2", answer)
    assert verdict.status is Status.REFUTED
    cx = verdict.counterexample
    assert cx is not None
    table = dict(cx.assignment)
    x1, x2 = _fraction(table["x1"]), _fraction(table["x2"])
    truth = softmax([x1, x2])[0 if "entry 1" in cx.where else 1]
    assert abs(truth - mpmath.mpf(cx.truth)) < 1e-12
    assert abs(mpmath.mpf(cx.answer) - truth) > 1e-6


@pytest.mark.parametrize("answer", ["x[i] - x[1]", "x[i+1] + x[1]", "x[1] - x[i+1]", "x[i+1]/x[1]"])
def test_wrong_reparameterisation_is_refuted_and_rechecked(answer: str) -> None:
    verdict = check_answer("2.3", answer)
    assert verdict.status is Status.REFUTED
    cx = verdict.counterexample
    assert cx is not None
    size = int(cx.where.split(",")[0].removeprefix("K = "))
    entry = int(cx.where.split("entry ")[1])
    truth = softmax(entries(cx.assignment, size))[entry - 1]
    assert abs(truth - mpmath.mpf(cx.truth)) < 1e-12
    assert abs(mpmath.mpf(cx.answer) - truth) > 1e-6


@pytest.mark.parametrize("answer", ["diag(p) + p*p.T", "p*p.T", "diag(p)", "p*p.T - diag(p)"])
def test_wrong_jacobian_is_refuted_and_rechecked(answer: str) -> None:
    verdict = check_answer("2.4", answer)
    assert verdict.status is Status.REFUTED
    cx = verdict.counterexample
    assert cx is not None
    size = int(cx.where.split(",")[0].removeprefix("K = "))
    row, col = (int(v) for v in cx.where.split("(")[1].rstrip(")").split(", "))
    p = softmax(entries(cx.assignment, size))
    truth = p[row - 1] * ((1 if row == col else 0) - p[col - 1])  # dS_i/dx_j by hand
    assert abs(truth - mpmath.mpf(cx.truth)) < 1e-12
    assert abs(mpmath.mpf(cx.answer) - truth) > 1e-6


def test_chain_with_a_wrong_step_names_that_step() -> None:
    chain = ("exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))"
             " = exp(c)*exp(x[i])/Sum(exp(x[j]), (j, 1, K))"  # dropped exp(c) below
             " = exp(x[i])/Sum(exp(x[j]), (j, 1, K))")
    verdict = check_answer("2.1", chain)
    assert verdict.status is Status.REFUTED
    bad = [s for s in verdict.steps if s.status is Status.REFUTED]
    assert bad and bad[0].text == "exp(c)*exp(x[i])/Sum(exp(x[j]), (j, 1, K))"
    assert bad[0].counterexample is not None


def test_chain_that_does_not_start_at_the_definition_is_refuted() -> None:
    # Every step after the first agrees with the next, but the first is not S(x + c)_i.
    verdict = check_answer(
        "2.1",
        "exp(x[i])/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))",
    )
    assert verdict.status is Status.REFUTED
    assert verdict.steps[1].status is Status.REFUTED
    assert verdict.steps[2].status is Status.VERIFIED


def test_chain_that_ends_elsewhere_is_refuted() -> None:
    verdict = check_answer("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i] + c)")
    assert verdict.status is Status.REFUTED


@pytest.mark.parametrize(("qid", "answer", "message"), [
    ("2.4", "diag(p) - p.T*p", "shapes do not fit"),
    ("2.4", "p - 1", "adds a matrix and a number"),
    ("2.4", "K", "K x K matrix"),
    ("2.3", "x[i+1] - x[0]", "out of range"),
    ("2.3", "x[i+1] - c", "unknown name `c`"),
    ("2.2", "x[1] - x[2]", "cannot be indexed"),
])
def test_ill_formed_answers_are_errors(qid: str, answer: str, message: str) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is Status.ERROR, verdict
    assert message in verdict.reason


@pytest.mark.parametrize("answer", [
    "x[i+1] - x[1] + (i-1)*(i-2)*(i-3)*(i-4)*(i-5)*(i-6)*(i-7)",
    "x[i+1] - x[1] if K <= 8 else 0",
    "x[Min(i, 8) + 1] - x[1]",
])
def test_reparameterisation_right_only_for_small_k_is_refuted(answer: str) -> None:
    verdict = check_answer("2.3", answer)
    assert verdict.status is Status.REFUTED
    cx = verdict.counterexample
    assert cx is not None
    point = dict(cx.assignment)
    # Beyond the written-out K = 2..8: K > 8, or an index i > 7 (so K > 8 too).
    assert int(point.get("K", 0)) > 8 or int(point["i"]) > 7, cx


def test_jacobian_answer_using_k_is_checked_at_each_written_out_k() -> None:
    assert check_answer("2.4", "diag(p) - p*p.T*K/2").status is Status.REFUTED
    # Right for every K ≥ 2 (Max(K, 2) = K), but outside what is proved: never refuted.
    assert check_answer("2.4", "diag(p) - p*p.T*Max(K, 2)/K").status is Status.UNDECIDED


def test_transpose_of_a_matrix_expression_is_read_and_verified() -> None:
    # The Jacobian is symmetric: its transpose, written either way, is a right answer.
    for text in ("(diag(p) - p*p.T).T", "transpose(diag(p) - p*p.T)"):
        assert check_answer("2.4", text).status is Status.VERIFIED
    assert check_answer("1.4", "(f - y).T").status is Status.ERROR  # .T on a scalar
