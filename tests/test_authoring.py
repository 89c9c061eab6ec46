"""The authoring API: questions in a few lines, with the contract's verdicts.

The three questions a teaching assistant wrote by hand (22-83 lines each) are written
here with `checker.authoring`, then checked through the answer language (parse, build
the claim, decide) and through the self-test. Counterexamples are re-evaluated here with
mpmath or exact fractions, independently of the engine's sampler."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from checker import DEFAULT_OPTIONS, AnswerError, Options, Outcome, Status, decide, get, parse_answer
from checker.authoring import (
    ALLOWED_DOMAINS,
    DEFAULT_FUNCTIONS,
    Example,
    chain,
    expression,
    number,
    number_list,
    size_formula,
    word,
)
from checker.authoring import search as authoring_search
from checker.authoring.names import declare
from checker.model.question import Question
from checker.run import selftest
from checker.run.api import run_all
from checker.run.bounded import Limits
from checker.run.selftest import self_test

ROOT = Path(__file__).resolve().parents[1]
LIMITS = Limits(60, 2048)
mpmath.mp.dps = 40


# The three questions, as a TA writes them ---------------------------------------------
def log_sum_exp(n):
    """SymPy differentiates log Σ_j exp(x_j) by x_i"""
    j = n.bound("j")
    return sp.diff(sp.log(sp.Sum(sp.exp(n.x[j]), (j, 1, n.K))), n.x[n.i])


LSE = expression(
    "6.1", "gradient of log-sum-exp", names={"K": "size >= 2"}, vectors={"x": "K"},
    indices={"i": "1..K"}, truth=log_sum_exp, reference="exp(x[i])/Sum(exp(x[j]), (j, 1, K))",
    right=["1/Sum(exp(x[j] - x[i]), (j, 1, K))"],
    wrong=["exp(x[i])/Sum(exp(x[j]), (j, 1, K-1))", "exp(x[i+1])/Sum(exp(x[j]), (j, 1, K))"])

TANH = expression(
    "6.2", "tanh' in terms of t = tanh(a)", names={"a": "real"},
    in_terms_of={"t": lambda n: sp.tanh(n.a)}, truth=lambda n: sp.diff(sp.tanh(n.a), n.a),
    reference="1 - t**2", right=["1 - tanh(a)**2"], wrong=["1 - t", "1 + t**2"])


def conv_length(n: int, k: int, p: int, s: int = 1) -> int:
    """Outputs of a zero-padded strided 1-D convolution: the windows that fit, counted."""
    padded = n + 2 * p
    return len([start for start in range(0, padded, s) if start + k <= padded])


CONV = size_formula(
    "6.3", "1-D convolution output length, stride 1", sizes={"n": 1, "k": 1, "p": 0},
    constraints=lambda n: [n.k <= n.n + 2 * n.p], truth=lambda n: n.n + 2 * n.p - n.k + 1,
    simulate=conv_length, reference="n + 2*p - k + 1", wrong=["n - k", "n + p - k + 1"])

STRIDED = size_formula(
    "6.4", "1-D convolution output length, stride s", sizes={"n": 1, "k": 1, "p": 0, "s": 1},
    constraints=lambda n: [n.k <= n.n + 2 * n.p],
    truth=lambda n: sp.floor((n.n + 2 * n.p - n.k) / n.s) + 1, simulate=conv_length,
    reference="floor((n + 2*p - k)/s) + 1", functions=DEFAULT_FUNCTIONS | {"floor"})


def outcome(question: Question, text: str, options: Options = DEFAULT_OPTIONS) -> Outcome:
    """The answer parsed by the answer language, its claim decided (no worker)."""
    parsed = parse_answer(question, text)
    return decide(question.claim(parsed.value, options))


# (a) the gradient of log-sum-exp, for every K ---------------------------------------------
@pytest.mark.parametrize("text", [LSE.reference, "1/Sum(exp(x[j] - x[i]), (j, 1, K))"])
def test_log_sum_exp_right_answers_are_proved_for_every_k(text: str) -> None:
    result = outcome(LSE, text)
    assert result.status is Status.VERIFIED, result
    assert result.method.startswith("proved for every K ≥ 2 and 1 ≤ i ≤ K (symbolic")
    assert "written out for K = 2..4" in result.method


def exp_sum(values: dict[str, str], first: int, last: int) -> mpmath.mpf:
    return mpmath.fsum(mpmath.exp(mpmath.mpf(Fraction(values[f"x[{m}]"]).numerator)
                                  / Fraction(values[f"x[{m}]"]).denominator)
                       for m in range(first, last + 1))


def x_value(values: dict[str, str], m: int) -> mpmath.mpf:
    v = Fraction(values[f"x[{m}]"])
    return mpmath.mpf(v.numerator) / v.denominator


@pytest.mark.parametrize(("text", "mine"), [
    ("exp(x[i])/Sum(exp(x[j]), (j, 1, K-1))",
     lambda v, k, i: mpmath.exp(x_value(v, i)) / exp_sum(v, 1, k - 1)),
    ("exp(x[i+1])/Sum(exp(x[j]), (j, 1, K))",
     lambda v, k, i: mpmath.exp(x_value(v, i + 1)) / exp_sum(v, 1, k)),
])
def test_log_sum_exp_wrong_answers_are_refuted_at_named_k_and_i(text: str, mine) -> None:
    result = outcome(LSE, text)
    assert result.status is Status.REFUTED, result
    cx = result.counterexample
    assert cx is not None
    found = re.fullmatch(r"K = (\d+), i = (\d+)", cx.where)
    assert found, cx.where
    k, i = int(found.group(1)), int(found.group(2))
    assert 1 <= i <= k and k >= 2  # inside the declared ranges
    values = dict(cx.assignment)
    truth = mpmath.exp(x_value(values, i)) / exp_sum(values, 1, k)  # the softmax, by hand
    assert abs(mpmath.mpf(cx.truth) - truth) < 1e-12
    assert abs(mpmath.mpf(cx.answer) - mine(values, k, i)) < 1e-12
    assert abs(truth - mine(values, k, i)) > 1e-3


def test_an_entry_beyond_the_vector_is_refuted_as_undefined() -> None:
    result = outcome(LSE, "exp(x[K+2-i])/Sum(exp(x[j]), (j, 1, K))")
    assert result.status is Status.REFUTED
    assert result.counterexample is not None
    assert result.counterexample.where == "K = 2, i = 1"
    assert result.counterexample.answer == "undefined"
    assert "x[3], but x has entries 1..2 here" in result.counterexample.note


def test_a_right_answer_without_a_proof_for_every_k_is_undecided_with_its_range(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(authoring_search, "SEARCH_SECONDS", 300.0)  # a busy machine: still K = 2..12
    # Right for every K, but the engine cannot merge exp(x[1]) into the sum, and the
    # quotient is outside z3's fragment: the search over K = 2..12 finds nothing.
    result = outcome(LSE, "exp(x[i])/(exp(x[1]) + Sum(exp(x[j]), (j, 2, K)))")
    assert result.status is Status.UNDECIDED, result
    assert result.method.startswith("no proof for every K; no counterexample for K = 2..12, "
                                    "every 1 ≤ i ≤ K")
    assert "not a proof for every size" in result.reason
    smaller = outcome(LSE, "exp(x[i])/(exp(x[1]) + Sum(exp(x[j]), (j, 2, K)))",
                      Options(max_size=5))
    assert "no counterexample for K = 2..5" in smaller.method


def test_a_search_cut_short_names_only_what_it_covered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(authoring_search, "SEARCH_SECONDS", 0.0)
    result = outcome(LSE, "exp(x[i])/(exp(x[1]) + Sum(exp(x[j]), (j, 2, K)))")
    assert result.status is Status.UNDECIDED
    assert result.method == ("no proof for every K; no counterexample for no size: the search "
                             "stopped at its time budget before any size was complete")


def test_a_point_outside_the_declared_range_never_refutes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The truth is w[i] only where 1 <= i <= K (beyond, something else): with no proof
    for every K (both provers switched off), the search must stay inside the range."""
    question = expression(
        "7.1", "an entry", names={"K": "size >= 1"}, vectors={"w": "K"}, indices={"i": "1..K"},
        truth=lambda n: sp.Piecewise((n.w[n.i], n.i <= n.K), (n.w[n.i] + 1, True)),
        reference="w[i]")
    assert outcome(question, "w[i]").status is Status.VERIFIED  # the ranges settle i <= K
    monkeypatch.setattr(authoring_search, "SEARCH_SECONDS", 300.0)
    monkeypatch.setattr(authoring_search, "_symbolic_proof", lambda symbolic, why: None)
    monkeypatch.setattr(authoring_search, "_presburger", lambda *args: None)
    result = outcome(question, "w[i]")
    assert result.status is Status.UNDECIDED, result
    assert "no counterexample for K = 1..12, every 1 ≤ i ≤ K" in result.method
    assert outcome(question, "w[K+1-i]").counterexample.where == "K = 2, i = 1"


