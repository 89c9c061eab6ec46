"""Claims about formulas in whole-number sizes that use floor and ceiling (an output length
`floor((n + 2p - k)/s) + 1`), decided by z3 for every admissible size.

The index fragment (`checker.prove.sizes`) has no floor: its normal form is a sum of
guarded monomials. Here a formula is a z3 *real* term over integer sizes instead, and each floor
or ceiling a fresh integer with its defining bounds (`Encoder.integer_part`), so
`floor(x/2)` is linear integer arithmetic, which z3 decides. A divisor that holds
a size (a symbolic stride) makes the query nonlinear: z3 may still prove it, or give up
(`unknown`, or its time budget), which is never taken for a proof.

* `Decision.proved`: z3 found the negation unsatisfiable, every divisor required nonzero,
  so the claim holds for every integer assignment satisfying the assumptions;
* `Decision.case`: sizes where the claim fails (or a divisor is zero). z3's model is only
  a lead: the caller re-checks it in exact arithmetic before it refutes anything;
* neither: `why` says what z3 could not do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from checker.prove.sizes.exact import COMPARISONS

MAX_POWER = 6  # integer powers a formula may have (each is a product of that many terms)

# z3 terms -> the claim to prove, given the z3 integer of each size.
ClaimOf = Callable[[list[Any], Mapping[sp.Symbol, Any]], Any]


class Unencodable(Exception):
    """A formula outside the encoding (the message says which part)."""


@dataclass(frozen=True)
class Decision:
    proved: bool
    case: dict[sp.Symbol, int] | None  # z3's model, when the claim fails there
    why: str


class Encoder:
    """SymPy formulas over integer sizes as z3 terms. Each floor or ceiling becomes a fresh
    integer q with its defining bounds in `definitions` (q is unique for each assignment
    of the sizes, so adding them changes no claim); every divisor goes to `denominators`
    (a claim requires each nonzero, so an undefined value never passes)."""

    def __init__(self, sizes: Mapping[sp.Symbol, Any]) -> None:
        self.sizes = sizes
        self.denominators: list[Any] = []
        self.definitions: list[Any] = []
        self._integer_parts = 0

    def term(self, e: sp.Basic) -> Any:
        """`e` as a z3 real term."""
        import z3

        if isinstance(e, sp.Integer):
            return z3.RealVal(int(e))
        if isinstance(e, sp.Rational):
            return z3.Q(int(e.p), int(e.q))
        if isinstance(e, sp.Symbol) and e in self.sizes:
            return z3.ToReal(self.sizes[e])
        if isinstance(e, sp.Add):
            return z3.Sum([self.term(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return z3.Product([self.term(a) for a in e.args])
        if isinstance(e, sp.Pow) and isinstance(e.exp, sp.Integer) and abs(int(e.exp)) <= MAX_POWER:
            base = self.term(e.base)
            power = z3.Product([base] * abs(int(e.exp))) if e.exp != 0 else z3.RealVal(1)
            if e.exp > 0:
                return power
            self.denominators.append(power)
            return 1 / power
        if isinstance(e, sp.floor):
            return z3.ToReal(self.integer_part(e.args[0]))
        if isinstance(e, sp.ceiling):
            return -z3.ToReal(self.integer_part(-e.args[0]))
        if isinstance(e, sp.Abs):
            inner = self.term(e.args[0])
            return z3.If(inner < 0, -inner, inner)
        if isinstance(e, sp.Max | sp.Min):
            terms = [self.term(a) for a in e.args]
            out = terms[0]
            for t in terms[1:]:
                out = z3.If(t > out, t, out) if isinstance(e, sp.Max) else z3.If(t < out, t, out)
            return out
        names = ", ".join(sorted(s.name for s in self.sizes))
        raise Unencodable(f"`{sp.sstr(e)}` is outside the z3 encoding (+, −, ×, ÷, integer "
                          f"powers, floor, ceil, abs, max, min of {names})")

    def integer_part(self, argument: sp.Expr) -> Any:
        """A fresh integer q = floor(argument). With a whole-number numerator over a positive
        constant c the bounds c·q <= numerator < c·q + c stay in integer arithmetic, which z3
        decides far faster than the same bounds over reals (q <= argument < q + 1)."""
        import z3

        # Named before the argument is encoded: a floor inside it gets a name of its own
        # (a name counted from `definitions` would be the outer one's too).
        self._integer_parts += 1
        q = z3.Int(f"⌊{self._integer_parts}⌋")  # no size can be called this: sizes are identifiers
        # `together` cancels common factors ((k*n + k)/k is n + 1): every divisor as written
        # is recorded first, so a value undefined where a divisor is zero never passes.
        for power in argument.atoms(sp.Pow):
            if power.exp.is_negative:
                self.term(power)
        numerator, denominator = sp.fraction(sp.together(argument))
        if isinstance(denominator, sp.Integer) and denominator > 0:
            whole = self.integer_term(sp.expand(numerator))
            if whole is not None:
                c = int(denominator)
                self.definitions.append(z3.And(c * q <= whole, whole < c * q + c))
                return q
        x = self.term(argument)
        self.definitions.append(z3.And(z3.ToReal(q) <= x, x < z3.ToReal(q) + 1))
        return q

    def integer_term(self, e: sp.Expr) -> Any | None:
        """A polynomial with integer coefficients in the sizes and integer parts as a z3
        integer term, or None."""
        import z3

        if isinstance(e, sp.Integer):
            return z3.IntVal(int(e))
        if isinstance(e, sp.Symbol) and e in self.sizes:
            return self.sizes[e]
        if isinstance(e, sp.floor):
            return self.integer_part(e.args[0])
        if isinstance(e, sp.ceiling):
            return -self.integer_part(-e.args[0])
        if isinstance(e, sp.Add | sp.Mul):
            parts = [self.integer_term(a) for a in e.args]
            if any(part is None for part in parts):
                return None
            return z3.Sum(parts) if isinstance(e, sp.Add) else z3.Product(parts)
        if isinstance(e, sp.Pow) and isinstance(e.exp, sp.Integer) and 0 < int(e.exp) <= MAX_POWER:
            base = self.integer_term(e.base)
            return None if base is None else z3.Product([base] * int(e.exp))
        return None

    def condition(self, e: sp.Basic) -> Any:
        """A relation (or And/Or/Not of relations) between formulas, as a z3 Boolean."""
        import z3

        if e is sp.true:
            return z3.BoolVal(True)
        if e is sp.false:
            return z3.BoolVal(False)
        if isinstance(e, sp.And):
            return z3.And([self.condition(a) for a in e.args])
        if isinstance(e, sp.Or):
            return z3.Or([self.condition(a) for a in e.args])
        if isinstance(e, sp.Not):
            return z3.Not(self.condition(e.args[0]))
        compare = COMPARISONS.get(type(e))
        if compare is None:
            raise Unencodable(f"the condition `{sp.sstr(e)}` is outside the z3 encoding")
        return compare(self.term(e.lhs), self.term(e.rhs))


def decide_for_integers(claim_of: ClaimOf, formulas: Sequence[sp.Expr], sizes: Mapping[sp.Symbol, int],
                        assumptions: Sequence[sp.Basic], timeout_ms: int) -> Decision:
    """Whether `claim_of(terms, z3 sizes)` holds for every integer value of `sizes` from its
    lower bound on (size -> lower bound) that satisfies `assumptions` (SymPy relations),
    with every divisor of the formulas nonzero; z3's model where it does not; or why
    neither. The bounds are given apart because SymPy evaluates `n >= 1` to True for a
    positive symbol: a relation the symbol's assumptions settle never reaches z3."""
    import z3

    ints = {s: z3.Int(s.name) for s in sizes}
    encoder = Encoder(ints)
    try:
        terms = [encoder.term(f) for f in formulas]
        guards = [encoder.condition(a) for a in assumptions]
    except Unencodable as exc:
        return Decision(False, None, str(exc))
    guards += [ints[s] >= lower for s, lower in sizes.items()]
    guards += [ints[s] >= (1 if s.is_positive else 0) for s in sizes if s.is_nonnegative]
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    defined = z3.And([d != 0 for d in encoder.denominators])
    solver.add(*guards, *encoder.definitions, z3.Not(z3.And(defined, claim_of(terms, ints))))
    result = solver.check()
    if result == z3.unsat:
        return Decision(True, None, "z3")
    if result == z3.sat:
        model = solver.model()
        case = {s: model.eval(v, model_completion=True).as_long() for s, v in ints.items()}
        return Decision(False, case, "z3 found a case")
    return Decision(False, None, f"z3 could not decide it ({solver.reason_unknown()})")


def equal_terms(terms: list[Any], sizes: Mapping[sp.Symbol, Any]) -> Any:
    """The claim that two formulas are equal."""
    return terms[0] == terms[1]
