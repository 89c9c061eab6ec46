"""Evaluating a SymPy tree at many points at once, exactly, with NumPy.

A question supplies the points (`PointSet`: how many, the value of every scalar symbol
at each) and a `VectorRule` per indexed name, which says what its entry is at every
point. Every value is then an exact polynomial in the entries of the free vectors
(`FreeVectors`), with one integer coefficient per point: int64 while every value
provably stays below 2**62 (each product, sum and merge of equal terms is bounded
first), Python integers and fractions otherwise (`NeedsExact` switches). Nothing is
simplified entry by entry. `checker.prove.array_rows` puts the polynomials in canonical
form and compares them.

The language covered: rational numbers, + and ×, integer powers, indexed vectors,
Piecewise with relational conditions, Sum (0 when b < a), Max, Min and Abs of values
that do not depend on the entries. Anything else is `Unsupported`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

import sympy as sp

from checker.prove.lazy import OnFirstUse

if TYPE_CHECKING:
    import numpy as np
else:
    np = OnFirstUse("numpy", globals(), "np")

STRIDE = 4096  # an entry is coded as vector_id * STRIDE + index; 0 means "no factor"
MAX_TERMS = 4096  # more terms than this per value: the answer is too large to expand
MAX_SUM_LENGTH = 4096  # the longest Sum range the evaluator writes out
MAX_DEGREE = 64  # the most entry factors in one monomial the evaluator expands
INT64_SAFE = 1 << 62  # int64 arithmetic is used only while every value stays below this
FAR = 1 << 40  # an index or bound this large (in magnitude) is read as +-FAR: out of bounds


class Unsupported(Exception):
    """The exact polynomial evaluation does not cover this construct."""


class NeedsExact(Exception):
    """int64 could overflow, or a fraction appears: evaluate with Python numbers."""


@dataclass(frozen=True)
class Term:
    coef: np.ndarray  # (P,)
    codes: np.ndarray  # (P, degree) entry codes; 0 is "no factor"


@dataclass(frozen=True)
class ArrayValue:
    """A polynomial in the vector entries at every point, and where it is undefined."""

    terms: tuple[Term, ...]
    undefined: np.ndarray


@dataclass(frozen=True)
class Cond:
    holds: np.ndarray
    undefined: np.ndarray


@dataclass(frozen=True)
class FreeVectors:
    """The vectors whose entries are the polynomial variables, with ids 1, 2, ... in
    the order named: entry m of vector v is coded v * STRIDE + m (m < STRIDE)."""

    names: tuple[str, ...]
    seed: int  # of the entry values: they must repeat run to run

    def code(self, name: str, m: Any) -> Any:
        """The code of entry m (an integer or an array of them) of the vector `name`."""
        return (self.names.index(name) + 1) * STRIDE + m

    @functools.cached_property
    def values(self) -> np.ndarray:
        """Fixed nonzero random integers for every entry code (code 0, "no factor", is 1).

        Used only where an answer needs the entries' values (a condition on an entry, a
        division by one): agreement there is evidence, not proof; a disagreement is exact."""
        rng = np.random.default_rng(self.seed)
        size = (len(self.names) + 1) * STRIDE
        values = rng.integers(1, 30, size) * rng.choice([-1, 1], size)
        values[0] = 1
        return values.astype(np.int64)


def entry_products(codes: np.ndarray, values: np.ndarray, exact: bool) -> np.ndarray:
    """The product of the entry values of each row of codes (an empty row is 1).

    int64 only while no product can reach INT64_SAFE; else Python integers when
    `exact`, and NeedsExact otherwise."""
    if exact or magnitude(values) ** codes.shape[1] >= INT64_SAFE:
        if not exact:
            raise NeedsExact
        out = np.ones(codes.shape[0], dtype=object)
        for column in values.astype(object)[codes].T:
            out = out * column
        return out
    return values[codes].prod(axis=1) if codes.shape[1] else np.ones(codes.shape[0], np.int64)


class PointSet(Protocol):
    """Where a tree is evaluated: `count` points, the value of each scalar symbol at
    each of them, and the free vectors (whose entries' values `substitute` reads)."""

    @property
    def count(self) -> int: ...

    @property
    def free(self) -> FreeVectors: ...

    def scalars(self) -> dict[sp.Symbol, np.ndarray]: ...


VectorRule = Callable[["Evaluator", tuple["np.ndarray", ...]], ArrayValue]


class Evaluator:
    """Evaluates a SymPy tree at all points, with NumPy.

    `exact` switches from int64 to Python integers and fractions; `substitute`
    replaces every entry by its value in `FreeVectors.values` (so every value is a
    number)."""

    def __init__(self, points: PointSet, rules: dict[str, VectorRule], exact: bool,
                 substitute: bool) -> None:
        self.count = points.count
        self.free = points.free
        self.exact = exact
        self.substitute = substitute
        self.rules = rules
        self.scalars = {k: self.array(v) for k, v in points.scalars().items()}
        self.nowhere = np.zeros(self.count, dtype=bool)

    # numbers ---------------------------------------------------------------
    def array(self, values: np.ndarray) -> np.ndarray:
        return values.astype(object) if self.exact else values

    def const(self, number: sp.Basic) -> np.ndarray:
        if number.is_Integer:
            value: object = int(number)
        elif number.is_Rational:
            if not self.exact:
                raise NeedsExact
            value = Fraction(int(number.p), int(number.q))
        else:
            raise Unsupported(f"the number `{sp.sstr(number)}` is not rational")
        if not self.exact and abs(int(number)) >= INT64_SAFE:
            raise NeedsExact
        return np.full(self.count, value, dtype=object if self.exact else np.int64)

    def times(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not self.exact and magnitude(a) * magnitude(b) >= INT64_SAFE:
            raise NeedsExact
        return a * b

    def plus(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not self.exact and magnitude(a) + magnitude(b) >= INT64_SAFE:
            raise NeedsExact
        return a + b

    # values ----------------------------------------------------------------
    def number(self, values: np.ndarray, undefined: np.ndarray | None = None) -> ArrayValue:
        return ArrayValue((Term(values, np.zeros((self.count, 0), np.int64)),),
                          self.nowhere if undefined is None else undefined)

    def compact(self, terms: Sequence[Term], undefined: np.ndarray) -> ArrayValue:
        constant: np.ndarray | None = None
        kept = []
        for t in terms:
            if not np.count_nonzero(t.coef):
                continue
            if t.codes.shape[1] == 0 or not t.codes.any():
                constant = t.coef if constant is None else self.plus(constant, t.coef)
            else:
                kept.append(t)
        if len(kept) > MAX_TERMS:
            raise Unsupported(f"the expansion has more than {MAX_TERMS} terms")
        if constant is not None:
            kept.insert(0, Term(constant, np.zeros((self.count, 0), np.int64)))
        return ArrayValue(tuple(kept), undefined)

    def zero(self) -> ArrayValue:
        return self.number(self.array(np.zeros(self.count, np.int64)))

    def scalar(self, v: ArrayValue, what: sp.Basic) -> np.ndarray:
        """The value as a number per point; Unsupported if it depends on entries."""
        total = self.array(np.zeros(self.count, np.int64))
        for t in v.terms:
            if t.codes.shape[1] and np.any(t.codes.any(axis=1) & (t.coef != 0)):
                raise Unsupported(f"`{sp.sstr(what)}` depends on the vector entries")
            total = self.plus(total, t.coef)
        return total

    def add(self, a: ArrayValue, b: ArrayValue) -> ArrayValue:
        return self.compact(a.terms + b.terms, a.undefined | b.undefined)

    def mul(self, a: ArrayValue, b: ArrayValue) -> ArrayValue:
        degree = max([t.codes.shape[1] for t in a.terms], default=0) + max(
            [t.codes.shape[1] for t in b.terms], default=0)
        if degree > MAX_DEGREE:
            raise Unsupported(f"a product has more than {MAX_DEGREE} entry factors")
        terms = [
            Term(self.times(s.coef, t.coef), np.hstack([s.codes, t.codes]))
            for s in a.terms for t in b.terms
        ]
        return self.compact(terms, a.undefined | b.undefined)

    def masked(self, v: ArrayValue, where: np.ndarray) -> ArrayValue:
        keep = where.astype(bool)
        terms = [Term(np.where(keep, t.coef, 0).astype(t.coef.dtype), t.codes) for t in v.terms]
        return self.compact(terms, v.undefined & keep)

    def entries_substituted(self, v: ArrayValue) -> ArrayValue:
        if not self.substitute:
            return v
        out = []
        for t in v.terms:
            coef = t.coef
            if t.codes.shape[1]:
                coef = self.times(coef, entry_products(t.codes, self.free.values, self.exact))
            out.append(Term(coef, np.zeros((self.count, 0), np.int64)))
        return self.compact(out, v.undefined)

    # the tree -------------------------------------------------------------
    def value(self, e: sp.Basic, env: dict[sp.Symbol, np.ndarray]) -> ArrayValue:
        if isinstance(e, sp.Number):
            return self.number(self.const(e))
        if isinstance(e, sp.Symbol):
            if e in env:
                return self.number(env[e])
            if e in self.scalars:
                return self.number(self.scalars[e])
            raise Unsupported(f"the name `{e}` has no value here")
        if isinstance(e, sp.Add):
            out = self.zero()
            for arg in e.args:
                out = self.add(out, self.value(arg, env))
            return out
        if isinstance(e, sp.Mul):
            out = self.number(self.const(sp.Integer(1)))
            for arg in e.args:
                out = self.mul(out, self.value(arg, env))
            return out
        if isinstance(e, sp.Pow):
            return self.power(e, env)
        if isinstance(e, sp.Indexed):
            return self.indexed(e, env)
        if isinstance(e, sp.Piecewise):
            return self.piecewise(e, env)
        if isinstance(e, sp.Sum):
            return self.summation(e, env)
        if isinstance(e, sp.Max | sp.Min):
            args = [self.value(a, env) for a in e.args]
            numbers = [self.scalar(a, e) for a in args]
            pick = np.maximum if isinstance(e, sp.Max) else np.minimum
            return self.number(functools.reduce(pick, numbers), _any_undefined(args, self))
        if isinstance(e, sp.Abs):
            inner = self.value(e.args[0], env)
            return self.number(np.abs(self.scalar(inner, e)), inner.undefined)
        raise Unsupported(f"`{sp.sstr(e)}` is outside the evaluated language")

    def power(self, e: sp.Pow, env: dict[sp.Symbol, np.ndarray]) -> ArrayValue:
        base, exponent = e.args
        if not exponent.is_Integer:
            raise Unsupported(f"the power `{sp.sstr(e)}` is not an integer power")
        b = self.value(base, env)
        k = int(exponent)
        if abs(k) > MAX_DEGREE:
            raise Unsupported(f"the power `{sp.sstr(e)}` has an exponent above {MAX_DEGREE}")
        if k < 0:
            if not self.exact:
                raise NeedsExact
            denominator = self.scalar(b, e)
            undefined = b.undefined | (denominator == 0)
            safe = np.where(undefined, 1, denominator)
            inverse = np.array([Fraction(1) / x for x in safe], dtype=object)
            return self.number(inverse ** (-k), undefined)
        out = self.number(self.const(sp.Integer(1)), b.undefined)
        for _ in range(k):
            out = self.mul(out, b)
        return out

    def index(self, e: sp.Basic, env: dict[sp.Symbol, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """An index or a bound: an integer per point (undefined where it is not one)."""
        v = self.value(e, env)
        numbers = self.scalar(v, e)
        if not self.exact:
            return numbers.astype(np.int64), v.undefined
        whole = np.array([getattr(x, "denominator", 1) == 1 for x in numbers], dtype=bool)
        # Beyond FAR every index is out of bounds: keep the sign, drop the size (int64).
        capped = [int(x) if abs(x) < FAR else (FAR if x > 0 else -FAR) if ok else FAR
                  for x, ok in zip(numbers, whole, strict=True)]
        return np.asarray(capped, dtype=np.int64), v.undefined | ~whole

    def indexed(self, e: sp.Indexed, env: dict[sp.Symbol, np.ndarray]) -> ArrayValue:
        name = str(e.base.label)
        rule = self.rules.get(name)
        if rule is None:
            raise Unsupported(f"the vector `{name}` has no entries here")
        indices, undefined = [], self.nowhere
        for position in e.indices:
            index, bad = self.index(position, env)
            indices.append(np.where(bad, 0, index))
            undefined = undefined | bad
        v = rule(self, tuple(indices))
        return self.entries_substituted(ArrayValue(v.terms, v.undefined | undefined))

    def condition(self, c: sp.Basic, env: dict[sp.Symbol, np.ndarray]) -> Cond:
        if c is sp.true or c is sp.false:
            return Cond(np.full(self.count, bool(c)), self.nowhere)
        if isinstance(c, sp.And | sp.Or):
            parts = [self.condition(a, env) for a in c.args]
            combine = np.logical_and if isinstance(c, sp.And) else np.logical_or
            return Cond(functools.reduce(combine, [p.holds for p in parts]),
                        functools.reduce(np.logical_or, [p.undefined for p in parts]))
        if isinstance(c, sp.Not):
            inner = self.condition(c.args[0], env)
            return Cond(~inner.holds, inner.undefined)
        if isinstance(c, sp.core.relational.Relational):
            left, right = self.value(c.lhs, env), self.value(c.rhs, env)
            a, b = self.scalar(left, c), self.scalar(right, c)
            holds = getattr(np, _RELATIONS[type(c)])(a, b)
            return Cond(np.asarray(holds, dtype=bool), left.undefined | right.undefined)
        raise Unsupported(f"the condition `{sp.sstr(c)}` is outside the evaluated language")

    def piecewise(self, e: sp.Piecewise, env: dict[sp.Symbol, np.ndarray]) -> ArrayValue:
        taken = np.zeros(self.count, dtype=bool)
        undefined = np.zeros(self.count, dtype=bool)
        out = self.zero()
        for piece in e.args:
            c = self.condition(piece.cond, env)
            undefined |= c.undefined & ~taken
            here = c.holds & ~taken & ~c.undefined
            if here.any():
                v = self.value(piece.expr, env)
                out = self.add(out, self.masked(v, here))
                undefined |= v.undefined & here
            taken |= here | c.undefined
        return ArrayValue(out.terms, undefined | ~taken)  # no piece applies: undefined

    def summation(self, e: sp.Sum, env: dict[sp.Symbol, np.ndarray]) -> ArrayValue:
        # Sum(f, inner, ..., outer): the loop runs over the outermost limit, the body is
        # the sum over the other limits. (Not Sum(Sum(f, inner), outer): SymPy's
        # constructor flattens that straight back into Sum(f, inner, outer).)
        body = sp.Sum(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        j, low, high = e.limits[-1]
        lo, bad_lo = self.index(low, env)
        hi, bad_hi = self.index(high, env)
        undefined = bad_lo | bad_hi
        live = ~undefined & (lo <= hi)
        out = self.zero()
        if not live.any():
            return ArrayValue(out.terms, undefined)
        if self.exact and max(magnitude(lo[live]), magnitude(hi[live])) >= FAR:
            raise Unsupported("a sum bound is 2**40 or more in magnitude")  # capped by index()
        first, last = int(lo[live].min()), int(hi[live].max())
        if last - first + 1 > MAX_SUM_LENGTH:
            raise Unsupported(f"a sum runs over more than {MAX_SUM_LENGTH} values")
        for value in range(first, last + 1):
            inside = live & (lo <= value) & (value <= hi)
            if not inside.any():
                continue
            inner_env = {**env, j: self.array(np.full(self.count, value, np.int64))}
            v = self.value(body, inner_env)
            out = self.add(out, self.masked(v, inside))
            undefined = undefined | (v.undefined & inside)
        return ArrayValue(out.terms, undefined)


_RELATIONS: dict[type, str] = {  # NumPy ufunc names, looked up when used
    sp.StrictLessThan: "less", sp.LessThan: "less_equal",
    sp.StrictGreaterThan: "greater", sp.GreaterThan: "greater_equal",
    sp.Equality: "equal", sp.Unequality: "not_equal",
}


def magnitude(a: np.ndarray) -> int:
    """The largest absolute value in a (0 if empty): what the int64 bounds are checked on."""
    return int(np.abs(a).max()) if a.size else 0


def _any_undefined(values: list[ArrayValue], ev: Evaluator) -> np.ndarray:
    return functools.reduce(np.logical_or, [v.undefined for v in values], ev.nowhere)


# Vector rules: how an indexed name is read at every point ---------------------------
def free_vector(name: str, length: np.ndarray) -> VectorRule:
    """Entry m of a free vector (one of the evaluator's `FreeVectors`), 0 unless
    1 <= m <= length."""
    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> ArrayValue:
        (m,) = indices
        inside = (m >= 1) & (m <= length)
        codes = np.where(inside, ev.free.code(name, m), 0)[:, None]
        return ArrayValue((Term(ev.array(inside.astype(np.int64)), codes),), ev.nowhere)

    return rule


def lazy_rule(make: Callable[[], VectorRule]) -> VectorRule:
    """A rule built when first read: most answers never read the costly ones."""
    built: list[VectorRule] = []

    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> ArrayValue:
        if not built:
            built.append(make())
        return built[0](ev, indices)

    return rule


# Tables: polynomials on grids (say a Jacobian per size) as arrays -------------------
@dataclass(frozen=True)
class Table:
    """coef[group, *index, t] and codes[group, *index, t, factor] of the polynomial at
    each grid index of each group; index 0 is an all-zero row (out of bounds)."""

    coef: np.ndarray
    codes: np.ndarray
    extent: np.ndarray  # (groups, rank): the grid's shape per group


class Polynomials(Protocol):
    """A polynomial ring whose elements list their terms: (integer coefficient, the
    monomial's (vector name, index) factors with multiplicity)."""

    def terms(self, p: Any) -> list[tuple[int, tuple[tuple[str, int], ...]]]: ...


def make_table(grids: Sequence[tuple[Polynomials, dict[tuple[int, ...], Any]]],
               extents: Sequence[tuple[int, ...]], free: FreeVectors) -> Table:
    """One group per (ring, {grid index: polynomial}); every factor is an entry of `free`."""
    # Flat lists first, one NumPy assignment at the end: per-element writes are slow.
    cells: list[tuple[int, ...]] = []  # (group, *index, t)
    coefs: list[int] = []
    factors: list[tuple[int, ...]] = []
    for group, (ring, grid) in enumerate(grids):
        for index, p in grid.items():
            for t, (c, monomial) in enumerate(ring.terms(p) if p else ()):
                cells.append((group, *index, t))
                coefs.append(c)
                factors.append(tuple(free.code(name, m) for name, m in monomial))
    rank = len(extents[0]) if extents else 1
    top = [max([e[r] for e in extents], default=0) + 1 for r in range(rank)]
    most = max([cell[-1] for cell in cells], default=0) + 1
    degree = max([len(f) for f in factors], default=0)
    coef = np.zeros((len(grids), *top, most), dtype=np.int64)
    codes = np.zeros((len(grids), *top, most, degree), dtype=np.int64)
    if any(abs(c) >= INT64_SAFE for c in coefs):
        raise OverflowError("a coefficient of a truth table does not fit int64 arithmetic")
    if cells:
        where = tuple(np.asarray(cells, dtype=np.int64).T)
        coef[where] = coefs
        padded = np.zeros((len(cells), degree), dtype=np.int64)
        for row, f in enumerate(factors):
            padded[row, : len(f)] = f
        codes[where] = padded
    return Table(coef, codes, np.asarray(extents, dtype=np.int64).reshape(len(grids), rank))


def tabled(table: Table, group: np.ndarray) -> VectorRule:
    """Entry (i, ...) of a per-group table, 0 outside each group's grid."""
    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> ArrayValue:
        inside = np.ones(ev.count, dtype=bool)
        for r, index in enumerate(indices):
            inside &= (index >= 1) & (index <= table.extent[group, r])
        where = tuple(np.where(inside, index, 0) for index in indices)
        terms = [
            Term(ev.array(table.coef[(group, *where, t)]), table.codes[(group, *where, t)])
            for t in range(table.coef.shape[-1])
        ]
        return ev.compact(terms, ev.nowhere)

    return rule