def test_instances_stay_inside_every_declared_range() -> None:
    scope = declare({"K": "size >= 2", "M": "size >= 1"}, {"x": "K"},
                    {"i": "1..K-1", "j": "i..M+1"}).scope
    level = scope.levels(6)
    seen = [values for _, values in scope.instances(level)]
    K, M, i, j = scope.integers
    assert seen and all(1 <= v[i] <= v[K] - 1 and v[i] <= v[j] <= v[M] + 1 for v in seen)
    assert {(v[K], v[M]) for v in seen} == {(k, m) for k in range(2, 7) for m in range(1, 6)}
    assert len(seen) == sum(max(0, m + 2 - i0) for k in range(2, 7) for m in range(1, 6)
                            for i0 in range(1, k))


# (b) tanh' in terms of t = tanh(a) -----------------------------------------------------
@pytest.mark.parametrize("text", ["1 - t**2", "1 - tanh(a)**2", "(1 - t)*(1 + t)"])
def test_tanh_derivative_in_t_is_verified(text: str) -> None:
    assert outcome(TANH, text).status is Status.VERIFIED


@pytest.mark.parametrize(("text", "mine"), [("1 - t", lambda t: 1 - t), ("1 + t**2", lambda t: 1 + t**2)])
def test_tanh_derivative_wrong_answers_are_refuted(text: str, mine) -> None:
    result = outcome(TANH, text)
    assert result.status is Status.REFUTED
    cx = result.counterexample
    assert cx is not None
    a = Fraction(dict(cx.assignment)["a"])
    t = mpmath.tanh(mpmath.mpf(a.numerator) / a.denominator)
    assert abs(mpmath.mpf(cx.answer) - mine(t)) < 1e-12
    assert abs(mpmath.mpf(cx.truth) - (1 - t**2)) < 1e-12


