"""Question 2 in a written derivation (`derivcheck doc`): the spellings of its quantities
in a write-up (the DocumentSpec of each question) and how a link between two steps is
decided, for every K ≥ 2 and every index, as the claims decide them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.model.claims import AllOf, Equal
from checker.model.errors import AnswerError
from checker.model.namespace import REAL, Domain
from checker.model.notation import DocumentSpec, LinkDecision, Notation
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.engine import decide
from derivations.definitions import (
    shifted,
    softmax,
    softmax_entry,
    softmax_entry_after_zero,
    softmax_entry_of_map,
    softmax_sum_over,
    vector,
)
from derivations.q2_softmax.claims import answer_entry, jacobian_truth, written_out
from derivations.q2_softmax.names import (
    COLUMN,
    COLUMN_INDEX,
    ENTRY,
    ENTRY_INDEX,
    FREE_INDEX,
    I_REDUCED,
    ONLY_ONE,
    P_ENTRY,
    ROW,
    SAMPLED_INDEX,
    SAMPLED_SIZE,
    SIZES,
    X1,
    X2,
    C,
    I,
    P,
    i_,
    j_,
    k_,
    m_,
    x_,
)
from derivations.q2_softmax.sizes import (
    confirmed,
    exp_as_entries,
    inconsistent,
    no_proof,
    numerator,
    presburger,
    witnessed,
)


# Written derivations (`derivcheck doc`) ---------------------------------------------
# The spellings of question 2's quantities in a write-up, each with its value from the
# softmax definition (definitions.py). A vector-valued step of 2.3 (S(x), S(x - x_1), ...)
# is read as its entry m, for a free entry index m; 2.4's steps are entries (i, j).
def _softmax_of_x(n: sp.Expr) -> sp.Expr:
    return softmax_entry(x_, n, k_)


def _softmax_of_shifted(n: sp.Expr) -> sp.Expr:
    return softmax_entry_of_map(shifted(x_, C.symbol), n, k_)


_BOUND_J, _BOUND_K = sp.Symbol("j", integer=True), sp.Symbol("k", integer=True)


def _summed_over_k(value: sp.Expr) -> sp.Expr:
    """The value with its sums over k instead of j (definitions.py sums over j), so that a
    2.4 step, whose column index is j, shows no bound j next to a free one."""
    return value.replace(lambda e: isinstance(e, sp.Sum), lambda e: e.xreplace({_BOUND_J: _BOUND_K}))


def _jacobian_entry(r: sp.Expr, s: sp.Expr) -> sp.Expr:
    return _summed_over_k(jacobian_truth(r, s))


def _two_class_softmax(n: sp.Expr) -> sp.Expr:
    """S(x)_n for x = [x1, x2] (2.2), from the softmax definition."""
    if not (n.is_Integer and 1 <= int(n) <= 2):
        raise AnswerError(f"S(x)_{sp.sstr(n)}: x has the two entries x_1 and x_2 in 2.2; "
                          "write S(x)_1 or S(x)_2")
    return softmax([X1.symbol, X2.symbol])[int(n) - 1]


def _shifted_by_first(n: sp.Expr) -> sp.Expr:
    """S(x - x_1)_n: the softmax of the vector x shifted by the scalar -x_1."""
    return softmax_entry_of_map(shifted(x_, -x_[1]), n, k_)


def _tail_of_x() -> sp.Lambda:
    """The entries after the 0 of [0, x_2 - x_1, x_3 - x_1, ..., x_K - x_1]: the n-th is
    x_{n+1} - x_1, n = 1..K-1."""
    n = sp.Symbol("n", integer=True)
    return sp.Lambda(n, x_[n + 1] - x_[1])


def _tail_of_answer(answer: sp.Basic) -> sp.Lambda:
    """The entries after the 0 of [0, y_1, ..., y_{K-1}]: y_n is the person's y_i at i = n."""
    if not isinstance(answer, sp.Expr):
        raise AnswerError("S([0, y_1, ..., y_{K-1}]) needs y_i as an expression")
    n = sp.Symbol("n", integer=True)
    return sp.Lambda(n, answer.xreplace({I_REDUCED.symbol: n}))


