"""Deciding a claim that quantifies over sizes and indices (docs: the package docstring).

1. A symbolic proof with the sizes and indices as integer symbols: the engine's proof of
   the claim for symbolic K (and i) holds for every K; conditions that the declared
   ranges settle (`K >= i` for 1 <= i <= K) are settled first, by z3. Only a proof counts
   here: the engine samples integer points without the ranges, so its refutations are
   ignored (a point outside a declared range never refutes).
2. For two sides in z3's index fragment, `decide_all_sizes`: a proof for every size, or
   sizes at which the sides differ (checked first in step 3, at those concrete sizes).
3. A search over concrete instances: every size from its lower bound up to
   `options.max_size` and every index value inside its declared range, each instance
   decided by the engine on the expressions written out there (Sum(...).doit()). A
   refuted instance refutes the claim, named "K = 3, i = 2"; otherwise the claim is
   `undecided`, naming the range searched. A proof is followed by the same search over
   the smallest sizes as a second witness; a disagreement is an internal inconsistency.

Two rules hold throughout. Sums follow the empty-sum convention (`empty_sums`): a Sum
whose upper bound is below its lower bound is 0, on both sides, in the symbolic step, in
z3 and in every written-out instance. And a scope that admits no case (sizes and index
ranges that contradict each other) is refused at declaration where z3 shows it
(`require_a_case`), and is never `verified` at check time: a claim over nothing proves
nothing about the question.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from checker.authoring.names import Scope
from checker.model.claims import Claim, Domains
from checker.model.errors import AnswerError
from checker.model.functions import GuardedSum
from checker.model.namespace import Domain
from checker.model.options import Options
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.engine import decide
from checker.prove.sizes import Counterexample as SizesFound
from checker.prove.sizes import Proved, decide_all_sizes

SEARCH_SECONDS = 4.0  # the concrete search stops here and names the sizes it covered
WITNESS_LEVEL = 2  # after a proof: sizes up to lower + 2, as a second witness
WITNESS_SECONDS = 2.0
PRESBURGER_MS = 2000
SETTLE_MS = 300  # z3's time to settle one condition on the sizes and indices
CANDIDATE_LIMIT = 60  # sizes found by z3 are written out only up to this
# What SymPy raises where it cannot rewrite or write out an expression: that step then
# decides nothing (never a proof, never a refutation).
FAILURES = (ArithmeticError, TypeError, ValueError, NotImplementedError, AttributeError,
            IndexError, RecursionError)

Instance = Callable[[dict[sp.Symbol, int], str], "Claim | Outcome"]


def empty_sums(expr: sp.Basic) -> sp.Basic:
    """expr with the empty-sum convention made explicit: every Sum(f, (j, a, b)) becomes
    Piecewise((Sum(f, (j, a, b)), b >= a), (0, True)), one guard per limit (innermost
    first), nested Sums included. SymPy's Sum follows Karr's convention (Sum(f, (j, 1, -2))
    is -f(-1) - f(0)) and `.doit()` gives closed forms valid only where b >= a - 1; under the guard
    every closed form is exact, and the value is the one z3's normaliser reads. Applied
    once, to each side as given (answer, truth, chain steps and ends)."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    # A Sum the answer language already guarded (GuardedSum) is guarded once, here.
    plain = expr.replace(lambda e: isinstance(e, GuardedSum) and e.written is not None,
                         lambda e: e.written)
    return plain.replace(lambda e: isinstance(e, sp.Sum), _guarded)


def _guarded(total: sp.Sum) -> sp.Basic:
    if not all(len(limit) == 3 for limit in total.limits):
        return total  # an indefinite Sum(f, j): nothing to guard (SymPy leaves it alone)
    body: sp.Basic = total.function
    for variable, low, high in total.limits:
        body = sp.Piecewise((sp.Sum(body, (variable, low, high)), high >= low), (0, True))
    return body


