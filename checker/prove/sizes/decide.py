"""The decision: z3 queries per entry pattern, shrinking a model to small sizes, the
exact re-check of a counterexample and the spot check of a proof.

lhs - rhs is zero for all entries iff the coefficient of every entry monomial is zero.
Monomials are grouped by shape (vector names of the factors, opaque part); for each
shape z3 is asked for sizes satisfying the constraints and an entry pattern with a
nonzero coefficient. `unsat` for every shape is a proof for every size; `sat` gives a
candidate that is reported only after both SymPy trees were evaluated exactly there;
`unknown` or an exhausted time budget is never a proof.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import lcm

import sympy as sp
import z3

from checker.prove.sizes.affine import Affine, Formula, atom, conjunction
from checker.prove.sizes.encode import Encoder, coefficient_at
from checker.prove.sizes.exact import Kept, exact_difference
from checker.prove.sizes.normal import Monomial, Normaliser
from checker.prove.sizes.plan import Plan, Shape, matchings, plan_of
from checker.prove.sizes.results import Counterexample, Outside, OutsideFragment, Proved, Result

CONFIRM_SECONDS = 10.0  # wall-clock cap of the exact re-check of one counterexample
SPOT_POINTS = 3  # sizes at which a proof is spot-checked by exact evaluation ...
SPOT_SECONDS = 1.0  # ... each for at most this long ...
SPOT_BUDGET = 20_000  # ... and this many Sum iterations (beyond: the proof stands on z3 alone)
SPOT_RANGE = 12  # spot-checked sizes lie in -SPOT_RANGE..SPOT_RANGE
SPOT_LOW = 3  # ... and in SPOT_LOW..SPOT_RANGE where the constraints allow it
SHRINK_MS = 500  # the most z3 time for one attempt at a smaller counterexample (or spot size)
SHRINK_FIRST = 16  # the first bound on |size| tried when shrinking; then 8 times larger


def decide_all_sizes(lhs: sp.Expr, rhs: sp.Expr, *, integers: Sequence[sp.Symbol],
                     constraints: Sequence[sp.Basic], vectors: Mapping[str, Sequence[sp.Expr | int]],
                     timeout_ms: int = 2000) -> Result:
    """Is lhs == rhs (as polynomials in the vector entries and opaque factors) for every
    value of the integer symbols satisfying the constraints?

    `integers`: the sizes and indices (SymPy symbols); their SymPy sign assumptions
    (positive, nonnegative, ...) are added to `constraints`. `vectors`: name -> length per
    axis; entries out of 1..length are zero. Vectors not listed are unbounded.
    Every z3 call shares the `timeout_ms` counted from this call's start. A
    counterexample is reported only after both sides were evaluated exactly at its
    sizes (at most CONFIRM_SECONDS more); a proof is spot-checked the same way at a few
    small sizes (at most SPOT_POINTS * SPOT_SECONDS more).
    """
    try:
        return _Decision(lhs, rhs, integers, constraints, vectors, timeout_ms).run()
    except Outside as exc:
        return OutsideFragment(str(exc))
    except RecursionError:
        return OutsideFragment("the expression is nested too deeply")


@dataclass(frozen=True)
class TimeBudget:
    """The caller's time for z3, counted from `start` (time.monotonic())."""

    total_ms: int
    start: float = field(default_factory=time.monotonic)

    def left_ms(self) -> int:
        return self.total_ms - int(1000 * (time.monotonic() - self.start))

    def required_ms(self) -> int:
        """The time left; Outside when there is none (never a proof by timeout)."""
        left = self.left_ms()
        if left <= 0:
            raise Outside(f"time budget of {self.total_ms} ms exhausted (z3 undecided)")
        return left


