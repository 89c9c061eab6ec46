"""Question 5 for every size: answers that are right on every small size and switch to
something wrong at 25, 210 or 10**6 (written as products and as plain literals) are
refuted, with the counterexample's sizes beyond the switch and re-checked here; right
answers outside the decidable fragment are undecided, never verified; the proof and
its second witness must agree."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp
from test_q5 import NUMPY_MODE, assert_genuine, point

from checker import Status, Verdict, check_answer, get
from checker.prove.sizes import Counterexample as SizesCounterexample
from checker.prove.sizes import Proved, decide_all_sizes
from derivations.convolution_1d import ConvMode
from derivations.q5_convolution_gradients import all_sizes, symbolic

# The switch values, each spelled as a product and as a plain literal.
SWITCHES = [("5*5", 25), ("25", 25), ("3*70", 210), ("210", 210), ("10**6", 10**6),
            ("1000000", 10**6)]
REF_5_3 = get("5.3").reference
REF_5_6 = get("5.6").reference
START_5_3 = "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2))"
START_5_6 = "Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2))"

At = dict[str, int]
# (form, answer with {c} for the switch, which size is beyond the switch at a counterexample)
FAMILIES: dict[str, list[tuple[str, str, Callable[[At, int], bool]]]] = {
    "5.1": [
        ("if", "d - k1 - k2 + 2 if d < {c} else d - k1 - k2 + 1", lambda at, c: at["d"] >= c),
        ("Min", "Min(d, {c}) - k1 - k2 + 2", lambda at, c: at["d"] > c),
        ("Max", "d - k1 - k2 + 2 + Max(0, d - {c})", lambda at, c: at["d"] > c),
        ("Piecewise", "Piecewise((d - k1 - k2 + 2, k1 < {c}), (d - k1 - k2 + 3, True))",
         lambda at, c: at["k1"] >= c),
        ("Sum", "Sum(1, (j, 1, Min(d, {c}))) - k1 - k2 + 2", lambda at, c: at["d"] > c),
    ],
    "5.4": [
        ("if", "d + k1 + k2 - 2 if k2 < {c} else d + k1 + k2", lambda at, c: at["k2"] >= c),
        ("Min", "d + Min(k1, {c}) + k2 - 2", lambda at, c: at["k1"] > c),
        ("Max", "d + k1 + k2 - 2 + Max(0, d + k1 - {c})", lambda at, c: at["d"] + at["k1"] > c),
        ("Piecewise", "Piecewise((d + k1 + k2 - 2, d <= {c}), (d, True))",
         lambda at, c: at["d"] > c),
        ("Sum", "d + k1 + Sum(1, (j, 1, Min(k2, {c}))) - 2", lambda at, c: at["k2"] > c),
    ],
    "5.2": [
        ("if", "w2[n-i+1] if n < {c} else 0", lambda at, c: at["n"] >= c),
        ("Min", "w2[Min(n, {c})-i+1]", lambda at, c: at["n"] > c),
        ("Max", "w2[n-i+1] + Max(0, d - {c})*w2[1]", lambda at, c: at["d"] > c),
        ("Piecewise", "Piecewise((w2[n-i+1], i <= {c}), (0, True))", lambda at, c: at["i"] > c),
        ("Sum", "Sum(w2[j]*(1 if j == n-i+1 else 0), (j, 1, Min(k2, {c})))",
         lambda at, c: at["k2"] > c),
    ],
    "5.5": [
        ("if", "w2[n+k2-i] if i < {c} else 0", lambda at, c: at["i"] >= c),
        ("Min", "w2[n+Min(k2, {c})-i]", lambda at, c: at["k2"] > c),
        ("Max", "w2[n+k2-i] + Max(0, k1 - {c})*w2[2]", lambda at, c: at["k1"] > c),
        ("Piecewise", "Piecewise((w2[n+k2-i], d <= {c}), (0, True))", lambda at, c: at["d"] > c),
        ("Sum", "Sum(w2[j]*(1 if j == n+k2-i else 0), (j, 1, Min(k2, {c})))",
         lambda at, c: at["k2"] > c),
    ],
    "5.3": [
        ("if", f"{START_5_3} = (Sum(g[n+j-k2]*w2[k2-j+1], (j, 1, k2)) if d < {{c}} else 0) "
         "= fullconv[n]", lambda at, c: at["d"] >= c),
        ("Min", f"{START_5_3} = Sum(g[i]*w2[n-i+1], (i, n-k2+1, Min(n, {{c}}))) = fullconv[n]",
         lambda at, c: at["n"] > c),
        ("Max", f"{START_5_3} + Max(0, k2 - {{c}})*g[1]*w2[1] = fullconv[n]",
         lambda at, c: at["k2"] > c),
        ("Piecewise", f"{START_5_3} = Piecewise((Sum(g[n+j-k2]*flipw2[j], (j, 1, k2)), "
         "k1 < {c}), (0, True))", lambda at, c: at["k1"] >= c),
        ("Sum", "Sum(g[i]*J[i, n], (i, 1, Min(d-k1-k2+2, {c}))) = fullconv[n]",
         lambda at, c: at["d"] - at["k1"] - at["k2"] + 2 > c),
    ],
    "5.6": [
        ("if", f"{START_5_6} = (Sum(g[n+j-1]*w2[k2-j+1], (j, 1, k2)) if n < {{c}} else 0) "
         "= validconv[n]", lambda at, c: at["n"] >= c),
        ("Min", f"{START_5_6} = Sum(g[i]*w2[n+k2-i], (i, n, n+Min(k2, {{c}})-1)) = validconv[n]",
         lambda at, c: at["k2"] > c),
        ("Max", f"{START_5_6} = validconv[n] + Max(0, d - {{c}})*g[1]*w2[1]",
         lambda at, c: at["d"] > c),
        ("Piecewise", f"{START_5_6} = Piecewise((Sum(g[n+j-1]*flipw2[j], (j, 1, k2)), "
         "k2 < {c}), (0, True))", lambda at, c: at["k2"] >= c),
        ("Sum", "Sum(g[i]*J[i, n], (i, 1, Min(d+k1+k2-2, {c}))) = validconv[n]",
         lambda at, c: at["d"] + at["k1"] + at["k2"] - 2 > c),
    ],
}
CASES = [
    pytest.param(qid, form.format(c=spelled), value, beyond,
                 id=f"{qid}-{name}-{spelled}")
    for qid, family in FAMILIES.items()
    for name, form, beyond in family
    for spelled, value in SWITCHES
]
RECHECK_UP_TO = 400  # the NumPy re-check builds every network up to this d


def shapes(qid: str, at: At) -> tuple[int, int]:
    """(|h1|, |a2|) by NumPy's documented lengths of `correlate` (valid: M - N + 1 for
    M >= N; full: M + N - 1), the first layer from d and k1, the second from |h1| and k2."""
    def length(m: int, k: int) -> int:
        return m - k + 1 if NUMPY_MODE[qid] == "valid" else m + k - 1

    h = length(at["d"], at["k1"])
    return h, length(h, at["k2"])


def assert_beyond_the_switch(qid: str, verdict: Verdict, text: str, switch: int,
                             beyond: Callable[[At, int], bool]) -> None:
    assert verdict.status is Status.REFUTED, (text, verdict.method, verdict.reason)
    cx = verdict.counterexample
    assert cx is not None
    at = point(cx)
    assert beyond(at, switch), (text, at)
    # an admissible size and an index in range, whatever the size
    h, a = shapes(qid, at)
    assert 1 <= at["k1"] < at["d"] and 1 <= at["k2"] < at["d"] and a >= 1 and h >= at["k2"] \
        or NUMPY_MODE[qid] == "full"
    assert 1 <= at.get("i", 1) <= a and 1 <= at.get("n", 1) <= h
    assert "re-checked exactly" in cx.note
    assert cx.answer != cx.truth
    if at["d"] <= RECHECK_UP_TO and "+ ..." not in cx.answer:
        # both values again, from NumPy networks with prime entries (test_q5)
        steps = [s.strip() for s in text.split(" = ")]
        link = cx.where
        if link.startswith("step ") and " against step " in link:
            k = int(link.split()[1])
            assert_genuine(qid, verdict, steps[k - 1], steps[k - 2])
        elif link.startswith("step ") and "the chain rule" in link:
            assert_genuine(qid, verdict, steps[0])
        elif link.startswith("step "):  # the last step against the identity
            assert qid in ("5.3", "5.6")
        else:
            assert_genuine(qid, verdict, text)


@pytest.mark.parametrize("qid, text, switch, beyond", CASES)
def test_an_answer_switching_at_a_large_size_is_refuted_beyond_the_switch(
        qid: str, text: str, switch: int, beyond: Callable[[At, int], bool]) -> None:
    verdict = check_answer(qid, text)
    assert_beyond_the_switch(qid, verdict, text, switch, beyond)
    assert "symbolic sizes (Presburger, z3)" in verdict.method


def test_every_form_is_right_below_its_switch() -> None:
    # The families are wrong only beyond the switch: at a switch past every size that
    # the exhaustive check covers, that check alone would have passed them.
    for qid, family in FAMILIES.items():
        for _name, form, _beyond in family:
            text = form.format(c="10**6")
            verdict = check_answer(qid, text)
            failing = [s for s in verdict.steps if s.status is Status.REFUTED] or [verdict]
            for s in failing:
                cx = s.counterexample
                assert cx is not None and max(point(cx).values()) > 12, (qid, text, cx)


# Reference answers and the proof ------------------------------------------------------
@pytest.mark.parametrize("qid", ["5.2", "5.3", "5.5", "5.6"])
def test_reference_answers_are_proved_link_by_link(qid: str) -> None:
    verdict = check_answer(qid, get(qid).reference)
    assert verdict.status is Status.VERIFIED
    for step in verdict.steps:
        assert step.method.startswith("Presburger proof for every admissible d, k1, k2"), step
        assert "exhaustive check for all sizes d ≤ 12" in step.method


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
def test_the_jacobian_is_what_sympy_differentiates(mode: ConvMode) -> None:
    # jacobian_entry differentiates the summand; SymPy's diff of the whole Sum must be
    # the same for every size (a proof, not a sample).
    i, n = symbolic.i_, symbolic.n_
    whole = sp.diff(symbolic.a2_entry(mode, i), symbolic.H1_BASE[n])
    setting = symbolic.setting(mode, ("i", "n"))
    result = decide_all_sizes(symbolic.jacobian_entry(mode, i, n), whole,
                              integers=setting.integers, constraints=setting.constraints,
                              vectors=setting.vectors)
    assert isinstance(result, Proved), result


def test_the_identity_is_not_the_other_convolution() -> None:
    # The two ends of the chain are different for some size: the identity is not vacuous.
    setting = symbolic.setting(ConvMode.VALID, ("n",))
    wrong_end = symbolic.convolved_gradient(ConvMode.VALID, ConvMode.VALID, symbolic.n_)
    result = decide_all_sizes(symbolic.chain_rule_start(ConvMode.VALID), wrong_end,
                              integers=setting.integers, constraints=setting.constraints,
                              vectors=setting.vectors)
    assert isinstance(result, SizesCounterexample)


# Outside the fragment ----------------------------------------------------------------
@pytest.mark.parametrize(
    "qid, text",
    [
        ("5.1", "d - k1 - k2 + 2 + Max(0, k1*k2 - 10**12)"),
        ("5.2", "w2[n-i+1] if k1*k2 < 10**6 else 0"),
        ("5.5", "w2[n+k2-i+Max(0, d*d - 10**12)]"),
        ("5.3", "Sum(g[i]*J[i, n], (i, 1, Min(d-k1-k2+2, k1*k2 + 10**6))) = fullconv[n]"),
        ("5.2", "Sum(w2[n-i+1], (j, 1, k1*k2)) - Sum(w2[n-i+1], (j, 2, k1*k2))"),  # right
    ],
    ids=["5.1-product", "5.2-product", "5.5-square-index", "5.3-product-bound",
         "5.2-right-but-quadratic-count"],
)
def test_answers_outside_the_fragment_right_on_the_grid_are_undecided(qid: str, text: str) -> None:
    verdict = check_answer(qid, text)
    assert verdict.status is Status.UNDECIDED, (verdict.method, verdict.counterexample)
    failing = [s for s in verdict.steps if s.status is Status.UNDECIDED] or [verdict]
    assert any("holds for all sizes d ≤ 12" in s.method and "no proof for every size" in s.method
               for s in failing), verdict.method


def test_a_size_switch_inside_the_fragment_is_refuted() -> None:
    # Max(0, n - 10**6) is affine by cases: the proof decides it.
    verdict = check_answer("5.2", "w2[n-i+1] + Max(0, n - 10**6)*w2[1]")
    assert verdict.status is Status.REFUTED
    assert point(verdict.counterexample)["n"] > 10**6  # type: ignore[arg-type]


# The two witnesses must agree ---------------------------------------------------------
def test_a_proof_the_exhaustive_check_contradicts_is_undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(all_sizes, "decide_all_sizes", lambda *a, **k: Proved("a planted proof"))
    verdict = check_answer("5.2", "w2[n-i]")
    assert verdict.status is Status.UNDECIDED
    assert "internal inconsistency" in verdict.reason and "please report this" in verdict.reason


def test_a_counterexample_that_is_no_difference_is_undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    planted = SizesCounterexample({"d": 5, "k1": 2, "k2": 2, "i": 1, "n": 1}, "planted")
    monkeypatch.setattr(all_sizes, "decide_all_sizes", lambda *a, **k: planted)
    verdict = check_answer("5.2", get("5.2").reference)
    assert verdict.status is Status.UNDECIDED
    assert "internal inconsistency" in verdict.reason


def test_large_sides_show_the_differing_coefficient() -> None:
    verdict = check_answer("5.6", "Sum(g[i]*J[i, n], (i, 1, Min(d+k1+k2-2, 10**6))) = validconv[n]")
    assert verdict.status is Status.REFUTED
    cx = verdict.counterexample
    assert cx is not None and cx.answer.endswith(" + ...") and "coefficient of" in cx.note
    at = point(cx)
    assert at["d"] + at["k1"] + at["k2"] - 2 > 10**6
    answer_coefficient, truth_coefficient = (int(v.split("*", 1)[0]) for v in (cx.answer, cx.truth))
    assert answer_coefficient != truth_coefficient


def test_numpy_lengths_agree_with_the_shapes_used_here() -> None:
    for qid in ("5.1", "5.4"):
        for at in ({"d": 9, "k1": 3, "k2": 4}, {"d": 12, "k1": 11, "k2": 2}):
            a1 = np.correlate(np.ones(at["d"]), np.ones(at["k1"]), NUMPY_MODE[qid])
            a2 = np.correlate(a1, np.ones(at["k2"]), NUMPY_MODE[qid])
            assert shapes(qid, at) == (len(a1), len(a2))