@pytest.mark.parametrize(("steps", "links"), [
    ("1 - \\tanh^2(a) = (1-t)(1+t) = 1 - t^2", ["verified", "verified"]),
    ("1 - t^2 = 1 - \\tanh(a)^2", ["verified"]),
    ("1 - \\tanh^2(a) = 1 - t", ["refuted"]),  # a wrong step is still wrong
    # t cancels once t = tanh(a) is put in, but the step is undefined at a = 0.
    ("\\frac{\\tanh(a)(1-t)(1+t)}{t} = 1 - t^2", ["undecided"]),
])
def test_a_write_up_step_between_t_and_tanh_a_is_compared_with_t_substituted(
        steps: str, links: list[str]) -> None:
    """t = tanh(a) is a declaration: a link from tanh(a) to t is no counterexample at a point
    where t is not tanh(a)."""
    from checker.language.documents import read_document
    from checker.model.question import Assignment as Questions
    from checker.run.documents import check_document

    document = read_document("w.md", f"**Answer 6.2.**\n\n$$ {steps} $$\n".encode())
    result = check_document(document, "w.md", Questions("tanh", "tanh", (TANH,)), None, DEFAULT_OPTIONS)
    (verdict,) = result.verdicts
    assert [s.status.value for s in verdict.steps] == links, verdict
    for step in verdict.steps:
        if step.counterexample is not None:
            values = dict(step.counterexample.assignment)
            assert set(values) == {"a"}  # t is never given a value of its own


SCALED = expression("6.9", "K times a", names={"K": "size >= 2", "a": "real"},
                    truth=lambda n: n.K * n.a, reference="K*a")


@pytest.mark.parametrize(("steps", "links"), [
    ("K a = \\left(\\sum_{j=1}^{K-3} 1 + 3\\right) a", ["refuted"]),  # the sum is 0 at K = 2
    ("K a = \\left(\\sum_{j=1}^{K-2} 1 + 2\\right) a", ["verified"]),
])
def test_a_write_up_step_follows_the_empty_sum_convention(steps: str, links: list[str]) -> None:
    """As answers do: SymPy's Sum (Karr's convention) makes Sum(1, (j, 1, K - 3)) equal to
    K - 3 for every K, -1 at K = 2; an empty sum is 0."""
    from checker.language.documents import read_document
    from checker.model.question import Assignment as Questions
    from checker.run.documents import check_document

    document = read_document("w.md", f"**Answer 6.9.**\n\n$$ {steps} $$\n".encode())
    result = check_document(document, "w.md", Questions("k", "k", (SCALED,)), None, DEFAULT_OPTIONS)
    (verdict,) = result.verdicts
    assert [s.status.value for s in verdict.steps] == links, verdict
    if links == ["refuted"]:
        cx = verdict.steps[0].counterexample
        assert cx is not None and cx.where.startswith("K = 2")


def test_in_terms_of_names_the_substitution_for_show() -> None:
    assert [n for n, _, _ in TANH.namespace.describe()] == ["a", "t"]
    assert "t = tanh(a)" in TANH.truth
    assert "1 - t" not in TANH.truth  # `show` never prints the truth itself


# (c) the 1-D convolution output length ---------------------------------------------------
def test_convolution_length_is_proved_for_every_size_and_simulated() -> None:
    result = outcome(CONV, "n + 2*p - k + 1")
    assert result.status is Status.VERIFIED, result
    assert "for every admissible size (Presburger decision, z3" in result.method
    assert "the simulation agrees with it at every admissible case of n = 1..12" in result.method


@pytest.mark.parametrize(("text", "case"), [("n - k", (1, 1, 0)), ("n + p - k + 1", (1, 1, 1))])
def test_convolution_length_wrong_answers_are_refuted_by_the_simulation(
        text: str, case: tuple[int, int, int]) -> None:
    result = outcome(CONV, text)
    assert result.status is Status.REFUTED
    cx = result.counterexample
    assert cx is not None
    values = {name: int(v) for name, v in cx.assignment}
    assert (values["n"], values["k"], values["p"]) == case  # the smallest failing case
    assert int(cx.truth) == conv_length(*case) == case[0] + 2 * case[2] - case[1] + 1


HALVED = size_formula(
    "6.7", "1-D convolution output length, stride 2", sizes={"n": 1, "k": 1, "p": 0},
    constraints=lambda n: [n.k <= n.n + 2 * n.p],
    truth=lambda n: sp.floor((n.n + 2 * n.p - n.k) / 2) + 1,
    simulate=lambda n, k, p: conv_length(n, k, p, 2),
    reference="(n + 2*p - k)//2 + 1", functions=DEFAULT_FUNCTIONS | {"floor", "ceil"})


@pytest.mark.parametrize("text", ["(n + 2*p - k)//2 + 1", "floor((n + 2*p - k)/2) + 1",
                                  "ceil((n + 2*p - k + 1)/2)", "floor((n + 2*p - k + 2)/2)",
                                  "(n + 2*p - k + 2)//2 + floor(k/k) - 1"])
def test_a_floor_by_a_constant_is_proved_for_every_size(text: str) -> None:
    result = outcome(HALVED, text)
    assert result.status is Status.VERIFIED, result
    assert "for every admissible size (z3, floor and ceiling exact" in result.method
    assert "the simulation agrees with it at every admissible case" in result.method


@pytest.mark.parametrize(("text", "case"), [
    ("ceil((n + 2*p - k)/2) + 1", {"n": 2, "k": 1, "p": 0}),  # odd lengths round the wrong way
    ("(n + 2*p - k)/2 + 1", {"n": 2, "k": 1, "p": 0}),
    ("(n + 2*p - k)//2", {"n": 1, "k": 1, "p": 0}),
])
def test_a_floor_by_a_constant_wrong_answers_are_refuted(text: str, case: dict[str, int]) -> None:
    result = outcome(HALVED, text)
    assert result.status is Status.REFUTED
    cx = result.counterexample
    assert cx is not None
    values = {name: int(v) for name, v in cx.assignment}
    assert values == case
    assert int(cx.truth) == conv_length(values["n"], values["k"], values["p"], 2)