_ELLIPSES = ("...", r"\dots", r"\ldots", r"\cdots")
_TRANSPOSES = (r"^{\top}", r"^\top", "^T", "^{T}", r"^{\intercal}", "")


def _written_vectors(*forms: str) -> tuple[str, ...]:
    """S([...]) with the entries as `forms` write them (`…` for the ellipsis), in every
    spelling of the ellipsis and the transpose (or none)."""
    return tuple(f"S([{form.replace('…', e)}]{t})" for form in forms for e in _ELLIPSES
                 for t in _TRANSPOSES)


X_AS_REDUCED = _written_vectors("0,x_2-x_1,x_3-x_1…,x_K-x_1", "0,x_2-x_1,x_3-x_1,…,x_K-x_1",
                                "0,x_2-x_1,…,x_K-x_1")
Y_AS_REDUCED = _written_vectors("0,y_1,…,y_{K-1}", "0,y_1,y_2,…,y_{K-1}")
_SUMS = tuple(rf"\sum_{{{j}}}{term}" for j in ("k", "j") for term in (rf"\exp(x_{j})", rf"e^{{x_{j}}}")) + \
    tuple(rf"\sum_{j}{term}" for j in ("k", "j") for term in (rf"\exp(x_{j})", rf"e^{{x_{j}}}"))
_JACOBIANS = (r"J_{\text{softmax}}(x)", r"J_{\mathrm{softmax}}(x)", r"J_{softmax}(x)")


# Links: every K ≥ 2 and every index, as the claims decide them --------------------------
def _in_entries(expr: sp.Expr) -> sp.Expr:
    """expr with exp(x[m] + ...) as products of entries e[m] (`exp_as_entries`), an exp of
    a case split split first, and every factor a Sum's term does not depend on taken out
    of the Sum (so the one fraction `numerator` makes is a polynomial in the entries)."""
    folded = expr.replace(lambda e: isinstance(e, sp.exp) and e.has(sp.Piecewise),
                          lambda e: sp.piecewise_fold(e))
    return _factored_sums(exp_as_entries(folded))


SUM_INDEX = sp.Symbol("j_sum", integer=True)  # every innermost Sum's variable, so equal sums cancel
ALL_ENTRIES = sp.Sum(ENTRY[SUM_INDEX], (SUM_INDEX, 1, k_))  # the softmax denominator, in entries


def _factored_sums(expr: sp.Expr) -> sp.Expr:
    """Each Sum of one variable split into its terms, each term's factors free of the
    variable taken out; an innermost Sum's variable renamed SUM_INDEX (so sums over j and
    over k of the same terms are one object and cancel)."""
    def taken_out(total: sp.Sum) -> sp.Expr:
        if len(total.limits) != 1:
            return total
        j, low, high = total.limits[0]
        out: sp.Expr = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(total.function)):
            inside = sp.Mul(*(f for f in sp.Mul.make_args(term) if j in f.free_symbols))
            outside = sp.Mul(*(f for f in sp.Mul.make_args(term) if j not in f.free_symbols))
            if not inside.has(sp.Sum) and SUM_INDEX not in inside.free_symbols:
                inside, j = inside.xreplace({j: SUM_INDEX}), SUM_INDEX
            out += outside * sp.Sum(inside, (j, low, high))
            j = total.limits[0][0]
        return out
    return expr.replace(lambda e: isinstance(e, sp.Sum), taken_out)


def _link_proof(difference: sp.Expr, integers: tuple[sp.Symbol, ...], constraints: tuple[sp.Basic, ...],
                confirm: Callable[[dict[str, int]], Counterexample | None]) -> Outcome:
    """The Presburger decision of `difference` (in entries) == 0; outside its fragment (a
    product of two sums is not injective), again with the softmax denominator as one
    positive variable: a proof for every value of it holds for the sum, and a
    counterexample is re-checked on the steps themselves by `confirm` either way."""
    what = "K and the indices, over the entries exp(x[m])"
    outcome = presburger(numerator(difference), sp.Integer(0), integers, constraints, what, confirm)
    if outcome.status is not Status.UNDECIDED or not difference.has(ALL_ENTRIES):
        return outcome
    total = sp.Dummy("total", positive=True)
    again = presburger(numerator(difference.xreplace({ALL_ENTRIES: total})), sp.Integer(0), integers,
                       constraints, f"{what}, the denominator sum_j exp(x[j]) as one variable", confirm)
    return again if again.status is not Status.UNDECIDED else outcome


