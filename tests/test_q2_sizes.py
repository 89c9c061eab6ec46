"""Question 2 for every K ≥ 2: `verified` only with a proof for every K (and every
index), size switches refuted at concrete sizes beyond the switch, answers that hold
only for the written-out K = 2..8 never verified.

Every counterexample is re-evaluated here by hand (mpmath or exact fractions) with the
convention its note states: the entries of x it lists have those values, every other
entry is 0, so a sum over K entries is the listed ones plus one e^0 per other entry."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from checker import DEFAULT_OPTIONS, Counterexample, Status, check_answer, get, parse_text, verify_reference
from checker.prove.engine import decide
from derivations.q2_softmax import P, jacobian_claim

mpmath.mp.dps = 40
CHAIN_START = "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = "


def table(cx: Counterexample) -> tuple[dict[str, int], dict[int, Fraction], dict[str, Fraction]]:
    """(sizes, listed entries of x, other scalars) of a counterexample."""
    values = dict(cx.assignment)
    sizes: dict[str, int] = {n: int(values[n]) for n in ("K", "i") if n in values}
    entries = {int(n[2:-1]): Fraction(v) for n, v in values.items() if n.startswith("x[")}
    scalars = {n: Fraction(v) for n, v in values.items() if n not in sizes and not n.startswith("x[")}
    return sizes, entries, scalars


def mp(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def exp_sum(entries: dict[int, Fraction], last: int, shift: Fraction = Fraction(0)) -> mpmath.mpf:
    """sum_{j=1}^{last} exp(x_j + shift), every unlisted x_j being 0."""
    listed = [v for m, v in entries.items() if 1 <= m <= last]
    return (mpmath.fsum(mpmath.exp(mp(v) + mp(shift)) for v in listed)
            + (last - len(listed)) * mpmath.exp(mp(shift)))


def close(shown: str, value: mpmath.mpf) -> bool:
    return bool(abs(mpmath.mpf(shown) - value) <= mpmath.mpf(10) ** -12 * abs(value))


# 2.3: y_i = x[i+1] - x[1] (typed here by hand, only to re-check the reported points) ---------
SWITCHES_23 = [
    ("x[i+1] - x[1] + (x[2] if K > 300 else 0)", lambda k, i: k > 300),
    ("x[i+1] - x[1] if K < 3*70 else x[i] - x[1]", lambda k, i: k >= 210),
    ("Piecewise((x[i+1]-x[1], K <= 10**6), (0, True))", lambda k, i: k > 10**6),
    ("x[i+1] - x[Min(i, 25)+1] + x[i+1] - x[1]", lambda k, i: i > 25 and k > i),
    ("x[i+1] - x[1] if K <= 8 else 0", lambda k, i: k > 8),  # right only for K = 2..8
    ("x[Min(i, 8) + 1] - x[1]", lambda k, i: i > 8 and k > i),  # right only for K = 2..9
    ("x[i+1] - x[1] + Piecewise((0, i <= 40), (x[K], True))", lambda k, i: i > 40 and k > i),
]


@pytest.mark.parametrize(("answer", "beyond"), SWITCHES_23, ids=[a for a, _ in SWITCHES_23])
def test_size_switch_in_y_is_refuted_beyond_the_switch(answer: str, beyond: object) -> None:
    verdict = check_answer("2.3", answer)
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    sizes, entries, _ = table(cx)
    k, i = sizes["K"], sizes["i"]
    assert 1 <= i <= k - 1 and beyond(k, i), cx  # type: ignore[operator]
    assert "Presburger" in verdict.method and "written out" in verdict.method
    # The answer evaluated here, the truth by hand, at the reported point.
    namespace = get("2.3").namespace
    expr = parse_text(answer, namespace)
    symbols = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    value = expr.xreplace({symbols[n]: sp.Integer(v) for n, v in sizes.items() if n in symbols})
    value = value.xreplace({e: sp.Rational(entries.get(int(e.indices[0]), Fraction(0)))
                            for e in value.atoms(sp.Indexed)})
    truth = entries.get(i + 1, Fraction(0)) - entries.get(1, Fraction(0))
    assert sp.Rational(cx.answer) == value
    assert Fraction(cx.truth) == truth
    assert value != sp.Rational(truth)


def test_entry_beyond_x_k_at_a_large_k_is_refuted_as_undefined() -> None:
    verdict = check_answer("2.3", "x[i+1] - x[1] + (x[K+1] if K > 300 else 0)")
    assert verdict.status is Status.REFUTED
    cx = verdict.counterexample
    assert cx is not None and cx.answer == "undefined"
    k = table(cx)[0]["K"]
    assert k > 300 and f"x[{k + 1}]" in cx.note


def test_a_reversed_sum_is_empty_in_every_witness() -> None:
    # Sum from i+1 to i-1 is empty (0), in the proof and written out alike; SymPy alone
    # (Karr's convention) would make it -x[i], and the two witnesses would disagree.
    verdict = check_answer("2.3", "x[i+1] - x[1] + Sum(x[j], (j, i+1, i-1))")
    assert verdict.status is Status.VERIFIED, verdict
    assert "written out for K = 2..8: agrees" in verdict.method
    wrong = check_answer("2.3", "x[i+1] - x[1] + Sum(x[j], (j, i+1, i+1))")  # one term: x[i+1]
    assert wrong.status is Status.REFUTED, wrong


@pytest.mark.parametrize("answer", [
    "x[i+1] - x[1]", "Sum(x[j+1] - x[j], (j, 1, i))", "x[i+1] - x[1] if K > 1 else x[1]",
    "x[Min(i, K - 1) + 1] - x[1]", "log(exp(x[i+1])/exp(x[1]))",
])
def test_right_y_is_proved_for_every_k(answer: str) -> None:
    verdict = check_answer("2.3", answer)
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("proved for every K ≥ 2 and 1 ≤ i ≤ K - 1")
    assert "written out for K = 2..8: agrees" in verdict.method


# 2.1: a size switch in one step's Sum bound ------------------------------------------------
SWITCHES_21 = [
    ("exp(x[i])/Sum(exp(x[j]), (j, 1, Min(K, 210)))", 210),
    ("exp(x[i])/Sum(exp(x[j]), (j, 1, Min(K, 10**7)))", 10**7),
    ("exp(x[i])/Sum(exp(x[j]), (j, 1, Min(K, 8)))", 8),  # right only for K = 2..8
]


@pytest.mark.parametrize(("step", "bound"), SWITCHES_21, ids=[s for s, _ in SWITCHES_21])
def test_size_switch_in_a_chain_step_is_refuted_beyond_the_switch(step: str, bound: int) -> None:
    verdict = check_answer("2.1", CHAIN_START + step)
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None and "Min" in cx.where
    sizes, entries, _ = table(cx)
    k, i = sizes["K"], sizes["i"]
    assert k > bound and 1 <= i <= k
    xi = mpmath.exp(mp(entries.get(i, Fraction(0))))
    assert close(cx.answer, xi / exp_sum(entries, min(k, bound)))  # the step, by hand
    assert close(cx.truth, xi / exp_sum(entries, k))  # S(x)_i, by hand
    assert not close(cx.answer, xi / exp_sum(entries, k))
    refuted = [s for s in verdict.steps if s.status is Status.REFUTED]
    assert refuted and refuted[0].counterexample == cx


def test_size_switch_in_the_first_step_is_refuted_against_the_definition() -> None:
    verdict = check_answer("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, Min(K, 210)))"
                                  " = exp(x[i])/Sum(exp(x[j]), (j, 1, K))")
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    sizes, entries, scalars = table(cx)
    k, i, c = sizes["K"], sizes["i"], scalars["c"]
    assert k > 210
    top = mpmath.exp(mp(entries.get(i, Fraction(0)) + c))
    assert close(cx.answer, top / exp_sum(entries, 210, c))
    assert close(cx.truth, top / exp_sum(entries, k, c))


def test_case_split_on_k_in_a_step_is_refuted_at_the_split() -> None:
    verdict = check_answer(
        "2.1", CHAIN_START + "exp(x[i])/Sum(exp(x[j]), (j, 1, K)) if K < 500 else exp(x[i])")
    assert verdict.status is Status.REFUTED, verdict
    assert verdict.counterexample is not None and table(verdict.counterexample)[0]["K"] >= 500


def test_chain_right_for_every_k_but_not_proved_is_undecided_naming_the_range() -> None:
    verdict = check_answer("2.1", CHAIN_START + "exp(x[i])/Sum(exp(x[j]), (j, 1, Max(K, 2)))")
    assert verdict.status is Status.UNDECIDED, verdict
    assert "K = 2..8" in verdict.method and "no proof for every K" in verdict.method


# 2.4 ----------------------------------------------------------------------------------------
def test_size_switch_in_the_jacobian_is_refuted_beyond_the_switch() -> None:
    verdict = check_answer("2.4", "diag(p) - p*p.T*(1 if K < 300 else 2)")
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    sizes, entries, _ = table(cx)
    k = sizes["K"]
    assert k >= 300
    r, s = (int(v) for v in cx.where.split("(")[1].rstrip(")").split(", "))
    total = exp_sum(entries, k)
    p = {m: mpmath.exp(mp(entries.get(m, Fraction(0)))) / total for m in (r, s)}
    delta = 1 if r == s else 0
    assert close(cx.truth, p[r] * (delta - p[s]))  # dS_r/dx_s by hand
    assert close(cx.answer, p[r] * delta - 2 * p[r] * p[s])


def test_jacobian_right_only_for_small_k_is_refuted() -> None:
    verdict = check_answer("2.4", "diag(p) - p*p.T*(1 if K <= 8 else 0)")
    assert verdict.status is Status.REFUTED
    assert verdict.counterexample is not None and table(verdict.counterexample)[0]["K"] > 8


def test_jacobian_right_for_every_k_outside_the_fragment_is_undecided_naming_the_range() -> None:
    verdict = check_answer("2.4", "diag(p) - p*p.T*Max(K, 2)/K")
    assert verdict.status is Status.UNDECIDED, verdict
    assert "K = 2..8" in verdict.method and "no proof for every K" in verdict.method


@pytest.mark.parametrize("answer", [
    "transpose(diag(p) - p*p.T)", "transpose(diag(p)) - transpose(p*p.T)", "diag(p) - p*transpose(p)",
])
def test_transposed_jacobian_is_verified(answer: str) -> None:
    verdict = check_answer("2.4", answer)
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("proved for every K ≥ 2 and every entry (r, s)")


def test_transpose_of_a_sum_is_proved_by_the_claim() -> None:
    # `(diag(p) - p*p.T).T` as the parser would build it once `.T` of a bracket is allowed.
    p = P.symbol
    answer = sp.Transpose(sp.MatAdd(sp.DiagMatrix(p), -p * p.T))
    outcome = decide(jacobian_claim(answer, DEFAULT_OPTIONS))
    assert outcome.status is Status.VERIFIED, outcome


def test_square_of_diag_is_refuted_not_an_error() -> None:
    verdict = check_answer("2.4", "diag(p)*diag(p) - p*p.T")
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None and cx.where.startswith("K = 2, entry (")
    values = dict(cx.assignment)
    x = [mp(Fraction(values[f"x[{m}]"])) for m in (1, 2)]
    p = [mpmath.exp(v) / mpmath.fsum(mpmath.exp(w) for w in x) for v in x]
    row, col = (int(v) for v in cx.where.split("(")[1].rstrip(")").split(", "))
    delta = 1 if row == col else 0
    assert close(cx.answer, p[row - 1] ** 2 * delta - p[row - 1] * p[col - 1])
    assert close(cx.truth, p[row - 1] * (delta - p[col - 1]))


# The reference answers ------------------------------------------------------------------------
@pytest.mark.parametrize(("qid", "proof"), [
    ("2.1", "proved for every K ≥ 2 and 1 ≤ i ≤ K"),
    ("2.3", "proved for every K ≥ 2 and 1 ≤ i ≤ K - 1 (Presburger"),
    ("2.4", "proved for every K ≥ 2 and every entry (r, s) (Presburger"),
])
def test_reference_is_proved_for_every_k(qid: str, proof: str) -> None:
    verdict = verify_reference(qid)
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith(proof)
    assert verdict.method.endswith("written out for K = 2..8: agrees")


@pytest.mark.parametrize("qid", ["2.1", "2.3"])
def test_namespace_states_the_domain_without_an_upper_bound(qid: str) -> None:
    rows = {name: domain for name, domain, _ in get(qid).namespace.describe()}
    assert rows["K"] == "integer ≥ 2"
    assert rows["i"].startswith("integer, 1 ≤ i ≤ K")


# -- empty sums: 0, never SymPy's Karr convention ----------------------------------------
# Sum(1, (j, 1, K - 3)) is K - 3 to SymPy for every K, so -1 at K = 2; an empty sum is 0.
@pytest.mark.parametrize(("qid", "answer", "status"), [
    ("2.3", "x[i+1] - x[1] + Sum(1, (j, 1, K-3)) - K + 3", Status.REFUTED),
    ("2.3", "x[i+1] - x[1] + Sum(1, (j, 1, K-2)) - K + 2", Status.VERIFIED),  # never empty: K >= 2
    ("2.4", "diag(p) - p*p.T + (Sum(1, (j, 1, K-3)) - K + 3)*p*p.T", Status.REFUTED),
    ("2.4", "diag(p) - p*p.T + (Sum(1, (j, 1, K-2)) - K + 2)*p*p.T", Status.VERIFIED),
])
def test_an_empty_sum_is_zero_in_question_2(qid: str, answer: str, status: Status) -> None:
    verdict = check_answer(qid, answer)
    assert verdict.status is status, verdict
    if status is Status.REFUTED:
        assert verdict.counterexample is not None
        assert verdict.counterexample.where.startswith("K = 2")


def test_a_sum_that_may_be_empty_is_read_with_its_guard() -> None:
    namespace = get("2.3").namespace  # K >= 2
    K = next(v.symbol for v in namespace.variables if v.name == "K")
    guarded = parse_text("Sum(1, (j, 1, K-3))", namespace)
    assert isinstance(guarded, sp.Piecewise)
    assert guarded.xreplace({K: sp.Integer(2)}) == 0 and guarded.xreplace({K: sp.Integer(5)}).doit() == 2
    # A range never reversed for any K >= 2 stays a plain Sum.
    assert isinstance(parse_text("Sum(x[j], (j, 1, K-2))", namespace), sp.Sum)
    assert isinstance(parse_text("Sum(x[j], (j, 1, K))", namespace), sp.Sum)



@pytest.mark.parametrize("answer", [
    "x[i+1] - x[1] + Sum(1, (j, 1, K-3)) - Max(K-3, 0)",  # empty at K = 2, 3: 0 = Max(K-3, 0)
    "x[i+1] - x[1] + Sum(x[j], (j, K+1, i))",  # always empty
    "x[i+1] - x[1] + Sum(1, (j, 1, i-K))",
])
def test_a_right_answer_with_a_sum_that_may_be_empty_is_proved(answer: str) -> None:
    verdict = check_answer("2.3", answer)
    assert verdict.status is Status.VERIFIED, verdict
    assert "written out for K = 2..8: agrees" in verdict.method


@pytest.mark.parametrize("bound", ["K/2", "(K + 1)/2", "1/2", "K**(1/2)"])
def test_a_sum_bound_that_may_not_be_whole_is_an_error(bound: str) -> None:
    """SymPy sums over a continuation between bounds that are not whole numbers:
    Sum(1, (j, 1, K/2)) is K/2, which would verify a wrong answer at odd K."""
    verdict = check_answer("2.4", f"diag(p) - p*p.T + (Sum(1, (j, 1, {bound})) - {bound})*p*p.T")
    assert verdict.status is Status.ERROR
    assert "must be whole numbers" in verdict.reason
