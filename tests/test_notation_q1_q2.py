"""Questions 1 and 2 in a written derivation (`derivcheck doc`): every spelling of the
course's reference solutions reads as the value derived here independently (SymPy on
the textbook formulas written in this file, softmax written out at a concrete K), every
link of the corrected transcription is verified, and wrong variants (a sign flip, a
dropped factor, an index slip, the solution's own `x_k` slip) are refuted with a
counterexample."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

from checker import DEFAULT_OPTIONS, Status, check_answer, get
from checker.language.notation import read_answer, read_step
from checker.model.errors import AnswerError
from checker.prove.engine import decide
from checker.run.links import decide_link

SOLUTIONS = Path(__file__).resolve().parent.parent / "examples" / "solutions"
CORRECTED = SOLUTIONS / "assignment-1-solutions-corrected.tex"
FAITHFUL = SOLUTIONS / "assignment-1-solutions.tex"

XT = r"(\boldsymbol{x},\boldsymbol{\theta})"
XT_SPACED = r"(\boldsymbol{x}, \boldsymbol{\theta})"
F = rf"f{XT}"
A = rf"a{XT}"
L_CE = rf"L_{{CE}}({F},y)"
L_MSE = rf"L_{{MSE}}({F},y)"
F_SP, A_SP = rf"f{XT_SPACED}", rf"a{XT_SPACED}"


# Independent values ---------------------------------------------------------------------
# Question 1 at points (f, y), with a = log(f / (1 - f)) wherever a step names a.
POINTS_1 = [(sp.Rational(1, 3), 0), (sp.Rational(1, 3), 1), (sp.Rational(4, 5), 0), (sp.Rational(4, 5), 1)]
fs, ys, as_ = sp.symbols("f y a")
SIGMA = 1 / (1 + sp.exp(-as_))
CE = -ys * sp.log(fs) - (1 - ys) * sp.log(1 - fs)
MSE_HALF = (fs - ys) ** 2 / 2  # the course solution's L_MSE


def through_sigmoid(loss: sp.Expr) -> sp.Expr:
    return sp.diff(loss.subs(fs, SIGMA), as_)


EXPECTED_1: dict[str, sp.Expr] = {
    "L_CE": CE,
    "dCE/df": sp.diff(CE, fs),
    "dCE/da": through_sigmoid(CE),
    "L_MSE": MSE_HALF,
    "dMSE/df": sp.diff(MSE_HALF, fs),
    "dMSE/da": through_sigmoid(MSE_HALF),
    "df/da": sp.diff(SIGMA, as_),
    "g(a)": SIGMA,
    "f": fs,
}


def at_point_1(expr: sp.Expr, f: sp.Rational, y: int) -> sp.Float:
    names = {"f": f, "y": sp.Integer(y), "a": sp.log(f / (1 - f))}
    return sp.N(expr.xreplace({s: names[s.name] for s in expr.free_symbols}), 30)


def equal_1(value: sp.Expr, expected: sp.Expr) -> bool:
    return all(abs(at_point_1(value, f, y) - at_point_1(expected, f, y)) < sp.Float(10) ** -20
               for f, y in POINTS_1)


# Question 2 written out at K = 2..4, every index value, at exact points.
X_VALUES = [sp.Rational(1, 2), sp.Integer(2), sp.Integer(-1), sp.Rational(1, 3)]
C_VALUE = sp.Rational(5, 2)


def xs(size: int) -> list[sp.Expr]:
    return X_VALUES[:size]


def softmax_list(values: list[sp.Expr]) -> list[sp.Expr]:
    total = sum(sp.exp(v) for v in values)
    return [sp.exp(v) / total for v in values]


def written_2(expr: sp.Expr, size: int, **indices: int) -> sp.Float:
    """expr at K = size, the given indices and x = X_VALUES[:size], c = C_VALUE: every Sum
    written out (sizes and free indices by name; bound indices are not free symbols)."""
    names = {"K": size, "c": C_VALUE, **indices}
    value = expr.xreplace({s: sp.sympify(names[s.name]) for s in expr.free_symbols
                           if s.name in names})
    value = value.doit()
    value = value.replace(lambda e: isinstance(e, sp.Indexed) and str(e.base) == "x",
                          lambda e: xs(size)[int(e.indices[0]) - 1])
    unknown = value.free_symbols
    assert not unknown, f"{sp.sstr(expr)} still names {unknown} at K = {size}"
    return sp.N(value, 30)


def close(a: sp.Expr, b: sp.Expr) -> bool:
    return bool(abs(sp.N(a, 30) - sp.N(b, 30)) < sp.Float(10) ** -20)


def jacobian(size: int) -> sp.Matrix:
    """SymPy's Jacobian of the softmax written out at this size, at X_VALUES."""
    symbols = sp.symbols(f"u1:{size + 1}")
    s = sp.Matrix(softmax_list(list(symbols)))
    return s.jacobian(symbols).subs(dict(zip(symbols, xs(size), strict=True)))


