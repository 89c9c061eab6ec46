"""Question 3: answers right for every D, M, K <= 4 that switch to something wrong past
the grid (if / Min / Max / Piecewise / Sum bounds, at 25, 210 and 10**6, written as
products and as literals, in each of W1, W2 and b2). Each is refuted at sizes past its
switch, the counterexample re-evaluated here with the test's own networks (mpmath), or,
where the switch needs 10**6 hidden units, `undecided` with the sizes named. None is
ever verified: agreement on finitely many sizes is no proof."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import pytest
from test_q3 import Point, close

from checker import Status, check_answer, get, parse_answer
from derivations.q3_tanh_network import claim
from derivations.q3_tanh_network.allsizes import templates
from derivations.q3_tanh_network.parameters import proposal

SUM_HALF = "W2[k,0] + Sum(W2[k,j], (j, 1, M))/2"

Part = Callable[..., mpmath.mpf]


@dataclass(frozen=True)
class Theta:
    """Θ′ of an answer as plain Python over a reported point (sizes p.d, p.m, p.k_outputs)."""

    first: Part = lambda p, j, i: p.w1[(j, i)] / 2  # noqa: E731
    second: Part = lambda p, k, j: p.w2[(k, j)] / 2  # noqa: E731
    bias: Part = lambda p, k: p.w2[(k, 0)] + sum(p.w2[(k, j)] for j in range(1, p.m + 1)) / 2  # noqa: E731

    def network(self, p: Point) -> mpmath.mpf:
        def pre(j: int) -> mpmath.mpf:
            return self.first(p, j, 0) + sum(self.first(p, j, i) * xi for i, xi in p.x.items())

        return self.bias(p, p.k) + sum(self.second(p, p.k, j) * mpmath.tanh(pre(j))
                                       for j in range(1, p.m + 1))


@dataclass(frozen=True)
class Switch:
    name: str
    text: str
    theta: Theta
    beyond: Callable[[Point], bool]  # the counterexample lies past the switch
    hidden: bool = False  # the switch is in M: past 512 hidden units it is not evaluated


def switches(t: int, written: str) -> list[Switch]:
    """Every form, switching at t (written as `written`)."""
    half = Theta()
    return [
        Switch("W1 if D", f"W1 = W1[j,i]/2 if D < {written} else W1[j,i]; W2 = W2[k,j]/2; "
               f"b2 = {SUM_HALF}", Theta(first=lambda p, j, i: p.w1[(j, i)] / (2 if p.d < t else 1)),
               lambda p: p.d >= t),
        Switch("W1 Min in M", f"W1 = W1[j,i]/2 if j <= Min(M, {written}) else W1[j,i]; "
               f"W2 = W2[k,j]/2; b2 = {SUM_HALF}",
               Theta(first=lambda p, j, i: p.w1[(j, i)] / (2 if j <= min(p.m, t) else 1)),
               lambda p: p.m > t, hidden=True),
        Switch("W1 Max in K", f"W1 = W1[j,i]/2 + (Max(K, {written}) - {written})*W1[j,i]; "
               f"W2 = W2[k,j]/2; b2 = {SUM_HALF}",
               Theta(first=lambda p, j, i: p.w1[(j, i)] * (mpmath.mpf(1) / 2 + max(p.k_outputs, t) - t)),
               lambda p: p.k_outputs > t),
        Switch("W1 Piecewise in i", f"W1 = Piecewise((W1[j,i], i >= {written}), (W1[j,i]/2, True)); "
               f"W2 = W2[k,j]/2; b2 = {SUM_HALF}",
               Theta(first=lambda p, j, i: p.w1[(j, i)] / (1 if i >= t else 2)),
               lambda p: p.d >= t),
        Switch("W1 Sum from the switch to D", f"W1 = W1[j,i]/2 + Sum(W1[j,i], (l, {written}, D)); "
               f"W2 = W2[k,j]/2; b2 = {SUM_HALF}",
               Theta(first=lambda p, j, i: p.w1[(j, i)] * (mpmath.mpf(1) / 2 + max(0, p.d - t + 1))),
               lambda p: p.d >= t),
        Switch("W2 if K", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2 if K < {written} else W2[k,j]; "
               f"b2 = {SUM_HALF}",
               Theta(second=lambda p, k, j: p.w2[(k, j)] / (2 if p.k_outputs < t else 1)),
               lambda p: p.k_outputs >= t),
        Switch("W2 Min over M (not affine)", f"W1 = W1[j,i]/2; W2 = W2[k,j]*Min(M, {written})/(2*M); "
               f"b2 = {SUM_HALF}",
               Theta(second=lambda p, k, j: p.w2[(k, j)] * min(p.m, t) / (2 * p.m)),
               lambda p: p.m > t, hidden=True),
        Switch("W2 Max in D", f"W1 = W1[j,i]/2; W2 = W2[k,j]*Max(1, D - {written} + 2)/2; "
               f"b2 = {SUM_HALF}",
               Theta(second=lambda p, k, j: p.w2[(k, j)] * max(1, p.d - t + 2) / 2),
               lambda p: p.d >= t),
        Switch("W2 Piecewise in k", f"W1 = W1[j,i]/2; W2 = Piecewise((W2[k,j], k > {written}), "
               f"(W2[k,j]/2, True)); b2 = {SUM_HALF}",
               Theta(second=lambda p, k, j: p.w2[(k, j)] / (1 if k > t else 2)),
               lambda p: p.k > t),
        Switch("W2 Sum from the switch to M", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2 + "
               f"Sum(W2[k,j], (l, {written}, M)); b2 = {SUM_HALF}",
               Theta(second=lambda p, k, j: p.w2[(k, j)] * (mpmath.mpf(1) / 2 + max(0, p.m - t + 1))),
               lambda p: p.m >= t, hidden=True),
        Switch("b2 Sum up to Min(M, t)", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
               f"Sum(W2[k,j], (j, 1, Min(M, {written})))/2",
               Theta(bias=lambda p, k: p.w2[(k, 0)] + sum(p.w2[(k, j)]
                                                         for j in range(1, min(p.m, t) + 1)) / 2),
               lambda p: p.m > t, hidden=True),
        Switch("b2 if D", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} if D < {written} "
               "else W2[k,0]",
               Theta(bias=lambda p, k: half.bias(p, k) if p.d < t else p.w2[(k, 0)]),
               lambda p: p.d >= t),
        Switch("b2 Max in K", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
               f"(Max(K, {written}) - {written})*W2[k,0]",
               Theta(bias=lambda p, k: half.bias(p, k) + (max(p.k_outputs, t) - t) * p.w2[(k, 0)]),
               lambda p: p.k_outputs > t),
        Switch("b2 Piecewise in k", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = Piecewise(({SUM_HALF}, "
               f"k <= {written}), (W2[k,0], True))",
               Theta(bias=lambda p, k: half.bias(p, k) if k <= t else p.w2[(k, 0)]),
               lambda p: p.k > t),
        Switch("b2 Sum from the switch to K", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
               f"Sum(W2[k,0], (l, {written}, K))",
               Theta(bias=lambda p, k: half.bias(p, k) + max(0, p.k_outputs - t + 1) * p.w2[(k, 0)]),
               lambda p: p.k_outputs >= t),
    ]


# Every form with the threshold written as a product; a few as a literal too.
CASES = [(t, w, s) for t, w in ((25, "5*5"), (210, "3*70"), (10**6, "10**6")) for s in switches(t, w)]
LITERALS = {25: ("25", "W1 if D"), 210: ("210", "W2 Piecewise in k"),
            10**6: ("1000000", "b2 Sum up to Min(M, t)")}
CASES += [(t, w, s) for t, (w, name) in LITERALS.items() for s in switches(t, w) if s.name == name]


@pytest.mark.parametrize(("threshold", "switch"), [(t, s) for t, _, s in CASES],
                         ids=[f"{s.name} at {w}" for _, w, s in CASES])
def test_a_switch_past_the_grid_is_refuted_past_it_or_left_undecided(threshold: int, switch: Switch) -> None:
    verdict = check_answer("3", switch.text)
    assert verdict.status is not Status.VERIFIED, verdict
    if switch.hidden and threshold > 512:
        assert verdict.status is Status.UNDECIDED, verdict
        assert "proved for every D, M, K <= 4 (64 sizes" in verdict.method, verdict.method
        assert "hidden units, more than the 512 evaluated exactly" in verdict.method, verdict.method
        assert verdict.method.endswith("no proof for every size"), verdict.method
        assert "no proof for every D, M, K >= 1" in verdict.reason, verdict.reason
        return
    assert verdict.status is Status.REFUTED, verdict
    assert "past the grid (every D, M, K <= 4 proved), probed because of" in verdict.method
    cx = verdict.counterexample
    assert cx is not None
    point = Point.of(cx)
    assert switch.beyond(point), (cx.where, point.k)
    truth, answer = point.sigmoid_network(), switch.theta.network(point)
    assert close(cx.truth, truth), (cx.truth, truth)
    assert close(cx.answer, answer), (cx.answer, answer)
    assert abs(answer - truth) > mpmath.mpf(10) ** -20


# Right for every size, with conditions that change nothing: the Presburger proof ----------
PRESBURGER_RIGHT = [
    ("a condition that always holds", f"W1 = W1[j,i]/2 if i <= D else W1[j,i]; W2 = W2[k,j]/2; "
     f"b2 = {SUM_HALF}"),
    ("a sum split at 10**6", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + "
     "Sum(W2[k,j], (j, 1, Min(M, 10**6)))/2 + Sum(W2[k,j], (j, 10**6 + 1, M))/2"),
    ("a guarded sum past M", "W1 = W1[j,i]/2; W2 = W2[k,j]/2 if j <= M else 7*W2[k,j]; "
     "b2 = W2[k,0] + Sum(W2[k,j]/2 if j <= M else 0, (j, 1, M + 3))"),
    ("negated, with a condition", f"W1 = -W1[j,i]/2 if j <= M else W1[j,i]; W2 = -W2[k,j]/2; "
     f"b2 = {SUM_HALF}"),
]


@pytest.mark.parametrize("answer", [a for _, a in PRESBURGER_RIGHT], ids=[n for n, _ in PRESBURGER_RIGHT])
def test_a_condition_that_changes_nothing_is_proved_for_every_size(answer: str) -> None:
    verdict = check_answer("3", answer)
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("Presburger proof for every D, M, K >= 1"), verdict.method
    assert "second witness: explicit networks proved equal for every D, M, K <= 4" in verdict.method
    last_link = verdict.steps[-2]
    assert last_link.status is Status.VERIFIED and last_link.method.startswith("Presburger proof")


def test_a_proof_contradicted_at_a_concrete_size_is_an_internal_inconsistency(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A proof that is wrong (planted here) meets the counterexample of the second witness.
    monkeypatch.setattr(claim, "prove_all_sizes", lambda theta, net: claim.Proof("a planted proof"))
    theta = proposal(parse_answer(get("3"), "W1 = W1[j,i]; W2 = W2[k,j]/2; b2 = W2[k,0]").value)
    outcome = claim.decide_network(theta)
    assert outcome.status is Status.UNDECIDED, outcome
    assert "internal inconsistency" in outcome.reason and "please report this" in outcome.reason
    assert outcome.counterexample is not None


def test_the_namespace_states_the_domain_without_an_upper_bound() -> None:
    rows = {name: domain for name, domain, _ in get("3").namespace.describe()}
    assert rows["D"] == rows["M"] == rows["K"] == "integer ≥ 1"
    assert rows["i"] == "integer, 0 ≤ i ≤ D" and rows["k"] == "integer, 1 ≤ k ≤ K"
    assert any("verified means proved for every D, M, K >= 1" in note for note in get("3").notes)


def test_a_proof_that_no_concrete_size_confirms_is_undecided() -> None:
    # Right for every size (proved symbolically), but its sum of 10**6 terms is written
    # out at no size of the grid: one witness is not two.
    verdict = check_answer("3", f"W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = {SUM_HALF} + "
                           "Sum(W2[k,0], (l, 1, 10**6)) - 10**6*W2[k,0]")
    assert verdict.status is Status.UNDECIDED, verdict
    assert verdict.method.startswith("symbolic proof for every D, M, K >= 1")
    assert verdict.reason == ("proved for every size, but not confirmed at any concrete size "
                              "(a Sum runs over more than 4096 values)")


def test_both_templates_of_the_presburger_proof_have_their_symbolic_proof() -> None:
    assert [name for name, _ in templates()] == [
        "the seed's Θ″ = (ω¹/2, ω²/2, ω²_k0 + Σ_j ω²_kj/2)", "−Θ″ on ω¹ and ω² (tanh is odd)"]