class _Decision:
    """One call of `decide_all_sizes`: its inputs checked and normalised, its time budget."""

    def __init__(self, lhs: sp.Expr | int, rhs: sp.Expr | int, integers: Sequence[sp.Symbol],
                 constraints: Sequence[sp.Basic], vectors: Mapping[str, Sequence[sp.Expr | int]],
                 timeout_ms: int) -> None:
        self.lhs, self.rhs = _expression(lhs), _expression(rhs)
        self.params = tuple(integers)
        for p in self.params:
            if not isinstance(p, sp.Symbol):
                raise Outside(f"`{p}` is not a symbol")
            if p.is_integer is False:
                raise Outside(f"`{p}` is declared non-integer")
        self.constraints = tuple(constraints)
        self.vectors = {name: tuple(_expression(n) for n in lengths) for name, lengths in vectors.items()}
        names = {p.name: p for p in self.params}
        bases: dict[str, sp.IndexedBase] = {}
        for e in (self.lhs, self.rhs):
            for entry in e.atoms(sp.Indexed):
                # The normal form knows a vector by its name and multiplies entries as
                # commuting numbers; the exact re-check uses the SymPy objects. Both views
                # agree only for one commutative base per name.
                if not entry.base.is_commutative or not entry.base.label.is_commutative:
                    raise Outside(f"`{entry.base}` is not commutative")
                known = bases.setdefault(str(entry.base.label), entry.base)
                if known != entry.base:
                    raise Outside(f"two vectors are named `{known}` with different assumptions")
        for e in (self.lhs, self.rhs, *self.constraints):
            for s in getattr(e, "free_symbols", ()):
                if s.name in names and s != names[s.name]:
                    raise Outside(f"the symbol `{s}` has the name of the declared integer "
                                  f"`{names[s.name]}` but other assumptions")
        self.budget = TimeBudget(max(1, int(timeout_ms)))
        self.norm = Normaliser(self.params, self.vectors)

    def run(self) -> Result:
        domain = self.domain_formula()
        plans = [plan_of(t, +1) for t in self.side(self.lhs)] + \
                [plan_of(t, -1) for t in self.side(self.rhs)]
        z = Encoder(self.params)
        dom = z.formula(domain, {})
        r, _ = _checked(z, [dom], self.budget.required_ms())
        if r == z3.unsat:
            return Proved("vacuous: the constraints admit no sizes")
        if r != z3.sat:
            raise Outside("z3 could not decide whether the constraints are satisfiable")
        for p in plans:
            if not self.injective(z, p, dom):
                raise Outside("a sum maps two values of its variables to the same monomial "
                              "(not injective); counting is outside the fragment")
        scale = lcm(1, *(p.term.coef.denominators() for p in plans))
        shapes: dict[Shape, list[Plan]] = {}
        for p in plans:
            shapes.setdefault(p.shape, []).append(p)
        for shape, group in shapes.items():
            names, _ = shape
            slots = [[z.fresh(f"z_{name}") for _ in range(axes)] for name, axes in names]
            side: list[z3.BoolRef] = []
            total = sum((coefficient_at(z, p, slots, scale, side) for p in group), z.num(0))
            query = [dom, *side, total != 0]
            r, s = _checked(z, query, self.budget.required_ms())
            if r == z3.unsat:
                continue
            if r != z3.sat:
                raise Outside(f"z3 returned {r} for the entry pattern {_describe(shape)} "
                              f"({s.reason_unknown()})")
            model = self.shrink(z, query, s.model())
            keep = {(name, tuple(_int(model, x) for x in slot))
                    for (name, _), slot in zip(names, slots, strict=True)}
            return self.confirm(_sizes(z, model), keep)
        checked = self.spot_check(z, dom)
        if isinstance(checked, Counterexample):
            return checked
        return Proved(f"presburger/z3 {z3.get_version_string()}: {len(shapes)} entry pattern(s), "
                      f"{len(plans)} guarded monomial(s), no nonzero coefficient; "
                      f"exact spot check at {checked} size(s)")

    def domain_formula(self) -> Formula:
        parts = [self.norm.cond(c, {}) for c in self.constraints]
        for p in self.params:  # SymPy's sign assumptions of the declared integers
            if p.is_positive:
                parts.append(atom("<=", Affine.constant(1) - Affine.var(p)))
            elif p.is_nonnegative:
                parts.append(atom("<=", -Affine.var(p)))
            elif p.is_negative:
                parts.append(atom("<=", Affine.var(p) + Affine.constant(1)))
            elif p.is_nonpositive:
                parts.append(atom("<=", Affine.var(p)))
        return conjunction(parts)

    def side(self, e: sp.Expr) -> list[Monomial]:
        return [t for t in self.norm.terms(e, {}) if t.coef.terms or t.coef.const != 0]

    def injective(self, z: Encoder, plan: Plan, domain: z3.BoolRef) -> bool:
        """No two distinct values of the bound variables give the same multiset of entries
        (with one matching, full rank alone ensures it)."""
        orders = matchings(plan)
        if not plan.determined or len(orders) == 1:
            return True
        entries = plan.term.entries
        env1 = {b: z.fresh("u") for b in plan.term.bound}
        env2 = {b: z.fresh("v") for b in plan.term.bound}
        g1, g2 = z.conj(plan.term.guard, env1), z.conj(plan.term.guard, env2)
        differ = z3.Or([env1[b] != env2[b] for b in plan.determined])
        for order in orders[1:]:
            same = [z.aff(entries[order[s]][1][ax], env1) == z.aff(entries[s][1][ax], env2)
                    for s in range(len(entries)) for ax in range(len(entries[s][1]))]
            r, _ = _checked(z, [domain, g1, g2, *same, differ], self.budget.required_ms())
            if r != z3.unsat:
                return False
        return True

    def shrink(self, z: Encoder, query: list[z3.BoolRef], model: z3.ModelRef) -> z3.ModelRef:
        """A model with small sizes if one is found within the time left (cheaper to
        re-check exactly); else the one z3 gave."""
        size = max((abs(_int(model, v)) for v in z.params.values()), default=0)
        bound = SHRINK_FIRST
        while bound < size and self.budget.left_ms() > 0:
            small = [z3.And(v >= -bound, v <= bound) for v in z.params.values()]
            r, s = _checked(z, [*query, *small], min(SHRINK_MS, self.budget.left_ms()))
            if r == z3.sat:
                return s.model()
            bound *= 8
        return model

    def confirm(self, values: dict[sp.Symbol, int], keep: Kept) -> Result:
        found = exact_difference(self.lhs, self.rhs, values, self.vectors, keep,
                                 time.monotonic() + CONFIRM_SECONDS)
        if found.certain is None:
            raise Outside(f"z3 reported a difference at {_where(values)} that exact evaluation "
                          "does not confirm (not reported as a counterexample)")
        return _counterexample(values, found.certain)

    def spot_check(self, z: Encoder, dom: z3.BoolRef) -> int | Counterexample:
        """Belt and braces for a proof: both sides evaluated exactly at up to SPOT_POINTS
        small sizes, as long as the time budget lasts. The number of sizes checked; a
        disagreement is a real counterexample (and a bug in the normal form)."""
        checked = 0
        s = z3.Solver(ctx=z.ctx)
        s.add(dom, *[z3.And(v >= -SPOT_RANGE, v <= SPOT_RANGE) for v in z.params.values()])
        # Sizes where sums are empty prove little: look among 3..SPOT_RANGE first.
        s.push()
        s.add(*[v >= SPOT_LOW for v in z.params.values()])
        widened = False
        seen: list[z3.BoolRef] = []  # sizes already checked, excluded at either level
        while checked < SPOT_POINTS and self.budget.left_ms() > 0:
            s.set("timeout", min(SHRINK_MS, self.budget.left_ms()))
            result = s.check()
            if result == z3.unsat and not widened:
                s.pop()  # no such sizes: any small admissible ones
                s.add(*seen)
                widened = True
                continue
            if result != z3.sat:
                break
            values = _sizes(z, s.model())
            try:
                found = exact_difference(self.lhs, self.rhs, values, self.vectors, None,
                                         time.monotonic() + SPOT_SECONDS, SPOT_BUDGET)
            except Outside:
                break  # too large to spot-check: the proof stands on z3 alone
            if found.certain is not None:
                return _counterexample(values, f"{found.certain} (found by the exact spot check "
                                               "after z3 reported a proof: please report this "
                                               "normaliser bug)")
            if not found.zero:
                raise Outside("z3 found no difference, but the exact spot check at "
                              f"{_where(values)} gives a nonzero difference it cannot certify")
            checked += 1
            if not values:
                break  # no declared integers: there is only one size
            seen.append(z3.Or([v != value for v, value in
                               zip(z.params.values(), values.values(), strict=True)]))
            s.add(seen[-1])
        return checked


