"""Questions 3, 4 and 5 in a written derivation (`derivcheck doc`): every spelling of
Answers 3-5 reads with the value of the question's own derivation (compared here with
values built independently: networks written by hand, convolutions run, lengths of
built networks), every link of the corrected solutions is verified for every size, and
false links are refuted with counterexamples these tests re-check."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp

from checker.language.notation import is_asked, normalise_latex, read_answer, read_step
from checker.model.errors import AnswerError
from checker.model.functions import sigmoid
from checker.model.options import DEFAULT_OPTIONS
from checker.model.question import Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.engine import decide
from checker.run.links import decide_link
from checker.run.registry import get
from checker.run.showing import showing_problem, side_ways
from derivations.convolution_1d import ConvMode, Sizes, Vec, conv, network_shape
from derivations.convolution_shapes import simulated_size
from derivations.networks import write_out

# -- helpers --------------------------------------------------------------------------


def value(qid: str, latex: str, answer: object = None) -> sp.Basic:
    step = read_step(get(qid), latex, answer)
    assert not step.asked
    return step.value


def link(qid: str, before: str, after: str, answer: object = None) -> StepResult:
    question = get(qid)
    return decide_link(question, value(qid, before, answer), value(qid, after, answer), "test")


def decided(question: Question, answer: object) -> Outcome:
    """The question's own claim on `answer`, decided."""
    return decide(question.claim(answer, DEFAULT_OPTIONS))


def verified(result: StepResult) -> None:
    assert result.status is Status.VERIFIED, (result.method, result.counterexample)


def refuted(result: StepResult) -> Counterexample:
    assert result.status is Status.REFUTED, result.method
    assert result.counterexample is not None
    return result.counterexample


# -- question 3 -----------------------------------------------------------------------

Q3 = "3"
W1, W2, X = (sp.IndexedBase(n, real=True) for n in ("W1", "W2", "x"))
D, M, K = (sp.Symbol(n, integer=True, positive=True) for n in ("D", "M", "K"))
KK = sp.Symbol("k", integer=True, positive=True)
JJ = sp.Symbol("j", integer=True, nonnegative=True)
II = sp.Symbol("i", integer=True, nonnegative=True)

REFERENCE_PARTS = (r"W1 = \frac{\omega_{ji}^{(1)}}{2}; W2 = \frac{\omega_{kj}^{(2)}}{2}; "
                   r"b2 = \left(\omega_{k0}^{(2)} + \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2}\right)")

# Answer 3, corrected copy: the display chain, and the faithful copy's last line.
CHAIN_3 = (
    r"y(x, \Theta, \sigma)_{k}",
    r"\sum_{j=1}^{M} \omega_{kj}^{(2)} \sigma \left(\sum_{i=1}^{D} \omega_{ji}^{(1)} x_{i} "
    r"+ \omega_{j0}^{(1)} \right) + \omega_{k0}^{(2)}",
    r"\sum_{j=1}^{M} \omega_{kj}^{(2)} \cdot \frac{1}{2} \left(1 + \tanh \left(\sum_{i=1}^{D} "
    r"\frac{\omega_{ji}^{(1)}}{2} x_{i} + \frac{\omega_{j0}^{(1)}}{2} \right) \right) + \omega_{k0}^{(2)}",
    r"\sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2} \tanh \left(\sum_{i=1}^{D} \frac{\omega_{ji}^{(1)}}{2} "
    r"x_{i} + \frac{\omega_{j0}^{(1)}}{2} \right) + \left(\omega_{k0}^{(2)} + \sum_{j=1}^{M} "
    r"\frac{\omega_{kj}^{(2)}}{2} \right)",
    r"\sum_{j=1}^{M} \tilde{\omega_{kj}}^{(2)} \tanh \left(\sum_{i=1}^{D} \tilde{\omega_{ji}}^{(1)} "
    r"x_{i} + \tilde{\omega_{j0}}^{(1)} \right) + \tilde{\omega_{k0}}^{(2)}",
    r"y(x, \Theta', \tanh)_{k}",
)
FAITHFUL_LAST = (r"\sum_{j=1}^{M} \omega_{kj}^{(2)} \tanh \left(\sum_{i=1}^{D} \omega_{ji}^{(1)} x_{i} "
                 r"+ \omega_{j0}^{(1)} \right) + \omega_{k0}^{(2)}")