def admits_no_case(integers: tuple[sp.Symbol, ...], constraints: list[sp.Basic]) -> bool:
    """True only when z3 shows that no integer values satisfy the constraints."""
    if not integers:
        return False
    found = decide_all_sizes(sp.Integer(0), sp.Integer(1), integers=integers,
                             constraints=constraints, vectors={}, timeout_ms=PRESBURGER_MS)
    return isinstance(found, Proved)  # 0 == 1 is proved only where there is nothing to check


def require_a_case(scope: Scope, what: str) -> None:
    """At declaration: ValueError when the declared sizes and index ranges admit no case
    (an index range 'K+1..K'); a claim over them would verify every answer."""
    if scope.indices and not _instance_at(scope, 0) and admits_no_case(
            scope.integers, scope.constraints()):
        raise ValueError(f"{what}: the declared sizes and index ranges admit no case "
                         f"({scope.every()} holds for no whole numbers)")


def no_case(every: str) -> Outcome:
    return Outcome(Status.UNDECIDED, "the declared sizes admit no case", reason=(
        f"the declared sizes admit no case: {every} holds for no whole numbers (or z3 cannot "
        "find one); a claim over no case proves nothing, so it is never verified (an "
        "authoring error)"))


def _has_a_case(scope: Scope, level: int) -> bool:
    """An admissible instance among the searched sizes, or one z3 finds beyond them."""
    if _instance_at(scope, level):
        return True
    found = decide_all_sizes(sp.Integer(0), sp.Integer(1), integers=scope.integers,
                             constraints=scope.constraints(), vectors={}, timeout_ms=PRESBURGER_MS)
    return isinstance(found, SizesFound)


def _instance_at(scope: Scope, level: int) -> bool:
    """An admissible instance with every size at most lower + level (False where a range
    is not a whole number at the sizes tried: z3 is asked instead)."""
    try:
        return next(scope.instances(level), None) is not None
    except ValueError:
        return False


def at(expr: sp.Basic, values: dict[sp.Symbol, int]) -> sp.Basic:
    """expr written out at concrete sizes and indices (every Sum expanded)."""
    return expr.xreplace({s: sp.Integer(v) for s, v in values.items()}).doit()


def settled(expr: sp.Basic, scope: Scope) -> sp.Basic:
    """expr with its conditions on sizes and indices that the declared ranges decide
    replaced by True or False (equal to expr wherever the ranges hold), after doit()."""
    expr = expr.doit()
    names = set(scope.integers)
    constraints = scope.constraints()
    decided: dict[sp.Basic, sp.Basic] = {}
    for relation in expr.atoms(sp.core.relational.Relational):
        if not relation.free_symbols or not relation.free_symbols <= names or relation.has(sp.Indexed):
            continue
        for value, target in ((sp.true, 1), (sp.false, 0)):
            found = decide_all_sizes(sp.Piecewise((1, relation), (0, True)), sp.Integer(target),
                                     integers=scope.integers, constraints=constraints, vectors={},
                                     timeout_ms=SETTLE_MS)
            if isinstance(found, Proved):
                decided[relation] = value
                break
    return expr.xreplace(decided) if decided else expr


def sampling_domains(scope: Scope) -> Domains:
    """Where the engine looks for points in the symbolic step: small sizes, small indices.
    (Only its proofs are used, so these choose nothing but the proof's spot checks.)"""
    out: list[tuple[sp.Symbol, Domain]] = list(scope.scalars)
    smallest: dict[sp.Symbol, int] = {}
    for s in scope.sizes:
        smallest[s.symbol] = s.lower
        out.append((s.symbol, _between(s.lower, s.lower + 4)))
    for i in scope.indices:
        low = i.low.xreplace({k: sp.Integer(v) for k, v in smallest.items()})
        first = int(low) if low.is_Integer else 1
        smallest[i.symbol] = first
        out.append((i.symbol, _between(first, first + 1)))
    return tuple(out)


def _between(low: int, high: int) -> Domain:
    return Domain(f"integer in {low}..{high}", Fraction(low), Fraction(high), False, False, integer=True)