def test_a_floor_difference_z3_first_finds_past_the_simulation_is_refuted_within_it() -> None:
    """Wrong from n = 3000 (floor(n/3000) - floor(n/3001) is 1 there): z3 may first name a
    case past the 5,000 sizes a simulation runs at; a case within them is asked for."""
    result = outcome(HALVED, "(n + 2*p - k)//2 + 1 + n//3000 - n//3001")
    assert result.status is Status.REFUTED, result
    cx = result.counterexample
    assert cx is not None
    values = {name: int(v) for name, v in cx.assignment}
    assert 3000 <= values["n"] <= 5000
    assert int(cx.truth) == conv_length(values["n"], values["k"], values["p"], 2)


def test_a_switch_past_the_simulated_sizes_is_never_verified() -> None:
    """z3 names n > 10**6, past the sizes a simulation runs at (and finds none within them):
    undecided, never verified."""
    result = outcome(HALVED, "(n + 2*p - k)//2 + 1 + Max(0, n - 10**6)")
    assert result.status is Status.UNDECIDED
    found = re.search(r"differ at n = (\d+)", result.reason)
    assert found is not None and int(found.group(1)) > 10**6, result.reason


# The right reference, written the way z3 cannot settle in its time budget.
BEYOND_Z3 = size_formula(
    "6.8", "1-D convolution output length, stride s", sizes={"n": 1, "k": 1, "p": 0, "s": 1},
    constraints=lambda n: [n.k <= n.n + 2 * n.p],
    truth=lambda n: sp.floor((n.n + 2 * n.p - n.k) / n.s) + 1, simulate=conv_length,
    reference="ceil((n + 2*p - k + 1)/s)", functions=DEFAULT_FUNCTIONS | {"floor", "ceil"})


@pytest.mark.parametrize("text", ["floor((n + 2*p - k)/s) + 1", "(n + 2*p - k)//s + 1"])
def test_symbolic_stride_floor_is_proved_by_z3_when_it_can(text: str) -> None:
    right = outcome(STRIDED, text)
    assert right.status is Status.VERIFIED, right
    assert "(z3, floor and ceiling exact" in right.method