@pytest.fixture(scope="module")
def parts() -> dict[str, sp.Expr]:
    """The parts answer as the document reader assembles it from the "where" equations."""
    parsed = read_answer(get(Q3), REFERENCE_PARTS).value
    assert isinstance(parsed, dict)
    return parsed


def by_hand(act: object, first: object, second: object, bias: object, k: sp.Expr) -> sp.Expr:
    """y_k = sum_j second(k, j) act(sum_i first(j, i) x_i + first(j, 0)) + bias(k), typed
    here from the assignment's formula (not from derivations.networks)."""
    j, i = sp.symbols("jj ii", integer=True, positive=True)
    inner = sp.Sum(first(j, i) * X[i], (i, 1, D)) + first(j, 0)  # type: ignore[operator]
    return sp.Sum(second(k, j) * act(inner), (j, 1, M)) + bias(k)  # type: ignore[operator]


def sigmoid_by_hand(k: sp.Expr) -> sp.Expr:
    return by_hand(lambda a: 1 / (1 + sp.exp(-a)), lambda j, i: W1[j, i], lambda k_, j: W2[k_, j],
                   lambda k_: W2[k_, 0], k)


def tanh_by_hand(k: sp.Expr) -> sp.Expr:
    j = sp.Symbol("jb", integer=True, positive=True)
    return by_hand(sp.tanh, lambda j_, i: W1[j_, i] / 2, lambda k_, j_: W2[k_, j_] / 2,
                   lambda k_: W2[k_, 0] + sp.Sum(W2[k_, j] / 2, (j, 1, M)), k)


def same_network(a: sp.Expr, b: sp.Expr) -> bool:
    """Equal at sizes D, M, K in 1..2, every output, at exact random points (σ and tanh
    evaluated at rational multiples of log 3 are rational)."""
    rng = random.Random(3)
    for d in (1, 2):
        for m in (1, 2):
            for k in (1, 2):
                fixed = {D: d, M: m, K: 2, KK: k}
                x, y = (write_out(e.subs(fixed)) for e in (a, b))
                for _ in range(2):
                    entries = (x - y).atoms(sp.Indexed)
                    point = {e: (rng.choice([1, -1, 2]) * sp.log(3) if e.base == W1
                                 else sp.Rational(rng.randint(-5, 5), rng.randint(1, 3)))
                             for e in entries}
                    point.update({e: sp.Integer(rng.randint(-2, 2)) for e in entries if e.base == X})
                    diff = (x - y).xreplace(point).rewrite(sp.exp).replace(
                        lambda e: isinstance(e, sigmoid), lambda e: 1 / (1 + sp.exp(-e.args[0])))
                    if sp.simplify(diff) != 0:
                        return False
    return True


def test_q3_network_spellings_read_as_the_networks(parts: dict[str, sp.Expr]) -> None:
    assert same_network(value(Q3, r"y(x, \Theta, \sigma)_{k}"), sigmoid_by_hand(KK))
    assert same_network(value(Q3, r"y(\boldsymbol{x}, \Theta, \sigma)_k"), sigmoid_by_hand(KK))
    for spelling in (r"y(x, \Theta', \tanh)_{k}", r"y(x, \Theta^{\prime}, \tanh)_k"):
        assert same_network(value(Q3, spelling, parts), tanh_by_hand(KK))
    # the definition written out (line 1 of the display) is the same network
    assert same_network(value(Q3, CHAIN_3[1]), sigmoid_by_hand(KK))
    # the check can tell networks apart: the tanh network with Θ itself is another one
    unchanged = by_hand(sp.tanh, lambda j, i: W1[j, i], lambda k_, j: W2[k_, j],
                        lambda k_: W2[k_, 0], KK)
    assert not same_network(sigmoid_by_hand(KK), unchanged)
    assert same_network(value(Q3, FAITHFUL_LAST), unchanged)


@pytest.mark.parametrize(("latex", "expected"), [
    (r"\omega_{ji}^{(1)}", W1[JJ, II]), (r"\omega^{(1)}_{ji}", W1[JJ, II]),
    (r"\omega_{j0}^{(1)}", W1[JJ, 0]), (r"\omega_{kj}^{(2)}", W2[KK, JJ]),
    (r"\omega^{(2)}_{kj}", W2[KK, JJ]), (r"\omega_{k0}^{(2)}", W2[KK, 0]),
    (r"x_{i}", X[II]), (r"x_i", X[II]),
])
def test_q3_plain_spellings(latex: str, expected: sp.Expr) -> None:
    assert sp.simplify(value(Q3, latex) - expected) == 0


