"""Exact evaluation of both SymPy trees at concrete sizes: the re-check behind every
counterexample, and the spot check after every proof.

The value is a polynomial in the vector entries (and opaque factors). With `keep`, every
entry not in `keep` is 0, a valid specialisation: the coefficient of a monomial of kept
entries is unchanged. It also lets a long Sum visit only the values of its variable at
which a factor hits a kept entry, so a difference found at K = 10**7 is re-checked
without 10**7 iterations.

Only trees that `normal` accepted are evaluated here, so indices, bounds, conditions and
the arguments of Min, Max, Abs and KroneckerDelta contain no entries and no Sums:
`checker.prove.sampling.evaluate_written_out` evaluates those. This module adds what a
whole side needs beyond it: a budget of Sum iterations and a deadline, the entries set
to 0 outside `keep`, the sparse iteration, and no work on a product once a factor is 0.
"""

from __future__ import annotations

import operator
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import sympy as sp

from checker.prove.sampling import evaluate_written_out
from checker.prove.sizes.results import Outside

EVAL_BUDGET = 400_000  # Sum iterations of one exact evaluation
DENSE_UP_TO = 64  # a Sum range this short is iterated in full even with `keep`
DEADLINE_EVERY = 1024  # iterations between two looks at the clock

COMPARISONS: Mapping[type, Callable[[sp.Expr, sp.Expr], bool]] = MappingProxyType({
    sp.Equality: operator.eq, sp.Unequality: operator.ne, sp.StrictLessThan: operator.lt,
    sp.LessThan: operator.le, sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge,
})

Kept = set[tuple[str, tuple[int, ...]]]  # (vector, indices) of the entries not set to 0
Env = Mapping[sp.Symbol, sp.Integer]  # declared integers and Sum variables -> their values


class Undefined(Exception):
    """A side has no value here (no Piecewise condition holds, 0 to a negative power...)."""