def test_symbolic_stride_beyond_z3_is_undecided_never_verified_by_the_grid() -> None:
    """ceil((L + 1)/s) = floor(L/s) + 1 for whole L >= 0, s >= 1 (ceil((L+1)/s) = floor((L+s)/s)),
    but z3 gives up on this nonlinear query: undecided, naming the grid that agreed."""
    assert all(-(-(length + 1) // s) == length // s + 1 for length in range(60) for s in range(1, 30))
    right = outcome(BEYOND_Z3, BEYOND_Z3.reference)
    assert right.status is Status.UNDECIDED, right
    assert right.method == ("no proof for every size; no counterexample at any admissible case of "
                            "n = 1..8, k = 1..8, p = 0..7, s = 1..8 (3696 admissible cases)")
    assert "floor and ceiling: z3 could not decide it" in right.reason


def test_symbolic_stride_wrong_answers_are_refuted_and_floor_needs_declaring() -> None:
    wrong = outcome(STRIDED, "floor((n + 2*p - k + 1)/s)")
    assert wrong.status is Status.REFUTED
    assert wrong.counterexample is not None
    assert dict(wrong.counterexample.assignment) == {"n": "1", "k": "1", "p": "0", "s": "2"}
    assert outcome(STRIDED, "n + 2*p - k + 1").status is Status.REFUTED  # stride 1 only
    n, k, p, s = (v.symbol for v in STRIDED.namespace.variables)  # the claim takes SymPy too
    assert decide(STRIDED.claim(sp.floor((n + 2 * p - k) / s) + 1, DEFAULT_OPTIONS)).status \
        is Status.VERIFIED
    with pytest.raises(AnswerError, match="unknown function `floor`"):
        parse_answer(CONV, "floor(n/1) + 2*p - k + 1")  # CONV does not declare floor


def test_a_truth_that_disagrees_with_its_simulation_is_never_verified() -> None:
    broken = size_formula("6.5", "off by one", sizes={"n": 1, "k": 1, "p": 0},
                          constraints=lambda n: [n.k <= n.n + 2 * n.p],
                          truth=lambda n: n.n + 2 * n.p - n.k, simulate=conv_length,
                          reference="n + 2*p - k")
    result = outcome(broken, "n + 2*p - k")
    assert result.status is Status.UNDECIDED
    assert result.reason.startswith("internal inconsistency: at n = 1, k = 1, p = 0 the derived "
                                    "formula gives 0 and the simulation 1")


def test_a_size_formula_found_wrong_by_z3_beyond_the_grid_is_refuted_by_simulation() -> None:
    result = outcome(CONV, "n + 2*p - k + 1 if n <= 40 else 7")
    assert result.status is Status.REFUTED
    assert result.counterexample is not None
    values = {name: int(v) for name, v in result.counterexample.assignment}
    assert values["n"] > 40
    assert int(result.counterexample.truth) == conv_length(values["n"], values["k"], values["p"])


# A "show that" chain, word, number and list questions ---------------------------------------
def softmax(n, shift=0):
    j = n.bound("j")
    return sp.exp(n.x[n.i] + shift) / sp.Sum(sp.exp(n.x[j] + shift), (j, 1, n.K))


INVARIANCE = chain(
    "6.6", "softmax is translation invariant", names={"c": "real", "K": "size >= 2"},
    vectors={"x": "K"}, indices={"i": "1..K"}, start=lambda n: softmax(n, n.c), end=softmax,
    reference="exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(c)*exp(x[i])/Sum(exp(c)*exp(x[j]), "
              "(j, 1, K)) = exp(x[i])/Sum(exp(x[j]), (j, 1, K))",
    wrong=["exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i])/Sum(exp(x[j]), (j, 1, K-1))"])


def test_chain_is_proved_link_by_link_between_the_derived_ends() -> None:
    result = outcome(INVARIANCE, INVARIANCE.reference)
    assert result.status is Status.VERIFIED, result
    assert len(result.steps) == 5 and all(s.status is Status.VERIFIED for s in result.steps)
    wrong = outcome(INVARIANCE, INVARIANCE.examples[0].text)
    assert wrong.status is Status.REFUTED
    assert wrong.counterexample is not None
    assert wrong.counterexample.where == "K = 2, i = 1, step 'exp(x[i])/Sum(exp(x[j]), (j, 1, K - 1))'"
    # A chain that stops short of the derived end is refuted at that end.
    off = outcome(INVARIANCE, "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i])")
    assert off.status is Status.REFUTED
    assert off.steps[-1].status is Status.REFUTED


MSE = expression("6.7", "MSE up to a factor", names={"f": "(0,1)", "y": "{0,1}"},
                 truth=lambda n: (n.y - n.f) ** 2 / 2, up_to_factor=True,
                 reference="(f - y)**2", right=["3*(y - f)**2"], wrong=["-(f - y)**2", "(f - y)**3"])


def better_loss() -> list[str]:
    """the loss whose gradient does not vanish at a saturated wrong output (y = 1, a -> -oo)"""
    a = sp.Symbol("a", real=True)
    f = 1 / (1 + sp.exp(-a))
    gradients = {"CE": sp.diff(-sp.log(f), a), "MSE": sp.diff((1 - f) ** 2 / 2, a)}
    return [name for name, g in gradients.items() if sp.limit(g, a, -sp.oo) != 0]


LOSS = word("6.8", "the better loss", words=["CE", "MSE"], accepted=better_loss, reference="CE",
            why="the CE gradient does not vanish at a saturated wrong output", wrong=["MSE"])
SCALARS = number("6.9", "scalars after the layer", compute=lambda: 64 * conv_length(32, 3, 1) ** 2,
                 reference="65536", right=["131072/2"], wrong=["65535", "1/2"])
FULL = number_list("6.10", "full convolution [1, 2, 3, 4] * [1, 0, 2]",
                   compute=lambda: [sum(a * b for m, a in enumerate([1, 2, 3, 4])
                                        for q, b in enumerate([1, 0, 2]) if m + q == n)
                                    for n in range(6)],
                   reference="[1, 2, 5, 8, 6, 8]", wrong=["[1, 2, 5, 8, 6]", "[8, 6, 8, 5, 2, 1]"])


def test_up_to_factor_word_number_and_list_questions() -> None:
    assert outcome(MSE, "(f - y)**2/7").status is Status.VERIFIED
    assert outcome(MSE, "-(f - y)**2").status is Status.REFUTED
    assert outcome(LOSS, "CE").status is Status.VERIFIED
    refuted = outcome(LOSS, "MSE")
    assert refuted.status is Status.REFUTED and refuted.counterexample is not None
    assert refuted.counterexample.truth == "CE"
    assert outcome(SCALARS, "65536").status is Status.VERIFIED
    listed = outcome(FULL, "[1, 2, 5, 8, 6]")
    assert listed.counterexample is not None and listed.counterexample.where == "entry 6 (1-based)"


# The self-test -------------------------------------------------------------------------------
def test_self_test_of_every_question_here_passes_in_bounded_workers() -> None:
    questions = [LSE, TANH, CONV, INVARIANCE, MSE, LOSS, SCALARS, FULL]
    results = self_test(questions, LIMITS, jobs=2)
    assert [r.describe() for r in results if not r.passed] == []
    expected = sum(1 + len(q.examples) for q in questions)
    assert len(results) == expected
    assert [(r.question, r.example) for r in results[:4]] == [
        ("6.1", "reference"), ("6.1", "right"), ("6.1", "wrong"), ("6.1", "wrong")]
    wrong = [r for r in results if r.example == "wrong"]
    assert all(r.verdict.status is Status.REFUTED and r.verdict.counterexample for r in wrong)


def test_self_test_fails_a_mislabelled_example_and_says_why() -> None:
    mislabelled = expression(
        "6.11", "tanh'", names={"a": "real"}, truth=lambda n: sp.diff(sp.tanh(n.a), n.a),
        reference="1 - tanh(a)**2", right=["1 - tanh(a)", Example("1 - \\tanh(a)^2", True, latex=True)],
        wrong=["1 - tanh(a)*tanh(a)", "tanh(a"])
    results = self_test([mislabelled, BEYOND_Z3], LIMITS)
    verdicts = {(r.question, r.text): r for r in results}
    assert verdicts[("6.11", "1 - \\tanh(a)^2")].passed  # a LaTeX example, verified
    assert not verdicts[("6.11", "1 - tanh(a)")].passed
    assert verdicts[("6.11", "1 - tanh(a)")].problem.startswith("expected verified; refuted: a = ")
    assert verdicts[("6.11", "1 - tanh(a)*tanh(a)")].problem == (
        "expected refuted with a counterexample; verified: symbolic: identical after expansion")
    assert verdicts[("6.11", "tanh(a")].verdict.status is Status.ERROR
    assert verdicts[("6.8", BEYOND_Z3.reference)].verdict.status is Status.UNDECIDED
    assert verdicts[("6.8", BEYOND_Z3.reference)].problem.startswith(
        "expected verified; undecided: no proof for every admissible size (outside the decidable "
        "fragment: floor and ceiling: z3 could not decide it")


def test_self_test_runs_registered_questions_through_run_all(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[tuple[str, str, bool]]] = []

    def recorded(checks, *args, **kwargs):
        calls.append(checks)
        return run_all(checks, *args, **kwargs)

    monkeypatch.setattr(selftest, "run_all", recorded)
    question = get("1.4")
    results = self_test([question], LIMITS)
    assert [c[0] for c in calls[0]] == ["1.4"] * (1 + len(question.examples))
    assert [(r.example, r.text, r.passed) for r in results][0] == ("reference", "f - y", True)
    assert all(r.passed for r in results), [r.describe() for r in results if not r.passed]


# Declarations are checked at import ------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"names": {"a": "reals"}}, "unknown domain 'reals' for `a`; allowed: 'real', 'positive'"),
    ({"names": {"a": "size >= two"}}, "unknown domain"),
    ({"names": {"K": "size >= 2"}, "indices": {"i": "1...K"}}, "cannot read '.K'"),
    ({"names": {"K": "size >= 2"}, "indices": {"i": "1..N"}}, "expected a whole number or a declared size"),
    ({"names": {"K": "size >= 2"}, "indices": {"i": "1..K*K"}}, "is not affine"),
    ({"names": {"K": "size >= 2"}, "indices": {"i": "K"}}, "is written 'low..high'"),
    ({"names": {"a": "real"}, "vectors": {"a": "K"}}, "`a` is declared twice (in `names` and `vectors`)"),
    ({"names": {"a": "real"}, "functions": {"flor"}}, "unknown function flor; known: Max, Min"),
    ({"names": {"a": "real"}, "truth": "1 - tanh(a)**2"}, "truth must be a callable"),
])
def test_bad_declarations_raise_at_import(kwargs: dict, message: str) -> None:
    arguments = {"truth": lambda n: n.a, "reference": "a", **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        expression("9.9", "bad", **arguments)


def test_domain_words_map_onto_the_model_domains() -> None:
    declared = declare({"a": "real", "b": "positive", "f": "(0, 1)", "g": "[0,1]", "y": "{0, 1}",
                        "z": "integer", "m": "positive integer", "K": "Size ≥ 2"})
    domains = {v.name: v.domain.name for v in declared.namespace.variables}
    assert domains == {"a": "real", "b": "positive", "f": "(0, 1)", "g": "[0, 1]", "y": "{0, 1}",
                       "z": "integer", "m": "positive integer", "K": "integer ≥ 2"}
    assert [s.variable.name for s in declared.scope.sizes] == ["K"]
    assert declared.names.K.is_integer and declared.names.K.is_positive
    assert "size >= 2" in ALLOWED_DOMAINS
    with pytest.raises(AttributeError, match="`c` is not declared"):
        _ = declared.names.c
    assert declared.namespace.functions == DEFAULT_FUNCTIONS
    described = declare({"a": ("real", "the pre-activation")}).namespace.describe()
    assert described == [("a", "real", "the pre-activation")]


def test_authoring_never_evaluates_text_and_keeps_its_layer() -> None:
    banned = re.compile(r"\b(eval|exec|sympify|parse_expr|S)\(|^\s*(from|import) "
                        r"(checker\.language|checker\.run|derivations)\b", re.MULTILINE)
    for path in (ROOT / "checker" / "authoring").glob("*.py"):
        assert banned.search(path.read_text()) is None, path.name


def test_expression_passes_a_plot_and_names_what_an_answer_may_be_written_in() -> None:
    from checker.model.question import PlotSpec

    spec = PlotSpec("a", -3.0, 3.0, lambda: sp.tanh(sp.Symbol("a", real=True)))
    question = expression("7.1", "tanh", names={"a": "real"}, truth=lambda n: sp.tanh(n.a),
                          in_terms_of={"t": (lambda n: sp.tanh(n.a), "the activation t = tanh(a)")},
                          reference="t", plot=spec)
    assert question.plot is spec
    rows = {name: meaning for name, _, meaning in question.namespace.describe()}
    assert rows["t"] == "the activation t = tanh(a)"


def test_expression_rewrites_every_answer_before_comparing() -> None:
    """`rewrite` (an identity on the domain, e.g. question 1's label cases) is applied to
    the answer: here |a| on positive a, which SymPy alone already knows, is made explicit."""
    seen: list[sp.Expr] = []

    def record(expr: sp.Expr) -> sp.Expr:
        seen.append(expr)
        return expr

    question = expression("7.2", "identity", names={"a": "positive"}, truth=lambda n: n.a,
                          reference="a", rewrite=record)
    parsed = parse_answer(question, "abs(a)", False)
    assert decide(question.claim(parsed.value, DEFAULT_OPTIONS)).status is Status.VERIFIED
    assert seen and all(isinstance(e, sp.Expr) for e in seen)


# The contract's edges: no false verdict from an empty scope, a misplaced grid, a Sum
# read by Karr's convention, an end beyond a vector, or a float ------------------------------
def valid_length(d: int, k: int) -> int:
    """Windows of width k that fit in d inputs, counted."""
    return sum(1 for start in range(d) if start + k <= d)


def test_a_size_formula_grid_is_placed_where_the_constraints_hold() -> None:
    """`d >= 20` leaves no admissible case among d = 1..12: the grid starts at d = 20, so a
    truth that disagrees with its simulation is caught there, never verified unchecked."""
    wrong_truth = size_formula(
        "8.1", "valid length, at least 20 inputs", sizes={"d": 1, "k": 1},
        constraints=lambda n: [n.k <= n.d, n.d >= 20], truth=lambda n: n.d - n.k + 2,
        simulate=valid_length, reference="d - k + 2")
    result = outcome(wrong_truth, "d - k + 2")
    assert result.status is Status.UNDECIDED, result
    assert result.reason.startswith("internal inconsistency: at d = 20, k = 1 the derived formula "
                                    "gives 21 and the simulation 20")
    right_truth = size_formula(
        "8.2", "valid length, at least 20 inputs", sizes={"d": 1, "k": 1},
        constraints=lambda n: [n.k <= n.d, n.d >= 20], truth=lambda n: n.d - n.k + 1,
        simulate=valid_length, reference="d - k + 1")
    verified = outcome(right_truth, "d + 1 - k")
    assert verified.status is Status.VERIFIED, verified
    assert "every admissible case of d = 20..31, k = 1..12 (144 admissible cases)" in verified.method
    refuted = outcome(right_truth, "d - k")
    assert refuted.counterexample is not None
    assert dict(refuted.counterexample.assignment) == {"d": "20", "k": "1"}


def test_a_size_formula_is_never_verified_without_a_simulated_case(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.authoring import cases

    monkeypatch.setattr(cases, "starts", lambda declared, relations: (1, 1))  # the old grid
    monkeypatch.setattr(cases, "beyond", lambda *args: [])
    question = size_formula(
        "8.3", "valid length, at least 20 inputs", sizes={"d": 1, "k": 1},
        constraints=lambda n: [n.k <= n.d, n.d >= 20], truth=lambda n: n.d - n.k + 2,
        simulate=valid_length, reference="d - k + 2")
    result = outcome(question, "d - k + 2")
    assert result.status is Status.UNDECIDED, result
    assert "the simulation ran at no admissible case (none in d = 1..12, k = 1..12 (0 admissible " \
           "cases), none found beyond it)" in result.reason


def test_a_truth_that_leaves_its_simulation_beyond_the_grid_is_never_verified() -> None:
    """Right on the grid (d <= 12), wrong from d = 51: the cases where Max's arguments meet
    (d = 49, 50, 51) compare truth and simulation after the proof."""
    question = size_formula(
        "8.4", "valid length", sizes={"d": 1, "k": 1}, constraints=lambda n: [n.k <= n.d],
        truth=lambda n: n.d - n.k + 1 + sp.Max(0, n.d - 50), simulate=valid_length,
        reference="d - k + 1 + Max(0, d - 50)")
    result = outcome(question, "d - k + 1 + Max(0, d - 50)")
    assert result.status is Status.UNDECIDED, result
    assert result.reason.startswith("internal inconsistency: at d = 51, k = 1 the derived formula "
                                    "gives 52 and the simulation 51")
    agreeing = outcome(CONV, "n + 2*p - k + 1")
    found = re.search(r"and at (\d+) admissible cases beyond it \(n ≤ (\d+)", agreeing.method)
    assert found and int(found.group(1)) >= 10 and int(found.group(2)) > 12, agreeing.method


def test_a_simulation_wrong_beyond_the_grid_is_an_internal_inconsistency() -> None:
    question = size_formula(
        "8.5", "valid length", sizes={"d": 1, "k": 1}, constraints=lambda n: [n.k <= n.d],
        truth=lambda n: n.d - n.k + 1, simulate=lambda d, k: valid_length(d, k) + (d > 50),
        reference="d - k + 1")
    result = outcome(question, "d - k + 1")
    assert result.status is Status.UNDECIDED, result
    assert result.reason.startswith("internal inconsistency: at d = ")


@pytest.mark.parametrize("kwargs", [
    {"names": {"K": "size >= 1"}, "indices": {"i": "K+1..K"}},
    {"names": {"K": "size >= 1", "M": "size >= 1"}, "indices": {"i": "K+M..K"}},
])
def test_declared_ranges_that_admit_no_case_are_refused_at_declaration(kwargs: dict) -> None:
    with pytest.raises(ValueError, match="the declared sizes and index ranges admit no case"):
        expression("8.6", "empty", truth=lambda n: n.i, reference="i", **kwargs)
    with pytest.raises(ValueError, match="the declared sizes and index ranges admit no case"):
        chain("8.6", "empty", start=lambda n: n.i, end=lambda n: n.i, reference="i", **kwargs)
    with pytest.raises(ValueError, match="the declared sizes admit no case"):
        size_formula("8.7", "empty", sizes={"d": 1, "k": 1},
                     constraints=lambda n: [n.k <= n.d, n.k > n.d], truth=lambda n: n.d - n.k + 1,
                     simulate=valid_length, reference="d - k + 1")


def test_an_empty_index_range_never_verifies_at_check_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the declaration check bypassed (z3 unsure at import), the check itself must
    still refuse to verify a claim over no case."""
    with monkeypatch.context() as patched:
        patched.setattr(authoring_search, "admits_no_case", lambda *args: False, raising=False)
        empty = expression("8.8", "empty", names={"K": "size >= 1"}, indices={"i": "K+1..K"},
                           truth=lambda n: n.i, reference="i")
        shown = chain("8.8", "empty", names={"K": "size >= 1"}, indices={"i": "K+1..K"},
                      start=lambda n: n.i, end=lambda n: n.i, reference="i")
    for question, text in ((empty, "i"), (empty, "i + 7"), (shown, "i"), (shown, "i = i + 7")):
        result = outcome(question, text)
        assert result.status is Status.UNDECIDED, (text, result)
        assert "the declared sizes admit no case" in result.reason


def test_contradictory_size_constraints_never_verify_at_check_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr("checker.authoring.cases.vacuous", lambda *args: False)
        contradictory = size_formula(
            "8.9", "empty", sizes={"d": 1, "k": 1}, constraints=lambda n: [n.k <= n.d, n.k > n.d],
            truth=lambda n: n.d - n.k + 1, simulate=valid_length, reference="d - k + 1")
    for text in ("d", "d - k + 1"):
        result = outcome(contradictory, text)
        assert result.status is Status.UNDECIDED, (text, result)
        assert "the declared sizes admit no case" in result.reason


def first_entries(n):
    """the sum of the first K - 2 entries"""
    j = n.bound("j")
    return sp.Sum(n.x[j], (j, 1, n.K - 2))


def guarded_entries(n):
    """the entries up to K - 2, summed over 1..K"""
    j = n.bound("j")
    return sp.Sum(n.x[j] * sp.Piecewise((1, j <= n.K - 2), (0, True)), (j, 1, n.K))


def test_sums_follow_the_empty_sum_convention_everywhere() -> None:
    """Sum(f, (j, a, b)) is 0 when b < a (never Karr's -f(a-1) for b = a - 2), on both sides,
    symbolically, in z3 and in every written-out instance."""
    entries = expression("8.10", "the first K - 2 entries", names={"K": "size >= 1"},
                         vectors={"x": "K"}, truth=guarded_entries, reference="Sum(x[j], (j, 1, K-2))")
    assert outcome(entries, "Sum(x[j], (j, 1, K-2))").status is Status.VERIFIED
    counted = expression("8.11", "count j in 1..m", names={"K": "size >= 1"},
                         indices={"m": "K-3..K"}, truth=lambda n: sp.Max(n.m, 0), reference="Max(m, 0)")
    assert outcome(counted, "Sum(1, (j, 1, m))").status is Status.VERIFIED
    signed = expression("8.12", "m itself", names={"K": "size >= 1"}, indices={"m": "K-3..K"},
                        truth=lambda n: n.m, reference="m")
    refuted = outcome(signed, "Sum(1, (j, 1, m))")  # 0, not m, where m <= 0
    assert refuted.status is Status.REFUTED, refuted
    cx = refuted.counterexample
    assert cx is not None
    found = re.fullmatch(r"K = (\d+), m = (-?\d+)", cx.where)
    assert found, cx.where
    big_k, m = int(found.group(1)), int(found.group(2))
    assert big_k >= 1 and big_k - 3 <= m <= 0 and cx.answer == "0" and int(cx.truth) == m
    windows = size_formula("8.13", "windows (none when k > d)", sizes={"d": 1, "k": 1},
                           truth=lambda n: sp.Max(n.d - n.k + 1, 0), simulate=valid_length,
                           reference="Max(d - k + 1, 0)")
    assert outcome(windows, "Sum(1, (j, k, d))").status is Status.VERIFIED
    wrong = outcome(windows, "d - k + 1")
    assert wrong.counterexample is not None and dict(wrong.counterexample.assignment) == {"d": "1", "k": "3"}
    shown = chain("8.14", "the first K - 2 entries", names={"K": "size >= 1"}, vectors={"x": "K"},
                  start=first_entries, end=first_entries, reference="Sum(x[j], (j, 1, K-2))")
    result = outcome(shown, "Sum(x[j], (j, 1, K-2))")  # no x[0] at K = 1: the sum is empty
    assert result.status is Status.VERIFIED, result
    assert "written out for K = 1..3: agrees" in result.method
    k = sp.Symbol("K", integer=True, positive=True)
    j = sp.Symbol("j", integer=True)
    guarded = authoring_search.empty_sums(sp.Sum(j, (j, 1, k - 2)))
    assert [guarded.subs(k, v).doit() for v in (1, 2, 3, 4)] == [0, 0, 1, 3]
    assert sp.Sum(1, (j, 1, k - 3)).subs(k, 1).doit() == -2  # SymPy alone: Karr's convention
    assert authoring_search.empty_sums(sp.Sum(1, (j, 1, k - 3))).subs(k, 1).doit() == 0
    outer = sp.Symbol("m", integer=True)
    assert sp.Sum(sp.Sum(1, (j, 1, outer - 3)), (outer, -1, 2)).doit() == -10
    assert authoring_search.empty_sums(sp.Sum(sp.Sum(1, (j, 1, outer - 3)), (outer, -1, 2))).doit() == 0


def test_a_chain_never_refutes_on_an_end_beyond_a_vector(monkeypatch: pytest.MonkeyPatch) -> None:
    """The derived end uses x[2] at K = 1, where x has one entry: no verdict rests there."""
    monkeypatch.setattr(authoring_search, "SEARCH_SECONDS", 300.0)
    question = chain("8.15", "an end beyond x", names={"K": "size >= 1"}, vectors={"x": "K"},
                     start=lambda n: n.x[1], end=lambda n: sp.Piecewise((n.x[1], n.K >= 2), (n.x[2], True)),
                     reference="x[1]")
    result = outcome(question, "x[1]")
    assert result.status is Status.UNDECIDED, result
    assert "1 of 12 instances undecided" in result.method
    assert outcome(question, "x[1] + 1").counterexample.where.startswith("K = 2")


def test_floats_of_every_kind_are_refused_as_truths() -> None:
    numpy = pytest.importorskip("numpy")
    for value in (numpy.float32(0.1) * 10, numpy.float64(1.0), 1.0, sp.Float(1), numpy.bool_(True)):
        with pytest.raises(TypeError, match="not an exact number"):
            decide(number("8.16", "one", compute=lambda v=value: v, reference="1").claim(
                sp.Integer(1), DEFAULT_OPTIONS))
    assert decide(number("8.17", "one", compute=lambda: numpy.int64(1), reference="1").claim(
        sp.Integer(1), DEFAULT_OPTIONS)).status is Status.VERIFIED
    floating = size_formula("8.18", "d", sizes={"d": 1}, truth=lambda n: n.d,
                            simulate=lambda d: numpy.float32(d), reference="d")
    with pytest.raises(TypeError, match="not an exact number"):
        outcome(floating, "d")
    listed = number_list("8.19", "list", compute=lambda: numpy.array([1, 2], dtype=numpy.float32),
                         reference="[1, 2]")
    with pytest.raises(TypeError, match="not an exact number"):
        decide(listed.claim((sp.Integer(1), sp.Integer(2)), DEFAULT_OPTIONS))