def entry_of_leading_zero(tail: list[sp.Expr], m: int) -> sp.Expr:
    return softmax_list([sp.Integer(0), *tail])[m - 1]


# Reading: every spelling ------------------------------------------------------------------
SPELLINGS_1 = [
    ("1.4", rf"\frac{{\partial {L_CE}}}{{\partial {F}}}", "dCE/df"),
    ("1.4", r"\frac{\partial L_{CE}}{\partial f}", "dCE/df"),
    ("1.4", rf"\frac{{\partial {F_SP}}}{{\partial {A_SP}}}", "df/da"),
    ("1.4", r"\frac{\partial f}{\partial a}", "df/da"),
    ("1.4", rf"\frac{{\partial g({A_SP})}}{{\partial {A_SP}}}", "df/da"),
    ("1.4", r"\frac{\partial g(a)}{\partial a}", "df/da"),
    ("1.4", r"\sigma'(a)", "df/da"),
    ("1.4", r"g'(a)", "df/da"),
    ("1.4", r"g(a)", "g(a)"),
    ("1.4", rf"g({A_SP})(1 - g({A_SP}))", None),  # checked below against g(1-g)
    ("1.4", r"L_{CE}", "L_CE"),
    ("1.4", L_CE, "L_CE"),
    ("1.4", r"L_{\text{CE}}(f, y)", "L_CE"),
    ("1.4", F, "f"),
    ("1.6", r"L_{MSE}", "L_MSE"),
    ("1.6", L_MSE, "L_MSE"),
    ("1.6", rf"\frac{{\partial {L_MSE}}}{{\partial {F}}}", "dMSE/df"),
    ("1.6", r"\frac{\partial L_{MSE}}{\partial f}", "dMSE/df"),
    ("1.6", r"\frac{\partial f}{\partial a}", "df/da"),
    ("1.7", r"\frac{\partial L_{CE}}{\partial a}", "dCE/da"),
    ("1.7", r"\frac{\partial L_{MSE}}{\partial a}", "dMSE/da"),
    ("1.3", r"\frac{\partial L_{CE}}{\partial a}", "dCE/da"),
    ("1.5", r"\frac{\partial L_{MSE}}{\partial f}", "dMSE/df"),
]


@pytest.mark.parametrize(("qid", "latex", "key"), SPELLINGS_1)
def test_question_1_spellings_read_as_the_derived_values(qid: str, latex: str, key: str | None) -> None:
    step = read_step(get(qid), latex)
    assert not step.asked
    expected = EXPECTED_1[key] if key else SIGMA * (1 - SIGMA)
    assert equal_1(step.value, expected), (latex, step.shown)


