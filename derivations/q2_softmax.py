"""Question 2: softmax translation invariance, its sigmoid and K-1 parameter forms,
and its Jacobian. Softmax is always built from its definition (definitions.py).

`verified` needs a proof for every K ≥ 2 and every index: the engine's symbolic proof in
free K and i, or the Presburger decision of checker.prove.sizes where the claim lies in
its index fragment. The sizes K = 2..8, written out entry by entry, are the second
witness and the quick counterexample finder; an answer that holds there without a proof
for every K is `undecided`, and says so. A size switch beyond K = 8 is refuted at the
sizes the Presburger decision finds, re-checked with the softmax written out at that K
(when K is large only the entries involved, every other entry of x being 0).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import sympy as sp
from sympy.matrices.exceptions import ShapeError
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.model.claims import AllOf, Chain, Claim, Decided, Equal, Step
from checker.model.errors import AnswerError
from checker.model.functions import sigmoid
from checker.model.namespace import REAL, Domain, MatrixName, Namespace, Variable, Vector
from checker.model.options import Options
from checker.model.question import AnswerKind, Example, Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.engine import decide
from checker.prove.sampling import Value, differ, evaluate
from checker.prove.sizes import Counterexample as SizesFound
from checker.prove.sizes import Proved, decide_all_sizes
from derivations.definitions import (
    NotWrittenOut,
    OutOfRange,
    shifted,
    softmax,
    softmax_entry,
    softmax_entry_of_map,
    softmax_sum_over,
    sums_written_out,
    vector,
)

SIZES = range(2, 9)  # concrete K written out entry by entry: the second witness
WRITTEN_OUT = "K = 2..8"
SIZE_DOMAIN = Domain("integer ≥ 2", Fraction(2), None, False, True, integer=True)
# Where the engine's sample points look; a symbolic proof in free K and i holds for every
# value, so these only choose where counterexamples are sought.
SAMPLED_SIZE = Domain("integer in 2..8", Fraction(2), Fraction(8), False, False, integer=True)
SAMPLED_INDEX = Domain("integer in 1..2", Fraction(1), Fraction(2), False, False, integer=True)
LARGE_INDEX = Domain("integer in 1..12", Fraction(1), Fraction(12), False, False, integer=True)
LARGE_SIZE = Domain("integer in 13..24", Fraction(13), Fraction(24), False, False, integer=True)
PRESBURGER_MS = 3000

X = Vector("x", 1, "the input vector, x[1] .. x[K]")
C = Variable("c", REAL, "the scalar shift")
I = Variable("i", Domain("integer, 1 ≤ i ≤ K", Fraction(1), None, False, True, integer=True),  # noqa: E741
             "an entry index, 1 <= i <= K")
I_REDUCED = Variable("i", Domain("integer, 1 ≤ i ≤ K − 1", Fraction(1), None, False, True, integer=True),
                     "the index of y_i, 1 <= i <= K - 1")
K = Variable("K", SIZE_DOMAIN, "the dimension of x")
X1, X2 = Variable("x1", REAL, "first entry of x"), Variable("x2", REAL, "second entry of x")
P = MatrixName("p", K.symbol, sp.Integer(1), "p = S(x), a K x 1 column")
ROW = Variable("r", SAMPLED_INDEX, "a row of the Jacobian")
COLUMN = Variable("s", SAMPLED_INDEX, "a column of the Jacobian")
ENTRY = sp.IndexedBase("e", positive=True)  # e[m] = exp(x[m]) in 2.1's size-switch search
EXP_C = sp.Symbol("exp_c", positive=True)  # ... and exp(c)
P_ENTRY = sp.IndexedBase("p", real=True)  # p[m] = S(x)_m as a vector entry (2.4)
x_, i_, k_ = X.base, I.symbol, K.symbol


# 2.1 ----------------------------------------------------------------------------
def invariance_chain(steps: tuple[sp.Expr, ...], options: Options) -> Decided:
    """The person's steps between the two ends derived from the definition: proved for
    symbolic K and i, written out for K = 2..8 (the second witness)."""
    c = C.symbol
    start = Step("S(x + c)_i, the softmax definition", softmax_entry_of_map(shifted(x_, c), i_, k_), True)
    end = Step("S(x)_i, the softmax definition", softmax_entry(x_, i_, k_), True)
    chain = (start, *(Step(sp.sstr(s), s) for s in steps), end)
    symbolic = Chain(chain, ((c, REAL), (i_, SAMPLED_INDEX), (k_, SAMPLED_SIZE)))
    written = AllOf(tuple(
        Chain(tuple(Step(s.text, s.expr.xreplace({k_: n}).doit(), s.derived) for s in chain),
              ((c, REAL), (i_, SAMPLED_INDEX)), f"K = {n}")
        for n in SIZES), "every K in 2..8")
    return Decided("the chain, for every K ≥ 2", lambda: _decide_chain(chain, symbolic, written))


def _decide_chain(chain: tuple[Step, ...], symbolic: Chain, written: AllOf) -> Outcome:
    proof = decide(symbolic)
    if proof.status is Status.VERIFIED:
        witness = decide(written)
        if witness.status is Status.REFUTED:
            return _inconsistent(proof, witness)
        return Outcome(Status.VERIFIED, f"proved for every K ≥ 2 and 1 ≤ i ≤ K ({proof.method}, "
                       f"for symbolic K and i); {_witnessed(witness)}", steps=proof.steps)
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
        found = _switched_step(mine, other)
        if found is not None:
            steps = list(proof.steps)
            steps[n] = StepResult(result.text, Status.REFUTED, SWITCH_METHOD, found)
            return Outcome(Status.REFUTED, f"chain: step '{mine.text}' refuted ({SWITCH_METHOD})",
                           found, steps=tuple(steps))
    return _no_proof(witness, proof.reason, proof.steps)


SWITCH_METHOD = ("counterexample at sizes from the Presburger decision, re-checked with the "
                 "softmax written out at that K")


def _switched_step(mine: Step, other: Step) -> Counterexample | None:
    """A size switch in a step (a Sum bound such as Min(K, 210)): the two steps, with each
    exp(x[m]) read as an entry e[m] of its own (exp is injective, so nothing is lost), made
    one fraction whose numerator goes to the Presburger decision; its sizes are re-checked
    on the steps themselves, so the rewriting only has to find them."""
    try:
        difference = _exp_as_entries(mine.expr - other.expr)
    except ValueError:
        return None
    outcome = _presburger(_numerator(difference), sp.Integer(0), (k_, i_), (k_ >= 2, i_ >= 1, i_ <= k_),
                          "K and i", lambda n: _confirmed(
                              mine.expr, other.expr, {k_: n["K"], i_: n.get("i", 1)},
                              f"step '{mine.text}'", (C.symbol,)))
    return outcome.counterexample if outcome.status is Status.REFUTED else None


def _numerator(difference: sp.Expr) -> sp.Expr:
    """An expression that vanishes exactly where `difference` does (where its denominators
    do not): the numerator of one fraction, branch by branch for a case split."""
    folded = sp.piecewise_fold(difference)
    if isinstance(folded, sp.Piecewise):
        return sp.Piecewise(*((sp.fraction(sp.together(value))[0], condition)
                              for value, condition in folded.args))
    return sp.fraction(sp.together(folded))[0]


def _exp_as_entries(expr: sp.Expr) -> sp.Expr:
    """exp(n*x[m] + k*c + number) as e[m]**n * E**k * exp(number), with E = exp(c) a
    positive variable of its own (the decision evaluates polynomials, not exp(c))."""
    def split(arg: sp.Expr) -> sp.Expr:
        out: sp.Expr = sp.Integer(1)
        for term in sp.Add.make_args(sp.expand(arg)):
            coeff, rest = term.as_coeff_Mul()
            if isinstance(rest, sp.Indexed) and rest.base == x_ and coeff.is_Integer:
                out *= ENTRY[rest.indices[0]] ** coeff
            elif rest == C.symbol and coeff.is_Integer:
                out *= EXP_C ** coeff
            elif term.is_number:
                out *= sp.exp(term)
            else:
                raise ValueError(f"exp({arg}) is not a product of entries")
        return out
    return expr.replace(lambda e: isinstance(e, sp.exp), lambda e: split(e.args[0]))


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
    return Decided("y_i for every K ≥ 2 and 1 ≤ i ≤ K - 1", lambda: _for_every_size(
        written, lambda: _presburger(  # sizes found are re-checked on the definition itself
            y_i, truth, (k_, i_), (k_ >= 2, i_ >= 1, i_ <= k_ - 1), "K and i",
            lambda n: _confirmed(y_i, definition, {k_: n["K"], i_: n["i"]}, "y_i")),
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
    return Decided("every entry of the Jacobian, for every K ≥ 2", lambda: _for_every_size(
        written, lambda: _jacobian_fragment(answer), symbolic_jacobian_entry(answer),
        "for every K ≥ 2 and every entry (r, s)"))


def _answer_entry(answer: sp.MatrixExpr) -> sp.Expr:
    """Entry (r, s) by SymPy's matrix-expression indexing, transposes pushed inward
    first (the entry of a Transpose of a sum is not expanded otherwise)."""
    return answer.doit()[ROW.symbol - 1, COLUMN.symbol - 1]


def symbolic_jacobian_entry(answer: sp.MatrixExpr) -> Equal | None:
    """Entry (r, s) for symbolic K: SymPy differentiates S(x)_r (a Sum over x[m],
    m = 1..K) by x[s]; the answer's entry has p[m] = S(x)_m. None when SymPy leaves a
    case split it cannot settle from 1 <= s <= K."""
    r, s = ROW.symbol, COLUMN.symbol
    truth = _jacobian_truth()
    entry = _answer_entry(answer).replace(
        lambda e: isinstance(e, MatrixElement) and e.parent == P.symbol,
        lambda e: softmax_entry(x_, e.i + 1, k_),
    )
    if truth.has(sp.Piecewise) or entry.has(MatrixElement, sp.MatrixSymbol):
        return None
    return Equal(entry, truth, ((r, SAMPLED_INDEX), (s, SAMPLED_INDEX), (k_, SAMPLED_SIZE)),
                 "symbolic K, entry (r, s)")


def _jacobian_truth(r: sp.Expr = ROW.symbol, s: sp.Expr = COLUMN.symbol) -> sp.Expr:
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
    truth = _jacobian_truth().xreplace({softmax_sum_over(x_, k_): total}).replace(
        lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], sp.Indexed),
        lambda e: P_ENTRY[e.args[0].indices[0]] * total)
    truth = sp.expand(truth)
    entry = _answer_entry(answer).replace(
        lambda e: isinstance(e, MatrixElement) and e.parent == P.symbol and e.j == 0,
        lambda e: P_ENTRY[e.i + 1])
    if truth.has(total, x_.label, sp.Piecewise) or entry.has(MatrixElement, sp.MatrixSymbol):
        return Outcome(Status.UNDECIDED, "", reason="the entry (r, s) is not an expression in p[m]")
    return _presburger(entry, truth, (k_, r, s), (k_ >= 2, r >= 1, r <= k_, s >= 1, s <= k_),
                       "K, r, s over the entries of p", lambda n: _jacobian_confirmed(answer, n))


def _jacobian_confirmed(answer: sp.MatrixExpr, sizes: dict[str, int]) -> Counterexample | None:
    size, row, column = (sizes[n] for n in ("K", "r", "s"))
    entry = answer.xreplace({k_: sp.Integer(size)}).doit()[row - 1, column - 1]
    total = sp.Dummy("total")  # the softmax denominator, written out by _confirmed
    entry = entry.replace(lambda e: isinstance(e, MatrixElement) and e.parent.name == "p",
                          lambda e: sp.exp(x_[e.i + 1]) / total)
    return _confirmed(entry, _jacobian_truth(sp.Integer(row), sp.Integer(column)), {k_: size},
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
    raise AnswerError(f"`{sp.sstr(expr)}` cannot be written out as a matrix")


# Every K, and the written-out sizes --------------------------------------------------
def _presburger(lhs: sp.Expr, rhs: sp.Expr, integers: tuple[sp.Symbol, ...],
                constraints: tuple[sp.Basic, ...], what: str,
                confirm: Callable[[dict[str, int]], Counterexample | None]) -> Outcome:
    """The Presburger decision for every size: a proof, or sizes at which `confirm` must
    find a counterexample at a real point; anything else is undecided, with the reason."""
    # No vector is declared with a length: an entry beyond x[K] stays a variable of its
    # own (the decision would read it as 0), so an answer that mentions one is never proved.
    found = decide_all_sizes(lhs, rhs, integers=integers, constraints=constraints, vectors={},
                             timeout_ms=PRESBURGER_MS)
    if isinstance(found, Proved) and not _never_reversed(lhs, integers, constraints):
        return Outcome(Status.UNDECIDED, "", reason="a Sum's upper bound may lie below its lower bound "
                       "minus 1, where the decision reads it as empty and SymPy by Karr's convention")
    if isinstance(found, Proved):
        return Outcome(Status.VERIFIED, f"Presburger decision in {what}: {found.method}")
    if isinstance(found, SizesFound):
        cx = confirm(found.sizes)
        if cx is not None:
            return Outcome(Status.REFUTED, SWITCH_METHOD, cx)
        return Outcome(Status.UNDECIDED, "", reason=f"not confirmed at {found.detail}")
    return Outcome(Status.UNDECIDED, "", reason=f"outside the Presburger fragment: {found.reason}")


def _for_every_size(written: Claim, fragment: Callable[[], Outcome], engine: Claim | None,
                    every: str) -> Outcome:
    """A proof for every size (the Presburger decision, else the engine for symbolic K),
    with the written-out sizes as the second witness: their counterexample refutes at
    once; agreement there without a proof is `undecided`."""
    witness = decide(written)
    proof = fragment()
    if witness.status is Status.REFUTED:
        return _inconsistent(proof, witness) if proof.status is Status.VERIFIED else witness
    if proof.status is Status.UNDECIDED and engine is not None:
        symbolic = decide(engine)
        if symbolic.status is Status.UNDECIDED:
            reason = f"{proof.reason}; symbolic K: {symbolic.reason or symbolic.method}"
            proof = Outcome(Status.UNDECIDED, "", reason=reason)
        else:
            proof = Outcome(symbolic.status, f"symbolic K: {symbolic.method}", symbolic.counterexample)
    if proof.status is Status.VERIFIED:
        return Outcome(Status.VERIFIED, f"proved {every} ({proof.method}); {_witnessed(witness)}")
    if proof.status is Status.REFUTED:
        return proof
    return _no_proof(witness, proof.reason)


def _never_reversed(expr: sp.Expr, integers: tuple[sp.Symbol, ...],
                    constraints: tuple[sp.Basic, ...]) -> bool:
    """Every Sum of expr has upper >= lower - 1 for every size: there both conventions agree."""
    def holds(low: sp.Expr, high: sp.Expr) -> bool:
        found = decide_all_sizes(sp.Piecewise((1, high >= low - 1), (0, True)), sp.Integer(1),
                                 integers=integers, constraints=constraints, vectors={},
                                 timeout_ms=PRESBURGER_MS)
        return isinstance(found, Proved)
    return all(holds(low, high) for total in expr.atoms(sp.Sum) for _, low, high in total.limits)


def _witnessed(witness: Outcome) -> str:
    if witness.status is Status.VERIFIED:
        return f"written out for {WRITTEN_OUT}: agrees"
    return f"written out for {WRITTEN_OUT}: no disagreement ({witness.method})"


def _no_proof(witness: Outcome, why: str, steps: tuple[StepResult, ...] = ()) -> Outcome:
    if witness.status is Status.VERIFIED:
        method = f"holds for {WRITTEN_OUT} (written out), no proof for every K"
    else:
        method = f"no proof for every K; written out for {WRITTEN_OUT}: {witness.method}"
    return Outcome(Status.UNDECIDED, method, reason=f"no proof for every K ≥ 2: {why}",
                   steps=steps or witness.steps)


def _inconsistent(proof: Outcome, witness: Outcome) -> Outcome:
    shown = witness.counterexample.describe() if witness.counterexample else witness.method
    return Outcome(Status.UNDECIDED, proof.method, reason=(
        f"internal inconsistency: proved for every K ({proof.method}) but refuted written out "
        f"({shown}); please report this"))


# Re-checking sizes found by the Presburger decision -----------------------------------
CANDIDATE_VALUES = [sp.Rational(1, 2), sp.Integer(2), sp.Integer(-1), sp.Rational(1, 3), sp.Integer(3),
                    sp.Rational(-3, 2), sp.Integer(1), sp.Rational(5, 2)]


def _confirmed(answer: sp.Expr, truth: sp.Expr, sizes: dict[sp.Symbol, int], where: str,
               scalars: tuple[sp.Symbol, ...] = (), sums: sp.Symbol | None = None,
               extra: set[int] | None = None) -> Counterexample | None:
    """The answer and the truth at these sizes, every Sum written out with the entries
    of x they involve given values and every other entry 0 (a point like any other, so a
    difference there is a counterexample); `sums` in the answer stands for the softmax
    denominator, written out the same way. None when no tried point separates them."""
    size = sizes[k_]
    concrete = [e.xreplace({s: sp.Integer(v) for s, v in sizes.items()}) for e in (answer, truth)]
    involved = sorted({int(e.indices[0]) for side in concrete for e in side.atoms(sp.Indexed)
                       if e.base == x_ and e.indices[0].is_Integer} | (extra or set()))
    try:
        truth_there = sums_written_out(concrete[1], x_, frozenset(involved), size)
    except (NotWrittenOut, OutOfRange):
        return None
    try:
        sides = [sums_written_out(concrete[0], x_, frozenset(involved), size), truth_there]
    except NotWrittenOut:
        return None
    except OutOfRange as exc:
        return Counterexample(tuple((s.name, str(v)) for s, v in sizes.items()), "undefined", "defined",
                              where, f"your answer uses x[{exc}], but x has only K = {size} entries")
    if sums is not None:
        denominator = sums_written_out(softmax_sum_over(x_, size), x_, frozenset(involved), size)
        sides[0] = sides[0].xreplace({sums: denominator})
    for shift in range(len(CANDIDATE_VALUES)):
        values = {x_[m]: CANDIDATE_VALUES[(n + shift) % len(CANDIDATE_VALUES)]
                  for n, m in enumerate(involved)}
        values |= {s: CANDIDATE_VALUES[-1 - shift] for s in scalars}
        mine, theirs = evaluate(sides[0], values), evaluate(sides[1], values)
        if differ(mine, theirs, values, sides[0], sides[1]) or (theirs.defined and not mine.defined):
            return _counterexample(sizes, values, mine, theirs, where)
    return None


def _counterexample(sizes: dict[sp.Symbol, int], values: dict[sp.Basic, sp.Expr], mine: Value,
                    theirs: Value, where: str) -> Counterexample:
    assignment = [(s.name, str(v)) for s, v in sizes.items()]
    assignment += [(sp.sstr(s), sp.sstr(v)) for s, v in values.items()]
    exact = mine.exact is not None and theirs.exact is not None
    note = "every other x[m] is 0" + ("" if exact else "; values by mpmath, re-checked at 120 digits")
    return Counterexample(tuple(assignment), mine.show(), theirs.show(), where, note)


_S_XC = "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))"  # S(x + c)_i
_S_X = "exp(x[i])/Sum(exp(x[j]), (j, 1, K))"  # S(x)_i

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
          "steps proved for symbolic K and i (every K ≥ 2, 1 ≤ i ≤ K), and written out for "
          "K = 2..8 as a second witness",
    claim=invariance_chain,
    examples=(
        Example(f"{_S_XC} = exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))"
                f" = {_S_X}", right=True),
        # exp(c) dropped from the denominator only: the middle step is false
        Example(f"{_S_XC} = exp(c)*exp(x[i])/Sum(exp(x[j]), (j, 1, K)) = {_S_X}", right=False),
        Example(f"{_S_XC} = exp(x[i] + c)", right=False),  # the denominator dropped
    ),
))
QUESTIONS.append(Question(
    id="2.2", title="two-class softmax as a sigmoid: z",
    statement="z with S(x) = [sigmoid(z), 1 - sigmoid(z)] for a 2-dimensional x.",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(X1, X2)),
    reference="x1 - x2",
    truth="both entries of the softmax definition for x = [x1, x2]",
    claim=sigmoid_form_claim,
    examples=(
        Example("-(x2 - x1)", right=True),
        Example(r"\log\frac{e^{x_1}}{e^{x_2}}", right=True, latex=True),
        Example("x2 - x1", right=False),  # a sign flip: the second class's z
        Example("x1 + x2", right=False),
        Example("2*(x1 - x2)", right=False),  # a stray factor
    ),
))
QUESTIONS.append(Question(
    id="2.3", title="softmax with K - 1 parameters: y_i",
    statement="y_i with S(x) = S([0, y_1, ..., y_{K-1}]), for 1 <= i <= K - 1.",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(I_REDUCED, K), vectors=(X,)),
    reference="x[i+1] - x[1]",
    truth="y_i = log(S(x)_{i+1} / S(x)_1), read off the softmax definition (S([0, y]) = S(x) "
          "forces [0, y] = x + c), compared for every K ≥ 2 and 1 ≤ i ≤ K − 1 (Presburger "
          "decision, else symbolic K and i); both vectors' softmax written out, every entry, for "
          "K = 2..8 as a second witness",
    claim=reduced_parameters_claim,
    examples=(
        Example("-(x[1] - x[i+1])", right=True),
        Example(r"x_{i+1} - x_1", right=True, latex=True),
        Example("x[i] - x[1]", right=False),  # an index slip: off by one
        Example("x[i+1] + x[1]", right=False),  # a sign flip
        Example("x[i+1]", right=False),  # the shift by x[1] dropped
    ),
))
QUESTIONS.append(Question(
    id="2.4", title="Jacobian of softmax in terms of p = S(x)",
    statement="The Jacobian of the softmax function, in terms of p = S(x).",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(K,), matrices=(P,)),
    reference="diag(p) - p*p.T",
    truth="SymPy's Jacobian of the softmax definition, entry (r, s) for every K ≥ 2 (in the "
          "entries of p: Presburger decision, else symbolic K with KroneckerDelta), and written "
          "out entry by entry for K = 2..8 as a second witness",
    claim=jacobian_claim,
    examples=(
        Example("diag(p) - p*transpose(p)", right=True),
        Example(r"\mathrm{Diag}(p) - pp^\top", right=True, latex=True),
        Example("diag(p) + p*p.T", right=False),  # a sign flip
        Example("p*p.T - diag(p)", right=False),  # the negated Jacobian
        Example("diag(p)", right=False),  # the outer product dropped
    ),
))
