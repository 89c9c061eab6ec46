"""z3 terms for guards and for the coefficient of an entry pattern.

An entry pattern is one symbolic index per axis of each factor of a shape (fresh z3
integers, the "slots"). A monomial's coefficient at the pattern is

    If(match_1, c(b_1), If(match_2, c(b_2), ... 0))

over its matchings (`plan.matchings`), where b_k are its determined bound variables
solved exactly from the slots; the first matching that applies counts, so a monomial
whose factors coincide (x[j] * x[K - j + 1] at the middle j) counts once.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import sympy as sp
import z3

from checker.prove.sizes.affine import Affine, Atom, Const, Formula, Or
from checker.prove.sizes.plan import Plan, matchings

Z3Env = Mapping[sp.Symbol, z3.ArithRef]  # bound variables -> their z3 terms


class Encoder:
    """One z3 context per decision (contexts are not shared across calls or threads),
    with an integer per declared symbol."""

    def __init__(self, params: Sequence[sp.Symbol]) -> None:
        self.ctx = z3.Context()
        self.params = {v: z3.Int(f"p_{k}_{v.name}", self.ctx) for k, v in enumerate(params)}
        self.counter = itertools.count()

    def fresh(self, hint: str) -> z3.ArithRef:
        return z3.Int(f"{hint}_{next(self.counter)}", self.ctx)

    def num(self, n: int) -> z3.ArithRef:
        return z3.IntVal(int(n), self.ctx)

    def aff(self, a: Affine, env: Z3Env, scale: int = 1) -> z3.ArithRef:
        a = a.scale(scale)
        if not a.is_integral():
            raise AssertionError(f"non-integral affine form {a} reached z3")
        out = self.num(int(a.const))
        for v, c in a.terms.items():
            x = env.get(v)
            if x is None:
                x = self.params[v]
            out = out + int(c) * x
        return out

    def formula(self, f: Formula, env: Z3Env) -> z3.BoolRef:
        if isinstance(f, Const):
            return z3.BoolVal(f.value, self.ctx)
        if isinstance(f, Atom):
            x = self.aff(f.aff, env)
            return x == 0 if f.op == "==" else (x != 0 if f.op == "!=" else x <= 0)
        parts = [self.formula(g, env) for g in f.parts]
        return z3.Or(parts) if isinstance(f, Or) else z3.And(parts)

    def conj(self, fs: Sequence[Formula], env: Z3Env) -> z3.BoolRef:
        parts = [self.formula(f, env) for f in fs]
        return z3.And(parts) if parts else z3.BoolVal(True, self.ctx)

    @staticmethod
    def extreme(xs: list[z3.ArithRef], largest: bool) -> z3.ArithRef:
        out = xs[0]
        for x in xs[1:]:
            out = z3.If(x > out, x, out) if largest else z3.If(x < out, x, out)
        return out


def solved_variables(z: Encoder, plan: Plan, targets: Mapping[tuple[int, int], z3.ArithRef],
                     side: list[z3.BoolRef]) -> dict[sp.Symbol, z3.ArithRef]:
    """z3 terms for the determined bound variables, given the value of every index row.
    Exact: with |det| > 1 they are fresh integers, forced (by a constraint added to
    `side`) to the solution whenever it is integral; when it is not, no integers satisfy
    the chosen rows, so the matching conditions fail whatever their values."""
    if not plan.determined:
        return {}
    rhs = []
    for r in plan.chosen:
        row = plan.rows[r]
        rhs.append(targets[(row.factor, row.axis)] - z.aff(row.rest, {}))
    nums = [sum((c * x for c, x in zip(adj, rhs, strict=True)), z.num(0)) for adj in plan.adjugate]
    if abs(plan.det) == 1:
        return {b: plan.det * n for b, n in zip(plan.determined, nums, strict=True)}
    bs = [z.fresh("b") for _ in plan.determined]
    d = abs(plan.det)
    side.append(z3.Or(z3.And([plan.det * b == n for b, n in zip(bs, nums, strict=True)]),
                      z3.Or([n % d != 0 for n in nums])))
    return dict(zip(plan.determined, bs, strict=True))


def coefficient_at(z: Encoder, plan: Plan, slots: list[list[z3.ArithRef]], scale: int,
                   side: list[z3.BoolRef]) -> z3.ArithRef:
    """The coefficient (times `scale`, an integer that clears every denominator) of the
    entry pattern `slots` contributed by one monomial."""
    out = z.num(0)
    for order in reversed(matchings(plan)):
        slot_of = {pos: s for s, pos in enumerate(order)}
        targets = {(row.factor, row.axis): slots[slot_of[row.factor]][row.axis] for row in plan.rows}
        env = solved_variables(z, plan, targets, side)
        conds = [z.aff(row.rest, {}) + sum((c * env[b] for c, b in zip(row.coefficients, plan.determined,
                                                                         strict=True)), z.num(0))
                 == targets[(row.factor, row.axis)] for row in plan.rows]
        conds.append(z.conj(plan.rest_guard, env))
        value = z.aff(plan.term.coef, env, scale * plan.sign)
        if plan.counted is not None:
            low = z.extreme([z.aff(a, env) for a in plan.lowers], largest=True)
            high = z.extreme([z.aff(a, env) for a in plan.uppers], largest=False)
            conds.append(high >= low)
            value = value * (high - low + 1)
        out = z3.If(z3.And(conds), value, out)
    return out