ASKED = [
    ("1.1", "g(x)"), ("1.1", "g(a)"),
    ("1.2", F_SP), ("1.2", "f"),
    ("1.3", L_CE), ("1.3", r"L_{CE}"), ("1.3", r"L_{CE}(f, y)"),
    ("1.4", rf"\frac{{\partial {L_CE}}}{{\partial {A}}}"), ("1.4", r"\frac{\partial L_{CE}}{\partial a}"),
    ("1.4", r"\frac{\partial L_{CE}(f,y)}{\partial a}"),
    ("1.5", L_MSE), ("1.5", r"L_{MSE}"),
    ("1.6", rf"\frac{{\partial {L_MSE}}}{{\partial {A}}}"), ("1.6", r"\frac{\partial L_{MSE}}{\partial a}"),
    ("2.2", "z"),
    ("2.3", "y_i"),
    ("2.4", r"J_{\text{softmax}}(\boldsymbol{x})"),
]


@pytest.mark.parametrize(("qid", "latex"), ASKED)
def test_the_asked_quantity_is_recognised(qid: str, latex: str) -> None:
    assert read_step(get(qid), latex).asked


def test_the_asked_quantity_stands_for_the_stated_answer() -> None:
    answer = read_answer(get("1.4"), "f - y").value
    step = read_step(get("1.4"), r"\frac{\partial L_{CE}}{\partial a} f", answer=answer)
    assert equal_1(step.value, (fs - ys) * fs)
    z = read_answer(get("2.2"), "x_1 - x_2").value
    x1, x2 = sp.symbols("x1 x2")
    step = read_step(get("2.2"), r"\sigma(z)", answer=z)
    values = {"x1": sp.Rational(1, 2), "x2": sp.Integer(2)}
    mine = step.value.xreplace({s: values[s.name] for s in step.value.free_symbols})
    assert close(mine, (1 / (1 + sp.exp(-(x1 - x2)))).subs({x1: values["x1"], x2: values["x2"]}))


def test_question_1_1_reads_g_of_x_as_g_of_a() -> None:
    """The solution's `g(x) = \\frac{1}{1+e^{-x}}`: its right side is an answer (x is g's argument)."""
    parsed = read_answer(get("1.1"), r"\frac{1}{1 + e^{-x}}")
    assert check_answer("1.1", r"\frac{1}{1 + e^{-x}}", latex=True).status is Status.VERIFIED
    assert decide(get("1.1").claim(parsed.value, DEFAULT_OPTIONS)).status is Status.VERIFIED
    assert check_answer("1.1", "1 - sigmoid(x)").status is Status.REFUTED
    mixed = check_answer("1.1", "sigmoid(a) + x")
    assert mixed.status is Status.ERROR and "not both" in mixed.reason


def test_question_1_2_states_its_answer_inline() -> None:
    assert read_answer(get("1.2"), r"\mathbb{P}(y = 1 \mid x)").value == "P(y=1|x)"


SOFTMAX_2 = [  # (qid, latex, the independent value at K, indices)
    ("2.1", r"S(\boldsymbol{x}+c)_i",
     lambda n, i: softmax_list([v + C_VALUE for v in xs(n)])[i - 1]),
    ("2.1", r"S(\boldsymbol{x})_i", lambda n, i: softmax_list(xs(n))[i - 1]),
    ("2.1", r"S(\boldsymbol{x})_{i}", lambda n, i: softmax_list(xs(n))[i - 1]),
]


@pytest.mark.parametrize(("qid", "latex", "expected"), SOFTMAX_2)
def test_softmax_entries_read_as_the_definition(qid: str, latex: str, expected: Any) -> None:
    value = read_step(get(qid), latex).value
    for n in (2, 3, 4):
        for i in range(1, n + 1):
            assert close(written_2(value, n, i=i), expected(n, i)), (latex, n, i)


def test_two_class_softmax_entries() -> None:
    for entry in (1, 2):
        value = read_step(get("2.2"), rf"S(\boldsymbol{{x}})_{entry}").value
        point = {"x1": X_VALUES[0], "x2": X_VALUES[1]}
        mine = value.xreplace({s: point[s.name] for s in value.free_symbols})
        assert close(mine, softmax_list(xs(2))[entry - 1])