@pytest.mark.parametrize("spelling", [r"\tilde{\omega}^{(1)}_{#}", r"\tilde{\omega}_{#}^{(1)}",
                                      r"\tilde{\omega_{#}}^{(1)}", r"\tilde{\omega_{#}^{(1)}}"])
def test_q3_tilde_first_layer(spelling: str, parts: dict[str, sp.Expr]) -> None:
    assert value(Q3, spelling.replace("#", "ji"), parts) == W1[JJ, II] / 2
    assert value(Q3, spelling.replace("#", "j0"), parts) == W1[JJ, 0] / 2
    assert value(Q3, spelling.replace("#", "j,i"), parts) == W1[JJ, II] / 2


@pytest.mark.parametrize("spelling", [r"\tilde{\omega}^{(2)}_{#}", r"\tilde{\omega}_{#}^{(2)}",
                                      r"\tilde{\omega_{#}}^{(2)}", r"\tilde{\omega_{#}^{(2)}}"])
def test_q3_tilde_second_layer_and_bias(spelling: str, parts: dict[str, sp.Expr]) -> None:
    general = value(Q3, spelling.replace("#", "kj"), parts)
    # j is a name that may be 0: the bias there, the part W2 anywhere else
    assert general.xreplace({sp.Eq(JJ, 0): sp.false}) == W2[KK, JJ] / 2
    assert isinstance(general, sp.Piecewise) and general.args[0][1] == sp.Eq(JJ, 0)
    bias = value(Q3, spelling.replace("#", "k0"), parts)
    j = sp.Symbol("jb", integer=True, positive=True)
    expected = W2[KK, 0] + sp.Sum(W2[KK, j] / 2, (j, 1, M))
    for m in (1, 2, 5):  # the bias is the part b2, not the W2 formula at j = 0
        assert sp.expand(write_out(bias.subs(M, m)) - write_out(expected.subs(M, m))) == 0


def test_q3_spellings_that_need_the_answer_say_so() -> None:
    for latex in (r"\tilde{\omega_{ji}}^{(1)}", r"y(x, \Theta', \tanh)_{k}"):
        with pytest.raises(AnswerError, match="depends on the answer"):
            read_step(get(Q3), latex)


@pytest.mark.parametrize(("latex", "named"), [
    (r"\hat{\omega}_{ji}^{(1)}", r"\hat"), (r"y(x, \Phi, \tanh)_k", "`y`"), (r"z_{i}", "`z_"),
])
def test_unknown_notation_is_an_error_naming_it(latex: str, named: str) -> None:
    with pytest.raises(AnswerError, match=named.replace("\\", "\\\\")):
        read_step(get(Q3), latex)


def test_q3_part_spellings_cover_the_where_equations() -> None:
    spec = get(Q3).document
    assert spec is not None
    spelled = {name: {normalise_latex(s) for s in spellings} for name, spellings in spec.parts}
    assert normalise_latex(r"\tilde{\omega_{ji}}^{(1)}") in spelled["W1"]
    assert normalise_latex(r"\tilde{\omega_{kj}}^{(2)}") in spelled["W2"]
    assert normalise_latex(r"\tilde{\omega_{k0}}^{(2)}") in spelled["b2"]
    assert normalise_latex(r"\tilde{\omega}_{k0}^{(2)}") in spelled["b2"]


def test_q3_corrected_chain_every_link_verified(parts: dict[str, sp.Expr]) -> None:
    for before, after in zip(CHAIN_3, CHAIN_3[1:], strict=False):
        verified(link(Q3, before, after, parts))
    # the "where" equations, read as links
    verified(link(Q3, r"\tilde{\omega_{ji}}^{(1)}", r"\frac{\omega_{ji}^{(1)}}{2}", parts))
    # ω̃²_kj = ω²_kj / 2 holds for j >= 1 only ("for j >= 1" is prose): at j = 0 the left
    # side is the bias b2, so as a link in a free j it is never verified.
    free_j = link(Q3, r"\tilde{\omega_{kj}}^{(2)}", r"\frac{\omega_{kj}^{(2)}}{2}", parts)
    assert free_j.status is not Status.VERIFIED
    verified(link(Q3, r"\tilde{\omega_{k0}}^{(2)}",
                  r"\left(\omega_{k0}^{(2)} + \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2}\right)", parts))


