"""Question 2: softmax translation invariance, its sigmoid and K-1 parameter forms,
and its Jacobian. Softmax is always built from its definition (definitions.py)."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp
from sympy.matrices.exceptions import ShapeError
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.model.claims import AllOf, Chain, Equal, Step
from checker.model.errors import AnswerError
from checker.model.functions import sigmoid
from checker.model.namespace import REAL, Domain, MatrixName, Namespace, Variable, Vector
from checker.model.options import Options
from checker.model.question import AnswerKind, Question
from derivations.definitions import (
    shifted,
    softmax,
    softmax_entry,
    softmax_entry_of_map,
    vector,
)

SIZES = range(2, 9)  # concrete K checked entry by entry (K = 2..8)
SIZE_DOMAIN = Domain("integer in 2..8", Fraction(2), Fraction(8), False, False, integer=True)
ENTRY_DOMAIN = Domain("integer in 1..2", Fraction(1), Fraction(2), False, False, integer=True)
LARGE_INDEX = Domain("integer in 1..12", Fraction(1), Fraction(12), False, False, integer=True)
LARGE_SIZE = Domain("integer in 13..24", Fraction(13), Fraction(24), False, False, integer=True)

X = Vector("x", 1, "the input vector, x[1] .. x[K]")
C = Variable("c", REAL, "the scalar shift")
I = Variable("i", ENTRY_DOMAIN, "an entry index, 1 <= i <= K")  # noqa: E741
K = Variable("K", SIZE_DOMAIN, "the dimension of x")
X1, X2 = Variable("x1", REAL, "first entry of x"), Variable("x2", REAL, "second entry of x")
P = MatrixName("p", K.symbol, sp.Integer(1), "p = S(x), a K x 1 column")


# 2.1 ----------------------------------------------------------------------------
def invariance_chain(steps: tuple[sp.Expr, ...], options: Options) -> AllOf:
    """The person's steps between the two ends derived from the definition,
    for symbolic K, and again written out for every K in 2..8."""
    x, c, i, k = X.base, C.symbol, I.symbol, K.symbol
    start = Step("S(x + c)_i, the softmax definition", softmax_entry_of_map(shifted(x, c), i, k), True)
    end = Step("S(x)_i, the softmax definition", softmax_entry(x, i, k), True)
    middle = tuple(Step(sp.sstr(s), s) for s in steps)
    domains = ((c, REAL), (i, ENTRY_DOMAIN), (k, SIZE_DOMAIN))
    symbolic = Chain((start, *middle, end), domains)
    concrete = tuple(
        Chain(tuple(Step(s.text, s.expr.xreplace({k: n}).doit(), s.derived)
                    for s in (start, *middle, end)),
              ((c, REAL), (i, ENTRY_DOMAIN)), f"K = {n}")
        for n in SIZES
    )
    return AllOf((symbolic, *concrete), "symbolic K, and every K in 2..8")


# 2.2 ----------------------------------------------------------------------------
def sigmoid_form_claim(z: sp.Expr, options: Options) -> AllOf:
    s = softmax([X1.symbol, X2.symbol])
    domains = ((X1.symbol, REAL), (X2.symbol, REAL))
    return AllOf(
        (Equal(sigmoid(z), s[0], domains, "entry 1: sigmoid(z) = S(x)_1"),
         Equal(1 - sigmoid(z), s[1], domains, "entry 2: 1 - sigmoid(z) = S(x)_2")),
        "both entries of S(x) = [sigmoid(z), 1 - sigmoid(z)]",
    )


# 2.3 ----------------------------------------------------------------------------
def reduced_parameters_claim(y_i: sp.Expr, options: Options) -> AllOf:
    parts = []
    for n in SIZES:
        xs = vector("x", n)
        ys = [_entry(y_i, m, n) for m in range(1, n)]
        reduced, full = softmax([sp.Integer(0), *ys]), softmax(xs)
        parts += [
            Equal(reduced[m], full[m], (), f"K = {n}, entry {m + 1}") for m in range(n)
        ]
    # For every K: S([0, y]) = S(x) forces [0, y] = x + c (softmax fixes its input up to a
    # shift), so y_i = log(S(x)_{i+1} / S(x)_1), read off the definition; sampled at i
    # and K beyond the written-out sizes, so an answer right only for K <= 8 is caught.
    x, i, k = X.base, I.symbol, K.symbol
    unique = sp.log(softmax_entry(x, i + 1, k) / softmax_entry(x, sp.Integer(1), k))
    symbolic = Equal(y_i, unique, ((i, LARGE_INDEX), (k, LARGE_SIZE)), "symbolic K, entry i")
    return AllOf((*tuple(parts), symbolic), "every entry, every K in 2..8, and y_i for symbolic K")


def _entry(y_i: sp.Expr, m: int, size: int) -> sp.Expr:
    value = y_i.xreplace({I.symbol: sp.Integer(m), K.symbol: sp.Integer(size)}).doit()
    stray = {s for s in value.free_symbols if s != X.base.label} - {
        e for e in value.atoms(sp.Indexed)
    }
    if stray:
        raise AnswerError(f"y_i may depend only on x, i and K; it mentions {', '.join(map(str, stray))}")
    for entry in value.atoms(sp.Indexed):
        if not (entry.indices[0].is_Integer and 1 <= entry.indices[0] <= size):
            raise AnswerError(f"x[{entry.indices[0]}] is out of range for K = {size} (i = {m})")
    return value


# 2.4 ----------------------------------------------------------------------------
def jacobian_claim(answer: sp.Basic, options: Options) -> AllOf:
    if not isinstance(answer, sp.MatrixExpr):
        raise AnswerError("the Jacobian is a K x K matrix: use p, diag(p), p.T and matrix products")
    parts = []
    for n in SIZES:
        xs = vector("x", n)
        p = sp.ImmutableMatrix(softmax(xs))
        truth = p.jacobian(xs)  # SymPy differentiates the definition
        try:
            # K is this size everywhere in the answer, not only in p's shape.
            explicit = written_out(answer.xreplace({K.symbol: sp.Integer(n)}),
                                   {sp.MatrixSymbol("p", n, 1): p})
        except ShapeError as exc:
            raise AnswerError(f"the matrix shapes do not fit for K = {n}: {exc}") from None
        if explicit.shape != truth.shape:
            raise AnswerError(f"the answer is {explicit.shape[0]} x {explicit.shape[1]} for K = {n}; "
                              f"the Jacobian is {n} x {n}")
        parts += [
            Equal(explicit[r, c], truth[r, c], (), f"K = {n}, entry ({r + 1}, {c + 1})")
            for r in range(n) for c in range(n)
        ]
    symbolic = symbolic_jacobian_entry(answer)
    if symbolic is None:
        return AllOf(tuple(parts), "every entry, every K in 2..8")
    # Last, so a wrong answer is refuted with a small written-out K first.
    return AllOf((*parts, symbolic), "every entry for symbolic K, and every entry for K = 2..8")


ROW = Variable("r", ENTRY_DOMAIN, "a row of the Jacobian")
COLUMN = Variable("s", ENTRY_DOMAIN, "a column of the Jacobian")


def symbolic_jacobian_entry(answer: sp.MatrixExpr) -> Equal | None:
    """Entry (r, s) for symbolic K: SymPy differentiates S(x)_r (a Sum over x[m],
    m = 1..K) by x[s]; the answer's entry comes from SymPy's matrix-expression
    indexing with p[m] = S(x)_m. None when SymPy leaves a case split it cannot
    settle from 1 <= s <= K (then only the written-out sizes speak)."""
    r, s, k, x = ROW.symbol, COLUMN.symbol, K.symbol, X.base
    truth = sp.diff(softmax_entry(x, r, k), x[s]).doit()
    # The Sum of KroneckerDelta(s, m) exp(x[m]) is exp(x[s]) exactly when 1 <= s <= K.
    truth = truth.subs({sp.Ge(k, s): True, sp.Le(s, k): True, sp.Ge(s, 1): True, sp.Le(1, s): True})
    entry = answer[r - 1, s - 1]
    entry = entry.replace(
        lambda e: isinstance(e, MatrixElement) and e.parent == P.symbol,
        lambda e: softmax_entry(x, e.i + 1, k),
    )
    if truth.has(sp.Piecewise) or entry.has(MatrixElement, sp.MatrixSymbol):
        return None
    domains = ((r, ENTRY_DOMAIN), (s, ENTRY_DOMAIN), (k, SIZE_DOMAIN))
    return Equal(entry, truth, domains, "symbolic K, entry (r, s)")


def written_out(expr: sp.Basic, values: dict[sp.MatrixSymbol, sp.ImmutableMatrix]) -> sp.Matrix:
    """A matrix expression evaluated with explicit matrices. SymPy's own
    `as_explicit` goes through symbolic-size sums and is ~100x slower here."""
    if isinstance(expr, sp.MatrixSymbol):
        return sp.Matrix(values[expr])
    if isinstance(expr, sp.MatAdd):
        parts = [written_out(a, values) for a in expr.args]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total
    if isinstance(expr, sp.MatMul):
        product: sp.Matrix | sp.Expr = sp.Integer(1)
        for factor in expr.args:
            value = written_out(factor, values) if isinstance(factor, sp.MatrixExpr) else factor
            product = product * value
        return sp.Matrix(product)
    if isinstance(expr, sp.Transpose):
        return written_out(expr.arg, values).T
    if isinstance(expr, DiagMatrix):
        return sp.diag(*written_out(expr.args[0], values))
    raise AnswerError(f"`{sp.sstr(expr)}` cannot be written out as a matrix")



QUESTIONS: list[Question] = []  # this module's questions, in the order asked

QUESTIONS.append(Question(
    id="2.1", title="softmax is translation invariant",
    statement="Show S(x + c) = S(x) for a scalar c: a chain of steps from S(x + c)_i to S(x)_i.",
    kind=AnswerKind.CHAIN,
    namespace=Namespace(variables=(C, I, K), vectors=(X,)),
    reference="exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))"
              " = exp(c)*exp(x[i])/Sum(exp(c)*exp(x[j]), (j, 1, K))"
              " = exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))"
              " = exp(x[i])/Sum(exp(x[j]), (j, 1, K))",
    truth="both ends built from the softmax definition for symbolic K; every adjacent pair of "
          "steps proved, for symbolic K and written out for K = 2..8",
    claim=invariance_chain,
))
QUESTIONS.append(Question(
    id="2.2", title="two-class softmax as a sigmoid: z",
    statement="z with S(x) = [sigmoid(z), 1 - sigmoid(z)] for a 2-dimensional x.",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(X1, X2)),
    reference="x1 - x2",
    truth="both entries of the softmax definition for x = [x1, x2]",
    claim=sigmoid_form_claim,
))
QUESTIONS.append(Question(
    id="2.3", title="softmax with K - 1 parameters: y_i",
    statement="y_i with S(x) = S([0, y_1, ..., y_{K-1}]), for 1 <= i <= K - 1.",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(I, K), vectors=(X,)),
    reference="x[i+1] - x[1]",
    truth="softmax definition of both vectors, every entry, for every K in 2..8; and for "
          "symbolic K, y_i = log(S(x)_{i+1} / S(x)_1) (S([0, y]) = S(x) forces [0, y] = x + c)",
    claim=reduced_parameters_claim,
))
QUESTIONS.append(Question(
    id="2.4", title="Jacobian of softmax in terms of p = S(x)",
    statement="The Jacobian of the softmax function, in terms of p = S(x).",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(K,), matrices=(P,)),
    reference="diag(p) - p*p.T",
    truth="SymPy's Jacobian of the softmax definition, entry by entry: for symbolic K "
          "(entry (r, s), with KroneckerDelta) and written out for every K in 2..8",
    claim=jacobian_claim,
))