def test_reduced_parameter_vectors_read_as_their_entry_m() -> None:
    question = get("2.3")
    answer = read_answer(question, "x_{i+1} - x_1").value
    cases = [
        (r"S(\mathbf{x})", lambda n, m: softmax_list(xs(n))[m - 1]),
        (r"S(\mathbf{x} - x_1)", lambda n, m: softmax_list([v - xs(n)[0] for v in xs(n)])[m - 1]),
        (r"S([0, x_2 - x_1, x_3 - x_1..., x_K - x_1]^{\top})",
         lambda n, m: entry_of_leading_zero([xs(n)[t] - xs(n)[0] for t in range(1, n)], m)),
        (r"S([0, x_2 - x_1, \dots, x_K - x_1]^T)",
         lambda n, m: entry_of_leading_zero([xs(n)[t] - xs(n)[0] for t in range(1, n)], m)),
        (r"S([0, y_1, ..., y_{K-1}]^{\top})",  # y_t = x_{t+1} - x_1, the stated answer
         lambda n, m: entry_of_leading_zero([xs(n)[t] - xs(n)[0] for t in range(1, n)], m)),
        (r"S(\mathbf{x})_{1}", lambda n, m: softmax_list(xs(n))[0]),
    ]
    for latex, expected in cases:
        value = read_step(question, latex, answer=answer).value
        for n in (2, 3, 4):
            for m in range(1, n + 1):
                assert close(written_2(value, n, m=m), expected(n, m)), (latex, n, m)
    # A wrong answer is what the last vector is built from: y_t = x_t - x_1.
    slip = read_answer(question, "x_i - x_1").value
    value = read_step(question, r"S([0, y_1, ..., y_{K-1}]^{\top})", answer=slip).value
    expected = entry_of_leading_zero([xs(3)[0] - xs(3)[0], xs(3)[1] - xs(3)[0]], 3)
    assert close(written_2(value, 3, m=3), expected)


def test_jacobian_spellings_read_as_sympys_jacobian() -> None:
    question = get("2.4")
    spellings = [
        (r"J_{\text{softmax}}(\boldsymbol{x})_{ij}", lambda n, i, j: jacobian(n)[i - 1, j - 1]),
        (r"\frac{\partial S(\boldsymbol{x})_i}{\partial x_j}", lambda n, i, j: jacobian(n)[i - 1, j - 1]),
        (r"\frac{\partial p_i}{\partial x_j}", lambda n, i, j: jacobian(n)[i - 1, j - 1]),
        (r"\delta_{ij}", lambda n, i, j: sp.Integer(1 if i == j else 0)),
        (r"\sum_k \exp(x_k)", lambda n, i, j: sum(sp.exp(v) for v in xs(n))),
        (r"(\sum_{k} e^{x_k})^2", lambda n, i, j: sum(sp.exp(v) for v in xs(n)) ** 2),
        (r"S(\boldsymbol{x})_j", lambda n, i, j: softmax_list(xs(n))[j - 1]),
        (r"p_i", lambda n, i, j: softmax_list(xs(n))[i - 1]),
        (r"\exp(x_i) \exp(x_j)", lambda n, i, j: sp.exp(xs(n)[i - 1] + xs(n)[j - 1])),
    ]
    for latex, expected in spellings:
        value = read_step(question, latex).value
        for n in (2, 3):
            for i in range(1, n + 1):
                for j in range(1, n + 1):
                    assert close(written_2(value, n, i=i, j=j), expected(n, i, j)), (latex, n, i, j)
    assert read_step(question, r"S(\boldsymbol{x})").value == sp.MatrixSymbol("p", sp.Symbol("K"), 1) or \
        str(read_step(question, r"S(\boldsymbol{x})").value) == "p"


@pytest.mark.parametrize(("qid", "latex", "named"), [
    ("1.4", r"L_{XY}", "L_{XY}"),
    ("1.4", r"\frac{\partial L_{XY}}{\partial a}", r"\partial"),
    ("1.6", r"\frac{\partial L_{MSE}}{\partial y}", r"\partial"),
    ("2.2", r"S(\boldsymbol{x})_3", "S(x)_3"),
    ("2.4", r"\sum_m \exp(x_m)", r"\sum"),
    ("2.3", r"S([0, y_1, ..., y_{K-1}]^{\top})", "depends on the answer"),
    ("2.1", r"\frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_n+c)}", "`n`"),
])
def test_unknown_notation_is_an_error_naming_it(qid: str, latex: str, named: str) -> None:
    with pytest.raises(AnswerError) as caught:
        read_step(get(qid), latex)
    assert named in str(caught.value)