def _recheck(cx: Counterexample, before: sp.Expr, after: sp.Expr) -> None:
    """The counterexample's point, evaluated here: the two sides differ there exactly."""
    shown = dict(cx.assignment)
    sizes = {D: int(shown["D"]), M: int(shown["M"]), K: int(shown["K"])}
    indices = {s: int(shown[s.name]) for s in (KK, JJ, II) if s.name in shown}
    point = {}
    for name, v in shown.items():
        if "[" in name:
            base, rest = name.split("[")
            entry = sp.IndexedBase(base, real=True)[tuple(int(t) for t in rest[:-1].split(","))]
            point[entry] = sp.sympify(v, locals={"log": sp.log})
    sides = [write_out(e.subs({**sizes, **indices})).xreplace(point) for e in (before, after)]
    exact = [sp.nsimplify(sp.simplify(s.rewrite(sp.exp).replace(
        lambda e: isinstance(e, sigmoid), lambda e: 1 / (1 + sp.exp(-e.args[0]))))) for s in sides]
    assert exact[0] != exact[1]
    assert sp.Rational(cx.answer) == exact[1] and sp.Rational(cx.truth) == exact[0]


def test_q3_faithful_last_line_is_refuted(parts: dict[str, sp.Expr]) -> None:
    line_58 = CHAIN_3[3]
    cx = refuted(link(Q3, line_58, FAITHFUL_LAST, parts))
    _recheck(cx, tanh_by_hand(KK), value(Q3, FAITHFUL_LAST))
    # ... and the link after it: the tanh network with Θ against the one with Θ′ (false)
    refuted(link(Q3, FAITHFUL_LAST, r"y(x, \Theta', \tanh)_{k}", parts))


@pytest.mark.parametrize(("before", "after"), [
    # a dropped factor: the 1/2 of the lemma
    (CHAIN_3[1], CHAIN_3[2].replace(r"\cdot \frac{1}{2} ", "")),
    # the argument of tanh not halved
    (CHAIN_3[1], CHAIN_3[2].replace(r"\frac{\omega_{ji}^{(1)}}{2}", r"\omega_{ji}^{(1)}")),
    # the bias's sum dropped
    (CHAIN_3[2], CHAIN_3[3].replace(r" + \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2}", "")),
    # an index slip: x_j for x_i
    (CHAIN_3[3], CHAIN_3[3].replace("x_{i}", "x_{1}")),
])
def test_q3_wrong_links_are_refuted(before: str, after: str, parts: dict[str, sp.Expr]) -> None:
    cx = refuted(link(Q3, before, after, parts))
    assert "D" in dict(cx.assignment)


def test_q3_wrong_parts_make_the_last_link_false() -> None:
    wrong = read_answer(get(Q3), REFERENCE_PARTS.replace(r"\frac{\omega_{ji}^{(1)}}{2}",
                                                         r"\omega_{ji}^{(1)}")).value
    refuted(link(Q3, CHAIN_3[3], CHAIN_3[4], wrong))  # line 58 is no longer this network ...
    verified(link(Q3, CHAIN_3[4], CHAIN_3[5], wrong))  # ... which is y(x, Θ', tanh) all the same


def test_q3_lemma() -> None:
    verified(link(Q3, r"\tanh(x)", r"2\sigma(2x) - 1"))
    verified(link(Q3, r"\sigma(x)", r"\frac{1}{2} \left(\tanh(\frac{x}{2}) + 1 \right)"))
    cx = refuted(link(Q3, r"\sigma(x)", r"\frac{1}{2} \left(\tanh(x) + 1 \right)"))
    x = sp.sympify(dict(cx.assignment)["x"], locals={"log": sp.log})
    assert sp.Rational(cx.truth) == sp.nsimplify(sp.simplify(1 / (1 + sp.exp(-x))))
    assert sp.Rational(cx.truth) != sp.Rational(cx.answer)


def test_q3_lemma_x_next_to_the_inputs_is_not_compared() -> None:
    result = link(Q3, r"x + x_{1}", r"x + x_{1}")
    assert result.status is Status.UNDECIDED and "both" in result.method


# -- question 4 -----------------------------------------------------------------------

O_FORMULA = r"\left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1"


def size_link(before: str, after: str) -> StepResult:
    question = get("4.1")
    a, b = (read_step(question, latex).value for latex in (before, after))
    return decide_link(question, a, b, "test")


