"""The guarded-monomial normal form of a SymPy tree.

A side becomes a list of monomials, whose sum it is:

    sum over b in Z^k of  [guard(b, p)] * coef(b, p) * opaque * prod_k v_k[idx_k(b, p)]

p are the declared integers, b the remaining Sum variables (fresh Dummies, so shadowed
names and `Sum(...)**2` are safe), the guard a conjunction of `affine.Formula`s, coef
affine in p and b (rational coefficients), opaque a product of factors that mention no
integer symbol and no entry, and every index affine with integer coefficients.

Integer-valued subexpressions (indices, Sum bounds, relation sides, values of Min, Max
and Abs) become disjoint, exhaustive lists of (guard, affine value) cases. The
conventions are those of derivcheck's answer language: an entry of a declared vector is
0 outside 1..length on every axis; Sum(t, (j, a, b)) is 0 when b < a (not Karr's
convention); a Piecewise must end with a `True` condition.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

import sympy as sp

from checker.prove.sizes.affine import (
    FALSE,
    TRUE,
    Affine,
    Atom,
    Formula,
    atom,
    conjunction,
    conjuncts,
    disjunction,
    negation,
    substituted,
)
from checker.prove.sizes.results import Outside

MAX_TERMS = 4000  # guarded monomials per side
MAX_CASES = 256  # case splits of one integer expression

# The comparison each SymPy relation makes (`cond` turns > and >= around for `affine.atom`).
RELATIONS: Mapping[type, str] = MappingProxyType({
    sp.Equality: "==", sp.Unequality: "!=", sp.StrictLessThan: "<", sp.LessThan: "<=",
    sp.StrictGreaterThan: ">", sp.GreaterThan: ">=",
})

Entry = tuple[str, tuple[Affine, ...]]  # a vector's name and its affine indices
Cases = list[tuple[Formula, Affine]]  # disjoint, exhaustive (guard, value) pairs
Env = Mapping[sp.Symbol, sp.Dummy]  # the Sum variables in scope, by their written name


@dataclass(frozen=True)
class Monomial:
    """One guarded monomial (see the module docstring)."""

    bound: tuple[sp.Dummy, ...]
    guard: tuple[Formula, ...]  # a conjunction without TRUE or FALSE parts
    coef: Affine
    opaque: sp.Expr
    entries: tuple[Entry, ...]

    def subs(self, v: sp.Symbol, value: Affine) -> Monomial | None:
        """v replaced by value and dropped from the bound variables; None if the guard
        becomes false."""
        g = conjunction([substituted(c, v, value) for c in self.guard])
        if g == FALSE:
            return None
        return Monomial(
            tuple(b for b in self.bound if b != v), conjuncts(g), self.coef.subs(v, value),
            self.opaque, tuple((n, tuple(a.subs(v, value) for a in ix)) for n, ix in self.entries))

    def renamed(self, v: sp.Dummy, w: sp.Dummy) -> Monomial:
        t = self.subs(v, Affine.var(w))
        assert t is not None  # a renaming keeps the guard satisfiable
        return Monomial(tuple(w if b == v else b for b in self.bound), t.guard, t.coef, t.opaque,
                        t.entries)

    def guarded(self, f: Formula) -> Monomial | None:
        g = conjunction([*self.guard, f])
        return None if g == FALSE else Monomial(self.bound, conjuncts(g), self.coef, self.opaque,
                                                self.entries)

    def times(self, other: Monomial) -> Monomial | None:
        for v in set(self.bound) & set(other.bound):
            other = other.renamed(v, fresh(v))  # a Sum multiplied by itself: rename one copy
        g = conjunction([*self.guard, *other.guard])
        if g == FALSE:
            return None
        return Monomial(self.bound + other.bound, conjuncts(g), self.coef.mul(other.coef),
                        self.opaque * other.opaque, self.entries + other.entries)


def fresh(hint: object) -> sp.Dummy:
    return sp.Dummy(str(hint), integer=True)


def constant(q: Fraction | int) -> Monomial:
    return Monomial((), (), Affine.constant(q), sp.S.One, ())


def scalar(coef: Affine, guard: Formula = TRUE) -> Monomial:
    return Monomial((), conjuncts(guard), coef, sp.S.One, ())


class Normaliser:
    """Turns SymPy trees into monomials, guards and integer cases over `params`, with the
    lengths of the declared `vectors` (name -> one length per axis)."""

    def __init__(self, params: Sequence[sp.Symbol],
                 vectors: Mapping[str, tuple[sp.Expr, ...]]) -> None:
        self.params = frozenset(params)
        self.vectors = vectors

    # integer-valued expressions -------------------------------------------------
    def cases(self, e: sp.Basic, env: Env) -> Cases:
        if isinstance(e, bool) or e is sp.true or e is sp.false:
            raise Outside(f"`{e}` is a condition, not a number")
        if e.is_Rational:
            return [(TRUE, Affine.constant(Fraction(int(e.p), int(e.q))))]
        if isinstance(e, sp.Symbol):
            if e in env:
                return [(TRUE, Affine.var(env[e]))]
            if e in self.params:
                return [(TRUE, Affine.var(e))]
            raise Outside(self._unknown_symbol(e))
        if isinstance(e, sp.Add | sp.Mul):
            add = isinstance(e, sp.Add)
            out: Cases = [(TRUE, Affine.constant(0 if add else 1))]
            for arg in e.args:
                out = self._cross(out, self.cases(arg, env), add)
            return out
        if isinstance(e, sp.Pow):
            if e.exp.is_Integer and 0 <= int(e.exp) <= 8:
                out = [(TRUE, Affine.constant(1))]
                for _ in range(int(e.exp)):
                    out = self._cross(out, self.cases(e.base, env), add=False)
                return out
            raise Outside(f"`{sp.sstr(e)}` is not affine in the sizes")
        if isinstance(e, sp.Min | sp.Max):
            return self._extreme(e, env)
        if isinstance(e, sp.Abs):
            out = []
            for g, a in self.cases(e.args[0], env):
                out.append((conjunction([g, atom("<=", -a)]), a))
                out.append((conjunction([g, atom("<", a)]), -a))
            return [(g, a) for g, a in out if g != FALSE]
        if isinstance(e, sp.Piecewise):
            out = []
            for guard, value in self._pieces(e, env):
                for g, a in self.cases(value, env):
                    h = conjunction([guard, g])
                    if h != FALSE:
                        out.append((h, a))
            return self._capped(out)
        raise Outside(f"`{sp.sstr(e)}` is not an affine integer expression of the fragment")

    def _unknown_symbol(self, e: sp.Symbol) -> str:
        same = [p for p in self.params if p.name == e.name]
        if same:
            return (f"the symbol `{e}` is not the declared integer `{same[0]}` "
                    "(same name, other assumptions)")
        return f"the symbol `{e}` is not a declared integer, but is used as an index or bound"

    @staticmethod
    def _capped(out: Cases) -> Cases:
        if len(out) > MAX_CASES:
            raise Outside(f"more than {MAX_CASES} case splits in one integer expression")
        return out

    def _cross(self, left: Cases, right: Cases, add: bool) -> Cases:
        out = []
        for g1, a1 in left:
            for g2, a2 in right:
                g = conjunction([g1, g2])
                if g != FALSE:
                    out.append((g, a1 + a2 if add else a1.mul(a2)))
        return self._capped(out)

    def _extreme(self, e: sp.Min | sp.Max, env: Env) -> Cases:
        is_min = isinstance(e, sp.Min)
        arg_cases = [self.cases(a, env) for a in e.args]
        combos = 1
        for c in arg_cases:
            combos *= len(c)
        if combos * len(arg_cases) > MAX_CASES:
            raise Outside(f"more than {MAX_CASES} case splits in `{sp.sstr(e)}`")
        out = []
        for choice in itertools.product(*arg_cases):
            base = conjunction([g for g, _ in choice])
            values = [a for _, a in choice]
            for k, ak in enumerate(values):
                # The value is the first extreme argument: strictly better than the earlier
                # ones, at least as good as the later ones (so the cases are disjoint).
                parts = [base]
                for j, aj in enumerate(values):
                    if j != k:
                        better = ak - aj if is_min else aj - ak  # better < 0 (or <= 0)
                        parts.append(atom("<" if j < k else "<=", better))
                g = conjunction(parts)
                if g != FALSE:
                    out.append((g, ak))
        return self._capped(out)

    def _pieces(self, e: sp.Piecewise, env: Env) -> list[tuple[Formula, sp.Basic]]:
        """(guard, value) per piece: its condition and none of the earlier ones."""
        if e.args[-1].cond is not sp.true:
            raise Outside(f"`{sp.sstr(e)}` has no default piece (undefined where no condition "
                          "holds)")
        out: list[tuple[Formula, sp.Basic]] = []
        earlier: list[Formula] = []
        for piece in e.args:
            c = self.cond(piece.cond, env)
            g = conjunction([c] + [negation(x) for x in earlier])
            earlier.append(c)
            if g != FALSE:
                out.append((g, piece.expr))
        return out

    # conditions -----------------------------------------------------------------
    def cond(self, e: sp.Basic, env: Env) -> Formula:
        if e is sp.true or e is True:
            return TRUE
        if e is sp.false or e is False:
            return FALSE
        if isinstance(e, sp.And):
            return conjunction([self.cond(a, env) for a in e.args])
        if isinstance(e, sp.Or):
            return disjunction([self.cond(a, env) for a in e.args])
        if isinstance(e, sp.Not):
            return negation(self.cond(e.args[0], env))
        if isinstance(e, sp.Implies):
            return disjunction([negation(self.cond(e.args[0], env)), self.cond(e.args[1], env)])
        if isinstance(e, sp.ITE):
            c = self.cond(e.args[0], env)
            return disjunction([conjunction([c, self.cond(e.args[1], env)]),
                                conjunction([negation(c), self.cond(e.args[2], env)])])
        op = RELATIONS.get(type(e))
        if op is None:
            raise Outside(f"the condition `{sp.sstr(e)}` is outside the fragment")
        swap = op in (">", ">=")  # a > b is b < a; a >= b is b <= a
        if swap:
            op = "<" if op == ">" else "<="
        parts = []
        for g1, a1 in self.cases(e.lhs, env):
            for g2, a2 in self.cases(e.rhs, env):
                parts.append(conjunction([g1, g2, atom(op, a2 - a1 if swap else a1 - a2)]))
        return disjunction(parts)

    # values: lists of monomials (their sum) --------------------------------------
    def terms(self, e: sp.Basic, env: Env) -> list[Monomial]:
        if isinstance(e, sp.Float):
            raise Outside(f"the floating-point number {e} is not exact")
        if e.is_Rational:
            return [] if e == 0 else [constant(Fraction(int(e.p), int(e.q)))]
        if isinstance(e, sp.Symbol):
            if e in env:
                return [scalar(Affine.var(env[e]))]
            if e in self.params:
                return [scalar(Affine.var(e))]
            return [self._opaque_factor(e)]
        if isinstance(e, sp.Add):
            out = []
            for arg in e.args:
                out.extend(self.terms(arg, env))
            return self._capped_terms(out)
        if isinstance(e, sp.Mul):
            return self._product([self.terms(a, env) for a in e.args])
        if isinstance(e, sp.Pow):
            if e.exp.is_Integer and 0 <= int(e.exp) <= 16:
                return self._product([self.terms(e.base, env)] * int(e.exp))
            if self._opaque(e, env):
                return [self._opaque_factor(e)]
            raise Outside(f"`{sp.sstr(e)}`: division by, or a non-integer power of, an "
                          "expression with sizes, indices or entries")
        if isinstance(e, sp.Indexed):
            return self._entry(e, env)
        if isinstance(e, sp.Piecewise):
            out = []
            for guard, value in self._pieces(e, env):
                for t in self.terms(value, env):
                    g = t.guarded(guard)
                    if g is not None:
                        out.append(g)
            return self._capped_terms(out)
        if isinstance(e, sp.KroneckerDelta):
            if len(e.args) != 2:
                raise Outside(f"`{sp.sstr(e)}`: KroneckerDelta with a range")
            deltas = []
            for g1, a1 in self.cases(e.args[0], env):
                for g2, a2 in self.cases(e.args[1], env):
                    h = conjunction([g1, g2, atom("==", a1 - a2)])
                    if h != FALSE:
                        deltas.append(scalar(Affine.constant(1), h))
            return deltas
        if isinstance(e, sp.Min | sp.Max | sp.Abs) and not self._opaque(e, env):
            return [scalar(a, g) for g, a in self.cases(e, env)]
        if isinstance(e, sp.Sum):
            return self._sum(e, env)
        if self._opaque(e, env):
            return [self._opaque_factor(e)]
        raise Outside(f"`{sp.sstr(e)}` ({type(e).__name__}) is outside the fragment")

    def _opaque(self, e: sp.Basic, env: Env) -> bool:
        if e.has(sp.Indexed, sp.Float):
            return False
        return not (e.free_symbols & (self.params | set(env)))

    @staticmethod
    def _opaque_factor(e: sp.Expr) -> Monomial:
        return Monomial((), (), Affine.constant(1), e, ())

    @staticmethod
    def _capped_terms(out: list[Monomial]) -> list[Monomial]:
        if len(out) > MAX_TERMS:
            raise Outside(f"more than {MAX_TERMS} guarded monomials")
        return out

    def _product(self, factors: list[list[Monomial]]) -> list[Monomial]:
        out = [constant(1)]
        for f in factors:
            nxt = []
            for a in out:
                for b in f:
                    t = a.times(b)
                    if t is not None:
                        nxt.append(t)
            out = self._capped_terms(nxt)
        return out

    def _entry(self, e: sp.Indexed, env: Env) -> list[Monomial]:
        name = str(e.base.label)
        lengths = self.vectors.get(name)
        if lengths is not None and len(lengths) != len(e.indices):
            raise Outside(f"`{name}` is declared with {len(lengths)} axes, used with "
                          f"{len(e.indices)}")
        out = []
        for choice in itertools.product(*(self.cases(ix, env) for ix in e.indices)):
            parts = [g for g, _ in choice]
            idx = tuple(a for _, a in choice)
            for a in idx:
                if not a.is_integral():
                    raise Outside(f"the index {a} of `{sp.sstr(e)}` is not integral")
            if lengths is not None:  # out of 1..length the entry is 0
                for a, length in zip(idx, lengths, strict=True):
                    parts.append(atom("<=", Affine.constant(1) - a))
                    parts.append(disjunction([conjunction([g, atom("<=", a - at_most)])
                                              for g, at_most in self.cases(length, {})]))
            g = conjunction(parts)
            if g != FALSE:
                out.append(Monomial((), conjuncts(g), Affine.constant(1), sp.S.One, ((name, idx),)))
        return self._capped_terms(out)

    def _sum(self, e: sp.Sum, env: Env) -> list[Monomial]:
        limits = e.limits  # innermost first
        for lim in limits:
            if len(lim) != 3:
                raise Outside(f"`{sp.sstr(e)}`: a Sum needs (variable, first, last)")
        dummies = [fresh(lim[0]) for lim in limits]
        body_env = dict(env)
        for lim, b in reversed(list(zip(limits, dummies, strict=True))):  # inner ones shadow
            body_env[lim[0]] = b
        terms = self.terms(e.function, body_env)
        for k, (lim, b) in enumerate(zip(limits, dummies, strict=True)):
            # The bounds of limit k see the variables of the limits outside it.
            bound_env = dict(env)
            for lim2, b2 in reversed(list(zip(limits[k + 1:], dummies[k + 1:], strict=True))):
                bound_env[lim2[0]] = b2
            nxt = []
            for gl, lo in self.cases(lim[1], bound_env):
                for gh, hi in self.cases(lim[2], bound_env):
                    if not (lo.is_integral() and hi.is_integral()):
                        raise Outside(f"a bound of `{sp.sstr(e)}` is not integral")
                    g = conjunction([gl, gh, atom("<=", lo - Affine.var(b)),
                                     atom("<=", Affine.var(b) - hi)])
                    if g == FALSE:
                        continue
                    for t in terms:
                        t2 = Monomial(t.bound + (b,), t.guard, t.coef, t.opaque, t.entries).guarded(g)
                        if t2 is not None:
                            nxt.append(t2)
            terms = self._capped_terms(nxt)
        out = [eliminate(t) for t in terms]
        return [t for t in out if t is not None]


def eliminate(term: Monomial) -> Monomial | None:
    """Substitute away the bound variables pinned by a top-level equality in which they
    have coefficient +-1 (the value is then integral: atoms have integer coefficients)."""
    t: Monomial | None = term
    while t is not None:
        for c in t.guard:
            if not (isinstance(c, Atom) and c.op == "=="):
                continue
            v = next((b for b in t.bound if abs(c.aff.coef(b)) == 1), None)
            if v is None:
                continue
            cv = c.aff.coef(v)
            t = t.subs(v, (c.aff - Affine.var(v).scale(cv)).scale(-1 / cv))
            break
        else:
            return t
    return None