# Links: the corrected solutions, every link verified ---------------------------------------------
def steps_of(display: str) -> list[str]:
    """A display's steps: split at every `=` outside brackets."""
    out, depth, current = [], 0, ""
    for ch in display:
        depth += ch in "({[" and 1 or 0
        depth -= ch in ")}]" and 1 or 0
        if ch == "=" and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    return [*out, current.strip()]


S_XC = r"S(\boldsymbol{x}+c)_i"
X_VECTOR = r"S([0, x_2 - x_1, x_3 - x_1..., x_K - x_1]^{\top})"
Y_VECTOR = r"S([0, y_1, ..., y_{K-1}]^{\top})"
J_IJ = r"J_{\text{softmax}}(\boldsymbol{x})_{ij}"
S_I, S_J = r"S(\boldsymbol{x})_i", r"S(\boldsymbol{x})_j"
CORRECTED_21 = (
    rf"{S_XC} = \frac{{\exp(x_i+c)}}{{\sum_{{j=1}}^K \exp(x_j+c)}}",
    r"= \frac{\exp(c)\exp(x_i)}{\sum_{j=1}^K \exp(c)\exp(x_j)}",
    r"= \frac{\exp(c)\exp(x_i)}{\exp(c)\sum_{j=1}^K \exp(x_j)}",
    r"= S(\boldsymbol{x})_i",
)
FAITHFUL_21 = tuple(line.replace("x_j", "x_k") for line in CORRECTED_21[:3]) + CORRECTED_21[3:]
DISPLAY_1_4 = (rf"\frac{{\partial {F_SP}}}{{\partial {A_SP}}} = \frac{{\partial g(a{XT_SPACED})}}"
               rf"{{\partial {A_SP}}} = g(a{XT_SPACED})(1 - g(a{XT_SPACED})) = {F_SP}(1 - {F_SP})")
# (question, the display or inline equation as the corrected copy writes it, the stated answer)
REFERENCE = [
    ("1.1", r"g(x) = \frac{1}{1 + e^{-x}}", None),
    ("1.3", rf"{L_CE} = -y\log({F}) - (1-y)\log(1-{F})", None),
    ("1.4", rf"\frac{{\partial {L_CE}}}{{\partial {A}}} = \frac{{\partial {L_CE}}}{{\partial {F}}} "
            rf"\frac{{\partial {F}}}{{\partial {A}}}", None),
    ("1.4", DISPLAY_1_4, None),
    ("1.4", rf"\frac{{\partial {L_CE}}}{{\partial {F}}} = -\frac{{y}}{{{F}}} + \frac{{1-y}}{{1-{F}}}", None),
    ("1.4", rf"\frac{{\partial {L_CE}}}{{\partial {A}}} = -y(1 - {F}) + (1 - y){F} = {F} - y", None),
    ("1.5", rf"L_{{MSE}}({F},y) = 0.5 \times ({F} - y)^2", None),
    ("1.6", rf"\frac{{\partial {L_MSE}}}{{\partial {A}}} = \frac{{\partial {L_MSE}}}{{\partial {F}}} "
            rf"\frac{{\partial {F}}}{{\partial {A}}}", None),
    ("1.6", rf"\frac{{\partial {L_MSE}}}{{\partial {F}}} = {F} - y", None),
    ("1.6", rf"\frac{{\partial {L_MSE}}}{{\partial {A}}} = ({F} - y){F}(1 - {F})", None),
    ("2.1", " ".join(CORRECTED_21), None),
    ("2.2", r"\sigma(z) = \frac{1}{1 + \exp(-x_1 + x_2)} = \frac{\exp(x_1)}{\exp(x_1) + \exp(x_2)} "
            r"= S(\boldsymbol{x})_1", "x_1 - x_2"),
    ("2.2", r"1 - \sigma(z) = S(\boldsymbol{x})_2", "x_1 - x_2"),
    ("2.3", r"S(\mathbf{x}) = S(\mathbf{x} - x_1) = S([0, x_2 - x_1, x_3 - x_1..., x_K - x_1]^{\top}) "
            r"= S([0, y_1, ..., y_{K-1}]^{\top})", "x_{i+1} - x_1"),
    ("2.4", r"J_{\text{softmax}}(\boldsymbol{x})_{ij} = \frac{\partial S(\boldsymbol{x})_i}{\partial x_j} = "
            r"\frac{\delta_{ij} \exp(x_i) \sum_k \exp(x_k) - \exp(x_i) \exp(x_j)}{(\sum_k \exp(x_k))^2} = "
            r"S(\boldsymbol{x})_i (\delta_{ij} - S(\boldsymbol{x})_j)", None),
    ("2.4", r"p = S(x)", None),
]


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("qid", "display", "answer"), REFERENCE)
def test_the_formulas_are_the_corrected_copys(qid: str, display: str, answer: str | None) -> None:
    """Every formula here is written as the transcription writes it (spaces aside)."""
    text = _squashed(CORRECTED.read_text(encoding="utf-8"))
    chains = [display] if qid != "2.1" else list(CORRECTED_21)
    for chain in chains:
        assert _squashed(chain) in text, chain