Index = tuple[sp.Symbol, sp.Expr]  # an index a step may name, 1 <= index <= its upper bound in K


def softmax_link(indices: tuple[Index, ...]) -> LinkDecision:
    """How two steps of a question-2 derivation compare: equal for every K ≥ 2, every value
    of the indices they name (1 <= index <= its bound) and every real x (and c). Proved by
    the Presburger decision over the entries e[m] = exp(x[m]), else by the engine for
    symbolic K; written out for K = 2..8 at every index as the second witness, whose
    counterexample refutes. Agreement there without a proof is `undecided`."""
    def decide_link(before: Any, after: Any, where: str) -> StepResult:
        matrices = [isinstance(v, sp.MatrixExpr) for v in (before, after)]
        if all(matrices):
            outcome = _matrix_link(before, after, where)
        elif any(matrices) or not all(isinstance(v, sp.Expr) for v in (before, after)):
            outcome = Outcome(Status.UNDECIDED, "", reason="a matrix and an entry (or a non-expression) "
                              "cannot be compared: write the entry (i, j) of both")
        else:
            named = tuple((s, top) for s, top in indices if s in before.free_symbols | after.free_symbols)
            outcome = _link_for_every_size(before, after, named, where)
        return StepResult("", outcome.status, outcome.method or outcome.reason, outcome.counterexample)
    return decide_link


def _matrix_link(before: sp.MatrixExpr, after: sp.MatrixExpr, where: str) -> Outcome:
    """Two matrix steps in p = S(x) (2.4): entry (r, s) for every K, r, s by the Presburger
    decision over the entries of p (a difference it finds is re-checked with p = S(x) at a
    real x), then written out with p = S(x) for K = 2..4 as a check."""
    if before == after:
        return Outcome(Status.VERIFIED, "the same matrix expression")
    if before.shape != after.shape:
        return Outcome(Status.UNDECIDED, "", reason=f"the two sides have different shapes "
                       f"({sp.sstr(before.shape)} and {sp.sstr(after.shape)})")
    r, s = ROW.symbol, COLUMN.symbol
    entries = [answer_entry(m).replace(
        lambda e: isinstance(e, MatrixElement) and e.parent == P.symbol and e.j == 0,
        lambda e: P_ENTRY[e.i + 1]) for m in (after, before)]
    if any(e.has(MatrixElement, sp.MatrixSymbol) for e in entries):
        return Outcome(Status.UNDECIDED, "", reason="the entry (r, s) is not an expression in p[m]")
    proof = presburger(entries[0], entries[1], (k_, r, s), (k_ >= 2, r >= 1, r <= k_, s >= 1, s <= k_),
                       "K, r, s over the entries of p",
                       lambda n: _matrices_confirmed(after, before, n, where))
    if proof.status is not Status.VERIFIED:
        return proof
    parts = []
    for n in LINK_CHECK_SIZES:
        values = {sp.MatrixSymbol("p", n, 1): sp.ImmutableMatrix(softmax(vector("x", n)))}
        sides = [written_out(m.xreplace({k_: sp.Integer(n)}), values) for m in (after, before)]
        parts += [Equal(sides[0][a, b], sides[1][a, b], (), f"{where}, K = {n}, entry ({a + 1}, {b + 1})")
                  for a in range(sides[0].rows) for b in range(sides[0].cols)]
    witness = decide(AllOf(tuple(parts), "every entry, every K in 2..4"))
    if witness.status is Status.REFUTED:
        return inconsistent(proof, witness)
    return Outcome(Status.VERIFIED, f"proved for every K ≥ 2 and every entry ({proof.method}); "
                   "written out for K = 2..4: agrees")