def test_q4_formula_reads_in_a_step_but_floor_stays_out_of_answers() -> None:
    formula = value("4.1", O_FORMULA)  # the derivation's steps may call floor
    verified(decide_link(get("4.1"), value("4.1", "o"), formula, "test"))
    with pytest.raises(AnswerError, match="floor"):
        read_answer(get("4.1"), r"\left\lfloor \frac{129}{2} \right\rfloor")


def test_q4_o_reads_as_the_simulated_output_size() -> None:
    o = value("4.1", "o")
    i, p, k, s = sorted(o.free_symbols, key=lambda v: "ipks".index(v.name))
    for case in [(1, 0, 1, 1), (7, 1, 3, 2), (128, 3, 8, 2), (64, 1, 3, 1), (10, 0, 10, 3)]:
        assert o.xreplace(dict(zip((i, p, k, s), map(sp.Integer, case), strict=True))) == \
            simulated_size(*case)


def test_q4_general_formula_verified_and_never_the_answer() -> None:
    result = size_link("o", O_FORMULA)
    verified(result)
    assert "proof for every i >= 1" in result.method
    for latex in (O_FORMULA, "o"):
        with pytest.raises(AnswerError):
            read_answer(get("4.1"), latex)
    assert read_answer(get("4.1"), r"64 \times 32 \times 32").value == 65536
    assert not is_asked(get("4.1"), "o")


@pytest.mark.parametrize("wrong", [
    r"\left\lfloor \frac{i + 2p - k}{s} \right\rfloor",  # the +1 dropped
    r"\frac{i + 2p - k}{s} + 1",  # no floor
    r"\left\lfloor \frac{i + p - k}{s} \right\rfloor + 1",  # padding on one side only
    # A floor inside a floor, wrong from i = 200 on only (each floor needs its own integer).
    O_FORMULA + r" + \left\lfloor \frac{1}{2} \left\lfloor \frac{i}{100} \right\rfloor \right\rfloor",
    # Undefined at s = 5, where a divisor cancelled by SymPy is zero.
    O_FORMULA + r" + \left\lfloor \frac{(s-5) i + (s-5) k}{s-5} \right\rfloor - i - k",
    O_FORMULA + r" + \frac{s}{s-5} - \frac{5}{s-5} - 1",  # undefined at s = 5 (z3's case)
    O_FORMULA + r" + \frac{s}{s-2} - \frac{2}{s-2} - 1",  # undefined at s = 2 (the grid)
])
def test_q4_wrong_formulas_refuted_against_the_simulation(wrong: str) -> None:
    cx = refuted(size_link("o", wrong))
    case = tuple(int(v) for _, v in cx.assignment)
    assert Fraction(cx.truth) == simulated_size(*case)
    assert cx.answer == "undefined" or Fraction(cx.answer) != simulated_size(*case)


@pytest.mark.parametrize("wrong", [
    r"\left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1 + \frac{s}{s-2} - \frac{2}{s-2} - 1",
    r"\left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1 + \left\lfloor \frac{(s-5) i + (s-5) k}"
    r"{s-5} \right\rfloor - i - k",
])
def test_q4_a_formula_undefined_at_some_size_is_refuted_against_another(wrong: str) -> None:
    cx = refuted(size_link(O_FORMULA, wrong))
    assert cx.answer == "undefined"


def test_q4_counts() -> None:
    verified(link("4.1", r"64 \times 32 \times 32", "65536"))
    refuted(link("4.1", r"64 \times 32 \times 32", "65535"))
    verified(link("4.2", r"64 \times 32 \times 3 \times 3", "18432"))
    refuted(link("4.2", r"64 \times 32 \times 3 \times 3", "18496"))
    for qid, listed in (("4.3.full", "[1, 2, 5, 8, 6, 8]"), ("4.3.valid", "[5, 8]"),
                        ("4.3.same", "[2, 5, 8, 6]")):
        question = get(qid)
        assert question.document is not None
        parsed = read_answer(question, listed)
        assert decided(question, parsed.value).status is Status.VERIFIED


# -- question 5 -----------------------------------------------------------------------

d, k1, k2, i, n = (sp.Symbol(v, integer=True, positive=True) for v in ("d", "k1", "k2", "i", "n"))
G_, J_, FLIPW2, FULLCONV, VALIDCONV, H1, W2_ = (
    sp.IndexedBase(v, real=True) for v in ("g", "J", "flipw2", "fullconv", "validconv", "h1", "w2"))
MODE = {"5.1": ConvMode.VALID, "5.2": ConvMode.VALID, "5.3": ConvMode.VALID,
        "5.4": ConvMode.FULL, "5.5": ConvMode.FULL, "5.6": ConvMode.FULL}