class ExactEvaluator:
    """One evaluation at fixed sizes (`values`); `budget` counts the Sum iterations left."""

    def __init__(self, values: Mapping[sp.Symbol, int], vectors: Mapping[str, Sequence[sp.Expr]],
                 keep: Kept | None, budget: int, deadline: float) -> None:
        self.values: Env = {k: sp.Integer(v) for k, v in values.items()}
        self.keep = keep
        self.budget = budget
        self.deadline = deadline
        self.lengths = {name: tuple(self.integer(length, self.values) for length in lengths)
                        for name, lengths in vectors.items()}

    def tick(self) -> None:
        self.budget -= 1
        if self.budget < 0 or (self.budget % DEADLINE_EVERY == 0 and time.monotonic() > self.deadline):
            raise Outside("exact re-evaluation exceeded its budget")

    def leaf(self, e: sp.Basic, env: Env) -> sp.Basic:
        """An expression without entries and Sums (see the module docstring)."""
        try:
            return evaluate_written_out(e, env, {})
        except (TypeError, ValueError, ArithmeticError) as exc:  # e.g. a comparison with nan
            raise Undefined(f"`{sp.sstr(e)}` has no value here ({exc})") from None

    def integer(self, e: sp.Basic, env: Env) -> int:
        v = self.leaf(e, env)
        if not v.is_Integer:
            raise Undefined(f"`{sp.sstr(e)}` is not an integer here ({v})")
        return int(v)

    def truth(self, c: sp.Basic, env: Env) -> bool:
        # Not `leaf(c, env)` for all of it: building a SymPy relation at every iteration of
        # a Sum costs four times as much as comparing its two sides here.
        if c is sp.true or c is sp.false:
            return c is sp.true
        if isinstance(c, sp.And):
            return all(self.truth(a, env) for a in c.args)
        if isinstance(c, sp.Or):
            return any(self.truth(a, env) for a in c.args)
        if isinstance(c, sp.Not):
            return not self.truth(c.args[0], env)
        compare = COMPARISONS.get(type(c))
        if compare is None:  # Implies, ITE
            v = self.leaf(c, env)
            if v is sp.true or v is sp.false:
                return v is sp.true
            raise Undefined(f"the condition `{sp.sstr(c)}` is not decided here ({v})")
        a, b = self.leaf(c.lhs, env), self.leaf(c.rhs, env)
        if not (a.is_Rational and b.is_Rational):
            raise Undefined(f"the condition `{sp.sstr(c)}` is not numeric here")
        return bool(compare(a, b))

    def value(self, e: sp.Basic, env: Env) -> sp.Expr:
        if isinstance(e, sp.Add):
            return sp.Add(*(self.value(a, env) for a in e.args))
        if isinstance(e, sp.Mul):
            # Sums last: a factor that is 0 here spares evaluating them.
            out = []
            for a in sorted(e.args, key=lambda a: isinstance(a, sp.Sum)):
                v = self.value(a, env)
                if v == 0:
                    return sp.S.Zero
                out.append(v)
            return sp.Mul(*out)
        if isinstance(e, sp.Pow):
            b, x = self.value(e.base, env), self.value(e.exp, env)
            if b == 0 and (x.is_negative or x == 0):
                raise Undefined("0 to a non-positive power")
            return b ** x
        if isinstance(e, sp.Indexed):
            return self.entry(e, env)
        if isinstance(e, sp.Piecewise):
            for piece in e.args:
                if self.truth(piece.cond, env):
                    return self.value(piece.expr, env)
            raise Undefined("no Piecewise condition holds")
        if isinstance(e, sp.Sum):
            return self.sum(e.function, list(e.limits), env)
        if e.has(sp.Indexed, sp.Sum):
            raise Outside(f"cannot evaluate `{sp.sstr(e)}`")
        return self.leaf(e, env)  # numbers, symbols, Min, Max, Abs, KroneckerDelta, opaque factors

    def entry(self, e: sp.Indexed, env: Env) -> sp.Expr:
        name = str(e.base.label)
        idx = tuple(self.integer(i, env) for i in e.indices)
        lengths = self.lengths.get(name)
        if lengths is not None and not all(1 <= i <= n for i, n in zip(idx, lengths, strict=True)):
            return sp.S.Zero
        if self.keep is not None and (name, idx) not in self.keep:
            return sp.S.Zero
        return sp.Indexed(e.base, *idx)
    def sum(self, body: sp.Basic, limits: list[tuple[sp.Basic, ...]], env: Env) -> sp.Expr:
        """The Sum of body over `limits` (innermost first), the outermost one iterated here."""
        if not limits:
            return self.value(body, env)
        var, lo, hi = limits[-1]
        a, b = self.integer(lo, env), self.integer(hi, env)
        values: Sequence[int] = range(a, b + 1)  # empty when b < a: the project's convention
        if self.keep is not None and b - a > DENSE_UP_TO:
            if isinstance(body, sp.Add):
                # A sum of Sums over the same ranges (the outer range evaluated once, above).
                outer = (var, sp.Integer(a), sp.Integer(b))
                return sp.Add(*(self.sum(t, limits[:-1] + [outer], env) for t in body.args))
            hits = self.candidates(body, var, [lim[0] for lim in limits[:-1]], env)
            if hits is not None:
                values = sorted(x for x in hits if a <= x <= b)
        parts = []
        for v in values:
            self.tick()
            x = self.sum(body, limits[:-1], {**env, var: sp.Integer(v)})
            if x != 0:
                parts.append(x)
        return sp.Add(*parts)

    def candidates(self, body: sp.Basic, var: sp.Symbol, inner: list[sp.Basic],
                   env: Env) -> set[int] | None:
        """With every entry outside `keep` set to zero, the values of `var` at which the
        summand can be nonzero: a factor v[e] of the summand, e affine in var (and free
        of inner summation variables), must hit a kept entry. None: no such factor."""
        factors = body.args if isinstance(body, sp.Mul) else (body,)
        for f in factors:
            if isinstance(f, sp.Pow) and f.exp.is_Integer and f.exp > 0:
                f = f.base
            if not isinstance(f, sp.Indexed) or not any(ix.has(var) for ix in f.indices):
                continue
            if inner and any(ix.has(*inner) for ix in f.indices):
                continue
            hits = self._hits(f, var, env)
            if hits is not None:
                return hits
        return None

    def _hits(self, f: sp.Indexed, var: sp.Symbol, env: Env) -> set[int] | None:
        """The values of var at which f is a kept entry; None if an index is not of the
        form p * var + q with integers p, q."""
        name = str(f.base.label)
        out: set[int] = set()
        for kept_name, idx in self.keep or ():
            if kept_name != name or len(idx) != len(f.indices):
                continue
            allowed: set[int] | None = None  # values of var consistent with every axis
            for ix, target in zip(f.indices, idx, strict=True):
                e = ix.xreplace(env)
                if not e.has(var):
                    if not (e.is_Integer and int(e) == target):
                        allowed = set()
                    continue
                poly = sp.Poly(e, var) if e.is_polynomial(var) else None
                if poly is None or poly.degree() != 1 or not all(c.is_Integer for c in poly.all_coeffs()):
                    return None
                p, q = (int(c) for c in poly.all_coeffs())
                sol = {(target - q) // p} if (target - q) % p == 0 else set()
                allowed = sol if allowed is None else allowed & sol
            out |= allowed if allowed is not None else set()
        return out


@dataclass(frozen=True)
class Difference:
    """lhs - rhs at some sizes: is it 0, and which of its coefficients is certainly not."""

    zero: bool
    certain: str | None  # "coefficient of <monomial>: lhs <c>, rhs <d>", or None


def exact_difference(lhs: sp.Expr, rhs: sp.Expr, values: Mapping[sp.Symbol, int],
                     vectors: Mapping[str, Sequence[sp.Expr]], keep: Kept | None, deadline: float,
                     budget: int = EVAL_BUDGET) -> Difference:
    """Both sides evaluated exactly at these sizes (entries outside `keep` set to zero when
    `keep` is given), within `budget` Sum iterations and until `deadline` (else Outside)."""
    try:
        ev = ExactEvaluator(values, vectors, keep, budget, deadline)
        left = sp.expand(ev.value(lhs, ev.values))
        right = sp.expand(ev.value(rhs, ev.values))
    except Undefined as exc:
        raise Outside(f"a side is undefined at the sizes found: {exc}") from None
    diff = sp.expand(left - right)
    if diff == 0:
        return Difference(True, None)
    gens = sorted(diff.atoms(sp.Indexed), key=sp.default_sort_key)
    monomials = sp.Poly(diff, *gens).terms() if gens else [((), diff)]
    for exps, coeff in monomials:
        if certainly_nonzero(sp.expand(coeff)):
            mono = sp.Mul(*(g ** k for g, k in zip(gens, exps, strict=True)))
            lc, rc = _coefficient(left, gens, exps), _coefficient(right, gens, exps)
            return Difference(False, f"coefficient of {sp.sstr(mono)}: lhs {sp.sstr(lc)}, "
                                     f"rhs {sp.sstr(rc)}")
    return Difference(False, None)


def certainly_nonzero(c: sp.Expr) -> bool:
    """A nonzero rational, or a nonzero polynomial with rational coefficients in plain
    symbols. Opaque functions (exp(a) ...) might vanish by an identity: not certain."""
    if c.is_Rational:
        return bool(c != 0)
    symbols = sorted(c.free_symbols, key=sp.default_sort_key)
    if not symbols or not all(isinstance(s, sp.Symbol) for s in symbols):
        return False
    if c.has(sp.Function, sp.NumberSymbol, sp.Sum, sp.Piecewise):
        return False
    try:
        poly = sp.Poly(c, *symbols)
    except sp.PolynomialError:
        return False
    return poly.domain in (sp.ZZ, sp.QQ) and not poly.is_zero


def _coefficient(e: sp.Expr, gens: list[sp.Indexed], exps: tuple[int, ...]) -> sp.Expr:
    if not gens:
        return e
    return sp.Poly(e, *gens).coeff_monomial(tuple(exps)) if e != 0 else sp.S.Zero