@dataclass(frozen=True)
class Searched:
    refuted: Outcome | None  # the first refuted instance
    level: int  # every instance with sizes up to lower + level was decided (-1: none)
    checked: int
    undecided: int  # instances neither proved nor refuted


def search(scope: Scope, instance: Instance, level: int, seconds: float,
           first: Iterable[dict[sp.Symbol, int]] = ()) -> Searched:
    """Every instance up to `level`, smallest first (`first` before them), until one is
    refuted or `seconds` pass."""
    deadline = time.monotonic() + seconds
    checked = undecided = 0
    for values in first:
        outcome = _decided(instance, values, scope)
        checked += 1
        if outcome.status is Status.REFUTED:
            return Searched(outcome, -1, checked, undecided)
    done = -1
    for offset, values in scope.instances(level):
        done = max(done, offset - 1)  # instances come by offset: every smaller one is decided
        if time.monotonic() > deadline:
            return Searched(None, done, checked, undecided)
        outcome = _decided(instance, values, scope)
        checked += 1
        if outcome.status is Status.REFUTED:
            return Searched(outcome, done, checked, undecided)
        undecided += outcome.status is not Status.VERIFIED
    return Searched(None, level, checked, undecided)


def _decided(instance: Instance, values: dict[sp.Symbol, int], scope: Scope) -> Outcome:
    where = scope.where(values)
    try:
        built = instance(values, where)
        outcome = built if isinstance(built, Outcome) else decide(built)
    except AnswerError:
        raise
    except FAILURES as exc:  # SymPy could not write this instance out: nothing decided here
        return Outcome(Status.UNDECIDED, "instance not written out", reason=f"{type(exc).__name__}")
    if outcome.status is Status.REFUTED:
        return Outcome(Status.REFUTED, f"counterexample at {where} ({outcome.method})",
                       outcome.counterexample, steps=outcome.steps)
    return outcome


def entry_beyond(expr: sp.Basic, scope: Scope, values: dict[sp.Symbol, int]) -> str | None:
    """'x[4], but x has entries 1..3 here' for the first entry of a written-out expression
    beyond its vector's declared length; None when there is none."""
    for entry in sorted(expr.atoms(sp.Indexed), key=sp.default_sort_key):
        lengths = scope.length_at(str(entry.base.label), values)
        if lengths is None or not all(i.is_Integer for i in entry.indices):
            continue
        if any(not 1 <= int(i) <= n for i, n in zip(entry.indices, lengths, strict=True)):
            shown = ", ".join(str(n) for n in lengths)
            return f"{sp.sstr(entry)}, but {entry.base.label} has entries 1..{shown} here"
    return None


def undefined_here(beyond: str, where: str) -> Outcome:
    """The answer is undefined at an admissible instance: it uses an entry that is not there."""
    cx = Counterexample((), "undefined", "defined", where, f"your answer uses {beyond}")
    return Outcome(Status.REFUTED, "an entry out of range (the answer is undefined here)", cx)


def truth_beyond(beyond: str, where: str) -> Outcome:
    return Outcome(Status.UNDECIDED, "instance skipped", reason=(
        f"the question's truth uses {beyond} at {where}: the truth function must stay inside "
        "the declared lengths (an authoring error)"))