def _matrices_confirmed(after: sp.MatrixExpr, before: sp.MatrixExpr, sizes: dict[str, int],
                        where: str) -> Counterexample | None:
    size, row, column = sizes["K"], sizes.get("r", 1), sizes.get("s", 1)

    def entry(m: sp.MatrixExpr) -> sp.Expr:
        value = m.xreplace({k_: sp.Integer(size)}).doit()[row - 1, column - 1]
        return value.replace(lambda e: isinstance(e, MatrixElement) and e.parent.name == "p",
                             lambda e: sp.exp(x_[e.i + 1]) / softmax_sum_over(x_, size))
    return confirmed(entry(after), entry(before), {k_: size}, f"{where}, entry ({row}, {column})",
                     (), None, {row, column})


LINK_CHECK_SIZES = range(2, 5)  # where a link proved for every K is written out once more


def _link_for_every_size(before: sp.Expr, after: sp.Expr, named: tuple[Index, ...], where: str) -> Outcome:
    """The Presburger decision first (a link is usually in its fragment, and it is fast);
    a proof is written out again for K = 2..4 (a disagreement there is an internal
    inconsistency, never a verdict); without one, K = 2..8 written out finds a
    counterexample or the engine proves the link for symbolic K."""
    c = C.symbol
    scalars = ((c, REAL),) if c in before.free_symbols | after.free_symbols else ()
    symbols = tuple(s for s, _ in named)
    bounds = tuple(b for s, top in named for b in (s >= 1, s <= top))
    try:
        proof = _link_proof(_in_entries(after) - _in_entries(before), (k_, *symbols), (k_ >= 2, *bounds),
                            lambda found: confirmed(after, before, {
                                k_: found["K"], **{s: found.get(s.name, 1) for s in symbols}}, where,
                                (c,) if scalars else ()))
    except ValueError as exc:
        proof = Outcome(Status.UNDECIDED, "", reason=f"not in the entries e[m] = exp(x[m]): {exc}")
    if proof.status is Status.REFUTED:
        return proof
    if proof.status is Status.VERIFIED:
        witness = decide(_written_link(before, after, named, scalars, where, LINK_CHECK_SIZES))
        if witness.status is Status.REFUTED:
            return inconsistent(proof, witness)
        return Outcome(Status.VERIFIED, f"proved for every K ≥ 2 and every index ({proof.method}); "
                       "written out for K = 2..4: agrees")
    witness = decide(_written_link(before, after, named, scalars, where, SIZES))
    if witness.status is Status.REFUTED:
        return witness
    sampled = tuple((s, SAMPLED_INDEX if top == k_ else ONLY_ONE) for s, top in named)
    symbolic = decide(Equal(after, before, (*scalars, *sampled, (k_, SAMPLED_SIZE)), f"{where}, symbolic K"))
    if symbolic.status is Status.VERIFIED:
        return Outcome(Status.VERIFIED, f"proved for every K ≥ 2 and every index (symbolic K: "
                       f"{symbolic.method}); {witnessed(witness)}")
    if symbolic.status is Status.REFUTED:
        return symbolic
    return no_proof(witness, f"{proof.reason}; symbolic K: {symbolic.reason or symbolic.method}")


def _written_link(before: sp.Expr, after: sp.Expr, named: tuple[Index, ...],
                  scalars: tuple[tuple[sp.Symbol, Domain], ...], where: str, sizes: range) -> AllOf:
    """The link at each K in `sizes` and every value of its indices, sums written out."""
    symbols = tuple(s for s, _ in named)
    parts = []
    for n in sizes:
        ranges = [range(1, int(top.xreplace({k_: n})) + 1) for _, top in named]
        for values in itertools.product(*ranges):
            at = {k_: sp.Integer(n), **{s: sp.Integer(v) for s, v in zip(symbols, values, strict=True)}}
            written = [side.xreplace(at).doit() for side in (after, before)]
            if any(_beyond(side, n) for side in written):
                continue  # an entry x[m], m > K, is no point of the domain: left to the decision
            shown = "".join(f", {s} = {v}" for s, v in zip(symbols, values, strict=True))
            parts.append(Equal(written[0], written[1], scalars, f"{where}, K = {n}{shown}"))
    return AllOf(tuple(parts), f"every index, every K in {sizes.start}..{sizes.stop - 1}")