SIZES = [Sizes(5, 2, 2), Sizes(7, 3, 2), Sizes(9, 2, 4), Sizes(4, 1, 3), Sizes(6, 5, 1)]


def admissible(qid: str, s: Sizes) -> bool:
    return MODE[qid] is ConvMode.FULL or s.k2 <= s.d - s.k1 + 1


@pytest.mark.parametrize("qid", ["5.1", "5.4"])
def test_q5_length_is_asked_in_5_1_and_5_4(qid: str) -> None:
    for spelling in (r"|\boldsymbol{a}^2|", r"|\mathbf{a}^2|", r"\lvert \mathbf{a}^{2} \rvert"):
        assert is_asked(get(qid), spelling)


@pytest.mark.parametrize(("qid", "latex"), [("5.1", "d - k_1 - k_2 + 2"), ("5.4", "d + k_1 + k_2 - 2")])
def test_q5_stated_lengths_verified(qid: str, latex: str) -> None:
    question = get(qid)
    assert decided(question, read_answer(question, latex).value).status \
        is Status.VERIFIED
    wrong = read_answer(question, latex.replace("2", "1")).value
    assert decided(question, wrong).status is Status.REFUTED


@pytest.mark.parametrize("qid", ["5.2", "5.3", "5.5", "5.6"])
def test_q5_lengths_are_those_of_the_built_networks(qid: str) -> None:
    a2, h1 = value(qid, r"|\boldsymbol{a}^2|"), value(qid, r"|\mathbf{h}^1|")
    for s in SIZES:
        if admissible(qid, s):
            at = {d: s.d, k1: s.k1, k2: s.k2}
            assert (h1.subs(at), a2.subs(at)) == network_shape(MODE[qid], s)


@pytest.mark.parametrize("qid", ["5.2", "5.5"])
def test_q5_entries_a2_and_h1_are_the_convolution(qid: str) -> None:
    spellings = [value(qid, latex) for latex in ("a_i^2", "a^2_{i}", r"a_{i}^{2}")]
    for s in SIZES:
        if not admissible(qid, s):
            continue
        h, a = network_shape(MODE[qid], s)
        h1 = Vec(tuple(H1[m] for m in range(1, h + 1)), sp.Integer(0))
        w2 = Vec(tuple(W2_[m] for m in range(1, s.k2 + 1)), sp.Integer(0))
        built = conv(MODE[qid], h1, w2)  # the loop of the definition, run
        for row in range(1, a + 1):
            at = {d: s.d, k1: s.k1, k2: s.k2, i: row}
            for a2_i in spellings:
                assert sp.expand(a2_i.subs(at).doit() - built.at(row)) == 0
        for m in (0, 1, h, h + 1):
            entry = value(qid, f"h^1_{{{m}}}").subs({d: s.d, k1: s.k1})
            assert entry == (H1[m] if 1 <= m <= h else 0)


@pytest.mark.parametrize("qid", ["5.2", "5.5"])
def test_q5_partial_derivative_is_asked_in_5_2_and_5_5(qid: str) -> None:
    for spelling in (r"\frac{\partial a_i^2}{\partial h_n^1}", r"\frac{\partial a^2_i}{\partial h^1_n}"):
        assert is_asked(get(qid), spelling)


@pytest.mark.parametrize("qid", ["5.3", "5.6"])
def test_q5_chain_spellings(qid: str) -> None:
    assert value(qid, r"(\nabla_{\mathbf{a}^2} L)_{2}") == G_[2]
    assert value(qid, r"(\nabla_{\boldsymbol{a}^2} L)_{n+1}") == G_[n + 1]
    assert value(qid, r"\operatorname{flip}(\boldsymbol{w}^2)_{3}") == FLIPW2[3]
    assert value(qid, r"\text{flip}(\boldsymbol{w}^2)_{3}") == FLIPW2[3]
    assert value(qid, r"\mathrm{flip}(\boldsymbol{w}^{2})_{3}") == FLIPW2[3]
    for latex in (r"(\nabla_{\boldsymbol{a}^2} L \ \tilde{*} \ \text{flip}(\boldsymbol{w}^2))_n",
                  r"(\nabla_{\boldsymbol{a}^2} L \tilde{*} \operatorname{flip}(\boldsymbol{w}^2))_n"):
        assert value(qid, latex) == FULLCONV[n]
    for latex in (r"(\nabla_{\boldsymbol{a}^2} L * flip(\boldsymbol{w}^2))_n",
                  r"(\nabla_{\boldsymbol{a}^2} L \ast \text{flip}(\boldsymbol{w}^2))_n"):
        assert value(qid, latex) == VALIDCONV[n]
    jacobian = value(qid, r"\frac{\partial a_{2}^2}{\partial h_n^1}")
    assert jacobian == J_[2, n]
    start = value(qid, r"(\nabla_{\mathbf{h}^1} L)_n")
    (bound, low, high), = start.limits
    length = d - k1 - k2 + 2 if MODE[qid] is ConvMode.VALID else d + k1 + k2 - 2
    assert (low, sp.expand(high - length)) == (1, 0)
    assert start.function == G_[bound] * J_[bound, n]