def test_the_faithful_copy_has_the_x_k_slip() -> None:
    text = _squashed(FAITHFUL.read_text(encoding="utf-8"))
    assert all(_squashed(line) in text for line in FAITHFUL_21)


def read_chain(qid: str, display: str, answer: str | None) -> list[Any]:
    question = get(qid)
    stated = read_answer(question, answer).value if answer else None
    return [read_step(question, s, answer=stated) for s in steps_of(display) if s]


@pytest.mark.parametrize(("qid", "display", "answer"), REFERENCE)
def test_every_link_of_the_corrected_solutions_is_verified(qid: str, display: str,
                                                            answer: str | None) -> None:
    question = get(qid)
    steps = read_chain(qid, display, answer)
    for n in range(1, len(steps)):
        before, after = steps[n - 1], steps[n]
        if before.asked:  # the asked quantity: the question's own claim on the next step
            outcome = decide(question.claim(after.value, DEFAULT_OPTIONS))
            assert outcome.status is Status.VERIFIED, (qid, n, outcome)
            continue
        result = decide_link(question, before.value, after.value, f"step {n}->{n + 1}")
        assert result.status is Status.VERIFIED, (qid, n, result)
        if qid in ("2.1", "2.3", "2.4") and not isinstance(before.value, sp.MatrixExpr):
            assert result.method.startswith("proved for every K ≥ 2"), result.method


def test_the_chain_claim_verifies_the_corrected_2_1() -> None:
    values = tuple(s.value for s in read_chain("2.1", " ".join(CORRECTED_21), None))
    outcome = decide(get("2.1").claim(values, DEFAULT_OPTIONS))
    assert outcome.status is Status.VERIFIED, outcome
    assert outcome.method.startswith("proved for every K ≥ 2")