def _beyond(expr: sp.Expr, size: int) -> bool:
    return any(e.base == x_ and not (e.indices[0].is_Integer and 1 <= e.indices[0] <= size)
               for e in expr.atoms(sp.Indexed))


INVARIANCE_DOCUMENT = DocumentSpec(
    notation=(Notation("S(x+c)_#", "S(x + c)_n, the softmax definition of the shifted vector",
                       _softmax_of_shifted, rank=1),
              Notation("S(x)_#", "S(x)_n, the softmax definition", _softmax_of_x, rank=1)),
    variables=(FREE_INDEX,),
    link=softmax_link(((i_, k_), (FREE_INDEX.symbol, k_))),
    ends=(lambda: _softmax_of_shifted(i_), lambda: _softmax_of_x(i_)),
)
SIGMOID_FORM_DOCUMENT = DocumentSpec(
    notation=(Notation("z", "z, asked in 2.2"),
              Notation("S(x)_#", "S(x)_n for x = [x_1, x_2], the softmax definition",
                       _two_class_softmax, rank=1)),
)
REDUCED_DOCUMENT = DocumentSpec(
    notation=(
        Notation("y_i", "y_i, asked in 2.3"),
        Notation("S(x)_#", "S(x)_n, the softmax definition", _softmax_of_x, rank=1),
        Notation("S(x)", "S(x), read as its entry m (the softmax definition)", lambda: _softmax_of_x(m_)),
        Notation("S(x-x_1)", "S(x - x_1), read as its entry m: the softmax of x shifted by -x_1",
                 lambda: _shifted_by_first(m_)),
        *(Notation(s, "S([0, x_2 - x_1, ..., x_K - x_1]), read as its entry m",
                   lambda: softmax_entry_after_zero(_tail_of_x(), m_, k_)) for s in X_AS_REDUCED),
        *(Notation(s, "S([0, y_1, ..., y_{K-1}]) with the stated y_i, read as its entry m",
                   lambda answer: softmax_entry_after_zero(_tail_of_answer(answer), m_, k_),
                   uses_answer=True) for s in Y_AS_REDUCED),
    ),
    variables=(ENTRY_INDEX,),
    link=softmax_link(((m_, k_), (I_REDUCED.symbol, k_ - 1))),
)
JACOBIAN_DOCUMENT = DocumentSpec(
    notation=(
        *(Notation(s, "the Jacobian of the softmax, asked in 2.4") for s in _JACOBIANS),
        Notation("S(x)", "S(x) = p, the K x 1 column the answer is written in", lambda: P.symbol),
        *(Notation(s + "_#", "entry (r, s) of the Jacobian: SymPy's ∂S(x)_r/∂x_s of the definition",
                   _jacobian_entry, rank=2) for s in _JACOBIANS),
        *(Notation(rf"\frac{{\partial {s}}}{{\partial x_j}}",
                   "∂S(x)_i/∂x_j, SymPy's derivative of the softmax definition",
                   lambda: _jacobian_entry(i_, j_)) for s in ("S(x)_i", "p_i")),
        *(Notation(s, "S(x)_n = p_n, the softmax definition", lambda n: _summed_over_k(_softmax_of_x(n)),
                   rank=1) for s in ("S(x)_#", "p_#")),
        Notation("x_#", "the entry x_n of x", lambda n: x_[n], rank=1),
        Notation(r"\delta_#", "the Kronecker delta", lambda r, s: sp.KroneckerDelta(r, s), rank=2),
        *(Notation(s, "the softmax denominator, the sum of exp(x_k) over k = 1..K",
                   lambda: _summed_over_k(softmax_sum_over(x_, k_))) for s in _SUMS),
    ),
    variables=(I, COLUMN_INDEX),
    link=softmax_link(((i_, k_), (j_, k_))),
)
