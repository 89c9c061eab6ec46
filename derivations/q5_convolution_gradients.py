"""Question 5: sizes, Jacobian entries and gradient identities of a 1-D CNN.

The truths come from networks built by the definitions in `convolution_1d` for every
admissible size (d, k1, k2) with d <= N (N = `--max-size`, 12 by default): the
length of a2, the Jacobian d a2_i / d h1_n computed by SymPy (polynomial
differentiation), the chain rule with a symbolic gradient g = nabla_{a2} L, and the
convolution of g with flip(w2) from definitions (1), (2). Random sizes with
N < d <= 64 are a second witness, and sizes near the integer literals of the answer
a third (`probe_sizes`: `d - k1 - k2 + 2 + Max(0, d - 64)` is right for every d <= 64).

An answer is compared with the truth at every point of every size at once: the
answer's SymPy tree is evaluated over NumPy arrays of points (`Evaluator`), each
value an exact polynomial in the vector entries (w2[m], g[i]) with one integer
coefficient per point: int64 while every value provably stays below 2**62 (each
product, sum and merge of equal terms is bounded first), Python integers otherwise.
Equal polynomials at every point prove the claim for every size in the range; a
differing point is a counterexample, re-evaluated with SymPy before it is reported.
Nothing is simplified entry by entry.

Answer language conventions (also shown by `derivcheck show`): every indexed vector
is zero out of bounds; `Sum(t, (j, a, b))` is 0 when b < a.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import ModuleType
from typing import TYPE_CHECKING, Any

import sympy as sp

from checker.model.claims import Decided
from checker.model.errors import AnswerError
from checker.model.namespace import POSITIVE_INTEGER, Namespace, Variable, Vector
from checker.model.options import Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from derivations.convolution_1d import (
    Entries,
    Mode,
    Sizes,
    Vec,
    admissible,
    admissible_sizes,
    conv,
    entries,
    flip,
    flip_index,
    jacobian,
    network_length_rule,
    network_of_sizes,
    network_shape,
    random_sizes,
)


class _OnFirstUse:
    """A module imported when first used: `derivcheck list` and the other questions
    must not pay for NumPy (annotations are strings, so only calls reach it)."""

    def __init__(self, name: str, binding: str) -> None:
        self._name = name
        self._binding = binding

    def __getattr__(self, attribute: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        globals()[self._binding] = module  # from now on the name is NumPy itself
        return getattr(module, attribute)


if TYPE_CHECKING:
    import numpy as np
else:
    np = _OnFirstUse("numpy", "np")

SEED = 20220223  # sizes and entry values must repeat run to run
MAX_RANDOM_D = 64  # random sizes beyond N go up to this d (the second witness)
STRIDE = 4096  # an entry is coded as vector_id * STRIDE + index; 0 means "no factor"
MAX_TERMS = 4096  # more terms than this per value: the answer is too large to expand
MAX_SUM_LENGTH = 4096  # the longest Sum range the evaluator writes out
MAX_DEGREE = 64  # the most entry factors in one monomial the evaluator expands
INT64_SAFE = 1 << 62  # int64 arithmetic is used only while every value stays below this
FAR = 1 << 40  # an index or bound this large (in magnitude) is read as +-FAR: out of bounds

# ---------------------------------------------------------------------------------
# The answer namespaces
# ---------------------------------------------------------------------------------


def _integer(name: str, meaning: str) -> Variable:
    return Variable(name, POSITIVE_INTEGER, meaning)


D_VAR = _integer("d", "length of the input x")
K1_VAR = _integer("k1", "length of the first kernel w1 (k1 < d)")
K2_VAR = _integer("k2", "length of the second kernel w2 (k2 < d)")
I_VAR = _integer("i", "an index of a2, 1..|a2|")
N_VAR = _integer("n", "an index of h1, 1..|h1|")
W2 = Vector("w2", 1, "the second kernel; w2[m] is 0 unless 1 <= m <= k2")
G = Vector("g", 1, "g[i] = (nabla_{a2} L)_i; 0 unless 1 <= i <= |a2|")
FLIP_W2 = Vector("flipw2", 1, "flip(w2)[j] = w2[k2-j+1]; 0 unless 1 <= j <= k2")
JAC = Vector("J", 2, "J[i, n] = d a2_i / d h1_n of the built network; 0 out of range")
FULL_CONV = Vector("fullconv", 1, "fullconv[n] = (g full-conv flip(w2))_n, equation (2)")
VALID_CONV = Vector("validconv", 1, "validconv[n] = (g valid-conv flip(w2))_n, equation (1)")
FUNCTIONS = frozenset({"max", "min", "Max", "Min", "abs", "Piecewise", "Sum"})

SIZES_NS = Namespace(variables=(D_VAR, K1_VAR, K2_VAR), functions=FUNCTIONS)
ENTRY_NS = Namespace(variables=(I_VAR, N_VAR, D_VAR, K1_VAR, K2_VAR), vectors=(W2,),
                     functions=FUNCTIONS)
CHAIN_NS = Namespace(
    variables=(N_VAR, D_VAR, K1_VAR, K2_VAR),
    vectors=(G, W2, FLIP_W2, JAC, FULL_CONV, VALID_CONV),
    functions=FUNCTIONS,
)
d_, k1_, k2_, i_, n_ = (v.symbol for v in (D_VAR, K1_VAR, K2_VAR, I_VAR, N_VAR))
VECTOR_ID = {"w2": 1, "g": 2}  # the free vectors, whose entries are polynomial variables
NAME_OF_ID = {v: k for k, v in VECTOR_ID.items()}

# ---------------------------------------------------------------------------------
# Points: every size of a range, with the shapes of its built network
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Sizes of one mode with |h1| and |a2| read off networks built by the definitions.

    Sizes with the same (|h1|, k2) share the second layer, hence its Jacobian and
    its convolutions: those are built once per `pair`."""

    mode: Mode
    sizes: tuple[Sizes, ...]
    h1: tuple[int, ...]
    a2: tuple[int, ...]
    pair_of: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]  # (|h1|, k2)


@functools.lru_cache(maxsize=32)
def layout(mode: Mode, sizes: tuple[Sizes, ...]) -> Layout:
    h1, a2, pair_of = [], [], []
    pairs: dict[tuple[int, int], int] = {}
    for s in sizes:
        h, a = network_shape(mode, s)  # the lengths network_of_sizes(mode, s) builds
        h1.append(h)
        a2.append(a)
        pair_of.append(pairs.setdefault((h, s.k2), len(pairs)))
    return Layout(mode, sizes, tuple(h1), tuple(a2), tuple(pair_of), tuple(pairs))


