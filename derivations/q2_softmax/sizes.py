"""Question 2 for every K: the Presburger decision (checker.prove.sizes) and the steps
that bring a claim into its fragment (exp(x[m]) as entries e[m], one fraction's
numerator), the written-out sizes as the second witness, and the re-check at a real x
of the sizes a decision finds."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from checker.model.claims import Claim
from checker.model.functions import GuardedSum
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.engine import decide
from checker.prove.sampling import Value, differ, evaluate
from checker.prove.sizes import Counterexample as SizesFound
from checker.prove.sizes import Proved, decide_all_sizes
from derivations.definitions import (
    NotWrittenOut,
    OutOfRange,
    softmax_sum_over,
    sums_written_out,
)
from derivations.q2_softmax.names import (
    ENTRY,
    EXP_C,
    PRESBURGER_MS,
    WRITTEN_OUT,
    C,
    k_,
    x_,
)

SWITCH_METHOD = ("counterexample at sizes from the Presburger decision, re-checked with the "
                 "softmax written out at that K")


def numerator(difference: sp.Expr) -> sp.Expr:
    """An expression that vanishes exactly where `difference` does (where its denominators
    do not): the numerator of one fraction, branch by branch for a case split."""
    folded = sp.piecewise_fold(difference)
    if isinstance(folded, sp.Piecewise):
        return sp.Piecewise(*((sp.fraction(sp.together(value))[0], condition)
                              for value, condition in folded.args))
    return sp.fraction(sp.together(folded))[0]


def exp_as_entries(expr: sp.Expr) -> sp.Expr:
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


# Every K, and the written-out sizes --------------------------------------------------
def presburger(lhs: sp.Expr, rhs: sp.Expr, integers: tuple[sp.Symbol, ...],
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


def for_every_size(written: Claim, fragment: Callable[[], Outcome], engine: Claim | None,
                   every: str) -> Outcome:
    """A proof for every size (the Presburger decision, else the engine for symbolic K),
    with the written-out sizes as the second witness: their counterexample refutes at
    once; agreement there without a proof is `undecided`."""
    witness = decide(written)
    proof = fragment()
    if witness.status is Status.REFUTED:
        return inconsistent(proof, witness) if proof.status is Status.VERIFIED else witness
    if proof.status is Status.UNDECIDED and engine is not None:
        symbolic = decide(engine)
        if symbolic.status is Status.UNDECIDED:
            reason = f"{proof.reason}; symbolic K: {symbolic.reason or symbolic.method}"
            proof = Outcome(Status.UNDECIDED, "", reason=reason)
        else:
            proof = Outcome(symbolic.status, f"symbolic K: {symbolic.method}", symbolic.counterexample)
    if proof.status is Status.VERIFIED:
        return Outcome(Status.VERIFIED, f"proved {every} ({proof.method}); {witnessed(witness)}")
    if proof.status is Status.REFUTED:
        return proof
    return no_proof(witness, proof.reason)


def _never_reversed(expr: sp.Expr, integers: tuple[sp.Symbol, ...],
                    constraints: tuple[sp.Basic, ...]) -> bool:
    """Every Sum of expr has upper >= lower - 1 for every size: there both conventions agree."""
    def holds(low: sp.Expr, high: sp.Expr) -> bool:
        found = decide_all_sizes(sp.Piecewise((1, high >= low - 1), (0, True)), sp.Integer(1),
                                 integers=integers, constraints=constraints, vectors={},
                                 timeout_ms=PRESBURGER_MS)
        return isinstance(found, Proved)
    # A Sum the answer language guarded (GuardedSum: the Sum where high >= low, else 0) is
    # read the same way by both: only unguarded Sums need the check.
    guarded = {g.args[0].expr for g in expr.atoms(GuardedSum)}
    return all(holds(low, high) for total in expr.atoms(sp.Sum) - guarded
               for _, low, high in total.limits)


def witnessed(witness: Outcome) -> str:
    if witness.status is Status.VERIFIED:
        return f"written out for {WRITTEN_OUT}: agrees"
    return f"written out for {WRITTEN_OUT}: no disagreement ({witness.method})"


def no_proof(witness: Outcome, why: str, steps: tuple[StepResult, ...] = ()) -> Outcome:
    if witness.status is Status.VERIFIED:
        method = f"holds for {WRITTEN_OUT} (written out), no proof for every K"
    else:
        method = f"no proof for every K; written out for {WRITTEN_OUT}: {witness.method}"
    return Outcome(Status.UNDECIDED, method, reason=f"no proof for every K ≥ 2: {why}",
                   steps=steps or witness.steps)


def inconsistent(proof: Outcome, witness: Outcome) -> Outcome:
    shown = witness.counterexample.describe() if witness.counterexample else witness.method
    return Outcome(Status.UNDECIDED, proof.method, reason=(
        f"internal inconsistency: proved for every K ({proof.method}) but refuted written out "
        f"({shown}); please report this"))


# Re-checking sizes found by the Presburger decision -----------------------------------
CANDIDATE_VALUES = [sp.Rational(1, 2), sp.Integer(2), sp.Integer(-1), sp.Rational(1, 3), sp.Integer(3),
                    sp.Rational(-3, 2), sp.Integer(1), sp.Rational(5, 2)]


def confirmed(answer: sp.Expr, truth: sp.Expr, sizes: dict[sp.Symbol, int], where: str,
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
