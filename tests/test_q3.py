"""Question 3: the tanh network identity, right forms of Θ′ verified, wrong ones refuted
with a counterexample that the test re-evaluates with its own networks (mpmath)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from checker import Counterexample, Status, check_answer, get, parse_answer, sigmoid, verify_reference
from checker.prove.canonical import summand_zero
from checker.prove.sampling import point_difference
from derivations import networks
from derivations.q3_tanh_network import parameters
from derivations.q3_tanh_network.concrete import all_sizes, prove_scaled, prove_size, refute_size
from derivations.q3_tanh_network.parameters import THETA, proposal
from derivations.q3_tanh_network.symbolic import seed_lines, tanh_network

mpmath.mp.dps = 50
J_SUM = sp.Symbol("j", integer=True)  # a bound summation index
REFERENCE = "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2"
SUM_HALF = "W2[k,0] + Sum(W2[k,j], (j, 1, M))/2"


def test_reference_is_verified_symbolically_with_the_size_witness() -> None:
    verdict = check_answer("3", REFERENCE)
    assert verdict.parsed == verify_reference("3").parsed
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("symbolic proof for every D, M, K >= 1")
    assert "second witness: explicit networks proved equal for every D, M, K <= 4 (64 sizes" \
        in verdict.method


def test_reference_steps_are_the_lemma_and_the_seed_chain() -> None:
    steps = verify_reference("3").steps
    texts = [s.text for s in steps]
    assert texts[0].startswith("lemma: tanh(t) = 2σ(2t) − 1")
    assert texts[1].startswith("hence σ(t) = (1 + tanh(t/2))/2")
    assert texts[2].startswith("y(x, Θ, σ)_k")
    assert "y(x, Θ′, tanh)_k" in texts[5]
    assert len(steps) == 7
    assert all(s.status is Status.VERIFIED for s in steps), steps
    assert all("symbolic for all D, M, K" in s.method for s in steps[3:6])


CORRECT = [
    ("sign flipped (tanh is odd)", f"W1 = -W1[j,i]/2; W2 = -W2[k,j]/2; b2 = {SUM_HALF}"),
    ("half inside the sum", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j]/2, (j, 1, M))"),
    ("decimals", "W1 = 0.5*W1[j,i]; W2 = W2[k,j]*0.5; b2 = W2[k,0] + 0.5*Sum(W2[k,j], (j, 1, M))"),
    ("bias written apart", f"W1 = W1[j,i]/2 if i >= 1 else W1[j,0]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF}"),
    ("parts reordered", f"b2 = {SUM_HALF}; W2 = W2[k,j]/2; W1 = W1[j,i]/2"),
]


@pytest.mark.parametrize("answer", [a for _, a in CORRECT], ids=[n for n, _ in CORRECT])
def test_a_right_theta_is_verified_for_all_sizes(answer: str) -> None:
    verdict = check_answer("3", answer)
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("symbolic proof for every D, M, K >= 1"), verdict.method


# Θ′ of each wrong answer, written again here as plain Python over the reported
# entries, so the test evaluates both networks itself.
Entries = dict[tuple[int, int], mpmath.mpf]
First = Callable[[Entries, int, int], mpmath.mpf]
Second = Callable[[Entries, int, int, int], mpmath.mpf]  # (W2, k, j, M); j = 0 is b2


def half(w: Entries, a: int, b: int) -> mpmath.mpf:
    return w[(a, b)] / 2


def b2_of(scale: Fraction, top: Callable[[int], int] = lambda m: m) -> Second:
    def second(w2: Entries, k: int, j: int, m: int) -> mpmath.mpf:
        if j >= 1:
            return w2[(k, j)] / 2
        last = top(m)
        return w2[(k, 0)] + mpmath.mpf(scale.numerator) / scale.denominator * sum(
            w2[(k, n)] for n in range(1, last + 1))
    return second


@dataclass(frozen=True)
class Wrong:
    name: str
    text: str
    first: First
    second: Second
    sizes: tuple[int, int, int] = (1, 1, 1)  # where the smallest counterexample lies


WRONG = [
    Wrong("W1 not halved", f"W1 = W1[j,i]; W2 = W2[k,j]/2; b2 = {SUM_HALF}",
          lambda w, j, i: w[(j, i)], b2_of(Fraction(1, 2))),
    Wrong("W2 not halved", f"W1 = W1[j,i]/2; W2 = W2[k,j]; b2 = {SUM_HALF}", half,
          lambda w, k, j, m: w[(k, j)] if j else b2_of(Fraction(1, 2))(w, k, 0, m)),
    Wrong("b2 without the sum", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0]", half,
          b2_of(Fraction(0))),
    Wrong("sum without the 1/2", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
          "Sum(W2[k,j], (j, 1, M))", half, b2_of(Fraction(1))),
    Wrong("sum subtracted", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] - "
          "Sum(W2[k,j], (j, 1, M))/2", half, b2_of(Fraction(-1, 2))),
    Wrong("bias of W1 not halved", f"W1 = W1[j,i]/2 if i >= 1 else W1[j,0]; W2 = W2[k,j]/2; "
          f"b2 = {SUM_HALF}", lambda w, j, i: w[(j, i)] / 2 if i else w[(j, 0)],
          b2_of(Fraction(1, 2))),
    Wrong("only W1 negated", f"W1 = -W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF}",
          lambda w, j, i: -w[(j, i)] / 2, b2_of(Fraction(1, 2))),
    Wrong("W1 over 3 (mpmath values)", f"W1 = W1[j,i]/3; W2 = W2[k,j]/2; b2 = {SUM_HALF}",
          lambda w, j, i: w[(j, i)] / 3, b2_of(Fraction(1, 2))),
    Wrong("sum to a fixed 3", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
          "Sum(W2[k,j], (j, 1, 3))/2", half, b2_of(Fraction(1, 2), top=lambda m: 3)),
    Wrong("right up to M = 4 only", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
          "Sum(W2[k,j], (j, 1, Min(M, 4)))/2", half,
          b2_of(Fraction(1, 2), top=lambda m: min(m, 4)), sizes=(1, 5, 1)),
]


@pytest.mark.parametrize("wrong", WRONG, ids=[w.name for w in WRONG])
def test_a_wrong_theta_is_refuted_at_the_smallest_size(wrong: Wrong) -> None:
    verdict = check_answer("3", wrong.text)
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    point = Point.of(cx)
    assert (point.d, point.m, point.k_outputs) == wrong.sizes
    truth = point.sigmoid_network()
    answer = point.tanh_network(wrong.first, wrong.second)
    assert close(cx.truth, truth), (cx.truth, truth)
    assert close(cx.answer, answer), (cx.answer, answer)
    assert abs(answer - truth) > mpmath.mpf(10) ** -20


def test_past_the_grid_the_method_says_so() -> None:
    verdict = check_answer("3", WRONG[-1].text)
    assert "past the grid (every D, M, K <= 4 proved)" in verdict.method


def test_right_on_the_grid_and_at_every_probe_without_a_proof_is_undecided() -> None:
    # Right up to M = 10**6: no size the checker can evaluate tells it apart.
    verdict = check_answer("3", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
                           "Sum(W2[k,j], (j, 1, Min(M, 10**6)))/2")
    assert verdict.status is Status.UNDECIDED, verdict
    assert verdict.method.startswith("proved for every D, M, K <= 4 (64 sizes"), verdict.method
    assert "no counterexample at the probe sizes (5, 1, 1)" in verdict.method
    assert "not evaluated: (1, 1000000, 1)" in verdict.method
    assert "(1, 1000001, 1) (the answer's condition `1000000 < M (in Min(1000000, M))` true" \
        in verdict.method
    assert verdict.method.endswith("no proof for every size")
    assert verdict.reason.startswith("no proof for every D, M, K >= 1 (symbolic: ")
    assert "b2 differs (at D = 1, M = 1000001" in verdict.reason


# Right only up to a size: refuted past it, at the sizes its condition switches ------------
def not_halved_past(limit: int) -> Second:
    def second(w2: Entries, k: int, j: int, m: int) -> mpmath.mpf:
        if j >= 1:
            return w2[(k, j)] / 2 if k <= limit else w2[(k, j)]
        return b2_of(Fraction(1, 2))(w2, k, 0, m)
    return second


SWITCHED = [
    Wrong("sum up to Min(M, 7)", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
          "Sum(W2[k,j], (j, 1, Min(M, 7)))/2", half, b2_of(Fraction(1, 2), lambda m: min(m, 7)),
          sizes=(1, 8, 1)),
    Wrong("sum up to Min(M, 40)", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
          "Sum(W2[k,j], (j, 1, Min(M, 40)))/2", half, b2_of(Fraction(1, 2), lambda m: min(m, 40)),
          sizes=(1, 41, 1)),
    Wrong("W2 halved for k <= 5 only", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2 if k <= 5 else W2[k,j]; "
          f"b2 = {SUM_HALF}", half, not_halved_past(5), sizes=(1, 1, 6)),
    # Found at D = 7, where this answer does not halve W1.
    Wrong("W1 halved for D <= 6 only", f"W1 = W1[j,i]/2 if D <= 6 else W1[j,i]; W2 = W2[k,j]/2; "
          f"b2 = {SUM_HALF}", lambda w, j, i: w[(j, i)], b2_of(Fraction(1, 2)), sizes=(7, 1, 1)),
]


@pytest.mark.parametrize("wrong", SWITCHED, ids=[w.name for w in SWITCHED])
def test_right_up_to_a_size_only_is_refuted_where_its_condition_switches(wrong: Wrong) -> None:
    test_a_wrong_theta_is_refuted_at_the_smallest_size(wrong)
    method = check_answer("3", wrong.text).method
    assert "past the grid (every D, M, K <= 4 proved), probed because of the answer's condition" \
        in method, method


# Empty sums: Sum(t, (j, a, b)) is 0 when b < a (SymPy's Sum follows Karr's convention) ----
EMPTY_RIGHT = [
    ("a constant empty sum", f"{SUM_HALF} + Sum(W2[k,j], (j, 3, 1))"),
    ("an always empty sum", f"{SUM_HALF} + Sum(W2[k,j], (j, M+2, M))"),
]


@pytest.mark.parametrize("b2", [b for _, b in EMPTY_RIGHT], ids=[n for n, _ in EMPTY_RIGHT])
def test_an_empty_sum_is_zero_and_the_answer_is_proved(b2: str) -> None:
    verdict = check_answer("3", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {b2}")
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("symbolic proof for every D, M, K >= 1"), verdict.method


def test_a_sum_empty_at_some_sizes_gets_no_proof_that_rests_on_karr() -> None:
    # Σ_{j=1}^{M} Σ_{l=j}^{1} W2[k,l] is W2[k,1] with empty sums 0 (Karr: not for M >= 3).
    verdict = check_answer("3", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
                           "Sum(Sum(W2[k,l], (l, j, 1)), (j, 1, M)) - W2[k,1]")
    # Proved for every size by the Presburger decision, which reads empty sums as 0.
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("Presburger proof for every D, M, K >= 1"), verdict.method


def b2_plus(extra: Callable[[Entries, int, int], mpmath.mpf]) -> Second:
    def second(w2: Entries, k: int, j: int, m: int) -> mpmath.mpf:
        return b2_of(Fraction(1, 2))(w2, k, j, m) + (extra(w2, k, m) if j == 0 else 0)
    return second


def usual_sum(w2: Entries, k: int, first: int, last: int, column: int | None = None) -> mpmath.mpf:
    """Σ_{j=first}^{last} W2[k, j] (or W2[k, column]), 0 when last < first."""
    return sum((w2[(k, j if column is None else column)] for j in range(first, last + 1)),
               mpmath.mpf(0))


EMPTY_WRONG = [
    # Karr: Sum(W2[k,0], (j, M+2, M)) = -W2[k,0], and this b2 would be right.
    Wrong("empty sum taken as minus one term", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
          "Sum(W2[k,0], (j, M+2, M)) + W2[k,0]", half, b2_plus(lambda w, k, m: w[(k, 0)])),
    # Karr: Sum(W2[k,0], (j, 3, M)) = (M - 2) W2[k,0] for every M, and this b2 would be right.
    Wrong("sum from 3 at M = 1", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
          "Sum(W2[k,0], (j, 3, M)) - (M-2)*W2[k,0]", half,
          b2_plus(lambda w, k, m: usual_sum(w, k, 3, m, column=0) - (m - 2) * w[(k, 0)])),
    # With SymPy's doit this failed already at M = 1 (as -W2[k,2]); it fails first at M = 3.
    Wrong("sum from 3 to M", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
          "Sum(W2[k,j], (j, 3, M))", half, b2_plus(lambda w, k, m: usual_sum(w, k, 3, m)),
          sizes=(1, 3, 1)),
]


@pytest.mark.parametrize("wrong", EMPTY_WRONG, ids=[w.name for w in EMPTY_WRONG])
def test_a_sum_that_is_right_only_by_karrs_convention_is_refuted(wrong: Wrong) -> None:
    test_a_wrong_theta_is_refuted_at_the_smallest_size(wrong)


def test_write_out_reads_an_empty_sum_as_zero() -> None:
    w, a, b = sp.IndexedBase("w"), sp.Symbol("a", integer=True), sp.Symbol("b", integer=True)
    assert sp.Sum(w[a], (a, 3, 1)).doit() == -w[2]  # SymPy: Karr's convention
    assert networks.write_out(sp.Sum(w[a], (a, 3, 1))) == 0
    assert networks.write_out(sp.Sum(w[a], (a, 2, 2))) == w[2]
    # Nested (SymPy flattens it into one Sum with two limits): inner ranges see b.
    nested = sp.Sum(sp.Sum(w[a], (a, b, 1)), (b, 1, 4))
    assert networks.write_out(nested) == w[1]
    with pytest.raises(networks.Unwritable):
        networks.write_out(sp.Sum(w[a], (a, 1, 10**6)))


def test_a_sum_too_long_to_write_out_is_undecided_with_the_reason() -> None:
    verdict = check_answer("3", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
                           "Sum(W2[k,j], (j, 1, 10**6))/2")
    assert verdict.status is Status.UNDECIDED, verdict
    assert "more than 4096 values" in verdict.reason


def test_the_notes_state_the_empty_sum_convention() -> None:
    assert any("Sum(t, (j, a, b)) is 0 when b < a" in note for note in get("3").notes)


# Tiny differences, and permuted hidden units: decided quickly ------------------------------
TINY = [
    Wrong("W1 off by 1e-40", f"W1 = W1[j,i]/2 + 1e-40; W2 = W2[k,j]/2; b2 = {SUM_HALF}",
          lambda w, j, i: w[(j, i)] / 2 + mpmath.mpf(1e-40), b2_of(Fraction(1, 2))),
    Wrong("b2 off by erf(W2[k,0])*1e-50", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
          "erf(W2[k,0])*1e-50", half,
          b2_plus(lambda w, k, m: mpmath.erf(w[(k, 0)]) * mpmath.mpf(1e-50))),
]


@pytest.mark.parametrize("wrong", TINY, ids=[w.name for w in TINY])
def test_a_tiny_difference_is_refuted_at_high_precision(wrong: Wrong) -> None:
    with mpmath.workdps(200):
        verdict = check_answer("3", wrong.text)
        assert verdict.status is Status.REFUTED, verdict
        cx = verdict.counterexample
        assert cx is not None and "mpmath at 400 digits, re-checked at 800" in cx.note
        point = Point.of(cx)
        assert (point.d, point.m, point.k_outputs) == wrong.sizes
        truth = point.sigmoid_network()
        answer = point.tanh_network(wrong.first, wrong.second)
        gap = answer - truth
        assert abs(gap) > mpmath.mpf(10) ** -60
        # The shown values carry the difference, and it is the one evaluated here.
        shown = number(cx.answer) - number(cx.truth)
        assert abs(shown - gap) <= abs(gap) / 10**6, (shown, gap)


def test_point_difference_looks_closer_only_when_asked_and_never_invents_a_difference() -> None:
    tiny = 1 + sp.erf(sp.Integer(1)) / sp.Integer(10) ** 50
    assert point_difference(tiny, sp.Integer(1), {}) is None  # below what 60 digits can tell
    assert point_difference(tiny, sp.Integer(1), {}, closer=True) is not None
    half_a = sp.Rational(1, 3)
    zero = sigmoid(half_a) + sigmoid(-half_a) - 1
    assert point_difference(zero, sp.Integer(0), {}, closer=True) is None


PERMUTED = ("W1 = W1[M+1-j,i]/2; W2 = W2[k,M+1-j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2")


def test_permuted_hidden_units_take_the_cheap_proof_at_each_size() -> None:
    theta = proposal(parse_answer(get("3"), PERMUTED).value)
    assert all(prove_scaled(theta, s) is True for s in [(1, 1, 1), (2, 3, 2), (3, 4, 2)])
    # Right for every size, but neither proof covers a permutation of the hidden units.
    verdict = check_answer("3", PERMUTED)
    assert verdict.status is Status.UNDECIDED, verdict
    assert verdict.method.startswith("proved for every D, M, K <= 4 (64 sizes"), verdict.method
    assert verdict.method.endswith("no proof for every size"), verdict.method


def test_a_correct_answer_with_transcendental_values_is_still_verified() -> None:
    verdict = check_answer("3", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
                           "sigmoid(W2[k,0]) + sigmoid(-W2[k,0]) - 1")
    assert verdict.status is Status.VERIFIED, verdict


def test_an_exact_counterexample_says_so_and_is_rational() -> None:
    cx = check_answer("3", WRONG[0].text).counterexample
    assert cx is not None and "exact arithmetic" in cx.note
    assert Fraction(cx.answer) != Fraction(cx.truth)


ERRORS = [
    ("mentions x", f"W1 = W1[j,i]/2 + x; W2 = W2[k,j]/2; b2 = {SUM_HALF}", "unknown name `x`"),
    ("W1 depends on k", f"W1 = W1[j,k]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF}", "mentions k"),
    ("b2 depends on j", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,j]", "mentions j"),
    ("a part missing", "W1 = W1[j,i]/2; W2 = W2[k,j]/2", "missing part"),
]


@pytest.mark.parametrize(("answer", "message"), [(a, m) for _, a, m in ERRORS],
                         ids=[n for n, _, _ in ERRORS])
def test_an_answer_that_cannot_be_understood_is_an_error(answer: str, message: str) -> None:
    verdict = check_answer("3", answer)
    assert verdict.status is Status.ERROR, verdict
    assert message in verdict.reason


# The building blocks ------------------------------------------------------------------
def test_sizes_are_searched_smallest_first() -> None:
    sizes = all_sizes()
    assert len(sizes) == 64 and sizes[0] == (1, 1, 1) and sizes[-1] == (4, 4, 4)
    assert [sum(s) for s in sizes] == sorted(sum(s) for s in sizes)


@pytest.mark.parametrize(("d", "m"), [(1, 1), (2, 3), (3, 2)])
def test_symbolic_network_written_out_is_the_explicit_network(d: int, m: int) -> None:
    theta, x = networks.indexed_parameters(), networks.inputs()
    k = sp.Symbol("k", positive=True, integer=True)
    symbolic = networks.output_sum(theta, x, sp.tanh, k, sp.Integer(d), sp.Integer(m))
    explicit = networks.output(theta, x, sp.tanh, 2, d, m)
    assert sp.expand(symbolic.xreplace({k: 2}).doit() - explicit) == 0


def test_summand_zero_sees_a_nonzero_difference() -> None:
    lines = seed_lines()
    assert summand_zero(lines[1][1] - lines[0][1])
    assert not summand_zero(lines[1][1] - lines[0][1] + 1)
    w1, w2 = THETA.first(parameters.j, parameters.i), THETA.second(parameters.k, parameters.j)
    wrong = proposal({"W1": w1, "W2": w2 / 2, "b2": THETA.second(parameters.k, 0)})
    assert not summand_zero(tanh_network(wrong) - lines[0][1])


def test_each_size_is_proved_for_the_reference_and_not_for_a_wrong_answer() -> None:
    w1, w2 = THETA.first(parameters.j, parameters.i), THETA.second(parameters.k, parameters.j)
    m = parameters.m_
    bias = THETA.second(parameters.k, 0)
    right = proposal({"W1": w1 / 2, "W2": w2 / 2,
                         "b2": bias + sp.Sum(w2.xreplace({parameters.j: J_SUM}), (J_SUM, 1, m)) / 2})
    wrong = proposal({"W1": w1 / 2, "W2": w2 / 2, "b2": bias})
    for sizes in [(1, 1, 1), (2, 3, 2), (4, 4, 4)]:
        assert prove_size(right, sizes)
        assert refute_size(right, sizes) is None
        assert not prove_size(wrong, sizes)
        assert refute_size(wrong, sizes) is not None


# Independent evaluation of a reported point ---------------------------------------------
_LOG3 = re.compile(r"^(-?\d*)\*?log\(3\)$")
_ENTRY = re.compile(r"^(x|W1|W2)\[(\d+)(?:, (\d+))?\]$")


def number(text: str) -> mpmath.mpf:
    """A reported value: a rational, n*log(3), or a decimal."""
    match = _LOG3.match(text)
    if match:
        factor = {"": 1, "-": -1}.get(match.group(1))
        return (int(match.group(1)) if factor is None else factor) * mpmath.log(3)
    if "." in text:
        return mpmath.mpf(text)
    value = Fraction(text)
    return mpmath.mpf(value.numerator) / value.denominator


def close(shown: str, value: mpmath.mpf) -> bool:
    return bool(abs(number(shown) - value) <= mpmath.mpf(10) ** -12 * max(1, abs(value)))


@dataclass
class Point:
    d: int
    m: int
    k_outputs: int
    k: int
    x: dict[int, mpmath.mpf]
    w1: Entries
    w2: Entries

    @classmethod
    def of(cls, cx: Counterexample) -> Point:
        sizes = dict(cx.assignment[:3])
        k = int(re.search(r"output y_(\d+)", cx.where).group(1))  # type: ignore[union-attr]
        point = cls(int(sizes["D"]), int(sizes["M"]), int(sizes["K"]), k, {}, {}, {})
        for name, value in cx.assignment[3:]:
            match = _ENTRY.match(name)
            assert match, name
            base, a, b = match.groups()
            if base == "x":
                point.x[int(a)] = number(value)
            else:
                (point.w1 if base == "W1" else point.w2)[(int(a), int(b))] = number(value)
        assert len(point.x) == point.d or f"every other x_i (i <= {point.d}) is 0" in cx.note
        return point

    def sigmoid_network(self) -> mpmath.mpf:
        def sigma(a: mpmath.mpf) -> mpmath.mpf:
            return 1 / (1 + mpmath.exp(-a))

        return self.w2[(self.k, 0)] + sum(
            self.w2[(self.k, j)] * sigma(self.pre(lambda w, jj, ii: w[(jj, ii)], j))
            for j in range(1, self.m + 1))

    def tanh_network(self, first: First, second: Second) -> mpmath.mpf:
        return second(self.w2, self.k, 0, self.m) + sum(
            second(self.w2, self.k, j, self.m) * mpmath.tanh(self.pre(first, j))
            for j in range(1, self.m + 1))

    def pre(self, first: First, j: int) -> mpmath.mpf:
        # Only the inputs shown: at a large D every other x_i is 0 (the note says so).
        return first(self.w1, j, 0) + sum(first(self.w1, j, i) * xi for i, xi in self.x.items())