@dataclass(frozen=True)
class Points:
    """One point per (size, index): `size` indexes layout.sizes; `index` holds i and/or n."""

    layout: Layout
    size: np.ndarray
    index: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.size.shape[0])

    def per_size(self, values: Sequence[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.int64)[self.size]

    def scalars(self) -> dict[sp.Symbol, np.ndarray]:
        sizes = self.layout.sizes
        out = {
            d_: self.per_size([s.d for s in sizes]),
            k1_: self.per_size([s.k1 for s in sizes]),
            k2_: self.per_size([s.k2 for s in sizes]),
        }
        if "i" in self.index:
            out[i_] = self.index["i"]
        if "n" in self.index:
            out[n_] = self.index["n"]
        return out

    def describe(self, p: int) -> tuple[tuple[str, str], ...]:
        s = self.layout.sizes[int(self.size[p])]
        pairs = [("d", str(s.d)), ("k1", str(s.k1)), ("k2", str(s.k2))]
        return tuple(pairs + [(k, str(int(v[p]))) for k, v in self.index.items()])


def size_points(lay: Layout) -> Points:
    return Points(lay, np.arange(len(lay.sizes), dtype=np.int64))


def entry_points(lay: Layout) -> Points:
    """Every (i, n) with i in 1..|a2| and n in 1..|h1|, for every size."""
    size, i, n = [], [], []
    for s, (h, a) in enumerate(zip(lay.h1, lay.a2, strict=True)):
        grid_i, grid_n = np.meshgrid(np.arange(1, a + 1), np.arange(1, h + 1), indexing="ij")
        size.append(np.full(a * h, s))
        i.append(grid_i.ravel())
        n.append(grid_n.ravel())
    return Points(lay, _cat(size), {"i": _cat(i), "n": _cat(n)})


def index_points(lay: Layout) -> Points:
    """Every n in 1..|h1|, for every size (the entries of nabla_{h1} L)."""
    size = [np.full(h, s) for s, h in enumerate(lay.h1)]
    n = [np.arange(1, h + 1) for h in lay.h1]
    return Points(lay, _cat(size), {"n": _cat(n)})


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


# ---------------------------------------------------------------------------------
# Tables: ring polynomials on grids (Jacobians, convolutions) as arrays
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """coef[group, *index, t] and codes[group, *index, t, factor] of the polynomial at
    each grid index of each group; index 0 is an all-zero row (out of bounds)."""

    coef: np.ndarray
    codes: np.ndarray
    extent: np.ndarray  # (groups, rank): the grid's shape per group


def make_table(grids: Sequence[tuple[Entries, dict[tuple[int, ...], Any]]],
               extents: Sequence[tuple[int, ...]]) -> Table:
    # Flat lists first, one NumPy assignment at the end: per-element writes are slow.
    cells: list[tuple[int, ...]] = []  # (group, *index, t)
    coefs: list[int] = []
    factors: list[tuple[int, ...]] = []
    for group, (ring, grid) in enumerate(grids):
        for index, p in grid.items():
            for t, (c, monomial) in enumerate(ring.terms(p) if p else ()):
                cells.append((group, *index, t))
                coefs.append(c)
                factors.append(tuple(VECTOR_ID[name] * STRIDE + m for name, m in monomial))
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


Jacobian = tuple[tuple[Any, ...], ...]


@functools.lru_cache(maxsize=8)
def jacobians(lay: Layout) -> tuple[tuple[Entries, Jacobian], ...]:
    """d a2 / d h1 of the second layer, by SymPy, once per (|h1|, k2)."""
    out = []
    for h, k2 in lay.pairs:
        ring = entries([("h1", h), ("w2", k2)])
        h1 = ring.vector("h1", h)
        out.append((ring, jacobian(conv(lay.mode, h1, ring.vector("w2", k2)), h1)))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def jacobian_table(lay: Layout) -> Table:
    grids, extents = [], []
    for (h, _k2), (ring, jac) in zip(lay.pairs, jacobians(lay), strict=True):
        cells: dict[tuple[int, ...], Any] = {
            (i + 1, n + 1): p for i, row in enumerate(jac) for n, p in enumerate(row) if p
        }
        grids.append((ring, cells))
        extents.append((len(jac), h))
    return make_table(grids, extents)


@functools.lru_cache(maxsize=8)
def gradient_convs(lay: Layout, mode: Mode) -> tuple[tuple[Entries, Vec[Any]], ...]:
    """g conv flip(w2) with |g| = |a2|, by definition (1) or (2), once per pair."""
    out = []
    for h, k2 in lay.pairs:
        a2 = _a2_of_pair(lay, h, k2)
        ring = entries([("g", a2), ("w2", k2)])
        out.append((ring, conv(mode, ring.vector("g", a2), flip(ring.vector("w2", k2)))))
    return tuple(out)


def _a2_of_pair(lay: Layout, h: int, k2: int) -> int:
    return lay.a2[lay.pair_of.index(lay.pairs.index((h, k2)))]


@functools.lru_cache(maxsize=8)
def conv_table(lay: Layout, mode: Mode) -> Table:
    grids, extents = [], []
    for ring, vec in gradient_convs(lay, mode):
        cells: dict[tuple[int, ...], Any] = {(m,): vec.at(m) for m in range(1, len(vec) + 1)}
        grids.append((ring, cells))
        extents.append((len(vec),))
    return make_table(grids, extents)


# ---------------------------------------------------------------------------------
# Evaluating an answer at every point at once
# ---------------------------------------------------------------------------------


class Unsupported(Exception):
    """The exact polynomial evaluation does not cover this construct."""


class NeedsExact(Exception):
    """int64 could overflow, or a fraction appears: evaluate with Python numbers."""


@dataclass(frozen=True)
class Term:
    coef: np.ndarray  # (P,)
    codes: np.ndarray  # (P, degree) entry codes; 0 is "no factor"


@dataclass(frozen=True)
class Value:
    """A polynomial in the vector entries at every point, and where it is undefined."""

    terms: tuple[Term, ...]
    undefined: np.ndarray


@dataclass(frozen=True)
class Cond:
    holds: np.ndarray
    undefined: np.ndarray


@functools.cache
def entry_values() -> np.ndarray:
    """Fixed nonzero random integers for every entry code (code 0, "no factor", is 1).

    Used only where an answer needs the entries' values (a condition on w2, a division
    by an entry): agreement there is evidence, not proof; a disagreement is exact."""
    rng = np.random.default_rng(SEED)
    size = (max(VECTOR_ID.values()) + 1) * STRIDE
    values = rng.integers(1, 30, size) * rng.choice([-1, 1], size)
    values[0] = 1
    return values.astype(np.int64)


def entry_products(codes: np.ndarray, exact: bool) -> np.ndarray:
    """The product of the entry values of each row of codes (an empty row is 1).

    int64 only while no product can reach INT64_SAFE; else Python integers when
    `exact`, and NeedsExact otherwise."""
    values = entry_values()
    if exact or _magnitude(values) ** codes.shape[1] >= INT64_SAFE:
        if not exact:
            raise NeedsExact
        out = np.ones(codes.shape[0], dtype=object)
        for column in values.astype(object)[codes].T:
            out = out * column
        return out
    return values[codes].prod(axis=1) if codes.shape[1] else np.ones(codes.shape[0], np.int64)


VectorRule = Callable[["Evaluator", tuple["np.ndarray", ...]], Value]


class Evaluator:
    """Evaluates a SymPy tree at all points, with NumPy.

    `exact` switches from int64 to Python integers and fractions; `substitute`
    replaces every entry by its value in ENTRY_VALUES (so every value is a number)."""

    def __init__(self, points: Points, rules: dict[str, VectorRule], exact: bool,
                 substitute: bool) -> None:
        self.count = points.count
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
        if not self.exact and _magnitude(a) * _magnitude(b) >= INT64_SAFE:
            raise NeedsExact
        return a * b

    def plus(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not self.exact and _magnitude(a) + _magnitude(b) >= INT64_SAFE:
            raise NeedsExact
        return a + b

    # values ----------------------------------------------------------------
    def number(self, values: np.ndarray, undefined: np.ndarray | None = None) -> Value:
        return Value((Term(values, np.zeros((self.count, 0), np.int64)),),
                     self.nowhere if undefined is None else undefined)

    def compact(self, terms: Sequence[Term], undefined: np.ndarray) -> Value:
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
        return Value(tuple(kept), undefined)

    def zero(self) -> Value:
        return self.number(self.array(np.zeros(self.count, np.int64)))

    def scalar(self, v: Value, what: sp.Basic) -> np.ndarray:
        """The value as a number per point; Unsupported if it depends on entries."""
        total = self.array(np.zeros(self.count, np.int64))
        for t in v.terms:
            if t.codes.shape[1] and np.any(t.codes.any(axis=1) & (t.coef != 0)):
                raise Unsupported(f"`{sp.sstr(what)}` depends on the vector entries")
            total = self.plus(total, t.coef)
        return total

    def add(self, a: Value, b: Value) -> Value:
        return self.compact(a.terms + b.terms, a.undefined | b.undefined)

    def mul(self, a: Value, b: Value) -> Value:
        degree = max([t.codes.shape[1] for t in a.terms], default=0) + max(
            [t.codes.shape[1] for t in b.terms], default=0)
        if degree > MAX_DEGREE:
            raise Unsupported(f"a product has more than {MAX_DEGREE} entry factors")
        terms = [
            Term(self.times(s.coef, t.coef), np.hstack([s.codes, t.codes]))
            for s in a.terms for t in b.terms
        ]
        return self.compact(terms, a.undefined | b.undefined)

    def masked(self, v: Value, where: np.ndarray) -> Value:
        keep = where.astype(bool)
        terms = [Term(np.where(keep, t.coef, 0).astype(t.coef.dtype), t.codes) for t in v.terms]
        return self.compact(terms, v.undefined & keep)

    def entries_substituted(self, v: Value) -> Value:
        if not self.substitute:
            return v
        out = []
        for t in v.terms:
            coef = t.coef
            if t.codes.shape[1]:
                coef = self.times(coef, entry_products(t.codes, self.exact))
            out.append(Term(coef, np.zeros((self.count, 0), np.int64)))
        return self.compact(out, v.undefined)

    # the tree -------------------------------------------------------------
    def value(self, e: sp.Basic, env: dict[sp.Symbol, np.ndarray]) -> Value:
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

    def power(self, e: sp.Pow, env: dict[sp.Symbol, np.ndarray]) -> Value:
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

    def indexed(self, e: sp.Indexed, env: dict[sp.Symbol, np.ndarray]) -> Value:
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
        return self.entries_substituted(Value(v.terms, v.undefined | undefined))

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

    def piecewise(self, e: sp.Piecewise, env: dict[sp.Symbol, np.ndarray]) -> Value:
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
        return Value(out.terms, undefined | ~taken)  # no piece applies: undefined

    def summation(self, e: sp.Sum, env: dict[sp.Symbol, np.ndarray]) -> Value:
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
            return Value(out.terms, undefined)
        if self.exact and max(_magnitude(lo[live]), _magnitude(hi[live])) >= FAR:
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
        return Value(out.terms, undefined)


_RELATIONS: dict[type, str] = {  # NumPy ufunc names, looked up when used
    sp.StrictLessThan: "less", sp.LessThan: "less_equal",
    sp.StrictGreaterThan: "greater", sp.GreaterThan: "greater_equal",
    sp.Equality: "equal", sp.Unequality: "not_equal",
}


def _magnitude(a: np.ndarray) -> int:
    return int(np.abs(a).max()) if a.size else 0


def _any_undefined(values: list[Value], ev: Evaluator) -> np.ndarray:
    return functools.reduce(np.logical_or, [v.undefined for v in values], ev.nowhere)


# Vector rules: how an indexed name is read at every point ---------------------------
def free_vector(name: str, length: np.ndarray) -> VectorRule:
    """Entry m of a vector of symbolic entries, 0 unless 1 <= m <= length."""
    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> Value:
        (m,) = indices
        inside = (m >= 1) & (m <= length)
        codes = np.where(inside, VECTOR_ID[name] * STRIDE + m, 0)[:, None]
        return Value((Term(ev.array(inside.astype(np.int64)), codes),), ev.nowhere)

    return rule


def flipped(w2: VectorRule, k2: np.ndarray) -> VectorRule:
    """flip(w2)_j = w2_{k2-j+1} (flip_index), 0 unless 1 <= j <= k2."""
    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> Value:
        (j,) = indices
        inside = (j >= 1) & (j <= k2)
        return ev.masked(w2(ev, (np.where(inside, flip_index(j, k2), 0),)), inside)

    return rule


def tabled(table: Table, group: np.ndarray) -> VectorRule:
    """Entry (i, ...) of a per-group table, 0 outside each group's grid."""
    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> Value:
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


def vector_rules(points: Points) -> dict[str, VectorRule]:
    lay = points.layout
    k2 = points.scalars()[k2_]
    group = points.per_size(lay.pair_of)
    w2 = free_vector("w2", k2)
    rules: dict[str, VectorRule] = {"w2": w2, "g": free_vector("g", points.per_size(lay.a2)),
                                    "flipw2": flipped(w2, k2)}
    # Tables are built on first use only: most answers never read them.
    rules["J"] = _lazy(lambda: tabled(jacobian_table(lay), group))
    rules["fullconv"] = _lazy(lambda: tabled(conv_table(lay, Mode.FULL), group))
    rules["validconv"] = _lazy(lambda: tabled(conv_table(lay, Mode.VALID), group))
    return rules


def _lazy(make: Callable[[], VectorRule]) -> VectorRule:
    built: list[VectorRule] = []

    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> Value:
        if not built:
            built.append(make())
        return built[0](ev, indices)

    return rule


# ---------------------------------------------------------------------------------
# Canonical rows and comparison
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """A polynomial per point in canonical form: sorted (point, monomial) rows with
    nonzero coefficients; a monomial is its sorted entry codes, padded with 0."""

    point: np.ndarray
    codes: np.ndarray
    coef: np.ndarray


def rows_of(v: Value) -> Rows:
    degree = max([t.codes.shape[1] for t in v.terms], default=0)
    points, codes, coefs = [], [], []
    for t in v.terms:
        nonzero = np.flatnonzero(np.asarray(t.coef != 0, dtype=bool))
        padded = np.zeros((nonzero.size, degree), np.int64)
        padded[:, : t.codes.shape[1]] = t.codes[nonzero]
        points.append(nonzero)
        codes.append(np.sort(padded, axis=1))
        coefs.append(t.coef[nonzero])
    if not points:
        return Rows(np.zeros(0, np.int64), np.zeros((0, 0), np.int64), np.zeros(0, np.int64))
    return canonical(Rows(np.concatenate(points), np.vstack(codes), np.concatenate(coefs)))


def canonical(r: Rows) -> Rows:
    if r.point.size == 0:
        return r
    keys = [r.codes[:, c] for c in range(r.codes.shape[1] - 1, -1, -1)] + [r.point]
    order = np.lexsort(keys)
    point, codes, coef = r.point[order], r.codes[order], r.coef[order]
    new = np.ones(point.size, dtype=bool)
    new[1:] = (point[1:] != point[:-1]) | np.any(codes[1:] != codes[:-1], axis=1)
    starts = np.flatnonzero(new)
    if coef.dtype != object and _magnitude(coef) * coef.size >= INT64_SAFE:
        coef = coef.astype(object)  # a group's sum could wrap around in int64
    sums = np.add.reduceat(coef, starts)
    keep = np.asarray(sums != 0, dtype=bool)
    return Rows(point[starts][keep], codes[starts][keep], sums[keep])


def difference(a: Rows, b: Rows) -> Rows:
    degree = max(a.codes.shape[1], b.codes.shape[1])

    def pad(c: np.ndarray) -> np.ndarray:
        out = np.zeros((c.shape[0], degree), np.int64)
        out[:, degree - c.shape[1]:] = c  # sorted codes keep their 0 padding in front
        return out

    wide = object in (a.coef.dtype, b.coef.dtype) or max(
        _magnitude(a.coef), _magnitude(b.coef)) >= INT64_SAFE
    coef = np.concatenate([a.coef.astype(object), -b.coef.astype(object)]) if wide else (
        np.concatenate([a.coef, -b.coef]))
    return canonical(Rows(np.concatenate([a.point, b.point]),
                          np.vstack([pad(a.codes), pad(b.codes)]), coef))


def numbers_of(r: Rows, count: int) -> np.ndarray:
    """The rows' polynomials at the fixed random entry values, per point."""
    out = np.zeros(count, dtype=object)
    values = entry_products(r.codes, exact=True)
    np.add.at(out, r.point, r.coef.astype(object) * values)
    return out


@dataclass(frozen=True)
class Evaluated:
    """An expression at every point: exact rows, or (when the entries' values were
    needed) numbers at the random entry values."""

    rows: Rows | None
    numbers: np.ndarray | None
    undefined: np.ndarray
    note: str = ""  # why only numbers


def evaluate_all(expr: sp.Basic, points: Points, rules: dict[str, VectorRule]) -> Evaluated:
    """Exact polynomials when the answer has that form; otherwise numbers at the random
    entry values (Unsupported if even that is impossible)."""
    try:
        v = _in_either_precision(points, rules, expr, substitute=False)
        return Evaluated(rows_of(v), None, v.undefined)
    except Unsupported as exc:
        why = str(exc)
    v = _in_either_precision(points, rules, expr, substitute=True)
    numbers = Evaluator(points, rules, exact=True, substitute=True).scalar(v, expr)
    return Evaluated(None, numbers.astype(object), v.undefined, why)


def _in_either_precision(points: Points, rules: dict[str, VectorRule], expr: sp.Basic,
                         substitute: bool) -> Value:
    """int64 first (fast); Python integers and fractions when int64 is not enough."""
    try:
        return Evaluator(points, rules, exact=False, substitute=substitute).value(expr, {})
    except NeedsExact:
        return Evaluator(points, rules, exact=True, substitute=substitute).value(expr, {})


@dataclass(frozen=True)
class Mismatch:
    point: int
    exact: bool  # found by comparing exact polynomials (else at random entry values)


@dataclass(frozen=True)
class Comparison:
    mismatch: Mismatch | None
    proof: bool  # equal as polynomials at every point
    note: str = ""


def compare(answer: Evaluated, truth: Evaluated, count: int) -> Comparison:
    """Where the two differ (the first point), and whether equality is a proof."""
    undefined = answer.undefined & ~truth.undefined
    if answer.rows is not None and truth.rows is not None:
        bad = difference(answer.rows, truth.rows).point
        candidates = list(bad[:1]) + list(np.flatnonzero(undefined)[:1])
        if candidates:
            return Comparison(Mismatch(int(min(candidates)), True), False)
        return Comparison(None, True)
    a = answer.numbers if answer.numbers is not None else numbers_of(answer.rows, count)  # type: ignore[arg-type]
    t = truth.numbers if truth.numbers is not None else numbers_of(truth.rows, count)  # type: ignore[arg-type]
    both = ~answer.undefined & ~truth.undefined
    bad = np.flatnonzero((both & (a != t)) | undefined)
    note = answer.note or truth.note
    if bad.size:
        return Comparison(Mismatch(int(bad[0]), False), False, note)
    return Comparison(None, False, note)


# ---------------------------------------------------------------------------------
# Re-checking one point with SymPy (the second evaluator of every counterexample)
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class At:
    """One point, for SymPy: its size, scalar values and each vector's entries there."""

    mode: Mode
    sizes: Sizes
    a2: int  # |a2| of the built network
    env: dict[sp.Symbol, sp.Integer]
    vectors: dict[str, Callable[[tuple[int, ...]], sp.Expr]]


def point_at(points: Points, p: int, substitute: bool) -> At:
    lay = points.layout
    s = int(points.size[p])
    sizes, a2 = lay.sizes[s], lay.a2[s]
    env = {k: sp.Integer(int(v[p])) for k, v in points.scalars().items()}

    def entry(name: str, m: int) -> sp.Expr:
        if substitute:
            return sp.Integer(int(entry_values()[VECTOR_ID[name] * STRIDE + m]))
        return sp.IndexedBase(name, real=True)[m]

    w2 = Vec(tuple(entry("w2", m) for m in range(1, sizes.k2 + 1)), sp.Integer(0))
    g = Vec(tuple(entry("g", m) for m in range(1, a2 + 1)), sp.Integer(0))
    values = {sp.IndexedBase("w2", real=True)[m]: w2.at(m) for m in range(1, sizes.k2 + 1)}

    def jacobian_entry(i: int, n: int) -> sp.Expr:
        ring_entries, jac = jacobians(lay)[lay.pair_of[s]]  # built only when J is read
        if not (1 <= i <= len(jac) and 1 <= n <= lay.h1[s]):
            return sp.Integer(0)
        return ring_entries.to_sympy(jac[i - 1][n - 1]).xreplace(values)

    vectors: dict[str, Callable[[tuple[int, ...]], sp.Expr]] = {
        "w2": lambda ix: w2.at(ix[0]),
        "g": lambda ix: g.at(ix[0]),
        "flipw2": lambda ix: flip(w2).at(ix[0]),
        "J": lambda ix: jacobian_entry(*ix),
        "fullconv": lambda ix: conv(Mode.FULL, g, flip(w2)).at(ix[0]),
        "validconv": lambda ix: conv(Mode.VALID, g, flip(w2)).at(ix[0]),
    }
    return At(lay.mode, sizes, a2, env, vectors)


def sympy_at(e: sp.Basic, at: At, env: dict[sp.Symbol, sp.Integer] | None = None) -> sp.Basic:
    """e at one point, evaluated by SymPy: sums written out, indices read through the
    vector rules (zero out of bounds), only the Piecewise branch that applies."""
    env = at.env if env is None else env
    if isinstance(e, sp.Sum):
        body = sp.Sum(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        j, low, high = e.limits[-1]  # the outermost limit; the body sums over the others
        lo, hi = sympy_at(low, at, env), sympy_at(high, at, env)
        if not (lo.is_Integer and hi.is_Integer):
            return sp.nan
        return sp.Add(*[sympy_at(body, at, {**env, j: sp.Integer(v)})
                        for v in range(int(lo), int(hi) + 1)])
    if isinstance(e, sp.Symbol):
        return env.get(e, e)
    if isinstance(e, sp.Indexed):
        indices = [sympy_at(x, at, env) for x in e.indices]
        if not all(x.is_Integer for x in indices):
            return sp.nan
        return at.vectors[str(e.base.label)](tuple(int(x) for x in indices))
    if isinstance(e, sp.Piecewise):
        for piece in e.args:
            c = sympy_at(piece.cond, at, env)
            if c is sp.true:
                return sympy_at(piece.expr, at, env)
            if c is not sp.false:
                return sp.nan
        return sp.nan
    if not e.args:
        return e
    return e.func(*[sympy_at(a, at, env) for a in e.args])


def _undefined(value: sp.Basic) -> bool:
    return bool(value.has(sp.nan, sp.zoo, sp.oo, -sp.oo))


# ---------------------------------------------------------------------------------
# Sides, links and witnesses: what is compared with what, over which sizes
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its value at every point, and at one point by SymPy."""

    label: str
    everywhere: Callable[[Points, dict[str, VectorRule]], Evaluated]
    at: Callable[[At], sp.Basic]


def answer_side(label: str, expr: sp.Basic) -> Side:
    return Side(label, lambda pts, rules: evaluate_all(expr, pts, rules),
                lambda at: sympy_at(expr, at))


@dataclass(frozen=True)
class Link:
    """`answer` must equal `truth` at every point; `text` names it in the report."""

    text: str
    answer: Side
    truth: Side


@dataclass(frozen=True)
class Witness:
    label: str
    layout: Layout
    exhaustive: bool


def witnesses(mode: Mode, options: Options, random_count: int, answers: Sequence[sp.Basic] = (),
              lengths_only: bool = False) -> tuple[Witness, ...]:
    """All sizes d <= N, `random_count` random sizes N < d <= 64, and sizes near the
    integer literals of the answers (`probe_sizes`): a formula that is right only up to
    some size usually names that size."""
    top = options.max_size
    every = layout(mode, tuple(admissible_sizes(mode, top)))
    out = [Witness(f"all sizes d ≤ {top}", every, True)]
    extra = random_sizes(mode, top + 1, MAX_RANDOM_D, random_count, SEED)
    if extra:
        label = f"{len(extra)} random sizes {top} < d ≤ {MAX_RANDOM_D}"
        out.append(Witness(label, layout(mode, tuple(extra)), False))
    literals, probes = probe_sizes(mode, answer_literals(answers), top, set(extra), lengths_only)
    if probes:
        low, high = min(s.d for s in probes), max(s.d for s in probes)
        span = f"d = {low}" if low == high else f"{low} ≤ d ≤ {high}"
        label = ("sizes near the answer's integer literal"
                 f"{'s' if len(literals) > 1 else ''} {', '.join(map(str, literals))} ({span})")
        out.append(Witness(label, layout(mode, tuple(probes)), False))
    return tuple(out)


PROBE_CAP = 200  # integer literals up to this give probe sizes near them
MAX_LENGTH_PROBES = 600  # probe sizes for |a2| (each costs two cached window scans)
MAX_PROBE_PRODUCTS = 20_000  # all probe networks together: a2 * k2 ring products (SymPy)
MAX_PROBE_ENTRIES = 150_000  # all probe networks together: a2 * h1 Jacobian entries


def answer_literals(answers: Sequence[sp.Basic]) -> list[int]:
    """|numerator| and denominator of every rational number in the answers, 1..PROBE_CAP."""
    found: set[int] = set()
    for e in answers:
        for r in e.atoms(sp.Rational):
            found.update((abs(int(r.p)), int(r.q)))
    return sorted(v for v in found if 1 <= v <= PROBE_CAP)


def probe_sizes(mode: Mode, literals: Sequence[int], top: int, covered: set[Sizes],
                lengths_only: bool) -> tuple[list[int], list[Sizes]]:
    """Admissible sizes with d, k1 or k2 at c, c+1 or c+2 for each literal c, beyond
    the exhaustive range and the random sizes; and the literals that gave any.

    Lengths are cheap: d in c..c+3 with kernels 1, 2, d//2, d-1, c, c+1 (at most
    MAX_LENGTH_PROBES sizes). Networks cost a SymPy Jacobian each: (v, 1, 1), (v+1, v, 1)
    and (v+1, 1, v) for v = c, c+1, c+2, while the budgets of ring products and entries
    allow."""
    chosen: set[Sizes] = set()
    used: set[int] = set()
    products = cells = 0

    def take(c: int, s: Sizes) -> None:
        nonlocal products, cells
        if s.d <= top or s in covered or s in chosen or not admissible(mode, s):
            return
        h1, a2 = network_shape(mode, s)
        if not lengths_only:
            if products + a2 * s.k2 > MAX_PROBE_PRODUCTS or cells + a2 * h1 > MAX_PROBE_ENTRIES:
                return
            products, cells = products + a2 * s.k2, cells + a2 * h1
        chosen.add(s)
        used.add(c)

    if lengths_only:
        for c in literals:
            for d in range(c, c + 4):
                kernels = sorted({1, 2, d // 2, d - 1, c, c + 1} & set(range(1, d)))
                for k1 in kernels:
                    for k2 in kernels:
                        if len(chosen) < MAX_LENGTH_PROBES:
                            take(c, Sizes(d, k1, k2))
    else:
        shapes: list[Callable[[int], Sizes]] = [
            lambda v: Sizes(v, 1, 1), lambda v: Sizes(v + 1, v, 1), lambda v: Sizes(v + 1, 1, v)]
        for shape in shapes:
            for c in literals:
                for v in (c, c + 1, c + 2):
                    take(c, shape(v))
    return sorted(used), sorted(chosen)


@dataclass(frozen=True)
class LinkResult:
    status: Status
    method: str
    counterexample: Counterexample | None = None
    reason: str = ""


def check_links(links: Sequence[Link], points_of: Callable[[Layout], Points], what: str,
                wits: Sequence[Witness]) -> list[LinkResult]:
    """Every link at every point of every witness; each side is evaluated once."""
    if not wits[0].layout.sizes:
        why = f"no admissible size in the range ({wits[0].label}); raise --max-size"
        return [LinkResult(Status.UNDECIDED, "no sizes checked", reason=why) for _ in links]
    found: list[LinkResult | None] = [None] * len(links)
    notes: list[str] = [""] * len(links)
    shown: list[str] = []
    for wit in wits:
        points = points_of(wit.layout)
        shown.append(f"{wit.label} ({len(wit.layout.sizes)} sizes, {points.count} {what})")
        rules = vector_rules(points)
        cache: dict[int, Evaluated] = {}

        def value(side: Side, pts: Points = points, rs: dict[str, VectorRule] = rules,
                  memo: dict[int, Evaluated] = cache) -> Evaluated:
            if id(side) not in memo:
                memo[id(side)] = side.everywhere(pts, rs)
            return memo[id(side)]

        for k, link in enumerate(links):
            if found[k] is not None:
                continue
            try:
                comparison = compare(value(link.answer), value(link.truth), points.count)
            except Unsupported as exc:
                found[k] = LinkResult(Status.UNDECIDED, "not evaluated",
                                      reason=f"{exc}; the checker cannot evaluate it")
                continue
            if comparison.mismatch is not None:
                found[k] = refutation(link, points, comparison.mismatch, wit)
            elif not comparison.proof:
                notes[k] = comparison.note
    method = "exhaustive, " + ", plus ".join(shown)
    out = []
    for k in range(len(links)):
        result = found[k]
        if result is not None:
            out.append(result)
        elif notes[k]:
            out.append(LinkResult(
                Status.UNDECIDED, f"agreement at random integer entries: {', '.join(shown)}",
                reason=f"{notes[k]}, so no exact polynomial comparison: compared at fixed "
                "random integer entries only, where agreement is evidence, not a proof",
            ))
        else:
            out.append(LinkResult(Status.VERIFIED, method))
    return out


def _listed(at: At, name: str, size: int) -> str:
    return "[" + ", ".join(sp.sstr(at.vectors[name]((m,))) for m in range(1, size + 1)) + "]"


def refutation(link: Link, points: Points, mismatch: Mismatch, wit: Witness) -> LinkResult:
    """The mismatch re-evaluated by SymPy at its point; reported only if confirmed."""
    p = mismatch.point
    at = point_at(points, p, substitute=not mismatch.exact)
    answer, truth = link.answer.at(at), link.truth.at(at)
    confirmed = _undefined(answer) and not _undefined(truth)
    if not _undefined(answer) and not _undefined(truth):
        confirmed = sp.expand(answer - truth) != 0
    kind = "exact polynomials" if mismatch.exact else "random integer entries"
    if not confirmed:
        return LinkResult(Status.UNDECIDED, f"{wit.label}: evaluators disagree",
                          reason="internal inconsistency: a difference found with NumPy was "
                          f"not confirmed by SymPy at {points.describe(p)}; please report this")
    assignment = points.describe(p)
    if not mismatch.exact:  # the entry values are part of the counterexample
        assignment += (("w2[1..k2]", _listed(at, "w2", at.sizes.k2)),)
        if "i" not in points.index:
            assignment += (("g[1..|a2|]", _listed(at, "g", at.a2)),)
    note = "re-checked with SymPy in exact arithmetic"
    shown = "undefined" if _undefined(answer) else sp.sstr(answer)
    counterexample = Counterexample(assignment, shown, sp.sstr(truth), link.text, note)
    return LinkResult(Status.REFUTED, f"counterexample ({kind}), {wit.label}", counterexample)


# ---------------------------------------------------------------------------------
# The truths
# ---------------------------------------------------------------------------------


def _rows_side(label: str, build: Callable[[Evaluator, Points, dict[str, VectorRule]], Value],
               at: Callable[[At], sp.Basic]) -> Side:
    def everywhere(points: Points, rules: dict[str, VectorRule]) -> Evaluated:
        ev = Evaluator(points, rules, exact=False, substitute=False)
        return Evaluated(rows_of(build(ev, points, rules)), None, ev.nowhere)

    return Side(label, everywhere, at)


def length_truth() -> Side:
    """|a2| of the network built by the definitions, size by size."""
    def build(ev: Evaluator, points: Points, _rules: dict[str, VectorRule]) -> Value:
        return ev.number(points.per_size(points.layout.a2))

    return _rows_side("|a2| of the built network", build,
                      lambda at: sp.Integer(len(network_of_sizes(at.mode, at.sizes).a2)))


def jacobian_truth() -> Side:
    """d a2_i / d h1_n from SymPy's differentiation of the built network."""
    def build(ev: Evaluator, points: Points, rules: dict[str, VectorRule]) -> Value:
        return rules["J"](ev, (points.index["i"], points.index["n"]))

    return _rows_side("d a2_i / d h1_n (SymPy Jacobian of the built network)", build,
                      lambda at: at.vectors["J"]((int(at.env[i_]), int(at.env[n_]))))


def chain_rule_truth() -> Side:
    """(nabla_h1 L)_n = sum_{i=1}^{|a2|} g_i d a2_i / d h1_n: the chain rule, with the
    Jacobian from SymPy and |a2| from the built network."""
    def build(ev: Evaluator, points: Points, rules: dict[str, VectorRule]) -> Value:
        a2 = points.per_size(points.layout.a2)
        n = points.index["n"]
        out = ev.zero()
        for i in range(1, int(a2.max(initial=0)) + 1):
            at_i = np.full(points.count, i, dtype=np.int64)
            term = ev.mul(rules["g"](ev, (at_i,)), rules["J"](ev, (at_i, n)))
            out = ev.add(out, ev.masked(term, i <= a2))
        return out

    def at(point: At) -> sp.Basic:
        n = int(point.env[n_])
        return sp.Add(*[point.vectors["g"]((i,)) * point.vectors["J"]((i, n))
                        for i in range(1, point.a2 + 1)])

    return _rows_side("the chain rule with the SymPy Jacobian", build, at)


def identity_truth(mode: Mode) -> Side:
    """(g conv flip(w2))_n by definition (1) or (2): what the chain must arrive at."""
    name = "fullconv" if mode is Mode.FULL else "validconv"

    def build(ev: Evaluator, points: Points, rules: dict[str, VectorRule]) -> Value:
        return rules[name](ev, (points.index["n"],))

    return _rows_side(f"(g {mode.value}-conv flip(w2))_n", build,
                      lambda at: at.vectors[name]((int(at.env[n_]),)))


# ---------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------

RANDOM_SIZE_COUNT = 20  # sizes beyond N for the |a2| formulas (cheap: no Jacobian)
RANDOM_NETWORK_COUNT = 4  # sizes beyond N for Jacobian entries and chains (each costs a
# SymPy Jacobian of a large network; 4 keeps `verify 5` near 2 s)


def _expression(value: Any) -> sp.Expr:
    if not isinstance(value, sp.Expr):
        raise AnswerError(f"expected an expression, got `{sp.sstr(value)}`")
    return value


def size_claim(mode: Mode) -> Callable[[Any, Options], Decided]:
    def claim(value: Any, options: Options) -> Decided:
        answer = _expression(value)

        def decide() -> Outcome:
            link = Link("|a2|", answer_side("your |a2|", answer), length_truth())
            wits = witnesses(mode, options, RANDOM_SIZE_COUNT, [answer], lengths_only=True)
            (result,) = check_links([link], size_points, "networks", wits)
            return _with_symbolic_proof(mode, answer, result)

        return Decided(f"|a2| of the {mode.value} network", decide)

    return claim


def _with_symbolic_proof(mode: Mode, answer: sp.Expr, result: LinkResult) -> Outcome:
    """The formula against the length rule for symbolic sizes (derived in
    convolution_1d from the definition's index range), besides the exhaustive check."""
    rule = network_length_rule(mode, d_, k1_, k2_)
    proved = sp.expand(answer - rule) == 0
    one_layer = sp.sstr(network_length_rule(mode, d_, k1_, sp.Integer(1)).subs(k1_, k2_))
    symbolic = StepResult(
        f"|a2| = {sp.sstr(rule)} for symbolic sizes (one-layer rule, applied twice)",
        Status.VERIFIED if proved else Status.UNDECIDED,
        "symbolic: identical after expansion" if proved else "not identical after expansion",
    )
    exhaustive = StepResult("the answer against the length of the built network", result.status,
                            result.method, result.counterexample)
    steps = (symbolic, exhaustive)
    if proved and result.status is Status.VERIFIED:
        method = (f"symbolic, all admissible sizes (length rule |x conv w| from the definition's "
                  f"index range, applied twice); also {result.method}")
        return Outcome(Status.VERIFIED, method, steps=steps)
    if proved and result.status is Status.REFUTED:
        return Outcome(Status.UNDECIDED, "symbolic proof contradicted by the built network",
                       reason="internal inconsistency between the length rule "
                       f"({one_layer}) and the built network; please report this", steps=steps)
    return Outcome(result.status, result.method, result.counterexample, result.reason, steps)


def entry_claim(mode: Mode) -> Callable[[Any, Options], Decided]:
    def claim(value: Any, options: Options) -> Decided:
        answer = _expression(value)

        def decide() -> Outcome:
            link = Link("d a2_i / d h1_n", answer_side("your entry", answer), jacobian_truth())
            wits = witnesses(mode, options, RANDOM_NETWORK_COUNT, [answer])
            (result,) = check_links([link], entry_points, "Jacobian entries", wits)
            return Outcome(result.status, result.method, result.counterexample, result.reason)

        return Decided(f"d a2_i / d h1_n of the {mode.value} network", decide)

    return claim


def chain_claim(mode: Mode) -> Callable[[Any, Options], Decided]:
    """Step 1 against the chain rule, each step against the one before, the last step
    against the identity; all of them at every n of every size."""
    identity = mode.other  # valid network: full convolution; full network: valid

    def claim(value: Any, options: Options) -> Decided:
        steps = tuple(_expression(v) for v in value)
        sides = [answer_side(f"step {k}", s) for k, s in enumerate(steps, 1)]
        links = [Link("step 1 against the chain rule", sides[0], chain_rule_truth())]
        links += [Link(f"step {k + 1} against step {k}", sides[k], sides[k - 1])
                  for k in range(1, len(sides))]
        links.append(Link(f"step {len(sides)} against (g {identity.value}-conv flip(w2))_n",
                          sides[-1], identity_truth(identity)))
        texts = [f"step {k}: {sp.sstr(s)}" for k, s in enumerate(steps, 1)]
        texts.append(f"= (g {identity.value}-conv flip(w2))_n, the identity to show")

        def decide() -> Outcome:
            wits = witnesses(mode, options, RANDOM_NETWORK_COUNT, steps)
            results = check_links(links, index_points, "entries of nabla_h1 L", wits)
            reported = tuple(
                StepResult(text, r.status, r.method, r.counterexample)
                for text, r in zip(texts, results, strict=True)
            )
            bad = [(link, r) for link, r in zip(links, results, strict=True)
                   if r.status is not Status.VERIFIED]
            if not bad:
                count = f"{len(steps)} step{'s' if len(steps) > 1 else ''}"
                method = f"chain of {count}, every link {results[0].method}"
                return Outcome(Status.VERIFIED, method, steps=reported)
            worst_first = next(((lk, r) for lk, r in bad if r.status is Status.REFUTED), bad[0])
            link, r = worst_first
            return Outcome(r.status, f"chain: {link.text} {r.status.value} ({r.method})",
                           r.counterexample, r.reason, steps=reported)

        return Decided(f"nabla_h1 L = nabla_a2 L {identity.value}-conv flip(w2)", decide)

    return claim


# ---------------------------------------------------------------------------------
# The six questions
# ---------------------------------------------------------------------------------

CONVENTIONS = (
    "Every indexed vector is 0 out of bounds (w2[m] = 0 unless 1 <= m <= k2), as in the "
    "assignment; so `w2[n-i+1]` alone already encodes where the entry vanishes.",
    "Sum(t, (j, a, b)) is 0 when b < a.",
    "Admissible sizes: 1 <= k1 < d and 1 <= k2 < d; with valid convolutions also "
    "k1 + k2 <= d + 1, so that a2 has at least one entry.",
)
CHAIN_NOTES = CONVENTIONS + (
    "Write the derivation as `step = step = ...`; each step is an expression for "
    "(nabla_h1 L)_n in n, d, k1, k2 (1 <= n <= |h1|).",
    "Names: g[i] = (nabla_a2 L)_i; J[i, n] = d a2_i / d h1_n; flipw2[j] = flip(w2)_j = "
    "w2[k2-j+1]; fullconv[n] = (g full-conv flip(w2))_n (2); validconv[n] = "
    "(g valid-conv flip(w2))_n (1).",
    "Step 1 is compared with the chain rule sum_i g_i d a2_i / d h1_n (Jacobian by SymPy), "
    "each later step with the step before it, and the last step with the identity.",
)
_TRUTH_SIZES = ("every admissible size with d <= N (--max-size, default 12) plus random "
                "sizes N < d <= 64 plus a few sizes with d, k1 or k2 at c, c+1, c+2 for each "
                "integer literal c <= 200 of the answer")

REFERENCE_5_3 = (
    "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(g[i]*w2[n-i+1], (i, n-k2+1, n)) "
    "= Sum(g[n+j-k2]*w2[k2-j+1], (j, 1, k2)) = Sum(g[n+j-k2]*flipw2[j], (j, 1, k2)) "
    "= fullconv[n]"
)
REFERENCE_5_6 = (
    "Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2)) = Sum(g[i]*w2[n+k2-i], (i, n, n+k2-1)) "
    "= Sum(g[n+j-1]*w2[k2-j+1], (j, 1, k2)) = Sum(g[n+j-1]*flipw2[j], (j, 1, k2)) "
    "= validconv[n]"
)


def prepare_networks(mode: Mode, options: Options) -> None:
    """The Jacobians and convolutions every 5.2/5.3 (or 5.5/5.6) check reads."""
    for witness in witnesses(mode, options, RANDOM_NETWORK_COUNT):
        jacobian_table(witness.layout)
        conv_table(witness.layout, mode.other)



QUESTIONS: list[Question] = []  # this module's questions, in the order asked

def _register(mode: Mode, first: int) -> None:
    name = "valid" if mode is Mode.VALID else "full"
    where = f"with {name} convolutions in (3) and (5)"
    identity = mode.other.value
    QUESTIONS.append(Question(
        id=f"5.{first}", title=f"|a2| {where}",
        statement=f"The dimensionality |a2| of a2, {where}, for x in R^d and kernels of "
                  "sizes k1 < d and k2 < d.",
        kind=AnswerKind.EXPRESSION, namespace=SIZES_NS,
        reference="d - k1 - k2 + 2" if mode is Mode.VALID else "d + k1 + k2 - 2",
        truth=f"the length of a2 in the network built by the definitions, for {_TRUTH_SIZES}; "
              "and, for symbolic sizes, the one-layer length rule derived from the "
              "definition's index range, applied twice",
        claim=size_claim(mode), notes=CONVENTIONS,
    ))
    QUESTIONS.append(Question(
        id=f"5.{first + 1}", title=f"d a2_i / d h1_n {where}",
        statement=f"Derive d a2_i / d h1_n for all i in 1..|a2|, given n, {where}.",
        kind=AnswerKind.EXPRESSION, namespace=ENTRY_NS,
        reference="w2[n-i+1] if max(n-k2+1, 1) <= i <= min(n, d-k1-k2+2) else 0"
        if mode is Mode.VALID else "w2[n+k2-i] if n <= i <= n+k2-1 else 0",
        truth="SymPy differentiates a2 (built from h1 and w2 by the definitions) with respect "
              f"to h1; every entry (i, n) compared exactly, for {_TRUTH_SIZES}",
        claim=entry_claim(mode), notes=CONVENTIONS,
        prepare=lambda options: prepare_networks(mode, options),
    ))
    QUESTIONS.append(Question(
        id=f"5.{first + 2}",
        title=f"nabla_h1 L = nabla_a2 L {identity}-conv flip(w2) {where}",
        statement=f"Show that nabla_h1 L = nabla_a2 L {identity}-conv flip(w2), {where}, "
                  "starting with (nabla_h1 L)_n = sum_{i=1}^{|a2|} (nabla_a2 L)_i "
                  "d a2_i / d h1_n.",
        kind=AnswerKind.CHAIN, namespace=CHAIN_NS,
        reference=REFERENCE_5_3 if mode is Mode.VALID else REFERENCE_5_6,
        truth="step 1 against the chain rule with the SymPy Jacobian of the built network and a "
              f"symbolic gradient g; each step against the one before; the last step against "
              f"g {identity}-conv flip(w2) computed by the definitions; every n, for "
              f"{_TRUTH_SIZES}",
        claim=chain_claim(mode), notes=CHAIN_NOTES,
        prepare=lambda options: prepare_networks(mode, options),
    ))


_register(Mode.VALID, 1)
_register(Mode.FULL, 4)