def _chain(qid: str, steps: list[str]) -> tuple[Question, tuple[sp.Basic, ...]]:
    question = get(qid)
    return question, tuple(value(qid, s) for s in steps)


CHAIN_5_3 = [
    r"(\nabla_{\mathbf{h}^1} L)_n",
    r"\sum_{i=1}^{|\mathbf{a}^2|} (\nabla_{\mathbf{a}^2} L)_i \frac{\partial a_i^2}{\partial h_n^1}",
    r"\sum_{i=n-k_2+1}^{n} (\nabla_{\mathbf{a}^2} L)_i w_{n-i+1}^2",
    r"\sum_{j=1}^{k_2} (\nabla_{\mathbf{a}^2} L)_{n+j-k_2} w_{k_2-j+1}^2",
    r"\sum_{j=1}^{k_2} (\nabla_{\boldsymbol{a}^2} L)_{n+j-k_2} \operatorname{flip}(\boldsymbol{w}^2)_j",
    r"(\nabla_{\boldsymbol{a}^2} L \ \tilde{*} \ \text{flip}(\boldsymbol{w}^2))_n",
]
CHAIN_5_6 = [
    r"(\nabla_{\mathbf{h}^1} L)_n",
    r"\sum_{i=1}^{|\mathbf{a}^2|} (\nabla_{\mathbf{a}^2} L)_i \frac{\partial a_i^2}{\partial h_n^1}",
    r"\sum_{i=n}^{n+k_2-1} (\nabla_{\boldsymbol{a}^2} L)_i w_{n+k_2-i}^2",
    r"\sum_{j=1}^{k_2} (\nabla_{\mathbf{a}^2} L)_{n+j-1} w_{k_2-j+1}^2",
    r"\sum_{j=1}^{k_2} (\nabla_{\boldsymbol{a}^2} L)_{n+j-1} \operatorname{flip}(\boldsymbol{w}^2)_j",
    r"(\nabla_{\boldsymbol{a}^2} L * flip(\boldsymbol{w}^2))_n",
]


@pytest.mark.parametrize(("qid", "steps"), [("5.3", CHAIN_5_3), ("5.6", CHAIN_5_6)])
def test_q5_corrected_chains_verified_by_the_chain_claim(qid: str, steps: list[str]) -> None:
    question, values = _chain(qid, steps)
    outcome = decided(question, values)
    assert outcome.status is Status.VERIFIED, outcome.method
    assert all(s.status is Status.VERIFIED for s in outcome.steps)
    assert showing_problem(question, list(values)) is None
    spec = question.document
    assert spec is not None and spec.ends is not None
    assert values[0] == spec.ends[0]() and values[-1] in side_ways(spec.ends[1]())


@pytest.mark.parametrize(("qid", "steps", "slip"), [
    ("5.3", CHAIN_5_3, (3, "{n+j-k_2}", "{n+j-k_2+1}")),  # an index slip in a middle step
    ("5.6", CHAIN_5_6, (2, "w_{n+k_2-i}^2", "w_{n+k_2-i+1}^2")),
    ("5.3", CHAIN_5_3, (4, r"\operatorname{flip}(\boldsymbol{w}^2)_j", "w_{j}^2")),  # flip lost
])
def test_q5_chain_slips_are_refuted(qid: str, steps: list[str], slip: tuple[int, str, str]) -> None:
    at, old, new = slip
    wrong = list(steps)
    assert old in wrong[at]
    wrong[at] = wrong[at].replace(old, new)
    question, values = _chain(qid, wrong)
    outcome = decided(question, values)
    assert outcome.status is Status.REFUTED
    bad = [s for s in outcome.steps if s.status is Status.REFUTED]
    assert bad and all(s.counterexample is not None for s in bad)
    assert bad[0].text.startswith(f"step {at + 1}")


