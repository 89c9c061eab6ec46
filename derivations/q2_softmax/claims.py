"""Question 2's claims: 2.1's chain, 2.2's sigmoid form, 2.3's K - 1 parameters and
2.4's Jacobian, each from the softmax definition (definitions.py), for every K ≥ 2."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.exceptions import ShapeError
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.model.claims import AllOf, Chain, Decided, Equal, Step
from checker.model.errors import AnswerError
from checker.model.functions import sigmoid
from checker.model.namespace import REAL
from checker.model.options import Options
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.engine import decide
from derivations.definitions import (
    shifted,
    softmax,
    softmax_entry,
    softmax_entry_of_map,
    softmax_sum_over,
    vector,
)
from derivations.q2_softmax.names import (
    COLUMN,
    FREE_INDEX,
    LARGE_INDEX,
    LARGE_SIZE,
    P_ENTRY,
    ROW,
    SAMPLED_INDEX,
    SAMPLED_SIZE,
    SIZES,
    X1,
    X2,
    C,
    P,
    i_,
    k_,
    x_,
)
from derivations.q2_softmax.sizes import (
    SWITCH_METHOD,
    confirmed,
    exp_as_entries,
    for_every_size,
    inconsistent,
    no_proof,
    numerator,
    presburger,
    witnessed,
)


# 2.1 ----------------------------------------------------------------------------
def invariance_chain(steps: tuple[sp.Expr, ...], options: Options) -> Decided:
    """The person's steps between the two ends derived from the definition: proved for
    symbolic K and i, written out for K = 2..8 (the second witness)."""
    c = C.symbol
    start = Step("S(x + c)_i, the softmax definition", softmax_entry_of_map(shifted(x_, c), i_, k_), True)
    end = Step("S(x)_i, the softmax definition", softmax_entry(x_, i_, k_), True)
    chain = (start, *(Step(sp.sstr(s), s) for s in steps), end)
    # A free index k (a written derivation's) is sampled like i, in 1..2 <= K: every
    # point sampled is a point of the domain, and a proof in symbolic k holds for every k.
    free = _free_indices(steps)
    indices = ((c, REAL), (i_, SAMPLED_INDEX), *((f, SAMPLED_INDEX) for f in free))
    symbolic = Chain(chain, (*indices, (k_, SAMPLED_SIZE)))
    written = AllOf(tuple(
        Chain(tuple(Step(s.text, s.expr.xreplace({k_: n}).doit(), s.derived) for s in chain),
              indices, f"K = {n}")
        for n in SIZES), "every K in 2..8")
    return Decided("the chain, for every K ≥ 2", lambda: _decide_chain(chain, symbolic, written, free))


def _free_indices(steps: tuple[sp.Basic, ...]) -> tuple[sp.Symbol, ...]:
    """The free entry index (FREE_INDEX) where a step names it: only a written derivation
    can (an answer file's namespace has no k)."""
    k = FREE_INDEX.symbol
    return (k,) if any(isinstance(s, sp.Basic) and k in s.free_symbols for s in steps) else ()


def _decide_chain(chain: tuple[Step, ...], symbolic: Chain, written: AllOf,
                  free: tuple[sp.Symbol, ...] = ()) -> Outcome:
    proof = decide(symbolic)
    if proof.status is Status.VERIFIED:
        witness = decide(written)
        if witness.status is Status.REFUTED:
            return inconsistent(proof, witness)
        return Outcome(Status.VERIFIED, f"proved for every K ≥ 2 and 1 ≤ i ≤ K ({proof.method}, "
                       f"for symbolic K and i); {witnessed(witness)}", steps=proof.steps)
    if proof.status is Status.REFUTED:
        return proof
    witness = decide(written)
    if witness.status is Status.REFUTED:
        return witness
    for n, result in enumerate(proof.steps[1:], start=1):
        if result.status is not Status.UNDECIDED:
            continue
        before, after = chain[n - 1], chain[n]
        mine, other = (before, after) if after.derived and not before.derived else (after, before)
        found = _switched_step(mine, other, free)
        if found is not None:
            steps = list(proof.steps)
            steps[n] = StepResult(result.text, Status.REFUTED, SWITCH_METHOD, found)
            return Outcome(Status.REFUTED, f"chain: step '{mine.text}' refuted ({SWITCH_METHOD})",
                           found, steps=tuple(steps))
    return no_proof(witness, proof.reason, proof.steps)



def _switched_step(mine: Step, other: Step, free: tuple[sp.Symbol, ...] = ()) -> Counterexample | None:
    """A size switch in a step (a Sum bound such as Min(K, 210)): the two steps, with each
    exp(x[m]) read as an entry e[m] of its own (exp is injective, so nothing is lost), made
    one fraction whose numerator goes to the Presburger decision; its sizes are re-checked
    on the steps themselves, so the rewriting only has to find them. `free`: free entry
    indices (1 <= k <= K) the steps name besides i."""
    try:
        difference = exp_as_entries(mine.expr - other.expr)
    except ValueError:
        return None
    bounds = tuple(b for f in free for b in (f >= 1, f <= k_))
    outcome = presburger(numerator(difference), sp.Integer(0), (k_, i_, *free),
                         (k_ >= 2, i_ >= 1, i_ <= k_, *bounds), "K and i", lambda n: confirmed(
                             mine.expr, other.expr,
                             {k_: n["K"], i_: n.get("i", 1), **{f: n.get(f.name, 1) for f in free}},
                             f"step '{mine.text}'", (C.symbol,)))
    return outcome.counterexample if outcome.status is Status.REFUTED else None


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
def reduced_parameters_claim(y_i: sp.Expr, options: Options) -> Decided:
    parts = []
    for n in SIZES:
        xs = vector("x", n)
        ys = [_entry(y_i, m, n) for m in range(1, n)]
        reduced, full = softmax([sp.Integer(0), *ys]), softmax(xs)
        parts += [
            Equal(reduced[m], full[m], (), f"K = {n}, entry {m + 1}") for m in range(n)
        ]
    written = AllOf(tuple(parts), "every entry, every K in 2..8")
    # S([0, y]) = S(x) forces [0, y] = x + c (softmax fixes its input up to a shift), so
    # y_i = log(S(x)_{i+1} / S(x)_1), read off the definition; SymPy's log rules for real
    # x then leave an affine combination of entries, which the Presburger decision takes.
    definition = sp.log(softmax_entry(x_, i_ + 1, k_) / softmax_entry(x_, sp.Integer(1), k_))
    truth = sp.expand_log(definition)
    engine = Equal(y_i, truth, ((i_, LARGE_INDEX), (k_, LARGE_SIZE)), "symbolic K, entry i")
    return Decided("y_i for every K ≥ 2 and 1 ≤ i ≤ K - 1", lambda: for_every_size(
        written, lambda: presburger(  # sizes found are re-checked on the definition itself
            y_i, truth, (k_, i_), (k_ >= 2, i_ >= 1, i_ <= k_ - 1), "K and i",
            lambda n: confirmed(y_i, definition, {k_: n["K"], i_: n["i"]}, "y_i")),
        engine, "for every K ≥ 2 and 1 ≤ i ≤ K - 1"))


def _entry(y_i: sp.Expr, m: int, size: int) -> sp.Expr:
    value = y_i.xreplace({i_: sp.Integer(m), k_: sp.Integer(size)}).doit()
    stray = {s for s in value.free_symbols if s != x_.label} - {
        e for e in value.atoms(sp.Indexed)
    }
    if stray:
        raise AnswerError(f"y_i may depend only on x, i and K; it mentions {', '.join(map(str, stray))}")
    for entry in value.atoms(sp.Indexed):
        if not (entry.indices[0].is_Integer and 1 <= entry.indices[0] <= size):
            raise AnswerError(f"x[{entry.indices[0]}] is out of range for K = {size} (i = {m})")
    return value


# 2.4 ----------------------------------------------------------------------------
def jacobian_claim(answer: sp.Basic, options: Options) -> Decided:
    if not isinstance(answer, sp.MatrixExpr):
        raise AnswerError("the Jacobian is a K x K matrix: use p, diag(p), p.T and matrix products")
    parts = []
    for n in SIZES:
        xs = vector("x", n)
        p = sp.ImmutableMatrix(softmax(xs))
        truth = p.jacobian(xs)  # SymPy differentiates the definition
        try:
            # K is this size everywhere in the answer, not only in p's shape.
            explicit = written_out(answer.xreplace({k_: sp.Integer(n)}),
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
    written = AllOf(tuple(parts), "every entry, every K in 2..8")
    return Decided("every entry of the Jacobian, for every K ≥ 2", lambda: for_every_size(
        written, lambda: _jacobian_fragment(answer), symbolic_jacobian_entry(answer),
        "for every K ≥ 2 and every entry (r, s)"))


def answer_entry(answer: sp.MatrixExpr) -> sp.Expr:
    """Entry (r, s) by SymPy's matrix-expression indexing, transposes pushed inward
    first (the entry of a Transpose of a sum is not expanded otherwise)."""
    return answer.doit()[ROW.symbol - 1, COLUMN.symbol - 1]


def symbolic_jacobian_entry(answer: sp.MatrixExpr) -> Equal | None:
    """Entry (r, s) for symbolic K: SymPy differentiates S(x)_r (a Sum over x[m],
    m = 1..K) by x[s]; the answer's entry has p[m] = S(x)_m. None when SymPy leaves a
    case split it cannot settle from 1 <= s <= K."""
    r, s = ROW.symbol, COLUMN.symbol
    truth = jacobian_truth()
    entry = answer_entry(answer).replace(
        lambda e: isinstance(e, MatrixElement) and e.parent == P.symbol,
        lambda e: softmax_entry(x_, e.i + 1, k_),
    )
    if truth.has(sp.Piecewise) or entry.has(MatrixElement, sp.MatrixSymbol):
        return None
    return Equal(entry, truth, ((r, SAMPLED_INDEX), (s, SAMPLED_INDEX), (k_, SAMPLED_SIZE)),
                 "symbolic K, entry (r, s)")


def jacobian_truth(r: sp.Expr = ROW.symbol, s: sp.Expr = COLUMN.symbol) -> sp.Expr:
    truth = sp.diff(softmax_entry(x_, r, k_), x_[s]).doit()
    # The Sum of KroneckerDelta(s, m) exp(x[m]) is exp(x[s]) exactly when 1 <= s <= K.
    return truth.subs({sp.Ge(k_, s): True, sp.Le(s, k_): True, sp.Ge(s, 1): True, sp.Le(1, s): True})


def _jacobian_fragment(answer: sp.MatrixExpr) -> Outcome:
    """Entry (r, s) in the entries p[m] of p = S(x): the derived truth with
    exp(x[m]) = p[m] * sum_j exp(x[j]) substituted (the sum cancels), against the
    answer's entry, for every K, r, s by the Presburger decision. The p[m] are
    decided as independent variables, so a difference found there is only a candidate
    until it is re-checked at a real x."""
    r, s = ROW.symbol, COLUMN.symbol
    total = sp.Dummy("total", positive=True)
    truth = jacobian_truth().xreplace({softmax_sum_over(x_, k_): total}).replace(
        lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], sp.Indexed),
        lambda e: P_ENTRY[e.args[0].indices[0]] * total)
    truth = sp.expand(truth)
    entry = answer_entry(answer).replace(
        lambda e: isinstance(e, MatrixElement) and e.parent == P.symbol and e.j == 0,
        lambda e: P_ENTRY[e.i + 1])
    if truth.has(total, x_.label, sp.Piecewise) or entry.has(MatrixElement, sp.MatrixSymbol):
        return Outcome(Status.UNDECIDED, "", reason="the entry (r, s) is not an expression in p[m]")
    return presburger(entry, truth, (k_, r, s), (k_ >= 2, r >= 1, r <= k_, s >= 1, s <= k_),
                      "K, r, s over the entries of p", lambda n: _jacobian_confirmed(answer, n))


