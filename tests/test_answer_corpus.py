"""The class-wide answer corpus: right rewrites that must be verified and wrong
answers that must be refuted, across every answerable question, a third of the
right ones in LaTeX. Each refutation's counterexample is re-evaluated here: the
answer and (where the claim's truth is the reference answer's value) the reference
are parsed and substituted by this test, not by the engine."""

from __future__ import annotations

import pytest
import sympy as sp

from checker import AnswerKind, Counterexample, Status, check_answer, get, parse_text

REF_53 = get("5.3").reference
REF_56 = get("5.6").reference
REF_3 = "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2"

# (question, answer, written in LaTeX?)
RIGHT: list[tuple[str, str, bool]] = [
    ("1.1", "sigmoid(a)", False),
    ("1.1", "exp(a)/(exp(a) + 1)", False),
    ("1.1", "(1 + erf(a/sqrt(2)))/2", False),
    ("1.1", "(1 + tanh(a/2))/2", False),
    ("1.1", r"\frac{1}{1+e^{-a}}", True),
    ("1.1", r"\sigma(a)", True),
    ("1.2", "P(y=1|x)", False),
    ("1.2", r"\mathbb{P}(y = 1 \mid x)", True),
    ("1.3", "-(y*log(f) + (1-y)*log(1-f))", False),
    ("1.3", "-log(f^y*(1-f)^(1-y))", False),
    ("1.3", r"-y\log(f) - (1-y)\log(1-f)", True),
    ("1.3", r"-\left(y \ln(f) + (1-y) \ln(1-f)\right)", True),
    ("1.4", "f - y", False),
    ("1.4", "sigmoid(a) - y", False),
    ("1.4", "-y*(1-f) + (1-y)*f", False),
    ("1.4", "1/(1 + exp(-a)) - y", False),
    ("1.4", r"f - y", True),
    ("1.4", r"\sigma(a) - y", True),
    ("1.4", r"-y(1-f) + (1-y)f", True),
    ("1.5", "(f-y)^2", False),
    ("1.5", "0.5*(f-y)^2", False),
    ("1.5", "(y-f)**2/4", False),
    ("1.5", r"\frac{1}{2}(f-y)^2", True),
    ("1.5", r"0.5 (f - y)^2", True),
    ("1.6", "(f-y)*f*(1-f)", False),
    ("1.6", "2*(f-y)*f*(1-f)", False),
    ("1.6", "(f-y)*sigmoid(a)*(1-sigmoid(a))", False),
    ("1.6", r"(f-y)f(1-f)", True),
    ("1.6", r"2(f-y)f(1-f)", True),
    ("1.7", "CE", False),
    ("1.7", "ce", False),
    ("2.1", get("2.1").reference, False),
    ("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), "
            "(j, 1, K))) = exp(x[i])/Sum(exp(x[j]), (j, 1, K))", False),
    ("2.2", "x1 - x2", False),
    ("2.2", "-(x2 - x1)", False),
    ("2.2", "log(exp(x1)/exp(x2))", False),
    ("2.2", r"x_1 - x_2", True),
    ("2.2", r"\log\frac{e^{x_1}}{e^{x_2}}", True),
    ("2.3", "x[i+1] - x[1]", False),
    ("2.3", "-(x[1] - x[i+1])", False),
    ("2.3", r"x_{i+1} - x_1", True),
    ("2.4", "diag(p) - p*p.T", False),
    ("2.4", "diag(p) - p*transpose(p)", False),
    ("2.4", r"\mathrm{Diag}(p) - pp^\top", True),
    ("3", REF_3, False),
    ("3", "W1 = -W1[j,i]/2; W2 = -W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2", False),
    ("3", r"W1 = \frac{W^{1}_{j,i}}{2}; W2 = W^{2}_{k,j}/2; "
          r"b2 = W^{2}_{k,0} + \sum_{j=1}^{M} \frac{W^{2}_{k,j}}{2}", True),
    ("4.1", "65536", False),
    ("4.1", "64*32*32", False),
    ("4.1", r"64 \cdot 32 \cdot 32", True),
    ("4.2", "18432", False),
    ("4.2", "64*32*3*3", False),
    ("4.2", r"64 \times 32 \times 3 \times 3", True),
    ("4.1", r"65536", True),
    ("4.3.full", "[1, 2, 5, 8, 6, 8]", False),
    ("4.3.valid", "[5,8]", False),
    ("4.3.same", "[2, 5, 8, 6]", False),
    ("5.1", "d - k1 - k2 + 2", False),
    ("5.1", "(d - k1 + 1) - k2 + 1", False),
    ("5.1", r"d - k_1 - k_2 + 2", True),
    ("5.2", "w2[n-i+1]", False),
    ("5.2", get("5.2").reference, False),
    ("5.2", r"w^2_{n-i+1}", True),
    ("5.3", REF_53, False),
    ("5.4", "d + k1 + k2 - 2", False),
    ("5.4", r"d + k_1 + k_2 - 2", True),
    ("5.5", "w2[n+k2-i]", False),
    ("5.5", get("5.5").reference, False),
    ("5.5", r"\begin{cases} w^2_{n+k_2-i} & \text{if } n \le i \le n+k_2-1 \\ 0 & \text{otherwise}"
            r"\end{cases}", True),
    ("5.6", REF_56, False),
]