def test_q5_chain_that_assumes_the_identity_is_flagged() -> None:
    question, values = _chain("5.3", [CHAIN_5_3[0], CHAIN_5_3[-1]])
    assert showing_problem(question, list(values)) is not None


DEFINITIONS = {"5.2": (r"a_i^2", r"\sum_{j=1}^{k_2} h_{i+j-1}^1 w_j^2"),
               "5.5": (r"a_i^2", r"\sum_{j=1}^{k_2} h_{i+j-k_2}^1 w_j^2")}


@pytest.mark.parametrize("qid", ["5.2", "5.5"])
def test_q5_definition_display_verified_for_every_size(qid: str) -> None:
    before, after = DEFINITIONS[qid]
    result = link(qid, before, after)
    verified(result)
    assert "every admissible d, k1, k2" in result.method


@pytest.mark.parametrize(("qid", "wrong"), [
    ("5.2", r"\sum_{j=1}^{k_2} h_{i+j}^1 w_j^2"),  # index slip
    ("5.2", r"\sum_{j=1}^{k_2-1} h_{i+j-1}^1 w_j^2"),  # a term dropped
    ("5.5", r"\sum_{j=1}^{k_2} h_{i+j-1}^1 w_j^2"),  # the valid definition in the full network
])
def test_q5_wrong_definitions_refuted_with_exact_counterexamples(qid: str, wrong: str) -> None:
    cx = refuted(link(qid, DEFINITIONS[qid][0], wrong))
    shown = dict(cx.assignment)
    s = Sizes(int(shown["d"]), int(shown["k1"]), int(shown["k2"]))
    row = int(shown["i"])
    h, _ = network_shape(MODE[qid], s)
    h1 = Vec(tuple(H1[m] for m in range(1, h + 1)), sp.Integer(0))
    w2 = Vec(tuple(W2_[m] for m in range(1, s.k2 + 1)), sp.Integer(0))
    assert sp.expand(sp.sympify(cx.truth, locals={"h1": H1, "w2": W2_})
                     - conv(MODE[qid], h1, w2).at(row)) == 0
    assert sp.expand(sp.sympify(cx.answer, locals={"h1": H1, "w2": W2_})
                     - sp.sympify(cx.truth, locals={"h1": H1, "w2": W2_})) != 0


CASES_5_2 = (r"\begin{cases} w_{n-i+1}^2, & \text{if } \max(n-k_2+1,1) \le i \le "
             r"\min(n, |\boldsymbol{a}^2|) \\ 0, & \text{otherwise} \end{cases}")
CASES_5_5 = (r"\begin{cases} w_{n+k_2-i}^2, & \text{if } n \le i \le n+k_2-1\\ 0, & "
             r"\text{otherwise} \end{cases}")


@pytest.mark.parametrize(("qid", "cases"), [("5.2", CASES_5_2), ("5.5", CASES_5_5)])
def test_q5_entry_answers_read_in_the_notation_and_verified(qid: str, cases: str) -> None:
    question = get(qid)
    entry = value(qid, cases)  # |a^2| inside the condition is the length rule's value
    outcome = decided(question, entry)
    assert outcome.status is Status.VERIFIED, outcome.method
    wrong = value(qid, cases.replace("w_{n-i+1}^2", "w_{n-i}^2").replace("w_{n+k_2-i}^2", "w_{n+k_2-i+1}^2"))
    assert decided(question, wrong).status is Status.REFUTED


@pytest.mark.parametrize(("qid", "before", "after"), [
    ("5.3", CHAIN_5_3[2], CHAIN_5_3[3]), ("5.3", CHAIN_5_3[4], CHAIN_5_3[5]),
    ("5.6", CHAIN_5_6[1], CHAIN_5_6[2]),
])
def test_q5_link_outside_the_chain_claim(qid: str, before: str, after: str) -> None:
    verified(link(qid, before, after))


def test_q5_unknown_notation_is_an_error_naming_it() -> None:
    with pytest.raises(AnswerError, match=r"\\nabla"):
        read_step(get("5.3"), r"(\nabla_{\mathbf{z}^1} L)_n")
    with pytest.raises(AnswerError, match="flop"):
        read_step(get("5.3"), r"\operatorname{flop}(\boldsymbol{w}^2)_j")
    with pytest.raises(AnswerError, match="b_i"):
        read_step(get("5.2"), r"b_i^2")