def _jacobian_confirmed(answer: sp.MatrixExpr, sizes: dict[str, int]) -> Counterexample | None:
    size, row, column = (sizes[n] for n in ("K", "r", "s"))
    entry = answer.xreplace({k_: sp.Integer(size)}).doit()[row - 1, column - 1]
    total = sp.Dummy("total")  # the softmax denominator, written out by confirmed
    entry = entry.replace(lambda e: isinstance(e, MatrixElement) and e.parent.name == "p",
                          lambda e: sp.exp(x_[e.i + 1]) / total)
    return confirmed(entry, jacobian_truth(sp.Integer(row), sp.Integer(column)), {k_: size},
                     f"entry ({row}, {column})", (), total, {row, column})


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
    if isinstance(expr, sp.MatPow) and expr.exp.is_Integer and expr.exp >= 1:
        return written_out(expr.base, values) ** int(expr.exp)
    if isinstance(expr, sp.Transpose):
        return written_out(expr.arg, values).T
    if isinstance(expr, DiagMatrix):
        return sp.diag(*written_out(expr.args[0], values))
    if isinstance(expr, sp.Identity | sp.ZeroMatrix) and all(n.is_Integer for n in expr.shape):
        rows, cols = (int(n) for n in expr.shape)  # X**0 is the identity; 0*X the zero matrix
        return sp.eye(rows) if isinstance(expr, sp.Identity) else sp.zeros(rows, cols)
    raise AnswerError(f"`{sp.sstr(expr)}` cannot be written out as a matrix")