WRONG: list[tuple[str, str, bool]] = [
    ("1.1", "tanh(a)", False),
    ("1.1", "a", False),
    ("1.1", "exp(-a)", False),
    ("1.1", "sigmoid(a)/2", False),
    ("1.1", "1 - sigmoid(a)", False),
    ("1.2", "P(y=0|x)", False),
    ("1.3", "y*log(f) - (1-y)*log(1-f)", False),
    ("1.3", "-y*log(f)", False),
    ("1.3", "-y*log(f) - (1-y)*log(f)", False),
    ("1.3", "(f-y)^2", False),
    ("1.3", r"y\log(f) + (1-y)\log(1-f)", True),
    ("1.4", "y - f", False),
    ("1.4", "(f-y)*f*(1-f)", False),
    ("1.4", "f - y + 1", False),
    ("1.4", "f + y", False),
    ("1.4", r"y - f", True),
    ("1.4", r"\sigma(a) + y", True),
    ("1.5", "-(f-y)^2", False),
    ("1.5", "(f-y)^3", False),
    ("1.5", "abs(f-y)", False),
    ("1.5", "f^2 - y^2", False),
    ("1.5", r"-(f-y)^2", True),
    ("1.6", "(f-y)*f", False),
    ("1.6", "(y-f)*f*(1-f)", False),
    ("1.6", "(f-y)*(1-f)", False),
    ("1.6", "f*(1-f)", False),
    ("1.6", r"(f-y)f", True),
    ("1.7", "MSE", False),
    ("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(c)*exp(x[i])/Sum(exp(x[j]), (j, 1, K))"
            " = exp(x[i])/Sum(exp(x[j]), (j, 1, K))", False),
    ("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i] + c)", False),
    ("2.2", "x2 - x1", False),
    ("2.2", "x1 + x2", False),
    ("2.2", "2*(x1 - x2)", False),
    ("2.2", r"x_2 - x_1", True),
    ("2.3", "x[i] - x[1]", False),
    ("2.3", "x[i+1] + x[1]", False),
    ("2.3", "x[i+1]", False),
    ("2.3", r"x_i - x_1", True),
    ("2.4", "diag(p) + p*p.T", False),
    ("2.4", "p*p.T", False),
    ("2.4", "diag(p)", False),
    ("2.4", "p*p.T - diag(p)", False),
    ("2.4", r"\mathrm{Diag}(p) + pp^\top", True),
    ("3", "W1 = W1[j,i]; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2", False),
    ("3", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0]", False),
    ("3", "W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))", False),
    ("3", "W1 = W1[j,i]/2; W2 = W2[k,j]; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2", False),
    ("4.1", "65535", False),
    ("4.1", "131072", False),
    ("4.1", "64*32*32*2", False),
    ("4.1", "65536.5", False),  # a fraction never rounds onto the truth
    ("4.2", "36865/2", False),
    ("4.2", "18496", False),
    ("4.2", "64*32*8*8", False),
    ("4.2", "32*3*3", False),
    ("4.3.full", "[1, 2, 5, 8, 6]", False),
    ("4.3.full", "[2, 4, 7, 6, 3, 4]", False),
    ("4.3.valid", "[5, 9]", False),
    ("4.3.same", "[1, 2, 5, 8]", False),
    ("4.3.same", "[2, 5, 8, 7]", False),
    ("5.1", "d - k1 - k2 + 1", False),
    ("5.1", "d - k1 - k2", False),
    ("5.1", "d + k1 + k2 - 2", False),
    ("5.1", r"d - k_1 - k_2 + 3", True),
    ("5.2", "w2[n-i]", False),
    ("5.2", "w2[i-n+1]", False),
    ("5.2", "w2[n-i+1] if i < n else 0", False),
    ("5.2", r"w^2_{n-i}", True),
    ("5.3", REF_53.replace("w2[n-i+1]", "w2[n-i]"), False),
    ("5.4", "d + k1 + k2 - 1", False),
    ("5.4", "d - k1 - k2 + 2", False),
    ("5.5", "w2[n-i+1]", False),
    ("5.5", "w2[n+k2-i+1]", False),
    ("5.6", REF_56.replace("w2[n+k2-i]", "w2[n+k2-i+1]"), False),
]


