"""Question 5: reference answers verified (a proof for every size, confirmed by the
exhaustive check), wrong answers refuted with counterexamples that these tests
re-evaluate independently (NumPy networks, integer entries). The families of answers
that switch at large sizes are in test_q5_all_sizes.py."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp

from checker import (
    Counterexample,
    Namespace,
    Options,
    Status,
    Verdict,
    check_answer,
    get,
    parse_text,
    verify_reference,
)
from checker.prove.array_rows import Rows, canonical, difference, evaluate_all, numbers_of
from checker.prove.arrays import NeedsExact, entry_products
from checker.prove.sampling import evaluate_written_out
from derivations.convolution_1d import ConvMode, Sizes
from derivations.q5_convolution_gradients.points import (
    FREE,
    layout,
    point_at,
    size_points,
    vector_rules,
)

NUMPY_MODE = {"5.1": "valid", "5.2": "valid", "5.3": "valid",
              "5.4": "full", "5.5": "full", "5.6": "full"}
# Distinct primes for the entries: unequal polynomials of low degree in them differ.
W2 = [3, 7, 13, 19, 29, 37, 43, 53, 61, 71, 79, 89]
G = [101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181,
     191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277]
# Counterexamples at sizes near an answer's literals (d up to ~200) need longer vectors.
W2 += list(sp.primerange(300, 3000))[:400]
G += list(sp.primerange(5000, 10000))[:400]

REF_5_3 = get("5.3").reference
REF_5_6 = get("5.6").reference


# Independent evaluation ---------------------------------------------------------------
def network_shapes(qid: str, d: int, k1: int, k2: int) -> tuple[int, int]:
    """(|h1|, |a2|) by NumPy."""
    mode = NUMPY_MODE[qid]
    a1 = np.correlate(np.ones(d), np.ones(k1), mode)
    a2 = np.correlate(a1, np.ones(k2), mode)
    return len(a1), len(a2)


def numpy_jacobian(qid: str, h: int, w2: list[int]) -> np.ndarray:
    """J[i, n] = d a2_i / d h1_n: a2 is linear in h1, so column n is a2(e_n)."""
    columns = [np.correlate(np.eye(h, dtype=np.int64)[n], w2, NUMPY_MODE[qid]) for n in range(h)]
    return np.stack(columns, axis=1)


def point(cx: Counterexample) -> dict[str, int]:
    return {name: int(value) for name, value in cx.assignment if name in ["d", "k1", "k2", "i", "n"]}


def value_at(qid: str, text: str, at: dict[str, int]) -> int:
    """An answer (or one chain step) at a point, with the primes as entries."""
    d, k1, k2 = at["d"], at["k1"], at["k2"]
    h, a = network_shapes(qid, d, k1, k2)
    w2 = W2[:k2]
    g = G[:a]
    jac = numpy_jacobian(qid, h, w2)
    flip_w2 = w2[::-1]
    convs = {"fullconv": np.correlate(g, flip_w2, "full"),
             "validconv": np.correlate(g, flip_w2, "valid")}
    namespace: Namespace = get(qid).namespace
    expr = parse_text(text, namespace)
    scalars = {v.symbol: sp.Integer(at[v.name]) for v in namespace.variables if v.name in at}

    def read(name: str, index: tuple[int, ...]) -> int:
        if name == "J":
            i, n = index
            return int(jac[i - 1, n - 1]) if 1 <= i <= a and 1 <= n <= h else 0
        vector = {"w2": w2, "g": g, "flipw2": flip_w2}.get(name)
        values = list(vector) if vector is not None else convs[name].tolist()
        (m,) = index
        return int(values[m - 1]) if 1 <= m <= len(values) else 0

    # Sums written out term by term (empty when the upper bound is below the lower one,
    # the project's convention; SymPy's `doit` follows Karr's there).
    vectors = {name: (lambda index, name=name: sp.Integer(read(name, index)))
               for name in ("J", "w2", "g", "flipw2", "fullconv", "validconv")}
    result = evaluate_written_out(expr, scalars, vectors)
    assert result.is_Integer, f"{text} did not evaluate at {at}: {result}"
    return int(result)


def truth_at(qid: str, at: dict[str, int]) -> int:
    d, k1, k2 = at["d"], at["k1"], at["k2"]
    h, a = network_shapes(qid, d, k1, k2)
    if qid in ("5.1", "5.4"):
        return a
    jac = numpy_jacobian(qid, h, W2[:k2])
    if qid in ("5.2", "5.5"):
        return int(jac[at["i"] - 1, at["n"] - 1])
    return int(np.dot(G[:a], jac[:, at["n"] - 1]))  # the chain rule


def shown_value(qid: str, shown: str, at: dict[str, int]) -> int:
    """A value the report shows (e.g. `g[1]*w2[2]`), with the primes as entries."""
    return value_at(qid, shown, at)


def assert_genuine(qid: str, verdict: Verdict, wrong: str, right: str | None = None) -> None:
    """The reported point is in range, and there the answer (or step) differs from the
    truth (or the previous step); the shown values are those two values."""
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    at = point(cx)
    h, a = network_shapes(qid, at["d"], at["k1"], at["k2"])
    assert 1 <= at["k1"] < at["d"] and 1 <= at["k2"] < at["d"] and a >= 1
    assert 1 <= at.get("i", 1) <= a and 1 <= at.get("n", 1) <= h
    answer = value_at(qid, wrong, at)
    truth = truth_at(qid, at) if right is None else value_at(qid, right, at)
    assert answer != truth
    assert shown_value(qid, cx.answer, at) == answer
    assert shown_value(qid, cx.truth, at) == truth


# Reference answers -------------------------------------------------------------------
@pytest.mark.parametrize("qid", ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6"])
def test_reference_answer_is_proved_for_every_size_and_confirmed(qid: str) -> None:
    verdict = verify_reference(qid)
    assert verdict.status is Status.VERIFIED, verdict
    assert "Presburger proof for every admissible d, k1, k2" in verdict.method
    assert "exhaustive check for all sizes d ≤ 12" in verdict.method
    assert "agrees" in verdict.method
    # a proof needs no finite search beyond its second witness
    assert "random sizes" not in verdict.method


@pytest.mark.parametrize("qid", ["5.1", "5.4"])
def test_size_formulas_are_proved_against_the_length_rule(qid: str) -> None:
    verdict = verify_reference(qid)
    assert verdict.method.startswith("Presburger proof for every admissible d, k1, k2 (")
    wrong = check_answer(qid, get(qid).reference + " + 1")
    assert wrong.counterexample is not None
    assert "by the length rule" in wrong.counterexample.where


@pytest.mark.parametrize("qid, steps", [("5.3", 5), ("5.6", 5)])
def test_chain_report_shows_every_step(qid: str, steps: int) -> None:
    verdict = verify_reference(qid)
    assert len(verdict.steps) == steps + 1  # every step, then the identity
    assert all(s.status is Status.VERIFIED for s in verdict.steps)
    assert verdict.steps[0].text.startswith("step 1: Sum(")
    assert "the identity to show" in verdict.steps[-1].text


@pytest.mark.parametrize(
    "qid, text",
    [
        ("5.1", "2 + d - (k1 + k2)"),
        ("5.2", "w2[n-i+1]"),  # out-of-bound entries are zero: the range is implied
        ("5.2", "w2[n-i+1] if i <= n else 0"),
        ("5.2", "Piecewise((w2[n-i+1], (i >= n-k2+1) & (i <= n)), (0, True))"),
        ("5.4", "d + k1 + k2 - 2"),
        ("5.5", "w2[n+k2-i]"),
        ("5.3", "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(g[n-j+1]*w2[j], (j, 1, k2)) "
                "= Sum(g[n+j-k2]*flipw2[j], (j, 1, k2)) = fullconv[n]"),
        ("5.6", "Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2)) = Sum(g[i]*w2[n+k2-i], (i, n, n+k2-1)) "
                "= Sum(g[n+j-1]*w2[k2-j+1], (j, 1, k2))"),  # ends at definition (1) written out
    ],
    ids=["5.1-rearranged", "5.2-implied-range", "5.2-one-sided", "5.2-Piecewise",
         "5.4-reference", "5.5-implied-range", "5.3-short-chain",
         "5.6-short-chain"],
)
def test_equivalent_answers_are_verified(qid: str, text: str) -> None:
    verdict = check_answer(qid, text)
    assert verdict.status is Status.VERIFIED, (verdict.method, verdict.reason,
                                               verdict.counterexample)


# Wrong answers ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "qid, text",
    [
        ("5.1", "d - k1 - k2 + 1"),
        ("5.1", "d - k1 - k2 + 3"),
        ("5.1", "d + k1 + k2 - 2"),  # the full answer for the valid case
        ("5.4", "d + k1 + k2 - 1"),
        ("5.4", "d - k1 - k2 + 2"),  # the valid answer for the full case
        ("5.2", "w2[n-i]"),
        ("5.2", "w2[n-i+1] if max(n-k2+1, 1) <= i <= min(n, d-k1-k2+1) else 0"),  # boundary
        ("5.2", "w2[n-i+1] if n-k2+1 < i <= n else 0"),  # boundary dropped on the left
        ("5.2", "w2[n+k2-i] if n <= i <= n+k2-1 else 0"),  # the full answer
        ("5.2", "2*w2[n-i+1]"),
        ("5.5", "w2[n-i+1] if max(n-k2+1, 1) <= i <= min(n, d-k1-k2+2) else 0"),  # valid
        ("5.5", "w2[n+k2-i+1]"),
        ("5.5", "w2[n+k2-i] if n <= i <= n+k2-2 else 0"),
    ],
    ids=["5.1-off-by-one-low", "5.1-off-by-one-high", "5.1-full-answer", "5.4-off-by-one",
         "5.4-valid-answer", "5.2-w[n-i]", "5.2-dropped-boundary", "5.2-strict-lower-bound",
         "5.2-full-answer", "5.2-factor-2", "5.5-valid-answer", "5.5-shifted-index",
         "5.5-dropped-boundary"],
)
def test_wrong_answers_are_refuted_with_a_genuine_counterexample(qid: str, text: str) -> None:
    verdict = check_answer(qid, text)
    assert_genuine(qid, verdict, text)
    assert "re-checked exactly" in verdict.counterexample.note  # type: ignore[union-attr]
    assert verdict.method.startswith("counterexample for symbolic sizes (Presburger, z3)")


BROKEN_5_3 = REF_5_3.replace("w2[k2-j+1], (j, 1, k2))", "w2[k2-j], (j, 1, k2))")
BROKEN_5_6 = REF_5_6.replace("(i, n, n+k2-1)", "(i, n, n+k2-2)")


@pytest.mark.parametrize(
    "qid, text, bad_step",
    [
        ("5.3", BROKEN_5_3, 3),
        ("5.6", BROKEN_5_6, 2),
        ("5.3", REF_5_3.replace("(i, 1, d-k1-k2+2)", "(i, 1, d-k1-k2+1)"), 1),
        ("5.3", REF_5_3.replace("fullconv[n]", "validconv[n]"), 5),
        ("5.6", REF_5_6.replace("validconv[n]", "fullconv[n]"), 5),
    ],
    ids=["5.3-wrong-flip-index", "5.6-dropped-boundary-term", "5.3-first-step-range",
         "5.3-valid-identity", "5.6-full-identity"],
)
def test_a_broken_chain_names_its_first_false_step(qid: str, text: str, bad_step: int) -> None:
    verdict = check_answer(qid, text)
    assert verdict.status is Status.REFUTED
    label = "the chain rule" if bad_step == 1 else f"step {bad_step - 1}"
    assert f"step {bad_step} against {label}" in verdict.method
    steps = [s.strip() for s in text.split(" = ")]
    reported = verdict.steps[bad_step - 1]
    assert reported.status is Status.REFUTED
    assert all(s.status is Status.VERIFIED for s in verdict.steps[: bad_step - 1])
    right = None if bad_step == 1 else steps[bad_step - 2]
    assert_genuine(qid, verdict, steps[bad_step - 1], right)


def test_a_chain_ending_elsewhere_is_refuted_at_the_identity() -> None:
    # Every step equals the one before, but the last is not g full-conv flip(w2).
    text = "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2))"
    verdict = check_answer("5.3", text)
    # Every link holds, but the chain never writes the identity's right side: it shows
    # nothing (checker.run.showing), so it is undecided, never verified.
    assert verdict.status is Status.UNDECIDED and "assumes what is to be shown" in verdict.reason
    wrong = check_answer("5.3", "Sum(g[i]*w2[n-i+1], (i, 1, n)) = Sum(g[i]*w2[i], (i, 1, n))")
    assert wrong.status is Status.REFUTED
    assert wrong.steps[1].status is Status.REFUTED  # step 2 against step 1
    assert wrong.steps[2].status is Status.REFUTED  # and the identity


@pytest.mark.parametrize("qid, text", [
    ("5.3", "Sum(g[i]*w2[n-i+1], (i, 1, n))"),  # one right step: the checker would supply both ends
    ("5.3", "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = fullconv[n]"),  # the identity itself, in one link
    # ... or with its right side's definition written out, still in one link
    ("5.3", "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(g[n+j-k2]*flipw2[j], (j, 1, k2)) = fullconv[n]"),
    ("5.6", "Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2)) = Sum(g[n+j-1]*w2[k2-j+1], (j, 1, k2)) = validconv[n]"),
    ("5.3", "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = fullconv[n+k2-k2]"),  # padding
    ("5.6", "Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2+0*n)) = validconv[n]"),
])
def test_a_chain_that_assumes_what_is_to_be_shown_is_undecided(qid: str, text: str) -> None:
    verdict = check_answer(qid, text)
    assert verdict.status is Status.UNDECIDED
    assert "assumes what is to be shown" in verdict.reason


def test_entry_conditions_on_values_are_only_evidence() -> None:
    # w2[1] > 0 holds for one of the two answers at the fixed random entries and not
    # for the other: one agrees (undecided: evidence only), the other is refuted.
    verdicts = [check_answer("5.2", f"w2[n-i+1] if w2[1] {op} 0 else 0") for op in (">", "<")]
    assert sorted(v.status.value for v in verdicts) == ["refuted", "undecided"]
    refuted = next(v for v in verdicts if v.status is Status.REFUTED)
    undecided = next(v for v in verdicts if v.status is Status.UNDECIDED)
    assert refuted.counterexample is not None
    assert "w2[1..k2]" in dict(refuted.counterexample.assignment)
    assert "evidence, not a proof" in undecided.reason


def test_undefined_answer_is_refuted() -> None:
    verdict = check_answer("5.2", "w2[n-i+1] if i != n+1 else 1/(i-n-1)")
    assert verdict.status is Status.REFUTED
    assert verdict.counterexample is not None and verdict.counterexample.answer == "undefined"


@pytest.mark.parametrize(
    "qid, text",
    [("5.2", "exp(w2[1])"), ("5.2", "x[1]"), ("5.3", "Sum(g[i]*w2[n-i+1], (i, 1, n)) = n < 3"),
     ("5.1", "w2[1]")],
    ids=["function-not-allowed", "unknown-vector", "condition-as-step", "vector-in-5.1"],
)
def test_answers_outside_the_namespace_are_errors(qid: str, text: str) -> None:
    assert check_answer(qid, text).status is Status.ERROR


def test_max_size_sets_the_exhaustive_range() -> None:
    verdict = verify_reference("5.5", options=Options(max_size=6))
    assert verdict.status is Status.VERIFIED
    assert "exhaustive check for all sizes d ≤ 6 (" in verdict.method
    # without an admissible size the proof has no second witness: not verified
    empty = verify_reference("5.5", options=Options(max_size=1))
    assert empty.status is Status.UNDECIDED and "raise --max-size" in empty.reason


# Integer overflow: no int64 sum, product or merge may wrap around --------------------
@pytest.mark.parametrize(
    "qid, text",
    [
        ("5.2", "w2[n-i+1] + Sum(2**61*w2[1], (m, 1, 8))"),  # truth + 2**64 w2[1]
        ("5.5", "w2[n+k2-i] + Sum(2**61*w2[1]*w2[2], (m, 1, 8))"),
        ("5.2", "w2[n-i+1] + Sum(2**40*w2[1], (m, 1, 1))*Sum(2**40*w2[1], (m, 1, 1))"),
    ],
    ids=["5.2-merge", "5.5-merge", "5.2-product"],
)
def test_wrapping_sums_are_refuted(qid: str, text: str) -> None:
    verdict = check_answer(qid, text)
    assert_genuine(qid, verdict, text)


def test_sums_beyond_int64_that_cancel_are_verified() -> None:
    text = "w2[n-i+1] + Sum(2**61*w2[1], (m, 1, 8)) - Sum(2**62*w2[1], (m, 1, 4))"
    assert check_answer("5.2", text).status is Status.VERIFIED


def test_wrapping_sum_in_a_chain_is_refuted() -> None:
    text = ("Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) + Sum(2**61*g[1], (m, 1, 8)) "
            "= fullconv[n]")
    verdict = check_answer("5.3", text)
    assert verdict.status is Status.REFUTED
    assert verdict.steps[0].status is Status.REFUTED  # step 1 against the chain rule
    assert_genuine("5.3", verdict, text.split(" = ")[0])


def test_merging_equal_terms_is_exact() -> None:
    codes = np.full((8, 1), 4097, dtype=np.int64)
    eight = Rows(np.zeros(8, np.int64), codes, np.full(8, 2**61, dtype=np.int64))
    merged = canonical(eight)
    assert merged.coef.tolist() == [2**64]
    one = Rows(np.zeros(1, np.int64), codes[:1], np.ones(1, np.int64))
    assert difference(merged, one).coef.tolist() == [2**64 - 1]
    assert difference(one, merged).coef.tolist() == [1 - 2**64]
    # Near the int64 limit: the merge bound switches to Python integers before it wraps.
    low = Rows(np.zeros(2, np.int64), codes[:2], np.full(2, -(2**62) + 1, dtype=np.int64))
    assert canonical(low).coef.tolist() == [-(2**63) + 2]


def test_products_of_many_entry_values_are_exact() -> None:
    codes = np.full((1, 30), 4097, dtype=np.int64)  # w2[1]**30
    assert entry_products(codes, FREE.values, exact=True).tolist() == [int(FREE.values[4097]) ** 30]
    with pytest.raises(NeedsExact):
        entry_products(codes, FREE.values, exact=False)


def test_sum_bounds_too_large_for_int64_are_not_capped() -> None:
    # The rational part forces exact arithmetic; the Sum over 2**45 + 6 values must not be
    # read as an empty range (it used to be, and this wrong answer was verified).
    wrong = "d-k1-k2+2 + Sum(1, (j, -2**45, 5)) + (d+2)/(d+1) - 1/(d+1) - 1"
    verdict = check_answer("5.1", wrong)
    assert verdict.status is Status.UNDECIDED and "2**40" in verdict.reason
    # Right at every size checked, but Sum(j, ...) counts a variable with a coefficient
    # that depends on it, outside the decidable fragment: undecided, never verified.
    right = check_answer("5.1", "d-k1-k2+2 + Sum(j, (j, -2**45, -2**45)) + 2**45")
    assert right.status is Status.UNDECIDED
    assert right.method.startswith("holds for all sizes d ≤ 12") and "no proof for every size" \
        in right.method


# Nested sums ----------------------------------------------------------------------------
NESTED_5_3 = ("Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(Sum(g[i]*w2[j]*(1 if j == n-i+1 "
              "else 0), (j, 1, k2)), (i, 1, d-k1-k2+2)) = fullconv[n]")


@pytest.mark.parametrize(
    "qid, text",
    [("5.2", "Sum(Sum(w2[j], (j, n-i+1, n-i+1)), (m, 1, 1))"),
     ("5.5", "Sum(Sum(w2[j]*(1 if j == n+k2-i else 0), (j, 1, k2)), (m, 1, 1))"),
     ("5.3", NESTED_5_3)],
    ids=["5.2-nested", "5.5-nested-indicator", "5.3-nested-chain"],
)
def test_nested_sums_are_evaluated(qid: str, text: str) -> None:
    verdict = check_answer(qid, text)
    assert verdict.status is Status.VERIFIED, (verdict.method, verdict.reason)


def test_a_wrong_nested_sum_is_refuted() -> None:
    text = "Sum(Sum(w2[j], (j, n-i+1, n-i+1)), (m, 1, 2))"  # twice the entry
    assert_genuine("5.2", check_answer("5.2", text), text)


def test_nested_sum_with_dependent_bounds_in_both_evaluators() -> None:
    j, m = sp.symbols("j m", integer=True)
    d = get("5.1").namespace.variables[0].symbol
    expr = sp.Sum(j * m, (j, 1, m), (m, 1, d))  # the inner bound depends on the outer m
    points = size_points(layout(ConvMode.VALID, (Sizes(3, 1, 1), Sizes(5, 2, 2))))
    expected = [sum(jj * mm for mm in range(1, dd + 1) for jj in range(1, mm + 1))
                for dd in (3, 5)]
    value = evaluate_all(expr, points, vector_rules(points))
    assert value.rows is not None
    assert numbers_of(value.rows, points).tolist() == expected
    at = [point_at(points, p, substitute=False) for p in (0, 1)]
    assert [evaluate_written_out(expr, a.env, a.vectors) for a in at] == expected


# Answers right only on small sizes ---------------------------------------------------
@pytest.mark.parametrize(
    "qid, text, beyond",
    [
        ("5.1", "d - k1 - k2 + 2 + Max(0, d - 64)", lambda at: at["d"] > 64),
        ("5.1", "d - k1 - k2 + 2 + Max(0, k2 - 150)", lambda at: at["k2"] > 150),
        ("5.4", "d + k1 + k2 - 2 if d != 100 else 0", lambda at: at["d"] == 100),
        ("5.2", "w2[n-i+1] if d <= 64 else 0", lambda at: at["d"] > 64),
        ("5.2", "w2[n-i+1] if n < 90 else 0", lambda at: at["n"] >= 90),
        ("5.5", "w2[n+k2-i] if k1 <= 70 else 0", lambda at: at["k1"] > 70),
        ("5.2", "w2[n-i+1] if k2 <= 64 else 0", lambda at: at["k2"] > 64),
    ],
    ids=["5.1-Max-d-64", "5.1-k2-150", "5.4-d-100", "5.2-d-64", "5.2-n-90", "5.5-k1-70",
         "5.2-k2-64"],
)
def test_answers_right_only_on_small_sizes_are_refuted(qid: str, text: str,
                                                       beyond: Callable[[dict[str, int]], bool]) -> None:
    verdict = check_answer(qid, text)
    assert_genuine(qid, verdict, text)
    assert "symbolic sizes (Presburger, z3)" in verdict.method
    assert beyond(point(verdict.counterexample))  # type: ignore[arg-type]


def test_a_chain_right_only_on_small_sizes_is_refuted() -> None:
    first = "Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2))"
    text = f"{first} = (Sum(g[n+j-1]*w2[k2-j+1], (j, 1, k2)) if d < 80 else 0) = validconv[n]"
    verdict = check_answer("5.6", text)
    assert verdict.status is Status.REFUTED
    assert "step 2 against step 1" in verdict.method and "Presburger" in verdict.method
    assert point(verdict.counterexample)["d"] >= 80  # type: ignore[arg-type]
    assert_genuine("5.6", verdict, text.split(" = ")[1], first)


def test_literal_probes_search_answers_outside_the_fragment() -> None:
    # d*d is not affine: no proof for every size is attempted, but the sizes near the
    # literal 90 find where the answer is wrong (only at d = 90).
    text = "w2[n-i+1] if d*d != 90*d else 0"
    verdict = check_answer("5.2", text)
    assert_genuine("5.2", verdict, text)
    assert "near the answer's integer literal" in verdict.method
    assert point(verdict.counterexample)["d"] == 90  # type: ignore[arg-type]
    # An affine answer is decided by the proof: no probes.
    assert "near the answer's" not in check_answer("5.2", "w2[n-i+1] if i <= d + 70 else 0").method


def test_size_formulas_at_max_size_64() -> None:
    wide = Options(max_size=64)
    verdict = check_answer("5.1", "d - k1 - k2 + 2 + Max(0, d - 64)", options=wide)
    assert verdict.status is Status.REFUTED
    assert point(verdict.counterexample)["d"] == 65  # type: ignore[arg-type]
    right = check_answer("5.4", "d + k1 + k2 - 2", options=wide)
    assert right.status is Status.VERIFIED
    assert "exhaustive check for all sizes d ≤ 64" in right.method