def test_the_chain_claim_refutes_the_x_k_slip_at_its_two_links() -> None:
    """Faithful 2.1: S(x+c)_i -> (sum of exp(x_k + c) over j) and its last line -> S(x)_i
    are false; the two links between the x_k lines are true, for every k."""
    values = tuple(s.value for s in read_chain("2.1", " ".join(FAITHFUL_21), None))
    outcome = decide(get("2.1").claim(values, DEFAULT_OPTIONS))
    assert outcome.status is Status.REFUTED
    # steps: the derived start, the five written steps, the derived end
    statuses = [s.status for s in outcome.steps]
    assert statuses == [Status.VERIFIED, Status.VERIFIED, Status.REFUTED, Status.VERIFIED,
                        Status.VERIFIED, Status.REFUTED, Status.VERIFIED], statuses
    for step in (outcome.steps[2], outcome.steps[5]):
        assert step.counterexample is not None
        point = dict(step.counterexample.assignment)
        size, i, k = int(point["K"]), int(point["i"]), int(point["k"])
        assert size >= 2 and 1 <= i <= size and 1 <= k <= size
        # re-evaluated here: S(x + c)_i against exp(x_i + c) / (K exp(x_k + c))
        x = [sp.Rational(point.get(f"x[{m}]", "0")) for m in range(1, size + 1)]
        c = sp.Rational(point.get("c", "0"))
        true = softmax_list([v + c for v in x])[i - 1]
        slipped = sp.exp(x[i - 1] + c) / (size * sp.exp(x[k - 1] + c))
        assert not close(true, slipped)


def test_decide_link_refutes_the_x_k_slip() -> None:
    question = get("2.1")
    steps = read_chain("2.1", " ".join(FAITHFUL_21), None)
    expected = [Status.REFUTED, Status.VERIFIED, Status.VERIFIED, Status.REFUTED]
    for n, status in enumerate(expected, start=1):
        result = decide_link(question, steps[n - 1].value, steps[n].value, f"step {n}->{n + 1}")
        assert result.status is status, (n, result)
        if status is Status.REFUTED:
            assert result.counterexample is not None
            point = dict(result.counterexample.assignment)
            assert 1 <= int(point["k"]) <= int(point["K"]) and 1 <= int(point["i"]) <= int(point["K"])


# Wrong variants: refuted with a counterexample ----------------------------------------------------
WRONG = [
    # question 1
    ("1.4", rf"\frac{{\partial {L_CE}}}{{\partial {F}}} = \frac{{y}}{{{F}}} + \frac{{1-y}}{{1-{F}}}", None),
    ("1.4", rf"-y(1 - {F}) + (1 - y){F} = y - {F}", None),  # sign flip
    ("1.4", rf"\frac{{\partial {F_SP}}}{{\partial {A_SP}}} = {F_SP}", None),  # dropped factor 1 - f
    ("1.4", r"g(a)(1 - g(a)) = f(1 + f)", None),
    ("1.4", r"\frac{\partial L_{CE}}{\partial f} \frac{\partial f}{\partial a} = f + y", None),
    ("1.6", rf"\frac{{\partial {L_MSE}}}{{\partial {F}}} = y - {F}", None),
    ("1.6", r"\frac{\partial L_{MSE}}{\partial f}\frac{\partial f}{\partial a} = (f - y)(1 - f)", None),
    # 2.1
    ("2.1", rf"{S_XC} = \frac{{\exp(x_i-c)}}{{\sum_{{j=1}}^K \exp(x_j+c)}}", None),  # sign flip
    ("2.1", r"\frac{\exp(c)\exp(x_i)}{\sum_{j=1}^K \exp(c)\exp(x_j)} = "
            r"\frac{\exp(c)\exp(x_i)}{\sum_{j=1}^K \exp(x_j)}", None),  # exp(c) dropped below
    ("2.1", rf"{S_XC} = \frac{{\exp(x_{{i+1}}+c)}}{{\sum_{{j=1}}^K \exp(x_j+c)}}", None),  # index slip
    ("2.1", rf"{S_XC} = \frac{{\exp(x_i+c)}}{{\sum_{{j=1}}^{{K-1}} \exp(x_j+c)}}", None),  # a bound slip
    ("2.1", rf"{S_XC} = \frac{{\exp(x_i+c)}}{{\sum_{{j=1}}^K \exp(x_k+c)}}", None),  # the x_k slip
    # 2.2
    ("2.2", r"\sigma(z) = \frac{\exp(x_2)}{\exp(x_1) + \exp(x_2)}", "x_1 - x_2"),
    ("2.2", r"1 - \sigma(z) = S(\boldsymbol{x})_1", "x_1 - x_2"),
    ("2.2", r"\sigma(z) = S(\boldsymbol{x})_1", "x_2 - x_1"),  # a sign flip in the answer
    # 2.3: wrong answers make the last link false; index slips
    ("2.3", f"{X_VECTOR} = {Y_VECTOR}", "x_i - x_1"),  # an index slip
    ("2.3", f"{X_VECTOR} = {Y_VECTOR}", "x_{i+1} + x_1"),  # a sign flip
    ("2.3", f"{X_VECTOR} = {Y_VECTOR}", "x_{i+1}"),  # the shift dropped
    ("2.3", r"S(\mathbf{x}) = S(\mathbf{x})_1", "x_{i+1} - x_1"),
    ("2.3", r"S(\mathbf{x} - x_1) = S(\mathbf{x})_{m+1}", "x_{i+1} - x_1"),
    ("2.3", r"x_{i+1} - x_1 = x_{i+1} - x_2", "x_{i+1} - x_1"),
    # 2.4
    ("2.4", rf"{J_IJ} = {S_I} (\delta_{{ij}} + {S_J})", None),  # a sign flip
    ("2.4", rf"{J_IJ} = (\delta_{{ij}} - {S_J})", None),  # the factor S(x)_i dropped
    ("2.4", rf"{J_IJ} = {S_I} (\delta_{{ij}} - {S_I})", None),  # an index slip
    ("2.4", r"\frac{\partial S(\boldsymbol{x})_i}{\partial x_j} = "
            r"\frac{\delta_{ij} \exp(x_i) \sum_k \exp(x_k) - \exp(x_i) \exp(x_j)}{\sum_k \exp(x_k)}", None),
    ("2.4", r"\frac{\delta_{ij} \exp(x_i) \sum_k \exp(x_k) - \exp(x_i) \exp(x_j)}{(\sum_k \exp(x_k))^2} = "
            r"p_i(1 - p_j)", None),  # the Kronecker delta dropped
    ("2.4", r"\mathbf{Diag}(p) - pp^{\top} = \mathbf{Diag}(p) + pp^{\top}", None),
]