def test_corpus_size() -> None:
    assert len(RIGHT) >= 60 and len(WRONG) >= 60
    assert sum(latex for _, _, latex in RIGHT) * 3 >= len(RIGHT)
    answerable = {q for q, _, _ in RIGHT} | {q for q, _, _ in WRONG}
    assert len(answerable) == 23


def _id(case: tuple[str, str, bool]) -> str:
    return f"{case[0]}{' latex' if case[2] else ''}: {case[1][:50]}"


@pytest.mark.parametrize("case", RIGHT, ids=_id)
def test_right_answer_is_verified(case: tuple[str, str, bool]) -> None:
    qid, answer, latex = case
    verdict = check_answer(qid, answer, latex=latex)
    assert verdict.status is Status.VERIFIED, verdict


# Questions whose claim compares the answer's value with the truth's value at a point,
# so the reported truth must be the (verified) reference answer's value there.
TRUTH_IS_REFERENCE_VALUE = {"1.3", "1.4", "5.1", "5.2", "5.4", "5.5"}


@pytest.mark.parametrize("case", WRONG, ids=_id)
def test_wrong_answer_is_refuted_with_a_counterexample_that_holds(case: tuple[str, str, bool]) -> None:
    qid, answer, latex = case
    verdict = check_answer(qid, answer, latex=latex)
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None and cx.answer != cx.truth
    if latex or get(qid).kind is not AnswerKind.EXPRESSION or qid not in TRUTH_IS_REFERENCE_VALUE:
        return
    mine = evaluate_at(qid, answer, cx)
    reference = evaluate_at(qid, get(qid).reference, cx)
    assert same(cx.answer, qid, mine), (cx, mine)
    assert same(cx.truth, qid, reference), (cx, reference)
    assert not same(cx.answer, qid, reference)


def evaluate_at(qid: str, text: str, cx: Counterexample) -> sp.Expr:
    """Parse `text` and substitute the counterexample's point, here, independently."""
    namespace = get(qid).namespace
    expr = parse_text(text, namespace)
    values = {name: sp.Rational(v) for name, v in cx.assignment if "[" not in name}
    point: dict[sp.Basic, sp.Expr] = {s: values[s.name] for s in expr.free_symbols
                                      if isinstance(s, sp.Symbol) and s.name in values}
    if qid in ("1.4",) and "a" not in values:
        f = values["f"]
        point[sp.Symbol("a", real=True)] = sp.log(f / (1 - f))
    value = expr.xreplace(point).doit()
    entries = {name: sp.Rational(v) for name, v in cx.assignment if "[" in name}
    replacement = {}
    for entry in value.atoms(sp.Indexed):
        if str(entry) in entries:
            replacement[entry] = entries[str(entry)]
        elif qid.startswith("5.") and entry.base.label.name == "w2":
            index = entry.indices[0]
            if not 1 <= index <= values["k2"]:
                replacement[entry] = sp.Integer(0)  # out of bounds reads zero
    return sp.simplify(value.xreplace(replacement))


def same(shown: str, qid: str, value: sp.Expr) -> bool:
    if "." in shown:
        return bool(abs(sp.N(value, 40) - sp.Float(shown, 40)) < 1e-12 * max(1, abs(sp.N(value))))
    return bool(sp.simplify(parse_text(shown, get(qid).namespace) - value) == 0)