def decide_every_size(scope: Scope, options: Options, *, symbolic: Callable[[], Claim | None],
                      instance: Instance, presburger: Callable[[], tuple[sp.Expr, sp.Expr] | None],
                      ) -> Outcome:
    """The claim for every size and index of `scope` (see the module docstring).

    `symbolic()` builds the claim with sizes and indices as symbols (or None), `instance`
    the claim at concrete values (or a refuting Outcome), `presburger()` the two sides
    for z3's index fragment (or None)."""
    level = scope.levels(options.max_size)
    every = scope.every()
    if not _has_a_case(scope, level):
        return no_case(every)
    why: list[str] = []
    steps: tuple[StepResult, ...] = ()
    proved = _symbolic_proof(symbolic, why)
    proof = None
    if proved is not None:
        proof, steps = f"symbolic, sizes and indices as integer symbols: {proved.method}", proved.steps
    candidates: list[dict[sp.Symbol, int]] = []
    if proof is None:
        try:
            sides = presburger()
        except AnswerError:
            raise
        except FAILURES:
            sides = None
        if sides is not None:
            proof = _presburger(scope, sides, why, candidates)
    if proof is not None:
        witness = search(scope, instance, min(WITNESS_LEVEL, level), WITNESS_SECONDS)
        if witness.refuted is not None:
            shown = (witness.refuted.counterexample.describe() if witness.refuted.counterexample
                     else witness.refuted.method)
            return Outcome(Status.UNDECIDED, proof, reason=(
                f"internal inconsistency: proved for {every} ({proof}) but refuted written out "
                f"({shown}); please report this"))
        agrees = "agrees" if not witness.undecided else f"no disagreement ({witness.undecided} undecided)"
        checked = f"; written out for {scope.covered(witness.level)}: {agrees}" if witness.level >= 0 else ""
        return Outcome(Status.VERIFIED, f"proved for {every} ({proof}){checked}", steps=steps)
    searched = search(scope, instance, level, SEARCH_SECONDS, candidates)
    if searched.refuted is not None:
        return searched.refuted
    if searched.level < 0:
        covered = "no size: the search stopped at its time budget before any size was complete"
    else:
        covered = scope.covered(searched.level) + (
            "" if searched.level == level else " (the search stopped at its time budget)")
    open_instances = (f"; {searched.undecided} of {searched.checked} instances undecided"
                      if searched.undecided else "")
    name = ", ".join(s.variable.name for s in scope.sizes) or "size"
    return Outcome(
        Status.UNDECIDED, f"no proof for every {name}; no counterexample for {covered}{open_instances}",
        reason=f"no proof for {every} ({'; '.join(why) or 'no symbolic proof found'}); a search "
        f"over finitely many sizes ({covered}) is not a proof for every size")


def _symbolic_proof(symbolic: Callable[[], Claim | None], why: list[str]) -> Outcome | None:
    """The engine's proof with sizes and indices as symbols, or None (and why, into `why`)."""
    try:
        claim = symbolic()
        outcome = decide(claim) if claim is not None else None
    except AnswerError:
        raise
    except FAILURES as exc:
        why.append(f"symbolic: SymPy failed ({type(exc).__name__})")
        return None
    if outcome is None:
        return None
    if outcome.status is Status.VERIFIED:
        return outcome
    why.append("symbolic: " + (outcome.reason or outcome.method) if outcome.status is Status.UNDECIDED
               else "symbolic: no proof")
    return None


def _presburger(scope: Scope, sides: tuple[sp.Expr, sp.Expr], why: list[str],
                candidates: list[dict[sp.Symbol, int]]) -> str | None:
    """z3's proof for every size, or sizes where the sides differ (into `candidates`)."""
    lhs, rhs = sides
    constraints = scope.constraints()
    found = decide_all_sizes(lhs, rhs, integers=scope.integers, constraints=constraints,
                             vectors={}, timeout_ms=PRESBURGER_MS)
    if isinstance(found, Proved):  # the sides' Sums are guarded (`empty_sums`): z3 reads them alike
        if found.method.startswith("vacuous"):
            why.append("z3: the declared ranges admit no case")
            return None
        return f"Presburger decision (z3): {found.method}"
    if isinstance(found, SizesFound):
        values = {s: found.sizes[s.name] for s in scope.integers if s.name in found.sizes}
        if (len(values) == len(scope.integers) and scope.admissible(values)
                and all(abs(v) <= CANDIDATE_LIMIT for v in values.values())):
            candidates.append(values)
        why.append(f"z3: the sides differ {found.detail}")
        return None
    why.append(f"z3: {found.reason}")
    return None