@pytest.mark.parametrize(("qid", "display", "answer"), WRONG)
def test_wrong_links_are_refuted_with_a_counterexample(qid: str, display: str, answer: str | None) -> None:
    question = get(qid)
    steps = read_chain(qid, display, answer)
    assert len(steps) == 2
    result = decide_link(question, steps[0].value, steps[1].value, "step 1->2")
    assert result.status is Status.REFUTED, result
    assert result.counterexample is not None
    assert result.counterexample.answer != result.counterexample.truth


def test_true_links_beyond_the_solution_are_proved_for_every_k() -> None:
    """Rewritten sums (another index, explicit bounds), matrices and p_i: still proofs."""
    cases = [
        ("2.4", r"\frac{\delta_{ij} \exp(x_i) \sum_k \exp(x_k) - \exp(x_i) \exp(x_j)}"
                r"{(\sum_{k=1}^K \exp(x_k))^2} = p_i(\delta_{ij} - p_j) = \frac{\partial p_i}{\partial x_j}"
                r" = p_j(\delta_{ij} - p_i)", None),  # the Jacobian is symmetric
        ("2.4", r"\mathbf{Diag}(p) - pp^{\top} = -(p p^T - \mathbf{Diag}(p))", None),
        ("2.3", r"S(\mathbf{x}) = S(\mathbf{x})_m", "x_{i+1} - x_1"),
        ("2.1", r"\frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_j+c)} = "
                r"\frac{\exp(x_i)}{\sum_{k=1}^K \exp(x_k)}", None),
    ]
    for qid, display, answer in cases:
        question = get(qid)
        steps = read_chain(qid, display, answer)
        for n in range(1, len(steps)):
            result = decide_link(question, steps[n - 1].value, steps[n].value, f"step {n}->{n + 1}")
            assert result.status is Status.VERIFIED, (display, n, result)
            assert result.method.startswith(("proved for every K ≥ 2", "the same matrix")), result.method