def _expression(e: object) -> sp.Basic:
    if isinstance(e, int) and not isinstance(e, bool):
        return sp.Integer(e)
    if not isinstance(e, sp.Expr):  # a Boolean or a non-SymPy value is no side of an identity
        raise Outside(f"not a SymPy expression: {e!r}")
    return e


def _checked(z: Encoder, assertions: list[z3.BoolRef], ms: int) -> tuple[z3.CheckSatResult, z3.Solver]:
    """z3's answer on the conjunction of assertions within ms milliseconds, and the solver
    (for its model or its reason for `unknown`)."""
    s = z3.Solver(ctx=z.ctx)
    s.set("timeout", ms)
    s.add(*assertions)
    return s.check(), s


def _counterexample(values: Mapping[sp.Symbol, int], detail: str) -> Counterexample:
    return Counterexample({p.name: v for p, v in values.items()}, f"at {_where(values)}: {detail}")


def _int(model: z3.ModelRef, x: z3.ArithRef) -> int:
    return int(model.eval(x, model_completion=True).as_long())


def _sizes(z: Encoder, model: z3.ModelRef) -> dict[sp.Symbol, int]:
    return {p: _int(model, v) for p, v in z.params.items()}


def _where(values: Mapping[sp.Symbol, int]) -> str:
    return ", ".join(f"{p.name} = {v}" for p, v in values.items())


def _describe(shape: Shape) -> str:
    names, opaque = shape
    parts = [f"{n}[{','.join('_' * a)}]" for n, a in names] or ["1"]
    if opaque != 1:
        parts.append(sp.sstr(opaque))
    return "*".join(parts)
