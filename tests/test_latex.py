r"""The LaTeX front end: conventions, the seed's own formulas, rejected and hostile input,
and answers checked end to end with --latex.

Each table row gives the LaTeX, the exact plain text it must become, and (where it is an
expression) the SymPy value built here by hand, which the text must parse to through
`checker.language.textparse.parse_text`, the single gate.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import AnswerError, check_answer, latex_to_text, parse_text, sigmoid
from checker.model.namespace import (
    CLOSED_UNIT,
    INTEGER,
    OPEN_UNIT,
    POSITIVE_INTEGER,
    REAL,
    MatrixName,
    Namespace,
    Variable,
    Vector,
)

# Namespaces shaped like the contract's (built here so these tests do not depend on the
# question registry; the end-to-end tests at the bottom use the registered questions).
F, Y, A = Variable("f", OPEN_UNIT, ""), Variable("y", CLOSED_UNIT, ""), Variable("a", REAL, "")
X1, X2 = Variable("x1", REAL, ""), Variable("x2", REAL, "")
C = Variable("c", REAL, "")
I_, J_, K_ = (Variable(n, INTEGER, "") for n in "ijk")
N_ = Variable("n", INTEGER, "")
BIG_K, M_, D_ = (Variable(n, POSITIVE_INTEGER, "") for n in "KMD")
SMALL_D, K1, K2 = (Variable(n, POSITIVE_INTEGER, "") for n in ("d", "k1", "k2"))
X = Vector("x", 1, "")
W1, W2 = Vector("W1", 2, ""), Vector("W2", 2, "")
W2_5 = Vector("w2", 1, "")
P = MatrixName("p", BIG_K.symbol, sp.Integer(1), "")

NS = {
    "q1": Namespace(variables=(F, Y, A)),
    "q1.1": Namespace(variables=(A,)),
    "q2.1": Namespace(variables=(C, I_, BIG_K), vectors=(X,)),
    "q2.2": Namespace(variables=(X1, X2)),
    "q2.3": Namespace(variables=(I_, BIG_K), vectors=(X,)),
    "q2.4": Namespace(variables=(BIG_K,), matrices=(P,)),
    "q3": Namespace(variables=(I_, J_, K_, D_, M_, BIG_K), vectors=(W1, W2, X)),
    "q4": Namespace(),
    "q5": Namespace(variables=(I_, N_, SMALL_D, K1, K2), vectors=(W2_5,)),
    "words": Namespace(words=("CE", "MSE")),
}

f, y, a = F.symbol, Y.symbol, A.symbol
x1, x2, c = X1.symbol, X2.symbol, C.symbol
i, j, k, n = I_.symbol, J_.symbol, K_.symbol, N_.symbol
K, M, D = BIG_K.symbol, M_.symbol, D_.symbol
d, k1, k2 = SMALL_D.symbol, K1.symbol, K2.symbol
p = P.symbol
jj = sp.Symbol("j", integer=True)  # a summation index, as parse_text binds it
ii = sp.Symbol("i", integer=True)


def x(index: sp.Expr) -> sp.Expr:
    return sp.Indexed(X.base, index)


def w2(index: sp.Expr) -> sp.Expr:
    return sp.Indexed(W2_5.base, index)


def big_w1(row: sp.Expr, col: sp.Expr) -> sp.Expr:
    return sp.Indexed(W1.base, row, col)


def big_w2(row: sp.Expr, col: sp.Expr) -> sp.Expr:
    return sp.Indexed(W2.base, row, col)


@dataclass(frozen=True)
class Row:
    id: str
    ns: str
    tex: str
    text: str  # the exact plain text expected
    value: Callable[[], sp.Basic] | None = None  # the SymPy value, built by hand


def _check_row(row: Row, chain: bool = False) -> None:
    namespace = NS[row.ns]
    out = latex_to_text(row.tex, namespace, chain=chain)
    assert out == row.text
    if row.value is not None:
        got = parse_text(out, namespace)
        want = row.value()
        assert got == want or sp.simplify(got - want) == 0, (got, want)


# ---------------------------------------------------------------------------------------
# Conventions (docs/contract.md, "LaTeX answers")

CONVENTIONS = [
    Row("log-is-natural", "q1", r"\log(f)", "log(f)", lambda: sp.log(f)),
    Row("ln-is-natural", "q1", r"\ln(1-f)", "log(1 - f)", lambda: sp.log(1 - f)),
    Row("log-bare-argument", "q1", r"\log f", "log(f)", lambda: sp.log(f)),
    Row("e-power-is-exp", "q1", r"e^{a}", "exp(a)", lambda: sp.exp(a)),
    Row("e-single-token-power", "q1", r"e^a", "exp(a)", lambda: sp.exp(a)),
    Row("exp-command", "q1", r"\exp(-a)", "exp(-a)", lambda: sp.exp(-a)),
    Row("mathrm-e", "q1", r"\mathrm{e}^{-a}", "exp(-a)", lambda: sp.exp(-a)),
    Row("sigma-is-sigmoid", "q1", r"\sigma(a)", "sigmoid(a)", lambda: sigmoid(a)),
    Row("sigma-product", "q1", r"\sigma(a)(1-\sigma(a))", "sigmoid(a)*(1 - sigmoid(a))",
        lambda: sigmoid(a) * (1 - sigmoid(a))),
    Row("variable-then-parens-is-product", "q1", r"(f-y)f(1-f)", "(f - y)*f*(1 - f)",
        lambda: (f - y) * f * (1 - f)),
    Row("number-then-letter", "q1", r"2f", "2*f", lambda: 2 * f),
    Row("space-is-product", "q1", r"f y", "f*y", lambda: f * y),
    Row("frac-then-factor", "q1", r"\frac{a}{2}f", "a/2*f", lambda: a * f / 2),
    Row("cdot", "q1", r"f \cdot y", "f*y", lambda: f * y),
    Row("times", "q1", r"0.5 \times (f - y)^2", "0.5*(f - y)**2", lambda: (f - y) ** 2 / 2),
    Row("inline-slash", "q1", r"f/2", "f/2", lambda: f / 2),
    Row("frac-single-tokens", "q1", r"\frac 1 2", "1/2", lambda: sp.Rational(1, 2)),
    Row("sqrt", "q1", r"\sqrt{f}", "sqrt(f)", lambda: sp.sqrt(f)),
    Row("tanh-left-right", "q1", r"\tanh\left(\frac{a}{2}\right)", "tanh(a/2)",
        lambda: sp.tanh(a / 2)),
    Row("tanh-squared", "q1", r"\tanh^2(a)", "tanh(a)**2", lambda: sp.tanh(a) ** 2),
    Row("max", "q1", r"\max(f, y)", "max(f, y)", lambda: sp.Max(f, y)),
    Row("min-left-right", "q1", r"\min\left(f, 1-y\right)", "min(f, 1 - y)",
        lambda: sp.Min(f, 1 - y)),
    Row("left-right-power", "q1", r"\left( f - y \right)^2", "(f - y)**2", lambda: (f - y) ** 2),
    Row("brackets-group", "q1", r"[f - y]^2", "(f - y)**2", lambda: (f - y) ** 2),
    Row("abs-bars", "q1", r"|f - y|", "abs(f - y)", lambda: sp.Abs(f - y)),
    Row("abs-left-right", "q1", r"\left| f - y \right|", "abs(f - y)", lambda: sp.Abs(f - y)),
    Row("negative-power", "q1", r"f^{-1}", "f**(-1)", lambda: 1 / f),
    Row("power-of-function", "q1", r"\exp(a)^2", "exp(a)**2", lambda: sp.exp(a) ** 2),
    Row("spacing-ignored", "q1", r"\displaystyle f\,y\;-\!a", "f*y - a", lambda: f * y - a),
    Row("dollars-stripped", "q1", r"$f - y$", "f - y", lambda: f - y),
    Row("display-delimiters-stripped", "q1", r"\[ f - y \]", "f - y", lambda: f - y),
    Row("unicode-minus-and-times", "q1", "f \u2212 y \u00d7 a", "f - y*a", lambda: f - y * a),
    Row("fullwidth-letters-nfkc", "q1", "\uff46 - y", "f - y", lambda: f - y),
    Row("leading-zeros", "q1", r"007 f", "7*f", lambda: 7 * f),
    Row("subscript-to-scalar", "q5", r"k_1", "k1", lambda: k1),
    Row("subscript-braced-scalar", "q5", r"k_{2}", "k2", lambda: k2),
    Row("glued-declared-name", "q5", r"d - k1", "d - k1", lambda: d - k1),
    Row("subscript-to-index", "q2.3", r"x_{i+1}", "x[i + 1]", lambda: x(i + 1)),
    Row("subscript-number-times-letter", "q2.3", r"x_{2i}", "x[2*i]", lambda: x(2 * i)),
    Row("superscript-label-then-index", "q5", r"w^2_{n-i+1}", "w2[n - i + 1]",
        lambda: w2(n - i + 1)),
    Row("index-then-superscript-label", "q5", r"w_{n-i+1}^{2}", "w2[n - i + 1]",
        lambda: w2(n - i + 1)),
    Row("parenthesised-label-rank2", "q3", r"W^{(1)}_{ji}", "W1[j, i]", lambda: big_w1(j, i)),
    Row("omega-alias-comma-indices", "q3", r"\omega^{(1)}_{j,i}", "W1[j, i]",
        lambda: big_w1(j, i)),
    Row("omega-alias-digit-index", "q3", r"\omega_{k0}^{(2)}", "W2[k, 0]", lambda: big_w2(k, 0)),
    Row("subscript-squared-scalar", "q5", r"k_1^2", "k1**2", lambda: k1 ** 2),
    Row("transpose-top", "q2.4", r"p^\top", "p.T", lambda: p.T),
    Row("transpose-T", "q2.4", r"p^{T}", "p.T", lambda: p.T),
    Row("diag-mathrm", "q2.4", r"\mathrm{Diag}(p)", "diag(p)",
        lambda: sp.matrices.expressions.diagonal.DiagMatrix(p)),
    Row("diag-operatorname", "q2.4", r"\operatorname{diag}(p) - pp^\top", "diag(p) - p*p.T",
        lambda: sp.matrices.expressions.diagonal.DiagMatrix(p) - sp.MatMul(p, p.T)),
    Row("sum-body-is-the-term", "q2.3", r"\sum_{j=1}^{K} x_j + 1", "Sum(x[j], (j, 1, K)) + 1",
        lambda: sp.Sum(x(jj), (jj, 1, K)) + 1),
    Row("sum-body-takes-the-product", "q2.3", r"2\sum_{j=1}^{K} x_j x_{j}",
        "2*Sum(x[j]*x[j], (j, 1, K))", lambda: 2 * sp.Sum(x(jj) ** 2, (jj, 1, K))),
    Row("sum-inside-fraction", "q2.3", r"\frac{\sum_{j=1}^{K} x_j}{K}",
        "Sum(x[j], (j, 1, K))/K", lambda: sp.Sum(x(jj), (jj, 1, K)) / K),
    Row("cases-if-otherwise", "q1",
        r"\begin{cases} f & \text{if } a > 0 \\ 0 & \text{otherwise} \end{cases}",
        "(f if a > 0 else 0)", lambda: sp.Piecewise((f, a > 0), (0, True))),
    Row("cases-and", "q1",
        r"\begin{cases} f & a \geq 0 \text{ and } a \leq 1 \\ y & \text{otherwise} \end{cases}",
        "(f if (a >= 0) & (a <= 1) else y)",
        lambda: sp.Piecewise((f, (a >= 0) & (a <= 1)), (y, True))),
    Row("cases-without-otherwise", "q1", r"\begin{cases} f & a < 0 \\ y & a \ge 0 \end{cases}",
        "Piecewise((f, a < 0), (y, a >= 0))",
        lambda: sp.Piecewise((f, a < 0), (y, a >= 0))),
    Row("label-dropped", "q2.2", r"z = x_1 - x_2", "x1 - x2", lambda: x1 - x2),
    Row("label-with-subscript", "q1", r"L_{CE} = f - y", "f - y", lambda: f - y),
    Row("label-partial-derivative", "q1", r"\frac{\partial L}{\partial a} = f - y", "f - y",
        lambda: f - y),
    Row("list", "q4", r"[1, 2, 5, 8, 6, 8]", "[1, 2, 5, 8, 6, 8]",
        lambda: sp.Tuple(1, 2, 5, 8, 6, 8)),
    Row("list-left-right", "q4", r"\left[5, 8\right]", "[5, 8]", lambda: sp.Tuple(5, 8)),
    # One item in brackets: a list where only numbers can be meant, as in plain text ...
    Row("list-one-item", "q4", r"\left[5\right]", "[5]", lambda: sp.Tuple(5)),
    Row("list-one-item-bare", "q4", r"[ 5 ]", "[5]", lambda: sp.Tuple(5)),
    # ... and grouping in an expression.
    Row("brackets-grouping", "q1", r"\left[f - y\right]", "(f - y)", lambda: f - y),
]


@pytest.mark.parametrize("row", CONVENTIONS, ids=[r.id for r in CONVENTIONS])
def test_convention(row: Row) -> None:
    _check_row(row)


# ---------------------------------------------------------------------------------------
# The seed's own formulas (answers and derivation steps, in the questions' names)

CASES_52 = (r"\begin{cases} w_{n-i+1}^2, & \text{if } \max(n-k_2+1,1) \le i \le "
            r"\min(n, d-k_1-k_2+2) \\ 0, & \text{otherwise} \end{cases}")
CASES_55 = (r"\begin{cases} w_{n+k_2-i}^2, & \text{if } n \le i \le n+k_2-1\\ 0, & "
            r"\text{otherwise} \end{cases}")

SEED = [
    Row("1.1-sigmoid", "q1.1", r"\frac{1}{1 + e^{-a}}", "1/(1 + exp(-a))",
        lambda: 1 / (1 + sp.exp(-a))),
    Row("1.1-tanh-identity", "q1.1", r"\frac{1}{2} \left(\tanh(\frac{a}{2}) + 1 \right)",
        "1/2*(tanh(a/2) + 1)", lambda: (sp.tanh(a / 2) + 1) / 2),
    Row("1.1-sigma-identity", "q1.1", r"2\sigma(2a) - 1", "2*sigmoid(2*a) - 1",
        lambda: 2 * sigmoid(2 * a) - 1),
    Row("1.3-cross-entropy", "q1", r"-y\log(f) - (1-y)\log(1-f)",
        "-y*log(f) - (1 - y)*log(1 - f)", lambda: -y * sp.log(f) - (1 - y) * sp.log(1 - f)),
    Row("1.3-label-bare-logs", "q1", r"L = -y\log f - (1-y)\log(1-f)",
        "-y*log(f) - (1 - y)*log(1 - f)", lambda: -y * sp.log(f) - (1 - y) * sp.log(1 - f)),
    Row("1.4-dL-df", "q1", r"-\frac{y}{f} + \frac{1-y}{1-f}", "-y/f + (1 - y)/(1 - f)",
        lambda: -y / f + (1 - y) / (1 - f)),
    Row("1.4-expanded", "q1", r"-y(1 - f) + (1 - y)f", "-y*(1 - f) + (1 - y)*f",
        lambda: -y * (1 - f) + (1 - y) * f),
    Row("1.4-answer", "q1", r"f - y", "f - y", lambda: f - y),
    Row("1.4-sigmoid-derivative", "q1", r"f(1 - f)", "f*(1 - f)", lambda: f * (1 - f)),
    Row("1.5-half-square", "q1", r"0.5 (f - y)^2", "0.5*(f - y)**2", lambda: (f - y) ** 2 / 2),
    Row("1.5-times", "q1", r"0.5 \times (f - y)^2", "0.5*(f - y)**2", lambda: (f - y) ** 2 / 2),
    Row("1.6-answer", "q1", r"(f - y)f(1 - f)", "(f - y)*f*(1 - f)",
        lambda: (f - y) * f * (1 - f)),
    Row("2.1-step-1", "q2.1", r"\frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_j+c)}",
        "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))",
        lambda: sp.exp(x(i) + c) / sp.Sum(sp.exp(x(jj) + c), (jj, 1, K))),
    Row("2.1-step-3", "q2.1", r"\frac{\exp(c)\exp(x_i)}{\exp(c)\sum_{j=1}^K \exp(x_j)}",
        "exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))",
        lambda: sp.exp(x(i)) / sp.Sum(sp.exp(x(jj)), (jj, 1, K))),
    Row("2.2-answer", "q2.2", r"x_1 - x_2", "x1 - x2", lambda: x1 - x2),
    Row("2.2-sigmoid", "q2.2", r"\frac{1}{1 + \exp(-x_1 + x_2)}", "1/(1 + exp(-x1 + x2))",
        lambda: 1 / (1 + sp.exp(-x1 + x2))),
    Row("2.2-softmax-entry", "q2.2", r"\frac{\exp(x_1)}{\exp(x_1) + \exp(x_2)}",
        "exp(x1)/(exp(x1) + exp(x2))", lambda: sp.exp(x1) / (sp.exp(x1) + sp.exp(x2))),
    Row("2.3-answer", "q2.3", r"x_{i+1} - x_1", "x[i + 1] - x[1]", lambda: x(i + 1) - x(1)),
    Row("2.3-label", "q2.3", r"y_i = x_{i+1} - x_1", "x[i + 1] - x[1]",
        lambda: x(i + 1) - x(1)),
    Row("2.4-answer", "q2.4", r"\mathrm{Diag}(p) - pp^\top", "diag(p) - p*p.T",
        lambda: sp.matrices.expressions.diagonal.DiagMatrix(p) - sp.MatMul(p, p.T)),
    Row("2.4-bold", "q2.4",
        r"\mathbf{Diag}(\boldsymbol{p}) - \boldsymbol{p}\boldsymbol{p}^{\top}", "diag(p) - p*p.T",
        lambda: sp.matrices.expressions.diagonal.DiagMatrix(p) - sp.MatMul(p, p.T)),
    Row("3-W1-part", "q3", r"\frac{\omega_{ji}^{(1)}}{2}", "W1[j, i]/2",
        lambda: big_w1(j, i) / 2),
    Row("3-b2-part", "q3", r"\omega_{k0}^{(2)} + \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2}",
        "W2[k, 0] + Sum(W2[k, j]/2, (j, 1, M))",
        lambda: big_w2(k, 0) + sp.Sum(sp.Indexed(W2.base, k, jj) / 2, (jj, 1, M))),
    Row("3-network", "q3",
        r"\sum_{j=1}^{M} \omega_{kj}^{(2)} \tanh \left(\sum_{i=1}^{D} \omega_{ji}^{(1)} x_{i}"
        r" + \omega_{j0}^{(1)} \right) + \omega_{k0}^{(2)}",
        "Sum(W2[k, j]*tanh(Sum(W1[j, i]*x[i], (i, 1, D)) + W1[j, 0]), (j, 1, M)) + W2[k, 0]",
        lambda: sp.Sum(
            sp.Indexed(W2.base, k, jj) * sp.tanh(
                sp.Sum(sp.Indexed(W1.base, jj, ii) * x(ii), (ii, 1, D))
                + sp.Indexed(W1.base, jj, 0)),
            (jj, 1, M)) + big_w2(k, 0)),
    Row("4.1-product", "q4", r"64 \times 32 \times 32", "64*32*32", lambda: sp.Integer(65536)),
    Row("4.2-product", "q4", r"64 \times 32 \times 3 \times 3", "64*32*3*3",
        lambda: sp.Integer(18432)),
    Row("5.1-answer", "q5", r"d - k_1 - k_2 + 2", "d - k1 - k2 + 2", lambda: d - k1 - k2 + 2),
    Row("5.1-label-bars", "q5", r"|a^2| = d - k_1 - k_2 + 2", "d - k1 - k2 + 2",
        lambda: d - k1 - k2 + 2),
    Row("5.4-answer", "q5", r"d + k_1 + k_2 - 2", "d + k1 + k2 - 2", lambda: d + k1 + k2 - 2),
    Row("5.2-entry", "q5", r"w^2_{n-i+1}", "w2[n - i + 1]", lambda: w2(n - i + 1)),
    Row("5.2-cases", "q5", CASES_52,
        "(w2[n - i + 1] if max(n - k2 + 1, 1) <= i <= min(n, d - k1 - k2 + 2) else 0)",
        lambda: sp.Piecewise(
            (w2(n - i + 1), (sp.Max(n - k2 + 1, 1) <= i) & (i <= sp.Min(n, d - k1 - k2 + 2))),
            (0, True))),
    Row("5.3-step-12", "q5", r"\sum_{i=n-k_2+1}^{n} w_{n-i+1}^2",
        "Sum(w2[n - i + 1], (i, n - k2 + 1, n))",
        lambda: sp.Sum(w2(n - ii + 1), (ii, n - k2 + 1, n))),
    Row("5.5-cases", "q5", CASES_55, "(w2[n + k2 - i] if n <= i <= n + k2 - 1 else 0)",
        lambda: sp.Piecewise((w2(n + k2 - i), (n <= i) & (i <= n + k2 - 1)), (0, True))),
]


@pytest.mark.parametrize("row", SEED, ids=[r.id for r in SEED])
def test_seed_formula(row: Row) -> None:
    _check_row(row)


def test_chain_keeps_top_level_equals() -> None:
    tex = (r"\frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_j+c)} = "
           r"\frac{\exp(c)\exp(x_i)}{\exp(c)\sum_{j=1}^K \exp(x_j)}")
    out = latex_to_text(tex, NS["q2.1"], chain=True)
    assert out == ("exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = "
                   "exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))")


def test_chain_equals_inside_a_condition_is_not_a_step() -> None:
    tex = r"f = \begin{cases} f & a = 0 \\ f & \text{otherwise} \end{cases}"
    assert latex_to_text(tex, NS["q1"], chain=True) == "f = (f if a == 0 else f)"


def test_word_answer_text() -> None:
    assert latex_to_text(r"\text{CE}", NS["words"]) == "CE"
    assert latex_to_text(r"\mathbb{P}(y = 1 \mid x)", Namespace(words=("P(y=1|x)",))) == \
        "P(y=1|x)"


# ---------------------------------------------------------------------------------------
# Rejected input: every message names the problem

REJECTED = [
    ("trailing-minus", "q1", r"f -", "ends after `-`"),
    ("trailing-minus-after-seed-answer", "q1", r"-y\log(f) - (1-y)\log(1-f) -", "ends after `-`"),
    ("trailing-cdot", "q1", r"f \cdot", r"after `\cdot`"),
    ("two-signs", "q1", r"f - - y", "two operators in a row"),
    ("sign-after-cdot", "q1", r"a \cdot -f", r"sign right after `\cdot`"),
    ("input", "q1", r"\input{/etc/passwd}", r"`\input` at column 1 is not allowed"),
    ("include", "q1", r"f + \include{x}", r"`\include` at column 5 is not allowed"),
    ("def", "q1", r"\def\x{f} \x", r"`\def`"),
    ("newcommand", "q1", r"\newcommand{\x}{f}", r"`\newcommand`"),
    ("catcode", "q1", r"\catcode`\^=11 f", r"`\catcode`"),
    ("unknown-command", "q1", r"\foo{f}", r"unknown or unsupported LaTeX command `\foo`"),
    ("unknown-symbol", "q1", r"f + q", "unknown symbol `q` at column 5"),
    ("unbalanced-open-brace", "q1", r"\frac{f}{y", "`{` at column 9 is never closed"),
    ("unbalanced-close-brace", "q1", r"f - y}", "unbalanced `}` at column 6"),
    ("unbalanced-paren", "q1", r"(f - y", "`(` at column 1 is never closed"),
    ("mismatched-left-right", "q1", r"\left( f \right]", "closed by `]`"),
    ("left-dot", "q1", r"\left. f \right|", r"`\left.`"),
    ("comment", "q1", r"f % - y", "comment"),
    ("factorial", "q1", r"3!", "factorial"),
    ("star-is-convolution", "q1", r"f * y", "convolution"),
    ("text-outside-cases", "q1", r"f \text{hello}", r"\text is only for"),
    ("comparison-outside-cases", "q1", r"f \le y", "comparisons belong in the conditions"),
    ("ampersand-outside-cases", "q1", r"f & y", "`&`"),
    ("log-with-base", "q1", r"\log_{10} f", "only the natural log"),
    ("inverse-sigma", "q1", r"\sigma^{-1}(f)", "an inverse is not"),
    ("bare-sigma", "q1", r"\sigma + f", r"`\sigma` at column 1 needs an argument"),
    ("ambiguous-bare-argument", "q1", r"\log f y", "ambiguous"),
    ("ambiguous-inline-division", "q1", r"1/2 f", "ambiguous"),
    ("number-after-factor", "q1", r"(f-y)2", "number `2` at column 6"),
    ("glued-digit-undeclared", "q1", r"f2", "`f2` at column 1 is ambiguous"),
    ("multi-digit-script", "q1", r"f^23", "put it in braces"),
    ("braces-are-not-parentheses", "q1", r"{f-y}^2", "braces do not print as parentheses"),
    ("prime", "q1", r"f'", "`'` at column 2"),
    ("transpose-of-scalar", "q1", r"f^\top", "only a declared matrix can be transposed"),
    ("vector-without-index", "q2.3", r"x + 1", "`x` at column 1 is indexed"),
    ("rank2-without-comma", "q3", r"W^{(1)}_{j10}", "takes 2 indices"),
    ("ambiguous-subscript-letters", "q2.3", r"x_{ij}", "subscript `ij`"),
    ("power-vs-label-unknown", "q5", r"w^2", "unknown symbol `w`"),
    ("sum-without-bounds", "q2.3", r"\sum_j x_j", "needs both bounds"),
    ("sum-body-with-sign", "q2.3", r"\sum_{j=1}^{K} -x_j", "a sign right after it"),
    ("sum-index-after-body", "q3", r"\sum_{j=1}^{M} W^{(2)}_{kj} + j", "comes after the body"),
    ("cases-row-after-otherwise", "q1",
     r"\begin{cases} f & \text{otherwise} \\ y & a > 0 \end{cases}", "must be last"),
    ("cases-condition-not-a-relation", "q1", r"\begin{cases} f & \text{if } a \\ 0 \end{cases}",
     "must compare two things"),
    ("cases-mixed-and-or", "q1",
     r"\begin{cases} f & a>0 \text{ or } a<1 \text{ and } a=2 \\ 0 & \text{otherwise}\end{cases}",
     "mixing `and` and `or`"),
    ("other-environment", "q1", r"\begin{pmatrix} f \end{pmatrix}", "environment `pmatrix`"),
    ("equals-with-declared-left-side", "q1", r"f = 1 - y", "`=` at column 3"),
    ("equals-with-expression-left-side", "q1", r"f - y = f - y", "`=` at column 7"),
    ("chain-empty-step", "q1", r"f = ", "empty step"),
    ("tuple", "q1", r"(f, y)", "comma inside parentheses"),
    ("seed-function-notation", "q1", r"f(\boldsymbol{x},\boldsymbol{\theta}) - y",
     r"write f for f(\boldsymbol{x}"),
    ("ambiguous-alias", "q-both-w", r"\omega^{(2)}_{1}", "could be w2 or W2"),
    ("ambiguous-scalar-or-index", "q-both-x", r"x_1", "could be x1 or x[1]"),
    ("non-ascii", "q1", "f + \u00e9", "character '\u00e9' at column 5"),
    ("empty", "q1", "  $ $ ", "empty answer"),
    ("lone-backslash", "q1", "f \\", "a lone `\\`"),
    ("pi", "q1", r"\pi f", "pi is not part of the answer language"),
    ("dots", "q2.3", r"x_1 + \cdots + x_K", r"`\cdots`"),
    ("function-not-in-question", "no-functions", r"\log(2)", "not available in this question"),
]
NS["q-both-w"] = Namespace(vectors=(W2_5, W2))
NS["q-both-x"] = Namespace(variables=(X1,), vectors=(X,))
NS["no-functions"] = Namespace(functions=frozenset())


@pytest.mark.parametrize(("ns", "tex", "message"), [r[1:] for r in REJECTED],
                         ids=[r[0] for r in REJECTED])
def test_rejected(ns: str, tex: str, message: str) -> None:
    chain = tex.endswith("= ")
    with pytest.raises(AnswerError) as info:
        latex_to_text(tex, NS[ns], chain=chain)
    assert message in str(info.value)


# The column a message names is also the error's `column`, and `excerpt` is the part of
# the answer that starts there: the token, or the whole construct the message is about.
LOCATED = [
    ("unknown-symbol", "q1", r"f + q", 5, "q"),
    ("mismatched-closer", "q1", r"\left( f \right]", 16, "]"),
    ("ambiguous-alias", "q-both-w", r"\omega^{(2)}_{1} + 1", 1, r"\omega^{(2)}_{1}"),
    ("ambiguous-inline-division", "q1", r"1/2 f", 2, "/2 f"),
    ("index-count", "q3", r"W^{(1)}_{j10}", 9, "{j10}"),
    ("ends-early", "q1", r"f -", 4, None),
]


@pytest.mark.parametrize(("ns", "tex", "column", "excerpt"), [r[1:] for r in LOCATED],
                         ids=[r[0] for r in LOCATED])
def test_rejected_answer_error_carries_column_and_excerpt(
    ns: str, tex: str, column: int, excerpt: str | None
) -> None:
    with pytest.raises(AnswerError) as info:
        latex_to_text(tex, NS[ns])
    assert (info.value.column, info.value.excerpt) == (column, excerpt)
    assert f"column {column}" in str(info.value)


# ---------------------------------------------------------------------------------------
# Hostile input: caps come first, deep input is an error quickly, never a RecursionError

HOSTILE = [
    ("3000-nested-left", r"\left(" * 3000 + "f" + r"\right)" * 3000, "answer too long"),
    ("too-long", "f+" * 1200 + "f", "answer too long: 2401 characters (limit 2000)"),
    ("nfkc-expands-past-cap", "\ufdfa" * 150, "answer too long"),
    ("101-nested-parens", "(" * 101 + "f" + ")" * 101, "nested too deeply"),
    ("300-nested-braces", "{" * 300 + "f" + "}" * 300, "nested too deeply"),
    ("100-nested-left", r"\left(" * 100 + "f" + r"\right)" * 100, "nested too deeply"),
    ("nested-sums", r"\sum_{j=1}^{2}" * 100 + "f", "nested too deeply"),
    ("nested-fractions", r"\frac{1}{" * 110 + "f" + "}" * 110, "nested too deeply"),
    ("nested-bare-logs", r"\log" * 300 + " f", "nested too deeply"),
    ("nested-abs", r"\lvert" * 150 + "f" + r"\rvert" * 150, "nested too deeply"),
    ("sign-soup", "-" * 1500 + "f", "found `-`"),
]


@pytest.mark.parametrize(("tex", "message"), [h[1:] for h in HOSTILE],
                         ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_refused_quickly(tex: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(AnswerError) as info:
        latex_to_text(tex, NS["q1"])
    assert time.perf_counter() - start < 1.0
    assert message in str(info.value)


def test_deepest_allowed_nesting_still_translates() -> None:
    tex = "(" * 50 + "f" + ")" * 50
    assert parse_text(latex_to_text(tex, NS["q1"]), NS["q1"]) == f


_SOUP = [
    "f", "y", "a", "x", "2", "0.5", "+", "-", "/", "^", "_", "{", "}", "(", ")", "[", "]", "|",
    ",", "=", "<", "&", r"\\", r"\frac", r"\sqrt", r"\log", r"\sigma", r"\sum", r"\left(",
    r"\right)", r"\cdot", r"\begin{cases}", r"\end{cases}", r"\text{if}", r"\le", r"\omega",
    r"\mathrm{Diag}", r"\top", r"\input", r"\foo", " ", "'", "e", "k_1", "x_{i+1}",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SOUP), max_size=40), st.booleans())
def test_token_soup_never_escapes(parts: list[str], chain: bool) -> None:
    """Whatever the soup, the result is plain text the safe parser handles, or an
    AnswerError: never another exception, never a hang."""
    tex = " ".join(parts) if parts else "f"
    try:
        out = latex_to_text(tex, NS["q1"], chain=chain)
    except AnswerError:
        return
    assert isinstance(out, str)
    for step in out.split(" = ") if chain else [out]:
        with contextlib.suppress(AnswerError):
            parse_text(step, NS["q1"])


# ---------------------------------------------------------------------------------------
# End to end: check_answer(qid, tex, latex=True) on the registered questions

END_TO_END = [
    ("1.1", r"\frac{1}{1+e^{-a}}", "verified"),
    ("1.2", r"\mathbb{P}(y = 1 \mid x)", "verified"),
    ("1.3", r"-y\log(f) - (1-y)\log(1-f)", "verified"),
    ("1.3", r"-y\log(f) - (1-y)\log(f)", "refuted"),
    ("1.4", r"f - y", "verified"),
    ("1.4", r"\sigma(a) - y", "verified"),
    ("1.4", r"y - f", "refuted"),
    ("1.4", r"f -", "error"),
    ("1.5", r"\frac{1}{2}(f-y)^2", "verified"),
    ("1.6", r"(f-y)f(1-f)", "verified"),
    ("1.6", r"(f-y)f", "refuted"),
    ("1.7", r"\text{CE}", "verified"),
    # the identity itself in one link assumes what is to be shown (checker.run.showing)
    ("2.1", r"\frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_j+c)} = "
            r"\frac{\exp(x_i)}{\sum_{j=1}^K \exp(x_j)}", "undecided"),
    ("2.1", r"\frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_j+c)} = "
            r"\frac{e^{c}\exp(x_i)}{e^{c}\sum_{j=1}^K \exp(x_j)} = "
            r"\frac{\exp(x_i)}{\sum_{j=1}^K \exp(x_j)}", "verified"),
    ("2.2", r"x_1 - x_2", "verified"),
    ("2.2", r"z = x_1 - x_2", "verified"),
    ("2.2", r"x_2 - x_1", "refuted"),
    ("2.3", r"x_{i+1} - x_1", "verified"),
    ("2.4", r"\mathrm{Diag}(p) - pp^\top", "verified"),
    ("4.1", r"64 \times 32 \times 32", "verified"),
    ("4.3.full", r"[1, 2, 5, 8, 6, 8]", "verified"),
    ("4.3.valid", r"\left[5\right]", "refuted"),  # a one-item list, read as a list
    ("1.3", r"-\log\left|1 - y - f\right|", "verified"),  # for each label y in {0, 1}
    ("5.1", r"|a^2| = d - k_1 - k_2 + 2", "verified"),
    ("5.2", CASES_52, "verified"),
    ("5.2", r"w^2_{n-i+1}", "verified"),
    ("5.4", r"d + k_1 + k_2 - 2", "verified"),
    ("5.5", CASES_55, "verified"),
    ("1.3", r"\input{x}", "error"),
]


@pytest.mark.parametrize(("qid", "tex", "status"), END_TO_END,
                         ids=[f"{q}-{s}-{n}" for n, (q, _, s) in enumerate(END_TO_END)])
def test_end_to_end(qid: str, tex: str, status: str) -> None:
    verdict = check_answer(qid, tex, latex=True)
    assert verdict.status.value == status, verdict.reason
    if status == "error":
        assert verdict.reason


def test_end_to_end_error_names_the_command() -> None:
    verdict = check_answer("1.3", r"-y\log(f) + \input{x}", latex=True)
    assert verdict.status.value == "error"
    assert r"`\input`" in verdict.reason


def test_one_item_list_reads_the_same_in_latex_and_plain_text() -> None:
    plain = check_answer("4.3.valid", "[5]")
    tex = check_answer("4.3.valid", r"\left[5\right]", latex=True)
    assert plain.status.value == tex.status.value == "refuted"  # a list, one entry short
    assert plain.parsed == tex.parsed == "[5]"


def test_end_to_end_shows_the_interpretation() -> None:
    verdict = check_answer("1.6", r"(f-y)f(1-f)", latex=True)
    assert verdict.parsed == "f*(1 - f)*(f - y)"


def test_question_3_parts_in_latex_are_translated_one_by_one() -> None:
    from checker import Status, check_answer

    right = (r"W1 = \frac{\omega^{(1)}_{ji}}{2}; W2 = \frac{\omega^{(2)}_{kj}}{2}; "
             r"b2 = \omega^{(2)}_{k0} + \sum_{j=1}^{M} \frac{\omega^{(2)}_{kj}}{2}")
    assert check_answer("3", right, latex=True).status is Status.VERIFIED
    wrong = r"W1 = W^{1}_{j,i}; W2 = W^{2}_{k,j}/2; b2 = W^{2}_{k,0}"
    assert check_answer("3", wrong, latex=True).status is Status.REFUTED


@pytest.mark.parametrize("tex", [r"-\log (1-f)^{1-y} - y \log f", r"-\log(1-f)^{1-y} - y\log f"])
def test_power_after_a_log_call_is_ambiguous(tex: str) -> None:
    from checker import Status, check_answer

    verdict = check_answer("1.3", tex, latex=True)
    assert verdict.status is Status.ERROR and "ambiguous" in verdict.reason
